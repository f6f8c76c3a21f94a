//! `--db URL` and `URBIS_DB`: every store command opens its store through one opener.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Command;
use support::{s, stderr, urbis};

#[test]
fn stores_are_named_by_url_or_by_urbis_db() {
    let tmp = tempfile::tempdir().unwrap();
    let city = tmp.path().join("c.city.json");
    let o = urbis(&["generate", s(&city), "--buildings", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // sqlite:PATH in the environment: import creates the file, db info reads it.
    let db = tmp.path().join("env.db");
    let url = format!("sqlite:{}", s(&db));
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_urbis"))
            .args(args)
            .env("URBIS_DB", &url)
            .output()
            .unwrap()
    };
    let o = run(&["import", s(&city), "--collection", "c"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(db.is_file());
    let o = run(&["db", "info", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["collections"][0]["id"], "c", "{v}");
    // --db wins over the environment.
    let other = tmp.path().join("other.db");
    let o = run(&["db", "info", "--db", s(&other)]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("no store at"), "{}", stderr(&o));
    assert!(!other.exists(), "reading commands never create a store");

    // A backend that is not there yet, and a scheme no backend has: clear refusals.
    let o = urbis(&["db", "info", "--db", "postgres://localhost/city"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("PostgreSQL"), "{}", stderr(&o));
    let o = urbis(&[
        "export",
        "x.city.json",
        "--db",
        "mysql://h/c",
        "--collection",
        "c",
    ]);
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("sqlite:PATH"), "{}", stderr(&o));
}
