//! ENI capacity and use of a node (domain notes §3.2): a node's `status.capacity` of
//! `tke.cloud.tencent.com/eni-ip` (shared ENI) or `tke.cloud.tencent.com/direct-eni` (exclusive ENI) is
//! the most IPs its instance type can bind; `status.allocatable` is what ipamd has bound now, which is all
//! the scheduler hands out. A pod Pending on "Insufficient …" found every node's bound IPs in use.

use std::collections::BTreeMap;

use crate::model::consts::ENI_UNAVAILABLE_TAINTS;
use crate::model::node::Taint;
use crate::model::{EniFlavor, Node, Pod};

/// A node's figures for one ENI flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeEni {
    pub flavor: EniFlavor,
    /// Most IPs the instance type can bind.
    pub capacity: i64,
    /// IPs bound now.
    pub allocatable: i64,
}

/// Which limit stops a full node from taking another ENI pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Every IP the instance type allows is bound and used: bigger instances, or more nodes.
    Instance,
    /// Bound IPs are used up while the instance could bind more: ipamd cannot get IPs (the zone's
    /// container subnet is exhausted): add a container subnet in that zone.
    Subnet,
}

/// The node's ENI resources with a capacity above zero.
pub fn node_eni(node: &Node) -> Vec<NodeEni> {
    EniFlavor::ALL
        .into_iter()
        .filter_map(|flavor| {
            let capacity = node.resource(flavor.resource(), false).filter(|c| *c > 0)?;
            Some(NodeEni {
                flavor,
                capacity,
                allocatable: node.resource(flavor.resource(), true).unwrap_or(0),
            })
        })
        .collect()
}

/// ENI IPs a pod asks for, per flavour (every container's request, else limit; absent quantity 1).
pub fn pod_requests(pod: &Pod) -> Vec<(EniFlavor, i64)> {
    EniFlavor::ALL
        .into_iter()
        .filter_map(|flavor| {
            let n: i64 = pod
                .spec
                .containers
                .iter()
                .filter_map(|c| c.resources.get(flavor.resource()))
                .map(|q| crate::model::de::quantity(q).unwrap_or(1))
                .sum();
            (n > 0).then_some((flavor, n))
        })
        .collect()
}

/// ENI IPs in use per (node, flavour), from the pods scheduled there. Complete only when the pods of
/// every namespace were read.
pub fn used_by_node<'a>(
    pods: impl IntoIterator<Item = &'a Pod>,
) -> BTreeMap<(String, EniFlavor), i64> {
    let mut used = BTreeMap::new();
    for p in pods {
        let Some(node) = p.spec.node_name.as_deref() else {
            continue;
        };
        for (flavor, n) in pod_requests(p) {
            *used.entry((node.to_string(), flavor)).or_default() += n;
        }
    }
    used
}

/// The taint VPC-CNI puts on a node whose ENI components are not ready (a joining node for a few
/// seconds, or a node whose ipamd or agent fails): no ENI pod is scheduled there meanwhile, whatever its
/// figures say. The spellings are [`ENI_UNAVAILABLE_TAINTS`] (one is UNCERTAIN).
pub fn unavailable_taint(node: &Node) -> Option<&Taint> {
    ENI_UNAVAILABLE_TAINTS.iter().find_map(|t| node.taint(t))
}

/// Whether a node is full for a flavour, and which limit binds.
pub fn full(eni: &NodeEni, used: i64) -> Option<Limit> {
    if used < eni.allocatable {
        return None;
    }
    Some(if eni.allocatable >= eni.capacity {
        Limit::Instance
    } else {
        Limit::Subnet
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn capacity_use_and_the_limit_that_binds() {
        let node: Node = serde_json::from_value(json!({"metadata": {"name": "n"}, "status": {
            "capacity": {"tke.cloud.tencent.com/eni-ip": "27", "tke.cloud.tencent.com/direct-eni": "0"},
            "allocatable": {"tke.cloud.tencent.com/eni-ip": "5"}}}))
        .unwrap();
        let e = node_eni(&node);
        assert_eq!(
            e,
            [NodeEni {
                flavor: EniFlavor::Shared,
                capacity: 27,
                allocatable: 5
            }]
        );
        assert_eq!(full(&e[0], 4), None);
        assert_eq!(full(&e[0], 5), Some(Limit::Subnet));
        let at_max = NodeEni {
            allocatable: 27,
            ..e[0]
        };
        assert_eq!(full(&at_max, 27), Some(Limit::Instance));
        let pod: Pod = serde_json::from_value(json!({"spec": {"nodeName": "n", "containers": [
            {"name": "a", "resources": {"limits": {"tke.cloud.tencent.com/eni-ip": 1}}},
            {"name": "b", "resources": {"requests": {"tke.cloud.tencent.com/direct-eni": "1"}}}]}}))
        .unwrap();
        assert_eq!(
            pod_requests(&pod),
            [(EniFlavor::Shared, 1), (EniFlavor::Exclusive, 1)]
        );
        let used = used_by_node([&pod, &pod]);
        assert_eq!(used[&("n".to_string(), EniFlavor::Shared)], 2);
    }
}
