//! The bad-input corpus, `tests/fixtures/bad/`: one input per case (`<case>.yaml` or `<case>.json`) and an
//! expectations file `<case>.expect` saying why the case exists and what must happen:
//!
//! ```yaml
//! # a flow sequence opened in metadata.name never closes
//! exit: 2                  # 2: an error; 0: a skip, with its reason in `skip:`
//! line: 5                  # the error names FILE:5: (null when the whole file is the problem)
//! skip: "why skipping is right"   # only for exit 0
//! stderr:                  # substrings stderr must contain
//!   - "unclosed-flow-sequence.yaml:5:5: illegal placement of ':' indicator"
//! generate: name           # optional: the input is too big to commit and is built by `generated` below
//! ```
//!
//! Every case runs `enable --write` (and `diff`, and `enable -f -` on stdin) in mixed mode, the mode that
//! edits the most: the exit code must match, nothing may panic, the message must name the file and line,
//! and the input must be byte-identical afterwards with no stray files next to it.

use std::path::{Path, PathBuf};

use crate::support::tkedirect;

struct Case {
    name: String,
    file_name: String,
    input: Vec<u8>,
    exit: i32,
    line: Option<usize>,
    skip: Option<String>,
    stderr: Vec<String>,
    generated: bool,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad")
}

const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n";

/// Inputs too big to commit.
fn generated(name: &str) -> Vec<u8> {
    match name {
        // A 2 MiB plain scalar (more than etcd stores in one object) in a ConfigMap next to a ClusterIP
        // Service.
        "enormous-scalar" => format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blob\ndata:\n  blob: {}\n---\n{}",
            "x".repeat(2 << 20),
            SERVICE.replace("LoadBalancer", "ClusterIP")
        )
        .into_bytes(),
        // A 2 MiB implicit key: YAML allows 1024 characters.
        "enormous-key" => format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    {}: v\nspec:\n  type: LoadBalancer\n",
            "k".repeat(2 << 20)
        )
        .into_bytes(),
        // A 2 MiB double-quoted scalar that never closes.
        "enormous-unclosed-quote" => format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"{}\n",
            "n".repeat(2 << 20)
        )
        .into_bytes(),
        // 1,000 nested block mappings (one more space per level).
        "deep-block-mappings" => {
            let mut s = format!("{SERVICE}  x:\n");
            for i in 0..1000 {
                s.push_str(&" ".repeat(3 + i));
                s.push_str("k:\n");
            }
            s.into_bytes()
        }
        // A mapping with 50,000 keys (duplicate detection and lookups must not be quadratic), next to a
        // ClusterIP Service; with `-duplicate`, the last key repeats the first.
        "enormous-mapping" | "enormous-mapping-duplicate" => {
            let mut s = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
            for i in 0..50_000 {
                s.push_str(&format!("  key{i}: v{i}\n"));
            }
            if name.ends_with("duplicate") {
                s.push_str("  key0: again\n");
            }
            s.push_str("---\n");
            s.push_str(&SERVICE.replace("LoadBalancer", "ClusterIP"));
            s.into_bytes()
        }
        other => panic!("no generator named {other}"),
    }
}

fn load() -> Vec<Case> {
    let dir = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let inputs: Vec<&String> = names
        .iter()
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .collect();
    let mut cases = Vec::new();
    for expect_name in names.iter().filter(|n| n.ends_with(".expect")) {
        let name = expect_name.trim_end_matches(".expect").to_string();
        let text = std::fs::read_to_string(dir.join(expect_name)).unwrap();
        let root = tkedirect::yaml::parse(&text)
            .unwrap_or_else(|e| panic!("{expect_name}: {e:?}"))
            .unwrap();
        assert!(
            text.starts_with("# "),
            "{expect_name}: start with a `# why` comment"
        );
        let exit: i32 = root.get_str("exit").map_or_else(
            || root.get("exit").unwrap().as_str().unwrap().parse().unwrap(),
            |s| s.parse().unwrap(),
        );
        let line = root
            .get("line")
            .filter(|n| !n.is_null())
            .map(|n| n.as_str().unwrap().parse().unwrap());
        let skip = root.get_str("skip").map(str::to_string);
        let stderr: Vec<String> = root
            .get("stderr")
            .and_then(|n| n.items())
            .unwrap_or_default()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        let generated_by = root.get_str("generate");
        let (file_name, input) = match generated_by {
            Some(g) => (format!("{name}.yaml"), generated(g)),
            None => {
                let file = inputs
                    .iter()
                    .find(|i| i.rsplit_once('.').unwrap().0 == name)
                    .unwrap_or_else(|| panic!("{expect_name} has no input file"));
                (file.to_string(), std::fs::read(dir.join(file)).unwrap())
            }
        };
        cases.push(Case {
            name,
            file_name,
            input,
            exit,
            line,
            skip,
            stderr,
            generated: generated_by.is_some(),
        });
    }
    for input in inputs {
        let stem = input.rsplit_once('.').unwrap().0;
        assert!(
            cases.iter().any(|c| c.name == stem),
            "{input} has no .expect file"
        );
    }
    cases
}

fn check(case: &Case) -> Result<(), String> {
    let name = &case.file_name;
    let fail = |what: String| Err(format!("{}: {what}", case.name));
    match (case.exit, &case.skip) {
        (2, None) => {}
        (0, Some(_)) => {}
        _ => return fail("exit 2, or exit 0 with a `skip:` reason".into()),
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, &case.input).unwrap();

    // enable --write, in the mode that edits the most.
    let out = tkedirect()
        .current_dir(dir.path())
        .args([
            "enable",
            "--write",
            "-v",
            "--network-mode",
            "mixed",
            "-f",
            name,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if stderr.contains("panicked") || out.status.code() != Some(case.exit) {
        return fail(format!(
            "enable --write exited {:?}, expected {}:\n{stderr}",
            out.status.code(),
            case.exit
        ));
    }
    for want in &case.stderr {
        if !stderr.contains(want.as_str()) {
            return fail(format!("stderr lacks {want:?}:\n{stderr}"));
        }
    }
    if case.exit == 2 {
        if !out.stdout.is_empty() {
            return fail("an error with output on stdout".into());
        }
        let at = match case.line {
            Some(l) => format!("{name}:{l}:"),
            None => format!("{name}: "),
        };
        if !stderr.contains(&format!("error: {at}")) {
            return fail(format!("no `error: {at}` message:\n{stderr}"));
        }
    }
    if std::fs::read(&path).unwrap() != case.input {
        return fail("the input file was changed".into());
    }
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    if entries.len() != 1 {
        return fail(format!("stray files: {entries:?}"));
    }

    // diff: an error stays an error; a skip has nothing to show.
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["diff", "--network-mode", "mixed", "-f", name])
        .output()
        .unwrap();
    if out.status.code() != Some(case.exit) || !out.stdout.is_empty() {
        return fail(format!(
            "diff exited {:?} with {} bytes of diff",
            out.status.code(),
            out.stdout.len()
        ));
    }

    // The same bytes on standard input: the same verdict, and a skip passes the stream through untouched.
    let out = tkedirect()
        .args(["enable", "--network-mode", "mixed", "-f", "-"])
        .write_stdin(case.input.clone())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.code() != Some(case.exit) || stderr.contains("panicked") {
        return fail(format!(
            "enable -f - exited {:?}:\n{stderr}",
            out.status.code()
        ));
    }
    if case.exit == 2 {
        if let Some(l) = case.line
            && !stderr.contains(&format!("<stdin>:{l}:"))
        {
            return fail(format!("enable -f - does not name <stdin>:{l}:\n{stderr}"));
        }
    } else if out.stdout != case.input {
        return fail("enable -f - changed a skipped stream".into());
    }
    Ok(())
}

#[test]
fn bad_input_corpus() {
    let cases = load();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    // Two workers: each case runs the binary three times.
    let (a, b) = cases.split_at(cases.len() / 2);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let first = scope.spawn(|| a.iter().filter_map(|c| check(c).err()).collect::<Vec<_>>());
        let mut failures: Vec<String> = b.iter().filter_map(|c| check(c).err()).collect();
        failures.extend(first.join().unwrap());
        failures
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// All the corpus's errors in one directory next to a good file: `--write` plans every file first and
/// writes none, and every bad file keeps its bytes.
#[test]
fn a_directory_of_bad_files_writes_nothing() {
    // The generated giants are checked one by one above; here the point is many files at once.
    let cases: Vec<Case> = load()
        .into_iter()
        .filter(|c| c.exit == 2 && !c.generated)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    for c in &cases {
        std::fs::write(dir.path().join(&c.file_name), &c.input).unwrap();
    }
    std::fs::write(dir.path().join("good.yaml"), SERVICE).unwrap();
    let out = tkedirect()
        .args(["enable", "--write", "--network-mode", "mixed", "-f"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("good.yaml")).unwrap(),
        SERVICE
    );
    for c in &cases {
        assert_eq!(
            std::fs::read(dir.path().join(&c.file_name)).unwrap(),
            c.input,
            "{}",
            c.name
        );
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        cases.len() + 1
    );
}

/// A LoadBalancer Service with 50,000 annotations is edited (and verified) like a small one.
#[test]
fn enormous_annotations_are_edited() {
    let annotations: String = (0..50_000).map(|i| format!("    key{i}: v{i}\n")).collect();
    let input = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n{annotations}spec:\n  type: LoadBalancer\n"
    );
    let out = tkedirect()
        .args(["enable", "-f", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let enabled = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        enabled,
        input.replace(
            "\nspec:",
            "\n    service.cloud.tencent.com/direct-access: \"true\"\nspec:"
        )
    );
}

/// Enormous scalars are fine where they are simply carried along: a 4 MiB annotation value next to the edit.
#[test]
fn enormous_scalars_next_to_an_edit() {
    let big = "v".repeat(4 << 20);
    let input = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    blob: \"{big}\"\nspec:\n  type: LoadBalancer\n"
    );
    let out = tkedirect()
        .args(["enable", "-f", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let enabled = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        enabled,
        input.replace(
            "\nspec:",
            "\n    service.cloud.tencent.com/direct-access: \"true\"\nspec:"
        )
    );
    let out = tkedirect()
        .args(["disable", "-f", "-"])
        .write_stdin(enabled)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), input);
}

/// `%YAML` directives belong to the document their `---` starts; the document is edited and the directive
/// kept.
#[test]
fn yaml_directives_stay_with_their_document() {
    let input = format!(
        "%YAML 1.2\n---\n{SERVICE}...\n%YAML 1.2\n---\n{}",
        SERVICE.replace("web", "api")
    );
    let out = tkedirect()
        .args(["enable", "-f", "-"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let annotated = SERVICE.replace(
        "  name: web\n",
        "  name: web\n  annotations:\n    service.cloud.tencent.com/direct-access: \"true\"\n",
    );
    let expected = format!(
        "%YAML 1.2\n---\n{annotated}...\n%YAML 1.2\n---\n{}",
        annotated.replace("web", "api")
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
}
