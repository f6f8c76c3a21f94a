//! Top-level members (transform, metadata, appearance, geometry templates) read from JSON
//! values, with the upgrade rules of CityJSON 1.0/1.1 to 2.0.

use crate::de::{GeometrySeed, ReadContext};
use serde::de::DeserializeSeed;
use serde_json::Value;
use std::sync::Arc;
use urbis_model::{Appearance, Crs, GeometryTemplates, JsonMap, Transform};

/// Reads `transform`.
pub(crate) fn transform(value: &Value) -> Result<Transform, String> {
    let get = |name: &str| -> Result<[f64; 3], String> {
        let v = value
            .get(name)
            .ok_or_else(|| format!("transform has no \"{name}\""))?;
        let arr: Vec<f64> =
            serde_json::from_value(v.clone()).map_err(|e| format!("transform \"{name}\": {e}"))?;
        arr.try_into()
            .map_err(|_| format!("transform \"{name}\" must have 3 numbers"))
    };
    let t = Transform {
        scale: get("scale")?,
        translate: get("translate")?,
    };
    if !t.is_usable() {
        return Err("transform has a zero or non-finite scale or translate".into());
    }
    Ok(t)
}

/// Upgrades a 1.0/1.1 metadata object to 2.0, the way the specification's upgrade notes (and
/// cjio) do: the CRS becomes an OGC URL, 1.0 names are renamed, and 1.0-only members dropped.
pub(crate) fn upgrade_metadata(mut m: JsonMap, version: &str) -> JsonMap {
    // Pre-1.0 files: "crs": {"epsg": 7415}.
    if let Some(code) = m
        .get("crs")
        .and_then(|c| c.get("epsg"))
        .and_then(Value::as_u64)
    {
        if !m.contains_key("referenceSystem") {
            m.insert(
                "referenceSystem".into(),
                Value::String(Crs::epsg(code as u32).to_url()),
            );
        }
    }
    if let Some(Value::String(rs)) = m.get("referenceSystem") {
        if let Some(crs) = Crs::parse(rs) {
            m.insert("referenceSystem".into(), Value::String(crs.to_url()));
        }
    }
    if version != "1.0" {
        return m;
    }
    let renames = [
        ("citymodelIdentifier", "identifier"),
        ("datasetReferenceDate", "referenceDate"),
        ("datasetTitle", "title"),
    ];
    let keep = [
        "identifier",
        "referenceDate",
        "title",
        "geographicalExtent",
        "referenceSystem",
        "pointOfContact",
    ];
    let mut out = JsonMap::new();
    for (key, value) in m {
        let key = renames
            .iter()
            .find(|(old, _)| *old == key)
            .map(|(_, new)| new.to_string())
            .unwrap_or(key);
        if keep.contains(&key.as_str()) || key.starts_with('+') {
            out.insert(key, value);
        }
    }
    out
}

/// Renames the material members of pre-1.0 files (`diffuse`, `specular`, `specular-exponent`)
/// to CityJSON's (`diffuseColor`, `specularColor`, `shininess` = exponent / 128 as CityGML
/// does), and drops the ones CityJSON has no place for (`ambient` colour, `illumination`).
pub(crate) fn upgrade_material(m: &mut JsonMap) {
    for (old, new) in [
        ("diffuse", "diffuseColor"),
        ("specular", "specularColor"),
        ("emissive", "emissiveColor"),
    ] {
        if let Some(v) = m.remove(old) {
            m.entry(new.to_string()).or_insert(v);
        }
    }
    if let Some(v) = m.remove("specular-exponent") {
        if let Some(e) = v.as_f64() {
            m.entry("shininess".to_string())
                .or_insert(serde_json::json!((e / 128.0).clamp(0.0, 1.0)));
        }
    }
    m.remove("ambient");
    m.remove("illumination");
}

/// Reads `appearance`.
pub(crate) fn appearance(value: Value) -> Result<Appearance, String> {
    let Value::Object(mut m) = value else {
        return Err("appearance must be an object".into());
    };
    let list = |m: &mut JsonMap, name: &str| -> Result<Vec<Arc<JsonMap>>, String> {
        match m.remove(name) {
            Some(v) => serde_json::from_value::<Vec<JsonMap>>(v)
                .map(|l| l.into_iter().map(Arc::new).collect())
                .map_err(|e| format!("appearance {name}: {e}")),
            None => Ok(Vec::new()),
        }
    };
    let materials = list(&mut m, "materials")?;
    let textures = list(&mut m, "textures")?;
    let vertices_texture = match m.remove("vertices-texture") {
        Some(v) => {
            serde_json::from_value(v).map_err(|e| format!("appearance vertices-texture: {e}"))?
        }
        None => Vec::new(),
    };
    let theme = |m: &mut JsonMap, name: &str| match m.remove(name) {
        Some(Value::String(s)) => Some(s),
        _ => None,
    };
    Ok(Appearance {
        materials,
        textures,
        vertices_texture,
        default_theme_material: theme(&mut m, "default-theme-material"),
        default_theme_texture: theme(&mut m, "default-theme-texture"),
    })
}

/// Reads `geometry-templates`.
pub(crate) fn geometry_templates(
    value: Value,
    ctx: ReadContext,
) -> Result<GeometryTemplates, String> {
    let Value::Object(mut m) = value else {
        return Err("geometry-templates must be an object".into());
    };
    let vertices: Vec<[f64; 3]> = match m.remove("vertices-templates") {
        Some(v) => serde_json::from_value(v).map_err(|e| format!("vertices-templates: {e}"))?,
        None => Vec::new(),
    };
    let templates = match m.remove("templates") {
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, g)| {
                GeometrySeed(ctx)
                    .deserialize(g)
                    .map_err(|e| format!("template {i}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("geometry-templates needs a \"templates\" array".into()),
    };
    for (i, t) in templates.iter().enumerate() {
        if let Some(&v) = t
            .boundaries
            .vertices
            .iter()
            .find(|&&v| v as usize >= vertices.len())
        {
            return Err(format!(
                "template {i} uses vertex {v} but there are {} template vertices",
                vertices.len()
            ));
        }
    }
    Ok(GeometryTemplates {
        templates,
        vertices,
        appearance: Default::default(),
    })
}
