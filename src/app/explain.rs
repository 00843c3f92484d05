//! `tkedirect explain [<id>]`: a check's docs page (the same text as docs/checks/<id>.md), or the list.

use std::io::Write;

use crate::checks;
use crate::cli::ExplainArgs;
use crate::exit::Exit;

pub fn run(args: ExplainArgs) -> anyhow::Result<Exit> {
    let text = match args.id.as_deref() {
        Some(id) => match checks::find(id.trim_start_matches("tkedirect/")) {
            Some(c) => c.docs.to_string(),
            None => {
                anyhow::bail!("unknown check `{id}`; run `tkedirect explain` to list the checks")
            }
        },
        None => {
            let width = checks::ALL.iter().map(|c| c.id.len()).max().unwrap_or(0);
            let mut s = String::new();
            for c in checks::ALL {
                s.push_str(&format!(
                    "{:<width$}  {:<7}  {}\n",
                    c.id,
                    c.severity.as_str(),
                    c.summary
                ));
            }
            s
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(Exit::Ok)
}
