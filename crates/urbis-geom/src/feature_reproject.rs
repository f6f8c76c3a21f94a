//! Reprojecting whole features: every vertex (x/y converted, z kept) and object extent, with
//! the transform re-chosen for the target CRS; and the UTM zone that measures geographic data
//! in metres.

use crate::reproject::{ReprojectError, Reprojector};
use serde_json::Value;
use urbis_model::{Crs, Feature, Header, Transform};

/// Why features cannot be reprojected.
#[derive(Debug, thiserror::Error)]
pub enum FeatureReprojectError {
    /// The model names no CRS.
    #[error("the model has no referenceSystem: its CRS is unknown (name it with --crs EPSG:CODE)")]
    NoCrs,
    /// A CRS urbis reads only by EPSG code.
    #[error("only EPSG codes are supported, not {0}")]
    NotEpsg(String),
    /// The conversion itself.
    #[error(transparent)]
    Reproject(#[from] ReprojectError),
    /// A converted point the target transform cannot hold.
    #[error("feature {feature}: {point:?} cannot be quantised")]
    Quantise {
        /// The feature id.
        feature: String,
        /// The converted point.
        point: [f64; 3],
    },
    /// A point the conversion refuses.
    #[error("feature {feature}: {source}")]
    Point {
        /// The feature id.
        feature: String,
        /// Why.
        source: ReprojectError,
    },
}

/// Reprojects features from a header's CRS to a target CRS.
pub struct FeatureReprojector {
    r: Reprojector,
    from_t: Transform,
    to_t: Transform,
}

impl FeatureReprojector {
    /// A reprojector from `header`'s CRS to EPSG:`to`, and the header to write; `Ok(None)` when
    /// the header already is in that CRS.
    pub fn new(header: &Header, to: u32) -> Result<Option<(Self, Header)>, FeatureReprojectError> {
        let source = header.crs().ok_or(FeatureReprojectError::NoCrs)?;
        let from = source
            .epsg_code()
            .ok_or_else(|| FeatureReprojectError::NotEpsg(source.to_string()))?;
        if from == to {
            return Ok(None);
        }
        let r = Reprojector::new(from, to)?;
        let from_t = header.transform;
        let origin = r.point(from_t.translate)?;
        let source_geographic = crate::axes::crs_facts(from).is_some_and(|f| f.geographic);
        let scale = if r.target_is_geographic() {
            // 1e-9° is 0.1 mm on the ground, as the CityGML reader quantises degrees.
            [1e-9, 1e-9, from_t.scale[2]]
        } else if source_geographic {
            [1e-3, 1e-3, from_t.scale[2]]
        } else {
            from_t.scale
        };
        let translate = [
            (origin[0] / scale[0]).round() * scale[0],
            (origin[1] / scale[1]).round() * scale[1],
            from_t.translate[2],
        ];
        let to_t = Transform { scale, translate };
        let mut header = header.clone();
        if let Some(m) = header.metadata.as_mut() {
            m.insert(
                "referenceSystem".into(),
                Value::String(Crs::epsg(to).to_url()),
            );
            m.remove("geographicalExtent");
        }
        header.transform = to_t;
        Ok(Some((FeatureReprojector { r, from_t, to_t }, header)))
    }

    /// Reprojects one feature's vertices and object extents.
    pub fn apply(&self, f: &mut Feature) -> Result<(), FeatureReprojectError> {
        let r = &self.r;
        let point = |p: [f64; 3]| {
            r.point(p).map_err(|source| FeatureReprojectError::Point {
                feature: f.id.clone(),
                source,
            })
        };
        for v in &mut f.vertices {
            let p = point(self.from_t.apply(*v))?;
            *v = self
                .to_t
                .quantize(p)
                .ok_or_else(|| FeatureReprojectError::Quantise {
                    feature: f.id.clone(),
                    point: p,
                })?;
        }
        for o in &mut f.objects {
            if let Some(e) = o.geographical_extent.as_mut() {
                let lo = point([e[0], e[1], e[2]])?;
                let hi = point([e[3], e[4], e[5]])?;
                *e = [
                    lo[0].min(hi[0]),
                    lo[1].min(hi[1]),
                    e[2],
                    lo[0].max(hi[0]),
                    lo[1].max(hi[1]),
                    e[5],
                ];
            }
        }
        Ok(())
    }
}

/// When EPSG:`code` is geographic (degrees), the WGS 84 UTM zone (EPSG:326xx north, 327xx
/// south) of `lon`, `lat`, in which to measure in metres; `None` for a projected CRS.
pub fn metric_crs_for(code: u32, lon: f64, lat: f64) -> Option<u32> {
    if !crate::axes::crs_facts(code).is_some_and(|f| f.geographic) {
        return None;
    }
    let zone = (((lon + 180.0) / 6.0).floor() as i64).clamp(0, 59) as u32 + 1;
    Some(if lat >= 0.0 { 32600 } else { 32700 } + zone)
}

#[cfg(test)]
mod tests {
    use super::metric_crs_for;

    #[test]
    fn utm_zones_of_tokyo_munich_and_sydney() {
        assert_eq!(metric_crs_for(6697, 139.76, 35.68), Some(32654));
        assert_eq!(metric_crs_for(4326, 11.57, 48.14), Some(32632));
        assert_eq!(metric_crs_for(4979, 151.2, -33.87), Some(32756));
        assert_eq!(metric_crs_for(25832, 11.57, 48.14), None);
    }
}
