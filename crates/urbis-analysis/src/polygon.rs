//! Areas, normals and orientation of 3D polygons.

use urbis_geom::vector::{norm, Vec3};

/// The vector area of a ring: its direction is the ring's normal (right-hand rule), its length
/// the ring's area. Exact for planar rings, the best-fit area for slightly warped ones.
///
/// ```
/// let ring = [[0.0, 0.0, 5.0], [2.0, 0.0, 5.0], [2.0, 3.0, 5.0], [0.0, 3.0, 5.0]];
/// assert_eq!(urbis_analysis::polygon::vector_area(&ring), [0.0, 0.0, 6.0]);
/// ```
pub fn vector_area(ring: &[Vec3]) -> Vec3 {
    let Some(&o) = ring.first() else {
        return [0.0; 3];
    };
    let mut s = [0.0; 3];
    for w in ring.windows(2) {
        let a = [w[0][0] - o[0], w[0][1] - o[1], w[0][2] - o[2]];
        let b = [w[1][0] - o[0], w[1][1] - o[1], w[1][2] - o[2]];
        s[0] += a[1] * b[2] - a[2] * b[1];
        s[1] += a[2] * b[0] - a[0] * b[2];
        s[2] += a[0] * b[1] - a[1] * b[0];
    }
    [s[0] / 2.0, s[1] / 2.0, s[2] / 2.0]
}

/// Area of a polygon (exterior minus holes) in 3D; `rings` are the polygon's rings, exterior
/// first (anything that gives coordinate slices: `&[Vec<Vec3>]`, an iterator of `&[Vec3]`).
pub fn area<R: AsRef<[Vec3]>>(rings: impl IntoIterator<Item = R>) -> f64 {
    let mut it = rings.into_iter().map(|r| norm(vector_area(r.as_ref())));
    let exterior = it.next().unwrap_or(0.0);
    (exterior - it.sum::<f64>()).max(0.0)
}

/// Area of a polygon projected on the horizontal plane (exterior minus holes).
pub fn plan_area<R: AsRef<[Vec3]>>(rings: impl IntoIterator<Item = R>) -> f64 {
    let mut it = rings.into_iter().map(|r| vector_area(r.as_ref())[2].abs());
    let exterior = it.next().unwrap_or(0.0);
    (exterior - it.sum::<f64>()).max(0.0)
}

/// The unit normal of a polygon (from its exterior), if it has an area.
pub fn normal<R: AsRef<[Vec3]>>(rings: impl IntoIterator<Item = R>) -> Option<Vec3> {
    urbis_geom::vector::normalize(vector_area(rings.into_iter().next()?.as_ref()))
}

/// Slope of a surface in degrees: 0 horizontal, 90 vertical (from its unit normal; a face
/// pointing down has the slope of the face turned over).
pub fn slope_degrees(n: Vec3) -> f64 {
    n[2].abs().clamp(0.0, 1.0).acos().to_degrees()
}

/// Azimuth of a normal's horizontal part in degrees clockwise from grid north (+y), 0 to 360;
/// `None` for a horizontal surface.
pub fn azimuth_degrees(n: Vec3) -> Option<f64> {
    let h = (n[0] * n[0] + n[1] * n[1]).sqrt();
    if h < 1e-9 {
        return None;
    }
    let a = n[0].atan2(n[1]).to_degrees();
    Some(if a < 0.0 { a + 360.0 } else { a })
}

/// The eight compass sectors walls are grouped in, each 45° wide and centred on its direction.
pub const ORIENTATIONS: [&str; 8] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];

/// The compass sector (index into [`ORIENTATIONS`]) of an azimuth.
pub fn orientation_sector(azimuth: f64) -> usize {
    (((azimuth + 22.5) / 45.0).floor() as i64).rem_euclid(8) as usize
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn holes_are_subtracted_whatever_their_orientation() {
        let ext = vec![
            [0.0, 0.0, 0.0],
            [4.0, 0.0, 0.0],
            [4.0, 4.0, 0.0],
            [0.0, 4.0, 0.0],
        ];
        let hole = vec![
            [1.0, 1.0, 0.0],
            [2.0, 1.0, 0.0],
            [2.0, 2.0, 0.0],
            [1.0, 2.0, 0.0],
        ];
        assert_eq!(area(&[ext.clone(), hole.clone()]), 15.0);
        let mut reversed = hole;
        reversed.reverse();
        assert_eq!(plan_area(&[ext, reversed]), 15.0);
    }

    #[test]
    fn azimuths_and_sectors() {
        assert_eq!(azimuth_degrees([0.0, -1.0, 0.0]), Some(180.0));
        assert_eq!(azimuth_degrees([-1.0, 0.0, 0.0]), Some(270.0));
        assert_eq!(azimuth_degrees([0.0, 0.0, 1.0]), None);
        assert_eq!(ORIENTATIONS[orientation_sector(359.0)], "N");
        assert_eq!(ORIENTATIONS[orientation_sector(180.0)], "S");
        assert_eq!(ORIENTATIONS[orientation_sector(300.0)], "NW");
        assert!((slope_degrees([0.0, 0.6, 0.8]) - 36.869_897_645_844_02).abs() < 1e-9);
    }
}
