//! `urbis generate`.

use crate::pipeline::{self, Format};
use anyhow::Result;
use std::path::PathBuf;
use urbis_cityjson::{Output, OutputFormat, Writer};
use urbis_model::district::{self, DistrictSpec};
use urbis_model::synthetic::{self, CitySpec};
use urbis_model::{Feature, Header};

/// Generate a deterministic synthetic city, for demos and scale tests.
///
/// N buildings, each with an LoD1 block and an LoD2.2 solid with a flat, gable or hip roof
/// (closed, outward-oriented Solids with GroundSurface, WallSurface and RoofSurface semantics)
/// and attributes (measuredHeight, roofType, storeysAboveGround, yearOfConstruction,
/// function), roads and a TIN terrain, in EPSG:7415 (Dutch RD + NAP) near Delft. The same N,
/// seed and layout always give the same file.
///
/// Layouts: `streets` (the default) puts 10 buildings on each side of parallel streets, a
/// long strip whose figures are easy to compute by hand; `district` (what `urbis demo` shows)
/// makes a compact, nearly square grid of perimeter blocks, taller and older towards the
/// centre, with a market square and a park with trees.
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
    /// How the buildings are laid out.
    #[arg(long, value_enum, default_value_t = Layout::Streets)]
    pub layout: Layout,
}

/// The layouts `urbis generate` makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// Parallel streets of 10 buildings a side (a long strip).
    Streets,
    /// A square district of blocks with a market square and a park.
    District,
}

/// The header and features of the city `a` asks for.
fn city(a: &Args) -> (Header, Box<dyn Iterator<Item = Feature>>) {
    match a.layout {
        Layout::Streets => {
            let spec = CitySpec {
                buildings: a.buildings,
                seed: a.seed,
                ..Default::default()
            };
            (
                synthetic::header(&spec),
                Box::new(synthetic::features(spec)),
            )
        }
        Layout::District => {
            let spec = DistrictSpec {
                buildings: a.buildings,
                seed: a.seed,
                ..Default::default()
            };
            (district::header(&spec), Box::new(district::features(spec)))
        }
    }
}

/// Runs `urbis generate`.
pub fn run(a: Args) -> Result<u8> {
    let (header, features) = city(&a);
    let format = match a.to {
        Some(Format::Cityjson) => OutputFormat::CityJson,
        Some(Format::Cityjsonseq) => OutputFormat::CityJsonSeq,
        None => OutputFormat::from_path(&a.output).unwrap_or(OutputFormat::CityJson),
    };
    let mut writer = Writer::new(Output::create(&a.output)?, format, &header)?;
    let bar = pipeline::progress(Some(a.buildings), "generating");
    let mut batch = Vec::with_capacity(1024);
    for f in features {
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
