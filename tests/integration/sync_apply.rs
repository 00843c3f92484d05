//! `sync --apply` end to end: batching, retries, the request rate, partial failures, the prompt.

use std::io::{Read, Write};

use serde_json::{Value, json};

use crate::support::fake_clb;
use crate::sync_world::*;

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

/// A listener holds a limited number of backends (DescribeQuota's TOTAL_TARGET_BIND_QUOTA, else
/// `--max-targets`): the plan says so before anything is written, and when the CLB refuses anyway its own
/// reason is in the table.
#[test]
fn the_backend_quota_is_said_before_writing_and_the_clbs_refusal_shows_in_the_table() {
    let w = world(ready_web(4));
    w.clb.set_bind_quota(Some(3));
    let (code, out, _) = w.run(&["svc/web"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(
            "Blocked: lbl-http TCP:80 would hold 4 targets; the CLB holds 3 per listener or rule (TOTAL_TARGET_BIND_QUOTA from DescribeQuota)"
        ),
        "{out}"
    );
    let (code, v) = w.json(&["svc/web", "--apply"]);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["listeners"][0]["guard"]["id"], "exceeds-quota");
    assert_eq!(
        v["targetQuota"],
        json!({"limit": 3, "source": "DescribeQuota"})
    );
    assert_eq!(w.clb.writes(), 0);

    // Not allowed to ask for the quota: --max-targets decides. Set too high, the CLB refuses and says why.
    w.clb
        .inject("DescribeQuota", "AuthFailure.UnauthorizedOperation", 2);
    let (code, out, err) = w.run(&["svc/web", "--apply", "--max-targets", "10", "-v"]);
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("no quota from the API"), "{err}");
    assert!(
        out.contains("the CLB says \"LimitExceeded: the number of backends of listener lbl-http would exceed the quota 3"),
        "{out}"
    );
    assert!(w.clb.targets("lbl-http", "").is_empty());
}

/// A write that answers with a task is waited for (DescribeTaskStatus) before the next write and before
/// verifying: a task that takes longer than a few seconds is not called a partial failure.
#[test]
fn asynchronous_writes_are_awaited_before_verifying() {
    let w = world(ready_web(2));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    w.clb.async_tasks(std::time::Duration::from_millis(3500));
    let (code, out, err) = w.run(&["svc/web", "--apply"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("Verified with DescribeTargets: in sync."),
        "{out}"
    );
    assert!(
        err.contains("BatchRegisterTargets 1/1: 1 targets (task succeeded)"),
        "{err}"
    );
    let calls = w.clb.calls();
    let polls: Vec<usize> = calls
        .iter()
        .enumerate()
        .filter(|(_, c)| c.action == "DescribeTaskStatus")
        .map(|(i, _)| i)
        .collect();
    assert!(polls.len() >= 3, "polled while the task ran: {polls:?}");
    let verify = calls
        .iter()
        .rposition(|c| c.action == "DescribeTargets")
        .unwrap();
    assert!(*polls.last().unwrap() < verify);
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
}

/// A rerun while the CLB's task from an earlier run is still running does not send the same batch again:
/// the task is remembered (in the state directory) and waited for.
#[test]
fn a_rerun_while_a_task_still_runs_does_not_send_the_batch_again() {
    let w = world(ready_web(2));
    w.clb.bind("lbl-http", "", "10.0.0.1", 8080, 10);
    w.clb.async_tasks(std::time::Duration::from_secs(6));
    // The first run stops waiting after a second: partly done, the task still running.
    let (code, out, err) = w.run(&["svc/web", "--apply", "--wait", "1s"]);
    assert_eq!(code, 3, "{out}\n{err}");
    assert!(out.contains("was still running after 1 s"), "{out}");
    let ledger = w.home.path().join(".local/state/tkedirect/clb-tasks.json");
    assert!(
        std::fs::read_to_string(&ledger)
            .unwrap()
            .contains("BatchRegisterTargets")
    );
    // Right away again: the targets do not show the registration yet, but it is not sent twice.
    let (code, v) = w.json(&["svc/web", "--apply", "--wait", "0"]);
    assert_eq!(code, 2, "{v:#}");
    assert_eq!(v["status"], "failed");
    assert!(
        v["apply"]["error"]
            .as_str()
            .unwrap()
            .contains("of an earlier sync is still running"),
        "{v:#}"
    );
    assert_eq!(w.clb.count("BatchRegisterTargets"), 1);
    // Given time, the rerun waits for the task and finds the CLB in sync.
    let (code, out, err) = w.run(&["svc/web", "--apply", "--wait", "20s"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("In sync: nothing to apply"), "{err}");
    assert_eq!(w.clb.count("BatchRegisterTargets"), 1);
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10"]
    );
    assert_eq!(std::fs::read_to_string(&ledger).unwrap().trim(), "[]");
}
