//! The Run mode's controller, without egui: the scenarios, the execution (or the AWS history
//! replayed), play, pause, step and stop, the speed, the breakpoints and the callbacks answered
//! by hand; the consent asked before a test case's local backends run, and what they printed.
//! Everything shown is read from the events through a [`Trace`], as a replayed history would be.

use super::consent::{self, Answer, Ask};
use super::scenarios::{self, Scenario};
use super::setup::{self, Printed};
use crate::studio::canvas::RunOverlay;
use crate::studio::problems::count;
use crate::studio::session::Session;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};
use stepcraft::coverage::Coverage;
use stepcraft::event_log::EventLog;
use stepcraft::history::HistoryEvent;
use stepcraft::interp::Stepped;
use stepcraft::interp::{Execution, Status};
use stepcraft::model::StateMachine;
use stepcraft::tasks::backends::Backends;
use stepcraft::tasks::nested::Child;
use stepcraft::trace::{RunStatus, Trace};
use stepcraft::value::Val;

/// At most this many events are taken in one frame, however fast the run plays.
pub const MAX_EVENTS_PER_FRAME: usize = 20_000;

/// The most time one frame spends running the execution, so the window (and Stop) stays
/// responsive however much work a step is. Reading the events taken into the trace and the
/// views, and drawing, take about as long again while a run streams at instant speed: 8 ms
/// keeps the whole frame near 16 ms (the `stream` bench and the `stream_rss` example).
const FRAME_WORK: Duration = Duration::from_millis(8);

/// How many actions the execution takes between looks at the clock when they write no event.
const ACTIONS_PER_CHECK: usize = 2_000;

/// How often a run looks for the end of the tasks it waits for (they run in the background).
const TASK_POLL: Duration = Duration::from_millis(15);

/// The speed a run plays at unless told otherwise, in events per second.
pub const DEFAULT_SPEED: f32 = 12.0;

/// A recorded history played back on the graph.
#[derive(Debug)]
pub struct Replay {
    /// Where it came from.
    pub name: String,
    events: Vec<HistoryEvent>,
    /// The events shown so far (the first ones of `events`), read as a run's history is.
    shown: EventLog,
    /// The state whose breakpoint stopped the replay before its entered event.
    paused_at: Option<String>,
}

impl Replay {
    /// The events shown so far.
    pub fn shown(&self) -> &EventLog {
        &self.shown
    }

    /// How many events the history has.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether the history has no events.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

/// When the next frame is wanted while a run plays.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NextFrame {
    /// At once (the run plays as fast as it can).
    Now,
    /// When the next event is due.
    After(Duration),
}

/// A callback's answer typed by hand.
#[derive(Clone, Debug, PartialEq)]
pub enum CallbackAnswer {
    /// `SendTaskSuccess` with this output.
    Success(Value),
    /// `SendTaskFailure` with this error and cause.
    Failure {
        /// The error name.
        error: String,
        /// The cause.
        cause: String,
    },
}

/// The Run mode's controller.
#[derive(Debug)]
pub struct RunController {
    scenarios: Vec<Scenario>,
    /// Where the scenarios were read for (the definition's path or name, and when its test files
    /// changed).
    scenarios_for: Option<String>,
    /// The scenario whose mocks answer Task states; `None`: no task results.
    chosen: Option<usize>,
    exec: Option<Execution>,
    trace: Trace,
    /// How many of the execution's events the trace has read.
    read: usize,
    playing: bool,
    /// A single step is still running across frames (playing until its event comes).
    step_pending: bool,
    /// The last frame found nothing to do but wait for tasks running in the background.
    waiting_for_tasks: bool,
    /// Events per second while playing; 0 runs as fast as it can.
    speed: f32,
    carry: f64,
    last_time: Option<f64>,
    breakpoints: BTreeSet<String>,
    message: Option<String>,
    /// The document generation the execution was started from.
    started_from: u64,
    /// Statuses by state, and how many events they were read from.
    status_cache: Option<(usize, Arc<HashMap<String, RunStatus>>)>,
    /// A history recorded on AWS being replayed: its events, and how many are shown.
    replay: Option<Replay>,
    /// How many runs (or replays) were started: what the UI's caches are keyed by.
    runs_started: u64,
    /// The coverage of the definition by every test case, while it is shown.
    coverage: Option<CoverageRun>,
    /// A run waiting for the user to allow or deny its backends.
    asking: Option<Ask>,
    /// The answers given for this workflow (read from beside the definition).
    answers: Vec<Answer>,
    /// The backends of the last run allowed, kept warm for the next run of the same ones.
    warm: Option<(Vec<String>, Arc<Backends>)>,
    /// Where what the current run's backends print arrives.
    printed: Option<Printed>,
    /// What each task's invocation printed, by the task's event it arrived with.
    logs: BTreeMap<u64, String>,
    /// The child executions each nested task ran, by its `TaskStarted` event.
    children: BTreeMap<u64, Vec<Arc<Child>>>,
}

/// What a run whose backends were denied says.
pub const DENIED: &str = "Local backends denied for this workflow: the Task states bound to them are answered by the test case's mocks, or wait for a result typed here. Revoke the answer (under the buttons) to be asked again.";

/// The coverage of the definition by the test cases, run all at once.
#[derive(Debug, Clone)]
pub struct CoverageRun {
    /// What the cases covered.
    pub coverage: Arc<Coverage>,
    /// The document generation it was worked out on (its pointers hold only for that one).
    pub generation: u64,
    /// The cases run.
    pub cases: usize,
    /// The cases that could not run, with why.
    pub skipped: Vec<(String, String)>,
}

impl Default for RunController {
    fn default() -> Self {
        Self {
            scenarios: Vec::new(),
            scenarios_for: None,
            chosen: None,
            exec: None,
            trace: Trace::new(),
            read: 0,
            playing: false,
            step_pending: false,
            waiting_for_tasks: false,
            speed: DEFAULT_SPEED,
            carry: 0.0,
            last_time: None,
            breakpoints: BTreeSet::new(),
            message: None,
            started_from: 0,
            status_cache: None,
            replay: None,
            runs_started: 0,
            coverage: None,
            asking: None,
            answers: Vec::new(),
            warm: None,
            printed: None,
            logs: BTreeMap::new(),
            children: BTreeMap::new(),
        }
    }
}

impl RunController {
    /// A controller with nothing run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the run, the replay, the scenarios and the breakpoints (another definition was
    /// opened); the speed stays, and the count of runs goes on.
    pub fn reset(&mut self) {
        *self = Self {
            speed: self.speed,
            runs_started: self.runs_started + 1,
            ..Self::default()
        };
    }

    /// The state runs so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The execution, once started.
    pub fn execution(&self) -> Option<&Execution> {
        self.exec.as_ref()
    }

    /// The execution's status, once started.
    pub fn status(&self) -> Option<&Status> {
        self.exec.as_ref().map(Execution::status)
    }

    /// The history being replayed, if one is.
    pub fn replay(&self) -> Option<&Replay> {
        self.replay.as_ref()
    }

    /// The events so far (of the run, or of the history replayed).
    pub fn events(&self) -> &EventLog {
        static NONE: EventLog = EventLog::new();
        if let Some(r) = &self.replay {
            return r.shown();
        }
        self.exec.as_ref().map_or(&NONE, |e| e.history())
    }

    /// How many runs and replays were started (or the controller reset): a new number means
    /// what was shown of the last one is stale.
    pub fn runs_started(&self) -> u64 {
        self.runs_started
    }

    /// What went wrong last (the run refused, a callback answer refused...).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// Shows a message (or clears it).
    pub fn set_message(&mut self, message: Option<String>) {
        self.message = message;
    }

    /// The document generation the execution was started from.
    pub fn started_from(&self) -> u64 {
        self.started_from
    }

    /// Whether a recorded history is being replayed.
    pub fn is_replay(&self) -> bool {
        self.replay.is_some()
    }

    /// Whether the run is playing on its own.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// How many of the run's tasks are running in the background (a local function, a
    /// command, a request), when it has to wait for them to go on: 0 otherwise.
    pub fn tasks_waited_for(&self) -> usize {
        match &self.exec {
            Some(exec) if self.waiting_for_tasks && self.replay.is_none() => exec.tasks_running(),
            _ => 0,
        }
    }

    /// The states with a breakpoint.
    pub fn breakpoints(&self) -> &BTreeSet<String> {
        &self.breakpoints
    }

    /// The ways to run found for this definition.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// The scenario whose mocks answer the Task states, if one is chosen.
    pub fn chosen(&self) -> Option<usize> {
        self.chosen
    }

    /// Chooses a scenario (`None`: Task states answered by hand); the chosen one's input.
    pub fn choose(&mut self, index: Option<usize>) -> Option<&Value> {
        self.chosen = index.filter(|&i| i < self.scenarios.len());
        self.chosen.map(|i| &self.scenarios[i].input)
    }

    /// The speed in events per second (0: as fast as it can).
    pub fn speed(&self) -> f32 {
        self.speed
    }

    /// Sets the speed in events per second (0: as fast as it can).
    pub fn set_speed(&mut self, speed: f32) {
        self.speed = speed.max(0.0);
    }

    /// Toggles a breakpoint before entering `state`.
    pub fn toggle_breakpoint(&mut self, state: &str) {
        if !self.breakpoints.remove(state) {
            self.breakpoints.insert(state.to_owned());
        }
        let names: Vec<String> = self.breakpoints.iter().cloned().collect();
        if let Some(exec) = &mut self.exec {
            exec.set_breakpoints(names);
        }
    }

    /// Status by state name, for the canvas.
    pub fn statuses(&self) -> HashMap<String, RunStatus> {
        self.trace
            .names()
            .filter_map(|name| Some((name.to_string(), self.trace.status_of(name)?)))
            .collect()
    }

    /// What the canvas draws over the graph: statuses (worked out again only when events came
    /// in), breakpoints, the state paused before.
    pub fn overlay(&mut self) -> RunOverlay {
        let statuses = match &self.status_cache {
            Some((read, map)) if *read == self.read => Arc::clone(map),
            _ => {
                let map = Arc::new(self.statuses());
                self.status_cache = Some((self.read, Arc::clone(&map)));
                map
            }
        };
        RunOverlay {
            statuses,
            breakpoints: self.breakpoints.clone(),
            paused_at: self.paused_at().map(str::to_owned),
            coverage: self.coverage.as_ref().map(|c| Arc::clone(&c.coverage)),
            ..RunOverlay::default()
        }
    }

    /// The coverage shown, if any.
    pub fn coverage(&self) -> Option<&CoverageRun> {
        self.coverage.as_ref()
    }

    /// Whether the session's definition can run: one with errors is refused, the message
    /// saying so (`what` says what cannot happen).
    fn runnable(&mut self, session: &Session, what: &str) -> bool {
        self.message = None;
        let errors = session
            .diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .count();
        if errors > 0 {
            self.message = Some(format!(
                "The definition has {} — AWS would reject it, so {what}. Fix them in Design or Code mode (the Problems list shows where).",
                count(errors, "error")
            ));
        }
        errors == 0
    }

    /// Runs every test case to its end, at once, and shows on the graph what they covered
    /// together (until a run starts, the coverage is hidden or the definition changes). A
    /// definition with errors is refused, saying why.
    pub fn run_coverage(&mut self, session: &Session) {
        if !self.runnable(session, "its test cases cannot run") {
            return;
        }
        if self.scenarios.is_empty() {
            self.message = Some(
                "There are no test cases to run: add a test file beside the definition (NAME.test.yaml)."
                    .to_owned(),
            );
            return;
        }
        let mut coverage = Coverage::new(session.machine());
        let mut skipped = Vec::new();
        for scenario in &self.scenarios {
            let none = BTreeSet::new();
            // Backends run only when allowed before; denied, the case runs on its mocks.
            let backends = match setup::bound_backends(session, Some(scenario)) {
                Ok(None) => None,
                Ok(Some((backends, runs))) => match consent::recall(&self.answers, &runs) {
                    Some(true) => Some(backends),
                    Some(false) => None,
                    None => {
                        skipped.push((
                            scenario.name.clone(),
                            "its local backends wait for an answer: choose it and Start once to allow or deny them".to_owned(),
                        ));
                        continue;
                    }
                },
                Err(why) => {
                    skipped.push((scenario.name.clone(), why));
                    continue;
                }
            };
            let input = scenario.input.clone();
            match setup::new_execution(
                session,
                Some(scenario),
                input,
                &none,
                backends,
                setup::Asking::Nobody,
            ) {
                Ok(mut started) => {
                    stepcraft::run::run_to_end(&mut started.exec);
                    coverage.add_history(started.exec.history());
                }
                Err(why) => skipped.push((scenario.name.clone(), why)),
            }
        }
        self.coverage = Some(CoverageRun {
            cases: self.scenarios.len() - skipped.len(),
            coverage: Arc::new(coverage),
            generation: session.generation(),
            skipped,
        });
    }

    /// Stops showing the coverage.
    pub fn hide_coverage(&mut self) {
        self.coverage = None;
    }

    /// Drops coverage worked out on another version of the definition.
    pub fn forget_stale_coverage(&mut self, generation: u64) {
        if self
            .coverage
            .as_ref()
            .is_some_and(|c| c.generation != generation)
        {
            self.coverage = None;
        }
    }

    /// The state the execution (or the replay) is paused before, if it is.
    pub fn paused_at(&self) -> Option<&str> {
        if let Some(r) = &self.replay {
            return r.paused_at.as_deref();
        }
        match self.status() {
            Some(Status::Paused { state }) => Some(state),
            _ => None,
        }
    }

    /// Reads the test files next to the definition (or bundled with an example) once per file:
    /// each case is a scenario.
    pub fn load_scenarios(&mut self, session: &Session) {
        // The key changes when a test file beside the definition changes, so edits to it show.
        let key = session.path().map_or_else(
            || session.name().to_owned(),
            |p| format!("{}{:?}", p.display(), scenarios::test_files_stamp(p)),
        );
        if self.scenarios_for.as_deref() == Some(key.as_str()) {
            return;
        }
        self.scenarios = match session.path() {
            Some(path) => scenarios::scenarios_beside(path),
            None => crate::app::bundled_test_file(session.name())
                .map(|(path, text)| scenarios::scenarios_from_text(Path::new(path), text))
                .unwrap_or_default(),
        };
        self.scenarios_for = Some(key);
        self.chosen = None;
        if let Some(file) = consent_file(session) {
            self.answers = consent::answers(&file);
        }
    }

    /// The run waiting for the user to allow or deny its backends.
    pub fn asking(&self) -> Option<&Ask> {
        self.asking.as_ref()
    }

    /// The answers given for this workflow's backends.
    pub fn answers(&self) -> &[Answer] {
        &self.answers
    }

    /// Allows or denies the backends asked about, remembers it beside the definition, and
    /// starts the run that asked.
    pub fn answer_consent(&mut self, session: &Session, allow: bool) {
        let Some(ask) = self.asking.take() else {
            return;
        };
        let file = consent_file(session);
        let kept = consent::remember(&mut self.answers, file.as_deref(), ask.runs, allow);
        self.start(session, ask.input);
        if let Err(e) = kept {
            self.message = Some(e);
        }
    }

    /// Forgets every answer about this workflow's backends (and ends their processes): the
    /// next run with backends asks again.
    pub fn revoke_consent(&mut self, session: &Session) {
        self.warm = None;
        self.asking = None;
        let file = consent_file(session);
        self.message = consent::forget(&mut self.answers, file.as_deref()).err();
    }

    /// What each invocation of a local function or command printed during `run`'s task, by
    /// the task's event it arrived with (one per attempt).
    pub fn logs_of_run(&self, run: usize) -> Vec<(u64, &str)> {
        self.logs
            .iter()
            .filter(|(id, _)| self.trace.run_of_event(**id) == Some(run))
            .map(|(id, text)| (*id, text.as_str()))
            .collect()
    }

    /// The child executions `run`'s task started (one per attempt).
    pub fn children_of_run(&self, run: usize) -> Vec<Arc<Child>> {
        self.children
            .iter()
            .filter(|(id, _)| self.trace.run_of_event(**id) == Some(run))
            .flat_map(|(_, c)| c.iter().cloned())
            .collect()
    }

    /// Whether the scenarios were read at least once.
    pub fn has_loaded_scenarios(&self) -> bool {
        self.scenarios_for.is_some()
    }

    /// Starts a new execution of the session's definition on `input`, with its parameter
    /// values, Task states answered by the chosen scenario's mocks. A definition with errors
    /// is refused, saying why.
    pub fn start(&mut self, session: &Session, input: Value) {
        if !self.runnable(session, "it cannot run") {
            return;
        }
        self.asking = None;
        let scenario = self.chosen.map(|i| &self.scenarios[i]);
        let bound = match setup::bound_backends(session, scenario) {
            Ok(b) => b,
            Err(message) => {
                self.message = Some(message);
                return;
            }
        };
        let mut denied = false;
        let backends = match bound {
            None => None,
            Some((backends, runs)) => match consent::recall(&self.answers, &runs) {
                None => {
                    self.asking = Some(Ask {
                        case: scenario.map(|s| s.name.clone()).unwrap_or_default(),
                        runs,
                        input,
                    });
                    return;
                }
                Some(true) => Some(match &self.warm {
                    Some((was, warm)) if *was == runs => Arc::clone(warm),
                    _ => {
                        self.warm = Some((runs, Arc::clone(&backends)));
                        backends
                    }
                }),
                Some(false) => {
                    denied = true;
                    None
                }
            },
        };
        let started = match setup::new_execution(
            session,
            scenario,
            input,
            &self.breakpoints,
            backends,
            setup::Asking::User,
        ) {
            Ok(started) => started,
            Err(message) => {
                self.message = Some(message);
                return;
            }
        };
        self.exec = Some(started.exec);
        self.printed = started.printed;
        self.replay = None;
        self.started(session.generation());
        if denied {
            self.message = Some(DENIED.to_owned());
        }
    }

    /// Replays events recorded on AWS (read with [`stepcraft::replay::read_history`]) on the
    /// graph, from the first, with the same controls as a run.
    pub fn replay_events(&mut self, name: String, events: Vec<HistoryEvent>) {
        self.exec = None;
        self.printed = None;
        self.message = None;
        self.replay = Some(Replay {
            name,
            events,
            shown: EventLog::new(),
            paused_at: None,
        });
        self.started(self.started_from);
    }

    /// Replays a history exported from AWS (GetExecutionHistory's JSON); a file that cannot
    /// be read says why.
    pub fn replay_file(&mut self, path: &Path) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                self.message = Some(format!("{}: cannot read: {e}", path.display()));
                return;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                self.message = Some(format!(
                    "{}:{}:{}: not JSON: {e}",
                    path.display(),
                    e.line(),
                    e.column()
                ));
                return;
            }
        };
        match stepcraft::replay::read_history(&value) {
            Ok(events) => self.replay_events(path.display().to_string(), events),
            Err(e) => self.message = Some(format!("{}: {e}", path.display())),
        }
    }

    /// What every new run or replay starts from: nothing read, playing.
    fn started(&mut self, generation: u64) {
        self.coverage = None;
        self.logs.clear();
        self.children.clear();
        self.trace = Trace::new();
        self.read = 0;
        self.status_cache = None;
        self.playing = true;
        self.step_pending = false;
        self.waiting_for_tasks = false;
        self.carry = 0.0;
        self.last_time = None;
        self.started_from = generation;
        self.runs_started += 1;
    }

    /// Says so when the replayed history enters states `machine` does not have: it was
    /// probably recorded from another state machine (or an older version of this one).
    pub fn check_replay_against(&mut self, machine: &StateMachine) {
        let Some(r) = &self.replay else { return };
        let known: BTreeSet<&str> = machine.states().iter().map(|s| s.name.0.as_str()).collect();
        let mut unknown: Vec<&str> = r
            .events
            .iter()
            .filter_map(|e| e.kind.state_name())
            .filter(|n| !n.is_empty() && !known.contains(n))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        if !unknown.is_empty() {
            let shown: Vec<&str> = unknown.iter().copied().take(5).collect();
            self.message = Some(format!(
                "This history enters {} that this definition does not have ({}{}): it was probably recorded from another state machine, or another version of this one.",
                count(unknown.len(), "state"),
                shown.join(", "),
                if unknown.len() > 5 { ", …" } else { "" }
            ));
        }
    }

    /// Whether there is more to play: a run not ended, or a replay not at its last event.
    pub fn can_go_on(&self) -> bool {
        match (&self.replay, &self.exec) {
            (Some(r), _) => r.shown.len() < r.events.len(),
            (None, Some(e)) => !e.status().is_final(),
            (None, None) => false,
        }
    }

    /// Takes the next event (and pauses).
    pub fn step(&mut self) {
        self.playing = false;
        self.step_pending = false;
        self.advance(1);
    }

    /// Plays on from a pause or a breakpoint.
    pub fn resume(&mut self) {
        if self.can_go_on() {
            self.playing = true;
            self.last_time = None;
            self.carry = 0.0;
        }
    }

    /// Pauses playing.
    pub fn pause(&mut self) {
        self.playing = false;
        self.step_pending = false;
    }

    /// Stops the execution (`ExecutionAborted`); a replay only pauses.
    pub fn stop(&mut self) {
        self.playing = false;
        self.step_pending = false;
        if self.replay.is_some() {
            return;
        }
        if let Some(exec) = &mut self.exec {
            exec.cancel(None, None);
        }
        self.advance(usize::MAX);
    }

    /// Whether the run can be redriven (a local run that failed, was stopped or timed out).
    pub fn can_redrive(&self) -> bool {
        self.replay.is_none() && self.exec.as_ref().is_some_and(|e| e.can_redrive().is_ok())
    }

    /// Redrives the ended run (RedriveExecution): the same run goes on from the states that did
    /// not succeed, its history after `ExecutionRedriven`, and plays. A refusal says why, with
    /// AWS's error name.
    pub fn redrive(&mut self) {
        if self.replay.is_some() {
            self.message = Some(
                "A history replayed from AWS cannot be redriven here: redrive the execution on AWS (stepcraft executions redrive ARN), then replay its history again.".to_owned(),
            );
            return;
        }
        let Some(exec) = &mut self.exec else { return };
        match exec.redrive() {
            Ok(_) => {
                self.message = None;
                self.playing = true;
                self.step_pending = false;
                self.carry = 0.0;
                self.last_time = None;
            }
            Err(why) => self.message = Some(format!("{}: {why}", why.aws_error())),
        }
    }

    /// Lets virtual time pass to the next timer (a heartbeat or timeout of a waiting task).
    pub fn let_time_pass(&mut self) {
        if let Some(exec) = &mut self.exec {
            exec.let_time_pass();
        }
        self.resume();
    }

    /// Answers the waiting task with `token`, and plays on; a refused answer says why.
    pub fn answer(&mut self, token: &str, answer: CallbackAnswer) {
        let Some(exec) = &mut self.exec else { return };
        let result = match answer {
            CallbackAnswer::Success(output) => exec.send_task_success(token, Val::from(output)),
            CallbackAnswer::Failure { error, cause } => {
                exec.send_task_failure(token, &error, &cause)
            }
        };
        match result {
            Ok(()) => {
                self.message = None;
                self.resume();
            }
            Err(e) => self.message = Some(format!("The callback was refused: {e:?}")),
        }
    }

    /// Takes up to `n` events from the execution (or the replayed history) and reads them.
    fn advance(&mut self, n: usize) {
        if let Some(r) = &mut self.replay {
            // Breakpoints hold a replay too: it stops before the state's entered event. The
            // first event after a stop is taken, so Continue and Step move on.
            let resuming = r.paused_at.take().is_some();
            for taken in 0..n {
                let Some(e) = r.events.get(r.shown.len()) else {
                    self.playing = false;
                    break;
                };
                if let Some(name) = e.kind.state_name()
                    && matches!(e.kind, stepcraft::history::EventKind::StateEntered { .. })
                    && self.breakpoints.contains(name)
                    && !(resuming && taken == 0)
                {
                    r.paused_at = Some(name.to_owned());
                    self.playing = false;
                    break;
                }
                self.trace.push(e);
                r.shown.push(e.clone());
            }
            self.read = r.shown.len();
            if r.shown.len() == r.events.len() {
                self.playing = false;
            }
            return;
        }
        let Some(exec) = &mut self.exec else { return };
        // One frame's work at most: a distributed Map's child executions run without writing
        // events here, and a long run at instant speed must leave Stop (and the window) working.
        let started = Instant::now();
        let mut taken = 0;
        let mut still = false;
        self.waiting_for_tasks = false;
        while taken < n {
            match exec.step_within(ACTIONS_PER_CHECK) {
                Stepped::Event(e) => {
                    taken += 1;
                    // What a backend printed arrives in the step that called it (in place), or
                    // in the one that took its outcome (in the background): the task's event.
                    for text in exec.take_task_logs() {
                        self.logs.entry(e.id).or_default().push_str(&text);
                    }
                    if let Some(printed) = &self.printed {
                        let mut p = printed.lock().unwrap_or_else(PoisonError::into_inner);
                        for text in p.logs.drain(..) {
                            self.logs.entry(e.id).or_default().push_str(&text);
                        }
                        for child in p.children.drain(..) {
                            self.children.entry(e.id).or_default().push(Arc::new(child));
                        }
                    }
                }
                Stepped::Busy => {}
                Stepped::Waiting => {
                    // Only tasks in the background are left: look again in a moment.
                    self.waiting_for_tasks = true;
                    break;
                }
                Stepped::Still => {
                    // Ended, waiting for a callback, or stopped at a breakpoint.
                    self.playing = false;
                    self.step_pending = false;
                    still = true;
                    break;
                }
            }
            if started.elapsed() >= FRAME_WORK {
                break;
            }
        }
        if self.step_pending && taken > 0 {
            // A step that took more than one frame has its event: pause again.
            self.step_pending = false;
            self.playing = false;
        } else if taken < n && !still && !self.playing && n == 1 {
            // A single step still working when the frame's time ran out (or waiting for tasks
            // in the background): go on next frame. One that met a breakpoint, a wait for an
            // answer or the end stays where it is.
            self.step_pending = true;
            self.playing = true;
        }
        let Some(exec) = &self.exec else { return };
        let events = exec.history();
        self.trace.extend(events.iter_from(self.read));
        self.read = events.len();
    }

    /// Plays for one frame drawn at `now` (seconds on the UI's clock): as many events as the
    /// speed allows since the last frame. When to draw the next frame, while playing.
    pub fn tick(&mut self, now: f64) -> Option<NextFrame> {
        if !self.playing {
            self.last_time = None;
            return None;
        }
        let due = if self.step_pending {
            1
        } else if self.speed <= 0.0 {
            MAX_EVENTS_PER_FRAME
        } else {
            // A frame long after the last (the window was hidden, or another mode was shown)
            // does not play the missed events in one burst.
            let dt = self.last_time.map_or(0.0, |t| (now - t).clamp(0.0, 0.25));
            self.carry += dt * f64::from(self.speed);
            // The first frame of a run shows its first event at once.
            let due = if self.last_time.is_none() {
                1
            } else {
                self.carry.floor() as usize
            };
            self.carry -= due as f64;
            due.min(MAX_EVENTS_PER_FRAME)
        };
        self.last_time = Some(now);
        if due > 0 {
            self.advance(due);
        }
        // The next frame is wanted when the next event is due, not at the screen's rate; while
        // the run (or a step) waits for tasks in the background, when it is time to look for
        // their ends again.
        Some(
            if self.waiting_for_tasks && (self.speed <= 0.0 || self.step_pending) {
                NextFrame::After(TASK_POLL)
            } else if self.speed <= 0.0 {
                NextFrame::Now
            } else {
                let wait = ((1.0 - self.carry).max(0.0) / f64::from(self.speed)).min(1.0);
                NextFrame::After(Duration::from_secs_f64(wait))
            },
        )
    }
}

/// Where the answers about a definition's backends are kept (none for a bundled example: they
/// stay in memory).
fn consent_file(session: &Session) -> Option<PathBuf> {
    session.path().map(|p| stepcraft::run::beside(p).consent)
}
