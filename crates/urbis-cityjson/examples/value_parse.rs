//! Baseline for the benchmarks: parse a whole file into a `serde_json::Value`, as a naive
//! reader would, and print the number of CityObjects.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: value_parse FILE")?;
    let bytes = std::fs::read(&path)?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)?;
    let n = value
        .get("CityObjects")
        .and_then(|o| o.as_object())
        .map(|o| o.len())
        .unwrap_or(0);
    println!("{n}");
    Ok(())
}
