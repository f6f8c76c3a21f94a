//! Geometries: type, LoD, flat boundaries, semantics and appearance per geometry.

use crate::{Boundaries, JsonMap, MaterialTheme, TextureTheme};

/// The CityJSON geometry types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GeometryType {
    /// Points.
    MultiPoint,
    /// Linestrings.
    MultiLineString,
    /// Surfaces, not necessarily connected.
    MultiSurface,
    /// Surfaces that form one connected surface.
    CompositeSurface,
    /// One solid: an exterior shell and optional interior shells.
    Solid,
    /// Solids, not necessarily connected.
    MultiSolid,
    /// Solids sharing faces.
    CompositeSolid,
    /// A placed copy of a geometry template.
    GeometryInstance,
}

impl GeometryType {
    /// Every geometry type, in CityJSON's order.
    pub const ALL: [GeometryType; 8] = [
        GeometryType::MultiPoint,
        GeometryType::MultiLineString,
        GeometryType::MultiSurface,
        GeometryType::CompositeSurface,
        GeometryType::Solid,
        GeometryType::MultiSolid,
        GeometryType::CompositeSolid,
        GeometryType::GeometryInstance,
    ];

    /// The name used in CityJSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GeometryType::MultiPoint => "MultiPoint",
            GeometryType::MultiLineString => "MultiLineString",
            GeometryType::MultiSurface => "MultiSurface",
            GeometryType::CompositeSurface => "CompositeSurface",
            GeometryType::Solid => "Solid",
            GeometryType::MultiSolid => "MultiSolid",
            GeometryType::CompositeSolid => "CompositeSolid",
            GeometryType::GeometryInstance => "GeometryInstance",
        }
    }

    /// Parses a CityJSON geometry type name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == name)
    }

    /// Nesting depth of the `boundaries` array (1 = array of vertex indices).
    ///
    /// ```
    /// use urbis_model::GeometryType;
    /// assert_eq!(GeometryType::Solid.depth(), 4);
    /// ```
    pub fn depth(self) -> usize {
        match self {
            GeometryType::MultiPoint | GeometryType::GeometryInstance => 1,
            GeometryType::MultiLineString => 2,
            GeometryType::MultiSurface | GeometryType::CompositeSurface => 3,
            GeometryType::Solid => 4,
            GeometryType::MultiSolid | GeometryType::CompositeSolid => 5,
        }
    }
}

/// One semantic surface object (`{"type": "RoofSurface", ...}`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SemanticSurface {
    /// The semantic type, e.g. `RoofSurface` or `+ExtensionSurface` (the standard names are
    /// shared, not allocated per surface: see [`semantic_type`]).
    pub kind: std::borrow::Cow<'static, str>,
    /// Index of the parent semantic surface.
    pub parent: Option<u32>,
    /// Indices of child semantic surfaces.
    pub children: Vec<u32>,
    /// Every other member (attributes), as read.
    pub attributes: JsonMap,
}

/// The semantic surface types of CityJSON 2.0 (and their CityGML names), as shared strings.
pub const SEMANTIC_TYPES: &[&str] = &[
    "RoofSurface",
    "GroundSurface",
    "WallSurface",
    "ClosureSurface",
    "OuterCeilingSurface",
    "OuterFloorSurface",
    "Window",
    "Door",
    "InteriorWallSurface",
    "CeilingSurface",
    "FloorSurface",
    "WaterSurface",
    "WaterGroundSurface",
    "WaterClosureSurface",
    "TrafficArea",
    "AuxiliaryTrafficArea",
    "TransportationMarking",
    "TransportationHole",
];

/// A semantic type name as stored in [`SemanticSurface::kind`]: a standard name is borrowed
/// from [`SEMANTIC_TYPES`], any other (an Extension's `+Name`) is copied.
///
/// ```
/// use std::borrow::Cow;
/// assert!(matches!(urbis_model::semantic_type("RoofSurface"), Cow::Borrowed("RoofSurface")));
/// assert!(matches!(urbis_model::semantic_type("+Balcony"), Cow::Owned(_)));
/// ```
pub fn semantic_type(name: &str) -> std::borrow::Cow<'static, str> {
    match SEMANTIC_TYPES.iter().find(|&&t| t == name) {
        Some(&t) => std::borrow::Cow::Borrowed(t),
        None => std::borrow::Cow::Owned(name.to_string()),
    }
}

/// Semantic surfaces of a geometry and which primitive carries which.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Semantics {
    /// The semantic surface objects.
    pub surfaces: Vec<SemanticSurface>,
    /// One entry per primitive (point, linestring or surface, see
    /// [`Boundaries::primitive_count`]): an index into `surfaces`, or none.
    pub values: Vec<Option<u32>>,
}

/// Placement of a geometry template (a `GeometryInstance`).
#[derive(Debug, Clone, PartialEq)]
pub struct GeometryInstance {
    /// Index into the header's geometry templates.
    pub template: u32,
    /// Row-major 4x4 transformation matrix.
    pub transformation_matrix: [f64; 16],
}

impl GeometryInstance {
    /// Places one template vertex: the matrix applied to it, then moved to the reference
    /// point (the instance's one boundary vertex, in real coordinates).
    ///
    /// ```
    /// use urbis_model::GeometryInstance;
    /// let mut m = [0.0; 16];
    /// (m[0], m[5], m[10], m[15]) = (2.0, 2.0, 2.0, 1.0);
    /// let i = GeometryInstance { template: 0, transformation_matrix: m };
    /// assert_eq!(i.place([1.0, 0.0, 1.0], [10.0, 20.0, 0.0]), [12.0, 20.0, 2.0]);
    /// ```
    pub fn place(&self, p: [f64; 3], reference: [f64; 3]) -> [f64; 3] {
        let m = &self.transformation_matrix;
        let x = m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3];
        let y = m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7];
        let z = m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11];
        [x + reference[0], y + reference[1], z + reference[2]]
    }
}

/// One geometry of a city object.
#[derive(Debug, Clone, PartialEq)]
pub struct Geometry {
    /// Geometry type.
    pub kind: GeometryType,
    /// Level of detail as a string ("1", "2.2"); absent only for GeometryInstance.
    pub lod: Option<String>,
    /// Flat boundaries; for a GeometryInstance the single reference-point vertex.
    pub boundaries: Boundaries,
    /// Semantic surfaces, if any.
    pub semantics: Option<Semantics>,
    /// Material themes.
    pub materials: Vec<MaterialTheme>,
    /// Texture themes.
    pub textures: Vec<TextureTheme>,
    /// Template placement (only for GeometryInstance).
    pub instance: Option<GeometryInstance>,
}

impl Geometry {
    /// An empty geometry of a type.
    pub fn new(kind: GeometryType, lod: Option<String>) -> Self {
        Geometry {
            kind,
            lod,
            boundaries: Boundaries::with_depth(kind.depth()),
            semantics: None,
            materials: Vec::new(),
            textures: Vec::new(),
            instance: None,
        }
    }

    /// Moves its material, texture and texture-coordinate indices by the given offsets (its
    /// appearance was appended to another, see [`crate::Appearance::append`]).
    pub fn shift_appearance(&mut self, (materials, textures, uvs): (u32, u32, u32)) {
        for m in &mut self.materials {
            m.value = m.value.map(|v| v + materials);
            for v in m.values.iter_mut().flatten().flatten() {
                *v += materials;
            }
        }
        for t in &mut self.textures {
            for (r, tex) in t.ring_textures.iter_mut().enumerate() {
                if let Some(tex) = tex {
                    *tex += textures;
                    let range =
                        self.boundaries.rings[r] as usize..self.boundaries.rings[r + 1] as usize;
                    for uv in &mut t.uvs[range] {
                        *uv += uvs;
                    }
                }
            }
        }
    }
}
