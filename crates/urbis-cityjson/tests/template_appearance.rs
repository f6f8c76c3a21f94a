//! Geometry templates with materials and textures: CityJSON keeps them in the file's
//! appearance, shared with the features; the model gives the templates their own, and both
//! writers put them back (a whole file merges them, a CityJSONSeq header line carries them).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{json, Value};
use std::path::Path;
use urbis_cityjson::{Output, OutputFormat, Reader, Writer};
use urbis_model::{Feature, Header};

/// A tree template (one textured, one coloured square) and a building that uses a material
/// shared with the tree and one of its own.
fn input() -> Value {
    json!({
        "type": "CityJSON", "version": "2.0",
        "transform": {"scale": [0.001, 0.001, 0.001], "translate": [0.0, 0.0, 0.0]},
        "appearance": {
            "materials": [
                {"name": "brick", "diffuseColor": [0.6, 0.2, 0.1]},
                {"name": "leaves", "diffuseColor": [0.1, 0.6, 0.1]}
            ],
            "textures": [{"type": "PNG", "image": "bark.png"}],
            "vertices-texture": [[0.5, 0.5], [0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        },
        "geometry-templates": {
            "templates": [{
                "type": "MultiSurface", "lod": "2",
                "boundaries": [[[0, 1, 2, 3]], [[0, 1, 2]]],
                "material": {"summer": {"values": [null, 1]}},
                "texture": {"summer": {"values": [[[0, 1, 2, 3, 4]], [[null]]]}}
            }],
            "vertices-templates": [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 3.0], [0.0, 0.0, 3.0]]
        },
        "CityObjects": {
            "tree": {"type": "SolitaryVegetationObject", "geometry": [{
                "type": "GeometryInstance", "template": 0, "boundaries": [3],
                "transformationMatrix": [1,0,0,0, 0,1,0,0, 0,0,1,0, 0,0,0,1]
            }]},
            "house": {"type": "Building", "geometry": [{
                "type": "MultiSurface", "lod": "1",
                "boundaries": [[[0, 1, 2]], [[0, 2, 3]]],
                "material": {"summer": {"values": [0, 1]}}
            }]}
        },
        "vertices": [[0, 0, 0], [1000, 0, 0], [1000, 1000, 0], [5000, 5000, 0]]
    })
}

fn read(path: &Path) -> (Header, Vec<Feature>) {
    let mut r = Reader::open(path).unwrap();
    let header = r.header().clone();
    let mut features = Vec::new();
    while let Some(batch) = r.next_batch().unwrap() {
        features.extend(batch);
    }
    (header, features)
}

fn write(path: &Path, format: OutputFormat, header: &Header, features: &[Feature]) {
    let mut w = Writer::new(Output::create(path).unwrap(), format, header).unwrap();
    w.write_batch(features).unwrap();
    w.finish().unwrap();
}

/// What one template surface looks like: material name, texture image, UVs of its outer ring.
type Look = (Option<String>, Option<String>, Vec<[f64; 2]>);

/// Per template surface, its [`Look`].
fn template_surfaces(header: &Header) -> Vec<Look> {
    let t = header.geometry_templates.as_ref().unwrap();
    let g = &t.templates[0];
    let app = &t.appearance;
    let materials = g.materials[0].values.as_ref().unwrap();
    (0..g.boundaries.surfaces.len() - 1)
        .map(|s| {
            let material = materials[s].map(|m| {
                app.materials[m as usize]["name"]
                    .as_str()
                    .unwrap()
                    .to_string()
            });
            let ring = g.boundaries.surfaces[s] as usize;
            let texture = g.textures[0].ring_textures[ring].map(|t| {
                app.textures[t as usize]["image"]
                    .as_str()
                    .unwrap()
                    .to_string()
            });
            let uvs = if texture.is_some() {
                let range =
                    g.boundaries.rings[ring] as usize..g.boundaries.rings[ring + 1] as usize;
                g.textures[0].uvs[range]
                    .iter()
                    .map(|&uv| app.vertices_texture[uv as usize])
                    .collect()
            } else {
                Vec::new()
            };
            (material, texture, uvs)
        })
        .collect()
}

#[test]
fn template_materials_and_textures_survive_both_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("in.city.json");
    std::fs::write(&src, input().to_string()).unwrap();
    let (header, features) = read(&src);
    let expected = vec![
        (
            None,
            Some("bark.png".to_string()),
            vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]],
        ),
        (Some("leaves".to_string()), None, Vec::new()),
    ];
    assert_eq!(template_surfaces(&header), expected);
    // The templates' appearance holds only what they use.
    let app = &header.geometry_templates.as_ref().unwrap().appearance;
    assert_eq!((app.materials.len(), app.textures.len()), (1, 1));
    assert_eq!(app.vertices_texture.len(), 4);

    for (name, format) in [
        ("out.city.json", OutputFormat::CityJson),
        ("out.city.jsonl", OutputFormat::CityJsonSeq),
    ] {
        let out = dir.path().join(name);
        write(&out, format, &header, &features);
        let (again, features_again) = read(&out);
        assert_eq!(template_surfaces(&again), expected, "{name}");
        // The building's materials are still its own.
        let house = features_again
            .iter()
            .find(|f| f.id == "house")
            .expect("house");
        let house_app = house.appearance.as_ref().unwrap();
        let names: Vec<&str> = house.objects[0].geometries()[0].materials[0]
            .values
            .as_ref()
            .unwrap()
            .iter()
            .map(|m| {
                house_app.materials[m.unwrap() as usize]["name"]
                    .as_str()
                    .unwrap()
            })
            .collect();
        assert_eq!(names, ["brick", "leaves"], "{name}");
    }
    // A whole file lists the material both use once.
    let whole: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.city.json")).unwrap())
            .unwrap();
    assert_eq!(
        whole["appearance"]["materials"].as_array().unwrap().len(),
        2
    );
    // A CityJSONSeq header line carries the templates' appearance.
    let seq = std::fs::read_to_string(dir.path().join("out.city.jsonl")).unwrap();
    let first: Value = serde_json::from_str(seq.lines().next().unwrap()).unwrap();
    assert_eq!(first["appearance"]["textures"][0]["image"], "bark.png");
}

#[test]
fn a_template_material_out_of_range_drops_the_templates_appearance_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bad.city.json");
    let mut doc = input();
    doc["geometry-templates"]["templates"][0]["material"]["summer"]["values"] = json!([null, 7]);
    std::fs::write(&src, doc.to_string()).unwrap();
    let reader = Reader::open(&src).unwrap();
    let warning = reader.warnings().join("\n");
    assert!(warning.contains("geometry-templates"), "{warning}");
    assert!(warning.contains("material index 7"), "{warning}");
    let t = reader.header().geometry_templates.as_ref().unwrap();
    assert!(t.templates[0].materials.is_empty() && t.templates[0].textures.is_empty());
    assert!(t.appearance.is_empty());
    assert_eq!(t.templates[0].boundaries.surfaces.len(), 3);
}
