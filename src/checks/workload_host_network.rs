//! `workload-host-network`: a workload behind a direct Service runs its pods on the host network (no ENI IP to bind)

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::Kind;
use crate::rules::selector::selects;

pub const CHECK: Check = Check {
    id: "workload-host-network",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::Only,
    summary: "a workload behind a direct Service runs its pods on the host network (no ENI IP to bind)",
    docs: include_str!("../../docs/checks/workload-host-network.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for b in &ctx.backends {
        let s = &b.service;
        for w in ctx
            .facts
            .workloads
            .iter()
            .filter(|w| w.metadata.ns() == s.metadata.ns())
        {
            let Some(t) = w.template() else { continue };
            if !t.spec.host_network || !selects(&s.spec.selector, &t.metadata.labels) {
                continue;
            }
            let subject = subject_of(&w.kind, &w.metadata);
            if out.iter().any(|f| f.subject.as_ref() == Some(&subject)) {
                continue;
            }
            let mut f = finding(
                &CHECK,
                Some(subject.clone()),
                format!(
                    "{} behind {} uses hostNetwork: its pods have the node's IP, not an ENI IP the CLB can bind (enable \
                     leaves it as is)",
                    subject.short(),
                    b.describe()
                ),
                "drop hostNetwork from the pod template, or keep the Service in NodePort mode (remove direct-access)",
            );
            f.related = Some(b.subject());
            f.field = crate::report::field_path(match w.kind() {
                Some(Kind::CronJob) => &[
                    "spec",
                    "jobTemplate",
                    "spec",
                    "template",
                    "spec",
                    "hostNetwork",
                ],
                _ => &["spec", "template", "spec", "hostNetwork"],
            });
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;

    #[test]
    fn host_network_templates_behind_direct_services() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        f.workloads = vec![serde_json::from_value(serde_json::json!({
            "kind": "DaemonSet", "metadata": {"namespace": "web", "name": "web"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"hostNetwork": true}}}
        }))
        .unwrap()];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .starts_with("ds/web behind svc/web uses hostNetwork")
        );
    }
}
