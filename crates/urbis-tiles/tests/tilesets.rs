//! Tilesets of the shared real data: placement on the globe, and tiles holding exactly the
//! triangulated input.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;
use urbis_tiles::placement::ecef_to_geodetic;
use urbis_tiles::{
    check_tileset, tile_batches, BuildOptions, FeatureMesh, Frame, LodChoice, Mesher, Placement,
    TilerOptions,
};

fn options(budget: usize) -> BuildOptions {
    BuildOptions {
        tiler: TilerOptions {
            triangle_budget: budget,
            ..TilerOptions::default()
        },
        ..BuildOptions::default()
    }
}

fn tile(path: &Path, dir: &Path, budget: usize) -> urbis_tiles::TilesetReport {
    let mut reader = urbis_cityjson::Reader::open(path).unwrap();
    let header = reader.header().clone();
    tile_batches(
        &header,
        || reader.next_batch(),
        dir,
        &options(budget),
        &|_| {},
    )
    .unwrap()
}

/// The input meshed again, in a frame, by feature id.
fn meshes(path: &Path, ecef: bool) -> Vec<FeatureMesh> {
    let (header, features) = urbis_testkit::read(path);
    let placement = Placement::new(header.crs().as_ref(), 0.0).unwrap();
    let frame = if ecef {
        Frame::Ecef(&placement)
    } else {
        Frame::Native
    };
    let mesher = Mesher::new(
        frame,
        header.transform,
        header.geometry_templates.as_ref(),
        LodChoice::Highest,
    );
    features.iter().map(|f| mesher.mesh(f).unwrap()).collect()
}

/// Dutch RD (EPSG:28992) to WGS 84 with the published approximation polynomials
/// (Schreutelkamp and Strang van Hees), good to about a decimetre — independent of proj4rs.
fn rd_to_wgs84(x: f64, y: f64) -> (f64, f64) {
    let dx = (x - 155_000.0) * 1e-5;
    let dy = (y - 463_000.0) * 1e-5;
    let k: [(i32, i32, f64); 11] = [
        (0, 1, 3235.65389),
        (2, 0, -32.58297),
        (0, 2, -0.24750),
        (2, 1, -0.84978),
        (0, 3, -0.06650),
        (2, 2, -0.01709),
        (1, 0, -0.00738),
        (4, 0, 0.00530),
        (2, 3, -0.00039),
        (4, 1, 0.00033),
        (1, 1, -0.00012),
    ];
    let l: [(i32, i32, f64); 12] = [
        (1, 0, 5260.52916),
        (1, 1, 105.94684),
        (1, 2, 2.45656),
        (3, 0, -0.81885),
        (1, 3, 0.05594),
        (3, 1, -0.05607),
        (0, 1, 0.01199),
        (3, 2, -0.00256),
        (1, 4, 0.00128),
        (0, 0, 0.00022),
        (2, 0, -0.00022),
        (5, 0, 0.00026),
    ];
    let sum = |t: &[(i32, i32, f64)]| -> f64 {
        t.iter()
            .map(|&(p, q, c)| c * dx.powi(p) * dy.powi(q))
            .sum::<f64>()
            / 3600.0
    };
    (5.387_206_21 + sum(&l), 52.155_174_40 + sum(&k))
}

fn metres_apart(a: (f64, f64), b: (f64, f64)) -> f64 {
    let lat = a.1.to_radians();
    let dx = (a.0 - b.0).to_radians() * 6_378_137.0 * lat.cos();
    let dy = (a.1 - b.1).to_radians() * 6_378_137.0;
    (dx * dx + dy * dy).sqrt()
}

#[test]
fn delft_lands_in_delft_within_a_metre() {
    let Some(data) = urbis_testkit::require_data("delft_lands_in_delft_within_a_metre") else {
        return;
    };
    let path = data.join("cityjson/medium/delft.city.json");
    let dir = tempfile::tempdir().unwrap();
    let report = tile(&path, dir.path(), 5_000);
    assert!(report.tiles > 1 && report.depth > 0, "{report:?}");
    let contents = check_tileset(&dir.path().join("tileset.json"));
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    let r = contents.root_region.unwrap();
    // The tile covers 4.3619–4.3696°E, 52.0107–52.0136°N (proj4rs and the polynomials
    // agree), so "lon 4.36°, lat 52.01°" holds at the two decimals given: the region meets the
    // cell of points that round to (4.36, 52.01), and it is no bigger than the tile.
    let deg: Vec<f64> = r[..4].iter().map(|v| v.to_degrees()).collect();
    assert!(deg[0] <= 4.365 && deg[2] >= 4.355, "{deg:?}");
    assert!(deg[1] <= 52.015 && deg[3] >= 52.005, "{deg:?}");
    assert!(deg[2] - deg[0] < 0.01 && deg[3] - deg[1] < 0.01, "{deg:?}");
    // Heights: NAP as ellipsoidal height, so the region spans the data's z range.
    let native = meshes(&path, false);
    let zs = native.iter().flat_map(|m| m.positions.iter().map(|p| p[2]));
    let (zmin, zmax) = zs.fold((f64::MAX, f64::MIN), |(a, b), z| (a.min(z), b.max(z)));
    assert!(
        (r[4] - zmin).abs() < 0.1 && (r[5] - zmax).abs() < 0.1,
        "{r:?} vs {zmin}..{zmax}"
    );
    // 100 vertices from the GLBs back to lon/lat, against the polynomials on the input.
    let by_id: std::collections::HashMap<&str, &FeatureMesh> =
        native.iter().map(|m| (m.id.as_str(), m)).collect();
    let mut checked = 0;
    let mut worst: f64 = 0.0;
    let all: Vec<(&String, &Vec<[[f64; 3]; 3]>)> = contents.features.iter().collect();
    let step = (all.len() / 100).max(1);
    for (id, triangles) in all.iter().step_by(step).take(100) {
        let input = by_id[id.as_str()];
        let glb_corner = triangles[0][0];
        let native_corner = input.positions[input.triangles[0][0] as usize];
        let g = ecef_to_geodetic(glb_corner);
        let expected = rd_to_wgs84(native_corner[0], native_corner[1]);
        let d = metres_apart((g[0], g[1]), expected);
        worst = worst.max(d);
        assert!(d < 1.0, "{id}: {d:.3} m from the polynomial's position");
        assert!(
            (g[2] - native_corner[2]).abs() < 0.01,
            "{id}: height {} vs {}",
            g[2],
            native_corner[2]
        );
        checked += 1;
    }
    assert_eq!(checked, 100);
    eprintln!("delft: worst horizontal difference of 100 vertices: {worst:.3} m");
}

#[test]
fn tiles_hold_exactly_the_triangulated_input() {
    let Some(data) = urbis_testkit::require_data("tiles_hold_exactly_the_triangulated_input")
    else {
        return;
    };
    for name in [
        "delft",
        "denhaag_01",
        "rotterdam_delfshaven",
        "3dbag_subset",
        "rotterdam_delfshaven_textured",
    ] {
        let path = data.join(format!("cityjson/medium/{name}.city.json"));
        let dir = tempfile::tempdir().unwrap();
        let report = tile(&path, dir.path(), 4_000);
        let contents = check_tileset(&dir.path().join("tileset.json"));
        assert!(
            contents.problems.is_empty(),
            "{name}: {:?}",
            contents.problems
        );
        assert!(
            contents.repeated_features.is_empty(),
            "{name}: features in two tiles"
        );
        let input: Vec<FeatureMesh> = meshes(&path, true)
            .into_iter()
            .filter(|m| !m.is_empty())
            .collect();
        let expected: usize = input.iter().map(|m| m.triangles.len()).sum();
        assert_eq!(contents.triangle_count(), expected, "{name}");
        assert_eq!(report.triangles as usize, expected, "{name}");
        assert_eq!(contents.features.len(), input.len(), "{name}");
        for m in &input {
            let got = &contents.features[&m.id];
            assert_eq!(got.len(), m.triangles.len(), "{name} {}", m.id);
            for (t, g) in m.triangles.iter().zip(got) {
                for k in 0..3 {
                    let p = m.positions[t[k] as usize];
                    let d = ((p[0] - g[k][0]).powi(2)
                        + (p[1] - g[k][1]).powi(2)
                        + (p[2] - g[k][2]).powi(2))
                    .sqrt();
                    assert!(d < 0.002, "{name} {}: a vertex moved {d} m", m.id);
                }
            }
        }
        eprintln!("{name}: {expected} triangles in {} tiles", report.tiles);
    }
}

#[test]
fn a_model_without_a_crs_is_refused() {
    let header = urbis_model::Header::default();
    let dir = tempfile::tempdir().unwrap();
    let err = tile_batches(
        &header,
        || Ok::<_, urbis_source::SourceError>(None),
        dir.path(),
        &options(1000),
        &|_| {},
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("no coordinate reference system"),
        "{err}"
    );
}

/// The rules the official 3D Tiles Validator reported on earlier tilesets, kept by `--check`:
/// an all-empty string attribute (METADATA_INVALID_LENGTH), a single tile's root without
/// `refine` (TILE_REFINE_MISSING_IN_ROOT), regions outside [−π, π] × [−π/2, π/2].
#[test]
fn single_tile_with_an_empty_string_attribute_passes_the_validator_rules() {
    let spec = urbis_model::synthetic::CitySpec {
        buildings: 6,
        ..Default::default()
    };
    let mut header = urbis_model::synthetic::header(&spec);
    header.set_crs(&urbis_model::Crs::epsg(7415));
    let mut features: Vec<urbis_model::Feature> = urbis_model::synthetic::features(spec).collect();
    for f in &mut features {
        for o in &mut f.objects {
            o.attributes
                .get_or_insert_with(Default::default)
                .insert("note".into(), serde_json::json!(""));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut batches = vec![features];
    tile_batches(
        &header,
        || Ok::<_, urbis_source::SourceError>(batches.pop()),
        dir.path(),
        &options(1_000_000),
        &|_| {},
    )
    .unwrap();
    let tileset_path = dir.path().join("tileset.json");
    let contents = check_tileset(&tileset_path);
    assert!(contents.problems.is_empty(), "{:?}", contents.problems);
    assert_eq!(contents.tiles, 1);
    let tileset: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&tileset_path).unwrap()).unwrap();
    assert_eq!(tileset["root"]["refine"], "ADD");
    // The all-empty column is left out of the table; the class still lists it as optional.
    let glb = std::fs::read(dir.path().join("tiles/0.glb")).unwrap();
    let glb = urbis_tiles::check::read_glb(&glb).unwrap();
    let ext = &glb.json["extensions"]["EXT_structural_metadata"];
    assert!(ext["propertyTables"][0]["properties"]["note"].is_null());
    assert!(ext["schema"]["classes"]["feature"]["properties"]["note"].is_object());
    // Tampered copies fail --check for the reasons the validator gives.
    let mut broken = tileset.clone();
    broken["root"].as_object_mut().unwrap().remove("refine");
    broken["root"]["boundingVolume"]["region"][3] = serde_json::json!(2.0);
    std::fs::write(&tileset_path, serde_json::to_vec(&broken).unwrap()).unwrap();
    let problems = check_tileset(&tileset_path).problems.join("\n");
    assert!(problems.contains("no refine"), "{problems}");
    assert!(problems.contains("outside [-pi, pi]"), "{problems}");
}
