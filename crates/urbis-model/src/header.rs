//! What a city model holds besides its features.

use crate::{Crs, Geometry, JsonMap, Transform};

/// The city-model-wide members of a CityJSON file (or of a CityJSONSeq's first line).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Header {
    /// The CityJSON version the input declared ("1.0", "1.1", "2.0"); writers always write 2.0.
    pub source_version: String,
    /// Quantisation of all vertices.
    pub transform: Transform,
    /// The metadata object (upgraded to 2.0 names).
    pub metadata: Option<JsonMap>,
    /// The `extensions` member.
    pub extensions: Option<JsonMap>,
    /// Geometry templates, shared by all features.
    pub geometry_templates: Option<GeometryTemplates>,
    /// Every other top-level member (extension root properties...).
    pub extra: JsonMap,
}

impl Header {
    /// The coordinate reference system named by `metadata.referenceSystem`.
    pub fn crs(&self) -> Option<Crs> {
        let url = self.metadata.as_ref()?.get("referenceSystem")?.as_str()?;
        Crs::parse(url)
    }

    /// Names `crs` in `metadata.referenceSystem` (as an OGC URL).
    pub fn set_crs(&mut self, crs: &Crs) {
        self.metadata
            .get_or_insert_with(JsonMap::new)
            .insert("referenceSystem".into(), crs.to_url().into());
    }
}

/// The `geometry-templates` member: template geometries with their own real-valued vertices.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GeometryTemplates {
    /// The template geometries; their vertex indices point into `vertices`.
    pub templates: Vec<Geometry>,
    /// `vertices-templates`: real coordinates, relative to an instance's reference point.
    pub vertices: Vec<[f64; 3]>,
    /// The materials, textures and texture coordinates the templates' `material` and `texture`
    /// refer to (CityJSON keeps them in the file's `appearance`; here they are the templates'
    /// own, as a feature's are).
    pub appearance: crate::Appearance,
}

impl GeometryTemplates {
    /// The template a `GeometryInstance` uses, with the template vertices placed by the
    /// instance: its matrix applied, then moved to its reference point (the instance's boundary
    /// vertex, looked up in `points`, the feature's real coordinates). `None` when `geometry`
    /// is not an instance or its template does not exist.
    pub fn placed(
        &self,
        geometry: &Geometry,
        points: &[[f64; 3]],
    ) -> Option<(&Geometry, Vec<[f64; 3]>)> {
        let instance = geometry.instance.as_ref()?;
        let template = self.templates.get(instance.template as usize)?;
        let reference = geometry
            .boundaries
            .vertices
            .first()
            .and_then(|&i| points.get(i as usize))
            .copied()
            .unwrap_or([0.0; 3]);
        let placed = self
            .vertices
            .iter()
            .map(|&p| instance.place(p, reference))
            .collect();
        Some((template, placed))
    }
}
