//! Zoning-rule review: plots with a zone each, rules per zone, every Building checked.
//!
//! The rule file (TOML):
//!
//! ```toml
//! [zones.R2]
//! max_height = 12.0        # planning height, m
//! max_storeys = 4
//! max_far = 1.2            # floor area ratio: Σ gross floor area / plot area
//! max_coverage = 0.4       # Σ footprint area / plot area
//! min_setback = 3.0        # m from the plot boundary, every side
//! # or per side class (the plot's `sides` property names each exterior edge's class):
//! # min_setback = { front = 5.0, side = 2.5, rear = 6.0 }
//! # a surface nothing may rise above: a plane z = z0 + sx·(x − x0) + sy·(y − y0) ...
//! height_limit = { plane = { z = 30.0, origin = [85000.0, 447000.0], slope = [0.0, 0.1] } }
//! # ... or a TIN: height_limit = { tin = { points = [[x, y, z], ...], triangles = [[0, 1, 2], ...] } }
//! ```
//!
//! A Building belongs to the plot that holds most of its footprint. Every indicator reports
//! the measured value, the allowed one, pass or fail and the margin (allowed − measured for a
//! maximum, measured − allowed for a minimum: negative when it fails).

use crate::metrics::BuildingMetrics;
use geo::{Area, BooleanOps, Contains, Distance, Euclidean, Line, MultiPolygon, Point, Polygon};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Problems with the zoning or the rules.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The rule file does not parse.
    #[error("rules: {0}")]
    Toml(String),
    /// The zoning GeoJSON is not usable.
    #[error("zoning: {0}")]
    Zoning(String),
}

/// The rule file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Rules per zone name.
    #[serde(default)]
    pub zones: BTreeMap<String, ZoneRules>,
}

impl RuleFile {
    /// Parses the TOML text.
    pub fn parse(text: &str) -> Result<RuleFile, RulesError> {
        toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))
    }
}

/// The rules of one zone; absent ones are not checked.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ZoneRules {
    /// Maximum planning height, m.
    pub max_height: Option<f64>,
    /// Maximum storeys.
    pub max_storeys: Option<u32>,
    /// Maximum floor area ratio.
    pub max_far: Option<f64>,
    /// Maximum building coverage.
    pub max_coverage: Option<f64>,
    /// Minimum setback from the plot boundary.
    pub min_setback: Option<Setback>,
    /// A surface nothing may rise above.
    pub height_limit: Option<HeightLimit>,
}

/// A setback for all sides or per side class.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Setback {
    /// The same on every side.
    All(f64),
    /// Per side class (`front`, `side`, `rear`... as the plots name their edges).
    PerSide(BTreeMap<String, f64>),
}

/// A height-limit surface.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HeightLimit {
    /// z = z0 + sx·(x − x0) + sy·(y − y0).
    Plane {
        /// Height at the origin.
        z: f64,
        /// The origin (x0, y0).
        #[serde(default)]
        origin: [f64; 2],
        /// (sx, sy): rise per metre along x and y.
        #[serde(default)]
        slope: [f64; 2],
    },
    /// A triangulated surface; points outside it are not limited.
    Tin {
        /// The vertices.
        points: Vec<[f64; 3]>,
        /// Triangles as indices into `points`.
        triangles: Vec<[usize; 3]>,
    },
}

impl HeightLimit {
    /// The limit at (x, y), if the surface covers it.
    pub fn at(&self, x: f64, y: f64) -> Option<f64> {
        match self {
            HeightLimit::Plane { z, origin, slope } => {
                Some(z + slope[0] * (x - origin[0]) + slope[1] * (y - origin[1]))
            }
            HeightLimit::Tin { points, triangles } => triangles.iter().find_map(|t| {
                let (a, b, c) = (points.get(t[0])?, points.get(t[1])?, points.get(t[2])?);
                let det = (b[1] - c[1]) * (a[0] - c[0]) + (c[0] - b[0]) * (a[1] - c[1]);
                if det == 0.0 {
                    return None;
                }
                let l1 = ((b[1] - c[1]) * (x - c[0]) + (c[0] - b[0]) * (y - c[1])) / det;
                let l2 = ((c[1] - a[1]) * (x - c[0]) + (a[0] - c[0]) * (y - c[1])) / det;
                let l3 = 1.0 - l1 - l2;
                let eps = -1e-12;
                (l1 >= eps && l2 >= eps && l3 >= eps).then(|| l1 * a[2] + l2 * b[2] + l3 * c[2])
            }),
        }
    }
}

/// One plot of the zoning.
#[derive(Debug, Clone)]
pub struct Plot {
    /// Plot id.
    pub id: String,
    /// Zone name.
    pub zone: String,
    /// The plot's area in plan.
    pub polygons: MultiPolygon<f64>,
    /// The boundary edges with their side class (`all` when the plot names none).
    pub edges: Vec<(Line<f64>, String)>,
}

/// Reads plots from a GeoJSON FeatureCollection of Polygons/MultiPolygons in the model's CRS:
/// the id from `properties.plot_id`, else `properties.id`, else the feature's `id`; the zone
/// from `properties.zone`; optional `properties.sides`, one side class per exterior edge.
pub fn parse_plots(geojson: &serde_json::Value) -> Result<Vec<Plot>, RulesError> {
    let err = |m: String| RulesError::Zoning(m);
    let features = geojson
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| err("expected a FeatureCollection".into()))?;
    let mut plots = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties").cloned().unwrap_or_default();
        let id = ["plot_id", "id"]
            .iter()
            .find_map(|k| props.get(*k))
            .or_else(|| f.get("id"))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
            .ok_or_else(|| err(format!("feature {i} has no plot_id, id property or id")))?;
        let zone = props
            .get("zone")
            .and_then(|z| z.as_str())
            .ok_or_else(|| err(format!("plot {id} has no \"zone\" property")))?
            .to_string();
        let geometry = f
            .get("geometry")
            .ok_or_else(|| err(format!("plot {id} has no geometry")))?;
        let coords = geometry.get("coordinates").cloned().unwrap_or_default();
        let polygons: Vec<serde_json::Value> = match geometry.get("type").and_then(|t| t.as_str()) {
            Some("Polygon") => vec![coords],
            Some("MultiPolygon") => coords.as_array().cloned().unwrap_or_default(),
            other => {
                return Err(err(format!(
                    "plot {id}: geometry {other:?} is not a polygon"
                )))
            }
        };
        let mut mp = Vec::new();
        for p in &polygons {
            let rings: Vec<Vec<[f64; 2]>> = serde_json::from_value(p.clone())
                .map_err(|e| err(format!("plot {id}: coordinates: {e}")))?;
            let ring = |r: &Vec<[f64; 2]>| {
                geo::LineString::from(r.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>())
            };
            let Some(exterior) = rings.first() else {
                return Err(err(format!("plot {id}: a polygon without rings")));
            };
            mp.push(Polygon::new(
                ring(exterior),
                rings[1..].iter().map(ring).collect(),
            ));
        }
        let sides: Option<Vec<String>> = props
            .get("sides")
            .map(|s| serde_json::from_value(s.clone()))
            .transpose()
            .map_err(|e| err(format!("plot {id}: sides: {e}")))?;
        let mut edges = Vec::new();
        for p in &mp {
            for l in std::iter::once(p.exterior()).chain(p.interiors()) {
                edges.extend(l.lines().map(|line| (line, String::new())));
            }
        }
        let exterior_edges: usize = mp.iter().map(|p| p.exterior().lines().count()).sum();
        match &sides {
            Some(s) if s.len() != exterior_edges => {
                return Err(err(format!(
                    "plot {id}: {} sides named for {exterior_edges} exterior edges",
                    s.len()
                )))
            }
            _ => {}
        }
        // Exterior edges take their class from `sides` in order; holes' edges are `all`.
        let mut j = 0;
        let mut pos = 0;
        for p in &mp {
            let ext = p.exterior().lines().count();
            let total = ext
                + p.interiors()
                    .iter()
                    .map(|r| r.lines().count())
                    .sum::<usize>();
            for (n, e) in edges[pos..pos + total].iter_mut().enumerate() {
                e.1 = if n < ext {
                    let name = sides.as_ref().and_then(|s| s.get(j).cloned());
                    j += 1;
                    name.unwrap_or_else(|| "all".into())
                } else {
                    "all".into()
                };
            }
            pos += total;
        }
        plots.push(Plot {
            id,
            zone,
            polygons: MultiPolygon(mp),
            edges,
        });
    }
    Ok(plots)
}

/// One checked rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// The rule (`max_height`, `min_setback:front`, ...).
    pub rule: String,
    /// The measured value (null when it cannot be measured).
    pub measured: Option<f64>,
    /// The allowed value.
    pub allowed: f64,
    /// Whether it passes (null when not measured).
    pub pass: Option<bool>,
    /// By how much it passes (positive) or fails (negative).
    pub margin: Option<f64>,
}

impl Indicator {
    fn max(rule: impl Into<String>, measured: Option<f64>, allowed: f64) -> Self {
        Self::new(
            rule.into(),
            measured,
            allowed,
            measured.map(|m| allowed - m),
        )
    }

    fn min(rule: impl Into<String>, measured: Option<f64>, allowed: f64) -> Self {
        Self::new(
            rule.into(),
            measured,
            allowed,
            measured.map(|m| m - allowed),
        )
    }

    fn new(rule: String, measured: Option<f64>, allowed: f64, margin: Option<f64>) -> Self {
        Indicator {
            rule,
            measured,
            allowed,
            pass: margin.map(|m| m >= -1e-9),
            margin,
        }
    }
}

/// The review of one Building.
#[derive(Debug, Clone, Serialize)]
pub struct BuildingReview {
    /// Building id.
    pub id: String,
    /// The plot holding most of its footprint.
    pub plot: Option<String>,
    /// The share of its footprint on that plot.
    pub share: f64,
    /// Its checks.
    pub indicators: Vec<Indicator>,
    /// True when every measured check passes.
    pub pass: bool,
}

/// The review of one plot.
#[derive(Debug, Clone, Serialize)]
pub struct PlotReview {
    /// Plot id.
    pub id: String,
    /// Zone.
    pub zone: String,
    /// Plot area, m².
    pub area: f64,
    /// Its Buildings.
    pub buildings: Vec<String>,
    /// Its checks (coverage, floor area ratio).
    pub indicators: Vec<Indicator>,
    /// True when the plot's and its Buildings' checks all pass.
    pub pass: bool,
}

/// The whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    /// Per plot.
    pub plots: Vec<PlotReview>,
    /// Per Building on a plot.
    pub buildings: Vec<BuildingReview>,
    /// Buildings on no plot.
    pub unassigned: Vec<String>,
    /// Number of failed checks.
    pub failures: usize,
}

/// A Building to review: its metrics and every vertex (for the height-limit surface).
pub struct Candidate {
    /// Its metrics.
    pub metrics: BuildingMetrics,
    /// Its vertices in real coordinates.
    pub points: Vec<[f64; 3]>,
}

/// Reviews Buildings against the plots and the rules of their zones.
pub fn review(
    candidates: &[Candidate],
    plots: &[Plot],
    rules: &RuleFile,
) -> Result<Review, RulesError> {
    for p in plots {
        if !rules.zones.contains_key(&p.zone) {
            return Err(RulesError::Zoning(format!(
                "plot {} is in zone {}, which the rule file does not define",
                p.id, p.zone
            )));
        }
    }
    let mut per_plot: Vec<Vec<usize>> = vec![Vec::new(); plots.len()];
    let mut buildings = Vec::new();
    let mut unassigned = Vec::new();
    for (ci, c) in candidates.iter().enumerate() {
        let m = &c.metrics.building;
        let total = m.footprint.unsigned_area();
        let best = plots
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.polygons.intersection(&m.footprint).unsigned_area()))
            .filter(|(_, a)| *a > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((pi, shared)) = best else {
            unassigned.push(m.id.clone());
            continue;
        };
        per_plot[pi].push(ci);
        let plot = &plots[pi];
        let zone = &rules.zones[&plot.zone];
        let mut ind = Vec::new();
        if let Some(max) = zone.max_height {
            ind.push(Indicator::max("max_height", m.height, max));
        }
        if let Some(max) = zone.max_storeys {
            ind.push(Indicator::max(
                "max_storeys",
                m.storeys.map(f64::from),
                f64::from(max),
            ));
        }
        if let Some(setback) = &zone.min_setback {
            setback_indicators(&mut ind, plot, &m.footprint, setback)?;
        }
        if let Some(limit) = &zone.height_limit {
            let worst = c
                .points
                .iter()
                .filter_map(|p| Some(p[2] - limit.at(p[0], p[1])?))
                .fold(None, |acc: Option<f64>, d| {
                    Some(acc.map_or(d, |a| a.max(d)))
                });
            ind.push(Indicator::max("height_limit", worst, 0.0));
        }
        buildings.push(BuildingReview {
            id: m.id.clone(),
            plot: Some(plot.id.clone()),
            share: if total > 0.0 { shared / total } else { 0.0 },
            pass: ind.iter().all(|i| i.pass != Some(false)),
            indicators: ind,
        });
    }
    let mut reviews = Vec::new();
    for (pi, plot) in plots.iter().enumerate() {
        let zone = &rules.zones[&plot.zone];
        let area = plot.polygons.unsigned_area();
        let members = &per_plot[pi];
        let sum = |f: &dyn Fn(&BuildingMetrics) -> Option<f64>| -> Option<f64> {
            members
                .iter()
                .map(|&i| f(&candidates[i].metrics))
                .try_fold(0.0, |acc, v| Some(acc + v?))
        };
        let mut ind = Vec::new();
        if let Some(max) = zone.max_coverage {
            let covered = sum(&|b| b.building.footprint_area);
            ind.push(Indicator::max(
                "max_coverage",
                covered.map(|c| c / area),
                max,
            ));
        }
        if let Some(max) = zone.max_far {
            let gfa = sum(&|b| b.building.gross_floor_area);
            ind.push(Indicator::max("max_far", gfa.map(|g| g / area), max));
        }
        let ids: Vec<String> = members
            .iter()
            .map(|&i| candidates[i].metrics.building.id.clone())
            .collect();
        let buildings_pass = buildings
            .iter()
            .filter(|b| b.plot.as_deref() == Some(plot.id.as_str()))
            .all(|b| b.pass);
        reviews.push(PlotReview {
            id: plot.id.clone(),
            zone: plot.zone.clone(),
            area,
            buildings: ids,
            pass: buildings_pass && ind.iter().all(|i| i.pass != Some(false)),
            indicators: ind,
        });
    }
    let failures = reviews
        .iter()
        .flat_map(|p| &p.indicators)
        .chain(buildings.iter().flat_map(|b| &b.indicators))
        .filter(|i| i.pass == Some(false))
        .count();
    Ok(Review {
        plots: reviews,
        buildings,
        unassigned,
        failures,
    })
}

/// Setback per side class: the least distance from the footprint to the plot's edges of that
/// class; negative (the farthest any corner lies outside the plot) when the footprint
/// crosses the boundary.
fn setback_indicators(
    out: &mut Vec<Indicator>,
    plot: &Plot,
    footprint: &MultiPolygon<f64>,
    setback: &Setback,
) -> Result<(), RulesError> {
    let outside = footprint
        .0
        .iter()
        .flat_map(|p| p.exterior().points())
        .filter(|pt| !plot.polygons.contains(pt) && !on_boundary(plot, pt))
        .map(|pt| {
            plot.edges
                .iter()
                .map(|(l, _)| Euclidean.distance(&pt, l))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0f64, f64::max);
    let distance = |class: Option<&str>| -> Option<f64> {
        if outside > 0.0 {
            return Some(-outside);
        }
        let d = plot
            .edges
            .iter()
            .filter(|(_, c)| class.is_none_or(|k| k == c))
            .flat_map(|(l, _)| footprint.0.iter().map(move |p| Euclidean.distance(l, p)))
            .fold(f64::INFINITY, f64::min);
        d.is_finite().then_some(d)
    };
    match setback {
        Setback::All(min) => out.push(Indicator::min("min_setback", distance(None), *min)),
        Setback::PerSide(per) => {
            if plot.edges.iter().all(|(_, c)| c == "all") {
                return Err(RulesError::Zoning(format!(
                    "plot {} names no sides, but zone {} sets setbacks per side",
                    plot.id, plot.zone
                )));
            }
            for (class, min) in per {
                out.push(Indicator::min(
                    format!("min_setback:{class}"),
                    distance(Some(class)),
                    *min,
                ));
            }
        }
    }
    Ok(())
}

fn on_boundary(plot: &Plot, pt: &Point<f64>) -> bool {
    plot.edges
        .iter()
        .any(|(l, _)| Euclidean.distance(pt, l) < 1e-9)
}
