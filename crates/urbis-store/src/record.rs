//! A feature as a store keeps it: the CityJSONFeature text plus what queries and servers need
//! precomputed (extent, footprints, properties, dates), so serving a map view never parses or
//! reprojects geometry.

use crate::{AttributeType, Result, StoreError};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt::Write as _;
use urbis_geom::{footprint, Reprojector};
use urbis_model::{Feature, Transform};

/// One stored feature.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The feature id (its top-level object's id).
    pub id: String,
    /// Ids of every object in the feature, the top-level one first.
    pub object_ids: Vec<String>,
    /// The top-level object's CityJSON type.
    pub kind: String,
    /// GeoJSON properties: `{"type": kind, ...attributes of the top-level object}`.
    pub properties: String,
    /// Names of the top-level object's attributes (the collection's queryables) and the JSON
    /// type of each value (`None` for null).
    pub attributes: Vec<(String, Option<AttributeType>)>,
    /// Real-coordinate extent `[minx, miny, minz, maxx, maxy, maxz]` in the native CRS; `None`
    /// for a feature without vertices.
    pub bbox: Option<[f64; 6]>,
    /// Extent in CRS84 `[minlon, minlat, maxlon, maxlat]`, when the CRS is known.
    pub lonlat: Option<[f64; 4]>,
    /// The footprint as a GeoJSON geometry in CRS84, when the CRS is known.
    pub footprint: Option<String>,
    /// The footprint as a GeoJSON geometry in the native CRS.
    pub footprint_native: Option<String>,
    /// Start and end of the feature's lifespan (`creationDate`, `terminationDate`), ISO 8601.
    pub datetime: [Option<String>; 2],
    /// The CityJSONFeature (one line of JSON without the newline; vertices quantised with the
    /// collection's transform), packed by [`crate::body::pack`].
    pub body: Vec<u8>,
}

/// Makes [`Record`]s for one collection (its transform and CRS).
pub struct RecordBuilder {
    transform: Transform,
    to_lonlat: Option<Reprojector>,
    native_is_lonlat: bool,
    warning: Option<String>,
}

use urbis_geom::reproject::LONLAT_CODES as GEOGRAPHIC;

impl RecordBuilder {
    /// A builder for a collection with `transform` in EPSG:`crs`. With no CRS, or one urbis
    /// cannot convert to CRS84 (see [`RecordBuilder::warning`]), records have no CRS84
    /// footprint or extent: never a guessed one.
    pub fn new(transform: Transform, crs: Option<u32>) -> RecordBuilder {
        let native_is_lonlat = crs.is_some_and(|c| GEOGRAPHIC.contains(&c));
        let mut warning = None;
        let to_lonlat = match crs {
            Some(code) if !native_is_lonlat => match Reprojector::new(code, 4326) {
                Ok(r) => Some(r),
                Err(e) => {
                    warning = Some(format!(
                        "EPSG:{code} cannot be converted to CRS84 ({e}): features get no longitude/latitude footprint"
                    ));
                    None
                }
            },
            None => {
                warning = Some("no CRS: features get no longitude/latitude footprint".into());
                None
            }
            Some(_) => None,
        };
        RecordBuilder {
            transform,
            to_lonlat,
            native_is_lonlat,
            warning,
        }
    }

    /// Why records will lack CRS84 geometry, if they will.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// The record of a feature; an error names the feature and what is wrong with it.
    pub fn record(&self, f: &Feature) -> Result<Record> {
        let bad = |message: String| StoreError::BadFeature {
            id: f.id.clone(),
            message,
        };
        let root = f
            .root()
            .ok_or_else(|| bad("its top-level object is missing".into()))?;
        if let Err((object, e)) = f.check_vertex_indices() {
            return Err(bad(format!("object \"{object}\": {e}")));
        }
        let bbox = extent(f, &self.transform);
        let footprint = footprint(f, &self.transform);
        let mut footprint_native = None;
        let mut footprint_lonlat = None;
        let mut lonlat = None;
        if let Some(fp) = &footprint {
            footprint_native = Some(geojson_geometry(&fp.polygons, 1e3));
            let polygons = if self.native_is_lonlat {
                Some(fp.polygons.clone())
            } else if let Some(r) = &self.to_lonlat {
                // Rings repeat points (closing points, walls shared by parts): convert each
                // distinct point once.
                let mut done: HashMap<[u64; 2], [f64; 2]> = HashMap::new();
                let mut convert = |q: &[f64; 2]| {
                    let key = [q[0].to_bits(), q[1].to_bits()];
                    if let Some(p) = done.get(&key) {
                        return Ok(*p);
                    }
                    let o = r.point([q[0], q[1], 0.0])?;
                    done.insert(key, [o[0], o[1]]);
                    Ok::<_, urbis_geom::ReprojectError>([o[0], o[1]])
                };
                let converted: std::result::Result<Vec<Vec<Vec<[f64; 2]>>>, _> = fp
                    .polygons
                    .iter()
                    .map(|p| {
                        p.iter()
                            .map(|ring| ring.iter().map(&mut convert).collect())
                            .collect()
                    })
                    .collect();
                // A position the projection cannot invert (fake or out-of-area coordinates)
                // leaves the feature without CRS84 geometry rather than failing it.
                converted.ok()
            } else {
                None
            };
            if let Some(p) = polygons {
                let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
                for q in p.iter().flatten().flatten() {
                    b = [
                        b[0].min(q[0]),
                        b[1].min(q[1]),
                        b[2].max(q[0]),
                        b[3].max(q[1]),
                    ];
                }
                lonlat = Some(b);
                footprint_lonlat = Some(geojson_geometry(&p, 1e7));
            }
        }
        let mut properties = serde_json::Map::new();
        properties.insert("type".into(), Value::String(root.kind.as_str().to_string()));
        let mut datetime = [None, None];
        if let Some(attributes) = &root.attributes {
            for (k, v) in attributes {
                if k != "type" {
                    properties.insert(k.clone(), v.clone());
                }
            }
            for (slot, name) in ["creationDate", "terminationDate"].iter().enumerate() {
                datetime[slot] = attributes
                    .get(*name)
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
        }
        let mut body = urbis_cityjson::feature_line(f);
        if body.last() == Some(&b'\n') {
            body.pop();
        }
        Ok(Record {
            id: f.id.clone(),
            object_ids: f.objects.iter().map(|o| o.id.clone()).collect(),
            kind: root.kind.as_str().to_string(),
            attributes: root
                .attributes
                .iter()
                .flat_map(|a| a.iter())
                .map(|(k, v)| (k.clone(), AttributeType::of(v)))
                .collect(),
            properties: Value::Object(properties).to_string(),
            bbox,
            lonlat,
            footprint: footprint_lonlat,
            footprint_native,
            datetime,
            body: crate::body::pack(&body),
        })
    }
}

/// The real-coordinate extent of a feature's vertices.
fn extent(f: &Feature, t: &Transform) -> Option<[f64; 6]> {
    let mut lo = [i64::MAX; 3];
    let mut hi = [i64::MIN; 3];
    for v in &f.vertices {
        for k in 0..3 {
            lo[k] = lo[k].min(v[k]);
            hi[k] = hi[k].max(v[k]);
        }
    }
    if f.vertices.is_empty() {
        return None;
    }
    let (a, b) = (t.apply(lo), t.apply(hi));
    Some([
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].min(b[2]),
        a[0].max(b[0]),
        a[1].max(b[1]),
        a[2].max(b[2]),
    ])
}

/// A GeoJSON Polygon or MultiPolygon, coordinates rounded to `1/precision`.
pub fn geojson_geometry(polygons: &[Vec<Vec<[f64; 2]>>], precision: f64) -> String {
    let mut out = String::with_capacity(64 + 40 * polygons.len());
    let ring = |out: &mut String, ring: &[[f64; 2]]| {
        out.push('[');
        for (i, p) in ring.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(
                out,
                "[{},{}]",
                (p[0] * precision).round() / precision,
                (p[1] * precision).round() / precision
            );
        }
        out.push(']');
    };
    let polygon = |out: &mut String, rings: &[Vec<[f64; 2]>]| {
        out.push('[');
        for (i, r) in rings.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            ring(out, r);
        }
        out.push(']');
    };
    if let [single] = polygons {
        out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
        polygon(&mut out, single);
    } else {
        out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
        for (i, p) in polygons.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            polygon(&mut out, p);
        }
        out.push(']');
    }
    out.push('}');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use urbis_model::synthetic::{features, header, CitySpec};

    #[test]
    fn synthetic_building_record_has_a_footprint_in_delft() {
        let spec = CitySpec {
            buildings: 2,
            ..CitySpec::default()
        };
        let h = header(&spec);
        let b = RecordBuilder::new(h.transform, Some(7415));
        let f = features(spec).next().expect("one");
        let r = b.record(&f).expect("record");
        let ll = r.lonlat.expect("lonlat");
        // Delft: about 4.3 E, 52.0 N.
        assert!(
            (4.2..4.5).contains(&ll[0]) && (51.9..52.1).contains(&ll[1]),
            "{ll:?}"
        );
        let g: Value = serde_json::from_str(r.footprint.as_deref().expect("fp")).expect("json");
        assert_eq!(g["type"], "Polygon");
        let p: Value = serde_json::from_str(&r.properties).expect("json");
        assert_eq!(p["type"], "Building");
        let body = crate::body::unpack(&r.body).expect("unpack");
        assert!(body.starts_with(b"{\"type\":\"CityJSONFeature\""));
    }

    #[test]
    fn out_of_range_vertex_is_a_bad_feature_naming_the_object() {
        let spec = CitySpec {
            buildings: 1,
            ..CitySpec::default()
        };
        let h = header(&spec);
        let b = RecordBuilder::new(h.transform, Some(7415));
        let mut f = features(spec).next().expect("one");
        f.vertices.truncate(2);
        let e = b.record(&f).expect_err("must fail").to_string();
        assert!(e.contains(&f.id), "{e}");
    }
}
