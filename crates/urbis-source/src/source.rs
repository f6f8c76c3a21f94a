//! [`FeatureSource`]: batches of features from a file, standard input or a store collection.

use crate::stdin::{self, Stdin};
use crate::{InputFormat, InputOptions, SourceError, SourceWarning};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use urbis_cityjson::Encoding;
use urbis_geom::FeatureReprojector;
use urbis_model::{AxisOrder, Feature, Header, Summary};
use urbis_store::{Query, Store};

/// The reader behind a source.
enum Reader {
    Json(Box<urbis_cityjson::Reader>),
    /// CityGML.
    Gml(Box<urbis_citygml::Reader>),
}

/// Features read in one CRS and handed out in another.
struct Reprojection {
    reprojector: FeatureReprojector,
    header: Header,
    target: u32,
}

/// An open input of features: a CityJSON, CityJSONSeq or CityGML file, standard input, or a
/// store collection. Features come in batches of bounded size, in the input's order.
pub struct FeatureSource {
    reader: Reader,
    /// What messages call the input: its path, `<stdin>` or `<collection NAME>`.
    name: String,
    reprojection: Option<Reprojection>,
    warnings: Vec<SourceWarning>,
    /// Standard input spooled for the CityGML reader (removed when the source is dropped).
    _spool: Option<tempfile::TempPath>,
}

impl FeatureSource {
    /// Opens `path` (`-` for standard input); CityGML is told from CityJSON by its content.
    pub fn open(path: &Path, options: &InputOptions) -> Result<FeatureSource, SourceError> {
        if path.as_os_str() != "-" {
            if urbis_citygml::is_xml_file(path) {
                return Self::open_citygml(path, None, options);
            }
            let reader = urbis_cityjson::Reader::open(path)?;
            return Self::with_cityjson(reader, options);
        }
        match stdin::sniff()? {
            Stdin::Xml(spool) => {
                let path = spool.to_path_buf();
                Self::open_citygml(&path, Some(spool), options)
            }
            Stdin::Json(stream) => {
                let reader = urbis_cityjson::Reader::from_stream(Path::new("<stdin>"), stream)?;
                Self::with_cityjson(reader, options)
            }
        }
    }

    /// Reads `collection` of `store` (the features `query` selects; its paging and fields
    /// are ignored) as it is written out by a thread of its own: no temporary file.
    pub fn collection(
        store: Arc<dyn Store>,
        collection: &str,
        query: &Query,
        options: &InputOptions,
    ) -> Result<FeatureSource, SourceError> {
        // A missing collection is the store's error, said before any reading starts.
        if store.collection(collection)?.is_none() {
            return Err(urbis_store::StoreError::NoCollection(collection.to_string()).into());
        }
        let label = format!("<collection {collection}>");
        let stream = urbis_store::seq_reader(store, collection, query);
        let reader = urbis_cityjson::Reader::from_stream(label.as_ref(), Box::new(stream))?;
        Self::with_cityjson(reader, options)
    }

    fn with_cityjson(
        mut reader: urbis_cityjson::Reader,
        options: &InputOptions,
    ) -> Result<FeatureSource, SourceError> {
        if let Some(crs) = &options.crs {
            reader.assume_crs(crs)?;
        }
        if options.axes == AxisOrder::Swap {
            reader.swap_axes();
        }
        let warnings = reader
            .warnings()
            .iter()
            .map(|w| SourceWarning::Read {
                path: None,
                message: w.clone(),
                lost: false,
            })
            .collect();
        Ok(FeatureSource {
            name: reader.path().display().to_string(),
            reader: Reader::Json(Box::new(reader)),
            reprojection: None,
            warnings,
            _spool: None,
        })
    }

    fn open_citygml(
        path: &Path,
        spool: Option<tempfile::TempPath>,
        options: &InputOptions,
    ) -> Result<FeatureSource, SourceError> {
        let gml_options = urbis_citygml::Options {
            strict: options.strict,
            axes: options.axes,
            crs: options.crs.clone(),
        };
        let reader = urbis_citygml::Reader::open_with(path, gml_options)?;
        let name = path.display().to_string();
        let warnings = reader
            .warnings()
            .iter()
            .map(|w| gml_warning(&name, w))
            .collect();
        Ok(FeatureSource {
            name,
            reader: Reader::Gml(Box::new(reader)),
            _spool: spool,
            reprojection: None,
            warnings,
        })
    }

    /// This source, or when its CRS is geographic (degrees) the same features reprojected
    /// one by one to the WGS 84 UTM zone of the model's origin, so that areas, volumes,
    /// slopes and shadows come out in metres (UTM's scale error stays below 0.1 % of an
    /// area); with the EPSG code of that zone when it reprojects.
    pub fn in_metres(mut self) -> Result<(FeatureSource, Option<u32>), SourceError> {
        let header = self.header().clone();
        let Some(code) = header.crs().and_then(|c| c.epsg_code()) else {
            return Ok((self, None));
        };
        let [lon, lat, _] = header.transform.translate;
        let Some(utm) = urbis_geom::metric_crs_for(code, lon, lat) else {
            return Ok((self, None));
        };
        let reproject = |source| SourceError::Reproject {
            input: self.name.clone(),
            to: utm,
            source,
        };
        let Some((reprojector, header)) =
            FeatureReprojector::new(&header, utm).map_err(reproject)?
        else {
            return Ok((self, None));
        };
        self.reprojection = Some(Reprojection {
            reprojector,
            header,
            target: utm,
        });
        Ok((self, Some(utm)))
    }

    /// What messages call this input: its path, `<stdin>` or `<collection NAME>`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The model-level parts (of the reprojected model, after [`FeatureSource::in_metres`]).
    pub fn header(&self) -> &Header {
        if let Some(r) = &self.reprojection {
            return &r.header;
        }
        match &self.reader {
            Reader::Json(r) => r.header(),
            Reader::Gml(r) => r.header(),
        }
    }

    /// The input's format.
    pub fn format(&self) -> InputFormat {
        match &self.reader {
            Reader::Json(r) => match r.encoding() {
                Encoding::CityJson => InputFormat::CityJson,
                Encoding::CityJsonSeq => InputFormat::CityJsonSeq,
            },
            Reader::Gml(..) => InputFormat::CityGml,
        }
    }

    /// The encoding outputs default to (CityJSON for CityGML input).
    pub fn encoding(&self) -> Encoding {
        match &self.reader {
            Reader::Json(r) => r.encoding(),
            Reader::Gml(..) => Encoding::CityJson,
        }
    }

    /// The path being read (a spooled file for CityGML on standard input).
    pub fn path(&self) -> PathBuf {
        match &self.reader {
            Reader::Json(r) => r.path().to_path_buf(),
            Reader::Gml(r) => r.path().to_path_buf(),
        }
    }

    /// Number of features, when known in advance.
    pub fn feature_count(&self) -> Option<usize> {
        match &self.reader {
            Reader::Json(r) => r.feature_count(),
            Reader::Gml(r) => r.member_count(),
        }
    }

    /// Vertices of a whole CityJSON file (shared vertices counted once).
    pub fn vertex_count(&self) -> Option<usize> {
        match &self.reader {
            Reader::Json(r) => r.vertex_count(),
            Reader::Gml(..) => None,
        }
    }

    /// Reads shape only from here on (no object attributes, materials or textures), where the
    /// format's reader can skip them (CityJSON and CityJSONSeq); for analyses that measure.
    pub fn geometry_only(&mut self) {
        if let Reader::Json(r) = &mut self.reader {
            r.geometry_only();
        }
    }

    /// The warnings noticed since the last call (at first: those of opening the input).
    pub fn take_warnings(&mut self) -> Vec<SourceWarning> {
        std::mem::take(&mut self.warnings)
    }

    /// The next batch of features; `None` at the end.
    pub fn next_batch(&mut self) -> Result<Option<Vec<Feature>>, SourceError> {
        let batch = match &mut self.reader {
            Reader::Json(r) => r.next_batch()?,
            Reader::Gml(r) => {
                let batch = r.next_batch()?;
                let name = &self.name;
                self.warnings
                    .extend(r.take_warnings().iter().map(|w| gml_warning(name, w)));
                if let Some(count) = r.take_lost_total() {
                    self.warnings.push(SourceWarning::LostTotal {
                        path: name.clone(),
                        count,
                    });
                }
                batch
            }
        };
        let Some(r) = &self.reprojection else {
            return Ok(batch);
        };
        let Some(mut batch) = batch else {
            return Ok(None);
        };
        for f in &mut batch {
            r.reprojector
                .apply(f)
                .map_err(|source| SourceError::Reproject {
                    input: self.name.clone(),
                    to: r.target,
                    source,
                })?;
        }
        Ok(Some(batch))
    }

    /// What `urbis info` reports: counts and extent, read from the file's bytes where the
    /// format allows (CityJSON), else from every feature.
    pub fn summarize(&mut self) -> Result<Summary, SourceError> {
        if let (Reader::Json(r), None) = (&mut self.reader, &self.reprojection) {
            return Ok(r.summarize()?);
        }
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

fn gml_warning(path: &str, w: &urbis_citygml::Warning) -> SourceWarning {
    SourceWarning::Read {
        path: Some(path.to_string()),
        message: w.to_string(),
        lost: w.lost,
    }
}
