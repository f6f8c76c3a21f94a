//! Test support shared by the urbis crates' integration tests.
//!
//! - [`data_dir`]: the shared test data (`URBIS_TESTDATA`, else `../shared/data` beside the
//!   repository). Tests that need it skip with a message when it is absent, except under
//!   `CI=true`, where absence fails the test.
//! - [`canonical`]: a comparable form of a whole model (real coordinates, resolved semantics,
//!   materials and textures), so two encodings of the same model compare equal.
//! - [`SchemaOracle`]: the official CityJSON JSON Schemas, loaded from the data folder.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use urbis_cityjson::Reader;
use urbis_model::{Appearance, Feature, Geometry, GeometryType, Header};

/// The shared test data folder, if present.
pub fn data_dir() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("URBIS_TESTDATA") {
        let p = PathBuf::from(dir);
        return p.is_dir().then_some(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    p.is_dir().then(|| p.canonicalize().unwrap_or(p))
}

/// The data folder, or `None` after printing why the test is skipped. Under `CI=true` a
/// missing folder is a failure.
pub fn require_data(test: &str) -> Option<PathBuf> {
    match data_dir() {
        Some(d) => Some(d),
        None if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "{test}: the test data (../shared/data or URBIS_TESTDATA) is missing, and CI=true"
            )
        }
        None => {
            eprintln!("SKIPPED {test}: test data not found (set URBIS_TESTDATA or put shared/data beside the repository)");
            None
        }
    }
}

/// Files below `dir` whose names end with one of `suffixes`, sorted.
pub fn files(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if suffixes.iter().any(|s| p.to_string_lossy().ends_with(s)) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Reads a whole file with urbis's reader.
pub fn read(path: &Path) -> (Header, Vec<Feature>) {
    let mut r = Reader::open(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let header = r.header().clone();
    let features = r
        .read_all()
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    (header, features)
}

/// A model in comparable form: per object id, its content with real coordinates (in units of
/// `grid`, rounded) and every index resolved to what it points at.
pub fn canonical(header: &Header, features: &[Feature], grid: f64) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let t = header.transform;
    for f in features {
        let app = f.appearance.clone().unwrap_or_default();
        let coord = |i: u32| -> Value {
            let p = t.apply(f.vertices[i as usize]);
            json!([
                (p[0] / grid).round() as i64,
                (p[1] / grid).round() as i64,
                (p[2] / grid).round() as i64
            ])
        };
        for o in &f.objects {
            let mut parents = o.parents.clone();
            parents.sort();
            let mut children = o.children.clone();
            children.sort();
            let geometries: Option<Vec<Value>> = o
                .geometry
                .as_ref()
                .map(|gs| gs.iter().map(|g| geometry(g, &app, &coord)).collect());
            let address: Option<Vec<Value>> = o.address.as_ref().map(|a| {
                a.iter()
                    .map(|a| json!({"members": a.members, "location": a.location.as_ref().map(|g| geometry(g, &app, &coord))}))
                    .collect()
            });
            out.insert(
                o.id.clone(),
                json!({
                    "type": o.kind.as_str(),
                    "attributes": o.attributes,
                    "geographicalExtent": o.geographical_extent,
                    "parents": parents,
                    "children": children,
                    "geometry": geometries,
                    "address": address,
                    "extra": o.extra,
                }),
            );
        }
    }
    out
}

fn geometry(g: &Geometry, app: &Appearance, coord: &dyn Fn(u32) -> Value) -> Value {
    let b = &g.boundaries;
    let rings: Vec<Value> = if b.depth() == 1 {
        b.vertices.iter().map(|&v| coord(v)).collect()
    } else {
        (0..b.ring_count())
            .map(|r| Value::Array(b.ring(r).iter().map(|&v| coord(v)).collect()))
            .collect()
    };
    // The structure above rings, as offset lists.
    let structure = json!({"surfaces": b.surfaces, "shells": b.shells, "solids": b.solids});
    let semantics = g.semantics.as_ref().map(|s| {
        let resolve = |i: u32| -> Value {
            let Some(surface) = s.surfaces.get(i as usize) else { return Value::Null };
            json!({
                "type": surface.kind,
                "attributes": surface.attributes,
                "parent": surface.parent.and_then(|p| s.surfaces.get(p as usize)).map(|p| p.kind.clone()),
                "children": surface.children.len(),
            })
        };
        Value::Array(s.values.iter().map(|v| v.map(resolve).unwrap_or(Value::Null)).collect())
    });
    let material = |i: u32| {
        app.materials
            .get(i as usize)
            .map(|m| Value::Object((**m).clone()))
            .unwrap_or(Value::Null)
    };
    let materials: Map<String, Value> = g
        .materials
        .iter()
        .map(|m| {
            let per_primitive: Vec<Value> = match (&m.values, m.value) {
                (Some(vals), _) => vals
                    .iter()
                    .map(|v| v.map(material).unwrap_or(Value::Null))
                    .collect(),
                (None, Some(v)) => vec![material(v); b.primitive_count()],
                (None, None) => Vec::new(),
            };
            (m.theme.clone(), Value::Array(per_primitive))
        })
        .collect();
    let textures: Map<String, Value> = g
        .textures
        .iter()
        .map(|t| {
            let per_ring: Vec<Value> = t
                .ring_textures
                .iter()
                .enumerate()
                .map(|(r, tex)| match tex {
                    None => Value::Null,
                    Some(tex) => {
                        let range = b.rings[r] as usize..b.rings[r + 1] as usize;
                        let uvs: Vec<Value> = t.uvs[range]
                            .iter()
                            .map(|&uv| json!(app.vertices_texture.get(uv as usize)))
                            .collect();
                        json!({"texture": app.textures.get(*tex as usize).map(|t| &**t), "uv": uvs})
                    }
                })
                .collect();
            (t.theme.clone(), Value::Array(per_ring))
        })
        .collect();
    let instance = g
        .instance
        .as_ref()
        .map(|i| json!({"template": i.template, "matrix": i.transformation_matrix}));
    json!({
        "type": g.kind.as_str(),
        "lod": if g.kind == GeometryType::GeometryInstance { None } else { g.lod.clone() },
        "rings": rings,
        "structure": structure,
        "semantics": semantics,
        "materials": materials,
        "textures": textures,
        "instance": instance,
    })
}

/// Compares two canonical models; the error names the first differing object and member.
pub fn compare(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Result<(), String> {
    if a.len() != b.len() {
        let missing: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).take(5).collect();
        let extra: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).take(5).collect();
        return Err(format!(
            "{} objects vs {}; missing {missing:?}, extra {extra:?}",
            a.len(),
            b.len()
        ));
    }
    for (id, va) in a {
        let Some(vb) = b.get(id) else {
            return Err(format!("object {id} is missing"));
        };
        if va != vb {
            for key in [
                "type",
                "attributes",
                "geographicalExtent",
                "parents",
                "children",
                "geometry",
                "address",
                "extra",
            ] {
                if va[key] != vb[key] {
                    let sa = va[key].to_string();
                    let sb = vb[key].to_string();
                    let i = sa
                        .bytes()
                        .zip(sb.bytes())
                        .position(|(x, y)| x != y)
                        .unwrap_or(0);
                    let from = i.saturating_sub(60);
                    return Err(format!(
                        "object {id}: \"{key}\" differs at char {i}:\n  {}\n  {}",
                        &sa[from..(i + 120).min(sa.len())],
                        &sb[from.min(sb.len())..(i + 120).min(sb.len())]
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The official CityJSON schemas of one version, from `schemas/cityjson/<dir>`.
pub struct SchemaOracle {
    /// The CityJSON (whole document) schema.
    pub document: jsonschema::Validator,
    /// The CityJSONFeature schema (2.0 only).
    pub feature: Option<jsonschema::Validator>,
}

impl SchemaOracle {
    /// Loads the schemas of `version_dir` ("10", "11" or "20").
    pub fn load(data: &Path, version_dir: &str) -> SchemaOracle {
        let dir = data.join("schemas/cityjson").join(version_dir);
        // Every schema file of the version, registered under its own $id, so that the
        // relative references between them resolve offline.
        let mut schemas = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("schema folder").flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.ends_with(".schema.json") || (name.contains(".min.") && version_dir != "10") {
                continue;
            }
            let value: Value =
                serde_json::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
            let id = value
                .get("$id")
                .and_then(Value::as_str)
                .map(String::from)
                .unwrap_or_else(|| {
                    format!("https://www.cityjson.org/schemas/{version_dir}/{name}")
                });
            schemas.push((name, id, value));
        }
        let mut builder = jsonschema::Registry::new();
        for (_, id, value) in &schemas {
            builder = builder
                .add(id.as_str(), value.clone())
                .expect("schema resource");
        }
        let registry: &'static jsonschema::Registry<'static> =
            Box::leak(Box::new(builder.prepare().expect("schema registry")));
        let load = |name: &str| -> Option<jsonschema::Validator> {
            let (_, _, schema) = schemas.iter().find(|(n, _, _)| n == name)?;
            Some(
                jsonschema::options()
                    .with_registry(registry)
                    .build(schema)
                    .unwrap_or_else(|e| panic!("schema {name}: {e}")),
            )
        };
        SchemaOracle {
            document: load("cityjson.schema.json")
                .or_else(|| load("cityjson.min.schema.json"))
                .expect("cityjson.schema.json"),
            feature: load("cityjsonfeature.schema.json"),
        }
    }

    /// The schema errors of a CityJSON document (empty when valid), at most 5.
    pub fn document_errors(&self, doc: &Value) -> Vec<String> {
        self.document
            .iter_errors(doc)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect()
    }

    /// The schema errors of a CityJSONFeature.
    pub fn feature_errors(&self, doc: &Value) -> Vec<String> {
        match &self.feature {
            Some(v) => v
                .iter_errors(doc)
                .take(5)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Every CityJSON and CityJSONSeq file of the shared data that round-trip tests read:
/// `cityjson/`, `cityjsonseq/` and the corpus's conformance and operations cases.
pub fn round_trip_inputs(data: &Path) -> Vec<PathBuf> {
    let mut all = files(&data.join("cityjson"), &[".json"]);
    all.extend(files(&data.join("cityjsonseq"), &[".jsonl"]));
    let corpus = data.join("cityjson-corpus/cases");
    for dir in ["conformance", "operations"] {
        all.extend(
            files(&corpus.join(dir), &[".city.json", ".city.jsonl"])
                .into_iter()
                .filter(|p| !p.ends_with("case.json") && !p.ends_with("invariants.json")),
        );
    }
    all
}
