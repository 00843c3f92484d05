//! Every file and corpus in the repository, and a time-bounded differential fuzzer.

use super::*;

/// Every YAML and JSON text under `tests/` and `examples/`, by path.
pub(super) fn repository_texts() -> Vec<(String, String)> {
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
pub(super) fn generated_texts() -> Vec<(String, String)> {
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

pub(super) fn documents_of(text: &str) -> Vec<&str> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    split::documents(body)
        .map(|c| &body[c.start..c.end])
        .collect()
}

/// The differential test over everything the repository holds and generates: wherever the fast parser
/// accepts a document, its tree is exactly the reference tree — kinds, decoded values, styles, spans.
#[test]
pub(super) fn fast_equals_reference_on_every_file_and_corpus() {
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
pub(super) struct Rng(u64);

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

pub(super) fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(super) const FUZZ_TOKENS: &[&str] = &[
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
pub(super) fn mutate(doc: &str, rng: &mut Rng) -> String {
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
/// reference tree. Runs for `budget` on the inputs `seed` draws.
pub(super) fn fuzz_parsers(
    budget: std::time::Duration,
    max_cases: usize,
    seed: u64,
) -> (usize, usize) {
    let start = std::time::Instant::now();
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
pub(super) fn fuzz_parsers_smoke() {
    let (cases, accepted) = fuzz_parsers(std::time::Duration::from_secs(3600), 4_000, 1);
    assert!(
        cases >= 4_000 && accepted * 20 >= cases,
        "{accepted}/{cases}"
    );
}

#[test]
#[ignore = "long-running; TKEDIRECT_FUZZ_SECONDS=60 cargo test --test integration fuzz_parsers -- --ignored --nocapture"]
pub(super) fn fuzz_parsers_differential() {
    let seconds: u64 = std::env::var("TKEDIRECT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let start = std::time::Instant::now();
    let seed = crate::support::fuzz_seed("yaml fuzz");
    let (cases, accepted) = fuzz_parsers(std::time::Duration::from_secs(seconds), usize::MAX, seed);
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "yaml fuzz: {cases} documents in {secs:.0} s ({:.0}/s), the fast parser accepted {accepted} and \
         built the reference tree for every one",
        cases as f64 / secs
    );
}
