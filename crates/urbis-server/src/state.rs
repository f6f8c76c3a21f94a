//! What every handler shares: the settings, the store and the caches.

use crate::{crs, sunmap, tiles, ApiError};
use axum::http::{header, HeaderMap};
use std::sync::Arc;
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
    pub(crate) store: Arc<dyn Store>,
    pub(crate) config: Config,
    pub(crate) permits: Arc<tokio::sync::Semaphore>,
    pub(crate) converters: crs::Converters,
    pub(crate) tiles: tiles::TileCache,
    pub(crate) sun: sunmap::SunCache,
}

impl AppState {
    /// The state of a server over `store`, keeping built tiles under `cache_root`.
    pub(crate) fn new(
        store: Arc<dyn Store>,
        config: Config,
        cache_root: std::path::PathBuf,
    ) -> AppState {
        AppState {
            tiles: tiles::TileCache::new(cache_root),
            sun: sunmap::SunCache::default(),
            store,
            permits: Arc::new(tokio::sync::Semaphore::new(config.concurrency.max(1))),
            config,
            converters: crs::Converters::default(),
        }
    }

    /// Runs a store call on a blocking thread, at most `concurrency` at a time.
    pub(crate) async fn blocking<T: Send + 'static>(
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
    pub(crate) fn base(&self, headers: &HeaderMap) -> String {
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
