//! What live `enable` / `disable` refuses: failing prerequisites (unless `--force`), and flag combinations
//! that mean nothing (decided before any request).

use serde_json::{Value, json};

use crate::support::fake_kube::FakeKube;
use crate::support::live::{SVC_DIRECT, code, run, stderr, svc, writes};
use crate::support::tkedirect;

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
    for flag in ["--yes", "--restart", "--dry-run", "-ojson"] {
        tkedirect()
            .args(["enable", "-f", "-", flag])
            .write_stdin("")
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "on live objects (without -f); with -f, see the change with --diff",
            ));
    }
    tkedirect()
        .args(["enable", "-f", "-", "--context=x"])
        .write_stdin("")
        .assert()
        .code(2);
    // --force means the same with -f: it overrides the guards of disable.
    tkedirect()
        .args(["disable", "-f", "-", "--force"])
        .write_stdin("")
        .assert()
        .code(0);
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
