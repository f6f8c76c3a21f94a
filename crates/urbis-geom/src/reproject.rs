//! Reprojection between EPSG coordinate reference systems (proj4rs with the EPSG definitions of
//! `crs-definitions`).
//!
//! Axis order: urbis always keeps coordinates in easting/northing order, so for a geographic CRS
//! x is the longitude and y the latitude, in degrees (as GeoJSON and CityJSON practice have it),
//! whatever the EPSG register lists as the axis order. Heights (z) are kept as they are: this
//! converts horizontal positions only, and says so rather than apply a vertical shift it cannot
//! do correctly (proj4rs would treat z as an ellipsoidal height).

use proj4rs::proj::Proj;

/// Why a reprojection cannot be set up or done.
#[derive(Debug, thiserror::Error)]
pub enum ReprojectError {
    /// The EPSG code is not in urbis's table of definitions.
    #[error("EPSG:{0} is not a coordinate reference system urbis knows (no definition for it)")]
    UnknownCode(u32),
    /// The definition needs a grid file or a feature proj4rs does not provide.
    #[error("EPSG:{code} needs {what}, which urbis cannot apply; refusing rather than giving wrong coordinates")]
    Unsupported {
        /// The EPSG code.
        code: u32,
        /// What is missing.
        what: String,
    },
    /// proj4rs rejected the definition or a point.
    #[error("reprojection failed: {0}")]
    Proj(String),
}

/// EPSG codes whose x/y urbis keeps as longitude/latitude in degrees (WGS 84 and ETRS89, 2D
/// and 3D): nothing to convert to reach CRS84.
pub const LONLAT_CODES: [u32; 4] = [4326, 4979, 4258, 4937];

/// Converts points from one EPSG CRS to another.
pub struct Reprojector {
    src: Proj,
    dst: Proj,
    src_degrees: bool,
    dst_degrees: bool,
}

fn definition(code: u32) -> Result<Proj, ReprojectError> {
    let def = u16::try_from(code)
        .ok()
        .and_then(crs_definitions::from_code)
        .ok_or(ReprojectError::UnknownCode(code))?;
    let text = def.proj4;
    for (needle, what) in [
        ("+nadgrids=", "a datum grid file"),
        ("+geoidgrids=", "a geoid grid file"),
    ] {
        if let Some(pos) = text.find(needle) {
            let value = text[pos + needle.len()..]
                .split_whitespace()
                .next()
                .unwrap_or("");
            if value != "@null" {
                return Err(ReprojectError::Unsupported {
                    code,
                    what: format!("{what} ({value})"),
                });
            }
        }
    }
    if text.trim().is_empty() {
        return Err(ReprojectError::Unsupported {
            code,
            what: "a definition proj4 can express".into(),
        });
    }
    Proj::from_proj_string(text).map_err(|e| ReprojectError::Proj(format!("EPSG:{code}: {e}")))
}

impl Reprojector {
    /// A converter from `from` to `to` (EPSG codes, compound ones included).
    ///
    /// ```
    /// use urbis_geom::Reprojector;
    /// // The origin of Dutch RD (EPSG:28992), the Amersfoort tower, to WGS 84 (EPSG:4326):
    /// // 52.15517440 N, 5.38720621 E (published), here within about a metre.
    /// let r = Reprojector::new(28992, 4326).unwrap();
    /// let p = r.point([155_000.0, 463_000.0, 10.0]).unwrap();
    /// assert!((p[0] - 5.38720621).abs() < 2e-5 && (p[1] - 52.15517440).abs() < 2e-5, "{p:?}");
    /// assert_eq!(p[2], 10.0);
    /// ```
    pub fn new(from: u32, to: u32) -> Result<Self, ReprojectError> {
        let src = definition(from)?;
        let dst = definition(to)?;
        let (src_degrees, dst_degrees) = (src.is_latlong(), dst.is_latlong());
        Ok(Reprojector {
            src,
            dst,
            src_degrees,
            dst_degrees,
        })
    }

    /// True when the target CRS is geographic (degrees).
    pub fn target_is_geographic(&self) -> bool {
        self.dst_degrees
    }

    /// Converts one point; z is kept.
    pub fn point(&self, p: [f64; 3]) -> Result<[f64; 3], ReprojectError> {
        let (mut x, mut y) = (p[0], p[1]);
        if self.src_degrees {
            x = x.to_radians();
            y = y.to_radians();
        }
        let mut pt = (x, y, 0.0);
        proj4rs::transform::transform(&self.src, &self.dst, &mut pt)
            .map_err(|e| ReprojectError::Proj(e.to_string()))?;
        let (mut x, mut y) = (pt.0, pt.1);
        if self.dst_degrees {
            x = x.to_degrees();
            y = y.to_degrees();
        }
        if !x.is_finite() || !y.is_finite() {
            return Err(ReprojectError::Proj(format!(
                "point {p:?} has no image in the target CRS"
            )));
        }
        Ok([x, y, p[2]])
    }
}
