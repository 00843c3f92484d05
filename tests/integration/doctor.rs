//! `tkedirect doctor` against the fake API server loaded with fixture clusters: verdicts, output formats,
//! exit codes, facts dump and replay, RBAC, faults.

use std::process::Output;

use serde_json::Value;

use crate::support::fake_kube::{FakeKube, Fault};
use crate::support::{on_a_sized_terminal, tkedirect};
use crate::support::{stderr, stdout};

fn doctor(fake: &FakeKube, args: &[&str]) -> Output {
    tkedirect()
        .arg("doctor")
        .arg("--kubeconfig")
        .arg(fake.kubeconfig())
        .args(args)
        .output()
        .expect("run tkedirect")
}

/// When the fixture clusters were "read": an hour after their objects were created, so nothing in them is
/// a transient state, unless the fixture says otherwise in its `observed-at` file.
const OBSERVED_AT: &str = "2024-03-01T09:00:00Z";

/// A fixture cluster read once through the fake API server (`doctor -A --dump-facts`), with the time it
/// was read pinned: the facts file, the live JSON run, and the pinned time when the fixture sets one.
struct Pinned {
    _dir: tempfile::TempDir,
    facts: std::path::PathBuf,
    live: Output,
    observed: Option<String>,
}

fn pinned(name: &str) -> Pinned {
    let fake = FakeKube::from_fixture(name);
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.json");
    let live = doctor(
        &fake,
        &["-A", "-o", "json", "--dump-facts", facts.to_str().unwrap()],
    );
    assert!(
        matches!(live.status.code(), Some(0 | 1)),
        "{name}: {}",
        stderr(&live)
    );
    let observed =
        std::fs::read_to_string(crate::support::fake_kube::fixture_dir(name).join("observed-at"))
            .map(|s| s.trim().to_string())
            .ok();
    let mut dumped: Value = serde_json::from_slice(&std::fs::read(&facts).unwrap()).unwrap();
    dumped["observedAt"] = Value::String(observed.clone().unwrap_or_else(|| OBSERVED_AT.into()));
    std::fs::write(&facts, serde_json::to_vec(&dumped).unwrap()).unwrap();
    Pinned {
        _dir: dir,
        facts,
        live,
        observed,
    }
}

impl Pinned {
    fn doctor(&self, args: &[&str]) -> Output {
        tkedirect()
            .args(["doctor", "--facts", self.facts.to_str().unwrap()])
            .args(args)
            .output()
            .expect("run tkedirect")
    }
}

/// Run doctor on a pinned fixture cluster in table and JSON form (the HTTP layer is not the subject of
/// these tests) and snapshot both; return (exit code, JSON).
fn fixture(name: &str) -> (i32, Value) {
    let p = pinned(name);
    let table = p.doctor(&[]);
    let json = p.doctor(&["-o", "json"]);
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
    let json: Value = serde_json::from_slice(&json.stdout).expect("JSON output");
    if p.observed.is_none() {
        // Nothing here depends on when it was read: the live run and the replay agree.
        assert_eq!(p.live.status.code(), table.status.code());
        let live: Value = serde_json::from_slice(&p.live.stdout).expect("JSON output");
        assert_eq!(
            checks(&live),
            checks(&json),
            "{name}: live and replayed findings differ"
        );
    }
    (table.status.code().unwrap(), json)
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

/// The findings about one object.
fn about<'v>(v: &'v Value, kind: &str, name: &str) -> Vec<&'v Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["object"]["kind"] == kind && f["object"]["name"] == name)
        .collect()
}

#[test]
fn mixed_without_eni_opt_in() {
    let (code, v) = fixture("mixed-no-opt-in");
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "mixed");
    // One finding per cause: the missing opt-in; its consequences (GlobalRouter IPs, gates False) are
    // named in it, not reported as findings of their own.
    assert_eq!(checks(&v), ["workload-eni-opt-in-missing"]);
    let f = &v["findings"][0];
    let m = f["message"].as_str().unwrap();
    assert!(
        m.contains("got GlobalRouter IPs") && m.contains("readiness gate stays False"),
        "{m}"
    );
    assert_eq!(f["pods"].as_array().unwrap().len(), 2);
}

#[test]
fn mixed_annotation_only_relies_on_the_eni_webhook() {
    let (code, v) = fixture("mixed-webhook");
    assert_eq!(code, 0);
    assert!(checks(&v).is_empty(), "{:?}", checks(&v));
    assert!(
        v["cluster"]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e
                .as_str()
                .unwrap()
                .contains("add-pod-eni-ip-limit-webhook: not seen")),
        "{}",
        v["cluster"]["evidence"]
    );
}

#[test]
fn mixed_with_global_route_direct_access_warns_instead() {
    let (code, v) = fixture("mixed-gr-direct");
    assert_eq!(code, 0, "warnings only");
    let f = &about(&v, "Deployment", "web")[0];
    assert_eq!(f["check"], "workload-eni-opt-in-missing");
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("served through GlobalRoute direct access")
    );
}

#[test]
fn transient_states_are_in_progress() {
    let (code, v) = fixture("transient");
    assert_eq!(code, 0);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(
        checks(&v),
        [
            "node-eni-ip-unavailable",
            "pod-readiness-gate-false",
            "service-clb-id-missing"
        ]
    );
    for f in findings {
        assert_eq!(f["severity"], "info", "{f}");
        assert!(
            f["message"].as_str().unwrap().starts_with("in progress: "),
            "{f}"
        );
    }
    // The same states, judged with no grace, are problems.
    let p = pinned("transient");
    let strict: Value =
        serde_json::from_slice(&p.doctor(&["-o", "json", "--grace", "0"]).stdout).unwrap();
    assert!(
        strict["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["severity"] != "info")
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
    let m = about(&v, "Deployment", "web")[0]["message"]
        .as_str()
        .unwrap();
    assert!(m.contains("node/10.0.0.11 (2 of 2 bound in use although the instance could bind 5: ipamd gets no more IPs"), "{m}");
    assert!(
        m.contains("node/10.0.0.12 (2 of 2 bound in use: the instance type's maximum"),
        "{m}"
    );
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

/// A cluster-level blocker names every object that asks for direct access, and withholds the advice that
/// cannot help (no candidates, no gate or ENI advice).
fn blocked_by(v: &Value, check: &str, blocked: &[&str]) {
    let cluster = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == check && f["object"].is_null())
        .expect("the cluster finding");
    for name in blocked {
        assert!(
            cluster["message"]
                .as_str()
                .unwrap()
                .contains(&format!("svc/{name} -n shop"))
        );
        let own = about(v, "Service", name);
        assert_eq!(own.len(), 1, "{name}: {own:?}");
        assert_eq!(own[0]["check"], check);
        assert!(
            own[0]["message"]
                .as_str()
                .unwrap()
                .contains("asks for direct access")
        );
    }
    let ids = checks(v);
    assert!(
        !ids.iter()
            .any(|c| c == "service-direct-access-off" || c == "ingress-direct-access-off"),
        "{ids:?}"
    );
}

#[test]
fn cilium_overlay() {
    let (code, v) = fixture("cilium-overlay");
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "cilium-overlay");
    assert_eq!(checks(&v), ["network-mode-unsupported"]);
    blocked_by(&v, "network-mode-unsupported", &["web"]);
    assert!(
        about(&v, "Service", "admin").is_empty(),
        "no candidate advice where it cannot work"
    );
    assert!(
        v["withheld"][0]
            .as_str()
            .unwrap()
            .contains("pod-readiness-gate-missing"),
        "{}",
        v["withheld"]
    );
}

#[test]
fn cilium_overlay_in_every_flavour() {
    for name in ["cilium-no-bridge", "cilium-self-installed"] {
        let (code, v) = fixture(name);
        assert_eq!(code, 1);
        assert_eq!(v["cluster"]["networkMode"], "cilium-overlay", "{name}");
        blocked_by(&v, "network-mode-unsupported", &["web"]);
    }
}

#[test]
fn global_router_blocks_only_what_is_not_on_super_nodes() {
    let (code, v) = fixture("global-router-super-node");
    assert_eq!(code, 1);
    blocked_by(&v, "global-router-direct-access-off", &["web"]);
    assert!(
        about(&v, "Service", "edge").is_empty(),
        "pods on super nodes are direct without the switch"
    );
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
    // The most fundamental blocker names each object once; no advice about gates that cannot exist.
    blocked_by(&v, "cluster-version-unsupported", &["web"]);
    assert!(!v.to_string().contains("so TKE's webhook adds the gate"));
    assert!(
        v["withheld"][0]
            .as_str()
            .unwrap()
            .contains("readiness gates do not exist before Kubernetes 1.12")
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

#[test]
fn output_formats_share_the_exit_code_and_fail_on_decides_it() {
    let p = pinned("gate-stuck");
    let mut codes = Vec::new();
    for format in ["table", "json", "sarif", "github"] {
        let o = p.doctor(&["-o", format]);
        codes.push(o.status.code());
        if format == "sarif" || format == "github" {
            insta::assert_snapshot!(format!("gate-stuck-{format}"), stdout(&o));
        }
    }
    assert_eq!(
        codes,
        [Some(0); 4],
        "warnings only: passes at the default --fail-on error"
    );
    assert_eq!(
        p.doctor(&["--fail-on", "warning", "-o", "github"])
            .status
            .code(),
        Some(1)
    );
    let fake = FakeKube::from_fixture("mixed-no-opt-in");
    assert_eq!(
        doctor(&fake, &["-A", "--fail-on", "never"]).status.code(),
        Some(0)
    );
    assert_eq!(doctor(&fake, &["-A", "-o", "sarif"]).status.code(), Some(1));
}

#[test]
fn sarif_names_rules_tkedirect_id() {
    let fake = FakeKube::from_fixture("mixed-no-opt-in");
    let o = doctor(&fake, &["-A", "-o", "sarif"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let explain = tkedirect().arg("explain").output().unwrap();
    assert_eq!(
        rules.len(),
        stdout(&explain).lines().count(),
        "one SARIF rule per registered check"
    );
    for r in v["runs"][0]["results"].as_array().unwrap() {
        let id = r["ruleId"].as_str().unwrap();
        assert!(id.starts_with("tkedirect/"), "{id}");
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], id);
    }
}

#[test]
fn dump_facts_then_replay_without_a_cluster() {
    let fake = FakeKube::from_fixture("mixed-no-opt-in");
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.json");
    let live = doctor(
        &fake,
        &["-A", "-o", "json", "--dump-facts", facts.to_str().unwrap()],
    );
    drop(fake);
    let replay = tkedirect()
        .args(["doctor", "-o", "json", "--facts", facts.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(live.status.code(), replay.status.code());
    let (mut a, mut b): (Value, Value) = (
        serde_json::from_slice(&live.stdout).unwrap(),
        serde_json::from_slice(&replay.stdout).unwrap(),
    );
    assert_eq!(b["source"], "facts");
    a["source"] = Value::Null;
    b["source"] = Value::Null;
    assert_eq!(a, b, "replayed facts give the same report");

    std::fs::write(&facts, r#"{"format": 99}"#).unwrap();
    let bad = tkedirect()
        .args(["doctor", "--facts", facts.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("facts format 99"), "{}", stderr(&bad));
}

#[test]
fn namespace_and_selector_limit_the_reads() {
    let fake = FakeKube::from_fixture("gate-stuck");
    let o = doctor(&fake, &["-n", "shop", "-l", "app=web", "-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scope"]["namespace"], "shop");
    assert_eq!(v["scope"]["selector"], "app=web");
    assert_eq!(
        checks(&v),
        ["pod-readiness-gate-false"],
        "only svc/web is audited"
    );
    assert!(
        v["cluster"]["eniIp"]["used"].is_null(),
        "usage is unknown when pods come from one namespace"
    );
    let paths: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| format!("{}?{}", r.path, r.query))
        .collect();
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/api/v1/namespaces/shop/services?")
                && p.contains("labelSelector=app%3Dweb")),
        "{paths:#?}"
    );
    assert!(
        paths
            .iter()
            .any(|p| p.starts_with("/api/v1/namespaces/shop/pods?"))
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("/api/v1/pods?")),
        "no cluster-wide pod list with -n: {paths:#?}"
    );

    // Without -n or -A, the kubeconfig context's namespace (default) is audited, like kubectl.
    fake.clear_requests();
    let o = doctor(&fake, &["-o", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["scope"]["namespace"], "default");
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == "/api/v1/namespaces/default/services")
    );
}

#[test]
fn one_paginated_list_per_kind_and_no_object_reads() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    assert_eq!(doctor(&fake, &["-A"]).status.code(), Some(0));
    let reqs = fake.requests();
    assert!(reqs.iter().all(|r| r.method == "GET"), "doctor only reads");
    let lists: Vec<&str> = reqs
        .iter()
        .filter(|r| r.query.contains("limit=500"))
        .map(|r| r.path.as_str())
        .collect();
    let mut unique = lists.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        lists.len(),
        unique.len(),
        "each kind listed once: {lists:#?}"
    );
    let others: Vec<&str> = reqs
        .iter()
        .filter(|r| !r.query.contains("limit=500"))
        .map(|r| r.path.as_str())
        .collect();
    assert_eq!(
        others.len(),
        2,
        "only /version and /apis besides the lists: {others:?}"
    );
    assert!(reqs.len() <= 14, "{} requests", reqs.len());
}

#[test]
fn pages_are_followed() {
    let mut objects = crate::support::fake_kube::parse_yaml_stream(
        &std::fs::read_to_string(
            crate::support::fake_kube::fixture_dir("vpc-cni-healthy").join("kube-system.yaml"),
        )
        .unwrap(),
    )
    .unwrap();
    for i in 0..1100 {
        objects.push(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("p-{i:04}"), "namespace": "bulk", "labels": {"app": "bulk"}},
            "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "x", "resources": {"limits": {"tke.cloud.tencent.com/eni-ip": "1"}}}]},
            "status": {"phase": "Running", "podIP": "10.1.0.1"}
        }));
    }
    objects.push(serde_json::json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
        "status": {"capacity": {"tke.cloud.tencent.com/eni-ip": "2000"}, "allocatable": {"tke.cloud.tencent.com/eni-ip": "1500"}}}));
    let fake = FakeKube::start(objects);
    let o = tkedirect()
        .args(["check", "-o", "json", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cluster"]["eniIp"]["used"], 1100);
    let pod_pages = fake
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/pods")
        .count();
    assert_eq!(pod_pages, 3, "1,100 pods in pages of 500");
}

#[test]
fn rbac_forbidden_reads_are_findings() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.forbid("list", "daemonsets", Some("kube-system"));
    fake.forbid("list", "pods", None);
    let o = doctor(&fake, &["-n", "shop", "-o", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cluster"]["networkMode"], "unknown");
    let forbidden: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "cluster-read-forbidden")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(forbidden.len(), 2, "{forbidden:#?}");
    assert!(forbidden.iter().any(|m| {
        m.starts_with("could not list daemonsets.apps in namespace kube-system: forbidden")
    }));
    assert!(
        forbidden
            .iter()
            .any(|m| m.starts_with("could not list pods in namespace shop: forbidden"))
    );
}

#[test]
fn server_errors_are_retried() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.fault(Fault {
        path_contains: "/api/v1/nodes".into(),
        status: 500,
        times: 2,
        ..Default::default()
    });
    fake.fault(Fault {
        path_contains: "/services".into(),
        status: 429,
        times: 1,
        retry_after: Some(1),
        ..Default::default()
    });
    let o = doctor(&fake, &["-A"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let count = |p: &str| {
        fake.requests()
            .iter()
            .filter(|r| r.path.contains(p))
            .count()
    };
    assert_eq!(count("/api/v1/nodes"), 3, "two 500s, then success");
    assert_eq!(count("/api/v1/services"), 2, "one 429, then success");
}

#[test]
fn persistent_server_errors_exit_2_with_a_clear_message() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.fault(Fault {
        path_contains: "/api/v1/nodes".into(),
        status: 500,
        times: 100,
        ..Default::default()
    });
    let o = doctor(&fake, &["-A"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("could not read the cluster"), "{err}");
    assert!(
        err.contains("could not list nodes: 500 InternalError"),
        "{err}"
    );
    assert!(err.contains("gave up after 5 attempts"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(o.stdout.is_empty(), "no half report on stdout");
    // The server is named, and no cause is said twice.
    assert!(
        err.contains(&format!("could not read the cluster at {}", fake.url())),
        "{err}"
    );
    let causes: Vec<&str> = err.lines().filter(|l| l.contains("caused by")).collect();
    assert_eq!(causes.len(), 1, "{err}");
}

#[test]
fn refused_credentials_are_said_as_such() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.fault(Fault {
        path_contains: "/version".into(),
        status: 401,
        times: 100,
        ..Default::default()
    });
    let o = doctor(&fake, &["-A"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("the API server refused the credentials (401)"),
        "{err}"
    );
}

/// 429, 503 and 504 are retried by the one policy only (kube-client's own retry, which would multiply the
/// attempts and back off for minutes, is off): five attempts, then exit 2.
#[test]
fn persistent_unavailable_answers_are_retried_five_times_in_all() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.fault(Fault {
        path_contains: "/api/v1/nodes".into(),
        status: 503,
        times: 100,
        ..Default::default()
    });
    let o = doctor(&fake, &["-A"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("gave up after 5 attempts"), "{err}");
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.path == "/api/v1/nodes")
            .count(),
        5
    );
}

#[test]
fn slow_answers_time_out_and_are_retried() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    fake.fault(Fault {
        path_contains: "/api/v1/nodes".into(),
        status: 0,
        times: 1,
        delay_ms: 3000,
        ..Default::default()
    });
    let o = doctor(&fake, &["-A", "--request-timeout", "1s"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|r| r.path == "/api/v1/nodes")
            .count(),
        2
    );
}

#[test]
fn unreachable_cluster_and_bad_kubeconfig_exit_2() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    let kubeconfig = std::fs::read_to_string(fake.kubeconfig()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config");
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        &path,
        kubeconfig.replace(&fake.url(), &format!("http://127.0.0.1:{port}")),
    )
    .unwrap();
    let o = tkedirect()
        .args(["doctor", "-A", "--kubeconfig"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("could not read the cluster"),
        "{}",
        stderr(&o)
    );

    std::fs::write(&path, "this: is: not a kubeconfig").unwrap();
    let o = tkedirect()
        .args(["doctor", "-A", "--kubeconfig"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("could not load kubeconfig"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn tables_fit_the_terminal() {
    let p = pinned("mixed-no-opt-in");
    let facts = p.facts.to_str().unwrap();
    for cols in [80usize, 160] {
        let Some(shown) = on_a_sized_terminal(&["doctor", "--facts", facts], cols as u16) else {
            return;
        };
        assert!(shown.contains("workload-eni-opt-in-missing"), "{shown}");
        for line in shown.lines() {
            let width = line.trim_end_matches('\r').chars().count();
            assert!(width <= cols, "{width} > {cols}: {line:?}\n{shown}");
        }
        // Words are not broken by the terminal: the object stays whole in its column.
        assert!(shown.contains("deploy/web -n shop"), "{shown}");
    }
    // Not a terminal: one line per finding row, unwrapped.
    let piped = p.doctor(&[]);
    assert!(stdout(&piped).lines().any(|l| l.chars().count() > 160));
}
