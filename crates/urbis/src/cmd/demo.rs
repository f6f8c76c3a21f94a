//! `urbis demo`.

use crate::cmd::{generate, import, serve};
use anyhow::Result;
use std::path::PathBuf;

/// Generate a synthetic city, import it into the embedded store and serve it with the viewer.
///
/// The city (EPSG:7415, near Delft: a square district of blocks of LoD2 buildings with roofs,
/// walls and ground semantics, taller towards the centre, around streets, a market square and
/// a park with trees, on a flat terrain; see `urbis generate --layout district`) is generated once into the store `--db` as the collection
/// `demo`; later runs reuse it. Then the server starts and prints the viewer's URL: open it in
/// a browser. Stop it with Ctrl-C.
#[derive(clap::Args)]
pub struct Args {
    /// The store (created if missing): a SQLite file (a path, or sqlite:PATH).
    #[arg(long, default_value = "demo.db", value_name = "URL")]
    pub db: String,
    /// Number of buildings in the generated city.
    #[arg(long, default_value_t = 2_000)]
    pub buildings: usize,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// CesiumJS's `Build/Cesium` folder (see `urbis serve --help`).
    #[arg(long, value_name = "DIR")]
    pub cesium: Option<PathBuf>,
}

/// Runs `urbis demo`.
pub fn run(a: Args) -> Result<u8> {
    let store = crate::store_args::StoreArgs { db: a.db.clone() };
    let has_demo = urbis_stores::exists(&a.db)
        && store
            .open()
            .ok()
            .and_then(|s| s.collection("demo").ok().flatten())
            .is_some();
    if !has_demo {
        let dir = tempfile::tempdir()?;
        let city = dir.path().join("demo.city.jsonl");
        eprintln!("urbis: generating a city of {} buildings", a.buildings);
        generate::run(generate::Args {
            output: city.clone(),
            buildings: a.buildings,
            seed: 1,
            to: None,
            layout: generate::Layout::District,
        })?;
        let code = import::run(import::Args {
            inputs: vec![city],
            store: store.clone(),
            collection: Some("demo".into()),
            on_conflict: import::ConflictArg::Replace,
            validate: false,
            reproject: None,
            json: false,
        })?;
        if code != 0 {
            return Ok(code);
        }
    }
    serve::run(serve::Args {
        store,
        bind: a.bind,
        max_limit: 10_000,
        public_url: None,
        title: "urbis demo city".into(),
        cesium: a.cesium,
        tiles_cache: None,
        no_validate: false,
    })
}
