//! `service-clb-id-missing`: a direct LoadBalancer Service whose CLB id was never written back.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::consts::SERVICE_LOADBALANCE_ID;

pub const CHECK: Check = Check {
    id: "service-clb-id-missing",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "a direct Service has no CLB id written back: TKE's service controller is not reconciling it",
    docs: include_str!("../../docs/checks/service-clb-id-missing.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.backends
        .iter()
        .filter(|b| b.direct_service && b.service.metadata.annotation(SERVICE_LOADBALANCE_ID).is_none())
        .map(|b| {
            let m = &b.service.metadata;
            let fix = format!(
                "kubectl -n {} describe svc/{} (look at Events), and check the service controller in kube-system \
                 (ConfigMap tke-service-controller-config, its VERSION) and the CLB quota",
                m.ns(),
                m.name
            );
            if ctx.young(m.creation_timestamp) {
                let mut f = finding(
                    &CHECK,
                    Some(b.subject()),
                    format!(
                        "in progress: svc/{} was created{} ago; TKE has not written {SERVICE_LOADBALANCE_ID} yet",
                        m.name,
                        ctx.age(m.creation_timestamp).trim_start_matches(" for")
                    ),
                    format!("nothing yet: creating a CLB takes a while; if it persists, {fix}"),
                );
                f.severity = Severity::Info;
                return f;
            }
            finding(
                &CHECK,
                Some(b.subject()),
                format!(
                    "svc/{} has direct access on but no {SERVICE_LOADBALANCE_ID}: no CLB was bound to it yet",
                    m.name
                ),
                fix,
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
    fn missing_id_on_direct_services() {
        let mut f = facts();
        f.services = vec![
            direct_svc("ok"),
            svc(
                "new",
                "LoadBalancer",
                &[("service.cloud.tencent.com/direct-access", "true")],
            ),
        ];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.starts_with("svc/new"));
        // Created a minute before the cluster was read: in progress.
        f.observed_at = Some("2024-03-01T08:01:00Z".parse().unwrap());
        f.services[1].metadata.creation_timestamp = Some("2024-03-01T08:00:00Z".parse().unwrap());
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out[0].severity, Severity::Info);
        assert!(
            out[0]
                .message
                .starts_with("in progress: svc/new was created 60s ago"),
            "{}",
            out[0].message
        );
    }
}
