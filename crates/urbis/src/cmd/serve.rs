//! `urbis serve`.

use anyhow::{anyhow, Context, Result};
use std::path::PathBuf;
use std::sync::Arc;

/// Serve a store over HTTP: OGC API – Features (Parts 1, 2 and 3).
///
/// Endpoints: `/` (landing page), `/conformance`, `/api` (OpenAPI 3.0), `/collections`,
/// `/collections/{id}`, `/collections/{id}/queryables`, `/collections/{id}/items` (with
/// `bbox`, `bbox-crs`, `crs`, `limit`, `offset`, `datetime`, `type`, CQL2 `filter`, and
/// `?attribute=value`), `/collections/{id}/items/{featureId}`. Encodings by `f=` or `Accept`:
/// GeoJSON (footprints, CRS84 by default), HTML, CityJSON and CityJSONSeq (streamed).
/// The server only reads the store. It prints the address it listens on, logs requests on
/// stderr (`RUST_LOG=debug` for more), and stops on Ctrl-C or SIGTERM.
#[derive(clap::Args)]
pub struct Args {
    /// The store file.
    #[arg(long, default_value = "city.db")]
    pub db: PathBuf,
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
}

/// Runs `urbis serve`.
pub fn run(a: Args) -> Result<u8> {
    if !a.db.exists() {
        return Err(anyhow!(
            "no store at {} (create one with `urbis import FILE --db {}`)",
            a.db.display(),
            a.db.display()
        ));
    }
    let store = urbis_store_sqlite::SqliteStore::open(&a.db)
        .with_context(|| format!("opening the store {}", a.db.display()))?;
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
        eprintln!("urbis: serving {} on http://{addr}/", a.db.display());
        let router = urbis_server::router(Arc::new(store), config);
        urbis_server::serve(listener, router).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(0)
}
