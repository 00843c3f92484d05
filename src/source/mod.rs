//! Input adapters: manifest files, directories and standard input; atomic writes back.

pub mod files;
pub mod objects;
pub mod write;
