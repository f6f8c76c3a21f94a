//! The `vertices` member of a whole file, read past serde_json one vertex at a time.

use super::input::{placed_error, Capture};
use super::object::is_integer;
use super::Sink;
use serde::de::{self, DeserializeSeed};
use serde_json::Value;
use std::cell::RefCell;

/// The `vertices` array, read past serde_json: each vertex's bytes are captured from the
/// input and parsed from a slice (see [`super::objects`] for why), one at a time.
pub(super) struct VerticesSeed<'a> {
    /// Where findings go.
    pub sink: &'a mut Sink,
    /// Vertices must be integers (a transform is given, or the version is past 1.0).
    pub integers: bool,
    /// The input, from which each vertex's bytes are taken.
    pub input: &'a RefCell<dyn Capture>,
}

impl<'de> DeserializeSeed<'de> for VerticesSeed<'_> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, _: D) -> Result<usize, D::Error> {
        let mut input = self.input.borrow_mut();
        let io = |e: std::io::Error| de::Error::custom(format!("cannot read the file: {e}"));
        // A syntax error ends the pass, at the reader's (true) position.
        let fatal = |sink: &mut Sink, at: (u64, u64), text: &str| {
            sink.fatal = Some(format!("line {} column {}: {text}", at.0, at.1));
            de::Error::custom(text.to_string())
        };
        if input.next_byte().map_err(io)? != Some(b'[') {
            let at = input.position();
            return Err(fatal(
                self.sink,
                at,
                "\"vertices\" must be an array of vertices",
            ));
        }
        let mut bytes = Vec::new();
        let mut i = 0;
        loop {
            let at = input.capture(&mut bytes).map_err(io)?;
            if i == 0 && bytes.is_empty() {
                // `[]`, or the input ended.
                match input.next_byte().map_err(io)? {
                    Some(b']') => return Ok(0),
                    _ => {
                        let at = input.position();
                        return Err(fatal(self.sink, at, "EOF while parsing a list"));
                    }
                }
            }
            match serde_json::from_slice::<Value>(&bytes) {
                Ok(v) => {
                    check_vertex(i, &v, self.integers, self.sink);
                    self.sink.vertex_keys.push(&v);
                }
                Err(e) => {
                    self.sink.fatal = Some(placed_error(at, &e));
                    return Err(de::Error::custom(e));
                }
            }
            i += 1;
            match input.next_byte().map_err(io)? {
                Some(b',') => {}
                Some(b']') => return Ok(i),
                Some(_) => {
                    let at = input.position();
                    return Err(fatal(self.sink, at, "expected `,` or `]`"));
                }
                None => {
                    let at = input.position();
                    return Err(fatal(self.sink, at, "EOF while parsing a list"));
                }
            }
        }
    }
}

/// A vertex must be three integers (or numbers, for CityJSON 1.0 without transform).
pub(super) fn check_vertex(i: usize, v: &Value, integers: bool, sink: &mut Sink) {
    let ok = v.as_array().is_some_and(|a| {
        a.len() == 3
            && a.iter().all(|x| {
                if integers {
                    is_integer(x)
                } else {
                    x.is_number()
                }
            })
    });
    if !ok {
        let what = if integers { "integers" } else { "numbers" };
        sink.push(
            format!("/vertices/{i}"),
            format!("a vertex must be 3 {what}"),
        );
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use crate::schema::check_file;

    fn check(text: &str) -> crate::schema::FileChecks {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.city.json");
        std::fs::write(&path, text).unwrap();
        check_file(&path, 10)
    }

    fn doc(vertices: &str) -> String {
        format!("{{\"type\": \"CityJSON\", \"version\": \"2.0\",\n\"transform\": {{\"scale\": [1, 1, 1], \"translate\": [0, 0, 0]}},\n\"CityObjects\": {{}},\n\"vertices\": {vertices}\n}}")
    }

    #[test]
    fn vertices_are_counted_and_checked() {
        let ok = check(&doc("[ [0, 0, 0],\n [1, 2, 3] , [1, 2, 3]]"));
        assert!(ok.schema.is_empty(), "{:?}", ok.schema);
        assert!(
            ok.warnings
                .iter()
                .any(|w| w.contains("1 of 2") || w.contains("repeat")),
            "{:?}",
            ok.warnings
        );
        let empty = check(&doc("[ ]"));
        assert!(empty.schema.is_empty(), "{:?}", empty.schema);
        let bad = check(&doc("[[0, 0, 0], [1.5, 2, 3], [1, 2]]"));
        let pointers: Vec<&str> = bad.schema.iter().map(|i| i.pointer.as_str()).collect();
        assert_eq!(pointers, ["/vertices/1", "/vertices/2"]);
    }

    #[test]
    fn a_syntax_error_in_the_vertices_is_placed_like_serde_json_places_it() {
        for vertices in ["[[0, 0, 0],\n [1, 2 3]]", "[[0, 0, 0], [1, 2, -]]"] {
            let text = doc(vertices);
            let e = serde_json::from_str::<serde_json::Value>(&text).unwrap_err();
            let message = &check(&text).schema[0].message;
            assert!(
                message.starts_with(&format!("line {} column {}: ", e.line(), e.column())),
                "{message} against serde_json's line {} column {}",
                e.line(),
                e.column()
            );
        }
        for vertices in ["[[0, 0, 0] [1, 2, 3]]", "{}", "[[0, 0, 0]"] {
            let message = &check(&doc(vertices)).schema[0].message;
            assert!(
                message.starts_with("line 4 column ") || message.starts_with("line 5 column "),
                "{vertices}: {message}"
            );
        }
    }
}
