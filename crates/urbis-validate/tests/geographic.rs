//! The same building validated in a projected CRS (EPSG:6677, metres, northing first) and in
//! a geographic one (EPSG:6697, degrees, latitude first, as PLATEAU publishes) gives the same
//! errors: tolerances are metres whatever the CRS. And geometry the reader could not keep
//! (a link into another file) makes a file invalid, never valid.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use std::path::Path;
use urbis_validate::{validate_file, MeshPrimitive, Options, Report};

/// A CityGML 2.0 file with one Building: an LoD2 Solid box, written through `write` (which
/// turns easting, northing, height in EPSG:6677 metres into the file's coordinate text).
/// `raise` lifts one roof corner (a non-planar roof and walls: 203 when above 1 cm).
fn building(srs: &str, write: &dyn Fn(f64, f64, f64) -> String, raise: f64, link: bool) -> String {
    // Near Tokyo Station in EPSG:6677.
    let (e, n) = (-5_995.0, -35_367.0);
    let c = [[e, n], [e + 20.0, n], [e + 20.0, n + 10.0], [e, n + 10.0]];
    let top = |i: usize| if i == 2 { 12.0 + raise } else { 12.0 };
    let faces: Vec<Vec<(usize, f64)>> = vec![
        vec![(0, 0.0), (3, 0.0), (2, 0.0), (1, 0.0)],
        vec![(0, top(0)), (1, top(1)), (2, top(2)), (3, top(3))],
        vec![(0, 0.0), (1, 0.0), (1, top(1)), (0, top(0))],
        vec![(1, 0.0), (2, 0.0), (2, top(2)), (1, top(1))],
        vec![(2, 0.0), (3, 0.0), (3, top(3)), (2, top(2))],
        vec![(3, 0.0), (0, 0.0), (0, top(0)), (3, top(3))],
    ];
    let members: String = faces
        .iter()
        .enumerate()
        .map(|(k, f)| {
            if link && k == 5 {
                return r#"<gml:surfaceMember xlink:href="neighbour.gml#wall-7"/>"#.to_string();
            }
            let mut pts: Vec<String> = f.iter().map(|&(i, z)| write(c[i][0], c[i][1], z)).collect();
            pts.push(pts[0].clone());
            format!(
                r#"<gml:surfaceMember><gml:Polygon gml:id="p{k}"><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">{}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>"#,
                pts.join(" ")
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink">
<core:cityObjectMember><bldg:Building gml:id="b1"><bldg:lod2Solid><gml:Solid srsName="{srs}"><gml:exterior><gml:CompositeSurface>{members}</gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid></bldg:Building></core:cityObjectMember>
</core:CityModel>
"#
    )
}

fn validate(text: &str) -> Report {
    let mut f = tempfile::Builder::new().suffix(".gml").tempfile().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    validate_file(
        Path::new(f.path()),
        &[],
        MeshPrimitive::Solid,
        &Options::default(),
    )
}

fn codes(r: &Report) -> Vec<(String, u16, Option<usize>)> {
    let mut v: Vec<_> = r
        .objects
        .iter()
        .flat_map(|o| {
            o.issues
                .iter()
                .map(move |i| (o.id.clone(), i.issue.code.0, i.issue.face))
        })
        .collect();
    v.sort();
    v
}

/// The two encodings of the same building.
fn both(raise: f64) -> (Report, Report) {
    let projected = building(
        "urn:ogc:def:crs:EPSG::6677",
        &|e, n, z| format!("{n:.4} {e:.4} {z}"),
        raise,
        false,
    );
    let to_lonlat = urbis_geom::Reprojector::new(6677, 4326).unwrap();
    let geographic = building(
        "http://www.opengis.net/def/crs/EPSG/0/6697",
        &|e, n, z| {
            let p = to_lonlat.point([e, n, z]).unwrap();
            format!("{:.12} {:.12} {z}", p[1], p[0])
        },
        raise,
        false,
    );
    (validate(&projected), validate(&geographic))
}

#[test]
fn same_building_same_errors_in_projected_and_geographic_crs() {
    let (projected, geographic) = both(0.0);
    assert!(projected.is_valid(), "{:?}", projected.to_json());
    assert!(geographic.is_valid(), "{:?}", geographic.to_json());
    // 5 cm out of plane: 203 on the same faces in both.
    let (projected, geographic) = both(0.05);
    let p = codes(&projected);
    assert!(p.iter().any(|c| c.1 == 203), "{p:?}");
    assert_eq!(p, codes(&geographic));
    // 5 mm is within the 1 cm planarity tolerance in both (in degrees it would be nothing).
    let (projected, geographic) = both(0.005);
    assert!(projected.is_valid() && geographic.is_valid());
    assert!(geographic.options.geographic && !projected.options.geographic);
}

#[test]
fn a_file_with_an_external_link_is_never_valid() {
    let text = building(
        "urn:ogc:def:crs:EPSG::6677",
        &|e, n, z| format!("{n:.4} {e:.4} {z}"),
        0.0,
        true,
    );
    let report = validate(&text);
    assert!(!report.is_valid());
    assert_eq!(report.lost_geometry.len(), 1, "{:?}", report.lost_geometry);
    assert!(report.lost_geometry[0].contains("neighbour.gml#wall-7"));
    assert_eq!(report.to_json()["valid"], false);
}
