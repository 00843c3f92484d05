//! Live `enable` / `disable` in mixed GlobalRouter + VPC-CNI clusters: the workloads behind a Service or an
//! Ingress are linked, opted into an ENI before the switch, and only they are.

use serde_json::{Value, json};

use crate::support::fake_kube::FakeKube;
use crate::support::live::{
    NETWORKS, SVC_DIRECT, assert_only_precondition_patches, code, deploy, patched_paths, run,
    stderr, svc, writes,
};

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
