//! srsName values to the model's CRS: EPSG URNs and URLs, `EPSG:n`, OGC compound URNs
//! (`urn:ogc:def:crs,crs:EPSG::25832,crs:EPSG::5783`) and the German AdV names
//! (`urn:adv:crs:ETRS89_UTM32*DE_DHHN92_NH`).

use urbis_model::Crs;

/// The EPSG code of an AdV CRS name.
fn adv_code(name: &str) -> Option<u32> {
    Some(match name {
        "ETRS89_UTM32" => 25832,
        "ETRS89_UTM33" => 25833,
        "DE_DHDN_3GK2" => 31466,
        "DE_DHDN_3GK3" => 31467,
        "DE_DHDN_3GK4" => 31468,
        "DE_DHDN_3GK5" => 31469,
        "DE_DHHN92_NH" => 5783,
        "DE_DHHN2016_NH" => 7837,
        "ETRS89" => 4258,
        _ => return None,
    })
}

/// Compound CRSs EPSG names with a single code: (horizontal, vertical) to compound.
fn compound(horizontal: u32, vertical: u32) -> Option<u32> {
    Some(match (horizontal, vertical) {
        (28992, 5709) => 7415,
        (25832, 5783) => 5555,
        (25833, 5783) => 5556,
        _ => return None,
    })
}

/// The CRS an srsName names, and a note when part of it was dropped.
///
/// ```
/// use urbis_citygml::srs::parse_srs_name;
/// let (crs, note) = parse_srs_name("urn:ogc:def:crs,crs:EPSG::28992,crs:EPSG::5709");
/// assert_eq!(crs.unwrap().to_string(), "EPSG:7415");
/// assert!(note.is_none());
/// ```
pub fn parse_srs_name(srs: &str) -> (Option<Crs>, Option<String>) {
    let srs = srs.trim();
    let codes: Vec<u32>;
    if let Some(rest) = srs.strip_prefix("urn:adv:crs:") {
        codes = rest.split('*').filter_map(adv_code).collect();
        if codes.is_empty() {
            return (None, Some(format!("srsName {srs} is not a known AdV CRS")));
        }
    } else if let Some(rest) = srs.strip_prefix("urn:ogc:def:crs,") {
        codes = rest
            .split(",crs:")
            .map(|p| p.trim_start_matches("crs:"))
            .filter_map(|p| p.rsplit(':').next()?.parse().ok())
            .collect();
    } else {
        return match Crs::parse(srs) {
            Some(c) => (Some(c), None),
            None => (None, Some(format!("srsName {srs} names no EPSG CRS"))),
        };
    }
    match codes.as_slice() {
        [h] => (Some(Crs::epsg(*h)), None),
        [h, v] => match compound(*h, *v) {
            Some(c) => (Some(Crs::epsg(c)), None),
            None => (
                Some(Crs::epsg(*h)),
                Some(format!(
                    "srsName {srs}: no single EPSG code for EPSG:{h} + EPSG:{v}; the reference system is EPSG:{h} (heights as given)"
                )),
            ),
        },
        _ => (None, Some(format!("srsName {srs} is not understood"))),
    }
}

/// True for geographic CRSs (and compounds of one) whose coordinates are degrees.
pub fn is_geographic(crs: &Crs) -> bool {
    crs.epsg_code()
        .and_then(urbis_geom::axes::crs_facts)
        .is_some_and(|f| f.geographic)
}
