//! Materials and textures.

use crate::JsonMap;
use std::sync::Arc;

/// The appearance of a feature or a whole city model: material and texture objects and the
/// texture (UV) coordinates that texture themes point into.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Appearance {
    /// Material objects (`{"name": ..., "diffuseColor": ...}`), kept as read; shared, so
    /// that features cut from one file's appearance do not copy them.
    pub materials: Vec<Arc<JsonMap>>,
    /// Texture objects (`{"type": "PNG", "image": ...}`), kept as read; shared likewise.
    pub textures: Vec<Arc<JsonMap>>,
    /// UV coordinates.
    pub vertices_texture: Vec<[f64; 2]>,
    /// The `default-theme-material` member.
    pub default_theme_material: Option<String>,
    /// The `default-theme-texture` member.
    pub default_theme_texture: Option<String>,
}

impl Appearance {
    /// True when there is no material, texture or UV coordinate.
    pub fn is_empty(&self) -> bool {
        self.materials.is_empty()
            && self.textures.is_empty()
            && self.vertices_texture.is_empty()
            && self.default_theme_material.is_none()
            && self.default_theme_texture.is_none()
    }

    /// Appends `other`'s materials, textures and texture coordinates (default themes only where
    /// this one has none) and returns the offsets its indices must be moved by:
    /// (materials, textures, texture coordinates), for [`crate::Geometry::shift_appearance`].
    pub fn append(&mut self, other: &Appearance) -> (u32, u32, u32) {
        let offsets = (
            self.materials.len() as u32,
            self.textures.len() as u32,
            self.vertices_texture.len() as u32,
        );
        self.materials.extend(other.materials.iter().cloned());
        self.textures.extend(other.textures.iter().cloned());
        self.vertices_texture
            .extend_from_slice(&other.vertices_texture);
        if self.default_theme_material.is_none() {
            self.default_theme_material = other.default_theme_material.clone();
        }
        if self.default_theme_texture.is_none() {
            self.default_theme_texture = other.default_theme_texture.clone();
        }
        offsets
    }
}

/// Materials of one theme on one geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialTheme {
    /// Theme name (may be empty).
    pub theme: String,
    /// One material for the whole geometry (`"value"`).
    pub value: Option<u32>,
    /// One material (or none) per surface (`"values"`), flat like the semantics values.
    pub values: Option<Vec<Option<u32>>>,
}

/// Textures of one theme on one geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct TextureTheme {
    /// Theme name.
    pub theme: String,
    /// Texture index per ring (none when the ring is not textured).
    pub ring_textures: Vec<Option<u32>>,
    /// UV index per boundary vertex, parallel to [`crate::Boundaries::vertices`]; meaningful only
    /// in textured rings (0 elsewhere).
    pub uvs: Vec<u32>,
}
