//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

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
mod sync_apply;
mod sync_cloud;
mod sync_plan;
mod sync_safety;
mod sync_world;
mod yaml_fast;
