//! The landing page, conformance, the API definition, collections and queryables.

use crate::crs::{epsg_uri, CRS84};
use crate::error::ApiError;
use crate::html::{esc, link, page, table};
use crate::negotiate::{etag, negotiate, not_modified, respond, Format};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use urbis_store::Collection;

/// The landing page, conformance, the OpenAPI document, collections and queryables.
pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    use axum::routing::get;
    axum::Router::new()
        .route("/", get(landing))
        .route("/conformance", get(conformance))
        .route("/api", get(api))
        .route("/collections", get(collections))
        .route("/collections/{collection}", get(collection))
        .route("/collections/{collection}/queryables", get(queryables))
        .fallback(not_found)
}

type Params = Query<HashMap<String, String>>;

/// The conformance classes urbis implements.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
];

fn l(href: String, rel: &str, media: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": media, "title": title})
}

fn json_or_html(
    headers: &HeaderMap,
    params: &HashMap<String, String>,
    tag: &str,
    json_body: impl FnOnce() -> Value,
    html_title: &str,
    html_body: impl FnOnce() -> String,
) -> Result<Response, ApiError> {
    let format = negotiate(
        params.get("f").map(String::as_str),
        headers,
        &[Format::Json, Format::Html],
        Format::Json,
    )?;
    let tag = etag((tag, format.param()));
    if let Some(r) = not_modified(headers, &tag) {
        return Ok(r);
    }
    Ok(match format {
        Format::Html => respond(format, &tag, page(html_title, &html_body())),
        _ => respond(format, &tag, json_body().to_string()),
    })
}

/// `GET /`.
pub async fn landing(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let title = state.config.title.clone();
    let links = vec![
        l(
            format!("{base}/"),
            "self",
            "application/json",
            "this document",
        ),
        l(
            format!("{base}/?f=html"),
            "alternate",
            "text/html",
            "this document as HTML",
        ),
        l(
            format!("{base}/api"),
            "service-desc",
            "application/vnd.oai.openapi+json;version=3.0",
            "the API definition",
        ),
        l(
            format!("{base}/api?f=html"),
            "service-doc",
            "text/html",
            "the API documentation",
        ),
        l(
            format!("{base}/conformance"),
            "conformance",
            "application/json",
            "conformance classes",
        ),
        l(
            format!("{base}/collections"),
            "data",
            "application/json",
            "the collections",
        ),
        l(
            format!("{base}/viewer"),
            "related",
            "text/html",
            "the 3D viewer (CesiumJS over the collections' 3D Tiles)",
        ),
    ];
    json_or_html(
        &headers,
        &params,
        &format!("landing{base}"),
        || json!({"title": title, "description": "City models served by urbis (OGC API - Features, CityJSON).", "links": links}),
        &state.config.title,
        || {
            format!(
                "<p>City models served by urbis through OGC API – Features.</p><ul>\
                 <li>{}</li><li>{}</li><li>{}</li><li>{}</li></ul>",
                link("/viewer", "3D viewer"),
                link("/collections?f=html", "Collections"),
                link("/api?f=html", "API definition"),
                link("/conformance?f=html", "Conformance classes")
            )
        },
    )
}

/// `GET /conformance`.
pub async fn conformance(headers: HeaderMap, Query(params): Params) -> Result<Response, ApiError> {
    json_or_html(
        &headers,
        &params,
        "conformance",
        || json!({"conformsTo": CONFORMANCE}),
        "Conformance",
        || {
            let items: String = CONFORMANCE
                .iter()
                .map(|c| format!("<li>{}</li>", esc(c)))
                .collect();
            format!("<ul>{items}</ul>")
        },
    )
}

/// `GET /api`: the OpenAPI 3.0 document (or a page pointing to it).
pub async fn api(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let format = negotiate(
        params.get("f").map(String::as_str),
        &headers,
        &[Format::Json, Format::Html],
        Format::Json,
    )?;
    // The CRSs the collections offer (CRS84, EPSG:4326 and each storage CRS) are the values
    // the crs parameters take.
    let mut storage: Vec<u32> = state
        .blocking(|s| Ok(s.collections()?))
        .await?
        .iter()
        .filter_map(|c| c.crs)
        .collect();
    storage.sort_unstable();
    storage.dedup();
    let tag = etag((
        "api",
        &base,
        format.param(),
        state.config.max_limit,
        &storage,
    ));
    if let Some(r) = not_modified(&headers, &tag) {
        return Ok(r);
    }
    let doc = crate::openapi::document(&base, &state.config, &storage);
    Ok(match format {
        Format::Html => {
            let mut rows = String::new();
            if let Some(paths) = doc["paths"].as_object() {
                for (p, v) in paths {
                    let summary = v["get"]["summary"].as_str().unwrap_or("");
                    rows.push_str(&format!(
                        "<tr><td><code>GET {}</code></td><td>{}</td></tr>",
                        esc(p),
                        esc(summary)
                    ));
                }
            }
            respond(
                format,
                &tag,
                page(
                    "API definition",
                    &format!(
                        "<p>The OpenAPI 3.0 document: {}.</p><table>{rows}</table>",
                        link("/api?f=json", "/api?f=json")
                    ),
                ),
            )
        }
        _ => {
            let mut r = respond(format, &tag, doc.to_string());
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static(
                    "application/vnd.oai.openapi+json;version=3.0",
                ),
            );
            r
        }
    })
}

/// The JSON description of a collection.
pub fn collection_json(base: &str, c: &Collection) -> Value {
    let id = urlencode(&c.id);
    let items = format!("{base}/collections/{id}/items");
    let mut crs = vec![json!(CRS84), json!(epsg_uri(4326))];
    if let Some(code) = c.crs {
        if code != 4326 {
            crs.push(json!(epsg_uri(code)));
        }
    }
    let mut extent = serde_json::Map::new();
    if let Some(ll) = c.lonlat {
        extent.insert("spatial".into(), json!({"bbox": [ll], "crs": CRS84}));
    }
    if c.temporal.iter().any(Option::is_some) {
        extent.insert("temporal".into(), json!({"interval": [c.temporal], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}));
    }
    let mut v = json!({
        "id": c.id,
        "title": c.title.clone().unwrap_or_else(|| c.id.clone()),
        "description": format!("{} city features ({})", c.count, c.types.iter().map(|(t, n)| format!("{n} {t}")).collect::<Vec<_>>().join(", ")),
        "itemType": "feature",
        "crs": crs,
        "links": [
            l(format!("{base}/collections/{id}"), "self", "application/json", "this collection"),
            l(format!("{base}/collections/{id}?f=html"), "alternate", "text/html", "this collection as HTML"),
            l(items.clone(), "items", "application/geo+json", "features as GeoJSON"),
            l(format!("{items}?f=html"), "items", "text/html", "features as HTML"),
            l(format!("{items}?f=cityjsonseq"), "items", "application/city+json-seq", "features as CityJSONSeq"),
            l(format!("{base}/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", "application/schema+json", "queryables"),
            l(format!("{base}/collections/{id}?f=cityjson"), "describedby", "application/city+json", "the CityJSON header (transform, CRS, metadata) of the features"),
            l(format!("{base}/collections/{id}/3dtiles/tileset.json"), "http://www.opengis.net/def/rel/ogc/1.0/tileset-3dtiles", "application/json", "the features as 3D Tiles 1.1"),
            l(format!("{base}/viewer?collection={id}"), "related", "text/html", "the collection in the 3D viewer"),
        ],
    });
    if !extent.is_empty() {
        v["extent"] = Value::Object(extent);
    }
    if let Some(code) = c.crs {
        v["storageCrs"] = json!(epsg_uri(code));
    }
    v
}

/// Percent-encodes a path segment.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /collections`.
pub async fn collections(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let list = state.blocking(|s| Ok(s.collections()?)).await?;
    let revisions: Vec<(String, u64)> = list.iter().map(|c| (c.id.clone(), c.revision)).collect();
    json_or_html(
        &headers,
        &params,
        &format!("collections{base}{revisions:?}"),
        || {
            json!({
                "links": [l(format!("{base}/collections"), "self", "application/json", "this document"),
                          l(format!("{base}/collections?f=html"), "alternate", "text/html", "this document as HTML")],
                "collections": list.iter().map(|c| collection_json(&base, c)).collect::<Vec<_>>(),
            })
        },
        "Collections",
        || {
            let mut s =
                String::from("<table><tr><th>Collection</th><th>Features</th><th>CRS</th></tr>");
            for c in &list {
                s.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    link(
                        &format!("/collections/{}?f=html", urlencode(&c.id)),
                        c.title.as_deref().unwrap_or(&c.id)
                    ),
                    c.count,
                    c.crs.map(|c| format!("EPSG:{c}")).unwrap_or_default()
                ));
            }
            s.push_str("</table>");
            s
        },
    )
}

/// Reads a collection or answers 404.
pub async fn load_collection(state: &Arc<AppState>, id: String) -> Result<Collection, ApiError> {
    let shown = id.clone();
    state
        .blocking(move |s| Ok(s.collection(&id)?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no collection \"{shown}\"")))
}

/// `GET /collections/{collection}`.
pub async fn collection(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let c = load_collection(&state, id).await?;
    if params.get("f").map(String::as_str) == Some("cityjson") {
        let tag = etag(("header", &c.id, c.revision));
        if let Some(r) = not_modified(&headers, &tag) {
            return Ok(r);
        }
        return Ok(respond(Format::CityJson, &tag, c.header.clone()));
    }
    json_or_html(
        &headers,
        &params,
        &format!("collection{base}{}{}", c.id, c.revision),
        || collection_json(&base, &c),
        c.title.as_deref().unwrap_or(&c.id),
        || {
            let mut rows = vec![
                ("Features".to_string(), c.count.to_string()),
                (
                    "CRS".to_string(),
                    c.crs
                        .map(|c| format!("EPSG:{c}"))
                        .unwrap_or("unknown".into()),
                ),
            ];
            for (t, n) in &c.types {
                rows.push((format!("{t} features"), n.to_string()));
            }
            if let Some(ll) = c.lonlat {
                rows.push((
                    "Extent (CRS84)".into(),
                    format!("{:.6}, {:.6} – {:.6}, {:.6}", ll[0], ll[1], ll[2], ll[3]),
                ));
            }
            rows.push(("Attributes".into(), c.attributes.join(", ")));
            let items = format!("/collections/{}/items", urlencode(&c.id));
            format!(
                "{}<p>{} · {} · {}</p>",
                table(&rows),
                link(&format!("{items}?f=html"), "Browse the features"),
                link(&items, "GeoJSON"),
                link(&format!("{items}?f=cityjsonseq"), "CityJSONSeq")
            )
        },
    )
}

/// `GET /collections/{collection}/queryables`: a JSON Schema of the filterable properties.
pub async fn queryables(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(params): Params,
    uri: Uri,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let c = load_collection(&state, id).await?;
    let mut props = serde_json::Map::new();
    props.insert(
        "id".into(),
        json!({"title": "feature id", "type": "string"}),
    );
    props.insert("type".into(), json!({"title": "CityObject type", "type": "string", "enum": c.types.iter().map(|(t, _)| t.clone()).collect::<Vec<_>>()}));
    props.insert(
        "geometry".into(),
        json!({"title": "footprint", "format": "geometry-any"}),
    );
    for a in &c.attributes {
        props.entry(a.clone()).or_insert_with(|| {
            match c.attribute_types.get(a).and_then(|t| t.json_schema_type()) {
                Some(t) => json!({"title": a, "type": t}),
                // Values of several types (or only nulls so far): any JSON value.
                None => json!({"title": a}),
            }
        });
    }
    let names: Vec<String> = props.keys().cloned().collect();
    json_or_html(
        &headers,
        &params,
        &format!("queryables{base}{}{}{uri}", c.id, c.revision),
        || {
            json!({
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "$id": format!("{base}/collections/{}/queryables", urlencode(&c.id)),
                "type": "object",
                "title": c.title.clone().unwrap_or_else(|| c.id.clone()),
                "properties": props,
                "additionalProperties": true,
            })
        },
        "Queryables",
        || {
            let items: String = names
                .iter()
                .map(|n| format!("<li><code>{}</code></li>", esc(n)))
                .collect();
            format!("<ul>{items}</ul>")
        },
    )
}

/// Anything else: 404 in OGC form.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!("nothing at {}", uri.path()))
}
