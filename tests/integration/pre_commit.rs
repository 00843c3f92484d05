//! `.pre-commit-hooks.yaml`, run by the real pre-commit (PyPI; .ci/run installs it) in a temporary git
//! repository, the way a user's repository consumes it: a `.pre-commit-config.yaml` naming the hooks'
//! repository and a revision. The hooks' repository is a fresh git repository holding this checkout's
//! `.pre-commit-hooks.yaml` byte for byte (with `language: system` nothing else is needed), so what is tested
//! is what is shipped, committed or not. Skips with a message when pre-commit is not installed, except on CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn run(dir: &Path, program: &str, args: &[&str], path: &str) -> Output {
    Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env(
            "PRE_COMMIT_HOME",
            dir.parent().unwrap().join("pre-commit-cache"),
        )
        // No system or user git configuration (signing, hooksPath, templates) leaks in.
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", dir.parent().unwrap().join("gitconfig"))
        .env_remove("KUBECONFIG")
        .env_remove("NO_COLOR")
        .output()
        .unwrap_or_else(|e| panic!("{program} {args:?}: {e}"))
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// How to start pre-commit here: `pre-commit`, or `python3 -m pre_commit`; None (with a message) when it
/// is not installed and this is not CI.
fn pre_commit() -> Option<Vec<String>> {
    for cmd in [vec!["pre-commit"], vec!["python3", "-m", "pre_commit"]] {
        let ok = Command::new(cmd[0])
            .args(&cmd[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if ok {
            return Some(cmd.into_iter().map(str::to_string).collect());
        }
    }
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "pre-commit is not installed: .ci/run installs it (python3 -m pip install pre-commit)"
    );
    eprintln!(
        "SKIPPED pre-commit hooks test: pre-commit is not installed (python3 -m pip install pre-commit)"
    );
    None
}

fn git(dir: &Path, args: &[&str], path: &str) {
    let o = run(dir, "git", args, path);
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

/// A git repository at `dir` with one commit of `files`; returns the commit.
fn repository(dir: &Path, files: &[(&str, &str)], path: &str) -> String {
    std::fs::create_dir_all(dir).unwrap();
    git(dir, &["init", "-q", "-b", "main"], path);
    git(dir, &["config", "user.email", "ci@example.com"], path);
    git(dir, &["config", "user.name", "CI"], path);
    git(dir, &["config", "commit.gpgsign", "false"], path);
    for (name, content) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    git(dir, &["add", "-A"], path);
    git(dir, &["commit", "-q", "-m", "initial"], path);
    let o = run(dir, "git", &["rev-parse", "HEAD"], path);
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

const APP: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
    service.cloud.tencent.com/direct-access: \"true\"
spec:
  type: LoadBalancer
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: ghcr.io/example/web:2.4.1
";

#[test]
fn hooks_run_by_the_real_pre_commit() {
    let Some(pre_commit) = pre_commit() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("gitconfig"), "").unwrap();
    // tkedirect (the binary under test) first on PATH: `language: system` runs what PATH finds.
    let bin: PathBuf = assert_cmd::cargo::cargo_bin("tkedirect")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap()
    .into_string()
    .unwrap();

    let hooks_file =
        std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml")).unwrap();
    let rev = repository(
        &tmp.path().join("hooks"),
        &[(".pre-commit-hooks.yaml", &hooks_file)],
        &path,
    );
    let config = format!(
        "repos:
- repo: {}
  rev: {rev}
  hooks:
  - id: tkedirect-diff
    args: [-f, k8s/, -R, --network-mode, mixed]
    files: ^k8s/
  - id: tkedirect-doctor
    args: [-f, k8s/, -R, --kube-version, v1.28.3-tke.1, --network-mode, mixed]
    files: ^k8s/
",
        tmp.path().join("hooks").display()
    );
    let app = tmp.path().join("app");
    repository(
        &app,
        &[
            (".pre-commit-config.yaml", &config),
            ("k8s/web.yaml", APP),
            ("README.md", "# app\n"),
        ],
        &path,
    );
    let pc = |args: &[&str]| {
        let full: Vec<&str> = pre_commit[1..]
            .iter()
            .map(String::as_str)
            .chain(args.iter().copied())
            .collect();
        run(&app, &pre_commit[0], &full, &path)
    };

    // The Deployment behind the direct Service lacks the ENI opt-in: diff shows the change, doctor names it
    // at its file and line; both fail.
    let o = pc(&["run", "--all-files"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("tkedirect diff (direct access enabled in the manifests)")
            && out.contains("tkedirect doctor -f (manifests against a cluster profile)"),
        "{out}"
    );
    assert_eq!(out.matches("Failed").count(), 2, "{out}");
    assert!(
        out.contains("+        tke.cloud.tencent.com/networks: tke-route-eni"),
        "{out}"
    );
    assert!(
        out.contains("k8s/web.yaml:25:5") && out.contains("workload-eni-opt-in-missing"),
        "{out}"
    );

    // Only a README staged: the hooks do not run.
    std::fs::write(app.join("README.md"), "# app\n\nmore\n").unwrap();
    git(&app, &["add", "README.md"], &path);
    let o = pc(&["run"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(
        out.matches("(no files to check)Skipped").count(),
        2,
        "{out}"
    );

    // Enabled as `enable` writes it: both pass, on a commit through the installed git hook too.
    let enabled = run(
        &app,
        "tkedirect",
        &[
            "enable",
            "-f",
            "k8s/",
            "-R",
            "--network-mode",
            "mixed",
            "--write",
        ],
        &path,
    );
    assert!(enabled.status.success(), "{}", text(&enabled));
    git(&app, &["add", "-A"], &path);
    let o = pc(&["run"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(out.matches("Passed").count(), 2, "{out}");
    let o = pc(&["install"]);
    assert!(o.status.success(), "{}", text(&o));
    git(&app, &["commit", "-q", "-m", "direct access"], &path);

    // A profile is required: the doctor hook never reads a cluster.
    let config = config.replace(
        "[-f, k8s/, -R, --kube-version, v1.28.3-tke.1, --network-mode, mixed]",
        "[-f, k8s/, -R]",
    );
    std::fs::write(app.join(".pre-commit-config.yaml"), config).unwrap();
    let o = pc(&["run", "--all-files", "tkedirect-doctor"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("error: no cluster profile"), "{out}");
}
