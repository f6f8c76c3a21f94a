//! Volumes of closed shells, and why a shell has none.
//!
//! A shell is accepted when it is watertight and consistently oriented: every edge (between
//! vertices identified by their quantised coordinates, so duplicated vertices count as one) is
//! used exactly twice, once in each direction, and the exterior shell encloses a positive
//! volume. Self-intersections are not looked for here; the full ISO 19107 validation
//! (`urbis-validate`) does that when asked for.

use crate::surfaces::{ObjectSurfaces, PolygonCoords};

/// Why an object has no volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoVolume {
    /// The geometry is made of surfaces, not a solid.
    NotASolid(String),
    /// A shell has edges used by one polygon only.
    NotClosed {
        /// Which shell (0 = the first exterior shell).
        shell: usize,
        /// How many edges are on the hole's border.
        open_edges: usize,
    },
    /// An edge is shared by more than two polygons.
    NonManifold {
        /// Which shell.
        shell: usize,
    },
    /// Two polygons sharing an edge run it the same way: some face points the wrong way.
    Inconsistent {
        /// Which shell.
        shell: usize,
    },
    /// The exterior shell encloses a negative volume: its faces point inwards.
    Inverted,
    /// The full validation found errors (val3dity codes).
    Invalid(Vec<u16>),
}

impl std::fmt::Display for NoVolume {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoVolume::NotASolid(kind) => write!(f, "the geometry is a {kind}, not a solid"),
            NoVolume::NotClosed { shell, open_edges } => {
                write!(f, "shell {shell} is not closed ({open_edges} open edges)")
            }
            NoVolume::NonManifold { shell } => {
                write!(f, "shell {shell} has an edge shared by more than two faces")
            }
            NoVolume::Inconsistent { shell } => {
                write!(f, "shell {shell} has faces oriented inconsistently")
            }
            NoVolume::Inverted => write!(f, "the exterior shell is oriented inwards"),
            NoVolume::Invalid(codes) => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                write!(f, "invalid geometry (errors {})", codes.join(", "))
            }
        }
    }
}

/// The volume enclosed by the object's solids (interior shells subtracted), or why it has
/// none.
///
/// `coords` holds each polygon's rings as coordinates ([`ObjectSurfaces::coords`]).
pub fn volume(s: &ObjectSurfaces<'_>, coords: &PolygonCoords) -> Result<f64, NoVolume> {
    if s.solids.is_empty() {
        return Err(NoVolume::NotASolid(s.kind.as_str().to_string()));
    }
    let reference = s.points.first().copied().unwrap_or([0.0; 3]);
    let mut total = 0.0;
    for solid in &s.solids {
        for (k, h) in solid.clone().enumerate() {
            let Some(range) = s.shells.get(h) else {
                continue;
            };
            check_closed(s, range.clone(), h)?;
            let v = shell_volume(coords, range.clone(), reference);
            if k == 0 && v <= 0.0 {
                return Err(NoVolume::Inverted);
            }
            total += v;
        }
    }
    Ok(total)
}

/// Edges must pair up: each directed edge once, its reverse once.
fn check_closed(
    s: &ObjectSurfaces<'_>,
    polygons: std::ops::Range<usize>,
    shell: usize,
) -> Result<(), NoVolume> {
    // Every edge as (smaller key, larger key, direction), sorted so that copies of one edge
    // are neighbours.
    let mut edges: Vec<([i64; 3], [i64; 3], bool)> = Vec::new();
    for p in &s.polygons[polygons] {
        for ring in p.rings() {
            let n = ring.len();
            for i in 0..n {
                let (Some(&a), Some(&b)) = (
                    s.keys.get(ring[i] as usize),
                    s.keys.get(ring[(i + 1) % n] as usize),
                ) else {
                    continue;
                };
                match a.cmp(&b) {
                    std::cmp::Ordering::Less => edges.push((a, b, true)),
                    std::cmp::Ordering::Greater => edges.push((b, a, false)),
                    std::cmp::Ordering::Equal => {}
                }
            }
        }
    }
    edges.sort_unstable();
    let (mut open_edges, mut non_manifold, mut inconsistent) = (0, false, false);
    for group in edges.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
        match group {
            [_] => open_edges += 1,
            [x, y] => inconsistent |= x.2 == y.2,
            _ => non_manifold = true,
        }
    }
    if open_edges > 0 {
        return Err(NoVolume::NotClosed { shell, open_edges });
    }
    if non_manifold {
        return Err(NoVolume::NonManifold { shell });
    }
    if inconsistent {
        return Err(NoVolume::Inconsistent { shell });
    }
    Ok(())
}

/// Signed volume of one shell: each ring fanned from its first corner (exact for planar
/// polygons, holes included, whatever their shape), tetrahedra to `reference`.
fn shell_volume(coords: &PolygonCoords, polygons: std::ops::Range<usize>, r: [f64; 3]) -> f64 {
    let mut six_v = 0.0;
    for p in polygons {
        for pts in coords.rings(p) {
            let Some(&o) = pts.first() else { continue };
            let o = [o[0] - r[0], o[1] - r[1], o[2] - r[2]];
            for w in pts[1..].windows(2) {
                let a = [w[0][0] - r[0], w[0][1] - r[1], w[0][2] - r[2]];
                let b = [w[1][0] - r[0], w[1][1] - r[1], w[1][2] - r[2]];
                six_v += o[0] * (a[1] * b[2] - a[2] * b[1])
                    + o[1] * (a[2] * b[0] - a[0] * b[2])
                    + o[2] * (a[0] * b[1] - a[1] * b[0]);
            }
        }
    }
    six_v / 6.0
}
