//! `node-eni-ip-unavailable`: a node carries the `eni-ip-unavailable` taint (VPC-CNI not ready on it).

use super::ctx::Ctx;
use super::{Check, Finding, Manifests, Severity, Stage, Subject, finding};
use crate::rules::eni::unavailable_taint;

/// Taints VPC-CNI puts on nodes whose ENI components are not ready (spellings differ across sources).
pub const CHECK: Check = Check {
    id: "node-eni-ip-unavailable",
    severity: Severity::Warning,
    stage: Stage::Cluster,
    manifests: Manifests::Yes,
    summary: "a node is tainted ENI-IP unavailable: no ENI pods can be scheduled on it",
    docs: include_str!("../../docs/checks/node-eni-ip-unavailable.md"),
    run,
};

fn run(ctx: &Ctx) -> Vec<Finding> {
    ctx.facts
        .nodes
        .iter()
        .filter_map(|n| unavailable_taint(n).map(|t| (n, t)))
        .map(|(n, taint)| {
            let since = taint.time_added.or(n.metadata.creation_timestamp);
            let fix = format!(
                "kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={} | grep eni; check \
                 tke-eni-agent/tke-eni-ipamd logs and that the node's zone has a container subnet with free IPs",
                n.name()
            );
            let mut f = if ctx.young(since) {
                let mut f = finding(
                    &CHECK,
                    Some(Subject::new("Node", None, n.name())),
                    format!(
                        "in progress: node/{} is tainted {}{}: a joining node's VPC-CNI components are starting",
                        n.name(),
                        taint.key,
                        ctx.age(since)
                    ),
                    format!("nothing yet: the taint goes away when they are ready; if it persists, {fix}"),
                );
                f.severity = Severity::Info;
                f
            } else {
                finding(
                    &CHECK,
                    Some(Subject::new("Node", None, n.name())),
                    format!(
                        "node/{} is tainted {}: its VPC-CNI components are not ready, ENI pods cannot land there",
                        n.name(),
                        taint.key
                    ),
                    fix,
                )
            };
            f.field = crate::report::field_path(&["spec", "taints"]);
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::consts::ENI_UNAVAILABLE_TAINTS;
    use crate::model::node::Taint;

    #[test]
    fn tainted_nodes_only() {
        let mut f = facts();
        f.nodes = vec![node("a"), node("b")];
        assert!(check(&CHECK, &f, NetworkMode::VpcCni).is_empty());
        f.nodes[1].spec.taints.push(Taint {
            key: ENI_UNAVAILABLE_TAINTS[0].into(),
            time_added: Some("2024-03-01T08:00:00Z".parse().unwrap()),
            ..Default::default()
        });
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].subject.as_ref().unwrap().name, "b");
        assert_eq!(out[0].severity, Severity::Warning);
        f.observed_at = Some("2024-03-01T08:00:30Z".parse().unwrap());
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out[0].severity, Severity::Info, "a joining node");
        assert!(out[0].message.starts_with("in progress: node/b"));
    }
}
