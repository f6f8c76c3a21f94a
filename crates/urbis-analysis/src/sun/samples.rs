//! Where sunlight is measured: cells of a ground grid and points on Building facades.

use super::scene::{Role, Scene};

/// A regular grid over the ground, north up, in local coordinates.
#[derive(Debug, Clone)]
pub struct GroundGrid {
    /// Local x, y of the grid's south-west corner.
    pub corner: [f64; 2],
    /// Cell size, m.
    pub cell: f64,
    /// Columns (x).
    pub nx: usize,
    /// Rows (y, from the south).
    pub ny: usize,
    /// Ground height (local z) per cell, row by row from the south-west; `None` where the
    /// cell is not sampled (under a structure, or no surface below).
    pub ground: Vec<Option<f64>>,
    /// Per cell: under a building or another structure.
    pub under_structure: Vec<bool>,
}

impl GroundGrid {
    /// Local x, y of the centre of cell `i`.
    pub fn centre(&self, i: usize) -> [f64; 2] {
        let (col, row) = (i % self.nx, i / self.nx);
        [
            self.corner[0] + (col as f64 + 0.5) * self.cell,
            self.corner[1] + (row as f64 + 0.5) * self.cell,
        ]
    }
}

/// Samples the ground under every cell centre of a grid over `extent` (local min x, min y,
/// max x, max y): a ray cast down from above the scene finds the surface; a cell whose first
/// surface belongs to a building, or is the underside of another solid (a bridge), is under
/// that structure and not sampled; a cell with no
/// surface below lies at `base` (the lowest building ground, else the scene's lowest point).
pub fn ground_grid(scene: &Scene, extent: [f64; 4], cell: f64) -> GroundGrid {
    use rayon::prelude::*;
    let nx = (((extent[2] - extent[0]) / cell).ceil() as usize).max(1);
    let ny = (((extent[3] - extent[1]) / cell).ceil() as usize).max(1);
    let top = scene.bounds.1[2] + 1.0;
    let base = scene
        .buildings
        .iter()
        .map(|b| b.ground)
        .fold(f64::INFINITY, f64::min);
    let base = if base.is_finite() {
        base
    } else {
        scene.bounds.0[2]
    };
    let mut grid = GroundGrid {
        corner: [extent[0], extent[1]],
        cell,
        nx,
        ny,
        ground: Vec::new(),
        under_structure: Vec::new(),
    };
    let has_ground = scene.roles.contains(&Role::Other);
    let cells: Vec<(Option<f64>, bool)> = (0..nx * ny)
        .into_par_iter()
        .map(|i| {
            let c = grid.centre(i);
            match scene
                .bvh
                .closest_hit([c[0], c[1], top], [0.0, 0.0, -1.0], 0.0, f64::INFINITY)
            {
                Some((t, tri)) => match scene.roles.get(tri as usize) {
                    Some(Role::Building | Role::Underside) => (None, true),
                    _ => (Some(top - t), false),
                },
                None if has_ground => (None, false),
                None => (Some(base), false),
            }
        })
        .collect();
    (grid.ground, grid.under_structure) = cells.into_iter().unzip();
    grid
}

/// How facade points are placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FacadeMode {
    /// Along each wall at this height above the Building's ground (a ground-floor window sill).
    WindowSill(f64),
    /// On a square grid over each wall.
    Grid,
}

/// A point on a facade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FacadePoint {
    /// Index of the Building in [`Scene::buildings`].
    pub building: usize,
    /// Local coordinates, on the wall.
    pub position: [f64; 3],
    /// The wall's outward unit normal.
    pub normal: [f64; 3],
}

/// Facade points of every Building's walls, about `spacing` apart.
pub fn facade_points(scene: &Scene, mode: FacadeMode, spacing: f64) -> Vec<FacadePoint> {
    let mut out = Vec::new();
    for (bi, b) in scene.buildings.iter().enumerate() {
        for wall in &b.walls {
            let n = wall.normal;
            let h = (n[0] * n[0] + n[1] * n[1]).sqrt();
            if h < 1e-6 {
                continue;
            }
            // u: horizontal along the wall; v: up the wall.
            let u = [-n[1] / h, n[0] / h, 0.0];
            let v = [
                n[1] * u[2] - n[2] * u[1],
                n[2] * u[0] - n[0] * u[2],
                n[0] * u[1] - n[1] * u[0],
            ];
            let mut push = |p: [f64; 3]| {
                out.push(FacadePoint {
                    building: bi,
                    position: p,
                    normal: n,
                })
            };
            match mode {
                FacadeMode::WindowSill(sill) => {
                    let z = b.ground + sill;
                    let mut cuts: Vec<[f64; 3]> = Vec::new();
                    for ring in &wall.rings {
                        let k = ring.len();
                        for i in 0..k {
                            let (a, c) = (ring[i], ring[(i + 1) % k]);
                            if (a[2] <= z) != (c[2] <= z) {
                                let t = (z - a[2]) / (c[2] - a[2]);
                                cuts.push([a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1]), z]);
                            }
                        }
                    }
                    let along = |p: &[f64; 3]| p[0] * u[0] + p[1] * u[1];
                    cuts.sort_by(|a, b| along(a).total_cmp(&along(b)));
                    for pair in cuts.chunks_exact(2) {
                        let (a, c) = (pair[0], pair[1]);
                        let len = along(&c) - along(&a);
                        if len <= 1e-9 {
                            continue;
                        }
                        let count = ((len / spacing).round() as usize).max(1);
                        for k in 0..count {
                            let t = (k as f64 + 0.5) / count as f64;
                            push([a[0] + t * (c[0] - a[0]), a[1] + t * (c[1] - a[1]), z]);
                        }
                    }
                }
                FacadeMode::Grid => {
                    let Some(&p0) = wall.rings.first().and_then(|r| r.first()) else {
                        continue;
                    };
                    let to_uv = |p: &[f64; 3]| {
                        let d = [p[0] - p0[0], p[1] - p0[1], p[2] - p0[2]];
                        [
                            d[0] * u[0] + d[1] * u[1] + d[2] * u[2],
                            d[0] * v[0] + d[1] * v[1] + d[2] * v[2],
                        ]
                    };
                    let rings: Vec<Vec<[f64; 2]>> = wall
                        .rings
                        .iter()
                        .map(|r| r.iter().map(to_uv).collect())
                        .collect();
                    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
                    for q in rings.iter().flatten() {
                        for k in 0..2 {
                            lo[k] = lo[k].min(q[k]);
                            hi[k] = hi[k].max(q[k]);
                        }
                    }
                    let (nu, nv) = (
                        ((hi[0] - lo[0]) / spacing).ceil() as usize,
                        ((hi[1] - lo[1]) / spacing).ceil() as usize,
                    );
                    for i in 0..nu {
                        for j in 0..nv {
                            let a = lo[0] + (i as f64 + 0.5) * spacing;
                            let c = lo[1] + (j as f64 + 0.5) * spacing;
                            if inside(&rings, [a, c]) {
                                push([
                                    p0[0] + a * u[0] + c * v[0],
                                    p0[1] + a * u[1] + c * v[1],
                                    p0[2] + a * u[2] + c * v[2],
                                ]);
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

/// Even-odd point in polygon over all rings.
fn inside(rings: &[Vec<[f64; 2]>], p: [f64; 2]) -> bool {
    let mut odd = false;
    for r in rings {
        let n = r.len();
        for i in 0..n {
            let (a, b) = (r[i], r[(i + 1) % n]);
            if (a[1] > p[1]) != (b[1] > p[1])
                && p[0] < a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0])
            {
                odd = !odd;
            }
        }
    }
    odd
}
