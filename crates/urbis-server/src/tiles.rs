//! `/collections/{id}/3dtiles/…`: a collection's 3D Tiles, built on first request and cached
//! on disk per collection revision (a new import or delete changes the revision, so the next
//! request builds afresh and the old tiles are removed).

use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use urbis_tiles::BuildOptions;

/// A collection's 3D Tiles: its tileset and the tiles.
pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    use axum::routing::get;
    axum::Router::new()
        .route(
            "/collections/{collection}/3dtiles/tileset.json",
            get(tileset),
        )
        .route("/collections/{collection}/3dtiles/tiles/{name}", get(tile))
}

/// A tile: collection, revision, file name.
type TileKey = (String, u64, String);

/// The on-disk tile cache.
pub(crate) struct TileCache {
    root: PathBuf,
    /// Collection → revision whose tiles are complete on disk.
    ready: std::sync::RwLock<HashMap<String, u64>>,
    /// One build at a time per collection.
    building: tokio::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Tiles recently served, by (collection, revision, name), up to [`MEMORY_BYTES`].
    memory: std::sync::Mutex<(HashMap<TileKey, bytes::Bytes>, usize)>,
}

/// Bytes of tiles kept in memory (the cache is emptied when a new tile would pass it).
const MEMORY_BYTES: usize = 256 << 20;

impl TileCache {
    pub(crate) fn new(root: PathBuf) -> TileCache {
        TileCache {
            root,
            ready: Default::default(),
            building: Default::default(),
            memory: Default::default(),
        }
    }
}

/// A directory name for any collection id (letters and digits kept, the rest hex-escaped).
fn dir_name(collection: &str) -> String {
    collection
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                (b as char).to_string()
            } else {
                format!("_{b:02x}")
            }
        })
        .collect()
}

/// The directory holding the collection's current tiles, built if needed.
async fn ensure(state: &Arc<AppState>, collection: &str) -> Result<(PathBuf, u64), ApiError> {
    let name = collection.to_string();
    let revision = state
        .blocking(move |s| {
            s.collection(&name)?
                .map(|c| c.revision)
                .ok_or_else(|| ApiError::not_found(format!("no collection named \"{name}\"")))
        })
        .await?;
    let cache = &state.tiles;
    let base = cache.root.join(dir_name(collection));
    let dir = base.join(revision.to_string());
    let is_ready = |cache: &TileCache| {
        cache
            .ready
            .read()
            .map(|r| r.get(collection) == Some(&revision))
            .unwrap_or(false)
    };
    if is_ready(cache) {
        return Ok((dir, revision));
    }
    let lock = cache
        .building
        .lock()
        .await
        .entry(collection.to_string())
        .or_default()
        .clone();
    let _guard = lock.lock().await;
    if !is_ready(cache) {
        if !dir.join("tileset.json").is_file() {
            let store = state.store.clone();
            let (name, target, base2) = (collection.to_string(), dir.clone(), base.clone());
            let options = state.config.tiles.clone();
            tokio::task::spawn_blocking(move || build(store, &name, &base2, &target, &options))
                .await
                .map_err(ApiError::internal)??;
        }
        if let Ok(mut r) = cache.ready.write() {
            r.insert(collection.to_string(), revision);
        }
    }
    Ok((dir, revision))
}

fn build(
    store: Arc<dyn urbis_store::Store>,
    collection: &str,
    base: &std::path::Path,
    target: &std::path::Path,
    options: &BuildOptions,
) -> Result<(), ApiError> {
    std::fs::create_dir_all(base).map_err(ApiError::internal)?;
    let tmp = tempfile::Builder::new()
        .prefix(".building-")
        .tempdir_in(base)
        .map_err(ApiError::internal)?;
    let started = std::time::Instant::now();
    let report = urbis_tiles::tile_collection(
        store,
        collection,
        &urbis_store::Query::default(),
        tmp.path(),
        options,
        &|_| {},
    )
    .map_err(|e| match e {
        urbis_tiles::BuildError::Placement(p) => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "CannotPlace",
            description: format!("collection \"{collection}\": {p}"),
        },
        urbis_tiles::BuildError::Tiles(urbis_tiles::TilesError::Empty) => {
            ApiError::not_found(format!("collection \"{collection}\" has nothing to draw"))
        }
        other => ApiError::internal(other),
    })?;
    std::fs::rename(tmp.keep(), target).map_err(ApiError::internal)?;
    tracing::info!(
        "3D Tiles of \"{collection}\": {} features, {} tiles in {:.1} s",
        report.features,
        report.tiles,
        started.elapsed().as_secs_f64()
    );
    // Older revisions' tiles are stale now.
    if let Ok(entries) = std::fs::read_dir(base) {
        for e in entries.flatten() {
            if e.path() != target && !e.file_name().to_string_lossy().starts_with('.') {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    Ok(())
}

fn file_response(
    bytes: impl Into<axum::body::Body>,
    media_type: &'static str,
    tag: String,
) -> Response {
    let mut r = Response::new(bytes.into());
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    r
}

/// `GET /collections/{id}/3dtiles/tileset.json`.
pub async fn tileset(
    State(state): State<Arc<AppState>>,
    Path(collection): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (dir, revision) = ensure(&state, &collection).await?;
    let tag = crate::negotiate::etag(("tileset", &collection, revision));
    if let Some(r) = crate::negotiate::not_modified(&headers, &tag) {
        return Ok(r);
    }
    let bytes = tokio::fs::read(dir.join("tileset.json"))
        .await
        .map_err(ApiError::internal)?;
    Ok(file_response(bytes, "application/json", tag))
}

/// `GET /collections/{id}/3dtiles/tiles/{name}.glb`.
pub async fn tile(
    State(state): State<Arc<AppState>>,
    Path((collection, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let valid = name
        .strip_suffix(".glb")
        .is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'_'));
    if !valid {
        return Err(ApiError::not_found(format!("no tile named \"{name}\"")));
    }
    let (dir, revision) = ensure(&state, &collection).await?;
    let tag = crate::negotiate::etag(("tile", &collection, revision, &name));
    if let Some(r) = crate::negotiate::not_modified(&headers, &tag) {
        return Ok(r);
    }
    let key = (collection.clone(), revision, name.clone());
    let cached = state
        .tiles
        .memory
        .lock()
        .ok()
        .and_then(|m| m.0.get(&key).cloned());
    if let Some(bytes) = cached {
        return Ok(file_response(bytes, "model/gltf-binary", tag));
    }
    match tokio::fs::read(dir.join("tiles").join(&name)).await {
        Ok(bytes) => {
            let bytes = bytes::Bytes::from(bytes);
            if let Ok(mut m) = state.tiles.memory.lock() {
                if m.1 + bytes.len() > MEMORY_BYTES {
                    m.0.clear();
                    m.1 = 0;
                }
                m.1 += bytes.len();
                m.0.insert(key, bytes.clone());
            }
            Ok(file_response(bytes, "model/gltf-binary", tag))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(ApiError::not_found(format!("no tile named \"{name}\"")))
        }
        Err(e) => Err(ApiError::internal(e)),
    }
}
