//! A store collection and a file read through `FeatureSource` give the same features.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use urbis_model::synthetic::{features, header, CitySpec};
use urbis_model::{Crs, Feature};
use urbis_source::{FeatureSource, InputFormat, InputOptions, SourceError};
use urbis_store::{NewCollection, OnConflict, Query, RecordBuilder, Store};

const SPEC: CitySpec = CitySpec {
    buildings: 30,
    seed: 3,
    origin: [84_000.0, 446_000.0],
};

/// A store holding the synthetic city as collection "city" (EPSG:7415), and its features.
fn stored(dir: &std::path::Path) -> (Arc<dyn Store>, Vec<Feature>) {
    let url = dir.join("s.db");
    let store = urbis_stores::open(url.to_str().unwrap(), urbis_stores::Mode::Create).unwrap();
    let mut h = header(&SPEC);
    h.set_crs(&Crs::epsg(7415));
    let line = String::from_utf8(urbis_cityjson::header_line(&h)).unwrap();
    let all: Vec<Feature> = features(SPEC).collect();
    let builder = RecordBuilder::new(h.transform, Some(7415));
    let mut tx = store
        .begin(&NewCollection {
            id: "city".into(),
            title: None,
            header: line,
            transform: h.transform,
            crs: Some(7415),
        })
        .unwrap();
    for f in &all {
        tx.put(&builder.record(f).unwrap(), OnConflict::Fail)
            .unwrap();
    }
    tx.commit().unwrap();
    (store, all)
}

fn read_all(mut source: FeatureSource) -> Vec<Feature> {
    let mut out = Vec::new();
    while let Some(batch) = source.next_batch().unwrap() {
        out.extend(batch);
    }
    out
}

#[test]
fn a_collection_reads_back_as_the_features_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (store, all) = stored(dir.path());
    let options = InputOptions::default();
    let source =
        FeatureSource::collection(store.clone(), "city", &Query::default(), &options).unwrap();
    assert_eq!(source.format(), InputFormat::CityJsonSeq);
    assert_eq!(source.name(), "<collection city>");
    assert_eq!(
        source.header().crs().and_then(|c| c.epsg_code()),
        Some(7415)
    );
    let back = read_all(source);
    assert_eq!(back.len(), all.len());
    for (got, want) in back.iter().zip(&all) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.vertices, want.vertices, "{}", want.id);
    }
    // A query reads only what it selects.
    let roads = Query {
        types: vec!["Road".into()],
        ..Query::default()
    };
    let source = FeatureSource::collection(store.clone(), "city", &roads, &options).unwrap();
    let back = read_all(source);
    let want = all
        .iter()
        .filter(|f| f.root().is_some_and(|r| r.kind.as_str() == "Road"));
    assert_eq!(back.len(), want.count());
    assert!(!back.is_empty());
}

#[test]
fn a_missing_collection_is_the_stores_error() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = stored(dir.path());
    let e = FeatureSource::collection(store, "nope", &Query::default(), &InputOptions::default())
        .err()
        .expect("a missing collection opened");
    assert!(matches!(e, SourceError::Store(_)), "{e:?}");
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn a_geographic_collection_is_measured_in_its_utm_zone() {
    let dir = tempfile::tempdir().unwrap();
    let (store, all) = stored(dir.path());
    // Relabelling is not reprojecting: the projected collection gets no metric twin.
    let source = FeatureSource::collection(
        store.clone(),
        "city",
        &Query::default(),
        &InputOptions::default(),
    )
    .unwrap();
    let (same, utm) = source.in_metres().unwrap();
    assert_eq!(utm, None);
    assert_eq!(read_all(same).len(), all.len());

    // A file in EPSG:4979 (degrees) comes out in UTM zone 31N, in metres.
    let mut h = header(&SPEC);
    h.set_crs(&Crs::epsg(7415));
    let (r, geo) = urbis_geom::FeatureReprojector::new(&h, 4979)
        .unwrap()
        .unwrap();
    let path = dir.path().join("lonlat.city.jsonl");
    let out = urbis_cityjson::Output::create(&path).unwrap();
    let mut w =
        urbis_cityjson::Writer::new(out, urbis_cityjson::OutputFormat::CityJsonSeq, &geo).unwrap();
    let mut moved = all.clone();
    for f in &mut moved {
        r.apply(f).unwrap();
    }
    w.write_batch(&moved).unwrap();
    w.finish().unwrap();
    let source = FeatureSource::open(&path, &InputOptions::default()).unwrap();
    let (metric, utm) = source.in_metres().unwrap();
    assert_eq!(utm, Some(32631));
    let t = metric.header().transform;
    assert_eq!(
        metric.header().crs().and_then(|c| c.epsg_code()),
        Some(32631)
    );
    let back = read_all(metric);
    assert_eq!(back.len(), all.len());
    // Delft lies near 4.37° E, 52° N: about 600 km east and 5,760 km north in zone 31.
    let p = t.apply(back[0].vertices[0]);
    assert!((580_000.0..620_000.0).contains(&p[0]), "{p:?}");
    assert!((5_750_000.0..5_780_000.0).contains(&p[1]), "{p:?}");
}
