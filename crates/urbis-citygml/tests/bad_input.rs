//! Malformed and unusual CityGML: clear messages with line numbers and gml:ids, the rest of
//! the file still converted, `--strict` turning warnings into errors; and small documents
//! for features the shared files lack (ADE content, OrientableSurface, generic attributes of
//! every kind, Latin-1).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use urbis_citygml::{Error, Options, Reader};
use urbis_model::Feature;

fn file(text: &[u8]) -> tempfile::NamedTempFile {
    let mut f = tempfile::Builder::new().suffix(".gml").tempfile().unwrap();
    f.write_all(text).unwrap();
    f
}

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CityModel xmlns="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0"
 xmlns:gen="http://www.opengis.net/citygml/generics/2.0" xmlns:gml="http://www.opengis.net/gml"
 xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:ene="http://www.sig3d.org/citygml/2.0/energy/1.0">
"#;

fn building(id: &str, body: &str) -> String {
    format!(
        "<cityObjectMember>\n<bldg:Building gml:id=\"{id}\">\n{body}\n</bldg:Building>\n</cityObjectMember>\n"
    )
}

fn polygon(id: &str, pos_list: &str) -> String {
    format!(
        "<gml:surfaceMember><gml:Polygon gml:id=\"{id}\"><gml:exterior><gml:LinearRing><gml:posList srsDimension=\"3\">{pos_list}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>"
    )
}

const SQUARE: &str = "0 0 0 1 0 0 1 1 0 0 1 0 0 0 0";

fn doc(members: &[String]) -> Vec<u8> {
    let mut s = HEAD.to_string();
    for m in members {
        s.push_str(m);
    }
    s.push_str("</CityModel>\n");
    s.into_bytes()
}

fn read(text: &[u8], strict: bool) -> Result<(Vec<Feature>, Vec<String>), Error> {
    let f = file(text);
    let mut r = Reader::open_with(
        f.path(),
        Options {
            strict,
            ..Default::default()
        },
    )?;
    let features = r.read_all()?;
    let mut warnings: Vec<String> = r.warnings().iter().map(ToString::to_string).collect();
    warnings.extend(r.take_warnings().iter().map(ToString::to_string));
    Ok((features, warnings))
}

fn lod2(polygons: &[String]) -> String {
    format!(
        "<bldg:lod2MultiSurface><gml:MultiSurface>{}</gml:MultiSurface></bldg:lod2MultiSurface>",
        polygons.concat()
    )
}

#[test]
fn not_xml_is_an_error_with_a_line() {
    let e = read(b"{\"type\": \"CityJSON\"}", false).unwrap_err();
    assert!(matches!(e, Error::Xml { .. }), "{e}");
    assert!(e.to_string().contains("line 1"), "{e}");
}

#[test]
fn wrong_namespace_is_named() {
    let e = read(
        b"<?xml version=\"1.0\"?>\n<CityModel xmlns=\"http://example.com/notcitygml\"></CityModel>",
        false,
    )
    .unwrap_err();
    assert!(matches!(e, Error::NotCityGml { line: 2, .. }), "{e}");
    assert!(
        e.to_string().contains("http://example.com/notcitygml"),
        "{e}"
    );
}

#[test]
fn truncated_file_is_an_error_not_a_partial_model() {
    let mut text = doc(&[building("b1", &lod2(&[polygon("p1", SQUARE)]))]);
    text.truncate(text.len() - 40);
    let e = read(&text, false).unwrap_err();
    assert!(matches!(e, Error::Xml { .. }), "{e}");
}

#[test]
fn mismatched_tags_are_an_error_with_the_line() {
    let text = doc(&[building(
        "b1",
        "<bldg:measuredHeight>3</bldg:storeysAboveGround>",
    )]);
    let e = read(&text, false).unwrap_err();
    let message = e.to_string();
    assert!(message.contains("line 7"), "{message}");
}

#[test]
fn unresolved_xlink_is_a_warning_naming_line_and_id_and_the_rest_converts() {
    let body = format!(
        "{}\n<bldg:lod2Solid><gml:Solid gml:id=\"s1\"><gml:exterior><gml:CompositeSurface><gml:surfaceMember xlink:href=\"#nowhere\"/></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>",
        lod2(&[polygon("p1", SQUARE)])
    );
    let (features, warnings) = read(&doc(&[building("b1", &body)]), false).unwrap();
    assert_eq!(features.len(), 1);
    let w = warnings
        .iter()
        .find(|w| w.contains("#nowhere"))
        .expect("warning");
    assert!(w.contains("line 8") && w.contains("object b1"), "{w}");
    let g = features[0].objects[0].geometries();
    assert_eq!(
        g.len(),
        1,
        "the MultiSurface is kept, the empty Solid is not"
    );
    let e = read(&doc(&[building("b1", &body)]), true).unwrap_err();
    assert!(matches!(e, Error::Strict { .. }), "{e}");
}

#[test]
fn polygon_with_fewer_than_three_points_is_skipped_with_its_id() {
    let body = lod2(&[polygon("good", SQUARE), polygon("bad", "0 0 0 1 0 0 0 0 0")]);
    let (features, warnings) = read(&doc(&[building("b1", &body)]), false).unwrap();
    let w = warnings
        .iter()
        .find(|w| w.contains("gml:id bad"))
        .expect("warning");
    assert!(
        w.contains("line 7") && w.contains("2 distinct points"),
        "{w}"
    );
    let g = &features[0].objects[0].geometries()[0];
    assert_eq!(g.boundaries.surface_count(), 1);
}

#[test]
fn pos_list_not_matching_srs_dimension_is_skipped_with_its_id() {
    let body = lod2(&[polygon("good", SQUARE), polygon("odd", "0 0 0 1 0 0 1 1")]);
    let (features, warnings) = read(&doc(&[building("b1", &body)]), false).unwrap();
    let w = warnings
        .iter()
        .find(|w| w.contains("gml:id odd"))
        .expect("warning");
    assert!(w.contains("not a multiple of srsDimension 3"), "{w}");
    assert_eq!(
        features[0].objects[0].geometries()[0]
            .boundaries
            .surface_count(),
        1
    );
}

#[test]
fn ade_content_is_kept_as_prefixed_attributes_with_one_warning() {
    let body = format!(
        "<ene:heatedArea uom=\"m2\">120.5</ene:heatedArea><ene:volume><ene:VolumeType><ene:value>300</ene:value></ene:VolumeType></ene:volume>{}",
        lod2(&[polygon("p1", SQUARE)])
    );
    let (features, warnings) =
        read(&doc(&[building("b1", &body), building("b2", &body)]), false).unwrap();
    let attrs = features[0].objects[0].attributes.as_ref().unwrap();
    assert_eq!(attrs["ene:heatedArea"]["value"], "120.5");
    assert_eq!(attrs["ene:volume"]["VolumeType"]["value"], "300");
    let ade: Vec<&String> = warnings.iter().filter(|w| w.contains("energy")).collect();
    assert_eq!(ade.len(), 1, "{warnings:?}");
}

#[test]
fn generic_attributes_of_every_kind_and_core_attributes_are_typed() {
    let body = r#"<gen:stringAttribute name="s"><gen:value>text</gen:value></gen:stringAttribute>
<gen:intAttribute name="i"><gen:value>42</gen:value></gen:intAttribute>
<gen:doubleAttribute name="d"><gen:value>4.5</gen:value></gen:doubleAttribute>
<gen:dateAttribute name="t"><gen:value>2020-01-02</gen:value></gen:dateAttribute>
<gen:uriAttribute name="u"><gen:value>https://example.org</gen:value></gen:uriAttribute>
<gen:measureAttribute name="m"><gen:value uom="m">7.25</gen:value></gen:measureAttribute>
<gen:genericAttributeSet name="set"><gen:intAttribute name="n"><gen:value>1</gen:value></gen:intAttribute></gen:genericAttributeSet>
<bldg:function>1000</bldg:function><bldg:function>2000</bldg:function>
<bldg:yearOfConstruction>1950</bldg:yearOfConstruction>
<bldg:measuredHeight uom="m">12.5</bldg:measuredHeight>
<bldg:storeysAboveGround>4</bldg:storeysAboveGround>"#;
    let (features, _) = read(&doc(&[building("b1", body)]), false).unwrap();
    let o = &features[0].objects[0];
    let a = o.attributes.as_ref().unwrap();
    assert_eq!(a["s"], "text");
    assert_eq!(a["i"], 42);
    assert_eq!(a["d"], 4.5);
    assert_eq!(a["t"], "2020-01-02");
    assert_eq!(a["u"], "https://example.org");
    assert_eq!(a["m"], 7.25);
    assert_eq!(a["set"]["n"], 1);
    assert_eq!(a["function"], serde_json::json!(["1000", "2000"]));
    assert_eq!(o.year_of_construction(), Some(1950));
    assert_eq!(o.measured_height(), Some(12.5));
    assert_eq!(o.storeys_above_ground(), Some(4.0));
}

#[test]
fn orientable_surface_minus_reverses_the_ring() {
    let body = format!(
        "<bldg:lod2MultiSurface><gml:MultiSurface><gml:surfaceMember><gml:OrientableSurface orientation=\"-\"><gml:baseSurface>{}</gml:baseSurface></gml:OrientableSurface></gml:surfaceMember>{}</gml:MultiSurface></bldg:lod2MultiSurface>",
        polygon("flipped", SQUARE).replace("<gml:surfaceMember>", "").replace("</gml:surfaceMember>", ""),
        polygon("plain", SQUARE)
    );
    let (features, _) = read(&doc(&[building("b1", &body)]), false).unwrap();
    let f = &features[0];
    let g = &f.objects[0].geometries()[0];
    let ring = |r: usize| -> Vec<[i64; 3]> {
        g.boundaries
            .ring(r)
            .iter()
            .map(|&i| f.vertices[i as usize])
            .collect()
    };
    let mut reversed = ring(1);
    reversed.reverse();
    assert_eq!(ring(0), reversed);
}

#[test]
fn latin1_files_are_read() {
    let mut text = doc(&[building("b1", "<gml:name>Stra\u{00DF}e</gml:name>")]);
    text = String::from_utf8(text)
        .unwrap()
        .replace("UTF-8", "ISO-8859-1")
        .chars()
        .map(|c| c as u32 as u8)
        .collect();
    let (features, _) = read(&text, false).unwrap();
    let a = features[0].objects[0].attributes.as_ref().unwrap();
    assert_eq!(a["name"], "Stra\u{00DF}e");
}

#[test]
fn links_to_polygons_of_other_members_resolve_forward_and_backward() {
    let solid = |target: &str| {
        format!(
            "<bldg:lod2Solid><gml:Solid><gml:exterior><gml:CompositeSurface><gml:surfaceMember xlink:href=\"#{target}\"/></gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod2Solid>"
        )
    };
    let text = doc(&[
        building("b1", &solid("later")),
        building(
            "b2",
            &lod2(&[polygon("later", SQUARE), polygon("earlier", SQUARE)]),
        ),
        building("b3", &solid("earlier")),
    ]);
    let (features, warnings) = read(&text, true).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    for k in [0, 2] {
        let g = &features[k].objects[0].geometries()[0];
        assert_eq!(g.kind, urbis_model::GeometryType::Solid);
        assert_eq!(g.boundaries.surface_count(), 1, "feature {k}");
        assert_eq!(features[k].vertices.len(), 4);
    }
}

#[test]
fn coordinates_in_degrees_keep_sub_metre_precision() {
    // A JGD2011 (EPSG:6697, latitude/longitude/height) building as Japan's PLATEAU publishes.
    let ring = "35.6812345 139.7671234 10.0 35.6812345 139.7672234 10.0 35.6813345 139.7672234 10.0 35.6813345 139.7671234 10.0 35.6812345 139.7671234 10.0";
    let body = format!(
        "<bldg:lod1Solid><gml:Solid srsName=\"http://www.opengis.net/def/crs/EPSG/0/6697\"><gml:exterior><gml:CompositeSurface>{}</gml:CompositeSurface></gml:exterior></gml:Solid></bldg:lod1Solid>",
        polygon("p1", ring)
    );
    let f = file(&doc(&[building("b1", &body)]));
    let mut r = Reader::open(f.path()).unwrap();
    let features = r.read_all().unwrap();
    let t = r.header().transform;
    assert!(t.scale[0] <= 1e-7, "{t:?}");
    // Latitude first as EPSG:6697 registers it; urbis keeps x = longitude, y = latitude.
    let v = t.apply(features[0].vertices[1]);
    assert!((v[0] - 139.7672234).abs() < 1e-7, "{v:?}");
    assert!((v[1] - 35.6812345).abs() < 1e-7, "{v:?}");
}
