//! Shadows and sunlight hours against analytic geometry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use urbis_analysis::shapes::{box_faces, FeatureBuilder};
use urbis_analysis::sun::hours::{exposures, Receiver, LIFT};
use urbis_analysis::sun::samples::FacadeMode;
use urbis_analysis::sun::scene::{Scene, SceneBuilder};
use urbis_analysis::sun::solar::{samples, Clock, Schedule, SunSample};
use urbis_analysis::sun::study::{run, StudyOptions};
use urbis_analysis::LodChoice;
use urbis_model::{Feature, Transform};

const T: Transform = Transform {
    scale: [0.001; 3],
    translate: [0.0; 3],
};

fn ground() -> Feature {
    let ring = vec![
        [-300.0, -300.0, 0.0],
        [300.0, -300.0, 0.0],
        [300.0, 300.0, 0.0],
        [-300.0, 300.0, 0.0],
    ];
    FeatureBuilder::new("ground", "LandUse")
        .solid("ground", "1", &[(ring, "LandUse")], &T, false)
        .build()
}

fn boxed(id: &str, lo: [f64; 3], size: [f64; 3]) -> Feature {
    FeatureBuilder::new(id, "Building")
        .solid(
            id,
            "1.2",
            &box_faces(lo, size[0], size[1], size[2]),
            &T,
            true,
        )
        .build()
}

fn scene(features: &[Feature]) -> Scene {
    let mut b = SceneBuilder::new([0.0; 3], LodChoice::Highest);
    for f in features {
        b.add(f, &T, None);
    }
    b.finish()
}

fn day(date: (i32, u32, u32), from: f64, to: f64, step: f64) -> Vec<SunSample> {
    let s = Schedule {
        date,
        from: from * 60.0,
        to: to * 60.0,
        step,
        clock: Clock::Solar,
    };
    samples(&s, 52.0, 4.36, 0.0).unwrap()
}

/// Where the ray `o + t·d` enters the axis-aligned box, if it does (slab test).
fn box_entry(o: [f64; 3], d: [f64; 3], lo: [f64; 3], hi: [f64; 3]) -> Option<f64> {
    let (mut t0, mut t1) = (1e-9_f64, f64::INFINITY);
    for k in 0..3 {
        if d[k].abs() < 1e-15 {
            if o[k] < lo[k] || o[k] > hi[k] {
                return None;
            }
            continue;
        }
        let (a, b) = ((lo[k] - o[k]) / d[k], (hi[k] - o[k]) / d[k]);
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
    }
    (t0 <= t1).then_some(t0)
}

/// The ground shadow length behind an object, measured by casting rays from the ground
/// along the anti-sun direction and bisecting the lit/shadowed transition to 1 mm.
fn measured_shadow_end(scene: &Scene, centre: [f64; 2], d: [f64; 3]) -> f64 {
    let h = (d[0] * d[0] + d[1] * d[1]).sqrt();
    let away = [-d[0] / h, -d[1] / h];
    let lit = |s: f64| {
        let o = [centre[0] + away[0] * s, centre[1] + away[1] * s, 1e-6];
        !scene.bvh.any_hit(o, d, 1e-9, f64::INFINITY)
    };
    // The first lit point outside the object, searching outward.
    let (mut lo, mut hi) = (0.0, 1.0);
    while !lit(hi) {
        lo = hi;
        hi *= 2.0;
        assert!(hi < 1e5);
    }
    while hi - lo > 1e-3 {
        let m = (lo + hi) / 2.0;
        if lit(m) {
            hi = m;
        } else {
            lo = m;
        }
    }
    (lo + hi) / 2.0
}

/// A vertical pole and a box on flat ground: shadow length within 1 % of h / tan(elevation)
/// (beyond the object's shadow-side face) at every moment of a summer and a winter day.
#[test]
fn pole_and_box_shadows_match_the_analytic_length() {
    for (name, size) in [("pole", [0.1, 0.1, 10.0]), ("box", [10.0, 6.0, 8.0])] {
        let lo = [-size[0] / 2.0, -size[1] / 2.0, 0.0];
        let hi = [size[0] / 2.0, size[1] / 2.0, size[2]];
        let s = scene(&[ground(), boxed(name, lo, size)]);
        for date in [(2026, 6, 21), (2026, 12, 21)] {
            let mut checked = 0;
            for sample in day(date, 0.0, 24.0, 20.0) {
                if sample.elevation < 3.0 {
                    continue;
                }
                let d = sample.direction;
                let hd = (d[0] * d[0] + d[1] * d[1]).sqrt();
                let away = [-d[0] / hd, -d[1] / hd, 0.0];
                // Distance from the centre to the shadow-side face along `away`.
                let face = box_entry(
                    [0.0, 0.0, 1.0],
                    away,
                    [lo[0], lo[1], 0.0],
                    [hi[0], hi[1], 2.0],
                )
                .map(|_| {
                    let tx = (size[0] / 2.0) / away[0].abs().max(1e-12);
                    let ty = (size[1] / 2.0) / away[1].abs().max(1e-12);
                    tx.min(ty)
                })
                .unwrap();
                let length = size[2] / sample.elevation.to_radians().tan();
                let got = measured_shadow_end(&s, [0.0, 0.0], d) - face;
                let err = (got - length).abs() / length;
                assert!(
                    err < 0.01,
                    "{name} {date:?} elevation {:.2}: shadow {got:.3} m, analytic {length:.3} m",
                    sample.elevation
                );
                checked += 1;
            }
            assert!(checked >= 20, "{name} {date:?}: only {checked} moments");
        }
    }
}

/// A point on a south wall, behind a box of known size: its sun hours agree with the hand
/// computation (the same sun, a slab test against the box, in 5-second steps) within one
/// time step.
#[test]
fn south_wall_behind_a_box_matches_the_hand_computation() {
    // The wall: a long building whose south face is y = 0, facing south.
    let wall = boxed("wall", [-40.0, 0.0, 0.0], [80.0, 10.0, 12.0]);
    let (blo, bhi) = ([-6.0, -16.0, 0.0], [6.0, -10.0, 9.0]);
    let obstacle = boxed("obstacle", blo, [bhi[0] - blo[0], bhi[1] - blo[1], bhi[2]]);
    let s = scene(&[ground(), wall, obstacle]);
    let point = Receiver {
        position: [1.5, 0.0, 1.0],
        normal: [0.0, -1.0, 0.0],
    };
    for date in [(2026, 12, 21), (2026, 3, 20)] {
        let step = 1.0;
        let sun = day(date, 8.0, 16.0, step);
        let got = exposures(&[point], &sun, step / 60.0, &s.bvh, None, s.bounds.1[2])[0];
        // By hand: the sun every 5 s, lit when it is up, in front of the wall and the ray
        // from the point misses the box.
        let fine = day(date, 8.0, 16.0, 5.0 / 60.0);
        let o = [
            point.position[0],
            point.position[1] - LIFT,
            point.position[2],
        ];
        let lit = fine
            .iter()
            .filter(|x| x.elevation > 0.0 && x.direction[1] < 0.0)
            .filter(|x| box_entry(o, x.direction, blo, bhi).is_none())
            .count();
        let by_hand = lit as f64 * 5.0 / 3600.0;
        assert!(
            (got.hours - by_hand).abs() <= step / 60.0 + 1e-9,
            "{date:?}: {} h, by hand {by_hand} h",
            got.hours
        );
        eprintln!(
            "{date:?}: {} h of {} h possible, by hand {by_hand} h",
            got.hours, got.possible
        );
        assert!(
            got.hours < got.possible,
            "{date:?}: the box must cast a shadow"
        );
        assert!(got.hours > 0.5, "{date:?}: the point must get some sun");
    }
}

/// A street of houses and a proposed tower across it: exactly the houses the geometry says
/// are newly shaded lose sunlight.
#[test]
fn proposed_tower_shades_exactly_the_houses_the_geometry_says() {
    let mut features = vec![ground()];
    let mut boxes = Vec::new();
    for i in 0..8 {
        let lo = [i as f64 * 14.0, 20.0, 0.0];
        let size = [10.0, 8.0, 9.0];
        features.push(boxed(&format!("house-{i}"), lo, size));
        boxes.push((lo, [lo[0] + size[0], lo[1] + size[1], size[2]]));
    }
    let (tlo, thi) = ([38.0, -6.0, 0.0], [50.0, 4.0, 30.0]);
    let tower = boxed("tower", tlo, [thi[0] - tlo[0], thi[1] - tlo[1], thi[2]]);
    let base = scene(&features);
    let proposed = scene(&[tower]);
    let step = 1.0;
    let sun = day((2026, 12, 21), 9.0, 15.0, step);
    let options = StudyOptions {
        grid: None,
        extent: None,
        facade: Some(FacadeMode::WindowSill(0.9)),
        facade_spacing: 1.0,
    };
    let study = run(&base, Some(&proposed), &sun, step / 60.0, &options);
    let reported: Vec<&str> = study
        .buildings
        .iter()
        .filter(|b| b.points_losing > 0)
        .map(|b| b.id.as_str())
        .collect();
    // The geometry: a facade point is newly shaded at a moment when the sun is up and in
    // front of it, no existing box blocks the ray and the tower does.
    let mut expected: Vec<String> = Vec::new();
    for (p, _) in &study.facade {
        let o = [0, 1, 2].map(|k| p.position[k] + LIFT * p.normal[k]);
        let newly = sun.iter().any(|s| {
            let d = s.direction;
            s.elevation > 0.0
                && d[0] * p.normal[0] + d[1] * p.normal[1] + d[2] * p.normal[2] > 0.0
                && boxes
                    .iter()
                    .all(|(lo, hi)| box_entry(o, d, *lo, *hi).is_none())
                && box_entry(o, d, tlo, thi).is_some()
        });
        let id = &study.buildings[p.building].id;
        if newly && !expected.contains(id) {
            expected.push(id.clone());
        }
    }
    eprintln!("newly shaded: {expected:?}");
    assert!(!expected.is_empty() && expected.len() < 8, "{expected:?}");
    assert_eq!(reported, expected);
    for b in &study.buildings {
        assert_eq!(
            b.points,
            10 + 10 + 8 + 8,
            "{}: sill points every metre",
            b.id
        );
        if b.points_losing > 0 {
            assert!(b.min_hours_with_proposed.unwrap() <= b.min_hours.unwrap());
            assert!(b.max_loss > 0.0);
        }
    }
}
