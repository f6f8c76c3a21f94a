//! `urbis tiles`.

use crate::input::Input;
use crate::pipeline;
use anyhow::{anyhow, Context, Result};
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;
use urbis_tiles::{BuildOptions, LodChoice, TilerOptions};

/// Make 3D Tiles 1.1 (tileset.json + GLB tiles) for CesiumJS and other 3D Tiles clients.
///
/// From a file (CityJSON, CityJSONSeq, CityGML) or from a collection of the store
/// (`--collection`). Each polygon is triangulated on its own plane (holes kept) and coloured
/// by material, else semantic surface (roof, wall, ground, window...), else object type. Each
/// top-level feature is one `EXT_mesh_features` feature with its id, type and attributes in
/// `EXT_structural_metadata`. A quadtree over the features splits any tile holding more than
/// `--budget` triangles; bounding regions are computed from the content.
///
/// Placement: the horizontal position comes from the model's CRS (proj4rs, to WGS 84); z is
/// taken as the height above the WGS 84 ellipsoid plus `--geoid-offset` (default 0, which puts
/// ground level on the ellipsoid, where a globe without terrain draws the ground). A model
/// without a CRS, or with one urbis cannot convert, is refused rather than placed somewhere.
#[derive(clap::Args)]
pub struct Args {
    /// Input file (omit it to tile a collection of the store).
    pub input: Option<PathBuf>,
    /// Output directory (created; tileset.json and tiles/ go in it).
    #[arg(short, long)]
    pub output: PathBuf,
    /// The store (with `--collection`).
    #[command(flatten)]
    pub store: crate::store_args::StoreArgs,
    /// The collection of the store to tile.
    #[arg(long, conflicts_with = "input")]
    pub collection: Option<String>,
    /// Draw this LoD (e.g. `2.2`, or `2` for any 2.x) instead of each object's most detailed.
    #[arg(long)]
    pub lod: Option<String>,
    /// Split a tile holding more triangles than this.
    #[arg(long, default_value_t = 30_000)]
    pub budget: usize,
    /// Metres added to every z to get heights above the WGS 84 ellipsoid (e.g. the local
    /// geoid height, ~43 m in the Netherlands, when the viewer shows real terrain).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub geoid_offset: f64,
    /// Validate each feature's geometry (val3dity codes) and add the result to its metadata
    /// (`validation`: "valid" or the codes), for the viewer to show.
    #[arg(long)]
    pub validate: bool,
    /// Check the written tileset (regions, geometric errors, URIs, GLB layout, content
    /// inside its tile) and fail if anything is wrong.
    #[arg(long)]
    pub check: bool,
    /// Print a JSON report.
    #[arg(long)]
    pub json: bool,
}

/// Runs `urbis tiles`.
pub fn run(a: Args) -> Result<u8> {
    let options = BuildOptions {
        tiler: TilerOptions {
            triangle_budget: a.budget.max(1),
            ..TilerOptions::default()
        },
        lod: a.lod.clone().map_or(LodChoice::Highest, LodChoice::Exact),
        geoid_offset: a.geoid_offset,
        validate: a.validate,
        // The global --crs: the CRS of a model (or collection) that names none.
        assume_crs: crate::pipeline::input_options()
            .crs
            .and_then(|c| c.epsg_code()),
    };
    std::fs::create_dir_all(&a.output)
        .with_context(|| format!("creating {}", a.output.display()))?;
    let start = Instant::now();
    let (report, source) = match (&a.input, &a.collection) {
        (Some(input), _) => {
            let mut reader = pipeline::open(input)?;
            let header = reader.header().clone();
            let bar = pipeline::progress(reader.feature_count(), "tiling");
            let report = urbis_tiles::tile_batches(
                &header,
                || reader.next_batch(),
                &a.output,
                &options,
                &|n| bar.set_position(n),
            )
            .with_context(|| format!("tiling {}", input.display()))?;
            bar.finish_and_clear();
            (report, input.display().to_string())
        }
        (None, Some(collection)) => {
            let store = a.store.open()?;
            let query = urbis_store::Query::default();
            let mut reader =
                Input::collection(store, collection, &query, &pipeline::input_options())?;
            let header = reader.header().clone();
            let bar = pipeline::progress(None, "tiling");
            let report = urbis_tiles::tile_batches(
                &header,
                || reader.next_batch(),
                &a.output,
                &options,
                &|n| bar.set_position(n),
            )
            .with_context(|| format!("tiling collection \"{collection}\" of {}", a.store.db))?;
            bar.finish_and_clear();
            (report, format!("{}#{collection}", a.store.db))
        }
        (None, None) => return Err(anyhow!("give an input file or --collection NAME")),
    };
    let seconds = start.elapsed().as_secs_f64();
    let problems = if a.check {
        urbis_tiles::check_tileset(&a.output.join("tileset.json")).problems
    } else {
        Vec::new()
    };
    let r = &report;
    if a.json {
        let out = json!({
            "input": source, "output": a.output.join("tileset.json"),
            "features": r.features, "empty_features": r.empty_features,
            "triangles": r.triangles, "degenerate_polygons": r.degenerate_polygons,
            "tiles": r.tiles, "depth": r.depth, "bytes": r.bytes,
            "dropped_properties": r.dropped_properties,
            "root_region": r.root_region, "seconds": seconds,
            "checked": a.check, "problems": problems,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        eprintln!(
            "urbis: {} features, {} triangles in {} tiles (depth {}, {:.1} MB) in {:.1} s → {}",
            r.features,
            r.triangles,
            r.tiles,
            r.depth,
            r.bytes as f64 / 1e6,
            seconds,
            a.output.join("tileset.json").display()
        );
        if r.empty_features > 0 {
            eprintln!(
                "urbis: {} features have no surface to draw (points, lines) and were left out",
                r.empty_features
            );
        }
        if r.degenerate_polygons > 0 {
            eprintln!(
                "urbis: {} polygons have no area (fewer than 3 distinct points) and gave no triangle",
                r.degenerate_polygons
            );
        }
        if r.dropped_properties > 0 {
            eprintln!(
                "urbis: warning: {} attribute names beyond the first {} are not in the tile metadata",
                r.dropped_properties,
                urbis_tiles::metadata::MAX_PROPERTIES
            );
        }
        for p in problems.iter().take(20) {
            eprintln!("urbis: check: {p}");
        }
        if a.check && problems.is_empty() {
            eprintln!("urbis: check: the tileset passes");
        }
    }
    Ok(if problems.is_empty() { 0 } else { 1 })
}
