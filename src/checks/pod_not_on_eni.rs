//! `pod-not-on-eni`: in a mixed cluster, pods behind a direct backend got a GlobalRouter IP.

use super::ctx::Ctx;
use super::{Check, Finding, Severity, Stage};
use crate::model::NetworkMode;
use crate::rules::network::{PodNetwork, pod_network};

pub const CHECK: Check = Check {
    id: "pod-not-on-eni",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "pods behind a direct Service in a mixed cluster are not on an ENI, so the CLB cannot bind them",
    docs: include_str!("../../docs/checks/pod-not-on-eni.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Mixed {
        return vec![];
    }
    let gr_direct = ctx.network.global_route_direct_access == Some(true);
    let evidence = |p: &crate::model::Pod| match pod_network(p, ctx.node_of(p), ctx.network.mode) {
        PodNetwork::GlobalRouter(e) => Some(e),
        _ => None,
    };
    ctx.pod_groups(|_, p| !p.metadata.terminating() && evidence(p).is_some())
        .iter()
        .map(|g| {
            let first = evidence(g.pods[0]).unwrap_or_default();
            let mut f = g.finding(
                &CHECK,
                format!(
                    "{} got GlobalRouter IPs ({}; {first}): the CLB cannot bind them directly",
                    g.describe(),
                    g.names()
                ),
                format!(
                    "opt the workload into an ENI (`tkedirect enable {} --network-mode mixed`: annotation \
                     tke.cloud.tencent.com/networks: tke-route-eni plus resource tke.cloud.tencent.com/eni-ip: \"1\"), \
                     then roll it out",
                    g.owner.short()
                ),
            );
            if gr_direct {
                f.severity = Severity::Warning;
                f.message
                    .push_str(" unless GlobalRouter direct access works for this account");
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
