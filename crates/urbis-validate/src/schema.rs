//! Schema checks of CityJSON, implemented natively (what the official JSON Schemas require:
//! member types, required members, CityObject and geometry types, LoD, boundary nesting,
//! semantics, materials, textures, extensions). Whole files are read member by member and
//! CityObject by CityObject, so only one object is in memory at a time; CityJSONSeq line by
//! line. The official schemas serve as the oracle in the tests.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use urbis_model::CityObjectType;

/// One way a file breaks the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaIssue {
    /// JSON pointer of the offending value (e.g. `/CityObjects/b1/geometry/0/lod`).
    pub pointer: String,
    /// The line (CityJSONSeq) where it is, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

/// The CityJSON versions with a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V10,
    V11,
    V20,
}

/// Collects issues, at most `limit` of them.
struct Sink {
    issues: Vec<SchemaIssue>,
    line: Option<u64>,
    limit: usize,
    /// Per CityObject: (id, children, parents), for the consistency check.
    links: Vec<(String, Vec<String>, Vec<String>)>,
    /// Which vertices of a whole file the geometries use (a bit per vertex).
    used: Vec<u64>,
    /// Duplicate keys (root members, CityObject ids): structure errors, which the schema
    /// cannot see since JSON parsers keep one of the values.
    duplicates: Vec<SchemaIssue>,
}

impl Sink {
    fn duplicate(&mut self, pointer: String, message: String) {
        if self.duplicates.len() < self.limit {
            self.duplicates.push(SchemaIssue {
                pointer,
                line: self.line,
                message,
            });
        }
    }
}

impl Sink {
    fn push(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        if self.issues.len() < self.limit {
            self.issues.push(SchemaIssue {
                pointer: pointer.into(),
                line: self.line,
                message: message.into(),
            });
        }
    }
}

/// Checks the file at `path` (CityJSON or CityJSONSeq) against the CityJSON schema of its
/// version; at most `limit` issues are returned. A file that is not JSON gives one issue.
pub fn check_schema(path: &Path, limit: usize) -> Vec<SchemaIssue> {
    check_file(path, limit).schema
}

/// What the schema and structure pass found.
#[derive(Debug, Clone, Default)]
pub struct FileChecks {
    /// Breaches of the CityJSON schema.
    pub schema: Vec<SchemaIssue>,
    /// Structural errors beyond the schema: duplicate keys (root members, CityObject ids),
    /// parents/children links that do not match.
    pub structure: Vec<SchemaIssue>,
    /// Structural warnings: unused vertices.
    pub warnings: Vec<String>,
}

/// The schema checks plus the structure checks (parents/children consistency, unused
/// vertices of whole files).
pub fn check_file(path: &Path, limit: usize) -> FileChecks {
    let mut sink = Sink {
        issues: Vec::new(),
        line: None,
        limit,
        links: Vec::new(),
        used: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut out = FileChecks::default();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            sink.push("", format!("cannot read the file: {e}"));
            out.schema = sink.issues;
            return out;
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    // CityJSONSeq when the first line is a complete JSON value followed by more lines.
    // The first line, up to 8 MB (a whole file on one line is not read in full here).
    let mut first = Vec::new();
    if let Err(e) = (&mut reader).take(8 << 20).read_until(b'\n', &mut first) {
        sink.push("", format!("cannot read the file: {e}"));
        out.schema = sink.issues;
        return out;
    }
    let is_seq =
        first.last() == Some(&b'\n') && serde_json::from_slice::<IgnoredAny>(&first).is_ok() && {
            let rest = reader.fill_buf().map(|b| !b.is_empty()).unwrap_or(false);
            rest
        };
    if is_seq {
        check_seq(first, reader, &mut sink);
    } else {
        let chained = std::io::Cursor::new(first).chain(reader);
        let mut d = serde_json::Deserializer::from_reader(chained);
        let seed = RootSeed { sink: &mut sink };
        match seed.deserialize(&mut d).and_then(|n| d.end().map(|_| n)) {
            Ok(Some(count)) => {
                let used: usize = sink.used.iter().map(|w| w.count_ones() as usize).sum();
                if count > used {
                    out.warnings.push(format!(
                        "{} of {count} vertices are not used by any geometry",
                        count - used
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => sink.push("", format!("line {} column {}: {e}", e.line(), e.column())),
        }
    }
    out.structure = std::mem::take(&mut sink.duplicates);
    out.structure.extend(link_issues(&sink.links, limit));
    out.schema = sink.issues;
    out
}

/// Parents and children must name existing objects and name each other.
fn link_issues(links: &[(String, Vec<String>, Vec<String>)], limit: usize) -> Vec<SchemaIssue> {
    use std::collections::HashMap;
    let index: HashMap<&str, usize> = links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.0.as_str(), i))
        .collect();
    let mut issues = Vec::new();
    let mut push = |id: &str, message: String| {
        if issues.len() < limit {
            issues.push(SchemaIssue {
                pointer: format!("/CityObjects/{id}"),
                line: None,
                message,
            });
        }
    };
    for (id, children, parents) in links {
        for c in children {
            match index.get(c.as_str()) {
                None => push(id, format!("child \"{c}\" does not exist")),
                Some(&k) if !links[k].2.contains(id) => {
                    push(id, format!("child \"{c}\" does not list it as a parent"))
                }
                _ => {}
            }
        }
        for p in parents {
            match index.get(p.as_str()) {
                None => push(id, format!("parent \"{p}\" does not exist")),
                Some(&k) if !links[k].1.contains(id) => {
                    push(id, format!("parent \"{p}\" does not list it as a child"))
                }
                _ => {}
            }
        }
    }
    issues
}

fn check_seq(first: Vec<u8>, reader: impl BufRead, sink: &mut Sink) {
    sink.line = Some(1);
    let version = match serde_json::from_slice::<Value>(&first) {
        Ok(Value::Object(feature))
            if feature.get("type").and_then(Value::as_str) == Some("CityJSONFeature") =>
        {
            // No header line: features only.
            check_feature(&feature, Version::V20, sink);
            Version::V20
        }
        Ok(Value::Object(header)) => {
            let v = check_root_members(&header, sink);
            if header
                .get("CityObjects")
                .and_then(Value::as_object)
                .is_some_and(|o| !o.is_empty())
            {
                sink.push(
                    "/CityObjects",
                    "the header line of a CityJSONSeq has CityObjects",
                );
            }
            check_members_present(&header, true, v, sink);
            v
        }
        Ok(_) => {
            sink.push("", "the header line is not a JSON object");
            Version::V20
        }
        Err(e) => {
            sink.push("", format!("not JSON: {e}"));
            return;
        }
    };
    for (n, line) in reader.split(b'\n').enumerate() {
        sink.line = Some(n as u64 + 2);
        let Ok(line) = line else {
            sink.push("", "cannot read the line");
            return;
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Value>(&line) {
            Ok(Value::Object(f)) => check_feature(&f, version, sink),
            Ok(_) => sink.push("", "a CityJSONFeature must be a JSON object"),
            Err(e) => sink.push("", format!("not JSON: {e}")),
        }
    }
}

fn check_feature(f: &Map<String, Value>, version: Version, sink: &mut Sink) {
    if f.get("type").and_then(Value::as_str) != Some("CityJSONFeature") {
        sink.push("/type", "\"type\" must be \"CityJSONFeature\"");
    }
    if !f.get("id").is_some_and(Value::is_string) {
        sink.push("/id", "\"id\" (a string) is required");
    }
    match f.get("CityObjects").and_then(Value::as_object) {
        Some(objects) => {
            for (id, o) in objects {
                check_object(id, o, version, sink);
            }
        }
        None => sink.push("/CityObjects", "\"CityObjects\" (an object) is required"),
    }
    match f.get("vertices").and_then(Value::as_array) {
        Some(vs) => {
            for (i, v) in vs.iter().enumerate() {
                check_vertex(i, v, true, sink);
            }
        }
        None => sink.push("/vertices", "\"vertices\" (an array) is required"),
    }
    if let Some(a) = f.get("appearance") {
        check_appearance(a, sink);
    }
}

/// The root object of a whole file, read member by member.
struct RootSeed<'a> {
    sink: &'a mut Sink,
}

impl<'de> DeserializeSeed<'de> for RootSeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<usize>, A::Error> {
        // Members before CityObjects/vertices are kept to know the version; CityJSON files
        // put "type" and "version" first in practice, and are re-checked at the end.
        let mut members = Map::new();
        let mut deferred_objects: Vec<(String, Value)> = Vec::new();
        let mut vertex_count = None;
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                self.sink.push(
                    format!("/{key}"),
                    format!("the member \"{key}\" appears twice"),
                );
            } else {
                seen.push(key.clone());
            }
            match key.as_str() {
                "CityObjects" => {
                    let version = version_of(&members);
                    map.next_value_seed(ObjectsSeed {
                        sink: self.sink,
                        version,
                        deferred: &mut deferred_objects,
                    })?;
                }
                "vertices" => {
                    let integers = members.contains_key("transform")
                        || version_of(&members) != Some(Version::V10);
                    vertex_count = Some(map.next_value_seed(VerticesSeed {
                        sink: self.sink,
                        integers,
                    })?);
                }
                _ => {
                    let v: Value = map.next_value()?;
                    members.insert(key, v);
                }
            }
        }
        if members.get("type").and_then(Value::as_str) == Some("CityJSONFeature") {
            // A lone CityJSONFeature.
            for (id, o) in &deferred_objects {
                check_object(id, o, Version::V20, self.sink);
            }
            if !members.get("id").is_some_and(Value::is_string) {
                self.sink.push("/id", "\"id\" (a string) is required");
            }
            if vertex_count.is_none() {
                self.sink
                    .push("/vertices", "\"vertices\" (an array) is required");
            }
            if let Some(a) = members.get("appearance") {
                check_appearance(a, self.sink);
            }
            return Ok(None);
        }
        let version = check_root_members(&members, self.sink);
        for (id, o) in &deferred_objects {
            check_object(id, o, version, self.sink);
        }
        members.insert("CityObjects".into(), Value::Object(Map::new()));
        if vertex_count.is_some() {
            members.insert("vertices".into(), Value::Array(Vec::new()));
        }
        check_members_present(&members, false, version, self.sink);
        Ok(vertex_count)
    }
}

fn version_of(members: &Map<String, Value>) -> Option<Version> {
    match members.get("version").and_then(Value::as_str)? {
        "1.0" => Some(Version::V10),
        "1.1" => Some(Version::V11),
        "2.0" => Some(Version::V20),
        _ => None,
    }
}

/// CityObjects one at a time; when the version is not known yet they are kept for later.
struct ObjectsSeed<'a> {
    sink: &'a mut Sink,
    version: Option<Version>,
    deferred: &'a mut Vec<(String, Value)>,
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
        let mut ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(id) = map.next_key::<String>()? {
            if !ids.insert(id.clone()) {
                self.sink.duplicate(
                    format!("/CityObjects/{id}"),
                    format!("the CityObject id \"{id}\" appears twice"),
                );
            }
            let o: Value = map.next_value()?;
            match self.version {
                Some(v) => check_object(&id, &o, v, self.sink),
                None => self.deferred.push((id, o)),
            }
        }
        Ok(())
    }
}

/// The vertex list, vertex by vertex; gives the count.
struct VerticesSeed<'a> {
    sink: &'a mut Sink,
    integers: bool,
}

impl<'de> DeserializeSeed<'de> for VerticesSeed<'_> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for VerticesSeed<'_> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of vertices")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut i = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            check_vertex(i, &v, self.integers, self.sink);
            i += 1;
        }
        Ok(i)
    }
}

fn check_vertex(i: usize, v: &Value, integers: bool, sink: &mut Sink) {
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

/// The root members other than CityObjects and vertices; returns the version to check with.
fn check_root_members(m: &Map<String, Value>, sink: &mut Sink) -> Version {
    if m.get("type").and_then(Value::as_str) != Some("CityJSON") {
        sink.push("/type", "\"type\" must be \"CityJSON\"");
    }
    let version = match version_of(m) {
        Some(v) => v,
        None => {
            sink.push(
                "/version",
                "\"version\" must be \"1.0\", \"1.1\" or \"2.0\"",
            );
            Version::V20
        }
    };
    match m.get("transform") {
        Some(t) => {
            for k in ["scale", "translate"] {
                let ok = t
                    .get(k)
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.len() == 3 && a.iter().all(Value::is_number));
                if !ok {
                    sink.push(
                        format!("/transform/{k}"),
                        format!("\"{k}\" must be 3 numbers"),
                    );
                }
            }
        }
        None if version != Version::V10 => {
            sink.push("/transform", "\"transform\" is required");
        }
        None => {}
    }
    if let Some(e) = m.get("extensions") {
        match e.as_object() {
            Some(exts) => {
                for (name, x) in exts {
                    for k in ["url", "version"] {
                        if !x.get(k).is_some_and(Value::is_string) {
                            sink.push(
                                format!("/extensions/{name}/{k}"),
                                format!("the Extension \"{name}\" needs \"{k}\" (a string)"),
                            );
                        }
                    }
                }
            }
            None => sink.push("/extensions", "\"extensions\" must be an object"),
        }
    }
    if let Some(md) = m.get("metadata") {
        if !md.is_object() {
            sink.push("/metadata", "\"metadata\" must be an object");
        } else if let Some(ge) = md.get("geographicalExtent") {
            if !is_numbers(ge, 6) {
                sink.push("/metadata/geographicalExtent", "must be 6 numbers");
            }
        }
    }
    if let Some(a) = m.get("appearance") {
        check_appearance(a, sink);
    }
    if let Some(t) = m.get("geometry-templates") {
        let ok = t.get("templates").is_some_and(Value::is_array)
            && t.get("vertices-templates")
                .and_then(Value::as_array)
                .is_some_and(|vs| vs.iter().all(|v| is_numbers(v, 3)));
        if !ok {
            sink.push(
                "/geometry-templates",
                "needs \"templates\" and \"vertices-templates\" (arrays of 3 numbers)",
            );
        }
    }
    version
}

fn check_members_present(m: &Map<String, Value>, seq: bool, _v: Version, sink: &mut Sink) {
    if !m.get("CityObjects").is_some_and(Value::is_object) {
        sink.push("/CityObjects", "\"CityObjects\" (an object) is required");
    }
    if !m.get("vertices").is_some_and(Value::is_array) && !seq {
        sink.push("/vertices", "\"vertices\" (an array) is required");
    }
}

fn is_numbers(v: &Value, n: usize) -> bool {
    v.as_array()
        .is_some_and(|a| a.len() == n && a.iter().all(Value::is_number))
}

fn check_appearance(a: &Value, sink: &mut Sink) {
    let Some(a) = a.as_object() else {
        sink.push("/appearance", "\"appearance\" must be an object");
        return;
    };
    if let Some(ms) = a.get("materials") {
        let ok = ms.as_array().is_some_and(|ms| {
            ms.iter()
                .all(|m| m.get("name").is_some_and(Value::is_string))
        });
        if !ok {
            sink.push("/appearance/materials", "each material needs a \"name\"");
        }
    }
    if let Some(ts) = a.get("textures") {
        let ok = ts.as_array().is_some_and(|ts| {
            ts.iter().all(|t| {
                t.get("image").is_some_and(Value::is_string)
                    && matches!(t.get("type").and_then(Value::as_str), Some("PNG" | "JPG"))
            })
        });
        if !ok {
            sink.push(
                "/appearance/textures",
                "each texture needs an \"image\" and a \"type\" (PNG or JPG)",
            );
        }
    }
    if let Some(vt) = a.get("vertices-texture") {
        let ok = vt
            .as_array()
            .is_some_and(|vs| vs.iter().all(|v| is_numbers(v, 2)));
        if !ok {
            sink.push("/appearance/vertices-texture", "must be pairs of numbers");
        }
    }
}

/// One CityObject.
fn check_object(id: &str, o: &Value, version: Version, sink: &mut Sink) {
    let at = format!("/CityObjects/{id}");
    let Some(o) = o.as_object() else {
        sink.push(at, "a CityObject must be an object");
        return;
    };
    match o.get("type").and_then(Value::as_str) {
        None => sink.push(format!("{at}/type"), "\"type\" (a string) is required"),
        Some(t) => {
            let known = match version {
                Version::V20 => CityObjectType::parse(t),
                _ => CityObjectType::parse_legacy(t),
            };
            if known.is_none() {
                sink.push(
                    format!("{at}/type"),
                    format!("\"{t}\" is not a CityObject type"),
                );
            }
        }
    }
    let ids = |k: &str| -> Vec<String> {
        o.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    sink.links
        .push((id.to_string(), ids("children"), ids("parents")));
    for k in ["children", "parents"] {
        if let Some(v) = o.get(k) {
            let ok = v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
            if !ok {
                sink.push(
                    format!("{at}/{k}"),
                    format!("\"{k}\" must be an array of ids"),
                );
            }
        }
    }
    if let Some(ge) = o.get("geographicalExtent") {
        if !is_numbers(ge, 6) {
            sink.push(format!("{at}/geographicalExtent"), "must be 6 numbers");
        }
    }
    if let Some(a) = o.get("attributes") {
        if !a.is_object() {
            sink.push(
                format!("{at}/attributes"),
                "\"attributes\" must be an object",
            );
        }
    }
    if let Some(g) = o.get("geometry") {
        match g.as_array() {
            Some(gs) => {
                for (i, g) in gs.iter().enumerate() {
                    check_geometry(&format!("{at}/geometry/{i}"), g, version, sink);
                }
            }
            None => sink.push(format!("{at}/geometry"), "\"geometry\" must be an array"),
        }
    }
}

fn depth_of(kind: &str) -> Option<usize> {
    Some(match kind {
        "MultiPoint" => 1,
        "MultiLineString" => 2,
        "MultiSurface" | "CompositeSurface" => 3,
        "Solid" => 4,
        "MultiSolid" | "CompositeSolid" => 5,
        "GeometryInstance" => 1,
        _ => return None,
    })
}

/// Marks every vertex index in `v` (nested arrays) as used.
fn mark_used(v: &Value, used: &mut Vec<u64>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| mark_used(x, used)),
        Value::Number(n) => {
            if let Some(i) = n.as_u64().filter(|&i| i < (1 << 34)) {
                let word = (i / 64) as usize;
                if used.len() <= word {
                    used.resize(word + 1, 0);
                }
                used[word] |= 1 << (i % 64);
            }
        }
        _ => {}
    }
}

/// Whether `v` is an array nested `depth` deep whose leaves pass `leaf`.
fn nested(v: &Value, depth: usize, leaf: &dyn Fn(&Value) -> bool) -> bool {
    match v.as_array() {
        Some(a) if depth == 1 => a.iter().all(leaf),
        Some(a) => a.iter().all(|x| nested(x, depth - 1, leaf)),
        None => false,
    }
}

/// A JSON Schema integer: any number without a fractional part (also beyond 64 bits).
fn is_integer(v: &Value) -> bool {
    v.is_i64()
        || v.is_u64()
        || v.as_f64()
            .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
}

fn is_index(v: &Value) -> bool {
    v.is_u64()
}

fn is_index_or_null(v: &Value) -> bool {
    v.is_u64() || v.is_null()
}

fn check_geometry(at: &str, g: &Value, version: Version, sink: &mut Sink) {
    let Some(g) = g.as_object() else {
        sink.push(at, "a geometry must be an object");
        return;
    };
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let Some(depth) = depth_of(kind) else {
        sink.push(
            format!("{at}/type"),
            format!("\"{kind}\" is not a geometry type"),
        );
        return;
    };
    if kind == "GeometryInstance" {
        if !g.get("template").is_some_and(Value::is_u64) {
            sink.push(
                format!("{at}/template"),
                "\"template\" (an index) is required",
            );
        }
        if !g
            .get("boundaries")
            .and_then(Value::as_array)
            .is_some_and(|b| b.len() == 1 && b[0].is_u64())
        {
            sink.push(format!("{at}/boundaries"), "must be one vertex index");
        } else if let Some(b) = g.get("boundaries") {
            mark_used(b, &mut sink.used);
        }
        if !g
            .get("transformationMatrix")
            .is_some_and(|m| is_numbers(m, 16))
        {
            sink.push(format!("{at}/transformationMatrix"), "must be 16 numbers");
        }
        return;
    }
    match (g.get("lod"), version) {
        (None, _) => sink.push(format!("{at}/lod"), "\"lod\" is required"),
        (Some(l), Version::V10) => {
            if !l.as_f64().is_some_and(|x| (0.0..=3.5).contains(&x)) {
                sink.push(
                    format!("{at}/lod"),
                    "\"lod\" must be a number from 0 to 3.5",
                );
            }
        }
        (Some(l), _) => {
            let ok = l.as_str().is_some_and(|s| {
                let b = s.as_bytes();
                (b.len() == 1 && b[0].is_ascii_digit())
                    || (b.len() == 3
                        && b[0].is_ascii_digit()
                        && b[1] == b'.'
                        && b[2].is_ascii_digit())
            });
            if !ok {
                sink.push(
                    format!("{at}/lod"),
                    "\"lod\" must be a string like \"2\" or \"2.2\"",
                );
            }
        }
    }
    match g.get("boundaries") {
        Some(b) if nested(b, depth, &is_index) => mark_used(b, &mut sink.used),
        _ => sink.push(
            format!("{at}/boundaries"),
            format!(
                "\"boundaries\" of a {kind} must be arrays nested {depth} deep of vertex indices"
            ),
        ),
    }
    // Semantic values are one level less deep than the boundaries (none for MultiPoint:
    // one level).
    let values_depth = depth.saturating_sub(2).max(1);
    if let Some(s) = g.get("semantics") {
        let surfaces_ok = s
            .get("surfaces")
            .and_then(Value::as_array)
            .is_some_and(|ss| {
                ss.iter().all(|x| {
                    x.get("type").and_then(Value::as_str).is_some_and(|t| {
                        urbis_model::SEMANTIC_TYPES.contains(&t)
                            || (t.starts_with('+') && t.len() > 1)
                    })
                })
            });
        if !surfaces_ok {
            sink.push(
                format!("{at}/semantics/surfaces"),
                "each semantic surface needs a valid \"type\"",
            );
        }
        let values_ok = match s.get("values") {
            Some(Value::Null) => true,
            Some(v) => nested(v, values_depth, &is_index_or_null),
            None => false,
        };
        if !values_ok {
            sink.push(
                format!("{at}/semantics/values"),
                "\"values\" do not fit the geometry",
            );
        }
    }
    if let Some(m) = g.get("material") {
        let ok = m.as_object().is_some_and(|themes| {
            themes.values().all(|t| {
                t.get("value").is_some_and(Value::is_u64)
                    || t.get("values")
                        .is_some_and(|v| v.is_null() || nested(v, values_depth, &is_index_or_null))
            })
        });
        if !ok {
            sink.push(
                format!("{at}/material"),
                "material themes need a \"value\" or \"values\"",
            );
        }
    }
    if let Some(t) = g.get("texture") {
        let ok = t.as_object().is_some_and(|themes| {
            themes.values().all(|t| {
                t.get("values")
                    .is_some_and(|v| nested(v, depth, &is_index_or_null))
            })
        });
        if !ok {
            sink.push(
                format!("{at}/texture"),
                "texture \"values\" must be nested like the boundaries, of indices or null",
            );
        }
    }
    if version == Version::V10 {
        for k in g.keys() {
            if !matches!(
                k.as_str(),
                "type" | "lod" | "boundaries" | "semantics" | "material" | "texture"
            ) {
                sink.push(
                    format!("{at}/{k}"),
                    format!("\"{k}\" is not allowed in a 1.0 geometry"),
                );
            }
        }
    }
}
