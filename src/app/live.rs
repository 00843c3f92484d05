//! `enable` / `disable` without `-f`: on live objects. Reads the prerequisites and the targets, plans with
//! the pure core (`live::plan`), shows the diff, confirms, patches, and says what happens next.

use std::io::{BufRead, Write};

use anyhow::Context;

use crate::app::output::Ui;
use crate::checks::{self, Finding, Severity, detect_network};
use crate::cli::EditArgs;
use crate::cli::live::DryRunArg;
use crate::cluster::{self, KubeCluster, Progress, ReadPlan};
use crate::exit::Exit;
use crate::live::apply::{self, Applied, Outcome};
use crate::live::json_v1;
use crate::live::plan::{self, LiveOptions, Plan, short};
use crate::live::read;
use crate::model::consts::READINESS_GATE;
use crate::model::network::NetworkMode as Detected;
use crate::patch::{Intent, NetworkMode, Options, Verdict};
use crate::render;
use crate::report::Format;

/// What the run ends up doing with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Send {
    /// Nothing sent.
    Plan,
    /// Sent with dryRun=All.
    DryRun,
    /// Sent for real.
    Apply,
}

fn verb(intent: Intent) -> &'static str {
    match intent {
        Intent::Enable => "enable",
        Intent::Disable => "disable",
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Refuse flag combinations that mean nothing for live objects.
fn validate(intent: Intent, args: &EditArgs) -> anyhow::Result<()> {
    if args.patch.targets.is_empty() {
        anyhow::bail!(
            "name the live objects to {} (for example `tkedirect {} svc/nginx`), or pass -f to edit manifests",
            verb(intent),
            verb(intent)
        );
    }
    if args.write || args.diff || args.input.recursive {
        anyhow::bail!(
            "--write, --diff and -R work on manifests given with -f; for live objects use --dry-run to see the plan"
        );
    }
    if args.live.restart && intent == Intent::Disable {
        anyhow::bail!(
            "--restart works with enable: it brings the readiness gate to pods created before direct access"
        );
    }
    Ok(())
}

/// With -f, the cluster flags mean nothing (clap already refuses the other live flags).
pub fn reject_with_files(args: &EditArgs) -> anyhow::Result<()> {
    let kube = &args.live.kube;
    if kube.kubeconfig.is_some() || kube.context.is_some() {
        anyhow::bail!(
            "--kubeconfig and --context select the cluster for live objects; with -f, tkedirect edits manifests and reads no cluster"
        );
    }
    Ok(())
}

/// The patch network mode: the flag, else what the checks detected.
fn network_mode(flag: Option<NetworkMode>, detected: Detected, ui: &Ui) -> NetworkMode {
    let from_detection = match detected {
        Detected::Mixed => NetworkMode::Mixed,
        Detected::GlobalRouter => NetworkMode::GlobalRouter,
        Detected::VpcCni | Detected::SuperNode | Detected::CiliumOverlay | Detected::Unknown => {
            NetworkMode::VpcCni
        }
    };
    match flag {
        Some(m) => {
            if m != from_detection && detected != Detected::Unknown {
                ui.warn(format!(
                    "--network-mode {m} given, but the cluster looks like {} (detected)",
                    detected.title()
                ));
            }
            m
        }
        None => {
            if detected == Detected::Unknown {
                ui.warn("the network mode could not be detected: pod templates are left as they are (pass --network-mode mixed for a GlobalRouter + VPC-CNI cluster)");
            }
            from_detection
        }
    }
}

pub fn run(intent: Intent, args: EditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    validate(intent, &args)?;
    let rt = cluster::runtime().context("could not start the async runtime")?;
    rt.block_on(run_async(intent, args, ui))
}

async fn run_async(intent: Intent, args: EditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let live = &args.live;
    let json = live.output == Format::Json;
    let cluster = KubeCluster::connect(&live.kube.options())
        .await
        .context("could not configure the Kubernetes client")?;
    let namespace = args
        .patch
        .namespace
        .clone()
        .unwrap_or_else(|| cluster.default_namespace.clone());
    let server = cluster.server.clone();

    // Prerequisites.
    let facts = cluster::read_facts(&cluster, &ReadPlan::default(), &Progress::default())
        .await
        .context("could not read the cluster's prerequisites")?;
    let detection = detect_network(&facts);
    let findings = checks::prerequisites(&facts);
    let failed: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let mode = network_mode(args.patch.network_mode, detection.mode, ui);
    let version = facts.version.as_ref().map(|v| v.git_version.clone());
    ui.note(format!(
        "cluster {server}{}: network mode {mode} ({}), namespace {namespace}",
        version
            .as_deref()
            .map(|v| format!(" ({v})"))
            .unwrap_or_default(),
        if args.patch.network_mode.is_some() {
            "given"
        } else {
            "detected"
        },
    ));
    for f in findings.iter().filter(|f| f.severity == Severity::Warning) {
        ui.warn(format!("{}: {}", f.check, f.message));
    }
    let refuse = !failed.is_empty() && intent == Intent::Enable && !live.force;
    for f in &failed {
        let line = format!(
            "prerequisite {} failed: {}\n  fix: {}",
            f.check, f.message, f.fix
        );
        if refuse {
            let _ = writeln!(
                std::io::stderr().lock(),
                "{}: {line}",
                ui.paint_error("error")
            );
        } else {
            ui.warn(line);
        }
    }
    let now = jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let out = Report {
        intent,
        namespace: namespace.clone(),
        version,
        mode,
        mode_given: args.patch.network_mode.is_some(),
        detected: detection.mode,
        dry_run: live.dry_run.unwrap_or(DryRunArg::None),
        findings: findings.clone(),
        forced: live.force && !failed.is_empty(),
        now: now.clone(),
    };
    if refuse {
        ui.note(format!(
            "nothing was changed: fix the failing prerequisite{}, or pass --force to {} anyway",
            plural(failed.len()),
            verb(intent)
        ));
        if json {
            out.print_json(
                &Plan::default(),
                &Applied::default(),
                "refused",
                Exit::Error,
            )?;
        }
        return Ok(Exit::Error);
    }
    if !failed.is_empty() && intent == Intent::Enable {
        ui.warn("--force: going on despite the failing prerequisites");
    }

    // Read and plan.
    let opts = Options {
        intent,
        mode,
        eni: args.patch.eni,
        container: args.patch.container.clone(),
    };
    let snap = read::snapshot(
        &cluster,
        &namespace,
        &args.patch.targets,
        facts.apis.ingress.first().map(String::as_str),
    )
    .await?;
    let plan = plan::plan(
        &snap,
        &args.patch.targets,
        &LiveOptions {
            patch: opts.clone(),
            restart: live.restart,
            now: now.clone(),
        },
    )?;
    out.tell_plan(&plan, ui, json)?;

    // Send, or not.
    let send = if !plan.pending() {
        Send::Plan
    } else {
        match out.dry_run {
            DryRunArg::Client => {
                ui.note("--dry-run=client: nothing was sent");
                Send::Plan
            }
            DryRunArg::Server => Send::DryRun,
            DryRunArg::None if live.yes => Send::Apply,
            DryRunArg::None if ui.stdin_tty => {
                if confirm(&plan, &namespace, &server, intent)? {
                    Send::Apply
                } else {
                    ui.note("nothing was changed");
                    Send::Plan
                }
            }
            DryRunArg::None => {
                ui.note("no terminal to confirm on: nothing was changed; run again with --yes to apply this plan");
                Send::Plan
            }
        }
    };
    let applied = match send {
        Send::Plan => apply::not_sent(&plan),
        Send::DryRun | Send::Apply => {
            apply::apply(&cluster, &plan, &opts, &now, send == Send::DryRun).await
        }
    };
    out.tell_results(&plan, &applied, send, ui);
    let exit = if applied.failed() {
        if applied.wrote() {
            Exit::Partial
        } else {
            Exit::Error
        }
    } else if send == Send::Apply || !plan.pending() {
        Exit::Ok
    } else {
        Exit::Changes
    };
    if !applied.failed() {
        out.advise(&plan, &applied, &live.kube, ui);
    }
    if json {
        let mode = match send {
            Send::Plan => "plan",
            Send::DryRun => "dry-run",
            Send::Apply => "applied",
        };
        out.print_json(&plan, &applied, mode, exit)?;
    }
    Ok(exit)
}

/// Ask on the terminal.
fn confirm(plan: &Plan, namespace: &str, server: &str, intent: Intent) -> anyhow::Result<bool> {
    let n = plan.changes().count();
    let r = plan.restarts.len();
    let mut what = format!("{n} object{}", plural(n));
    if r > 0 {
        what.push_str(&format!(" and restart {r} workload{}", plural(r)));
    }
    let mut err = std::io::stderr().lock();
    write!(
        err,
        "{} {what} in namespace {namespace} on {server}? [y/N] ",
        match intent {
            Intent::Enable => "Enable direct access on",
            Intent::Disable => "Disable direct access on",
        }
    )?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(is_yes(&answer))
}

fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// The run's settings, for the conversation and the JSON output.
struct Report {
    intent: Intent,
    namespace: String,
    version: Option<String>,
    mode: NetworkMode,
    mode_given: bool,
    detected: Detected,
    dry_run: DryRunArg,
    findings: Vec<Finding>,
    forced: bool,
    now: String,
}

impl Report {
    fn diff_name(&self, item: &plan::Item) -> String {
        format!(
            "{}/{}/{}",
            self.namespace,
            item.oref.kind.as_str().to_ascii_lowercase(),
            item.oref.name
        )
    }

    /// The diffs on stdout (text), and on stderr what was linked, what needs nothing, and the tally.
    fn tell_plan(&self, plan: &Plan, ui: &Ui, json: bool) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        for item in &plan.items {
            let what = short(&item.oref);
            if let plan::Selected::Linked { from, via } = &item.selected {
                let via = via
                    .as_ref()
                    .map(|v| format!(" via {}", short(v)))
                    .unwrap_or_default();
                ui.note(format!("linked {what} to {}{via} (its pods or pod template match the Service selector)", short(from)));
            }
            match &item.verdict {
                Verdict::Change { notes, .. } => {
                    for n in notes {
                        ui.note(format!("{what}: {n}"));
                    }
                }
                Verdict::Done(why) => ui.note(format!("{what}: {why}")),
                Verdict::Skip(why) => match item.selected {
                    plan::Selected::Named => ui.warn(format!("{what}: skipped: {why}")),
                    plan::Selected::Linked { .. } => ui.note(format!("{what}: skipped: {why}")),
                },
            }
            if let (Some(c), false) = (&item.change, json) {
                stdout.write_all(
                    render::diff::unified(
                        &self.diff_name(item),
                        &c.before,
                        &c.after,
                        ui.stdout_color,
                    )
                    .as_bytes(),
                )?;
            }
        }
        stdout.flush()?;
        for n in &plan.notes {
            ui.warn(n);
        }
        let changes = plan.changes().count();
        let done = plan
            .items
            .iter()
            .filter(|i| matches!(i.verdict, Verdict::Done(_)))
            .count();
        let skipped = plan
            .items
            .iter()
            .filter(|i| matches!(i.verdict, Verdict::Skip(_)))
            .count();
        let mut tally = if changes == 0 {
            format!("nothing to {}", verb(self.intent))
        } else {
            format!(
                "plan: {changes} object{} to {}",
                plural(changes),
                verb(self.intent)
            )
        };
        if done > 0 {
            tally.push_str(&format!(
                "{}{done} already {}",
                if changes == 0 { ": " } else { ", " },
                match self.intent {
                    Intent::Enable => "enabled",
                    Intent::Disable => "without direct access",
                }
            ));
        }
        if skipped > 0 {
            tally.push_str(&format!(", {skipped} skipped"));
        }
        for r in &plan.restarts {
            tally.push_str(&format!(
                "; restart {} ({} pod{} without the readiness gate)",
                short(&r.oref),
                r.pods_without_gate.len(),
                plural(r.pods_without_gate.len())
            ));
        }
        ui.note(tally);
        Ok(())
    }

    fn tell_results(&self, plan: &Plan, applied: &Applied, send: Send, ui: &Ui) {
        if send == Send::Plan {
            return;
        }
        let results = plan
            .items
            .iter()
            .map(|i| &i.oref)
            .zip(&applied.items)
            .chain(plan.restarts.iter().map(|r| &r.oref).zip(&applied.restarts));
        for (i, (oref, outcome)) in results.enumerate() {
            let what = short(oref);
            let restart = i >= plan.items.len();
            match outcome {
                Outcome::Applied {
                    resource_version,
                    attempts,
                } => ui.note(format!(
                    "{what}: {} (resourceVersion {resource_version}{})",
                    if restart { "restarted" } else { "patched" },
                    if *attempts > 1 {
                        format!(", after {} conflicts", attempts - 1)
                    } else {
                        String::new()
                    }
                )),
                Outcome::DryRun { .. } => ui.note(format!(
                    "{what}: accepted by the server (dry run, nothing stored)"
                )),
                Outcome::Failed(e) => {
                    let _ = writeln!(
                        std::io::stderr().lock(),
                        "{}: {what}: {e}",
                        ui.paint_error("error")
                    );
                }
                Outcome::NotSent if plan.items.get(i).is_none_or(|it| it.change.is_some()) => {
                    ui.note(format!("{what}: not sent (an earlier change failed)"))
                }
                Outcome::Unchanged(why) if why.contains("another writer") => {
                    ui.note(format!("{what}: {why}"))
                }
                _ => {}
            }
        }
        if applied.failed() {
            ui.note(if applied.wrote() {
                "stopped at the first failure: the objects above marked patched were changed, the rest were not"
            } else {
                "nothing was changed"
            });
        }
    }

    /// What happens next: rolls, readiness gates, restarts, and how to watch.
    fn advise(&self, plan: &Plan, applied: &Applied, kube: &crate::cli::KubeArgs, ui: &Ui) {
        if self.intent != Intent::Enable {
            return;
        }
        let wrote = applied.wrote();
        let switched = plan
            .items
            .iter()
            .zip(&applied.items)
            .any(|(i, o)| !i.oref.kind.is_workload() && o.wrote());
        let named = plan
            .items
            .iter()
            .filter(|i| {
                i.selected == plan::Selected::Named && !matches!(i.verdict, Verdict::Skip(_))
            })
            .map(|i| short(&i.oref))
            .collect::<Vec<_>>()
            .join(" ");
        let ns = &self.namespace;
        let mut seen: Vec<&crate::model::ObjectRef> = Vec::new();
        let mut rolled_before_switch = false;
        for b in &plan.behind {
            if seen.contains(&&b.workload) {
                continue;
            }
            seen.push(&b.workload);
            let w = short(&b.workload);
            if wrote && b.rolls {
                ui.note(format!(
                    "{w} will roll: its pod template changed, and its new pods get an ENI IP"
                ));
                rolled_before_switch |= switched;
            } else if wrote && b.restart {
                ui.note(format!(
                    "{w} will roll: restarted so that its new pods get the readiness gate"
                ));
            } else if let (Some(why), false) = (&b.rolling_out, b.without_gate.is_empty()) {
                ui.note(format!(
                    "{w} is rolling out ({why}): the pods it creates now get the readiness gate; no restart needed"
                ));
            } else if !b.without_gate.is_empty() && !b.restart {
                ui.note(format!(
                    "{} pod{} of {w} lack{} the readiness gate {READINESS_GATE} (created before direct access, they turn Ready before the CLB has health-checked them): {}\n  re-create them: tkedirect enable {named} -n {ns} --restart   (or: kubectl rollout restart {w} -n {ns})",
                    b.without_gate.len(),
                    plural(b.without_gate.len()),
                    if b.without_gate.len() == 1 { "s" } else { "" },
                    b.without_gate.join(", "),
                ));
            }
        }
        if rolled_before_switch {
            ui.note(format!(
                "pods created by these rollouts before the switch above took effect may lack the readiness gate: if `tkedirect doctor` reports pod-readiness-gate-missing once they are done, run tkedirect enable {named} -n {ns} --restart"
            ));
        }
        if wrote {
            let mut cmd = format!("tkedirect doctor -n {ns}");
            if let Some(c) = &kube.context {
                cmd.push_str(&format!(" --context {c}"));
            }
            if let Some(k) = &kube.kubeconfig {
                cmd.push_str(&format!(" --kubeconfig {}", k.display()));
            }
            ui.note(format!("watch the rollout and the CLB binding: {cmd}"));
        }
    }

    fn print_json(
        &self,
        plan: &Plan,
        applied: &Applied,
        mode: &'static str,
        exit: Exit,
    ) -> anyhow::Result<()> {
        let objects: Vec<json_v1::Object> = plan
            .items
            .iter()
            .zip(&applied.items)
            .map(|(item, o)| {
                let diff = item.change.as_ref().map(|c| {
                    render::diff::unified(&self.diff_name(item), &c.before, &c.after, false)
                });
                json_v1::Object::new(item, o, diff)
            })
            .collect();
        let restarts: Vec<json_v1::RestartResult> = plan
            .restarts
            .iter()
            .zip(&applied.restarts)
            .map(|(r, o)| json_v1::RestartResult::new(r, o, &self.now))
            .collect();
        let count = |status: &str| objects.iter().filter(|o| o.result.status == status).count();
        let output = json_v1::Output {
            version: json_v1::VERSION,
            command: verb(self.intent),
            namespace: self.namespace.clone(),
            cluster: json_v1::Cluster {
                version: self.version.clone(),
                network_mode: self.mode.to_string(),
                network_mode_source: if self.mode_given { "flag" } else { "detected" },
                detected_network_mode: self.detected.as_str().to_string(),
            },
            dry_run: match self.dry_run {
                DryRunArg::None => "none",
                DryRunArg::Client => "client",
                DryRunArg::Server => "server",
            },
            mode,
            prerequisites: json_v1::Prerequisites {
                passed: !self.findings.iter().any(|f| f.severity == Severity::Error),
                forced: self.forced,
                findings: self
                    .findings
                    .iter()
                    .map(|f| json_v1::Finding {
                        check: f.check.to_string(),
                        severity: f.severity.as_str().to_string(),
                        message: f.message.clone(),
                        fix: f.fix.clone(),
                    })
                    .collect(),
            },
            summary: json_v1::Summary {
                changes: plan.changes().count(),
                applied: count("applied"),
                unchanged: count("unchanged"),
                skipped: count("skipped"),
                failed: count("failed")
                    + restarts
                        .iter()
                        .filter(|r| r.result.status == "failed")
                        .count(),
                restarts: restarts.len(),
                exit_code: exit.code(),
            },
            objects,
            restarts,
            workloads: plan.behind.iter().map(json_v1::Workload::from).collect(),
            notes: plan.notes.clone(),
        };
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut stdout, &output)?;
        stdout.write_all(b"\n")?;
        stdout.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms() {
        assert!(is_yes("y\n"));
        assert!(is_yes(" YES \n"));
        assert!(!is_yes("\n"));
        assert!(!is_yes("no"));
        assert!(!is_yes("yep"));
    }
}
