//! Building metrics: per object and per Building (aggregating its BuildingParts).
//!
//! Methods (also in `urbis analyze metrics --help` and docs/analysis.md):
//! - footprint area: GroundSurface polygons in plan, else an LoD0 geometry, else the 2D union
//!   of the lowest surfaces (`footprint_source` says which);
//! - ground height: the lowest GroundSurface vertex, else the lowest vertex;
//! - roofs: `RoofSurface` polygons, else (no semantics) faces pointing up; a roof face is flat
//!   when its slope is at most `flat_roof_slope`; roof min/max are its lowest and highest
//!   vertices (eave and ridge);
//! - planning height, above the ground height: flat roofs to their top, pitched roofs to the
//!   mean of eave and ridge, the higher of the two where both occur;
//! - volume: only for solids whose shells are closed and consistently oriented (see
//!   [`crate::closed`]), else null with the reason;
//! - areas per semantic surface type; roof faces' slope and azimuth (degrees clockwise from
//!   grid north of the normal's horizontal part); wall area per compass sector of the wall's
//!   normal (`WallSurface`, else faces steeper than 80°);
//! - storeys: the object's `storeysAboveGround` where it has one (a Building with parts: its
//!   own, else the most of any part), else planning height / storey height, rounded, at
//!   least 1; `storeys_source` says which, `storeys_estimate` always gives the estimate;
//!   gross floor area: footprint area × storeys;
//! - compactness: (36π V²)^(1/3) / envelope area (1 for a sphere, 0.806 for a cube);
//!   elongation: 1 − width/length of the minimum-area rectangle around the footprint.

use crate::closed::volume;
use crate::footprint::{elongation, object_footprint, FootprintMethod};
use crate::polygon::{
    area, azimuth_degrees, normal, orientation_sector, slope_degrees, ORIENTATIONS,
};
use crate::surfaces::{feature_points, object_surfaces};
use geo::MultiPolygon;
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;
use urbis_model::LodChoice;
use urbis_model::{CityObject, Feature, GeometryTemplates, Transform};

/// Parameters of the metrics.
#[derive(Debug, Clone)]
pub struct MetricsOptions {
    /// Which geometry to analyse.
    pub lod: LodChoice,
    /// Storey height in metres, for the storey and floor area estimates.
    pub storey_height: f64,
    /// Roof faces with at most this slope (degrees) count as flat.
    pub flat_roof_slope: f64,
    /// Also run the full ISO 19107 validation (val3dity codes) and give no volume to an object
    /// whose analysed geometry has errors.
    pub validate: Option<urbis_validate::Options>,
}

impl Default for MetricsOptions {
    fn default() -> Self {
        MetricsOptions {
            lod: LodChoice::Highest,
            storey_height: 3.0,
            flat_roof_slope: 5.0,
            validate: None,
        }
    }
}

/// How the roof of an object is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RoofForm {
    /// Every roof face is flat.
    Flat,
    /// Every roof face is pitched.
    Pitched,
    /// Both.
    Mixed,
}

/// One roof face.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoofFace {
    /// Area in m².
    pub area: f64,
    /// Slope in degrees.
    pub slope: f64,
    /// Azimuth of the downhill direction in degrees clockwise from grid north; null for a
    /// horizontal face.
    pub azimuth: Option<f64>,
}

/// The metrics of one object (a part, or a Building aggregating its parts).
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    /// Object id.
    pub id: String,
    /// Object type.
    #[serde(rename = "type")]
    pub kind: String,
    /// LoD of the analysed geometry (for a Building with parts, the highest of theirs).
    pub lod: Option<String>,
    /// Number of BuildingParts aggregated (0 for a part or a Building without parts).
    pub parts: usize,
    /// Footprint area, m².
    pub footprint_area: Option<f64>,
    /// How the footprint was found (the weakest method any part needed).
    pub footprint_source: Option<FootprintMethod>,
    /// Ground height (absolute z).
    pub ground_height: Option<f64>,
    /// Lowest roof vertex (eave), absolute.
    pub roof_min: Option<f64>,
    /// Highest roof vertex (ridge), absolute.
    pub roof_max: Option<f64>,
    /// Roof shape.
    pub roof_form: Option<RoofForm>,
    /// Whether roofs came from `semantics` or from `up-facing` faces.
    pub roof_source: Option<&'static str>,
    /// Planning height above the ground height, m.
    pub height: Option<f64>,
    /// Volume, m³, or null.
    pub volume: Option<f64>,
    /// Why `volume` is null.
    pub volume_note: Option<String>,
    /// Total area of all faces, m².
    pub envelope_area: f64,
    /// Area per semantic surface type (`unclassified` without semantics), m².
    pub surface_areas: BTreeMap<String, f64>,
    /// Roof faces.
    pub roofs: Vec<RoofFace>,
    /// Wall area per compass sector (N, NE, ... NW), m².
    #[serde(serialize_with = "sectors")]
    pub wall_areas: [f64; 8],
    /// Storeys: the data's `storeysAboveGround`, else the estimate.
    pub storeys: Option<u32>,
    /// Where `storeys` comes from: `storeysAboveGround` or `estimate`.
    pub storeys_source: Option<&'static str>,
    /// Planning height / storey height, rounded, at least 1 (whatever the data says).
    pub storeys_estimate: Option<u32>,
    /// Estimated gross floor area, m².
    pub gross_floor_area: Option<f64>,
    /// (36π V²)^(1/3) / envelope area.
    pub compactness: Option<f64>,
    /// 1 − width/length of the minimum bounding rectangle of the footprint.
    pub elongation: Option<f64>,
    /// Footprint polygons in plan.
    #[serde(skip)]
    pub footprint: MultiPolygon<f64>,
    /// The absolute height the planning height reaches.
    #[serde(skip)]
    pub planning_top: Option<f64>,
}

fn sectors<S: Serializer>(v: &[f64; 8], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(8))?;
    for (name, value) in ORIENTATIONS.iter().zip(v) {
        m.serialize_entry(name, value)?;
    }
    m.end()
}

/// A Building's metrics and those of each of its parts.
#[derive(Debug, Clone, Serialize)]
pub struct BuildingMetrics {
    /// The Building (aggregated over its parts when it has any with geometry).
    #[serde(flatten)]
    pub building: Metrics,
    /// Each BuildingPart.
    #[serde(rename = "building_parts", skip_serializing_if = "Vec::is_empty")]
    pub part_metrics: Vec<Metrics>,
}

/// Metrics of the Building a feature holds; `None` when the feature's top-level object is not
/// a Building.
pub fn building_metrics(
    feature: &Feature,
    transform: &Transform,
    templates: Option<&GeometryTemplates>,
    options: &MetricsOptions,
) -> Option<BuildingMetrics> {
    let root = feature.root()?;
    if root.kind.as_str() != "Building" {
        return None;
    }
    let points = feature_points(feature, transform);
    let errors = options
        .validate
        .as_ref()
        .map(|opts| validation_errors(feature, transform, templates, opts))
        .unwrap_or_default();
    let measure = |o: &CityObject| {
        let mut m = object_metrics(o, &points, &feature.vertices, templates, options)?;
        let codes: Vec<u16> = errors
            .iter()
            .filter(|(id, lod, _)| *id == o.id && (lod.is_none() || *lod == m.lod))
            .map(|(_, _, code)| *code)
            .collect();
        if !codes.is_empty() && m.volume.is_some() {
            let mut codes = codes;
            codes.sort_unstable();
            codes.dedup();
            m.volume = None;
            m.compactness = None;
            m.volume_note = Some(crate::closed::NoVolume::Invalid(codes).to_string());
        }
        Some(m)
    };
    let part_metrics: Vec<Metrics> = feature
        .objects
        .iter()
        .filter(|o| o.kind.as_str() == "BuildingPart")
        .filter_map(measure)
        .collect();
    let building = if part_metrics.is_empty() {
        measure(root).unwrap_or_else(|| empty(root))
    } else {
        aggregate(root, &part_metrics, options)
    };
    Some(BuildingMetrics {
        building,
        part_metrics,
    })
}

/// (object id, LoD, code) of every geometric error the validation finds.
fn validation_errors(
    feature: &Feature,
    transform: &Transform,
    templates: Option<&GeometryTemplates>,
    opts: &urbis_validate::Options,
) -> Vec<(String, Option<String>, u16)> {
    urbis_validate::validate_feature(feature, transform, templates, opts)
        .into_iter()
        .flat_map(|r| {
            let id = r.id;
            r.issues
                .into_iter()
                .map(move |i| (id.clone(), i.lod, i.issue.code.0))
        })
        .collect()
}

fn empty(o: &CityObject) -> Metrics {
    Metrics {
        id: o.id.clone(),
        kind: o.kind.as_str().to_string(),
        lod: None,
        parts: 0,
        footprint_area: None,
        footprint_source: None,
        ground_height: None,
        roof_min: None,
        roof_max: None,
        roof_form: None,
        roof_source: None,
        height: None,
        volume: None,
        volume_note: Some("the object has no surface geometry".into()),
        envelope_area: 0.0,
        surface_areas: BTreeMap::new(),
        roofs: Vec::new(),
        wall_areas: [0.0; 8],
        storeys: None,
        storeys_source: None,
        storeys_estimate: None,
        gross_floor_area: None,
        compactness: None,
        elongation: None,
        footprint: MultiPolygon(Vec::new()),
        planning_top: None,
    }
}

/// Metrics of one object from its analysed geometry; `None` when it has no surface geometry.
pub fn object_metrics(
    object: &CityObject,
    points: &[[f64; 3]],
    keys: &[[i64; 3]],
    templates: Option<&GeometryTemplates>,
    options: &MetricsOptions,
) -> Option<Metrics> {
    let geometry = options.lod.choose(object, templates)?;
    let s = object_surfaces(geometry, points, keys, templates)?;
    let mut m = empty(object);
    m.lod = s.lod.clone();
    m.volume_note = None;
    let has_semantics = s.polygons.iter().any(|p| p.semantic.is_some());
    let (mut zmin, mut zmax) = (f64::INFINITY, f64::NEG_INFINITY);
    let mut ground_min = f64::INFINITY;
    let (mut flat_top, mut pitched_lo, mut pitched_hi) =
        (f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
    let (mut any_flat, mut any_pitched) = (false, false);
    let coords = s.coords();
    for (i, p) in s.polygons.iter().enumerate() {
        let a = area(coords.rings(i));
        let (lo, hi) = z_range(coords.corners(i));
        zmin = zmin.min(lo);
        zmax = zmax.max(hi);
        m.envelope_area += a;
        let kind = p.semantic.unwrap_or("unclassified");
        match m.surface_areas.get_mut(kind) {
            Some(sum) => *sum += a,
            None => {
                m.surface_areas.insert(kind.to_string(), a);
            }
        }
        let Some(n) = normal(coords.rings(i)) else {
            continue;
        };
        let slope = slope_degrees(n);
        if kind == "GroundSurface" {
            ground_min = ground_min.min(lo);
        }
        let is_roof = if has_semantics {
            kind == "RoofSurface"
        } else {
            n[2] > 0.1
        };
        let is_wall = if has_semantics {
            kind == "WallSurface"
        } else {
            slope >= 80.0
        };
        if is_roof {
            m.roofs.push(RoofFace {
                area: a,
                slope,
                azimuth: azimuth_degrees(n),
            });
            m.roof_min = Some(m.roof_min.map_or(lo, |v: f64| v.min(lo)));
            m.roof_max = Some(m.roof_max.map_or(hi, |v: f64| v.max(hi)));
            if slope <= options.flat_roof_slope {
                any_flat = true;
                flat_top = flat_top.max(hi);
            } else {
                any_pitched = true;
                pitched_lo = pitched_lo.min(lo);
                pitched_hi = pitched_hi.max(hi);
            }
        } else if is_wall {
            if let Some(az) = azimuth_degrees(n) {
                m.wall_areas[orientation_sector(az)] += a;
            }
        }
    }
    if !zmin.is_finite() {
        return None;
    }
    if !m.roofs.is_empty() {
        m.roof_source = Some(if has_semantics {
            "semantics"
        } else {
            "up-facing"
        });
    }
    m.ground_height = Some(if ground_min.is_finite() {
        ground_min
    } else {
        zmin
    });
    m.roof_form = match (any_flat, any_pitched) {
        (true, true) => Some(RoofForm::Mixed),
        (true, false) => Some(RoofForm::Flat),
        (false, true) => Some(RoofForm::Pitched),
        (false, false) => None,
    };
    let pitched_mean = (pitched_lo + pitched_hi) / 2.0;
    m.planning_top = Some(match m.roof_form {
        Some(RoofForm::Flat) => flat_top,
        Some(RoofForm::Pitched) => pitched_mean,
        Some(RoofForm::Mixed) => flat_top.max(pitched_mean),
        None => zmax,
    });
    match volume(&s, &coords) {
        Ok(v) => m.volume = Some(v),
        Err(reason) => m.volume_note = Some(reason.to_string()),
    }
    if let Some(f) = object_footprint(&s, &coords, object, points, keys, templates) {
        m.footprint_area = Some(f.area);
        m.footprint_source = Some(f.method);
        m.footprint = f.polygons;
    }
    finish(&mut m, object, options);
    Some(m)
}

fn z_range(points: &[[f64; 3]]) -> (f64, f64) {
    points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p[2]), hi.max(p[2]))
        })
}

/// The figures derived from the measured ones: height, storeys, floor area, shape indices.
fn finish(m: &mut Metrics, object: &CityObject, options: &MetricsOptions) {
    m.height = match (m.planning_top, m.ground_height) {
        (Some(top), Some(ground)) => Some(top - ground),
        _ => None,
    };
    let estimate = m
        .height
        .filter(|h| *h > 0.0)
        .map(|h| ((h / options.storey_height).round() as u32).max(1));
    let given = storeys_above_ground(object);
    if m.parts == 0 {
        m.storeys_estimate = estimate;
        (m.storeys, m.storeys_source) = match (given, estimate) {
            (Some(s), _) => (Some(s), Some(STOREYS_GIVEN)),
            (None, Some(e)) => (Some(e), Some(STOREYS_ESTIMATED)),
            (None, None) => (None, None),
        };
        m.gross_floor_area = match (m.footprint_area, m.storeys) {
            (Some(a), Some(s)) => Some(a * f64::from(s)),
            _ => None,
        };
    } else {
        // Parts set storeys, their source and the floor area; the Building's own figure wins.
        m.storeys_estimate = estimate;
        if let Some(s) = given {
            m.storeys = Some(s);
            m.storeys_source = Some(STOREYS_GIVEN);
        }
    }
    m.compactness = m
        .volume
        .filter(|_| m.envelope_area > 0.0)
        .map(|v| (36.0 * std::f64::consts::PI * v * v).cbrt() / m.envelope_area);
    m.elongation = elongation(&m.footprint);
}

/// A Building's figures from its parts: areas, volumes and floor areas add up; heights are
/// taken from the lowest ground and the highest planning top; storeys are the most of any part.
fn aggregate(root: &CityObject, parts: &[Metrics], options: &MetricsOptions) -> Metrics {
    let mut m = empty(root);
    m.volume_note = None;
    m.parts = parts.len();
    let mut volume = Some(0.0);
    for p in parts {
        if lod_key(&p.lod) > lod_key(&m.lod) {
            m.lod = p.lod.clone();
        }
        m.footprint_area = add(m.footprint_area, p.footprint_area);
        m.footprint_source = m.footprint_source.max(p.footprint_source);
        m.footprint.0.extend(p.footprint.0.iter().cloned());
        m.ground_height = min(m.ground_height, p.ground_height);
        m.roof_min = min(m.roof_min, p.roof_min);
        m.roof_max = max(m.roof_max, p.roof_max);
        m.planning_top = max(m.planning_top, p.planning_top);
        m.roof_form = match (m.roof_form, p.roof_form) {
            (None, f) | (f, None) => f,
            (Some(a), Some(b)) if a == b => Some(a),
            _ => Some(RoofForm::Mixed),
        };
        if m.roof_source.is_none() || p.roof_source == Some("up-facing") {
            m.roof_source = p.roof_source.or(m.roof_source);
        }
        match (volume, p.volume) {
            (Some(v), Some(pv)) => volume = Some(v + pv),
            (Some(_), None) => {
                volume = None;
                let why = p.volume_note.as_deref().unwrap_or("no volume");
                m.volume_note = Some(format!("part {}: {why}", p.id));
            }
            _ => {}
        }
        m.envelope_area += p.envelope_area;
        for (k, v) in &p.surface_areas {
            *m.surface_areas.entry(k.clone()).or_insert(0.0) += v;
        }
        m.roofs.extend(p.roofs.iter().cloned());
        for (w, pw) in m.wall_areas.iter_mut().zip(p.wall_areas) {
            *w += pw;
        }
        if p.storeys > m.storeys {
            m.storeys = p.storeys;
            m.storeys_source = p.storeys_source;
        }
        m.gross_floor_area = add(m.gross_floor_area, p.gross_floor_area);
    }
    m.volume = volume;
    finish(&mut m, root, options);
    m
}

/// `storeys_source` of a figure from the data (the attribute it comes from).
pub const STOREYS_GIVEN: &str = "storeysAboveGround";
/// `storeys_source` of a figure estimated from the height.
const STOREYS_ESTIMATED: &str = "estimate";

/// The object's `storeysAboveGround` when it is a whole number of at least 1 (a JSON number
/// or a numeric string, as CityGML gives it).
fn storeys_above_ground(object: &CityObject) -> Option<u32> {
    let v = object.attributes.as_ref()?.get("storeysAboveGround")?;
    let n = match v {
        serde_json::Value::Number(n) => n.as_f64()?,
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (n >= 1.0 && n.fract() == 0.0 && n < 1000.0).then_some(n as u32)
}

fn lod_key(lod: &Option<String>) -> f64 {
    urbis_model::lod::lod_value(lod.as_deref())
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    }
}

fn min(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
