//! Flags of live `enable` / `disable` (no `-f`): how to reach the cluster and how careful to be.

use super::{KubeArgs, output_formats};
use crate::live::DryRun;
use crate::report::Format;

/// Live-object flags of `enable` and `disable`. They mean nothing for files: `EditArgs::resolve` refuses
/// them with `-f`, except `--force`.
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
        default_missing_value = "client"
    )]
    pub dry_run: Option<DryRun>,
    /// Apply without asking. Without it tkedirect asks on a terminal, and elsewhere only prints the plan
    /// (exit 1 when changes are pending).
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// After enabling, rollout-restart (like `kubectl rollout restart`) the Deployments, StatefulSets and
    /// DaemonSets behind the targets whose pods lack the readiness gate.
    #[arg(long)]
    pub restart: bool,
    /// Go on when a prerequisite check fails, and disable what the disable guards hold back (a workload
    /// that still backs another direct Service, an Ingress with ClusterIP backends, a Service without
    /// NodePorts); the reasons are printed as warnings. Also with -f.
    #[arg(long)]
    pub force: bool,
    /// Output format: the diff and a conversation (table, the default; `text` is accepted too), or the
    /// versioned plan and results (json).
    #[arg(short = 'o', long = "output", value_name = "FORMAT",
          value_parser = output_formats(&[Format::Table, Format::Json]))]
    pub output: Option<Format>,
    // Last, so that its own help heading does not swallow the flags above.
    #[command(flatten)]
    pub kube: KubeArgs,
}
