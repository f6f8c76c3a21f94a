//! `Reader::geometry_only`: the same objects, links, geometry and semantics as a full read,
//! without attributes, materials or textures, for whole files and for CityJSONSeq.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use urbis_cityjson::{Output, OutputFormat, Reader, Writer};
use urbis_model::Feature;
use urbis_testkit::require_data;

fn read(path: &Path, geometry_only: bool) -> Vec<Feature> {
    let mut r = Reader::open(path).unwrap();
    if geometry_only {
        r.geometry_only();
    }
    r.read_all().unwrap()
}

/// Reads `path` both ways and compares; returns (had attributes, had appearance) in the full
/// read, so the caller can check the file exercised what it should.
fn compare(path: &Path) -> (bool, bool) {
    let full = read(path, false);
    let shape = read(path, true);
    assert_eq!(full.len(), shape.len(), "{}", path.display());
    let (mut attributes, mut appearance) = (false, false);
    for (f, s) in full.iter().zip(&shape) {
        assert_eq!(f.id, s.id);
        assert_eq!(f.vertices, s.vertices, "{}: {}", path.display(), f.id);
        assert!(s.appearance.is_none(), "{}: {}", path.display(), f.id);
        appearance |= f.appearance.is_some();
        assert_eq!(f.objects.len(), s.objects.len());
        for (a, b) in f.objects.iter().zip(&s.objects) {
            assert_eq!((&a.id, a.kind.as_str()), (&b.id, b.kind.as_str()));
            assert_eq!((&a.parents, &a.children), (&b.parents, &b.children));
            attributes |= a.attributes.as_ref().is_some_and(|m| !m.is_empty());
            assert!(
                b.attributes.as_ref().is_none_or(|m| m.is_empty()),
                "{}",
                b.id
            );
            assert_eq!(a.geometries().len(), b.geometries().len());
            for (ga, gb) in a.geometries().iter().zip(b.geometries()) {
                assert_eq!((ga.kind, &ga.lod), (gb.kind, &gb.lod));
                assert_eq!(ga.boundaries, gb.boundaries, "{}", a.id);
                assert_eq!(ga.semantics, gb.semantics, "{}", a.id);
                assert!(
                    gb.materials.is_empty() && gb.textures.is_empty(),
                    "{}",
                    b.id
                );
            }
        }
    }
    (attributes, appearance)
}

#[test]
fn geometry_only_reads_the_same_shapes_without_attributes_or_appearance() {
    let Some(data) = require_data("geometry_only_reads_the_same_shapes") else {
        return;
    };
    let dir = data.join("cityjson");
    // (file, has attributes, has materials or textures)
    for (file, has_attributes, has_appearance) in [
        ("medium/denhaag_01.city.json", true, true),
        ("medium/rotterdam_delfshaven_textured.city.json", true, true),
        (
            "tiny/rotterdam_twobuildings_materials.city.json",
            false,
            true,
        ),
        ("medium/delft.city.json", true, false),
    ] {
        let path = dir.join(file);
        let found = compare(&path);
        assert_eq!(found, (has_attributes, has_appearance), "{file}");
        // The same file as CityJSONSeq.
        let dir = tempfile::tempdir().unwrap();
        let seq = dir.path().join("copy.city.jsonl");
        let mut reader = Reader::open(&path).unwrap();
        let output = Output::create(&seq).unwrap();
        let mut w = Writer::new(output, OutputFormat::CityJsonSeq, reader.header()).unwrap();
        w.write_batch(&reader.read_all().unwrap()).unwrap();
        w.finish().unwrap();
        let found = compare(&seq);
        assert_eq!(
            found,
            (has_attributes, has_appearance),
            "{file} as CityJSONSeq"
        );
    }
}
