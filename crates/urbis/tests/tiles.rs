//! `urbis tiles` and `urbis export` to GLB/OBJ on every shared file, every GLB through the
//! Khronos glTF Validator, and the viewer in headless Chromium over `urbis demo`.
//!
//! The validator, Playwright and CesiumJS come from `npm ci --prefix viewer`, Chromium from
//! Debian; `.ci/run` installs them. Without them these tests say so and pass, except under
//! `CI=true`, where they fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

mod support;

fn urbis(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_urbis"))
        .args(args)
        .output()
        .unwrap()
}

fn viewer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../viewer")
}

/// `Some(())` when `what` is there; a skip message, or a failure under `CI=true`, when not.
fn require(test: &str, ok: bool, what: &str) -> Option<()> {
    if ok {
        return Some(());
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{test}: {what} is missing, and CI=true");
    }
    eprintln!("SKIPPED {test}: {what} is missing");
    None
}

/// Files that name no CRS, so tiling must refuse them (and say how to give one).
const NO_CRS: [&str; 7] = [
    "citygml/v2/citygml4j_lod2_buildings_v200.gml",
    "citygml/v3/local_crs.gml",
    "citygml/v3/parking_garage_lod2.gml",
    "cityjson/tiny/1b_w_texture.city.json",
    "cityjson/tiny/denhaag_01_subset.city.json",
    "cityjson/tiny/multi_lod.city.json",
    "cityjson/tiny/rotterdam_subset.city.json",
];

#[test]
fn every_shared_file_tiles_and_every_glb_passes_the_gltf_validator() {
    let test = "every_shared_file_tiles_and_every_glb_passes_the_gltf_validator";
    let Some(data) = urbis_testkit::require_data(test) else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let mut inputs = urbis_testkit::files(&data.join("cityjson"), &[".city.json", ".city.jsonl"]);
    inputs.extend(urbis_testkit::files(
        &data.join("citygml"),
        &[".gml", ".xml"],
    ));
    assert!(inputs.len() > 30, "{} inputs", inputs.len());
    let mut tiled = 0;
    for input in &inputs {
        let rel = input
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .to_string();
        let dir = out.path().join(rel.replace('/', "_"));
        let o = urbis(&[
            "tiles",
            input.to_str().unwrap(),
            "-o",
            dir.to_str().unwrap(),
            "--check",
            "--json",
            "--budget",
            "3000",
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        if NO_CRS.contains(&rel.as_str()) {
            assert_eq!(o.status.code(), Some(2), "{rel}: {stderr}");
            assert!(
                stderr.contains("no coordinate reference system") && stderr.contains("--crs"),
                "{rel}: {stderr}"
            );
            continue;
        }
        assert!(o.status.success(), "{rel}: {stderr}");
        let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(report["features"].as_u64().unwrap() > 0, "{rel}: {report}");
        assert_eq!(report["problems"], serde_json::json!([]), "{rel}");
        tiled += 1;
    }
    assert_eq!(tiled, inputs.len() - NO_CRS.len());
    // Exports: a whole model and a subset to GLB, one to OBJ.
    let delft = data.join("cityjson/medium/delft.city.json");
    let glb = out.path().join("exports/delft.glb");
    std::fs::create_dir_all(glb.parent().unwrap()).unwrap();
    for args in [
        vec!["export", delft.to_str().unwrap(), glb.to_str().unwrap()],
        vec![
            "export",
            delft.to_str().unwrap(),
            out.path().join("exports/roads.glb").to_str().unwrap(),
            "--type",
            "Road",
        ],
        vec![
            "export",
            delft.to_str().unwrap(),
            out.path().join("exports/delft.obj").to_str().unwrap(),
        ],
    ] {
        let o = urbis(&args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let obj = std::fs::read_to_string(out.path().join("exports/delft.obj")).unwrap();
    assert!(
        obj.contains("mtllib delft.mtl")
            && obj.lines().filter(|l| l.starts_with("f ")).count() == 36269
    );
    assert!(out.path().join("exports/delft.mtl").is_file());

    let validator = viewer_dir().join("node_modules/gltf-validator");
    if require(
        test,
        validator.is_dir(),
        "the glTF Validator (npm ci --prefix viewer)",
    )
    .is_none()
    {
        return;
    }
    let o = Command::new("node")
        .arg(viewer_dir().join("tools/validate-gltf.mjs"))
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let summary: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    let failures: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.contains("\"errors\":0") && l.contains("\"file\""))
        .collect();
    assert!(o.status.success(), "glTF Validator errors: {failures:#?}");
    assert!(summary["files"].as_u64().unwrap() > 60, "{summary}");
    eprintln!("glTF Validator: {summary}");
}

#[test]
fn the_viewer_shows_the_demo_city_and_a_clicked_buildings_id() {
    let test = "the_viewer_shows_the_demo_city_and_a_clicked_buildings_id";
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = Path::new(&chromium).is_file()
        && viewer_dir().join("node_modules/playwright-core").is_dir()
        && viewer_dir()
            .join("node_modules/cesium/Build/Cesium/Cesium.js")
            .is_file();
    if require(
        test,
        ready,
        "Chromium, Playwright or CesiumJS (apt-get install chromium; npm ci --prefix viewer)",
    )
    .is_none()
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let server = support::spawn_server(&[
        "demo",
        "--db",
        db.to_str().unwrap(),
        "--buildings",
        "300",
        "--bind",
        "127.0.0.1:0",
    ]);
    let base = format!("http://{}", server.addr);
    // The screenshot is a CI artifact under the build directory.
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-test/viewer.png");
    let _ = std::fs::remove_file(&shot);
    let o = Command::new("node")
        .arg(viewer_dir().join("tools/browser-test.mjs"))
        .args([base.as_str(), shot.to_str().unwrap()])
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    drop(server);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let result: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    // The first view frames the whole district, large (the script checks it, this says so).
    assert_eq!(result["frame"]["inside"], true, "{result}");
    assert!(
        result["frame"]["share"].as_f64().unwrap() >= 0.5,
        "{result}"
    );
    let id = result["clicked"]["id"].as_str().unwrap();
    assert!(id.starts_with("building_"), "{result}");
    assert!(result["panel"].as_str().unwrap().contains(id), "{result}");
    assert!(shot.is_file());
    eprintln!("viewer: {result}");
}
