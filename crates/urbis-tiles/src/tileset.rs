//! Tiling: feature meshes in, a 3D Tiles 1.1 tileset out.
//!
//! Features are spooled to disk as they come, with the centre of their extent and their
//! triangle count. A quadtree over the centres splits any cell holding more triangles than the
//! budget; each leaf becomes one GLB (every feature in exactly one tile, whole). Bounding
//! volumes are regions computed from the content itself (a parent's is the union of its
//! children's), so content never sticks out and children sit inside their parents. Inner tiles
//! have no content and refine by `ADD`; geometric errors halve (at least) at each level and
//! are 0 on the leaves.

use crate::glb::{write_glb, GlbOptions, LocalFrame};
use crate::mesh::FeatureMesh;
use crate::metadata::{Schema, SchemaBuilder};
use crate::spool::{Slot, Spool};
use rayon::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Why a tileset could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TilesError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// Nothing to tile.
    #[error("no feature has any surface to draw (points and lines are not tiled)")]
    Empty,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> TilesError + '_ {
    move |source| TilesError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Tiling options.
#[derive(Debug, Clone)]
pub struct TilerOptions {
    /// A tile is split while it holds more triangles than this (and more than one feature).
    pub triangle_budget: usize,
    /// Deepest level of the tree.
    pub max_depth: u32,
}

impl Default for TilerOptions {
    fn default() -> Self {
        TilerOptions {
            triangle_budget: 30_000,
            max_depth: 16,
        }
    }
}

/// What a tiling produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TilesetReport {
    /// Features tiled.
    pub features: u64,
    /// Features with nothing to draw (left out).
    pub empty_features: u64,
    /// Triangles written.
    pub triangles: u64,
    /// Polygons that gave no triangle.
    pub degenerate_polygons: u64,
    /// GLB tiles written.
    pub tiles: u64,
    /// Depth of the tree (0: the root is the only tile).
    pub depth: u32,
    /// Bytes of GLB written.
    pub bytes: u64,
    /// Attributes left out of the metadata (too many distinct names).
    pub dropped_properties: usize,
    /// The root region `[west, south, east, north, minh, maxh]` (radians, metres).
    pub root_region: [f64; 6],
}

struct Entry {
    centre: [f64; 2],
    triangles: u64,
    slot: Slot,
}

/// Collects feature meshes and writes the tileset.
pub struct Tiler {
    options: TilerOptions,
    spool: Spool,
    entries: Vec<Entry>,
    schema: SchemaBuilder,
    report: TilesetReport,
}

struct Node {
    path: String,
    depth: u32,
    entries: Vec<usize>,
    children: Vec<Node>,
}

/// Region padding: about 6 mm horizontally and 5 cm vertically (float32 positions in a tile
/// are good to well under a millimetre).
const PAD_RADIANS: f64 = 1e-9;
const PAD_METRES: f64 = 0.05;

impl Tiler {
    /// A tiler spooling to the temporary directory.
    pub fn new(options: TilerOptions) -> Result<Tiler, TilesError> {
        Ok(Tiler {
            options,
            spool: Spool::new().map_err(io(Path::new("<mesh spool>")))?,
            entries: Vec::new(),
            schema: SchemaBuilder::default(),
            report: TilesetReport::default(),
        })
    }

    /// Adds one feature's mesh (an empty one is counted and left out).
    pub fn add(&mut self, mesh: &FeatureMesh) -> Result<(), TilesError> {
        self.report.degenerate_polygons += mesh.degenerate_polygons as u64;
        if mesh.is_empty() || mesh.geodetic_bounds.iter().any(|v| !v.is_finite()) {
            self.report.empty_features += 1;
            return Ok(());
        }
        self.schema.observe(&mesh.attributes);
        let slot = self
            .spool
            .push(mesh)
            .map_err(io(Path::new("<mesh spool>")))?;
        self.entries.push(Entry {
            centre: mesh.centre,
            triangles: mesh.triangles.len() as u64,
            slot,
        });
        Ok(())
    }

    /// Writes `dir/tileset.json` and `dir/tiles/*.glb`.
    pub fn finish(mut self, dir: &Path) -> Result<TilesetReport, TilesError> {
        if self.entries.is_empty() {
            return Err(TilesError::Empty);
        }
        self.spool.flush().map_err(io(Path::new("<mesh spool>")))?;
        let tiles_dir = dir.join("tiles");
        std::fs::create_dir_all(&tiles_dir).map_err(io(&tiles_dir))?;
        // Tiles of an earlier run would linger next to the new ones.
        for entry in std::fs::read_dir(&tiles_dir)
            .map_err(io(&tiles_dir))?
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "glb") {
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
        }
        let schema = self.schema.finish();
        let mut root = Node {
            path: "0".into(),
            depth: 0,
            entries: (0..self.entries.len()).collect(),
            children: Vec::new(),
        };
        let cell = cell_of(&self.entries, &root.entries);
        split(&mut root, cell, &self.entries, &self.options);
        let mut leaves = Vec::new();
        collect_leaves(&root, &mut leaves);
        let written: Vec<Result<(String, LeafOut), TilesError>> = leaves
            .par_iter()
            .map(|leaf| {
                let out = write_leaf(leaf, &self.entries, &self.spool, &schema, &tiles_dir)?;
                Ok((leaf.path.clone(), out))
            })
            .collect();
        let mut outs = std::collections::HashMap::new();
        for w in written {
            let (path, out) = w?;
            self.report.triangles += out.triangles;
            self.report.bytes += out.bytes;
            outs.insert(path, out);
        }
        self.report.features = self.entries.len() as u64;
        self.report.tiles = outs.len() as u64;
        self.report.dropped_properties = schema.dropped;
        let (mut root_json, region, depth) = tile_json(&root, &outs, f64::INFINITY);
        // The root must say how it refines, even when it is the only tile.
        if root_json.get("refine").is_none() {
            root_json["refine"] = json!("ADD");
        }
        self.report.depth = depth;
        self.report.root_region = region;
        let root_error = root_json["geometricError"].as_f64().unwrap_or(0.0);
        let tileset = json!({
            "asset": {"version": "1.1", "generator": concat!("urbis ", env!("CARGO_PKG_VERSION"))},
            "geometricError": (root_error * 2.0).max(region_diagonal(&region) / 2.0),
            "root": root_json,
        });
        let path = dir.join("tileset.json");
        let tmp = dir.join(".tileset.json.tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(&tileset).unwrap_or_default(),
        )
        .map_err(io(&tmp))?;
        std::fs::rename(&tmp, &path).map_err(io(&path))?;
        Ok(self.report)
    }
}

/// The square cell around the centres of some entries.
fn cell_of(entries: &[Entry], ids: &[usize]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for &i in ids {
        let c = entries[i].centre;
        b = [
            b[0].min(c[0]),
            b[1].min(c[1]),
            b[2].max(c[0]),
            b[3].max(c[1]),
        ];
    }
    let size = (b[2] - b[0]).max(b[3] - b[1]).max(1e-9);
    [b[0], b[1], b[0] + size, b[1] + size]
}

fn split(node: &mut Node, cell: [f64; 4], entries: &[Entry], options: &TilerOptions) {
    let triangles: u64 = node.entries.iter().map(|&i| entries[i].triangles).sum();
    if triangles <= options.triangle_budget as u64
        || node.entries.len() < 2
        || node.depth >= options.max_depth
    {
        return;
    }
    let mid = [(cell[0] + cell[2]) / 2.0, (cell[1] + cell[3]) / 2.0];
    let mut quadrants: [Vec<usize>; 4] = Default::default();
    for &i in &node.entries {
        let c = entries[i].centre;
        let q = usize::from(c[0] >= mid[0]) + 2 * usize::from(c[1] >= mid[1]);
        quadrants[q].push(i);
    }
    if quadrants.iter().filter(|q| !q.is_empty()).count() == 1 {
        // All centres in one quadrant: shrink to it without adding a level.
        let sub = quadrant_cell(
            cell,
            mid,
            quadrants.iter().position(|q| !q.is_empty()).unwrap_or(0),
        );
        if sub[2] - sub[0] < 1e-6 {
            return;
        }
        split(node, sub, entries, options);
        return;
    }
    node.entries.clear();
    for (q, ids) in quadrants.into_iter().enumerate() {
        if ids.is_empty() {
            continue;
        }
        let mut child = Node {
            path: format!("{}_{q}", node.path),
            depth: node.depth + 1,
            entries: ids,
            children: Vec::new(),
        };
        split(&mut child, quadrant_cell(cell, mid, q), entries, options);
        node.children.push(child);
    }
}

fn quadrant_cell(cell: [f64; 4], mid: [f64; 2], q: usize) -> [f64; 4] {
    let (x0, x1) = if q % 2 == 0 {
        (cell[0], mid[0])
    } else {
        (mid[0], cell[2])
    };
    let (y0, y1) = if q / 2 == 0 {
        (cell[1], mid[1])
    } else {
        (mid[1], cell[3])
    };
    [x0, y0, x1, y1]
}

fn collect_leaves<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    if node.children.is_empty() {
        out.push(node);
    }
    for c in &node.children {
        collect_leaves(c, out);
    }
}

struct LeafOut {
    region: [f64; 6],
    transform: [f64; 16],
    triangles: u64,
    bytes: u64,
}

fn write_leaf(
    leaf: &Node,
    entries: &[Entry],
    spool: &Spool,
    schema: &Schema,
    dir: &Path,
) -> Result<LeafOut, TilesError> {
    let path = dir.join(format!("{}.glb", leaf.path));
    let mut meshes = Vec::with_capacity(leaf.entries.len());
    for &i in &leaf.entries {
        meshes.push(spool.read(entries[i].slot).map_err(io(&path))?);
    }
    let bounds = FeatureMesh::union_bounds(&meshes);
    let frame = LocalFrame::centred(&bounds);
    let refs: Vec<&FeatureMesh> = meshes.iter().collect();
    let glb = write_glb(
        &refs,
        &frame,
        &GlbOptions {
            schema,
            extras: None,
        },
    );
    std::fs::write(&path, &glb).map_err(io(&path))?;
    Ok(LeafOut {
        region: [
            bounds[0].to_radians() - PAD_RADIANS,
            bounds[1].to_radians() - PAD_RADIANS,
            bounds[3].to_radians() + PAD_RADIANS,
            bounds[4].to_radians() + PAD_RADIANS,
            bounds[2] - PAD_METRES,
            bounds[5] + PAD_METRES,
        ],
        transform: frame.to_ecef,
        triangles: meshes.iter().map(|m| m.triangles.len() as u64).sum(),
        bytes: glb.len() as u64,
    })
}

/// The diagonal of a region in metres (approximate, on a sphere).
pub fn region_diagonal(r: &[f64; 6]) -> f64 {
    let radius = crate::placement::WGS84_A;
    let lat = (r[1] + r[3]) / 2.0;
    let w = (r[2] - r[0]) * radius * lat.cos();
    let h = (r[3] - r[1]) * radius;
    let d = r[5] - r[4];
    (w * w + h * h + d * d).sqrt()
}

/// The JSON of a tile and its subtree, its region and the subtree's depth.
fn tile_json(
    node: &Node,
    outs: &std::collections::HashMap<String, LeafOut>,
    parent_error: f64,
) -> (Value, [f64; 6], u32) {
    if node.children.is_empty() {
        let Some(out) = outs.get(&node.path) else {
            return (json!({}), [0.0; 6], 0);
        };
        let tile = json!({
            "boundingVolume": {"region": out.region},
            "geometricError": 0.0,
            "transform": out.transform,
            "content": {"uri": format!("tiles/{}.glb", node.path)},
        });
        return (tile, out.region, 0);
    }
    let region = subtree_region(node, outs);
    let error = (region_diagonal(&region) / 2.0)
        .min(parent_error / 2.0)
        .max(1e-3);
    let mut children = Vec::with_capacity(node.children.len());
    let mut depth = 0;
    for c in &node.children {
        let (j, _, d) = tile_json(c, outs, error);
        children.push(j);
        depth = depth.max(d + 1);
    }
    let tile = json!({
        "boundingVolume": {"region": region},
        "geometricError": error,
        "refine": "ADD",
        "children": children,
    });
    (tile, region, depth)
}

fn subtree_region(node: &Node, outs: &std::collections::HashMap<String, LeafOut>) -> [f64; 6] {
    if node.children.is_empty() {
        return outs.get(&node.path).map(|o| o.region).unwrap_or([0.0; 6]);
    }
    let mut region = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    for c in &node.children {
        let r = subtree_region(c, outs);
        region = [
            region[0].min(r[0]),
            region[1].min(r[1]),
            region[2].max(r[2]),
            region[3].max(r[3]),
            region[4].min(r[4]),
            region[5].max(r[5]),
        ];
    }
    region
}
