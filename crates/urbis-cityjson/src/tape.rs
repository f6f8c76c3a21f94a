//! Nested integer arrays (boundaries, semantics/material/texture values) read into a flat token
//! tape, then turned into flat model arrays once the geometry type is known.

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use std::fmt;
use urbis_model::Boundaries;

const OPEN: i64 = -1;
const CLOSE: i64 = -2;
const NULL: i64 = -3;

/// A nested array of non-negative integers and nulls, as a token stream.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tape(pub Vec<i64>);

/// Appends the tokens of one value to a tape.
pub(crate) struct TapeVisitor<'a>(pub &'a mut Vec<i64>);

impl<'de> de::DeserializeSeed<'de> for TapeVisitor<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TapeVisitor<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nested arrays of non-negative integers")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push(OPEN);
        while seq.next_element_seed(TapeVisitor(self.0))?.is_some() {}
        self.0.push(CLOSE);
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if v > u32::MAX as u64 {
            return Err(E::custom(format!("index {v} is too large")));
        }
        self.0.push(v as i64);
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        Err(E::custom(format!("negative index {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        Err(E::custom(format!("index {v} is not an integer")))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.0.push(NULL);
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }
}

impl<'de> Deserialize<'de> for Tape {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut tape = Vec::with_capacity(64);
        de::DeserializeSeed::deserialize(TapeVisitor(&mut tape), d)?;
        Ok(Tape(tape))
    }
}

impl Tape {
    /// True when the tape is a single `null`.
    pub fn is_null(&self) -> bool {
        self.0.len() == 1 && self.0[0] == NULL
    }

    /// Builds boundaries of the given nesting depth.
    pub fn to_boundaries(&self, depth: usize) -> Result<Boundaries, String> {
        let mut b = Boundaries::with_depth(depth);
        let mut level = 0usize;
        for &t in &self.0 {
            match t {
                OPEN => {
                    level += 1;
                    if level > depth {
                        return Err(format!("boundaries are nested deeper than {depth} levels"));
                    }
                }
                CLOSE => {
                    // Level `depth` is a ring (or the point list), then surfaces, shells, solids.
                    match depth - level {
                        0 if depth >= 2 => b.rings.push(b.vertices.len() as u32),
                        1 if depth >= 3 => b.surfaces.push(b.ring_count() as u32),
                        2 if depth >= 4 => b.shells.push(b.surface_count() as u32),
                        3 if depth >= 5 => b.solids.push(b.shell_count() as u32),
                        _ => {}
                    }
                    level -= 1;
                }
                NULL => return Err("null in boundaries".into()),
                v => {
                    if level != depth {
                        return Err(format!(
                            "vertex index at nesting level {level}, expected level {depth}"
                        ));
                    }
                    b.vertices.push(v as u32);
                }
            }
        }
        if self.0.first() != Some(&OPEN) {
            return Err("boundaries must be an array".into());
        }
        Ok(b)
    }

    /// Flattens per-primitive values (semantics or material `values`) of a geometry whose
    /// boundaries are `b`. Nulls may stand for a single primitive or a whole container.
    pub fn to_primitive_values(&self, b: &Boundaries) -> Result<Vec<Option<u32>>, String> {
        let total = b.primitive_count();
        if self.is_null() {
            return Ok(vec![None; total]);
        }
        // Container offsets (in primitives) for each nesting level of the values array.
        let levels: Vec<Vec<u32>> = match b.depth() {
            1..=3 => vec![vec![0, total as u32]],
            4 => vec![vec![0, total as u32], b.shells.clone()],
            _ => {
                let solids = b.solids.iter().map(|&s| b.shells[s as usize]).collect();
                vec![vec![0, total as u32], solids, b.shells.clone()]
            }
        };
        let depth = levels.len();
        let mut out: Vec<Option<u32>> = Vec::with_capacity(total);
        let mut level = 0usize;
        let mut expected_end: Vec<usize> = Vec::with_capacity(depth);
        let size_at = |lvl: usize, start: usize| -> Option<usize> {
            let offs = &levels[lvl];
            let i = offs.partition_point(|&x| (x as usize) < start);
            if i + 1 < offs.len() && offs[i] as usize == start {
                Some((offs[i + 1] - offs[i]) as usize)
            } else {
                None
            }
        };
        for &t in &self.0 {
            match t {
                OPEN => {
                    if level >= depth {
                        return Err(format!("values are nested deeper than {depth} levels"));
                    }
                    let size = size_at(level, out.len())
                        .ok_or_else(|| "values do not match the boundaries".to_string())?;
                    expected_end.push(out.len() + size);
                    level += 1;
                }
                CLOSE => {
                    let end = expected_end.pop().unwrap_or(0);
                    if out.len() != end {
                        return Err(format!(
                            "values hold {} entries where the boundaries have {}",
                            out.len(),
                            end
                        ));
                    }
                    level -= 1;
                }
                NULL if level < depth => {
                    let size = size_at(level, out.len())
                        .ok_or_else(|| "values do not match the boundaries".to_string())?;
                    out.extend(std::iter::repeat_n(None, size));
                }
                NULL => out.push(None),
                v => {
                    if level != depth {
                        return Err(format!("value at nesting level {level}, expected {depth}"));
                    }
                    out.push(Some(v as u32));
                }
            }
        }
        if out.len() != total {
            return Err(format!("{} values for {} primitives", out.len(), total));
        }
        Ok(out)
    }

    /// Flattens texture `values`: per ring a texture index (or null) followed by one UV index
    /// per ring vertex. Returns `(ring_textures, uvs)`, `uvs` parallel to `b.vertices`.
    pub fn to_texture_values(
        &self,
        b: &Boundaries,
    ) -> Result<(Vec<Option<u32>>, Vec<u32>), String> {
        let depth = b.depth();
        let rings = b.ring_count();
        let mut ring_textures = Vec::with_capacity(rings);
        let mut uvs = Vec::with_capacity(b.vertices.len());
        let mut level = 0usize;
        let mut current: Vec<i64> = Vec::new();
        let mut surface_first_ring = 0usize;
        let mut surface = 0usize;
        for &t in &self.0 {
            match t {
                OPEN => {
                    level += 1;
                    current.clear();
                    if depth >= 3 && level == depth - 1 {
                        surface_first_ring = ring_textures.len();
                    }
                }
                CLOSE => {
                    if depth >= 3 && level == depth - 1 && surface < b.surface_count() {
                        // A surface whose holes were left out (`[[null]]` for a surface with
                        // holes): the whole surface is untextured.
                        let expected = b.surface_rings(surface).len();
                        let got = ring_textures.len() - surface_first_ring;
                        if got < expected
                            && ring_textures[surface_first_ring..]
                                .iter()
                                .all(Option::is_none)
                        {
                            for r in surface_first_ring + got..surface_first_ring + expected {
                                ring_textures.push(None);
                                uvs.extend(std::iter::repeat_n(0, b.ring(r).len()));
                            }
                        }
                        surface += 1;
                    }
                    if level == depth {
                        let r = ring_textures.len();
                        if r >= rings {
                            return Err(format!("texture values have more rings than the {rings} rings of the boundaries"));
                        }
                        let ring_len = b.ring(r).len();
                        match current.first() {
                            Some(&NULL) | None => {
                                ring_textures.push(None);
                                uvs.extend(std::iter::repeat_n(0, ring_len));
                            }
                            Some(&tex) => {
                                if current.len() != ring_len + 1 {
                                    return Err(format!(
                                        "ring {r} has {ring_len} vertices but {} texture coordinates",
                                        current.len() - 1
                                    ));
                                }
                                ring_textures.push(Some(tex as u32));
                                for &uv in &current[1..] {
                                    if uv < 0 {
                                        return Err("null texture coordinate".into());
                                    }
                                    uvs.push(uv as u32);
                                }
                            }
                        }
                        current.clear();
                    }
                    level = level.saturating_sub(1);
                }
                v => {
                    if level != depth {
                        return Err("texture values do not match the boundaries".into());
                    }
                    current.push(v);
                }
            }
        }
        if ring_textures.len() != rings {
            return Err(format!(
                "texture values for {} rings, boundaries have {rings}",
                ring_textures.len()
            ));
        }
        Ok((ring_textures, uvs))
    }
}
