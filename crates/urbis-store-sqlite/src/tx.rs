//! Write transactions: `BEGIN IMMEDIATE` on the writer connection, `ROLLBACK` when dropped
//! without a commit.

use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeMap;
use std::sync::MutexGuard;
use urbis_store::{
    attribute_type, AttributeType, Collection, CommitSummary, NewCollection, OnConflict,
    PutOutcome, Record, Result, StoreError, Transaction,
};

/// A transaction holding the writer connection.
pub struct SqliteTransaction<'a> {
    conn: MutexGuard<'a, Connection>,
    cid: i64,
    collection: Collection,
    summary: CommitSummary,
    /// Attribute names and types, as stored plus what was put.
    attributes: BTreeMap<String, Option<AttributeType>>,
    /// When the collection was empty at the start: the ids stored since, so that conflicts
    /// are found without asking the database for every object id.
    fresh_ids: Option<std::collections::HashSet<String>>,
    open: bool,
}

fn err(context: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| StoreError::backend(context, e)
}

impl<'a> SqliteTransaction<'a> {
    /// Begins, creating the collection when it is absent.
    pub fn begin(conn: MutexGuard<'a, Connection>, new: &NewCollection) -> Result<Self> {
        let e = err("starting a transaction");
        conn.execute_batch("BEGIN IMMEDIATE").map_err(&e)?;
        let mut tx = SqliteTransaction {
            conn,
            cid: 0,
            collection: Collection {
                id: new.id.clone(),
                title: new.title.clone(),
                header: new.header.clone(),
                transform: new.transform,
                crs: new.crs,
                count: 0,
                bbox: None,
                lonlat: None,
                temporal: [None, None],
                attributes: Vec::new(),
                attribute_types: Default::default(),
                types: Vec::new(),
                revision: 0,
            },
            summary: CommitSummary::default(),
            attributes: BTreeMap::new(),
            fresh_ids: None,
            open: true,
        };
        let existing = tx
            .conn
            .query_row(
                &format!(
                    "SELECT cid, {} FROM collections WHERE name = ?1",
                    crate::COLLECTION_COLUMNS
                ),
                [&new.id],
                |r| {
                    let cid: i64 = r.get(0)?;
                    Ok(cid)
                },
            )
            .optional()
            .map_err(&e)?;
        match existing {
            Some(cid) => {
                tx.cid = cid;
                tx.collection = tx
                    .conn
                    .query_row(
                        &format!(
                            "SELECT {} FROM collections WHERE cid = ?1",
                            crate::COLLECTION_COLUMNS
                        ),
                        [cid],
                        crate::collection_from_row,
                    )
                    .map_err(&e)?;
                let c = &tx.collection;
                tx.attributes = c
                    .attributes
                    .iter()
                    .map(|a| (a.clone(), c.attribute_types.get(a).copied()))
                    .collect();
                if tx.collection.count == 0 {
                    tx.fresh_ids = Some(Default::default());
                }
            }
            None => {
                let t = new.transform;
                tx.conn
                    .execute(
                        "INSERT INTO collections(name, title, header, transform, crs) VALUES (?1, ?2, ?3, ?4, ?5)",
                        rusqlite::params![
                            new.id,
                            new.title,
                            new.header,
                            serde_json::json!([t.scale, t.translate]).to_string(),
                            new.crs
                        ],
                    )
                    .map_err(&e)?;
                tx.cid = tx.conn.last_insert_rowid();
                tx.fresh_ids = Some(Default::default());
            }
        }
        Ok(tx)
    }

    fn delete_fid(&mut self, fid: i64) -> Result<()> {
        let e = err("deleting a feature");
        // The feature row lists its object ids, so the id index needs no index by feature.
        let objects: String = self
            .conn
            .prepare_cached("SELECT objects FROM features WHERE fid = ?1")
            .and_then(|mut s| s.query_row([fid], |r| r.get(0)))
            .map_err(&e)?;
        let ids: Vec<String> = serde_json::from_str(&objects).map_err(|x| {
            StoreError::backend(
                "deleting a feature",
                format!("its object list is damaged: {x}"),
            )
        })?;
        for id in ids {
            self.conn
                .prepare_cached("DELETE FROM object_ids WHERE cid = ?1 AND id = ?2 AND fid = ?3")
                .and_then(|mut s| s.execute(rusqlite::params![self.cid, id, fid]))
                .map_err(&e)?;
        }
        for q in [
            "DELETE FROM features_rtree WHERE fid = ?1",
            "DELETE FROM features WHERE fid = ?1",
        ] {
            self.conn
                .prepare_cached(q)
                .and_then(|mut s| s.execute([fid]))
                .map_err(&e)?;
        }
        Ok(())
    }

    fn fid_of(&self, id: &str) -> Result<Option<i64>> {
        self.conn
            .prepare_cached("SELECT fid FROM object_ids WHERE cid = ?1 AND id = ?2")
            .and_then(|mut s| {
                s.query_row(rusqlite::params![self.cid, id], |r| r.get(0))
                    .optional()
            })
            .map_err(err("looking up an object id"))
    }
}

impl Transaction for SqliteTransaction<'_> {
    fn collection(&self) -> &Collection {
        &self.collection
    }

    fn put(&mut self, r: &Record, on_conflict: OnConflict) -> Result<PutOutcome> {
        let mut holders = Vec::new();
        let maybe_stored = |id: &String| match &self.fresh_ids {
            Some(seen) => seen.contains(id),
            None => true,
        };
        let candidates: Vec<&String> = r.object_ids.iter().filter(|id| maybe_stored(id)).collect();
        for id in candidates {
            if let Some(fid) = self.fid_of(id)? {
                if !holders.contains(&fid) {
                    holders.push(fid);
                }
            }
        }
        let outcome = if holders.is_empty() {
            PutOutcome::Inserted
        } else {
            match on_conflict {
                OnConflict::Skip => {
                    self.summary.skipped += 1;
                    return Ok(PutOutcome::Skipped);
                }
                OnConflict::Fail => {
                    return Err(StoreError::Conflict {
                        collection: self.collection.id.clone(),
                        id: r.id.clone(),
                    })
                }
                OnConflict::Replace => {
                    for fid in holders {
                        self.delete_fid(fid)?;
                    }
                    PutOutcome::Replaced
                }
            }
        };
        let e = err("storing a feature");
        let b = r.bbox;
        let ll = r.lonlat;
        self.conn
            .prepare_cached(
                "INSERT INTO features(cid, id, type, properties, footprint, footprint_native,
                    minx, miny, minz, maxx, maxy, maxz, minlon, minlat, maxlon, maxlat,
                    dt_start, dt_end, objects, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    self.cid,
                    r.id,
                    r.kind,
                    r.properties,
                    r.footprint,
                    r.footprint_native,
                    b.map(|b| b[0]),
                    b.map(|b| b[1]),
                    b.map(|b| b[2]),
                    b.map(|b| b[3]),
                    b.map(|b| b[4]),
                    b.map(|b| b[5]),
                    ll.map(|b| b[0]),
                    ll.map(|b| b[1]),
                    ll.map(|b| b[2]),
                    ll.map(|b| b[3]),
                    r.datetime[0],
                    r.datetime[1],
                    serde_json::to_string(&r.object_ids).unwrap_or_else(|_| "[]".into()),
                    r.body,
                ])
            })
            .map_err(&e)?;
        let fid = self.conn.last_insert_rowid();
        if let Some(b) = b {
            self.conn
                .prepare_cached("INSERT INTO features_rtree VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .and_then(|mut s| {
                    s.execute(rusqlite::params![fid, b[0], b[3], b[1], b[4], b[2], b[5]])
                })
                .map_err(&e)?;
        }
        if let Some(seen) = self.fresh_ids.as_mut() {
            seen.extend(r.object_ids.iter().cloned());
        }
        for id in &r.object_ids {
            self.conn
                .prepare_cached("INSERT INTO object_ids(cid, id, fid) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(rusqlite::params![self.cid, id, fid]))
                .map_err(|x| StoreError::BadFeature {
                    id: r.id.clone(),
                    message: format!(
                        "object id \"{id}\" cannot be indexed (twice in the feature?): {x}"
                    ),
                })?;
        }
        attribute_type::merge_into(&mut self.attributes, &r.attributes);
        match outcome {
            PutOutcome::Inserted => self.summary.inserted += 1,
            PutOutcome::Replaced => self.summary.replaced += 1,
            PutOutcome::Skipped => {}
        }
        Ok(outcome)
    }

    fn delete(&mut self, id: &str) -> Result<bool> {
        match self.fid_of(id)? {
            Some(fid) => {
                self.delete_fid(fid)?;
                self.summary.deleted += 1;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn set_header(&mut self, header: &str, crs: Option<u32>) -> Result<()> {
        self.conn
            .execute(
                "UPDATE collections SET header = ?2, crs = ?3 WHERE cid = ?1",
                rusqlite::params![self.cid, header, crs],
            )
            .map_err(err("setting the header"))?;
        self.collection.header = header.to_string();
        self.collection.crs = crs;
        Ok(())
    }

    fn commit(mut self: Box<Self>) -> Result<CommitSummary> {
        let e = err("committing");
        // {"name": "integer" | ... | null (only nulls so far)}.
        let attributes: serde_json::Map<String, serde_json::Value> = self
            .attributes
            .iter()
            .filter(|(a, _)| *a != "type")
            .map(|(a, t)| (a.clone(), t.map(|t| t.as_str()).into()))
            .collect();
        let types: Vec<(String, i64)> = {
            let mut s = self
                .conn
                .prepare("SELECT type, count(*) FROM features WHERE cid = ?1 GROUP BY type ORDER BY type")
                .map_err(&e)?;
            let rows = s
                .query_map([self.cid], |r| Ok((r.get(0)?, r.get(1)?)))
                .map_err(&e)?;
            rows.collect::<rusqlite::Result<_>>().map_err(&e)?
        };
        self.conn
            .execute(
                "UPDATE collections SET
                    (count, minx, miny, minz, maxx, maxy, maxz, minlon, minlat, maxlon, maxlat, dt_start, dt_end) =
                    (SELECT count(*), min(minx), min(miny), min(minz), max(maxx), max(maxy), max(maxz),
                            min(minlon), min(minlat), max(maxlon), max(maxlat), min(dt_start), max(dt_end)
                     FROM features WHERE cid = ?1),
                    attributes = ?2, types = ?3, revision = revision + 1
                 WHERE cid = ?1",
                rusqlite::params![
                    self.cid,
                    serde_json::to_string(&attributes).unwrap_or_else(|_| "[]".into()),
                    serde_json::to_string(&types).unwrap_or_else(|_| "[]".into()),
                ],
            )
            .map_err(&e)?;
        self.conn.execute_batch("COMMIT").map_err(&e)?;
        self.open = false;
        Ok(self.summary)
    }
}

impl Drop for SqliteTransaction<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
