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
    }
}

pub struct Documents<'a> {
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Iterator for Documents<'_> {
    type Item = Chunk;

    fn next(&mut self) -> Option<Chunk> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        let start = self.pos;
        let first_line = self.line;
        let mut pos = self.pos;
        let mut first = true;
        // Directives (`%YAML 1.2`) belong to the document their `---` starts: while only directives,
        // comments and blank lines have been seen, a `---` after a directive does not end the chunk.
        let mut prologue = true;
        let mut directives = false;
        while pos < self.bytes.len() {
            let eol = memchr_nl(&self.bytes[pos..]).map_or(self.bytes.len(), |i| pos + i + 1);
            let line = &self.bytes[pos..eol];
            if is_marker(line, b"---") {
                let directives_end = prologue && directives;
                if !first && !directives_end {
                    break;
                }
                prologue = false;
            } else if prologue {
                match line.iter().find(|b| !b.is_ascii_whitespace()) {
                    None | Some(b'#') => {}
                    Some(b'%') if line[0] == b'%' => directives = true,
                    Some(_) => prologue = false,
                }
            }
            first = false;
            pos = eol;
            self.line += 1;
            if is_marker(line, b"...") {
                break;
            }
        }
        self.pos = pos;
        Some(Chunk {
            start,
            end: pos,
            line: first_line,
        })
    }
}

fn memchr_nl(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
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

    #[test]
    fn leading_marker_and_empty_input() {
        assert_eq!(split("---\na: 1\n"), vec!["---\na: 1\n"]);
        assert!(split("").is_empty());
    }
}
