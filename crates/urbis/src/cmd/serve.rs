//! `urbis serve`.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// Serve a store over HTTP: OGC API – Features (Parts 1, 2 and 3), 3D Tiles and the viewer.
///
/// Endpoints: `/` (landing page), `/conformance`, `/api` (OpenAPI 3.0), `/collections`,
/// `/collections/{id}`, `/collections/{id}/queryables`, `/collections/{id}/items` (with
/// `bbox`, `bbox-crs`, `crs`, `limit`, `offset`, `datetime`, `type`, CQL2 `filter`, and
/// `?attribute=value`), `/collections/{id}/items/{featureId}`. Encodings by `f=` or `Accept`:
/// GeoJSON (footprints, CRS84 by default), HTML, CityJSON and CityJSONSeq (streamed).
/// `/collections/{id}/3dtiles/tileset.json` serves the collection as 3D Tiles 1.1, built on the
/// first request (as `urbis tiles --validate` builds them) and cached until the collection
/// changes. `/viewer` is the CesiumJS viewer (CesiumJS from `npm ci --prefix viewer`, found
/// next to the urbis source or given with `--cesium`).
/// The server only reads the store. It prints the address it listens on, logs requests on
/// stderr (`RUST_LOG=debug` for more), and stops on Ctrl-C or SIGTERM.
#[derive(clap::Args)]
pub struct Args {
    /// The store.
    #[command(flatten)]
    pub store: crate::store_args::StoreArgs,
    /// Address to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The largest `limit` a request may ask for; larger ones are capped.
    #[arg(long, default_value_t = 10_000)]
    pub max_limit: usize,
    /// The URL clients reach the server at, for the links in responses (default: from each
    /// request's Host header).
    #[arg(long)]
    pub public_url: Option<String>,
    /// Title of the landing page.
    #[arg(long, default_value = "urbis city models")]
    pub title: String,
    /// CesiumJS's `Build/Cesium` folder (default: `viewer/node_modules/cesium/Build/Cesium`
    /// of the urbis source folder, looked for from the current folder and the executable).
    #[arg(long, value_name = "DIR")]
    pub cesium: Option<PathBuf>,
    /// Where built 3D Tiles are kept (default: where the store keeps derived data; for a
    /// SQLite file `<db>.tiles` beside it).
    #[arg(long, value_name = "DIR")]
    pub tiles_cache: Option<PathBuf>,
    /// Do not validate features when building tiles (faster on large collections; the
    /// viewer then shows no validation results).
    #[arg(long)]
    pub no_validate: bool,
}

/// Where CesiumJS's build folder is: `--cesium`, else `viewer/node_modules/cesium/Build/Cesium`
/// in the current folder or an ancestor of the executable.
pub fn find_cesium(given: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(dir) = given {
        return Some(dir);
    }
    let tail = Path::new("viewer/node_modules/cesium/Build/Cesium");
    let mut roots: Vec<PathBuf> = std::env::current_dir().into_iter().collect();
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    roots
        .into_iter()
        .map(|r| r.join(tail))
        .find(|d| d.join("Cesium.js").is_file())
}

/// Runs `urbis serve`.
pub fn run(a: Args) -> Result<u8> {
    let store = a.store.open()?;
    let cesium = find_cesium(a.cesium.clone());
    if cesium.is_none() {
        eprintln!(
            "urbis: warning: CesiumJS not found, /viewer cannot show the globe (run `npm ci --prefix viewer` in the urbis source folder, or give --cesium)"
        );
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,tower_http=info")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let config = urbis_server::Config {
        title: a.title,
        max_limit: a.max_limit.max(1),
        public_url: a.public_url,
        cesium,
        tiles_cache: a.tiles_cache,
        tiles: urbis_tiles::BuildOptions {
            validate: !a.no_validate,
            ..Default::default()
        },
        ..urbis_server::Config::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&a.bind)
            .await
            .with_context(|| format!("listening on {}", a.bind))?;
        let addr = listener.local_addr()?;
        eprintln!("urbis: serving {} on http://{addr}/", a.store.db);
        eprintln!("urbis: the viewer is at http://{addr}/viewer");
        let router = urbis_server::router(store, config);
        urbis_server::serve(listener, router).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(0)
}
