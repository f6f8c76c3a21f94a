//! `urbis serve` with real clients: GDAL's OAPIF driver, OWSLib, an OpenAPI validator
//! (openapi-spec-validator) and an OpenAPI tester (schemathesis). The clients come from Debian and PyPI; `.ci/run` installs them.
//! Without them the tests say so and pass, except under `CI=true`, where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

fn urbis_ok(args: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

use support::{spawn_server, Server};

fn serve(db: &Path) -> Server {
    spawn_server(&[
        "serve",
        "--db",
        db.to_str().unwrap(),
        "--bind",
        "127.0.0.1:0",
    ])
}

/// A plain HTTP/1.1 GET; the status and body.
fn http_get(addr: &str, path: &str) -> (u16, Vec<u8>) {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut body = all[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, body)
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// Whether `program` runs; a missing client fails under CI=true.
fn have(program: &str, probe: &[&str]) -> bool {
    let ok = Command::new(program)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{program} is missing (CI=true): .ci/run should have installed it"
        );
        eprintln!("skipped: {program} is not installed");
    }
    ok
}

fn city_store(dir: &Path) -> std::path::PathBuf {
    let city = dir.join("delft.city.jsonl");
    urbis_ok(&["generate", city.to_str().unwrap(), "--buildings", "300"]);
    let db = dir.join("serve.db");
    urbis_ok(&[
        "import",
        city.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
        "--collection",
        "delft",
    ]);
    db
}

/// A temporary store with a synthetic city, served; `None` (skipped) without `client`.
fn served_city(client: &str, probe: &[&str]) -> Option<(tempfile::TempDir, Server)> {
    if !have(client, probe) {
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let server = serve(&city_store(dir.path()));
    Some((dir, server))
}

#[test]
fn gdal_lists_the_collections_and_reads_features() {
    let Some((_dir, server)) = served_city("ogrinfo", &["--version"]) else {
        return;
    };
    let base = format!("OAPIF:http://{}", server.addr);
    let list = Command::new("ogrinfo")
        .args(["-ro", "-q", &base])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.status.success() && text.contains("delft"),
        "{text}{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let layer = format!("{base}/collections/delft");
    let summary = Command::new("ogrinfo")
        .args(["-ro", &layer, "-al", "-so"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&summary.stdout);
    assert!(
        summary.status.success(),
        "{}",
        String::from_utf8_lossy(&summary.stderr)
    );
    assert!(text.contains("Feature Count: 331"), "{text}");
    assert!(text.contains("measuredHeight"), "{text}");
    // A bbox read: the first row of plots (lon/lat of the synthetic city's south-west).
    let (_, body) = http_get(&server.addr, "/collections/delft/items?limit=1");
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let p = &v["features"][0]["geometry"]["coordinates"][0][0];
    let (x, y) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
    let spat = [x - 0.0005, y - 0.0003, x + 0.0005, y + 0.0003].map(|c| c.to_string());
    let read = Command::new("ogrinfo")
        .args([
            "-ro", &layer, "-al", "-spat", &spat[0], &spat[1], &spat[2], &spat[3],
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&read.stdout);
    let n = text.matches("OGRFeature(delft)").count();
    assert!(
        read.status.success() && n > 0 && n < 331,
        "{n} features: {}",
        String::from_utf8_lossy(&read.stderr)
    );
    assert!(text.contains("POLYGON"), "geometries come through");
}

#[test]
fn owslib_reads_the_collections() {
    let Some((_dir, server)) = served_city("python3", &["-c", "import owslib.ogcapi.features"])
    else {
        return;
    };
    let script = format!(
        "from owslib.ogcapi.features import Features\n\
         w = Features('http://{}')\n\
         ids = [c['id'] for c in w.collections()['collections']]\n\
         assert ids == ['delft'], ids\n\
         assert 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core' in w.conformance()['conformsTo']\n\
         items = w.collection_items('delft', limit=25)\n\
         assert items['numberReturned'] == 25, items['numberReturned']\n\
         one = w.collection_item('delft', items['features'][0]['id'])\n\
         assert one['id'] == items['features'][0]['id']\n\
         print('owslib ok', len(items['features']))\n",
        server.addr
    );
    runs_ok(Command::new("python3").args(["-c", &script]));
}

/// Runs a client; it must succeed (its output is the failure message).
fn runs_ok(command: &mut Command) {
    let o = command.output().unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{out}");
}

#[test]
fn the_openapi_document_validates() {
    let Some((dir, server)) = served_city("openapi-spec-validator", &["--help"]) else {
        return;
    };
    let (status, body) = http_get(&server.addr, "/api");
    assert_eq!(status, 200);
    let file = dir.path().join("api.json");
    std::fs::write(&file, body).unwrap();
    runs_ok(Command::new("openapi-spec-validator").arg(&file));
    let (status, _) = http_get(&server.addr, "/collections/nope/items");
    assert_eq!(status, 404);
}

/// schemathesis (PyPI) generates requests from `/api` and checks every answer against it:
/// status codes, content types, response schemas, that schema-valid requests are accepted
/// and invalid ones refused (`--checks all`; the few refusals a schema cannot describe are
/// listed in crates/urbis-server/tests/schemathesis.toml), and no 5xx. A fixed seed keeps
/// runs repeatable.
#[test]
fn the_openapi_document_holds_under_schemathesis() {
    let Some((dir, server)) = served_city("schemathesis", &["--version"]) else {
        return;
    };
    let config =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../urbis-server/tests/schemathesis.toml");
    runs_ok(
        Command::new("schemathesis")
            .arg("--config-file")
            .arg(&config)
            .args(["run", &format!("http://{}/api", server.addr)])
            .args(["--checks", "all", "--max-examples", "40", "--seed", "18"])
            .env("NO_COLOR", "1")
            // Its cache (`.schemathesis/`) goes to the temporary folder, not the sources.
            .current_dir(dir.path()),
    );
}
