//! How inputs are read, and what they turned out to be.

use urbis_model::{AxisOrder, Crs};

/// The format of an input, told by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub enum InputFormat {
    /// CityJSON (one object).
    CityJson,
    /// CityJSONSeq.
    CityJsonSeq,
    /// CityGML 1.0, 2.0 or 3.0.
    CityGml,
}

/// How inputs are read (the command line's global `--strict`, `--swap-axes`, `--crs`).
#[derive(Debug, Clone, Default)]
pub struct InputOptions {
    /// Input warnings are errors (CityGML).
    pub strict: bool,
    /// Whether x and y are exchanged on reading.
    pub axes: AxisOrder,
    /// The CRS of inputs that name none.
    pub crs: Option<Crs>,
}
