//! One way to read city features.
//!
//! A [`FeatureSource`] yields batches of [`urbis_model::Feature`]s, with the model's
//! [`urbis_model::Header`], from any input urbis reads — a CityJSON, CityJSONSeq or CityGML
//! file, or standard input (the format is told by content, not by name) — and from a
//! collection of a store (optionally only the features a [`urbis_store::Query`] selects),
//! streamed without a temporary file. Validation, tiling, export, analyses, import and the
//! server all read through it, so a new input format is added here, once.
//!
//! ```no_run
//! use urbis_source::{FeatureSource, InputOptions};
//! let mut source = FeatureSource::open("city.gml".as_ref(), &InputOptions::default())?;
//! for w in source.take_warnings() {
//!     eprintln!("warning: {w}");
//! }
//! while let Some(batch) = source.next_batch()? {
//!     println!("{} features", batch.len());
//! }
//! # Ok::<(), urbis_source::SourceError>(())
//! ```

mod error;
mod options;
mod source;
mod stdin;
mod warning;

pub use error::SourceError;
pub use options::{InputFormat, InputOptions};
pub use source::FeatureSource;
pub use warning::SourceWarning;
