//! The `urbis` command line, run as a user would: outputs, exit codes and error messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use urbis_testkit::{canonical, compare, read, require_data, SchemaOracle};

fn urbis(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .output()
        .expect("run urbis")
}

fn urbis_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn info_json_reports_the_den_haag_tile() {
    let Some(data) = require_data("info") else {
        return;
    };
    let out = urbis(&[
        "info",
        s(&data.join("cityjson/medium/denhaag_01.city.json")),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], "1.0");
    assert_eq!(v["crs"], "EPSG:7415");
    assert_eq!(v["city_objects"], 2498);
    assert_eq!(v["types"]["Building"], 844);
    assert_eq!(v["types"]["BuildingPart"], 1653);
    assert_eq!(v["types"]["TINRelief"], 1);
    assert_eq!(v["lods"], serde_json::json!(["2"]));
    assert_eq!(
        v["geometry_types"],
        serde_json::json!(["CompositeSurface", "Solid"])
    );
    assert_eq!(v["vertices"], 22997);
    assert_eq!(v["has_appearance"], true);
    let extent: Vec<f64> = serde_json::from_value(v["extent"].clone()).unwrap();
    let expected = [78248.66, 457604.591, 2.463, 79036.024, 458276.439, 37.481];
    assert!(
        extent
            .iter()
            .zip(expected)
            .all(|(a, b)| (a - b).abs() < 1e-6),
        "{extent:?}"
    );
    for key in [
        "attributes",
        "extensions",
        "geometry_types",
        "lods",
        "types",
    ] {
        assert!(!v[key].is_null(), "missing {key}");
    }
}

#[test]
fn convert_streams_through_stdin_and_stdout() {
    let Some(data) = require_data("stdin") else {
        return;
    };
    let input = std::fs::read(data.join("cityjson/tiny/rotterdam_subset.city.json")).unwrap();
    let seq = urbis_stdin(&["convert", "-", "-", "--to", "cityjsonseq"], &input);
    assert_eq!(seq.status.code(), Some(0), "{}", stderr(&seq));
    let text = String::from_utf8(seq.stdout.clone()).unwrap();
    assert!(
        text.lines().count() > 1
            && text
                .lines()
                .skip(1)
                .all(|l| l.contains("\"CityJSONFeature\""))
    );
    let back = urbis_stdin(&["convert", "-", "-", "--to", "cityjson"], &seq.stdout);
    assert_eq!(back.status.code(), Some(0), "{}", stderr(&back));
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("back.city.json");
    std::fs::write(&p, &back.stdout).unwrap();
    let (h1, f1) = read(&data.join("cityjson/tiny/rotterdam_subset.city.json"));
    let (h2, f2) = read(&p);
    compare(&canonical(&h1, &f1, 0.001), &canonical(&h2, &f2, 0.001)).unwrap();
}

/// A broken input, what the message must mention, and whether a location is expected.
fn bad_inputs(dir: &Path) -> Vec<(&'static str, PathBuf, Vec<&'static str>)> {
    let good = r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[0.001,0.001,0.001],"translate":[0,0,0]},"CityObjects":{"b1":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]]]}]}},"vertices":[[0,0,0],[1000,0,0],[0,1000,0]]}"#;
    let cases: Vec<(&str, String, Vec<&str>)> = vec![
        ("truncated", good[..good.len() - 40].to_string(), vec!["line 1", "truncated"]),
        ("wrong_type", good.replace("\"lod\":\"1\"", "\"lod\":{}"), vec!["b1", "LoD"]),
        ("index_out_of_range", good.replace("[[[0,1,2]]]", "[[[0,1,7]]]"), vec!["b1", "out of range"]),
        ("missing_transform", good.replace(r#""transform":{"scale":[0.001,0.001,0.001],"translate":[0,0,0]},"#, ""), vec!["transform"]),
        ("unknown_version", good.replace("\"2.0\"", "\"3.7\""), vec!["3.7"]),
        ("not_json", "this is not json".to_string(), vec!["line 1", "not a JSON object"]),
        ("vertices_wrong_type", good.replace(r#""vertices":[[0,0,0],[1000,0,0],[0,1000,0]]"#, r#""vertices":"many""#), vec!["line 1", "expected '['"]),
        (
            "feature_id_not_in_objects",
            "{\"type\":\"CityJSON\",\"version\":\"2.0\",\"transform\":{\"scale\":[1,1,1],\"translate\":[0,0,0]},\"CityObjects\":{},\"vertices\":[]}\n{\"type\":\"CityJSONFeature\",\"id\":\"ghost\",\"CityObjects\":{\"b1\":{\"type\":\"Building\"}},\"vertices\":[]}\n".to_string(),
            vec!["line 2", "ghost", "is not one of its CityObjects"],
        ),
    ];
    cases
        .into_iter()
        .map(|(name, text, phrases)| {
            let ext = if name.starts_with("feature") {
                "city.jsonl"
            } else {
                "city.json"
            };
            let p = dir.join(format!("{name}.{ext}"));
            std::fs::write(&p, text).unwrap();
            (name, p, phrases)
        })
        .collect()
}

#[test]
fn bad_input_gets_one_clear_message_exit_2_and_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cases = bad_inputs(tmp.path());
    cases.push((
        "unreadable",
        tmp.path().join("does-not-exist.city.json"),
        vec!["No such file"],
    ));
    for (name, input, phrases) in cases {
        for cmd in ["convert", "info"] {
            let out_path = tmp.path().join(format!("{name}.out.city.json"));
            let args: Vec<&str> = if cmd == "convert" {
                vec![cmd, s(&input), s(&out_path)]
            } else {
                vec![cmd, s(&input)]
            };
            let out = urbis(&args);
            let err = stderr(&out);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name} ({cmd}): exit code, stderr: {err}"
            );
            assert!(!err.contains("panicked"), "{name}: panic: {err}");
            assert!(
                err.contains(&*input.file_name().unwrap().to_string_lossy()),
                "{name}: no file name in: {err}"
            );
            for p in &phrases {
                assert!(err.contains(p), "{name} ({cmd}): \"{p}\" not in: {err}");
            }
            assert_eq!(
                err.lines().filter(|l| l.contains("error")).count(),
                1,
                "{name}: one message: {err}"
            );
            assert!(!out_path.exists(), "{name}: an output file was left behind");
        }
    }
    // No temporary files left beside the outputs either.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".urbis-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn generate_is_deterministic_closed_and_schema_valid() {
    generated_city_is_deterministic_closed_and_schema_valid("streets");
}

#[test]
fn generated_district_is_deterministic_closed_schema_valid_and_valid() {
    let tmp = generated_city_is_deterministic_closed_and_schema_valid("district");
    let a = tmp.path().join("a.city.json");
    let out = urbis(&["validate", s(&a), "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["valid"], true);
    let (_, features) = read(&a);
    for kind in ["TransportSquare", "PlantCover", "SolitaryVegetationObject"] {
        assert!(
            features.iter().any(|f| f.objects[0].kind.as_str() == kind),
            "no {kind}"
        );
    }
}

/// Generates 57 buildings in `layout` twice and checks the files are equal, hold the buildings,
/// a terrain and roads in EPSG:7415, closed consistently oriented solids, and (with the shared
/// data) pass the CityJSON 2.0 schema. The directory holds `a.city.json`.
fn generated_city_is_deterministic_closed_and_schema_valid(layout: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.city.json");
    let b = tmp.path().join("b.city.json");
    for p in [&a, &b] {
        let out = urbis(&[
            "generate",
            s(p),
            "--buildings",
            "57",
            "--seed",
            "7",
            "--layout",
            layout,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "same seed, same bytes"
    );
    let (header, features) = read(&a);
    let buildings: Vec<_> = features
        .iter()
        .flat_map(|f| &f.objects)
        .filter(|o| o.kind.as_str() == "Building")
        .collect();
    assert_eq!(buildings.len(), 57);
    assert!(features
        .iter()
        .flat_map(|f| &f.objects)
        .any(|o| o.kind.as_str() == "TINRelief"));
    assert!(features
        .iter()
        .flat_map(|f| &f.objects)
        .any(|o| o.kind.as_str() == "Road"));
    assert_eq!(header.crs().unwrap().to_string(), "EPSG:7415");
    // Every solid is closed and consistently oriented: each directed edge appears once and its
    // reverse once.
    for f in &features {
        for o in &f.objects {
            for g in o
                .geometries()
                .iter()
                .filter(|g| g.kind == urbis_model::GeometryType::Solid)
            {
                let mut edges = std::collections::HashMap::new();
                let b = &g.boundaries;
                for r in 0..b.ring_count() {
                    let ring = b.ring(r);
                    for i in 0..ring.len() {
                        *edges
                            .entry((ring[i], ring[(i + 1) % ring.len()]))
                            .or_insert(0) += 1;
                    }
                }
                for (&(p, q), &n) in &edges {
                    assert_eq!(
                        n, 1,
                        "{}: edge {p}-{q} used {n} times in one direction",
                        o.id
                    );
                    assert_eq!(
                        edges.get(&(q, p)),
                        Some(&1),
                        "{}: edge {p}-{q} has no twin",
                        o.id
                    );
                }
                if let Some(sem) = g.semantics.as_ref() {
                    assert_eq!(sem.values.len(), b.surface_count());
                } else {
                    assert_eq!(o.kind.as_str(), "SolitaryVegetationObject");
                }
            }
        }
    }
    if let Some(data) = require_data("generate schema") {
        let oracle = SchemaOracle::load(&data, "20");
        let doc: Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
        assert_eq!(oracle.document_errors(&doc), Vec::<String>::new());
    }
    tmp
}

#[test]
fn subset_by_id_brings_children_and_keeps_links_consistent() {
    let Some(data) = require_data("subset") else {
        return;
    };
    let input = data.join("cityjson/medium/denhaag_01.city.json");
    let (_, features) = read(&input);
    let parent = features.iter().find(|f| f.objects.len() >= 3).unwrap();
    let child = parent.objects[1].id.clone();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s.city.json");
    let o = urbis(&["subset", s(&input), s(&out), "--id", &parent.id]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, got) = read(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(
        got[0].objects.len(),
        parent.objects.len(),
        "children come along"
    );
    // Selecting only a child: it becomes a top-level object without the dangling parent link.
    let o = urbis(&["subset", s(&input), s(&out), "--id", &child]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, got) = read(&out);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].objects[0].id, child);
    assert!(got[0].objects[0].parents.is_empty());
    // By type, and its exclusion: together they make up the whole.
    let o = urbis(&["subset", s(&input), s(&out), "--type", "TINRelief"]);
    assert_eq!(o.status.code(), Some(0));
    let (_, tin) = read(&out);
    assert_eq!(tin.iter().map(|f| f.objects.len()).sum::<usize>(), 1);
    let o = urbis(&[
        "subset",
        s(&input),
        s(&out),
        "--type",
        "TINRelief",
        "--exclude",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (_, rest) = read(&out);
    assert_eq!(rest.iter().map(|f| f.objects.len()).sum::<usize>(), 2497);
    // By bbox: the western half has fewer features than the whole, and more than none.
    let o = urbis(&[
        "subset",
        s(&input),
        s(&out),
        "--bbox",
        "78248",
        "457604",
        "78640",
        "458277",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let (h, west) = read(&out);
    assert!(!west.is_empty() && west.len() < features.len());
    for f in &west {
        let c = f.centroid().unwrap();
        let x = c[0] * h.transform.scale[0] + h.transform.translate[0];
        assert!(x <= 78640.0);
    }
}

#[test]
fn lod_keep_and_drop() {
    let Some(data) = require_data("lod") else {
        return;
    };
    let input = data.join("cityjson/tiny/multi_lod.city.json");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("l.city.json");
    let o = urbis(&["lod", s(&input), s(&out), "--keep", "2.2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (_, f) = read(&out);
    let lods: std::collections::BTreeSet<_> = f
        .iter()
        .flat_map(|f| &f.objects)
        .flat_map(|o| o.geometries())
        .filter_map(|g| g.lod.clone())
        .collect();
    assert_eq!(
        lods.into_iter().collect::<Vec<_>>(),
        vec!["2.2".to_string()]
    );
    // Unused vertices are gone: every vertex is referenced.
    for feature in &f {
        let used: std::collections::HashSet<u32> = feature
            .objects
            .iter()
            .flat_map(|o| o.geometries())
            .flat_map(|g| g.boundaries.vertices.iter().copied())
            .collect();
        assert_eq!(used.len(), feature.vertices.len());
    }
    let o = urbis(&["lod", s(&input), s(&out), "--drop", "2.2"]);
    assert_eq!(o.status.code(), Some(0));
    let (_, f) = read(&out);
    assert!(f
        .iter()
        .flat_map(|f| &f.objects)
        .flat_map(|o| o.geometries())
        .all(|g| g.lod.as_deref() != Some("2.2")));
}

#[test]
fn merge_requantises_and_handles_id_clashes() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.city.json");
    let b = tmp.path().join("b.city.jsonl");
    assert_eq!(
        urbis(&["generate", s(&a), "--buildings", "5", "--seed", "1"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        urbis(&["generate", s(&b), "--buildings", "5", "--seed", "2"])
            .status
            .code(),
        Some(0)
    );
    let out = tmp.path().join("m.city.json");
    let clash = urbis(&["merge", s(&a), s(&b), "-o", s(&out)]);
    assert_eq!(clash.status.code(), Some(2));
    assert!(
        stderr(&clash).contains("building_000000") && stderr(&clash).contains("--rename-clashes"),
        "{}",
        stderr(&clash)
    );
    assert!(!out.exists());
    let ok = urbis(&["merge", s(&a), s(&b), "-o", s(&out), "--rename-clashes"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    let (_, f) = read(&out);
    let ids: std::collections::HashSet<_> = f
        .iter()
        .flat_map(|f| &f.objects)
        .map(|o| o.id.clone())
        .collect();
    assert!(ids.contains("building_000000") && ids.contains("building_000000-2"));
    assert_eq!(ids.len(), 2 * (5 + 1 + 1));
}

#[test]
fn merge_of_different_transforms_keeps_real_coordinates() {
    let Some(data) = require_data("merge transforms") else {
        return;
    };
    // rotterdam_subset (2.0) and rotterdam_one (1.1) share a CRS-less setup? Use two copies of
    // one file, the second re-quantised at a coarser translate, and compare real coordinates.
    let input = data.join("cityjson/tiny/rotterdam_subset.city.json");
    let tmp = tempfile::tempdir().unwrap();
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
    let scale: Vec<f64> = serde_json::from_value(doc["transform"]["scale"].clone()).unwrap();
    let translate: Vec<f64> =
        serde_json::from_value(doc["transform"]["translate"].clone()).unwrap();
    // Shift translate by +10 m and the integer vertices by the same amount the other way.
    let shift: Vec<i64> = scale.iter().map(|s| (10.0 / s).round() as i64).collect();
    doc["transform"]["translate"] = serde_json::json!([
        translate[0] + 10.0,
        translate[1] + 10.0,
        translate[2] + 10.0
    ]);
    for v in doc["vertices"].as_array_mut().unwrap() {
        for axis in 0..3 {
            v[axis] = serde_json::json!(v[axis].as_i64().unwrap() - shift[axis]);
        }
    }
    let mut objects = serde_json::Map::new();
    for (k, o) in doc["CityObjects"].as_object().unwrap() {
        let mut o = o.clone();
        for key in ["parents", "children"] {
            if let Some(list) = o.get_mut(key).and_then(Value::as_array_mut) {
                for x in list.iter_mut() {
                    *x = Value::String(format!("{}-copy", x.as_str().unwrap()));
                }
            }
        }
        objects.insert(format!("{k}-copy"), o);
    }
    doc["CityObjects"] = Value::Object(objects);
    let shifted = tmp.path().join("shifted.city.json");
    std::fs::write(&shifted, doc.to_string()).unwrap();
    let out = tmp.path().join("m.city.json");
    let o = urbis(&["merge", s(&input), s(&shifted), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (h, merged) = read(&out);
    let (h0, orig) = read(&input);
    let (h1, copy) = read(&shifted);
    let mut expected = canonical(&h0, &orig, 0.001);
    expected.extend(canonical(&h1, &copy, 0.001));
    compare(&expected, &canonical(&h, &merged, 0.001)).unwrap();
}

#[test]
fn reproject_to_wgs84_lands_in_delft_and_keeps_heights() {
    let Some(data) = require_data("reproject") else {
        return;
    };
    let input = data.join("cityjson/medium/delft.city.json");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("wgs84.city.json");
    let o = urbis(&["reproject", s(&input), s(&out), "--to", "EPSG:4326"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let (h, f) = read(&out);
    assert_eq!(h.crs().unwrap().to_string(), "EPSG:4326");
    let (h0, f0) = read(&input);
    for (a, b) in f.iter().zip(&f0).take(50) {
        for (va, vb) in a.vertices.iter().zip(&b.vertices) {
            let p = h.transform.apply(*va);
            let q = h0.transform.apply(*vb);
            assert!(
                (p[0] - 4.36).abs() < 0.05 && (p[1] - 52.01).abs() < 0.05,
                "{p:?} is not in Delft"
            );
            assert!((p[2] - q[2]).abs() < 1e-6, "z changed");
        }
    }
    // A CRS urbis cannot handle is an error, not a guess.
    let bad = urbis(&["reproject", s(&input), s(&out), "--to", "EPSG:999999"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("999999"), "{}", stderr(&bad));
}

#[test]
fn help_is_there_for_every_command() {
    for cmd in [
        "info",
        "convert",
        "upgrade",
        "subset",
        "lod",
        "merge",
        "reproject",
        "generate",
        "validate",
    ] {
        let out = urbis(&[cmd, "--help"]);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{cmd}"
        );
    }
    assert_eq!(urbis(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn validate_exit_codes_and_json_report() {
    let tmp = tempfile::tempdir().unwrap();
    // The generated city is valid: closed, outward solids and planar faces.
    let city = tmp.path().join("city.city.json");
    let out = urbis(&["generate", s(&city), "--buildings", "40", "--seed", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = urbis(&["validate", s(&city), "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["valid"], true);
    assert!(report["summary"]["objects"].as_u64().unwrap() >= 40);
    assert_eq!(report["options"]["snap_tol"], 0.001);

    // A cube with a non-planar face: exit 1, code 203 on the object.
    let cube = tmp.path().join("cube.off");
    std::fs::write(
        &cube,
        "OFF\n8 6 0\n0 0 0\n1 0 0\n1 1 0\n0 1 0\n0 0 1\n1 0 1\n1 1 1.5\n0 1 1\n\
         4 0 3 2 1\n4 4 5 6 7\n4 0 1 5 4\n4 1 2 6 5\n4 2 3 7 6\n4 3 0 4 7\n",
    )
    .unwrap();
    let out = urbis(&["validate", s(&cube), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let errors = report["features"][0]["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["code"] == 203), "{errors:?}");
    // Only the top is bent: the sides stay in their planes x = 1 and y = 1.
    assert_eq!(report["summary"]["errors"]["203"], 1);
    // With a looser planarity tolerance it is valid.
    let out = urbis(&[
        "validate",
        s(&cube),
        "--planarity-d2p",
        "0.5",
        "--planarity-n",
        "45",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // A 2.0 file whose LoD is a number breaks the schema: exit 1, located by JSON pointer.
    let bad = tmp.path().join("bad.city.json");
    std::fs::write(
        &bad,
        r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},
        "CityObjects":{"b1":{"type":"Building","geometry":[{"type":"MultiSurface","lod":2,
        "boundaries":[[[0,1,2]]]}]}},"vertices":[[0,0,0],[1,0,0],[0,1,0]]}"#,
    )
    .unwrap();
    let out = urbis(&["validate", s(&bad), "--schema-only", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["schema"][0]["pointer"],
        "/CityObjects/b1/geometry/0/lod"
    );
    assert_eq!(
        report["summary"]["objects"], 0,
        "--schema-only skips the geometry"
    );

    // A child that does not name its parent back: a structure error.
    let links = tmp.path().join("links.city.json");
    std::fs::write(
        &links,
        r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},
        "CityObjects":{"b1":{"type":"Building","children":["p1"]},
        "p1":{"type":"BuildingPart"}},"vertices":[]}"#,
    )
    .unwrap();
    let out = urbis(&["validate", s(&links), "--schema-only", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["schema"].as_array().unwrap().len(), 0);
    assert_eq!(report["structure"][0]["pointer"], "/CityObjects/b1");

    // Well-formed JSON whose semantics and vertex indices do not fit: structure errors with
    // pointers, exit 1 (read and found invalid), also with the geometry checks on.
    let unfit = tmp.path().join("unfit.city.json");
    std::fs::write(
        &unfit,
        r#"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},
        "CityObjects":{"a":{"type":"Building","attributes":{"x":1,"x":2},
        "geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]],[[0,2,9]]],
        "semantics":{"surfaces":[{"type":"RoofSurface"}],"values":[0,0,0]}}]}},
        "vertices":[[0,0,0],[1,0,0],[1,1,0],[1,1,0]]}"#,
    )
    .unwrap();
    let out = urbis(&["validate", s(&unfit), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let said: Vec<String> = report["structure"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| format!("{} {}", i["pointer"], i["message"]))
        .collect();
    assert_eq!(said.len(), 3, "{said:#?}");
    assert!(
        said[0].contains("the key \\\"x\\\" appears twice"),
        "{said:#?}"
    );
    assert!(
        said[1].contains("/semantics/values")
            && said[1].contains("values hold 3 entries where the boundaries have 2"),
        "{said:#?}"
    );
    assert!(
        said[2].contains("vertex index 9 is out of range"),
        "{said:#?}"
    );
    assert!(report["warning_messages"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("1 of 4 vertices repeat")));

    // Unreadable input: exit 2; so is JSON cut short.
    let out = urbis(&["validate", s(&tmp.path().join("missing.city.json"))]);
    assert_eq!(out.status.code(), Some(2));
    let cut = tmp.path().join("cut.city.json");
    std::fs::write(&cut, &std::fs::read(&unfit).unwrap()[..150]).unwrap();
    let out = urbis(&["validate", s(&cut)]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn citygml_converts_from_file_and_stdin_with_textures_found_and_strict_failing() {
    let Some(data) = require_data("citygml_cli") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // A file in another folder: texture paths are rewritten to stay valid from there.
    let gml = data.join("citygml/v1/geores/geores_testdata.gml");
    let out = dir.path().join("geores.city.json");
    let o = urbis(&["convert", s(&gml), s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let images: Vec<&str> = doc["appearance"]["textures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["image"].as_str().unwrap())
        .collect();
    let found = images
        .iter()
        .filter(|i| dir.path().join(i).is_file())
        .count();
    // Two of the images are missing from the shared copy of the data set.
    assert!(
        found + 2 >= images.len() && found > 10,
        "{found} of {images:?}"
    );
    // stdin to stdout, CityJSONSeq, and info --json on CityGML.
    let small = data.join("citygml/v1/denhaag_1bwbp.gml");
    let o = urbis_stdin(
        &["convert", "-", "-", "--to", "cityjsonseq"],
        &std::fs::read(&small).unwrap(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let lines = String::from_utf8(o.stdout).unwrap();
    assert_eq!(lines.lines().count(), 2, "header and one building");
    let o = urbis(&["info", s(&small), "--json"]);
    let info: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(info["encoding"], "CityGML");
    assert_eq!(info["version"], "1.0");
    assert_eq!(info["types"]["BuildingPart"], 6);
    // --strict: a warning (an srsName naming no EPSG CRS) becomes exit 2, no output file.
    let local = data.join("citygml/v3/local_crs.gml");
    let strict_out = dir.path().join("strict.city.json");
    let o = urbis(&["convert", "--strict", s(&local), s(&strict_out)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("local-CRS-1"), "{}", stderr(&o));
    assert!(!strict_out.exists());
    let o = urbis(&["convert", s(&local), s(&strict_out)]);
    assert!(o.status.success());
    // validate on CityGML: exit 0 for a valid model.
    let o = urbis(&["validate", s(&data.join("citygml/v1/fzk_house_lod3.gml"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
