//! A local metric frame for geographic coordinates: longitude, latitude (degrees) and height
//! (metres) to east, north, up metres around an origin, through the WGS 84 / GRS 80 ellipsoid
//! (the two differ by 0.1 mm in the semi-minor axis). Tolerances in metres (snapping,
//! planarity, overlaps) and measures (areas, volumes) apply to geographic data in this frame,
//! never to degrees.

use crate::vector::Vec3;

/// WGS 84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS 84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// WGS 84 first eccentricity squared.
pub const WGS84_E2: f64 = WGS84_F * (2.0 - WGS84_F);
const A: f64 = WGS84_A;
const E2: f64 = WGS84_E2;

/// Earth-centred, earth-fixed coordinates (EPSG:4978) of a longitude and latitude in degrees
/// and a height above the WGS 84 ellipsoid in metres.
///
/// ```
/// let p = urbis_geom::local_frame::geodetic_to_ecef([0.0, 0.0, 0.0]);
/// assert!((p[0] - 6_378_137.0).abs() < 1e-6 && p[1].abs() < 1e-6 && p[2].abs() < 1e-6);
/// ```
pub fn geodetic_to_ecef(g: Vec3) -> Vec3 {
    let (lon, lat) = (g[0].to_radians(), g[1].to_radians());
    let (sin_lat, cos_lat) = lat.sin_cos();
    let n = A / (1.0 - E2 * sin_lat * sin_lat).sqrt();
    [
        (n + g[2]) * cos_lat * lon.cos(),
        (n + g[2]) * cos_lat * lon.sin(),
        (n * (1.0 - E2) + g[2]) * sin_lat,
    ]
}

/// East-north-up metres around an origin given in longitude, latitude and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalMetricFrame {
    origin: Vec3,
    /// Rows: the east, north and up unit vectors in ECEF.
    axes: [Vec3; 3],
}

impl LocalMetricFrame {
    /// The frame whose origin is the geodetic point `g` (lon°, lat°, h m).
    pub fn at(g: Vec3) -> Self {
        let (lon, lat) = (g[0].to_radians(), g[1].to_radians());
        let (sl, cl) = lon.sin_cos();
        let (sp, cp) = lat.sin_cos();
        LocalMetricFrame {
            origin: geodetic_to_ecef(g),
            axes: [
                [-sl, cl, 0.0],
                [-sp * cl, -sp * sl, cp],
                [cp * cl, cp * sl, sp],
            ],
        }
    }

    /// A geodetic point (lon°, lat°, h m) in metres east, north and up of the origin.
    ///
    /// ```
    /// use urbis_geom::local_frame::LocalMetricFrame;
    /// // Tokyo Station; a point 0.001° of latitude further north is about 111 m away.
    /// let frame = LocalMetricFrame::at([139.7671, 35.6812, 0.0]);
    /// let p = frame.local([139.7671, 35.6822, 0.0]);
    /// assert!(p[0].abs() < 1e-6 && (p[1] - 110.95).abs() < 0.1, "{p:?}");
    /// ```
    pub fn local(&self, g: Vec3) -> Vec3 {
        let e = geodetic_to_ecef(g);
        let d = [
            e[0] - self.origin[0],
            e[1] - self.origin[1],
            e[2] - self.origin[2],
        ];
        self.axes
            .map(|axis| axis[0] * d[0] + axis[1] * d[1] + axis[2] * d[2])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn distances_and_heights_are_metres() {
        let frame = LocalMetricFrame::at([4.36, 52.01, 0.0]);
        // 0.001° of longitude at 52° N: 111,320 m × cos 52° / 1000 ≈ 68.7 m.
        let east = frame.local([4.361, 52.01, 0.0]);
        assert!(
            (east[0] - 68.7).abs() < 0.3 && east[1].abs() < 0.01,
            "{east:?}"
        );
        let up = frame.local([4.36, 52.01, 25.0]);
        assert!((up[2] - 25.0).abs() < 1e-6 && up[0].abs() < 1e-6, "{up:?}");
        assert_eq!(frame.local([4.36, 52.01, 0.0]), [0.0, 0.0, 0.0]);
    }
}
