//! CRS handling for OGC API – Features Part 2: CRS84 by default, EPSG:4326 (latitude first)
//! and the collection's native CRS on request.

use crate::error::ApiError;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use urbis_geom::Reprojector;

/// OGC CRS84 (longitude, latitude).
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// OGC CRS84h (longitude, latitude, ellipsoidal height).
pub const CRS84H: &str = "http://www.opengis.net/def/crs/OGC/0/CRS84h";

/// The URI of an EPSG CRS.
pub fn epsg_uri(code: u32) -> String {
    format!("http://www.opengis.net/def/crs/EPSG/0/{code}")
}

/// A CRS a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestCrs {
    /// CRS84: longitude, latitude.
    Crs84,
    /// EPSG:4326: latitude, longitude.
    Epsg4326,
    /// The collection's own CRS.
    Native(u32),
}

impl RequestCrs {
    /// The URI.
    pub fn uri(self) -> String {
        match self {
            RequestCrs::Crs84 => CRS84.into(),
            RequestCrs::Epsg4326 => epsg_uri(4326),
            RequestCrs::Native(c) => epsg_uri(c),
        }
    }
}

/// Reads a `crs`/`bbox-crs`/`filter-crs` value: a URI, a safe CURIE `[EPSG:4326]` or
/// `EPSG:4326`; only CRS84, EPSG:4326 and the native CRS are offered.
pub fn parse_crs(value: &str, native: Option<u32>) -> Result<RequestCrs, ApiError> {
    let v = value.trim().trim_start_matches('[').trim_end_matches(']');
    let lower = v.to_ascii_lowercase();
    if lower == CRS84.to_ascii_lowercase()
        || lower == CRS84H.to_ascii_lowercase()
        || lower == "ogc:crs84"
        || lower == "crs84"
    {
        return Ok(RequestCrs::Crs84);
    }
    let code = lower
        .strip_prefix("http://www.opengis.net/def/crs/epsg/0/")
        .or_else(|| lower.strip_prefix("https://www.opengis.net/def/crs/epsg/0/"))
        .or_else(|| lower.strip_prefix("epsg:"))
        .and_then(|c| c.parse::<u32>().ok());
    match code {
        Some(4326) => Ok(RequestCrs::Epsg4326),
        Some(c) if Some(c) == native => Ok(RequestCrs::Native(c)),
        _ => Err(ApiError::bad(format!(
            "CRS {value} is not offered (use {CRS84}, {}{})",
            epsg_uri(4326),
            native
                .map(|c| format!(" or {}", epsg_uri(c)))
                .unwrap_or_default()
        ))),
    }
}

/// Converters from CRS84 to native CRSs, made once per code.
#[derive(Default)]
pub struct Converters {
    made: Mutex<HashMap<u32, Option<Arc<Reprojector>>>>,
}

use urbis_geom::reproject::LONLAT_CODES as GEOGRAPHIC;

impl Converters {
    /// A function from CRS84 (lon, lat) to the native CRS `code`; `None` when urbis cannot
    /// convert to it.
    pub fn lonlat_to_native(&self, code: u32) -> Option<Arc<Reprojector>> {
        let mut made = self.made.lock().ok()?;
        made.entry(code)
            .or_insert_with(|| Reprojector::new(4326, code).ok().map(Arc::new))
            .clone()
    }

    /// Converts a point given in `crs` (in that CRS's axis order) to the native CRS.
    pub fn to_native(&self, crs: RequestCrs, native: Option<u32>, p: [f64; 2]) -> Option<[f64; 2]> {
        let lonlat = match crs {
            RequestCrs::Native(_) => return Some(p),
            RequestCrs::Crs84 => p,
            RequestCrs::Epsg4326 => [p[1], p[0]],
        };
        let code = native?;
        if GEOGRAPHIC.contains(&code) {
            return Some(lonlat);
        }
        let r = self.lonlat_to_native(code)?;
        r.point([lonlat[0], lonlat[1], 0.0])
            .ok()
            .map(|q| [q[0], q[1]])
    }

    /// The native envelope of a box given in `crs`, its edges sampled so that the curved
    /// image of the box is covered.
    pub fn bbox_to_native(
        &self,
        crs: RequestCrs,
        native: Option<u32>,
        b: [f64; 4],
    ) -> Option<[f64; 4]> {
        const STEPS: usize = 4;
        let mut out = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for i in 0..=STEPS {
            let t = i as f64 / STEPS as f64;
            let x = b[0] + (b[2] - b[0]) * t;
            let y = b[1] + (b[3] - b[1]) * t;
            for p in [[x, b[1]], [x, b[3]], [b[0], y], [b[2], y]] {
                let q = self.to_native(crs, native, p)?;
                out = [
                    out[0].min(q[0]),
                    out[1].min(q[1]),
                    out[2].max(q[0]),
                    out[3].max(q[1]),
                ];
            }
        }
        // A feature's CRS84 extent is a little larger than its native one turned, so a box
        // can meet the first and not the second: widen the index search (the exact test on
        // CRS84 extents follows) by 2 % of the box and 50 m.
        if native.is_some_and(|c| !GEOGRAPHIC.contains(&c)) && !matches!(crs, RequestCrs::Native(_))
        {
            let pad = 0.02 * (out[2] - out[0]).max(out[3] - out[1]) + 50.0;
            out = [out[0] - pad, out[1] - pad, out[2] + pad, out[3] + pad];
        }
        Some(out)
    }
}

/// Swaps every coordinate pair of a GeoJSON geometry (CRS84 to EPSG:4326 axis order).
pub fn swap_axes(geometry: &str) -> Option<String> {
    fn walk(v: &mut serde_json::Value) {
        if let Some(a) = v.as_array_mut() {
            if a.len() >= 2 && a.iter().all(|x| x.is_number()) {
                a.swap(0, 1);
            } else {
                a.iter_mut().for_each(walk);
            }
        }
    }
    let mut g: serde_json::Value = serde_json::from_str(geometry).ok()?;
    if let Some(c) = g.get_mut("coordinates") {
        walk(c);
    }
    Some(g.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn crs_names() {
        assert_eq!(parse_crs(CRS84, Some(7415)).unwrap(), RequestCrs::Crs84);
        assert_eq!(
            parse_crs("[EPSG:4326]", None).unwrap(),
            RequestCrs::Epsg4326
        );
        assert_eq!(
            parse_crs("http://www.opengis.net/def/crs/EPSG/0/7415", Some(7415)).unwrap(),
            RequestCrs::Native(7415)
        );
        assert!(parse_crs("EPSG:3857", Some(7415)).is_err());
        assert!(parse_crs("nonsense", None).is_err());
    }

    #[test]
    fn delft_box_lands_in_rd() {
        let c = Converters::default();
        let b = c
            .bbox_to_native(RequestCrs::Crs84, Some(28992), [4.35, 52.0, 4.36, 52.01])
            .unwrap();
        assert!(
            b[0] > 80_000.0 && b[2] < 90_000.0 && b[1] > 440_000.0 && b[3] < 450_000.0,
            "{b:?}"
        );
        let swapped = c
            .bbox_to_native(RequestCrs::Epsg4326, Some(28992), [52.0, 4.35, 52.01, 4.36])
            .unwrap();
        assert_eq!(b, swapped);
        assert_eq!(
            swap_axes(r#"{"type":"Point","coordinates":[4.3,52.0]}"#).unwrap(),
            r#"{"type":"Point","coordinates":[52.0,4.3]}"#
        );
    }
}
