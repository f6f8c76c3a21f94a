//! The CityObjects member of a whole file, read and checked one object at a time. Each
//! object's bytes are captured from the input past serde_json and parsed from a slice.

use super::input::{placed_error, Capture};
use super::{check_object, dupkeys, Sink, Version};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;
use std::cell::RefCell;
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
    /// The input, from which each object's bytes are taken.
    pub input: &'a RefCell<dyn Capture>,
}

/// Takes one object's bytes from the input into `bytes`, and gives the line and column where
/// they begin; serde_json, which hands over right after the colon, continues after the value.
/// (serde_json's `MapAccess::next_value_seed` consumes the colon and peeks nothing more before
/// calling the seed; the identical reports on the real files and the position tests below
/// would show a version that does.)
struct Captured<'a> {
    input: &'a RefCell<dyn Capture>,
    bytes: &'a mut Vec<u8>,
}

impl<'de> DeserializeSeed<'de> for Captured<'_> {
    type Value = (u64, u64);
    fn deserialize<D: de::Deserializer<'de>>(self, _: D) -> Result<Self::Value, D::Error> {
        self.input
            .borrow_mut()
            .capture(self.bytes)
            .map_err(|e| de::Error::custom(format!("cannot read the file: {e}")))
    }
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
    /// Each object is parsed from its captured bytes and checked before the next is read; a
    /// syntax error ends the pass, with its true position. (Parsing batches of objects on all
    /// cores was slower: freeing their values on another thread than the one that made them
    /// costs mimalloc more than the parse gains.)
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut ids: HashSet<String> = HashSet::new();
        let mut bytes = Vec::new();
        while let Some(id) = map.next_key::<String>()? {
            if !ids.insert(id.clone()) {
                self.sink.structure(
                    format!("/CityObjects/{id}"),
                    format!("the CityObject id \"{id}\" appears twice"),
                );
            }
            let at = map.next_value_seed(Captured {
                input: self.input,
                bytes: &mut bytes,
            })?;
            let (o, dups) = match dupkeys::parse(&bytes) {
                Ok(parsed) => parsed,
                Err(e) => {
                    self.sink.fatal = Some(placed_error(at, &e));
                    return Err(de::Error::custom(e));
                }
            };
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use crate::schema::check_file;

    /// The position `serde_json` gives for the first syntax error of the whole text.
    fn serde_position(text: &str) -> (usize, usize) {
        let e = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        (e.line(), e.column())
    }

    /// The first schema message for `text` written to a file.
    fn first_message(text: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.city.json");
        std::fs::write(&path, text).unwrap();
        check_file(&path, 10).schema[0].message.clone()
    }

    #[test]
    fn a_syntax_error_inside_a_captured_object_is_placed_exactly() {
        let pretty = "{\n  \"type\": \"CityJSON\",\n  \"version\": \"2.0\",\n  \"CityObjects\": {\n    \"a\": {\"type\": \"Building\"},\n    \"b\": {\n      \"type\": \"Building\",\n      \"attributes\": {\"h\": 12,, \"x\": 1}\n    }\n  },\n  \"vertices\": []\n}\n";
        let minified = pretty.replace("\n", "").replace("  ", "");
        let second_line = "{\"type\": \"CityJSON\", \"version\": \"2.0\", \"CityObjects\": {\"a\": {\"type\": \"Building\"},\n \"b\": {\"type\": \"Building\", \"attributes\": {\"h\": tru}}}, \"vertices\": []}";
        for text in [pretty, minified.as_str(), second_line] {
            let (line, column) = serde_position(text);
            let message = first_message(text);
            assert!(
                message.starts_with(&format!("line {line} column {column}: ")),
                "{message} (serde_json: line {line} column {column}) in {text}"
            );
        }
    }

    #[test]
    fn a_syntax_error_after_the_objects_counts_their_lines() {
        // serde_json itself never saw the objects' lines: the reader's count places it.
        let text = "{\n\"type\": \"CityJSON\",\n\"version\": \"2.0\",\n\"CityObjects\": {\n\"a\": {\n\"type\": \"Building\"\n}\n},\n\"vertices\": [[0, 0, 0] [1, 1, 1]]\n}\n";
        let (line, _) = serde_position(text);
        assert_eq!(line, 9);
        let message = first_message(text);
        assert!(message.starts_with("line 9 column "), "{message}");
    }
}
