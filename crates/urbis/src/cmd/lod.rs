//! `urbis lod`.

use crate::pipeline::{self, Format};
use anyhow::{bail, Result};
use std::path::PathBuf;

/// Keep or drop geometries by level of detail.
///
/// `--keep 2.2 --keep 1` keeps only those LoDs; `--drop 0` removes LoD 0. Objects keep their
/// place (with fewer geometries); vertices no longer used are removed.
#[derive(clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// LoD to keep (repeatable), e.g. `2.2`.
    #[arg(long, conflicts_with = "drop")]
    pub keep: Vec<String>,
    /// LoD to drop (repeatable).
    #[arg(long)]
    pub drop: Vec<String>,
    /// Output encoding.
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

/// Runs `urbis lod`.
pub fn run(a: Args) -> Result<u8> {
    if a.keep.is_empty() && a.drop.is_empty() {
        bail!("give at least one --keep LOD or --drop LOD");
    }
    let reader = pipeline::open(&a.input)?;
    let format = pipeline::output_format(a.to, &a.output, reader.encoding());
    let header = reader.header().clone();
    pipeline::run(
        reader,
        &a.output,
        format,
        &header,
        "filtering LoDs",
        |mut batch| {
            for f in &mut batch {
                if a.keep.is_empty() {
                    f.filter_lods(|lod| !a.drop.iter().any(|d| d == lod));
                } else {
                    f.filter_lods(|lod| a.keep.iter().any(|k| k == lod));
                }
            }
            Ok(batch)
        },
    )?;
    Ok(0)
}
