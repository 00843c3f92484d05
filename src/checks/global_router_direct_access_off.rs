//! `global-router-direct-access-off`: a GlobalRouter-only cluster without `GlobalRouteDirectAccess: "true"`.

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage};
use crate::model::NetworkMode;
use crate::model::consts::{GLOBAL_ROUTE_DIRECT_ACCESS, SERVICE_CONTROLLER_CONFIG};

pub const CHECK: Check = Check {
    id: "global-router-direct-access-off",
    severity: Severity::Error,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "GlobalRouter cluster without GlobalRouteDirectAccess: direct access silently stays in NodePort mode",
    docs: include_str!("../../docs/checks/global-router-direct-access-off.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::GlobalRouter
        || ctx.network.global_route_direct_access == Some(true)
    {
        return vec![];
    }
    let state = match ctx.facts.configmap(SERVICE_CONTROLLER_CONFIG) {
        None => format!("ConfigMap kube-system/{SERVICE_CONTROLLER_CONFIG} was not found"),
        Some(cm) => match cm.get(GLOBAL_ROUTE_DIRECT_ACCESS) {
            Some(v) => format!("{GLOBAL_ROUTE_DIRECT_ACCESS} is \"{v}\""),
            None => format!("{GLOBAL_ROUTE_DIRECT_ACCESS} is not set"),
        },
    };
    let fix = format!(
        "kubectl -n kube-system patch configmap {SERVICE_CONTROLLER_CONFIG} --type merge -p \
         '{{\"data\":{{\"{GLOBAL_ROUTE_DIRECT_ACCESS}\":\"true\"}}}}' (the account must be bandwidth-up-shifted and \
         the container CIDR registered to CCN), or enable VPC-CNI on the cluster"
    );
    // Pods on super nodes are direct backends without the switch (domain notes §6.3).
    super::blocker(
        &CHECK,
        ctx,
        &format!("GlobalRouter cluster without direct access for GlobalRouter pods: {state}"),
        &format!("its pods get GlobalRouter IPs and {state}"),
        &fix,
        |r| !ctx.all_on_super_nodes(r),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkDetection;

    #[test]
    fn fails_unless_switched_on() {
        let f = facts();
        let out = check(&CHECK, &f, NetworkMode::GlobalRouter);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("was not found"));
        let on = NetworkDetection::given(NetworkMode::GlobalRouter, Some(true));
        assert!(check_with(&CHECK, &f, &on).is_empty());
        assert!(check(&CHECK, &f, NetworkMode::Mixed).is_empty());
    }
}
