//! The data path of a state run, step by step: what input processing, the state's work and
//! output processing made of the data (AWS's TestState `inspectionData`, and the studio's
//! "advanced" view of a step). Recorded only when [`Config::inspect`](super::Config) is on, one
//! [`Inspection`] per state run, keyed by the id of its `…StateEntered` event.

use super::Execution;
use super::frame::FrameId;
use super::vars::Vars;
use crate::tasks::TaskOutcome;
use crate::value::Val;
use std::sync::Arc;

/// What one state run did to its data. A step the state does not have (no Parameters, a state
/// with no result) is `None`; with JSONPath, InputPath and Parameters are recorded even when
/// absent (their value is then the input), as TestState shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inspection {
    /// The raw state input.
    pub input: Option<Val>,
    /// JSONPath: after InputPath.
    pub after_input_path: Option<Val>,
    /// JSONPath: after Parameters (the effective input).
    pub after_parameters: Option<Val>,
    /// JSONata: after Arguments.
    pub after_arguments: Option<Val>,
    /// The state's raw result (a task's answer, a Pass state's Result, a Parallel's or Map's
    /// array).
    pub result: Option<Val>,
    /// JSONPath: after ResultSelector.
    pub after_result_selector: Option<Val>,
    /// JSONPath: the result placed into the input by ResultPath.
    pub after_result_path: Option<Val>,
    /// The state output (after OutputPath, or JSONata's Output).
    pub output: Option<Val>,
    /// The variables the state assigned (an object), applied as it exits.
    pub assigned: Option<Val>,
    /// The last error of the run (before Retry or Catch decided), and what was decided.
    pub error: Option<InspectedError>,
}

/// An error a state run met and what its Retry and Catch rules made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct InspectedError {
    /// The error name.
    pub error: Arc<str>,
    /// Its cause.
    pub cause: Option<Arc<str>>,
    /// The Retry rule (index) that retries it.
    pub retry_index: Option<usize>,
    /// How long that retry waits, in seconds (jitter included).
    pub retry_backoff_seconds: Option<f64>,
    /// The Catch rule (index) that catches it.
    pub catch_index: Option<usize>,
}

/// How TestState starts an execution: at one state, with variables, a retry count and a Map
/// item as its Context object would have them, and (for a Parallel or Map) a mock standing for
/// its whole work.
#[derive(Clone, Debug, Default)]
pub struct StateTest {
    /// The state to run (a state anywhere in the definition: its scope is found by name).
    pub state: String,
    /// The variables in scope before the state (an object's members).
    pub variables: Vec<(Arc<str>, Val)>,
    /// `$$.State.RetryCount`, and how many times each Retry rule has already retried.
    pub retry_count: u32,
    /// `$$.Map.Item`: its index and value.
    pub map_item: Option<(usize, Val)>,
    /// A Parallel's or Map's result or error, in place of running its branches or iterations.
    pub mock_work: Option<TaskOutcome>,
}

/// Why a state test cannot start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StateTestError {
    /// No state has that name.
    #[error("the definition has no state named '{0}'")]
    NoSuchState(String),
    /// The execution already ran.
    #[error("the execution has already started")]
    Started,
}

impl Execution {
    /// Sets the execution up to run one state, as TestState does: call before the first step.
    /// The run then goes on from that state as a whole execution would; the caller decides
    /// where to stop (after the state's `…StateExited`, a retry or the end).
    pub fn prepare_state_test(&mut self, test: StateTest) -> Result<(), StateTestError> {
        if self.started {
            return Err(StateTestError::Started);
        }
        let (scope, state) = self
            .program
            .scopes
            .iter()
            .enumerate()
            .find_map(|(si, s)| {
                s.states
                    .iter()
                    .position(|st| *st.name == *test.state)
                    .map(|i| (si, i))
            })
            .ok_or_else(|| StateTestError::NoSuchState(test.state.clone()))?;
        let mut vars = Vars::default();
        for (name, value) in test.variables {
            vars.set(name, value);
        }
        let top = &mut self.frames[0];
        top.scope = scope;
        top.state = state;
        top.vars = Arc::new(vars);
        top.item = test.map_item;
        self.retry_preset = Some(test.retry_count);
        self.first_state_mock = test.mock_work;
        Ok(())
    }

    /// The state the top frame is at (after a state exits: the one it went to).
    pub fn top_state_name(&self) -> Option<Arc<str>> {
        let top = self.frames.first()?;
        Some(self.state_of(top).name.clone())
    }

    /// Whether the execution has reached its end (or its top scope's end).
    pub fn at_end(&self) -> bool {
        self.ended || self.frames.first().is_none_or(|f| !f.alive)
    }

    /// The data path of the state run whose entered event has this id.
    pub fn inspection(&self, entered_event: u64) -> Option<&Inspection> {
        self.inspections.get(&entered_event)
    }

    /// Records part of the current state run's data path (with `Config::inspect` on).
    pub(super) fn inspect(&mut self, fid: FrameId, record: impl FnOnce(&mut Inspection)) {
        if self.config.inspect {
            let id = self.frames[fid].entered_event;
            record(self.inspections.entry(id).or_default());
        }
    }
}
