//! Errors of reading features.

use urbis_geom::FeatureReprojectError;

/// Why features could not be read; each reader's own error (with its file, line, column and
/// object id) is kept as it is.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The CityJSON or CityJSONSeq reader failed.
    #[error(transparent)]
    CityJson(#[from] urbis_cityjson::Error),
    /// The CityGML reader failed.
    #[error(transparent)]
    CityGml(#[from] urbis_citygml::Error),
    /// The store failed (or has no such collection).
    #[error(transparent)]
    Store(#[from] urbis_store::StoreError),
    /// Reprojecting features to a metric CRS failed.
    #[error("{input}: reprojecting to EPSG:{to}: {source}")]
    Reproject {
        /// The input's name.
        input: String,
        /// The target EPSG code.
        to: u32,
        /// The reprojector's error (naming the feature).
        source: FeatureReprojectError,
    },
    /// Standard input could not be read or spooled.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The cause.
        source: std::io::Error,
    },
}
