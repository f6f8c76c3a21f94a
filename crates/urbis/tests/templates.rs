//! Geometry templates with their own materials and textures through the commands that
//! combine or move files: `merge` renumbers them, `convert` keeps their images findable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::path::Path;
use support::{s, urbis};
use urbis_testkit::{read, require_data};

mod support;

/// A file with one tree object whose template's single square carries `image` and the
/// material `colour`, plus a building with a material of its own.
fn tree_file(id: &str, image: &str, colour: &str) -> Value {
    json!({
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [0.001, 0.001, 0.001], "translate": [0.0, 0.0, 0.0]},
        "appearance": {
            "materials": [{"name": "roof"}, {"name": colour}],
            "textures": [{"type": "PNG", "image": image}],
            "vertices-texture": [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        },
        "geometry-templates": {
            "templates": [{
                "type": "MultiSurface", "lod": "2",
                "boundaries": [[[0, 1, 2, 3]]],
                "material": {"m": {"values": [1]}},
                "texture": {"t": {"values": [[[0, 0, 1, 2, 3]]]}}
            }],
            "vertices-templates": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 3.0]]
        },
        "CityObjects": {
            format!("tree-{id}"): {"type": "SolitaryVegetationObject", "geometry": [{
                "type": "GeometryInstance", "template": 0, "boundaries": [0],
                "transformationMatrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1]
            }]},
            format!("house-{id}"): {"type": "Building", "geometry": [{
                "type": "MultiSurface", "lod": "1", "boundaries": [[[0, 1, 2]]],
                "material": {"m": {"value": 0}}
            }]}
        },
        "vertices": [[0, 0, 0], [1000, 0, 0], [1000, 1000, 0]]
    })
}

/// (material name, texture image) of each template's square.
fn template_looks(path: &Path) -> Vec<(String, String)> {
    let (header, _) = read(path);
    let t = header.geometry_templates.expect("templates");
    t.templates
        .iter()
        .map(|g| {
            let m = g.materials[0].values.as_ref().unwrap()[0].unwrap();
            let tex = g.textures[0].ring_textures[0].unwrap();
            (
                t.appearance.materials[m as usize]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                t.appearance.textures[tex as usize]["image"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn merge_renumbers_template_materials_and_textures() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a.city.json");
    let b = tmp.path().join("b.city.json");
    std::fs::write(&a, tree_file("a", "bark.png", "oak").to_string()).unwrap();
    std::fs::write(&b, tree_file("b", "needles.png", "pine").to_string()).unwrap();
    for out in ["m.city.json", "m.city.jsonl"] {
        let out = tmp.path().join(out);
        let r = urbis(&["merge", s(&a), s(&b), "-o", s(&out)]);
        assert_eq!(
            r.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&r.stderr)
        );
        assert_eq!(
            template_looks(&out),
            [
                ("oak".to_string(), "bark.png".to_string()),
                ("pine".to_string(), "needles.png".to_string())
            ],
            "{}",
            out.display()
        );
    }
}

#[test]
fn converted_citygml_template_textures_stay_findable() {
    let Some(data) = require_data("template textures") else {
        return;
    };
    let src = data.join("citygml/v1/geores/geores_testdata.gml");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("geores.city.json");
    let r = urbis(&["convert", s(&src), s(&out)]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let looks = template_looks_any(&out);
    assert!(
        looks.iter().any(|i| i.ends_with("textures/meinBaum.png")),
        "{looks:?}"
    );
    // Relative to the output's folder, the images are where the input's were.
    let present = looks
        .iter()
        .filter(|i| tmp.path().join(i).is_file())
        .count();
    assert!(
        present > 0 && present + 2 >= looks.len(),
        "{present} of {looks:?}"
    );
}

/// The images of the templates' textures.
fn template_looks_any(path: &Path) -> Vec<String> {
    let (header, _) = read(path);
    let t = header.geometry_templates.expect("templates");
    t.appearance
        .textures
        .iter()
        .map(|x| x["image"].as_str().unwrap().to_string())
        .collect()
}
