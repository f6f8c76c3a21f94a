//! Where an analysis reads from: a file, or a collection of the store.

use crate::input::Input;
use crate::pipeline;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;

/// The input arguments every analysis shares.
#[derive(clap::Args, Debug, Clone)]
pub struct SourceArgs {
    /// Input file (`-` for stdin); omit it to read `--collection` from the store.
    pub input: Option<PathBuf>,
    /// The store (with `--collection`).
    #[command(flatten)]
    pub store: crate::store_args::StoreArgs,
    /// Read this collection of the store instead of a file.
    #[arg(long, conflicts_with = "input")]
    pub collection: Option<String>,
}

/// An open source: the input and a name for reports.
pub struct Source {
    /// The reader.
    pub input: Input,
    /// `FILE` or `DB#COLLECTION`.
    pub name: String,
}

impl SourceArgs {
    /// Opens the file or the collection. A model in a geographic CRS (degrees) is measured
    /// in metres: its features are reprojected, one by one as they are read, to the WGS 84
    /// UTM zone of its origin.
    pub fn open(&self) -> Result<Source> {
        let (input, name) = match (&self.input, &self.collection) {
            (Some(path), _) => (pipeline::open(path)?, path.display().to_string()),
            (None, Some(collection)) => {
                let store = self.store.open()?;
                let input = Input::collection(
                    store,
                    collection,
                    &urbis_store::Query::default(),
                    &pipeline::input_options(),
                )
                .with_context(|| format!("reading collection \"{collection}\""))?;
                (input, format!("{}#{collection}", self.store.db))
            }
            (None, None) => return Err(anyhow!("give an input file or --collection NAME")),
        };
        let code = input.header().crs().and_then(|c| c.epsg_code());
        let (source, utm) = input.into_source().in_metres()?;
        if let (Some(code), Some(utm)) = (code, utm) {
            eprintln!(
                "urbis: {name}: EPSG:{code} is geographic (degrees): measured in metres in UTM zone {} (EPSG:{utm})",
                utm % 100
            );
        }
        Ok(Source {
            input: Input::printing(source),
            name,
        })
    }
}

/// How Buildings are measured, shared by `metrics` and `rules`.
#[derive(clap::Args, Debug, Clone)]
pub struct MeasureArgs {
    /// Analyse this LoD (e.g. `2.2`) instead of each object's most detailed geometry.
    #[arg(long)]
    pub lod: Option<String>,
    /// Storey height in metres, for storeys and gross floor area.
    #[arg(long, default_value_t = 3.0)]
    pub storey_height: f64,
    /// Roof faces with at most this slope (degrees) count as flat.
    #[arg(long, default_value_t = 5.0)]
    pub flat_roof_slope: f64,
}

impl MeasureArgs {
    /// The metrics options these arguments give.
    pub fn options(&self) -> Result<urbis_analysis::MetricsOptions> {
        if self.storey_height <= 0.0 || !self.storey_height.is_finite() {
            bail!("--storey-height must be positive");
        }
        Ok(urbis_analysis::MetricsOptions {
            lod: self.lod.clone().map_or(
                urbis_analysis::LodChoice::Highest,
                urbis_analysis::LodChoice::Exact,
            ),
            storey_height: self.storey_height,
            flat_roof_slope: self.flat_roof_slope,
            validate: None,
        })
    }
}

/// Calls `work` on every batch of `input`, reading the next batch while `work` runs (one
/// batch ahead, so memory stays bounded), so that parsing and analysis overlap.
pub fn for_each_batch(
    input: &mut Input,
    mut work: impl FnMut(Vec<urbis_model::Feature>) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let reader = scope.spawn(move || -> Result<()> {
            while let Some(batch) = input.next_batch()? {
                if tx.send(batch).is_err() {
                    break;
                }
            }
            Ok(())
        });
        let mut outcome = Ok(());
        for batch in rx {
            if let Err(e) = work(batch) {
                outcome = Err(e);
                break;
            }
        }
        // Dropping the receiver (by leaving the loop) lets a blocked reader finish.
        let read = reader
            .join()
            .unwrap_or_else(|_| Err(anyhow!("the reader thread panicked")));
        outcome.and(read)
    })
}

/// Writes analysis figures back into the store as attributes of each feature's top-level
/// object (replacing the stored features, in one transaction), so that the viewer and the
/// OGC API can colour, filter and show by them.
pub fn store_attributes(
    args: &SourceArgs,
    updated: Vec<(
        urbis_model::Feature,
        serde_json::Map<String, serde_json::Value>,
    )>,
) -> Result<usize> {
    use urbis_store::{NewCollection, OnConflict, RecordBuilder};
    let Some(collection) = &args.collection else {
        bail!("--store-attributes needs --collection");
    };
    let store = args.store.open()?;
    let c = store
        .collection(collection)?
        .ok_or_else(|| anyhow!("no collection \"{collection}\" in {}", args.store.db))?;
    let builder = RecordBuilder::new(c.transform, c.crs);
    let new = NewCollection {
        id: c.id.clone(),
        title: c.title.clone(),
        header: c.header.clone(),
        transform: c.transform,
        crs: c.crs,
    };
    let mut tx = store.begin(&new)?;
    let n = updated.len();
    for (mut feature, figures) in updated {
        let id = feature.id.clone();
        if let Some(root) = feature.objects.iter_mut().find(|o| o.id == id) {
            root.attributes
                .get_or_insert_with(Default::default)
                .extend(figures);
        }
        let record = builder.record(&feature)?;
        tx.put(&record, OnConflict::Replace)
            .with_context(|| format!("storing \"{id}\" (nothing was stored)"))?;
    }
    tx.commit()
        .context("committing the attributes (nothing was stored)")?;
    Ok(n)
}

/// Like [`store_attributes`], for figures keyed by feature id: reads the collection again and
/// stores the figures of the features named.
pub fn store_attributes_by_id(
    args: &SourceArgs,
    mut figures: std::collections::HashMap<String, serde_json::Map<String, serde_json::Value>>,
) -> Result<usize> {
    let mut source = args.open()?;
    let mut updated = Vec::new();
    while let Some(batch) = source.input.next_batch()? {
        for f in batch {
            if let Some(m) = figures.remove(&f.id) {
                updated.push((f, m));
            }
        }
    }
    store_attributes(args, updated)
}
