//! Split a YAML stream into documents by their `---` and `...` marker lines.
//!
//! YAML forbids a line that starts with `---` or `...` followed by white space or the line end inside any
//! content (the spec's `c-forbidden`), so a line scan finds the boundaries exactly, without parsing.
//! Each chunk keeps its own marker lines, so concatenating the chunks gives back the input byte for byte.

/// One document's bytes in the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    /// 1-based line of `start` in the stream.
    pub line: usize,
}

fn is_marker(line: &[u8], marker: &[u8; 3]) -> bool {
    line.starts_with(marker) && matches!(line.get(3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
}

/// Iterate over the documents of a stream.
pub fn documents(text: &str) -> Documents<'_> {
    Documents {
        bytes: text.as_bytes(),
        pos: 0,
        line: 1,
        dashes: Marker::new(b"\n---"),
        dots: Marker::new(b"\n..."),
    }
}

pub struct Documents<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    dashes: Marker,
    dots: Marker,
}

/// The next line starting with a marker, found with a vectorised substring search and remembered, so
/// that the stream is searched once for each kind of marker however many documents it has.
struct Marker {
    finder: memchr::memmem::Finder<'static>,
    /// The last line found (`usize::MAX`: none after the last search position).
    next: Option<usize>,
}

impl Marker {
    fn new(needle: &'static [u8]) -> Marker {
        Marker {
            finder: memchr::memmem::Finder::new(needle),
            next: None,
        }
    }

    /// The first line start at or after `from` (itself a line start, not the start of the text) that
    /// begins with this marker followed by white space or the line end; `usize::MAX` when none does.
    fn find(&mut self, bytes: &[u8], mut from: usize) -> usize {
        loop {
            let at = match self.next {
                Some(at) if at >= from => at,
                _ => self
                    .finder
                    .find(&bytes[from - 1..])
                    .map_or(usize::MAX, |i| from + i),
            };
            if at == usize::MAX
                || matches!(bytes.get(at + 3), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
            {
                self.next = Some(at);
                return at;
            }
            // `---x`: not a marker; look further.
            from = at + 1;
        }
    }
}

impl Iterator for Documents<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        let bytes = self.bytes;
        if self.pos >= bytes.len() {
            return None;
        }
        let start = self.pos;
        let end = self.chunk_end(start);
        self.pos = end;
        let line = self.line;
        self.line += memchr::memchr_iter(b'\n', &bytes[start..end]).count();
        Some(Chunk { start, end, line })
    }
}

impl Documents<'_> {
    /// Where the document starting at `start` ends.
    fn chunk_end(&mut self, start: usize) -> usize {
        let bytes = self.bytes;
        let eol = |p: usize| memchr::memchr(b'\n', &bytes[p..]).map_or(bytes.len(), |i| p + i + 1);
        // The prologue, line by line: comments, blank lines and directives (`%YAML 1.2`) belong to the
        // document their `---` starts, and a `---` first in the chunk starts it.
        let mut pos = start;
        let mut first = true;
        let mut directives = false;
        while pos < bytes.len() {
            let line = &bytes[pos..eol(pos)];
            if is_marker(line, b"---") {
                if !first && !directives {
                    return pos;
                }
                pos += line.len();
                break;
            }
            if is_marker(line, b"...") {
                return pos + line.len();
            }
            match line.iter().find(|b| !b.is_ascii_whitespace()) {
                None | Some(b'#') => {}
                Some(b'%') if line[0] == b'%' => directives = true,
                Some(_) => break,
            }
            first = false;
            pos += line.len();
        }
        if pos >= bytes.len() {
            return bytes.len();
        }
        // The content: up to the next `---` line, or through the next `...` line.
        let dashes = self.dashes.find(bytes, pos.max(1));
        let dots = self.dots.find(bytes, pos.max(1));
        if dots < dashes {
            eol(dots)
        } else {
            dashes.min(bytes.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        documents(text).map(|c| &text[c.start..c.end]).collect()
    }

    #[test]
    fn splits_on_markers_and_keeps_every_byte() {
        let text = "# Source: a\na: 1\n--- # two\nb: 2\n...\n---\nc: |\n  ---x\n----\nd: 1";
        let docs = split(text);
        assert_eq!(
            docs,
            vec![
                "# Source: a\na: 1\n",
                "--- # two\nb: 2\n...\n",
                "---\nc: |\n  ---x\n----\nd: 1"
            ]
        );
        assert_eq!(docs.concat(), text);
        let lines: Vec<usize> = documents(text).map(|c| c.line).collect();
        assert_eq!(lines, vec![1, 3, 6]);
    }

    #[test]
    fn directives_belong_to_the_next_document() {
        let text = "%YAML 1.2\n---\na: 1\n...\n# c\n%TAG ! tag:x,2000:\n---\nb: 2\n---\nc: 3\n";
        assert_eq!(
            split(text),
            vec![
                "%YAML 1.2\n---\na: 1\n...\n",
                "# c\n%TAG ! tag:x,2000:\n---\nb: 2\n",
                "---\nc: 3\n"
            ]
        );
        // Without a directive, a comment before `---` is its own (comment-only) chunk, as before.
        assert_eq!(split("# c\n---\na: 1\n"), vec!["# c\n", "---\na: 1\n"]);
        // `%` inside content is not a directive.
        assert_eq!(
            split("a: |\n  %x\n---\nb: 1\n"),
            vec!["a: |\n  %x\n", "---\nb: 1\n"]
        );
    }

    #[test]
    fn crlf_markers() {
        let text = "a: 1\r\n---\r\nb: 2\r\n";
        assert_eq!(split(text), vec!["a: 1\r\n", "---\r\nb: 2\r\n"]);
    }

    /// The splitter as it was written first, one line at a time: the fast one must agree with it.
    fn by_lines(text: &str) -> Vec<(usize, usize, usize)> {
        let bytes = text.as_bytes();
        let (mut pos, mut line, mut out) = (0, 1, Vec::new());
        while pos < bytes.len() {
            let (start, first_line) = (pos, line);
            let (mut first, mut prologue, mut directives) = (true, true, false);
            while pos < bytes.len() {
                let eol = bytes[pos..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| pos + i + 1);
                let l = &bytes[pos..eol];
                if is_marker(l, b"---") {
                    if !(first || prologue && directives) {
                        break;
                    }
                    prologue = false;
                } else if prologue {
                    match l.iter().find(|b| !b.is_ascii_whitespace()) {
                        None | Some(b'#') => {}
                        Some(b'%') if l[0] == b'%' => directives = true,
                        Some(_) => prologue = false,
                    }
                }
                first = false;
                pos = eol;
                line += 1;
                if is_marker(l, b"...") {
                    break;
                }
            }
            out.push((start, pos, first_line));
        }
        out
    }

    #[test]
    fn agrees_with_the_line_by_line_splitter() {
        const LINES: [&str; 14] = [
            "a: 1\n",
            "---\n",
            "--- # c\n",
            "----\n",
            "---x\n",
            "...\n",
            "... # e\n",
            "# c\n",
            "\n",
            "%YAML 1.2\n",
            "  - x\n",
            "---\r\n",
            "b: |\n",
            "  ---\n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for n in 0..4000 {
            let mut text = String::new();
            for _ in 0..(n % 13) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(LINES[(seed % LINES.len() as u64) as usize]);
            }
            if n % 3 == 0 {
                text.pop();
            }
            let fast: Vec<_> = documents(&text).map(|c| (c.start, c.end, c.line)).collect();
            assert_eq!(fast, by_lines(&text), "{text:?}");
        }
    }

    #[test]
    fn leading_marker_and_empty_input() {
        assert_eq!(split("---\na: 1\n"), vec!["---\na: 1\n"]);
        assert!(split("").is_empty());
    }
}
