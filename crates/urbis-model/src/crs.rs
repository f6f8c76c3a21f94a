//! Coordinate reference system names.

use std::fmt;

/// A CRS named by an authority and a code, e.g. `EPSG:7415`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Crs {
    /// Authority, e.g. `EPSG`.
    pub authority: String,
    /// Code within the authority.
    pub code: String,
}

impl Crs {
    /// An EPSG CRS.
    pub fn epsg(code: u32) -> Self {
        Crs {
            authority: "EPSG".into(),
            code: code.to_string(),
        }
    }

    /// Parses the forms CityJSON and CityGML use: OGC URLs
    /// (`https://www.opengis.net/def/crs/EPSG/0/7415`), URNs (`urn:ogc:def:crs:EPSG::7415`,
    /// `urn:adv:crs:...` excluded) and `EPSG:7415`.
    ///
    /// ```
    /// use urbis_model::Crs;
    /// let crs = Crs::parse("urn:ogc:def:crs:EPSG::7415").unwrap();
    /// assert_eq!(crs.to_string(), "EPSG:7415");
    /// assert_eq!(crs.to_url(), "https://www.opengis.net/def/crs/EPSG/0/7415");
    /// ```
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let idx = lower.find("/def/crs/")?;
            let parts: Vec<&str> = text[idx + "/def/crs/".len()..]
                .split('/')
                .filter(|p| !p.is_empty())
                .collect();
            // authority / version / code
            let (authority, code) = match parts.as_slice() {
                [authority, _version, code] => (authority, code),
                [authority, code] => (authority, code),
                _ => return None,
            };
            return Self::checked(authority, code);
        }
        if lower.starts_with("urn:ogc:def:crs:") {
            let parts: Vec<&str> = text.split(':').collect();
            let authority = parts.get(4)?;
            let code = parts.last()?;
            return Self::checked(authority, code);
        }
        let (authority, code) = text.split_once(':')?;
        Self::checked(authority, code)
    }

    fn checked(authority: &str, code: &str) -> Option<Self> {
        let code = code.trim();
        if authority.is_empty() || code.is_empty() {
            return None;
        }
        Some(Crs {
            authority: authority.to_ascii_uppercase(),
            code: code.to_string(),
        })
    }

    /// The EPSG code, when this is an EPSG CRS with a numeric code.
    pub fn epsg_code(&self) -> Option<u32> {
        if self.authority == "EPSG" {
            self.code.parse().ok()
        } else {
            None
        }
    }

    /// The OGC URL that CityJSON 2.0 writes in `referenceSystem`.
    pub fn to_url(&self) -> String {
        format!(
            "https://www.opengis.net/def/crs/{}/0/{}",
            self.authority, self.code
        )
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.authority, self.code)
    }
}

/// Which way round the first two coordinates of an input are, as the user chose it.
///
/// urbis keeps x = easting (longitude) and y = northing (latitude). `Auto` lets the reader
/// decide: for CityGML from the CRS's registered axis order checked against its area of use,
/// for CityJSON as the specification says (x first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AxisOrder {
    /// The reader decides from the format and the evidence.
    #[default]
    Auto,
    /// The first coordinate is the northing (latitude): swap the first two (`--swap-axes`).
    Swap,
    /// The first coordinate is the easting (longitude): take them as written (`--no-swap-axes`).
    AsWritten,
}
