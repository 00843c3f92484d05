//! `network-mode-unsupported`: Cilium-Overlay clusters cannot use CLB direct pod access.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage};
use crate::model::NetworkMode;

pub const CHECK: Check = Check {
    id: "network-mode-unsupported",
    severity: Severity::Error,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "the cluster's network mode (Cilium-Overlay) does not support CLB direct pod access",
    docs: include_str!("../../docs/checks/network-mode-unsupported.md"),
    run,
};

const FIX: &str = "keep these Services in NodePort mode (remove the direct-access annotation), or move the workloads to a VPC-CNI cluster (or super nodes)";

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::CiliumOverlay {
        return vec![];
    }
    super::blocker(
        &CHECK,
        ctx,
        "the cluster uses Cilium-Overlay networking, which TKE does not support for CLB direct pod access",
        "Cilium-Overlay pod IPs are not routable from the CLB",
        FIX,
        |_| true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;

    #[test]
    fn only_cilium_overlay() {
        assert_eq!(check(&CHECK, &facts(), NetworkMode::CiliumOverlay).len(), 1);
        assert!(check(&CHECK, &facts(), NetworkMode::Mixed).is_empty());
    }
}
