//! Output conventions, for every kind of subcommand: stdout carries the product (manifests, diff, report,
//! script), stderr the conversation; `--color auto|always|never` and NO_COLOR; `-v`/`-q`; a closed stdout
//! (`| head`) is a quiet exit 0; progress indicators only on a terminal.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support::fake_kube::{FakeKube, Fault};
use crate::support::tkedirect;

const SERVICE: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n";

const ESC: &str = "\x1b[";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn manifest_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("svc.yaml");
    std::fs::write(&file, SERVICE).unwrap();
    (dir, file)
}

/// A big stream: `n` Services.
fn big_stream(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "# service {i}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-{i}\nspec:\n  type: LoadBalancer\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n")
}

fn facts_file() -> PathBuf {
    // A facts file as `doctor --dump-facts` writes it, from a fixture cluster.
    let fake = FakeKube::from_fixture("global-router-only");
    let dir = tempfile::tempdir().unwrap().keep();
    let path = dir.join("facts.json");
    tkedirect()
        .args(["doctor", "-A", "-q", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .arg("--dump-facts")
        .arg(&path)
        .assert()
        .code(1);
    path
}

#[test]
fn stdout_is_the_product_stderr_the_conversation() {
    let (_dir, file) = manifest_dir();
    // enable: stdout is exactly the patched manifest, the summary is on stderr.
    let out = tkedirect()
        .args(["enable", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("apiVersion: v1\n"), "{stdout}");
    assert!(tkedirect::yaml::parse(&stdout).unwrap().is_some());
    assert!(!stdout.contains("object"), "no conversation on stdout");
    assert!(text(&out.stderr).contains("1 object to enable in 1 file"));

    // diff: a unified diff and nothing else.
    let out = tkedirect()
        .args(["diff", "-f"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("--- "), "{stdout}");
    assert!(
        stdout.lines().all(|l| l.starts_with([' ', '+', '-', '@'])),
        "{stdout}"
    );

    // doctor -o json: stdout parses as JSON whole; the tally is on stderr.
    let facts = facts_file();
    let out = tkedirect()
        .args(["doctor", "-o", "json", "--facts"])
        .arg(&facts)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON only");
    assert_eq!(v["version"], 1);
    assert!(!out.stderr.is_empty());

    // explain and completions: product only.
    let out = tkedirect().arg("explain").output().unwrap();
    assert!(!out.stdout.is_empty() && out.stderr.is_empty());

    // An error: nothing on stdout, the story on stderr.
    let out = tkedirect()
        .args(["enable", "-f", "/nonexistent/x.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(text(&out.stderr).starts_with("error: "));
}

#[test]
fn quiet_and_verbose() {
    let (dir, file) = manifest_dir();
    std::fs::write(
        dir.path().join("other.yaml"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: internal\n",
    )
    .unwrap();
    let run = |flag: Option<&str>| {
        let mut cmd = tkedirect();
        cmd.args(["enable", "-f"]).arg(dir.path());
        if let Some(f) = flag {
            cmd.arg(f);
        }
        cmd.output().unwrap()
    };
    let normal = run(None);
    let quiet = run(Some("-q"));
    let verbose = run(Some("-v"));
    // The product does not depend on the verbosity.
    assert_eq!(normal.stdout, quiet.stdout);
    assert_eq!(normal.stdout, verbose.stdout);
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
    let (n, v) = (text(&normal.stderr), text(&verbose.stderr));
    assert!(n.contains("1 skipped (-v for reasons)"), "{n}");
    assert!(v.contains("svc/internal: skipped: type ClusterIP"), "{v}");
    assert!(v.lines().count() > n.lines().count());
    // -q still shows errors.
    let out = tkedirect()
        .args(["enable", "-q", "-f", "/nonexistent.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("error: "));
    // -q and -v together are a usage error.
    tkedirect()
        .args(["enable", "-q", "-v", "-f"])
        .arg(&file)
        .assert()
        .code(2);
}

#[test]
fn color_flag_and_no_color() {
    let (_dir, file) = manifest_dir();
    let diff = |color: Option<&str>, no_color: bool| {
        let mut cmd = tkedirect();
        cmd.args(["diff", "-f"]).arg(&file);
        if let Some(c) = color {
            cmd.args(["--color", c]);
        }
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        cmd.output().unwrap()
    };
    // Not a terminal: auto means no color.
    assert!(!text(&diff(None, false).stdout).contains(ESC));
    assert!(!text(&diff(Some("never"), false).stdout).contains(ESC));
    let always = text(&diff(Some("always"), false).stdout);
    assert!(always.contains("\x1b[32m+"), "{always:?}");
    // An explicit --color always wins over NO_COLOR (the user asked twice, the flag is more specific).
    assert!(text(&diff(Some("always"), true).stdout).contains(ESC));
    // Errors on stderr follow the same flag.
    let out = tkedirect()
        .args(["enable", "--color", "always", "-f", "/nonexistent.yaml"])
        .output()
        .unwrap();
    assert!(text(&out.stderr).starts_with("\x1b[1;31merror\x1b[0m: "));
    let out = tkedirect()
        .args(["enable", "-f", "/nonexistent.yaml"])
        .output()
        .unwrap();
    assert!(!text(&out.stderr).contains(ESC));
    // doctor's table.
    let facts = facts_file();
    let table = |c: &str| {
        tkedirect()
            .args(["doctor", "--color", c, "--facts"])
            .arg(&facts)
            .output()
            .unwrap()
    };
    assert!(text(&table("always").stdout).contains(ESC));
    assert!(!text(&table("never").stdout).contains(ESC));
    // A bad value is a usage error.
    tkedirect()
        .args(["diff", "--color", "sometimes", "-f"])
        .arg(&file)
        .assert()
        .code(2);
}

/// `script` runs a command on a pseudo-terminal (util-linux); its output is what the terminal showed.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> Option<String> {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("script(1) not found: terminal checks skipped");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("tkedirect");
    let line = std::iter::once(bin.display().to_string())
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Some(text(&out.stdout))
}

#[test]
fn colors_on_a_terminal_unless_no_color() {
    let (_dir, file) = manifest_dir();
    let f = file.to_str().unwrap();
    let Some(tty) = on_a_terminal(&["diff", "-f", f], &[]) else {
        return;
    };
    assert!(tty.contains("\x1b[32m+"), "{tty:?}");
    let no_color = on_a_terminal(&["diff", "-f", f], &[("NO_COLOR", "1")]).unwrap();
    assert!(!no_color.contains(ESC), "{no_color:?}");
    assert!(no_color.contains("+  annotations:"));
    let dumb = on_a_terminal(&["diff", "-f", f], &[("TERM", "dumb")]).unwrap();
    assert!(!dumb.contains(ESC), "{dumb:?}");
    let never = on_a_terminal(&["diff", "--color", "never", "-f", f], &[]).unwrap();
    assert!(!never.contains(ESC));
}

#[test]
fn progress_only_on_a_terminal() {
    let fake = FakeKube::from_fixture("global-router-only");
    // Slow down one list so that reading takes a while.
    fake.fault(Fault {
        path_contains: "/pods".into(),
        status: 0,
        times: 100,
        delay_ms: 400,
        ..Default::default()
    });
    let kubeconfig = fake.kubeconfig();
    let k = kubeconfig.to_str().unwrap();
    let out = tkedirect()
        .args(["doctor", "-A", "--kubeconfig", k])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("reading cluster"), "{stderr}");
    assert!(!stderr.contains('\r'));
    let Some(tty) = on_a_terminal(&["doctor", "-A", "--kubeconfig", k], &[]) else {
        return;
    };
    assert!(tty.contains("reading cluster: "), "{tty:?}");
    // The indicator erases itself before the report.
    assert!(tty.contains("\r\x1b[K"));
    let quiet = on_a_terminal(&["doctor", "-A", "-q", "--kubeconfig", k], &[]).unwrap();
    assert!(!quiet.contains("reading cluster"), "{quiet:?}");
}

/// Spawn with stdout on a pipe, read `keep` bytes, close the pipe, and return (exit code, stderr).
fn read_then_close(cmd: &mut Command, keep: usize) -> (Option<i32>, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut buf = vec![0; keep];
    stdout.read_exact(&mut buf).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn a_closed_stdout_is_a_quiet_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.yaml");
    // Far more than a pipe buffer (64 KiB), so tkedirect is still writing when the reader goes away.
    std::fs::write(&big, big_stream(5_000)).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("tkedirect");
    for args in [
        vec!["enable", "-f"],
        vec!["disable", "-f"],
        vec!["enable", "--diff", "-f"],
        vec!["diff", "--color", "always", "-f"],
    ] {
        let (code, stderr) = read_then_close(Command::new(&bin).args(&args).arg(&big), 10);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    // The same through a shell pipeline with pipefail, as users write it.
    let script = format!(
        "set -o pipefail; '{}' enable -f '{}' | head -1",
        bin.display(),
        big.display()
    );
    let out = Command::new("bash").args(["-c", &script]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "# service 0\n");
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("error"), "{stderr}");
    assert!(stderr.contains("5000 objects to enable"), "{stderr}");

    // Long help and completion scripts too.
    for args in [
        vec!["completions", "zsh"],
        vec!["enable", "--help"],
        vec!["explain", "pod-not-on-eni"],
    ] {
        let (code, stderr) = read_then_close(Command::new(&bin).args(&args), 1);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A stdout that fails for another reason (a full disk) is an error, not a silent success.
#[cfg(target_os = "linux")]
#[test]
fn a_failing_stdout_is_an_error() {
    let (_dir, file) = manifest_dir();
    let full = std::fs::File::create("/dev/full").unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("tkedirect"))
        .args(["enable", "-f"])
        .arg(&file)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The library never prints the product with `print!`/`println!` (which panic on a closed stdout): the
/// lint is denied in src/lib.rs, and this keeps it there.
#[test]
fn print_macros_are_denied() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![deny(clippy::print_stdout)]"));
}
