//! City object types of CityJSON 2.0 (and the names older versions used).

use std::fmt;

macro_rules! object_types {
    ($( $name:ident : $level:expr ),* $(,)?) => {
        /// A city object type: one of CityJSON 2.0's, or an Extension type (`+Name`).
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CityObjectType {
            $(
                #[doc = concat!("`", stringify!($name), "`")]
                $name,
            )*
            /// An Extension type; the name includes the leading `+`.
            Extension(String),
        }

        impl CityObjectType {
            /// Every CityJSON 2.0 type (no Extension types).
            pub const CORE: &'static [CityObjectType] = &[$(CityObjectType::$name),*];

            /// Parses a CityJSON 2.0 type name, or an Extension name starting with `+`.
            /// Unknown names give `None`.
            pub fn parse(name: &str) -> Option<Self> {
                match name {
                    $( stringify!($name) => Some(CityObjectType::$name), )*
                    _ if name.starts_with('+') && name.len() > 1 => {
                        Some(CityObjectType::Extension(name.to_string()))
                    }
                    _ => None,
                }
            }

            /// The type's name as written in CityJSON.
            pub fn as_str(&self) -> &str {
                match self {
                    $( CityObjectType::$name => stringify!($name), )*
                    CityObjectType::Extension(name) => name,
                }
            }

            /// 1 for 1st-level types (may stand alone), 2 for 2nd-level ones (need a parent),
            /// 0 for Extension types (their schema decides).
            pub fn level(&self) -> u8 {
                match self {
                    $( CityObjectType::$name => $level, )*
                    CityObjectType::Extension(_) => 0,
                }
            }
        }
    };
}

object_types! {
    Bridge: 1, BridgePart: 2, BridgeInstallation: 2, BridgeConstructiveElement: 2,
    BridgeRoom: 2, BridgeFurniture: 2,
    Building: 1, BuildingPart: 2, BuildingInstallation: 2, BuildingConstructiveElement: 2,
    BuildingFurniture: 2, BuildingStorey: 2, BuildingRoom: 2, BuildingUnit: 2,
    CityFurniture: 1, CityObjectGroup: 1, GenericCityObject: 1, LandUse: 1,
    OtherConstruction: 1, PlantCover: 1, SolitaryVegetationObject: 1, TINRelief: 1,
    TransportSquare: 1, Railway: 1, Road: 1, Waterway: 1,
    Tunnel: 1, TunnelPart: 2, TunnelInstallation: 2, TunnelConstructiveElement: 2,
    TunnelHollowSpace: 2, TunnelFurniture: 2,
    WaterBody: 1,
}

impl CityObjectType {
    /// Parses a type name of an older CityJSON version, renaming what 2.0 renamed
    /// (`BridgeConstructionElement`, `+GenericCityObject`).
    ///
    /// ```
    /// use urbis_model::CityObjectType;
    /// assert_eq!(CityObjectType::parse_legacy("BridgeConstructionElement"),
    ///            Some(CityObjectType::BridgeConstructiveElement));
    /// ```
    pub fn parse_legacy(name: &str) -> Option<Self> {
        match name {
            "BridgeConstructionElement" => Some(CityObjectType::BridgeConstructiveElement),
            "+GenericCityObject" => Some(CityObjectType::GenericCityObject),
            _ => Self::parse(name),
        }
    }

    /// True for Extension types.
    pub fn is_extension(&self) -> bool {
        matches!(self, CityObjectType::Extension(_))
    }
}

impl fmt::Display for CityObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
