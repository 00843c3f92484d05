//! The command line, declared once with clap. `--help`, the man page, docs/cli.md and the completions all
//! come from these definitions.

pub mod doctor;
pub mod generate;
pub mod invocation;
pub mod kube;
pub mod live;
pub mod manifest;
pub mod render;
pub mod sync;

use clap::{Parser, Subcommand, ValueEnum};

pub use doctor::{CheckArgs, DoctorArgs, ExplainArgs};
pub use kube::KubeArgs;
pub use manifest::{
    Deliver, DiffArgs, EditArgs, EditRun, EditUsageError, FilesEdit, InputArgs, LiveEdit, PatchArgs,
};

use crate::report::Format;

/// A `-o` parser accepting only the formats a command can write (one [`Format`] enum for every command).
pub fn output_formats(
    allowed: &'static [Format],
) -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::ValueEnum;
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(allowed.iter().filter_map(|f| f.to_possible_value()))
        .map(|s: String| Format::from_str(&s, true).expect("a possible value"))
}

/// Make TKE CLB direct pod access safe and boring.
///
/// tkedirect checks that a Tencent Kubernetes Engine cluster can send Cloud Load Balancer traffic straight to
/// pod IPs, audits the objects that use it, adds or removes the annotations and ENI resources it needs in
/// manifests or live objects (always able to show the diff first), and can sync a CLB's backends to the
/// ready pods once.
#[derive(Debug, Parser)]
#[command(
    name = "tkedirect",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(
    after_help = "Exit codes: 0 nothing to do, 1 changes pending or findings, 2 error, 3 partially applied.\n\
Docs: docs/usage.md; every check: `tkedirect explain <id>`."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every subcommand accepts.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// When to use colors: auto (a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Say more on stderr (repeat for more detail).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Say nothing on stderr but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add what CLB direct pod access needs to Services, Ingresses and (in mixed clusters) workloads.
    ///
    /// Reads manifests with -f (files, directories, or - for stdin) and prints the patched manifests, or
    /// rewrites them in place with --write. Only the lines that carry the change differ from the input:
    /// comments, key order, quoting, indentation and line endings are kept.
    ///
    /// Without -f, changes the live objects named by TARGET (`tkedirect enable svc/nginx`): runs the
    /// prerequisite checks, shows the diff, asks, then patches only the managed fields with a
    /// resourceVersion precondition.
    #[command(visible_alias = "en")]
    Enable(EditArgs),
    /// Remove what `enable` adds: the exact inverse.
    ///
    /// Direct-access annotations set to "true" are removed; the pod-template network annotation and the ENI
    /// resource are removed only where they carry tkedirect's values. Without -f, on live objects.
    Disable(EditArgs),
    /// Show, as a unified diff, what `enable` (or `disable` with --disable) would change.
    ///
    /// Exit status follows `kubectl diff`: 0 no changes, 1 changes, 2 or more an error.
    Diff(DiffArgs),
    /// Check the cluster's prerequisites for CLB direct pod access.
    ///
    /// Kubernetes version, network mode (with the evidence that decided it), the GlobalRouter switch,
    /// controller versions, region and VPC, ENI-IP capacity. Live by default; offline with
    /// --network-mode and --kube-version.
    Check(CheckArgs),
    /// Audit every LoadBalancer Service and CLB Ingress in scope, and their pods.
    ///
    /// Runs `check`, then reads Services, Ingresses, EndpointSlices, workloads and pods once and explains
    /// every problem with the fix. Exit 1 when a finding at or above --fail-on remains.
    Doctor(DoctorArgs),
    /// Print the documentation of a check (what, why, example, fix), or list the checks.
    Explain(ExplainArgs),
    /// Make a CLB's backends equal the ready pods of a Service or Ingress, once (plan; --apply to change).
    ///
    /// Reads the Service's endpoints and pods and the CLB's listeners and targets, and prints the plan:
    /// targets to register, deregister, keep and leave alone per listener. With --apply it registers, then
    /// deregisters (at most 500 targets a call), re-reads the CLB and shows the verified result. Safety
    /// guards refuse to empty a listener or remove more than half of its targets without --force.
    /// Exit status: 0 in sync (or applied and verified), 1 changes pending, 2 error, 3 partially applied.
    Sync(sync::SyncArgs),
    /// Print a shell completion script to stdout.
    ///
    /// bash: `tkedirect completions bash > ~/.local/share/bash-completion/completions/tkedirect`;
    /// zsh: `tkedirect completions zsh > "${fpath[1]}/_tkedirect"`; fish: `tkedirect completions fish >
    /// ~/.config/fish/completions/tkedirect.fish`; PowerShell: `tkedirect completions powershell | Out-String
    /// | Invoke-Expression`; elvish: `eval (tkedirect completions elvish | slurp)`.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}
