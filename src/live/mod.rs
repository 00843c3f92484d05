//! Live `enable` / `disable`: read the targets and what backs them, plan with the same pure decisions as
//! the file engine (`patch::decide`), show the diff, then patch only the managed fields with a
//! resourceVersion precondition. Planning ([`plan`], [`link`], [`patch`]) is pure; the API server is
//! behind [`cluster::LiveCluster`]; [`read`] and [`apply`] drive it.

pub mod apply;
pub mod cluster;
pub mod json_v1;
pub mod link;
pub mod patch;
pub mod plan;
pub mod read;
pub mod resource;

pub use cluster::{KubeCluster, LiveCluster, Patch, PatchType};
pub use resource::Resource;
