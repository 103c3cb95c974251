//! TestState, offline: one state of a definition run with a given input, variables, retry
//! count, Map item and task answer; its data path step by step, the next state and the outcome
//! (`SUCCEEDED`, `FAILED`, `RETRIABLE`, `CAUGHT_ERROR`), in the shape of AWS's TestState response.
//!
//! The state runs in the real interpreter ([`Execution::prepare_state_test`]) with inspection
//! on, and the run stops where AWS's TestState stops: after the state's `…StateExited` (the next
//! state is where it went), at a retry (the state would run again: `RETRIABLE`), or at the
//! execution's failure. A Task answers with the mock given (a result or an error), else with the
//! run's task answers; a Parallel or Map needs a mock, which stands for its whole work, as on AWS.
//!
//! ```
//! use stepcraft::run::RunSetup;
//! use stepcraft::test_state::{Request, TestStatus, test_state};
//! use stepcraft::{Document, Format};
//!
//! let text = r#"{"StartAt": "Add", "States": {"Add": {"Type": "Pass",
//!     "Parameters": {"sum.$": "States.MathAdd($.a, 1)"}, "ResultPath": "$.r", "Next": "Done"},
//!     "Done": {"Type": "Succeed"}}}"#;
//! let setup = RunSetup::new(Document::parse(text, Format::Json).expect("JSON"));
//! let request = Request::new("Add", serde_json::json!({"a": 1}).into());
//! let response = test_state(&setup, &request).expect("runs");
//! assert_eq!(response.status, TestStatus::Succeeded);
//! assert_eq!(response.next_state.as_deref(), Some("Done"));
//! assert_eq!(response.output.expect("output").to_json_string(), r#"{"a":1,"r":{"sum":2}}"#);
//! ```

use crate::history::EventKind;
use crate::interp::inspect::{Inspection, StateTest, StateTestError};
use crate::interp::{Execution, Status};
use crate::model::{ErrorName, StateType};
use crate::run::{RunSetup, SetupError};
use crate::tasks::{TableResolver, TaskOutcome};
use crate::value::{ObjectMap, Val};
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// What to test.
#[derive(Clone, Debug)]
pub struct Request {
    /// The state's name.
    pub state: String,
    /// Its input.
    pub input: Val,
    /// The variables in scope before it (an object).
    pub variables: Option<Val>,
    /// How many times its Retry rule has already retried (`$$.State.RetryCount`).
    pub retry_count: u32,
    /// `$$.Map.Item`: index and value.
    pub map_item: Option<(usize, Val)>,
    /// The answer of its task (or, for a Parallel or Map, its whole work): a result or an error.
    pub mock: Option<TaskOutcome>,
}

impl Request {
    /// A test of `state` with `input` and nothing else given.
    pub fn new(state: &str, input: Val) -> Self {
        Self {
            state: state.to_owned(),
            input,
            variables: None,
            retry_count: 0,
            map_item: None,
            mock: None,
        }
    }
}

/// How the state ended, as TestState names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TestStatus {
    /// It finished; `next_state` says where the execution would go (none at an end).
    Succeeded,
    /// It failed and nothing caught the error.
    Failed,
    /// It failed with an error a Retry rule retries: it would run again.
    Retriable,
    /// It failed and a Catch rule caught the error; `next_state` is the catcher's.
    CaughtError,
}

impl TestStatus {
    /// AWS's name: `SUCCEEDED`, `FAILED`, `RETRIABLE`, `CAUGHT_ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "SUCCEEDED",
            Self::Failed => "FAILED",
            Self::Retriable => "RETRIABLE",
            Self::CaughtError => "CAUGHT_ERROR",
        }
    }
}

/// What the state did.
#[derive(Clone, Debug)]
pub struct Response {
    /// How it ended.
    pub status: TestStatus,
    /// Its output (`SUCCEEDED`, `CAUGHT_ERROR`).
    pub output: Option<Val>,
    /// The error (`FAILED`, `RETRIABLE`, `CAUGHT_ERROR`).
    pub error: Option<Arc<str>>,
    /// The error's cause.
    pub cause: Option<Arc<str>>,
    /// Where the execution would go next.
    pub next_state: Option<Arc<str>>,
    /// Each step of its data path.
    pub inspection: Inspection,
    /// The variables after it: those given, with its assignments applied.
    pub variables: Val,
}

/// Why the test could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TestStateError {
    /// The definition cannot run.
    #[error(transparent)]
    Setup(#[from] SetupError),
    /// The state is not in the definition.
    #[error(transparent)]
    State(#[from] StateTestError),
    /// A Parallel or Map is tested only with a mock of its work.
    #[error(
        "the state '{0}' is a {1}: give its result (or an error) as a mock, as AWS's TestState asks; its branches or iterations do not run"
    )]
    NeedsMock(String, &'static str),
    /// The variables given are not an object.
    #[error("the variables must be a JSON object of names and values")]
    Variables,
}

/// Runs the test.
pub fn test_state(setup: &RunSetup, request: &Request) -> Result<Response, TestStateError> {
    let mut setup = setup.clone();
    setup.config.inspect = true;
    setup.config.record_history = false;
    let prepared = setup.prepare()?;
    let ty = prepared
        .program
        .scopes
        .iter()
        .flat_map(|s| &s.states)
        .find(|s| *s.name == *request.state)
        .map(|s| s.ty)
        .ok_or_else(|| StateTestError::NoSuchState(request.state.clone()))?;
    let kind = match ty {
        StateType::Parallel => "Parallel state",
        StateType::Map => "Map state",
        _ => "",
    };
    let whole_work = !kind.is_empty();
    if whole_work && request.mock.is_none() {
        return Err(TestStateError::NeedsMock(request.state.clone(), kind));
    }
    let given: Vec<(Arc<str>, Val)> = match &request.variables {
        None => Vec::new(),
        Some(Val::Object(o)) => o
            .map()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        Some(_) => return Err(TestStateError::Variables),
    };
    let mut execution = match (&request.mock, whole_work) {
        (Some(answer), false) => prepared.start_with(
            request.input.clone(),
            Box::new(TableResolver::new().with(&request.state, answer.clone())),
        ),
        _ => prepared.start(request.input.clone())?,
    };
    execution.prepare_state_test(StateTest {
        state: request.state.clone(),
        variables: given.clone(),
        retry_count: request.retry_count,
        map_item: request.map_item.clone(),
        mock_work: if whole_work {
            request.mock.clone()
        } else {
            None
        },
    })?;
    let outcome = drive(&mut execution, &request.state);
    let inspection = outcome
        .entered
        .and_then(|id| execution.inspection(id))
        .cloned()
        .unwrap_or_default();
    let caught = inspection
        .error
        .as_ref()
        .and_then(|e| e.catch_index)
        .is_some();
    let retried = inspection
        .error
        .as_ref()
        .and_then(|e| e.retry_index)
        .is_some();
    let (status, output, error, cause, next_state) = match outcome.end {
        End::Exited { output, next } if caught => {
            let e = inspection.error.as_ref();
            (
                TestStatus::CaughtError,
                Some(output),
                e.map(|e| e.error.clone()),
                e.and_then(|e| e.cause.clone()),
                next,
            )
        }
        End::Exited { output, next } => (TestStatus::Succeeded, Some(output), None, None, next),
        End::Retry if retried => {
            let e = inspection.error.as_ref();
            (
                TestStatus::Retriable,
                None,
                e.map(|e| e.error.clone()),
                e.and_then(|e| e.cause.clone()),
                None,
            )
        }
        End::Failed { error, cause } => (TestStatus::Failed, None, Some(error), cause, None),
        End::Retry | End::Stuck => (
            TestStatus::Failed,
            None,
            Some(Arc::from(ErrorName::Runtime.as_str())),
            Some(Arc::from(
                "The state did not finish: it waits for a callback or an answer nobody gave (give its result or error as a mock).",
            )),
            None,
        ),
    };
    let mut variables: ObjectMap = given.into_iter().collect();
    if let Some(Val::Object(assigned)) = &inspection.assigned {
        for (k, v) in assigned.map() {
            variables.insert(k.clone(), v.clone());
        }
    }
    Ok(Response {
        status,
        output,
        error,
        cause,
        next_state,
        inspection,
        variables: Val::object(variables),
    })
}

/// Where the run stopped.
enum End {
    /// The state exited with this output; the execution goes on to `next` (none: it ended).
    Exited { output: Val, next: Option<Arc<str>> },
    /// A Retry rule took the error: the state runs again.
    Retry,
    /// The execution failed.
    Failed {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// Nothing more happens (a callback nobody answers).
    Stuck,
}

struct Outcome {
    entered: Option<u64>,
    end: End,
}

/// Steps the execution until the tested state is done with.
fn drive(execution: &mut Execution, state: &str) -> Outcome {
    let mut entered = None;
    loop {
        let Some(event) = execution.step() else {
            match execution.status() {
                Status::Paused { .. } => continue,
                Status::WaitingForCallback if execution.has_timers() => {
                    execution.let_time_pass();
                    continue;
                }
                _ => {
                    return Outcome {
                        entered,
                        end: End::Stuck,
                    };
                }
            }
        };
        match event.kind {
            EventKind::StateEntered { ref name, .. } if entered.is_none() && **name == *state => {
                entered = Some(event.id);
            }
            EventKind::StateExited {
                ref name,
                ref output,
                ..
            } if **name == *state => {
                return Outcome {
                    entered,
                    end: End::Exited {
                        output: output.clone(),
                        next: execution.top_state_name().filter(|_| !execution.at_end()),
                    },
                };
            }
            EventKind::ExecutionFailed { error, cause }
            | EventKind::ExecutionTimedOut { error, cause } => {
                return Outcome {
                    entered,
                    end: End::Failed { error, cause },
                };
            }
            _ => {}
        }
        let retrying = entered
            .and_then(|id| execution.inspection(id))
            .and_then(|i| i.error.as_ref())
            .is_some_and(|e| e.retry_index.is_some());
        if retrying {
            return Outcome {
                entered,
                end: End::Retry,
            };
        }
    }
}

impl Response {
    /// AWS's TestState response: `output`, `error`, `cause`, `nextState`, `status`, and with
    /// `debug` the `inspectionData` (every value as the JSON text AWS puts there).
    /// `retryBackoffIntervalSeconds` is an integer on AWS: the delay is rounded to whole seconds.
    pub fn to_aws_json(&self, debug: bool) -> Value {
        let text = |v: &Val| Value::String(v.to_json_string());
        let mut out = Map::new();
        if let Some(o) = &self.output {
            out.insert("output".into(), text(o));
        }
        if let Some(e) = &self.error {
            out.insert("error".into(), json!(&**e));
        }
        if let Some(c) = &self.cause {
            out.insert("cause".into(), json!(&**c));
        }
        if debug {
            let i = &self.inspection;
            let mut data = Map::new();
            let steps = [
                ("input", &i.input),
                ("afterInputPath", &i.after_input_path),
                ("afterParameters", &i.after_parameters),
                ("afterArguments", &i.after_arguments),
                ("result", &i.result),
                ("afterResultSelector", &i.after_result_selector),
                ("afterResultPath", &i.after_result_path),
            ];
            for (key, value) in steps {
                if let Some(v) = value {
                    data.insert(key.into(), text(v));
                }
            }
            data.insert("variables".into(), text(&self.variables));
            if let Some(e) = &i.error {
                let mut details = Map::new();
                if let Some(r) = e.retry_index {
                    details.insert("retryIndex".into(), json!(r));
                }
                if let Some(s) = e.retry_backoff_seconds {
                    details.insert(
                        "retryBackoffIntervalSeconds".into(),
                        json!(s.round() as u64),
                    );
                }
                if let Some(c) = e.catch_index {
                    details.insert("catchIndex".into(), json!(c));
                }
                if !details.is_empty() {
                    data.insert("errorDetails".into(), Value::Object(details));
                }
            }
            out.insert("inspectionData".into(), Value::Object(data));
        }
        if let Some(n) = &self.next_state {
            out.insert("nextState".into(), json!(&**n));
        }
        out.insert("status".into(), json!(self.status.as_str()));
        Value::Object(out)
    }
}
