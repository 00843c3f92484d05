//! The world the `sync_*` tests run in: the real binary against the fake Kubernetes API server and the fake
//! CLB API, and the fixtures they share.

use serde_json::{Value, json};

use crate::support::fake_clb::{self, FakeClb};
use crate::support::fake_kube::FakeKube;
use crate::support::tkedirect;

pub const GATE: &str = "cloud.tencent.com/load-balancer-backendgroup-ready";
pub const LB: &str = "lb-web00001";
pub const VPC: &str = "vpc-cluster1";

// ------------------------------------------------------------------------------------------- fixtures

pub fn service(name: &str, annotations: Value, ports: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": name, "namespace": "default", "annotations": annotations},
        "spec": {"type": "LoadBalancer", "selector": {"app": name}, "ports": ports}})
}

/// `svc/web`: direct mode, CLB written back by TKE, port http 80 → named targetPort `http`.
pub fn web_service() -> Value {
    service(
        "web",
        json!({"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": LB}),
        json!([{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]),
    )
}

/// A running pod of `app`. `gate`: None (no readiness gate), Some(true/false) TKE's gate status.
pub fn pod(
    app: &str,
    name: &str,
    ip: &str,
    ready: bool,
    gate: Option<bool>,
    http_port: i64,
) -> Value {
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
pub fn slice(svc: &str, suffix: &str, port: i64, endpoints: &[(&str, &str, bool)]) -> Value {
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{svc}-{suffix}"), "namespace": "default", "labels": {"kubernetes.io/service-name": svc}},
        "addressType": "IPv4",
        "ports": [{"name": "http", "port": port, "protocol": "TCP"}],
        "endpoints": endpoints.iter().map(|(ip, pod, ready)| json!({
            "addresses": [ip], "conditions": {"ready": ready, "serving": ready, "terminating": false},
            "targetRef": {"kind": "Pod", "name": pod, "namespace": "default"}})).collect::<Vec<_>>()})
}

pub fn tke_config() -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tke-config", "namespace": "kube-system"},
        "data": {"TKE_REGION": fake_clb::REGION, "TKE_VPC_ID": VPC}})
}

/// `n` ready pods web-1.. at 10.0.0.1.. with their slice.
pub fn ready_web(n: usize) -> Vec<Value> {
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

pub struct World {
    pub kube: FakeKube,
    pub clb: FakeClb,
    pub home: tempfile::TempDir,
}

/// A cluster with `objects`, and a CLB `LB` in the cluster's VPC with listener `lbl-http` TCP:80.
pub fn world(objects: Vec<Value>) -> World {
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
    pub fn cmd(&self, args: &[&str]) -> assert_cmd::Command {
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

    /// The same command, started in the background (for tests that change the world while it runs).
    pub fn spawn(&self, args: &[&str]) -> std::process::Child {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("tkedirect"));
        for var in [
            "KUBECONFIG",
            "TENCENTCLOUD_REGION",
            "TENCENTCLOUD_TOKEN",
            "TENCENTCLOUD_SECURITY_TOKEN",
            "TENCENTCLOUD_SESSION_TOKEN",
            "TENCENTCLOUD_CREDENTIALS_FILE",
        ] {
            cmd.env_remove(var);
        }
        cmd.arg("sync")
            .args(args)
            .arg("--kubeconfig")
            .arg(self.kube.kubeconfig())
            .env("HOME", self.home.path())
            .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
            .env("TKEDIRECT_CLB_ENDPOINT", self.clb.url())
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().expect("tkedirect starts")
    }

    /// Delete a pod on the fake API server (as if its deletion had just completed).
    pub fn delete_pod(&self, namespace: &str, name: &str) {
        self.kube.delete_object("v1", "pods", Some(namespace), name);
    }

    /// Run; return (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    }

    pub fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let (code, out, err) = self.run(&all);
        let v = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{out}\nstderr:\n{err}"));
        (code, v)
    }
}
