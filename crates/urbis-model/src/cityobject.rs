//! City objects.

use crate::{CityObjectType, Geometry, JsonMap};

/// A city object: a building, a part, a road, a tree, a terrain patch...
#[derive(Debug, Clone, PartialEq)]
pub struct CityObject {
    /// The object's id (the key in `CityObjects`); never rewritten silently.
    pub id: String,
    /// The type, e.g. `Building` or `+NoiseBarrier`.
    pub kind: CityObjectType,
    /// Attributes, values exactly as read.
    pub attributes: Option<JsonMap>,
    /// `geographicalExtent`: `[minx, miny, minz, maxx, maxy, maxz]`.
    pub geographical_extent: Option<[f64; 6]>,
    /// Ids of parent objects.
    pub parents: Vec<String>,
    /// Ids of child objects.
    pub children: Vec<String>,
    /// Geometries. `None` when the member is absent, `Some(vec![])` when it is an empty array.
    pub geometry: Option<Vec<Geometry>>,
    /// Addresses (CityJSON 2.0: an array; 1.x single addresses are wrapped on read).
    pub address: Option<Vec<Address>>,
    /// Every other member (`children_roles`, Extension members...), as read.
    pub extra: JsonMap,
}

impl CityObject {
    /// A new object with no attributes, links or geometry.
    pub fn new(id: impl Into<String>, kind: CityObjectType) -> Self {
        CityObject {
            id: id.into(),
            kind,
            attributes: None,
            geographical_extent: None,
            parents: Vec::new(),
            children: Vec::new(),
            geometry: None,
            address: None,
            extra: JsonMap::new(),
        }
    }

    /// The geometries (empty when there are none).
    pub fn geometries(&self) -> &[Geometry] {
        self.geometry.as_deref().unwrap_or(&[])
    }

    /// A number attribute, if present and numeric.
    pub fn attribute_f64(&self, name: &str) -> Option<f64> {
        self.attributes.as_ref()?.get(name)?.as_f64()
    }

    /// `measuredHeight` in metres.
    pub fn measured_height(&self) -> Option<f64> {
        self.attribute_f64("measuredHeight")
    }

    /// `storeysAboveGround`.
    pub fn storeys_above_ground(&self) -> Option<f64> {
        self.attribute_f64("storeysAboveGround")
    }

    /// `yearOfConstruction`.
    pub fn year_of_construction(&self) -> Option<i64> {
        self.attributes
            .as_ref()?
            .get("yearOfConstruction")?
            .as_i64()
    }

    /// `roofType`, as a string.
    pub fn roof_type(&self) -> Option<&str> {
        self.attributes.as_ref()?.get("roofType")?.as_str()
    }
}

/// One address of a city object.
#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    /// Address members (`ThoroughfareName`, `LocalityName`...), as read.
    pub members: JsonMap,
    /// The optional `location` (a MultiPoint).
    pub location: Option<Geometry>,
}
