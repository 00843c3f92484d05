//! `tkedirect sync`: make a CLB's backends equal the Service's (or Ingress's) ready pods, once.
//!
//! Data flow: the cluster ([`source::SyncSource`]) → endpoints and pods → [`desired`] targets per Service
//! port; the CLB ([`crate::cloud::Clb`]) → listeners and rules ([`resolve`]) → actual targets; both →
//! [`plan`] (pure, with the safety guards) → [`apply`] in batches ([`batch`]) → re-read and re-plan to
//! verify. [`report`] is the versioned JSON output, [`table`] the human one. [`engine`] holds the I/O
//! steps over the traits.

pub mod apply;
pub mod batch;
pub mod desired;
pub mod endpoints;
pub mod engine;
pub mod ingress;
pub mod model;
pub mod plan;
pub mod report;
pub mod resolve;
pub mod source;
pub mod table;
#[cfg(test)]
pub(crate) mod testing;
