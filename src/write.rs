//! Writing a definition back out as JSON or YAML.

use crate::source::{Format, resolves_as_plain_string};
use serde_json::Value;
use std::fmt::Write as _;

/// Writes `value` in `format`, pretty-printed with two-space indents and a final newline.
pub fn to_string(value: &Value, format: Format) -> String {
    match format {
        Format::Json => to_json(value),
        Format::Yaml => to_yaml(value),
    }
}

/// Pretty JSON with two-space indents, keys in their original order, and a final newline.
pub fn to_json(value: &Value) -> String {
    let mut out = serde_json::to_string_pretty(value).unwrap_or_default();
    out.push('\n');
    out
}

/// Block-style YAML with two-space indents, keys in their original order, and a final newline.
///
/// A string is written plain only when reading it back gives the same string; otherwise it is
/// double-quoted with escapes, so every JSON value survives the trip.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(m) if !m.is_empty() => yaml_block(value, 0, &mut out),
        Value::Array(a) if !a.is_empty() => yaml_block(value, 0, &mut out),
        scalar => {
            yaml_inline(scalar, &mut out);
            out.push('\n');
        }
    }
    out
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

/// Writes a non-empty object or array at `level` spaces; every line ends with a newline.
fn yaml_block(value: &Value, level: usize, out: &mut String) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                indent(out, level);
                yaml_string(k, out);
                out.push(':');
                yaml_value_after_key(v, level, out);
            }
        }
        Value::Array(items) => {
            for item in items {
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
                            yaml_value_after_key(v, level + 2, out);
                        }
                    }
                    Value::Array(a) if !a.is_empty() => {
                        out.push('\n');
                        yaml_block(item, level + 2, out);
                    }
                    scalar => {
                        out.push(' ');
                        yaml_inline(scalar, out);
                        out.push('\n');
                    }
                }
            }
        }
        _ => {}
    }
}

fn yaml_value_after_key(v: &Value, level: usize, out: &mut String) {
    if is_block(v) {
        out.push('\n');
        yaml_block(v, level + 2, out);
    } else {
        out.push(' ');
        yaml_inline(v, out);
        out.push('\n');
    }
}

fn yaml_inline(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => yaml_string(s, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn yaml_string(s: &str, out: &mut String) {
    if plain_is_safe(s) {
        out.push_str(s);
        return;
    }
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
    resolves_as_plain_string(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_block_yaml() {
        let v = json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": [1, {"x": "y", "z": []}], "End": true}}, "Empty": {}});
        let yaml = to_yaml(&v);
        assert_eq!(
            yaml,
            "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result:\n      - 1\n      - x: y\n        z: []\n    End: true\nEmpty: {}\n"
        );
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
