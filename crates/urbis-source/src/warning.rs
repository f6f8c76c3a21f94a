//! What a reader noticed without failing.

use std::fmt;

/// A warning of an input's reader.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceWarning {
    /// A reader's warning.
    Read {
        /// The input it is about, when `message` does not already name it.
        path: Option<String>,
        /// What was wrong and what the reader did about it.
        message: String,
        /// Geometry the input holds was not kept: a validator must not call it valid.
        lost: bool,
    },
    /// At the end of a CityGML input: how many of its warnings named lost geometry.
    LostTotal {
        /// The input.
        path: String,
        /// The number of those warnings.
        count: u64,
    },
}

impl fmt::Display for SourceWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceWarning::Read {
                path: Some(path),
                message,
                ..
            } => write!(f, "{path}: {message}"),
            SourceWarning::Read { message, .. } => f.write_str(message),
            SourceWarning::LostTotal { path, count } => write!(
                f,
                "{path}: geometry was lost: {count} of the warnings above name geometry the file holds that could not be read and is missing from the result (`urbis validate` lists them as errors)"
            ),
        }
    }
}
