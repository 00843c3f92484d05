//! Network-mode detection from the facts (domain notes §3.2 and §6.3 "Cilium overlay, every flavour"):
//! a `cilium` DaemonSet whose `kube-system/cilium-config` says `routing-mode: tunnel` (or the legacy
//! `tunnel: vxlan|geneve`), or — when the routing mode cannot be read — TKE's or a self-installed Cilium
//! without `tke-eni-agent`, ⇒ Cilium-Overlay, with or without `tke-bridge-agent`; `tke-eni-agent` and
//! `tke-bridge-agent` ⇒ mixed; only `tke-eni-agent` ⇒ VPC-CNI (default ENI from `tke-cni-agent-conf`;
//! Cilium beside it is DataPlaneV2); only `tke-bridge-agent` ⇒ GlobalRouter; neither, and every node a
//! super node ⇒ super nodes only. The ENI webhook counts as evidence when seen; not seeing it proves
//! nothing in a managed cluster, where the platform runs it out of sight.

use crate::model::consts::{
    BRIDGE_AGENT, CILIUM_CONFIG, CNI_AGENT_CONF, ENI_AGENT, ENI_IPAMD, ENI_WEBHOOK,
    GLOBAL_ROUTE_DIRECT_ACCESS, NETWORK_BRIDGE, NETWORK_EXCLUSIVE_ENI, NETWORK_SHARED_ENI,
    RESOURCE_DIRECT_ENI, RESOURCE_ENI_IP, SERVICE_CONTROLLER_CONFIG,
};
use crate::model::{ClusterFacts, EniFlavor, NetworkDetection, NetworkMode, Workload};
use crate::rules::direct;
use crate::rules::network::is_super_node;

/// The image tag (`v3.5.0`) of an image reference, if it has one.
pub fn image_tag(image: &str) -> Option<&str> {
    let last = image.rsplit('/').next()?.split('@').next()?;
    Some(last.split_once(':')?.1)
}

/// `GlobalRouteDirectAccess` as a bool (None when absent or the ConfigMap is missing).
pub fn global_route_direct_access(facts: &ClusterFacts) -> Option<bool> {
    direct::global_route_direct_access(
        facts.configmap_value(SERVICE_CONTROLLER_CONFIG, GLOBAL_ROUTE_DIRECT_ACCESS),
    )
}

/// `defaultDelegates` from `tke-cni-agent-conf` key `00-multus.conf` (string or list).
pub fn default_delegates(facts: &ClusterFacts) -> Option<String> {
    let conf = facts.configmap_value(CNI_AGENT_CONF, "00-multus.conf")?;
    let v: serde_json::Value = serde_json::from_str(conf).ok()?;
    match v.get("defaultDelegates")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(a) => Some(
            a.iter()
                .filter_map(|x| x.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ),
        _ => None,
    }
}

/// How Cilium routes pods, from `kube-system/cilium-config`: `routing-mode` (Cilium ≥ 1.14) or the legacy
/// `tunnel` key (`vxlan`, `geneve` = tunnel; `disabled` = native). None when not readable.
pub fn cilium_routing(facts: &ClusterFacts) -> Option<(bool, String)> {
    let cm = facts.configmap(CILIUM_CONFIG)?;
    if let Some(mode) = cm.get("routing-mode") {
        let protocol = cm
            .get("tunnel-protocol")
            .map(|p| format!(", tunnel-protocol {p}"))
            .unwrap_or_default();
        return Some((mode == "tunnel", format!("routing-mode: {mode}{protocol}")));
    }
    let tunnel = cm.get("tunnel")?;
    Some((tunnel != "disabled", format!("tunnel: {tunnel}")))
}

/// Who built a Cilium image: TKE (`tkeimages`), Tencent's mirror of upstream (`quay.tencentcloudcr.com`),
/// or someone else.
fn cilium_origin(image: &str) -> &'static str {
    if image.contains("tkeimages") {
        "TKE-built"
    } else if image.starts_with("quay.tencentcloudcr.com/cilium") {
        "self-installed, from Tencent's quay mirror"
    } else {
        "self-installed"
    }
}

/// Cilium's agent DaemonSet in kube-system (`cilium`, or `cilium-agent…`), TKE-built or self-installed.
pub fn cilium_daemonset(facts: &ClusterFacts) -> Option<&Workload> {
    facts
        .kube_system
        .daemonsets
        .iter()
        .find(|d| d.name() == "cilium" || d.name().starts_with("cilium-agent"))
}

pub fn detect_network(facts: &ClusterFacts) -> NetworkDetection {
    let mut evidence = Vec::new();
    let ds_unreadable = facts.unreadable("daemonsets.apps");
    let present = |name: &str| facts.daemonset(name);
    let describe = |kind: &str, name: &str, c: Option<&Workload>| match c {
        Some(c) => match c.images().first().and_then(|i| image_tag(i)) {
            Some(tag) => format!("{kind} kube-system/{name}: present (image tag {tag})"),
            None => format!("{kind} kube-system/{name}: present"),
        },
        None => format!("{kind} kube-system/{name}: absent"),
    };
    let bridge = present(BRIDGE_AGENT);
    let eni = present(ENI_AGENT);
    let cilium = cilium_daemonset(facts);
    let routing = cilium.and(cilium_routing(facts));
    if ds_unreadable.is_none() {
        evidence.push(describe("DaemonSet", BRIDGE_AGENT, bridge));
        evidence.push(describe("DaemonSet", ENI_AGENT, eni));
        if let Some(c) = cilium {
            let image = c
                .images()
                .first()
                .map(|i| i.to_string())
                .unwrap_or_default();
            evidence.push(format!(
                "DaemonSet kube-system/{}: present (image {image}: {})",
                c.name(),
                cilium_origin(&image)
            ));
            match &routing {
                Some((_, how)) => evidence.push(format!("ConfigMap kube-system/{CILIUM_CONFIG} {how}")),
                None => evidence.push(format!(
                    "ConfigMap kube-system/{CILIUM_CONFIG}: not read; Cilium without {ENI_AGENT} routes pods through an overlay"
                )),
            }
        }
    }
    if let Some(d) = facts.deployment(ENI_IPAMD) {
        evidence.push(describe("Deployment", ENI_IPAMD, Some(d)));
    }
    let delegates = default_delegates(facts);
    if let Some(d) = &delegates {
        evidence.push(format!(
            "ConfigMap kube-system/{CNI_AGENT_CONF} defaultDelegates: {d}"
        ));
    }
    let webhook_seen = facts.webhooks.iter().any(|w| w == ENI_WEBHOOK);
    if webhook_seen {
        evidence.push(format!(
            "MutatingWebhookConfiguration {ENI_WEBHOOK}: present"
        ));
    } else if eni.is_some() {
        evidence.push(format!(
            "MutatingWebhookConfiguration {ENI_WEBHOOK}: not seen (managed clusters run it out of sight, so it may still add the ENI resource to new pods)"
        ));
    }
    let nodes = facts.nodes.len();
    let super_nodes = facts.nodes.iter().filter(|n| is_super_node(n)).count();
    if nodes > 0 {
        let count = |resource: &str| {
            facts
                .nodes
                .iter()
                .filter(|n| n.resource(resource, false).is_some_and(|c| c > 0))
                .count()
        };
        let cidr_nodes = facts
            .nodes
            .iter()
            .filter(|n| !n.pod_cidrs().is_empty())
            .count();
        evidence.push(format!(
            "nodes with {RESOURCE_ENI_IP} capacity: {} of {nodes}",
            count(RESOURCE_ENI_IP)
        ));
        let direct = count(RESOURCE_DIRECT_ENI);
        if direct > 0 {
            evidence.push(format!(
                "nodes with {RESOURCE_DIRECT_ENI} capacity (exclusive ENI): {direct} of {nodes}"
            ));
        }
        evidence.push(format!(
            "nodes with a podCIDR (GlobalRouter): {cidr_nodes} of {nodes}"
        ));
        if super_nodes > 0 {
            let note = if bridge.is_some() && super_nodes < nodes {
                ": their pods are direct backends without GlobalRouteDirectAccess"
            } else {
                ""
            };
            evidence.push(format!(
                "super nodes (instance-type eklet): {super_nodes} of {nodes}{note}"
            ));
        }
    } else if facts.unreadable("nodes").is_some() {
        evidence.push("could not read nodes".to_string());
    }
    let gr_direct = global_route_direct_access(facts);
    match facts.configmap_value(SERVICE_CONTROLLER_CONFIG, GLOBAL_ROUTE_DIRECT_ACCESS) {
        Some(v) => evidence.push(format!(
            "ConfigMap kube-system/{SERVICE_CONTROLLER_CONFIG} {GLOBAL_ROUTE_DIRECT_ACCESS}: \"{v}\""
        )),
        None if bridge.is_some() => evidence.push(format!(
            "ConfigMap kube-system/{SERVICE_CONTROLLER_CONFIG} {GLOBAL_ROUTE_DIRECT_ACCESS}: not set"
        )),
        None => {}
    }

    let default_eni = match delegates.as_deref() {
        Some(d) if d.contains(NETWORK_EXCLUSIVE_ENI) => Some(EniFlavor::Exclusive),
        Some(d) if d.contains(NETWORK_SHARED_ENI) => Some(EniFlavor::Shared),
        _ => None,
    };
    let overlay = match (&cilium, &routing) {
        (None, _) => false,
        (Some(_), Some((tunnel, _))) => *tunnel,
        (Some(_), None) => eni.is_none(),
    };
    let mode = if let Some(err) = ds_unreadable {
        // The deciding line comes last, as in the "neither" case below: `network-mode-unknown` says it.
        evidence.push(format!(
            "could not read DaemonSets in kube-system ({}): the network agents are unknown",
            err.code
        ));
        NetworkMode::Unknown
    } else if overlay {
        NetworkMode::CiliumOverlay
    } else if eni.is_some() && bridge.is_some() {
        NetworkMode::Mixed
    } else if eni.is_some() {
        NetworkMode::VpcCni
    } else if bridge.is_some() {
        NetworkMode::GlobalRouter
    } else if nodes > 0 && super_nodes == nodes {
        NetworkMode::SuperNode
    } else {
        evidence.push(format!(
            "neither DaemonSet kube-system/{BRIDGE_AGENT} nor kube-system/{ENI_AGENT} was found: not a TKE network this tool knows"
        ));
        NetworkMode::Unknown
    };
    let default_eni = match mode {
        NetworkMode::VpcCni => default_eni.or(Some(EniFlavor::Shared)),
        NetworkMode::Mixed => default_eni.filter(|_| {
            delegates
                .as_deref()
                .is_some_and(|d| !d.contains(NETWORK_BRIDGE))
        }),
        _ => None,
    };
    NetworkDetection {
        mode,
        default_eni,
        super_nodes,
        global_route_direct_access: gr_direct,
        eni_webhook: webhook_seen.then_some(true),
        evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn facts(ds: &[(&str, &str)]) -> ClusterFacts {
        let mut f = ClusterFacts::default();
        f.kube_system.daemonsets = ds
            .iter()
            .map(|(n, i)| {
                serde_json::from_value(
                    json!({"kind": "DaemonSet", "metadata": {"name": n, "namespace": "kube-system"},
                    "spec": {"template": {"spec": {"containers": [{"name": "c", "image": i}]}}}}),
                )
                .unwrap()
            })
            .collect();
        f
    }

    #[test]
    fn decision_order() {
        let img = "ccr.ccs.tencentyun.com/tkeimages/x:v1";
        assert_eq!(
            detect_network(&facts(&[(BRIDGE_AGENT, img)])).mode,
            NetworkMode::GlobalRouter
        );
        assert_eq!(
            detect_network(&facts(&[(ENI_AGENT, img)])).mode,
            NetworkMode::VpcCni
        );
        assert_eq!(
            detect_network(&facts(&[(ENI_AGENT, img), (BRIDGE_AGENT, img)])).mode,
            NetworkMode::Mixed
        );
        assert_eq!(
            detect_network(&facts(&[("cilium", img), (BRIDGE_AGENT, img)])).mode,
            NetworkMode::CiliumOverlay
        );
        assert_eq!(
            detect_network(&facts(&[("cilium", img)])).mode,
            NetworkMode::CiliumOverlay,
            "TKE's Cilium without the ENI agent, with or without tke-bridge-agent"
        );
        assert_eq!(
            detect_network(&facts(&[("cilium", img), (ENI_AGENT, img)])).mode,
            NetworkMode::VpcCni,
            "Cilium beside VPC-CNI is DataPlaneV2"
        );
        let quay = "quay.tencentcloudcr.com/cilium/cilium:v1.15.6";
        let mut own = facts(&[("cilium", quay), (ENI_AGENT, img), (BRIDGE_AGENT, img)]);
        own.kube_system.configmaps.insert(
            CILIUM_CONFIG.into(),
            [
                ("routing-mode".to_string(), "tunnel".to_string()),
                ("tunnel-protocol".to_string(), "vxlan".to_string()),
            ]
            .into(),
        );
        let d = detect_network(&own);
        assert_eq!(
            d.mode,
            NetworkMode::CiliumOverlay,
            "a self-installed overlay is not mixed"
        );
        assert!(
            d.evidence
                .iter()
                .any(|e| e.contains("self-installed") && e.contains(quay)),
            "{:?}",
            d.evidence
        );
        assert!(
            d.evidence
                .iter()
                .any(|e| e.contains("routing-mode: tunnel, tunnel-protocol vxlan"))
        );
        own.kube_system.configmaps.insert(
            CILIUM_CONFIG.into(),
            [("routing-mode".to_string(), "native".to_string())].into(),
        );
        assert_eq!(detect_network(&own).mode, NetworkMode::Mixed);
        let unknown = detect_network(&facts(&[("calico-node", "calico/node:v3")]));
        assert_eq!(unknown.mode, NetworkMode::Unknown);
        assert!(unknown.evidence.last().unwrap().contains("neither"));
        let mut serverless = facts(&[]);
        serverless.nodes = vec![
            serde_json::from_value(json!({"metadata": {"name": "eklet-1", "labels": {"node.kubernetes.io/instance-type": "eklet"}}}))
                .unwrap(),
        ];
        assert_eq!(detect_network(&serverless).mode, NetworkMode::SuperNode);
    }

    #[test]
    fn evidence_names_versions_and_delegates() {
        let mut f = facts(&[(
            ENI_AGENT,
            "ccr.ccs.tencentyun.com/tkeimages/tke-eni-agent:v3.5.0",
        )]);
        f.kube_system.configmaps.insert(
            CNI_AGENT_CONF.into(),
            [(
                "00-multus.conf".to_string(),
                r#"{"name":"multus-cni","defaultDelegates":"tke-direct-eni"}"#.to_string(),
            )]
            .into(),
        );
        let d = detect_network(&f);
        assert_eq!(d.default_eni, Some(EniFlavor::Exclusive));
        assert!(
            d.evidence.iter().any(|e| e.contains("image tag v3.5.0")),
            "{:?}",
            d.evidence
        );
        assert_eq!(image_tag("repo/x@sha256:abc"), None);
        assert_eq!(image_tag("localhost:5000/x:v2"), Some("v2"));
    }
}
