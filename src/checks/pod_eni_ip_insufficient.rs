//! `pod-eni-ip-insufficient`: pods Pending because no node has a free ENI IP.

use std::collections::BTreeMap;

use super::ctx::{Ctx, by_owner, count, name_pods};
use super::{Check, Finding, Manifests, Severity, Stage, finding};
use crate::model::{EniFlavor, Pod};
use crate::rules::eni::{Limit, NodeEni, full, node_eni, unavailable_taint, used_by_node};

pub const CHECK: Check = Check {
    id: "pod-eni-ip-insufficient",
    severity: Severity::Error,
    stage: Stage::Objects,
    manifests: Manifests::No,
    summary: "pods are Pending on Insufficient tke.cloud.tencent.com/eni-ip (ENI IP exhaustion)",
    docs: include_str!("../../docs/checks/pod-eni-ip-insufficient.md"),
    run,
};

/// `ENI-IP headroom on 3 nodes: 0 free of 15 bound (capacity 81)` over the nodes of one flavour.
pub fn headroom(ctx: &Ctx, flavor: EniFlavor) -> String {
    let nodes: Vec<(&str, NodeEni)> = eni_nodes(ctx, flavor);
    let capacity: i64 = nodes.iter().map(|(_, e)| e.capacity).sum();
    let allocatable: i64 = nodes.iter().map(|(_, e)| e.allocatable).sum();
    let what = match flavor {
        EniFlavor::Shared => "ENI-IP",
        EniFlavor::Exclusive => "exclusive-ENI",
    };
    match used(ctx) {
        Some(used_by) => {
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
                "{what} headroom on {}: {} free of {allocatable} bound (capacity {capacity})",
                count(nodes.len(), "node"),
                (allocatable - used).max(0)
            )
        }
        None => format!(
            "{allocatable} bound {what}s on {} (capacity {capacity})",
            count(nodes.len(), "node")
        ),
    }
}

fn eni_nodes<'a>(ctx: &Ctx<'a>, flavor: EniFlavor) -> Vec<(&'a str, NodeEni)> {
    ctx.facts
        .nodes
        .iter()
        .flat_map(|n| node_eni(n).into_iter().map(move |e| (n.name(), e)))
        .filter(|(_, e)| e.flavor == flavor)
        .collect()
}

/// ENI use per node — only when pods were read from every namespace (else pods elsewhere use IPs too).
fn used(ctx: &Ctx) -> Option<BTreeMap<(String, EniFlavor), i64>> {
    ctx.facts
        .scope
        .pods_namespace
        .is_none()
        .then(|| used_by_node(&ctx.facts.pods))
}

/// The flavour the scheduler found insufficient, from the PodScheduled message.
fn insufficient(p: &Pod) -> Option<EniFlavor> {
    let c = p
        .condition("PodScheduled")
        .filter(|c| c.status == "False")?;
    let m = c.message.as_deref()?;
    EniFlavor::ALL
        .into_iter()
        .find(|f| m.contains(&format!("Insufficient {}", f.resource())))
}

/// Nodes VPC-CNI has tainted ENI-IP unavailable: no ENI pod lands there whatever their figures say, so
/// they are a cause of their own (`node-eni-ip-unavailable`), not a full node. With whether the taint is
/// young (a joining node).
fn tainted_nodes<'a>(ctx: &Ctx<'a>) -> Vec<(&'a str, String, bool)> {
    ctx.facts
        .nodes
        .iter()
        .filter_map(|n| {
            let taint = unavailable_taint(n)?;
            let since = taint.time_added.or(n.metadata.creation_timestamp);
            Some((
                n.name(),
                format!("node/{}{}", n.name(), ctx.age(since)),
                ctx.young(since),
            ))
        })
        .collect()
}

/// Which nodes are full, with the limit that binds each: `node/a (5 of 5 bound IPs in use: the instance's
/// maximum)`. Tainted nodes are left to [`tainted_nodes`].
fn full_nodes(ctx: &Ctx, flavor: EniFlavor) -> Vec<(String, Limit, String)> {
    let Some(used_by) = used(ctx) else {
        return Vec::new();
    };
    let zone = |name: &str| {
        ctx.node(name)
            .and_then(|n| {
                n.metadata
                    .label("topology.kubernetes.io/zone")
                    .or(n.metadata.label("failure-domain.beta.kubernetes.io/zone"))
            })
            .map(|z| format!(", zone {z}"))
            .unwrap_or_default()
    };
    eni_nodes(ctx, flavor)
        .into_iter()
        .filter(|(name, _)| ctx.node(name).and_then(unavailable_taint).is_none())
        .filter_map(|(name, e)| {
            let used = used_by.get(&(name.to_string(), flavor)).copied().unwrap_or(0);
            let limit = full(&e, used)?;
            let why = match limit {
                Limit::Instance => format!(
                    "node/{name} ({used} of {} bound in use: the instance type's maximum{})",
                    e.allocatable,
                    zone(name)
                ),
                Limit::Subnet => format!(
                    "node/{name} ({used} of {} bound in use although the instance could bind {}: ipamd gets no more IPs{})",
                    e.allocatable,
                    e.capacity,
                    zone(name)
                ),
            };
            Some((name.to_string(), limit, why))
        })
        .collect()
}

fn run(ctx: &Ctx) -> Vec<Finding> {
    let stuck = ctx
        .facts
        .pods
        .iter()
        .filter(|p| p.status.phase.as_deref() == Some("Pending") && insufficient(p).is_some());
    let groups = by_owner(stuck);
    groups
        .into_iter()
        .map(|(owner, pods)| {
            let flavor = insufficient(pods[0]).unwrap_or(EniFlavor::Shared);
            let full = full_nodes(ctx, flavor);
            let tainted = tainted_nodes(ctx);
            let names: Vec<String> = full.iter().map(|(_, _, why)| why.clone()).collect();
            let mut nodes = if full.is_empty() {
                String::new()
            } else {
                format!("; full: {}", crate::render::first_few(&names, 4))
            };
            let mut fixes = Vec::new();
            if !tainted.is_empty() {
                let names: Vec<String> = tainted.iter().map(|(_, n, _)| n.clone()).collect();
                nodes.push_str(&format!(
                    "; tainted ENI-IP unavailable (VPC-CNI not ready there): {}",
                    crate::render::first_few(&names, 4)
                ));
                fixes.push(
                    "on the tainted nodes, VPC-CNI must become ready before ENI pods land there: see \
                     `tkedirect explain node-eni-ip-unavailable`"
                        .to_string(),
                );
            }
            // Without a full or tainted node to blame (pods of other namespaces unread), both causes.
            let unknown = full.is_empty() && tainted.is_empty();
            if full.iter().any(|(_, l, _)| *l == Limit::Instance) || unknown {
                fixes.push(
                    "where the instance type's maximum is reached: add nodes or use larger instance types (more ENIs and IPs per node)"
                        .to_string(),
                );
            }
            let subnet: Vec<String> = full
                .iter()
                .filter(|(_, l, _)| *l == Limit::Subnet)
                .map(|(n, _, _)| format!("node/{n}"))
                .collect();
            if !subnet.is_empty() || unknown {
                fixes.push(format!(
                    "where ipamd gets no more IPs{}: add a container subnet with free IPs in that zone (TKE console: \
                     cluster → Basic information → VPC-CNI container subnets), or lower the warm-IP targets (`kubectl get nec`)",
                    if subnet.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", subnet.join(", "))
                    }
                ));
            }
            // Only joining nodes to blame: a scale-out under way, not yet a problem.
            let joining = full.is_empty() && !tainted.is_empty() && tainted.iter().all(|(_, _, young)| *young);
            let mut f = finding(
                &CHECK,
                Some(owner.clone()),
                format!(
                    "{}{} of {} Pending: Insufficient {} ({}){nodes}; {}",
                    if joining { "in progress: " } else { "" },
                    count(pods.len(), "pod"),
                    owner.short(),
                    flavor.resource(),
                    name_pods(&pods),
                    headroom(ctx, flavor)
                ),
                if joining {
                    "nothing yet: the joining nodes take ENI pods once their VPC-CNI components are ready; if the \
                     taint persists, see `tkedirect explain node-eni-ip-unavailable`"
                        .to_string()
                } else {
                    format!("{}; see `tkedirect explain pod-eni-ip-insufficient`", fixes.join("; "))
                },
            );
            if joining {
                f.severity = crate::checks::Severity::Info;
            }
            f.pods = pods.iter().map(|p| p.name().to_string()).collect();
            f
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::model::pod::{Condition, Container};
    use crate::model::{NetworkMode, consts};

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

    /// A node tainted ENI-IP unavailable is its own cause, not a full node: a young taint (a joining node,
    /// the only one to blame) is "in progress"; an old one points at node-eni-ip-unavailable, without the
    /// subnet and instance advice that would not help.
    #[test]
    fn a_tainted_node_is_blamed_on_its_taint() {
        use crate::checks::ctx::Timing;
        use crate::model::node::Taint;
        let mut f = facts();
        f.scope.pods_namespace = None;
        let now: jiff::Timestamp = "2026-12-05T12:00:00Z".parse().unwrap();
        f.observed_at = Some(now);
        let mut joining = node("node-2");
        joining
            .status
            .allocatable
            .insert(consts::RESOURCE_ENI_IP.into(), "0".into());
        joining.spec.taints.push(Taint {
            key: consts::ENI_UNAVAILABLE_TAINTS[0].into(),
            time_added: Some("2026-12-05T11:59:30Z".parse().unwrap()),
            ..Default::default()
        });
        f.nodes = vec![joining];
        let mut p = pod("web", "web-abc-1");
        p.spec.node_name = None;
        p.status.phase = Some("Pending".into());
        p.status.conditions = vec![Condition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            message: Some(
                "0/1 nodes are available: 1 Insufficient tke.cloud.tencent.com/eni-ip.".into(),
            ),
            ..Default::default()
        }];
        f.pods = vec![p];
        let run = |f: &crate::model::ClusterFacts| {
            let net = crate::model::NetworkDetection::given(NetworkMode::VpcCni, None);
            let timing = Timing {
                now: f.observed_at,
                ..Timing::default()
            };
            (CHECK.run)(&Ctx::with_timing(f, &net, timing))
        };
        let out = run(&f);
        assert_eq!(out[0].severity, Severity::Info, "{:?}", out[0]);
        assert!(
            out[0].message.starts_with("in progress: "),
            "{}",
            out[0].message
        );
        assert!(
            out[0]
                .message
                .contains("tainted ENI-IP unavailable (VPC-CNI not ready there): node/node-2"),
            "{}",
            out[0].message
        );
        assert!(!out[0].message.contains("full:"), "{}", out[0].message);

        // The same taint a day old: an error that names the taint's cause, not the subnet.
        f.observed_at = Some("2026-12-06T12:00:00Z".parse().unwrap());
        let out = run(&f);
        assert_eq!(out[0].severity, Severity::Error);
        assert!(
            out[0].fix.contains("node-eni-ip-unavailable"),
            "{}",
            out[0].fix
        );
        assert!(!out[0].fix.contains("container subnet"), "{}", out[0].fix);
    }
}
