//! Errors of the CityJSON readers and writers.

use std::fmt;
use std::path::PathBuf;

/// Where in the input a problem was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// 1-based column (byte), when known.
    pub column: Option<u64>,
    /// The CityObject (or CityJSONFeature) id, when known.
    pub object: Option<String>,
}

impl Location {
    /// `": line 3, column 4"`, or nothing when the location is unknown.
    pub fn prefixed(&self) -> String {
        let text = self.to_string();
        if text.is_empty() {
            text
        } else {
            format!(": {text}")
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(line) = self.line {
            write!(f, "line {line}")?;
            if let Some(column) = self.column {
                write!(f, ", column {column}")?;
            }
            sep = ", ";
        }
        if let Some(object) = &self.object {
            write!(f, "{sep}object \"{object}\"")?;
        }
        Ok(())
    }
}

/// An error reading or writing CityJSON, naming the file and the place.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error (in the message, not chained: the CLI prints chains).
        cause: std::io::Error,
    },
    /// The input is not well-formed JSON, or a value has the wrong JSON type.
    #[error("{}{}: {message}", path.display(), location.prefixed())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The JSON is well-formed but is not valid CityJSON (missing member, bad index, ...).
    #[error("{}{}: {message}", path.display(), location.prefixed())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Where.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The declared CityJSON version is not one urbis reads.
    #[error("{}: unsupported CityJSON version \"{version}\" (urbis reads 1.0, 1.1 and 2.0)", path.display())]
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version found.
        version: String,
    },
}

impl Error {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            cause: source,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
