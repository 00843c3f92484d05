//! Asynchronous writes. A CLB write may answer before it is done: `RegisterTargets` always works as a
//! task, and `BatchRegisterTargets` / `BatchDeregisterTargets` may (the documentation is silent and TKE's
//! own controller changed its mind; domain notes §5.6). The task's id is the write's `RequestId`;
//! `DescribeTaskStatus` says whether it is running (2), succeeded (0) or failed (1). A sync waits for each
//! write's task to end before the next write and before verifying, and remembers the tasks it started in a
//! [`TaskLedger`] so that a rerun while one is still running does not send the same batch again.

use std::time::{Duration, Instant};

use crate::cloud::{Clb, CloudError};

/// A task a sync started and has not seen end.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingTask {
    pub region: String,
    pub load_balancer_id: String,
    /// The `RequestId` of the write.
    pub task_id: String,
    /// `BatchRegisterTargets`, `BatchDeregisterTargets`.
    pub action: String,
    pub targets: usize,
    /// When it was started (Unix seconds).
    pub started: i64,
}

/// Where a sync remembers the tasks it started, between runs. The app keeps it in a file; tests in memory.
pub trait TaskLedger {
    /// Tasks started on this CLB and not yet seen to end.
    fn pending(&self, region: &str, load_balancer_id: &str) -> Vec<PendingTask>;
    fn record(&mut self, task: PendingTask);
    fn forget(&mut self, task_id: &str);
}

/// A ledger that lives as long as the run (nothing is remembered between runs).
#[derive(Debug, Default)]
pub struct MemoryLedger {
    pub tasks: Vec<PendingTask>,
}

impl TaskLedger for MemoryLedger {
    fn pending(&self, region: &str, lb: &str) -> Vec<PendingTask> {
        self.tasks
            .iter()
            .filter(|t| t.region == region && t.load_balancer_id == lb)
            .cloned()
            .collect()
    }

    fn record(&mut self, task: PendingTask) {
        self.tasks.retain(|t| t.task_id != task.task_id);
        self.tasks.push(task);
    }

    fn forget(&mut self, task_id: &str) {
        self.tasks.retain(|t| t.task_id != task_id);
    }
}

/// How a task ended, as far as the sync could tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskEnd {
    Succeeded,
    /// `Status` 1, with the CLB's message.
    Failed(String),
    /// The write was not a task (`DescribeTaskStatus` knows no such id): it was done when it answered.
    NoTask,
    /// Still running when the wait ran out.
    StillRunning,
    /// `DescribeTaskStatus` could not be asked (no permission, no answer): the verification decides.
    Unknown(String),
}

impl TaskEnd {
    /// `succeeded`, `failed`, `none`, `running`, `unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            TaskEnd::Succeeded => "succeeded",
            TaskEnd::Failed(_) => "failed",
            TaskEnd::NoTask => "none",
            TaskEnd::StillRunning => "running",
            TaskEnd::Unknown(_) => "unknown",
        }
    }
}

/// Whether an error of `DescribeTaskStatus` means "no such task" (the write was synchronous). UNCERTAIN:
/// the documentation does not say what it answers for a synchronous call's RequestId; an invalid-parameter
/// or not-found answer is taken to mean that.
fn no_such_task(e: &CloudError) -> bool {
    e.code()
        .is_some_and(|c| c.starts_with("InvalidParameter") || c.starts_with("ResourceNotFound"))
}

/// The pause before the `n`th poll (0-based): 0.2 s, 0.4 s, 0.8 s, 1.6 s, then every 2 s.
pub fn poll_delay(n: u32) -> Duration {
    Duration::from_millis(200u64.saturating_mul(1 << n.min(4))).min(Duration::from_secs(2))
}

/// Poll `DescribeTaskStatus` until the task ends or `wait` is over (polling at least once).
pub async fn wait_for<C: Clb>(clb: &C, task_id: &str, wait: Duration) -> TaskEnd {
    let started = Instant::now();
    let mut n = 0;
    loop {
        match clb.describe_task_status(task_id).await {
            Ok(s) => match s.status {
                Some(0) => return TaskEnd::Succeeded,
                Some(1) => {
                    return TaskEnd::Failed(
                        s.message
                            .filter(|m| !m.is_empty())
                            .unwrap_or_else(|| "the CLB's task failed".into()),
                    );
                }
                _ => {}
            },
            Err(e) if no_such_task(&e) => return TaskEnd::NoTask,
            Err(e) => return TaskEnd::Unknown(e.to_string()),
        }
        let delay = poll_delay(n);
        n += 1;
        if started.elapsed() + delay > wait {
            return TaskEnd::StillRunning;
        }
        tokio::time::sleep(delay).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::testing::{MemClb, block_on};

    #[test]
    fn polls_back_off_and_stay_bounded() {
        let d: Vec<u64> = (0..7).map(|n| poll_delay(n).as_millis() as u64).collect();
        assert_eq!(d, [200, 400, 800, 1600, 2000, 2000, 2000]);
    }

    #[test]
    fn tasks_end_fail_run_on_or_are_none() {
        let clb = MemClb::new("lb-1");
        clb.async_tasks(2);
        let outcome =
            block_on(crate::cloud::Clb::batch_register_targets(&clb, "lb-1", &[])).unwrap();
        // Running for two polls (0.2 s + 0.4 s), then done.
        assert_eq!(
            block_on(wait_for(&clb, &outcome.request_id, Duration::from_secs(5))),
            TaskEnd::Succeeded
        );
        let outcome =
            block_on(crate::cloud::Clb::batch_register_targets(&clb, "lb-1", &[])).unwrap();
        assert_eq!(
            block_on(wait_for(&clb, &outcome.request_id, Duration::ZERO)),
            TaskEnd::StillRunning,
            "polled once, not waited for"
        );
        clb.fail_tasks("ENI eni-1 is not in the CLB's VPC");
        let outcome =
            block_on(crate::cloud::Clb::batch_register_targets(&clb, "lb-1", &[])).unwrap();
        assert_eq!(
            block_on(wait_for(&clb, &outcome.request_id, Duration::from_secs(5))),
            TaskEnd::Failed("ENI eni-1 is not in the CLB's VPC".into())
        );
        assert_eq!(
            block_on(wait_for(&clb, "req-not-a-task", Duration::from_secs(5))),
            TaskEnd::NoTask
        );
    }

    #[test]
    fn the_memory_ledger() {
        let mut l = MemoryLedger::default();
        let task = |id: &str, lb: &str| PendingTask {
            region: "ap-guangzhou".into(),
            load_balancer_id: lb.into(),
            task_id: id.into(),
            action: "BatchRegisterTargets".into(),
            targets: 3,
            started: 0,
        };
        l.record(task("t-1", "lb-1"));
        l.record(task("t-2", "lb-2"));
        assert_eq!(l.pending("ap-guangzhou", "lb-1"), [task("t-1", "lb-1")]);
        assert!(l.pending("ap-shanghai", "lb-1").is_empty());
        l.forget("t-1");
        assert!(l.pending("ap-guangzhou", "lb-1").is_empty());
    }
}
