//! Display colours: by semantic surface type, by city object type, or from a material.

use urbis_model::JsonMap;

/// The colour of a semantic surface type, if urbis has one for it.
pub fn of_surface(kind: &str) -> Option<[u8; 4]> {
    let rgb = match kind {
        "RoofSurface" => [178, 76, 60],
        "WallSurface" => [236, 230, 218],
        "GroundSurface" => [140, 140, 140],
        "ClosureSurface" => [205, 205, 205],
        "OuterCeilingSurface" | "OuterFloorSurface" => [214, 208, 196],
        "Window" => [110, 160, 205],
        "Door" => [125, 88, 62],
        "InteriorWallSurface" | "CeilingSurface" | "FloorSurface" => [222, 216, 206],
        "WaterSurface" | "WaterGroundSurface" | "WaterClosureSurface" => [70, 130, 180],
        "TrafficArea" => [95, 95, 95],
        "AuxiliaryTrafficArea" => [150, 150, 150],
        "TransportationMarking" => [245, 245, 245],
        "TransportationHole" => [60, 60, 60],
        _ => return None,
    };
    Some([rgb[0], rgb[1], rgb[2], 255])
}

/// The colour of a city object type (used where a surface has no semantics).
pub fn of_type(kind: &str) -> [u8; 4] {
    let rgb = match kind.trim_start_matches('+') {
        k if k.starts_with("Building") => [230, 225, 215],
        k if k.starts_with("Bridge") => [180, 180, 170],
        k if k.starts_with("Tunnel") => [160, 160, 160],
        "Road" | "Railway" | "TransportSquare" | "Waterway" => [110, 110, 110],
        "WaterBody" => [70, 130, 180],
        "PlantCover" | "SolitaryVegetationObject" => [96, 150, 70],
        "LandUse" => [215, 205, 170],
        "TINRelief" => [190, 175, 140],
        "CityFurniture" => [150, 120, 90],
        _ => [200, 200, 200],
    };
    [rgb[0], rgb[1], rgb[2], 255]
}

/// The colour of a CityJSON material (its `diffuseColor`, and `transparency`), if it has one.
pub fn of_material(material: &JsonMap) -> Option<[u8; 4]> {
    let c = material.get("diffuseColor")?.as_array()?;
    let channel = |i: usize| -> Option<u8> {
        let v = c.get(i)?.as_f64()?;
        Some((v.clamp(0.0, 1.0) * 255.0).round() as u8)
    };
    let alpha = material
        .get("transparency")
        .and_then(|t| t.as_f64())
        .map_or(255, |t| ((1.0 - t.clamp(0.0, 1.0)) * 255.0).round() as u8);
    Some([channel(0)?, channel(1)?, channel(2)?, alpha])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn roofs_and_walls_differ_and_materials_win_with_their_transparency() {
        assert_ne!(of_surface("RoofSurface"), of_surface("WallSurface"));
        assert_eq!(of_surface("Unknown"), None);
        let m: JsonMap =
            serde_json::from_str(r#"{"diffuseColor":[1.0,0.5,0.0],"transparency":0.5}"#).unwrap();
        assert_eq!(of_material(&m), Some([255, 128, 0, 128]));
        assert_eq!(of_type("BuildingPart"), of_type("Building"));
    }
}
