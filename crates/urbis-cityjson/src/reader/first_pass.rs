//! The first pass over a whole file: members, CityObject spans and vertices.

use super::speculate::{BoxLexer, Guess, Speculation, Split};
use super::Span;
use crate::de::ReadContext;
use crate::error::{Error, Location, Result};
use crate::members;
use crate::scan::{Number, ScanResult};
use serde_json::Value;
use std::path::Path;
use urbis_model::{Appearance, Header, Transform};

#[derive(Debug, PartialEq)]
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
    fn new() -> FirstPass {
        FirstPass {
            members: Vec::new(),
            kind: None,
            version: None,
            spans: Vec::new(),
            int_vertices: Vec::new(),
            float_vertices: None,
            saw_vertices: false,
            header_newlines: 0,
            value_span: (0, 0),
        }
    }

    /// Scans the first JSON value of `lx`. With `split`, a large CityObjects member is scanned
    /// by two threads (see [`Speculation`]); the result is the same as without.
    pub(super) fn run(lx: &mut BoxLexer, split: Option<&Split<'_>>) -> ScanResult<FirstPass> {
        let mut fp = FirstPass::new();
        let input_len = split.and_then(|s| s.file.metadata().ok()).map(|m| m.len());
        match lx.peek()? {
            Some(b'{') => {}
            Some(_) => return lx.err("the input is not a JSON object (not CityJSON)"),
            None => return lx.err("the input is empty"),
        }
        fp.value_span.0 = lx.offset();
        lx.expect(b'{')?;
        if !lx.empty(b'}')? {
            fp.members(lx, split, input_len)?;
        }
        fp.value_span.1 = lx.offset();
        Ok(fp)
    }

    /// The top-level members from a key on, through the closing brace; `input_len` (the
    /// input's length, when known) sizes the vertex list up front.
    fn members(
        &mut self,
        lx: &mut BoxLexer,
        split: Option<&Split<'_>>,
        input_len: Option<u64>,
    ) -> ScanResult<()> {
        loop {
            let key = lx.string()?;
            lx.expect(b':')?;
            match key.as_str() {
                "type" => self.kind = Some(lx.string()?),
                "version" => self.version = Some(lx.string()?),
                "CityObjects" => {
                    if self.scan_objects(lx, split)? {
                        // A helper scanned the rest of the value.
                        return Ok(());
                    }
                }
                "vertices" => self.scan_vertices(lx, input_len)?,
                _ => {
                    let bytes = lx.capture_value()?;
                    self.header_newlines += memchr::memchr_iter(b'\n', &bytes).count() as u64;
                    self.members.push((key, bytes));
                }
            }
            if !lx.more(b'}')? {
                return Ok(());
            }
        }
    }

    /// The CityObjects member; true when a helper thread's scan of the rest of the value was
    /// taken over (`lx` is then past its end).
    fn scan_objects(&mut self, lx: &mut BoxLexer, split: Option<&Split<'_>>) -> ScanResult<bool> {
        lx.expect(b'{')?;
        if lx.empty(b'}')? {
            return Ok(false);
        }
        let mut helper = split.and_then(|s| Speculation::start(s, lx.offset()));
        let result = self.objects_from_key(lx, &mut helper);
        if let Some(h) = helper {
            h.cancel();
        }
        result
    }

    /// CityObjects members from a key on, through the closing brace of CityObjects.
    fn objects_from_key(
        &mut self,
        lx: &mut BoxLexer,
        helper: &mut Option<Speculation>,
    ) -> ScanResult<bool> {
        loop {
            if let Some(h) = helper.as_ref() {
                lx.peek()?;
                match h.at(lx.offset()) {
                    Guess::Ahead => {}
                    Guess::Missed => {
                        if let Some(h) = helper.take() {
                            h.cancel();
                        }
                    }
                    Guess::Here => {
                        if let Some(h) = helper.take() {
                            if let Some(found) = h.join() {
                                let (rest, rest_lx) = found?;
                                let newlines = lx.newlines;
                                *lx = rest_lx;
                                lx.newlines += newlines;
                                self.append(rest);
                                return Ok(true);
                            }
                        }
                    }
                }
            }
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
                return Ok(false);
            }
        }
    }

    /// A helper's scan: from the key of a CityObject through the end of the whole value.
    pub(super) fn rest_from_object_key(
        lx: &mut BoxLexer,
        input_len: Option<u64>,
    ) -> ScanResult<FirstPass> {
        let mut fp = FirstPass::new();
        fp.objects_from_key(lx, &mut None)?;
        if lx.more(b'}')? {
            fp.members(lx, None, input_len)?;
        }
        fp.value_span.1 = lx.offset();
        Ok(fp)
    }

    /// Adds what a helper found after its starting point, as a serial scan would have.
    fn append(&mut self, rest: FirstPass) {
        if rest.kind.is_some() {
            self.kind = rest.kind;
        }
        if rest.version.is_some() {
            self.version = rest.version;
        }
        self.members.extend(rest.members);
        self.spans.extend(rest.spans);
        self.header_newlines += rest.header_newlines;
        self.value_span.1 = rest.value_span.1;
        if rest.saw_vertices {
            if !self.saw_vertices {
                self.int_vertices = rest.int_vertices;
                self.float_vertices = rest.float_vertices;
            } else {
                let floats = |v: &[[i64; 3]]| -> Vec<[f64; 3]> {
                    v.iter()
                        .map(|v| [v[0] as f64, v[1] as f64, v[2] as f64])
                        .collect()
                };
                match (self.float_vertices.take(), rest.float_vertices) {
                    (None, None) => self.int_vertices.extend(rest.int_vertices),
                    (mine, theirs) => {
                        let mut all = mine.unwrap_or_else(|| floats(&self.int_vertices));
                        all.extend(theirs.unwrap_or_else(|| floats(&rest.int_vertices)));
                        self.float_vertices = Some(all);
                    }
                }
            }
            self.saw_vertices = true;
        }
    }

    fn scan_vertices(&mut self, lx: &mut BoxLexer, input_len: Option<u64>) -> ScanResult<()> {
        self.saw_vertices = true;
        if let Some(len) = input_len {
            // A vertex takes at least 8 bytes ("[1,2,3],"), usually 16 or more: reserving for
            // that many saves the copies of growing (untouched capacity costs no memory).
            let rest = len.saturating_sub(lx.offset());
            self.int_vertices.reserve((rest / 16) as usize);
        }
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
        &mut self,
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
                        app.materials
                            .iter_mut()
                            .for_each(|m| members::upgrade_material(std::sync::Arc::make_mut(m)));
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
                std::mem::take(&mut self.int_vertices)
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
