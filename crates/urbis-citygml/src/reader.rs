//! The CityGML reader: a first pass over the file, the model-level parts (envelope, CRS,
//! global appearances, geometry templates), then features in parallel batches.

use crate::appearance::AppearanceIndex;
use crate::context::Ctx;
use crate::dom::Dom;
use crate::error::{Error, Location, Result, Warning};
use crate::index::FileIndex;
use crate::names::Version;
use crate::object::{convert_member, Shared};
use crate::split::{self, Layout, Member, MemberKind};
use crate::srs::{is_geographic, parse_srs_name};
use crate::template::Templates;
use rayon::prelude::*;
use serde_json::json;
use std::collections::HashSet;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufReader, Read};
use std::ops::ControlFlow;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use urbis_model::{AxisOrder, Crs, Feature, Header, JsonMap, Transform};

/// The quantum of geographic coordinates: 1e-9° (0.1 mm on the ground, below the 1 mm snap
/// tolerance of validation; PLATEAU writes 14 decimals) and millimetres in height.
const GEOGRAPHIC_SCALE: [f64; 3] = [1e-9, 1e-9, 1e-3];

/// Input bytes converted per batch.
const BATCH_BYTES: u64 = 2 << 20;

/// Reading options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Turn warnings (skipped geometry, unresolved links...) into errors.
    pub strict: bool,
    /// Which way round the coordinates are: decided from the CRS and the evidence by default.
    pub axes: AxisOrder,
    /// The CRS of a file whose geometry names none (`--crs`); a file's own srsName wins.
    pub crs: Option<Crs>,
}

/// True when the file at `path` starts (after a byte-order mark and blanks) with `<`: XML,
/// so CityGML for urbis. Unreadable files give false.
pub fn is_xml_file(path: &Path) -> bool {
    let mut head = [0u8; 256];
    let n = File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = head[..n]
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&head[..n]);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

/// A streaming CityGML reader.
///
/// ```no_run
/// let mut reader = urbis_citygml::Reader::open("city.gml".as_ref())?;
/// println!("CityGML {}", reader.version().as_str());
/// while let Some(batch) = reader.next_batch()? {
///     for feature in batch {
///         println!("{}: {} objects", feature.id, feature.objects.len());
///     }
/// }
/// # Ok::<(), urbis_citygml::Error>(())
/// ```
pub struct Reader {
    path: PathBuf,
    file: Arc<File>,
    /// City-object members found by the first pass and not read yet.
    pending: VecDeque<(usize, Member)>,
    /// The first pass, while it runs.
    rx: Option<Receiver<ScanMessage>>,
    header: Header,
    version: Version,
    crs: Option<Crs>,
    shared: Arc<Shared>,
    /// The next batch, being converted on the thread pool.
    in_flight: Option<Receiver<Result<BatchResults>>>,
    warnings: Vec<Warning>,
    batch_warnings: Vec<Warning>,
    once: HashSet<String>,
    options: Options,
    /// Warnings so far that report geometry not kept.
    lost: u64,
    /// Links into other documents so far (not followed).
    external_links: u64,
    /// True once the end-of-file summary warnings were given.
    summarized: bool,
    /// True once [`Reader::take_lost_total`] answered.
    lost_told: bool,
}

fn read_span(file: &File, path: &Path, start: u64, end: u64) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; (end - start) as usize];
    file.read_exact_at(&mut bytes, start)
        .map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}

/// The envelope of a `gml:boundedBy`: srsName and [minx, miny, minz, maxx, maxy, maxz].
fn envelope(dom: &Dom<'_>) -> (Option<String>, Option<[f64; 6]>) {
    let Some(env) = dom.child(0, "Envelope") else {
        return (None, None);
    };
    let srs = dom.attr(env, "srsName").map(String::from);
    let corner = |name: &str| -> Option<Vec<f64>> {
        let c = dom.child(env, name)?;
        dom.text(c)
            .split_ascii_whitespace()
            .map(|v| v.parse().ok())
            .collect()
    };
    let pos: Vec<u32> = dom
        .children(env)
        .filter(|&c| dom.node(c).local == "pos")
        .collect();
    let (lower, upper) = match pos.as_slice() {
        [lo, hi] => {
            let parse = |n: u32| -> Option<Vec<f64>> {
                dom.text(n)
                    .split_ascii_whitespace()
                    .map(|v| v.parse().ok())
                    .collect()
            };
            (parse(*lo), parse(*hi))
        }
        _ => (corner("lowerCorner"), corner("upperCorner")),
    };
    let extent = match (lower, upper) {
        (Some(lo), Some(hi)) if lo.len() >= 2 && lo.len() == hi.len() => {
            let z = |v: &[f64]| v.get(2).copied().unwrap_or(0.0);
            let e = [lo[0], lo[1], z(&lo), hi[0], hi[1], z(&hi)];
            e.iter().all(|v| v.is_finite()).then_some(e)
        }
        _ => None,
    };
    (srs, extent)
}

/// True when the XML declaration names ISO-8859-1 (Latin-1) or windows-1252.
fn declared_latin1(file: &File) -> bool {
    let mut head = [0u8; 200];
    let n = file.read_at(&mut head, 0).unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    let decl = head.split("?>").next().unwrap_or_default();
    decl.contains("iso-8859-1") || decl.contains("latin1") || decl.contains("windows-1252")
}

/// The first `srsName="..."` value in the file.
fn first_srs_name(file: &File) -> Option<String> {
    let mut found = None;
    let _ = crate::index::scan(file, &[b"srsName=\""], |_, window, i| {
        found = crate::index::quoted(window, i + 9, b'"').map(String::from);
        ControlFlow::Break(())
    });
    found
}

impl Reader {
    /// Opens a CityGML file (`-` reads standard input, spooled to a temporary file).
    pub fn open(path: &Path) -> Result<Reader> {
        Self::open_with(path, Options::default())
    }

    /// Opens a CityGML file with options.
    pub fn open_with(path: &Path, options: Options) -> Result<Reader> {
        let file = if path.as_os_str() == "-" {
            let mut spool = tempfile::tempfile().map_err(|e| Error::io(path, e))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                .map_err(|e| Error::io(path, e))?;
            spool
        } else {
            File::open(path).map_err(|e| Error::io(path, e))?
        };
        let file = Arc::new(file);
        // The first pass runs on its own thread and hands members over as it finds them, so
        // that conversion starts at once. Model-wide content that can sit anywhere in the file
        // (appearanceMember, ImplicitGeometry templates, which CityJSON puts in the header)
        // makes the reader wait for the whole pass first.
        let (tx, rx) = std::sync::mpsc::sync_channel::<ScanMessage>(1 << 14);
        let scan_file = Arc::clone(&file);
        let scan_path = path.to_path_buf();
        std::thread::spawn(move || {
            let mut source = BufReader::with_capacity(
                1 << 16,
                ReadAt {
                    file: scan_file,
                    pos: 0,
                },
            );
            let mut k = 0usize;
            let root_tx = tx.clone();
            let member_tx = tx.clone();
            let result = split::scan_with(
                &mut source as &mut dyn Read,
                &scan_path,
                &mut |layout| {
                    let _ = root_tx.send(ScanMessage::Root(Box::new(layout.clone())));
                },
                &mut |m| {
                    let _ = member_tx.send(ScanMessage::Member(k, m));
                    k += 1;
                },
            );
            let _ = tx.send(ScanMessage::Done(result.map(|_| ())));
        });
        // Looked for while the first pass runs.
        let full_scan = mentions_global_content(&file);
        let layout = match rx.recv() {
            Ok(ScanMessage::Root(layout)) => *layout,
            Ok(ScanMessage::Done(Err(e))) => return Err(e),
            _ => {
                return Err(Error::Xml {
                    path: path.to_path_buf(),
                    location: Location::default(),
                    message: "no root element".into(),
                })
            }
        };
        let version = layout
            .namespaces
            .uris
            .iter()
            .filter_map(|u| Version::of_namespace(u))
            .max();
        let root_version = Version::of_namespace(&layout.root_uri);
        let Some(version) = root_version.or(version) else {
            return Err(Error::NotCityGml {
                path: path.to_path_buf(),
                line: layout.root_line,
                message: format!(
                    "the root element <{}> is in namespace '{}' and no CityGML namespace (http://www.opengis.net/citygml/...) is declared",
                    layout.root, layout.root_uri
                ),
            });
        };
        let namespaces = Arc::new(layout.namespaces.clone());
        let index = Arc::new(FileIndex::new(Arc::clone(&file)));
        // The members before the first city object (or all of them, for a full scan).
        let mut model_members: Vec<(usize, Member)> = Vec::new();
        let mut pending: VecDeque<(usize, Member)> = VecDeque::new();
        let mut scan_done = false;
        while !scan_done {
            match rx.recv() {
                Ok(ScanMessage::Member(k, m)) => {
                    let is_object = m.kind == MemberKind::CityObjects;
                    if is_object {
                        if m.has_implicit {
                            model_members.push((k, m.clone()));
                        }
                        pending.push_back((k, m));
                        if !full_scan {
                            break;
                        }
                    } else {
                        model_members.push((k, m));
                    }
                }
                Ok(ScanMessage::Done(result)) => {
                    result?;
                    scan_done = true;
                }
                Ok(ScanMessage::Root(_)) | Err(_) => scan_done = true,
            }
        }
        let mut warnings = Vec::new();
        let mut metadata = JsonMap::new();
        let mut srs_name = None;
        let mut extent = None;
        let mut global = AppearanceIndex::default();
        let mut templates = Templates::default();
        let mut ctx = Ctx::new(Arc::clone(&namespaces), Some(Arc::clone(&index)), 1);
        // Model-level members first, then the city objects with implicit geometries, whose
        // templates may be textured by any model-level appearance.
        let (model_level, with_templates): (Vec<_>, Vec<_>) = model_members
            .iter()
            .partition(|(_, m)| m.kind != MemberKind::CityObjects);
        for (k, m) in model_level.into_iter().chain(with_templates) {
            let (k, m) = (*k, m);
            let wanted = match m.kind {
                MemberKind::BoundedBy | MemberKind::Appearance | MemberKind::Other => true,
                MemberKind::CityObjects => m.has_implicit,
            };
            if !wanted {
                continue;
            }
            let bytes = read_span(&file, path, m.start, m.end)?;
            let dom = Dom::parse(&bytes, &namespaces).map_err(|e| Error::Xml {
                path: path.to_path_buf(),
                location: Location {
                    line: Some(
                        m.line + crate::split::count_lines(&bytes[..e.offset.min(bytes.len())]),
                    ),
                    ..Location::default()
                },
                message: e.message,
            })?;
            let mut member_ctx =
                Ctx::new(Arc::clone(&namespaces), Some(Arc::clone(&index)), m.line);
            match m.kind {
                MemberKind::BoundedBy => {
                    let (s, e) = envelope(&dom);
                    srs_name = srs_name.or(s);
                    extent = extent.or(e);
                }
                MemberKind::Appearance => {
                    for n in 0..dom.nodes.len() as u32 {
                        if dom.node(n).local == "Appearance" {
                            global.add(&mut member_ctx, &dom, n);
                        }
                    }
                }
                MemberKind::Other => {
                    let local = dom.node(0).local;
                    match local {
                        "name" if !metadata.contains_key("title") => {
                            metadata.insert("title".into(), json!(dom.text(0)));
                        }
                        "name" | "description" | "metaDataProperty" => {}
                        // A CRS defined in the file: the srsName that names it is reported.
                        crs if crs.ends_with("CRS") => {}
                        // Versions, version transitions, dynamizers, feature collections of
                        // other kinds: named once each, never dropped without a word.
                        other => member_ctx.warn_once(
                            &format!("skipped-member-{other}"),
                            &dom,
                            0,
                            &format!("{other} members are not read (urbis maps city objects, appearances and the envelope); every {other} is skipped"),
                        ),
                    }
                }
                MemberKind::CityObjects => templates.add_member(&mut member_ctx, k, &dom, &global),
            }
            warnings.append(&mut member_ctx.warnings);
        }
        templates.finish();
        warnings.append(&mut ctx.warnings);
        let srs_name = srs_name.or_else(|| first_srs_name(&file));
        let mut crs = None;
        if let Some(srs) = &srs_name {
            let (c, note) = parse_srs_name(srs);
            crs = c;
            if let Some(note) = note {
                warnings.push(Warning {
                    location: Location::default(),
                    message: note,
                    lost: false,
                });
            }
        }
        if crs.is_none() {
            crs = options.crs.clone();
        }
        if let Some(c) = &crs {
            metadata.insert("referenceSystem".into(), json!(c.to_url()));
        }
        let scale = match &crs {
            Some(c) if is_geographic(c) => GEOGRAPHIC_SCALE,
            _ => [1e-3; 3],
        };
        let mut shared = Shared {
            namespaces,
            transform: Transform {
                scale,
                translate: [0.0; 3],
            },
            global_appearance: Arc::new(global),
            templates: Arc::new(templates),
            index: Some(index),
            crs: crs.clone(),
            latin1: declared_latin1(&file),
            swap_xy: false,
        };
        // Converted at most once, and only when the envelope or the area of use leave a
        // question open.
        let mut sample: Option<Vec<Feature>> = None;
        let mut translate = match extent {
            Some(e) => Some([e[0], e[1], e[2]]),
            None => first_point(
                sample.get_or_insert_with(|| {
                    sample_features(&file, path, &shared, pending.make_contiguous())
                }),
                &shared.transform,
            ),
        };
        let samples: Vec<[f64; 2]> = match (extent, translate) {
            (Some(e), _) => vec![[e[0], e[1]], [e[3], e[4]]],
            (None, Some(t)) => vec![[t[0], t[1]]],
            (None, None) => Vec::new(),
        };
        let (swap_xy, axis_note) = axis_order(options.axes, crs.as_ref(), &samples, || {
            let sample = sample.get_or_insert_with(|| {
                sample_features(&file, path, &shared, pending.make_contiguous())
            });
            solids_outward(sample, &shared.transform)
        });
        if let Some(note) = axis_note {
            warnings.push(Warning {
                location: Location::default(),
                message: note,
                lost: false,
            });
        }
        if swap_xy {
            shared.swap_xy = true;
            translate = translate.map(|t| [t[1], t[0], t[2]]);
            extent = extent.map(|e| [e[1], e[0], e[2], e[4], e[3], e[5]]);
        }
        if let Some(e) = extent {
            metadata.insert("geographicalExtent".into(), json!(e));
        }
        // Coordinates that look like degrees (a geographic CRS urbis does not list, such as
        // JGD2011's EPSG:6697) get the geographic scale too: millimetres would be ~100 m there.
        let mut scale = scale;
        if let Some(t) = translate {
            if t[0].abs() <= 180.0 && t[1].abs() <= 180.0 {
                scale = GEOGRAPHIC_SCALE;
                shared.transform.scale = scale;
            }
        }
        if let Some(t) = translate {
            let round = |v: f64, s: f64| (v / s).floor() * s;
            shared.transform.translate = [
                round(t[0], scale[0]),
                round(t[1], scale[1]),
                round(t[2], scale[2]),
            ];
        }
        let mut header = Header {
            source_version: version.as_str().to_string(),
            transform: shared.transform,
            metadata: (!metadata.is_empty()).then_some(metadata),
            ..Header::default()
        };
        if !shared.templates.geometry.templates.is_empty() {
            let mut templates = shared.templates.geometry.clone();
            if shared.swap_xy {
                // Template vertices are relative coordinates in the file's axis order too.
                for v in &mut templates.vertices {
                    v.swap(0, 1);
                }
            }
            header.geometry_templates = Some(templates);
        }
        let mut reader = Reader {
            path: path.to_path_buf(),
            file,
            pending,
            rx: (!scan_done).then_some(rx),
            header,
            version,
            crs,
            shared: Arc::new(shared),
            in_flight: None,
            warnings: Vec::new(),
            batch_warnings: Vec::new(),
            once: HashSet::new(),
            options,
            lost: 0,
            external_links: 0,
            summarized: false,
            lost_told: false,
        };
        for w in warnings {
            reader.record(w)?;
        }
        reader.warnings = std::mem::take(&mut reader.batch_warnings);
        Ok(reader)
    }

    fn record(&mut self, mut w: Warning) -> Result<()> {
        if w.lost {
            self.lost += 1;
        }
        if let Some((key, rest)) = w.message.strip_prefix('[').and_then(|m| m.split_once("] ")) {
            if !self.once.insert(key.to_string()) {
                return Ok(());
            }
            w.message = rest.to_string();
        }
        if self.options.strict {
            return Err(Error::Strict {
                path: self.path.clone(),
                warning: w,
            });
        }
        self.batch_warnings.push(w);
        Ok(())
    }

    /// The end-of-file warning that totals the links into other documents (the first was
    /// reported where it stands).
    fn summarize_losses(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.summarized, true) || self.external_links < 2 {
            return Ok(());
        }
        self.record(Warning {
            location: Location::default(),
            message: format!(
                "{} xlink:href values in all point outside this file and were not followed: the geometry they name is not kept",
                self.external_links
            ),
            lost: true,
        })
    }

    /// How many warnings so far report geometry that was not kept (skipped polygons, solids
    /// or links); 0 when everything the file holds was read.
    pub fn lost_count(&self) -> u64 {
        self.lost
    }

    /// At the end of the file, once: how many warnings reported geometry that was not kept,
    /// when any did (for a closing line that says how much was lost).
    pub fn take_lost_total(&mut self) -> Option<u64> {
        let done = self.summarized && self.in_flight.is_none() && self.pending.is_empty();
        if !done || self.lost == 0 || std::mem::replace(&mut self.lost_told, true) {
            return None;
        }
        Some(self.lost)
    }

    /// Warnings found while opening (model-level parts, CRS).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// Warnings found by the batches read since the last call.
    pub fn take_warnings(&mut self) -> Vec<Warning> {
        std::mem::take(&mut self.batch_warnings)
    }

    /// The model-level parts: transform (millimetres), metadata (CRS, extent, title),
    /// geometry templates.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The CityGML version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The CRS from the srsName, when it names one.
    pub fn crs(&self) -> Option<&Crs> {
        self.crs.as_ref()
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of top-level members holding city objects still to read (an upper bound of
    /// the features, except for relief features with several components), when the first
    /// pass has finished.
    pub fn member_count(&self) -> Option<usize> {
        self.rx.is_none().then_some(self.pending.len())
    }

    /// Takes members from the first pass until a batch's worth is pending (or the pass ends).
    fn fill(&mut self) -> Result<()> {
        let Some(rx) = &self.rx else {
            return Ok(());
        };
        loop {
            if let (Some(first), Some(last)) = (self.pending.front(), self.pending.back()) {
                if last.1.end - first.1.start > BATCH_BYTES {
                    return Ok(());
                }
            }
            match rx.recv() {
                Ok(ScanMessage::Member(k, m)) => {
                    if m.kind == MemberKind::CityObjects {
                        self.pending.push_back((k, m));
                    }
                }
                Ok(ScanMessage::Done(result)) => {
                    self.rx = None;
                    return result;
                }
                Ok(ScanMessage::Root(_)) | Err(_) => {
                    self.rx = None;
                    return Ok(());
                }
            }
        }
    }

    /// The next batch of features, `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Feature>>> {
        // The batch converted in the background while the caller used the previous one, or
        // this one now.
        let results = match self.in_flight.take() {
            Some(rx) => rx.recv().unwrap_or_else(|_| Ok(Vec::new()))?,
            None => match self.take_batch()? {
                Some(batch) => convert_batch(&self.shared, &self.file, &self.path, &batch)?,
                None => {
                    self.summarize_losses()?;
                    return Ok(None);
                }
            },
        };
        // Start the next batch on the thread pool before handing this one over.
        if let Some(batch) = self.take_batch()? {
            let (tx, rx) = std::sync::mpsc::channel();
            let (shared, file, path) = (
                Arc::clone(&self.shared),
                Arc::clone(&self.file),
                self.path.clone(),
            );
            rayon::spawn(move || {
                let _ = tx.send(convert_batch(&shared, &file, &path, &batch));
            });
            self.in_flight = Some(rx);
        }
        let mut features = Vec::new();
        for r in results {
            match r {
                Ok(c) => {
                    self.external_links += c.external_links;
                    features.extend(c.features);
                    for w in c.warnings {
                        self.record(w)?;
                    }
                }
                Err((line, message)) => {
                    return Err(Error::Xml {
                        path: self.path.clone(),
                        location: Location {
                            line: Some(line),
                            ..Location::default()
                        },
                        message,
                    })
                }
            }
        }
        Ok(Some(features))
    }

    /// The next members to convert, about a batch's worth of bytes.
    fn take_batch(&mut self) -> Result<Option<Vec<(usize, Member)>>> {
        self.fill()?;
        let Some(first) = self.pending.front() else {
            return Ok(None);
        };
        let start = first.1.start;
        let mut take = 1;
        while take < self.pending.len() && self.pending[take].1.end - start <= BATCH_BYTES {
            take += 1;
        }
        Ok(Some(self.pending.drain(..take).collect()))
    }

    /// Every remaining feature (small files and tests).
    pub fn read_all(&mut self) -> Result<Vec<Feature>> {
        let mut all = Vec::new();
        while let Some(batch) = self.next_batch()? {
            all.extend(batch);
        }
        Ok(all)
    }
}

/// The results of converting one batch of members.
type BatchResults = Vec<Result<crate::object::Converted, (u64, String)>>;

/// Reads a batch's bytes and converts its members in parallel.
fn convert_batch(
    shared: &Shared,
    file: &File,
    path: &Path,
    batch: &[(usize, Member)],
) -> Result<BatchResults> {
    let (Some(first), Some(last)) = (batch.first(), batch.last()) else {
        return Ok(Vec::new());
    };
    let start = first.1.start;
    let bytes = read_span(file, path, start, last.1.end)?;
    Ok(batch
        .par_iter()
        .map(|(k, m)| {
            let slice = &bytes[(m.start - start) as usize..(m.end - start) as usize];
            convert_member(shared, *k, slice, m.line)
        })
        .collect())
}

/// Whether to swap the file's first two coordinates, and a note for the user: as the user
/// chose, else by the CRS's registered axis order checked against its area of use with the
/// sample points (as written). When the area of use does not settle it, the orientation of
/// the first solids does (`solids_outward`: `Some(true)` when they face outwards as written):
/// exchanging x and y turns every shell inside out. Without an EPSG CRS the coordinates are
/// taken as written.
fn axis_order(
    choice: AxisOrder,
    crs: Option<&Crs>,
    samples: &[[f64; 2]],
    solids_outward: impl FnOnce() -> Option<bool>,
) -> (bool, Option<String>) {
    match choice {
        AxisOrder::Swap => return (true, None),
        AxisOrder::AsWritten => return (false, None),
        AxisOrder::Auto => {}
    }
    let Some(code) = crs.and_then(|c| c.epsg_code()) else {
        return (false, None);
    };
    let d = urbis_geom::axes::decide(code, samples);
    if d.conclusive {
        return (d.swap, d.warning);
    }
    match solids_outward() {
        Some(outward) if outward == d.swap => {
            // The area of use left it open and the solids say otherwise: they decide.
            let registered = urbis_geom::axes::crs_facts(code).is_some_and(|f| f.northing_first());
            let order = if outward {
                "as written, x first"
            } else {
                "with the first two exchanged (y first)"
            };
            let register = if outward == registered {
                format!(", not as EPSG:{code} registers them")
            } else {
                String::new()
            };
            (
                !outward,
                Some(format!(
                    "the area of use of EPSG:{code} does not tell the axis order, but the solids face outwards only with the coordinates read {order}{register}: read that way (force either order with --swap-axes or --no-swap-axes)"
                )),
            )
        }
        _ => (d.swap, d.warning),
    }
}

/// The features of the first members found so far (at most 16), converted once for what
/// the header needs from the data itself: the first point (the translation of a file without
/// an envelope) and the orientation of the first solids (the axis order). Stops at the first
/// member that cannot be read or converted; reading the file reports it.
fn sample_features(
    file: &File,
    path: &Path,
    shared: &Shared,
    members: &[(usize, Member)],
) -> Vec<Feature> {
    let mut out = Vec::new();
    for (k, m) in members.iter().take(16) {
        let Ok(bytes) = read_span(file, path, m.start, m.end) else {
            break;
        };
        let Ok(converted) = convert_member(shared, *k, &bytes, m.line) else {
            break;
        };
        out.extend(converted.features);
    }
    out
}

/// Whether the sampled solids face outwards as written (see
/// [`urbis_geom::orientation::OrientationVotes::verdict`]).
fn solids_outward(sample: &[Feature], transform: &Transform) -> Option<bool> {
    let mut votes = urbis_geom::orientation::OrientationVotes::default();
    for f in sample {
        votes.add_feature(f, transform);
    }
    votes.verdict()
}

/// The first coordinate of the sampled features.
fn first_point(sample: &[Feature], transform: &Transform) -> Option<[f64; 3]> {
    sample
        .iter()
        .find_map(|f| f.vertices.first())
        .map(|v| transform.apply(*v))
}

/// What the first pass hands over.
enum ScanMessage {
    /// The root element (no members).
    Root(Box<Layout>),
    /// A member and its number in file order.
    Member(usize, Member),
    /// The end of the pass.
    Done(Result<()>),
}

/// True when the file contains model-wide content that the header needs before any feature:
/// global appearances or implicit geometries.
fn mentions_global_content(file: &File) -> bool {
    crate::index::scan(
        file,
        &[b"appearanceMember", b"ImplicitGeometry"],
        |_, _, _| ControlFlow::Break(()),
    )
    .unwrap_or(false)
}

/// Sequential reads through `read_at` (the file is shared with the link index).
struct ReadAt {
    file: Arc<File>,
    pos: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}
