//! `service-external-traffic-policy-local`: `externalTrafficPolicy: Local` on a direct Service (unneeded).

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "service-external-traffic-policy-local",
    severity: Severity::Info,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "externalTrafficPolicy: Local is unneeded in direct mode (the client IP is kept anyway)",
    docs: include_str!("../../docs/checks/service-external-traffic-policy-local.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.backends
        .iter()
        .filter(|b| b.direct_service && b.service.spec.external_traffic_policy.as_deref() == Some("Local"))
        .map(|b| {
            finding(
                &CHECK,
                Some(b.subject()),
                format!(
                    "svc/{} is direct and also sets externalTrafficPolicy: Local, which only matters for NodePort traffic",
                    b.service.metadata.name
                ),
                "remove externalTrafficPolicy (or set Cluster): the CLB reaches pods without SNAT, so they see the client IP; \
                 NodePort-only annotations such as local-svc-only-bind-node-with-pod can go too",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;

    #[test]
    fn local_policy_on_direct_services() {
        let mut f = facts();
        let mut s = direct_svc("web");
        s.spec.external_traffic_policy = Some("Local".into());
        let mut nodeport = svc("np", "LoadBalancer", &[]);
        nodeport.spec.external_traffic_policy = Some("Local".into());
        f.services = vec![s, nodeport];
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
    }
}
