//! Snapping: vertices closer than the snap tolerance become one vertex before validation, as
//! val3dity does, so that independently stored copies of a corner meet.

use rustc_hash::FxHashMap as HashMap;
use urbis_geom::vector::{distance, Vec3};

/// Points after snapping, and the snapped id of every input point.
#[derive(Debug, Clone, Default)]
pub struct Snapped {
    /// The representative points (the first point of each cluster).
    pub points: Vec<Vec3>,
    /// For every input point, its representative's index in `points`.
    pub id: Vec<u32>,
}

/// Merges points closer than `tol` (identical points always; `tol <= 0` merges only those).
///
/// ```
/// let s = urbis_validate::snap::snap(&[[0.0; 3], [0.0005, 0.0, 0.0], [1.0, 0.0, 0.0]], 0.001);
/// assert_eq!(s.id, vec![0, 0, 1]);
/// ```
pub fn snap(points: &[Vec3], tol: f64) -> Snapped {
    let mut out = Snapped {
        points: Vec::new(),
        id: Vec::with_capacity(points.len()),
    };
    let mut exact: HashMap<[u64; 3], u32> = HashMap::default();
    let mut grid: HashMap<[i64; 3], Vec<u32>> = HashMap::default();
    let snapping = tol > 0.0 && tol.is_finite();
    let cell = |p: Vec3| -> [i64; 3] { [0, 1, 2].map(|k| (p[k] / tol).floor() as i64) };
    for &p in points {
        let key = p.map(f64::to_bits);
        if let Some(&i) = exact.get(&key) {
            out.id.push(i);
            continue;
        }
        let mut found = None;
        if snapping {
            let c = cell(p);
            'search: for dx in -1..=1 {
                for dy in -1..=1 {
                    for dz in -1..=1 {
                        if let Some(list) = grid.get(&[c[0] + dx, c[1] + dy, c[2] + dz]) {
                            for &i in list {
                                if distance(out.points[i as usize], p) < tol {
                                    found = Some(i);
                                    break 'search;
                                }
                            }
                        }
                    }
                }
            }
        }
        let i = match found {
            Some(i) => i,
            None => {
                let i = out.points.len() as u32;
                out.points.push(p);
                if snapping {
                    grid.entry(cell(p)).or_default().push(i);
                }
                i
            }
        };
        exact.insert(key, i);
        out.id.push(i);
    }
    out
}
