//! `urbis reproject`.

use crate::pipeline::{self, Format};
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use urbis_geom::FeatureReprojector;
use urbis_model::{Crs, Header};

/// Reproject to another EPSG coordinate reference system.
///
/// Horizontal coordinates are converted with proj4rs and the EPSG definitions urbis carries
/// (compound CRSs such as EPSG:7415 included); heights (z) are kept unchanged. For a
/// geographic target (e.g. EPSG:4326) x is the longitude and y the latitude, in degrees, and
/// the transform's scale becomes 1e-9 degrees (0.1 mm). A CRS that needs a grid file or is
/// unknown is refused with an error: never a silent wrong answer. Object extents are converted;
/// the metadata extent is dropped (it is no longer exact).
#[derive(clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// Target CRS, e.g. `EPSG:4326` or `EPSG:28992`.
    #[arg(long)]
    pub to: String,
    /// Output encoding.
    #[arg(long = "format", value_enum)]
    pub format: Option<Format>,
}

/// The EPSG code of a target CRS given as `EPSG:CODE` (or an OGC URL or URN).
pub fn target_code(to: &str) -> Result<u32> {
    let target = Crs::parse(to)
        .ok_or_else(|| anyhow!("cannot read the CRS \"{to}\" (write it as EPSG:CODE)"))?;
    target
        .epsg_code()
        .ok_or_else(|| anyhow!("only EPSG codes are supported, not {target}"))
}

/// A reprojector from `header`'s CRS to `to`, and the header to write, with `input` named in
/// errors; `Ok(None)` when the header already is in that CRS.
pub fn feature_reprojector(
    header: &Header,
    to: &str,
    input: &str,
) -> Result<Option<(FeatureReprojector, Header)>> {
    let code = target_code(to)?;
    FeatureReprojector::new(header, code).with_context(|| format!("{input}: reprojecting to {to}"))
}

/// Runs `urbis reproject`.
pub fn run(a: Args) -> Result<u8> {
    let reader = pipeline::open(&a.input)?;
    let input = reader.path().display().to_string();
    let Some((reprojector, header)) = feature_reprojector(reader.header(), &a.to, &input)? else {
        bail!("{input} is already in {}", a.to);
    };
    let format = pipeline::output_format(a.format, &a.output, reader.encoding());
    pipeline::run(
        reader,
        &a.output,
        format,
        &header.clone(),
        "reprojecting",
        |mut batch| {
            for f in &mut batch {
                reprojector.apply(f)?;
            }
            Ok(batch)
        },
    )?;
    Ok(0)
}
