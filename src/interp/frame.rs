//! Frames: one per running scope (the execution, each Parallel branch, each Map iteration),
//! each at one state and one step of its life cycle.

use super::compile::{Next, ScopeId, StateId};
use super::error::StateError;
use super::map_run::Record;
use super::vars::Vars;
use crate::history::{EventKind, Millis};
use crate::tasks::TaskOutcome;
use crate::value::Val;
use std::sync::Arc;

/// Index of a frame in the execution's frame list.
pub type FrameId = usize;

/// Where a frame is in its state's life cycle: what it does when it runs next.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Enter the current state: `StateEntered`, input processing, the state's own work.
    Enter,
    /// Leave the state with this output and these assigned variables, then go to `next` (or the
    /// state's own `Next`/`End`).
    Exit {
        output: Val,
        next: Option<Next>,
        assigned: Option<Val>,
    },
    /// An error was raised: Retry, Catch or fail the frame.
    Error(StateError),
    /// A Task: `TaskScheduled` (timeouts and heartbeat read).
    TaskSchedule,
    /// A Task: `TaskStarted`, then the resolver answers.
    TaskStart,
    /// A Task: `TaskSubmitted` (`.sync` and `.waitForTaskToken` services), then the outcome.
    TaskSubmit(TaskOutcome),
    /// A Task waits for its callback (or its timeout).
    TaskAwait,
    /// A Task's backend runs it in the background ([`crate::tasks::TaskResolver::start`])
    /// with this ticket; the scheduler takes its outcome when it ends.
    TaskRunning(u64),
    /// A Task has its outcome.
    TaskResult(TaskOutcome),
    /// A Task ran out of time (`heartbeat`: its heartbeat, else its whole timeout).
    TaskTimeout { heartbeat: bool },
    /// A Wait state's timer fired: leave it.
    WaitExit,
    /// A Parallel starts its branches.
    ParallelStart,
    /// A Map reads its items and starts.
    MapStart,
    /// A Map starts the iterations its concurrency allows.
    Fanning,
    /// A Parallel or Map waits for its children.
    Children,
    /// Waiting for a timer (a retry delay), then doing the step inside.
    Sleeping(Box<Step>),
    /// The frame has ended.
    Done,
}

/// The children of a Parallel or Map state, and what they gave back.
#[derive(Debug, Clone)]
pub(super) struct Kids {
    /// The child frames started so far, by slot.
    pub frames: Vec<FrameId>,
    /// Each slot's result (or error output), once it ended.
    pub results: Vec<Option<Val>>,
    /// Which slots succeeded (a redrive runs the others again).
    pub ok: Vec<bool>,
    /// Slots of a redriven Map to run again before the ones never started, last first.
    pub redo: Vec<usize>,
    /// A Map's items (its children's inputs when `prepared`).
    pub items: Vec<Val>,
    /// How many children were started.
    pub started: usize,
    /// How many ended.
    pub done: usize,
    /// How many run now.
    pub running: usize,
    /// The most that may run at once (`usize::MAX`: no limit).
    pub limit: usize,
    /// The first failure.
    pub failure: Option<StateError>,
    /// How many items failed (a failed batch counts each of its items).
    pub failures: usize,
    /// How many failed items a Map tolerates.
    pub tolerated: Option<usize>,
    /// A Map (else a Parallel).
    pub map: bool,
    /// A distributed Map (its children are child executions, out of the history).
    pub distributed: bool,
    /// How many items each child stands for (batches); `None`: one each.
    pub weights: Option<Vec<usize>>,
    /// The items are the children's inputs already (selected and batched).
    pub prepared: bool,
    /// The Map Run's record, for its ResultWriter.
    pub record: Option<Box<Record>>,
}

impl Kids {
    /// Whether the failures so far end the Parallel or Map: any failure without a tolerance,
    /// more than the tolerated number with one.
    pub fn over_tolerance(&self) -> bool {
        self.failure.is_some() && self.tolerated.is_none_or(|t| self.failures > t)
    }
}

/// What a frame runs for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Role {
    /// The execution's top-level states.
    Top,
    /// A Parallel branch.
    Branch,
    /// A Map iteration: the Map state's name and the item's index.
    Iteration {
        map: Arc<str>,
        index: usize,
        distributed: bool,
    },
}

/// One running scope.
#[derive(Debug, Clone)]
pub(super) struct Frame {
    /// The scope it runs.
    pub scope: ScopeId,
    /// The state it is at.
    pub state: StateId,
    /// The state's input.
    pub input: Val,
    /// The state's effective input: after InputPath, then (Task, Parallel) after
    /// Parameters or Arguments.
    pub effective: Val,
    /// What it does next.
    pub step: Step,
    /// The Parallel or Map frame that started it, and its slot there.
    pub parent: Option<(FrameId, usize)>,
    /// What it runs for.
    pub role: Role,
    /// The id of its last event (the next event's `previousEventId`).
    pub prev_event: u64,
    /// The id of the current state's `StateEntered` event (named in run-time causes).
    pub entered_event: u64,
    /// When the current state was entered (`$$.State.EnteredTime`).
    pub entered_at: Millis,
    /// Per Retry rule, the attempts it made for the current state.
    pub retry_attempts: Vec<u32>,
    /// All retries of the current state (`$$.State.RetryCount`).
    pub retry_count: u32,
    /// The variables it sees (its own, over its parents').
    pub vars: Arc<Vars>,
    /// A Map iteration's item: index and value (`$$.Map.Item`).
    pub item: Option<(usize, Val)>,
    /// A Parallel's or Map's children.
    pub kids: Option<Box<Kids>>,
    /// The current Task's token (`$$.Task.Token`), while it has one.
    pub token: Option<Arc<str>>,
    /// Bumped when its timer is set or cancelled: an older timer no longer wakes it.
    pub timer_gen: u64,
    /// False once it ended or was aborted.
    pub alive: bool,
    /// The current Task's heartbeat, in seconds (each heartbeat sent moves its deadline).
    pub heartbeat: Option<u64>,
    /// When the current Task's heartbeat runs out.
    pub heartbeat_deadline: Option<Millis>,
    /// When the current Task's timeout runs out.
    pub timeout_deadline: Option<Millis>,
    /// Its events stay out of the history (a distributed Map's child executions).
    pub silent: bool,
    /// The Parallel/Map failure event, emitted unless a retry takes over (boxed: it is rare,
    /// and a Map has a frame per iteration).
    pub failed_event: Option<Box<EventKind>>,
    /// A redriven Parallel's or Map's children from the attempt before: the state keeps the
    /// succeeded ones' results and runs the others again.
    pub prior: Option<Box<Kids>>,
}

impl Frame {
    /// A frame about to enter `state` of `scope` with `input`.
    pub fn new(scope: ScopeId, state: StateId, input: Val, role: Role, vars: Arc<Vars>) -> Self {
        Self {
            scope,
            state,
            input,
            effective: Val::Null,
            step: Step::Enter,
            parent: None,
            role,
            prev_event: 0,
            entered_event: 0,
            entered_at: 0,
            retry_attempts: Vec::new(),
            retry_count: 0,
            vars,
            item: None,
            kids: None,
            token: None,
            timer_gen: 0,
            alive: true,
            heartbeat: None,
            heartbeat_deadline: None,
            timeout_deadline: None,
            silent: false,
            failed_event: None,
            prior: None,
        }
    }

    /// Whether the scheduler runs it again without a timer or a callback waking it.
    pub fn runs_on(&self) -> bool {
        self.alive
            && !matches!(
                self.step,
                Step::WaitExit
                    | Step::TaskAwait
                    | Step::TaskRunning(_)
                    | Step::Children
                    | Step::Sleeping(_)
                    | Step::Done
            )
    }
}
