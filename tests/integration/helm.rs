//! Helm: `helm template … | tkedirect enable -f -` and the post-renderer `tkedirect-render`, which reads a
//! rendered stream (with Helm's `# Source:` comments) on stdin and takes its settings from the environment,
//! because older Helm passes a post-renderer no arguments.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::support::tkedirect;

fn rendered() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/web-chart.yaml"),
    )
    .unwrap()
}

/// `tkedirect-render` with the same clean environment as `tkedirect()`.
fn render() -> Command {
    let mut cmd = Command::cargo_bin("tkedirect-render").unwrap();
    for var in [
        "TKEDIRECT_NETWORK_MODE",
        "TKEDIRECT_ENI",
        "TKEDIRECT_CONTAINER",
        "TKEDIRECT_TARGETS",
        "TKEDIRECT_NAMESPACE",
        "NO_COLOR",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Lines of `new` that are not in `old`, and lines of `old` missing from `new` (a line-multiset diff).
fn line_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let diff = similar::TextDiff::from_lines(old, new);
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for change in diff.iter_all_changes() {
        match change.tag() {
            similar::ChangeTag::Insert => added.push(change.value().trim_end().to_string()),
            similar::ChangeTag::Delete => removed.push(change.value().trim_end().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (added, removed)
}

#[test]
fn post_renderer_without_arguments_reads_the_environment() {
    let input = rendered();
    let out = render()
        .env("TKEDIRECT_NETWORK_MODE", "mixed")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let output = stdout(&out);
    let (added, removed) = line_changes(&input, &output);
    assert_eq!(
        added,
        [
            "  annotations:",
            "    service.cloud.tencent.com/direct-access: \"true\"",
            "      annotations:",
            "        tke.cloud.tencent.com/networks: tke-route-eni",
            "            {requests: {tke.cloud.tencent.com/eni-ip: \"1\"}, limits: {tke.cloud.tencent.com/eni-ip: \"1\"}}",
            "    ingress.cloud.tencent.com/direct-access: \"true\"",
        ]
    );
    assert_eq!(removed, ["            {}"]);
    // Every `# Source:` header and separator survives, in order.
    let headers = |t: &str| {
        t.lines()
            .filter(|l| l.starts_with("# Source:") || *l == "---")
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(headers(&output), headers(&input));

    // The same as the pipe form `helm template … | tkedirect enable -f -`.
    let piped = tkedirect()
        .args(["enable", "-f", "-", "--network-mode", "mixed"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0));
    assert_eq!(stdout(&piped), output);

    // Without settings: the default network mode (vpc-cni) changes only the Service and the Ingress.
    let default = render().write_stdin(input.clone()).output().unwrap();
    let (added, _) = line_changes(&input, &stdout(&default));
    assert_eq!(added.len(), 3, "{added:?}");

    // Idempotent: a second pass (Helm upgrade of the same output) changes nothing.
    let again = render()
        .env("TKEDIRECT_NETWORK_MODE", "mixed")
        .write_stdin(output.clone())
        .output()
        .unwrap();
    assert_eq!(stdout(&again), output);
}

#[test]
fn post_renderer_targets_from_the_environment_or_arguments() {
    let input = rendered();
    // Only the Ingress: its backend Service and that Service's Deployment come along in mixed mode.
    let env = render()
        .env("TKEDIRECT_NETWORK_MODE", "mixed")
        .env("TKEDIRECT_TARGETS", "ing/release-web")
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(env.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&env.stderr);
    assert!(stderr.contains("linked"), "{stderr}");
    // Helm 3.10+ passes --post-renderer-args: the same settings as flags.
    let args = render()
        .args(["--network-mode", "mixed", "ing/release-web"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(stdout(&args), stdout(&env));

    // Two targets, comma-separated; only the Service (no workloads in vpc-cni mode).
    let two = render()
        .env(
            "TKEDIRECT_TARGETS",
            "svc/release-web,svc/release-web-metrics",
        )
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(two.status.code(), Some(0));
    let (added, _) = line_changes(&input, &stdout(&two));
    assert_eq!(added.len(), 2, "{added:?}");

    // A target that is not in the chart is an error: Helm stops and shows stderr.
    let missing = render()
        .env("TKEDIRECT_TARGETS", "svc/nope")
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("svc/nope: not found"));
}

#[test]
fn post_renderer_errors_and_edge_cases() {
    // A template Helm did not render (or a broken chart): exit 2, nothing on stdout, position on stderr.
    let out = render()
        .write_stdin("---\n# Source: x/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("<stdin>:6:"), "{stderr}");

    // A chart that renders nothing.
    let out = render().write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());

    // A bad setting in the environment is a usage error naming it.
    let out = render()
        .env("TKEDIRECT_NETWORK_MODE", "overlay")
        .write_stdin(rendered())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid value 'overlay'"));

    // --help works (and goes to stdout) though Helm never asks for it.
    let out = render().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("Usage: tkedirect-render [OPTIONS] [TARGET]..."));
}

/// `tkedirect` installed or symlinked under the name `tkedirect-render` is the post-renderer.
#[cfg(unix)]
#[test]
fn tkedirect_named_tkedirect_render_is_the_post_renderer() {
    let dir = tempfile::tempdir().unwrap();
    let link: PathBuf = dir.path().join("tkedirect-render");
    std::os::unix::fs::symlink(assert_cmd::cargo::cargo_bin("tkedirect"), &link).unwrap();
    let out = Command::new(&link)
        .env_remove("TKEDIRECT_TARGETS")
        .env_remove("TKEDIRECT_NETWORK_MODE")
        .env("TKEDIRECT_ENI", "exclusive")
        .args(["--network-mode", "mixed"])
        .write_stdin(rendered())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let output = stdout(&out);
    assert!(output.contains("tke.cloud.tencent.com/networks: tke-direct-eni"));
    assert!(output.contains("tke.cloud.tencent.com/direct-eni: \"1\""));
}
