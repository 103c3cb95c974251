//! Reading typed fields out of a JSON object, collecting every type error as a diagnostic.

use crate::diag::{Code, Diagnostics};
use crate::pointer::Pointer;
use serde_json::{Map, Value};

/// A number, string or other value that may instead be given as a JSONata `{% %}` expression.
#[derive(Clone, Debug, PartialEq)]
pub enum MaybeExpr<T> {
    /// A value written literally.
    Literal(T),
    /// A JSONata expression, with its `{% %}` delimiters.
    Expr(String),
}

impl<T: Copy> MaybeExpr<T> {
    /// The literal value, if the field is not an expression.
    pub fn literal(&self) -> Option<T> {
        match self {
            Self::Literal(v) => Some(*v),
            Self::Expr(_) => None,
        }
    }
}

/// A path field that may also be `null` (`InputPath`, `OutputPath`, `ResultPath`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NullablePath {
    /// `null`: discard (or, for InputPath/OutputPath, pass `{}`).
    Null,
    /// A path.
    Path(String),
}

/// Reads fields of one JSON object, noting type errors as diagnostics.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    pub obj: &'a Map<String, Value>,
    pub pointer: Pointer,
    pub diags: &'a mut Diagnostics,
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Reader<'a> {
    pub fn new(obj: &'a Map<String, Value>, pointer: Pointer, diags: &'a mut Diagnostics) -> Self {
        Self {
            obj,
            pointer,
            diags,
        }
    }

    /// Reports a field of the wrong type. A string that is wholly a deploy-time placeholder
    /// (`"${Concurrency}"`, or a bare `${Concurrency}`) stands for a value of whatever type goes
    /// there, so it is never the wrong type.
    pub fn wrong_type(&mut self, key: &str, want: &str) {
        if let Some(v) = self.obj.get(key) {
            if v.as_str().and_then(crate::placeholder::whole).is_some() {
                return;
            }
            let got = type_name(v);
            self.diags.push(
                Code::WrongType,
                self.pointer.key(key),
                format!("{key} must be {want}, not {got}."),
            );
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    pub fn value(&self, key: &str) -> Option<Value> {
        self.obj.get(key).cloned()
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.obj.get(key)? {
            Value::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(key, "a string");
                None
            }
        }
    }

    pub fn bool(&mut self, key: &str) -> Option<bool> {
        match self.obj.get(key)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(key, "true or false");
                None
            }
        }
    }

    pub fn object(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        match self.obj.get(key)? {
            Value::Object(m) => Some(m),
            _ => {
                self.wrong_type(key, "an object");
                None
            }
        }
    }

    pub fn array(&mut self, key: &str) -> Option<&'a Vec<Value>> {
        match self.obj.get(key)? {
            Value::Array(a) => Some(a),
            _ => {
                self.wrong_type(key, "an array");
                None
            }
        }
    }

    pub fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        let items = self.array(key)?;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => out.push(s.clone()),
                other => self.diags.push(
                    Code::WrongType,
                    self.pointer.key(key).index(i),
                    format!(
                        "Each entry of {key} must be a string, not {}.",
                        type_name(other)
                    ),
                ),
            }
        }
        Some(out)
    }

    /// A non-negative integer (`3`, or `3.0` as JSON allows).
    pub fn uint(&mut self, key: &str) -> Option<u64> {
        let v = self.obj.get(key)?;
        match as_uint(v) {
            Some(n) => Some(n),
            None => {
                if v.is_number() {
                    self.diags.push(
                        Code::InvalidValue,
                        self.pointer.key(key),
                        format!("{key} must be a whole number of zero or more, not {v}."),
                    );
                } else {
                    self.wrong_type(key, "a whole number");
                }
                None
            }
        }
    }

    pub fn number(&mut self, key: &str) -> Option<f64> {
        match self.obj.get(key)? {
            Value::Number(n) => n.as_f64(),
            _ => {
                self.wrong_type(key, "a number");
                None
            }
        }
    }

    /// A field that is a whole number or a JSONata expression string.
    pub fn uint_or_expr(&mut self, key: &str) -> Option<MaybeExpr<u64>> {
        match self.obj.get(key)? {
            Value::String(s) => Some(MaybeExpr::Expr(s.clone())),
            _ => self.uint(key).map(MaybeExpr::Literal),
        }
    }

    /// A field that is a number or a JSONata expression string.
    pub fn number_or_expr(&mut self, key: &str) -> Option<MaybeExpr<f64>> {
        match self.obj.get(key)? {
            Value::String(s) => Some(MaybeExpr::Expr(s.clone())),
            _ => self.number(key).map(MaybeExpr::Literal),
        }
    }

    pub fn nullable_path(&mut self, key: &str) -> Option<NullablePath> {
        match self.obj.get(key)? {
            Value::Null => Some(NullablePath::Null),
            Value::String(s) => Some(NullablePath::Path(s.clone())),
            _ => {
                self.wrong_type(key, "a path string or null");
                None
            }
        }
    }

    /// Reports every key not in `known`.
    pub fn unknown_fields(&mut self, known: &[&str], what: &str) {
        for key in self.obj.keys() {
            if !known.contains(&key.as_str()) {
                self.diags.push(
                    Code::UnknownField,
                    self.pointer.key(key),
                    unknown_field_message(key, known, what),
                );
            }
        }
    }
}

pub(crate) fn as_uint(v: &Value) -> Option<u64> {
    let n = v.as_number()?;
    n.as_u64().or_else(|| {
        let f = n.as_f64()?;
        (f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64)
    })
}

/// "X is not a field of Y", with a suggestion when a known field differs only in case or by a typo.
pub(crate) fn unknown_field_message(key: &str, known: &[&str], what: &str) -> String {
    let close = known
        .iter()
        .map(|k| {
            (
                edit_distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                k,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d);
    match close {
        Some((_, k)) => format!("\"{key}\" is not a field of {what}; did you mean \"{k}\"?"),
        None => format!("\"{key}\" is not a field of {what}."),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
