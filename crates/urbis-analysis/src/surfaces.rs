//! The surfaces of one city object, in real coordinates, grouped as the geometry groups them.

use std::borrow::Cow;
use std::ops::Range;
use urbis_model::{Boundaries, Feature, Geometry, GeometryTemplates, GeometryType, Transform};

/// One polygon: rings of indices into [`ObjectSurfaces::points`], exterior first.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon<'a> {
    boundaries: &'a Boundaries,
    /// Its rings' numbers in the geometry's boundaries.
    ring_numbers: Range<usize>,
    /// The semantic surface type (`RoofSurface`, `WallSurface`...), when the geometry has one.
    pub semantic: Option<&'a str>,
}

impl<'a> Polygon<'a> {
    /// The rings as vertex indices (not repeating the first vertex), exterior first.
    pub fn rings(&self) -> impl ExactSizeIterator<Item = &'a [u32]> + Clone + 'a {
        let b = self.boundaries;
        self.ring_numbers.clone().map(move |r| b.ring(r))
    }
}

/// The chosen geometry of an object, flattened to polygons.
#[derive(Debug, Clone)]
pub struct ObjectSurfaces<'a> {
    /// The geometry's type.
    pub kind: GeometryType,
    /// Its level of detail.
    pub lod: Option<String>,
    /// Real coordinates the polygons index.
    pub points: Cow<'a, [[f64; 3]]>,
    /// An identity per point: equal keys are the same vertex (quantised coordinates, or the bits
    /// of a placed template vertex).
    pub keys: Cow<'a, [[i64; 3]]>,
    /// The polygons.
    pub polygons: Vec<Polygon<'a>>,
    /// Shells as ranges of polygons (solids only).
    pub shells: Vec<Range<usize>>,
    /// Solids as ranges of shells; the first shell of each is its exterior.
    pub solids: Vec<Range<usize>>,
}

impl ObjectSurfaces<'_> {
    /// Every polygon's rings as coordinates.
    pub fn coords(&self) -> PolygonCoords {
        PolygonCoords::new(self)
    }
}

/// Every polygon's rings as coordinates, in one flat array (one allocation per object, not
/// one per ring), indexed like [`ObjectSurfaces::polygons`]. Offsets as in the model's
/// boundaries: ring `r` is `points[ring_starts[r]..ring_starts[r + 1]]`, polygon `p` has rings
/// `polygon_starts[p]..polygon_starts[p + 1]`.
#[derive(Debug, Clone)]
pub struct PolygonCoords {
    points: Vec<[f64; 3]>,
    ring_starts: Vec<usize>,
    polygon_starts: Vec<usize>,
}

impl PolygonCoords {
    /// The coordinates of every polygon of `s`.
    pub fn new(s: &ObjectSurfaces<'_>) -> PolygonCoords {
        let rings: usize = s.polygons.iter().map(|p| p.rings().len()).sum();
        let corners: usize = s
            .polygons
            .iter()
            .flat_map(|p| p.rings())
            .map(<[u32]>::len)
            .sum();
        let mut c = PolygonCoords {
            points: Vec::with_capacity(corners),
            ring_starts: Vec::with_capacity(rings + 1),
            polygon_starts: Vec::with_capacity(s.polygons.len() + 1),
        };
        c.ring_starts.push(0);
        c.polygon_starts.push(0);
        for p in &s.polygons {
            // A ring with an index out of range (impossible after the reader's checks) is left
            // out whole.
            for ring in p.rings() {
                if ring.iter().all(|&i| (i as usize) < s.points.len()) {
                    c.points.extend(ring.iter().map(|&i| s.points[i as usize]));
                    c.ring_starts.push(c.points.len());
                }
            }
            c.polygon_starts.push(c.ring_starts.len() - 1);
        }
        c
    }

    /// Number of polygons.
    pub fn len(&self) -> usize {
        self.polygon_starts.len() - 1
    }

    /// True when there is no polygon.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ring numbers of one polygon (none for an index out of range).
    fn ring_numbers(&self, polygon: usize) -> Range<usize> {
        match self.polygon_starts.get(polygon..polygon + 2) {
            Some(&[start, end]) => start..end,
            _ => 0..0,
        }
    }

    /// The rings of one polygon, exterior first (none for an index out of range).
    pub fn rings(&self, polygon: usize) -> impl ExactSizeIterator<Item = &[[f64; 3]]> + Clone + '_ {
        self.ring_numbers(polygon)
            .map(|r| &self.points[self.ring_starts[r]..self.ring_starts[r + 1]])
    }

    /// All corners of one polygon, its rings one after the other.
    pub fn corners(&self, polygon: usize) -> &[[f64; 3]] {
        let rings = self.ring_numbers(polygon);
        &self.points[self.ring_starts[rings.start]..self.ring_starts[rings.end]]
    }
}

/// A feature's real coordinates, computed once and shared by all its objects.
pub fn feature_points(feature: &Feature, transform: &Transform) -> Vec<[f64; 3]> {
    feature
        .vertices
        .iter()
        .map(|&v| transform.apply(v))
        .collect()
}

/// Flattens one geometry of a feature's object (a surface geometry, a solid, or an instance of
/// one) to polygons with their semantics.
pub fn object_surfaces<'a>(
    geometry: &'a Geometry,
    points: &'a [[f64; 3]],
    keys: &'a [[i64; 3]],
    templates: Option<&'a GeometryTemplates>,
) -> Option<ObjectSurfaces<'a>> {
    if geometry.kind == GeometryType::GeometryInstance {
        let (template, placed) = templates?.placed(geometry, points)?;
        let placed_keys: Vec<[i64; 3]> = placed
            .iter()
            .map(|p| p.map(|c| c.to_bits() as i64))
            .collect();
        let mut s = flatten(template, Cow::Owned(placed), Cow::Owned(placed_keys))?;
        s.lod = geometry.lod.clone().or(s.lod);
        return Some(s);
    }
    flatten(geometry, Cow::Borrowed(points), Cow::Borrowed(keys))
}

fn flatten<'a>(
    geometry: &'a Geometry,
    points: Cow<'a, [[f64; 3]]>,
    keys: Cow<'a, [[i64; 3]]>,
) -> Option<ObjectSurfaces<'a>> {
    let b = &geometry.boundaries;
    if geometry.kind.depth() < 3 {
        return None;
    }
    let semantic_of = |s: usize| -> Option<&'a str> {
        let sem = geometry.semantics.as_ref()?;
        let v = (*sem.values.get(s)?)?;
        sem.surfaces.get(v as usize).map(|x| x.kind.as_ref())
    };
    let polygons = (0..b.surface_count())
        .map(|s| Polygon {
            boundaries: b,
            ring_numbers: b.surface_rings(s),
            semantic: semantic_of(s),
        })
        .collect();
    let shells = (0..b.shell_count()).map(|h| b.shell_surfaces(h)).collect();
    let solids = match geometry.kind {
        GeometryType::Solid => {
            let all_shells = 0..b.shell_count();
            if all_shells.is_empty() {
                Vec::new()
            } else {
                std::iter::once(all_shells).collect()
            }
        }
        GeometryType::MultiSolid | GeometryType::CompositeSolid => {
            (0..b.solid_count()).map(|d| b.solid_shells(d)).collect()
        }
        _ => Vec::new(),
    };
    Some(ObjectSurfaces {
        kind: geometry.kind,
        lod: geometry.lod.clone(),
        points,
        keys,
        polygons,
        shells,
        solids,
    })
}
