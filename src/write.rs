//! Writing a definition back out as JSON or YAML.

use crate::numbers::NumberTexts;
use crate::placeholder::Bare;
use crate::pointer::Pointer;
use crate::source::{Format, resolves_as_plain_string};
use serde_json::Value;
use std::fmt::Write as _;

/// Writes `value` in `format`, pretty-printed with two-space indents and a final newline.
pub fn to_string(value: &Value, format: Format) -> String {
    to_string_with_bare(value, format, &Bare::default())
}

/// Like [`to_string`], but a string that is exactly a placeholder named in `bare` is written
/// without quotes, as it stood in the text it was read from (see [`crate::placeholder`]).
pub fn to_string_with_bare(value: &Value, format: Format, bare: &Bare) -> String {
    to_string_kept(value, format, bare, &NumberTexts::default())
}

/// Like [`to_string_with_bare`], and every number still as it was read is written with the
/// text it was read from (see [`crate::numbers`]).
pub fn to_string_kept(value: &Value, format: Format, bare: &Bare, numbers: &NumberTexts) -> String {
    let writer = Writer { bare, numbers };
    let mut out = String::new();
    let root = (!bare.is_empty() || !numbers.is_empty()).then(Pointer::root);
    match format {
        Format::Json => {
            writer.json(value, 0, &mut out, root.as_ref());
            out.push('\n');
        }
        Format::Yaml => writer.yaml_document(value, &mut out, root.as_ref()),
    }
    out
}

/// Block-style YAML with two-space indents, keys in their original order, and a final newline.
///
/// A string is written plain only when reading it back gives the same string; otherwise it is
/// double-quoted with escapes, so every JSON value survives the trip.
pub fn to_yaml(value: &Value) -> String {
    to_string(value, Format::Yaml)
}

struct Writer<'b> {
    bare: &'b Bare,
    numbers: &'b NumberTexts,
}

/// The pointer of a child, tracked only while there are bare placeholders to place.
fn child(at: Option<&Pointer>, step: impl FnOnce(&Pointer) -> Pointer) -> Option<Pointer> {
    at.map(step)
}

impl Writer<'_> {
    /// Whether the string at `at` is a placeholder to write without quotes.
    fn is_bare(&self, s: &str, at: Option<&Pointer>) -> bool {
        match at {
            Some(at) => crate::placeholder::whole(s).is_some_and(|n| self.bare.is_bare(at, n)),
            None => false,
        }
    }

    /// JSON in serde_json's pretty layout: `"key": value`, two spaces per level, `[]` and `{}`
    /// for empty containers.
    fn json(&self, value: &Value, level: usize, out: &mut String, at: Option<&Pointer>) {
        match value {
            Value::Array(items) if !items.is_empty() => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 2);
                    let here = child(at, |p| p.index(i));
                    self.json(item, level + 2, out, here.as_ref());
                }
                out.push('\n');
                indent(out, level);
                out.push(']');
            }
            Value::Object(map) if !map.is_empty() => {
                out.push('{');
                for (i, (k, v)) in map.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 2);
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    let here = child(at, |p| p.key(k));
                    self.json(v, level + 2, out, here.as_ref());
                }
                out.push('\n');
                indent(out, level);
                out.push('}');
            }
            Value::String(s) if self.is_bare(s, at) => out.push_str(s),
            Value::Number(_) => match self.numbers.text_for(at, value) {
                Some(text) if crate::numbers::is_json_number(text) => out.push_str(text),
                _ => out.push_str(&value.to_string()),
            },
            other => out.push_str(&other.to_string()),
        }
    }

    fn yaml_document(&self, value: &Value, out: &mut String, at: Option<&Pointer>) {
        if is_block(value) {
            self.yaml_block(value, 0, out, at);
        } else {
            self.yaml_inline(value, out, at);
            out.push('\n');
        }
    }

    /// Writes a non-empty object or array at `level` spaces; every line ends with a newline.
    fn yaml_block(&self, value: &Value, level: usize, out: &mut String, at: Option<&Pointer>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    indent(out, level);
                    yaml_string(k, out);
                    out.push(':');
                    let here = child(at, |p| p.key(k));
                    self.yaml_value_after_key(v, level, out, here.as_ref());
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_at = child(at, |p| p.index(i));
                    let at = item_at.as_ref();
                    indent(out, level);
                    out.push('-');
                    match item {
                        Value::Object(map) if !map.is_empty() => {
                            // The first key sits on the dash's line; the rest align under it.
                            let mut first = true;
                            for (k, v) in map {
                                if first {
                                    out.push(' ');
                                    first = false;
                                } else {
                                    indent(out, level + 2);
                                }
                                yaml_string(k, out);
                                out.push(':');
                                let here = child(at, |p| p.key(k));
                                self.yaml_value_after_key(v, level + 2, out, here.as_ref());
                            }
                        }
                        Value::Array(a) if !a.is_empty() => {
                            out.push('\n');
                            self.yaml_block(item, level + 2, out, at);
                        }
                        scalar => {
                            out.push(' ');
                            self.yaml_inline(scalar, out, at);
                            out.push('\n');
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn yaml_value_after_key(
        &self,
        v: &Value,
        level: usize,
        out: &mut String,
        at: Option<&Pointer>,
    ) {
        if is_block(v) {
            out.push('\n');
            self.yaml_block(v, level + 2, out, at);
        } else {
            out.push(' ');
            self.yaml_inline(v, out, at);
            out.push('\n');
        }
    }

    fn yaml_inline(&self, value: &Value, out: &mut String, at: Option<&Pointer>) {
        match value {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => match self.numbers.text_for(at, value) {
                Some(text) => out.push_str(text),
                None => {
                    let _ = write!(out, "{n}");
                }
            },
            // A plain scalar too large for a double, read as a string: plain again.
            Value::String(s) if self.numbers.text_for(at, value).is_some() => out.push_str(s),
            Value::String(s) if crate::placeholder::whole(s).is_some() => {
                if self.is_bare(s, at) {
                    out.push_str(s);
                } else {
                    yaml_quoted(s, out);
                }
            }
            Value::String(s) => yaml_string(s, out),
            Value::Array(_) => out.push_str("[]"),
            Value::Object(_) => out.push_str("{}"),
        }
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(m) => !m.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => false,
    }
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

fn yaml_string(s: &str, out: &mut String) {
    if plain_is_safe(s) {
        out.push_str(s);
    } else {
        yaml_quoted(s, out);
    }
}

fn yaml_quoted(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Whether `s` can be written without quotes and read back as the same string.
fn plain_is_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let last = s.chars().last().unwrap_or(first);
    if first.is_whitespace() || last.is_whitespace() || last == ':' {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    if s.contains(": ")
        || s.contains(" #")
        || s.chars()
            .any(|c| needs_escape(c) || c == '\n' || c == '\t' || c == '\r')
    {
        return false;
    }
    resolves_as_plain_string(s) && !yaml11_reads_otherwise(s)
}

/// Whether a YAML 1.1 reader (PyYAML, much CloudFormation tooling) would read the plain text as
/// something other than a string, though YAML 1.2 (ours) reads a string: its booleans (`yes`,
/// `no`, `on`, `off`, `y`, `n`), numbers with `_`, leading-zero octals, `0b` binaries,
/// sexagesimals (`1:30`), dates and timestamps, and `=` / `<<`. Deliberately broad: a string
/// quoted without need costs nothing, one read back as a boolean or date changes the workflow.
fn yaml11_reads_otherwise(s: &str) -> bool {
    const WORDS: [&str; 20] = [
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", "=", "<<", "true", "false",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    // Number-shaped: a digit (or a dot and a digit) first, then only what 1.1 numbers hold.
    let first_digit = unsigned.starts_with(|c: char| c.is_ascii_digit())
        || (unsigned.starts_with('.') && unsigned[1..].starts_with(|c: char| c.is_ascii_digit()));
    if first_digit
        && unsigned.chars().all(|c| {
            c.is_ascii_hexdigit()
                || matches!(c, '_' | '.' | ':' | 'x' | 'X' | 'o' | 'O' | '+' | '-')
        })
    {
        return true;
    }
    // Dates and timestamps: four digits and a dash first.
    let b = s.as_bytes();
    b.len() >= 6 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[5].is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_yaml() {
        let v = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, {"x": "w", "z": []}], "End": true}}, "Empty": {}});
        let yaml = to_yaml(&v);
        assert_eq!(
            yaml,
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result:\n      - 1\n      - x: w\n        z: []\n    End: true\nEmpty: {}\n"
        );
        // `y` is a boolean to YAML 1.1 readers: quoted.
        assert_eq!(to_yaml(&json!({"x": "y"})), "x: \"y\"\n");
    }

    #[test]
    fn quotes_strings_that_would_read_as_something_else() {
        for s in [
            "true",
            "null",
            "1.5",
            "",
            " x",
            "a: b",
            "- x",
            "{% $x %}",
            "$.a",
            "x #y",
            "\u{feff}k",
            "line\nbreak",
            "~",
        ] {
            let mut out = String::new();
            yaml_string(s, &mut out);
            if s == "$.a" {
                assert_eq!(out, "$.a");
            } else {
                assert!(out.starts_with('"'), "{s:?} -> {out}");
            }
        }
    }
}
