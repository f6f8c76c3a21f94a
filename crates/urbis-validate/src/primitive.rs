//! Validation of whole primitives, level by level as val3dity does: all polygons, then the
//! shells if the polygons are valid, then the solid, then the solids of a CompositeSolid.

use crate::codes::{Code, Issue};
use crate::interact::{contact, interiors_overlap, locate_in, Mesh, Where};
use crate::options::Options;
use crate::polygon::check_polygon;
use crate::shell::check_shell;
use crate::snap::{snap, Snapped};
use crate::unionfind::UnionFind;
use urbis_geom::signed_volume;
use urbis_geom::triangle::Triangle;
use urbis_geom::vector::Vec3;

/// A polygon: rings of vertex indices (open rings; the first is the exterior).
pub type Face = Vec<Vec<u32>>;
/// The polygons of a shell or surface.
pub type Faces = Vec<Face>;

/// A geometric primitive to validate, over a vertex pool.
#[derive(Debug, Clone)]
pub enum Primitive {
    /// Polygons validated one by one.
    MultiSurface(Faces),
    /// Polygons forming one 2-manifold surface (not necessarily closed).
    CompositeSurface(Faces),
    /// Shells: the exterior, then interior shells.
    Solid(Vec<Faces>),
    /// Solids validated one by one.
    MultiSolid(Vec<Vec<Faces>>),
    /// Solids whose interiors must not overlap and which must be connected.
    CompositeSolid(Vec<Vec<Faces>>),
}

/// The outcome of validating a primitive.
#[derive(Debug, Default)]
pub struct Checked {
    /// What is wrong (empty when valid).
    pub issues: Vec<Issue>,
    /// The exterior shells of the valid solids, for checks between primitives (601).
    pub solids: Vec<Mesh>,
}

/// Validates `primitive` over `points` (coordinates near the origin are best: subtract a
/// nearby point from large real-world coordinates first).
pub fn validate_primitive(points: &[Vec3], primitive: &Primitive, opts: &Options) -> Checked {
    let mut out = Checked::default();
    let bad_index = |faces: &Faces| {
        faces
            .iter()
            .flatten()
            .flatten()
            .any(|&i| i as usize >= points.len())
    };
    let empty = match primitive {
        Primitive::MultiSurface(f) | Primitive::CompositeSurface(f) => f.is_empty(),
        Primitive::Solid(s) => s.is_empty() || s.iter().any(Vec::is_empty),
        Primitive::MultiSolid(s) | Primitive::CompositeSolid(s) => {
            s.is_empty()
                || s.iter()
                    .any(|x| x.is_empty() || x.iter().any(Vec::is_empty))
        }
    };
    if empty {
        out.issues.push(Issue::new(
            Code::EMPTY_PRIMITIVE,
            "the primitive has no polygons",
        ));
        return out;
    }
    let any_bad = match primitive {
        Primitive::MultiSurface(f) | Primitive::CompositeSurface(f) => bad_index(f),
        Primitive::Solid(s) => s.iter().any(bad_index),
        Primitive::MultiSolid(s) | Primitive::CompositeSolid(s) => {
            s.iter().flatten().any(bad_index)
        }
    };
    if any_bad {
        out.issues.push(Issue::new(
            Code::INVALID_INPUT_FILE,
            "a vertex index is out of range",
        ));
        return out;
    }
    let snapped = snap_used(points, primitive, opts.snap_tol);
    match primitive {
        Primitive::MultiSurface(faces) => {
            for (f, face) in faces.iter().enumerate() {
                let rings = snapped_rings(&snapped, face);
                for issue in check_polygon(&snapped.points, &rings, opts).issues {
                    out.issues.push(issue.at_face(f));
                }
            }
        }
        Primitive::CompositeSurface(faces) => {
            if let Err(issues) = check_surface(&snapped, faces, false, opts) {
                out.issues = issues;
            }
        }
        Primitive::Solid(shells) => match check_solid(&snapped, shells, opts) {
            Ok(mesh) => out.solids.push(mesh),
            Err(issues) => out.issues = issues,
        },
        Primitive::MultiSolid(solids) | Primitive::CompositeSolid(solids) => {
            let mut meshes = Vec::new();
            for (s, shells) in solids.iter().enumerate() {
                match check_solid(&snapped, shells, opts) {
                    Ok(mesh) => meshes.push(mesh),
                    Err(issues) => out.issues.extend(issues.into_iter().map(|mut i| {
                        i.solid = Some(s);
                        i
                    })),
                }
            }
            if out.issues.is_empty() {
                if matches!(primitive, Primitive::CompositeSolid(_)) {
                    out.issues = check_composite(&meshes, opts);
                }
                if out.issues.is_empty() {
                    out.solids = meshes;
                }
            }
        }
    }
    out
}

/// Snaps only the vertices the primitive uses (a feature's pool holds those of all its
/// geometries); unused vertices map to `u32::MAX`.
fn snap_used(points: &[Vec3], primitive: &Primitive, tol: f64) -> Snapped {
    let faces: Vec<&Faces> = match primitive {
        Primitive::MultiSurface(f) | Primitive::CompositeSurface(f) => vec![f],
        Primitive::Solid(s) => s.iter().collect(),
        Primitive::MultiSolid(s) | Primitive::CompositeSolid(s) => s.iter().flatten().collect(),
    };
    let mut used: Vec<u32> = faces
        .into_iter()
        .flatten()
        .flatten()
        .flatten()
        .copied()
        .collect();
    used.sort_unstable();
    used.dedup();
    let subset: Vec<Vec3> = used.iter().map(|&i| points[i as usize]).collect();
    let local = snap(&subset, tol);
    let mut id = vec![u32::MAX; points.len()];
    for (k, &i) in used.iter().enumerate() {
        id[i as usize] = local.id[k];
    }
    Snapped {
        points: local.points,
        id,
    }
}

fn snapped_rings(snapped: &Snapped, face: &Face) -> Face {
    face.iter()
        .map(|r| r.iter().map(|&i| snapped.id[i as usize]).collect())
        .collect()
}

/// Polygons then shell; the shell's triangles when valid.
fn check_surface(
    snapped: &Snapped,
    faces: &Faces,
    closed: bool,
    opts: &Options,
) -> Result<Vec<Vec<[u32; 3]>>, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut triangles = Vec::with_capacity(faces.len());
    let rings: Vec<Face> = faces.iter().map(|f| snapped_rings(snapped, f)).collect();
    for (f, face) in rings.iter().enumerate() {
        let checked = check_polygon(&snapped.points, face, opts);
        issues.extend(checked.issues.into_iter().map(|i| i.at_face(f)));
        triangles.push(checked.triangles);
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let issues = check_shell(&snapped.points, &rings, &triangles, closed);
    if issues.is_empty() {
        Ok(triangles)
    } else {
        Err(issues)
    }
}

/// Polygons, shells, orientation and interior shells of one solid; its exterior mesh when
/// valid.
fn check_solid(snapped: &Snapped, shells: &[Faces], opts: &Options) -> Result<Mesh, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut meshes = Vec::new();
    for (s, faces) in shells.iter().enumerate() {
        match check_surface(snapped, faces, true, opts) {
            Ok(triangles) => meshes.push(mesh_of(snapped, faces, &triangles)),
            Err(found) => issues.extend(found.into_iter().map(|mut i| {
                i.shell = Some(s);
                i
            })),
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    // 405: the exterior faces outwards, interior shells inwards.
    for (s, mesh) in meshes.iter().enumerate() {
        let reference = mesh.triangles.first().map(|t| t[0]).unwrap_or([0.0; 3]);
        let volume = signed_volume(&mesh.triangles, reference);
        if (s == 0 && volume < 0.0) || (s > 0 && volume > 0.0) {
            let mut i = Issue::new(
                Code::WRONG_ORIENTATION_SHELL,
                format!("shell {s} has signed volume {volume:.6}"),
            );
            i.shell = Some(s);
            issues.push(i);
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    // Interior shells: not the same as another (402), not meeting another (401), inside
    // the exterior (403).
    for i in 0..meshes.len() {
        for j in i + 1..meshes.len() {
            let shell_issue = |code: Code, info: String| {
                let mut issue = Issue::new(code, info);
                issue.shell = Some(j);
                issue
            };
            if meshes[i].same_as(&meshes[j]) {
                issues.push(shell_issue(
                    Code::DUPLICATED_SHELLS,
                    format!("shells {i} and {j} are the same"),
                ));
                continue;
            }
            let c = contact(&meshes[i], &meshes[j]);
            if c.crossing || c.shared_face || c.same_side_overlap {
                issues.push(shell_issue(
                    Code::INTERSECTION_SHELLS,
                    format!("shells {i} and {j} intersect"),
                ));
                continue;
            }
            let eps = 1e-9;
            let sample = |m: &Mesh, other: &Mesh| {
                m.triangles
                    .iter()
                    .flat_map(|t| t.iter())
                    .map(|&p| locate_in(p, other, eps))
                    .find(|w| *w != Where::Surface)
            };
            if i == 0 && sample(&meshes[j], &meshes[0]) == Some(Where::Outside) {
                issues.push(shell_issue(
                    Code::INNER_SHELL_OUTSIDE,
                    format!("shell {j} is outside the exterior shell"),
                ));
            } else if i > 0
                && (sample(&meshes[j], &meshes[i]) == Some(Where::Inside)
                    || sample(&meshes[i], &meshes[j]) == Some(Where::Inside))
            {
                issues.push(shell_issue(
                    Code::INTERSECTION_SHELLS,
                    format!("shells {i} and {j} are nested"),
                ));
            }
        }
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    meshes
        .into_iter()
        .next()
        .ok_or_else(|| vec![Issue::new(Code::EMPTY_PRIMITIVE, "no shell")])
}

fn mesh_of(snapped: &Snapped, faces: &Faces, triangles: &[Vec<[u32; 3]>]) -> Mesh {
    let p = |i: u32| snapped.points[i as usize];
    let tris: Vec<Triangle> = triangles.iter().flatten().map(|t| t.map(p)).collect();
    let face_points = faces
        .iter()
        .map(|f| {
            f.iter()
                .flatten()
                .map(|&i| snapped.points[snapped.id[i as usize] as usize])
                .collect()
        })
        .collect();
    Mesh::new(tris, face_points)
}

/// 502, 501 and 503 between the (valid) solids of a CompositeSolid.
fn check_composite(meshes: &[Mesh], opts: &Options) -> Vec<Issue> {
    let mut issues = Vec::new();
    let solid_issue = |code: Code, s: usize, info: String| {
        let mut i = Issue::new(code, info);
        i.solid = Some(s);
        i
    };
    let n = meshes.len();
    let mut linked = vec![false; n];
    let mut groups = UnionFind::new(n);
    for i in 0..n {
        for j in i + 1..n {
            if meshes[i].same_as(&meshes[j]) {
                issues.push(solid_issue(
                    Code::DUPLICATED_SOLIDS,
                    j,
                    format!("solids {i} and {j} are the same"),
                ));
                continue;
            }
            if interiors_overlap(&meshes[i], &meshes[j], opts.overlap_tol) {
                issues.push(solid_issue(
                    Code::INTERSECTION_SOLIDS,
                    j,
                    format!("the interiors of solids {i} and {j} intersect"),
                ));
                continue;
            }
            // Connected: sharing a face, or overlapping within the overlap tolerance.
            if contact(&meshes[i], &meshes[j]).shared_face
                || (opts.overlap_tol > 0.0 && interiors_overlap(&meshes[i], &meshes[j], -1.0))
            {
                linked[i] = true;
                linked[j] = true;
                groups.union(i, j);
            }
        }
    }
    if issues.is_empty() && n > 1 {
        let roots = groups.count();
        if roots > 1 {
            let s = linked.iter().position(|l| !l).unwrap_or(0);
            issues.push(solid_issue(
                Code::DISCONNECTED_SOLIDS,
                s,
                format!("the solids form {roots} disconnected groups"),
            ));
        }
    }
    issues
}
