//! The OpenAPI 3.0 document of the server (`/api`).

use crate::Config;
use serde_json::{json, Value};

fn response(description: &str, media: &[&str], schema: Value) -> Value {
    let content: serde_json::Map<String, Value> = media
        .iter()
        .map(|m| (m.to_string(), json!({"schema": schema})))
        .collect();
    json!({"description": description, "content": content})
}

fn errors() -> Value {
    json!({
        "400": {"$ref": "#/components/responses/InvalidParameter"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "406": {"$ref": "#/components/responses/NotAcceptable"},
        "500": {"$ref": "#/components/responses/ServerError"}
    })
}

fn op(summary: &str, id: &str, params: &[&str], ok: Value) -> Value {
    let mut responses = errors();
    responses["200"] = ok;
    json!({"get": {
        "summary": summary,
        "operationId": id,
        "parameters": params.iter().map(|p| json!({"$ref": format!("#/components/parameters/{p}")})).collect::<Vec<_>>(),
        "responses": responses,
    }})
}

/// The document, with `base` as the server URL; `storage` lists the collections' storage
/// CRSs (EPSG codes), which with CRS84 and EPSG:4326 are the values the CRS parameters take.
pub fn document(base: &str, config: &Config, storage: &[u32]) -> Value {
    let mut offered = vec![
        crate::crs::CRS84.to_string(),
        crate::crs::CRS84H.to_string(),
        crate::crs::epsg_uri(4326),
    ];
    offered.extend(
        storage
            .iter()
            .filter(|c| **c != 4326)
            .map(|c| crate::crs::epsg_uri(*c)),
    );
    let crs_param = |name: &str, what: &str| {
        json!({"name": name, "in": "query", "required": false,
               "description": format!("{what}: CRS84 (the default), EPSG:4326 or the collection's storage CRS (its `storageCrs`); a CRS another collection stores in is refused."),
               "schema": {"type": "string", "enum": offered}})
    };
    let object = json!({"type": "object"});
    let json_html = |d: &str| {
        response(
            d,
            &["application/json", "text/html"],
            json!({"type": "object"}),
        )
    };
    // Each encoding with its own schema: GeoJSON pages are FeatureCollections, a CityJSON page
    // is one CityJSON object, CityJSONSeq is text (JSON lines), HTML is text.
    let features = json!({
        "description": "The features",
        "content": {
            "application/geo+json": {"schema": {"$ref": "#/components/schemas/FeatureCollection"}},
            "text/html": {"schema": {"type": "string"}},
            "application/city+json": {"schema": {"type": "object", "required": ["type", "version", "CityObjects", "vertices"], "properties": {"type": {"type": "string", "enum": ["CityJSON"]}}}},
            "application/city+json-seq": {"schema": {"type": "string"}},
        }
    });
    let feature = response(
        "A feature",
        &[
            "application/geo+json",
            "text/html",
            "application/city+json",
            "application/city+json-seq",
        ],
        object.clone(),
    );
    let exception = json!({"$ref": "#/components/schemas/Exception"});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": config.title,
            "version": env!("CARGO_PKG_VERSION"),
            "description": "OGC API - Features (Parts 1, 2 and 3) served by urbis: city models as GeoJSON footprints, CityJSON and CityJSONSeq.",
            "license": {"name": "Apache-2.0"}
        },
        "servers": [{"url": base}],
        "paths": {
            "/": op("Landing page", "getLandingPage", &["f-page"], json_html("The landing page")),
            "/conformance": op("Conformance classes", "getConformance", &["f-page"], json_html("The conformance classes")),
            "/api": op("This API definition", "getApi", &["f-page"], response("The OpenAPI document", &["application/vnd.oai.openapi+json;version=3.0", "text/html"], object.clone())),
            "/collections": op("The collections", "getCollections", &["f-page"], json_html("The collections")),
            "/collections/{collectionId}": op("One collection", "describeCollection", &["collectionId", "f-collection"], response("The collection, or with f=cityjson its CityJSON header", &["application/json", "text/html", "application/city+json"], object.clone())),
            "/collections/{collectionId}/queryables": op("The properties a filter can use", "getQueryables", &["collectionId", "f-page"], response("A JSON Schema", &["application/schema+json", "application/json", "text/html"], object.clone())),
            "/collections/{collectionId}/items": op("Features of a collection", "getFeatures", &["collectionId", "f-features", "bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "filter", "filter-lang", "filter-crs", "type"], features),
            "/collections/{collectionId}/items/{featureId}": op("One feature", "getFeature", &["collectionId", "featureId", "f-features", "crs"], feature),
        },
        "components": {
            "parameters": {
                "f-page": {"name": "f", "in": "query", "required": false, "description": "The encoding (else the Accept header decides).", "schema": {"type": "string", "enum": ["json", "html"]}},
                "f-collection": {"name": "f", "in": "query", "required": false, "description": "The encoding (else the Accept header decides); cityjson gives the collection's CityJSON header.", "schema": {"type": "string", "enum": ["json", "html", "cityjson"]}},
                "f-features": {"name": "f", "in": "query", "required": false, "description": "The encoding (else the Accept header decides).", "schema": {"type": "string", "enum": ["json", "geojson", "html", "cityjson", "cityjsonseq"]}},
                "collectionId": {"name": "collectionId", "in": "path", "required": true, "schema": {"type": "string"}},
                "featureId": {"name": "featureId", "in": "path", "required": true, "description": "The id of a feature or of any city object in it.", "schema": {"type": "string"}},
                "bbox": {"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false, "description": "Features whose extent meets this box: 4 or 6 numbers in bbox-crs, the lower corner first (a box whose lower corner is not below its upper one is refused with 400; boxes across the antimeridian are not supported).", "schema": {"oneOf": [
                    {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
                    {"type": "array", "minItems": 6, "maxItems": 6, "items": {"type": "number"}}]}},
                "bbox-crs": crs_param("bbox-crs", "The CRS of bbox"),
                "crs": crs_param("crs", "The CRS of the answer's coordinates"),
                "limit": {"name": "limit", "in": "query", "required": false, "description": format!("At most this many features (larger values are capped to {}).", config.max_limit), "schema": {"type": "integer", "minimum": 1, "default": config.default_limit}},
                "offset": {"name": "offset", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "default": 0}},
                "datetime": {"name": "datetime", "in": "query", "required": false, "description": "An instant or interval (RFC 3339, `..` for open ends) the features' lifespans (creationDate, terminationDate) must meet; an impossible date is refused with 400.", "schema": {"type": "string", "pattern": "^(\\.\\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[^/]+)?)(/(\\.\\.|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[^/]+)?))?$"}},
                "filter": {"name": "filter", "in": "query", "required": false, "description": "A CQL2 expression (filter-lang); one that does not parse, or names a property the collection lacks (see its queryables), is refused with 400.", "schema": {"type": "string"}},
                "filter-lang": {"name": "filter-lang", "in": "query", "required": false, "schema": {"type": "string", "enum": ["cql2-text", "cql2-json"], "default": "cql2-text"}},
                "filter-crs": crs_param("filter-crs", "The CRS of the filter's geometries"),
                "type": {"name": "type", "in": "query", "required": false, "description": "CityObject types, comma-separated.", "schema": {"type": "string"}}
            },
            "schemas": {
                "Exception": {"type": "object", "required": ["code"], "properties": {"code": {"type": "string"}, "description": {"type": "string"}}},
                "FeatureCollection": {"type": "object", "required": ["type", "features"], "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": {"type": "object"}},
                    "links": {"type": "array", "items": {"type": "object"}},
                    "numberReturned": {"type": "integer", "minimum": 0},
                    "timeStamp": {"type": "string", "format": "date-time"}
                }}
            },
            "responses": {
                "InvalidParameter": {"description": "A parameter has a wrong value.", "content": {"application/json": {"schema": exception}}},
                "NotFound": {"description": "No such resource.", "content": {"application/json": {"schema": exception}}},
                "NotAcceptable": {"description": "None of the accepted media types is offered.", "content": {"application/json": {"schema": exception}}},
                "ServerError": {"description": "The server failed.", "content": {"application/json": {"schema": exception}}}
            }
        }
    })
}
