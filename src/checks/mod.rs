//! The checks: one file per check, each a pure function over the facts (a check reads, it never
//! fetches; TKE's rules come from `crate::rules`), listed once in [`ALL`]. The id is the same string in the registry, the file name (with `_`),
//! `docs/checks/<id>.md`, the SARIF ruleId `tkedirect/<id>` and the ignore annotation
//! `ignore-check.tkedirect.io/<id>`. Ids are never reused.

pub mod ctx;
pub mod detect;
pub mod manifests;
pub mod profile;

mod cluster_read_forbidden;
mod cluster_version_gate_beta;
mod cluster_version_unsupported;
mod direct_access_value_invalid;
mod global_router_direct_access_off;
mod global_router_direct_access_unverified;
mod ingress_api_deprecated;
mod ingress_backend_cluster_ip;
mod ingress_direct_access_off;
mod network_mode_unknown;
mod network_mode_unsupported;
mod node_eni_ip_unavailable;
mod pod_eni_ip_insufficient;
mod pod_host_network;
mod pod_not_on_eni;
mod pod_readiness_gate_false;
mod pod_readiness_gate_missing;
mod service_clb_id_missing;
mod service_direct_access_ineffective;
mod service_direct_access_off;
mod service_external_traffic_policy_local;
mod service_selects_no_workload;
mod service_session_affinity_client_ip;
mod workload_eni_opt_in_missing;
mod workload_eni_resource_misplaced;
mod workload_host_network;

#[cfg(test)]
pub(crate) mod testing;

use crate::model::consts;
use crate::model::{ClusterFacts, NetworkDetection};
use crate::report::{Audit, AuditCommand, ClusterSummary, FactsSource, FailOn, Suppressed};
pub use crate::report::{Finding, Severity, Subject};
pub use ctx::{Ctx, Timing};
pub use detect::detect_network;

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A cluster prerequisite: `check` and `doctor`.
    Cluster,
    /// About Services, Ingresses and their pods: `doctor` only.
    Objects,
}

/// Where an object check can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Manifests {
    /// Needs what only a cluster has (pods, endpoints, what TKE wrote back): live or replayed facts only.
    No,
    /// On live clusters and on manifests.
    Yes,
    /// Only on manifests (`doctor -f`): live clusters have better evidence.
    Only,
}

impl Manifests {
    pub const fn as_str(self) -> &'static str {
        match self {
            Manifests::No => "no",
            Manifests::Yes => "yes",
            Manifests::Only => "only",
        }
    }
}

/// A registered check.
#[derive(Debug)]
pub struct Check {
    /// Stable kebab-case id: subject-problem, the bad state, not the fix.
    pub id: &'static str,
    /// The severity it reports (a few checks lower it in the situation their docs describe).
    pub severity: Severity,
    pub stage: Stage,
    /// Whether it can run on manifests (`doctor -f`), with objects from files and the cluster from a
    /// profile; docs/checks/<id>.md says so too.
    pub manifests: Manifests,
    /// One line for rule lists (SARIF, `explain`).
    pub summary: &'static str,
    /// `docs/checks/<id>.md`, embedded.
    pub docs: &'static str,
    pub run: fn(&Ctx) -> Vec<Finding>,
}

/// Every check, in the order reports list them.
pub const ALL: &[&Check] = &[
    &cluster_read_forbidden::CHECK,
    &cluster_version_unsupported::CHECK,
    &cluster_version_gate_beta::CHECK,
    &network_mode_unsupported::CHECK,
    &network_mode_unknown::CHECK,
    &global_router_direct_access_off::CHECK,
    &global_router_direct_access_unverified::CHECK,
    &node_eni_ip_unavailable::CHECK,
    &service_direct_access_off::CHECK,
    &ingress_direct_access_off::CHECK,
    &direct_access_value_invalid::CHECK,
    &service_direct_access_ineffective::CHECK,
    &service_clb_id_missing::CHECK,
    &ingress_api_deprecated::CHECK,
    &ingress_backend_cluster_ip::CHECK,
    &service_selects_no_workload::CHECK,
    &pod_not_on_eni::CHECK,
    &workload_eni_opt_in_missing::CHECK,
    &workload_eni_resource_misplaced::CHECK,
    &workload_host_network::CHECK,
    &pod_eni_ip_insufficient::CHECK,
    &pod_readiness_gate_missing::CHECK,
    &pod_readiness_gate_false::CHECK,
    &pod_host_network::CHECK,
    &service_external_traffic_policy_local::CHECK,
    &service_session_affinity_client_ip::CHECK,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    ALL.iter().copied().find(|c| c.id == id)
}

/// All findings of a run, sorted (cluster first, then by object), the silenced ones, and why some were
/// withheld.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckResults {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub withheld: Vec<String>,
}

/// Run the checks and build the audit a `check` or `doctor` run reports.
pub fn audit(
    command: AuditCommand,
    source: FactsSource,
    facts: &ClusterFacts,
    network: &NetworkDetection,
    options: RunOptions,
    fail_on: FailOn,
) -> Audit {
    let CheckResults {
        findings,
        suppressed,
        withheld,
    } = run(facts, network, options);
    Audit {
        command,
        source,
        scope: facts.scope.clone(),
        cluster: ClusterSummary::new(facts, network),
        findings,
        suppressed,
        withheld,
        fail_on,
    }
}

/// A cluster-level blocker and the advice that cannot help while it stands (causes before consequences:
/// the blocker is the cause; advice about the objects it blocks is noise).
struct Moot {
    blocker: &'static str,
    why: &'static str,
    /// Checks whose findings about a blocked object (or its Services) are withheld.
    advice: &'static [&'static str],
}

const MOOT: &[Moot] = &[
    Moot {
        blocker: "cluster-version-unsupported",
        why: "readiness gates do not exist before Kubernetes 1.12",
        advice: &["pod-readiness-gate-missing", "pod-readiness-gate-false"],
    },
    Moot {
        blocker: "network-mode-unsupported",
        why: "Cilium-Overlay pod IPs are not routable from the CLB",
        advice: &[
            "pod-readiness-gate-missing",
            "pod-readiness-gate-false",
            "pod-not-on-eni",
            "workload-eni-opt-in-missing",
            "pod-host-network",
        ],
    },
    Moot {
        blocker: "global-router-direct-access-off",
        why: "GlobalRouter pods are not direct backends until GlobalRouteDirectAccess is on",
        advice: &["pod-readiness-gate-missing", "pod-readiness-gate-false"],
    },
];

/// Suggestions to turn direct access on: withheld under any blocker.
const CANDIDATES: [&str; 2] = ["service-direct-access-off", "ingress-direct-access-off"];

/// Drop the advice a blocker makes moot; say what was withheld and why.
fn withhold(findings: Vec<Finding>, ctx: &Ctx) -> (Vec<Finding>, Vec<String>) {
    // One blocker per object: the first (most fundamental) one in registry order names it.
    let mut named: Vec<Subject> = Vec::new();
    let findings: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let per_object = MOOT.iter().any(|m| m.blocker == f.check) && f.subject.is_some();
            match (&f.subject, per_object) {
                (Some(s), true) if named.contains(s) => false,
                (Some(s), true) => {
                    named.push(s.clone());
                    true
                }
                _ => true,
            }
        })
        .collect();
    let active: Vec<&Moot> = MOOT
        .iter()
        .filter(|m| {
            findings
                .iter()
                .any(|f| f.check == m.blocker && f.subject.is_none())
        })
        .collect();
    if active.is_empty() {
        return (findings, Vec::new());
    }
    // What each blocker blocks: the objects it named, and the Services behind them.
    let requests = ctx.direct_requests();
    let scope: Vec<(&str, Vec<Subject>)> = active
        .iter()
        .map(|m| {
            let named = findings
                .iter()
                .filter(|f| f.check == m.blocker)
                .filter_map(|f| f.subject.clone());
            let mut subjects: Vec<Subject> = Vec::new();
            for s in named {
                if let Some(r) = requests.iter().find(|r| r.subject == s) {
                    subjects.extend(r.services.iter().cloned());
                }
                subjects.push(s);
            }
            (m.blocker, subjects)
        })
        .collect();
    let blocked = |m: &Moot, s: &Subject| {
        scope
            .iter()
            .any(|(b, subjects)| *b == m.blocker && subjects.contains(s))
    };
    let mut kept = Vec::new();
    let mut counts: Vec<(&Moot, &'static str, usize)> = Vec::new();
    for f in findings {
        let by = active.iter().copied().find(|m| {
            CANDIDATES.contains(&f.check)
                || (m.advice.contains(&f.check)
                    && [f.subject.as_ref(), f.related.as_ref()]
                        .into_iter()
                        .flatten()
                        .any(|s| blocked(m, s)))
        });
        match by {
            Some(m) => match counts
                .iter_mut()
                .find(|(c, id, _)| c.blocker == m.blocker && *id == f.check)
            {
                Some(c) => c.2 += 1,
                None => counts.push((m, f.check, 1)),
            },
            None => kept.push(f),
        }
    }
    let lines = active
        .iter()
        .filter_map(|m| {
            let of: Vec<String> = counts
                .iter()
                .filter(|(c, _, _)| c.blocker == m.blocker)
                .map(|(_, id, n)| format!("{id} ×{n}"))
                .collect();
            (!of.is_empty()).then(|| {
                format!(
                    "{} withheld ({}) because {}: see {}",
                    ctx::count(
                        counts
                            .iter()
                            .filter(|(c, _, _)| c.blocker == m.blocker)
                            .map(|c| c.2)
                            .sum(),
                        "finding"
                    ),
                    of.join(", "),
                    m.why,
                    m.blocker
                )
            })
        })
        .collect();
    (kept, lines)
}

/// How to run the checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub timing: Timing,
    /// The objects come from manifests (`doctor -f`): only the checks that can run on them.
    pub manifests: bool,
}

impl Check {
    /// The line under each docs page's title: severity and where the check runs.
    pub fn header(&self) -> String {
        let runs = match (self.stage, self.manifests) {
            (Stage::Cluster, _) => {
                "reported by `tkedirect check`, `tkedirect doctor`, and `tkedirect doctor -f` against the cluster profile"
            }
            (Stage::Objects, Manifests::Yes) => {
                "reported by `tkedirect doctor`, on live clusters and on manifests (`doctor -f`)"
            }
            (Stage::Objects, Manifests::No) => {
                "reported by `tkedirect doctor` on live clusters (or replayed facts); not on manifests, which lack what it reads"
            }
            (Stage::Objects, Manifests::Only) => {
                "reported by `tkedirect doctor -f`, on manifests only"
            }
        };
        format!("Severity: **{}** · {runs}", self.severity)
    }

    /// Whether the check runs on these facts.
    pub fn applies(&self, facts: &ClusterFacts, manifests: bool) -> bool {
        match (self.stage, manifests, self.manifests) {
            (Stage::Cluster, _, _) => true,
            (Stage::Objects, _, _) if !facts.scope.objects => false,
            (Stage::Objects, true, m) => m != Manifests::No,
            (Stage::Objects, false, m) => m != Manifests::Only,
        }
    }
}

/// Run the checks the facts allow (object checks only when objects were read), withhold what a blocker
/// makes moot, apply ignore annotations.
pub fn run(facts: &ClusterFacts, network: &NetworkDetection, options: RunOptions) -> CheckResults {
    let ctx = Ctx::with_timing(facts, network, options.timing);
    let mut out = CheckResults::default();
    let raw: Vec<Finding> = ALL
        .iter()
        .filter(|c| c.applies(facts, options.manifests))
        .flat_map(|check| (check.run)(&ctx))
        .filter(|f| ctx.in_selection(f))
        .collect();
    let (raw, withheld) = withhold(raw, &ctx);
    out.withheld = withheld;
    for f in raw {
        let key = format!("{}{}", consts::IGNORE_CHECK_PREFIX, f.check);
        let reason = [f.subject.as_ref(), f.related.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|s| ctx.ignore_annotations(s).and_then(|a| a.get(&key)));
        match reason {
            Some(r) => out.suppressed.push(Suppressed {
                reason: r.clone(),
                finding: f,
            }),
            None => out.findings.push(f),
        }
    }
    let order = |f: &Finding| {
        (
            f.subject.clone(),
            std::cmp::Reverse(f.severity),
            f.check,
            f.message.clone(),
        )
    };
    out.findings.sort_by_cached_key(order);
    out.suppressed.sort_by_cached_key(|s| order(&s.finding));
    out
}

/// The prerequisite findings alone (version, network mode, GlobalRouter switch, RBAC): what `check`
/// reports and what live `enable` must refuse on. Detects the network mode itself.
pub fn prerequisites(facts: &ClusterFacts) -> Vec<Finding> {
    let network = detect_network(facts);
    let ctx = Ctx::new(facts, &network);
    ALL.iter()
        .filter(|c| c.stage == Stage::Cluster)
        .flat_map(|c| (c.run)(&ctx))
        .collect()
}

/// The findings of a cluster-level blocker: the cluster finding (`message` plus the objects it blocks),
/// then one finding for each Service and Ingress that asks for direct access `blocks` says it cannot
/// have, located at its direct-access annotation.
pub(crate) fn blocker(
    check: &Check,
    ctx: &Ctx,
    message: &str,
    reason: &str,
    fix: &str,
    blocks: impl Fn(&ctx::DirectRequest) -> bool,
) -> Vec<Finding> {
    let mut names = Vec::new();
    let mut out = vec![Finding::new(check.id, check.severity, None, "", fix)];
    for r in ctx.direct_requests().into_iter().filter(|r| blocks(r)) {
        names.push(r.subject.to_string());
        let mut f = finding(
            check,
            Some(r.subject.clone()),
            format!(
                "{} asks for direct access, which cannot work in this cluster: {reason}",
                r.subject.short()
            ),
            fix,
        );
        f.field = r.field;
        out.push(f);
    }
    out[0].message = if names.is_empty() {
        message.to_string()
    } else {
        format!(
            "{message}; asked for by {}",
            crate::render::first_few(&names, 3)
        )
    };
    out
}

/// Shorthand used by the check files.
pub(crate) fn finding(
    check: &Check,
    subject: Option<Subject>,
    message: impl Into<String>,
    fix: impl Into<String>,
) -> Finding {
    Finding::new(check.id, check.severity, subject, message, fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `-l` narrows the Services read; findings about pods and workloads follow: only those the selected
    /// Services select stay, and the cluster's own findings stay.
    #[test]
    fn a_label_selector_scopes_pod_and_workload_findings() {
        use crate::checks::testing::*;
        use crate::model::NetworkMode;
        // Deployment `name`, its ENI resource on both containers.
        let workload = |name: &str| -> crate::model::Workload {
            let eni = serde_json::json!({"limits": {"tke.cloud.tencent.com/eni-ip": "1"}});
            serde_json::from_value(serde_json::json!({
                "kind": "Deployment", "metadata": {"namespace": "web", "name": name},
                "spec": {"template": {"metadata": {"labels": {"app": name},
                    "annotations": {"tke.cloud.tencent.com/networks": "tke-route-eni"}},
                    "spec": {"containers": [{"name": "c0", "resources": eni}, {"name": "c1", "resources": eni}]}}}
            }))
            .unwrap()
        };
        let mut f = facts();
        f.services = vec![direct_svc("web")];
        f.workloads = vec![workload("web"), workload("other")];
        let mut web = pod("web", "web-abc-1");
        let mut other = pod("other", "other-abc-1");
        for p in [&mut web, &mut other] {
            p.spec.host_network = true;
        }
        f.pods = vec![web, other];
        f.nodes = vec![node("node-1")];
        let net = NetworkDetection::given(NetworkMode::Mixed, None);
        let about = |f: &ClusterFacts| -> Vec<(String, String)> {
            run(f, &net, RunOptions::default())
                .findings
                .iter()
                .map(|x| {
                    (
                        x.check.to_string(),
                        x.subject.as_ref().map(|s| s.short()).unwrap_or_default(),
                    )
                })
                .collect()
        };
        let all = about(&f);
        assert!(
            all.contains(&(
                "workload-eni-resource-misplaced".into(),
                "deploy/other".into()
            )),
            "without -l every workload is audited: {all:?}"
        );
        f.scope.selector = Some("tier=fe".into());
        let selected = about(&f);
        assert!(
            selected.iter().all(|(_, s)| !s.contains("other")),
            "{selected:?}"
        );
        assert!(
            selected.contains(&(
                "workload-eni-resource-misplaced".into(),
                "deploy/web".into()
            )),
            "{selected:?}"
        );
        assert!(
            selected.iter().any(|(c, _)| c == "pod-host-network"),
            "{selected:?}"
        );
    }

    #[test]
    fn ids_are_unique_kebab_case_and_documented() {
        let mut seen = std::collections::BTreeSet::new();
        for c in ALL {
            assert!(seen.insert(c.id), "duplicate id {}", c.id);
            assert!(
                c.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{} is not kebab-case",
                c.id
            );
            assert!(
                c.docs.starts_with(&format!("# {}\n", c.id)),
                "docs/checks/{}.md must start with `# {}`",
                c.id,
                c.id
            );
            assert_eq!(
                c.docs.lines().nth(2),
                Some(c.header().as_str()),
                "docs/checks/{}.md: the third line says where the check runs",
                c.id
            );
            for section in ["## What", "## Why", "## Example", "## Fix"] {
                assert!(
                    c.docs.contains(section),
                    "docs/checks/{}.md lacks {section}",
                    c.id
                );
            }
        }
    }

    #[test]
    fn every_docs_page_belongs_to_a_check() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if let Some(id) = name.strip_suffix(".md") {
                assert!(
                    find(id).is_some() || id == "README",
                    "docs/checks/{name} has no registered check"
                );
            }
        }
        for c in ALL {
            assert!(
                dir.join(format!("{}.md", c.id)).exists(),
                "registered check {} has no docs/checks page",
                c.id
            );
        }
    }
}
