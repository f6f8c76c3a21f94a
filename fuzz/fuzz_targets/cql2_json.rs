//! Fuzz the CQL2 JSON parser of the server: any bytes must give a filter or an error, never a
//! panic or a stack overflow.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = urbis_server::cql2::parse_json(text, &|p| Some(p));
    }
});
