//! One module per command.

pub mod analyze;
pub mod convert;
pub mod db;
pub mod demo;
pub mod export;
pub mod export_mesh;
pub mod generate;
pub mod import;
pub mod info;
pub mod lod;
pub mod merge;
pub mod reproject;
pub mod serve;
pub mod subset;
pub mod tiles;
pub mod validate;
