//! Generated files — shell completions, man pages, docs/cli.md, docs/exit-codes.md — are regenerated in
//! memory from the code and must equal the committed ones. To regenerate after changing the CLI or the exit
//! codes:
//!
//!     TKEDIRECT_REGENERATE=1 cargo test --test integration generated

use std::collections::BTreeSet;
use std::path::Path;

use tkedirect::cli::generate;

use crate::support::tkedirect;

const HOW: &str =
    "run `TKEDIRECT_REGENERATE=1 cargo test --test integration generated` and commit the result";

/// Directories that hold only generated files: anything else in them is stale.
const GENERATED_DIRS: [&str; 2] = ["completions", "docs/man"];

#[test]
fn generated_files_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let regenerate = std::env::var_os("TKEDIRECT_REGENERATE").is_some_and(|v| v != "0");
    let files = generate::all();
    let mut stale = Vec::new();
    for (path, contents) in &files {
        let full = root.join(path);
        if std::fs::read(&full).ok().as_deref() != Some(contents.as_bytes()) {
            if regenerate {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, contents).unwrap();
                eprintln!("regenerated {path}");
            } else {
                stale.push(path.clone());
            }
        }
    }
    let expected: BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    for dir in GENERATED_DIRS {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        for entry in entries {
            let name = format!("{dir}/{}", entry.unwrap().file_name().to_string_lossy());
            if !expected.contains(name.as_str()) {
                if regenerate {
                    std::fs::remove_file(root.join(&name)).unwrap();
                    eprintln!("removed {name}");
                } else {
                    stale.push(format!("{name} (no longer generated)"));
                }
            }
        }
    }
    assert!(stale.is_empty(), "stale generated files: {stale:#?}\n{HOW}");
}

#[test]
fn completions_subcommand_prints_the_committed_scripts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, name) in [
        ("bash", "tkedirect.bash"),
        ("zsh", "_tkedirect"),
        ("fish", "tkedirect.fish"),
        ("powershell", "_tkedirect.ps1"),
        ("elvish", "tkedirect.elv"),
    ] {
        let out = tkedirect().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(out.stderr.is_empty(), "{shell}: stderr is the conversation");
        let committed = std::fs::read(root.join("completions").join(name)).unwrap();
        assert_eq!(out.stdout, committed, "completions/{name} is stale: {HOW}");
    }
    tkedirect()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'tcsh'"));
}

/// The help in docs/cli.md is what the binary really prints.
#[test]
fn cli_md_is_the_binary_help() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let md = std::fs::read_to_string(root.join("docs/cli.md")).unwrap();
    let mut subcommands: Vec<Vec<String>> = vec![vec![]];
    let cmd = tkedirect::cli::invocation::command("tkedirect");
    for sub in cmd.get_subcommands() {
        subcommands.push(vec![sub.get_name().to_string()]);
    }
    for args in subcommands {
        let out = tkedirect()
            .env("COLUMNS", generate::HELP_WIDTH.to_string())
            .args(&args)
            .arg("--help")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let help = String::from_utf8(out.stdout).unwrap();
        let title = std::iter::once("tkedirect".to_string())
            .chain(args.iter().cloned())
            .collect::<Vec<_>>()
            .join(" ");
        let section = format!("$ {title} --help\n{}\n```", help.trim_end());
        assert!(
            md.contains(&section),
            "docs/cli.md lacks the help of `{title}` as printed:\n{help}\n{HOW}"
        );
    }
}

/// The bash script really completes: subcommands, then flags of a subcommand, then values.
#[test]
fn bash_completion_completes() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("bash not found: skipped");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/tkedirect.bash");
    // Call the completion function the way bash does: COMP_WORDS, then (command, current, previous word).
    let complete = |words: &str| -> String {
        let cmd = format!(
            "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
             _tkedirect tkedirect \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &cmd])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let subs = complete("tkedirect ''");
    for s in ["enable", "disable", "diff", "completions"] {
        assert!(subs.lines().any(|l| l == s), "{s} not offered: {subs}");
    }
    let flags = complete("tkedirect enable --netw");
    assert_eq!(flags.trim(), "--network-mode");
    let values = complete("tkedirect enable --network-mode ''");
    let values: BTreeSet<&str> = values.lines().collect();
    assert_eq!(
        values,
        BTreeSet::from([
            "cilium-overlay",
            "global-router",
            "mixed",
            "super-node",
            "vpc-cni"
        ])
    );
}

/// docs/README.md links every page in docs/, and every link in it resolves.
#[test]
fn docs_index_lists_every_page() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let index = std::fs::read_to_string(docs.join("README.md")).unwrap();
    for entry in std::fs::read_dir(&docs).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "README.md" {
            assert!(
                index.contains(&format!("]({name})")),
                "docs/README.md does not link {name}"
            );
        }
    }
    for link in index.split("](").skip(1) {
        let target = &link[..link.find(')').unwrap()];
        assert!(
            docs.join(target).exists(),
            "docs/README.md links {target}, which does not exist"
        );
    }
}
