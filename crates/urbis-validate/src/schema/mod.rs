//! Schema checks of CityJSON, implemented natively (what the official JSON Schemas require:
//! member types, required members, CityObject and geometry types, LoD, boundary nesting,
//! semantics, materials, textures, extensions). Whole files are read member by member and
//! CityObject by CityObject, so only one object is in memory at a time; CityJSONSeq line by
//! line. The official schemas serve as the oracle in the tests.

mod dupkeys;
mod extension;
mod input;
mod object;
mod objects;
mod structure;
mod subschema;
mod vertices;

use dupkeys::CheckedValue;
use extension::Extensions;
use input::Capture;
use object::check_object;
use objects::ObjectsSeed;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use structure::{Counts, Refs, VertexKeys};
use vertices::{check_vertex, VerticesSeed};

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
    /// Structure errors the schema cannot see: duplicate keys (JSON parsers keep one of
    /// the values), values that do not fit the boundaries, indices out of range, Extensions.
    structure: Vec<SchemaIssue>,
    /// Per CityObject of a whole file (its place in `links`), the largest indices it refers to.
    refs: Vec<(u32, Refs)>,
    /// The vertices of a whole file, to count duplicates.
    vertex_keys: VertexKeys,
    /// The Extensions the file lists.
    extensions: Extensions,
    /// Where Extension schemas are looked for.
    extension_dirs: Vec<PathBuf>,
    /// CityJSONSeq: duplicate vertices and the features that have them.
    seq_duplicates: (usize, usize),
    /// A syntax error found in a captured value, with its position: it ends the pass.
    fatal: Option<String>,
}

impl Sink {
    fn structure(&mut self, pointer: String, message: String) {
        if self.structure.len() < self.limit {
            self.structure.push(SchemaIssue {
                pointer,
                line: self.line,
                message,
            });
        }
    }

    /// Keys repeated inside one JSON object of the value at `pointer`.
    fn repeated_keys(&mut self, pointer: &str, keys: Vec<String>) {
        for k in keys {
            self.structure(
                pointer.to_string(),
                format!("the key \"{k}\" appears twice in one JSON object"),
            );
        }
    }

    /// Keeps what the object checked last refers to, to compare with the counts at the end.
    fn note_refs(&mut self, refs: Refs) {
        if refs != Refs::default() {
            let object = self.links.len().saturating_sub(1) as u32;
            self.refs.push((object, refs));
        }
    }

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
    /// Structural warnings: unused and duplicate vertices, Extensions not found.
    pub warnings: Vec<String>,
}

/// The schema checks plus the structure checks (parents/children consistency, unused
/// vertices of whole files).
pub fn check_file(path: &Path, limit: usize) -> FileChecks {
    check_file_with(path, limit, &[])
}

/// [`check_file`], looking for the schemas of the Extensions a file lists in its own folder
/// and then in `extension_dirs`, by the file name of their URL.
pub fn check_file_with(path: &Path, limit: usize, extension_dirs: &[PathBuf]) -> FileChecks {
    let mut dirs = vec![path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)];
    dirs.extend(extension_dirs.iter().cloned());
    let mut sink = Sink {
        issues: Vec::new(),
        line: None,
        limit,
        links: Vec::new(),
        used: Vec::new(),
        structure: Vec::new(),
        refs: Vec::new(),
        vertex_keys: VertexKeys::default(),
        extensions: Extensions::default(),
        extension_dirs: dirs,
        seq_duplicates: (0, 0),
        fatal: None,
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
        let shared = Rc::new(RefCell::new(input::ByteReader::new(first, reader)));
        let mut d = serde_json::Deserializer::from_reader(input::Shared(Rc::clone(&shared)));
        let seed = RootSeed {
            sink: &mut sink,
            input: &*shared,
        };
        match seed.deserialize(&mut d).and_then(|n| d.end().map(|_| n)) {
            Ok(Some(count)) => {
                let used: usize = sink.used.iter().map(|w| w.count_ones() as usize).sum();
                if count > used {
                    out.warnings.push(format!(
                        "{} of {count} vertices are not used by any geometry",
                        count - used
                    ));
                }
                let keys = std::mem::take(&mut sink.vertex_keys);
                let duplicates = keys.duplicates();
                if duplicates > 0 {
                    out.warnings.push(format!(
                        "{duplicates} of {count} vertices repeat the coordinates of another vertex"
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => {
                // serde_json's own position leaves out the captured objects: the reader's is
                // the true one.
                let message = sink.fatal.take().unwrap_or_else(|| {
                    let (line, column) = shared.borrow().position();
                    format!(
                        "line {line} column {column}: {}",
                        input::without_position(&e)
                    )
                });
                sink.push("", message);
            }
        }
    }
    let (duplicates, features) = sink.seq_duplicates;
    if duplicates > 0 {
        out.warnings.push(format!(
            "{duplicates} vertices repeat the coordinates of another vertex of their feature (in {features} features)"
        ));
    }
    out.warnings
        .extend(std::mem::take(&mut sink.extensions.warnings));
    out.structure = std::mem::take(&mut sink.structure);
    out.structure.extend(link_issues(&sink.links, limit));
    out.structure.truncate(limit);
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

/// Parses one line of a CityJSONSeq; repeated keys are structure errors.
fn parse_line(line: &[u8], sink: &mut Sink) -> serde_json::Result<Value> {
    let (v, dups) = dupkeys::parse(line)?;
    sink.repeated_keys("", dups);
    Ok(v)
}

/// Loads the Extensions an `extensions` member lists (for a file of `version`, when known)
/// and judges the `+` names noted before it came; with `root`, also checks its `+` members.
fn load_extensions(
    member: &Value,
    version: Option<&Value>,
    root: Option<&Map<String, Value>>,
    sink: &mut Sink,
) {
    let version = version.and_then(Value::as_str).unwrap_or("2.0");
    let mut findings = Vec::new();
    let loaded = Extensions::load(member, version, &sink.extension_dirs, &mut findings);
    sink.extensions.resolve(loaded, &mut findings);
    if let Some(root) = root {
        sink.extensions.check_root(root, &mut findings);
    }
    for (pointer, message) in findings {
        sink.structure(pointer, message);
    }
}

fn check_seq(first: Vec<u8>, reader: impl BufRead, sink: &mut Sink) {
    sink.line = Some(1);
    let mut header_counts = Counts::default();
    let version = match parse_line(&first, sink) {
        Ok(Value::Object(feature))
            if feature.get("type").and_then(Value::as_str) == Some("CityJSONFeature") =>
        {
            // No header line: features only.
            sink.extensions = Extensions::headerless();
            check_feature(&feature, Version::V20, &header_counts, sink);
            Version::V20
        }
        Ok(Value::Object(header)) => {
            header_counts = Counts::of(header.get("appearance"), header.get("geometry-templates"));
            if let Some(member) = header.get("extensions") {
                load_extensions(member, header.get("version"), Some(&header), sink);
            }
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
        match parse_line(&line, sink) {
            Ok(Value::Object(f)) => check_feature(&f, version, &header_counts, sink),
            Ok(_) => sink.push("", "a CityJSONFeature must be a JSON object"),
            Err(e) => sink.push("", format!("not JSON: {e}")),
        }
    }
}

fn check_feature(f: &Map<String, Value>, version: Version, header: &Counts, sink: &mut Sink) {
    if f.get("type").and_then(Value::as_str) != Some("CityJSONFeature") {
        sink.push("/type", "\"type\" must be \"CityJSONFeature\"");
    }
    if !f.get("id").is_some_and(Value::is_string) {
        sink.push("/id", "\"id\" (a string) is required");
    }
    let mut counts = match f.get("appearance") {
        Some(a) => Counts {
            templates: header.templates,
            ..Counts::of(Some(a), None)
        },
        None => *header,
    };
    counts.vertices = f
        .get("vertices")
        .and_then(Value::as_array)
        .map(|v| v.len() as u64);
    match f.get("CityObjects").and_then(Value::as_object) {
        Some(objects) => {
            for (id, o) in objects {
                let refs = check_object(id, o, version, sink);
                for message in refs.out_of_range(&counts) {
                    sink.structure(format!("/CityObjects/{id}"), message);
                }
            }
        }
        None => sink.push("/CityObjects", "\"CityObjects\" (an object) is required"),
    }
    match f.get("vertices").and_then(Value::as_array) {
        Some(vs) => {
            for (i, v) in vs.iter().enumerate() {
                check_vertex(i, v, true, sink);
            }
            let duplicates = vs
                .iter()
                .fold(VertexKeys::default(), |mut keys, v| {
                    keys.push(v);
                    keys
                })
                .duplicates();
            if duplicates > 0 {
                sink.seq_duplicates.0 += duplicates;
                sink.seq_duplicates.1 += 1;
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
    /// The input serde_json reads, from which CityObjects are captured.
    input: &'a RefCell<dyn input::Capture>,
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
                    if !members.contains_key("extensions") {
                        self.sink.extensions = Extensions::deferring();
                    }
                    let version = version_of(&members);
                    map.next_value_seed(ObjectsSeed {
                        sink: self.sink,
                        version,
                        deferred: &mut deferred_objects,
                        input: self.input,
                    })?;
                }
                "vertices" => {
                    let integers = members.contains_key("transform")
                        || version_of(&members) != Some(Version::V10);
                    vertex_count = Some(map.next_value_seed(VerticesSeed {
                        sink: self.sink,
                        integers,
                        input: self.input,
                    })?);
                }
                _ => {
                    let mut dups = Vec::new();
                    let v = map.next_value_seed(CheckedValue { dups: &mut dups })?;
                    self.sink.repeated_keys(&format!("/{key}"), dups);
                    if key == "extensions" {
                        // The root's `+` members are checked once all are read.
                        load_extensions(&v, members.get("version"), None, self.sink);
                    }
                    members.insert(key, v);
                }
            }
        }
        if members.get("type").and_then(Value::as_str) == Some("CityJSONFeature") {
            // A lone CityJSONFeature: the Extensions are listed in a header it does not have.
            self.sink.extensions = Extensions::headerless();
            let counts = Counts::of(members.get("appearance"), None);
            check_deferred(
                self.sink,
                &deferred_objects,
                Version::V20,
                counts,
                vertex_count,
            );
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
        let counts = Counts::of(members.get("appearance"), members.get("geometry-templates"));
        check_deferred(self.sink, &deferred_objects, version, counts, vertex_count);
        let mut findings = Vec::new();
        if self.sink.extensions.is_deferring() {
            // No "extensions" member came.
            self.sink
                .extensions
                .resolve(Extensions::default(), &mut findings);
        }
        self.sink.extensions.check_root(&members, &mut findings);
        for (pointer, message) in findings {
            self.sink.structure(pointer, message);
        }
        members.insert("CityObjects".into(), Value::Object(Map::new()));
        if vertex_count.is_some() {
            members.insert("vertices".into(), Value::Array(Vec::new()));
        }
        check_members_present(&members, false, version, self.sink);
        Ok(vertex_count)
    }
}

/// Checks the objects kept until the version was known, then compares what every object of
/// a whole file refers to with the file's counts.
fn check_deferred(
    sink: &mut Sink,
    deferred: &[(String, Value)],
    version: Version,
    mut counts: Counts,
    vertex_count: Option<usize>,
) {
    for (id, o) in deferred {
        let refs = check_object(id, o, version, sink);
        sink.note_refs(refs);
    }
    counts.vertices = vertex_count.map(|n| n as u64);
    for (object, refs) in std::mem::take(&mut sink.refs) {
        for message in refs.out_of_range(&counts) {
            let at = format!("/CityObjects/{}", sink.links[object as usize].0);
            sink.structure(at, message);
        }
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
