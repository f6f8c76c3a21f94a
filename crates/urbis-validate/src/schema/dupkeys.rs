//! Reading a JSON value while noting the keys that appear twice in one JSON object: a JSON
//! parser silently keeps one of the values, so the schema cannot see them.

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::map::Entry;
use serde_json::{Map, Number, Value};
use std::fmt;

/// Deserializes a [`Value`], pushing every key that repeats within its object onto `dups`.
pub(super) struct CheckedValue<'a> {
    /// The repeated keys found so far.
    pub dups: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for CheckedValue<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for CheckedValue<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let dups = self.dups;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(v) = seq.next_element_seed(CheckedValue { dups: &mut *dups })? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let dups = self.dups;
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let v = map.next_value_seed(CheckedValue { dups: &mut *dups })?;
            match members.entry(key) {
                Entry::Occupied(mut e) => {
                    dups.push(e.key().clone());
                    e.insert(v);
                }
                Entry::Vacant(e) => {
                    e.insert(v);
                }
            }
        }
        Ok(Value::Object(members))
    }
}

/// Parses `bytes` as one JSON value, with the repeated keys.
pub(super) fn parse(bytes: &[u8]) -> serde_json::Result<(Value, Vec<String>)> {
    let mut dups = Vec::new();
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let v = CheckedValue { dups: &mut dups }.deserialize(&mut d)?;
    d.end()?;
    Ok((v, dups))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_at_any_depth_are_noted() {
        let (v, dups) = parse(br#"{"a":1,"b":{"x":[{"y":1,"y":2}],"x":3},"c":1.5}"#).unwrap();
        assert_eq!(dups, ["y", "x"]);
        assert_eq!(v["b"]["x"], 3);
        assert_eq!(v["c"], 1.5);
        let (same, none) = parse(br#"{"a":[1,-2,null,true,"s"]}"#).unwrap();
        assert!(none.is_empty());
        assert_eq!(same, serde_json::json!({"a": [1, -2, null, true, "s"]}));
    }
}
