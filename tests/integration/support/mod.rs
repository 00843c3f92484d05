//! Test support: running the CLI, fake servers on 127.0.0.1.
#![allow(dead_code)]

use assert_cmd::Command;

/// The `tkedirect` binary under test, with a clean environment for the settings it reads.
pub fn tkedirect() -> Command {
    let mut cmd = Command::cargo_bin("tkedirect").expect("binary built");
    for var in [
        "TKEDIRECT_NETWORK_MODE",
        "TKEDIRECT_ENI",
        "TKEDIRECT_CONTAINER",
        "KUBECONFIG",
        "NO_COLOR",
        "TENCENTCLOUD_SECRET_ID",
        "TENCENTCLOUD_SECRET_KEY",
        "TENCENTCLOUD_REGION",
        "TENCENTCLOUD_TOKEN",
        "TENCENTCLOUD_SECURITY_TOKEN",
        "TENCENTCLOUD_SESSION_TOKEN",
        "TENCENTCLOUD_CREDENTIALS_FILE",
        "TKEDIRECT_CLB_ENDPOINT",
        "TKEDIRECT_CREDENTIALS_SOURCE",
        "TCCLI_PROFILE",
        "TKE_REGION",
        "TKE_PROVIDER_ID",
        "TKE_WEB_IDENTITY_TOKEN_FILE",
        "TKE_ROLE_ARN",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
        "ALL_PROXY",
        "all_proxy",
        "SSL_CERT_FILE",
    ] {
        cmd.env_remove(var);
    }
    // The credential chain ends with the CVM metadata service: keep it (and STS) on a closed loopback
    // port unless a test starts fakes of them, so that no test ever asks the real ones.
    cmd.env("TKEDIRECT_TEST_METADATA_ENDPOINT", CLOSED_PORT)
        .env("TKEDIRECT_TEST_STS_ENDPOINT", CLOSED_PORT);
    cmd
}

/// The fuzzers' seed: `TKEDIRECT_FUZZ_SEED` (`.ci/run` sets a fixed one, and it replays a run), else a new
/// one from the clock. Printed, prefixed with `what`, so that any run can be replayed.
pub fn fuzz_seed(what: &str) -> u64 {
    let seed = std::env::var("TKEDIRECT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    eprintln!("{what}: TKEDIRECT_FUZZ_SEED={seed}");
    seed
}

/// A finished command's standard output, as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A finished command's standard error, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A loopback address nothing listens on (the discard port).
pub const CLOSED_PORT: &str = "http://127.0.0.1:9";
pub mod fake_clb;
pub mod fake_identity;
pub mod fake_kube;
pub mod proxy;
pub mod serve;

/// Run `tkedirect ARGS` on a pseudo-terminal `cols` columns wide (`script` from util-linux, `stty` setting
/// the size) and return what the terminal showed, or None when `script` is not installed.
pub fn on_a_sized_terminal(args: &[&str], cols: u16) -> Option<String> {
    use std::process::{Command, Stdio};
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("script(1) not found: terminal checks skipped");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("tkedirect");
    let line = std::iter::once(format!("stty cols {cols} rows 50; '{}'", bin.display()))
        .chain(args.iter().map(|a| format!("'{a}'")))
        .collect::<Vec<_>>()
        .join(" ");
    let out = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
pub mod live;
