//! Opening a store by URL: the one place that knows which backends exist.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let url = format!("sqlite:{}", dir.path().join("city.db").display());
//! let store = urbis_stores::open(&url, urbis_stores::Mode::Create).unwrap();
//! assert!(store.collections().unwrap().is_empty());
//! assert!(store.cache_dir().unwrap().ends_with("city.db.tiles"));
//! ```
//!
//! | URL | backend |
//! |---|---|
//! | `sqlite:PATH`, `sqlite://PATH`, or a bare `PATH` | the embedded SQLite file ([`urbis_store_sqlite`]) |
//! | `postgres://…`, `postgresql://…` | PostgreSQL + PostGIS (coming; refused with a message today) |

use std::path::{Path, PathBuf};
use std::sync::Arc;
use urbis_store::{Store, StoreError};

/// Whether opening may create the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Create an empty store when there is none (`import`, `demo`).
    Create,
    /// The store must exist (every command that reads or looks after one).
    Existing,
}

/// Why a store cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// No store where the URL points (with [`Mode::Existing`]).
    #[error("no store at {0} (create one with `urbis import FILE --db {0}`)")]
    Missing(String),
    /// A scheme urbis has no backend for.
    #[error("{url}: urbis has no store backend for \"{scheme}:\" (use sqlite:PATH or a file path; a file whose name has a colon needs the sqlite: prefix)")]
    UnknownScheme {
        /// The URL as given.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// A backend that is planned but not built yet.
    #[error(
        "{url}: the {backend} store is not part of this urbis yet (use sqlite:PATH or a file path)"
    )]
    NotYet {
        /// The URL as given.
        url: String,
        /// The backend's name.
        backend: &'static str,
    },
    /// The URL names no location.
    #[error("an empty store URL (give a file path or sqlite:PATH)")]
    Empty,
    /// The backend failed to open it.
    #[error("opening the store {url}: {source}")]
    Backend {
        /// The URL as given.
        url: String,
        /// The backend's error.
        source: StoreError,
    },
}

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string.
    Postgres(String),
}

/// Reads a store URL: `sqlite:PATH`, `sqlite://PATH` (`sqlite:///abs/path`), a bare path, or a
/// `postgres://` / `postgresql://` connection string.
pub fn parse(url: &str) -> Result<Location, OpenError> {
    let url_trimmed = url.trim();
    if url_trimmed.is_empty() {
        return Err(OpenError::Empty);
    }
    let Some((scheme, rest)) = scheme_of(url_trimmed) else {
        return Ok(Location::Sqlite(PathBuf::from(url_trimmed)));
    };
    match scheme.to_ascii_lowercase().as_str() {
        "sqlite" => {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(OpenError::Empty);
            }
            Ok(Location::Sqlite(PathBuf::from(path)))
        }
        "postgres" | "postgresql" => Ok(Location::Postgres(url_trimmed.to_string())),
        _ => Err(OpenError::UnknownScheme {
            url: url.to_string(),
            scheme: scheme.to_string(),
        }),
    }
}

/// The scheme of `url` and what follows its colon, when it starts with one (letters, then
/// letters, digits, `+`, `-` or `.`, then `:`); a path has none.
fn scheme_of(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some((scheme, rest))
}

/// Opens the store `url` points to.
pub fn open(url: &str, mode: Mode) -> Result<Arc<dyn Store>, OpenError> {
    match parse(url)? {
        Location::Sqlite(path) => {
            if mode == Mode::Existing && !path.exists() {
                return Err(OpenError::Missing(shown(&path)));
            }
            let store = urbis_store_sqlite::SqliteStore::open(&path).map_err(|source| {
                OpenError::Backend {
                    url: shown(&path),
                    source,
                }
            })?;
            Ok(Arc::new(store))
        }
        Location::Postgres(_) => Err(OpenError::NotYet {
            url: url.to_string(),
            backend: "PostgreSQL",
        }),
    }
}

/// Whether a store exists where `url` points (without creating one).
pub fn exists(url: &str) -> bool {
    match parse(url) {
        Ok(Location::Sqlite(path)) => path.exists(),
        _ => false,
    }
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        let sqlite = |p: &str| Location::Sqlite(PathBuf::from(p));
        assert_eq!(parse("city.db").unwrap(), sqlite("city.db"));
        assert_eq!(parse("/data/city.db").unwrap(), sqlite("/data/city.db"));
        assert_eq!(parse("sqlite:city.db").unwrap(), sqlite("city.db"));
        assert_eq!(parse("sqlite:///data/c.db").unwrap(), sqlite("/data/c.db"));
        assert_eq!(parse("SQLite:./a:b.db").unwrap(), sqlite("./a:b.db"));
        assert_eq!(parse("./a:b.db").unwrap(), sqlite("./a:b.db"));
        assert!(matches!(
            parse("postgres://u@h/db").unwrap(),
            Location::Postgres(_)
        ));
        assert!(matches!(
            parse("mysql://h/db"),
            Err(OpenError::UnknownScheme { .. })
        ));
        assert!(matches!(parse("  "), Err(OpenError::Empty)));
        assert!(matches!(parse("sqlite:"), Err(OpenError::Empty)));
    }

    #[test]
    fn existing_mode_never_creates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.db");
        let url = path.display().to_string();
        let e = open(&url, Mode::Existing).err().unwrap();
        assert!(e.to_string().starts_with("no store at"), "{e}");
        assert!(!path.exists() && !exists(&url));
        open(&url, Mode::Create).unwrap();
        assert!(exists(&url));
        open(&url, Mode::Existing).unwrap();
        let e = open("postgres://localhost/city", Mode::Existing)
            .err()
            .unwrap();
        assert!(e.to_string().contains("PostgreSQL"), "{e}");
    }
}
