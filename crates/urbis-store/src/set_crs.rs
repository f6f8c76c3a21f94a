//! Naming the CRS of a stored collection (`urbis db set-crs`): for models imported without one
//! (CityJSONSeq exports whose header has no `referenceSystem`, older CityJSON), so that their
//! features get longitude/latitude extents and footprints, and the server, tiles and analyses
//! can place them. Coordinates are not changed: this says what they are in, it does not
//! convert them (that is `urbis reproject`).

use crate::{
    Collection, NewCollection, OnConflict, Query, RecordBuilder, Store, StoreError, Transaction,
};
use urbis_model::Crs;

/// What [`set_crs`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct CrsChange {
    /// The CRS the collection named before (EPSG code), if any.
    pub previous: Option<u32>,
    /// Features re-recorded.
    pub features: u64,
    /// Features that have longitude/latitude extents now.
    pub placed: u64,
    /// Why features still lack longitude/latitude geometry, when they do.
    pub warning: Option<String>,
    /// When the features, read in the new CRS, lie outside its area of use (EPSG): the code
    /// is probably wrong. Says where they landed.
    pub outside_area: Option<String>,
}

/// Names EPSG:`code` as the CRS of `collection` and recomputes every feature's
/// longitude/latitude extent and footprint, in one transaction (readers see the old state or
/// the new one, never a mix). A collection that already names another CRS is only relabelled
/// with `relabel` (for data whose label is wrong); naming the CRS it already has changes
/// nothing.
pub fn set_crs(
    store: &dyn Store,
    collection: &str,
    code: u32,
    relabel: bool,
) -> crate::Result<CrsChange> {
    let c = store
        .collection(collection)?
        .ok_or_else(|| StoreError::NoCollection(collection.to_string()))?;
    if let Some(own) = c.crs.filter(|own| *own != code) {
        if !relabel {
            return Err(StoreError::CrsAlreadySet {
                collection: collection.to_string(),
                own,
                wanted: code,
            });
        }
    }
    // The write lock first, so nothing changes between reading the features and writing them.
    let mut tx = store.begin(&NewCollection {
        id: c.id.clone(),
        title: c.title.clone(),
        header: c.header.clone(),
        transform: c.transform,
        crs: c.crs,
    })?;
    // The features are read back as they are rewritten: a thread writes the collection
    // into a pipe (the reads see the state before this transaction), this one parses it.
    let (writer, pipe) = crate::pipe();
    std::thread::scope(|scope| {
        scope.spawn(|| crate::pipe::write_seq_into(store, collection, &Query::default(), writer));
        rewrite(tx.as_mut(), &c, code, pipe)
    })
    .and_then(|change| {
        tx.commit()?;
        Ok(change)
    })
}

/// Rewrites every feature `pipe` carries with `code` as its CRS.
fn rewrite(
    tx: &mut dyn Transaction,
    c: &Collection,
    code: u32,
    pipe: crate::PipeReader,
) -> crate::Result<CrsChange> {
    let cityjson = |e: urbis_cityjson::Error| StoreError::backend("reading the collection", e);
    let label = format!("<collection {}>", c.id);
    let mut reader =
        urbis_cityjson::Reader::from_stream(label.as_ref(), Box::new(pipe)).map_err(cityjson)?;
    let mut header = reader.header().clone();
    header.set_crs(&Crs::epsg(code));
    let line = String::from_utf8(urbis_cityjson::header_line(&header))
        .map_err(|e| StoreError::backend("writing the header", e))?;
    tx.set_header(&line, Some(code))?;
    let builder = RecordBuilder::new(c.transform, Some(code));
    let mut change = CrsChange {
        previous: c.crs,
        features: 0,
        placed: 0,
        warning: builder.warning().map(str::to_string),
        outside_area: None,
    };
    let mut extent = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    while let Some(batch) = reader.next_batch().map_err(cityjson)? {
        for f in &batch {
            let record = builder.record(f)?;
            if let Some(l) = record.lonlat {
                change.placed += 1;
                extent = [
                    extent[0].min(l[0]),
                    extent[1].min(l[1]),
                    extent[2].max(l[2]),
                    extent[3].max(l[3]),
                ];
            }
            tx.put(&record, OnConflict::Replace)?;
            change.features += 1;
        }
    }
    if let Some(facts) = urbis_geom::axes::crs_facts(code).filter(|_| change.placed > 0) {
        let (lon, lat) = ((extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0);
        if !facts.area_contains(lon, lat) {
            let [w, s, e, n] = facts.area;
            change.outside_area = Some(format!(
                "read in EPSG:{code}, the features lie around longitude {lon:.4}, latitude {lat:.4}, outside the area EPSG:{code} is defined for (longitude {w}..{e}, latitude {s}..{n}): check the code"
            ));
        }
    }
    Ok(change)
}
