//! `pod-eni-ip-insufficient`: pods Pending because no node has a free ENI IP.

use super::ctx::{Ctx, by_owner, condition, count, eni_used, name_pods};
use super::{Check, Finding, Severity, Stage, finding};
use crate::model::consts;

pub const CHECK: Check = Check {
    id: "pod-eni-ip-insufficient",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "pods are Pending on Insufficient tke.cloud.tencent.com/eni-ip (ENI IP exhaustion)",
    docs: include_str!("../../docs/checks/pod-eni-ip-insufficient.md"),
    run,
};

/// `headroom 0 of 54 bound IPs free, capacity 81` over all ENI nodes.
pub fn headroom(ctx: &Ctx) -> String {
    let nodes: Vec<_> = ctx
        .facts
        .nodes
        .iter()
        .filter(|n| n.eni_ip_capacity.is_some_and(|c| c > 0))
        .collect();
    let capacity: i64 = nodes.iter().filter_map(|n| n.eni_ip_capacity).sum();
    let allocatable: i64 = nodes.iter().filter_map(|n| n.eni_ip_allocatable).sum();
    match eni_used(ctx.facts) {
        Some(used) => {
            let used: i64 = nodes
                .iter()
                .map(|n| used.get(&n.name).copied().unwrap_or(0))
                .sum();
            format!(
                "ENI-IP headroom on {}: {} free of {allocatable} bound (capacity {capacity})",
                count(nodes.len(), "node"),
                (allocatable - used).max(0)
            )
        }
        None => format!(
            "{} bound ENI IPs on {} (capacity {capacity})",
            allocatable,
            count(nodes.len(), "node")
        ),
    }
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let stuck = ctx.facts.pods.iter().filter(|p| {
        p.phase.as_deref() == Some("Pending")
            && condition(p, "PodScheduled").is_some_and(|c| {
                c.status == "False"
                    && c.message.as_deref().is_some_and(|m| {
                        m.contains(&format!("Insufficient {}", consts::RESOURCE_ENI_IP))
                            || m.contains(&format!("Insufficient {}", consts::RESOURCE_DIRECT_ENI))
                    })
            })
    });
    let groups = by_owner(stuck);
    if groups.is_empty() {
        return vec![];
    }
    let room = headroom(ctx);
    groups
        .into_iter()
        .map(|(owner, pods)| {
            finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{} of {} Pending: Insufficient ENI IPs ({}); {room}",
                    count(pods.len(), "pod"),
                    owner.short(),
                    name_pods(&pods)
                ),
                "add nodes or larger instance types (more ENIs per node), add a container subnet with free IPs in the \
                 nodes' zones, or lower the warm-IP targets (`kubectl get nec`); see `tkedirect explain pod-eni-ip-insufficient`",
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::cluster::facts::Condition;
    use crate::model::network::NetworkMode;

    #[test]
    fn pending_on_eni_ip() {
        let mut f = facts();
        f.nodes = vec![node("node-1")];
        let mut p = pod("web", "web-abc-1");
        p.phase = Some("Pending".into());
        p.conditions = vec![Condition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("Unschedulable".into()),
            message: Some(
                "0/3 nodes are available: 3 Insufficient tke.cloud.tencent.com/eni-ip.".into(),
            ),
        }];
        f.pods = vec![p, pod("web", "web-abc-2")];
        f.pods[1].eni_requests = 1;
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("9 free of 10 bound (capacity 27)"),
            "{}",
            out[0].message
        );
    }
}
