//! Attributes: core attributes (class, function, measuredHeight...), generic attributes of
//! every kind (CityGML 1/2 `gen:*Attribute`, CityGML 3 `gen:genericAttribute`), addresses (xAL)
//! and anything else as JSON.

use crate::dom::Dom;
use crate::names;
use serde_json::{json, Map, Value};

/// A typed value for attribute `name` from its text (and unit, when it has one).
pub fn typed_value(name: &str, text: &str, has_uom: bool) -> Value {
    if names::is_integer_attribute(name) {
        if let Ok(v) = text.parse::<i64>() {
            return json!(v);
        }
    }
    if has_uom || names::is_number_attribute(name) {
        if let Ok(v) = text.parse::<f64>() {
            if v.is_finite() {
                return json!(v);
            }
        }
    }
    Value::String(text.to_string())
}

/// One CityGML 1/2 generic attribute (`gen:stringAttribute name="..."`, `genericAttributeSet`)
/// or CityGML 3 generic attribute (`gen:StringAttribute` with `gen:name` and `gen:value`).
pub fn generic_attribute(dom: &Dom<'_>, node: u32) -> Option<(String, Value)> {
    let local = dom.node(node).local;
    // CityGML 3: <gen:genericAttribute><gen:StringAttribute>...
    if local == "genericAttribute" {
        return generic_attribute(dom, dom.first_child(node)?);
    }
    let kind = local
        .strip_suffix("Attribute")
        .or_else(|| local.strip_suffix("AttributeSet"))?;
    let name = match dom.attr(node, "name") {
        Some(n) => n.to_string(),
        None => dom.text(dom.child(node, "name")?).to_string(),
    };
    if local.ends_with("AttributeSet") || kind.eq_ignore_ascii_case("GenericAttributeSet") {
        let mut set = Map::new();
        for c in dom.children(node) {
            let c = if dom.node(c).local == "value" {
                match dom.first_child(c) {
                    Some(inner) => inner,
                    None => continue,
                }
            } else {
                c
            };
            if let Some((k, v)) = generic_attribute(dom, c) {
                set.insert(k, v);
            }
        }
        return Some((name, Value::Object(set)));
    }
    let value_node = dom.child(node, "value")?;
    let text = dom.text(value_node);
    let value = match kind.to_ascii_lowercase().as_str() {
        "int" => text
            .parse::<i64>()
            .map(|v| json!(v))
            .unwrap_or_else(|_| json!(text)),
        "double" | "measure" => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|v| json!(v))
            .unwrap_or_else(|| json!(text)),
        "string" | "date" | "uri" | "code" => json!(text),
        _ => return None,
    };
    Some((name, value))
}

/// An element's content as JSON: text for simple elements, an object of children otherwise
/// (repeated children become arrays; attributes and units are kept with an `@` prefix).
pub fn to_json(dom: &Dom<'_>, node: u32) -> Value {
    let mut map = Map::new();
    for (local, _, value) in dom.attrs_of(node) {
        if *local != "schemaLocation" {
            map.insert(format!("@{local}"), Value::String(value.to_string()));
        }
    }
    if dom.first_child(node).is_none() {
        let text = dom.text(node);
        if map.is_empty() {
            return Value::String(text.to_string());
        }
        if !text.is_empty() {
            map.insert("value".into(), Value::String(text.to_string()));
        }
        return Value::Object(map);
    }
    for c in dom.children(node) {
        insert_value(&mut map, dom.node(c).local.to_string(), to_json(dom, c));
    }
    Value::Object(map)
}

/// Adds a member to a JSON object; a repeated name collects its values in an array.
pub fn insert_value(map: &mut Map<String, Value>, key: String, value: Value) {
    match map.get_mut(&key) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            map.insert(key, value);
        }
    }
}

/// The address fields (CityJSON names) of an xAL address element and its descendants.
pub fn address_fields(dom: &Dom<'_>, node: u32) -> Map<String, Value> {
    let mut out = Map::new();
    for d in dom.descendants(node) {
        if dom.first_child(d).is_some() {
            continue;
        }
        let text = dom.text(d);
        if text.is_empty() {
            continue;
        }
        let local = dom.node(d).local;
        let parent = dom.node(dom.node(d).parent).local;
        let key = match (parent, local) {
            (_, "CountryName") | ("Country", "NameElement") => "CountryName",
            (_, "LocalityName") | ("Locality", "NameElement") => "LocalityName",
            (_, "DependentLocalityName") => "DependentLocalityName",
            (_, "ThoroughfareName") | ("Thoroughfare", "NameElement") => "ThoroughfareName",
            (_, "ThoroughfareNumber") | ("Thoroughfare", "Number") => "ThoroughfareNumber",
            (_, "PostalCodeNumber") | ("PostCode", "Identifier") => "PostalCode",
            (_, "AdministrativeAreaName") | ("AdministrativeArea", "NameElement") => {
                "AdministrativeAreaName"
            }
            (_, "BuildingName") => "BuildingName",
            (_, "AddressLine") => "AddressLine",
            (_, "pos") | (_, "posList") => continue,
            _ => local,
        };
        if !out.contains_key(key) {
            out.insert(key.to_string(), Value::String(text.to_string()));
        }
    }
    out
}
