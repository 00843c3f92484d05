//! The one integration-test binary: drives the real `tkedirect` executable.

mod support;

mod cli;
mod fake_kube;
mod properties;
mod sync;
