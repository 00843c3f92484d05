//! Carry out a plan through the CLB trait: every registration first, then the deregistrations, in calls of
//! at most 500 targets, one call at a time (writes to one CLB are serialised). Registering first means a
//! listener never loses its old targets before the new ones are in. A listener whose registration failed
//! keeps its old targets: its deregistrations are skipped.
//!
//! A write that answers with a task ([`super::tasks`]) is waited for (`DescribeTaskStatus`, bounded,
//! with backoff) before the next write: a failed task fails its listeners; a task still running when the
//! wait is over stops the writes (it is remembered in the ledger, so a rerun does not send it again).

use std::collections::BTreeSet;
use std::time::Duration;

use super::batch::{calls, deregister_targets, register_targets};
use super::plan::SyncPlan;
use super::tasks::{PendingTask, TaskEnd, TaskLedger, wait_for};
use crate::cloud::{BatchTarget, Clb};

/// What a write needs besides the CLB: where to remember tasks, how long to wait for them, where to say
/// what happens.
pub struct Writer<'a> {
    pub region: &'a str,
    pub ledger: &'a mut dyn TaskLedger,
    /// How long to wait for each write's task to end.
    pub task_wait: Duration,
    /// One line per call.
    pub progress: &'a mut dyn FnMut(&str),
}

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
    /// How its task ended: `succeeded`, `failed`, `none` (not a task), `running`, `unknown`.
    pub task: Option<&'static str>,
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
    /// Tasks still running when the run stopped waiting (their ids).
    pub pending_tasks: Vec<String>,
}

impl ApplyResult {
    pub fn wrote_anything(&self) -> bool {
        self.registered + self.deregistered > 0
    }

    pub fn clean(&self) -> bool {
        self.error.is_none() && self.failed_listeners.is_empty() && self.skipped == 0
    }
}

/// Apply `plan` to CLB `lb`.
pub async fn apply<C: Clb>(clb: &C, lb: &str, plan: &SyncPlan, w: &mut Writer<'_>) -> ApplyResult {
    let mut report = ApplyResult::default();
    let register = register_targets(plan);
    let register_failed = run(clb, lb, WriteAction::Register, &register, &mut report, w).await;
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
        w,
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
    w: &mut Writer<'_>,
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
                let task = settle(clb, lb, action, batch.len(), &outcome.request_id, w).await;
                let mut failed_here: BTreeSet<String> =
                    outcome.fail_listener_id_set.iter().cloned().collect();
                let mut message = outcome.message.filter(|m| !m.is_empty());
                if let TaskEnd::Failed(why) = &task {
                    // The whole task failed: none of its listeners changed.
                    failed_here.extend(batch.iter().map(|t| t.listener_id.clone()));
                    message = Some(why.clone());
                }
                let done = batch
                    .iter()
                    .filter(|t| !failed_here.contains(&t.listener_id))
                    .count();
                match action {
                    WriteAction::Register => report.registered += done,
                    WriteAction::Deregister => report.deregistered += done,
                }
                let shown: BTreeSet<&str> = failed_here.iter().map(String::as_str).collect();
                (w.progress)(&format!(
                    "{} {}/{}: {} targets{}{}",
                    action.api_name(),
                    i + 1,
                    total,
                    batch.len(),
                    if shown.is_empty() {
                        String::new()
                    } else {
                        format!(", failed on {}", join(&shown))
                    },
                    match &task {
                        TaskEnd::NoTask => String::new(),
                        t => format!(" (task {})", t.as_str()),
                    }
                ));
                failed.extend(failed_here.iter().cloned());
                report.failed_listeners.extend(failed_here.iter().cloned());
                report.calls.push(WriteCall {
                    action,
                    targets: batch.len(),
                    failed_listeners: failed_here.into_iter().collect(),
                    message,
                    request_id: outcome.request_id.clone(),
                    error: None,
                    task: Some(task.as_str()),
                });
                if task == TaskEnd::StillRunning {
                    let rest: usize = batches[i + 1..].iter().map(|b| b.len()).sum();
                    report.not_sent += rest;
                    report.pending_tasks.push(outcome.request_id.clone());
                    report.error = Some(format!(
                        "the CLB's task {} ({}) was still running after {} s; nothing more was sent. \
                         Run sync again once it has ended (it will wait for it, not send it again)",
                        outcome.request_id,
                        action.api_name(),
                        w.task_wait.as_secs_f64()
                    ));
                    break;
                }
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
                    task: None,
                });
                break;
            }
        }
    }
    failed
}

/// Wait for the task a write started, remembering it in the ledger while it runs.
async fn settle<C: Clb>(
    clb: &C,
    lb: &str,
    action: WriteAction,
    targets: usize,
    request_id: &str,
    w: &mut Writer<'_>,
) -> TaskEnd {
    if request_id.is_empty() {
        return TaskEnd::NoTask;
    }
    w.ledger.record(PendingTask {
        region: w.region.to_string(),
        load_balancer_id: lb.to_string(),
        task_id: request_id.to_string(),
        action: action.api_name().to_string(),
        targets,
        started: jiff::Timestamp::now().as_second(),
    });
    let end = wait_for(clb, request_id, w.task_wait).await;
    if end != TaskEnd::StillRunning {
        w.ledger.forget(request_id);
    }
    end
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
    use crate::sync::tasks::MemoryLedger;
    use crate::sync::testing::{MemClb, block_on};

    fn go(clb: &MemClb, p: &SyncPlan) -> ApplyResult {
        let mut ledger = MemoryLedger::default();
        let r = block_on(apply(
            clb,
            "lb-1",
            p,
            &mut Writer {
                region: "ap-guangzhou",
                ledger: &mut ledger,
                task_wait: Duration::from_secs(5),
                progress: &mut |_| {},
            },
        ));
        assert!(
            ledger.tasks.is_empty(),
            "every task ended: {:?}",
            ledger.tasks
        );
        r
    }

    /// The write calls, without the task polls.
    fn writes(clb: &MemClb) -> Vec<String> {
        clb.calls()
            .into_iter()
            .filter(|c| c.starts_with("Batch"))
            .collect()
    }

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
        let report = go(&clb, &p);
        assert!(report.clean(), "{report:?}");
        assert_eq!((report.registered, report.deregistered), (600, 1));
        assert_eq!(
            writes(&clb),
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
        let report = go(&clb, &p);
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
            writes(&clb),
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
        let report = go(&clb, &p);
        assert!(report.error.as_deref().unwrap().contains("InternalError"));
        assert_eq!((report.registered, report.not_sent), (0, 1));
        assert!(!report.wrote_anything());
    }

    #[test]
    fn async_tasks_are_waited_for_and_a_running_one_stops_the_writes() {
        let clb = MemClb::new("lb-1");
        clb.bind(
            &binding("lbl-1"),
            vec![
                eni("10.9.0.1", 80, 10),
                eni("10.0.0.2", 80, 10),
                eni("10.0.0.3", 80, 10),
            ],
        );
        clb.async_tasks(1);
        let wanted = vec![
            want("10.0.0.1", 80, "a"),
            want("10.0.0.2", 80, "b"),
            want("10.0.0.3", 80, "c"),
        ];
        let p = plan(
            &[input("lbl-1", wanted.clone())],
            &clb.actual(),
            &no_quota(),
        );
        // Each write's task runs for one poll: the deregistration waits for the registration to end.
        let r = go(&clb, &p);
        assert!(r.clean(), "{r:?}");
        assert_eq!(
            clb.calls(),
            [
                "BatchRegisterTargets:1",
                "DescribeTaskStatus",
                "DescribeTaskStatus",
                "BatchDeregisterTargets:1",
                "DescribeTaskStatus",
                "DescribeTaskStatus"
            ]
        );
        assert_eq!(r.calls[0].task, Some("succeeded"));
        assert_eq!(clb.actual()[&binding("lbl-1")].len(), 3);

        // A task still running when the wait is over: nothing more is sent, and it stays in the ledger.
        let clb = MemClb::new("lb-1");
        clb.bind(
            &binding("lbl-1"),
            vec![
                eni("10.9.0.1", 80, 10),
                eni("10.0.0.2", 80, 10),
                eni("10.0.0.3", 80, 10),
            ],
        );
        clb.async_tasks(100);
        let p = plan(&[input("lbl-1", wanted)], &clb.actual(), &no_quota());
        let mut ledger = MemoryLedger::default();
        let r = block_on(apply(
            &clb,
            "lb-1",
            &p,
            &mut Writer {
                region: "ap-guangzhou",
                ledger: &mut ledger,
                task_wait: Duration::from_millis(300),
                progress: &mut |_| {},
            },
        ));
        assert_eq!(writes(&clb), ["BatchRegisterTargets:1"]);
        assert_eq!((r.registered, r.not_sent), (1, 1));
        assert!(
            r.error.as_deref().unwrap().contains("still running"),
            "{r:?}"
        );
        assert_eq!(r.pending_tasks, ["mem-1"]);
        assert_eq!(ledger.pending("ap-guangzhou", "lb-1")[0].task_id, "mem-1");
    }

    #[test]
    fn a_failed_task_fails_its_listeners() {
        let clb = MemClb::new("lb-1");
        clb.bind(
            &binding("lbl-1"),
            vec![eni("10.9.0.1", 80, 10), eni("10.0.0.2", 80, 10)],
        );
        clb.async_tasks(0);
        clb.fail_tasks("InvalidParameter: ENI 10.0.0.1 is not in vpc-1");
        let p = plan(
            &[input(
                "lbl-1",
                vec![want("10.0.0.1", 80, "a"), want("10.0.0.2", 80, "b")],
            )],
            &clb.actual(),
            &no_quota(),
        );
        let r = go(&clb, &p);
        assert_eq!((r.registered, r.deregistered, r.skipped), (0, 0, 1));
        assert_eq!(r.calls[0].task, Some("failed"));
        assert_eq!(
            r.calls[0].message.as_deref(),
            Some("InvalidParameter: ENI 10.0.0.1 is not in vpc-1")
        );
        assert!(r.failed_listeners.contains("lbl-1"));
        assert_eq!(writes(&clb), ["BatchRegisterTargets:1"]);
    }

    #[test]
    fn blocked_bindings_are_not_touched() {
        let clb = MemClb::new("lb-1");
        clb.bind(&binding("lbl-1"), vec![eni("10.9.0.1", 80, 10)]);
        let p = plan(&[input("lbl-1", vec![])], &clb.actual(), &no_quota());
        assert!(p.bindings[0].blocked());
        let report = go(&clb, &p);
        assert!(clb.calls().is_empty());
        assert!(!report.wrote_anything());
    }
}
