//! Disjoint sets (union-find with path halving), for connected components of rings,
//! polygons, vertex fans and solids.

/// Disjoint sets over `0..n`.
pub(crate) struct UnionFind(Vec<usize>);

impl UnionFind {
    /// `n` singleton sets.
    pub(crate) fn new(n: usize) -> UnionFind {
        UnionFind((0..n).collect())
    }

    /// The representative of `x`'s set.
    pub(crate) fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    /// Joins the sets of `a` and `b`; false when they were already one set.
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        self.0[ra] = rb;
        ra != rb
    }

    /// The number of sets.
    pub(crate) fn count(&mut self) -> usize {
        (0..self.0.len()).filter(|&i| self.find(i) == i).count()
    }
}
