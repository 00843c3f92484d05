//! `service-session-affinity-client-ip`: `sessionAffinity: ClientIP` on a direct Service.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "service-session-affinity-client-ip",
    severity: Severity::Info,
    stage: Stage::Objects,
    manifests: Manifests::Yes,
    summary: "sessionAffinity: ClientIP does not apply to CLB traffic in direct mode; use CLB session persistence",
    docs: include_str!("../../docs/checks/service-session-affinity-client-ip.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.backends
        .iter()
        .filter(|b| b.direct_service && b.service.spec.session_affinity.as_deref() == Some("ClientIP"))
        .map(|b| {
            finding(
                &CHECK,
                Some(b.subject()),
                format!(
                    "svc/{} is direct and sets sessionAffinity: ClientIP, which kube-proxy applies but the CLB does not",
                    b.service.metadata.name
                ),
                "configure session persistence on the CLB listener instead: a TkeServiceConfig with \
                 l4Listeners[].session.enable: true, referenced by service.cloud.tencent.com/tke-service-config",
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
    fn client_ip_affinity_on_direct_services() {
        let mut f = facts();
        let mut s = direct_svc("web");
        s.spec.session_affinity = Some("ClientIP".into());
        f.services = vec![s, direct_svc("plain")];
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
    }
}
