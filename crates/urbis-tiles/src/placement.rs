//! Placing a model on the globe: native coordinates → longitude/latitude/height → ECEF
//! (EPSG:4978).
//!
//! The horizontal position comes from the model's CRS through [`Reprojector`] (proj4rs, to
//! WGS 84). Heights are **not** sent through the projection library: proj4rs treats z as a
//! height on the source datum's ellipsoid, which puts e.g. Dutch NAP heights about 44 m off
//! (PROJ 9 disagrees with it by exactly that). urbis uses an explicit height model instead:
//! the model's z (orthometric, e.g. NAP) is taken as the height above the WGS 84 ellipsoid,
//! plus a constant geoid offset that is 0 unless configured. On a plain globe (no terrain)
//! that puts ground level on the ellipsoid, where the viewer draws the ground; with a terrain
//! provider, give the local geoid height (about 43 m in the Netherlands) as the offset.

use urbis_geom::{ReprojectError, Reprojector};
use urbis_model::Crs;

/// The ellipsoid and geodetic → ECEF conversion live in `urbis-geom` (the validator's local
/// metric frame uses them too).
pub use urbis_geom::local_frame::{geodetic_to_ecef, WGS84_A, WGS84_E2, WGS84_F};

/// Why a model cannot be placed.
#[derive(Debug, thiserror::Error)]
pub enum PlacementError {
    /// The model names no CRS.
    #[error("the model has no coordinate reference system, so it cannot be placed on the globe (give the one it is in with --crs EPSG:CODE)")]
    NoCrs,
    /// The CRS is not an EPSG one.
    #[error("{0} is not an EPSG coordinate reference system; urbis can only place EPSG CRSs")]
    NotEpsg(String),
    /// The CRS cannot be converted to WGS 84.
    #[error("cannot place {crs} on the globe: {source}")]
    Reproject {
        /// The CRS.
        crs: String,
        /// Why.
        source: ReprojectError,
    },
    /// A point has no position on the globe.
    #[error("a point cannot be placed on the globe: {0}")]
    Point(ReprojectError),
}

/// Converts native points to geodetic positions and ECEF.
pub struct Placement {
    to_wgs84: Option<Reprojector>,
    geoid_offset: f64,
    crs: String,
}

impl Placement {
    /// A placement for a model in `crs`; `geoid_offset` (metres) is added to every z to get
    /// the ellipsoidal height.
    pub fn new(crs: Option<&Crs>, geoid_offset: f64) -> Result<Placement, PlacementError> {
        let crs = crs.ok_or(PlacementError::NoCrs)?;
        let code = crs
            .epsg_code()
            .ok_or_else(|| PlacementError::NotEpsg(crs.to_string()))?;
        let to_wgs84 = if urbis_geom::reproject::LONLAT_CODES.contains(&code) {
            None
        } else {
            Some(
                Reprojector::new(code, 4326).map_err(|source| PlacementError::Reproject {
                    crs: crs.to_string(),
                    source,
                })?,
            )
        };
        Ok(Placement {
            to_wgs84,
            geoid_offset,
            crs: crs.to_string(),
        })
    }

    /// The source CRS, e.g. `EPSG:7415`.
    pub fn crs(&self) -> &str {
        &self.crs
    }

    /// The geoid offset in metres.
    pub fn geoid_offset(&self) -> f64 {
        self.geoid_offset
    }

    /// Longitude and latitude in degrees and ellipsoidal height in metres of a native point.
    pub fn geodetic(&self, p: [f64; 3]) -> Result<[f64; 3], PlacementError> {
        let q = match &self.to_wgs84 {
            Some(r) => r.point(p).map_err(PlacementError::Point)?,
            None => p,
        };
        Ok([q[0], q[1], p[2] + self.geoid_offset])
    }

    /// The ECEF position of a native point.
    pub fn ecef(&self, p: [f64; 3]) -> Result<[f64; 3], PlacementError> {
        self.geodetic(p).map(geodetic_to_ecef)
    }
}

/// Longitude and latitude (degrees) and ellipsoidal height (metres) of an ECEF point
/// (Bowring's iteration, converged to well under a millimetre).
///
/// ```
/// use urbis_tiles::placement::{ecef_to_geodetic, geodetic_to_ecef};
/// let g = ecef_to_geodetic(geodetic_to_ecef([4.36, 52.01, 12.5]));
/// assert!((g[0] - 4.36).abs() < 1e-10 && (g[1] - 52.01).abs() < 1e-10 && (g[2] - 12.5).abs() < 1e-6);
/// ```
pub fn ecef_to_geodetic(p: [f64; 3]) -> [f64; 3] {
    let lon = p[1].atan2(p[0]);
    let r = (p[0] * p[0] + p[1] * p[1]).sqrt();
    let mut lat = p[2].atan2(r * (1.0 - WGS84_E2));
    let mut h = 0.0;
    for _ in 0..6 {
        let sin_lat = lat.sin();
        let n = WGS84_A / (1.0 - WGS84_E2 * sin_lat * sin_lat).sqrt();
        h = if lat.cos().abs() > 1e-9 {
            r / lat.cos() - n
        } else {
            p[2].abs() / sin_lat.abs() - n * (1.0 - WGS84_E2)
        };
        lat = p[2].atan2(r * (1.0 - WGS84_E2 * n / (n + h)));
    }
    [lon.to_degrees(), lat.to_degrees(), h]
}

/// The east-north-up frame at a geodetic position: the 4x4 column-major matrix taking local
/// ENU metres to ECEF (what a 3D Tiles tile `transform` holds).
pub fn enu_to_ecef(g: [f64; 3]) -> [f64; 16] {
    let (lon, lat) = (g[0].to_radians(), g[1].to_radians());
    let (sl, cl) = lon.sin_cos();
    let (sp, cp) = lat.sin_cos();
    let east = [-sl, cl, 0.0];
    let north = [-sp * cl, -sp * sl, cp];
    let up = [cp * cl, cp * sl, sp];
    let o = geodetic_to_ecef(g);
    [
        east[0], east[1], east[2], 0.0, north[0], north[1], north[2], 0.0, up[0], up[1], up[2],
        0.0, o[0], o[1], o[2], 1.0,
    ]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn rd_nap_keeps_the_height_as_given() {
        let p = Placement::new(Some(&Crs::epsg(7415)), 0.0).unwrap();
        let g = p.geodetic([155_000.0, 463_000.0, 3.5]).unwrap();
        assert!((g[0] - 5.387_206).abs() < 3e-5 && (g[1] - 52.155_174).abs() < 3e-5);
        assert_eq!(g[2], 3.5);
        let with_geoid = Placement::new(Some(&Crs::epsg(7415)), 43.0).unwrap();
        assert_eq!(
            with_geoid.geodetic([155_000.0, 463_000.0, 3.5]).unwrap()[2],
            46.5
        );
    }

    #[test]
    fn a_model_without_crs_is_refused() {
        assert!(matches!(
            Placement::new(None, 0.0),
            Err(PlacementError::NoCrs)
        ));
        let local = Crs::parse("urn:ogc:def:crs:LOCAL::1").unwrap();
        assert!(matches!(
            Placement::new(Some(&local), 0.0),
            Err(PlacementError::NotEpsg(_))
        ));
    }

    #[test]
    fn round_trip_at_the_poles_and_below_the_ellipsoid() {
        for g in [
            [10.0, 89.9999, 100.0],
            [-170.0, -45.0, -50.0],
            [0.0, 0.0, 0.0],
        ] {
            let back = ecef_to_geodetic(geodetic_to_ecef(g));
            assert!(
                (back[1] - g[1]).abs() < 1e-9 && (back[2] - g[2]).abs() < 1e-4,
                "{g:?} {back:?}"
            );
        }
    }
}
