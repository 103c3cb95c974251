//! Task backends: what answers a Task state. The interpreter asks a [`TaskResolver`]; which one
//! is chosen per run (mocked responses, local handlers, HTTP, callbacks). A Map's ItemReader and
//! ResultWriter use an [`objects::ObjectStore`] in place of Amazon S3.

pub mod backends;
pub mod command;
pub mod http;
pub mod lambda;
pub mod mock;
pub mod nested;
pub mod objects;
pub mod process;
pub mod service;

use crate::model::ErrorName;
use crate::value::Val;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;

/// What the interpreter asks a backend to do.
#[derive(Debug, Clone)]
pub struct TaskRequest<'a> {
    /// The Task state's name.
    pub state_name: &'a str,
    /// Its resource ARN.
    pub resource: &'a str,
    /// The effective parameters (after InputPath and Parameters/Arguments).
    pub input: &'a Val,
    /// The task token, for `.waitForTaskToken` resources.
    pub task_token: Option<&'a str>,
    /// 0 for the first attempt, then 1, 2... for retries.
    pub attempt: u32,
    /// The execution's virtual clock when the task starts.
    pub clock: crate::history::Millis,
    /// How long the task may take (its `TimeoutSeconds`), in milliseconds; `None`: no limit.
    pub timeout: Option<crate::history::Millis>,
    /// Its `HeartbeatSeconds`, if it has one.
    pub heartbeat: Option<u64>,
}

/// What a backend answers.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskOutcome {
    /// The service's result.
    Success(Val),
    /// The task failed with an error name and cause.
    Failure {
        /// The error name, such as `Lambda.ServiceException` or `States.Timeout`.
        error: String,
        /// A description.
        cause: String,
    },
    /// The task was handed over and waits for a callback with its token (or for its timeout).
    Pending,
}

/// Answers Task states.
pub trait TaskResolver {
    /// Runs (or looks up) the task.
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome;

    /// Starts the task in the background when this resolver can (a backend that runs
    /// something: a local function, a command, a request), so that the execution can go on
    /// meanwhile: a ticket its outcome comes back with from [`TaskResolver::wait`] or
    /// [`TaskResolver::try_wait`]. `None`: the task is run with [`TaskResolver::invoke`].
    fn start(&mut self, request: &TaskRequest<'_>) -> Option<u64> {
        let _ = request;
        None
    }

    /// Waits for one of the tasks started with [`TaskResolver::start`] to end (`None` when
    /// none is running).
    fn wait(&mut self) -> Option<Finished> {
        None
    }

    /// A task started with [`TaskResolver::start`] that already ended, without waiting:
    /// `Ready(None)` when none is running, `Pending` while they all still run.
    fn try_wait(&mut self) -> Poll<Option<Finished>> {
        Poll::Ready(None)
    }

    /// The execution no longer wants the outcome of the task started with `ticket` (its
    /// branch was cancelled, or the execution ended): a call that has not begun is skipped, a
    /// running program or local function is stopped. Its [`Finished`] may still arrive.
    fn abandon(&mut self, ticket: u64) {
        let _ = ticket;
    }
}

/// Tells a call running on another thread that its outcome is no longer wanted.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag not yet raised.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises it.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether it was raised.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// The outcome a call that was abandoned ends with (nobody reads it).
pub fn cancelled() -> TaskOutcome {
    TaskOutcome::Failure {
        error: ErrorName::TaskFailed.as_str().to_owned(),
        cause: "The call was abandoned: the execution no longer waited for its outcome.".to_owned(),
    }
}

/// A task started in the background that ended.
#[derive(Debug)]
pub struct Finished {
    /// The ticket [`TaskResolver::start`] gave it.
    pub ticket: u64,
    /// Its outcome.
    pub outcome: TaskOutcome,
    /// What the call printed (a local function's or a command's output and errors), empty
    /// when it printed nothing.
    pub printed: String,
}

/// A [`TaskRequest`] that owns its parts: a task handed to another thread.
#[derive(Debug, Clone)]
pub struct OwnedRequest {
    state_name: String,
    resource: String,
    input: Val,
    task_token: Option<String>,
    attempt: u32,
    clock: crate::history::Millis,
    timeout: Option<crate::history::Millis>,
    heartbeat: Option<u64>,
}

impl OwnedRequest {
    /// A copy of `request` (its input is shared, not copied).
    pub fn of(request: &TaskRequest<'_>) -> Self {
        Self {
            state_name: request.state_name.to_owned(),
            resource: request.resource.to_owned(),
            input: request.input.clone(),
            task_token: request.task_token.map(str::to_owned),
            attempt: request.attempt,
            clock: request.clock,
            timeout: request.timeout,
            heartbeat: request.heartbeat,
        }
    }

    /// The request it holds.
    pub fn request(&self) -> TaskRequest<'_> {
        TaskRequest {
            state_name: &self.state_name,
            resource: &self.resource,
            input: &self.input,
            task_token: self.task_token.as_deref(),
            attempt: self.attempt,
            clock: self.clock,
            timeout: self.timeout,
            heartbeat: self.heartbeat,
        }
    }
}

/// The cause of a Task state that nothing answers: "No result was given for the Task state 'X'."
pub fn no_result_cause(state: &str) -> String {
    format!("No result was given for the Task state '{state}'.")
}

/// Whether `cause` says nothing answered the task: [`no_result_cause`]'s (a hint may follow it)
/// (or a mock configuration's "has no mocked response").
pub fn is_no_result_cause(cause: &str) -> bool {
    cause.starts_with("No result was given for the Task state '")
        || cause.contains("' has no mocked response in test case '")
}

/// Results from an in-memory table keyed by state name: each state's list of outcomes is used in
/// order, the last one repeating. A state with no entry fails with `States.TaskFailed` naming it.
#[derive(Debug, Default, Clone)]
pub struct TableResolver {
    results: HashMap<String, Vec<TaskOutcome>>,
    calls: HashMap<String, usize>,
}

impl TableResolver {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next outcome for a state.
    #[must_use]
    pub fn with(mut self, state: &str, outcome: TaskOutcome) -> Self {
        self.results
            .entry(state.to_owned())
            .or_default()
            .push(outcome);
        self
    }

    /// Reads `{"State": result, ...}` (each state always returns its result).
    pub fn from_json(value: &serde_json::Value) -> Option<Self> {
        let map = value.as_object()?;
        let mut table = Self::new();
        for (state, result) in map {
            table = table.with(state, TaskOutcome::Success(Val::from(result)));
        }
        Some(table)
    }
}

impl TaskResolver for TableResolver {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        let Some(outcomes) = self.results.get(request.state_name) else {
            return TaskOutcome::Failure {
                error: ErrorName::TaskFailed.as_str().into(),
                cause: no_result_cause(request.state_name),
            };
        };
        let n = self.calls.entry(request.state_name.to_owned()).or_insert(0);
        let outcome = outcomes.get(*n).or_else(|| outcomes.last()).cloned();
        *n += 1;
        outcome.unwrap_or(TaskOutcome::Pending)
    }
}
