//! A small pool of read connections: one per concurrent reader, kept for reuse.

use rusqlite::Connection;
use std::ops::Deref;
use std::path::PathBuf;
use std::sync::Mutex;
use urbis_store::{Result, StoreError};

/// Idle read connections.
pub struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

/// A connection lent by the pool; it goes back when dropped.
pub struct Lease<'a> {
    pool: &'a Pool,
    conn: Option<Connection>,
}

/// At most this many idle connections are kept.
const MAX_IDLE: usize = 64;

impl Pool {
    /// An empty pool for a store file.
    pub fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// An idle connection, or a new one.
    pub fn get(&self) -> Result<Lease<'_>> {
        let idle = self
            .idle
            .lock()
            .map_err(|_| StoreError::backend("reading", "connection pool lock poisoned"))?
            .pop();
        let conn = match idle {
            Some(c) => c,
            None => crate::connect(&self.path)?,
        };
        Ok(Lease {
            pool: self,
            conn: Some(conn),
        })
    }
}

impl Deref for Lease<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        // Only `drop` takes the connection out.
        self.conn.as_ref().unwrap_or_else(|| unreachable!())
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let (Some(conn), Ok(mut idle)) = (self.conn.take(), self.pool.idle.lock()) {
            if idle.len() < MAX_IDLE {
                idle.push(conn);
            }
        }
    }
}
