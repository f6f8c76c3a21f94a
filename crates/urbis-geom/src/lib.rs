//! 3D geometry for urbis, one algorithm per module in the manner of `georust/geo`.

pub mod reproject;

pub use reproject::{ReprojectError, Reprojector};
