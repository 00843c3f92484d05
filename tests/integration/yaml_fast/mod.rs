//! The fast YAML parser against the reference parser: whenever the fast parser accepts a document, its
//! tree must equal the reference tree (kinds, texts, styles, spans, lines, columns). Generated
//! manifest-like documents (differential property tests), mutated ones (soundness on broken input),
//! and hand-written fixtures under tests/fixtures/yaml/.
//!
//! `generator` renders manifest-like YAML; `properties` compares the parsers on generated and mutated
//! documents; `fixtures` holds hand-written cases and the YAML 1.2 table; `corpus` compares them on every file
//! and corpus in the repository and fuzzes them differentially.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tkedirect::yaml::{Arena, Node, NodeKind, fast, reference, split};

mod corpus;
mod fixtures;
mod generator;
mod properties;

use generator::*;

// ---------------------------------------------------------------------------------------------
// Comparing the two parsers

pub(super) enum Outcome {
    Declined,
    Same,
}

/// Parse with both parsers; fail when the fast parser accepts and disagrees with the reference.
pub(super) fn compare(doc: &str) -> Result<Outcome, String> {
    let (a, b) = (Arena::new(), Arena::new());
    let Ok(fast) = fast::parse(doc, &a) else {
        return Ok(Outcome::Declined);
    };
    match reference::parse(doc, &b) {
        Ok(reference) if reference == fast => Ok(Outcome::Same),
        Ok(reference) => Err(format!(
            "fast and reference trees differ for\n{doc:?}\n--- fast:\n{}--- reference:\n{}",
            dump(doc, fast.as_ref()),
            dump(doc, reference.as_ref())
        )),
        Err(e) => Err(format!(
            "fast accepted what the reference rejects ({}:{} {}):\n{doc:?}\n--- fast:\n{}",
            e.line,
            e.col,
            e.message,
            dump(doc, fast.as_ref())
        )),
    }
}

pub(super) fn dump(text: &str, node: Option<&Node<'_>>) -> String {
    fn go(out: &mut String, text: &str, n: &Node<'_>, depth: usize) {
        let span = format!(
            "[{}..{} {}:{}] {:?}",
            n.start,
            n.end,
            n.line,
            n.col,
            text.get(n.start..n.end)
        );
        let pad = "  ".repeat(depth);
        match &n.kind {
            NodeKind::Scalar { text: t, style } => {
                let _ = writeln!(out, "{pad}{style:?} {t:?} {span}");
            }
            NodeKind::Alias => {
                let _ = writeln!(out, "{pad}alias {span}");
            }
            NodeKind::Map { flow, entries } => {
                let _ = writeln!(out, "{pad}map flow={flow} {span}");
                for (k, v) in entries.iter() {
                    go(out, text, k, depth + 1);
                    go(out, text, v, depth + 2);
                }
            }
            NodeKind::Seq { flow, items } => {
                let _ = writeln!(out, "{pad}seq flow={flow} {span}");
                for i in items.iter() {
                    go(out, text, i, depth + 1);
                }
            }
        }
    }
    let mut out = String::new();
    match node {
        Some(n) => go(&mut out, text, n, 0),
        None => out.push_str("None\n"),
    }
    out
}
