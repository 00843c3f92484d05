//! How a sync ended: the plan, what was applied, what the re-read found, and the exit code that follows.

use super::apply::ApplyResult;
use super::cluster_read::SyncTarget;
use super::plan::{SyncPlan, TargetQuota};
use super::resolve::LbSource;
use crate::cloud::LoadBalancer;
use crate::exit::Exit;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncStatus {
    /// Nothing to change.
    InSync,
    /// Plan only (or declined at the prompt): changes would be made by --apply.
    ChangesPending,
    /// A safety guard trips; --apply refuses without --force.
    Blocked,
    /// --apply changed the CLB and the re-read shows it in sync.
    Applied,
    /// --apply changed part of the plan.
    Partial,
    /// --apply changed nothing and failed, or was refused.
    Failed,
    /// --apply re-read the endpoints and targets right before the first write and found a different plan:
    /// nothing was written; the outcome holds the new plan.
    PlanChanged,
}

impl SyncStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncStatus::InSync => "in-sync",
            SyncStatus::ChangesPending => "changes-pending",
            SyncStatus::Blocked => "blocked",
            SyncStatus::Applied => "applied",
            SyncStatus::Partial => "partial",
            SyncStatus::Failed => "failed",
            SyncStatus::PlanChanged => "plan-changed",
        }
    }

    /// Exit code, per src/exit.rs: plan-only with changes (or blocked) is 1; a refused or failed --apply
    /// that wrote nothing is 2; a partial --apply is 3.
    pub fn exit(self, applying: bool) -> Exit {
        match self {
            SyncStatus::InSync | SyncStatus::Applied => Exit::Ok,
            SyncStatus::ChangesPending => Exit::Changes,
            SyncStatus::Blocked if applying => Exit::Error,
            SyncStatus::Blocked => Exit::Changes,
            SyncStatus::Partial => Exit::Partial,
            SyncStatus::Failed | SyncStatus::PlanChanged => Exit::Error,
        }
    }
}

/// Status of a plan when not applying.
pub fn plan_status(plan: &SyncPlan) -> SyncStatus {
    if plan.blocked().next().is_some() {
        SyncStatus::Blocked
    } else if plan.has_changes() {
        SyncStatus::ChangesPending
    } else {
        SyncStatus::InSync
    }
}

/// Status after --apply: verified in sync and every call clean → applied; something written → partial;
/// nothing written → failed.
pub fn apply_status(apply: &ApplyResult, verified: Option<&SyncPlan>) -> SyncStatus {
    let in_sync = verified.is_some_and(|v| !v.has_changes());
    if apply.clean() && in_sync {
        SyncStatus::Applied
    } else if apply.wrote_anything() {
        SyncStatus::Partial
    } else {
        SyncStatus::Failed
    }
}

/// Everything a sync found and did, for the renderers and the exit code.
#[derive(Debug, Clone)]
pub struct SyncOutcome {
    pub target: SyncTarget,
    pub region: String,
    pub lb: LoadBalancer,
    pub lb_source: LbSource,
    /// `EndpointSlice` or `Endpoints`.
    pub endpoints_api: &'static str,
    pub warnings: Vec<String>,
    pub plan: SyncPlan,
    /// Targets one listener or rule holds, and where that came from.
    pub quota: TargetQuota,
    pub status: SyncStatus,
    /// --apply was given.
    pub applying: bool,
    /// The person at the terminal said no.
    pub declined: bool,
    /// What --apply sent (None when nothing was sent: plan only, in sync, blocked, declined).
    pub apply: Option<ApplyResult>,
    /// The plan computed from the targets re-read after applying.
    pub verified: Option<SyncPlan>,
}

impl SyncOutcome {
    pub fn exit(&self) -> Exit {
        self.status.exit(self.applying)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::sync::model::Binding;
    use crate::sync::plan::tests::{eni, input, want};
    use crate::sync::plan::{PlanOptions, plan};

    #[test]
    fn statuses_and_exit_codes() {
        let empty = SyncPlan::default();
        assert_eq!(plan_status(&empty), SyncStatus::InSync);
        let pending = plan(
            &[input("lbl-1", vec![want("10.0.0.1", 80, "a")])],
            &BTreeMap::new(),
            &PlanOptions::default(),
        );
        assert_eq!(plan_status(&pending), SyncStatus::ChangesPending);
        let actual = BTreeMap::from([(
            Binding {
                listener_id: "lbl-1".into(),
                location_id: None,
            },
            vec![eni("10.0.0.9", 80, 10)],
        )]);
        let blocked = plan(&[input("lbl-1", vec![])], &actual, &PlanOptions::default());
        assert_eq!(plan_status(&blocked), SyncStatus::Blocked);
        assert_eq!(SyncStatus::Blocked.exit(false), Exit::Changes);
        assert_eq!(SyncStatus::Blocked.exit(true), Exit::Error);
        assert_eq!(SyncStatus::ChangesPending.exit(false), Exit::Changes);
        assert_eq!(SyncStatus::InSync.exit(false), Exit::Ok);

        let clean = ApplyResult {
            registered: 1,
            ..Default::default()
        };
        assert_eq!(apply_status(&clean, Some(&empty)), SyncStatus::Applied);
        assert_eq!(apply_status(&clean, Some(&pending)), SyncStatus::Partial);
        let mut failed = clean.clone();
        failed.failed_listeners.insert("lbl-2".into());
        assert_eq!(apply_status(&failed, Some(&empty)), SyncStatus::Partial);
        let nothing = ApplyResult {
            error: Some("AuthFailure".into()),
            ..Default::default()
        };
        assert_eq!(apply_status(&nothing, Some(&pending)), SyncStatus::Failed);
        assert_eq!(SyncStatus::Partial.exit(true), Exit::Partial);
        assert_eq!(SyncStatus::Failed.exit(true), Exit::Error);
        assert_eq!(SyncStatus::Applied.exit(true), Exit::Ok);
        assert_eq!(SyncStatus::PlanChanged.exit(true), Exit::Error);
    }
}
