//! Scale benchmark of `tkedirect doctor -A` (issue #3), not a timed test: loads the fake API server with a
//! generated VPC-CNI cluster — 1,000 nodes, 5,000 Services (half LoadBalancer with direct access), 5,000
//! Deployments, 50,000 pods and one EndpointSlice per Service — runs `doctor -A -o json` against it and
//! prints wall time, peak RSS of the tkedirect process, and the number of API requests it sent.
//!
//! Targets: requests ≤ one per (kind, scope, page of 500) plus a handful; under 10 s; under 500 MB.
//! Run: `cargo bench --bench doctor` (add `-- --pods 20000` etc. to change sizes).

#[allow(unused_imports)]
#[path = "../tests/integration/support/fake_kube/mod.rs"]
mod fake_kube;
#[path = "../tests/integration/support/serve.rs"]
mod serve;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const GATE: &str = "cloud.tencent.com/load-balancer-backendgroup-ready";
const IMG: &str = "ccr.ccs.tencentyun.com/tkeimages";

struct Sizes {
    nodes: usize,
    services: usize,
    deployments: usize,
    pods: usize,
    namespaces: usize,
}

fn sizes() -> Sizes {
    let mut s = Sizes {
        nodes: 1000,
        services: 5000,
        deployments: 5000,
        pods: 50_000,
        namespaces: 50,
    };
    let args: Vec<String> = std::env::args().collect();
    for w in args.windows(2) {
        let n = w[1].parse().ok();
        match (w[0].as_str(), n) {
            ("--nodes", Some(n)) => s.nodes = n,
            ("--services", Some(n)) => s.services = n,
            ("--deployments", Some(n)) => s.deployments = n,
            ("--pods", Some(n)) => s.pods = n,
            _ => {}
        }
    }
    s
}

fn kube_system() -> Vec<Value> {
    let ds = |name: &str, tag: &str| {
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"selector": {"matchLabels": {"k8s-app": name}}, "template": {"metadata": {"labels": {"k8s-app": name}},
            "spec": {"hostNetwork": true, "containers": [{"name": name, "image": format!("{IMG}/{name}:{tag}")}]}}}})
    };
    let cm = |name: &str, data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": "kube-system"}, "data": data});
    vec![
        ds("tke-eni-agent", "v3.6.2"),
        ds("tke-cni-agent", "v1.1.3"),
        ds("kube-proxy", "v1.28.3-tke.1"),
        cm(
            "tke-service-controller-config",
            json!({"VERSION": "v2.3.1"}),
        ),
        cm(
            "tke-ingress-controller-config",
            json!({"VERSION": "v2.3.1"}),
        ),
        cm(
            "tke-config",
            json!({"TKE_REGION": "ap-guangzhou", "TKE_VPC_ID": "vpc-2x8kq1lm"}),
        ),
        cm(
            "tke-cni-agent-conf",
            json!({"00-multus.conf": "{\"name\":\"multus-cni\",\"defaultDelegates\":\"tke-route-eni\"}"}),
        ),
    ]
}

fn node(i: usize) -> Value {
    let name = format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256);
    json!({"apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, "node.kubernetes.io/instance-type": "S5.2XLARGE16",
            "topology.kubernetes.io/zone": "ap-guangzhou-3", "kubernetes.io/os": "linux"}},
        "spec": {"providerID": format!("qcloud:///100003/ins-{i:08x}")},
        "status": {"capacity": {"cpu": "8", "memory": "16009588Ki", "pods": "253", "tke.cloud.tencent.com/eni-ip": "95"},
            "allocatable": {"cpu": "7910m", "memory": "14395764Ki", "pods": "253", "tke.cloud.tencent.com/eni-ip": "60"},
            "addresses": [{"type": "InternalIP", "address": name}],
            "conditions": [{"type": "Ready", "status": "True", "reason": "KubeletReady"}],
            "nodeInfo": {"kubeletVersion": "v1.28.3-tke.1", "containerRuntimeVersion": "containerd://1.6.9"}}})
}

fn app_labels(app: &str) -> Value {
    json!({"app": app, "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "bench"})
}

fn deployment(ns: &str, app: &str, replicas: usize) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": app, "namespace": ns, "labels": app_labels(app),
            "annotations": {"deployment.kubernetes.io/revision": "3"}},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": app}},
            "template": {"metadata": {"labels": app_labels(app)}, "spec": {"containers": [{"name": app, "image": "nginx:1.25",
                "ports": [{"containerPort": 8080}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi", "tke.cloud.tencent.com/eni-ip": "1"},
                    "limits": {"memory": "256Mi", "tke.cloud.tencent.com/eni-ip": "1"}},
                "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 5}}]}}},
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}})
}

fn service(ns: &str, app: &str, lb: bool) -> Value {
    let mut s = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": app, "namespace": ns, "labels": app_labels(app)},
        "spec": {"type": if lb { "LoadBalancer" } else { "ClusterIP" }, "selector": {"app": app},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}], "sessionAffinity": "None"}});
    if lb {
        s["metadata"]["annotations"] = json!({"service.cloud.tencent.com/direct-access": "true",
            "service.kubernetes.io/loadbalance-id": format!("lb-{:08x}", app.len() * 7919)});
        s["spec"]["externalTrafficPolicy"] = json!("Cluster");
    }
    s
}

fn pod(ns: &str, app: &str, i: usize, node: &str, ip: &str) -> Value {
    let hash = "7d9f8c6b5";
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": format!("{app}-{hash}-{i:05x}"), "namespace": ns,
            "labels": {"app": app, "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "bench", "pod-template-hash": hash},
            "annotations": {"tke.cloud.tencent.com/networks-status": format!("[{{\"name\":\"tke-route-eni\",\"ips\":[\"{ip}\"],\"default\":true}}]")},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": format!("{app}-{hash}"), "controller": true,
                "uid": "0b7e2a8c-1f3d-4c1e-9d7a-5f3b2c1d0e9f"}]},
        "spec": {"nodeName": node, "readinessGates": [{"conditionType": GATE}], "restartPolicy": "Always",
            "containers": [{"name": app, "image": "nginx:1.25", "ports": [{"containerPort": 8080}],
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi", "tke.cloud.tencent.com/eni-ip": "1"},
                    "limits": {"memory": "256Mi", "tke.cloud.tencent.com/eni-ip": "1"}}}]},
        "status": {"phase": "Running", "podIP": ip, "hostIP": node, "qosClass": "Burstable",
            "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"},
                {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"},
                {"type": GATE, "status": "True", "reason": "LoadBalancerNetworkGroupReady"}],
            "containerStatuses": [{"name": app, "ready": true, "restartCount": 0, "image": "nginx:1.25", "started": true}]}})
}

fn slice(ns: &str, app: &str, pods: &[(String, String, String)]) -> Value {
    let eps: Vec<Value> = pods
        .iter()
        .map(|(name, ip, node)| {
            json!({"addresses": [ip], "conditions": {"ready": true, "serving": true, "terminating": false}, "nodeName": node,
                "targetRef": {"kind": "Pod", "namespace": ns, "name": name}})
        })
        .collect();
    json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": format!("{app}-x7k2p"), "namespace": ns, "labels": {"kubernetes.io/service-name": app}},
        "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}], "endpoints": eps})
}

fn cluster(s: &Sizes) -> Vec<Value> {
    let mut objects = kube_system();
    let nodes: Vec<String> = (0..s.nodes)
        .map(|i| format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256))
        .collect();
    objects.extend((0..s.nodes).map(node));
    let per_deploy = s.pods / s.deployments.max(1);
    let mut pod_index = 0usize;
    for d in 0..s.deployments {
        let ns = format!("team-{}", d % s.namespaces);
        let app = format!("app-{d:05}");
        objects.push(deployment(&ns, &app, per_deploy));
        let mut pods = Vec::new();
        for r in 0..per_deploy {
            let node = &nodes[pod_index % nodes.len()];
            let ip = format!(
                "10.{}.{}.{}",
                100 + pod_index / 65536,
                (pod_index / 256) % 256,
                pod_index % 256
            );
            let p = pod(&ns, &app, r, node, &ip);
            pods.push((
                p["metadata"]["name"].as_str().unwrap().to_string(),
                ip,
                node.clone(),
            ));
            objects.push(p);
            pod_index += 1;
        }
        if d < s.services {
            objects.push(service(&ns, &app, d % 2 == 0));
            objects.push(slice(&ns, &app, &pods));
        }
    }
    objects
}

/// Run a command, return wall time, peak RSS in KiB and success. The peak is the child's own `VmHWM` from
/// /proc, sampled until it exits: wait4's `ru_maxrss` would count the pages of this (large) process that the
/// child shared between fork and exec.
fn measure(cmd: &mut Command) -> (Duration, u64, bool) {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn tkedirect");
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(s) = std::fs::read_to_string(&status_path)
            && let Some(kb) = s
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak = peak.max(kb);
        }
        if let Some(st) = child.try_wait().expect("wait") {
            break st;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    // Exit 0 or 1 (findings) both mean the run worked.
    (start.elapsed(), peak, matches!(status.code(), Some(0 | 1)))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` (harness convention)
    }
    let s = sizes();
    let t = Instant::now();
    let objects = cluster(&s);
    let count = objects.len();
    let fake = fake_kube::FakeKube::start(objects);
    fake.record_bodies(false);
    println!(
        "generated {} objects ({} nodes, {} Services, {} Deployments, {} pods, {} EndpointSlices) in {:.1} s",
        count,
        s.nodes,
        s.services,
        s.deployments,
        s.pods,
        s.services,
        t.elapsed().as_secs_f64()
    );
    if std::env::args().any(|a| a == "--serve") {
        // Keep the fake cluster up for manual runs: `KUBECONFIG=<printed path> tkedirect doctor -A`.
        println!("serving; kubeconfig: {}", fake.kubeconfig().display());
        std::thread::sleep(Duration::from_secs(900));
        return;
    }
    let bin = env!("CARGO_BIN_EXE_tkedirect");
    let mut runs = Vec::new();
    for _ in 0..3 {
        fake.clear_requests();
        let (wall, rss, ok) = measure(
            Command::new(bin)
                .args(["doctor", "-A", "-o", "json", "--kubeconfig"])
                .arg(fake.kubeconfig())
                .env_remove("KUBECONFIG"),
        );
        assert!(ok, "tkedirect doctor failed");
        runs.push((wall, rss, fake.requests()));
    }
    runs.sort_by_key(|r| r.0);
    let (wall, rss, requests) = &runs[1];
    let mut by_path: BTreeMap<String, usize> = BTreeMap::new();
    for r in requests {
        *by_path.entry(r.path.clone()).or_default() += 1;
    }
    let page = 500;
    let pages = |n: usize| n.div_ceil(page).max(1);
    // kinds listed once each: nodes, pods, services, endpointslices, ingresses, deployments, statefulsets,
    // daemonsets, configmaps (kube-system), mutatingwebhookconfigurations; plus /version and /apis.
    let bound = pages(s.nodes)
        + pages(s.pods)
        + pages(s.services)
        + pages(s.services)
        + pages(s.deployments)
        + 5
        + 2;
    println!("\ntkedirect doctor -A -o json (median of 3 runs)");
    println!(
        "  wall time     {:.2} s   (target < 10 s)",
        wall.as_secs_f64()
    );
    println!(
        "  peak RSS      {:.1} MB  (target < 500 MB; VmHWM of the tkedirect process)",
        *rss as f64 / 1024.0
    );
    println!(
        "  API requests  {}       (bound: one per kind and page of {page} plus a handful = {bound})",
        requests.len()
    );
    println!("  requests by path:");
    for (path, n) in &by_path {
        println!("    {n:5}  {path}");
    }
    let all: Vec<String> = runs
        .iter()
        .map(|r| format!("{:.2} s", r.0.as_secs_f64()))
        .collect();
    println!("  all runs: {}", all.join(", "));
}
