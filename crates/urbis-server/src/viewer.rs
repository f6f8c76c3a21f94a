//! The web viewer at `/viewer`: a CesiumJS page (no ion token, no network needed) over the
//! server's own collections and 3D Tiles. CesiumJS's prebuilt `Build/Cesium` is served from
//! the folder `npm ci` installs (see `viewer/package.json`); the page itself is built in.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;
use tower_http::services::ServeDir;

/// The viewer page, its script and style, and CesiumJS from `cesium`.
pub(crate) fn routes(cesium: Option<PathBuf>) -> axum::Router<std::sync::Arc<crate::AppState>> {
    use axum::routing::get;
    axum::Router::new()
        .route("/viewer", get(page))
        .route("/viewer/app.js", get(script))
        .route("/viewer/app.css", get(style))
        .nest_service("/viewer/cesium", cesium_assets(cesium))
}

const PAGE: &str = include_str!("../assets/viewer.html");
const SCRIPT: &str = include_str!("../assets/viewer.js");
const STYLE: &str = include_str!("../assets/viewer.css");

fn text(media_type: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    r
}

/// `GET /viewer`.
pub async fn page() -> Response {
    text("text/html; charset=utf-8", PAGE)
}

/// `GET /viewer/app.js`.
pub async fn script() -> Response {
    text("text/javascript; charset=utf-8", SCRIPT)
}

/// `GET /viewer/app.css`.
pub async fn style() -> Response {
    text("text/css; charset=utf-8", STYLE)
}

/// `GET /viewer/cesium/…`: CesiumJS's build folder, or a 404 that says how to install it.
pub fn cesium_assets(dir: Option<PathBuf>) -> axum::Router {
    match dir {
        Some(d) => axum::Router::new().fallback_service(ServeDir::new(d)),
        None => axum::Router::new().fallback(|| async {
            (
                StatusCode::NOT_FOUND,
                "CesiumJS is not installed: run `npm ci --prefix viewer` in the urbis source folder, \
                 or give `urbis serve --cesium DIR` (the Build/Cesium folder of the cesium npm package)",
            )
        }),
    }
}
