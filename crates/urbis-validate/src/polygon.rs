//! Polygon validation (codes 101-104 and 201-208): rings are checked in 3D for their points,
//! then projected on the polygon's least-squares plane and checked in 2D with exact
//! orientation tests, then triangulated for the normals-deviation test.

use crate::codes::{Code, Issue};
use crate::options::Options;
use crate::unionfind::UnionFind;
use urbis_geom::ring2d::{locate, segment_contact, signed_area, Location, SegmentContact};
use urbis_geom::vector::{angle_degrees, Vec3};
use urbis_geom::{triangle_normal, triangulate, Plane, Projection};

/// The outcome of validating one polygon.
#[derive(Debug, Default)]
pub struct CheckedPolygon {
    /// What is wrong (empty when valid).
    pub issues: Vec<Issue>,
    /// The polygon's triangles as snapped vertex ids, oriented like its exterior ring (only
    /// when valid).
    pub triangles: Vec<[u32; 3]>,
}

/// Validates a polygon given as rings of snapped vertex ids (open rings; the first is the
/// exterior) over the snapped `points`.
pub fn check_polygon(points: &[Vec3], rings: &[Vec<u32>], opts: &Options) -> CheckedPolygon {
    let mut out = CheckedPolygon::default();
    // Ring level: 101 and 102.
    for (r, ring) in rings.iter().enumerate() {
        if ring.len() < 3 {
            out.issues.push(Issue::new(
                Code::TOO_FEW_POINTS,
                format!("ring {r} has {} points", ring.len()),
            ));
            continue;
        }
        let n = ring.len();
        if let Some(i) = (0..n).find(|&i| ring[i] == ring[(i + 1) % n]) {
            out.issues.push(Issue::new(
                Code::CONSECUTIVE_POINTS_SAME,
                format!("ring {r}: points {i} and {} are the same", (i + 1) % n),
            ));
        }
    }
    if !out.issues.is_empty() {
        return out;
    }
    // 203: distance of every point to the least-squares plane.
    let all: Vec<Vec3> = rings
        .iter()
        .flatten()
        .map(|&i| points[i as usize])
        .collect();
    let Some(plane) = Plane::fit(&all) else {
        out.issues.push(Issue::new(
            Code::RING_SELF_INTERSECTION,
            "the polygon's points are collinear (collapsed to a line)",
        ));
        return out;
    };
    let worst = all
        .iter()
        .map(|&p| plane.signed_distance(p).abs())
        .fold(0.0, f64::max);
    if worst > opts.planarity_d2p {
        out.issues.push(Issue::new(
            Code::NON_PLANAR_POLYGON_DISTANCE_PLANE,
            format!("a point is {worst:.6} from the fitted plane"),
        ));
        return out;
    }
    // 2D checks on the projection.
    let projection = Projection::new(&plane);
    let flat: Vec<Vec<[f64; 2]>> = rings
        .iter()
        .map(|ring| {
            ring.iter()
                .map(|&i| projection.to_2d(points[i as usize]))
                .collect()
        })
        .collect();
    if let Some(issue) = check_2d(rings, &flat) {
        out.issues.push(issue);
        return out;
    }
    // 204: normals of the triangles.
    let triangles = triangulate(&flat);
    let ids: Vec<u32> = rings.iter().flatten().copied().collect();
    let triangles: Vec<[u32; 3]> = triangles
        .iter()
        .map(|t| t.map(|k| ids[k as usize]))
        .collect();
    let normals: Vec<Vec3> = triangles
        .iter()
        .map(|t| triangle_normal(&t.map(|i| points[i as usize])))
        .filter(|n| {
            // Triangles of (numerically) no area have no meaningful normal.
            let len = urbis_geom::vector::norm(*n);
            len > 1e-12
        })
        .collect();
    // Each triangle's normal against the polygon's fitted normal.
    let deviation = normals
        .iter()
        .map(|n| angle_degrees(*n, plane.normal))
        .fold(0.0, f64::max);
    if deviation > opts.planarity_n {
        out.issues.push(Issue::new(
            Code::NON_PLANAR_POLYGON_NORMALS_DEVIATION,
            format!("triangle normals deviate by {deviation:.3} degrees"),
        ));
        return out;
    }
    out.triangles = triangles;
    out
}

/// The 2D checks of the projected rings: 104, 202, 201, 205, 206, 207, 208 (the first found).
fn check_2d(rings: &[Vec<u32>], flat: &[Vec<[f64; 2]>]) -> Option<Issue> {
    // 104: each ring simple.
    for (r, ring) in flat.iter().enumerate() {
        if let Some(info) = self_intersection(ring) {
            return Some(Issue::new(
                Code::RING_SELF_INTERSECTION,
                format!("ring {r}: {info}"),
            ));
        }
        if signed_area(ring) == 0.0 {
            return Some(Issue::new(
                Code::RING_SELF_INTERSECTION,
                format!("ring {r} has no area"),
            ));
        }
    }
    // 202: two rings with the same points.
    let mut sorted: Vec<Vec<u32>> = rings
        .iter()
        .map(|r| {
            let mut s = r.clone();
            s.sort_unstable();
            s
        })
        .collect();
    for i in 0..sorted.len() {
        for j in i + 1..sorted.len() {
            if sorted[i] == sorted[j] {
                return Some(Issue::new(
                    Code::DUPLICATED_RINGS,
                    format!("rings {i} and {j} are the same"),
                ));
            }
        }
    }
    sorted.clear();
    // 201 and 205: how rings meet.
    let mut touches: Vec<(usize, usize, [u64; 2])> = Vec::new();
    for i in 0..flat.len() {
        for j in i + 1..flat.len() {
            let (a, b) = (&flat[i], &flat[j]);
            for p in 0..a.len() {
                let (p1, p2) = (a[p], a[(p + 1) % a.len()]);
                for q in 0..b.len() {
                    let (q1, q2) = (b[q], b[(q + 1) % b.len()]);
                    match segment_contact(p1, p2, q1, q2) {
                        SegmentContact::Disjoint => {}
                        SegmentContact::Cross | SegmentContact::Overlap => {
                            return Some(Issue::new(
                                Code::INTERSECTION_RINGS,
                                format!("rings {i} and {j} intersect"),
                            ))
                        }
                        SegmentContact::Touch => {
                            let point = touch_point(p1, p2, q1, q2);
                            touches.push((i, j, point.map(f64::to_bits)));
                        }
                    }
                }
            }
        }
    }
    touches.sort_unstable();
    touches.dedup();
    // Rings touching in a cycle (including two rings touching twice) cut the interior.
    let mut rings_joined = UnionFind::new(flat.len());
    for &(i, j, _) in &touches {
        if !rings_joined.union(i, j) {
            return Some(Issue::new(
                Code::POLYGON_INTERIOR_DISCONNECTED,
                format!("rings {i} and {j} touch so that the interior is cut"),
            ));
        }
    }
    // 206, 207: where interior rings are.
    for h in 1..flat.len() {
        if sample_location(&flat[h], &flat[0]) == Location::Outside {
            return Some(Issue::new(
                Code::INNER_RING_OUTSIDE,
                format!("interior ring {h} is outside the exterior ring"),
            ));
        }
    }
    for h in 1..flat.len() {
        for k in 1..flat.len() {
            if h != k && sample_location(&flat[h], &flat[k]) == Location::Inside {
                return Some(Issue::new(
                    Code::INNER_RINGS_NESTED,
                    format!("interior ring {h} is inside interior ring {k}"),
                ));
            }
        }
    }
    // 208: interior rings turn the other way.
    let outer = signed_area(&flat[0]) > 0.0;
    for (h, ring) in flat.iter().enumerate().skip(1) {
        if (signed_area(ring) > 0.0) == outer {
            return Some(Issue::new(
                Code::ORIENTATION_RINGS_SAME,
                format!("interior ring {h} has the exterior ring's orientation"),
            ));
        }
    }
    None
}

/// The location relative to `ring` of a point of `sample` that is not on `ring`'s boundary
/// (a vertex, or else an edge midpoint).
fn sample_location(sample: &[[f64; 2]], ring: &[[f64; 2]]) -> Location {
    for &p in sample {
        let l = locate(p, ring);
        if l != Location::Boundary {
            return l;
        }
    }
    for i in 0..sample.len() {
        let (a, b) = (sample[i], sample[(i + 1) % sample.len()]);
        let l = locate([(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0], ring);
        if l != Location::Boundary {
            return l;
        }
    }
    Location::Boundary
}

/// The common point of two touching segments (an endpoint of one lying on the other).
fn touch_point(p1: [f64; 2], p2: [f64; 2], q1: [f64; 2], q2: [f64; 2]) -> [f64; 2] {
    for (x, a, b) in [(p1, q1, q2), (p2, q1, q2), (q1, p1, p2), (q2, p1, p2)] {
        if segment_contact(x, x, a, b) != SegmentContact::Disjoint {
            return x;
        }
    }
    p1
}

/// Why a closed ring is not simple, if it is not.
fn self_intersection(ring: &[[f64; 2]]) -> Option<String> {
    let n = ring.len();
    for i in 0..n {
        let (a1, a2) = (ring[i], ring[(i + 1) % n]);
        for j in i + 1..n {
            let (b1, b2) = (ring[j], ring[(j + 1) % n]);
            let adjacent = j == i + 1 || (i == 0 && j == n - 1);
            let contact = segment_contact(a1, a2, b1, b2);
            let bad = if adjacent {
                contact == SegmentContact::Overlap
            } else {
                contact != SegmentContact::Disjoint
            };
            if bad {
                return Some(format!("edges {i} and {j} intersect"));
            }
        }
    }
    None
}
