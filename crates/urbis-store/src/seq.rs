//! Writing a collection out as CityJSONSeq: the header line, then each feature's body.

use crate::{Fields, Query, Store, StoreError};
use std::io::Write;

/// Writes the collection's header line and the bodies of the features `query` selects (its
/// `fields` are ignored) to `out`, one per line; returns the number of features written.
pub fn write_seq(
    store: &dyn Store,
    collection: &str,
    query: &Query,
    out: &mut dyn Write,
) -> crate::Result<u64> {
    let c = store
        .collection(collection)?
        .ok_or_else(|| StoreError::NoCollection(collection.to_string()))?;
    let io = |e: std::io::Error| StoreError::Backend {
        context: "writing CityJSONSeq".into(),
        message: e.to_string(),
    };
    out.write_all(c.header.as_bytes()).map_err(io)?;
    out.write_all(b"\n").map_err(io)?;
    let query = Query {
        fields: Fields::Body,
        ..query.clone()
    };
    let mut n = 0;
    let mut failed = None;
    store.scan(collection, &query, &mut |item| {
        if let Some(body) = item.body {
            if let Err(e) = out.write_all(&body).and_then(|_| out.write_all(b"\n")) {
                failed = Some(e);
                return Ok(false);
            }
            n += 1;
        }
        Ok(true)
    })?;
    match failed {
        Some(e) => Err(io(e)),
        None => Ok(n),
    }
}
