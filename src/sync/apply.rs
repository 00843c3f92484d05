//! Carry out a plan through the CLB trait: every registration first, then the deregistrations, in calls of
//! at most 500 targets, one call at a time (writes to one CLB are serialised). Registering first means a
//! listener never loses its old targets before the new ones are in. A listener whose registration failed
//! keeps its old targets: its deregistrations are skipped.

use std::collections::BTreeSet;

use super::batch::{calls, deregister_targets, register_targets};
use super::plan::SyncPlan;
use crate::cloud::{BatchTarget, Clb};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteAction {
    Register,
    Deregister,
}

impl WriteAction {
    pub fn api_name(self) -> &'static str {
        match self {
            WriteAction::Register => "BatchRegisterTargets",
            WriteAction::Deregister => "BatchDeregisterTargets",
        }
    }
}

/// One write call and what came of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteCall {
    pub action: WriteAction,
    pub targets: usize,
    /// `FailListenerIdSet`.
    pub failed_listeners: Vec<String>,
    pub message: Option<String>,
    pub request_id: String,
    /// The call failed as a whole (after retries); nothing after it was sent.
    pub error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyResult {
    pub calls: Vec<WriteCall>,
    /// Targets in calls that succeeded, on listeners that did not fail.
    pub registered: usize,
    pub deregistered: usize,
    /// Listeners the API reported as failed, by either action.
    pub failed_listeners: BTreeSet<String>,
    /// Deregistrations skipped because their listener's registration failed.
    pub skipped: usize,
    /// Targets never sent because a call failed outright.
    pub not_sent: usize,
    /// The error that stopped the run.
    pub error: Option<String>,
}

impl ApplyResult {
    pub fn wrote_anything(&self) -> bool {
        self.registered + self.deregistered > 0
    }

    pub fn clean(&self) -> bool {
        self.error.is_none() && self.failed_listeners.is_empty() && self.skipped == 0
    }
}

/// Apply `plan` to CLB `lb`. `progress` receives one line per call.
pub async fn apply<C: Clb>(
    clb: &C,
    lb: &str,
    plan: &SyncPlan,
    progress: &mut dyn FnMut(&str),
) -> ApplyResult {
    let mut report = ApplyResult::default();
    let register = register_targets(plan);
    let register_failed = run(
        clb,
        lb,
        WriteAction::Register,
        &register,
        &mut report,
        progress,
    )
    .await;
    if report.error.is_some() {
        report.not_sent += deregister_targets(plan, &BTreeSet::new()).len();
        return report;
    }
    let all_dereg = deregister_targets(plan, &BTreeSet::new()).len();
    let deregister = deregister_targets(plan, &register_failed);
    report.skipped = all_dereg - deregister.len();
    run(
        clb,
        lb,
        WriteAction::Deregister,
        &deregister,
        &mut report,
        progress,
    )
    .await;
    report
}

/// Send `targets` for `action`; returns the listeners that failed.
async fn run<C: Clb>(
    clb: &C,
    lb: &str,
    action: WriteAction,
    targets: &[BatchTarget],
    report: &mut ApplyResult,
    progress: &mut dyn FnMut(&str),
) -> BTreeSet<String> {
    let mut failed = BTreeSet::new();
    let batches = calls(targets);
    let total = batches.len();
    for (i, batch) in batches.iter().enumerate() {
        let result = match action {
            WriteAction::Register => clb.batch_register_targets(lb, batch).await,
            WriteAction::Deregister => clb.batch_deregister_targets(lb, batch).await,
        };
        match result {
            Ok(outcome) => {
                let fails: BTreeSet<&str> = outcome
                    .fail_listener_id_set
                    .iter()
                    .map(String::as_str)
                    .collect();
                let done = batch
                    .iter()
                    .filter(|t| !fails.contains(t.listener_id.as_str()))
                    .count();
                match action {
                    WriteAction::Register => report.registered += done,
                    WriteAction::Deregister => report.deregistered += done,
                }
                progress(&format!(
                    "{} {}/{}: {} targets{}",
                    action.api_name(),
                    i + 1,
                    total,
                    batch.len(),
                    if fails.is_empty() {
                        String::new()
                    } else {
                        format!(", failed on {}", join(&fails))
                    }
                ));
                failed.extend(outcome.fail_listener_id_set.iter().cloned());
                report
                    .failed_listeners
                    .extend(outcome.fail_listener_id_set.iter().cloned());
                report.calls.push(WriteCall {
                    action,
                    targets: batch.len(),
                    failed_listeners: outcome.fail_listener_id_set,
                    message: outcome.message.filter(|m| !m.is_empty()),
                    request_id: outcome.request_id,
                    error: None,
                });
            }
            Err(e) => {
                let rest: usize = batches[i..].iter().map(|b| b.len()).sum();
                report.not_sent += rest;
                report.error = Some(e.to_string());
                report.calls.push(WriteCall {
                    action,
                    targets: batch.len(),
                    failed_listeners: Vec::new(),
                    message: None,
                    request_id: String::new(),
                    error: Some(e.to_string()),
                });
                break;
            }
        }
    }
    failed
}

fn join(set: &BTreeSet<&str>) -> String {
    set.iter().copied().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sync::model::Binding;
    use crate::sync::plan::plan;
    use crate::sync::plan::tests::{eni, input, no_quota, want};
    use crate::sync::testing::{MemClb, block_on};

    fn binding(l: &str) -> Binding {
        Binding {
            listener_id: l.into(),
            location_id: None,
        }
    }

    #[test]
    fn registers_first_then_deregisters_in_batches() {
        let clb = MemClb::new("lb-1");
        // One stale target and one that stays (removing 1 of 2 is not more than half).
        clb.bind(
            &binding("lbl-1"),
            vec![eni("10.9.0.1", 80, 10), eni("10.0.0.0", 80, 10)],
        );
        let wanted: Vec<_> = (0..=600)
            .map(|i| want(&format!("10.0.{}.{}", i / 200, i % 200), 80, "p"))
            .collect();
        let p = plan(&[input("lbl-1", wanted)], &clb.actual(), &no_quota());
        let report = block_on(apply(&clb, "lb-1", &p, &mut |_| {}));
        assert!(report.clean(), "{report:?}");
        assert_eq!((report.registered, report.deregistered), (600, 1));
        assert_eq!(
            clb.calls(),
            [
                "BatchRegisterTargets:500",
                "BatchRegisterTargets:100",
                "BatchDeregisterTargets:1"
            ]
        );
        assert_eq!(clb.actual()[&binding("lbl-1")].len(), 601);
        // Applying the same plan computed again finds nothing to do.
        let again = plan(
            &[input(
                "lbl-1",
                (0..=600)
                    .map(|i| want(&format!("10.0.{}.{}", i / 200, i % 200), 80, "p"))
                    .collect(),
            )],
            &clb.actual(),
            &no_quota(),
        );
        assert!(!again.has_changes());
    }

    #[test]
    fn failed_listener_keeps_its_old_targets() {
        let clb = MemClb::new("lb-1");
        clb.bind(
            &binding("lbl-1"),
            vec![eni("10.9.0.1", 80, 10), eni("10.9.0.2", 80, 10)],
        );
        clb.bind(
            &binding("lbl-2"),
            vec![eni("10.9.0.1", 81, 10), eni("10.9.0.2", 81, 10)],
        );
        clb.fail_listener("lbl-2");
        let inputs = [
            input(
                "lbl-1",
                vec![want("10.0.0.1", 80, "a"), want("10.9.0.2", 80, "b")],
            ),
            input(
                "lbl-2",
                vec![want("10.0.0.1", 81, "a"), want("10.9.0.2", 81, "b")],
            ),
        ];
        let p = plan(&inputs, &clb.actual(), &no_quota());
        let report = block_on(apply(&clb, "lb-1", &p, &mut |_| {}));
        assert_eq!(
            report.failed_listeners,
            BTreeSet::from(["lbl-2".to_string()])
        );
        assert_eq!(
            (report.registered, report.deregistered, report.skipped),
            (1, 1, 1)
        );
        assert!(report.wrote_anything() && !report.clean());
        // lbl-2 still has both old targets.
        assert_eq!(clb.actual()[&binding("lbl-2")].len(), 2);
        assert_eq!(
            clb.calls(),
            ["BatchRegisterTargets:2", "BatchDeregisterTargets:1"]
        );
    }

    #[test]
    fn a_hard_error_stops_everything_after_it() {
        let clb = MemClb::new("lb-1");
        clb.fail_next_call("InternalError");
        let p = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &BTreeMap::new(),
            &no_quota(),
        );
        let report = block_on(apply(&clb, "lb-1", &p, &mut |_| {}));
        assert!(report.error.as_deref().unwrap().contains("InternalError"));
        assert_eq!((report.registered, report.not_sent), (0, 1));
        assert!(!report.wrote_anything());
    }

    #[test]
    fn blocked_bindings_are_not_touched() {
        let clb = MemClb::new("lb-1");
        clb.bind(&binding("lbl-1"), vec![eni("10.9.0.1", 80, 10)]);
        let p = plan(&[input("lbl-1", vec![])], &clb.actual(), &no_quota());
        assert!(p.bindings[0].blocked());
        let report = block_on(apply(&clb, "lb-1", &p, &mut |_| {}));
        assert!(clb.calls().is_empty());
        assert!(!report.wrote_anything());
    }
}
