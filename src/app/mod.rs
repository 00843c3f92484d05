//! One module per subcommand: wire the adapters to the pure core, render, and return an exit code.

mod check;
mod doctor;
mod edit;
mod explain;
mod live;
pub mod output;
mod sync;

use std::ffi::OsString;
use std::io::Write;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::exit::Exit;
use output::Ui;

/// The whole program: parse arguments, run, print the error story, map to an exit code.
pub fn main_entry(args: Vec<OsString>) -> std::process::ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let code = if e.use_stderr() {
                Exit::Error
            } else {
                Exit::Ok
            };
            let _ = e.print();
            return code.into();
        }
    };
    let ui = Ui::new(&cli.global);
    match run(cli, &ui) {
        Ok(exit) => exit.into(),
        Err(err) => {
            if output::is_broken_pipe(&err) {
                return Exit::Ok.into();
            }
            let mut stderr = std::io::stderr().lock();
            let _ = writeln!(stderr, "{}: {err}", ui.paint_error("error"));
            for cause in err.chain().skip(1) {
                let _ = writeln!(stderr, "  caused by: {cause}");
            }
            Exit::Error.into()
        }
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli, ui: &Ui) -> anyhow::Result<Exit> {
    match cli.command {
        Command::Enable(args) if args.input.files.is_empty() => {
            live::run(crate::patch::Intent::Enable, args, ui)
        }
        Command::Disable(args) if args.input.files.is_empty() => {
            live::run(crate::patch::Intent::Disable, args, ui)
        }
        Command::Enable(args) => {
            live::reject_with_files(&args)?;
            edit::run_edit(edit::Mode::Enable, args, ui)
        }
        Command::Disable(args) => {
            live::reject_with_files(&args)?;
            edit::run_edit(edit::Mode::Disable, args, ui)
        }
        Command::Diff(args) => edit::run_diff(args, ui),
        Command::Check(args) => check::run(args, ui),
        Command::Doctor(args) => doctor::run(args, ui),
        Command::Explain(args) => explain::run(args),
        Command::Sync(args) => sync::run(args, ui),
    }
}
