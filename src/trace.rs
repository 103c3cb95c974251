//! State runs read from an execution's history: which state ran when, with what input and
//! output, how it ended. The studio's Run mode colours the graph and fills its table from this,
//! event by event, and the same reading serves a history exported from AWS.
//!
//! Events carry no state for most of their kinds (`TaskFailed` says nothing of which state), so
//! each event is given to the run its `previous_event_id` chain leads to: within a Parallel
//! branch or a Map iteration, events follow the events of their own branch.

use crate::history::{EventKind, HistoryEvent, Millis};
use crate::model::{ErrorName, StateType};
use crate::value::Val;
use std::collections::HashMap;
use std::sync::Arc;

/// How a state run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// Entered, not yet left.
    Running,
    /// Left normally.
    Succeeded,
    /// Raised an error that ended it (and, unless caught further out, the execution).
    Failed,
    /// Raised an error that its Catch handled: it left for the Catch's target.
    Caught,
    /// Stopped from outside: its branch failed, or the execution was stopped.
    Cancelled,
}

impl RunStatus {
    /// The word shown for it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Caught => "caught",
            Self::Cancelled => "cancelled",
        }
    }
}

/// One run of one state.
#[derive(Clone, Debug, PartialEq)]
pub struct StateRun {
    /// The state's name (names are unique in a definition, branches included).
    pub name: Arc<str>,
    /// `Task`, `Pass`, `Map`...
    pub state_type: StateType,
    /// The `...StateEntered` event.
    pub entered_event: u64,
    /// The `...StateExited` event, once it left normally.
    pub exited_event: Option<u64>,
    /// When it was entered, on the execution's clock.
    pub entered_at: Millis,
    /// When it ended (left, failed or was cancelled).
    pub ended_at: Option<Millis>,
    /// Its input.
    pub input: Val,
    /// Its output, once it left.
    pub output: Option<Val>,
    /// The variables it assigned, as the exit event reports them.
    pub assigned: Option<Val>,
    /// The last error it raised (kept when caught, cleared when a retry succeeds).
    pub error: Option<(Arc<str>, Option<Arc<str>>)>,
    /// How it stands.
    pub status: RunStatus,
    /// Task attempts: 1, plus one per retry.
    pub attempts: u32,
    /// The Map or Parallel run it runs inside.
    pub parent: Option<usize>,
    /// The Map iteration it belongs to.
    pub iteration: Option<usize>,
    /// A Map or Parallel whose own failure event arrived: events of an enclosing state no
    /// longer belong to it, though it stays running until its Catch or the execution ends it.
    failed_inside: bool,
}

/// How many of some runs are running and how many failed: what a state's status needs, kept
/// as runs come and change so that asking costs the same at the 200,000th run as at the first.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    running: usize,
    failed: usize,
}

impl Tally {
    fn add(&mut self, status: RunStatus) {
        match status {
            RunStatus::Running => self.running += 1,
            RunStatus::Failed => self.failed += 1,
            RunStatus::Succeeded | RunStatus::Caught | RunStatus::Cancelled => {}
        }
    }

    fn remove(&mut self, status: RunStatus) {
        match status {
            RunStatus::Running => self.running -= 1,
            RunStatus::Failed => self.failed -= 1,
            RunStatus::Succeeded | RunStatus::Caught | RunStatus::Cancelled => {}
        }
    }
}

/// The run each event belongs to, by event id. Ids count up from 1 in a history (AWS's and
/// ours), so a list indexed by id holds them: a hash map of 400,000 entries cost a hash per
/// event read and, at each growth, a frame of hundreds of milliseconds in a streaming run.
#[derive(Clone, Debug, Default)]
struct Owners(Vec<usize>);

impl Owners {
    /// Marks "no run" in the list.
    const NONE: usize = usize::MAX;

    fn get(&self, id: u64) -> Option<usize> {
        let at = usize::try_from(id).ok()?;
        self.0.get(at).copied().filter(|&i| i != Self::NONE)
    }

    fn set(&mut self, id: u64, run: usize) {
        // An id far beyond the events read (a crafted history) is not worth the memory.
        let Ok(at) = usize::try_from(id) else { return };
        if at >= self.0.len() {
            if at > self.0.len() + (1 << 20) {
                return;
            }
            self.0.resize(at + 1, Self::NONE);
        }
        self.0[at] = run;
    }
}

/// The runs of one state name.
#[derive(Clone, Debug, Default)]
struct NameRuns {
    /// Their indices, in order.
    runs: Vec<usize>,
    /// All of them.
    all: Tally,
    /// Those after the last `ExecutionRedriven`.
    since_redrive: Tally,
}

/// The state runs of one execution, built event by event.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    runs: Vec<StateRun>,
    /// The run each event belongs to, by event id.
    owner: Owners,
    /// The Map iteration an event opens (`MapIterationStarted`), by event id.
    iteration_start: HashMap<u64, usize>,
    /// Runs of each state name, in order, with their tallies.
    by_name: HashMap<Arc<str>, NameRuns>,
    /// How the execution ended, once it has.
    ended: Option<RunStatus>,
    /// The runs before the last `ExecutionRedriven` (0 when it was never redriven).
    before_redrive: usize,
}

impl Trace {
    /// No runs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The runs of a whole history.
    pub fn from_events<'a>(events: impl IntoIterator<Item = &'a HistoryEvent>) -> Self {
        let mut trace = Self::new();
        trace.extend(events);
        trace
    }

    /// Reads more events, in order.
    pub fn extend<'a>(&mut self, events: impl IntoIterator<Item = &'a HistoryEvent>) {
        for e in events {
            self.push(e);
        }
    }

    /// How many runs came before the last `ExecutionRedriven` (0 when it was never redriven):
    /// runs from this index on are of the latest attempt.
    pub fn runs_before_redrive(&self) -> usize {
        self.before_redrive
    }

    /// The indexes of a state's runs, in order.
    pub fn run_indexes_of(&self, name: &str) -> &[usize] {
        self.by_name.get(name).map_or(&[], |n| n.runs.as_slice())
    }

    /// Every run, in the order the states were entered.
    pub fn runs(&self) -> &[StateRun] {
        &self.runs
    }

    /// The run an event belongs to.
    pub fn run_of_event(&self, id: u64) -> Option<usize> {
        self.owner.get(id)
    }

    /// The runs of one state, in order.
    pub fn runs_of(&self, name: &str) -> impl Iterator<Item = &StateRun> {
        self.by_name
            .get(name)
            .into_iter()
            .flat_map(|n| &n.runs)
            .map(|&i| &self.runs[i])
    }

    /// The names of the states that ran, each once, in no particular order.
    pub fn names(&self) -> impl Iterator<Item = &Arc<str>> {
        self.by_name.keys()
    }

    /// The last run of a state.
    pub fn latest_run_of(&self, name: &str) -> Option<&StateRun> {
        self.by_name
            .get(name)
            .and_then(|n| n.runs.last())
            .map(|&i| &self.runs[i])
    }

    /// How a state stands over all its runs: running if any run is, else failed if any failed
    /// (a Map iteration that failed shows on its states), else how its last run ended. A state
    /// run again after a redrive stands as its runs since then do.
    pub fn status_of(&self, name: &str) -> Option<RunStatus> {
        let n = self.by_name.get(name)?;
        let &last = n.runs.last()?;
        let tally = if last >= self.before_redrive {
            n.since_redrive
        } else {
            n.all
        };
        Some(if tally.running > 0 {
            RunStatus::Running
        } else if tally.failed > 0 {
            RunStatus::Failed
        } else {
            self.runs[last].status
        })
    }

    /// Sets a run's status, keeping its state's tallies.
    fn set_status(&mut self, index: usize, status: RunStatus) {
        let run = &mut self.runs[index];
        let was = std::mem::replace(&mut run.status, status);
        if let Some(n) = self.by_name.get_mut(&run.name) {
            n.all.remove(was);
            n.all.add(status);
            if index >= self.before_redrive {
                n.since_redrive.remove(was);
                n.since_redrive.add(status);
            }
        }
    }

    /// Whether the execution has ended.
    pub fn is_ended(&self) -> bool {
        self.ended.is_some()
    }

    /// The run the event before this one (in its branch) belongs to.
    fn owner_of_previous(&self, e: &HistoryEvent) -> Option<usize> {
        self.owner.get(e.previous_event_id)
    }

    /// Reads one event.
    pub fn push(&mut self, e: &HistoryEvent) {
        match &e.kind {
            EventKind::StateEntered {
                state_type,
                name,
                input,
            } => {
                let before = self.owner_of_previous(e);
                let (parent, iteration) = match self.iteration_start.get(&e.previous_event_id) {
                    // The first state of a Map iteration.
                    Some(&index) => (before, Some(index)),
                    None => match before.map(|b| &self.runs[b]) {
                        // The first state of a Parallel branch follows the Parallel's own event.
                        Some(run)
                            if run.state_type == StateType::Parallel
                                && run.status == RunStatus::Running
                                && !run.failed_inside =>
                        {
                            (before, None)
                        }
                        // A state after another in the same scope shares its place.
                        Some(run) => (run.parent, run.iteration),
                        None => (None, None),
                    },
                };
                let index = self.runs.len();
                self.runs.push(StateRun {
                    name: name.clone(),
                    state_type: *state_type,
                    entered_event: e.id,
                    exited_event: None,
                    entered_at: e.timestamp,
                    ended_at: None,
                    input: input.clone(),
                    output: None,
                    assigned: None,
                    error: None,
                    status: RunStatus::Running,
                    attempts: 0,
                    parent,
                    iteration,
                    failed_inside: false,
                });
                let n = self.by_name.entry(name.clone()).or_default();
                n.runs.push(index);
                n.all.add(RunStatus::Running);
                if index >= self.before_redrive {
                    n.since_redrive.add(RunStatus::Running);
                }
                self.owner.set(e.id, index);
            }
            EventKind::StateExited {
                name,
                output,
                assigned,
                ..
            } => {
                let Some(index) = self.open_run(e, name) else {
                    return;
                };
                let run = &mut self.runs[index];
                run.exited_event = Some(e.id);
                run.ended_at = Some(e.timestamp);
                run.output = Some(output.clone());
                run.assigned.clone_from(assigned);
                let status = if run.error.is_some() {
                    RunStatus::Caught
                } else {
                    RunStatus::Succeeded
                };
                self.set_status(index, status);
                self.owner.set(e.id, index);
            }
            EventKind::StateAborted { name, .. } => {
                // AWS writes no details for an aborted state: its name may be unknown.
                let index = if name.is_empty() {
                    self.owner_of_previous(e)
                        .filter(|&i| self.runs[i].status == RunStatus::Running)
                } else {
                    self.open_run(e, name)
                };
                if let Some(index) = index {
                    self.runs[index].ended_at = Some(e.timestamp);
                    self.set_status(index, RunStatus::Cancelled);
                    self.owner.set(e.id, index);
                }
            }
            EventKind::TaskScheduled { .. } => {
                if let Some(index) = self.attach(e) {
                    let run = &mut self.runs[index];
                    // A new attempt: an earlier error was retried.
                    run.attempts += 1;
                    run.error = None;
                }
            }
            EventKind::TaskFailed { error, cause, .. }
            | EventKind::TaskTimedOut { error, cause, .. }
            | EventKind::EvaluationFailed { error, cause, .. } => {
                if let Some(index) = self.attach(e) {
                    self.runs[index].error = Some((error.clone(), cause.clone()));
                }
            }
            EventKind::MapRunFailed { error, cause } => {
                if let Some(index) = self.attach_to_container(e, StateType::Map) {
                    self.runs[index].error = Some((error.clone(), cause.clone()));
                }
            }
            EventKind::ParallelStateFailed | EventKind::MapStateFailed => {
                let kind = if matches!(e.kind, EventKind::MapStateFailed) {
                    StateType::Map
                } else {
                    StateType::Parallel
                };
                let culprit = self.owner_of_previous(e);
                if let Some(index) = self.attach_to_container(e, kind) {
                    self.close_inside(index, None, culprit, e.timestamp);
                    if self.runs[index].error.is_none() {
                        // It fails with the error of the branch or iteration that failed: the
                        // last run inside it that holds one.
                        let inner = self
                            .runs
                            .iter()
                            .rev()
                            .find(|r| r.parent == Some(index) && r.error.is_some())
                            .and_then(|r| r.error.clone());
                        // No run inside says which error (a Fail state names none of its own,
                        // until the execution's end does).
                        self.runs[index].error = Some(inner.unwrap_or_else(|| {
                            (Arc::from(ErrorName::BranchFailed.as_str()), None)
                        }));
                    }
                    self.runs[index].failed_inside = true;
                }
            }
            EventKind::ParallelStateSucceeded => {
                self.attach_to_container(e, StateType::Parallel);
            }
            EventKind::MapIterationFailed { index: i, .. }
            | EventKind::MapIterationAborted { index: i, .. } => {
                // The iteration's runs end: the one its last event belongs to failed (for a
                // failed iteration), the others were cancelled.
                let culprit = matches!(e.kind, EventKind::MapIterationFailed { .. })
                    .then(|| self.owner_of_previous(e))
                    .flatten();
                if let Some(map) = self.attach_to_container(e, StateType::Map) {
                    self.close_inside(map, Some(*i), culprit, e.timestamp);
                }
            }
            EventKind::MapStateSucceeded
            | EventKind::MapIterationSucceeded { .. }
            | EventKind::MapRunStarted
            | EventKind::MapRunRedriven { .. }
            | EventKind::MapRunSucceeded => {
                self.attach_to_container(e, StateType::Map);
            }
            EventKind::Other { details, .. } => {
                // AWS's other failure events (`TaskStartFailed`, `LambdaFunctionScheduleFailed`...)
                // carry an error in their details.
                let error = details
                    .as_ref()
                    .and_then(|(_, v)| v.get("error"))
                    .and_then(serde_json::Value::as_str)
                    .map(Arc::<str>::from);
                let cause = details
                    .as_ref()
                    .and_then(|(_, v)| v.get("cause"))
                    .and_then(serde_json::Value::as_str)
                    .map(Arc::<str>::from);
                if let Some(index) = self.attach(e)
                    && let Some(error) = error
                {
                    self.runs[index].error = Some((error, cause));
                }
            }
            EventKind::ParallelStateStarted | EventKind::MapStateStarted { .. } => {
                // A new attempt of the whole Parallel or Map: an earlier error was retried. On a
                // retry the event before it is the last of a failed branch, so climb.
                let kind = if matches!(e.kind, EventKind::ParallelStateStarted) {
                    StateType::Parallel
                } else {
                    StateType::Map
                };
                let index = match self.owner_of_previous(e) {
                    Some(i) if self.runs[i].state_type == kind && !self.runs[i].failed_inside => {
                        self.attach(e)
                    }
                    _ => self.attach_to_retried(e, kind),
                };
                if let Some(index) = index {
                    self.runs[index].error = None;
                    self.runs[index].failed_inside = false;
                }
            }
            EventKind::MapIterationStarted { index, .. } => {
                self.attach_to_container(e, StateType::Map);
                self.iteration_start.insert(e.id, *index);
            }
            EventKind::ExecutionSucceeded { .. } => self.end(RunStatus::Succeeded, e.timestamp),
            EventKind::ExecutionFailed { error, cause }
            | EventKind::ExecutionTimedOut { error, cause } => {
                // An error raised while the state itself ran (a path that selects nothing, say)
                // ends the execution with no failure event of the state's own: the run the
                // execution's last event belongs to is the one that failed.
                if let Some(index) = self.owner_of_previous(e)
                    && self.runs[index].status == RunStatus::Running
                    && self.runs[index]
                        .error
                        .as_ref()
                        .is_none_or(|(e, _)| &**e == ErrorName::BranchFailed.as_str())
                {
                    self.runs[index].error = Some((error.clone(), cause.clone()));
                }
                self.end(RunStatus::Failed, e.timestamp);
            }
            EventKind::ExecutionAborted { .. } => self.end(RunStatus::Cancelled, e.timestamp),
            // The execution goes on: the states run again are new runs, after this event.
            EventKind::ExecutionRedriven { .. } => {
                self.ended = None;
                self.before_redrive = self.runs.len();
                for n in self.by_name.values_mut() {
                    n.since_redrive = Tally::default();
                }
            }
            _ => {
                self.attach(e);
            }
        }
    }

    /// Gives an event to the run of the event before it; returns that run.
    fn attach(&mut self, e: &HistoryEvent) -> Option<usize> {
        let index = self.owner_of_previous(e)?;
        self.owner.set(e.id, index);
        Some(index)
    }

    /// Gives a Map's or Parallel's own event to that state's run: the event before it may be the
    /// last event of one of its iterations or branches, so the chain is climbed to the nearest
    /// running state of that type.
    fn attach_to_container(&mut self, e: &HistoryEvent, state_type: StateType) -> Option<usize> {
        let mut at = self.owner_of_previous(e);
        while let Some(i) = at {
            let run = &self.runs[i];
            if run.state_type == state_type
                && run.status == RunStatus::Running
                && !run.failed_inside
            {
                self.owner.set(e.id, i);
                return Some(i);
            }
            at = run.parent;
        }
        None
    }

    /// A retried Map or Parallel's start: the nearest failed one of that type up the chain.
    fn attach_to_retried(&mut self, e: &HistoryEvent, state_type: StateType) -> Option<usize> {
        let mut at = self.owner_of_previous(e);
        while let Some(i) = at {
            let run = &self.runs[i];
            if run.state_type == state_type && run.status == RunStatus::Running {
                self.owner.set(e.id, i);
                return Some(i);
            }
            at = run.parent;
        }
        None
    }

    /// Whether `run` runs inside `container` (at any depth), in `iteration` when given.
    fn is_inside(&self, run: usize, container: usize, iteration: Option<usize>) -> bool {
        let mut child = run;
        let mut at = self.runs[run].parent;
        while let Some(p) = at {
            if p == container {
                return iteration.is_none() || self.runs[child].iteration == iteration;
            }
            child = p;
            at = self.runs[p].parent;
        }
        false
    }

    /// Ends the runs still running inside a container (or one of its Map iterations): the
    /// culprit failed, the others were cancelled.
    fn close_inside(
        &mut self,
        container: usize,
        iteration: Option<usize>,
        culprit: Option<usize>,
        at: Millis,
    ) {
        // The culprit may be a run inside a nested container: it is the innermost that failed.
        let inside: Vec<usize> = (container + 1..self.runs.len())
            .filter(|&i| {
                self.runs[i].status == RunStatus::Running && self.is_inside(i, container, iteration)
            })
            .collect();
        for i in inside {
            let run = &mut self.runs[i];
            run.ended_at = Some(at);
            let status = if Some(i) == culprit || run.error.is_some() {
                RunStatus::Failed
            } else {
                RunStatus::Cancelled
            };
            self.set_status(i, status);
        }
    }

    /// The open run named `name` that this event ends: the run its chain leads to (climbing out
    /// of branches: a Parallel's exit follows its branches' last events), else the latest open
    /// run of that name.
    fn open_run(&self, e: &HistoryEvent, name: &str) -> Option<usize> {
        let mut at = self.owner_of_previous(e);
        while let Some(i) = at {
            if &*self.runs[i].name == name && self.runs[i].status == RunStatus::Running {
                return Some(i);
            }
            at = self.runs[i].parent;
        }
        self.owner_of_previous(e)
            .filter(|&i| &*self.runs[i].name == name && self.runs[i].status == RunStatus::Running)
            .or_else(|| {
                self.by_name.get(name).and_then(|n| {
                    n.runs
                        .iter()
                        .rev()
                        .copied()
                        .find(|&i| self.runs[i].status == RunStatus::Running)
                })
            })
    }

    /// The execution ended: every run still open ends with it. A run holding an error is the one
    /// that failed; the others were cancelled.
    fn end(&mut self, how: RunStatus, at: Millis) {
        self.ended = Some(how);
        for i in 0..self.runs.len() {
            let run = &mut self.runs[i];
            if run.status == RunStatus::Running {
                run.ended_at = Some(at);
                let status = if run.error.is_some() {
                    RunStatus::Failed
                } else {
                    RunStatus::Cancelled
                };
                self.set_status(i, status);
            }
        }
    }
}
