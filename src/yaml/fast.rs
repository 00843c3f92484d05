//! A fast parser for the block-style YAML that Kubernetes manifests are written in.
//!
//! For every document it accepts, it builds exactly the tree [`super::reference::parse`] builds: the same
//! kinds, decoded texts, styles, byte spans, lines and character columns. Everything outside its subset
//! is *declined* ([`Declined`]), and the caller falls back to the reference parser, which also reports
//! every error: the fast parser never reports a syntax error itself, so error messages stay identical.
//!
//! The subset: block mappings and sequences (indented or indentless, any indentation width), plain,
//! single- and double-quoted scalars (multi-line folding and the usual escapes), literal and folded block
//! scalars with `-`/`+` chomping, flow mappings and sequences of scalars and flow collections (JSON
//! included), comments, blank lines, CRLF line ends, and one optional `---` / `...` pair.
//!
//! Declined: anchors, aliases, tags, `?` keys, directives, a second document, a BOM, tabs, control
//! characters, empty block scalars, explicit indentation indicators and block scalar headers on their
//! own line, scalars at the root, duplicate keys, flow mapping entries without a value, single-pair
//! mappings in flow sequences, multi-line keys and multi-line scalars inside flow collections,
//! under-indented quoted continuation lines, and anything that is not valid YAML.

use std::fmt;

use super::Arena;
use super::tree::{KeySet, Node, NodeKind, Style};

/// Why the fast parser handed a document over to the reference parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declined {
    pub reason: &'static str,
    /// Byte offset in the document where the parser gave up.
    pub offset: usize,
}

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.reason, self.offset)
    }
}

impl std::error::Error for Declined {}

type R<T> = Result<T, Declined>;

/// Parse one document into `arena`, or decline it. `Ok(None)` for a document without content, as the
/// reference does.
pub fn parse<'a>(text: &'a str, arena: &'a Arena) -> Result<Option<Node<'a>>, Declined> {
    parse_nested(text, 0, arena)
}

/// Parse a part of a document (the lines of one of its block mapping entries or sequence items) as a
/// document of its own, `depth` levels down: the nesting limit counts the levels above it too.
pub fn parse_nested<'a>(
    text: &'a str,
    depth: usize,
    arena: &'a Arena,
) -> Result<Option<Node<'a>>, Declined> {
    let ascii = prescan(text)?;
    // The scratch stacks keep their capacity from one document to the next (per thread).
    let (entries, items) = SCRATCH.take();
    let mut p = Parser {
        src: text,
        b: text.as_bytes(),
        pos: 0,
        line: 1,
        ls: 0,
        ascii,
        next: Next::Eof,
        blank_lines: 0,
        saw_comment: false,
        depth,
        entries,
        items,
        arena,
    };
    let result = p.document();
    SCRATCH.set((recycle(p.entries), recycle(p.items)));
    result
}

type Scratch = (Vec<(Node<'static>, Node<'static>)>, Vec<Node<'static>>);

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = const { std::cell::Cell::new((Vec::new(), Vec::new())) };
}

/// An emptied vector of nodes as a vector of nodes of another lifetime, keeping its allocation (the
/// standard library collects an iterator over a vector into a vector of a same-sized type in place).
fn recycle<T, U>(mut v: Vec<T>) -> Vec<U> {
    v.clear();
    v.into_iter()
        .map(|_| unreachable!("the vector is empty"))
        .collect()
}

/// Nesting deeper than this is declined (granit limits nesting to 255 levels).
const MAX_DEPTH: usize = 200;
/// Longer runs of comment lines are declined (granit buffers at most 96 comment events in places).
const MAX_COMMENT_RUN: usize = 64;
/// Longer implicit keys are declined (YAML limits them to 1024 characters).
const MAX_KEY: usize = 1000;

/// Reject what the fast parser does not handle at the character level: tabs, control characters, lone
/// CRs, a BOM, and the non-ASCII characters YAML treats specially. Returns whether the text is ASCII.
fn prescan(text: &str) -> R<bool> {
    let b = text.as_bytes();
    // Fast path, written without early exits so that it vectorises: printable ASCII and newlines only.
    let odd = b.iter().fold(false, |acc, &c| {
        acc | ((c < 0x20) & (c != b'\n')) | (c >= 0x7f)
    });
    if !odd {
        return Ok(true);
    }
    let mut ascii = true;
    let mut check = |i: usize| -> R<()> {
        let c = b[i];
        if !(0x20..0x7f).contains(&c) {
            match c {
                b'\n' => {}
                b'\r' if b.get(i + 1) == Some(&b'\n') => {}
                0x80.. => ascii = false,
                _ => {
                    return Err(Declined {
                        reason: "tab or control character",
                        offset: i,
                    });
                }
            }
        }
        Ok(())
    };
    // Eight bytes at a time: only chunks with something besides printable ASCII and `\n` are looked at
    // byte by byte.
    let mut chunks = b.chunks_exact(8);
    let mut i = 0;
    for chunk in &mut chunks {
        if suspicious(u64::from_le_bytes(chunk.try_into().expect("eight bytes"))) {
            for k in i..i + 8 {
                check(k)?;
            }
        }
        i += 8;
    }
    for k in i..b.len() {
        check(k)?;
    }
    if !ascii {
        for (i, ch) in text.char_indices() {
            if matches!(
                ch,
                '\u{80}'
                    ..='\u{9f}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
            ) {
                return Err(Declined {
                    reason: "special or non-printable character",
                    offset: i,
                });
            }
        }
    }
    Ok(ascii)
}

/// Whether some byte of `x` is a control character other than `\n`, or at least 0x7f. Carries may also
/// flag a byte next to a flagged one: the caller then checks the bytes one by one anyway.
#[inline]
fn suspicious(x: u64) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // `\n` becomes 0, the other control characters stay in 1..=0x1f: flag bytes in that range exactly
    // (the "hasbetween" bit hack), then bytes of 0x7f and above.
    let c = x ^ (LO * u64::from(b'\n'));
    let low7 = c & LOW7;
    let control = (LO * (127 + 0x20)).wrapping_sub(low7) & !c & (low7 + LO * 127);
    let high = x.wrapping_add(LO) | x;
    (control | high) & HI != 0
}

/// What the next content line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// Content at this indentation (in spaces); the cursor is on its first character.
    Line(usize),
    /// A `---` line.
    DocStart,
    /// A `...` line.
    DocEnd,
    Eof,
}

/// Where a node starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// The document's root.
    Root,
    /// On its own line below a `key:` or `-`.
    OwnLine,
    /// After `- ` on the same line.
    SeqItem,
    /// After `key: ` on the same line.
    MapValue,
}

/// Why a plain scalar's line stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    /// At `:` followed by a blank (or a flow indicator in flow context).
    Colon,
    /// At the space before ` #`.
    Comment,
    /// At the line end.
    Eol,
    /// At a flow indicator (flow context).
    Flow,
}

#[derive(Clone, Copy)]
enum Chomp {
    Strip,
    Clip,
    Keep,
}

/// Bytes that end the fast run of a plain scalar: NUL (the end), line ends, space and `:` (block
/// context); flow context adds `,[]{}`.
static PLAIN_STOP: [u8; 256] = {
    let mut t = [0u8; 256];
    t[0] = 3;
    t[b'\n' as usize] = 3;
    t[b'\r' as usize] = 3;
    t[b' ' as usize] = 3;
    t[b':' as usize] = 3;
    // Only in flow context (mask 2).
    t[b',' as usize] = 2;
    t[b'[' as usize] = 2;
    t[b']' as usize] = 2;
    t[b'{' as usize] = 2;
    t[b'}' as usize] = 2;
    t
};

#[inline]
fn is_eol(c: u8) -> bool {
    matches!(c, b'\n' | b'\r' | 0)
}

#[inline]
fn is_blank_or_eol(c: u8) -> bool {
    matches!(c, b' ' | b'\n' | b'\r' | 0)
}

#[inline]
fn is_flow_indicator(c: u8) -> bool {
    matches!(c, b',' | b'[' | b']' | b'{' | b'}')
}

/// Characters that cannot start a plain scalar here (or start a construct the fast parser declines).
#[inline]
fn is_indicator(c: u8) -> bool {
    matches!(
        c,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

struct Parser<'a> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// 1-based line of `ls`.
    line: usize,
    /// Start of the current line.
    ls: usize,
    ascii: bool,
    /// Set by [`Parser::scan_lines`]: what comes next once the current node is done.
    next: Next,
    /// Blank lines skipped by the last [`Parser::scan_lines`].
    blank_lines: usize,
    /// Whether the last [`Parser::scan_lines`] skipped a comment line.
    saw_comment: bool,
    depth: usize,
    /// Entries and items of the collections being parsed, innermost last: each collection takes its own
    /// off the top when it ends, into the arena.
    entries: Vec<(Node<'a>, Node<'a>)>,
    items: Vec<Node<'a>>,
    arena: &'a Arena,
}

impl<'a> Parser<'a> {
    /// The entries from `base` on, moved into the arena.
    fn take_entries(&mut self, base: usize) -> &'a [(Node<'a>, Node<'a>)] {
        let entries = self.arena.alloc_slice_copy(&self.entries[base..]);
        self.entries.truncate(base);
        entries
    }

    /// The items from `base` on, moved into the arena.
    fn take_items(&mut self, base: usize) -> &'a [Node<'a>] {
        let items = self.arena.alloc_slice_copy(&self.items[base..]);
        self.items.truncate(base);
        items
    }

    #[inline]
    fn at(&self, i: usize) -> u8 {
        match self.b.get(i) {
            Some(&c) => c,
            None => 0,
        }
    }

    #[cold]
    fn no(&self, reason: &'static str) -> Declined {
        Declined {
            reason,
            offset: self.pos,
        }
    }

    /// Column (in characters) of a byte offset on the current line.
    #[inline]
    fn col(&self, p: usize) -> usize {
        if self.ascii {
            p - self.ls
        } else {
            self.b[self.ls..p]
                .iter()
                .filter(|&&c| (c & 0xc0) != 0x80)
                .count()
        }
    }

    fn is_marker_line(&self) -> Option<Next> {
        let b = &self.b[self.ls..];
        if b.len() < 3 || !is_blank_or_eol(self.at(self.ls + 3)) {
            return None;
        }
        match &b[..3] {
            b"---" => Some(Next::DocStart),
            b"..." => Some(Next::DocEnd),
            _ => None,
        }
    }

    /// End of the line containing `p`: the offset of its `\r\n`, `\n`, or the end of the text.
    #[inline]
    fn eol(&self, p: usize) -> usize {
        match self.b[p.min(self.b.len())..]
            .iter()
            .position(|&c| c == b'\n')
        {
            Some(i) => {
                let nl = p + i;
                if nl > 0 && self.b[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                }
            }
            None => self.b.len(),
        }
    }

    /// At a line end: step onto the next line. False at the end of the text.
    #[inline]
    fn break_line(&mut self) -> bool {
        match self.at(self.pos) {
            b'\r' => self.pos += 2,
            b'\n' => self.pos += 1,
            _ => return false,
        }
        self.line += 1;
        self.ls = self.pos;
        true
    }

    /// From the cursor (at a line's indentation or first character) skip blank and comment lines and
    /// set [`Parser::next`] to what comes next.
    fn scan_lines(&mut self) -> R<()> {
        self.blank_lines = 0;
        self.saw_comment = false;
        let mut comments = 0;
        loop {
            let mut p = self.pos;
            while self.at(p) == b' ' {
                p += 1;
            }
            self.pos = p;
            match self.at(p) {
                b'#' => {
                    if p > self.ls && self.b[p - 1] != b' ' {
                        return Err(self.no("comment not separated by a space"));
                    }
                    comments += 1;
                    if comments > MAX_COMMENT_RUN {
                        return Err(self.no("long run of comment lines"));
                    }
                    self.saw_comment = true;
                    self.pos = self.eol(p);
                    if !self.break_line() {
                        self.next = Next::Eof;
                        return Ok(());
                    }
                }
                b'\r' | b'\n' => {
                    self.blank_lines += 1;
                    self.break_line();
                }
                0 => {
                    self.next = Next::Eof;
                    return Ok(());
                }
                _ => {
                    self.next = match (p == self.ls).then(|| self.is_marker_line()).flatten() {
                        Some(marker) => marker,
                        None => Next::Line(p - self.ls),
                    };
                    return Ok(());
                }
            }
        }
    }

    /// At a line end: move to the next content line.
    fn next_line(&mut self) -> R<()> {
        if self.break_line() {
            self.scan_lines()
        } else {
            self.blank_lines = 0;
            self.saw_comment = false;
            self.next = Next::Eof;
            Ok(())
        }
    }

    /// After a node: allow spaces and a comment up to the line end, then move to the next content line.
    fn end_line(&mut self) -> R<()> {
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
        match self.at(self.pos) {
            b'#' if self.b[self.pos - 1] == b' ' => self.pos = self.eol(self.pos),
            b'\r' | b'\n' | 0 => {}
            _ => return Err(self.no("unexpected text after a node")),
        }
        self.next_line()
    }

    fn skip_spaces(&mut self) {
        while self.at(self.pos) == b' ' {
            self.pos += 1;
        }
    }

    fn at_dash_entry(&self) -> bool {
        self.at(self.pos) == b'-' && is_blank_or_eol(self.at(self.pos + 1))
    }

    /// Whether a plain scalar may start at the cursor (`-`, `?` and `:` only before a safe character).
    #[inline(always)]
    fn plain_start(&self, flow: bool) -> bool {
        let c = self.at(self.pos);
        if matches!(c, b'-' | b'?' | b':') {
            let d = self.at(self.pos + 1);
            !(is_blank_or_eol(d) || flow && is_flow_indicator(d))
        } else {
            !is_indicator(c)
        }
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.no("nesting too deep"));
        }
        Ok(())
    }

    fn document(&mut self) -> R<Option<Node<'a>>> {
        self.scan_lines()?;
        let mut explicit = None;
        if self.next == Next::DocStart {
            let m = self.pos + 3;
            explicit = Some((m, self.line, self.col(m)));
            self.pos = m;
            self.end_line()?;
        }
        let root = match self.next {
            Next::Line(_) => Some(self.node(-1, Ctx::Root)?),
            Next::Eof => None,
            Next::DocEnd => None,
            Next::DocStart => return Err(self.no("a second `---`")),
        };
        match self.next {
            Next::Eof => {}
            Next::DocEnd => {
                self.pos += 3;
                self.end_line()?;
                if self.next != Next::Eof {
                    return Err(self.no("text after `...`"));
                }
            }
            _ => return Err(self.no("text after the root node")),
        }
        Ok(root.or_else(|| explicit.map(|(m, line, col)| empty(m, line, col))))
    }

    /// A node starting at the cursor. `n` is the indentation of the enclosing block collection (-1 at
    /// the root). On return [`Parser::next`] describes the next content line.
    fn node(&mut self, n: isize, ctx: Ctx) -> R<Node<'a>> {
        self.enter()?;
        let node = self.node_inner(n, ctx);
        self.depth -= 1;
        node
    }

    fn node_inner(&mut self, n: isize, ctx: Ctx) -> R<Node<'a>> {
        let p = self.pos;
        let c = self.at(p);
        match c {
            b'-' if is_blank_or_eol(self.at(p + 1)) => {
                if ctx == Ctx::MapValue {
                    return Err(self.no("sequence entry after a key on the same line"));
                }
                let indent = self.col(p);
                self.block_seq(indent, false)
            }
            b'[' | b'{' => {
                let node = self.flow(n)?;
                self.skip_spaces();
                if self.at(self.pos) == b':' {
                    return Err(self.no("flow collection as a key"));
                }
                self.end_line()?;
                Ok(node)
            }
            b'"' | b'\'' => {
                let node = self.quoted(n, true)?;
                self.skip_spaces();
                if self.at(self.pos) == b':' {
                    if ctx == Ctx::MapValue
                        || node.line != self.line
                        || !is_blank_or_eol(self.at(self.pos + 1))
                    {
                        return Err(self.no("unexpected `:` after a quoted scalar"));
                    }
                    let indent = node.col;
                    return self.block_map(indent, node);
                }
                if ctx == Ctx::Root {
                    return Err(self.no("scalar at the root"));
                }
                self.end_line()?;
                Ok(node)
            }
            b'|' | b'>' => {
                if matches!(ctx, Ctx::Root | Ctx::OwnLine) {
                    return Err(self.no("block scalar on its own line"));
                }
                self.block_scalar(n)
            }
            _ if self.plain_start(false) => self.plain_node(n, ctx),
            _ => Err(self.no("anchor, alias, tag, explicit key, directive or reserved indicator")),
        }
    }

    /// A plain scalar starting at the cursor, or the first key of a block mapping.
    fn plain_node(&mut self, n: isize, ctx: Ctx) -> R<Node<'a>> {
        let start = self.pos;
        let line = self.line;
        let col = self.col(start);
        let (mut end, stop_pos, stop) = self.plain_line(start, false);
        if stop == Stop::Colon {
            if ctx == Ctx::MapValue {
                return Err(self.no("a key after a key on the same line"));
            }
            let key = scalar(&self.src[start..end], Style::Plain, start, end, line, col);
            self.pos = stop_pos;
            return self.block_map(col, key);
        }
        if ctx == Ctx::Root {
            return Err(self.no("scalar at the root"));
        }
        self.pos = stop_pos;
        if stop == Stop::Comment {
            self.end_line()?;
            return Ok(scalar(
                &self.src[start..end],
                Style::Plain,
                start,
                end,
                line,
                col,
            ));
        }
        // Multi-line plain scalars: continuation lines are indented deeper than the collection.
        self.next_line()?;
        let mut text: Option<String> = None;
        loop {
            match self.next {
                Next::Line(k) if k as isize > n && !self.saw_comment => {}
                _ => break,
            }
            // Any character but `#` (a comment line) may start a continuation line; `: ` is an error.
            let p = self.pos;
            let (lend, lstop_pos, lstop) = self.plain_line(p, false);
            if lstop == Stop::Colon {
                return Err(self.no("`: ` in a multi-line plain scalar"));
            }
            let s = text.get_or_insert_with(|| self.src[start..end].to_owned());
            if self.blank_lines == 0 {
                s.push(' ');
            } else {
                s.extend(std::iter::repeat_n('\n', self.blank_lines));
            }
            s.push_str(&self.src[p..lend]);
            end = lend;
            self.pos = lstop_pos;
            if lstop == Stop::Comment {
                self.end_line()?;
                break;
            }
            self.next_line()?;
        }
        let text = match text {
            Some(s) => &*self.arena.alloc_str(&s),
            None => &self.src[start..end],
        };
        Ok(scalar(text, Style::Plain, start, end, line, col))
    }

    /// Scan one line of a plain scalar from `p`: (end of the text, where it stopped, why).
    #[inline]
    fn plain_line(&self, p: usize, flow: bool) -> (usize, usize, Stop) {
        let mask = if flow { 2 } else { 1 };
        let b = self.b;
        let mut i = p;
        let mut end = p;
        loop {
            let run = i;
            while i < b.len() && PLAIN_STOP[b[i] as usize] & mask == 0 {
                i += 1;
            }
            if i > run {
                end = i;
            }
            if i >= b.len() {
                return (end, i, Stop::Eol);
            }
            match b[i] {
                b' ' => {
                    if self.at(i + 1) == b'#' {
                        return (end, i, Stop::Comment);
                    }
                    i += 1;
                }
                b':' => {
                    let d = self.at(i + 1);
                    if is_blank_or_eol(d) || (flow && is_flow_indicator(d)) {
                        return (end, i, Stop::Colon);
                    }
                    i += 1;
                    end = i;
                }
                b'\r' | b'\n' | 0 => return (end, i, Stop::Eol),
                _ => return (end, i, Stop::Flow),
            }
        }
    }

    /// A block mapping at indentation `n` whose first key has been read; the cursor is on its `:`.
    fn block_map(&mut self, n: usize, first_key: Node<'a>) -> R<Node<'a>> {
        let (start, line, col) = (first_key.start, first_key.line, first_key.col);
        let base = self.entries.len();
        let mut keys = KeySet::default();
        let mut key = first_key;
        loop {
            if self.pos - key.start > MAX_KEY {
                return Err(self.no("long implicit key"));
            }
            if !keys.insert(&self.entries[base..], key.as_str().unwrap_or_default()) {
                return Err(self.no("duplicate key"));
            }
            let colon = self.pos;
            let colon_line = self.line;
            let colon_col = self.col(colon);
            self.pos += 1;
            self.skip_spaces();
            let value = match self.at(self.pos) {
                b'#' | b'\r' | b'\n' | 0 => {
                    self.end_line()?;
                    match self.next {
                        Next::Line(k) if k > n => self.node(n as isize, Ctx::OwnLine)?,
                        Next::Line(k) if k == n && self.at_dash_entry() => {
                            self.enter()?;
                            let seq = self.block_seq(n, true)?;
                            self.depth -= 1;
                            seq
                        }
                        _ => empty(colon, colon_line, colon_col),
                    }
                }
                _ => self.node(n as isize, Ctx::MapValue)?,
            };
            self.entries.push((key, value));
            match self.next {
                Next::Line(k) if k == n => key = self.key()?,
                Next::Line(k) if k > n => {
                    return Err(self.no("unexpected indentation in a mapping"));
                }
                _ => break,
            }
        }
        let end = self.entries.last().map_or(start, |(k, v)| k.end.max(v.end));
        let entries = self.take_entries(base);
        Ok(Node {
            kind: NodeKind::Map {
                flow: false,
                entries,
            },
            start,
            end,
            line,
            col,
            anchored: false,
            tagged: false,
        })
    }

    /// A key of a block mapping at the cursor; leaves the cursor on its `:`.
    fn key(&mut self) -> R<Node<'a>> {
        let p = self.pos;
        let c = self.at(p);
        let key = match c {
            b'"' | b'\'' => {
                let key = self.quoted(-1, false)?;
                self.skip_spaces();
                key
            }
            _ if self.plain_start(false) => self.plain_key(p)?,
            _ => return Err(self.no("not a simple key")),
        };
        if self.at(self.pos) != b':' || !is_blank_or_eol(self.at(self.pos + 1)) {
            return Err(self.no("expected `:` after a key"));
        }
        Ok(key)
    }

    fn plain_key(&mut self, p: usize) -> R<Node<'a>> {
        let (end, stop_pos, stop) = self.plain_line(p, false);
        if stop != Stop::Colon {
            return Err(self.no("a line without `key:` in a mapping"));
        }
        self.pos = stop_pos;
        Ok(scalar(
            &self.src[p..end],
            Style::Plain,
            p,
            end,
            self.line,
            self.col(p),
        ))
    }

    /// A block sequence whose first `-` is at the cursor, at indentation `n`. An indentless sequence
    /// (at the same indentation as the mapping holding it) starts, as granit reports it, where its first
    /// entry's content starts.
    fn block_seq(&mut self, n: usize, indentless: bool) -> R<Node<'a>> {
        let dash = self.pos;
        let mut start = (dash, self.line, self.col(dash));
        let base = self.items.len();
        loop {
            self.pos += 1;
            self.skip_spaces();
            if self.at(self.pos) == b'#' {
                self.pos = self.eol(self.pos);
            }
            let mark = (self.pos, self.line, self.col(self.pos));
            if indentless && self.items.len() == base {
                start = mark;
            }
            let item = if is_eol(self.at(self.pos)) {
                self.next_line()?;
                match self.next {
                    Next::Line(k) if k > n => self.node(n as isize, Ctx::OwnLine)?,
                    _ => empty(mark.0, mark.1, mark.2),
                }
            } else {
                self.node(n as isize, Ctx::SeqItem)?
            };
            self.items.push(item);
            match self.next {
                Next::Line(k) if k == n && self.at_dash_entry() => {}
                Next::Line(k) if k == n && indentless => break,
                Next::Line(k) if k < n => break,
                Next::Line(_) => return Err(self.no("unexpected indentation in a sequence")),
                _ => break,
            }
        }
        let end = self.items.last().map_or(start.0, |i| i.end);
        let items = self.take_items(base);
        Ok(Node {
            kind: NodeKind::Seq { flow: false, items },
            start: start.0,
            end,
            line: start.1,
            col: start.2,
            anchored: false,
            tagged: false,
        })
    }

    /// A quoted scalar at the cursor; leaves the cursor after the closing quote. Continuation lines
    /// (allowed only if `multiline`) must be indented deeper than `n`.
    fn quoted(&mut self, n: isize, multiline: bool) -> R<Node<'a>> {
        let start = self.pos;
        let line = self.line;
        let col = self.col(start);
        let q = self.at(start);
        let b = self.b;
        let mut i = start + 1;
        if q == b'\'' {
            while i < b.len() && !matches!(b[i], b'\'' | b'\n' | b'\r') {
                i += 1;
            }
            if self.at(i) == b'\'' && self.at(i + 1) != b'\'' {
                self.pos = i + 1;
                let text = &self.src[start + 1..i];
                return Ok(scalar(text, Style::SingleQuoted, start, i + 1, line, col));
            }
        } else {
            while i < b.len() && !matches!(b[i], b'"' | b'\\' | b'\n' | b'\r') {
                i += 1;
            }
            if self.at(i) == b'"' {
                self.pos = i + 1;
                let text = &self.src[start + 1..i];
                return Ok(scalar(text, Style::DoubleQuoted, start, i + 1, line, col));
            }
        }
        self.quoted_slow(start, line, col, n, multiline)
    }

    fn quoted_slow(
        &mut self,
        start: usize,
        line: usize,
        col: usize,
        n: isize,
        multiline: bool,
    ) -> R<Node<'a>> {
        let q = self.at(start);
        let mut out = String::new();
        let mut i = start + 1;
        let mut seg = i;
        loop {
            let c = self.at(i);
            match c {
                b'\'' if q == b'\'' => {
                    if self.at(i + 1) == b'\'' {
                        out.push_str(&self.src[seg..=i]);
                        i += 2;
                        seg = i;
                    } else {
                        out.push_str(&self.src[seg..i]);
                        i += 1;
                        break;
                    }
                }
                b'"' if q == b'"' => {
                    out.push_str(&self.src[seg..i]);
                    i += 1;
                    break;
                }
                b'\\' if q == b'"' => {
                    out.push_str(&self.src[seg..i]);
                    if matches!(self.at(i + 1), b'\r' | b'\n') {
                        if !multiline {
                            return Err(self.no("multi-line quoted key or flow scalar"));
                        }
                        self.pos = i + 1;
                        i = self.fold_quoted(n, &mut out, true)?;
                    } else {
                        i = self.escape(i, &mut out)?;
                    }
                    seg = i;
                }
                b'\r' | b'\n' => {
                    if !multiline {
                        return Err(self.no("multi-line quoted key or flow scalar"));
                    }
                    out.push_str(self.src[seg..i].trim_end_matches(' '));
                    self.pos = i;
                    i = self.fold_quoted(n, &mut out, false)?;
                    seg = i;
                }
                0 if i >= self.b.len() => {
                    self.pos = i;
                    return Err(self.no("unterminated quoted scalar"));
                }
                _ => i += 1,
            }
        }
        self.pos = i;
        let style = if q == b'\'' {
            Style::SingleQuoted
        } else {
            Style::DoubleQuoted
        };
        Ok(scalar(
            self.arena.alloc_str(&out),
            style,
            start,
            i,
            line,
            col,
        ))
    }

    /// At a line break inside a quoted scalar: fold it (a space, or one newline per empty line; nothing
    /// but the empty lines after an escaped break) and return the offset of the next line's text.
    fn fold_quoted(&mut self, n: isize, out: &mut String, escaped: bool) -> R<usize> {
        let mut empties = 0;
        loop {
            self.break_line();
            let mut p = self.pos;
            while self.at(p) == b' ' {
                p += 1;
            }
            self.pos = p;
            match self.at(p) {
                b'\r' | b'\n' => empties += 1,
                0 => return Err(self.no("unterminated quoted scalar")),
                _ => {
                    if (p - self.ls) as isize <= n
                        || (p == self.ls && self.is_marker_line().is_some())
                    {
                        return Err(self.no("under-indented quoted continuation line"));
                    }
                    if empties == 0 && !escaped {
                        out.push(' ');
                    }
                    out.extend(std::iter::repeat_n('\n', empties));
                    return Ok(p);
                }
            }
        }
    }

    /// Decode the escape sequence at `i` (a backslash) into `out`; returns the offset after it.
    fn escape(&mut self, i: usize, out: &mut String) -> R<usize> {
        let e = self.at(i + 1);
        let simple = match e {
            b'0' => Some('\0'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b't' => Some('\t'),
            b'n' => Some('\n'),
            b'v' => Some('\x0b'),
            b'f' => Some('\x0c'),
            b'r' => Some('\r'),
            b'e' => Some('\x1b'),
            b' ' => Some(' '),
            b'"' => Some('"'),
            b'/' => Some('/'),
            b'\\' => Some('\\'),
            b'N' => Some('\u{85}'),
            b'_' => Some('\u{a0}'),
            b'L' => Some('\u{2028}'),
            b'P' => Some('\u{2029}'),
            _ => None,
        };
        if let Some(ch) = simple {
            out.push(ch);
            return Ok(i + 2);
        }
        let digits = match e {
            b'x' => 2,
            b'u' => 4,
            b'U' => 8,
            _ => {
                self.pos = i;
                return Err(self.no("unknown escape"));
            }
        };
        let mut code = self.hex(i + 2, digits)?;
        let mut next = i + 2 + digits;
        if (0xd800..0xdc00).contains(&code) {
            if self.at(next) != b'\\' || self.at(next + 1) != b'u' {
                return Err(self.no("lone surrogate escape"));
            }
            let low = self.hex(next + 2, 4)?;
            if !(0xdc00..0xe000).contains(&low) {
                return Err(self.no("lone surrogate escape"));
            }
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            next += 6;
        }
        match char::from_u32(code) {
            Some(ch) => {
                out.push(ch);
                Ok(next)
            }
            None => Err(self.no("invalid escaped code point")),
        }
    }

    fn hex(&self, p: usize, digits: usize) -> R<u32> {
        let mut v = 0u32;
        for k in 0..digits {
            let d = (self.at(p + k) as char)
                .to_digit(16)
                .ok_or_else(|| self.no("bad hex escape"))?;
            v = v * 16 + d;
        }
        Ok(v)
    }

    /// A literal or folded block scalar whose header is at the cursor; content is indented deeper than
    /// `n`. Its span runs from the first content character to where the scanner stops: past the
    /// trailing line breaks and the indentation of the first line that is not part of it.
    fn block_scalar(&mut self, n: isize) -> R<Node<'a>> {
        let style = if self.at(self.pos) == b'|' {
            Style::Literal
        } else {
            Style::Folded
        };
        self.pos += 1;
        let chomp = match self.at(self.pos) {
            b'-' => Chomp::Strip,
            b'+' => Chomp::Keep,
            _ => Chomp::Clip,
        };
        if !matches!(chomp, Chomp::Clip) {
            self.pos += 1;
        }
        if !is_blank_or_eol(self.at(self.pos)) {
            return Err(self.no("block scalar indentation indicator or unexpected header"));
        }
        self.skip_spaces();
        match self.at(self.pos) {
            b'#' => self.pos = self.eol(self.pos),
            b'\r' | b'\n' => {}
            _ => return Err(self.no("empty block scalar or text after its header")),
        }
        if !self.break_line() {
            return Err(self.no("empty block scalar"));
        }
        // Leading empty lines, then the first content line fixes the indentation.
        let mut leading = 0;
        let mut widest_blank = 0;
        let indent = loop {
            let mut p = self.pos;
            while self.at(p) == b' ' {
                p += 1;
            }
            match self.at(p) {
                b'\r' | b'\n' => {
                    widest_blank = widest_blank.max(p - self.ls);
                    leading += 1;
                    self.pos = p;
                    self.break_line();
                }
                0 if p >= self.b.len() => return Err(self.no("empty block scalar")),
                _ => break p - self.ls,
            }
        };
        if indent as isize <= n || indent == 0 || widest_blank > indent {
            return Err(self.no("empty or oddly indented block scalar"));
        }
        let start = self.ls + indent;
        let (line, col) = (self.line, indent);
        let mut text = String::new();
        text.extend(std::iter::repeat_n('\n', leading));
        let mut empties = 0;
        let mut first = true;
        let mut prev_more = false;
        // The last content line ends the text without a line break: clip and keep have no final line
        // break to keep (YAML 1.2, `b-chomped-last` is `<end-of-input>`), so the value ends with that line.
        let mut unterminated = false;
        let end = loop {
            let ls = self.ls;
            let lim = ls + indent;
            let mut p = ls;
            while p < lim && self.at(p) == b' ' {
                p += 1;
            }
            if p < lim {
                match self.at(p) {
                    b'\r' | b'\n' => {
                        empties += 1;
                        self.pos = p;
                        self.break_line();
                        continue;
                    }
                    // A less indented line (or the end of the text) ends the scalar.
                    _ => break p,
                }
            }
            let eol = self.eol(p);
            if eol == p {
                if p >= self.b.len() {
                    break p;
                }
                empties += 1;
                self.pos = p;
                self.break_line();
                continue;
            }
            let content = &self.src[p..eol];
            let more = content.as_bytes()[0] == b' ';
            if !first {
                if style == Style::Folded && !prev_more && !more {
                    if empties == 0 {
                        text.push(' ');
                    } else {
                        text.extend(std::iter::repeat_n('\n', empties));
                    }
                } else {
                    text.extend(std::iter::repeat_n('\n', empties + 1));
                }
            }
            text.push_str(content);
            first = false;
            prev_more = more;
            empties = 0;
            self.pos = eol;
            if !self.break_line() {
                unterminated = true;
                break eol;
            }
        };
        match chomp {
            _ if unterminated => {}
            Chomp::Strip => {}
            Chomp::Clip => text.push('\n'),
            Chomp::Keep => text.extend(std::iter::repeat_n('\n', empties + 1)),
        }
        self.pos = end;
        self.scan_lines()?;
        Ok(scalar(
            self.arena.alloc_str(&text),
            style,
            start,
            end,
            line,
            col,
        ))
    }

    /// A flow collection at the cursor; leaves the cursor after its closing bracket.
    fn flow(&mut self, n: isize) -> R<Node<'a>> {
        self.enter()?;
        let start = self.pos;
        let line = self.line;
        let col = self.col(start);
        let open = self.at(start);
        self.pos += 1;
        let kind = if open == b'[' {
            let base = self.items.len();
            loop {
                self.flow_ws()?;
                if self.at(self.pos) == b']' {
                    break;
                }
                let item = self.flow_node(n)?;
                self.items.push(item);
                self.flow_ws()?;
                match self.at(self.pos) {
                    b',' => self.pos += 1,
                    b']' => break,
                    _ => return Err(self.no("unexpected text in a flow sequence")),
                }
            }
            NodeKind::Seq {
                flow: true,
                items: self.take_items(base),
            }
        } else {
            let base = self.entries.len();
            let mut keys = KeySet::default();
            loop {
                self.flow_ws()?;
                if self.at(self.pos) == b'}' {
                    break;
                }
                let key = match self.at(self.pos) {
                    b'"' | b'\'' => self.quoted(n, false)?,
                    _ if !self.plain_start(true) => {
                        return Err(self.no("unsupported flow mapping key"));
                    }
                    _ => {
                        let p = self.pos;
                        let (end, stop_pos, stop) = self.plain_line(p, true);
                        if stop != Stop::Colon {
                            return Err(self.no("flow mapping key without a value"));
                        }
                        if matches!(self.at(stop_pos + 1), b'[' | b'{') {
                            // granit rejects `key:[` and `key:{` after a plain key.
                            return Err(self.no("`:` right before a flow collection"));
                        }
                        self.pos = stop_pos;
                        scalar(
                            &self.src[p..end],
                            Style::Plain,
                            p,
                            end,
                            self.line,
                            self.col(p),
                        )
                    }
                };
                if !keys.insert(&self.entries[base..], key.as_str().unwrap_or_default()) {
                    return Err(self.no("duplicate key"));
                }
                self.skip_spaces();
                if self.at(self.pos) != b':' {
                    return Err(self.no("expected `:` in a flow mapping"));
                }
                self.pos += 1;
                self.flow_ws()?;
                if matches!(self.at(self.pos), b',' | b'}') {
                    return Err(self.no("empty value in a flow mapping"));
                }
                let value = self.flow_node(n)?;
                self.entries.push((key, value));
                self.flow_ws()?;
                match self.at(self.pos) {
                    b',' => self.pos += 1,
                    b'}' => break,
                    _ => return Err(self.no("unexpected text in a flow mapping")),
                }
            }
            NodeKind::Map {
                flow: true,
                entries: self.take_entries(base),
            }
        };
        self.pos += 1;
        self.depth -= 1;
        Ok(Node {
            kind,
            start,
            end: self.pos,
            line,
            col,
            anchored: false,
            tagged: false,
        })
    }

    fn flow_node(&mut self, n: isize) -> R<Node<'a>> {
        let p = self.pos;
        let c = self.at(p);
        match c {
            b'[' | b'{' => self.flow(n),
            b'"' | b'\'' => self.quoted(n, false),
            _ if self.plain_start(true) => self.flow_plain(),
            _ => Err(self.no("unsupported flow node")),
        }
    }

    fn flow_plain(&mut self) -> R<Node<'a>> {
        let p = self.pos;
        let (end, stop_pos, stop) = self.plain_line(p, true);
        if stop == Stop::Colon {
            return Err(self.no("implicit mapping in a flow collection"));
        }
        self.pos = stop_pos;
        Ok(scalar(
            &self.src[p..end],
            Style::Plain,
            p,
            end,
            self.line,
            self.col(p),
        ))
    }

    /// Skip spaces, line breaks and comments inside a flow collection.
    fn flow_ws(&mut self) -> R<()> {
        loop {
            match self.at(self.pos) {
                b' ' => self.pos += 1,
                b'#' => {
                    if self.pos > self.ls && self.b[self.pos - 1] != b' ' {
                        return Err(self.no("comment not separated by a space"));
                    }
                    self.pos = self.eol(self.pos);
                }
                b'\r' | b'\n' => {
                    self.break_line();
                    if self.is_marker_line().is_some() {
                        return Err(self.no("document marker inside a flow collection"));
                    }
                }
                0 if self.pos >= self.b.len() => {
                    return Err(self.no("unterminated flow collection"));
                }
                _ => return Ok(()),
            }
        }
    }
}

fn scalar<'a>(
    text: &'a str,
    style: Style,
    start: usize,
    end: usize,
    line: usize,
    col: usize,
) -> Node<'a> {
    Node {
        kind: NodeKind::Scalar { text, style },
        start,
        end,
        line,
        col,
        anchored: false,
        tagged: false,
    }
}

/// The empty plain scalar granit reports for a missing value.
fn empty<'a>(at: usize, line: usize, col: usize) -> Node<'a> {
    scalar("~", Style::Plain, at, at, line, col)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::reference;

    /// An arena for a test's trees (never freed; tests are short).
    fn arena() -> &'static Arena {
        Box::leak(Box::default())
    }

    thread_local! {
        /// The text [`same`] parsed last.
        static SOURCE: std::cell::Cell<&'static str> = const { std::cell::Cell::new("") };
    }

    /// The fast parser accepts `doc` and builds exactly the reference tree.
    #[track_caller]
    fn same(doc: &str) -> Option<Node<'_>> {
        SOURCE.with(|s| s.set(String::leak(doc.to_string())));
        let doc: &str = SOURCE.with(|s| s.get());
        let fast = parse(doc, arena()).unwrap_or_else(|d| panic!("declined {doc:?}: {d}"));
        let reference = reference::parse(doc, arena())
            .unwrap_or_else(|e| panic!("reference rejects {doc:?}: {e:?}"));
        assert_eq!(fast, reference, "trees differ for {doc:?}");
        fast
    }

    /// The fast parser declines `doc`; `yaml::parse` then answers exactly like the reference parser.
    #[track_caller]
    fn declines(doc: &str) {
        assert!(parse(doc, arena()).is_err(), "accepted {doc:?}");
        assert_eq!(crate::yaml::parse(doc), reference::parse(doc, arena()));
    }

    fn text<'a>(node: &'a Node<'_>) -> &'a str {
        node.as_str().expect("a scalar")
    }

    #[test]
    fn empty_and_comment_only_documents() {
        for doc in [
            "",
            "\n",
            "  \n\n",
            "# c\n",
            "# a\n\n# b",
            "...\n",
            "# c\n...\n# d\n",
        ] {
            assert!(same(doc).is_none(), "{doc:?}");
        }
        for doc in [
            "---",
            "---\n",
            "--- # sep\n# c\n",
            "---\r\n",
            "---\n...\n",
            "# a\n\n---\n",
            "--- \n# x",
        ] {
            assert!(same(doc).is_some_and(|n| n.is_null()), "{doc:?}");
        }
    }

    #[test]
    fn document_markers() {
        same("--- # first\na: 1\n... # end\n# trailing comment\n");
        same("# Source: chart/templates/a.yaml\n---\na: 1\n");
        same("a: 1\n...");
        declines("a: 1\n---\nb: 2\n");
        declines("a: 1\n...\nb: 2\n");
        declines("--- a: 1\n");
        declines("--- |\n  x\n");
        declines("%YAML 1.2\n---\na: 1\n");
    }

    #[test]
    fn empty_values_sit_at_the_colon_or_after_the_dash() {
        let doc = "a:\nb: # c\n\"c\" :\nd:   \ne:\n  # only a comment\nf: 1\n";
        let root = same(doc).unwrap();
        let b = root.get("b").unwrap();
        assert_eq!(
            (b.start, b.end, b.col),
            (doc.find("b:").unwrap() + 1, doc.find("b:").unwrap() + 1, 1)
        );
        let doc = "- \n-\n- # c\n-   x\n-\n";
        same(doc);
        same("k:\n- \n- a\n");
        same("k:\n-\n  a: 1\n");
        same("k:\n- # comment after the first dash\n  a: 1\nz: 2\n");
    }

    #[test]
    fn sequences_indentless_indented_and_compact() {
        same("a:\n- 1\n- 2\nb:\n  - 3\n  -   4\nc:\n    - x: 1\n      y: 2\n    - z\n");
        same("- - a\n  - b\n- - - c\n    - d\n- e\n");
        same("-   a: 1\n    b:\n    - x\n    c: 2\n");
        same("items:\n- name: a\n  ports:\n  - 80\n  - 443\n- name: b\n");
        declines("a:\n  - 1\n - 2\n");
        declines("a: - 1\n");
        declines("- a\nb: 1\n");
    }

    #[test]
    fn keys() {
        let root = same("app.kubernetes.io/name: x\nk:{\"port\":80}: {}\n\"quoted key\": 1\n'single': 2\nspaced   : 3\n?q: 4\n:c: 5\n-d: 6\n<<: 7\n").unwrap();
        assert_eq!(root.entries().unwrap().len(), 9);
        assert_eq!(text(&root.entries().unwrap()[4].0), "spaced");
        declines("a: b: c\n");
        declines("a: 1\nb\n");
        declines("? a\n: b\n");
        declines(&format!("{}: 1\n", "k".repeat(1100)));
        declines("a: 1\nb: 2\na: 3\n");
        declines("m: {a: 1, a: 2}\n");
        declines("\"a\": 1\na: 2\n");
    }

    #[test]
    fn plain_scalars() {
        let root = same(
            "a: one\n  two  \n\n   three # c\nb: http://x/y?z#frag\nc: a#b\nd: -x\ne: b[0]\nf: ~\n",
        )
        .unwrap();
        assert_eq!(text(root.get("a").unwrap()), "one two\nthree");
        // A folded text is decoded into the arena; a one-line text is the source's own bytes.
        let in_source =
            |s: &str| SOURCE.with(|src| src.get().as_bytes().as_ptr_range().contains(&s.as_ptr()));
        assert!(!in_source(text(root.get("a").unwrap())));
        assert!(in_source(text(root.get("b").unwrap())));
        same("- a\n  b\n- c: d\n    e\n");
        same("k:\n- a\n b\n");
        // A comment line ends a multi-line plain scalar; text after it is an error.
        same("a: b\n  # c\nd: e\n");
        declines("a: b\n  x #c\n  y\n");
        declines("a: b\n  c: d\n");
        // Continuation lines may start with indicators.
        same("a: b\n  - c\n  [d] {e} *f &g !h |i >j 'k' \"l\" %m @n `o ?p :q ,r -s\n");
        same("- a\n  - b\n");
        same("k:\n- c\n  - d\ne: 1\n");
        declines("a: b\n  : c\n");
        declines("a: scalar\n    on two lines: no\n");
    }

    #[test]
    fn scalars_on_their_own_line() {
        same("a:\n  b\nc: 1\n");
        same("a: # c\n  # d\n  \"b\"\n");
        same("a:\n  b\n c\nd: 1\n");
        same("- \n  x\n-\n  'y\n  z'\n");
        same("k:\n-\n x\n");
        declines("a:\n  b\n  c: 1\n");
        declines("a:\n  b # c\n  d\n");
    }

    #[test]
    fn quoted_scalars() {
        let root = same(concat!(
            "a: 'it''s'\n",
            "b: \"\\\"q\\\" \\\\ \\/ \\t \\n \\u00e9 \\U0001F600 \\ud83d\\ude00 \\x41 \\0 \\e \\N \\_ \\L \\P \\ \"\n",
            "c: 'x\n  y ''q''\n\n  z'\n",
            "d: \"p\\\n  q \\\"r\\\" \\t\n  s\"\n",
            "e: \"x  \n  \n  y\\\n\n z\"\n",
            "f: ''\n",
            "g: \"\"\n",
        ))
        .unwrap();
        assert_eq!(text(root.get("a").unwrap()), "it's");
        assert_eq!(text(root.get("c").unwrap()), "x y 'q'\nz");
        assert_eq!(text(root.get("d").unwrap()), "pq \"r\" \t s");
        assert_eq!(text(root.get("e").unwrap()), "x\ny\nz");
        assert_eq!(text(root.get("f").unwrap()), "");
        declines("a: \"\\q\"\n");
        declines("a: \"\\ud83d\"\n");
        declines("a: \"unterminated\n");
        declines("a: 'x'y\n");
        declines("a: \"x\"#c\n");
        declines("m:\n  a: 'x\ny'\n");
    }

    #[test]
    fn block_scalars() {
        for header in ["|", "|-", "|+", ">", ">-", ">+", "|  # c", ">- # c"] {
            for body in [
                "  x\n  y\n",
                "  x\n\n  y\n\n\n",
                "  x\n   more\n  y\n",
                "  x\n\n   more\n  y\n\n\n  z\n",
                "\n  \n  x\n",
                "  x\n      \n",
                "  # not a comment\n  x",
                "  x\r\n  y\r\n\r\n",
            ] {
                for after in [
                    "",
                    "b: 1\n",
                    "# comment\nb: 1\n",
                    "\n\nb: 1",
                    " # indented comment\nb: 1\n",
                ] {
                    same(&format!("a: {header}\n{body}{after}"));
                    same(&format!(
                        "m:\n  a: {header}\n  {}  {}",
                        body.replace('\n', "\n  "),
                        after
                    ));
                    same(&format!("- {header}\n{body}{after}").replace("b: 1", "- b"));
                }
            }
        }
        let root = same("a: >\n  x\n\n   y\n  z\n\n\n  w\n").unwrap();
        assert_eq!(text(root.get("a").unwrap()), "x\n\n y\nz\n\nw\n");
        let doc = "m:\n  a: |\n    x\n\n  b: 1\n";
        let a = same(doc).unwrap().path(&["m", "a"]).cloned().unwrap();
        assert_eq!(&doc[a.start..a.end], "x\n\n  ");
        declines("a: |2\n   x\n");
        declines("a: |\n\nb: 1\n");
        declines("a: |\nb: 1\n");
        declines("a: |\n    \n  x\n");
        declines("a: |x\n");
    }

    #[test]
    fn flow_collections() {
        same(
            "a: {}\nb: []\nc: [ ]\nd: { }\ne: {x: \"1\", y: z}\nf: [\"a\", b, 1, ]\ng: {\"k\":\"v\", \"n\":1}\n",
        );
        same("g: {\n  \"p\": [1, 2],  # c\n  # full line\n  \"q\": {}\n}\nh: [\n  a,\n  b\n]\n");
        same(
            "{\n  \"kind\": \"List\",\n  \"items\": [\n    {\"a\": null, \"b\": true, \"c\": [[], {}]}\n  ]\n}\n",
        );
        same("[1, [2, [3]], {a: [b]}]\n");
        same("k:\n  {a: 1}\nl:\n  [b]\n");
        same("a: [-x, ?y, :z, a:b, http://h/p]\n");
        same("a: {\"b\":[1], 'c':{}, d: [2]}\n");
        declines("a: {b:[1]}\n");
        declines("a: {b:{}}\n");
        declines("a: [a: b]\n");
        declines("a: {a}\n");
        declines("a: {a: }\n");
        declines("a: {a: 1\n");
        declines("a: [1, 2\n");
        declines("a: [a\n  b]\n");
        declines("a: {x: 1}: 2\n");
        declines("{a: 1}\n---\n");
        declines("a: [- x]\n");
        declines("a: [\n---\n]\n");
    }

    #[test]
    fn columns_count_characters() {
        let root = same("é: ü # x\nb: {é: 1, ü: [ä, ö]}\n").unwrap();
        let b = root.get("b").unwrap();
        assert_eq!(b.entries().unwrap()[1].0.col, 10);
        assert_eq!(b.entries().unwrap()[1].0.start, 22);
        same("名前: 値\nk: [α, β, \"γ\"]\n");
    }

    #[test]
    fn crlf() {
        same(
            "a: 1\r\nb:\r\n  - x\r\n  - 'y\r\n    z'\r\nc: |\r\n  l1\r\n\r\n  l2\r\nd: {e: f}\r\n",
        );
        declines("a: 1\rb: 2\n");
    }

    #[test]
    fn declined_characters_and_constructs() {
        declines("\u{feff}a: 1\n");
        declines("a:\n\tb: 1\n");
        declines("a: b\tc\n");
        declines("a: \u{1}\n");
        declines("a: \u{85}x\n");
        declines("a: &x 1\nb: *x\n");
        declines("a: !!str 1\n");
        declines("scalar at the root\n");
        declines("\"quoted root\"\n");
        declines("a:\n  |\n    block scalar header on its own line\n");
        declines(&format!("a:\n{}  b: 1\n", "  # c\n".repeat(100)));
        declines(&"[".repeat(300));
        let deep: String = (0..250).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        declines(&deep);
    }

    #[test]
    fn suspicious_words() {
        for pos in 0..8 {
            for byte in 0..=255u8 {
                for filler in [b'a', b'\n', b' ', b'~'] {
                    let mut word = [filler; 8];
                    word[pos] = byte;
                    let bad = |b: u8| (b < 0x20 && b != b'\n') || b >= 0x7f;
                    let expected = bad(byte) || bad(filler);
                    assert_eq!(suspicious(u64::from_le_bytes(word)), expected, "{word:?}");
                }
            }
        }
    }

    #[test]
    fn prescan_checks_every_byte_of_every_chunk() {
        let base = "key: abcdefghijklmnopqrstuvwxyz\n";
        for at in 5..base.len() - 1 {
            for bad in ["\t", "\u{1}", "\u{7f}", "\r", "\u{85}", "\u{feff}"] {
                let mut doc = base.to_owned();
                doc.insert_str(at, bad);
                assert!(parse(&doc, arena()).is_err(), "accepted {doc:?}");
            }
            let mut doc = base.to_owned();
            doc.insert(at, 'é');
            same(&doc);
        }
        // CRLF pairs split across eight-byte chunks.
        for pad in 0..9 {
            same(&format!("a: {}\r\nb: c\r\n", "x".repeat(pad + 1)));
        }
    }

    #[test]
    fn manifest_spans() {
        let doc = "# c\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    a.b/c: \"true\"\nspec:\n  ports:\n  - port: 80\n";
        let root = same(doc).unwrap();
        let ann = root.path(&["metadata", "annotations"]).unwrap();
        assert_eq!(&doc[ann.start..ann.end], "a.b/c: \"true\"");
        let ports = root.path(&["spec", "ports"]).unwrap();
        assert_eq!(&doc[ports.start..ports.end], "port: 80");
        assert_eq!((root.start, root.line, root.col), (4, 2, 0));
    }
}
