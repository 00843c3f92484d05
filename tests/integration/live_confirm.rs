//! Live `enable` asks before it changes anything: on a terminal only an explicit yes applies; without one,
//! and with `--dry-run`, it prints the plan only.

use serde_json::json;

use crate::support::fake_kube::FakeKube;
use crate::support::live::{SVC_DIRECT, code, on_terminal, run, stderr, stdout, svc, writes};

#[test]
fn client_dry_run_and_no_terminal_only_print_the_plan() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let dry = run(&fake, &["enable", "svc/web", "-n", "shop", "--dry-run"]);
    assert_eq!(code(&dry), 1);
    assert!(stdout(&dry).contains("+    service.cloud.tencent.com/direct-access: \"true\""));
    let plan_only = run(&fake, &["enable", "svc/web", "-n", "shop"]);
    assert_eq!(code(&plan_only), 1);
    assert_eq!(stdout(&plan_only), stdout(&dry));
    assert!(
        stderr(&plan_only).contains("no terminal to confirm on"),
        "{}",
        stderr(&plan_only)
    );
    assert!(writes(&fake).is_empty());
    assert!(svc(&fake, "web").pointer(SVC_DIRECT).is_none());
}

#[test]
fn on_a_terminal_it_asks_and_only_yes_applies() {
    let fake = FakeKube::from_fixture("live-vpc-cni");
    let Some(no) = on_terminal(&fake, "enable svc/web -n shop", "n\n") else {
        return;
    };
    let text = stdout(&no);
    assert!(
        text.contains("Enable direct access on 1 object in namespace shop on http://127.0.0.1:"),
        "{text}"
    );
    assert!(text.contains("nothing was changed"), "{text}");
    assert_eq!(code(&no), 1, "{text}");
    assert!(writes(&fake).is_empty());

    let yes = on_terminal(&fake, "enable svc/web -n shop", "y\n").unwrap();
    assert_eq!(code(&yes), 0, "{}", stdout(&yes));
    assert!(
        stdout(&yes).contains("svc/web: patched"),
        "{}",
        stdout(&yes)
    );
    assert_eq!(svc(&fake, "web").pointer(SVC_DIRECT), Some(&json!("true")));
}
