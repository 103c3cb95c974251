//! How the Run mode sets an execution up, through the engine's one run set-up
//! ([`stepcraft::run`]): the open document with its parameter values, Task states answered by
//! the chosen test case's mocks (or by hand), its local backends once the user allowed them
//! (what each invocation printed handed to the Run mode), a distributed Map's objects from the
//! test case, and the breakpoints set.

use super::scenarios::Scenario;
use crate::studio::session::Session;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use stepcraft::interp::{Execution, TaskCalls};
use stepcraft::run::{RunSetup, SetupError, Tasks};
use stepcraft::tasks::backends::{Backends, Consent, Lambdas};
use stepcraft::tasks::nested::Child;
use stepcraft::tasks::objects::ObjectStore;
use stepcraft::tasks::{Finished, TaskOutcome, TaskRequest, TaskResolver};
use stepcraft::testing::{self, Mocks};
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;

/// What the backends did for each task as the run goes: what local functions and commands
/// printed, and the child executions nested tasks ran. The Run mode takes them after each event
/// and files them under the task that did it.
#[derive(Debug, Default)]
pub struct Tapped {
    /// Logs, invocation by invocation.
    pub logs: Vec<String>,
    /// Child executions.
    pub children: Vec<Child>,
}

/// Where [`Tapped`] arrives.
pub type Printed = Arc<Mutex<Tapped>>;

/// A started execution, and where what its backends print arrives.
pub(super) struct Started {
    pub(super) exec: Execution,
    pub(super) printed: Option<Printed>,
}

/// Backends ready to run and what they would run, one line each.
pub(super) type Bound = (Arc<Backends>, Vec<String>);

/// The local backends `scenario` names, ready to run (nothing runs until a task calls one), and
/// what they would run, one line each, for the consent prompt. `None` when it names none.
pub(super) fn bound_backends(
    session: &Session,
    scenario: Option<&Scenario>,
) -> Result<Option<Bound>, String> {
    let Some(scenario) = scenario else {
        return Ok(None);
    };
    let Some(config) = scenario.backends.as_deref().filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let mut config = config.clone();
    if let Some(Lambdas::Template(t @ None)) = &mut config.lambdas {
        t.clone_from(&scenario.template);
    }
    // Reads the template's functions; no process starts before a task calls one.
    let backends = Backends::new(config, Consent::ALL)
        .map_err(|e| format!("The test case's backends cannot be used: {e}"))?;
    let runs = super::consent::what_will_run(&backends, session.document().value());
    Ok(Some((Arc::new(backends), runs)))
}

/// Whether the user is there to answer a Task nothing else answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Asking {
    /// A run the user watches: a Task neither the backends nor the test case answer waits for
    /// its result, typed in the panel.
    User,
    /// A run nobody watches (coverage): such a Task fails as `stepcraft test` would fail it.
    Nobody,
}

/// A new execution of the session's definition, with its parameter values, on `input`; Task
/// states answered by `backends` (allowed by the user) first, then by `scenario`'s mocks, then
/// (when `asking` the user) by hand: the task waits for the result, or the callback, typed in
/// the panel (with no scenario, every task). The error says why it cannot run.
pub(super) fn new_execution(
    session: &Session,
    scenario: Option<&Scenario>,
    input: Value,
    breakpoints: &BTreeSet<String>,
    backends: Option<Arc<Backends>>,
    asking: Asking,
) -> Result<Started, String> {
    let mut setup = RunSetup::new(session.document().clone());
    setup.substitutions = session.parameters().effective();
    // The session's diagnostics were checked before (as the user sees them).
    setup.validate = false;
    let mut prepared = setup.prepare().map_err(|e| match e {
        SetupError::BarePlaceholder { name, pointer } => format!(
            "${{{name}}} stands unquoted at {pointer}, so it needs a value to run: give it one under Parameters."
        ),
        e => format!("The definition cannot run: {e}"),
    })?;
    prepared.tasks = match scenario.map(|s| &s.mocks) {
        Some(Ok(mocks @ Mocks::Config { .. })) => mocks.tasks(),
        Some(Err(e)) => return Err(format!("The mocks cannot be used: {e}")),
        Some(Ok(Mocks::None)) | None => Tasks::ByHand,
    };
    // Each state run's data path, for the details' "Data path".
    prepared.config.inspect = true;
    // Backend calls run in the background, and the Run mode polls them: the window stays
    // live (Pause, Stop, the views) while a function or a request takes its time.
    prepared.config.task_calls = TaskCalls::Background;
    prepared.config.workflow_type = scenario.map_or(WorkflowType::Standard, |s| s.workflow_type);
    // What the run writes (a ResultWriter's files) stays in memory.
    prepared.config.objects = match scenario.map(|s| &s.objects) {
        Some(Ok(o)) => testing::store_for(o, &testing::RunOptions::default())
            .map(|s| s as Arc<dyn ObjectStore>),
        Some(Err(e)) => return Err(format!("The test case's data cannot be read: {e}")),
        None => None,
    };
    let tasks = match &backends {
        Some(backends) => Tasks::Backends {
            backends: Arc::clone(backends),
            fallback: Box::new(prepared.tasks.clone()),
        },
        None => prepared.tasks.clone(),
    };
    // What neither the backends nor the test case answer, the user does. (The backends have
    // their say first: a service call they cannot send still ends the run, saying why.)
    let tasks = match (asking, scenario) {
        (Asking::User, Some(_)) => Tasks::OrByHand(Box::new(tasks)),
        _ => tasks,
    };
    let inner = tasks
        .resolver()
        .map_err(|e| format!("The mocks cannot be used: {e}"))?;
    let (resolver, printed): (Box<dyn TaskResolver>, _) = match backends {
        Some(backends) => {
            let printed = Printed::default();
            let tap = Tap {
                backends,
                inner,
                printed: Arc::clone(&printed),
            };
            (Box::new(tap), Some(printed))
        }
        None => (inner, None),
    };
    let mut exec = prepared.start_with(Val::from(input), resolver);
    exec.set_breakpoints(breakpoints.iter().cloned().collect::<Vec<_>>());
    Ok(Started { exec, printed })
}

/// Answers through the backends and hands on what each call in place printed (what a call in
/// the background printed comes with its outcome: [`Execution::take_task_logs`]), and the
/// child executions nested tasks ran.
struct Tap {
    backends: Arc<Backends>,
    inner: Box<dyn TaskResolver>,
    printed: Printed,
}

impl Tap {
    fn tapped(&self) -> std::sync::MutexGuard<'_, Tapped> {
        self.printed.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TaskResolver for Tap {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        // In place: a nested execution (its child's calls are the child's), and the mocks.
        let (logs, children) = (self.backends.log_count(), self.backends.child_count());
        let outcome = self.inner.invoke(request);
        let latest = (self.backends.log_count() != logs)
            .then(|| self.backends.latest_log())
            .flatten()
            .filter(|l| l.state == request.state_name && l.attempt == request.attempt);
        let child = (self.backends.child_count() != children)
            .then(|| self.backends.latest_child())
            .flatten();
        let mut tapped = self.tapped();
        tapped.logs.extend(latest.map(|l| l.text));
        tapped.children.extend(child);
        outcome
    }

    fn start(&mut self, request: &TaskRequest<'_>) -> Option<u64> {
        self.inner.start(request)
    }

    fn wait(&mut self) -> Option<Finished> {
        self.inner.wait()
    }

    fn try_wait(&mut self) -> Poll<Option<Finished>> {
        self.inner.try_wait()
    }

    fn abandon(&mut self, ticket: u64) {
        self.inner.abandon(ticket);
    }
}
