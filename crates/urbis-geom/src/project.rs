//! Projection of 3D points onto a plane's 2D coordinate system.

use crate::plane::Plane;
use crate::vector::{cross, dot, normalize, sub, Vec3};

/// An orthonormal 2D frame on a plane: `u x v` is the plane's normal, so a ring that is
/// counter-clockwise seen from the normal's tip is counter-clockwise in 2D.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    origin: Vec3,
    u: Vec3,
    v: Vec3,
}

impl Projection {
    /// The frame of `plane`.
    pub fn new(plane: &Plane) -> Projection {
        let n = plane.normal;
        // Any axis not parallel to the normal gives the first direction.
        let helper = if n[0].abs() < 0.6 {
            [1.0, 0.0, 0.0]
        } else {
            [0.0, 1.0, 0.0]
        };
        let u = normalize(cross(helper, n)).unwrap_or([1.0, 0.0, 0.0]);
        let v = cross(n, u);
        Projection {
            origin: plane.origin,
            u,
            v,
        }
    }

    /// The 2D coordinates of `p` in the frame.
    pub fn to_2d(&self, p: Vec3) -> [f64; 2] {
        let d = sub(p, self.origin);
        [dot(d, self.u), dot(d, self.v)]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ring2d::signed_area;

    #[test]
    fn counter_clockwise_stays_counter_clockwise() {
        let ring = [
            [0.0, 0.0, 5.0],
            [0.0, 0.0, 6.0],
            [0.0, 1.0, 6.0],
            [0.0, 1.0, 5.0],
        ];
        let plane = Plane::fit(&ring).unwrap();
        let p = Projection::new(&plane);
        let flat: Vec<[f64; 2]> = ring.iter().map(|&q| p.to_2d(q)).collect();
        assert!(signed_area(&flat) > 0.99);
    }
}
