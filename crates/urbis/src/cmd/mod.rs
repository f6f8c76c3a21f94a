//! One module per command.

pub mod convert;
pub mod generate;
pub mod info;
pub mod lod;
pub mod merge;
pub mod reproject;
pub mod subset;
pub mod validate;
