//! The fake API server itself: wire-format fidelity, proven with kube and (where installed) the real kubectl.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::fake_kube::{FakeKube, Fault};

const SMALL: &str = r#"
apiVersion: v1
kind: Namespace
metadata: {name: web}
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
  namespace: web
  labels: {app: nginx, tier: fe}
spec:
  type: LoadBalancer
  selector: {app: nginx}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  namespace: web
  labels: {app: nginx}
spec:
  replicas: 2
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{containerPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: web
  annotations: {kubernetes.io/ingress.class: qcloud}
spec:
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: nginx, port: {number: 80}}}
---
apiVersion: v1
kind: Pod
metadata: {name: nginx-1, namespace: web, labels: {app: nginx}}
spec:
  nodeName: node-1
  containers: [{name: nginx, image: nginx:1.25}]
status: {phase: Running, podIP: 10.0.0.5}
---
apiVersion: v1
kind: Pod
metadata: {name: nginx-2, namespace: web, labels: {app: nginx}}
spec:
  nodeName: node-2
  containers: [{name: nginx, image: nginx:1.25}]
status: {phase: Pending}
"#;

fn get(url: &str) -> (u16, Value) {
    // A tiny HTTP/1.1 GET over std, so the wire format is checked without any Kubernetes client.
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let (head, body) = buf.split_once("\r\n\r\n").unwrap();
    let code: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (code, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    loop {
        let (len, rest) = s.split_once("\r\n").unwrap();
        let n = usize::from_str_radix(len.trim(), 16).unwrap();
        if n == 0 {
            return out;
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

#[test]
fn lists_are_real_list_json_with_pagination() {
    let fake = FakeKube::from_yaml(SMALL);
    let (code, list) = get(&format!("{}/api/v1/pods?limit=1", fake.url()));
    assert_eq!(code, 200);
    assert_eq!(list["kind"], "PodList");
    assert_eq!(list["apiVersion"], "v1");
    assert!(list["metadata"]["resourceVersion"].is_string());
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(
        list["items"][0].get("kind").is_none(),
        "items carry no kind, like the real server"
    );
    assert_eq!(list["metadata"]["remainingItemCount"], 1);
    let token = list["metadata"]["continue"].as_str().unwrap().to_string();
    let (_, page2) = get(&format!(
        "{}/api/v1/pods?limit=1&continue={token}",
        fake.url()
    ));
    assert_eq!(page2["items"][0]["metadata"]["name"], "nginx-2");
    assert!(page2["metadata"].get("continue").is_none());

    let (_, sel) = get(&format!(
        "{}/api/v1/namespaces/web/pods?fieldSelector=status.phase%21%3DPending",
        fake.url()
    ));
    assert_eq!(sel["items"].as_array().unwrap().len(), 1);
    let (_, sel) = get(&format!(
        "{}/api/v1/services?labelSelector=tier%20in%20(fe,be),app",
        fake.url()
    ));
    assert_eq!(sel["items"].as_array().unwrap().len(), 1);
    let (code, bad) = get(&format!(
        "{}/api/v1/pods?fieldSelector=spec.foo%3Dx",
        fake.url()
    ));
    assert_eq!((code, bad["kind"].as_str()), (400, Some("Status")));
}

#[test]
fn errors_are_status_objects() {
    let fake = FakeKube::from_yaml(SMALL);
    let (code, st) = get(&format!(
        "{}/api/v1/namespaces/web/services/nope",
        fake.url()
    ));
    assert_eq!(code, 404);
    assert_eq!(
        (st["kind"].as_str(), st["reason"].as_str()),
        (Some("Status"), Some("NotFound"))
    );

    fake.forbid("list", "daemonsets", Some("kube-system"));
    let (code, st) = get(&format!(
        "{}/apis/apps/v1/namespaces/kube-system/daemonsets",
        fake.url()
    ));
    assert_eq!((code, st["reason"].as_str()), (403, Some("Forbidden")));
    assert!(
        st["message"]
            .as_str()
            .unwrap()
            .contains("cannot list resource \"daemonsets\"")
    );

    fake.fault(Fault {
        path_contains: "/api/v1/nodes".into(),
        status: 429,
        times: 1,
        retry_after: Some(2),
        ..Default::default()
    });
    let (code, st) = get(&format!("{}/api/v1/nodes", fake.url()));
    assert_eq!(
        (code, st["details"]["retryAfterSeconds"].as_u64()),
        (429, Some(2))
    );
    let (code, _) = get(&format!("{}/api/v1/nodes", fake.url()));
    assert_eq!(code, 200, "a fault fires only `times` times");

    fake.serve_groups(&["v1", "apps/v1", "extensions/v1beta1"]);
    let (code, _) = get(&format!(
        "{}/apis/networking.k8s.io/v1/ingresses",
        fake.url()
    ));
    assert_eq!(code, 404);
    let (_, groups) = get(&format!("{}/apis", fake.url()));
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["apps", "extensions"]);
}

#[test]
fn version_is_derived_from_git_version() {
    let fake = FakeKube::from_yaml(SMALL);
    fake.set_version("v1.20.6-tke.12");
    let (_, v) = get(&format!("{}/version", fake.url()));
    assert_eq!(
        (v["major"].as_str(), v["minor"].as_str()),
        (Some("1"), Some("20+"))
    );
    assert_eq!(v["gitVersion"], "v1.20.6-tke.12");
}

/// kube (the Rust client tkedirect uses) against the fake: typed GET, merge/JSON/strategic/apply patches,
/// the resourceVersion precondition, dry run and generation.
#[test]
fn kube_client_patches() {
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Service;
    use kube::api::{Api, Patch, PatchParams};

    let fake = FakeKube::from_yaml(SMALL);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let kubeconfig = kube::config::Kubeconfig::read_from(fake.kubeconfig()).unwrap();
        let config = kube::Config::from_custom_kubeconfig(kubeconfig, &Default::default()).await.unwrap();
        let client = kube::Client::try_from(config).unwrap();
        let svcs: Api<Service> = Api::namespaced(client.clone(), "web");
        let svc = svcs.get("nginx").await.unwrap();
        let rv = svc.metadata.resource_version.clone().unwrap();
        assert!(svcs.get_opt("missing").await.unwrap().is_none());

        let p = json!({"metadata": {"annotations": {"service.cloud.tencent.com/direct-access": "true"}}});
        let svc2 = svcs.patch("nginx", &PatchParams::default(), &Patch::Merge(&p)).await.unwrap();
        assert_ne!(svc2.metadata.resource_version.as_deref(), Some(rv.as_str()));

        // A stale resourceVersion precondition is a 409 Conflict.
        let stale = json!({"metadata": {"resourceVersion": rv, "annotations": {"x": "y"}}});
        let err = svcs.patch("nginx", &PatchParams::default(), &Patch::Merge(&stale)).await.unwrap_err();
        assert!(matches!(&err, kube::Error::Api(s) if s.code == 409), "{err:?}");

        // Dry run answers without storing.
        let dry = PatchParams { dry_run: true, ..Default::default() };
        let p = json!({"metadata": {"labels": {"dry": "run"}}});
        let out = svcs.patch("nginx", &dry, &Patch::Merge(&p)).await.unwrap();
        assert_eq!(out.metadata.labels.unwrap()["dry"], "run");
        assert!(!svcs.get("nginx").await.unwrap().metadata.labels.unwrap().contains_key("dry"));

        let deps: Api<Deployment> = Api::namespaced(client.clone(), "web");
        let gen0 = deps.get("nginx").await.unwrap().metadata.generation.unwrap();
        // Strategic merge: containers merge by name.
        let p = json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "resources": {"limits": {"tke.cloud.tencent.com/eni-ip": "1"}}}]}}}});
        let d = deps.patch("nginx", &PatchParams::default(), &Patch::Strategic(&p)).await.unwrap();
        let c = &d.spec.as_ref().unwrap().template.spec.as_ref().unwrap().containers[0];
        assert_eq!(c.image.as_deref(), Some("nginx:1.25"));
        assert_eq!(d.metadata.generation, Some(gen0 + 1));
        // What tkedirect does not send is refused as a real server refuses an unknown patch type.
        let req = http::Request::patch("/apis/apps/v1/namespaces/web/deployments/nginx")
            .header("content-type", "application/json-patch+json")
            .body(b"[]".to_vec())
            .unwrap();
        let err = client.request::<Deployment>(req).await.unwrap_err();
        assert!(matches!(&err, kube::Error::Api(s) if s.code == 415), "{err:?}");
    });
    let kinds: Vec<String> = fake
        .requests()
        .iter()
        .filter_map(|r| r.content_type.clone())
        .collect();
    for ct in [
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
    ] {
        assert!(
            kinds.iter().any(|k| k.starts_with(ct)),
            "no {ct} request recorded: {kinds:?}"
        );
    }
}

fn kubectl(fake: &FakeKube, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new("kubectl")
        .args(args)
        .env("KUBECONFIG", fake.kubeconfig())
        .env("HOME", home)
        .env_remove("KUBECTL_EXTERNAL_DIFF")
        .output()
        .expect("run kubectl")
}

fn have_kubectl() -> bool {
    let ok = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!(
            "SKIPPED: kubectl is not on PATH; install it (Debian: kubernetes-client) to check the fake against it"
        );
    }
    ok
}

/// The real kubectl accepts the fake: get across kinds and namespaces, annotate, patch --type=merge.
#[test]
fn kubectl_drives_the_fake() {
    if !have_kubectl() {
        return;
    }
    let fake = FakeKube::from_yaml(SMALL);
    let home = tempfile::tempdir().unwrap();
    let out = kubectl(
        &fake,
        home.path(),
        &["get", "svc,deploy,ing", "-A", "-o", "yaml"],
    );
    assert!(
        out.status.success(),
        "kubectl get failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Value = serde_saphyr::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let kinds: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Service", "Deployment", "Ingress"]);

    let out = kubectl(
        &fake,
        home.path(),
        &[
            "annotate",
            "svc/nginx",
            "-n",
            "web",
            "service.cloud.tencent.com/direct-access=true",
        ],
    );
    assert!(
        out.status.success(),
        "kubectl annotate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svc = fake.object("v1", "Service", Some("web"), "nginx").unwrap();
    assert_eq!(
        svc["metadata"]["annotations"]["service.cloud.tencent.com/direct-access"],
        "true"
    );

    let out = kubectl(
        &fake,
        home.path(),
        &[
            "patch",
            "deploy/nginx",
            "-n",
            "web",
            "--type=merge",
            "-p",
            r#"{"spec":{"template":{"metadata":{"annotations":{"tke.cloud.tencent.com/networks":"tke-route-eni"}}}}}"#,
        ],
    );
    assert!(
        out.status.success(),
        "kubectl patch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dep = fake
        .object("apps/v1", "Deployment", Some("web"), "nginx")
        .unwrap();
    assert_eq!(
        dep["spec"]["template"]["metadata"]["annotations"]["tke.cloud.tencent.com/networks"],
        "tke-route-eni"
    );
    assert_eq!(dep["metadata"]["generation"], 2);

    // Read back through kubectl too, and with selectors.
    let out = kubectl(
        &fake,
        home.path(),
        &[
            "get",
            "pods",
            "-n",
            "web",
            "-l",
            "app=nginx",
            "--field-selector",
            "status.phase=Running",
            "-o",
            "name",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "pod/nginx-1",
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let methods: Vec<String> = fake.requests().iter().map(|r| r.method.clone()).collect();
    assert!(
        methods.iter().all(|m| m == "GET" || m == "PATCH"),
        "{methods:?}"
    );
}
