//! `urbis subset`.

use crate::pipeline::{self, Format};
use anyhow::{bail, Result};
use std::collections::HashSet;
use std::path::PathBuf;

use urbis_model::Feature;

/// Select city objects by bounding box, type or id.
///
/// Criteria combine (an object must meet all that are given):
///   --bbox MINX MINY MAXX MAXY  features whose vertex centroid lies inside (2D, in the file's CRS)
///   --type TYPE                 objects of that type (repeatable), e.g. Building
///   --id ID                     objects with that id (repeatable)
/// The children of a selected object always come along. `--exclude` inverts the selection (the
/// children of an excluded object are excluded too). Links to objects left out are removed, so
/// parents and children stay consistent; a selected child whose parent is left out becomes a
/// top-level object.
#[derive(clap::Args)]
pub struct Args {
    /// Input file, or `-` for stdin.
    pub input: PathBuf,
    /// Output file, or `-` for stdout.
    pub output: PathBuf,
    /// 2D bounding box in the file's CRS.
    #[arg(long, num_args = 4, value_names = ["MINX", "MINY", "MAXX", "MAXY"], allow_negative_numbers = true)]
    pub bbox: Option<Vec<f64>>,
    /// CityObject type to select (repeatable).
    #[arg(long = "type")]
    pub types: Vec<String>,
    /// CityObject id to select (repeatable).
    #[arg(long = "id")]
    pub ids: Vec<String>,
    /// Keep everything except the selection.
    #[arg(long)]
    pub exclude: bool,
    /// Output encoding.
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

/// Runs `urbis subset`.
pub fn run(a: Args) -> Result<u8> {
    if a.bbox.is_none() && a.types.is_empty() && a.ids.is_empty() {
        bail!("give at least one of --bbox, --type, --id");
    }
    let reader = pipeline::open(&a.input)?;
    let format = pipeline::output_format(a.to, &a.output, reader.encoding());
    let header = reader.header().clone();
    let t = header.transform;
    let ids: HashSet<String> = a.ids.iter().cloned().collect();
    let in_bbox = |f: &Feature| -> bool {
        let Some(b) = &a.bbox else { return true };
        match f.centroid() {
            Some(c) => {
                let x = c[0] * t.scale[0] + t.translate[0];
                let y = c[1] * t.scale[1] + t.translate[1];
                x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]
            }
            None => false,
        }
    };
    let counts = pipeline::run(reader, &a.output, format, &header, "selecting", |batch| {
        let mut out = Vec::with_capacity(batch.len());
        for f in batch {
            let spatial = in_bbox(&f);
            let matched: HashSet<String> = f
                .objects
                .iter()
                .filter(|_| spatial)
                .filter(|o| a.types.is_empty() || a.types.iter().any(|t| t == o.kind.as_str()))
                .filter(|o| ids.is_empty() || ids.contains(&o.id))
                .map(|o| o.id.clone())
                .collect();
            let selected = f.with_descendants(&matched);
            let keep: HashSet<String> = if a.exclude {
                f.objects
                    .iter()
                    .map(|o| o.id.clone())
                    .filter(|id| !selected.contains(id))
                    .collect()
            } else {
                selected
            };
            if keep.len() == f.objects.len() {
                out.push(f);
            } else if !keep.is_empty() {
                out.extend(f.select(&keep));
            }
        }
        Ok(out)
    })?;
    eprintln!(
        "urbis: {} of {} features selected",
        counts.written, counts.read
    );
    Ok(0)
}
