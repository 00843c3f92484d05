//! Live `enable` / `disable` (no -f) through the real binary against the fake API server, via its
//! kubeconfig: plans, links, patches, conflicts, RBAC, dry runs, restarts, idempotence, JSON output.

use std::process::Output;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::fake_kube::{FakeKube, Fault, Recorded};
use crate::support::tkedirect;

fn run(fake: &FakeKube, args: &[&str]) -> Output {
    tkedirect()
        .args(args)
        .arg("--kubeconfig")
        .arg(fake.kubeconfig())
        .output()
        .expect("run tkedirect")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// Every request that is not a read.
fn writes(fake: &FakeKube) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

/// The writes are PATCHes of the managed fields only, each with a resourceVersion precondition: never a
/// PUT, a POST or a whole object.
fn assert_only_precondition_patches(fake: &FakeKube) {
    for w in writes(fake) {
        assert_eq!(w.method, "PATCH", "{w:?}");
        let ct = w.content_type.as_deref().unwrap_or_default();
        assert!(
            ct == "application/merge-patch+json" || ct == "application/strategic-merge-patch+json",
            "{w:?}"
        );
        let body: Value = serde_json::from_str(&w.body).expect("JSON patch body");
        assert!(
            body.pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .is_some_and(|rv| !rv.is_empty()),
            "no resourceVersion precondition: {}",
            w.body
        );
        for whole in [
            "/apiVersion",
            "/kind",
            "/status",
            "/metadata/name",
            "/spec/selector",
            "/spec/ports",
        ] {
            assert!(body.pointer(whole).is_none(), "{whole} sent: {}", w.body);
        }
        assert!(w.query.contains("fieldManager=tkedirect"), "{w:?}");
    }
}

fn patched_paths(fake: &FakeKube) -> Vec<String> {
    writes(fake).into_iter().map(|w| w.path).collect()
}

fn svc(fake: &FakeKube, name: &str) -> Value {
    fake.object("v1", "Service", Some("shop"), name)
        .expect("service")
}

fn deploy(fake: &FakeKube, name: &str) -> Value {
    fake.object("apps/v1", "Deployment", Some("shop"), name)
        .expect("deployment")
}

const SVC_DIRECT: &str = "/metadata/annotations/service.cloud.tencent.com~1direct-access";
const ING_DIRECT: &str = "/metadata/annotations/ingress.cloud.tencent.com~1direct-access";
const NETWORKS: &str = "/spec/template/metadata/annotations/tke.cloud.tencent.com~1networks";
const RESTARTED_AT: &str = "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt";

#[test]
fn vpc_cni_enable_patches_the_switches_and_a_second_run_writes_nothing() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let before = svc(&fake, "web");
    let out = run(
        &fake,
        &["enable", "svc/web", "ing/shop", "-n", "shop", "--yes"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(
        diff.contains("+    service.cloud.tencent.com/direct-access: \"true\""),
        "{diff}"
    );
    assert!(
        diff.contains("+    ingress.cloud.tencent.com/direct-access: \"true\""),
        "{diff}"
    );
    assert!(
        !diff.contains("loadbalance-id"),
        "only managed fields are shown:\n{diff}"
    );
    assert!(
        stderr(&out).contains("network mode vpc-cni (detected)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        patched_paths(&fake),
        [
            "/api/v1/namespaces/shop/services/web",
            "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop"
        ]
    );
    assert_only_precondition_patches(&fake);
    let after = svc(&fake, "web");
    assert_eq!(after.pointer(SVC_DIRECT), Some(&json!("true")));
    // Everything else the Service carried is still there.
    for keep in [
        "/metadata/annotations/service.kubernetes.io~1loadbalance-id",
        "/metadata/annotations/owner.example.com~1team",
        "/spec",
        "/status",
    ] {
        assert_eq!(after.pointer(keep), before.pointer(keep), "{keep}");
    }
    let ing = fake
        .object("networking.k8s.io/v1", "Ingress", Some("shop"), "shop")
        .unwrap();
    assert_eq!(ing.pointer(ING_DIRECT), Some(&json!("true")));
    // The workload is not touched in a VPC-CNI cluster, and its gate-less pods are explained.
    assert!(deploy(&fake, "web").pointer(NETWORKS).is_none());
    let err = stderr(&out);
    assert!(err.contains("2 pods of deploy/web"), "{err}");
    assert!(err.contains("--restart"), "{err}");
    assert!(err.contains("tkedirect doctor -n shop"), "{err}");

    fake.clear_requests();
    let again = run(
        &fake,
        &["enable", "svc/web", "ing/shop", "-n", "shop", "--yes"],
    );
    assert_eq!(code(&again), 0, "{}", stderr(&again));
    assert!(
        stderr(&again).contains("svc/web: already enabled"),
        "{}",
        stderr(&again)
    );
    assert!(
        stderr(&again).contains("ing/shop: already enabled"),
        "{}",
        stderr(&again)
    );
    assert!(stdout(&again).is_empty(), "{}", stdout(&again));
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));
    // Without --yes and without a terminal, an idempotent run is still exit 0.
    let plan_only = run(&fake, &["enable", "svc/web", "-n", "shop"]);
    assert_eq!(code(&plan_only), 0);
    assert!(writes(&fake).is_empty());
}

#[test]
fn the_namespace_defaults_to_the_kubeconfig_context() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    // The fake's kubeconfig context says namespace default, where svc/web does not exist.
    let out = run(&fake, &["enable", "svc/web", "--yes"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("svc/web not found in namespace default"),
        "{}",
        stderr(&out)
    );
    assert!(writes(&fake).is_empty());
    // A context whose namespace is shop: no -n needed.
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("config");
    let text = std::fs::read_to_string(fake.kubeconfig()).unwrap();
    assert!(text.contains("namespace: default"));
    std::fs::write(
        &kubeconfig,
        text.replace("namespace: default", "namespace: shop"),
    )
    .unwrap();
    let out = tkedirect()
        .args(["enable", "svc/web", "--yes"])
        .env("KUBECONFIG", &kubeconfig)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("namespace shop"), "{}", stderr(&out));
    assert_eq!(
        patched_paths(&fake),
        ["/api/v1/namespaces/shop/services/web"]
    );
}

#[test]
fn disable_removes_only_what_enable_adds() {
    let fake = FakeKube::from_fixture("vpc-cni-healthy");
    let before = svc(&fake, "web");
    let out = run(&fake, &["disable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("-    service.cloud.tencent.com/direct-access: \"true\""));
    let w = writes(&fake);
    assert_eq!(w.len(), 1);
    let body: Value = serde_json::from_str(&w[0].body).unwrap();
    assert_eq!(
        body.pointer(SVC_DIRECT),
        Some(&Value::Null),
        "removal is null in a merge patch"
    );
    assert_only_precondition_patches(&fake);
    let after = svc(&fake, "web");
    assert!(after.pointer(SVC_DIRECT).is_none());
    assert_eq!(
        after.pointer("/metadata/annotations/service.kubernetes.io~1loadbalance-id"),
        before.pointer("/metadata/annotations/service.kubernetes.io~1loadbalance-id")
    );

    fake.clear_requests();
    let again = run(&fake, &["disable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&again), 0);
    assert!(
        stderr(&again).contains("svc/web: not enabled"),
        "{}",
        stderr(&again)
    );
    assert!(writes(&fake).is_empty());

    let back = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&back), 0, "{}", stderr(&back));
    assert_eq!(svc(&fake, "web").pointer(SVC_DIRECT), Some(&json!("true")));
}

#[test]
fn mixed_links_the_workloads_behind_the_service_and_only_them() {
    let fake = FakeKube::from_fixture("live-mixed");
    let untouched: Vec<(&str, &str, Option<&str>, &str)> = vec![
        ("apps/v1", "Deployment", Some("shop"), "api"),
        ("apps/v1", "DaemonSet", Some("shop"), "logger"),
        ("apps/v1", "ReplicaSet", Some("shop"), "web-6d5f7c9b8"),
        ("apps/v1", "StatefulSet", Some("other"), "web"),
        ("v1", "Service", Some("shop"), "api"),
        ("networking.k8s.io/v1", "Ingress", Some("shop"), "shop"),
    ];
    let snapshot: Vec<Value> = untouched
        .iter()
        .map(|(a, k, n, name)| fake.object(a, k, *n, name).unwrap())
        .collect();
    let web_before = deploy(&fake, "web");

    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("network mode mixed (detected)"), "{err}");
    assert!(err.contains("linked deploy/web to svc/web"), "{err}");
    assert!(err.contains("linked deploy/web-canary to svc/web"), "{err}");
    // Workloads are opted in before the Service is switched.
    assert_eq!(
        patched_paths(&fake),
        [
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "/apis/apps/v1/namespaces/shop/deployments/web-canary",
            "/api/v1/namespaces/shop/services/web",
        ]
    );
    assert_only_precondition_patches(&fake);
    let ct: Vec<String> = writes(&fake)
        .into_iter()
        .map(|w| w.content_type.unwrap())
        .collect();
    assert_eq!(
        ct,
        [
            "application/strategic-merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/merge-patch+json"
        ]
    );
    for ((a, k, n, name), before) in untouched.iter().zip(&snapshot) {
        assert_eq!(
            &fake.object(a, k, *n, name).unwrap(),
            before,
            "{k} {name} changed"
        );
    }
    let web = deploy(&fake, "web");
    assert_eq!(web.pointer(NETWORKS), Some(&json!("tke-route-eni")));
    let c = "/spec/template/spec/containers";
    assert_eq!(web.pointer(&format!("{c}/0/name")), Some(&json!("web")));
    for part in ["requests", "limits"] {
        assert_eq!(
            web.pointer(&format!(
                "{c}/0/resources/{part}/tke.cloud.tencent.com~1eni-ip"
            )),
            Some(&json!("1"))
        );
    }
    // The strategic merge kept the rest of the template: the sidecar, the cpu request, the annotation.
    assert_eq!(
        web.pointer(&format!("{c}/1")),
        web_before.pointer(&format!("{c}/1"))
    );
    assert_eq!(
        web.pointer(&format!("{c}/0/resources/requests/cpu")),
        Some(&json!("100m"))
    );
    assert_eq!(
        web.pointer("/spec/template/metadata/annotations/prometheus.io~1scrape"),
        Some(&json!("true"))
    );
    assert_eq!(
        web.pointer("/spec/template/spec/containers")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        deploy(&fake, "web-canary").pointer(NETWORKS),
        Some(&json!("tke-route-eni"))
    );
    assert!(err.contains("deploy/web will roll"), "{err}");

    // disable is the inverse, in the opposite order: the switch first, then the workloads.
    fake.clear_requests();
    let off = run(&fake, &["disable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&off), 0, "{}", stderr(&off));
    assert_eq!(
        patched_paths(&fake),
        [
            "/api/v1/namespaces/shop/services/web",
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "/apis/apps/v1/namespaces/shop/deployments/web-canary",
        ]
    );
    let web = deploy(&fake, "web");
    assert!(web.pointer(NETWORKS).is_none());
    for part in ["requests", "limits"] {
        assert!(
            web.pointer(&format!(
                "{c}/0/resources/{part}/tke.cloud.tencent.com~1eni-ip"
            ))
            .is_none()
        );
    }
    assert_eq!(
        web.pointer(&format!("{c}/0/resources/requests/cpu")),
        Some(&json!("100m"))
    );
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

#[test]
fn mixed_ingress_follows_its_backend_to_the_workloads_not_the_service() {
    let fake = FakeKube::from_fixture("live-mixed");
    let out = run(&fake, &["enable", "ing/shop", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("linked deploy/web to ing/shop via svc/web"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        patched_paths(&fake),
        [
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "/apis/apps/v1/namespaces/shop/deployments/web-canary",
            "/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop",
        ]
    );
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

#[test]
fn a_network_mode_flag_overrides_detection() {
    let fake = FakeKube::from_fixture("live-mixed");
    let out = run(
        &fake,
        &[
            "enable",
            "svc/web",
            "-n",
            "shop",
            "--network-mode",
            "vpc-cni",
            "--yes",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--network-mode vpc-cni given"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        patched_paths(&fake),
        ["/api/v1/namespaces/shop/services/web"]
    );
}

#[test]
fn old_clusters_serve_ingress_as_extensions_v1beta1() {
    let fake = FakeKube::from_fixture("live-legacy");
    let out = run(&fake, &["enable", "ing/shop", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cluster-version-gate-beta"),
        "a warning, not a refusal: {}",
        stderr(&out)
    );
    assert_eq!(
        patched_paths(&fake),
        ["/apis/extensions/v1beta1/namespaces/shop/ingresses/shop"]
    );
    let ing = fake
        .object("extensions/v1beta1", "Ingress", Some("shop"), "shop")
        .unwrap();
    assert_eq!(ing.pointer(ING_DIRECT), Some(&json!("true")));
}

#[test]
fn clusters_serving_networking_v1beta1_ingress_work_too() {
    let dir = crate::support::fake_kube::fixture_dir("live-legacy");
    let (objects, _, _) = crate::support::fake_kube::read_fixture(&dir);
    let objects: Vec<Value> = objects
        .into_iter()
        .map(|mut o| {
            if o["kind"] == "Ingress" {
                o["apiVersion"] = json!("networking.k8s.io/v1beta1");
            }
            o
        })
        .collect();
    let fake = FakeKube::start(objects);
    fake.set_version("v1.18.20-tke.1");
    fake.serve_groups(&[
        "v1",
        "apps/v1",
        "batch/v1",
        "networking.k8s.io/v1beta1",
        "admissionregistration.k8s.io/v1",
    ]);
    let out = run(&fake, &["enable", "ing/shop", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        patched_paths(&fake),
        ["/apis/networking.k8s.io/v1beta1/namespaces/shop/ingresses/shop"]
    );
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
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tkedirect"))
        .args(["enable", "svc/web", "-n", "shop", "--yes", "--kubeconfig"])
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

#[test]
fn client_dry_run_and_no_terminal_only_print_the_plan() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let dry = run(&fake, &["enable", "svc/web", "-n", "shop", "--dry-run"]);
    assert_eq!(code(&dry), 1);
    assert!(stdout(&dry).contains("+    service.cloud.tencent.com/direct-access: \"true\""));
    let plan_only = run(&fake, &["enable", "svc/web", "-n", "shop"]);
    assert_eq!(code(&plan_only), 1);
    assert_eq!(stdout(&plan_only), stdout(&dry));
    assert!(
        stderr(&plan_only).contains("no terminal to confirm on"),
        "{}",
        stderr(&plan_only)
    );
    assert!(writes(&fake).is_empty());
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

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

#[test]
fn a_failing_prerequisite_refuses_unless_forced() {
    let fake = FakeKube::from_fixture("global-router-only");
    // disable is never refused: it is the way back.
    let off = run(&fake, &["disable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&off), 0, "{}", stderr(&off));
    assert!(
        stderr(&off).contains("global-router-direct-access-off"),
        "{}",
        stderr(&off)
    );
    fake.clear_requests();

    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("prerequisite global-router-direct-access-off failed"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert!(writes(&fake).is_empty());
    let json = run(&fake, &["enable", "svc/web", "-n", "shop", "-o", "json"]);
    assert_eq!(code(&json), 2);
    let v: Value = serde_json::from_slice(&json.stdout).expect("JSON even when refused");
    assert_eq!(v["mode"], "refused");
    assert_eq!(v["prerequisites"]["passed"], false);
    assert_eq!(
        v["prerequisites"]["findings"][0]["check"],
        "global-router-direct-access-off"
    );
    assert_eq!(v["summary"]["exitCode"], 2);
    assert!(writes(&fake).is_empty());

    let forced = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "--yes", "--force"],
    );
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("--force: going on"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(svc(&fake, "web").pointer(SVC_DIRECT), Some(&json!("true")));
}

#[test]
fn json_output_is_the_versioned_plan_and_result() {
    let fake = FakeKube::from_fixture("live-mixed");
    let plan = run(&fake, &["enable", "svc/web", "-n", "shop", "-o", "json"]);
    assert_eq!(code(&plan), 1);
    let v: Value = serde_json::from_slice(&plan.stdout).expect("JSON on stdout");
    assert_eq!(v["version"], 1);
    assert_eq!(v["command"], "enable");
    assert_eq!(v["mode"], "plan");
    assert_eq!(v["cluster"]["networkMode"], "mixed");
    assert_eq!(v["cluster"]["networkModeSource"], "detected");
    assert_eq!(v["prerequisites"]["passed"], true);
    let objects = v["objects"].as_array().unwrap();
    let names: Vec<String> = objects
        .iter()
        .map(|o| {
            format!(
                "{}/{} {}",
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap(),
                o["selected"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Deployment/web linked",
            "Deployment/web-canary linked",
            "Service/web named"
        ]
    );
    assert_eq!(objects[0]["linkedFrom"], "svc/web");
    assert_eq!(objects[0]["patch"]["type"], "strategic");
    assert_eq!(objects[2]["patch"]["type"], "merge");
    assert_eq!(
        objects[2]["patch"]["body"]["metadata"]["annotations"]["service.cloud.tencent.com/direct-access"],
        "true"
    );
    assert!(
        objects[2]["diff"]
            .as_str()
            .unwrap()
            .contains("+    service.cloud.tencent.com/direct-access: \"true\"")
    );
    assert!(objects.iter().all(|o| o["result"]["status"] == "not-sent"));
    assert_eq!(v["summary"]["changes"], 3);
    assert_eq!(v["summary"]["exitCode"], 1);
    assert!(writes(&fake).is_empty());

    let applied = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "-o", "json", "--yes"],
    );
    assert_eq!(code(&applied), 0, "{}", stderr(&applied));
    let v: Value = serde_json::from_slice(&applied.stdout).unwrap();
    assert_eq!(v["mode"], "applied");
    for o in v["objects"].as_array().unwrap() {
        assert_eq!(o["result"]["status"], "applied", "{o}");
        assert_eq!(o["result"]["attempts"], 1);
        assert!(o["result"]["resourceVersion"].is_string());
    }
    assert_eq!(v["summary"]["applied"], 3);
    assert_eq!(v["summary"]["exitCode"], 0);
    let workloads = v["workloads"].as_array().unwrap();
    assert_eq!(workloads[0]["name"], "web");
    assert_eq!(workloads[0]["rolls"], true);
    assert_eq!(workloads[0]["podsWithoutGate"].as_array().unwrap().len(), 2);
}

#[test]
fn usage_errors_write_nothing() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let none = run(&fake, &["enable", "-n", "shop"]);
    assert_eq!(code(&none), 2);
    assert!(
        stderr(&none).contains("name the live objects to enable"),
        "{}",
        stderr(&none)
    );
    let missing = run(
        &fake,
        &[
            "enable",
            "svc/web",
            "svc/nope",
            "deploy/gone",
            "-n",
            "shop",
            "--yes",
        ],
    );
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("svc/nope, deploy/gone not found in namespace shop"),
        "{}",
        stderr(&missing)
    );
    let write = run(&fake, &["enable", "svc/web", "-n", "shop", "--write"]);
    assert_eq!(code(&write), 2);
    let restart = run(&fake, &["disable", "svc/web", "-n", "shop", "--restart"]);
    assert_eq!(code(&restart), 2);
    assert!(writes(&fake).is_empty());
    // Live flags make no sense with -f.
    fake.clear_requests();
    for flag in [
        "--yes",
        "--restart",
        "--force",
        "--dry-run",
        "-ojson",
        "--context=x",
    ] {
        tkedirect()
            .args(["enable", "-f", "-", flag])
            .write_stdin("")
            .assert()
            .code(2);
    }
    tkedirect()
        .args(["enable", "-f", "-", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "with -f, tkedirect edits manifests",
        ));
    assert!(fake.requests().is_empty(), "file mode reads no cluster");
}

#[test]
fn named_workloads_owned_by_a_controller_are_skipped_with_the_reason() {
    let fake = FakeKube::from_fixture("live-mixed");
    let out = run(
        &fake,
        &["enable", "rs/web-6d5f7c9b8", "-n", "shop", "--yes"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rs/web-6d5f7c9b8: skipped: managed by deploy/web"),
        "{}",
        stderr(&out)
    );
    assert!(writes(&fake).is_empty());
}

/// Run tkedirect on a pseudo-terminal (util-linux `script`), typing `answer`. None when `script` is missing.
fn on_terminal(fake: &FakeKube, args: &str, answer: &str) -> Option<Output> {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: util-linux `script` is not installed, so no pseudo-terminal test");
        return None;
    }
    let cmd = format!(
        "{} {args} --kubeconfig {}",
        env!("CARGO_BIN_EXE_tkedirect"),
        fake.kubeconfig().display()
    );
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .env("NO_COLOR", "1")
        .env_remove("KUBECONFIG")
        .env_remove("TKEDIRECT_NETWORK_MODE")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn script");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    Some(child.wait_with_output().expect("script finished"))
}

#[test]
fn on_a_terminal_it_asks_and_only_yes_applies() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let Some(no) = on_terminal(&fake, "enable svc/web -n shop", "n\n") else {
        return;
    };
    let text = stdout(&no);
    assert!(
        text.contains("Enable direct access on 1 object in namespace shop on http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(code(&no), 1, "{text}");
    assert!(writes(&fake).is_empty());

    let yes = on_terminal(&fake, "enable svc/web -n shop", "y\n").unwrap();
    assert_eq!(code(&yes), 0, "{}", stdout(&yes));
    assert!(
        stdout(&yes).contains("svc/web: patched"),
        "{}",
        stdout(&yes)
    );
    assert_eq!(svc(&fake, "web").pointer(SVC_DIRECT), Some(&json!("true")));
}
