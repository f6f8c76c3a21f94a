//! `urbis db`: look after a store.

use crate::store_args::StoreArgs;
use anyhow::{anyhow, Context, Result};
use serde_json::json;

/// Look after a store: list its collections, check its integrity, name a collection's CRS,
/// delete a collection.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(clap::Subcommand)]
enum DbCommand {
    /// List the collections with their feature counts, types, CRS and extents.
    Info {
        /// The store.
        #[command(flatten)]
        store: StoreArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check the store's integrity (SQLite's integrity check and urbis's own consistency
    /// checks); exit code 1 when a problem is found.
    Check {
        /// The store.
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Name the CRS of a collection stored without one, e.g. `urbis db set-crs city EPSG:7415`.
    ///
    /// For models imported without a CRS (CityJSONSeq exports whose header has no
    /// `referenceSystem`, older CityJSON): every feature gets its longitude/latitude extent and
    /// footprint, so the OGC API, the tiles, the viewer and the analyses can place it. The
    /// coordinates do not change: to convert them to another CRS, export the collection and run
    /// `urbis reproject`. A collection that names another CRS is only relabelled with
    /// `--relabel`. A warning says when the features, read in that CRS, fall outside the
    /// area it is defined for (the code is then probably wrong).
    SetCrs {
        /// The collection.
        collection: String,
        /// The CRS its coordinates are in: EPSG:CODE (or an OGC CRS URL or URN).
        crs: String,
        /// The store.
        #[command(flatten)]
        store: StoreArgs,
        /// Replace a CRS the collection already names (its label is wrong).
        #[arg(long)]
        relabel: bool,
    },
    /// Delete a collection and its features.
    Delete {
        /// The collection.
        collection: String,
        /// The store.
        #[command(flatten)]
        store: StoreArgs,
    },
}

/// Runs `urbis db`.
pub fn run(a: Args) -> Result<u8> {
    match a.command {
        DbCommand::Info { store: db, json } => {
            let store = db.open()?;
            let collections = store.collections()?;
            if json {
                let list: Vec<_> = collections
                    .iter()
                    .map(|c| {
                        json!({"id": c.id, "title": c.title, "features": c.count,
                               "crs": c.crs.map(|c| format!("EPSG:{c}")), "extent": c.bbox,
                               "extent_crs84": c.lonlat, "types": c.types.iter().map(|(t, n)| (t.clone(), json!(n))).collect::<serde_json::Map<String, serde_json::Value>>(),
                               "attributes": c.attributes, "revision": c.revision})
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&json!({"db": db.db, "collections": list}))?
                );
            } else {
                for c in &collections {
                    println!(
                        "{}: {} features, {}, revision {}",
                        c.id,
                        c.count,
                        c.crs.map_or("unknown CRS".into(), |c| format!("EPSG:{c}")),
                        c.revision
                    );
                }
            }
            Ok(0)
        }
        DbCommand::Check { store: db } => {
            let store = db.open()?;
            let problems = store.check()?;
            for p in &problems {
                println!("{}: {p}", db.db);
            }
            if problems.is_empty() {
                println!("{}: ok", db.db);
                Ok(0)
            } else {
                Ok(1)
            }
        }
        DbCommand::SetCrs {
            collection,
            crs,
            store: db,
            relabel,
        } => {
            let code = urbis_model::Crs::parse(&crs)
                .and_then(|c| c.epsg_code())
                .ok_or_else(|| anyhow!("{crs}: give an EPSG code, e.g. EPSG:7415"))?;
            let store = db.open()?;
            let change = urbis_store::set_crs(store.as_ref(), &collection, code, relabel)
                .with_context(|| format!("{}: setting the CRS of \"{collection}\"", db.db))?;
            let before = change
                .previous
                .map_or("no CRS".to_string(), |c| format!("EPSG:{c}"));
            eprintln!(
                "urbis: \"{collection}\" is in EPSG:{code} now (was {before}): {} features, {} with longitude/latitude",
                change.features, change.placed
            );
            for w in change.warning.iter().chain(&change.outside_area) {
                eprintln!("urbis: warning: {w}");
            }
            Ok(0)
        }
        DbCommand::Delete {
            collection,
            store: db,
        } => {
            let store = db.open()?;
            if store.delete_collection(&collection)? {
                eprintln!("urbis: deleted collection \"{collection}\"");
                Ok(0)
            } else {
                Err(anyhow!("{}: no collection named \"{collection}\"", db.db))
            }
        }
    }
}
