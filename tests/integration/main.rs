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
mod credentials;
mod doctor;
mod doctor_files;
mod edit;
mod edit_guards;
mod fake_kube;
mod fuzz;
mod generated;
mod helm;
mod helm_plugin;
mod interrupt;
mod live_confirm;
mod live_guards;
mod live_json;
mod live_mixed;
mod live_refusals;
mod live_restart;
mod live_switches;
mod live_writes;
mod plugin;
mod pre_commit;
mod properties;
mod proxy;
mod sync_apply;
mod sync_cloud;
mod sync_plan;
mod sync_safety;
mod sync_world;
mod yaml_fast;
