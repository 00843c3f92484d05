//! `pod-eni-ip-insufficient`: pods Pending because no node has a free ENI IP.

use super::ctx::{Ctx, by_owner, count, name_pods};
use super::{Check, Finding, Severity, Stage, finding};
use crate::model::{EniFlavor, consts};
use crate::rules::eni::{node_eni, used_by_node};

pub const CHECK: Check = Check {
    id: "pod-eni-ip-insufficient",
    severity: Severity::Error,
    stage: Stage::Objects,
    summary: "pods are Pending on Insufficient tke.cloud.tencent.com/eni-ip (ENI IP exhaustion)",
    docs: include_str!("../../docs/checks/pod-eni-ip-insufficient.md"),
    run,
};

/// `ENI-IP headroom on 3 nodes: 0 free of 15 bound (capacity 81)` over the shared-ENI nodes.
pub fn headroom(ctx: &Ctx) -> String {
    let nodes: Vec<(&str, crate::rules::eni::NodeEni)> = ctx
        .facts
        .nodes
        .iter()
        .flat_map(|n| node_eni(n).into_iter().map(move |e| (n.name(), e)))
        .filter(|(_, e)| e.flavor == EniFlavor::Shared)
        .collect();
    let capacity: i64 = nodes.iter().map(|(_, e)| e.capacity).sum();
    let allocatable: i64 = nodes.iter().map(|(_, e)| e.allocatable).sum();
    if ctx.facts.scope.pods_namespace.is_none() {
        let used_by = used_by_node(&ctx.facts.pods);
        let used: i64 = nodes
            .iter()
            .map(|(n, e)| {
                used_by
                    .get(&(n.to_string(), e.flavor))
                    .copied()
                    .unwrap_or(0)
            })
            .sum();
        format!(
            "ENI-IP headroom on {}: {} free of {allocatable} bound (capacity {capacity})",
            count(nodes.len(), "node"),
            (allocatable - used).max(0)
        )
    } else {
        format!(
            "{allocatable} bound ENI IPs on {} (capacity {capacity})",
            count(nodes.len(), "node")
        )
    }
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let stuck = ctx.facts.pods.iter().filter(|p| {
        p.status.phase.as_deref() == Some("Pending")
            && p.condition("PodScheduled").is_some_and(|c| {
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
            let mut f = finding(
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
            );
            f.pods = pods.iter().map(|p| p.name().to_string()).collect();
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::NetworkMode;
    use crate::model::pod::{Condition, Container};

    #[test]
    fn pending_on_eni_ip() {
        let mut f = facts();
        f.nodes = vec![node("node-1")];
        let mut p = pod("web", "web-abc-1");
        p.status.phase = Some("Pending".into());
        p.status.conditions = vec![Condition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("Unschedulable".into()),
            message: Some(
                "0/3 nodes are available: 3 Insufficient tke.cloud.tencent.com/eni-ip.".into(),
            ),
            ..Default::default()
        }];
        let mut running = pod("web", "web-abc-2");
        let mut c = Container::default();
        c.resources
            .limits
            .insert(consts::RESOURCE_ENI_IP.into(), "1".into());
        running.spec.containers.push(c);
        f.pods = vec![p, running];
        let out = check(&CHECK, &f, NetworkMode::VpcCni);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("9 free of 10 bound (capacity 27)"),
            "{}",
            out[0].message
        );
    }
}
