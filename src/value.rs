//! `Val`: the interpreter's JSON value, shared instead of copied.
//!
//! Arrays, objects and strings sit behind `Arc`, so passing a 200 KiB payload from state to state,
//! selecting part of it or placing it inside a new object costs a reference count, not a copy.
//! Writing into a value (ResultPath) copies only the containers on the written path, and only when
//! they are shared. Containers remember their compact JSON size once computed, so the 256 KiB
//! payload check on every state input and output does not walk the whole value each time.

use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A JSON value with shared, copy-on-write containers.
#[derive(Clone, Default)]
pub enum Val {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, exact for integers.
    Number(Number),
    /// A string.
    String(Arc<str>),
    /// An array.
    Array(Arc<ArrayNode>),
    /// An object, keys in insertion order.
    Object(Arc<ObjectNode>),
}

/// The map type of an object.
pub type ObjectMap = IndexMap<Arc<str>, Val, Hasher>;

/// The hasher of object keys: foldhash with a fixed seed. Keys are looked up on every path
/// step, and SipHash (the standard hasher) cost a third of a Choice-heavy run; nothing here
/// hashes keys an attacker picks to slow a shared service down.
pub type Hasher = foldhash::fast::FixedState;

/// A number worked out once and kept: a container's JSON size or depth. It is read on every
/// state's input and output, so it is a plain atomic (relaxed loads and stores, no lock): two
/// threads that both work it out store the same number.
struct Cached(AtomicUsize);

impl Cached {
    const UNKNOWN: usize = usize::MAX;

    fn new() -> Self {
        Self(AtomicUsize::new(Self::UNKNOWN))
    }

    fn known(n: usize) -> Self {
        Self(AtomicUsize::new(n))
    }

    /// The number, when it has been worked out.
    fn get(&self) -> Option<usize> {
        match self.0.load(Ordering::Relaxed) {
            Self::UNKNOWN => None,
            n => Some(n),
        }
    }

    fn get_or(&self, work_out: impl FnOnce() -> usize) -> usize {
        match self.0.load(Ordering::Relaxed) {
            Self::UNKNOWN => {
                let n = work_out();
                self.0.store(n, Ordering::Relaxed);
                n
            }
            n => n,
        }
    }
}

impl Default for Cached {
    fn default() -> Self {
        Self::new()
    }
}

/// Objects with at most this many members are searched in order rather than through the hash.
const SMALL_OBJECT: usize = 8;

/// An array and its cached compact JSON size.
#[derive(Default)]
pub struct ArrayNode {
    items: Vec<Val>,
    size: Cached,
    depth: Cached,
}

/// An object and its cached compact JSON size.
#[derive(Default)]
pub struct ObjectNode {
    map: ObjectMap,
    size: Cached,
    depth: Cached,
}

/// A copy holds what the original holds, so it keeps the numbers worked out for it; every way to
/// change a node ([`Val::object_mut`], [`Val::array_mut`], [`Val::set_field`]) updates or forgets
/// them.
impl Clone for ArrayNode {
    fn clone(&self) -> Self {
        Self {
            items: self.items.clone(),
            size: self.size.get().map_or_else(Cached::new, Cached::known),
            depth: self.depth.get().map_or_else(Cached::new, Cached::known),
        }
    }
}

impl Clone for ObjectNode {
    fn clone(&self) -> Self {
        Self {
            map: self.map.clone(),
            size: self.size.get().map_or_else(Cached::new, Cached::known),
            depth: self.depth.get().map_or_else(Cached::new, Cached::known),
        }
    }
}

/// Dropping a deep value frees its containers with a loop, not recursion: a run can build values
/// nested tens of thousands of levels deep (a Pass state in a loop wrapping its input) before a
/// limit stops it, and dropping one recursively overflowed the stack. Values of ordinary depth
/// (up to [`RECURSIVE_DROP_DEPTH`] levels, counted per thread) drop as usual, which needs no
/// list of the children.
impl Drop for ArrayNode {
    fn drop(&mut self) {
        if self.items.iter().any(Val::is_container) {
            let items = std::mem::take(&mut self.items);
            drop_nested(items, |items| items);
        }
    }
}

impl Drop for ObjectNode {
    fn drop(&mut self) {
        if self.map.values().any(Val::is_container) {
            let map = std::mem::take(&mut self.map);
            drop_nested(map, |map| map.into_values().collect());
        }
    }
}

/// How many containers deep a drop recurses before it frees the rest with a loop.
const RECURSIVE_DROP_DEPTH: u32 = 128;

thread_local! {
    static DROP_DEPTH: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Drops a container's children: recursively while the drops in progress on this thread are
/// shallow, with [`free_without_recursion`] beyond.
fn drop_nested<T>(children: T, into_list: impl FnOnce(T) -> Vec<Val>) {
    let depth = DROP_DEPTH.with(std::cell::Cell::get);
    if depth >= RECURSIVE_DROP_DEPTH {
        free_without_recursion(into_list(children));
        return;
    }
    DROP_DEPTH.with(|d| d.set(depth + 1));
    drop(children);
    DROP_DEPTH.with(|d| d.set(depth));
}

/// Frees values: containers nobody else holds are emptied onto a stack before they drop, so each
/// drops with no children; shared ones only lose a reference.
fn free_without_recursion(mut stack: Vec<Val>) {
    while let Some(v) = stack.pop() {
        match v {
            Val::Array(a) => {
                if let Some(mut node) = Arc::into_inner(a) {
                    stack.append(&mut node.items);
                }
            }
            Val::Object(o) => {
                if let Some(mut node) = Arc::into_inner(o) {
                    stack.extend(std::mem::take(&mut node.map).into_values());
                }
            }
            _ => {}
        }
    }
}

impl ArrayNode {
    /// The items.
    pub fn items(&self) -> &[Val] {
        &self.items
    }
}

impl ObjectNode {
    /// The entries.
    pub fn map(&self) -> &ObjectMap {
        &self.map
    }
}

impl Val {
    fn is_container(&self) -> bool {
        matches!(self, Self::Array(_) | Self::Object(_))
    }

    /// A new array.
    pub fn array(items: Vec<Val>) -> Self {
        Self::Array(Arc::new(ArrayNode {
            items,
            size: Cached::new(),
            depth: Cached::new(),
        }))
    }

    /// A new object.
    pub fn object(map: ObjectMap) -> Self {
        Self::Object(Arc::new(ObjectNode {
            map,
            size: Cached::new(),
            depth: Cached::new(),
        }))
    }

    /// A string value.
    pub fn string(s: &str) -> Self {
        Self::String(Arc::from(s))
    }

    /// An integer value.
    pub fn int(n: i64) -> Self {
        Self::Number(n.into())
    }

    /// A float value; NaN and infinities become `null`, as JSON has no place for them.
    pub fn float(f: f64) -> Self {
        Number::from_f64(f).map_or(Self::Null, Self::Number)
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&[Val]> {
        match self {
            Self::Array(a) => Some(&a.items),
            _ => None,
        }
    }

    /// The entries, if this is an object.
    pub fn as_object(&self) -> Option<&ObjectMap> {
        match self {
            Self::Object(o) => Some(&o.map),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number as f64, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// A member of an object.
    ///
    /// Most objects a workflow passes along have a handful of members: those are searched in
    /// order (comparing lengths first), which is quicker than hashing the key.
    pub fn get(&self, key: &str) -> Option<&Val> {
        let map = self.as_object()?;
        if map.len() <= SMALL_OBJECT {
            return map
                .iter()
                .find(|(k, _)| k.len() == key.len() && &***k == key)
                .map(|(_, v)| v);
        }
        map.get(key)
    }

    /// Mutable access to an object's entries, copying the map first if it is shared.
    pub fn object_mut(&mut self) -> Option<&mut ObjectMap> {
        match self {
            Self::Object(o) => {
                let node = Arc::make_mut(o);
                node.size = Cached::new();
                node.depth = Cached::new();
                Some(&mut node.map)
            }
            _ => None,
        }
    }

    /// Sets one member of an object (copying the object first if it is shared), as ResultPath's
    /// last step does; the object's cached size and depth are brought up to date rather than
    /// forgotten, so the size check after the write costs nothing. `value` is handed back when
    /// this is not an object.
    pub fn set_field(&mut self, key: &str, value: Val) -> Result<(), Val> {
        let Self::Object(o) = self else {
            return Err(value);
        };
        if Arc::get_mut(o).is_none() && !o.map.contains_key(key) {
            // A shared object is copied before it changes: copy it with room for the new
            // member, rather than copying it full and growing the copy at once.
            let mut map = ObjectMap::with_capacity_and_hasher(o.map.len() + 1, Hasher::default());
            map.extend(o.map.iter().map(|(k, v)| (k.clone(), v.clone())));
            *o = Arc::new(ObjectNode {
                map,
                size: o.size.get().map_or_else(Cached::new, Cached::known),
                depth: o.depth.get().map_or_else(Cached::new, Cached::known),
            });
        }
        let node = Arc::make_mut(o);
        let (size, depth) = (node.size.get(), node.depth.get());
        let (new_size, new_depth) = (value.json_size(), value.depth());
        let old = match node.map.get_mut(key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                node.map.insert(key.into(), value);
                None
            }
        };
        node.size = match (size, &old) {
            (Some(s), Some(old)) => Cached::known(s - old.json_size() + new_size),
            // A new member: its quoted key, the colon, the value and a comma unless it is alone.
            (Some(s), None) => {
                Cached::known(s + string_len(key) + 1 + new_size + usize::from(node.map.len() > 1))
            }
            (None, _) => Cached::new(),
        };
        node.depth = match (depth, &old) {
            (Some(d), None) => Cached::known(d.max(1 + new_depth)),
            // A replaced member may have been the deepest: known only if it was shallower.
            (Some(d), Some(old)) if 1 + old.depth() < d => Cached::known(d.max(1 + new_depth)),
            _ => Cached::new(),
        };
        Ok(())
    }

    /// Mutable access to an array's items, copying them first if they are shared.
    pub fn array_mut(&mut self) -> Option<&mut Vec<Val>> {
        match self {
            Self::Array(a) => {
                let node = Arc::make_mut(a);
                node.size = Cached::new();
                node.depth = Cached::new();
                Some(&mut node.items)
            }
            _ => None,
        }
    }

    /// The JSON type name as AWS error messages write it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "boolean",
            Self::Number(_) => "number",
            Self::String(_) => "string",
            Self::Array(_) => "array",
            Self::Object(_) => "object",
        }
    }

    /// The size in bytes of the compact JSON text, as AWS measures payloads (UTF-8).
    pub fn json_size(&self) -> usize {
        match self {
            Self::Null => 4,
            Self::Bool(true) => 4,
            Self::Bool(false) => 5,
            Self::Number(n) => number_len(n),
            Self::String(s) => string_len(s),
            Self::Array(a) => a.size.get_or(|| {
                2 + a.items.iter().map(Val::json_size).sum::<usize>()
                    + a.items.len().saturating_sub(1)
            }),
            Self::Object(o) => o.size.get_or(|| {
                2 + o
                    .map
                    .iter()
                    .map(|(k, v)| string_len(k) + 1 + v.json_size())
                    .sum::<usize>()
                    + o.map.len().saturating_sub(1)
            }),
        }
    }

    /// How deeply arrays and objects nest in it (a scalar: 0), cached like the size.
    pub fn depth(&self) -> usize {
        match self {
            Self::Array(a) => a
                .depth
                .get_or(|| 1 + a.items.iter().map(Val::depth).max().unwrap_or(0)),
            Self::Object(o) => o
                .depth
                .get_or(|| 1 + o.map.values().map(Val::depth).max().unwrap_or(0)),
            _ => 0,
        }
    }

    /// The compact JSON text.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Converts to a `serde_json::Value` (a deep copy).
    pub fn to_value(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => Value::Number(n.clone()),
            Self::String(s) => Value::String(s.to_string()),
            Self::Array(a) => Value::Array(a.items.iter().map(Val::to_value).collect()),
            Self::Object(o) => Value::Object(
                o.map
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_value()))
                    .collect(),
            ),
        }
    }

    /// Whether two values are equal as JSON, numbers compared by value (`1` equals `1.0`).
    pub fn json_eq(&self, other: &Val) -> bool {
        match (self, other) {
            (Self::Null, Self::Null) => true,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Number(a), Self::Number(b)) => numbers_equal(a, b),
            (Self::String(a), Self::String(b)) => a == b,
            (Self::Array(a), Self::Array(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.items.len() == b.items.len()
                        && a.items.iter().zip(&b.items).all(|(x, y)| x.json_eq(y)))
            }
            (Self::Object(a), Self::Object(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.map.len() == b.map.len()
                        && a.map
                            .iter()
                            .all(|(k, v)| b.map.get(k).is_some_and(|w| v.json_eq(w))))
            }
            _ => false,
        }
    }
}

/// Whether two JSON numbers are the same value.
pub fn numbers_equal(a: &Number, b: &Number) -> bool {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x == y,
        _ => match (a.as_u64(), b.as_u64()) {
            (Some(x), Some(y)) => x == y,
            _ => a.as_f64() == b.as_f64(),
        },
    }
}

fn number_len(n: &Number) -> usize {
    if let Some(i) = n.as_i64() {
        let mut len = usize::from(i < 0);
        let mut v = i.unsigned_abs();
        loop {
            len += 1;
            v /= 10;
            if v == 0 {
                return len;
            }
        }
    }
    n.to_string().len()
}

fn string_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

impl From<&Value> for Val {
    fn from(v: &Value) -> Self {
        match v {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => Self::Number(n.clone()),
            Value::String(s) => Self::String(Arc::from(s.as_str())),
            Value::Array(items) => Self::array(items.iter().map(Val::from).collect()),
            Value::Object(map) => Self::object(
                map.iter()
                    .map(|(k, v)| (Arc::from(k.as_str()), Val::from(v)))
                    .collect(),
            ),
        }
    }
}

impl From<Value> for Val {
    fn from(v: Value) -> Self {
        Val::from(&v)
    }
}

impl Serialize for Val {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Number(n) => n.serialize(s),
            Self::String(v) => s.serialize_str(v),
            Self::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.items.len()))?;
                for item in &a.items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(o) => {
                let mut map = s.serialize_map(Some(o.map.len()))?;
                for (k, v) in &o.map {
                    map.serialize_entry(&**k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Equality as JSON values: numbers by value (`1 == 1.0`), objects regardless of key order.
impl PartialEq for Val {
    fn eq(&self, other: &Self) -> bool {
        self.json_eq(other)
    }
}

impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

impl fmt::Debug for ArrayNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.items).finish()
    }
}

impl fmt::Debug for ObjectNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.map.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn set_field_keeps_size_and_depth_as_worked_out_anew() {
        let fresh = |v: &Val| Val::from(&v.to_value());
        let cases = [
            (json!({}), "a", json!(1)),
            (json!({"a": 1}), "b", json!("x\"y")),
            (
                json!({"a": 1, "b": [1, 2]}),
                "a",
                json!({"deep": {"er": [1]}}),
            ),
            (
                json!({"a": {"deep": {"er": [1]}}, "b": 2}),
                "a",
                json!(null),
            ),
            (json!({"a": [[1]], "b": [[2]]}), "a", json!(3)),
            (json!({"x": 1}), "x", json!({"x": 1})),
        ];
        for (start, key, value) in cases {
            let original = Val::from(&start);
            // Caches worked out first (as after a state's size check), and the object shared.
            let (_, _) = (original.json_size(), original.depth());
            let mut written = original.clone();
            written
                .set_field(key, Val::from(&value))
                .expect("an object");
            let anew = fresh(&written);
            assert_eq!(
                written.json_size(),
                anew.json_size(),
                "{start} {key} {value}"
            );
            assert_eq!(written.json_size(), written.to_json_string().len());
            assert_eq!(written.depth(), anew.depth(), "{start} {key} {value}");
            assert_eq!(
                original.to_value(),
                start,
                "the shared original is unchanged"
            );
        }
        let mut not_object = Val::from(&json!([1]));
        assert_eq!(not_object.set_field("a", Val::Null), Err(Val::Null));
    }

    #[test]
    fn size_matches_compact_json() {
        for v in [
            json!(null),
            json!({"a": [1, -20, 3.5, "x\"y\n\u{1}é"], "b": {"c": true, "d": false}, "e": []}),
            json!([]),
            json!({}),
            json!(12345678901234_i64),
            json!(1e300),
        ] {
            let val = Val::from(&v);
            assert_eq!(
                val.json_size(),
                serde_json::to_string(&v).unwrap().len(),
                "{v}"
            );
            assert_eq!(val.to_value(), v);
        }
    }

    #[test]
    fn writes_copy_only_what_is_shared() {
        let shared = Val::from(&json!({"big": [1, 2, 3]}));
        let mut copy = shared.clone();
        copy.object_mut().unwrap().insert("new".into(), Val::int(1));
        assert!(shared.get("new").is_none());
        let (Val::Array(a), Val::Array(b)) = (shared.get("big").unwrap(), copy.get("big").unwrap())
        else {
            panic!("arrays")
        };
        assert!(Arc::ptr_eq(a, b), "the untouched member stays shared");
        assert_eq!(copy.json_size(), r#"{"big":[1,2,3],"new":1}"#.len());
    }

    #[test]
    fn equality_by_value() {
        assert!(Val::from(&json!({"a": 1})).json_eq(&Val::from(&json!({"a": 1.0}))));
        assert!(!Val::from(&json!([1])).json_eq(&Val::from(&json!([2]))));
    }

    #[test]
    fn deep_values_drop_on_a_small_stack() {
        std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(|| {
                let mut v = Val::int(1);
                for i in 0..200_000 {
                    v = if i % 2 == 0 {
                        Val::array(vec![v])
                    } else {
                        let mut m = ObjectMap::default();
                        m.insert("a".into(), v);
                        Val::object(m)
                    };
                }
                let shared = v.clone();
                drop(v);
                drop(shared);
            })
            .expect("thread")
            .join()
            .expect("no overflow");
    }
}
