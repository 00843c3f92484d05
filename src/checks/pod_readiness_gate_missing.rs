//! `pod-readiness-gate-missing`: pods behind a direct backend without TKE's readiness gate.

use super::ctx::{Ctx, by_owner, count, name_pods, restart_hint, verb};
use super::{Check, Finding, Severity, Stage, finding};
use crate::model::consts;
use crate::model::network::NetworkMode;

pub const CHECK: Check = Check {
    id: "pod-readiness-gate-missing",
    severity: Severity::Warning,
    stage: Stage::Objects,
    summary: "pods behind a direct Service lack the CLB readiness gate: rollouts do not wait for the CLB",
    docs: include_str!("../../docs/checks/pod-readiness-gate-missing.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    // In a GlobalRouter cluster without the switch, or a Cilium-Overlay one, nothing is direct: that is
    // reported once, as a cluster finding.
    let gr_off = ctx.network.mode == NetworkMode::GlobalRouter
        && ctx.network.global_route_direct_access != Some(true);
    if gr_off || ctx.network.mode == NetworkMode::CiliumOverlay {
        return vec![];
    }
    let mut out = Vec::new();
    for b in &ctx.backends {
        let missing = b.pods.iter().copied().filter(|p| {
            !p.terminating
                && !p
                    .readiness_gates
                    .iter()
                    .any(|g| g == consts::READINESS_GATE)
        });
        for (owner, pods) in by_owner(missing) {
            let mut f = finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{} of {} behind {} {} the readiness gate {} ({}): created before direct access was enabled?",
                    count(pods.len(), "pod"),
                    owner.short(),
                    b.describe(),
                    verb(pods.len(), "lacks", "lack"),
                    consts::READINESS_GATE,
                    name_pods(&pods)
                ),
                format!(
                    "{} so TKE's webhook adds the gate to the new pods",
                    restart_hint(&owner)
                ),
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

    #[test]
    fn pods_without_the_gate() {
        let mut f = facts();
        f.services = vec![direct_svc("web"), svc("other", "LoadBalancer", &[])];
        let mut old = pod("web", "web-abc-1");
        old.readiness_gates.clear();
        let mut other = pod("other", "other-abc-1");
        other.readiness_gates.clear();
        f.pods = vec![old, pod("web", "web-abc-2"), other];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .fix
                .starts_with("kubectl -n web rollout restart deploy/web")
        );
    }
}
