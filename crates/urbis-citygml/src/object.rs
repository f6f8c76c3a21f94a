//! One member to features: city objects with their attributes, children, geometries,
//! semantics (from boundary surfaces and openings) and appearances.
//!
//! The mapping follows CityJSON's own rules for CityGML: a boundary surface's polygons become
//! semantic surfaces of the object's geometry that uses them (a Solid whose faces link to the
//! WallSurface polygons gets WallSurface semantics); boundary-surface polygons that no geometry
//! of the same LoD uses become a MultiSurface of that LoD. LoD4 (CityGML 1/2) becomes LoD 3, as
//! CityGML 3.0 itself does.

use crate::appearance::AppearanceIndex;
use crate::attributes::{address_fields, generic_attribute, to_json, typed_value};
use crate::builder::{build_geometry, FeatureAppearance, SemanticsOf, Thematic, VertexPool};
use crate::context::Ctx;
use crate::dom::{Dom, Namespaces};
use crate::gml::{geometry_of, with_target, RawGeometry};
use crate::index::FileIndex;
use crate::names::{self, is_standard_namespace};
use crate::template::Templates;
use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;
use urbis_model::{
    Address, CityObject, CityObjectType, Feature, Geometry, GeometryInstance, GeometryType,
    JsonMap, Transform,
};

/// What every member's conversion shares (read-only).
pub struct Shared {
    /// The root's namespaces.
    pub namespaces: Arc<Namespaces>,
    /// Quantisation of the output.
    pub transform: Transform,
    /// Appearances given at the model level (`appearanceMember`).
    pub global_appearance: Arc<AppearanceIndex>,
    /// Geometry templates (ImplicitGeometry).
    pub templates: Arc<Templates>,
    /// The link index, for references between members.
    pub index: Option<Arc<FileIndex>>,
    /// The model's CRS (geometries in another CRS are skipped).
    pub crs: Option<urbis_model::Crs>,
    /// The file is ISO-8859-1 (converted to UTF-8 member by member).
    pub latin1: bool,
    /// The file's coordinates are northing (latitude) first: swap them to x = easting.
    pub swap_xy: bool,
}

/// The result of converting one member.
#[derive(Debug, Default)]
pub struct Converted {
    /// Its features (usually one; a ReliefFeature gives one per component).
    pub features: Vec<Feature>,
    /// Warnings, with locations.
    pub warnings: Vec<crate::Warning>,
    /// Keys of once-per-file warnings among them.
    pub once: Vec<String>,
    /// Links into other documents (not followed).
    pub external_links: u64,
}

/// The LoD of a `lodN...` property, if it is one: "0" to "3" (LoD4 becomes "3").
pub fn lod_of_property(local: &str) -> Option<char> {
    let bytes = local.as_bytes();
    if bytes.len() > 4 && local.starts_with("lod") && bytes[3].is_ascii_digit() {
        Some(bytes[3] as char)
    } else {
        None
    }
}

fn is_gml_geometry(local: &str) -> bool {
    matches!(
        local,
        "Point"
            | "MultiPoint"
            | "LineString"
            | "Curve"
            | "MultiCurve"
            | "CompositeCurve"
            | "Polygon"
            | "Surface"
            | "MultiSurface"
            | "CompositeSurface"
            | "TriangulatedSurface"
            | "Tin"
            | "Solid"
            | "MultiSolid"
            | "CompositeSolid"
            | "OrientableSurface"
            | "GeometricComplex"
    )
}

#[derive(Default)]
struct ObjectState {
    thematics: Vec<Thematic>,
    by_id: HashMap<String, usize>,
    /// (thematic, lod, property node).
    thematic_geometries: Vec<(usize, String, u32)>,
    /// (lod, property node).
    geometries: Vec<(String, u32)>,
    /// (lod, property node) of implicit representations.
    implicit: Vec<(String, u32)>,
    /// Geometry properties without a LoD in their name (relief `tin`, `reliefPoints`...).
    plain: Vec<u32>,
    /// `dem:lod` of a relief component.
    lod: Option<String>,
}

struct Walker<'d, 'a> {
    dom: &'d Dom<'a>,
    ctx: Ctx,
    shared: &'d Shared,
    member: usize,
    local_app: AppearanceIndex,
    pool: VertexPool,
    fa: FeatureAppearance,
    objects: Vec<CityObject>,
    /// Links to city objects by xlink: (object slot, property, target id, property node).
    links: Vec<(usize, String, String, u32)>,
}

/// Converts the member `member` (its bytes, starting on line `line`).
pub fn convert_member(
    shared: &Shared,
    member: usize,
    bytes: &[u8],
    line: u64,
) -> Result<Converted, (u64, String)> {
    let transcoded: Vec<u8>;
    let bytes = if shared.latin1 && std::str::from_utf8(bytes).is_err() {
        transcoded = bytes
            .iter()
            .map(|&b| b as char)
            .collect::<String>()
            .into_bytes();
        &transcoded[..]
    } else {
        bytes
    };
    let dom = Dom::parse(bytes, &shared.namespaces).map_err(|e| {
        let at = e.offset.min(bytes.len());
        (line + crate::split::count_lines(&bytes[..at]), e.message)
    })?;
    let mut w = Walker {
        dom: &dom,
        ctx: Ctx::new(Arc::clone(&shared.namespaces), shared.index.clone(), line),
        shared,
        member,
        local_app: AppearanceIndex::default(),
        pool: VertexPool::new(shared.transform, shared.swap_xy),
        fa: FeatureAppearance::default(),
        objects: Vec::new(),
        links: Vec::new(),
    };
    // Appearances anywhere in the member apply to its surfaces.
    for n in 0..dom.nodes.len() as u32 {
        if dom.node(n).local == "Appearance" {
            let mut app = std::mem::take(&mut w.local_app);
            app.add(&mut w.ctx, &dom, n);
            w.local_app = app;
        }
    }
    let mut out = Converted::default();
    if dom.attr(0, "href").is_some() && dom.first_child(0).is_none() {
        w.ctx.warn_lost(
            &dom,
            0,
            "a member given by reference is not supported; skipped",
        );
    }
    for feature in dom.children(0).collect::<Vec<_>>() {
        if dom.node(feature).local == "ReliefFeature" {
            let lod = dom.child(feature, "lod").map(|l| dom.text(l).to_string());
            for comp in dom
                .children(feature)
                .filter(|&c| dom.node(c).local == "reliefComponent")
                .collect::<Vec<_>>()
            {
                match dom.first_child(comp) {
                    Some(c) => out.features.push(w.feature(c, lod.clone())),
                    None => w.ctx.warn_lost(
                        &dom,
                        comp,
                        "a relief component given by reference is not supported; skipped",
                    ),
                }
            }
            continue;
        }
        out.features.push(w.feature(feature, None));
    }
    out.warnings = w.ctx.warnings;
    out.once = w.ctx.once;
    out.external_links = w.ctx.external_links;
    Ok(out)
}

impl Walker<'_, '_> {
    fn feature(&mut self, node: u32, lod: Option<String>) -> Feature {
        self.pool = VertexPool::new(self.shared.transform, self.shared.swap_xy);
        self.fa = FeatureAppearance::default();
        self.objects = Vec::new();
        let id = self.object(node, None, lod);
        self.resolve_links();
        let pool = std::mem::replace(
            &mut self.pool,
            VertexPool::new(self.shared.transform, self.shared.swap_xy),
        );
        let fa = std::mem::take(&mut self.fa);
        Feature {
            id,
            objects: std::mem::take(&mut self.objects),
            vertices: pool.vertices,
            appearance: (!fa.appearance.is_empty()).then_some(fa.appearance),
            extra: JsonMap::new(),
        }
    }

    /// Links to city objects: inside the feature they become parent/child links (an object
    /// may have several parents); to an object of another feature, an attribute holding its id
    /// (checked to exist).
    fn resolve_links(&mut self) {
        let links = std::mem::take(&mut self.links);
        for (slot, property, target, node) in links {
            let parent_id = self.objects[slot].id.clone();
            if let Some(t) = self.objects.iter().position(|o| o.id == target) {
                if !self.objects[slot].children.contains(&target) {
                    self.objects[slot].children.push(target.clone());
                }
                if !self.objects[t].parents.contains(&parent_id) {
                    self.objects[t].parents.push(parent_id);
                }
                continue;
            }
            let exists = self
                .shared
                .index
                .as_ref()
                .is_some_and(|i| matches!(i.fetch(&target), Ok(Some(_))));
            if !exists {
                let message =
                    format!("unresolved xlink:href #{target}: no element has this gml:id");
                self.ctx.warn(self.dom, node, &message);
            }
            let attrs = self.objects[slot]
                .attributes
                .get_or_insert_with(JsonMap::new);
            insert_attr(attrs, property, Value::String(target));
        }
    }

    fn lod_string(&mut self, node: u32, digit: char) -> String {
        if digit == '4' {
            self.ctx.warn_once(
                "LoD4",
                self.dom,
                node,
                "LoD4 geometries become LoD 3 (CityJSON has no LoD4; CityGML 3.0 merged it into LoD3)",
            );
            "3".into()
        } else {
            digit.to_string()
        }
    }

    fn object(&mut self, node: u32, parent: Option<&str>, lod: Option<String>) -> String {
        let dom = self.dom;
        let local = dom.node(node).local;
        let kind = match names::object_type(local) {
            Some(t) => t,
            None => {
                let uri = dom.uri(node).to_string();
                if !is_standard_namespace(&uri) {
                    let message = format!(
                        "ADE feature types of namespace {uri} become Extension types (+{local})"
                    );
                    self.ctx.warn_once(&uri, dom, node, &message);
                } else {
                    let message = format!(
                        "{local} has no CityJSON type; it becomes the Extension type +{local}"
                    );
                    self.ctx.warn_once(local, dom, node, &message);
                }
                CityObjectType::Extension(format!("+{local}"))
            }
        };
        let id = match dom.id(node) {
            Some(id) => id.to_string(),
            None => format!(
                "{}{}-line{}",
                parent.map(|p| format!("{p}-")).unwrap_or_default(),
                local,
                self.ctx.line_of(dom, node)
            ),
        };
        let saved_object = self.ctx.object.replace(id.clone());
        let slot = self.objects.len();
        let mut co = CityObject::new(id.clone(), kind.clone());
        if let Some(p) = parent {
            co.parents.push(p.to_string());
        }
        self.objects.push(co.clone());
        let mut attrs = JsonMap::new();
        let mut state = ObjectState {
            lod,
            ..ObjectState::default()
        };
        for p in dom.children(node).collect::<Vec<_>>() {
            self.property(p, &id, &mut co, &mut attrs, &mut state);
        }
        let geometries = self.geometries(&state, &kind);
        co.geometry = (!geometries.is_empty()).then_some(geometries);
        co.attributes = (!attrs.is_empty()).then_some(attrs);
        self.objects[slot] = co;
        self.ctx.object = saved_object;
        id
    }

    fn property(
        &mut self,
        p: u32,
        id: &str,
        co: &mut CityObject,
        attrs: &mut JsonMap,
        state: &mut ObjectState,
    ) {
        let dom = self.dom;
        let node = dom.node(p);
        let local = node.local;
        let uri = dom.uri(p);
        if !is_standard_namespace(uri) {
            let key = format!("{}:{}", node.prefix, local);
            let message = format!(
                "ADE content of namespace {uri} is kept as attributes named '{}:...'",
                node.prefix
            );
            let uri = uri.to_string();
            self.ctx.warn_once(&uri, dom, p, &message);
            insert_attr(attrs, key, to_json(dom, p));
            return;
        }
        if let Some((name, value)) = generic_attribute(dom, p) {
            insert_attr(attrs, name, value);
            return;
        }
        if let Some(digit) = lod_of_property(local) {
            let lod = self.lod_string(p, digit);
            if local.contains("TerrainIntersection") {
                return;
            }
            if local.contains("ImplicitRepresentation") {
                state.implicit.push((lod, p));
            } else {
                state.geometries.push((lod, p));
            }
            return;
        }
        let first = dom.first_child(p);
        match local {
            "appearance" | "parent" | "metaDataProperty" => return,
            "dynamizer" | "generalizesTo" => {
                // Links CityJSON cannot hold: named once per file.
                self.ctx.warn_once(
                    &format!("skipped-{local}"),
                    dom,
                    p,
                    &format!("{local} (a CityGML link to other features or sources) has no CityJSON equivalent; every {local} is skipped"),
                );
                return;
            }
            "boundedBy" if first.is_some_and(|c| dom.node(c).local == "Envelope") => return,
            "lod" => {
                state.lod = Some(dom.text(p).to_string());
                return;
            }
            "name" | "description" | "identifier" if first.is_none() => {
                insert_attr(
                    attrs,
                    local.to_string(),
                    Value::String(dom.text(p).to_string()),
                );
                return;
            }
            "address" => {
                if let Some(a) = self.address(p) {
                    co.address.get_or_insert_with(Vec::new).push(a);
                }
                return;
            }
            "groupMember" => {
                match dom.href(p) {
                    Some(target) => co.children.push(target.to_string()),
                    None => {
                        if let Some(c) = first {
                            let child = self.object(c, Some(id), None);
                            co.children.push(child);
                        }
                    }
                }
                return;
            }
            "externalReference" => {
                insert_attr(attrs, "externalReferences".into(), to_json(dom, p));
                return;
            }
            _ => {}
        }
        match first {
            Some(c) if names::semantic_type(dom.node(c).local).is_some() => {
                self.thematic(c, None, state);
            }
            Some(c) if names::object_type(dom.node(c).local).is_some() => {
                let child = self.object(c, Some(id), None);
                co.children.push(child);
            }
            Some(c) if is_gml_geometry(dom.node(c).local) => state.plain.push(p),
            Some(c) if dom.id(c).is_some() && !is_standard_namespace(dom.uri(c)) => {
                let child = self.object(c, Some(id), None);
                co.children.push(child);
            }
            Some(_) => insert_attr(attrs, local.to_string(), to_json(dom, p)),
            None => {
                if let Some(target) = dom.href(p) {
                    let slot = self.objects.iter().rposition(|o| o.id == id).unwrap_or(0);
                    self.links
                        .push((slot, local.to_string(), target.to_string(), p));
                    return;
                }
                let text = dom.text(p);
                let value = typed_value(local, text, dom.attr(p, "uom").is_some());
                insert_attr(attrs, local.to_string(), value);
            }
        }
    }

    fn thematic(&mut self, node: u32, parent: Option<usize>, state: &mut ObjectState) {
        let dom = self.dom;
        let Some(kind) = names::semantic_type(dom.node(node).local) else {
            return;
        };
        let t = state.thematics.len();
        state.thematics.push(Thematic {
            kind: kind.to_string(),
            attributes: JsonMap::new(),
            parent,
        });
        let mut attrs = JsonMap::new();
        for p in dom.children(node).collect::<Vec<_>>() {
            let local = dom.node(p).local;
            if let Some(digit) = lod_of_property(local) {
                let lod = self.lod_string(p, digit);
                for d in std::iter::once(p).chain(dom.descendants(p)) {
                    if let Some(id) = dom.id(d) {
                        state.by_id.entry(id.to_string()).or_insert(t);
                    }
                }
                if !local.contains("ImplicitRepresentation") {
                    state.thematic_geometries.push((t, lod, p));
                }
                continue;
            }
            if let Some((name, value)) = generic_attribute(dom, p) {
                insert_attr(&mut attrs, name, value);
                continue;
            }
            match dom.first_child(p) {
                Some(c) if names::semantic_type(dom.node(c).local).is_some() => {
                    self.thematic(c, Some(t), state);
                }
                Some(_) if local == "appearance" => {}
                Some(c) if dom.node(c).local == "Envelope" => {}
                Some(_) => insert_attr(&mut attrs, local.to_string(), to_json(dom, p)),
                None if dom.attr(p, "href").is_some() => {}
                None => {
                    let v = typed_value(local, dom.text(p), dom.attr(p, "uom").is_some());
                    insert_attr(&mut attrs, local.to_string(), v);
                }
            }
        }
        state.thematics[t].attributes = attrs;
    }

    fn address(&mut self, p: u32) -> Option<Address> {
        let dom = self.dom;
        let addr = dom.first_child(p)?;
        let mut members = JsonMap::new();
        let mut location = None;
        for c in dom.children(addr) {
            match dom.node(c).local {
                "multiPoint" => {
                    if let Some(mp) = dom.first_child(c) {
                        let other = dom
                            .attr(mp, "srsName")
                            .and_then(|s| crate::srs::parse_srs_name(s).0)
                            .filter(|c| Some(c) != self.shared.crs.as_ref());
                        if let Some(other) = other {
                            let message = format!(
                                "address location in {other}, not the model's CRS; skipped"
                            );
                            self.ctx.warn(dom, mp, &message);
                            continue;
                        }
                        if let Some(raw) = geometry_of(&mut self.ctx, dom, mp) {
                            location = build_geometry(
                                &raw,
                                Some("1".into()),
                                &mut self.pool,
                                None,
                                &[],
                                None,
                            )
                            .ok();
                        }
                    }
                }
                _ => {
                    for (k, v) in address_fields(dom, c) {
                        members.entry(k).or_insert(v);
                    }
                }
            }
        }
        (!members.is_empty() || location.is_some()).then_some(Address { members, location })
    }

    fn raw_of(&mut self, p: u32) -> Option<RawGeometry> {
        let dom = self.dom;
        match self.ctx.follow(dom, p) {
            Some(target) => with_target(&mut self.ctx, dom, target, |ctx, dom, n| {
                geometry_of(ctx, dom, n)
            }),
            None => {
                let c = dom.first_child(p)?;
                geometry_of(&mut self.ctx, dom, c)
            }
        }
    }

    /// The model geometry of `raw`; a failure is a warning at `at` (the geometry's property).
    fn build(
        &mut self,
        at: u32,
        raw: &RawGeometry,
        lod: String,
        per_surface: Vec<Option<usize>>,
        thematics: &[Thematic],
    ) -> Option<Geometry> {
        let global = Arc::clone(&self.shared.global_appearance);
        let apps = [&self.local_app, global.as_ref()];
        let sem = SemanticsOf {
            per_surface,
            thematics,
        };
        match build_geometry(
            raw,
            Some(lod),
            &mut self.pool,
            Some(&sem),
            &apps,
            Some(&mut self.fa),
        ) {
            Ok(g) => Some(g),
            Err(message) => {
                self.ctx.warn(self.dom, at, &message);
                None
            }
        }
    }

    fn geometries(&mut self, state: &ObjectState, kind: &CityObjectType) -> Vec<Geometry> {
        let mut out = Vec::new();
        let mut used: HashMap<String, HashSet<String>> = HashMap::default();
        for (lod, p) in &state.geometries {
            let Some(raw) = self.raw_of(*p) else { continue };
            let per_surface: Vec<Option<usize>> = raw
                .surfaces
                .iter()
                .map(|s| {
                    s.ids
                        .iter()
                        .rev()
                        .find_map(|id| state.by_id.get(id).copied())
                })
                .collect();
            let ids = used.entry(lod.clone()).or_default();
            for s in &raw.surfaces {
                ids.extend(s.ids.iter().cloned());
            }
            if let Some(g) = self.build(*p, &raw, lod.clone(), per_surface, &state.thematics) {
                out.push(g);
            }
        }
        // Boundary-surface polygons no geometry of their LoD uses.
        // Per LoD: the first property contributing (for warnings), the polygons, their semantics.
        type Leftover = (u32, RawGeometry, Vec<Option<usize>>);
        let mut leftovers: BTreeMap<String, Leftover> = BTreeMap::new();
        for (t, lod, p) in &state.thematic_geometries {
            let used = used.get(lod);
            // Most often every polygon is already in the object's geometry (a Solid linking to
            // them): then there is nothing to parse again.
            if used.is_some_and(|u| all_polygons_used(self.dom, *p, u)) {
                continue;
            }
            let Some(raw) = self.raw_of(*p) else { continue };
            let (_, acc, per) = leftovers.entry(lod.clone()).or_insert_with(|| {
                (
                    *p,
                    RawGeometry::empty(GeometryType::MultiSurface),
                    Vec::new(),
                )
            });
            for s in raw.surfaces {
                if used.is_some_and(|u| s.ids.iter().any(|id| u.contains(id))) {
                    continue;
                }
                acc.surfaces.push(s);
                per.push(Some(*t));
            }
        }
        for (lod, (at, raw, per)) in leftovers {
            if raw.surfaces.is_empty() {
                continue;
            }
            if let Some(g) = self.build(at, &raw, lod, per, &state.thematics) {
                out.push(g);
            }
        }
        for p in &state.plain {
            let Some(mut raw) = self.raw_of(*p) else {
                continue;
            };
            if *kind == CityObjectType::TINRelief && raw.kind == GeometryType::MultiSurface {
                raw.kind = GeometryType::CompositeSurface;
            }
            let lod = match &state.lod {
                Some(l) => l.clone(),
                None => {
                    self.ctx
                        .warn(self.dom, *p, "a geometry without a LoD is given LoD 1");
                    "1".into()
                }
            };
            let lod = if lod == "4" { "3".into() } else { lod };
            let n = raw.surfaces.len();
            if let Some(g) = self.build(*p, &raw, lod, vec![None; n], &state.thematics) {
                out.push(g);
            }
        }
        for (_, p) in &state.implicit {
            if let Some(g) = self.instance(*p) {
                out.push(g);
            }
        }
        out
    }

    fn instance(&mut self, p: u32) -> Option<Geometry> {
        let dom = self.dom;
        let Some(implicit) = dom.first_child(p) else {
            self.ctx.warn_lost(
                dom,
                p,
                "an implicit geometry given by reference is not supported; skipped",
            );
            return None;
        };
        let template = self.shared.templates.find(self.member, implicit, dom);
        let Some(template) = template else {
            self.ctx.warn_lost(
                dom,
                implicit,
                "ImplicitGeometry without a usable relative geometry; skipped",
            );
            return None;
        };
        let mut matrix = [
            1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        ];
        if let Some(m) = dom.child(implicit, "transformationMatrix") {
            let values: Option<Vec<f64>> = dom
                .text(m)
                .split_ascii_whitespace()
                .map(|v| v.parse().ok())
                .collect();
            match values {
                Some(v) if v.len() == 16 => matrix.copy_from_slice(&v),
                _ => {
                    self.ctx.warn(
                        dom,
                        m,
                        "transformationMatrix is not 16 numbers; identity used",
                    );
                }
            }
        }
        let point = dom
            .child(implicit, "referencePoint")
            .and_then(|r| dom.first_child(r))
            .map(|pt| crate::gml::points_of(&mut self.ctx, dom, pt))
            .and_then(|pts| pts.first().copied());
        let Some(point) = point else {
            self.ctx.warn_lost(
                dom,
                implicit,
                "ImplicitGeometry without a reference point; skipped",
            );
            return None;
        };
        let index = match crate::builder::VertexSink::add(&mut self.pool, point) {
            Ok(i) => i,
            Err(message) => {
                self.ctx.warn(dom, implicit, &message);
                return None;
            }
        };
        if self.shared.swap_xy {
            // The template's vertices are swapped too: conjugate the matrix by the swap.
            matrix = swap_matrix_axes(matrix);
        }
        let mut g = Geometry::new(GeometryType::GeometryInstance, None);
        g.boundaries.vertices.push(index);
        g.instance = Some(GeometryInstance {
            template,
            transformation_matrix: matrix,
        });
        Some(g)
    }
}

/// A row-major 4×4 matrix acting on swapped x/y coordinates: rows 0 and 1 exchanged, then
/// columns 0 and 1.
fn swap_matrix_axes(m: [f64; 16]) -> [f64; 16] {
    let mut out = m;
    for r in 0..4 {
        for c in 0..4 {
            let swap = |i: usize| match i {
                0 => 1,
                1 => 0,
                other => other,
            };
            out[r * 4 + c] = m[swap(r) * 4 + swap(c)];
        }
    }
    out
}

/// True when every polygon under `node` has a gml:id in `used` (and there is at least one).
fn all_polygons_used(dom: &Dom<'_>, node: u32, used: &HashSet<String>) -> bool {
    let mut any = false;
    let mut d = node + 1;
    let end = dom.node(node).end;
    while d < end {
        let n = dom.node(d);
        if matches!(
            n.local,
            "Polygon" | "Triangle" | "Rectangle" | "Surface" | "OrientableSurface"
        ) {
            match dom.id(d) {
                Some(id) if used.contains(id) => any = true,
                _ => return false,
            }
            d = n.end;
            continue;
        }
        if dom.attr(d, "href").is_some() {
            return false;
        }
        d += 1;
    }
    any
}

/// Adds an attribute; a repeated name collects its values in an array.
fn insert_attr(attrs: &mut JsonMap, key: String, value: Value) {
    crate::attributes::insert_value(attrs, key, value);
}
