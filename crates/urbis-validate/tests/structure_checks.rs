//! The structure checks beyond the schema (what cjval checks besides the schema) on the
//! cjval fixtures and the corpus: a table of the expected findings per file. Every file of
//! `cjval-fixtures` must be in the table, so a new finding or a lost one fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use urbis_validate::schema::check_file_with;

/// (file, structure errors expected (substrings, in order), warnings expected (substrings)).
const EXPECTED: &[(&str, &[&str], &[&str])] = &[
    ("cjval-fixtures/address.json", &[], &["vertices are not used"]),
    ("cjval-fixtures/cjfeat1.json", &[], &[]),
    ("cjval-fixtures/cube.city.json", &[], &["made for CityJSON 1.1, the file is 2.0"]),
    ("cjval-fixtures/cube_20.jsonl", &[], &["2 vertices repeat the coordinates of another vertex of their feature (in 2 features)"]),
    ("cjval-fixtures/cube_20_1.jsonl", &[], &["repeat the coordinates"]),
    (
        "cjval-fixtures/duplicate.json",
        &[
            "the CityObject id \"LondonTower\" appears twice",
            "parent \"LondonTower\" does not list it as a child",
            "parent \"gr\" does not exist",
            "parent \"hugo\" does not exist",
        ],
        &[],
    ),
    ("cjval-fixtures/extension.jsonl", &[], &["repeat the coordinates", "\"Noise\""]),
    ("cjval-fixtures/extraattribute.json", &[], &["the attribute \"+building-type\" of Building is not defined"]),
    ("cjval-fixtures/generic.ext.json", &[], &[]),
    ("cjval-fixtures/japanese.city.json", &[], &[]),
    ("cjval-fixtures/many.json", &[], &["\"ManyCases\""]),
    ("cjval-fixtures/many2.json", &[], &["\"ManyCases\"", "\"+roger\" of Building"]),
    (
        "cjval-fixtures/material.city.json",
        &["material: values hold 5 entries where the boundaries have 6", "material index 2 is out of range"],
        &[],
    ),
    ("cjval-fixtures/material2.city.json", &["material index 3 is out of range (\"appearance.materials\" has 2)"], &[]),
    ("cjval-fixtures/material3.city.json", &[], &[]),
    ("cjval-fixtures/noise1.city.json", &[], &["\"Noise\""]),
    ("cjval-fixtures/o.json", &["vertex index 55 is out of range (\"vertices\" has 6)"], &[]),
    ("cjval-fixtures/o2.json", &[], &[]),
    ("cjval-fixtures/o3.json", &[], &["1 of 4 vertices repeat the coordinates of another vertex"]),
    ("cjval-fixtures/o4.json", &["vertex index 55 is out of range"], &[]),
    ("cjval-fixtures/potatoes.city.json", &[], &["\"+Potato\" is not defined by the Extensions found; it may be defined by Potatoe"]),
    (
        "cjval-fixtures/sem.json",
        &[
            "semantics: values hold 6 entries where the boundaries have 5",
            "semantic surface 5 does not exist (3 surfaces)",
            "semantic surface 2 does not exist (2 surfaces)",
            "vertex index 885 is out of range",
            "\"+RoofWall\" is an Extension's, but the file lists no \"extensions\"",
            "\"+PatioDoor\" is an Extension's",
        ],
        &[],
    ),
    (
        "cjval-fixtures/sem_point.city.json",
        &["parent or child surface 2 does not exist", "parent or child surface 2 does not exist", "\"+WallSurface2\""],
        &[],
    ),
    (
        "cjval-fixtures/texture1.city.json",
        &["texture index 1 is out of range", "texture vertex index 207 is out of range (\"appearance.vertices-texture\" has 115)"],
        &[],
    ),
    ("cjval-fixtures/texture2.city.json", &["texture values must follow the boundaries"], &[]),
    ("cjval-fixtures/texture3.city.json", &[], &[]),
    ("cjval-fixtures/texture4.city.json", &[], &[]),
    ("cjval-fixtures/texture5.city.json", &[], &[]),
    ("cjval-fixtures/texture6.city.json", &["texture values must follow the boundaries"], &[]),
    ("cjval-fixtures/texture7.city.json", &["texture values must follow the boundaries"], &[]),
    ("cjval-fixtures/twoextensions.json", &[], &["\"Noise\"", "\"Potatoe\""]),
    (
        "cityjson-corpus/cases/invalid/invalid_out_of_range_vertex_index/invalid_out_of_range_vertex_index.json",
        &["vertex index 99 is out of range (\"vertices\" has 3)"],
        &[],
    ),
    ("cityjson/tiny/texture4.city.json", &[], &[]),
    ("cityjson/medium/rotterdam_delfshaven_textured.city.json", &[], &[]),
    ("cityjson-corpus/cases/conformance/v2_0/geometry_texture_multisolid/geometry_texture_multisolid.city.json", &[], &[]),
];

fn check(data: &std::path::Path, name: &str, dirs: &[PathBuf]) -> (Vec<String>, Vec<String>) {
    let found = check_file_with(&data.join(name), 100, dirs);
    let errors = found
        .structure
        .iter()
        .map(|i| format!("{}: {}", i.pointer, i.message))
        .collect();
    (errors, found.warnings)
}

#[test]
fn structure_findings_match_the_table() {
    let Some(data) = urbis_testkit::require_data("structure_findings_match_the_table") else {
        return;
    };
    let listed: Vec<String> =
        urbis_testkit::files(&data.join("cjval-fixtures"), &[".json", ".jsonl"])
            .iter()
            .map(|f| f.strip_prefix(&data).unwrap().display().to_string())
            .collect();
    for f in &listed {
        assert!(EXPECTED.iter().any(|e| e.0 == f), "{f} is not in the table");
    }
    let mut wrong = Vec::new();
    for (name, errors, warnings) in EXPECTED {
        let (got, got_warnings) = check(&data, name, &[]);
        let errors_ok =
            got.len() == errors.len() && got.iter().zip(*errors).all(|(g, e)| g.contains(e));
        let warnings_ok = warnings
            .iter()
            .all(|w| got_warnings.iter().any(|g| g.contains(w)))
            && (!warnings.is_empty()
                || got_warnings
                    .iter()
                    .all(|g| !g.contains("repeat") && !g.contains("Extension")));
        if !errors_ok || !warnings_ok {
            wrong.push(format!(
                "{name}:\n  errors {got:#?}\n  warnings {got_warnings:#?}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn extension_schemas_found_locally_are_applied() {
    let Some(data) = urbis_testkit::require_data("extension_schemas_found_locally_are_applied")
    else {
        return;
    };
    let v20 = vec![data.join("schemas/cityjson/extensions/20")];
    // Both Extensions found (Potato by its URL's file name): "+Potato" is defined, no warning.
    let (errors, warnings) = check(&data, "cjval-fixtures/twoextensions.json", &v20);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        warnings.iter().all(|w| !w.contains("Extension")),
        "{warnings:?}"
    );
    // Noise found by its name (the URL names noise3.ext.json); the file is CityJSON 1.1.
    let (errors, warnings) = check(&data, "cjval-fixtures/noise1.city.json", &v20);
    assert!(errors.is_empty(), "{errors:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("made for CityJSON 2.0, the file is 1.1")),
        "{warnings:?}"
    );
    // Generic (1.1) beside the file, a CityJSONSeq: an undefined "+Type" is an error.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        data.join("cjval-fixtures/cube.txt"),
        dir.path().join("cube.city.jsonl"),
    )
    .unwrap();
    std::fs::copy(
        data.join("cjval-fixtures/generic.ext.json"),
        dir.path().join("generic.ext.json"),
    )
    .unwrap();
    let found = check_file_with(&dir.path().join("cube.city.jsonl"), 100, &[]);
    assert_eq!(found.structure.len(), 1, "{:?}", found.structure);
    assert_eq!(found.structure[0].line, Some(2));
    assert!(found.structure[0].message.contains(
        "\"+99999GnericCityObject\" is not defined by the Extensions the file lists (Generic)"
    ));
    // A 1.1 Extension with new types, attributes and root properties.
    let v11 = vec![data.join("schemas/cityjson/extensions/11")];
    let (errors, warnings) = check(&data, "cjval-fixtures/many.json", &v11);
    assert!(
        warnings.iter().all(|w| !w.contains("ManyCases")),
        "{warnings:?}"
    );
    assert!(errors.is_empty(), "{errors:?}");
    // An attribute breaking the Extension's schema.
    let mut doc: serde_json::Value = serde_json::from_slice(
        &std::fs::read(data.join("cjval-fixtures/noise1.city.json")).unwrap(),
    )
    .unwrap();
    doc["version"] = "2.0".into();
    let building = doc["CityObjects"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .find(|o| o["type"] == "Building")
        .unwrap();
    building["attributes"]["+noise-buildingLDenMax"] = serde_json::json!({"value": "loud"});
    let bad = dir.path().join("noise-bad.city.json");
    std::fs::write(&bad, serde_json::to_vec(&doc).unwrap()).unwrap();
    let found = check_file_with(&bad, 100, &v20);
    assert_eq!(found.structure.len(), 1, "{:?}", found.structure);
    assert!(
        found.structure[0]
            .message
            .contains("breaks the schema of the Extension \"Noise\""),
        "{:?}",
        found.structure
    );
    // A broken Extension schema (noise2.ext.json is not JSON) is an error, not a crash.
    let broken = dir.path().join("broken.city.json");
    doc["extensions"] = serde_json::json!({"Noise2": {"url": "https://example.org/noise2.ext.json", "version": "1.0"}});
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    let found = check_file_with(&broken, 100, &v20);
    assert!(
        found
            .structure
            .iter()
            .any(|i| i.pointer == "/extensions/Noise2" && i.message.contains("is not JSON")),
        "{:?}",
        found.structure
    );
}
