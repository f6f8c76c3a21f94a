//! Reading CityJSON (1.0, 1.1, 2.0) and CityJSONSeq as a stream of features.
//!
//! Whole files are read in two passes with bounded memory: a first pass over the bytes notes
//! each CityObject's byte span and parent and parses the vertices; features (a top-level object
//! and its descendants) are then read object by object from their spans and parsed in parallel.
//! CityJSONSeq is read line by line. Standard input (`-`) works for both: a whole file on stdin
//! is spooled to an unnamed temporary file during the first pass.

use crate::de::{ObjectsSeed, ReadContext};
use crate::error::{Error, Location, Result};
use crate::localize;
use crate::members;
use crate::scan::{Lexer, Number, ScanError};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use urbis_model::{Appearance, CityObject, Feature, Header, JsonMap, Summary, Transform};

/// Which encoding the input turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// One CityJSON object.
    CityJson,
    /// CityJSONSeq: a CityJSON header line, then one CityJSONFeature per line.
    CityJsonSeq,
}

/// A feature's objects as bytes: (object number, its bytes).
type RawFeature<'a> = (u32, Vec<(u32, &'a [u8])>);

/// One CityObject's place in a whole file (first pass).
struct Span {
    id: String,
    start: u64,
    end: u64,
    parent: Option<String>,
}

struct WholeFile {
    source: File,
    spans: Vec<Span>,
    /// Object numbers per feature, root first.
    features: Vec<Vec<u32>>,
    next: usize,
    vertices: Vec<[i64; 3]>,
    appearance: Option<Appearance>,
}

struct SeqFile {
    lexer: Lexer<Box<dyn Read + Send>>,
    line: u64,
    done: bool,
    /// A first line that is itself a feature (a CityJSONSeq without its header line).
    pending: Option<Vec<u8>>,
}

enum Mode {
    Whole(WholeFile),
    Seq(SeqFile),
}

/// A streaming reader of CityJSON and CityJSONSeq.
///
/// ```no_run
/// let mut reader = urbis_cityjson::Reader::open("city.city.json".as_ref())?;
/// println!("{:?}", reader.header().crs());
/// while let Some(batch) = reader.next_batch()? {
///     for feature in batch {
///         println!("{} has {} objects", feature.id, feature.objects.len());
///     }
/// }
/// # Ok::<(), urbis_cityjson::Error>(())
/// ```
pub struct Reader {
    path: PathBuf,
    header: Header,
    ctx: ReadContext,
    mode: Mode,
    batch_bytes: usize,
    warnings: Vec<String>,
}

fn syntax(path: &Path, offset: u64, source: Option<&File>, message: String) -> Error {
    Error::Syntax {
        path: path.to_path_buf(),
        location: locate(source, offset),
        message,
    }
}

/// serde_json's message without its own "at line L column C" (the caller says where).
fn serde_message(e: &serde_json::Error) -> String {
    e.to_string()
        .split(" at line ")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A syntax error on line `line` of a CityJSONSeq.
fn line_error(path: &Path, line: u64, e: &serde_json::Error) -> Error {
    Error::Syntax {
        path: path.to_path_buf(),
        location: Location {
            line: Some(line),
            column: Some(e.column() as u64),
            object: None,
        },
        message: serde_message(e),
    }
}

/// Line and column of a byte offset, by counting newlines in the file (error paths only).
fn locate(source: Option<&File>, offset: u64) -> Location {
    let mut loc = Location {
        line: None,
        column: Some(offset + 1),
        object: None,
    };
    let Some(file) = source else { return loc };
    let Ok(mut file) = file.try_clone() else {
        return loc;
    };
    if file.rewind().is_err() {
        return loc;
    }
    let mut reader = BufReader::new(file).take(offset);
    let (mut line, mut col) = (1u64, 1u64);
    let mut buf = [0u8; 65536];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        for &c in &buf[..n] {
            if c == b'\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
    }
    loc.line = Some(line);
    loc.column = Some(col);
    loc
}

fn scan_error(path: &Path, source: Option<&File>, e: ScanError) -> Error {
    match e.io {
        Some(io) => Error::io(path, io),
        None => syntax(path, e.offset, source, e.message),
    }
}

impl Reader {
    /// Opens a file, or standard input when `path` is `-`.
    pub fn open(path: &Path) -> Result<Reader> {
        let is_stdin = path.as_os_str() == "-";
        let display = if is_stdin {
            PathBuf::from("<stdin>")
        } else {
            path.to_path_buf()
        };
        let (input, source): (Box<dyn Read + Send>, Option<File>) = if is_stdin {
            (Box::new(std::io::stdin()), None)
        } else {
            let file = File::open(path).map_err(|e| Error::io(path, e))?;
            let clone = file.try_clone().map_err(|e| Error::io(path, e))?;
            (Box::new(file), Some(clone))
        };
        let mut lexer = Lexer::new(input);
        let mut spool = None;
        if is_stdin {
            let file = tempfile::tempfile().map_err(|e| Error::io(&display, e))?;
            let writer = std::io::BufWriter::with_capacity(
                1 << 20,
                file.try_clone().map_err(|e| Error::io(&display, e))?,
            );
            lexer
                .set_tee(Box::new(writer))
                .map_err(|e| scan_error(&display, None, e))?;
            spool = Some(file);
        }
        let first =
            FirstPass::run(&mut lexer).map_err(|e| scan_error(&display, source.as_ref(), e))?;
        let rest = lexer
            .peek()
            .map_err(|e| scan_error(&display, source.as_ref(), e))?;
        lexer
            .take_tee()
            .map_err(|e| scan_error(&display, source.as_ref(), e))?;
        if first.kind.as_deref() == Some("CityJSONFeature") {
            // Features without the CityJSON header line: read them as they are.
            let (start, end) = first.value_span;
            let mut bytes = vec![0u8; (end - start) as usize];
            let src = source.as_ref().or(spool.as_ref());
            if let Some(f) = src {
                f.read_exact_at(&mut bytes, start)
                    .map_err(|e| Error::io(&display, e))?;
            }
            let header = Header {
                source_version: "2.0".into(),
                ..Default::default()
            };
            let warnings = vec![format!(
                "{}: no CityJSON header line before the first CityJSONFeature: no transform or CRS is known, coordinates are taken as they are (scale 1, translate 0)",
                display.display()
            )];
            let done = rest.is_none();
            return Ok(Reader {
                path: display,
                header,
                ctx: ReadContext { legacy: false },
                mode: Mode::Seq(SeqFile {
                    line: 1 + lexer.newlines + first.header_newlines,
                    lexer,
                    done,
                    pending: Some(bytes),
                }),
                batch_bytes: 2 << 20,
                warnings,
            });
        }
        let (header, ctx, appearance, vertices) = first.header(&display, rest.is_some())?;
        let mode = match rest {
            None => {
                let source = match (source, spool) {
                    (Some(f), _) | (None, Some(f)) => f,
                    (None, None) => {
                        return Err(Error::io(&display, std::io::Error::other("no source")))
                    }
                };
                let features = group_features(&first.spans);
                Mode::Whole(WholeFile {
                    source,
                    spans: first.spans,
                    features,
                    next: 0,
                    vertices,
                    appearance,
                })
            }
            Some(b'{') => {
                if !first.spans.is_empty() {
                    return Err(Error::Invalid {
                        path: display,
                        location: Location {
                            line: Some(1),
                            ..Default::default()
                        },
                        message: "the first line of a CityJSONSeq must have an empty CityObjects"
                            .into(),
                    });
                }
                Mode::Seq(SeqFile {
                    line: 1 + lexer.newlines + first.header_newlines,
                    lexer,
                    done: false,
                    pending: None,
                })
            }
            Some(c) => {
                return Err(syntax(
                    &display,
                    lexer.offset(),
                    source.as_ref(),
                    format!(
                        "unexpected '{}' after the end of the CityJSON object",
                        c as char
                    ),
                ))
            }
        };
        Ok(Reader {
            path: display,
            header,
            ctx,
            mode,
            batch_bytes: 2 << 20,
            warnings: Vec::new(),
        })
    }

    /// Things worth telling the user that did not stop the reading.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The city-model-wide members.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The file name used in messages (`<stdin>` for standard input).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the input is CityJSON or CityJSONSeq.
    pub fn encoding(&self) -> Encoding {
        match self.mode {
            Mode::Whole(_) => Encoding::CityJson,
            Mode::Seq(_) => Encoding::CityJsonSeq,
        }
    }

    /// Number of features, when known in advance (whole files).
    pub fn feature_count(&self) -> Option<usize> {
        match &self.mode {
            Mode::Whole(w) => Some(w.features.len()),
            Mode::Seq(_) => None,
        }
    }

    /// Number of vertices of a whole file (its `vertices` array), when known.
    pub fn vertex_count(&self) -> Option<usize> {
        match &self.mode {
            Mode::Whole(w) => Some(w.vertices.len()),
            Mode::Seq(_) => None,
        }
    }

    /// The next few features in input order (parsed in parallel), or `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Feature>>> {
        let path = self.path.clone();
        let ctx = self.ctx;
        let budget = self.batch_bytes;
        match &mut self.mode {
            Mode::Whole(w) => w.next_batch(&path, ctx, budget),
            Mode::Seq(s) => s.next_batch(&path, ctx, budget),
        }
    }

    /// Counts what `urbis info` reports without building the features: types, attribute
    /// names, LoDs, geometry and semantic types, vertices and their extent. Structure is checked
    /// as far as counting needs (types, vertex indices in range, feature ids), not fully.
    pub fn summarize(&mut self) -> Result<Summary> {
        let path = self.path.clone();
        let ctx = self.ctx;
        let t = self.header.transform;
        let budget = self.batch_bytes;
        match &mut self.mode {
            Mode::Whole(w) => w.summarize(&path, ctx, &t),
            Mode::Seq(s) => s.summarize(&path, ctx, &t, budget),
        }
    }

    /// Reads every remaining feature into one vector (for small inputs and tests).
    pub fn read_all(&mut self) -> Result<Vec<Feature>> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch()? {
            all.extend(batch);
        }
        Ok(all)
    }
}

impl Iterator for Reader {
    type Item = Result<Vec<Feature>>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}

/// Groups objects into features: each object goes with its first parent's feature.
fn group_features(spans: &[Span]) -> Vec<Vec<u32>> {
    let index: HashMap<&str, u32> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i as u32))
        .collect();
    let n = spans.len();
    let mut root = vec![u32::MAX; n];
    for i in 0..n {
        if root[i] != u32::MAX {
            continue;
        }
        // Walk up the first-parent chain (guarding against cycles).
        let mut chain = vec![i as u32];
        let mut cur = i as u32;
        let found = loop {
            let parent = spans[cur as usize]
                .parent
                .as_deref()
                .and_then(|p| index.get(p))
                .copied();
            match parent {
                Some(p) if root[p as usize] != u32::MAX => break root[p as usize],
                Some(p) if !chain.contains(&p) && chain.len() < 64 => {
                    chain.push(p);
                    cur = p;
                }
                _ => break cur,
            }
        };
        for c in chain {
            root[c as usize] = found;
        }
    }
    let mut slot = vec![u32::MAX; n];
    let mut features: Vec<Vec<u32>> = Vec::new();
    for (i, &r) in root.iter().enumerate() {
        let r = r as usize;
        if slot[r] == u32::MAX {
            slot[r] = features.len() as u32;
            features.push(vec![r as u32]);
        }
        if r != i {
            features[slot[r] as usize].push(i as u32);
        }
    }
    features
}

impl WholeFile {
    fn next_batch(
        &mut self,
        path: &Path,
        ctx: ReadContext,
        budget: usize,
    ) -> Result<Option<Vec<Feature>>> {
        if self.next >= self.features.len() {
            return Ok(None);
        }
        // Per feature: (object number, its bytes) for each of its objects.
        let mut raw: Vec<RawFeature<'_>> = Vec::new();
        let mut bytes = 0usize;
        let first = self.next;
        while self.next < self.features.len() && (bytes < budget || self.next == first) {
            for &m in &self.features[self.next] {
                let span = &self.spans[m as usize];
                bytes += (span.end - span.start) as usize;
            }
            self.next += 1;
        }
        // Read the batch's objects with as few reads as possible: spans sorted by offset and
        // merged where the gap between them is small.
        let mut wanted: Vec<u32> = self.features[first..self.next]
            .iter()
            .flatten()
            .copied()
            .collect();
        wanted.sort_unstable_by_key(|&m| self.spans[m as usize].start);
        let mut blocks: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut k = 0;
        while k < wanted.len() {
            let start = self.spans[wanted[k] as usize].start;
            let mut end = self.spans[wanted[k] as usize].end;
            let mut l = k + 1;
            while l < wanted.len() && self.spans[wanted[l] as usize].start <= end + (64 << 10) {
                end = end.max(self.spans[wanted[l] as usize].end);
                l += 1;
            }
            let mut buf = vec![0u8; (end - start) as usize];
            self.source
                .read_exact_at(&mut buf, start)
                .map_err(|e| Error::io(path, e))?;
            blocks.push((start, buf));
            k = l;
        }
        let slice = |span: &Span| -> &[u8] {
            let b = blocks
                .partition_point(|(s, _)| *s <= span.start)
                .saturating_sub(1);
            let (s, buf) = &blocks[b];
            &buf[(span.start - s) as usize..(span.end - s) as usize]
        };
        for f in first..self.next {
            let objs = self.features[f]
                .iter()
                .map(|&m| (m, slice(&self.spans[m as usize])))
                .collect();
            raw.push((f as u32, objs));
        }
        let spans = &self.spans;
        let vertices = &self.vertices;
        let appearance = self.appearance.as_ref();
        let source = &self.source;
        let features: Vec<Result<Feature>> = raw
            .par_iter()
            .map(|(_, objs)| {
                let mut objects = Vec::with_capacity(objs.len());
                for (m, buf) in objs {
                    let span = &spans[*m as usize];
                    let object = ObjectSeed(span.id.as_str(), ctx).parse(buf).map_err(
                        |(offset, message)| {
                            let mut location = locate(Some(source), span.start + offset);
                            location.object = Some(span.id.clone());
                            Error::Syntax {
                                path: path.to_path_buf(),
                                location,
                                message,
                            }
                        },
                    )?;
                    objects.push(object);
                }
                let invalid = |(object, message): (String, String)| Error::Invalid {
                    path: path.to_path_buf(),
                    location: Location {
                        object: Some(object),
                        ..Default::default()
                    },
                    message,
                };
                let local = localize::localize_vertices(&mut objects, vertices).map_err(invalid)?;
                let app = match appearance {
                    Some(app) => {
                        localize::localize_appearance(&mut objects, app).map_err(invalid)?
                    }
                    None => {
                        localize::check_appearance(&objects, None).map_err(invalid)?;
                        None
                    }
                };
                Ok(Feature {
                    id: objects[0].id.clone(),
                    objects,
                    vertices: local,
                    appearance: app,
                    extra: JsonMap::new(),
                })
            })
            .collect();
        features.into_iter().collect::<Result<Vec<_>>>().map(Some)
    }
}

/// The real-coordinate extent of quantised bounds.
fn extent_of(lo: [i64; 3], hi: [i64; 3], t: &Transform) -> [f64; 6] {
    let (a, b) = (t.apply(lo), t.apply(hi));
    [a[0], a[1], a[2], b[0], b[1], b[2]]
}

fn merge_summaries(mut a: Summary, b: Summary) -> Summary {
    a.merge(b);
    a
}

impl WholeFile {
    fn summarize(&mut self, path: &Path, ctx: ReadContext, t: &Transform) -> Result<Summary> {
        let mut summary = Summary {
            features: self.features.len() as u64,
            vertices: self.vertices.len() as u64,
            ..Default::default()
        };
        if let Some(first) = self.vertices.first() {
            let (mut lo, mut hi) = (*first, *first);
            for v in &self.vertices {
                for a in 0..3 {
                    lo[a] = lo[a].min(v[a]);
                    hi[a] = hi[a].max(v[a]);
                }
            }
            summary.extent = Some(extent_of(lo, hi, t));
        }
        let nverts = self.vertices.len() as u64;
        let block = 4usize << 20;
        let mut i = 0;
        let mut buf = Vec::new();
        while i < self.spans.len() {
            let start = self.spans[i].start;
            let mut j = i + 1;
            while j < self.spans.len() && ((self.spans[j].end - start) as usize) < block {
                j += 1;
            }
            let end = self.spans[j - 1].end;
            buf.resize((end - start) as usize, 0);
            self.source
                .read_exact_at(&mut buf, start)
                .map_err(|e| Error::io(path, e))?;
            let source = &self.source;
            let part = self.spans[i..j]
                .par_iter()
                .try_fold(Summary::default, |mut s, span| {
                    let bytes = &buf[(span.start - start) as usize..(span.end - start) as usize];
                    let mut d = serde_json::Deserializer::from_slice(bytes);
                    let result = crate::summarize::ObjectCounter {
                        summary: &mut s,
                        ctx,
                    }
                    .deserialize(&mut d);
                    let fail = |offset: u64, message: String| {
                        let mut location = locate(Some(source), span.start + offset);
                        location.object = Some(span.id.clone());
                        Error::Syntax {
                            path: path.to_path_buf(),
                            location,
                            message,
                        }
                    };
                    if let Err(e) = result {
                        let offset = offset_of(bytes, e.line(), e.column());
                        return Err(fail(offset, serde_message(&e)));
                    }
                    if let Some(max) = s.max_vertex_index.filter(|&m| m >= nverts) {
                        return Err(Error::Invalid {
                            path: path.to_path_buf(),
                            location: Location {
                                object: Some(span.id.clone()),
                                ..Default::default()
                            },
                            message: format!(
                                "vertex index {max} is out of range ({nverts} vertices)"
                            ),
                        });
                    }
                    Ok(s)
                })
                .try_reduce(Summary::default, |a, b| Ok(merge_summaries(a, b)))?;
            summary.merge(part);
            i = j;
        }
        self.next = self.features.len();
        Ok(summary)
    }
}

impl SeqFile {
    /// The next non-blank lines (with their line numbers), about `budget` bytes of them and at
    /// most 4096; empty at the end of the input.
    fn read_lines(&mut self, path: &Path, budget: usize) -> Result<Vec<(u64, Vec<u8>)>> {
        let mut lines: Vec<(u64, Vec<u8>)> = Vec::new();
        if let Some(first) = self.pending.take() {
            lines.push((1, first));
        }
        let mut bytes = 0;
        while !self.done && bytes < budget && lines.len() < 4096 {
            let mut line = Vec::new();
            let more = self
                .lexer
                .read_line(&mut line)
                .map_err(|e| scan_error(path, None, e))?;
            let number = self.line;
            self.line += 1;
            if !more {
                self.done = true;
            }
            if !line.iter().all(|c| c.is_ascii_whitespace()) {
                bytes += line.len();
                lines.push((number, line));
            }
        }
        Ok(lines)
    }

    fn summarize(
        &mut self,
        path: &Path,
        ctx: ReadContext,
        t: &Transform,
        budget: usize,
    ) -> Result<Summary> {
        let mut summary = Summary::default();
        let mut bounds: Bounds = None;
        loop {
            let lines = self.read_lines(path, budget)?;
            if lines.is_empty() {
                break;
            }
            let (part, part_bounds) = lines
                .par_iter()
                .try_fold(
                    || (Summary::default(), None),
                    |(mut s, mut b): (Summary, Bounds), (number, line)| {
                        let mut d = serde_json::Deserializer::from_slice(line);
                        crate::summarize::FeatureCounter {
                            summary: &mut s,
                            ctx,
                            bounds: &mut b,
                        }
                        .deserialize(&mut d)
                        .map_err(|e| line_error(path, *number, &e))?;
                        Ok((s, b))
                    },
                )
                .try_reduce(
                    || (Summary::default(), None),
                    |(a, ab), (b, bb)| Ok((merge_summaries(a, b), union(ab, bb))),
                )?;
            summary.merge(part);
            bounds = union(bounds, part_bounds);
        }
        summary.extent = bounds.map(|(lo, hi)| extent_of(lo, hi, t));
        Ok(summary)
    }
}

type Bounds = Option<([i64; 3], [i64; 3])>;

fn union(a: Bounds, b: Bounds) -> Bounds {
    match (a, b) {
        (Some((alo, ahi)), Some((blo, bhi))) => {
            let mut lo = alo;
            let mut hi = ahi;
            for k in 0..3 {
                lo[k] = lo[k].min(blo[k]);
                hi[k] = hi[k].max(bhi[k]);
            }
            Some((lo, hi))
        }
        (x, None) | (None, x) => x,
    }
}

/// Parses one CityObject from its bytes; errors carry the byte offset within them.
struct ObjectSeed<'a>(&'a str, ReadContext);

impl ObjectSeed<'_> {
    fn parse(&self, buf: &[u8]) -> std::result::Result<CityObject, (u64, String)> {
        let mut d = serde_json::Deserializer::from_slice(buf);
        let seed = crate::de::ObjectSeed {
            id: self.0,
            ctx: self.1,
        };
        let result = seed.deserialize(&mut d).and_then(|o| d.end().map(|_| o));
        result.map_err(|e| {
            // serde_json counts lines and columns within `buf`: turn them into a byte offset.
            let offset = offset_of(buf, e.line(), e.column());
            (offset, serde_message(&e))
        })
    }
}

/// Byte offset of a 1-based line and column within `buf`.
fn offset_of(buf: &[u8], line: usize, column: usize) -> u64 {
    let mut offset = 0usize;
    for _ in 1..line {
        match memchr::memchr(b'\n', &buf[offset..]) {
            Some(i) => offset += i + 1,
            None => break,
        }
    }
    (offset + column.saturating_sub(1)).min(buf.len()) as u64
}

impl SeqFile {
    fn next_batch(
        &mut self,
        path: &Path,
        ctx: ReadContext,
        budget: usize,
    ) -> Result<Option<Vec<Feature>>> {
        let lines = self.read_lines(path, budget)?;
        if lines.is_empty() {
            return Ok(None);
        }
        let features: Vec<Result<Feature>> = lines
            .par_iter()
            .map(|(number, line)| parse_feature_line(path, *number, line, ctx))
            .collect();
        features.into_iter().collect::<Result<Vec<_>>>().map(Some)
    }
}

/// Parses one CityJSONFeature (a CityJSONSeq line).
pub(crate) fn parse_feature_line(
    path: &Path,
    line: u64,
    bytes: &[u8],
    ctx: ReadContext,
) -> Result<Feature> {
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let result = FeatureSeed(ctx)
        .deserialize(&mut d)
        .and_then(|f| d.end().map(|_| f));
    let feature = result.map_err(|e| line_error(path, line, &e))?;
    let invalid = |object: Option<String>, message: String| Error::Invalid {
        path: path.to_path_buf(),
        location: Location {
            line: Some(line),
            column: None,
            object,
        },
        message,
    };
    if feature.root().is_none() {
        return Err(invalid(
            Some(feature.id.clone()),
            format!(
                "the CityJSONFeature's id \"{}\" is not one of its CityObjects",
                feature.id
            ),
        ));
    }
    if let Err((object, e)) = feature.check_vertex_indices() {
        return Err(invalid(Some(object), e.to_string()));
    }
    localize::check_appearance(&feature.objects, feature.appearance.as_ref())
        .map_err(|(object, message)| invalid(Some(object), message))?;
    Ok(feature)
}

struct FeatureSeed(ReadContext);

impl<'de> DeserializeSeed<'de> for FeatureSeed {
    type Value = Feature;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Feature, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureSeed {
    type Value = Feature;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityJSONFeature object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Feature, A::Error> {
        let mut feature = Feature::default();
        let mut kind: Option<String> = None;
        let mut id = None;
        let mut objects = None;
        let mut vertices = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => kind = Some(map.next_value()?),
                "id" => id = Some(map.next_value::<String>()?),
                "CityObjects" => objects = Some(map.next_value_seed(ObjectsSeed(self.0))?),
                "vertices" => vertices = Some(map.next_value::<Vec<[i64; 3]>>()?),
                "appearance" => {
                    let v: Value = map.next_value()?;
                    feature.appearance = Some(members::appearance(v).map_err(de::Error::custom)?);
                }
                _ => {
                    let v: Value = map.next_value()?;
                    feature.extra.insert(key.into_owned(), v);
                }
            }
        }
        match kind.as_deref() {
            Some("CityJSONFeature") => {}
            Some(other) => {
                return Err(de::Error::custom(format!(
                    "expected a CityJSONFeature, found type \"{other}\""
                )))
            }
            None => return Err(de::Error::missing_field("type")),
        }
        feature.id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        feature.objects = objects.ok_or_else(|| de::Error::missing_field("CityObjects"))?;
        feature.vertices = vertices.ok_or_else(|| de::Error::missing_field("vertices"))?;
        // The root object first.
        if let Some(pos) = feature.objects.iter().position(|o| o.id == feature.id) {
            feature.objects[..=pos].rotate_right(1);
        }
        Ok(feature)
    }
}

/// What the first pass over the first JSON value found.
struct FirstPass {
    members: Vec<(String, Vec<u8>)>,
    kind: Option<String>,
    version: Option<String>,
    spans: Vec<Span>,
    int_vertices: Vec<[i64; 3]>,
    float_vertices: Option<Vec<[f64; 3]>>,
    saw_vertices: bool,
    header_newlines: u64,
    /// Byte range of the first JSON value.
    value_span: (u64, u64),
}

impl FirstPass {
    fn run<R: Read>(lx: &mut Lexer<R>) -> std::result::Result<FirstPass, ScanError> {
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
    fn header(
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
        let ctx = ReadContext { legacy };
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
                // CityJSON 1.0 without transform: quantise to millimetres, as upgrades do.
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
                let t = Transform {
                    scale: [0.001; 3],
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
                // Nothing to transform here; a CityJSONSeq's features are then read with
                // the identity transform.
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
