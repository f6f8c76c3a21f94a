//! Turning global indices (a whole CityJSON file) into a feature's own vertex, material, texture
//! and UV lists.

use urbis_model::{Appearance, CityObject, CityObjectType, Geometry, GeometryTemplates};

/// Sorted unique values and a lookup from old value to new index.
struct Renumber {
    used: Vec<u32>,
}

impl Renumber {
    fn new(mut values: Vec<u32>) -> Self {
        values.sort_unstable();
        values.dedup();
        Renumber { used: values }
    }
    #[inline]
    fn get(&self, old: u32) -> u32 {
        self.used.binary_search(&old).map(|i| i as u32).unwrap_or(0)
    }
}

fn all_geometries_mut(objects: &mut [CityObject]) -> impl Iterator<Item = &mut Geometry> {
    objects.iter_mut().flat_map(|o| {
        let addresses = o
            .address
            .iter_mut()
            .flatten()
            .filter_map(|a| a.location.as_mut());
        o.geometry.iter_mut().flatten().chain(addresses)
    })
}

/// Gives the objects their own vertex list taken from `global` (checking every index), and
/// returns it.
pub(crate) fn localize_vertices(
    objects: &mut [CityObject],
    global: &[[i64; 3]],
) -> Result<Vec<[i64; 3]>, (String, String)> {
    if let Some((id, bad)) = urbis_model::feature::first_vertex_out_of_range(objects, global.len())
    {
        return Err((
            id.to_string(),
            format!(
                "vertex index {bad} is out of range ({} vertices)",
                global.len()
            ),
        ));
    }
    let mut indices = Vec::new();
    for o in objects.iter() {
        let addresses = o
            .address
            .iter()
            .flatten()
            .filter_map(|a| a.location.as_ref());
        for g in o.geometries().iter().chain(addresses) {
            indices.extend_from_slice(&g.boundaries.vertices);
        }
    }
    let map = Renumber::new(indices);
    for g in all_geometries_mut(objects) {
        g.boundaries.remap(|v| map.get(v));
    }
    Ok(map.used.iter().map(|&i| global[i as usize]).collect())
}

/// Gives geometry templates their own appearance (the materials, textures and texture
/// coordinates they use), taken from the file's `global` one.
pub(crate) fn localize_templates(
    templates: &mut GeometryTemplates,
    global: Option<&Appearance>,
) -> Result<(), String> {
    let empty = Appearance::default();
    let mut holder = CityObject::new("geometry-templates", CityObjectType::GenericCityObject);
    holder.geometry = Some(std::mem::take(&mut templates.templates));
    let result = localize_appearance(std::slice::from_mut(&mut holder), global.unwrap_or(&empty));
    templates.templates = holder.geometry.take().unwrap_or_default();
    templates.appearance = result.map_err(|(_, message)| message)?.unwrap_or_default();
    Ok(())
}

/// Gives the objects their own appearance, taken from the file's `global` one.
pub(crate) fn localize_appearance(
    objects: &mut [CityObject],
    global: &Appearance,
) -> Result<Option<Appearance>, (String, String)> {
    let mut mats = Vec::new();
    let mut texs = Vec::new();
    let mut uvs = Vec::new();
    for o in objects.iter() {
        for g in o.geometries() {
            for m in &g.materials {
                mats.extend(m.value);
                mats.extend(m.values.iter().flatten().flatten());
            }
            for t in &g.textures {
                for (r, tex) in t.ring_textures.iter().enumerate() {
                    if let Some(tex) = tex {
                        texs.push(*tex);
                        let range =
                            g.boundaries.rings[r] as usize..g.boundaries.rings[r + 1] as usize;
                        uvs.extend_from_slice(&t.uvs[range]);
                    }
                }
            }
        }
        let check = |list: &[u32], len: usize, what: &str| match list
            .iter()
            .find(|&&i| i as usize >= len)
        {
            Some(bad) => Err((
                o.id.clone(),
                format!("{what} index {bad} is out of range ({len} {what}s)"),
            )),
            None => Ok(()),
        };
        check(&mats, global.materials.len(), "material")?;
        check(&texs, global.textures.len(), "texture")?;
        check(&uvs, global.vertices_texture.len(), "texture vertex")?;
    }
    if mats.is_empty() && texs.is_empty() {
        return Ok(None);
    }
    let (mats, texs, uvs) = (Renumber::new(mats), Renumber::new(texs), Renumber::new(uvs));
    for g in objects
        .iter_mut()
        .flat_map(|o| o.geometry.iter_mut().flatten())
    {
        for m in &mut g.materials {
            m.value = m.value.map(|v| mats.get(v));
            for v in m.values.iter_mut().flatten().flatten() {
                *v = mats.get(*v);
            }
        }
        for t in &mut g.textures {
            for (r, tex) in t.ring_textures.iter_mut().enumerate() {
                if let Some(tex) = tex {
                    *tex = texs.get(*tex);
                    let range = g.boundaries.rings[r] as usize..g.boundaries.rings[r + 1] as usize;
                    for uv in &mut t.uvs[range] {
                        *uv = uvs.get(*uv);
                    }
                }
            }
        }
    }
    Ok(Some(Appearance {
        materials: mats
            .used
            .iter()
            .map(|&i| global.materials[i as usize].clone())
            .collect(),
        textures: texs
            .used
            .iter()
            .map(|&i| global.textures[i as usize].clone())
            .collect(),
        vertices_texture: uvs
            .used
            .iter()
            .map(|&i| global.vertices_texture[i as usize])
            .collect(),
        default_theme_material: global.default_theme_material.clone(),
        default_theme_texture: global.default_theme_texture.clone(),
    }))
}

/// Checks that a feature's own appearance indices are in range.
pub(crate) fn check_appearance(
    objects: &[CityObject],
    app: Option<&Appearance>,
) -> Result<(), (String, String)> {
    let empty = Appearance::default();
    let app = app.unwrap_or(&empty);
    for o in objects {
        for g in o.geometries() {
            for m in &g.materials {
                if let Some(bad) = m
                    .value
                    .iter()
                    .chain(m.values.iter().flatten().flatten())
                    .find(|&&i| i as usize >= app.materials.len())
                {
                    return Err((
                        o.id.clone(),
                        format!(
                            "material index {bad} is out of range ({} materials)",
                            app.materials.len()
                        ),
                    ));
                }
            }
            for t in &g.textures {
                if let Some(bad) = t
                    .ring_textures
                    .iter()
                    .flatten()
                    .find(|&&i| i as usize >= app.textures.len())
                {
                    return Err((
                        o.id.clone(),
                        format!(
                            "texture index {bad} is out of range ({} textures)",
                            app.textures.len()
                        ),
                    ));
                }
                for (r, tex) in t.ring_textures.iter().enumerate() {
                    if tex.is_some() {
                        let range =
                            g.boundaries.rings[r] as usize..g.boundaries.rings[r + 1] as usize;
                        if let Some(bad) = t.uvs[range]
                            .iter()
                            .find(|&&i| i as usize >= app.vertices_texture.len())
                        {
                            return Err((o.id.clone(), format!("texture vertex index {bad} is out of range ({} texture vertices)", app.vertices_texture.len())));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}
