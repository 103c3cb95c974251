//! Primitive operations on a JSON value, each with an exact inverse, and the transaction that
//! applies them and rolls them back on failure.
//!
//! Every command compiles to these. Object keys keep their position: keys are removed with
//! `shift_remove`, inserted with `shift_insert` and renamed in place, so undo gives back the very
//! same text.

use super::address::{StateRef, index_of};
use super::error::EditError;
use crate::pointer::Pointer;
use serde_json::{Map, Value};

/// One primitive change of a JSON value. Applying it returns the operation that undoes it.
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// Adds `key` at position `index` of the object at `object`; the key must be absent.
    InsertKey {
        /// The object.
        object: Pointer,
        /// The position among its keys (its length appends).
        index: usize,
        /// The key.
        key: String,
        /// The value.
        value: Value,
    },
    /// Removes `key` from the object at `object`, keeping the other keys in order.
    RemoveKey {
        /// The object.
        object: Pointer,
        /// The key.
        key: String,
    },
    /// Replaces the value at `at` (an object member, an array item or the root) in place.
    Replace {
        /// Where.
        at: Pointer,
        /// The new value.
        value: Value,
    },
    /// Renames a key in place, keeping its value and position; `to` must be absent.
    RenameKey {
        /// The object.
        object: Pointer,
        /// The old key.
        from: String,
        /// The new key.
        to: String,
    },
    /// Inserts an item at `index` of the array at `array`.
    InsertItem {
        /// The array.
        array: Pointer,
        /// The position (the array's length appends).
        index: usize,
        /// The item.
        value: Value,
    },
    /// Removes item `index` of the array at `array`.
    RemoveItem {
        /// The array.
        array: Pointer,
        /// The position.
        index: usize,
    },
    /// Moves item `from` of the array at `array` so that it ends up at `to`.
    MoveItem {
        /// The array.
        array: Pointer,
        /// The item's position before.
        from: usize,
        /// Its position after.
        to: usize,
    },
}

fn object_at<'v>(
    value: &'v mut Value,
    pointer: &Pointer,
) -> Result<&'v mut Map<String, Value>, EditError> {
    value
        .pointer_mut(pointer.as_str())
        .and_then(Value::as_object_mut)
        .ok_or_else(|| EditError::NotFound {
            pointer: pointer.clone(),
            expected: "object",
        })
}

fn array_at<'v>(value: &'v mut Value, pointer: &Pointer) -> Result<&'v mut Vec<Value>, EditError> {
    value
        .pointer_mut(pointer.as_str())
        .and_then(Value::as_array_mut)
        .ok_or_else(|| EditError::NotFound {
            pointer: pointer.clone(),
            expected: "array",
        })
}

fn out_of_range(pointer: &Pointer, index: usize, len: usize) -> EditError {
    EditError::IndexOutOfRange {
        pointer: pointer.clone(),
        index,
        len,
    }
}

impl Op {
    /// Applies the operation and returns its inverse. On error the value is unchanged.
    pub fn apply(&self, value: &mut Value) -> Result<Op, EditError> {
        self.clone().apply_owned(value)
    }

    /// Like [`Op::apply`], moving the operation's value into the document instead of copying it.
    pub fn apply_owned(self, value: &mut Value) -> Result<Op, EditError> {
        match self {
            Op::InsertKey {
                object,
                index,
                key,
                value: v,
            } => {
                let obj = object_at(value, &object)?;
                if obj.contains_key(&key) {
                    return Err(EditError::KeyExists { object, key });
                }
                if index > obj.len() {
                    return Err(out_of_range(&object, index, obj.len()));
                }
                obj.shift_insert(index, key.clone(), v);
                Ok(Op::RemoveKey { object, key })
            }
            Op::RemoveKey { object, key } => {
                let obj = object_at(value, &object)?;
                let index = index_of(obj, &key).ok_or_else(|| EditError::NotFound {
                    pointer: object.key(&key),
                    expected: "value",
                })?;
                let old = obj.shift_remove(&key).unwrap_or(Value::Null);
                Ok(Op::InsertKey {
                    object,
                    index,
                    key,
                    value: old,
                })
            }
            Op::Replace { at, value: v } => {
                let slot = value
                    .pointer_mut(at.as_str())
                    .ok_or_else(|| EditError::NotFound {
                        pointer: at.clone(),
                        expected: "value",
                    })?;
                let old = std::mem::replace(slot, v);
                Ok(Op::Replace { at, value: old })
            }
            Op::RenameKey { object, from, to } => {
                let obj = object_at(value, &object)?;
                let index = index_of(obj, &from).ok_or_else(|| EditError::NotFound {
                    pointer: object.key(&from),
                    expected: "value",
                })?;
                if from != to {
                    if obj.contains_key(&to) {
                        return Err(EditError::KeyExists { object, key: to });
                    }
                    let v = obj.shift_remove(&from).unwrap_or(Value::Null);
                    obj.shift_insert(index, to.clone(), v);
                }
                Ok(Op::RenameKey {
                    object,
                    from: to,
                    to: from,
                })
            }
            Op::InsertItem {
                array,
                index,
                value: v,
            } => {
                let items = array_at(value, &array)?;
                if index > items.len() {
                    return Err(out_of_range(&array, index, items.len()));
                }
                items.insert(index, v);
                Ok(Op::RemoveItem { array, index })
            }
            Op::RemoveItem { array, index } => {
                let items = array_at(value, &array)?;
                if index >= items.len() {
                    return Err(out_of_range(&array, index, items.len()));
                }
                let old = items.remove(index);
                Ok(Op::InsertItem {
                    array,
                    index,
                    value: old,
                })
            }
            Op::MoveItem { array, from, to } => {
                let items = array_at(value, &array)?;
                for i in [from, to] {
                    if i >= items.len() {
                        return Err(out_of_range(&array, i, items.len()));
                    }
                }
                let item = items.remove(from);
                items.insert(to, item);
                Ok(Op::MoveItem {
                    array,
                    from: to,
                    to: from,
                })
            }
        }
    }
}

/// Applies operations one by one, remembering their inverses; either commits them all or rolls
/// them all back.
#[derive(Debug)]
pub(crate) struct Tx<'v> {
    value: &'v mut Value,
    undo: Vec<Op>,
    /// States the transaction created (inserted, pasted, moved), for the caller to select.
    pub created: Vec<StateRef>,
}

impl<'v> Tx<'v> {
    pub(crate) fn new(value: &'v mut Value) -> Self {
        Self {
            value,
            undo: Vec::new(),
            created: Vec::new(),
        }
    }

    /// The value as changed so far.
    pub(crate) fn value(&self) -> &Value {
        self.value
    }

    /// Applies one operation.
    pub(crate) fn op(&mut self, op: Op) -> Result<(), EditError> {
        let inverse = op.apply_owned(self.value)?;
        self.undo.push(inverse);
        Ok(())
    }

    /// The operations that undo everything applied, in the order to apply them.
    pub(crate) fn commit(self) -> (Vec<Op>, Vec<StateRef>) {
        let mut undo = self.undo;
        undo.reverse();
        (undo, self.created)
    }

    /// Undoes everything applied.
    pub(crate) fn rollback(self) {
        for op in self.undo.into_iter().rev() {
            // Each inverse was produced by applying its operation to this very value, so it
            // applies; there is nothing better to do if it somehow does not.
            let undone = op.apply_owned(self.value);
            debug_assert!(undone.is_ok(), "rollback failed: {undone:?}");
        }
    }

    // ---- helpers over `op` ---------------------------------------------------------------------

    fn obj(&self, object: &Pointer) -> Result<&Map<String, Value>, EditError> {
        self.value
            .pointer(object.as_str())
            .and_then(Value::as_object)
            .ok_or_else(|| EditError::NotFound {
                pointer: object.clone(),
                expected: "object",
            })
    }

    /// Sets `key` of the object: replaced in place if present, else added at `index` (or last).
    pub(crate) fn set_at(
        &mut self,
        object: &Pointer,
        key: &str,
        value: Value,
        index: Option<usize>,
    ) -> Result<(), EditError> {
        let obj = self.obj(object)?;
        if obj.contains_key(key) {
            if obj.get(key) == Some(&value) {
                return Ok(());
            }
            self.op(Op::Replace {
                at: object.key(key),
                value,
            })
        } else {
            let index = index.unwrap_or(obj.len()).min(obj.len());
            self.op(Op::InsertKey {
                object: object.clone(),
                index,
                key: key.to_owned(),
                value,
            })
        }
    }

    /// Sets `key` of the object, replacing it in place or adding it last.
    pub(crate) fn set(
        &mut self,
        object: &Pointer,
        key: &str,
        value: Value,
    ) -> Result<(), EditError> {
        self.set_at(object, key, value, None)
    }

    /// Removes `key` from the object if it is there.
    pub(crate) fn remove(&mut self, object: &Pointer, key: &str) -> Result<(), EditError> {
        if self.obj(object)?.contains_key(key) {
            self.op(Op::RemoveKey {
                object: object.clone(),
                key: key.to_owned(),
            })?;
        }
        Ok(())
    }

    /// Puts `key: value` where `old` is (renaming it in place), or sets it if `old` is absent.
    pub(crate) fn replace_key(
        &mut self,
        object: &Pointer,
        old: &str,
        key: &str,
        value: Value,
    ) -> Result<(), EditError> {
        let obj = self.obj(object)?;
        if old != key && obj.contains_key(old) {
            if obj.contains_key(key) {
                self.remove(object, old)?;
            } else {
                self.op(Op::RenameKey {
                    object: object.clone(),
                    from: old.to_owned(),
                    to: key.to_owned(),
                })?;
            }
        }
        self.set(object, key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Value) -> String {
        serde_json::to_string(v).unwrap_or_default()
    }

    #[test]
    fn every_op_inverts_exactly() {
        let start = json!({"a": 1, "b": {"x": [1, 2, 3]}, "c": 3});
        let root = Pointer::root();
        let b = root.key("b");
        let x = b.key("x");
        let ops = [
            Op::InsertKey {
                object: root.clone(),
                index: 1,
                key: "n".into(),
                value: json!(true),
            },
            Op::RemoveKey {
                object: root.clone(),
                key: "b".into(),
            },
            Op::Replace {
                at: root.key("a"),
                value: json!("one"),
            },
            Op::RenameKey {
                object: root.clone(),
                from: "a".into(),
                to: "z".into(),
            },
            Op::InsertItem {
                array: x.clone(),
                index: 3,
                value: json!(4),
            },
            Op::RemoveItem {
                array: x.clone(),
                index: 0,
            },
            Op::MoveItem {
                array: x,
                from: 0,
                to: 2,
            },
        ];
        for op in ops {
            let mut v = start.clone();
            let inverse = op.apply(&mut v).expect("applies");
            assert_ne!(text(&v), text(&start), "{op:?} changed nothing");
            let again = inverse.apply(&mut v).expect("inverse applies");
            assert_eq!(text(&v), text(&start), "{op:?} not undone");
            assert_eq!(again, op);
        }
    }

    #[test]
    fn rename_keeps_position_and_failures_change_nothing() {
        let mut v = json!({"a": 1, "b": 2, "c": 3});
        let root = Pointer::root();
        Op::RenameKey {
            object: root.clone(),
            from: "b".into(),
            to: "B".into(),
        }
        .apply(&mut v)
        .expect("renames");
        assert_eq!(text(&v), r#"{"a":1,"B":2,"c":3}"#);
        let before = text(&v);
        let clash = Op::RenameKey {
            object: root.clone(),
            from: "a".into(),
            to: "c".into(),
        };
        assert!(matches!(
            clash.apply(&mut v),
            Err(EditError::KeyExists { .. })
        ));
        let far = Op::InsertKey {
            object: root,
            index: 9,
            key: "d".into(),
            value: json!(0),
        };
        assert!(far.apply(&mut v).is_err());
        assert_eq!(text(&v), before);
    }
}
