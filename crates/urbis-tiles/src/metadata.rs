//! Per-feature metadata for `EXT_structural_metadata`: a schema with one class whose
//! properties are the feature id, its type and the dataset's attributes, typed from the values
//! seen (numbers as FLOAT64, everything else as STRING: booleans, arrays and objects as their
//! JSON text).

use serde_json::{json, Value};
use std::collections::HashMap;
use urbis_model::JsonMap;

/// At most this many attributes become properties; others are left out (and counted).
pub const MAX_PROPERTIES: usize = 128;

/// The `noData` value of numeric properties (a feature without the attribute).
pub const NO_DATA_NUMBER: f64 = -1.0e300;

/// The value type of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    /// FLOAT64 scalar.
    Number,
    /// UTF-8 string.
    Text,
}

/// One property of the class.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The property id (a valid identifier).
    pub id: String,
    /// The attribute name as in the data (`None` for the built-in `id` and `type`).
    pub attribute: Option<String>,
    /// The value type.
    pub kind: PropertyKind,
}

/// The metadata schema of a tileset: built once from all features so every tile agrees.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    /// Properties, `id` and `type` first.
    pub properties: Vec<Property>,
    /// Attributes left out because of [`MAX_PROPERTIES`].
    pub dropped: usize,
}

/// Collects attribute names and value types.
#[derive(Debug, Default)]
pub struct SchemaBuilder {
    order: Vec<String>,
    kinds: HashMap<String, PropertyKind>,
}

impl SchemaBuilder {
    /// Notes one feature's attributes.
    pub fn observe(&mut self, attributes: &JsonMap) {
        for (name, value) in attributes {
            let kind = match value {
                Value::Null => None,
                Value::Number(_) => Some(PropertyKind::Number),
                _ => Some(PropertyKind::Text),
            };
            match self.kinds.get_mut(name) {
                Some(k) => {
                    if kind == Some(PropertyKind::Text) {
                        *k = PropertyKind::Text;
                    }
                }
                None => {
                    self.order.push(name.clone());
                    self.kinds
                        .insert(name.clone(), kind.unwrap_or(PropertyKind::Number));
                }
            }
        }
    }

    /// The schema.
    pub fn finish(self) -> Schema {
        let mut properties = vec![
            Property {
                id: "id".into(),
                attribute: None,
                kind: PropertyKind::Text,
            },
            Property {
                id: "type".into(),
                attribute: None,
                kind: PropertyKind::Text,
            },
        ];
        let mut taken: std::collections::HashSet<String> =
            properties.iter().map(|p| p.id.clone()).collect();
        let total = self.order.len();
        for name in self.order.into_iter().take(MAX_PROPERTIES) {
            let mut id = identifier(&name);
            if taken.contains(&id) {
                id = format!("attr_{id}");
            }
            let base = id.clone();
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(id.clone());
            let kind = self.kinds[&name];
            properties.push(Property {
                id,
                attribute: Some(name),
                kind,
            });
        }
        Schema {
            properties,
            dropped: total.saturating_sub(MAX_PROPERTIES),
        }
    }
}

/// A valid metadata identifier (`^[a-zA-Z_][a-zA-Z0-9_]*$`) made from an attribute name.
///
/// ```
/// assert_eq!(urbis_tiles::metadata::identifier("b3_h-dak 50p"), "b3_h_dak_50p");
/// assert_eq!(urbis_tiles::metadata::identifier("3dbag:id"), "_3dbag_id");
/// ```
pub fn identifier(name: &str) -> String {
    let mut id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        id.insert(0, '_');
    }
    id
}

/// The text of a value for a STRING property.
pub fn text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

impl Schema {
    /// The `EXT_structural_metadata` schema object.
    pub fn to_json(&self) -> Value {
        let mut props = serde_json::Map::new();
        for p in &self.properties {
            let name = p.attribute.clone().unwrap_or_else(|| match p.id.as_str() {
                "id" => "CityObject id".into(),
                _ => "CityObject type".into(),
            });
            let def = match p.kind {
                PropertyKind::Number => json!({"name": name, "type": "SCALAR",
                    "componentType": "FLOAT64", "noData": NO_DATA_NUMBER}),
                PropertyKind::Text if p.attribute.is_some() => {
                    json!({"name": name, "type": "STRING", "noData": ""})
                }
                PropertyKind::Text => json!({"name": name, "type": "STRING", "required": true}),
            };
            props.insert(p.id.clone(), def);
        }
        json!({"id": "urbis", "classes": {"feature": {"name": "City feature",
            "description": "A top-level city object with its parts: id, type and attributes.",
            "properties": props}}})
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn mixed_values_become_text_and_clashing_names_are_renamed() {
        let mut b = SchemaBuilder::default();
        let a: JsonMap =
            serde_json::from_str(r#"{"height": 3.5, "roof": "flat", "id": "x", "mixed": 1}"#)
                .unwrap();
        let c: JsonMap =
            serde_json::from_str(r#"{"height": null, "mixed": "two", "flag": true}"#).unwrap();
        b.observe(&a);
        b.observe(&c);
        let s = b.finish();
        let kind = |n: &str| {
            s.properties
                .iter()
                .find(|p| p.attribute.as_deref() == Some(n))
                .map(|p| (p.id.clone(), p.kind))
                .unwrap()
        };
        assert_eq!(kind("height"), ("height".into(), PropertyKind::Number));
        assert_eq!(kind("mixed").1, PropertyKind::Text);
        assert_eq!(kind("flag").1, PropertyKind::Text);
        assert_eq!(kind("id").0, "attr_id");
        assert_eq!(s.properties[0].id, "id");
    }
}
