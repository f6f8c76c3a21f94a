//! The OGC API, request by request, against a SQLite store holding a synthetic city: good
//! requests and bad ones (unknown collection 404, bad bbox 400, limit capped, malformed CQL2
//! 400 with a message, injection attempts inert).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;
use urbis_model::synthetic::{features, header as city_header, CitySpec};
use urbis_store::{NewCollection, OnConflict, Record, RecordBuilder};

const SPEC: CitySpec = CitySpec {
    buildings: 60,
    seed: 3,
    origin: [84_000.0, 446_000.0],
};

struct Fixture {
    dir: tempfile::TempDir,
    router: axum::Router,
    records: Vec<Record>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(&dir.path().join("api.db"));
    let h = city_header(&SPEC);
    let builder = RecordBuilder::new(h.transform, Some(7415));
    let records: Vec<Record> = features(SPEC)
        .map(|f| builder.record(&f).unwrap())
        .collect();
    let mut tx = store
        .begin(&NewCollection {
            id: "delft".into(),
            title: Some("Synthetic Delft".into()),
            header: String::from_utf8(urbis_cityjson::header_line(&h))
                .unwrap()
                .trim_end()
                .into(),
            transform: h.transform,
            crs: Some(7415),
        })
        .unwrap();
    for r in &records {
        tx.put(r, OnConflict::Fail).unwrap();
    }
    tx.commit().unwrap();
    let config = urbis_server::Config {
        max_limit: 50,
        tiles_cache: Some(dir.path().join("tiles")),
        ..urbis_server::Config::default()
    };
    Fixture {
        router: urbis_server::router(store.clone(), config),
        records,
        dir,
    }
}

struct Reply {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

async fn get_with(f: &Fixture, uri: &str, headers: &[(&str, &str)]) -> Reply {
    let mut req = Request::builder()
        .uri(uri)
        .header(header::HOST, "example.org");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = f
        .router
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn get(f: &Fixture, uri: &str) -> Reply {
    get_with(f, uri, &[]).await
}

fn ids(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

fn expect_400(r: &Reply, mentions: &str) {
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    let v = r.json();
    assert_eq!(v["code"], "InvalidParameterValue");
    let d = v["description"].as_str().unwrap();
    assert!(d.contains(mentions), "{d}");
}

#[tokio::test]
async fn landing_conformance_and_api() {
    let f = fixture();
    let r = get(&f, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/json");
    let v = r.json();
    let rels: Vec<&str> = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "service-doc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rel} missing: {rels:?}");
    }
    assert!(v["links"][0]["href"]
        .as_str()
        .unwrap()
        .starts_with("http://example.org/"));
    let html = get_with(
        &f,
        "/",
        &[("accept", "text/html,application/xhtml+xml;q=0.9")],
    )
    .await;
    assert!(html.header("content-type").starts_with("text/html"));
    assert!(String::from_utf8_lossy(&html.body).contains("<a href=\"/collections?f=html\">"));
    let c = get(&f, "/conformance").await.json();
    let classes: Vec<&str> = c["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    for needed in [
        "conf/core",
        "conf/geojson",
        "conf/html",
        "conf/oas30",
        "features-2/1.0/conf/crs",
        "conf/filter",
        "cql2-text",
        "cql2-json",
    ] {
        assert!(
            classes
                .iter()
                .any(|c| c.ends_with(needed) || c.contains(needed)),
            "{needed}"
        );
    }
    let api = get(&f, "/api").await;
    assert!(api
        .header("content-type")
        .starts_with("application/vnd.oai.openapi+json"));
    let doc = api.json();
    assert_eq!(doc["openapi"], "3.0.3");
    assert!(
        doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]
            .as_array()
            .unwrap()
            .len()
            >= 10
    );
    assert_eq!(get(&f, "/api?f=html").await.status, StatusCode::OK);
    assert_eq!(get(&f, "/?f=xml").await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get_with(&f, "/", &[("accept", "image/png")]).await.status,
        StatusCode::NOT_ACCEPTABLE
    );
    let nowhere = get(&f, "/no/such/thing").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert_eq!(nowhere.json()["code"], "NotFound");
}

#[tokio::test]
async fn collections_and_unknown_collection() {
    let f = fixture();
    let v = get(&f, "/collections").await.json();
    let c = &v["collections"][0];
    assert_eq!(c["id"], "delft");
    assert_eq!(
        c["extent"]["spatial"]["crs"],
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    );
    let bbox = c["extent"]["spatial"]["bbox"][0].as_array().unwrap();
    assert!(bbox[0].as_f64().unwrap() > 4.3 && bbox[1].as_f64().unwrap() > 51.9);
    assert_eq!(
        c["storageCrs"],
        "http://www.opengis.net/def/crs/EPSG/0/7415"
    );
    assert_eq!(get(&f, "/collections/delft").await.json()["id"], "delft");
    let header = get(&f, "/collections/delft?f=cityjson").await;
    assert_eq!(header.header("content-type"), "application/city+json");
    assert_eq!(header.json()["transform"]["scale"][0], 0.001);
    for uri in [
        "/collections/nope",
        "/collections/nope/items",
        "/collections/nope/items/x",
        "/collections/nope/queryables",
    ] {
        let r = get(&f, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(r.json()["code"], "NotFound");
    }
    let q = get(&f, "/collections/delft/queryables").await.json();
    assert!(q["properties"]["geometry"].is_object());
    // JSON types, from the values stored.
    for (name, ty) in [
        ("measuredHeight", "number"),
        ("storeysAboveGround", "integer"),
        ("yearOfConstruction", "integer"),
        ("roofType", "string"),
        ("name", "string"),
    ] {
        assert_eq!(q["properties"][name]["type"], ty, "{name}: {q}");
    }
}

#[tokio::test]
async fn items_paging_and_limits() {
    let f = fixture();
    let r = get(&f, "/collections/delft/items").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), "application/geo+json");
    assert_eq!(
        r.header("content-crs"),
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    );
    let v = r.json();
    assert_eq!(v["numberReturned"], 10);
    let next = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap();
    let next_uri = next["href"]
        .as_str()
        .unwrap()
        .trim_start_matches("http://example.org");
    let second = get(&f, next_uri).await.json();
    assert_eq!(second["numberReturned"], 10);
    assert_ne!(ids(&v), ids(&second));
    // Above the maximum: capped, not refused.
    let capped = get(&f, "/collections/delft/items?limit=100000")
        .await
        .json();
    assert_eq!(capped["numberReturned"], 50);
    // Walk every page.
    let mut all = Vec::new();
    let mut uri = "/collections/delft/items?limit=25".to_string();
    loop {
        let page = get(&f, &uri).await.json();
        all.extend(ids(&page));
        match page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
        {
            Some(n) => {
                uri = n["href"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("http://example.org")
                    .to_string()
            }
            None => break,
        }
    }
    assert_eq!(all.len(), f.records.len());
    for bad in ["limit=0", "limit=-3", "limit=ten", "offset=-1", "offset=x"] {
        let r = get(&f, &format!("/collections/delft/items?{bad}")).await;
        expect_400(&r, bad.split('=').next().unwrap());
    }
    let feature = &v["features"][0];
    assert_eq!(feature["type"], "Feature");
    assert!(feature["geometry"]["type"]
        .as_str()
        .unwrap()
        .ends_with("Polygon"));
}

#[tokio::test]
async fn bbox_and_crs() {
    let f = fixture();
    let first = &f.records[0];
    let ll = first.lonlat.unwrap();
    let bbox = format!("{},{},{},{}", ll[0], ll[1], ll[2], ll[3]);
    let v = get(
        &f,
        &format!("/collections/delft/items?limit=50&bbox={bbox}"),
    )
    .await
    .json();
    let expected: Vec<String> = {
        let mut e: Vec<String> = f
            .records
            .iter()
            .filter(|r| {
                r.lonlat.is_some_and(|o| {
                    o[0] <= ll[2] && o[2] >= ll[0] && o[1] <= ll[3] && o[3] >= ll[1]
                })
            })
            .map(|r| r.id.clone())
            .collect();
        e.sort();
        e
    };
    assert_eq!(ids(&v), expected);
    // The same box with latitude first, as EPSG:4326 has it.
    let swapped = format!("{},{},{},{}", ll[1], ll[0], ll[3], ll[2]);
    let v4326 = get(&f, &format!("/collections/delft/items?limit=50&bbox={swapped}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326")).await.json();
    assert_eq!(ids(&v4326), expected);
    // Native coordinates.
    let b = first.bbox.unwrap();
    let native = format!("{},{},{},{}", b[0], b[1], b[3], b[4]);
    let vn = get(&f, &format!("/collections/delft/items?limit=50&bbox={native}&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/7415")).await.json();
    assert!(ids(&vn).contains(&first.id));
    // Output in EPSG:4326: latitude first, and said so.
    let r = get(
        &f,
        &format!(
            "/collections/delft/items/{}?crs=http://www.opengis.net/def/crs/EPSG/0/4326",
            first.id
        ),
    )
    .await;
    assert_eq!(
        r.header("content-crs"),
        "<http://www.opengis.net/def/crs/EPSG/0/4326>"
    );
    let p = &r.json()["geometry"]["coordinates"][0][0];
    assert!(
        p[0].as_f64().unwrap() > 50.0 && p[1].as_f64().unwrap() < 10.0,
        "{p}"
    );
    let rn = get(
        &f,
        &format!(
            "/collections/delft/items/{}?crs=http://www.opengis.net/def/crs/EPSG/0/7415",
            first.id
        ),
    )
    .await;
    assert!(
        rn.json()["geometry"]["coordinates"][0][0][0]
            .as_f64()
            .unwrap()
            > 80_000.0
    );
    for (bad, says) in [
        ("bbox=1,2,3", "4 or 6"),
        ("bbox=a,b,c,d", "not a number"),
        ("bbox=4.4,52,4.3,52.1", "lower corner"),
        ("bbox=4.3,52,4.4,95", "latitudes"),
        ("bbox=1,2,3,4&bbox-crs=EPSG:3857", "not offered"),
        (
            "crs=http://www.opengis.net/def/crs/EPSG/0/3857",
            "not offered",
        ),
        ("bbox=NaN,1,2,3", "not a number"),
    ] {
        expect_400(
            &get(&f, &format!("/collections/delft/items?{bad}")).await,
            says,
        );
    }
}

#[tokio::test]
async fn filters_and_injection() {
    let f = fixture();
    let count = |pred: &dyn Fn(&Value) -> bool| {
        f.records
            .iter()
            .filter(|r| pred(&serde_json::from_str(&r.properties).unwrap()))
            .count()
    };
    let offices = count(&|p| p["function"] == "office");
    assert!(offices > 0);
    let n = |v: Value| v["numberReturned"].as_u64().unwrap() as usize;
    let text = get(
        &f,
        "/collections/delft/items?limit=50&filter=function%20%3D%20%27office%27",
    )
    .await;
    assert_eq!(n(text.json()), offices);
    let plain = get(&f, "/collections/delft/items?limit=50&function=office")
        .await
        .json();
    assert_eq!(n(plain), offices);
    let numeric = get(&f, "/collections/delft/items?limit=50&storeysAboveGround=2")
        .await
        .json();
    assert_eq!(n(numeric), count(&|p| p["storeysAboveGround"] == 2));
    let json_filter = r#"{"op":"and","args":[{"op":">","args":[{"property":"measuredHeight"},9]},{"op":"like","args":[{"property":"roofType"},"10%"]}]}"#;
    let uri = format!(
        "/collections/delft/items?limit=50&filter-lang=cql2-json&filter={}",
        urlencode(json_filter)
    );
    assert_eq!(
        n(get(&f, &uri).await.json()),
        count(&|p| p["measuredHeight"].as_f64().is_some_and(|h| h > 9.0)
            && p["roofType"].as_str().is_some_and(|r| r.starts_with("10")))
    );
    let roads = get(&f, "/collections/delft/items?limit=50&type=Road")
        .await
        .json();
    assert_eq!(
        n(roads),
        f.records.iter().filter(|r| r.kind == "Road").count()
    );
    let between = format!(
        "/collections/delft/items?limit=50&filter={}",
        urlencode("yearOfConstruction BETWEEN 1950 AND 1999 AND type IN ('Building')")
    );
    assert_eq!(
        n(get(&f, &between).await.json()),
        count(&|p| p["yearOfConstruction"]
            .as_i64()
            .is_some_and(|y| (1950..=1999).contains(&y)))
    );
    let ll = f.records[0].lonlat.unwrap();
    let spatial = format!(
        "/collections/delft/items?limit=50&filter={}",
        urlencode(&format!(
            "S_INTERSECTS(geometry, POINT({} {}))",
            (ll[0] + ll[2]) / 2.0,
            (ll[1] + ll[3]) / 2.0
        ))
    );
    let hit = get(&f, &spatial).await.json();
    assert!(ids(&hit).contains(&f.records[0].id), "{hit}");
    assert!(n(hit) <= 2);
    // Malformed CQL2: 400 with what is wrong.
    for (bad, says) in [
        ("height >", "filter"),
        ("name LIKE", "filter"),
        ("(a = 1", "expected"),
        ("a = 'unterminated", "unterminated"),
        ("frobnicate(a) = 1", "not supported"),
    ] {
        expect_400(
            &get(
                &f,
                &format!("/collections/delft/items?filter={}", urlencode(bad)),
            )
            .await,
            says,
        );
    }
    expect_400(
        &get(&f, "/collections/delft/items?filter=a%3D1&filter-lang=sql").await,
        "filter-lang",
    );
    expect_400(
        &get(
            &f,
            &format!(
                "/collections/delft/items?filter-lang=cql2-json&filter={}",
                urlencode("{\"op\":\"=\"")
            ),
        )
        .await,
        "filter",
    );
    // Injection attempts are data: they match nothing and break nothing.
    for attack in [
        "function = 'x'' OR ''1''=''1'",
        "function = 'office''; DROP TABLE features; --'",
        "\"function\"\") OR 1=1 --\" = 'x'",
    ] {
        let r = get(
            &f,
            &format!(
                "/collections/delft/items?limit=50&filter={}",
                urlencode(attack)
            ),
        )
        .await;
        assert!(
            r.status == StatusCode::OK || r.status == StatusCode::BAD_REQUEST,
            "{attack}"
        );
        if r.status == StatusCode::OK {
            assert_eq!(n(r.json()), 0, "{attack}");
        }
    }
    let r = get(
        &f,
        &format!(
            "/collections/delft/items?limit=50&{}={}",
            urlencode("x') OR 1=1 --"),
            urlencode("' OR '1'='1")
        ),
    )
    .await;
    assert_eq!(n(r.json()), 0);
    // Everything is still there.
    let all = get(&f, "/collections/delft/items?limit=50").await.json();
    assert_eq!(n(all), 50);
    // datetime: no feature has a lifespan.
    assert_eq!(
        n(get(&f, "/collections/delft/items?datetime=2020-01-01/..")
            .await
            .json()),
        0
    );
    expect_400(
        &get(&f, "/collections/delft/items?datetime=yesterday").await,
        "datetime",
    );
}

#[tokio::test]
async fn a_page_of_items_as_one_cityjson_document() {
    let f = fixture();
    let page = get_with(
        &f,
        "/collections/delft/items?limit=5",
        &[("accept", "application/city+json")],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header("content-type"), "application/city+json");
    assert!(
        page.header("link").contains("rel=\"next\""),
        "{}",
        page.header("link")
    );
    let doc = page.json();
    assert_eq!(doc["type"], "CityJSON");
    assert_eq!(doc["version"], "2.0");
    let objects = doc["CityObjects"].as_object().unwrap();
    let top: Vec<&String> = objects
        .iter()
        .filter(|(_, o)| o.get("parents").is_none())
        .map(|(id, _)| id)
        .collect();
    assert_eq!(top.len(), 5, "{top:?}");
    // Every vertex index points into the merged list.
    let n = doc["vertices"].as_array().unwrap().len();
    assert!(n > 0);
    let mut stack: Vec<&Value> = objects.values().map(|o| &o["geometry"]).collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(o) => {
                if let Some(b) = o.get("boundaries") {
                    stack.push(b);
                }
            }
            Value::Number(i) => assert!((i.as_u64().unwrap() as usize) < n),
            _ => {}
        }
    }
    // The same as f=cityjson; features filtered as for GeoJSON.
    let by_f = get(&f, "/collections/delft/items?limit=5&f=cityjson").await;
    assert_eq!(by_f.json(), doc);
    let filtered = get(
        &f,
        "/collections/delft/items?f=cityjson&limit=50&filter=function%20%3D%20%27office%27",
    )
    .await
    .json();
    let geo = get(
        &f,
        "/collections/delft/items?limit=50&filter=function%20%3D%20%27office%27",
    )
    .await
    .json();
    let offices = geo["features"].as_array().unwrap().len();
    let top = filtered["CityObjects"]
        .as_object()
        .unwrap()
        .values()
        .filter(|o| o.get("parents").is_none())
        .count();
    assert_eq!(top, offices);
    // Unknown properties and impossible dates are 400s.
    expect_400(
        &get(&f, "/collections/delft/items?filter=nosuchthing%20%3D%201").await,
        "unknown property 'nosuchthing'",
    );
    expect_400(
        &get(&f, "/collections/delft/items?datetime=9999-99-99").await,
        "datetime",
    );
}

#[tokio::test]
async fn deeply_nested_filters_are_refused_and_the_server_keeps_serving() {
    let f = fixture();
    let text = format!("{}function = 'x'{}", "(".repeat(3000), ")".repeat(3000));
    let nots = format!("{}function = 'x'", "NOT ".repeat(3000));
    let leaf = r#"{"op":"=","args":[{"property":"function"},"x"]}"#;
    let json_deep = |depth: usize| {
        format!(
            "{}{leaf}{}",
            r#"{"op":"not","args":["#.repeat(depth),
            "]}".repeat(depth)
        )
    };
    for (lang, filter) in [
        ("cql2-text", text),
        ("cql2-text", nots),
        ("cql2-json", json_deep(100)),
        ("cql2-json", json_deep(700)),
    ] {
        let r = get(
            &f,
            &format!(
                "/collections/delft/items?filter-lang={lang}&filter={}",
                urlencode(&filter)
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{lang}");
        let d = r.json()["description"].as_str().unwrap().to_string();
        assert!(
            d.contains("nests more than") || d.contains("recursion limit"),
            "{d}"
        );
    }
    // Still serving.
    let r = get(&f, "/collections/delft/items?limit=5").await;
    assert_eq!(r.status, StatusCode::OK);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn single_items_in_every_encoding() {
    let f = fixture();
    let id = &f.records[0].id;
    let g = get(&f, &format!("/collections/delft/items/{id}")).await;
    assert_eq!(g.status, StatusCode::OK);
    let v = g.json();
    assert_eq!(v["id"], id.as_str());
    assert_eq!(v["properties"]["type"], "Building");
    assert!(v["links"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["rel"] == "collection"));
    let cj = get_with(
        &f,
        &format!("/collections/delft/items/{id}"),
        &[("accept", "application/city+json")],
    )
    .await;
    assert_eq!(cj.header("content-type"), "application/city+json");
    assert!(cj.header("link").contains("describedby"));
    let feature = cj.json();
    assert_eq!(feature["type"], "CityJSONFeature");
    assert!(feature["CityObjects"][id.as_str()].is_object());
    let seq = get(&f, &format!("/collections/delft/items/{id}?f=cityjsonseq")).await;
    let text = String::from_utf8(seq.body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        serde_json::from_str::<Value>(lines[0]).unwrap()["type"],
        "CityJSON"
    );
    let html = get(&f, &format!("/collections/delft/items/{id}?f=html")).await;
    assert!(String::from_utf8_lossy(&html.body).contains("measuredHeight"));
    let missing = get(&f, "/collections/delft/items/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "NotFound");
    // An error naming hostile input is JSON, never HTML a browser would run.
    let hostile = get(&f, "/collections/delft/items/%3Cscript%3E?f=html").await;
    assert_eq!(hostile.status, StatusCode::NOT_FOUND);
    assert_eq!(hostile.header("content-type"), "application/json");
}

#[tokio::test]
async fn whole_collection_streams_as_cityjsonseq() {
    let f = fixture();
    let r = get(&f, "/collections/delft/items?f=cityjsonseq").await;
    assert_eq!(r.header("content-type"), "application/city+json-seq");
    let text = String::from_utf8(r.body).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines.len(),
        f.records.len() + 1,
        "header plus every feature, no limit"
    );
    for l in &lines[1..] {
        assert_eq!(
            serde_json::from_str::<Value>(l).unwrap()["type"],
            "CityJSONFeature"
        );
    }
    let limited = get(&f, "/collections/delft/items?f=cityjsonseq&limit=3").await;
    assert_eq!(String::from_utf8(limited.body).unwrap().lines().count(), 4);
    expect_400(&get(&f, "/collections/delft/items?f=cityjsonseq&crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84").await, "own CRS");
}

#[tokio::test]
async fn etags_cors_and_gzip() {
    let f = fixture();
    let uri = "/collections/delft/items?limit=20";
    let first = get(&f, uri).await;
    let tag = first.header("etag").to_string();
    assert!(tag.starts_with("W/\""), "{tag}");
    let again = get_with(&f, uri, &[("if-none-match", &tag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let other = get_with(
        &f,
        "/collections/delft/items?limit=21",
        &[("if-none-match", &tag)],
    )
    .await;
    assert_eq!(other.status, StatusCode::OK);
    let cors = get_with(&f, uri, &[("origin", "https://viewer.example")]).await;
    assert_eq!(cors.header("access-control-allow-origin"), "*");
    let gz = get_with(&f, uri, &[("accept-encoding", "gzip")]).await;
    assert_eq!(gz.header("content-encoding"), "gzip");
    assert!(gz.body.len() < first.body.len());
}

fn tile_uris(tile: &Value, out: &mut Vec<String>) {
    if let Some(uri) = tile["content"]["uri"].as_str() {
        out.push(uri.to_string());
    }
    for c in tile["children"].as_array().into_iter().flatten() {
        tile_uris(c, out);
    }
}

#[tokio::test]
async fn three_d_tiles_are_built_cached_and_rebuilt_when_the_collection_changes() {
    let f = fixture();
    let first = get(&f, "/collections/delft/3dtiles/tileset.json").await;
    assert_eq!(
        first.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    let tileset = first.json();
    assert_eq!(tileset["asset"]["version"], "1.1");
    let mut uris = Vec::new();
    tile_uris(&tileset["root"], &mut uris);
    assert!(!uris.is_empty());
    for uri in &uris {
        let tile = get(&f, &format!("/collections/delft/3dtiles/{uri}")).await;
        assert_eq!(tile.status, StatusCode::OK, "{uri}");
        assert_eq!(tile.header("content-type"), "model/gltf-binary");
        assert_eq!(&tile.body[..4], b"glTF");
        let metadata = urbis_tiles::check::read_glb(&tile.body).unwrap();
        let ids = metadata.strings("id").unwrap();
        assert!(ids.iter().all(|id| f.records.iter().any(|r| &r.id == id)));
        let validation = metadata.strings("validation");
        assert!(
            validation.is_none(),
            "validation is off by default in Config"
        );
    }
    let etag = first.header("etag").to_string();
    let again = get_with(
        &f,
        "/collections/delft/3dtiles/tileset.json",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    for bad in [
        "tiles/..%2F..%2Fapi.db",
        "tiles/abc.glb",
        "tiles/0.json",
        "tiles/.glb",
    ] {
        let r = get(&f, &format!("/collections/delft/3dtiles/{bad}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{bad}");
    }
    assert_eq!(
        get(&f, "/collections/nope/3dtiles/tileset.json")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // A change to the collection (through another connection) gives new tiles.
    let writer = open_store(&f.dir.path().join("api.db"));
    let c = writer.collection("delft").unwrap().unwrap();
    let mut tx = writer
        .begin(&NewCollection {
            id: "delft".into(),
            title: None,
            header: c.header.clone(),
            transform: c.transform,
            crs: c.crs,
        })
        .unwrap();
    assert!(tx.delete(&f.records[0].id).unwrap());
    tx.commit().unwrap();
    let after = get(&f, "/collections/delft/3dtiles/tileset.json").await;
    assert_eq!(after.status, StatusCode::OK);
    assert_ne!(after.header("etag"), etag);
    let mut uris = Vec::new();
    tile_uris(&after.json()["root"], &mut uris);
    let mut ids = Vec::new();
    for uri in &uris {
        let tile = get(&f, &format!("/collections/delft/3dtiles/{uri}")).await;
        ids.extend(
            urbis_tiles::check::read_glb(&tile.body)
                .unwrap()
                .strings("id")
                .unwrap(),
        );
    }
    assert!(
        !ids.contains(&f.records[0].id),
        "the deleted feature is still in the tiles"
    );
    assert_eq!(ids.len(), f.records.len() - 1);
    let revisions = std::fs::read_dir(f.dir.path().join("tiles/delft"))
        .unwrap()
        .count();
    assert_eq!(revisions, 1, "the old revision's tiles are removed");
}

#[tokio::test]
async fn the_viewer_page_and_its_missing_cesium() {
    let f = fixture();
    let page = get(&f, "/viewer").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(String::from_utf8_lossy(&page.body).contains("/viewer/cesium/Cesium.js"));
    assert_eq!(get(&f, "/viewer/app.js").await.status, StatusCode::OK);
    let cesium = get(&f, "/viewer/cesium/Cesium.js").await;
    assert_eq!(cesium.status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&cesium.body).contains("npm ci --prefix viewer"));
    let landing = get(&f, "/?f=html").await;
    assert!(String::from_utf8_lossy(&landing.body).contains("/viewer"));
}

/// The sunlight heat map: computed once per revision, placed where the city is, a PNG that
/// shows both sun and shadow.
#[tokio::test]
async fn sunlight_heat_map_for_the_viewer() {
    let f = fixture();
    let info = get(&f, "/collections/delft/sun").await;
    assert_eq!(
        info.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&info.body)
    );
    let v = info.json();
    assert_eq!(v["window_hours"], 6.0);
    let r: Vec<f64> = v["rectangle"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // SPEC's origin (84000, 446000 in RD) lies near 4.35 E, 52.00 N.
    assert!(r[0] < r[2] && r[1] < r[3], "{r:?}");
    assert!(
        (r[0] - 4.35).abs() < 0.05 && (r[1] - 52.0).abs() < 0.05,
        "{r:?}"
    );
    let mean = v["mean_hours"].as_f64().unwrap();
    assert!(mean > 0.0 && mean < 6.0, "shadows and sun both: {mean}");
    let png = get(&f, "/collections/delft/sun.png").await;
    assert_eq!(png.status, StatusCode::OK);
    assert_eq!(png.header("content-type"), "image/png");
    assert_eq!(&png.body[1..4], b"PNG");
    let missing = get(&f, "/collections/nope/sun").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// A new SQLite store at `path`, opened the one way every store is opened.
fn open_store(path: &std::path::Path) -> Arc<dyn urbis_store::Store> {
    let url = path.to_str().unwrap();
    urbis_stores::open(url, urbis_stores::Mode::Create).unwrap()
}
