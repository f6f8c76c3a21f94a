//! A deterministic demo district: a compact, roughly square grid of perimeter blocks around
//! streets, taller and older towards the centre, with a market square and a park with trees in
//! the middle, on a flat terrain. What `urbis demo` shows first.
//!
//! Each block is 84 m square with 20 plots around its edge (6 along the north and south
//! streets, 4 along the east and west ones); plots are left empty evenly so that exactly the
//! requested number of buildings fills the grid. Buildings are the LoD1 + LoD2.2 solids of
//! [`crate::synthetic`], with the ridge along their street.

use crate::synthetic::{
    building_feature, flat_terrain, one_object_feature, sem, solid, titled_header, BuildingFacts,
    BuildingShape, Mesh, Rng, Roof,
};
use crate::{
    CityObjectType, Feature, Geometry, GeometryType, Header, JsonMap, Semantics, Transform,
};
use serde_json::json;

/// Side of a block, metres.
const BLOCK: f64 = 84.0;
/// Width of a street, metres.
const STREET: f64 = 16.0;
/// Block plus street.
const PITCH: f64 = BLOCK + STREET;
/// Plot width along the street and depth of the ring of plots, metres.
const PLOT: f64 = 14.0;
/// Plots along the south and north sides of a block.
const PLOTS_NS: usize = 6;
/// Plots along the east and west sides of a block (between the corner plots).
const PLOTS_EW: usize = 4;
/// Plots per block.
const PLOTS: usize = 2 * (PLOTS_NS + PLOTS_EW);
/// Height of roads, the square and the park above the terrain (so they do not flicker with it).
const PAVING: f64 = 0.05;

/// The district's parameters are the synthetic city's: buildings, seed and south-west corner.
pub use crate::synthetic::CitySpec as DistrictSpec;

/// The block grid of a district: `cols` × `rows` blocks, two of them the square and the park.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    /// Blocks from west to east.
    pub cols: usize,
    /// Blocks from south to north.
    pub rows: usize,
}

impl Grid {
    /// The most nearly square grid with room for `buildings` plus the square and the park.
    pub fn for_buildings(buildings: usize) -> Grid {
        let blocks = (buildings.div_ceil(PLOTS) + 2).max(4);
        let cols = (blocks as f64).sqrt().ceil().max(2.0) as usize;
        let rows = blocks.div_ceil(cols);
        Grid { cols, rows }
    }

    /// (column, row) of the park: the middle block.
    pub fn park(&self) -> (usize, usize) {
        (self.cols / 2, self.rows / 2)
    }

    /// (column, row) of the market square: west of the park.
    pub fn square(&self) -> (usize, usize) {
        (self.cols / 2 - 1, self.rows / 2)
    }

    /// Blocks that hold buildings, in row order.
    fn building_blocks(self) -> impl Iterator<Item = (usize, usize)> {
        (0..self.rows)
            .flat_map(move |r| (0..self.cols).map(move |c| (c, r)))
            .filter(move |b| *b != self.park() && *b != self.square())
    }
}

/// The district's extent in EPSG:7415: [min x, min y, max x, max y], streets included.
pub fn extent(spec: &DistrictSpec) -> [f64; 4] {
    let g = Grid::for_buildings(spec.buildings);
    let [x, y] = spec.origin;
    [
        x,
        y,
        x + STREET + g.cols as f64 * PITCH,
        y + STREET + g.rows as f64 * PITCH,
    ]
}

/// The header of a district (EPSG:7415, millimetre transform).
pub fn header(spec: &DistrictSpec) -> Header {
    titled_header(
        format!(
            "urbis demo district ({} buildings, seed {})",
            spec.buildings, spec.seed
        ),
        spec.origin,
    )
}

/// Features of the district in order: buildings, streets, the square, the park, the courtyard
/// gardens, the park's trees and the terrain. Each is built when the iterator reaches it, so any size streams in constant
/// memory.
pub fn features(spec: DistrictSpec) -> impl Iterator<Item = Feature> {
    let t = header(&spec).transform;
    let grid = Grid::for_buildings(spec.buildings);
    let blocks: Vec<(usize, usize)> = grid.building_blocks().collect();
    let slots = blocks.len() * PLOTS;
    let n = spec.buildings;
    // Slot i holds building i·n/slots when that value steps up: exactly n, spread evenly.
    let buildings = (0..slots)
        .filter(move |&i| (i + 1) * n / slots > i * n / slots)
        .map(move |i| {
            let (c, r) = blocks[i / PLOTS];
            plot_building(&spec, &t, (c, r), i % PLOTS, i * n / slots)
        });
    let streets = (0..=grid.rows)
        .map(move |r| street(&spec, &t, grid, Street::EastWest(r)))
        .chain((0..=grid.cols).map(move |c| street(&spec, &t, grid, Street::NorthSouth(c))));
    let open = std::iter::once_with(move || market_square(&spec, &t, grid))
        .chain(std::iter::once_with(move || park(&spec, &t, grid)));
    let gardens = grid.building_blocks().map(move |b| courtyard(&spec, &t, b));
    let trees = tree_spots(&spec, grid)
        .into_iter()
        .enumerate()
        .map(move |(k, p)| tree(&t, k, p));
    let [x0, y0, x1, y1] = extent(&spec);
    let terrain = std::iter::once_with(move || flat_terrain(&t, [x0, y0], [x1 - x0, y1 - y0]));
    buildings
        .chain(streets)
        .chain(open)
        .chain(gardens)
        .chain(trees)
        .chain(terrain)
}

/// South-west corner of block (column, row).
fn block_origin(spec: &DistrictSpec, (c, r): (usize, usize)) -> [f64; 2] {
    [
        spec.origin[0] + STREET + c as f64 * PITCH,
        spec.origin[1] + STREET + r as f64 * PITCH,
    ]
}

/// Building `index` on plot `slot` of a block: slots 0–5 face the south street (west to east),
/// 6–9 the east street, 10–15 the north street, 16–19 the west street.
fn plot_building(
    spec: &DistrictSpec,
    t: &Transform,
    block: (usize, usize),
    slot: usize,
    index: usize,
) -> Feature {
    let mut rng = Rng(spec.seed ^ (index as u64).wrapping_mul(0xA24B_AED4_963E_E407));
    let [bx, by] = block_origin(spec, block);
    let gap = rng.range(0.6, 2.4);
    let width = ((PLOT - gap) * 10.0).round() / 10.0;
    let setback = (rng.range(0.0, 1.0) * 10.0).round() / 10.0;
    // How central the block is: 1 in the middle of the district, 0 at its corners.
    let [x0, y0, x1, y1] = extent(spec);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let half_diagonal = ((x1 - x0).hypot(y1 - y0) / 2.0).max(1.0);
    let centrality = 1.0 - ((bx + BLOCK / 2.0 - cx).hypot(by + BLOCK / 2.0 - cy) / half_diagonal);
    let storeys = (2.0 + 7.0 * centrality.powi(2) + rng.range(-1.5, 2.5))
        .clamp(1.0, 12.0)
        .round() as i64;
    let tall = storeys >= 6;
    let depth_limit = (PLOT - setback).min(width - 1.0);
    let depth = (rng
        .range(if tall { 11.0 } else { 8.5 }, 13.0)
        .min(depth_limit)
        * 10.0)
        .floor()
        / 10.0;
    let roll = rng.next() % 20;
    let roof = match (tall, roll) {
        (true, 0..=15) | (false, 0..=5) => Roof::Flat,
        (_, 16..=19) | (false, 6..=10) => Roof::Hip,
        _ => Roof::Gable,
    };
    let eave = storeys as f64 * 3.0;
    let ridge = if roof == Roof::Flat {
        eave
    } else {
        eave + (rng.range(2.5, 5.0) * 10.0).round() / 10.0
    };
    // The plot's start along its street, and its side of the block.
    let inner = PLOT + gap / 2.0;
    let (along, turned, across) = match slot {
        0..=5 => (bx + slot as f64 * PLOT + gap / 2.0, false, by + setback),
        6..=9 => (
            by + inner + (slot - 6) as f64 * PLOT,
            true,
            bx + BLOCK - setback - depth,
        ),
        10..=15 => (
            bx + (15 - slot) as f64 * PLOT + gap / 2.0,
            false,
            by + BLOCK - setback - depth,
        ),
        _ => (by + inner + (19 - slot) as f64 * PLOT, true, bx + setback),
    };
    // A turned shape is given with x and y exchanged: `along` is then its y, `across` its x.
    let shape = BuildingShape {
        x: along,
        y: across,
        width,
        depth,
        eave,
        ridge,
        roof,
    };
    let year = (1650.0 + 330.0 * (1.0 - centrality) + rng.range(-40.0, 60.0)).min(2024.0) as i64;
    let function = match (tall, rng.next() % 10) {
        (true, 0..=5) => "office",
        (_, 0..=1) => "retail",
        _ => "residential",
    };
    let facts = BuildingFacts {
        storeys,
        year,
        function,
    };
    building_feature(t, format!("building_{index:06}"), &shape, turned, &facts)
}

/// A street of the grid: east-west street `r` (south of block row `r`) or north-south street `c`.
#[derive(Clone, Copy)]
enum Street {
    EastWest(usize),
    NorthSouth(usize),
}

/// A horizontal rectangle at paving height as a ring of `m`, counter-clockwise seen from above.
fn ground_ring(m: &mut Mesh, [x0, y0, x1, y1]: [f64; 4]) -> Vec<u32> {
    vec![
        m.v([x0, y0, PAVING]),
        m.v([x1, y0, PAVING]),
        m.v([x1, y1, PAVING]),
        m.v([x0, y1, PAVING]),
    ]
}

/// A one-object feature whose geometry is an LoD1 MultiSurface of horizontal rectangles, all
/// with semantic surface `semantic` when given.
fn ground_feature(
    t: &Transform,
    id: String,
    kind: CityObjectType,
    rectangles: &[[f64; 4]],
    semantic: Option<&str>,
    attributes: JsonMap,
) -> Feature {
    let mut m = Mesh::new(t);
    let mut g = Geometry::new(GeometryType::MultiSurface, Some("1".into()));
    for r in rectangles {
        g.boundaries.push_ring(&ground_ring(&mut m, *r));
        g.boundaries.close_surface();
    }
    if let Some(s) = semantic {
        g.semantics = Some(Semantics {
            surfaces: vec![sem(s)],
            values: vec![Some(0); rectangles.len()],
        });
    }
    one_object_feature(id, kind, Some(attributes), vec![g], m)
}

fn street(spec: &DistrictSpec, t: &Transform, grid: Grid, s: Street) -> Feature {
    let [x0, y0, x1, _] = extent(spec);
    let (id, name, rectangles) = match s {
        Street::EastWest(r) => {
            let y = y0 + r as f64 * PITCH;
            (
                format!("street_ew_{r:03}"),
                format!("Street {}", r + 1),
                vec![[x0, y, x1, y + STREET]],
            )
        }
        Street::NorthSouth(c) => {
            // Between the east-west streets, which already pave the crossings.
            let x = x0 + c as f64 * PITCH;
            let pieces = (0..grid.rows)
                .map(|r| {
                    let y = y0 + STREET + r as f64 * PITCH;
                    [x, y, x + STREET, y + BLOCK]
                })
                .collect();
            (
                format!("street_ns_{c:03}"),
                format!("Avenue {}", c + 1),
                pieces,
            )
        }
    };
    let mut attrs = JsonMap::new();
    attrs.insert("name".into(), json!(name));
    ground_feature(
        t,
        id,
        CityObjectType::Road,
        &rectangles,
        Some("TrafficArea"),
        attrs,
    )
}

fn block_rectangle(spec: &DistrictSpec, block: (usize, usize)) -> [f64; 4] {
    let [x, y] = block_origin(spec, block);
    [x, y, x + BLOCK, y + BLOCK]
}

fn market_square(spec: &DistrictSpec, t: &Transform, grid: Grid) -> Feature {
    let mut attrs = JsonMap::new();
    attrs.insert("name".into(), json!("Market Square"));
    ground_feature(
        t,
        "market_square".into(),
        CityObjectType::TransportSquare,
        &[block_rectangle(spec, grid.square())],
        Some("TrafficArea"),
        attrs,
    )
}

fn park(spec: &DistrictSpec, t: &Transform, grid: Grid) -> Feature {
    let mut attrs = JsonMap::new();
    attrs.insert("name".into(), json!("City Park"));
    attrs.insert("class".into(), json!("grass"));
    ground_feature(
        t,
        "park".into(),
        CityObjectType::PlantCover,
        &[block_rectangle(spec, grid.park())],
        None,
        attrs,
    )
}

/// The garden in the courtyard of a block with buildings, inside its ring of plots.
fn courtyard(spec: &DistrictSpec, t: &Transform, (c, r): (usize, usize)) -> Feature {
    let [x0, y0, x1, y1] = block_rectangle(spec, (c, r));
    let mut attrs = JsonMap::new();
    attrs.insert("class".into(), json!("garden"));
    ground_feature(
        t,
        format!("courtyard_{c:03}_{r:03}"),
        CityObjectType::PlantCover,
        &[[x0 + PLOT, y0 + PLOT, x1 - PLOT, y1 - PLOT]],
        None,
        attrs,
    )
}

/// Where the park's trees stand: a jittered 12 m grid inside the park, height in z.
fn tree_spots(spec: &DistrictSpec, grid: Grid) -> Vec<[f64; 3]> {
    let [x0, y0, _, _] = block_rectangle(spec, grid.park());
    let mut rng = Rng(spec.seed ^ 0x7EE5);
    let mut spots = Vec::new();
    for j in 0..6 {
        for i in 0..6 {
            // A cross of paths through the middle stays open.
            if i == 3 || j == 3 {
                continue;
            }
            spots.push([
                x0 + 9.0 + i as f64 * 13.0 + rng.range(-2.0, 2.0),
                y0 + 9.0 + j as f64 * 13.0 + rng.range(-2.0, 2.0),
                rng.range(7.0, 12.0),
            ]);
        }
    }
    spots
}

/// A tree: one closed Solid of a 0.6 m trunk to 35% of its height, widening to a crown 45% of
/// its height across and closing at its top.
fn tree(t: &Transform, k: usize, [x, y, height]: [f64; 3]) -> Feature {
    let mut m = Mesh::new(t);
    let square = |m: &mut Mesh, half: f64, z: f64| {
        [
            m.v([x - half, y - half, z]),
            m.v([x + half, y - half, z]),
            m.v([x + half, y + half, z]),
            m.v([x - half, y + half, z]),
        ]
    };
    let foot = square(&mut m, 0.3, 0.0);
    let neck = square(&mut m, 0.3, height * 0.35);
    let crown = square(&mut m, height * 0.225, height * 0.6);
    let top = m.v([x, y, height]);
    let mut faces = vec![(vec![foot[0], foot[3], foot[2], foot[1]], 0)];
    for e in 0..4 {
        let f = (e + 1) % 4;
        faces.push((vec![foot[e], foot[f], neck[f], neck[e]], 0));
        faces.push((vec![neck[e], neck[f], crown[f], crown[e]], 0));
        faces.push((vec![crown[e], crown[f], top], 0));
    }
    let mut g = solid("2", &faces, Vec::new());
    g.semantics = None;
    let mut attrs = JsonMap::new();
    attrs.insert("height".into(), json!((height * 10.0).round() / 10.0));
    one_object_feature(
        format!("tree_{k:03}"),
        CityObjectType::SolitaryVegetationObject,
        Some(attrs),
        vec![g],
        m,
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn footprint(f: &Feature, t: &Transform) -> [f64; 4] {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for v in &f.vertices {
            let p = t.apply(*v);
            b = [
                b[0].min(p[0]),
                b[1].min(p[1]),
                b[2].max(p[0]),
                b[3].max(p[1]),
            ];
        }
        b
    }

    #[test]
    fn exactly_the_buildings_asked_for_in_a_nearly_square_district() {
        for n in [0, 1, 19, 300, 2_000] {
            let spec = DistrictSpec {
                buildings: n,
                ..Default::default()
            };
            let buildings = features(spec)
                .filter(|f| f.objects[0].kind == CityObjectType::Building)
                .count();
            assert_eq!(buildings, n);
            let [x0, y0, x1, y1] = extent(&spec);
            let ratio = (x1 - x0).max(y1 - y0) / (x1 - x0).min(y1 - y0);
            assert!(ratio <= 1.5, "{n}: {ratio}");
        }
        assert_eq!(Grid::for_buildings(2_000), Grid { cols: 11, rows: 10 });
    }

    #[test]
    fn buildings_stand_inside_their_blocks_without_overlapping() {
        let spec = DistrictSpec {
            buildings: 300,
            ..Default::default()
        };
        let t = header(&spec).transform;
        let all: Vec<Feature> = features(spec).collect();
        let boxes: Vec<[f64; 4]> = all
            .iter()
            .filter(|f| f.objects[0].kind == CityObjectType::Building)
            .map(|f| footprint(f, &t))
            .collect();
        let [x0, y0, x1, y1] = extent(&spec);
        for (i, a) in boxes.iter().enumerate() {
            // Inside a block: never on a street.
            let local = |v: f64, o: f64| (v - o - STREET).rem_euclid(PITCH);
            assert!(
                local(a[0], x0) < BLOCK && local(a[2] - 0.001, x0) < BLOCK,
                "{a:?}"
            );
            assert!(
                local(a[1], y0) < BLOCK && local(a[3] - 0.001, y0) < BLOCK,
                "{a:?}"
            );
            assert!(a[0] >= x0 && a[1] >= y0 && a[2] <= x1 && a[3] <= y1);
            assert!(a[2] - a[0] > 8.0 && a[3] - a[1] > 8.0, "{a:?}");
            for b in &boxes[i + 1..] {
                let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
                assert!(apart, "{a:?} overlaps {b:?}");
            }
        }
        // The square, the park and its trees, a street on every side of every block.
        let ids: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
        assert!(ids.contains(&"market_square") && ids.contains(&"park"));
        let gardens = ids.iter().filter(|i| i.starts_with("courtyard_")).count();
        assert!(gardens >= 300 / PLOTS, "{gardens}");
        assert!(ids.iter().filter(|i| i.starts_with("tree_")).count() >= 20);
        let grid = Grid::for_buildings(300);
        let streets = ids.iter().filter(|i| i.starts_with("street_")).count();
        assert_eq!(streets, grid.cols + grid.rows + 2);
    }

    #[test]
    fn taller_in_the_middle_than_at_the_edge() {
        let spec = DistrictSpec {
            buildings: 2_000,
            ..Default::default()
        };
        let t = header(&spec).transform;
        let [x0, y0, x1, y1] = extent(&spec);
        let (cx, cy, r) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0) / 4.0);
        let (mut inner, mut outer) = (Vec::new(), Vec::new());
        for f in features(spec).filter(|f| f.objects[0].kind == CityObjectType::Building) {
            let b = footprint(&f, &t);
            let h = f.objects[0].attributes.as_ref().unwrap()["measuredHeight"]
                .as_f64()
                .unwrap();
            let d = ((b[0] + b[2]) / 2.0 - cx).hypot((b[1] + b[3]) / 2.0 - cy);
            if d < r {
                inner.push(h)
            } else {
                outer.push(h)
            }
        }
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        assert!(
            mean(&inner) > 1.5 * mean(&outer),
            "{} vs {}",
            mean(&inner),
            mean(&outer)
        );
        let distinct: std::collections::BTreeSet<i64> = inner
            .iter()
            .chain(&outer)
            .map(|h| (*h * 10.0) as i64)
            .collect();
        assert!(distinct.len() > 50);
    }
}
