//! The reference tree builder: complete YAML via serde-saphyr's span-reporting event parser.

use serde_saphyr::granit_parser::{
    ErrorKind, Event, Parser, ScalarStyle, ScanError, Span, StructureStyle,
};

use super::tree::{KeySet, Node, NodeKind, Style};
use super::{Arena, ParseError};

enum Frame<'a> {
    Map {
        node: Node<'a>,
        entries: Vec<(Node<'a>, Node<'a>)>,
        pending_key: Option<Node<'a>>,
        keys: KeySet,
    },
    Seq {
        node: Node<'a>,
        items: Vec<Node<'a>>,
    },
}

fn offset(m: &serde_saphyr::granit_parser::Marker) -> usize {
    m.byte_offset().unwrap_or_else(|| m.index())
}

fn shell(span: &Span, anchor: usize, tagged: bool) -> Node<'static> {
    Node {
        kind: NodeKind::Alias,
        start: offset(&span.start),
        end: offset(&span.end),
        line: span.start.line(),
        col: span.start.col(),
        anchored: anchor != 0,
        tagged,
    }
}

/// The deepest nesting of block or flow collections the parser accepts (its default limits), which also
/// bounds every recursive walk over the tree.
pub const MAX_DEPTH: usize = 255;

fn scan_error(e: &ScanError) -> ParseError {
    let message = match e.kind() {
        ErrorKind::RecursionLimitExceeded => format!(
            "nested too deeply: more than {MAX_DEPTH} levels of mappings or sequences (no Kubernetes object needs that many)"
        ),
        _ => e.info(),
    };
    ParseError {
        line: e.marker().line(),
        col: e.marker().col(),
        message,
    }
}

/// granit keeps a final line break for clip (`|`) and keep (`|+`) chomping even when the block scalar's
/// last content line ends the text without one. YAML 1.2 has no break to keep there (`b-chomped-last` is
/// `<end-of-input>`): `a: |\n  echo hi` is `"echo hi"`, as libyaml and go-yaml read it. Correct that here,
/// so that a value at the end of a file without a final newline is read as it is.
fn drop_unterminated_break(source: &str, node: &Node<'_>, value: &mut String) {
    if node.end != source.len() || source.ends_with(['\n', '\r']) || !value.ends_with('\n') {
        return;
    }
    let last = source
        .rfind(['\n', '\r'])
        .map_or(source, |i| &source[i + 1..]);
    // The last line is content (not an empty line of indentation only).
    if last.bytes().any(|b| b != b' ') || last.len() > node.col {
        value.pop();
    }
}

/// Parse one document into `arena`. `Ok(None)` for a document with no content (only comments, or empty).
pub fn parse<'a>(source: &'a str, arena: &'a Arena) -> Result<Option<Node<'a>>, ParseError> {
    let mut parser = Parser::new_from_str(source);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut root: Option<Node<'_>> = None;
    let mut documents = 0;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| scan_error(&e))?;
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(ParseError {
                        line: span.start.line(),
                        col: span.start.col(),
                        message: "a second document starts here without a `---` line".into(),
                    });
                }
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let mut node = shell(&span, anchor, tag.is_some());
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let mut value = text.into_owned();
                if matches!(style, Style::Literal | Style::Folded) {
                    drop_unterminated_break(source, &node, &mut value);
                }
                node.kind = NodeKind::Scalar {
                    text: arena.alloc_str(&value),
                    style,
                };
                node
            }
            Event::Alias(_) | Event::UnresolvedAlias(_) => shell(&span, 0, false),
            Event::MappingStart(style, anchor, tag) => {
                let node = shell(&span, anchor, tag.is_some());
                let node = Node {
                    kind: NodeKind::Map {
                        flow: style == StructureStyle::Flow,
                        entries: &[],
                    },
                    ..node
                };
                stack.push(Frame::Map {
                    node,
                    entries: Vec::new(),
                    pending_key: None,
                    keys: KeySet::default(),
                });
                continue;
            }
            Event::SequenceStart(style, anchor, tag) => {
                let node = shell(&span, anchor, tag.is_some());
                let node = Node {
                    kind: NodeKind::Seq {
                        flow: style == StructureStyle::Flow,
                        items: &[],
                    },
                    ..node
                };
                stack.push(Frame::Seq {
                    node,
                    items: Vec::new(),
                });
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => {
                let frame = stack.pop().expect("balanced events");
                let (mut node, last_end) = match frame {
                    Frame::Map {
                        mut node, entries, ..
                    } => {
                        let last = entries.last().map(|(k, v)| k.end.max(v.end));
                        if let NodeKind::Map { entries: e, .. } = &mut node.kind {
                            *e = arena.alloc_slice_copy(&entries);
                        }
                        (node, last)
                    }
                    Frame::Seq { mut node, items } => {
                        let last = items.last().map(|n| n.end);
                        if let NodeKind::Seq { items: i, .. } = &mut node.kind {
                            *i = arena.alloc_slice_copy(&items);
                        }
                        (node, last)
                    }
                };
                node.end = if node.is_flow() {
                    offset(&span.end)
                } else {
                    last_end.unwrap_or(node.start)
                };
                node
            }
            _ => continue,
        };
        // Attach the finished node to its parent.
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                pending_key,
                keys,
                ..
            }) => match pending_key.take() {
                None => {
                    let Some(key) = node.as_str() else {
                        return Err(ParseError {
                            line: node.line,
                            col: node.col,
                            message: "a mapping key that is not a plain string (complex key)"
                                .into(),
                        });
                    };
                    if !keys.insert(entries, key) {
                        return Err(ParseError {
                            line: node.line,
                            col: node.col,
                            message: format!("duplicate key `{key}`"),
                        });
                    }
                    *pending_key = Some(node);
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference parser, with an arena of its own (never freed; tests are short).
    fn parse(text: &str) -> Result<Option<Node<'_>>, ParseError> {
        super::parse(text, Box::leak(Box::default()))
    }

    #[test]
    fn spans_and_values() {
        let text = "a: 1\nb:\n  c: \"x\" # hi\n  d: [1, 2]\n";
        let root = parse(text).unwrap().unwrap();
        let b = root.get("b").unwrap();
        assert_eq!(&text[b.start..b.end], "c: \"x\" # hi\n  d: [1, 2]");
        let c = b.get("c").unwrap();
        assert_eq!(&text[c.start..c.end], "\"x\"");
        assert_eq!(
            root.to_json(),
            serde_json::json!({"a": 1, "b": {"c": "x", "d": [1, 2]}})
        );
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!((err.line, err.col), (3, 0));
        assert!(err.message.contains("duplicate key `a`"));
    }

    #[test]
    fn deep_nesting_is_a_clear_error() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("a: {}{}\n", open.repeat(n), close.repeat(n))
        };
        assert!(parse(&deep("[", "]", MAX_DEPTH - 1)).is_ok());
        for text in [deep("[", "]", 10_000), deep("{a: ", "}", 10_000)] {
            let err = parse(&text).unwrap_err();
            assert!(err.message.starts_with("nested too deeply"), "{err:?}");
            assert_eq!(err.line, 1);
        }
        let block: String = (0..1000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        let err = parse(&block).unwrap_err();
        assert!(err.message.starts_with("nested too deeply"), "{err:?}");
    }

    #[test]
    fn comment_only_document_has_no_root() {
        assert!(parse("# just a comment\n").unwrap().is_none());
        // An explicit `---` with nothing after it is a null document.
        assert!(
            parse("--- # sep\n# c\n")
                .unwrap()
                .is_some_and(|n| n.is_null())
        );
    }
}
