//! Fuzz the CityJSONSeq reader: a valid header line followed by fuzzed feature lines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

const HEADER: &[u8] = br#"{"type":"CityJSON","version":"2.0","transform":{"scale":[0.001,0.001,0.001],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}"#;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("urbis-fuzz-{}.city.jsonl", std::process::id()));
    let Ok(mut file) = std::fs::File::create(&path) else { return };
    if file.write_all(HEADER).and_then(|_| file.write_all(b"\n")).and_then(|_| file.write_all(data)).is_err() {
        return;
    }
    if let Ok(mut reader) = urbis_cityjson::Reader::open(&path) {
        while let Ok(Some(batch)) = reader.next_batch() {
            for f in &batch {
                let _ = urbis_cityjson::feature_line(f);
            }
        }
    }
    let _ = std::fs::remove_file(&path);
});
