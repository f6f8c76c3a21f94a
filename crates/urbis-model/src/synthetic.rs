//! A deterministic synthetic city: streets of buildings (LoD1 blocks and LoD2 flat, gable or hip
//! roofs, as closed, outward-oriented Solids with semantic surfaces), roads and a TIN terrain.
//! For demos, tests with known answers, and scale tests.

use crate::{
    CityObject, CityObjectType, Feature, Geometry, GeometryType, Header, JsonMap, SemanticSurface,
    Semantics, Transform,
};
use serde_json::{json, Value};

/// Buildings per street side.
const PER_ROW: usize = 10;
/// Plot width along the street, metres.
const PLOT: f64 = 16.0;
/// Depth of a row of plots, metres.
const ROW_DEPTH: f64 = 24.0;
/// Road width, metres.
const ROAD: f64 = 12.0;

/// Parameters of the synthetic city.
#[derive(Debug, Clone, Copy)]
pub struct CitySpec {
    /// Number of buildings.
    pub buildings: usize,
    /// Seed of the pseudo-random generator.
    pub seed: u64,
    /// South-west corner of the city in the output CRS (EPSG:7415 by default: Delft).
    pub origin: [f64; 2],
}

impl Default for CitySpec {
    fn default() -> Self {
        CitySpec {
            buildings: 100,
            seed: 1,
            origin: [84_000.0, 446_000.0],
        }
    }
}

/// The roof shapes the generator makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roof {
    /// Flat roof.
    Flat,
    /// Gable (saddle) roof with the ridge along the street.
    Gable,
    /// Hip roof.
    Hip,
}

/// A small, fast, deterministic generator (SplitMix64).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The header of a synthetic city (EPSG:7415, millimetre transform).
pub fn header(spec: &CitySpec) -> Header {
    titled_header(
        format!(
            "urbis synthetic city ({} buildings, seed {})",
            spec.buildings, spec.seed
        ),
        spec.origin,
    )
}

/// A header in EPSG:7415 with a millimetre transform translated to `origin`.
pub(crate) fn titled_header(title: String, origin: [f64; 2]) -> Header {
    let mut metadata = JsonMap::new();
    metadata.insert("title".into(), json!(title));
    metadata.insert(
        "referenceSystem".into(),
        json!("https://www.opengis.net/def/crs/EPSG/0/7415"),
    );
    Header {
        source_version: "2.0".into(),
        transform: Transform {
            scale: [0.001; 3],
            translate: [origin[0], origin[1], 0.0],
        },
        metadata: Some(metadata),
        ..Default::default()
    }
}

/// Number of street rows for `buildings` buildings.
fn rows(buildings: usize) -> usize {
    buildings.div_ceil(PER_ROW).max(1)
}

/// Features of the city in order: buildings, then roads, then the terrain. Each call of the
/// iterator builds one feature, so any size streams in constant memory.
pub fn features(spec: CitySpec) -> impl Iterator<Item = Feature> {
    let t = header(&spec).transform;
    let nrows = rows(spec.buildings);
    let buildings = (0..spec.buildings).map(move |i| building(&spec, &t, i));
    let roads = (0..nrows).map(move |r| road(&spec, &t, r));
    let terrain = std::iter::once_with(move || terrain(&spec, &t, nrows));
    buildings.chain(roads).chain(terrain)
}

/// Everything known about one generated building (for tests with analytic answers).
#[derive(Debug, Clone, Copy)]
pub struct BuildingShape {
    /// South-west corner.
    pub x: f64,
    /// South-west corner.
    pub y: f64,
    /// Width (x).
    pub width: f64,
    /// Depth (y).
    pub depth: f64,
    /// Eave height above the ground.
    pub eave: f64,
    /// Ridge height (equal to `eave` for a flat roof).
    pub ridge: f64,
    /// Roof shape.
    pub roof: Roof,
}

/// The shape of building `i` of a city.
pub fn building_shape(spec: &CitySpec, i: usize) -> BuildingShape {
    let mut rng = Rng(spec.seed ^ (i as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let row = i / PER_ROW;
    let col = i % PER_ROW;
    let width = (rng.range(9.0, 14.0) * 10.0).round() / 10.0;
    let depth = (rng.range(8.0, 12.0).min(width - 1.0) * 10.0).round() / 10.0;
    let x = spec.origin[0] + col as f64 * PLOT + (PLOT - width) / 2.0;
    let y = spec.origin[1] + row as f64 * (ROW_DEPTH + ROAD) + ROAD + 2.0;
    let storeys = 1 + (rng.next() % 5) as usize;
    let eave = storeys as f64 * 3.0;
    let roof = match rng.next() % 3 {
        0 => Roof::Flat,
        1 => Roof::Gable,
        _ => Roof::Hip,
    };
    let ridge = if roof == Roof::Flat {
        eave
    } else {
        eave + (rng.range(2.0, 5.0) * 10.0).round() / 10.0
    };
    BuildingShape {
        x,
        y,
        width,
        depth,
        eave,
        ridge,
        roof,
    }
}

/// The vertices of one feature, shared by its geometries.
pub(crate) struct Mesh<'a> {
    pub(crate) t: &'a Transform,
    pub(crate) vertices: Vec<[i64; 3]>,
    /// Exchange x and y of every point (to build a shape turned by a quarter and mirrored).
    pub(crate) swap_xy: bool,
}

impl<'a> Mesh<'a> {
    /// An empty mesh quantised by `t`.
    pub(crate) fn new(t: &'a Transform) -> Self {
        Mesh {
            t,
            vertices: Vec::new(),
            swap_xy: false,
        }
    }

    /// The index of point `p`, added if new.
    pub(crate) fn v(&mut self, p: [f64; 3]) -> u32 {
        let p = if self.swap_xy { [p[1], p[0], p[2]] } else { p };
        let q = self.t.quantize(p).unwrap_or([0; 3]);
        if let Some(i) = self.vertices.iter().position(|v| *v == q) {
            return i as u32;
        }
        self.vertices.push(q);
        (self.vertices.len() - 1) as u32
    }
}

/// A semantic surface of type `kind`.
pub(crate) fn sem(kind: &str) -> SemanticSurface {
    SemanticSurface {
        kind: crate::semantic_type(kind),
        ..Default::default()
    }
}

/// A Solid from faces (each an outward, counter-clockwise ring) with a semantic index each.
pub(crate) fn solid(
    lod: &str,
    faces: &[(Vec<u32>, u32)],
    surfaces: Vec<SemanticSurface>,
) -> Geometry {
    let mut g = Geometry::new(GeometryType::Solid, Some(lod.into()));
    for (ring, _) in faces {
        g.boundaries.push_ring(ring);
        g.boundaries.close_surface();
    }
    g.boundaries.close_shell();
    g.semantics = Some(Semantics {
        surfaces,
        values: faces.iter().map(|(_, s)| Some(*s)).collect(),
    });
    g
}

/// The faces of a building's LoD2 solid: (ring, semantic index) with 0 ground, 1 wall, 2 roof.
fn lod2_faces(m: &mut Mesh, s: &BuildingShape) -> Vec<(Vec<u32>, u32)> {
    let (x0, y0, x1, y1) = (s.x, s.y, s.x + s.width, s.y + s.depth);
    let (he, hr) = (s.eave, s.ridge);
    let b = [
        m.v([x0, y0, 0.0]),
        m.v([x1, y0, 0.0]),
        m.v([x1, y1, 0.0]),
        m.v([x0, y1, 0.0]),
    ];
    let t = [
        m.v([x0, y0, he]),
        m.v([x1, y0, he]),
        m.v([x1, y1, he]),
        m.v([x0, y1, he]),
    ];
    let ym = (y0 + y1) / 2.0;
    let mut faces = vec![(vec![b[0], b[3], b[2], b[1]], 0)];
    match s.roof {
        Roof::Flat => {
            for k in 0..4 {
                faces.push((vec![b[k], b[(k + 1) % 4], t[(k + 1) % 4], t[k]], 1));
            }
            faces.push((vec![t[0], t[1], t[2], t[3]], 2));
        }
        Roof::Gable => {
            let r0 = m.v([x0, ym, hr]);
            let r1 = m.v([x1, ym, hr]);
            faces.push((vec![b[0], b[1], t[1], t[0]], 1));
            faces.push((vec![b[1], b[2], t[2], r1, t[1]], 1));
            faces.push((vec![b[2], b[3], t[3], t[2]], 1));
            faces.push((vec![b[3], b[0], t[0], r0, t[3]], 1));
            faces.push((vec![t[0], t[1], r1, r0], 2));
            faces.push((vec![t[2], t[3], r0, r1], 2));
        }
        Roof::Hip => {
            let inset = (y1 - y0) / 2.0;
            let r0 = m.v([x0 + inset, ym, hr]);
            let r1 = m.v([x1 - inset, ym, hr]);
            for k in 0..4 {
                faces.push((vec![b[k], b[(k + 1) % 4], t[(k + 1) % 4], t[k]], 1));
            }
            faces.push((vec![t[0], t[1], r1, r0], 2));
            faces.push((vec![t[1], t[2], r1], 2));
            faces.push((vec![t[2], t[3], r0, r1], 2));
            faces.push((vec![t[3], t[0], r0], 2));
        }
    }
    faces
}

fn building(spec: &CitySpec, t: &Transform, i: usize) -> Feature {
    let s = building_shape(spec, i);
    let facts = BuildingFacts {
        storeys: (s.eave / 3.0).round() as i64,
        year: 1900 + (i * 37 % 120) as i64,
        function: if i % 7 == 0 { "office" } else { "residential" },
    };
    building_feature(t, format!("building_{i:06}"), &s, false, &facts)
}

/// The attributes of a generated building beside those its shape gives.
pub(crate) struct BuildingFacts {
    /// storeysAboveGround.
    pub(crate) storeys: i64,
    /// yearOfConstruction.
    pub(crate) year: i64,
    /// function.
    pub(crate) function: &'static str,
}

/// A Building feature with an LoD1 block and an LoD2.2 solid of shape `s`. With `turned`, the
/// shape is read with x and y exchanged (its ridge runs north-south).
pub(crate) fn building_feature(
    t: &Transform,
    id: String,
    s: &BuildingShape,
    turned: bool,
    facts: &BuildingFacts,
) -> Feature {
    let mut m = Mesh::new(t);
    m.swap_xy = turned;
    // LoD1: a block to the mean of eave and ridge.
    let h1 = (s.eave + s.ridge) / 2.0;
    let block = BuildingShape {
        ridge: h1,
        eave: h1,
        roof: Roof::Flat,
        ..*s
    };
    let mut lod1 = lod2_faces(&mut m, &block);
    let mut lod2 = lod2_faces(&mut m, s);
    if turned {
        // Exchanging x and y mirrors: reverse the rings to keep them facing outwards.
        for (ring, _) in lod1.iter_mut().chain(lod2.iter_mut()) {
            ring.reverse();
        }
    }
    let surfaces = || vec![sem("GroundSurface"), sem("WallSurface"), sem("RoofSurface")];
    let roof_type = match s.roof {
        Roof::Flat => "1000",
        Roof::Gable => "1030",
        Roof::Hip => "1040",
    };
    let mut attrs = JsonMap::new();
    attrs.insert("measuredHeight".into(), json!(s.ridge));
    attrs.insert("roofType".into(), json!(roof_type));
    attrs.insert("storeysAboveGround".into(), json!(facts.storeys));
    attrs.insert("yearOfConstruction".into(), json!(facts.year));
    attrs.insert("function".into(), Value::String(facts.function.to_string()));
    let geometry = vec![
        solid("1", &lod1, surfaces()),
        solid("2.2", &lod2, surfaces()),
    ];
    one_object_feature(id, CityObjectType::Building, Some(attrs), geometry, m)
}

/// A feature of one top-level object `id` of `kind`, with its attributes, its geometry and the
/// vertices of `mesh`.
pub(crate) fn one_object_feature(
    id: String,
    kind: CityObjectType,
    attributes: Option<JsonMap>,
    geometry: Vec<Geometry>,
    mesh: Mesh,
) -> Feature {
    let mut o = CityObject::new(id.clone(), kind);
    o.attributes = attributes;
    o.geometry = Some(geometry);
    Feature {
        id,
        objects: vec![o],
        vertices: mesh.vertices,
        ..Default::default()
    }
}

fn city_width() -> f64 {
    PER_ROW as f64 * PLOT
}

fn road(spec: &CitySpec, t: &Transform, r: usize) -> Feature {
    let mut m = Mesh::new(t);
    let y0 = spec.origin[1] + r as f64 * (ROW_DEPTH + ROAD);
    let (x0, x1, y1) = (spec.origin[0], spec.origin[0] + city_width(), y0 + ROAD);
    let ring = vec![
        m.v([x0, y0, 0.0]),
        m.v([x1, y0, 0.0]),
        m.v([x1, y1, 0.0]),
        m.v([x0, y1, 0.0]),
    ];
    let mut g = Geometry::new(GeometryType::MultiSurface, Some("1".into()));
    g.boundaries.push_ring(&ring);
    g.boundaries.close_surface();
    g.semantics = Some(Semantics {
        surfaces: vec![sem("TrafficArea")],
        values: vec![Some(0)],
    });
    let mut attrs = JsonMap::new();
    attrs.insert("name".into(), json!(format!("Street {}", r + 1)));
    one_object_feature(
        format!("road_{r:04}"),
        CityObjectType::Road,
        Some(attrs),
        vec![g],
        m,
    )
}

fn terrain(spec: &CitySpec, t: &Transform, nrows: usize) -> Feature {
    let size = [city_width(), nrows as f64 * (ROW_DEPTH + ROAD) + ROAD];
    flat_terrain(t, spec.origin, size)
}

/// A flat TIN terrain (`terrain`, 8 × 8 cells of two triangles) at height 0 over the rectangle
/// from `origin` of `size` (width, depth).
pub(crate) fn flat_terrain(t: &Transform, origin: [f64; 2], size: [f64; 2]) -> Feature {
    let mut m = Mesh::new(t);
    let [w, h] = size;
    let (nx, ny) = (8usize, 8usize);
    let mut g = Geometry::new(GeometryType::CompositeSurface, Some("1".into()));
    let p = |i: usize, j: usize| {
        [
            origin[0] + w * i as f64 / nx as f64,
            origin[1] + h * j as f64 / ny as f64,
            0.0,
        ]
    };
    for j in 0..ny {
        for i in 0..nx {
            let a = m.v(p(i, j));
            let b = m.v(p(i + 1, j));
            let c = m.v(p(i + 1, j + 1));
            let d = m.v(p(i, j + 1));
            g.boundaries.push_ring(&[a, b, c]);
            g.boundaries.close_surface();
            g.boundaries.push_ring(&[a, c, d]);
            g.boundaries.close_surface();
        }
    }
    one_object_feature(
        "terrain".into(),
        CityObjectType::TINRelief,
        None,
        vec![g],
        m,
    )
}
