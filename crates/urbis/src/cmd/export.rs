//! `urbis export`.

use crate::pipeline::{self, Format};
use anyhow::{anyhow, Context, Result};
use std::io::Write;
use std::path::PathBuf;
use urbis_cityjson::{Output, OutputFormat};
use urbis_store::{Fields, Query};

/// Export a collection of a store to CityJSON or CityJSONSeq, or a model (a file or a
/// collection) to a mesh: glTF binary (`.glb`) or Wavefront OBJ (`.obj` + `.mtl`).
///
/// `urbis export OUT --collection NAME` exports from the store; `urbis export IN OUT` exports a
/// file (CityJSON, CityJSONSeq, CityGML; meshes only). CityJSON features come out as they were
/// imported (ids, attributes, geometry, appearance; vertices in the collection's transform).
/// Meshes are made as `urbis tiles` makes tiles (see its help): the GLB is in a local
/// east-north-up frame whose place on the globe is in `asset.extras.urbis`, with per-feature
/// ids and attributes (`EXT_mesh_features`, `EXT_structural_metadata`); the OBJ is in the
/// model's CRS minus an origin (written in its first lines), y up, one group per feature.
///
/// `--bbox` keeps the features whose extent meets the box (the model's own CRS), `--type` and
/// `--id` (repeatable) those of these root types or with these object ids. The output is
/// written through a temporary file and renamed.
#[derive(clap::Args)]
pub struct Args {
    /// `OUT` (from the store), or `IN OUT` (a file to a mesh). OUT is `.city.json`,
    /// `.city.jsonl`, `.glb` or `.obj`, or `-` for stdout (then give `--to`).
    #[arg(required = true, num_args = 1..=2, value_names = ["IN", "OUT"])]
    pub paths: Vec<PathBuf>,
    /// The store.
    #[command(flatten)]
    pub store: crate::store_args::StoreArgs,
    /// The collection to export.
    #[arg(long)]
    pub collection: Option<String>,
    /// Only features meeting this box (native CRS).
    #[arg(long, num_args = 4, value_names = ["MINX", "MINY", "MAXX", "MAXY"], allow_negative_numbers = true)]
    pub bbox: Option<Vec<f64>>,
    /// Only features whose root has this type (repeatable; meshes only).
    #[arg(long = "type", value_name = "TYPE")]
    pub types: Vec<String>,
    /// Only features holding this object id (repeatable; meshes only).
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Output encoding.
    #[arg(long = "to", value_enum)]
    pub to: Option<Format>,
    /// Mesh export: draw this LoD instead of each object's most detailed.
    #[arg(long)]
    pub lod: Option<String>,
    /// Mesh export: metres added to z for ellipsoidal heights (see `urbis tiles --help`).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub geoid_offset: f64,
}

/// Runs `urbis export`.
pub fn run(a: Args) -> Result<u8> {
    let output = a.paths.last().cloned().unwrap_or_default();
    if crate::cmd::export_mesh::is_mesh(&output) {
        return crate::cmd::export_mesh::run(&a, &output);
    }
    if a.paths.len() > 1 {
        return Err(anyhow!(
            "exporting a file is for meshes (.glb, .obj); use `urbis convert` between CityJSON encodings"
        ));
    }
    if !a.types.is_empty() || !a.ids.is_empty() {
        return Err(anyhow!(
            "--type and --id are for mesh exports; use `urbis subset` on a CityJSON export"
        ));
    }
    let Some(collection) = a.collection.clone() else {
        return Err(anyhow!(
            "give --collection NAME (the store's collection to export)"
        ));
    };
    let name = collection;
    let store = a.store.open()?;
    store
        .collection(&name)?
        .ok_or_else(|| anyhow!("{}: no collection named \"{}\"", a.store.db, name))?;
    let query = Query {
        bbox: a
            .bbox
            .as_ref()
            .map(|b| Query::bbox_2d([b[0], b[1], b[2], b[3]])),
        fields: Fields::Body,
        ..Query::default()
    };
    let format = pipeline::output_format(a.to, &output, urbis_cityjson::Encoding::CityJsonSeq);
    let write_seq = |out: &mut dyn Write| -> Result<u64> {
        Ok(urbis_store::write_seq(store.as_ref(), &name, &query, out)?)
    };
    let n = match format {
        OutputFormat::CityJsonSeq => {
            let mut out = Output::create(&output)?;
            let n = write_seq(&mut OutputWrite(&mut out))?;
            out.commit()?;
            n
        }
        OutputFormat::CityJson => {
            // Through a CityJSONSeq spool, so the CityJSON writer merges vertices and
            // appearance the way it always does.
            let spool = tempfile::Builder::new()
                .suffix(".city.jsonl")
                .tempfile()
                .context("creating a spool file")?;
            {
                let mut w = std::io::BufWriter::with_capacity(1 << 20, spool.as_file());
                write_seq(&mut w)?;
                w.flush()?;
            }
            let reader = pipeline::open(spool.path())?;
            let header = reader.header().clone();
            pipeline::run(reader, &output, format, &header, "exporting", Ok)?.written
        }
    };
    eprintln!(
        "urbis: exported {n} features of \"{}\" to {}",
        name,
        output.display()
    );
    Ok(0)
}

/// `std::io::Write` over an [`Output`].
struct OutputWrite<'a>(&'a mut Output);

impl Write for OutputWrite<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write_bytes(buf).map_err(std::io::Error::other)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
