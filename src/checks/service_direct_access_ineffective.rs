//! `service-direct-access-ineffective`: the Service annotation on a Service that is not a LoadBalancer.

use super::ctx::{Ctx, service_direct};
use super::{Check, Finding, Severity, Stage, Subject, finding};
use crate::model::consts;

pub const CHECK: Check = Check {
    id: "service-direct-access-ineffective",
    severity: Severity::Warning,
    stage: Stage::Objects,
    summary: "direct-access is set on a Service that is not type LoadBalancer, where it does nothing",
    docs: include_str!("../../docs/checks/service-direct-access-ineffective.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .services
        .iter()
        .filter(|s| s.type_ != "LoadBalancer" && service_direct(s) == Some("true"))
        .map(|s| {
            finding(
                &CHECK,
                Some(Subject::namespaced("Service", &s.namespace, &s.name)),
                format!("svc/{} is type {} but has {}: \"true\", which only LoadBalancer Services honour", s.name, s.type_, consts::SERVICE_DIRECT_ACCESS),
                format!(
                    "make it type LoadBalancer, or for a CLB Ingress backend set {} on the Ingress and remove it here",
                    consts::INGRESS_DIRECT_ACCESS
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::network::NetworkMode;

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
