//! Reading CityJSON (1.0, 1.1, 2.0) and CityJSONSeq as a stream of features.
//!
//! Whole files are read in two passes with bounded memory: a first pass over the bytes notes
//! each CityObject's byte span and parent and parses the vertices; features (a top-level object
//! and its descendants) are then read object by object from their spans and parsed in parallel.
//! CityJSONSeq is read line by line. Standard input (`-`) works for both: a whole file on stdin
//! is spooled to an unnamed temporary file during the first pass.

use crate::de::ReadContext;
use crate::error::{Error, Location, Result};
use crate::localize;
use crate::scan::{Lexer, ScanError};
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use urbis_model::{Appearance, Feature, Header, Summary, Transform};

mod first_pass;
mod seq;
mod speculate;
mod whole;

use first_pass::FirstPass;
use whole::group_features;

/// Bytes of input parsed per batch: small enough that a batch's features stay a few MB.
const BATCH_BYTES: usize = 512 << 10;

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
#[derive(Debug, Clone, PartialEq)]
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
    /// The header line had no transform: features must then have no vertices.
    transform_missing: bool,
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
    /// Exchange x and y of every vertex (`--swap-axes`).
    swap_xy: bool,
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

/// The warning of [`urbis_geom::axes::swapped_warning`] for a file's header: its extent
/// corners, else its translation, tested in its EPSG CRS.
fn swapped_axes_warning(header: &Header) -> Option<String> {
    let code = header.crs()?.epsg_code()?;
    let extent = header
        .metadata
        .as_ref()
        .and_then(|m| m.get("geographicalExtent"))
        .and_then(|e| e.as_array())
        .and_then(|e| e.iter().map(|v| v.as_f64()).collect::<Option<Vec<f64>>>())
        .filter(|e| e.len() == 6);
    let samples = match extent {
        Some(e) => vec![[e[0], e[1]], [e[3], e[4]]],
        None => {
            let t = header.transform.translate;
            if t == [0.0; 3] {
                return None;
            }
            vec![[t[0], t[1]]]
        }
    };
    urbis_geom::axes::swapped_warning(code, &samples)
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
        if path.as_os_str() == "-" {
            return Self::from_stream(Path::new("<stdin>"), Box::new(std::io::stdin()));
        }
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let clone = file.try_clone().map_err(|e| Error::io(path, e))?;
        Self::start(path.to_path_buf(), Box::new(file), Some(clone))
    }

    /// Reads CityJSON or CityJSONSeq from a stream that cannot seek (standard input, a pipe,
    /// a store's collection); `label` names it in messages. CityJSONSeq is read as it
    /// arrives; a whole CityJSON object is spooled to an unnamed temporary file during the
    /// first pass.
    pub fn from_stream(label: &Path, input: Box<dyn Read + Send>) -> Result<Reader> {
        Self::start(label.to_path_buf(), input, None)
    }

    /// Opens `input`; `source` is the same file again for reads at offsets (`None`: a stream).
    fn start(
        display: PathBuf,
        input: Box<dyn Read + Send>,
        source: Option<File>,
    ) -> Result<Reader> {
        let is_stream = source.is_none();
        let mut lexer = Lexer::new(input);
        let mut spool = None;
        if is_stream {
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
        let split = source.as_ref().map(|file| speculate::Split {
            file,
            min_bytes: speculate::SPLIT_MIN_BYTES,
            patient: false,
        });
        let mut first = FirstPass::run(&mut lexer, split.as_ref())
            .map_err(|e| scan_error(&display, source.as_ref(), e))?;
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
                ctx: ReadContext {
                    legacy: false,
                    full: true,
                },
                mode: Mode::Seq(SeqFile {
                    line: 1 + lexer.newlines + first.header_newlines,
                    lexer,
                    done,
                    pending: Some(bytes),
                    transform_missing: false,
                }),
                batch_bytes: BATCH_BYTES,
                warnings,
                swap_xy: false,
            });
        }
        let transform_missing = !first.members.iter().any(|(k, _)| k == "transform");
        let (mut header, ctx, appearance, vertices) = first.header(&display, rest.is_some())?;
        let mut warnings = Vec::new();
        // The templates' materials and textures become their own. Templates whose references
        // do not fit the file's appearance keep their geometry (validators still check it)
        // without materials and textures, with a warning.
        if let Some(t) = header.geometry_templates.as_mut() {
            if let Err(message) = localize::localize_templates(t, appearance.as_ref()) {
                for g in &mut t.templates {
                    g.materials.clear();
                    g.textures.clear();
                }
                warnings.push(format!(
                    "{}: geometry-templates: {message}; the templates' materials and textures are dropped",
                    display.display()
                ));
            }
        }
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
                    transform_missing,
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
        if let Some(w) = swapped_axes_warning(&header) {
            warnings.push(format!("{}: {w}", display.display()));
        }
        Ok(Reader {
            path: display,
            header,
            ctx,
            mode,
            batch_bytes: BATCH_BYTES,
            warnings,
            swap_xy: false,
        })
    }

    /// Names the CRS of a file that names none (`--crs`): an error naming both when the file
    /// names another one.
    pub fn assume_crs(&mut self, crs: &urbis_model::Crs) -> Result<()> {
        match self.header.crs() {
            None => {
                self.header.set_crs(crs);
                if let Some(w) = swapped_axes_warning(&self.header) {
                    self.warnings.push(format!("{}: {w}", self.path.display()));
                }
                Ok(())
            }
            Some(own) if own == *crs => Ok(()),
            Some(own) => Err(Error::Invalid {
                path: self.path.clone(),
                location: Location::default(),
                message: format!(
                    "the file names its CRS, {own}, so --crs {crs} does not apply (to convert it, run `urbis reproject IN OUT --to {crs}`)"
                ),
            }),
        }
    }

    /// Exchanges x and y from here on (`--swap-axes`): for a file written northing (latitude)
    /// first against the specification. The header's transform and extent are swapped at once,
    /// every feature's vertices as it is read.
    pub fn swap_axes(&mut self) {
        self.swap_xy = !self.swap_xy;
        let t = &mut self.header.transform;
        t.scale.swap(0, 1);
        t.translate.swap(0, 1);
        if let Some(serde_json::Value::Array(e)) = self
            .header
            .metadata
            .as_mut()
            .and_then(|m| m.get_mut("geographicalExtent"))
        {
            if e.len() == 6 {
                e.swap(0, 1);
                e.swap(3, 4);
            }
        }
        // The warning that suggested the swap no longer applies.
        self.warnings.retain(|w| !w.contains("--swap-axes"));
    }

    /// Reads shape only from here on: ids, types, parent/child links, geometry with its
    /// semantics, and of the attributes only `storeysAboveGround` (what measuring analyses
    /// compare with). Other attributes, materials and textures (and each feature's
    /// `appearance`) are skipped unread, which saves their parsing and copying.
    pub fn geometry_only(&mut self) {
        self.ctx.full = false;
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
        let batch = match &mut self.mode {
            Mode::Whole(w) => w.next_batch(&path, ctx, budget),
            Mode::Seq(s) => s.next_batch(&path, ctx, budget),
        }?;
        Ok(match batch {
            Some(mut features) if self.swap_xy => {
                for f in &mut features {
                    for v in &mut f.vertices {
                        v.swap(0, 1);
                    }
                }
                Some(features)
            }
            other => other,
        })
    }

    /// Counts what `urbis info` reports without building the features: types, attribute
    /// names, LoDs, geometry and semantic types, vertices and their extent. Structure is checked
    /// as far as counting needs (types, vertex indices in range, feature ids), not fully.
    pub fn summarize(&mut self) -> Result<Summary> {
        let path = self.path.clone();
        let ctx = self.ctx;
        // The file's own transform: the vertices are counted as written, the extent swapped.
        let mut t = self.header.transform;
        if self.swap_xy {
            t.scale.swap(0, 1);
            t.translate.swap(0, 1);
        }
        let budget = self.batch_bytes;
        let mut summary = match &mut self.mode {
            Mode::Whole(w) => w.summarize(&path, ctx, &t),
            Mode::Seq(s) => s.summarize(&path, ctx, &t, budget),
        }?;
        if let Some(e) = summary.extent.as_mut().filter(|_| self.swap_xy) {
            e.swap(0, 1);
            e.swap(3, 4);
        }
        Ok(summary)
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

/// The real-coordinate extent of quantised bounds.
fn extent_of(lo: [i64; 3], hi: [i64; 3], t: &Transform) -> [f64; 6] {
    let (a, b) = (t.apply(lo), t.apply(hi));
    [a[0], a[1], a[2], b[0], b[1], b[2]]
}

fn merge_summaries(mut a: Summary, b: Summary) -> Summary {
    a.merge(b);
    a
}
