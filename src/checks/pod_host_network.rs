//! `pod-host-network`: hostNetwork pods behind a direct backend.

use super::ctx::{Ctx, by_owner, count, name_pods, verb};
use super::{Check, Finding, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "pod-host-network",
    severity: Severity::Warning,
    stage: Stage::Objects,
    summary: "hostNetwork pods behind a direct Service: TKE does not support them as direct backends",
    docs: include_str!("../../docs/checks/pod-host-network.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    let mut out = Vec::new();
    for b in &ctx.backends {
        for (owner, pods) in by_owner(b.pods.iter().copied().filter(|p| p.host_network)) {
            let mut f = finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{} of {} behind {} {} hostNetwork ({}): {} the node's IP, not an ENI IP",
                    count(pods.len(), "pod"),
                    owner.short(),
                    b.describe(),
                    verb(pods.len(), "uses", "use"),
                    name_pods(&pods),
                    verb(pods.len(), "it has", "they have")
                ),
                "drop hostNetwork from the pod template, or keep this Service in NodePort mode (remove direct-access)",
            );
            f.related = Some(b.subject());
            out.push(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::network::NetworkMode;

    #[test]
    fn host_network_backends() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut h = pod("web", "web-abc-1");
        h.host_network = true;
        f.pods = vec![h, pod("web", "web-abc-2")];
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
    }
}
