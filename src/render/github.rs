//! `-o github`: GitHub Actions workflow commands, one annotation per finding
//! (`::error title=tkedirect/<id>::<object>: <message> Fix: <fix>`).

use crate::checks::Severity;
use crate::report::Report;

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

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let object = f
            .subject
            .as_ref()
            .map_or_else(|| "cluster".to_string(), |s| s.to_string());
        out.push_str(&format!(
            "::{level} title={}::{}\n",
            property(&format!("tkedirect/{}", f.check)),
            data(&format!("{object}: {} Fix: {}", f.message, f.fix))
        ));
    }
    out
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
