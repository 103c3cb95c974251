//! One set-up for running a definition, shared by `stepcraft run`, `stepcraft test`,
//! `stepcraft bench` and the studio's Run mode: the definition (with its placeholder values),
//! what answers its Task states, the object store, the workflow type and the clock, turned into
//! an [`Execution`]; and [`run_to_end`], the one loop that runs an execution as far as it can go
//! with nobody to answer a callback.
//!
//! Starting goes document → placeholders filled in → (optionally) validation → model →
//! [`Program::compile`] → task resolver → [`Execution::new`]. Every way it can fail is a
//! [`SetupError`] value carrying its pointer; nothing here prints or formats for a reader.
//!
//! [`beside`] is the one rule for the files that sit beside a definition: its test files and its
//! placeholder sidecar.
//!
//! ```
//! use stepcraft::run::{RunSetup, run_to_end};
//! use stepcraft::interp::Status;
//! use stepcraft::{Document, Format};
//!
//! let text = r#"{"StartAt": "Hi", "States": {"Hi": {"Type": "Pass", "Result": "${Who}", "End": true}}}"#;
//! let mut setup = RunSetup::new(Document::parse(text, Format::Json).expect("JSON"));
//! setup.substitutions.set("Who", "world".into(), stepcraft::subst::Origin::Flag);
//! let mut exec = setup.start(serde_json::json!({}).into()).expect("starts");
//! match run_to_end(&mut exec) {
//!     Status::Succeeded(out) => assert_eq!(out.to_json_string(), r#""world""#),
//!     other => panic!("{other:?}"),
//! }
//! ```

use crate::diag::Diagnostics;
use crate::history::HistoryEvent;
use crate::interp::compile::{CompileError, Program};
use crate::interp::{Config, Execution, Status};
use crate::model::{ErrorName, StateMachine};
use crate::subst::Substitutions;
use crate::tasks::backends::{BackendResolver, Backends};
use crate::tasks::mock::{MockError, MockResolver};
use crate::tasks::{TableResolver, TaskOutcome, TaskRequest, TaskResolver};
use crate::validate::{Options, validate};
use crate::value::Val;
use crate::{Code, Diagnostic, Document, Pointer};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What answers a run's Task states.
#[derive(Debug, Clone, Default)]
pub enum Tasks {
    /// Nothing: every Task state fails with `States.TaskFailed` naming it.
    #[default]
    None,
    /// Results by state name.
    Table(TableResolver),
    /// A test case of a mock configuration in AWS Step Functions Local's format.
    Mocks {
        /// The mock configuration.
        config: Arc<Value>,
        /// Its state machine (optional when it has only one).
        state_machine: Option<String>,
        /// The test case.
        test_case: String,
    },
    /// A task that waits for a callback (a task token) or an activity worker waits for the
    /// answer sent to the execution ([`Execution::send_task_success`]); any other Task state
    /// fails with `States.TaskFailed`, its cause naming the state and ending with `hint`.
    Callbacks {
        /// What the cause adds: how to give the task a result.
        hint: String,
    },
    /// Every Task state waits for its answer from whoever drives the execution
    /// ([`Execution::send_task_success`] or [`Execution::send_task_failure`]), as a callback
    /// does: the studio's runs with no test case, where the user types each task's result.
    ByHand,
    /// `first` answers; a Task state it gives no result for (a test case that mocks some
    /// states only) waits for its answer as with [`Tasks::ByHand`], instead of failing: the
    /// studio's runs of a test case, where the user types what the mocks do not say.
    OrByHand(Box<Tasks>),
    /// Local backends ([`crate::tasks::backends`]) answer the Task states bound to them; the
    /// others go to `fallback`. The backends are shared by every execution started from this
    /// (local functions stay warm), and their processes end when the last copy is dropped.
    Backends {
        /// The backends, checked against the caller's consent.
        backends: Arc<Backends>,
        /// What answers the Task states no backend takes.
        fallback: Box<Tasks>,
    },
}

impl Tasks {
    /// A fresh resolver for one execution.
    pub fn resolver(&self) -> Result<Box<dyn TaskResolver>, MockError> {
        Ok(match self {
            Self::None => Box::new(TableResolver::new()),
            Self::Table(table) => Box::new(table.clone()),
            Self::Mocks {
                config,
                state_machine,
                test_case,
            } => Box::new(MockResolver::new(
                config,
                state_machine.as_deref(),
                test_case,
            )?),
            Self::Callbacks { hint } => Box::new(Callbacks { hint: hint.clone() }),
            Self::ByHand => Box::new(ByHand),
            Self::OrByHand(first) => Box::new(OrByHand(first.resolver()?)),
            Self::Backends { backends, fallback } => Box::new(BackendResolver::new(
                Arc::clone(backends),
                fallback.resolver()?,
            )),
        })
    }
}

/// [`Tasks::ByHand`].
#[derive(Debug)]
struct ByHand;

impl TaskResolver for ByHand {
    fn invoke(&mut self, _request: &TaskRequest<'_>) -> TaskOutcome {
        TaskOutcome::Pending
    }
}

/// [`Tasks::OrByHand`].
struct OrByHand(Box<dyn TaskResolver>);

impl TaskResolver for OrByHand {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        match self.0.invoke(request) {
            TaskOutcome::Failure { error, cause }
                if error == ErrorName::TaskFailed.as_str()
                    && crate::tasks::is_no_result_cause(&cause) =>
            {
                TaskOutcome::Pending
            }
            other => other,
        }
    }

    fn start(&mut self, request: &TaskRequest<'_>) -> Option<u64> {
        self.0.start(request)
    }

    fn wait(&mut self) -> Option<crate::tasks::Finished> {
        self.0.wait()
    }

    fn try_wait(&mut self) -> std::task::Poll<Option<crate::tasks::Finished>> {
        self.0.try_wait()
    }

    fn abandon(&mut self, ticket: u64) {
        self.0.abandon(ticket);
    }
}

/// [`Tasks::Callbacks`].
#[derive(Debug)]
struct Callbacks {
    hint: String,
}

impl TaskResolver for Callbacks {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        if request.task_token.is_some() || request.resource.contains(":activity:") {
            return TaskOutcome::Pending;
        }
        let mut cause = crate::tasks::no_result_cause(request.state_name);
        if !self.hint.is_empty() {
            cause.push(' ');
            cause.push_str(&self.hint);
        }
        TaskOutcome::Failure {
            error: ErrorName::TaskFailed.as_str().into(),
            cause,
        }
    }
}

/// Why a definition cannot start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SetupError {
    /// A placeholder that stood unquoted in JSON text has no value: it has no text to run as.
    #[error("${{{name}}} stands unquoted at {pointer}, so it needs a value to run")]
    BarePlaceholder {
        /// The placeholder's name.
        name: String,
        /// Where it stands.
        pointer: Pointer,
    },
    /// A placeholder's value cannot be filled in where it stands
    /// ([`Code::InvalidSubstitution`]).
    #[error("{} (at {})", .0.message, .0.pointer)]
    Substitution(Diagnostic),
    /// The definition has errors (AWS would reject it), in the validator's order.
    #[error("the definition has {} error(s)", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// The interpreter cannot run the definition.
    #[error(transparent)]
    Compile(#[from] CompileError),
    /// The mock configuration cannot be used.
    #[error(transparent)]
    Mocks(#[from] MockError),
}

impl SetupError {
    /// Where in the definition the (first) problem is; `None` for the mocks.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            Self::BarePlaceholder { pointer, .. } => Some(pointer.as_str()),
            Self::Substitution(d) => Some(d.pointer.as_str()),
            Self::Invalid(ds) => ds.first().map(|d| d.pointer.as_str()),
            Self::Compile(e) => Some(&e.pointer),
            Self::Mocks(_) => None,
        }
    }
}

/// Everything a run starts from.
#[derive(Debug, Clone)]
pub struct RunSetup {
    /// The definition as written (placeholders not yet filled in).
    pub document: Document,
    /// Placeholder values, filled in before the definition is read.
    pub substitutions: Substitutions,
    /// Refuse a definition with errors ([`SetupError::Invalid`]), as AWS would. Off, the
    /// definition runs as far as the interpreter can take it (what test files do).
    pub validate: bool,
    /// What answers the Task states.
    pub tasks: Tasks,
    /// The workflow type, names, clock (`start_time`, `seed`), history recording and object
    /// store. The workflow type is validated for too.
    pub config: Config,
}

/// A definition compiled and ready to start, as often as wanted.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The compiled definition.
    pub program: Arc<Program>,
    /// How each execution is set up.
    pub config: Config,
    /// What answers the Task states of each execution.
    pub tasks: Tasks,
}

impl RunSetup {
    /// A set-up for `document` with the defaults: no placeholder values, validated, no task
    /// results, [`Config::default`].
    pub fn new(document: Document) -> Self {
        Self {
            document,
            substitutions: Substitutions::new(),
            validate: true,
            tasks: Tasks::None,
            config: Config::default(),
        }
    }

    /// The names of the placeholders left without a value (they run as their literal text).
    pub fn unfilled(&self) -> Vec<String> {
        crate::placeholder::names(&self.substitutions.apply_to(&self.document).value)
    }

    /// Fills in the placeholders, validates (when asked) and compiles.
    pub fn prepare(&self) -> Result<Prepared, SetupError> {
        let doc = &self.document;
        let applied = self.substitutions.apply_to(doc);
        // Unquoted JSON has no text to run as; a plain YAML scalar is a string, and runs as one.
        // (A value that is there but is not JSON is the substitution's error, below.)
        let bare = doc.bare_placeholders();
        if let Some(open) = crate::placeholder::uses(&applied.value)
            .into_iter()
            .find(|u| {
                u.whole
                    && !u.in_key
                    && !bare.is_yaml()
                    && bare.is_bare(&u.pointer, &u.name)
                    && self.substitutions.get(&u.name).is_none()
            })
        {
            return Err(SetupError::BarePlaceholder {
                name: open.name,
                pointer: open.pointer,
            });
        }
        if self.validate {
            let options = Options {
                workflow_type: Some(self.config.workflow_type),
                substitutions: self.substitutions.clone(),
            };
            let errors: Vec<Diagnostic> = validate(doc, &options)
                .into_iter()
                .filter(Diagnostic::is_error)
                .collect();
            if !errors.is_empty() {
                return Err(SetupError::Invalid(errors));
            }
        } else if let Some(d) = applied
            .diagnostics
            .into_iter()
            .find(|d| d.code == Code::InvalidSubstitution)
        {
            return Err(SetupError::Substitution(d));
        }
        // The typed view straight from the value: no text to write out and read back.
        let machine = StateMachine::read(&applied.value, &mut Diagnostics::default());
        let program = Program::compile(&machine)?;
        Ok(Prepared {
            program: Arc::new(program),
            config: self.config.clone(),
            tasks: self.tasks.clone(),
        })
    }

    /// Prepares and starts an execution on `input`. Nothing runs until it is stepped.
    pub fn start(&self, input: Val) -> Result<Execution, SetupError> {
        self.prepare()?.start(input)
    }
}

impl Prepared {
    /// Starts an execution on `input`, its tasks answered as [`Prepared::tasks`] says.
    pub fn start(&self, input: Val) -> Result<Execution, SetupError> {
        Ok(self.start_with(input, self.tasks.resolver()?))
    }

    /// Starts an execution on `input` whose tasks `resolver` answers.
    pub fn start_with(&self, input: Val, resolver: Box<dyn TaskResolver>) -> Execution {
        Execution::new(
            Arc::clone(&self.program),
            input,
            self.config.clone(),
            resolver,
        )
    }
}

/// Runs `exec` as far as it goes with nobody to answer a callback: breakpoints are passed, and
/// while every task waits for a callback, virtual time runs on to the next timer (a heartbeat or
/// a timeout). The status is final, or [`Status::WaitingForCallback`] when tasks wait with no
/// timer left.
pub fn run_to_end(exec: &mut Execution) -> &Status {
    run_to_end_with(exec, |_| {})
}

/// [`run_to_end`], handing every event to `on_event` as it happens (events are handed over
/// even when the history is not recorded).
pub fn run_to_end_with(exec: &mut Execution, mut on_event: impl FnMut(&HistoryEvent)) -> &Status {
    loop {
        while let Some(event) = exec.step() {
            on_event(&event);
        }
        match exec.status() {
            Status::Paused { .. } => {}
            Status::WaitingForCallback if exec.has_timers() => exec.let_time_pass(),
            _ => break,
        }
    }
    exec.status()
}

/// The files that sit beside a definition.
///
/// The rule: let NAME be the definition's file name less its last extension
/// (`orders.asl.json` → `orders.asl`, `flow.yaml` → `flow`) and BASE be NAME less a final `.asl`
/// (`orders`). Its test files are `BASE.test.yaml`, `BASE.test.yml` and `BASE.test.json`; its
/// placeholder sidecar (the studio's Parameters, in the `--subs` file shape) is
/// `NAME.subs.json`; the studio's answers about running its backends are `NAME.consent.json`.
/// The sidecar keeps `.asl` so that one written by an earlier version is still
/// found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beside {
    /// Where its test files would be, in the order they are read.
    pub test_files: Vec<PathBuf>,
    /// Its placeholder sidecar.
    pub sidecar: PathBuf,
    /// The studio's remembered answers to "may this workflow run its backends?"
    /// (`NAME.consent.json`).
    pub consent: PathBuf,
}

impl Beside {
    /// The test files that exist.
    pub fn existing_test_files(&self) -> Vec<PathBuf> {
        self.test_files
            .iter()
            .filter(|p| p.is_file())
            .cloned()
            .collect()
    }
}

/// Where the files beside `definition` are (see [`Beside`] for the rule).
pub fn beside(definition: &Path) -> Beside {
    let name = definition
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = name.strip_suffix(".asl").unwrap_or(&name);
    Beside {
        test_files: ["test.yaml", "test.yml", "test.json"]
            .iter()
            .map(|ext| definition.with_file_name(format!("{base}.{ext}")))
            .collect(),
        sidecar: definition.with_file_name(format!("{name}.subs.json")),
        consent: definition.with_file_name(format!("{name}.consent.json")),
    }
}
