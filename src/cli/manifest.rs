//! Flags for the manifest-editing subcommands: where the manifests are and what to change.

use std::path::PathBuf;

use super::live::LiveArgs;
use crate::model::{EniFlavor, NetworkMode, Target};

/// Where manifests come from.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// A manifest file, a directory of them, or - for standard input. Repeatable.
    /// Without -f, `enable` and `disable` change the live objects named by TARGET instead.
    #[arg(short = 'f', long = "filename", value_name = "PATH")]
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
    /// With -f and no TARGET every eligible object in the manifests is changed; live objects must be
    /// named.
    #[arg(value_name = "TARGET")]
    pub targets: Vec<Target>,
    /// Only objects in this namespace (objects without metadata.namespace count as in it). Live: the
    /// namespace of the targets (default: the kubeconfig context's namespace, like kubectl).
    #[arg(short = 'n', long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
    /// The cluster's network mode. `mixed` (GlobalRouter + VPC-CNI) also opts pod templates into an ENI;
    /// the other modes change only Services and Ingresses. Default: vpc-cni for files; for live
    /// objects, the mode the prerequisite checks detect.
    #[arg(long, value_enum, env = "TKEDIRECT_NETWORK_MODE")]
    pub network_mode: Option<NetworkMode>,
    /// ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip) or exclusive
    /// (tke-direct-eni, direct-eni).
    #[arg(long, value_enum, env = "TKEDIRECT_ENI", default_value_t = EniFlavor::Shared)]
    pub eni: EniFlavor,
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
    #[command(flatten)]
    pub live: LiveArgs,
    /// Rewrite the files in place (atomically, keeping permissions) instead of printing them.
    /// Every file is planned first; if any fails, none is written.
    #[arg(short = 'w', long, conflicts_with = "diff", help_heading = "Output")]
    pub write: bool,
    /// Print a unified diff instead of the manifests; exit 1 when something would change.
    #[arg(long, help_heading = "Output")]
    pub diff: bool,
}

/// `diff` (manifests only: -f is required).
#[derive(Debug, Clone, clap::Args)]
#[command(mut_arg("files", |a| a.required(true)))]
pub struct DiffArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub patch: PatchArgs,
    /// Show what `disable` would change instead of `enable`.
    #[arg(long)]
    pub disable: bool,
}
