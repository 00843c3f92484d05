//! `-o sarif`: SARIF 2.1.0 with one rule per registered check (`ruleId` = `tkedirect/<id>`) and logical
//! locations naming the Kubernetes object (`<namespace>/<Kind>/<name>`).

use std::io::Write;

use serde_json::{Value, json};

use crate::checks;
use crate::report::{Audit, Severity};

const DOCS_BASE: &str = "https://github.com/tkedirect/tkedirect/blob/main/docs/checks";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

pub fn audit<W: Write>(w: &mut W, report: &Audit) -> std::io::Result<()> {
    let rules: Vec<Value> = checks::ALL
        .iter()
        .map(|c| {
            json!({
                "id": format!("tkedirect/{}", c.id),
                "name": c.id,
                "shortDescription": {"text": c.summary},
                "helpUri": format!("{DOCS_BASE}/{}.md", c.id),
                "help": {"text": c.docs, "markdown": c.docs},
                "defaultConfiguration": {"level": level(c.severity)},
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let index = checks::ALL
                .iter()
                .position(|c| c.id == f.check)
                .unwrap_or(0);
            let location = match &f.subject {
                Some(s) => json!({
                    "name": s.name,
                    "fullyQualifiedName": match &s.namespace {
                        Some(ns) => format!("{ns}/{}/{}", s.kind, s.name),
                        None => format!("{}/{}", s.kind, s.name),
                    },
                    "kind": "resource",
                }),
                None => {
                    json!({"name": "cluster", "fullyQualifiedName": "cluster", "kind": "resource"})
                }
            };
            json!({
                "ruleId": format!("tkedirect/{}", f.check),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [{"logicalLocations": [location]}],
            })
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tkedirect",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/tkedirect/tkedirect",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *w, &sarif)?;
    w.write_all(b"\n")
}
