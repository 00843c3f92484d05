//! A whole sync as one library function over the ports: read the cluster ([`Cluster`]), find the CLB and
//! its listeners ([`Clb`]), plan, ask ([`Confirm`]), apply, verify, and say how it ended
//! ([`SyncOutcome`], which maps to the exit code). The app only wires the real adapters and renders.

use std::time::{Duration, Instant};

use super::apply::{ApplyResult, Writer, apply};
use super::clb_read::{listeners, load_balancer, read_actual};
use super::cluster_read::{SyncTarget, read_cluster};
use super::error::SyncError;
use super::outcome::{SyncOutcome, SyncStatus, apply_status, plan_status};
use super::plan::{BindingInput, PlanOptions, QuotaSource, SyncPlan, TargetQuota, plan};
use super::resolve::bind_routes;
use super::tasks::{TaskEnd, TaskLedger, wait_for};
use crate::cloud::Clb;
use crate::cloud::types::TARGET_BIND_QUOTA;
use crate::cluster::Cluster;
use crate::confirm::Confirm;
use crate::model::Kind;

/// How many times a person at a terminal is shown a changed plan before the run gives up.
const MAX_PLAN_ROUNDS: usize = 3;

/// What to sync and how.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    pub target: SyncTarget,
    /// The CLB API region the [`Clb`] talks to (for messages and the report).
    pub region: String,
    /// `--lb`.
    pub lb: Option<String>,
    /// Weight, --force, --prune-non-eni; `quota` is `--max-targets`, used when `DescribeQuota` gives none.
    pub options: PlanOptions,
    /// `--apply`: change the CLB. Without it only the plan is made.
    pub apply: bool,
    /// Ask before the first write (a person at a terminal, no `--yes`).
    pub ask: bool,
    pub timing: Timing,
}

/// How long a sync waits for the CLB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// For each asynchronous task (`--wait`), and for tasks of an earlier run still running.
    pub task_wait: Duration,
    /// For a clean apply to show in `DescribeTargets` before the run is called partial (TKE's controller
    /// gives the CLB about as long).
    pub verify_window: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            task_wait: Duration::from_secs(30),
            verify_window: Duration::from_secs(10),
        }
    }
}

/// What happens during a run, as it happens.
#[derive(Debug)]
pub enum SyncEvent<'a> {
    /// The plan (and the warnings), before anything is written and before the question.
    Plan(&'a SyncOutcome),
    /// The re-read right before the first write found a different plan (in the outcome): nothing was
    /// written.
    PlanChanged(&'a SyncOutcome),
    /// A line of progress: one per write call.
    Progress(&'a str),
    /// A detail for `-v`.
    Detail(&'a str),
    /// Something the person should know that does not stop the run.
    Warning(&'a str),
}

/// Run a sync.
pub async fn run<K: Cluster, L: Clb>(
    cluster: &K,
    clb: &L,
    confirm: &dyn Confirm,
    ledger: &mut dyn TaskLedger,
    request: &SyncRequest,
    events: &mut dyn FnMut(SyncEvent<'_>),
) -> Result<SyncOutcome, SyncError> {
    if !matches!(request.target.kind, Kind::Service | Kind::Ingress) {
        return Err(SyncError::Kind(request.target.kind));
    }
    let view = read_cluster(cluster, &request.target).await?;
    events(SyncEvent::Detail(&format!(
        "endpoints from the {} API; {} Service port route(s)",
        view.endpoints_api,
        view.routes.len()
    )));

    let (lb, lb_source) = load_balancer(clb, &view, request.lb.as_deref(), &request.region).await?;
    let lb_id = lb.load_balancer_id.clone();
    let listeners = listeners(clb, &lb_id, &view).await?;
    let (inputs, bind_warnings) = bind_routes(&view, &lb, &listeners);
    if inputs.is_empty() {
        let shown = format!("{}/{}", view.target.kind.short(), view.target.name);
        let hint = match view.target.kind {
            Kind::Ingress => "the Ingress's host/path pairs match no L7 rule (Domain + Url)",
            _ => "DescribeListeners found no listener with the Service's protocol and port",
        };
        return Err(SyncError::NothingToSync {
            lb: lb_id,
            target: shown,
            hint: hint.to_string(),
        });
    }
    let mut warnings = view.warnings.clone();
    warnings.extend(bind_warnings);
    if lb_source.is_tke_managed() {
        warnings.push(format!(
            "CLB {lb_id} comes from {lb_source}: TKE's controller keeps reconciling the listeners it manages \
             and may redo its own view of their backends; sync is a one-shot repair, not a replacement for \
             the controller"
        ));
    }

    let options = PlanOptions {
        quota: target_quota(clb, request.options.quota, events).await,
        ..request.options
    };
    // Tasks an earlier sync started on this CLB: their changes may not show in the targets yet.
    let mut busy = Vec::new();
    for t in ledger.pending(&request.region, &lb_id) {
        events(SyncEvent::Detail(&format!(
            "waiting for the CLB's task {} ({}) of an earlier sync",
            t.task_id, t.action
        )));
        match wait_for(clb, &t.task_id, request.timing.task_wait).await {
            TaskEnd::StillRunning => busy.push(t),
            TaskEnd::Failed(why) => {
                ledger.forget(&t.task_id);
                warnings.push(format!(
                    "the CLB's task {} ({}) of an earlier sync failed: {why}",
                    t.task_id, t.action
                ));
            }
            _ => ledger.forget(&t.task_id),
        }
    }
    let busy_ids: Vec<String> = busy.iter().map(|t| t.task_id.clone()).collect();
    if !busy.is_empty() {
        warnings.push(format!(
            "the CLB's task {} of an earlier sync is still running: the targets read now may not show its \
             changes yet, and --apply sends nothing until it has ended",
            busy_ids.join(", ")
        ));
    }
    let actual = read_actual(clb, &lb_id, &inputs).await?;
    let the_plan = plan(&inputs, &actual, &options);
    let mut outcome = SyncOutcome {
        target: request.target.clone(),
        region: request.region.clone(),
        lb,
        lb_source,
        endpoints_api: view.endpoints_api,
        warnings,
        status: plan_status(&the_plan),
        plan: the_plan,
        quota: options.quota,
        applying: request.apply,
        declined: false,
        apply: None,
        verified: None,
    };
    events(SyncEvent::Plan(&outcome));

    if !request.apply || !outcome.plan.has_changes() || outcome.status == SyncStatus::Blocked {
        return Ok(outcome);
    }
    if !busy_ids.is_empty() {
        // The same batch may be in that task: sending it again would fight it.
        outcome.status = SyncStatus::Failed;
        outcome.apply = Some(ApplyResult {
            not_sent: outcome.plan.register_count() + outcome.plan.deregister_count(),
            error: Some(format!(
                "the CLB's task {} of an earlier sync is still running; nothing was sent. Run sync again once \
                 it has ended (--wait sets how long to wait for it)",
                busy_ids.join(", ")
            )),
            pending_tasks: busy_ids,
            ..Default::default()
        });
        return Ok(outcome);
    }
    let mut rounds = 0;
    let inputs = loop {
        if request.ask {
            let question = format!(
                "{}Apply to CLB {lb_id}: register {} and deregister {} target(s)?",
                if rounds > 0 {
                    "The plan changed (see above). "
                } else {
                    ""
                },
                outcome.plan.register_count(),
                outcome.plan.deregister_count()
            );
            if !confirm.ask(&question).map_err(SyncError::Prompt)? {
                outcome.declined = true;
                outcome.status = plan_status(&outcome.plan);
                return Ok(outcome);
            }
        }
        // Pods and targets change while a person reads a plan: read both again right before the first
        // write, and write only the plan that was shown.
        let view = read_cluster(cluster, &request.target).await?;
        let (now_inputs, _) = bind_routes(&view, &outcome.lb, &listeners);
        let actual = read_actual(clb, &lb_id, &now_inputs).await?;
        let now = plan(&now_inputs, &actual, &options);
        if now.writes() == outcome.plan.writes() {
            events(SyncEvent::Detail(
                "re-read the endpoints and targets before writing: the plan is unchanged",
            ));
            outcome.plan = now;
            break now_inputs;
        }
        rounds += 1;
        outcome.plan = now;
        outcome.status = plan_status(&outcome.plan);
        if !request.ask || rounds >= MAX_PLAN_ROUNDS {
            outcome.status = SyncStatus::PlanChanged;
            events(SyncEvent::PlanChanged(&outcome));
            return Ok(outcome);
        }
        events(SyncEvent::PlanChanged(&outcome));
        if outcome.status != SyncStatus::ChangesPending {
            // Nothing to do any more, or a guard trips now.
            return Ok(outcome);
        }
    };

    let applied = apply(
        clb,
        &lb_id,
        &outcome.plan,
        &mut Writer {
            region: &request.region,
            ledger,
            task_wait: request.timing.task_wait,
            progress: &mut |line| events(SyncEvent::Progress(line)),
        },
    )
    .await;
    let window = if applied.clean() {
        request.timing.verify_window
    } else {
        Duration::ZERO
    };
    let verified = verify(clb, &lb_id, &inputs, &options, window, events).await;
    outcome.status = apply_status(&applied, verified.as_ref());
    outcome.apply = Some(applied);
    outcome.verified = verified;
    Ok(outcome)
}

/// How many targets a listener or rule holds: `TOTAL_TARGET_BIND_QUOTA` from `DescribeQuota` when the API
/// gives it, else `flag` (`--max-targets`).
async fn target_quota<L: Clb>(
    clb: &L,
    flag: TargetQuota,
    events: &mut dyn FnMut(SyncEvent<'_>),
) -> TargetQuota {
    match clb.describe_quota().await {
        Ok(quotas) => {
            let limit = quotas
                .iter()
                .find(|q| q.quota_id == TARGET_BIND_QUOTA)
                .and_then(|q| q.quota_limit)
                .and_then(|l| usize::try_from(l).ok())
                .filter(|l| *l > 0);
            match limit {
                Some(limit) => {
                    events(SyncEvent::Detail(&format!(
                        "DescribeQuota: {TARGET_BIND_QUOTA} {limit} targets per listener or rule"
                    )));
                    TargetQuota {
                        limit,
                        source: QuotaSource::Api,
                    }
                }
                None => flag,
            }
        }
        Err(e) => {
            events(SyncEvent::Detail(&format!(
                "no quota from the API ({e}); --max-targets {} applies",
                flag.limit
            )));
            flag
        }
    }
}

/// Re-read the targets and re-plan. After a clean apply the CLB gets `window` to show what it did (read
/// again after 0.5 s, 1 s, 2 s, 4 s… while the window lasts) before the run is called partial.
async fn verify<L: Clb>(
    clb: &L,
    lb: &str,
    inputs: &[BindingInput],
    options: &PlanOptions,
    window: Duration,
    events: &mut dyn FnMut(SyncEvent<'_>),
) -> Option<SyncPlan> {
    let started = Instant::now();
    let mut last = None;
    for n in 0u32.. {
        match read_actual(clb, lb, inputs).await {
            Ok(actual) => {
                let p = plan(inputs, &actual, options);
                let done = !p.has_changes();
                last = Some(p);
                if done {
                    break;
                }
            }
            Err(e) => {
                events(SyncEvent::Warning(&format!("could not verify: {e}")));
                break;
            }
        }
        let delay = Duration::from_millis(500u64 << n.min(4));
        if started.elapsed() + delay > window {
            break;
        }
        events(SyncEvent::Detail(&format!(
            "DescribeTargets does not show every change yet; reading again in {:.1} s",
            delay.as_secs_f64()
        )));
        tokio::time::sleep(delay).await;
    }
    last
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cloud::{Listener, Rule};
    use crate::exit::Exit;
    use crate::sync::model::Binding;
    use crate::sync::plan::tests::eni;
    use crate::sync::tasks::MemoryLedger;
    use crate::sync::testing::{MemClb, Scripted, block_on, web_clb, web_cluster};

    fn request(apply: bool, ask: bool) -> SyncRequest {
        SyncRequest {
            target: SyncTarget {
                kind: Kind::Service,
                namespace: "default".into(),
                name: "web".into(),
            },
            region: "ap-guangzhou".into(),
            lb: None,
            options: PlanOptions::default(),
            apply,
            ask,
            timing: Timing {
                task_wait: Duration::from_secs(5),
                verify_window: Duration::from_millis(100),
            },
        }
    }

    fn http() -> Binding {
        Binding {
            listener_id: "lbl-http".into(),
            location_id: None,
        }
    }

    /// Run and collect the events as text.
    fn go(
        cluster: &crate::cluster::memory::MemoryCluster,
        clb: &MemClb,
        confirm: &Scripted,
        req: &SyncRequest,
    ) -> (Result<SyncOutcome, SyncError>, Vec<String>) {
        go_with(cluster, clb, confirm, &mut MemoryLedger::default(), req)
    }

    fn go_with(
        cluster: &crate::cluster::memory::MemoryCluster,
        clb: &MemClb,
        confirm: &Scripted,
        ledger: &mut MemoryLedger,
        req: &SyncRequest,
    ) -> (Result<SyncOutcome, SyncError>, Vec<String>) {
        let mut seen = Vec::new();
        let result = block_on(run(cluster, clb, confirm, ledger, req, &mut |e| {
            seen.push(match e {
                SyncEvent::Plan(o) => format!("plan: {}", o.status.as_str()),
                SyncEvent::PlanChanged(o) => format!("plan changed: {}", o.status.as_str()),
                SyncEvent::Progress(l) => format!("progress: {l}"),
                SyncEvent::Detail(l) => format!("detail: {l}"),
                SyncEvent::Warning(l) => format!("warning: {l}"),
            })
        }));
        (result, seen)
    }

    #[test]
    fn plan_only_reads_and_never_writes() {
        let (cluster, clb) = (web_cluster(), web_clb());
        let (o, events) = go(&cluster, &clb, &Scripted::default(), &request(false, false));
        let o = o.unwrap();
        // Both pods on both ports: the ready one and the one waiting on TKE's gate.
        assert_eq!(o.plan.register_count(), 4);
        assert_eq!(o.plan.gate_waiting(), 2);
        assert_eq!(
            (o.status, o.exit()),
            (SyncStatus::ChangesPending, Exit::Changes)
        );
        assert_eq!(
            clb.calls(),
            [
                "DescribeLoadBalancers",
                "DescribeListeners",
                "DescribeListeners",
                "DescribeQuota",
                "DescribeTargets"
            ]
        );
        assert!(
            events.contains(&"plan: changes-pending".to_string()),
            "{events:?}"
        );
        assert!(
            o.warnings
                .iter()
                .any(|w| w.contains("TKE's controller keeps reconciling")),
            "{:?}",
            o.warnings
        );
    }

    #[test]
    fn apply_registers_verifies_and_a_second_run_writes_nothing() {
        let (cluster, clb) = (web_cluster(), web_clb());
        let (o, events) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::Applied, Exit::Ok));
        assert_eq!(o.apply.as_ref().unwrap().registered, 4);
        assert!(
            events
                .iter()
                .any(|e| e.starts_with("progress: BatchRegisterTargets 1/1")),
            "{events:?}"
        );
        assert_eq!(clb.actual()[&http()].len(), 2);
        let writes = |c: &MemClb| c.calls().iter().filter(|c| c.starts_with("Batch")).count();
        assert_eq!(writes(&clb), 1);
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        assert_eq!(o.unwrap().status, SyncStatus::InSync);
        assert_eq!(writes(&clb), 1);
    }

    #[test]
    fn the_prompt_decides() {
        let (cluster, clb) = (web_cluster(), web_clb());
        let no = Scripted::answering(&[false]);
        let (o, _) = go(&cluster, &clb, &no, &request(true, true));
        let o = o.unwrap();
        assert!(o.declined);
        assert_eq!(
            (o.status, o.exit()),
            (SyncStatus::ChangesPending, Exit::Changes)
        );
        assert_eq!(
            *no.questions.borrow(),
            ["Apply to CLB lb-1: register 4 and deregister 0 target(s)?"]
        );
        assert!(clb.calls().iter().all(|c| !c.starts_with("Batch")));
        let yes = Scripted::answering(&[true]);
        let (o, _) = go(&cluster, &clb, &yes, &request(true, true));
        assert_eq!(o.unwrap().status, SyncStatus::Applied);
    }

    #[test]
    fn a_pod_deleted_between_plan_and_write_stops_the_run_with_nothing_written() {
        // The plan registers web-2 (waiting on TKE's gate); web-2 is deleted after the cluster was read for
        // the plan (while the CLB's targets are read), so only the re-read before the write sees it.
        let cluster = std::sync::Arc::new(web_cluster());
        let clb = web_clb();
        let c = cluster.clone();
        clb.before("DescribeTargets", 1, move || {
            c.remove("Pod", Some("default"), "web-2");
            let mut slice = c.object("EndpointSlice", Some("default"), "web-x").unwrap();
            slice["endpoints"].as_array_mut().unwrap().truncate(1);
            c.add(slice);
        });
        let (o, events) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::PlanChanged, Exit::Error));
        assert_eq!(
            o.plan.register_count(),
            2,
            "the new plan: web-1 on both ports"
        );
        assert!(o.apply.is_none());
        assert!(
            clb.calls().iter().all(|c| !c.starts_with("Batch")),
            "{:?}",
            clb.calls()
        );
        assert!(
            events.contains(&"plan changed: plan-changed".to_string()),
            "{events:?}"
        );
    }

    #[test]
    fn on_a_terminal_a_changed_plan_is_asked_again() {
        let cluster = std::sync::Arc::new(web_cluster());
        let clb = web_clb();
        // While the person reads the first plan, web-2 goes away.
        let c = cluster.clone();
        let confirm = Scripted::answering(&[true, true]);
        *confirm.before.borrow_mut() = Some(Box::new(move |round| {
            if round == 0 {
                c.remove("Pod", Some("default"), "web-2");
                let mut slice = c.object("EndpointSlice", Some("default"), "web-x").unwrap();
                slice["endpoints"].as_array_mut().unwrap().truncate(1);
                c.add(slice);
            }
        }));
        let (o, _) = go(&cluster, &clb, &confirm, &request(true, true));
        let o = o.unwrap();
        assert_eq!(o.status, SyncStatus::Applied);
        assert_eq!(
            *confirm.questions.borrow(),
            [
                "Apply to CLB lb-1: register 4 and deregister 0 target(s)?",
                "The plan changed (see above). Apply to CLB lb-1: register 2 and deregister 0 target(s)?"
            ]
        );
        assert_eq!(o.apply.unwrap().registered, 2);
        // An unchanged plan is written as shown: the re-read costs one more DescribeTargets.
        let (cluster, clb) = (web_cluster(), web_clb());
        let (o, events) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        assert_eq!(o.unwrap().status, SyncStatus::Applied);
        assert!(
            events.iter().any(|e| e.contains("the plan is unchanged")),
            "{events:?}"
        );
    }

    #[test]
    fn the_quota_comes_from_the_api_else_from_the_flag() {
        use crate::sync::plan::QuotaSource;
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.set_bind_quota(Some(1));
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        let o = o.unwrap();
        assert_eq!((o.quota.limit, o.quota.source), (1, QuotaSource::Api));
        assert_eq!((o.status, o.exit()), (SyncStatus::Blocked, Exit::Error));
        assert_eq!(o.plan.bindings[0].guard.unwrap().id(), "exceeds-quota");
        clb.set_bind_quota(None);
        // The API lists no such quota: --max-targets (here its default) applies.
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(false, false));
        let o = o.unwrap();
        assert_eq!((o.quota.limit, o.quota.source), (200, QuotaSource::Flag));
        assert_eq!(o.status, SyncStatus::ChangesPending);
    }

    #[test]
    fn async_writes_are_waited_for_before_verifying_and_never_sent_twice() {
        // Each write is a task that runs for two polls; the targets show only when it has ended.
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.async_tasks(2);
        let mut ledger = MemoryLedger::default();
        let (o, _) = go_with(
            &cluster,
            &clb,
            &Scripted::default(),
            &mut ledger,
            &request(true, false),
        );
        let o = o.unwrap();
        assert_eq!(o.status, SyncStatus::Applied, "{:?}", o.apply);
        let calls = clb.calls();
        let last_poll = calls
            .iter()
            .rposition(|c| c == "DescribeTaskStatus")
            .unwrap();
        let verify = calls.iter().rposition(|c| c == "DescribeTargets").unwrap();
        assert!(
            last_poll < verify,
            "verified after the task ended: {calls:?}"
        );
        assert!(ledger.tasks.is_empty());

        // A task that outlasts the wait: the run stops (partial), the task stays in the ledger, and a rerun
        // sends nothing while it runs; once it has ended, the rerun finds the CLB in sync.
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.async_tasks(1_000);
        let mut ledger = MemoryLedger::default();
        let mut short = request(true, false);
        short.timing.task_wait = Duration::from_millis(100);
        let (o, _) = go_with(&cluster, &clb, &Scripted::default(), &mut ledger, &short);
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::Partial, Exit::Partial));
        assert_eq!(o.apply.as_ref().unwrap().pending_tasks.len(), 1);
        assert_eq!(ledger.tasks.len(), 1);
        let writes = |c: &MemClb| c.calls().iter().filter(|c| c.starts_with("Batch")).count();
        assert_eq!(writes(&clb), 1);
        let (o, _) = go_with(&cluster, &clb, &Scripted::default(), &mut ledger, &short);
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::Failed, Exit::Error));
        assert!(
            o.warnings.iter().any(|w| w.contains("still running")),
            "{:?}",
            o.warnings
        );
        assert_eq!(writes(&clb), 1, "not sent again");
        clb.async_tasks(0);
        clb.end_tasks();
        let (o, _) = go_with(&cluster, &clb, &Scripted::default(), &mut ledger, &short);
        assert_eq!(o.unwrap().status, SyncStatus::InSync);
        assert_eq!(writes(&clb), 1);
        assert!(ledger.tasks.is_empty());
    }

    #[test]
    fn guards_refuse_before_the_prompt() {
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.bind(
            &http(),
            vec![
                eni("10.0.0.7", 8080, 10),
                eni("10.0.0.8", 8080, 10),
                eni("10.0.0.9", 8080, 10),
            ],
        );
        let confirm = Scripted::answering(&[true]);
        let (o, _) = go(&cluster, &clb, &confirm, &request(true, true));
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::Blocked, Exit::Error));
        assert!(confirm.questions.borrow().is_empty());
        assert!(clb.calls().iter().all(|c| !c.starts_with("Batch")));
        let mut forced = request(true, false);
        forced.options.force = true;
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &forced);
        assert_eq!(o.unwrap().status, SyncStatus::Applied);
    }

    #[test]
    fn a_failing_listener_makes_a_partial_run() {
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.fail_listener("lbl-dns");
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(true, false));
        let o = o.unwrap();
        assert_eq!((o.status, o.exit()), (SyncStatus::Partial, Exit::Partial));
        let (cluster, clb) = (web_cluster(), web_clb());
        clb.fail_next_call("InternalError");
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(false, false));
        assert!(o.unwrap_err().to_string().contains("InternalError"));
    }

    #[test]
    fn clb_checks() {
        let cluster = web_cluster();
        let (err, _) = go(
            &cluster,
            &MemClb::new("lb-other"),
            &Scripted::default(),
            &request(false, false),
        );
        assert!(matches!(err.unwrap_err(), SyncError::LbNotFound { .. }));
        let mut cm = cluster
            .object("ConfigMap", Some("kube-system"), "tke-config")
            .unwrap();
        cm["data"]["TKE_VPC_ID"] = json!("vpc-2");
        cluster.add(cm);
        let (err, _) = go(
            &cluster,
            &web_clb(),
            &Scripted::default(),
            &request(false, false),
        );
        assert!(matches!(err.unwrap_err(), SyncError::VpcMismatch { .. }));
        let cluster = web_cluster();
        let (err, _) = go(
            &cluster,
            &MemClb::new("lb-1"),
            &Scripted::default(),
            &request(false, false),
        );
        assert!(matches!(err.unwrap_err(), SyncError::NothingToSync { .. }));
        // One listener missing: synced where it exists, the other port reported.
        let clb = MemClb::new("lb-1");
        clb.add_listener(Listener {
            listener_id: "lbl-http".into(),
            protocol: "TCP".into(),
            port: 80,
            ..Default::default()
        });
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &request(false, false));
        let o = o.unwrap();
        assert_eq!(o.plan.bindings.len(), 1);
        assert!(
            o.warnings.iter().any(|w| w.contains("no UDP:53 listener")),
            "{:?}",
            o.warnings
        );
    }

    #[test]
    fn ingress_rules_are_bindings() {
        let cluster = web_cluster();
        cluster.add(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "default"},
            "spec": {"selector": {"app": "api"}, "ports": [{"name": "http", "port": 8000, "targetPort": 9090}]}}));
        cluster.add(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "api-x", "namespace": "default", "labels": {"kubernetes.io/service-name": "api"}},
            "addressType": "IPv4", "ports": [{"name": "http", "port": 9090, "protocol": "TCP"}],
            "endpoints": [{"addresses": ["10.0.1.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "api-1"}}]}));
        cluster.add(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "site", "namespace": "default", "annotations": {
                "ingress.cloud.tencent.com/direct-access": "true", "kubernetes.io/ingress.qcloud-loadbalance-id": "lb-1"}},
            "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
                {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 8000}}}}]}}]}}));
        let clb = MemClb::new("lb-1");
        clb.add_listener(Listener {
            listener_id: "lbl-7".into(),
            protocol: "HTTP".into(),
            port: 80,
            rules: vec![
                Rule {
                    location_id: "loc-root".into(),
                    domain: "a.example.com".into(),
                    url: "/".into(),
                },
                Rule {
                    location_id: "loc-api".into(),
                    domain: "a.example.com".into(),
                    url: "/api".into(),
                },
            ],
            ..Default::default()
        });
        clb.bind(
            &Binding {
                listener_id: "lbl-7".into(),
                location_id: Some("loc-api".into()),
            },
            vec![eni("10.0.1.1", 9090, 40)],
        );
        let mut req = request(false, false);
        req.target.kind = Kind::Ingress;
        req.target.name = "site".into();
        let (o, _) = go(&cluster, &clb, &Scripted::default(), &req);
        let got: Vec<_> = o
            .unwrap()
            .plan
            .bindings
            .iter()
            .map(|b| {
                (
                    b.info.label(),
                    b.register.iter().map(|r| r.port).collect::<Vec<_>>(),
                    b.keep.len(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("HTTP:80 a.example.com/".to_string(), vec![8080, 8080], 0),
                ("HTTP:80 a.example.com/api".to_string(), vec![], 1)
            ]
        );
    }
}
