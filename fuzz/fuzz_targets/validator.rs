//! Fuzz the validator's entry point: any OFF/OBJ/POLY or CityJSON bytes must give a report,
//! never a panic. The first byte picks the format; geometry that is too broken for a check
//! must come out as an error code.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use urbis_validate::{validate_file, MeshPrimitive, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let ext = match kind % 4 {
        0 => "off",
        1 => "obj",
        2 => "poly",
        _ => "city.json",
    };
    let path = std::env::temp_dir().join(format!("urbis-fuzz-{}.{ext}", std::process::id()));
    let Ok(mut file) = std::fs::File::create(&path) else {
        return;
    };
    if file.write_all(rest).is_err() {
        return;
    }
    drop(file);
    let primitive = match kind / 4 % 3 {
        0 => MeshPrimitive::Solid,
        1 => MeshPrimitive::CompositeSurface,
        _ => MeshPrimitive::MultiSurface,
    };
    let report = validate_file(&path, &[], primitive, &Options::default());
    let _ = report.to_json();
    let _ = std::fs::remove_file(&path);
});
