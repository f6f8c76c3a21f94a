//! Geometric validation of a CityJSON feature: every geometry of every CityObject (geometry
//! templates included), then the overlap of a Building's parts (601).

use crate::codes::{Code, Issue};
use crate::interact::{interiors_overlap, Mesh};
use crate::options::Options;
use crate::primitive::{validate_primitive, Faces, Primitive};
use std::collections::HashMap;
use urbis_geom::vector::Vec3;
use urbis_model::{
    Boundaries, CityObjectType, Feature, Geometry, GeometryTemplates, GeometryType, Transform,
};

/// One problem of one geometry of a CityObject.
#[derive(Debug, Clone, PartialEq)]
pub struct GeometryIssue {
    /// The problem and where in the primitive it is.
    pub issue: Issue,
    /// The geometry's index in the CityObject's `geometry` list (none for 601).
    pub geometry: Option<usize>,
    /// The geometry's LoD.
    pub lod: Option<String>,
}

impl GeometryIssue {
    /// Where: `lod 2.2`, `geometry 0`, then the place in the primitive, those known.
    pub fn location(&self) -> Vec<String> {
        let mut at = Vec::new();
        if let Some(l) = &self.lod {
            at.push(format!("lod {l}"));
        }
        if let Some(g) = self.geometry {
            at.push(format!("geometry {g}"));
        }
        at.extend(self.issue.location());
        at
    }
}

impl std::fmt::Display for GeometryIssue {
    /// `203 NON_PLANAR_POLYGON_DISTANCE_PLANE [lod 2.2, geometry 0, face 3] 0.12 m`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::codes::write_issue(f, &self.issue.code, &self.location(), &self.issue.info)
    }
}

/// The validation of one CityObject.
#[derive(Debug, Clone)]
pub struct ObjectReport {
    /// The CityObject's id.
    pub id: String,
    /// Its type.
    pub kind: String,
    /// Its problems (empty when valid).
    pub issues: Vec<GeometryIssue>,
    /// How many primitives were validated.
    pub primitives: usize,
    /// How many of them are solids (Solid, MultiSolid, CompositeSolid).
    pub solids: usize,
}

/// Validates every CityObject of `feature` (coordinates through `transform`).
pub fn validate_feature(
    feature: &Feature,
    transform: &Transform,
    templates: Option<&GeometryTemplates>,
    opts: &Options,
) -> Vec<ObjectReport> {
    // Real coordinates relative to the feature's first vertex, for precision.
    let origin = feature
        .vertices
        .first()
        .map(|&v| transform.apply(v))
        .unwrap_or([0.0; 3]);
    // Geographic coordinates are checked in metres east, north and up of the first vertex.
    let frame = opts
        .geographic
        .then(|| urbis_geom::local_frame::LocalMetricFrame::at(origin));
    let points: Vec<Vec3> = feature
        .vertices
        .iter()
        .map(|&v| {
            let p = transform.apply(v);
            match &frame {
                Some(f) => f.local(p),
                None => [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]],
            }
        })
        .collect();
    let mut reports = Vec::with_capacity(feature.objects.len());
    // Valid solids per object and LoD, for 601.
    let mut solids: HashMap<(&str, String), Vec<Mesh>> = HashMap::new();
    for object in &feature.objects {
        let mut report = ObjectReport {
            id: object.id.clone(),
            kind: object.kind.as_str().to_string(),
            issues: Vec::new(),
            primitives: 0,
            solids: 0,
        };
        for (g, geometry) in object.geometry.iter().flatten().enumerate() {
            let instance_points;
            let (pool, geom): (&[Vec3], &Geometry) = match &geometry.instance {
                Some(instance) => {
                    let Some((t, placed)) = templates.and_then(|t| t.placed(geometry, &points))
                    else {
                        report.issues.push(GeometryIssue {
                            issue: Issue::new(
                                Code::INVALID_INPUT_FILE,
                                format!("geometry template {} does not exist", instance.template),
                            ),
                            geometry: Some(g),
                            lod: None,
                        });
                        continue;
                    };
                    instance_points = placed;
                    (&instance_points, t)
                }
                None => (&points, geometry),
            };
            let Some(primitive) = primitive_of(geom.kind, &geom.boundaries) else {
                continue;
            };
            report.primitives += 1;
            if matches!(
                geom.kind,
                GeometryType::Solid | GeometryType::MultiSolid | GeometryType::CompositeSolid
            ) {
                report.solids += 1;
            }
            let checked = validate_primitive(pool, &primitive, opts);
            let lod = geom.lod.clone().or_else(|| geometry.lod.clone());
            for issue in checked.issues {
                report.issues.push(GeometryIssue {
                    issue,
                    geometry: Some(g),
                    lod: lod.clone(),
                });
            }
            if geometry.instance.is_none() && !checked.solids.is_empty() {
                solids
                    .entry((object.id.as_str(), lod.unwrap_or_default()))
                    .or_default()
                    .extend(checked.solids);
            }
        }
        reports.push(report);
    }
    building_parts(feature, &solids, opts, &mut reports);
    reports
}

/// 601: the solids of a Building and its BuildingParts (per LoD) must not overlap; checked,
/// as val3dity does, only for Buildings whose own geometry and parts are all valid.
fn building_parts(
    feature: &Feature,
    solids: &HashMap<(&str, String), Vec<Mesh>>,
    opts: &Options,
    reports: &mut [ObjectReport],
) {
    let by_id: HashMap<&str, usize> = feature
        .objects
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.as_str(), i))
        .collect();
    for (b, building) in feature.objects.iter().enumerate() {
        if building.kind != CityObjectType::Building {
            continue;
        }
        // The building and all its BuildingPart descendants.
        let mut members = vec![b];
        let mut k = 0;
        while k < members.len() {
            for child in &feature.objects[members[k]].children {
                if let Some(&c) = by_id.get(child.as_str()) {
                    if feature.objects[c].kind == CityObjectType::BuildingPart
                        && !members.contains(&c)
                    {
                        members.push(c);
                    }
                }
            }
            k += 1;
        }
        // As val3dity: the parts are checked against each other only when every one of them
        // (and the Building) is valid; an invalid part's overlap means little.
        if members.len() < 2 || members.iter().any(|&m| !reports[m].issues.is_empty()) {
            continue;
        }
        let mut lods: Vec<&String> = solids
            .keys()
            .filter(|(id, _)| members.iter().any(|&m| feature.objects[m].id == *id))
            .map(|(_, lod)| lod)
            .collect();
        lods.sort();
        lods.dedup();
        for lod in lods {
            let meshes: Vec<(&str, &Mesh)> = members
                .iter()
                .filter_map(|&m| {
                    let id = feature.objects[m].id.as_str();
                    solids.get(&(id, lod.clone())).map(|v| (id, v))
                })
                .flat_map(|(id, v)| v.iter().map(move |mesh| (id, mesh)))
                .collect();
            'pairs: for i in 0..meshes.len() {
                for j in i + 1..meshes.len() {
                    if meshes[i].1.boxes_meet(meshes[j].1, 0.0)
                        && interiors_overlap(meshes[i].1, meshes[j].1, opts.overlap_tol)
                    {
                        reports[b].issues.push(GeometryIssue {
                            issue: Issue::new(
                                Code::BUILDINGPARTS_OVERLAP,
                                format!("{} and {} overlap", meshes[i].0, meshes[j].0),
                            ),
                            geometry: None,
                            lod: Some(lod.clone()).filter(|l| !l.is_empty()),
                        });
                        break 'pairs;
                    }
                }
            }
        }
    }
}

/// The primitive of a surface or solid geometry; `None` for points and lines.
pub fn primitive_of(kind: GeometryType, b: &Boundaries) -> Option<Primitive> {
    let faces = |range: std::ops::Range<usize>| -> Faces {
        range
            .map(|s| b.surface_rings(s).map(|r| b.ring(r).to_vec()).collect())
            .collect()
    };
    let shells = |range: std::ops::Range<usize>| -> Vec<Faces> {
        range.map(|h| faces(b.shell_surfaces(h))).collect()
    };
    Some(match kind {
        GeometryType::MultiSurface => Primitive::MultiSurface(faces(0..b.surface_count())),
        GeometryType::CompositeSurface => Primitive::CompositeSurface(faces(0..b.surface_count())),
        GeometryType::Solid => Primitive::Solid(shells(0..b.shell_count())),
        GeometryType::MultiSolid => Primitive::MultiSolid(
            (0..b.solid_count())
                .map(|d| shells(b.solid_shells(d)))
                .collect(),
        ),
        GeometryType::CompositeSolid => Primitive::CompositeSolid(
            (0..b.solid_count())
                .map(|d| shells(b.solid_shells(d)))
                .collect(),
        ),
        _ => return None,
    })
}
