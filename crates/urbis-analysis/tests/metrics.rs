//! Metrics against analytic values for buildings of known dimensions, and on real data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urbis_analysis::shapes::{box_faces, gable_faces, hip_faces, FeatureBuilder};
use urbis_analysis::{building_metrics, Metrics, MetricsOptions, RoofForm};
use urbis_model::Transform;

const T: Transform = Transform {
    scale: [0.001; 3],
    translate: [85_000.0, 447_000.0, 0.0],
};
const O: [f64; 3] = [85_012.0, 447_034.0, 1.25];

fn close(what: &str, got: f64, want: f64) {
    let tol = 1e-6 * want.abs().max(1e-9);
    assert!((got - want).abs() <= tol, "{what}: got {got}, want {want}");
}

fn close_opt(what: &str, got: Option<f64>, want: f64) {
    close(what, got.unwrap_or_else(|| panic!("{what} missing")), want);
}

fn metrics_of(f: urbis_model::Feature) -> urbis_analysis::BuildingMetrics {
    building_metrics(&f, &T, None, &MetricsOptions::default()).unwrap()
}

fn compactness(v: f64, a: f64) -> f64 {
    (36.0 * std::f64::consts::PI * v * v).cbrt() / a
}

fn wall(m: &Metrics, sector: &str) -> f64 {
    let i = urbis_analysis::polygon::ORIENTATIONS
        .iter()
        .position(|s| *s == sector)
        .unwrap();
    m.wall_areas[i]
}

#[test]
fn box_metrics_are_exact() {
    let (w, d, h) = (12.5, 8.0, 9.4);
    let f = FeatureBuilder::new("b", "Building")
        .solid("b", "1.2", &box_faces(O, w, d, h), &T, true)
        .build();
    let m = metrics_of(f).building;
    close_opt("footprint", m.footprint_area, w * d);
    assert_eq!(
        m.footprint_source,
        Some(urbis_analysis::footprint::FootprintMethod::GroundSurface)
    );
    close_opt("ground", m.ground_height, O[2]);
    close_opt("roof min", m.roof_min, O[2] + h);
    close_opt("roof max", m.roof_max, O[2] + h);
    assert_eq!(m.roof_form, Some(RoofForm::Flat));
    close_opt("height", m.height, h);
    close_opt("volume", m.volume, w * d * h);
    let envelope = 2.0 * w * d + 2.0 * (w + d) * h;
    close("envelope", m.envelope_area, envelope);
    close("roof area", m.surface_areas["RoofSurface"], w * d);
    close(
        "wall area",
        m.surface_areas["WallSurface"],
        2.0 * (w + d) * h,
    );
    close("walls S", wall(&m, "S"), w * h);
    close("walls N", wall(&m, "N"), w * h);
    close("walls E", wall(&m, "E"), d * h);
    close("walls W", wall(&m, "W"), d * h);
    assert_eq!(wall(&m, "NE") + wall(&m, "SW"), 0.0);
    assert_eq!(m.roofs.len(), 1);
    assert_eq!(m.roofs[0].slope, 0.0);
    assert_eq!(m.storeys, Some(3));
    close_opt("gfa", m.gross_floor_area, w * d * 3.0);
    close_opt(
        "compactness",
        m.compactness,
        compactness(w * d * h, envelope),
    );
    close_opt("elongation", m.elongation, 1.0 - d / w);
}

#[test]
fn gable_metrics_are_exact() {
    let (w, d, e, r) = (10.0, 8.0, 6.0, 9.0);
    let f = FeatureBuilder::new("g", "Building")
        .solid("g", "2.2", &gable_faces(O, w, d, e, r), &T, true)
        .build();
    let m = metrics_of(f).building;
    close_opt("footprint", m.footprint_area, w * d);
    close_opt("roof min", m.roof_min, O[2] + e);
    close_opt("roof max", m.roof_max, O[2] + r);
    assert_eq!(m.roof_form, Some(RoofForm::Pitched));
    close_opt("planning height", m.height, (e + r) / 2.0);
    let v = w * d * e + w * d * (r - e) / 2.0;
    close_opt("volume", m.volume, v);
    let slant = ((d / 2.0).powi(2) + (r - e).powi(2)).sqrt();
    close("roof area", m.surface_areas["RoofSurface"], 2.0 * w * slant);
    let slope = ((r - e) / (d / 2.0)).atan().to_degrees();
    let mut azimuths: Vec<f64> = m.roofs.iter().map(|f| f.azimuth.unwrap()).collect();
    azimuths.sort_by(f64::total_cmp);
    assert_eq!(azimuths, vec![0.0, 180.0]);
    for face in &m.roofs {
        close("slope", face.slope, slope);
        close("roof face", face.area, w * slant);
    }
    close("walls S", wall(&m, "S"), w * e);
    close("walls E", wall(&m, "E"), d * e + d * (r - e) / 2.0);
    close("walls W", wall(&m, "W"), d * e + d * (r - e) / 2.0);
    let envelope = w * d + 2.0 * w * e + 2.0 * (d * e + d * (r - e) / 2.0) + 2.0 * w * slant;
    close("envelope", m.envelope_area, envelope);
    assert_eq!(m.storeys, Some(3)); // 7.5 m / 3 m = 2.5, rounded
    close_opt("compactness", m.compactness, compactness(v, envelope));
    close_opt("elongation", m.elongation, 1.0 - d / w);
}

#[test]
fn hip_metrics_are_exact() {
    let (w, d, e, r, a) = (16.0, 8.0, 5.0, 8.0, 3.0);
    let f = FeatureBuilder::new("h", "Building")
        .solid("h", "2.2", &hip_faces(O, w, d, e, r, a), &T, true)
        .build();
    let m = metrics_of(f).building;
    let ridge = w - 2.0 * a;
    let v = w * d * e + (r - e) * d * (2.0 * w + ridge) / 6.0;
    close_opt("volume", m.volume, v);
    close_opt("planning height", m.height, (e + r) / 2.0);
    let trapezoid = (w + ridge) / 2.0 * ((d / 2.0).powi(2) + (r - e).powi(2)).sqrt();
    let triangle = d / 2.0 * (a * a + (r - e).powi(2)).sqrt();
    close(
        "roof area",
        m.surface_areas["RoofSurface"],
        2.0 * trapezoid + 2.0 * triangle,
    );
    let end_slope = ((r - e) / a).atan().to_degrees();
    let ends: Vec<_> = m
        .roofs
        .iter()
        .filter(|f| matches!(f.azimuth, Some(az) if az == 90.0 || az == 270.0))
        .collect();
    assert_eq!(ends.len(), 2);
    for f in ends {
        close("end slope", f.slope, end_slope);
        close("end area", f.area, triangle);
    }
    close("walls N", wall(&m, "N"), w * e);
    close("walls E", wall(&m, "E"), d * e);
    close_opt("footprint", m.footprint_area, w * d);
    assert_eq!(m.storeys, Some(2)); // 6.5 / 3 = 2.17
    close_opt("gfa", m.gross_floor_area, 2.0 * w * d);
}

#[test]
fn building_aggregates_its_parts() {
    let (w1, d1, h1) = (10.0, 8.0, 12.0);
    let (w2, d2, e2, r2) = (6.0, 8.0, 4.0, 7.0);
    let o2 = [O[0] + w1, O[1], O[2]];
    let f = FeatureBuilder::new("B", "Building")
        .solid("B-1", "2.2", &box_faces(O, w1, d1, h1), &T, true)
        .solid("B-2", "2.2", &gable_faces(o2, w2, d2, e2, r2), &T, true)
        .build();
    let bm = metrics_of(f);
    assert_eq!(bm.part_metrics.len(), 2);
    let m = &bm.building;
    assert_eq!(m.parts, 2);
    close_opt("footprint", m.footprint_area, w1 * d1 + w2 * d2);
    let v2 = w2 * d2 * e2 + w2 * d2 * (r2 - e2) / 2.0;
    close_opt("volume", m.volume, w1 * d1 * h1 + v2);
    close_opt("height: the highest part", m.height, h1);
    assert_eq!(m.roof_form, Some(RoofForm::Mixed));
    assert_eq!(m.storeys, Some(4));
    // 4 storeys on the box, 2 (5.5 / 3 = 1.83) on the house.
    close_opt("gfa", m.gross_floor_area, 4.0 * w1 * d1 + 2.0 * w2 * d2);
    close_opt("roof max", m.roof_max, O[2] + h1);
    close_opt("roof min", m.roof_min, O[2] + e2);
    close_opt("elongation", m.elongation, 1.0 - d1 / (w1 + w2));
    let part = &bm.part_metrics[1];
    assert_eq!(part.id, "B-2");
    close_opt("part volume", part.volume, v2);
    close_opt("part height", part.height, (e2 + r2) / 2.0);
}

#[test]
fn open_shell_has_no_volume_and_says_why() {
    let mut faces = box_faces(O, 10.0, 10.0, 10.0);
    faces.remove(1); // the roof
    let f = FeatureBuilder::new("open", "Building")
        .solid("open", "1.2", &faces, &T, true)
        .build();
    let m = metrics_of(f).building;
    assert_eq!(m.volume, None);
    let note = m.volume_note.unwrap();
    assert!(note.contains("not closed (4 open edges)"), "{note}");
    assert_eq!(m.compactness, None);
    close_opt("footprint still measured", m.footprint_area, 100.0);

    let mut faces = box_faces(O, 10.0, 10.0, 10.0);
    faces[2].0.reverse(); // one wall turned inside out
    let f = FeatureBuilder::new("flipped", "Building")
        .solid("flipped", "1.2", &faces, &T, true)
        .build();
    let note = metrics_of(f).building.volume_note.unwrap();
    assert!(note.contains("oriented inconsistently"), "{note}");

    let f = FeatureBuilder::new("surfaces", "Building")
        .solid("surfaces", "2", &box_faces(O, 10.0, 10.0, 10.0), &T, false)
        .build();
    let note = metrics_of(f).building.volume_note.unwrap();
    assert_eq!(note, "the geometry is a MultiSurface, not a solid");
}

/// Every Building of the three real files named by the issue, without a crash; figures sane.
#[test]
fn real_files_every_building() {
    let Some(data) = urbis_testkit::require_data("real_files_every_building") else {
        return;
    };
    for name in [
        "cityjson/medium/rotterdam_delfshaven.city.json",
        "cityjson/medium/delft.city.json",
        "cityjson/v2-upgraded/denhaag_01.city.json",
    ] {
        let (header, features) = urbis_testkit::read(&data.join(name));
        let options = MetricsOptions::default();
        let templates = header.geometry_templates.as_ref();
        let buildings: Vec<_> = features
            .iter()
            .filter_map(|f| building_metrics(f, &header.transform, templates, &options))
            .collect();
        let expected = features
            .iter()
            .filter(|f| f.root().is_some_and(|r| r.kind.as_str() == "Building"))
            .count();
        assert_eq!(buildings.len(), expected, "{name}");
        assert!(expected > 0, "{name}");
        let with_footprint = buildings
            .iter()
            .filter(|b| b.building.footprint_area.is_some_and(|a| a > 0.0))
            .count();
        let with_volume = buildings
            .iter()
            .filter(|b| b.building.volume.is_some_and(|v| v > 0.0))
            .count();
        eprintln!(
            "{name}: {} buildings, {with_footprint} with a footprint, {with_volume} with a volume",
            buildings.len()
        );
        assert_eq!(with_footprint, buildings.len(), "{name}");
        for b in &buildings {
            let m = &b.building;
            assert!(m.height.is_some_and(|h| h >= 0.0), "{name} {}", m.id);
            assert!(m.volume.is_some() != m.volume_note.is_some(), "{}", m.id);
            if !b.part_metrics.is_empty() {
                let sum: f64 = b.part_metrics.iter().filter_map(|p| p.footprint_area).sum();
                close_opt("parts' footprints", m.footprint_area, sum);
                if b.part_metrics.iter().all(|p| p.volume.is_some()) {
                    let v: f64 = b.part_metrics.iter().filter_map(|p| p.volume).sum();
                    close_opt("parts' volumes", m.volume, v);
                } else {
                    assert!(m.volume_note.as_deref().unwrap().starts_with("part "));
                }
                let top = b
                    .part_metrics
                    .iter()
                    .filter_map(|p| Some(p.height? + p.ground_height?))
                    .fold(f64::MIN, f64::max);
                close_opt(
                    "highest part",
                    m.height.map(|h| h + m.ground_height.unwrap()),
                    top,
                );
            }
        }
        if name.contains("denhaag") {
            let aggregated = buildings.iter().filter(|b| b.building.parts > 0).count();
            eprintln!("{name}: {aggregated} buildings aggregate BuildingParts");
            assert!(
                aggregated > 0,
                "Den Haag's Buildings are made of BuildingParts"
            );
        }
    }
}

#[test]
fn full_validation_withholds_the_volume_of_an_invalid_solid() {
    // A box whose roof corner is lifted 1 m: still watertight, but the roof and two walls are
    // no longer planar (val3dity 203).
    let mut faces = box_faces(O, 10.0, 10.0, 10.0);
    let corner = [O[0] + 10.0, O[1] + 10.0, O[2] + 10.0];
    for (ring, _) in &mut faces {
        for p in ring.iter_mut() {
            if *p == corner {
                p[2] += 1.0;
            }
        }
    }
    let f = FeatureBuilder::new("warped", "Building")
        .solid("warped", "1.2", &faces, &T, true)
        .build();
    let cheap = building_metrics(&f, &T, None, &MetricsOptions::default()).unwrap();
    assert!(cheap.building.volume.is_some());
    let options = MetricsOptions {
        validate: Some(urbis_validate::Options::default()),
        ..MetricsOptions::default()
    };
    let full = building_metrics(&f, &T, None, &options).unwrap();
    assert_eq!(full.building.volume, None);
    let note = full.building.volume_note.unwrap();
    assert!(note.starts_with("invalid geometry (errors 203"), "{note}");
}

#[test]
fn storeys_come_from_storeys_above_ground_where_the_data_has_it() {
    let set = |f: &mut urbis_model::Feature, object: usize, value: serde_json::Value| {
        let mut attributes = urbis_model::JsonMap::new();
        attributes.insert("storeysAboveGround".into(), value);
        f.objects[object].attributes = Some(attributes);
    };
    // A 12 m box: the estimate is 4 storeys; the data says 3 (as CityGML writes it, a string).
    let mut f = FeatureBuilder::new("A", "Building")
        .solid("A", "2.2", &box_faces(O, 10.0, 8.0, 12.0), &T, false)
        .build();
    set(&mut f, 0, serde_json::json!("3"));
    let m = metrics_of(f.clone()).building;
    assert_eq!(m.storeys, Some(3));
    assert_eq!(m.storeys_source, Some("storeysAboveGround"));
    assert_eq!(m.storeys_estimate, Some(4));
    close_opt(
        "gfa from the data's storeys",
        m.gross_floor_area,
        3.0 * 80.0,
    );
    // Not a whole number of storeys: the estimate, and it says so.
    set(&mut f, 0, serde_json::json!(2.5));
    let m = metrics_of(f).building;
    assert_eq!((m.storeys, m.storeys_source), (Some(4), Some("estimate")));

    // A Building with parts: its own figure wins over the most of its parts'.
    let o2 = [O[0] + 10.0, O[1], O[2]];
    let mut f = FeatureBuilder::new("B", "Building")
        .solid("B-1", "2.2", &box_faces(O, 10.0, 8.0, 12.0), &T, true)
        .solid("B-2", "2.2", &box_faces(o2, 6.0, 8.0, 6.0), &T, true)
        .build();
    let m = metrics_of(f.clone()).building;
    assert_eq!((m.storeys, m.storeys_source), (Some(4), Some("estimate")));
    let building = f.objects.iter().position(|o| o.id == "B").unwrap();
    set(&mut f, building, serde_json::json!(5));
    let m = metrics_of(f).building;
    assert_eq!(
        (m.storeys, m.storeys_source),
        (Some(5), Some("storeysAboveGround"))
    );
}
