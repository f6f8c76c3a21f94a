//! Writing CityJSON 2.0 and CityJSONSeq, streaming, to a file (atomically) or stdout.

use crate::error::{Error, Result};
use crate::intern::{Interner, Lookup};
use crate::ser::{self, Shift};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};
use urbis_model::{Appearance, Feature, Header};

/// The encoding to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// One CityJSON 2.0 object.
    CityJson,
    /// CityJSONSeq (JSON Lines).
    CityJsonSeq,
}

impl OutputFormat {
    /// The format a file name suggests: `.jsonl` (and `.city.jsonl`, `.cjseq`) is CityJSONSeq,
    /// anything else CityJSON; `None` for `-`.
    pub fn from_path(path: &Path) -> Option<OutputFormat> {
        if path.as_os_str() == "-" {
            return None;
        }
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".jsonl") || name.ends_with(".cjseq") || name.ends_with(".jsonseq") {
            Some(OutputFormat::CityJsonSeq)
        } else {
            Some(OutputFormat::CityJson)
        }
    }
}

/// A destination written through a temporary file that replaces the target only on success.
pub struct Output {
    path: PathBuf,
    inner: OutputInner,
}

enum OutputInner {
    File(BufWriter<tempfile::NamedTempFile>),
    Stdout(BufWriter<std::io::Stdout>),
}

impl Output {
    /// Creates the output: `-` is standard output, anything else a temporary file beside `path`.
    pub fn create(path: &Path) -> Result<Output> {
        if path.as_os_str() == "-" {
            return Ok(Output {
                path: PathBuf::from("<stdout>"),
                inner: OutputInner::Stdout(BufWriter::with_capacity(1 << 20, std::io::stdout())),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let tmp = tempfile::Builder::new()
            .prefix(".urbis-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(path, e))?;
        Ok(Output {
            path: path.to_path_buf(),
            inner: OutputInner::File(BufWriter::with_capacity(1 << 20, tmp)),
        })
    }

    /// The target path (or `<stdout>`).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes bytes (the target is replaced only by [`Output::commit`]).
    pub fn write_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        self.write_all(bytes)
    }

    /// Appends the rest of `file` (in the kernel where it can: `copy_file_range`).
    fn append_file(&mut self, file: &mut File) -> Result<()> {
        let r = match &mut self.inner {
            OutputInner::File(w) => std::io::copy(file, w),
            OutputInner::Stdout(w) => std::io::copy(file, w),
        };
        r.map(|_| ()).map_err(|e| Error::io(&self.path, e))
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        let r = match &mut self.inner {
            OutputInner::File(w) => w.write_all(bytes),
            OutputInner::Stdout(w) => w.write_all(bytes),
        };
        r.map_err(|e| Error::io(&self.path, e))
    }

    /// Flushes and moves the temporary file to the target.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        match self.inner {
            OutputInner::File(w) => {
                let tmp = w
                    .into_inner()
                    .map_err(|e| Error::io(&path, e.into_error()))?;
                // Temporary files are private (0600); give the result the permissions of the
                // file it replaces, or the usual 0644.
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&path)
                    .map(|m| m.permissions().mode())
                    .unwrap_or(0o644);
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))
                    .map_err(|e| Error::io(&path, e))?;
                // No fsync: the rename makes the replacement atomic for readers and on failure,
                // which is the promise; durability across power loss is the file system's.
                tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
            }
            OutputInner::Stdout(mut w) => w.flush().map_err(|e| Error::io(&path, e))?,
        }
        Ok(())
    }
}

/// Plain `std::io::Write` access, for reports written through the same replace-on-success
/// temporary file (the target still changes only on [`Output::commit`]).
impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.inner {
            OutputInner::File(w) => w.write(buf),
            OutputInner::Stdout(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.inner {
            OutputInner::File(w) => w.flush(),
            OutputInner::Stdout(w) => w.flush(),
        }
    }
}

/// A streaming writer of features, in either encoding.
pub struct Writer {
    out: Output,
    format: OutputFormat,
    header: Header,
    started: bool,
    whole: Option<WholeState>,
}

/// What a whole CityJSON file needs kept until the end: the vertices (spooled to a temporary
/// file) and the merged appearance.
struct WholeState {
    spool: BufWriter<File>,
    vertex_count: u64,
    objects_written: u64,
    appearance: Appearance,
    materials: Interner,
    textures: Interner,
    /// The merged numbers of the geometry templates' own materials and textures.
    template_materials: Vec<u32>,
    template_textures: Vec<u32>,
}

impl WholeState {
    /// Puts the geometry templates' materials, textures and texture coordinates first in the
    /// merged appearance (the template UVs thus keep their numbers).
    fn add_templates(&mut self, app: &Appearance) {
        self.template_materials = self
            .materials
            .intern_all(&mut self.appearance.materials, &app.materials);
        self.template_textures = self
            .textures
            .intern_all(&mut self.appearance.textures, &app.textures);
        self.appearance
            .vertices_texture
            .extend_from_slice(&app.vertices_texture);
        self.appearance.default_theme_material = app.default_theme_material.clone();
        self.appearance.default_theme_texture = app.default_theme_texture.clone();
    }
}

impl Writer {
    /// A writer to `out` in `format`, with the header of the model written.
    pub fn new(out: Output, format: OutputFormat, header: &Header) -> Result<Writer> {
        let whole = match format {
            OutputFormat::CityJson => {
                let spool = tempfile::tempfile().map_err(|e| Error::io(out.path(), e))?;
                let mut state = WholeState {
                    spool: BufWriter::with_capacity(1 << 20, spool),
                    vertex_count: 0,
                    objects_written: 0,
                    appearance: Appearance::default(),
                    materials: Interner::default(),
                    textures: Interner::default(),
                    template_materials: Vec::new(),
                    template_textures: Vec::new(),
                };
                if let Some(t) = &header.geometry_templates {
                    state.add_templates(&t.appearance);
                }
                Some(state)
            }
            OutputFormat::CityJsonSeq => None,
        };
        Ok(Writer {
            out,
            format,
            header: header.clone(),
            started: false,
            whole,
        })
    }

    fn start(&mut self) -> Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let buf = match self.format {
            OutputFormat::CityJsonSeq => header_line(&self.header),
            OutputFormat::CityJson => {
                let mut buf = Vec::new();
                let shift = match &self.whole {
                    Some(state) => Shift {
                        materials: Some(&state.template_materials),
                        textures: Some(&state.template_textures),
                        ..Shift::default()
                    },
                    None => Shift::default(),
                };
                ser::header_members(&mut buf, &self.header, &shift);
                buf.extend_from_slice(b",\"CityObjects\":{");
                buf
            }
        };
        self.out.write_all(&buf)
    }

    /// Writes features (serialised in parallel, written in order).
    pub fn write_batch(&mut self, features: &[Feature]) -> Result<()> {
        self.start()?;
        match self.format {
            OutputFormat::CityJsonSeq => {
                let chunks: Vec<Vec<u8>> = features.par_iter().map(feature_line).collect();
                for c in chunks {
                    self.out.write_all(&c)?;
                }
                Ok(())
            }
            OutputFormat::CityJson => self.write_whole(features),
        }
    }

    fn write_whole(&mut self, features: &[Feature]) -> Result<()> {
        let Some(state) = self.whole.as_mut() else {
            return Ok(());
        };
        // Sequential: vertex offsets and the merged appearance.
        struct Plan {
            vertices: u64,
            uvs: u64,
            materials: Vec<u32>,
            textures: Vec<u32>,
        }
        // What is known of every material and texture (index or content hash), in parallel.
        let (materials, textures) = (&state.materials, &state.textures);
        let lookups: Vec<(Vec<Lookup>, Vec<Lookup>)> = features
            .par_iter()
            .map(|f| match &f.appearance {
                Some(app) => (
                    app.materials.iter().map(|m| materials.lookup(m)).collect(),
                    app.textures.iter().map(|t| textures.lookup(t)).collect(),
                ),
                None => (Vec::new(), Vec::new()),
            })
            .collect();
        let mut plans = Vec::with_capacity(features.len());
        for (f, (material_lookups, texture_lookups)) in features.iter().zip(lookups) {
            let mut plan = Plan {
                vertices: state.vertex_count,
                uvs: 0,
                materials: Vec::new(),
                textures: Vec::new(),
            };
            state.vertex_count += f.vertices.len() as u64;
            if let Some(app) = &f.appearance {
                plan.materials = app
                    .materials
                    .iter()
                    .zip(material_lookups)
                    .map(|(m, found)| {
                        state
                            .materials
                            .intern_lookup(&mut state.appearance.materials, m, found)
                    })
                    .collect();
                plan.textures = app
                    .textures
                    .iter()
                    .zip(texture_lookups)
                    .map(|(t, found)| {
                        state
                            .textures
                            .intern_lookup(&mut state.appearance.textures, t, found)
                    })
                    .collect();
                plan.uvs = state.appearance.vertices_texture.len() as u64;
                state
                    .appearance
                    .vertices_texture
                    .extend_from_slice(&app.vertices_texture);
                if state.appearance.default_theme_material.is_none() {
                    state.appearance.default_theme_material = app.default_theme_material.clone();
                }
                if state.appearance.default_theme_texture.is_none() {
                    state.appearance.default_theme_texture = app.default_theme_texture.clone();
                }
            }
            plans.push(plan);
        }
        let first_object = state.objects_written;
        let chunks: Vec<(Vec<u8>, Vec<u8>)> = features
            .par_iter()
            .zip(plans.par_iter())
            .enumerate()
            .map(|(i, (f, plan))| {
                let shift = Shift {
                    vertices: plan.vertices,
                    materials: Some(&plan.materials),
                    textures: Some(&plan.textures),
                    uvs: plan.uvs,
                };
                let mut objs = Vec::with_capacity(1024);
                for (j, o) in f.objects.iter().enumerate() {
                    if first_object > 0 || i > 0 || j > 0 {
                        objs.push(b',');
                    }
                    ser::string(&mut objs, &o.id);
                    objs.push(b':');
                    ser::object(&mut objs, o, &shift);
                }
                let mut verts = Vec::with_capacity(f.vertices.len() * 24);
                for (k, v) in f.vertices.iter().enumerate() {
                    if plan.vertices > 0 || k > 0 {
                        verts.push(b',');
                    }
                    verts.push(b'[');
                    ser::int(&mut verts, v[0]);
                    verts.push(b',');
                    ser::int(&mut verts, v[1]);
                    verts.push(b',');
                    ser::int(&mut verts, v[2]);
                    verts.push(b']');
                }
                (objs, verts)
            })
            .collect();
        for (objs, verts) in chunks {
            self.out.write_all(&objs)?;
            if let Some(state) = self.whole.as_mut() {
                state
                    .spool
                    .write_all(&verts)
                    .map_err(|e| Error::io(self.out.path(), e))?;
            }
        }
        if let Some(state) = self.whole.as_mut() {
            state.objects_written += features.iter().map(|f| f.objects.len() as u64).sum::<u64>();
        }
        Ok(())
    }

    /// Finishes the file (vertices, appearance) and moves it into place.
    pub fn finish(mut self) -> Result<()> {
        self.start()?;
        if let Some(state) = self.whole.take() {
            let path = self.out.path().to_path_buf();
            let io = |e: std::io::Error| Error::io(&path, e);
            self.out.write_all(b"},\"vertices\":[")?;
            let mut spool = state.spool.into_inner().map_err(|e| io(e.into_error()))?;
            spool.rewind().map_err(io)?;
            self.out.append_file(&mut spool)?;
            self.out.write_all(b"]")?;
            if !state.appearance.is_empty() {
                let mut a = b",\"appearance\":".to_vec();
                ser::appearance(&mut a, &state.appearance);
                self.out.write_all(&a)?;
            }
            self.out.write_all(b"}\n")?;
        }
        self.out.commit()
    }
}

/// The first line of a CityJSONSeq for a header: a CityJSON object with empty `CityObjects`
/// and `vertices`, newline included.
pub fn header_line(header: &Header) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    ser::header_members(&mut out, header, &Shift::default());
    // The templates' materials and textures: the only appearance a header line has.
    if let Some(app) = header
        .geometry_templates
        .as_ref()
        .map(|t| &t.appearance)
        .filter(|a| !a.is_empty())
    {
        out.extend_from_slice(b",\"appearance\":");
        ser::appearance(&mut out, app);
    }
    out.extend_from_slice(b",\"CityObjects\":{},\"vertices\":[]}\n");
    out
}

/// One CityJSONSeq line for a feature.
pub fn feature_line(f: &Feature) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"type\":\"CityJSONFeature\",\"id\":");
    ser::json(&mut out, &f.id);
    out.extend_from_slice(b",\"CityObjects\":{");
    let shift = Shift::default();
    for (j, o) in f.objects.iter().enumerate() {
        if j > 0 {
            out.push(b',');
        }
        ser::string(&mut out, &o.id);
        out.push(b':');
        ser::object(&mut out, o, &shift);
    }
    out.extend_from_slice(b"},\"vertices\":");
    ser::vertices(&mut out, &f.vertices);
    if let Some(app) = f.appearance.as_ref().filter(|a| !a.is_empty()) {
        out.extend_from_slice(b",\"appearance\":");
        ser::appearance(&mut out, app);
    }
    for (k, v) in &f.extra {
        out.push(b',');
        ser::json(&mut out, k);
        out.push(b':');
        ser::json(&mut out, v);
    }
    out.extend_from_slice(b"}\n");
    out
}
