//! The database schema and its migrations.
//!
//! `meta.schema_version` records how many entries of [`MIGRATIONS`] have been applied; opening
//! a store applies the missing ones in one transaction, and refuses a store made by a newer
//! urbis rather than guess.

use rusqlite::{Connection, OptionalExtension};
use urbis_store::{Result, StoreError};

/// Schema migrations, in order; never edit one that has shipped, append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: collections, features, object ids, the R*Tree.
    "CREATE TABLE collections(
        cid INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        title TEXT,
        header TEXT NOT NULL,
        transform TEXT NOT NULL,
        crs INTEGER,
        count INTEGER NOT NULL DEFAULT 0,
        minx REAL, miny REAL, minz REAL, maxx REAL, maxy REAL, maxz REAL,
        minlon REAL, minlat REAL, maxlon REAL, maxlat REAL,
        dt_start TEXT, dt_end TEXT,
        attributes TEXT NOT NULL DEFAULT '[]',
        types TEXT NOT NULL DEFAULT '[]',
        revision INTEGER NOT NULL DEFAULT 0
     );
     CREATE TABLE features(
        fid INTEGER PRIMARY KEY,
        cid INTEGER NOT NULL REFERENCES collections(cid),
        id TEXT NOT NULL,
        type TEXT NOT NULL,
        properties TEXT NOT NULL,
        footprint TEXT,
        footprint_native TEXT,
        minx REAL, miny REAL, minz REAL, maxx REAL, maxy REAL, maxz REAL,
        minlon REAL, minlat REAL, maxlon REAL, maxlat REAL,
        dt_start TEXT, dt_end TEXT,
        objects TEXT NOT NULL,
        body BLOB NOT NULL
     );
     CREATE INDEX features_cid ON features(cid);
     CREATE INDEX features_type ON features(cid, type);
     CREATE TABLE object_ids(
        cid INTEGER NOT NULL,
        id TEXT NOT NULL,
        fid INTEGER NOT NULL,
        PRIMARY KEY (cid, id)
     ) WITHOUT ROWID;
     CREATE VIRTUAL TABLE features_rtree USING rtree(fid, minx, maxx, miny, maxy, minz, maxz);",
];

/// Sets the connection's pragmas: WAL, a busy timeout, case-sensitive LIKE (as CQL2 wants).
pub fn configure(conn: &Connection) -> Result<()> {
    // 16 KiB pages hold a typical feature row (1-3 KB) without overflow chains; the page size
    // only takes effect on a new, empty file, before WAL mode is set.
    conn.execute_batch(
        "PRAGMA page_size = 16384;
         PRAGMA journal_mode = WAL;
         PRAGMA synchronous = NORMAL;
         PRAGMA case_sensitive_like = ON;
         PRAGMA cache_size = -65536;
         PRAGMA temp_store = MEMORY;",
    )
    .map_err(|e| StoreError::backend("setting up the connection", e))?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(|e| StoreError::backend("setting up the connection", e))?;
    Ok(())
}

/// Brings the schema up to date.
pub fn migrate(conn: &mut Connection) -> Result<()> {
    let err = |e: rusqlite::Error| StoreError::backend("migrating the schema", e);

    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(err)?;
    let has_meta: bool = tx
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(err)?
        > 0;
    let version: usize = if has_meta {
        tx.query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |r| r.get::<_, String>(0),
        )
        .optional()
        .map_err(err)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
    } else {
        let tables: i64 = tx
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(err)?;
        if tables > 0 {
            return Err(StoreError::Schema(
                "this SQLite file is not an urbis store (it has tables but no urbis schema)".into(),
            ));
        }
        tx.execute_batch(
            "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
             INSERT INTO meta VALUES ('application', 'urbis');",
        )
        .map_err(err)?;
        0
    };
    if version > MIGRATIONS.len() {
        return Err(StoreError::Schema(format!(
            "this store has schema version {version}, made by a newer urbis (this one knows up to {})",
            MIGRATIONS.len()
        )));
    }
    for m in &MIGRATIONS[version..] {
        tx.execute_batch(m).map_err(err)?;
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?1)",
        [MIGRATIONS.len().to_string()],
    )
    .map_err(err)?;
    tx.commit().map_err(err)
}
