//! Buildings of known dimensions (boxes, gable and hip roofs) as urbis features: for fixtures,
//! demos and checking the analyses against hand computations.

use urbis_model::{
    CityObject, CityObjectType, Feature, Geometry, GeometryType, SemanticSurface, Semantics,
    Transform,
};

/// A face: its exterior ring (counter-clockwise seen from outside) and its semantic type.
pub type Face = (Vec<[f64; 3]>, &'static str);

/// A box `w` (x) × `d` (y) × `h` with its south-west-bottom corner at `o`.
pub fn box_faces(o: [f64; 3], w: f64, d: f64, h: f64) -> Vec<Face> {
    let p = |x: f64, y: f64, z: f64| [o[0] + x, o[1] + y, o[2] + z];
    vec![
        (
            vec![p(0., 0., 0.), p(0., d, 0.), p(w, d, 0.), p(w, 0., 0.)],
            "GroundSurface",
        ),
        (
            vec![p(0., 0., h), p(w, 0., h), p(w, d, h), p(0., d, h)],
            "RoofSurface",
        ),
        (
            vec![p(0., 0., 0.), p(w, 0., 0.), p(w, 0., h), p(0., 0., h)],
            "WallSurface",
        ),
        (
            vec![p(w, 0., 0.), p(w, d, 0.), p(w, d, h), p(w, 0., h)],
            "WallSurface",
        ),
        (
            vec![p(w, d, 0.), p(0., d, 0.), p(0., d, h), p(w, d, h)],
            "WallSurface",
        ),
        (
            vec![p(0., d, 0.), p(0., 0., 0.), p(0., 0., h), p(0., d, h)],
            "WallSurface",
        ),
    ]
}

/// A gable-roofed house: `w` × `d`, eaves at `eave`, the ridge along x at `ridge` (heights
/// above `o`).
pub fn gable_faces(o: [f64; 3], w: f64, d: f64, eave: f64, ridge: f64) -> Vec<Face> {
    let p = |x: f64, y: f64, z: f64| [o[0] + x, o[1] + y, o[2] + z];
    let (e, r, m) = (eave, ridge, d / 2.0);
    vec![
        (
            vec![p(0., 0., 0.), p(0., d, 0.), p(w, d, 0.), p(w, 0., 0.)],
            "GroundSurface",
        ),
        (
            vec![p(0., 0., 0.), p(w, 0., 0.), p(w, 0., e), p(0., 0., e)],
            "WallSurface",
        ),
        (
            vec![p(w, d, 0.), p(0., d, 0.), p(0., d, e), p(w, d, e)],
            "WallSurface",
        ),
        (
            vec![
                p(w, 0., 0.),
                p(w, d, 0.),
                p(w, d, e),
                p(w, m, r),
                p(w, 0., e),
            ],
            "WallSurface",
        ),
        (
            vec![
                p(0., d, 0.),
                p(0., 0., 0.),
                p(0., 0., e),
                p(0., m, r),
                p(0., d, e),
            ],
            "WallSurface",
        ),
        (
            vec![p(0., 0., e), p(w, 0., e), p(w, m, r), p(0., m, r)],
            "RoofSurface",
        ),
        (
            vec![p(w, d, e), p(0., d, e), p(0., m, r), p(w, m, r)],
            "RoofSurface",
        ),
    ]
}

/// A hip-roofed house: `w` × `d` (w > 2·`inset`), eaves at `eave`, a ridge along x at `ridge`
/// from x = `inset` to x = w − `inset`.
pub fn hip_faces(o: [f64; 3], w: f64, d: f64, eave: f64, ridge: f64, inset: f64) -> Vec<Face> {
    let p = |x: f64, y: f64, z: f64| [o[0] + x, o[1] + y, o[2] + z];
    let (e, r, m, a) = (eave, ridge, d / 2.0, inset);
    vec![
        (
            vec![p(0., 0., 0.), p(0., d, 0.), p(w, d, 0.), p(w, 0., 0.)],
            "GroundSurface",
        ),
        (
            vec![p(0., 0., 0.), p(w, 0., 0.), p(w, 0., e), p(0., 0., e)],
            "WallSurface",
        ),
        (
            vec![p(w, 0., 0.), p(w, d, 0.), p(w, d, e), p(w, 0., e)],
            "WallSurface",
        ),
        (
            vec![p(w, d, 0.), p(0., d, 0.), p(0., d, e), p(w, d, e)],
            "WallSurface",
        ),
        (
            vec![p(0., d, 0.), p(0., 0., 0.), p(0., 0., e), p(0., d, e)],
            "WallSurface",
        ),
        (
            vec![p(0., 0., e), p(w, 0., e), p(w - a, m, r), p(a, m, r)],
            "RoofSurface",
        ),
        (
            vec![p(w, d, e), p(0., d, e), p(a, m, r), p(w - a, m, r)],
            "RoofSurface",
        ),
        (vec![p(w, 0., e), p(w, d, e), p(w - a, m, r)], "RoofSurface"),
        (vec![p(0., d, e), p(0., 0., e), p(a, m, r)], "RoofSurface"),
    ]
}

/// Builds features from solids, quantising with `transform`.
#[derive(Debug, Default)]
pub struct FeatureBuilder {
    feature: Feature,
}

impl FeatureBuilder {
    /// A feature whose top-level object is `id` of type `kind`, without geometry yet.
    pub fn new(id: &str, kind: &str) -> Self {
        let kind = CityObjectType::parse(kind).unwrap_or(CityObjectType::GenericCityObject);
        let mut feature = Feature {
            id: id.to_string(),
            ..Feature::default()
        };
        feature.objects.push(CityObject::new(id, kind));
        FeatureBuilder { feature }
    }

    /// Gives object `id` (the root, or a part created here as a child of the root) an LoD
    /// `lod` Solid with these faces; `closed: false` builds a MultiSurface instead.
    pub fn solid(
        mut self,
        id: &str,
        lod: &str,
        faces: &[Face],
        transform: &Transform,
        closed: bool,
    ) -> Self {
        let kind = if closed {
            GeometryType::Solid
        } else {
            GeometryType::MultiSurface
        };
        let mut g = Geometry::new(kind, Some(lod.to_string()));
        let mut semantics = Semantics::default();
        for (ring, semantic) in faces {
            let indices: Vec<u32> = ring
                .iter()
                .map(|p| {
                    let q = transform.quantize(*p).unwrap_or([0; 3]);
                    self.feature.vertices.push(q);
                    (self.feature.vertices.len() - 1) as u32
                })
                .collect();
            g.boundaries.push_ring(&indices);
            g.boundaries.close_surface();
            let k = match semantics.surfaces.iter().position(|s| s.kind == *semantic) {
                Some(k) => k,
                None => {
                    semantics.surfaces.push(SemanticSurface {
                        kind: urbis_model::semantic_type(semantic),
                        ..SemanticSurface::default()
                    });
                    semantics.surfaces.len() - 1
                }
            };
            semantics.values.push(Some(k as u32));
        }
        if closed {
            g.boundaries.close_shell();
        }
        g.semantics = Some(semantics);
        if id != self.feature.id && !self.feature.objects.iter().any(|o| o.id == id) {
            let mut part = CityObject::new(id, CityObjectType::BuildingPart);
            part.parents.push(self.feature.id.clone());
            self.feature.objects[0].children.push(id.to_string());
            self.feature.objects.push(part);
        }
        if let Some(o) = self.feature.objects.iter_mut().find(|o| o.id == id) {
            o.geometry.get_or_insert_with(Vec::new).push(g);
        }
        self
    }

    /// The feature.
    pub fn build(self) -> Feature {
        self.feature
    }
}
