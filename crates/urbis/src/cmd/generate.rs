//! `urbis generate`.

use crate::pipeline::{self, Format};
use anyhow::Result;
use std::path::PathBuf;
use urbis_cityjson::{Output, OutputFormat, Writer};
use urbis_model::synthetic::{self, CitySpec};

/// Generate a deterministic synthetic city, for demos and scale tests.
///
/// Streets of N buildings (10 per street side), each with an LoD1 block and an LoD2.2 solid
/// with a flat, gable or hip roof (closed, outward-oriented Solids with GroundSurface,
/// WallSurface and RoofSurface semantics) and attributes (measuredHeight, roofType,
/// storeysAboveGround, yearOfConstruction, function); a Road per street and a TIN terrain.
/// Coordinates are in EPSG:7415 (Dutch RD + NAP) near Delft. The same N and seed always give
/// the same file.
#[derive(clap::Args)]
pub struct Args {
    /// Output file (`.city.json` or `.city.jsonl`), or `-` for stdout.
    pub output: PathBuf,
    /// Number of buildings.
    #[arg(long, default_value_t = 100)]
    pub buildings: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output encoding.
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

/// Runs `urbis generate`.
pub fn run(a: Args) -> Result<u8> {
    let spec = CitySpec {
        buildings: a.buildings,
        seed: a.seed,
        ..Default::default()
    };
    let header = synthetic::header(&spec);
    let format = match a.to {
        Some(Format::Cityjson) => OutputFormat::CityJson,
        Some(Format::Cityjsonseq) => OutputFormat::CityJsonSeq,
        None => OutputFormat::from_path(&a.output).unwrap_or(OutputFormat::CityJson),
    };
    let mut writer = Writer::new(Output::create(&a.output)?, format, &header)?;
    let bar = pipeline::progress(Some(a.buildings), "generating");
    let mut batch = Vec::with_capacity(1024);
    for f in synthetic::features(spec) {
        batch.push(f);
        if batch.len() == 1024 {
            bar.inc(batch.len() as u64);
            writer.write_batch(&batch)?;
            batch.clear();
        }
    }
    writer.write_batch(&batch)?;
    writer.finish()?;
    bar.finish_and_clear();
    Ok(0)
}
