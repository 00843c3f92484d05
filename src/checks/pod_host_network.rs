//! `pod-host-network`: hostNetwork pods behind a direct backend.

use super::ctx::{Ctx, verb};
use super::{Check, Finding, Manifests, Severity, Stage};

pub const CHECK: Check = Check {
    id: "pod-host-network",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "hostNetwork pods behind a direct Service: TKE does not support them as direct backends",
    docs: include_str!("../../docs/checks/pod-host-network.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.pod_groups(|_, p| p.spec.host_network)
        .iter()
        .map(|g| {
            let n = g.pods.len();
            g.finding(
                &CHECK,
                format!(
                    "{} {} hostNetwork ({}): {} the node's IP, not an ENI IP",
                    g.describe(),
                    verb(n, "uses", "use"),
                    g.names(),
                    verb(n, "it has", "they have")
                ),
                "drop hostNetwork from the pod template, or keep this Service in NodePort mode (remove direct-access)",
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
    fn host_network_backends() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut h = pod("web", "web-abc-1");
        h.spec.host_network = true;
        f.pods = vec![h, pod("web", "web-abc-2")];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].pods, ["web-abc-1"]);
    }
}
