//! `enable`, `disable` and `diff` on manifest files and standard input.

use std::io::Write;

use anyhow::Context;

use crate::app::output::Ui;
use crate::cli::manifest::VerifyArg;
use crate::cli::{Deliver, DiffArgs, FilesEdit, InputArgs, PatchArgs};
use crate::exit::Exit;
use crate::patch::engine::{self, Outcome, Source, Verify};
use crate::patch::guard::Hold;
use crate::patch::select::Reason;
use crate::patch::{EniFlavor, Intent, NetworkMode, Options, Verdict};
use crate::render;
use crate::source::files::{self, Origin};
use crate::source::write::atomic_write;
use crate::yaml;

pub fn run_edit(intent: Intent, files: FilesEdit, ui: &Ui) -> anyhow::Result<Exit> {
    run(
        options(intent, &files.patch, files.force),
        &files.input,
        &files.patch,
        files.deliver,
        ui,
    )
}

pub fn run_diff(args: DiffArgs, ui: &Ui) -> anyhow::Result<Exit> {
    let intent = if args.disable {
        Intent::Disable
    } else {
        Intent::Enable
    };
    run(
        options(intent, &args.patch, false),
        &args.input,
        &args.patch,
        Deliver::Diff,
        ui,
    )
}

pub fn options(intent: Intent, patch: &PatchArgs, force: bool) -> Options {
    Options {
        intent,
        mode: patch.network_mode.unwrap_or(NetworkMode::VpcCni),
        eni: patch.eni.unwrap_or(EniFlavor::Shared),
        container: patch.container.clone(),
        force,
    }
}

fn report_errors(ui: &Ui, errors: impl IntoIterator<Item = String>) {
    let mut stderr = std::io::stderr().lock();
    for e in errors {
        let _ = writeln!(stderr, "{}: {e}", ui.paint_error("error"));
    }
}

fn run(
    opts: Options,
    input: &InputArgs,
    patch: &PatchArgs,
    deliver: Deliver,
    ui: &Ui,
) -> anyhow::Result<Exit> {
    let intent = opts.intent;
    if opts.mode == NetworkMode::CiliumOverlay && intent == Intent::Enable {
        anyhow::bail!(
            "--network-mode cilium-overlay: TKE does not support CLB direct pod access with Cilium-Overlay networking (pod IPs are not routable from the CLB); nothing was changed"
        );
    }
    let (inputs, notes) = match files::discover(&input.files, input.recursive) {
        Ok(found) => found,
        Err(errors) => {
            report_errors(ui, errors.iter().map(ToString::to_string));
            return Ok(Exit::Error);
        }
    };
    for n in notes {
        ui.warn(n);
    }
    let mut sources = Vec::with_capacity(inputs.len());
    let mut read_errors = Vec::new();
    for i in &inputs {
        match files::read(i) {
            Ok(text) => sources.push(Source {
                name: i.name.clone(),
                text,
            }),
            Err(e) => read_errors.push(e.to_string()),
        }
    }
    if !read_errors.is_empty() {
        report_errors(ui, read_errors);
        return Ok(Exit::Error);
    }
    if deliver == Deliver::Write && inputs.iter().all(|i| i.origin == Origin::Stdin) {
        ui.detail("--write with standard input: the result goes to standard output");
    }

    let outcome = match engine::run_with(
        &sources,
        &opts,
        &patch.targets,
        patch.namespace.as_deref(),
        match patch.verify {
            VerifyArg::Fast => Verify::Fast,
            VerifyArg::Reference => Verify::Reference,
        },
    ) {
        Ok(o) => o,
        Err(diags) => {
            report_errors(
                ui,
                diags.iter().map(|d| {
                    format!(
                        "{}:{}:{}: {}",
                        sources[d.source].name, d.line, d.col, d.message
                    )
                }),
            );
            ui.note("nothing was written");
            return Ok(Exit::Error);
        }
    };
    if !outcome.selection.unmatched.is_empty() {
        let scope = patch
            .namespace
            .as_deref()
            .map(|n| format!(" in namespace {n}"))
            .unwrap_or_default();
        report_errors(
            ui,
            outcome
                .selection
                .unmatched
                .iter()
                .map(|t| format!("{t}: not found in the given manifests{scope}")),
        );
        ui.note("nothing was written");
        return Ok(Exit::Error);
    }
    tell(&outcome, &sources, &opts, ui);
    let refused = outcome
        .selection
        .chosen
        .iter()
        .any(|(i, _)| matches!(outcome.records[*i].verdict, Verdict::Held(Hold::Refuse(_))));
    if refused {
        ui.note("nothing was written: `disable --force` does it anyway");
        return Ok(Exit::Error);
    }

    let changed = outcome.outputs.iter().any(Option::is_some);
    let mut stdout = std::io::stdout().lock();
    match deliver {
        Deliver::Diff => {
            for (source, output) in sources.iter().zip(&outcome.outputs) {
                if let Some(new) = output {
                    let new = new.text(&source.text);
                    stdout.write_all(
                        render::diff::unified(&source.name, &source.text, &new, ui.stdout_color)
                            .as_bytes(),
                    )?;
                }
            }
            stdout.flush()?;
            return Ok(if changed { Exit::Changes } else { Exit::Ok });
        }
        Deliver::Print => {
            // Many small files: one write for many of them (a large one goes out in vectored batches).
            let mut out = std::io::BufWriter::with_capacity(1 << 16, &mut stdout);
            print_all(&mut out, &sources, &outcome)?;
            out.flush()?;
        }
        Deliver::Write => {
            let mut written = 0;
            for ((input, source), output) in inputs.iter().zip(&sources).zip(&outcome.outputs) {
                match (&input.origin, output) {
                    (Origin::Stdin, Some(new)) => new.write_to(&source.text, &mut stdout)?,
                    (Origin::Stdin, None) => stdout.write_all(source.text.as_bytes())?,
                    (Origin::File(path), Some(new)) => {
                        atomic_write(path, |w| new.write_to(&source.text, w))
                            .with_context(|| format!("could not write {}", input.name))?;
                        written += 1;
                    }
                    (Origin::File(_), None) => {}
                }
            }
            if written > 0 {
                ui.note(format!("wrote {written} file{}", plural(written)));
            }
        }
    }
    stdout.flush()?;
    Ok(Exit::Ok)
}

/// Print every input, patched or not, as one stream that `kubectl apply -f -` accepts. An input that does
/// not end with a line break gets one before the next input's `---`, in a way that changes no value
/// (`yaml::edit::final_line_break`).
fn print_all(out: &mut impl Write, sources: &[Source], outcome: &Outcome) -> std::io::Result<()> {
    let joined = sources.len() > 1;
    for (i, (source, output)) in sources.iter().zip(&outcome.outputs).enumerate() {
        let text = &source.text;
        if i > 0 && joined {
            // Edits never touch the first line of a file, so the original tells how it starts.
            let body = text.strip_prefix('\u{feff}').unwrap_or(text);
            if !body.starts_with("---") {
                out.write_all(b"---\n")?;
            }
        }
        let last = i + 1 == sources.len();
        let ends_with_newline = match output {
            Some(new) => new.ends_with_newline(text),
            None => text.is_empty() || text.ends_with('\n'),
        };
        if !joined || last || ends_with_newline {
            match output {
                Some(new) => new.write_to(text, out)?,
                None => out.write_all(text.as_bytes())?,
            }
            continue;
        }
        let full = match output {
            Some(new) => new.text(text),
            None => text.clone(),
        };
        let ops = yaml::edit::final_line_break(&full);
        out.write_all(yaml::edit::splice(&full, ops).as_bytes())?;
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The conversation: what was linked, what was skipped and why, and a summary line.
fn tell(outcome: &Outcome, sources: &[Source], opts: &Options, ui: &Ui) {
    let verb = match opts.intent {
        Intent::Enable => "enable",
        Intent::Disable => "disable",
    };
    let (mut changed, mut done, mut skipped, mut kept, mut refused) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    // Per-object lines are shown with -v only: on 30,000 objects, formatting them for nothing shows.
    let detail = |ui: &Ui, line: &dyn Fn() -> String| {
        if ui.verbose >= 1 {
            ui.detail(line());
        }
    };
    for (idx, reason) in &outcome.selection.chosen {
        let r = &outcome.records[*idx];
        let at = || format!("{}:{}", sources[r.source].name, r.line);
        let what = &r.summary.oref;
        if let Reason::Linked { from, via } = reason {
            let from = &outcome.records[*from].summary.oref;
            let via = via
                .map(|v| format!(" via {}", outcome.records[v].summary.oref))
                .unwrap_or_default();
            ui.note(format!(
                "linked {what} to {from}{via} (its pod template matches the Service selector)"
            ));
        }
        match &r.verdict {
            Verdict::Change {
                notes, warnings, ..
            } => {
                changed += 1;
                detail(ui, &|| format!("{verb} {what} ({})", at()));
                for n in notes {
                    ui.note(format!("{what}: {n}"));
                }
                for w in warnings {
                    ui.warn(format!("{what}: {w}"));
                }
            }
            Verdict::Held(Hold::Keep(why)) => {
                kept += 1;
                ui.warn(format!("{what}: keeps its ENI opt-in: {why} ({})", at()));
            }
            Verdict::Held(Hold::Refuse(why)) => {
                refused += 1;
                report_errors(ui, [format!("{why} ({})", at())]);
            }
            Verdict::Done(why) => {
                done += 1;
                detail(ui, &|| format!("{what}: {why} ({})", at()));
            }
            Verdict::Skip(why) => {
                skipped += 1;
                if *reason == Reason::Named {
                    ui.warn(format!("{what}: skipped: {why} ({})", at()));
                } else if !(r.summary.oref.kind.is_workload() && opts.mode != NetworkMode::Mixed) {
                    detail(ui, &|| format!("{what}: skipped: {why} ({})", at()));
                }
            }
        }
    }
    for (source, line, kind) in &outcome.unnamed {
        let article = if kind.as_str().starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        ui.warn(format!(
            "{}:{line}: {article} {kind} without metadata.name or metadata.generateName: skipped",
            sources[*source].name
        ));
    }
    let workloads_untouched = outcome
        .selection
        .chosen
        .iter()
        .filter(|(i, _)| outcome.records[*i].summary.oref.kind.is_workload())
        .count();
    let files = outcome.outputs.iter().filter(|o| o.is_some()).count();
    let mut summary = match opts.intent {
        Intent::Enable => format!(
            "{changed} object{} to enable in {files} file{}",
            plural(changed),
            plural(files)
        ),
        Intent::Disable => format!(
            "{changed} object{} to disable in {files} file{}",
            plural(changed),
            plural(files)
        ),
    };
    if done > 0 {
        summary.push_str(&format!(
            ", {done} already {}",
            if opts.intent == Intent::Enable {
                "enabled"
            } else {
                "without direct access"
            }
        ));
    }
    summary.push_str(&render::live::held(kept, refused));
    let shown_skips = if opts.mode == NetworkMode::Mixed {
        skipped
    } else {
        skipped.saturating_sub(workloads_untouched)
    };
    if shown_skips > 0 {
        summary.push_str(&format!(
            ", {shown_skips} skipped{}",
            if ui.verbose == 0 {
                " (-v for reasons)"
            } else {
                ""
            }
        ));
    }
    if opts.mode != NetworkMode::Mixed && workloads_untouched > 0 {
        summary.push_str(&format!(
            "; {workloads_untouched} workload{} left as is (network mode {}; use --network-mode mixed for GlobalRouter + VPC-CNI clusters)",
            plural(workloads_untouched),
            opts.mode
        ));
    }
    ui.note(summary);
    if opts.mode == NetworkMode::GlobalRouter && opts.intent == Intent::Enable && changed > 0 {
        ui.warn("GlobalRouter clusters need GlobalRouteDirectAccess in kube-system/tke-service-controller-config for direct access to work");
    }
}
