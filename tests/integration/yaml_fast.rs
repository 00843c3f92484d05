//! The fast YAML parser against the reference parser: whenever the fast parser accepts a document, its
//! tree must equal the reference tree (kinds, texts, styles, spans, lines, columns). Generated
//! manifest-like documents (differential property tests), mutated ones (soundness on broken input),
//! and hand-written fixtures under tests/fixtures/yaml/.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use tkedirect::yaml::{Arena, Node, NodeKind, fast, reference, split};

// ---------------------------------------------------------------------------------------------
// Comparing the two parsers

enum Outcome {
    Declined,
    Same,
}

/// Parse with both parsers; fail when the fast parser accepts and disagrees with the reference.
fn compare(doc: &str) -> Result<Outcome, String> {
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

fn dump(text: &str, node: Option<&Node<'_>>) -> String {
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

// ---------------------------------------------------------------------------------------------
// A generator of manifest-like YAML: an abstract tree, rendered with random (seeded) formatting.

#[derive(Debug, Clone)]
enum Style {
    Plain,
    PlainMulti,
    Single,
    SingleMulti,
    Double,
    DoubleMulti,
    DoubleEscapedBreak,
    Literal(&'static str),
    Folded(&'static str),
}

#[derive(Debug, Clone)]
struct Scalar {
    text: String,
    style: Style,
}

#[derive(Debug, Clone)]
struct Key {
    text: String,
    quote: u8,
}

#[derive(Debug, Clone)]
enum V {
    Scalar(Scalar),
    Empty,
    Map(Vec<(Key, V)>),
    Seq(Vec<V>),
    /// A flow mapping or sequence; `true` to spread it over several lines.
    Flow(F, bool),
}

#[derive(Debug, Clone)]
enum F {
    Scalar(Scalar),
    Map(Vec<(Key, F)>),
    Seq(Vec<F>),
}

#[derive(Debug, Clone)]
struct Format {
    indent: usize,
    indentless: bool,
    crlf: bool,
    header: u8,
    footer: bool,
    final_newline: bool,
    comments: u8,
    blanks: u8,
    seed: u64,
}

fn key_strategy() -> impl Strategy<Value = Key> {
    let text = prop_oneof![
        6 => prop::sample::select(vec![
            "apiVersion", "kind", "metadata", "name", "namespace", "labels", "annotations", "spec",
            "template", "containers", "image", "ports", "containerPort", "resources", "limits",
            "requests", "cpu", "memory", "env", "value", "valueFrom", "volumes", "volumeMounts",
            "mountPath", "readinessProbe", "httpGet", "path", "port", "selector", "matchLabels",
            "app.kubernetes.io/name", "service.cloud.tencent.com/direct-access",
            "tke.cloud.tencent.com/networks", "helm.sh/chart", "data", "config.yaml", "a-b", "x_y",
            "rules", "host", "http", "paths", "backend", "type", "items", "args", "command",
            "名前", "ключ", "café",
        ]).prop_map(str::to_owned),
        1 => "[a-z][a-zA-Z0-9./_-]{0,12}",
        1 => "[a-z]{1,4}( [a-z]{1,4})?",
    ];
    (
        text,
        prop_oneof![8 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(|(text, quote)| Key { text, quote })
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "nginx:1.27", "512Mi", "1", "0.5", "true", "false", "null", "~", "yes", "on", "tke-route-eni",
            "http://example.com/x?y=1#z", "a: b", "a #b", "a#b", "a:b", "'q'", "\"dq\"", "x\\y", "-x",
            "- x", "[x]", "{y}", "b[0]", "é ü", "😀 smile", "", " lead", "trail ", "two words", "*star",
            "&amp", "!bang", "%pct", "@at", "`tick", "a,b", "?q", ":c", "c:", "#hash", "|pipe", ">gt",
            "-", "---", "...", "a  b", "x'y", "tab\there", "line\nbreak", "é", "ünï cödé text", "0x1F",
            "1e3", "2026-01-01", "'", "\"", "\\", "a \\ b",
            "see `kubectl get` - and [more] {x} *y &z !w |p >q 'r' \"s\" %t @u ?v :w ,x",
        ]).prop_map(str::to_owned),
        3 => "[a-z][a-z0-9-]{0,10}",
        2 => "[a-z]{1,6}( [a-z]{1,6}){1,6}",
        1 => "[a-zA-Z0-9 :#'\",\\[\\]{}é\\\\-]{0,16}",
    ]
}

fn block_text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => "[a-z][a-z :#'\"=-]{0,14}",
            2 => Just(String::new()),
            1 => " {1,3}[a-z]{1,5}",
            1 => Just("# not a comment".to_owned()),
            1 => Just("trailing  ".to_owned()),
        ],
        1..6,
    )
    .prop_map(|lines| lines.join("\n"))
    .prop_filter("empty block scalars are rare", |t| {
        t.chars().any(|c| c != '\n')
    })
}

fn scalar_strategy() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        12 => (text_strategy(), prop_oneof![
            6 => Just(Style::Plain),
            1 => Just(Style::PlainMulti),
            2 => Just(Style::Single),
            1 => Just(Style::SingleMulti),
            3 => Just(Style::Double),
            1 => Just(Style::DoubleMulti),
            1 => Just(Style::DoubleEscapedBreak),
        ]).prop_map(|(text, style)| Scalar { text, style }),
        2 => (block_text_strategy(), prop::sample::select(vec!["|", "|-", "|+", ">", ">-", ">+"]), any::<bool>())
            .prop_map(|(text, header, folded)| Scalar {
                text,
                style: if folded { Style::Folded(header) } else { Style::Literal(header) },
            }),
    ]
}

fn flow_scalar_strategy() -> impl Strategy<Value = Scalar> {
    (
        text_strategy(),
        prop_oneof![3 => Just(Style::Plain), 1 => Just(Style::Single), 3 => Just(Style::Double)],
    )
        .prop_map(|(text, style)| Scalar { text, style })
}

fn flow_strategy() -> impl Strategy<Value = F> {
    let node = flow_scalar_strategy()
        .prop_map(F::Scalar)
        .prop_recursive(2, 12, 4, |inner| {
            prop_oneof![
                prop::collection::vec((key_strategy(), inner.clone()), 0..4)
                    .prop_map(|e| F::Map(dedup(e))),
                prop::collection::vec(inner, 0..4).prop_map(F::Seq),
            ]
        });
    prop_oneof![
        prop::collection::vec((key_strategy(), node.clone()), 0..5).prop_map(|e| F::Map(dedup(e))),
        prop::collection::vec(node, 0..5).prop_map(F::Seq),
    ]
}

fn value_strategy() -> impl Strategy<Value = V> {
    let leaf = prop_oneof![
        10 => scalar_strategy().prop_map(V::Scalar),
        2 => Just(V::Empty),
        2 => (flow_strategy(), any::<bool>()).prop_map(|(f, multi)| V::Flow(f, multi)),
        // `{}` and `[]` anywhere a value can be (`annotations: {}`, `resources: {}`).
        1 => any::<bool>().prop_map(|map| V::Flow(if map { F::Map(vec![]) } else { F::Seq(vec![]) }, false)),
    ];
    leaf.prop_recursive(5, 60, 6, |inner| {
        prop_oneof![
            3 => prop::collection::vec((key_strategy(), inner.clone()), 1..7).prop_map(|e| V::Map(dedup(e))),
            2 => prop::collection::vec(inner, 1..5).prop_map(V::Seq),
        ]
    })
}

fn dedup<T>(entries: Vec<(Key, T)>) -> Vec<(Key, T)> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|(k, _)| seen.insert(k.text.clone()))
        .collect()
}

fn doc_strategy() -> impl Strategy<Value = (V, Format)> {
    let root = prop_oneof![
        8 => prop::collection::vec((key_strategy(), value_strategy()), 1..8).prop_map(|e| V::Map(dedup(e))),
        1 => prop::collection::vec(value_strategy(), 1..4).prop_map(V::Seq),
        1 => flow_strategy().prop_map(|f| V::Flow(f, true)),
    ];
    let format = (
        prop_oneof![3 => Just(2usize), 2 => Just(4usize), 1 => Just(1usize), 1 => Just(3usize)],
        any::<bool>(),
        prop_oneof![4 => Just(false), 1 => Just(true)],
        0u8..4,
        prop_oneof![4 => Just(false), 1 => Just(true)],
        prop_oneof![6 => Just(true), 1 => Just(false)],
        0u8..4,
        0u8..3,
        any::<u64>(),
    )
        .prop_map(
            |(indent, indentless, crlf, header, footer, final_newline, comments, blanks, seed)| {
                Format {
                    indent,
                    indentless,
                    crlf,
                    header,
                    footer,
                    final_newline,
                    comments,
                    blanks,
                    seed,
                }
            },
        );
    (root, format)
}

struct Render<'f> {
    f: &'f Format,
    rng: u64,
    out: String,
}

impl Render<'_> {
    fn roll(&mut self, n: u64) -> u64 {
        // splitmix64
        self.rng = self.rng.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.rng;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }

    fn chance(&mut self, per_eight: u8) -> bool {
        self.roll(8) < u64::from(per_eight)
    }

    fn pad(&mut self, n: usize) {
        self.out.extend(std::iter::repeat_n(' ', n));
    }

    /// Blank lines and full-line comments between entries.
    fn between(&mut self, n: usize) {
        if self.chance(self.f.blanks) {
            if self.chance(2) {
                let w = self.roll(4) as usize;
                self.pad(w);
            }
            self.out.push('\n');
        }
        if self.chance(self.f.comments) {
            let col = if self.chance(6) {
                n
            } else {
                self.roll(8) as usize
            };
            self.pad(col);
            self.out.push_str("# a comment: with - odd [chars]\n");
        }
    }

    fn trailing_comment(&mut self) {
        if self.chance(self.f.comments) {
            let gap = 1 + self.roll(2) as usize;
            self.pad(gap);
            self.out.push_str("# trailing");
        }
    }

    fn key(&mut self, k: &Key) {
        match k.quote {
            1 => self.single(&k.text, None),
            2 => self.double(&k.text, None, false),
            _ if plain_ok(&k.text, false) => self.out.push_str(&k.text),
            _ => self.double(&k.text, None, false),
        }
    }

    /// A scalar after `key: ` or `- `; `n` is the enclosing collection's indentation.
    fn scalar(&mut self, s: &Scalar, n: usize, flow: bool) {
        let cont = n + 1 + self.roll(self.f.indent as u64 + 1) as usize;
        match &s.style {
            Style::Plain if plain_ok(&s.text, flow) => self.out.push_str(&s.text),
            Style::PlainMulti if plain_ok(&s.text, flow) && !flow => {
                let words: Vec<&str> = s.text.split(' ').collect();
                for (i, w) in words.iter().enumerate() {
                    if i > 0 {
                        if self.chance(3) {
                            self.out.push('\n');
                            if self.chance(1) {
                                self.out.push('\n');
                            }
                            self.pad(cont);
                        } else {
                            self.out.push(' ');
                        }
                    }
                    self.out.push_str(w);
                }
            }
            Style::Single => self.single(&s.text, None),
            Style::SingleMulti if !flow => self.single(&s.text, Some(cont)),
            Style::DoubleMulti if !flow => self.double(&s.text, Some(cont), false),
            Style::DoubleEscapedBreak if !flow => self.double(&s.text, Some(cont), true),
            Style::Literal(h) | Style::Folded(h) if !flow => {
                let indicator = if matches!(s.style, Style::Literal(_)) {
                    ""
                } else {
                    ">"
                };
                let header = if indicator.is_empty() {
                    h.to_string()
                } else {
                    h.replacen('|', ">", 1)
                };
                self.out.push_str(&header);
                self.trailing_comment();
                self.out.push('\n');
                let content = n + 1 + self.roll(self.f.indent as u64 + 1) as usize;
                // The first content line fixes the indentation: it must not start with a space.
                let text = s.text.replacen(|c: char| c != '\n', "x", 1);
                for line in text.split('\n') {
                    if line.is_empty() {
                        let w = self.roll(content as u64 + 1) as usize;
                        if self.chance(2) {
                            self.pad(w);
                        }
                    } else {
                        self.pad(content);
                        self.out.push_str(line);
                    }
                    self.out.push('\n');
                }
            }
            _ => self.double(&s.text, None, false),
        }
    }

    fn single(&mut self, text: &str, cont: Option<usize>) {
        self.out.push('\'');
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                match cont {
                    Some(c) if self.chance(3) => {
                        self.out.push('\n');
                        self.pad(c);
                    }
                    _ => self.out.push(' '),
                }
            }
            for ch in part.chars() {
                match ch {
                    '\'' => self.out.push_str("''"),
                    '\n' if cont.is_some() => {
                        self.out.push_str("\n\n");
                        self.pad(cont.unwrap_or_default());
                    }
                    '\n' => self.out.push(' '),
                    '\t' => self.out.push(' '),
                    _ => self.out.push(ch),
                }
            }
        }
        self.out.push('\'');
    }

    fn double(&mut self, text: &str, cont: Option<usize>, escaped_breaks: bool) {
        self.out.push('"');
        for (i, part) in text.split(' ').enumerate() {
            if i > 0 {
                match cont {
                    Some(c) if self.chance(3) => {
                        if escaped_breaks {
                            self.out.push_str(" \\");
                        }
                        self.out.push('\n');
                        self.pad(c);
                    }
                    _ => self.out.push(' '),
                }
            }
            for ch in part.chars() {
                match ch {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    '\n' => self.out.push_str("\\n"),
                    '\t' => self.out.push_str("\\t"),
                    'é' if self.chance(3) => self.out.push_str("\\u00e9"),
                    '😀' if self.chance(3) => self.out.push_str("\\ud83d\\ude00"),
                    _ => self.out.push(ch),
                }
            }
        }
        self.out.push('"');
    }

    /// A flow node; `n` is the indentation of the line it starts on.
    fn flow(&mut self, f: &F, multi: bool, n: usize) {
        let (open, close, len) = match f {
            F::Scalar(s) => return self.scalar(s, n, true),
            F::Map(e) => ('{', '}', e.len()),
            F::Seq(i) => ('[', ']', i.len()),
        };
        self.out.push(open);
        if len == 0 {
            if self.chance(2) {
                self.out.push(' ');
            }
            self.out.push(close);
            return;
        }
        let inner = n + self.f.indent;
        for i in 0..len {
            if i > 0 {
                self.out.push(',');
                if multi && self.chance(1) {
                    self.out.push_str(" # comment in a flow collection");
                }
            }
            if multi {
                self.out.push('\n');
                self.pad(inner);
            } else if i > 0 || self.chance(2) {
                self.out.push(' ');
            }
            let nested_multi = multi && self.chance(2);
            match f {
                F::Map(e) => {
                    let (k, v) = &e[i];
                    self.key(k);
                    let json_like = k.quote > 0 && self.chance(3);
                    self.out.push_str(if json_like { ":" } else { ": " });
                    self.flow(v, nested_multi, inner);
                }
                F::Seq(items) => self.flow(&items[i], nested_multi, inner),
                F::Scalar(_) => unreachable!(),
            }
        }
        if multi {
            if matches!(f, F::Seq(_)) && self.chance(2) {
                self.out.push(',');
            }
            self.out.push('\n');
            self.pad(n);
        } else if self.chance(2) {
            self.out.push(' ');
        }
        self.out.push(close);
    }

    /// The rest of a `key:` or `-` line and the lines of its value; `n` is the enclosing collection's
    /// indentation, `child` the indentation for a nested block collection.
    fn value(&mut self, v: &V, n: usize, child: usize, key_of_indentless: Option<usize>) {
        match v {
            V::Scalar(s)
                if !matches!(s.style, Style::Literal(_) | Style::Folded(_)) && self.chance(1) =>
            {
                // On its own line below the key or dash.
                self.trailing_comment();
                self.out.push('\n');
                self.pad(child);
                self.scalar(s, n, false);
                self.trailing_comment();
                self.out.push('\n');
            }
            V::Scalar(s) => {
                let gap = if self.chance(1) { "   " } else { " " };
                self.out.push_str(gap);
                self.scalar(s, n, false);
                if !matches!(s.style, Style::Literal(_) | Style::Folded(_)) {
                    self.trailing_comment();
                    self.out.push('\n');
                }
            }
            V::Empty => {
                if self.chance(2) {
                    self.out.push(' ');
                }
                self.trailing_comment();
                self.out.push('\n');
            }
            V::Flow(f, multi) => {
                if self.chance(1) {
                    // On its own line below the key or dash, as Helm renders `{}`.
                    self.trailing_comment();
                    self.out.push('\n');
                    self.pad(child);
                    self.flow(f, *multi, child);
                } else {
                    self.out.push(' ');
                    self.flow(f, *multi, n);
                }
                self.trailing_comment();
                self.out.push('\n');
            }
            V::Map(e) => {
                self.trailing_comment();
                self.out.push('\n');
                self.map(e, child);
            }
            V::Seq(items) => {
                self.trailing_comment();
                self.out.push('\n');
                match key_of_indentless {
                    Some(k) if self.f.indentless => self.seq(items, k),
                    _ => self.seq(items, child),
                }
            }
        }
    }

    fn map(&mut self, entries: &[(Key, V)], n: usize) {
        for (i, (k, v)) in entries.iter().enumerate() {
            if i > 0 {
                self.between(n);
            }
            self.pad(n);
            self.map_entry(k, v, n);
        }
    }

    fn map_entry(&mut self, k: &Key, v: &V, n: usize) {
        self.key(k);
        if self.chance(1) {
            self.out.push(' ');
        }
        self.out.push(':');
        self.value(v, n, n + self.f.indent, Some(n));
    }

    fn seq(&mut self, items: &[V], n: usize) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.between(n);
            }
            self.pad(n);
            self.out.push('-');
            match item {
                V::Map(e) if self.chance(6) => {
                    // A compact mapping: `- key: value` and the other keys under the first.
                    let gap = 1 + self.roll(3) as usize;
                    self.pad(gap);
                    let m = n + 1 + gap;
                    for (j, (k, v)) in e.iter().enumerate() {
                        if j > 0 {
                            self.between(m);
                            self.pad(m);
                        }
                        self.map_entry(k, v, m);
                    }
                }
                V::Seq(inner) if self.chance(4) => {
                    self.out.push(' ');
                    let m = n + 2;
                    for (j, v) in inner.iter().enumerate() {
                        if j > 0 {
                            self.pad(m);
                        }
                        self.out.push('-');
                        self.value(v, m, m + 2, None);
                    }
                }
                _ => self.value(item, n, n + self.f.indent.max(2), None),
            }
        }
    }
}

/// Whether a text can be written as a plain scalar without changing meaning or validity.
fn plain_ok(t: &str, flow: bool) -> bool {
    let Some(first) = t.chars().next() else {
        return false;
    };
    if t.starts_with(' ')
        || t.ends_with(' ')
        || t.ends_with(':')
        || t.contains(": ")
        || t.contains(" #")
    {
        return false;
    }
    if t.contains(['\n', '\t', '\\']) && first == '"' {
        return false;
    }
    if t.contains(['\n', '\t']) || matches!(t, "---" | "...") {
        return false;
    }
    let second = t.chars().nth(1);
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    if indicator && !(matches!(first, '-' | '?' | ':') && second.is_some_and(|c| c != ' ')) {
        return false;
    }
    !(flow && t.contains([',', '[', ']', '{', '}', ':']))
}

fn render(root: &V, f: &Format) -> String {
    let mut r = Render {
        f,
        rng: f.seed,
        out: String::new(),
    };
    match f.header {
        1 => r.out.push_str("---\n"),
        2 => r.out.push_str("--- # separator\n"),
        3 => r
            .out
            .push_str("# Source: chart/templates/deployment.yaml\n"),
        _ => {}
    }
    if r.chance(f.comments) {
        r.out.push_str("# leading comment\n\n");
    }
    match root {
        V::Map(e) => r.map(e, 0),
        V::Seq(items) => r.seq(items, 0),
        V::Flow(f, multi) => {
            r.flow(f, *multi, 0);
            r.out.push('\n');
        }
        other => r.value(other, 0, 0, None),
    }
    if r.chance(f.comments) {
        r.out.push_str("# final comment\n");
    }
    if f.footer {
        r.out.push_str("...\n");
    }
    if !f.final_newline {
        while r.out.ends_with('\n') {
            r.out.pop();
        }
        // Sometimes a last line of spaces only, without a line break.
        if f.seed.is_multiple_of(5) {
            r.out.push('\n');
            r.out.push_str(&" ".repeat((f.seed % 7) as usize));
        }
    }
    if f.crlf {
        r.out.replace('\n', "\r\n")
    } else {
        r.out
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// `YAML_FAST_CASES=N` multiplies the number of cases, for a deeper local run.
fn runner(cases: u32) -> TestRunner {
    let factor = std::env::var("YAML_FAST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    TestRunner::new(Config {
        cases: cases * factor,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn fast_equals_reference_on_generated_manifests() {
    use std::cell::Cell;
    let (total, valid, accepted) = (Cell::new(0usize), Cell::new(0usize), Cell::new(0usize));
    let mut runner = runner(600);
    let result = runner.run(&doc_strategy(), |(root, format)| {
        let doc = render(&root, &format);
        total.set(total.get() + 1);
        let debug = std::env::var("YAML_FAST_DEBUG").is_ok();
        match reference::parse(&doc, &Arena::new()) {
            Ok(_) => {
                valid.set(valid.get() + 1);
                if debug && let Err(d) = fast::parse(&doc, &Arena::new()) {
                    eprintln!(
                        "DECLINED {d}: {:?}\n{doc:?}\n",
                        doc.get(d.offset.saturating_sub(30)..(d.offset + 10).min(doc.len()))
                    );
                }
            }
            Err(e) if debug => eprintln!("INVALID {}:{} {}\n{doc}\n", e.line, e.col, e.message),
            Err(_) => {}
        }
        match compare(&doc).map_err(TestCaseError::fail)? {
            Outcome::Same => accepted.set(accepted.get() + 1),
            Outcome::Declined => {}
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (total, valid, accepted) = (total.get(), valid.get(), accepted.get());
    eprintln!("generated {total}, reference accepts {valid}, fast accepts {accepted}");
    assert!(
        valid * 10 >= total * 9,
        "the generator should mostly produce valid YAML ({valid}/{total})"
    );
    assert!(
        accepted * 100 >= valid * 95,
        "fast parser acceptance too low: {accepted}/{valid}"
    );
}

/// Mutations of valid documents (inserted indicators, tabs, deleted characters, shifted lines):
/// whatever the fast parser accepts, the reference must accept with the same tree.
#[test]
fn fast_is_sound_on_mutated_documents() {
    let mutation = (
        0usize..10_000,
        0u8..6,
        prop::sample::select(vec![
            ":", ": ", "-", "- ", " ", "  ", "#", " #", "'", "\"", "\\", "\n", "\n  ", "\r", "\t",
            "{", "}", "[", "]", ",", "|", ">", "&a ", "*a", "!t ", "? ", "%", "---\n", "...\n",
            "é", "\u{feff}", "\u{85}", "\x01", "\r\n",
        ]),
    );
    let strategy = (doc_strategy(), prop::collection::vec(mutation, 1..4));
    let (total, accepted) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
    let mut runner = runner(1500);
    let result = runner.run(&strategy, |((root, format), mutations)| {
        let mut doc = render(&root, &format);
        for (at, op, text) in mutations {
            let mut at = at % (doc.len() + 1);
            while !doc.is_char_boundary(at) {
                at -= 1;
            }
            match op {
                0 | 1 => doc.insert_str(at, text),
                2 => {
                    let end = doc[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                    doc.replace_range(at..end, "");
                }
                3 => {
                    // Shift a line by one space either way.
                    let ls = doc[..at].rfind('\n').map_or(0, |i| i + 1);
                    if doc[ls..].starts_with(' ') {
                        doc.remove(ls);
                    } else {
                        doc.insert(ls, ' ');
                    }
                }
                4 => {
                    // Duplicate a line (often a duplicate key).
                    let ls = doc[..at].rfind('\n').map_or(0, |i| i + 1);
                    let le = doc[at..].find('\n').map_or(doc.len(), |i| at + i + 1);
                    let line = doc[ls..le].to_owned();
                    doc.insert_str(le, &line);
                }
                _ => {
                    let end = (at + 1 + text.len()).min(doc.len());
                    let mut end = end;
                    while !doc.is_char_boundary(end) {
                        end -= 1;
                    }
                    doc.replace_range(at..end.max(at), text);
                }
            }
        }
        total.set(total.get() + 1);
        if let Outcome::Same = compare(&doc).map_err(TestCaseError::fail)? {
            accepted.set(accepted.get() + 1);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let (total, accepted) = (total.get(), accepted.get());
    eprintln!("mutated {total}, fast accepts {accepted}");
    // Many mutations keep the document valid (a space in a scalar, a shifted comment): the comparison
    // must actually happen often.
    assert!(
        accepted * 5 >= total,
        "too few mutated documents accepted: {accepted}/{total}"
    );
}

// ---------------------------------------------------------------------------------------------
// Fixtures

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/yaml");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/yaml exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture is UTF-8");
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect()
}

#[test]
fn fixtures_parse_identically_and_fast() {
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 10,
        "expected the hand-written fixtures, found {}",
        fixtures.len()
    );
    let mut declined = Vec::new();
    let mut documents = 0;
    for (name, text) in &fixtures {
        for chunk in split::documents(text) {
            let doc = &text[chunk.start..chunk.end];
            documents += 1;
            match compare(doc) {
                Err(e) => panic!("{name} (document at line {}): {e}", chunk.line),
                Ok(Outcome::Declined) => {
                    declined.push(format!(
                        "{name}:{}: {}",
                        chunk.line,
                        fast::parse(doc, &Arena::new()).unwrap_err()
                    ));
                }
                Ok(Outcome::Same) => {}
            }
        }
    }
    // Each fixture document is ordinary manifest YAML: the fast parser must take every one, except the
    // ones written to exercise the fallback (file names starting with `fallback-`).
    let unexpected: Vec<_> = declined
        .iter()
        .filter(|d| !d.starts_with("fallback-"))
        .collect();
    assert!(
        unexpected.is_empty(),
        "declined {} of {documents} documents: {unexpected:#?}",
        unexpected.len()
    );
    assert!(
        declined.iter().any(|d| d.starts_with("fallback-")),
        "the fallback fixtures must be declined"
    );
}

#[test]
fn yaml_parse_falls_back_to_the_reference_parser() {
    // Anchors and aliases are declined by the fast parser; `yaml::parse` still parses them.
    let doc = "base: &b {cpu: 1}\nother: *b\n";
    assert!(fast::parse(doc, &Arena::new()).is_err());
    let root = tkedirect::yaml::parse(doc).unwrap().unwrap();
    assert!(root.get("base").unwrap().anchored);
    // Errors come from the reference parser, with its positions and messages.
    let err = tkedirect::yaml::parse("a: 1\nb: 2\na: 3\n").unwrap_err();
    assert_eq!((err.line, err.col), (3, 0));
    assert!(err.message.contains("duplicate key `a`"), "{}", err.message);
}

/// Block scalars that end the text, with and without a final line break, against the values YAML 1.2
/// gives them (`b-chomped-last` is a line break *or the end of input*: a clip or keep scalar whose last
/// line has no break has none to keep). The values were read with libyaml-based PyYAML; the same table
/// holds with an indentation indicator (`|2`), after CRLF line breaks, and nested in mappings and
/// sequences. Both parsers must read exactly these values: a differential test cannot catch a misreading
/// both parsers share, this table can.
#[test]
fn block_scalars_at_the_end_of_the_text_follow_the_spec() {
    const HEADERS: [[&str; 2]; 6] = [
        ["|", "|2"],
        ["|-", "|2-"],
        ["|+", "|+2"],
        [">", ">2"],
        [">-", ">-2"],
        [">+", ">2+"],
    ];
    #[rustfmt::skip]
    const TABLE: &[(&str, [&str; 6])] = &[
        // body after the header line: values for | |- |+ > >- >+
        ("  x", ["x", "x", "x", "x", "x", "x"]),
        ("  x\n", ["x\n", "x", "x\n", "x\n", "x", "x\n"]),
        ("  x\n  ", ["x\n", "x", "x\n", "x\n", "x", "x\n"]),
        ("  x\n\n", ["x\n", "x", "x\n\n", "x\n", "x", "x\n\n"]),
        ("  x\n\n  ", ["x\n", "x", "x\n\n", "x\n", "x", "x\n\n"]),
        ("  x\n     ", ["x\n   ", "x\n   ", "x\n   ", "x\n   ", "x\n   ", "x\n   "]),
        ("  x\n  y", ["x\ny", "x\ny", "x\ny", "x y", "x y", "x y"]),
        ("  x\n\n  y", ["x\n\ny", "x\n\ny", "x\n\ny", "x\ny", "x\ny", "x\ny"]),
        ("  x\n   y", ["x\n y", "x\n y", "x\n y", "x\n y", "x\n y", "x\n y"]),
        ("  x\n  \n", ["x\n", "x", "x\n\n", "x\n", "x", "x\n\n"]),
    ];
    let mut fast_read = 0;
    for (body, values) in TABLE {
        for (headers, want) in HEADERS.iter().zip(values) {
            for header in headers {
                for crlf in [false, true] {
                    let nl = |s: &str| {
                        if crlf {
                            s.replace('\n', "\r\n")
                        } else {
                            s.to_string()
                        }
                    };
                    let shifted = |by: &str| {
                        body.split('\n')
                            .map(|l| {
                                if l.is_empty() {
                                    String::new()
                                } else {
                                    format!("{by}{l}")
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    };
                    let docs = [
                        (nl(&format!("a: {header}\n{body}")), vec!["a"]),
                        (
                            nl(&format!("m:\n  k: v\n  a: {header}\n{}", shifted("  "))),
                            vec!["m", "a"],
                        ),
                        (nl(&format!("- k: v\n- {header}\n{body}")), vec![]),
                    ];
                    for (doc, path) in &docs {
                        let value = |root: Option<Node<'_>>| -> String {
                            let root = root.expect("a document");
                            let node = if path.is_empty() {
                                *root.items().unwrap().last().unwrap()
                            } else {
                                *root.path(path).unwrap()
                            };
                            node.as_str().unwrap().to_string()
                        };
                        let arena = Arena::new();
                        let reference = reference::parse(doc, &arena)
                            .unwrap_or_else(|e| panic!("reference rejects {doc:?}: {e:?}"));
                        assert_eq!(&value(reference), want, "reference reads {doc:?}");
                        if let Ok(fast) = fast::parse(doc, &arena) {
                            fast_read += 1;
                            assert_eq!(&value(fast), want, "fast reads {doc:?}");
                        }
                    }
                }
            }
        }
    }
    assert!(
        fast_read >= 300,
        "the fast parser read only {fast_read} of the shapes"
    );
}

// ---------------------------------------------------------------------------------------------
// Every file and corpus, and a differential fuzzer

/// Every YAML and JSON text under `tests/` and `examples/`, by path.
fn repository_texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("tests"), root.join("examples")];
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                && let Ok(text) = String::from_utf8(std::fs::read(&path).expect("readable"))
            {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                out.push((name, text));
            }
        }
    }
    out.sort();
    out
}

/// The generated corpora: the benchmarks' apps and the property tests' streams.
fn generated_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stream = String::new();
    for i in 0..40 {
        crate::corpus::enable_app(i, &mut stream);
    }
    out.push(("benches enable corpus".to_string(), stream));
    let parse: Vec<String> = (0..40).map(crate::corpus::parse_app).collect();
    out.push(("benches yaml_parse corpus".into(), parse.join("---\n")));
    for (i, s) in crate::properties::sample_streams(300)
        .into_iter()
        .enumerate()
    {
        out.push((format!("properties stream {i}"), s));
    }
    out
}

fn documents_of(text: &str) -> Vec<&str> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    split::documents(body)
        .map(|c| &body[c.start..c.end])
        .collect()
}

/// The differential test over everything the repository holds and generates: wherever the fast parser
/// accepts a document, its tree is exactly the reference tree — kinds, decoded values, styles, spans.
#[test]
fn fast_equals_reference_on_every_file_and_corpus() {
    let texts: Vec<(String, String)> = repository_texts()
        .into_iter()
        .chain(generated_texts())
        .collect();
    assert!(texts.len() > 400, "only {} texts", texts.len());
    let (mut documents, mut accepted) = (0, 0);
    for (name, text) in &texts {
        for doc in documents_of(text) {
            documents += 1;
            match compare(doc) {
                Err(e) => panic!("{name}: {e}"),
                Ok(Outcome::Same) => accepted += 1,
                Ok(Outcome::Declined) => {}
            }
        }
    }
    eprintln!(
        "{} texts, {documents} documents, fast parser accepts {accepted}",
        texts.len()
    );
    assert!(accepted * 10 >= documents * 8, "{accepted}/{documents}");
}

/// A small random-number generator (splitmix64), seeded for reproduction.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

const FUZZ_TOKENS: &[&str] = &[
    ":",
    ": ",
    "-",
    "- ",
    " ",
    "  ",
    "#",
    " #",
    "'",
    "\"",
    "\\",
    "\n",
    "\n  ",
    "{",
    "}",
    "[",
    "]",
    ",",
    "{}",
    "|",
    "|-",
    "|+",
    ">",
    ">-",
    ">+",
    "|2",
    "&a ",
    "*a",
    "!t ",
    "? ",
    "---\n",
    "...\n",
    "é",
    "\r\n",
    "\t",
    "key: ",
    "a: |\n  x",
    "- |\n  x\n",
];

/// One random mutation of `doc`: re-indent one line or a run of lines, insert a token, delete a range,
/// duplicate or drop a line, switch to CRLF, add or remove the final newline, change a block scalar header.
fn mutate(doc: &str, rng: &mut Rng) -> String {
    let mut s = doc.to_string();
    let lines: Vec<&str> = doc.split_inclusive('\n').collect();
    match rng.below(9) {
        0 | 1 => {
            // Re-indentation of a run of lines, in or out.
            if lines.is_empty() {
                return s;
            }
            let first = rng.below(lines.len());
            let count = 1 + rng.below(4);
            let delta = rng.below(9) as isize - 4;
            s = lines
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    if i < first || i >= first + count {
                        return (*l).to_string();
                    }
                    if delta >= 0 {
                        format!("{}{l}", " ".repeat(delta as usize))
                    } else {
                        let strip = l
                            .bytes()
                            .take(delta.unsigned_abs())
                            .take_while(|&b| b == b' ')
                            .count();
                        l[strip..].to_string()
                    }
                })
                .collect();
        }
        2 => {
            let at = floor_boundary(&s, rng.below(s.len() + 1));
            s.insert_str(at, FUZZ_TOKENS[rng.below(FUZZ_TOKENS.len())]);
        }
        3 => {
            let at = floor_boundary(&s, rng.below(s.len() + 1));
            let end = floor_boundary(&s, at + 1 + rng.below(12));
            s.replace_range(at..end.max(at), "");
        }
        4 => {
            if !lines.is_empty() {
                let i = rng.below(lines.len());
                let mut ls: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                if rng.below(2) == 0 {
                    ls.remove(i);
                } else {
                    let l = ls[i].clone();
                    ls.insert(
                        i,
                        if l.ends_with('\n') {
                            l
                        } else {
                            format!("{l}\n")
                        },
                    );
                }
                s = ls.concat();
            }
        }
        5 => s = s.replace("\r\n", "\n").replace('\n', "\r\n"),
        6 => {
            if s.ends_with('\n') {
                s.truncate(s.trim_end_matches(['\r', '\n']).len());
            } else {
                s.push('\n');
            }
        }
        7 => {
            // Another block scalar header for one of them.
            let headers = ["|", "|-", "|+", ">", ">-", ">+", "|2", ">1-", "|+3"];
            let at: Vec<usize> = s.match_indices([':', '-']).map(|(i, _)| i + 1).collect();
            if let Some(&i) = at.get(rng.below(at.len())) {
                let h = headers[rng.below(headers.len())];
                if s[i..].starts_with(" |") || s[i..].starts_with(" >") {
                    let end = s[i + 1..]
                        .find([' ', '\n', '\r'])
                        .map_or(s.len(), |j| i + 1 + j);
                    s.replace_range(i + 1..end, h);
                }
            }
        }
        _ => {
            // Trailing spaces on the last line, or a blank line before it.
            if rng.below(2) == 0 {
                s.push_str(&" ".repeat(1 + rng.below(6)));
            } else if let Some(i) = s.trim_end().rfind('\n') {
                s.insert(i + 1, '\n');
            }
        }
    }
    s
}

/// The differential fuzzer: documents from every file and corpus, each truncated at every byte and
/// mutated at random (re-indentation among the mutations); whatever the fast parser accepts must be the
/// reference tree. Runs for `budget`; the seed is printed, `TKEDIRECT_FUZZ_SEED` replays a run.
fn fuzz_parsers(budget: std::time::Duration, max_cases: usize) -> (usize, usize) {
    let start = std::time::Instant::now();
    let seed = std::env::var("TKEDIRECT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("yaml fuzz: TKEDIRECT_FUZZ_SEED={seed}");
    let mut rng = Rng(seed);
    let texts: Vec<(String, String)> = repository_texts()
        .into_iter()
        .chain(generated_texts())
        .collect();
    let docs: Vec<(&str, &str)> = texts
        .iter()
        .flat_map(|(name, text)| {
            documents_of(text)
                .into_iter()
                .map(move |d| (name.as_str(), d))
        })
        .filter(|(_, d)| d.len() <= 8 * 1024)
        .collect();
    let (cases, accepted) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
    let check = |name: &str, what: &str, doc: &str| {
        cases.set(cases.get() + 1);
        match compare(doc) {
            Ok(Outcome::Same) => accepted.set(accepted.get() + 1),
            Ok(Outcome::Declined) => {}
            Err(e) => panic!("{name} ({what}; TKEDIRECT_FUZZ_SEED={seed}): {e}"),
        }
    };
    while start.elapsed() < budget && cases.get() < max_cases {
        let (name, doc) = docs[rng.below(docs.len())];
        let mut doc = doc.to_string();
        for _ in 0..rng.below(3) {
            doc = mutate(&doc, &mut rng);
        }
        // Truncation at every byte (every character boundary).
        for at in (0..=doc.len()).filter(|&i| doc.is_char_boundary(i)) {
            check(name, "truncated", &doc[..at]);
        }
        for _ in 0..32 {
            let m = mutate(&doc, &mut rng);
            check(name, "mutated", &m);
        }
    }
    (cases.get(), accepted.get())
}

#[test]
fn fuzz_parsers_smoke() {
    let (cases, accepted) = fuzz_parsers(std::time::Duration::from_secs(3600), 4_000);
    assert!(
        cases >= 4_000 && accepted * 20 >= cases,
        "{accepted}/{cases}"
    );
}

#[test]
#[ignore = "long-running; TKEDIRECT_FUZZ_SECONDS=60 cargo test --test integration fuzz_parsers -- --ignored --nocapture"]
fn fuzz_parsers_differential() {
    let seconds: u64 = std::env::var("TKEDIRECT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let start = std::time::Instant::now();
    let (cases, accepted) = fuzz_parsers(std::time::Duration::from_secs(seconds), usize::MAX);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "yaml fuzz: {cases} documents in {secs:.0} s ({:.0}/s), the fast parser accepted {accepted} and \
         built the reference tree for every one",
        cases as f64 / secs
    );
}
