//! 2D ring predicates with robust orientation tests: segment intersection, point in ring,
//! signed area. Rings are open (the last point is not a copy of the first).

use robust::{orient2d, Coord};

/// The orientation of `c` relative to the directed line `a -> b`: positive when `c` is on the
/// left, negative on the right, zero when collinear (exact, by `robust::orient2d`).
#[inline]
pub fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    orient2d(
        Coord { x: a[0], y: a[1] },
        Coord { x: b[0], y: b[1] },
        Coord { x: c[0], y: c[1] },
    )
}

/// The signed area of a ring (positive when counter-clockwise).
pub fn signed_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    let o = ring[0];
    let mut s = 0.0;
    for i in 1..n - 1 {
        let a = [ring[i][0] - o[0], ring[i][1] - o[1]];
        let b = [ring[i + 1][0] - o[0], ring[i + 1][1] - o[1]];
        s += a[0] * b[1] - a[1] * b[0];
    }
    s / 2.0
}

/// How two closed segments meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentContact {
    /// No common point.
    Disjoint,
    /// They cross at one point interior to both.
    Cross,
    /// They share exactly one point that is an endpoint of at least one of them.
    Touch,
    /// They are collinear and share more than one point.
    Overlap,
}

/// Classifies how segments `p1-p2` and `q1-q2` meet, exactly.
pub fn segment_contact(p1: [f64; 2], p2: [f64; 2], q1: [f64; 2], q2: [f64; 2]) -> SegmentContact {
    let d1 = orient(q1, q2, p1);
    let d2 = orient(q1, q2, p2);
    let d3 = orient(p1, p2, q1);
    let d4 = orient(p1, p2, q2);
    if d1 == 0.0 && d2 == 0.0 {
        // Collinear (or degenerate): compare along the dominant axis.
        let axis = if (p1[0] - p2[0]).abs() + (q1[0] - q2[0]).abs()
            >= (p1[1] - p2[1]).abs() + (q1[1] - q2[1]).abs()
        {
            0
        } else {
            1
        };
        let (a0, a1) = minmax(p1[axis], p2[axis]);
        let (b0, b1) = minmax(q1[axis], q2[axis]);
        let lo = a0.max(b0);
        let hi = a1.min(b1);
        return if lo > hi {
            SegmentContact::Disjoint
        } else if lo == hi {
            SegmentContact::Touch
        } else {
            SegmentContact::Overlap
        };
    }
    if (d1 > 0.0 && d2 > 0.0) || (d1 < 0.0 && d2 < 0.0) {
        return SegmentContact::Disjoint;
    }
    if (d3 > 0.0 && d4 > 0.0) || (d3 < 0.0 && d4 < 0.0) {
        return SegmentContact::Disjoint;
    }
    if d1 == 0.0 || d2 == 0.0 || d3 == 0.0 || d4 == 0.0 {
        SegmentContact::Touch
    } else {
        SegmentContact::Cross
    }
}

fn minmax(a: f64, b: f64) -> (f64, f64) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// Where a point lies relative to a ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// Strictly inside.
    Inside,
    /// On an edge or a vertex.
    Boundary,
    /// Strictly outside.
    Outside,
}

/// The location of `p` relative to `ring` (winding number, exact orientation tests).
pub fn locate(p: [f64; 2], ring: &[[f64; 2]]) -> Location {
    let n = ring.len();
    let mut winding = 0i32;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        let o = orient(a, b, p);
        if o == 0.0
            && p[0] >= a[0].min(b[0])
            && p[0] <= a[0].max(b[0])
            && p[1] >= a[1].min(b[1])
            && p[1] <= a[1].max(b[1])
        {
            return Location::Boundary;
        }
        if a[1] <= p[1] {
            if b[1] > p[1] && o > 0.0 {
                winding += 1;
            }
        } else if b[1] <= p[1] && o < 0.0 {
            winding -= 1;
        }
    }
    if winding != 0 {
        Location::Inside
    } else {
        Location::Outside
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SQUARE: [[f64; 2]; 4] = [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]];

    #[test]
    fn segments() {
        use SegmentContact::*;
        let s = segment_contact;
        assert_eq!(s([0.0, 0.0], [2.0, 2.0], [0.0, 2.0], [2.0, 0.0]), Cross);
        assert_eq!(s([0.0, 0.0], [2.0, 0.0], [2.0, 0.0], [3.0, 1.0]), Touch);
        assert_eq!(s([0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [3.0, 0.0]), Overlap);
        assert_eq!(s([0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0]), Disjoint);
        assert_eq!(s([0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]), Disjoint);
    }

    #[test]
    fn point_location_and_area() {
        assert_eq!(locate([1.0, 1.0], &SQUARE), Location::Inside);
        assert_eq!(locate([2.0, 1.0], &SQUARE), Location::Boundary);
        assert_eq!(locate([3.0, 1.0], &SQUARE), Location::Outside);
        assert_eq!(signed_area(&SQUARE), 4.0);
    }
}
