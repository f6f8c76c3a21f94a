//! Triangle meshes of features: each polygon triangulated on its own plane (holes kept), with
//! flat normals, a colour per polygon (material, else semantic surface type, else object type)
//! and the feature it belongs to.

use crate::colour;
use crate::placement::{Placement, PlacementError};
use urbis_geom::vector::{normalize, sub, Vec3};
use urbis_geom::{newell_normal, triangulate, Plane, Projection};
use urbis_model::{
    Appearance, CityObject, Feature, Geometry, GeometryTemplates, GeometryType, JsonMap, Transform,
};

/// The coordinates a mesh is made in.
pub enum Frame<'a> {
    /// Earth-centred, earth-fixed (EPSG:4978), for 3D Tiles and GLB.
    Ecef(&'a Placement),
    /// The model's own CRS (for OBJ).
    Native,
}

pub use urbis_model::LodChoice;

/// The triangles of one feature (a top-level city object with its parts).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FeatureMesh {
    /// The feature's id.
    pub id: String,
    /// The top-level object's type.
    pub kind: String,
    /// The top-level object's attributes.
    pub attributes: JsonMap,
    /// Vertex positions in the frame asked for.
    pub positions: Vec<[f64; 3]>,
    /// Unit normals, one per vertex (flat: all vertices of a polygon share it).
    pub normals: Vec<[f32; 3]>,
    /// RGBA colours, one per vertex.
    pub colours: Vec<[u8; 4]>,
    /// Triangles (indices into the vertices), counter-clockwise seen from outside.
    pub triangles: Vec<[u32; 3]>,
    /// Longitude/latitude/height bounds `[minlon, minlat, minh, maxlon, maxlat, maxh]` in
    /// degrees and metres (ECEF frame only; NaN otherwise or when empty).
    pub geodetic_bounds: [f64; 6],
    /// The centre of the feature's native 2D extent (for tiling).
    pub centre: [f64; 2],
    /// Polygons that gave no triangle (fewer than three distinct points, no area).
    pub degenerate_polygons: u32,
}

/// Why a feature cannot be meshed.
#[derive(Debug, thiserror::Error)]
pub enum MeshError {
    /// A vertex cannot be placed.
    #[error("feature \"{id}\": {source}")]
    Placement {
        /// The feature.
        id: String,
        /// Why.
        source: PlacementError,
    },
}

/// Makes [`FeatureMesh`]es.
pub struct Mesher<'a> {
    frame: Frame<'a>,
    transform: Transform,
    templates: Option<&'a GeometryTemplates>,
    lod: LodChoice,
}

impl<'a> Mesher<'a> {
    /// A mesher for features whose integer vertices `transform` scales.
    pub fn new(
        frame: Frame<'a>,
        transform: Transform,
        templates: Option<&'a GeometryTemplates>,
        lod: LodChoice,
    ) -> Self {
        Mesher {
            frame,
            transform,
            templates,
            lod,
        }
    }

    /// The mesh of one feature.
    pub fn mesh(&self, feature: &Feature) -> Result<FeatureMesh, MeshError> {
        let root = feature.root();
        let mut mesh = FeatureMesh {
            id: feature.id.clone(),
            kind: root
                .map(|r| r.kind.as_str().to_string())
                .unwrap_or_default(),
            attributes: root.and_then(|r| r.attributes.clone()).unwrap_or_default(),
            geodetic_bounds: [f64::NAN; 6],
            ..FeatureMesh::default()
        };
        let native: Vec<Vec3> = feature
            .vertices
            .iter()
            .map(|&v| self.transform.apply(v))
            .collect();
        let mut placed: Vec<Option<Placed>> = vec![None; native.len()];
        let mut extent = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for object in &feature.objects {
            if let Some(geometry) = self.chosen(object) {
                let mut ctx = PolygonContext {
                    object,
                    geometry,
                    appearance: feature.appearance.as_ref(),
                };
                if geometry.instance.is_some() {
                    let Some((template, pool)) =
                        self.templates.and_then(|t| t.placed(geometry, &native))
                    else {
                        continue;
                    };
                    let mut cache = vec![None; pool.len()];
                    ctx.geometry = template;
                    self.add_geometry(&mut mesh, &ctx, &pool, &mut cache, &mut extent)?;
                } else {
                    self.add_geometry(&mut mesh, &ctx, &native, &mut placed, &mut extent)?;
                }
            }
        }
        if extent[0].is_finite() {
            mesh.centre = [(extent[0] + extent[2]) / 2.0, (extent[1] + extent[3]) / 2.0];
        }
        Ok(mesh)
    }

    /// The geometry of an object to draw (see [`LodChoice`] for the rule).
    fn chosen<'g>(&self, object: &'g CityObject) -> Option<&'g Geometry> {
        self.lod.choose(object, self.templates)
    }

    /// A native point in the mesh's frame, with its geodetic position in the ECEF frame.
    fn place(&self, id: &str, p: Vec3) -> Result<Placed, MeshError> {
        match self.frame {
            Frame::Native => Ok((p, None)),
            Frame::Ecef(placement) => {
                let g = placement
                    .geodetic(p)
                    .map_err(|source| MeshError::Placement {
                        id: id.to_string(),
                        source,
                    })?;
                Ok((crate::placement::geodetic_to_ecef(g), Some(g)))
            }
        }
    }

    fn add_geometry(
        &self,
        mesh: &mut FeatureMesh,
        ctx: &PolygonContext,
        pool: &[Vec3],
        cache: &mut [Option<Placed>],
        extent: &mut [f64; 4],
    ) -> Result<(), MeshError> {
        let b = &ctx.geometry.boundaries;
        for s in 0..b.surface_count() {
            let rings: Vec<Vec<u32>> = b
                .surface_rings(s)
                .map(|r| {
                    b.ring(r)
                        .iter()
                        .copied()
                        .filter(|&i| (i as usize) < pool.len())
                        .collect()
                })
                .collect();
            let native: Vec<Vec<Vec3>> = rings
                .iter()
                .map(|r| r.iter().map(|&i| pool[i as usize]).collect())
                .collect();
            let Some(exterior) = native.first() else {
                continue;
            };
            for p in native.iter().flatten() {
                extent[0] = extent[0].min(p[0]);
                extent[1] = extent[1].min(p[1]);
                extent[2] = extent[2].max(p[0]);
                extent[3] = extent[3].max(p[1]);
            }
            let triangles = match Plane::fit(exterior) {
                Some(plane) => {
                    let frame = Projection::new(&plane);
                    let flat: Vec<Vec<[f64; 2]>> = native
                        .iter()
                        .map(|r| r.iter().map(|&p| frame.to_2d(p)).collect())
                        .collect();
                    triangulate(&flat)
                }
                None => Vec::new(),
            };
            if triangles.is_empty() {
                mesh.degenerate_polygons += 1;
                continue;
            }
            let mut corners = Vec::with_capacity(native.iter().map(Vec::len).sum());
            for &i in rings.iter().flatten() {
                let placed = match cache[i as usize] {
                    Some(p) => p,
                    None => {
                        let p = self.place(&mesh.id, pool[i as usize])?;
                        cache[i as usize] = Some(p);
                        p
                    }
                };
                corners.push(placed);
            }
            let corners_geodetic: Vec<Vec3> = corners.iter().filter_map(|c| c.1).collect();
            let corners: Vec<Vec3> = corners.iter().map(|c| c.0).collect();
            let exterior_len = rings[0].len();
            let origin = corners[0];
            let relative: Vec<Vec3> = corners[..exterior_len]
                .iter()
                .map(|&p| sub(p, origin))
                .collect();
            let normal = normalize(newell_normal(&relative)).unwrap_or([0.0, 0.0, 1.0]);
            let normal = [normal[0] as f32, normal[1] as f32, normal[2] as f32];
            let colour = ctx.colour(s);
            let base = mesh.positions.len() as u32;
            for &p in &corners {
                mesh.positions.push(p);
                mesh.normals.push(normal);
                mesh.colours.push(colour);
            }
            for g in &corners_geodetic {
                let bounds = &mut mesh.geodetic_bounds;
                for k in 0..3 {
                    bounds[k] = if bounds[k].is_nan() {
                        g[k]
                    } else {
                        bounds[k].min(g[k])
                    };
                    bounds[k + 3] = if bounds[k + 3].is_nan() {
                        g[k]
                    } else {
                        bounds[k + 3].max(g[k])
                    };
                }
            }
            mesh.triangles.extend(
                triangles
                    .iter()
                    .map(|t| [t[0] + base, t[1] + base, t[2] + base]),
            );
        }
        Ok(())
    }
}

/// A point in the mesh's frame, and its geodetic position (ECEF frame only).
type Placed = (Vec3, Option<Vec3>);

/// What decides a polygon's colour.
struct PolygonContext<'a> {
    object: &'a CityObject,
    geometry: &'a Geometry,
    appearance: Option<&'a Appearance>,
}

impl PolygonContext<'_> {
    fn colour(&self, surface: usize) -> [u8; 4] {
        let g = self.geometry;
        let material = self.appearance.and_then(|a| {
            let theme = match &a.default_theme_material {
                Some(name) => g.materials.iter().find(|m| &m.theme == name),
                None => g.materials.first(),
            }?;
            let index = match &theme.values {
                Some(values) => values.get(surface).copied().flatten(),
                None => theme.value,
            }?;
            colour::of_material(a.materials.get(index as usize)?)
        });
        if let Some(c) = material {
            return c;
        }
        let semantic = g.semantics.as_ref().and_then(|s| {
            let v = s.values.get(surface).copied().flatten()?;
            colour::of_surface(&s.surfaces.get(v as usize)?.kind)
        });
        semantic.unwrap_or_else(|| colour::of_type(self.object.kind.as_str()))
    }
}

impl FeatureMesh {
    /// Whether the feature has no triangle.
    pub fn is_empty(&self) -> bool {
        self.triangles.is_empty()
    }

    /// The union of meshes' geodetic bounds.
    pub fn union_bounds<'m>(meshes: impl IntoIterator<Item = &'m FeatureMesh>) -> [f64; 6] {
        let mut b = [f64::INFINITY; 6];
        for k in 3..6 {
            b[k] = f64::NEG_INFINITY;
        }
        for m in meshes {
            for k in 0..3 {
                b[k] = b[k].min(m.geodetic_bounds[k]);
                b[k + 3] = b[k + 3].max(m.geodetic_bounds[k + 3]);
            }
        }
        b
    }
}

/// The number of triangles urbis makes of a geometry type's polygons: only surfaces and solids
/// are drawn (points and lines are not).
pub fn is_drawn(kind: GeometryType) -> bool {
    kind.depth() >= 3
}
