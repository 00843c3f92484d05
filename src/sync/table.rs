//! The plan and the apply outcome for people (stdout, `-o table`).

use comfy_table::Table;
use comfy_table::presets::NOTHING;

use super::apply::{Action, ApplyReport};
use super::model::{Why, addr};
use super::plan::{BindingPlan, DeregisterReason, LeaveReason, Plan};
use super::report::{RunInfo, Status};
use crate::model::consts::READINESS_GATE;

/// Rows shown per action and listener; the JSON output always has all of them.
pub const MAX_ROWS: usize = 20;

fn deregister_reason(r: DeregisterReason) -> &'static str {
    match r {
        DeregisterReason::NotAnEndpoint => "not an endpoint of the Service",
        DeregisterReason::NotReady => "pod not ready",
        DeregisterReason::PortChanged => "address reused / port changed",
        DeregisterReason::NonEni => "not an ENI target (--prune-non-eni)",
    }
}

fn leave_reason(r: LeaveReason) -> &'static str {
    match r {
        LeaveReason::NonEni => "not an ENI target: left alone",
        LeaveReason::Draining => "terminating pod, TKE drains it",
    }
}

fn why(w: Why) -> &'static str {
    match w {
        Why::Ready => "",
        Why::WaitingOnGate => "waiting on TKE readiness gate",
    }
}

fn binding_label(b: &BindingPlan) -> String {
    format!("{} {}", b.info.binding, b.info.label())
}

struct Rows<'a> {
    table: &'a mut Table,
    first: bool,
    listener: String,
    service: String,
}

impl Rows<'_> {
    fn push(
        &mut self,
        action: &str,
        target: String,
        weight: String,
        pod: Option<&str>,
        note: &str,
    ) {
        let (l, s) = if self.first {
            (self.listener.clone(), self.service.clone())
        } else {
            (String::new(), String::new())
        };
        self.first = false;
        self.table.add_row(vec![
            l,
            s,
            action.to_string(),
            target,
            weight,
            pod.unwrap_or("").to_string(),
            note.to_string(),
        ]);
    }

    fn more(&mut self, action: &str, hidden: usize) {
        if hidden > 0 {
            self.push(
                action,
                format!("… and {hidden} more (see -o json)"),
                String::new(),
                None,
                "",
            );
        }
    }
}

fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(NOTHING);
    t.set_header(header.to_vec());
    for c in t.column_iter_mut() {
        c.set_padding((0, 3));
    }
    t
}

/// The plan as a table, then one line per total and the notes that matter.
pub fn render_plan(info: &RunInfo<'_>, plan: &Plan) -> String {
    let mut out = format!(
        "{}/{} -n {} → CLB {} ({}), region {}\n\n",
        info.target.kind.short(),
        info.target.name,
        info.target.namespace,
        info.lb.load_balancer_id,
        info.lb_source,
        info.region
    );
    let mut table = new_table(&[
        "LISTENER",
        "SERVICE PORT",
        "ACTION",
        "TARGET",
        "WEIGHT",
        "POD",
        "NOTE",
    ]);
    for b in &plan.bindings {
        let mut rows = Rows {
            table: &mut table,
            first: true,
            listener: binding_label(b),
            service: format!("{}:{}", b.info.service, b.info.service_port),
        };
        for r in b.register.iter().take(MAX_ROWS) {
            rows.push(
                "register",
                addr(&r.ip, r.port),
                r.weight.to_string(),
                r.pod.as_deref(),
                why(r.why),
            );
        }
        rows.more("register", b.register.len().saturating_sub(MAX_ROWS));
        for d in b.deregister.iter().take(MAX_ROWS) {
            rows.push(
                "deregister",
                addr(&d.target.ip, d.target.port),
                d.target.weight.to_string(),
                d.pod.as_deref(),
                deregister_reason(d.reason),
            );
        }
        rows.more("deregister", b.deregister.len().saturating_sub(MAX_ROWS));
        for l in b.leave.iter().take(MAX_ROWS) {
            let note = format!("{} ({})", leave_reason(l.reason), l.target.kind);
            rows.push(
                "leave",
                addr(&l.target.ip, l.target.port),
                l.target.weight.to_string(),
                l.pod.as_deref(),
                &note,
            );
        }
        rows.more("leave", b.leave.len().saturating_sub(MAX_ROWS));
        for k in b.keep.iter().take(MAX_ROWS) {
            let note = if k.weight == 0 {
                "weight 0: gets no traffic"
            } else {
                why(k.why)
            };
            rows.push(
                "keep",
                addr(&k.ip, k.port),
                k.weight.to_string(),
                k.pod.as_deref(),
                note,
            );
        }
        rows.more("keep", b.keep.len().saturating_sub(MAX_ROWS));
        if b.register.is_empty()
            && b.deregister.is_empty()
            && b.leave.is_empty()
            && b.keep.is_empty()
        {
            rows.push(
                "-",
                "no targets, none wanted".into(),
                String::new(),
                None,
                "",
            );
        }
    }
    out.push_str(&table.trim_fmt());
    out.push_str("\n\n");

    let keep: usize = plan.bindings.iter().map(|b| b.keep.len()).sum();
    let leave: usize = plan.bindings.iter().map(|b| b.leave.len()).sum();
    out.push_str(&format!(
        "Plan: {} to register, {} to deregister, {keep} unchanged, {leave} left alone.\n",
        plan.register_count(),
        plan.deregister_count()
    ));
    let gate = plan.gate_waiting();
    if gate > 0 {
        out.push_str(&format!(
            "{gate} of the targets to register belong to pods whose containers are ready and that wait only on TKE's \
             readiness gate ({READINESS_GATE}): binding them is what lets the gate turn True.\n"
        ));
    }
    for b in plan.bindings.iter().filter(|b| b.guard.is_some()) {
        let guard = b.guard.expect("filtered").describe();
        if b.forced {
            out.push_str(&format!(
                "Guard overridden with --force: {} {guard}.\n",
                binding_label(b)
            ));
        } else {
            out.push_str(&format!(
                "Blocked: {} {guard}; --apply refuses without --force.\n",
                binding_label(b)
            ));
        }
    }
    out
}

/// What --apply did and what the re-read found.
pub fn render_apply(apply: &ApplyReport, verified: Option<&Plan>, status: Status) -> String {
    let mut out = String::new();
    let count = |a: Action| apply.calls.iter().filter(|c| c.action == a).count();
    out.push_str(&format!(
        "Applied: {} registered, {} deregistered in {} call(s) (BatchRegisterTargets ×{}, BatchDeregisterTargets ×{}).\n",
        apply.registered,
        apply.deregistered,
        apply.calls.len(),
        count(Action::Register),
        count(Action::Deregister)
    ));
    if !apply.failed_listeners.is_empty() {
        out.push_str(&format!(
            "Failed on listener(s) {} (FailListenerIdSet); their old targets were kept ({} deregistration(s) skipped).\n",
            apply.failed_listeners.iter().cloned().collect::<Vec<_>>().join(", "),
            apply.skipped
        ));
    }
    if let Some(e) = &apply.error {
        out.push_str(&format!(
            "Stopped by an error, {} target change(s) not sent: {e}\n",
            apply.not_sent
        ));
    }
    match verified {
        Some(v) if !v.has_changes() => out.push_str("Verified with DescribeTargets: in sync.\n"),
        Some(v) => {
            out.push_str(&format!(
                "Verified with DescribeTargets: still {} to register and {} to deregister:\n",
                v.register_count(),
                v.deregister_count()
            ));
            let mut table = new_table(&["LISTENER", "ACTION", "TARGET"]);
            for b in v.bindings.iter().filter(|b| b.has_changes()) {
                let label = binding_label(b);
                let mut first = true;
                let mut push = |action: &str, target: String| {
                    table.add_row(vec![
                        if first { label.clone() } else { String::new() },
                        action.to_string(),
                        target,
                    ]);
                    first = false;
                };
                for r in b.register.iter().take(MAX_ROWS) {
                    push("register", addr(&r.ip, r.port));
                }
                for d in b.deregister.iter().take(MAX_ROWS) {
                    push("deregister", addr(&d.target.ip, d.target.port));
                }
            }
            out.push_str(&table.trim_fmt());
            out.push('\n');
        }
        None => out.push_str("Not verified: the targets could not be re-read.\n"),
    }
    out.push_str(&format!("Result: {}.\n", status.as_str()));
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::cloud::LoadBalancer;
    use crate::model::Kind;
    use crate::sync::engine::SyncTarget;
    use crate::sync::model::Binding;
    use crate::sync::plan::tests::{eni, input, want};
    use crate::sync::plan::{PlanOptions, plan};
    use crate::sync::resolve::LbSource;

    #[test]
    fn plan_table() {
        let actual = BTreeMap::from([(
            Binding {
                listener_id: "lbl-1".into(),
                location_id: None,
            },
            vec![
                eni("10.0.0.1", 8080, 55),
                eni("10.0.0.9", 8080, 10),
                eni("10.0.0.8", 8080, 10),
            ],
        )]);
        let mut waiting = want("10.0.0.2", 8080, "web-2");
        waiting.why = Why::WaitingOnGate;
        let p = plan(
            &[input(
                "lbl-1",
                vec![want("10.0.0.1", 8080, "web-1"), waiting],
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
            ..Default::default()
        };
        let info = RunInfo {
            target: &target,
            region: "ap-guangzhou",
            lb: &lb,
            lb_source: LbSource::Annotation("service.kubernetes.io/loadbalance-id"),
            warnings: &[],
        };
        insta::assert_snapshot!(render_plan(&info, &p));
    }
}
