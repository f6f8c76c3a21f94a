//! `/collections/{id}/sun` and `/collections/{id}/sun.png`: the ground sunlight heat map of a
//! collection for the viewer — direct-sun hours on 21 December (this year), 09:00–15:00 true
//! solar time, every 10 minutes, on a 2 m grid — computed on first request and kept in memory
//! per collection revision.

use crate::{ApiError, AppState};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use std::collections::HashMap;
use std::sync::Arc;
use urbis_analysis::sun::scene::SceneBuilder;
use urbis_analysis::sun::solar::{samples, Clock, Schedule};
use urbis_analysis::sun::study::{run, site, StudyOptions};
use urbis_analysis::LodChoice;
use urbis_source::{FeatureSource, SourceError};

/// A collection's sun map: what it shows, and the image.
pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    use axum::routing::get;
    axum::Router::new()
        .route("/collections/{collection}/sun", get(info))
        .route("/collections/{collection}/sun.png", get(image))
}

/// Grid cell, metres.
const CELL: f64 = 2.0;
/// Time step, minutes.
const STEP: f64 = 10.0;

/// One collection's heat map.
pub(crate) struct SunMap {
    png: bytes::Bytes,
    info: serde_json::Value,
}

/// Heat maps by collection, with the revision they were computed for.
#[derive(Default)]
pub(crate) struct SunCache {
    maps: tokio::sync::Mutex<HashMap<String, (u64, Arc<SunMap>)>>,
}

fn unprocessable(description: String) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "CannotAnalyse",
        description,
    }
}

async fn ensure(state: &Arc<AppState>, collection: &str) -> Result<Arc<SunMap>, ApiError> {
    let name = collection.to_string();
    let (revision, crs) = state
        .blocking(move |s| {
            s.collection(&name)?
                .map(|c| (c.revision, c.crs))
                .ok_or_else(|| ApiError::not_found(format!("no collection named \"{name}\"")))
        })
        .await?;
    // One computation at a time; later requests wait for it and then share it.
    let mut maps = state.sun.maps.lock().await;
    if let Some((r, map)) = maps.get(collection) {
        if *r == revision {
            return Ok(map.clone());
        }
    }
    let store = state.store.clone();
    let name = collection.to_string();
    let map = tokio::task::spawn_blocking(move || compute(store, &name, crs))
        .await
        .map_err(ApiError::internal)??;
    let map = Arc::new(map);
    maps.insert(collection.to_string(), (revision, map.clone()));
    Ok(map)
}

fn compute(
    store: Arc<dyn urbis_store::Store>,
    collection: &str,
    crs: Option<u32>,
) -> Result<SunMap, ApiError> {
    let code = crs.ok_or_else(|| {
        unprocessable(format!(
            "collection \"{collection}\" has no CRS: the site is unknown"
        ))
    })?;
    let started = std::time::Instant::now();
    let options = urbis_source::InputOptions::default();
    let source =
        FeatureSource::collection(store, collection, &urbis_store::Query::default(), &options)
            .map_err(ApiError::internal)?;
    // Geographic coordinates (degrees) are measured in metres in their UTM zone.
    let (mut source, utm) = source.in_metres().map_err(read_error)?;
    let code = utm.unwrap_or(code);
    let header = source.header().clone();
    let mut builder: Option<SceneBuilder> = None;
    while let Some(batch) = source.next_batch().map_err(read_error)? {
        for f in &batch {
            SceneBuilder::add_to(&mut builder, f, &header, &LodChoice::Highest);
        }
    }
    let scene = builder
        .ok_or_else(|| unprocessable(format!("collection \"{collection}\" is empty")))?
        .finish();
    let (lo, hi) = scene.bounds;
    let centre = [0, 1, 2].map(|k| scene.origin[k] + (lo[k] + hi[k]) / 2.0);
    let (lat, lon, convergence) = site(code, centre).map_err(|e| unprocessable(e.to_string()))?;
    let year = urbis_analysis::sun::solar::current_year();
    let schedule = Schedule {
        date: (year, 12, 21),
        from: 9.0 * 60.0,
        to: 15.0 * 60.0,
        step: STEP,
        clock: Clock::Solar,
    };
    let sun = samples(&schedule, lat, lon, convergence).map_err(ApiError::internal)?;
    let options = StudyOptions {
        grid: Some(CELL),
        extent: None,
        facade: None,
        facade_spacing: 1.0,
    };
    let study = run(&scene, None, &sun, STEP / 60.0, &options);
    let Some((grid, cells, _)) = &study.grid else {
        return Err(ApiError::internal("no ground grid"));
    };
    let hours: Vec<Option<f64>> = cells.iter().map(|e| e.map(|e| e.hours)).collect();
    let window = sun.len() as f64 * STEP / 60.0;
    let (png, rectangle) =
        urbis_analysis::sun::heatmap::lonlat_png(grid, &hours, window, scene.origin, code)
            .map_err(unprocessable)?;
    let sampled: Vec<f64> = hours.iter().flatten().copied().collect();
    let mean = sampled.iter().sum::<f64>() / sampled.len().max(1) as f64;
    tracing::info!(
        "sunlight of \"{collection}\": {} cells in {:.1} s",
        sampled.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(SunMap {
        png: bytes::Bytes::from(png),
        info: serde_json::json!({
            "date": format!("{year}-12-21"), "from": "09:00", "to": "15:00",
            "clock": "true solar time", "step_minutes": STEP, "cell": CELL,
            "window_hours": window, "mean_hours": mean, "cells": sampled.len(),
            "rectangle": rectangle, "site": {"latitude": lat, "longitude": lon},
            "image": "sun.png",
        }),
    })
}

/// `GET /collections/{id}/sun`: what the heat map shows and where it lies (`rectangle`:
/// west, south, east, north in degrees).
pub async fn info(
    State(state): State<Arc<AppState>>,
    Path(collection): Path<String>,
) -> Result<Response, ApiError> {
    let map = ensure(&state, &collection).await?;
    let mut r = Response::new(axum::body::Body::from(map.info.to_string()));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(r)
}

/// `GET /collections/{id}/sun.png`: the heat map, longitude/latitude, north up.
pub async fn image(
    State(state): State<Arc<AppState>>,
    Path(collection): Path<String>,
) -> Result<Response, ApiError> {
    let map = ensure(&state, &collection).await?;
    let mut r = Response::new(axum::body::Body::from(map.png.clone()));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    Ok(r)
}

/// A feature that cannot be reprojected is the data's fault (422); anything else the server's.
fn read_error(e: SourceError) -> ApiError {
    match e {
        SourceError::Reproject { .. } => unprocessable(e.to_string()),
        other => ApiError::internal(other),
    }
}
