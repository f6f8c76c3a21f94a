//! `urbis db set-crs`: a collection imported without a CRS gets one, and with it the same
//! longitude/latitude extents as the same model imported with its CRS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::Value;
use std::path::Path;
use support::{s, stderr, urbis};

/// `db info --json` of one collection.
fn info(db: &Path, collection: &str) -> Value {
    let o = urbis(&["db", "info", "--db", s(db), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["collections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == collection)
        .cloned()
        .unwrap_or_else(|| panic!("no collection {collection}: {v}"))
}

#[test]
fn set_crs_places_a_collection_imported_without_one() {
    let tmp = tempfile::tempdir().unwrap();
    let with = tmp.path().join("with.city.jsonl");
    let o = urbis(&["generate", s(&with), "--buildings", "30"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The same file with no referenceSystem in its header line.
    let text = std::fs::read_to_string(&with).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    let mut header: Value = serde_json::from_str(first).unwrap();
    header["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("referenceSystem")
        .expect("the generated header names its CRS");
    let without = tmp.path().join("without.city.jsonl");
    std::fs::write(&without, format!("{header}\n{rest}")).unwrap();

    let db = tmp.path().join("city.db");
    for (file, collection) in [(&with, "ref"), (&without, "c"), (&without, "wrong")] {
        let o = urbis(&[
            "import",
            s(file),
            "--db",
            s(&db),
            "--collection",
            collection,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        if file == &without {
            // The warning gives the command that fixes it.
            let fix = format!("urbis db set-crs {collection} EPSG:CODE --db {}", s(&db));
            assert!(stderr(&o).contains(&fix), "{}", stderr(&o));
        }
    }
    assert_eq!(info(&db, "c")["extent_crs84"], Value::Null);

    let o = urbis(&["db", "set-crs", "c", "EPSG:7415", "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("EPSG:7415 now (was no CRS)"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
    let (c, reference) = (info(&db, "c"), info(&db, "ref"));
    assert_eq!(c["crs"], "EPSG:7415");
    assert_eq!(c["features"], reference["features"]);
    let extent = |v: &Value| -> Vec<f64> {
        v["extent_crs84"]
            .as_array()
            .unwrap_or_else(|| panic!("no CRS84 extent: {v}"))
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    for (a, b) in extent(&c).iter().zip(extent(&reference)) {
        assert!((a - b).abs() < 1e-9, "{c} vs {reference}");
    }
    // Served footprints follow: an item of "c" is now where the same item of "ref" is.
    let export = tmp.path().join("c.city.jsonl");
    let o = urbis(&["export", s(&export), "--db", s(&db), "--collection", "c"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let exported = std::fs::read_to_string(&export).unwrap();
    assert!(exported.lines().next().unwrap().contains("EPSG/0/7415"));

    // Another CRS over a named one: refused without --relabel, with the ways forward.
    let o = urbis(&["db", "set-crs", "c", "EPSG:28992", "--db", s(&db)]);
    assert_ne!(o.status.code(), Some(0));
    assert!(
        stderr(&o).contains("--relabel") && stderr(&o).contains("urbis reproject"),
        "{}",
        stderr(&o)
    );
    assert_eq!(info(&db, "c")["crs"], "EPSG:7415");

    // A code whose area of use is elsewhere (France) is applied, with a warning saying so.
    let o = urbis(&["db", "set-crs", "wrong", "EPSG:2154", "--db", s(&db)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning") && stderr(&o).contains("outside the area"),
        "{}",
        stderr(&o)
    );
    // Not a CRS: a usage error naming the form.
    let o = urbis(&["db", "set-crs", "c", "7415x", "--db", s(&db)]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("EPSG:7415"), "{}", stderr(&o));
}
