//! Live `enable` / `disable` with `-o json`: the versioned plan and results in the one envelope.

use serde_json::Value;

use crate::support::fake_kube::FakeKube;
use crate::support::live::{code, run, stderr, writes};

#[test]
fn json_output_is_the_versioned_plan_and_result() {
    let fake = FakeKube::from_fixture("live-mixed");
    let plan = run(&fake, &["enable", "svc/web", "-n", "shop", "-o", "json"]);
    assert_eq!(code(&plan), 1);
    let v: Value = serde_json::from_slice(&plan.stdout).expect("JSON on stdout");
    assert_eq!(v["version"], 1);
    assert_eq!(v["command"], "enable");
    assert_eq!(v["mode"], "plan");
    assert_eq!(v["cluster"]["networkMode"], "mixed");
    assert_eq!(v["cluster"]["networkModeSource"], "detected");
    assert_eq!(v["prerequisites"]["passed"], true);
    let objects = v["objects"].as_array().unwrap();
    let names: Vec<String> = objects
        .iter()
        .map(|o| {
            format!(
                "{}/{} {}",
                o["kind"].as_str().unwrap(),
                o["name"].as_str().unwrap(),
                o["selected"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "Deployment/web linked",
            "Deployment/web-canary linked",
            "Service/web named"
        ]
    );
    assert_eq!(objects[0]["linkedFrom"], "svc/web");
    assert_eq!(objects[0]["patch"]["type"], "strategic");
    assert_eq!(objects[2]["patch"]["type"], "merge");
    assert_eq!(
        objects[2]["patch"]["body"]["metadata"]["annotations"]["service.cloud.tencent.com/direct-access"],
        "true"
    );
    assert!(
        objects[2]["diff"]
            .as_str()
            .unwrap()
            .contains("+    service.cloud.tencent.com/direct-access: \"true\"")
    );
    assert!(objects.iter().all(|o| o["result"]["status"] == "not-sent"));
    assert_eq!(v["summary"]["changes"], 3);
    assert_eq!(v["summary"]["exitCode"], 1);
    assert!(writes(&fake).is_empty());

    let applied = run(
        &fake,
        &["enable", "svc/web", "-n", "shop", "-o", "json", "--yes"],
    );
    assert_eq!(code(&applied), 0, "{}", stderr(&applied));
    let v: Value = serde_json::from_slice(&applied.stdout).unwrap();
    assert_eq!(v["mode"], "applied");
    for o in v["objects"].as_array().unwrap() {
        assert_eq!(o["result"]["status"], "applied", "{o}");
        assert_eq!(o["result"]["attempts"], 1);
        assert!(o["result"]["resourceVersion"].is_string());
    }
    assert_eq!(v["summary"]["applied"], 3);
    assert_eq!(v["summary"]["exitCode"], 0);
    let workloads = v["workloads"].as_array().unwrap();
    assert_eq!(workloads[0]["name"], "web");
    assert_eq!(workloads[0]["rolls"], true);
    assert_eq!(workloads[0]["podsWithoutGate"].as_array().unwrap().len(), 2);
}
