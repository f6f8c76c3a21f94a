//! The backend-independent test suite: every [`Store`] backend runs [`run_all`] from its own
//! tests (`run_all(&|| Box::new(MyStore::open_temporary()))`). Each check starts from a new,
//! empty store made by the factory and panics with a message on failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::{
    CmpOp, Fields, Filter, Literal, NewCollection, OnConflict, Property, PutOutcome, Query, Record,
    RecordBuilder, Region, Store, StoreError,
};
use urbis_model::synthetic::{features, header, CitySpec};
use urbis_model::{CityObject, CityObjectType, Feature};

/// Makes a new, empty store.
pub type Factory<'a> = &'a dyn Fn() -> Box<dyn Store>;

/// One named check of the suite.
type Check = (&'static str, fn(Factory));

/// Every check, in order; the name of each is printed as it runs.
pub fn run_all(make: Factory) {
    let checks: [Check; 13] = [
        ("empty store", empty_store),
        ("commit makes features visible", commit_makes_visible),
        (
            "dropped transaction leaves nothing",
            rollback_leaves_nothing,
        ),
        ("get by feature and child id", get_by_ids),
        ("bbox and type queries", bbox_and_type_queries),
        ("attribute filters", attribute_filters),
        ("paging and scanning", paging_and_scanning),
        ("on-conflict modes", on_conflict_modes),
        ("deletes", deletes),
        ("hostile strings are data", hostile_strings_are_data),
        ("integrity check", integrity_check),
        ("set-crs places a collection", set_crs_places_a_collection),
        (
            "a collection streams back as features",
            collection_streams_back,
        ),
    ];
    for (name, check) in checks {
        eprintln!("store suite: {name}");
        check(make);
    }
}

const SPEC: CitySpec = CitySpec {
    buildings: 40,
    seed: 7,
    origin: [84_000.0, 446_000.0],
};

fn new_collection(id: &str) -> NewCollection {
    let h = header(&SPEC);
    NewCollection {
        id: id.into(),
        title: Some(format!("Test {id}")),
        header: "{\"type\":\"CityJSON\",\"version\":\"2.0\",\"transform\":{\"scale\":[0.001,0.001,0.001],\"translate\":[0,0,0]},\"CityObjects\":{},\"vertices\":[]}".into(),
        transform: h.transform,
        crs: Some(7415),
    }
}

/// The synthetic city's features, the first building with a BuildingPart child.
fn city() -> Vec<Feature> {
    let mut all: Vec<Feature> = features(SPEC).collect();
    let first = &mut all[0];
    let mut part = CityObject::new("part-of-0", CityObjectType::BuildingPart);
    part.parents = vec![first.id.clone()];
    part.geometry = first.objects[0].geometry.clone();
    first.objects[0].children.push(part.id.clone());
    first.objects.push(part);
    all
}

fn records() -> Vec<Record> {
    let b = RecordBuilder::new(header(&SPEC).transform, Some(7415));
    city().iter().map(|f| b.record(f).unwrap()).collect()
}

fn load(store: &dyn Store, id: &str) -> Vec<Record> {
    let records = records();
    let mut tx = store.begin(&new_collection(id)).unwrap();
    for r in &records {
        assert_eq!(tx.put(r, OnConflict::Fail).unwrap(), PutOutcome::Inserted);
    }
    let summary = tx.commit().unwrap();
    assert_eq!(summary.inserted, records.len() as u64);
    records
}

fn ids(store: &dyn Store, q: &Query) -> Vec<String> {
    let mut out = Vec::new();
    store
        .scan("c", q, &mut |item| {
            out.push(item.id);
            Ok(true)
        })
        .unwrap();
    out
}

fn filtered(store: &dyn Store, f: Filter) -> Vec<String> {
    ids(
        store,
        &Query {
            filter: Some(f),
            ..Query::default()
        },
    )
}

fn empty_store(make: Factory) {
    let s = make();
    assert!(s.collections().unwrap().is_empty());
    assert!(s.collection("c").unwrap().is_none());
    assert!(matches!(
        s.query("c", &Query::default()),
        Err(StoreError::NoCollection(_))
    ));
    assert!(s.get("c", "x", Fields::Body).unwrap().is_none());
}

fn commit_makes_visible(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    let c = s.collection("c").unwrap().expect("collection");
    assert_eq!(c.count, records.len() as u64);
    assert_eq!(c.crs, Some(7415));
    assert_eq!(c.title.as_deref(), Some("Test c"));
    assert!(c.revision >= 1);
    let bbox = c.bbox.expect("extent");
    for r in &records {
        let b = r.bbox.unwrap();
        assert!(b[0] >= bbox[0] && b[3] <= bbox[3] && b[2] >= bbox[2] && b[5] <= bbox[5]);
    }
    let ll = c.lonlat.expect("lonlat extent");
    assert!(
        ll[0] > 4.0 && ll[2] < 4.6 && ll[1] > 51.8 && ll[3] < 52.2,
        "{ll:?}"
    );
    assert!(c.attributes.iter().any(|a| a == "measuredHeight"));
    let buildings = c.types.iter().find(|(t, _)| t == "Building").unwrap().1;
    assert_eq!(buildings, 40);
    let again = load(s.as_ref(), "d");
    assert_eq!(s.collections().unwrap().len(), 2);
    assert_eq!(again.len(), records.len());
    let before = s.collection("c").unwrap().unwrap().revision;
    let mut tx = s.begin(&new_collection("c")).unwrap();
    tx.delete(&records[1].id).unwrap();
    tx.commit().unwrap();
    let after = s.collection("c").unwrap().unwrap();
    assert!(after.revision > before, "revision must grow");
    assert_eq!(after.count, records.len() as u64 - 1);
}

fn rollback_leaves_nothing(make: Factory) {
    let s = make();
    {
        let mut tx = s.begin(&new_collection("c")).unwrap();
        for r in records() {
            tx.put(&r, OnConflict::Replace).unwrap();
        }
        // Dropped without commit.
    }
    assert!(
        s.collection("c").unwrap().is_none(),
        "no collection appears"
    );
    let records = load(s.as_ref(), "c");
    {
        let mut tx = s.begin(&new_collection("c")).unwrap();
        tx.delete(&records[0].id).unwrap();
        let mut changed = records[2].clone();
        changed.properties = "{\"type\":\"Building\",\"x\":1}".into();
        tx.put(&changed, OnConflict::Replace).unwrap();
    }
    let c = s.collection("c").unwrap().unwrap();
    assert_eq!(c.count, records.len() as u64);
    let item = s
        .get("c", &records[2].id, Fields::Summary)
        .unwrap()
        .unwrap();
    assert_eq!(item.properties, records[2].properties);
}

fn get_by_ids(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    let first = &records[0];
    let item = s.get("c", &first.id, Fields::Body).unwrap().expect("by id");
    let unpacked = crate::body::unpack(&first.body).unwrap();
    assert_eq!(item.body.as_deref(), Some(&unpacked[..]));
    assert_eq!(item.kind, "Building");
    let by_child = s
        .get("c", "part-of-0", Fields::Body)
        .unwrap()
        .expect("by child");
    assert_eq!(by_child.id, first.id);
    let summary = s.get("c", &first.id, Fields::Summary).unwrap().unwrap();
    assert_eq!(summary.geometry, first.footprint);
    assert_eq!(summary.properties, first.properties);
    assert!(summary.body.is_none());
    let native = s
        .get("c", &first.id, Fields::SummaryNative)
        .unwrap()
        .unwrap();
    assert_eq!(native.geometry, first.footprint_native);
    assert!(s.get("c", "nope", Fields::Summary).unwrap().is_none());
    assert!(s
        .get("other", &first.id, Fields::Summary)
        .unwrap()
        .is_none());
}

fn bbox_and_type_queries(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    // The first building's extent, shrunk: only features meeting it come back.
    let b = records[0].bbox.unwrap();
    let cx = (b[0] + b[3]) / 2.0;
    let cy = (b[1] + b[4]) / 2.0;
    let q = Query {
        bbox: Some(Query::bbox_2d([cx - 0.5, cy - 0.5, cx + 0.5, cy + 0.5])),
        ..Query::default()
    };
    // Spatial queries need not come in storage order: compare sorted.
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let got = sorted(ids(s.as_ref(), &q));
    let expected: Vec<String> = sorted(
        records
            .iter()
            .filter(|r| {
                r.bbox.is_some_and(|e| {
                    e[0] <= cx + 0.5 && e[3] >= cx - 0.5 && e[1] <= cy + 0.5 && e[4] >= cy - 0.5
                })
            })
            .map(|r| r.id.clone())
            .collect(),
    );
    assert_eq!(got, expected);
    assert!(got.contains(&records[0].id));
    // 3D: a box above every roof finds nothing.
    let high = Query {
        bbox: Some([cx - 0.5, cy - 0.5, 500.0, cx + 0.5, cy + 0.5, 600.0]),
        ..Query::default()
    };
    assert!(ids(s.as_ref(), &high).is_empty());
    // The same box in CRS84 terms, through the stored CRS84 extents.
    let ll = records[0].lonlat.unwrap();
    let by_lonlat = Query {
        lonlat: Some(ll),
        ..Query::default()
    };
    let got = sorted(ids(s.as_ref(), &by_lonlat));
    assert!(got.contains(&records[0].id));
    let expected: Vec<String> = sorted(
        records
            .iter()
            .filter(|r| {
                r.lonlat.is_some_and(|e| {
                    e[0] <= ll[2] && e[2] >= ll[0] && e[1] <= ll[3] && e[3] >= ll[1]
                })
            })
            .map(|r| r.id.clone())
            .collect(),
    );
    assert_eq!(got, expected);
    // Paging a box covers each match once.
    let mut paged = Vec::new();
    let big = Query::bbox_2d([b[0] - 100.0, b[1] - 100.0, b[0] + 100.0, b[1] + 100.0]);
    let everything = sorted(ids(
        s.as_ref(),
        &Query {
            bbox: Some(big),
            ..Query::default()
        },
    ));
    assert!(everything.len() > 10);
    for offset in (0..everything.len() as u64 + 5).step_by(5) {
        let page = s
            .query(
                "c",
                &Query {
                    bbox: Some(big),
                    limit: 5,
                    offset,
                    ..Query::default()
                },
            )
            .unwrap();
        paged.extend(page.items.into_iter().map(|i| i.id));
    }
    assert_eq!(sorted(paged), everything);
    let roads = Query {
        types: vec!["Road".into()],
        ..Query::default()
    };
    let got = ids(s.as_ref(), &roads);
    assert!(!got.is_empty());
    assert_eq!(
        got.len(),
        records.iter().filter(|r| r.kind == "Road").count()
    );
    // A polygon region: a thin triangle through the first building only meets features it
    // touches, which the bbox alone would over-select.
    let tri = Region::polygon(vec![vec![
        [b[0] + 0.1, b[1] + 0.1],
        [b[0] + 0.2, b[1] + 0.1],
        [b[0] + 0.1, b[1] + 0.2],
    ]]);
    let got = filtered(s.as_ref(), Filter::Intersects(tri));
    assert!(got.contains(&records[0].id), "{got:?}");
    assert!(got.len() < 4, "{got:?}");
}

fn attribute_filters(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    let attr = |n: &str| Property::Attribute(n.into());
    let count = |pred: &dyn Fn(&serde_json::Value) -> bool| {
        records
            .iter()
            .filter(|r| pred(&serde_json::from_str(&r.properties).unwrap()))
            .count()
    };
    let offices = filtered(
        s.as_ref(),
        Filter::Compare(attr("function"), CmpOp::Eq, Literal::Text("office".into())),
    );
    assert_eq!(offices.len(), count(&|p| p["function"] == "office"));
    assert!(!offices.is_empty());
    let tall = filtered(
        s.as_ref(),
        Filter::Compare(attr("measuredHeight"), CmpOp::Gt, Literal::Number(10.0)),
    );
    assert_eq!(
        tall.len(),
        count(&|p| p["measuredHeight"].as_f64().is_some_and(|h| h > 10.0))
    );
    let between = filtered(
        s.as_ref(),
        Filter::Between(
            attr("yearOfConstruction"),
            Literal::Number(1950.0),
            Literal::Number(1999.0),
        ),
    );
    assert_eq!(
        between.len(),
        count(&|p| p["yearOfConstruction"]
            .as_i64()
            .is_some_and(|y| (1950..=1999).contains(&y)))
    );
    let like = filtered(s.as_ref(), Filter::Like(attr("name"), "Street %".into()));
    assert_eq!(like.len(), count(&|p| p["name"].is_string()));
    let like_case = filtered(s.as_ref(), Filter::Like(attr("name"), "street %".into()));
    assert!(like_case.is_empty(), "LIKE is case-sensitive");
    let in_list = filtered(
        s.as_ref(),
        Filter::In(
            Property::Id,
            vec![
                Literal::Text(records[3].id.clone()),
                Literal::Text(records[5].id.clone()),
            ],
        ),
    );
    assert_eq!(in_list, vec![records[3].id.clone(), records[5].id.clone()]);
    let no_height = filtered(s.as_ref(), Filter::IsNull(attr("measuredHeight")));
    assert_eq!(no_height.len(), count(&|p| p["measuredHeight"].is_null()));
    let not_building = filtered(
        s.as_ref(),
        Filter::Not(Box::new(Filter::Compare(
            Property::Type,
            CmpOp::Eq,
            Literal::Text("Building".into()),
        ))),
    );
    assert_eq!(not_building.len(), records.len() - 40);
    let either = filtered(
        s.as_ref(),
        Filter::Or(vec![
            Filter::Compare(attr("function"), CmpOp::Eq, Literal::Text("office".into())),
            Filter::Compare(Property::Type, CmpOp::Eq, Literal::Text("Road".into())),
        ]),
    );
    assert_eq!(
        either.len(),
        offices.len() + records.iter().filter(|r| r.kind == "Road").count()
    );
    assert!(filtered(s.as_ref(), Filter::Const(false)).is_empty());
}

fn paging_and_scanning(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = s
            .query(
                "c",
                &Query {
                    limit: 7,
                    offset,
                    ..Query::default()
                },
            )
            .unwrap();
        assert!(page.items.len() <= 7);
        offset += page.items.len() as u64;
        seen.extend(page.items.into_iter().map(|i| i.id));
        if !page.more {
            break;
        }
    }
    let all: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    assert_eq!(seen, all, "pages cover every feature once, in order");
    let mut stopped = 0;
    s.scan("c", &Query::default(), &mut |_| {
        stopped += 1;
        Ok(stopped < 3)
    })
    .unwrap();
    assert_eq!(stopped, 3);
    let mut bodies = 0;
    s.scan(
        "c",
        &Query {
            fields: Fields::Body,
            ..Query::default()
        },
        &mut |item| {
            assert!(item.body.is_some());
            bodies += 1;
            Ok(true)
        },
    )
    .unwrap();
    assert_eq!(bodies, records.len());
}

fn on_conflict_modes(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    let mut changed = records[0].clone();
    changed.properties = "{\"type\":\"Building\",\"v\":2}".into();
    let mut tx = s.begin(&new_collection("c")).unwrap();
    assert_eq!(
        tx.put(&changed, OnConflict::Skip).unwrap(),
        PutOutcome::Skipped
    );
    assert!(matches!(
        tx.put(&changed, OnConflict::Fail),
        Err(StoreError::Conflict { .. })
    ));
    assert_eq!(
        tx.put(&changed, OnConflict::Replace).unwrap(),
        PutOutcome::Replaced
    );
    // A feature that takes over a child id replaces the feature that held it.
    let mut thief = records[1].clone();
    thief.object_ids.push("part-of-0".into());
    assert_eq!(
        tx.put(&thief, OnConflict::Replace).unwrap(),
        PutOutcome::Replaced
    );
    tx.commit().unwrap();
    let c = s.collection("c").unwrap().unwrap();
    assert_eq!(
        c.count,
        records.len() as u64 - 1,
        "feature 0 was replaced away"
    );
    let holder = s.get("c", "part-of-0", Fields::Summary).unwrap().unwrap();
    assert_eq!(holder.id, records[1].id);
    assert!(s
        .get("c", &records[0].id, Fields::Summary)
        .unwrap()
        .is_none());
}

fn deletes(make: Factory) {
    let s = make();
    let records = load(s.as_ref(), "c");
    load(s.as_ref(), "d");
    let mut tx = s.begin(&new_collection("c")).unwrap();
    assert!(tx.delete("part-of-0").unwrap(), "deleting by a child id");
    assert!(!tx.delete("nope").unwrap());
    tx.commit().unwrap();
    assert!(s
        .get("c", &records[0].id, Fields::Summary)
        .unwrap()
        .is_none());
    assert!(s
        .get("d", &records[0].id, Fields::Summary)
        .unwrap()
        .is_some());
    assert!(s.delete_collection("c").unwrap());
    assert!(!s.delete_collection("c").unwrap());
    assert!(s.collection("c").unwrap().is_none());
    assert_eq!(
        s.collection("d").unwrap().unwrap().count,
        records.len() as u64
    );
}

fn hostile_strings_are_data(make: Factory) {
    let s = make();
    load(s.as_ref(), "c");
    let hostile = [
        "x' OR '1'='1",
        "\"); DROP TABLE features; --",
        "$.a') OR 1=1 --",
        "name\" OR \"1\"=\"1",
    ];
    for h in hostile {
        for f in [
            Filter::Compare(
                Property::Attribute("function".into()),
                CmpOp::Eq,
                Literal::Text(h.into()),
            ),
            Filter::Like(Property::Id, h.into()),
        ] {
            assert!(filtered(s.as_ref(), f).is_empty(), "{h}");
        }
        // As a property name it is either refused or matches nothing.
        match s.query(
            "c",
            &Query {
                filter: Some(Filter::IsNull(Property::Attribute(h.into()))),
                ..Query::default()
            },
        ) {
            Ok(page) => assert!(page.items.len() <= 10),
            Err(StoreError::BadQuery(_)) => {}
            Err(e) => panic!("{h}: {e}"),
        }
        assert!(s.get("c", h, Fields::Summary).unwrap().is_none());
        assert!(s.collection(h).unwrap().is_none());
    }
    assert_eq!(
        s.collection("c").unwrap().unwrap().count,
        records().len() as u64
    );
}

fn integrity_check(make: Factory) {
    let s = make();
    assert!(s.check().unwrap().is_empty());
    load(s.as_ref(), "c");
    assert_eq!(s.check().unwrap(), Vec::<String>::new());
}

fn set_crs_places_a_collection(make: Factory) {
    let s = make();
    // Stored without a CRS: no longitude/latitude anywhere.
    let b = RecordBuilder::new(header(&SPEC).transform, None);
    let unplaced: Vec<Record> = city().iter().map(|f| b.record(f).unwrap()).collect();
    let mut tx = s
        .begin(&NewCollection {
            crs: None,
            ..new_collection("c")
        })
        .unwrap();
    for r in &unplaced {
        tx.put(r, OnConflict::Fail).unwrap();
    }
    tx.commit().unwrap();
    let before = s.collection("c").unwrap().unwrap();
    assert_eq!((before.crs, before.lonlat), (None, None));

    let change = crate::set_crs(s.as_ref(), "c", 7415, false).unwrap();
    assert_eq!(change.previous, None);
    assert_eq!(change.features, unplaced.len() as u64);
    let after = s.collection("c").unwrap().unwrap();
    assert_eq!(after.crs, Some(7415));
    assert_eq!(after.count, before.count);
    assert!(after.header.contains("EPSG/0/7415"), "{}", after.header);
    assert!(after.revision > before.revision);
    // Delft, as the records made with the CRS from the start say.
    let placed = records();
    let lon = placed
        .iter()
        .filter_map(|r| r.lonlat)
        .fold(f64::MAX, |m, l| m.min(l[0]));
    let [minlon, minlat, _, _] = after.lonlat.expect("a CRS84 extent");
    assert!((minlon - lon).abs() < 1e-9, "{minlon} vs {lon}");
    assert!((51.9..52.1).contains(&minlat), "{minlat}");
    assert_eq!(
        change.placed,
        placed.iter().filter(|r| r.lonlat.is_some()).count() as u64
    );
    let first = s.get("c", &placed[0].id, Fields::Summary).unwrap().unwrap();
    assert_eq!(first.lonlat, placed[0].lonlat);
    assert!(first.geometry.is_some());

    // Another CRS only with relabel; the refusal changes nothing.
    let refused = crate::set_crs(s.as_ref(), "c", 28992, false).unwrap_err();
    assert!(
        matches!(refused, StoreError::CrsAlreadySet { own: 7415, .. }),
        "{refused}"
    );
    assert!(refused.to_string().contains("--relabel"));
    assert_eq!(s.collection("c").unwrap().unwrap().crs, Some(7415));
    let relabelled = crate::set_crs(s.as_ref(), "c", 28992, true).unwrap();
    assert_eq!(relabelled.previous, Some(7415));
    assert_eq!(s.collection("c").unwrap().unwrap().crs, Some(28992));
    assert!(matches!(
        crate::set_crs(s.as_ref(), "none", 7415, false),
        Err(StoreError::NoCollection(_))
    ));
}

/// What `seq_reader` streams parses back into the stored features, in order (only those a
/// query selects, when it selects); a collection that is not there is an error, not an empty
/// stream.
fn collection_streams_back(make: Factory) {
    let store: std::sync::Arc<dyn Store> = make().into();
    load(store.as_ref(), "c");
    let read = |query: &Query| {
        let stream = crate::seq_reader(store.clone(), "c", query);
        let mut reader =
            urbis_cityjson::Reader::from_stream("<collection c>".as_ref(), Box::new(stream))
                .unwrap();
        reader.read_all().unwrap()
    };
    let all = read(&Query::default());
    let expected = city();
    assert_eq!(all.len(), expected.len());
    for (got, want) in all.iter().zip(&expected) {
        assert_eq!(got.id, want.id);
        assert_eq!(got.objects.len(), want.objects.len(), "{}", want.id);
        assert_eq!(got.vertices, want.vertices, "{}", want.id);
    }
    let roads = Query {
        types: vec!["Road".into()],
        ..Query::default()
    };
    let read_ids: Vec<String> = read(&roads).into_iter().map(|f| f.id).collect();
    assert!(!read_ids.is_empty() && read_ids.len() < all.len());
    assert_eq!(read_ids, ids(store.as_ref(), &roads));
    let missing = crate::seq_reader(store.clone(), "nothing", &Query::default());
    let e = urbis_cityjson::Reader::from_stream("<collection nothing>".as_ref(), Box::new(missing))
        .err()
        .expect("a missing collection read as if it were empty");
    assert!(e.to_string().contains("nothing"), "{e}");
}
