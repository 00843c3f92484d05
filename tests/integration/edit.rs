//! The file engine through the real binary: fixture snapshots for every fidelity case (tests/fixtures/patch),
//! with the properties checked on each: `enable` twice = once, `disable(enable(x)) == x` (with `--force`
//! where a fixture's `disable-refused` says a guard of disable refuses), the output parses into the
//! Kubernetes types, and `--write` then `diff` exits 0.

use std::path::{Path, PathBuf};

use crate::support::tkedirect;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patch");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs
}

fn input_of(dir: &Path) -> String {
    if dir.join("input.json").exists() {
        "input.json".into()
    } else {
        "input.yaml".into()
    }
}

fn args_of(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("args"))
        .map(|s| s.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = tkedirect();
    cmd.current_dir(dir).args(args);
    if let Some(s) = stdin {
        cmd.write_stdin(s.to_string());
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Arguments for `disable` that undo `enable`: the same, without -v.
fn without_verbose(args: &[String]) -> Vec<&str> {
    args.iter()
        .map(String::as_str)
        .filter(|a| *a != "-v")
        .collect()
}

#[test]
fn patch_fixtures() {
    let fixtures = fixtures();
    assert!(fixtures.len() >= 25, "at least 25 hand-written cases");
    for dir in fixtures {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let input_name = input_of(&dir);
        let input = std::fs::read_to_string(dir.join(&input_name)).unwrap();
        let args = args_of(&dir);
        let argv = |verb: &str| -> Vec<String> {
            let mut v = vec![verb.to_string(), "-f".into(), input_name.clone()];
            v.extend(args.iter().cloned());
            v
        };

        // The diff, as a user sees it.
        let diff_args = argv("diff");
        let diff = run_in(
            &dir,
            &diff_args.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        assert!(
            diff.code == 0 || diff.code == 1,
            "{name}: diff exited {}: {}",
            diff.code,
            diff.stderr
        );
        insta::assert_snapshot!(
            format!("patch-{name}"),
            format!(
                "$ tkedirect {}\nexit: {}\n--- stderr\n{}--- stdout\n{}",
                diff_args.join(" "),
                diff.code,
                diff.stderr,
                diff.stdout
            )
        );

        // What disable does to an input that is already enabled (the guards of patch::guard), and with
        // --force where it refuses.
        if dir.join("disable-snapshot").exists() {
            let mut text = String::new();
            let mut disable_args = argv("disable");
            disable_args.push("--diff".into());
            loop {
                let d = run_in(
                    &dir,
                    &disable_args.iter().map(String::as_str).collect::<Vec<_>>(),
                    None,
                );
                text.push_str(&format!(
                    "$ tkedirect {}\nexit: {}\n--- stderr\n{}--- stdout\n{}",
                    disable_args.join(" "),
                    d.code,
                    d.stderr,
                    d.stdout
                ));
                if d.code != 2 || disable_args.iter().any(|a| a == "--force") {
                    break;
                }
                disable_args.push("--force".into());
            }
            insta::assert_snapshot!(format!("patch-{name}-disable-diff"), text);
        }

        // enable through stdin = enable on the file.
        let enable_args = argv("enable");
        let enabled = run_in(
            &dir,
            &enable_args.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        assert_eq!(enabled.code, 0, "{name}: {}", enabled.stderr);
        // Proven with the reference parser instead: the same result.
        let mut reference_args = enable_args.clone();
        reference_args.extend(["--verify".to_string(), "reference".to_string()]);
        let reference = run_in(
            &dir,
            &reference_args
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            None,
        );
        assert_eq!(
            (reference.code, &reference.stdout),
            (0, &enabled.stdout),
            "{name}: --verify reference: {}",
            reference.stderr
        );
        let mut stdin_args: Vec<&str> = vec!["enable", "-f", "-"];
        stdin_args.extend(args.iter().map(String::as_str));
        let piped = run_in(&dir, &stdin_args, Some(&input));
        assert_eq!(
            piped.stdout, enabled.stdout,
            "{name}: stdin and file differ"
        );
        assert_eq!(
            enabled.stdout != input,
            diff.code == 1,
            "{name}: diff exit code disagrees with enable"
        );

        // Idempotent.
        let again = run_in(&dir, &stdin_args, Some(&enabled.stdout));
        assert_eq!(
            again.stdout, enabled.stdout,
            "{name}: enable is not idempotent"
        );

        // The exact inverse.
        if enabled.stdout != input {
            let mut disable_args: Vec<&str> = vec!["disable", "-f", "-"];
            disable_args.extend(without_verbose(&args));
            let mut back = run_in(&dir, &disable_args, Some(&enabled.stdout));
            if dir.join("disable-refused").exists() {
                // A guard of disable refuses (patch::guard): nothing is printed; --force is the inverse.
                assert_eq!(back.code, 2, "{name}: {}", back.stderr);
                assert!(back.stdout.is_empty(), "{name}: {}", back.stdout);
                assert!(
                    back.stderr.contains("`disable --force` does it anyway"),
                    "{name}: {}",
                    back.stderr
                );
                disable_args.push("--force");
                back = run_in(&dir, &disable_args, Some(&enabled.stdout));
            }
            assert_eq!(back.code, 0, "{name}: {}", back.stderr);
            if dir.join("disable-differs").exists() {
                insta::assert_snapshot!(format!("patch-{name}-disable"), back.stdout);
            } else if dir.join("roundtrip-is-semantic").exists() {
                let parse = |t: &str| serde_saphyr::from_multiple::<serde_json::Value>(t).unwrap();
                let strip_null = |mut v: Vec<serde_json::Value>| {
                    for d in &mut v {
                        if let Some(m) = d.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                            m.retain(|_, v| !v.is_null());
                        }
                    }
                    v
                };
                assert_eq!(
                    strip_null(parse(&back.stdout)),
                    strip_null(parse(&input)),
                    "{name}"
                );
                assert_ne!(
                    back.stdout, input,
                    "{name}: now byte-exact: remove roundtrip-is-semantic"
                );
            } else {
                assert_eq!(back.stdout, input, "{name}: disable(enable(x)) != x");
            }
        }

        // Still Kubernetes.
        if input_name.ends_with(".yaml") {
            crate::properties::assert_typed(&enabled.stdout);
        }

        // --write, then diff says there is nothing left to do.
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(dir.join(&input_name), tmp.path().join(&input_name)).unwrap();
        let mut write_args = enable_args.clone();
        write_args.push("--write".into());
        let wrote = run_in(
            tmp.path(),
            &write_args.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        assert_eq!(wrote.code, 0, "{name}: {}", wrote.stderr);
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(&input_name)).unwrap(),
            enabled.stdout,
            "{name}"
        );
        let after = run_in(
            tmp.path(),
            &diff_args.iter().map(String::as_str).collect::<Vec<_>>(),
            None,
        );
        assert_eq!(
            (after.code, after.stdout.as_str()),
            (0, ""),
            "{name}: diff after --write"
        );
    }
}

#[test]
fn examples_diff_shows_only_added_lines_and_write_converges() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let diff = run_in(root, &["diff", "-f", "examples/"], None);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    let body: Vec<&str> = diff
        .stdout
        .lines()
        .filter(|l| !l.starts_with("---") && !l.starts_with("+++"))
        .collect();
    assert!(body.iter().any(|l| l.starts_with('+')));
    assert!(
        !body.iter().any(|l| l.starts_with('-')),
        "only added lines:\n{}",
        diff.stdout
    );

    let tmp = tempfile::tempdir().unwrap();
    let examples = tmp.path().join("examples");
    std::fs::create_dir(&examples).unwrap();
    for e in std::fs::read_dir(root.join("examples")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), examples.join(e.file_name())).unwrap();
    }
    let wrote = run_in(tmp.path(), &["enable", "-f", "examples/", "--write"], None);
    assert_eq!(wrote.code, 0, "{}", wrote.stderr);
    assert!(wrote.stderr.contains("wrote 3 files"), "{}", wrote.stderr);
    let after = run_in(tmp.path(), &["diff", "-f", "examples/"], None);
    assert_eq!((after.code, after.stdout.as_str()), (0, ""));
}

/// The values of every document of a stream, read with the reference parser (not the fast parser the
/// engine uses), with the BOM of a file in the middle of the stream ignored.
fn reference_values(stream: &str) -> Vec<serde_json::Value> {
    let body = stream.replace('\u{feff}', "");
    tkedirect::yaml::split::documents(&body)
        .filter_map(|c| {
            tkedirect::yaml::reference::parse(&body[c.start..c.end], &tkedirect::yaml::Arena::new())
                .unwrap_or_else(|e| panic!("does not parse: {e:?}\n{stream}"))
                .map(|n| n.to_json())
        })
        .collect()
}

/// Issue 12, case 2: several files joined with `---` on stdout, the first ending with a clip block
/// scalar and no final newline. The join must not give the scalar a newline it does not have.
#[test]
fn joining_files_keeps_a_block_scalar_at_the_end_of_a_file() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    std::fs::create_dir(&d).unwrap();
    let a =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  run.sh: |\n    echo hi";
    let b = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: LoadBalancer\n";
    std::fs::write(d.join("a.yaml"), a).unwrap();
    std::fs::write(d.join("b.yaml"), b).unwrap();
    let run = run_in(tmp.path(), &["enable", "-f", "d"], None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let docs = reference_values(&run.stdout);
    assert_eq!(docs.len(), 2, "{}", run.stdout);
    assert_eq!(docs[0]["data"]["run.sh"], "echo hi", "{}", run.stdout);
    assert_eq!(
        docs[1]["metadata"]["annotations"]["service.cloud.tencent.com/direct-access"],
        "true"
    );
    // The first file's text is kept but for its header's chomping indicator.
    assert!(
        run.stdout
            .starts_with(&a.replace("run.sh: |", "run.sh: |-"))
    );

    // Every block scalar header, at the end of a file without a newline, with and without trailing
    // spaces and CRLF, joined with an edited file and with an untouched one.
    for header in [
        "|", "|-", "|+", ">", ">-", ">+", "|2", "|+2", ">2-", "| # c",
    ] {
        for tail in ["", "\n  ", "\n\n      more", "\n        "] {
            for crlf in [false, true] {
                let first = format!("kind: ConfigMap\ndata:\n  s: {header}\n    echo hi{tail}");
                let first = if crlf {
                    first.replace('\n', "\r\n")
                } else {
                    first
                };
                for second in [b, "kind: ConfigMap\ndata: {}\n"] {
                    std::fs::write(d.join("a.yaml"), &first).unwrap();
                    std::fs::write(d.join("b.yaml"), second).unwrap();
                    let run = run_in(tmp.path(), &["enable", "-f", "d"], None);
                    assert_eq!(run.code, 0, "{}", run.stderr);
                    let want = reference_values(&first);
                    let got = reference_values(&run.stdout);
                    assert_eq!(got[0], want[0], "{first:?} became\n{}", run.stdout);
                    assert_eq!(got.len(), 2, "{}", run.stdout);
                }
            }
        }
    }
}

/// Issue 12, case 3: an object named by `metadata.generateName` is enabled when no TARGET is given (and
/// `diff` says there are changes), but no TARGET names it.
#[test]
fn generate_name_objects_are_eligible_but_not_targets() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/patch/generate-name");
    let diff = run_in(&dir, &["diff", "-f", "input.yaml"], None);
    assert_eq!(diff.code, 1, "{}", diff.stderr);
    assert!(
        diff.stdout
            .contains("+metadata: {generateName: web-, annotations:")
    );
    let named = run_in(&dir, &["enable", "-f", "input.yaml", "svc/web-"], None);
    assert_eq!(named.code, 2, "{}", named.stderr);
    assert!(
        named.stderr.contains("svc/web-: not found"),
        "{}",
        named.stderr
    );
}
