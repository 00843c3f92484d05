//! How the program was invoked, from `argv[0]`: as `tkedirect`, as the kubectl plugin `kubectl-tkedirect`
//! (so usage says `kubectl tkedirect`), or as the Helm post-renderer `tkedirect-render`. The same binary can
//! be installed or symlinked under each name.

use std::ffi::OsStr;
use std::path::Path;

use clap::CommandFactory;

use super::Cli;

/// The executable name of the Helm post-renderer.
pub const POST_RENDERER: &str = "tkedirect-render";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invocation {
    /// The CLI, with the name usage and help should show (`tkedirect`, `kubectl tkedirect`).
    Cli { bin_name: String },
    /// The Helm post-renderer: manifests on stdin, patched manifests on stdout.
    PostRender,
}

/// Classify `argv[0]`. Unknown names behave as `tkedirect` under that name, like any clap program.
pub fn from_argv0(argv0: Option<&OsStr>) -> Invocation {
    let stem = argv0
        .map(Path::new)
        .and_then(Path::file_stem)
        .and_then(OsStr::to_str)
        .unwrap_or("tkedirect");
    if stem == POST_RENDERER {
        return Invocation::PostRender;
    }
    let bin_name = match stem.strip_prefix("kubectl-") {
        // kubectl's plugin naming: `kubectl-foo-bar` is `kubectl foo bar`, `kubectl-foo_bar` is `kubectl foo-bar`.
        Some(plugin) if !plugin.is_empty() => {
            format!("kubectl {}", plugin.replace('-', " ").replace('_', "-"))
        }
        _ => stem.to_string(),
    };
    Invocation::Cli { bin_name }
}

/// The `tkedirect` command as the program and the generated docs build it: named `bin_name`, and help never
/// shows the current value of an environment variable (it may be a secret, and generated docs must not
/// depend on the environment they were generated in).
pub fn command(bin_name: impl Into<String>) -> clap::Command {
    hide_env_values(Cli::command().bin_name(bin_name.into()))
}

/// Hide environment values in the help of every argument, in every subcommand.
pub fn hide_env_values(cmd: clap::Command) -> clap::Command {
    cmd.mut_args(|a| {
        if a.get_env().is_some() {
            a.hide_env_values(true)
        } else {
            a
        }
    })
    .mut_subcommands(hide_env_values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(argv0: &str) -> Invocation {
        from_argv0(Some(OsStr::new(argv0)))
    }

    #[test]
    fn classifies_argv0() {
        let cli = |n: &str| Invocation::Cli {
            bin_name: n.to_string(),
        };
        assert_eq!(name("/usr/local/bin/tkedirect"), cli("tkedirect"));
        assert_eq!(name("tkedirect.exe"), cli("tkedirect"));
        assert_eq!(
            name("/home/u/.krew/bin/kubectl-tkedirect"),
            cli("kubectl tkedirect")
        );
        assert_eq!(name("kubectl-tkedirect.exe"), cli("kubectl tkedirect"));
        assert_eq!(name("kubectl-tke_direct"), cli("kubectl tke-direct"));
        assert_eq!(name("/opt/tkedirect-render"), Invocation::PostRender);
        assert_eq!(from_argv0(None), cli("tkedirect"));
        assert_eq!(name("kubectl-"), cli("kubectl-"));
    }
}
