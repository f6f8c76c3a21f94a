//! Times the phases of reading a file: the first pass (open) and the feature parse.
#![allow(clippy::unwrap_used)]

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let mut r = urbis_cityjson::Reader::open(path.as_ref()).unwrap();
    eprintln!("open (first pass): {:?}", t.elapsed());
    if std::env::var_os("OPEN_ONLY").is_some() {
        return;
    }
    let t = std::time::Instant::now();
    let mut n = 0;
    while let Some(b) = r.next_batch().unwrap() {
        n += b.len();
    }
    eprintln!("features: {n} in {:?}", t.elapsed());
}
