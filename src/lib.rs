//! tkedirect: make TKE CLB direct pod access safe and boring.
//!
//! Data flows one way: inputs (`source`) → plain data (`model`) → pure logic (`patch`, `checks`, `sync`)
//! → reports → renderers (`render`). Only `source`, `cluster`, `cloud` and the per-subcommand glue in `app`
//! do I/O. See docs/architecture.md.

// print!/println! panic when stdout is closed (`tkedirect … | head`): the product is written to a locked
// stdout and a broken pipe is a quiet exit 0 (app::main_entry).
#![deny(clippy::print_stdout)]

pub mod app;
pub mod checks;
pub mod cli;
pub mod cloud;
pub mod cluster;
pub mod confirm;
pub mod exit;
pub mod live;
pub mod model;
pub mod patch;
pub mod render;
pub mod report;
pub mod rules;
pub mod source;
pub mod sync;
pub mod yaml;

pub use exit::Exit;
