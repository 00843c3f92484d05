//! `sync`'s safety: guards that refuse a plan, targets that are left alone.

use serde_json::json;

use crate::support::fake_clb::FakeTarget;
use crate::sync_world::*;

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

/// TKE keeps terminating and not-ready pods bound at weight 0 until they are gone (graceful drain). A
/// sync must not remove them: only addresses that belong to no pod of the Service go.
#[test]
fn a_weight_0_target_of_a_terminating_pod_survives_apply() {
    let mut objs = ready_web(3);
    // web-4 is being deleted; its endpoint no longer serves. web-5 is not ready.
    let mut leaving = pod("web", "web-4", "10.0.0.4", false, Some(true), 8080);
    leaving["metadata"]["deletionTimestamp"] = json!("2026-12-01T10:00:00Z");
    objs.push(leaving);
    objs.push(pod("web", "web-5", "10.0.0.5", false, Some(false), 8080));
    let mut terminating = slice("web", "b", 8080, &[("10.0.0.5", "web-5", false)]);
    terminating["endpoints"].as_array_mut().unwrap().push(json!({
        "addresses": ["10.0.0.4"], "conditions": {"ready": false, "serving": false, "terminating": true},
        "targetRef": {"kind": "Pod", "name": "web-4", "namespace": "default"}}));
    objs.push(terminating);
    // web-5's containers are not ready: it waits on more than TKE's gate.
    let web5 = objs
        .iter_mut()
        .find(|o| o["metadata"]["name"] == "web-5")
        .unwrap();
    web5["status"]["conditions"][1]["status"] = json!("False");
    let w = world(objs);
    for i in 1..=3 {
        w.clb.bind("lbl-http", "", &format!("10.0.0.{i}"), 8080, 10);
    }
    w.clb.bind("lbl-http", "", "10.0.0.4", 8080, 0);
    w.clb.bind("lbl-http", "", "10.0.0.5", 8080, 10);
    // A pod that is gone: its address belongs to no pod of the Service.
    w.clb.bind("lbl-http", "", "10.0.0.9", 8080, 10);

    let (code, v) = w.json(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{v:#}");
    let leave: Vec<(&str, &str, &str)> = v["listeners"][0]["leave"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["ip"].as_str().unwrap(),
                l["reason"].as_str().unwrap(),
                l["detail"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        leave,
        [
            ("10.0.0.4", "draining", "weight 0"),
            ("10.0.0.5", "draining", "pod web-5 is not ready")
        ]
    );
    assert_eq!(v["listeners"][0]["deregister"][0]["ip"], "10.0.0.9");
    assert_eq!(
        v["listeners"][0]["deregister"][0]["reason"],
        "not-an-endpoint"
    );
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        [
            "10.0.0.1:8080/10",
            "10.0.0.2:8080/10",
            "10.0.0.3:8080/10",
            "10.0.0.4:8080/0",
            "10.0.0.5:8080/10"
        ]
    );
    // The table says so too.
    let (code, out, _) = w.run(&["svc/web"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("left alone: draining (pod web-5 is not ready)"),
        "{out}"
    );
}

/// Dual stack: both families of a pod's addresses are its endpoints. An IPv6 target of a live pod is that
/// pod's target and stays; a new pod gets the address family the listener takes (IPv6 on an
/// `IPv6FullChain` CLB).
#[test]
fn an_ipv6_target_of_a_live_pod_survives() {
    let mut objs = vec![
        service(
            "web",
            json!({"service.cloud.tencent.com/direct-access": "true", "service.kubernetes.io/loadbalance-id": "lb-v6"}),
            json!([{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]),
        ),
        tke_config(),
    ];
    objs[0]["spec"]["ipFamilies"] = json!(["IPv4", "IPv6"]);
    for i in 1..=2 {
        let mut p = pod(
            "web",
            &format!("web-{i}"),
            &format!("10.0.0.{i}"),
            true,
            Some(true),
            8080,
        );
        p["status"]["podIPs"] =
            json!([{"ip": format!("10.0.0.{i}")}, {"ip": format!("fd00::{i}")}]);
        objs.push(p);
    }
    objs.push(slice(
        "web",
        "v4",
        8080,
        &[("10.0.0.1", "web-1", true), ("10.0.0.2", "web-2", true)],
    ));
    let mut v6 = slice(
        "web",
        "v6",
        8080,
        &[("fd00::1", "web-1", true), ("fd00::2", "web-2", true)],
    );
    v6["addressType"] = json!("IPv6");
    objs.push(v6);
    let w = world(objs);
    w.clb.add_lb_ipv6("lb-v6", VPC, false);
    w.clb.add_listener("lb-v6", "lbl-v6", "TCP", 80);
    w.clb.bind("lbl-v6", "", "fd00::1", 8080, 10);

    let (code, v) = w.json(&["svc/web"]);
    assert_eq!(code, 1, "{v:#}");
    let l = &v["listeners"][0];
    assert_eq!(l["ipFamilies"], json!(["IPv6"]));
    assert_eq!(l["keep"][0]["ip"], "fd00::1");
    assert_eq!(l["keep"][0]["pod"], "web-1");
    assert_eq!(l["deregister"], json!([]));
    assert_eq!(l["register"][0]["ip"], "fd00::2");
    assert_eq!(v["loadBalancer"]["ipv6Mode"], "IPv6FullChain");

    let (code, _, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        w.clb.targets("lbl-v6", ""),
        ["fd00::1:8080/10", "fd00::2:8080/10"]
    );
    assert_eq!(w.clb.count("BatchDeregisterTargets"), 0);
}

/// Plans go stale: pods and targets change while a person reads a plan. `--apply` reads both again right
/// before the first write and writes nothing when the plan changed.
#[test]
fn a_pod_deleted_between_plan_and_write_stops_the_run_with_no_write() {
    let w = world(ready_web(3));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    w.clb.bind("lbl-http", "", "10.0.0.2", 8080, 10);
    // The plan registers web-3. It is deleted after the cluster was read for the plan.
    let pause = w.clb.pause_before("DescribeTargets", 1);
    let child = w.spawn(&["svc/web", "--apply", "--yes", "-o", "json"]);
    pause.wait();
    w.delete_pod("default", "web-3");
    w.kube.put_object(slice(
        "web",
        "a",
        8080,
        &[("10.0.0.1", "web-1", true), ("10.0.0.2", "web-2", true)],
    ));
    pause.release();
    let out = child.wait_with_output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert_eq!(w.clb.writes(), 0, "nothing written");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["status"], "plan-changed");
    assert_eq!(v["summary"]["register"], 0, "the new plan: nothing to do");
    assert!(
        stderr.contains("the plan changed before the first write"),
        "{stderr}"
    );

    // The same run without the change writes the plan it showed.
    let (code, _, err) = w.run(&["svc/web", "--apply", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(w.clb.writes(), 0, "in sync now: nothing to write");
}
