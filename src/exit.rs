//! The exit-code contract, defined once. `docs/exit-codes.md` is generated from [`ALL`].

/// How a run of `tkedirect` ended, as the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing to do: no changes (`diff`), nothing at or above `--fail-on` (`doctor`), in sync (`sync`).
    Ok,
    /// The run worked and found something: changes pending (`diff`, plan-only `enable`/`sync`) or findings (`doctor`).
    Changes,
    /// The tool could not do its job: bad input, bad flags, unreachable cluster or cloud API, refused write.
    Error,
    /// `sync --apply` or live `enable`/`disable` applied part of its plan and then failed; what did and
    /// did not happen is printed.
    Partial,
}

impl Exit {
    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Changes => 1,
            Exit::Error => 2,
            Exit::Partial => 3,
        }
    }

    pub const fn describe(self) -> &'static str {
        match self {
            Exit::Ok => {
                "success: no changes pending, no findings at or above --fail-on, CLB in sync"
            }
            Exit::Changes => {
                "changes pending (diff, plan-only enable/disable/sync) or findings at or above --fail-on (check, doctor)"
            }
            Exit::Error => {
                "error: bad input or flags, unreachable cluster or API, nothing was written"
            }
            Exit::Partial => {
                "sync --apply or live enable/disable changed part of the plan and then failed (details on stderr)"
            }
        }
    }
}

/// Every exit code, in order; drives docs/exit-codes.md.
pub const ALL: [Exit; 4] = [Exit::Ok, Exit::Changes, Exit::Error, Exit::Partial];

impl From<Exit> for std::process::ExitCode {
    fn from(e: Exit) -> Self {
        std::process::ExitCode::from(e.code())
    }
}
