//! Flags of `check`, `doctor` and `explain`.

use std::path::PathBuf;

use super::KubeArgs;
use super::output_formats;
use crate::model::NetworkMode;
use crate::report::{FailOn, Format};

/// Which objects `doctor` audits: kubectl's -n / -A / -l.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Scope")]
pub struct ScopeArgs {
    /// Audit this namespace (default: the kubeconfig context's namespace, like kubectl).
    #[arg(
        short = 'n',
        long,
        value_name = "NAMESPACE",
        conflicts_with = "all_namespaces"
    )]
    pub namespace: Option<String>,
    /// Audit every namespace.
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,
    /// Only Services and Ingresses matching this label selector (`app=web`, `tier in (fe,be)`, `!legacy`),
    /// and the pods and workloads they select.
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,
}

/// How to print the report and when to fail.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Output")]
pub struct ReportArgs {
    /// Output format. The exit code does not depend on it.
    #[arg(short = 'o', long = "output", default_value = "table", value_name = "FORMAT",
          value_parser = output_formats(&[Format::Table, Format::Json, Format::Sarif, Format::Github]))]
    pub output: Format,
    /// Exit 1 when a finding at or above this severity remains (suppressed findings never count).
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// States younger than this are reported as "in progress" (info), not as problems: a readiness gate
    /// False during a rollout, a Service still waiting for its CLB, a node joining. 0 judges every state as
    /// it is.
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = super::kube::timeout)]
    pub grace: super::kube::Timeout,
}

/// A cluster described on the command line instead of read (`check` offline, `doctor -f` in CI).
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Cluster profile")]
pub struct ProfileArgs {
    /// Judge against this Kubernetes version (`v1.20.6-tke.12`) instead of reading a cluster. Needs
    /// --network-mode.
    #[arg(long, value_name = "VERSION", requires = "network_mode")]
    pub kube_version: Option<String>,
    /// Judge against this network mode instead of reading a cluster. Without --kube-version the checks
    /// of the cluster's version are not run (and the output says so).
    #[arg(long, value_enum, value_name = "MODE")]
    pub network_mode: Option<NetworkMode>,
    /// With --network-mode global-router or mixed: `GlobalRouteDirectAccess` is "true" in
    /// tke-service-controller-config.
    #[arg(long, requires = "network_mode")]
    pub global_route_direct_access: bool,
    /// With --network-mode vpc-cni or mixed: whether TKE's ENI webhook runs (it gives containers[0] of
    /// new pods the ENI resource; managed clusters run it out of sight). Default: it may.
    #[arg(long, value_enum, value_name = "PRESENCE", requires = "network_mode")]
    pub eni_webhook: Option<Presence>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Presence {
    Present,
    Absent,
}

impl ProfileArgs {
    /// The cluster the flags describe, if they describe one.
    pub fn given(&self) -> Option<crate::checks::profile::Given> {
        Some(crate::checks::profile::Given {
            kube_version: self.kube_version.clone(),
            network_mode: self.network_mode?,
            global_route_direct_access: self.global_route_direct_access,
            eni_webhook: self.eni_webhook.map(|p| p == Presence::Present),
        })
    }
}

/// `tkedirect check`.
#[derive(Debug, Clone, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub kube: KubeArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Evaluate facts saved by `doctor --dump-facts` instead of reading the cluster.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["kube_version", "network_mode"],
        help_heading = "Cluster profile"
    )]
    pub facts: Option<PathBuf>,
}

/// `tkedirect doctor`.
#[derive(Debug, Clone, clap::Args)]
pub struct DoctorArgs {
    /// Audit manifests instead of a live cluster: a file, a directory of them, or - for standard input.
    /// Repeatable. The cluster they are judged against comes from --facts, from --network-mode
    /// (and --kube-version), or else from the live cluster's prerequisites.
    #[arg(
        short = 'f',
        long = "filename",
        value_name = "PATH",
        help_heading = "Manifests"
    )]
    pub files: Vec<PathBuf>,
    /// Walk directories given with -f recursively.
    #[arg(short = 'R', long, requires = "files", help_heading = "Manifests")]
    pub recursive: bool,
    #[command(flatten)]
    pub kube: KubeArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub profile: ProfileArgs,
    /// Also write everything that was read, as JSON, to FILE (for bug reports; replay with --facts).
    #[arg(long, value_name = "FILE", help_heading = "Facts")]
    pub dump_facts: Option<PathBuf>,
    /// Replay facts saved with --dump-facts instead of reading a cluster (-n/-A/-l are then ignored); with
    /// -f, the cluster the manifests are judged against.
    #[arg(
        long,
        value_name = "FILE",
        help_heading = "Facts",
        conflicts_with_all = ["kube_version", "network_mode"]
    )]
    pub facts: Option<PathBuf>,
}

/// `tkedirect explain`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExplainArgs {
    /// A check id, such as `pod-not-on-eni`. Without it, every check is listed.
    #[arg(value_name = "CHECK")]
    pub id: Option<String>,
}
