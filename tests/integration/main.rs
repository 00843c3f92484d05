//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

mod bad_input;
mod cli;
mod doctor;
mod edit;
mod fake_kube;
mod generated;
mod properties;
mod helm;
mod plugin;
mod conventions;
mod bad_corpus;
mod fuzz;
mod interrupt;
