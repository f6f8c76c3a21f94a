//! Validation of city models for urbis: geometric validation of 3D primitives following
//! ISO 19107 with val3dity's error codes, tolerances and hierarchy (polygons, then shells,
//! then solids, then solids together), and readers of the OBJ/OFF/POLY mesh formats.
//!
//! ```
//! use urbis_validate::{validate_primitive, Options, Primitive};
//! // A unit cube, faces oriented outwards.
//! let points = vec![
//!     [0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 0.0],
//!     [0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0],
//! ];
//! let faces = [[0, 3, 2, 1], [4, 5, 6, 7], [0, 1, 5, 4], [1, 2, 6, 5], [2, 3, 7, 6], [3, 0, 4, 7]]
//!     .iter().map(|f| vec![f.to_vec()]).collect();
//! let checked = validate_primitive(&points, &Primitive::Solid(vec![faces]), &Options::default());
//! assert!(checked.issues.is_empty());
//! ```

pub mod codes;
pub mod feature;
pub mod interact;
pub mod mesh;
pub mod options;
pub mod polygon;
pub mod primitive;
pub mod report;
pub mod schema;
pub mod shell;
pub mod snap;
mod unionfind;

pub use codes::{Code, Issue};
pub use feature::{validate_feature, GeometryIssue, ObjectReport};
pub use options::Options;
pub use primitive::{validate_primitive, Checked, Face, Faces, Primitive};
pub use report::{validate_file, validate_file_with, Checks, MeshPrimitive, Report};
