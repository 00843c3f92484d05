//! tkedirect: make TKE CLB direct pod access safe and boring.
//!
//! Data flows one way: inputs (`source`) → plain data (`model`) → pure logic (`patch`, `checks`, `sync`)
//! → reports → renderers (`render`). Only `source`, `cluster`, `cloud` and the per-subcommand glue in `app`
//! do I/O. See docs/architecture.md.

pub mod app;
pub mod checks;
pub mod cli;
pub mod cloud;
pub mod cluster;
pub mod exit;
pub mod live;
pub mod model;
pub mod patch;
pub mod render;
pub mod report;
pub mod source;
pub mod sync;
pub mod yaml;

pub use exit::Exit;
