//! Nested executions: `arn:aws:states:::states:startExecution` (request-response, `.sync`,
//! `.sync:2`, `.waitForTaskToken`) runs the local definition that the configuration's
//! `stateMachines` binds to the state machine named (by ARN, or by its name) as a child
//! execution, to its end, on its own virtual clock started at the parent's time. The child's
//! Task states are answered by the same backends (nothing else: no mocks), and its history is
//! kept ([`Child`]) so the studio can open it from the parent's step.
//!
//! What the task returns, as Step Functions' optimized integration does:
//! - request-response: StartExecution's response, `{"ExecutionArn", "StartDate"}`;
//! - `.sync`: DescribeExecution's response once the child ended (`ExecutionArn`, `Input`,
//!   `InputDetails`, `Name`, `Output`, `OutputDetails`, `StartDate`, `StateMachineArn`,
//!   `Status`, `StopDate`), `Input` and `Output` as JSON text;
//! - `.sync:2`: the same with `Input` and `Output` as JSON;
//! - a child that did not succeed fails the task with `States.TaskFailed`, its cause that
//!   DescribeExecution response as JSON text (with the child's `Error` and `Cause`, `Status`
//!   `FAILED`, `TIMED_OUT` or `ABORTED`);
//! - `.waitForTaskToken`: the child runs, and the task waits for its token like any callback
//!   (the token goes to the child in its input, as the definition passes it).
//!
//! Choices where AWS leaves it to the service: dates are epoch milliseconds (as the service's
//! JSON carries them); an execution with no `Name` is named with a UUID-shaped counter; a child
//! that ends waiting for a callback nothing local can send fails a `.sync` task with
//! `States.TaskFailed` saying so; nesting deeper than [`MAX_NESTING`] (a definition starting
//! itself) fails with `States.TaskFailed`, a local guard rather than an AWS limit.
//!
//! `AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID` is an ordinary field of the input the
//! definition writes (`"AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"`): it
//! reaches the child's input as written.

use super::backends::{BackendResolver, Backends};
use super::{TableResolver, TaskOutcome, TaskRequest};
use crate::history::{HistoryEvent, Millis};
use crate::interp::Status;
use crate::run::{Prepared, RunSetup, run_to_end};
use crate::value::Val;
use crate::{Document, Format};
use serde_json::{Map, Value, json};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How deep child executions may nest locally.
pub const MAX_NESTING: u32 = 16;

const START_EXECUTION: &str = "arn:aws:states:::states:startExecution";

/// How a `startExecution` task waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Request-response: started, not waited for.
    Start,
    /// `.sync`: waited for, `Output` as JSON text.
    Sync,
    /// `.sync:2`: waited for, `Output` as JSON.
    Sync2,
    /// `.waitForTaskToken`.
    Token,
}

/// The pattern of a `startExecution` resource, if it is one.
pub fn pattern(resource: &str) -> Option<Pattern> {
    match resource.strip_prefix(START_EXECUTION)? {
        "" => Some(Pattern::Start),
        ".sync" => Some(Pattern::Sync),
        ".sync:2" => Some(Pattern::Sync2),
        ".waitForTaskToken" => Some(Pattern::Token),
        _ => None,
    }
}

/// A state machine bound to a local definition, compiled once.
#[derive(Debug)]
pub struct Machine {
    /// The name or ARN it is bound by.
    pub key: String,
    /// Its name (the key's last `stateMachine:` part, or the key itself).
    pub name: String,
    /// The definition file.
    pub path: PathBuf,
    prepared: Prepared,
}

/// The name of a state machine in its ARN (`...:stateMachine:NAME`, a version or alias after
/// it dropped), or `key` itself.
fn machine_name(key: &str) -> &str {
    match key.split_once(":stateMachine:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => key,
    }
}

impl Machine {
    /// Reads and compiles the definition `path` bound by `key`; the error says what is wrong.
    pub fn load(key: &str, path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
        let doc = Document::parse(&text, format).map_err(|d| {
            let at = d.location.map(|l| format!(":{l}")).unwrap_or_default();
            format!("{}{at}: {}", path.display(), d.message)
        })?;
        let mut setup = RunSetup::new(doc);
        setup.config.state_machine_name = machine_name(key).to_owned();
        let prepared = setup.prepare().map_err(|e| match e.pointer() {
            Some(p) => format!("{}: {e} (at {p})", path.display()),
            None => format!("{}: {e}", path.display()),
        })?;
        Ok(Self {
            key: key.to_owned(),
            name: machine_name(key).to_owned(),
            path: path.to_path_buf(),
            prepared,
        })
    }

    /// Whether `arn` (a StateMachineArn, maybe with a version or alias) names this machine.
    pub fn is_named_by(&self, arn: &str) -> bool {
        arn == self.key || machine_name(arn) == self.key || machine_name(arn) == self.name
    }
}

/// A child execution that ran, kept for the studio and the run log.
#[derive(Debug, Clone)]
pub struct Child {
    /// The parent's Task state.
    pub state: String,
    /// Its attempt.
    pub attempt: u32,
    /// The child's execution ARN.
    pub execution_arn: String,
    /// The definition it ran.
    pub definition: PathBuf,
    /// How it ended.
    pub status: Status,
    /// Its history.
    pub history: Vec<HistoryEvent>,
}

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

static NAMES: AtomicU64 = AtomicU64::new(1);

fn failure(cause: String) -> TaskOutcome {
    TaskOutcome::Failure {
        error: crate::model::ErrorName::TaskFailed.as_str().to_owned(),
        cause,
    }
}

/// Runs `machine` as a child of the task `request`, with `backends` answering its tasks.
pub(super) fn run(
    backends: &Arc<Backends>,
    machine: &Machine,
    pattern: Pattern,
    request: &TaskRequest<'_>,
) -> (TaskOutcome, Option<Child>) {
    let params = request.input.to_value();
    let input = match params.get("Input") {
        None | Some(Value::Null) => json!({}),
        Some(Value::String(text)) => match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return (
                    failure(format!(
                        "The execution input of '{}' is not JSON: {e}",
                        request.state_name
                    )),
                    None,
                );
            }
        },
        Some(other) => other.clone(),
    };
    let name = match params.get("Name").and_then(Value::as_str) {
        Some(n) => n.to_owned(),
        None => format!(
            "00000000-0000-4000-8000-{:012}",
            NAMES.fetch_add(1, Ordering::Relaxed)
        ),
    };
    if DEPTH.get() >= MAX_NESTING {
        return (
            failure(format!(
                "Child executions nest deeper than {MAX_NESTING} here (does '{}' start itself?).",
                machine.name
            )),
            None,
        );
    }
    let mut prepared = machine.prepared.clone();
    prepared.config.execution_name.clone_from(&name);
    prepared.config.start_time = request.clock;
    prepared.config.record_history = true;
    let resolver = BackendResolver::new(Arc::clone(backends), Box::new(TableResolver::new()));
    let mut exec = prepared.start_with(Val::from(input.clone()), Box::new(resolver));
    DEPTH.set(DEPTH.get() + 1);
    let status = run_to_end(&mut exec).clone();
    DEPTH.set(DEPTH.get() - 1);
    let stop = exec.clock();
    // `$$.Execution.Id` of the child, as the interpreter makes it.
    let execution_arn = format!(
        "arn:aws:states:us-east-1:123456789012:execution:{}:{name}",
        machine.name
    );
    let machine_arn = format!(
        "arn:aws:states:us-east-1:123456789012:stateMachine:{}",
        machine.name
    );
    let child = Child {
        state: request.state_name.to_owned(),
        attempt: request.attempt,
        execution_arn: execution_arn.clone(),
        definition: machine.path.clone(),
        status: status.clone(),
        history: exec.history().to_vec(),
    };
    let outcome = match pattern {
        Pattern::Start => TaskOutcome::Success(Val::from(json!({
            "ExecutionArn": execution_arn,
            "StartDate": request.clock,
        }))),
        Pattern::Token => TaskOutcome::Pending,
        Pattern::Sync | Pattern::Sync2 => {
            let described = Described {
                execution_arn: &execution_arn,
                machine_arn: &machine_arn,
                name: &name,
                input: &input,
                start: request.clock,
                stop,
                as_json: pattern == Pattern::Sync2,
            };
            match &status {
                Status::Succeeded(out) => {
                    TaskOutcome::Success(Val::from(described.shape("SUCCEEDED", Some(out), None)))
                }
                Status::Failed { error, cause } => {
                    let d = described.shape("FAILED", None, Some((error, cause.as_deref())));
                    failure(d.to_string())
                }
                Status::TimedOut { error, cause } => {
                    let d = described.shape("TIMED_OUT", None, Some((error, cause.as_deref())));
                    failure(d.to_string())
                }
                Status::Aborted => failure(described.shape("ABORTED", None, None).to_string()),
                Status::WaitingForCallback | Status::Running | Status::Paused { .. } => {
                    let waiting: Vec<String> = exec
                        .pending_callbacks()
                        .iter()
                        .map(|p| p.state.to_string())
                        .collect();
                    failure(format!(
                        "The child execution {execution_arn} waits for a callback that nothing local can send (state {}): bind those tasks in \"backends\" to let it end.",
                        waiting.join(", ")
                    ))
                }
            }
        }
    };
    (outcome, Some(child))
}

/// DescribeExecution's response for a child that ended.
struct Described<'a> {
    execution_arn: &'a str,
    machine_arn: &'a str,
    name: &'a str,
    input: &'a Value,
    start: Millis,
    stop: Millis,
    /// `.sync:2`: `Input` and `Output` as JSON rather than JSON text.
    as_json: bool,
}

impl Described<'_> {
    fn shape(
        &self,
        status: &str,
        output: Option<&Val>,
        error: Option<(&Arc<str>, Option<&str>)>,
    ) -> Value {
        let data = |v: Value| {
            if self.as_json {
                v
            } else {
                Value::String(v.to_string())
            }
        };
        let mut m = Map::new();
        if let Some((error, cause)) = error {
            m.insert("Cause".into(), json!(cause.unwrap_or_default()));
            m.insert("Error".into(), json!(&**error));
        }
        m.insert("ExecutionArn".into(), json!(self.execution_arn));
        m.insert("Input".into(), data(self.input.clone()));
        m.insert("InputDetails".into(), json!({"Included": true}));
        m.insert("Name".into(), json!(self.name));
        if let Some(out) = output {
            m.insert("Output".into(), data(out.to_value()));
            m.insert("OutputDetails".into(), json!({"Included": true}));
        }
        m.insert("StartDate".into(), json!(self.start));
        m.insert("StateMachineArn".into(), json!(self.machine_arn));
        m.insert("Status".into(), json!(status));
        m.insert("StopDate".into(), json!(self.stop));
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::{Pattern, machine_name, pattern};

    #[test]
    fn patterns_and_names() {
        assert_eq!(
            pattern("arn:aws:states:::states:startExecution"),
            Some(Pattern::Start)
        );
        assert_eq!(
            pattern("arn:aws:states:::states:startExecution.sync:2"),
            Some(Pattern::Sync2)
        );
        assert_eq!(
            pattern("arn:aws:states:::states:startExecution.sync:3"),
            None
        );
        assert_eq!(
            machine_name("arn:aws:states:us-east-1:1:stateMachine:child:prod"),
            "child"
        );
        assert_eq!(machine_name("child"), "child");
    }
}
