//! De-duplication of materials and textures when features are merged into one CityJSON file.
//!
//! Two materials (or textures) are the same when their JSON objects are equal. They are found
//! by a hash of their content, computed without serialising them, and confirmed by comparing
//! the objects. An item shared with the reader (a whole file's global list, which every feature
//! refers to) is also remembered by its address, so that it is hashed once, not once per use:
//! serialising every use as a key had cost a tenth of `upgrade`'s time.

use serde_json::Value;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;
use urbis_model::JsonMap;

/// A hash of a JSON object's content: members in their order, numbers by value and kind
/// (`1` and `1.0` differ, as they do for `==`).
pub fn content_hash(map: &JsonMap) -> u64 {
    let mut h = DefaultHasher::new();
    hash_map(map, &mut h);
    h.finish()
}

fn hash_map(map: &JsonMap, h: &mut DefaultHasher) {
    map.len().hash(h);
    for (k, v) in map {
        k.hash(h);
        hash_value(v, h);
    }
}

fn hash_value(v: &Value, h: &mut DefaultHasher) {
    match v {
        Value::Null => 0u8.hash(h),
        Value::Bool(b) => (1u8, *b).hash(h),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                (2u8, u).hash(h)
            } else if let Some(i) = n.as_i64() {
                (3u8, i).hash(h)
            } else {
                (4u8, n.as_f64().map(f64::to_bits)).hash(h)
            }
        }
        Value::String(s) => (5u8, s).hash(h),
        Value::Array(a) => {
            (6u8, a.len()).hash(h);
            for x in a {
                hash_value(x, h);
            }
        }
        Value::Object(m) => {
            7u8.hash(h);
            hash_map(m, h);
        }
    }
}

/// What is known of an item before the sequential interning step: its index, when its address
/// was seen before, else its content hash.
#[derive(Debug, Clone, Copy)]
pub enum Lookup {
    /// The index of an item already interned from the same allocation.
    Known(u32),
    /// The item's [`content_hash`].
    Hash(u64),
}

/// The distinct items of one list (materials or textures) seen so far, by content hash.
#[derive(Debug, Default)]
pub struct Interner {
    /// Content hash to the index of the first item with it.
    first: HashMap<u64, u32>,
    /// Further items whose hash equals an earlier, different item's (practically never).
    collisions: Vec<(u64, u32)>,
    /// Shared items by address, each kept alive here so that its address cannot be reused.
    by_address: HashMap<usize, (Arc<JsonMap>, u32)>,
}

impl Interner {
    /// The index of `item` if it was interned before from the same allocation, else its
    /// content hash (safe to call in parallel).
    pub fn lookup(&self, item: &Arc<JsonMap>) -> Lookup {
        match self.by_address.get(&address(item)) {
            Some((_, i)) => Lookup::Known(*i),
            None => Lookup::Hash(content_hash(item)),
        }
    }

    /// The index of `item` in `list` given what [`Interner::lookup`] found, appending it when
    /// no equal item is there yet.
    pub fn intern_lookup(
        &mut self,
        list: &mut Vec<Arc<JsonMap>>,
        item: &Arc<JsonMap>,
        found: Lookup,
    ) -> u32 {
        match found {
            Lookup::Known(i) => i,
            Lookup::Hash(hash) => {
                // Only items someone else holds too (the reader's list) are worth remembering
                // by address: an item a single feature owns would be pinned for nothing.
                let shared = Arc::strong_count(item) > 1;
                let i = self.intern(list, item, hash);
                if shared {
                    self.by_address.insert(address(item), (item.clone(), i));
                }
                i
            }
        }
    }

    /// The indices of `items` in `list`, appending those not there yet.
    pub fn intern_all(&mut self, list: &mut Vec<Arc<JsonMap>>, items: &[Arc<JsonMap>]) -> Vec<u32> {
        items
            .iter()
            .map(|item| {
                let found = self.lookup(item);
                self.intern_lookup(list, item, found)
            })
            .collect()
    }

    /// The index of `item` (whose [`content_hash`] is `hash`) in `list`, appending it when no
    /// equal item is there yet.
    pub fn intern(&mut self, list: &mut Vec<Arc<JsonMap>>, item: &Arc<JsonMap>, hash: u64) -> u32 {
        let same = |i: u32| {
            let known = &list[i as usize];
            Arc::ptr_eq(known, item) || **known == **item
        };
        match self.first.get(&hash) {
            None => {
                self.first.insert(hash, list.len() as u32);
            }
            Some(&i) if same(i) => return i,
            Some(_) => {
                let found = self
                    .collisions
                    .iter()
                    .find(|&&(h, i)| h == hash && same(i))
                    .map(|&(_, i)| i);
                if let Some(i) = found {
                    return i;
                }
                self.collisions.push((hash, list.len() as u32));
            }
        }
        list.push(item.clone());
        (list.len() - 1) as u32
    }
}

fn address(item: &Arc<JsonMap>) -> usize {
    Arc::as_ptr(item) as usize
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Arc<JsonMap> {
        match v {
            Value::Object(m) => Arc::new(m),
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn equal_content_is_one_item_whatever_the_allocation() {
        let a = map(json!({"name": "roof", "diffuseColor": [0.9, 0.1, 0.1], "transparency": 0}));
        let b = map(json!({"name": "roof", "diffuseColor": [0.9, 0.1, 0.1], "transparency": 0}));
        let c = map(json!({"name": "wall", "diffuseColor": [0.5, 0.5, 0.5]}));
        let mut list = Vec::new();
        let mut interner = Interner::default();
        assert_eq!(interner.intern(&mut list, &a, content_hash(&a)), 0);
        assert_eq!(interner.intern(&mut list, &c, content_hash(&c)), 1);
        assert_eq!(interner.intern(&mut list, &b, content_hash(&b)), 0);
        assert_eq!(interner.intern(&mut list, &a, content_hash(&a)), 0);
        assert_eq!(list.len(), 2);
    }

    #[test]
    fn a_shared_item_is_found_by_address_the_second_time() {
        let shared = map(json!({"name": "roof"}));
        let global = [shared.clone()];
        let mut list = Vec::new();
        let mut interner = Interner::default();
        let first = interner.lookup(&shared);
        assert!(matches!(first, Lookup::Hash(_)));
        assert_eq!(interner.intern_lookup(&mut list, &shared, first), 0);
        assert!(matches!(interner.lookup(&global[0]), Lookup::Known(0)));
        // An item nobody else holds is not remembered by address.
        let owned = map(json!({"name": "wall"}));
        let found = interner.lookup(&owned);
        assert_eq!(interner.intern_lookup(&mut list, &owned, found), 1);
        assert!(matches!(interner.lookup(&owned), Lookup::Hash(_)));
    }

    #[test]
    fn integer_and_float_of_the_same_value_differ() {
        let int = map(json!({"transparency": 1}));
        let float = map(json!({"transparency": 1.0}));
        assert_ne!(content_hash(&int), content_hash(&float));
        let mut list = Vec::new();
        let mut interner = Interner::default();
        interner.intern(&mut list, &int, content_hash(&int));
        assert_eq!(interner.intern(&mut list, &float, content_hash(&float)), 1);
    }

    #[test]
    fn a_hash_collision_does_not_merge_different_items() {
        let a = map(json!({"name": "a"}));
        let b = map(json!({"name": "b"}));
        let mut list = Vec::new();
        let mut interner = Interner::default();
        // The same (forced) hash for two different items, then each again.
        assert_eq!(interner.intern(&mut list, &a, 42), 0);
        assert_eq!(interner.intern(&mut list, &b, 42), 1);
        assert_eq!(interner.intern(&mut list, &b, 42), 1);
        assert_eq!(interner.intern(&mut list, &a, 42), 0);
        assert_eq!(list.len(), 2);
    }
}
