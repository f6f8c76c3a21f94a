//! Store errors.

/// What can go wrong in a store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened, read or written.
    #[error("{context}: {message}")]
    Backend {
        /// What the store was doing.
        context: String,
        /// The backend's message.
        message: String,
    },
    /// The store was made by a newer urbis, or is not an urbis store.
    #[error("{0}")]
    Schema(String),
    /// No collection of that name.
    #[error("no collection named \"{0}\"")]
    NoCollection(String),
    /// `OnConflict::Fail` met an object id that is already stored.
    #[error("object \"{id}\" is already stored in collection \"{collection}\" (use --on-conflict replace or skip)")]
    Conflict {
        /// The collection.
        collection: String,
        /// The object id.
        id: String,
    },
    /// A feature that cannot be stored as given.
    #[error("feature \"{id}\": {message}")]
    BadFeature {
        /// The feature id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// `set_crs` on a collection that names another CRS, without `relabel`.
    #[error("collection \"{collection}\" is in EPSG:{own} already; to convert its coordinates to EPSG:{wanted}, run `urbis export` and `urbis reproject IN OUT --to EPSG:{wanted}`; if the label EPSG:{own} is wrong, add --relabel")]
    CrsAlreadySet {
        /// The collection.
        collection: String,
        /// The CRS it names.
        own: u32,
        /// The CRS asked for.
        wanted: u32,
    },
    /// A query the backend cannot run (a property name it cannot address...).
    #[error("{0}")]
    BadQuery(String),
}

/// Result with [`StoreError`].
pub type Result<T> = std::result::Result<T, StoreError>;

impl StoreError {
    /// A backend error with what the store was doing.
    pub fn backend(context: impl Into<String>, e: impl std::fmt::Display) -> Self {
        StoreError::Backend {
            context: context.into(),
            message: e.to_string(),
        }
    }
}
