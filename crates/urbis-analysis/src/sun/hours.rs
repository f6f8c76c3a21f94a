//! Direct-sun hours: for each point and each sampled moment, is the sun above the horizon, in
//! front of the surface, and unblocked?

use super::bvh::Bvh;
use super::solar::SunSample;
use rayon::prelude::*;

/// Rays start this far off the surface (along its normal, or up for the ground) so that the
/// surface itself does not block them.
pub const LIFT: f64 = 0.02;

/// A point where sunlight is measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Receiver {
    /// Local coordinates on the surface.
    pub position: [f64; 3],
    /// The surface's outward unit normal (`[0, 0, 1]` for the ground).
    pub normal: [f64; 3],
}

/// Sunlight at one point.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Exposure {
    /// Hours the sun is up and in front of the surface (what it would get with nothing around).
    pub possible: f64,
    /// Hours of direct sun with the model as it is.
    pub hours: f64,
    /// Hours of direct sun with the proposed buildings added (equal to `hours` without them).
    pub with_proposed: f64,
}

/// Sun hours at every receiver: each sample counts `step_hours` when the sun is up, in front
/// of the surface, and no triangle of `scene` (then of `proposed`) lies on the ray to it.
pub fn exposures(
    receivers: &[Receiver],
    sun: &[SunSample],
    step_hours: f64,
    scene: &Bvh,
    proposed: Option<&Bvh>,
    top: f64,
) -> Vec<Exposure> {
    let up: Vec<&SunSample> = sun.iter().filter(|s| s.elevation > 0.0).collect();
    receivers
        .par_iter()
        .map(|r| {
            let o = [
                r.position[0] + LIFT * r.normal[0],
                r.position[1] + LIFT * r.normal[1],
                r.position[2] + LIFT * r.normal[2],
            ];
            let mut e = Exposure::default();
            for s in &up {
                let d = s.direction;
                if d[0] * r.normal[0] + d[1] * r.normal[1] + d[2] * r.normal[2] <= 0.0 {
                    continue;
                }
                e.possible += step_hours;
                // Beyond the scene's top nothing can block.
                let t_max = if d[2] > 1e-12 {
                    ((top - o[2]) / d[2]).max(0.0) + 1.0
                } else {
                    f64::INFINITY
                };
                if scene.any_hit(o, d, 1e-9, t_max) {
                    continue;
                }
                e.hours += step_hours;
                if !proposed.is_some_and(|p| p.any_hit(o, d, 1e-9, f64::INFINITY)) {
                    e.with_proposed += step_hours;
                }
            }
            e
        })
        .collect()
}
