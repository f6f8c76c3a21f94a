//! Footprints: the 2D outline of a feature on the ground, for maps, GeoJSON and spatial
//! filters.
//!
//! The method, per city object of the feature (the top-level object and its parts):
//! 1. an LoD0 surface geometry, if the object has one, as it is;
//! 2. otherwise the object's most detailed surface geometry: its `GroundSurface` polygons when
//!    it has semantics, else the polygons that face down (solids) or, for surface geometries
//!    (roads, land use, terrain), the polygons that are not vertical;
//! 3. objects without surfaces (points, lines, templates) or with more than
//!    [`MAX_FOOTPRINT_RINGS`] rings add their vertices to a 2D convex hull instead.
//!
//! Rings come out closed (first point repeated), exterior counter-clockwise and holes clockwise,
//! as GeoJSON (RFC 7946) wants.

use crate::plane::newell_normal;
use crate::ring2d::{orient, signed_area};
use crate::vector::{norm, Vec3};
use urbis_model::{Feature, Geometry, GeometryType, Transform};

/// More rings than this in one object's candidate polygons (a dense TIN) and its convex hull is
/// used instead.
pub const MAX_FOOTPRINT_RINGS: usize = 2048;

/// Where a footprint came from, weakest last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FootprintSource {
    /// An LoD0 geometry.
    Lod0,
    /// `GroundSurface` semantic surfaces.
    GroundSurface,
    /// Polygons facing down, or the non-vertical polygons of a surface geometry.
    ProjectedSurfaces,
    /// The convex hull of the vertices.
    ConvexHull,
}

/// A footprint: polygons, each a list of closed rings (exterior first).
#[derive(Debug, Clone, PartialEq)]
pub struct Footprint {
    /// The polygons.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
    /// The weakest method any part needed.
    pub source: FootprintSource,
}

/// The footprint of a feature in the coordinates `transform` gives; `None` when it has fewer
/// than three distinct vertices in plan.
///
/// ```
/// use urbis_geom::footprint::{footprint, FootprintSource};
/// use urbis_model::synthetic::{features, CitySpec};
/// let spec = CitySpec { buildings: 1, ..CitySpec::default() };
/// let t = urbis_model::synthetic::header(&spec).transform;
/// let f = features(spec).next().unwrap();
/// let fp = footprint(&f, &t).unwrap();
/// assert!(fp.source <= FootprintSource::ProjectedSurfaces);
/// assert_eq!(fp.polygons.len(), 1);
/// ```
pub fn footprint(feature: &Feature, transform: &Transform) -> Option<Footprint> {
    let vertex = |i: u32| -> Option<Vec3> {
        feature
            .vertices
            .get(i as usize)
            .map(|v| transform.apply(*v))
    };
    let mut polygons = Vec::new();
    let mut hull_points: Vec<[f64; 2]> = Vec::new();
    let mut source = FootprintSource::Lod0;
    for object in &feature.objects {
        let geometries = object.geometries();
        let chosen = pick_geometry(geometries);
        let mut found = None;
        if let Some((geometry, is_lod0)) = chosen {
            found = surfaces_of(geometry, is_lod0, &vertex);
        }
        match found {
            Some((rings, how)) => {
                source = source.max(how);
                polygons.extend(rings);
            }
            None => {
                for g in geometries {
                    if g.kind == GeometryType::GeometryInstance {
                        continue;
                    }
                    hull_points.extend(
                        g.boundaries
                            .vertices
                            .iter()
                            .filter_map(|&i| vertex(i))
                            .map(|p| [p[0], p[1]]),
                    );
                }
            }
        }
    }
    if !hull_points.is_empty() {
        for polygon in &polygons {
            hull_points.extend(polygon.iter().flatten().copied());
        }
        let hull = convex_hull(hull_points);
        if hull.len() < 4 {
            return None;
        }
        return Some(Footprint {
            polygons: vec![vec![hull]],
            source: FootprintSource::ConvexHull,
        });
    }
    if polygons.is_empty() {
        return None;
    }
    Some(Footprint { polygons, source })
}

/// The object's LoD0 surface geometry, else its most detailed surface geometry.
fn pick_geometry(geometries: &[Geometry]) -> Option<(&Geometry, bool)> {
    let surfaces = |g: &&Geometry| g.kind.depth() >= 2;
    if let Some(g) = geometries
        .iter()
        .filter(surfaces)
        .find(|g| g.lod.as_deref().is_some_and(|l| l.starts_with('0')))
    {
        return Some((g, true));
    }
    geometries
        .iter()
        .filter(surfaces)
        .max_by(|a, b| lod_value(a).total_cmp(&lod_value(b)))
        .map(|g| (g, false))
}

fn lod_value(g: &Geometry) -> f64 {
    g.lod.as_deref().and_then(|l| l.parse().ok()).unwrap_or(0.0)
}

type Polygons = Vec<Vec<Vec<[f64; 2]>>>;

/// The chosen polygons of one geometry, or `None` when it has none or too many.
fn surfaces_of(
    g: &Geometry,
    is_lod0: bool,
    vertex: &impl Fn(u32) -> Option<Vec3>,
) -> Option<(Polygons, FootprintSource)> {
    let b = &g.boundaries;
    let surface_count = b.surface_count();
    let ground: Option<Vec<bool>> = g.semantics.as_ref().and_then(|s| {
        let flags: Vec<bool> = (0..surface_count)
            .map(|i| {
                s.values
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|v| s.surfaces.get(v as usize))
                    .is_some_and(|k| k.kind == "GroundSurface")
            })
            .collect();
        flags.iter().any(|&f| f).then_some(flags)
    });
    let is_solid = g.kind.depth() >= 3;
    let (how, wanted): (FootprintSource, Box<dyn Fn(usize, Vec3) -> bool>) = if is_lod0 {
        (FootprintSource::Lod0, Box::new(|_, _| true))
    } else if let Some(flags) = ground {
        (
            FootprintSource::GroundSurface,
            Box::new(move |i, _| flags[i]),
        )
    } else if is_solid {
        (
            FootprintSource::ProjectedSurfaces,
            Box::new(|_, n: Vec3| n[2] < -0.5 * norm(n)),
        )
    } else {
        (
            FootprintSource::ProjectedSurfaces,
            Box::new(|_, n: Vec3| n[2].abs() > 0.5 * norm(n)),
        )
    };
    let mut polygons = Vec::new();
    let mut ring_total = 0;
    for s in 0..surface_count {
        let rings = b.surface_rings(s);
        let Some(exterior) = rings.clone().next() else {
            continue;
        };
        let exterior3: Vec<Vec3> = b.ring(exterior).iter().filter_map(|&i| vertex(i)).collect();
        if !wanted(s, newell_normal(&exterior3)) {
            continue;
        }
        ring_total += rings.len();
        if ring_total > MAX_FOOTPRINT_RINGS {
            return None;
        }
        let mut polygon = Vec::new();
        for (k, r) in rings.enumerate() {
            let mut ring: Vec<[f64; 2]> = b
                .ring(r)
                .iter()
                .filter_map(|&i| vertex(i))
                .map(|p| [p[0], p[1]])
                .collect();
            ring.dedup();
            if ring.len() > 1 && ring.first() == ring.last() {
                ring.pop();
            }
            let area = signed_area(&ring);
            if ring.len() < 3 || area == 0.0 {
                continue;
            }
            // Exterior counter-clockwise, holes clockwise.
            if (k == 0) != (area > 0.0) {
                ring.reverse();
            }
            if k > 0 && polygon.is_empty() {
                break;
            }
            ring.push(ring[0]);
            polygon.push(ring);
        }
        if !polygon.is_empty() {
            polygons.push(polygon);
        }
    }
    (!polygons.is_empty()).then_some((polygons, how))
}

/// The convex hull (Andrew's monotone chain), closed and counter-clockwise.
pub fn convex_hull(mut points: Vec<[f64; 2]>) -> Vec<[f64; 2]> {
    points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    points.dedup();
    if points.len() < 3 {
        return points;
    }
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(points.len() + 1);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &[f64; 2]>> = if pass == 0 {
            Box::new(points.iter())
        } else {
            Box::new(points.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && orient(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    if hull.len() < 3 {
        return hull;
    }
    hull.push(hull[0]);
    hull
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn hull_of_a_square_with_an_inside_point() {
        let h = convex_hull(vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.0, 1.0],
            [0.5, 0.5],
        ]);
        assert_eq!(h.len(), 5);
        assert_eq!(h.first(), h.last());
        assert!(signed_area(&h[..4]) > 0.0);
        assert_eq!(signed_area(&h[..4]), 1.0);
    }

    #[test]
    fn synthetic_building_footprint_is_its_ground_square() {
        use urbis_model::synthetic::{features, header, CitySpec};
        let spec = CitySpec {
            buildings: 3,
            ..CitySpec::default()
        };
        let t = header(&spec).transform;
        for f in features(spec) {
            let fp = footprint(&f, &t).expect("a footprint");
            let ring = &fp.polygons[0][0];
            assert_eq!(ring.first(), ring.last());
            assert!(
                signed_area(&ring[..ring.len() - 1]) > 0.0,
                "exterior is CCW"
            );
        }
    }
}
