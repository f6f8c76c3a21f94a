//! A bounding volume hierarchy over triangles, for casting rays: any hit (is the sun
//! blocked?) and closest hit (what is below this point?).
//!
//! Built top-down with a binned surface-area heuristic; leaves hold at most four triangles.
//! Triangles are tested with the Möller–Trumbore algorithm, from both sides.

/// A triangle, stored as a corner and two edges.
#[derive(Debug, Clone, Copy)]
struct Tri {
    v0: [f64; 3],
    e1: [f64; 3],
    e2: [f64; 3],
}

#[derive(Debug, Clone, Copy)]
struct Node {
    min: [f64; 3],
    max: [f64; 3],
    /// Leaf: first triangle; inner: the right child (the left one follows the node).
    index: u32,
    /// Leaf: triangle count; inner: 0.
    count: u32,
}

/// The hierarchy.
#[derive(Debug, Clone, Default)]
pub struct Bvh {
    nodes: Vec<Node>,
    tris: Vec<Tri>,
    /// For each stored triangle, its number in the input.
    ids: Vec<u32>,
}

const LEAF: usize = 4;
const BINS: usize = 12;

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[derive(Clone, Copy)]
struct Bounds {
    min: [f64; 3],
    max: [f64; 3],
}

impl Bounds {
    const EMPTY: Bounds = Bounds {
        min: [f64::INFINITY; 3],
        max: [f64::NEG_INFINITY; 3],
    };
    fn grow(&mut self, p: [f64; 3]) {
        for k in 0..3 {
            self.min[k] = self.min[k].min(p[k]);
            self.max[k] = self.max[k].max(p[k]);
        }
    }
    fn merge(&mut self, o: &Bounds) {
        self.grow(o.min);
        self.grow(o.max);
    }
    fn area(&self) -> f64 {
        let d = sub(self.max, self.min);
        if d[0] < 0.0 {
            return 0.0;
        }
        2.0 * (d[0] * d[1] + d[1] * d[2] + d[2] * d[0])
    }
}

impl Bvh {
    /// Builds the hierarchy over `triangles` (degenerate ones are dropped).
    pub fn new(triangles: &[[[f64; 3]; 3]]) -> Bvh {
        let mut items: Vec<(u32, Bounds, [f64; 3])> = triangles
            .iter()
            .enumerate()
            .filter(|(_, t)| {
                let n = cross(sub(t[1], t[0]), sub(t[2], t[0]));
                dot(n, n) > 0.0 && t.iter().flatten().all(|c| c.is_finite())
            })
            .map(|(i, t)| {
                let mut b = Bounds::EMPTY;
                t.iter().for_each(|&p| b.grow(p));
                let c = [0, 1, 2].map(|k| (t[0][k] + t[1][k] + t[2][k]) / 3.0);
                (i as u32, b, c)
            })
            .collect();
        let mut bvh = Bvh::default();
        if items.is_empty() {
            return bvh;
        }
        let len = items.len();
        bvh.build(&mut items, 0, len);
        for (i, _, _) in &items {
            let t = triangles[*i as usize];
            bvh.tris.push(Tri {
                v0: t[0],
                e1: sub(t[1], t[0]),
                e2: sub(t[2], t[0]),
            });
            bvh.ids.push(*i);
        }
        bvh
    }

    /// Number of triangles held.
    pub fn len(&self) -> usize {
        self.tris.len()
    }

    /// True when it holds no triangle.
    pub fn is_empty(&self) -> bool {
        self.tris.is_empty()
    }

    fn build(&mut self, items: &mut [(u32, Bounds, [f64; 3])], first: usize, end: usize) -> usize {
        let node = self.nodes.len();
        let slice = &mut items[first..end];
        let mut bounds = Bounds::EMPTY;
        let mut centres = Bounds::EMPTY;
        for (_, b, c) in slice.iter() {
            bounds.merge(b);
            centres.grow(*c);
        }
        self.nodes.push(Node {
            min: bounds.min,
            max: bounds.max,
            index: first as u32,
            count: slice.len() as u32,
        });
        if slice.len() <= LEAF {
            return node;
        }
        // Binned SAH over the widest axis of the centres.
        let extent = sub(centres.max, centres.min);
        let axis = (0..3)
            .max_by(|&a, &b| extent[a].total_cmp(&extent[b]))
            .unwrap_or(0);
        let mut mid = slice.len() / 2;
        if extent[axis] > 0.0 {
            let scale = BINS as f64 / extent[axis];
            let bin_of =
                |c: [f64; 3]| (((c[axis] - centres.min[axis]) * scale) as usize).min(BINS - 1);
            let mut bins = [(Bounds::EMPTY, 0usize); BINS];
            for (_, b, c) in slice.iter() {
                let k = bin_of(*c);
                bins[k].0.merge(b);
                bins[k].1 += 1;
            }
            let mut best = (f64::INFINITY, 0usize);
            for split in 1..BINS {
                let (mut l, mut r) = (Bounds::EMPTY, Bounds::EMPTY);
                let (mut nl, mut nr) = (0, 0);
                for (b, n) in &bins[..split] {
                    if *n > 0 {
                        l.merge(b);
                        nl += n;
                    }
                }
                for (b, n) in &bins[split..] {
                    if *n > 0 {
                        r.merge(b);
                        nr += n;
                    }
                }
                let cost = l.area() * nl as f64 + r.area() * nr as f64;
                if nl > 0 && nr > 0 && cost < best.0 {
                    best = (cost, split);
                }
            }
            if best.1 > 0 {
                let split = best.1;
                let mut i = 0;
                for j in 0..slice.len() {
                    if bin_of(slice[j].2) < split {
                        slice.swap(i, j);
                        i += 1;
                    }
                }
                if i > 0 && i < slice.len() {
                    mid = i;
                }
            }
        }
        let split = first + mid;
        self.build(items, first, split);
        let right = self.build(items, split, end);
        self.nodes[node].index = right as u32;
        self.nodes[node].count = 0;
        node
    }

    /// True when the ray `origin + t·dir`, `t` in (`t_min`, `t_max`), hits a triangle.
    pub fn any_hit(&self, origin: [f64; 3], dir: [f64; 3], t_min: f64, t_max: f64) -> bool {
        self.traverse(origin, dir, t_min, t_max, true).is_some()
    }

    /// The nearest hit along the ray: its `t` and the triangle's number in the input.
    pub fn closest_hit(
        &self,
        origin: [f64; 3],
        dir: [f64; 3],
        t_min: f64,
        t_max: f64,
    ) -> Option<(f64, u32)> {
        self.traverse(origin, dir, t_min, t_max, false)
            .map(|(t, i)| (t, self.ids[i]))
    }

    fn traverse(
        &self,
        origin: [f64; 3],
        dir: [f64; 3],
        t_min: f64,
        mut t_max: f64,
        any: bool,
    ) -> Option<(f64, usize)> {
        if self.nodes.is_empty() {
            return None;
        }
        let inv = dir.map(|d| 1.0 / d);
        let mut best = None;
        let mut stack = [0u32; 64];
        let mut top = 1;
        while top > 0 {
            top -= 1;
            let ni = stack[top];
            let n = &self.nodes[ni as usize];
            if !slab(n, origin, inv, t_min, t_max) {
                continue;
            }
            if n.count > 0 {
                let first = n.index as usize;
                for i in first..first + n.count as usize {
                    if let Some(t) = hit(&self.tris[i], origin, dir, t_min, t_max) {
                        if any {
                            return Some((t, i));
                        }
                        t_max = t;
                        best = Some((t, i));
                    }
                }
            } else if top + 2 <= stack.len() {
                // The left child follows its parent.
                stack[top] = n.index;
                stack[top + 1] = ni + 1;
                top += 2;
            }
        }
        best
    }
}

#[inline]
fn slab(n: &Node, o: [f64; 3], inv: [f64; 3], t_min: f64, t_max: f64) -> bool {
    let (mut lo, mut hi) = (t_min, t_max);
    for k in 0..3 {
        let a = (n.min[k] - o[k]) * inv[k];
        let b = (n.max[k] - o[k]) * inv[k];
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        // NaN (0 · ∞ on a slab face) keeps the interval unchanged.
        if a > lo {
            lo = a;
        }
        if b < hi {
            hi = b;
        }
        if lo > hi {
            return false;
        }
    }
    true
}

#[inline]
fn hit(t: &Tri, o: [f64; 3], d: [f64; 3], t_min: f64, t_max: f64) -> Option<f64> {
    let p = cross(d, t.e2);
    let det = dot(t.e1, p);
    if det.abs() < 1e-14 {
        return None;
    }
    let inv = 1.0 / det;
    let s = sub(o, t.v0);
    let u = dot(s, p) * inv;
    if !(0.0..=1.0).contains(&u) {
        return None;
    }
    let q = cross(s, t.e1);
    let v = dot(d, q) * inv;
    if v < 0.0 || u + v > 1.0 {
        return None;
    }
    let dist = dot(t.e2, q) * inv;
    (dist > t_min && dist < t_max).then_some(dist)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Many random triangles: the hierarchy answers exactly as testing every triangle does.
    #[test]
    fn agrees_with_brute_force() {
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let tris: Vec<[[f64; 3]; 3]> = (0..2000)
            .map(|_| {
                let c = [rnd() * 100.0, rnd() * 100.0, rnd() * 20.0];
                [0, 1, 2].map(|_| [c[0] + rnd() * 3.0, c[1] + rnd() * 3.0, c[2] + rnd() * 3.0])
            })
            .collect();
        let bvh = Bvh::new(&tris);
        assert_eq!(bvh.len(), tris.len());
        for _ in 0..2000 {
            let o = [rnd() * 100.0, rnd() * 100.0, rnd() * 20.0];
            let d = [rnd() - 0.5, rnd() - 0.5, rnd() - 0.5];
            let mut nearest: Option<(f64, u32)> = None;
            for (i, t) in tris.iter().enumerate() {
                let tri = Tri {
                    v0: t[0],
                    e1: sub(t[1], t[0]),
                    e2: sub(t[2], t[0]),
                };
                if let Some(h) = hit(&tri, o, d, 1e-9, f64::INFINITY) {
                    if nearest.is_none_or(|(b, _)| h < b) {
                        nearest = Some((h, i as u32));
                    }
                }
            }
            assert_eq!(bvh.closest_hit(o, d, 1e-9, f64::INFINITY), nearest);
            assert_eq!(bvh.any_hit(o, d, 1e-9, f64::INFINITY), nearest.is_some());
        }
    }
}
