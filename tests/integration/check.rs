//! `tkedirect check` (live and offline) and `tkedirect explain`.

use serde_json::Value;

use crate::support::fake_kube::FakeKube;
use crate::support::tkedirect;

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn live_check_reads_only_the_prerequisites() {
    let fake = FakeKube::from_fixture("global-router-only");
    let o = tkedirect()
        .args(["check", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("check-global-router-only", out(&o));
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("services") || p.contains("ingresses")),
        "{paths:?}"
    );
}

#[test]
fn live_check_on_a_healthy_cluster_passes() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    let o = tkedirect()
        .args(["check", "-o", "json", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["command"].as_str(), v["scope"]["objects"].as_bool()),
        (Some("check"), Some(false))
    );
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(v["cluster"]["region"], "ap-guangzhou");
}

fn offline(args: &[&str]) -> (Option<i32>, Value) {
    let o = tkedirect()
        .arg("check")
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    (
        o.status.code(),
        serde_json::from_slice(&o.stdout).unwrap_or(Value::Null),
    )
}

fn ids(v: &Value) -> Vec<&str> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap())
        .collect()
}

#[test]
fn offline_check_needs_no_cluster() {
    let (code, v) = offline(&[
        "--kube-version",
        "v1.20.6-tke.12",
        "--network-mode",
        "global-router",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(v["source"], "offline");
    assert_eq!(ids(&v), ["global-router-direct-access-off"]);
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("GlobalRouteDirectAccess is not set")
    );

    let (code, v) = offline(&[
        "--kube-version",
        "v1.20.6-tke.12",
        "--network-mode",
        "global-router",
        "--global-route-direct-access",
    ]);
    assert_eq!(
        (code, ids(&v)),
        (Some(0), vec!["global-router-direct-access-unverified"])
    );

    let (code, v) = offline(&[
        "--kube-version",
        "v1.12.4-tke.1",
        "--network-mode",
        "vpc-cni",
    ]);
    assert_eq!(
        (code, ids(&v)),
        (Some(0), vec!["cluster-version-gate-beta"])
    );
    let (code, v) = offline(&[
        "--kube-version",
        "1.10.5",
        "--network-mode",
        "cilium-overlay",
    ]);
    assert_eq!(
        (code, ids(&v)),
        (
            Some(1),
            vec!["cluster-version-unsupported", "network-mode-unsupported"]
        )
    );
    let (code, v) = offline(&["--kube-version", "v1.30.0", "--network-mode", "super-node"]);
    assert_eq!((code, ids(&v).len()), (Some(0), 0));
}

#[test]
fn offline_check_rejects_bad_input() {
    let o = tkedirect()
        .args([
            "check",
            "--kube-version",
            "latest",
            "--network-mode",
            "vpc-cni",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid --kube-version `latest`"));
    let o = tkedirect()
        .args(["check", "--kube-version", "v1.20.6"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(2),
        "--kube-version needs --network-mode"
    );
}

#[test]
fn explain_prints_every_checks_docs_page() {
    let list = tkedirect().arg("explain").output().unwrap();
    assert!(list.status.success());
    let ids: Vec<String> = out(&list)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 20, "{ids:?}");
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks");
    for id in &ids {
        let page = std::fs::read_to_string(docs.join(format!("{id}.md"))).unwrap();
        let o = tkedirect().args(["explain", id]).output().unwrap();
        assert!(o.status.success());
        assert_eq!(out(&o), page, "explain {id} prints docs/checks/{id}.md");
    }
    let o = tkedirect()
        .args(["explain", "tkedirect/pod-not-on-eni"])
        .output()
        .unwrap();
    assert!(o.status.success(), "SARIF rule ids are accepted too");
    let o = tkedirect()
        .args(["explain", "no-such-check"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

/// `--context` naming no context of the kubeconfig: exit 2, the contexts there are listed, and nothing is
/// sent to any server.
#[test]
fn an_unknown_context_lists_the_ones_there() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    let o = tkedirect()
        .args(["check", "--context", "prod-sh", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("context `prod-sh` not found in ") && err.contains("; its contexts: "),
        "{err}"
    );
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
    // The same through KUBECONFIG.
    let o = tkedirect()
        .args(["check", "--context", "prod-sh"])
        .env("KUBECONFIG", fake.kubeconfig())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("context `prod-sh` not found in "), "{err}");
}
