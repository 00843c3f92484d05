//! The file engine: manifests in, patched manifests out. Pure over texts (reading and writing files is
//! the caller's job), bounded in memory by one document at a time plus the outputs.
//!
//! Pass 1 parses each document once, recognises the objects, and decides per object. When no TARGET is
//! given the edits are applied right there; otherwise pass 2 re-parses only the documents of the chosen
//! objects once the selection (with its links) is known. Every edited document is re-parsed and must equal
//! the original plus exactly the intended edits, or nothing is written.

use std::collections::HashMap;

use crate::model::{Kind, Target};
use crate::yaml::edit::{self, Edit, Seg};
use crate::yaml::{self, Node, split, style, verify};

use super::decide::{self, Linkable, Verdict};
use super::select::{self, Selection};
use super::{Intent, NetworkMode, Options};

/// One input: a file or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// How to name it in messages: the path, or `<stdin>`.
    pub name: String,
    pub text: String,
}

/// A problem at a place in an input. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub source: usize,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// One recognised object.
#[derive(Debug, Clone)]
pub struct Record {
    pub source: usize,
    pub doc: usize,
    /// 1-based line of the object in its input.
    pub line: usize,
    /// Path from the document root to the object (`items[3]` in a List).
    pub root: Vec<Seg>,
    pub summary: Linkable,
    pub verdict: Verdict,
}

/// One stretch of an output: bytes of the input as they were, or a document's new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(std::ops::Range<usize>),
    New(String),
    /// The original bytes of `range` with these operations (offsets relative to `range.start`).
    Spliced(std::ops::Range<usize>, Vec<edit::Op>),
}

/// A patched input, kept as pieces so that unchanged bytes are never copied: memory stays near the size
/// of the input plus the edited documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patched {
    pieces: Vec<Piece>,
}

impl Patched {
    fn push_same(&mut self, range: std::ops::Range<usize>) {
        if range.is_empty() {
            return;
        }
        if let Some(Piece::Same(last)) = self.pieces.last_mut()
            && last.end == range.start
        {
            last.end = range.end;
            return;
        }
        self.pieces.push(Piece::Same(range));
    }

    fn push_new(&mut self, text: String) {
        self.pieces.push(Piece::New(text));
    }

    fn push_edited(&mut self, range: std::ops::Range<usize>, edited: Edited) {
        match edited {
            Edited::Ops(mut ops) => {
                ops.sort_by_key(|op| (op.at, std::cmp::Reverse(op.depth)));
                self.pieces.push(Piece::Spliced(range, ops));
            }
            Edited::Text(t) => self.push_new(t),
        }
    }

    fn append(&mut self, other: Patched) {
        for p in other.pieces {
            match p {
                Piece::Same(r) => self.push_same(r),
                p => self.pieces.push(p),
            }
        }
    }

    /// Feed the patched text, slice by slice, to `f`.
    pub fn try_for_each_slice<E>(
        &self,
        original: &str,
        mut f: impl FnMut(&str) -> Result<(), E>,
    ) -> Result<(), E> {
        for p in &self.pieces {
            match p {
                Piece::Same(r) => f(&original[r.clone()])?,
                Piece::New(t) => f(t)?,
                Piece::Spliced(r, ops) => {
                    let doc = &original[r.clone()];
                    let mut cursor = 0;
                    for op in ops {
                        // The same walk as `edit::splice`, which produced the verified text.
                        let at = op.at.max(cursor);
                        f(&doc[cursor..at])?;
                        f(&op.text)?;
                        cursor = (op.at + op.del).max(cursor);
                    }
                    f(&doc[cursor..])?;
                }
            }
        }
        Ok(())
    }

    /// Write the patched text.
    pub fn write_to(&self, original: &str, w: &mut impl std::io::Write) -> std::io::Result<()> {
        self.try_for_each_slice(original, |s| w.write_all(s.as_bytes()))
    }

    /// The patched text as one string.
    pub fn text(&self, original: &str) -> String {
        let mut out = String::with_capacity(original.len() + 4096);
        let _ = self.try_for_each_slice(original, |s| {
            out.push_str(s);
            Ok::<(), ()>(())
        });
        out
    }

    /// Whether the patched text ends with a newline (or is empty).
    pub fn ends_with_newline(&self, original: &str) -> bool {
        let mut last_nonempty_ends_nl = true;
        let _ = self.try_for_each_slice(original, |s| {
            if !s.is_empty() {
                last_nonempty_ends_nl = s.ends_with('\n');
            }
            Ok::<(), ()>(())
        });
        last_nonempty_ends_nl
    }
}

/// What a run decided and produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub records: Vec<Record>,
    pub selection: Selection,
    /// Per source: the patched text when anything changed.
    pub outputs: Vec<Option<Patched>>,
    /// Documents that are not Kubernetes objects tkedirect handles (left untouched).
    pub other_documents: usize,
    /// Objects of a handled kind that could not be identified (no metadata.name), with where they are.
    pub unnamed: Vec<(usize, usize, Kind)>,
}

impl Outcome {
    /// Records chosen for a change.
    pub fn changes(&self) -> impl Iterator<Item = &Record> {
        self.selection
            .chosen
            .iter()
            .map(|(i, _)| &self.records[*i])
            .filter(|r| matches!(r.verdict, Verdict::Change { .. }))
    }
}

/// Edits for one document, each with the path of its object in the document.
type DocEdits<'e> = Vec<(Vec<Seg>, &'e Edit)>;

const BOM: &str = "\u{feff}";

fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => ("", text),
    }
}

/// Run the engine over all inputs.
pub fn run(
    sources: &[Source],
    opts: &Options,
    targets: &[Target],
    namespace: Option<&str>,
) -> Result<Outcome, Vec<Diagnostic>> {
    // Without TARGETs edits are applied in pass 1, except for disable: its guards read the whole file set.
    let immediate = targets.is_empty() && opts.intent == Intent::Enable;
    let mut out = Outcome {
        outputs: vec![None; sources.len()],
        ..Default::default()
    };
    let mut diags = Vec::new();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);

    // Pass 1, over contiguous runs of documents in parallel.
    for (si, source) in sources.iter().enumerate() {
        let (bom, body) = split_bom(&source.text);
        if let Some(d) = invalid_json(si, source, body) {
            diags.push(d);
            continue;
        }
        let chunks: Vec<split::Chunk> = split::documents(body).collect();
        let ranges = partition(&chunks, body.len(), threads);
        let parts: Vec<Part> = if ranges.len() == 1 {
            vec![pass1(
                si,
                body,
                bom.len(),
                &chunks,
                0,
                opts,
                namespace,
                immediate,
            )]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = ranges
                    .iter()
                    .map(|r| {
                        let chunks = &chunks[r.clone()];
                        let first = r.start;
                        scope.spawn(move || {
                            pass1(
                                si,
                                body,
                                bom.len(),
                                chunks,
                                first,
                                opts,
                                namespace,
                                immediate,
                            )
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a worker panicked"))
                    .collect()
            })
        };
        let mut patched = Patched::default();
        patched.push_same(0..bom.len());
        let mut changed = false;
        for part in parts {
            out.records.extend(part.records);
            diags.extend(part.diags);
            out.other_documents += part.other_documents;
            out.unnamed.extend(part.unnamed);
            changed |= part.changed;
            patched.append(part.text);
        }
        if immediate && changed && diags.is_empty() {
            out.outputs[si] = Some(patched);
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    let summaries: Vec<Linkable> = out.records.iter().map(|r| r.summary.clone()).collect();
    out.selection = select::select(
        &summaries,
        targets,
        namespace,
        opts.mode == NetworkMode::Mixed,
    );
    if immediate {
        return Ok(out);
    }
    super::guard::apply_to_files(&mut out.records, &out.selection, opts);

    // Pass 2: edit the documents of the chosen objects.
    let mut per_doc: HashMap<(usize, usize), DocEdits<'_>> = HashMap::new();
    for (i, _) in &out.selection.chosen {
        let r = &out.records[*i];
        if let Verdict::Change { edits, .. } = &r.verdict {
            per_doc
                .entry((r.source, r.doc))
                .or_default()
                .extend(edits.iter().map(|e| (r.root.clone(), e)));
        }
    }
    let mut outputs = vec![None; sources.len()];
    for (si, source) in sources.iter().enumerate() {
        if !per_doc.keys().any(|(s, _)| *s == si) {
            continue;
        }
        let (bom, body) = split_bom(&source.text);
        let at = bom.len();
        let mut o = Patched::default();
        o.push_same(0..at);
        for (di, chunk) in split::documents(body).enumerate() {
            let doc = &body[chunk.start..chunk.end];
            match per_doc.get(&(si, di)) {
                None => o.push_same(at + chunk.start..at + chunk.end),
                Some(edits) => match edit_document(doc, None, edits) {
                    Ok(new) => o.push_edited(at + chunk.start..at + chunk.end, new),
                    Err(d) => diags.push(Diagnostic {
                        source: si,
                        line: chunk.line + d.line - 1,
                        col: d.col,
                        message: d.message,
                    }),
                },
            }
        }
        outputs[si] = Some(o);
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    out.outputs = outputs;
    Ok(out)
}

/// JSON input must be JSON (one value or a stream of them): YAML's flow syntax also accepts trailing commas
/// and stray text that kubectl's JSON reader rejects, and tkedirect would keep them. JSON input is a `.json`
/// file, or anything that starts with `{` (kubectl reads that as JSON too).
fn invalid_json(si: usize, source: &Source, body: &str) -> Option<Diagnostic> {
    let json_name = source.name.to_ascii_lowercase().ends_with(".json");
    let start = body.trim_start();
    // `{{`/`{%` start an unrendered template, which the YAML reader explains better.
    let json_content =
        start.starts_with('{') && !start.starts_with("{{") && !start.starts_with("{%");
    if !json_name && !json_content {
        return None;
    }
    let stream = serde_json::Deserializer::from_str(body).into_iter::<serde::de::IgnoredAny>();
    let err = stream.into_iter().find_map(Result::err)?;
    Some(Diagnostic {
        source: si,
        line: err.line().max(1),
        col: err.column().max(1),
        message: format!(
            "invalid JSON in {}: {}",
            if json_name {
                "a .json file"
            } else {
                "input that starts with `{` (kubectl reads it as JSON)"
            },
            json_reason(body, &err)
        ),
    })
}

/// serde_json's message without its own ` at line L column C` suffix (the diagnostic carries the position),
/// naming the commonest mistake, a trailing comma, plainly.
fn json_reason(body: &str, err: &serde_json::Error) -> String {
    let at = body
        .split_inclusive('\n')
        .take(err.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + err.column().saturating_sub(1);
    let before = body.get(..at).unwrap_or_default().trim_end();
    let next = body.get(at..).and_then(|r| r.chars().next());
    if before.ends_with(',') && matches!(next, Some('}' | ']')) {
        return "a trailing comma before the closing bracket (JSON allows none)".into();
    }
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn in_namespace(r: &Record, namespace: Option<&str>) -> bool {
    match (namespace, &r.summary.oref.namespace) {
        (Some(want), Some(have)) => want == have,
        _ => true,
    }
}

fn parse_diagnostic(
    source: usize,
    first_line: usize,
    doc: &str,
    e: &yaml::ParseError,
) -> Diagnostic {
    let mut message = e.message.clone();
    if doc.contains("{{") {
        message = format!(
            "{message} (this looks like an unrendered Helm/Go template; render it first, e.g. `helm template … | tkedirect enable -f -`)"
        );
    }
    Diagnostic {
        source,
        line: first_line + e.line - 1,
        col: e.col + 1,
        message,
    }
}

/// What one worker found in its run of documents.
#[derive(Default)]
struct Part {
    records: Vec<Record>,
    diags: Vec<Diagnostic>,
    other_documents: usize,
    unnamed: Vec<(usize, usize, Kind)>,
    /// The run's text, edited where edits applied right away (offsets in the whole source).
    text: Patched,
    changed: bool,
}

/// Split documents into up to `n` contiguous runs of similar byte size (one run for small inputs).
fn partition(chunks: &[split::Chunk], bytes: usize, n: usize) -> Vec<std::ops::Range<usize>> {
    const MIN_BYTES_PER_THREAD: usize = 256 * 1024;
    let n = n.min(bytes / MIN_BYTES_PER_THREAD).max(1);
    if n == 1 || chunks.len() < 2 {
        return std::iter::once(0..chunks.len()).collect();
    }
    let target = bytes / n;
    let mut ranges = Vec::with_capacity(n);
    let mut start = 0;
    for (i, c) in chunks.iter().enumerate() {
        if ranges.len() + 1 < n && c.end - chunks[start].start >= target {
            ranges.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < chunks.len() {
        ranges.push(start..chunks.len());
    }
    ranges
}

/// Parse, recognise and decide each document of a run; with `immediate`, apply the edits too.
#[allow(clippy::too_many_arguments)]
fn pass1(
    si: usize,
    body: &str,
    offset_in_source: usize,
    chunks: &[split::Chunk],
    first_doc: usize,
    opts: &Options,
    namespace: Option<&str>,
    immediate: bool,
) -> Part {
    let mut part = Part::default();
    let Some(begin) = chunks.first().map(|c| c.start) else {
        return part;
    };
    let end = chunks.last().map_or(begin, |c| c.end);
    let mut copied = begin;
    for (offset, chunk) in chunks.iter().enumerate() {
        let di = first_doc + offset;
        let doc = &body[chunk.start..chunk.end];
        let root = match yaml::parse(doc) {
            Ok(Some(root)) => root,
            Ok(None) => continue,
            Err(e) => {
                part.diags.push(parse_diagnostic(si, chunk.line, doc, &e));
                continue;
            }
        };
        let first = part.records.len();
        collect_objects(si, di, chunk.line, &root, opts, immediate, &mut part);
        if !immediate || !part.diags.is_empty() {
            continue;
        }
        let edits: DocEdits<'_> = part.records[first..]
            .iter()
            .filter(|r| in_namespace(r, namespace))
            .flat_map(|r| match &r.verdict {
                Verdict::Change { edits, .. } => {
                    edits.iter().map(|e| (r.root.clone(), e)).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        if edits.is_empty() {
            continue;
        }
        match edit_document(doc, Some(root), &edits) {
            Ok(new) => {
                part.text
                    .push_same(offset_in_source + copied..offset_in_source + chunk.start);
                part.text.push_edited(
                    offset_in_source + chunk.start..offset_in_source + chunk.end,
                    new,
                );
                copied = chunk.end;
                part.changed = true;
                // Applied: the edits themselves are not needed any more, and on a 30,000-document
                // stream they would add up.
                for r in &mut part.records[first..] {
                    if let Verdict::Change { edits, .. } = &mut r.verdict {
                        *edits = Vec::new();
                    }
                }
            }
            Err(d) => part.diags.push(Diagnostic {
                source: si,
                line: chunk.line + d.line - 1,
                col: d.col,
                message: d.message,
            }),
        }
    }
    if immediate {
        part.text
            .push_same(offset_in_source + copied..offset_in_source + end);
    }
    part
}

fn collect_objects(
    si: usize,
    di: usize,
    first_line: usize,
    root: &Node<'_>,
    opts: &Options,
    immediate: bool,
    out: &mut Part,
) {
    let is_list =
        root.get_str("kind").is_some_and(|k| k.ends_with("List")) && root.get("items").is_some();
    let objects: Vec<(Vec<Seg>, &Node<'_>)> = if is_list {
        root.get("items")
            .and_then(Node::items)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .map(|(i, n)| (vec![Seg::key("items"), Seg::Index(i)], n))
            .collect()
    } else {
        vec![(Vec::new(), root)]
    };
    for (path, obj) in objects {
        let Some(oref) = decide::identify(obj) else {
            match obj.get_str("kind").and_then(Kind::from_kind_field) {
                Some(kind) => out.unnamed.push((si, first_line + obj.line - 1, kind)),
                None => out.other_documents += 1,
            }
            continue;
        };
        let kind = oref.kind;
        let verdict = decide::decide(kind, obj, opts);
        // Selectors, labels and backends matter only for linking, which needs TARGETs.
        let summary = if immediate {
            Linkable::bare(oref)
        } else {
            decide::summarize(oref, obj, opts)
        };
        out.records.push(Record {
            source: si,
            doc: di,
            line: first_line + obj.line - 1,
            root: path,
            summary,
            verdict,
        });
    }
}

/// A problem found while editing one document (position relative to the document; 1-based).
#[derive(Debug)]
struct DocError {
    line: usize,
    col: usize,
    message: String,
}

impl From<edit::EditError> for DocError {
    fn from(e: edit::EditError) -> Self {
        DocError {
            line: e.line,
            col: e.col + 1,
            message: e.message,
        }
    }
}

impl From<yaml::ParseError> for DocError {
    fn from(e: yaml::ParseError) -> Self {
        DocError {
            line: e.line,
            col: e.col + 1,
            message: e.message,
        }
    }
}

fn prefixed(root: &[Seg], edit: &Edit) -> Edit {
    let join = |p: &[Seg]| root.iter().chain(p).cloned().collect::<Vec<_>>();
    match edit {
        Edit::Set { path, value } => Edit::Set {
            path: join(path),
            value: value.clone(),
        },
        Edit::Remove { path, prune } => Edit::Remove {
            path: join(path),
            prune: *prune,
        },
    }
}

/// Apply edits to one document's text and prove the result: re-parsed, it must be the original document
/// plus exactly these edits, and still one document.
fn edit_document(
    doc: &str,
    parsed: Option<Node<'_>>,
    edits: &[(Vec<Seg>, &Edit)],
) -> Result<Edited, DocError> {
    let root = match parsed {
        Some(root) => root,
        None => yaml::parse(doc)?.ok_or(DocError {
            line: 1,
            col: 1,
            message: "the document is empty".into(),
        })?,
    };
    if let Some(at) = bare_carriage_return(doc) {
        let (line, col) = yaml_position(doc, at);
        return Err(DocError {
            line,
            col,
            message:
                "a carriage return without a line feed (old Mac line endings): tkedirect edits \
                      documents with LF or CRLF line endings; convert this file first"
                    .into(),
        });
    }
    let edits: Vec<Edit> = edits.iter().map(|(root, e)| prefixed(root, e)).collect();
    let doc_style = style::detect(doc, &root);
    let mut expect = verify::Expect::default();

    let sets: Vec<(&[Seg], &str)> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Set { path, value } => Some((path.as_slice(), value.as_str())),
            Edit::Remove { .. } => None,
        })
        .collect();
    for (path, value) in &sets {
        expect.set(path, value);
    }
    let mut set_ops = Vec::new();
    let mut text = if sets.is_empty() {
        doc.to_string()
    } else {
        set_ops = edit::plan_sets(doc, &root, &sets, &doc_style)?;
        edit::splice(doc, set_ops.clone())
    };
    let only_sets = edits.iter().all(|e| matches!(e, Edit::Set { .. }));
    for e in &edits {
        let Edit::Remove { path, prune } = e else {
            continue;
        };
        let current = yaml::parse(&text)?.ok_or(DocError {
            line: 1,
            col: 1,
            message: "the document is empty".into(),
        })?;
        if let Some((ops, removed)) = edit::plan_remove(&text, &current, path, *prune)? {
            let new = edit::splice(&text, ops);
            drop(current);
            text = new;
            expect.removed(&removed);
        }
    }

    // Positions in the edited text mean nothing to the user: point at the document.
    let reparsed = yaml::parse(&text).map_err(|e| DocError {
        line: 1,
        col: 1,
        message: format!(
            "internal error: the edited document does not parse ({}); nothing was written",
            e.message
        ),
    })?;
    let faithful = reparsed
        .as_ref()
        .is_some_and(|new| verify::check(Some(&root), new, &expect));
    if !faithful || split::documents(&text).count() != 1 {
        return Err(DocError {
            line: 1,
            col: 1,
            message: "internal error: the edited document does not read back as the intended change; nothing was written"
                .into(),
        });
    }
    // Enable's edits are one splice of the original: keep the operations, not a copy of the document.
    Ok(if only_sets {
        Edited::Ops(set_ops)
    } else {
        Edited::Text(text)
    })
}

/// An edited document: splice operations on the original, or its new text.
enum Edited {
    Ops(Vec<edit::Op>),
    Text(String),
}

/// The offset of a `\r` not followed by `\n`: a line break to YAML, but not one the editor writes.
fn bare_carriage_return(doc: &str) -> Option<usize> {
    let b = doc.as_bytes();
    (0..b.len()).find(|&i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
}

/// 1-based line and column of a byte offset, counting line breaks the way YAML does (LF, CRLF, CR).
fn yaml_position(doc: &str, at: usize) -> (usize, usize) {
    let before = &doc[..at];
    let breaks = before.replace("\r\n", "\n").replace('\r', "\n");
    let line = breaks.matches('\n').count() + 1;
    let col = breaks.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod ship_tests {
    use super::*;
    use crate::patch::{EniFlavor, Intent, NetworkMode};

    fn enable(text: &str) -> Result<Outcome, Vec<Diagnostic>> {
        let opts = Options {
            intent: Intent::Enable,
            mode: NetworkMode::VpcCni,
            eni: EniFlavor::Shared,
            container: None,
            force: false,
        };
        let sources = [Source {
            name: "t.yaml".into(),
            text: text.into(),
        }];
        run(&sources, &opts, &[], None)
    }

    #[test]
    fn old_mac_line_endings_are_refused_with_their_position() {
        let svc = "kind: Service\rmetadata:\r  name: web\rspec:\r  type: LoadBalancer";
        let diags = enable(svc).unwrap_err();
        assert_eq!((diags[0].line, diags[0].col), (1, 14), "{diags:?}");
        assert!(diags[0].message.contains("carriage return"));
        // Untouched documents with them pass through.
        let cm = "kind: ConfigMap\rmetadata:\r  name: c\r";
        assert!(enable(cm).unwrap().outputs[0].is_none());
        // CRLF is fine.
        let crlf = svc.replace('\r', "\r\n");
        assert!(enable(&crlf).unwrap().outputs[0].is_some());
    }

    #[test]
    fn json_input_must_be_json() {
        let d = enable("{\"kind\": \"Service\", \"metadata\": {\"name\": \"a\",}}").unwrap_err();
        assert_eq!((d[0].line, d[0].col), (1, 46), "at the closing brace");
        assert!(d[0].message.contains("a trailing comma"), "{d:?}");
        // Templates keep the YAML reader's message.
        let d = enable("{{ if .x }}\nkind: Service\n").unwrap_err();
        assert!(!d[0].message.contains("JSON"), "{d:?}");
    }
}
