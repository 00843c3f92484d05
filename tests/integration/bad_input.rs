//! Bad input: a clear `PATH:LINE:COL: what is wrong`, exit 2, and no file written — with `--write`, every
//! file is planned first and none is written if any fails.

use std::path::Path;

use crate::support::tkedirect;

const GOOD: &str =
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: ok\nspec:\n  type: LoadBalancer\n";

/// Write `good.yaml` and `bad.yaml`, run `enable --write` on the directory, and return stderr after checking
/// exit 2 and that both files are byte-identical afterwards.
fn refused(bad: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    let bad_path = dir.path().join("bad.yaml");
    std::fs::write(&good, GOOD).unwrap();
    std::fs::write(&bad_path, bad).unwrap();
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["enable", "--write", "-f", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert_eq!(
        std::fs::read(&good).unwrap(),
        GOOD.as_bytes(),
        "the good file was written: {stderr}"
    );
    assert_eq!(
        std::fs::read(&bad_path).unwrap(),
        bad,
        "the bad file was changed"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "stray files: {leftovers:?}");
    stderr
}

fn assert_mentions(stderr: &str, parts: &[&str]) {
    for p in parts {
        assert!(stderr.contains(p), "expected {p:?} in:\n{stderr}");
    }
}

#[test]
fn malformed_yaml() {
    let e = refused(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\nspec:\n  type: LoadBalancer\n");
    assert_mentions(&e, &["./bad.yaml:", "error:", "nothing was written"]);
}

#[test]
fn duplicate_keys() {
    let e = refused(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\nspec:\n  type: LoadBalancer\n");
    assert_mentions(&e, &["./bad.yaml:5:3: duplicate key `name`"]);
}

#[test]
fn tabs_as_indentation() {
    let e = refused(b"apiVersion: v1\nkind: Service\nmetadata:\n\tname: a\n");
    assert_mentions(&e, &["./bad.yaml:4:", "tab"]);
}

#[test]
fn anchors_on_an_edited_path() {
    let e = refused(
        b"apiVersion: v1\nkind: Service\nmetadata: &meta\n  name: a\nspec:\n  type: LoadBalancer\n",
    );
    assert_mentions(&e, &["./bad.yaml:4:3:", "anchor"]);
    let e = refused(
        b"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations: *shared\nspec:\n  type: LoadBalancer\n",
    );
    assert_mentions(&e, &["./bad.yaml:"]);
}

#[test]
fn anchors_elsewhere_are_fine() {
    let dir = tempfile::tempdir().unwrap();
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  type: LoadBalancer\n  x: &d {a: 1}\n  y: *d\n";
    std::fs::write(dir.path().join("a.yaml"), text).unwrap();
    tkedirect()
        .current_dir(dir.path())
        .args(["diff", "-f", "a.yaml"])
        .assert()
        .code(1);
}

#[test]
fn helm_templates() {
    let e = refused(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x\" . | nindent 4 }}\nspec:\n  type: LoadBalancer\n");
    assert_mentions(
        &e,
        &[
            "./bad.yaml:",
            "unrendered Helm/Go template",
            "helm template",
        ],
    );
}

#[test]
fn binary_and_encodings() {
    let e = refused(b"apiVersion: v1\nkind: \x00Service\n");
    assert_mentions(&e, &["./bad.yaml:2:7: binary data"]);
    let e = refused(&[0xFF, 0xFE, b'a', 0, b':', 0]);
    assert_mentions(&e, &["./bad.yaml: UTF-16"]);
    let e = refused(b"apiVersion: v1\nkind: Serv\xC3\x28ice\n");
    assert_mentions(&e, &["./bad.yaml:2:11: invalid UTF-8"]);
}

#[test]
fn wrong_types_where_we_edit() {
    let e = refused(b"apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  annotations: \"x\"\nspec:\n  type: LoadBalancer\n");
    assert_mentions(
        &e,
        &["./bad.yaml:5:16: expected a mapping at metadata.annotations, found a scalar"],
    );
}

#[test]
fn missing_file_and_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["enable", "-f", "nope.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["nope.yaml: no such file or directory"],
    );

    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::create_dir(dir.path().join("empty/sub")).unwrap();
    std::fs::write(dir.path().join("empty/sub/a.yaml"), GOOD).unwrap();
    std::fs::write(dir.path().join("empty/readme.txt"), "hi").unwrap();
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["enable", "-f", "empty"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["empty: no manifest files", "use -R"],
    );
    tkedirect()
        .current_dir(dir.path())
        .args(["diff", "-R", "-f", "empty"])
        .assert()
        .code(1);
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    if unsafe_is_root() {
        return; // root reads everything; nothing to test here
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("a.yaml");
    std::fs::write(&p, GOOD).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    let out = tkedirect().args(["enable", "-f"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["permission denied"],
    );
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

#[test]
fn unknown_target_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), GOOD).unwrap();
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["enable", "-f", "a.yaml", "--write", "svc/nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["svc/nope: not found in the given manifests"],
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.yaml")).unwrap(),
        GOOD
    );
    let out = tkedirect()
        .current_dir(dir.path())
        .args(["enable", "-f", "a.yaml", "pod/x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_mentions(
        &String::from_utf8_lossy(&out.stderr),
        &["unknown kind `pod`"],
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_tree_are_not_followed_silently() {
    let outside = tempfile::tempdir().unwrap();
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.yaml"), GOOD).unwrap();
    std::fs::write(tree.path().join("in.yaml"), GOOD).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.yaml"),
        tree.path().join("link.yaml"),
    )
    .unwrap();
    let out = tkedirect()
        .args(["enable", "--write", "-f"])
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_mentions(&stderr, &["link.yaml: skipped: symbolic link", "outside"]);
    assert_eq!(
        std::fs::read_to_string(outside.path().join("secret.yaml")).unwrap(),
        GOOD
    );
    assert_ne!(
        std::fs::read_to_string(tree.path().join("in.yaml")).unwrap(),
        GOOD
    );
    assert!(
        std::fs::symlink_metadata(tree.path().join("link.yaml"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let _ = Path::new("");
}
