//! Is a pod on an ENI? Where a pod's address comes from decides whether the CLB can bind it directly
//! (domain notes §3.1–3.3, §6.3 "Only ENI addresses are ENI targets").

use std::net::IpAddr;

use crate::model::consts::{
    FIXED_IP_DELETE_POLICY, INSTANCE_TYPE_LABEL, NETWORK_BRIDGE, NETWORK_EXCLUSIVE_ENI,
    NETWORK_SHARED_ENI, POD_NETWORKS, POD_NETWORKS_STATUS, POD_TYPE, RESOURCE_DIRECT_ENI,
    RESOURCE_ENI_IP, SUPER_NODE_TYPE,
};
use crate::model::{EniFlavor, NetworkMode, Node, Pod, PodTemplate, Workload};

/// Where a pod's address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PodNetwork {
    /// An ENI IP (VPC-CNI): a direct backend.
    Eni,
    /// A super node (eklet) pod: its own VPC IP, a direct backend (domain notes §3.1).
    SuperNode,
    /// A GlobalRouter IP from the node's podCIDR, with the evidence: a direct backend only through
    /// GlobalRoute direct access.
    GlobalRouter(String),
    /// `hostNetwork`: the node's IP, never an ENI target.
    HostNetwork,
    /// A Cilium-Overlay address: not routable from the CLB.
    Overlay,
}

impl PodNetwork {
    /// An address the CLB can bind as an `EniIp` target.
    pub fn is_eni(&self) -> bool {
        matches!(self, PodNetwork::Eni | PodNetwork::SuperNode)
    }
}

/// Whether a pod runs on a super node: the pod annotation `tke.cloud.tencent.com/pod-type: eklet` (mixed
/// clusters) or a node labelled `node.kubernetes.io/instance-type: eklet`.
pub fn on_super_node(pod: &Pod, node: Option<&Node>) -> bool {
    pod.metadata.annotation(POD_TYPE) == Some(SUPER_NODE_TYPE) || node.is_some_and(is_super_node)
}

/// A super node (`node.kubernetes.io/instance-type: eklet`).
pub fn is_super_node(node: &Node) -> bool {
    node.metadata.label(INSTANCE_TYPE_LABEL) == Some(SUPER_NODE_TYPE)
}

/// Whether a pod template pins its pods to super nodes (`nodeSelector` instance-type eklet).
pub fn template_on_super_nodes(t: &PodTemplate) -> bool {
    t.spec
        .node_selector
        .get(INSTANCE_TYPE_LABEL)
        .map(String::as_str)
        == Some(SUPER_NODE_TYPE)
}

/// Why a pod is on GlobalRouter, if the evidence says so: TKE's multus fork names `tke-bridge` in
/// `tke.cloud.tencent.com/networks-status`, or the pod's IP lies in its node's podCIDR (TG
/// `gr-native-not-recommended.md`; podCIDRs are set on GlobalRouter nodes only).
pub fn global_router_evidence(pod: &Pod, node: Option<&Node>) -> Option<String> {
    if let Some(status) = pod.metadata.annotation(POD_NETWORKS_STATUS)
        && let Ok(serde_json::Value::Array(nets)) = serde_json::from_str(status)
        && nets
            .iter()
            .any(|n| n.get("name").and_then(|v| v.as_str()) == Some(NETWORK_BRIDGE))
    {
        return Some(format!(
            "pod/{} networks-status names {NETWORK_BRIDGE}",
            pod.name()
        ));
    }
    let node = node?;
    for ip in pod.ips() {
        if let Some(cidr) = node.pod_cidrs().into_iter().find(|c| in_cidr(ip, c)) {
            return Some(format!(
                "pod/{} IP {ip} is inside node/{}'s podCIDR {cidr}",
                pod.name(),
                node.name()
            ));
        }
    }
    None
}

/// Where the pod's address comes from, in a cluster of `mode`. In a mixed (or undetected) cluster the
/// evidence decides and a pod without GlobalRouter evidence counts as on an ENI.
pub fn pod_network(pod: &Pod, node: Option<&Node>, mode: NetworkMode) -> PodNetwork {
    if pod.spec.host_network {
        return PodNetwork::HostNetwork;
    }
    if on_super_node(pod, node) {
        return PodNetwork::SuperNode;
    }
    match mode {
        NetworkMode::CiliumOverlay => PodNetwork::Overlay,
        NetworkMode::GlobalRouter => PodNetwork::GlobalRouter(
            global_router_evidence(pod, node)
                .unwrap_or_else(|| "the cluster has no VPC-CNI".to_string()),
        ),
        NetworkMode::VpcCni | NetworkMode::SuperNode => PodNetwork::Eni,
        NetworkMode::Mixed | NetworkMode::Unknown => match global_router_evidence(pod, node) {
            Some(e) => PodNetwork::GlobalRouter(e),
            None => PodNetwork::Eni,
        },
    }
}

/// Whether an address (IPv4 or IPv6) lies in a CIDR.
pub fn in_cidr(ip: &str, cidr: &str) -> bool {
    let Some((net, bits)) = cidr.split_once('/') else {
        return false;
    };
    let (Ok(ip), Ok(net), Ok(bits)) = (
        ip.parse::<IpAddr>(),
        net.parse::<IpAddr>(),
        bits.parse::<u32>(),
    ) else {
        return false;
    };
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// What a pod template asks for: the networks annotation and the ENI resources its containers carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptIn {
    /// `tke.cloud.tencent.com/networks` as written.
    pub network: Option<String>,
    /// The ENI flavour the annotation asks for (the ENI webhook matches substrings: `tke-direct-eni`, else
    /// `tke-route-eni`).
    pub flavor: Option<EniFlavor>,
    /// (container index, resource) of every container carrying an ENI resource.
    pub resources: Vec<(usize, &'static str)>,
}

impl OptIn {
    /// Opted in for sure: the annotation and the resource on one container. Where TKE's ENI webhook runs,
    /// the annotation alone is enough: the webhook gives containers[0] the resource of every new pod
    /// (WH `pkg/https/https.go`).
    pub fn complete(&self, webhook_may_run: bool) -> bool {
        self.flavor.is_some() && (webhook_may_run || !self.resources.is_empty())
    }
}

/// The flavour a networks annotation asks for, as the ENI webhook reads it.
pub fn flavor_of(network: &str) -> Option<EniFlavor> {
    if network.contains(NETWORK_EXCLUSIVE_ENI) {
        Some(EniFlavor::Exclusive)
    } else if network.contains(NETWORK_SHARED_ENI) {
        Some(EniFlavor::Shared)
    } else {
        None
    }
}

pub fn template_opt_in(t: &PodTemplate) -> OptIn {
    let network = t.metadata.annotation(POD_NETWORKS).map(str::to_string);
    OptIn {
        flavor: network.as_deref().and_then(flavor_of),
        network,
        resources: t
            .spec
            .containers
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                [RESOURCE_ENI_IP, RESOURCE_DIRECT_ENI]
                    .into_iter()
                    .filter(|r| c.resources.get(r).is_some())
                    .map(move |r| (i, r))
            })
            .collect(),
    }
}

/// Whether a workload uses TKE's fixed pod IPs: it carries `tke.cloud.tencent.com/vpc-ip-claim-delete-policy`
/// (on its pod template, where TKE's examples put it, or on itself). Its pods keep their ENI IPs across
/// re-creation only while they stay on an ENI (QD `固定IP使用说明/固定IP使用方法.md`; domain notes §3.3,
/// §6.3 "Disabling can break things").
pub fn is_fixed_ip(w: &Workload) -> bool {
    w.metadata.annotation(FIXED_IP_DELETE_POLICY).is_some()
        || w.template()
            .is_some_and(|t| t.metadata.annotation(FIXED_IP_DELETE_POLICY).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(v: serde_json::Value) -> Pod {
        serde_json::from_value(v).unwrap()
    }

    fn node(cidr: &str) -> Node {
        serde_json::from_value(json!({"metadata": {"name": "n1"}, "spec": {"podCIDR": cidr}}))
            .unwrap()
    }

    #[test]
    fn cidrs_of_both_families() {
        assert!(in_cidr("172.16.0.5", "172.16.0.0/24"));
        assert!(!in_cidr("172.16.1.5", "172.16.0.0/24"));
        assert!(in_cidr("10.1.2.3", "0.0.0.0/0"));
        assert!(in_cidr("fd00::1", "fd00::/64"));
        assert!(!in_cidr("fd01::1", "fd00::/64"));
        assert!(!in_cidr("fd00::1", "10.0.0.0/8"));
        assert!(!in_cidr("x", "10.0.0.0/8"));
    }

    #[test]
    fn where_addresses_come_from() {
        let n = node("172.16.0.0/26");
        let gr = pod(json!({"metadata": {"name": "a"}, "status": {"podIP": "172.16.0.9"}}));
        assert!(
            matches!(pod_network(&gr, Some(&n), NetworkMode::Mixed), PodNetwork::GlobalRouter(e) if e.contains("podCIDR"))
        );
        let eni = pod(json!({"metadata": {"name": "b"}, "status": {"podIP": "10.0.64.2"}}));
        assert_eq!(
            pod_network(&eni, Some(&n), NetworkMode::Mixed),
            PodNetwork::Eni
        );
        let bridged = pod(
            json!({"metadata": {"name": "c", "annotations": {POD_NETWORKS_STATUS: "[{\"name\":\"tke-bridge\"}]"}}}),
        );
        assert!(matches!(
            pod_network(&bridged, None, NetworkMode::Mixed),
            PodNetwork::GlobalRouter(_)
        ));
        let host = pod(json!({"metadata": {"name": "d"}, "spec": {"hostNetwork": true}}));
        assert_eq!(
            pod_network(&host, None, NetworkMode::VpcCni),
            PodNetwork::HostNetwork
        );
        let eklet = pod(
            json!({"metadata": {"name": "e", "annotations": {POD_TYPE: "eklet"}}, "status": {"podIP": "172.16.0.11"}}),
        );
        assert_eq!(
            pod_network(&eklet, Some(&n), NetworkMode::Mixed),
            PodNetwork::SuperNode
        );
        assert!(PodNetwork::SuperNode.is_eni() && !PodNetwork::HostNetwork.is_eni());
        assert_eq!(
            pod_network(&eni, None, NetworkMode::CiliumOverlay),
            PodNetwork::Overlay
        );
    }

    #[test]
    fn opt_ins() {
        let t: PodTemplate = serde_json::from_value(json!({
            "metadata": {"annotations": {POD_NETWORKS: "tke-route-eni"}},
            "spec": {"containers": [{"name": "a"}, {"name": "b", "resources": {"limits": {RESOURCE_ENI_IP: "1"}}}]}
        }))
        .unwrap();
        let o = template_opt_in(&t);
        assert_eq!(o.flavor, Some(EniFlavor::Shared));
        assert_eq!(o.resources, [(1, RESOURCE_ENI_IP)]);
        assert!(o.complete(false));
        let bare = OptIn {
            flavor: Some(EniFlavor::Shared),
            ..Default::default()
        };
        assert!(bare.complete(true) && !bare.complete(false));
        assert_eq!(flavor_of("tke-direct-eni"), Some(EniFlavor::Exclusive));
        let fixed: Workload = serde_json::from_value(json!({"kind": "StatefulSet",
            "spec": {"template": {"metadata": {"annotations": {FIXED_IP_DELETE_POLICY: "Never"}}}}}))
        .unwrap();
        assert!(is_fixed_ip(&fixed));
        let plain: Workload =
            serde_json::from_value(json!({"kind": "StatefulSet", "spec": {"template": {}}}))
                .unwrap();
        assert!(!is_fixed_ip(&plain));
        assert_eq!(flavor_of("tke-bridge"), None);
    }
}
