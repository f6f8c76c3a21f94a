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
/// the README. Relative texture image paths are rewritten to stay valid from OUT's folder. What
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
    let mut header = reader.header().clone();
    let rebase = texture_rebase(&reader.path(), output);
    if let (Some((from, to)), Some(t)) = (&rebase, header.geometry_templates.as_mut()) {
        rebase_images(&mut t.appearance, from, to);
    }
    pipeline::run(reader, output, format, &header, what, |mut batch| {
        if let Some((from, to)) = &rebase {
            for f in &mut batch {
                rebase_textures(f, from, to);
            }
        }
        Ok(batch)
    })?;
    Ok(0)
}

/// The input's and the output's folders (absolute) when texture paths must be rewritten:
/// the output is a file in another folder than the input.
fn texture_rebase(input: &Path, output: &Path) -> Option<(PathBuf, PathBuf)> {
    if input.as_os_str() == "-" || output.as_os_str() == "-" {
        return None;
    }
    let folder = |p: &Path| -> Option<PathBuf> {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
    };
    let (from, to) = (folder(input)?, folder(output)?);
    (from != to).then_some((from, to))
}

/// Rewrites relative texture image paths (relative to the input's folder) to be relative to
/// the output's folder, so that the images are still found.
fn rebase_textures(feature: &mut urbis_model::Feature, from: &Path, to: &Path) {
    if let Some(app) = feature.appearance.as_mut() {
        rebase_images(app, from, to);
    }
}

/// [`rebase_textures`] for one appearance (a feature's or the geometry templates').
fn rebase_images(app: &mut urbis_model::Appearance, from: &Path, to: &Path) {
    for texture in &mut app.textures {
        let Some(image) = texture.get("image").and_then(|v| v.as_str()) else {
            continue;
        };
        if image.contains("://") || Path::new(image).is_absolute() {
            continue;
        }
        let target = from.join(image);
        if let Some(rel) = relative_to(&target, to) {
            std::sync::Arc::make_mut(texture).insert(
                "image".into(),
                serde_json::Value::String(rel.to_string_lossy().replace('\\', "/")),
            );
        }
    }
}

/// `path` relative to the folder `base` (both absolute), with `..` where needed.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c);
    }
    Some(out)
}

/// Runs `urbis convert`.
pub fn run_convert(a: ConvertArgs) -> Result<u8> {
    convert(&a.input, &a.output, a.to, "converting")
}

/// Runs `urbis upgrade`.
pub fn run_upgrade(a: UpgradeArgs) -> Result<u8> {
    convert(&a.input, &a.output, a.to, "upgrading")
}
