//! Appearances: X3DMaterial and ParameterizedTexture, indexed by the surfaces and rings they
//! target (themes kept). GeoreferencedTexture and TexCoordGen have no CityJSON equivalent and
//! are skipped with a warning.

use crate::context::Ctx;
use crate::dom::Dom;
use rustc_hash::FxHashMap as HashMap;
use serde_json::{json, Value};
use std::sync::Arc;
use urbis_model::JsonMap;

/// Materials and textures of some appearances, by target.
#[derive(Debug, Default)]
pub struct AppearanceIndex {
    /// (theme, CityJSON material object).
    pub materials: Vec<(String, Arc<JsonMap>)>,
    /// (theme, CityJSON texture object).
    pub textures: Vec<(String, Arc<JsonMap>)>,
    /// Surface (or geometry) gml:id to the materials that target it.
    pub material_targets: HashMap<String, Vec<u32>>,
    /// Surface gml:id to the textures that target it.
    pub texture_targets: HashMap<String, Vec<u32>>,
    /// (texture, ring gml:id) to the ring's texture coordinates (closing pair removed).
    pub uvs: HashMap<(u32, String), Vec<[f64; 2]>>,
}

fn numbers(text: &str) -> Option<Vec<f64>> {
    text.split_ascii_whitespace()
        .map(|t| t.parse().ok())
        .collect()
}

fn target_id(dom: &Dom<'_>, node: u32) -> Option<String> {
    let raw = dom
        .attr(node, "href")
        .or(dom.attr(node, "uri"))
        .unwrap_or_else(|| dom.text(node));
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.strip_prefix('#').unwrap_or(raw).to_string())
}

impl AppearanceIndex {
    /// True when nothing was indexed.
    pub fn is_empty(&self) -> bool {
        self.materials.is_empty() && self.textures.is_empty()
    }

    /// Indexes an `Appearance` element.
    pub fn add(&mut self, ctx: &mut Ctx, dom: &Dom<'_>, appearance: u32) {
        let theme = dom
            .child(appearance, "theme")
            .map(|t| dom.text(t).to_string())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "default".to_string());
        for member in dom
            .children(appearance)
            .filter(|&c| matches!(dom.node(c).local, "surfaceDataMember" | "surfaceData"))
        {
            if dom.attr(member, "href").is_some() {
                ctx.warn(
                    dom,
                    member,
                    "surface data given by reference is not supported; skipped",
                );
                continue;
            }
            for data in dom.children(member) {
                match dom.node(data).local {
                    "X3DMaterial" => self.material(dom, data, &theme),
                    "ParameterizedTexture" => self.texture(ctx, dom, data, &theme),
                    other => ctx.warn_once(
                        other,
                        dom,
                        data,
                        &format!("{other} has no CityJSON equivalent; skipped"),
                    ),
                }
            }
        }
    }

    fn material(&mut self, dom: &Dom<'_>, node: u32, theme: &str) {
        let mut m = JsonMap::new();
        let mut targets = Vec::new();
        for child in dom.children(node) {
            let local = dom.node(child).local;
            let text = dom.text(child);
            match local {
                "ambientIntensity" | "shininess" | "transparency" => {
                    if let Ok(v) = text.parse::<f64>() {
                        m.insert(local.into(), json!(v));
                    }
                }
                "diffuseColor" | "emissiveColor" | "specularColor" => {
                    if let Some(v) = numbers(text).filter(|v| v.len() == 3) {
                        m.insert(local.into(), json!(v));
                    }
                }
                "isSmooth" => {
                    m.insert(local.into(), json!(text == "true" || text == "1"));
                }
                "target" => targets.extend(target_id(dom, child)),
                _ => {}
            }
        }
        // CityJSON requires a name: the material's own, else its gml:id, else one made from
        // its properties (so that equal anonymous materials share a name and merge).
        let name = dom
            .child(node, "name")
            .map(|n| dom.text(n).to_string())
            .or_else(|| dom.id(node).map(String::from))
            .unwrap_or_else(|| {
                format!(
                    "material-{:016x}",
                    fnv(&Value::Object(m.clone()).to_string())
                )
            });
        let mut named = JsonMap::new();
        named.insert("name".into(), Value::String(name));
        named.extend(m);
        let index = self.materials.len() as u32;
        self.materials.push((theme.to_string(), Arc::new(named)));
        for t in targets {
            self.material_targets.entry(t).or_default().push(index);
        }
    }

    fn texture(&mut self, ctx: &mut Ctx, dom: &Dom<'_>, node: u32, theme: &str) {
        let mut t = JsonMap::new();
        let mut image = String::new();
        let mut mime = String::new();
        for child in dom.children(node) {
            let text = dom.text(child);
            match dom.node(child).local {
                "imageURI" => image = text.to_string(),
                "mimeType" => mime = text.to_ascii_lowercase(),
                "textureType" => {
                    if matches!(text, "specific" | "typical" | "unknown") {
                        t.insert("textureType".into(), json!(text));
                    }
                }
                "wrapMode" => {
                    if matches!(text, "none" | "wrap" | "mirror" | "clamp" | "border") {
                        t.insert("wrapMode".into(), json!(text));
                    }
                }
                "borderColor" => {
                    if let Some(v) = numbers(text).filter(|v| (3..=4).contains(&v.len())) {
                        t.insert("borderColor".into(), json!(v));
                    }
                }
                _ => {}
            }
        }
        let lower = image.to_ascii_lowercase();
        let kind = if mime.contains("png") || lower.ends_with(".png") {
            "PNG"
        } else if mime.contains("jpeg")
            || mime.contains("jpg")
            || lower.ends_with(".jpg")
            || lower.ends_with(".jpeg")
        {
            "JPG"
        } else {
            let message = format!(
                "texture image '{image}' is neither PNG nor JPEG, which CityJSON requires; skipped"
            );
            ctx.warn(dom, node, &message);
            return;
        };
        t.insert("type".into(), json!(kind));
        t.insert("image".into(), json!(image));
        let index = self.textures.len() as u32;
        self.textures.push((theme.to_string(), Arc::new(t)));
        for d in dom.descendants(node) {
            match dom.node(d).local {
                "TexCoordList" => {}
                "TexCoordGen" => {
                    ctx.warn_once(
                        "TexCoordGen",
                        dom,
                        d,
                        "TexCoordGen (texture coordinates by a matrix) is not supported; skipped",
                    );
                    continue;
                }
                _ => continue,
            }
            let Some(surface) = texture_target(dom, d) else {
                ctx.warn(
                    dom,
                    d,
                    "texture coordinates without a target surface; skipped",
                );
                continue;
            };
            self.texture_targets.entry(surface).or_default().push(index);
            for coords in dom
                .children(d)
                .filter(|&c| dom.node(c).local == "textureCoordinates")
            {
                let Some(ring) = dom.attr(coords, "ring") else {
                    continue;
                };
                let ring = ring.trim().trim_start_matches('#').to_string();
                let Some(values) = numbers(dom.text(coords)).filter(|v| v.len() % 2 == 0) else {
                    ctx.warn(
                        dom,
                        coords,
                        "texture coordinates are not pairs of numbers; skipped",
                    );
                    continue;
                };
                let mut pairs: Vec<[f64; 2]> = values.chunks(2).map(|c| [c[0], c[1]]).collect();
                if pairs.len() > 1 && pairs.first() == pairs.last() {
                    pairs.pop();
                }
                self.uvs.insert((index, ring), pairs);
            }
        }
    }
}

/// The surface a TexCoordList belongs to: a `target uri=` ancestor (CityGML 1/2) or the
/// `target` of a `TextureAssociation` ancestor (CityGML 3).
fn texture_target(dom: &Dom<'_>, mut node: u32) -> Option<String> {
    while node != crate::dom::NONE {
        match dom.node(node).local {
            "target" => return target_id(dom, node),
            "TextureAssociation" => {
                let t = dom.child(node, "target")?;
                return target_id(dom, t);
            }
            _ => {}
        }
        node = dom.node(node).parent;
    }
    None
}

/// FNV-1a, a stable 64-bit hash for generated names.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}
