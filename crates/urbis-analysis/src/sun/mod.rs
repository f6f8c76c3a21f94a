//! Sunlight and shadow: sun positions, a ray-cast scene, direct-sun hours on the ground and
//! on facades.

pub mod bvh;
pub mod heatmap;
pub mod hours;
pub mod samples;
pub mod scene;
pub mod solar;
pub mod study;
