//! Proxies: the Kubernetes API through a kubeconfig `proxy-url` (HTTP CONNECT, plain or inside TLS, and
//! SOCKS5) and the
//! environment, and the CLB API through `HTTPS_PROXY`, each via a loopback proxy whose own log shows the
//! traffic went through it.
//!
//! How the tests make sure nothing bypasses the proxy: the kubeconfig names the API server as
//! `127.0.0.2:PORT`, where nothing listens (the fake listens on 127.0.0.1); only the proxy's route table
//! leads from that address to the fake. The CLB endpoint is `https://clb.tkedirect.test`, a name that
//! exists only in the proxy's table (`.test` is reserved and never resolves), served with the test
//! certificate that `SSL_CERT_FILE` makes trusted.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value, json};

use crate::support::fake_clb::{self, FakeClb};
use crate::support::fake_kube::FakeKube;
use crate::support::proxy::{TestProxy, tls_fixture};
use crate::support::tkedirect;
use crate::support::{stderr, stdout};

fn addr_of(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .parse()
        .expect("host:port")
}

/// A kubeconfig for `fake` whose server is `server` (`http://HOST:PORT`), with an optional `proxy-url`.
fn kubeconfig(dir: &Path, server: &str, proxy_url: Option<&str>) -> PathBuf {
    let proxy = proxy_url
        .map(|p| format!("    proxy-url: {p}\n"))
        .unwrap_or_default();
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: fake\n  cluster:\n    server: {server}\n{proxy}contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: default\ncurrent-context: fake\nusers:\n- name: fake\n  user:\n    token: fake-token\n"
    );
    let path = dir.join(format!("kubeconfig-{}", rand_suffix()));
    std::fs::write(&path, text).unwrap();
    path
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// The fake API server behind a proxy: the proxy routes `127.0.0.2:PORT` to it.
struct Behind {
    fake: FakeKube,
    proxy: TestProxy,
    /// `http://127.0.0.2:PORT`: reachable only through the proxy.
    server: String,
    dir: tempfile::TempDir,
}

fn behind(proxy: TestProxy, fixture: &str) -> Behind {
    let fake = FakeKube::from_fixture(fixture);
    let real = addr_of(&fake.url());
    let hidden = format!("127.0.0.2:{}", real.port());
    proxy.route(&hidden, real);
    Behind {
        fake,
        proxy,
        server: format!("http://{hidden}"),
        dir: tempfile::tempdir().unwrap(),
    }
}

fn run(kubeconfig: &Path, args: &[&str]) -> Output {
    tkedirect()
        .args(args)
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .arg("--request-timeout")
        .arg("10s")
        .output()
        .unwrap()
}

/// check, doctor and a live enable, through `proxy-url`, give what they give without a proxy.
fn check_doctor_enable_through(proxy: TestProxy, log_prefix: &str) {
    let b = behind(proxy, "live-vpc-cni");
    let direct = FakeKube::from_fixture("live-vpc-cni");
    let via = kubeconfig(b.dir.path(), &b.server, Some(&b.proxy.url()));
    let hidden = b.server.trim_start_matches("http://").to_string();

    // Without the proxy, the server address leads nowhere: what follows can only work through it.
    let nowhere = run(&kubeconfig(b.dir.path(), &b.server, None), &["check"]);
    assert_eq!(nowhere.status.code(), Some(2), "{}", stderr(&nowhere));
    assert!(b.proxy.log().is_empty());

    for args in [
        &["check", "-o", "json"][..],
        &["doctor", "-n", "shop", "-o", "json"][..],
    ] {
        let want = run(&direct.kubeconfig(), args);
        let got = run(&via, args);
        assert_eq!(
            got.status.code(),
            want.status.code(),
            "{args:?}: {}",
            stderr(&got)
        );
        let (got_v, want_v): (Value, Value) = (
            serde_json::from_slice(&got.stdout).unwrap(),
            serde_json::from_slice(&want.stdout).unwrap(),
        );
        assert_eq!(got_v, want_v, "{args:?}");
    }

    let before = b.fake.requests().len();
    let out = run(&via, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("service.cloud.tencent.com/direct-access"));
    let svc = b.fake.object("v1", "Service", Some("shop"), "web").unwrap();
    assert_eq!(
        svc.pointer("/metadata/annotations/service.cloud.tencent.com~1direct-access"),
        Some(&json!("true"))
    );
    assert!(b.fake.requests().len() > before);
    assert!(
        b.fake.requests().iter().any(|r| r.method == "PATCH"),
        "the write went through the proxy too"
    );

    // The proxy's own log: every tunnel it opened was to the hidden address, one or more per run.
    let log = b.proxy.log();
    assert!(log.len() >= 3, "{log:?}");
    let want_line = format!("{log_prefix} {hidden}");
    assert!(log.iter().all(|l| *l == want_line), "{log:?}");
}

#[test]
fn check_doctor_and_enable_through_a_kubeconfig_http_proxy_url() {
    check_doctor_enable_through(TestProxy::http(), "CONNECT");
}

/// `proxy-url: https://…`: the CONNECT is spoken inside TLS to the proxy (kubectl does the same). The
/// proxy's certificate is checked as the API server's is, against the kubeconfig's CA: the test proxy's
/// certificate names no IP, so this kubeconfig skips verification, as a bastion user with a self-signed
/// proxy would. A client that sent its CONNECT in the clear would fail the proxy's handshake.
#[test]
fn check_and_enable_through_a_kubeconfig_https_proxy_url() {
    let b = behind(TestProxy::https(), "live-vpc-cni");
    let hidden = b.server.trim_start_matches("http://").to_string();
    let text = std::fs::read_to_string(kubeconfig(b.dir.path(), &b.server, Some(&b.proxy.url())))
        .unwrap()
        .replace(
            "    proxy-url:",
            "    insecure-skip-tls-verify: true\n    proxy-url:",
        );
    let via = b.dir.path().join("kubeconfig-https-proxy");
    std::fs::write(&via, text).unwrap();

    let out = run(&via, &["check", "-o", "json"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["command"], "check", "{v:#}");
    let out = run(&via, &["enable", "svc/web", "-n", "shop", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let svc = b.fake.object("v1", "Service", Some("shop"), "web").unwrap();
    assert_eq!(
        svc.pointer("/metadata/annotations/service.cloud.tencent.com~1direct-access"),
        Some(&json!("true"))
    );
    let log = b.proxy.log();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|l| *l == format!("CONNECT {hidden}")),
        "every tunnel went through the TLS proxy: {log:?}"
    );

    // The same proxy named as http:// (CONNECT in the clear) does not get through its TLS.
    let plain = b.proxy.url().replace("https://", "http://");
    let clear = kubeconfig(b.dir.path(), &b.server, Some(&plain));
    let out = run(&clear, &["check"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        b.proxy
            .log()
            .iter()
            .any(|l| l.starts_with("TLS handshake failed")),
        "{:?}",
        b.proxy.log()
    );
}

#[test]
fn check_doctor_and_enable_through_a_kubeconfig_socks5_proxy_url() {
    check_doctor_enable_through(TestProxy::socks5(), "SOCKS5 CONNECT");
}

#[test]
fn proxy_url_wins_over_the_environment_and_no_proxy() {
    let b = behind(TestProxy::http(), "live-vpc-cni");
    let other = TestProxy::http();
    let via = kubeconfig(b.dir.path(), &b.server, Some(&b.proxy.url()));
    let out = tkedirect()
        .args(["check", "--kubeconfig"])
        .arg(&via)
        .env("HTTPS_PROXY", other.url())
        .env("HTTP_PROXY", other.url())
        .env("NO_PROXY", "*")
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(!b.proxy.log().is_empty());
    assert!(other.log().is_empty(), "{:?}", other.log());
}

#[test]
fn without_proxy_url_the_environment_is_used_as_kubectl_does() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let proxy = TestProxy::http();
    let dir = tempfile::tempdir().unwrap();
    let port = addr_of(&fake.url()).port();
    // A name only the proxy knows (`.test` never resolves): HTTP_PROXY applies to an http:// server.
    let name = format!("kube.tkedirect.test:{port}");
    proxy.route(&name, addr_of(&fake.url()));
    let cfg = kubeconfig(dir.path(), &format!("http://{name}"), None);
    let with = |k: &str, v: &str| {
        tkedirect()
            .args(["check", "--kubeconfig"])
            .arg(&cfg)
            .env(k, v)
            .output()
            .unwrap()
    };
    let out = with("HTTP_PROXY", &proxy.url());
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let first = proxy.log().len();
    assert!(first >= 1);
    assert!(
        proxy.log().iter().all(|l| *l == format!("CONNECT {name}")),
        "{:?}",
        proxy.log()
    );
    // Lower case works too.
    let out = with("http_proxy", &proxy.url());
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    let second = proxy.log().len();
    assert!(second > first);

    // A loopback server is never proxied from the environment (Go's rule, so kubectl's): the fake's own
    // kubeconfig works with a proxy variable pointing at the proxy, which sees nothing.
    let out = tkedirect()
        .args(["check", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .env("HTTP_PROXY", proxy.url())
        .env("HTTPS_PROXY", proxy.url())
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(proxy.log().len(), second);
}

#[test]
fn a_refusing_proxy_and_a_bad_proxy_url_are_reported() {
    let b = behind(TestProxy::http(), "live-vpc-cni");
    // The proxy has no route for this address and refuses the tunnel.
    let refused = kubeconfig(b.dir.path(), "http://127.0.0.3:1", Some(&b.proxy.url()));
    let out = run(&refused, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let log = b.proxy.log();
    assert!(
        !log.is_empty() && log.iter().all(|l| l == "403 CONNECT 127.0.0.3:1"),
        "{log:?}"
    );

    let bad = kubeconfig(
        b.dir.path(),
        &b.server,
        Some("ftp://user:hunter2@proxy.example:21"),
    );
    let out = run(&bad, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("kubeconfig proxy-url"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
}

// ------------------------------------------------------------------------------------------- CLB API

/// A cluster with svc/web (one ready pod) and the fake CLB holding its load balancer.
fn clb_world() -> (FakeKube, FakeClb, tempfile::TempDir) {
    let svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "annotations": {
            "service.cloud.tencent.com/direct-access": "true",
            "service.kubernetes.io/loadbalance-id": "lb-web00001"}},
        "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}});
    let pod = json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "default", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "app", "image": "nginx"}]},
        "status": {"phase": "Running", "podIP": "10.0.0.1",
            "conditions": [{"type": "Ready", "status": "True"}]}});
    let slice = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-a", "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.0.0.1"], "conditions": {"ready": true},
            "targetRef": {"kind": "Pod", "name": "web-1", "namespace": "default"}}]});
    let clb = FakeClb::start();
    clb.add_lb("lb-web00001", "vpc-1");
    clb.add_listener("lb-web00001", "lbl-http", "TCP", 80);
    (
        FakeKube::start(vec![svc, pod, slice]),
        clb,
        tempfile::tempdir().unwrap(),
    )
}

fn sync(kube: &FakeKube, home: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = tkedirect();
    cmd.arg("sync")
        .arg("svc/web")
        .args(args)
        .args(["--region", fake_clb::REGION, "--kubeconfig"])
        .arg(kube.kubeconfig())
        .env("HOME", home)
        .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
        .env("NO_COLOR", "1");
    cmd
}

const CLB_HOST: &str = "https://clb.tkedirect.test";

#[test]
fn sync_through_https_proxy() {
    let (kube, clb, home) = clb_world();
    let proxy = TestProxy::http();
    proxy.route_tls("clb.tkedirect.test:443", addr_of(&clb.url()));
    let out = sync(
        &kube,
        home.path(),
        &["--apply", "--endpoint", CLB_HOST, "-v"],
    )
    .env("HTTPS_PROXY", proxy.url())
    .env("SSL_CERT_FILE", tls_fixture("ca.pem"))
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(clb.targets("lbl-http", ""), ["10.0.0.1:8080/10"]);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("via proxy {} (HTTPS_PROXY)", proxy.url())),
        "-v names the proxy:\n{err}"
    );
    // Every CLB request went through one proxy tunnel (the client reuses its connection).
    let log = proxy.log();
    assert!(!log.is_empty(), "{log:?}");
    assert!(
        log.iter()
            .all(|l| l == "CONNECT clb.tkedirect.test:443 (TLS inspected)"),
        "{log:?}"
    );
    assert!(clb.calls().len() >= 4, "{:?}", clb.counts());
}

#[test]
fn sync_through_a_socks5_proxy_and_an_authenticating_proxy() {
    let (kube, clb, home) = clb_world();
    let socks = TestProxy::socks5();
    socks.route_tls("clb.tkedirect.test:443", addr_of(&clb.url()));
    let out = sync(&kube, home.path(), &["--endpoint", CLB_HOST])
        .env("https_proxy", socks.url())
        .env("SSL_CERT_FILE", tls_fixture("ca.pem"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "a plan with changes: {}",
        stderr(&out)
    );
    assert!(
        socks
            .log()
            .iter()
            .all(|l| l == "SOCKS5 CONNECT clb.tkedirect.test:443 (TLS inspected)")
    );
    assert!(!socks.log().is_empty());

    let http = TestProxy::http();
    http.route_tls("clb.tkedirect.test:443", addr_of(&clb.url()));
    http.require_basic_auth("ci", "pr0xy-Secret-0123456789");
    let with_auth = |url: String| {
        sync(&kube, home.path(), &["--endpoint", CLB_HOST, "-vv"])
            .env("HTTPS_PROXY", url)
            .env("SSL_CERT_FILE", tls_fixture("ca.pem"))
            .output()
            .unwrap()
    };
    let addr = http.url().trim_start_matches("http://").to_string();
    let out = with_auth(format!("http://ci:pr0xy-Secret-0123456789@{addr}"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        http.log()
            .iter()
            .all(|l| l == "CONNECT clb.tkedirect.test:443 (authenticated) (TLS inspected)"),
        "{:?}",
        http.log()
    );
    let out2 = with_auth(format!("http://ci:wrong@{addr}"));
    assert_eq!(out2.status.code(), Some(2));
    let all = format!(
        "{}{}{}{}",
        stdout(&out),
        stderr(&out),
        stdout(&out2),
        stderr(&out2)
    );
    assert!(stderr(&out2).contains("proxy"), "{}", stderr(&out2));
    assert!(all.contains("http://ci:***@"), "{all}");
    assert!(
        !all.contains("pr0xy-Secret"),
        "the proxy password leaked:\n{all}"
    );
}

#[test]
fn the_clb_certificate_is_verified_through_the_proxy() {
    let (kube, clb, home) = clb_world();
    let proxy = TestProxy::http();
    proxy.route_tls("clb.tkedirect.test:443", addr_of(&clb.url()));
    // Without the test CA, the inspecting proxy's certificate is refused: nothing reaches the CLB.
    let out = sync(&kube, home.path(), &["--endpoint", CLB_HOST])
        .env("HTTPS_PROXY", proxy.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).to_lowercase().contains("certificate"),
        "{}",
        stderr(&out)
    );
    assert!(clb.calls().is_empty());
    assert!(!proxy.log().is_empty());
}

#[test]
fn a_loopback_clb_endpoint_is_never_proxied() {
    let (kube, clb, home) = clb_world();
    let proxy = TestProxy::http();
    let out = sync(&kube, home.path(), &["--endpoint", &clb.url()])
        .env("HTTP_PROXY", proxy.url())
        .env("HTTPS_PROXY", proxy.url())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!clb.calls().is_empty());
    assert!(proxy.log().is_empty(), "{:?}", proxy.log());
}
