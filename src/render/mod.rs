//! (filled in by the file engine)

pub mod github;
pub mod json;
pub mod sarif;
pub mod table;
