//! Splice edits into a document's text by location. Nothing is re-serialised: every byte outside the
//! edited lines stays as it was. The caller re-parses the result and compares it with the intended
//! change before trusting it (see `patch::engine`).

use std::fmt;

use super::style::{DocStyle, Quote, byte_col};
use super::tree::{Node, NodeKind, Style, safe_as_plain};

/// One step of a path into a document: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl Seg {
    pub fn key(k: &str) -> Seg {
        Seg::Key(k.to_string())
    }
}

/// Display a path the way kubectl's JSONPath-ish messages do: `spec.template.spec.containers[0]`.
pub struct PathDisplay<'p>(pub &'p [Seg]);

impl fmt::Display for PathDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if k.contains(['.', '/']) => write!(f, "[\"{k}\"]")?,
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// An intended change to a document, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Make the value at `path` this string, creating missing mappings on the way.
    Set { path: Vec<Seg>, value: String },
    /// Remove the key at `path`. Up to `prune` enclosing mappings that this leaves empty are removed too
    /// (a block mapping cannot be empty; an empty flow mapping `{}` the user wrote is kept).
    Remove { path: Vec<Seg>, prune: usize },
}

impl Edit {
    pub fn path(&self) -> &[Seg] {
        match self {
            Edit::Set { path, .. } | Edit::Remove { path, .. } => path,
        }
    }
}

/// Why an edit cannot be made; positions are in the document text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct EditError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

fn err(node: &Node<'_>, message: String) -> EditError {
    EditError {
        line: node.line,
        col: node.col,
        message,
    }
}

/// A text operation: delete `del` bytes at `at`, then insert `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    pub at: usize,
    pub del: usize,
    pub text: String,
    /// Among insertions at the same offset, deeper containers come first.
    pub depth: usize,
}

/// Apply non-overlapping operations to a text.
pub fn splice(text: &str, mut ops: Vec<Op>) -> String {
    ops.sort_by_key(|op| (op.at, std::cmp::Reverse(op.depth)));
    let mut out =
        String::with_capacity(text.len() + ops.iter().map(|o| o.text.len()).sum::<usize>());
    let mut cursor = 0;
    for op in ops {
        debug_assert!(op.at >= cursor, "overlapping edits");
        let at = op.at.max(cursor);
        out.push_str(&text[cursor..at]);
        out.push_str(&op.text);
        cursor = (op.at + op.del).max(cursor);
    }
    out.push_str(&text[cursor..]);
    out
}

// ---- navigation ----------------------------------------------------------------------------------------

enum Walk<'n, 'a> {
    /// The whole path exists; the node at its end and the key that holds it.
    Found {
        node: &'n Node<'a>,
        key: Option<&'n Node<'a>>,
        parent_flow: bool,
    },
    /// The path stops at `container` (a mapping, or an empty value standing where one should be);
    /// `rest` are the missing keys.
    Missing {
        container: &'n Node<'a>,
        key: Option<&'n Node<'a>>,
        parent_flow: bool,
        depth: usize,
    },
}

fn kind_name(node: &Node<'_>) -> &'static str {
    match &node.kind {
        NodeKind::Scalar { .. } if node.is_null() => "an empty value",
        NodeKind::Scalar { .. } => "a scalar",
        NodeKind::Map { .. } => "a mapping",
        NodeKind::Seq { .. } => "a sequence",
        NodeKind::Alias => "an alias",
    }
}

fn guard<'n, 'a>(node: &'n Node<'a>, path: &[Seg]) -> Result<(), EditError> {
    if node.anchored || matches!(node.kind, NodeKind::Alias) {
        return Err(err(
            node,
            format!(
                "YAML anchor or alias at {}: tkedirect does not edit through anchors/aliases; expand it first",
                PathDisplay(path)
            ),
        ));
    }
    // A tag or anchor before a key (`!!str annotations:`, `&a name:`) sits between the line's indentation
    // and the key's text, where new entries take their indentation and removals start: refuse, as for
    // anchors, rather than guess.
    if let NodeKind::Map { entries, .. } = &node.kind
        && let Some((k, _)) = entries.iter().find(|(k, _)| k.tagged || k.anchored)
    {
        let at = if path.is_empty() {
            "the document".to_string()
        } else {
            format!("`{}`", PathDisplay(path))
        };
        return Err(err(
            k,
            format!(
                "YAML tag or anchor on the key `{}` in {at}: tkedirect does not edit mappings whose keys carry one; remove it first",
                k.as_str().unwrap_or("?"),
            ),
        ));
    }
    if node.entry("<<").is_some() {
        return Err(err(
            node,
            format!(
                "YAML merge key `<<` at {}: tkedirect does not edit merged mappings; expand it first",
                PathDisplay(path)
            ),
        ));
    }
    Ok(())
}

fn walk<'n, 'a>(root: &'n Node<'a>, path: &[Seg]) -> Result<Walk<'n, 'a>, EditError> {
    let mut node = root;
    let mut key: Option<&'n Node<'a>> = None;
    let mut parent_flow = false;
    for (depth, seg) in path.iter().enumerate() {
        guard(node, &path[..depth])?;
        match seg {
            Seg::Key(k) => match &node.kind {
                NodeKind::Map { flow, entries } => {
                    match entries.iter().find(|(kn, _)| kn.as_str() == Some(k)) {
                        Some((kn, v)) => {
                            parent_flow = *flow;
                            key = Some(kn);
                            node = v;
                        }
                        None => {
                            return Ok(Walk::Missing {
                                container: node,
                                key,
                                parent_flow,
                                depth,
                            });
                        }
                    }
                }
                NodeKind::Scalar { .. } if node.is_null() && !node.tagged => {
                    return Ok(Walk::Missing {
                        container: node,
                        key,
                        parent_flow,
                        depth,
                    });
                }
                _ => {
                    return Err(err(
                        node,
                        format!(
                            "expected a mapping at {}, found {}",
                            PathDisplay(&path[..depth]),
                            kind_name(node)
                        ),
                    ));
                }
            },
            Seg::Index(i) => match &node.kind {
                NodeKind::Seq { flow, items } if *i < items.len() => {
                    parent_flow = *flow;
                    key = None;
                    node = &items[*i];
                }
                _ => {
                    return Err(err(
                        node,
                        format!(
                            "expected a sequence with item {i} at {}, found {}",
                            PathDisplay(&path[..depth]),
                            kind_name(node)
                        ),
                    ));
                }
            },
        }
    }
    Ok(Walk::Found {
        node,
        key,
        parent_flow,
    })
}

// ---- rendering -----------------------------------------------------------------------------------------

fn quote_double(s: &str) -> String {
    // JSON string syntax is valid YAML double-quoted syntax.
    serde_json::to_string(s).expect("strings serialise")
}

fn render_value(s: &str, style: &DocStyle, keep: Option<Style>) -> String {
    let mut out = String::new();
    push_value(&mut out, s, style, keep);
    out
}

fn push_value(out: &mut String, s: &str, style: &DocStyle, keep: Option<Style>) {
    if style.json {
        return out.push_str(&quote_double(s));
    }
    let quote = match keep {
        Some(Style::SingleQuoted) => Quote::Single,
        Some(Style::DoubleQuoted) => Quote::Double,
        _ if style.plain_strings && safe_as_plain(s) => return out.push_str(s),
        _ => style.quote,
    };
    match quote {
        // The values tkedirect writes need no escapes: no JSON serialiser for them.
        Quote::Double if !s.contains(|c: char| c == '"' || c == '\\' || c.is_control()) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Quote::Double => out.push_str(&quote_double(s)),
        Quote::Single if !s.chars().any(char::is_control) => {
            out.push('\'');
            out.push_str(&s.replace('\'', "''"));
            out.push('\'');
        }
        Quote::Single => out.push_str(&quote_double(s)),
    }
}

fn render_key(k: &str, style: &DocStyle) -> String {
    let mut out = String::new();
    push_key(&mut out, k, style);
    out
}

fn push_key(out: &mut String, k: &str, style: &DocStyle) {
    if !style.json && safe_as_plain(k) {
        out.push_str(k);
    } else {
        out.push_str(&quote_double(k));
    }
}

fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// New keys to add under one existing container, in the order the edits asked for them.
#[derive(Debug, Default)]
struct NewMap<'p>(Vec<(&'p str, NewVal<'p>)>);

#[derive(Debug)]
enum NewVal<'p> {
    Leaf(&'p str),
    Map(NewMap<'p>),
}

impl<'p> NewMap<'p> {
    fn insert(&mut self, keys: &[&'p str], value: &'p str) {
        let (&first, rest) = keys.split_first().expect("a non-empty path");
        let pos = self.0.iter().position(|(k, _)| *k == first);
        if rest.is_empty() {
            match pos {
                Some(i) => self.0[i].1 = NewVal::Leaf(value),
                None => self.0.push((first, NewVal::Leaf(value))),
            }
            return;
        }
        let i = match pos {
            Some(i) => i,
            None => {
                self.0.push((first, NewVal::Map(NewMap::default())));
                self.0.len() - 1
            }
        };
        if !matches!(self.0[i].1, NewVal::Map(_)) {
            self.0[i].1 = NewVal::Map(NewMap::default());
        }
        if let NewVal::Map(m) = &mut self.0[i].1 {
            m.insert(rest, value);
        }
    }

    /// Block lines at `indent`, each ending with the newline.
    fn block(&self, indent: usize, style: &DocStyle, out: &mut String) {
        for (k, v) in &self.0 {
            pad(out, indent);
            push_key(out, k, style);
            out.push(':');
            match v {
                NewVal::Leaf(s) => {
                    out.push(' ');
                    push_value(out, s, style, None);
                    out.push_str(style.newline);
                }
                NewVal::Map(m) => {
                    out.push_str(style.newline);
                    m.block(indent + style.indent, style, out);
                }
            }
        }
    }

    /// Flow entries `k: v, k2: {…}` (no braces).
    fn flow(&self, style: &DocStyle) -> String {
        self.flow_parts(style).join(", ")
    }

    /// Each entry as `k: v`, nested mappings inline.
    fn flow_parts(&self, style: &DocStyle) -> Vec<String> {
        self.0
            .iter()
            .map(|(k, v)| {
                let v = match v {
                    NewVal::Leaf(s) => render_value(s, style, None),
                    NewVal::Map(m) => format!("{{{}}}", m.flow(style)),
                };
                format!("{}: {}", render_key(k, style), v)
            })
            .collect()
    }
}

// ---- text positions ------------------------------------------------------------------------------------

fn line_start(text: &str, at: usize) -> usize {
    memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1)
}

/// The offset just after the line that holds the content ending at `end` (after its newline), or the end
/// of the text when that line has no newline.
fn after_line(text: &str, end: usize) -> usize {
    if end > 0 && text.as_bytes()[end - 1] == b'\n' {
        return end;
    }
    memchr::memchr(b'\n', &text.as_bytes()[end..]).map_or(text.len(), |i| end + i + 1)
}

/// The offset of the end of the line's content (before `\r\n` or `\n`).
fn content_end(text: &str, at: usize) -> usize {
    let eol = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
    if eol > 0 && text.as_bytes()[eol - 1] == b'\r' {
        eol - 1
    } else {
        eol
    }
}

/// Whole lines `[start, end)` to delete; when they run to the end of a text without a final newline, the
/// newline before them goes too, so the text still ends the way it did (unless a block scalar ends with
/// that newline: its value would lose it).
fn line_range(text: &str, root: &Node<'_>, start: usize, end: usize) -> (usize, usize) {
    if end == text.len() && !text.ends_with('\n') && start > 0 && !block_scalar_reaches(root, start)
    {
        let nl = if text[..start].ends_with("\r\n") {
            2
        } else {
            1
        };
        return (start - nl, end);
    }
    (start, end)
}

fn first_on_line(text: &str, at: usize) -> bool {
    // Walk back over spaces: a newline (or the start) means first on its line.
    let b = &text.as_bytes()[..at];
    b.iter()
        .rev()
        .find(|&&c| c != b' ')
        .is_none_or(|&c| c == b'\n')
}

/// The node whose text ends a block collection: its last entry's value or last item, recursively.
fn last_leaf<'n, 'a>(node: &'n Node<'a>) -> &'n Node<'a> {
    match &node.kind {
        NodeKind::Map {
            flow: false,
            entries,
        } => entries
            .last()
            .map_or(node, |(k, v)| if v.end >= k.end { last_leaf(v) } else { k }),
        NodeKind::Seq { flow: false, items } => items.last().map_or(node, last_leaf),
        _ => node,
    }
}

fn is_block_scalar(node: &Node<'_>) -> bool {
    matches!(
        node.kind,
        NodeKind::Scalar {
            style: Style::Literal | Style::Folded,
            ..
        }
    )
}

/// The start of the line after the lines of `node` (or the end of the text). A block scalar's span runs
/// past its trailing empty lines and into the indentation of the next line, which is not part of it:
/// the next line starts at that indentation, not after it.
fn lines_end(text: &str, node: &Node<'_>) -> usize {
    let leaf = last_leaf(node);
    if is_block_scalar(leaf) {
        let ls = line_start(text, leaf.end);
        if text[ls..leaf.end].bytes().all(|b| b == b' ') {
            return ls;
        }
    }
    after_line(text, node.end)
}

/// The lines of the deepest block mapping entry (whose key starts its line) or block sequence item (whose
/// dash starts its line) on the way to `target`: the number of path segments that lead to it, and its
/// byte range, from the start of its first line to the start of the line after its last. A document's
/// text in such a range reads the same on its own (as a document of one entry or item) as in place: the
/// next line is indented no deeper than the entry or item, which ends every node inside it, and what came
/// before its first line does not matter to it. `None` when there is no such entry or item.
pub fn line_region(
    text: &str,
    root: &Node<'_>,
    target: &[Seg],
) -> Option<(usize, std::ops::Range<usize>)> {
    let mut node = root;
    // The deepest such entry or item: its path length, where its first line starts, and its value.
    let mut best = None;
    for (i, seg) in target.iter().enumerate() {
        match (&node.kind, seg) {
            (
                NodeKind::Map {
                    flow: false,
                    entries,
                },
                Seg::Key(k),
            ) => {
                let (key, value) = entries.iter().find(|(kn, _)| kn.as_str() == Some(k))?;
                if first_on_line(text, key.start) {
                    best = Some((i + 1, key.start, value));
                }
                node = value;
            }
            (NodeKind::Seq { flow: false, items }, Seg::Index(j)) => {
                let item = items.get(*j)?;
                let ls = line_start(text, item.start);
                let dash = text[ls..item.start].trim_start_matches(' ');
                if dash.len() >= 2 && dash.starts_with('-') && dash[1..].bytes().all(|b| b == b' ')
                {
                    best = Some((i + 1, ls, item));
                }
                node = item;
            }
            _ => break,
        }
    }
    let (len, first, value) = best?;
    Some((len, line_start(text, first)..lines_end(text, value)))
}

/// Whether `node` ends with a block scalar whose last content line ends the text without a line break:
/// a line added after it would give that scalar a final newline it does not have.
fn ends_unterminated(text: &str, node: &Node<'_>) -> bool {
    let leaf = last_leaf(node);
    is_block_scalar(leaf)
        && leaf.end == text.len()
        && !text[line_start(text, leaf.end)..]
            .bytes()
            .all(|b| b == b' ')
}

/// Whether a block scalar's lines reach the line break just before `at` (removing that break would change
/// its value).
fn block_scalar_reaches(node: &Node<'_>, at: usize) -> bool {
    if node.start >= at || node.end < at {
        return false;
    }
    match &node.kind {
        NodeKind::Scalar { .. } => is_block_scalar(node),
        NodeKind::Map { entries, .. } => entries.iter().any(|(_, v)| block_scalar_reaches(v, at)),
        NodeKind::Seq { items, .. } => items.iter().any(|i| block_scalar_reaches(i, at)),
        NodeKind::Alias => false,
    }
}

/// The offset just after the `:` that follows a key.
fn after_colon(text: &str, key: &Node<'_>) -> usize {
    text[key.end..]
        .find(':')
        .map_or(key.end, |i| key.end + i + 1)
}

/// Insert block `lines` (each ending with a newline) at a line boundary `at`.
fn insert_lines(text: &str, at: usize, lines: String, style: &DocStyle, depth: usize) -> Op {
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        // The document's last line has no newline: start a new line and leave the end as it was.
        let body = lines.strip_suffix(style.newline).unwrap_or(&lines);
        return Op {
            at,
            del: 0,
            text: format!("{}{}", style.newline, body),
            depth,
        };
    }
    Op {
        at,
        del: 0,
        text: lines,
        depth,
    }
}

// ---- edits ---------------------------------------------------------------------------------------------

/// Plan the text operations for a set of `Set` edits against one parsed document, all at once.
/// Returns no operations when every value is already as asked.
pub fn plan_sets(
    text: &str,
    root: &Node<'_>,
    sets: &[(&[Seg], &str)],
    style: &DocStyle,
) -> Result<Vec<Op>, EditError> {
    Ok(plan_sets_targeted(text, root, sets, style)?
        .into_iter()
        .map(|(op, _)| op)
        .collect())
}

/// Missing keys for one existing container: their depth, the container, the key holding it, whether that
/// key's mapping is a flow mapping, the keys, and the container's path.
type Group<'n, 'a, 'p> = (
    usize,
    &'n Node<'a>,
    Option<&'n Node<'a>>,
    bool,
    NewMap<'p>,
    &'p [Seg],
);

/// [`plan_sets`], with the path of the node each operation changes: the scalar it replaces, or the
/// mapping (or empty value) it adds keys to. The operation's text lies within that node's lines.
pub fn plan_sets_targeted<'p>(
    text: &str,
    root: &Node<'_>,
    sets: &[(&'p [Seg], &'p str)],
    style: &DocStyle,
) -> Result<Vec<(Op, &'p [Seg])>, EditError> {
    let mut ops = Vec::new();
    // Missing keys grouped by the existing container that will hold them.
    let mut groups: Vec<Group<'_, '_, 'p>> = Vec::new();
    for &(path, value) in sets {
        match walk(root, path)? {
            Walk::Found { node, key, .. } => {
                guard(node, path)?;
                match &node.kind {
                    NodeKind::Scalar { .. } if node.as_string() == Some(value) => {}
                    NodeKind::Scalar {
                        style: s @ (Style::Literal | Style::Folded),
                        ..
                    } => {
                        let _ = s;
                        return Err(err(
                            node,
                            format!(
                                "{} is a block scalar; set it to \"{value}\" by hand",
                                PathDisplay(path)
                            ),
                        ));
                    }
                    NodeKind::Scalar { style: s, .. } => {
                        let keep = s.is_quoted().then_some(*s);
                        let rendered = render_value(value, style, keep);
                        if node.start == node.end {
                            let at = key.map_or(node.start, |k| after_colon(text, k));
                            let op = Op {
                                at,
                                del: 0,
                                text: format!(" {rendered}"),
                                depth: path.len(),
                            };
                            ops.push((op, path));
                        } else {
                            let op = Op {
                                at: node.start,
                                del: node.end - node.start,
                                text: rendered,
                                depth: path.len(),
                            };
                            ops.push((op, path));
                        }
                    }
                    _ => {
                        return Err(err(
                            node,
                            format!(
                                "expected a string at {}, found {}",
                                PathDisplay(path),
                                kind_name(node)
                            ),
                        ));
                    }
                }
            }
            Walk::Missing {
                container,
                key,
                parent_flow,
                depth,
            } => {
                let mut rest = Vec::new();
                for seg in &path[depth..] {
                    match seg {
                        Seg::Key(k) => rest.push(k.as_str()),
                        Seg::Index(_) => {
                            return Err(err(
                                container,
                                format!(
                                    "{} does not exist and cannot be created",
                                    PathDisplay(path)
                                ),
                            ));
                        }
                    }
                }
                match groups.iter_mut().find(|g| std::ptr::eq(g.1, container)) {
                    Some(g) => g.4.insert(&rest, value),
                    None => {
                        let mut m = NewMap::default();
                        m.insert(&rest, value);
                        groups.push((depth, container, key, parent_flow, m, &path[..depth]));
                    }
                }
            }
        }
    }
    for (depth, container, key, parent_flow, new, target) in groups {
        ops.extend(
            insert_into(text, container, key, parent_flow, &new, style, depth)?
                .into_iter()
                .map(|op| (op, target)),
        );
    }
    Ok(ops)
}

fn insert_into(
    text: &str,
    container: &Node<'_>,
    key: Option<&Node<'_>>,
    parent_flow: bool,
    new: &NewMap,
    style: &DocStyle,
    depth: usize,
) -> Result<Vec<Op>, EditError> {
    match &container.kind {
        NodeKind::Map {
            flow: false,
            entries,
        } => {
            let indent = entries.first().map_or(0, |(k, _)| byte_col(text, k.start));
            let mut lines = String::new();
            new.block(indent, style, &mut lines);
            match entries.last() {
                Some((last, _)) if ends_unterminated(text, container) => {
                    // After the last entry, the new lines would end its block scalar's last line and
                    // give the value a newline: put them before that entry instead.
                    if first_on_line(text, last.start) {
                        let at = line_start(text, last.start);
                        return Ok(vec![Op {
                            at,
                            del: 0,
                            text: lines,
                            depth,
                        }]);
                    }
                    // `- last: |` — the new keys start after the dash, the last key moves down.
                    let pad: String = std::iter::repeat_n(' ', indent).collect();
                    Ok(vec![Op {
                        at: last.start,
                        del: 0,
                        text: format!("{}{pad}", &lines[indent..]),
                        depth,
                    }])
                }
                _ => {
                    let at = lines_end(text, container);
                    Ok(vec![insert_lines(text, at, lines, style, depth)])
                }
            }
        }
        NodeKind::Map {
            flow: true,
            entries,
        } => {
            let body = new.flow(style);
            let Some((last_k, last_v)) = entries.last() else {
                // An empty flow mapping the document has. Inside another flow mapping (and in JSON) a
                // mapping `enable` creates looks like `{k: v}`: fill this one as `{ k: v }`, so that
                // `disable` can tell the two apart and keep this one.
                let text = if parent_flow {
                    format!(" {body} ")
                } else {
                    body
                };
                return Ok(vec![Op {
                    at: container.start + 1,
                    del: 0,
                    text,
                    depth,
                }]);
            };
            let end = last_v.end.max(last_k.end);
            let close = container.end - 1;
            if !text[end..close].contains('\n') {
                // The closing bracket is on the last entry's line: continue that line.
                return Ok(vec![Op {
                    at: end,
                    del: 0,
                    text: format!(", {body}"),
                    depth,
                }]);
            }
            // One entry per line: new lines after the last entry's line, indented like it, and a comma
            // after the last entry unless it has one.
            let rest = text[end..content_end(text, end)].trim_start_matches(' ');
            let trailing_comma = rest.starts_with(',');
            let line = line_start(text, last_k.start);
            let indent = if line <= container.start {
                byte_col(text, last_k.start)
            } else {
                text[line..].bytes().take_while(|&b| b == b' ').count()
            };
            let pad: String = std::iter::repeat_n(' ', indent).collect();
            let parts = new.flow_parts(style);
            let mut lines = String::new();
            for (i, part) in parts.iter().enumerate() {
                lines.push_str(&pad);
                lines.push_str(part);
                if i + 1 < parts.len() || trailing_comma {
                    lines.push(',');
                }
                lines.push_str(style.newline);
            }
            let mut ops = vec![insert_lines(
                text,
                after_line(text, end),
                lines,
                style,
                depth,
            )];
            if !trailing_comma {
                ops.push(Op {
                    at: end,
                    del: 0,
                    text: ",".into(),
                    depth,
                });
            }
            Ok(ops)
        }
        NodeKind::Scalar { .. } => {
            // An empty value standing where the mapping should be (`annotations:` or `annotations: ~`).
            let Some(key) = key else {
                return Err(err(container, "the document is empty".into()));
            };
            let mut ops = Vec::new();
            if parent_flow {
                let body = format!("{{{}}}", new.flow(style));
                if container.start == container.end {
                    ops.push(Op {
                        at: after_colon(text, key),
                        del: 0,
                        text: format!(" {body}"),
                        depth,
                    });
                } else {
                    ops.push(Op {
                        at: container.start,
                        del: container.end - container.start,
                        text: body,
                        depth,
                    });
                }
                return Ok(ops);
            }
            let colon = after_colon(text, key);
            if container.start != container.end {
                // `key: ~` / `key: null`: drop the token (and the space before it).
                ops.push(Op {
                    at: colon,
                    del: container.end - colon,
                    text: String::new(),
                    depth,
                });
            }
            let mut lines = String::new();
            new.block(byte_col(text, key.start) + style.indent, style, &mut lines);
            let body = lines.strip_suffix(style.newline).unwrap_or(&lines);
            let at = content_end(text, container.end.max(colon));
            ops.push(Op {
                at,
                del: 0,
                text: format!("{}{}", style.newline, body),
                depth,
            });
            Ok(ops)
        }
        _ => Err(err(
            container,
            format!("expected a mapping, found {}", kind_name(container)),
        )),
    }
}

/// The operations of a removal and the path actually removed.
pub type Removal = (Vec<Op>, Vec<Seg>);

/// Plan the removal of one key. `Ok(None)` when the key is not there. On success also returns the path that
/// was actually removed (an enclosing mapping when pruning applied).
pub fn plan_remove(
    text: &str,
    root: &Node<'_>,
    path: &[Seg],
    prune: usize,
) -> Result<Option<Removal>, EditError> {
    let Some((Seg::Key(last), parent_path)) = path.split_last() else {
        return Ok(None);
    };
    let (map, map_key, map_parent_flow) = match walk(root, parent_path)? {
        Walk::Found {
            node,
            key,
            parent_flow,
        } => (node, key, parent_flow),
        Walk::Missing { .. } => return Ok(None),
    };
    guard(map, parent_path)?;
    let NodeKind::Map { flow, entries } = &map.kind else {
        return Ok(None);
    };
    let Some(idx) = entries.iter().position(|(k, _)| k.as_str() == Some(last)) else {
        return Ok(None);
    };
    let (k, v) = &entries[idx];
    guard(v, path)?;
    let depth = path.len();
    if entries.len() == 1 {
        let may_prune =
            prune > 0 && !parent_path.is_empty() && matches!(parent_path.last(), Some(Seg::Key(_)));
        // A flow mapping inside another flow mapping is `enable`'s own when written `{k: v}`; one the
        // document had is filled as `{ k: v }` (see `insert_into`) and stays, emptied.
        let created = !flow
            || map_parent_flow
                && !text
                    .as_bytes()
                    .get(map.start + 1)
                    .is_some_and(u8::is_ascii_whitespace);
        if may_prune && created {
            return plan_remove(text, root, parent_path, prune - 1);
        }
        // Leave an empty flow mapping behind.
        if *flow {
            let (mut start, mut end) = (k.start, v.end.max(k.end));
            let b = text.as_bytes();
            if b[start - 1] == b' ' && b.get(end) == Some(&b' ') {
                (start, end) = (start - 1, end + 1);
            }
            return Ok(Some((
                vec![Op {
                    at: start,
                    del: end - start,
                    text: String::new(),
                    depth,
                }],
                path.to_vec(),
            )));
        }
        let start = line_start(text, k.start);
        let at = map_key.map(|mk| content_end(text, mk.end));
        let Some(at) = at.filter(|&at| at < start) else {
            // `- key: value` as the only entry of a sequence item: leave `- {}`.
            return Ok(Some((
                vec![Op {
                    at: k.start,
                    del: content_end(text, v.end.max(k.end)) - k.start,
                    text: "{}".into(),
                    depth,
                }],
                path.to_vec(),
            )));
        };
        let (start, end) = line_range(text, root, start, lines_end(text, v));
        return Ok(Some((
            vec![
                Op {
                    at,
                    del: 0,
                    text: " {}".into(),
                    depth,
                },
                Op {
                    at: start,
                    del: end - start,
                    text: String::new(),
                    depth,
                },
            ],
            path.to_vec(),
        )));
    }
    let end_of = |(k, v): &(Node<'_>, Node<'_>)| v.end.max(k.end);
    let op = if *flow {
        let end = end_of(&entries[idx]);
        let after = text[end..content_end(text, end)].trim_start_matches(' ');
        let comma = after.starts_with(',');
        let alone = first_on_line(text, k.start)
            && after
                .strip_prefix(',')
                .unwrap_or(after)
                .trim_start_matches(' ')
                .is_empty();
        if idx > 0 && alone {
            // An entry on its own line (as `enable` adds them to a mapping written one entry per
            // line): remove the line, and the comma it needed after the entry before it.
            let start = line_start(text, k.start);
            let mut ops = vec![Op {
                at: start,
                del: after_line(text, end) - start,
                text: String::new(),
                depth,
            }];
            let prev_end = end_of(&entries[idx - 1]);
            let gap = text[prev_end..].bytes().take_while(|&b| b == b' ').count();
            if idx + 1 == entries.len() && !comma && text[prev_end + gap..].starts_with(',') {
                ops.push(Op {
                    at: prev_end + gap,
                    del: 1,
                    text: String::new(),
                    depth,
                });
            }
            return Ok(Some((ops, path.to_vec())));
        }
        if idx > 0 {
            let prev_end = end_of(&entries[idx - 1]);
            Op {
                at: prev_end,
                del: end_of(&entries[idx]) - prev_end,
                text: String::new(),
                depth,
            }
        } else {
            let next = entries[idx + 1].0.start;
            Op {
                at: k.start,
                del: next - k.start,
                text: String::new(),
                depth,
            }
        }
    } else if first_on_line(text, k.start) {
        let (start, end) = line_range(text, root, line_start(text, k.start), lines_end(text, v));
        Op {
            at: start,
            del: end - start,
            text: String::new(),
            depth,
        }
    } else if idx + 1 < entries.len() {
        let next = entries[idx + 1].0.start;
        Op {
            at: k.start,
            del: next - k.start,
            text: String::new(),
            depth,
        }
    } else {
        return Err(err(
            k,
            format!(
                "cannot remove {}: it shares its line with other content",
                PathDisplay(path)
            ),
        ));
    };
    Ok(Some((vec![op], path.to_vec())))
}

/// Operations that make a text end with a line break without changing any value, so that another
/// document can follow it (`---` on stdout). Appending a bare newline is not always that: a clip (`|`)
/// or keep (`|+`) block scalar whose last line ends the text would gain a final newline, so its header
/// gets strip chomping (`|-`) first; a last line of spaces only is removed instead, as a keep scalar would
/// count it as one more empty line. Empty when the text already ends with a line break (or is empty), or
/// a newline alone when its last document does not parse.
pub fn final_line_break(text: &str) -> Vec<Op> {
    if text.is_empty() || text.ends_with('\n') {
        return Vec::new();
    }
    if text.ends_with('\r') {
        // An old Mac line ending (the engine edits no such document): make it CRLF.
        return vec![Op {
            at: text.len(),
            del: 0,
            text: "\n".into(),
            depth: 0,
        }];
    }
    let body_at = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[body_at..];
    let Some(chunk) = super::split::documents(body).last() else {
        return Vec::new();
    };
    let doc_at = body_at + chunk.start;
    let doc = &text[doc_at..];
    let newline = if doc.contains("\r\n") { "\r\n" } else { "\n" };
    let last_line = line_start(text, text.len());
    let blank_last = text[last_line..].bytes().all(|b| b == b' ');
    let append = Op {
        at: text.len(),
        del: 0,
        text: newline.into(),
        depth: 0,
    };
    let Ok(root) = super::parse(doc) else {
        return vec![append];
    };
    let leaf = root.as_ref().map(last_leaf);
    let content = |leaf: &Node<'_>| {
        is_block_scalar(leaf)
            && doc_at + leaf.end == text.len()
            && (!blank_last || text.len() - last_line > leaf.col)
    };
    match leaf {
        Some(leaf) if content(leaf) => {
            let mut ops = strip_chomping(doc, leaf)
                .map(|mut op| {
                    op.at += doc_at;
                    vec![op]
                })
                .unwrap_or_default();
            ops.push(append);
            ops
        }
        _ if blank_last => vec![Op {
            at: last_line,
            del: text.len() - last_line,
            text: String::new(),
            depth: 0,
        }],
        _ => vec![append],
    }
}

/// The operation that gives a block scalar strip chomping (`|` → `|-`, `>+2` → `>-2`); `None` when it has
/// it already (or its header cannot be found).
fn strip_chomping(doc: &str, scalar: &Node<'_>) -> Option<Op> {
    // Only empty lines separate the header line from the first content line.
    let before = doc[..scalar.start].trim_end_matches([' ', '\r', '\n']);
    let line = line_start(doc, before.len());
    let header_line = &doc[line..before.len()];
    let (i, rest) = header_line.char_indices().find_map(|(i, c)| {
        if !matches!(c, '|' | '>') || !(i == 0 || header_line[..i].ends_with(' ')) {
            return None;
        }
        let rest = &header_line[i + 1..];
        let indicators = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-'))
            .count();
        let after = rest[indicators..].trim_start_matches(' ');
        (after.is_empty() || after.starts_with('#') && rest[indicators..].starts_with(' '))
            .then(|| (i, &rest[..indicators]))
    })?;
    let at = line + i + 1;
    match rest.find(['+', '-']) {
        Some(j) if rest.as_bytes()[j] == b'-' => None,
        Some(j) => Some(Op {
            at: at + j,
            del: 1,
            text: "-".into(),
            depth: 0,
        }),
        None => Some(Op {
            at: at + rest.len(),
            del: 0,
            text: "-".into(),
            depth: 0,
        }),
    }
}

/// Apply an edit to a JSON model of the document: what the text edit must amount to once re-parsed.
pub fn apply_json(value: &mut serde_json::Value, edit: &Edit) {
    use serde_json::Value;
    match edit {
        Edit::Set { path, value: s } => {
            let mut cur = value;
            for seg in path {
                cur = match seg {
                    Seg::Key(k) => {
                        if !cur.is_object() {
                            *cur = Value::Object(Default::default());
                        }
                        cur.as_object_mut()
                            .expect("object")
                            .entry(k.clone())
                            .or_insert(Value::Null)
                    }
                    Seg::Index(i) => match cur.get_mut(*i) {
                        Some(v) => v,
                        None => return,
                    },
                };
            }
            *cur = Value::String(s.clone());
        }
        Edit::Remove { path, .. } => {
            let Some((Seg::Key(last), parent)) = path.split_last() else {
                return;
            };
            let mut cur = value;
            for seg in parent {
                let next = match seg {
                    Seg::Key(k) => cur.get_mut(k.as_str()),
                    Seg::Index(i) => cur.get_mut(*i),
                };
                match next {
                    Some(v) => cur = v,
                    None => return,
                }
            }
            if let Some(map) = cur.as_object_mut() {
                map.shift_remove(last);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse, style};

    fn p(s: &str) -> Vec<Seg> {
        s.split('.')
            .map(|k| {
                k.parse::<usize>()
                    .map(Seg::Index)
                    .unwrap_or_else(|_| Seg::key(&k.replace('|', ".")))
            })
            .collect()
    }

    fn set(text: &str, edits: &[(&str, &str)]) -> String {
        let root = parse(text).unwrap().unwrap();
        let st = style::detect(text, &root);
        let paths: Vec<Vec<Seg>> = edits.iter().map(|(path, _)| p(path)).collect();
        let sets: Vec<(&[Seg], &str)> = paths
            .iter()
            .zip(edits)
            .map(|(path, (_, v))| (path.as_slice(), *v))
            .collect();
        splice(text, plan_sets(text, &root, &sets, &st).unwrap())
    }

    fn remove(text: &str, path: &str, prune: usize) -> String {
        let root = parse(text).unwrap().unwrap();
        match plan_remove(text, &root, &p(path), prune).unwrap() {
            Some((ops, _)) => splice(text, ops),
            None => text.to_string(),
        }
    }

    #[test]
    fn adds_to_existing_block_map() {
        let text = "metadata:\n  name: x # n\n  annotations:\n    a: \"1\"\nspec: {}\n";
        let out = set(text, &[("metadata.annotations.k|io/x", "true")]);
        assert_eq!(
            out,
            "metadata:\n  name: x # n\n  annotations:\n    a: \"1\"\n    k.io/x: \"true\"\nspec: {}\n"
        );
        assert_eq!(remove(&out, "metadata.annotations.k|io/x", 1), text);
    }

    #[test]
    fn creates_missing_maps_with_the_file_indentation() {
        let text = "metadata:\n    name: x\nspec:\n    type: LoadBalancer\n";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(
            out,
            "metadata:\n    name: x\n    annotations:\n        k: \"true\"\nspec:\n    type: LoadBalancer\n"
        );
        assert_eq!(remove(&out, "metadata.annotations.k", 1), text);
    }

    #[test]
    fn flow_maps_stay_flow() {
        let text = "metadata:\n  annotations: {}\n";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(out, "metadata:\n  annotations: {k: \"true\"}\n");
        assert_eq!(remove(&out, "metadata.annotations.k", 1), text);
        let text = "metadata:\n  annotations: {a: \"1\"}\n";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(out, "metadata:\n  annotations: {a: \"1\", k: \"true\"}\n");
        assert_eq!(remove(&out, "metadata.annotations.k", 1), text);
    }

    #[test]
    fn nested_sets_share_one_new_block() {
        let text = "- name: a\n  image: x\n";
        let out = set(
            text,
            &[
                ("0.resources.requests.r", "1"),
                ("0.resources.limits.r", "1"),
            ],
        );
        assert_eq!(
            out,
            "- name: a\n  image: x\n  resources:\n    requests:\n      r: \"1\"\n    limits:\n      r: \"1\"\n"
        );
        let once = remove(&out, "0.resources.requests.r", 2);
        assert_eq!(remove(&once, "0.resources.limits.r", 2), text);
    }

    #[test]
    fn flow_resources_round_trip() {
        let text = "- name: a\n  resources: {}\n";
        let out = set(
            text,
            &[
                ("0.resources.requests.r", "1"),
                ("0.resources.limits.r", "1"),
            ],
        );
        assert_eq!(
            out,
            "- name: a\n  resources: {requests: {r: \"1\"}, limits: {r: \"1\"}}\n"
        );
        let once = remove(&out, "0.resources.requests.r", 2);
        assert_eq!(remove(&once, "0.resources.limits.r", 2), text);
    }

    #[test]
    fn replaces_values_keeping_their_quotes() {
        assert_eq!(set("a: 'false'\n", &[("a", "true")]), "a: 'true'\n");
        assert_eq!(set("a: false\n", &[("a", "true")]), "a: \"true\"\n");
        assert_eq!(set("a: \"true\"\n", &[("a", "true")]), "a: \"true\"\n");
        assert_eq!(set("a:\nb: 1\n", &[("a", "x")]), "a: x\nb: 1\n");
    }

    #[test]
    fn empty_values_become_maps() {
        let text = "metadata:\n  annotations:\n  name: x\n";
        assert_eq!(
            set(text, &[("metadata.annotations.k", "true")]),
            "metadata:\n  annotations:\n    k: \"true\"\n  name: x\n"
        );
        let text = "metadata:\n  annotations: ~ # none\n";
        assert_eq!(
            set(text, &[("metadata.annotations.k", "v")]),
            "metadata:\n  annotations: # none\n    k: v\n"
        );
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let text = "metadata:\r\n  name: x\r\n";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(
            out,
            "metadata:\r\n  name: x\r\n  annotations:\r\n    k: \"true\"\r\n"
        );
        let text = "metadata:\n  name: x";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(out, "metadata:\n  name: x\n  annotations:\n    k: \"true\"");
        assert_eq!(remove(&out, "metadata.annotations.k", 1), text);
    }

    #[test]
    fn json_documents_get_json() {
        let text = "{\n  \"metadata\": {\n    \"name\": \"x\"\n  }\n}\n";
        let out = set(text, &[("metadata.annotations.k", "true")]);
        assert_eq!(
            out,
            "{\n  \"metadata\": {\n    \"name\": \"x\",\n    \"annotations\": {\"k\": \"true\"}\n  }\n}\n"
        );
        assert_eq!(remove(&out, "metadata.annotations.k", 1), text);
    }

    #[test]
    fn refuses_anchors_and_wrong_types() {
        let root_text = "metadata: &m\n  name: x\n";
        let root = parse(root_text).unwrap().unwrap();
        let path = p("metadata.annotations.k");
        let e = plan_sets(root_text, &root, &[(&path, "v")], &DocStyle::default()).unwrap_err();
        assert!(e.message.contains("anchor"), "{e}");
        let text = "metadata:\n  annotations: \"x\"\n";
        let root = parse(text).unwrap().unwrap();
        let e = plan_sets(text, &root, &[(&path, "v")], &DocStyle::default()).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (
                2,
                "expected a mapping at metadata.annotations, found a scalar"
            )
        );
    }
}

#[cfg(test)]
mod final_line_break_tests {
    use super::*;
    use crate::yaml::reference;

    #[track_caller]
    fn check(text: &str) -> String {
        let out = splice(text, final_line_break(text));
        assert!(out.ends_with('\n'), "{text:?} -> {out:?}");
        let value = |t: &str| {
            let t = t.trim_start_matches('\u{feff}');
            crate::yaml::split::documents(t)
                .map(|c| {
                    reference::parse(&t[c.start..c.end], &crate::yaml::Arena::new())
                        .unwrap()
                        .map(|n| n.to_json())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(value(&out), value(text), "{text:?} -> {out:?}");
        out
    }

    #[test]
    fn appends_a_newline_keeping_every_value() {
        assert_eq!(check("a: 1"), "a: 1\n");
        assert_eq!(check("a: 1\r\nb: 2"), "a: 1\r\nb: 2\r\n");
        assert_eq!(check("a: |\n  x"), "a: |-\n  x\n");
        assert_eq!(check("a: |+\n  x"), "a: |-\n  x\n");
        assert_eq!(check("a: >2 # c\n   x"), "a: >2- # c\n   x\n");
        assert_eq!(check("a: |-\n  x"), "a: |-\n  x\n");
        assert_eq!(check("a: |+\n  x\n  "), "a: |+\n  x\n");
        assert_eq!(check("- |\n\n  x\n  y"), "- |-\n\n  x\n  y\n");
        assert_eq!(
            check("# c\n---\na: 1\n---\nb: |\n  x"),
            "# c\n---\na: 1\n---\nb: |-\n  x\n"
        );
        assert_eq!(check("a: |\n  x\n     "), "a: |-\n  x\n     \n");
        assert_eq!(check("\u{feff}a: |\n  x"), "\u{feff}a: |-\n  x\n");
        assert_eq!(check("a: b\n  "), "a: b\n");
        assert_eq!(check("a: 'x|y'"), "a: 'x|y'\n");
        for text in ["", "a: 1\n", "a: |\n  x\n"] {
            assert!(final_line_break(text).is_empty());
        }
    }
}
