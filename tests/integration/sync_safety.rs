//! `sync`'s safety: guards that refuse a plan, targets that are left alone.

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
