//! Content negotiation (`f=` or `Accept`) and ETags.

use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};

/// A response encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json` (also the OpenAPI document).
    Json,
    /// `application/geo+json`.
    GeoJson,
    /// `text/html`.
    Html,
    /// `application/city+json`.
    CityJson,
    /// `application/city+json-seq`.
    CityJsonSeq,
}

impl Format {
    /// The media type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::GeoJson => "application/geo+json",
            Format::Html => "text/html; charset=utf-8",
            Format::CityJson => "application/city+json",
            Format::CityJsonSeq => "application/city+json-seq",
        }
    }
    /// The `f=` value.
    pub fn param(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::GeoJson => "geojson",
            Format::Html => "html",
            Format::CityJson => "cityjson",
            Format::CityJsonSeq => "cityjsonseq",
        }
    }
}

/// The format for a request: `f=` wins, then the first acceptable media type of `Accept`,
/// else `default`. `allowed` lists what the resource offers.
pub fn negotiate(
    f: Option<&str>,
    headers: &HeaderMap,
    allowed: &[Format],
    default: Format,
) -> Result<Format, ApiError> {
    if let Some(f) = f {
        let wanted = match f.to_ascii_lowercase().as_str() {
            "json" => Format::Json,
            "geojson" => Format::GeoJson,
            "html" => Format::Html,
            "cityjson" => Format::CityJson,
            "cityjsonseq" | "jsonl" => Format::CityJsonSeq,
            other => return Err(ApiError::bad(format!("unknown format f={other}"))),
        };
        // json and geojson are the same for resources that are GeoJSON.
        let wanted = match wanted {
            Format::Json if !allowed.contains(&Format::Json) => Format::GeoJson,
            Format::GeoJson if !allowed.contains(&Format::GeoJson) => Format::Json,
            w => w,
        };
        if !allowed.contains(&wanted) {
            let offered: Vec<&str> = allowed.iter().map(|a| a.param()).collect();
            return Err(ApiError::bad(format!(
                "f={f} is not offered here (offered: {})",
                offered.join(", ")
            )));
        }
        return Ok(wanted);
    }
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(default);
    };
    let mut ranges: Vec<(f32, usize, &str)> = accept
        .split(',')
        .enumerate()
        .map(|(i, part)| {
            let mut pieces = part.split(';');
            let media = pieces.next().unwrap_or("").trim();
            let q = pieces
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (q, i, media)
        })
        .filter(|(q, _, _)| *q > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, _, media) in ranges {
        let m = media.to_ascii_lowercase();
        let candidates: &[Format] = match m.as_str() {
            "text/html" | "application/xhtml+xml" => &[Format::Html],
            "application/geo+json" => &[Format::GeoJson, Format::Json],
            "application/json" | "application/vnd.oai.openapi+json" => {
                &[Format::Json, Format::GeoJson]
            }
            "application/city+json" => &[Format::CityJson],
            "application/city+json-seq" => &[Format::CityJsonSeq],
            "*/*" | "application/*" => return Ok(default),
            _ => &[],
        };
        if let Some(f) = candidates.iter().find(|c| allowed.contains(c)) {
            return Ok(*f);
        }
    }
    Err(ApiError::not_acceptable(format!(
        "none of the media types in Accept: {accept} is offered here"
    )))
}

/// A weak ETag from anything hashable.
pub fn etag(parts: impl Hash) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    env!("CARGO_PKG_VERSION").hash(&mut h);
    format!("W/\"{:016x}\"", h.finish())
}

/// `304 Not Modified` when the request's `If-None-Match` has `tag`.
pub fn not_modified(headers: &HeaderMap, tag: &str) -> Option<Response> {
    let inm = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let hit = inm.split(',').any(|t| {
        let t = t.trim();
        t == "*" || t == tag || t.trim_start_matches("W/") == tag.trim_start_matches("W/")
    });
    hit.then(|| {
        let mut r = StatusCode::NOT_MODIFIED.into_response();
        if let Ok(v) = HeaderValue::from_str(tag) {
            r.headers_mut().insert(header::ETAG, v);
        }
        r
    })
}

/// A response with a body, its media type and its ETag.
pub fn respond(format: Format, tag: &str, body: impl Into<axum::body::Body>) -> Response {
    let mut r = Response::new(body.into());
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    if let Ok(v) = HeaderValue::from_str(tag) {
        h.insert(header::ETAG, v);
    }
    r
}
