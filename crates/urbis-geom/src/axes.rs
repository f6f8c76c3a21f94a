//! Axis order of EPSG coordinate reference systems, and the evidence a file's coordinates give
//! about the order they are written in.
//!
//! The EPSG register defines the order of a CRS's axes: EPSG:4326 and EPSG:6697 (JGD2011) are
//! latitude first, the German Gauss-Krüger systems EPSG:31466–31469 and the Japanese plane
//! rectangular systems EPSG:6669–6687 northing first. GML coordinates formally follow that
//! order, but practice differs (Gauss-Krüger data is commonly written easting first). urbis keeps
//! x = easting/longitude and y = northing/latitude, so a reader asks [`decide`] which way round
//! a file's coordinates are: the register's order by default, unless only the other order puts
//! them inside the CRS's area of use.
//!
//! The facts (first axis and area of use of every EPSG geographic, projected and compound CRS)
//! are generated from PROJ's database by `tools/epsg-axes.sh` into `data/epsg-axes.tsv`.

use crate::reproject::Reprojector;
use std::sync::OnceLock;

/// The register's table, one line per CRS (see `tools/epsg-axes.sh`).
const TABLE: &str = include_str!("../data/epsg-axes.tsv");

/// How far (degrees) coordinates may lie outside a CRS's area of use and still count as in it.
const AREA_MARGIN_DEG: f64 = 1.0;

/// The first horizontal axis of a CRS as registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstAxis {
    /// Easting or longitude first (x, y).
    East,
    /// Northing or latitude first (y, x).
    North,
    /// Neither (south- or west-oriented axes, polar systems): urbis treats these as east first.
    Other,
}

/// What the EPSG register says of one CRS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrsFacts {
    /// The EPSG code.
    pub code: u32,
    /// True for geographic CRSs (and compounds of one): coordinates in degrees.
    pub geographic: bool,
    /// The first horizontal axis.
    pub first_axis: FirstAxis,
    /// The area of use in degrees: west, south, east, north (west > east crosses 180°).
    pub area: [f64; 4],
}

impl CrsFacts {
    /// True when the register lists northing (latitude) before easting (longitude).
    pub fn northing_first(&self) -> bool {
        self.first_axis == FirstAxis::North
    }

    /// True when a longitude/latitude lies in the area of use (with a margin of a degree).
    pub fn area_contains(&self, lon: f64, lat: f64) -> bool {
        let [w, s, e, n] = self.area;
        let m = AREA_MARGIN_DEG;
        if !(lat >= s - m && lat <= n + m && lon.abs() <= 180.0 && lat.abs() <= 90.0) {
            return false;
        }
        if w <= e {
            lon >= w - m && lon <= e + m
        } else {
            lon >= w - m || lon <= e + m
        }
    }
}

fn table() -> &'static [CrsFacts] {
    static FACTS: OnceLock<Vec<CrsFacts>> = OnceLock::new();
    FACTS.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(parse_line)
            .collect()
    })
}

fn parse_line(line: &str) -> Option<CrsFacts> {
    let mut cols = line.split('\t');
    let code = cols.next()?.parse().ok()?;
    let kind = cols.next()?;
    let first_axis = match cols.next()? {
        "n" => FirstAxis::North,
        "e" => FirstAxis::East,
        _ => FirstAxis::Other,
    };
    let mut area = [0.0; 4];
    for v in &mut area {
        *v = cols.next()?.parse().ok()?;
    }
    Some(CrsFacts {
        code,
        geographic: kind.ends_with('g'),
        first_axis,
        area,
    })
}

/// The register's facts on an EPSG CRS, when urbis carries them.
///
/// ```
/// use urbis_geom::axes::{crs_facts, FirstAxis};
/// assert_eq!(crs_facts(6697).unwrap().first_axis, FirstAxis::North); // JGD2011 + height
/// assert_eq!(crs_facts(28992).unwrap().first_axis, FirstAxis::East); // Dutch RD
/// assert_eq!(crs_facts(31468).unwrap().first_axis, FirstAxis::North); // Gauss-Krüger zone 4
/// assert!(crs_facts(1).is_none());
/// ```
pub fn crs_facts(code: u32) -> Option<CrsFacts> {
    let t = table();
    t.binary_search_by_key(&code, |f| f.code).ok().map(|i| t[i])
}

/// Which way round a file's first two coordinates are, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct AxisDecision {
    /// True when the file's first coordinate is the northing (latitude): swap to reach urbis's
    /// x = easting, y = northing.
    pub swap: bool,
    /// A sentence for the user when the evidence overrode the register, or when neither order
    /// fits the CRS's area of use.
    pub warning: Option<String>,
    /// True when the area of use settled it (exactly one order fits); otherwise other
    /// evidence, such as the orientation of solids, may decide.
    pub conclusive: bool,
}

/// Where sample points (as written) land in longitude/latitude when read as (easting,
/// northing); `None` when one cannot be placed.
fn lon_lat(facts: &CrsFacts, points: &[[f64; 2]], swapped: bool) -> Option<Vec<[f64; 2]>> {
    let reprojector = if facts.geographic {
        None
    } else {
        Some(Reprojector::new(facts.code, 4326).ok()?)
    };
    points
        .iter()
        .map(|p| {
            let (x, y) = if swapped { (p[1], p[0]) } else { (p[0], p[1]) };
            match &reprojector {
                None => Some([x, y]),
                Some(r) => r.point([x, y, 0.0]).ok().map(|q| [q[0], q[1]]),
            }
        })
        .collect()
}

fn all_inside(facts: &CrsFacts, points: Option<Vec<[f64; 2]>>) -> bool {
    points.is_some_and(|ps| !ps.is_empty() && ps.iter().all(|p| facts.area_contains(p[0], p[1])))
}

/// For coordinates that should be easting first (CityJSON), a warning when they fit the
/// CRS's area of use only with x and y exchanged: in all likelihood the file was written
/// northing (latitude) first.
///
/// ```
/// use urbis_geom::axes::swapped_warning;
/// // A Bavarian tile in EPSG:31468 with x the northing:
/// assert!(swapped_warning(31468, &[[5_333_000.0, 4_468_000.0]]).is_some());
/// assert!(swapped_warning(31468, &[[4_468_000.0, 5_333_000.0]]).is_none());
/// ```
pub fn swapped_warning(code: u32, points: &[[f64; 2]]) -> Option<String> {
    let facts = crs_facts(code)?;
    if points.is_empty()
        || all_inside(&facts, lon_lat(&facts, points, false))
        || !all_inside(&facts, lon_lat(&facts, points, true))
    {
        return None;
    }
    let (first, second) = if facts.geographic {
        ("latitude", "longitude")
    } else {
        ("northing", "easting")
    };
    Some(format!(
        "x and y look swapped: the coordinates fall inside the area of use of EPSG:{code} only with x as the {first} and y as the {second}, but x must be the {second}; read the file with --swap-axes to exchange them"
    ))
}

/// Decides the axis order of coordinates written in an EPSG CRS, from sample points as written
/// (a file's envelope corners, or its first points).
///
/// The register's order is the default; when only the other order puts the points inside the
/// CRS's area of use, the evidence wins and the decision carries a warning saying so. Points
/// that fit neither order are not really in that CRS (local coordinates under a borrowed
/// srsName): they are taken as written, with a warning. Without points the register's order
/// holds; an unknown code keeps x first.
///
/// ```
/// use urbis_geom::axes::decide;
/// // PLATEAU writes latitude first, as EPSG:6697 registers: swapped, no warning.
/// let d = decide(6697, &[[35.68, 139.76]]);
/// assert!(d.swap && d.warning.is_none());
/// // Bavarian Gauss-Krüger tiles are written easting first against the register: not swapped.
/// let d = decide(31468, &[[4_468_000.0, 5_333_000.0]]);
/// assert!(!d.swap && d.warning.is_some());
/// ```
pub fn decide(code: u32, points: &[[f64; 2]]) -> AxisDecision {
    let Some(facts) = crs_facts(code) else {
        return AxisDecision {
            swap: false,
            warning: None,
            conclusive: false,
        };
    };
    let registered_swap = facts.northing_first();
    if points.is_empty() {
        return AxisDecision {
            swap: registered_swap,
            warning: None,
            conclusive: false,
        };
    }
    let as_registered = all_inside(&facts, lon_lat(&facts, points, registered_swap));
    let other = all_inside(&facts, lon_lat(&facts, points, !registered_swap));
    let order = |swap: bool| match (facts.geographic, swap) {
        (true, true) => "latitude first",
        (true, false) => "longitude first",
        (false, true) => "northing first",
        (false, false) => "easting first",
    };
    match (as_registered, other) {
        (false, true) => AxisDecision {
            swap: !registered_swap,
            warning: Some(format!(
                "the coordinates are written {} although EPSG:{code} registers {}: only that order puts them inside the CRS's area of use, so they are read that way (force either order with --swap-axes or --no-swap-axes)",
                order(!registered_swap),
                order(registered_swap)
            )),
            conclusive: true,
        },
        (false, false) => AxisDecision {
            swap: false,
            warning: Some(format!(
                "the coordinates lie outside the area of use of EPSG:{code} in either axis order, so they are not really in that CRS (is the srsName right?); they are taken as written, x first (force either order with --swap-axes or --no-swap-axes)"
            )),
            conclusive: false,
        },
        (true, true) => AxisDecision {
            swap: registered_swap,
            warning: None,
            conclusive: false,
        },
        (true, false) => AxisDecision {
            swap: registered_swap,
            warning: None,
            conclusive: true,
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_complete() {
        let t = table();
        assert!(t.len() > 6000, "{}", t.len());
        assert!(t.windows(2).all(|w| w[0].code < w[1].code));
        for code in [
            4326, 4979, 4258, 6668, 6697, 31466, 31469, 6669, 6687, 28992, 7415,
        ] {
            assert!(crs_facts(code).is_some(), "EPSG:{code}");
        }
        assert!(crs_facts(4326).unwrap().geographic);
        assert!(!crs_facts(25832).unwrap().geographic);
        assert_eq!(crs_facts(25832).unwrap().first_axis, FirstAxis::East);
        assert_eq!(crs_facts(3006).unwrap().first_axis, FirstAxis::North);
    }

    #[test]
    fn register_order_when_both_fit_or_as_written() {
        // Tokyo in JGD2011 / Japan Plane Rectangular CS IX (EPSG:6677, X northing first):
        // written as registered (northing, easting).
        let d = decide(6677, &[[-35_000.0, -6_000.0]]);
        assert!(d.swap, "{d:?}");
        // Dutch RD, easting first both by register and in practice.
        let d = decide(28992, &[[85_000.0, 446_000.0], [86_000.0, 447_000.0]]);
        assert!(!d.swap && d.warning.is_none());
    }

    #[test]
    fn evidence_overrides_register() {
        // Munich in GK zone 4 written northing first, as the register says: swapped.
        let d = decide(31468, &[[5_333_000.0, 4_468_000.0]]);
        assert!(d.swap && d.warning.is_none(), "{d:?}");
        // Longitude first in EPSG:6697: only that order is in Japan.
        let d = decide(6697, &[[139.76, 35.68], [139.8, 35.7]]);
        assert!(!d.swap);
        assert!(d.warning.unwrap().contains("longitude first"));
    }

    #[test]
    fn neither_order_fits() {
        let d = decide(28992, &[[5_000_000.0, 5_000_000.0]]);
        assert!(!d.swap);
        assert!(d.warning.unwrap().contains("outside the area of use"));
        // Northing first by register, local coordinates: as written.
        let d = decide(31468, &[[202.4, 244.6]]);
        assert!(!d.swap);
        assert!(d.warning.is_some());
    }

    #[test]
    fn antimeridian_areas() {
        let f = CrsFacts {
            code: 0,
            geographic: true,
            first_axis: FirstAxis::North,
            area: [170.0, -50.0, -170.0, -30.0],
        };
        assert!(f.area_contains(179.0, -40.0));
        assert!(f.area_contains(-175.0, -40.0));
        assert!(!f.area_contains(0.0, -40.0));
    }
}
