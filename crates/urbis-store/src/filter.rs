//! Filter expressions: what CQL2 (OGC API – Features Part 3) and `?attr=value` parameters turn
//! into, independent of any backend. Backends translate them (SQLite to SQL with bound
//! parameters, so a value can never become SQL).

use urbis_geom::ring2d::{locate, segment_contact, Location, SegmentContact};

/// A property a filter can test.
#[derive(Debug, Clone, PartialEq)]
pub enum Property {
    /// The feature id.
    Id,
    /// The top-level object's CityJSON type (`Building`, `+NoiseBarrier`).
    Type,
    /// An attribute of the top-level object.
    Attribute(String),
}

impl Property {
    /// `id` and `type` name the feature's id and CityObject type; any other name an attribute.
    pub fn named(name: &str) -> Property {
        match name {
            "id" => Property::Id,
            "type" => Property::Type,
            other => Property::Attribute(other.to_string()),
        }
    }
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A string (dates and timestamps compare as their ISO 8601 text).
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The SQL spelling.
    pub fn sql(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A 2D region in the collection's native CRS: a bbox, and optionally the polygon it bounds.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// `[minx, miny, maxx, maxy]`.
    pub bbox: [f64; 4],
    /// Polygon rings (exterior first, open or closed); `None` for a plain bbox.
    pub polygon: Option<Vec<Vec<[f64; 2]>>>,
}

impl Region {
    /// A bbox region.
    pub fn bbox(bbox: [f64; 4]) -> Region {
        Region {
            bbox,
            polygon: None,
        }
    }

    /// A polygon region (its bbox computed).
    pub fn polygon(rings: Vec<Vec<[f64; 2]>>) -> Region {
        let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        for p in rings.iter().flatten() {
            bbox = [
                bbox[0].min(p[0]),
                bbox[1].min(p[1]),
                bbox[2].max(p[0]),
                bbox[3].max(p[1]),
            ];
        }
        Region {
            bbox,
            polygon: Some(rings),
        }
    }

    /// Whether the region meets a footprint (polygons of closed rings). A bbox region meets
    /// everything its bbox meets; a polygon region is tested exactly.
    ///
    /// ```
    /// use urbis_store::Region;
    /// let square = vec![vec![[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]];
    /// let triangle = Region::polygon(vec![vec![[20.0, 0.0], [30.0, 0.0], [20.0, 30.0]]]);
    /// assert!(!triangle.intersects(&[square.clone()]));
    /// let cover = Region::polygon(vec![vec![[-1.0, -1.0], [20.0, -1.0], [-1.0, 20.0]]]);
    /// assert!(cover.intersects(&[square]));
    /// ```
    pub fn intersects(&self, footprint: &[Vec<Vec<[f64; 2]>>]) -> bool {
        let Some(region) = &self.polygon else {
            return true;
        };
        footprint
            .iter()
            .any(|polygon| polygons_intersect(region, polygon))
    }
}

fn open(ring: &[[f64; 2]]) -> &[[f64; 2]] {
    match ring {
        [first, .., last] if first == last => &ring[..ring.len() - 1],
        _ => ring,
    }
}

/// Whether a point is inside a polygon (exterior minus holes), boundary included.
fn point_in_polygon(p: [f64; 2], rings: &[Vec<[f64; 2]>]) -> bool {
    let Some((exterior, holes)) = rings.split_first() else {
        return false;
    };
    if locate(p, open(exterior)) == Location::Outside {
        return false;
    }
    !holes.iter().any(|h| locate(p, open(h)) == Location::Inside)
}

fn edges(rings: &[Vec<[f64; 2]>]) -> impl Iterator<Item = ([f64; 2], [f64; 2])> + '_ {
    rings.iter().flat_map(|r| {
        let r = open(r);
        (0..r.len()).map(move |i| (r[i], r[(i + 1) % r.len()]))
    })
}

fn polygons_intersect(a: &[Vec<[f64; 2]>], b: &[Vec<[f64; 2]>]) -> bool {
    for (p1, p2) in edges(a) {
        for (q1, q2) in edges(b) {
            if segment_contact(p1, p2, q1, q2) != SegmentContact::Disjoint {
                return true;
            }
        }
    }
    let first = |r: &[Vec<[f64; 2]>]| r.first().and_then(|x| x.first()).copied();
    first(a).is_some_and(|p| point_in_polygon(p, b))
        || first(b).is_some_and(|p| point_in_polygon(p, a))
}

/// A filter expression over features.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// All must hold.
    And(Vec<Filter>),
    /// One must hold.
    Or(Vec<Filter>),
    /// Must not hold.
    Not(Box<Filter>),
    /// `prop op value`.
    Compare(Property, CmpOp, Literal),
    /// `prop LIKE pattern` (`%` any run, `_` one character, `\` escapes; case-sensitive).
    Like(Property, String),
    /// `prop IN (values)`.
    In(Property, Vec<Literal>),
    /// `prop BETWEEN low AND high` (inclusive).
    Between(Property, Literal, Literal),
    /// `prop IS NULL` (absent or null).
    IsNull(Property),
    /// The footprint meets the region.
    Intersects(Region),
    /// A constant.
    Const(bool),
}

impl Filter {
    /// The regions of `Intersects` terms that every match must meet (those joined by AND from
    /// the top), which a backend can use to narrow a search with its spatial index.
    pub fn required_regions(&self) -> Vec<&Region> {
        match self {
            Filter::Intersects(r) => vec![r],
            Filter::And(all) => all.iter().flat_map(|f| f.required_regions()).collect(),
            _ => Vec::new(),
        }
    }

    /// The attribute names the expression tests (not `id` or `type`), in order, repeated as
    /// often as they appear.
    pub fn attributes(&self) -> Vec<&str> {
        fn of(p: &Property) -> Option<&str> {
            match p {
                Property::Attribute(a) => Some(a.as_str()),
                _ => None,
            }
        }
        match self {
            Filter::And(v) | Filter::Or(v) => v.iter().flat_map(Filter::attributes).collect(),
            Filter::Not(f) => f.attributes(),
            Filter::Compare(p, ..)
            | Filter::Like(p, _)
            | Filter::In(p, _)
            | Filter::Between(p, ..)
            | Filter::IsNull(p) => of(p).into_iter().collect(),
            Filter::Intersects(_) | Filter::Const(_) => Vec::new(),
        }
    }

    /// Whether the expression tests the footprint anywhere.
    pub fn has_spatial(&self) -> bool {
        match self {
            Filter::Intersects(_) => true,
            Filter::And(v) | Filter::Or(v) => v.iter().any(Filter::has_spatial),
            Filter::Not(f) => f.has_spatial(),
            _ => false,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn polygon_inside_a_hole_does_not_intersect() {
        let with_hole = vec![
            vec![
                [0.0, 0.0],
                [10.0, 0.0],
                [10.0, 10.0],
                [0.0, 10.0],
                [0.0, 0.0],
            ],
            vec![[2.0, 2.0], [2.0, 8.0], [8.0, 8.0], [8.0, 2.0], [2.0, 2.0]],
        ];
        let inner = Region::polygon(vec![vec![[4.0, 4.0], [6.0, 4.0], [6.0, 6.0]]]);
        assert!(!inner.intersects(std::slice::from_ref(&with_hole)));
        let crossing = Region::polygon(vec![vec![[1.0, 1.0], [6.0, 1.0], [6.0, 6.0]]]);
        assert!(crossing.intersects(&[with_hole]));
    }

    #[test]
    fn required_regions_only_under_and() {
        let r = Region::bbox([0.0, 0.0, 1.0, 1.0]);
        let f = Filter::And(vec![Filter::Intersects(r.clone()), Filter::Const(true)]);
        assert_eq!(f.required_regions().len(), 1);
        let g = Filter::Or(vec![Filter::Intersects(r), Filter::Const(true)]);
        assert!(g.required_regions().is_empty());
        assert!(g.has_spatial());
    }
}
