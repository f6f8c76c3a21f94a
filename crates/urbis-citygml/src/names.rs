//! How CityGML's element names map to CityJSON 2.0: versions, city object types, semantic
//! surface types, and which namespaces are CityGML's own (anything else is an ADE).

use urbis_model::CityObjectType;

/// The CityGML version of a file, from its namespaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// CityGML 1.0 (`http://www.opengis.net/citygml/1.0`).
    V1,
    /// CityGML 2.0.
    V2,
    /// CityGML 3.0.
    V3,
}

impl Version {
    /// "1.0", "2.0" or "3.0".
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V1 => "1.0",
            Version::V2 => "2.0",
            Version::V3 => "3.0",
        }
    }

    /// The version a CityGML namespace URI belongs to (`.../citygml/building/2.0` is 2.0).
    pub fn of_namespace(uri: &str) -> Option<Version> {
        let rest = uri
            .strip_prefix("http://www.opengis.net/citygml/")
            .or_else(|| uri.strip_prefix("https://www.opengis.net/citygml/"))?;
        match rest.rsplit('/').next()? {
            "1.0" => Some(Version::V1),
            "2.0" => Some(Version::V2),
            "3.0" => Some(Version::V3),
            _ => None,
        }
    }
}

/// True for the namespaces of CityGML, GML, xAL, XLink and XML Schema: content in any other
/// namespace belongs to an Application Domain Extension (ADE).
pub fn is_standard_namespace(uri: &str) -> bool {
    uri.is_empty()
        || uri.starts_with("http://www.opengis.net/")
        || uri.starts_with("https://www.opengis.net/")
        || uri.starts_with("urn:oasis:names:tc:ciq:")
        || uri.starts_with("http://www.w3.org/")
        || uri.starts_with("http://www.citygml.org/")
        || uri.starts_with("http://www.isotc211.org/")
}

/// The CityJSON type of a CityGML feature element, by local name.
///
/// Types CityJSON 2.0 has no equivalent for become Extension types named after the CityGML
/// class (`+Section`, `+Intersection`, `+TrafficSpace`, `+Track`, ...); see the crate docs.
pub fn object_type(local: &str) -> Option<CityObjectType> {
    use CityObjectType as T;
    let t = match local {
        "Building" => T::Building,
        "BuildingPart" => T::BuildingPart,
        "BuildingInstallation" | "IntBuildingInstallation" => T::BuildingInstallation,
        "BuildingConstructiveElement" => T::BuildingConstructiveElement,
        "BuildingFurniture" => T::BuildingFurniture,
        "Room" | "BuildingRoom" => T::BuildingRoom,
        "Storey" => T::BuildingStorey,
        "BuildingUnit" => T::BuildingUnit,
        "Bridge" => T::Bridge,
        "BridgePart" => T::BridgePart,
        "BridgeInstallation" | "IntBridgeInstallation" => T::BridgeInstallation,
        "BridgeConstructionElement" | "BridgeConstructiveElement" => T::BridgeConstructiveElement,
        "BridgeRoom" => T::BridgeRoom,
        "BridgeFurniture" => T::BridgeFurniture,
        "Tunnel" => T::Tunnel,
        "TunnelPart" => T::TunnelPart,
        "TunnelInstallation" | "IntTunnelInstallation" => T::TunnelInstallation,
        "TunnelConstructiveElement" => T::TunnelConstructiveElement,
        "HollowSpace" => T::TunnelHollowSpace,
        "TunnelFurniture" => T::TunnelFurniture,
        "Road" => T::Road,
        "Railway" => T::Railway,
        "Square" => T::TransportSquare,
        "Waterway" => T::Waterway,
        "TINRelief" => T::TINRelief,
        "WaterBody" => T::WaterBody,
        "PlantCover" => T::PlantCover,
        "SolitaryVegetationObject" => T::SolitaryVegetationObject,
        "LandUse" => T::LandUse,
        "CityFurniture" => T::CityFurniture,
        "GenericCityObject"
        | "GenericOccupiedSpace"
        | "GenericUnoccupiedSpace"
        | "GenericLogicalSpace" => T::GenericCityObject,
        "CityObjectGroup" => T::CityObjectGroup,
        "OtherConstruction" => T::OtherConstruction,
        "Track"
        | "Section"
        | "Intersection"
        | "TrafficSpace"
        | "AuxiliaryTrafficSpace"
        | "ClearanceSpace"
        | "Hole"
        | "MassPointRelief"
        | "BreaklineRelief"
        | "RasterRelief"
        | "TransportationComplex" => T::Extension(format!("+{local}")),
        _ => return None,
    };
    Some(t)
}

/// The CityJSON semantic surface type of a CityGML thematic surface (or opening), by local
/// name.
pub fn semantic_type(local: &str) -> Option<&'static str> {
    Some(match local {
        "RoofSurface" => "RoofSurface",
        "GroundSurface" => "GroundSurface",
        "WallSurface" => "WallSurface",
        "ClosureSurface" => "ClosureSurface",
        "OuterCeilingSurface" => "OuterCeilingSurface",
        "OuterFloorSurface" => "OuterFloorSurface",
        "InteriorWallSurface" => "InteriorWallSurface",
        "CeilingSurface" => "CeilingSurface",
        "FloorSurface" => "FloorSurface",
        "Window" | "WindowSurface" => "Window",
        "Door" | "DoorSurface" => "Door",
        "WaterSurface" => "WaterSurface",
        "WaterGroundSurface" => "WaterGroundSurface",
        "WaterClosureSurface" => "WaterClosureSurface",
        "TrafficArea" => "TrafficArea",
        "AuxiliaryTrafficArea" => "AuxiliaryTrafficArea",
        "HoleSurface" => "TransportationHole",
        "Marking" => "TransportationMarking",
        "GenericThematicSurface" => "+GenericThematicSurface",
        _ => return None,
    })
}

/// Attribute names whose values are integers in CityJSON.
pub fn is_integer_attribute(local: &str) -> bool {
    matches!(
        local,
        "storeysAboveGround" | "storeysBelowGround" | "yearOfConstruction" | "yearOfDemolition"
    )
}

/// Attribute names whose values are numbers in CityJSON (besides those with a `uom`).
pub fn is_number_attribute(local: &str) -> bool {
    matches!(
        local,
        "measuredHeight"
            | "height"
            | "trunkDiameter"
            | "crownDiameter"
            | "averageHeight"
            | "storeyHeightsAboveGround"
            | "storeyHeightsBelowGround"
    )
}
