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
        while pos < self.bytes.len() {
            let eol = memchr_nl(&self.bytes[pos..]).map_or(self.bytes.len(), |i| pos + i + 1);
            let line = &self.bytes[pos..eol];
            if !first && is_marker(line, b"---") {
                break;
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
