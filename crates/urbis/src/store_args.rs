//! `--db`: the store a command works on, opened through the one opener (`urbis-stores`).

use anyhow::Result;
use std::sync::Arc;
use urbis_store::Store;
use urbis_stores::Mode;

/// The store option every store command shares.
#[derive(clap::Args, Clone, Debug)]
pub struct StoreArgs {
    /// The store: a SQLite file (a path, or sqlite:PATH). The environment variable URBIS_DB
    /// sets the default.
    #[arg(
        long = "db",
        env = "URBIS_DB",
        default_value = "city.db",
        value_name = "URL"
    )]
    pub db: String,
}

impl StoreArgs {
    /// The store, which must exist.
    pub fn open(&self) -> Result<Arc<dyn Store>> {
        Ok(urbis_stores::open(&self.db, Mode::Existing)?)
    }

    /// The store, created empty when there is none.
    pub fn open_or_create(&self) -> Result<Arc<dyn Store>> {
        Ok(urbis_stores::open(&self.db, Mode::Create)?)
    }
}
