//! Flags for the manifest-editing subcommands: where the manifests are and what to change.

use std::path::PathBuf;

use super::KubeArgs;
use super::live::LiveArgs;
use crate::live::DryRun;
use crate::model::{EniFlavor, NetworkMode, Target};
use crate::patch::Intent;
use crate::report::Format;

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
    /// ENI flavour for pod templates in mixed mode: shared (tke-route-eni, eni-ip; the default) or
    /// exclusive (tke-direct-eni, direct-eni). Live: in a cluster with GlobalRouteDirectAccess on,
    /// workloads are opted into an ENI only when this is given.
    #[arg(long, value_enum, env = "TKEDIRECT_ENI")]
    pub eni: Option<EniFlavor>,
    /// The container that carries the ENI resource (default: the first container, which TKE's ENI webhook
    /// also gives the resource: another container means two ENI IPs per pod where the webhook runs).
    #[arg(long, value_name = "NAME", env = "TKEDIRECT_CONTAINER")]
    pub container: Option<String>,
    /// How an edited manifest is proven before anything is written: `fast` reads the result back with
    /// the parser that read the input; `reference` reads input and result with the complete parser,
    /// which shares no code with the fast one, and requires both parsers to agree on the input (several
    /// times slower). Manifests only.
    #[arg(
        long,
        value_enum,
        env = "TKEDIRECT_VERIFY",
        default_value_t = VerifyArg::Fast,
        help_heading = "Safety"
    )]
    pub verify: VerifyArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyArg {
    Fast,
    Reference,
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

/// How `enable` / `disable` on manifests delivers its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deliver {
    /// The manifests on stdout.
    Print,
    /// The files rewritten in place (`--write`).
    Write,
    /// A unified diff (`--diff`).
    Diff,
}

/// `enable` / `disable` on manifests (`-f`).
#[derive(Debug, Clone)]
pub struct FilesEdit {
    pub input: InputArgs,
    pub patch: PatchArgs,
    pub deliver: Deliver,
    /// Override the `disable` guards.
    pub force: bool,
}

/// `enable` / `disable` on live objects (no `-f`).
#[derive(Debug, Clone)]
pub struct LiveEdit {
    pub patch: PatchArgs,
    pub kube: KubeArgs,
    pub dry_run: DryRun,
    pub yes: bool,
    pub restart: bool,
    pub force: bool,
    pub output: Format,
}

/// `enable` / `disable`, decided once before anything runs: manifests or live objects.
#[derive(Debug, Clone)]
pub enum EditRun {
    Files(FilesEdit),
    Live(LiveEdit),
}

/// A combination of flags that means nothing (exit 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct EditUsageError(pub String);

fn listed(flags: &[&str]) -> String {
    match flags {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl EditArgs {
    /// Files with `-f`, else live objects; flags that mean nothing in the chosen mode are refused with a
    /// message that says which mode they belong to.
    pub fn resolve(self, intent: Intent) -> Result<EditRun, EditUsageError> {
        let verb = intent.as_str();
        let live = self.live;
        if !self.input.files.is_empty() {
            if live.kube.kubeconfig.is_some() || live.kube.context.is_some() {
                return Err(EditUsageError(
                    "--kubeconfig and --context select the cluster for live objects; with -f, tkedirect edits manifests and reads no cluster".into(),
                ));
            }
            let mut given = Vec::new();
            for (on, flag) in [
                (live.dry_run.is_some(), "--dry-run"),
                (live.yes, "--yes"),
                (live.restart, "--restart"),
                (live.output.is_some(), "-o"),
            ] {
                if on {
                    given.push(flag);
                }
            }
            if !given.is_empty() {
                return Err(EditUsageError(format!(
                    "{} {} on live objects (without -f); with -f, see the change with --diff and make it with --write",
                    listed(&given),
                    if given.len() == 1 { "works" } else { "work" }
                )));
            }
            let deliver = if self.write {
                Deliver::Write
            } else if self.diff {
                Deliver::Diff
            } else {
                Deliver::Print
            };
            return Ok(EditRun::Files(FilesEdit {
                input: self.input,
                patch: self.patch,
                deliver,
                force: live.force,
            }));
        }
        if self.patch.targets.is_empty() {
            return Err(EditUsageError(format!(
                "name the live objects to {verb} (for example `tkedirect {verb} svc/nginx`), or pass -f to edit manifests"
            )));
        }
        if self.write || self.diff || self.input.recursive {
            return Err(EditUsageError(
                "--write, --diff and -R work on manifests given with -f; for live objects use --dry-run to see the plan".into(),
            ));
        }
        if live.restart && intent == Intent::Disable {
            return Err(EditUsageError(
                "--restart works with enable: it brings the readiness gate to pods created before direct access".into(),
            ));
        }
        Ok(EditRun::Live(LiveEdit {
            patch: self.patch,
            kube: live.kube,
            dry_run: live.dry_run.unwrap_or_default(),
            yes: live.yes,
            restart: live.restart,
            force: live.force,
            output: live.output.unwrap_or_default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn resolve(intent: Intent, args: &[&str]) -> Result<EditRun, EditUsageError> {
        let cli = crate::cli::Cli::try_parse_from(
            std::iter::once("tkedirect").chain(args.iter().copied()),
        )
        .expect("parses");
        match cli.command {
            crate::cli::Command::Enable(a) | crate::cli::Command::Disable(a) => a.resolve(intent),
            other => panic!("{other:?}"),
        }
    }

    fn error(intent: Intent, args: &[&str]) -> String {
        resolve(intent, args).unwrap_err().0
    }

    #[test]
    fn files_or_live_is_decided_once() {
        assert!(matches!(
            resolve(Intent::Enable, &["enable", "-f", "x.yaml", "--write"]),
            Ok(EditRun::Files(FilesEdit {
                deliver: Deliver::Write,
                ..
            }))
        ));
        let Ok(EditRun::Live(l)) = resolve(
            Intent::Enable,
            &["enable", "svc/web", "--dry-run", "-o", "text"],
        ) else {
            panic!()
        };
        assert_eq!((l.dry_run, l.output), (DryRun::Client, Format::Table));
        let Ok(EditRun::Live(l)) = resolve(Intent::Enable, &["enable", "svc/web"]) else {
            panic!()
        };
        assert_eq!((l.dry_run, l.output), (DryRun::None, Format::Table));
    }

    #[test]
    fn meaningless_combinations_say_which_mode_a_flag_belongs_to() {
        assert_eq!(
            error(Intent::Enable, &["enable", "-f", "-", "--yes", "-ojson"]),
            "--yes and -o work on live objects (without -f); with -f, see the change with --diff and make it with --write"
        );
        assert!(
            error(Intent::Enable, &["enable", "-f", "-", "--context=x"])
                .contains("with -f, tkedirect edits manifests")
        );
        assert!(
            error(Intent::Enable, &["enable", "-n", "shop"])
                .starts_with("name the live objects to enable")
        );
        assert!(
            error(Intent::Enable, &["enable", "svc/web", "--write"])
                .starts_with("--write, --diff and -R")
        );
        assert!(
            error(Intent::Disable, &["disable", "svc/web", "--restart"])
                .starts_with("--restart works with enable")
        );
    }
}
