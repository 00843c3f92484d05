//! `tkedirect sync` end to end: the real binary against the fake Kubernetes API server and the fake CLB API.

use std::io::{Read, Write};

use serde_json::{Value, json};

use crate::support::fake_clb::{self, FakeClb, FakeTarget};
use crate::support::fake_kube::FakeKube;
use crate::support::tkedirect;

const GATE: &str = "cloud.tencent.com/load-balancer-backendgroup-ready";
const LB: &str = "lb-web00001";
const VPC: &str = "vpc-cluster1";

// ------------------------------------------------------------------------------------------- fixtures

fn service(name: &str, annotations: Value, ports: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {"type": "LoadBalancer", "selector": {"app": name}, "ports": ports}})
}

/// `svc/web`: direct mode, CLB written back by TKE, port http 80 → named targetPort `http`.
fn web_service() -> Value {
    service(
        "web",
        json!({"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": LB}),
        json!([{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]),
    )
}

/// A running pod of `app`. `gate`: None (no readiness gate), Some(true/false) TKE's gate status.
fn pod(app: &str, name: &str, ip: &str, ready: bool, gate: Option<bool>, http_port: i64) -> Value {
    let mut conditions = vec![
        json!({"type": "Ready", "status": if ready { "True" } else { "False" }}),
        json!({"type": "ContainersReady", "status": "True"}),
    ];
    let mut gates = vec![];
    if let Some(g) = gate {
        gates.push(json!({"conditionType": GATE}));
        conditions.push(json!({"type": GATE, "status": if g { "True" } else { "False" }}));
    }
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": app}},
        "spec": {"readinessGates": gates, "containers": [{"name": "app", "image": "nginx",
            "ports": [{"name": "http", "containerPort": http_port}]}]},
        "status": {"phase": "Running", "podIP": ip, "conditions": conditions}})
}

/// An EndpointSlice of `svc` with one port (`http`, `port`) and endpoints (ip, pod, ready).
fn slice(svc: &str, suffix: &str, port: i64, endpoints: &[(&str, &str, bool)]) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{svc}-{suffix}"), "namespace": "default", "labels": {"kubernetes.io/service-name": svc}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": port, "protocol": "TCP"}],
        "endpoints": endpoints.iter().map(|(ip, pod, ready)| json!({
            "addresses": [ip], "conditions": {"ready": ready, "serving": ready, "terminating": false},
            "targetRef": {"kind": "Pod", "name": pod, "namespace": "default"}})).collect::<Vec<_>>()})
}

fn tke_config() -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tke-config", "namespace": "kube-system"},
        "data": {"TKE_REGION": fake_clb::REGION, "TKE_VPC_ID": VPC}})
}

/// `n` ready pods web-1.. at 10.0.0.1.. with their slice.
fn ready_web(n: usize) -> Vec<Value> {
    let mut objs = vec![web_service(), tke_config()];
    let eps: Vec<(String, String)> = (1..=n)
        .map(|i| (format!("10.0.0.{i}"), format!("web-{i}")))
        .collect();
    for (ip, name) in &eps {
        objs.push(pod("web", name, ip, true, Some(true), 8080));
    }
    let refs: Vec<(&str, &str, bool)> = eps
        .iter()
        .map(|(ip, n)| (ip.as_str(), n.as_str(), true))
        .collect();
    objs.push(slice("web", "a", 8080, &refs));
    objs
}

struct World {
    kube: FakeKube,
    clb: FakeClb,
    home: tempfile::TempDir,
}

/// A cluster with `objects`, and a CLB `LB` in the cluster's VPC with listener `lbl-http` TCP:80.
fn world(objects: Vec<Value>) -> World {
    let clb = FakeClb::start();
    clb.add_lb(LB, VPC);
    clb.add_listener(LB, "lbl-http", "TCP", 80);
    World {
        kube: FakeKube::start(objects),
        clb,
        home: tempfile::tempdir().unwrap(),
    }
}

impl World {
    fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
        let mut cmd = tkedirect();
        cmd.arg("sync")
            .args(args)
            .arg("--kubeconfig")
            .arg(self.kube.kubeconfig())
            .env("HOME", self.home.path())
            .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
            .env("TKEDIRECT_CLB_ENDPOINT", self.clb.url())
            .env("NO_COLOR", "1");
        cmd
    }

    /// Run; return (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let (code, out, err) = self.run(&all);
        let v = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\nstderr:\n{err}"));
        (code, v)
    }
}

// ------------------------------------------------------------------------------------------- scenarios

#[test]
fn already_in_sync_makes_no_write_call() {
    let w = world(ready_web(3));
    for i in 1..=3 {
        w.clb.bind("lbl-http", "", &format!("10.0.0.{i}"), 8080, 10);
    }
    let (code, out, err) = w.run(&["svc/web"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Plan: 0 to register, 0 to deregister, 3 unchanged"),
        "{out}"
    );
    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("In sync: nothing to apply"), "{err}");
    assert_eq!(w.clb.writes(), 0);
    // The region came from kube-system/tke-config; only reads were made.
    assert_eq!(w.clb.count("DescribeLoadBalancers"), 2);
}

#[test]
fn scale_up_registers_keeps_weights_and_converges() {
    let w = world(ready_web(4));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 50);
    w.clb.bind("lbl-http", "", "10.0.0.2", 8080, 50);

    let (code, out, err) = w.run(&["svc/web"]);
    assert_eq!(code, 1, "plan-only with changes exits 1\n{out}\n{err}");
    assert!(
        out.contains("Plan: 2 to register, 0 to deregister, 2 unchanged"),
        "{out}"
    );
    assert_eq!(w.clb.writes(), 0, "plan-only never writes");

    let (code, out, err) = w.run(&["svc/web", "--apply", "--weight", "20"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Verified with DescribeTargets: in sync."),
        "{out}"
    );
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        [
            "10.0.0.1:8080/50",
            "10.0.0.2:8080/50",
            "10.0.0.3:8080/20",
            "10.0.0.4:8080/20"
        ]
    );
    assert_eq!(
        (
            w.clb.count("BatchRegisterTargets"),
            w.clb.count("BatchDeregisterTargets")
        ),
        (1, 0)
    );

    // Twice in a row: the second run makes no write call.
    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.clb.writes(), 1);
}

#[test]
fn scale_down_deregisters_stale_targets() {
    let w = world(ready_web(2));
    for i in 1..=4 {
        w.clb.bind("lbl-http", "", &format!("10.0.0.{i}"), 8080, 10);
    }
    let (code, v) = w.json(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["status"], "applied");
    assert_eq!(v["summary"]["deregister"], 2);
    assert_eq!(
        v["listeners"][0]["deregister"][0]["reason"],
        "not-an-endpoint"
    );
    assert_eq!(v["verified"]["inSync"], true);
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
    assert_eq!(
        w.clb.count("BatchRegisterTargets"),
        0,
        "nothing to register: no empty call"
    );
}

#[test]
fn pod_ip_reuse_on_another_port_is_rebound() {
    // 10.0.0.1 used to be web-old on 8080; it now belongs to web-new, whose `http` port is 8081.
    let mut objs = vec![web_service(), tke_config()];
    objs.push(pod("web", "web-new", "10.0.0.1", true, Some(true), 8081));
    objs.push(pod("web", "web-2", "10.0.0.2", true, Some(true), 8080));
    objs.push(pod("web", "web-3", "10.0.0.3", true, Some(true), 8080));
    objs.push(slice(
        "web",
        "a",
        8080,
        &[("10.0.0.2", "web-2", true), ("10.0.0.3", "web-3", true)],
    ));
    objs.push(slice("web", "b", 8081, &[("10.0.0.1", "web-new", true)]));
    let w = world(objs);
    for i in 1..=3 {
        w.clb.bind("lbl-http", "", &format!("10.0.0.{i}"), 8080, 10);
    }
    let (code, v) = w.json(&["svc/web"]);
    assert_eq!(code, 1);
    let l = &v["listeners"][0];
    assert_eq!(
        l["register"],
        json!([{"ip": "10.0.0.1", "port": 8081, "weight": 10, "pod": "web-new", "reason": "ready"}])
    );
    assert_eq!(l["deregister"][0]["port"], 8080);
    assert_eq!(l["deregister"][0]["reason"], "port-changed");
    assert_eq!(l["deregister"][0]["pod"], "web-new");

    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8081/10", "10.0.0.2:8080/10", "10.0.0.3:8080/10"]
    );
}

#[test]
fn pods_waiting_only_on_the_readiness_gate_are_bound() {
    let mut objs = vec![web_service(), tke_config()];
    objs.push(pod("web", "web-1", "10.0.0.1", true, Some(true), 8080));
    // Containers ready, TKE's gate False: not Ready, listed as not ready in the slice.
    objs.push(pod("web", "web-2", "10.0.0.2", false, Some(false), 8080));
    objs.push(slice(
        "web",
        "a",
        8080,
        &[("10.0.0.1", "web-1", true), ("10.0.0.2", "web-2", false)],
    ));
    let w = world(objs);
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    let (code, out, _) = w.run(&["svc/web"]);
    assert_eq!(code, 1);
    assert!(out.contains("waiting on TKE readiness gate"), "{out}");
    assert!(
        out.contains("binding them is what lets the gate turn True"),
        "{out}"
    );
    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
}

#[test]
fn rate_limited_and_busy_calls_are_retried() {
    let w = world(ready_web(4));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    w.clb.bind("lbl-http", "", "10.0.0.9", 8080, 10);
    w.clb
        .inject("BatchRegisterTargets", "RequestLimitExceeded", 2);
    w.clb.inject(
        "BatchDeregisterTargets",
        "FailedOperation.ResourceInOperating",
        2,
    );
    w.clb.inject("DescribeTargets", "RequestLimitExceeded", 1);
    let (code, out, err) = w.run(&["svc/web", "--apply", "-v"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("BatchRegisterTargets: rate limited (RequestLimitExceeded); retry 1 of 6"),
        "{err}"
    );
    assert!(err.contains("BatchDeregisterTargets: the CLB is busy (FailedOperation.ResourceInOperating); retry 2 of 6"), "{err}");
    assert_eq!(
        (
            w.clb.count("BatchRegisterTargets"),
            w.clb.count("BatchDeregisterTargets")
        ),
        (3, 3)
    );
    assert_eq!(w.clb.targets("lbl-http", "").len(), 4);
}

#[test]
fn many_ports_stay_under_20_requests_per_second_per_action() {
    // 25 Service ports → 25 DescribeListeners calls in a row: the client spaces them.
    let ports: Vec<Value> = (0..25)
        .map(|i| json!({"name": format!("p{i}"), "port": 9000 + i, "targetPort": 9000 + i}))
        .collect();
    let mut objs = vec![
        service(
            "web",
            json!({"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": LB}),
            json!(ports),
        ),
        tke_config(),
    ];
    objs.push(pod("web", "web-1", "10.0.0.1", true, Some(true), 8080));
    let w = world(objs);
    for i in 0..25 {
        w.clb.add_listener(LB, &format!("lbl-{i}"), "TCP", 9000 + i);
    }
    let (code, _, err) = w.run(&["svc/web"]);
    assert_eq!(code, 0, "no endpoints, empty listeners: in sync\n{err}");
    assert_eq!(w.clb.count("DescribeListeners"), 25);
    assert_eq!(w.clb.rate_violations(), 0);
    assert_eq!(
        w.clb.count("DescribeTargets"),
        2,
        "≤ 20 listener ids per DescribeTargets"
    );
    let calls = w.clb.calls();
    let listeners: Vec<_> = calls
        .iter()
        .filter(|c| c.action == "DescribeListeners")
        .collect();
    assert!(listeners[20].at.duration_since(listeners[0].at).as_millis() >= 1000);
}

#[test]
fn a_failing_listener_is_a_partial_failure() {
    let mut objs = ready_web(2);
    objs[0] = service(
        "web",
        json!({"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": LB}),
        json!([{"name": "http", "port": 80, "targetPort": 8080}, {"name": "alt", "port": 81, "targetPort": 8080}]),
    );
    objs.retain(|o| o["kind"] != "EndpointSlice");
    objs.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-a", "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}, {"name": "alt", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-1"}},
                      {"addresses": ["10.0.0.2"], "conditions": {"ready": true}, "targetRef": {"kind": "Pod", "name": "web-2"}}]}));
    let w = world(objs);
    w.clb.add_listener(LB, "lbl-alt", "TCP", 81);
    for l in ["lbl-http", "lbl-alt"] {
        w.clb.bind(l, "", "10.0.0.1", 8080, 10);
        w.clb.bind(l, "", "10.0.0.9", 8080, 10);
    }
    w.clb.fail_listener("lbl-alt");
    let (code, out, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("Failed on listener(s) lbl-alt"), "{out}");
    assert!(out.contains("Result: partial."), "{out}");
    assert!(err.contains("applied only in part"), "{err}");
    // lbl-http converged; lbl-alt kept its old targets (its deregistration was skipped).
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
    assert_eq!(
        w.clb.targets("lbl-alt", ""),
        ["10.0.0.1:8080/10", "10.0.0.9:8080/10"]
    );
}

#[test]
fn guard_refuses_to_empty_a_listener_unless_forced() {
    let mut objs = ready_web(0);
    objs.push(slice("web", "a", 8080, &[]));
    let w = world(objs);
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    w.clb.bind("lbl-http", "", "10.0.0.2", 8080, 10);
    let (code, out, _) = w.run(&["svc/web"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("Blocked: lbl-http TCP:80 would remove all 2 targets and leave none"),
        "{out}"
    );
    let (code, v) = w.json(&["svc/web", "--apply"]);
    assert_eq!(code, 2);
    assert_eq!(v["status"], "blocked");
    assert_eq!(v["listeners"][0]["guard"]["id"], "would-empty");
    assert_eq!(w.clb.writes(), 0, "refused: nothing written");
    let (code, _, err) = w.run(&["svc/web", "--apply", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(w.clb.targets("lbl-http", "").is_empty());
}

#[test]
fn guard_refuses_to_remove_more_than_half() {
    let w = world(ready_web(1));
    for i in 1..=4 {
        w.clb.bind("lbl-http", "", &format!("10.0.0.{i}"), 8080, 10);
    }
    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 2);
    assert!(err.contains("refusing to apply"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(w.clb.writes(), 0);
}

#[test]
fn node_targets_are_left_alone_unless_pruned() {
    let w = world(ready_web(2));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    for (ip, ins) in [("192.168.0.1", "ins-node1"), ("192.168.0.2", "ins-node2")] {
        w.clb.bind_target(
            "lbl-http",
            "",
            FakeTarget {
                ip: ip.into(),
                port: 30080,
                weight: 10,
                kind: "CVM".into(),
                instance_id: Some(ins.into()),
            },
        );
    }
    let (code, v) = w.json(&["svc/web", "--apply"]);
    assert_eq!(code, 0);
    assert_eq!(v["summary"]["leave"], 2);
    assert_eq!(v["listeners"][0]["leave"][0]["reason"], "non-eni");
    assert_eq!(w.clb.targets("lbl-http", "").len(), 4);
    let (code, _, err) = w.run(&["svc/web", "--apply", "--prune-non-eni"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
    let dereg = w
        .clb
        .calls()
        .into_iter()
        .find(|c| c.action == "BatchDeregisterTargets")
        .unwrap();
    assert_eq!(dereg.body["Targets"][0]["InstanceId"], "ins-node1");
}

#[test]
fn ingress_with_two_rules() {
    let mut objs = vec![tke_config()];
    objs.push(service(
        "web",
        json!({}),
        json!([{"name": "http", "port": 80, "targetPort": "http"}]),
    ));
    objs.push(service(
        "api",
        json!({}),
        json!([{"name": "http", "port": 8000, "targetPort": 9090}]),
    ));
    objs.push(pod("web", "web-1", "10.0.0.1", true, Some(true), 8080));
    objs.push(pod("api", "api-1", "10.0.1.1", true, Some(true), 9090));
    objs.push(pod("api", "api-2", "10.0.1.2", true, Some(true), 9090));
    objs.push(slice("web", "a", 8080, &[("10.0.0.1", "web-1", true)]));
    let mut api = slice(
        "api",
        "a",
        9090,
        &[("10.0.1.1", "api-1", true), ("10.0.1.2", "api-2", true)],
    );
    api["ports"][0]["name"] = "http".into();
    objs.push(api);
    objs.push(json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
        "metadata": {"name": "site", "namespace": "default", "annotations": {
            "kubernetes.io/ingress.class": "qcloud",
            "ingress.cloud.tencent.com/direct-access": "true",
            "kubernetes.io/ingress.qcloud-loadbalance-id": LB}},
        "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [
            {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"name": "http"}}}},
            {"path": "/api", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 8000}}}}]}}]}}));
    let w = world(objs);
    w.clb.add_listener(LB, "lbl-http80", "HTTP", 80);
    w.clb
        .add_rule("lbl-http80", "loc-root", "shop.example.com", "/");
    w.clb
        .add_rule("lbl-http80", "loc-api", "shop.example.com", "/api");
    w.clb.bind("lbl-http80", "loc-api", "10.0.1.1", 9090, 30);
    w.clb.bind("lbl-http80", "loc-api", "10.0.0.77", 9090, 10);

    let (code, v) = w.json(&["ing/site"]);
    assert_eq!(code, 1);
    let locs: Vec<(&str, &str)> = v["listeners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["locationId"].as_str().unwrap(),
                l["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(locs, [("loc-root", "/"), ("loc-api", "/api")]);
    let (code, _, err) = w.run(&["ing/site", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.clb.targets("lbl-http80", "loc-root"),
        ["10.0.0.1:8080/10"]
    );
    assert_eq!(
        w.clb.targets("lbl-http80", "loc-api"),
        ["10.0.1.1:9090/30", "10.0.1.2:9090/10"]
    );
    let reg = w
        .clb
        .calls()
        .into_iter()
        .find(|c| c.action == "BatchRegisterTargets")
        .unwrap();
    assert!(
        reg.body["Targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["LocationId"].is_string()),
        "{:#}",
        reg.body
    );
}

#[test]
fn old_cluster_uses_endpoints_and_region_from_the_environment() {
    let mut objs = vec![web_service()];
    objs.push(pod("web", "web-1", "10.0.0.1", true, None, 8080));
    objs.push(json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
        "subsets": [{"addresses": [{"ip": "10.0.0.1", "targetRef": {"kind": "Pod", "name": "web-1"}}],
                     "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}]}]}));
    let w = world(objs);
    w.kube.set_version("v1.18.4-tke.6");
    w.kube.serve_groups(&[
        "v1",
        "apps/v1",
        "networking.k8s.io/v1beta1",
        "extensions/v1beta1",
    ]);

    // No tke-config and no region anywhere: a clear error.
    let (code, _, err) = w.run(&["svc/web"]);
    assert_eq!(code, 2);
    assert!(err.contains("no Tencent Cloud region"), "{err}");

    let out = w
        .cmd(&["svc/web", "--apply", "-v"])
        .env("TENCENTCLOUD_REGION", fake_clb::REGION)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("endpoints from the Endpoints API"), "{err}");
    assert!(
        err.contains("region ap-guangzhou (from TENCENTCLOUD_REGION)"),
        "{err}"
    );
    assert_eq!(w.clb.targets("lbl-http", ""), ["10.0.0.1:8080/10"]);
}

#[test]
fn lb_from_flag_and_checks_on_the_clb() {
    let mut objs = ready_web(1);
    objs[0] = service(
        "web",
        json!({}),
        json!([{"name": "http", "port": 80, "targetPort": "http"}]),
    );
    let w = world(objs);
    let (code, _, err) = w.run(&["svc/web"]);
    assert_eq!(code, 2);
    assert!(err.contains("pass --lb"), "{err}");
    let (code, _, err) = w.run(&["svc/web", "--lb", "lb-nothere"]);
    assert_eq!(code, 2);
    assert!(err.contains("CLB lb-nothere not found"), "{err}");
    let (code, v) = w.json(&["svc/web", "--lb", LB]);
    assert_eq!(code, 1);
    assert_eq!(v["loadBalancer"]["source"], "flag");
    assert_eq!(v["loadBalancer"]["tkeManaged"], false);
    // Not in direct mode: said so.
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not in direct mode"),
        "{v:#}"
    );

    w.clb.add_lb("lb-othervpc", "vpc-other");
    let (code, _, err) = w.run(&["svc/web", "--lb", "lb-othervpc"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("vpc-other but the cluster is in vpc-cluster1"),
        "{err}"
    );
}

#[test]
fn tke_controller_caveat_is_stated() {
    let w = world(ready_web(1));
    let (_, v) = w.json(&["svc/web"]);
    assert_eq!(v["version"], 1);
    assert_eq!(v["loadBalancer"]["tkeManaged"], true);
    let warnings = v["warnings"].to_string();
    assert!(
        warnings.contains("TKE's controller keeps reconciling"),
        "{warnings}"
    );
    let (_, _, err) = w.run(&["svc/web"]);
    assert!(
        err.contains(
            "warning: CLB lb-web00001 comes from annotation service.kubernetes.io/loadbalance-id"
        ),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------- credentials and the wire

#[test]
fn secrets_never_appear_in_any_output() {
    let token = "sessionTokenSecret-0123456789-do-not-print";
    let w = world(ready_web(2));
    w.clb.add_key(
        "AKIDtemporaryKey0123456789xyz",
        "temporarySecretKey-0123456789-zz",
        Some(token),
    );
    let runs = [
        // Success with a session token, at -vv, plan and apply, table and JSON.
        vec!["svc/web", "-vv"],
        vec!["svc/web", "-vv", "-o", "json"],
        vec!["svc/web", "-vv", "--apply"],
    ];
    let mut outputs = String::new();
    for args in runs {
        let out = w
            .cmd(&args)
            .env("TENCENTCLOUD_SECRET_ID", "AKIDtemporaryKey0123456789xyz")
            .env(
                "TENCENTCLOUD_SECRET_KEY",
                "temporarySecretKey-0123456789-zz",
            )
            .env("TENCENTCLOUD_SECURITY_TOKEN", token)
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        outputs.contains("→ DescribeTargets"),
        "-vv shows the requests:\n{outputs}"
    );
    // Failures too: a wrong token, and a wrong key at -vv.
    for (id, key, tok) in [
        (
            "AKIDtemporaryKey0123456789xyz",
            "temporarySecretKey-0123456789-zz",
            "wrong-token-0123456789",
        ),
        (fake_clb::SECRET_ID, "wrongSecretKey-0123456789-abcdef", ""),
    ] {
        let out = w
            .cmd(&["svc/web", "-vv"])
            .env("TENCENTCLOUD_SECRET_ID", id)
            .env("TENCENTCLOUD_SECRET_KEY", key)
            .env("TENCENTCLOUD_TOKEN", tok)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        outputs.contains("AuthFailure.TokenFailure")
            && outputs.contains("AuthFailure.SignatureFailure"),
        "{outputs}"
    );
    for secret in [
        token,
        "temporarySecretKey-0123456789-zz",
        "AKIDtemporaryKey0123456789xyz",
        fake_clb::SECRET_KEY,
        fake_clb::SECRET_ID,
        "wrongSecretKey-0123456789-abcdef",
        "wrong-token-0123456789",
    ] {
        assert!(!outputs.contains(secret), "{secret} leaked:\n{outputs}");
    }
}

#[test]
fn auth_failures_are_reported_with_the_api_code() {
    let w = world(ready_web(1));
    let run_with = |key: &str| {
        let out = w
            .cmd(&["svc/web"])
            .env("TENCENTCLOUD_SECRET_KEY", key)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run_with("not-the-right-key");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("DescribeLoadBalancers: AuthFailure.SignatureFailure"),
        "{err}"
    );
    assert!(err.contains("RequestId fake-"), "{err}");

    // Error bodies with a surprising content type are read all the same.
    w.clb.set_error_content_type("text/html; charset=gbk");
    let (_, err) = run_with("not-the-right-key");
    assert!(err.contains("AuthFailure.SignatureFailure"), "{err}");

    // The server clock is 10 minutes ahead: the timestamp is stale.
    w.clb.set_clock_offset(600);
    let (code, err) = run_with(fake_clb::SECRET_KEY);
    assert_eq!(code, Some(2));
    assert!(err.contains("AuthFailure.SignatureExpire"), "{err}");
    w.clb.set_clock_offset(0);

    let out = w
        .cmd(&["svc/web"])
        .env("TENCENTCLOUD_SECRET_ID", "AKIDunknown000000000000")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("AuthFailure.SecretIdNotFound"));

    let out = w
        .cmd(&["svc/web", "--region", "ap-nowhere"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("UnsupportedRegion"));
    assert_eq!(w.clb.writes(), 0);
}

#[test]
fn credentials_from_files_and_their_absence() {
    let w = world(ready_web(1));
    let no_env = |args: &[&str]| {
        let mut c = w.cmd(args);
        c.env_remove("TENCENTCLOUD_SECRET_ID")
            .env_remove("TENCENTCLOUD_SECRET_KEY");
        c
    };
    let out = no_env(&["svc/web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Tencent Cloud credentials"));
    assert_eq!(w.clb.calls().len(), 0, "nothing sent without credentials");

    // tccli profile.
    std::fs::create_dir_all(w.home.path().join(".tccli")).unwrap();
    std::fs::write(
        w.home.path().join(".tccli/ops.credential"),
        format!(
            r#"{{"secretId": "{}", "secretKey": "{}"}}"#,
            fake_clb::SECRET_ID,
            fake_clb::SECRET_KEY
        ),
    )
    .unwrap();
    let out = no_env(&["svc/web", "-v"])
        .env("TCCLI_PROFILE", "ops")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("credentials: tccli profile `ops`"), "{err}");

    // SDK profile file wins over tccli.
    std::fs::create_dir_all(w.home.path().join(".tencentcloud")).unwrap();
    std::fs::write(
        w.home.path().join(".tencentcloud/credentials"),
        format!(
            "[default]\nsecret_id = {}\nsecret_key = {}\n",
            fake_clb::SECRET_ID,
            fake_clb::SECRET_KEY
        ),
    )
    .unwrap();
    let out = no_env(&["svc/web", "-v"])
        .env("TCCLI_PROFILE", "ops")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("credentials: profile file"), "{err}");
}

#[test]
fn plain_http_is_refused_except_for_loopback() {
    let w = world(ready_web(1));
    let out = w
        .cmd(&["svc/web", "--endpoint", "http://clb.tencentcloudapi.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only https:// is allowed"));
    // `--endpoint` wins over TKEDIRECT_CLB_ENDPOINT.
    let out = w
        .cmd(&["svc/web", "--endpoint", &w.clb.url()])
        .env("TKEDIRECT_CLB_ENDPOINT", "http://10.1.2.3")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sync_rejects_other_kinds_and_bad_weights() {
    let w = world(ready_web(1));
    let (code, _, err) = w.run(&["deploy/web"]);
    assert_eq!(code, 2);
    assert!(err.contains("Services and Ingresses"), "{err}");
    let (code, _, _) = w.run(&["svc/web", "--weight", "101"]);
    assert_eq!(code, 2);
    let (code, _, err) = w.run(&["svc/nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("svc/nope -n default not found"), "{err}");
}

/// The fake rejects malformed requests with the real codes (checked directly on the wire).
#[test]
fn fake_clb_rejects_requests_like_the_service() {
    let clb = FakeClb::start();
    let addr = clb.url().trim_start_matches("http://").to_string();
    let send = |headers: &[(&str, &str)], body: &str| -> Value {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let mut req = format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let body = resp.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    };
    let code = |v: &Value| {
        v["Response"]["Error"]["Code"]
            .as_str()
            .unwrap_or("none")
            .to_string()
    };
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let base = |skip: &str| -> Vec<(&'static str, String)> {
        [
            ("Content-Type", "application/json".to_string()),
            ("X-TC-Action", "DescribeLoadBalancers".to_string()),
            ("X-TC-Version", "2018-03-17".to_string()),
            ("X-TC-Region", "ap-guangzhou".to_string()),
            ("X-TC-Timestamp", ts.clone()),
            ("Authorization", format!("TC3-HMAC-SHA256 Credential={}/2020-01-01/clb/tc3_request, SignedHeaders=content-type;host, Signature=00", fake_clb::SECRET_ID)),
        ]
        .into_iter()
        .filter(|(k, _)| *k != skip)
        .collect()
    };
    let with = |skip: &str| {
        let h = base(skip);
        let refs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        code(&send(&refs, "{}"))
    };
    assert_eq!(with("X-TC-Action"), "MissingParameter");
    assert_eq!(with("X-TC-Version"), "MissingParameter");
    assert_eq!(with("X-TC-Timestamp"), "MissingParameter");
    assert_eq!(with("Authorization"), "AuthFailure.InvalidAuthorization");
    // All headers but a bad signature.
    assert_eq!(with(""), "AuthFailure.SignatureFailure");
    // Every rejected request was recorded, none changed anything.
    assert_eq!(clb.calls().len(), 5);
    assert!(clb.calls().iter().all(|c| c.error.is_some()));
}

/// On a terminal, --apply asks first; "n" changes nothing. Uses util-linux `script` for a pseudo-terminal
/// and skips where it is not installed.
#[test]
fn apply_asks_on_a_terminal() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("`script` not found: skipping the terminal test");
        return;
    }
    let w = world(ready_web(2));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    let bin = assert_cmd::cargo::cargo_bin("tkedirect");
    let command = format!(
        "'{}' sync svc/web --apply --kubeconfig '{}'",
        bin.display(),
        w.kube.kubeconfig().display()
    );
    let answer = |text: &str| {
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", w.home.path())
            .env("TERM", "dumb")
            .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
            .env("TKEDIRECT_CLB_ENDPOINT", w.clb.url())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Answer only once the question is on the terminal.
        let mut stdout = child.stdout.take().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("[y/N]") {
            let n = stdout.read(&mut buf).unwrap();
            assert!(
                n > 0,
                "no question asked:\n{}",
                String::from_utf8_lossy(&seen)
            );
            seen.extend_from_slice(&buf[..n]);
        }
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        stdout.read_to_end(&mut seen).unwrap();
        let status = child.wait().unwrap();
        (status.code(), String::from_utf8_lossy(&seen).to_string())
    };
    let (code, out) = answer("n\n");
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("Apply to CLB lb-web00001: register 1 and deregister 0 target(s)?"),
        "{out}"
    );
    assert!(out.contains("Not applied."), "{out}");
    assert_eq!(w.clb.writes(), 0);
    let (code, out) = answer("y\n");
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
}
