//! Where `sync` gets Tencent Cloud credentials: TKE pod identity (OIDC → STS) and the CVM role (metadata
//! service), against loopback fakes of both and of the CLB API; renewal before expiry; pinning a source;
//! and no secret in any output.
//!
//! Renewal without waiting: the first set a fake hands out is already inside the renewal margin (5 minutes
//! for a CVM role, 12 for pod identity) and is *not* registered with the fake CLB, so a request signed
//! with it would fail; the run succeeds only if tkedirect renews before its first CLB request.

use std::path::PathBuf;
use std::process::Output;

use serde_json::json;

use crate::support::fake_clb::{self, FakeClb};
use crate::support::fake_identity::{FakeMetadata, FakeSts, Issued, StsSetup};
use crate::support::fake_kube::FakeKube;
use crate::support::{CLOSED_PORT, tkedirect};

const ROLE_ARN: &str = "qcs::cam::uin/100012345678:roleName/tkedirect-ci";
const ACCOUNT: &str = "100012345678";
const PROVIDER: &str = "cls-fake0001";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6dGtlZGlyZWN0In0.webIdentityTokenNeverPrint";

struct World {
    kube: FakeKube,
    clb: FakeClb,
    dir: tempfile::TempDir,
}

fn world() -> World {
    let svc = json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "default", "annotations": {
            "service.cloud.tencent.com/direct-access": "true",
            "service.kubernetes.io/loadbalance-id": "lb-web00001"}},
        "spec": {"type": "LoadBalancer", "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}});
    let mut objects = vec![svc];
    let mut endpoints = Vec::new();
    for i in 1..=3 {
        objects.push(json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("web-{i}"), "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            "status": {"phase": "Running", "podIP": format!("10.0.0.{i}"),
                "conditions": [{"type": "Ready", "status": "True"}]}}));
        endpoints.push(
            json!({"addresses": [format!("10.0.0.{i}")], "conditions": {"ready": true},
            "targetRef": {"kind": "Pod", "name": format!("web-{i}"), "namespace": "default"}}),
        );
    }
    objects.push(
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "web-a", "namespace": "default",
            "labels": {"kubernetes.io/service-name": "web"}},
        "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
        "endpoints": endpoints}),
    );
    let clb = FakeClb::start();
    clb.add_lb("lb-web00001", "vpc-1");
    clb.add_listener("lb-web00001", "lbl-http", "TCP", 80);
    World {
        kube: FakeKube::start(objects),
        clb,
        dir: tempfile::tempdir().unwrap(),
    }
}

impl World {
    /// `sync svc/web` with no credentials in the environment and an empty HOME.
    fn sync(&self, args: &[&str]) -> assert_cmd::Command {
        let home = self.dir.path().join("home");
        std::fs::create_dir_all(&home).unwrap();
        let mut cmd = tkedirect();
        cmd.args([
            "sync",
            "svc/web",
            "--region",
            fake_clb::REGION,
            "--kubeconfig",
        ])
        .arg(self.kube.kubeconfig())
        .args(args)
        .env("HOME", home)
        .env("TKEDIRECT_CLB_ENDPOINT", self.clb.url())
        .env("NO_COLOR", "1");
        cmd
    }

    fn token_file(&self, token: &str) -> PathBuf {
        let path = self.dir.path().join("web-identity-token");
        std::fs::write(&path, format!("{token}\n")).unwrap();
        path
    }

    /// The four variables TKE's pod identity webhook sets, and the fake STS's address.
    fn pod_identity(&self, cmd: &mut assert_cmd::Command, sts: &FakeSts) {
        cmd.env("TKE_ROLE_ARN", ROLE_ARN)
            .env("TKE_WEB_IDENTITY_TOKEN_FILE", self.token_file(WEB_TOKEN))
            .env("TKE_PROVIDER_ID", PROVIDER)
            .env("TKE_REGION", fake_clb::REGION)
            .env("TKEDIRECT_TEST_STS_ENDPOINT", sts.url());
    }

    fn trust(&self, c: &Issued) {
        self.clb
            .add_temporary_key(&c.secret_id, &c.secret_key, &c.token, c.expires_at);
    }
}

fn sts() -> FakeSts {
    FakeSts::start(StsSetup {
        token: WEB_TOKEN.into(),
        role_arn: ROLE_ARN.into(),
        provider_id: PROVIDER.into(),
        region: fake_clb::REGION.into(),
    })
}

fn text(o: &Output) -> (i32, String, String) {
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

// ------------------------------------------------------------------------------------------- pod identity

#[test]
fn sync_with_only_tke_pod_identity_renews_before_expiry() {
    let w = world();
    let sts = sts();
    // 10 minutes left: inside the 12-minute margin, so renewed before the first CLB request.
    let first = Issued::new("oidcA", 600);
    let second = Issued::new("oidcB", 7200);
    sts.issue(&first);
    sts.issue(&second);
    w.trust(&second);

    let mut cmd = w.sync(&["--apply", "-v"]);
    w.pod_identity(&mut cmd, &sts);
    let (code, out, err) = text(&cmd.output().unwrap());
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(
        w.clb.targets("lbl-http", ""),
        ["10.0.0.1:8080/10", "10.0.0.2:8080/10", "10.0.0.3:8080/10"]
    );
    assert!(
        err.contains("credentials: TKE pod identity (role qcs::cam::uin/***:roleName/tkedirect-ci, OIDC provider `cls-fake0001`"),
        "-v names the source:\n{err}"
    );
    assert!(
        err.contains("SecretId AKID***cdef, temporary, valid until"),
        "{err}"
    );
    assert!(
        err.contains("credentials renewed: TKE pod identity"),
        "{err}"
    );
    assert!(
        w.clb.calls().iter().all(|c| c.error.is_none()),
        "{:?}",
        w.clb.calls()
    );

    // Exactly two STS calls, shaped as the SDKs shape them.
    let reqs = sts.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    let r = &reqs[0];
    assert_eq!(r["line"], "POST /");
    assert_eq!(r["action"], "AssumeRoleWithWebIdentity");
    assert_eq!(r["version"], "2018-08-13");
    assert_eq!(r["region"], fake_clb::REGION);
    assert_eq!(r["authorization"], "SKIP");
    assert_eq!(r["content-type"], "application/json");
    let body = &r["body"];
    assert_eq!(
        body["WebIdentityToken"], WEB_TOKEN,
        "read from the file, trimmed"
    );
    assert_eq!(body["RoleArn"], ROLE_ARN);
    assert_eq!(body["ProviderId"], PROVIDER);
    assert_eq!(body["DurationSeconds"], 7200);
    assert!(
        body["RoleSessionName"]
            .as_str()
            .unwrap()
            .starts_with("tkedirect-")
    );
    let ts: i64 = r["timestamp"].as_str().unwrap().parse().unwrap();
    assert!((ts - crate::support::fake_identity::unix_now()).abs() < 60);
}

#[test]
fn pod_identity_errors_are_clear() {
    let w = world();
    let sts = sts();
    sts.issue(&Issued::new("unused", 7200));
    // STS refuses the token.
    let mut cmd = w.sync(&[]);
    w.pod_identity(&mut cmd, &sts);
    let path = w.token_file("eyJ.wrong.tokenNeverPrint");
    cmd.env("TKE_WEB_IDENTITY_TOKEN_FILE", &path);
    let (code, _, err) = text(&cmd.output().unwrap());
    assert_eq!(code, 2);
    assert!(
        err.contains("STS AssumeRoleWithWebIdentity failed")
            && err.contains("InvalidParameter.WebIdentityTokenError"),
        "{err}"
    );
    assert!(!err.contains("tokenNeverPrint"), "{err}");
    assert!(w.clb.calls().is_empty());

    // Missing token file.
    let mut cmd = w.sync(&[]);
    w.pod_identity(&mut cmd, &sts);
    cmd.env("TKE_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token");
    let (code, _, err) = text(&cmd.output().unwrap());
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "could not read the web identity token TKE_WEB_IDENTITY_TOKEN_FILE=/nonexistent/token"
        ),
        "{err}"
    );

    // Half set up.
    let (code, _, err) = text(
        &w.sync(&[])
            .env("TKE_ROLE_ARN", ROLE_ARN)
            .env("TKE_REGION", "ap-guangzhou")
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains(
            "set up only in part: TKE_ROLE_ARN is set but TKE_WEB_IDENTITY_TOKEN_FILE is not"
        ),
        "{err}"
    );
}

// ------------------------------------------------------------------------------------------- CVM role

#[test]
fn sync_with_only_a_cvm_role_renews_before_expiry() {
    let w = world();
    let meta = FakeMetadata::start(Some("tkedirect-ci"));
    // 2 minutes left: inside the 5-minute margin.
    let first = Issued::new("cvmA", 120);
    let second = Issued::new("cvmB", 3600);
    meta.issue(&first);
    meta.issue(&second);
    w.trust(&second);

    let (code, out, err) = text(
        &w.sync(&["--apply", "-vv"])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(w.clb.targets("lbl-http", "").len(), 3);
    assert!(
        err.contains(&format!(
            "credentials: CVM role `tkedirect-ci` (instance metadata {}/latest/meta-data/cam/security-credentials/)",
            meta.url()
        )),
        "{err}"
    );
    assert!(err.contains("credentials renewed: CVM role"), "{err}");
    // The role name once, then one fetch at start and one renewal: fresh credentials are not re-fetched.
    assert_eq!(
        meta.log(),
        [
            "GET /latest/meta-data/cam/security-credentials/",
            "GET /latest/meta-data/cam/security-credentials/tkedirect-ci",
            "GET /latest/meta-data/cam/security-credentials/tkedirect-ci",
        ]
    );
    assert!(w.clb.calls().len() >= 4);
    assert!(w.clb.calls().iter().all(|c| c.error.is_none()));
}

#[test]
fn credentials_that_expire_and_cannot_be_renewed_stop_the_run() {
    let w = world();
    let meta = FakeMetadata::start(Some("tkedirect-ci"));
    // Already expired, and nothing to renew them with (the fake then answers 500).
    meta.issue(&Issued::new("cvmOld", -10));
    let (code, _, err) = text(
        &w.sync(&["--apply"])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 2);
    assert!(err.contains("expired and could not be renewed"), "{err}");
    assert!(err.contains("HTTP 500"), "{err}");
    assert!(
        w.clb.calls().is_empty(),
        "nothing signed with expired credentials"
    );
}

#[test]
fn a_failed_renewal_is_tolerated_while_the_credentials_are_valid() {
    let w = world();
    let meta = FakeMetadata::start(Some("tkedirect-ci"));
    // Inside the margin, valid for 4 minutes more; every renewal attempt fails.
    let only = Issued::new("cvmOnly", 240);
    meta.issue(&only);
    w.trust(&only);
    let (code, out, err) = text(
        &w.sync(&["-v"])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .output()
            .unwrap(),
    );
    assert_eq!(code, 1, "a plan with changes\n{out}\n{err}");
    assert!(err.contains("could not renew the credentials yet"), "{err}");
    // One renewal attempt per CLB request.
    assert_eq!(meta.credential_fetches(), 1 + w.clb.calls().len());
}

// ------------------------------------------------------------------------------------------- choosing

#[test]
fn the_chain_order_and_pinning_a_source() {
    let w = world();
    let sts = sts();
    let meta = FakeMetadata::start(Some("tkedirect-ci"));
    for tag in ["p1", "p2", "p3"] {
        let c = Issued::new(tag, 7200);
        sts.issue(&c);
        w.trust(&c);
    }
    for tag in ["c1", "c2"] {
        let c = Issued::new(tag, 7200);
        meta.issue(&c);
        w.trust(&c);
    }
    let with_all = |args: &[&str]| {
        let mut cmd = w.sync(args);
        w.pod_identity(&mut cmd, &sts);
        cmd.env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY);
        text(&cmd.output().unwrap())
    };
    // The environment's key pair comes first.
    let (code, _, err) = with_all(&["-v"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("credentials: environment"), "{err}");
    assert!(sts.requests().is_empty() && meta.log().is_empty());

    // Pinned: the CVM role, though everything else is there too.
    let (code, _, err) = with_all(&["-v", "--credentials-source", "cvm-role"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("credentials: CVM role `tkedirect-ci`"),
        "{err}"
    );
    assert!(sts.requests().is_empty());

    // Without the key pair, pod identity comes before the CVM role.
    let mut cmd = w.sync(&["-v"]);
    w.pod_identity(&mut cmd, &sts);
    cmd.env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url());
    let (code, _, err) = text(&cmd.output().unwrap());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("credentials: TKE pod identity"), "{err}");
    assert_eq!(
        meta.credential_fetches(),
        1,
        "only the pinned run asked the metadata service"
    );

    // TKEDIRECT_CREDENTIALS_SOURCE pins too; the flag wins over it.
    let mut cmd = w.sync(&["-v"]);
    w.pod_identity(&mut cmd, &sts);
    cmd.env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
        .env("TKEDIRECT_CREDENTIALS_SOURCE", "oidc");
    let (code, _, err) = text(&cmd.output().unwrap());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("credentials: TKE pod identity"), "{err}");
    let mut cmd = w.sync(&["-v", "--credentials-source", "env"]);
    w.pod_identity(&mut cmd, &sts);
    cmd.env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
        .env("TKEDIRECT_CREDENTIALS_SOURCE", "oidc");
    let (_, _, err) = text(&cmd.output().unwrap());
    assert!(err.contains("credentials: environment"), "{err}");
}

#[test]
fn a_pinned_source_that_is_not_there_is_an_error() {
    let w = world();
    let no_role = FakeMetadata::start(None);
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["--credentials-source", "env"],
            vec![],
            "TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY are not set",
        ),
        (
            vec!["--credentials-source", "profile"],
            vec![],
            ".tencentcloud/credentials",
        ),
        (
            vec!["--credentials-source", "tccli"],
            vec![],
            ".tccli/default.credential",
        ),
        (
            vec!["--credentials-source", "oidc"],
            vec![],
            "TKE_ROLE_ARN and TKE_WEB_IDENTITY_TOKEN_FILE are not set",
        ),
        (
            vec!["--credentials-source", "cvm-role"],
            vec![],
            "cannot reach the metadata service at http://127.0.0.1:9/",
        ),
        (
            vec!["--credentials-source", "cvm-role"],
            vec![("TKEDIRECT_TEST_METADATA_ENDPOINT", no_role.url())],
            "no role is bound to this instance",
        ),
        (
            vec!["--credentials-source", "file"],
            vec![],
            "invalid value 'file'",
        ),
    ];
    for (args, env, want) in cases {
        let mut cmd = w.sync(&args);
        for (k, v) in &env {
            cmd.env(k, v);
        }
        let (code, _, err) = text(&cmd.output().unwrap());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: want {want:?} in\n{err}");
    }
    assert!(w.clb.calls().is_empty());

    // Nothing anywhere: the chain's error says what was tried, the CVM role last.
    let (code, _, err) = text(&w.sync(&[]).output().unwrap());
    assert_eq!(code, 2);
    assert!(err.contains("no Tencent Cloud credentials"), "{err}");
    assert!(
        err.contains(&format!("no CVM metadata service at {CLOSED_PORT}/")),
        "{err}"
    );
    let (_, _, err) = text(
        &w.sync(&[])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", no_role.url())
            .output()
            .unwrap(),
    );
    assert!(err.contains("this CVM has no role bound"), "{err}");
}

#[test]
fn metadata_and_sts_endpoints_are_replaceable_by_loopback_only() {
    let w = world();
    for (var, value) in [
        ("TKEDIRECT_TEST_METADATA_ENDPOINT", "http://169.254.0.23"),
        (
            "TKEDIRECT_TEST_STS_ENDPOINT",
            "https://sts.tencentcloudapi.com",
        ),
        (
            "TKEDIRECT_TEST_STS_ENDPOINT",
            "http://sts.internal.tencentcloudapi.com",
        ),
    ] {
        let (code, _, err) = text(
            &w.sync(&[])
                .env("TENCENTCLOUD_SECRET_ID", fake_clb::SECRET_ID)
                .env("TENCENTCLOUD_SECRET_KEY", fake_clb::SECRET_KEY)
                .env(var, value)
                .output()
                .unwrap(),
        );
        assert_eq!(code, 2, "{var}={value}");
        assert!(
            err.contains(var) && err.contains("it exists for tests"),
            "{err}"
        );
    }
    assert!(w.clb.calls().is_empty());
}

// ------------------------------------------------------------------------------------------- secrets

#[test]
fn temporary_credentials_and_tokens_never_appear_in_any_output() {
    let w = world();
    let sts = sts();
    let meta = FakeMetadata::start(Some("tkedirect-ci"));
    let mut secrets: Vec<String> = vec![WEB_TOKEN.into(), ACCOUNT.into()];
    let mut outputs = String::new();
    let mut collect = |o: Output| {
        outputs.push_str(&String::from_utf8_lossy(&o.stdout));
        outputs.push_str(&String::from_utf8_lossy(&o.stderr));
    };
    let mut issued = Vec::new();
    for tag in ["sA", "sB", "sC"] {
        let c = Issued::new(tag, 600);
        sts.issue(&c);
        issued.push(c);
    }
    for tag in ["mA", "mB", "mC"] {
        let c = Issued::new(tag, 200);
        meta.issue(&c);
        issued.push(c);
    }
    for c in &issued {
        w.trust(c);
        secrets.extend([c.secret_id.clone(), c.secret_key.clone(), c.token.clone()]);
    }
    // Pod identity at -vv, plan and JSON; then the CVM role at -vv with renewals.
    for args in [&["-vv"][..], &["-vv", "-o", "json"][..]] {
        let mut cmd = w.sync(args);
        w.pod_identity(&mut cmd, &sts);
        collect(cmd.output().unwrap());
    }
    collect(
        w.sync(&["-vv", "--apply"])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .output()
            .unwrap(),
    );
    // Failures: STS has nothing left to give (an error answer), and an expired set that cannot be renewed.
    let mut cmd = w.sync(&["-vv"]);
    w.pod_identity(&mut cmd, &sts);
    collect(cmd.output().unwrap());
    let bad = Issued::new("bad", -5);
    secrets.extend([
        bad.secret_id.clone(),
        bad.secret_key.clone(),
        bad.token.clone(),
    ]);
    meta.issue(&bad);
    collect(
        w.sync(&["-vv"])
            .env("TKEDIRECT_TEST_METADATA_ENDPOINT", meta.url())
            .output()
            .unwrap(),
    );
    assert!(outputs.contains("→ DescribeTargets"), "{outputs}");
    assert!(outputs.contains("credentials renewed"), "{outputs}");
    assert!(outputs.contains("InternalError"), "{outputs}");
    for s in &secrets {
        assert!(!outputs.contains(s.as_str()), "{s} leaked:\n{outputs}");
    }
}
