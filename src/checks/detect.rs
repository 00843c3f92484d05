//! Network-mode detection from the facts (domain notes §3.2 and the decision order below it):
//! a `cilium` DaemonSet from TKE's images with `tke-bridge-agent` ⇒ Cilium-Overlay; `tke-eni-agent` and
//! `tke-bridge-agent` ⇒ mixed; only `tke-eni-agent` ⇒ VPC-CNI (default ENI from `tke-cni-agent-conf`);
//! only `tke-bridge-agent` ⇒ GlobalRouter; neither, and every node a super node ⇒ super nodes only.

use crate::model::consts::{
    BRIDGE_AGENT, CNI_AGENT_CONF, ENI_AGENT, ENI_IPAMD, ENI_WEBHOOK, GLOBAL_ROUTE_DIRECT_ACCESS,
    NETWORK_BRIDGE, NETWORK_EXCLUSIVE_ENI, NETWORK_SHARED_ENI, SERVICE_CONTROLLER_CONFIG,
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
    let cilium = facts
        .kube_system
        .daemonsets
        .iter()
        .find(|d| d.name() == "cilium" || d.name().starts_with("cilium-agent"))
        .filter(|d| d.images().iter().any(|i| i.contains("tkeimages")));
    if let Some(err) = ds_unreadable {
        evidence.push(format!(
            "could not read DaemonSets in kube-system ({}): the network agents are unknown",
            err.code
        ));
    } else {
        evidence.push(describe("DaemonSet", BRIDGE_AGENT, bridge));
        evidence.push(describe("DaemonSet", ENI_AGENT, eni));
        if let Some(c) = cilium {
            evidence.push(format!(
                "DaemonSet kube-system/{}: present, image from tkeimages",
                c.name()
            ));
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
    if facts.webhooks.iter().any(|w| w == ENI_WEBHOOK) {
        evidence.push(format!(
            "MutatingWebhookConfiguration {ENI_WEBHOOK}: present"
        ));
    }
    let nodes = facts.nodes.len();
    let super_nodes = facts.nodes.iter().filter(|n| is_super_node(n)).count();
    if nodes > 0 {
        let eni_nodes = facts
            .nodes
            .iter()
            .filter(|n| {
                n.resource(crate::model::consts::RESOURCE_ENI_IP, false)
                    .is_some_and(|c| c > 0)
            })
            .count();
        let cidr_nodes = facts
            .nodes
            .iter()
            .filter(|n| !n.pod_cidrs().is_empty())
            .count();
        evidence.push(format!(
            "nodes with tke.cloud.tencent.com/eni-ip capacity: {eni_nodes} of {nodes}"
        ));
        evidence.push(format!(
            "nodes with a podCIDR (GlobalRouter): {cidr_nodes} of {nodes}"
        ));
        if super_nodes > 0 {
            evidence.push(format!(
                "super nodes (instance-type eklet): {super_nodes} of {nodes}"
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
        None if bridge.is_some() => {
            evidence.push(format!("ConfigMap kube-system/{SERVICE_CONTROLLER_CONFIG} {GLOBAL_ROUTE_DIRECT_ACCESS}: not set"))
        }
        None => {}
    }

    let default_eni = match delegates.as_deref() {
        Some(d) if d.contains(NETWORK_EXCLUSIVE_ENI) => Some(EniFlavor::Exclusive),
        Some(d) if d.contains(NETWORK_SHARED_ENI) => Some(EniFlavor::Shared),
        _ => None,
    };
    let mode = if ds_unreadable.is_some() {
        NetworkMode::Unknown
    } else if cilium.is_some() && bridge.is_some() {
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
