//! `sync` and the CLB API: credentials, signatures, secrets, endpoints, and the fake itself.

use std::io::{Read, Write};

use serde_json::Value;

use crate::support::fake_clb::{self, FakeClb};
use crate::sync_world::*;

#[test]
fn secrets_never_appear_in_any_output() {
    let token = "sessionTokenSecret-0123456789-do-not-print";
    let w = world(ready_web(2));
    w.clb.add_key(
        "AKIDtemporaryKey0123456789xyz",
        "temporarySecretKey-0123456789-zz",
        Some(token),
    );
    let runs = [
        // Success with a session token, at -vv, plan and apply, table and JSON.
        vec!["svc/web", "-vv"],
        vec!["svc/web", "-vv", "-o", "json"],
        vec!["svc/web", "-vv", "--apply"],
    ];
    let mut outputs = String::new();
    for args in runs {
        let out = w
            .cmd(&args)
            .env("TENCENTCLOUD_SECRET_ID", "AKIDtemporaryKey0123456789xyz")
            .env(
                "TENCENTCLOUD_SECRET_KEY",
                "temporarySecretKey-0123456789-zz",
            )
            .env("TENCENTCLOUD_SECURITY_TOKEN", token)
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        outputs.contains("→ DescribeTargets"),
        "-vv shows the requests:\n{outputs}"
    );
    // Failures too: a wrong token, and a wrong key at -vv.
    for (id, key, tok) in [
        (
            "AKIDtemporaryKey0123456789xyz",
            "temporarySecretKey-0123456789-zz",
            "wrong-token-0123456789",
        ),
        (fake_clb::SECRET_ID, "wrongSecretKey-0123456789-abcdef", ""),
    ] {
        let out = w
            .cmd(&["svc/web", "-vv"])
            .env("TENCENTCLOUD_SECRET_ID", id)
            .env("TENCENTCLOUD_SECRET_KEY", key)
            .env("TENCENTCLOUD_TOKEN", tok)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        outputs.push_str(&String::from_utf8_lossy(&out.stdout));
        outputs.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    assert!(
        outputs.contains("AuthFailure.TokenFailure")
            && outputs.contains("AuthFailure.SignatureFailure"),
        "{outputs}"
    );
    for secret in [
        token,
        "temporarySecretKey-0123456789-zz",
        "AKIDtemporaryKey0123456789xyz",
        fake_clb::SECRET_KEY,
        fake_clb::SECRET_ID,
        "wrongSecretKey-0123456789-abcdef",
        "wrong-token-0123456789",
    ] {
        assert!(!outputs.contains(secret), "{secret} leaked:\n{outputs}");
    }
}

#[test]
fn auth_failures_are_reported_with_the_api_code() {
    let w = world(ready_web(1));
    let run_with = |key: &str| {
        let out = w
            .cmd(&["svc/web"])
            .env("TENCENTCLOUD_SECRET_KEY", key)
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (code, err) = run_with("not-the-right-key");
    assert_eq!(code, Some(2));
    assert!(
        err.contains("DescribeLoadBalancers: AuthFailure.SignatureFailure"),
        "{err}"
    );
    assert!(err.contains("RequestId fake-"), "{err}");

    // Error bodies with a surprising content type are read all the same.
    w.clb.set_error_content_type("text/html; charset=gbk");
    let (_, err) = run_with("not-the-right-key");
    assert!(err.contains("AuthFailure.SignatureFailure"), "{err}");

    // The server clock is 10 minutes ahead: the timestamp is stale.
    w.clb.set_clock_offset(600);
    let (code, err) = run_with(fake_clb::SECRET_KEY);
    assert_eq!(code, Some(2));
    assert!(err.contains("AuthFailure.SignatureExpire"), "{err}");
    w.clb.set_clock_offset(0);

    let out = w
        .cmd(&["svc/web"])
        .env("TENCENTCLOUD_SECRET_ID", "AKIDunknown000000000000")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("AuthFailure.SecretIdNotFound"));

    let out = w
        .cmd(&["svc/web", "--region", "ap-nowhere"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("UnsupportedRegion"));
    assert_eq!(w.clb.writes(), 0);
}

#[test]
fn credentials_from_files_and_their_absence() {
    let w = world(ready_web(1));
    let no_env = |args: &[&str]| {
        let mut c = w.cmd(args);
        c.env_remove("TENCENTCLOUD_SECRET_ID")
            .env_remove("TENCENTCLOUD_SECRET_KEY");
        c
    };
    let out = no_env(&["svc/web"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no Tencent Cloud credentials"));
    assert_eq!(w.clb.calls().len(), 0, "nothing sent without credentials");

    // tccli profile.
    std::fs::create_dir_all(w.home.path().join(".tccli")).unwrap();
    std::fs::write(
        w.home.path().join(".tccli/ops.credential"),
        format!(
            r#"{{"secretId": "{}", "secretKey": "{}"}}"#,
            fake_clb::SECRET_ID,
            fake_clb::SECRET_KEY
        ),
    )
    .unwrap();
    let out = no_env(&["svc/web", "-v"])
        .env("TCCLI_PROFILE", "ops")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("credentials: tccli profile `ops`"), "{err}");

    // SDK profile file wins over tccli.
    std::fs::create_dir_all(w.home.path().join(".tencentcloud")).unwrap();
    std::fs::write(
        w.home.path().join(".tencentcloud/credentials"),
        format!(
            "[default]\nsecret_id = {}\nsecret_key = {}\n",
            fake_clb::SECRET_ID,
            fake_clb::SECRET_KEY
        ),
    )
    .unwrap();
    let out = no_env(&["svc/web", "-v"])
        .env("TCCLI_PROFILE", "ops")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("credentials: profile file"), "{err}");
}

#[test]
fn plain_http_is_refused_except_for_loopback() {
    let w = world(ready_web(1));
    let out = w
        .cmd(&["svc/web", "--endpoint", "http://clb.tencentcloudapi.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only https:// is allowed"));
    // `--endpoint` wins over TKEDIRECT_CLB_ENDPOINT.
    let out = w
        .cmd(&["svc/web", "--endpoint", &w.clb.url()])
        .env("TKEDIRECT_CLB_ENDPOINT", "http://10.1.2.3")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The fake rejects malformed requests with the real codes (checked directly on the wire).
#[test]
fn fake_clb_rejects_requests_like_the_service() {
    let clb = FakeClb::start();
    let addr = clb.url().trim_start_matches("http://").to_string();
    let send = |headers: &[(&str, &str)], body: &str| -> Value {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        let mut req = format!(
            "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        s.write_all(req.as_bytes()).unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let body = resp.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    };
    let code = |v: &Value| {
        v["Response"]["Error"]["Code"]
            .as_str()
            .unwrap_or("none")
            .to_string()
    };
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let base = |skip: &str| -> Vec<(&'static str, String)> {
        [
            ("Content-Type", "application/json".to_string()),
            ("X-TC-Action", "DescribeLoadBalancers".to_string()),
            ("X-TC-Version", "2018-03-17".to_string()),
            ("X-TC-Region", "ap-guangzhou".to_string()),
            ("X-TC-Timestamp", ts.clone()),
            ("Authorization", format!("TC3-HMAC-SHA256 Credential={}/2020-01-01/clb/tc3_request, SignedHeaders=content-type;host, Signature=00", fake_clb::SECRET_ID)),
        ]
        .into_iter()
        .filter(|(k, _)| *k != skip)
        .collect()
    };
    let with = |skip: &str| {
        let h = base(skip);
        let refs: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
        code(&send(&refs, "{}"))
    };
    assert_eq!(with("X-TC-Action"), "MissingParameter");
    assert_eq!(with("X-TC-Version"), "MissingParameter");
    assert_eq!(with("X-TC-Timestamp"), "MissingParameter");
    assert_eq!(with("Authorization"), "AuthFailure.InvalidAuthorization");
    // All headers but a bad signature.
    assert_eq!(with(""), "AuthFailure.SignatureFailure");
    // Every rejected request was recorded, none changed anything.
    assert_eq!(clb.calls().len(), 5);
    assert!(clb.calls().iter().all(|c| c.error.is_some()));
}
