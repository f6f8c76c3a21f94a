//! How valid closed shells relate to each other: interiors overlapping, containment,
//! duplicates and shared faces, for the solid (401-404), CompositeSolid (501-503) and
//! BuildingPart (601) checks.

use urbis_geom::triangle::Triangle;
use urbis_geom::vector::{cross, dot, sub, Vec3};
use urbis_geom::{triangle_normal, triangles_intersect};

/// A valid closed shell as triangles, with its bounding box and its faces' vertex-id sets.
#[derive(Debug, Clone)]
pub struct Mesh {
    /// The triangles, facing outwards for an exterior shell.
    pub triangles: Vec<Triangle>,
    /// Lower corner of the bounding box.
    pub lo: Vec3,
    /// Upper corner of the bounding box.
    pub hi: Vec3,
    /// Each face's sorted, de-duplicated vertex coordinates (bit patterns), to find duplicates.
    pub faces: Vec<Vec<[u64; 3]>>,
}

impl Mesh {
    /// A mesh from triangles and face vertex lists.
    pub fn new(triangles: Vec<Triangle>, face_points: Vec<Vec<Vec3>>) -> Mesh {
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        for t in &triangles {
            for p in t {
                for k in 0..3 {
                    lo[k] = lo[k].min(p[k]);
                    hi[k] = hi[k].max(p[k]);
                }
            }
        }
        let mut faces: Vec<Vec<[u64; 3]>> = face_points
            .into_iter()
            .map(|f| {
                let mut v: Vec<[u64; 3]> = f.iter().map(|p| p.map(f64::to_bits)).collect();
                v.sort_unstable();
                v.dedup();
                v
            })
            .collect();
        faces.sort_unstable();
        Mesh {
            triangles,
            lo,
            hi,
            faces,
        }
    }

    /// Whether the bounding boxes of two meshes, grown by `margin`, meet.
    pub fn boxes_meet(&self, other: &Mesh, margin: f64) -> bool {
        (0..3).all(|k| self.lo[k] <= other.hi[k] + margin && other.lo[k] <= self.hi[k] + margin)
    }

    /// Whether two meshes have the same faces.
    pub fn same_as(&self, other: &Mesh) -> bool {
        self.faces == other.faces
    }

    fn vertices(&self) -> impl Iterator<Item = Vec3> + '_ {
        self.triangles.iter().flat_map(|t| t.iter().copied())
    }
}

/// Where a point is relative to a closed mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Strictly inside, farther than the surface tolerance from it.
    Inside,
    /// On the surface (within the tolerance).
    Surface,
    /// Strictly outside.
    Outside,
}

/// The distance from `p` to triangle `t`.
pub fn point_triangle_distance(p: Vec3, t: &Triangle) -> f64 {
    let closest = closest_on_triangle(p, t);
    urbis_geom::vector::distance(p, closest)
}

fn closest_on_triangle(p: Vec3, t: &Triangle) -> Vec3 {
    let (a, b, c) = (t[0], t[1], t[2]);
    let ab = sub(b, a);
    let ac = sub(c, a);
    let ap = sub(p, a);
    let d1 = dot(ab, ap);
    let d2 = dot(ac, ap);
    if d1 <= 0.0 && d2 <= 0.0 {
        return a;
    }
    let bp = sub(p, b);
    let d3 = dot(ab, bp);
    let d4 = dot(ac, bp);
    if d3 >= 0.0 && d4 <= d3 {
        return b;
    }
    let vc = d1 * d4 - d3 * d2;
    if vc <= 0.0 && d1 >= 0.0 && d3 <= 0.0 {
        let v = d1 / (d1 - d3);
        return [a[0] + v * ab[0], a[1] + v * ab[1], a[2] + v * ab[2]];
    }
    let cp = sub(p, c);
    let d5 = dot(ab, cp);
    let d6 = dot(ac, cp);
    if d6 >= 0.0 && d5 <= d6 {
        return c;
    }
    let vb = d5 * d2 - d1 * d6;
    if vb <= 0.0 && d2 >= 0.0 && d6 <= 0.0 {
        let w = d2 / (d2 - d6);
        return [a[0] + w * ac[0], a[1] + w * ac[1], a[2] + w * ac[2]];
    }
    let va = d3 * d6 - d5 * d4;
    if va <= 0.0 && (d4 - d3) >= 0.0 && (d5 - d6) >= 0.0 {
        let w = (d4 - d3) / ((d4 - d3) + (d5 - d6));
        return [
            b[0] + w * (c[0] - b[0]),
            b[1] + w * (c[1] - b[1]),
            b[2] + w * (c[2] - b[2]),
        ];
    }
    let denom = 1.0 / (va + vb + vc);
    let v = vb * denom;
    let w = vc * denom;
    [
        a[0] + ab[0] * v + ac[0] * w,
        a[1] + ab[1] * v + ac[1] * w,
        a[2] + ab[2] * v + ac[2] * w,
    ]
}

/// The distance from `p` to the surface of `mesh`.
pub fn surface_distance(p: Vec3, mesh: &Mesh) -> f64 {
    mesh.triangles
        .iter()
        .map(|t| point_triangle_distance(p, t))
        .fold(f64::INFINITY, f64::min)
}

/// Where `p` is relative to `mesh`: on the surface when within `eps` of it, else by ray
/// parity (a ray grazing an edge is retried in another direction).
pub fn locate_in(p: Vec3, mesh: &Mesh, eps: f64) -> Where {
    if surface_distance(p, mesh) <= eps {
        return Where::Surface;
    }
    // Directions unlikely to graze the edges of axis-aligned building geometry.
    const DIRECTIONS: [Vec3; 4] = [
        [0.577, 0.5774, 0.5771],
        [-0.267, 0.534, 0.801],
        [0.7, -0.1, 0.71],
        [-0.408, -0.816, 0.409],
    ];
    'direction: for d in DIRECTIONS {
        let mut crossings = 0usize;
        for t in &mesh.triangles {
            match ray_hits(p, d, t) {
                Some(true) => crossings += 1,
                Some(false) => {}
                None => continue 'direction,
            }
        }
        return if crossings % 2 == 1 {
            Where::Inside
        } else {
            Where::Outside
        };
    }
    Where::Outside
}

/// Whether the ray from `o` along `d` crosses triangle `t`; `None` when it grazes an edge or
/// lies in the triangle's plane (ambiguous).
fn ray_hits(o: Vec3, d: Vec3, t: &Triangle) -> Option<bool> {
    let e1 = sub(t[1], t[0]);
    let e2 = sub(t[2], t[0]);
    let h = cross(d, e2);
    let a = dot(e1, h);
    let scale = dot(e1, e1).sqrt() * dot(e2, e2).sqrt();
    if a.abs() <= 1e-12 * scale {
        return Some(false);
    }
    let f = 1.0 / a;
    let s = sub(o, t[0]);
    let u = f * dot(s, h);
    let q = cross(s, e1);
    let v = f * dot(d, q);
    let tt = f * dot(e2, q);
    let eps = 1e-9;
    if u < -eps || v < -eps || u + v > 1.0 + eps || tt <= 0.0 {
        return Some(false);
    }
    if u < eps || v < eps || u + v > 1.0 - eps {
        return None;
    }
    Some(true)
}

/// A triangle pulled towards its centroid by a small fraction, so that contact along shared
/// edges and corners disappears and only real crossings remain.
fn shrink(t: &Triangle) -> Triangle {
    let c = [0, 1, 2].map(|k| (t[0][k] + t[1][k] + t[2][k]) / 3.0);
    let f = 1e-6;
    t.map(|p| [0, 1, 2].map(|k| p[k] + (c[k] - p[k]) * f))
}

/// How the surfaces of two closed meshes meet, triangle by triangle.
#[derive(Debug, Default, Clone, Copy)]
pub struct Contact {
    /// Some pair of triangles crosses (not coplanar, meeting inside both).
    pub crossing: bool,
    /// Some coplanar pair overlaps in area with the same facing (one interior over the other).
    pub same_side_overlap: bool,
    /// Some coplanar pair overlaps in area facing opposite ways (the solids share a face).
    pub shared_face: bool,
    /// The surfaces meet at all.
    pub touching: bool,
}

/// Compares the triangles of two meshes.
pub fn contact(a: &Mesh, b: &Mesh) -> Contact {
    let mut c = Contact::default();
    if !a.boxes_meet(b, 0.0) {
        return c;
    }
    for ta in &a.triangles {
        for tb in &b.triangles {
            if !tri_boxes_meet(ta, tb) || !triangles_intersect(ta, tb) {
                continue;
            }
            c.touching = true;
            let (na, nb) = (triangle_normal(ta), triangle_normal(tb));
            let parallel = urbis_geom::vector::norm(cross(na, nb))
                <= 1e-9 * urbis_geom::vector::norm(na) * urbis_geom::vector::norm(nb);
            let coplanar = parallel && {
                let d = dot(sub(tb[0], ta[0]), na).abs();
                d <= 1e-9 * urbis_geom::vector::norm(na).sqrt().max(1.0)
            };
            if triangles_intersect(&shrink(ta), &shrink(tb)) {
                if coplanar {
                    if dot(na, nb) > 0.0 {
                        c.same_side_overlap = true;
                    } else {
                        c.shared_face = true;
                    }
                } else {
                    c.crossing = true;
                }
            }
        }
    }
    c
}

fn tri_boxes_meet(a: &Triangle, b: &Triangle) -> bool {
    (0..3).all(|k| {
        let (alo, ahi) = (
            a[0][k].min(a[1][k]).min(a[2][k]),
            a[0][k].max(a[1][k]).max(a[2][k]),
        );
        let (blo, bhi) = (
            b[0][k].min(b[1][k]).min(b[2][k]),
            b[0][k].max(b[1][k]).max(b[2][k]),
        );
        alo <= bhi && blo <= ahi
    })
}

/// How deep the vertices of one mesh reach into the other (0 when none is inside).
fn penetration(a: &Mesh, b: &Mesh, eps: f64) -> f64 {
    let mut depth: f64 = 0.0;
    for p in a.vertices() {
        if (0..3).any(|k| p[k] < b.lo[k] || p[k] > b.hi[k]) {
            continue;
        }
        if locate_in(p, b, eps) == Where::Inside {
            depth = depth.max(surface_distance(p, b));
        }
    }
    depth
}

/// Whether the interiors of two exterior shells overlap by more than `tol` (a negative or
/// zero `tol` reports any overlap). Touching faces, edges and corners are not overlaps.
pub fn interiors_overlap(a: &Mesh, b: &Mesh, tol: f64) -> bool {
    let margin = tol.max(0.0);
    if !a.boxes_meet(b, 0.0) {
        return false;
    }
    let eps = 1e-9
        * (1.0
            + a.hi
                .iter()
                .chain(b.hi.iter())
                .fold(0.0f64, |m, x| m.max(x.abs())));
    let depth = penetration(a, b, eps).max(penetration(b, a, eps));
    if tol > 0.0 {
        return depth > margin;
    }
    if depth > 0.0 {
        return true;
    }
    let c = contact(a, b);
    c.crossing || c.same_side_overlap || (!c.touching && inside_without_vertices(a, b, eps))
}

/// Containment without a strictly inside vertex: every vertex of one on the other's surface
/// (e.g. the same box twice). Tested with the centroid of a triangle.
fn inside_without_vertices(a: &Mesh, b: &Mesh, eps: f64) -> bool {
    let probe = |m: &Mesh, other: &Mesh| {
        m.triangles.first().is_some_and(|t| {
            let c = [0, 1, 2].map(|k| (t[0][k] + t[1][k] + t[2][k]) / 3.0);
            locate_in(c, other, eps) == Where::Inside
        })
    };
    probe(a, b) || probe(b, a)
}
