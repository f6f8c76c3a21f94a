//! Structure checks beyond the schema, for the geometries of one CityObject: semantics,
//! material and texture values that fit the boundaries, and indices (vertices, semantic
//! surfaces, materials, textures, texture vertices, templates) that point at something.
//! What an object refers to outside itself is kept as [`Refs`] and compared with the
//! counts once the file has given them (a whole file may list its vertices last).

use serde_json::{Map, Value};

/// The largest index of each kind an object refers to.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(super) struct Refs {
    /// Into the vertex list.
    pub vertex: Option<u64>,
    /// Into `appearance.materials`.
    pub material: Option<u64>,
    /// Into `appearance.textures`.
    pub texture: Option<u64>,
    /// Into `appearance.vertices-texture`.
    pub uv: Option<u64>,
    /// Into `geometry-templates.templates`.
    pub template: Option<u64>,
}

/// Keeps the larger of `slot` and `i`.
pub(super) fn note(slot: &mut Option<u64>, i: u64) {
    *slot = Some(slot.map_or(i, |m| m.max(i)));
}

/// How many of each indexed thing a file (or CityJSONFeature) has.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    /// Vertices (None: not known, nothing is checked).
    pub vertices: Option<u64>,
    /// Materials.
    pub materials: u64,
    /// Textures.
    pub textures: u64,
    /// Texture vertices.
    pub uvs: u64,
    /// Geometry templates.
    pub templates: u64,
}

impl Counts {
    /// The counts of an `appearance` and a `geometry-templates` member.
    pub fn of(appearance: Option<&Value>, templates: Option<&Value>) -> Counts {
        let len = |v: Option<&Value>, k: &str| {
            v.and_then(|v| v.get(k))
                .and_then(Value::as_array)
                .map_or(0, |a| a.len() as u64)
        };
        Counts {
            vertices: None,
            materials: len(appearance, "materials"),
            textures: len(appearance, "textures"),
            uvs: len(appearance, "vertices-texture"),
            templates: len(templates, "templates"),
        }
    }
}

impl Refs {
    /// What points past the end of its list.
    pub fn out_of_range(&self, counts: &Counts) -> Vec<String> {
        let mut out = Vec::new();
        let mut check = |max: Option<u64>, count: Option<u64>, what: &str, list: &str| {
            if let (Some(max), Some(count)) = (max, count) {
                if max >= count {
                    out.push(format!(
                        "{what} index {max} is out of range ({list} has {count})"
                    ));
                }
            }
        };
        check(self.vertex, counts.vertices, "vertex", "\"vertices\"");
        check(
            self.material,
            Some(counts.materials),
            "material",
            "\"appearance.materials\"",
        );
        check(
            self.texture,
            Some(counts.textures),
            "texture",
            "\"appearance.textures\"",
        );
        check(
            self.uv,
            Some(counts.uvs),
            "texture vertex",
            "\"appearance.vertices-texture\"",
        );
        check(
            self.template,
            Some(counts.templates),
            "template",
            "\"geometry-templates.templates\"",
        );
        out
    }
}

/// Notes every index in nested arrays of indices.
pub(super) fn note_all(v: &Value, slot: &mut Option<u64>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| note_all(x, slot)),
        Value::Number(n) => {
            if let Some(i) = n.as_u64() {
                note(slot, i);
            }
        }
        _ => {}
    }
}

/// Where `values` stop mirroring the first `depth` levels of `boundaries` (same array
/// lengths; a `null` stands for a whole part without values): the lengths at the first
/// level that differs, or None when they fit.
fn mismatch(boundaries: &Value, values: &Value, depth: usize) -> Option<String> {
    if values.is_null() {
        return None;
    }
    match (boundaries.as_array(), values.as_array()) {
        (Some(b), Some(v)) if b.len() == v.len() => {
            if depth == 1 {
                return None;
            }
            b.iter().zip(v).find_map(|(b, v)| mismatch(b, v, depth - 1))
        }
        (b, v) => Some(format!(
            "values hold {} entries where the boundaries have {}",
            v.map_or(0, Vec::len),
            b.map_or(0, Vec::len)
        )),
    }
}

/// Whether texture `values` fit `boundaries` nested `depth` deep: per ring, `[null]` or the
/// texture index followed by one texture vertex per ring vertex; `[[null]]` for a surface.
fn texture_fits(boundaries: &Value, values: &Value, depth: usize, refs: &mut Refs) -> bool {
    if values.is_null() {
        return true;
    }
    let (Some(b), Some(v)) = (boundaries.as_array(), values.as_array()) else {
        return false;
    };
    if depth == 1 {
        if v.len() == 1 && v[0].is_null() {
            return true;
        }
        if v.len() != b.len() + 1 || !v.iter().all(Value::is_u64) {
            return false;
        }
        note_all(&v[0], &mut refs.texture);
        v[1..].iter().for_each(|x| note_all(x, &mut refs.uv));
        return true;
    }
    // A surface without texture is `[[null]]`, whatever its number of rings.
    if depth == 2
        && v.len() == 1
        && v[0]
            .as_array()
            .is_some_and(|r| r.len() == 1 && r[0].is_null())
    {
        return true;
    }
    b.len() == v.len()
        && b.iter()
            .zip(v)
            .all(|(b, v)| texture_fits(b, v, depth - 1, refs))
}

/// Checks one geometry whose boundaries are arrays nested `depth` deep of indices (already
/// checked, their vertex indices noted by the caller); issues are (pointer, message).
pub(super) fn check_geometry(
    at: &str,
    g: &Map<String, Value>,
    depth: usize,
    refs: &mut Refs,
    issues: &mut Vec<(String, String)>,
) {
    let Some(b) = g.get("boundaries") else {
        return;
    };
    let values_depth = depth.saturating_sub(2).max(1);
    if let Some(s) = g.get("semantics").and_then(Value::as_object) {
        let n = s
            .get("surfaces")
            .and_then(Value::as_array)
            .map_or(0, |a| a.len() as u64);
        if let Some(v) = s.get("values") {
            if let Some(wrong) = mismatch(b, v, values_depth) {
                issues.push((
                    format!("{at}/semantics/values"),
                    format!("semantics: {wrong}"),
                ));
            }
            let mut max = None;
            note_all(v, &mut max);
            if let Some(m) = max.filter(|&m| m >= n) {
                issues.push((
                    format!("{at}/semantics/values"),
                    format!("semantic surface {m} does not exist ({n} surfaces)"),
                ));
            }
        }
        for (i, surface) in s
            .get("surfaces")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let mut max = None;
            for k in ["parent", "children"] {
                surface
                    .get(k)
                    .into_iter()
                    .for_each(|x| note_all(x, &mut max));
            }
            if let Some(m) = max.filter(|&m| m >= n) {
                issues.push((
                    format!("{at}/semantics/surfaces/{i}"),
                    format!("parent or child surface {m} does not exist ({n} surfaces)"),
                ));
            }
        }
    }
    for (theme, m) in g
        .get("material")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(v) = m.get("values") {
            if let Some(wrong) = mismatch(b, v, values_depth) {
                issues.push((
                    format!("{at}/material/{theme}/values"),
                    format!("material: {wrong}"),
                ));
            }
            note_all(v, &mut refs.material);
        }
        if let Some(v) = m.get("value") {
            note_all(v, &mut refs.material);
        }
    }
    for (theme, t) in g
        .get("texture")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(v) = t.get("values") {
            if depth < 3 || !texture_fits(b, v, depth, refs) {
                issues.push((
                    format!("{at}/texture/{theme}/values"),
                    "texture values must follow the boundaries ring by ring: [null] or the texture index then one texture vertex per ring vertex".into(),
                ));
            }
        }
    }
}

/// How many keys repeat an earlier one.
fn repeats<T: Ord>(mut keys: Vec<T>) -> usize {
    keys.sort_unstable();
    keys.windows(2).filter(|w| w[0] == w[1]).count()
}

/// The vertices of a file, kept to count those that repeat another: a vertex of three
/// integers that fit in 32 bits (the usual case with a transform) takes 12 bytes, others 32.
/// Each vertex has one form, so the two lists cannot share a vertex.
#[derive(Debug, Default)]
pub(super) struct VertexKeys {
    small: Vec<[i32; 3]>,
    other: Vec<VertexKey>,
}

impl VertexKeys {
    /// Keeps one vertex (one that is not three numbers is left out).
    pub fn push(&mut self, v: &Value) {
        let Some(key) = vertex_key(v) else {
            return;
        };
        let small = |i: usize| i32::try_from(key[i] as i64).ok();
        match (key[3], small(0), small(1), small(2)) {
            (0, Some(x), Some(y), Some(z)) => self.small.push([x, y, z]),
            _ => self.other.push(key),
        }
    }

    /// How many vertices repeat the coordinates of another.
    pub fn duplicates(self) -> usize {
        repeats(self.small) + repeats(self.other)
    }
}

/// A vertex as a sortable key: its three numbers, integral ones as integers (so `1` and
/// `1.0` are the same) and the others as float bits, with a mask saying which are floats.
type VertexKey = [u64; 4];

/// The key of a vertex, or None when it is not three numbers.
fn vertex_key(v: &Value) -> Option<VertexKey> {
    let a = v.as_array().filter(|a| a.len() == 3)?;
    let mut key = [0u64; 4];
    for (i, x) in a.iter().enumerate() {
        key[i] = match x.as_i64() {
            Some(n) => n as u64,
            None => {
                let f = x.as_f64()?;
                if f.fract() == 0.0 && f.abs() < 9.0e18 {
                    (f as i64) as u64
                } else {
                    key[3] |= 1 << i;
                    f.to_bits()
                }
            }
        };
    }
    Some(key)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn issues_of(g: Value) -> (Vec<(String, String)>, Refs) {
        let mut refs = Refs::default();
        let mut issues = Vec::new();
        let depth = match g["type"].as_str().unwrap() {
            "MultiSurface" => 3,
            "Solid" => 4,
            _ => 5,
        };
        check_geometry("/g", g.as_object().unwrap(), depth, &mut refs, &mut issues);
        (issues, refs)
    }

    #[test]
    fn semantic_values_must_fit_the_boundaries_and_the_surfaces() {
        let ok = json!({"type": "Solid", "boundaries": [[[[0, 1, 2]], [[2, 1, 3]]]],
            "semantics": {"surfaces": [{"type": "RoofSurface"}, {"type": "WallSurface", "parent": 0}],
                "values": [[0, null]]}});
        let (issues, _) = issues_of(ok);
        assert!(issues.is_empty(), "{issues:?}");
        let short = json!({"type": "Solid", "boundaries": [[[[0, 1, 2]], [[2, 1, 3]]]],
            "semantics": {"surfaces": [{"type": "RoofSurface"}], "values": [[0]]}});
        let (issues, _) = issues_of(short);
        assert_eq!(issues.len(), 1);
        assert!(
            issues[0]
                .1
                .contains("values hold 1 entries where the boundaries have 2"),
            "{issues:?}"
        );
        let dangling = json!({"type": "MultiSurface", "boundaries": [[[0, 1, 2]]],
            "semantics": {"surfaces": [{"type": "RoofSurface", "children": [4]}], "values": [1]}});
        let (issues, _) = issues_of(dangling);
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(issues[0].1.contains("semantic surface 1 does not exist"));
        assert!(issues[1].1.contains("child surface 4 does not exist"));
    }

    #[test]
    fn material_and_texture_values_are_checked_and_their_indices_noted() {
        let g = json!({"type": "MultiSurface", "boundaries": [[[0, 1, 2]], [[2, 1, 3], [4, 5, 6]]],
            "material": {"m": {"values": [0, 7]}, "n": {"value": 9}},
            "texture": {"t": {"values": [[[1, 10, 11, 12]], [[null], [0, 3, 4, 5]]]},
                "u": {"values": [[[null]], [[null]]]}}});
        let (issues, refs) = issues_of(g);
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            (refs.material, refs.texture, refs.uv),
            (Some(9), Some(1), Some(12))
        );
        let counts = Counts {
            vertices: Some(7),
            materials: 8,
            textures: 2,
            uvs: 12,
            templates: 0,
        };
        let out = refs.out_of_range(&counts);
        assert_eq!(out.len(), 2, "{out:?}");
        assert!(out[0].contains("material index 9"));
        assert!(out[1].contains("texture vertex index 12"));
        let bad = json!({"type": "MultiSurface", "boundaries": [[[0, 1, 2]]],
            "material": {"m": {"values": [0, 1]}},
            "texture": {"t": {"values": [[[0, 1, 2]]]}}});
        let (issues, _) = issues_of(bad);
        assert_eq!(issues.len(), 2, "{issues:?}");
    }

    #[test]
    fn duplicate_vertices_are_counted_whether_written_as_integers_or_floats() {
        let count = |vs: &[Value]| {
            let mut keys = VertexKeys::default();
            vs.iter().for_each(|v| keys.push(v));
            keys.duplicates()
        };
        let big = 5_000_000_000i64;
        assert_eq!(
            count(&[
                json!([1, 2, 3]),
                json!([1, 2, 3]),
                json!([1.0, 2, 3]),
                json!([0.0, 2, 3]),
                json!([-0.0, 2, 3]),
                json!([big, 2, 3]),
                json!([big as f64, 2, 3]),
                json!([-big, 2, 3]),
            ]),
            4
        );
        assert_eq!(
            count(&[json!([0.5, 2, 3]), json!([0.5, 2, 3.5]), json!([0.5, 2, 3])]),
            1
        );
        assert_eq!(count(&[json!([1, 2]), json!([1, 2])]), 0);
    }
}
