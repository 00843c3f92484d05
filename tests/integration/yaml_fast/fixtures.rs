//! Hand-written fixtures, the fallback to the reference parser, and the YAML 1.2 values of block
//! scalars at the end of a text.

use super::*;

pub(super) fn fixtures() -> Vec<(String, String)> {
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
pub(super) fn fixtures_parse_identically_and_fast() {
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
pub(super) fn yaml_parse_falls_back_to_the_reference_parser() {
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
pub(super) fn block_scalars_at_the_end_of_the_text_follow_the_spec() {
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
