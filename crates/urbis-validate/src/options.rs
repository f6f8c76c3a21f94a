//! Validation tolerances, with val3dity's meanings and defaults.

/// The tolerances of the geometric checks.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Options {
    /// Vertices closer than this are merged before validation (default 0.001; a negative
    /// value disables snapping, identical coordinates are still merged).
    pub snap_tol: f64,
    /// Maximum distance of a polygon's points from its least-squares plane (default 0.01).
    pub planarity_d2p: f64,
    /// Maximum deviation, in degrees, between the normals of a polygon's triangles (default 20).
    pub planarity_n: f64,
    /// Overlap tolerance between solids of a CompositeSolid or the parts of a Building:
    /// interiors may overlap by up to this depth (default -1: any overlap is reported).
    pub overlap_tol: f64,
    /// The coordinates are longitude/latitude degrees (a geographic CRS such as EPSG:6697 or
    /// 4979): each feature is checked in a local east-north-up frame in metres, so that every
    /// tolerance above stays in metres. Set from the model's CRS by [`Options::for_header`].
    pub geographic: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            snap_tol: 0.001,
            planarity_d2p: 0.01,
            planarity_n: 20.0,
            overlap_tol: -1.0,
            geographic: false,
        }
    }
}

impl Options {
    /// These options for a model: `geographic` from its CRS (EPSG geographic CRSs and
    /// compounds of one).
    pub fn for_header(self, header: &urbis_model::Header) -> Options {
        self.for_crs(header.crs().and_then(|c| c.epsg_code()))
    }

    /// These options for coordinates in an EPSG CRS: `geographic` when it is one.
    pub fn for_crs(self, code: Option<u32>) -> Options {
        let geographic = code
            .and_then(urbis_geom::axes::crs_facts)
            .is_some_and(|f| f.geographic);
        Options { geographic, ..self }
    }
}
