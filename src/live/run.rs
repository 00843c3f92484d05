//! One live `enable` / `disable` run, as a library function over the ports: read and judge the
//! prerequisites, refuse (or go on with `--force`), read the targets and plan, show the plan (through the
//! caller's [`Event`] callback), confirm, send (or not: the dry-run modes), and map the result to an exit
//! code. `app/live.rs` only parses, wires the real cluster and terminal, and renders.

use crate::checks::{self, detect_network};
use crate::cluster::read::ReadFailure;
use crate::cluster::{Cluster, Progress, ReadPlan};
use crate::confirm::Confirm;
use crate::exit::Exit;
use crate::model::{EniFlavor, NetworkMode, Target};
use crate::patch::{Intent, Options};
use crate::report::{Finding, Severity};

use super::apply::{self, Applied};
use super::plan::{self, LiveOptions, LivePlan, OptIn, PlanError};
use super::read::{self, SnapshotError};

/// `--dry-run`: how far a run goes without storing anything.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum DryRun {
    /// Not a dry run (kubectl's spelling).
    #[default]
    None,
    /// Print the plan; send nothing that writes.
    Client,
    /// Send every patch with dryRun=All: the server validates, nothing is stored.
    Server,
}

impl DryRun {
    pub const fn as_str(self) -> &'static str {
        match self {
            DryRun::None => "none",
            DryRun::Client => "client",
            DryRun::Server => "server",
        }
    }
}

/// What the person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub intent: Intent,
    /// The namespace of the targets (the flag, else the kubeconfig context's).
    pub namespace: String,
    pub targets: Vec<Target>,
    /// `--network-mode`; None: the detected one.
    pub network_mode: Option<NetworkMode>,
    /// `--eni`; None when not given (shared).
    pub eni: Option<EniFlavor>,
    pub container: Option<String>,
    /// Rollout-restart the workloads whose pods lack the readiness gate (enable only).
    pub restart: bool,
    /// Go on despite failing prerequisites.
    pub force: bool,
    pub dry_run: DryRun,
    /// Apply without asking.
    pub yes: bool,
    /// The API server's URL, for the question.
    pub server: String,
    /// Now, RFC 3339 (the restart annotation), given so that planning stays pure.
    pub now: String,
}

/// The cluster as the run found it, and what it decided from that before reading the targets.
#[derive(Debug, Clone, PartialEq)]
pub struct Prelude {
    pub intent: Intent,
    pub namespace: String,
    pub server: String,
    /// `gitVersion` from /version, when readable.
    pub version: Option<String>,
    /// The network mode the plan uses.
    pub mode: NetworkMode,
    /// Whether `mode` was given (`--network-mode`) rather than detected.
    pub mode_given: bool,
    /// What the detection found.
    pub detected: NetworkMode,
    /// Said before anything else: the mode given against the detection, a mode that could not be detected.
    pub warnings: Vec<String>,
    /// The prerequisite checks, all severities.
    pub findings: Vec<Finding>,
    /// A failing prerequisite refuses this run.
    pub refused: bool,
    /// A failing prerequisite was overridden with `--force`.
    pub forced: bool,
    pub dry_run: DryRun,
    /// The restart timestamp used by the plan.
    pub now: String,
}

impl Prelude {
    /// The prerequisites that failed (severity error).
    pub fn failed(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

/// What the run shows while it runs, so that the person sees the plan before being asked.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The prerequisites were read and judged.
    Checked(&'a Prelude),
    /// The plan, before anything is asked or sent.
    Planned(&'a Prelude, &'a LivePlan),
}

/// Why nothing was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// Everything is already as asked.
    NothingToDo,
    /// `--dry-run=client`.
    ClientDryRun,
    /// No terminal to ask on, and no `--yes`.
    NoTerminal,
    /// The person answered no.
    Declined,
}

/// Why a run refused to change anything (exit 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A failing prerequisite: nothing was read beyond the prerequisites.
    Prerequisites,
    /// A guard of `disable` refused an object of the plan (`Verdict::Held(Hold::Refuse)`).
    Guards,
}

/// How far the run went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// Refused (without `--force`): nothing was sent.
    Refused(Refusal),
    /// The plan only.
    Nothing(Held),
    /// Sent with dryRun=All.
    DryRun,
    /// Sent for real.
    Applied,
}

impl Sent {
    /// `refused`, `plan`, `dry-run`, `applied` (the JSON `mode`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Sent::Refused(_) => "refused",
            Sent::Nothing(_) => "plan",
            Sent::DryRun => "dry-run",
            Sent::Applied => "applied",
        }
    }
}

/// Everything a run did, for the renderers.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveOutcome {
    pub prelude: Prelude,
    /// Empty when refused.
    pub plan: LivePlan,
    /// One result per plan item and restart.
    pub applied: Applied,
    pub sent: Sent,
    pub exit: Exit,
}

/// Why a run stopped before it had a plan to show (exit 2, nothing changed).
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("could not read the cluster's prerequisites")]
    Prerequisites(#[source] ReadFailure),
    #[error(transparent)]
    Read(SnapshotError),
    #[error(transparent)]
    Plan(PlanError),
    /// The caller could not show the run (a closed stdout): nothing is sent unseen.
    #[error("could not show the plan")]
    Show(#[source] std::io::Error),
    #[error("could not read the answer")]
    Ask(#[source] std::io::Error),
}

/// The plan's network mode from what detection found: mixed and GlobalRouter as detected, VPC-CNI for
/// the rest (super nodes and unknown clusters change only Services and Ingresses).
pub fn plan_mode(detected: NetworkMode) -> NetworkMode {
    match detected {
        NetworkMode::Mixed => NetworkMode::Mixed,
        NetworkMode::GlobalRouter => NetworkMode::GlobalRouter,
        NetworkMode::VpcCni
        | NetworkMode::SuperNode
        | NetworkMode::CiliumOverlay
        | NetworkMode::Unknown => NetworkMode::VpcCni,
    }
}

/// The mode to plan with (the flag, else the detection's), and what to warn about.
fn choose_mode(flag: Option<NetworkMode>, detected: NetworkMode) -> (NetworkMode, Vec<String>) {
    let from_detection = plan_mode(detected);
    let mut warnings = Vec::new();
    let mode = match flag {
        Some(m) => {
            if m != from_detection && detected != NetworkMode::Unknown {
                warnings.push(format!(
                    "--network-mode {m} given, but the cluster looks like {} (detected)",
                    detected.title()
                ));
            }
            m
        }
        None => {
            if detected == NetworkMode::Unknown {
                warnings.push("the network mode could not be detected: pod templates are left as they are (pass --network-mode mixed for a GlobalRouter + VPC-CNI cluster)".into());
            }
            from_detection
        }
    };
    (mode, warnings)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The confirmation question for a plan.
pub fn question(prelude: &Prelude, plan: &LivePlan) -> String {
    let n = plan.changes().count();
    let r = plan.restarts.len();
    let mut what = format!("{n} object{}", plural(n));
    if r > 0 {
        what.push_str(&format!(" and restart {r} workload{}", plural(r)));
    }
    format!(
        "{} direct access on {what} in namespace {} on {}?",
        match prelude.intent {
            Intent::Enable => "Enable",
            Intent::Disable => "Disable",
        },
        prelude.namespace,
        prelude.server
    )
}

/// Run `req` against the cluster. `show` sees the prerequisites and the plan as soon as they are known
/// (an error from it stops the run before anything is asked or sent).
pub async fn run<C: Cluster>(
    cluster: &C,
    confirm: &impl Confirm,
    req: &Request,
    show: &mut dyn FnMut(Event<'_>) -> std::io::Result<()>,
) -> Result<LiveOutcome, LiveError> {
    // Prerequisites.
    let facts = crate::cluster::read_facts(cluster, &ReadPlan::default(), &Progress::default())
        .await
        .map_err(LiveError::Prerequisites)?;
    let detection = detect_network(&facts);
    let findings = checks::prerequisites(&facts);
    let failing = findings.iter().any(|f| f.severity == Severity::Error);
    let (mode, warnings) = choose_mode(req.network_mode, detection.mode);
    let prelude = Prelude {
        intent: req.intent,
        namespace: req.namespace.clone(),
        server: req.server.clone(),
        version: facts.version.as_ref().map(|v| v.git_version.clone()),
        mode,
        mode_given: req.network_mode.is_some(),
        detected: detection.mode,
        warnings,
        findings,
        refused: failing && req.intent == Intent::Enable && !req.force,
        forced: failing && req.force,
        dry_run: req.dry_run,
        now: req.now.clone(),
    };
    show(Event::Checked(&prelude)).map_err(LiveError::Show)?;
    if prelude.refused {
        return Ok(LiveOutcome {
            prelude,
            plan: LivePlan::default(),
            applied: Applied::default(),
            sent: Sent::Refused(Refusal::Prerequisites),
            exit: Exit::Error,
        });
    }

    // Read and plan.
    let opts = Options {
        intent: req.intent,
        mode,
        eni: req.eni.unwrap_or(EniFlavor::Shared),
        container: req.container.clone(),
        force: req.force,
    };
    let mixed = mode == NetworkMode::Mixed;
    // GlobalRoute direct serves GlobalRouter pods as they are: opting them into an ENI must be asked for.
    let opt_in = if mixed
        && req.intent == Intent::Enable
        && req.eni.is_none()
        && detection.global_route_direct_access == Some(true)
    {
        OptIn::NotUnlessAsked
    } else {
        OptIn::Yes
    };
    let snap = read::snapshot(
        cluster,
        &req.namespace,
        &req.targets,
        facts.apis.ingress.first().map(String::as_str),
        mixed && req.intent == Intent::Disable,
    )
    .await
    .map_err(LiveError::Read)?;
    let plan = plan::plan(
        &snap,
        &req.targets,
        &LiveOptions {
            patch: opts.clone(),
            restart: req.restart,
            now: req.now.clone(),
            opt_in,
        },
    )
    .map_err(LiveError::Plan)?;
    show(Event::Planned(&prelude, &plan)).map_err(LiveError::Show)?;

    // Send, or not.
    let sent = if plan.refused() {
        Sent::Refused(Refusal::Guards)
    } else if !plan.pending() {
        Sent::Nothing(Held::NothingToDo)
    } else {
        match req.dry_run {
            DryRun::Client => Sent::Nothing(Held::ClientDryRun),
            DryRun::Server => Sent::DryRun,
            DryRun::None if req.yes => Sent::Applied,
            DryRun::None if confirm.can_ask() => {
                if confirm
                    .ask(&question(&prelude, &plan))
                    .map_err(LiveError::Ask)?
                {
                    Sent::Applied
                } else {
                    Sent::Nothing(Held::Declined)
                }
            }
            DryRun::None => Sent::Nothing(Held::NoTerminal),
        }
    };
    let applied = match sent {
        Sent::DryRun | Sent::Applied => {
            apply::apply(cluster, &plan, &opts, &req.now, sent == Sent::DryRun).await
        }
        Sent::Refused(_) | Sent::Nothing(_) => apply::not_sent(&plan),
    };
    let exit = if matches!(sent, Sent::Refused(_)) {
        Exit::Error
    } else if applied.failed() {
        if applied.wrote() {
            Exit::Partial
        } else {
            Exit::Error
        }
    } else if sent == Sent::Applied || !plan.pending() {
        Exit::Ok
    } else {
        Exit::Changes
    };
    Ok(LiveOutcome {
        prelude,
        plan,
        applied,
        sent,
        exit,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::cluster::memory::MemoryCluster;
    use crate::confirm::{Nobody, Scripted};
    use crate::model::consts::{BRIDGE_AGENT, ENI_AGENT, SERVICE_DIRECT_ACCESS};

    fn daemonset(name: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"template": {"spec": {"containers": [
                {"name": "agent", "image": format!("ccr.ccs.tencentyun.com/tkeimages/{name}:v3.6.2")}]}}}})
    }

    /// A cluster with `agents` in kube-system and, in namespace shop, svc/web (LoadBalancer, app=web)
    /// with deploy/web behind it.
    fn cluster(agents: &[&str]) -> MemoryCluster {
        let mut objects: Vec<Value> = agents.iter().map(|a| daemonset(a)).collect();
        objects.push(json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"}}}));
        objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "web", "image": "web:1"}]}}}}));
        MemoryCluster::new(objects)
    }

    fn request(intent: Intent) -> Request {
        Request {
            intent,
            namespace: "shop".into(),
            targets: vec!["svc/web".parse().unwrap()],
            network_mode: None,
            eni: None,
            container: None,
            restart: false,
            force: false,
            dry_run: DryRun::None,
            yes: false,
            server: "https://cls.example".into(),
            now: "2024-05-01T00:00:00Z".into(),
        }
    }

    fn go(c: &MemoryCluster, confirm: &impl Confirm, req: &Request) -> LiveOutcome {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(run(c, confirm, req, &mut |_| Ok(())))
            .unwrap()
    }

    fn patched(c: &MemoryCluster) -> Vec<String> {
        c.patches().into_iter().map(|(name, _, _)| name).collect()
    }

    fn switch(c: &MemoryCluster) -> Option<Value> {
        c.object("Service", Some("shop"), "web").unwrap()["metadata"]["annotations"]
            .get(SERVICE_DIRECT_ACCESS)
            .cloned()
    }

    #[test]
    fn the_plan_is_shown_before_the_question_and_only_yes_applies() {
        let c = cluster(&[ENI_AGENT]);
        let no = Scripted::answering(&[false]);
        let mut seen = Vec::new();
        let out = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(run(&c, &no, &request(Intent::Enable), &mut |e| {
                seen.push((matches!(e, Event::Planned(..)), no.asked().len()));
                Ok(())
            }))
            .unwrap();
        assert_eq!(
            seen,
            [(false, 0), (true, 0)],
            "checked, then planned, then asked"
        );
        assert_eq!(
            no.asked(),
            ["Enable direct access on 1 object in namespace shop on https://cls.example?"]
        );
        assert_eq!(out.sent, Sent::Nothing(Held::Declined));
        assert_eq!(out.exit, Exit::Changes);
        assert!(c.patches().is_empty());

        let yes = Scripted::answering(&[true]);
        let out = go(&c, &yes, &request(Intent::Enable));
        assert_eq!((out.sent, out.exit), (Sent::Applied, Exit::Ok));
        assert_eq!(out.prelude.mode, NetworkMode::VpcCni);
        assert_eq!(patched(&c), ["web"]);
        assert_eq!(switch(&c), Some(json!("true")));

        // Nothing left to do: nobody is asked, exit 0.
        let idle = Scripted::answering(&[]);
        let out = go(&c, &idle, &request(Intent::Enable));
        assert_eq!(
            (out.sent, out.exit),
            (Sent::Nothing(Held::NothingToDo), Exit::Ok)
        );
        assert!(idle.asked().is_empty());
    }

    #[test]
    fn without_a_terminal_and_in_dry_runs_nothing_is_stored() {
        let c = cluster(&[ENI_AGENT]);
        let out = go(&c, &Nobody, &request(Intent::Enable));
        assert_eq!(
            (out.sent, out.exit),
            (Sent::Nothing(Held::NoTerminal), Exit::Changes)
        );
        let mut req = request(Intent::Enable);
        req.dry_run = DryRun::Client;
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.sent, Sent::Nothing(Held::ClientDryRun));
        assert!(c.patches().is_empty());
        req.dry_run = DryRun::Server;
        let out = go(&c, &Nobody, &req);
        assert_eq!((out.sent, out.exit), (Sent::DryRun, Exit::Changes));
        assert!(c.patches().iter().all(|(_, _, dry)| *dry));
        assert_eq!(switch(&c), None);
    }

    #[test]
    fn a_failing_prerequisite_refuses_enable_unless_forced_never_disable() {
        // GlobalRouter only, without GlobalRouteDirectAccess: global-router-direct-access-off fails.
        let c = cluster(&[BRIDGE_AGENT]);
        let mut req = request(Intent::Enable);
        req.yes = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!(
            (out.sent, out.exit),
            (Sent::Refused(Refusal::Prerequisites), Exit::Error)
        );
        assert!(out.prelude.refused && !out.prelude.forced);
        assert!(
            out.prelude
                .failed()
                .any(|f| f.check == "global-router-direct-access-off")
        );
        assert!(
            !c.requests().iter().any(|r| r.contains("/namespaces/shop/")),
            "a refused run reads no target: {:?}",
            c.requests()
        );
        req.force = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!((out.sent, out.exit), (Sent::Applied, Exit::Ok));
        assert!(out.prelude.forced && !out.prelude.refused);
        let mut off = request(Intent::Disable);
        off.yes = true;
        let out = go(&c, &Nobody, &off);
        assert_eq!((out.sent, out.exit), (Sent::Applied, Exit::Ok));
        assert_eq!(switch(&c), None);
    }

    #[test]
    fn failures_map_to_exit_codes() {
        // Mixed: the workload is opted in first, then the Service switch is refused: partial.
        let c = cluster(&[BRIDGE_AGENT, ENI_AGENT]);
        c.forbid("patch", "services");
        let mut req = request(Intent::Enable);
        req.yes = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.prelude.mode, NetworkMode::Mixed);
        assert_eq!(out.exit, Exit::Partial);
        assert!(out.applied.wrote() && out.applied.failed());
        // Refused before anything was written: an error, nothing changed.
        let c = cluster(&[ENI_AGENT]);
        c.forbid("patch", "services");
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.exit, Exit::Error);
        assert!(!out.applied.wrote());
    }

    #[test]
    fn nothing_is_sent_unseen() {
        let c = cluster(&[ENI_AGENT]);
        let mut req = request(Intent::Enable);
        req.yes = true;
        let err = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(run(&c, &Nobody, &req, &mut |e| match e {
                Event::Planned(..) => Err(std::io::ErrorKind::BrokenPipe.into()),
                Event::Checked(_) => Ok(()),
            }))
            .unwrap_err();
        assert!(matches!(err, LiveError::Show(_)), "{err}");
        assert!(c.patches().is_empty());
    }

    #[test]
    fn the_mode_flag_wins_and_disagreements_are_said() {
        let c = cluster(&[BRIDGE_AGENT, ENI_AGENT]);
        let mut req = request(Intent::Enable);
        req.network_mode = Some(NetworkMode::VpcCni);
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.prelude.mode, NetworkMode::VpcCni);
        assert!(out.prelude.mode_given);
        assert_eq!(
            out.prelude.warnings,
            [
                "--network-mode vpc-cni given, but the cluster looks like GlobalRouter + VPC-CNI (mixed) (detected)"
            ]
        );
        assert_eq!(
            out.plan.items.len(),
            1,
            "no workload is linked in vpc-cni mode"
        );
    }

    fn direct_service(name: &str, app: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": "shop", "annotations": {SERVICE_DIRECT_ACCESS: "true"}},
            "spec": {"type": "LoadBalancer", "selector": {"app": app}, "ports": [{"port": 80}]}})
    }

    /// Mixed, with svc/web and svc/web-admin both direct in front of deploy/web, which is opted in.
    fn shared_workload() -> MemoryCluster {
        let c = cluster(&[BRIDGE_AGENT, ENI_AGENT]);
        c.add(direct_service("web", "web"));
        c.add(direct_service("web-admin", "web"));
        c.add(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"template": {"metadata": {"labels": {"app": "web"},
                "annotations": {"tke.cloud.tencent.com/networks": "tke-route-eni"}},
                "spec": {"containers": [{"name": "web", "image": "web:1", "resources": {
                    "requests": {"tke.cloud.tencent.com/eni-ip": "1"},
                    "limits": {"tke.cloud.tencent.com/eni-ip": "1"}}}]}}}}));
        c
    }

    #[test]
    fn a_mixed_disable_keeps_the_opt_in_another_direct_service_needs() {
        let c = shared_workload();
        let mut req = request(Intent::Disable);
        req.yes = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!((out.sent, out.exit), (Sent::Applied, Exit::Ok));
        assert_eq!(patched(&c), ["web"], "only the switch of svc/web");
        let deploy = out
            .plan
            .items
            .iter()
            .find(|i| i.oref.kind == crate::model::Kind::Deployment)
            .unwrap();
        assert!(
            matches!(&deploy.verdict, crate::patch::Verdict::Held(crate::patch::guard::Hold::Keep(why)) if why.contains("svc/web-admin")),
            "{:?}",
            deploy.verdict
        );
        assert!(
            c.requests()
                .iter()
                .any(|r| r.starts_with("LIST /api/v1/namespaces/shop/services")),
            "the namespace's Services are read: {:?}",
            c.requests()
        );
        // --force strips the opt-in anyway.
        let c = shared_workload();
        req.force = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.exit, Exit::Ok);
        assert_eq!(
            patched(&c),
            ["web", "web"],
            "the Service, then the Deployment"
        );
    }

    #[test]
    fn a_disable_guard_refuses_the_whole_run_unless_forced() {
        let c = cluster(&[ENI_AGENT]);
        let mut nodeless = direct_service("web", "web");
        nodeless["spec"]["allocateLoadBalancerNodePorts"] = json!(false);
        c.add(nodeless);
        let mut req = request(Intent::Disable);
        req.yes = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!(
            (out.sent, out.exit),
            (Sent::Refused(Refusal::Guards), Exit::Error)
        );
        assert!(c.patches().is_empty());
        req.force = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!((out.sent, out.exit), (Sent::Applied, Exit::Ok));
        assert_eq!(switch(&c), None);
    }

    #[test]
    fn with_global_route_direct_on_workloads_are_opted_in_only_when_asked() {
        let c = cluster(&[BRIDGE_AGENT, ENI_AGENT]);
        c.add(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "tke-service-controller-config", "namespace": "kube-system"},
            "data": {"GlobalRouteDirectAccess": "true"}}));
        let mut req = request(Intent::Enable);
        req.yes = true;
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.exit, Exit::Ok);
        assert_eq!(patched(&c), ["web"], "the switch only");
        assert!(
            out.plan
                .notes
                .iter()
                .any(|n| n.starts_with("GlobalRouteDirectAccess is on")),
            "{:?}",
            out.plan.notes
        );
        req.eni = Some(EniFlavor::Shared);
        let out = go(&c, &Nobody, &req);
        assert_eq!(out.exit, Exit::Ok);
        assert_eq!(
            patched(&c),
            ["web", "web"],
            "then the Deployment, when asked"
        );
        assert!(out.plan.notes.is_empty(), "{:?}", out.plan.notes);
    }
}
