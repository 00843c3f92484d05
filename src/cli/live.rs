//! Flags of live `enable` / `disable` (no `-f`): how to reach the cluster and how careful to be.

use clap::ValueEnum;

use super::{KubeArgs, output_formats};
use crate::report::Format;

/// Live-object flags of `enable` and `disable`. Each one conflicts with `-f`: it means nothing for files.
#[derive(Debug, Clone, Default, clap::Args)]
#[command(next_help_heading = "Live objects (without -f)")]
pub struct LiveArgs {
    /// Only show what would change (`client`, the default of a bare --dry-run), or also have the API
    /// server validate the patches without storing them (`server`, sent as dryRun=All).
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "client",
        conflicts_with = "files"
    )]
    pub dry_run: Option<DryRunArg>,
    /// Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan
    /// (exit 1 when changes are pending).
    #[arg(short = 'y', long, conflicts_with = "files")]
    pub yes: bool,
    /// After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and
    /// DaemonSets behind the targets whose pods lack the readiness gate.
    #[arg(long, conflicts_with = "files")]
    pub restart: bool,
    /// Go on when a prerequisite check fails (the failures are printed as warnings).
    #[arg(long, conflicts_with = "files")]
    pub force: bool,
    /// Output format: the diff and a conversation (table; `text` is accepted too), or the versioned plan
    /// and results (json).
    #[arg(short = 'o', long = "output", value_name = "FORMAT", default_value = "table", conflicts_with = "files",
          value_parser = output_formats(&[Format::Table, Format::Json]))]
    pub output: Format,
    // Last, so that its own help heading does not swallow the flags above.
    #[command(flatten)]
    pub kube: KubeArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRunArg {
    /// Not a dry run (kubectl's spelling).
    None,
    /// Print the plan; send nothing that writes.
    Client,
    /// Send every patch with dryRun=All: the server validates, nothing is stored.
    Server,
}
