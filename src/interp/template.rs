//! Payload templates (`Parameters`, `ResultSelector`, `ItemSelector`, JSONPath `Assign`):
//! compiled once, so each evaluation only resolves the `.$` fields. Parts without `.$` fields are
//! kept as ready values and shared, never rebuilt.

use crate::expr::env::Env;
use crate::expr::functions::{CallError, Random};
use crate::expr::intrinsic::{self, Call};
use crate::expr::path::Path;
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

/// A compiled payload template.
#[derive(Debug, Clone)]
pub enum Template {
    /// A value with no `.$` field anywhere inside.
    Literal(Val),
    /// An object with at least one dynamic field.
    Object(ObjectTemplate),
    /// An array with at least one dynamic element.
    Array(Vec<Template>),
    /// The value of a `.$` field that is a path.
    Path(Path),
    /// The value of a `.$` field that is an intrinsic call.
    Call(Call),
}

/// An object template: its keys laid out once, in order (`shape`, every value `null`), and each
/// field's template with the index of its key. An evaluation copies the shape, which copies no
/// hashes and probes nothing, and sets the values by index. Two fields with one key (`a` and
/// `a.$`) share its index, the later one winning, as inserting them in order would.
#[derive(Debug, Clone)]
pub struct ObjectTemplate {
    shape: ObjectMap,
    fields: Vec<(usize, Arc<str>, Template)>,
}

/// Why a template could not be compiled (the validator reports these with locations first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

/// Why evaluating a template failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// A path found nothing (`States.Runtime`), with the field and path.
    Path {
        field: String,
        path: String,
        message: String,
    },
    /// An intrinsic function failed (`States.IntrinsicFailure`).
    Intrinsic(String),
}

impl Template {
    /// Compiles a template written in a definition.
    pub fn compile(value: &serde_json::Value) -> Result<Self, TemplateError> {
        if !has_dynamic(value) {
            return Ok(Self::Literal(Val::from(value)));
        }
        Ok(match value {
            serde_json::Value::Object(map) => {
                let mut shape = ObjectMap::with_capacity_and_hasher(map.len(), Default::default());
                let mut fields = Vec::with_capacity(map.len());
                for (k, v) in map {
                    let (name, template): (Arc<str>, Self) =
                        if let Some(name) = k.strip_suffix(".$") {
                            let serde_json::Value::String(text) = v else {
                                return Err(TemplateError(format!(
                                    "the value of \"{k}\" must be a path or an intrinsic function"
                                )));
                            };
                            (Arc::from(name), Self::dynamic(text)?)
                        } else {
                            (Arc::from(k.as_str()), Self::compile(v)?)
                        };
                    let (index, _) = shape.insert_full(name.clone(), Val::Null);
                    fields.push((index, name, template));
                }
                Self::Object(ObjectTemplate { shape, fields })
            }
            serde_json::Value::Array(items) => {
                Self::Array(items.iter().map(Self::compile).collect::<Result<_, _>>()?)
            }
            other => Self::Literal(Val::from(other)),
        })
    }

    /// Compiles the value of one `.$` field (or of a field such as ErrorPath).
    pub fn dynamic(text: &str) -> Result<Self, TemplateError> {
        if intrinsic::looks_like_call(text) {
            Call::parse(text)
                .map(Self::Call)
                .map_err(|e| TemplateError(e.to_string()))
        } else {
            Path::parse(text)
                .map(Self::Path)
                .map_err(|e| TemplateError(e.to_string()))
        }
    }

    /// Whether anything in the template reads the Context object.
    pub fn uses_context(&self) -> bool {
        match self {
            Self::Literal(_) => false,
            Self::Object(o) => o.fields.iter().any(|(_, _, t)| t.uses_context()),
            Self::Array(items) => items.iter().any(Self::uses_context),
            Self::Path(p) => matches!(p.root, crate::expr::path::Root::Context),
            Self::Call(c) => call_uses_context(c),
        }
    }

    /// Evaluates the template.
    pub fn eval(&self, env: &Env<'_>, rng: &mut dyn Random) -> Result<Val, EvalError> {
        self.eval_field(env, rng, "")
    }

    fn eval_field(
        &self,
        env: &Env<'_>,
        rng: &mut dyn Random,
        field: &str,
    ) -> Result<Val, EvalError> {
        match self {
            Self::Literal(v) => Ok(v.clone()),
            Self::Object(o) => {
                let mut map = o.shape.clone();
                for (index, k, t) in &o.fields {
                    if let Some((_, slot)) = map.get_index_mut(*index) {
                        *slot = t.eval_field(env, rng, k)?;
                    }
                }
                Ok(Val::object(map))
            }
            Self::Array(items) => Ok(Val::array(
                items
                    .iter()
                    .map(|t| t.eval_field(env, rng, field))
                    .collect::<Result<_, _>>()?,
            )),
            Self::Path(p) => env.resolve(p).map_err(|e| EvalError::Path {
                field: field.to_owned(),
                path: path_text(p),
                message: e.message,
            }),
            Self::Call(c) => c.eval(env, rng).map_err(|e| match e {
                CallError::Intrinsic(m) => EvalError::Intrinsic(m),
                CallError::Path(m) => EvalError::Path {
                    field: field.to_owned(),
                    path: String::new(),
                    message: m,
                },
            }),
        }
    }
}

fn call_uses_context(c: &Call) -> bool {
    c.args.iter().any(|a| match a {
        intrinsic::Arg::Path(p) => matches!(p.root, crate::expr::path::Root::Context),
        intrinsic::Arg::Call(inner) => call_uses_context(inner),
        _ => false,
    })
}

/// The path as it was written, for error messages.
pub fn path_text(p: &Path) -> String {
    use crate::expr::path::{Root, Segment};
    let mut out = match &p.root {
        Root::Input => "$".to_owned(),
        Root::Context => "$$".to_owned(),
        Root::Variable(v) => format!("${v}"),
    };
    for s in &p.segments {
        match s {
            Segment::Child(n)
                if n.chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-') =>
            {
                out.push('.');
                out.push_str(n);
            }
            Segment::Child(n) => out.push_str(&format!("['{n}']")),
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            _ => out.push_str("[*]"),
        }
    }
    out
}

fn has_dynamic(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            map.iter().any(|(k, v)| k.ends_with(".$") || has_dynamic(v))
        }
        serde_json::Value::Array(items) => items.iter().any(has_dynamic),
        _ => false,
    }
}
