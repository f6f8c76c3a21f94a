//! GML geometry in real coordinates: points, curves, polygons with their rings, surfaces,
//! shells and solids, with `xlink:href` references followed.

use crate::context::Ctx;
use crate::dom::Dom;
use urbis_model::GeometryType;

/// A ring (or a curve) in real coordinates, without the closing point.
#[derive(Debug, Clone, Default)]
pub struct Ring {
    /// gml:id of the LinearRing (texture coordinates refer to it).
    pub id: Option<String>,
    /// The points.
    pub points: Vec<[f64; 3]>,
    /// True when the points were reversed (a `-` OrientableSurface).
    pub reversed: bool,
}

/// A polygon: exterior ring first, then the interior rings.
#[derive(Debug, Clone, Default)]
pub struct Surface {
    /// gml:ids that name this polygon: its own and those of the surfaces enclosing it
    /// (semantics and appearances target any of them).
    pub ids: Vec<String>,
    /// The rings.
    pub rings: Vec<Ring>,
}

/// A geometry in real coordinates, before quantisation.
#[derive(Debug, Clone)]
pub struct RawGeometry {
    /// CityJSON geometry type.
    pub kind: GeometryType,
    /// Points (MultiPoint).
    pub points: Vec<[f64; 3]>,
    /// Curves (MultiLineString).
    pub lines: Vec<Vec<[f64; 3]>>,
    /// Polygons (surface and solid types).
    pub surfaces: Vec<Surface>,
    /// Offsets of shells into `surfaces` (solid types), starting with 0.
    pub shells: Vec<u32>,
    /// Offsets of solids into the shells (MultiSolid, CompositeSolid), starting with 0.
    pub solids: Vec<u32>,
    /// gml:id of the geometry element.
    pub id: Option<String>,
}

impl RawGeometry {
    /// An empty geometry of a type.
    pub fn empty(kind: GeometryType) -> Self {
        Self::new(kind, None)
    }

    fn new(kind: GeometryType, id: Option<&str>) -> Self {
        RawGeometry {
            kind,
            points: Vec::new(),
            lines: Vec::new(),
            surfaces: Vec::new(),
            shells: vec![0],
            solids: vec![0],
            id: id.map(String::from),
        }
    }

    /// True when there is nothing in it.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty() && self.lines.is_empty() && self.surfaces.is_empty()
    }
}

/// Most levels of `xlink:href` followed in a chain (cycles end here).
const MAX_LINK_DEPTH: u32 = 16;

/// The srsDimension of a coordinate element: its own, else the nearest ancestor's; without
/// one, a `pos` has as many coordinates as it holds (2 or 3), and a `posList` has 2 under a
/// two-dimensional geographic srsName (EPSG:4326, 4258) and 3 otherwise.
fn srs_dimension(dom: &Dom<'_>, node: u32) -> usize {
    if let Some(d) = dom.attr(node, "srsDimension") {
        return d.trim().parse().unwrap_or(3);
    }
    if dom.node(node).local == "pos" {
        let count = dom.text(node).split_ascii_whitespace().count();
        if count == 2 || count == 3 {
            return count;
        }
    }
    let mut n = node;
    let mut srs_name = None;
    loop {
        if let Some(d) = dom.attr(n, "srsDimension").or(dom.attr(n, "dimension")) {
            return d.trim().parse().unwrap_or(3);
        }
        if srs_name.is_none() {
            srs_name = dom.attr(n, "srsName");
        }
        let parent = dom.node(n).parent;
        if parent == crate::dom::NONE {
            break;
        }
        n = parent;
    }
    let two_d = srs_name
        .and_then(|s| crate::srs::parse_srs_name(s).0)
        .is_some_and(|c| matches!(c.epsg_code(), Some(4326 | 4258)));
    if two_d {
        2
    } else {
        3
    }
}

/// Parses a whitespace-separated list of numbers as points of `dim` coordinates.
pub fn parse_pos_list(text: &str, dim: usize, out: &mut Vec<[f64; 3]>) -> Result<(), String> {
    if !(2..=3).contains(&dim) {
        return Err(format!("srsDimension {dim} is not supported (2 or 3)"));
    }
    let mut point = [0.0; 3];
    let mut k = 0;
    let mut count = 0usize;
    for token in text.split_ascii_whitespace() {
        let v: f64 = token
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("'{token}' is not a finite number"))?;
        point[k] = v;
        k += 1;
        count += 1;
        if k == dim {
            if dim == 2 {
                point[2] = 0.0;
            }
            out.push(point);
            k = 0;
        }
    }
    if k != 0 {
        return Err(format!(
            "{count} coordinates is not a multiple of srsDimension {dim}"
        ));
    }
    Ok(())
}

/// Parses one `pos` without attributes: two or three numbers.
fn parse_pos(text: &str, out: &mut Vec<[f64; 3]>) -> Result<(), String> {
    let mut point = [0.0; 3];
    let mut count = 0;
    for token in text.split_ascii_whitespace() {
        if count == 3 {
            return Err(format!("pos '{text}' has more than 3 coordinates"));
        }
        point[count] = token
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("'{token}' is not a finite number"))?;
        count += 1;
    }
    if count < 2 {
        return Err(format!("pos '{text}' has {count} coordinates"));
    }
    out.push(point);
    Ok(())
}

/// Parses GML 2 `coordinates` (`x,y,z x,y,z`, with `cs` and `ts` separators).
fn parse_coordinates(dom: &Dom<'_>, node: u32, out: &mut Vec<[f64; 3]>) -> Result<(), String> {
    let cs = dom.attr(node, "cs").unwrap_or(",");
    let ts = dom.attr(node, "ts").unwrap_or(" ");
    let text = dom.text(node);
    let tuples: Vec<&str> = if ts.trim().is_empty() {
        text.split_ascii_whitespace().collect()
    } else {
        text.split(ts).filter(|t| !t.trim().is_empty()).collect()
    };
    for tuple in tuples {
        let values: Result<Vec<f64>, _> = tuple.split(cs).map(|v| v.trim().parse()).collect();
        let values = values.map_err(|_| format!("'{tuple}' is not a coordinate tuple"))?;
        match values.as_slice() {
            [x, y] => out.push([*x, *y, 0.0]),
            [x, y, z] => out.push([*x, *y, *z]),
            _ => return Err(format!("'{tuple}' has {} coordinates", values.len())),
        }
    }
    Ok(())
}

/// The points of a LinearRing, LineString or similar element, in order.
pub fn points_of(ctx: &mut Ctx, dom: &Dom<'_>, node: u32) -> Vec<[f64; 3]> {
    let mut out = Vec::new();
    for child in dom.children(node) {
        let result = match dom.node(child).local {
            "posList" => parse_pos_list(dom.text(child), srs_dimension(dom, child), &mut out),
            "pos" if dom.node(child).attr_count == 0 => parse_pos(dom.text(child), &mut out),
            "pos" => parse_pos_list(dom.text(child), srs_dimension(dom, child), &mut out),
            "coordinates" => parse_coordinates(dom, child, &mut out),
            "coord" => {
                let get = |n: &str| dom.child(child, n).and_then(|c| dom.text(c).parse().ok());
                match (get("X"), get("Y")) {
                    (Some(x), Some(y)) => {
                        out.push([x, y, get("Z").unwrap_or(0.0)]);
                        Ok(())
                    }
                    _ => Err("a coord without X and Y".to_string()),
                }
            }
            "pointProperty" | "pointRep" => {
                match dom.child(child, "Point") {
                    Some(p) => out.extend(points_of(ctx, dom, p)),
                    None => {
                        ctx.warn_lost(dom, child, "a point given by reference is not supported")
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(message) = result {
            ctx.warn_lost(dom, child, &format!("{message}; the element is skipped"));
            return Vec::new();
        }
    }
    out
}

/// A ring from a LinearRing (or Ring of curves): closing point removed, at least 3 points.
fn ring_of(ctx: &mut Ctx, dom: &Dom<'_>, node: u32) -> Option<Ring> {
    let mut points = match dom.node(node).local {
        "Ring" => {
            let mut pts = Vec::new();
            for member in dom.children(node) {
                for curve in dom.children(member) {
                    for line in curve_lines(ctx, dom, curve) {
                        pts.extend(line);
                    }
                }
            }
            pts.dedup();
            pts
        }
        _ => points_of(ctx, dom, node),
    };
    if points.len() > 1 && points.first() == points.last() {
        points.pop();
    }
    if points.len() < 3 {
        ctx.warn_lost(
            dom,
            node,
            &format!(
                "a ring with {} distinct points (at least 3 needed) is skipped",
                points.len()
            ),
        );
        return None;
    }
    Some(Ring {
        id: dom.id(node).map(String::from),
        points,
        reversed: false,
    })
}

/// The lines of a curve element (LineString, Curve, CompositeCurve, MultiCurve...).
pub fn curve_lines(ctx: &mut Ctx, dom: &Dom<'_>, node: u32) -> Vec<Vec<[f64; 3]>> {
    match dom.node(node).local {
        "LineString" | "LineStringSegment" | "LinearRing" => {
            let pts = points_of(ctx, dom, node);
            if pts.len() < 2 {
                if !pts.is_empty() {
                    ctx.warn_lost(dom, node, "a curve with fewer than 2 points is skipped");
                }
                return Vec::new();
            }
            vec![pts]
        }
        "Curve" | "OrientableCurve" => {
            let mut line = Vec::new();
            for seg in dom
                .children(node)
                .filter(|&c| matches!(dom.node(c).local, "segments" | "baseCurve"))
            {
                for s in dom.children(seg) {
                    for l in curve_lines(ctx, dom, s) {
                        if line.last() == l.first() {
                            line.extend_from_slice(&l[1..]);
                        } else {
                            line.extend(l);
                        }
                    }
                }
            }
            if line.len() >= 2 {
                vec![line]
            } else {
                Vec::new()
            }
        }
        "MultiCurve" | "CompositeCurve" | "GeometricComplex" => {
            let mut out = Vec::new();
            for member in dom.children(node) {
                if let Some(target) = ctx.follow(dom, member) {
                    out.extend(with_target(ctx, dom, target, |ctx, dom, n| {
                        curve_lines(ctx, dom, n)
                    }));
                    continue;
                }
                for c in dom.children(member) {
                    out.extend(curve_lines(ctx, dom, c));
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Where an `xlink:href` led.
pub enum Target {
    /// A node of the same member.
    Local(u32),
    /// A node of another member (its bytes, parsed on demand).
    Remote(std::sync::Arc<crate::context::RemoteElement>),
    /// The reference could not be resolved (already warned).
    Missing,
}

/// Runs `f` on the element a reference leads to, in whichever tree holds it.
pub fn with_target<T: Default>(
    ctx: &mut Ctx,
    dom: &Dom<'_>,
    target: Target,
    f: impl FnOnce(&mut Ctx, &Dom<'_>, u32) -> T,
) -> T {
    match target {
        Target::Local(n) => {
            if ctx.link_depth >= MAX_LINK_DEPTH {
                ctx.warn_lost(dom, n, "xlink:href chain too deep (a cycle?); not followed");
                return T::default();
            }
            ctx.link_depth += 1;
            let out = f(ctx, dom, n);
            ctx.link_depth -= 1;
            out
        }
        Target::Remote(element) => {
            if ctx.link_depth >= MAX_LINK_DEPTH {
                return T::default();
            }
            match Dom::parse(&element.bytes, &ctx.namespaces) {
                Ok(remote) => {
                    ctx.link_depth += 1;
                    let saved = ctx.enter_remote(element.line);
                    let out = f(ctx, &remote, 0);
                    ctx.leave_remote(saved);
                    ctx.link_depth -= 1;
                    out
                }
                Err(e) => {
                    ctx.warn_at_line(element.line, &format!("referenced element: {}", e.message));
                    T::default()
                }
            }
        }
        Target::Missing => T::default(),
    }
}

/// Collects the polygons of any surface element (Polygon, Triangle, Surface, OrientableSurface,
/// CompositeSurface, MultiSurface, Shell, TriangulatedSurface, Tin...) into `out`.
pub fn collect_surfaces(
    ctx: &mut Ctx,
    dom: &Dom<'_>,
    node: u32,
    flip: bool,
    ids: &mut Vec<String>,
    out: &mut Vec<Surface>,
) {
    let own_id = dom.id(node).map(String::from);
    let pushed = own_id.is_some();
    if let Some(id) = own_id {
        ids.push(id);
    }
    match dom.node(node).local {
        "Polygon" | "Triangle" | "Rectangle" | "PolygonPatch" => {
            let mut rings = Vec::new();
            let mut exterior_ok = true;
            for (k, boundary) in dom
                .children(node)
                .filter(|&c| {
                    matches!(
                        dom.node(c).local,
                        "exterior" | "interior" | "outerBoundaryIs" | "innerBoundaryIs"
                    )
                })
                .enumerate()
            {
                let ring = match dom.first_child(boundary) {
                    Some(r) => ring_of(ctx, dom, r),
                    None => None,
                };
                match ring {
                    Some(mut r) => {
                        if flip {
                            r.points.reverse();
                            r.reversed = true;
                        }
                        rings.push(r);
                    }
                    None if k == 0 => exterior_ok = false,
                    None => {}
                }
            }
            if exterior_ok && !rings.is_empty() {
                out.push(Surface {
                    ids: ids.clone(),
                    rings,
                });
            } else if exterior_ok {
                ctx.warn_lost(dom, node, "a polygon without an exterior ring is skipped");
            } else {
                ctx.warn_lost(
                    dom,
                    node,
                    "a polygon whose exterior ring is unusable is skipped",
                );
            }
        }
        "OrientableSurface" => {
            let reverse = dom.attr(node, "orientation").map(str::trim) == Some("-");
            for base in dom.children(node) {
                member_surfaces(ctx, dom, base, flip ^ reverse, ids, out);
            }
        }
        "Surface" | "PolyhedralSurface" | "TriangulatedSurface" | "Tin" => {
            for patches in dom.children(node).filter(|&c| {
                matches!(
                    dom.node(c).local,
                    "patches" | "trianglePatches" | "polygonPatches"
                )
            }) {
                for patch in dom.children(patches) {
                    collect_surfaces(ctx, dom, patch, flip, ids, out);
                }
            }
        }
        "CompositeSurface" | "MultiSurface" | "Shell" => {
            for member in dom.children(node) {
                member_surfaces(ctx, dom, member, flip, ids, out);
            }
        }
        other => {
            let message = format!("geometry element {other} is not supported here; skipped");
            ctx.warn_lost(dom, node, &message);
        }
    }
    if pushed {
        ids.pop();
    }
}

/// The surfaces of a member property (`surfaceMember`, `surfaceMembers`, `baseSurface`,
/// `exterior`...): its children, or what its `xlink:href` points to.
fn member_surfaces(
    ctx: &mut Ctx,
    dom: &Dom<'_>,
    member: u32,
    flip: bool,
    ids: &mut Vec<String>,
    out: &mut Vec<Surface>,
) {
    if let Some(target) = ctx.follow(dom, member) {
        let found = with_target(ctx, dom, target, |ctx, dom, n| {
            let mut inner = Vec::new();
            let mut local_ids = ids.clone();
            collect_surfaces(ctx, dom, n, flip, &mut local_ids, &mut inner);
            inner
        });
        out.extend(found);
        return;
    }
    for child in dom.children(member) {
        collect_surfaces(ctx, dom, child, flip, ids, out);
    }
}

/// The shells of a Solid: exterior first, then interiors (each a list of polygons).
fn solid_shells(ctx: &mut Ctx, dom: &Dom<'_>, solid: u32, geometry: &mut RawGeometry) {
    let mut ids = Vec::new();
    if let Some(id) = dom.id(solid) {
        ids.push(id.to_string());
    }
    for boundary in dom
        .children(solid)
        .filter(|&c| matches!(dom.node(c).local, "exterior" | "interior"))
    {
        let before = geometry.surfaces.len();
        member_surfaces(ctx, dom, boundary, false, &mut ids, &mut geometry.surfaces);
        if geometry.surfaces.len() > before {
            geometry.shells.push(geometry.surfaces.len() as u32);
        }
    }
}

/// Reads a geometry element (Point ... CompositeSolid) as a CityJSON geometry.
pub fn geometry_of(ctx: &mut Ctx, dom: &Dom<'_>, node: u32) -> Option<RawGeometry> {
    let local = dom.node(node).local;
    let id = dom.id(node);
    let mut g;
    match local {
        "Point" | "MultiPoint" => {
            g = RawGeometry::new(GeometryType::MultiPoint, id);
            if local == "Point" {
                g.points = points_of(ctx, dom, node);
            } else {
                for member in dom.children(node) {
                    if let Some(target) = ctx.follow(dom, member) {
                        let pts = with_target(ctx, dom, target, points_of);
                        g.points.extend(pts);
                        continue;
                    }
                    for p in dom.children(member) {
                        g.points.extend(points_of(ctx, dom, p));
                    }
                }
            }
        }
        "LineString" | "Curve" | "MultiCurve" | "CompositeCurve" | "OrientableCurve" => {
            g = RawGeometry::new(GeometryType::MultiLineString, id);
            g.lines = curve_lines(ctx, dom, node);
        }
        "Polygon"
        | "Triangle"
        | "Rectangle"
        | "Surface"
        | "OrientableSurface"
        | "MultiSurface"
        | "TriangulatedSurface"
        | "Tin"
        | "PolyhedralSurface" => {
            g = RawGeometry::new(GeometryType::MultiSurface, id);
            collect_surfaces(ctx, dom, node, false, &mut Vec::new(), &mut g.surfaces);
        }
        "CompositeSurface" | "Shell" => {
            g = RawGeometry::new(GeometryType::CompositeSurface, id);
            collect_surfaces(ctx, dom, node, false, &mut Vec::new(), &mut g.surfaces);
        }
        "Solid" => {
            g = RawGeometry::new(GeometryType::Solid, id);
            solid_shells(ctx, dom, node, &mut g);
            if g.shells.len() == 1 {
                ctx.warn_lost(dom, node, "a Solid without an exterior shell is skipped");
                return None;
            }
        }
        "MultiSolid" | "CompositeSolid" => {
            let kind = if local == "MultiSolid" {
                GeometryType::MultiSolid
            } else {
                GeometryType::CompositeSolid
            };
            g = RawGeometry::new(kind, id);
            for member in dom.children(node) {
                let solids: Vec<u32> = match ctx.follow(dom, member) {
                    Some(target) => {
                        let sub = with_target(ctx, dom, target, |ctx, dom, n| {
                            geometry_of(ctx, dom, n)
                                .map(|g| vec![g])
                                .unwrap_or_default()
                        });
                        for s in sub {
                            append_solid(&mut g, s);
                        }
                        continue;
                    }
                    None => dom.children(member).collect(),
                };
                for s in solids {
                    if let Some(sub) = geometry_of(ctx, dom, s) {
                        append_solid(&mut g, sub);
                    }
                }
            }
        }
        "GeometricComplex" => {
            g = RawGeometry::new(GeometryType::MultiLineString, id);
            g.lines = curve_lines(ctx, dom, node);
        }
        other => {
            ctx.warn_lost(
                dom,
                node,
                &format!("geometry type {other} is not supported; skipped"),
            );
            return None;
        }
    }
    if g.is_empty() {
        return None;
    }
    Some(g)
}

/// Adds a Solid (or each solid of a composite) to a MultiSolid/CompositeSolid.
fn append_solid(g: &mut RawGeometry, sub: RawGeometry) {
    let base_surfaces = g.surfaces.len() as u32;
    match sub.kind {
        GeometryType::Solid => {
            g.surfaces.extend(sub.surfaces);
            for end in &sub.shells[1..] {
                g.shells.push(base_surfaces + end);
            }
            g.solids.push((g.shells.len() - 1) as u32);
        }
        GeometryType::MultiSolid | GeometryType::CompositeSolid => {
            let base_shells = (g.shells.len() - 1) as u32;
            g.surfaces.extend(sub.surfaces);
            for end in &sub.shells[1..] {
                g.shells.push(base_surfaces + end);
            }
            for end in &sub.solids[1..] {
                g.solids.push(base_shells + end);
            }
        }
        _ => {}
    }
}
