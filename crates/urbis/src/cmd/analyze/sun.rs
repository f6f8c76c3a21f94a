//! `urbis analyze sun`.

use super::source::SourceArgs;
use crate::pipeline;
use anyhow::{anyhow, bail, Context, Result};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;
use urbis_analysis::sun::samples::FacadeMode;
use urbis_analysis::sun::scene::{Scene, SceneBuilder};
use urbis_analysis::sun::solar::{self, Clock, Schedule};
use urbis_analysis::sun::study::{self, StudyOptions};
use urbis_analysis::LodChoice;
use urbis_cityjson::Output;

/// Direct-sun hours on the ground and on facades, and what a proposed building takes away.
///
/// Sun positions: NREL's Solar Position Algorithm (with standard refraction) at the site,
/// whose latitude/longitude come from the model's CRS (the centre of the model), or --site.
/// Times are local clock times at --utc-offset, or true solar time with --solar-time
/// (12:00 = the sun's transit; what GB/T 50947 uses); without either, the nominal zone of the
/// site's longitude (round(lon / 15) hours) is used and printed — give --utc-offset for civil
/// time (e.g. +01:00 in the Netherlands in winter).
/// Each step of the window counts when, at its middle, the sun is up, in front of the surface
/// and no triangle of the model lies on the ray towards it (rays cast through a BVH over every
/// object's triangulated surfaces, from 2 cm off the surface).
/// Ground: a grid of --grid metres over the model's extent; each cell's ground is the first
/// surface below its centre; cells under a building are left out (grey in the heat map).
/// Facades: points every --facade-spacing metres along each Building wall at --sill-height
/// above the Building's ground (window-sill), or on a grid over each wall. Per Building: the
/// least hours over its points the sun can reach at all (sunward points).
/// --proposed adds the buildings of another file (same CRS) and reports which Buildings lose
/// sun and how much.
#[derive(clap::Args)]
#[command(verbatim_doc_comment)]
pub struct Args {
    #[command(flatten)]
    source: SourceArgs,
    /// The day, YYYY-MM-DD (default: 21 December of this year, the winter solstice).
    #[arg(long)]
    date: Option<String>,
    /// Window start (clock time).
    #[arg(long, default_value = "09:00")]
    from: String,
    /// Window end (clock time).
    #[arg(long, default_value = "15:00")]
    to: String,
    /// Time step: 1m, 30s, 0.25h.
    #[arg(long, default_value = "1m")]
    step: String,
    /// Clock times are at this offset from UTC (e.g. +08:00).
    #[arg(long, allow_hyphen_values = true, conflicts_with = "solar_time")]
    utc_offset: Option<String>,
    /// Clock times are true solar time.
    #[arg(long)]
    solar_time: bool,
    /// Ground grid cell size in metres (0: no ground grid).
    #[arg(long, default_value_t = 1.0)]
    grid: f64,
    /// Facade sample points.
    #[arg(long, value_enum, default_value = "window-sill")]
    facade_points: FacadeChoice,
    /// Window-sill height above the Building's ground, m.
    #[arg(long, default_value_t = 0.9)]
    sill_height: f64,
    /// Distance between facade points, m.
    #[arg(long, default_value_t = 1.0)]
    facade_spacing: f64,
    /// Add the buildings of this file and report the sun they take away.
    #[arg(long, value_name = "NEW.city.json")]
    proposed: Option<PathBuf>,
    /// Latitude,longitude of the site, for a model without a CRS.
    #[arg(long, value_name = "LAT,LON", allow_hyphen_values = true)]
    site: Option<String>,
    /// Analyse this LoD instead of each object's most detailed geometry.
    #[arg(long)]
    lod: Option<String>,
    /// Print the report (site, times, per-Building figures, ground statistics) as JSON.
    #[arg(long)]
    json: bool,
    /// Write every sample point (ground cells and facade points) as CSV (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    csv: Option<PathBuf>,
    /// Write the facade points with their hours as GeoJSON points (`-` for stdout).
    #[arg(long, value_name = "OUT")]
    geojson: Option<PathBuf>,
    /// Write the ground sunlight heat map as PNG (and a .pgw world file beside it).
    #[arg(long, value_name = "OUT.png")]
    png: Option<PathBuf>,
    /// With --collection: store each Building's least window-sill hours as the attribute
    /// urbis_sun_min_hours (and urbis_sun_loss with --proposed) for the viewer to colour by.
    #[arg(long)]
    store_attributes: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FacadeChoice {
    /// Along each wall at sill height.
    WindowSill,
    /// A square grid over each wall.
    Grid,
    /// No facade points.
    None,
}

fn read_scene(
    path: &SourceArgs,
    origin: Option<[f64; 3]>,
    lod: &LodChoice,
    what: &str,
) -> Result<(Scene, Option<u32>, String)> {
    let mut source = path.open()?;
    let header = source.input.header().clone();
    let code = header.crs().and_then(|c| c.epsg_code());
    let bar = pipeline::progress(source.input.feature_count(), what);
    let mut builder: Option<SceneBuilder> = origin.map(|o| SceneBuilder::new(o, lod.clone()));
    while let Some(batch) = source.input.next_batch()? {
        bar.inc(batch.len() as u64);
        for f in &batch {
            SceneBuilder::add_to(&mut builder, f, &header, lod);
        }
    }
    bar.finish_and_clear();
    let scene = builder
        .ok_or_else(|| anyhow!("{}: no features", source.name))?
        .finish();
    Ok((scene, code, source.name))
}

/// Runs `urbis analyze sun`.
pub fn run(a: Args) -> Result<u8> {
    if a.store_attributes && a.source.collection.is_none() {
        anyhow::bail!("--store-attributes needs --collection");
    }
    let start = Instant::now();
    let date = match &a.date {
        Some(d) => solar::parse_date(d)?,
        None => (urbis_analysis::sun::solar::current_year(), 12, 21),
    };
    let from = solar::parse_clock(&a.from)?;
    let to = solar::parse_clock(&a.to)?;
    let step = solar::parse_step(&a.step)?;
    if a.facade_spacing <= 0.0 || a.grid < 0.0 {
        bail!("--facade-spacing must be positive and --grid not negative");
    }
    let lod = a.lod.clone().map_or(LodChoice::Highest, LodChoice::Exact);
    let (scene, code, name) = read_scene(&a.source, None, &lod, "reading")?;
    if scene.triangles == 0 {
        bail!("{name}: no surfaces to cast shadows with");
    }
    let centre = {
        let (lo, hi) = scene.bounds;
        [0, 1, 2].map(|k| scene.origin[k] + (lo[k] + hi[k]) / 2.0)
    };
    let (lat, lon, convergence) = match (&a.site, code) {
        (Some(site), _) => {
            let (la, lo) = site
                .split_once(',')
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
                .ok_or_else(|| anyhow!("--site {site}: expected LAT,LON"))?;
            let conv = match code {
                Some(c) => study::site(c, centre).map(|s| s.2).unwrap_or(0.0),
                None => 0.0,
            };
            (la, lo, conv)
        }
        (None, Some(c)) => study::site(c, centre).map_err(|e| anyhow!("{name}: {e}"))?,
        (None, None) => bail!("{name} names no CRS: give --site LAT,LON"),
    };
    let clock = if a.solar_time {
        Clock::Solar
    } else if let Some(o) = &a.utc_offset {
        Clock::UtcOffset(solar::parse_offset(o)?)
    } else {
        Clock::UtcOffset(((lon / 15.0).round() * 60.0) as i32)
    };
    let schedule = Schedule {
        date,
        from,
        to,
        step,
        clock,
    };
    let sun = solar::samples(&schedule, lat, lon, convergence)?;
    let proposed = match &a.proposed {
        Some(p) => {
            let src = SourceArgs {
                input: Some(p.clone()),
                store: a.source.store.clone(),
                collection: None,
            };
            let (s, pcode, pname) =
                read_scene(&src, Some(scene.origin), &lod, "reading the proposal")?;
            if pcode.is_some() && code.is_some() && pcode != code {
                bail!(
                    "{pname} is in EPSG:{} but the model in EPSG:{}",
                    pcode.unwrap_or(0),
                    code.unwrap_or(0)
                );
            }
            Some(s)
        }
        None => None,
    };
    let options = StudyOptions {
        grid: (a.grid > 0.0).then_some(a.grid),
        extent: None,
        facade: match a.facade_points {
            FacadeChoice::WindowSill => Some(FacadeMode::WindowSill(a.sill_height)),
            FacadeChoice::Grid => Some(FacadeMode::Grid),
            FacadeChoice::None => None,
        },
        facade_spacing: a.facade_spacing,
    };
    let step_hours = step / 60.0;
    let result = study::run(&scene, proposed.as_ref(), &sun, step_hours, &options);
    let seconds = start.elapsed().as_secs_f64();
    let window_hours = sun.len() as f64 * step_hours;
    let o = scene.origin;
    // Ground statistics.
    let mut ground = json!(null);
    if let Some((grid, cells, covered)) = &result.grid {
        let hours: Vec<f64> = cells.iter().flatten().map(|e| e.hours).collect();
        let mean = hours.iter().sum::<f64>() / hours.len().max(1) as f64;
        let at_least = |h: f64| hours.iter().filter(|&&x| x >= h - 1e-9).count();
        let losing = cells
            .iter()
            .zip(covered)
            .filter(|(e, c)| {
                !**c && e.is_some_and(|e| e.hours - e.with_proposed > step_hours / 2.0)
            })
            .count();
        ground = json!({
            "cell": grid.cell, "columns": grid.nx, "rows": grid.ny,
            "corner": [o[0] + grid.corner[0], o[1] + grid.corner[1]],
            "cells": hours.len(), "under_structures": grid.under_structure.iter().filter(|&&u| u).count(),
            "without_ground": cells.len() - hours.len() - grid.under_structure.iter().filter(|&&u| u).count(),
            "mean_hours": mean, "cells_2h_or_more": at_least(2.0),
            "cells_without_sun": hours.iter().filter(|&&x| x <= 0.0).count(),
            "cells_losing_sun": if proposed.is_some() { json!(losing) } else { json!(null) },
        });
        if let Some(path) = &a.png {
            let mut out = Output::create(path)?;
            let values: Vec<Option<f64>> = cells
                .iter()
                .map(|e| {
                    e.map(|e| {
                        if proposed.is_some() {
                            e.with_proposed
                        } else {
                            e.hours
                        }
                    })
                })
                .collect();
            urbis_analysis::sun::heatmap::write_png(grid, &values, window_hours, &mut out)
                .map_err(|e| anyhow!("writing {}: {e}", path.display()))?;
            out.commit()?;
            let pgw = path.with_extension("pgw");
            std::fs::write(&pgw, urbis_analysis::sun::heatmap::world_file(grid, o))
                .with_context(|| format!("writing {}", pgw.display()))?;
        }
    } else if a.png.is_some() {
        bail!("--png needs the ground grid (--grid > 0)");
    }
    if let Some(path) = &a.csv {
        let mut out = Output::create(path)?;
        writeln!(
            out,
            "kind,building,x,y,z,hours,possible_hours,hours_with_proposed"
        )?;
        if let Some((grid, cells, _)) = &result.grid {
            for (i, e) in cells.iter().enumerate() {
                if let (Some(e), Some(z)) = (e, grid.ground[i]) {
                    let c = grid.centre(i);
                    writeln!(
                        out,
                        "ground,,{},{},{},{},{},{}",
                        o[0] + c[0],
                        o[1] + c[1],
                        o[2] + z,
                        e.hours,
                        e.possible,
                        e.with_proposed
                    )?;
                }
            }
        }
        for (p, e) in &result.facade {
            let id = urbis_analysis::report::quote(&result.buildings[p.building].id);
            let q = p.position;
            writeln!(
                out,
                "facade,{id},{},{},{},{},{},{}",
                o[0] + q[0],
                o[1] + q[1],
                o[2] + q[2],
                e.hours,
                e.possible,
                e.with_proposed
            )?;
        }
        out.commit()?;
    }
    if let Some(path) = &a.geojson {
        let mut out = Output::create(path)?;
        write!(out, "{{\"type\":\"FeatureCollection\",")?;
        if let Some(c) = code {
            let crs = urbis_analysis::report::geojson_crs(c);
            write!(out, "\"crs\":{crs},")?;
        }
        write!(out, "\"features\":[")?;
        for (i, (p, e)) in result.facade.iter().enumerate() {
            if i > 0 {
                out.write_all(b",\n")?;
            }
            let q = p.position;
            let f = json!({"type": "Feature",
                "geometry": {"type": "Point", "coordinates": [o[0] + q[0], o[1] + q[1], o[2] + q[2]]},
                "properties": {"building": result.buildings[p.building].id, "hours": e.hours,
                    "possible_hours": e.possible, "hours_with_proposed": e.with_proposed,
                    "normal": p.normal}});
            serde_json::to_writer(&mut out, &f)?;
        }
        out.write_all(b"]}\n")?;
        out.commit()?;
    }
    if a.store_attributes {
        let mut figures = std::collections::HashMap::new();
        for b in &result.buildings {
            let mut m = serde_json::Map::new();
            if let Some(h) = b.min_hours {
                m.insert(
                    "urbis_sun_min_hours".into(),
                    json!((h * 1000.0).round() / 1000.0),
                );
            }
            if proposed.is_some() {
                m.insert(
                    "urbis_sun_loss".into(),
                    json!((b.max_loss * 1000.0).round() / 1000.0),
                );
            }
            figures.insert(b.id.clone(), m);
        }
        let n = super::source::store_attributes_by_id(&a.source, figures)?;
        eprintln!("urbis: stored the sunlight of {n} Buildings as urbis_* attributes");
    }
    let affected: Vec<&study::BuildingSun> = result
        .buildings
        .iter()
        .filter(|b| b.points_losing > 0)
        .collect();
    let offset = match clock {
        Clock::Solar => "solar time".to_string(),
        Clock::UtcOffset(m) => format!(
            "UTC{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    };
    if a.json {
        let report = json!({
            "input": name, "proposed": a.proposed,
            "site": {"latitude": lat, "longitude": lon, "grid_convergence": convergence},
            "date": format!("{:04}-{:02}-{:02}", date.0, date.1, date.2),
            "from": a.from, "to": a.to, "step_minutes": step, "clock": offset,
            "samples": sun.len(), "window_hours": window_hours,
            "sun": sun.iter().map(|s| json!({"minutes": s.minutes, "azimuth": s.azimuth, "elevation": s.elevation})).collect::<Vec<_>>(),
            "triangles": scene.triangles, "ground": ground,
            "facade_points": result.facade.len(),
            "buildings": result.buildings,
            "affected": affected.iter().map(|b| b.id.clone()).collect::<Vec<_>>(),
            "seconds": seconds,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{name}: site {lat:.5} N {lon:.5} E, {} {} to {} ({offset}), {} steps of {step} min, {} triangles, {seconds:.1} s",
            format_args!("{:04}-{:02}-{:02}", date.0, date.1, date.2), a.from, a.to, sun.len(), scene.triangles);
        if !ground.is_null() {
            println!("  ground: {} cells of {} m, mean {:.2} h of direct sun, {} cells with at least 2 h ({} under structures, {} without ground)",
                ground["cells"], a.grid, ground["mean_hours"].as_f64().unwrap_or(0.0), ground["cells_2h_or_more"], ground["under_structures"], ground["without_ground"]);
        }
        let with_min: Vec<f64> = result
            .buildings
            .iter()
            .filter_map(|b| b.min_hours)
            .collect();
        if !with_min.is_empty() {
            let below = |h: f64| with_min.iter().filter(|&&x| x < h).count();
            println!("  facades: {} points on {} Buildings; Buildings whose worst window sill gets under 1 h: {}, under 2 h: {}",
                result.facade.len(), result.buildings.len(), below(1.0), below(2.0));
        }
        if proposed.is_some() {
            println!(
                "  the proposal takes sun from {} Buildings:",
                affected.len()
            );
            for b in &affected {
                println!(
                    "    {}: {} points lose up to {:.2} h; least sill hours {:.2} → {:.2}",
                    b.id,
                    b.points_losing,
                    b.max_loss,
                    b.min_hours.unwrap_or(0.0),
                    b.min_hours_with_proposed.unwrap_or(0.0)
                );
            }
        }
    }
    Ok(0)
}
