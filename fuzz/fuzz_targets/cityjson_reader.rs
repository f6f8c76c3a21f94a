//! Fuzz the whole-file CityJSON reader: any bytes must give features or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;

fuzz_target!(|data: &[u8]| {
    let mut file = match tempfile_path() {
        Some(f) => f,
        None => return,
    };
    if file.1.write_all(data).is_err() {
        return;
    }
    if let Ok(mut reader) = urbis_cityjson::Reader::open(&file.0) {
        while let Ok(Some(batch)) = reader.next_batch() {
            // Writing what was read must not panic either.
            for f in &batch {
                let _ = urbis_cityjson::feature_line(f);
            }
        }
    }
    let _ = std::fs::remove_file(&file.0);
});

fn tempfile_path() -> Option<(std::path::PathBuf, std::fs::File)> {
    let path = std::env::temp_dir().join(format!("urbis-fuzz-{}.city.json", std::process::id()));
    let file = std::fs::File::create(&path).ok()?;
    Some((path, file))
}
