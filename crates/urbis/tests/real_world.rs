//! Classes of data the field publishes, run through the command line: a CityJSON file whose
//! x and y were written the wrong way round (warned about and repaired by `--swap-axes`), and
//! inputs nested deep enough to exhaust a recursive reader (a clean error, never a crash).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::path::Path;
use support::{s, stderr, urbis};

/// A generated city (EPSG:7415) with x and y exchanged in the file, as a northing-first export
/// would write it.
fn swapped_city(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let good = dir.join("city.city.json");
    let o = urbis(&["generate", s(&good), "--buildings", "30", "--seed", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&good).unwrap()).unwrap();
    for key in ["scale", "translate"] {
        let a = doc["transform"][key].as_array_mut().unwrap();
        a.swap(0, 1);
    }
    for v in doc["vertices"].as_array_mut().unwrap() {
        v.as_array_mut().unwrap().swap(0, 1);
    }
    if let Some(e) = doc["metadata"]["geographicalExtent"].as_array_mut() {
        e.swap(0, 1);
        e.swap(3, 4);
    }
    let swapped = dir.join("swapped.city.json");
    std::fs::write(&swapped, serde_json::to_vec(&doc).unwrap()).unwrap();
    (good, swapped)
}

#[test]
fn swapped_cityjson_warns_and_is_repaired_by_swap_axes() {
    let dir = tempfile::tempdir().unwrap();
    let (good, swapped) = swapped_city(dir.path());
    // info warns, naming the fix.
    let o = urbis(&["info", s(&swapped)]);
    assert!(o.status.success());
    assert!(
        stderr(&o).contains("x and y look swapped") && stderr(&o).contains("--swap-axes"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&urbis(&["info", s(&good)])).contains("swapped"));
    // validate finds every solid inside out and says why.
    let o = urbis(&["validate", "--geometry-only", "--json", s(&swapped)]);
    assert_eq!(o.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(report["summary"]["errors"]["405"].as_u64().unwrap() > 0);
    assert!(report["warning_messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("inside-out shells (405)")));
    // --swap-axes: valid, and converted back it is the generated city again.
    let o = urbis(&["validate", "--geometry-only", "--swap-axes", s(&swapped)]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let repaired = dir.path().join("repaired.city.json");
    let o = urbis(&["convert", "--swap-axes", s(&swapped), s(&repaired)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("look swapped"), "{}", stderr(&o));
    let info = |p: &Path| -> Value {
        serde_json::from_slice(&urbis(&["info", "--json", s(p)]).stdout).unwrap()
    };
    let (a, b) = (info(&good), info(&repaired));
    assert_eq!(a["extent"], b["extent"]);
    assert_eq!(a["city_objects"], b["city_objects"]);
    let o = urbis(&["validate", "--geometry-only", s(&repaired)]);
    assert_eq!(o.status.code(), Some(0));
}

/// Writes `text` to `name` in `dir`.
fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn deeply_nested_inputs_are_clean_errors() {
    let dir = tempfile::tempdir().unwrap();
    let n = 200_000;
    // CityGML: bldg:function holding 200,000 nested elements (2.2 MB of XML).
    let gml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml">
<core:cityObjectMember><bldg:Building gml:id="b1"><bldg:function>{}x{}</bldg:function></bldg:Building></core:cityObjectMember>
</core:CityModel>
"#,
        "<a>".repeat(n),
        "</a>".repeat(n)
    );
    let gml = write(dir.path(), "deep.gml", &gml);
    // GML geometry nested as deep: MultiSurface in MultiSurface...
    let geometry = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<core:CityModel xmlns:core="http://www.opengis.net/citygml/2.0" xmlns:bldg="http://www.opengis.net/citygml/building/2.0" xmlns:gml="http://www.opengis.net/gml">
<core:cityObjectMember><bldg:Building gml:id="b1"><bldg:lod2MultiSurface>{}{}</bldg:lod2MultiSurface></bldg:Building></core:cityObjectMember>
</core:CityModel>
"#,
        "<gml:MultiSurface><gml:surfaceMember>".repeat(n / 2),
        "</gml:surfaceMember></gml:MultiSurface>".repeat(n / 2)
    );
    let geometry = write(dir.path(), "deep-geometry.gml", &geometry);
    // CityJSON and CityJSONSeq attributes nested as deep.
    let json = write(
        dir.path(),
        "deep.city.json",
        &format!(
            r#"{{"type":"CityJSON","version":"2.0","transform":{{"scale":[1,1,1],"translate":[0,0,0]}},"CityObjects":{{"b1":{{"type":"Building","attributes":{{"x":{}{}}}}}}},"vertices":[]}}"#,
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    let seq = write(
        dir.path(),
        "deep.city.jsonl",
        &format!(
            "{}\n{}\n",
            r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}"#,
            format_args!(
                r#"{{"type":"CityJSONFeature","id":"b1","CityObjects":{{"b1":{{"type":"Building","attributes":{{"x":{}1{}}}}}}},"vertices":[]}}"#,
                r#"{"a":"#.repeat(n),
                "}".repeat(n)
            )
        ),
    );
    for input in [&gml, &geometry, &json, &seq] {
        let out = dir.path().join("out.city.json");
        let db = dir.path().join("deep.db");
        for args in [
            vec!["info", s(input)],
            vec!["convert", s(input), s(&out)],
            vec!["import", s(input), "--db", s(&db)],
            vec!["validate", s(input)],
        ] {
            let o = urbis(&args);
            // Exit 2 (could not be read) with a message that names the file; never a signal.
            assert!(
                o.status.code().is_some(),
                "{args:?} was killed by a signal: {}",
                stderr(&o)
            );
            let err = stderr(&o) + &String::from_utf8_lossy(&o.stdout);
            let ok_info = args[0] == "info" && o.status.success();
            assert!(
                ok_info || (o.status.code() == Some(2) && err.contains("deep")),
                "{args:?}: {:?} {err}",
                o.status.code()
            );
        }
    }
}

#[test]
fn metrics_on_geographic_data_match_the_projected_figures() {
    let dir = tempfile::tempdir().unwrap();
    let projected = dir.path().join("city.city.json");
    let o = urbis(&[
        "generate",
        s(&projected),
        "--buildings",
        "40",
        "--seed",
        "5",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The same city in longitude/latitude degrees (EPSG:4979 keeps the heights as they are).
    let geographic = dir.path().join("city-4979.city.json");
    let o = urbis(&[
        "reproject",
        s(&projected),
        s(&geographic),
        "--to",
        "EPSG:4979",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let metrics = |p: &Path| -> (Value, String) {
        let o = urbis(&["analyze", "metrics", s(p), "--json"]);
        assert!(o.status.success(), "{}", stderr(&o));
        (serde_json::from_slice(&o.stdout).unwrap(), stderr(&o))
    };
    let (a, _) = metrics(&projected);
    let (b, notice) = metrics(&geographic);
    assert!(
        notice.contains("measured in metres in UTM zone 31"),
        "{notice}"
    );
    let (a, b) = (
        a["buildings"].as_array().unwrap(),
        b["buildings"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 40);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert_eq!(x["id"], y["id"]);
        for key in ["footprint_area", "volume", "height"] {
            let (p, g) = (x[key].as_f64().unwrap(), y[key].as_f64().unwrap());
            assert!(
                (p - g).abs() <= 0.005 * p.abs(),
                "{} {key}: {p} projected, {g} from degrees",
                x["id"]
            );
        }
    }
}
