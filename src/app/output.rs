//! The conversation on stderr (notes, warnings, verbosity) and color decisions for stdout and stderr.
//! stdout carries the product; everything here goes to stderr.

use std::io::{IsTerminal, Write};

use crate::cli::{ColorChoice, GlobalArgs};

/// Color and verbosity decisions, made once from the flags and the environment.
#[derive(Debug, Clone)]
pub struct Ui {
    /// Colors on stdout (diffs, tables).
    pub stdout_color: bool,
    /// Colors on stderr (error:/warning: prefixes).
    pub stderr_color: bool,
    /// -v count; negative never, quiet sets `quiet`.
    pub verbose: u8,
    pub quiet: bool,
    /// Whether stderr is a terminal (progress indicators only then).
    pub stderr_tty: bool,
    /// Whether stdin is a terminal (confirmation prompts only then).
    pub stdin_tty: bool,
    /// The terminal's width when stdout is one (tables wrap to it); None otherwise.
    pub stdout_width: Option<u16>,
}

impl Ui {
    pub fn new(global: &GlobalArgs) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |tty: bool| match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                tty && !no_color && std::env::var("TERM").map_or(true, |t| t != "dumb")
            }
        };
        let stderr_tty = std::io::stderr().is_terminal();
        let stdout = std::io::stdout();
        let stdout_width = stdout
            .is_terminal()
            .then(|| terminal_width(&stdout))
            .flatten();
        Ui {
            stdout_color: decide(std::io::stdout().is_terminal()),
            stderr_color: decide(stderr_tty),
            verbose: global.verbose,
            quiet: global.quiet,
            stderr_tty,
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_width,
        }
    }

    /// How renderers draw on stdout.
    pub fn style(&self) -> crate::render::Style {
        crate::render::Style {
            color: self.stdout_color,
            width: self.stdout_width,
        }
    }

    /// A plain Ui for tests and library callers: no colors, normal verbosity.
    pub fn plain() -> Self {
        Ui {
            stdout_color: false,
            stderr_color: false,
            verbose: 0,
            quiet: false,
            stderr_tty: false,
            stdin_tty: false,
            stdout_width: None,
        }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.stderr_color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn paint_error(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    /// A line of conversation (summary, what was linked), hidden by -q.
    pub fn note(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(std::io::stderr().lock(), "{}", msg.as_ref());
        }
    }

    /// Detail shown with -v.
    pub fn detail(&self, msg: impl AsRef<str>) {
        if !self.quiet && self.verbose >= 1 {
            let _ = writeln!(std::io::stderr().lock(), "{}", msg.as_ref());
        }
    }

    /// Debug detail shown with -vv.
    pub fn debug(&self, msg: impl AsRef<str>) {
        if !self.quiet && self.verbose >= 2 {
            let _ = writeln!(std::io::stderr().lock(), "{}", msg.as_ref());
        }
    }

    /// An error line (`error: …`), never hidden: the run goes on to exit 2.
    pub fn error(&self, msg: impl AsRef<str>) {
        let _ = writeln!(
            std::io::stderr().lock(),
            "{}: {}",
            self.paint_error("error"),
            msg.as_ref()
        );
    }

    /// A warning, hidden only by -q.
    pub fn warn(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(
                std::io::stderr().lock(),
                "{}: {}",
                self.paint("1;33", "warning"),
                msg.as_ref()
            );
        }
    }
}

/// The width of the terminal behind `stdout`: its size as the terminal reports it, else `COLUMNS`.
fn terminal_width(stdout: &std::io::Stdout) -> Option<u16> {
    terminal_size::terminal_size_of(stdout)
        .map(|(w, _)| w.0)
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .filter(|w| *w >= 20)
}

/// Whether an error is (caused by) a closed stdout, as in `tkedirect diff … | head`: that is a quiet exit 0.
/// serde_json's writer errors count too (`to_writer` wraps the io::Error and does not expose it as `source`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct ClosedPipe;

    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn broken_pipes_are_recognised_through_wrappers() {
        let io = ClosedPipe.write_all(b"x").unwrap_err();
        assert!(is_broken_pipe(&anyhow::Error::from(io)));
        let json = serde_json::to_writer(ClosedPipe, &[1, 2]).unwrap_err();
        assert!(is_broken_pipe(
            &anyhow::Error::from(json).context("printing the plan")
        ));
        let other = std::io::Error::other("disk full");
        assert!(!is_broken_pipe(&anyhow::Error::from(other)));
    }
}
