//! Any input urbis reads: CityJSON, CityJSONSeq or CityGML, chosen by content.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use urbis_cityjson::Encoding;
use urbis_model::{AxisOrder, Crs, Feature, Header, Summary};

/// The format of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub enum InputFormat {
    /// CityJSON (one object).
    CityJson,
    /// CityJSONSeq.
    CityJsonSeq,
    /// CityGML 1.0, 2.0 or 3.0.
    CityGml,
}

/// How inputs are read: the command line's global options.
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// `--strict`: input warnings are errors.
    pub strict: bool,
    /// `--swap-axes` / `--no-swap-axes`.
    pub axes: AxisOrder,
    /// `--crs`: the CRS of inputs that name none.
    pub crs: Option<Crs>,
}

/// An open input.
pub enum Input {
    /// CityJSON or CityJSONSeq.
    Json(Box<urbis_cityjson::Reader>),
    /// CityGML (and the spooled stdin, removed when the input is dropped).
    Gml(
        Box<urbis_citygml::Reader>,
        #[allow(dead_code)] Option<tempfile::TempPath>,
    ),
}

impl Input {
    /// Opens `path` (`-` for stdin), detecting CityGML by its content.
    pub fn open(path: &Path, options: &InputOptions) -> Result<Input> {
        if path.as_os_str() == "-" {
            // Spool stdin so that both readers can look at it from the start.
            let mut tmp = tempfile::NamedTempFile::new().context("spooling standard input")?;
            std::io::copy(&mut std::io::stdin().lock(), tmp.as_file_mut())
                .context("reading standard input")?;
            let tmp_path = tmp.into_temp_path();
            let input = Self::open_file(&tmp_path, options)?;
            return Ok(match input {
                Input::Gml(r, _) => Input::Gml(r, Some(tmp_path)),
                json => {
                    // The CityJSON reader has its file open; the name can go.
                    drop(tmp_path);
                    json
                }
            });
        }
        Self::open_file(path, options)
    }

    fn open_file(path: &Path, options: &InputOptions) -> Result<Input> {
        if urbis_citygml::is_xml_file(path) {
            let gml_options = urbis_citygml::Options {
                strict: options.strict,
                axes: options.axes,
                crs: options.crs.clone(),
            };
            let reader = urbis_citygml::Reader::open_with(path, gml_options)?;
            for w in reader.warnings() {
                eprintln!("urbis: warning: {}: {w}", path.display());
            }
            return Ok(Input::Gml(Box::new(reader), None));
        }
        let mut reader = urbis_cityjson::Reader::open(path)?;
        if let Some(crs) = &options.crs {
            reader.assume_crs(crs)?;
        }
        if options.axes == AxisOrder::Swap {
            reader.swap_axes();
        }
        for w in reader.warnings() {
            eprintln!("urbis: warning: {w}");
        }
        Ok(Input::Json(Box::new(reader)))
    }

    /// The model-level parts.
    pub fn header(&self) -> &Header {
        match self {
            Input::Json(r) => r.header(),
            Input::Gml(r, _) => r.header(),
        }
    }

    /// The input's format.
    pub fn format(&self) -> InputFormat {
        match self {
            Input::Json(r) => match r.encoding() {
                Encoding::CityJson => InputFormat::CityJson,
                Encoding::CityJsonSeq => InputFormat::CityJsonSeq,
            },
            Input::Gml(..) => InputFormat::CityGml,
        }
    }

    /// The encoding outputs default to (CityJSON for CityGML input).
    pub fn encoding(&self) -> Encoding {
        match self {
            Input::Json(r) => r.encoding(),
            Input::Gml(..) => Encoding::CityJson,
        }
    }

    /// The path being read.
    pub fn path(&self) -> PathBuf {
        match self {
            Input::Json(r) => r.path().to_path_buf(),
            Input::Gml(r, _) => r.path().to_path_buf(),
        }
    }

    /// Number of features, when known in advance.
    pub fn feature_count(&self) -> Option<usize> {
        match self {
            Input::Json(r) => r.feature_count(),
            Input::Gml(r, _) => r.member_count(),
        }
    }

    /// Reads shape only from here on (no object attributes, materials or textures), where the
    /// format's reader can skip them (CityJSON and CityJSONSeq); for analyses that measure.
    pub fn geometry_only(&mut self) {
        if let Input::Json(r) = self {
            r.geometry_only();
        }
    }

    /// The next batch of features; CityGML warnings go to stderr.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Feature>>> {
        match self {
            Input::Json(r) => Ok(r.next_batch()?),
            Input::Gml(r, _) => {
                let batch = r.next_batch()?;
                let path = r.path().display().to_string();
                for w in r.take_warnings() {
                    eprintln!("urbis: warning: {path}: {w}");
                }
                if let Some(lost) = r.take_lost_total() {
                    eprintln!(
                        "urbis: warning: {path}: geometry was lost: {lost} of the warnings above name geometry the file holds that could not be read and is missing from the result (`urbis validate` lists them as errors)"
                    );
                }
                Ok(batch)
            }
        }
    }

    /// What `urbis info` reports.
    pub fn summarize(&mut self) -> Result<Summary> {
        match self {
            Input::Json(r) => Ok(r.summarize()?),
            Input::Gml(..) => {
                let t = self.header().transform;
                let mut summary = Summary::default();
                while let Some(batch) = self.next_batch()? {
                    for f in &batch {
                        summary.add(f, &t);
                    }
                }
                Ok(summary)
            }
        }
    }

    /// Vertices of a whole CityJSON file (shared vertices counted once).
    pub fn vertex_count(&self) -> Option<usize> {
        match self {
            Input::Json(r) => r.vertex_count(),
            Input::Gml(..) => None,
        }
    }
}
