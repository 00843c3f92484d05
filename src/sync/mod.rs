//! `tkedirect sync`: make a CLB's backends equal the Service's (or Ingress's) ready pods, once.
//!
//! Data flow: the cluster, through the one port ([`crate::cluster::Cluster`]), decoded into the model
//! ([`cluster_read`]) → desired targets per Service port ([`desired`], over [`crate::rules`]); the CLB
//! ([`crate::cloud::Clb`]) → the load balancer, listeners and rules ([`clb_read`], [`resolve`]) → actual
//! targets; both → [`plan`] (pure, with the safety guards) → [`apply`] in batches ([`batch`]) → re-read and
//! re-plan to verify; the CLB's asynchronous tasks are waited for and remembered ([`tasks`]). [`run`] is the whole sync as one library function returning a [`SyncOutcome`];
//! [`json`] is its machine-readable payload, `crate::render::sync` the human one.

pub mod apply;
pub mod batch;
pub mod clb_read;
pub mod cluster_read;
pub mod desired;
pub mod error;
pub mod json;
pub mod model;
pub mod outcome;
pub mod plan;
pub mod resolve;
pub mod run;
pub mod tasks;
#[cfg(test)]
pub(crate) mod testing;

pub use cluster_read::{RegionSource, SyncTarget, region, tke_config};
pub use error::SyncError;
pub use outcome::{SyncOutcome, SyncStatus};
pub use run::{SyncEvent, SyncRequest, Timing, run};
pub use tasks::{MemoryLedger, PendingTask, TaskLedger};
