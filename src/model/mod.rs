//! Plain data shared by every subcommand: kinds, object references, the domain constants.

pub mod consts;
pub mod kind;
pub mod network;
pub mod target;

pub use kind::Kind;
pub use target::{ObjectRef, Target};
