//! The machine-readable outcome of a sync: the payload `report::envelope::write(w, "sync", …)` wraps in
//! `{"version": 1, "tool": …, "command": "sync", …}` (docs/sync.md). The structs are frozen: fields are
//! only ever added, never renamed or removed, without a new version.

use serde::Serialize;

use super::apply::ApplyResult;
use super::outcome::SyncOutcome;
use super::plan::{BindingPlan, SyncPlan};
use super::resolve::LbSource;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPayload {
    pub target: SyncObject,
    pub region: String,
    pub load_balancer: SyncLoadBalancer,
    /// in-sync | changes-pending | blocked | applied | partial | failed
    pub status: &'static str,
    /// Targets one listener or L7 rule holds: `{limit, source: "DescribeQuota" | "--max-targets"}`.
    pub target_quota: SyncQuota,
    pub summary: SyncTotals,
    pub listeners: Vec<SyncListener>,
    pub warnings: Vec<String>,
    pub apply: Option<SyncApply>,
    pub verified: Option<SyncVerified>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncObject {
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncLoadBalancer {
    pub id: String,
    /// `annotation:<key>` or `flag`.
    pub source: String,
    pub vpc_id: Option<String>,
    /// Found through an annotation TKE's controllers act on: they may redo their own view.
    pub tke_managed: bool,
    /// `AddressIPVersion`, `IPv6Mode`, `MixIpTarget` as DescribeLoadBalancers gives them.
    pub address_ip_version: Option<String>,
    pub ipv6_mode: Option<String>,
    pub mix_ip_target: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncQuota {
    pub limit: usize,
    pub source: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncTotals {
    pub register: usize,
    pub deregister: usize,
    pub keep: usize,
    pub leave: usize,
    /// Targets to register whose pods wait only on TKE's readiness gate.
    pub waiting_on_readiness_gate: usize,
    pub blocked_listeners: usize,
    /// Pods (pod + address) not registered because they are not on an ENI.
    pub skipped_not_on_eni: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncListener {
    pub listener_id: String,
    pub location_id: Option<String>,
    pub protocol: String,
    pub port: i64,
    pub domain: Option<String>,
    pub url: Option<String>,
    pub service: String,
    pub service_port: String,
    /// The IP families of targets the listener takes: `["IPv4"]`, `["IPv6"]` or both.
    pub ip_families: Vec<&'static str>,
    pub register: Vec<SyncRegister>,
    pub deregister: Vec<SyncClbTarget>,
    pub keep: Vec<SyncKeep>,
    pub leave: Vec<SyncClbTarget>,
    /// Pods the Service wants that are not registered: their addresses are not ENI addresses.
    pub skipped: Vec<SyncSkipped>,
    pub guard: Option<SyncGuard>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncSkipped {
    pub pod: String,
    pub ip: String,
    /// host-network | global-router | overlay | no-address-of-listener-family
    pub reason: &'static str,
    pub detail: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncRegister {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    pub pod: Option<String>,
    /// ready | waiting-on-readiness-gate
    pub reason: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncKeep {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub pod: Option<String>,
    pub reason: &'static str,
}

/// A target on the CLB that is removed (`deregister`) or left alone (`leave`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncClbTarget {
    pub ip: String,
    pub port: i64,
    pub weight: i64,
    #[serde(rename = "type")]
    pub kind: String,
    pub instance_id: Option<String>,
    pub pod: Option<String>,
    /// deregister: not-an-endpoint | port-changed | non-eni; leave: non-eni | draining | pod-not-on-eni
    pub reason: &'static str,
    /// Why, in words (leave: `weight 0`, `pod web-3 is terminating`, …; null for deregister).
    pub detail: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncGuard {
    /// would-empty | removes-more-than-half | exceeds-quota
    pub id: &'static str,
    pub message: String,
    /// --force was given.
    pub overridden: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncApply {
    pub calls: Vec<SyncCall>,
    pub registered: usize,
    pub deregistered: usize,
    pub failed_listeners: Vec<String>,
    pub skipped_deregistrations: usize,
    pub not_sent: usize,
    pub error: Option<String>,
    /// Tasks (RequestIds) still running when the run stopped waiting; a rerun waits for them.
    pub pending_tasks: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncCall {
    /// BatchRegisterTargets | BatchDeregisterTargets
    pub action: &'static str,
    pub targets: usize,
    pub failed_listeners: Vec<String>,
    pub message: Option<String>,
    pub request_id: String,
    pub error: Option<String>,
    /// How the call's task ended: succeeded | failed | none (not a task) | running | unknown; null when the
    /// call itself failed.
    pub task: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncVerified {
    pub in_sync: bool,
    /// The plan computed from the targets re-read after applying: empty register/deregister lists
    /// everywhere when in sync.
    pub listeners: Vec<SyncListener>,
}

fn listener(b: &BindingPlan) -> SyncListener {
    let info = &b.info;
    SyncListener {
        listener_id: info.binding.listener_id.clone(),
        location_id: info.binding.location_id.clone(),
        protocol: info.protocol.clone(),
        port: info.port,
        domain: info.domain.clone(),
        url: info.url.clone(),
        service: info.service.clone(),
        service_port: info.service_port.clone(),
        ip_families: b.families.names(),
        register: b
            .register
            .iter()
            .map(|r| SyncRegister {
                ip: r.ip.clone(),
                port: r.port,
                weight: r.weight,
                pod: r.pod.clone(),
                reason: r.why.as_str(),
            })
            .collect(),
        deregister: b
            .deregister
            .iter()
            .map(|d| SyncClbTarget {
                ip: d.target.ip.clone(),
                port: d.target.port,
                weight: d.target.weight,
                kind: d.target.kind.clone(),
                instance_id: d.target.instance_id.clone(),
                pod: d.pod.clone(),
                reason: d.reason.as_str(),
                detail: None,
            })
            .collect(),
        keep: b
            .keep
            .iter()
            .map(|k| SyncKeep {
                ip: k.ip.clone(),
                port: k.port,
                weight: k.weight,
                kind: k.kind.clone(),
                pod: k.pod.clone(),
                reason: k.why.as_str(),
            })
            .collect(),
        leave: b
            .leave
            .iter()
            .map(|l| SyncClbTarget {
                ip: l.target.ip.clone(),
                port: l.target.port,
                weight: l.target.weight,
                kind: l.target.kind.clone(),
                instance_id: l.target.instance_id.clone(),
                pod: l.pod.clone(),
                reason: l.reason.as_str(),
                detail: Some(l.detail.clone()),
            })
            .collect(),
        skipped: b
            .skipped
            .iter()
            .map(|s| SyncSkipped {
                pod: s.pod.clone(),
                ip: s.ip.clone(),
                reason: s.reason.id(),
                detail: s.reason.describe(),
            })
            .collect(),
        guard: b.guard.map(|g| SyncGuard {
            id: g.id(),
            message: g.describe(),
            overridden: b.forced,
        }),
    }
}

fn apply(a: &ApplyResult) -> SyncApply {
    SyncApply {
        calls: a
            .calls
            .iter()
            .map(|c| SyncCall {
                action: c.action.api_name(),
                targets: c.targets,
                failed_listeners: c.failed_listeners.clone(),
                message: c.message.clone(),
                request_id: c.request_id.clone(),
                error: c.error.clone(),
                task: c.task,
            })
            .collect(),
        registered: a.registered,
        deregistered: a.deregistered,
        failed_listeners: a.failed_listeners.iter().cloned().collect(),
        skipped_deregistrations: a.skipped,
        not_sent: a.not_sent,
        error: a.error.clone(),
        pending_tasks: a.pending_tasks.clone(),
    }
}

fn totals(plan: &SyncPlan) -> SyncTotals {
    SyncTotals {
        register: plan.register_count(),
        deregister: plan.deregister_count(),
        keep: plan.bindings.iter().map(|b| b.keep.len()).sum(),
        leave: plan.bindings.iter().map(|b| b.leave.len()).sum(),
        waiting_on_readiness_gate: plan.gate_waiting(),
        blocked_listeners: plan.blocked().count(),
        skipped_not_on_eni: plan
            .skipped()
            .iter()
            .filter(|s| s.reason.is_not_eni())
            .count(),
    }
}

/// The payload of an outcome.
pub fn payload(o: &SyncOutcome) -> SyncPayload {
    let source = match o.lb_source {
        LbSource::Annotation(key) => format!("annotation:{key}"),
        LbSource::Flag => "flag".to_string(),
    };
    SyncPayload {
        target: SyncObject {
            kind: o.target.kind.as_str(),
            namespace: o.target.namespace.clone(),
            name: o.target.name.clone(),
        },
        region: o.region.clone(),
        load_balancer: SyncLoadBalancer {
            id: o.lb.load_balancer_id.clone(),
            source,
            vpc_id: o.lb.vpc_id.clone(),
            tke_managed: o.lb_source.is_tke_managed(),
            address_ip_version: o.lb.address_ip_version.clone(),
            ipv6_mode: o.lb.ipv6_mode.clone(),
            mix_ip_target: o.lb.mix_ip_target,
        },
        status: o.status.as_str(),
        target_quota: SyncQuota {
            limit: o.quota.limit,
            source: o.quota.source_name(),
        },
        summary: totals(&o.plan),
        listeners: o.plan.bindings.iter().map(listener).collect(),
        warnings: o.warnings.clone(),
        apply: o.apply.as_ref().map(apply),
        verified: o.verified.as_ref().map(|v| SyncVerified {
            in_sync: !v.has_changes(),
            listeners: v.bindings.iter().map(listener).collect(),
        }),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::cloud::LoadBalancer;
    use crate::model::Kind;
    use crate::sync::apply::{WriteAction, WriteCall};
    use crate::sync::cluster_read::SyncTarget;
    use crate::sync::model::Binding;
    use crate::sync::outcome::SyncStatus;
    use crate::sync::plan::tests::{eni, input, want};
    use crate::sync::plan::{PlanOptions, plan};

    /// An applied outcome: one target kept (weight 55), one registered, one stale one removed.
    pub fn applied_outcome() -> SyncOutcome {
        let actual = BTreeMap::from([(
            Binding {
                listener_id: "lbl-1".into(),
                location_id: None,
            },
            vec![eni("10.0.0.1", 8080, 55), eni("10.0.0.9", 8080, 10)],
        )]);
        let p = plan(
            &[input(
                "lbl-1",
                vec![
                    want("10.0.0.1", 8080, "web-1"),
                    want("10.0.0.2", 8080, "web-2"),
                ],
            )],
            &actual,
            &PlanOptions::default(),
        );
        SyncOutcome {
            target: SyncTarget {
                kind: Kind::Service,
                namespace: "default".into(),
                name: "web".into(),
            },
            region: "ap-guangzhou".into(),
            lb: LoadBalancer {
                load_balancer_id: "lb-1".into(),
                vpc_id: Some("vpc-1".into()),
                ..Default::default()
            },
            lb_source: LbSource::Annotation("service.kubernetes.io/loadbalance-id"),
            endpoints_api: "EndpointSlice",
            warnings: vec!["w".to_string()],
            plan: p,
            quota: Default::default(),
            status: SyncStatus::Applied,
            applying: true,
            declined: false,
            apply: Some(ApplyResult {
                calls: vec![WriteCall {
                    action: WriteAction::Register,
                    targets: 1,
                    failed_listeners: vec![],
                    message: None,
                    request_id: "r-1".into(),
                    error: None,
                    task: Some("succeeded"),
                }],
                registered: 1,
                ..Default::default()
            }),
            verified: Some(SyncPlan::default()),
        }
    }

    #[test]
    fn json_v1_shape() {
        let mut out = Vec::new();
        crate::report::envelope::write(&mut out, "sync", &payload(&applied_outcome())).unwrap();
        let mut json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        json["tool"]["version"] = "[version]".into();
        insta::assert_json_snapshot!(json);
    }
}
