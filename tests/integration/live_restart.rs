//! Live `enable --restart`: rollout restarts of the workloads whose pods lack the readiness gate, once.

use serde_json::Value;

use crate::support::fake_kube::FakeKube;
use crate::support::live::{
    RESTARTED_AT, assert_only_precondition_patches, code, deploy, patched_paths, run, stderr,
    writes,
};

#[test]
fn restart_sets_restarted_at_on_workloads_whose_pods_lack_the_gate() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let out = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--yes", "--restart"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        patched_paths(&fake),
        [
            "/api/v1/namespaces/shop/services/web",
            "/apis/apps/v1/namespaces/shop/deployments/web"
        ]
    );
    assert_only_precondition_patches(&fake);
    let at = deploy(&fake, "web")
        .pointer(RESTARTED_AT)
        .and_then(Value::as_str)
        .expect("restartedAt")
        .to_string();
    assert!(at.parse::<jiff::Timestamp>().is_ok(), "RFC 3339: {at}");
    assert!(
        stderr(&out).contains("deploy/web: restarted"),
        "{}",
        stderr(&out)
    );
    // Run again while that rollout is under way (the fake never rolls): nothing more is sent.
    fake.clear_requests();
    let again = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--yes", "--restart"],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
    assert!(
        stderr(&again).contains("deploy/web is rolling out"),
        "{}",
        stderr(&again)
    );

    // Already enabled, pods without the gate: --restart restarts and nothing else.
    let fake = FakeKube::from_fixture("gate-missing");
    let out = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--yes", "--restart"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        patched_paths(&fake),
        ["/apis/apps/v1/namespaces/shop/deployments/web"]
    );
    assert!(deploy(&fake, "web").pointer(RESTARTED_AT).is_some());

    // Pods with the gate: nothing to restart, nothing written.
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    let out = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--yes", "--restart"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
}
