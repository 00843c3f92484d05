//! `pod-not-on-eni`: in a mixed cluster, pods behind a direct backend got a GlobalRouter IP.

use super::ctx::{Ctx, verb};
use super::{Check, Finding, Manifests, Severity, Stage};
use crate::model::{NetworkMode, Pod};
use crate::rules::network::{PodNetwork, pod_network};
use crate::rules::readiness::{Gate, gate};

pub const CHECK: Check = Check {
    id: "pod-not-on-eni",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "pods behind a direct Service in a mixed cluster are not on an ENI, so the CLB cannot bind them",
    docs: include_str!("../../docs/checks/pod-not-on-eni.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Mixed {
        return vec![];
    }
    let gr_direct = ctx.network.global_route_direct_access == Some(true);
    let evidence = |p: &Pod| match pod_network(p, ctx.node_of(p), ctx.network.mode) {
        PodNetwork::GlobalRouter(e) => Some(e),
        _ => None,
    };
    // Pods of a workload that lacks the opt-in are that workload's finding (the cause), not this one.
    let cause_elsewhere = |p: &Pod| {
        ctx.workload_of(p)
            .is_some_and(|w| ctx.missing_opt_in(w).is_some())
    };
    ctx.pod_groups(|_, p| !p.metadata.terminating() && evidence(p).is_some() && !cause_elsewhere(p))
        .iter()
        .map(|g| {
            let first = evidence(g.pods[0]).unwrap_or_default();
            let gate_false = g
                .pods
                .iter()
                .filter(|p| matches!(gate(p), Gate::False { .. }))
                .count();
            let consequence = if gate_false > 0 {
                format!(
                    ", and {} READINESS GATES 0/1 because of it",
                    verb(gate_false, "one shows", "they show")
                )
            } else {
                String::new()
            };
            let mut f = g.finding(
                &CHECK,
                format!(
                    "{} got GlobalRouter IPs ({}; {first}): the CLB cannot bind them directly{consequence}",
                    g.describe(),
                    g.names()
                ),
                format!(
                    "the workload's template asks for an ENI, but these pods predate it or did not get one: roll it out \
                     (`kubectl -n {} rollout restart {}`); if that does not help, check that the pod-template annotation \
                     tke.cloud.tencent.com/networks is tke-route-eni and one container carries tke.cloud.tencent.com/eni-ip",
                    g.owner.namespace.as_deref().unwrap_or("default"),
                    g.owner.short()
                ),
            );
            if gr_direct {
                f.severity = Severity::Warning;
                f.message.push_str(
                    "; GlobalRouteDirectAccess is on, so they are served through GlobalRoute direct access (if the account is bandwidth-up-shifted and the container CIDR is on CCN)",
                );
            }
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::consts::{POD_NETWORKS_STATUS, POD_TYPE};

    #[test]
    fn global_router_pods_in_mixed_clusters() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut n = node("node-1");
        n.spec.pod_cidr = Some("172.16.0.0/26".into());
        f.nodes = vec![n];
        let mut gr = pod("web", "web-abc-1");
        gr.status.pod_ip = Some("172.16.0.9".into());
        let mut bridged = pod("web", "web-abc-2");
        bridged.metadata.annotations.insert(
            POD_NETWORKS_STATUS.into(),
            r#"[{"name":"tke-bridge","ips":["172.16.0.10"]}]"#.into(),
        );
        let mut eklet = pod("web", "web-abc-3");
        eklet.status.pod_ip = Some("172.16.0.11".into());
        eklet
            .metadata
            .annotations
            .insert(POD_TYPE.into(), "eklet".into());
        let mut host = pod("web", "web-abc-5");
        host.spec.host_network = true;
        host.status.pod_ip = Some("172.16.0.12".into());
        f.pods = vec![gr, bridged, eklet, pod("web", "web-abc-4"), host];
        let out = check(&CHECK, &f, NetworkMode::Mixed);
        assert_eq!(out.len(), 1, "{out:#?}");
        assert!(
            out[0]
                .message
                .starts_with("2 pods of deploy/web behind svc/web"),
            "{}",
            out[0].message
        );
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
    }
}
