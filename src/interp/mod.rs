//! The interpreter: a stepper that runs a compiled state machine one history event at a time.
//!
//! Every state runs the same life cycle: entered, input processing, its own work, output
//! processing, assign, exited, transition. Parallel branches and Map iterations are frames that a
//! round-robin scheduler advances one event each, so they interleave deterministically; no thread
//! is started. Time comes from a virtual clock that jumps to the next timer (a Wait, a retry
//! delay, a timeout) when nothing else can run, so a one-hour Wait takes no time at all.

pub mod choice;
pub mod compile;
pub mod dataset;
pub mod jsonata;
mod map_run;
pub mod results;
pub mod template;
pub mod vars;

use crate::expr::env::Env;
use crate::expr::functions::SplitMix;
use crate::expr::path::Path;
use crate::history::{EventKind, HistoryEvent, Millis, TaskFamily, parse_timestamp};
use crate::model::task::IntegrationPattern;
use crate::tasks::objects::ObjectStore;
use crate::tasks::{TaskOutcome, TaskRequest, TaskResolver};
use crate::validate::WorkflowType;
use crate::value::{ObjectMap, Val};
use compile::{CState, Catcher, Dynamic, Kind, Next, Program, ScopeId, StateId, WaitFor};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::Arc;
use template::{EvalError, Template, path_text};
use vars::Vars;

/// The largest payload AWS accepts: state and execution input and output, in UTF-8 bytes.
pub const MAX_PAYLOAD_BYTES: usize = 262_144;
/// The most events a Standard execution's history may hold.
pub const MAX_STANDARD_EVENTS: u64 = 25_000;
/// An Express execution runs at most five minutes.
pub const EXPRESS_MAX_MILLIS: Millis = 5 * 60 * 1000;
/// A Standard execution runs at most one year.
pub const STANDARD_MAX_MILLIS: Millis = 365 * 24 * 3600 * 1000;
/// A task's default timeout (AWS: 99999999 seconds).
pub const DEFAULT_TASK_TIMEOUT_SECONDS: u64 = 99_999_999;

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
        }
    }
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

/// An error raised while running a state.
#[derive(Debug, Clone, PartialEq)]
pub struct StateError {
    /// The error name.
    pub error: Arc<str>,
    /// The cause, if any.
    pub cause: Option<Arc<str>>,
    /// Whether Retry and Catch may handle it (interpreter errors such as `States.Runtime` end the
    /// execution, as on AWS).
    pub catchable: bool,
    /// Whether a Task raised it (for `States.TaskFailed`).
    pub from_task: bool,
}

impl StateError {
    fn new(error: &str, cause: Option<String>) -> Self {
        Self {
            error: Arc::from(error),
            cause: cause.map(Arc::from),
            catchable: true,
            from_task: false,
        }
    }

    fn terminal(error: &str, cause: String) -> Self {
        Self {
            catchable: false,
            ..Self::new(error, Some(cause))
        }
    }

    /// The error a Fail state raises (a Fail without Error has an empty error name).
    fn fail_state(error: Option<Arc<str>>, cause: Option<Arc<str>>) -> Self {
        Self {
            error: error.unwrap_or_else(|| Arc::from("")),
            cause,
            catchable: true,
            from_task: false,
        }
    }

    fn output(&self) -> Val {
        let mut m = ObjectMap::new();
        m.insert("Error".into(), Val::String(self.error.clone()));
        if let Some(c) = &self.cause {
            m.insert("Cause".into(), Val::String(c.clone()));
        }
        Val::object(m)
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

type FrameId = usize;

#[derive(Debug, Clone)]
enum Step {
    Enter,
    Exit {
        output: Val,
        next: Option<Next>,
        assigned: Option<Val>,
    },
    Error(StateError),
    TaskSchedule,
    TaskStart,
    TaskSubmit(TaskOutcome),
    TaskAwait,
    TaskResult(TaskOutcome),
    TaskTimeout {
        heartbeat: bool,
    },
    WaitExit,
    ParallelStart,
    MapStart,
    Children,
    Fanning,
    /// Waiting for a timer (a retry delay), then doing the step inside.
    Sleeping(Box<Step>),
    Done,
}

#[derive(Debug, Clone)]
struct Kids {
    frames: Vec<FrameId>,
    results: Vec<Option<Val>>,
    items: Vec<Val>,
    started: usize,
    done: usize,
    running: usize,
    limit: usize,
    failure: Option<StateError>,
    failures: usize,
    tolerated: Option<usize>,
    map: bool,
    distributed: bool,
    /// How many items each child stands for (batches); `None`: one each.
    weights: Option<Vec<usize>>,
    /// The items are the children's inputs already (selected and batched).
    prepared: bool,
    /// The Map Run's record, for its ResultWriter.
    record: Option<Box<map_run::Record>>,
}

impl Kids {
    /// Whether the failures so far end the Parallel or Map: any failure without a tolerance,
    /// more than the tolerated number with one.
    fn over_tolerance(&self) -> bool {
        self.failure.is_some() && self.tolerated.is_none_or(|t| self.failures > t)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Role {
    Top,
    Branch,
    Iteration {
        map: Arc<str>,
        index: usize,
        distributed: bool,
    },
}

#[derive(Debug, Clone)]
struct Frame {
    scope: ScopeId,
    state: StateId,
    input: Val,
    effective: Val,
    step: Step,
    parent: Option<(FrameId, usize)>,
    role: Role,
    prev_event: u64,
    entered_event: u64,
    entered_at: Millis,
    retry_attempts: Vec<u32>,
    retry_count: u32,
    vars: Arc<Vars>,
    item: Option<(usize, Val)>,
    kids: Option<Box<Kids>>,
    token: Option<Arc<str>>,
    timer_gen: u64,
    alive: bool,
    heartbeat_deadline: Option<Millis>,
    timeout_deadline: Option<Millis>,
    /// Events of this frame stay out of the history (a distributed Map's child executions).
    silent: bool,
    /// The Parallel/Map failure event, emitted unless a retry takes over.
    failed_event: Option<EventKind>,
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
    history: Vec<HistoryEvent>,
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
    deadline: Millis,
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
        let mut exec = ObjectMap::new();
        exec.insert("Id".into(), Val::string(&execution_arn));
        exec.insert("Input".into(), input.clone());
        exec.insert("Name".into(), Val::string(&config.execution_name));
        exec.insert("RoleArn".into(), Val::string(&config.role_arn));
        exec.insert(
            "StartTime".into(),
            Val::string(&crate::history::format_timestamp(config.start_time)),
        );
        exec.insert("RedriveCount".into(), Val::int(0));
        let mut machine = ObjectMap::new();
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
        let top = Frame {
            scope: 0,
            state: root,
            input: input.clone(),
            effective: Val::Null,
            step: Step::Enter,
            parent: None,
            role: Role::Top,
            prev_event: 0,
            entered_event: 0,
            entered_at: config.start_time,
            retry_attempts: Vec::new(),
            retry_count: 0,
            vars: Arc::new(Vars::default()),
            item: None,
            kids: None,
            token: None,
            timer_gen: 0,
            alive: true,
            heartbeat_deadline: None,
            timeout_deadline: None,
            silent: false,
            failed_event: None,
        };
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
            history: Vec::new(),
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
            config,
        }
    }

    /// The status now.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// The events so far (when recording).
    pub fn history(&self) -> &[HistoryEvent] {
        &self.history
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
        let state = self.state_of(&self.frames[fid]).clone();
        if let Kind::Task {
            heartbeat: Some(_), ..
        } = &state.kind
            && let Some(h) = self.heartbeat_seconds(fid, &state)
        {
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
        loop {
            if let Some(e) = self.out.pop_front() {
                return Some(e);
            }
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
                    self.finish(
                        Status::Failed {
                            error: "States.DataLimitExceeded".into(),
                            cause: Some("The execution input exceeds the maximum number of bytes service limit.".into()),
                        },
                        EventKind::ExecutionFailed {
                            error: "States.DataLimitExceeded".into(),
                            cause: Some("The execution input exceeds the maximum number of bytes service limit.".into()),
                        },
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
            let Some(fid) = self.next_runnable() else {
                if !self.ended {
                    self.status = Status::WaitingForCallback;
                }
                return None;
            };
            if fid == EXECUTION_TIMER {
                self.finish(
                    Status::TimedOut {
                        error: "States.Timeout".into(),
                        cause: None,
                    },
                    EventKind::ExecutionTimedOut {
                        error: "States.Timeout".into(),
                        cause: None,
                    },
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
            self.advance(fid);
            let frame = &self.frames[fid];
            if frame.alive
                && !matches!(
                    frame.step,
                    Step::WaitExit
                        | Step::TaskAwait
                        | Step::Children
                        | Step::Sleeping(_)
                        | Step::Done
                )
            {
                self.ready.push_back(fid);
            }
        }
    }

    fn next_runnable(&mut self) -> Option<FrameId> {
        loop {
            if let Some(fid) = self.ready.pop_front() {
                if self.frames[fid].alive {
                    return Some(fid);
                }
                continue;
            }
            let timeout = self.timers.peek()?.0.timeout;
            // While tasks wait for a callback, time does not run out on them by itself: the
            // caller answers, or lets time pass (then the next timeout fires).
            if timeout && !self.tokens.is_empty() && !self.allow_timeouts {
                return None;
            }
            let Reverse(Timer {
                at,
                frame: fid,
                generation,
                timeout,
                ..
            }) = self.timers.pop()?;
            if timeout {
                self.allow_timeouts = false;
            }
            if fid == EXECUTION_TIMER {
                // Only fire the execution deadline when nothing else is due before it.
                self.clock = self.clock.max(at);
                return Some(EXECUTION_TIMER);
            }
            let frame = &self.frames[fid];
            if frame.alive && frame.timer_gen == generation {
                self.clock = self.clock.max(at);
                return Some(fid);
            }
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
        if self.ended {
            return;
        }
        let id = self.next_id;
        self.next_id += 1;
        if fid != EXECUTION_TIMER && self.frames[fid].silent {
            return;
        }
        let previous = if fid == EXECUTION_TIMER {
            id - 1
        } else {
            self.frames[fid].prev_event
        };
        if fid != EXECUTION_TIMER {
            self.frames[fid].prev_event = id;
        }
        let event = HistoryEvent {
            id,
            previous_event_id: previous,
            timestamp: self.clock,
            kind,
        };
        if self.config.record_history {
            self.history.push(event.clone());
        }
        self.out.push_back(event);
        if self.config.workflow_type == WorkflowType::Standard
            && self.next_id >= MAX_STANDARD_EVENTS
            && !self.closing
        {
            let cause: Arc<str> = Arc::from(format!(
                "The execution reached the maximum number of history events ({MAX_STANDARD_EVENTS}) allowed for Standard workflows; run it as Express, or split it with a child execution or a distributed Map."
            ));
            self.finish(
                Status::Failed {
                    error: "States.Runtime".into(),
                    cause: Some(cause.clone()),
                },
                EventKind::ExecutionFailed {
                    error: "States.Runtime".into(),
                    cause: Some(cause),
                },
            );
        }
    }

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
    }

    /// The Context object for the frame's current state.
    fn context(&self, frame: &Frame, state: &CState) -> Val {
        let mut m = ObjectMap::with_capacity(5);
        m.insert("Execution".into(), self.context_execution.clone());
        m.insert("StateMachine".into(), self.context_machine.clone());
        let mut s = ObjectMap::with_capacity(3);
        s.insert(
            "EnteredTime".into(),
            Val::string(&crate::history::format_timestamp(frame.entered_at)),
        );
        s.insert("Name".into(), Val::String(state.name.clone()));
        s.insert("RetryCount".into(), Val::int(i64::from(frame.retry_count)));
        m.insert("State".into(), Val::object(s));
        if let Some(token) = &frame.token {
            let mut t = ObjectMap::new();
            t.insert("Token".into(), Val::String(token.clone()));
            m.insert("Task".into(), Val::object(t));
        }
        if let Some((index, value)) = &frame.item {
            let mut item = ObjectMap::new();
            item.insert(
                "Index".into(),
                Val::int(i64::try_from(*index).unwrap_or(i64::MAX)),
            );
            item.insert("Value".into(), value.clone());
            let mut map = ObjectMap::new();
            map.insert("Item".into(), Val::object(item));
            m.insert("Map".into(), Val::object(map));
        }
        Val::object(m)
    }

    fn runtime_cause(&self, frame: &Frame, state: &CState, detail: &str) -> String {
        format!(
            "An error occurred while executing the state '{}' (entered at the event id #{}). {detail}",
            state.name, frame.entered_event
        )
    }

    fn eval_error(&self, frame: &Frame, state: &CState, e: EvalError, input: &Val) -> StateError {
        match e {
            EvalError::Path { field, path, .. } if !path.is_empty() => StateError::terminal(
                "States.Runtime",
                self.runtime_cause(
                    frame,
                    state,
                    &format!(
                        "The JSONPath '{path}' specified for the field '{field}.$' could not be found in the input '{}'",
                        input.to_json_string()
                    ),
                ),
            ),
            EvalError::Path { message, .. } => StateError::terminal("States.Runtime", self.runtime_cause(frame, state, &message)),
            EvalError::Intrinsic(m) => StateError {
                catchable: true,
                ..StateError::new("States.IntrinsicFailure", Some(self.runtime_cause(frame, state, &m)))
            },
        }
    }

    fn path_error(&self, frame: &Frame, state: &CState, path: &Path, message: &str) -> StateError {
        StateError::terminal(
            "States.Runtime",
            self.runtime_cause(
                frame,
                state,
                &format!("Invalid path '{}' : {message}", path_text(path)),
            ),
        )
    }

    /// InputPath: `None` keeps the input, `Some(None)` (null) gives `{}`.
    fn apply_input_path(&self, fid: FrameId, state: &CState, ctx: &Val) -> Result<Val, StateError> {
        let frame = &self.frames[fid];
        match &state.input_path {
            None => Ok(frame.input.clone()),
            Some(None) => Ok(Val::object(ObjectMap::new())),
            Some(Some(p)) => self
                .resolve(frame, p, &frame.input, ctx)
                .map_err(|m| self.path_error(frame, state, p, &m)),
        }
    }

    fn resolve(&self, frame: &Frame, path: &Path, input: &Val, ctx: &Val) -> Result<Val, String> {
        let env = Env {
            input,
            context: ctx,
            variables: &*frame.vars,
        };
        env.resolve(path).map_err(|e| e.message)
    }

    fn eval_template(
        &mut self,
        fid: FrameId,
        template: &Template,
        input: &Val,
        ctx: &Val,
    ) -> Result<Val, StateError> {
        let frame = &self.frames[fid];
        let env = Env {
            input,
            context: ctx,
            variables: &*frame.vars,
        };
        let result = template.eval(&env, &mut self.rng);
        result.map_err(|e| {
            let frame = &self.frames[fid];
            self.eval_error(frame, self.state_of(frame), e, input)
        })
    }

    /// ResultSelector, then Assign (which reads the selected result), ResultPath and OutputPath.
    fn process_result(
        &mut self,
        fid: FrameId,
        state: &CState,
        result: Val,
        ctx: &Val,
    ) -> Result<(Val, Option<Val>), StateError> {
        let result = match &state.result_selector {
            Some(t) => self.eval_template(fid, t, &result, ctx)?,
            None => result,
        };
        let assigned = self.eval_assign(fid, state.assign.as_ref(), &result, ctx)?;
        let frame = &self.frames[fid];
        let combined = match &state.result_path {
            None => result,
            Some(None) => frame.input.clone(),
            Some(Some(p)) => {
                let mut base = frame.input.clone();
                p.set(&mut base, result).map_err(|e| {
                    StateError::new(
                        "States.ResultPathMatchFailure",
                        Some(self.runtime_cause(frame, state, &e.message)),
                    )
                })?;
                base
            }
        };
        Ok((self.apply_output_path(fid, state, combined, ctx)?, assigned))
    }

    fn apply_output_path(
        &self,
        fid: FrameId,
        state: &CState,
        value: Val,
        ctx: &Val,
    ) -> Result<Val, StateError> {
        let frame = &self.frames[fid];
        match &state.output_path {
            None => Ok(value),
            Some(None) => Ok(Val::object(ObjectMap::new())),
            Some(Some(p)) => self
                .resolve(frame, p, &value, ctx)
                .map_err(|m| self.path_error(frame, state, p, &m)),
        }
    }

    /// Evaluates an Assign template; the values are applied at exit, so every assignment of the
    /// state sees the variables from before it.
    fn eval_assign(
        &mut self,
        fid: FrameId,
        assign: Option<&Template>,
        input: &Val,
        ctx: &Val,
    ) -> Result<Option<Val>, StateError> {
        match assign {
            None => Ok(None),
            Some(t) => self.eval_template(fid, t, input, ctx).map(Some),
        }
    }

    fn ctx_for(&self, fid: FrameId, state: &CState) -> Val {
        if state.uses_context {
            self.context(&self.frames[fid], state)
        } else {
            Val::Null
        }
    }

    /// A Wait state sleeps until `at` (or not at all, for a time already past); the step
    /// WaitExit is not re-queued, its timer wakes it.
    fn wait_until(&mut self, fid: FrameId, at: Millis) {
        self.frames[fid].step = Step::WaitExit;
        self.set_timer(fid, at, false);
    }

    /// Gives the frame a fresh task token (for `.waitForTaskToken` resources).
    fn new_token(&mut self, fid: FrameId) {
        let token: Arc<str> = Arc::from(crate::expr::functions::uuid(&mut self.rng));
        self.frames[fid].token = Some(token);
    }

    /// A Task or Parallel state has its effective input: schedule the task or start the branches.
    fn start_work(&mut self, fid: FrameId, state: &CState, effective: Val) {
        let frame = &mut self.frames[fid];
        frame.effective = effective;
        frame.step = match state.kind {
            Kind::Parallel { .. } => Step::ParallelStart,
            _ => Step::TaskSchedule,
        };
    }

    fn exit_with(&mut self, fid: FrameId, output: Val, next: Option<Next>, assigned: Option<Val>) {
        self.frames[fid].step = Step::Exit {
            output,
            next,
            assigned,
        };
    }

    fn fail_with(&mut self, fid: FrameId, error: StateError) {
        self.frames[fid].step = Step::Error(error);
    }

    /// Performs one action of a frame (at most a few events, usually one).
    fn advance(&mut self, fid: FrameId) {
        let program = self.program.clone();
        let step = std::mem::replace(&mut self.frames[fid].step, Step::Done);
        let frame = &self.frames[fid];
        let state = &program.scopes[frame.scope].states[frame.state];
        match step {
            Step::Enter => {
                let input = self.frames[fid].input.clone();
                let kind = EventKind::StateEntered {
                    state_type: state.type_name,
                    name: state.name.clone(),
                    input,
                };
                self.emit(fid, kind);
                let frame = &mut self.frames[fid];
                frame.entered_event = frame.prev_event;
                frame.entered_at = self.clock;
                frame.retry_count = 0;
                frame.retry_attempts = vec![0; state.retry.len()];
                self.run_state(fid, state);
            }
            Step::Exit {
                output,
                next,
                assigned,
            } => {
                if output.json_size() > MAX_PAYLOAD_BYTES {
                    let cause = format!(
                        "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                        state.name
                    );
                    self.fail_with(fid, StateError::terminal("States.DataLimitExceeded", cause));
                    return;
                }
                if let Some(Val::Object(vars)) = &assigned {
                    // AWS limits one variable, and all of one state's assignments, to 256 KiB.
                    // It does not name the error for this; we raise States.DataLimitExceeded, as
                    // for every other payload over the limit.
                    let too_big = vars
                        .map()
                        .iter()
                        .find(|(_, v)| v.json_size() > MAX_PAYLOAD_BYTES)
                        .map(|(k, _)| k.clone());
                    let total: usize = vars.map().values().map(Val::json_size).sum();
                    if too_big.is_some() || total > MAX_PAYLOAD_BYTES {
                        let what = match &too_big {
                            Some(k) => format!(
                                "The variable '{k}' assigned by the state '{}' is larger than 256 KiB.",
                                state.name
                            ),
                            None => format!(
                                "The variables assigned by the state '{}' are larger than 256 KiB together.",
                                state.name
                            ),
                        };
                        self.fail_with(fid, StateError::terminal("States.DataLimitExceeded", what));
                        return;
                    }
                    let scope = Arc::make_mut(&mut self.frames[fid].vars);
                    for (k, v) in vars.map() {
                        scope.set(k.clone(), v.clone());
                    }
                }
                let kind = EventKind::StateExited {
                    state_type: state.type_name,
                    name: state.name.clone(),
                    output: output.clone(),
                    assigned,
                };
                self.emit(fid, kind);
                match next.or(state.next) {
                    Some(Next::To(target)) => {
                        let frame = &mut self.frames[fid];
                        frame.state = target;
                        frame.input = output;
                        frame.step = Step::Enter;
                        frame.token = None;
                    }
                    Some(Next::End) | None => self.complete(fid, Ok(output)),
                }
            }
            Step::Error(error) => self.handle_error(fid, state, error),
            Step::TaskSchedule => self.task_schedule(fid, state),
            Step::TaskStart => self.task_start(fid, state),
            Step::TaskSubmit(outcome) => {
                if let Kind::Task { event_resource, .. } = &state.kind {
                    let kind = EventKind::TaskSubmitted {
                        resource: event_resource.clone(),
                        output: Val::object(ObjectMap::new()),
                    };
                    self.emit(fid, kind);
                }
                if outcome == TaskOutcome::Pending {
                    self.await_callback(fid);
                } else {
                    self.frames[fid].step = Step::TaskResult(outcome);
                }
            }
            Step::TaskAwait => {
                // A timer fired while the task waited.
                let frame = &self.frames[fid];
                let heartbeat = frame.heartbeat_deadline.is_some_and(|d| d <= self.clock)
                    && frame.timeout_deadline.is_none_or(|t| t > self.clock);
                if let Some(token) = frame.token.clone() {
                    self.tokens.remove(&token);
                }
                self.frames[fid].step = Step::TaskTimeout { heartbeat };
            }
            Step::TaskResult(outcome) => self.task_result(fid, state, outcome),
            Step::TaskTimeout { heartbeat } => {
                let error: Arc<str> = Arc::from(if heartbeat {
                    "States.HeartbeatTimeout"
                } else {
                    "States.Timeout"
                });
                if let Kind::Task {
                    family,
                    event_resource,
                    ..
                } = &state.kind
                {
                    let kind = EventKind::TaskTimedOut {
                        family: *family,
                        resource: event_resource.clone(),
                        error: error.clone(),
                        cause: None,
                    };
                    self.emit(fid, kind);
                }
                self.fail_with(
                    fid,
                    StateError {
                        from_task: true,
                        ..StateError::new(&error, None)
                    },
                );
            }
            Step::WaitExit => {
                if let Some(j) = &state.jsonata {
                    match self.jsonata_finish(fid, state, j, None) {
                        Ok((output, assigned)) => self.exit_with(fid, output, None, assigned),
                        Err(e) => self.fail_with(fid, e),
                    }
                    return;
                }
                let ctx = self.ctx_for(fid, state);
                let result = self
                    .apply_input_path(fid, state, &ctx)
                    .and_then(|effective| {
                        let assign =
                            self.eval_assign(fid, state.assign.as_ref(), &effective, &ctx)?;
                        Ok((self.apply_output_path(fid, state, effective, &ctx)?, assign))
                    });
                match result {
                    Ok((output, assigned)) => self.exit_with(fid, output, None, assigned),
                    Err(e) => self.fail_with(fid, e),
                }
            }
            Step::ParallelStart => {
                self.emit(fid, EventKind::ParallelStateStarted);
                let Kind::Parallel { branches } = &state.kind else {
                    return;
                };
                let input = self.frames[fid].effective.clone();
                let mut kids = Kids {
                    frames: Vec::new(),
                    results: vec![None; branches.len()],
                    items: Vec::new(),
                    started: branches.len(),
                    done: 0,
                    running: branches.len(),
                    limit: 0,
                    failure: None,
                    failures: 0,
                    tolerated: None,
                    map: false,
                    distributed: false,
                    weights: None,
                    prepared: false,
                    record: None,
                };
                for (slot, scope) in branches.iter().enumerate() {
                    let child = self.spawn(fid, slot, *scope, input.clone(), Role::Branch, None);
                    kids.frames.push(child);
                    self.ready.push_back(child);
                }
                self.frames[fid].kids = Some(Box::new(kids));
                self.frames[fid].step = Step::Children;
                if branches.is_empty() {
                    self.children_done(fid, state);
                }
            }
            Step::MapStart => self.map_start(fid, state),
            Step::Fanning => self.map_fan(fid, state),
            Step::Children => {
                self.frames[fid].step = Step::Children;
                self.children_done(fid, state);
            }
            Step::Sleeping(next) => {
                self.frames[fid].step = *next;
                self.advance(fid);
            }
            Step::Done => {}
        }
    }

    /// The state's own work right after it is entered.
    fn run_state(&mut self, fid: FrameId, state: &CState) {
        if let Some(j) = &state.jsonata {
            return self.run_jsonata_state(fid, state, j);
        }
        let ctx = self.ctx_for(fid, state);
        let effective = match self.apply_input_path(fid, state, &ctx) {
            Ok(v) => v,
            Err(e) => return self.fail_with(fid, e),
        };
        match &state.kind {
            Kind::Pass { result } => {
                let outcome = (|| {
                    let result = match (result, &state.parameters) {
                        (Some(r), _) => r.clone(),
                        (None, Some(t)) => self.eval_template(fid, t, &effective, &ctx)?,
                        (None, None) => effective.clone(),
                    };
                    self.process_result(fid, state, result, &ctx)
                })();
                match outcome {
                    Ok((output, assigned)) => self.exit_with(fid, output, None, assigned),
                    Err(e) => self.fail_with(fid, e),
                }
            }
            Kind::Succeed => match self.apply_output_path(fid, state, effective, &ctx) {
                Ok(output) => self.exit_with(fid, output, Some(Next::End), None),
                Err(e) => self.fail_with(fid, e),
            },
            Kind::Fail {
                error,
                cause,
                error_call,
                cause_call,
            } => {
                let text = |this: &mut Self,
                            lit: &Option<Dynamic<Arc<str>>>,
                            call: &Option<Template>|
                 -> Result<Option<Arc<str>>, StateError> {
                    if let Some(t) = call {
                        let v = this.eval_template(fid, t, &effective, &ctx)?;
                        return Ok(Some(match v {
                            Val::String(s) => s,
                            other => Arc::from(other.to_json_string()),
                        }));
                    }
                    match lit {
                        None => Ok(None),
                        Some(Dynamic::Literal(s)) => Ok(Some(s.clone())),
                        Some(Dynamic::Path(p)) => {
                            let frame = &this.frames[fid];
                            let v = this
                                .resolve(frame, p, &effective, &ctx)
                                .map_err(|m| this.path_error(frame, state, p, &m))?;
                            Ok(Some(match v {
                                Val::String(s) => s,
                                other => Arc::from(other.to_json_string()),
                            }))
                        }
                    }
                };
                let error = match text(self, error, error_call) {
                    Ok(e) => e,
                    Err(e) => return self.fail_with(fid, e),
                };
                let cause = match text(self, cause, cause_call) {
                    Ok(c) => c,
                    Err(e) => return self.fail_with(fid, e),
                };
                // A Fail state ends its branch; Retry and Catch of an enclosing state still apply.
                self.complete(fid, Err(StateError::fail_state(error, cause)));
            }
            Kind::Choice { branches, default } => {
                let env = Env {
                    input: &effective,
                    context: &ctx,
                    variables: &*self.frames[fid].vars,
                };
                let mut chosen = None;
                for branch in branches {
                    match choice::matches(&branch.rule, &env) {
                        Ok(true) => {
                            chosen = Some((branch.next, branch.assign.as_ref()));
                            break;
                        }
                        Ok(false) => {}
                        Err(e) => {
                            let frame = &self.frames[fid];
                            let cause = self.runtime_cause(
                                frame,
                                state,
                                &format!("Invalid path '{}' : {}", e.path, e.message),
                            );
                            return self
                                .fail_with(fid, StateError::terminal("States.Runtime", cause));
                        }
                    }
                }
                let (next, assign) = match chosen {
                    Some((n, a)) => (n, a.or(state.assign.as_ref())),
                    None => match default {
                        Some(d) => (*d, state.assign.as_ref()),
                        None => {
                            return self.fail_with(
                                fid,
                                StateError::new(
                                    "States.NoChoiceMatched",
                                    Some(format!("No Matches! (state '{}')", state.name)),
                                ),
                            );
                        }
                    },
                };
                let outcome =
                    self.eval_assign(fid, assign, &effective, &ctx)
                        .and_then(|assigned| {
                            Ok((
                                self.apply_output_path(fid, state, effective.clone(), &ctx)?,
                                assigned,
                            ))
                        });
                match outcome {
                    Ok((output, assigned)) => {
                        self.exit_with(fid, output, Some(Next::To(next)), assigned);
                    }
                    Err(e) => self.fail_with(fid, e),
                }
            }
            Kind::Wait(wait) => {
                let frame = &self.frames[fid];
                let until = match wait {
                    WaitFor::Seconds(s) => Ok(self.clock + secs(*s)),
                    WaitFor::Timestamp(t) => parse_timestamp(t).ok_or_else(|| format!("'{t}' is not a valid timestamp")),
                    WaitFor::SecondsPath(p) => match self.resolve(frame, p, &effective, &ctx) {
                        Ok(v) => v
                            .as_f64()
                            .filter(|f| *f >= 0.0 && f.fract() == 0.0)
                            .map(|f| self.clock + (f as i64) * 1000)
                            .ok_or_else(|| format!("The SecondsPath parameter does not reference a valid integer value: {v}")),
                        Err(m) => Err(format!("Invalid path '{}' : {m}", path_text(p))),
                    },
                    WaitFor::TimestampPath(p) => match self.resolve(frame, p, &effective, &ctx) {
                        Ok(v) => v
                            .as_str()
                            .and_then(parse_timestamp)
                            .ok_or_else(|| format!("The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {v}")),
                        Err(m) => Err(format!("Invalid path '{}' : {m}", path_text(p))),
                    },
                };
                match until {
                    Ok(at) => self.wait_until(fid, at),
                    Err(detail) => {
                        let cause = self.runtime_cause(frame, state, &detail);
                        self.fail_with(fid, StateError::terminal("States.Runtime", cause));
                    }
                }
            }
            Kind::Task { .. } | Kind::Parallel { .. } => {
                if matches!(
                    state.kind,
                    Kind::Task {
                        pattern: IntegrationPattern::WaitForTaskToken,
                        ..
                    }
                ) {
                    self.new_token(fid);
                }
                let ctx = self.ctx_for(fid, state);
                let outcome = match &state.parameters {
                    Some(t) => self.eval_template(fid, t, &effective, &ctx),
                    None => Ok(effective),
                };
                match outcome {
                    Ok(v) => self.start_work(fid, state, v),
                    Err(e) => self.fail_with(fid, e),
                }
            }
            Kind::Map { .. } => {
                self.frames[fid].effective = effective;
                self.frames[fid].step = Step::MapStart;
            }
        }
    }

    fn heartbeat_seconds(&self, fid: FrameId, state: &CState) -> Option<u64> {
        let Kind::Task { heartbeat, .. } = &state.kind else {
            return None;
        };
        match heartbeat.as_ref()? {
            Dynamic::Literal(h) => Some(*h),
            Dynamic::Path(p) => {
                let frame = &self.frames[fid];
                self.resolve(frame, p, &frame.input, &Val::Null)
                    .ok()?
                    .as_f64()
                    .map(|f| f as u64)
            }
        }
    }

    /// Resolves a `...Path` number field (TimeoutSecondsPath and the like) from the state input.
    fn dynamic_number(
        &self,
        fid: FrameId,
        state: &CState,
        value: &Option<Dynamic<u64>>,
        field: &str,
    ) -> Result<Option<u64>, StateError> {
        let frame = &self.frames[fid];
        match value {
            None => Ok(None),
            Some(Dynamic::Literal(v)) => Ok(Some(*v)),
            Some(Dynamic::Path(p)) => {
                let v = self
                    .resolve(frame, p, &frame.input, &Val::Null)
                    .map_err(|m| self.path_error(frame, state, p, &m))?;
                match v.as_f64() {
                    Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(Some(f as u64)),
                    Some(f) if f < 0.0 && f.fract() == 0.0 => Err(StateError::terminal(
                        "States.Runtime",
                        self.runtime_cause(frame, state, &format!("{field} cannot be negative.")),
                    )),
                    _ => Err(StateError::terminal(
                        "States.Runtime",
                        self.runtime_cause(
                            frame,
                            state,
                            &format!("The {field}Path field refers to value \"{}\" which is not a valid integer: {}", display_plain(&v), path_text(p)),
                        ),
                    )),
                }
            }
        }
    }

    fn task_schedule(&mut self, fid: FrameId, state: &CState) {
        let Kind::Task {
            family,
            event_resource,
            timeout,
            heartbeat,
            ..
        } = &state.kind
        else {
            return;
        };
        let (timeout, heartbeat) = match &state.jsonata {
            Some(j) => {
                let t = self.jnumber(fid, state, &j.timeout, "TimeoutSeconds");
                let h = self.jnumber(fid, state, &j.heartbeat, "HeartbeatSeconds");
                match (t, h) {
                    (Ok(t), Ok(h)) => (t.map(|v| v.max(0.0) as u64), h.map(|v| v.max(0.0) as u64)),
                    (Err(e), _) | (_, Err(e)) => return self.fail_with(fid, e),
                }
            }
            None => {
                let timeout = match self.dynamic_number(fid, state, timeout, "TimeoutSeconds") {
                    Ok(t) => t,
                    Err(e) => return self.fail_with(fid, e),
                };
                let heartbeat = match self.dynamic_number(fid, state, heartbeat, "HeartbeatSeconds")
                {
                    Ok(h) => h,
                    Err(e) => return self.fail_with(fid, e),
                };
                (timeout, heartbeat)
            }
        };
        let frame = &mut self.frames[fid];
        frame.timeout_deadline = timeout.map(|t| self.clock + secs(t));
        frame.heartbeat_deadline = heartbeat.map(|h| self.clock + secs(h));
        let kind = EventKind::TaskScheduled {
            family: *family,
            resource: event_resource.clone(),
            parameters: frame.effective.clone(),
            timeout,
            heartbeat,
        };
        self.emit(fid, kind);
        self.frames[fid].step = Step::TaskStart;
    }

    fn task_start(&mut self, fid: FrameId, state: &CState) {
        let Kind::Task {
            family,
            event_resource,
            resource,
            pattern,
            ..
        } = &state.kind
        else {
            return;
        };
        let kind = EventKind::TaskStarted {
            family: *family,
            resource: event_resource.clone(),
        };
        self.emit(fid, kind);
        let frame = &self.frames[fid];
        let attempt = frame.retry_count;
        let request = TaskRequest {
            state_name: &state.name,
            resource,
            input: &frame.effective,
            task_token: frame.token.as_deref(),
            attempt,
        };
        let outcome = self.resolver.invoke(&request);
        self.frames[fid].step = match pattern {
            IntegrationPattern::WaitForTaskToken | IntegrationPattern::Sync
                if *family == TaskFamily::Service =>
            {
                Step::TaskSubmit(outcome)
            }
            _ if outcome == TaskOutcome::Pending => {
                self.await_callback(fid);
                return;
            }
            _ => Step::TaskResult(outcome),
        };
    }

    fn await_callback(&mut self, fid: FrameId) {
        let token = match self.frames[fid].token.clone() {
            Some(t) => t,
            None => {
                let t: Arc<str> = Arc::from(crate::expr::functions::uuid(&mut self.rng));
                self.frames[fid].token = Some(t.clone());
                t
            }
        };
        self.tokens.insert(token, fid);
        let frame = &mut self.frames[fid];
        frame.step = Step::TaskAwait;
        if frame.timeout_deadline.is_none() {
            frame.timeout_deadline = Some(self.clock + secs(DEFAULT_TASK_TIMEOUT_SECONDS));
        }
        self.arm_task_timer(fid);
    }

    fn arm_task_timer(&mut self, fid: FrameId) {
        let frame = &self.frames[fid];
        let at = match (frame.timeout_deadline, frame.heartbeat_deadline) {
            (Some(t), Some(h)) => t.min(h),
            (Some(t), None) => t,
            (None, Some(h)) => h,
            (None, None) => return,
        };
        self.set_timer(fid, at, true);
    }

    fn task_result(&mut self, fid: FrameId, state: &CState, outcome: TaskOutcome) {
        let Kind::Task {
            family,
            event_resource,
            ..
        } = &state.kind
        else {
            return;
        };
        match outcome {
            TaskOutcome::Pending => self.await_callback(fid),
            TaskOutcome::Failure { error, cause } => {
                let kind = EventKind::TaskFailed {
                    family: *family,
                    resource: event_resource.clone(),
                    error: Arc::from(error.as_str()),
                    cause: Some(Arc::from(cause.as_str())),
                };
                self.emit(fid, kind);
                self.fail_with(
                    fid,
                    StateError {
                        from_task: true,
                        ..StateError::new(&error, Some(cause))
                    },
                );
            }
            TaskOutcome::Success(result) => {
                if result.json_size() > MAX_PAYLOAD_BYTES {
                    let cause = format!(
                        "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                        event_resource.resource_type
                    );
                    let kind = EventKind::TaskFailed {
                        family: *family,
                        resource: event_resource.clone(),
                        error: "States.DataLimitExceeded".into(),
                        cause: Some(Arc::from(cause.as_str())),
                    };
                    self.emit(fid, kind);
                    return self.fail_with(
                        fid,
                        StateError::new("States.DataLimitExceeded", Some(cause)),
                    );
                }
                let kind = EventKind::TaskSucceeded {
                    family: *family,
                    resource: event_resource.clone(),
                    output: result.clone(),
                };
                self.emit(fid, kind);
                self.finish_with_result(fid, state, result);
            }
        }
    }

    /// Retry, then Catch, then the error ends the frame.
    fn handle_error(&mut self, fid: FrameId, state: &CState, error: StateError) {
        let failed_event = self.frames[fid].failed_event.take();
        let will_retry = error.catchable
            && state
                .retry
                .iter()
                .enumerate()
                .find(|(_, r)| error_matches(&r.errors, &error))
                .is_some_and(|(i, r)| {
                    self.frames[fid].retry_attempts.get(i).copied().unwrap_or(0) < r.max_attempts
                });
        if !will_retry && let Some(event) = failed_event {
            self.emit(fid, event);
        }
        if error.catchable {
            for (i, retrier) in state.retry.iter().enumerate() {
                if !error_matches(&retrier.errors, &error) {
                    continue;
                }
                let attempts = self.frames[fid].retry_attempts.get(i).copied().unwrap_or(0);
                if attempts < retrier.max_attempts {
                    let mut delay = retrier.interval_seconds
                        * retrier
                            .backoff_rate
                            .powi(i32::try_from(attempts).unwrap_or(i32::MAX));
                    if let Some(max) = retrier.max_delay_seconds {
                        delay = delay.min(max);
                    }
                    if retrier.jitter_full {
                        let unit = (self.rng_next() >> 11) as f64 / (1u64 << 53) as f64;
                        delay *= unit;
                    }
                    let frame = &mut self.frames[fid];
                    if let Some(a) = frame.retry_attempts.get_mut(i) {
                        *a += 1;
                    }
                    frame.retry_count += 1;
                    frame.step = match state.kind {
                        Kind::Parallel { .. } => Step::ParallelStart,
                        Kind::Map { .. } => Step::MapStart,
                        _ => Step::TaskSchedule,
                    };
                    frame.kids = None;
                    let at = self.clock + (delay * 1000.0).round() as Millis;
                    // The frame sleeps until the retry is due; the timer wakes it.
                    let step = std::mem::replace(&mut self.frames[fid].step, Step::Done);
                    self.frames[fid].step = Step::Sleeping(Box::new(step));
                    self.set_timer(fid, at, false);
                    return;
                }
                break;
            }
            if let Some(catcher) = state
                .catch
                .iter()
                .find(|c| error_matches(&c.errors, &error))
            {
                return self.catch(fid, state, catcher, &error);
            }
        }
        self.complete(fid, Err(error));
    }

    fn rng_next(&mut self) -> u64 {
        use crate::expr::functions::Random;
        self.rng.next_u64()
    }

    fn catch(&mut self, fid: FrameId, state: &CState, catcher: &Catcher, error: &StateError) {
        let error_output = error.output();
        if let Some(j) = &state.jsonata {
            let index = state
                .catch
                .iter()
                .position(|c| std::ptr::eq(c, catcher))
                .unwrap_or(0);
            match self.jsonata_catch(fid, state, j, index, &error_output) {
                Ok((output, assigned)) => {
                    self.exit_with(fid, output, Some(Next::To(catcher.next)), assigned);
                }
                Err(e) => self.complete(fid, Err(e)),
            }
            return;
        }
        let ctx = self.ctx_for(fid, state);
        let assigned = match self.eval_assign(fid, catcher.assign.as_ref(), &error_output, &ctx) {
            Ok(a) => a,
            Err(e) => return self.complete(fid, Err(e)),
        };
        let frame = &self.frames[fid];
        let output = match &catcher.result_path {
            None => Ok(error_output),
            Some(None) => Ok(frame.input.clone()),
            Some(Some(p)) => {
                let mut base = frame.input.clone();
                p.set(&mut base, error_output).map(|()| base).map_err(|e| {
                    StateError::new(
                        "States.ResultPathMatchFailure",
                        Some(self.runtime_cause(frame, state, &e.message)),
                    )
                })
            }
        };
        match output {
            Ok(output) => self.exit_with(fid, output, Some(Next::To(catcher.next)), assigned),
            Err(e) => self.complete(fid, Err(e)),
        }
    }

    /// A frame reached the end of its scope (or failed out of it).
    fn complete(&mut self, fid: FrameId, result: Result<Val, StateError>) {
        let frame = &mut self.frames[fid];
        frame.step = Step::Done;
        frame.alive = false;
        if let Some(token) = frame.token.take() {
            self.tokens.remove(&token);
        }
        let role = frame.role.clone();
        let parent = frame.parent;
        match role {
            Role::Top => {
                // The top frame's own events end here; mark it alive again only to emit.
                self.frames[fid].alive = true;
                match result {
                    Ok(output) => {
                        if output.json_size() > MAX_PAYLOAD_BYTES {
                            let cause: Arc<str> = Arc::from(
                                "The execution output exceeds the maximum number of bytes service limit.",
                            );
                            self.finish(
                                Status::Failed {
                                    error: "States.DataLimitExceeded".into(),
                                    cause: Some(cause.clone()),
                                },
                                EventKind::ExecutionFailed {
                                    error: "States.DataLimitExceeded".into(),
                                    cause: Some(cause),
                                },
                            );
                        } else {
                            self.finish(
                                Status::Succeeded(output.clone()),
                                EventKind::ExecutionSucceeded { output },
                            );
                        }
                    }
                    Err(e) => self.finish(
                        Status::Failed {
                            error: e.error.clone(),
                            cause: e.cause.clone(),
                        },
                        EventKind::ExecutionFailed {
                            error: e.error,
                            cause: e.cause,
                        },
                    ),
                }
                return;
            }
            Role::Iteration {
                map,
                index,
                distributed,
            } if !distributed => {
                self.frames[fid].alive = true;
                let kind = if result.is_ok() {
                    EventKind::MapIterationSucceeded { name: map, index }
                } else {
                    EventKind::MapIterationFailed { name: map, index }
                };
                self.emit(fid, kind);
                self.frames[fid].alive = false;
            }
            _ => {}
        }
        let Some((pid, slot)) = parent else { return };
        let prev = self.frames[fid].prev_event;
        let clock = self.clock;
        let parent_frame = &mut self.frames[pid];
        parent_frame.prev_event = parent_frame.prev_event.max(prev);
        if let Some(kids) = parent_frame.kids.as_mut() {
            kids.done += 1;
            kids.running = kids.running.saturating_sub(1);
            if let Some(child) = kids.record.as_mut().and_then(|r| r.children.get_mut(slot)) {
                child.stopped = clock;
                child.end = match &result {
                    Ok(v) => results::ChildEnd::Succeeded(v.clone()),
                    Err(e) => results::ChildEnd::Failed {
                        error: e.error.clone(),
                        cause: e.cause.clone(),
                    },
                };
            }
            let weight = kids
                .weights
                .as_ref()
                .and_then(|w| w.get(slot).copied())
                .unwrap_or(1);
            match result {
                Ok(v) => kids.results[slot] = Some(v),
                Err(e) => {
                    kids.failures += weight;
                    kids.results[slot] = Some(e.output());
                    if kids.failure.is_none() {
                        kids.failure = Some(e);
                    }
                }
            }
        }
        if matches!(parent_frame.step, Step::Children) {
            self.ready.push_back(pid);
        }
    }

    fn spawn(
        &mut self,
        parent: FrameId,
        slot: usize,
        scope: ScopeId,
        input: Val,
        role: Role,
        item: Option<(usize, Val)>,
    ) -> FrameId {
        let p = &self.frames[parent];
        let silent = p.silent
            || matches!(
                role,
                Role::Iteration {
                    distributed: true,
                    ..
                }
            );
        let frame = Frame {
            scope,
            state: self.program.scopes[scope].start,
            input,
            effective: Val::Null,
            step: Step::Enter,
            parent: Some((parent, slot)),
            role,
            prev_event: p.prev_event,
            entered_event: 0,
            entered_at: self.clock,
            retry_attempts: Vec::new(),
            retry_count: 0,
            vars: Arc::new(Vars::nested(p.vars.clone())),
            item,
            kids: None,
            token: None,
            timer_gen: 0,
            alive: true,
            heartbeat_deadline: None,
            timeout_deadline: None,
            silent,
            failed_event: None,
        };
        self.frames.push(frame);
        self.frames.len() - 1
    }

    fn map_start(&mut self, fid: FrameId, state: &CState) {
        let Kind::Map {
            items_path,
            max_concurrency,
            distributed,
            tolerated_count,
            tolerated_percentage,
            item_reader,
            item_batcher,
            result_writer,
            label,
            express,
            ..
        } = &state.kind
        else {
            return;
        };
        let items = if let Some(reader) = item_reader {
            match self.read_items(fid, state, reader) {
                Ok(items) => items,
                Err(e) => {
                    self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
                    return self.fail_with(fid, e);
                }
            }
        } else if let Some(j) = &state.jsonata {
            match self.jsonata_items(fid, state, j) {
                Ok(items) => items,
                Err(e) => {
                    self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
                    return self.fail_with(fid, e);
                }
            }
        } else {
            let frame = &self.frames[fid];
            let ctx = self.ctx_for(fid, state);
            let items = match items_path {
                None => Ok(frame.effective.clone()),
                Some(p) => self
                    .resolve(frame, p, &frame.effective, &ctx)
                    .map_err(|m| self.path_error(frame, state, p, &m)),
            };
            match items {
                Ok(Val::Array(a)) => a.items().to_vec(),
                Ok(other) => {
                    let cause = self.runtime_cause(
                        frame,
                        state,
                        &format!("Map state input must be an array but was: {other}"),
                    );
                    return self.fail_with(fid, StateError::terminal("States.Runtime", cause));
                }
                Err(e) => return self.fail_with(fid, e),
            }
        };
        // The ResultWriter's bucket and prefix are checked before any child starts.
        let writer = match result_writer {
            None => None,
            Some(w) => match self.writer_setup(fid, state, w) {
                Ok(setup) => Some(setup),
                Err(e) => {
                    self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
                    return self.fail_with(fid, e);
                }
            },
        };
        // With an ItemBatcher, ItemSelector shapes each item, then each batch is a child's input.
        let (items, weights) = match item_batcher {
            None => (items, None),
            Some(batcher) => {
                let mut selected = Ok(Vec::with_capacity(items.len()));
                for (index, value) in items.iter().enumerate() {
                    if let Ok(out) = selected.as_mut() {
                        match self.item_input(fid, state, index, value) {
                            Ok(v) => out.push(v),
                            Err(e) => selected = Err(e),
                        }
                    }
                }
                match selected.and_then(|s| self.batch_items(fid, state, batcher, s)) {
                    Ok(batches) => {
                        let (inputs, counts): (Vec<Val>, Vec<usize>) = batches.into_iter().unzip();
                        (inputs, Some(counts))
                    }
                    Err(e) => {
                        self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
                        return self.fail_with(fid, e);
                    }
                }
            }
        };
        self.emit(
            fid,
            EventKind::MapStateStarted {
                length: items.len(),
            },
        );
        let numbers = match &state.jsonata {
            Some(j) => (|| {
                let limit = self.jnumber(fid, state, &j.max_concurrency, "MaxConcurrency")?;
                let count =
                    self.jnumber(fid, state, &j.tolerated_count, "ToleratedFailureCount")?;
                let percentage = self.jnumber(
                    fid,
                    state,
                    &j.tolerated_percentage,
                    "ToleratedFailurePercentage",
                )?;
                Ok((
                    limit.map(|l| l.max(0.0) as u64),
                    count.map(|c| c.max(0.0) as u64),
                    percentage,
                ))
            })(),
            None => (|| {
                let limit = self.dynamic_number(fid, state, max_concurrency, "MaxConcurrency")?;
                let count =
                    self.dynamic_number(fid, state, tolerated_count, "ToleratedFailureCount")?;
                Ok((limit, count, *tolerated_percentage))
            })(),
        };
        let (limit, tolerated, percentage) = match numbers {
            Ok(n) => n,
            Err(e) => return self.fail_with(fid, e),
        };
        let limit = limit.map_or(0, |l| usize::try_from(l).unwrap_or(usize::MAX));
        // Tolerances count items: a failed batch fails every item in it.
        let item_count = weights.as_ref().map_or(items.len(), |w| w.iter().sum());
        let tolerated = match (tolerated, percentage) {
            (Some(c), _) => Some(usize::try_from(c).unwrap_or(usize::MAX)),
            (None, Some(p)) => Some(((p / 100.0) * item_count as f64).floor() as usize),
            (None, None) => None,
        };
        let total = items.len();
        let record = writer.map(|(target, config)| {
            Box::new(map_run::Record {
                run: self.new_map_run(label, *express),
                target,
                config,
                children: Vec::with_capacity(total),
            })
        });
        if *distributed {
            self.emit(fid, EventKind::MapRunStarted);
        }
        self.frames[fid].kids = Some(Box::new(Kids {
            frames: Vec::with_capacity(total),
            results: vec![None; total],
            items,
            started: 0,
            done: 0,
            running: 0,
            limit: if limit == 0 { usize::MAX } else { limit },
            failure: None,
            failures: 0,
            tolerated,
            map: true,
            distributed: *distributed,
            prepared: weights.is_some(),
            weights,
            record,
        }));
        self.frames[fid].step = if total == 0 {
            Step::Children
        } else {
            Step::Fanning
        };
        if total == 0 {
            self.children_done(fid, state);
        }
    }

    /// The input of one iteration: the item, shaped by ItemSelector (with `$$.Map.Item`).
    fn item_input(
        &mut self,
        fid: FrameId,
        state: &CState,
        index: usize,
        value: &Val,
    ) -> Result<Val, StateError> {
        let Kind::Map { item_selector, .. } = &state.kind else {
            return Ok(value.clone());
        };
        match (&state.jsonata, item_selector) {
            (Some(j), _) => self.jsonata_item(fid, state, j, index, value),
            (None, None) => Ok(value.clone()),
            (None, Some(t)) => {
                let mut m = ObjectMap::new();
                let mut item = ObjectMap::new();
                item.insert(
                    "Index".into(),
                    Val::int(i64::try_from(index).unwrap_or(i64::MAX)),
                );
                item.insert("Value".into(), value.clone());
                m.insert("Item".into(), Val::object(item));
                let frame = &self.frames[fid];
                let mut ctx = self.context(frame, state);
                if let Some(obj) = ctx.object_mut() {
                    obj.insert("Map".into(), Val::object(m));
                }
                let effective = frame.effective.clone();
                self.eval_template(fid, t, &effective, &ctx)
            }
        }
    }

    /// Starts as many iterations as the concurrency limit allows.
    fn map_fan(&mut self, fid: FrameId, state: &CState) {
        let Kind::Map { processor, .. } = &state.kind else {
            return;
        };
        loop {
            let Some(kids) = self.frames[fid].kids.as_ref() else {
                return;
            };
            if kids.started >= kids.items.len()
                || kids.running >= kids.limit
                || kids.over_tolerance()
            {
                break;
            }
            let index = kids.started;
            let value = kids.items[index].clone();
            let (distributed, prepared, recorded) =
                (kids.distributed, kids.prepared, kids.record.is_some());
            let input = if prepared {
                value.clone()
            } else {
                match self.item_input(fid, state, index, &value) {
                    Ok(v) => v,
                    Err(e) => {
                        self.abort_children(fid);
                        return self.fail_with(fid, e);
                    }
                }
            };
            let role = Role::Iteration {
                map: state.name.clone(),
                index,
                distributed,
            };
            if !distributed {
                self.emit(
                    fid,
                    EventKind::MapIterationStarted {
                        name: state.name.clone(),
                        index,
                    },
                );
            }
            let name = recorded.then(|| crate::expr::functions::uuid(&mut self.rng));
            let child = self.spawn(
                fid,
                index,
                *processor,
                input.clone(),
                role,
                Some((index, value)),
            );
            let clock = self.clock;
            if let Some(kids) = self.frames[fid].kids.as_mut() {
                kids.frames.push(child);
                kids.started += 1;
                kids.running += 1;
                if let (Some(record), Some(name)) = (kids.record.as_mut(), name) {
                    record.children.push(results::ChildRun {
                        name,
                        input,
                        started: clock,
                        stopped: clock,
                        end: results::ChildEnd::Running,
                    });
                }
            }
            self.ready.push_back(child);
        }
        self.frames[fid].step = Step::Children;
    }

    /// Stops every running child of a Parallel or Map (their states are aborted).
    fn abort_children(&mut self, fid: FrameId) {
        let Some(mut kids) = self.frames[fid].kids.take() else {
            return;
        };
        let mut aborted = Vec::new();
        for (slot, &child) in kids.frames.iter().enumerate() {
            if !self.frames[child].alive {
                continue;
            }
            aborted.push(slot);
            let c = &self.frames[child];
            let entered = !matches!(c.step, Step::Enter);
            let st = self.state_of(c);
            let (type_name, name) = (st.type_name, st.name.clone());
            if entered {
                self.emit(
                    child,
                    EventKind::StateAborted {
                        state_type: type_name,
                        name,
                    },
                );
            }
            if let Role::Iteration {
                map,
                index,
                distributed: false,
            } = self.frames[child].role.clone()
            {
                self.emit(child, EventKind::MapIterationAborted { name: map, index });
            }
            let c = &mut self.frames[child];
            c.alive = false;
            c.step = Step::Done;
            if let Some(token) = c.token.take() {
                self.tokens.remove(&token);
            }
            // Children of the child (nested Parallel/Map) stop with it.
            if self.frames[child].kids.is_some() {
                self.abort_children(child);
            }
        }
        if let Some(record) = kids.record.as_mut() {
            for slot in aborted {
                if let Some(c) = record.children.get_mut(slot) {
                    c.end = results::ChildEnd::Aborted;
                    c.stopped = self.clock;
                }
            }
        }
        self.frames[fid].kids = Some(kids);
    }

    /// A child finished: start more, or finish the Parallel/Map when all are done or one failed.
    fn children_done(&mut self, fid: FrameId, state: &CState) {
        let Some(kids) = self.frames[fid].kids.as_ref() else {
            return;
        };
        if kids.over_tolerance() {
            let error = kids
                .failure
                .clone()
                .unwrap_or_else(|| StateError::new("States.BranchFailed", None));
            let (map, distributed) = (kids.map, kids.distributed);
            self.abort_children(fid);
            // The results written so far stay readable: a failed Map Run still exports them.
            if let Some(record) = self.frames[fid].kids.as_mut().and_then(|k| k.record.take()) {
                let _ = self.finish_record(fid, state, &record);
            }
            if distributed {
                self.emit(
                    fid,
                    EventKind::MapRunFailed {
                        error: error.error.clone(),
                        cause: error.cause.clone(),
                    },
                );
            }
            self.frames[fid].failed_event = Some(if map {
                EventKind::MapStateFailed
            } else {
                EventKind::ParallelStateFailed
            });
            let error = if kids_tolerated(&self.frames[fid]) {
                StateError::new(
                    "States.ExceedToleratedFailureThreshold",
                    Some(format!(
                        "The specified tolerated failure threshold was exceeded in the Map state '{}'.",
                        state.name
                    )),
                )
            } else {
                error
            };
            return self.fail_with(fid, error);
        }
        if kids.map && kids.started < kids.items.len() {
            if kids.running < kids.limit {
                self.frames[fid].step = Step::Fanning;
                self.ready.push_back(fid);
            }
            return;
        }
        if kids.done < kids.results.len() {
            return;
        }
        let (map, distributed) = (kids.map, kids.distributed);
        let results: Vec<Val> = kids
            .results
            .iter()
            .map(|r| r.clone().unwrap_or(Val::Null))
            .collect();
        let record = self.frames[fid].kids.take().and_then(|k| k.record);
        let result = match record {
            None => Val::array(results),
            Some(record) => match self.finish_record(fid, state, &record) {
                Ok(v) => v,
                Err(e) => {
                    if distributed {
                        self.emit(
                            fid,
                            EventKind::MapRunFailed {
                                error: e.error.clone(),
                                cause: e.cause.clone(),
                            },
                        );
                    }
                    self.frames[fid].failed_event = Some(EventKind::MapStateFailed);
                    return self.fail_with(fid, e);
                }
            },
        };
        if distributed {
            self.emit(fid, EventKind::MapRunSucceeded);
        }
        if map {
            self.emit(fid, EventKind::MapStateSucceeded);
        }
        self.finish_with_result(fid, state, result);
    }

    /// A Task, Parallel or Map has its result: shape it (JSONata Output/Assign, or
    /// ResultSelector/ResultPath/OutputPath) and leave the state, or fail it.
    fn finish_with_result(&mut self, fid: FrameId, state: &CState, result: Val) {
        let processed = match &state.jsonata {
            Some(j) => self.jsonata_finish(fid, state, j, Some(&result)),
            None => {
                let ctx = self.ctx_for(fid, state);
                self.process_result(fid, state, result, &ctx)
            }
        };
        match processed {
            Ok((output, assigned)) => self.exit_with(fid, output, None, assigned),
            Err(e) => self.fail_with(fid, e),
        }
    }
}

fn secs(s: u64) -> Millis {
    i64::try_from(s)
        .unwrap_or(i64::MAX / 1000)
        .saturating_mul(1000)
}

fn kids_tolerated(frame: &Frame) -> bool {
    frame.kids.as_ref().is_some_and(|k| k.tolerated.is_some())
}

/// Whether a Retry or Catch rule's `ErrorEquals` covers an error. `States.ALL` covers every
/// catchable error; `States.TaskFailed` covers what a Task raised, timeouts excepted.
fn error_matches(names: &[Arc<str>], error: &StateError) -> bool {
    names.iter().any(|n| {
        **n == *error.error
            || &**n == "States.ALL"
            || (&**n == "States.TaskFailed"
                && error.from_task
                && !matches!(&*error.error, "States.Timeout" | "States.HeartbeatTimeout"))
    })
}

/// A value as AWS quotes it in messages: strings bare, the rest as JSON.
fn display_plain(v: &Val) -> String {
    match v {
        Val::String(s) => s.to_string(),
        other => other.to_json_string(),
    }
}
