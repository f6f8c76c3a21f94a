//! `urbis merge`.

use crate::pipeline::{self, Format};
use anyhow::{bail, Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use urbis_cityjson::{Output, Writer};
use urbis_model::{Feature, GeometryTemplates, Transform};

/// Merge several files into one.
///
/// The output's transform uses the finest scale of the inputs; vertices of inputs with another
/// transform are re-quantised (real coordinates are kept to within the output's scale). All
/// inputs must share the CRS. The first input's metadata is kept, with the extent grown to
/// cover all. An id that appears in two inputs is an error, unless `--rename-clashes`, which
/// renames the later object to `ID-2` (`-3`, ...) and its links with it. Geometry templates are
/// concatenated.
#[derive(clap::Args)]
pub struct Args {
    /// Input files (CityJSON, CityJSONSeq or CityGML).
    #[arg(required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// Output file, or `-` for stdout.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Rename clashing ids instead of failing.
    #[arg(long)]
    pub rename_clashes: bool,
    /// Output encoding.
    #[arg(long, value_enum)]
    pub to: Option<Format>,
}

/// Runs `urbis merge`.
pub fn run(a: Args) -> Result<u8> {
    let mut readers = Vec::new();
    for path in &a.inputs {
        readers.push(pipeline::open(path)?);
    }
    let first = readers[0].header().clone();
    let crs = first.crs();
    let mut header = first.clone();
    let mut scale = first.transform.scale;
    let mut template_offsets = Vec::new();
    let mut templates: Option<GeometryTemplates> = None;
    for r in &readers {
        let h = r.header();
        if h.crs() != crs {
            bail!(
                "{} is in {} but {} is in {}: reproject first (urbis reproject)",
                r.path().display(),
                h.crs().map(|c| c.to_string()).unwrap_or("no CRS".into()),
                readers[0].path().display(),
                crs.as_ref()
                    .map(|c| c.to_string())
                    .unwrap_or("no CRS".into())
            );
        }
        for axis in 0..3 {
            scale[axis] = scale[axis].min(h.transform.scale[axis]);
        }
        let offset = templates
            .as_ref()
            .map(|t| t.templates.len() as u32)
            .unwrap_or(0);
        template_offsets.push(offset);
        if let Some(t) = &h.geometry_templates {
            let all = templates.get_or_insert_with(GeometryTemplates::default);
            let vertex_offset = all.vertices.len() as u32;
            let appearance_offsets = all.appearance.append(&t.appearance);
            for g in &t.templates {
                let mut g = g.clone();
                g.boundaries.remap(|v| v + vertex_offset);
                g.shift_appearance(appearance_offsets);
                all.templates.push(g);
            }
            all.vertices.extend_from_slice(&t.vertices);
        }
        if let (Some(m), Some(extent)) = (
            header.metadata.as_mut(),
            h.metadata
                .as_ref()
                .and_then(|m| m.get("geographicalExtent"))
                .and_then(|e| serde_json::from_value::<[f64; 6]>(e.clone()).ok()),
        ) {
            if let Some(cur) = m
                .get("geographicalExtent")
                .and_then(|e| serde_json::from_value::<[f64; 6]>(e.clone()).ok())
            {
                let merged = [
                    cur[0].min(extent[0]),
                    cur[1].min(extent[1]),
                    cur[2].min(extent[2]),
                    cur[3].max(extent[3]),
                    cur[4].max(extent[4]),
                    cur[5].max(extent[5]),
                ];
                m.insert("geographicalExtent".into(), serde_json::json!(merged));
            }
        }
    }
    header.transform = Transform {
        scale,
        translate: first.transform.translate,
    };
    header.geometry_templates = templates;
    let format = pipeline::output_format(a.to, &a.output, readers[0].encoding());
    let mut writer = Writer::new(Output::create(&a.output)?, format, &header)?;
    let mut seen: HashSet<String> = HashSet::new();
    let mut total = 0u64;
    for (k, mut reader) in readers.into_iter().enumerate() {
        let from = reader.header().transform;
        let bar = pipeline::progress(
            reader.feature_count(),
            &format!("merging {}", reader.path().display()),
        );
        while let Some(mut batch) = reader.next_batch()? {
            bar.inc(batch.len() as u64);
            for f in &mut batch {
                if from != header.transform {
                    requantize(f, &from, &header.transform).with_context(|| {
                        format!("{}: feature {}", reader.path().display(), f.id)
                    })?;
                }
                if template_offsets[k] > 0 {
                    for g in f
                        .objects
                        .iter_mut()
                        .flat_map(|o| o.geometry.iter_mut().flatten())
                    {
                        if let Some(inst) = g.instance.as_mut() {
                            inst.template += template_offsets[k];
                        }
                    }
                }
                resolve_clashes(f, &mut seen, a.rename_clashes)
                    .with_context(|| format!("{}", reader.path().display()))?;
            }
            total += batch.len() as u64;
            writer.write_batch(&batch)?;
        }
        bar.finish_and_clear();
    }
    writer.finish()?;
    eprintln!(
        "urbis: merged {} features from {} files",
        total,
        a.inputs.len()
    );
    Ok(0)
}

/// Re-expresses a feature's vertices in another transform.
pub(crate) fn requantize(f: &mut Feature, from: &Transform, to: &Transform) -> Result<()> {
    for v in &mut f.vertices {
        let real = from.apply(*v);
        *v = to
            .quantize(real)
            .with_context(|| format!("vertex {real:?} cannot be quantised"))?;
    }
    Ok(())
}

fn resolve_clashes(f: &mut Feature, seen: &mut HashSet<String>, rename: bool) -> Result<()> {
    let mut renamed: HashMap<String, String> = HashMap::new();
    for o in &f.objects {
        if seen.contains(&o.id) {
            if !rename {
                bail!(
                    "the id \"{}\" is already used by an earlier input (use --rename-clashes)",
                    o.id
                );
            }
            let mut n = 2;
            let new = loop {
                let candidate = format!("{}-{n}", o.id);
                if !seen.contains(&candidate) {
                    break candidate;
                }
                n += 1;
            };
            renamed.insert(o.id.clone(), new);
        }
    }
    for o in &mut f.objects {
        if let Some(new) = renamed.get(&o.id) {
            o.id = new.clone();
        }
        for link in o.parents.iter_mut().chain(o.children.iter_mut()) {
            if let Some(new) = renamed.get(link) {
                *link = new.clone();
            }
        }
        seen.insert(o.id.clone());
    }
    if let Some(new) = renamed.get(&f.id) {
        f.id = new.clone();
    }
    Ok(())
}
