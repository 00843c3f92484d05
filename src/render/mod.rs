//! Renderers: turn reports, plans and changes into text for people and machines.

pub mod diff;
pub mod github;
pub mod json;
pub mod sarif;
pub mod table;
