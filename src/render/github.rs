//! `-o github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error file=k8s/web.yaml,line=7,col=46,title=tkedirect/<id>::<object>: <message> Fix: <fix>`; without
//! `file`, `line` and `col` for live objects and for standard input, which the runner has no file for).

use std::io::Write;

use crate::report::{Audit, Severity};

/// Escape workflow-command data (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn audit<W: Write>(w: &mut W, report: &Audit) -> std::io::Result<()> {
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut object = f
            .subject
            .as_ref()
            .map_or_else(|| "cluster".to_string(), |s| s.to_string());
        let mut props = String::new();
        match &f.location {
            Some(l) if l.in_file() => props.push_str(&format!(
                "file={},line={},col={},",
                property(&l.path),
                l.line,
                l.column
            )),
            // Standard input: no file to annotate, so the position goes into the message.
            Some(l) => object.push_str(&format!(" ({l})")),
            None => {}
        }
        writeln!(
            w,
            "::{level} {props}title={}::{}",
            property(&format!("tkedirect/{}", f.check)),
            data(&format!("{object}: {} Fix: {}", f.message, f.fix))
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(data("50%\nx"), "50%25%0Ax");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
