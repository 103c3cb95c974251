//! Deploy-time placeholders: the `${Name}` that SAM's and CloudFormation's
//! `DefinitionSubstitutions`, CDK, and Terraform's `templatefile` fill in before AWS sees the
//! definition.
//!
//! A placeholder is `${` + a name + `}`. The name is what the deploy tool looks up: a SAM or
//! CloudFormation key (`OrdersTable`, `AWS::Region`, `Fn.Arn`), or a Terraform expression
//! (`var.table_name`, `aws_lambda_function.f.arn`); spaces around it are allowed, as Terraform
//! allows them. Two spellings are literal text, not placeholders, because the tools that use them
//! say so: `${!Name}` (CloudFormation's `Fn::Sub` escape) and `$${Name}` (Terraform's escape).
//!
//! Placeholders usually sit inside string values (`"Resource": "${ProcessFunctionArn}"`), whole
//! or part. A few templates put one where a number or an object goes (`"MaxConcurrency":
//! ${Concurrency}`), which only works because the tool substitutes the text before parsing it;
//! [`crate::source`] reads those as the string `"${Concurrency}"` and remembers that it was bare, so
//! the file saves back as it was.

use crate::pointer::Pointer;
use serde_json::Value;
use std::ops::Range;

/// One `${...}` found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'t> {
    /// Byte range of the whole `${...}` in the text.
    pub range: Range<usize>,
    /// The name inside, without surrounding spaces.
    pub name: &'t str,
}

/// Every placeholder in `text`, in order.
pub fn find(text: &str) -> Vec<Found<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(rel) = text[at..].find("${") {
        let start = at + rel;
        at = start + 2;
        // `$${x}` is Terraform's escape for a literal `${x}`.
        if start > 0 && bytes[start - 1] == b'$' {
            continue;
        }
        // A name never holds `$`, `{`, a quote or a line break: stop there, so each byte is
        // looked at a bounded number of times however many `${` the text holds.
        let Some(len) = text[at..].find(['}', '\n', '"', '$', '{']) else {
            break;
        };
        if bytes[at + len] != b'}' {
            continue;
        }
        let inner = &text[at..at + len];
        let name = inner.trim();
        if is_name(name) {
            out.push(Found {
                range: start..at + len + 1,
                name,
            });
            at += len + 1;
        }
    }
    out
}

/// Whether `name` can be a placeholder's name: not empty, not CloudFormation's `!` escape, and no
/// characters that would make the `${...}` something else (a JSONata block, a nested brace).
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('!')
        && !name.contains(['{', '$', '%'])
        && !name.chars().any(char::is_control)
}

/// Whether `text` holds at least one placeholder.
pub fn contains(text: &str) -> bool {
    text.contains("${") && !find(text).is_empty()
}

/// The name, when `text` is exactly one placeholder and nothing else.
pub fn whole(text: &str) -> Option<&str> {
    match find(text).as_slice() {
        [one] if one.range == (0..text.len()) => Some(one.name),
        _ => None,
    }
}

/// A placeholder used in a definition: its name and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Use {
    /// The name inside `${...}`.
    pub name: String,
    /// The value (or, for a placeholder in a key, the member) that holds it.
    pub pointer: Pointer,
    /// Whether the string is the placeholder and nothing else.
    pub whole: bool,
    /// Whether it sits in an object key rather than a value.
    pub in_key: bool,
}

/// Every placeholder in a definition's values and keys, in document order.
pub fn uses(value: &Value) -> Vec<Use> {
    let mut out = Vec::new();
    collect(value, &Pointer::root(), &mut out);
    out
}

fn collect(value: &Value, pointer: &Pointer, out: &mut Vec<Use>) {
    match value {
        Value::String(s) => push_uses(s, pointer, false, out),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect(item, &pointer.index(i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let child = pointer.key(k);
                push_uses(k, &child, true, out);
                collect(v, &child, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn push_uses(text: &str, pointer: &Pointer, in_key: bool, out: &mut Vec<Use>) {
    if !text.contains("${") {
        return;
    }
    let found = find(text);
    let whole = found.len() == 1 && found[0].range == (0..text.len());
    out.extend(found.into_iter().map(|f| Use {
        name: f.name.to_owned(),
        pointer: pointer.clone(),
        whole,
        in_key,
    }));
}

/// The distinct names used in a definition (values and keys), in order of first use. Cheap on
/// values without placeholders: nothing is allocated for them.
pub fn names(value: &Value) -> Vec<String> {
    fn text(s: &str, out: &mut Vec<String>) {
        if s.contains("${") {
            for f in find(s) {
                if !out.iter().any(|n| n == f.name) {
                    out.push(f.name.to_owned());
                }
            }
        }
    }
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => text(s, out),
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => {
                for (k, v) in map {
                    text(k, out);
                    walk(v, out);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out
}

/// Which whole-string placeholders of a definition stood bare in its text (unquoted: `"Max":
/// ${Limit}` in JSON, a plain `Limit: ${Limit}` scalar in YAML).
///
/// Positions are exact for the text as read. After an edit moves things, a placeholder is still
/// bare where its name was only ever used bare; a name used both bare and quoted stays bare only
/// at the positions it was read at (a choice: the alternative, guessing, could turn a quoted
/// string into a number).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bare {
    pointers: std::collections::BTreeSet<Pointer>,
    only_bare: std::collections::BTreeSet<String>,
    yaml: bool,
}

impl Bare {
    /// The bare placeholders of `value`, given the pointers of the values that stood bare in
    /// text of the given format.
    pub fn new(value: &Value, pointers: std::collections::BTreeSet<Pointer>, yaml: bool) -> Self {
        let mut bare_names = std::collections::BTreeSet::new();
        let mut quoted_names = std::collections::BTreeSet::new();
        for u in uses(value) {
            if u.whole && !u.in_key {
                if pointers.contains(&u.pointer) {
                    bare_names.insert(u.name);
                } else {
                    quoted_names.insert(u.name);
                }
            }
        }
        let only_bare = bare_names.difference(&quoted_names).cloned().collect();
        Self {
            pointers,
            only_bare,
            yaml,
        }
    }

    /// Nothing stood bare.
    pub fn is_empty(&self) -> bool {
        self.pointers.is_empty() && self.only_bare.is_empty()
    }

    /// Whether the placeholder `name`, the whole string at `pointer`, is bare.
    pub fn is_bare(&self, pointer: &Pointer, name: &str) -> bool {
        self.pointers.contains(pointer) || self.only_bare.contains(name)
    }

    /// Whether the text was YAML, where a bare placeholder's value is read as a plain scalar
    /// (`5` a number, an ARN a string) rather than as JSON.
    pub fn is_yaml(&self) -> bool {
        self.yaml
    }

    /// The names that are bare wherever they are used.
    pub fn only_bare_names(&self) -> &std::collections::BTreeSet<String> {
        &self.only_bare
    }

    /// Marks the placeholder at `pointer` as bare (a number field given a placeholder).
    pub fn mark(&mut self, pointer: Pointer) {
        self.pointers.insert(pointer);
    }
}

/// Where in JSON text placeholders stand bare, outside any string (`"Max": ${Limit}`).
///
/// Returns the byte ranges of each bare `${...}`; the text is walked as JSON tokens, so a `${`
/// inside a string is never counted.
pub fn bare_in_json(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    let mut in_string = false;
    while at < bytes.len() {
        let b = bytes[at];
        if in_string {
            match b {
                b'\\' => at += 1,
                b'"' => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'$' && bytes.get(at + 1) == Some(&b'{') {
            let end = text[at + 2..]
                .find(['}', '\n', '"', '$', '{'])
                .map(|n| at + 2 + n);
            if let Some(end) = end.filter(|&e| bytes[e] == b'}')
                && is_name(text[at + 2..end].trim())
            {
                out.push(at..end + 1);
                at = end;
            }
        }
        at += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn names_in(text: &str) -> Vec<&str> {
        find(text).into_iter().map(|f| f.name).collect()
    }

    #[test]
    fn finds_sam_cloudformation_and_terraform_names() {
        assert_eq!(names_in("${OrdersTable}"), ["OrdersTable"]);
        assert_eq!(
            names_in("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:x"),
            ["AWS::Partition", "AWS::Region", "AWS::AccountId"]
        );
        assert_eq!(names_in("${var.table_name}"), ["var.table_name"]);
        assert_eq!(
            names_in("${ aws_lambda_function.f.arn }"),
            ["aws_lambda_function.f.arn"]
        );
        assert_eq!(names_in("s3://${Bucket}/logs/"), ["Bucket"]);
    }

    #[test]
    fn escapes_and_non_placeholders_are_text() {
        assert!(names_in("${!Literal}").is_empty());
        assert!(names_in("$${var.x}").is_empty());
        assert!(names_in("${}").is_empty());
        assert!(names_in("${unclosed").is_empty());
        assert!(names_in("$.a.b").is_empty());
        assert!(names_in("{% $x %}").is_empty());
        assert!(names_in("States.Format('{}', $.a)").is_empty());
        assert_eq!(names_in("${${${A}"), ["A"]);
        assert_eq!(names_in("${a{b}${C}"), ["C"]);
    }

    #[test]
    fn whole_is_exactly_one_placeholder() {
        assert_eq!(whole("${A}"), Some("A"));
        assert_eq!(whole("${A}${B}"), None);
        assert_eq!(whole("x${A}"), None);
        assert_eq!(whole("A"), None);
    }

    #[test]
    fn uses_point_at_values_and_keys() {
        let v = json!({"A": ["${X}", {"k${Y}": "pre-${Z}-post"}], "B": 1});
        let got: Vec<(String, &str, bool, bool)> = uses(&v)
            .iter()
            .map(|u| (u.name.clone(), "", u.whole, u.in_key))
            .collect();
        assert_eq!(
            got,
            [
                ("X".to_owned(), "", true, false),
                ("Y".to_owned(), "", false, true),
                ("Z".to_owned(), "", false, false),
            ]
        );
        assert_eq!(uses(&v)[2].pointer.as_str(), "/A/1/k${Y}");
        assert_eq!(names(&json!(["${X}", "${X}", "${W}"])), ["X", "W"]);
    }

    #[test]
    fn bare_placeholders_are_found_outside_strings_only() {
        let text = r#"{"A": ${Limit}, "B": "${Quoted}", "C": [${One},${Two}], "D": "\"${Esc}"}"#;
        let got: Vec<&str> = bare_in_json(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(got, ["${Limit}", "${One}", "${Two}"]);
    }
}
