//! Planning analyses on urbis city models: building metrics ([`metrics`]), zoning-rule
//! review ([`rules`]) and sunlight and shadow ([`sun`]).

pub mod closed;
pub mod footprint;
pub mod metrics;
pub mod polygon;
pub mod report;
pub mod rules;
pub mod shapes;
pub mod sun;
pub mod surfaces;

pub use metrics::{
    building_metrics, BuildingMetrics, Metrics, MetricsOptions, RoofForm, STOREYS_GIVEN,
};
pub use urbis_model::LodChoice;
