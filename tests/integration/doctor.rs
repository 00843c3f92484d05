//! `tkedirect doctor` against the fake API server loaded with fixture clusters: verdicts, output formats,
//! exit codes, facts dump and replay, RBAC, faults.

use std::process::Output;

use serde_json::Value;

use crate::support::fake_kube::{FakeKube, Fault};
use crate::support::tkedirect;

fn doctor(fake: &FakeKube, args: &[&str]) -> Output {
    tkedirect()
        .arg("doctor")
        .arg("--kubeconfig")
        .arg(fake.kubeconfig())
        .args(args)
        .output()
        .expect("run tkedirect")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run doctor -A on a fixture cluster in table and JSON form, snapshot both, return (exit code, JSON).
fn fixture(name: &str) -> (i32, Value) {
    let fake = FakeKube::from_fixture(name);
    let table = doctor(&fake, &["-A"]);
    let json = doctor(&fake, &["-A", "-o", "json"]);
    assert_eq!(
        table.status.code(),
        json.status.code(),
        "exit code must not depend on the format"
    );
    assert!(
        matches!(table.status.code(), Some(0 | 1)),
        "{name}: {}",
        stderr(&table)
    );
    insta::assert_snapshot!(format!("{name}-table"), stdout(&table));
    insta::assert_snapshot!(format!("{name}-json"), stdout(&json));
    (
        table.status.code().unwrap(),
        serde_json::from_slice(&json.stdout).expect("JSON output"),
    )
}

fn checks(v: &Value) -> Vec<String> {
    let mut ids: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn vpc_cni_healthy() {
    let (code, v) = fixture("vpc-cni-healthy");
    assert_eq!(code, 0);
    assert_eq!(v["cluster"]["networkMode"], "vpc-cni");
    assert_eq!(v["cluster"]["defaultEni"], "shared");
    assert!(checks(&v).is_empty(), "{:?}", checks(&v));
}

#[test]
fn global_router_only() {
    let (code, v) = fixture("global-router-only");
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "global-router");
    assert_eq!(checks(&v), ["global-router-direct-access-off"]);
}

#[test]
fn global_router_with_the_direct_switch() {
    let (code, v) = fixture("global-router-direct");
    assert_eq!(
        code, 0,
        "a warning does not fail at the default --fail-on error"
    );
    assert_eq!(v["cluster"]["globalRouteDirectAccess"], true);
    assert_eq!(checks(&v), ["global-router-direct-access-unverified"]);
}

#[test]
fn mixed_without_eni_opt_in() {
    let (code, v) = fixture("mixed-no-opt-in");
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "mixed");
    assert_eq!(
        checks(&v),
        [
            "pod-not-on-eni",
            "pod-readiness-gate-false",
            "workload-eni-opt-in-missing"
        ]
    );
}

#[test]
fn mixed_with_eni_opt_in() {
    let (code, v) = fixture("mixed-opt-in");
    assert_eq!(code, 0);
    assert_eq!(v["cluster"]["networkMode"], "mixed");
    assert!(checks(&v).is_empty(), "{:?}", checks(&v));
}

#[test]
fn eni_exhaustion() {
    let (code, v) = fixture("eni-exhaustion");
    assert_eq!(code, 1);
    assert_eq!(
        checks(&v),
        ["node-eni-ip-unavailable", "pod-eni-ip-insufficient"]
    );
    assert_eq!(v["cluster"]["eniIp"]["headroom"], 0);
    assert_eq!(
        v["cluster"]["nodesEniIpUnavailable"],
        serde_json::json!(["10.0.0.13"])
    );
}

#[test]
fn readiness_gate_missing() {
    let (code, v) = fixture("gate-missing");
    assert_eq!(code, 0);
    assert_eq!(
        checks(&v),
        [
            "pod-readiness-gate-missing",
            "service-external-traffic-policy-local",
            "service-session-affinity-client-ip"
        ]
    );
}

#[test]
fn readiness_gate_stuck() {
    let (code, v) = fixture("gate-stuck");
    assert_eq!(code, 0);
    assert_eq!(
        checks(&v),
        [
            "pod-host-network",
            "pod-readiness-gate-false",
            "service-clb-id-missing"
        ]
    );
}

#[test]
fn cilium_overlay() {
    let (code, v) = fixture("cilium-overlay");
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "cilium-overlay");
    assert_eq!(checks(&v), ["network-mode-unsupported"]);
}

#[test]
fn super_node_pods_are_direct_natively() {
    let (code, v) = fixture("super-node");
    assert_eq!(code, 0);
    assert_eq!(v["cluster"]["superNodes"], 1);
    assert!(checks(&v).is_empty(), "{:?}", checks(&v));
}

#[test]
fn kubernetes_1_10() {
    let (code, v) = fixture("cluster-1-10");
    assert_eq!(code, 1);
    assert_eq!(
        checks(&v),
        [
            "cluster-version-unsupported",
            "global-router-direct-access-off",
            "ingress-api-deprecated"
        ]
    );
}

#[test]
fn invalid_ingress_value_and_suppression() {
    let (code, v) = fixture("ingress-invalid");
    assert_eq!(code, 1);
    assert_eq!(
        checks(&v),
        [
            "direct-access-value-invalid",
            "service-direct-access-ineffective",
            "service-direct-access-off"
        ]
    );
    let suppressed = v["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["object"]["name"], "metrics");
    assert_eq!(
        suppressed[0]["reason"],
        "scraped by a NodePort-only monitoring system"
    );
}
