//! Fuzz the CQL2 text parser of the server: any string must give a filter or an error, never
//! a panic or a stack overflow (deep nesting is refused at 64 levels).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = urbis_server::cql2::parse_text(text, &|p| Some(p));
    }
});
