//! Validation of the real city models: every shared CityJSON/CityJSONSeq file is validated
//! without a crash, and the reports of two real tiles list per-object codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rayon::prelude::*;
use urbis_validate::{validate_file, MeshPrimitive, Options};

#[test]
fn every_shared_file_validates_without_crash() {
    let Some(data) = urbis_testkit::require_data("every_shared_file_validates_without_crash")
    else {
        return;
    };
    let mut files = Vec::new();
    for dir in [
        "cityjson",
        "cityjsonseq",
        "cityjson-corpus",
        "cjval-fixtures",
    ] {
        files.extend(urbis_testkit::files(
            &data.join(dir),
            &[".json", ".jsonl", ".city.json", ".city.jsonl"],
        ));
    }
    assert!(files.len() > 50, "only {} files found", files.len());
    let opts = Options::default();
    let results: Vec<(String, usize, usize)> = files
        .par_iter()
        .map(|f| {
            let report = validate_file(f, &[], MeshPrimitive::Solid, &opts);
            let invalid = report
                .objects
                .iter()
                .filter(|o| !o.issues.is_empty())
                .count();
            (f.display().to_string(), report.objects.len(), invalid)
        })
        .collect();
    let objects: usize = results.iter().map(|r| r.1).sum();
    assert!(objects > 5000, "only {objects} objects validated");
}

#[test]
fn real_tiles_report_codes_per_object() {
    let Some(data) = urbis_testkit::require_data("real_tiles_report_codes_per_object") else {
        return;
    };
    let opts = Options::default();
    for (file, objects) in [
        ("cityjson/medium/rotterdam_delfshaven.city.json", 853),
        ("cityjson/v2-upgraded/denhaag_01.city.json", 2498),
    ] {
        let report = validate_file(&data.join(file), &[], MeshPrimitive::Solid, &opts);
        assert!(
            report.file_issue.is_none(),
            "{file}: {:?}",
            report.file_issue
        );
        assert!(
            report.objects.len() >= objects,
            "{file}: {} objects",
            report.objects.len()
        );
        let json = report.to_json();
        let features = json["features"].as_array().cloned().unwrap_or_default();
        assert!(
            !features.is_empty(),
            "{file}: real tiles have invalid objects"
        );
        for f in &features {
            assert!(f["id"].is_string() && f["type"].is_string());
            for e in f["errors"].as_array().into_iter().flatten() {
                let code = e["code"].as_u64().unwrap_or(0);
                assert!((101..=999).contains(&code), "{file}: code {code}");
                assert!(e["description"].is_string() && e["lod"].is_string());
            }
        }
        // Most buildings of these tiles are valid.
        let valid = report
            .objects
            .iter()
            .filter(|o| o.issues.is_empty())
            .count();
        assert!(valid * 2 > report.objects.len(), "{file}: {valid} valid");
    }
}
