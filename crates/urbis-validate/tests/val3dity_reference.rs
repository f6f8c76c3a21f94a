//! Per-building agreement with val3dity 2.6.0 on the shared real tiles
//! (`val3dity-reference/<input>.codes.json`: its error codes per top-level feature, children
//! folded into their root). Every file must agree on at least 99% of its buildings; the
//! differences are printed so that a change in either direction shows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use urbis_validate::{validate_feature, Options};

/// Codes per feature id, as urbis finds them (children folded into their feature).
fn urbis_codes(path: &Path) -> BTreeMap<String, BTreeSet<u16>> {
    let mut reader = urbis_cityjson::Reader::open(path).unwrap();
    let header = reader.header().clone();
    let opts = Options::default().for_header(&header);
    let mut out = BTreeMap::new();
    while let Some(batch) = reader.next_batch().unwrap() {
        for f in batch {
            let codes: BTreeSet<u16> = validate_feature(
                &f,
                &header.transform,
                header.geometry_templates.as_ref(),
                &opts,
            )
            .iter()
            .flat_map(|o| o.issues.iter().map(|i| i.issue.code.0))
            .collect();
            out.insert(f.id.clone(), codes);
        }
    }
    out
}

#[test]
fn per_building_agreement_with_val3dity_is_at_least_99_percent() {
    let Some(data) = urbis_testkit::require_data("val3dity_reference") else {
        return;
    };
    let dir = data.join("val3dity-reference");
    let mut files = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        let Some(input) = name.strip_suffix(".codes.json") else {
            continue;
        };
        let path = ["cityjson/medium", "cityjsonseq"]
            .iter()
            .map(|sub| data.join(sub).join(input))
            .find(|p| p.exists())
            .unwrap_or_else(|| panic!("no input for {name}"));
        let reference: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join(&name)).unwrap()).unwrap();
        let reference: BTreeMap<String, BTreeSet<u16>> = reference["features"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(id, codes)| {
                let codes = codes
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_u64().unwrap() as u16)
                    .collect();
                (id.clone(), codes)
            })
            .collect();
        let ours = urbis_codes(&path);
        let ids: BTreeSet<&String> = reference.keys().chain(ours.keys()).collect();
        let empty = BTreeSet::new();
        let differ: Vec<_> = ids
            .iter()
            .filter(|id| reference.get(**id).unwrap_or(&empty) != ours.get(**id).unwrap_or(&empty))
            .map(|id| {
                format!(
                    "{id}: val3dity {:?}, urbis {:?}",
                    reference.get(*id).unwrap_or(&empty),
                    ours.get(*id).unwrap_or(&empty)
                )
            })
            .collect();
        let agreement = 1.0 - differ.len() as f64 / ids.len() as f64;
        println!(
            "{input}: {} of {} buildings agree ({:.2}%)",
            ids.len() - differ.len(),
            ids.len(),
            agreement * 100.0
        );
        for d in &differ {
            println!("  {d}");
        }
        if agreement < 0.99 {
            failures.push(format!("{input}: {:.2}%", agreement * 100.0));
        }
        files += 1;
    }
    assert!(files >= 5, "only {files} reference files");
    assert!(failures.is_empty(), "{failures:?}");
}
