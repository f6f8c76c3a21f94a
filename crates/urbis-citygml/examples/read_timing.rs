//! Times the phases of reading a CityGML file: `cargo run --release --example read_timing F`.
#![allow(clippy::unwrap_used)]

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let t = std::time::Instant::now();
    let mut r = urbis_citygml::Reader::open(path.as_ref()).unwrap();
    let open = t.elapsed();
    let mut n = 0;
    while let Some(b) = r.next_batch().unwrap() {
        n += b.len();
    }
    println!("open {:?}, all {:?}, {n} features", open, t.elapsed());
}
