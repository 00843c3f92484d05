//! A generator of manifest-like YAML: an abstract tree, rendered with random (seeded) formatting.

use super::*;

#[derive(Debug, Clone)]
pub(super) enum Style {
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
pub(super) struct Scalar {
    text: String,
    style: Style,
}

#[derive(Debug, Clone)]
pub(super) struct Key {
    text: String,
    quote: u8,
}

#[derive(Debug, Clone)]
pub(super) enum V {
    Scalar(Scalar),
    Empty,
    Map(Vec<(Key, V)>),
    Seq(Vec<V>),
    /// A flow mapping or sequence; `true` to spread it over several lines.
    Flow(F, bool),
}

#[derive(Debug, Clone)]
pub(super) enum F {
    Scalar(Scalar),
    Map(Vec<(Key, F)>),
    Seq(Vec<F>),
}

#[derive(Debug, Clone)]
pub(super) struct Format {
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

pub(super) fn key_strategy() -> impl Strategy<Value = Key> {
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

pub(super) fn text_strategy() -> impl Strategy<Value = String> {
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

pub(super) fn block_text_strategy() -> impl Strategy<Value = String> {
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

pub(super) fn scalar_strategy() -> impl Strategy<Value = Scalar> {
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

pub(super) fn flow_scalar_strategy() -> impl Strategy<Value = Scalar> {
    (
        text_strategy(),
        prop_oneof![3 => Just(Style::Plain), 1 => Just(Style::Single), 3 => Just(Style::Double)],
    )
        .prop_map(|(text, style)| Scalar { text, style })
}

pub(super) fn flow_strategy() -> impl Strategy<Value = F> {
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

pub(super) fn value_strategy() -> impl Strategy<Value = V> {
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

pub(super) fn dedup<T>(entries: Vec<(Key, T)>) -> Vec<(Key, T)> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|(k, _)| seen.insert(k.text.clone()))
        .collect()
}

pub(super) fn doc_strategy() -> impl Strategy<Value = (V, Format)> {
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

pub(super) struct Render<'f> {
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
pub(super) fn plain_ok(t: &str, flow: bool) -> bool {
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

pub(super) fn render(root: &V, f: &Format) -> String {
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
