//! Axis order and links, one class of published data at a time: PLATEAU-style latitude-first
//! EPSG:6697, Japanese plane-rectangular northing-first EPSG:6677, Bavarian-style Gauss-Krüger
//! written easting first with bare `xlink:href` ids, and links into other files. Each fixture
//! is a closed box building written here, so the expected coordinates are known by hand.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::io::Write;
use urbis_citygml::{Options, Reader};
use urbis_model::{AxisOrder, Feature, GeometryType};

/// A box building (outward-facing LoD2 Solid) written as CityGML 2.0. `corners` are the
/// footprint's (first, second) coordinates as the file writes them, counter-clockwise in
/// easting/northing; `links` writes the solid's faces as `xlink:href` to the wall polygons,
/// bare (`poly-3`) or with `#`.
fn box_gml(srs: &str, corners: [[f64; 2]; 4], height: f64, links: Option<&str>) -> String {
    let point = |c: [f64; 2], z: f64| format!("{} {} {z}", c[0], c[1]);
    let ring = |pts: &[([f64; 2], f64)]| {
        let mut s: Vec<String> = pts.iter().map(|&(c, z)| point(c, z)).collect();
        s.push(point(pts[0].0, pts[0].1));
        s.join(" ")
    };
    let [a, b, c, d] = corners;
    let faces: Vec<Vec<([f64; 2], f64)>> = vec![
        vec![(a, 0.0), (d, 0.0), (c, 0.0), (b, 0.0)],
        vec![(a, height), (b, height), (c, height), (d, height)],
        vec![(a, 0.0), (b, 0.0), (b, height), (a, height)],
        vec![(b, 0.0), (c, 0.0), (c, height), (b, height)],
        vec![(c, 0.0), (d, 0.0), (d, height), (c, height)],
        vec![(d, 0.0), (a, 0.0), (a, height), (d, height)],
    ];
    let polygon = |i: usize, f: &[([f64; 2], f64)]| {
        format!(
            r#"<gml:Polygon gml:id="poly-{i}"><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">{}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"#,
            ring(f)
        )
    };
    let (solid_members, boundary) = match links {
        None => (
            faces
                .iter()
                .enumerate()
                .map(|(i, f)| format!("<gml:surfaceMember>{}</gml:surfaceMember>", polygon(i, f)))
                .collect::<String>(),
            String::new(),
        ),
        Some(prefix) => (
            (0..faces.len())
                .map(|i| format!(r#"<gml:surfaceMember xlink:href="{prefix}poly-{i}"/>"#))
                .collect::<String>(),
            faces
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    format!(
                        "<bldg:boundedBy><bldg:WallSurface><bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember>{}</gml:surfaceMember></gml:MultiSurface></bldg:lod2MultiSurface></bldg:WallSurface></bldg:boundedBy>",
                        polygon(i, f)
                    )
                })
                .collect::<String>(),
        ),
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml" xmlns:xlink="http://www.w3.org/1999/xlink">
<gml:boundedBy><gml:Envelope srsName="{srs}" srsDimension="3"><gml:lowerCorner>{}</gml:lowerCorner><gml:upperCorner>{}</gml:upperCorner></gml:Envelope></gml:boundedBy>
<core:cityObjectMember><bldg:Building gml:id="b1">
<bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface>{solid_members}</gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>
{boundary}
</bldg:Building></core:cityObjectMember>
</core:CityModel>
"#,
        point(
            [
                corners.iter().map(|c| c[0]).fold(f64::INFINITY, f64::min),
                corners.iter().map(|c| c[1]).fold(f64::INFINITY, f64::min)
            ],
            0.0
        ),
        point(
            [
                corners
                    .iter()
                    .map(|c| c[0])
                    .fold(f64::NEG_INFINITY, f64::max),
                corners
                    .iter()
                    .map(|c| c[1])
                    .fold(f64::NEG_INFINITY, f64::max)
            ],
            height
        ),
    )
}

fn read(text: &str, axes: AxisOrder) -> (Vec<Feature>, urbis_model::Header, Vec<String>) {
    let mut file = tempfile::Builder::new().suffix(".gml").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let mut reader = Reader::open_with(
        file.path(),
        Options {
            axes,
            ..Default::default()
        },
    )
    .unwrap();
    let mut warnings: Vec<String> = reader.warnings().iter().map(|w| w.to_string()).collect();
    let features = reader.read_all().unwrap();
    warnings.extend(reader.take_warnings().iter().map(|w| w.to_string()));
    let header = reader.header().clone();
    (features, header, warnings)
}

/// The real coordinates of the feature's vertices.
fn points(f: &Feature, h: &urbis_model::Header) -> Vec<[f64; 3]> {
    f.vertices.iter().map(|&v| h.transform.apply(v)).collect()
}

fn solid_count(f: &Feature) -> usize {
    f.objects
        .iter()
        .flat_map(|o| o.geometry.iter().flatten())
        .filter(|g| g.kind == GeometryType::Solid)
        .count()
}

/// Tokyo Station (JGD2011): 35.6812° N, 139.7671° E; a 0.0002° box.
const TOKYO: [f64; 2] = [139.7671, 35.6812];

fn tokyo_corners(lat_first: bool) -> [[f64; 2]; 4] {
    let d = 0.0002;
    let c = [
        [TOKYO[0], TOKYO[1]],
        [TOKYO[0] + d, TOKYO[1]],
        [TOKYO[0] + d, TOKYO[1] + d],
        [TOKYO[0], TOKYO[1] + d],
    ];
    c.map(|p| if lat_first { [p[1], p[0]] } else { p })
}

#[test]
fn plateau_latitude_first_lands_where_its_coordinates_say() {
    let gml = box_gml(
        "http://www.opengis.net/def/crs/EPSG/0/6697",
        tokyo_corners(true),
        12.0,
        None,
    );
    let (features, header, warnings) = read(&gml, AxisOrder::Auto);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(header.crs().unwrap().to_string(), "EPSG:6697");
    let pts = points(&features[0], &header);
    // x is the longitude, y the latitude (CRS84 order), each within a 1e-7° margin.
    let (min_x, min_y) = pts
        .iter()
        .fold((f64::INFINITY, f64::INFINITY), |(x, y), p| {
            (x.min(p[0]), y.min(p[1]))
        });
    assert!(
        (min_x - 139.7671).abs() < 2e-7 && (min_y - 35.6812).abs() < 2e-7,
        "{min_x} {min_y}"
    );
    let e = header.metadata.as_ref().unwrap()["geographicalExtent"].clone();
    assert!((e[0].as_f64().unwrap() - 139.7671).abs() < 1e-9, "{e}");
    // --no-swap-axes takes the file as written: the district lands in the ocean, as asked.
    let (features, header, _) = read(&gml, AxisOrder::AsWritten);
    let p = points(&features[0], &header)[0];
    assert!((p[0] - 35.6812).abs() < 1e-3, "{p:?}");
}

#[test]
fn longitude_first_in_a_latitude_first_crs_is_read_from_the_evidence() {
    let gml = box_gml("EPSG:6697", tokyo_corners(false), 12.0, None);
    let (features, header, warnings) = read(&gml, AxisOrder::Auto);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("written longitude first")),
        "{warnings:?}"
    );
    let p = points(&features[0], &header)[0];
    assert!(
        (p[0] - 139.7671).abs() < 1e-3 && (p[1] - 35.6812).abs() < 1e-3,
        "{p:?}"
    );
}

#[test]
fn japanese_plane_rectangular_northing_first() {
    // Tokyo Station in JGD2011 / Japan Plane Rectangular CS IX (EPSG:6677), from PROJ's
    // cs2cs: X (northing) -35367.2301, Y (easting) -5995.1852, written X first.
    let (n, e) = (-35_367.230_1, -5_995.185_2);
    let en = [[e, n], [e + 20.0, n], [e + 20.0, n + 10.0], [e, n + 10.0]];
    let gml = box_gml(
        "urn:ogc:def:crs:EPSG::6677",
        en.map(|p| [p[1], p[0]]),
        9.0,
        None,
    );
    let (features, header, warnings) = read(&gml, AxisOrder::Auto);
    assert!(warnings.is_empty(), "{warnings:?}");
    let pts = points(&features[0], &header);
    assert!(pts
        .iter()
        .any(|p| (p[0] - e).abs() < 1e-3 && (p[1] - n).abs() < 1e-3));
    // Back to longitude/latitude: Tokyo Station within a metre.
    let r = urbis_geom::Reprojector::new(6677, 4326).unwrap();
    let ll = r.point([e, n, 0.0]).unwrap();
    assert!(
        (ll[0] - TOKYO[0]).abs() < 1e-5 && (ll[1] - TOKYO[1]).abs() < 1e-5,
        "{ll:?}"
    );
    assert_eq!(solid_count(&features[0]), 1);
}

#[test]
fn bavarian_easting_first_with_bare_xlinks_keeps_its_solids() {
    // Munich in Gauss-Krüger zone 4 (EPSG:31468, northing first by register), written easting
    // first as the Bavarian LoD2 tiles are, the solid's faces linked by bare ids.
    let (e, n) = (4_468_512.9, 5_333_349.5);
    let en = [[e, n], [e + 15.0, n], [e + 15.0, n + 12.0], [e, n + 12.0]];
    let gml = box_gml("urn:adv:crs:DE_DHDN_3GK4*DE_DHHN92_NH", en, 11.0, Some(""));
    let (features, header, warnings) = read(&gml, AxisOrder::Auto);
    assert!(
        warnings.iter().any(|w| w.contains("written easting first")),
        "{warnings:?}"
    );
    assert!(
        !warnings.iter().any(|w| w.contains("xlink")),
        "{warnings:?}"
    );
    assert_eq!(solid_count(&features[0]), 1, "the solid must be kept");
    let solid = features[0].objects[0]
        .geometry
        .iter()
        .flatten()
        .find(|g| g.kind == GeometryType::Solid)
        .unwrap();
    assert_eq!(solid.boundaries.surface_count(), 6);
    let p = points(&features[0], &header);
    assert!(
        p.iter().all(|p| p[0] < 5_000_000.0 && p[1] > 5_000_000.0),
        "{p:?}"
    );
    // `#` links read the same.
    let gml = box_gml("urn:adv:crs:DE_DHDN_3GK4*DE_DHHN92_NH", en, 11.0, Some("#"));
    let (features, _, _) = read(&gml, AxisOrder::Auto);
    assert_eq!(solid_count(&features[0]), 1);
}

#[test]
fn links_into_other_files_are_reported_once_with_a_count() {
    let (e, n) = (4_468_512.9, 5_333_349.5);
    let en = [[e, n], [e + 15.0, n], [e + 15.0, n + 12.0], [e, n + 12.0]];
    let gml = box_gml("EPSG:31468", en, 11.0, Some("other_tile.gml#"));
    let mut file = tempfile::Builder::new().suffix(".gml").tempfile().unwrap();
    file.write_all(gml.as_bytes()).unwrap();
    let mut reader = Reader::open(file.path()).unwrap();
    reader.read_all().unwrap();
    let warnings = reader.take_warnings();
    let external: Vec<_> = warnings
        .iter()
        .filter(|w| w.message.contains("outside this file"))
        .collect();
    // One located warning for the first, one total for all six.
    assert_eq!(external.len(), 2, "{warnings:?}");
    assert!(external.iter().all(|w| w.lost));
    assert!(
        external[1].message.starts_with("6 xlink:href"),
        "{external:?}"
    );
    assert!(reader.lost_count() >= 1);
}

#[test]
fn swap_axes_forces_the_order() {
    let (e, n) = (4_468_512.9, 5_333_349.5);
    let en = [[e, n], [e + 15.0, n], [e + 15.0, n + 12.0], [e, n + 12.0]];
    let gml = box_gml("EPSG:31468", en.map(|p| [p[1], p[0]]), 11.0, None);
    // Written northing first, as registered: read swapped without a word.
    let (f, h, w) = read(&gml, AxisOrder::Auto);
    assert!(w.is_empty(), "{w:?}");
    assert!((points(&f[0], &h)[0][0] - e).abs() < 20.0);
    // Forced the other way round.
    let (f, h, _) = read(&gml, AxisOrder::AsWritten);
    assert!((points(&f[0], &h)[0][0] - n).abs() < 20.0);
    let (f, h, _) = read(&gml, AxisOrder::Swap);
    assert!((points(&f[0], &h)[0][0] - e).abs() < 20.0);
}

#[test]
fn local_coordinates_under_a_northing_first_crs_follow_the_solids() {
    // Coordinates near 0 under EPSG:3068 (Soldner Berlin, northing first): both orders fall in
    // its area of use, so the orientation of the solids decides: written x first, kept.
    let corners = [
        [100.0, 200.0],
        [110.0, 200.0],
        [110.0, 208.0],
        [100.0, 208.0],
    ];
    let gml = box_gml("EPSG:3068", corners, 6.0, None);
    let (f, h, warnings) = read(&gml, AxisOrder::Auto);
    assert!(
        warnings.iter().any(|w| w.contains("solids face outwards")),
        "{warnings:?}"
    );
    assert!((points(&f[0], &h)[0][0] - 100.0).abs() < 20.0);
}

/// A tree (ImplicitGeometry) whose template, reference point and matrix are written in the
/// file's axis order: `first_northing` writes every pair northing first.
fn tree_gml(first_northing: bool) -> String {
    let pair = |e: f64, n: f64| {
        if first_northing {
            format!("{n} {e}")
        } else {
            format!("{e} {n}")
        }
    };
    // A triangle 1 m east and 2 m north; the matrix stretches the easting by 3 and moves it
    // 5 m north (row-major, in the file's axis order).
    let ring = [(0.0, 0.0), (1.0, 0.0), (1.0, 2.0), (0.0, 0.0)]
        .iter()
        .map(|&(e, n)| format!("{} 0", pair(e, n)))
        .collect::<Vec<_>>()
        .join(" ");
    let matrix = if first_northing {
        "1 0 0 5 0 3 0 0 0 0 1 0 0 0 0 1"
    } else {
        "3 0 0 0 0 1 0 5 0 0 1 0 0 0 0 1"
    };
    let (e, n) = (4_468_512.9, 5_333_349.5);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:veg="http://www.opengis.net/citygml/vegetation/2.0" xmlns:gml="http://www.opengis.net/gml">
<core:cityObjectMember><veg:SolitaryVegetationObject gml:id="t1"><veg:lod2ImplicitRepresentation><core:ImplicitGeometry>
<core:transformationMatrix>{matrix}</core:transformationMatrix>
<core:relativeGMLGeometry><gml:MultiSurface gml:id="tpl"><gml:surfaceMember><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList srsDimension="3">{ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember></gml:MultiSurface></core:relativeGMLGeometry>
<core:referencePoint><gml:Point srsName="EPSG:31468"><gml:pos srsDimension="3">{} 0</gml:pos></gml:Point></core:referencePoint>
</core:ImplicitGeometry></veg:lod2ImplicitRepresentation></veg:SolitaryVegetationObject></core:cityObjectMember>
</core:CityModel>
"#,
        pair(e, n)
    )
}

#[test]
fn implicit_geometry_is_swapped_with_its_matrix() {
    let placed = |first_northing: bool, axes: AxisOrder| -> Vec<[f64; 3]> {
        let (features, header, _) = read(&tree_gml(first_northing), axes);
        let points = points(&features[0], &header);
        let instance = &features[0].objects[0].geometries()[0];
        let templates = header.geometry_templates.as_ref().unwrap();
        templates.placed(instance, &points).unwrap().1
    };
    let easting_first = placed(false, AxisOrder::AsWritten);
    let northing_first = placed(true, AxisOrder::Swap);
    assert_eq!(easting_first.len(), 3);
    for (a, b) in easting_first.iter().zip(&northing_first) {
        assert!((0..3).all(|k| (a[k] - b[k]).abs() < 1e-6), "{a:?} {b:?}");
    }
    // The stretched triangle: 3 m east and 2 m north of a point 5 m north of the reference.
    let (e, n) = (4_468_512.9, 5_333_349.5);
    assert!(
        (easting_first[1][0] - (e + 3.0)).abs() < 1e-6,
        "{easting_first:?}"
    );
    assert!(
        (easting_first[2][1] - (n + 7.0)).abs() < 1e-6,
        "{easting_first:?}"
    );
}
