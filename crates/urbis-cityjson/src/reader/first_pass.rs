//! The first pass over a whole file: members, CityObject spans and vertices.

use super::Span;
use crate::de::ReadContext;
use crate::error::{Error, Location, Result};
use crate::members;
use crate::scan::{Lexer, Number, ScanError};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use urbis_model::{Appearance, Header, Transform};

pub(super) struct FirstPass {
    pub(super) members: Vec<(String, Vec<u8>)>,
    pub(super) kind: Option<String>,
    version: Option<String>,
    pub(super) spans: Vec<Span>,
    int_vertices: Vec<[i64; 3]>,
    float_vertices: Option<Vec<[f64; 3]>>,
    saw_vertices: bool,
    pub(super) header_newlines: u64,
    /// Byte range of the first JSON value.
    pub(super) value_span: (u64, u64),
}

impl FirstPass {
    pub(super) fn run<R: Read>(lx: &mut Lexer<R>) -> std::result::Result<FirstPass, ScanError> {
        let mut fp = FirstPass {
            members: Vec::new(),
            kind: None,
            version: None,
            spans: Vec::new(),
            int_vertices: Vec::new(),
            float_vertices: None,
            saw_vertices: false,
            header_newlines: 0,
            value_span: (0, 0),
        };
        match lx.peek()? {
            Some(b'{') => {}
            Some(_) => return lx.err("the input is not a JSON object (not CityJSON)"),
            None => return lx.err("the input is empty"),
        }
        fp.value_span.0 = lx.offset();
        lx.expect(b'{')?;
        if !lx.empty(b'}')? {
            loop {
                let key = lx.string()?;
                lx.expect(b':')?;
                match key.as_str() {
                    "type" => fp.kind = Some(lx.string()?),
                    "version" => fp.version = Some(lx.string()?),
                    "CityObjects" => fp.scan_objects(lx)?,
                    "vertices" => fp.scan_vertices(lx)?,
                    _ => {
                        let bytes = lx.capture_value()?;
                        fp.header_newlines += memchr::memchr_iter(b'\n', &bytes).count() as u64;
                        fp.members.push((key, bytes));
                    }
                }
                if !lx.more(b'}')? {
                    break;
                }
            }
        }
        fp.value_span.1 = lx.offset();
        Ok(fp)
    }

    fn scan_objects<R: Read>(&mut self, lx: &mut Lexer<R>) -> std::result::Result<(), ScanError> {
        lx.expect(b'{')?;
        if lx.empty(b'}')? {
            return Ok(());
        }
        loop {
            let id = lx.string()?;
            lx.expect(b':')?;
            lx.peek()?;
            let start = lx.offset();
            let mut parent = None;
            lx.expect(b'{')?;
            if !lx.empty(b'}')? {
                loop {
                    let is_parents = lx.string_is(b"parents")?;
                    lx.expect(b':')?;
                    if is_parents && lx.peek()? == Some(b'[') {
                        parent = lx.string_array()?.into_iter().next();
                    } else {
                        lx.skip_value(None)?;
                    }
                    if !lx.more(b'}')? {
                        break;
                    }
                }
            }
            self.spans.push(Span {
                id,
                start,
                end: lx.offset(),
                parent,
            });
            if !lx.more(b'}')? {
                return Ok(());
            }
        }
    }

    fn scan_vertices<R: Read>(&mut self, lx: &mut Lexer<R>) -> std::result::Result<(), ScanError> {
        self.saw_vertices = true;
        lx.expect(b'[')?;
        if lx.empty(b']')? {
            return Ok(());
        }
        loop {
            if self.float_vertices.is_none() {
                if let Some(v) = lx.int_triplet() {
                    self.int_vertices.push(v);
                    if !lx.more(b']')? {
                        return Ok(());
                    }
                    continue;
                }
            }
            lx.expect(b'[')?;
            let mut v = [Number::Int(0); 3];
            for (i, slot) in v.iter_mut().enumerate() {
                if i > 0 {
                    lx.expect(b',')?;
                }
                *slot = lx.number()?;
            }
            if lx.peek()? != Some(b']') {
                return lx.err(format!(
                    "vertex {} does not have exactly 3 coordinates",
                    self.vertex_len()
                ));
            }
            lx.expect(b']')?;
            match (v, self.float_vertices.as_mut()) {
                ([Number::Int(x), Number::Int(y), Number::Int(z)], None) => {
                    self.int_vertices.push([x, y, z])
                }
                (v, _) => {
                    let f = |n: Number| match n {
                        Number::Int(i) => i as f64,
                        Number::Float(x) => x,
                    };
                    let floats = self.float_vertices.get_or_insert_with(|| {
                        self.int_vertices
                            .iter()
                            .map(|v| [v[0] as f64, v[1] as f64, v[2] as f64])
                            .collect()
                    });
                    floats.push([f(v[0]), f(v[1]), f(v[2])]);
                }
            }
            if !lx.more(b']')? {
                return Ok(());
            }
        }
    }

    fn vertex_len(&self) -> usize {
        self.float_vertices
            .as_ref()
            .map(|v| v.len())
            .unwrap_or(self.int_vertices.len())
    }

    /// Builds the header (upgrading older versions), the global appearance and the vertices.
    #[allow(clippy::type_complexity)]
    pub(super) fn header(
        &self,
        path: &Path,
        is_seq: bool,
    ) -> Result<(Header, ReadContext, Option<Appearance>, Vec<[i64; 3]>)> {
        let invalid = |message: String| Error::Invalid {
            path: path.to_path_buf(),
            location: Location::default(),
            message,
        };
        match self.kind.as_deref() {
            Some("CityJSON") => {}
            Some(other) => {
                return Err(invalid(format!(
                    "the top-level \"type\" is \"{other}\", not \"CityJSON\""
                )))
            }
            None => {
                return Err(invalid(
                    "the top-level \"type\": \"CityJSON\" member is missing".into(),
                ))
            }
        }
        let version = self
            .version
            .clone()
            .ok_or_else(|| invalid("the \"version\" member is missing".into()))?;
        let legacy = match version.as_str() {
            "2.0" | "2.0.0" | "2.0.1" => false,
            "1.0" | "1.1" | "1.0.0" | "1.1.0" => true,
            _ => {
                return Err(Error::UnsupportedVersion {
                    path: path.to_path_buf(),
                    version,
                })
            }
        };
        let short = version.get(..3).unwrap_or("2.0").to_string();
        let ctx = ReadContext { legacy, full: true };
        let mut header = Header {
            source_version: short.clone(),
            ..Default::default()
        };
        let mut appearance = None;
        let mut transform = None;
        for (key, bytes) in &self.members {
            let value: Value =
                serde_json::from_slice(bytes).map_err(|e| invalid(format!("\"{key}\": {e}")))?;
            match key.as_str() {
                "transform" => transform = Some(members::transform(&value).map_err(invalid)?),
                "metadata" => {
                    let Value::Object(m) = value else {
                        return Err(invalid("metadata must be an object".into()));
                    };
                    header.metadata = Some(if legacy {
                        members::upgrade_metadata(m, &short)
                    } else {
                        m
                    });
                }
                "extensions" => {
                    let Value::Object(m) = value else {
                        return Err(invalid("extensions must be an object".into()));
                    };
                    header.extensions = Some(m);
                }
                "appearance" => {
                    let mut app = members::appearance(value).map_err(invalid)?;
                    if legacy {
                        app.materials.iter_mut().for_each(members::upgrade_material);
                    }
                    appearance = Some(app);
                }
                "geometry-templates" => {
                    header.geometry_templates =
                        Some(members::geometry_templates(value, ctx).map_err(invalid)?)
                }
                _ => {
                    header.extra.insert(key.clone(), value);
                }
            }
        }
        if !self.saw_vertices && !self.spans.is_empty() {
            return Err(invalid("the \"vertices\" member is missing".into()));
        }
        let vertices = match (transform, &self.float_vertices) {
            (Some(t), None) => {
                header.transform = t;
                self.int_vertices.clone()
            }
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "vertices must be integers when a transform is given".into(),
                ))
            }
            (None, floats) if legacy => {
                // CityJSON 1.0 without transform: quantise.
                let floats: Vec<[f64; 3]> = match floats {
                    Some(f) => f.clone(),
                    None => self
                        .int_vertices
                        .iter()
                        .map(|v| [v[0] as f64, v[1] as f64, v[2] as f64])
                        .collect(),
                };
                let mut min = [f64::INFINITY; 3];
                for v in &floats {
                    for a in 0..3 {
                        min[a] = min[a].min(v[a]);
                    }
                }
                if floats.is_empty() {
                    min = [0.0; 3];
                }
                // Millimetres, as upgrades do, unless the coordinates are finer (e.g. test
                // geometry with sub-millimetre offsets): then the coarsest scale down to
                // 1e-9 that keeps every coordinate.
                let keeps = |scale: f64| {
                    floats.iter().all(|p| {
                        (0..3).all(|a| {
                            let q = ((p[a] - min[a]) / scale).round();
                            q.abs() < 9.0e15
                                && (q * scale + min[a] - p[a]).abs() <= 1e-9 * p[a].abs().max(1.0)
                        })
                    })
                };
                let scale = [1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9]
                    .into_iter()
                    .find(|&s| keeps(s))
                    .unwrap_or(1e-3);
                let t = Transform {
                    scale: [scale; 3],
                    translate: min,
                };
                header.transform = t;
                floats
                    .iter()
                    .map(|p| {
                        t.quantize(*p)
                            .ok_or_else(|| invalid(format!("vertex {p:?} cannot be quantised")))
                    })
                    .collect::<Result<Vec<_>>>()?
            }
            (None, None) if is_seq || self.int_vertices.is_empty() => {
                // No vertices, nothing to transform. A CityJSONSeq header without a
                // transform is only wrong once a feature has vertices (checked there).
                Vec::new()
            }
            (None, _) => {
                return Err(invalid(
                    "the \"transform\" member is missing (it is required in CityJSON 2.0)".into(),
                ));
            }
        };
        Ok((header, ctx, appearance, vertices))
    }
}
