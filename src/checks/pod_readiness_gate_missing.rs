//! `pod-readiness-gate-missing`: pods behind a direct backend without TKE's readiness gate.

use super::ctx::{Ctx, restart_hint, verb};
use super::{Check, Finding, Manifests, Severity, Stage};
use crate::model::consts;
use crate::rules::readiness::has_gate;

pub const CHECK: Check = Check {
    id: "pod-readiness-gate-missing",
    severity: Severity::Warning,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "pods behind a direct Service lack the CLB readiness gate: rollouts do not wait for the CLB",
    docs: include_str!("../../docs/checks/pod-readiness-gate-missing.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    // Where gates cannot exist or direct access cannot work, this advice is withheld (checks::withhold).
    ctx.pod_groups(|_, p| !p.metadata.terminating() && !has_gate(p))
        .iter()
        .map(|g| {
            g.finding(
                &CHECK,
                format!(
                    "{} {} the readiness gate {} ({}): created before direct access was enabled?",
                    g.describe(),
                    verb(g.pods.len(), "lacks", "lack"),
                    consts::READINESS_GATE,
                    g.names()
                ),
                format!(
                    "{} so TKE's webhook adds the gate to the new pods",
                    restart_hint(&g.owner)
                ),
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
    fn pods_without_the_gate() {
        let mut f = facts();
        f.services = vec![direct_svc("web"), svc("other", "LoadBalancer", &[])];
        let mut old = pod("web", "web-abc-1");
        old.spec.readiness_gates.clear();
        let mut other = pod("other", "other-abc-1");
        other.spec.readiness_gates.clear();
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
