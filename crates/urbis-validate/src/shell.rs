//! Shell validation (codes 301-307): topology from the edges and vertex fans of the snapped
//! polygons, then orientation, then self-intersection of the triangulated polygons.

use crate::codes::{Code, Issue};
use crate::unionfind::UnionFind;
use rustc_hash::FxHashMap as HashMap;
use urbis_geom::vector::Vec3;
use urbis_geom::{triangles_fold_at_edge, triangles_intersect, triangles_overlap_at_vertex};

/// An undirected edge key and the direction it was used in.
fn key(a: u32, b: u32) -> ((u32, u32), bool) {
    if a < b {
        ((a, b), true)
    } else {
        ((b, a), false)
    }
}

/// The directed edges of a polygon's rings.
fn edges(rings: &[Vec<u32>]) -> impl Iterator<Item = (u32, u32)> + '_ {
    rings
        .iter()
        .flat_map(|r| (0..r.len()).map(move |i| (r[i], r[(i + 1) % r.len()])))
}

/// Validates a shell made of valid polygons (`faces`: rings of snapped vertex ids;
/// `triangles`: each face's triangulation). `closed` is true for the shells of solids (a
/// CompositeSurface need not be closed).
pub fn check_shell(
    points: &[Vec3],
    faces: &[Vec<Vec<u32>>],
    triangles: &[Vec<[u32; 3]>],
    closed: bool,
) -> Vec<Issue> {
    let mut issues = Vec::new();
    if closed && faces.len() < 4 {
        issues.push(Issue::new(
            Code::TOO_FEW_POLYGONS,
            format!("{} polygons", faces.len()),
        ));
        return issues;
    }
    // Edge uses: (face, forward).
    let mut uses: HashMap<(u32, u32), Vec<(usize, bool)>> = HashMap::default();
    for (f, rings) in faces.iter().enumerate() {
        for (a, b) in edges(rings) {
            let (k, forward) = key(a, b);
            uses.entry(k).or_default().push((f, forward));
        }
    }
    // Edges with more than two polygons: val3dity reports them as non-manifold (303).
    let mut crowded: Vec<(&(u32, u32), usize)> = uses
        .iter()
        .filter(|(_, u)| u.len() > 2)
        .map(|(k, u)| (k, u[0].0))
        .collect();
    crowded.sort_unstable();
    if let Some(&(&(a, b), f)) = crowded.first() {
        issues.push(
            Issue::new(
                Code::NON_MANIFOLD_VERTEX,
                format!(
                    "edge {a}-{b} has {} polygons ({} such edges)",
                    uses[&(a, b)].len(),
                    crowded.len()
                ),
            )
            .at_face(f),
        );
        return issues;
    }
    // 305: polygons connected through shared vertices.
    let mut by_vertex: HashMap<u32, usize> = HashMap::default();
    let mut components = UnionFind::new(faces.len());
    for (f, rings) in faces.iter().enumerate() {
        for &v in rings.iter().flatten() {
            match by_vertex.get(&v) {
                Some(&g) => {
                    components.union(f, g);
                }
                None => {
                    by_vertex.insert(v, f);
                }
            }
        }
    }
    let parts = components.count();
    if parts > 1 {
        issues.push(Issue::new(
            Code::MULTIPLE_CONNECTED_COMPONENTS,
            format!("{parts} components"),
        ));
        return issues;
    }
    // Vertex fans: the corners at a vertex, joined through the edges they share.
    let mut corners: HashMap<u32, Vec<(usize, u32, u32)>> = HashMap::default();
    for (f, rings) in faces.iter().enumerate() {
        for r in rings {
            let n = r.len();
            for i in 0..n {
                corners
                    .entry(r[i])
                    .or_default()
                    .push((f, r[(i + n - 1) % n], r[(i + 1) % n]));
            }
        }
    }
    let mut open_fans: Option<(u32, usize)> = None;
    let mut vertices: Vec<&u32> = corners.keys().collect();
    vertices.sort_unstable();
    for &v in vertices {
        let list = &corners[&v];
        let mut fans = UnionFind::new(list.len());
        let mut first_at: HashMap<u32, usize> = HashMap::default();
        for (c, &(_, prev, next)) in list.iter().enumerate() {
            for x in [prev, next] {
                match first_at.get(&x) {
                    Some(&d) => {
                        fans.union(c, d);
                    }
                    None => {
                        first_at.insert(x, c);
                    }
                }
            }
        }
        if fans.count() < 2 {
            continue;
        }
        // A fan is closed when each of its edges at v has two polygons.
        let any_closed = (0..list.len()).any(|c| {
            let root = fans.find(c);
            (0..list.len()).filter(|&d| fans.find(d) == root).all(|d| {
                let (_, p, n) = list[d];
                [p, n].iter().all(|&x| uses[&key(v, x).0].len() == 2)
            })
        });
        if any_closed {
            issues.push(
                Issue::new(
                    Code::NON_MANIFOLD_VERTEX,
                    format!("vertex {v} has several umbrellas of polygons"),
                )
                .at_face(list[0].0),
            );
            return issues;
        }
        open_fans.get_or_insert((v, list[0].0));
    }
    // 307: neighbours must use their common edge in opposite directions.
    let mut flipped: Vec<usize> = uses
        .values()
        .filter(|u| u.len() == 2 && u[0].1 == u[1].1 && u[0].0 != u[1].0)
        .map(|u| u[0].0.max(u[1].0))
        .collect();
    flipped.sort_unstable();
    flipped.dedup();
    for f in flipped {
        issues.push(
            Issue::new(
                Code::POLYGON_WRONG_ORIENTATION,
                "an edge is used in the same direction by this polygon and a neighbour",
            )
            .at_face(f),
        );
    }
    if !issues.is_empty() {
        return issues;
    }
    // 302: an edge with a single polygon.
    if closed {
        let mut holes: Vec<(&(u32, u32), usize)> = uses
            .iter()
            .filter(|(_, u)| u.len() == 1)
            .map(|(k, u)| (k, u[0].0))
            .collect();
        holes.sort_unstable();
        if let Some(&(&(a, b), f)) = holes.first() {
            issues.push(
                Issue::new(
                    Code::SHELL_NOT_CLOSED,
                    format!(
                        "edge {a}-{b} has only one polygon ({} such edges)",
                        holes.len()
                    ),
                )
                .at_face(f),
            );
            return issues;
        }
    }
    if let Some((v, f)) = open_fans {
        issues.push(
            Issue::new(
                Code::NON_MANIFOLD_VERTEX,
                format!("vertex {v} has several fans of polygons"),
            )
            .at_face(f),
        );
        return issues;
    }
    if let Some((fa, fb)) = self_intersection(points, triangles) {
        issues.push(
            Issue::new(
                Code::SHELL_SELF_INTERSECTION,
                format!("polygons {fa} and {fb} intersect"),
            )
            .at_face(fa),
        );
    }
    issues
}

/// A pair of polygons whose triangles intersect other than along what they share.
fn self_intersection(points: &[Vec3], triangles: &[Vec<[u32; 3]>]) -> Option<(usize, usize)> {
    struct Tri {
        face: usize,
        ids: [u32; 3],
        lo: Vec3,
        hi: Vec3,
    }
    let mut all: Vec<Tri> = Vec::new();
    for (f, tris) in triangles.iter().enumerate() {
        for t in tris {
            let p = t.map(|i| points[i as usize]);
            let lo = [0, 1, 2].map(|k| p[0][k].min(p[1][k]).min(p[2][k]));
            let hi = [0, 1, 2].map(|k| p[0][k].max(p[1][k]).max(p[2][k]));
            all.push(Tri {
                face: f,
                ids: *t,
                lo,
                hi,
            });
        }
    }
    all.sort_by(|a, b| a.lo[0].total_cmp(&b.lo[0]));
    for i in 0..all.len() {
        let a = &all[i];
        for b in all[i + 1..].iter() {
            if b.lo[0] > a.hi[0] {
                break;
            }
            if a.face == b.face || (0..3).any(|k| b.lo[k] > a.hi[k] || a.lo[k] > b.hi[k]) {
                continue;
            }
            if triangles_clash(points, a.ids, b.ids) {
                return Some((a.face.min(b.face), a.face.max(b.face)));
            }
        }
    }
    None
}

/// Whether two triangles of different polygons meet other than at what they share.
pub(crate) fn triangles_clash(points: &[Vec3], a: [u32; 3], b: [u32; 3]) -> bool {
    let pa = a.map(|i| points[i as usize]);
    let pb = b.map(|i| points[i as usize]);
    let shared: Vec<(usize, usize)> = (0..3)
        .flat_map(|i| (0..3).map(move |j| (i, j)))
        .filter(|&(i, j)| a[i] == b[j])
        .collect();
    match shared.len() {
        0 => triangles_intersect(&pa, &pb),
        1 => triangles_overlap_at_vertex(&pa, shared[0].0, &pb, shared[0].1),
        2 => {
            let third_a = (0..3)
                .find(|&i| shared.iter().all(|s| s.0 != i))
                .unwrap_or(0);
            let third_b = (0..3)
                .find(|&j| shared.iter().all(|s| s.1 != j))
                .unwrap_or(0);
            triangles_fold_at_edge(pa[shared[0].0], pa[shared[1].0], pa[third_a], pb[third_b])
        }
        _ => false,
    }
}
