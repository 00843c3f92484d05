//! `pod-not-on-eni`: in a mixed cluster, pods behind a direct backend got a GlobalRouter IP.

use super::ctx::{Ctx, by_owner, count, ipv4_in_cidr, name_pods};
use super::{Check, Finding, Severity, Stage, finding};
use crate::cluster::facts::PodFacts;
use crate::model::network::NetworkMode;

pub const NETWORKS_STATUS: &str = "tke.cloud.tencent.com/networks-status";

pub const CHECK: Check = Check {
    id: "pod-not-on-eni",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "pods behind a direct Service in a mixed cluster are not on an ENI, so the CLB cannot bind them",
    docs: include_str!("../../docs/checks/pod-not-on-eni.md"),
    run,
};

/// Why a pod is on GlobalRouter, if it is.
pub fn global_router_evidence(ctx: &Ctx, p: &PodFacts) -> Option<String> {
    if let Some(status) = p.annotations.get(NETWORKS_STATUS)
        && let Ok(serde_json::Value::Array(nets)) =
            serde_json::from_str::<serde_json::Value>(status)
        && nets
            .iter()
            .any(|n| n.get("name").and_then(|v| v.as_str()) == Some("tke-bridge"))
    {
        return Some(format!("pod/{} networks-status names tke-bridge", p.name));
    }
    let ip = p.pod_ip.as_deref()?;
    let node = ctx.node(p.node_name.as_deref()?)?;
    let cidr = node.pod_cidrs.iter().find(|c| ipv4_in_cidr(ip, c))?;
    Some(format!(
        "pod/{} IP {ip} is inside node/{}'s podCIDR {cidr}",
        p.name, node.name
    ))
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    if ctx.network.mode != NetworkMode::Mixed {
        return vec![];
    }
    let gr_direct = ctx.network.global_route_direct_access == Some(true);
    let mut out = Vec::new();
    for b in &ctx.backends {
        let bad: Vec<(&PodFacts, String)> = b
            .pods
            .iter()
            .filter(|p| !p.terminating && !p.host_network && !ctx.on_super_node(p))
            .filter_map(|p| global_router_evidence(ctx, p).map(|e| (*p, e)))
            .collect();
        for (owner, pods) in by_owner(bad.iter().map(|(p, _)| *p)) {
            let first = bad
                .iter()
                .find(|(p, _)| p.name == pods[0].name)
                .map(|(_, e)| e.clone())
                .unwrap_or_default();
            let mut f = finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{} of {} behind {} got GlobalRouter IPs ({}; {first}): the CLB cannot bind them directly",
                    count(pods.len(), "pod"),
                    owner.short(),
                    b.describe(),
                    name_pods(&pods)
                ),
                format!(
                    "opt the workload into an ENI (`tkedirect enable {} --network-mode mixed`: annotation \
                     tke.cloud.tencent.com/networks: tke-route-eni plus resource tke.cloud.tencent.com/eni-ip: \"1\"), \
                     then roll it out",
                    owner.short()
                ),
            );
            if gr_direct {
                f.severity = Severity::Warning;
                f.message
                    .push_str(" unless GlobalRouter direct access works for this account");
            }
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
    fn global_router_pods_in_mixed_clusters() {
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        let mut n = node("node-1");
        n.pod_cidrs = vec!["172.16.0.0/26".into()];
        f.nodes = vec![n];
        let mut gr = pod("web", "web-abc-1");
        gr.pod_ip = Some("172.16.0.9".into());
        let mut bridged = pod("web", "web-abc-2");
        bridged.annotations.insert(
            NETWORKS_STATUS.into(),
            r#"[{"name":"tke-bridge","ips":["172.16.0.10"]}]"#.into(),
        );
        let mut eklet = pod("web", "web-abc-3");
        eklet.pod_ip = Some("172.16.0.11".into());
        eklet
            .annotations
            .insert("tke.cloud.tencent.com/pod-type".into(), "eklet".into());
        f.pods = vec![gr, bridged, eklet, pod("web", "web-abc-4")];
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
