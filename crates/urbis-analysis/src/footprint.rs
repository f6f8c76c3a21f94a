//! Footprints of single objects: where they come from, their polygons and area.

use crate::polygon::{normal, plan_area};
use crate::surfaces::{object_surfaces, ObjectSurfaces, PolygonCoords};
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::Serialize;
use urbis_model::{CityObject, GeometryTemplates};

/// Where a footprint came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FootprintMethod {
    /// The `GroundSurface` polygons of the analysed geometry.
    GroundSurface,
    /// An LoD0 geometry of the object.
    Lod0,
    /// The 2D union of the lowest surfaces (downward-facing faces of a solid; all non-vertical
    /// faces of a surface geometry or of a solid open at the bottom).
    LowestSurfaces,
}

/// A footprint: plan polygons and how they were found.
#[derive(Debug, Clone)]
pub struct Footprint {
    /// The polygons in plan.
    pub polygons: MultiPolygon<f64>,
    /// Their area.
    pub area: f64,
    /// The method.
    pub method: FootprintMethod,
}

/// Polygons whose exterior's unit normal has a vertical part below this are walls, not floors.
const VERTICAL: f64 = 0.1;

/// The footprint of an object whose analysed geometry is `s` (with coordinates `coords`): its
/// GroundSurface polygons, else an LoD0 geometry of the object, else the union of its lowest
/// surfaces.
pub fn object_footprint(
    s: &ObjectSurfaces<'_>,
    coords: &PolygonCoords,
    object: &CityObject,
    feature_points: &[[f64; 3]],
    keys: &[[i64; 3]],
    templates: Option<&GeometryTemplates>,
) -> Option<Footprint> {
    let ground: Vec<usize> = (0..s.polygons.len())
        .filter(|&i| s.polygons[i].semantic == Some("GroundSurface"))
        .collect();
    if !ground.is_empty() {
        return Some(partition(coords, &ground, FootprintMethod::GroundSurface));
    }
    let lod0 = object
        .geometries()
        .iter()
        .filter(|g| g.lod.as_deref().is_some_and(|l| l.starts_with('0')))
        .find_map(|g| object_surfaces(g, feature_points, keys, templates));
    if let Some(l0) = lod0 {
        let all: Vec<usize> = (0..l0.polygons.len()).collect();
        let f = partition(&l0.coords(), &all, FootprintMethod::Lod0);
        if f.area > 0.0 {
            return Some(f);
        }
    }
    // Faces pointing down; a solid open at the bottom (common in LoD1 prisms) or a surface
    // geometry uses all its non-vertical faces.
    let candidates: Vec<(usize, [f64; 3])> = (0..coords.len())
        .filter_map(|i| {
            let n = normal(coords.rings(i))?;
            (n[2].abs() > VERTICAL).then_some((i, n))
        })
        .collect();
    let down = !s.solids.is_empty() && candidates.iter().any(|(_, n)| n[2] < 0.0);
    let lowest: Vec<Polygon<f64>> = candidates
        .iter()
        .filter(|(_, n)| !down || n[2] < 0.0)
        .map(|&(i, _)| plan_polygon(coords.rings(i)))
        .collect();
    if lowest.is_empty() {
        return None;
    }
    let union = geo::unary_union(lowest.iter());
    let area = geo::Area::unsigned_area(&union);
    Some(Footprint {
        polygons: union,
        area,
        method: FootprintMethod::LowestSurfaces,
    })
}

/// Surfaces that partition the footprint (ground surfaces, LoD0): areas simply add up.
fn partition(coords: &PolygonCoords, polygons: &[usize], method: FootprintMethod) -> Footprint {
    let mut area = 0.0;
    let mut out = Vec::with_capacity(polygons.len());
    for &p in polygons {
        area += plan_area(coords.rings(p));
        out.push(plan_polygon(coords.rings(p)));
    }
    Footprint {
        polygons: MultiPolygon(out),
        area,
        method,
    }
}

/// A 3D polygon (its rings, exterior first) dropped to plan.
pub fn plan_polygon<R: AsRef<[[f64; 3]]>>(rings: impl IntoIterator<Item = R>) -> Polygon<f64> {
    let ring = |r: R| -> LineString<f64> {
        LineString(
            r.as_ref()
                .iter()
                .map(|p| Coord { x: p[0], y: p[1] })
                .collect(),
        )
    };
    let mut it = rings.into_iter();
    let exterior = it
        .next()
        .map(ring)
        .unwrap_or_else(|| LineString(Vec::new()));
    Polygon::new(exterior, it.map(ring).collect())
}

/// Elongation of plan shapes: 1 − width / length of their minimum-area bounding rectangle
/// (0 for a square, towards 1 for a long thin shape).
pub fn elongation(polygons: &MultiPolygon<f64>) -> Option<f64> {
    let points: Vec<[f64; 2]> = polygons
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().map(|c| [c.x, c.y]))
        .collect();
    let ring = urbis_geom::footprint::convex_hull(points);
    if ring.len() < 4 {
        return None;
    }
    let mut best: Option<(f64, f64, f64)> = None;
    for w in ring.windows(2) {
        let (dx, dy) = (w[1][0] - w[0][0], w[1][1] - w[0][1]);
        let len = dx.hypot(dy);
        if len == 0.0 {
            continue;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (mut a0, mut a1, mut b0, mut b1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
        for c in &ring {
            let a = c[0] * ux + c[1] * uy;
            let b = -c[0] * uy + c[1] * ux;
            (a0, a1, b0, b1) = (a0.min(a), a1.max(a), b0.min(b), b1.max(b));
        }
        let (w1, w2) = (a1 - a0, b1 - b0);
        if best.is_none_or(|(area, _, _)| w1 * w2 < area) {
            best = Some((w1 * w2, w1.min(w2), w1.max(w2)));
        }
    }
    let (_, short, long) = best?;
    (long > 0.0).then(|| 1.0 - short / long)
}
