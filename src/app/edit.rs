//! enable / disable / diff on manifest files.
use crate::app::output::Ui;
use crate::cli::{DiffArgs, EditArgs};
use crate::exit::Exit;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Enable,
    Disable,
}

pub fn run_edit(_mode: Mode, _args: EditArgs, _ui: &Ui) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}

pub fn run_diff(_args: DiffArgs, _ui: &Ui) -> anyhow::Result<Exit> {
    anyhow::bail!("not implemented yet")
}
