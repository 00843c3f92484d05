//! `global-router-direct-access-unverified`: GlobalRouteDirectAccess is on, but its account and CCN
//! conditions cannot be seen from the cluster.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, finding};

pub const CHECK: Check = Check {
    id: "global-router-direct-access-unverified",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "GlobalRouter direct access is switched on; its account and CCN conditions cannot be verified here",
    docs: include_str!("../../docs/checks/global-router-direct-access-unverified.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if !ctx.network.mode.has_global_router() || ctx.network.global_route_direct_access != Some(true)
    {
        return vec![];
    }
    vec![finding(
        &CHECK,
        None,
        "GlobalRouteDirectAccess is \"true\": GlobalRouter pods can be direct backends only if the account is \
         bandwidth-up-shifted and the container CIDR is registered to CCN (beta feature)",
        "confirm in the Tencent Cloud console that the account is bandwidth-up-shifted (带宽上移) and the cluster's \
         container CIDR is attached to a CCN instance; allow the workload ports in the node security group",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::{NetworkDetection, NetworkMode};

    #[test]
    fn warns_when_switched_on() {
        let on = NetworkDetection::given(NetworkMode::GlobalRouter, Some(true));
        assert_eq!(check_with(&CHECK, &facts(), &on).len(), 1);
        assert!(check(&CHECK, &facts(), NetworkMode::GlobalRouter).is_empty());
        assert!(
            check_with(
                &CHECK,
                &facts(),
                &NetworkDetection::given(NetworkMode::VpcCni, Some(true))
            )
            .is_empty()
        );
    }
}
