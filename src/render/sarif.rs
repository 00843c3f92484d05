//! `-o sarif`: SARIF 2.1.0 with one rule per registered check (`ruleId` = `tkedirect/<id>`), logical
//! locations naming the Kubernetes object (`<namespace>/<Kind>/<name>`), and — for manifests (`doctor -f`)
//! — a physical location (`artifactLocation.uri` relative to the working directory, as GitHub code scanning
//! expects; `region.startLine/startColumn`) with `partialFingerprints` that do not depend on line numbers,
//! so a re-run matches the same result after unrelated edits.

use std::io::Write;

use serde_json::{Value, json};

use sha2::{Digest, Sha256};

use crate::checks;
use crate::report::{Audit, Field, Finding, Location, Severity};

const DOCS_BASE: &str = "https://github.com/tkedirect/tkedirect/blob/main/docs/checks";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as given on the command line as a SARIF `artifactLocation.uri`, which must be a URI reference:
/// relative to the working directory when it is inside it, with forward slashes and no `./` (as GitHub code
/// scanning expects), else a `file://` URI; characters a URI cannot hold as they are (spaces, `%`, `#`, `?`,
/// `:`, non-ASCII) are percent-encoded.
fn uri(path: &str) -> String {
    let p = std::path::Path::new(path);
    let cwd = std::env::current_dir().ok();
    let inside = cwd
        .as_deref()
        .and_then(|cwd| p.strip_prefix(cwd).ok())
        .map(std::path::Path::to_path_buf);
    let (relative, text) = match inside {
        Some(r) => (true, r.to_string_lossy().into_owned()),
        None => (p.is_relative(), path.to_string()),
    };
    let text = if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text
    };
    let mut text = text.as_str();
    while let Some(rest) = text.strip_prefix("./") {
        text = rest;
    }
    let encoded = percent_encode(text);
    if relative {
        encoded
    } else if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

/// Percent-encode everything but unreserved characters, `/`, `@` and the sub-delimiters (RFC 3986 §2).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/@!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A stable identity for a result: the check, the object and the node, not the line.
fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(f.check.as_bytes());
    if let Some(s) = &f.subject {
        h.update(format!("\0{}\0{:?}\0{}", s.kind, s.namespace, s.name).as_bytes());
    }
    if let Some(l) = &f.location {
        h.update(format!("\0{}", uri(&l.path)).as_bytes());
    }
    for step in &f.field {
        match step {
            Field::Key(k) => h.update(format!("\0k{k}").as_bytes()),
            Field::Index(i) => h.update(format!("\0i{i}").as_bytes()),
        }
    }
    hex::encode(&h.finalize()[..16])
}

fn physical(l: &Location) -> Value {
    json!({
        "artifactLocation": {"uri": uri(&l.path)},
        "region": {"startLine": l.line, "startColumn": l.column},
    })
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
            let mut loc = json!({"logicalLocations": [location]});
            if let Some(l) = f.location.as_ref().filter(|l| l.in_file()) {
                loc["physicalLocation"] = physical(l);
            }
            json!({
                "ruleId": format!("tkedirect/{}", f.check),
                "ruleIndex": index,
                "level": level(f.severity),
                "message": {"text": format!("{} Fix: {}", f.message, f.fix)},
                "locations": [loc],
                "partialFingerprints": {"tkedirectFinding/v1": fingerprint(f)},
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_uri_references() {
        assert_eq!(uri("k8s/web.yaml"), "k8s/web.yaml");
        assert_eq!(uri("./k8s/./web.yaml"), "k8s/./web.yaml");
        assert_eq!(uri("my charts/web #2.yaml"), "my%20charts/web%20%232.yaml");
        assert_eq!(uri("a:b/100%.yaml"), "a%3Ab/100%25.yaml");
        assert_eq!(uri("k8s/café.yaml"), "k8s/caf%C3%A9.yaml");
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("k8s").join("web.yaml");
        assert_eq!(uri(inside.to_str().unwrap()), "k8s/web.yaml");
        if cfg!(unix) && !cwd.starts_with("/nonexistent-root") {
            assert_eq!(
                uri("/nonexistent-root/x y.yaml"),
                "file:///nonexistent-root/x%20y.yaml"
            );
        }
    }
}
