//! Whole CityJSON files: features grouped from the first pass's spans, read with coalesced
//! preads and parsed in parallel.

use super::{extent_of, locate, merge_summaries, serde_message, RawFeature, Span, WholeFile};
use crate::de::ReadContext;
use crate::error::{Error, Location, Result};
use crate::localize;
use rayon::prelude::*;
use serde::de::DeserializeSeed;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use urbis_model::{CityObject, Feature, JsonMap, Summary, Transform};

/// Groups objects into features: each top-level object (followed its first-parent chain up)
/// with all its descendants, root first.
pub(super) fn group_features(spans: &[Span]) -> Vec<Vec<u32>> {
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
    pub(super) fn next_batch(
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
        let appearance = self.appearance.as_ref().filter(|_| ctx.full);
        let source = &self.source;
        let features: Vec<Result<Feature>> = raw
            .par_iter()
            .map(|(_, objs)| {
                let mut objects = Vec::with_capacity(objs.len());
                for (m, buf) in objs {
                    let span = &spans[*m as usize];
                    let object = ObjectSeed(span.id.as_str(), ctx).parse(buf).map_err(
                        |(offset, message)| object_syntax(path, source, span, offset, message),
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

impl WholeFile {
    pub(super) fn summarize(
        &mut self,
        path: &Path,
        ctx: ReadContext,
        t: &Transform,
    ) -> Result<Summary> {
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
                        object_syntax(path, source, span, offset, message)
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

/// A syntax error at `offset` bytes into an object's span, located by line and column in the
/// file and by the object's id.
fn object_syntax(path: &Path, source: &File, span: &Span, offset: u64, message: String) -> Error {
    let mut location = locate(Some(source), span.start + offset);
    location.object = Some(span.id.clone());
    Error::Syntax {
        path: path.to_path_buf(),
        location,
        message,
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
