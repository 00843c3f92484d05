//! `enable` / `disable` on live objects with `-o json`: the payload of the one JSON envelope
//! (`report::envelope`: `version`, `tool`, `command`, then these fields), version 1. Frozen: fields are
//! only ever added (with a CHANGELOG entry); a rename or a change of meaning means version 2. Documented in
//! docs/usage.md. Built from the run's outcome; internal types are never serialized directly. Findings
//! have the one JSON shape of a finding, [`FindingV1`].

use serde::Serialize;
use serde_json::Value;

use crate::report::json_v1::FindingV1;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveV1 {
    pub namespace: String,
    pub cluster: LiveClusterV1,
    /// `none`, `client` or `server`.
    pub dry_run: &'static str,
    /// `applied` (sent for real), `dry-run` (sent with dryRun=All), `plan` (nothing sent: --dry-run=client,
    /// no terminal and no --yes, or the user said no), `refused` (a prerequisite failed, or a disable guard
    /// refused an object; no --force).
    pub mode: &'static str,
    pub prerequisites: PrerequisitesV1,
    pub objects: Vec<LiveObjectV1>,
    pub restarts: Vec<RestartV1>,
    /// Workloads behind the Services in scope and their pods' readiness gates.
    pub workloads: Vec<WorkloadV1>,
    /// Advice and warnings, one sentence each.
    pub notes: Vec<String>,
    pub summary: LiveSummaryV1,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveClusterV1 {
    /// `gitVersion` from /version, when readable.
    pub version: Option<String>,
    /// The network mode used for the plan: `vpc-cni`, `mixed` or `global-router`.
    pub network_mode: &'static str,
    /// `detected` or `flag` (--network-mode / TKEDIRECT_NETWORK_MODE).
    pub network_mode_source: &'static str,
    /// What the detection found: `global-router`, `vpc-cni`, `mixed`, `super-node`, `cilium-overlay`, `unknown`.
    pub detected_network_mode: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrerequisitesV1 {
    /// No error-severity finding.
    pub passed: bool,
    /// --force was given (failures were only warned about).
    pub forced: bool,
    pub findings: Vec<FindingV1>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveObjectV1 {
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// `named` (a TARGET) or `linked` (behind a named Service or Ingress).
    pub selected: &'static str,
    /// For linked objects: the TARGET (`svc/web`, `ing/shop`) and the Service in between, if any.
    pub linked_from: Option<String>,
    pub linked_via: Option<String>,
    /// `change`, `none` (already as asked), `skip` (not eligible), `kept` (disable: the workload keeps its
    /// ENI opt-in) or `refused` (disable: switching it off is refused; the run changes nothing).
    pub action: &'static str,
    /// Why nothing changes (`already enabled`, the skip reason, what a disable guard found).
    pub reason: Option<String>,
    pub notes: Vec<String>,
    /// What the change will do that needs attention (a second ENI IP per pod, a guard overridden with
    /// --force).
    pub warnings: Vec<String>,
    /// The resourceVersion read (and used as the patch precondition).
    pub resource_version: String,
    /// The patch, when action is `change`: `type` is `merge` or `strategic`; `body` is sent as is.
    pub patch: Option<PatchV1>,
    /// Unified diff of the managed fields, live before → after.
    pub diff: Option<String>,
    pub result: ResultV1,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchV1 {
    #[serde(rename = "type")]
    pub type_: &'static str,
    pub body: Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultV1 {
    /// `applied`, `dry-run`, `unchanged`, `skipped`, `failed`, `not-sent`.
    pub status: &'static str,
    /// PATCH requests sent for it (conflict retries included).
    pub attempts: u32,
    /// After `applied`: the new resourceVersion.
    pub resource_version: Option<String>,
    /// After `unchanged` / `skipped`: why; after `failed`: the error.
    pub message: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RestartV1 {
    pub api_version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
    /// The pods that lack the readiness gate.
    pub pods_without_gate: Vec<String>,
    /// The `kubectl.kubernetes.io/restartedAt` value.
    pub restarted_at: String,
    pub result: ResultV1,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadV1 {
    /// `svc/web`.
    pub service: String,
    pub kind: String,
    pub name: String,
    pub pods: usize,
    pub pods_without_gate: Vec<String>,
    /// The plan changes its pod template, so it rolls.
    pub rolls: bool,
    pub restart: bool,
    /// Its pods are being replaced already, and why (from its status); null otherwise.
    pub rolling_out: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveSummaryV1 {
    /// Objects the plan changes.
    pub changes: usize,
    pub applied: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub failed: usize,
    pub restarts: usize,
    /// The process exit code (docs/exit-codes.md).
    pub exit_code: u8,
}

// ---- building the output from the plan and the outcomes ----

use super::apply::PatchOutcome;
use super::plan::{Behind, Item, Restart, Selected, short};
use super::run::LiveOutcome;
use crate::patch::Verdict;
use crate::patch::guard::Hold;

impl LiveV1 {
    /// The payload of a run; `diffs` has the rendered (uncolored) diff of each plan item, in plan order.
    pub fn new(o: &LiveOutcome, diffs: Vec<Option<String>>) -> Self {
        let p = &o.prelude;
        let objects: Vec<LiveObjectV1> = o
            .plan
            .items
            .iter()
            .zip(&o.applied.items)
            .zip(diffs)
            .map(|((item, result), diff)| LiveObjectV1::new(item, result, diff))
            .collect();
        let restarts: Vec<RestartV1> = o
            .plan
            .restarts
            .iter()
            .zip(&o.applied.restarts)
            .map(|(r, result)| RestartV1::new(r, result, &p.now))
            .collect();
        let count = |status: &str| objects.iter().filter(|o| o.result.status == status).count();
        LiveV1 {
            namespace: p.namespace.clone(),
            cluster: LiveClusterV1 {
                version: p.version.clone(),
                network_mode: p.mode.as_str(),
                network_mode_source: if p.mode_given { "flag" } else { "detected" },
                detected_network_mode: p.detected.as_str(),
            },
            dry_run: p.dry_run.as_str(),
            mode: o.sent.as_str(),
            prerequisites: PrerequisitesV1 {
                passed: p.failed().next().is_none(),
                forced: p.forced,
                findings: p.findings.iter().map(FindingV1::from).collect(),
            },
            summary: LiveSummaryV1 {
                changes: o.plan.changes().count(),
                applied: count("applied"),
                unchanged: count("unchanged"),
                skipped: count("skipped"),
                failed: count("failed")
                    + restarts
                        .iter()
                        .filter(|r| r.result.status == "failed")
                        .count(),
                restarts: restarts.len(),
                exit_code: o.exit.code(),
            },
            objects,
            restarts,
            workloads: o.plan.behind.iter().map(WorkloadV1::from).collect(),
            notes: o.plan.notes.clone(),
        }
    }
}

impl ResultV1 {
    pub fn from_outcome(o: &PatchOutcome) -> Self {
        let (status, attempts, resource_version, message) = match o {
            PatchOutcome::Applied {
                resource_version,
                attempts,
            } => ("applied", *attempts, Some(resource_version.clone()), None),
            PatchOutcome::DryRun { attempts } => ("dry-run", *attempts, None, None),
            PatchOutcome::Unchanged(why) => ("unchanged", 0, None, Some(why.clone())),
            PatchOutcome::Skipped(why) => ("skipped", 0, None, Some(why.clone())),
            PatchOutcome::Failed(e, sent) => ("failed", *sent, None, Some(e.to_string())),
            PatchOutcome::NotSent => ("not-sent", 0, None, None),
        };
        ResultV1 {
            status,
            attempts,
            resource_version,
            message,
        }
    }
}

impl LiveObjectV1 {
    /// `diff` is the rendered unified diff of a change (uncolored).
    pub fn new(item: &Item, outcome: &PatchOutcome, diff: Option<String>) -> Self {
        let (selected, linked_from, linked_via) = match &item.selected {
            Selected::Named => ("named", None, None),
            Selected::Linked { from, via } => {
                ("linked", Some(short(from)), via.as_ref().map(short))
            }
        };
        let (action, reason, notes, warnings) = match &item.verdict {
            Verdict::Change {
                notes, warnings, ..
            } => ("change", None, notes.clone(), warnings.clone()),
            Verdict::Done(why) => ("none", Some(why.clone()), vec![], vec![]),
            Verdict::Skip(why) => ("skip", Some(why.clone()), vec![], vec![]),
            Verdict::Held(Hold::Keep(why)) => ("kept", Some(why.clone()), vec![], vec![]),
            Verdict::Held(Hold::Refuse(why)) => ("refused", Some(why.clone()), vec![], vec![]),
        };
        LiveObjectV1 {
            api_version: item.resource.api_version.clone(),
            kind: item.oref.kind.as_str().to_string(),
            namespace: item.oref.namespace.clone().unwrap_or_default(),
            name: item.oref.name.clone(),
            selected,
            linked_from,
            linked_via,
            action,
            reason,
            notes,
            warnings,
            resource_version: item.resource_version.clone(),
            patch: item.change.as_ref().map(|c| PatchV1 {
                type_: c.patch.kind.as_str(),
                body: c.patch.body.clone(),
            }),
            diff,
            result: ResultV1::from_outcome(outcome),
        }
    }
}

impl RestartV1 {
    pub fn new(r: &Restart, outcome: &PatchOutcome, restarted_at: &str) -> Self {
        RestartV1 {
            api_version: r.resource.api_version.clone(),
            kind: r.oref.kind.as_str().to_string(),
            namespace: r.oref.namespace.clone().unwrap_or_default(),
            name: r.oref.name.clone(),
            pods_without_gate: r.pods_without_gate.clone(),
            restarted_at: restarted_at.to_string(),
            result: ResultV1::from_outcome(outcome),
        }
    }
}

impl From<&Behind> for WorkloadV1 {
    fn from(b: &Behind) -> Self {
        WorkloadV1 {
            service: short(&b.service),
            kind: b.workload.kind.as_str().to_string(),
            name: b.workload.name.clone(),
            pods: b.pods,
            pods_without_gate: b.without_gate.clone(),
            rolls: b.rolls,
            restart: b.restart,
            rolling_out: b.rolling_out.clone(),
        }
    }
}
