//! Metrics as CSV rows and GeoJSON features.

use crate::metrics::{BuildingMetrics, Metrics};
use crate::polygon::ORIENTATIONS;
use geo::MultiPolygon;
use serde_json::{json, Map, Value};

/// The CSV columns, one row per Building and per BuildingPart.
pub const CSV_COLUMNS: &[&str] = &[
    "id",
    "type",
    "building",
    "parts",
    "lod",
    "footprint_area",
    "footprint_source",
    "ground_height",
    "roof_min",
    "roof_max",
    "roof_form",
    "height",
    "volume",
    "volume_note",
    "envelope_area",
    "roof_area",
    "wall_area",
    "ground_area",
    "wall_N",
    "wall_NE",
    "wall_E",
    "wall_SE",
    "wall_S",
    "wall_SW",
    "wall_W",
    "wall_NW",
    "storeys",
    "storeys_source",
    "storeys_estimate",
    "gross_floor_area",
    "compactness",
    "elongation",
];

/// The CSV header line.
pub fn csv_header() -> String {
    CSV_COLUMNS.join(",")
}

/// The CSV lines of a Building: itself, then each part.
pub fn csv_rows(b: &BuildingMetrics) -> Vec<String> {
    std::iter::once(&b.building)
        .chain(&b.part_metrics)
        .map(|m| csv_row(m, &b.building.id))
        .collect()
}

fn csv_row(m: &Metrics, building: &str) -> String {
    let num = |v: Option<f64>| v.map(|v| format!("{v}")).unwrap_or_default();
    let area = |k: &str| format!("{}", m.surface_areas.get(k).copied().unwrap_or(0.0));
    let mut cells = vec![
        quote(&m.id),
        quote(&m.kind),
        quote(building),
        m.parts.to_string(),
        quote(m.lod.as_deref().unwrap_or("")),
        num(m.footprint_area),
        value_text(&serde_json::to_value(m.footprint_source).unwrap_or(Value::Null)),
        num(m.ground_height),
        num(m.roof_min),
        num(m.roof_max),
        value_text(&serde_json::to_value(m.roof_form).unwrap_or(Value::Null)),
        num(m.height),
        num(m.volume),
        quote(m.volume_note.as_deref().unwrap_or("")),
        format!("{}", m.envelope_area),
        format!("{}", roof_area(m)),
        format!("{}", m.wall_areas.iter().sum::<f64>()),
        area("GroundSurface"),
    ];
    cells.extend(m.wall_areas.iter().map(|w| format!("{w}")));
    cells.push(m.storeys.map(|s| s.to_string()).unwrap_or_default());
    cells.push(m.storeys_source.unwrap_or("").to_string());
    cells.push(
        m.storeys_estimate
            .map(|s| s.to_string())
            .unwrap_or_default(),
    );
    cells.push(num(m.gross_floor_area));
    cells.push(num(m.compactness));
    cells.push(num(m.elongation));
    cells.join(",")
}

/// Total area of the roof faces (RoofSurfaces, or faces pointing up without semantics).
fn roof_area(m: &Metrics) -> f64 {
    m.roofs.iter().map(|r| r.area).sum()
}

fn value_text(v: &Value) -> String {
    v.as_str().unwrap_or("").to_string()
}

/// A CSV cell, quoted when it needs to be.
pub fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The scalar figures of one object as GeoJSON properties (`wall_N`... for wall areas,
/// `roof_area`...).
pub fn properties(m: &Metrics) -> Map<String, Value> {
    let mut p = Map::new();
    if let Ok(Value::Object(all)) = serde_json::to_value(m) {
        for (k, v) in all {
            match v {
                Value::Object(_) | Value::Array(_) => {}
                v => {
                    p.insert(k, v);
                }
            }
        }
    }
    p.insert("roof_area".into(), json!(roof_area(m)));
    p.insert("wall_area".into(), json!(m.wall_areas.iter().sum::<f64>()));
    p.insert(
        "ground_area".into(),
        json!(m.surface_areas.get("GroundSurface").copied().unwrap_or(0.0)),
    );
    for (name, w) in ORIENTATIONS.iter().zip(m.wall_areas) {
        p.insert(format!("wall_{name}"), json!(w));
    }
    p
}

/// A Building as a GeoJSON feature: its footprint and its figures.
pub fn geojson_feature(b: &BuildingMetrics) -> Value {
    json!({
        "type": "Feature",
        "id": b.building.id,
        "geometry": multipolygon(&b.building.footprint),
        "properties": properties(&b.building),
    })
}

/// The (pre-RFC 7946, GDAL-read) `crs` member naming an EPSG CRS, for GeoJSON written in the
/// model's CRS rather than WGS 84.
pub fn geojson_crs(code: u32) -> Value {
    json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{code}")}})
}

/// A GeoJSON MultiPolygon (rings closed), or null when empty.
pub fn multipolygon(mp: &MultiPolygon<f64>) -> Value {
    if mp.0.is_empty() {
        return Value::Null;
    }
    let ring = |l: &geo::LineString<f64>| -> Value {
        let mut pts: Vec<[f64; 2]> = l.0.iter().map(|c| [c.x, c.y]).collect();
        if pts.first() != pts.last() {
            if let Some(&f) = pts.first() {
                pts.push(f);
            }
        }
        json!(pts)
    };
    let polygons: Vec<Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect();
    json!({"type": "MultiPolygon", "coordinates": polygons})
}
