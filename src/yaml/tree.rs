//! A YAML document as a tree of nodes that remember where they are in the source text.
//!
//! The nodes live in an arena ([`super::Arena`]) that the caller owns and resets between documents: a
//! tree is built without an allocation per collection and freed at once, without a walk over its nodes.
//! Nodes are small and `Copy`; scalar texts borrow from the source, or from the arena when decoded.
//!
//! Offsets are byte offsets into the document text the tree was parsed from; lines are 1-based and columns
//! 0-based (in characters), relative to that text. Two parsers build this tree: [`super::reference`] over
//! serde-saphyr's event parser (complete YAML), and [`super::fast`] for the block-style subset real manifests
//! use (much faster; it declines anything unusual and the reference parser takes over).

use std::collections::HashSet;

/// How a scalar was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(self, Style::SingleQuoted | Style::DoubleQuoted)
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NodeKind<'a> {
    /// A scalar with its decoded text. An empty value (`key:` with nothing after it) is a plain scalar
    /// with text `~` and an empty span just after the key.
    Scalar {
        text: &'a str,
        style: Style,
    },
    Map {
        flow: bool,
        entries: &'a [(Node<'a>, Node<'a>)],
    },
    Seq {
        flow: bool,
        items: &'a [Node<'a>],
    },
    Alias,
}

/// A node and its source span.
///
/// * scalars: the token (quotes included; for block scalars `|`/`>` the content lines, not the header);
/// * flow collections: from `{`/`[` to just after `}`/`]`;
/// * block mappings: from the first key to the end of the last value;
/// * block sequences: from the first item's content to the end of the last item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node<'a> {
    pub kind: NodeKind<'a>,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub col: usize,
    /// Carries an anchor (`&name`), so other nodes may alias it: never edit through it.
    pub anchored: bool,
    /// Carries an explicit tag (`!!str`, `!foo`).
    pub tagged: bool,
}

impl<'a> Node<'a> {
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The string value if this is a string in the YAML 1.2 core schema (quoted, or plain and not null,
    /// bool or number).
    pub fn as_string(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, style } => {
                if *style != Style::Plain || self.tagged || plain_is_string(text) {
                    Some(text)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, style: Style::Plain } if is_null(text))
    }

    pub fn entries(&self) -> Option<&[(Node<'a>, Node<'a>)]> {
        match &self.kind {
            NodeKind::Map { entries, .. } => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node<'a>]> {
        match &self.kind {
            NodeKind::Seq { items, .. } => Some(items),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, NodeKind::Map { .. })
    }

    pub fn is_flow(&self) -> bool {
        matches!(
            self.kind,
            NodeKind::Map { flow: true, .. } | NodeKind::Seq { flow: true, .. }
        )
    }

    /// The entry of a mapping with this key.
    pub fn entry(&self, key: &str) -> Option<&(Node<'a>, Node<'a>)> {
        self.entries()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
    }

    /// The value of a mapping entry.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follow a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node<'a>> {
        keys.iter().try_fold(self, |node, key| node.get(key))
    }

    /// Follow a path of mapping keys and sequence indexes.
    pub fn path_segs(&self, path: &[super::edit::Seg]) -> Option<&Node<'a>> {
        use super::edit::Seg;
        path.iter().try_fold(self, |node, seg| match seg {
            Seg::Key(k) => node.get(k),
            Seg::Index(i) => node.items()?.get(*i),
        })
    }

    /// A mapping value as a string (see [`Node::as_string`]).
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Node::as_string)
    }

    /// This node as JSON, resolving plain scalars with the YAML 1.2 core schema. Aliases become null
    /// (callers refuse to edit documents where that matters).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar { text, style } => {
                if *style != Style::Plain || self.tagged {
                    Value::String(text.to_string())
                } else {
                    resolve_plain(text)
                }
            }
            NodeKind::Map { entries, .. } => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), v.to_json()))
                    .collect(),
            ),
            NodeKind::Seq { items, .. } => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Alias => Value::Null,
        }
    }
}

/// Duplicate-key detection for a mapping being built: a scan of the keys seen so far while the mapping is
/// small, a hash set once it is not, so that a mapping with 100,000 keys is not 5·10⁹ comparisons.
#[derive(Debug, Default)]
pub struct KeySet {
    large: Option<HashSet<String>>,
}

impl KeySet {
    const SMALL: usize = 16;

    /// Whether `key` is not among `seen` (the mapping's entries so far); remembers it. Call once per entry,
    /// before pushing it.
    pub fn insert(&mut self, seen: &[(Node<'_>, Node<'_>)], key: &str) -> bool {
        if seen.len() < Self::SMALL {
            return !seen.iter().any(|(k, _)| k.as_str() == Some(key));
        }
        let set = self.large.get_or_insert_with(|| {
            seen.iter()
                .filter_map(|(k, _)| k.as_str().map(str::to_string))
                .collect()
        });
        set.insert(key.to_string())
    }
}

pub fn is_null(text: &str) -> bool {
    matches!(text, "~" | "null" | "Null" | "NULL" | "")
}

fn is_bool(text: &str) -> bool {
    matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
}

fn looks_numeric(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    // Numbers start with a digit or a dot (`.5`, `.inf`); most strings are rejected right here.
    if !t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    if let Some(hex) = t.strip_prefix("0x") {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(oct) = t.strip_prefix("0o") {
        return !oct.is_empty() && oct.chars().all(|c| ('0'..='7').contains(&c));
    }
    matches!(t, ".inf" | ".Inf" | ".INF")
        || matches!(text, ".nan" | ".NaN" | ".NAN")
        || t.parse::<f64>().is_ok()
}

/// Whether a plain scalar is a string in the YAML 1.2 core schema.
pub fn plain_is_string(text: &str) -> bool {
    !(is_null(text) || is_bool(text) || looks_numeric(text))
}

fn resolve_plain(text: &str) -> serde_json::Value {
    use serde_json::Value;
    if is_null(text) {
        return Value::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if looks_numeric(text) {
        if let Ok(i) = text.parse::<i64>() {
            return Value::from(i);
        }
        if let Ok(f) = text.parse::<f64>()
            && let Some(n) = serde_json::Number::from_f64(f)
        {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

/// Words YAML 1.1 readers (kubectl's among them) take for booleans.
pub fn is_yaml11_bool(s: &str) -> bool {
    const YAML11: [&str; 16] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF",
    ];
    YAML11.contains(&s)
}

/// Whether a string written plain would be read back as the same string by YAML 1.1 and 1.2 readers
/// (kubectl's reader is YAML 1.1-ish, so `yes`, `on`, `1_000` and dates must be quoted).
pub fn safe_as_plain(s: &str) -> bool {
    // Letters, digits and `-_./`, starting with a letter, `_` or `/`: never an indicator or a number;
    // then null, the bools and the YAML 1.1 bools remain to rule out.
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    (first.is_ascii_alphabetic() || matches!(first, b'_' | b'/'))
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/'))
        && plain_is_string(s)
        && !is_yaml11_bool(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_set_finds_duplicates_small_and_large() {
        let entry = |k: &str| {
            let node = |text: &str| Node {
                kind: NodeKind::Scalar {
                    text: String::leak(text.to_string()),
                    style: Style::Plain,
                },
                start: 0,
                end: 0,
                line: 1,
                col: 0,
                anchored: false,
                tagged: false,
            };
            (node(k), node("v"))
        };
        let mut keys = KeySet::default();
        let mut seen = Vec::new();
        for i in 0..100 {
            let k = format!("k{i}");
            assert!(keys.insert(&seen, &k), "{k} is new");
            seen.push(entry(&k));
        }
        assert!(!keys.insert(&seen, "k3"), "a key from the small phase");
        assert!(!keys.insert(&seen, "k99"), "a key from the large phase");
        let mut small = KeySet::default();
        assert!(!small.insert(&seen[..2], "k1"));
        assert!(small.insert(&seen[..2], "k2"));
    }

    #[test]
    fn plain_resolution() {
        assert!(!plain_is_string("true"));
        assert!(!plain_is_string("1"));
        assert!(!plain_is_string("~"));
        assert!(!plain_is_string("1e3"));
        assert!(plain_is_string("yes"));
        assert!(plain_is_string("tke-route-eni"));
    }

    #[test]
    fn plain_safety_for_yaml11_readers() {
        assert!(safe_as_plain("tke-route-eni"));
        assert!(!safe_as_plain("true"));
        assert!(!safe_as_plain("yes"));
        assert!(!safe_as_plain("1"));
        assert!(!safe_as_plain("2026-01-01"));
        assert!(!safe_as_plain(""));
        assert!(!safe_as_plain("a: b"));
        assert!(safe_as_plain("/healthz") && safe_as_plain("_x") && safe_as_plain("a.b/c-d_e"));
        assert!(!safe_as_plain("-x") && !safe_as_plain(".x") && !safe_as_plain("null"));
        assert!(!safe_as_plain("é") && !safe_as_plain("a b"));
    }
}
