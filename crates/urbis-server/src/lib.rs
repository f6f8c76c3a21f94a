//! The urbis server: OGC API – Features over any [`Store`].
//!
//! Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), Part 2 (CRS: CRS84 by default, EPSG:4326 and the
//! collection's native CRS through `crs`, `bbox-crs` and `filter-crs`, with `Content-Crs`) and
//! Part 3 (Filtering with CQL2 text and JSON, queryables). Features are also served as
//! CityJSON (`application/city+json`, one CityJSONFeature) and CityJSONSeq
//! (`application/city+json-seq`, streamed). Responses carry ETags and answer
//! `If-None-Match`; CORS and gzip are on. The server only reads: it has no endpoint that
//! changes the store.
//!
//! Store calls are blocking; they run on tokio's blocking threads, at most
//! [`Config::concurrency`] at a time, which keeps memory flat under load.

pub mod cql2;
pub mod crs;
mod error;
mod html;
mod items;
mod negotiate;
mod openapi;
mod pages;
mod sunmap;
mod tiles;
mod viewer;

pub use error::ApiError;

use axum::http::{header, HeaderMap, HeaderName, Method};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use urbis_store::Store;

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Title of the landing page.
    pub title: String,
    /// `limit` when a request gives none.
    pub default_limit: usize,
    /// The largest `limit` honoured; larger ones are capped to it.
    pub max_limit: usize,
    /// Store calls running at once.
    pub concurrency: usize,
    /// The URL clients reach the server at (for links); default: from the `Host` header.
    pub public_url: Option<String>,
    /// Where built 3D Tiles are cached (default: a folder in the temporary directory).
    pub tiles_cache: Option<std::path::PathBuf>,
    /// How 3D Tiles are built.
    pub tiles: urbis_tiles::BuildOptions,
    /// CesiumJS's `Build/Cesium` folder for the viewer (`None`: the viewer explains how to
    /// install it).
    pub cesium: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "urbis city models".into(),
            default_limit: 10,
            max_limit: 10_000,
            concurrency: 4,
            public_url: None,
            tiles_cache: None,
            tiles: urbis_tiles::BuildOptions::default(),
            cesium: None,
        }
    }
}

/// What every handler shares.
pub struct AppState {
    store: Arc<dyn Store>,
    config: Config,
    permits: Arc<tokio::sync::Semaphore>,
    converters: crs::Converters,
    tiles: tiles::TileCache,
    sun: sunmap::SunCache,
}

impl AppState {
    /// Runs a store call on a blocking thread, at most `concurrency` at a time.
    async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&dyn Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(ApiError::internal)?
    }

    /// The base URL for links.
    fn base(&self, headers: &HeaderMap) -> String {
        if let Some(u) = &self.config.public_url {
            return u.trim_end_matches('/').to_string();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '[' | ']'))
            })
            .unwrap_or("localhost");
        format!("http://{host}")
    }
}

/// The router with every endpoint and layer.
pub fn router(store: Arc<dyn Store>, config: Config) -> Router {
    let cache_root = config
        .tiles_cache
        .clone()
        .or_else(|| store.cache_dir())
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("urbis-tiles-{}", std::process::id()))
        });
    let cesium = config.cesium.clone();
    let state = Arc::new(AppState {
        tiles: tiles::TileCache::new(cache_root),
        sun: sunmap::SunCache::default(),
        store,
        permits: Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1))),
        config,
        converters: crs::Converters::default(),
    });
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([
            header::ETAG,
            header::LINK,
            HeaderName::from_static("content-crs"),
        ]);
    Router::new()
        .route("/", get(pages::landing))
        .route("/conformance", get(pages::conformance))
        .route("/api", get(pages::api))
        .route("/collections", get(pages::collections))
        .route("/collections/{collection}", get(pages::collection))
        .route(
            "/collections/{collection}/queryables",
            get(pages::queryables),
        )
        .route("/collections/{collection}/items", get(items::items))
        .route(
            "/collections/{collection}/items/{feature}",
            get(items::item),
        )
        .route(
            "/collections/{collection}/3dtiles/tileset.json",
            get(tiles::tileset),
        )
        .route(
            "/collections/{collection}/3dtiles/tiles/{name}",
            get(tiles::tile),
        )
        .route("/collections/{collection}/sun", get(sunmap::info))
        .route("/collections/{collection}/sun.png", get(sunmap::image))
        .route("/viewer", get(viewer::page))
        .route("/viewer/app.js", get(viewer::script))
        .route("/viewer/app.css", get(viewer::style))
        .nest_service("/viewer/cesium", viewer::cesium_assets(cesium))
        .fallback(pages::not_found)
        .with_state(state)
        .layer(CompressionLayer::new())
        .layer(cors)
        .layer(
            // One line per request on stderr at INFO (method, URI, status, latency): the
            // default `warn,tower_http=info` filter of `urbis serve` shows it.
            TraceLayer::new_for_http()
                .make_span_with(
                    tower_http::trace::DefaultMakeSpan::new().level(tracing::Level::INFO),
                )
                .on_response(
                    tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO),
                ),
        )
}

/// Serves `router` on `listener` until Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        Ok(t) => t,
                        Err(_) => {
                            let _ = ctrl_c.await;
                            return;
                        }
                    };
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            #[cfg(not(unix))]
            {
                let _ = ctrl_c.await;
            }
        })
        .await
}
