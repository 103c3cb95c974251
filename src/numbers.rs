//! Numbers as they were written. A JSON value holds a number as an integer or a double, so
//! `1E+2`, `1.50`, a 100-digit integer, `2^64` or `1e-400` would be written back as `100.0`,
//! `1.5`, `1.2345678901234567e+99`, `1.8446744073709552e+19` and `0.0`. [`NumberTexts`] keeps
//! the text of every number whose normal writing differs, and the writers put that text back
//! wherever the value is still the one it was read as: an unedited number is written as it
//! was read, in either format.
//!
//! A text is found by the number's pointer first. An edit that moves a number (a renamed state,
//! a reordered rule) changes its pointer, so a number is also found by its value, when every
//! text read for that value was the same (`1.0` and `1.00` both read as 1.0: then neither is
//! guessed). A YAML plain scalar too large for a double (`1e400`) reads as a string; it is kept
//! by pointer only, and written plain again in YAML (JSON has no place for it: a string there).

use crate::pointer::Pointer;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// The texts of the numbers of one document whose normal writing differs from what was read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NumberTexts {
    by_pointer: BTreeMap<Pointer, (String, Value)>,
    /// The normal writing of a number → its one text (`None`: read with different texts).
    by_value: HashMap<String, Option<String>>,
}

impl NumberTexts {
    /// Nothing to keep: every number reads back the same when written normally.
    pub fn is_empty(&self) -> bool {
        self.by_pointer.is_empty()
    }

    /// Remembers that the value at `pointer` (a number, or the string a too-large YAML number
    /// reads as) was written `text`. Texts that normal writing reproduces are not kept.
    pub fn record(&mut self, pointer: Pointer, text: &str, value: &Value) {
        let normal = match value {
            Value::Number(n) => n.to_string(),
            Value::String(s) if s == text => String::new(),
            _ => return,
        };
        if normal == text {
            return;
        }
        if value.is_number() {
            self.by_value
                .entry(normal)
                .and_modify(|t| {
                    if t.as_deref() != Some(text) {
                        *t = None;
                    }
                })
                .or_insert_with(|| Some(text.to_owned()));
        }
        self.by_pointer
            .insert(pointer, (text.to_owned(), value.clone()));
    }

    /// The text to write for `value` at `at` (when known), if it is still what was read.
    pub fn text_for(&self, at: Option<&Pointer>, value: &Value) -> Option<&str> {
        if let Some((text, read)) = at.and_then(|p| self.by_pointer.get(p))
            && same(read, value)
        {
            return Some(text);
        }
        match value {
            Value::Number(n) => self.by_value.get(&n.to_string())?.as_deref(),
            _ => None,
        }
    }
}

/// Equal as read: numbers by their normal writing (so `-0.0` is not `0`), strings exactly.
fn same(read: &Value, now: &Value) -> bool {
    match (read, now) {
        (Value::Number(a), Value::Number(b)) => a.to_string() == b.to_string(),
        (Value::String(a), Value::String(b)) => a == b,
        _ => false,
    }
}

/// Whether `text` is a number in JSON's grammar (so it may be written into JSON as it is).
pub fn is_json_number(text: &str) -> bool {
    let b = text.strip_prefix('-').unwrap_or(text).as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    match b.first() {
        Some(b'0') => i = 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_number_grammar() {
        for ok in [
            "0",
            "-0",
            "1.50",
            "1E+2",
            "1e-400",
            "123456789012345678901234567890",
        ] {
            assert!(is_json_number(ok), "{ok}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "+3", "0x1F", "1e", "1e+", "inf", "1.5.2",
        ] {
            assert!(!is_json_number(bad), "{bad}");
        }
    }

    #[test]
    fn found_by_pointer_then_by_value() {
        let mut t = NumberTexts::default();
        let a = Pointer::root().key("a");
        let n: Value = serde_json::from_str("1e-400").expect("number");
        t.record(a.clone(), "1e-400", &n);
        t.record(Pointer::root().key("b"), "7", &json!(7));
        assert_eq!(t.text_for(Some(&a), &json!(0.0)), Some("1e-400"));
        // Moved elsewhere: found by value.
        assert_eq!(
            t.text_for(Some(&Pointer::root().key("z")), &json!(0.0)),
            Some("1e-400")
        );
        // Edited: no longer the number read.
        assert_eq!(t.text_for(Some(&a), &json!(0.5)), None);
        // Two texts for one value: neither is guessed away from its pointer.
        t.record(Pointer::root().key("c"), "0e0", &json!(0.0));
        assert_eq!(t.text_for(None, &json!(0.0)), None);
        assert_eq!(t.text_for(Some(&a), &json!(0.0)), Some("1e-400"));
    }
}
