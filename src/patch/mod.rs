//! Patch planning: which objects need which edits for CLB direct pod access, as data. The same plan
//! drives file editing (`engine`) and live objects.

pub mod decide;
pub mod engine;
pub mod guard;
pub mod select;
pub mod view;

pub use decide::{Linkable, Verdict};

pub use crate::model::{EniFlavor, NetworkMode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Enable,
    Disable,
}

impl Intent {
    /// `enable` / `disable`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Intent::Enable => "enable",
            Intent::Disable => "disable",
        }
    }
}

/// Everything a decision depends on besides the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub intent: Intent,
    /// Only `Mixed` opts pod templates into an ENI; every other mode changes Services and Ingresses only.
    pub mode: NetworkMode,
    pub eni: EniFlavor,
    pub container: Option<String>,
    /// Override the `disable` guards ([`guard`]): make the change, keep the reason as a warning.
    pub force: bool,
}
