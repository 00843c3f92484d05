//! `cluster-version-gate-beta`: Kubernetes 1.12–1.13, where pod readiness gates are still beta.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "cluster-version-gate-beta",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "Kubernetes 1.12–1.13: pod readiness gates are beta there (GA in 1.14)",
    docs: include_str!("../../docs/checks/cluster-version-gate-beta.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    match (ctx.version, &ctx.facts.version) {
        (Some(v), Some(raw)) if v.at_least(1, 12) && !v.at_least(1, 14) => vec![finding(
            &CHECK,
            None,
            format!(
                "Kubernetes {} supports pod readiness gates only as a beta feature (GA in 1.14)",
                raw.git_version
            ),
            "direct access works, but upgrade to 1.14 or later when you can",
        )],
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::ServerVersion;

    #[test]
    fn warns_on_1_12_and_1_13() {
        for (v, n) in [
            ("v1.11.0", 0),
            ("v1.12.4-tke.1", 1),
            ("v1.13.0", 1),
            ("v1.14.0", 0),
            ("v1.28.3-tke.1", 0),
        ] {
            let mut f = facts();
            f.version = Some(ServerVersion {
                git_version: v.into(),
                ..Default::default()
            });
            assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), n, "{v}");
        }
    }
}
