//! The kubectl plugin: `kubectl-tkedirect` (a second binary, or any copy or symlink of `tkedirect` by that
//! name) is the same program, and its usage and help say `kubectl tkedirect`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::fake_kube::FakeKube;

fn bin(name: &str) -> PathBuf {
    assert_cmd::cargo::cargo_bin(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A directory holding only `kubectl-tkedirect`, to put first on PATH.
fn plugin_dir(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("kubectl-tkedirect");
    #[cfg(unix)]
    std::os::unix::fs::symlink(from, &to).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(from, &to).unwrap();
    dir
}

fn path_with(dir: &Path) -> std::ffi::OsString {
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

#[test]
fn plugin_binary_usage_says_kubectl_tkedirect() {
    let out = Command::new(bin("kubectl-tkedirect"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("Usage: kubectl tkedirect [OPTIONS] <COMMAND>"),
        "{}",
        text(&out.stdout)
    );
    let out = Command::new(bin("kubectl-tkedirect"))
        .args(["doctor", "--help"])
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("Usage: kubectl tkedirect doctor [OPTIONS]"));
    // Usage errors too, on stderr with exit 2.
    let out = Command::new(bin("kubectl-tkedirect"))
        .args(["enable", "--bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("Usage: kubectl tkedirect enable"),
        "{}",
        text(&out.stderr)
    );
    // The plain binary keeps its own name.
    let out = Command::new(bin("tkedirect"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(text(&out.stdout).contains("Usage: tkedirect [OPTIONS] <COMMAND>"));
}

#[cfg(unix)]
#[test]
fn a_symlink_named_kubectl_tkedirect_is_the_plugin() {
    let dir = plugin_dir(&bin("tkedirect"));
    let out = Command::new(dir.path().join("kubectl-tkedirect"))
        .args(["diff", "--help"])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("Usage: kubectl tkedirect diff"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn kubectl_runs_the_plugin() {
    if !kubectl_available() {
        eprintln!("kubectl not found: skipped");
        return;
    }
    let dir = plugin_dir(&bin("kubectl-tkedirect"));
    let path = path_with(dir.path());
    let list = Command::new("kubectl")
        .args(["plugin", "list"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        text(&list.stdout).contains("kubectl-tkedirect"),
        "kubectl plugin list: {}{}",
        text(&list.stdout),
        text(&list.stderr)
    );

    let help = Command::new("kubectl")
        .args(["tkedirect", "doctor", "--help"])
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("Usage: kubectl tkedirect doctor"));

    // `kubectl tkedirect doctor` against the fake API server: same report and exit code as tkedirect's.
    let fake = FakeKube::from_fixture("global-router-only");
    let run = |program: &Path| {
        let mut cmd = Command::new(program);
        if program == Path::new("kubectl") {
            cmd.arg("tkedirect");
        }
        cmd.args(["doctor", "-A", "-o", "json", "--kubeconfig"])
            .arg(fake.kubeconfig())
            .env("PATH", &path)
            .env_remove("KUBECONFIG")
            .output()
            .unwrap()
    };
    let via_kubectl = run(Path::new("kubectl"));
    let direct = run(&bin("tkedirect"));
    assert_eq!(
        via_kubectl.status.code(),
        Some(1),
        "{}",
        text(&via_kubectl.stderr)
    );
    assert_eq!(via_kubectl.status.code(), direct.status.code());
    let a: serde_json::Value = serde_json::from_slice(&via_kubectl.stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&direct.stdout).unwrap();
    assert_eq!(a["findings"], b["findings"]);
    assert_eq!(a["cluster"], b["cluster"]);
}

/// docs/kubectl-plugin.md's krew manifest names the binary Cargo builds.
#[test]
fn krew_manifest_example_names_the_plugin_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/kubectl-plugin.md")).unwrap();
    let start = doc.find("```yaml\n").expect("a yaml block") + 8;
    let end = start + doc[start..].find("```").unwrap();
    let manifest = &doc[start..end];
    let root_node = tkedirect::yaml::parse(manifest).unwrap().unwrap();
    assert_eq!(root_node.get_str("kind"), Some("Plugin"));
    assert_eq!(
        root_node
            .path(&["metadata", "name"])
            .and_then(|n| n.as_str()),
        Some("tkedirect")
    );
    let platforms = root_node.path(&["spec", "platforms"]).unwrap();
    for p in platforms.items().unwrap() {
        let bin = p.get_str("bin").unwrap();
        assert!(
            bin.trim_end_matches(".exe") == "kubectl-tkedirect",
            "krew bin {bin}"
        );
    }
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("name = \"kubectl-tkedirect\""));
}
