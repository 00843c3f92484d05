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

/// Parse one document: the fast block-style parser when it can, else the reference parser.
pub fn parse(text: &str) -> Result<Option<Node<'_>>, ParseError> {
    fast::parse(text).or_else(|_declined| reference::parse(text))
}
