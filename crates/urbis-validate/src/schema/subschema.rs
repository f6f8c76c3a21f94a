//! A small JSON Schema (draft 7) evaluator for the schemas inside CityJSON Extensions.
//!
//! It covers the keywords Extensions use: `type`, `enum`, `const`, `properties`, `required`,
//! `additionalProperties`, `items`, `minItems`/`maxItems`, `minimum`/`maximum` (and the
//! exclusive ones), `minLength`/`maxLength`, `allOf`/`anyOf`/`oneOf`/`not` and `$ref` to
//! a place in the Extension file (`#/definitions/...`). References to the CityJSON schema
//! files themselves (`cityobjects.schema.json#/...`) are taken as satisfied, since urbis
//! checks those parts natively; a `oneOf` or `not` over such references is taken leniently.
//! `pattern`, `patternProperties` and `format` are not evaluated.

use serde_json::Value;

/// How deep `$ref`s and nesting may go (a guard against cyclic references).
const MAX_DEPTH: u32 = 64;

/// A schema with the document its local `$ref`s resolve in.
pub(super) struct Schema<'a> {
    /// The Extension file.
    pub root: &'a Value,
}

impl Schema<'_> {
    /// Checks `value` against `schema`; the first breach found, with the JSON pointer of the
    /// offending part relative to `value`.
    pub fn check(&self, schema: &Value, value: &Value) -> Result<(), String> {
        self.eval(schema, value, "", 0)
    }

    fn eval(&self, schema: &Value, v: &Value, at: &str, depth: u32) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("{at}: the schema nests too deep (cyclic $ref?)"));
        }
        let s = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(format!("{at}: not allowed here")),
            Value::Object(s) => s,
            _ => return Ok(()),
        };
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            return match r.strip_prefix('#') {
                Some(pointer) => match self.root.pointer(pointer) {
                    Some(target) => self.eval(target, v, at, depth + 1),
                    None => Err(format!("{at}: the schema's $ref \"{r}\" leads nowhere")),
                },
                None => Ok(()),
            };
        }
        if let Some(t) = s.get("type") {
            let fits = |t: &Value| t.as_str().is_some_and(|t| has_type(v, t));
            let ok = match t {
                Value::Array(ts) => ts.iter().any(fits),
                t => fits(t),
            };
            if !ok {
                return Err(format!("{at}: {} is not of type {t}", short(v)));
            }
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array) {
            if !e.iter().any(|x| same(x, v)) {
                return Err(format!(
                    "{at}: {} is not one of {}",
                    short(v),
                    short(&Value::Array(e.clone()))
                ));
            }
        }
        if let Some(c) = s.get("const") {
            if !same(c, v) {
                return Err(format!("{at}: {} is not {}", short(v), short(c)));
            }
        }
        if let Some(n) = v.as_f64() {
            let bound = |k: &str| s.get(k).and_then(Value::as_f64);
            let breaks = [
                bound("minimum").is_some_and(|m| n < m),
                bound("maximum").is_some_and(|m| n > m),
                bound("exclusiveMinimum").is_some_and(|m| n <= m),
                bound("exclusiveMaximum").is_some_and(|m| n >= m),
            ];
            if breaks.iter().any(|b| *b) {
                return Err(format!("{at}: {n} is out of the allowed range"));
            }
        }
        if let Some(text) = v.as_str() {
            let chars = text.chars().count() as u64;
            let bound = |k: &str| s.get(k).and_then(Value::as_u64);
            if bound("minLength").is_some_and(|m| chars < m)
                || bound("maxLength").is_some_and(|m| chars > m)
            {
                return Err(format!(
                    "{at}: the string's length is out of the allowed range"
                ));
            }
        }
        if let Some(items) = v.as_array() {
            let n = items.len() as u64;
            let bound = |k: &str| s.get(k).and_then(Value::as_u64);
            if bound("minItems").is_some_and(|m| n < m) || bound("maxItems").is_some_and(|m| n > m)
            {
                return Err(format!("{at}: {n} items is out of the allowed range"));
            }
            match s.get("items") {
                Some(Value::Array(each)) => {
                    for (i, (x, sch)) in items.iter().zip(each).enumerate() {
                        self.eval(sch, x, &format!("{at}/{i}"), depth + 1)?;
                    }
                }
                Some(sch) => {
                    for (i, x) in items.iter().enumerate() {
                        self.eval(sch, x, &format!("{at}/{i}"), depth + 1)?;
                    }
                }
                None => {}
            }
        }
        if let Some(members) = v.as_object() {
            if let Some(req) = s.get("required").and_then(Value::as_array) {
                for k in req.iter().filter_map(Value::as_str) {
                    if !members.contains_key(k) {
                        return Err(format!("{at}: \"{k}\" is required"));
                    }
                }
            }
            let props = s.get("properties").and_then(Value::as_object);
            for (k, x) in members {
                let here = format!("{at}/{k}");
                match props.and_then(|p| p.get(k)) {
                    Some(sch) => self.eval(sch, x, &here, depth + 1)?,
                    None if s.contains_key("patternProperties") => {}
                    None => {
                        if let Some(extra) = s.get("additionalProperties") {
                            if extra == &Value::Bool(false) {
                                return Err(format!("{at}: the member \"{k}\" is not allowed"));
                            }
                            self.eval(extra, x, &here, depth + 1)?;
                        }
                    }
                }
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            for sch in all {
                self.eval(sch, v, at, depth + 1)?;
            }
        }
        if let Some(any) = s.get("anyOf").and_then(Value::as_array) {
            let mut first = None;
            if !any
                .iter()
                .any(|sch| match self.eval(sch, v, at, depth + 1) {
                    Ok(()) => true,
                    Err(e) => {
                        first.get_or_insert(e);
                        false
                    }
                })
            {
                return Err(first.unwrap_or_else(|| format!("{at}: fits none of anyOf")));
            }
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            let matching = one
                .iter()
                .filter(|sch| self.eval(sch, v, at, depth + 1).is_ok())
                .count();
            let lenient = one.iter().any(refers_outside);
            if matching == 0 || (matching > 1 && !lenient) {
                return Err(format!(
                    "{at}: fits {matching} of the oneOf alternatives (must fit one)"
                ));
            }
        }
        if let Some(not) = s.get("not") {
            if !refers_outside(not) && self.eval(not, v, at, depth + 1).is_ok() {
                return Err(format!("{at}: fits a schema it must not fit"));
            }
        }
        Ok(())
    }
}

/// Whether a schema refers to another file (whose parts are taken as satisfied).
fn refers_outside(schema: &Value) -> bool {
    match schema {
        Value::Object(m) => m.iter().any(|(k, v)| {
            (k == "$ref" && v.as_str().is_some_and(|r| !r.starts_with('#'))) || refers_outside(v)
        }),
        Value::Array(a) => a.iter().any(refers_outside),
        _ => false,
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        "number" => v.is_number(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => true,
    }
}

/// JSON equality, with numbers compared by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, a)| y.get(k).is_some_and(|b| same(a, b)))
        }
        _ => a == b,
    }
}

/// A value for a message, cut short.
fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_keywords_extensions_use_are_evaluated() {
        let root = json!({
            "definitions": {"measure": {"type": "object", "required": ["value", "uom"],
                "properties": {"value": {"type": "number", "minimum": 0}, "uom": {"enum": ["dB", "m"]}},
                "additionalProperties": false}},
            "thing": {"allOf": [
                {"$ref": "cityobjects.schema.json#/_AbstractCityObject"},
                {"properties": {"type": {"enum": ["+Thing"]},
                    "attributes": {"type": "object", "properties": {
                        "level": {"$ref": "#/definitions/measure"},
                        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2}}},
                    "geometry": {"type": "array", "items": {"oneOf": [
                        {"$ref": "geomprimitives.schema.json#/MultiSurface"},
                        {"$ref": "geomprimitives.schema.json#/Solid"}]}}},
                 "required": ["type"]}]}
        });
        let s = Schema { root: &root };
        let thing = &root["thing"];
        let ok = json!({"type": "+Thing", "attributes": {"level": {"value": 3.5, "uom": "dB"}, "tags": ["a"]},
            "geometry": [{"type": "Solid"}]});
        assert_eq!(s.check(thing, &ok), Ok(()));
        for (bad, says) in [
            (json!({"type": "+Other"}), "/type"),
            (json!({"attributes": {}}), "\"type\" is required"),
            (
                json!({"type": "+Thing", "attributes": {"level": {"value": -1, "uom": "dB"}}}),
                "/attributes/level/value",
            ),
            (
                json!({"type": "+Thing", "attributes": {"level": {"value": 1, "uom": "dB", "x": 1}}}),
                "\"x\" is not allowed",
            ),
            (
                json!({"type": "+Thing", "attributes": {"level": {"value": 1}}}),
                "\"uom\" is required",
            ),
            (
                json!({"type": "+Thing", "attributes": {"tags": ["a", 2]}}),
                "/attributes/tags/1",
            ),
            (
                json!({"type": "+Thing", "attributes": {"tags": ["a", "b", "c"]}}),
                "3 items",
            ),
        ] {
            let e = s.check(thing, &bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn cyclic_references_end_with_an_error() {
        let root = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}});
        let e = Schema { root: &root }
            .check(&root["a"], &json!(1))
            .unwrap_err();
        assert!(e.contains("too deep"), "{e}");
    }
}
