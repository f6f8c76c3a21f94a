//! Streaming CityJSON (1.0, 1.1, 2.0) and CityJSONSeq readers and writers.
//!
//! Reading yields the model's [`Feature`](urbis_model::Feature)s in batches with memory bounded
//! by the batch, not the file; older versions are upgraded to 2.0 on the way in. Writing always
//! produces CityJSON 2.0, through a temporary file that replaces the target only on success.

mod de;
pub mod error;
mod intern;
mod localize;
mod members;
pub mod reader;
mod scan;
mod ser;
mod summarize;
mod tape;
pub mod writer;

pub use error::{Error, Location, Result};
pub use reader::{Encoding, Reader};
pub use writer::{feature_line, header_line, Output, OutputFormat, Writer};
