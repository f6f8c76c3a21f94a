//! `urbis db`: look after a store.

use anyhow::{anyhow, Context, Result};
use serde_json::json;
use std::path::PathBuf;
use urbis_store::Store;

/// Look after a store: list its collections, check its integrity, delete a collection.
#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: DbCommand,
}

#[derive(clap::Subcommand)]
enum DbCommand {
    /// List the collections with their feature counts, types, CRS and extents.
    Info {
        /// The store file.
        #[arg(long, default_value = "city.db")]
        db: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check the store's integrity (SQLite's integrity check and urbis's own consistency
    /// checks); exit code 1 when a problem is found.
    Check {
        /// The store file.
        #[arg(long, default_value = "city.db")]
        db: PathBuf,
    },
    /// Delete a collection and its features.
    Delete {
        /// The collection.
        collection: String,
        /// The store file.
        #[arg(long, default_value = "city.db")]
        db: PathBuf,
    },
}

fn open(db: &std::path::Path) -> Result<urbis_store_sqlite::SqliteStore> {
    if !db.exists() {
        return Err(anyhow!("no store at {}", db.display()));
    }
    urbis_store_sqlite::SqliteStore::open(db)
        .with_context(|| format!("opening the store {}", db.display()))
}

/// Runs `urbis db`.
pub fn run(a: Args) -> Result<u8> {
    match a.command {
        DbCommand::Info { db, json } => {
            let store = open(&db)?;
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
                    serde_json::to_string_pretty(
                        &json!({"db": db.display().to_string(), "collections": list})
                    )?
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
        DbCommand::Check { db } => {
            let store = open(&db)?;
            let problems = store.check()?;
            for p in &problems {
                println!("{}: {p}", db.display());
            }
            if problems.is_empty() {
                println!("{}: ok", db.display());
                Ok(0)
            } else {
                Ok(1)
            }
        }
        DbCommand::Delete { collection, db } => {
            let store = open(&db)?;
            if store.delete_collection(&collection)? {
                eprintln!("urbis: deleted collection \"{collection}\"");
                Ok(0)
            } else {
                Err(anyhow!(
                    "{}: no collection named \"{collection}\"",
                    db.display()
                ))
            }
        }
    }
}
