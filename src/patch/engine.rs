//! The file engine: manifests in, patched manifests out. Pure over texts (reading and writing files is
//! the caller's job), bounded in memory by one document at a time plus the outputs.
//!
//! Pass 1 parses each document once, recognises the objects, and decides per object. When no TARGET is
//! given the edits are applied right there; otherwise pass 2 re-parses only the documents of the chosen
//! objects once the selection (with its links) is known. Every edited document is re-parsed and must equal
//! the original plus exactly the intended edits, or nothing is written.

use std::borrow::Cow;
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
    /// The original bytes of `range` with the operations `ops` of [`Patched::ops`].
    Spliced(std::ops::Range<usize>, std::ops::Range<usize>),
}

/// One operation of a spliced piece: delete `del` bytes at `at` (relative to the piece), insert `text`
/// (a range of [`Patched::texts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct PatchOp {
    at: usize,
    del: usize,
    text: std::ops::Range<usize>,
}

/// A patched input, kept as pieces so that unchanged bytes are never copied: memory stays near the size
/// of the input plus the inserted text. The operations of all edited documents share two buffers (no
/// allocation per document or operation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Patched {
    pieces: Vec<Piece>,
    ops: Vec<PatchOp>,
    texts: String,
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
                let first = self.ops.len();
                for op in ops {
                    let start = self.texts.len();
                    self.texts.push_str(&op.text);
                    self.ops.push(PatchOp {
                        at: op.at,
                        del: op.del,
                        text: start..self.texts.len(),
                    });
                }
                self.pieces
                    .push(Piece::Spliced(range, first..self.ops.len()));
            }
            Edited::Text(t) => self.push_new(t),
        }
    }

    fn append(&mut self, mut other: Patched) {
        let (op_base, text_base) = (self.ops.len(), self.texts.len());
        if self.ops.is_empty() && self.texts.is_empty() {
            // The first run of an input: take its buffers as they are (no copy of megabytes).
            self.texts = std::mem::take(&mut other.texts);
            self.ops = std::mem::take(&mut other.ops);
        } else {
            self.texts.push_str(&other.texts);
            self.ops.extend(other.ops.drain(..).map(|op| PatchOp {
                text: op.text.start + text_base..op.text.end + text_base,
                ..op
            }));
        }
        for p in other.pieces {
            match p {
                Piece::Same(r) => self.push_same(r),
                Piece::Spliced(r, ops) => self
                    .pieces
                    .push(Piece::Spliced(r, ops.start + op_base..ops.end + op_base)),
                p => self.pieces.push(p),
            }
        }
    }

    /// Feed the patched text, slice by slice, to `f`.
    pub fn try_for_each_slice<'s, E>(
        &'s self,
        original: &'s str,
        mut f: impl FnMut(&'s str) -> Result<(), E>,
    ) -> Result<(), E> {
        for p in &self.pieces {
            match p {
                Piece::Same(r) => f(&original[r.clone()])?,
                Piece::New(t) => f(t)?,
                Piece::Spliced(r, ops) => {
                    let doc = &original[r.clone()];
                    let mut cursor = 0;
                    for op in &self.ops[ops.clone()] {
                        // The same walk as `edit::splice`, which produced the verified text.
                        let at = op.at.max(cursor);
                        f(&doc[cursor..at])?;
                        f(&self.texts[op.text.clone()])?;
                        cursor = (op.at + op.del).max(cursor);
                    }
                    f(&doc[cursor..])?;
                }
            }
        }
        Ok(())
    }

    /// Write the patched text as its pieces, in batches of vectored writes: the text is never built,
    /// and a 30,000-document stream takes a few hundred system calls, not one per piece.
    pub fn write_to(&self, original: &str, w: &mut impl std::io::Write) -> std::io::Result<()> {
        const BATCH: usize = 512;
        let mut batch: Vec<std::io::IoSlice<'_>> = Vec::with_capacity(BATCH);
        self.try_for_each_slice(original, |s| {
            if !s.is_empty() {
                batch.push(std::io::IoSlice::new(s.as_bytes()));
            }
            if batch.len() == BATCH {
                write_all_vectored(w, &mut batch)?;
                batch.clear();
            }
            Ok::<(), std::io::Error>(())
        })?;
        write_all_vectored(w, &mut batch)
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

/// `Write::write_all_vectored`, which is not stable yet.
fn write_all_vectored(
    w: &mut impl std::io::Write,
    bufs: &mut [std::io::IoSlice<'_>],
) -> std::io::Result<()> {
    let mut bufs = bufs;
    while !bufs.is_empty() {
        match w.write_vectored(bufs) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => std::io::IoSlice::advance_slices(&mut bufs, n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The records of a run, in input order, kept in the runs the workers produced them in: joining them into
/// one vector would hold them twice at the end of a 30,000-document run.
#[derive(Debug, Default)]
pub struct Records {
    runs: Vec<Vec<Record>>,
    /// The index of the first record of each run.
    starts: Vec<usize>,
    len: usize,
}

impl Records {
    fn push_run(&mut self, run: Vec<Record>) {
        if run.is_empty() {
            return;
        }
        self.starts.push(self.len);
        self.len += run.len();
        self.runs.push(run);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Record> {
        self.runs.iter().flatten()
    }

    /// The summaries, in order, with placeholders left in the records (see [`Records::put_summaries`]).
    fn take_summaries(&mut self) -> Vec<Linkable> {
        let placeholder = || Linkable::bare(crate::model::ObjectRef::new(Kind::Service, None, ""));
        let mut out = Vec::with_capacity(self.len);
        for r in self.runs.iter_mut().flatten() {
            out.push(std::mem::replace(&mut r.summary, placeholder()));
        }
        out
    }

    /// Give the records back the summaries [`Records::take_summaries`] took.
    fn put_summaries(&mut self, summaries: Vec<Linkable>) {
        for (r, s) in self.runs.iter_mut().flatten().zip(summaries) {
            r.summary = s;
        }
    }

    /// All records as one slice, joining the runs first (for passes over the whole file set).
    fn as_mut_slice(&mut self) -> &mut [Record] {
        if self.runs.len() > 1 {
            let all: Vec<Record> = std::mem::take(&mut self.runs)
                .into_iter()
                .flatten()
                .collect();
            self.starts = vec![0];
            self.runs = vec![all];
        }
        self.runs.first_mut().map_or(&mut [], |r| r.as_mut_slice())
    }
}

impl std::ops::Index<usize> for Records {
    type Output = Record;

    fn index(&self, i: usize) -> &Record {
        let run = self.starts.partition_point(|&s| s <= i) - 1;
        &self.runs[run][i - self.starts[run]]
    }
}

/// What a run decided and produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub records: Records,
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
type DocEdits<'e> = Vec<(&'e [Seg], &'e Edit)>;

const BOM: &str = "\u{feff}";

fn split_bom(text: &str) -> (&str, &str) {
    match text.strip_prefix(BOM) {
        Some(body) => (BOM, body),
        None => ("", text),
    }
}

/// How an edited document is proven before anything is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Verify {
    /// Read the result back with `yaml::parse` (the fast parser, falling back to the reference parser)
    /// and compare it with the tree the edits were planned on. The fast parser is held to the reference
    /// parser by differential tests and a fuzzer (`tests/integration/yaml_fast/`, `.ci/run`).
    #[default]
    Fast,
    /// Read the document and the result with the reference parser, which shares no code with the fast
    /// parser; the fast parser's reading of the document must be the same. Several times slower.
    Reference,
}

/// Run the engine over all inputs, verifying the fast way.
pub fn run(
    sources: &[Source],
    opts: &Options,
    targets: &[Target],
    namespace: Option<&str>,
) -> Result<Outcome, Vec<Diagnostic>> {
    run_with(sources, opts, targets, namespace, Verify::Fast)
}

/// Run the engine over all inputs.
pub fn run_with(
    sources: &[Source],
    opts: &Options,
    targets: &[Target],
    namespace: Option<&str>,
    verify: Verify,
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

    // Pass 1: split every input into documents, then parse, recognise and decide each document (and,
    // without TARGETs, edit it) in contiguous runs of documents — parts of one large input, or whole small
    // inputs — on as many threads as the bytes pay for (a thread per 256 KiB at least).
    struct Split<'s> {
        si: usize,
        bom: usize,
        body: &'s str,
        chunks: Vec<split::Chunk>,
    }
    let mut inputs: Vec<Split<'_>> = Vec::with_capacity(sources.len());
    for (si, source) in sources.iter().enumerate() {
        let (bom, body) = split_bom(&source.text);
        if let Some(d) = invalid_json(si, source, body) {
            diags.push(d);
            continue;
        }
        inputs.push(Split {
            si,
            bom: bom.len(),
            body,
            chunks: split::documents(body).collect(),
        });
    }
    // Units of work, in input order: (input, run of its documents, bytes).
    let mut units: Vec<(usize, std::ops::Range<usize>, usize)> = Vec::new();
    for (k, input) in inputs.iter().enumerate() {
        for r in partition(&input.chunks, input.body.len(), threads) {
            let bytes = match (input.chunks.get(r.start), r.end.checked_sub(1)) {
                (Some(first), Some(last)) => input.chunks[last].end - first.start,
                _ => 0,
            };
            units.push((k, r, bytes));
        }
    }
    let run_unit = |(k, r, _): &(usize, std::ops::Range<usize>, usize)| {
        let input = &inputs[*k];
        pass1(
            input.si,
            input.body,
            input.bom,
            &input.chunks[r.clone()],
            r.start,
            opts,
            namespace,
            targets,
            immediate,
            verify,
        )
    };
    let groups = groups(&units, threads);
    let parts: Vec<Part> = if groups.len() == 1 {
        units.iter().map(run_unit).collect()
    } else {
        std::thread::scope(|scope| {
            let handles: Vec<_> = groups
                .iter()
                .map(|g| {
                    let units = &units[g.clone()];
                    scope.spawn(move || units.iter().map(run_unit).collect::<Vec<Part>>())
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("a worker panicked"))
                .collect()
        })
    };
    // The records stay in the runs that produced them.
    let mut current: Option<(usize, Patched, bool)> = None;
    let mut planned: HashMap<(usize, usize), (Vec<usize>, Edited)> = HashMap::new();
    for ((k, _, _), part) in units.iter().zip(parts) {
        let input = &inputs[*k];
        let (_, patched, changed) = match &mut current {
            Some((ck, _, _)) if *ck == *k => current.as_mut().expect("just matched"),
            _ => {
                if let Some((ck, patched, changed)) = current.take()
                    && immediate
                    && changed
                    && diags.is_empty()
                {
                    out.outputs[inputs[ck].si] = Some(patched);
                }
                let mut patched = Patched::default();
                patched.push_same(0..input.bom);
                current.insert((*k, patched, false))
            }
        };
        for (di, named, edited) in part.planned {
            let named = named.into_iter().map(|i| out.records.len() + i).collect();
            planned.insert((input.si, di), (named, edited));
        }
        out.records.push_run(part.records);
        diags.extend(part.diags);
        out.other_documents += part.other_documents;
        out.unnamed.extend(part.unnamed);
        *changed |= part.changed;
        patched.append(part.text);
    }
    if let Some((ck, patched, changed)) = current
        && immediate
        && changed
        && diags.is_empty()
    {
        out.outputs[inputs[ck].si] = Some(patched);
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    // Selection reads the summaries as one slice: moved out of the records and back, not copied.
    let summaries = out.records.take_summaries();
    out.selection = select::select(
        &summaries,
        targets,
        namespace,
        opts.mode == NetworkMode::Mixed,
    );
    out.records.put_summaries(summaries);
    if immediate {
        return Ok(out);
    }
    super::guard::apply_to_files(out.records.as_mut_slice(), &out.selection, opts);

    // Pass 2: edit the documents of the chosen objects — with what pass 1 made for the objects named where
    // that is all a document needs, else parsing the document again — in the documents pass 1 found.
    let mut per_doc: HashMap<(usize, usize), (Vec<usize>, DocEdits<'_>)> = HashMap::new();
    for (i, _) in &out.selection.chosen {
        let r = &out.records[*i];
        if let Verdict::Change { edits, .. } = &r.verdict {
            let (records, doc_edits) = per_doc.entry((r.source, r.doc)).or_default();
            records.push(*i);
            doc_edits.extend(edits.iter().map(|e| (r.root.as_slice(), e)));
        }
    }
    let mut outputs = vec![None; sources.len()];
    for input in &inputs {
        let si = input.si;
        if !per_doc.keys().any(|(s, _)| *s == si) {
            continue;
        }
        let at = input.bom;
        let body = input.body;
        let mut o = Patched::default();
        o.push_same(0..at);
        let mut arena = yaml::Arena::new();
        for (di, chunk) in input.chunks.iter().enumerate() {
            let doc = &body[chunk.start..chunk.end];
            let range = at + chunk.start..at + chunk.end;
            let Some((records, edits)) = per_doc.get_mut(&(si, di)) else {
                o.push_same(range);
                continue;
            };
            records.sort_unstable();
            if let Some((named, edited)) = planned.remove(&(si, di))
                && named == *records
            {
                o.push_edited(range, edited);
                continue;
            }
            arena.reset();
            match edit_document(doc, None, edits, verify, &arena) {
                Ok(new) => o.push_edited(range, new),
                Err(d) => diags.push(Diagnostic {
                    source: si,
                    line: chunk.line + d.line - 1,
                    col: d.col,
                    message: d.message,
                }),
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

fn in_namespace(s: &Linkable, namespace: Option<&str>) -> bool {
    match (namespace, &s.oref.namespace) {
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
    /// With TARGETs: documents edited for the objects named (document, their records in this part, the
    /// edit).
    planned: Vec<(usize, Vec<usize>, Edited)>,
    diags: Vec<Diagnostic>,
    other_documents: usize,
    unnamed: Vec<(usize, usize, Kind)>,
    /// The run's text, edited where edits applied right away (offsets in the whole source).
    text: Patched,
    changed: bool,
}

/// Contiguous groups of units of work of similar byte size, one per thread that pays (at least
/// [`MIN_BYTES_PER_THREAD`] each; one group for small inputs).
fn groups(
    units: &[(usize, std::ops::Range<usize>, usize)],
    n: usize,
) -> Vec<std::ops::Range<usize>> {
    let bytes: usize = units.iter().map(|u| u.2).sum();
    let n = n.min(bytes / MIN_BYTES_PER_THREAD).max(1);
    if n == 1 || units.len() < 2 {
        return std::iter::once(0..units.len()).collect();
    }
    let target = bytes / n;
    let mut out = Vec::with_capacity(n);
    let (mut start, mut sum) = (0, 0);
    for (i, u) in units.iter().enumerate() {
        sum += u.2;
        if out.len() + 1 < n && sum >= target {
            out.push(start..i + 1);
            (start, sum) = (i + 1, 0);
        }
    }
    if start < units.len() {
        out.push(start..units.len());
    }
    out
}

const MIN_BYTES_PER_THREAD: usize = 256 * 1024;

/// Split documents into up to `n` contiguous runs of similar byte size (one run for small inputs).
fn partition(chunks: &[split::Chunk], bytes: usize, n: usize) -> Vec<std::ops::Range<usize>> {
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
    targets: &[Target],
    immediate: bool,
    verify: Verify,
) -> Part {
    let mut part = Part {
        records: Vec::with_capacity(chunks.len()),
        ..Part::default()
    };
    let Some(begin) = chunks.first().map(|c| c.start) else {
        return part;
    };
    let end = chunks.last().map_or(begin, |c| c.end);
    let mut copied = begin;
    // One arena for the trees of this run, emptied for each document: it grows to the size the largest
    // document needs and stays there.
    let mut arena = yaml::Arena::new();
    for (offset, chunk) in chunks.iter().enumerate() {
        let di = first_doc + offset;
        let doc = &body[chunk.start..chunk.end];
        arena.reset();
        let root = match yaml::parse_in(doc, &arena) {
            Ok(Some(root)) => root,
            Ok(None) => continue,
            Err(e) => {
                part.diags.push(parse_diagnostic(si, chunk.line, doc, &e));
                continue;
            }
        };
        let first = part.records.len();
        collect_objects(si, di, chunk.line, &root, opts, immediate, &mut part);
        if !part.diags.is_empty() {
            continue;
        }
        if !immediate {
            // With TARGETs, edit the objects named right away, while the tree is here: unless links
            // add objects of the same document, pass 2 takes this result and parses nothing again.
            let named: Vec<usize> = (first..part.records.len())
                .filter(|&i| {
                    let s = &part.records[i].summary;
                    in_namespace(s, namespace)
                        && targets.iter().any(|t| s.oref.matches(t))
                        && matches!(part.records[i].verdict, Verdict::Change { .. })
                })
                .collect();
            let edits: DocEdits<'_> = named
                .iter()
                .flat_map(|&i| match &part.records[i].verdict {
                    Verdict::Change { edits, .. } => edits
                        .iter()
                        .map(|e| (part.records[i].root.as_slice(), e))
                        .collect(),
                    _ => Vec::new(),
                })
                .collect();
            if !edits.is_empty()
                && let Ok(new) = edit_document(doc, Some(root), &edits, verify, &arena)
            {
                part.planned.push((di, named, new));
            }
            continue;
        }
        let edits: DocEdits<'_> = part.records[first..]
            .iter()
            .filter(|r| in_namespace(&r.summary, namespace))
            .flat_map(|r| match &r.verdict {
                Verdict::Change { edits, .. } => {
                    edits.iter().map(|e| (r.root.as_slice(), e)).collect()
                }
                _ => Vec::new(),
            })
            .collect();
        if edits.is_empty() {
            continue;
        }
        match edit_document(doc, Some(root), &edits, verify, &arena) {
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
    // What grew by doubling, back to its size.
    part.text.texts.shrink_to_fit();
    part.text.ops.shrink_to_fit();
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

/// Apply edits to one document's text and prove the result: re-parsed, it must be the original document
/// plus exactly these edits, and still one document.
fn edit_document<'a>(
    doc: &'a str,
    parsed: Option<Node<'a>>,
    edits: &[(&[Seg], &Edit)],
    verify: Verify,
    arena: &'a yaml::Arena,
) -> Result<Edited, DocError> {
    let root = match parsed {
        Some(root) => root,
        None => yaml::parse_in(doc, arena)?.ok_or(DocError {
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
    // Paths from the document root (objects of a List are below `items[i]`).
    let paths: Vec<Cow<'_, [Seg]>> = edits
        .iter()
        .map(|(root, e)| {
            if root.is_empty() {
                Cow::Borrowed(e.path())
            } else {
                Cow::Owned(root.iter().chain(e.path()).cloned().collect())
            }
        })
        .collect();
    let doc_style = style::detect(doc, &root);

    let sets: Vec<(&[Seg], &str)> = edits
        .iter()
        .zip(&paths)
        .filter_map(|((_, e), path)| match e {
            Edit::Set { value, .. } => Some((path.as_ref(), value.as_str())),
            Edit::Remove { .. } => None,
        })
        .collect();
    let only_sets = sets.len() == edits.len();
    let planned = if sets.is_empty() {
        Vec::new()
    } else {
        edit::plan_sets_targeted(doc, &root, &sets, &doc_style)?
    };
    if only_sets && verify == Verify::Fast {
        let mut expect = verify::Expect::default();
        for &(path, value) in &sets {
            expect.set(path, value);
        }
        // The common case: prove the edited lines only (see `prove_regions`).
        if let Some(proof) = prove_regions(doc, &root, &planned, &expect, arena) {
            proof?;
            return Ok(Edited::Ops(planned.into_iter().map(|(op, _)| op).collect()));
        }
    }
    let set_ops: Vec<edit::Op> = planned.into_iter().map(|(op, _)| op).collect();
    // Each round of operations, to map a position in the result back to the document.
    let mut rounds: Vec<Vec<edit::Op>> = Vec::new();
    let mut text = if set_ops.is_empty() {
        doc.to_string()
    } else {
        rounds.push(set_ops.clone());
        edit::splice(doc, set_ops.clone())
    };
    let mut removed_paths = Vec::new();
    for ((_, e), path) in edits.iter().zip(&paths) {
        let Edit::Remove { prune, .. } = e else {
            continue;
        };
        let current = yaml::parse_in(&text, arena)
            .map_err(|e| unreadable(doc, &text, &rounds, &e))?
            .ok_or_else(|| internal(doc, &rounds, 0, "is empty"))?;
        if let Some((ops, removed)) = edit::plan_remove(&text, &current, path, *prune)? {
            rounds.push(ops.clone());
            text = edit::splice(&text, ops);
            removed_paths.push(removed);
        }
    }
    let mut expect = verify::Expect::default();
    for &(path, value) in &sets {
        expect.set(path, value);
    }
    for path in &removed_paths {
        expect.removed(path);
    }
    prove(doc, &root, &text, &expect, &rounds, verify, arena)?;
    // Enable's edits are one splice of the original: keep the operations, not a copy of the document.
    Ok(if only_sets {
        Edited::Ops(set_ops)
    } else {
        Edited::Text(text)
    })
}

/// Check that `text`, the edited `doc`, reads back as `root` plus exactly `expect`, and is still one
/// document. With [`Verify::Reference`] both texts are read by the reference parser, which shares no code
/// with the fast parser, and the fast parser's reading of `doc` (`root`) must agree with it.
fn prove(
    doc: &str,
    root: &Node<'_>,
    text: &str,
    expect: &verify::Expect,
    rounds: &[Vec<edit::Op>],
    verify: Verify,
    arena: &yaml::Arena,
) -> Result<(), DocError> {
    let reference_root;
    let (old, reread) = match verify {
        Verify::Fast => (root, yaml::parse_in(text, arena)),
        Verify::Reference => {
            reference_root = yaml::reference::parse(doc, arena)?.ok_or_else(|| DocError {
                line: 1,
                col: 1,
                message: "the document is empty".into(),
            })?;
            if let Some((fast, _)) = verify::difference(root, &reference_root) {
                return Err(DocError {
                    line: fast.line,
                    col: fast.col + 1,
                    message: "internal error: the fast and the reference parser read this value \
                              differently; nothing was written (please report this document)"
                        .into(),
                });
            }
            (&reference_root, yaml::reference::parse(text, arena))
        }
    };
    let reread = reread.map_err(|e| unreadable(doc, text, rounds, &e))?;
    let Some(new) = reread else {
        return Err(internal(doc, rounds, 0, "is empty"));
    };
    if let Err(m) = verify::check(Some(old), &new, expect) {
        return Err(match m.old {
            Some((line, col)) => DocError {
                line,
                col: col + 1,
                message: "internal error: the edited document does not read back as the intended \
                          change here; nothing was written"
                    .into(),
            },
            None => internal(
                doc,
                rounds,
                m.new,
                "does not read back as the intended change",
            ),
        });
    }
    if let Some(second) = split::documents(text).nth(1) {
        return Err(internal(doc, rounds, second.start, "is not one document"));
    }
    Ok(())
}

/// Prove set operations by reading back only the lines they change: for each operation, the lines of the
/// block mapping entry or sequence item that holds the node it changes (`edit::line_region`), edited,
/// are parsed as a document of their own and must be that entry or item of the original plus exactly the
/// expected edits. Everything outside those lines is the original text, and the lines read the same on
/// their own as in place (the line after them is indented no deeper, which ends every node in them), so
/// this proves what re-reading the whole document would, for a fraction of the work. `None` when it does
/// not apply (an operation outside such lines, a part the fast parser declines): prove it whole.
fn prove_regions(
    doc: &str,
    root: &Node<'_>,
    planned: &[(edit::Op, &[Seg])],
    expect: &verify::Expect,
    arena: &yaml::Arena,
) -> Option<Result<(), DocError>> {
    // The region of each operation; a region inside another is proven with the outer one.
    let mut regions: Vec<(usize, &[Seg], std::ops::Range<usize>)> = Vec::new();
    let mut of_op = Vec::with_capacity(planned.len());
    for (_, target) in planned {
        let (len, range) = edit::line_region(doc, root, target)?;
        let path = &target[..len];
        let i = match regions.iter().position(|(_, p, _)| p == &path) {
            Some(i) => i,
            None => {
                regions.push((len, path, range));
                regions.len() - 1
            }
        };
        of_op.push(i);
    }
    // Every change the edits must make falls in a region that is proven (an edit that was planned but
    // lost would otherwise go unnoticed): else prove the whole document.
    if expect
        .unmet(root)
        .any(|path| !regions.iter().any(|(_, p, _)| path.starts_with(p)))
    {
        return None;
    }
    let outer: Vec<usize> = (0..regions.len())
        .map(|i| {
            let path = regions[i].1;
            (0..regions.len())
                .filter(|&j| path.starts_with(regions[j].1))
                .min_by_key(|&j| regions[j].0)
                .unwrap_or(i)
        })
        .collect();
    for (r, (_, path, range)) in regions.iter().enumerate() {
        if outer[r] != r {
            continue;
        }
        let mut ops: Vec<edit::Op> = Vec::new();
        for ((op, _), _) in planned.iter().zip(&of_op).filter(|(_, i)| outer[**i] == r) {
            if op.at < range.start || op.at + op.del > range.end {
                return None;
            }
            ops.push(edit::Op {
                at: op.at - range.start,
                ..op.clone()
            });
        }
        let original = &doc[range.clone()];
        let edited = edit::splice(original, ops.clone());
        let Ok(Some(part)) = yaml::fast::parse_nested(&edited, path.len(), arena) else {
            return None;
        };
        let old = root.path_segs(path)?;
        let new = match (&part.kind, path.last()?) {
            (yaml::NodeKind::Map { entries, .. }, Seg::Key(k))
                if entries.len() == 1 && entries[0].0.as_str() == Some(k) =>
            {
                &entries[0].1
            }
            (yaml::NodeKind::Seq { items, .. }, Seg::Index(_)) if items.len() == 1 => &items[0],
            _ => return None,
        };
        let below = expect.below(path).unwrap_or_else(verify::Below::none);
        if let Err(m) = verify::check_below(Some(old), new, below) {
            let at = range.start + original_offset(std::slice::from_ref(&ops), m.new);
            return Some(Err(match m.old {
                Some((line, col)) => DocError {
                    line,
                    col: col + 1,
                    message: "internal error: the edited document does not read back as the \
                              intended change here; nothing was written"
                        .into(),
                },
                None => internal(doc, &[], at, "does not read back as the intended change"),
            }));
        }
    }
    Some(Ok(()))
}

/// An internal error at an offset of the edited text, reported where that offset comes from in the
/// document.
fn internal(doc: &str, rounds: &[Vec<edit::Op>], at: usize, what: &str) -> DocError {
    let (line, col) = yaml_position(doc, original_offset(rounds, at).min(doc.len()));
    DocError {
        line,
        col,
        message: format!("internal error: the edited document {what}; nothing was written"),
    }
}

/// The edited text does not parse: report where in the document the failing spot comes from.
fn unreadable(doc: &str, text: &str, rounds: &[Vec<edit::Op>], e: &yaml::ParseError) -> DocError {
    let mut err = internal(
        doc,
        rounds,
        text_offset(text, e.line, e.col),
        "does not parse",
    );
    err.message = format!(
        "internal error: the edited document does not parse here ({}); nothing was written",
        e.message
    );
    err
}

/// The byte offset of a 1-based line and 0-based character column.
fn text_offset(text: &str, line: usize, col: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let rest = text.get(start..).unwrap_or_default();
    start + rest.char_indices().nth(col).map_or(rest.len(), |(i, _)| i)
}

/// Map an offset in the result of `rounds` of operations back to the text they started from; an offset
/// inside inserted text maps to where it was inserted.
fn original_offset(rounds: &[Vec<edit::Op>], mut at: usize) -> usize {
    for ops in rounds.iter().rev() {
        let mut ops: Vec<&edit::Op> = ops.iter().collect();
        ops.sort_by_key(|op| (op.at, std::cmp::Reverse(op.depth)));
        let mut delta = 0isize;
        let mut mapped = None;
        for op in ops {
            let start = op.at.saturating_add_signed(delta);
            if at < start {
                break;
            }
            if at < start + op.text.len() {
                mapped = Some(op.at);
                break;
            }
            delta += op.text.len() as isize - op.del as isize;
        }
        at = mapped.unwrap_or_else(|| at.saturating_add_signed(-delta));
    }
    at
}

/// An edited document: splice operations on the original, or its new text.
enum Edited {
    Ops(Vec<edit::Op>),
    Text(String),
}

/// The offset of a `\r` not followed by `\n`: a line break to YAML, but not one the editor writes.
fn bare_carriage_return(doc: &str) -> Option<usize> {
    let b = doc.as_bytes();
    memchr::memchr_iter(b'\r', b).find(|&i| b.get(i + 1) != Some(&b'\n'))
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

    /// The edit of issue 12, case 1, as the editor used to make it: the new key after the line that
    /// follows the block scalar.
    fn old_case_1() -> (&'static str, String, Vec<edit::Op>) {
        let doc = "kind: Service\nmetadata:\n  annotations:\n    a: |\n      x\n  name: s\nspec:\n  type: LoadBalancer\n";
        let at = doc.find("spec:").unwrap();
        let op = edit::Op {
            at,
            del: 0,
            text: "    k: \"true\"\n".into(),
            depth: 3,
        };
        let text = edit::splice(doc, vec![op.clone()]);
        (doc, text, vec![op])
    }

    fn k_path() -> [Seg; 3] {
        [Seg::key("metadata"), Seg::key("annotations"), Seg::key("k")]
    }

    fn expect_k(path: &[Seg]) -> verify::Expect<'_> {
        let mut e = verify::Expect::default();
        e.set(path, "true");
        e
    }

    #[test]
    fn a_result_that_does_not_parse_is_reported_where_the_edit_was_made() {
        let (doc, text, ops) = old_case_1();
        let rounds = [ops];
        let root = yaml::parse(doc).unwrap().unwrap();
        for verify in [Verify::Fast, Verify::Reference] {
            let e = prove(
                doc,
                &root,
                &text,
                &expect_k(&k_path()),
                &rounds,
                verify,
                &yaml::Arena::new(),
            )
            .unwrap_err();
            // Line 7 (`spec:`) is where the text went in; never 1:1.
            assert_eq!((e.line, e.col), (7, 1), "{verify:?}: {e:?}");
            assert!(e.message.contains("does not parse here"), "{e:?}");
        }
        assert_eq!(original_offset(&rounds, text.len()), doc.len());
        assert_eq!(original_offset(&rounds, 3), 3);
    }

    #[test]
    fn reference_verification_does_not_trust_the_fast_reading() {
        // Pretend the fast parser misread the document (as it once read `|` at the end of a text with a
        // final newline): the reference verifier reads the document itself and refuses, at that value.
        let doc = "kind: ConfigMap\ndata:\n  run.sh: |\n    echo hi";
        let misread = yaml::parse("kind: ConfigMap\ndata:\n  run.sh: |\n    echo hi\n")
            .unwrap()
            .unwrap();
        let text = format!("{doc}\n  k: v");
        let path = [Seg::key("data"), Seg::key("k")];
        let mut expect = verify::Expect::default();
        expect.set(&path, "v");
        let ops = vec![edit::Op {
            at: doc.len(),
            del: 0,
            text: "\n  k: v".into(),
            depth: 2,
        }];
        let rounds = [ops];
        let e = prove(
            doc,
            &misread,
            &text,
            &expect,
            &rounds,
            Verify::Reference,
            &yaml::Arena::new(),
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (4, 5), "{e:?}");
        assert!(e.message.contains("read this value differently"), "{e:?}");
        // The same edit on a correct reading is refused too: the scalar gains a newline.
        let root = yaml::parse(doc).unwrap().unwrap();
        for verify in [Verify::Fast, Verify::Reference] {
            let e = prove(
                doc,
                &root,
                &text,
                &expect,
                &rounds,
                verify,
                &yaml::Arena::new(),
            )
            .unwrap_err();
            assert_eq!((e.line, e.col), (4, 5), "{verify:?}: {e:?}");
        }
    }

    #[test]
    fn region_proofs_prove_the_common_case_and_catch_a_wrong_edit() {
        let doc = "kind: Service\nmetadata:\n  annotations:\n    a: |\n      x\n  name: s\nspec:\n  type: LoadBalancer\n";
        let root = yaml::parse(doc).unwrap().unwrap();
        let target = [Seg::key("metadata"), Seg::key("annotations")];
        let at = doc.find("  name:").unwrap();
        let good = edit::Op {
            at,
            del: 0,
            text: "    k: \"true\"\n".into(),
            depth: 3,
        };
        let proof = prove_regions(
            doc,
            &root,
            &[(good.clone(), &target)],
            &expect_k(&k_path()),
            &yaml::Arena::new(),
        );
        assert!(matches!(proof, Some(Ok(()))), "{proof:?}");
        // Also changing the block scalar next to it is caught, at that scalar.
        let x = doc.find("x\n").unwrap();
        let wrong = edit::Op {
            at: x,
            del: 1,
            text: "y".into(),
            depth: 3,
        };
        let proof = prove_regions(
            doc,
            &root,
            &[(good.clone(), &target), (wrong, &target)],
            &expect_k(&k_path()),
            &yaml::Arena::new(),
        );
        let e = proof.unwrap().unwrap_err();
        assert_eq!((e.line, e.col), (5, 7), "{e:?}");
        // An expected change without an operation (planned, then lost) is left to the whole proof, which
        // refuses it.
        let (k, lost) = (k_path(), [Seg::key("spec"), Seg::key("x")]);
        let mut two = verify::Expect::default();
        two.set(&k, "true");
        two.set(&lost, "y");
        let arena = yaml::Arena::new();
        assert!(prove_regions(doc, &root, &[(good.clone(), &target)], &two, &arena).is_none());
        let text = edit::splice(doc, vec![good.clone()]);
        let e = prove(
            doc,
            &root,
            &text,
            &two,
            &[vec![good.clone()]],
            Verify::Fast,
            &arena,
        );
        assert!(e.is_err(), "{e:?}");
        // An edit outside the lines of the node it targets is left to the whole proof.
        let outside = edit::Op {
            at: doc.find("spec:").unwrap(),
            ..good
        };
        assert!(
            prove_regions(
                doc,
                &root,
                &[(outside, &target)],
                &expect_k(&k_path()),
                &yaml::Arena::new()
            )
            .is_none()
        );
    }

    #[test]
    fn runs_on_several_threads_give_the_same_outputs() {
        let opts = Options {
            intent: Intent::Enable,
            mode: NetworkMode::Mixed,
            eni: EniFlavor::Shared,
            container: None,
            force: false,
        };
        let doc = |i: usize| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\n  annotations:\n    a: |\n      x\n  labels: {{app: a}}\nspec:\n  type: LoadBalancer\n---\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: i\n"
            )
        };
        let source = |name: String, docs: std::ops::Range<usize>| Source {
            name,
            text: docs.map(doc).collect::<Vec<_>>().join("---\n"),
        };
        // Small inputs (several to a thread) and a large one (split between threads).
        let mut sources: Vec<Source> = (0..40)
            .map(|i| source(format!("s{i}.yaml"), i * 100..i * 100 + 100))
            .collect();
        sources.push(source("big.yaml".into(), 10_000..13_000));
        assert!(sources.iter().map(|s| s.text.len()).sum::<usize>() > 4 * MIN_BYTES_PER_THREAD);
        let all = run(&sources, &opts, &[], None).unwrap();
        for (i, s) in sources.iter().enumerate() {
            let alone = run(std::slice::from_ref(s), &opts, &[], None).unwrap();
            let text = |o: &Option<Patched>| o.as_ref().map(|p| p.text(&s.text));
            assert_eq!(text(&all.outputs[i]), text(&alone.outputs[0]), "{}", s.name);
            assert!(all.outputs[i].is_some());
        }
        assert_eq!(all.records.len(), 2 * (4_000 + 3_000));
    }

    #[test]
    fn targets_edit_what_they_name_and_link() {
        let opts = Options {
            intent: Intent::Enable,
            mode: NetworkMode::Mixed,
            eni: EniFlavor::Shared,
            container: None,
            force: false,
        };
        let svc = "kind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector: {app: web}\n";
        let other = "kind: Service\nmetadata:\n  name: other\nspec:\n  type: LoadBalancer\n";
        let deploy = "kind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: i\n";
        let run_on = |text: String, target: &str| {
            let sources = [Source {
                name: "t.yaml".into(),
                text,
            }];
            let out = run(&sources, &opts, &[target.parse().unwrap()], None).unwrap();
            out.outputs[0].as_ref().unwrap().text(&sources[0].text)
        };
        // Named, alone in its document: edited in pass 1 (the other Service is not).
        let out = run_on(format!("{svc}---\n{other}"), "svc/web");
        let alone = run_on(svc.to_string(), "svc/web");
        assert!(out.starts_with(&alone), "{out}");
        assert!(out.ends_with(other), "{out}");
        // Linked objects in the same document (a List): pass 2 edits the document again, for both.
        let indent = |s: &str| s.lines().map(|l| format!("    {l}\n")).collect::<String>();
        let list = format!(
            "kind: List\nitems:\n  - {}  - {}",
            indent(svc).trim_start(),
            indent(deploy).trim_start()
        );
        let out = run_on(list, "svc/web");
        assert!(
            out.contains("service.cloud.tencent.com/direct-access"),
            "{out}"
        );
        assert!(out.contains("tke.cloud.tencent.com/networks"), "{out}");
    }

    #[test]
    fn records_in_runs_index_like_one_vector() {
        let record = |line| Record {
            source: 0,
            doc: 0,
            line,
            root: vec![],
            summary: Linkable::bare(crate::model::ObjectRef::new(Kind::Service, None, "s")),
            verdict: Verdict::Done(String::new()),
        };
        let mut r = Records::default();
        r.push_run((0..3).map(record).collect());
        r.push_run(vec![]);
        r.push_run((3..4).map(record).collect());
        r.push_run((4..9).map(record).collect());
        assert_eq!(r.len(), 9);
        for i in 0..9 {
            assert_eq!(r[i].line, i);
        }
        assert_eq!(
            r.iter().map(|x| x.line).collect::<Vec<_>>(),
            (0..9).collect::<Vec<_>>()
        );
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
