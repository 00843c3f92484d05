//! Live `enable` / `disable`: read the targets and what backs them, plan with the same pure decisions as
//! the file engine (`patch::decide`), show the diff, then patch only the managed fields with a
//! resourceVersion precondition. [`run`] orchestrates one run over the cluster port
//! (`crate::cluster::Cluster`) and the confirmation port (`crate::confirm::Confirm`); planning ([`plan`],
//! [`patch`]) is pure; [`read`] and [`apply`] drive the port; [`json_v1`] is the `-o json` payload.

pub mod apply;
pub mod json_v1;
pub mod patch;
pub mod plan;
pub mod read;
pub mod run;

pub use run::{DryRun, Event, Held, LiveError, LiveOutcome, Prelude, Refusal, Request, Sent, run};
