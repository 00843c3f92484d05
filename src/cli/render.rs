//! `tkedirect-render`, the Helm post-renderer: `tkedirect enable -f -` with every setting also readable from
//! the environment, because Helm before 3.10 passes a post-renderer no arguments.

use clap::{CommandFactory, FromArgMatches, Parser};

use super::invocation::POST_RENDERER;
use super::{GlobalArgs, PatchArgs};

/// Helm post-renderer: enable CLB direct pod access in the manifests Helm renders.
///
/// Reads a rendered manifest stream on standard input and writes it to standard output with what
/// direct access needs added, exactly like `tkedirect enable -f -`: only the lines that carry the change
/// differ. Every setting can come from the environment (TKEDIRECT_NETWORK_MODE, TKEDIRECT_ENI,
/// TKEDIRECT_CONTAINER, TKEDIRECT_TARGETS, TKEDIRECT_NAMESPACE) because older Helm versions call a
/// post-renderer without arguments; newer ones pass `--post-renderer-args`.
#[derive(Debug, Parser)]
#[command(name = "tkedirect-render", version, max_term_width = 100)]
#[command(
    after_help = "Use: helm install my-release ./chart --post-renderer tkedirect-render\n\
     See docs/helm.md. Exit codes: 0 written, 2 error (nothing written to stdout)."
)]
pub struct RenderCli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub patch: PatchArgs,
}

/// The post-renderer's command: [`RenderCli`] with TARGET and -n readable from the environment.
pub fn command() -> clap::Command {
    let cmd = RenderCli::command()
        .name(POST_RENDERER)
        .mut_arg("targets", |a| {
            a.env("TKEDIRECT_TARGETS").value_delimiter(',').help(
                "Objects to change, kubectl style (svc/nginx, deploy/api…); in TKEDIRECT_TARGETS separated \
                 by commas. Without TARGET every eligible object is changed.",
            )
        })
        .mut_arg("namespace", |a| {
            a.env("TKEDIRECT_NAMESPACE").help(
                "Only objects in this namespace (objects without metadata.namespace count as in it).",
            )
        })
        .mut_arg("network_mode", |a| {
            a.help(
                "The cluster's network mode (default: vpc-cni). `mixed` (GlobalRouter + VPC-CNI) also opts \
                 pod templates into an ENI; the other modes change only Services and Ingresses.",
            )
        });
    super::invocation::hide_env_values(cmd)
}

/// Parse the post-renderer's arguments (and environment).
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<RenderCli, clap::Error> {
    let mut cmd = command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    RenderCli::from_arg_matches(&matches).map_err(|e| e.format(&mut cmd))
}
