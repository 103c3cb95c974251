//! JSONata field values: `{% %}` expressions (whole strings, inside objects and arrays) compiled
//! once, and evaluated with `$states` and the variables bound as Step Functions does.

use crate::expr::functions::SplitMix;
use crate::expr::jsonata::expression;
use crate::expr::jsonata_eval::{Expression, JsonataError, to_jvalue};
use crate::value::{ObjectMap, Val};
use jsonata_core::value::JValue;
use std::sync::Arc;

/// A value whose strings may be whole `{% %}` expressions, compiled once.
#[derive(Debug, Clone)]
pub enum JTemplate {
    /// Nothing to evaluate inside.
    Literal(Val),
    /// An expression, with the field path AWS names in errors (`Output/result`).
    Expr(Expression, Arc<str>),
    /// An object with expressions inside.
    Object(Vec<(Arc<str>, JTemplate)>),
    /// An array with expressions inside.
    Array(Vec<JTemplate>),
}

/// `$states` and the variables, converted for the JSONata evaluator (done at most once per field).
type Converted = (JValue, Vec<(Arc<str>, JValue)>);

/// Why a JSONata field failed (raised as `States.QueryEvaluationError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// AWS's description, after the "An error occurred while executing the state" prefix.
    pub detail: String,
}

impl JTemplate {
    /// Compiles a field value; `field` names it in error messages.
    pub fn compile(value: &serde_json::Value, field: &str) -> Result<Self, String> {
        Ok(match value {
            serde_json::Value::String(s) => match expression(s) {
                Some(e) => Self::Expr(Expression::parse(e)?, Arc::from(field)),
                None => Self::Literal(Val::string(s)),
            },
            serde_json::Value::Object(map) => {
                let fields: Vec<(Arc<str>, JTemplate)> = map
                    .iter()
                    .map(|(k, v)| {
                        Ok((
                            Arc::from(k.as_str()),
                            Self::compile(v, &format!("{field}/{k}"))?,
                        ))
                    })
                    .collect::<Result<_, String>>()?;
                if fields.iter().all(|(_, t)| matches!(t, Self::Literal(_))) {
                    Self::Literal(Val::from(value))
                } else {
                    Self::Object(fields)
                }
            }
            serde_json::Value::Array(items) => {
                let parts: Vec<JTemplate> = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Self::compile(v, &format!("{field}[{i}]")))
                    .collect::<Result<_, String>>()?;
                if parts.iter().all(|t| matches!(t, Self::Literal(_))) {
                    Self::Literal(Val::from(value))
                } else {
                    Self::Array(parts)
                }
            }
            other => Self::Literal(Val::from(other)),
        })
    }

    /// Evaluates with `$states` and the variables in scope.
    ///
    /// Simple paths (`$states.input.a.b`, `$var.x`) are read straight from the values; anything
    /// else goes to the JSONata evaluator, with `$states` and the variables converted once for
    /// every expression in the field, and only if some expression needs them.
    pub fn eval(
        &self,
        states: &Val,
        vars: &[(Arc<str>, Val)],
        rng: &mut SplitMix,
    ) -> Result<Val, QueryError> {
        let mut converted = None;
        self.eval_with(states, vars, &mut converted, rng)
    }

    fn eval_with(
        &self,
        states: &Val,
        vars: &[(Arc<str>, Val)],
        converted: &mut Option<Converted>,
        rng: &mut SplitMix,
    ) -> Result<Val, QueryError> {
        match self {
            Self::Literal(v) => Ok(v.clone()),
            Self::Expr(e, field) => {
                let lookup = |name: &str| vars.iter().find(|(k, _)| &**k == name).map(|(_, v)| v);
                let result = match e.eval_fast(states, lookup) {
                    Some(r) => r,
                    None => {
                        let (js, jv) = converted.get_or_insert_with(|| {
                            (
                                to_jvalue(states),
                                vars.iter()
                                    .map(|(k, v)| (k.clone(), to_jvalue(v)))
                                    .collect(),
                            )
                        });
                        e.eval_converted(js, jv, rng)
                    }
                };
                result.map_err(|err| QueryError {
                    detail: match err {
                        JsonataError::Undefined => format!(
                            "The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).",
                            e.text
                        ),
                        JsonataError::Unsupported => format!(
                            "The JSONata expression '{}' specified for the field '{field}' returned an unsupported result type.",
                            e.text
                        ),
                        JsonataError::Failed(m) => format!(
                            "An error occurred while evaluating the JSONata expression '{}' specified for the field '{field}': {m}",
                            e.text
                        ),
                    },
                })
            }
            Self::Object(fields) => {
                let mut map = ObjectMap::with_capacity_and_hasher(fields.len(), Default::default());
                for (k, t) in fields {
                    map.insert(k.clone(), t.eval_with(states, vars, converted, rng)?);
                }
                Ok(Val::object(map))
            }
            Self::Array(items) => Ok(Val::array(
                items
                    .iter()
                    .map(|t| t.eval_with(states, vars, converted, rng))
                    .collect::<Result<_, _>>()?,
            )),
        }
    }

    /// Whether evaluating may read `$states.context`.
    pub fn needs_context(&self) -> bool {
        match self {
            Self::Literal(_) => false,
            Self::Expr(e, _) => e.needs_context,
            Self::Object(fields) => fields.iter().any(|(_, t)| t.needs_context()),
            Self::Array(items) => items.iter().any(Self::needs_context),
        }
    }

    /// The variable names the expressions inside mention.
    pub fn variables(&self, out: &mut Vec<Arc<str>>) {
        match self {
            Self::Literal(_) => {}
            Self::Expr(e, _) => {
                for v in &e.variables {
                    if !out.contains(v) {
                        out.push(v.clone());
                    }
                }
            }
            Self::Object(fields) => fields.iter().for_each(|(_, t)| t.variables(out)),
            Self::Array(items) => items.iter().for_each(|t| t.variables(out)),
        }
    }

    /// The expression text, when the whole field is one expression.
    pub fn expression(&self) -> Option<(&str, &str)> {
        match self {
            Self::Expr(e, field) => Some((&e.text, field)),
            _ => None,
        }
    }
}

/// Builds `$states` from its parts.
pub fn states_object(
    input: &Val,
    context: &Val,
    result: Option<&Val>,
    error_output: Option<&Val>,
) -> Val {
    // Built for every JSONata field a state evaluates: its member names are made once.
    static NAMES: std::sync::LazyLock<[Arc<str>; 4]> =
        std::sync::LazyLock::new(|| ["input", "context", "result", "errorOutput"].map(Arc::from));
    let [input_key, context_key, result_key, error_key] = &*NAMES;
    let mut m = ObjectMap::with_capacity_and_hasher(4, Default::default());
    m.insert(input_key.clone(), input.clone());
    m.insert(context_key.clone(), context.clone());
    if let Some(r) = result {
        m.insert(result_key.clone(), r.clone());
    }
    if let Some(e) = error_output {
        m.insert(error_key.clone(), e.clone());
    }
    Val::object(m)
}
