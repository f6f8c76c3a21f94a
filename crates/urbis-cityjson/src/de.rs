//! Typed deserialisation of CityObjects and geometries (CityJSON 1.0 to 2.0), straight into the
//! model's flat structures. Older versions are upgraded here: numeric LoDs become strings,
//! renamed types are renamed, single addresses become arrays, group `members` become `children`.

use crate::tape::{Tape, TapeVisitor};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;
use urbis_model::{
    Address, CityObject, CityObjectType, Geometry, GeometryInstance, GeometryType, JsonMap,
    MaterialTheme, SemanticSurface, Semantics, TextureTheme,
};

/// How to read: which version's rules apply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReadContext {
    /// True for CityJSON 1.0 and 1.1 input.
    pub legacy: bool,
    /// False when the caller wants shape only: object attributes (but those in
    /// [`SHAPE_ATTRIBUTES`]), materials and textures are then skipped unread (saving their
    /// parsing, and per-feature copies of the appearance).
    pub full: bool,
}

/// The attributes a shape-only read keeps: those measuring analyses compare their estimates
/// with (the storeys a building has).
pub(crate) const SHAPE_ATTRIBUTES: [&str; 1] = ["storeysAboveGround"];

/// Reads an `attributes` object keeping only [`SHAPE_ATTRIBUTES`]; `None` when none is there.
struct ShapeAttributes;

impl<'de> DeserializeSeed<'de> for ShapeAttributes {
    type Value = Option<JsonMap>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<JsonMap>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for ShapeAttributes {
    type Value = Option<JsonMap>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("attributes (a JSON object)")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<JsonMap>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<JsonMap>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<JsonMap>, D::Error> {
        d.deserialize_map(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<JsonMap>, A::Error> {
        let mut kept = JsonMap::new();
        while let Some(key) = map.next_key::<Str<'de>>()? {
            if SHAPE_ATTRIBUTES.contains(&key.as_ref()) {
                kept.insert(key.as_ref().to_string(), map.next_value::<Value>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok((!kept.is_empty()).then_some(kept))
    }
}

/// Reads one CityObject whose id is already known.
pub(crate) struct ObjectSeed<'a> {
    pub id: &'a str,
    pub ctx: ReadContext,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = CityObject;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<CityObject, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = CityObject;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityObject (a JSON object)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CityObject, A::Error> {
        let mut kind: Option<CityObjectType> = None;
        let mut object = CityObject::new(self.id, CityObjectType::GenericCityObject);
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => {
                    let name: Str<'de> = map.next_value()?;
                    let parsed = if self.ctx.legacy {
                        CityObjectType::parse_legacy(&name)
                    } else {
                        CityObjectType::parse(&name)
                    };
                    kind = Some(parsed.ok_or_else(|| {
                        de::Error::custom(format!("unknown CityObject type \"{name}\""))
                    })?);
                }
                "attributes" if !self.ctx.full => {
                    object.attributes = map.next_value_seed(ShapeAttributes)?;
                }
                "attributes" => object.attributes = map.next_value::<Option<JsonMap>>()?,
                "geographicalExtent" => {
                    let e: Vec<f64> = map.next_value()?;
                    let e: [f64; 6] = e.try_into().map_err(|e: Vec<f64>| {
                        de::Error::custom(format!(
                            "geographicalExtent has {} numbers, not 6",
                            e.len()
                        ))
                    })?;
                    object.geographical_extent = Some(e);
                }
                "parents" => object.parents = map.next_value()?,
                "children" => object.children = map.next_value()?,
                "members" if self.ctx.legacy => object.children = map.next_value()?,
                "geometry" => {
                    object.geometry = Some(map.next_value_seed(GeometryListSeed(self.ctx))?)
                }
                "address" => {
                    let value: Value = map.next_value()?;
                    object.address =
                        Some(read_addresses(value, self.ctx).map_err(de::Error::custom)?);
                }
                _ => {
                    let value: Value = map.next_value()?;
                    object.extra.insert(key.into_owned(), value);
                }
            }
        }
        object.kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        Ok(object)
    }
}

fn read_addresses(value: Value, ctx: ReadContext) -> Result<Vec<Address>, String> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(_) => vec![value],
        Value::Null => Vec::new(),
        _ => return Err("address must be an array of objects".into()),
    };
    items
        .into_iter()
        .map(|item| {
            let Value::Object(mut members) = item else {
                return Err("address must be an object".to_string());
            };
            let location = match members.remove("location") {
                Some(loc) => Some(
                    GeometrySeed(ctx)
                        .deserialize(loc)
                        .map_err(|e| format!("address location: {e}"))?,
                ),
                None => None,
            };
            Ok(Address { members, location })
        })
        .collect()
}

struct GeometryListSeed(ReadContext);

impl<'de> DeserializeSeed<'de> for GeometryListSeed {
    type Value = Vec<Geometry>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Geometry>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GeometryListSeed {
    type Value = Vec<Geometry>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Geometry>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(1));
        while let Some(g) = seq.next_element_seed(GeometrySeed(self.0))? {
            out.push(g);
        }
        Ok(out)
    }
}

/// Reads one geometry object.
pub(crate) struct GeometrySeed(pub ReadContext);

impl<'de> DeserializeSeed<'de> for GeometrySeed {
    type Value = Geometry;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Geometry, D::Error> {
        d.deserialize_map(self)
    }
}

/// A LoD written as a string (2.0) or a number (1.0).
pub(crate) struct Lod(pub String);

impl<'de> de::Deserialize<'de> for Lod {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Lod, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Lod;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a LoD (string or number)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Lod, E> {
                Ok(Lod(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Lod, E> {
                Ok(Lod(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Lod, E> {
                Ok(Lod(format!("{v}")))
            }
        }
        d.deserialize_any(V)
    }
}

struct RawSemantics {
    surfaces: Vec<SemanticSurface>,
    values: Option<Tape>,
}

/// One semantic surface object, read without building a JSON map for `type`, `parent` and
/// `children` (most surfaces have nothing else).
struct SurfaceSeed;

impl<'de> DeserializeSeed<'de> for SurfaceSeed {
    type Value = SemanticSurface;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<SemanticSurface, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SurfaceSeed {
    type Value = SemanticSurface;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a semantic surface object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SemanticSurface, A::Error> {
        let mut surface = SemanticSurface::default();
        let mut kind = None;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => kind = Some(urbis_model::semantic_type(&map.next_value::<Str<'de>>()?)),
                "parent" => surface.parent = map.next_value::<Option<u32>>()?,
                "children" => {
                    surface.children = map.next_value::<Option<Vec<u32>>>()?.unwrap_or_default()
                }
                _ => {
                    let value: Value = map.next_value()?;
                    surface.attributes.insert(key.into_owned(), value);
                }
            }
        }
        surface.kind =
            kind.ok_or_else(|| de::Error::custom("a semantic surface needs a string \"type\""))?;
        Ok(surface)
    }
}

struct SurfaceListSeed;

impl<'de> DeserializeSeed<'de> for SurfaceListSeed {
    type Value = Vec<SemanticSurface>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<SemanticSurface>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for SurfaceListSeed {
    type Value = Vec<SemanticSurface>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of semantic surfaces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<SemanticSurface>, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(s) = seq.next_element_seed(SurfaceSeed)? {
            out.push(s);
        }
        Ok(out)
    }
}

#[derive(serde::Deserialize)]
struct RawMaterial {
    value: Option<u32>,
    values: Option<Tape>,
}

/// `semantics`: an object (1.0 and later) or, in pre-1.0 files, a list of names.
enum SemanticsMember {
    Object(RawSemantics),
    Legacy(Vec<Option<String>>),
}

impl<'de> de::Deserialize<'de> for SemanticsMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SemanticsMember;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a semantics object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SemanticsMember, A::Error> {
                let mut surfaces = None;
                let mut values = None;
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    match key.as_ref() {
                        "surfaces" => surfaces = Some(map.next_value_seed(SurfaceListSeed)?),
                        "values" => values = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                let surfaces = surfaces.ok_or_else(|| de::Error::missing_field("surfaces"))?;
                Ok(SemanticsMember::Object(RawSemantics { surfaces, values }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SemanticsMember, A::Error> {
                let mut names = Vec::new();
                while let Some(n) = seq.next_element()? {
                    names.push(n);
                }
                Ok(SemanticsMember::Legacy(names))
            }
        }
        d.deserialize_any(V)
    }
}

/// The 2.0 name of a pre-1.0 semantic name ("Wall" → "WallSurface").
pub(crate) fn legacy_semantic_name(name: &str) -> String {
    match name {
        "Wall" | "Roof" | "Ground" | "Closure" | "OuterCeiling" | "OuterFloor" | "InteriorWall"
        | "Ceiling" | "Floor" => {
            format!("{name}Surface")
        }
        _ => name.to_string(),
    }
}

/// Pre-1.0 semantics: one name per surface ("Wall", "Roof", ...).
fn legacy_semantics(names: Vec<Option<String>>) -> RawSemantics {
    let mut kinds: Vec<String> = Vec::new();
    let mut tape = vec![-1i64];
    for name in names {
        match name {
            Some(n) => {
                let kind = legacy_semantic_name(&n);
                let idx = kinds.iter().position(|k| *k == kind).unwrap_or_else(|| {
                    kinds.push(kind);
                    kinds.len() - 1
                });
                tape.push(idx as i64);
            }
            None => tape.push(-3),
        }
    }
    tape.push(-2);
    let surfaces = kinds
        .into_iter()
        .map(|kind| SemanticSurface {
            kind: urbis_model::semantic_type(&kind),
            ..Default::default()
        })
        .collect();
    RawSemantics {
        surfaces,
        values: Some(Tape(tape)),
    }
}

/// `material`: themes (1.0 and later) or, in pre-1.0 files, one list of per-surface values.
enum MaterialMember {
    Themes(OrderedMap<RawMaterial>),
    Legacy(Tape),
}

impl<'de> de::Deserialize<'de> for MaterialMember {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaterialMember;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a material object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MaterialMember, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, RawMaterial>()? {
                    out.push((k, v));
                }
                Ok(MaterialMember::Themes(OrderedMap(out)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MaterialMember, A::Error> {
                let mut tape = Vec::new();
                TapeVisitor(&mut tape).visit_seq(seq)?;
                Ok(MaterialMember::Legacy(Tape(tape)))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(serde::Deserialize)]
struct RawTexture {
    values: Tape,
}

impl<'de> Visitor<'de> for GeometrySeed {
    type Value = Geometry;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a geometry object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Geometry, A::Error> {
        let mut kind = None;
        let mut lod = None;
        let mut boundaries: Option<Tape> = None;
        let mut semantics: Option<RawSemantics> = None;
        let mut material: Option<Vec<(String, RawMaterial)>> = None;
        let mut texture: Option<Vec<(String, RawTexture)>> = None;
        let mut template = None;
        let mut matrix: Option<Vec<f64>> = None;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => {
                    let name: Str<'de> = map.next_value()?;
                    kind = Some(GeometryType::parse(&name).ok_or_else(|| {
                        de::Error::custom(format!("unknown geometry type \"{name}\""))
                    })?);
                }
                "lod" => lod = Some(map.next_value::<Lod>()?.0),
                "boundaries" => boundaries = Some(map.next_value()?),
                "semantics" => {
                    semantics = match map.next_value::<Option<SemanticsMember>>()? {
                        Some(SemanticsMember::Object(raw)) => Some(raw),
                        Some(SemanticsMember::Legacy(names)) if self.0.legacy => {
                            Some(legacy_semantics(names))
                        }
                        Some(SemanticsMember::Legacy(_)) => {
                            return Err(de::Error::custom(
                                "semantics must be an object with surfaces and values",
                            ))
                        }
                        None => None,
                    }
                }
                "material" | "texture" if !self.0.full => {
                    map.next_value::<IgnoredAny>()?;
                }
                "material" => {
                    material = Some(match map.next_value::<MaterialMember>()? {
                        MaterialMember::Themes(themes) => themes.0,
                        // Pre-1.0 files: one unnamed list of per-surface materials.
                        MaterialMember::Legacy(values) if self.0.legacy => {
                            vec![(
                                "default".to_string(),
                                RawMaterial {
                                    value: None,
                                    values: Some(values),
                                },
                            )]
                        }
                        MaterialMember::Legacy(_) => {
                            return Err(de::Error::custom("material must be an object of themes"))
                        }
                    })
                }
                "texture" => texture = Some(map.next_value::<OrderedMap<RawTexture>>()?.0),
                "template" => template = Some(map.next_value::<u32>()?),
                "transformationMatrix" => matrix = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        let boundaries = boundaries.ok_or_else(|| de::Error::missing_field("boundaries"))?;
        let mut g = Geometry::new(kind, lod);
        g.boundaries = boundaries
            .to_boundaries(kind.depth())
            .map_err(|e| de::Error::custom(format!("{} boundaries: {e}", kind.as_str())))?;
        if kind == GeometryType::GeometryInstance {
            let template = template.ok_or_else(|| de::Error::missing_field("template"))?;
            let matrix = matrix.ok_or_else(|| de::Error::missing_field("transformationMatrix"))?;
            let matrix: [f64; 16] = matrix.try_into().map_err(|m: Vec<f64>| {
                de::Error::custom(format!(
                    "transformationMatrix has {} numbers, not 16",
                    m.len()
                ))
            })?;
            if g.boundaries.vertices.len() != 1 {
                return Err(de::Error::custom(
                    "a GeometryInstance has exactly one reference vertex",
                ));
            }
            g.instance = Some(GeometryInstance {
                template,
                transformation_matrix: matrix,
            });
        } else if g.lod.is_none() && !self.0.legacy {
            return Err(de::Error::missing_field("lod"));
        }
        if let Some(raw) = semantics {
            let values = match raw.values {
                Some(tape) => tape
                    .to_primitive_values(&g.boundaries)
                    .map_err(|e| de::Error::custom(format!("semantics values: {e}")))?,
                None => vec![None; g.boundaries.primitive_count()],
            };
            let surfaces = raw.surfaces;
            g.semantics = Some(Semantics { surfaces, values });
        }
        for (theme, raw) in material.unwrap_or_default() {
            let values =
                match raw.values {
                    Some(tape) => Some(tape.to_primitive_values(&g.boundaries).map_err(|e| {
                        de::Error::custom(format!("material \"{theme}\" values: {e}"))
                    })?),
                    None => None,
                };
            if raw.value.is_none() && values.is_none() {
                return Err(de::Error::custom(format!(
                    "material \"{theme}\" has neither value nor values"
                )));
            }
            g.materials.push(MaterialTheme {
                theme,
                value: raw.value,
                values,
            });
        }
        for (theme, raw) in texture.unwrap_or_default() {
            let (ring_textures, uvs) = raw
                .values
                .to_texture_values(&g.boundaries)
                .map_err(|e| de::Error::custom(format!("texture \"{theme}\" values: {e}")))?;
            g.textures.push(TextureTheme {
                theme,
                ring_textures,
                uvs,
            });
        }
        Ok(g)
    }
}

/// A JSON object read as an ordered list of (key, value).
struct OrderedMap<T>(Vec<(String, T)>);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for OrderedMap<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OrderedMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, T>()? {
                    out.push((k, v));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// Reads the `CityObjects` member of a CityJSONFeature (or a small document) in order.
pub(crate) struct ObjectsSeed(pub ReadContext);

impl<'de> DeserializeSeed<'de> for ObjectsSeed {
    type Value = Vec<CityObject>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<CityObject>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectsSeed {
    type Value = Vec<CityObject>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityObjects object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<CityObject>, A::Error> {
        let mut out = Vec::new();
        while let Some(id) = map.next_key::<String>()? {
            let object = map
                .next_value_seed(ObjectSeed {
                    id: &id,
                    ctx: self.0,
                })
                .map_err(|e| de::Error::custom(format!("CityObject \"{id}\": {e}")))?;
            out.push(object);
        }
        Ok(out)
    }
}

/// A string (a map key, a type name) borrowed from the input when it has no escapes, owned
/// otherwise. Deserialising `Cow<str>` always copies; this avoids an allocation per key.
pub(crate) struct Str<'de>(pub std::borrow::Cow<'de, str>);

impl Str<'_> {
    /// The string as an owned `String`.
    pub fn into_owned(self) -> String {
        self.0.into_owned()
    }
}

impl std::ops::Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Str<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Str<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> de::Deserialize<'de> for Str<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Str<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Str<'de>, E> {
                Ok(Str(std::borrow::Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Str<'de>, E> {
                Ok(Str(std::borrow::Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Str<'de>, E> {
                Ok(Str(std::borrow::Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}
