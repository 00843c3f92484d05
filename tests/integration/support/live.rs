//! Helpers of the live `enable` / `disable` tests: running the binary against the fake API server (via
//! its kubeconfig), and what the fake received and stores.

use std::process::Output;

use serde_json::Value;

use super::fake_kube::{FakeKube, Recorded};
use super::tkedirect;

pub fn run(fake: &FakeKube, args: &[&str]) -> Output {
    tkedirect()
        .args(args)
        .arg("--kubeconfig")
        .arg(fake.kubeconfig())
        .output()
        .expect("run tkedirect")
}

pub use super::{stderr, stdout};

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// Every request that is not a read.
pub fn writes(fake: &FakeKube) -> Vec<Recorded> {
    fake.requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect()
}

/// The writes are PATCHes of the managed fields only, each with a resourceVersion precondition: never a
/// PUT, a POST or a whole object.
pub fn assert_only_precondition_patches(fake: &FakeKube) {
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

pub fn patched_paths(fake: &FakeKube) -> Vec<String> {
    writes(fake).into_iter().map(|w| w.path).collect()
}

pub fn svc(fake: &FakeKube, name: &str) -> Value {
    fake.object("v1", "Service", Some("shop"), name)
        .expect("service")
}

pub fn deploy(fake: &FakeKube, name: &str) -> Value {
    fake.object("apps/v1", "Deployment", Some("shop"), name)
        .expect("deployment")
}

pub const SVC_DIRECT: &str = "/metadata/annotations/service.cloud.tencent.com~1direct-access";
pub const ING_DIRECT: &str = "/metadata/annotations/ingress.cloud.tencent.com~1direct-access";
pub const NETWORKS: &str = "/spec/template/metadata/annotations/tke.cloud.tencent.com~1networks";
pub const RESTARTED_AT: &str =
    "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt";

/// Run tkedirect on a pseudo-terminal (util-linux `script`), typing `answer`. None when `script` is missing.
pub fn on_terminal(fake: &FakeKube, args: &str, answer: &str) -> Option<Output> {
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
