//! A streaming CityGML 1.0 / 2.0 / 3.0 reader into the urbis city model.
//!
//! The file is read member by member (one city object with its parts at a time), so memory is
//! bounded by the largest member plus the small tables links need. A first pass finds the
//! members' byte spans; members are then parsed in parallel batches. The version comes from
//! the namespaces.
//!
//! # Mapping to CityJSON 2.0
//!
//! - Feature types map to their CityJSON types (`Room` to `BuildingRoom`, `Storey` to
//!   `BuildingStorey`, `HollowSpace` to `TunnelHollowSpace`, `Square` to `TransportSquare`,
//!   `IntBuildingInstallation` to `BuildingInstallation`, the CityGML 3.0 generic spaces to
//!   `GenericCityObject`). A `ReliefFeature` is not kept: its components become top-level
//!   objects.
//! - CityJSON has no equivalent for `Track`, `Section`, `Intersection`, `TrafficSpace`,
//!   `AuxiliaryTrafficSpace`, `ClearanceSpace`, `Hole`, `MassPointRelief`, `BreaklineRelief`
//!   and `RasterRelief`: they become the Extension types `+Track`, `+Section`... (no Extension
//!   schema is published for them). ADE feature types become `+LocalName` too.
//! - Boundary surfaces and openings become semantic surfaces of the geometry that uses their
//!   polygons; unused boundary-surface polygons become a MultiSurface of their LoD.
//!   `HoleSurface` is `TransportationHole`, `Marking` `TransportationMarking`,
//!   `WindowSurface`/`DoorSurface` are `Window`/`Door`.
//! - LoD4 (CityGML 1/2) becomes LoD 3. Terrain intersection curves are not kept.
//! - ImplicitGeometry becomes a GeometryInstance of a geometry template, with the materials
//!   and textures of its polygons as the templates' appearance.
//! - X3DMaterial and ParameterizedTexture (TexCoordList) are kept with their themes;
//!   GeoreferencedTexture and TexCoordGen are skipped with a warning. Texture images stay as
//!   referenced (relative to the CityGML file).
//! - ADE properties are kept as attributes named `prefix:name`, with one warning per ADE.

mod appearance;
mod attributes;
mod builder;
mod context;
mod dom;
pub mod error;
mod gml;
mod index;
mod names;
mod object;
pub mod reader;
mod split;
pub mod srs;
mod template;

pub use error::{Error, Location, Result, Warning};
pub use names::Version;
pub use reader::{is_xml_file, Options, Reader};
