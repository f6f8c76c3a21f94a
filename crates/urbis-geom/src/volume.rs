//! Signed volume of closed triangulated surfaces.

use crate::vector::{cross, dot, sub, Vec3};

/// The signed volume enclosed by triangles (positive when they face outwards), computed
/// relative to `reference` (any point near the surface, for precision with large coordinates).
///
/// ```
/// // A tetrahedron with outward-facing triangles.
/// let p = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
/// let tris = [[p[0], p[2], p[1]], [p[0], p[1], p[3]], [p[1], p[2], p[3]], [p[0], p[3], p[2]]];
/// let v = urbis_geom::signed_volume(&tris, p[0]);
/// assert!((v - 1.0 / 6.0).abs() < 1e-12);
/// ```
pub fn signed_volume(triangles: &[[Vec3; 3]], reference: Vec3) -> f64 {
    triangles
        .iter()
        .map(|t| {
            let a = sub(t[0], reference);
            let b = sub(t[1], reference);
            let c = sub(t[2], reference);
            dot(a, cross(b, c))
        })
        .sum::<f64>()
        / 6.0
}
