//! Live `enable` / `disable`: read the targets and what backs them, plan with the same pure decisions as
//! the file engine (`patch::decide`), show the diff, then patch only the managed fields with a
//! resourceVersion precondition. Planning ([`plan`], [`patch`]) is pure; the API server is behind the
//! cluster port (`crate::cluster::Cluster`); [`read`] and [`apply`] drive it.

pub mod apply;
pub mod json_v1;
pub mod patch;
pub mod plan;
pub mod read;
