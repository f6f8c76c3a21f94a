//! Features: the unit of streaming.

use crate::{Appearance, CityObject, JsonMap, ModelError};

/// One top-level city object, its descendants and the vertices they use (a CityJSONFeature).
///
/// Vertex indices in the objects' geometries point into `vertices`, which are quantised with
/// the header's transform. Material, texture and UV indices point into `appearance`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Feature {
    /// Id of the top-level object.
    pub id: String,
    /// The top-level object first, then its descendants.
    pub objects: Vec<CityObject>,
    /// Quantised vertices used by this feature.
    pub vertices: Vec<[i64; 3]>,
    /// Materials, textures and UV coordinates used by this feature.
    pub appearance: Option<Appearance>,
    /// Other members of the CityJSONFeature, as read.
    pub extra: JsonMap,
}

impl Feature {
    /// The top-level object, when it is present.
    pub fn root(&self) -> Option<&CityObject> {
        self.objects.iter().find(|o| o.id == self.id)
    }

    /// Checks that every vertex index is within `vertices`; the error names the object.
    pub fn check_vertex_indices(&self) -> Result<(), (String, ModelError)> {
        match first_vertex_out_of_range(&self.objects, self.vertices.len()) {
            Some((id, index)) => Err((
                id.to_string(),
                ModelError::VertexOutOfRange {
                    index,
                    len: self.vertices.len(),
                },
            )),
            None => Ok(()),
        }
    }
}

/// The first object (and its vertex index) that points past `len` vertices, looking at every
/// geometry and address location.
pub fn first_vertex_out_of_range(objects: &[CityObject], len: usize) -> Option<(&str, u32)> {
    for object in objects {
        let addresses = object
            .address
            .iter()
            .flatten()
            .filter_map(|a| a.location.as_ref());
        for geometry in object.geometries().iter().chain(addresses) {
            if let Some(&index) = geometry
                .boundaries
                .vertices
                .iter()
                .find(|&&i| i as usize >= len)
            {
                return Some((&object.id, index));
            }
        }
    }
    None
}
