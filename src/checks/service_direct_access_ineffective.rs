//! `service-direct-access-ineffective`: the Service annotation on a Service that is not a LoadBalancer.

use super::ctx::{Ctx, subject_of};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::consts;
use crate::rules::direct::{clb_service, service_switch};

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
        .filter(|s| !clb_service(s) && service_switch(s).is_on())
        .map(|s| {
            let value = s.metadata.annotation(consts::SERVICE_DIRECT_ACCESS).unwrap_or_default();
            let (message, fix) = match s.spec.load_balancer_class.as_deref() {
                Some(class) if s.is_load_balancer() => (
                    format!(
                        "svc/{} names spec.loadBalancerClass {class}, so TKE's service controller leaves it to that \
                         implementation and its {}: \"{value}\" does nothing",
                        s.metadata.name,
                        consts::SERVICE_DIRECT_ACCESS,
                    ),
                    "remove the annotation, or (a new Service: the class cannot change) create the Service without \
                     spec.loadBalancerClass to have TKE give it a CLB"
                        .to_string(),
                ),
                _ => (
                    format!(
                        "svc/{} is type {} but has {}: \"{value}\", which only LoadBalancer Services honour",
                        s.metadata.name,
                        s.type_(),
                        consts::SERVICE_DIRECT_ACCESS,
                    ),
                    format!(
                        "make it type LoadBalancer, or for a CLB Ingress backend set {} on the Ingress and remove it here",
                        consts::INGRESS_DIRECT_ACCESS
                    ),
                ),
            };
            let mut f = finding(&CHECK, Some(subject_of("Service", &s.metadata)), message, fix);
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
        // A LoadBalancer of another implementation: TKE leaves it alone, the annotation does nothing.
        // (No CLB id: service-clb-id-missing would speak if it were taken for TKE's.)
        let mut metallb = svc(
            "metallb",
            "LoadBalancer",
            &[(consts::SERVICE_DIRECT_ACCESS, "true")],
        );
        metallb.spec.load_balancer_class = Some("metallb.io/metallb".into());
        f.services = vec![metallb];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert!(
            out[0]
                .message
                .starts_with("svc/metallb names spec.loadBalancerClass metallb.io/metallb"),
            "{}",
            out[0].message
        );
        // …and no check that expects a CLB looks at it.
        let all = crate::checks::run(
            &f,
            &crate::model::NetworkDetection::given(NetworkMode::VpcCni, None),
            crate::checks::RunOptions::default(),
        );
        let ids: Vec<&str> = all.findings.iter().map(|f| f.check).collect();
        assert_eq!(ids, ["service-direct-access-ineffective"]);
    }
}
