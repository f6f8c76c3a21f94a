//! The urbis city model.
//!
//! A city model is a [`Header`] (version, [`Transform`], metadata, extensions, geometry templates)
//! and a stream of [`Feature`]s. A feature is one top-level [`CityObject`] with its descendants and
//! the vertices they use, exactly like a CityJSONFeature: it is the unit of streaming, storage and
//! serving. Geometry boundaries are stored flat (see [`Boundaries`]), vertices as quantised integer
//! triplets that the header's transform turns into real coordinates.
//!
//! This crate does no I/O.

pub mod appearance;
pub mod boundaries;
pub mod cityobject;
pub mod crs;
pub mod district;
pub mod feature;
pub mod geometry;
pub mod header;
pub mod lod;
pub mod object_type;
pub mod ops;
pub mod summary;
pub mod synthetic;
pub mod transform;

pub use appearance::{Appearance, MaterialTheme, TextureTheme};
pub use boundaries::Boundaries;
pub use cityobject::{Address, CityObject};
pub use crs::{AxisOrder, Crs};
pub use feature::Feature;
pub use geometry::{
    semantic_type, Geometry, GeometryInstance, GeometryType, SemanticSurface, Semantics,
    SEMANTIC_TYPES,
};
pub use header::{GeometryTemplates, Header};
pub use lod::LodChoice;
pub use object_type::CityObjectType;
pub use summary::Summary;
pub use transform::Transform;

/// A JSON object, as read: attributes, metadata and unknown members keep their order and values.
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

/// Errors raised when a model does not hold together (indices out of range, inconsistent arrays).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelError {
    /// A vertex index points past the end of the vertex list.
    #[error("vertex index {index} is out of range ({len} vertices)")]
    VertexOutOfRange {
        /// The offending index.
        index: u32,
        /// Number of vertices available.
        len: usize,
    },
    /// An array that must match the boundaries has the wrong length or depth.
    #[error("{what}: {detail}")]
    Mismatch {
        /// Which array (e.g. "semantics values").
        what: &'static str,
        /// What is wrong.
        detail: String,
    },
}
