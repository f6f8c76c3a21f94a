//! Round trip: every CityJSON and CityJSONSeq file of the shared test data, converted to the
//! other encoding and back, gives the same model; every written file validates against the
//! official CityJSON 2.0 schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use urbis_cityjson::{Output, OutputFormat, Reader, Writer};
use urbis_testkit::{canonical, compare, read, require_data, round_trip_inputs, SchemaOracle};

/// Inputs that are themselves not valid against the 2.0 schema, so a faithful copy is not
/// either (checked both ways: a listed file whose output validates must leave the list).
const SCHEMA_INVALID_INPUTS: &[(&str, &str)] = &[(
    "ops_cityjsonseq_feature_root_id_not_shared.city.jsonl",
    "its BuildingPart has no parent, which the schema requires",
)];

fn write(
    path: &Path,
    format: OutputFormat,
    header: &urbis_model::Header,
    features: &[urbis_model::Feature],
) {
    let mut w = Writer::new(Output::create(path).unwrap(), format, header).unwrap();
    w.write_batch(features).unwrap();
    w.finish().unwrap();
}

fn check_schema(oracle: &SchemaOracle, path: &Path, format: OutputFormat) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut errors = Vec::new();
    match format {
        OutputFormat::CityJson => {
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            errors.extend(oracle.document_errors(&doc));
        }
        OutputFormat::CityJsonSeq => {
            for (i, line) in text.lines().enumerate() {
                let doc: serde_json::Value = serde_json::from_str(line).unwrap();
                if i == 0 {
                    errors.extend(oracle.document_errors(&doc));
                } else {
                    errors.extend(
                        oracle
                            .feature_errors(&doc)
                            .into_iter()
                            .map(|e| format!("line {}: {e}", i + 1)),
                    );
                }
            }
        }
    }
    errors
}

#[test]
fn every_file_round_trips_through_both_encodings_and_validates() {
    let Some(data) = require_data("round trip") else {
        return;
    };
    let oracle = SchemaOracle::load(&data, "20");
    let tmp = tempfile::tempdir().unwrap();
    let list = round_trip_inputs(&data);
    assert!(
        list.len() >= 55,
        "expected the shared data's 55+ files, found {}",
        list.len()
    );
    let mut failures = Vec::new();
    for input in &list {
        let (header, features) = read(input);
        let grid = header
            .transform
            .scale
            .iter()
            .cloned()
            .fold(f64::INFINITY, f64::min);
        let original = canonical(&header, &features, grid);
        let encoding = Reader::open(input).unwrap().encoding();
        // The counting fast path of `info` agrees with the model.
        let fast = Reader::open(input).unwrap().summarize().unwrap();
        let mut slow = urbis_model::Summary::default();
        for f in &features {
            slow.add(f, &header.transform);
        }
        let key = |s: &urbis_model::Summary| {
            (
                s.features,
                s.city_objects,
                s.types.clone(),
                s.lods.clone(),
                s.geometry_types.clone(),
                s.geometries,
                s.attributes.clone(),
                s.semantic_types.clone(),
                s.has_appearance,
            )
        };
        if key(&fast) != key(&slow) {
            failures.push(format!(
                "{}: summarize {:?} != model {:?}",
                input.display(),
                key(&fast),
                key(&slow)
            ));
        }
        // To the other encoding and back.
        let (first, second) = match encoding {
            urbis_cityjson::Encoding::CityJson => {
                (OutputFormat::CityJsonSeq, OutputFormat::CityJson)
            }
            urbis_cityjson::Encoding::CityJsonSeq => {
                (OutputFormat::CityJson, OutputFormat::CityJsonSeq)
            }
        };
        let a = tmp.path().join("a.out");
        let b = tmp.path().join("b.out");
        write(&a, first, &header, &features);
        let (ha, fa) = read(&a);
        write(&b, second, &ha, &fa);
        let (hb, fb) = read(&b);
        for (what, h, f) in [("converted", &ha, &fa), ("converted back", &hb, &fb)] {
            if let Err(e) = compare(&original, &canonical(h, f, grid)) {
                failures.push(format!("{}: {what}: {e}", input.display()));
            }
            if h.transform != header.transform
                || h.metadata != header.metadata
                || h.geometry_templates != header.geometry_templates
            {
                failures.push(format!("{}: {what}: header changed", input.display()));
            }
        }
        for (path, format) in [(&a, first), (&b, second)] {
            let errors = check_schema(&oracle, path, format);
            let name = input.file_name().unwrap().to_string_lossy().to_string();
            let known = SCHEMA_INVALID_INPUTS.iter().any(|(n, _)| *n == name);
            if !errors.is_empty() && !known {
                failures.push(format!(
                    "{}: {format:?} output fails the 2.0 schema: {errors:?}",
                    input.display()
                ));
            }
            if errors.is_empty() && known {
                failures.push(format!(
                    "{}: now validates: remove it from SCHEMA_INVALID_INPUTS",
                    input.display()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        list.len(),
        failures.join("\n")
    );
    eprintln!("{} files round-tripped", list.len());
}
