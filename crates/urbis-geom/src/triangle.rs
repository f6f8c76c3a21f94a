//! Intersection tests between 3D triangles, with robust orientation predicates, for shell
//! self-intersection and solid-solid interaction checks.

use crate::ring2d::{orient, segment_contact, SegmentContact};
use crate::vector::{cross, dot, sub, Vec3};
use robust::{orient3d, Coord3D};

/// A triangle's three corners.
pub type Triangle = [Vec3; 3];

fn c3(p: Vec3) -> Coord3D<f64> {
    Coord3D {
        x: p[0],
        y: p[1],
        z: p[2],
    }
}

/// The side of `p` relative to the plane through `t` (exact sign: -1, 0 or 1).
fn side(t: &Triangle, p: Vec3) -> i8 {
    let o = orient3d(c3(t[0]), c3(t[1]), c3(t[2]), c3(p));
    if o > 0.0 {
        1
    } else if o < 0.0 {
        -1
    } else {
        0
    }
}

/// The triangle's (unnormalised) normal.
pub fn triangle_normal(t: &Triangle) -> Vec3 {
    cross(sub(t[1], t[0]), sub(t[2], t[0]))
}

/// The two coordinate axes kept when projecting a plane with normal `n` to 2D.
fn drop_axis(n: Vec3) -> (usize, usize) {
    let a = [n[0].abs(), n[1].abs(), n[2].abs()];
    if a[0] >= a[1] && a[0] >= a[2] {
        (1, 2)
    } else if a[1] >= a[2] {
        (2, 0)
    } else {
        (0, 1)
    }
}

fn flat(p: Vec3, axes: (usize, usize)) -> [f64; 2] {
    [p[axes.0], p[axes.1]]
}

/// Whether two coplanar triangles share any point (2D test on the dominant plane).
fn coplanar_intersect(a: &Triangle, b: &Triangle) -> bool {
    let axes = drop_axis(triangle_normal(a));
    let fa: Vec<[f64; 2]> = a.iter().map(|&p| flat(p, axes)).collect();
    let fb: Vec<[f64; 2]> = b.iter().map(|&p| flat(p, axes)).collect();
    for i in 0..3 {
        for j in 0..3 {
            if segment_contact(fa[i], fa[(i + 1) % 3], fb[j], fb[(j + 1) % 3])
                != SegmentContact::Disjoint
            {
                return true;
            }
        }
    }
    inside_2d(fa[0], &fb) || inside_2d(fb[0], &fa)
}

/// Whether `p` is inside or on the 2D triangle `t`.
fn inside_2d(p: [f64; 2], t: &[[f64; 2]]) -> bool {
    let o: Vec<f64> = (0..3).map(|i| orient(t[i], t[(i + 1) % 3], p)).collect();
    o.iter().all(|&x| x >= 0.0) || o.iter().all(|&x| x <= 0.0)
}

/// The interval of `t` on the line of direction `d` where it crosses the plane that the
/// signed distances `s` are taken from.
fn interval(t: &Triangle, s: [f64; 3], d: Vec3) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    let mut add = |p: Vec3| {
        let x = dot(p, d);
        lo = lo.min(x);
        hi = hi.max(x);
    };
    for i in 0..3 {
        let j = (i + 1) % 3;
        if s[i] == 0.0 {
            add(t[i]);
        }
        if (s[i] > 0.0 && s[j] < 0.0) || (s[i] < 0.0 && s[j] > 0.0) {
            let f = s[i] / (s[i] - s[j]);
            add([
                t[i][0] + f * (t[j][0] - t[i][0]),
                t[i][1] + f * (t[j][1] - t[i][1]),
                t[i][2] + f * (t[j][2] - t[i][2]),
            ]);
        }
    }
    (lo, hi)
}

/// Whether two closed triangles share at least one point.
///
/// ```
/// use urbis_geom::triangles_intersect;
/// let a = [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0], [0.0, 2.0, 0.0]];
/// let b = [[0.5, 0.5, -1.0], [0.5, 0.5, 1.0], [1.5, 1.5, 1.0]];
/// assert!(triangles_intersect(&a, &b));
/// let c = [[0.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, 2.0, 1.0]];
/// assert!(!triangles_intersect(&a, &c));
/// ```
pub fn triangles_intersect(a: &Triangle, b: &Triangle) -> bool {
    let sb = [side(a, b[0]), side(a, b[1]), side(a, b[2])];
    if sb.iter().all(|&x| x > 0) || sb.iter().all(|&x| x < 0) {
        return false;
    }
    let sa = [side(b, a[0]), side(b, a[1]), side(b, a[2])];
    if sa.iter().all(|&x| x > 0) || sa.iter().all(|&x| x < 0) {
        return false;
    }
    if sa.iter().all(|&x| x == 0) || sb.iter().all(|&x| x == 0) {
        return coplanar_intersect(a, b);
    }
    let na = triangle_normal(a);
    let nb = triangle_normal(b);
    let d = cross(na, nb);
    let da = [0, 1, 2].map(|i| dot(sub(a[i], b[0]), nb) * f64::from(sa[i]).abs());
    let db = [0, 1, 2].map(|i| dot(sub(b[i], a[0]), na) * f64::from(sb[i]).abs());
    let (a0, a1) = interval(a, da, d);
    let (b0, b1) = interval(b, db, d);
    a0.max(b0) <= a1.min(b1)
}

/// Whether `d` points into the closed angle at `v` spanned by `p` and `q` (all in the plane
/// with normal `n`), with a relative tolerance that keeps boundary directions outside.
fn in_cone(v: Vec3, p: Vec3, q: Vec3, n: Vec3, d: Vec3) -> bool {
    let e1 = sub(p, v);
    let e2 = sub(q, v);
    let scale = (dot(e1, e1) * dot(d, d))
        .sqrt()
        .max((dot(e2, e2) * dot(d, d)).sqrt())
        * dot(n, n).sqrt();
    let eps = scale * 1e-9;
    dot(cross(e1, d), n) > eps && dot(cross(d, e2), n) > eps
}

/// Whether triangles `a` and `b`, which share exactly the corner `a[ia] == b[ib]`, meet
/// anywhere else.
pub fn triangles_overlap_at_vertex(a: &Triangle, ia: usize, b: &Triangle, ib: usize) -> bool {
    let v = a[ia];
    let (ap, aq) = (a[(ia + 1) % 3], a[(ia + 2) % 3]);
    let (bp, bq) = (b[(ib + 1) % 3], b[(ib + 2) % 3]);
    let na = triangle_normal(a);
    let nb = triangle_normal(b);
    let coplanar = side(a, bp) == 0 && side(a, bq) == 0;
    if coplanar {
        // Both angles at v in one plane: they overlap when a side of one enters the other.
        let n = na;
        let nb_aligned = if dot(na, nb) >= 0.0 {
            (bp, bq)
        } else {
            (bq, bp)
        };
        let (bp, bq) = nb_aligned;
        return in_cone(v, ap, aq, n, sub(bp, v))
            || in_cone(v, ap, aq, n, sub(bq, v))
            || in_cone(v, bp, bq, n, sub(ap, v))
            || in_cone(v, bp, bq, n, sub(aq, v))
            || (in_cone(
                v,
                ap,
                aq,
                n,
                sub(crate::vector::add(bp, bq), crate::vector::scale(v, 2.0)),
            ) && in_cone(
                v,
                bp,
                bq,
                n,
                sub(crate::vector::add(ap, aq), crate::vector::scale(v, 2.0)),
            ));
    }
    // Otherwise the intersection lies on the line of the two planes through v.
    let d = cross(na, nb);
    let minus = [-d[0], -d[1], -d[2]];
    [d, minus]
        .iter()
        .any(|&dir| in_cone(v, ap, aq, na, dir) && in_cone(v, bp, bq, nb, dir))
}

/// Whether triangles `a` and `b`, which share the edge `a[i]-a[i+1]` (in either direction in
/// `b`) and whose third corners are `a3` and `b3`, overlap: only when they are coplanar and
/// fold onto the same side of the edge.
pub fn triangles_fold_at_edge(p: Vec3, q: Vec3, a3: Vec3, b3: Vec3) -> bool {
    let t = [p, q, a3];
    if side(&t, b3) != 0 {
        return false;
    }
    let axes = drop_axis(triangle_normal(&t));
    let (p2, q2) = (flat(p, axes), flat(q, axes));
    let sa = orient(p2, q2, flat(a3, axes));
    let sb = orient(p2, q2, flat(b3, axes));
    (sa > 0.0 && sb > 0.0) || (sa < 0.0 && sb < 0.0)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn shared_vertex_cases() {
        let a = [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]];
        // Standing on the corner, outside a's angle: touches only at the corner.
        let b = [[0.0, 0.0, 0.0], [-1.0, 0.0, 1.0], [0.0, -1.0, 1.0]];
        assert!(!triangles_overlap_at_vertex(&a, 0, &b, 0));
        // Piercing through a from its corner.
        let c = [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0], [1.0, 1.0, -1.0]];
        assert!(triangles_overlap_at_vertex(&a, 0, &c, 0));
        // Coplanar, folded over a.
        let d = [[0.0, 0.0, 0.0], [0.5, 0.1, 0.0], [2.0, 2.0, 0.0]];
        assert!(triangles_overlap_at_vertex(&a, 0, &d, 0));
        // Coplanar, beside a.
        let e = [[0.0, 0.0, 0.0], [0.0, -1.0, 0.0], [1.0, -1.0, 0.0]];
        assert!(!triangles_overlap_at_vertex(&a, 0, &e, 0));
    }

    #[test]
    fn folds() {
        let (p, q) = ([0.0, 0.0, 0.0], [1.0, 0.0, 0.0]);
        assert!(triangles_fold_at_edge(
            p,
            q,
            [0.0, 1.0, 0.0],
            [0.5, 2.0, 0.0]
        ));
        assert!(!triangles_fold_at_edge(
            p,
            q,
            [0.0, 1.0, 0.0],
            [0.5, -2.0, 0.0]
        ));
        assert!(!triangles_fold_at_edge(
            p,
            q,
            [0.0, 1.0, 0.0],
            [0.5, 0.0, 1.0]
        ));
    }
}
