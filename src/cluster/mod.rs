//! The cluster behind a narrow trait: reading (for check/doctor/sync) and patching (live enable).

pub mod client;
