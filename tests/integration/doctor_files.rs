//! `tkedirect doctor -f`: manifests judged against a cluster profile, every finding at the file, line and
//! column of the node it is about, in every output format (SARIF validated against the SARIF 2.1.0 schema by
//! a second implementation, Python's `jsonschema`); the cluster-level blockers of fixture clusters whose
//! facts were dumped through the fake API server; one manifest in a real repository's style per manifest
//! check; namespaces, profiles and errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::support::fake_kube::FakeKube;
use crate::support::tkedirect;
use crate::support::{stderr, stdout};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const FIXTURES: &str = "tests/fixtures/manifests";
/// The profile most cases are judged against.
const MIXED: [&str; 4] = ["--kube-version", "v1.28.3-tke.1", "--network-mode", "mixed"];
/// The issue's own command: the network mode alone.
const MIXED_ONLY: [&str; 2] = ["--network-mode", "mixed"];

/// `tkedirect doctor ARGS` from the repository root (paths in findings are as given: relative).
fn doctor(args: &[&str]) -> Output {
    doctor_in(Path::new(ROOT), args)
}

fn doctor_in(dir: &Path, args: &[&str]) -> Output {
    tkedirect()
        .current_dir(dir)
        .arg("doctor")
        .args(args)
        .output()
        .expect("run tkedirect")
}

/// `doctor ARGS -o json`: the exit code and the report.
fn json(args: &[&str]) -> (i32, Value) {
    let o = doctor(&[args, &["-o", "json"]].concat());
    let code = o.status.code().expect("exit code");
    assert!(matches!(code, 0 | 1), "{args:?}: {}", stderr(&o));
    (
        code,
        serde_json::from_slice(&o.stdout).expect("JSON report"),
    )
}

/// Each finding as `check severity kind/name path:line:col` (or `-` without a location), in report order.
fn found(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let object = match &f["object"] {
                Value::Null => "cluster".to_string(),
                o => format!(
                    "{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["name"].as_str().unwrap()
                ),
            };
            let at = match &f["location"] {
                Value::Null => "-".to_string(),
                l => format!(
                    "{}:{}:{}",
                    l["path"].as_str().unwrap(),
                    l["line"],
                    l["column"]
                ),
            };
            format!(
                "{} {} {object} {at}",
                f["check"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect()
}

/// `path:line:col` of the `nth` (0-based) occurrence of `needle` in a file, read independently of
/// tkedirect (1-based line and column in characters; CR before LF is not counted). A `|` in the needle
/// marks the point meant, when it is not the needle's start: `"hostNetwork: |true"`.
fn at(path: &str, needle: &str, nth: usize) -> String {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    let (before, after) = needle.split_once('|').unwrap_or(("", needle));
    let needle = format!("{before}{after}");
    let mut seen = 0;
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut from = 0;
        while let Some(pos) = line[from..].find(&needle) {
            let byte = from + pos;
            if seen == nth {
                let column = line[..byte].chars().count() + before.chars().count() + 1;
                return format!("{path}:{}:{column}", i + 1);
            }
            seen += 1;
            from = byte + needle.len();
        }
    }
    panic!("{needle:?} occurs fewer than {} times in {path}", nth + 1)
}

fn fixture(case: &str) -> String {
    format!("{FIXTURES}/{case}")
}

#[test]
fn examples_in_mixed_mode_point_at_their_lines() {
    let args = [&["-f", "examples/"][..], &MIXED_ONLY].concat();
    let table = doctor(&args);
    assert_eq!(table.status.code(), Some(1), "{}", stderr(&table));
    insta::assert_snapshot!("examples-mixed-table", stdout(&table));
    let (code, v) = json(&args);
    assert_eq!(code, 1);
    assert_eq!(v["source"], "manifests");
    assert_eq!(
        found(&v),
        [
            "ingress-backend-cluster-ip error Ingress/web examples/web-ingress.yaml:15:9",
            "ingress-direct-access-off info Ingress/web examples/web-ingress.yaml:4:1",
            "service-direct-access-off info Service/api examples/helm-rendered.yaml:5:1",
            "service-direct-access-off info Service/nginx examples/nginx.yaml:33:1",
        ]
    );
    // The same positions, found in the files without tkedirect: the backend that routes to the
    // ClusterIP Service, and the `metadata` of the objects in NodePort mode.
    let expected = [
        at("examples/web-ingress.yaml", "backend:", 0),
        at("examples/web-ingress.yaml", "metadata:", 0),
        at("examples/helm-rendered.yaml", "metadata:", 0),
        at("examples/nginx.yaml", "metadata:", 2),
    ];
    assert_eq!(found(&v).len(), expected.len());
    for (f, want) in found(&v).iter().zip(&expected) {
        assert!(f.ends_with(&format!(" {want}")), "{f} is not at {want}");
    }
    // The table puts the location above the object.
    assert!(
        stdout(&table).contains(" examples/nginx.yaml:33:1 ")
            && stdout(&table).contains("\n svc/nginx -n default "),
        "{}",
        stdout(&table)
    );
}

#[test]
fn examples_as_sarif_one_result_per_finding_with_a_physical_location() {
    let args = [&["-f", "examples/"][..], &MIXED_ONLY].concat();
    let (_, report) = json(&args);
    let o = doctor(&[&args[..], &["-o", "sarif"]].concat());
    assert_eq!(
        o.status.code(),
        Some(1),
        "the format never changes the exit code"
    );
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(results.len(), findings.len(), "one result per finding");
    for (r, f) in results.iter().zip(findings) {
        assert_eq!(
            r["ruleId"],
            format!("tkedirect/{}", f["check"].as_str().unwrap())
        );
        let physical = &r["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], f["location"]["path"]);
        assert_eq!(physical["region"]["startLine"], f["location"]["line"]);
        assert_eq!(physical["region"]["startColumn"], f["location"]["column"]);
        assert!(
            r["partialFingerprints"]["tkedirectFinding/v1"]
                .as_str()
                .is_some_and(|p| p.len() == 32),
            "{r}"
        );
    }
    assert_valid_sarif(&sarif);
}

#[test]
fn examples_as_github_annotations_carry_file_and_line() {
    let o = doctor(&[&["-f", "examples/", "-o", "github"][..], &MIXED_ONLY].concat());
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<String> = stdout(&o).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "::error file=examples/web-ingress.yaml,line=15,col=9,title=tkedirect/ingress-backend-cluster-ip::ing/web -n default: "
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[3].starts_with(
            "::notice file=examples/nginx.yaml,line=33,col=1,title=tkedirect/service-direct-access-off::"
        ),
        "{}",
        lines[3]
    );
    assert!(stderr(&o).contains("doctor: 1 error, 0 warnings, 3 info"));
}

#[test]
fn standard_input_is_read_and_named() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("examples/nginx.yaml")).unwrap();
    let run = |format: &str| {
        tkedirect()
            .current_dir(ROOT)
            .args(["doctor", "-f", "-", "-o", format])
            .args(MIXED)
            .write_stdin(text.clone())
            .output()
            .unwrap()
    };
    let o = run("json");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        found(&v),
        ["service-direct-access-off info Service/nginx <stdin>:33:1"]
    );
    // No file to point at: SARIF keeps the logical location only, GitHub gets the position in the text.
    let sarif: Value = serde_json::from_slice(&run("sarif").stdout).unwrap();
    let loc = &sarif["runs"][0]["results"][0]["locations"][0];
    assert!(loc["physicalLocation"].is_null(), "{loc}");
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "default/Service/nginx"
    );
    let github = stdout(&run("github"));
    assert!(
        github.starts_with(
            "::notice title=tkedirect/service-direct-access-off::svc/nginx -n default (<stdin>:33:1): "
        ),
        "{github}"
    );
}

#[test]
fn fingerprints_survive_edits_that_move_lines_and_uris_are_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let k8s = dir.path().join("my manifests");
    std::fs::create_dir(&k8s).unwrap();
    let original =
        std::fs::read_to_string(Path::new(ROOT).join("examples/web-ingress.yaml")).unwrap();
    std::fs::write(k8s.join("web.yaml"), &original).unwrap();
    let sarif = |args: &[&str]| -> Value {
        let o = doctor_in(dir.path(), &[args, &["-o", "sarif"], &MIXED].concat());
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let results = |v: &Value| -> Vec<(String, u64, String)> {
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let p = &r["locations"][0]["physicalLocation"];
                (
                    p["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                    p["region"]["startLine"].as_u64().unwrap(),
                    r["partialFingerprints"]["tkedirectFinding/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    };
    let before = sarif(&["-f", "my manifests/"]);
    assert_valid_sarif(&before);
    // An absolute path inside the working directory is given relative to it, percent-encoded.
    let absolute = sarif(&["-f", k8s.to_str().unwrap()]);
    assert_eq!(results(&before), results(&absolute));
    assert_eq!(results(&before)[0].0, "my%20manifests/web.yaml");
    // Two comment lines on top: every result moves down two lines and keeps its fingerprint.
    std::fs::write(k8s.join("web.yaml"), format!("# one\n# two\n{original}")).unwrap();
    let after = sarif(&["-f", "my manifests/"]);
    let (b, a) = (results(&before), results(&after));
    assert_eq!(b.len(), a.len());
    for (b, a) in b.iter().zip(&a) {
        assert_eq!((a.1, &a.2), (b.1 + 2, &b.2), "{b:?} → {a:?}");
    }
}

/// The facts of a fixture cluster, read through the fake API server as docs/ci.md tells an admin to
/// (`doctor -n kube-system --dump-facts`), written into `dir`.
fn facts_of(cluster: &str, dir: &Path) -> PathBuf {
    facts_scoped(cluster, dir, "-n=kube-system")
}

fn facts_scoped(cluster: &str, dir: &Path, scope: &str) -> PathBuf {
    let fake = FakeKube::from_fixture(cluster);
    let path = dir.join(format!("{cluster}{scope}.json"));
    let o = tkedirect()
        .args(["doctor", scope, "-q", "--kubeconfig"])
        .arg(fake.kubeconfig())
        .arg("--dump-facts")
        .arg(&path)
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0 | 1)), "{}", stderr(&o));
    path
}

#[test]
fn a_cilium_overlay_cluster_fails_the_service_that_asks_for_direct_access_at_its_annotation() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts_of("cilium-overlay", dir.path());
    let file = fixture("cluster-blockers/direct.yaml");
    let (code, v) = json(&["-f", &file, "--facts", facts.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "cilium-overlay");
    let web = at(&file, "\"true\"", 0);
    let edge = at(&file, "\"true\"", 1);
    assert_eq!(
        found(&v),
        [
            "network-mode-unsupported error cluster -".to_string(),
            format!("network-mode-unsupported error Service/edge {edge}"),
            format!("network-mode-unsupported error Service/web {web}"),
        ]
    );
    assert_eq!(web, format!("{file}:8:46"));
    assert!(
        v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .ends_with("asked for by svc/web -n shop, svc/edge -n shop"),
        "{}",
        v["findings"][0]["message"]
    );
    // Facts of every namespace give the same verdict: only the cluster-level part is used.
    let all = facts_scoped("cilium-overlay", dir.path(), "-A");
    let (_, v_all) = json(&["-f", &file, "--facts", all.to_str().unwrap()]);
    assert_eq!(found(&v_all), found(&v));
    // The same in the table, with the location first.
    let table = doctor(&["-f", &file, "--facts", facts.to_str().unwrap()]);
    assert_eq!(table.status.code(), Some(1));
    assert!(
        stdout(&table).contains(&format!(" {web} ")),
        "{}",
        stdout(&table)
    );
}

#[test]
fn a_global_router_cluster_without_the_switch_fails_the_service_unless_its_pods_run_on_super_nodes()
{
    let dir = tempfile::tempdir().unwrap();
    let facts = facts_of("global-router-only", dir.path());
    let file = fixture("cluster-blockers/direct.yaml");
    let (code, v) = json(&["-f", &file, "--facts", facts.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["cluster"]["networkMode"], "global-router");
    assert_eq!(
        found(&v),
        [
            "global-router-direct-access-off error cluster -".to_string(),
            format!(
                "global-router-direct-access-off error Service/web {}",
                at(&file, "\"true\"", 0)
            ),
        ],
        "svc/edge selects pods pinned to super nodes: direct without the switch"
    );
    let svc = &v["findings"][1];
    assert!(
        svc["message"]
            .as_str()
            .unwrap()
            .contains("svc/web asks for direct access, which cannot work in this cluster"),
        "{svc}"
    );
    // The cluster's own facts, not flags, decided it.
    assert!(
        v["cluster"]["evidence"]
            .to_string()
            .contains("DaemonSet kube-system/tke-bridge-agent: present"),
        "{}",
        v["cluster"]["evidence"]
    );
}

#[test]
fn direct_access_value_invalid_in_a_helm_rendered_stream() {
    let file = fixture("direct-access-value-invalid/rendered.yaml");
    let (code, v) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(code, 1);
    let invalid: Vec<String> = found(&v)
        .into_iter()
        .filter(|f| f.starts_with("direct-access-value-invalid"))
        .collect();
    assert_eq!(
        invalid,
        [
            format!(
                "direct-access-value-invalid error Ingress/shop {}",
                at(&file, "\"enabled\"", 0)
            ),
            format!(
                "direct-access-value-invalid error Service/shop {}",
                at(&file, "\"yes\"", 0)
            ),
            // Unquoted, the value is a YAML boolean, which the API server refuses for an annotation.
            format!(
                "direct-access-value-invalid error Service/shop-metrics {}",
                at(&file, "direct-access: |true", 0)
            ),
        ],
        "\"True\" is a Go boolean: svc/shop-admin is fine"
    );
    let unquoted = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["object"]["name"] == "shop-metrics")
        .unwrap();
    assert!(
        unquoted["message"]
            .as_str()
            .unwrap()
            .contains("unquoted, a YAML boolean and not a string"),
        "{unquoted}"
    );
    // `enable` quotes it, and then nothing is left to say about the values it wrote.
    let enabled = tkedirect()
        .current_dir(ROOT)
        .args(["enable", "-f", &file, "--network-mode", "mixed"])
        .output()
        .unwrap();
    assert_eq!(enabled.status.code(), Some(0), "{}", stderr(&enabled));
    let o = tkedirect()
        .current_dir(ROOT)
        .args(["doctor", "-f", "-", "-o", "json"])
        .args(MIXED)
        .write_stdin(enabled.stdout)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let left: Vec<String> = found(&v)
        .into_iter()
        .filter(|f| f.contains("Service/shop-metrics") || f.contains("opt-in"))
        .collect();
    assert!(left.is_empty(), "{left:#?}");
}

#[test]
fn ingress_backend_cluster_ip_in_a_kubectl_get_list() {
    let file = fixture("ingress-backend-cluster-ip/kubectl-get.yaml");
    let (code, v) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(code, 1);
    assert_eq!(
        found(&v),
        [
            // The first path's backend (svc/web is ClusterIP); svc/api is a NodePort and fine.
            format!(
                "ingress-backend-cluster-ip error Ingress/storefront {}",
                at(&file, "backend:", 0)
            ),
            format!(
                "ingress-direct-access-off info Ingress/storefront {}",
                at(&file, "metadata:", 0)
            ),
        ]
    );
    assert_eq!(
        v["findings"][0]["related"],
        serde_json::json!({"kind": "Service", "namespace": "shop", "name": "web"})
    );
}

#[test]
fn service_selects_no_workload_in_a_commented_multi_document_file() {
    let file = fixture("service-selects-no-workload/payments.yaml");
    let (code, v) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(code, 0, "a note, not an error");
    assert_eq!(
        found(&v),
        [format!(
            "service-selects-no-workload info Service/payments {}",
            at(&file, "selector:", 0)
        )],
        "the Deployment with the right labels is in another namespace"
    );
}

#[test]
fn workload_host_network_in_a_crlf_file() {
    let file = fixture("workload-host-network/edge-crlf.yaml");
    assert!(
        std::fs::read_to_string(Path::new(ROOT).join(&file))
            .unwrap()
            .contains("\r\n")
    );
    let (code, v) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(code, 1);
    let host = format!(
        "workload-host-network error DaemonSet/edge-proxy {}",
        at(&file, "hostNetwork: |true", 0)
    );
    assert_eq!(
        host,
        format!("workload-host-network error DaemonSet/edge-proxy {file}:33:20")
    );
    assert!(found(&v).contains(&host), "{:#?}", found(&v));
}

#[test]
fn workload_eni_resource_misplaced_in_a_file_without_a_final_newline() {
    let file = fixture("workload-eni-resource-misplaced/no-final-newline.yaml");
    assert!(
        !std::fs::read_to_string(Path::new(ROOT).join(&file))
            .unwrap()
            .ends_with('\n')
    );
    let (code, v) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(code, 1);
    assert_eq!(
        found(&v),
        [
            // Where the ENI webhook may run, it also gives containers[0] an ENI IP.
            format!(
                "workload-eni-resource-misplaced warning Deployment/search {}",
                at(&file, "- |name: search", 0)
            ),
            // On two containers: the last one is the one to remove.
            format!(
                "workload-eni-resource-misplaced error StatefulSet/search-data {}",
                at(&file, "name: exporter", 0)
            ),
        ]
    );
    // Where the webhook is known not to run, the resource on the second container is the opt-in.
    let (_, v) = json(&[&["-f", &file, "--eni-webhook", "absent"][..], &MIXED].concat());
    assert_eq!(
        found(&v),
        [format!(
            "workload-eni-resource-misplaced error StatefulSet/search-data {}",
            at(&file, "name: exporter", 0)
        )]
    );
}

#[test]
fn workload_eni_opt_in_missing_links_services_and_workloads_across_files() {
    let dir = fixture("workload-eni-opt-in-missing");
    let deployments = format!("{dir}/deployments.yaml");
    let web = format!(
        "workload-eni-opt-in-missing error Deployment/web {}",
        at(&deployments, "metadata:", 5)
    );
    let (code, v) = json(&[&["-f", &dir][..], &MIXED].concat());
    assert_eq!(code, 1);
    let opt_in: Vec<String> = found(&v)
        .into_iter()
        .filter(|f| f.starts_with("workload-eni-opt-in-missing"))
        .collect();
    // deploy/cart has the annotation: enough where TKE's ENI webhook may run; deploy/legacy backs no
    // direct Service.
    assert_eq!(opt_in, std::slice::from_ref(&web));
    // Files given one by one link the same way.
    let (_, one_by_one) = json(
        &[
            &["-f", &format!("{dir}/services.yaml"), "-f", &deployments][..],
            &MIXED,
        ]
        .concat(),
    );
    assert_eq!(found(&one_by_one), found(&v));
    // Without the Deployments, nothing links: the Services' selectors match nothing.
    let (_, alone) = json(&[&["-f", &format!("{dir}/services.yaml")][..], &MIXED].concat());
    assert!(
        found(&alone)
            .iter()
            .all(|f| !f.starts_with("workload-eni-opt-in-missing")),
        "{:#?}",
        found(&alone)
    );
    // --eni-webhook absent: the annotation alone is not enough.
    let (_, absent) = json(&[&["-f", &dir, "--eni-webhook", "absent"][..], &MIXED].concat());
    let opt_in: Vec<String> = found(&absent)
        .into_iter()
        .filter(|f| f.starts_with("workload-eni-opt-in-missing"))
        .collect();
    assert_eq!(
        opt_in,
        [
            format!(
                "workload-eni-opt-in-missing error Deployment/cart {}",
                at(&deployments, "metadata:", 1)
            ),
            web
        ]
    );
    assert!(
        absent["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("lacks the resource tke.cloud.tencent.com/eni-ip"),
        "{}",
        absent["findings"][0]
    );
    // GlobalRouteDirectAccess on: a warning that says how the pods are served.
    let (code, gr) = json(&[&["-f", &dir, "--global-route-direct-access"][..], &MIXED].concat());
    assert_eq!(code, 0);
    let f = gr["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "workload-eni-opt-in-missing")
        .unwrap();
    assert_eq!(f["severity"], "warning");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("served through GlobalRoute direct access")
    );
}

#[test]
fn namespace_filters_the_objects_and_names_the_unnamespaced_ones() {
    let file = fixture("namespaces/apps.yaml");
    let (_, all) = json(&[&["-f", &file][..], &MIXED].concat());
    assert_eq!(all["scope"]["namespace"], Value::Null);
    let objects = |v: &Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}/{}",
                    f["object"]["namespace"].as_str().unwrap(),
                    f["object"]["name"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(objects(&all), ["default/web", "shop/shop", "staging/blog"]);
    let (_, shop) = json(&[&["-f", &file, "-n", "shop"][..], &MIXED].concat());
    assert_eq!(shop["scope"]["namespace"], "shop");
    assert_eq!(objects(&shop), ["shop/shop", "shop/web"]);
    assert_eq!(
        shop["findings"][1]["location"]["line"], 7,
        "svc/web (no namespace) is audited as in shop, at its own line"
    );
}

#[test]
fn the_cluster_profile_comes_from_facts_flags_or_nowhere() {
    let dir = tempfile::tempdir().unwrap();
    let facts = facts_of("vpc-cni-healthy", dir.path());
    let file = fixture("cluster-blockers/direct.yaml");
    let (_, from_facts) = json(&["-f", &file, "--facts", facts.to_str().unwrap()]);
    assert_eq!(from_facts["cluster"]["networkMode"], "vpc-cni");
    assert!(
        from_facts["cluster"]["evidence"]
            .to_string()
            .contains("tke-eni-agent: present")
    );
    let (_, from_flags) = json(&[
        "-f",
        &file,
        "--kube-version",
        "v1.26.1-tke.3",
        "--network-mode",
        "vpc-cni",
    ]);
    assert_eq!(from_flags["cluster"]["kubernetesVersion"], "v1.26.1-tke.3");
    assert_eq!(
        from_flags["cluster"]["evidence"],
        serde_json::json!(["given on the command line: --network-mode vpc-cni"])
    );
    // The network mode alone: the manifests are judged, the version checks are not run, and the
    // report says the version was not given.
    let (_, mode_only) = json(&["-f", &file, "--network-mode", "mixed"]);
    assert_eq!(
        mode_only["cluster"]["kubernetesVersion"],
        serde_json::Value::Null
    );
    assert_eq!(mode_only["cluster"]["networkMode"], "mixed");
    let o = doctor(&["-f", &file, "--network-mode", "mixed"]);
    assert!(
        stdout(&o).contains("not given (--kube-version): the version checks did not run"),
        "{}",
        stdout(&o)
    );
    // No profile and no kubeconfig: a clear error, nothing on stdout.
    let home = tempfile::tempdir().unwrap();
    let o = tkedirect()
        .current_dir(ROOT)
        .env("HOME", home.path())
        .args(["doctor", "-f", &file])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).starts_with(
            "error: no cluster profile: pass --facts FILE (written by `tkedirect doctor --dump-facts`) or --network-mode (with --kube-version for the version checks), or a kubeconfig that reaches the cluster"
        ),
        "{}",
        stderr(&o)
    );
    // Flags that do not go together.
    for args in [
        vec![
            "-f",
            &file,
            "--facts",
            facts.to_str().unwrap(),
            "--kube-version",
            "v1.28.3",
        ],
        vec![
            "-f",
            &file,
            "--facts",
            facts.to_str().unwrap(),
            "--network-mode",
            "mixed",
        ],
        vec![
            "-f",
            &file,
            "--kube-version",
            "1.28",
            "--network-mode",
            "mixed",
            "-l",
            "app=web",
        ],
        vec![
            "-f",
            &file,
            "--kube-version",
            "not-a-version",
            "--network-mode",
            "mixed",
        ],
    ] {
        let o = doctor(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn bad_yaml_exits_2_naming_file_line_and_column() {
    let dir = fixture("bad-yaml");
    let o = doctor(&[&["-f", &dir][..], &MIXED].concat());
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty(), "no half report");
    assert_eq!(
        stderr(&o),
        format!(
            "error: {dir}/broken.yaml:6:46: unclosed quote\nerror: {dir}/broken.yaml:13:9: unclosed bracket '['\n"
        )
    );
}

// ---- SARIF 2.1.0 schema validation ----

/// The OASIS SARIF 2.1.0 schema (Errata 01), vendored: see tests/fixtures/sarif/README.md.
fn sarif_schema() -> PathBuf {
    Path::new(ROOT).join("tests/fixtures/sarif/sarif-schema-2.1.0.json")
}

/// Validates a JSON document against a draft-04 schema with Python's `jsonschema` (format checks on where
/// their checkers are installed). Exit 0: valid; 1: invalid (errors on stdout); 3: no validator.
const VALIDATE: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError as e:
    print(f"python3 has no jsonschema ({e})")
    sys.exit(3)
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(sys.stdin)
cls = jsonschema.Draft4Validator
cls.check_schema(schema)
# Every format checker jsonschema has (SARIF uses draft 6's uri-reference beside draft 4's uri).
checker = jsonschema.FormatChecker()
if not {"uri", "uri-reference"} <= set(checker.checkers):
    print("no uri-reference format checker (pip install rfc3986-validator)", file=sys.stderr)
    if len(sys.argv) > 2 and sys.argv[2] == "strict":
        sys.exit(3)
errors = sorted(cls(schema, format_checker=checker).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message)
sys.exit(1 if errors else 0)
"#;

/// Whether a missing validator fails the test: on CI (.ci/run installs it), or when asked.
fn validator_required() -> bool {
    std::env::var_os("CI").is_some_and(|v| v != "false" && !v.is_empty())
        || std::env::var_os("TKEDIRECT_REQUIRE_VALIDATORS").is_some()
}

/// The schema's verdict on a document: Ok, or the errors. None when no validator is available here (the
/// caller skips with a message; on CI that is a failure).
fn sarif_errors(doc: &Value) -> Option<Result<(), String>> {
    let strict = if validator_required() {
        "strict"
    } else {
        "lenient"
    };
    let child = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(sarif_schema())
        .arg(strict)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            assert!(
                !validator_required(),
                "python3 is needed to validate SARIF: {e}"
            );
            eprintln!("SKIPPED SARIF schema validation: no python3 ({e})");
            return None;
        }
    };
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(doc.to_string().as_bytes()).unwrap();
    }
    let o = child.wait_with_output().unwrap();
    match o.status.code() {
        Some(0) => Some(Ok(())),
        Some(1) => Some(Err(stdout(&o))),
        Some(3) => {
            let why = format!("{}{}", stdout(&o), stderr(&o));
            assert!(
                !validator_required(),
                "the SARIF validator is not installed (.ci/run installs it with pip): {why}"
            );
            eprintln!("SKIPPED SARIF schema validation: {why}");
            None
        }
        _ => panic!("validator crashed: {}{}", stdout(&o), stderr(&o)),
    }
}

fn assert_valid_sarif(doc: &Value) {
    if let Some(Err(e)) = sarif_errors(doc) {
        panic!("SARIF does not validate against the 2.1.0 schema:\n{e}");
    }
}

#[test]
fn the_schema_check_rejects_broken_sarif() {
    let o = doctor(&[&["-f", "examples/", "-o", "sarif"][..], &MIXED].concat());
    let good: Value = serde_json::from_slice(&o.stdout).unwrap();
    let Some(verdict) = sarif_errors(&good) else {
        return;
    };
    assert_eq!(verdict, Ok(()));
    let broken = |path: &str, edit: &dyn Fn(&mut Value)| {
        let mut doc = good.clone();
        edit(&mut doc);
        let errors = sarif_errors(&doc).unwrap().expect_err(path);
        assert!(errors.contains(path), "{path}: {errors}");
    };
    broken("/version", &|d| d["version"] = "2.0".into());
    broken("/runs/0/results/0/level", &|d| {
        d["runs"][0]["results"][0]["level"] = "fatal".into()
    });
    broken(
        "/runs/0/results/0/locations/0/physicalLocation/region/startLine",
        &|d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                0.into()
        },
    );
    broken("/runs/0/tool/driver", &|d| {
        d["runs"][0]["tool"]["driver"]
            .as_object_mut()
            .unwrap()
            .remove("name");
    });
    broken("/runs/0/results/0", &|d| {
        d["runs"][0]["results"][0]["lineNumber"] = 3.into()
    });
    if validator_required() {
        // With the format checkers installed (CI), a path that is not a URI reference is caught too.
        broken(
            "/runs/0/results/0/locations/0/physicalLocation/artifactLocation/uri",
            &|d| {
                d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"] = "my manifests/web.yaml".into()
            },
        );
    }
}

/// The jq program docs/ci.md gives for GitLab's Code Quality report, run on real SARIF.
#[test]
fn the_gitlab_code_quality_conversion_in_the_docs_works() {
    let docs = std::fs::read_to_string(Path::new(ROOT).join("docs/ci.md")).unwrap();
    let program = docs
        .split_once("<!-- codequality.jq")
        .and_then(|(_, rest)| rest.split_once("<!-- /codequality.jq -->"))
        .map(|(block, _)| block)
        .and_then(|b| b.split_once("```jq\n"))
        .and_then(|(_, b)| b.split_once("```"))
        .map(|(program, _)| program.to_string())
        .expect("docs/ci.md has the marked jq program");
    let dir = tempfile::tempdir().unwrap();
    let sarif = doctor(&[&["-f", "examples/", "-o", "sarif"][..], &MIXED].concat());
    std::fs::write(dir.path().join("tkedirect.sarif"), &sarif.stdout).unwrap();
    std::fs::write(dir.path().join("codequality.jq"), program).unwrap();
    let o = match Command::new("jq")
        .current_dir(dir.path())
        .args(["-f", "codequality.jq", "tkedirect.sarif"])
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIPPED the GitLab Code Quality conversion: no jq ({e})");
            return;
        }
    };
    assert!(o.status.success(), "{}", stderr(&o));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let issues = report.as_array().unwrap();
    assert_eq!(issues.len(), 4, "{report:#}");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 4, "unique fingerprints");
    assert_eq!(
        issues[0],
        serde_json::json!({
            "description": issues[0]["description"],
            "check_name": "tkedirect/ingress-backend-cluster-ip",
            "fingerprint": issues[0]["fingerprint"],
            "severity": "major",
            "location": {"path": "examples/web-ingress.yaml", "lines": {"begin": 15}}
        })
    );
    assert!(
        issues[0]["description"]
            .as_str()
            .unwrap()
            .starts_with("ing/web routes to svc/web")
    );
    assert_eq!(issues[3]["severity"], "info");
}
