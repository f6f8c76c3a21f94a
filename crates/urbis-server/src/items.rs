//! `/collections/{id}/items` and `/collections/{id}/items/{featureId}`.

use crate::crs::{parse_crs, swap_axes, RequestCrs};
use crate::error::ApiError;
use crate::html::{esc, link, page, table};
use crate::negotiate::{etag, negotiate, not_modified, respond, Format};
use crate::pages::{load_collection, urlencode};
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use bytes::Bytes;
use std::fmt::Write as _;
use std::sync::Arc;
use urbis_store::{
    CmpOp, Collection, Fields, Filter, Item, Literal, Property, Query as StoreQuery,
};

/// Features: the items of a collection and one item.
pub(crate) fn routes() -> axum::Router<Arc<AppState>> {
    use axum::routing::get;
    axum::Router::new()
        .route("/collections/{collection}/items", get(items))
        .route("/collections/{collection}/items/{feature}", get(item))
}

/// Parameters the items resource defines; any other is a property filter (`?attr=value`).
const RESERVED: &[&str] = &[
    "f",
    "bbox",
    "bbox-crs",
    "crs",
    "limit",
    "offset",
    "datetime",
    "filter",
    "filter-lang",
    "filter-crs",
    "type",
];

/// The last value of a query parameter.
fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .rev()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// A `crs`-like parameter: CRS84 when absent.
fn crs_param(value: Option<&str>, native: Option<u32>) -> Result<RequestCrs, ApiError> {
    value.map_or(Ok(RequestCrs::Crs84), |v| parse_crs(v, native))
}

/// A parsed items request.
struct ItemsRequest {
    query: StoreQuery,
    format: Format,
    crs: RequestCrs,
    explicit_limit: bool,
}

fn number_list(s: &str, what: &str) -> Result<Vec<f64>, ApiError> {
    s.split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite())
                .ok_or_else(|| ApiError::bad(format!("{what}: '{v}' is not a number")))
        })
        .collect()
}

/// True for an RFC 3339 full date (`2020-02-29`) or date-time (`2020-02-29T12:00:00Z`,
/// fractions and offsets allowed) that exists in the calendar.
fn is_rfc3339(v: &str) -> bool {
    let num = |s: &str, len: usize| -> Option<u32> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
    };
    let (date, time) = match v.find(['T', 't', ' ']) {
        Some(i) => (&v[..i], Some(&v[i + 1..])),
        None => (v, None),
    };
    let mut parts = date.split('-');
    let (Some(y), Some(m), Some(d), None) = (
        parts.next().and_then(|p| num(p, 4)),
        parts.next().and_then(|p| num(p, 2)),
        parts.next().and_then(|p| num(p, 2)),
        parts.next(),
    ) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if d == 0 || d > days {
        return false;
    }
    let Some(time) = time else {
        return true;
    };
    // hh:mm:ss[.frac](Z|±hh:mm)
    let (clock, zone) = match time.find(['Z', 'z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => return false,
    };
    let zone_ok = matches!(zone, "Z" | "z")
        || (zone.len() == 6
            && num(&zone[1..3], 2).is_some_and(|h| h < 24)
            && &zone[3..4] == ":"
            && num(&zone[4..6], 2).is_some_and(|m| m < 60));
    let (hms, frac) = clock.split_once('.').unwrap_or((clock, "0"));
    let mut t = hms.split(':');
    let (Some(h), Some(mi), Some(s), None) = (
        t.next().and_then(|p| num(p, 2)),
        t.next().and_then(|p| num(p, 2)),
        t.next().and_then(|p| num(p, 2)),
        t.next(),
    ) else {
        return false;
    };
    zone_ok
        && h < 24
        && mi < 60
        && s <= 60
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn parse_datetime(s: &str) -> Result<[Option<String>; 2], ApiError> {
    let check = |v: &str| -> Result<Option<String>, ApiError> {
        if v.is_empty() || v == ".." {
            return Ok(None);
        }
        if is_rfc3339(v) {
            Ok(Some(v.to_string()))
        } else {
            Err(ApiError::bad(format!(
                "datetime: '{v}' is not an RFC 3339 date or time"
            )))
        }
    };
    match s.split_once('/') {
        Some((a, b)) => {
            let (a, b) = (check(a)?, check(b)?);
            if a.is_none() && b.is_none() {
                return Err(ApiError::bad(
                    "datetime: an interval needs at least one end",
                ));
            }
            if let (Some(x), Some(y)) = (&a, &b) {
                if x > y {
                    return Err(ApiError::bad(
                        "datetime: the interval ends before it starts",
                    ));
                }
            }
            Ok([a, b])
        }
        None => {
            let v = check(s)?.ok_or_else(|| ApiError::bad("datetime is empty"))?;
            Ok([Some(v.clone()), Some(v)])
        }
    }
}

fn parse_request(
    state: &AppState,
    c: &Collection,
    params: &[(String, String)],
    headers: &HeaderMap,
) -> Result<ItemsRequest, ApiError> {
    let get = |k: &str| param(params, k);
    let format = negotiate(
        get("f"),
        headers,
        &[
            Format::GeoJson,
            Format::Json,
            Format::Html,
            Format::CityJson,
            Format::CityJsonSeq,
        ],
        Format::GeoJson,
    )?;
    let format = if format == Format::Json {
        Format::GeoJson
    } else {
        format
    };
    let mut q = StoreQuery::default();
    let explicit_limit = get("limit").is_some();
    q.limit = match get("limit") {
        Some(l) => {
            let n: usize = l
                .trim()
                .parse()
                .map_err(|_| ApiError::bad(format!("limit: '{l}' is not a whole number")))?;
            if n == 0 {
                return Err(ApiError::bad("limit must be at least 1"));
            }
            n.min(state.config.max_limit)
        }
        None => state.config.default_limit,
    };
    if let Some(o) = get("offset") {
        q.offset = o
            .trim()
            .parse()
            .map_err(|_| ApiError::bad(format!("offset: '{o}' is not a whole number")))?;
    }
    let crs = crs_param(get("crs"), c.crs)?;
    if let Some(b) = get("bbox") {
        let n = number_list(b, "bbox")?;
        let (b2, z) = match n.as_slice() {
            [a, b, c, d] => ([*a, *b, *c, *d], None),
            [a, b, z0, c, d, z1] => ([*a, *b, *c, *d], Some([*z0, *z1])),
            _ => return Err(ApiError::bad("bbox needs 4 or 6 numbers")),
        };
        if b2[0] > b2[2] || b2[1] > b2[3] || z.is_some_and(|z| z[0] > z[1]) {
            return Err(ApiError::bad(
                "bbox: the lower corner must come first (boxes across the antimeridian are not supported)",
            ));
        }
        let bbox_crs = crs_param(get("bbox-crs"), c.crs)?;
        let native = match bbox_crs {
            RequestCrs::Native(_) => b2,
            other => {
                if other == RequestCrs::Crs84
                    && (b2[1] < -90.0 || b2[3] > 90.0 || b2[0] < -180.0 || b2[2] > 180.0)
                {
                    return Err(ApiError::bad(
                        "bbox: CRS84 longitudes must be within ±180 and latitudes within ±90",
                    ));
                }
                q.lonlat = Some(match other {
                    RequestCrs::Epsg4326 => [b2[1], b2[0], b2[3], b2[2]],
                    _ => b2,
                });
                state
                    .converters
                    .bbox_to_native(other, c.crs, b2)
                    .ok_or_else(|| {
                        ApiError::bad("bbox cannot be converted to the collection's CRS")
                    })?
            }
        };
        let (z0, z1) = z.map_or((f64::NEG_INFINITY, f64::INFINITY), |z| (z[0], z[1]));
        q.bbox = Some([native[0], native[1], z0, native[2], native[3], z1]);
    } else {
        crs_param(get("bbox-crs"), c.crs)?;
    }
    if let Some(d) = get("datetime") {
        q.datetime = Some(parse_datetime(d)?);
    }
    if let Some(t) = get("type") {
        q.types = t
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
    }
    let mut filters = Vec::new();
    if let Some(text) = get("filter") {
        let filter_crs = crs_param(get("filter-crs"), c.crs)?;
        let conv = &state.converters;
        let native = c.crs;
        let to_native = move |p: [f64; 2]| conv.to_native(filter_crs, native, p);
        let parsed = match get("filter-lang").unwrap_or("cql2-text") {
            "cql2-text" => crate::cql2::parse_text(text, &to_native),
            "cql2-json" => crate::cql2::parse_json(text, &to_native),
            other => {
                return Err(ApiError::bad(format!(
                    "filter-lang {other} is not supported (cql2-text, cql2-json)"
                )))
            }
        };
        let parsed = parsed.map_err(|e| ApiError::bad(format!("filter: {e}")))?;
        if let Some(unknown) = parsed
            .attributes()
            .into_iter()
            .find(|a| !c.attributes.iter().any(|k| k == a))
        {
            return Err(ApiError::bad(format!(
                "filter: unknown property '{unknown}': no feature of collection '{}' has it (the queryables are listed at /collections/{}/queryables)",
                c.id, c.id
            )));
        }
        filters.push(parsed);
    }
    for (k, v) in params {
        if RESERVED.contains(&k.as_str()) {
            continue;
        }
        let text = Filter::Compare(Property::named(k), CmpOp::Eq, Literal::Text(v.clone()));
        filters.push(match v.parse::<f64>() {
            Ok(n) if n.is_finite() => Filter::Or(vec![
                text,
                Filter::Compare(Property::named(k), CmpOp::Eq, Literal::Number(n)),
            ]),
            _ => text,
        });
    }
    q.filter = match filters.len() {
        0 => None,
        1 => filters.pop(),
        _ => Some(Filter::And(filters)),
    };
    q.fields = match (format, crs) {
        (Format::CityJson | Format::CityJsonSeq, _) => Fields::Body,
        (_, RequestCrs::Native(_)) => Fields::SummaryNative,
        _ => Fields::Summary,
    };
    if matches!(format, Format::CityJson | Format::CityJsonSeq)
        && !matches!(crs, RequestCrs::Native(_))
        && get("crs").is_some()
    {
        return Err(ApiError::bad(
            "CityJSON is served in the collection's own CRS only",
        ));
    }
    Ok(ItemsRequest {
        query: q,
        format,
        crs,
        explicit_limit,
    })
}

/// The current UTC time, RFC 3339 to the second (`2026-12-08T03:30:09Z`).
fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

fn geometry_for(item: &Item, crs: RequestCrs) -> String {
    match (&item.geometry, crs) {
        (Some(g), RequestCrs::Epsg4326) => swap_axes(g).unwrap_or_else(|| "null".into()),
        (Some(g), _) => g.clone(),
        (None, _) => "null".into(),
    }
}

fn write_feature(out: &mut String, item: &Item, crs: RequestCrs, links: Option<&str>) {
    out.push_str("{\"type\":\"Feature\",\"id\":");
    out.push_str(&serde_json::to_string(&item.id).unwrap_or_else(|_| "\"\"".into()));
    out.push_str(",\"geometry\":");
    out.push_str(&geometry_for(item, crs));
    out.push_str(",\"properties\":");
    out.push_str(if item.properties.is_empty() {
        "{}"
    } else {
        &item.properties
    });
    if let Some(l) = links {
        out.push_str(",\"links\":");
        out.push_str(l);
    }
    out.push('}');
}

/// The query string with `offset` replaced.
fn with_offset(params: &[(String, String)], offset: u64) -> String {
    let mut s = String::new();
    for (k, v) in params.iter().filter(|(k, _)| k != "offset") {
        let _ = write!(s, "{}={}&", urlencode(k), urlencode(v));
    }
    let _ = write!(s, "offset={offset}");
    s
}

fn content_crs(r: &mut Response, crs: RequestCrs) {
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", crs.uri())) {
        r.headers_mut()
            .insert(HeaderName::from_static("content-crs"), v);
    }
}

/// What the blocking part of an items request found.
enum Prepared {
    NotModified(Response),
    Stream(Collection, ItemsRequest, String),
    Page(Collection, ItemsRequest, String, urbis_store::Page),
}

/// `GET /collections/{collection}/items`.
pub async fn items(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    // One trip to a blocking thread: the collection, the request checked against it, the page.
    let (st, hdrs, ps, b) = (state.clone(), headers.clone(), params.clone(), base.clone());
    let prepared = state
        .blocking(move |s| {
            let c = s
                .collection(&id)?
                .ok_or_else(|| ApiError::not_found(format!("no collection \"{id}\"")))?;
            let req = parse_request(&st, &c, &ps, &hdrs)?;
            let tag = etag(("items", &b, &c.id, c.revision, &ps, req.format.param()));
            if let Some(r) = not_modified(&hdrs, &tag) {
                return Ok(Prepared::NotModified(r));
            }
            if req.format == Format::CityJsonSeq {
                return Ok(Prepared::Stream(c, req, tag));
            }
            let found = s.query(&c.id, &req.query)?;
            Ok(Prepared::Page(c, req, tag, found))
        })
        .await?;
    let (c, req, tag, found) = match prepared {
        Prepared::NotModified(r) => return Ok(r),
        Prepared::Stream(c, req, tag) => return Ok(stream_seq(&state, c, req, &tag).await),
        Prepared::Page(c, req, tag, found) => (c, req, tag, found),
    };
    let items_url = format!("{base}/collections/{}/items", urlencode(&c.id));
    let limit = req.query.limit as u64;
    let offset = req.query.offset;
    let mut links = vec![(
        format!("{items_url}?{}", with_offset(&params, offset)),
        "self",
    )];
    if found.more {
        links.push((
            format!("{items_url}?{}", with_offset(&params, offset + limit)),
            "next",
        ));
    }
    if offset > 0 {
        links.push((
            format!(
                "{items_url}?{}",
                with_offset(&params, offset.saturating_sub(limit))
            ),
            "prev",
        ));
    }
    let mut r = match req.format {
        Format::CityJson => {
            let header = c.header.clone();
            let bodies: Vec<Vec<u8>> = found.items.into_iter().filter_map(|i| i.body).collect();
            let doc = tokio::task::spawn_blocking(move || cityjson_page(&header, &bodies))
                .await
                .map_err(ApiError::internal)??;
            let mut r = respond(Format::CityJson, &tag, doc);
            let link: Vec<String> = links
                .iter()
                .map(|(href, rel)| {
                    format!("<{href}>; rel=\"{rel}\"; type=\"application/city+json\"")
                })
                .collect();
            if let Ok(v) = axum::http::HeaderValue::from_str(&link.join(", ")) {
                r.headers_mut().insert(axum::http::header::LINK, v);
            }
            r
        }
        Format::Html => {
            let mut body =
                String::from("<table><tr><th>id</th><th>type</th><th>properties</th></tr>");
            for item in &found.items {
                let props: String = serde_json::from_str::<serde_json::Value>(&item.properties)
                    .ok()
                    .and_then(|v| v.as_object().cloned())
                    .map(|m| {
                        m.iter()
                            .filter(|(k, _)| *k != "type")
                            .take(6)
                            .map(|(k, v)| format!("{k}: {v}"))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                let _ = write!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    link(
                        &format!(
                            "/collections/{}/items/{}?f=html",
                            urlencode(&c.id),
                            urlencode(&item.id)
                        ),
                        &item.id
                    ),
                    esc(&item.kind),
                    esc(&props)
                );
            }
            body.push_str("</table><p>");
            for (href, rel) in &links[1..] {
                let _ = write!(body, "{} ", link(&format!("{href}&f=html"), rel));
            }
            body.push_str("</p>");
            respond(
                Format::Html,
                &tag,
                page(
                    &format!(
                        "{}: features {}–{}",
                        c.title.as_deref().unwrap_or(&c.id),
                        offset + 1,
                        offset + found.items.len() as u64
                    ),
                    &body,
                ),
            )
        }
        _ => {
            let mut out = String::with_capacity(found.items.len() * 1024 + 1024);
            out.push_str("{\"type\":\"FeatureCollection\",\"features\":[");
            for (i, item) in found.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_feature(&mut out, item, req.crs, None);
            }
            let _ = write!(
                out,
                "],\"numberReturned\":{},\"timeStamp\":\"{}\",\"links\":[",
                found.items.len(),
                now_rfc3339()
            );
            for (i, (href, rel)) in links.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(
                    out,
                    "{{\"href\":{},\"rel\":\"{rel}\",\"type\":\"application/geo+json\"}}",
                    serde_json::to_string(href).unwrap_or_default()
                );
            }
            out.push_str("]}");
            respond(Format::GeoJson, &tag, out)
        }
    };
    content_crs(&mut r, req.crs);
    Ok(r)
}

/// One CityJSON document holding a page of features (as ldproxy offers `/items` in
/// `application/city+json`): the collection's header with the features' vertices merged and
/// their materials and textures de-duplicated, through the same writer as `urbis convert`.
fn cityjson_page(header_line: &str, bodies: &[Vec<u8>]) -> Result<Vec<u8>, ApiError> {
    use std::io::Write;
    let dir = tempfile::tempdir().map_err(ApiError::internal)?;
    let seq = dir.path().join("page.city.jsonl");
    let mut text = Vec::with_capacity(
        header_line.len() + bodies.iter().map(Vec::len).sum::<usize>() + bodies.len() + 1,
    );
    text.extend_from_slice(header_line.as_bytes());
    text.push(b'\n');
    for b in bodies {
        text.extend_from_slice(b);
        text.push(b'\n');
    }
    std::fs::File::create(&seq)
        .and_then(|mut f| f.write_all(&text))
        .map_err(ApiError::internal)?;
    let mut reader = urbis_cityjson::Reader::open(&seq).map_err(ApiError::internal)?;
    let header = reader.header().clone();
    let path = dir.path().join("page.city.json");
    let out = urbis_cityjson::Output::create(&path).map_err(ApiError::internal)?;
    let mut writer =
        urbis_cityjson::Writer::new(out, urbis_cityjson::OutputFormat::CityJson, &header)
            .map_err(ApiError::internal)?;
    while let Some(batch) = reader.next_batch().map_err(ApiError::internal)? {
        writer.write_batch(&batch).map_err(ApiError::internal)?;
    }
    writer.finish().map_err(ApiError::internal)?;
    std::fs::read(&path).map_err(ApiError::internal)
}

/// Streams CityJSONSeq: the collection's header line, then one line per matching feature.
async fn stream_seq(
    state: &Arc<AppState>,
    c: Collection,
    req: ItemsRequest,
    tag: &str,
) -> Response {
    let (send, receive) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(8);
    let store = state.store.clone();
    let permits = state.permits.clone();
    let mut query = req.query;
    let limit = req.explicit_limit.then_some(query.limit);
    query.limit = usize::MAX;
    let header = c.header.clone();
    tokio::spawn(async move {
        let Ok(_permit) = permits.acquire_owned().await else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || {
            let mut chunk = Vec::with_capacity(1 << 16);
            chunk.extend_from_slice(header.as_bytes());
            chunk.push(b'\n');
            let mut sent = 0usize;
            let result = store.scan(&c.id, &query, &mut |item| {
                if let Some(body) = item.body {
                    chunk.extend_from_slice(&body);
                    chunk.push(b'\n');
                    sent += 1;
                }
                if chunk.len() >= 1 << 16 {
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(1 << 16));
                    if send.blocking_send(Ok(Bytes::from(full))).is_err() {
                        return Ok(false); // the client went away
                    }
                }
                Ok(limit.is_none_or(|l| sent < l))
            });
            match result {
                Ok(()) => {
                    let _ = send.blocking_send(Ok(Bytes::from(chunk)));
                }
                Err(e) => {
                    tracing::error!("streaming {}: {e}", c.id);
                    let _ = send.blocking_send(Err(std::io::Error::other(e.to_string())));
                }
            }
        })
        .await;
    });
    let stream = futures_util::stream::unfold(receive, |mut r| async move {
        r.recv().await.map(|item| (item, r))
    });
    let mut r = respond(Format::CityJsonSeq, tag, Body::from_stream(stream));
    content_crs(&mut r, req.crs);
    r
}

/// `GET /collections/{collection}/items/{feature}`.
pub async fn item(
    State(state): State<Arc<AppState>>,
    Path((id, feature)): Path<(String, String)>,
    headers: HeaderMap,
    Query(params): Query<Vec<(String, String)>>,
) -> Result<Response, ApiError> {
    let base = state.base(&headers);
    let c = load_collection(&state, id).await?;
    let get = |k: &str| param(&params, k);
    let format = negotiate(
        get("f"),
        &headers,
        &[
            Format::GeoJson,
            Format::Json,
            Format::Html,
            Format::CityJson,
            Format::CityJsonSeq,
        ],
        Format::GeoJson,
    )?;
    let format = if format == Format::Json {
        Format::GeoJson
    } else {
        format
    };
    let crs = crs_param(get("crs"), c.crs)?;
    let tag = etag((
        "item",
        &base,
        &c.id,
        c.revision,
        &feature,
        &params,
        format.param(),
    ));
    if let Some(r) = not_modified(&headers, &tag) {
        return Ok(r);
    }
    let fields = match (format, crs) {
        (Format::CityJson | Format::CityJsonSeq, _) => Fields::Body,
        (_, RequestCrs::Native(_)) => Fields::SummaryNative,
        _ => Fields::Summary,
    };
    let (collection, wanted) = (c.id.clone(), feature.clone());
    let found = state
        .blocking(move |s| Ok(s.get(&collection, &wanted, fields)?))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "no feature \"{feature}\" in collection \"{}\"",
                c.id
            ))
        })?;
    let self_url = format!(
        "{base}/collections/{}/items/{}",
        urlencode(&c.id),
        urlencode(&found.id)
    );
    let mut r = match format {
        Format::CityJson => {
            let mut r = respond(format, &tag, found.body.unwrap_or_default());
            if let Ok(v) = HeaderValue::from_str(&format!(
                "<{base}/collections/{}?f=cityjson>; rel=\"describedby\"; type=\"application/city+json\"",
                urlencode(&c.id)
            )) {
                r.headers_mut().insert(axum::http::header::LINK, v);
            }
            r
        }
        Format::CityJsonSeq => {
            let mut body = c.header.clone().into_bytes();
            body.push(b'\n');
            body.extend_from_slice(&found.body.unwrap_or_default());
            body.push(b'\n');
            respond(format, &tag, body)
        }
        Format::Html => {
            let mut rows = vec![
                ("id".to_string(), found.id.clone()),
                ("type".to_string(), found.kind.clone()),
            ];
            if let Ok(serde_json::Value::Object(m)) = serde_json::from_str(&found.properties) {
                rows.extend(
                    m.iter()
                        .filter(|(k, _)| *k != "type")
                        .map(|(k, v)| (k.clone(), v.to_string())),
                );
            }
            let body = format!(
                "{}<p>{} · {} · {}</p>",
                table(&rows),
                link(&format!("{self_url}?f=geojson"), "GeoJSON"),
                link(&format!("{self_url}?f=cityjson"), "CityJSON"),
                link(
                    &format!("/collections/{}/items?f=html", urlencode(&c.id)),
                    "all features"
                )
            );
            respond(format, &tag, page(&found.id, &body))
        }
        _ => {
            let links = format!(
                "[{{\"href\":{},\"rel\":\"self\",\"type\":\"application/geo+json\"}},{{\"href\":{},\"rel\":\"alternate\",\"type\":\"application/city+json\"}},{{\"href\":{},\"rel\":\"collection\",\"type\":\"application/json\"}}]",
                serde_json::to_string(&self_url).unwrap_or_default(),
                serde_json::to_string(&format!("{self_url}?f=cityjson")).unwrap_or_default(),
                serde_json::to_string(&format!("{base}/collections/{}", urlencode(&c.id))).unwrap_or_default()
            );
            let mut out = String::with_capacity(2048);
            write_feature(&mut out, &found, crs, Some(&links));
            respond(format, &tag, out)
        }
    };
    if matches!(format, Format::GeoJson | Format::Html) {
        content_crs(&mut r, crs);
    } else if let Some(code) = c.crs {
        content_crs(&mut r, RequestCrs::Native(code));
    }
    Ok(r)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'));
    }

    #[test]
    fn datetime_forms() {
        assert!(parse_datetime("2020-01-01").is_ok());
        assert!(parse_datetime("2020-01-01T00:00:00Z/..").is_ok());
        assert!(parse_datetime("../2020-01-01").is_ok());
        assert!(parse_datetime("../..").is_err());
        assert!(parse_datetime("2021-01-01/2020-01-01").is_err());
        assert!(parse_datetime("yesterday").is_err());
        assert!(parse_datetime("9999-99-99").is_err());
        assert!(parse_datetime("2021-02-29").is_err());
        assert!(parse_datetime("2020-02-29").is_ok());
        assert!(parse_datetime("2020-02-29T23:59:60.5+09:00").is_ok());
        assert!(parse_datetime("2020-02-29T24:00:00Z").is_err());
        assert!(parse_datetime("2020-02-29T12:00:00").is_err());
    }
}
