//! The schema and structure checks of one CityObject and its geometries.

use super::structure::{self, Refs};
use super::{is_numbers, Sink, Version};
use serde_json::Value;
use urbis_model::CityObjectType;

/// Checks one CityObject, its links and its geometries, and against the Extensions; gives
/// the largest indices it refers to outside itself (compared once the counts are known).
pub(super) fn check_object(id: &str, value: &Value, version: Version, sink: &mut Sink) -> Refs {
    let mut refs = Refs::default();
    let at = format!("/CityObjects/{id}");
    let Some(o) = value.as_object() else {
        sink.push(at, "a CityObject must be an object");
        return refs;
    };
    match o.get("type").and_then(Value::as_str) {
        None => sink.push(format!("{at}/type"), "\"type\" (a string) is required"),
        Some(t) => {
            let known = match version {
                Version::V20 => CityObjectType::parse(t),
                _ => CityObjectType::parse_legacy(t),
            };
            if known.is_none() {
                sink.push(
                    format!("{at}/type"),
                    format!("\"{t}\" is not a CityObject type"),
                );
            }
        }
    }
    let ids = |k: &str| -> Vec<String> {
        o.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    sink.links
        .push((id.to_string(), ids("children"), ids("parents")));
    for k in ["children", "parents"] {
        if let Some(v) = o.get(k) {
            let ok = v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
            if !ok {
                sink.push(
                    format!("{at}/{k}"),
                    format!("\"{k}\" must be an array of ids"),
                );
            }
        }
    }
    if let Some(ge) = o.get("geographicalExtent") {
        if !is_numbers(ge, 6) {
            sink.push(format!("{at}/geographicalExtent"), "must be 6 numbers");
        }
    }
    if let Some(a) = o.get("attributes") {
        if !a.is_object() {
            sink.push(
                format!("{at}/attributes"),
                "\"attributes\" must be an object",
            );
        }
    }
    if let Some(g) = o.get("geometry") {
        match g.as_array() {
            Some(gs) => {
                for (i, g) in gs.iter().enumerate() {
                    check_geometry(&format!("{at}/geometry/{i}"), g, version, sink, &mut refs);
                }
            }
            None => sink.push(format!("{at}/geometry"), "\"geometry\" must be an array"),
        }
    }
    let mut findings = Vec::new();
    sink.extensions.check_object(id, value, &mut findings);
    for (pointer, message) in findings {
        sink.structure(pointer, message);
    }
    refs
}

fn depth_of(kind: &str) -> Option<usize> {
    Some(match kind {
        "MultiPoint" => 1,
        "MultiLineString" => 2,
        "MultiSurface" | "CompositeSurface" => 3,
        "Solid" => 4,
        "MultiSolid" | "CompositeSolid" => 5,
        "GeometryInstance" => 1,
        _ => return None,
    })
}

/// Marks every vertex index in `v` (nested arrays) as used, and notes the largest.
fn mark_used(v: &Value, used: &mut Vec<u64>, max: &mut Option<u64>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| mark_used(x, used, max)),
        Value::Number(n) => {
            let Some(i) = n.as_u64() else {
                return;
            };
            structure::note(max, i);
            if i < (1 << 34) {
                let word = (i / 64) as usize;
                if used.len() <= word {
                    used.resize(word + 1, 0);
                }
                used[word] |= 1 << (i % 64);
            }
        }
        _ => {}
    }
}

/// Whether `v` is an array nested `depth` deep whose leaves pass `leaf`.
fn nested(v: &Value, depth: usize, leaf: &dyn Fn(&Value) -> bool) -> bool {
    match v.as_array() {
        Some(a) if depth == 1 => a.iter().all(leaf),
        Some(a) => a.iter().all(|x| nested(x, depth - 1, leaf)),
        None => false,
    }
}

/// A JSON Schema integer: any number without a fractional part (also beyond 64 bits).
pub(super) fn is_integer(v: &Value) -> bool {
    v.is_i64()
        || v.is_u64()
        || v.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

fn is_index(v: &Value) -> bool {
    v.is_u64()
}

fn is_index_or_null(v: &Value) -> bool {
    v.is_u64() || v.is_null()
}

fn check_geometry(at: &str, g: &Value, version: Version, sink: &mut Sink, refs: &mut Refs) {
    let Some(g) = g.as_object() else {
        sink.push(at, "a geometry must be an object");
        return;
    };
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(depth) = depth_of(kind) else {
        sink.push(
            format!("{at}/type"),
            format!("\"{kind}\" is not a geometry type"),
        );
        return;
    };
    if kind == "GeometryInstance" {
        if !g.get("template").is_some_and(Value::is_u64) {
            sink.push(
                format!("{at}/template"),
                "\"template\" (an index) is required",
            );
        }
        if !g
            .get("boundaries")
            .and_then(Value::as_array)
            .is_some_and(|b| b.len() == 1 && b[0].is_u64())
        {
            sink.push(format!("{at}/boundaries"), "must be one vertex index");
        } else if let Some(b) = g.get("boundaries") {
            mark_used(b, &mut sink.used, &mut refs.vertex);
        }
        if let Some(t) = g.get("template") {
            structure::note_all(t, &mut refs.template);
        }
        if !g
            .get("transformationMatrix")
            .is_some_and(|m| is_numbers(m, 16))
        {
            sink.push(format!("{at}/transformationMatrix"), "must be 16 numbers");
        }
        return;
    }
    match (g.get("lod"), version) {
        (None, _) => sink.push(format!("{at}/lod"), "\"lod\" is required"),
        (Some(l), Version::V10) => {
            if !l.as_f64().is_some_and(|x| (0.0..=3.5).contains(&x)) {
                sink.push(
                    format!("{at}/lod"),
                    "\"lod\" must be a number from 0 to 3.5",
                );
            }
        }
        (Some(l), _) => {
            let ok = l.as_str().is_some_and(|s| {
                let b = s.as_bytes();
                (b.len() == 1 && b[0].is_ascii_digit())
                    || (b.len() == 3
                        && b[0].is_ascii_digit()
                        && b[1] == b'.'
                        && b[2].is_ascii_digit())
            });
            if !ok {
                sink.push(
                    format!("{at}/lod"),
                    "\"lod\" must be a string like \"2\" or \"2.2\"",
                );
            }
        }
    }
    match g.get("boundaries") {
        Some(b) if nested(b, depth, &is_index) => {
            mark_used(b, &mut sink.used, &mut refs.vertex);
            let mut issues = Vec::new();
            structure::check_geometry(at, g, depth, refs, &mut issues);
            for (pointer, message) in issues {
                sink.structure(pointer, message);
            }
        }
        _ => sink.push(
            format!("{at}/boundaries"),
            format!(
                "\"boundaries\" of a {kind} must be arrays nested {depth} deep of vertex indices"
            ),
        ),
    }
    // Semantic values are one level less deep than the boundaries (none for MultiPoint:
    // one level).
    let values_depth = depth.saturating_sub(2).max(1);
    if let Some(s) = g.get("semantics") {
        let surfaces_ok = s
            .get("surfaces")
            .and_then(Value::as_array)
            .is_some_and(|ss| {
                ss.iter().all(|x| {
                    x.get("type").and_then(Value::as_str).is_some_and(|t| {
                        urbis_model::SEMANTIC_TYPES.contains(&t)
                            || (t.starts_with('+') && t.len() > 1)
                    })
                })
            });
        if !surfaces_ok {
            sink.push(
                format!("{at}/semantics/surfaces"),
                "each semantic surface needs a valid \"type\"",
            );
        }
        let values_ok = match s.get("values") {
            Some(Value::Null) => true,
            Some(v) => nested(v, values_depth, &is_index_or_null),
            None => false,
        };
        if !values_ok {
            sink.push(
                format!("{at}/semantics/values"),
                "\"values\" do not fit the geometry",
            );
        }
    }
    if let Some(m) = g.get("material") {
        let ok = m.as_object().is_some_and(|themes| {
            themes.values().all(|t| {
                t.get("value").is_some_and(Value::is_u64)
                    || t.get("values")
                        .is_some_and(|v| v.is_null() || nested(v, values_depth, &is_index_or_null))
            })
        });
        if !ok {
            sink.push(
                format!("{at}/material"),
                "material themes need a \"value\" or \"values\"",
            );
        }
    }
    if let Some(t) = g.get("texture") {
        let ok = t.as_object().is_some_and(|themes| {
            themes.values().all(|t| {
                t.get("values")
                    .is_some_and(|v| nested(v, depth, &is_index_or_null))
            })
        });
        if !ok {
            sink.push(
                format!("{at}/texture"),
                "texture \"values\" must be nested like the boundaries, of indices or null",
            );
        }
    }
    if version == Version::V10 {
        for k in g.keys() {
            if !matches!(
                k.as_str(),
                "type" | "lod" | "boundaries" | "semantics" | "material" | "texture"
            ) {
                sink.push(
                    format!("{at}/{k}"),
                    format!("\"{k}\" is not allowed in a 1.0 geometry"),
                );
            }
        }
    }
}
