//! Input and output processing in the state's query language: the one place where JSONPath
//! (InputPath, Parameters, ResultSelector, ResultPath, OutputPath, Assign) and JSONata
//! (Arguments, Output, Assign over `$states`) differ. The life cycle calls these steps the same
//! way for every state.

use super::compile::{CState, Dynamic, PathFields, Processing};
use super::error::StateError;
use super::jsonata::{JTemplate, states_object};
use super::template::{Template, path_text};
use super::{Execution, FrameId};
use crate::expr::env::Env;
use crate::expr::path::Path;
use crate::history::EventKind;
use crate::model::ErrorName;
use crate::validate::WorkflowType;
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

/// A state's output and the variables it assigns (applied when it exits).
pub(super) type Processed = (Val, Option<Val>);

impl Execution {
    /// Input processing: the effective input (JSONPath `InputPath`; JSONata reads
    /// `$states.input` as it is).
    pub(super) fn process_input(
        &mut self,
        fid: FrameId,
        state: &CState,
    ) -> Result<Val, StateError> {
        let input = self.frames[fid].input.clone();
        match &state.io {
            Processing::JsonPath(io) => match &io.input_path {
                None => Ok(input),
                Some(None) => Ok(Val::object(ObjectMap::default())),
                Some(Some(p)) => {
                    let ctx = self.ctx_for(fid, state);
                    self.read_path(fid, state, p, &input, &ctx)
                }
            },
            Processing::Jsonata(_) => Ok(input),
        }
    }

    /// The payload of the state's work: JSONPath `Parameters` over the effective input (the
    /// effective input itself without them); JSONata `Arguments` (`None` without them).
    pub(super) fn arguments(
        &mut self,
        fid: FrameId,
        state: &CState,
        effective: &Val,
    ) -> Result<Option<Val>, StateError> {
        let payload = match &state.io {
            Processing::JsonPath(io) => match &io.parameters {
                Some(t) => {
                    let ctx = self.ctx_for(fid, state);
                    self.eval_template(fid, state, t, effective, &ctx).map(Some)
                }
                None => Ok(Some(effective.clone())),
            },
            Processing::Jsonata(j) => j
                .arguments
                .as_ref()
                .map(|t| self.jeval(fid, state, t, None, None))
                .transpose(),
        }?;
        if self.config.inspect {
            let (v, jsonata) = (payload.clone(), matches!(state.io, Processing::Jsonata(_)));
            self.inspect(fid, |i| match jsonata {
                false => i.after_parameters = v,
                true => i.after_arguments = v,
            });
        }
        Ok(payload)
    }

    /// Output processing and Assign of a state that is done. `result` is what its work gave
    /// (`None`: a Wait, Succeed or Choice, which pass their input on); `rule` is the Choice rule
    /// taken (its Output and Assign come first).
    ///
    /// JSONPath: ResultSelector, then Assign (reading the selected result, or the effective
    /// input), ResultPath, OutputPath. JSONata: Assign and Output, both reading `$states` and the
    /// variables from before the state; without Output the result (or the input) goes on.
    pub(super) fn process_output(
        &mut self,
        fid: FrameId,
        state: &CState,
        result: Option<Val>,
        rule: Option<usize>,
    ) -> Result<Processed, StateError> {
        match &state.io {
            Processing::JsonPath(io) => self.path_output(fid, state, io, result, rule),
            Processing::Jsonata(j) => {
                let rule_shape = rule.and_then(|r| j.rules.get(r));
                let output = rule_shape
                    .and_then(|s| s.output.as_ref())
                    .or(j.shape.output.as_ref());
                let assign = rule_shape
                    .and_then(|s| s.assign.as_ref())
                    .or(j.shape.assign.as_ref());
                self.jsonata_output(fid, state, output, assign, result.as_ref(), None)
            }
        }
    }

    fn path_output(
        &mut self,
        fid: FrameId,
        state: &CState,
        io: &PathFields,
        result: Option<Val>,
        rule: Option<usize>,
    ) -> Result<Processed, StateError> {
        let ctx = self.ctx_for(fid, state);
        let assign = rule
            .and_then(|r| io.rules.get(r).and_then(Option::as_ref))
            .or(io.assign.as_ref());
        let Some(result) = result else {
            // The effective input goes on. Only a Retry runs the state's work again on it, so
            // without Retry rules it moves out of the frame instead of being shared.
            let effective = if state.retry.is_empty() {
                std::mem::take(&mut self.frames[fid].effective)
            } else {
                self.frames[fid].effective.clone()
            };
            let assigned = self.eval_assign(fid, state, assign, &effective, &ctx)?;
            let output = self.output_path(fid, state, io, effective, &ctx)?;
            return Ok((output, assigned));
        };
        let raw = self.config.inspect.then(|| result.clone());
        let result = match &io.result_selector {
            Some(t) => self.eval_template(fid, state, t, &result, &ctx)?,
            None => result,
        };
        let assigned = self.eval_assign(fid, state, assign, &result, &ctx)?;
        let selected = self.config.inspect.then(|| result.clone());
        let combined = self.result_path(fid, state, &io.result_path, result)?;
        if self.config.inspect {
            let placed = combined.clone();
            self.inspect(fid, |i| {
                i.result = raw;
                i.after_result_selector = selected;
                i.after_result_path = Some(placed);
            });
        }
        Ok((self.output_path(fid, state, io, combined, &ctx)?, assigned))
    }

    /// What a Catch rule makes of an error: JSONPath puts the error output at the rule's
    /// ResultPath over the state input and Assign reads it; JSONata's Output and Assign read
    /// `$states.errorOutput` (the error output goes on without Output).
    pub(super) fn process_catch(
        &mut self,
        fid: FrameId,
        state: &CState,
        index: usize,
        error_output: Val,
    ) -> Result<Processed, StateError> {
        match &state.io {
            Processing::JsonPath(io) => {
                let (result_path, assign) = io
                    .catch
                    .get(index)
                    .map_or((&None, None), |c| (&c.result_path, c.assign.as_ref()));
                let ctx = self.ctx_for(fid, state);
                let assigned = self.eval_assign(fid, state, assign, &error_output, &ctx)?;
                let output = self.result_path(fid, state, result_path, error_output)?;
                Ok((output, assigned))
            }
            Processing::Jsonata(j) => {
                let shape = j.catch.get(index);
                self.jsonata_output(
                    fid,
                    state,
                    shape.and_then(|s| s.output.as_ref()),
                    shape.and_then(|s| s.assign.as_ref()),
                    None,
                    Some(&error_output),
                )
            }
        }
    }

    /// JSONata Assign and Output. Without Output, the error output, the result or the input
    /// goes on, in that order.
    fn jsonata_output(
        &mut self,
        fid: FrameId,
        state: &CState,
        output: Option<&JTemplate>,
        assign: Option<&JTemplate>,
        result: Option<&Val>,
        error_output: Option<&Val>,
    ) -> Result<Processed, StateError> {
        if self.config.inspect {
            let raw = result.cloned();
            self.inspect(fid, |i| i.result = raw);
        }
        let assigned = match assign {
            Some(t) => Some(self.jeval(fid, state, t, result, error_output)?),
            None => None,
        };
        let output = match output {
            Some(t) => self.jeval(fid, state, t, result, error_output)?,
            None => error_output
                .or(result)
                .cloned()
                .unwrap_or_else(|| self.frames[fid].input.clone()),
        };
        Ok((output, assigned))
    }

    /// ResultPath: the result replaces the input (absent), is discarded (`null`), or is written
    /// into a copy of the input at the path.
    fn result_path(
        &mut self,
        fid: FrameId,
        state: &CState,
        path: &Option<Option<Path>>,
        result: Val,
    ) -> Result<Val, StateError> {
        match path {
            None => Ok(result),
            Some(None) => Ok(self.frames[fid].input.clone()),
            Some(Some(p)) => {
                // The result is written into the state input. When nothing can read that input
                // again (no Retry runs the work on it, no Catch places an error in it, and no
                // redrive enters the state with it again should it still fail: Express runs are
                // not redriven), it moves out of the frame, with the effective input that shares
                // it, so that a value nobody else holds is written in place rather than copied.
                let frame = &mut self.frames[fid];
                let nothing_reads_it_again = state.retry.is_empty()
                    && state.catch.is_empty()
                    && self.config.workflow_type == WorkflowType::Express;
                let mut base = if nothing_reads_it_again {
                    frame.effective = Val::Null;
                    std::mem::take(&mut frame.input)
                } else {
                    frame.input.clone()
                };
                match p.set(&mut base, result) {
                    Ok(()) => Ok(base),
                    Err(e) => {
                        // A failed write leaves `base` as it was: the state input again.
                        let cause = self.runtime_cause(&self.frames[fid], state, &e.message);
                        self.frames[fid].input = base;
                        Err(StateError::new(
                            ErrorName::ResultPathMatchFailure,
                            Some(cause),
                        ))
                    }
                }
            }
        }
    }

    fn output_path(
        &self,
        fid: FrameId,
        state: &CState,
        io: &PathFields,
        value: Val,
        ctx: &Val,
    ) -> Result<Val, StateError> {
        match &io.output_path {
            None => Ok(value),
            Some(None) => Ok(Val::object(ObjectMap::default())),
            Some(Some(p)) => self.read_path(fid, state, p, &value, ctx),
        }
    }

    /// Evaluates an Assign template; the values are applied at exit, so every assignment of the
    /// state sees the variables from before it.
    fn eval_assign(
        &mut self,
        fid: FrameId,
        state: &CState,
        assign: Option<&Template>,
        input: &Val,
        ctx: &Val,
    ) -> Result<Option<Val>, StateError> {
        assign
            .map(|t| self.eval_template(fid, state, t, input, ctx))
            .transpose()
    }

    /// The Context object for a JSONPath state that reads it (`Null` otherwise: never built
    /// for nothing).
    pub(super) fn ctx_for(&self, fid: FrameId, state: &CState) -> Val {
        if state.uses_context {
            self.context(fid, state)
        } else {
            Val::Null
        }
    }

    /// The Context object for the frame's current state.
    pub(super) fn context(&self, fid: FrameId, state: &CState) -> Val {
        let frame = &self.frames[fid];
        let mut m = ObjectMap::with_capacity_and_hasher(5, Default::default());
        m.insert("Execution".into(), self.context_execution.clone());
        m.insert("StateMachine".into(), self.context_machine.clone());
        let mut s = ObjectMap::with_capacity_and_hasher(3, Default::default());
        s.insert(
            "EnteredTime".into(),
            Val::string(&crate::history::format_timestamp(frame.entered_at)),
        );
        s.insert("Name".into(), Val::String(state.name.clone()));
        s.insert("RetryCount".into(), Val::int(i64::from(frame.retry_count)));
        m.insert("State".into(), Val::object(s));
        if let Some(token) = &frame.token {
            let mut t = ObjectMap::default();
            t.insert("Token".into(), Val::String(token.clone()));
            m.insert("Task".into(), Val::object(t));
        }
        if let Some((index, value)) = &frame.item {
            let mut item = ObjectMap::default();
            item.insert(
                "Index".into(),
                Val::int(i64::try_from(*index).unwrap_or(i64::MAX)),
            );
            item.insert("Value".into(), value.clone());
            let mut map = ObjectMap::default();
            map.insert("Item".into(), Val::object(item));
            m.insert("Map".into(), Val::object(map));
        }
        Val::object(m)
    }

    /// The frame's variables, input and context, for reading paths.
    pub(super) fn env<'a>(&'a self, fid: FrameId, input: &'a Val, ctx: &'a Val) -> Env<'a> {
        Env {
            input,
            context: ctx,
            variables: &*self.frames[fid].vars,
        }
    }

    /// A reference path's single value; nothing there is `States.Runtime`.
    pub(super) fn read_path(
        &self,
        fid: FrameId,
        state: &CState,
        path: &Path,
        input: &Val,
        ctx: &Val,
    ) -> Result<Val, StateError> {
        self.env(fid, input, ctx)
            .resolve(path)
            .map_err(|e| self.path_error(fid, state, path, &e.message))
    }

    /// Evaluates a JSONPath payload template.
    pub(super) fn eval_template(
        &mut self,
        fid: FrameId,
        state: &CState,
        template: &Template,
        input: &Val,
        ctx: &Val,
    ) -> Result<Val, StateError> {
        let frame = &self.frames[fid];
        let env = Env {
            input,
            context: ctx,
            variables: &*frame.vars,
        };
        template
            .eval(&env, &mut self.rng)
            .map_err(|e| self.eval_error(fid, state, e, input))
    }

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
        // The Context object holds the whole execution input: build it only when asked for.
        let context = if template.needs_context() {
            self.context(fid, state)
        } else {
            Val::Null
        };
        let frame = &self.frames[fid];
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

    /// `States.QueryEvaluationError`, with its `EvaluationFailed` event.
    pub(super) fn query_error(&mut self, fid: FrameId, state: &CState, detail: &str) -> StateError {
        self.query_error_at(fid, state, detail, None)
    }

    /// `States.QueryEvaluationError`, with its `EvaluationFailed` event naming the field
    /// (`location`) where AWS names it.
    pub(super) fn query_error_at(
        &mut self,
        fid: FrameId,
        state: &CState,
        detail: &str,
        location: Option<&str>,
    ) -> StateError {
        let cause = self.runtime_cause(&self.frames[fid], state, detail);
        self.emit(
            fid,
            EventKind::EvaluationFailed {
                state: state.name.clone(),
                error: ErrorName::QueryEvaluationError.as_str().into(),
                cause: Some(Arc::from(cause.as_str())),
                location: location.map(Arc::from),
            },
        );
        StateError::new(ErrorName::QueryEvaluationError, Some(cause))
    }

    /// A number field read at run time (`TimeoutSeconds`, `MaxConcurrency`...): a literal, a
    /// `...Path` read from the state input (a whole number of zero or more, or
    /// `States.Runtime`), or a JSONata expression (a number, or `States.QueryEvaluationError`).
    pub(super) fn number(
        &mut self,
        fid: FrameId,
        state: &CState,
        field: &Dynamic<u64>,
        name: &str,
    ) -> Result<u64, StateError> {
        match field {
            Dynamic::Literal(v) => Ok(*v),
            Dynamic::Path(p) => {
                let input = self.frames[fid].input.clone();
                let v = self.read_path(fid, state, p, &input, &Val::Null)?;
                match v.as_f64() {
                    Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(f as u64),
                    Some(f) if f < 0.0 && f.fract() == 0.0 => Err(self.runtime_error(
                        fid,
                        state,
                        &format!("{name} cannot be negative."),
                    )),
                    _ => Err(self.runtime_error(
                        fid,
                        state,
                        &format!(
                            "The {name}Path field refers to value \"{}\" which is not a valid integer: {}",
                            display_plain(&v),
                            path_text(p)
                        ),
                    )),
                }
            }
            // A negative JSONata number counts as zero.
            Dynamic::Jsonata(t) => self
                .jsonata_number(fid, state, t, name)
                .map(|n| n.max(0.0) as u64),
            Dynamic::Call(t) => {
                let input = self.frames[fid].input.clone();
                let ctx = self.ctx_for(fid, state);
                let v = self.eval_template(fid, state, t, &input, &ctx)?;
                v.as_f64()
                    .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                    .map(|f| f as u64)
                    .ok_or_else(|| {
                        self.runtime_error(
                            fid,
                            state,
                            &format!("{name} must be a whole number, but was {v}"),
                        )
                    })
            }
        }
    }

    /// [`Execution::number`] of a field that may be absent.
    pub(super) fn optional_number(
        &mut self,
        fid: FrameId,
        state: &CState,
        field: Option<&Dynamic<u64>>,
        name: &str,
    ) -> Result<Option<u64>, StateError> {
        field.map(|f| self.number(fid, state, f, name)).transpose()
    }

    /// A JSONata field that must give a number.
    pub(super) fn jsonata_number(
        &mut self,
        fid: FrameId,
        state: &CState,
        t: &JTemplate,
        name: &str,
    ) -> Result<f64, StateError> {
        let v = self.jeval(fid, state, t, None, None)?;
        match v.as_f64() {
            Some(n) => Ok(n),
            None => Err(self.query_error(
                fid,
                state,
                &format!("The value of the field '{name}' must be a number, but was: {v}"),
            )),
        }
    }

    /// A text field read at run time (a Fail state's Error and Cause, a Wait's Timestamp):
    /// non-string values are written as JSON.
    pub(super) fn text(
        &mut self,
        fid: FrameId,
        state: &CState,
        field: &Dynamic<Arc<str>>,
        input: &Val,
    ) -> Result<Arc<str>, StateError> {
        let v = match field {
            Dynamic::Literal(s) => return Ok(s.clone()),
            Dynamic::Path(p) => {
                let ctx = self.ctx_for(fid, state);
                self.read_path(fid, state, p, input, &ctx)?
            }
            Dynamic::Call(t) => {
                let ctx = self.ctx_for(fid, state);
                self.eval_template(fid, state, t, input, &ctx)?
            }
            Dynamic::Jsonata(t) => self.jeval(fid, state, t, None, None)?,
        };
        Ok(match v {
            Val::String(s) => s,
            other => Arc::from(other.to_json_string()),
        })
    }
}

/// A value as AWS quotes it in messages: strings bare, the rest as JSON.
pub(super) fn display_plain(v: &Val) -> String {
    match v {
        Val::String(s) => s.to_string(),
        other => other.to_json_string(),
    }
}
