//! The triangulated model the sun's rays are cast against, in local coordinates (the model's
//! coordinates minus an origin, for precision), with each Building's walls kept for facade
//! sample points.

use super::bvh::Bvh;
use crate::polygon::{normal, slope_degrees};
use crate::surfaces::{feature_points, object_surfaces};
use urbis_geom::{triangulate, Plane, Projection};
use urbis_model::LodChoice;
use urbis_model::{Feature, GeometryTemplates, Transform};

/// What a triangle belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A building (or one of its parts, installations...): ground under it is not sampled.
    Building,
    /// Anything else: terrain, roads, land use, water, vegetation, bridges, furniture.
    Other,
    /// The downward-facing face of a solid (not a building's): a ground point under it is
    /// inside or beneath the solid, and not sampled either.
    Underside,
}

/// A wall of a Building: its rings (local coordinates) and outward unit normal.
#[derive(Debug, Clone)]
pub struct Wall {
    /// Exterior first.
    pub rings: Vec<Vec<[f64; 3]>>,
    /// Outward unit normal.
    pub normal: [f64; 3],
}

/// A Building's facade-relevant parts.
#[derive(Debug, Clone)]
pub struct SceneBuilding {
    /// Its id.
    pub id: String,
    /// Its ground height (local z): lowest GroundSurface vertex, else lowest vertex.
    pub ground: f64,
    /// Its walls (WallSurfaces, else faces steeper than 80°), of the Building and its parts.
    pub walls: Vec<Wall>,
}

/// Triangles gathered from features, then frozen into a [`Scene`].
#[derive(Debug, Default)]
pub struct SceneBuilder {
    origin: Option<[f64; 3]>,
    triangles: Vec<[[f64; 3]; 3]>,
    roles: Vec<Role>,
    buildings: Vec<SceneBuilding>,
    lod: LodChoice,
}

/// The frozen scene.
#[derive(Debug, Default)]
pub struct Scene {
    /// Model coordinates of local (0, 0, 0).
    pub origin: [f64; 3],
    /// The hierarchy over all triangles.
    pub bvh: Bvh,
    /// Role per input triangle.
    pub roles: Vec<Role>,
    /// Buildings with their walls.
    pub buildings: Vec<SceneBuilding>,
    /// Bounds of all triangles (local): min, max.
    pub bounds: ([f64; 3], [f64; 3]),
    /// Number of triangles.
    pub triangles: usize,
}

fn is_building_type(kind: &str) -> bool {
    kind.starts_with("Building")
}

impl SceneBuilder {
    /// A builder with its local origin at `origin` (model coordinates); `lod` picks the
    /// geometry of each object.
    pub fn new(origin: [f64; 3], lod: LodChoice) -> Self {
        SceneBuilder {
            origin: Some(origin),
            lod,
            ..SceneBuilder::default()
        }
    }

    /// Adds a feature to the builder in `slot`, creating it on the first feature with its
    /// origin at that feature's first vertex (rounded to the metre).
    pub fn add_to(
        slot: &mut Option<SceneBuilder>,
        feature: &Feature,
        header: &urbis_model::Header,
        lod: &LodChoice,
    ) {
        let b = slot.get_or_insert_with(|| {
            let first = feature
                .vertices
                .first()
                .map(|&v| header.transform.apply(v))
                .unwrap_or([0.0; 3]);
            SceneBuilder::new(first.map(f64::round), lod.clone())
        });
        b.add(
            feature,
            &header.transform,
            header.geometry_templates.as_ref(),
        );
    }

    /// Model coordinates of local (0, 0, 0).
    pub fn origin(&self) -> [f64; 3] {
        self.origin.unwrap_or([0.0; 3])
    }

    /// Adds every object of a feature: its triangles and, for a Building, its walls.
    pub fn add(
        &mut self,
        feature: &Feature,
        transform: &Transform,
        templates: Option<&GeometryTemplates>,
    ) {
        let o = self.origin();
        let points: Vec<[f64; 3]> = feature_points(feature, transform)
            .into_iter()
            .map(|p| [p[0] - o[0], p[1] - o[1], p[2] - o[2]])
            .collect();
        let is_building = feature
            .root()
            .is_some_and(|r| r.kind.as_str() == "Building");
        let mut building = SceneBuilding {
            id: feature.id.clone(),
            ground: f64::INFINITY,
            walls: Vec::new(),
        };
        let mut lowest = f64::INFINITY;
        for object in &feature.objects {
            let Some(g) = self.lod.choose(object, templates) else {
                continue;
            };
            let Some(s) = object_surfaces(g, &points, &feature.vertices, templates) else {
                continue;
            };
            let role = if is_building_type(object.kind.as_str()) {
                Role::Building
            } else {
                Role::Other
            };
            let has_semantics = s.polygons.iter().any(|p| p.semantic.is_some());
            let solid = !s.solids.is_empty();
            let coords = s.coords();
            for (i, p) in s.polygons.iter().enumerate() {
                let rings: Vec<Vec<[f64; 3]>> = coords.rings(i).map(<[_]>::to_vec).collect();
                let down = normal(&rings).is_some_and(|n| n[2] < -0.1);
                let role = if solid && down && role == Role::Other {
                    Role::Underside
                } else {
                    role
                };
                self.add_polygon(&rings, role);
                if !is_building {
                    continue;
                }
                for q in rings.iter().flatten() {
                    lowest = lowest.min(q[2]);
                }
                let Some(n) = normal(&rings) else { continue };
                if p.semantic == Some("GroundSurface") {
                    for q in rings.iter().flatten() {
                        building.ground = building.ground.min(q[2]);
                    }
                }
                let wall = if has_semantics {
                    p.semantic == Some("WallSurface")
                } else {
                    slope_degrees(n) >= 80.0
                };
                if wall && role == Role::Building {
                    building.walls.push(Wall { rings, normal: n });
                }
            }
        }
        if is_building && lowest.is_finite() {
            if !building.ground.is_finite() {
                building.ground = lowest;
            }
            self.buildings.push(building);
        }
    }

    /// Triangulates one polygon on its best-fit plane (holes kept).
    fn add_polygon(&mut self, rings: &[Vec<[f64; 3]>], role: Role) {
        let all: Vec<[f64; 3]> = rings.iter().flatten().copied().collect();
        if all.len() < 3 {
            return;
        }
        if rings.len() == 1 && all.len() == 3 {
            self.triangles.push([all[0], all[1], all[2]]);
            self.roles.push(role);
            return;
        }
        let Some(plane) = Plane::fit(&all) else {
            return;
        };
        let projection = Projection::new(&plane);
        let rings2: Vec<Vec<[f64; 2]>> = rings
            .iter()
            .map(|r| r.iter().map(|&p| projection.to_2d(p)).collect())
            .collect();
        for t in triangulate(&rings2) {
            let (Some(&a), Some(&b), Some(&c)) = (
                all.get(t[0] as usize),
                all.get(t[1] as usize),
                all.get(t[2] as usize),
            ) else {
                continue;
            };
            self.triangles.push([a, b, c]);
            self.roles.push(role);
        }
    }

    /// Builds the hierarchy.
    pub fn finish(self) -> Scene {
        let mut min = [f64::INFINITY; 3];
        let mut max = [f64::NEG_INFINITY; 3];
        for p in self.triangles.iter().flatten() {
            for k in 0..3 {
                min[k] = min[k].min(p[k]);
                max[k] = max[k].max(p[k]);
            }
        }
        Scene {
            origin: self.origin(),
            bvh: Bvh::new(&self.triangles),
            triangles: self.triangles.len(),
            roles: self.roles,
            buildings: self.buildings,
            bounds: (min, max),
        }
    }
}
