//! The embedded urbis store: a city in one SQLite file.
//!
//! - Bundled SQLite in WAL mode: readers never wait for a writer, and a write transaction that
//!   dies (error, Ctrl-C, `kill -9`, power cut) leaves the file as it was before it began.
//! - Features are rows with their packed CityJSONFeature text, precomputed footprints and properties;
//!   an R*Tree over their 3D extents serves bbox queries; `object_ids` maps every object id
//!   (children too) to its feature, which makes replacement and lookup by any id one probe.
//! - The schema is versioned ([`schema::MIGRATIONS`]).
//!
//! ```
//! use urbis_store::{Store, Query};
//! let dir = tempfile::tempdir().unwrap();
//! let store = urbis_store_sqlite::SqliteStore::open(&dir.path().join("city.db")).unwrap();
//! assert!(store.collections().unwrap().is_empty());
//! ```

mod pool;
pub mod schema;
mod sql;
mod tx;

use pool::Pool;
use rusqlite::{params_from_iter, Connection, OptionalExtension, Row};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use urbis_model::Transform;
use urbis_store::{
    Collection, Fields, Item, NewCollection, Page, Query, Result, Store, StoreError, Transaction,
};

/// A store in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    readers: Pool,
    writer: Mutex<Connection>,
}

fn err(context: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::backend(context, e)
}

/// Opens a connection with the store's settings and SQL functions.
fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)
        .map_err(|e| StoreError::backend(format!("opening {}", path.display()), e))?;
    schema::configure(&conn)?;
    conn.create_scalar_function(
        "urbis_intersects",
        2,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8
            | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let footprint: Option<String> = ctx.get(0)?;
            let region: String = ctx.get(1)?;
            let Some(polygons) = footprint.as_deref().and_then(sql::footprint_polygons) else {
                return Ok(false);
            };
            let rings: Vec<Vec<[f64; 2]>> = serde_json::from_str(&region)
                .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))?;
            Ok(urbis_store::Region::polygon(rings).intersects(&polygons))
        },
    )
    .map_err(err("registering SQL functions"))?;
    Ok(conn)
}

impl SqliteStore {
    /// Opens (creating if needed) a store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let mut writer = connect(path)?;
        // The writer's page cache holds the indexes a large import updates at random places.
        writer
            .execute_batch("PRAGMA cache_size = -262144")
            .map_err(err("setting up the writer"))?;
        schema::migrate(&mut writer)?;
        Ok(SqliteStore {
            path: path.to_path_buf(),
            readers: Pool::new(path.to_path_buf()),
            writer: Mutex::new(writer),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn cid(conn: &Connection, name: &str) -> Result<Option<i64>> {
        conn.prepare_cached("SELECT cid FROM collections WHERE name = ?1")
            .and_then(|mut s| s.query_row([name], |r| r.get(0)).optional())
            .map_err(err("looking up the collection"))
    }
}

/// `N` real columns from `base` on, or `None` when any is NULL.
fn reals<const N: usize>(r: &Row, base: usize) -> rusqlite::Result<Option<[f64; N]>> {
    let mut out = [0.0; N];
    for (k, slot) in out.iter_mut().enumerate() {
        match r.get::<_, Option<f64>>(base + k)? {
            Some(v) => *slot = v,
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

const COLLECTION_COLUMNS: &str = "name, title, header, transform, crs, count, minx, miny, minz, maxx, maxy, maxz, minlon, minlat, maxlon, maxlat, dt_start, dt_end, attributes, types, revision";

/// The attribute names and types of a collection row: `{"name": "type" | null}`, or from
/// stores written before urbis recorded types, `["name", ...]` (types then unknown: mixed).
fn attribute_columns(
    text: &str,
) -> (
    Vec<String>,
    std::collections::BTreeMap<String, urbis_store::AttributeType>,
) {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => {
            let types = map
                .iter()
                .filter_map(|(k, v)| {
                    Some((k.clone(), urbis_store::AttributeType::parse(v.as_str()?)))
                })
                .collect();
            (map.keys().cloned().collect(), types)
        }
        Ok(serde_json::Value::Array(list)) => {
            let names: Vec<String> = list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            let types = names
                .iter()
                .map(|n| (n.clone(), urbis_store::AttributeType::Mixed))
                .collect();
            (names, types)
        }
        _ => Default::default(),
    }
}

fn collection_from_row(r: &Row) -> rusqlite::Result<Collection> {
    let transform: String = r.get(3)?;
    let t: [[f64; 3]; 2] = serde_json::from_str(&transform).unwrap_or([[1.0; 3], [0.0; 3]]);
    let attributes: String = r.get(18)?;
    let (names, attribute_types) = attribute_columns(&attributes);
    let types: String = r.get(19)?;
    Ok(Collection {
        id: r.get(0)?,
        title: r.get(1)?,
        header: r.get(2)?,
        transform: Transform {
            scale: t[0],
            translate: t[1],
        },
        crs: r
            .get::<_, Option<i64>>(4)?
            .and_then(|c| u32::try_from(c).ok()),
        count: r.get::<_, i64>(5)?.max(0) as u64,
        bbox: reals(r, 6)?,
        lonlat: reals(r, 12)?,
        temporal: [r.get(16)?, r.get(17)?],
        attributes: names,
        attribute_types,
        types: serde_json::from_str(&types).unwrap_or_default(),
        revision: r.get::<_, i64>(20)?.max(0) as u64,
    })
}

/// Reads an item from a row of `sql::columns`.
fn item_from_row(r: &Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: r.get(0)?,
        kind: r.get(1)?,
        properties: r.get(2)?,
        geometry: r.get(3)?,
        bbox: reals(r, 4)?,
        lonlat: reals(r, 10)?,
        body: match r.get::<_, Option<Vec<u8>>>(14)? {
            Some(packed) => Some(urbis_store::body::unpack(&packed).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    14,
                    rusqlite::types::Type::Blob,
                    Box::new(e),
                )
            })?),
            None => None,
        },
    })
}

impl Store for SqliteStore {
    fn collections(&self) -> Result<Vec<Collection>> {
        let conn = self.readers.get()?;
        let mut s = conn
            .prepare_cached(&format!(
                "SELECT {COLLECTION_COLUMNS} FROM collections ORDER BY name"
            ))
            .map_err(err("listing collections"))?;
        let rows = s
            .query_map([], collection_from_row)
            .map_err(err("listing collections"))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(err("listing collections"))
    }

    fn collection(&self, id: &str) -> Result<Option<Collection>> {
        let conn = self.readers.get()?;
        conn.prepare_cached(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections WHERE name = ?1"
        ))
        .and_then(|mut s| s.query_row([id], collection_from_row).optional())
        .map_err(err("reading a collection"))
    }

    fn delete_collection(&self, id: &str) -> Result<bool> {
        let mut conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::backend("deleting a collection", "writer lock poisoned"))?;
        let e = err("deleting a collection");
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(&e)?;
        let Some(cid) = Self::cid(&tx, id)? else {
            return Ok(false);
        };
        tx.execute(
            "DELETE FROM features_rtree WHERE fid IN (SELECT fid FROM features WHERE cid = ?1)",
            [cid],
        )
        .map_err(&e)?;
        tx.execute("DELETE FROM object_ids WHERE cid = ?1", [cid])
            .map_err(&e)?;
        tx.execute("DELETE FROM features WHERE cid = ?1", [cid])
            .map_err(&e)?;
        tx.execute("DELETE FROM collections WHERE cid = ?1", [cid])
            .map_err(&e)?;
        tx.commit().map_err(&e)?;
        Ok(true)
    }

    fn begin(&self, new: &NewCollection) -> Result<Box<dyn Transaction + '_>> {
        let conn = self
            .writer
            .lock()
            .map_err(|_| StoreError::backend("starting a transaction", "writer lock poisoned"))?;
        Ok(Box::new(tx::SqliteTransaction::begin(conn, new)?))
    }

    fn get(&self, collection: &str, id: &str, fields: Fields) -> Result<Option<Item>> {
        let conn = self.readers.get()?;
        let Some(cid) = Self::cid(&conn, collection)? else {
            return Ok(None);
        };
        conn.prepare_cached(&format!(
            "SELECT {} FROM object_ids o JOIN features f ON f.fid = o.fid WHERE o.cid = ?1 AND o.id = ?2",
            sql::columns(fields)
        ))
        .and_then(|mut s| s.query_row(rusqlite::params![cid, id], item_from_row).optional())
        .map_err(err("reading a feature"))
    }

    fn query(&self, collection: &str, query: &Query) -> Result<Page> {
        let mut items = Vec::with_capacity(query.limit.min(10_000));
        let mut more = false;
        let limit = query.limit;
        self.run(collection, query, Some(limit as u64 + 1), &mut |item| {
            if items.len() == limit {
                more = true;
                return Ok(false);
            }
            items.push(item);
            Ok(true)
        })?;
        Ok(Page { items, more })
    }

    fn scan(
        &self,
        collection: &str,
        query: &Query,
        each: &mut dyn FnMut(Item) -> Result<bool>,
    ) -> Result<()> {
        self.run(collection, query, None, each)
    }

    /// `<file>.tiles` beside the store file.
    fn cache_dir(&self) -> Option<PathBuf> {
        let mut dir = self.path.as_os_str().to_owned();
        dir.push(".tiles");
        Some(PathBuf::from(dir))
    }

    fn check(&self) -> Result<Vec<String>> {
        let conn = self.readers.get()?;
        let e = err("checking the store");
        let mut problems = Vec::new();
        let mut s = conn.prepare("PRAGMA integrity_check").map_err(&e)?;
        let lines = s
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(&e)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(&e)?;
        problems.extend(lines.into_iter().filter(|l| l != "ok"));
        let checks = [
            ("SELECT count(*) FROM object_ids o LEFT JOIN features f ON f.fid = o.fid WHERE f.fid IS NULL",
             "object ids pointing at no feature"),
            ("SELECT count(*) FROM features f LEFT JOIN object_ids o ON o.cid = f.cid AND o.id = f.id AND o.fid = f.fid WHERE o.fid IS NULL",
             "features whose id is not indexed"),
            ("SELECT count(*) FROM features f LEFT JOIN features_rtree r ON r.fid = f.fid WHERE (r.fid IS NULL) <> (f.minx IS NULL)",
             "features missing from (or wrongly in) the spatial index"),
            ("SELECT count(*) FROM features_rtree r LEFT JOIN features f ON f.fid = r.fid WHERE f.fid IS NULL",
             "spatial index entries for no feature"),
            ("SELECT count(*) FROM collections c WHERE c.count <> (SELECT count(*) FROM features f WHERE f.cid = c.cid)",
             "collections whose feature count is stale"),
            ("SELECT count(*) FROM features f LEFT JOIN collections c ON c.cid = f.cid WHERE c.cid IS NULL",
             "features of no collection"),
        ];
        for (query, what) in checks {
            let n: i64 = conn.query_row(query, [], |r| r.get(0)).map_err(&e)?;
            if n > 0 {
                problems.push(format!("{n} {what}"));
            }
        }
        Ok(problems)
    }
}

impl SqliteStore {
    fn run(
        &self,
        collection: &str,
        query: &Query,
        limit: Option<u64>,
        each: &mut dyn FnMut(Item) -> Result<bool>,
    ) -> Result<()> {
        let conn = self.readers.get()?;
        let Some(cid) = Self::cid(&conn, collection)? else {
            return Err(StoreError::NoCollection(collection.to_string()));
        };
        let mut sql = sql::select(cid, query)?;
        sql.text.push_str(" LIMIT ? OFFSET ?");
        sql.params.push(rusqlite::types::Value::Integer(
            limit.map_or(-1, |l| l.min(i64::MAX as u64) as i64),
        ));
        sql.params.push(rusqlite::types::Value::Integer(
            query.offset.min(i64::MAX as u64) as i64,
        ));
        let e = err("querying features");
        let mut s = conn.prepare_cached(&sql.text).map_err(&e)?;
        let mut rows = s
            .query(params_from_iter(sql.params.iter()))
            .map_err(|x| StoreError::BadQuery(format!("the query could not run: {x}")))?;
        while let Some(row) = rows.next().map_err(&e)? {
            let item = item_from_row(row).map_err(&e)?;
            if !each(item)? {
                break;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use urbis_store::AttributeType;

    #[test]
    fn attribute_columns_read_types_and_the_older_list_of_names() {
        let (names, types) =
            super::attribute_columns(r#"{"h": "number", "n": "integer", "x": null}"#);
        assert_eq!(names, ["h", "n", "x"]);
        assert_eq!(types["h"], AttributeType::Number);
        assert_eq!(types["n"], AttributeType::Integer);
        assert!(!types.contains_key("x"));
        // Stores written before types were recorded: names kept, types unknown.
        let (names, types) = super::attribute_columns(r#"["h", "n"]"#);
        assert_eq!(names, ["h", "n"]);
        assert_eq!(types["h"], AttributeType::Mixed);
        assert_eq!(super::attribute_columns("damaged").0, Vec::<String>::new());
    }
}
