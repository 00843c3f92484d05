//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

mod cli;
mod doctor;
mod fake_kube;
