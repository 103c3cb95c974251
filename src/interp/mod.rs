//! The interpreter: a stepper that runs a compiled state machine one history event at a time.
//!
//! This module is the scheduler. Every state runs the same life cycle ([`lifecycle`]: entered,
//! input processing, evaluate, output processing, assign, exited, transition), with its query
//! language's data flow ([`processing`]) and its type's own work (`state/`). Parallel branches
//! and Map iterations are frames ([`frame`]) that a round-robin scheduler advances one event
//! each, so they interleave deterministically; no thread is started. Time comes from a virtual
//! clock that jumps to the next timer (a Wait, a retry delay, a timeout) when nothing else can
//! run, so a one-hour Wait takes no time at all.

pub mod compile;
pub mod dataset;
mod error;
mod frame;
pub mod inspect;
pub mod jsonata;
mod lifecycle;
mod map_run;
mod processing;
mod redrive;
pub mod results;
pub mod rules;
mod state;
pub mod template;
pub mod vars;

pub use error::StateError;
pub use redrive::{MAX_EVENTS_TO_REDRIVE, MAX_REDRIVES, RedriveRefusal};

use crate::event_log::EventLog;
use crate::expr::functions::SplitMix;
use crate::history::{EventKind, HistoryEvent, Millis};
use crate::model::ErrorName;
use crate::tasks::objects::ObjectStore;
use crate::tasks::{Finished, TaskOutcome, TaskResolver};
use crate::validate::WorkflowType;
use crate::value::{ObjectMap, Val};
use compile::{CState, Program};
use frame::{Frame, FrameId, Role, Step};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::task::Poll;
use vars::Vars;

/// The largest payload AWS accepts: state and execution input and output, in UTF-8 bytes.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// The deepest a state's output may nest (arrays and objects). AWS documents no such limit; JSON
/// readers stop there (Jackson's default is 1,000 levels), and a value nested deeper cannot be
/// written to a history or read back. A Pass state that wraps its input in a loop reaches it.
pub const MAX_PAYLOAD_DEPTH: usize = 1_000;
/// The most events a Standard execution's history may hold.
pub const MAX_STANDARD_EVENTS: u64 = 25_000;
/// An Express execution runs at most five minutes.
pub const EXPRESS_MAX_MILLIS: Millis = 5 * 60 * 1000;
/// A Standard execution runs at most one year.
pub const STANDARD_MAX_MILLIS: Millis = 365 * 24 * 3600 * 1000;
/// A task's default timeout (AWS: 99999999 seconds).
pub const DEFAULT_TASK_TIMEOUT_SECONDS: u64 = 99_999_999;
/// The most states a local execution enters by default. AWS has no such count: an Express
/// execution that loops through Pass and Choice states runs until its five minutes are up,
/// but those states take no virtual time here, so the loop would never end. A million is five
/// times the largest benchmark and ends a runaway loop within a few seconds.
pub const DEFAULT_MAX_TRANSITIONS: u64 = 1_000_000;

/// How an execution is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Standard or Express (limits differ).
    pub workflow_type: WorkflowType,
    /// The execution's name (`$$.Execution.Name`).
    pub execution_name: String,
    /// The state machine's name (`$$.StateMachine.Name`).
    pub state_machine_name: String,
    /// The role (`$$.Execution.RoleArn`).
    pub role_arn: String,
    /// When the execution starts, on the virtual clock.
    pub start_time: Millis,
    /// Keep every event (turn off for benchmarks and long Express runs).
    pub record_history: bool,
    /// Seed of the random source (retry jitter, UUIDs, MathRandom without a seed).
    pub seed: u64,
    /// Where a Map's ItemReader reads and its ResultWriter writes, in place of Amazon S3
    /// (`None`: such a Map fails with `States.ItemReaderFailed` / `States.ResultWriterFailed`).
    pub objects: Option<Arc<dyn ObjectStore>>,
    /// The most states the execution may enter (every branch and iteration counted) before it
    /// fails with `States.Runtime` saying so; `None`: no limit.
    pub max_transitions: Option<u64>,
    /// Record each state run's data path ([`inspect::Inspection`]): the studio's step details
    /// and `stepcraft test-state` read it. Off for plain runs, which keep nothing extra.
    pub inspect: bool,
    /// Hand each event to the caller of [`Execution::step`] (on by default). Off, with
    /// `record_history` off too, events are still numbered and counted toward the limits but
    /// never built: `step` returns only when the execution pauses, waits or ends. For runs that
    /// need only the outcome (`stepcraft bench`).
    pub hand_out_events: bool,
    /// Where tasks whose backend can run them in the background ([`TaskResolver::start`]: a
    /// local function, a command, a request) run. Either way a task takes no virtual time:
    /// while some run, no timer fires, and their results come back in the order they end.
    pub task_calls: TaskCalls,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            workflow_type: WorkflowType::Standard,
            execution_name: "local-execution".into(),
            state_machine_name: "StateMachine".into(),
            role_arn: "arn:aws:iam::123456789012:role/StepcraftLocal".into(),
            start_time: 1_767_225_600_000, // 2026-01-01T00:00:00Z
            record_history: true,
            seed: 0x5eed,
            objects: None,
            max_transitions: Some(DEFAULT_MAX_TRANSITIONS),
            inspect: false,
            hand_out_events: true,
            task_calls: TaskCalls::Overlapping,
        }
    }
}

/// Where an execution's backend calls run ([`Config::task_calls`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskCalls {
    /// Each call in turn, on the caller's thread: the step that starts a task returns when
    /// it is answered.
    InPlace,
    /// In the background when something else could run meanwhile, as the iterations of a Map
    /// and the branches of a Parallel overlap on AWS; a task alone runs in place (the default).
    #[default]
    Overlapping,
    /// Always in the background, and [`Execution::step_within`] never waits for them: it
    /// returns [`Stepped::Waiting`] while only running tasks are left. For a caller that must
    /// stay responsive (the studio); [`Execution::step`] still waits.
    Background,
}

/// What [`Execution::step_within`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Stepped {
    /// The next history event.
    Event(HistoryEvent),
    /// Work went on without an event within the budget: call again.
    Busy,
    /// Nothing more happens now: the execution ended, waits for a callback, or stopped at a
    /// breakpoint (see [`Execution::status`]).
    Still,
    /// Tasks run in the background ([`TaskCalls::Background`]) and nothing else can go on
    /// until one ends: call again later ([`Execution::tasks_running`] says how many).
    Waiting,
}

/// Where an execution is.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It can make progress.
    Running,
    /// It stopped before entering a state with a breakpoint; `step` or `run` continues.
    Paused { state: Arc<str> },
    /// Every running task waits for a callback (see [`Execution::pending_callbacks`]).
    WaitingForCallback,
    /// It succeeded with this output.
    Succeeded(Val),
    /// It failed.
    Failed {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// It ran past its timeout.
    TimedOut {
        error: Arc<str>,
        cause: Option<Arc<str>>,
    },
    /// It was stopped.
    Aborted,
}

impl Status {
    /// Whether the execution has ended.
    pub fn is_final(&self) -> bool {
        matches!(
            self,
            Self::Succeeded(_) | Self::Failed { .. } | Self::TimedOut { .. } | Self::Aborted
        )
    }
}

/// Why a callback could not be delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallbackError {
    /// No running task waits for this token (AWS: `TaskDoesNotExist` / `InvalidToken`).
    #[error("no task waits for the token '{0}'")]
    UnknownToken(String),
}

/// A task waiting for its callback.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCallback {
    /// The token to answer with.
    pub token: Arc<str>,
    /// The Task state.
    pub state: Arc<str>,
    /// The parameters it was given (which carry the token to whoever answers).
    pub input: Val,
}

/// A running (or finished) execution. Advance it with [`step`](Self::step) or
/// [`run`](Self::run).
pub struct Execution {
    program: Arc<Program>,
    config: Config,
    resolver: Box<dyn TaskResolver>,
    clock: Millis,
    frames: Vec<Frame>,
    ready: VecDeque<FrameId>,
    timers: BinaryHeap<Reverse<Timer>>,
    /// A timeout may fire while tasks wait for callbacks (set by `let_time_pass`).
    allow_timeouts: bool,
    seq: u64,
    out: VecDeque<HistoryEvent>,
    history: EventLog,
    next_id: u64,
    status: Status,
    input: Val,
    context_execution: Val,
    context_machine: Val,
    rng: SplitMix,
    tokens: HashMap<Arc<str>, FrameId>,
    breakpoints: HashSet<Arc<str>>,
    skip_breakpoint: Option<FrameId>,
    started: bool,
    ended: bool,
    /// The closing event is being written (no limit checks re-enter `finish`).
    closing: bool,
    /// How many states were entered.
    transitions: u64,
    deadline: Millis,
    /// Tasks running in the background ([`Config::task_calls`]): the frame each ticket
    /// answers.
    running_tasks: HashMap<u64, FrameId>,
    /// What the calls taken from the background printed, until the caller takes it.
    task_logs: Vec<String>,
    /// Each state run's data path, by the id of its entered event (with `Config::inspect`).
    /// A B-tree, not a hash map: ids only grow, and a hash map of 200,000 inspections stalled
    /// the studio for 50 ms each time it doubled and moved them all.
    inspections: BTreeMap<u64, inspect::Inspection>,
    /// A result or error standing for the first state's whole work (TestState's mock of a
    /// Parallel or Map state): its branches or iterations do not run.
    first_state_mock: Option<TaskOutcome>,
    /// The retries the first state has already had (TestState's `retrierRetryCount`).
    retry_preset: Option<u32>,
    /// Why the last step returned no event, when it was not for its status (see
    /// [`Execution::step_within`]).
    held: Held,
    /// How many times it was redriven.
    redrive_count: u32,
}

impl std::fmt::Debug for Execution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Execution")
            .field("status", &self.status)
            .field("clock", &self.clock)
            .field("events", &self.next_id.saturating_sub(1))
            .finish_non_exhaustive()
    }
}

/// Why a step returned no event though the execution goes on ([`Execution::step_within`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// It did not hold back: see the status.
    No,
    /// Its budget of actions ran out.
    Budget,
    /// Only tasks running in the background are left, and it did not wait for them.
    Tasks,
}

/// A point on the virtual clock at which a frame wakes up. Ordered by time, then by when it
/// was set, so timers due at the same moment fire in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Timer {
    at: Millis,
    seq: u64,
    frame: FrameId,
    generation: u64,
    /// A timeout ends a wait for a callback (or the execution); other timers move work on.
    timeout: bool,
}

/// A timer that is not a frame's: the execution's own deadline.
const EXECUTION_TIMER: FrameId = usize::MAX;

impl Execution {
    /// Starts an execution of `program` with `input`. Nothing runs until `step` or `run`.
    pub fn new(
        program: Arc<Program>,
        input: Val,
        config: Config,
        resolver: Box<dyn TaskResolver>,
    ) -> Self {
        let machine_arn = format!(
            "arn:aws:states:us-east-1:123456789012:stateMachine:{}",
            config.state_machine_name
        );
        let execution_arn = format!(
            "arn:aws:states:us-east-1:123456789012:{}:{}:{}",
            match config.workflow_type {
                WorkflowType::Standard => "execution",
                WorkflowType::Express => "express",
            },
            config.state_machine_name,
            config.execution_name
        );
        let mut exec = ObjectMap::default();
        exec.insert("Id".into(), Val::string(&execution_arn));
        exec.insert("Input".into(), input.clone());
        exec.insert("Name".into(), Val::string(&config.execution_name));
        exec.insert("RoleArn".into(), Val::string(&config.role_arn));
        exec.insert(
            "StartTime".into(),
            Val::string(&crate::history::format_timestamp(config.start_time)),
        );
        exec.insert("RedriveCount".into(), Val::int(0));
        let mut machine = ObjectMap::default();
        machine.insert("Id".into(), Val::string(&machine_arn));
        machine.insert("Name".into(), Val::string(&config.state_machine_name));
        let limit = match config.workflow_type {
            WorkflowType::Express => EXPRESS_MAX_MILLIS,
            WorkflowType::Standard => STANDARD_MAX_MILLIS,
        };
        let timeout = program.timeout_seconds.map_or(limit, |t| {
            (i64::try_from(t).unwrap_or(i64::MAX / 2000) * 1000).min(limit)
        });
        let root = program.scopes.first().map_or(0, |s| s.start);
        let mut top = Frame::new(0, root, input.clone(), Role::Top, Arc::new(Vars::default()));
        top.entered_at = config.start_time;
        Self {
            clock: config.start_time,
            deadline: config.start_time.saturating_add(timeout),
            rng: SplitMix(config.seed),
            program,
            resolver,
            frames: vec![top],
            ready: VecDeque::new(),
            timers: BinaryHeap::new(),
            allow_timeouts: false,
            seq: 0,
            out: VecDeque::new(),
            history: EventLog::new(),
            next_id: 1,
            status: Status::Running,
            input,
            context_execution: Val::object(exec),
            context_machine: Val::object(machine),
            tokens: HashMap::new(),
            breakpoints: HashSet::new(),
            skip_breakpoint: None,
            started: false,
            ended: false,
            closing: false,
            transitions: 0,
            running_tasks: HashMap::new(),
            task_logs: Vec::new(),
            inspections: BTreeMap::new(),
            first_state_mock: None,
            retry_preset: None,
            held: Held::No,
            redrive_count: 0,
            config,
        }
    }

    /// The status now.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The events so far (when recording).
    pub fn history(&self) -> &EventLog {
        &self.history
    }

    /// The states entered so far, in every branch and iteration (what `max_transitions` limits).
    pub fn states_entered(&self) -> u64 {
        self.transitions
    }

    /// The virtual clock.
    pub fn clock(&self) -> Millis {
        self.clock
    }

    /// Pauses before entering any of these states.
    pub fn set_breakpoints<I: IntoIterator<Item = String>>(&mut self, states: I) {
        self.breakpoints = states.into_iter().map(Arc::from).collect();
    }

    /// Tasks waiting for a callback.
    pub fn pending_callbacks(&self) -> Vec<PendingCallback> {
        let mut out: Vec<PendingCallback> = self
            .tokens
            .iter()
            .filter(|(_, f)| self.frames[**f].alive)
            .map(|(token, f)| {
                let frame = &self.frames[*f];
                PendingCallback {
                    token: token.clone(),
                    state: self.state_of(frame).name.clone(),
                    input: frame.effective.clone(),
                }
            })
            .collect();
        out.sort_by(|a, b| a.token.cmp(&b.token));
        out
    }

    /// Runs until the execution ends or waits for a callback, ignoring breakpoints.
    pub fn run(&mut self) -> &Status {
        let saved = std::mem::take(&mut self.breakpoints);
        while self.step().is_some() {}
        self.breakpoints = saved;
        &self.status
    }

    /// Runs until the execution ends, waits for a callback, or reaches a breakpoint.
    pub fn run_until_pause(&mut self) -> &Status {
        if matches!(self.status, Status::Paused { .. }) {
            self.status = Status::Running;
        }
        while !matches!(self.status, Status::Paused { .. }) && self.step().is_some() {}
        &self.status
    }

    /// Stops the execution (`ExecutionAborted`).
    pub fn cancel(&mut self, error: Option<&str>, cause: Option<&str>) {
        if self.status.is_final() {
            return;
        }
        self.finish(
            Status::Aborted,
            EventKind::ExecutionAborted {
                error: error.map(Arc::from),
                cause: cause.map(Arc::from),
            },
        );
    }

    /// Answers a waiting task with its output (`SendTaskSuccess`).
    pub fn send_task_success(&mut self, token: &str, output: Val) -> Result<(), CallbackError> {
        self.answer(token, TaskOutcome::Success(output))
    }

    /// Fails a waiting task (`SendTaskFailure`).
    pub fn send_task_failure(
        &mut self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), CallbackError> {
        self.answer(
            token,
            TaskOutcome::Failure {
                error: error.to_owned(),
                cause: cause.to_owned(),
            },
        )
    }

    /// Resets a waiting task's heartbeat timer (`SendTaskHeartbeat`).
    pub fn send_task_heartbeat(&mut self, token: &str) -> Result<(), CallbackError> {
        let fid = *self
            .tokens
            .get(token)
            .ok_or_else(|| CallbackError::UnknownToken(token.to_owned()))?;
        if let Some(h) = self.frames[fid].heartbeat {
            self.frames[fid].heartbeat_deadline = Some(self.clock + secs(h));
            self.arm_task_timer(fid);
        }
        Ok(())
    }

    fn answer(&mut self, token: &str, outcome: TaskOutcome) -> Result<(), CallbackError> {
        let fid = self
            .tokens
            .remove(token)
            .ok_or_else(|| CallbackError::UnknownToken(token.to_owned()))?;
        let frame = &mut self.frames[fid];
        if !frame.alive || !matches!(frame.step, Step::TaskAwait) {
            return Err(CallbackError::UnknownToken(token.to_owned()));
        }
        frame.step = Step::TaskResult(outcome);
        frame.timer_gen += 1;
        self.ready.push_back(fid);
        if self.status == Status::WaitingForCallback {
            self.status = Status::Running;
        }
        Ok(())
    }

    /// Advances to the next history event and returns it; `None` when the execution has ended,
    /// waits for a callback, or (for the first call after reaching one) stopped at a breakpoint.
    pub fn step(&mut self) -> Option<HistoryEvent> {
        self.step_inner(usize::MAX, true)
    }

    /// Like [`step`](Self::step), but returns [`Stepped::Busy`] after `budget` actions that wrote
    /// no event, so a caller that must stay responsive (the studio) gets control back while a
    /// distributed Map's child executions, which write to their own histories, run on; and,
    /// with [`TaskCalls::Background`], [`Stepped::Waiting`] instead of waiting for tasks.
    pub fn step_within(&mut self, budget: usize) -> Stepped {
        let wait = self.config.task_calls != TaskCalls::Background;
        match self.step_inner(budget, wait) {
            Some(e) => Stepped::Event(e),
            None => match self.held {
                Held::Budget => Stepped::Busy,
                Held::Tasks => Stepped::Waiting,
                Held::No => Stepped::Still,
            },
        }
    }

    /// How many tasks run in the background now.
    pub fn tasks_running(&self) -> usize {
        self.running_tasks.len()
    }

    /// With [`TaskCalls::Background`], what the calls run in the background printed (a local
    /// function's or a command's output), each as its outcome was taken, since the last call:
    /// usually with the task's own event, the one just handed out (a call whose task then
    /// waits for a callback, or one in a distributed Map's child execution, which writes no
    /// event here, comes with a later one). A call the execution abandoned is not here.
    pub fn take_task_logs(&mut self) -> Vec<String> {
        std::mem::take(&mut self.task_logs)
    }

    /// The next event, or `None` (with `held` set when the budget ran out first, or when tasks
    /// run and `wait` is off).
    fn step_inner(&mut self, budget: usize, wait: bool) -> Option<HistoryEvent> {
        self.held = Held::No;
        let mut actions = 0usize;
        let program = self.program.clone();
        loop {
            if let Some(e) = self.out.pop_front() {
                return Some(e);
            }
            if actions >= budget {
                self.held = Held::Budget;
                return None;
            }
            actions += 1;
            if self.ended {
                return None;
            }
            if matches!(self.status, Status::Paused { .. }) {
                // Stepping on from a breakpoint.
                self.status = Status::Running;
            }
            if !self.started {
                self.started = true;
                if self.input.json_size() > MAX_PAYLOAD_BYTES {
                    self.finish_failed(
                        ErrorName::DataLimitExceeded.as_str().into(),
                        Some("The execution input exceeds the maximum number of bytes service limit.".into()),
                    );
                    continue;
                }
                let kind = EventKind::ExecutionStarted {
                    input: self.input.clone(),
                    role_arn: Arc::from(self.config.role_arn.as_str()),
                };
                self.emit(0, kind);
                self.ready.push_back(0);
                let deadline = self.deadline;
                self.push_timer(deadline, EXECUTION_TIMER, 0, true);
                continue;
            }
            let Some(fid) = self.next_runnable(wait) else {
                if self.held == Held::Tasks {
                    return None;
                }
                if !self.ended {
                    self.status = Status::WaitingForCallback;
                }
                return None;
            };
            if fid == EXECUTION_TIMER {
                let error: Arc<str> = ErrorName::Timeout.as_str().into();
                self.finish(
                    Status::TimedOut {
                        error: error.clone(),
                        cause: None,
                    },
                    EventKind::ExecutionTimedOut { error, cause: None },
                );
                continue;
            }
            if matches!(self.frames[fid].step, Step::Enter)
                && !self.breakpoints.is_empty()
                && self.skip_breakpoint != Some(fid)
            {
                let name = self.state_of(&self.frames[fid]).name.clone();
                if self.breakpoints.contains(&name) {
                    self.skip_breakpoint = Some(fid);
                    self.ready.push_front(fid);
                    self.status = Status::Paused { state: name };
                    return None;
                }
            }
            if self.skip_breakpoint == Some(fid) {
                self.skip_breakpoint = None;
            }
            self.advance(&program, fid);
            if self.frames[fid].runs_on() {
                self.ready.push_back(fid);
            }
        }
    }

    /// The next frame to move on: a ready one, one whose task ended, or one whose timer fires.
    /// With `wait` off, `None` with `held` set while tasks run and none has ended.
    fn next_runnable(&mut self, wait: bool) -> Option<FrameId> {
        loop {
            if let Some(fid) = self.ready.pop_front() {
                if self.frames[fid].alive {
                    return Some(fid);
                }
                continue;
            }
            // Tasks running in the background take no virtual time: their outcomes come in
            // before any timer fires.
            if !self.running_tasks.is_empty() {
                let ended = if wait {
                    self.resolver.wait()
                } else {
                    match self.resolver.try_wait() {
                        Poll::Ready(ended) => ended,
                        Poll::Pending => {
                            self.held = Held::Tasks;
                            return None;
                        }
                    }
                };
                let Some(Finished {
                    ticket,
                    outcome,
                    printed,
                }) = ended
                else {
                    self.running_tasks.clear();
                    continue;
                };
                // A call abandoned (its branch was cancelled, or an earlier run of a redriven
                // execution ended) is no longer here.
                let Some(fid) = self.running_tasks.remove(&ticket) else {
                    continue;
                };
                let frame = &self.frames[fid];
                if !frame.alive || !matches!(frame.step, Step::TaskRunning(t) if t == ticket) {
                    continue;
                }
                // Kept for a caller that runs its calls in the background (the studio);
                // other runs have the backends' own log.
                if !printed.is_empty() && self.config.task_calls == TaskCalls::Background {
                    self.task_logs.push(printed);
                }
                let program = self.program.clone();
                let state = &program.scopes[frame.scope].states[frame.state];
                self.task_answered(fid, state, outcome);
                if self.frames[fid].runs_on() {
                    return Some(fid);
                }
                continue;
            }
            // A timer whose frame ended or set a newer one is dropped first: it must neither hold
            // back the timers behind it nor use up a `let_time_pass`.
            let top = self.timers.peek()?.0;
            if top.frame != EXECUTION_TIMER {
                let frame = &self.frames[top.frame];
                if !frame.alive || frame.timer_gen != top.generation {
                    self.timers.pop();
                    continue;
                }
            }
            // While tasks wait for a callback, time does not run out on them by itself: the
            // caller answers, or lets time pass (then the next timeout fires).
            if top.timeout && !self.tokens.is_empty() && !self.allow_timeouts {
                return None;
            }
            self.timers.pop();
            if top.timeout {
                self.allow_timeouts = false;
            }
            // The execution's deadline fires only when nothing else is due before it.
            self.clock = self.clock.max(top.at);
            return Some(top.frame);
        }
    }

    /// Sets the frame's one timer (replacing any earlier one: its generation no longer matches).
    /// A `timeout` ends a wait with a timeout (a task's timeout or heartbeat); other timers move
    /// the execution on (a Wait, a retry delay).
    fn set_timer(&mut self, fid: FrameId, at: Millis, timeout: bool) {
        let frame = &mut self.frames[fid];
        frame.timer_gen += 1;
        let generation = frame.timer_gen;
        self.push_timer(at.max(self.clock), fid, generation, timeout);
    }

    fn push_timer(&mut self, at: Millis, fid: FrameId, generation: u64, timeout: bool) {
        self.seq += 1;
        self.timers.push(Reverse(Timer {
            at,
            seq: self.seq,
            frame: fid,
            generation,
            timeout,
        }));
    }

    /// Whether any timer (a wait, a retry, a timeout) is still set.
    pub fn has_timers(&self) -> bool {
        !self.timers.is_empty()
    }

    /// Lets virtual time run on to the next timeout while tasks wait for callbacks (nobody is
    /// going to answer them, or the user chose to skip ahead).
    pub fn let_time_pass(&mut self) {
        self.allow_timeouts = true;
        if self.status == Status::WaitingForCallback {
            self.status = Status::Running;
        }
    }

    fn state_of(&self, frame: &Frame) -> &CState {
        &self.program.scopes[frame.scope].states[frame.state]
    }

    fn emit(&mut self, fid: FrameId, kind: EventKind) {
        self.emit_with(fid, |_| kind);
    }

    /// Numbers the frame's next event and, when anyone reads events (the history is recorded or
    /// [`Config::hand_out_events`]), builds it with `make` and keeps or hands it out. A run that
    /// reads neither numbers and counts its events (limits, `previous_event_id`) without
    /// building them, so the hot states pay for no clones.
    fn emit_with(&mut self, fid: FrameId, make: impl FnOnce(&Self) -> EventKind) {
        if self.ended {
            return;
        }
        if fid != EXECUTION_TIMER && self.frames[fid].silent {
            // A distributed Map's child executions have histories of their own: their events
            // take no id here and do not count toward this history's 25,000.
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        let previous = if fid == EXECUTION_TIMER {
            id - 1
        } else {
            std::mem::replace(&mut self.frames[fid].prev_event, id)
        };
        let (record, hand_out) = (self.config.record_history, self.config.hand_out_events);
        if record || hand_out {
            let event = HistoryEvent {
                id,
                previous_event_id: previous,
                timestamp: self.clock,
                kind: make(self),
            };
            match (record, hand_out) {
                (true, true) => {
                    self.history.push(event.clone());
                    self.out.push_back(event);
                }
                (true, false) => self.history.push(event),
                _ => self.out.push_back(event),
            }
        }
        if self.config.workflow_type == WorkflowType::Standard
            && self.next_id >= MAX_STANDARD_EVENTS
            && !self.closing
        {
            let cause: Arc<str> = Arc::from(format!(
                "The execution reached the maximum number of history events ({MAX_STANDARD_EVENTS}) allowed for Standard workflows; run it as Express, or split it with a child execution or a distributed Map."
            ));
            self.finish_failed(ErrorName::Runtime.as_str().into(), Some(cause));
        }
    }

    /// Ends the execution as failed (`ExecutionFailed`).
    fn finish_failed(&mut self, error: Arc<str>, cause: Option<Arc<str>>) {
        self.finish(
            Status::Failed {
                error: error.clone(),
                cause: cause.clone(),
            },
            EventKind::ExecutionFailed { error, cause },
        );
    }

    /// Ends the execution with its closing event: every frame stops.
    fn finish(&mut self, status: Status, event: EventKind) {
        if self.ended || self.closing {
            return;
        }
        self.closing = true;
        self.emit(EXECUTION_TIMER, event);
        self.ended = true;
        self.status = status;
        for f in &mut self.frames {
            f.alive = false;
        }
        self.ready.clear();
        self.timers.clear();
        self.tokens.clear();
        for (ticket, _) in self.running_tasks.drain() {
            self.resolver.abandon(ticket);
        }
    }
}

/// Seconds on the virtual clock (milliseconds), saturating.
fn secs(s: u64) -> Millis {
    i64::try_from(s)
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000)
}
