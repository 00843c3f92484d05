//! How live `enable` writes: resourceVersion preconditions, conflicts re-read and re-planned, concurrent
//! writers kept, RBAC refusals, partial runs, server-side dry runs.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::fake_kube::{FakeKube, Fault};
use crate::support::live::{
    SVC_DIRECT, assert_only_precondition_patches, code, deploy, run, stderr, svc, writes,
};

/// `tkedirect enable TARGET -n shop --yes` in the background, returned once its first PATCH reached the
/// fake (which holds it with a delay fault, so the test can change the object meanwhile).
fn spawn_until_patch(fake: &FakeKube, target: &str) -> std::process::Child {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tkedirect"))
        .args(["enable", target, "-n", "shop", "--yes", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .env_remove("KUBECONFIG")
        .env_remove("TKEDIRECT_NETWORK_MODE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn tkedirect");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !fake.requests().iter().any(|r| r.method == "PATCH") {
        assert!(Instant::now() < deadline, "tkedirect never sent its PATCH");
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

#[test]
fn a_conflict_is_re_read_re_planned_and_retried() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    fake.fault(Fault {
        method: Some("PATCH".into()),
        path_contains: "/services/web".into(),
        status: 409,
        times: 1,
        ..Default::default()
    });
    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("after 1 conflicts"),
        "{}",
        stderr(&out)
    );
    let reqs = fake.requests();
    let patches: Vec<usize> = reqs
        .iter()
        .enumerate()
        .filter(|(_, r)| r.method == "PATCH")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(patches.len(), 2);
    assert!(
        reqs[patches[0]..patches[1]]
            .iter()
            .any(|r| r.method == "GET" && r.path == "/api/v1/namespaces/shop/services/web"),
        "re-read between the attempts"
    );
    assert_eq!(svc(&fake, "web").pointer(SVC_DIRECT), Some(&json!("true")));
}

#[test]
fn a_concurrent_writer_between_read_and_write_keeps_its_change() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    // Hold the first PATCH of the Service long enough for another writer to change it.
    fake.fault(Fault {
        method: Some("PATCH".into()),
        path_contains: "/services/web".into(),
        status: 0,
        delay_ms: 1500,
        times: 1,
        ..Default::default()
    });
    let child = spawn_until_patch(&fake, "svc/web");
    let mut other = svc(&fake, "web");
    other["metadata"]["annotations"]["other-writer.example.com/touched"] = json!("yes");
    fake.put_object(other);
    let out = child.wait_with_output().expect("tkedirect finished");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("after 1 conflicts"),
        "{}",
        stderr(&out)
    );
    let after = svc(&fake, "web");
    assert_eq!(after.pointer(SVC_DIRECT), Some(&json!("true")));
    assert_eq!(
        after.pointer("/metadata/annotations/other-writer.example.com~1touched"),
        Some(&json!("yes")),
        "the other writer's field survives"
    );
    assert_only_precondition_patches(&fake);
}

/// The change re-planned after a conflict must be the one shown. Another writer inserts a container ahead
/// of the one the ENI resource was planned for: the re-plan would put it on the newcomer (the edit's path,
/// `containers[0]`, is the same, the container is not), so nothing more is sent and the run fails.
#[test]
fn a_re_plan_that_would_change_another_container_is_not_sent() {
    let fake = FakeKube::from_fixture("live-mixed");
    fake.fault(Fault {
        method: Some("PATCH".into()),
        path_contains: "/deployments/web".into(),
        status: 0,
        delay_ms: 1500,
        times: 1,
        ..Default::default()
    });
    let child = spawn_until_patch(&fake, "deploy/web");
    let mut other = deploy(&fake, "web");
    let containers = other["spec"]["template"]["spec"]["containers"]
        .as_array_mut()
        .unwrap();
    containers.insert(
        0,
        json!({"name": "istio-proxy", "image": "istio/proxyv2:1.22"}),
    );
    fake.put_object(other);
    let out = child.wait_with_output().expect("tkedirect finished");
    assert_ne!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the change would now be different"),
        "{}",
        stderr(&out)
    );
    let patches = fake
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .count();
    assert_eq!(patches, 1, "the re-planned change was not sent");
    let after = deploy(&fake, "web");
    assert!(
        after["spec"]["template"]["spec"]["containers"][0]["resources"].is_null(),
        "{after:#}"
    );
}

#[test]
fn endless_conflicts_fail_clearly_after_bounded_retries() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    fake.fault(Fault {
        method: Some("PATCH".into()),
        path_contains: "/services/web".into(),
        status: 409,
        times: 100,
        ..Default::default()
    });
    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("409 Conflict on each of 5 attempts"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&fake).len(), 5);
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

#[test]
fn a_forbidden_patch_exits_2_naming_the_verb_and_resource() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    fake.forbid("patch", "services", Some("shop"));
    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("cannot patch services in namespace shop"),
        "{err}"
    );
    assert!(err.contains("grant patch on services"), "{err}");
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

#[test]
fn a_failure_after_a_write_is_a_partial_exit_3() {
    let fake = FakeKube::from_fixture("live-mixed");
    fake.forbid("patch", "services", None);
    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("deploy/web: patched"), "{err}");
    assert!(err.contains("svc/web: forbidden"), "{err}");
    assert!(err.contains("stopped at the first failure"), "{err}");
}

#[test]
fn server_dry_run_sends_dry_run_all_and_changes_nothing() {
    let fake = FakeKube::from_fixture("live-mixed");
    let before = (svc(&fake, "web"), deploy(&fake, "web"));
    let out = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--dry-run=server"],
    );
    assert_eq!(code(&out), 1, "changes stay pending: {}", stderr(&out));
    let w = writes(&fake);
    assert_eq!(w.len(), 3);
    for r in &w {
        assert!(r.query.split('&').any(|kv| kv == "dryRun=All"), "{r:?}");
    }
    assert_only_precondition_patches(&fake);
    assert!(
        stderr(&out).contains("accepted by the server (dry run, nothing stored)"),
        "{}",
        stderr(&out)
    );
    assert_eq!((svc(&fake, "web"), deploy(&fake, "web")), before);
}
