//! One module per subcommand: wire the adapters to the pure core, render, and return an exit code.

mod check;
mod completions;
pub mod confirm;
mod doctor;
mod edit;
mod explain;
mod live;
pub mod output;
pub mod post_render;
mod sync;

use std::ffi::OsString;
use std::io::Write;

use clap::FromArgMatches;

use crate::cli::invocation::{self, Invocation};
use crate::cli::{Cli, Command, EditArgs, EditRun};
use crate::exit::Exit;
use crate::patch::Intent;
use output::Ui;

/// The whole program: parse arguments, run, print the error story, map to an exit code. `argv[0]` decides
/// the personality: `tkedirect`, the kubectl plugin `kubectl-tkedirect`, or the Helm post-renderer.
pub fn main_entry(args: Vec<OsString>) -> std::process::ExitCode {
    let bin_name = match invocation::from_argv0(args.first().map(OsString::as_os_str)) {
        Invocation::PostRender => return post_render::main_entry(args),
        Invocation::Cli { bin_name } => bin_name,
    };
    let mut command = invocation::command(bin_name);
    let parsed = command
        .try_get_matches_from_mut(args)
        .and_then(|m| Cli::from_arg_matches(&m).map_err(|e| e.format(&mut command)));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let ui = Ui::new(&cli.global);
    let result = run(cli, &ui);
    finish(result, &ui)
}

/// clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
fn usage_error(e: &clap::Error) -> std::process::ExitCode {
    let code = if e.use_stderr() {
        Exit::Error
    } else {
        Exit::Ok
    };
    let _ = e.print();
    code.into()
}

/// Map a run's result to the exit code, telling the error story on stderr. A closed stdout is a quiet 0.
fn finish(result: anyhow::Result<Exit>, ui: &Ui) -> std::process::ExitCode {
    match result {
        Ok(exit) => exit.into(),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return Exit::Ok.into();
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{}: {err}", ui.paint_error("error"));
            // A cause whose words the line above already carries (errors that print their source) is
            // not said twice.
            let mut said = err.to_string();
            for cause in err.chain().skip(1) {
                let text = cause.to_string();
                if said.contains(&text) {
                    continue;
                }
                let _ = writeln!(stderr, "  caused by: {text}");
                said = text;
            }
            Exit::Error.into()
        }
    }
}

/// `enable` / `disable`: manifests with -f, else live objects, decided once by the parser.
fn files_or_live(intent: Intent, args: EditArgs, ui: &Ui) -> anyhow::Result<Exit> {
    match args.resolve(intent)? {
        EditRun::Files(files) => edit::run_edit(intent, files, ui),
        EditRun::Live(edit) => live::run(intent, edit, ui),
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli, ui: &Ui) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Enable(args) => files_or_live(Intent::Enable, args, ui),
        Command::Disable(args) => files_or_live(Intent::Disable, args, ui),
        Command::Diff(args) => edit::run_diff(args, ui),
        Command::Check(args) => check::run(args, ui),
        Command::Doctor(args) => doctor::run(args, ui),
        Command::Explain(args) => explain::run(args),
        Command::Sync(args) => sync::run(args, ui),
        Command::Completions { shell } => completions::run(shell),
    }
}
