//! `node-eni-ip-unavailable`: a node carries the `eni-ip-unavailable` taint (VPC-CNI not ready on it).

use super::ctx::Ctx;
use super::{Check, Finding, Severity, Stage, Subject, finding};
use crate::model::consts::ENI_UNAVAILABLE_TAINTS;

/// Taints VPC-CNI puts on nodes whose ENI components are not ready (spellings differ across sources).
pub const CHECK: Check = Check {
    id: "node-eni-ip-unavailable",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    summary: "a node is tainted ENI-IP unavailable: no ENI pods can be scheduled on it",
    docs: include_str!("../../docs/checks/node-eni-ip-unavailable.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .nodes
        .iter()
        .filter_map(|n| ENI_UNAVAILABLE_TAINTS.iter().find(|t| n.taint(t).is_some()).map(|t| (n, t)))
        .map(|(n, taint)| {
            finding(
                &CHECK,
                Some(Subject::new("Node", None, n.name())),
                format!("node/{} is tainted {taint}: its VPC-CNI components are not ready, ENI pods cannot land there", n.name()),
                format!(
                    "kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={} | grep eni; check \
                     tke-eni-agent/tke-eni-ipamd logs and that the node's zone has a container subnet with free IPs",
                    n.name()
                ),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::node::Taint;

    #[test]
    fn tainted_nodes_only() {
        let mut f = facts();
        f.nodes = vec![node("a"), node("b")];
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
        f.nodes[1].spec.taints.push(Taint {
            key: ENI_UNAVAILABLE_TAINTS[0].into(),
            ..Default::default()
        });
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].subject.as_ref().unwrap().name, "b");
    }
}
