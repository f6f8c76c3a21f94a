//! 3D geometry for urbis, one algorithm per module in the manner of `georust/geo`.

pub mod axes;
pub mod feature_reproject;
pub mod footprint;
pub mod local_frame;
pub mod orientation;
pub mod plane;
pub mod project;
pub mod reproject;
pub mod ring2d;
pub mod triangle;
pub mod triangulate;
pub mod vector;
pub mod volume;

pub use feature_reproject::{metric_crs_for, FeatureReprojectError, FeatureReprojector};
pub use footprint::{footprint, Footprint, FootprintSource};
pub use plane::{newell_normal, Plane};
pub use project::Projection;
pub use reproject::{ReprojectError, Reprojector};
pub use triangle::{
    triangle_normal, triangles_fold_at_edge, triangles_intersect, triangles_overlap_at_vertex,
    Triangle,
};
pub use triangulate::triangulate;
pub use volume::signed_volume;
