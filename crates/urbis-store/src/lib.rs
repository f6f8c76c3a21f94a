//! The urbis city store: where a city's models live between import and serving.
//!
//! A store holds *collections* (one city model each: a CityJSON header and its features). The
//! unit of storage is the feature (a CityJSONFeature: a top-level city object with its
//! children and their vertices), kept as a [`Record`] with what queries and servers need
//! precomputed: its extent, its footprint in CRS84 and in the native CRS, its properties.
//!
//! [`Store`] is the one interface callers use (the CLI, the server); backends implement it
//! (`urbis-store-sqlite` is the embedded default) and must pass [`suite`], the
//! backend-independent test suite. Reads go through [`Store::query`] / [`Store::scan`] with a
//! [`Query`] (bbox, types, datetime, a [`Filter`] expression, paging); writes go through a
//! [`Transaction`], which changes nothing until it commits.

pub mod attribute_type;
pub mod body;
mod error;
pub mod filter;
pub mod pipe;
pub mod record;
pub mod seq;
pub mod set_crs;
pub mod store;
pub mod suite;

pub use attribute_type::AttributeType;
pub use error::{Result, StoreError};
pub use filter::{CmpOp, Filter, Literal, Property, Region};
pub use pipe::{pipe, seq_reader, PipeReader, PipeWriter};
pub use record::{Record, RecordBuilder};
pub use seq::write_seq;
pub use set_crs::{set_crs, CrsChange};
pub use store::{
    Collection, CommitSummary, Fields, Item, NewCollection, OnConflict, Page, PutOutcome, Query,
    Store, Transaction,
};
