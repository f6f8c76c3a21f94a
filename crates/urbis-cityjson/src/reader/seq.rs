//! CityJSONSeq: line batches parsed in parallel.

use super::{extent_of, line_error, merge_summaries, scan_error, SeqFile};
use crate::de::{ObjectsSeed, ReadContext, Str};
use crate::error::{Error, Location, Result};
use crate::localize;
use crate::members;
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::path::Path;
use urbis_model::{Feature, Summary, Transform};

impl SeqFile {
    /// The next non-blank lines (with their line numbers), about `budget` bytes of them and at
    /// most 4096; empty at the end of the input.
    pub(super) fn read_lines(&mut self, path: &Path, budget: usize) -> Result<Vec<(u64, Vec<u8>)>> {
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

    pub(super) fn summarize(
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

impl SeqFile {
    pub(super) fn next_batch(
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
            .map(|(number, line)| {
                let feature = parse_feature_line(path, *number, line, ctx)?;
                if self.transform_missing && !feature.vertices.is_empty() && !ctx.legacy {
                    return Err(Error::Invalid {
                        path: path.to_path_buf(),
                        location: Location {
                            line: Some(*number),
                            column: None,
                            object: Some(feature.id.clone()),
                        },
                        message: "the feature has vertices but the CityJSONSeq header has no \"transform\"".into(),
                    });
                }
                Ok(feature)
            })
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
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => kind = Some(map.next_value()?),
                "id" => id = Some(map.next_value::<String>()?),
                "CityObjects" => objects = Some(map.next_value_seed(ObjectsSeed(self.0))?),
                "vertices" => vertices = Some(map.next_value::<Vec<[i64; 3]>>()?),
                "appearance" if !self.0.full => {
                    map.next_value::<de::IgnoredAny>()?;
                }
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
