//! The sunlight heat map of a collection stored in a geographic CRS (degrees, as PLATEAU's
//! EPSG:6697 or EPSG:4979) is computed in metres and matches the map of the same city stored
//! in its projected CRS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;
use urbis_model::synthetic::{features, header as city_header, CitySpec};
use urbis_store::{NewCollection, OnConflict, RecordBuilder};

const SPEC: CitySpec = CitySpec {
    buildings: 60,
    seed: 3,
    origin: [84_000.0, 446_000.0],
};

/// Stores the synthetic city as `id` in EPSG:`crs` (reprojected from EPSG:7415 when needed).
fn store_city(store: &dyn urbis_store::Store, id: &str, crs: u32) {
    let mut header = city_header(&SPEC);
    let mut all: Vec<urbis_model::Feature> = features(SPEC).collect();
    if let Some((r, h)) = urbis_geom::FeatureReprojector::new(&header, crs).unwrap() {
        for f in &mut all {
            r.apply(f).unwrap();
        }
        header = h;
    }
    let builder = RecordBuilder::new(header.transform, Some(crs));
    let mut tx = store
        .begin(&NewCollection {
            id: id.into(),
            title: None,
            header: String::from_utf8(urbis_cityjson::header_line(&header))
                .unwrap()
                .trim_end()
                .into(),
            transform: header.transform,
            crs: Some(crs),
        })
        .unwrap();
    for f in &all {
        tx.put(&builder.record(f).unwrap(), OnConflict::Fail)
            .unwrap();
    }
    tx.commit().unwrap();
}

async fn sun(router: &axum::Router, id: &str) -> Value {
    let req = Request::builder()
        .uri(format!("/collections/{id}/sun"))
        .header(header::HOST, "example.org")
        .body(Body::empty())
        .unwrap();
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap()
}

#[tokio::test]
async fn a_geographic_collection_gets_the_sun_map_of_its_projected_twin() {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir.path().join("sun.db"));
    store_city(store.as_ref(), "projected", 7415);
    store_city(store.as_ref(), "lonlat", 4979);
    assert_eq!(store.collection("lonlat").unwrap().unwrap().crs, Some(4979));
    let router = urbis_server::router(store.clone(), urbis_server::Config::default());
    let (p, g) = (
        sun(&router, "projected").await,
        sun(&router, "lonlat").await,
    );
    // Where: the same rectangle on the globe, within a cell (2 m is about 3e-5°).
    for k in 0..4 {
        let (a, b) = (
            p["rectangle"][k].as_f64().unwrap(),
            g["rectangle"][k].as_f64().unwrap(),
        );
        assert!((a - b).abs() < 1e-4, "rectangle {k}: {p} vs {g}");
    }
    // What: cells of metres, not degrees (a grid of degrees would have a handful of cells),
    // and the same sunlight within 3%.
    let (cp, cg) = (p["cells"].as_f64().unwrap(), g["cells"].as_f64().unwrap());
    assert!((cp - cg).abs() / cp < 0.03, "cells {cp} vs {cg}");
    let (mp, mg) = (
        p["mean_hours"].as_f64().unwrap(),
        g["mean_hours"].as_f64().unwrap(),
    );
    assert!((mp - mg).abs() / mp < 0.03, "mean hours {mp} vs {mg}");
}

/// A new SQLite store at `path`, opened the one way every store is opened.
fn open_store(path: &std::path::Path) -> Arc<dyn urbis_store::Store> {
    let url = path.to_str().unwrap();
    urbis_stores::open(url, urbis_stores::Mode::Create).unwrap()
}
