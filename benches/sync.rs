//! Benchmark of `tkedirect sync` (issue #5): 1,000 pods behind a Service with 4 ports (4 TCP listeners),
//! the real binary against the fake Kubernetes API server and the fake CLB API on 127.0.0.1. Prints the
//! CLB API calls per action and the wall time of each run. Not a timed test: it asserts only the call
//! counts the design promises (⌈changes / 500⌉ write calls per action, nothing more).
//!
//! Scenarios: from empty (4,000 registrations), again (in sync: no write), a full rollover (every pod
//! replaced: 4,000 registrations and 4,000 deregistrations, with --force).
//!
//! Run: `cargo bench --bench sync` (add `-- 2000` for another pod count).

#[path = "../tests/integration/support/fake_clb.rs"]
mod fake_clb;
#[path = "../tests/integration/support/serve.rs"]
mod serve;
// Its unit-test module's imports are unused outside `cargo test`.
#[allow(unused_imports)]
#[path = "../tests/integration/support/fake_kube/mod.rs"]
mod fake_kube;

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const LB: &str = "lb-bench0001";
const PORTS: [i64; 4] = [80, 81, 82, 443];

fn ip(generation: usize, i: usize) -> String {
    format!("10.{}.{}.{}", 10 + generation, i / 250, i % 250 + 1)
}

/// The Service, its pods and EndpointSlices (100 endpoints per slice, like the controller), tke-config.
fn cluster(pods: usize, generation: usize) -> Vec<Value> {
    let ports: Vec<Value> = PORTS
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"name": format!("p{i}"), "port": p, "targetPort": 8080 + i as i64, "protocol": "TCP"}))
        .collect();
    let mut objs = vec![
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default",
            "annotations": {"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": LB}},
            "spec": {"type": "LoadBalancer", "selector": {"app": "web"}, "ports": ports}}),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "tke-config", "namespace": "kube-system"},
            "data": {"TKE_REGION": fake_clb::REGION, "TKE_VPC_ID": "vpc-bench"}}),
    ];
    for i in 0..pods {
        objs.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-{generation}-{i}"), "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            "status": {"phase": "Running", "podIP": ip(generation, i),
                       "conditions": [{"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}]}}));
    }
    let slice_ports: Vec<Value> = (0..PORTS.len())
        .map(|i| json!({"name": format!("p{i}"), "port": 8080 + i as i64, "protocol": "TCP"}))
        .collect();
    for (s, chunk) in (0..pods).collect::<Vec<_>>().chunks(100).enumerate() {
        let endpoints: Vec<Value> = chunk
            .iter()
            .map(|i| json!({"addresses": [ip(generation, *i)], "conditions": {"ready": true},
                "targetRef": {"kind": "Pod", "name": format!("web-{generation}-{i}"), "namespace": "default"}}))
            .collect();
        objs.push(json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": format!("web-{generation}-{s}"), "namespace": "default", "labels": {"kubernetes.io/service-name": "web"}},
            "addressType": "IPv4", "ports": slice_ports, "endpoints": endpoints}));
    }
    objs
}

fn run(
    bin: &str,
    kube: &fake_kube::FakeKube,
    clb: &fake_clb::FakeClb,
    home: &std::path::Path,
    extra: &[&str],
) -> (i32, Duration) {
    let started = Instant::now();
    let out = Command::new(bin)
        .args(["sync", "svc/web", "--apply", "-o", "json", "-q"])
        // Far more pods per listener than a real CLB holds: the fake enforces no quota here.
        .args(["--max-targets", "1000000"])
        .args(extra)
        .arg("--kubeconfig")
        .arg(kube.kubeconfig())
        .env_clear()
        .env("HOME", home)
        .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
        .env("TKEDIRECT_CLB_ENDPOINT", clb.url())
        .output()
        .expect("run tkedirect");
    let elapsed = started.elapsed();
    if !out.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    (out.status.code().unwrap_or(-1), elapsed)
}

fn report(
    name: &str,
    code: i32,
    wall: Duration,
    clb: &fake_clb::FakeClb,
    expect_reg: usize,
    expect_dereg: usize,
) {
    let counts = clb.counts();
    let n = |a: &str| counts.get(a).copied().unwrap_or(0);
    println!(
        "{name:<28} exit {code}  wall {:>7.3} s  DescribeLoadBalancers {}  DescribeListeners {}  DescribeTargets {}  \
         BatchRegisterTargets {}  BatchDeregisterTargets {}  DescribeTaskStatus {}  (rate-limit refusals {})",
        wall.as_secs_f64(),
        n("DescribeLoadBalancers"),
        n("DescribeListeners"),
        n("DescribeTargets"),
        n("BatchRegisterTargets"),
        n("BatchDeregisterTargets"),
        n("DescribeTaskStatus"),
        clb.rate_violations()
    );
    assert_eq!(code, 0, "{name}: exit code");
    assert_eq!(
        n("BatchRegisterTargets"),
        expect_reg,
        "{name}: BatchRegisterTargets calls"
    );
    assert_eq!(
        n("BatchDeregisterTargets"),
        expect_dereg,
        "{name}: BatchDeregisterTargets calls"
    );
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_tkedirect");
    let pods: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let home = tempfile::tempdir().unwrap();
    let changes = pods * PORTS.len();
    let calls = changes.div_ceil(500);
    println!(
        "sync benchmark: {pods} pods × {} listeners = {changes} targets; ⌈{changes}/500⌉ = {calls} write calls per action",
        PORTS.len()
    );

    let clb = fake_clb::FakeClb::start();
    clb.set_bind_quota(None);
    clb.add_lb(LB, "vpc-bench");
    for (i, p) in PORTS.iter().enumerate() {
        clb.add_listener(LB, &format!("lbl-p{i}"), "TCP", *p);
    }
    let kube = fake_kube::FakeKube::start(cluster(pods, 0));
    kube.record_bodies(false);

    let (code, wall) = run(bin, &kube, &clb, home.path(), &[]);
    report("from empty", code, wall, &clb, calls, 0);
    let bound: usize = (0..PORTS.len())
        .map(|i| clb.targets(&format!("lbl-p{i}"), "").len())
        .sum();
    assert_eq!(bound, changes, "every target bound");

    clb.clear_calls();
    let (code, wall) = run(bin, &kube, &clb, home.path(), &[]);
    report("again (in sync)", code, wall, &clb, 0, 0);

    // Every pod replaced by one with a new IP.
    drop(kube);
    let kube = fake_kube::FakeKube::start(cluster(pods, 1));
    kube.record_bodies(false);
    clb.clear_calls();
    let (code, wall) = run(bin, &kube, &clb, home.path(), &["--force"]);
    report("full rollover (--force)", code, wall, &clb, calls, calls);
}
