//! Files generated from the CLI definitions and the exit-code contract, committed and checked for drift:
//! shell completions (`completions/`), man pages (`docs/man/`), `docs/cli.md` and `docs/exit-codes.md`.
//!
//! Pure: every function returns text; the drift test in `tests/integration/generated.rs` compares it with the
//! committed files and rewrites them with `TKEDIRECT_REGENERATE=1 cargo test --test integration generated`.

use clap::CommandFactory;
use clap_complete::{Generator, Shell};

use super::{Cli, render};
use crate::exit;

/// The name completions and docs use.
pub const BIN: &str = "tkedirect";

/// The width `--help` is rendered at in docs/cli.md (run with `COLUMNS=100` to compare).
pub const HELP_WIDTH: usize = 100;

/// Every shell `tkedirect completions` supports, in a stable order.
pub const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::PowerShell,
    Shell::Elvish,
];

/// The completion script for a shell, for the `tkedirect` command.
pub fn completion(shell: Shell) -> String {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, BIN, &mut buf);
    String::from_utf8(buf).expect("clap_complete writes UTF-8")
}

/// Where a shell's script is committed (`completions/tkedirect.bash`, `completions/_tkedirect`…).
pub fn completion_path(shell: Shell) -> String {
    format!("completions/{}", shell.file_name(BIN))
}

/// `tkedirect` built with its bin name, so that subcommands know theirs (`tkedirect enable`).
fn built(cmd: clap::Command, bin: &str) -> clap::Command {
    let mut cmd = cmd.bin_name(bin).term_width(HELP_WIDTH);
    cmd.build();
    cmd
}

/// A command and the arguments that reach it (`["enable"]`).
struct Entry {
    path: Vec<String>,
    cmd: clap::Command,
    /// Builds the top-level command this one belongs to (for rendering `--help` as the binary does).
    root: fn() -> clap::Command,
}

fn tkedirect_root() -> clap::Command {
    super::invocation::command(BIN)
}

/// Every visible command, depth first: `tkedirect`, `tkedirect enable`, … then `tkedirect-render`.
fn commands() -> Vec<Entry> {
    fn walk(
        cmd: &clap::Command,
        path: Vec<String>,
        root: fn() -> clap::Command,
        out: &mut Vec<Entry>,
    ) {
        out.push(Entry {
            path: path.clone(),
            cmd: cmd.clone(),
            root,
        });
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            if sub.get_name() != "help" {
                let mut p = path.clone();
                p.push(sub.get_name().to_string());
                walk(sub, p, root, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &built(tkedirect_root(), BIN),
        vec![],
        tkedirect_root,
        &mut out,
    );
    walk(
        &built(render::command(), render::command().get_name()),
        vec![],
        render::command,
        &mut out,
    );
    out
}

/// The `--help` text of a command, exactly as the binary prints it at [`HELP_WIDTH`] columns.
fn help(entry: &Entry) -> String {
    let root = (entry.root)();
    let bin = root.get_name().to_string();
    let args = std::iter::once(bin.as_str())
        .chain(entry.path.iter().map(String::as_str))
        .chain(["--help"]);
    match root.term_width(HELP_WIDTH).try_get_matches_from(args) {
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => e.render().to_string(),
        _ => unreachable!("--help always displays help"),
    }
}

/// The man pages: `tkedirect.1`, one `tkedirect-<subcommand>.1` per subcommand, and `tkedirect-render.1`.
pub fn man_pages() -> Vec<(String, String)> {
    commands()
        .into_iter()
        .map(|entry| {
            let man = clap_mangen::Man::new(entry.cmd)
                .manual("tkedirect manual")
                .source(format!("tkedirect {}", env!("CARGO_PKG_VERSION")));
            let mut buf = Vec::new();
            man.render(&mut buf).expect("rendering to memory");
            (
                format!("docs/man/{}", man.get_filename()),
                String::from_utf8(buf).expect("roff is UTF-8"),
            )
        })
        .collect()
}

fn anchor(title: &str) -> String {
    title.replace(' ', "-")
}

/// docs/cli.md: the `--help` of every command.
pub fn cli_markdown() -> String {
    let commands = commands();
    let mut md = String::from(
        "# Command-line reference\n\n\
         <!-- Generated from the clap definitions in src/cli/ by src/cli/generate.rs. Do not edit: run\n     \
         `TKEDIRECT_REGENERATE=1 cargo test --test integration generated`. -->\n\n\
         The `--help` of every command, as printed at a terminal width of 100 columns. The same text is\n\
         in the man pages (`docs/man/`), and the flags complete in every shell (`tkedirect completions`).\n\
         When run as the kubectl plugin, usage lines say `kubectl tkedirect` instead of `tkedirect`.\n\n",
    );
    for entry in &commands {
        let title = display(&entry.cmd);
        md.push_str(&format!("- [`{title}`](#{})\n", anchor(&title)));
    }
    for entry in &commands {
        let title = display(&entry.cmd);
        md.push_str(&format!(
            "\n## {title}\n\n```text\n$ {title} --help\n{}\n```\n",
            help(entry).trim_end()
        ));
    }
    md
}

fn display(cmd: &clap::Command) -> String {
    cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string()
}

/// docs/exit-codes.md, from [`exit::ALL`].
pub fn exit_codes_markdown() -> String {
    let mut md = String::from(
        "# Exit codes\n\n\
         <!-- Generated from src/exit.rs (`exit::ALL`, `Exit::describe`) by src/cli/generate.rs. Do not edit:\n     \
         run `TKEDIRECT_REGENERATE=1 cargo test --test integration generated`. -->\n\n\
         The exit status is part of tkedirect's interface: scripts and CI jobs may rely on it, and a change\n\
         to it is listed in CHANGELOG.md. Every subcommand uses the same codes.\n\n\
         | Code | Name | Meaning |\n|---|---|---|\n",
    );
    for e in exit::ALL {
        md.push_str(&format!("| {} | `{e:?}` | {} |\n", e.code(), e.describe()));
    }
    md.push_str(
        "\nNotes:\n\n\
         - `--help` and `--version` exit 0; a usage error (unknown flag, bad value) exits 2 with the usage on stderr.\n\
         - `diff` and `enable --diff` follow `kubectl diff`: 0 no changes, 1 changes, 2 or more an error.\n\
         - A closed standard output (`tkedirect enable -f big.yaml | head -1`) is not an error: tkedirect stops\n  \
         writing and exits 0 without a message.\n\
         - The Helm post-renderer `tkedirect-render` exits 0 when it wrote the stream and 2 on an error; Helm\n  \
         then shows its standard error.\n",
    );
    md
}

/// Every generated file: (path relative to the repository root, contents).
pub fn all() -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = SHELLS
        .iter()
        .map(|&s| (completion_path(s), completion(s)))
        .collect();
    files.extend(man_pages());
    files.push(("docs/cli.md".into(), cli_markdown()));
    files.push(("docs/exit-codes.md".into(), exit_codes_markdown()));
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_has_a_man_page_and_a_help_section() {
        let pages = man_pages();
        let cli = cli_markdown();
        for sub in Cli::command().get_subcommands() {
            let name = sub.get_name();
            assert!(
                pages
                    .iter()
                    .any(|(p, _)| p == &format!("docs/man/tkedirect-{name}.1")),
                "no man page for {name}"
            );
            assert!(
                cli.contains(&format!("$ tkedirect {name} --help\n"))
                    && cli.contains(&format!("\nUsage: tkedirect {name} ")),
                "no help for {name}"
            );
        }
        assert!(
            pages
                .iter()
                .any(|(p, _)| p == "docs/man/tkedirect-render.1")
        );
    }

    #[test]
    fn exit_codes_table_lists_every_code() {
        let md = exit_codes_markdown();
        for e in exit::ALL {
            assert!(md.contains(&format!("| {} | `{e:?}` | {} |", e.code(), e.describe())));
        }
    }

    #[test]
    fn completions_mention_every_subcommand() {
        for shell in SHELLS {
            let script = completion(shell);
            for sub in Cli::command().get_subcommands() {
                assert!(
                    script.contains(sub.get_name()),
                    "{shell}: {}",
                    sub.get_name()
                );
            }
        }
    }
}
