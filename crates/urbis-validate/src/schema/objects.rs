//! The CityObjects member of a whole file, read and checked one object at a time.

use super::dupkeys::CheckedValue;
use super::{check_object, Sink, Version};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;
use std::collections::HashSet;
use std::fmt;

/// CityObjects one at a time; when the version is not known yet they are kept for later.
pub(super) struct ObjectsSeed<'a> {
    /// Where findings go.
    pub sink: &'a mut Sink,
    /// The file's version, when the members before CityObjects gave it.
    pub version: Option<Version>,
    /// Objects read before the version was known.
    pub deferred: &'a mut Vec<(String, Value)>,
}

impl<'de> DeserializeSeed<'de> for ObjectsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the CityObjects object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut ids: HashSet<String> = HashSet::new();
        while let Some(id) = map.next_key::<String>()? {
            if !ids.insert(id.clone()) {
                self.sink.structure(
                    format!("/CityObjects/{id}"),
                    format!("the CityObject id \"{id}\" appears twice"),
                );
            }
            let mut dups = Vec::new();
            let o = map.next_value_seed(CheckedValue { dups: &mut dups })?;
            self.sink.repeated_keys(&format!("/CityObjects/{id}"), dups);
            match self.version {
                Some(v) => {
                    let refs = check_object(&id, &o, v, self.sink);
                    self.sink.note_refs(refs);
                }
                None => self.deferred.push((id, o)),
            }
        }
        Ok(())
    }
}
