//! The `Store` trait and its types.

use crate::{Filter, Record, Result};
use urbis_model::Transform;

/// A collection: one city model.
#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    /// Name, used in URLs (`/collections/{id}`).
    pub id: String,
    /// Human title.
    pub title: Option<String>,
    /// The CityJSONSeq header line (a CityJSON object with empty `CityObjects`), no newline.
    pub header: String,
    /// The transform every stored feature's vertices use.
    pub transform: Transform,
    /// EPSG code of the native CRS, when known.
    pub crs: Option<u32>,
    /// Number of features.
    pub count: u64,
    /// Native extent `[minx, miny, minz, maxx, maxy, maxz]`.
    pub bbox: Option<[f64; 6]>,
    /// CRS84 extent `[minlon, minlat, maxlon, maxlat]`.
    pub lonlat: Option<[f64; 4]>,
    /// Earliest start and latest end of the features' lifespans.
    pub temporal: [Option<String>; 2],
    /// Names of the attributes of top-level objects (the queryables).
    pub attributes: Vec<String>,
    /// The JSON type each attribute's values share, where known (absent: only nulls so far).
    pub attribute_types: std::collections::BTreeMap<String, crate::AttributeType>,
    /// Feature counts per CityObject type.
    pub types: Vec<(String, u64)>,
    /// Increases with every committed change (for ETags and caches).
    pub revision: u64,
}

/// What a transaction needs to create a collection that does not exist yet.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCollection {
    /// Name.
    pub id: String,
    /// Human title.
    pub title: Option<String>,
    /// The CityJSONSeq header line.
    pub header: String,
    /// The transform.
    pub transform: Transform,
    /// EPSG code of the CRS.
    pub crs: Option<u32>,
}

/// What to do when a stored object has the id of one being put.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Delete the stored feature(s) holding those ids, then store the new one.
    #[default]
    Replace,
    /// Keep the stored one, ignore the new one.
    Skip,
    /// Fail (the transaction should then be dropped).
    Fail,
}

/// What `put` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// Stored, nothing had its ids.
    Inserted,
    /// Stored, replacing the feature(s) that had its ids.
    Replaced,
    /// Not stored (`OnConflict::Skip`).
    Skipped,
}

/// Counts of a committed transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommitSummary {
    /// Features inserted.
    pub inserted: u64,
    /// Features that replaced stored ones.
    pub replaced: u64,
    /// Features skipped.
    pub skipped: u64,
    /// Features deleted.
    pub deleted: u64,
}

/// Which parts of an item a read loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fields {
    /// Id, type, properties, extents and the CRS84 footprint (GeoJSON output).
    #[default]
    Summary,
    /// As `Summary`, with the native footprint instead of the CRS84 one.
    SummaryNative,
    /// Id, type, extents and the CityJSONFeature body.
    Body,
}

/// A feature as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Feature id.
    pub id: String,
    /// CityObject type.
    pub kind: String,
    /// Properties JSON (empty for `Fields::Body`).
    pub properties: String,
    /// Footprint GeoJSON geometry in the CRS `Fields` asked for.
    pub geometry: Option<String>,
    /// Native extent.
    pub bbox: Option<[f64; 6]>,
    /// CRS84 extent.
    pub lonlat: Option<[f64; 4]>,
    /// The CityJSONFeature (only for `Fields::Body`).
    pub body: Option<Vec<u8>>,
}

/// A read query. All parts combine with AND.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// Native-CRS box `[minx, miny, minz, maxx, maxy, maxz]` the feature extents must meet
    /// (a 2D box has infinite z bounds).
    pub bbox: Option<[f64; 6]>,
    /// CRS84 box `[minlon, minlat, maxlon, maxlat]` the features' CRS84 extents must meet (a
    /// caller asking in CRS84 sets `bbox` to its envelope in the native CRS, for the index,
    /// and this for the exact answer).
    pub lonlat: Option<[f64; 4]>,
    /// CityObject types to keep (empty: all).
    pub types: Vec<String>,
    /// Lifespan interval the features' must meet (`None` ends are open).
    pub datetime: Option<[Option<String>; 2]>,
    /// A filter expression.
    pub filter: Option<Filter>,
    /// At most this many items (`query` only).
    pub limit: usize,
    /// Skip this many matches first.
    pub offset: u64,
    /// What to load.
    pub fields: Fields,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            bbox: None,
            lonlat: None,
            types: Vec::new(),
            datetime: None,
            filter: None,
            limit: 10,
            offset: 0,
            fields: Fields::Summary,
        }
    }
}

impl Query {
    /// A 2D bbox (z unbounded).
    pub fn bbox_2d(b: [f64; 4]) -> [f64; 6] {
        [b[0], b[1], f64::NEG_INFINITY, b[2], b[3], f64::INFINITY]
    }
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// The items, in a stable order (insertion order).
    pub items: Vec<Item>,
    /// Whether more matches follow.
    pub more: bool,
}

/// A city store. All methods are blocking; async callers run them on a blocking thread.
pub trait Store: Send + Sync {
    /// All collections.
    fn collections(&self) -> Result<Vec<Collection>>;
    /// One collection.
    fn collection(&self, id: &str) -> Result<Option<Collection>>;
    /// Deletes a collection and its features; false when there was none.
    fn delete_collection(&self, id: &str) -> Result<bool>;
    /// Starts a write transaction on a collection, creating it from `new` if it does not exist.
    /// Nothing is visible to readers until [`Transaction::commit`]; dropping it rolls back.
    fn begin(&self, new: &NewCollection) -> Result<Box<dyn Transaction + '_>>;
    /// One feature by its id, or by the id of any object in it.
    fn get(&self, collection: &str, id: &str, fields: Fields) -> Result<Option<Item>>;
    /// A page of matches.
    fn query(&self, collection: &str, query: &Query) -> Result<Page>;
    /// Every match (ignoring `limit`), in order, streamed to `each`; it returns false to stop.
    fn scan(
        &self,
        collection: &str,
        query: &Query,
        each: &mut dyn FnMut(Item) -> Result<bool>,
    ) -> Result<()>;
    /// Checks the store's integrity; the list of problems (empty when sound).
    fn check(&self) -> Result<Vec<String>>;
    /// Where data derived from this store (built 3D Tiles) is kept, when the backend names a
    /// place for it; `None`: keep nothing between runs.
    fn cache_dir(&self) -> Option<std::path::PathBuf> {
        None
    }
}

/// A write transaction on one collection.
pub trait Transaction {
    /// The collection written to (as it was when the transaction began).
    fn collection(&self) -> &Collection;
    /// Stores a feature.
    fn put(&mut self, record: &Record, on_conflict: OnConflict) -> Result<PutOutcome>;
    /// Deletes the feature holding an object id; false when there was none.
    fn delete(&mut self, id: &str) -> Result<bool>;
    /// Replaces the collection's header line and CRS (what [`crate::set_crs`] does; it puts
    /// every feature again so their longitude/latitude geometry follows).
    fn set_header(&mut self, header: &str, crs: Option<u32>) -> Result<()>;
    /// Makes every change visible at once.
    fn commit(self: Box<Self>) -> Result<CommitSummary>;
}
