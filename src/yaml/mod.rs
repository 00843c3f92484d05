//! Span-aware YAML: split a stream into documents, parse a document into a [`tree::Node`] tree that
//! remembers byte offsets, and splice edits into the original text.

pub mod edit;
pub mod fast;
pub mod reference;
pub mod split;
pub mod style;
pub mod tree;
pub mod verify;

pub use tree::{Node, NodeKind, Style};

/// A YAML syntax error at a position inside one document (1-based line, 0-based column).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Where the nodes of a tree live: allocated by bumping a pointer, freed all at once (`reset`).
pub type Arena = bumpalo::Bump;

/// Parse one document, its nodes in `arena`: the fast block-style parser when it can, else the
/// reference parser.
pub fn parse_in<'a>(text: &'a str, arena: &'a Arena) -> Result<Option<Node<'a>>, ParseError> {
    match fast::parse(text, arena) {
        Ok(root) => Ok(root),
        Err(_declined) => reference::parse(text, arena),
    }
}

/// [`parse_in`] with an arena of its own that is never freed: for tests and one-off reads only (the
/// engine parses every document into a per-thread arena it resets).
pub fn parse(text: &str) -> Result<Option<Node<'_>>, ParseError> {
    parse_in(text, Box::leak(Box::default()))
}
