//! `service-direct-access-ineffective`: the Service annotation on a Service that is not a LoadBalancer.

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::consts;
use crate::rules::direct::service_switch;

pub const CHECK: Check = Check {
    id: "service-direct-access-ineffective",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "direct-access is set on a Service that is not type LoadBalancer, where it does nothing",
    docs: include_str!("../../docs/checks/service-direct-access-ineffective.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .services
        .iter()
        .filter(|s| !s.is_load_balancer() && service_switch(s).is_on())
        .map(|s| {
            let mut f = finding(
                &CHECK,
                Some(subject_of("Service", &s.metadata)),
                format!(
                    "svc/{} is type {} but has {}: \"{}\", which only LoadBalancer Services honour",
                    s.metadata.name,
                    s.type_(),
                    consts::SERVICE_DIRECT_ACCESS,
                    s.metadata.annotation(consts::SERVICE_DIRECT_ACCESS).unwrap_or_default()
                ),
                format!(
                    "make it type LoadBalancer, or for a CLB Ingress backend set {} on the Ingress and remove it here",
                    consts::INGRESS_DIRECT_ACCESS
                ),
            );
            f.field = crate::report::field_path(&["metadata", "annotations", consts::SERVICE_DIRECT_ACCESS]);
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
    fn only_non_load_balancers() {
        let mut f = facts();
        f.services = vec![
            direct_svc("lb"),
            svc(
                "cip",
                "ClusterIP",
                &[(consts::SERVICE_DIRECT_ACCESS, "true")],
            ),
        ];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.starts_with("svc/cip is type ClusterIP"));
    }
}
