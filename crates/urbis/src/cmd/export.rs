//! `urbis export`.

use crate::pipeline::{self, Format};
use anyhow::{anyhow, Context, Result};
use std::io::Write;
use std::path::PathBuf;
use urbis_cityjson::{Output, OutputFormat};
use urbis_store::{Fields, Query, Store};

/// Export a collection of a store to CityJSON or CityJSONSeq.
///
/// Features come out as they were imported (ids, attributes, geometry, appearance; vertices in
/// the collection's transform). `--bbox` keeps the features whose extent meets the box, in
/// the collection's own CRS. The output is written through a temporary file and renamed.
#[derive(clap::Args)]
pub struct Args {
    /// Output file (`.city.json` or `.city.jsonl`), or `-` for stdout (then give `--to`).
    pub output: PathBuf,
    /// The store file.
    #[arg(long, default_value = "city.db")]
    pub db: PathBuf,
    /// The collection to export.
    #[arg(long)]
    pub collection: String,
    /// Only features meeting this box (native CRS).
    #[arg(long, num_args = 4, value_names = ["MINX", "MINY", "MAXX", "MAXY"], allow_negative_numbers = true)]
    pub bbox: Option<Vec<f64>>,
    /// Output encoding.
    #[arg(long = "to", value_enum)]
    pub to: Option<Format>,
}

/// Runs `urbis export`.
pub fn run(a: Args) -> Result<u8> {
    if !a.db.exists() {
        return Err(anyhow!("no store at {}", a.db.display()));
    }
    let store = urbis_store_sqlite::SqliteStore::open(&a.db)
        .with_context(|| format!("opening the store {}", a.db.display()))?;
    let collection = store.collection(&a.collection)?.ok_or_else(|| {
        anyhow!(
            "{}: no collection named \"{}\"",
            a.db.display(),
            a.collection
        )
    })?;
    let query = Query {
        bbox: a
            .bbox
            .as_ref()
            .map(|b| Query::bbox_2d([b[0], b[1], b[2], b[3]])),
        fields: Fields::Body,
        ..Query::default()
    };
    let format = pipeline::output_format(a.to, &a.output, urbis_cityjson::Encoding::CityJsonSeq);
    let write_seq = |out: &mut dyn Write| -> Result<u64> {
        out.write_all(collection.header.as_bytes())?;
        out.write_all(b"\n")?;
        let mut n = 0;
        let mut failed = None;
        store.scan(&a.collection, &query, &mut |item| {
            if let Some(body) = item.body {
                if let Err(e) = out.write_all(&body).and_then(|_| out.write_all(b"\n")) {
                    failed = Some(e);
                    return Ok(false);
                }
                n += 1;
            }
            Ok(true)
        })?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        Ok(n)
    };
    let n = match format {
        OutputFormat::CityJsonSeq => {
            let mut out = Output::create(&a.output)?;
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
            pipeline::run(reader, &a.output, format, &header, "exporting", Ok)?.written
        }
    };
    eprintln!(
        "urbis: exported {n} features of \"{}\" to {}",
        a.collection,
        a.output.display()
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
