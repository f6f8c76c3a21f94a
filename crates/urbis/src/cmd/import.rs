//! `urbis import`.

use crate::cmd::merge;
use crate::cmd::reproject::feature_reprojector;
use crate::pipeline;
use anyhow::{anyhow, bail, Context, Result};
use rayon::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Instant;
use urbis_geom::FeatureReprojector;
use urbis_model::{Feature, Transform};
use urbis_store::{NewCollection, OnConflict, PutOutcome, Record, RecordBuilder, Store};

/// Import city models into a store (the embedded SQLite file by default).
///
/// Reads CityJSON 1.x/2.0, CityJSONSeq and CityGML (files or `-`), streaming, and stores each
/// feature (a top-level city object with its children) with its extent, footprint and
/// attributes indexed. Each file is one transaction: if anything fails (a bad object, a full
/// disk, Ctrl-C, kill -9) the store is exactly as it was before that file, and the message
/// names the object and the reason. Features whose ids (or whose children's ids) are already
/// stored replace those by default (`--on-conflict`).
///
/// The collection is created from the first file imported into it, which sets its CRS and
/// transform; later files must be in the same CRS (or use `--reproject`) and are re-quantised
/// to the collection's transform if theirs differs.
#[derive(clap::Args)]
pub struct Args {
    /// Input files (`-` for stdin).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The store (created if missing).
    #[command(flatten)]
    pub store: crate::store_args::StoreArgs,
    /// Collection name (default: the first input's name without extensions).
    #[arg(long)]
    pub collection: Option<String>,
    /// What to do with a feature whose object ids are already stored.
    #[arg(long, value_enum, default_value_t = ConflictArg::Replace)]
    pub on_conflict: ConflictArg,
    /// Validate each feature's geometry first (val3dity codes); a file with an invalid
    /// geometry is not imported, and the problems are listed (exit code 1).
    #[arg(long)]
    pub validate: bool,
    /// Reproject to this CRS (e.g. `EPSG:28992`) before storing.
    #[arg(long, value_name = "EPSG:CODE")]
    pub reproject: Option<String>,
    /// Print a JSON report.
    #[arg(long)]
    pub json: bool,
}

/// `--on-conflict` values.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ConflictArg {
    /// Replace the stored feature(s) holding the ids.
    Replace,
    /// Keep the stored feature, ignore the new one.
    Skip,
    /// Stop: the file is not imported.
    Fail,
}

impl From<ConflictArg> for OnConflict {
    fn from(c: ConflictArg) -> OnConflict {
        match c {
            ConflictArg::Replace => OnConflict::Replace,
            ConflictArg::Skip => OnConflict::Skip,
            ConflictArg::Fail => OnConflict::Fail,
        }
    }
}

/// The collection name a file gives: its name up to the first dot.
fn default_collection(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    if stem.is_empty() || stem == "-" {
        "city".into()
    } else {
        stem.to_string()
    }
}

/// What one file's import did.
struct FileReport {
    file: String,
    collection: String,
    features: u64,
    objects: u64,
    inserted: u64,
    replaced: u64,
    skipped: u64,
    seconds: f64,
}

/// Runs `urbis import`.
pub fn run(a: Args) -> Result<u8> {
    let store = a.store.open_or_create()?;
    let mut reports = Vec::new();
    for input in &a.inputs {
        let name = a
            .collection
            .clone()
            .unwrap_or_else(|| default_collection(input));
        match import_file(store.as_ref(), input, &name, &a)? {
            Ok(r) => reports.push(r),
            Err(problems) => {
                eprintln!(
                    "urbis: {}: not imported, {} invalid object(s):",
                    input.display(),
                    problems.len()
                );
                for p in problems.iter().take(20) {
                    eprintln!("  {p}");
                }
                return Ok(1);
            }
        }
    }
    if a.json {
        let files: Vec<_> = reports
            .iter()
            .map(|r| {
                json!({"file": r.file, "collection": r.collection, "features": r.features,
                       "objects": r.objects, "inserted": r.inserted, "replaced": r.replaced,
                       "skipped": r.skipped, "seconds": r.seconds,
                       "objects_per_second": r.objects as f64 / r.seconds.max(1e-9)})
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&json!({"db": a.store.db, "files": files}))?
        );
    } else {
        for r in &reports {
            eprintln!(
                "urbis: {}: {} features ({} objects) into \"{}\" in {:.1} s ({:.0} objects/s): {} new, {} replaced, {} skipped",
                r.file,
                r.features,
                r.objects,
                r.collection,
                r.seconds,
                r.objects as f64 / r.seconds.max(1e-9),
                r.inserted,
                r.replaced,
                r.skipped
            );
        }
    }
    Ok(0)
}

/// Imports one file in one transaction; `Ok(Err(problems))` when `--validate` refused it.
fn import_file(
    store: &dyn Store,
    input: &Path,
    collection: &str,
    a: &Args,
) -> Result<std::result::Result<FileReport, Vec<String>>> {
    let started = Instant::now();
    let reader = pipeline::open(input)?;
    let display = reader.path().display().to_string();
    let mut header = reader.header().clone();
    let mut reprojector = None;
    if let Some(target) = &a.reproject {
        if let Some((r, h)) = feature_reprojector(&header, target, &display)? {
            reprojector = Some(r);
            header = h;
        }
    }
    let file_crs = header.crs().and_then(|c| c.epsg_code());
    let title = header
        .metadata
        .as_ref()
        .and_then(|m| m.get("title"))
        .and_then(|t| t.as_str())
        .map(str::to_string);
    let new = NewCollection {
        id: collection.to_string(),
        title,
        header: String::from_utf8_lossy(&urbis_cityjson::header_line(&header))
            .trim_end()
            .to_string(),
        transform: header.transform,
        crs: file_crs,
    };
    let templates = header.geometry_templates.clone();
    let mut tx = store.begin(&new)?;
    let target = tx.collection().clone();
    if target.crs != file_crs {
        let show = |c: Option<u32>| c.map_or("an unknown CRS".to_string(), |c| format!("EPSG:{c}"));
        bail!(
            "{display} is in {}, collection \"{collection}\" is in {}: use --reproject EPSG:{} (nothing was imported)",
            show(file_crs),
            show(target.crs),
            target.crs.map_or("CODE".to_string(), |c| c.to_string())
        );
    }
    if templates.is_some() && target.header != new.header {
        bail!(
            "{display} has geometry templates and collection \"{collection}\" already has a different header: import it into its own collection (nothing was imported)"
        );
    }
    let builder = RecordBuilder::new(target.transform, target.crs);
    if let Some(w) = builder.warning() {
        let fix = if target.crs.is_none() {
            format!(
                " (name it: `urbis import --crs EPSG:CODE ...`, or afterwards `urbis db set-crs {collection} EPSG:CODE --db {}`)",
                a.store.db
            )
        } else {
            String::new()
        };
        eprintln!("urbis: warning: {display}: {w}{fix}");
    }
    let requantize = (target.transform != header.transform).then_some(header.transform);
    let on_conflict: OnConflict = a.on_conflict.into();
    let bar = pipeline::progress(reader.feature_count(), &format!("importing {display}"));
    let mut report = FileReport {
        file: display.clone(),
        collection: collection.to_string(),
        features: 0,
        objects: 0,
        inserted: 0,
        replaced: 0,
        skipped: 0,
        seconds: 0.0,
    };
    let mut problems = Vec::new();
    // Three stages overlap: reading (the reader's own threads), preparing records (rayon) on
    // a producer thread, and storing them (SQLite's one writer) here.
    std::thread::scope(|scope| -> Result<()> {
        let (send, receive) = std::sync::mpsc::sync_channel::<Result<Prepared>>(4);
        let builder = &builder;
        let target = &target;
        let templates = templates.as_ref();
        let reprojector = reprojector.as_ref();
        let display = display.as_str();
        let validate = a.validate;
        let (send_batch, receive_batch) = std::sync::mpsc::sync_channel::<Result<Vec<Feature>>>(4);
        scope.spawn(move || {
            let mut reader = reader;
            loop {
                let batch = reader.next_batch();
                let item = match batch {
                    Ok(Some(b)) => Ok(b),
                    Ok(None) => return,
                    Err(e) => Err(e.into()),
                };
                let failed = item.is_err();
                if send_batch.send(item).is_err() || failed {
                    return;
                }
            }
        });
        scope.spawn(move || {
            for batch in receive_batch {
                let prepared = batch.and_then(|batch| {
                    prepare(
                        batch,
                        reprojector,
                        requantize.as_ref(),
                        &target.transform,
                        validate.then_some((
                            templates,
                            urbis_validate::Options::default().for_crs(target.crs),
                        )),
                        builder,
                        display,
                    )
                });
                let failed = prepared.is_err();
                if send.send(prepared).is_err() || failed {
                    return;
                }
            }
        });
        for prepared in receive {
            let prepared = prepared?;
            problems.extend(prepared.problems);
            if !problems.is_empty() {
                continue;
            }
            for record in &prepared.records {
                match tx.put(record, on_conflict).map_err(|e| {
                    anyhow!(
                        "{display}: feature \"{}\": {e} (nothing was imported)",
                        record.id
                    )
                })? {
                    PutOutcome::Inserted => report.inserted += 1,
                    PutOutcome::Replaced => report.replaced += 1,
                    PutOutcome::Skipped => report.skipped += 1,
                }
                report.features += 1;
                report.objects += record.object_ids.len() as u64;
            }
            bar.inc(prepared.records.len() as u64);
        }
        Ok(())
    })?;
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    tx.commit()
        .with_context(|| format!("{display}: committing (nothing was imported)"))?;
    bar.finish_and_clear();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(Ok(report))
}

/// A batch made ready for the store.
struct Prepared {
    records: Vec<Record>,
    problems: Vec<String>,
}

/// Reprojects, re-quantises, validates (when `validate` holds the templates) and turns a batch
/// into records, on all cores.
fn prepare(
    mut batch: Vec<Feature>,
    reprojector: Option<&FeatureReprojector>,
    requantize: Option<&Transform>,
    transform: &Transform,
    validate: Option<(
        Option<&urbis_model::GeometryTemplates>,
        urbis_validate::Options,
    )>,
    builder: &RecordBuilder,
    display: &str,
) -> Result<Prepared> {
    batch
        .par_iter_mut()
        .try_for_each(|f| -> Result<()> {
            if let Some(r) = reprojector {
                r.apply(f)?;
            }
            if let Some(from) = requantize {
                merge::requantize(f, from, transform)
                    .with_context(|| format!("feature {}", f.id))?;
            }
            Ok(())
        })
        .with_context(|| format!("{display}: nothing was imported"))?;
    let mut problems = Vec::new();
    if let Some((templates, options)) = validate {
        problems = batch
            .par_iter()
            .flat_map_iter(|f| urbis_validate::validate_feature(f, transform, templates, &options))
            .flat_map_iter(|o| {
                let id = o.id;
                o.issues.into_iter().map(move |i| format!("{id}: {i}"))
            })
            .collect();
    }
    let records = batch
        .par_iter()
        .map(|f| builder.record(f))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("{display}: {e} (nothing was imported)"))?;
    batch.into_par_iter().for_each(drop);
    Ok(Prepared { records, problems })
}
