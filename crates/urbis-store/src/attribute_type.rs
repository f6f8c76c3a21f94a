//! The JSON type of an attribute across a collection, for queryables: `integer` when every
//! value is an integer, `number` when some are not, `mixed` when values of different kinds
//! meet (or the store was written before urbis recorded types).

use serde_json::Value;

/// The JSON Schema type the values of one attribute share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// Whole numbers only.
    Integer,
    /// Numbers, some not whole.
    Number,
    /// Strings.
    String,
    /// true / false.
    Boolean,
    /// Arrays.
    Array,
    /// Objects.
    Object,
    /// Values of several kinds, or not known.
    Mixed,
}

impl AttributeType {
    /// The type of one value; `None` for null, which fits every type.
    pub fn of(value: &Value) -> Option<AttributeType> {
        Some(match value {
            Value::Null => return None,
            Value::Bool(_) => AttributeType::Boolean,
            Value::Number(n) if n.is_i64() || n.is_u64() => AttributeType::Integer,
            Value::Number(_) => AttributeType::Number,
            Value::String(_) => AttributeType::String,
            Value::Array(_) => AttributeType::Array,
            Value::Object(_) => AttributeType::Object,
        })
    }

    /// The type of the values of both.
    pub fn merge(self, other: AttributeType) -> AttributeType {
        use AttributeType::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Integer, Number) | (Number, Integer) => Number,
            _ => Mixed,
        }
    }

    /// The JSON Schema `type`, none for `Mixed`.
    pub fn json_schema_type(self) -> Option<&'static str> {
        match self {
            AttributeType::Mixed => None,
            t => Some(t.as_str()),
        }
    }

    /// The name stored (and the JSON Schema type but for `mixed`).
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeType::Integer => "integer",
            AttributeType::Number => "number",
            AttributeType::String => "string",
            AttributeType::Boolean => "boolean",
            AttributeType::Array => "array",
            AttributeType::Object => "object",
            AttributeType::Mixed => "mixed",
        }
    }

    /// The type a stored name stands for (`mixed` for a name it does not know).
    pub fn parse(name: &str) -> AttributeType {
        [
            AttributeType::Integer,
            AttributeType::Number,
            AttributeType::String,
            AttributeType::Boolean,
            AttributeType::Array,
            AttributeType::Object,
        ]
        .into_iter()
        .find(|t| t.as_str() == name)
        .unwrap_or(AttributeType::Mixed)
    }
}

/// Merges a record's attribute types into a collection's: a new name takes the record's type
/// (`None`, all values null so far, stays open), a known one the merge of both.
pub fn merge_into(
    collection: &mut std::collections::BTreeMap<String, Option<AttributeType>>,
    record: &[(String, Option<AttributeType>)],
) {
    for (name, t) in record {
        match collection.get_mut(name) {
            Some(slot) => {
                *slot = match (*slot, *t) {
                    (Some(a), Some(b)) => Some(a.merge(b)),
                    (a, b) => a.or(b),
                }
            }
            None => {
                collection.insert(name.clone(), *t);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_widen_to_numbers_and_kinds_that_differ_are_mixed() {
        let t = |v| AttributeType::of(&v).unwrap();
        assert_eq!(t(json!(3)), AttributeType::Integer);
        assert_eq!(t(json!(3.5)), AttributeType::Number);
        assert_eq!(AttributeType::of(&json!(null)), None);
        assert_eq!(t(json!(3)).merge(t(json!(2.5))), AttributeType::Number);
        assert_eq!(t(json!("a")).merge(t(json!(1))), AttributeType::Mixed);
        let mut c = Default::default();
        merge_into(
            &mut c,
            &[("h".into(), None), ("f".into(), Some(t(json!("x"))))],
        );
        merge_into(&mut c, &[("h".into(), Some(t(json!(2))))]);
        merge_into(&mut c, &[("h".into(), Some(t(json!(2.5))))]);
        assert_eq!(c["h"], Some(AttributeType::Number));
        assert_eq!(c["f"], Some(AttributeType::String));
        for ty in [
            "integer", "number", "string", "boolean", "array", "object", "mixed",
        ] {
            assert_eq!(AttributeType::parse(ty).as_str(), ty);
        }
        assert_eq!(AttributeType::parse("?"), AttributeType::Mixed);
        assert_eq!(AttributeType::Mixed.json_schema_type(), None);
    }
}
