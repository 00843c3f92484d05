//! How a document is written: indentation step, quoting habit, line ending, JSON or YAML.
//! New text follows the document's own habits.

use super::tree::{Node, NodeKind, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quote {
    Double,
    Single,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocStyle {
    /// Spaces per nesting level for new block mappings.
    pub indent: usize,
    pub quote: Quote,
    /// Write strings that need no quotes without them (the file mostly does).
    pub plain_strings: bool,
    /// `\r\n` or `\n`.
    pub newline: &'static str,
    /// The document is JSON: new keys and values are JSON strings.
    pub json: bool,
}

impl Default for DocStyle {
    fn default() -> Self {
        DocStyle {
            indent: 2,
            quote: Quote::Double,
            plain_strings: true,
            newline: "\n",
            json: false,
        }
    }
}

#[derive(Default)]
struct Counts {
    indents: [usize; 9],
    double: usize,
    single: usize,
    plain: usize,
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Byte column of an offset (indentation is ASCII spaces, so bytes are what matters).
pub fn byte_col(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

fn walk(node: &Node<'_>, counts: &mut Counts) {
    match &node.kind {
        NodeKind::Scalar { .. } => {}
        NodeKind::Map { flow, entries } => {
            for (k, v) in entries.iter() {
                match &v.kind {
                    NodeKind::Scalar { text: t, style } => match style {
                        Style::DoubleQuoted => counts.double += 1,
                        Style::SingleQuoted => counts.single += 1,
                        // A cheap test is enough for a habit count: words, not numbers or bools.
                        Style::Plain
                            if t.starts_with(|c: char| c.is_ascii_alphabetic())
                                && !matches!(*t, "true" | "false" | "null") =>
                        {
                            counts.plain += 1
                        }
                        _ => {}
                    },
                    NodeKind::Map {
                        flow: false,
                        entries: inner,
                    } if !flow => {
                        if let Some((ik, _)) = inner.first() {
                            // Block keys are preceded by ASCII spaces (or `- `), so columns in
                            // characters are columns in bytes.
                            let step = ik.col.saturating_sub(k.col);
                            if (1..counts.indents.len()).contains(&step) {
                                counts.indents[step] += 1;
                            }
                        }
                    }
                    _ => {}
                }
                walk(v, counts);
            }
        }
        NodeKind::Seq { items, .. } => items.iter().for_each(|i| walk(i, counts)),
        NodeKind::Alias => {}
    }
}

/// Learn the style of a document from its text and tree.
pub fn detect(text: &str, root: &Node<'_>) -> DocStyle {
    let mut counts = Counts::default();
    walk(root, &mut counts);
    let indent = (1..counts.indents.len())
        .max_by_key(|&i| (counts.indents[i], i == 2))
        .filter(|&i| counts.indents[i] > 0);
    let quoted = counts.double + counts.single;
    DocStyle {
        indent: indent.unwrap_or(2),
        quote: if counts.single > counts.double {
            Quote::Single
        } else {
            Quote::Double
        },
        plain_strings: counts.plain >= quoted || quoted == 0,
        newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
        json: root.is_flow()
            && text
                .trim_start_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
                .starts_with('{'),
    }
}
