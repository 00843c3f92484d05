//! Renderers: turn reports, plans and changes into text for people and machines.

pub mod diff;
