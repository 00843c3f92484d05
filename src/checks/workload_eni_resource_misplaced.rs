//! `workload-eni-resource-misplaced`: a pod template would get more than one ENI IP per pod (the resource on several containers, or not on containers[0] where TKE's ENI webhook runs)

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::Kind;
use crate::rules::network::template_opt_in;

pub const CHECK: Check = Check {
    id: "workload-eni-resource-misplaced",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a pod template would get more than one ENI IP per pod (the resource on several containers, or not on containers[0] where TKE's ENI webhook runs)",
    docs: include_str!("../../docs/checks/workload-eni-resource-misplaced.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    let webhook = ctx.network.eni_webhook_may_run();
    ctx.facts
        .workloads
        .iter()
        .filter_map(|w| {
            let t = w.template()?;
            let opt_in = template_opt_in(t);
            let containers: Vec<usize> = opt_in.resources.iter().map(|(i, _)| *i).collect();
            let name = |i: usize| t.spec.containers.get(i).map(|c| c.name.clone()).unwrap_or_default();
            let subject = subject_of(&w.kind, &w.metadata);
            let (severity, message) = if containers.len() > 1 {
                (
                    Severity::Error,
                    format!(
                        "{} asks for an ENI IP on {} containers ({}): each pod would take {} ENI IPs",
                        subject.short(),
                        containers.len(),
                        containers.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", "),
                        containers.len()
                    ),
                )
            } else if webhook && opt_in.flavor.is_some() && containers.first().is_some_and(|&i| i != 0) {
                // Its live pods tell whether the webhook did add the second one.
                let doubled: Vec<&crate::model::Pod> = ctx
                    .facts
                    .pods
                    .iter()
                    .filter(|p| ctx.workload_of(p).is_some_and(|o| std::ptr::eq(o, w)))
                    .filter(|p| {
                        crate::rules::eni::pod_requests(p)
                            .iter()
                            .map(|(_, n)| n)
                            .sum::<i64>()
                            > 1
                    })
                    .collect();
                let takes = if doubled.is_empty() {
                    "so each pod may take two ENI IPs".to_string()
                } else {
                    format!(
                        "and it did: {} {} two ENI IPs each ({})",
                        super::ctx::count(doubled.len(), "pod"),
                        super::ctx::verb(doubled.len(), "takes", "take"),
                        super::ctx::name_pods(&doubled)
                    )
                };
                (
                    Severity::Warning,
                    format!(
                        "{} puts the ENI resource on container {} (not the first): TKE's ENI webhook also gives \
                         containers[0] ({}) one, {takes}",
                        subject.short(),
                        name(containers[0]),
                        name(0)
                    ),
                )
            } else {
                return None;
            };
            let mut f = finding(
                &CHECK,
                Some(subject),
                message,
                "keep the ENI resource (requests and limits of tke.cloud.tencent.com/eni-ip or direct-eni) on the first \
                 container only",
            );
            f.severity = severity;
            let template: &[&str] = match w.kind() {
                Some(Kind::CronJob) => &["spec", "jobTemplate", "spec", "template"],
                _ => &["spec", "template"],
            };
            let mut path: Vec<String> = template.iter().map(|s| s.to_string()).collect();
            path.extend(["spec".into(), "containers".into(), containers.last().copied().unwrap_or(0).to_string()]);
            f.field = crate::report::field_path(&path.iter().map(String::as_str).collect::<Vec<_>>());
            Some(f)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{NetworkDetection, NetworkMode, Workload};
    use serde_json::json;

    fn workload(resources_on: &[usize]) -> Workload {
        let containers: Vec<_> = (0..2)
            .map(|i| {
                let res = if resources_on.contains(&i) {
                    json!({"limits": {"tke.cloud.tencent.com/eni-ip": "1"}, "requests": {"tke.cloud.tencent.com/eni-ip": "1"}})
                } else {
                    json!({})
                };
                json!({"name": format!("c{i}"), "resources": res})
            })
            .collect();
        serde_json::from_value(json!({
            "kind": "Deployment", "metadata": {"namespace": "web", "name": "web"},
            "spec": {"template": {"metadata": {"annotations": {"tke.cloud.tencent.com/networks": "tke-route-eni"}},
                                  "spec": {"containers": containers}}}
        }))
        .unwrap()
    }

    #[test]
    fn one_eni_ip_per_pod() {
        let mut f = facts();
        f.workloads = vec![workload(&[0])];
        assert!(check(&CHECK, &f, NetworkMode::Mixed).is_empty());
        f.workloads = vec![workload(&[0, 1])];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out[0].severity, Severity::Error);
        f.workloads = vec![workload(&[1])];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out[0].severity, Severity::Warning);
        assert!(out[0].message.contains("containers[0] (c0)"));
        // A pod of it that got the resource on both containers: said as a fact.
        let mut p = pod("web", "web-abc-1");
        for i in 0..2 {
            let mut c = crate::model::pod::Container {
                name: format!("c{i}"),
                ..Default::default()
            };
            c.resources
                .limits
                .insert("tke.cloud.tencent.com/eni-ip".into(), "1".into());
            p.spec.containers.push(c);
        }
        f.pods = vec![p];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert!(
            out[0]
                .message
                .ends_with("and it did: 1 pod takes two ENI IPs each (pod/web-abc-1)"),
            "{}",
            out[0].message
        );
        f.pods.clear();
        let mut no_webhook = NetworkDetection::given(NetworkMode::Mixed, None);
        no_webhook.eni_webhook = Some(false);
        assert!(check_with(&CHECK, &f, &no_webhook).is_empty());
    }
}
