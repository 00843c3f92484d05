//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

mod bad_corpus;
mod bad_input;
mod check;
mod cli;
mod conventions;
mod credentials;
mod doctor;
mod doctor_files;
mod edit;
mod fake_kube;
mod fuzz;
mod generated;
mod helm;
mod helm_plugin;
mod interrupt;
mod live;
mod plugin;
mod pre_commit;
mod properties;
mod proxy;
mod sync;
mod yaml_fast;
