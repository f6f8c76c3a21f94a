//! Triangulation of planar polygons with holes (earcut on the projected rings, refined by
//! Delaunay edge flips).

/// Triangulates a 2D polygon given as rings (the first is the exterior, the others holes;
/// open rings). Returns triangles as indices into the rings' points taken in order, oriented
/// like the exterior ring. Degenerate input gives fewer (or no) triangles, never a panic.
///
/// ```
/// let square = vec![vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]];
/// let triangles = urbis_geom::triangulate(&square);
/// assert_eq!(triangles.len(), 2);
/// ```
pub fn triangulate(rings: &[Vec<[f64; 2]>]) -> Vec<[u32; 3]> {
    let total: usize = rings.iter().map(Vec::len).sum();
    if rings.is_empty() || rings[0].len() < 3 || total > u32::MAX as usize / 2 {
        return Vec::new();
    }
    let mut data = Vec::with_capacity(total);
    let mut holes: Vec<u32> = Vec::with_capacity(rings.len().saturating_sub(1));
    for (i, ring) in rings.iter().enumerate() {
        if i > 0 {
            holes.push(data.len() as u32);
        }
        data.extend(
            ring.iter()
                .copied()
                .filter(|p| p[0].is_finite() && p[1].is_finite()),
        );
    }
    let mut out: Vec<u32> = Vec::new();
    earcut::Earcut::new().earcut(data.iter().copied(), &holes, &mut out);
    // Delaunay edge flips: no needless slivers, whose normals say little about planarity.
    earcut::refine(&mut out, &data);
    let exterior_ccw = crate::ring2d::signed_area(&rings[0]) >= 0.0;
    out.chunks_exact(3)
        .map(|t| {
            let tri = [t[0], t[1], t[2]];
            let o = crate::ring2d::orient(
                data[tri[0] as usize],
                data[tri[1] as usize],
                data[tri[2] as usize],
            );
            if (o >= 0.0) == exterior_ccw {
                tri
            } else {
                [tri[0], tri[2], tri[1]]
            }
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn square_with_hole_keeps_orientation() {
        let rings = vec![
            vec![[0.0, 0.0], [0.0, 4.0], [4.0, 4.0], [4.0, 0.0]],
            vec![[1.0, 1.0], [2.0, 1.0], [2.0, 2.0], [1.0, 2.0]],
        ];
        let tris = triangulate(&rings);
        assert_eq!(tris.len(), 8);
        let pts: Vec<[f64; 2]> = rings.concat();
        let area: f64 = tris
            .iter()
            .map(|t| {
                crate::ring2d::signed_area(&[
                    pts[t[0] as usize],
                    pts[t[1] as usize],
                    pts[t[2] as usize],
                ])
            })
            .sum();
        assert!((area + 15.0).abs() < 1e-9, "clockwise exterior: {area}");
    }
}
