//! The guards of `disable` on manifests, through the binary (issue 10, item 14; patch::guard): what they
//! keep, what they refuse, that a refusal writes nothing, and that `--force` does it anyway. The inputs are
//! the `disable-*` fixtures of tests/fixtures/patch (their diffs are snapshots of edit::patch_fixtures).

use std::path::{Path, PathBuf};

use crate::support::stderr;
use crate::support::tkedirect;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/patch")
        .join(name)
}

/// A copy of a fixture's input in a temporary directory.
fn copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.yaml");
    std::fs::copy(fixture(name).join("input.yaml"), &path).unwrap();
    (dir, path)
}

fn disable(path: &Path, extra: &[&str]) -> std::process::Output {
    tkedirect()
        .arg("disable")
        .arg("-f")
        .arg(path)
        .args(extra)
        .output()
        .unwrap()
}

/// Direct-access switches that are on.
fn switches(text: &str) -> usize {
    text.matches("direct-access: \"true\"").count()
}

#[test]
fn a_refused_disable_writes_nothing_and_force_does_it() {
    // (fixture, target, the reason, switches left on after --force)
    for (name, target, reason, left) in [
        (
            "disable-refuses-ingress-with-cluster-ip-backend",
            "ing/shop",
            "ingress error E4047",
            0,
        ),
        (
            "disable-refuses-service-without-node-ports",
            "svc/web",
            "allocateLoadBalancerNodePorts: false",
            1,
        ),
    ] {
        let (_dir, path) = copy(name);
        let before = std::fs::read(&path).unwrap();
        let out = disable(&path, &[target, "--write"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(reason), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("nothing was written: `disable --force` does it anyway"),
            "{}",
            stderr(&out)
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "{name}: written");
        // Printing is refused the same way: nothing on stdout.
        let printed = disable(&path, &[target]);
        assert_eq!(printed.status.code(), Some(2));
        assert!(printed.stdout.is_empty());

        let forced = disable(&path, &[target, "--write", "--force"]);
        assert_eq!(forced.status.code(), Some(0), "{name}: {}", stderr(&forced));
        assert!(
            stderr(&forced).contains(&format!("warning: {target}: --force: ")),
            "{}",
            stderr(&forced)
        );
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(switches(&after), left, "{name}:\n{after}");
    }
}

#[test]
fn workloads_keep_their_opt_in_while_something_needs_it() {
    // (fixture, args, the workload kept, why, switches left on)
    for (name, args, kept, why, left) in [
        (
            "disable-keeps-opt-in-behind-another-direct-service",
            &["--network-mode", "mixed", "svc/web"][..],
            "deploy/web",
            "it still backs svc/web-admin, which stays direct",
            1,
        ),
        (
            "disable-keeps-fixed-ip-workload",
            &["--network-mode", "mixed"][..],
            "sts/db",
            "a fixed-IP workload",
            0,
        ),
    ] {
        let (_dir, path) = copy(name);
        let mut a = args.to_vec();
        a.push("--write");
        let out = disable(&path, &a);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("warning: {kept}: keeps its ENI opt-in: {why}")),
            "{name}: {}",
            stderr(&out)
        );
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            after.contains("tke.cloud.tencent.com/networks: tke-route-eni")
                && after.contains("tke.cloud.tencent.com/eni-ip: \"1\""),
            "{name}: the opt-in stays:\n{after}"
        );
        assert_eq!(switches(&after), left, "{name}: the named switch is off");
        // --force removes the opt-in anyway.
        let (_dir, path) = copy(name);
        let mut a = args.to_vec();
        a.extend(["--write", "--force"]);
        let forced = disable(&path, &a);
        assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            !after.contains("tke-route-eni") && !after.contains("eni-ip"),
            "{name}:\n{after}"
        );
    }
    // The other direct Service switched off in the same run: nothing needs the opt-in any more.
    let (_dir, path) = copy("disable-keeps-opt-in-behind-another-direct-service");
    let out = disable(
        &path,
        &[
            "--network-mode",
            "mixed",
            "svc/web",
            "svc/web-admin",
            "--write",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("keeps its ENI opt-in"),
        "{}",
        stderr(&out)
    );
    assert!(!std::fs::read_to_string(&path).unwrap().contains("eni-ip"));
}

#[test]
fn a_second_container_is_warned_about() {
    let out = tkedirect()
        .args(["enable", "-f", "-", "--network-mode", "mixed", "--container", "app"])
        .write_stdin(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: proxy\n        image: envoy\n      - name: app\n        image: web\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: deploy/web: --container app is not the first container: where TKE's ENI webhook (add-pod-eni-ip-limit-webhook) runs it also gives containers[0] (`proxy`)"),
        "{}",
        stderr(&out)
    );
    let first = tkedirect()
        .args(["enable", "-f", "-", "--network-mode", "mixed", "--container", "proxy"])
        .write_stdin(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: proxy\n        image: envoy\n",
        )
        .output()
        .unwrap();
    assert!(!stderr(&first).contains("warning"), "{}", stderr(&first));
}

/// The ENI resource already on a later container: the annotation `enable` adds sets the webhook on, which
/// gives containers[0] one too. Said, as for `--container`.
#[test]
fn an_eni_resource_already_on_a_later_container_is_warned_about() {
    let out = tkedirect()
        .args(["enable", "-f", "-", "--network-mode", "mixed"])
        .write_stdin(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: promo\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: web\n      - name: sidecar\n        image: envoy\n        resources:\n          limits:\n            tke.cloud.tencent.com/eni-ip: \"1\"\n",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: deploy/promo: container sidecar (not the first) already carries the ENI resource"),
        "{}",
        stderr(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("tke.cloud.tencent.com/networks: tke-route-eni"),
        "the annotation is still added"
    );
}
