//! What `urbis info` reports: counts, types, LoDs, extent, attribute names.

use crate::{Feature, Transform};
use std::collections::{BTreeMap, BTreeSet};

/// Statistics gathered over a stream of features.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Number of features (top-level objects with their descendants).
    pub features: u64,
    /// Number of CityObjects.
    pub city_objects: u64,
    /// CityObjects per type.
    pub types: BTreeMap<String, u64>,
    /// LoDs present.
    pub lods: BTreeSet<String>,
    /// Geometry types present.
    pub geometry_types: BTreeSet<String>,
    /// Number of geometries.
    pub geometries: u64,
    /// Vertices summed over features.
    pub vertices: u64,
    /// Real-coordinate extent `[minx, miny, minz, maxx, maxy, maxz]`, if any vertex.
    pub extent: Option<[f64; 6]>,
    /// Attribute names present.
    pub attributes: BTreeSet<String>,
    /// Semantic surface types present.
    pub semantic_types: BTreeSet<String>,
    /// True when any geometry has a material or texture.
    pub has_appearance: bool,
    /// Largest vertex index seen in boundaries (used by readers to check indices while counting).
    pub max_vertex_index: Option<u64>,
}

impl Summary {
    /// Adds one feature.
    pub fn add(&mut self, f: &Feature, t: &Transform) {
        self.features += 1;
        self.vertices += f.vertices.len() as u64;
        if !f.vertices.is_empty() {
            let mut lo = [i64::MAX; 3];
            let mut hi = [i64::MIN; 3];
            for v in &f.vertices {
                for a in 0..3 {
                    lo[a] = lo[a].min(v[a]);
                    hi[a] = hi[a].max(v[a]);
                }
            }
            let (lo, hi) = (t.apply(lo), t.apply(hi));
            let e = self.extent.get_or_insert([
                f64::INFINITY,
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ]);
            for a in 0..3 {
                e[a] = e[a].min(lo[a]);
                e[a + 3] = e[a + 3].max(hi[a]);
            }
        }
        for o in &f.objects {
            self.city_objects += 1;
            *self.types.entry(o.kind.as_str().to_string()).or_default() += 1;
            if let Some(attrs) = &o.attributes {
                for k in attrs.keys() {
                    if !self.attributes.contains(k) {
                        self.attributes.insert(k.clone());
                    }
                }
            }
            for g in o.geometries() {
                self.geometries += 1;
                if let Some(lod) = &g.lod {
                    if !self.lods.contains(lod) {
                        self.lods.insert(lod.clone());
                    }
                }
                if !self.geometry_types.contains(g.kind.as_str()) {
                    self.geometry_types.insert(g.kind.as_str().to_string());
                }
                if !g.materials.is_empty() || !g.textures.is_empty() {
                    self.has_appearance = true;
                }
                if let Some(sem) = &g.semantics {
                    for s in &sem.surfaces {
                        if !self.semantic_types.contains(s.kind.as_ref()) {
                            self.semantic_types.insert(s.kind.to_string());
                        }
                    }
                }
            }
        }
    }

    /// Combines two partial summaries (for parallel accumulation).
    pub fn merge(&mut self, other: Summary) {
        self.features += other.features;
        self.city_objects += other.city_objects;
        for (k, v) in other.types {
            *self.types.entry(k).or_default() += v;
        }
        self.lods.extend(other.lods);
        self.geometry_types.extend(other.geometry_types);
        self.geometries += other.geometries;
        self.vertices += other.vertices;
        if let Some(o) = other.extent {
            let e = self.extent.get_or_insert(o);
            for a in 0..3 {
                e[a] = e[a].min(o[a]);
                e[a + 3] = e[a + 3].max(o[a + 3]);
            }
        }
        self.attributes.extend(other.attributes);
        self.semantic_types.extend(other.semantic_types);
        self.has_appearance |= other.has_appearance;
        self.max_vertex_index = self.max_vertex_index.max(other.max_vertex_index);
    }
}
