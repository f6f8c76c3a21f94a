//! Least-squares plane fitting, as used for polygon planarity and projection.

use crate::vector::{cross, dot, normalize, sub, Vec3};

/// A plane through `origin` with unit `normal`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plane {
    /// A point on the plane (the centroid of the fitted points).
    pub origin: Vec3,
    /// The unit normal.
    pub normal: Vec3,
}

impl Plane {
    /// The signed distance of `p` from the plane (positive on the normal's side).
    pub fn signed_distance(&self, p: Vec3) -> f64 {
        dot(sub(p, self.origin), self.normal)
    }

    /// The plane that best fits `points` in the least-squares sense (minimal sum of squared
    /// distances), oriented like the polygon's Newell normal when `points` form a ring.
    /// `None` when fewer than three points are given or they are all collinear.
    ///
    /// ```
    /// use urbis_geom::Plane;
    /// let square = [[0.0, 0.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0], [0.0, 1.0, 1.0]];
    /// let plane = Plane::fit(&square).unwrap();
    /// assert!((plane.normal[2] - 1.0).abs() < 1e-12);
    /// assert!(plane.signed_distance([0.5, 0.5, 3.0]) > 1.99);
    /// ```
    pub fn fit(points: &[Vec3]) -> Option<Plane> {
        if points.len() < 3 {
            return None;
        }
        let n = points.len() as f64;
        let mut c = [0.0; 3];
        for p in points {
            for k in 0..3 {
                c[k] += p[k];
            }
        }
        let c = [c[0] / n, c[1] / n, c[2] / n];
        // Covariance matrix of the centred points.
        let mut m = [[0.0f64; 3]; 3];
        for p in points {
            let d = sub(*p, c);
            for i in 0..3 {
                for j in 0..3 {
                    m[i][j] += d[i] * d[j];
                }
            }
        }
        let (values, vectors) = symmetric_eigen(m);
        // The normal is the eigenvector of the smallest eigenvalue; collinear points have two
        // (near) zero eigenvalues.
        let mut order = [0usize, 1, 2];
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        let largest = values[order[2]];
        if largest.is_nan() || largest <= 0.0 || values[order[1]] <= largest * 1e-20 {
            return None;
        }
        let mut normal = normalize(vectors[order[0]])?;
        let newell = newell_normal(points);
        if dot(newell, normal) < 0.0 {
            normal = [-normal[0], -normal[1], -normal[2]];
        }
        Some(Plane { origin: c, normal })
    }
}

/// The (unnormalised) Newell normal of a ring: its direction follows the ring's orientation
/// (counter-clockwise seen from the tip), its length is twice the area of the projected ring.
pub fn newell_normal(ring: &[Vec3]) -> Vec3 {
    let mut n = [0.0; 3];
    let count = ring.len();
    if count == 0 {
        return n;
    }
    // Relative to the first point, for precision with large coordinates.
    let o = ring[0];
    for i in 0..count {
        let a = sub(ring[i], o);
        let b = sub(ring[(i + 1) % count], o);
        let c = cross(a, b);
        for k in 0..3 {
            n[k] += c[k];
        }
    }
    n
}

/// Eigenvalues and eigenvectors of a symmetric 3x3 matrix (cyclic Jacobi rotations).
fn symmetric_eigen(mut a: [[f64; 3]; 3]) -> ([f64; 3], [Vec3; 3]) {
    let mut v = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    let size = a[0][0].abs() + a[1][1].abs() + a[2][2].abs();
    for _ in 0..50 {
        let off = a[0][1].abs() + a[0][2].abs() + a[1][2].abs();
        if off <= size * 1e-18 || off < 1e-300 {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q].abs() < 1e-300 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
            let t = if theta == 0.0 { 1.0 } else { t };
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            for k in 0..3 {
                let akp = a[k][p];
                let akq = a[k][q];
                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
            }
            for k in 0..3 {
                let apk = a[p][k];
                let aqk = a[q][k];
                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
            }
            for row in v.iter_mut() {
                let vp = row[p];
                let vq = row[q];
                row[p] = c * vp - s * vq;
                row[q] = s * vp + c * vq;
            }
        }
    }
    let values = [a[0][0], a[1][1], a[2][2]];
    let vectors = [
        [v[0][0], v[1][0], v[2][0]],
        [v[0][1], v[1][1], v[2][1]],
        [v[0][2], v[1][2], v[2][2]],
    ];
    (values, vectors)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tilted_plane_is_recovered() {
        // Points on z = 0.5 x + 0.25 y + 3, listed counter-clockwise seen from above.
        let pts: Vec<Vec3> = [[0.0, 0.0], [4.0, 0.0], [4.0, 3.0], [1.0, 5.0], [0.0, 3.0]]
            .iter()
            .map(|&[x, y]| [x, y, 0.5 * x + 0.25 * y + 3.0])
            .collect();
        let plane = Plane::fit(&pts).unwrap();
        for p in &pts {
            assert!(plane.signed_distance(*p).abs() < 1e-9);
        }
        assert!(plane.normal[2] > 0.0);
        let expected = normalize([-0.5, -0.25, 1.0]).unwrap();
        assert!(dot(plane.normal, expected) > 1.0 - 1e-12);
    }

    #[test]
    fn collinear_points_have_no_plane() {
        assert_eq!(
            Plane::fit(&[[0.0; 3], [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]),
            None
        );
    }
}
