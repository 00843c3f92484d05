//! `cluster-version-unsupported`: Kubernetes below 1.12 has no usable pod readiness gates.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage};

pub const CHECK: Check = Check {
    id: "cluster-version-unsupported",
    severity: Severity::Error,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "Kubernetes is older than 1.12: no pod readiness gates, so direct access cannot work safely",
    docs: include_str!("../../docs/checks/cluster-version-unsupported.md"),
    run,
};

const FIX: &str = "upgrade the cluster to 1.14 or later (1.12 at the very least) in the TKE console, then enable direct access";

fn run(ctx: &Ctx) -> Vec<Finding> {
    match (ctx.version, &ctx.facts.version) {
        (Some(v), Some(raw)) if !v.at_least(1, 12) => super::blocker(
            &CHECK,
            ctx,
            &format!(
                "Kubernetes {} is older than 1.12: pod readiness gates are not available",
                raw.git_version
            ),
            &format!(
                "Kubernetes {} has no pod readiness gates (TKE needs 1.12 or later)",
                raw.git_version
            ),
            FIX,
            |_| true,
        ),
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
    fn fails_below_1_12_only() {
        let mut f = facts();
        let at = |f: &mut crate::model::ClusterFacts, v: &str| {
            f.version = Some(ServerVersion {
                git_version: v.into(),
                ..Default::default()
            })
        };
        at(&mut f, "v1.10.5-qcloud-rev1");
        assert_eq!(check(&CHECK, &f, NetworkMode::VpcCni).len(), 1);
        at(&mut f, "v1.12.4-tke.1");
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
