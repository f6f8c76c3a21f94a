//! Flat geometry boundaries.

/// Boundaries of a geometry, stored flat.
///
/// `vertices` holds every vertex index of every ring (or point, or linestring) in order. Each
/// level above has an offset array: ring `r` spans `vertices[rings[r]..rings[r+1]]`, surface `s`
/// spans rings `surfaces[s]..surfaces[s+1]`, shell `h` spans surfaces `shells[h]..shells[h+1]`,
/// and solid `d` spans shells `solids[d]..solids[d+1]`. An offset array that a geometry type
/// does not use is empty; a used one starts with `0` and has one entry more than it has items.
///
/// ```
/// use urbis_model::Boundaries;
/// // A MultiSurface with one triangle and one quad.
/// let mut b = Boundaries::with_depth(3);
/// b.push_ring(&[0, 1, 2]);
/// b.close_surface();
/// b.push_ring(&[2, 1, 3, 4]);
/// b.close_surface();
/// assert_eq!(b.surface_count(), 2);
/// assert_eq!(b.ring(1), &[2, 1, 3, 4]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Boundaries {
    /// Vertex indices of all rings/points, in order.
    pub vertices: Vec<u32>,
    /// Offsets into `vertices`, one per ring plus a final end (empty for MultiPoint).
    pub rings: Vec<u32>,
    /// Offsets into the rings, one per surface plus a final end.
    pub surfaces: Vec<u32>,
    /// Offsets into the surfaces, one per shell plus a final end.
    pub shells: Vec<u32>,
    /// Offsets into the shells, one per solid plus a final end.
    pub solids: Vec<u32>,
}

impl Boundaries {
    /// Empty boundaries for a nesting depth (1 = points, 2 = linestrings, 3 = surfaces,
    /// 4 = a solid's shells, 5 = solids); the offset arrays of used levels start at `[0]`.
    pub fn with_depth(depth: usize) -> Self {
        let start = |level: usize| if depth >= level { vec![0] } else { Vec::new() };
        Boundaries {
            vertices: Vec::new(),
            rings: start(2),
            surfaces: start(3),
            shells: start(4),
            solids: start(5),
        }
    }

    /// The nesting depth these boundaries were built for (1 to 5).
    pub fn depth(&self) -> usize {
        if !self.solids.is_empty() {
            5
        } else if !self.shells.is_empty() {
            4
        } else if !self.surfaces.is_empty() {
            3
        } else if !self.rings.is_empty() {
            2
        } else {
            1
        }
    }

    /// Appends one ring (or linestring) of vertex indices.
    pub fn push_ring(&mut self, ring: &[u32]) {
        self.vertices.extend_from_slice(ring);
        self.rings.push(self.vertices.len() as u32);
    }

    /// Ends the current surface (all rings pushed since the previous one).
    pub fn close_surface(&mut self) {
        self.surfaces.push(self.ring_count() as u32);
    }

    /// Ends the current shell.
    pub fn close_shell(&mut self) {
        self.shells.push(self.surface_count() as u32);
    }

    /// Ends the current solid.
    pub fn close_solid(&mut self) {
        self.solids.push(self.shell_count() as u32);
    }

    /// Number of rings (or linestrings).
    pub fn ring_count(&self) -> usize {
        self.rings.len().saturating_sub(1)
    }

    /// Number of surfaces.
    pub fn surface_count(&self) -> usize {
        self.surfaces.len().saturating_sub(1)
    }

    /// Number of shells.
    pub fn shell_count(&self) -> usize {
        self.shells.len().saturating_sub(1)
    }

    /// Number of solids.
    pub fn solid_count(&self) -> usize {
        self.solids.len().saturating_sub(1)
    }

    /// Vertex indices of ring `r`.
    pub fn ring(&self, r: usize) -> &[u32] {
        &self.vertices[self.rings[r] as usize..self.rings[r + 1] as usize]
    }

    /// Range of ring numbers that make up surface `s`.
    pub fn surface_rings(&self, s: usize) -> std::ops::Range<usize> {
        self.surfaces[s] as usize..self.surfaces[s + 1] as usize
    }

    /// Range of surface numbers that make up shell `h`.
    pub fn shell_surfaces(&self, h: usize) -> std::ops::Range<usize> {
        self.shells[h] as usize..self.shells[h + 1] as usize
    }

    /// Range of shell numbers that make up solid `d`.
    pub fn solid_shells(&self, d: usize) -> std::ops::Range<usize> {
        self.solids[d] as usize..self.solids[d + 1] as usize
    }

    /// Number of primitives that semantics and materials attach to: points for depth 1,
    /// linestrings for depth 2, surfaces otherwise.
    pub fn primitive_count(&self) -> usize {
        match self.depth() {
            1 => self.vertices.len(),
            2 => self.ring_count(),
            _ => self.surface_count(),
        }
    }

    /// True when there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.vertices.is_empty()
    }

    /// Applies `f` to every vertex index.
    pub fn remap(&mut self, mut f: impl FnMut(u32) -> u32) {
        for v in &mut self.vertices {
            *v = f(*v);
        }
    }
}
