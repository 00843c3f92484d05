//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

/// The benchmarks' generated corpora, proven by the differential tests too.
#[path = "../../benches/support/corpus.rs"]
#[allow(dead_code)]
mod corpus;

mod bad_corpus;
mod bad_input;
mod check;
mod cli;
mod conventions;
mod doctor;
mod edit;
mod fake_kube;
mod fuzz;
mod generated;
mod helm;
mod interrupt;
mod live;
mod plugin;
mod properties;
mod sync;
mod yaml_fast;
