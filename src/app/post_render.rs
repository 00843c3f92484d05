//! `tkedirect-render`, the Helm post-renderer: `tkedirect enable -f -` configured by flags or environment.

use std::ffi::OsString;
use std::path::PathBuf;

use super::edit;
use super::output::Ui;
use crate::cli::{Deliver, FilesEdit, InputArgs, render};
use crate::patch::Intent;

/// The post-renderer's whole program (the `tkedirect-render` binary, or `tkedirect` invoked by that name).
pub fn main_entry(args: Vec<OsString>) -> std::process::ExitCode {
    let cli = match render::parse(args) {
        Ok(cli) => cli,
        Err(e) => return super::usage_error(&e),
    };
    let ui = Ui::new(&cli.global);
    let files = FilesEdit {
        input: InputArgs {
            files: vec![PathBuf::from("-")],
            recursive: false,
        },
        patch: cli.patch,
        deliver: Deliver::Print,
        force: false,
    };
    let result = edit::run_edit(Intent::Enable, files, &ui);
    super::finish(result, &ui)
}
