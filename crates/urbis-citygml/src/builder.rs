//! From geometries in real coordinates to the model's flat, quantised geometries, with
//! semantics, materials and textures attached per surface and ring.

use crate::appearance::AppearanceIndex;
use crate::gml::{RawGeometry, Surface};
use rustc_hash::FxHashMap as HashMap;
use urbis_model::{
    Appearance, Boundaries, Geometry, GeometryType, JsonMap, MaterialTheme, SemanticSurface,
    Semantics, TextureTheme, Transform,
};

/// A thematic (boundary) surface or opening: the semantics its polygons carry.
#[derive(Debug, Clone)]
pub struct Thematic {
    /// CityJSON semantic type.
    pub kind: String,
    /// Its attributes.
    pub attributes: JsonMap,
    /// The thematic surface it is an opening of.
    pub parent: Option<usize>,
}

/// Where vertices go: a feature's quantised, de-duplicated list or a template's real one.
pub trait VertexSink {
    /// The index of a point, adding it when new.
    fn add(&mut self, p: [f64; 3]) -> Result<u32, String>;
}

/// The quantised vertices of one feature, each stored once.
#[derive(Debug)]
pub struct VertexPool {
    transform: Transform,
    /// Swap the first two coordinates (a file written northing/latitude first).
    swap_xy: bool,
    /// The vertices.
    pub vertices: Vec<[i64; 3]>,
    seen: HashMap<[i64; 3], u32>,
}

impl VertexPool {
    /// An empty pool quantising with `transform`, swapping x and y when `swap_xy`.
    pub fn new(transform: Transform, swap_xy: bool) -> Self {
        VertexPool {
            transform,
            swap_xy,
            vertices: Vec::new(),
            seen: HashMap::default(),
        }
    }
}

impl VertexSink for VertexPool {
    fn add(&mut self, p: [f64; 3]) -> Result<u32, String> {
        let p = if self.swap_xy { [p[1], p[0], p[2]] } else { p };
        let q = self
            .transform
            .quantize(p)
            .ok_or_else(|| format!("coordinate {p:?} cannot be represented"))?;
        let next = self.vertices.len() as u32;
        let index = *self.seen.entry(q).or_insert(next);
        if index == next {
            self.vertices.push(q);
        }
        Ok(index)
    }
}

/// Real-valued vertices (geometry templates).
#[derive(Debug, Default)]
pub struct RealVertices {
    /// The vertices.
    pub vertices: Vec<[f64; 3]>,
}

impl VertexSink for RealVertices {
    fn add(&mut self, p: [f64; 3]) -> Result<u32, String> {
        self.vertices.push(p);
        Ok((self.vertices.len() - 1) as u32)
    }
}

/// The appearance of one feature, built from the indexes its surfaces hit.
#[derive(Debug, Default)]
pub struct FeatureAppearance {
    /// Materials, textures and UVs of the feature.
    pub appearance: Appearance,
    materials: HashMap<(usize, u32), u32>,
    textures: HashMap<(usize, u32), u32>,
}

impl FeatureAppearance {
    /// Forgets which entries came from appearance source `source` (they stay in the lists), so
    /// that another index can take that place (geometry templates, gathered member by member).
    pub fn forget_source(&mut self, source: usize) {
        self.materials.retain(|k, _| k.0 != source);
        self.textures.retain(|k, _| k.0 != source);
    }

    fn material(&mut self, source: usize, index: u32, app: &AppearanceIndex) -> u32 {
        *self.materials.entry((source, index)).or_insert_with(|| {
            self.appearance
                .materials
                .push(app.materials[index as usize].1.clone());
            (self.appearance.materials.len() - 1) as u32
        })
    }

    fn texture(&mut self, source: usize, index: u32, app: &AppearanceIndex) -> u32 {
        *self.textures.entry((source, index)).or_insert_with(|| {
            self.appearance
                .textures
                .push(app.textures[index as usize].1.clone());
            (self.appearance.textures.len() - 1) as u32
        })
    }
}

/// The semantics of a geometry's surfaces: a thematic surface (or none) per polygon.
pub struct SemanticsOf<'x> {
    /// One entry per polygon of the geometry.
    pub per_surface: Vec<Option<usize>>,
    /// The thematic surfaces the entries point to.
    pub thematics: &'x [Thematic],
}

/// The model geometry of `raw` at `lod`.
pub fn build_geometry(
    raw: &RawGeometry,
    lod: Option<String>,
    sink: &mut dyn VertexSink,
    semantics: Option<&SemanticsOf<'_>>,
    appearances: &[&AppearanceIndex],
    feature_app: Option<&mut FeatureAppearance>,
) -> Result<Geometry, String> {
    let mut g = Geometry::new(raw.kind, lod);
    let b = &mut g.boundaries;
    match raw.kind {
        GeometryType::MultiPoint => {
            for p in &raw.points {
                b.vertices.push(sink.add(*p)?);
            }
            return Ok(g);
        }
        GeometryType::MultiLineString => {
            for line in &raw.lines {
                let ring: Result<Vec<u32>, String> = line.iter().map(|p| sink.add(*p)).collect();
                b.push_ring(&ring?);
            }
            return Ok(g);
        }
        _ => {}
    }
    let push_surface = |b: &mut Boundaries, s: &Surface, sink: &mut dyn VertexSink| {
        for ring in &s.rings {
            let idx: Result<Vec<u32>, String> = ring.points.iter().map(|p| sink.add(*p)).collect();
            b.push_ring(&idx?);
        }
        b.close_surface();
        Ok::<(), String>(())
    };
    match raw.kind {
        GeometryType::MultiSurface | GeometryType::CompositeSurface => {
            for s in &raw.surfaces {
                push_surface(b, s, sink)?;
            }
        }
        GeometryType::Solid => {
            for h in 0..raw.shells.len() - 1 {
                for s in &raw.surfaces[raw.shells[h] as usize..raw.shells[h + 1] as usize] {
                    push_surface(b, s, sink)?;
                }
                b.close_shell();
            }
        }
        _ => {
            for d in 0..raw.solids.len() - 1 {
                for h in raw.solids[d] as usize..raw.solids[d + 1] as usize {
                    for s in &raw.surfaces[raw.shells[h] as usize..raw.shells[h + 1] as usize] {
                        push_surface(b, s, sink)?;
                    }
                    b.close_shell();
                }
                b.close_solid();
            }
        }
    }
    if let Some(sem) = semantics {
        g.semantics = semantics_of(raw, sem);
    }
    if let Some(fa) = feature_app {
        attach_appearance(&mut g, raw, appearances, fa);
    }
    Ok(g)
}

fn semantics_of(raw: &RawGeometry, sem: &SemanticsOf<'_>) -> Option<Semantics> {
    let mut out = Semantics::default();
    let mut slot: HashMap<usize, u32> = HashMap::default();
    fn add(
        t: usize,
        sem: &SemanticsOf<'_>,
        out: &mut Semantics,
        slot: &mut HashMap<usize, u32>,
    ) -> u32 {
        if let Some(&i) = slot.get(&t) {
            return i;
        }
        let thematic = &sem.thematics[t];
        let i = out.surfaces.len() as u32;
        out.surfaces.push(SemanticSurface {
            kind: urbis_model::semantic_type(&thematic.kind),
            parent: None,
            children: Vec::new(),
            attributes: thematic.attributes.clone(),
        });
        slot.insert(t, i);
        if let Some(p) = thematic.parent {
            let pi = add(p, sem, out, slot);
            out.surfaces[i as usize].parent = Some(pi);
            out.surfaces[pi as usize].children.push(i);
        }
        i
    }
    let mut any = false;
    for k in 0..raw.surfaces.len() {
        let value = sem.per_surface.get(k).copied().flatten().map(|t| {
            any = true;
            add(t, sem, &mut out, &mut slot)
        });
        out.values.push(value);
    }
    any.then_some(out)
}

/// The first index entry (innermost id first) hit by a surface, for one theme.
fn lookup<'a>(
    targets: &'a HashMap<String, Vec<u32>>,
    ids: &[String],
    geometry_id: Option<&String>,
) -> impl Iterator<Item = u32> + 'a {
    let mut hits = Vec::new();
    for id in ids.iter().rev().chain(geometry_id) {
        if let Some(v) = targets.get(id) {
            hits.extend_from_slice(v);
        }
    }
    hits.into_iter()
}

fn attach_appearance(
    g: &mut Geometry,
    raw: &RawGeometry,
    appearances: &[&AppearanceIndex],
    fa: &mut FeatureAppearance,
) {
    let n = raw.surfaces.len();
    let mut materials: Vec<MaterialTheme> = Vec::new();
    let mut textures: Vec<TextureTheme> = Vec::new();
    let ring_count: usize = raw.surfaces.iter().map(|s| s.rings.len()).sum();
    for (source, app) in appearances.iter().enumerate() {
        if app.is_empty() {
            continue;
        }
        let mut ring_base = 0usize;
        let mut vertex_base = 0usize;
        for (k, s) in raw.surfaces.iter().enumerate() {
            for m in lookup(&app.material_targets, &s.ids, raw.id.as_ref()) {
                let theme = &app.materials[m as usize].0;
                let slot = match materials.iter().position(|t| &t.theme == theme) {
                    Some(i) => i,
                    None => {
                        materials.push(MaterialTheme {
                            theme: theme.clone(),
                            value: None,
                            values: Some(vec![None; n]),
                        });
                        materials.len() - 1
                    }
                };
                if let Some(values) = materials[slot].values.as_mut() {
                    if values[k].is_none() {
                        values[k] = Some(fa.material(source, m, app));
                    }
                }
            }
            for t in lookup(&app.texture_targets, &s.ids, None) {
                let theme = &app.textures[t as usize].0;
                let slot = match textures.iter().position(|x| &x.theme == theme) {
                    Some(i) => i,
                    None => {
                        textures.push(TextureTheme {
                            theme: theme.clone(),
                            ring_textures: vec![None; ring_count],
                            uvs: vec![0; g.boundaries.vertices.len()],
                        });
                        textures.len() - 1
                    }
                };
                let mut vb = vertex_base;
                for (r, ring) in s.rings.iter().enumerate() {
                    let len = ring.points.len();
                    let theme = &mut textures[slot];
                    let key = (t, ring.id.clone().unwrap_or_default());
                    if theme.ring_textures[ring_base + r].is_none() {
                        if let Some(uv) = app.uvs.get(&key).filter(|uv| uv.len() == len) {
                            let tex = fa.texture(source, t, app);
                            theme.ring_textures[ring_base + r] = Some(tex);
                            let first = fa.appearance.vertices_texture.len() as u32;
                            if ring.reversed {
                                fa.appearance.vertices_texture.extend(uv.iter().rev());
                            } else {
                                fa.appearance.vertices_texture.extend_from_slice(uv);
                            }
                            for i in 0..len {
                                theme.uvs[vb + i] = first + i as u32;
                            }
                        }
                    }
                    vb += len;
                }
            }
            ring_base += s.rings.len();
            vertex_base += s.rings.iter().map(|r| r.points.len()).sum::<usize>();
        }
    }
    g.materials = materials;
    g.textures = textures
        .into_iter()
        .filter(|t| t.ring_textures.iter().any(Option::is_some))
        .collect();
}
