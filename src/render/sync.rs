//! `sync`'s plan and result for people (`-o table`): one table per run, wrapped at the terminal's width
//! ([`super::new_table`]); long lists show the first few rows per action and listener and say how many
//! more there are (`-o json` has them all).

use std::io::{self, Write};

use comfy_table::{Cell, Table};

use super::{Style, first_few, lines, new_table};
use crate::model::consts::READINESS_GATE;
use crate::sync::SyncOutcome;
use crate::sync::apply::WriteAction;
use crate::sync::model::{Why, addr};
use crate::sync::plan::{BindingPlan, DeregisterReason, LeaveReason, SyncPlan};

/// Rows shown per action and listener; the JSON output always has all of them.
pub const MAX_ROWS: usize = 10;

fn deregister_reason(r: DeregisterReason) -> &'static str {
    match r {
        DeregisterReason::NotAnEndpoint => "belongs to no pod of the Service",
        DeregisterReason::PortChanged => "address reused / port changed",
        DeregisterReason::NonEni => "not an ENI target (--prune-non-eni)",
    }
}

fn leave_reason(r: LeaveReason) -> &'static str {
    match r {
        LeaveReason::NonEni => "left alone: not an ENI target",
        LeaveReason::Draining => "left alone: draining",
        LeaveReason::PodNotOnEni => "left alone: pod not on an ENI",
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

/// Text that wraps at the terminal's width like the tables do (unwrapped when not a terminal).
fn paragraph(style: &Style, text: &str) -> String {
    if style.width.is_none() {
        return text.to_string();
    }
    let mut t = new_table(style);
    t.add_row(vec![Cell::new(text)]);
    for c in t.column_iter_mut() {
        c.set_padding((0, 0));
    }
    lines(&t)
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

/// The plan as a table, then one line per total and the notes that matter.
pub fn plan<W: Write>(w: &mut W, o: &SyncOutcome, style: &Style) -> io::Result<()> {
    let head = format!(
        "{}/{} -n {} → CLB {} ({}), region {}",
        o.target.kind.short(),
        o.target.name,
        o.target.namespace,
        o.lb.load_balancer_id,
        o.lb_source,
        o.region
    );
    writeln!(w, "{}\n", paragraph(style, &head))?;
    let plan = &o.plan;
    let mut table = new_table(style);
    table.set_header(vec![
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
            let note = format!("{} ({})", leave_reason(l.reason), l.detail);
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
    writeln!(w, "{}\n", lines(&table))?;

    let keep: usize = plan.bindings.iter().map(|b| b.keep.len()).sum();
    let leave: usize = plan.bindings.iter().map(|b| b.leave.len()).sum();
    let mut notes = vec![format!(
        "Plan: {} to register, {} to deregister, {keep} unchanged, {leave} left alone.",
        plan.register_count(),
        plan.deregister_count()
    )];
    let skipped = plan.skipped();
    for (not_eni, what) in [
        (true, "not on an ENI were not registered as ENI targets"),
        (
            false,
            "were not registered: no address of the family the listener takes",
        ),
    ] {
        let who: Vec<String> = skipped
            .iter()
            .filter(|s| s.reason.is_not_eni() == not_eni)
            .map(|s| format!("{} ({})", s.pod, s.reason.describe()))
            .collect();
        if !who.is_empty() {
            notes.push(format!(
                "{} pod(s) {what}: {}.",
                who.len(),
                first_few(&who, 3)
            ));
        }
    }
    let gate = plan.gate_waiting();
    if gate > 0 {
        notes.push(format!(
            "{gate} of the targets to register belong to pods whose containers are ready and that wait only on \
             TKE's readiness gate ({READINESS_GATE}): binding them is what lets the gate turn True."
        ));
    }
    for b in plan.bindings.iter().filter(|b| b.guard.is_some()) {
        let guard = b.guard.expect("filtered").describe();
        notes.push(if b.forced {
            format!(
                "Guard overridden with --force: {} {guard}.",
                binding_label(b)
            )
        } else {
            format!(
                "Blocked: {} {guard}; --apply refuses without --force.",
                binding_label(b)
            )
        });
    }
    for n in notes {
        writeln!(w, "{}", paragraph(style, &n))?;
    }
    Ok(())
}

fn verified_table(v: &SyncPlan, style: &Style) -> String {
    let mut table = new_table(style);
    table.set_header(vec!["LISTENER", "ACTION", "TARGET"]);
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
        let hidden =
            b.register.len().saturating_sub(MAX_ROWS) + b.deregister.len().saturating_sub(MAX_ROWS);
        if hidden > 0 {
            push("", format!("… and {hidden} more (see -o json)"));
        }
    }
    lines(&table)
}

/// What --apply did and what the re-read found.
pub fn result<W: Write>(w: &mut W, o: &SyncOutcome, style: &Style) -> io::Result<()> {
    let Some(apply) = &o.apply else {
        return Ok(());
    };
    let mut out = Vec::new();
    let count = |a: WriteAction| apply.calls.iter().filter(|c| c.action == a).count();
    if apply.calls.is_empty() {
        out.push("Nothing was sent.".to_string());
    } else {
        out.push(format!(
        "Applied: {} registered, {} deregistered in {} call(s) (BatchRegisterTargets ×{}, BatchDeregisterTargets ×{}).",
        apply.registered,
        apply.deregistered,
        apply.calls.len(),
        count(WriteAction::Register),
        count(WriteAction::Deregister)
        ));
    }
    if !apply.failed_listeners.is_empty() {
        // The CLB's own words (`Message`), each once.
        let mut reasons: Vec<&str> = Vec::new();
        for c in apply
            .calls
            .iter()
            .filter(|c| !c.failed_listeners.is_empty())
        {
            if let Some(m) = c.message.as_deref()
                && !reasons.contains(&m)
            {
                reasons.push(m);
            }
        }
        let why = if reasons.is_empty() {
            String::new()
        } else {
            format!(": the CLB says \"{}\"", reasons.join("\"; \""))
        };
        out.push(format!(
            "Failed on listener(s) {} (FailListenerIdSet){why}; their old targets were kept ({} deregistration(s) skipped).",
            apply.failed_listeners.iter().cloned().collect::<Vec<_>>().join(", "),
            apply.skipped
        ));
    }
    if let Some(e) = &apply.error {
        out.push(format!(
            "Stopped by an error, {} target change(s) not sent: {e}",
            apply.not_sent
        ));
    }
    for line in out {
        writeln!(w, "{}", paragraph(style, &line))?;
    }
    match &o.verified {
        Some(v) if !v.has_changes() => writeln!(w, "Verified with DescribeTargets: in sync.")?,
        Some(v) => {
            let line = format!(
                "Verified with DescribeTargets: still {} to register and {} to deregister:",
                v.register_count(),
                v.deregister_count()
            );
            writeln!(w, "{}", paragraph(style, &line))?;
            writeln!(w, "{}", verified_table(v, style))?;
        }
        None if apply.calls.is_empty() => {}
        None => writeln!(w, "Not verified: the targets could not be re-read.")?,
    }
    writeln!(w, "Result: {}.", o.status.as_str())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sync::json::tests::applied_outcome;
    use crate::sync::model::Binding;
    use crate::sync::plan::tests::{eni, input, want};
    use crate::sync::plan::{PlanOptions, plan as make_plan};

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn blocked_outcome() -> SyncOutcome {
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
        let mut o = applied_outcome();
        o.plan = make_plan(
            &[input(
                "lbl-1",
                vec![want("10.0.0.1", 8080, "web-1"), waiting],
            )],
            &actual,
            &PlanOptions::default(),
        );
        o.apply = None;
        o.verified = None;
        o
    }

    #[test]
    fn plan_table() {
        let o = blocked_outcome();
        insta::assert_snapshot!(text(|w| plan(w, &o, &Style::default())));
    }

    #[test]
    fn long_lists_show_the_first_few_and_lines_fit_the_terminal() {
        let mut o = blocked_outcome();
        let wanted: Vec<_> = (1..=40)
            .map(|i| want(&format!("10.0.1.{i}"), 8080, &format!("web-{i}")))
            .collect();
        o.plan = make_plan(
            &[input("lbl-1", wanted)],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        for width in [80u16, 160] {
            let style = Style {
                color: false,
                width: Some(width),
            };
            let out = text(|w| plan(w, &o, &style));
            assert!(out.contains("… and 30 more"), "{out}");
            assert!(!out.contains("10.0.1.40:8080"), "{out}");
            let long: Vec<&str> = out
                .lines()
                .filter(|l| l.chars().count() > usize::from(width))
                .collect();
            assert!(long.is_empty(), "wider than {width}: {long:#?}");
            let out = text(|w| result(w, &applied_outcome(), &style));
            assert!(
                out.lines().all(|l| l.chars().count() <= usize::from(width)),
                "{out}"
            );
        }
    }

    #[test]
    fn result_lines() {
        let out = text(|w| result(w, &applied_outcome(), &Style::default()));
        assert_eq!(
            out,
            "Applied: 1 registered, 0 deregistered in 1 call(s) (BatchRegisterTargets ×1, BatchDeregisterTargets ×0).\n\
             Verified with DescribeTargets: in sync.\nResult: applied.\n"
        );
    }
}
