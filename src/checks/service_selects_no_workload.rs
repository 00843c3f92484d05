//! `service-selects-no-workload`: a direct Service selects no workload of the manifests audited (its pods come from elsewhere)

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::rules::selector::{selects, to_query};

pub const CHECK: Check = Check {
    id: "service-selects-no-workload",
    severity: Severity::Info,
    stage: Stage::Objects,
    manifests: Manifests::Only,
    summary: "a direct Service selects no workload of the manifests audited (its pods come from elsewhere)",
    docs: include_str!("../../docs/checks/service-selects-no-workload.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.backends
        .iter()
        .filter(|b| !b.service.spec.selector.is_empty())
        .filter(|b| {
            let s = &b.service;
            !ctx.facts.workloads.iter().any(|w| {
                w.metadata.ns() == s.metadata.ns()
                    && w.template().is_some_and(|t| selects(&s.spec.selector, &t.metadata.labels))
            })
        })
        .map(|b| {
            let m = &b.service.metadata;
            let mut f = finding(
                &CHECK,
                Some(subject_of("Service", m)),
                format!(
                    "{} selects {}, which no workload in these manifests matches: its pods, and their ENI opt-in, are \
                     defined elsewhere",
                    b.describe(),
                    to_query(&b.service.spec.selector)
                ),
                "audit the manifests of the workload too (pass its files with -f), or `tkedirect doctor` the live cluster",
            );
            f.field = crate::report::field_path(&["spec", "selector"]);
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;

    #[test]
    fn direct_services_without_their_workload() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
        f.workloads = vec![
            serde_json::from_value(serde_json::json!({
                "kind": "Deployment", "metadata": {"namespace": "web", "name": "web"},
                "spec": {"template": {"metadata": {"labels": {"app": "web"}}}}
            }))
            .unwrap(),
        ];
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
