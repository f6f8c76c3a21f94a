//! `urbis serve`.

use anyhow::Result;
use std::path::PathBuf;

/// Serve a store over HTTP: OGC API – Features.
#[derive(clap::Args)]
pub struct Args {
    /// The store file.
    #[arg(long, default_value = "city.db")]
    pub db: PathBuf,
}

/// Runs `urbis serve`.
pub fn run(_a: Args) -> Result<u8> {
    Ok(0)
}
