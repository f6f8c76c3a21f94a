//! `urbis analyze metrics`.

use super::source::{for_each_batch, MeasureArgs, SourceArgs};
use crate::pipeline;
use anyhow::{bail, Result};
use rayon::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use urbis_analysis::{building_metrics, BuildingMetrics, MetricsOptions};
use urbis_cityjson::Output;

/// Building metrics: per Building (aggregating its BuildingParts) and per part.
///
/// Methods:
/// footprint area — GroundSurface polygons in plan, else an LoD0 geometry, else the 2D union
/// of the lowest surfaces (downward faces; all non-vertical faces when there are none);
/// `footprint_source` says which.
/// ground height — the lowest GroundSurface vertex, else the lowest vertex.
/// roof_min / roof_max — lowest and highest vertex of the RoofSurfaces (faces pointing up
/// when there are no semantics: `roof_source`).
/// height (planning height, above ground) — flat roofs (slope ≤ --flat-roof-slope) to their
/// top, pitched roofs to the mean of eave and ridge, the higher where both occur; a Building
/// with parts: its highest part above its lowest ground.
/// volume — only for Solids whose shells are closed and consistently oriented (every edge
/// used once in each direction) with the exterior pointing out; otherwise null and
/// `volume_note` says why. `--validate` also withholds it for geometry with ISO 19107 errors.
/// surface_areas — per semantic type; roofs — each face's area, slope and azimuth (downhill
/// direction, degrees clockwise from grid north); wall areas per compass sector (N...NW) of
/// the wall's normal (WallSurface, else faces steeper than 80°).
/// storeys — the data's storeysAboveGround where an object has one (a whole number; a
/// Building with parts: its own, else the most of any part), else height / --storey-height,
/// rounded, at least 1; storeys_source says which (`storeysAboveGround` or `estimate`),
/// storeys_estimate always gives the estimate; gross floor area — footprint × storeys (a
/// Building with parts: the sum of its parts').
/// compactness — (36π V²)^(1/3) / envelope area (sphere 1, cube 0.806); elongation — 1 −
/// width/length of the footprint's minimum-area bounding rectangle (square 0).
///
/// Output: a summary on stdout; `--json` the full report on stdout; `--csv` one row per
/// Building and per part; `--geojson` Building footprints with their figures (in the model's
/// CRS).
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    source: SourceArgs,
    /// Print the full report as JSON on stdout.
    #[arg(long)]
    json: bool,
    /// Write one CSV row per Building and per BuildingPart (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    csv: Option<PathBuf>,
    /// Write the Buildings' footprints with their figures as GeoJSON (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    geojson: Option<PathBuf>,
    #[command(flatten)]
    measure: MeasureArgs,
    /// Also validate the geometry (ISO 19107, val3dity codes): no volume for invalid solids.
    #[arg(long)]
    validate: bool,
    /// With --collection: store the Building figures as attributes (urbis_height,
    /// urbis_footprint_area, urbis_volume, urbis_storeys, urbis_storeys_source,
    /// urbis_gross_floor_area, urbis_compactness) for the viewer to colour by.
    #[arg(long)]
    store_attributes: bool,
}

/// Runs `urbis analyze metrics`.
pub fn run(a: Args) -> Result<u8> {
    let start = Instant::now();
    let mut source = a.source.open()?;
    if !a.store_attributes {
        // The figures need shape and semantics only; --store-attributes writes the features
        // back, so it must keep their attributes, materials and textures.
        source.input.geometry_only();
    }
    let header = source.input.header().clone();
    let options = MetricsOptions {
        validate: a
            .validate
            .then(|| urbis_validate::Options::default().for_header(&header)),
        ..a.measure.options()?
    };
    let stdout_taken = [a.csv.as_deref(), a.geojson.as_deref()]
        .iter()
        .filter(|p| p.is_some_and(|p| p.as_os_str() == "-"))
        .count()
        + usize::from(a.json);
    if stdout_taken > 1 {
        bail!("only one of --json, --csv -, --geojson - can use stdout");
    }
    let mut json_out = if a.json {
        let mut o = Output::create(std::path::Path::new("-"))?;
        let opts = json!({
            "lod": a.measure.lod, "storey_height": a.measure.storey_height,
            "flat_roof_slope": a.measure.flat_roof_slope, "validate": a.validate,
        });
        write!(
            o,
            "{{\"input\":{},\"options\":{},\"buildings\":[",
            json!(source.name),
            opts
        )?;
        Some(o)
    } else {
        None
    };
    let mut csv = match &a.csv {
        Some(p) => {
            let mut o = Output::create(p)?;
            writeln!(o, "{}", urbis_analysis::report::csv_header())?;
            Some(o)
        }
        None => None,
    };
    let mut geojson = match &a.geojson {
        Some(p) => {
            let mut o = Output::create(p)?;
            write!(o, "{{\"type\":\"FeatureCollection\",")?;
            if let Some(code) = header.crs().and_then(|c| c.epsg_code()) {
                let crs = urbis_analysis::report::geojson_crs(code);
                write!(o, "\"crs\":{crs},")?;
            }
            write!(o, "\"features\":[")?;
            Some(o)
        }
        None => None,
    };
    let bar = pipeline::progress(source.input.feature_count(), "measuring");
    let mut summary = Summary::default();
    let mut updated = Vec::new();
    if a.store_attributes && a.source.collection.is_none() {
        bail!("--store-attributes needs --collection");
    }
    let templates = header.geometry_templates.as_ref();
    for_each_batch(&mut source.input, |batch| {
        bar.inc(batch.len() as u64);
        let measured: Vec<(usize, BuildingMetrics)> = batch
            .par_iter()
            .enumerate()
            .filter_map(|(i, f)| {
                Some((
                    i,
                    building_metrics(f, &header.transform, templates, &options)?,
                ))
            })
            .collect();
        if a.store_attributes {
            for (i, b) in &measured {
                updated.push((batch[*i].clone(), figures(&b.building)));
            }
        }
        for (_, b) in &measured {
            if let Some(o) = json_out.as_mut() {
                if summary.buildings > 0 {
                    o.write_all(b",")?;
                }
                serde_json::to_writer(&mut *o, b)?;
            }
            if let Some(o) = csv.as_mut() {
                for row in urbis_analysis::report::csv_rows(b) {
                    writeln!(o, "{row}")?;
                }
            }
            if let Some(o) = geojson.as_mut() {
                if summary.buildings > 0 {
                    o.write_all(b",\n")?;
                }
                serde_json::to_writer(&mut *o, &urbis_analysis::report::geojson_feature(b))?;
            }
            summary.add(b);
        }
        batch.into_par_iter().for_each(drop);
        Ok(())
    })?;
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    if let Some(mut o) = geojson {
        o.write_all(b"]}\n")?;
        o.commit()?;
    }
    if let Some(o) = csv {
        o.commit()?;
    }
    if a.store_attributes {
        let n = super::source::store_attributes(&a.source, updated)?;
        eprintln!("urbis: stored the figures of {n} Buildings as urbis_* attributes");
    }
    let report = summary.to_json(seconds);
    if let Some(mut o) = json_out {
        writeln!(o, "],\"summary\":{report}}}")?;
        o.commit()?;
    } else {
        summary.print(&source.name, seconds);
    }
    Ok(0)
}

/// The figures stored as attributes with `--store-attributes`.
fn figures(m: &urbis_analysis::Metrics) -> serde_json::Map<String, serde_json::Value> {
    let mut out = serde_json::Map::new();
    let storeys = m.storeys.map(f64::from);
    for (name, value) in [
        ("urbis_height", m.height),
        ("urbis_footprint_area", m.footprint_area),
        ("urbis_volume", m.volume),
        ("urbis_storeys", storeys),
        ("urbis_gross_floor_area", m.gross_floor_area),
        ("urbis_compactness", m.compactness),
    ] {
        if let Some(v) = value {
            out.insert(name.into(), json!((v * 1000.0).round() / 1000.0));
        }
    }
    if let Some(source) = m.storeys_source {
        out.insert("urbis_storeys_source".into(), json!(source));
    }
    out
}

/// Totals over all Buildings.
#[derive(Default)]
struct Summary {
    buildings: u64,
    parts: u64,
    with_parts: u64,
    footprint_area: f64,
    volume: f64,
    with_volume: u64,
    gross_floor_area: f64,
    max_height: f64,
    footprint_sources: BTreeMap<String, u64>,
    no_volume: BTreeMap<String, u64>,
    /// Buildings whose storeys come from storeysAboveGround / from the height estimate.
    storeys_given: u64,
    storeys_estimated: u64,
    /// Of the Buildings with storeysAboveGround, those whose estimate gives the same figure.
    storeys_estimate_agrees: u64,
}

impl Summary {
    fn add(&mut self, b: &BuildingMetrics) {
        let m = &b.building;
        self.buildings += 1;
        self.parts += b.part_metrics.len() as u64;
        self.with_parts += u64::from(m.parts > 0);
        self.footprint_area += m.footprint_area.unwrap_or(0.0);
        self.gross_floor_area += m.gross_floor_area.unwrap_or(0.0);
        self.max_height = self.max_height.max(m.height.unwrap_or(0.0));
        let source = serde_json::to_value(m.footprint_source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "none".into());
        *self.footprint_sources.entry(source).or_insert(0) += 1;
        match m.storeys_source {
            Some(urbis_analysis::STOREYS_GIVEN) => {
                self.storeys_given += 1;
                self.storeys_estimate_agrees += u64::from(m.storeys_estimate == m.storeys);
            }
            Some(_) => self.storeys_estimated += 1,
            None => {}
        }
        match (m.volume, &m.volume_note) {
            (Some(v), _) => {
                self.volume += v;
                self.with_volume += 1;
            }
            (None, Some(note)) => *self.no_volume.entry(reason_class(note)).or_insert(0) += 1,
            (None, None) => {}
        }
    }

    fn to_json(&self, seconds: f64) -> serde_json::Value {
        json!({
            "buildings": self.buildings, "building_parts": self.parts,
            "buildings_with_parts": self.with_parts,
            "footprint_area": self.footprint_area, "footprint_sources": self.footprint_sources,
            "buildings_with_volume": self.with_volume, "volume": self.volume,
            "no_volume": self.no_volume,
            "gross_floor_area": self.gross_floor_area, "max_height": self.max_height,
            "storeys_sources": {"storeysAboveGround": self.storeys_given,
                                "estimate": self.storeys_estimated},
            "storeys_estimate_agrees": self.storeys_estimate_agrees,
            "seconds": seconds,
        })
    }

    fn print(&self, input: &str, seconds: f64) {
        println!(
            "{input}: {} Buildings ({} with BuildingParts, {} parts) in {seconds:.2} s",
            self.buildings, self.with_parts, self.parts
        );
        println!(
            "  footprint area   {:.1} m²  (sources: {})",
            self.footprint_area,
            join(&self.footprint_sources)
        );
        println!(
            "  volume           {:.1} m³  ({} Buildings with a volume)",
            self.volume, self.with_volume
        );
        for (why, n) in &self.no_volume {
            println!("    no volume: {n} × {why}");
        }
        println!(
            "  gross floor area {:.1} m² (footprint × storeys)",
            self.gross_floor_area
        );
        println!(
            "  storeys          {} from storeysAboveGround, {} estimated from the height (/ --storey-height)",
            self.storeys_given, self.storeys_estimated
        );
        if self.storeys_given > 0 {
            println!(
                "    the estimate gives the data's figure for {} of {} ({:.1}%)",
                self.storeys_estimate_agrees,
                self.storeys_given,
                100.0 * self.storeys_estimate_agrees as f64 / self.storeys_given as f64
            );
        }
        println!("  highest building {:.2} m", self.max_height);
    }
}

fn join(m: &BTreeMap<String, u64>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A volume note without the part id and its numbers, to count alike reasons together:
/// "shell 2 is not closed (4 open edges)" becomes "shell is not closed (open edges)".
fn reason_class(note: &str) -> String {
    let text = match note.strip_prefix("part ") {
        Some(rest) => rest.split_once(": ").map_or(rest, |(_, r)| r),
        None => note,
    };
    text.split_whitespace()
        .filter_map(|word| {
            let kept = word.trim_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',');
            let bare = kept.trim_matches(|c| c == '(' || c == ')');
            if word.chars().any(|c| c.is_ascii_digit()) && bare.is_empty() {
                // A number alone keeps only its brackets, for the words around it.
                let open = word.starts_with('(');
                return open.then(|| "(".to_string());
            }
            Some(kept.to_string())
        })
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::reason_class;

    #[test]
    fn reasons_are_classed_without_numbers_or_placeholders() {
        assert_eq!(
            reason_class("part b1-2: shell 2 is not closed (4 open edges)"),
            "shell is not closed (open edges)"
        );
        assert_eq!(
            reason_class("shell 0 is not closed (12 open edges)"),
            reason_class("shell 3 is not closed (1 open edges)")
        );
        assert!(!reason_class("no solid at LoD 2.2").contains('#'));
    }
}
