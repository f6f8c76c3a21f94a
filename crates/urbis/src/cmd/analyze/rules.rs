//! `urbis analyze rules`.

use super::source::{MeasureArgs, SourceArgs};
use crate::pipeline;
use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use urbis_analysis::building_metrics;
use urbis_analysis::rules::{parse_plots, review, Candidate, Indicator, RuleFile};
use urbis_cityjson::Output;

/// Check Buildings against zoning rules: height, storeys, floor area ratio, coverage,
/// setbacks, a height-limit surface.
///
/// --zoning: a GeoJSON FeatureCollection of plot polygons in the model's CRS; each plot's id
/// is `properties.plot_id`, else `properties.id`, else the feature's `id`; `properties.zone`
/// names its zone; optional `properties.sides` names the class of each exterior edge in
/// order (e.g. ["front", "side", "rear", "side"]) for setbacks per side.
///
/// --rules: a TOML file with a table per zone:
///
///   [zones.R2]
///   max_height = 12.0         # planning height (see `analyze metrics`), m
///   max_storeys = 4
///   max_far = 1.2             # Σ gross floor area / plot area
///   max_coverage = 0.4        # Σ footprint area / plot area
///   min_setback = 3.0         # or { front = 5.0, side = 2.5, rear = 6.0 }
///   height_limit = { plane = { z = 30.0, origin = [x0, y0], slope = [0.0, 0.1] } }
///   # or { tin = { points = [[x, y, z], ...], triangles = [[0, 1, 2], ...] } }
///
/// A Building belongs to the plot holding most of its footprint; its whole footprint and
/// floor area count there. Setback: the least plan distance from the footprint to the plot's
/// edges (of the class), negative when the footprint crosses the boundary. Height limit: the
/// highest vertex above the surface. Each check reports measured, allowed, pass and margin
/// (negative when failing). Exit code 1 when any check fails.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    source: SourceArgs,
    /// The plots (GeoJSON).
    #[arg(long, value_name = "PLOTS.geojson")]
    zoning: PathBuf,
    /// The rules per zone (TOML).
    #[arg(long, value_name = "RULES.toml")]
    rules: PathBuf,
    /// Print the full report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Write plots and Building footprints with their results as GeoJSON (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    geojson: Option<PathBuf>,
    #[command(flatten)]
    measure: MeasureArgs,
    /// With --collection: store each Building's result as attributes (urbis_rule_failures:
    /// its failed checks plus its plot's; urbis_plot) for the viewer to colour by.
    #[arg(long)]
    store_attributes: bool,
}

/// Runs `urbis analyze rules`.
pub fn run(a: Args) -> Result<u8> {
    if a.store_attributes && a.source.collection.is_none() {
        anyhow::bail!("--store-attributes needs --collection");
    }
    let rules_text = std::fs::read_to_string(&a.rules)
        .with_context(|| format!("reading {}", a.rules.display()))?;
    let rules =
        RuleFile::parse(&rules_text).with_context(|| format!("in {}", a.rules.display()))?;
    let zoning_text = std::fs::read_to_string(&a.zoning)
        .with_context(|| format!("reading {}", a.zoning.display()))?;
    let zoning: serde_json::Value = serde_json::from_str(&zoning_text)
        .with_context(|| format!("{} is not JSON", a.zoning.display()))?;
    let plots = parse_plots(&zoning).with_context(|| format!("in {}", a.zoning.display()))?;
    let mut source = a.source.open()?;
    let header = source.input.header().clone();
    let options = a.measure.options()?;
    let templates = header.geometry_templates.as_ref();
    let bar = pipeline::progress(source.input.feature_count(), "measuring");
    let mut candidates = Vec::new();
    while let Some(batch) = source.input.next_batch()? {
        bar.inc(batch.len() as u64);
        let found: Vec<Candidate> = batch
            .par_iter()
            .filter_map(|f| {
                let metrics = building_metrics(f, &header.transform, templates, &options)?;
                Some(Candidate {
                    metrics,
                    points: f
                        .vertices
                        .iter()
                        .map(|&v| header.transform.apply(v))
                        .collect(),
                })
            })
            .collect();
        candidates.extend(found);
    }
    bar.finish_and_clear();
    let r = review(&candidates, &plots, &rules)
        .with_context(|| format!("in {}", a.zoning.display()))?;
    if let Some(path) = &a.geojson {
        let mut o = Output::create(path)?;
        let mut features = Vec::new();
        for p in &r.plots {
            let plot = plots.iter().find(|x| x.id == p.id);
            let geometry = plot.map_or(serde_json::Value::Null, |x| {
                urbis_analysis::report::multipolygon(&x.polygons)
            });
            features.push(json!({"type": "Feature", "id": p.id, "geometry": geometry,
                "properties": {"kind": "plot", "zone": p.zone, "area": p.area,
                    "pass": p.pass, "buildings": p.buildings, "indicators": p.indicators}}));
        }
        for b in &r.buildings {
            let c = candidates.iter().find(|c| c.metrics.building.id == b.id);
            let geometry = c.map_or(serde_json::Value::Null, |c| {
                urbis_analysis::report::multipolygon(&c.metrics.building.footprint)
            });
            features.push(json!({"type": "Feature", "id": b.id, "geometry": geometry,
                "properties": {"kind": "building", "plot": b.plot, "share": b.share,
                    "pass": b.pass, "indicators": b.indicators}}));
        }
        serde_json::to_writer(
            &mut o,
            &json!({"type": "FeatureCollection", "features": features}),
        )?;
        o.write_all(b"\n")?;
        o.commit()?;
    }
    if a.store_attributes {
        let mut figures = std::collections::HashMap::new();
        for b in &r.buildings {
            let failed = |i: &&Indicator| i.pass == Some(false);
            let plot = r.plots.iter().find(|p| Some(&p.id) == b.plot.as_ref());
            let n = b.indicators.iter().filter(failed).count()
                + plot.map_or(0, |p| p.indicators.iter().filter(failed).count());
            let mut m = serde_json::Map::new();
            m.insert("urbis_rule_failures".into(), json!(n));
            m.insert("urbis_plot".into(), json!(b.plot));
            figures.insert(b.id.clone(), m);
        }
        let n = super::source::store_attributes_by_id(&a.source, figures)?;
        eprintln!("urbis: stored the results of {n} Buildings as urbis_* attributes");
    }
    if a.json {
        let out = json!({"input": source.name, "zoning": a.zoning, "rules": a.rules,
            "plots": r.plots, "buildings": r.buildings, "unassigned": r.unassigned,
            "failures": r.failures, "pass": r.failures == 0});
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for p in &r.plots {
            let verdict = if p.pass { "pass" } else { "FAIL" };
            println!(
                "plot {} (zone {}, {:.1} m², {} buildings): {verdict}",
                p.id,
                p.zone,
                p.area,
                p.buildings.len()
            );
            print_indicators("  ", &p.indicators);
            for b in r
                .buildings
                .iter()
                .filter(|b| b.plot.as_deref() == Some(p.id.as_str()))
            {
                let verdict = if b.pass { "pass" } else { "FAIL" };
                println!(
                    "  building {} ({:.0}% on the plot): {verdict}",
                    b.id,
                    b.share * 100.0
                );
                print_indicators("    ", &b.indicators);
            }
        }
        if !r.unassigned.is_empty() {
            println!("{} buildings on no plot", r.unassigned.len());
        }
        println!("{} failed checks", r.failures);
    }
    Ok(u8::from(r.failures > 0))
}

fn print_indicators(indent: &str, indicators: &[Indicator]) {
    for i in indicators {
        let (measured, margin) = match (i.measured, i.margin) {
            (Some(m), Some(g)) => (format!("{m:.3}"), format!("{g:+.3}")),
            _ => ("n/a".into(), String::new()),
        };
        let verdict = match i.pass {
            Some(true) => "pass",
            Some(false) => "FAIL",
            None => "not measured",
        };
        println!(
            "{indent}{:<20} {measured:>10} allowed {:>8.3}  {verdict} {margin}",
            i.rule, i.allowed
        );
    }
}
