//! The backend-independent store suite, on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urbis_store::Store;
use urbis_store_sqlite::SqliteStore;

#[test]
fn sqlite_passes_the_store_suite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let n = std::sync::atomic::AtomicUsize::new(0);
    let make = || -> Box<dyn Store> {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Box::new(SqliteStore::open(&dir.path().join(format!("s{i}.db"))).expect("open"))
    };
    urbis_store::suite::run_all(&make);
}

#[test]
fn reopening_keeps_the_schema_and_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("a.db");
    {
        let s = SqliteStore::open(&path).expect("open");
        assert!(s.collections().expect("list").is_empty());
    }
    let s = SqliteStore::open(&path).expect("reopen");
    assert!(s.check().expect("check").is_empty());
}

#[test]
fn a_foreign_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).expect("create");
    conn.execute_batch("CREATE TABLE t(x)").expect("table");
    drop(conn);
    let e = SqliteStore::open(&path)
        .err()
        .expect("must be refused")
        .to_string();
    assert!(e.contains("not an urbis store"), "{e}");
}

#[test]
fn a_store_from_a_newer_urbis_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("new.db");
    drop(SqliteStore::open(&path).expect("open"));
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.execute(
        "UPDATE meta SET value = '999' WHERE key = 'schema_version'",
        [],
    )
    .expect("bump");
    drop(conn);
    let e = SqliteStore::open(&path)
        .err()
        .expect("must be refused")
        .to_string();
    assert!(e.contains("newer urbis"), "{e}");
}
