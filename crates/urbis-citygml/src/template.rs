//! ImplicitGeometry: each relative geometry becomes a CityJSON geometry template (found in a
//! pre-pass over the members that contain implicit geometries, because CityJSON puts the
//! templates in the header, before any feature); a link to an earlier relative geometry reuses
//! its template. Materials and textures that target a template's surfaces (in the model's
//! appearances or those of the member that defines it) become the templates' appearance.

use crate::appearance::AppearanceIndex;
use crate::builder::{build_geometry, FeatureAppearance, RealVertices};
use crate::context::Ctx;
use crate::dom::Dom;
use crate::gml::{geometry_of, with_target};
use crate::object::lod_of_property;
use std::collections::HashMap;
use urbis_model::GeometryTemplates;

/// The templates of a file and how implicit geometries find theirs.
#[derive(Debug, Default)]
pub struct Templates {
    /// (member, ImplicitGeometry node) to template.
    pub by_node: HashMap<(usize, u32), u32>,
    /// gml:id of a relative geometry to template.
    pub by_id: HashMap<String, u32>,
    /// The templates, as the header holds them.
    pub geometry: GeometryTemplates,
    /// The templates' materials and textures while they are gathered.
    appearance: FeatureAppearance,
}

fn relative(dom: &Dom<'_>, implicit: u32) -> Option<u32> {
    dom.child(implicit, "relativeGMLGeometry")
        .or_else(|| dom.child(implicit, "relativeGeometry"))
}

impl Templates {
    /// The template of the ImplicitGeometry `node` of member `member`.
    pub fn find(&self, member: usize, node: u32, dom: &Dom<'_>) -> Option<u32> {
        if let Some(&t) = self.by_node.get(&(member, node)) {
            return Some(t);
        }
        let rel = relative(dom, node)?;
        let id = dom.href(rel)?;
        self.by_id.get(id).copied()
    }

    /// Adds the templates defined in one member (its tree `dom`); `global` holds the model's
    /// appearances.
    pub fn add_member(
        &mut self,
        ctx: &mut Ctx,
        member: usize,
        dom: &Dom<'_>,
        global: &AppearanceIndex,
    ) {
        let implicits: Vec<u32> = (0..dom.nodes.len() as u32)
            .filter(|&n| dom.node(n).local == "ImplicitGeometry")
            .collect();
        if implicits.is_empty() {
            return;
        }
        // The member's own appearances (source 1; source 0 is the model's). What they warn
        // about is said again when the member is converted: not here.
        let mut local = AppearanceIndex::default();
        let said = ctx.warnings.len();
        for n in 0..dom.nodes.len() as u32 {
            if dom.node(n).local == "Appearance" {
                local.add(ctx, dom, n);
            }
        }
        ctx.warnings.truncate(said);
        self.appearance.forget_source(1);
        let apps = [global, &local];
        for &n in &implicits {
            let Some(rel) = relative(dom, n) else {
                continue;
            };
            let lod = lod_of(dom, n);
            if let Some(href) = dom.href(rel) {
                if self.by_id.contains_key(href) {
                    continue;
                }
                let href = href.to_string();
                let raw = match ctx.follow(dom, rel) {
                    Some(target) => with_target(ctx, dom, target, geometry_of),
                    None => None,
                };
                if let Some(raw) = raw {
                    if let Some(t) = self.push(ctx, dom, n, &raw, lod, &apps) {
                        self.by_id.insert(href, t);
                    }
                }
                continue;
            }
            let Some(geometry) = dom.first_child(rel) else {
                continue;
            };
            let Some(raw) = geometry_of(ctx, dom, geometry) else {
                continue;
            };
            if let Some(t) = self.push(ctx, dom, n, &raw, lod, &apps) {
                self.by_node.insert((member, n), t);
                if let Some(id) = dom.id(geometry) {
                    self.by_id.entry(id.to_string()).or_insert(t);
                }
            }
        }
    }

    /// The templates with their appearance, once every member was added.
    pub fn finish(&mut self) {
        self.geometry.appearance = std::mem::take(&mut self.appearance.appearance);
    }

    fn push(
        &mut self,
        ctx: &mut Ctx,
        dom: &Dom<'_>,
        node: u32,
        raw: &crate::gml::RawGeometry,
        lod: String,
        apps: &[&AppearanceIndex],
    ) -> Option<u32> {
        let mut sink = RealVertices {
            vertices: std::mem::take(&mut self.geometry.vertices),
        };
        let result = build_geometry(
            raw,
            Some(lod),
            &mut sink,
            None,
            apps,
            Some(&mut self.appearance),
        );
        self.geometry.vertices = sink.vertices;
        match result {
            Ok(g) => {
                self.geometry.templates.push(g);
                Some((self.geometry.templates.len() - 1) as u32)
            }
            Err(message) => {
                ctx.warn(dom, node, &message);
                None
            }
        }
    }
}

/// The LoD of the `lodNImplicitRepresentation` property around an ImplicitGeometry.
fn lod_of(dom: &Dom<'_>, implicit: u32) -> String {
    let parent = dom.node(implicit).parent;
    if parent == crate::dom::NONE {
        return "1".into();
    }
    match lod_of_property(dom.node(parent).local) {
        Some('4') => "3".into(),
        Some(d) => d.to_string(),
        None => "1".into(),
    }
}
