//! The one report layer: the [`Finding`] every command reports, the output [`Format`] every `-o` flag
//! takes, the JSON [`envelope`] every JSON output shares (`version`, `tool`, `command`, then the command's
//! payload), and the audit of `check` / `doctor` ([`Audit`]). Pure data; the exit code is decided here
//! (from the findings and `--fail-on`, never from the output format); the renderers in `render/` only
//! present it. Machine output goes through the frozen `json_v1` structs, never internal types.

pub mod envelope;
pub mod finding;
pub mod json_v1;

pub use finding::{Field, Finding, Location, Severity, Subject, field_path};

use crate::exit::Exit;
use crate::model::consts::{
    CONTROLLER_VERSION, INGRESS_CONTROLLER_CONFIG, SERVICE_CONTROLLER_CONFIG, TKE_CONFIG,
};
use crate::model::facts::{ClusterFacts, Scope};
use crate::model::{EniFlavor, NetworkDetection};

/// Output formats, one enum for every command's `-o` (each command accepts the ones it can write).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables and text for people (colors on a terminal, unless NO_COLOR).
    #[default]
    #[value(alias = "text")]
    Table,
    /// The versioned JSON envelope of docs/output-formats.md (`{"version": 1, ...}`).
    Json,
    /// SARIF 2.1.0, ruleId `tkedirect/<check>`.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

impl Format {
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
        }
    }
}

/// The lowest severity that makes the run fail (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Findings never fail the run (exit 0 unless tkedirect itself fails).
    Never,
}

impl FailOn {
    pub const fn as_str(self) -> &'static str {
        match self {
            FailOn::Info => "info",
            FailOn::Warning => "warning",
            FailOn::Error => "error",
            FailOn::Never => "never",
        }
    }

    pub fn counts(self, s: Severity) -> bool {
        match self {
            FailOn::Info => true,
            FailOn::Warning => s >= Severity::Warning,
            FailOn::Error => s >= Severity::Error,
            FailOn::Never => false,
        }
    }
}

/// Which subcommand produced an audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditCommand {
    Check,
    Doctor,
}

impl AuditCommand {
    pub const fn as_str(self) -> &'static str {
        match self {
            AuditCommand::Check => "check",
            AuditCommand::Doctor => "doctor",
        }
    }
}

/// Where an audit's facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactsSource {
    /// Read from the API server now.
    Live,
    /// Replayed from a `--facts` file.
    Facts,
    /// Given on the command line (`--kube-version … --network-mode …`).
    Offline,
    /// Objects from manifests (`doctor -f`), judged against a cluster profile.
    Manifests,
}

impl FactsSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            FactsSource::Live => "live",
            FactsSource::Facts => "facts",
            FactsSource::Offline => "offline",
            FactsSource::Manifests => "manifests",
        }
    }
}

/// A finding silenced by `ignore-check.tkedirect.io/<id>` on its object (or the related object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    /// The annotation's value.
    pub reason: String,
}

/// ENI figures of one VPC-CNI node and flavour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeEniSummary {
    pub name: String,
    pub flavor: EniFlavor,
    /// Most IPs the node can bind.
    pub capacity: i64,
    /// IPs bound now (what the scheduler hands out).
    pub allocatable: i64,
    /// IPs requested by the node's pods; None when pods were read from one namespace only.
    pub used: Option<i64>,
}

/// What tkedirect learned about the cluster, shown above the findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterSummary {
    pub kubernetes_version: Option<String>,
    pub network: NetworkDetection,
    pub service_controller_version: Option<String>,
    pub ingress_controller_version: Option<String>,
    pub region: Option<String>,
    pub vpc_id: Option<String>,
    pub eni_nodes: Vec<NodeEniSummary>,
    pub nodes: usize,
    pub tainted_nodes: Vec<String>,
}

impl ClusterSummary {
    /// (capacity, allocatable, used if known) over the nodes of one flavour.
    pub fn eni_totals(&self, flavor: EniFlavor) -> (i64, i64, Option<i64>) {
        let nodes = self.eni_nodes.iter().filter(|n| n.flavor == flavor);
        let cap = nodes.clone().map(|n| n.capacity).sum();
        let alloc = nodes.clone().map(|n| n.allocatable).sum();
        let used = nodes.map(|n| n.used).sum::<Option<i64>>();
        (cap, alloc, used)
    }

    /// Summarize the facts (pure).
    pub fn new(facts: &ClusterFacts, network: &NetworkDetection) -> Self {
        let cm = |name: &str, key: &str| facts.configmap_value(name, key).map(str::to_string);
        let used = facts
            .scope
            .pods_namespace
            .is_none()
            .then(|| crate::rules::eni::used_by_node(&facts.pods));
        let eni_nodes = facts
            .nodes
            .iter()
            .flat_map(|n| {
                let used = used.as_ref();
                crate::rules::eni::node_eni(n)
                    .into_iter()
                    .map(move |e| NodeEniSummary {
                        name: n.name().to_string(),
                        flavor: e.flavor,
                        capacity: e.capacity,
                        allocatable: e.allocatable,
                        used: used.map(|u| {
                            u.get(&(n.name().to_string(), e.flavor))
                                .copied()
                                .unwrap_or(0)
                        }),
                    })
            })
            .collect();
        ClusterSummary {
            kubernetes_version: facts.version.as_ref().map(|v| v.git_version.clone()),
            network: network.clone(),
            service_controller_version: cm(SERVICE_CONTROLLER_CONFIG, CONTROLLER_VERSION),
            ingress_controller_version: cm(INGRESS_CONTROLLER_CONFIG, CONTROLLER_VERSION),
            region: cm(TKE_CONFIG, "TKE_REGION"),
            vpc_id: cm(TKE_CONFIG, "TKE_VPC_ID"),
            eni_nodes,
            nodes: facts.nodes.len(),
            tainted_nodes: facts
                .nodes
                .iter()
                .filter(|n| crate::rules::eni::unavailable_taint(n).is_some())
                .map(|n| n.name().to_string())
                .collect(),
        }
    }
}

/// The audit of a `check` or `doctor` run: what was read, the findings, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Audit {
    pub command: AuditCommand,
    pub source: FactsSource,
    pub scope: Scope,
    pub cluster: ClusterSummary,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    /// Why some findings were not reported (a cluster-level blocker makes them moot), one line each.
    pub withheld: Vec<String>,
    pub fail_on: FailOn,
}

impl Audit {
    /// Number of findings of a severity (suppressed ones excluded).
    pub fn count(&self, s: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == s).count()
    }

    /// Whether a finding at or above `--fail-on` remains.
    pub fn failed(&self) -> bool {
        self.findings
            .iter()
            .any(|f| self.fail_on.counts(f.severity))
    }

    /// The exit code: 1 when the run failed, else 0. The same whatever the output format.
    pub fn exit(&self) -> Exit {
        if self.failed() {
            Exit::Changes
        } else {
            Exit::Ok
        }
    }

    /// `2 errors, 1 warning, 3 info (1 suppressed)`.
    pub fn tally(&self) -> String {
        let plural = |n: usize, w: &str| {
            if n == 1 || w == "info" {
                format!("{n} {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        let mut s = format!(
            "{}, {}, {}",
            plural(self.count(Severity::Error), "error"),
            plural(self.count(Severity::Warning), "warning"),
            plural(self.count(Severity::Info), "info")
        );
        if !self.suppressed.is_empty() {
            s.push_str(&format!(" ({} suppressed)", self.suppressed.len()));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Error.counts(Severity::Error) && !FailOn::Error.counts(Severity::Warning));
        assert!(
            FailOn::Warning.counts(Severity::Warning) && !FailOn::Warning.counts(Severity::Info)
        );
        assert!(FailOn::Info.counts(Severity::Info));
        assert!(!FailOn::Never.counts(Severity::Error));
    }
}
