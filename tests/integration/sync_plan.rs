//! `sync` plans end to end: what is registered, kept and removed, for Services and Ingresses, old and new
//! clusters.

use serde_json::json;

use crate::support::fake_clb;
use crate::sync_world::*;

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
    // The shared envelope: version, tool, command, then the sync's own fields.
    let keys: Vec<&String> = v.as_object().unwrap().keys().take(4).collect();
    assert_eq!(keys, ["version", "tool", "command", "target"]);
    assert_eq!(
        (v["tool"]["name"].as_str(), v["command"].as_str()),
        (Some("tkedirect"), Some("sync"))
    );
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

/// In a mixed cluster only ENI-addressed pods are ENI targets: a pod with a GlobalRouter IP (TKE's multus
/// names `tke-bridge` in its networks-status) and a hostNetwork pod are skipped, and the plan says so.
#[test]
fn pods_not_on_an_eni_are_not_registered() {
    let mut objs = ready_web(1);
    let mut bridged = pod("web", "web-2", "172.16.0.9", true, Some(true), 8080);
    bridged["metadata"]["annotations"] = json!({
        "tke.cloud.tencent.com/networks-status": r#"[{"name":"tke-bridge","interface":"eth0","ips":["172.16.0.9"]}]"#});
    objs.push(bridged);
    let mut host = pod("web", "web-3", "192.168.0.3", true, Some(true), 8080);
    host["spec"]["hostNetwork"] = json!(true);
    objs.push(host);
    objs.retain(|o| o["kind"] != "EndpointSlice");
    objs.push(slice(
        "web",
        "a",
        8080,
        &[
            ("10.0.0.1", "web-1", true),
            ("172.16.0.9", "web-2", true),
            ("192.168.0.3", "web-3", true),
        ],
    ));
    let w = world(objs);
    let (code, v) = w.json(&["svc/web"]);
    assert_eq!(code, 1, "{v:#}");
    assert_eq!(v["summary"]["register"], 1);
    assert_eq!(v["summary"]["skippedNotOnEni"], 2);
    let skipped: Vec<(&str, &str)> = v["listeners"][0]["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["pod"].as_str().unwrap(), s["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [("web-2", "global-router"), ("web-3", "host-network")]
    );
    let (_, out, _) = w.run(&["svc/web"]);
    assert!(
        out.contains(
            "2 pod(s) not on an ENI were not registered as ENI targets: web-2 (GlobalRouter IP"
        ),
        "{out}"
    );
    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.clb.targets("lbl-http", ""), ["10.0.0.1:8080/10"]);
}

/// A Cilium-overlay cluster, told from kube-system as `doctor` tells it: no pod has an ENI address, so
/// none is registered, what the CLB has is left alone, and the plan says why.
#[test]
fn a_cilium_overlay_cluster_registers_no_pod() {
    let mut objs = ready_web(2);
    objs.push(json!({"apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "cilium", "namespace": "kube-system"},
        "spec": {"template": {"spec": {"containers": [{"name": "cilium-agent",
            "image": "quay.tencentcloudcr.com/cilium/cilium:v1.15.6"}]}}}}));
    objs.push(json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "cilium-config", "namespace": "kube-system"},
        "data": {"routing-mode": "tunnel", "tunnel-protocol": "vxlan"}}));
    let w = world(objs);
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    let (code, v) = w.json(&["svc/web"]);
    assert_eq!(code, 0, "{v:#}");
    assert_eq!(v["summary"]["register"], 0, "{v:#}");
    assert_eq!(v["summary"]["deregister"], 0, "{v:#}");
    assert_eq!(v["summary"]["skippedNotOnEni"], 2, "{v:#}");
    assert!(
        v["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("the cluster's network is cilium-overlay (")),
        "{v:#}"
    );
    let (code, out, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Cilium-Overlay address"), "{out}");
    assert_eq!(w.clb.writes(), 0);
    assert_eq!(w.clb.targets("lbl-http", ""), ["10.0.0.1:8080/10"]);
}

/// On a terminal the plan wraps at its width and long lists show the first few rows (util-linux `script`
/// gives a pseudo-terminal; skipped where it is not installed).
#[test]
fn the_plan_fits_terminals_of_80_and_160_columns() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("`script` not found: skipping the terminal test");
        return;
    }
    let w = world(ready_web(30));
    let bin = assert_cmd::cargo::cargo_bin("tkedirect");
    for cols in [80usize, 160] {
        let line = format!(
            "stty rows 50 cols {cols}; '{}' sync svc/web --kubeconfig '{}' 2>/dev/null",
            bin.display(),
            w.kube.kubeconfig().display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", w.home.path())
            .env("TERM", "xterm")
            .env("NO_COLOR", "1")
            .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
            .env("TKEDIRECT_CLB_ENDPOINT", w.clb.url())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert!(text.contains("and 20 more"), "{cols} columns:\n{text}");
        assert!(
            text.contains("Plan: 30 to register"),
            "{cols} columns:\n{text}"
        );
        let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > cols).collect();
        assert!(long.is_empty(), "wider than {cols} columns: {long:#?}");
    }
}
