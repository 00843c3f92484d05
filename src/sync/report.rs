//! The outcome of a sync and its machine-readable form: JSON schema version 1 (docs/sync.md). The
//! `v1` structs are frozen: fields are only ever added, never renamed or removed, without a new version.

use super::apply::ApplyReport;
use super::engine::SyncTarget;
use super::plan::{BindingPlan, Plan};
use super::resolve::LbSource;
use crate::cloud::LoadBalancer;
use crate::exit::Exit;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing to change.
    InSync,
    /// Plan only: changes would be made by --apply.
    ChangesPending,
    /// A safety guard trips; --apply refuses without --force.
    Blocked,
    /// --apply changed the CLB and the re-read shows it in sync.
    Applied,
    /// --apply changed part of the plan.
    Partial,
    /// --apply changed nothing and failed, or was refused.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InSync => "in-sync",
            Status::ChangesPending => "changes-pending",
            Status::Blocked => "blocked",
            Status::Applied => "applied",
            Status::Partial => "partial",
            Status::Failed => "failed",
        }
    }

    /// Exit code, per src/exit.rs: plan-only with changes (or blocked) is 1; a refused or failed --apply
    /// that wrote nothing is 2; a partial --apply is 3.
    pub fn exit(self, applying: bool) -> Exit {
        match self {
            Status::InSync | Status::Applied => Exit::Ok,
            Status::ChangesPending => Exit::Changes,
            Status::Blocked if applying => Exit::Error,
            Status::Blocked => Exit::Changes,
            Status::Partial => Exit::Partial,
            Status::Failed => Exit::Error,
        }
    }
}

/// Status of a plan when not applying.
pub fn plan_status(plan: &Plan) -> Status {
    if plan.blocked().next().is_some() {
        Status::Blocked
    } else if plan.has_changes() {
        Status::ChangesPending
    } else {
        Status::InSync
    }
}

/// Status after --apply: verified in sync and every call clean → applied; something written → partial;
/// nothing written → failed.
pub fn apply_status(apply: &ApplyReport, verified: Option<&Plan>) -> Status {
    let in_sync = verified.is_some_and(|v| !v.has_changes());
    if apply.clean() && in_sync {
        Status::Applied
    } else if apply.wrote_anything() {
        Status::Partial
    } else {
        Status::Failed
    }
}

/// The context a report is about.
#[derive(Debug, Clone)]
pub struct RunInfo<'a> {
    pub target: &'a SyncTarget,
    pub region: &'a str,
    pub lb: &'a LoadBalancer,
    pub lb_source: LbSource,
    pub warnings: &'a [String],
}

pub mod v1 {
    //! JSON output, version 1.
    use serde::Serialize;

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Report {
        pub version: u32,
        pub target: Target,
        pub region: String,
        pub load_balancer: LoadBalancer,
        /// in-sync | changes-pending | blocked | applied | partial | failed
        pub status: &'static str,
        pub summary: Summary,
        pub listeners: Vec<Listener>,
        pub warnings: Vec<String>,
        pub apply: Option<Apply>,
        pub verified: Option<Verified>,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Target {
        pub kind: &'static str,
        pub namespace: String,
        pub name: String,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct LoadBalancer {
        pub id: String,
        /// `annotation:<key>` or `flag`.
        pub source: String,
        pub vpc_id: Option<String>,
        /// Found through an annotation TKE's controllers act on: they may redo their own view.
        pub tke_managed: bool,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Summary {
        pub register: usize,
        pub deregister: usize,
        pub keep: usize,
        pub leave: usize,
        /// Targets to register whose pods wait only on TKE's readiness gate.
        pub waiting_on_readiness_gate: usize,
        pub blocked_listeners: usize,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Listener {
        pub listener_id: String,
        pub location_id: Option<String>,
        pub protocol: String,
        pub port: i64,
        pub domain: Option<String>,
        pub url: Option<String>,
        pub service: String,
        pub service_port: String,
        pub register: Vec<Register>,
        pub deregister: Vec<ClbTarget>,
        pub keep: Vec<Keep>,
        pub leave: Vec<ClbTarget>,
        pub guard: Option<Guard>,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Register {
        pub ip: String,
        pub port: i64,
        pub weight: i64,
        pub pod: Option<String>,
        /// ready | waiting-on-readiness-gate
        pub reason: &'static str,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Keep {
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
    pub struct ClbTarget {
        pub ip: String,
        pub port: i64,
        pub weight: i64,
        #[serde(rename = "type")]
        pub kind: String,
        pub instance_id: Option<String>,
        pub pod: Option<String>,
        /// deregister: not-an-endpoint | not-ready | port-changed | non-eni; leave: non-eni | draining
        pub reason: &'static str,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Guard {
        /// would-empty | removes-more-than-half
        pub id: &'static str,
        pub message: String,
        /// --force was given.
        pub overridden: bool,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Apply {
        pub calls: Vec<Call>,
        pub registered: usize,
        pub deregistered: usize,
        pub failed_listeners: Vec<String>,
        pub skipped_deregistrations: usize,
        pub not_sent: usize,
        pub error: Option<String>,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Call {
        /// BatchRegisterTargets | BatchDeregisterTargets
        pub action: &'static str,
        pub targets: usize,
        pub failed_listeners: Vec<String>,
        pub message: Option<String>,
        pub request_id: String,
        pub error: Option<String>,
    }

    #[derive(Debug, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Verified {
        pub in_sync: bool,
        /// The plan computed from the targets re-read after applying: empty register/deregister lists
        /// everywhere when in sync.
        pub listeners: Vec<Listener>,
    }
}

fn listener(b: &BindingPlan) -> v1::Listener {
    let info = &b.info;
    v1::Listener {
        listener_id: info.binding.listener_id.clone(),
        location_id: info.binding.location_id.clone(),
        protocol: info.protocol.clone(),
        port: info.port,
        domain: info.domain.clone(),
        url: info.url.clone(),
        service: info.service.clone(),
        service_port: info.service_port.clone(),
        register: b
            .register
            .iter()
            .map(|r| v1::Register {
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
            .map(|d| v1::ClbTarget {
                ip: d.target.ip.clone(),
                port: d.target.port,
                weight: d.target.weight,
                kind: d.target.kind.clone(),
                instance_id: d.target.instance_id.clone(),
                pod: d.pod.clone(),
                reason: d.reason.as_str(),
            })
            .collect(),
        keep: b
            .keep
            .iter()
            .map(|k| v1::Keep {
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
            .map(|l| v1::ClbTarget {
                ip: l.target.ip.clone(),
                port: l.target.port,
                weight: l.target.weight,
                kind: l.target.kind.clone(),
                instance_id: l.target.instance_id.clone(),
                pod: l.pod.clone(),
                reason: l.reason.as_str(),
            })
            .collect(),
        guard: b.guard.map(|g| v1::Guard {
            id: g.id(),
            message: g.describe(),
            overridden: b.forced,
        }),
    }
}

pub fn to_v1(
    info: &RunInfo<'_>,
    plan: &Plan,
    status: Status,
    apply: Option<&ApplyReport>,
    verified: Option<&Plan>,
) -> v1::Report {
    let source = match info.lb_source {
        LbSource::Annotation(key) => format!("annotation:{key}"),
        LbSource::Flag => "flag".to_string(),
    };
    v1::Report {
        version: 1,
        target: v1::Target {
            kind: info.target.kind.as_str(),
            namespace: info.target.namespace.clone(),
            name: info.target.name.clone(),
        },
        region: info.region.to_string(),
        load_balancer: v1::LoadBalancer {
            id: info.lb.load_balancer_id.clone(),
            source,
            vpc_id: info.lb.vpc_id.clone(),
            tke_managed: info.lb_source.is_tke_managed(),
        },
        status: status.as_str(),
        summary: v1::Summary {
            register: plan.register_count(),
            deregister: plan.deregister_count(),
            keep: plan.bindings.iter().map(|b| b.keep.len()).sum(),
            leave: plan.bindings.iter().map(|b| b.leave.len()).sum(),
            waiting_on_readiness_gate: plan.gate_waiting(),
            blocked_listeners: plan.blocked().count(),
        },
        listeners: plan.bindings.iter().map(listener).collect(),
        warnings: info.warnings.to_vec(),
        apply: apply.map(|a| v1::Apply {
            calls: a
                .calls
                .iter()
                .map(|c| v1::Call {
                    action: c.action.api_name(),
                    targets: c.targets,
                    failed_listeners: c.failed_listeners.clone(),
                    message: c.message.clone(),
                    request_id: c.request_id.clone(),
                    error: c.error.clone(),
                })
                .collect(),
            registered: a.registered,
            deregistered: a.deregistered,
            failed_listeners: a.failed_listeners.iter().cloned().collect(),
            skipped_deregistrations: a.skipped,
            not_sent: a.not_sent,
            error: a.error.clone(),
        }),
        verified: verified.map(|v| v1::Verified {
            in_sync: !v.has_changes(),
            listeners: v.bindings.iter().map(listener).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::Kind;
    use crate::sync::apply::{Action, CallReport};
    use crate::sync::model::Binding;
    use crate::sync::plan::tests::{eni, input, want};
    use crate::sync::plan::{PlanOptions, plan};

    #[test]
    fn statuses_and_exit_codes() {
        let empty = Plan::default();
        assert_eq!(plan_status(&empty), Status::InSync);
        let pending = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert_eq!(plan_status(&pending), Status::ChangesPending);
        let actual = BTreeMap::from([(
            Binding {
                listener_id: "lbl-1".into(),
                location_id: None,
            },
            vec![eni("10.0.0.9", 80, 10)],
        )]);
        let blocked = plan(&[input("lbl-1", vec![])], &actual, &PlanOptions::default());
        assert_eq!(plan_status(&blocked), Status::Blocked);
        assert_eq!(Status::Blocked.exit(false), Exit::Changes);
        assert_eq!(Status::Blocked.exit(true), Exit::Error);
        assert_eq!(Status::ChangesPending.exit(false), Exit::Changes);
        assert_eq!(Status::InSync.exit(false), Exit::Ok);

        let clean = ApplyReport {
            registered: 1,
            ..Default::default()
        };
        assert_eq!(apply_status(&clean, Some(&empty)), Status::Applied);
        assert_eq!(apply_status(&clean, Some(&pending)), Status::Partial);
        let mut failed = clean.clone();
        failed.failed_listeners.insert("lbl-2".into());
        assert_eq!(apply_status(&failed, Some(&empty)), Status::Partial);
        let nothing = ApplyReport {
            error: Some("AuthFailure".into()),
            ..Default::default()
        };
        assert_eq!(apply_status(&nothing, Some(&pending)), Status::Failed);
        assert_eq!(Status::Partial.exit(true), Exit::Partial);
        assert_eq!(Status::Failed.exit(true), Exit::Error);
        assert_eq!(Status::Applied.exit(true), Exit::Ok);
    }

    #[test]
    fn json_v1_shape() {
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
        let target = SyncTarget {
            kind: Kind::Service,
            namespace: "default".into(),
            name: "web".into(),
        };
        let lb = LoadBalancer {
            load_balancer_id: "lb-1".into(),
            vpc_id: Some("vpc-1".into()),
            ..Default::default()
        };
        let warnings = vec!["w".to_string()];
        let info = RunInfo {
            target: &target,
            region: "ap-guangzhou",
            lb: &lb,
            lb_source: LbSource::Annotation("service.kubernetes.io/loadbalance-id"),
            warnings: &warnings,
        };
        let apply = ApplyReport {
            calls: vec![CallReport {
                action: Action::Register,
                targets: 1,
                failed_listeners: vec![],
                message: None,
                request_id: "r-1".into(),
                error: None,
            }],
            registered: 1,
            ..Default::default()
        };
        let json = serde_json::to_value(to_v1(
            &info,
            &p,
            Status::Applied,
            Some(&apply),
            Some(&Plan::default()),
        ))
        .unwrap();
        insta::assert_json_snapshot!(json);
    }
}
