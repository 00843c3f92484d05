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
    ] {
        cmd.env_remove(var);
    }
    cmd
}
pub mod fake_clb;
pub mod fake_kube;
pub mod live;
