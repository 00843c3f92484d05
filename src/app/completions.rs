//! `tkedirect completions <shell>`: the script generated from the CLI definition, on stdout.

use std::io::Write;

use crate::cli::generate;
use crate::exit::Exit;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<Exit> {
    let mut out = std::io::stdout().lock();
    out.write_all(generate::completion(shell).as_bytes())?;
    out.flush()?;
    Ok(Exit::Ok)
}
