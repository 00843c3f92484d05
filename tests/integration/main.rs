//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

mod bad_input;
mod check;
mod cli;
mod doctor;
mod edit;
mod fake_kube;
mod live;
mod properties;
mod sync;
mod yaml_fast;
