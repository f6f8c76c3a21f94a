//! Fuzz the CityGML reader: any bytes must give features or an error, never a panic; what it
//! reads must serialise as CityJSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("urbis-fuzz-{}.gml", std::process::id()));
    let Ok(mut file) = std::fs::File::create(&path) else {
        return;
    };
    if file.write_all(data).is_err() {
        return;
    }
    drop(file);
    if let Ok(mut reader) = urbis_citygml::Reader::open(&path) {
        while let Ok(Some(batch)) = reader.next_batch() {
            for f in &batch {
                let _ = urbis_cityjson::feature_line(f);
            }
        }
    }
    let _ = std::fs::remove_file(&path);
});
