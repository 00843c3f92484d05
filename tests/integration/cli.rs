//! Generic CLI behaviour: help, version, usage errors.

use crate::support::tkedirect;

#[test]
fn help_lists_the_subcommands() {
    let out = tkedirect()
        .arg("--help")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for sub in ["enable", "disable", "diff"] {
        assert!(text.contains(sub), "--help lacks {sub}:\n{text}");
    }
}

#[test]
fn usage_error_exits_2() {
    tkedirect().arg("no-such-command").assert().code(2);
}
