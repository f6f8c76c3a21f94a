//! 3D Tiles 1.1 and glTF 2.0 output for urbis.
//!
//! The path from a city model to the browser:
//! 1. [`Placement`](placement::Placement) puts native coordinates on the globe (proj4rs for
//!    the horizontal position, an explicit height model for z: see [`placement`]).
//! 2. [`Mesher`](mesh::Mesher) triangulates each feature's polygons on their own planes
//!    (earcut, holes kept), with flat normals and colours by material, semantic surface or
//!    object type.
//! 3. [`Tiler`](tileset::Tiler) spools the meshes to disk, builds a quadtree by triangle budget
//!    and writes one GLB per leaf ([`glb`]: `EXT_mesh_features` ids and
//!    `EXT_structural_metadata` attributes) and `tileset.json`.
//! 4. [`check_tileset`](check::check_tileset) verifies what was written.

pub mod check;
pub mod colour;
pub mod glb;
pub mod mesh;
pub mod metadata;
pub mod obj;
pub mod placement;
pub mod spool;
pub mod tileset;

pub use check::{check_tileset, TilesetContents};
pub use glb::{write_glb, GlbOptions, LocalFrame};
pub use mesh::{FeatureMesh, Frame, LodChoice, MeshError, Mesher};
pub use metadata::{Schema, SchemaBuilder};
pub use placement::{Placement, PlacementError};
pub use tileset::{Tiler, TilerOptions, TilesError, TilesetReport};
pub mod build;
pub use build::{tile_batches, tile_collection, validation_summary, BuildError, BuildOptions};
