//! Reports: the findings of a `check` or `doctor` run plus what was learned about the cluster. Pure data;
//! the exit code is decided here (from the findings and `--fail-on`, never from the output format), the
//! renderers in `render/` only present it. Machine output goes through the frozen [`json_v1`] structs.

pub mod json_v1;

use crate::checks::detect::{INGRESS_CONTROLLER_CONFIG, SERVICE_CONTROLLER_CONFIG, TKE_CONFIG};
use crate::checks::{self, Finding, Outcome, Severity, Suppressed};
use crate::cluster::facts::{ClusterFacts, Scope};
use crate::exit::Exit;
use crate::model::network::NetworkDetection;

/// Which subcommand produced the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Check,
    Doctor,
}

impl Command {
    pub const fn as_str(self) -> &'static str {
        match self {
            Command::Check => "check",
            Command::Doctor => "doctor",
        }
    }
}

/// Where the facts came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Read from the API server now.
    Live,
    /// Replayed from a `--facts` file.
    Facts,
    /// Given on the command line (`check --kube-version … --network-mode …`).
    Offline,
}

impl Source {
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Live => "live",
            Source::Facts => "facts",
            Source::Offline => "offline",
        }
    }
}

/// The lowest severity that makes the run fail (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Info,
    Warning,
    Error,
    /// Findings never fail the run.
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

/// ENI-IP figures of one VPC-CNI node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeEni {
    pub name: String,
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
    pub eni_nodes: Vec<NodeEni>,
    pub nodes: usize,
    pub tainted_nodes: Vec<String>,
}

impl ClusterSummary {
    /// (capacity, allocatable, used if known) over all ENI nodes.
    pub fn eni_totals(&self) -> (i64, i64, Option<i64>) {
        let cap = self.eni_nodes.iter().map(|n| n.capacity).sum();
        let alloc = self.eni_nodes.iter().map(|n| n.allocatable).sum();
        let used = self.eni_nodes.iter().map(|n| n.used).sum::<Option<i64>>();
        (cap, alloc, used)
    }
}

/// Summarize the facts (pure).
pub fn summarize(facts: &ClusterFacts, network: &NetworkDetection) -> ClusterSummary {
    let cm = |name: &str, key: &str| facts.configmap(name).and_then(|c| c.get(key)).cloned();
    let used = checks::ctx::eni_used(facts);
    let eni_nodes = facts
        .nodes
        .iter()
        .filter(|n| n.eni_ip_capacity.is_some_and(|c| c > 0))
        .map(|n| NodeEni {
            name: n.name.clone(),
            capacity: n.eni_ip_capacity.unwrap_or(0),
            allocatable: n.eni_ip_allocatable.unwrap_or(0),
            used: used.as_ref().map(|u| u.get(&n.name).copied().unwrap_or(0)),
        })
        .collect();
    let taints = checks::node_eni_ip_taints();
    ClusterSummary {
        kubernetes_version: facts.version.as_ref().map(|v| v.git_version.clone()),
        network: network.clone(),
        service_controller_version: cm(SERVICE_CONTROLLER_CONFIG, "VERSION"),
        ingress_controller_version: cm(INGRESS_CONTROLLER_CONFIG, "VERSION"),
        region: cm(TKE_CONFIG, "TKE_REGION"),
        vpc_id: cm(TKE_CONFIG, "TKE_VPC_ID"),
        eni_nodes,
        nodes: facts.nodes.len(),
        tainted_nodes: facts
            .nodes
            .iter()
            .filter(|n| n.taints.iter().any(|t| taints.contains(&t.as_str())))
            .map(|n| n.name.clone())
            .collect(),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub command: Command,
    pub source: Source,
    pub scope: Scope,
    pub cluster: ClusterSummary,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub fail_on: FailOn,
}

impl Report {
    pub fn new(
        command: Command,
        source: Source,
        facts: &ClusterFacts,
        network: &NetworkDetection,
        fail_on: FailOn,
    ) -> Self {
        let Outcome {
            findings,
            suppressed,
        } = checks::run(facts, network);
        Report {
            command,
            source,
            scope: facts.scope.clone(),
            cluster: summarize(facts, network),
            findings,
            suppressed,
            fail_on,
        }
    }

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
