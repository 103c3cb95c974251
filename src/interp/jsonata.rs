//! JSONata states: `Arguments`, `Output`, `Assign`, `Condition`, `Items` and the number and text
//! fields given as `{% %}` expressions, evaluated with `$states` bound as Step Functions does.

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
                let mut map = ObjectMap::with_capacity(fields.len());
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

/// The JSONata fields of one state, compiled.
#[derive(Debug, Clone, Default)]
pub struct JState {
    pub arguments: Option<JTemplate>,
    pub output: Option<JTemplate>,
    pub assign: Option<JTemplate>,
    pub timeout: Option<JTemplate>,
    pub heartbeat: Option<JTemplate>,
    pub seconds: Option<JTemplate>,
    pub timestamp: Option<JTemplate>,
    pub error: Option<JTemplate>,
    pub cause: Option<JTemplate>,
    pub items: Option<JTemplate>,
    pub item_selector: Option<JTemplate>,
    pub max_concurrency: Option<JTemplate>,
    pub tolerated_count: Option<JTemplate>,
    pub tolerated_percentage: Option<JTemplate>,
    /// Per Choice rule: condition, output, assign.
    pub rules: Vec<(JTemplate, Option<JTemplate>, Option<JTemplate>)>,
    /// Per Catch rule: output, assign.
    pub catch: Vec<(Option<JTemplate>, Option<JTemplate>)>,
}

/// Builds `$states` from its parts.
pub fn states_object(
    input: &Val,
    context: &Val,
    result: Option<&Val>,
    error_output: Option<&Val>,
) -> Val {
    let mut m = ObjectMap::with_capacity(4);
    m.insert("input".into(), input.clone());
    m.insert("context".into(), context.clone());
    if let Some(r) = result {
        m.insert("result".into(), r.clone());
    }
    if let Some(e) = error_output {
        m.insert("errorOutput".into(), e.clone());
    }
    Val::object(m)
}

use super::compile::{CState, Kind, Next};
use super::{Execution, FrameId, StateError, Step};
use crate::history::EventKind;

impl Execution {
    /// Evaluates a JSONata field of the frame's current state; a failure becomes
    /// `States.QueryEvaluationError` and an `EvaluationFailed` event.
    pub(super) fn jeval(
        &mut self,
        fid: FrameId,
        state: &CState,
        template: &JTemplate,
        result: Option<&Val>,
        error_output: Option<&Val>,
    ) -> Result<Val, StateError> {
        if let JTemplate::Literal(v) = template {
            return Ok(v.clone());
        }
        let frame = &self.frames[fid];
        // The Context object holds the whole execution input: build it only when asked for.
        let context = if template.needs_context() {
            self.context(frame, state)
        } else {
            Val::Null
        };
        let states = states_object(&frame.input, &context, result, error_output);
        let mut names = Vec::new();
        template.variables(&mut names);
        let vars: Vec<(Arc<str>, Val)> = names
            .into_iter()
            .filter_map(|n| {
                use crate::expr::env::Variables;
                frame.vars.get(&n).map(|v| (n, v))
            })
            .collect();
        template
            .eval(&states, &vars, &mut self.rng)
            .map_err(|e| self.query_error(fid, state, &e.detail))
    }

    pub(super) fn query_error(&mut self, fid: FrameId, state: &CState, detail: &str) -> StateError {
        let frame = &self.frames[fid];
        let cause = self.runtime_cause(frame, state, detail);
        self.emit(
            fid,
            EventKind::EvaluationFailed {
                state: state.name.clone(),
                error: "States.QueryEvaluationError".into(),
                cause: Some(Arc::from(cause.as_str())),
                location: None,
            },
        );
        StateError::new("States.QueryEvaluationError", Some(cause))
    }

    /// Output and Assign of a JSONata state: both read `$states` and the variables from before
    /// the state. Without Output, the output is the result (or the input when there is none).
    pub(super) fn jsonata_finish(
        &mut self,
        fid: FrameId,
        state: &CState,
        j: &JState,
        result: Option<&Val>,
    ) -> Result<(Val, Option<Val>), StateError> {
        let assigned = match &j.assign {
            Some(t) => Some(self.jeval(fid, state, t, result, None)?),
            None => None,
        };
        let output = match &j.output {
            Some(t) => self.jeval(fid, state, t, result, None)?,
            None => result
                .cloned()
                .unwrap_or_else(|| self.frames[fid].input.clone()),
        };
        Ok((output, assigned))
    }

    /// A whole number from a JSONata field (MaxConcurrency, TimeoutSeconds...).
    pub(super) fn jnumber(
        &mut self,
        fid: FrameId,
        state: &CState,
        t: &Option<JTemplate>,
        field: &str,
    ) -> Result<Option<f64>, StateError> {
        let Some(t) = t else { return Ok(None) };
        let v = self.jeval(fid, state, t, None, None)?;
        match v.as_f64() {
            Some(n) => Ok(Some(n)),
            None => Err(self.query_error(
                fid,
                state,
                &format!("The value of the field '{field}' must be a number, but was: {v}"),
            )),
        }
    }

    /// The state's own work right after it is entered, for a JSONata state.
    pub(super) fn run_jsonata_state(&mut self, fid: FrameId, state: &CState, j: &JState) {
        let input = self.frames[fid].input.clone();
        let outcome: Result<(), StateError> = (|| {
            match &state.kind {
                Kind::Pass { .. } => {
                    let (output, assigned) = self.jsonata_finish(fid, state, j, None)?;
                    self.exit_with(fid, output, None, assigned);
                }
                Kind::Succeed => {
                    let (output, _) = self.jsonata_finish(fid, state, j, None)?;
                    self.exit_with(fid, output, Some(Next::End), None);
                }
                Kind::Fail { .. } => {
                    let text = |v: Val| match v {
                        Val::String(s) => s,
                        other => Arc::from(other.to_json_string()),
                    };
                    let error = match &j.error {
                        Some(t) => Some(text(self.jeval(fid, state, t, None, None)?)),
                        None => None,
                    };
                    let cause = match &j.cause {
                        Some(t) => Some(text(self.jeval(fid, state, t, None, None)?)),
                        None => None,
                    };
                    self.complete(fid, Err(StateError::fail_state(error, cause)));
                }
                Kind::Choice { branches, default } => {
                    let mut chosen = None;
                    for (i, (condition, output, assign)) in j.rules.iter().enumerate() {
                        let v = self.jeval(fid, state, condition, None, None)?;
                        match v {
                            Val::Bool(true) => {
                                chosen = Some((branches[i].next, output.as_ref(), assign.as_ref()));
                                break;
                            }
                            Val::Bool(false) => {}
                            other => {
                                let (text, field) =
                                    condition.expression().unwrap_or(("", "Condition"));
                                return Err(self.query_error(
                                    fid,
                                    state,
                                    &format!("The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected 'boolean', but was '{}' for value: {other}", other.type_name()),
                                ));
                            }
                        }
                    }
                    let (next, output, assign) = match chosen {
                        Some((n, o, a)) => (n, o.or(j.output.as_ref()), a.or(j.assign.as_ref())),
                        None => match default {
                            Some(d) => (*d, j.output.as_ref(), j.assign.as_ref()),
                            None => {
                                return Err(StateError::new(
                                    "States.NoChoiceMatched",
                                    Some(format!("No Matches! (state '{}')", state.name)),
                                ));
                            }
                        },
                    };
                    let assigned = match assign {
                        Some(t) => Some(self.jeval(fid, state, t, None, None)?),
                        None => None,
                    };
                    let output = match output {
                        Some(t) => self.jeval(fid, state, t, None, None)?,
                        None => input.clone(),
                    };
                    self.exit_with(fid, output, Some(Next::To(next)), assigned);
                }
                Kind::Wait(_) => {
                    let until = if let Some(seconds) =
                        self.jnumber(fid, state, &j.seconds, "Seconds")?
                    {
                        self.clock + (seconds.max(0.0) * 1000.0) as i64
                    } else if let Some(t) = &j.timestamp {
                        let v = self.jeval(fid, state, t, None, None)?;
                        match v.as_str().and_then(crate::history::parse_timestamp) {
                            Some(at) => at,
                            None => {
                                return Err(self.query_error(fid, state, &format!("The value of the field 'Timestamp' is not a valid timestamp: {v}")));
                            }
                        }
                    } else {
                        self.clock
                    };
                    self.wait_until(fid, until);
                }
                Kind::Task { .. } | Kind::Parallel { .. } => {
                    if matches!(
                        state.kind,
                        Kind::Task {
                            pattern: crate::model::task::IntegrationPattern::WaitForTaskToken,
                            ..
                        }
                    ) {
                        self.new_token(fid);
                    }
                    let arguments = match &j.arguments {
                        Some(t) => self.jeval(fid, state, t, None, None)?,
                        None => input.clone(),
                    };
                    self.start_work(fid, state, arguments);
                }
                Kind::Map { .. } => {
                    self.frames[fid].effective = input.clone();
                    self.frames[fid].step = Step::MapStart;
                }
            }
            Ok(())
        })();
        if let Err(e) = outcome {
            if matches!(state.kind, Kind::Map { .. }) {
                self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
            }
            self.fail_with(fid, e);
        }
    }

    /// The items of a JSONata Map: `Items` (an array or an expression giving one), else the input.
    pub(super) fn jsonata_items(
        &mut self,
        fid: FrameId,
        state: &CState,
        j: &JState,
    ) -> Result<Vec<Val>, StateError> {
        match &j.items {
            Some(t) => {
                let v = self.jeval(fid, state, t, None, None)?;
                match v {
                    Val::Array(a) => Ok(a.items().to_vec()),
                    other => {
                        let (text, field) = t.expression().unwrap_or(("", "Items"));
                        Err(self.query_error(
                            fid,
                            state,
                            &format!(
                                "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected 'array', but was '{}' for value: {other}",
                                other.type_name()
                            ),
                        ))
                    }
                }
            }
            None => match self.frames[fid].input.clone() {
                Val::Array(a) => Ok(a.items().to_vec()),
                other => {
                    let frame = &self.frames[fid];
                    let cause = self.runtime_cause(
                        frame,
                        state,
                        &format!("Map state input must be an array but was: {other}"),
                    );
                    self.emit(
                        fid,
                        EventKind::EvaluationFailed {
                            state: state.name.clone(),
                            error: "States.QueryEvaluationError".into(),
                            cause: Some(Arc::from(cause.as_str())),
                            location: None,
                        },
                    );
                    Err(StateError::new("States.QueryEvaluationError", Some(cause)))
                }
            },
        }
    }

    /// The input of one JSONata Map iteration: ItemSelector with `$states.context.Map.Item`.
    pub(super) fn jsonata_item(
        &mut self,
        fid: FrameId,
        state: &CState,
        j: &JState,
        index: usize,
        value: &Val,
    ) -> Result<Val, StateError> {
        let Some(t) = &j.item_selector else {
            return Ok(value.clone());
        };
        let saved = self.frames[fid].item.replace((index, value.clone()));
        let out = self.jeval(fid, state, t, None, None);
        self.frames[fid].item = saved;
        out
    }

    /// Catch in a JSONata state: Output and Assign read `$states.errorOutput`.
    pub(super) fn jsonata_catch(
        &mut self,
        fid: FrameId,
        state: &CState,
        j: &JState,
        index: usize,
        error_output: &Val,
    ) -> Result<(Val, Option<Val>), StateError> {
        let (output, assign) = j.catch.get(index).cloned().unwrap_or((None, None));
        let assigned = match &assign {
            Some(t) => Some(self.jeval(fid, state, t, None, Some(error_output))?),
            None => None,
        };
        let output = match &output {
            Some(t) => self.jeval(fid, state, t, None, Some(error_output))?,
            None => error_output.clone(),
        };
        Ok((output, assigned))
    }
}
