//! Errors raised while a state runs, and what Retry and Catch decide about them.

use super::compile::{CState, Retrier};
use super::frame::Frame;
use super::template::{EvalError, path_text};
use super::{Execution, FrameId};
use crate::expr::path::Path;
use crate::history::Millis;
use crate::model::{AnyErrorName, ErrorName};
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

/// An error raised while running a state.
#[derive(Debug, Clone, PartialEq)]
pub struct StateError {
    /// The error name.
    pub error: AnyErrorName,
    /// The cause, if any.
    pub cause: Option<Arc<str>>,
    /// Whether Retry and Catch may handle it (interpreter errors such as `States.Runtime` end the
    /// execution, as on AWS).
    pub catchable: bool,
    /// Whether a Task raised it (for `States.TaskFailed`).
    pub from_task: bool,
}

impl StateError {
    /// A catchable error.
    pub fn new(error: impl Into<AnyErrorName>, cause: Option<String>) -> Self {
        Self {
            error: error.into(),
            cause: cause.map(Arc::from),
            catchable: true,
            from_task: false,
        }
    }

    /// An error Retry and Catch do not handle: it ends the execution.
    pub fn terminal(error: ErrorName, cause: String) -> Self {
        Self {
            catchable: false,
            ..Self::new(error, Some(cause))
        }
    }

    /// An error a Task raised (its resolver's failure, its timeouts).
    pub fn from_task(error: AnyErrorName, cause: Option<String>) -> Self {
        Self {
            from_task: true,
            ..Self::new(error, cause)
        }
    }

    /// The error a Fail state raises (a Fail without Error has an empty error name).
    pub fn fail_state(error: Option<Arc<str>>, cause: Option<Arc<str>>) -> Self {
        Self {
            error: error.map_or_else(
                || AnyErrorName::Custom(Arc::from("")),
                |e| AnyErrorName::parse(&e),
            ),
            cause,
            catchable: true,
            from_task: false,
        }
    }

    /// The error name as events and statuses carry it.
    pub fn name(&self) -> Arc<str> {
        match &self.error {
            AnyErrorName::Custom(s) => s.clone(),
            AnyErrorName::States(n) => Arc::from(n.as_str()),
        }
    }

    /// The error output: `{"Error": ..., "Cause": ...}`.
    pub fn output(&self) -> Val {
        let mut m = ObjectMap::default();
        m.insert("Error".into(), Val::String(self.name()));
        if let Some(c) = &self.cause {
            m.insert("Cause".into(), Val::String(c.clone()));
        }
        Val::object(m)
    }

    /// Whether a Retry or Catch rule's `ErrorEquals` covers it. `States.ALL` covers every
    /// catchable error; `States.TaskFailed` covers what a Task raised, timeouts excepted.
    pub fn matches(&self, names: &[AnyErrorName]) -> bool {
        names.iter().any(|n| {
            *n == self.error
                || n.is(ErrorName::All)
                || (n.is(ErrorName::TaskFailed)
                    && self.from_task
                    && !self.error.is(ErrorName::Timeout)
                    && !self.error.is(ErrorName::HeartbeatTimeout))
        })
    }
}

/// What Retry and Catch decide about an error, once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Recovery {
    /// Run the state's work again at `at`, counting an attempt of Retry rule `rule`.
    Retry { rule: usize, at: Millis },
    /// Go on through Catch rule `index`.
    Catch(usize),
    /// The error ends the frame (and reaches its parent, or ends the execution).
    Fail,
}

impl Execution {
    /// Decides what an error of the frame's state leads to: the first Retry rule that matches
    /// retries while it has attempts left (a matching rule out of attempts stops the search),
    /// else the first matching Catch rule, else failure. Terminal errors are neither retried
    /// nor caught.
    pub(super) fn recovery(
        &mut self,
        fid: FrameId,
        state: &CState,
        error: &StateError,
    ) -> Recovery {
        if !error.catchable {
            return Recovery::Fail;
        }
        if let Some((rule, retrier)) = state
            .retry
            .iter()
            .enumerate()
            .find(|(_, r)| error.matches(&r.errors))
        {
            let attempts = self.frames[fid]
                .retry_attempts
                .get(rule)
                .copied()
                .unwrap_or(0);
            if attempts < retrier.max_attempts {
                let delay = self.retry_delay(retrier, attempts);
                let at = self.clock + (delay * 1000.0).round() as Millis;
                return Recovery::Retry { rule, at };
            }
        }
        match state.catch.iter().position(|c| error.matches(&c.errors)) {
            Some(index) => Recovery::Catch(index),
            None => Recovery::Fail,
        }
    }

    /// The wait before a retry, in seconds: interval × rate^attempts, capped, with full jitter
    /// drawn from the execution's seeded random source.
    fn retry_delay(&mut self, retrier: &Retrier, attempts: u32) -> f64 {
        let mut delay = retrier.interval_seconds
            * retrier
                .backoff_rate
                .powi(i32::try_from(attempts).unwrap_or(i32::MAX));
        if let Some(max) = retrier.max_delay_seconds {
            delay = delay.min(max);
        }
        if retrier.jitter_full {
            use crate::expr::functions::Random;
            let unit = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            delay *= unit;
        }
        delay
    }

    /// AWS's cause prefix for errors raised while a state runs.
    pub(super) fn runtime_cause(&self, frame: &Frame, state: &CState, detail: &str) -> String {
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). {detail}",
            state.name, frame.entered_event
        )
    }

    /// `States.Runtime` for the frame's state, with AWS's cause prefix.
    pub(super) fn runtime_error(&self, fid: FrameId, state: &CState, detail: &str) -> StateError {
        StateError::terminal(
            ErrorName::Runtime,
            self.runtime_cause(&self.frames[fid], state, detail),
        )
    }

    /// A payload template's failure: a path that found nothing (`States.Runtime`) or an
    /// intrinsic function's (`States.IntrinsicFailure`, catchable).
    pub(super) fn eval_error(
        &self,
        fid: FrameId,
        state: &CState,
        e: EvalError,
        input: &Val,
    ) -> StateError {
        match e {
            EvalError::Path { field, path, .. } if !path.is_empty() => self.runtime_error(
                fid,
                state,
                &format!(
                    "The JSONPath '{path}' specified for the field '{field}.$' could not be found in the input '{}'",
                    input.to_json_string()
                ),
            ),
            EvalError::Path { message, .. } => self.runtime_error(fid, state, &message),
            EvalError::Intrinsic(m) => StateError::new(
                ErrorName::IntrinsicFailure,
                Some(self.runtime_cause(&self.frames[fid], state, &m)),
            ),
        }
    }

    /// A reference path that found nothing (`States.Runtime`).
    pub(super) fn path_error(
        &self,
        fid: FrameId,
        state: &CState,
        path: &Path,
        message: &str,
    ) -> StateError {
        self.runtime_error(
            fid,
            state,
            &format!("Invalid path '{}' : {message}", path_text(path)),
        )
    }
}
