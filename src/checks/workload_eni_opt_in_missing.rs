//! `workload-eni-opt-in-missing`: in a mixed cluster, a workload behind a direct backend lacks the ENI
//! network annotation or the ENI resource.

use std::collections::BTreeSet;

use super::ctx::{Ctx, count, name_pods, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::NetworkMode;
use crate::model::consts::{RESOURCE_ENI_IP, WEBHOOK_OPT_OUT_LABEL};
use crate::rules::selector::selects;

pub const CHECK: Check = Check {
    id: "workload-eni-opt-in-missing",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "a workload behind a direct Service in a mixed cluster does not opt into an ENI",
    docs: include_str!("../../docs/checks/workload-eni-opt-in-missing.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Mixed {
        return vec![];
    }
    let gr_direct = ctx.network.global_route_direct_access == Some(true);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for b in &ctx.backends {
        let svc = &b.service.metadata;
        for w in ctx
            .facts
            .workloads
            .iter()
            .filter(|w| w.metadata.ns() == svc.ns())
        {
            let Some(t) = w.template() else { continue };
            if !selects(&b.service.spec.selector, &t.metadata.labels)
                || !seen.insert((&w.kind, w.metadata.ns(), w.name()))
            {
                continue;
            }
            let pods: Vec<&crate::model::Pod> = b
                .pods
                .iter()
                .copied()
                .filter(|p| ctx.workload_of(p).is_some_and(|o| std::ptr::eq(o, w)))
                .collect();
            let mut skipped_by_webhook = false;
            let missing = match ctx.missing_opt_in(w) {
                Some(missing) => missing,
                // Annotation only, relying on TKE's ENI webhook: when none of its running pods carries an
                // ENI resource, the webhook did not act for them (a namespace labelled
                // `not-add-pod-eni-ip-limit`, or no webhook in this cluster: domain notes §3.2–3.3).
                None if webhook_skipped(w, &pods) => {
                    skipped_by_webhook = true;
                    vec![format!(
                        "the resource {RESOURCE_ENI_IP}: \"1\" on one container (it relies on TKE's ENI webhook, \
                     which did not add it to any of its pods: is the namespace labelled {WEBHOOK_OPT_OUT_LABEL}?)"
                    )]
                }
                None => continue,
            };
            let subject = subject_of(&w.kind, &w.metadata);
            // The consequence, folded in: its pods got GlobalRouter IPs, so their gate stays False.
            let pods_get = if pods.is_empty() {
                "its pods get GlobalRouter IPs".to_string()
            } else {
                format!(
                    "its {} got GlobalRouter IPs ({})",
                    count(pods.len(), "pod"),
                    name_pods(&pods)
                )
            };
            let consequence = match (gr_direct, pods.is_empty()) {
                _ if skipped_by_webhook => format!(
                    "without it the scheduler reserves no ENI IP for its {} ({}), which may land on nodes with none free",
                    count(pods.len(), "pod"),
                    name_pods(&pods)
                ),
                (true, _) => format!(
                    "{pods_get}; GlobalRouteDirectAccess is on, so they are served through GlobalRoute direct access \
                     (if the account is bandwidth-up-shifted and the container CIDR is on CCN)"
                ),
                (false, true) => pods_get,
                (false, false) => format!(
                    "{pods_get}, so the CLB cannot bind them and their readiness gate stays False"
                ),
            };
            let mut f = finding(
                &CHECK,
                Some(subject.clone()),
                format!(
                    "{} behind {} lacks {}: {consequence}",
                    subject.short(),
                    b.describe(),
                    missing.join(" and ")
                ),
                format!(
                    "tkedirect enable {} --network-mode mixed -f <manifest> (or on the live object), then roll it out",
                    subject.short()
                ),
            );
            if gr_direct {
                f.severity = Severity::Warning;
            }
            f.related = Some(b.subject());
            f.pods = pods.iter().map(|p| p.name().to_string()).collect();
            f.field = crate::report::field_path(match w.kind() {
                Some(crate::model::Kind::CronJob) => {
                    &["spec", "jobTemplate", "spec", "template", "metadata"]
                }
                _ => &["spec", "template", "metadata"],
            });
            out.push(f);
        }
    }
    out
}

/// Whether a workload that relies on the ENI webhook (the annotation, no resource) has running pods and
/// none of them got an ENI resource.
fn webhook_skipped(w: &crate::model::Workload, pods: &[&crate::model::Pod]) -> bool {
    let Some(t) = w.template() else { return false };
    let opt_in = crate::rules::network::template_opt_in(t);
    let running: Vec<&&crate::model::Pod> = pods
        .iter()
        .filter(|p| !p.metadata.terminating() && p.status.phase.as_deref() == Some("Running"))
        .collect();
    opt_in.flavor.is_some()
        && opt_in.resources.is_empty()
        && !t.spec.host_network
        && !running.is_empty()
        && running
            .iter()
            .all(|p| crate::rules::eni::pod_requests(p).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{Workload, consts};
    use serde_json::json;

    #[test]
    fn mixed_clusters_need_both() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let w = |name: &str, net: Option<&str>, res: Option<&str>| -> Workload {
            let mut ann = serde_json::Map::new();
            if let Some(n) = net {
                ann.insert(consts::POD_NETWORKS.into(), json!(n));
            }
            let resources = match res {
                Some(r) => json!({"requests": {r: "1"}, "limits": {r: "1"}}),
                None => json!({}),
            };
            serde_json::from_value(json!({
                "kind": "Deployment",
                "metadata": {"namespace": "web", "name": name},
                "spec": {"template": {"metadata": {"labels": {"app": "web"}, "annotations": ann},
                                      "spec": {"containers": [{"name": "c", "resources": resources}]}}}
            }))
            .unwrap()
        };
        f.workloads = vec![
            w("none", None, None),
            w("annotated", Some("tke-route-eni"), None),
            w("done", Some("tke-route-eni"), Some(consts::RESOURCE_ENI_IP)),
        ];
        // The ENI webhook may run (managed clusters hide it): the annotation is enough.
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(out[0].message.starts_with("deploy/none") && out[0].message.contains("annotation"));
        assert!(!out[0].message.contains("resource"));
        // Known to be absent: both are needed.
        let mut no_webhook = crate::model::NetworkDetection::given(NetworkMode::Mixed, None);
        no_webhook.eni_webhook = Some(false);
        let out = check_with(&CHECK, &f, &no_webhook);
        assert_eq!(out.len(), 2);
        assert!(out[0].message.contains("annotation") && out[0].message.contains("resource"));
        assert!(!out[1].message.contains("annotation"));
        // GlobalRouteDirectAccess on: a warning that says how the pods are served.
        let gr = crate::model::NetworkDetection::given(NetworkMode::Mixed, Some(true));
        let out = check_with(&CHECK, &f, &gr);
        assert_eq!(out[0].severity, Severity::Warning);
        assert!(out[0].message.contains("GlobalRoute direct access"));
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }

    /// Annotation only, where the webhook may run: fine while its pods got the resource; when none of
    /// its running pods did, the webhook did not act for them, and the resource is missing.
    #[test]
    fn the_webhook_that_did_not_act_shows_on_the_pods() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        f.workloads = vec![
            serde_json::from_value(json!({
                "kind": "Deployment", "metadata": {"namespace": "web", "name": "web"},
                "spec": {"template": {"metadata": {"labels": {"app": "web"},
                    "annotations": {consts::POD_NETWORKS: "tke-route-eni"}},
                    "spec": {"containers": [{"name": "c"}]}}}
            }))
            .unwrap(),
        ];
        let mut p = pod("web", "web-abc-1");
        f.pods = vec![p.clone()];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(
            out[0]
                .message
                .contains("which did not add it to any of its pods"),
            "{}",
            out[0].message
        );
        let mut c = crate::model::pod::Container::default();
        c.resources
            .limits
            .insert(consts::RESOURCE_ENI_IP.into(), "1".into());
        p.spec.containers.push(c);
        f.pods = vec![p];
        assert!(check(&CHECK, &f, NetworkMode::Mixed).is_empty());
    }
}
