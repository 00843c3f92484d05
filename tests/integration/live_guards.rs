//! Live `disable` guards and the GlobalRoute direct opt-in (issue 10, items 14 and 15), through the binary
//! against the fake API server: the cluster `live-mixed` with a few objects put on top.

use serde_json::{Value, json};

use crate::support::fake_kube::{FakeKube, parse_yaml_stream};
use crate::support::live::{
    NETWORKS, SVC_DIRECT, code, deploy, patched_paths, run, stderr, svc, writes,
};

/// `live-mixed` plus the objects of a YAML stream.
fn mixed_with(yaml: &str) -> FakeKube {
    let fake = FakeKube::from_fixture("live-mixed");
    for obj in parse_yaml_stream(yaml).expect("YAML") {
        fake.put_object(obj);
    }
    fake
}

const ENI_IP: &str =
    "/spec/template/spec/containers/0/resources/limits/tke.cloud.tencent.com~1eni-ip";

#[test]
fn disable_keeps_the_opt_in_of_workloads_another_direct_service_needs() {
    let fake = mixed_with(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-admin\n  namespace: shop\n  annotations:\n    service.cloud.tencent.com/direct-access: \"true\"\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n  - port: 8080\n",
    );
    let on = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&on), 0, "{}", stderr(&on));
    assert_eq!(
        deploy(&fake, "web").pointer(NETWORKS),
        Some(&json!("tke-route-eni"))
    );
    fake.clear_requests();

    let off = run(&fake, &["disable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&off), 0, "{}", stderr(&off));
    let err = stderr(&off);
    for w in ["deploy/web", "deploy/web-canary"] {
        assert!(
            err.contains(&format!(
                "warning: {w}: keeps its ENI opt-in: it still backs svc/web-admin, which stays direct"
            )),
            "{err}"
        );
    }
    assert!(err.contains("2 workloads keep their ENI opt-in"), "{err}");
    assert_eq!(
        patched_paths(&fake),
        ["/api/v1/namespaces/shop/services/web"]
    );
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
    let web = deploy(&fake, "web");
    assert_eq!(web.pointer(NETWORKS), Some(&json!("tke-route-eni")));
    assert_eq!(web.pointer(ENI_IP), Some(&json!("1")));

    // With --force the opt-in goes too (the reason stays as a warning).
    let on = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&on), 0, "{}", stderr(&on));
    let forced = run(
        &fake,
        &["disable", "svc/web", "-n", "shop", "--yes", "--force"],
    );
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(stderr(&forced).contains("deploy/web: --force: it still backs svc/web-admin"));
    assert!(deploy(&fake, "web").pointer(NETWORKS).is_none());
}

#[test]
fn disable_refuses_an_ingress_with_cluster_ip_backends_unless_forced() {
    let fake = mixed_with(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: internal\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\n  namespace: shop\n  annotations:\n    ingress.cloud.tencent.com/direct-access: \"true\"\nspec:\n  ingressClassName: qcloud\n  defaultBackend:\n    service:\n      name: internal\n      port:\n        number: 80\n",
    );
    let out = run(&fake, &["disable", "ing/shop", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: ing/shop routes to svc/internal (type ClusterIP): out of direct mode TKE's ingress controller needs NodePort or LoadBalancer backends (ingress error E4047)"),
        "{err}"
    );
    assert!(
        err.contains("nothing was changed: pass --force to disable anyway"),
        "{err}"
    );
    assert!(writes(&fake).is_empty(), "{:?}", writes(&fake));

    let json = run(
        &fake,
        &["disable", "ing/shop", "-n", "shop", "--yes", "-o", "json"],
    );
    assert_eq!(code(&json), 2);
    let v: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(v["mode"], "refused");
    let ing = v["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "Ingress")
        .unwrap();
    assert_eq!(ing["action"], "refused");
    assert!(ing["reason"].as_str().unwrap().contains("E4047"));
    assert_eq!(v["summary"]["exitCode"], 2);
    assert!(writes(&fake).is_empty());

    let forced = run(
        &fake,
        &["disable", "ing/shop", "-n", "shop", "--yes", "--force"],
    );
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(
        patched_paths(&fake)
            .contains(&"/apis/networking.k8s.io/v1/namespaces/shop/ingresses/shop".to_string())
    );
}

#[test]
fn disable_refuses_a_service_without_node_ports() {
    let fake = mixed_with(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\n  annotations:\n    service.cloud.tencent.com/direct-access: \"true\"\nspec:\n  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  selector:\n    app: api\n  ports:\n  - port: 80\n",
    );
    let out = run(&fake, &["disable", "svc/api", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("svc/api has allocateLoadBalancerNodePorts: false"),
        "{}",
        stderr(&out)
    );
    assert!(writes(&fake).is_empty());
}

#[test]
fn with_global_route_direct_on_enable_opts_workloads_in_only_when_asked() {
    let fake = mixed_with(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: tke-service-controller-config\n  namespace: kube-system\ndata:\n  VERSION: \"v2.3.1\"\n  GlobalRouteDirectAccess: \"true\"\n",
    );
    let out = run(&fake, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: GlobalRouteDirectAccess is on in kube-system/tke-service-controller-config: GlobalRouter pods are direct backends as they are (GlobalRoute direct), so workloads are not opted into an ENI; pass --eni shared or --eni exclusive to opt them in"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        patched_paths(&fake),
        ["/api/v1/namespaces/shop/services/web"]
    );
    assert!(deploy(&fake, "web").pointer(NETWORKS).is_none());

    let asked = run(
        &fake,
        &[
            "enable", "svc/web", "-n", "shop", "--yes", "--eni", "shared",
        ],
    );
    assert_eq!(code(&asked), 0, "{}", stderr(&asked));
    assert!(!stderr(&asked).contains("GlobalRouteDirectAccess is on"));
    assert_eq!(
        deploy(&fake, "web").pointer(NETWORKS),
        Some(&json!("tke-route-eni"))
    );
}
