//! `urbis convert` and `urbis upgrade`.

use crate::pipeline::{self, Format};
use anyhow::Result;
use std::path::{Path, PathBuf};

/// Convert between CityJSON and CityJSONSeq, or from CityGML (any input version; output is
/// CityJSON 2.0).
///
/// CityGML 1.0, 2.0 and 3.0 are read streaming, one city object at a time; the mapping to
/// CityJSON (types, semantics from boundary surfaces, LoD4 to LoD3, ImplicitGeometry to
/// templates, materials and textures, ADE content as `prefix:name` attributes) is described in
/// the README. Texture images stay referenced as in the CityGML file (relative to it). What
/// cannot be converted is skipped with a warning that names the line and gml:id; `--strict`
/// makes any such warning an error.
///
/// The output encoding is taken from `--to`, else from OUT's extension (`.jsonl` and
/// `.city.jsonl` are CityJSONSeq, anything else CityJSON), else it is the input's. In
/// CityJSONSeq each feature (a top-level object with its children) gets its own vertices and
/// appearance; in CityJSON they are merged back into one vertex list.
///
/// Examples:
///   urbis convert city.city.json city.city.jsonl
///   urbis convert lod2_buildings.gml lod2_buildings.city.json
///   cat city.city.jsonl | urbis convert - - --to cityjson > city.city.json
#[derive(clap::Args)]
pub struct ConvertArgs {
    /// Input file (CityJSON, CityJSONSeq or CityGML), or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// Output encoding (needed with `-` when it should differ from the input's).
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

/// Upgrade CityJSON 1.0 or 1.1 to 2.0.
///
/// What changes, as in the specification's upgrade notes: the CRS becomes an OGC URL
/// (`https://www.opengis.net/def/crs/EPSG/0/7415`), LoDs become strings, 1.0 metadata is renamed
/// or dropped (2.0 keeps identifier, title, referenceDate, referenceSystem, geographicalExtent,
/// pointOfContact), a single address becomes an array, `BridgeConstructionElement` becomes
/// `BridgeConstructiveElement`, CityObjectGroup `members` become `children`, and a file without
/// `transform` is quantised to millimetres. Files already at 2.0 pass through unchanged.
#[derive(clap::Args)]
pub struct UpgradeArgs {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// Output encoding.
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

fn convert(input: &Path, output: &Path, to: Option<Format>, what: &str) -> Result<u8> {
    let reader = pipeline::open(input)?;
    let format = pipeline::output_format(to, output, reader.encoding());
    let header = reader.header().clone();
    pipeline::run(reader, output, format, &header, what, Ok)?;
    Ok(0)
}

/// Runs `urbis convert`.
pub fn run_convert(a: ConvertArgs) -> Result<u8> {
    convert(&a.input, &a.output, a.to, "converting")
}

/// Runs `urbis upgrade`.
pub fn run_upgrade(a: UpgradeArgs) -> Result<u8> {
    convert(&a.input, &a.output, a.to, "upgrading")
}
