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
mod state;
mod sunmap;
mod tiles;
mod viewer;

pub use error::ApiError;
use state::AppState;
pub use state::Config;

use axum::http::{header, HeaderName, Method};
use axum::Router;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::trace::TraceLayer;
use urbis_store::Store;

/// The router: every area's routes (pages, items, 3D Tiles, sun, viewer), then the layers
/// every request passes (compression, CORS, tracing), applied to the whole router.
pub fn router(store: Arc<dyn Store>, config: Config) -> Router {
    let cache_root = config
        .tiles_cache
        .clone()
        .or_else(|| store.cache_dir())
        .unwrap_or_else(|| {
            std::env::temp_dir().join(format!("urbis-tiles-{}", std::process::id()))
        });
    let cesium = config.cesium.clone();
    let state = Arc::new(AppState::new(store, config, cache_root));
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
        .merge(pages::routes())
        .merge(items::routes())
        .merge(tiles::routes())
        .merge(sunmap::routes())
        .merge(viewer::routes(cesium))
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
