//! `tkedirect-render`, the Helm post-renderer: `tkedirect enable -f -` configured by flags or environment.

use std::ffi::OsString;
use std::path::PathBuf;

use super::edit::{self, Mode};
use super::output::Ui;
use crate::cli::live::LiveArgs;
use crate::cli::{EditArgs, InputArgs, render};

/// The post-renderer's whole program (the `tkedirect-render` binary, or `tkedirect` invoked by that name).
pub fn main_entry(args: Vec<OsString>) -> std::process::ExitCode {
    let cli = match render::parse(args) {
        Ok(cli) => cli,
        Err(e) => return super::usage_error(&e),
    };
    let ui = Ui::new(&cli.global);
    let args = EditArgs {
        input: InputArgs {
            files: vec![PathBuf::from("-")],
            recursive: false,
        },
        patch: cli.patch,
        live: LiveArgs::default(),
        write: false,
        diff: false,
    };
    let result = edit::run_edit(Mode::Enable, args, &ui);
    super::finish(result, &ui)
}
