//! The parsers compared on generated and on mutated documents.

use super::*;

/// `YAML_FAST_CASES=N` multiplies the number of cases, for a deeper local run.
pub(super) fn runner(cases: u32) -> TestRunner {
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
pub(super) fn fast_equals_reference_on_generated_manifests() {
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
pub(super) fn fast_is_sound_on_mutated_documents() {
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
