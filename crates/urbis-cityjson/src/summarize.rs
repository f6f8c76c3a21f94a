//! The fast path of `info`: counts types, attributes, LoDs and geometry types with a visitor
//! that builds nothing it does not count, over contiguous blocks of the file, in parallel.

use crate::de::{ReadContext, Str};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use urbis_model::{CityObjectType, Summary};

/// Counts one CityObject into a summary.
pub(crate) struct ObjectCounter<'a> {
    pub summary: &'a mut Summary,
    pub ctx: ReadContext,
}

impl<'de> DeserializeSeed<'de> for ObjectCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

fn note(set: &mut std::collections::BTreeSet<String>, name: &str) {
    if !set.contains(name) {
        set.insert(name.to_string());
    }
}

impl<'de> Visitor<'de> for ObjectCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityObject")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let s = self.summary;
        let mut typed = false;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => {
                    let name: Str<'de> = map.next_value()?;
                    let kind = if self.ctx.legacy {
                        CityObjectType::parse_legacy(&name)
                    } else {
                        CityObjectType::parse(&name)
                    }
                    .ok_or_else(|| {
                        de::Error::custom(format!("unknown CityObject type \"{name}\""))
                    })?;
                    match s.types.get_mut(kind.as_str()) {
                        Some(n) => *n += 1,
                        None => {
                            s.types.insert(kind.as_str().to_string(), 1);
                        }
                    }
                    typed = true;
                }
                "attributes" => map.next_value_seed(KeyCounter(&mut s.attributes))?,
                "geometry" => map.next_value_seed(GeometriesCounter(s))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !typed {
            return Err(de::Error::missing_field("type"));
        }
        s.city_objects += 1;
        Ok(())
    }
}

/// Notes the keys of an object (attribute names).
struct KeyCounter<'a>(&'a mut std::collections::BTreeSet<String>);

impl<'de> DeserializeSeed<'de> for KeyCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Str<'de>>()? {
            note(self.0, &key);
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

struct GeometriesCounter<'a>(&'a mut Summary);

impl<'de> DeserializeSeed<'de> for GeometriesCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for GeometriesCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of geometries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(GeometryCounter(&mut *self.0))?
            .is_some()
        {}
        Ok(())
    }
}

struct GeometryCounter<'a>(&'a mut Summary);

impl<'de> DeserializeSeed<'de> for GeometryCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for GeometryCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a geometry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let s = self.0;
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => {
                    let name: Str<'de> = map.next_value()?;
                    let kind = urbis_model::GeometryType::parse(&name).ok_or_else(|| {
                        de::Error::custom(format!("unknown geometry type \"{name}\""))
                    })?;
                    note(&mut s.geometry_types, kind.as_str());
                }
                "lod" => {
                    let lod: crate::de::Lod = map.next_value()?;
                    note(&mut s.lods, &lod.0);
                }
                "material" | "texture" => {
                    map.next_value::<IgnoredAny>()?;
                    s.has_appearance = true;
                }
                "semantics" => map.next_value_seed(SemanticsCounter(&mut s.semantic_types))?,
                "boundaries" => map.next_value_seed(MaxIndex(&mut s.max_vertex_index))?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        s.geometries += 1;
        Ok(())
    }
}

struct SemanticsCounter<'a>(&'a mut std::collections::BTreeSet<String>);

impl<'de> DeserializeSeed<'de> for SemanticsCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for SemanticsCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("semantics")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Str<'de>>()? {
            if &*key == "surfaces" {
                let surfaces: Vec<SurfaceType<'de>> = map.next_value()?;
                for t in surfaces {
                    note(self.0, &t.0);
                }
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // Pre-1.0 semantics: a list of names.
        while let Some(name) = seq.next_element::<Option<Str<'de>>>()? {
            if let Some(name) = name {
                note(self.0, &crate::de::legacy_semantic_name(&name));
            }
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// The `type` of a semantic surface, the rest skipped.
struct SurfaceType<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for SurfaceType<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SurfaceType<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a semantic surface")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SurfaceType<'de>, A::Error> {
                let mut kind = None;
                while let Some(key) = map.next_key::<Str<'de>>()? {
                    if &*key == "type" {
                        kind = Some(map.next_value::<Str<'de>>()?.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                kind.map(SurfaceType)
                    .ok_or_else(|| de::Error::missing_field("type"))
            }
        }
        d.deserialize_map(V)
    }
}

/// Counts the CityObjects (and vertices) of one CityJSONFeature line.
pub(crate) struct FeatureCounter<'a> {
    pub summary: &'a mut Summary,
    pub ctx: ReadContext,
    /// Quantised min and max of the feature's vertices.
    pub bounds: &'a mut Option<([i64; 3], [i64; 3])>,
}

impl<'de> DeserializeSeed<'de> for FeatureCounter<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FeatureCounter<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CityJSONFeature")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut kind_ok = false;
        let mut id: Option<Cow<'de, str>> = None;
        let mut ids: Vec<Cow<'de, str>> = Vec::new();
        let mut vertex_count = 0u64;
        let before = self.summary.max_vertex_index.take();
        while let Some(key) = map.next_key::<Str<'de>>()? {
            match key.as_ref() {
                "type" => kind_ok = &*map.next_value::<Str<'de>>()? == "CityJSONFeature",
                "id" => id = Some(map.next_value::<Str<'de>>()?.0),
                "CityObjects" => map.next_value_seed(ObjectsCounter {
                    summary: &mut *self.summary,
                    ctx: self.ctx,
                    ids: &mut ids,
                })?,
                "vertices" => {
                    let vertices: Vec<[i64; 3]> = map.next_value()?;
                    vertex_count = vertices.len() as u64;
                    self.summary.vertices += vertices.len() as u64;
                    for v in vertices {
                        let (lo, hi) = self.bounds.get_or_insert((v, v));
                        for a in 0..3 {
                            lo[a] = lo[a].min(v[a]);
                            hi[a] = hi[a].max(v[a]);
                        }
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if !kind_ok {
            return Err(de::Error::custom("expected a CityJSONFeature"));
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        if !ids.contains(&id) {
            return Err(de::Error::custom(format!(
                "the CityJSONFeature's id \"{id}\" is not one of its CityObjects"
            )));
        }
        if let Some(max) = self.summary.max_vertex_index {
            if max >= vertex_count {
                return Err(de::Error::custom(format!(
                    "vertex index {max} is out of range ({vertex_count} vertices)"
                )));
            }
        }
        self.summary.max_vertex_index = before;
        self.summary.features += 1;
        Ok(())
    }
}

struct ObjectsCounter<'a, 'de> {
    summary: &'a mut Summary,
    ctx: ReadContext,
    ids: &'a mut Vec<Cow<'de, str>>,
}

impl<'de> DeserializeSeed<'de> for ObjectsCounter<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectsCounter<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("CityObjects")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(id) = map.next_key::<Str<'de>>()? {
            map.next_value_seed(ObjectCounter {
                summary: &mut *self.summary,
                ctx: self.ctx,
            })?;
            self.ids.push(id.0);
        }
        Ok(())
    }
}

/// Tracks the largest vertex index of a boundaries array (to check it against the vertices).
struct MaxIndex<'a>(&'a mut Option<u64>);

impl<'de> DeserializeSeed<'de> for MaxIndex<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for MaxIndex<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("nested arrays of vertex indices")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(MaxIndex(&mut *self.0))?.is_some() {}
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if self.0.is_none_or(|m| v > m) {
            *self.0 = Some(v);
        }
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        Err(E::custom(format!("negative vertex index {v}")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        Err(E::custom(format!("vertex index {v} is not an integer")))
    }
}
