//! Flags for the manifest-editing subcommands: where the manifests are and what to change.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::model::Target;

/// Where manifests come from.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// A manifest file, a directory of them, or - for standard input. Repeatable.
    #[arg(short = 'f', long = "filename", value_name = "PATH", required = true)]
    pub files: Vec<PathBuf>,
    /// Walk directories given with -f recursively.
    #[arg(short = 'R', long)]
    pub recursive: bool,
}

/// What to change, shared by enable, disable and diff.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "What to change")]
pub struct PatchArgs {
    /// Objects to change, kubectl style: svc/nginx, ing/web, deploy/api, sts/db, ds/agent, cj/backup…
    /// Without TARGET every eligible object is changed.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<Target>,
    /// Only objects in this namespace (objects without metadata.namespace count as in it).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The cluster's network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI;
    /// the other modes change only Services and Ingresses.
    #[arg(long, value_enum, env = "TKEDIRECT_NETWORK_MODE", default_value_t = NetworkModeArg::VpcCni)]
    pub network_mode: NetworkModeArg,
    /// ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip) or exclusive
    /// (tke-direct-eni, direct-eni).
    #[arg(long, value_enum, env = "TKEDIRECT_ENI", default_value_t = EniArg::Shared)]
    pub eni: EniArg,
    /// The container that carries the ENI resource (default: the first container).
    #[arg(long, value_name = "NAME", env = "TKEDIRECT_CONTAINER")]
    pub container: Option<String>,
}

/// `enable` / `disable`.
#[derive(Debug, Clone, clap::Args)]
pub struct EditArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub patch: PatchArgs,
    /// Rewrite the files in place (atomically, keeping permissions) instead of printing them.
    /// Every file is planned first; if any fails, none is written.
    #[arg(short = 'w', long, conflicts_with = "diff", help_heading = "Output")]
    pub write: bool,
    /// Print a unified diff instead of the manifests; exit 1 when something would change.
    #[arg(long, help_heading = "Output")]
    pub diff: bool,
}

/// `diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub patch: PatchArgs,
    /// Show what `disable` would change instead of `enable`.
    #[arg(long)]
    pub disable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkModeArg {
    /// VPC-CNI: pods get ENI IPs by default; only Services and Ingresses change.
    #[value(name = "vpc-cni")]
    VpcCni,
    /// GlobalRouter + VPC-CNI: pod templates must opt into an ENI too.
    Mixed,
    /// GlobalRouter only (direct access needs GlobalRouteDirectAccess; see `tkedirect check`).
    #[value(name = "global-router")]
    GlobalRouter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EniArg {
    Shared,
    Exclusive,
}
