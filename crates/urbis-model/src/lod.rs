//! Which of an object's geometries to use: one rule for everything that draws or measures
//! surfaces (3D Tiles, mesh export, analyses).

use crate::{CityObject, Geometry, GeometryTemplates, GeometryType};

/// Which level of detail to use, when an object has geometries at several.
///
/// Only geometries with surfaces count (MultiSurface, CompositeSurface, solids, and instances
/// of such templates). The rule:
/// - [`LodChoice::Highest`]: the highest LoD (an LoD that is not a number counts lowest); at
///   equal LoD the one with more structure (a Solid over a MultiSurface); at a full tie the
///   last one listed.
/// - [`LodChoice::Exact`]: only geometries whose LoD is exactly the one asked for; when none
///   is and the one asked for is a whole number (`"2"`), those of its family (`"2.0"`, `"2.1"`,
///   `"2.2"`). Among them, the same order as `Highest`.
///
/// ```
/// use urbis_model::{CityObject, CityObjectType, Geometry, GeometryType, LodChoice};
/// let mut o = CityObject::new("b", CityObjectType::Building);
/// let at = |lod: &str, kind| Geometry::new(kind, Some(lod.into()));
/// o.geometry = Some(vec![at("1.2", GeometryType::Solid), at("2.2", GeometryType::MultiSurface)]);
/// let lod = |c: &LodChoice| c.choose(&o, None).and_then(|g| g.lod.clone());
/// assert_eq!(lod(&LodChoice::Highest).as_deref(), Some("2.2"));
/// assert_eq!(lod(&LodChoice::Exact("2".into())).as_deref(), Some("2.2"));
/// assert_eq!(lod(&LodChoice::Exact("1.2".into())).as_deref(), Some("1.2"));
/// assert_eq!(lod(&LodChoice::Exact("3".into())), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum LodChoice {
    /// The most detailed surface geometry of each object.
    #[default]
    Highest,
    /// This LoD (`"2.2"`), or for a whole number (`"2"`) its family when it is not there.
    Exact(String),
}

impl LodChoice {
    /// The geometry of `object` this choice takes, if it has one; `templates` resolve the
    /// type and LoD of geometry instances.
    pub fn choose<'g>(
        &self,
        object: &'g CityObject,
        templates: Option<&GeometryTemplates>,
    ) -> Option<&'g Geometry> {
        let template = |g: &Geometry| -> Option<&Geometry> {
            let i = g.instance.as_ref()?;
            templates?.templates.get(i.template as usize)
        };
        let has_surfaces = |g: &&'g Geometry| match &g.instance {
            Some(_) => template(g).is_some_and(|t| t.kind.depth() >= 3),
            None => g.kind.depth() >= 3,
        };
        let lod_of = |g: &Geometry| -> Option<String> {
            match (&g.lod, g.kind) {
                (Some(l), _) => Some(l.clone()),
                (None, GeometryType::GeometryInstance) => template(g)?.lod.clone(),
                _ => None,
            }
        };
        let most_detailed = |candidates: &mut dyn Iterator<Item = &'g Geometry>| {
            candidates.max_by(|a, b| {
                lod_value(lod_of(a).as_deref())
                    .total_cmp(&lod_value(lod_of(b).as_deref()))
                    .then(a.kind.depth().cmp(&b.kind.depth()))
            })
        };
        let surfaces = || object.geometries().iter().filter(has_surfaces);
        match self {
            LodChoice::Highest => most_detailed(&mut surfaces()),
            LodChoice::Exact(want) => {
                let exact = most_detailed(
                    &mut surfaces().filter(|g| lod_of(g).as_deref() == Some(want.as_str())),
                );
                if exact.is_some() || want.contains('.') {
                    return exact;
                }
                most_detailed(&mut surfaces().filter(|g| {
                    lod_of(g).is_some_and(|l| l.split('.').next() == Some(want.as_str()))
                }))
            }
        }
    }
}

/// An LoD as a number for ordering (`"2.2"` → 2.2); one that is not a number sorts first.
pub fn lod_value(lod: Option<&str>) -> f64 {
    lod.and_then(|l| l.parse().ok()).unwrap_or(-1.0)
}
