//! Errors and warnings of the CityGML reader.

use std::fmt;
use std::path::PathBuf;

/// Where in the input something happened: line, CityObject id, gml:id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line number.
    pub line: Option<u64>,
    /// Id of the city object being read.
    pub object: Option<String>,
    /// gml:id of the element at fault (a polygon, a ring...), when it has one.
    pub gml_id: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(object) = &self.object {
            parts.push(format!("object {object}"));
        }
        if let Some(id) = &self.gml_id {
            parts.push(format!("gml:id {id}"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Something in the input that was skipped or repaired, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What was wrong and what the reader did about it.
    pub message: String,
    /// True when geometry the file holds was not kept (a skipped polygon or solid, an
    /// unresolved link to geometry): a validator must not call such a file valid.
    pub lost: bool,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.location.to_string();
        if at.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{at}: {}", self.message)
        }
    }
}

/// Errors of the CityGML reader.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{path}: {cause}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, not chained: the CLI prints chains).
        cause: std::io::Error,
    },
    /// The input is not well-formed XML, or nested deeper than urbis reads.
    #[error("{path}: {location}: XML: {message}")]
    Xml {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// The parser's message.
        message: String,
    },
    /// The input is XML but not CityGML (no CityGML namespace on the root element).
    #[error("{path}: line {line}: not CityGML: {message}")]
    NotCityGml {
        /// The file.
        path: PathBuf,
        /// Line of the root element.
        line: u64,
        /// What was found.
        message: String,
    },
    /// A problem that `--strict` turns from a warning into an error.
    #[error("{path}: {warning} (--strict)")]
    Strict {
        /// The file.
        path: PathBuf,
        /// The warning.
        warning: Warning,
    },
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            cause: source,
        }
    }
}

/// Results of the CityGML reader.
pub type Result<T, E = Error> = std::result::Result<T, E>;
