//! Patch planning: which objects need which edits for CLB direct pod access, as data. The same plan
//! drives file editing (`engine`) and live objects.

pub mod decide;
pub mod engine;
pub mod select;
pub mod view;

use std::fmt;

pub use decide::{Summary, Verdict};

use crate::cli::manifest::{EniArg, NetworkModeArg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Enable,
    Disable,
}

/// The cluster's network mode as far as patching is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetworkMode {
    VpcCni,
    Mixed,
    GlobalRouter,
}

impl fmt::Display for NetworkMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NetworkMode::VpcCni => "vpc-cni",
            NetworkMode::Mixed => "mixed",
            NetworkMode::GlobalRouter => "global-router",
        })
    }
}

impl From<NetworkModeArg> for NetworkMode {
    fn from(a: NetworkModeArg) -> Self {
        match a {
            NetworkModeArg::VpcCni => NetworkMode::VpcCni,
            NetworkModeArg::Mixed => NetworkMode::Mixed,
            NetworkModeArg::GlobalRouter => NetworkMode::GlobalRouter,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eni {
    Shared,
    Exclusive,
}

impl From<EniArg> for Eni {
    fn from(a: EniArg) -> Self {
        match a {
            EniArg::Shared => Eni::Shared,
            EniArg::Exclusive => Eni::Exclusive,
        }
    }
}

/// Everything a decision depends on besides the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub intent: Intent,
    pub mode: NetworkMode,
    pub eni: Eni,
    pub container: Option<String>,
}
