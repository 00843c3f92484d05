//! Live `enable` / `disable` for people and machines: the diffs on stdout, the conversation (what was
//! linked, skipped, sent, what happens next) on stderr, or the `-o json` payload in the one envelope.
//! Everything here writes to an `impl Write`; the run itself is `live::run`.

use std::io::{self, Write};

use super::diff::unified;
use super::first_few;
use crate::live::apply::PatchOutcome;
use crate::live::json_v1::LiveV1;
use crate::live::plan::{Item, LivePlan, Selected, short};
use crate::live::{Held, LiveOutcome, Prelude, Refusal, Sent};
use crate::model::ObjectRef;
use crate::model::consts::READINESS_GATE;
use crate::patch::guard::Hold;
use crate::patch::{Intent, Verdict};
use crate::report::envelope;

/// Pods named in a line of text before "and N more" (JSON lists them all).
const PODS_SHOWN: usize = 5;

/// How the conversation is written: colored prefixes, and whether only errors are said (`-q`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Voice {
    pub color: bool,
    pub quiet: bool,
}

impl Voice {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn note(&self, w: &mut impl Write, msg: impl AsRef<str>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(w, "{}", msg.as_ref())
    }

    fn warn(&self, w: &mut impl Write, msg: impl AsRef<str>) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        writeln!(w, "{}: {}", self.paint("1;33", "warning"), msg.as_ref())
    }

    fn error(&self, w: &mut impl Write, msg: impl AsRef<str>) -> io::Result<()> {
        writeln!(w, "{}: {}", self.paint("1;31", "error"), msg.as_ref())
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The name of an item in its diff headers: `shop/service/web`.
pub fn diff_name(namespace: &str, item: &Item) -> String {
    format!(
        "{namespace}/{}/{}",
        item.oref.kind.as_str().to_ascii_lowercase(),
        item.oref.name
    )
}

/// The cluster line, the network-mode warnings and the prerequisites (failures as errors when they refuse
/// the run, else as warnings).
pub fn checked(err: &mut impl Write, v: &Voice, p: &Prelude) -> io::Result<()> {
    for w in &p.warnings {
        v.warn(err, w)?;
    }
    v.note(
        err,
        format!(
            "cluster {}{}: network mode {}, namespace {}",
            p.server,
            p.version
                .as_deref()
                .map(|v| format!(" ({v})"))
                .unwrap_or_default(),
            if p.mode_given {
                format!("{} (given)", p.mode)
            } else if p.detected != p.mode {
                // Cilium overlay, super nodes, unknown: planned as VPC-CNI (pod templates left alone).
                format!(
                    "{} (detected; pod templates planned as {})",
                    p.detected, p.mode
                )
            } else {
                format!("{} (detected)", p.mode)
            },
            p.namespace
        ),
    )?;
    for f in p
        .findings
        .iter()
        .filter(|f| f.severity == crate::report::Severity::Warning)
    {
        v.warn(err, format!("{}: {}", f.check, f.message))?;
    }
    for f in p.failed() {
        let line = format!(
            "prerequisite {} failed: {}\n  fix: {}",
            f.check, f.message, f.fix
        );
        if p.refused {
            v.error(err, line)?;
        } else {
            v.warn(err, line)?;
        }
    }
    if p.forced && p.intent == Intent::Enable {
        v.warn(err, "--force: going on despite the failing prerequisites")?;
    }
    Ok(())
}

/// The plan: a diff per change on `out` (`diffs`: `Some(color)`; `None` with `-o json`, whose document
/// carries them), and on `err` what was linked, what needs nothing or was skipped, the plan's notes and a
/// tally.
pub fn planned(
    out: &mut impl Write,
    err: &mut impl Write,
    v: &Voice,
    diffs: Option<bool>,
    p: &Prelude,
    plan: &LivePlan,
) -> io::Result<()> {
    for item in &plan.items {
        let what = short(&item.oref);
        if let Selected::Linked { from, via } = &item.selected {
            let via = via
                .as_ref()
                .map(|v| format!(" via {}", short(v)))
                .unwrap_or_default();
            v.note(
                err,
                format!(
                    "linked {what} to {}{via} (its pods or pod template match the Service selector)",
                    short(from)
                ),
            )?;
        }
        match &item.verdict {
            Verdict::Change {
                notes, warnings, ..
            } => {
                for n in notes {
                    v.note(err, format!("{what}: {n}"))?;
                }
                for w in warnings {
                    v.warn(err, format!("{what}: {w}"))?;
                }
            }
            Verdict::Held(Hold::Keep(why)) => {
                v.warn(err, format!("{what}: keeps its ENI opt-in: {why}"))?
            }
            Verdict::Held(Hold::Refuse(why)) => v.error(err, why)?,
            Verdict::Done(why) => v.note(err, format!("{what}: {why}"))?,
            Verdict::Skip(why) => match item.selected {
                Selected::Named => v.warn(err, format!("{what}: skipped: {why}"))?,
                Selected::Linked { .. } => v.note(err, format!("{what}: skipped: {why}"))?,
            },
        }
        if let (Some(c), Some(color)) = (&item.change, diffs) {
            out.write_all(
                unified(&diff_name(&p.namespace, item), &c.before, &c.after, color).as_bytes(),
            )?;
        }
    }
    out.flush()?;
    for n in &plan.notes {
        v.warn(err, n)?;
    }
    v.note(err, tally(p.intent, plan))
}

/// `, 2 workloads keep their ENI opt-in, 1 refused`: what the guards of disable held back, for a tally (files
/// and live alike).
pub fn held(kept: usize, refused: usize) -> String {
    let mut out = String::new();
    if kept > 0 {
        out.push_str(&format!(
            ", {kept} workload{} keep{} {} ENI opt-in",
            plural(kept),
            if kept == 1 { "s" } else { "" },
            if kept == 1 { "its" } else { "their" }
        ));
    }
    if refused > 0 {
        out.push_str(&format!(", {refused} refused"));
    }
    out
}

/// `plan: 3 objects to enable, 1 already enabled, 1 skipped; restart deploy/web (2 pods without the
/// readiness gate)`.
fn tally(intent: Intent, plan: &LivePlan) -> String {
    let changes = plan.changes().count();
    let count = |f: fn(&Verdict) -> bool| plan.items.iter().filter(|i| f(&i.verdict)).count();
    let done = count(|v| matches!(v, Verdict::Done(_)));
    let skipped = count(|v| matches!(v, Verdict::Skip(_)));
    let kept = count(|v| matches!(v, Verdict::Held(Hold::Keep(_))));
    let refused = count(|v| matches!(v, Verdict::Held(Hold::Refuse(_))));
    let mut tally = if changes == 0 {
        format!("nothing to {}", intent.as_str())
    } else {
        format!(
            "plan: {changes} object{} to {}",
            plural(changes),
            intent.as_str()
        )
    };
    if done > 0 {
        tally.push_str(&format!(
            "{}{done} already {}",
            if changes == 0 { ": " } else { ", " },
            match intent {
                Intent::Enable => "enabled",
                Intent::Disable => "without direct access",
            }
        ));
    }
    if skipped > 0 {
        tally.push_str(&format!(", {skipped} skipped"));
    }
    tally.push_str(&held(kept, refused));
    for r in &plan.restarts {
        tally.push_str(&format!(
            "; restart {} ({} pod{} without the readiness gate)",
            short(&r.oref),
            r.pods_without_gate.len(),
            plural(r.pods_without_gate.len())
        ));
    }
    tally
}

/// After the run: why nothing was sent, or what each patch did; then what happens next. `watch` is the
/// `tkedirect doctor …` command to follow the rollout with.
pub fn finished(err: &mut impl Write, v: &Voice, o: &LiveOutcome, watch: &str) -> io::Result<()> {
    let p = &o.prelude;
    match o.sent {
        Sent::Refused(Refusal::Guards) => {
            return v.note(err, "nothing was changed: pass --force to disable anyway");
        }
        Sent::Refused(Refusal::Prerequisites) => {
            let n = p.failed().count();
            return v.note(
                err,
                format!(
                    "nothing was changed: fix the failing prerequisite{}, or pass --force to {} anyway",
                    plural(n),
                    p.intent.as_str()
                ),
            );
        }
        Sent::Nothing(Held::NothingToDo) => {}
        Sent::Nothing(Held::ClientDryRun) => v.note(err, "--dry-run=client: nothing was sent")?,
        Sent::Nothing(Held::Declined) => v.note(err, "nothing was changed")?,
        Sent::Nothing(Held::NoTerminal) => v.note(
            err,
            "no terminal to confirm on: nothing was changed; run again with --yes to apply this plan",
        )?,
        Sent::DryRun | Sent::Applied => results(err, v, o)?,
    }
    if !o.applied.failed() {
        advise(err, v, o, watch)?;
    }
    Ok(())
}

fn results(err: &mut impl Write, v: &Voice, o: &LiveOutcome) -> io::Result<()> {
    let plan = &o.plan;
    let results = plan
        .items
        .iter()
        .map(|i| &i.oref)
        .zip(&o.applied.items)
        .chain(
            plan.restarts
                .iter()
                .map(|r| &r.oref)
                .zip(&o.applied.restarts),
        );
    for (i, (oref, outcome)) in results.enumerate() {
        let what = short(oref);
        let restart = i >= plan.items.len();
        match outcome {
            PatchOutcome::Applied {
                resource_version,
                attempts,
            } => v.note(
                err,
                format!(
                    "{what}: {} (resourceVersion {resource_version}{})",
                    if restart { "restarted" } else { "patched" },
                    if *attempts > 1 {
                        format!(", after {} conflicts", attempts - 1)
                    } else {
                        String::new()
                    }
                ),
            )?,
            PatchOutcome::DryRun { .. } => v.note(
                err,
                format!("{what}: accepted by the server (dry run, nothing stored)"),
            )?,
            PatchOutcome::Failed(e, _) => v.error(err, format!("{what}: {e}"))?,
            PatchOutcome::NotSent if plan.items.get(i).is_none_or(|it| it.change.is_some()) => {
                v.note(err, format!("{what}: not sent (an earlier change failed)"))?
            }
            PatchOutcome::Unchanged(why) if why.contains("another writer") => {
                v.note(err, format!("{what}: {why}"))?
            }
            _ => {}
        }
    }
    if o.applied.failed() {
        v.note(
            err,
            if o.applied.wrote() {
                "stopped at the first failure: the objects above marked patched were changed, the rest were not"
            } else {
                "nothing was changed"
            },
        )?;
    }
    Ok(())
}

/// What happens next: rolls, readiness gates, restarts, and how to watch (enable only).
fn advise(err: &mut impl Write, v: &Voice, o: &LiveOutcome, watch: &str) -> io::Result<()> {
    let (p, plan) = (&o.prelude, &o.plan);
    if p.intent != Intent::Enable {
        return Ok(());
    }
    let wrote = o.applied.wrote();
    let switched = plan
        .items
        .iter()
        .zip(&o.applied.items)
        .any(|(i, r)| !i.oref.kind.is_workload() && r.wrote());
    let named = plan
        .items
        .iter()
        .filter(|i| i.selected == Selected::Named && !matches!(i.verdict, Verdict::Skip(_)))
        .map(|i| short(&i.oref))
        .collect::<Vec<_>>()
        .join(" ");
    let ns = &p.namespace;
    let mut seen: Vec<&ObjectRef> = Vec::new();
    let mut rolled_before_switch = false;
    for b in &plan.behind {
        if seen.contains(&&b.workload) {
            continue;
        }
        seen.push(&b.workload);
        let w = short(&b.workload);
        if wrote && b.rolls {
            v.note(
                err,
                format!("{w} will roll: its pod template changed, and its new pods get an ENI IP"),
            )?;
            rolled_before_switch |= switched;
        } else if wrote && b.restart {
            v.note(
                err,
                format!("{w} will roll: restarted so that its new pods get the readiness gate"),
            )?;
        } else if let (Some(why), false) = (&b.rolling_out, b.without_gate.is_empty()) {
            v.note(
                err,
                format!(
                    "{w} is rolling out ({why}): the pods it creates now get the readiness gate; no restart needed"
                ),
            )?;
        } else if !b.without_gate.is_empty() && !b.restart {
            let n = b.without_gate.len();
            v.note(
                err,
                format!(
                    "{n} pod{} of {w} lack{} the readiness gate {READINESS_GATE} (created before direct access, they turn Ready before the CLB has health-checked them): {}\n  re-create them: tkedirect enable {named} -n {ns} --restart   (or: kubectl rollout restart {w} -n {ns})",
                    plural(n),
                    if n == 1 { "s" } else { "" },
                    first_few(&b.without_gate, PODS_SHOWN),
                ),
            )?;
        }
    }
    if rolled_before_switch {
        v.note(
            err,
            format!(
                "pods created by these rollouts before the switch above took effect may lack the readiness gate: if `tkedirect doctor` reports pod-readiness-gate-missing once they are done, run tkedirect enable {named} -n {ns} --restart"
            ),
        )?;
    }
    if wrote {
        v.note(
            err,
            format!("watch the rollout and the CLB binding: {watch}"),
        )?;
    }
    Ok(())
}

/// `-o json`: the run in the one envelope (`command` is `enable` or `disable`).
pub fn json(out: &mut impl Write, o: &LiveOutcome) -> io::Result<()> {
    let diffs = o
        .plan
        .items
        .iter()
        .map(|item| {
            item.change.as_ref().map(|c| {
                unified(
                    &diff_name(&o.prelude.namespace, item),
                    &c.before,
                    &c.after,
                    false,
                )
            })
        })
        .collect();
    envelope::write(out, o.prelude.intent.as_str(), &LiveV1::new(o, diffs))?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Exit;
    use crate::live::apply::Applied;
    use crate::live::plan::Behind;
    use crate::live::{DryRun, Prelude};
    use crate::model::{Kind, NetworkMode};
    use crate::report::{Finding, Severity};

    fn prelude(refused: bool) -> Prelude {
        Prelude {
            intent: Intent::Enable,
            namespace: "shop".into(),
            server: "https://cls".into(),
            version: Some("v1.28.3".into()),
            mode: NetworkMode::VpcCni,
            mode_given: false,
            detected: NetworkMode::VpcCni,
            warnings: vec![],
            findings: vec![Finding::new(
                "global-router-direct-access-off",
                Severity::Error,
                None,
                "the switch is off",
                "turn it on",
            )],
            refused,
            forced: !refused,
            dry_run: DryRun::None,
            now: "2024-05-01T00:00:00Z".into(),
        }
    }

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn failing_prerequisites_are_errors_when_they_refuse_and_warnings_when_forced() {
        let v = Voice::default();
        let refused = text(|w| checked(w, &v, &prelude(true)));
        assert_eq!(
            refused,
            "cluster https://cls (v1.28.3): network mode vpc-cni (detected), namespace shop\n\
             error: prerequisite global-router-direct-access-off failed: the switch is off\n  fix: turn it on\n"
        );
        let forced = text(|w| checked(w, &v, &prelude(false)));
        assert!(forced.contains("warning: prerequisite global-router-direct-access-off failed"));
        assert!(forced.ends_with("warning: --force: going on despite the failing prerequisites\n"));
        // A detected mode planned as another is said as both.
        let overlay = Prelude {
            detected: NetworkMode::CiliumOverlay,
            ..prelude(true)
        };
        assert!(
            text(|w| checked(w, &v, &overlay)).starts_with(
                "cluster https://cls (v1.28.3): network mode cilium-overlay (detected; pod templates planned as vpc-cni), namespace shop\n"
            )
        );
        let quiet = Voice { quiet: true, ..v };
        assert_eq!(
            text(|w| checked(w, &quiet, &prelude(true))),
            "error: prerequisite global-router-direct-access-off failed: the switch is off\n  fix: turn it on\n",
            "-q keeps the errors only"
        );
        let outcome = LiveOutcome {
            prelude: prelude(true),
            plan: LivePlan::default(),
            applied: Applied::default(),
            sent: Sent::Refused(Refusal::Prerequisites),
            exit: Exit::Error,
        };
        assert_eq!(
            text(|w| finished(w, &v, &outcome, "tkedirect doctor -n shop")),
            "nothing was changed: fix the failing prerequisite, or pass --force to enable anyway\n"
        );
    }

    #[test]
    fn long_pod_lists_show_the_first_few() {
        let workload = ObjectRef::new(Kind::Deployment, Some("shop"), "web");
        let pods: Vec<String> = (0..8).map(|i| format!("web-{i}")).collect();
        let outcome = LiveOutcome {
            prelude: prelude(false),
            plan: LivePlan {
                behind: vec![Behind {
                    service: ObjectRef::new(Kind::Service, Some("shop"), "web"),
                    workload,
                    pods: 8,
                    without_gate: pods,
                    rolls: false,
                    restart: false,
                    rolling_out: None,
                }],
                ..Default::default()
            },
            applied: Applied::default(),
            sent: Sent::Nothing(Held::NothingToDo),
            exit: Exit::Ok,
        };
        let said = text(|w| finished(w, &Voice::default(), &outcome, "x"));
        assert!(
            said.starts_with("8 pods of deploy/web lack the readiness gate"),
            "{said}"
        );
        assert!(
            said.contains(": web-0, web-1, web-2, web-3, web-4 and 3 more\n"),
            "{said}"
        );
    }
}
