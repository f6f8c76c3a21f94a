//! Writing model objects as CityJSON 2.0 JSON text.

use serde::Serialize;
use urbis_model::{Appearance, Boundaries, CityObject, Geometry, GeometryType, Header, JsonMap};

/// How indices are shifted on the way out (features merged into one file).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Shift<'a> {
    /// Added to every vertex index.
    pub vertices: u64,
    /// New number of each material (by the feature's own number).
    pub materials: Option<&'a [u32]>,
    /// New number of each texture.
    pub textures: Option<&'a [u32]>,
    /// Added to every UV index.
    pub uvs: u64,
}

#[inline]
pub(crate) fn int(out: &mut Vec<u8>, v: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
}

#[inline]
pub(crate) fn json(out: &mut Vec<u8>, v: &impl Serialize) {
    // Writing into a Vec cannot fail for these types.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// Writes a float the way serde_json does (shortest round-trip form).
#[inline]
pub(crate) fn float(out: &mut Vec<u8>, v: f64) {
    json(out, &v);
}

/// Writes a JSON string; plain strings (the usual ids, keys and types) skip the escaper.
#[inline]
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        json(out, &s);
    }
}

/// Writes a JSON value: strings through the fast path above, numbers exactly as serde_json
/// prints them (so floats round-trip), containers recursively.
pub(crate) fn value(out: &mut Vec<u8>, v: &serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::String(s) => string(out, s),
        Value::Array(items) => list(out, items, value),
        Value::Object(m) => map(out, m),
        other => json(out, other),
    }
}

/// Writes a JSON object.
pub(crate) fn map(out: &mut Vec<u8>, m: &JsonMap) {
    out.push(b'{');
    let mut first = true;
    map_members(out, &mut first, m);
    out.push(b'}');
}

fn key(out: &mut Vec<u8>, first: &mut bool, name: &str) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    string(out, name);
    out.push(b':');
}

fn list<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, item);
    }
    out.push(b']');
}

fn floats(out: &mut Vec<u8>, v: &[f64]) {
    list(out, v, |o, x| float(o, *x));
}

fn map_members(out: &mut Vec<u8>, first: &mut bool, m: &JsonMap) {
    for (k, v) in m {
        key(out, first, k);
        value(out, v);
    }
}

/// Writes a CityObject (without its id).
pub(crate) fn object(out: &mut Vec<u8>, o: &CityObject, shift: &Shift) {
    let mut first = true;
    out.push(b'{');
    key(out, &mut first, "type");
    string(out, o.kind.as_str());
    if let Some(a) = &o.attributes {
        key(out, &mut first, "attributes");
        map(out, a);
    }
    if let Some(e) = &o.geographical_extent {
        key(out, &mut first, "geographicalExtent");
        floats(out, e);
    }
    if !o.parents.is_empty() {
        key(out, &mut first, "parents");
        json(out, &o.parents);
    }
    if !o.children.is_empty() {
        key(out, &mut first, "children");
        json(out, &o.children);
    }
    if let Some(geoms) = &o.geometry {
        key(out, &mut first, "geometry");
        list(out, geoms, |out, g| geometry(out, g, shift));
    }
    if let Some(addresses) = &o.address {
        key(out, &mut first, "address");
        list(out, addresses, |out, a| {
            out.push(b'{');
            let mut f = true;
            map_members(out, &mut f, &a.members);
            if let Some(loc) = &a.location {
                key(out, &mut f, "location");
                geometry(out, loc, shift);
            }
            out.push(b'}');
        });
    }
    map_members(out, &mut first, &o.extra);
    out.push(b'}');
}

/// Writes a geometry object.
pub(crate) fn geometry(out: &mut Vec<u8>, g: &Geometry, shift: &Shift) {
    let mut first = true;
    out.push(b'{');
    key(out, &mut first, "type");
    string(out, g.kind.as_str());
    if g.kind == GeometryType::GeometryInstance {
        if let Some(inst) = &g.instance {
            key(out, &mut first, "template");
            int(out, inst.template);
            key(out, &mut first, "boundaries");
            boundaries(out, &g.boundaries, shift.vertices);
            key(out, &mut first, "transformationMatrix");
            floats(out, &inst.transformation_matrix);
        }
        out.push(b'}');
        return;
    }
    if let Some(lod) = &g.lod {
        key(out, &mut first, "lod");
        string(out, lod);
    }
    key(out, &mut first, "boundaries");
    boundaries(out, &g.boundaries, shift.vertices);
    if let Some(sem) = &g.semantics {
        key(out, &mut first, "semantics");
        out.push(b'{');
        let mut f = true;
        key(out, &mut f, "surfaces");
        list(out, &sem.surfaces, |out, s| {
            out.push(b'{');
            let mut f = true;
            key(out, &mut f, "type");
            string(out, &s.kind);
            if let Some(p) = s.parent {
                key(out, &mut f, "parent");
                int(out, p);
            }
            if !s.children.is_empty() {
                key(out, &mut f, "children");
                json(out, &s.children);
            }
            map_members(out, &mut f, &s.attributes);
            out.push(b'}');
        });
        key(out, &mut f, "values");
        values(out, &g.boundaries, &sem.values, |x| x);
        out.push(b'}');
    }
    if !g.materials.is_empty() {
        key(out, &mut first, "material");
        out.push(b'{');
        let mut f = true;
        let remap = |m: u32| {
            shift
                .materials
                .and_then(|t| t.get(m as usize).copied())
                .unwrap_or(m)
        };
        for theme in &g.materials {
            key(out, &mut f, &theme.theme);
            out.push(b'{');
            let mut ff = true;
            if let Some(v) = theme.value {
                key(out, &mut ff, "value");
                int(out, remap(v));
            }
            if let Some(vals) = &theme.values {
                key(out, &mut ff, "values");
                values(out, &g.boundaries, vals, remap);
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
    if !g.textures.is_empty() {
        key(out, &mut first, "texture");
        out.push(b'{');
        let mut f = true;
        let remap = |m: u32| {
            shift
                .textures
                .and_then(|t| t.get(m as usize).copied())
                .unwrap_or(m)
        };
        for theme in &g.textures {
            key(out, &mut f, &theme.theme);
            out.push_str_bytes(b"{\"values\":");
            nested(out, &g.boundaries, &mut |out, r| {
                out.push(b'[');
                match theme.ring_textures[r] {
                    Some(t) => {
                        int(out, remap(t));
                        let range =
                            g.boundaries.rings[r] as usize..g.boundaries.rings[r + 1] as usize;
                        for &uv in &theme.uvs[range] {
                            out.push(b',');
                            int(out, uv as u64 + shift.uvs);
                        }
                    }
                    None => out.extend_from_slice(b"null"),
                }
                out.push(b']');
            });
            out.push(b'}');
        }
        out.push(b'}');
    }
    out.push(b'}');
}

trait PushBytes {
    fn push_str_bytes(&mut self, b: &[u8]);
}
impl PushBytes for Vec<u8> {
    fn push_str_bytes(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
}

/// Writes the nesting of `b` down to rings, calling `ring` for each ring number.
fn nested(out: &mut Vec<u8>, b: &Boundaries, ring: &mut dyn FnMut(&mut Vec<u8>, usize)) {
    let surfaces = |out: &mut Vec<u8>,
                    range: std::ops::Range<usize>,
                    ring: &mut dyn FnMut(&mut Vec<u8>, usize)| {
        out.push(b'[');
        for (i, s) in range.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'[');
            for (j, r) in b.surface_rings(s).enumerate() {
                if j > 0 {
                    out.push(b',');
                }
                ring(out, r);
            }
            out.push(b']');
        }
        out.push(b']');
    };
    let shells = |out: &mut Vec<u8>,
                  range: std::ops::Range<usize>,
                  ring: &mut dyn FnMut(&mut Vec<u8>, usize)| {
        out.push(b'[');
        for (i, h) in range.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            surfaces(out, b.shell_surfaces(h), ring);
        }
        out.push(b']');
    };
    match b.depth() {
        1 => ring(out, 0),
        2 => {
            out.push(b'[');
            for r in 0..b.ring_count() {
                if r > 0 {
                    out.push(b',');
                }
                ring(out, r);
            }
            out.push(b']');
        }
        3 => surfaces(out, 0..b.surface_count(), ring),
        4 => shells(out, 0..b.shell_count(), ring),
        _ => {
            out.push(b'[');
            for d in 0..b.solid_count() {
                if d > 0 {
                    out.push(b',');
                }
                shells(out, b.solid_shells(d), ring);
            }
            out.push(b']');
        }
    }
}

/// Writes boundaries as nested arrays, adding `offset` to each vertex index.
pub(crate) fn boundaries(out: &mut Vec<u8>, b: &Boundaries, offset: u64) {
    if b.depth() == 1 {
        list(out, &b.vertices, |o, v| int(o, *v as u64 + offset));
        return;
    }
    nested(out, b, &mut |out, r| {
        list(out, b.ring(r), |o, v| int(o, *v as u64 + offset));
    });
}

/// Writes per-primitive values nested like the boundaries' primitives.
fn values(out: &mut Vec<u8>, b: &Boundaries, vals: &[Option<u32>], remap: impl Fn(u32) -> u32) {
    let flat = |out: &mut Vec<u8>, range: std::ops::Range<usize>| {
        out.push(b'[');
        for (i, p) in range.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            match vals.get(p).copied().flatten() {
                Some(v) => int(out, remap(v)),
                None => out.extend_from_slice(b"null"),
            }
        }
        out.push(b']');
    };
    match b.depth() {
        1..=3 => flat(out, 0..vals.len()),
        4 => {
            out.push(b'[');
            for h in 0..b.shell_count() {
                if h > 0 {
                    out.push(b',');
                }
                flat(out, b.shell_surfaces(h));
            }
            out.push(b']');
        }
        _ => {
            out.push(b'[');
            for d in 0..b.solid_count() {
                if d > 0 {
                    out.push(b',');
                }
                out.push(b'[');
                for (i, h) in b.solid_shells(d).enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    flat(out, b.shell_surfaces(h));
                }
                out.push(b']');
            }
            out.push(b']');
        }
    }
}

/// Writes vertices `[[x,y,z],...]` (without the surrounding brackets when `bare`).
pub(crate) fn vertices(out: &mut Vec<u8>, v: &[[i64; 3]]) {
    list(out, v, |o, p| {
        o.push(b'[');
        int(o, p[0]);
        o.push(b',');
        int(o, p[1]);
        o.push(b',');
        int(o, p[2]);
        o.push(b']');
    });
}

/// Writes an appearance object.
pub(crate) fn appearance(out: &mut Vec<u8>, a: &Appearance) {
    let mut first = true;
    out.push(b'{');
    if !a.materials.is_empty() {
        key(out, &mut first, "materials");
        list(out, &a.materials, |out, m| map(out, m));
    }
    if !a.textures.is_empty() {
        key(out, &mut first, "textures");
        list(out, &a.textures, |out, t| map(out, t));
    }
    if !a.vertices_texture.is_empty() {
        key(out, &mut first, "vertices-texture");
        list(out, &a.vertices_texture, |o, uv| floats(o, uv));
    }
    if let Some(t) = &a.default_theme_material {
        key(out, &mut first, "default-theme-material");
        json(out, t);
    }
    if let Some(t) = &a.default_theme_texture {
        key(out, &mut first, "default-theme-texture");
        json(out, t);
    }
    out.push(b'}');
}

/// Writes the header members shared by CityJSON and the first line of CityJSONSeq, starting
/// with `{"type":"CityJSON","version":"2.0"` and ending with a comma-free tail (no closing brace).
/// `templates` renumbers the geometry templates' materials and textures (into a merged
/// appearance). The templates' appearance itself is not written here.
pub(crate) fn header_members(out: &mut Vec<u8>, h: &Header, templates: &Shift) {
    out.extend_from_slice(b"{\"type\":\"CityJSON\",\"version\":\"2.0\",\"transform\":{\"scale\":");
    floats(out, &h.transform.scale);
    out.extend_from_slice(b",\"translate\":");
    floats(out, &h.transform.translate);
    out.push(b'}');
    let mut first = false;
    if let Some(m) = &h.metadata {
        key(out, &mut first, "metadata");
        json(out, m);
    }
    if let Some(e) = &h.extensions {
        key(out, &mut first, "extensions");
        json(out, e);
    }
    if let Some(t) = &h.geometry_templates {
        key(out, &mut first, "geometry-templates");
        out.extend_from_slice(b"{\"templates\":");
        list(out, &t.templates, |o, g| geometry(o, g, templates));
        out.extend_from_slice(b",\"vertices-templates\":");
        list(out, &t.vertices, |o, v| floats(o, v));
        out.push(b'}');
    }
    map_members(out, &mut first, &h.extra);
}
