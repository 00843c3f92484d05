//! Live `enable` / `disable` of Service and Ingress switches: what is sent, what is kept, idempotence, the
//! namespace, and Ingresses served in older API versions.

use serde_json::{Value, json};

use crate::support::fake_kube::FakeKube;
use crate::support::live::{
    ING_DIRECT, NETWORKS, SVC_DIRECT, assert_only_precondition_patches, code, deploy,
    patched_paths, run, stderr, stdout, svc, writes,
};
use crate::support::tkedirect;

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
