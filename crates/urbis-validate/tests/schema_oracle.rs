//! urbis's schema verdict against the official CityJSON schemas (validated with the
//! `jsonschema` crate as an oracle) on every shared CityJSON file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::Value;
use std::path::Path;
use urbis_testkit::SchemaOracle;
use urbis_validate::schema::check_schema;

/// The oracle's verdict: the schema errors of a file (whole CityJSON, or CityJSONSeq lines).
fn oracle_errors(oracles: &[(&str, SchemaOracle)], path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let version_dir = |doc: &Value| match doc.get("version").and_then(Value::as_str) {
        Some("1.0") => "10",
        Some("1.1") => "11",
        _ => "20",
    };
    let oracle = |dir: &str| &oracles.iter().find(|(d, _)| *d == dir).unwrap().1;
    let Ok(doc) = serde_json::from_str::<Value>(&text) else {
        // CityJSONSeq: a header, then features.
        let mut errors = Vec::new();
        let mut dir = "20";
        for (n, line) in text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
        {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                errors.push(format!("line {}: not JSON", n + 1));
                continue;
            };
            if v.get("type").and_then(Value::as_str) == Some("CityJSON") {
                dir = version_dir(&v);
                errors.extend(oracle(dir).document_errors(&v));
            } else {
                errors.extend(oracle(dir).feature_errors(&v));
            }
        }
        return errors;
    };
    if doc.get("type").and_then(Value::as_str) == Some("CityJSONFeature") {
        return oracle("20").feature_errors(&doc);
    }
    oracle(version_dir(&doc)).document_errors(&doc)
}

#[test]
fn schema_verdicts_agree_with_the_official_schemas() {
    let Some(data) = urbis_testkit::require_data("schema_verdicts_agree_with_the_official_schemas")
    else {
        return;
    };
    let oracles: Vec<(&str, SchemaOracle)> = ["10", "11", "20"]
        .into_iter()
        .map(|d| (d, SchemaOracle::load(&data, d)))
        .collect();
    let mut files = Vec::new();
    for dir in ["cjval-fixtures", "cityjson-corpus", "cityjson"] {
        files.extend(urbis_testkit::files(&data.join(dir), &[".json", ".jsonl"]));
    }
    files.retain(|f| {
        let name = f.file_name().unwrap().to_string_lossy();
        !matches!(
            name.as_ref(),
            "case.json" | "invariants.json" | "profile.json"
        )
    });
    assert!(files.len() > 60, "only {} files", files.len());
    let mut table = Vec::new();
    let mut disagreements = Vec::new();
    for f in &files {
        let oracle = oracle_errors(&oracles, f);
        let ours = check_schema(f, 10);
        let name = f.strip_prefix(&data).unwrap().display().to_string();
        table.push(format!(
            "{:<8} {:<8} {name}",
            if oracle.is_empty() {
                "valid"
            } else {
                "invalid"
            },
            if ours.is_empty() { "valid" } else { "invalid" },
        ));
        if oracle.is_empty() != ours.is_empty() {
            disagreements.push(format!(
                "{name}: oracle {:?}, urbis {:?}",
                oracle.first(),
                ours.first()
            ));
        }
    }
    eprintln!("oracle   urbis    file\n{}", table.join("\n"));
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // Duplicate CityObject ids pass the schema (a JSON parser keeps one) but are structure
    // errors.
    let dup = urbis_validate::schema::check_file(&data.join("cjval-fixtures/duplicate.json"), 10);
    assert!(
        dup.structure
            .iter()
            .any(|i| i.message.contains("\"LondonTower\" appears twice")),
        "{:?}",
        dup.structure
    );
}
