//! Zoning rules on a hand-built plot set whose buildings pass and fail each rule by known
//! margins.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::json;
use urbis_analysis::rules::{parse_plots, review, Candidate, RuleFile};
use urbis_analysis::shapes::{box_faces, gable_faces, FeatureBuilder};
use urbis_analysis::{building_metrics, MetricsOptions};
use urbis_model::Transform;

const X0: f64 = 85_000.0;
const Y0: f64 = 447_000.0;
const T: Transform = Transform {
    scale: [0.001; 3],
    translate: [X0, Y0, 0.0],
};

const RULES: &str = r#"
[zones.R]
max_height = 10.0
max_storeys = 3
max_far = 1.0
max_coverage = 0.4
min_setback = { front = 5.0, side = 2.0, rear = 4.0 }
height_limit = { plane = { z = 12.0, origin = [85000.0, 447000.0], slope = [0.0, -0.1] } }

[zones.C]
max_height = 20.0
max_far = 2.0
max_coverage = 0.6
min_setback = 3.0
"#;

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> serde_json::Value {
    json!([[
        [X0 + x0, Y0 + y0],
        [X0 + x1, Y0 + y0],
        [X0 + x1, Y0 + y1],
        [X0 + x0, Y0 + y1],
        [X0 + x0, Y0 + y0]
    ]])
}

fn zoning() -> serde_json::Value {
    json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"plot_id": "P1", "zone": "R",
            "sides": ["front", "side", "rear", "side"]},
         "geometry": {"type": "Polygon", "coordinates": rect(0.0, 0.0, 30.0, 40.0)}},
        {"type": "Feature", "properties": {"plot_id": "P2", "zone": "C"},
         "geometry": {"type": "Polygon", "coordinates": rect(40.0, 0.0, 60.0, 20.0)}},
        {"type": "Feature", "id": "P3", "properties": {"zone": "C"},
         "geometry": {"type": "Polygon", "coordinates": rect(70.0, 0.0, 90.0, 20.0)}},
    ]})
}

fn at(x: f64, y: f64) -> [f64; 3] {
    [X0 + x, Y0 + y, 0.0]
}

fn candidates() -> Vec<Candidate> {
    let features = [
        FeatureBuilder::new("A", "Building")
            .solid(
                "A",
                "2.2",
                &box_faces(at(6.0, 5.0), 10.0, 12.0, 9.0),
                &T,
                true,
            )
            .build(),
        FeatureBuilder::new("B", "Building")
            .solid(
                "B",
                "2.2",
                &gable_faces(at(18.0, 25.0), 8.0, 10.0, 9.0, 13.0),
                &T,
                true,
            )
            .build(),
        FeatureBuilder::new("C", "Building")
            .solid(
                "C",
                "2.2",
                &box_faces(at(42.0, 3.0), 16.0, 14.0, 18.0),
                &T,
                true,
            )
            .build(),
        FeatureBuilder::new("D", "Building")
            .solid(
                "D",
                "2.2",
                &box_faces(at(68.0, 2.0), 18.0, 16.0, 6.0),
                &T,
                true,
            )
            .build(),
        FeatureBuilder::new("E", "Building")
            .solid(
                "E",
                "2.2",
                &box_faces(at(200.0, 200.0), 5.0, 5.0, 5.0),
                &T,
                true,
            )
            .build(),
    ];
    features
        .iter()
        .map(|f| Candidate {
            metrics: building_metrics(f, &T, None, &MetricsOptions::default()).unwrap(),
            points: f.vertices.iter().map(|&v| T.apply(v)).collect(),
        })
        .collect()
}

#[test]
fn hand_built_plots_give_the_expected_report() {
    let rules = RuleFile::parse(RULES).unwrap();
    let plots = parse_plots(&zoning()).unwrap();
    let r = review(&candidates(), &plots, &rules).unwrap();

    // (object, rule, measured, allowed, pass); margins are checked from these.
    let expected: Vec<(&str, &str, f64, f64, bool)> = vec![
        ("A", "max_height", 9.0, 10.0, true),
        ("A", "max_storeys", 3.0, 3.0, true),
        ("A", "min_setback:front", 5.0, 5.0, true),
        ("A", "min_setback:rear", 23.0, 4.0, true),
        ("A", "min_setback:side", 6.0, 2.0, true),
        ("A", "height_limit", 9.0 - (12.0 - 1.7), 0.0, true),
        ("B", "max_height", 11.0, 10.0, false),
        ("B", "max_storeys", 4.0, 3.0, false),
        ("B", "min_setback:front", 25.0, 5.0, true),
        ("B", "min_setback:rear", 5.0, 4.0, true),
        ("B", "min_setback:side", 4.0, 2.0, true),
        ("B", "height_limit", 13.0 - (12.0 - 3.0), 0.0, false),
        ("C", "max_height", 18.0, 20.0, true),
        ("C", "min_setback", 2.0, 3.0, false),
        ("D", "max_height", 6.0, 20.0, true),
        ("D", "min_setback", -2.0, 3.0, false),
        ("P1", "max_coverage", 200.0 / 1200.0, 0.4, true),
        (
            "P1",
            "max_far",
            (120.0 * 3.0 + 80.0 * 4.0) / 1200.0,
            1.0,
            true,
        ),
        ("P2", "max_coverage", 224.0 / 400.0, 0.6, true),
        ("P2", "max_far", 224.0 * 6.0 / 400.0, 2.0, false),
        ("P3", "max_coverage", 288.0 / 400.0, 0.6, false),
        ("P3", "max_far", 288.0 * 2.0 / 400.0, 2.0, true),
    ];
    let mut got: Vec<(String, &urbis_analysis::rules::Indicator)> = Vec::new();
    for b in &r.buildings {
        got.extend(b.indicators.iter().map(|i| (b.id.clone(), i)));
    }
    for p in &r.plots {
        got.extend(p.indicators.iter().map(|i| (p.id.clone(), i)));
    }
    assert_eq!(got.len(), expected.len(), "{got:#?}");
    for (id, rule, measured, allowed, pass) in &expected {
        let (_, i) = got
            .iter()
            .find(|(g, i)| g == id && i.rule == *rule)
            .unwrap_or_else(|| panic!("{id} {rule} missing"));
        let m = i.measured.unwrap();
        assert!(
            (m - measured).abs() < 1e-9,
            "{id} {rule}: {m} != {measured}"
        );
        assert_eq!(i.allowed, *allowed, "{id} {rule}");
        assert_eq!(i.pass, Some(*pass), "{id} {rule}");
        let margin = if rule.starts_with("min_") {
            measured - allowed
        } else {
            allowed - measured
        };
        assert!(
            (i.margin.unwrap() - margin).abs() < 1e-9,
            "{id} {rule} margin"
        );
    }
    let plot_of = |id: &str| {
        r.buildings
            .iter()
            .find(|b| b.id == id)
            .unwrap()
            .plot
            .clone()
    };
    assert_eq!(plot_of("A").as_deref(), Some("P1"));
    assert_eq!(plot_of("D").as_deref(), Some("P3"));
    let d = r.buildings.iter().find(|b| b.id == "D").unwrap();
    assert!((d.share - 16.0 / 18.0).abs() < 1e-9);
    assert_eq!(r.unassigned, vec!["E".to_string()]);
    assert_eq!(r.failures, 7);
    let passes: Vec<(&str, bool)> = r.plots.iter().map(|p| (p.id.as_str(), p.pass)).collect();
    assert_eq!(passes, vec![("P1", false), ("P2", false), ("P3", false)]);
    assert!(r.buildings.iter().find(|b| b.id == "A").unwrap().pass);
}

#[test]
fn zoning_problems_are_named() {
    let rules = RuleFile::parse(RULES).unwrap();
    let mut z = zoning();
    z["features"][1]["properties"]["zone"] = json!("X");
    let plots = parse_plots(&z).unwrap();
    let e = review(&candidates(), &plots, &rules)
        .unwrap_err()
        .to_string();
    assert_eq!(
        e,
        "zoning: plot P2 is in zone X, which the rule file does not define"
    );
    let mut z = zoning();
    z["features"][0]["properties"]["sides"] = json!(["front"]);
    let e = parse_plots(&z).unwrap_err().to_string();
    assert_eq!(e, "zoning: plot P1: 1 sides named for 4 exterior edges");
    let e = RuleFile::parse("[zones.R]\nmax_hieght = 3")
        .unwrap_err()
        .to_string();
    assert!(e.contains("max_hieght"), "{e}");
}
