//! Sending a plan: each change as one PATCH with its resourceVersion precondition, in plan order, stopping
//! at the first failure. On 409 Conflict the object is re-read and re-decided with the same pure code;
//! the patch is re-sent (with the new resourceVersion) only when the change is still exactly the one
//! shown, a bounded number of times. Then the rollout restarts, only when every change went through.

use serde_json::Value;

use super::plan::{Item, LivePlan, PlanError, decide_live, restart_of};
use super::read::typed;
use crate::cluster::{ApiError, Cluster, Patch, Resource};
use crate::model::ObjectRef;
use crate::patch::guard::Hold;
use crate::patch::view::View;
use crate::patch::{Options, Verdict};

/// PATCH attempts per object, the first included.
pub const MAX_ATTEMPTS: u32 = 5;

/// Why one object could not be changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    #[error(
        "forbidden: this user cannot {verb} {resource} in namespace {namespace} (grant {verb} on {resource}): {message}"
    )]
    Forbidden {
        verb: &'static str,
        resource: String,
        namespace: String,
        message: String,
    },
    #[error(
        "409 Conflict on each of {0} attempts: another writer keeps changing it; nothing of it was changed, run again"
    )]
    Conflict(u32),
    #[error(
        "changed by another writer since the plan was shown ({0}); nothing of it was changed: run again to review the new plan"
    )]
    Changed(String),
    #[error("it no longer exists")]
    Gone,
    #[error("{0}")]
    Api(ApiError),
    #[error("{0}")]
    Plan(PlanError),
}

/// What happened to one object of the plan.
#[derive(Debug, Clone, PartialEq)]
pub enum PatchOutcome {
    /// Patched; the resourceVersion the server answered with.
    Applied {
        resource_version: String,
        attempts: u32,
    },
    /// Sent with dryRun=All and accepted; nothing stored.
    DryRun {
        attempts: u32,
    },
    /// Nothing to do, and why ("already enabled"), possibly found on re-reading after a conflict.
    Unchanged(String),
    Skipped(String),
    /// Failed, with the PATCH requests sent for it (0 when it failed before any was sent).
    Failed(ApplyError, u32),
    /// Not sent: plan only, or an earlier object failed.
    NotSent,
}

impl PatchOutcome {
    pub fn is_failure(&self) -> bool {
        matches!(self, PatchOutcome::Failed(..))
    }

    /// Whether it changed the cluster.
    pub fn wrote(&self) -> bool {
        matches!(self, PatchOutcome::Applied { .. })
    }
}

/// Results in plan order: one per item, one per restart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    pub items: Vec<PatchOutcome>,
    pub restarts: Vec<PatchOutcome>,
}

impl Applied {
    pub fn failed(&self) -> bool {
        self.items
            .iter()
            .chain(&self.restarts)
            .any(PatchOutcome::is_failure)
    }

    pub fn wrote(&self) -> bool {
        self.items
            .iter()
            .chain(&self.restarts)
            .any(PatchOutcome::wrote)
    }
}

/// The outcome of each item when nothing is sent.
pub fn not_sent(plan: &LivePlan) -> Applied {
    Applied {
        items: plan.items.iter().map(idle).collect(),
        restarts: plan
            .restarts
            .iter()
            .map(|_| PatchOutcome::NotSent)
            .collect(),
    }
}

fn idle(item: &Item) -> PatchOutcome {
    match (&item.verdict, &item.change) {
        (_, Some(_)) => PatchOutcome::NotSent,
        (Verdict::Skip(why), None) => PatchOutcome::Skipped(why.clone()),
        (Verdict::Done(why), None) => PatchOutcome::Unchanged(why.clone()),
        (Verdict::Change { .. }, None) => PatchOutcome::NotSent,
        (Verdict::Held(Hold::Keep(why)), None) => {
            PatchOutcome::Skipped(format!("keeps its ENI opt-in: {why}"))
        }
        (Verdict::Held(Hold::Refuse(why)), None) => {
            PatchOutcome::Skipped(format!("refused: {why}"))
        }
    }
}

fn resource_version(v: &Value) -> String {
    v.path(&["metadata", "resourceVersion"])
        .and_then(View::string)
        .unwrap_or_default()
        .to_string()
}

fn failure(f: ApiError, resource: &str, namespace: &str) -> ApplyError {
    match f {
        ApiError::Status {
            code: 403, message, ..
        } => ApplyError::Forbidden {
            verb: "patch",
            resource: resource.to_string(),
            namespace: namespace.to_string(),
            message,
        },
        ApiError::Status { code: 404, .. } => ApplyError::Gone,
        f => ApplyError::Api(f),
    }
}

/// Send one patch; on 409 call `replan` with the re-read object for the next patch (or the outcome).
async fn send<C, F>(
    c: &C,
    item_resource: &Resource,
    oref: &ObjectRef,
    first: &Patch,
    dry_run: bool,
    mut replan: F,
) -> PatchOutcome
where
    C: Cluster,
    F: FnMut(Value) -> Result<Patch, PatchOutcome>,
{
    let ns = oref.namespace.as_deref().unwrap_or("default");
    let resource = item_resource.rbac_name();
    let mut patch = first.clone();
    let mut attempts = 0;
    loop {
        attempts += 1;
        match c
            .patch(item_resource, ns, &oref.name, &patch, dry_run)
            .await
        {
            Ok(_) if dry_run => return PatchOutcome::DryRun { attempts },
            Ok(body) => {
                let v: Value = serde_json::from_slice(&body).unwrap_or_default();
                return PatchOutcome::Applied {
                    resource_version: resource_version(&v),
                    attempts,
                };
            }
            Err(f) if f.code() == Some(409) => {
                if attempts >= MAX_ATTEMPTS {
                    return PatchOutcome::Failed(ApplyError::Conflict(attempts), attempts);
                }
                let read = crate::cluster::read::get_object::<C, Value>(
                    c,
                    item_resource,
                    Some(ns),
                    &oref.name,
                );
                let current = match read.await {
                    Ok(Some(v)) => typed(v, item_resource),
                    Ok(None) => return PatchOutcome::Failed(ApplyError::Gone, attempts),
                    Err(f) => return PatchOutcome::Failed(failure(f, &resource, ns), attempts),
                };
                match replan(current) {
                    Ok(p) => patch = p,
                    Err(PatchOutcome::Failed(e, _)) => return PatchOutcome::Failed(e, attempts),
                    Err(outcome) => return outcome,
                }
            }
            Err(f) => return PatchOutcome::Failed(failure(f, &resource, ns), attempts),
        }
    }
}

/// Send the plan's changes, then (when all went through) its restarts.
pub async fn apply<C: Cluster>(
    c: &C,
    plan: &LivePlan,
    opts: &Options,
    now: &str,
    dry_run: bool,
) -> Applied {
    let mut out = Applied::default();
    let mut stopped = false;
    for item in &plan.items {
        let Some(change) = &item.change else {
            out.items.push(idle(item));
            continue;
        };
        if stopped {
            out.items.push(PatchOutcome::NotSent);
            continue;
        }
        let outcome = send(
            c,
            &item.resource,
            &item.oref,
            &change.patch,
            dry_run,
            |current| match decide_live(&item.oref, &current, opts) {
                Err(e) => Err(PatchOutcome::Failed(ApplyError::Plan(e), 0)),
                Ok((Verdict::Done(why), _)) => Err(PatchOutcome::Unchanged(format!(
                    "{why} (another writer made the change first)"
                ))),
                Ok((Verdict::Skip(why), _)) => {
                    Err(PatchOutcome::Failed(ApplyError::Changed(why), 0))
                }
                Ok((_, Some(next))) if same_change(&next, change) => Ok(next.patch),
                Ok((_, next)) => Err(PatchOutcome::Failed(
                    ApplyError::Changed(match next {
                        Some(n) => format!("the change would now be different:\n{}", n.after),
                        None => "no change would be made".into(),
                    }),
                    0,
                )),
            },
        )
        .await;
        stopped |= outcome.is_failure();
        out.items.push(outcome);
    }
    for r in &plan.restarts {
        if stopped {
            out.restarts.push(PatchOutcome::NotSent);
            continue;
        }
        let outcome = send(c, &r.resource, &r.oref, &r.patch, dry_run, |current| {
            restart_of(&r.oref, &current, &r.pods_without_gate, now)
                .map(|next| next.patch)
                .map_err(|e| PatchOutcome::Failed(ApplyError::Plan(e), 0))
        })
        .await;
        stopped |= outcome.is_failure();
        out.restarts.push(outcome);
    }
    out
}

/// Whether a change re-planned after a conflict is the one shown and confirmed. The edits' paths are
/// positional (`containers[0]`) while a strategic merge patch names containers, so both are compared: a
/// container inserted ahead of the target by another writer changes the patch, not the path. The
/// resourceVersion precondition is the one part expected to differ.
fn same_change(next: &crate::live::plan::Change, shown: &crate::live::plan::Change) -> bool {
    let without_rv = |p: &crate::cluster::Patch| {
        let mut body = p.body.clone();
        if let Some(meta) = body.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            meta.remove("resourceVersion");
        }
        (p.kind, body)
    };
    next.edits == shown.edits && without_rv(&next.patch) == without_rv(&shown.patch)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::live::plan::{LiveOptions, Snapshot, plan};
    use crate::model::Target;
    use crate::model::consts::SERVICE_DIRECT_ACCESS;
    use crate::patch::{EniFlavor, Intent, NetworkMode};

    fn svc(name: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "shop", "resourceVersion": "1", "annotations": {"keep": "me"}},
            "spec": {"type": "LoadBalancer"}})
    }

    fn options() -> LiveOptions {
        LiveOptions {
            patch: Options {
                intent: Intent::Enable,
                mode: NetworkMode::VpcCni,
                eni: EniFlavor::Shared,
                container: None,
                force: false,
            },
            restart: false,
            now: "2024-05-01T00:00:00Z".into(),
            opt_in: Default::default(),
        }
    }

    fn setup(names: &[&str]) -> (MemoryCluster, LivePlan) {
        let objects: Vec<Value> = names.iter().map(|n| svc(n)).collect();
        let fake = MemoryCluster::new(objects.clone());
        let targets: Vec<Target> = names
            .iter()
            .map(|n| format!("svc/{n}").parse().unwrap())
            .collect();
        let snap = Snapshot {
            namespace: "shop".into(),
            objects,
            ..Default::default()
        };
        let p = plan(&snap, &targets, &options()).unwrap();
        (fake, p)
    }

    fn run(fake: &MemoryCluster, p: &LivePlan, dry_run: bool) -> Applied {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(apply(fake, p, &options().patch, "now", dry_run))
    }

    fn stored(fake: &MemoryCluster, name: &str) -> Value {
        fake.object("Service", Some("shop"), name).unwrap()
    }

    #[test]
    fn a_concurrent_writer_is_re_read_and_kept() {
        let (fake, p) = setup(&["web"]);
        fake.before_next_patch(|o| o["metadata"]["annotations"]["other"] = json!("writer"));
        let out = run(&fake, &p, false);
        assert!(
            matches!(&out.items[..], [PatchOutcome::Applied { attempts: 2, .. }]),
            "{:?}",
            out.items
        );
        assert_eq!(
            stored(&fake, "web")["metadata"]["annotations"],
            json!({"keep": "me", "other": "writer", SERVICE_DIRECT_ACCESS: "true"})
        );
        let sent = fake.patches();
        assert_eq!(sent[0].1["metadata"]["resourceVersion"], "1");
        assert_ne!(
            sent[1].1["metadata"]["resourceVersion"], "1",
            "re-planned on the new version"
        );
    }

    #[test]
    fn a_writer_that_did_the_change_first_leaves_nothing_to_do() {
        let (fake, p) = setup(&["web"]);
        fake.before_next_patch(|o| {
            o["metadata"]["annotations"][SERVICE_DIRECT_ACCESS] = json!("true")
        });
        let out = run(&fake, &p, false);
        assert!(
            matches!(&out.items[0], PatchOutcome::Unchanged(why) if why.contains("another writer")),
            "{:?}",
            out.items
        );
        assert!(!out.wrote() && !out.failed());
    }

    #[test]
    fn a_changed_object_is_not_patched_blindly() {
        let (fake, p) = setup(&["web"]);
        fake.before_next_patch(|o| o["spec"]["type"] = json!("ClusterIP"));
        let out = run(&fake, &p, false);
        assert!(
            matches!(&out.items[0], PatchOutcome::Failed(ApplyError::Changed(why), _) if why.contains("ClusterIP")),
            "{:?}",
            out.items
        );
        assert_eq!(fake.patches().len(), 1);
    }

    #[test]
    fn the_first_failure_stops_the_run() {
        let (fake, p) = setup(&["a", "b"]);
        fake.forbid("patch", "services");
        let out = run(&fake, &p, false);
        assert!(
            matches!(&out.items[0], PatchOutcome::Failed(ApplyError::Forbidden { verb: "patch", resource, .. }, 1) if resource == "services"),
            "{:?}",
            out.items
        );
        assert_eq!(out.items[1], PatchOutcome::NotSent);
        assert_eq!(
            fake.requests()
                .iter()
                .filter(|r| r.starts_with("PATCH"))
                .count(),
            1
        );
        assert!(out.failed() && !out.wrote());
    }

    #[test]
    fn dry_runs_store_nothing() {
        let (fake, p) = setup(&["web"]);
        let before = stored(&fake, "web");
        let out = run(&fake, &p, true);
        assert_eq!(out.items, [PatchOutcome::DryRun { attempts: 1 }]);
        assert!(fake.patches()[0].2);
        assert_eq!(stored(&fake, "web"), before);
    }
}
