//! The error codes of val3dity, kept with the same numbers and names so that pipelines built
//! on val3dity reports can switch without relearning them.

/// One val3dity error code, with its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Code(pub u16);

impl Code {
    /// 101: a ring has fewer than three points.
    pub const TOO_FEW_POINTS: Code = Code(101);
    /// 102: two consecutive points of a ring are the same.
    pub const CONSECUTIVE_POINTS_SAME: Code = Code(102);
    /// 103: a (GML) ring is not closed.
    pub const RING_NOT_CLOSED: Code = Code(103);
    /// 104: a ring self-intersects (in the projection on its polygon's best-fit plane).
    pub const RING_SELF_INTERSECTION: Code = Code(104);
    /// 201: two rings of a polygon intersect.
    pub const INTERSECTION_RINGS: Code = Code(201);
    /// 202: two rings of a polygon are the same.
    pub const DUPLICATED_RINGS: Code = Code(202);
    /// 203: a point of a polygon is farther from the fitted plane than the tolerance.
    pub const NON_PLANAR_POLYGON_DISTANCE_PLANE: Code = Code(203);
    /// 204: triangle normals of a polygon deviate more than the tolerance.
    pub const NON_PLANAR_POLYGON_NORMALS_DEVIATION: Code = Code(204);
    /// 205: the interior of a polygon is not connected.
    pub const POLYGON_INTERIOR_DISCONNECTED: Code = Code(205);
    /// 206: an interior ring lies outside the exterior ring.
    pub const INNER_RING_OUTSIDE: Code = Code(206);
    /// 207: an interior ring lies inside another interior ring.
    pub const INNER_RINGS_NESTED: Code = Code(207);
    /// 208: an interior ring has the same orientation as the exterior ring.
    pub const ORIENTATION_RINGS_SAME: Code = Code(208);
    /// 301: a shell has fewer than four polygons.
    pub const TOO_FEW_POLYGONS: Code = Code(301);
    /// 302: a shell is not closed (an edge has only one polygon).
    pub const SHELL_NOT_CLOSED: Code = Code(302);
    /// 303: a vertex (or an edge) of a shell is not 2-manifold.
    pub const NON_MANIFOLD_VERTEX: Code = Code(303);
    /// 304: an edge of a shell has more than two polygons.
    pub const NON_MANIFOLD_EDGE: Code = Code(304);
    /// 305: a shell has several connected components.
    pub const MULTIPLE_CONNECTED_COMPONENTS: Code = Code(305);
    /// 306: a shell intersects itself.
    pub const SHELL_SELF_INTERSECTION: Code = Code(306);
    /// 307: a polygon of a shell is oriented unlike its neighbours.
    pub const POLYGON_WRONG_ORIENTATION: Code = Code(307);
    /// 309: vertices of a mesh file are not used by any polygon.
    pub const VERTICES_NOT_USED: Code = Code(309);
    /// 401: two shells of a solid intersect.
    pub const INTERSECTION_SHELLS: Code = Code(401);
    /// 402: two shells of a solid are the same.
    pub const DUPLICATED_SHELLS: Code = Code(402);
    /// 403: an interior shell lies outside the exterior shell.
    pub const INNER_SHELL_OUTSIDE: Code = Code(403);
    /// 404: the interior of a solid is not connected.
    pub const SOLID_INTERIOR_DISCONNECTED: Code = Code(404);
    /// 405: a shell is oriented the wrong way (exterior inwards or interior outwards).
    pub const WRONG_ORIENTATION_SHELL: Code = Code(405);
    /// 501: the interiors of two solids of a CompositeSolid intersect.
    pub const INTERSECTION_SOLIDS: Code = Code(501);
    /// 502: two solids of a CompositeSolid are the same.
    pub const DUPLICATED_SOLIDS: Code = Code(502);
    /// 503: the solids of a CompositeSolid are not connected.
    pub const DISCONNECTED_SOLIDS: Code = Code(503);
    /// 601: the interiors of a Building's parts overlap.
    pub const BUILDINGPARTS_OVERLAP: Code = Code(601);
    /// 901: the input file is not valid.
    pub const INVALID_INPUT_FILE: Code = Code(901);
    /// 902: a primitive is empty.
    pub const EMPTY_PRIMITIVE: Code = Code(902);
    /// 903: the validation parameters are not valid.
    pub const WRONG_INPUT_PARAMETERS: Code = Code(903);
    /// 999: something else went wrong.
    pub const UNKNOWN_ERROR: Code = Code(999);

    /// val3dity's name of the code.
    pub fn name(self) -> &'static str {
        match self.0 {
            101 => "TOO_FEW_POINTS",
            102 => "CONSECUTIVE_POINTS_SAME",
            103 => "RING_NOT_CLOSED",
            104 => "RING_SELF_INTERSECTION",
            201 => "INTERSECTION_RINGS",
            202 => "DUPLICATED_RINGS",
            203 => "NON_PLANAR_POLYGON_DISTANCE_PLANE",
            204 => "NON_PLANAR_POLYGON_NORMALS_DEVIATION",
            205 => "POLYGON_INTERIOR_DISCONNECTED",
            206 => "INNER_RING_OUTSIDE",
            207 => "INNER_RINGS_NESTED",
            208 => "ORIENTATION_RINGS_SAME",
            301 => "TOO_FEW_POLYGONS",
            302 => "SHELL_NOT_CLOSED",
            303 => "NON_MANIFOLD_VERTEX",
            304 => "NON_MANIFOLD_EDGE",
            305 => "MULTIPLE_CONNECTED_COMPONENTS",
            306 => "SHELL_SELF_INTERSECTION",
            307 => "POLYGON_WRONG_ORIENTATION",
            309 => "VERTICES_NOT_USED",
            401 => "INTERSECTION_SHELLS",
            402 => "DUPLICATED_SHELLS",
            403 => "INNER_SHELL_OUTSIDE",
            404 => "SOLID_INTERIOR_DISCONNECTED",
            405 => "WRONG_ORIENTATION_SHELL",
            501 => "INTERSECTION_SOLIDS",
            502 => "DUPLICATED_SOLIDS",
            503 => "DISCONNECTED_SOLIDS",
            601 => "BUILDINGPARTS_OVERLAP",
            901 => "INVALID_INPUT_FILE",
            902 => "EMPTY_PRIMITIVE",
            903 => "WRONG_INPUT_PARAMETERS",
            _ => "UNKNOWN_ERROR",
        }
    }
}

impl std::fmt::Display for Code {
    /// The number and the name: `203 NON_PLANAR_POLYGON_DISTANCE_PLANE`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.0, self.name())
    }
}

/// One problem found in a primitive, located as precisely as the check allows.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// The val3dity code.
    pub code: Code,
    /// The solid within a MultiSolid/CompositeSolid (or the shell's solid).
    pub solid: Option<usize>,
    /// The shell within its solid (0 is the exterior shell).
    pub shell: Option<usize>,
    /// The polygon within its shell or surface.
    pub face: Option<usize>,
    /// Details: distances, angles, vertex or edge ids.
    pub info: String,
}

impl Issue {
    /// An issue with `code` and `info` and no location yet.
    pub fn new(code: Code, info: impl Into<String>) -> Issue {
        Issue {
            code,
            solid: None,
            shell: None,
            face: None,
            info: info.into(),
        }
    }

    /// Where in its primitive: `solid 0`, `shell 1`, `face 3`, those known.
    pub fn location(&self) -> Vec<String> {
        let parts = [
            ("solid", self.solid),
            ("shell", self.shell),
            ("face", self.face),
        ];
        parts
            .iter()
            .filter_map(|(what, n)| n.map(|n| format!("{what} {n}")))
            .collect()
    }

    /// The same issue located at polygon `face`.
    pub fn at_face(mut self, face: usize) -> Issue {
        self.face = Some(face);
        self
    }
}

impl std::fmt::Display for Issue {
    /// `203 NON_PLANAR_POLYGON_DISTANCE_PLANE [face 3] 0.12 m`: the code, where (when known)
    /// and the details (when any).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_issue(f, &self.code, &self.location(), &self.info)
    }
}

/// The one way an issue reads: code, `[where]` when known, details when any.
pub(crate) fn write_issue(
    f: &mut std::fmt::Formatter<'_>,
    code: &Code,
    location: &[String],
    info: &str,
) -> std::fmt::Result {
    write!(f, "{code}")?;
    if !location.is_empty() {
        write!(f, " [{}]", location.join(", "))?;
    }
    if !info.is_empty() {
        write!(f, " {info}")?;
    }
    Ok(())
}

#[cfg(test)]
mod display_tests {
    use super::*;
    use crate::feature::GeometryIssue;

    #[test]
    fn an_issue_reads_code_place_and_details_leaving_out_what_is_unknown() {
        let mut issue = Issue::new(Code::NON_PLANAR_POLYGON_DISTANCE_PLANE, "0.12 m");
        issue.shell = Some(0);
        let located = GeometryIssue {
            issue: issue.clone().at_face(3),
            geometry: Some(1),
            lod: Some("2.2".into()),
        };
        assert_eq!(
            located.to_string(),
            "203 NON_PLANAR_POLYGON_DISTANCE_PLANE [lod 2.2, geometry 1, shell 0, face 3] 0.12 m"
        );
        assert_eq!(
            issue.to_string(),
            "203 NON_PLANAR_POLYGON_DISTANCE_PLANE [shell 0] 0.12 m"
        );
        let bare = Issue::new(Code::INVALID_INPUT_FILE, "");
        assert_eq!(bare.to_string(), "901 INVALID_INPUT_FILE");
    }
}
