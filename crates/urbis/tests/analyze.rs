//! `urbis analyze metrics|rules|sun`, run as a user would.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

fn urbis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .output()
        .expect("run urbis")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A CityJSON file of boxes (id, south-west-bottom corner, size) in EPSG:7415.
fn boxes_file(path: &Path, boxes: &[(&str, [f64; 3], [f64; 3])]) {
    let mut vertices: Vec<[i64; 3]> = Vec::new();
    let mut objects = serde_json::Map::new();
    for (id, o, d) in boxes {
        let base = vertices.len();
        for (x, y, z) in [
            (0., 0., 0.),
            (d[0], 0., 0.),
            (d[0], d[1], 0.),
            (0., d[1], 0.),
            (0., 0., d[2]),
            (d[0], 0., d[2]),
            (d[0], d[1], d[2]),
            (0., d[1], d[2]),
        ] {
            vertices.push([
                ((o[0] + x) * 1000.0).round() as i64,
                ((o[1] + y) * 1000.0).round() as i64,
                ((o[2] + z) * 1000.0).round() as i64,
            ]);
        }
        let f = |r: [usize; 4]| json!([r.map(|i| i + base)]);
        let shell = json!([
            f([0, 3, 2, 1]),
            f([4, 5, 6, 7]),
            f([0, 1, 5, 4]),
            f([1, 2, 6, 5]),
            f([2, 3, 7, 6]),
            f([3, 0, 4, 7]),
        ]);
        objects.insert(id.to_string(), json!({"type": "Building", "geometry": [{
            "type": "Solid", "lod": "1.2", "boundaries": [shell],
            "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"}, {"type": "WallSurface"}],
                "values": [[0, 1, 2, 2, 2, 2]]}}]}));
    }
    let doc = json!({"type": "CityJSON", "version": "2.0",
        "transform": {"scale": [0.001, 0.001, 0.001], "translate": [0.0, 0.0, 0.0]},
        "metadata": {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/7415"},
        "CityObjects": objects, "vertices": vertices});
    std::fs::write(path, serde_json::to_vec(&doc).unwrap()).unwrap();
}

const X: f64 = 85_000.0;
const Y: f64 = 447_000.0;

/// Box "a" (10 × 20 × 9 m) and box "b" (5 × 5 × 4 m) in a temporary directory.
fn two_boxes() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city.city.json");
    boxes_file(
        &city,
        &[
            ("a", [X, Y, 0.0], [10.0, 20.0, 9.0]),
            ("b", [X + 30.0, Y, 0.0], [5.0, 5.0, 4.0]),
        ],
    );
    (dir, city)
}

#[test]
fn metrics_json_csv_and_geojson() {
    let (dir, city) = two_boxes();
    let csv = dir.path().join("m.csv");
    let geojson = dir.path().join("m.geojson");
    let out = urbis(&[
        "analyze",
        "metrics",
        s(&city),
        "--json",
        "--csv",
        s(&csv),
        "--geojson",
        s(&geojson),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["buildings"], 2);
    let a = &v["buildings"][0];
    assert_eq!(a["id"], "a");
    assert_eq!(a["footprint_area"], 200.0);
    assert_eq!(a["volume"], 1800.0);
    assert_eq!(a["height"], 9.0);
    assert_eq!(a["storeys"], 3);
    assert_eq!(a["wall_areas"]["E"], 180.0);
    assert_eq!(v["summary"]["volume"], 1900.0);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count(), 3);
    assert!(text
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("a,Building,a,0,1.2,200,ground-surface,0,9,9,flat,9,1800,"));
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    assert_eq!(g["features"][1]["properties"]["volume"], 100.0);
    assert_eq!(g["features"][1]["geometry"]["type"], "MultiPolygon");
    // A human summary without flags.
    let out = urbis(&["analyze", "metrics", s(&city)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 Buildings"), "{text}");
}

#[test]
fn rules_report_and_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("city.city.json");
    boxes_file(
        &city,
        &[
            ("low", [X + 5.0, Y + 5.0, 0.0], [10.0, 10.0, 6.0]),
            ("tall", [X + 45.0, Y + 5.0, 0.0], [10.0, 10.0, 20.0]),
        ],
    );
    let ring = |x0: f64| {
        json!([[
            [X + x0, Y],
            [X + x0 + 30.0, Y],
            [X + x0 + 30.0, Y + 30.0],
            [X + x0, Y + 30.0],
            [X + x0, Y]
        ]])
    };
    let zoning = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"plot_id": "p1", "zone": "R"}, "geometry": {"type": "Polygon", "coordinates": ring(0.0)}},
        {"type": "Feature", "properties": {"plot_id": "p2", "zone": "R"}, "geometry": {"type": "Polygon", "coordinates": ring(40.0)}},
    ]});
    let zoning_path = dir.path().join("plots.geojson");
    std::fs::write(&zoning_path, zoning.to_string()).unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[zones.R]\nmax_height = 12.0\nmin_setback = 5.0\n").unwrap();
    let out_geojson = dir.path().join("r.geojson");
    let out = urbis(&[
        "analyze",
        "rules",
        s(&city),
        "--zoning",
        s(&zoning_path),
        "--rules",
        s(&rules),
        "--json",
        "--geojson",
        s(&out_geojson),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a failed check exits 1: {}",
        stderr(&out)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["failures"], 1);
    let tall = v["buildings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "tall")
        .unwrap();
    assert_eq!(tall["plot"], "p2");
    assert_eq!(tall["indicators"][0]["rule"], "max_height");
    assert_eq!(tall["indicators"][0]["margin"], -8.0);
    assert_eq!(tall["indicators"][1]["measured"], 5.0);
    let g: Value = serde_json::from_str(&std::fs::read_to_string(&out_geojson).unwrap()).unwrap();
    assert_eq!(g["features"].as_array().unwrap().len(), 4);
    // A rule file with a typo names it.
    std::fs::write(&rules, "[zones.R]\nmax_heigth = 12.0\n").unwrap();
    let out = urbis(&[
        "analyze",
        "rules",
        s(&city),
        "--zoning",
        s(&zoning_path),
        "--rules",
        s(&rules),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("max_heigth"), "{}", stderr(&out));
}

#[test]
fn sun_with_a_proposed_tower() {
    let dir = tempfile::tempdir().unwrap();
    let city = dir.path().join("street.city.json");
    let houses: Vec<(String, [f64; 3], [f64; 3])> = (0..5)
        .map(|i| {
            (
                format!("h{i}"),
                [X + i as f64 * 40.0, Y + 20.0, 0.0],
                [10.0, 8.0, 7.0],
            )
        })
        .collect();
    let refs: Vec<(&str, [f64; 3], [f64; 3])> = houses
        .iter()
        .map(|(a, b, c)| (a.as_str(), *b, *c))
        .collect();
    boxes_file(&city, &refs);
    let tower = dir.path().join("tower.city.json");
    boxes_file(
        &tower,
        &[("tower", [X + 85.0, Y - 10.0, 0.0], [10.0, 10.0, 40.0])],
    );
    let png = dir.path().join("sun.png");
    let csv = dir.path().join("sun.csv");
    let out = urbis(&[
        "analyze",
        "sun",
        s(&city),
        "--date",
        "2026-12-21",
        "--solar-time",
        "--step",
        "10m",
        "--grid",
        "2",
        "--proposed",
        s(&tower),
        "--json",
        "--png",
        s(&png),
        "--csv",
        s(&csv),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["samples"], 36);
    assert!((v["site"]["latitude"].as_f64().unwrap() - 52.0).abs() < 0.2);
    let affected: Vec<&str> = v["affected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // The house straight behind the tower loses sun (and the west wall of the next one, late
    // in the day); the houses 65 m aside are beyond the shadow's sweep.
    assert!(affected.contains(&"h2"), "{affected:?}");
    assert!(
        !affected.contains(&"h0") && !affected.contains(&"h4"),
        "{affected:?}"
    );
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[1..4], b"PNG");
    assert!(png.with_extension("pgw").exists());
    let rows = std::fs::read_to_string(&csv).unwrap();
    assert!(rows.lines().any(|l| l.starts_with("facade,h2,")));
    assert!(rows.lines().any(|l| l.starts_with("ground,,")));
    // Without a CRS or --site, the site is unknown: a clear error.
    let out = urbis(&["analyze", "sun", s(&city), "--site", "nonsense"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("LAT,LON"), "{}", stderr(&out));
}

/// The Delft file: every step of the study runs on real data.
#[test]
fn sun_on_delft() {
    let Some(data) = urbis_testkit::require_data("sun_on_delft") else {
        return;
    };
    let out = urbis(&[
        "analyze",
        "sun",
        s(&data.join("cityjson/medium/delft.city.json")),
        "--date",
        "2026-06-21",
        "--step",
        "30m",
        "--grid",
        "4",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["buildings"].as_array().unwrap().len(), 160);
    assert!(v["ground"]["cells"].as_u64().unwrap() > 1000);
    assert!(v["ground"]["mean_hours"].as_f64().unwrap() > 1.0);
    assert!(v["facade_points"].as_u64().unwrap() > 1000);
}

/// Figures stored in the store as attributes, for the viewer to colour by.
#[test]
fn store_attributes_for_the_viewer() {
    let (dir, city) = two_boxes();
    let db = dir.path().join("city.db");
    let out = urbis(&["import", s(&city), "--db", s(&db), "--collection", "c"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = urbis(&[
        "analyze",
        "metrics",
        "--collection",
        "c",
        "--db",
        s(&db),
        "--store-attributes",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[zones.R]\nmax_height = 8.0\n").unwrap();
    let zoning = dir.path().join("plots.geojson");
    let plot = json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"plot_id": "p", "zone": "R"}, "geometry": {"type": "Polygon",
        "coordinates": [[[X - 5.0, Y - 5.0], [X + 50.0, Y - 5.0], [X + 50.0, Y + 30.0], [X - 5.0, Y + 30.0], [X - 5.0, Y - 5.0]]]}}]});
    std::fs::write(&zoning, plot.to_string()).unwrap();
    let out = urbis(&[
        "analyze",
        "rules",
        "--collection",
        "c",
        "--db",
        s(&db),
        "--zoning",
        s(&zoning),
        "--rules",
        s(&rules),
        "--store-attributes",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let exported = dir.path().join("out.city.json");
    let out = urbis(&["export", s(&exported), "--collection", "c", "--db", s(&db)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&std::fs::read(&exported).unwrap()).unwrap();
    let a = &v["CityObjects"]["a"]["attributes"];
    assert_eq!(a["urbis_height"], 9.0);
    assert_eq!(a["urbis_volume"], 1800.0);
    assert_eq!(a["urbis_rule_failures"], 1);
    assert_eq!(
        v["CityObjects"]["b"]["attributes"]["urbis_rule_failures"],
        0
    );
    // Without a collection there is nowhere to store.
    let out = urbis(&["analyze", "metrics", s(&city), "--store-attributes"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn metrics_use_storeys_above_ground_and_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("c.city.jsonl");
    let o = urbis(&["generate", s(&city), "--buildings", "25"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let given: std::collections::HashMap<String, u64> = std::fs::read_to_string(&city)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Value = serde_json::from_str(l).unwrap();
            let id = f["id"].as_str().unwrap().to_string();
            let n = f["CityObjects"][&id]["attributes"]["storeysAboveGround"].as_u64()?;
            Some((id, n))
        })
        .collect();
    assert_eq!(given.len(), 25);
    let o = urbis(&["analyze", "metrics", s(&city), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    for b in v["buildings"].as_array().unwrap() {
        let id = b["id"].as_str().unwrap();
        assert_eq!(b["storeys"].as_u64(), Some(given[id]), "{b}");
        assert_eq!(b["storeys_source"], "storeysAboveGround", "{b}");
        assert!(b["storeys_estimate"].as_u64().unwrap() >= 1);
    }
    assert_eq!(v["summary"]["storeys_sources"]["storeysAboveGround"], 25);
    let text = urbis(&["analyze", "metrics", s(&city)]);
    let out = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        out.contains("25 from storeysAboveGround, 0 estimated"),
        "{out}"
    );
}
