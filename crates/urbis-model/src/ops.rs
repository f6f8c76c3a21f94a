//! Whole-feature operations: dropping unused vertices, filtering LoDs, selecting objects.

use crate::{CityObject, Feature};
use std::collections::HashSet;

impl Feature {
    /// Removes vertices no geometry uses and renumbers the rest (keeping their order).
    pub fn compact_vertices(&mut self) {
        let mut used = vec![false; self.vertices.len()];
        for g in self.objects.iter().flat_map(all_geometries) {
            for &v in &g.boundaries.vertices {
                if let Some(u) = used.get_mut(v as usize) {
                    *u = true;
                }
            }
        }
        if used.iter().all(|&u| u) {
            return;
        }
        let mut new_index = vec![0u32; self.vertices.len()];
        let mut kept = Vec::with_capacity(self.vertices.len());
        for (i, v) in self.vertices.iter().enumerate() {
            if used[i] {
                new_index[i] = kept.len() as u32;
                kept.push(*v);
            }
        }
        self.vertices = kept;
        for o in &mut self.objects {
            for g in o.geometry.iter_mut().flatten() {
                g.boundaries.remap(|v| new_index[v as usize]);
            }
            for a in o.address.iter_mut().flatten() {
                if let Some(g) = a.location.as_mut() {
                    g.boundaries.remap(|v| new_index[v as usize]);
                }
            }
        }
    }

    /// Keeps only the geometries whose LoD `keep` accepts (instances without LoD are kept),
    /// then drops unused vertices.
    pub fn filter_lods(&mut self, keep: impl Fn(&str) -> bool) {
        for o in &mut self.objects {
            if let Some(geoms) = o.geometry.as_mut() {
                geoms.retain(|g| g.lod.as_deref().is_none_or(&keep));
            }
        }
        self.compact_vertices();
    }

    /// Splits the feature into the features formed by the objects `keep` selects: links to
    /// objects left out are removed, and a kept object whose parent is gone becomes the root of
    /// its own feature. Vertices are compacted.
    pub fn select(self, keep: &HashSet<String>) -> Vec<Feature> {
        let Feature {
            objects,
            vertices,
            appearance,
            extra,
            ..
        } = self;
        let mut kept: Vec<CityObject> = objects
            .into_iter()
            .filter(|o| keep.contains(&o.id))
            .collect();
        for o in &mut kept {
            o.parents.retain(|p| keep.contains(p));
            o.children.retain(|c| keep.contains(c));
        }
        // Roots: kept objects with no kept parent; each takes its descendants.
        let ids: HashSet<String> = kept.iter().map(|o| o.id.clone()).collect();
        let mut out = Vec::new();
        let mut taken: HashSet<String> = HashSet::new();
        let roots: Vec<String> = kept
            .iter()
            .filter(|o| o.parents.iter().all(|p| !ids.contains(p)))
            .map(|o| o.id.clone())
            .collect();
        for root in roots {
            let mut members = vec![root.clone()];
            let mut i = 0;
            while i < members.len() {
                if let Some(o) = kept.iter().find(|o| o.id == members[i]) {
                    for c in &o.children {
                        if !members.contains(c) && !taken.contains(c) {
                            members.push(c.clone());
                        }
                    }
                }
                i += 1;
            }
            let objects: Vec<CityObject> = members
                .iter()
                .filter_map(|m| kept.iter().find(|o| &o.id == m).cloned())
                .collect();
            taken.extend(members);
            let mut f = Feature {
                id: root,
                objects,
                vertices: vertices.clone(),
                appearance: appearance.clone(),
                extra: extra.clone(),
            };
            f.compact_vertices();
            out.push(f);
        }
        out
    }

    /// Ids of the objects in `ids` and all their descendants within this feature.
    pub fn with_descendants(&self, ids: &HashSet<String>) -> HashSet<String> {
        let mut out: HashSet<String> = self
            .objects
            .iter()
            .filter(|o| ids.contains(&o.id))
            .map(|o| o.id.clone())
            .collect();
        loop {
            let before = out.len();
            for o in &self.objects {
                if out.contains(&o.id) {
                    for c in &o.children {
                        if self.objects.iter().any(|x| &x.id == c) {
                            out.insert(c.clone());
                        }
                    }
                }
            }
            if out.len() == before {
                return out;
            }
        }
    }

    /// Mean of the feature's vertices (quantised), if it has any.
    pub fn centroid(&self) -> Option<[f64; 3]> {
        if self.vertices.is_empty() {
            return None;
        }
        let mut s = [0f64; 3];
        for v in &self.vertices {
            for a in 0..3 {
                s[a] += v[a] as f64;
            }
        }
        let n = self.vertices.len() as f64;
        Some([s[0] / n, s[1] / n, s[2] / n])
    }
}

fn all_geometries(o: &CityObject) -> impl Iterator<Item = &crate::Geometry> {
    o.geometries().iter().chain(
        o.address
            .iter()
            .flatten()
            .filter_map(|a| a.location.as_ref()),
    )
}
