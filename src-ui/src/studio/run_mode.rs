//! The Run mode: run the open definition in the embedded interpreter and watch it, event by
//! event. An input (or a test case's input and mocked task results), Start, then pause, step,
//! continue or stop; breakpoints on states; callbacks answered by hand. The canvas shows each
//! state's status, a table lists the state runs and another the events in the shape of AWS's
//! GetExecutionHistory; the details pane shows the selected run's input, output and error.
//!
//! Everything shown is read from the execution's history through [`Trace`], as a replayed AWS
//! history would be.

use super::canvas::RunOverlay;
use super::session::Session;
use super::theme;
use egui::{RichText, Ui};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::history::{HistoryEvent, to_aws_json};
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::tasks::mock::MockResolver;
use stepcraft::tasks::objects::ObjectStore;
use stepcraft::tasks::{TaskOutcome, TaskRequest, TaskResolver};
use stepcraft::testing::{self, Mocks, Objects};
use stepcraft::trace::{RunStatus, StateRun, Trace};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// At most this many events are taken in one frame, however fast the run plays.
const MAX_EVENTS_PER_FRAME: usize = 20_000;

/// A way to run: an input and how Task states are answered.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// What the list shows.
    pub name: String,
    /// The execution input.
    pub input: Value,
    /// Mocked task results, or why they cannot be used.
    pub mocks: Result<Mocks, String>,
    /// The objects a distributed Map reads (the test file's `s3Root` and `files`).
    pub objects: Result<Objects, String>,
}

/// Task results when no test case is chosen: a task that waits for a callback (or an activity
/// worker) waits for the answer typed in the Run panel; any other task fails, saying how to give
/// it a result.
#[derive(Debug)]
struct ByHand;

impl TaskResolver for ByHand {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        // An activity waits for a worker: here, for the answer typed in the panel.
        if request.task_token.is_some() || request.resource.contains(":activity:") {
            return TaskOutcome::Pending;
        }
        TaskOutcome::Failure {
            error: "States.TaskFailed".into(),
            cause: format!(
                "No result was given for the Task state '{}'. Choose a test case under Task results to mock it.",
                request.state_name
            ),
        }
    }
}

/// What the Task results list calls running without a test case.
const BY_HAND: &str = "None: callbacks answered here, other tasks fail";

/// Which list the bottom panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RunTab {
    /// The state runs.
    #[default]
    States,
    /// The history events.
    Events,
}

/// What the details pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Focus {
    Run(usize),
    Event(usize),
}

/// The Run mode's state.
#[derive(Debug)]
pub struct RunMode {
    input: String,
    input_error: Option<String>,
    scenarios: Vec<Scenario>,
    /// Where the scenarios were read for (the definition's path or name, and when its test files
    /// changed).
    scenarios_for: Option<String>,
    /// When the test files were last looked at (the UI's clock).
    scanned_at: f64,
    /// The scenario whose mocks answer Task states; `None`: no task results.
    chosen: Option<usize>,
    exec: Option<Execution>,
    trace: Trace,
    /// How many of the execution's events the trace has read.
    read: usize,
    playing: bool,
    /// Events per second while playing; 0 runs as fast as it can.
    speed: f32,
    carry: f64,
    last_time: Option<f64>,
    breakpoints: BTreeSet<String>,
    focus: Option<Focus>,
    tab: RunTab,
    callback_output: String,
    callback_error: String,
    callback_cause: String,
    message: Option<String>,
    /// The document generation the execution was started from.
    started_from: u64,
    /// Statuses by state, and how many events they were read from.
    status_cache: Option<(usize, Arc<HashMap<String, RunStatus>>)>,
    /// A history recorded on AWS being replayed: its events, and how many are shown.
    replay: Option<Replay>,
    /// The path typed for a history to replay.
    replay_path: String,
    /// Pretty JSON texts already made for the details pane, by (what, which run or event): a
    /// run's input and output do not change once shown, and a 256 KiB payload is not written
    /// out again every frame.
    pretty: RefCell<HashMap<(u8, u64), Arc<str>>>,
}

/// A recorded history played back on the graph.
#[derive(Debug)]
struct Replay {
    /// Where it came from.
    name: String,
    events: Vec<HistoryEvent>,
    shown: usize,
    /// The state whose breakpoint stopped the replay before its entered event.
    paused_at: Option<String>,
}

impl Default for RunMode {
    fn default() -> Self {
        Self {
            input: "{}".to_owned(),
            input_error: None,
            scenarios: Vec::new(),
            scenarios_for: None,
            scanned_at: 0.0,
            chosen: None,
            exec: None,
            trace: Trace::new(),
            read: 0,
            playing: false,
            speed: 12.0,
            carry: 0.0,
            last_time: None,
            breakpoints: BTreeSet::new(),
            focus: None,
            tab: RunTab::States,
            callback_output: "{}".to_owned(),
            callback_error: "Rejected".to_owned(),
            callback_cause: String::new(),
            message: None,
            started_from: 0,
            status_cache: None,
            replay: None,
            replay_path: String::new(),
            pretty: RefCell::new(HashMap::new()),
        }
    }
}

impl RunMode {
    /// A Run mode with nothing run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the run, the replay, the scenarios and the breakpoints (another definition was
    /// opened); the speed stays.
    pub fn reset(&mut self) {
        *self = Self {
            speed: self.speed,
            ..Self::default()
        };
    }

    /// The state runs so far.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The execution's status, once started.
    pub fn status(&self) -> Option<&Status> {
        self.exec.as_ref().map(Execution::status)
    }

    /// The events so far (of the run, or of the history replayed).
    pub fn events(&self) -> &[HistoryEvent] {
        if let Some(r) = &self.replay {
            return &r.events[..r.shown];
        }
        self.exec.as_ref().map_or(&[], |e| e.history())
    }

    /// Replays a history exported from AWS (GetExecutionHistory's JSON) on the graph, from its
    /// first event, with the same controls as a run.
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
            Ok(events) => {
                self.exec = None;
                self.pretty.borrow_mut().clear();
                self.trace = Trace::new();
                self.read = 0;
                self.status_cache = None;
                self.focus = None;
                self.message = None;
                self.replay = Some(Replay {
                    name: path.display().to_string(),
                    events,
                    shown: 0,
                    paused_at: None,
                });
                self.playing = true;
                self.last_time = None;
                self.carry = 0.0;
            }
            Err(e) => self.message = Some(format!("{}: {e}", path.display())),
        }
    }

    /// Says so when the replayed history enters states the open definition does not have: it
    /// was probably recorded from another state machine (or an older version of this one).
    pub fn check_replay_against(&mut self, session: &Session) {
        let Some(r) = &self.replay else { return };
        let known: BTreeSet<&str> = session
            .machine()
            .states()
            .iter()
            .map(|s| s.name.0.as_str())
            .collect();
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
                super::problems::count(unknown.len(), "state"),
                shown.join(", "),
                if unknown.len() > 5 { ", …" } else { "" }
            ));
        }
    }

    /// Whether a recorded history is being replayed.
    pub fn is_replay(&self) -> bool {
        self.replay.is_some()
    }

    /// Whether the run is playing on its own.
    pub fn is_playing(&self) -> bool {
        self.playing
    }

    /// The states with a breakpoint.
    pub fn breakpoints(&self) -> &BTreeSet<String> {
        &self.breakpoints
    }

    /// The ways to run found for this definition.
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// Sets the input text (as the editor would).
    pub fn set_input(&mut self, text: &str) {
        text.clone_into(&mut self.input);
    }

    /// Chooses a scenario: its input replaces the editor's, its mocks answer the Task states.
    pub fn choose(&mut self, index: Option<usize>) {
        self.chosen = index.filter(|&i| i < self.scenarios.len());
        if let Some(s) = self.chosen.map(|i| &self.scenarios[i]) {
            self.input = serde_json::to_string_pretty(&s.input).unwrap_or_else(|_| "{}".into());
        }
    }

    /// Sets the path of a history to replay (as the field would).
    pub fn set_replay_path(&mut self, path: &str) {
        path.clone_into(&mut self.replay_path);
    }

    /// Sets the output a callback's success sends (as the editor would).
    pub fn set_callback_output(&mut self, text: &str) {
        text.clone_into(&mut self.callback_output);
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
        let mut out = HashMap::new();
        for run in self.trace.runs() {
            if !out.contains_key(&*run.name)
                && let Some(status) = self.trace.status_of(&run.name)
            {
                out.insert(run.name.to_string(), status);
            }
        }
        out
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
            |p| format!("{}{:?}", p.display(), test_files_stamp(p)),
        );
        if self.scenarios_for.as_deref() == Some(key.as_str()) {
            return;
        }
        self.scenarios = match session.path() {
            Some(path) => scenarios_beside(path),
            None => crate::app::bundled_test_file(session.name())
                .map(|(path, text)| scenarios_from_text(Path::new(path), text))
                .unwrap_or_default(),
        };
        self.scenarios_for = Some(key);
        self.chosen = None;
    }

    /// Starts a new execution of the session's definition, with its parameter values.
    pub fn start(&mut self, session: &Session) {
        self.message = None;
        let input: Value = match serde_json::from_str(&self.input) {
            Ok(v) => v,
            Err(e) => {
                self.input_error = Some(format!("The input is not JSON: {e}"));
                return;
            }
        };
        self.input_error = None;
        let errors = session
            .diagnostics()
            .iter()
            .filter(|d| d.is_error())
            .count();
        if errors > 0 {
            self.message = Some(format!(
                "The definition has {} — AWS would reject it, so it cannot run. Fix them in Design or Code mode (the Problems list shows where).",
                super::problems::count(errors, "error")
            ));
            return;
        }
        let applied = session
            .parameters()
            .effective()
            .apply_to(session.document());
        let (machine, _) = Document::from_value(applied.value, Format::Json).model();
        let program = match Program::compile(&machine) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                self.message = Some(format!("The definition cannot run: {e}"));
                return;
            }
        };
        let resolver: Box<dyn TaskResolver> = match self.chosen.map(|i| &self.scenarios[i].mocks) {
            Some(Ok(Mocks::Config {
                config,
                state_machine,
                test_case,
            })) => match MockResolver::new(config, state_machine.as_deref(), test_case) {
                Ok(r) => Box::new(r),
                Err(e) => {
                    self.message = Some(format!("The mocks cannot be used: {e}"));
                    return;
                }
            },
            Some(Err(e)) => {
                self.message = Some(format!("The mocks cannot be used: {e}"));
                return;
            }
            Some(Ok(Mocks::None)) | None => Box::new(ByHand),
        };
        let objects: Option<Arc<dyn ObjectStore>> =
            match self.chosen.map(|i| &self.scenarios[i].objects) {
                Some(Ok(o)) => testing::store_for(o, &testing::RunOptions::default())
                    .map(|s| s as Arc<dyn ObjectStore>),
                Some(Err(e)) => {
                    self.message = Some(format!("The test case's data cannot be read: {e}"));
                    return;
                }
                None => None,
            };
        // What the run writes (a ResultWriter's files) stays in memory.
        let config = Config {
            objects,
            ..Config::default()
        };
        let mut exec = Execution::new(program, Val::from(input), config, resolver);
        exec.set_breakpoints(self.breakpoints.iter().cloned().collect::<Vec<_>>());
        self.exec = Some(exec);
        self.replay = None;
        self.pretty.borrow_mut().clear();
        self.trace = Trace::new();
        self.read = 0;
        self.status_cache = None;
        self.focus = None;
        self.playing = true;
        self.carry = 0.0;
        self.last_time = None;
        self.started_from = session.generation();
    }

    /// F5: pauses a playing run, continues a paused one, or starts a new one.
    pub fn play_or_pause(&mut self, session: &Session) {
        if self.playing {
            self.pause();
        } else if self.can_go_on() {
            self.resume();
        } else {
            self.start(session);
        }
    }

    /// Takes the next event (and pauses).
    pub fn step(&mut self) {
        self.playing = false;
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
    }

    /// Stops the execution (`ExecutionAborted`); a replay only pauses.
    pub fn stop(&mut self) {
        self.playing = false;
        if self.replay.is_some() {
            return;
        }
        if let Some(exec) = &mut self.exec {
            exec.cancel(None, None);
        }
        self.advance(usize::MAX);
    }

    /// Lets virtual time pass to the next timer (a heartbeat or timeout of a waiting task).
    pub fn let_time_pass(&mut self) {
        if let Some(exec) = &mut self.exec {
            exec.let_time_pass();
        }
        self.resume();
    }

    /// Whether there is more to play: a run not ended, or a replay not at its last event.
    fn can_go_on(&self) -> bool {
        match (&self.replay, &self.exec) {
            (Some(r), _) => r.shown < r.events.len(),
            (None, Some(e)) => !e.status().is_final(),
            (None, None) => false,
        }
    }

    /// Takes up to `n` events from the execution (or the replayed history) and reads them.
    fn advance(&mut self, n: usize) {
        if let Some(r) = &mut self.replay {
            // Breakpoints hold a replay too: it stops before the state's entered event. The
            // first event after a stop is taken, so Continue and Step move on.
            let resuming = r.paused_at.take().is_some();
            for taken in 0..n {
                let Some(e) = r.events.get(r.shown) else {
                    self.playing = false;
                    break;
                };
                if let Some(name) = e.kind.state_name()
                    && e.kind.type_name().ends_with("StateEntered")
                    && self.breakpoints.contains(name)
                    && !(resuming && taken == 0)
                {
                    r.paused_at = Some(name.to_owned());
                    self.playing = false;
                    break;
                }
                self.trace.push(e);
                r.shown += 1;
            }
            self.read = r.shown;
            if r.shown == r.events.len() {
                self.playing = false;
            }
            return;
        }
        let Some(exec) = &mut self.exec else { return };
        for _ in 0..n {
            if exec.step().is_none() {
                // Ended, waiting for a callback, or stopped at a breakpoint.
                self.playing = false;
                break;
            }
        }
        let events = exec.history();
        self.trace.extend(&events[self.read..]);
        self.read = events.len();
    }

    /// Plays for one frame: as many events as the speed allows since the last frame.
    pub fn tick(&mut self, ui: &Ui) {
        if !self.playing {
            self.last_time = None;
            return;
        }
        let now = ui.input(|i| i.time);
        let due = if self.speed <= 0.0 {
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
        // The next frame is wanted when the next event is due, not at the screen's rate.
        if self.speed <= 0.0 {
            ui.ctx().request_repaint();
        } else {
            let wait = ((1.0 - self.carry).max(0.0) / f64::from(self.speed)).min(1.0);
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    /// Answers a waiting task: success with `output`, or failure with `error` and `cause`.
    fn answer(&mut self, token: &str, success: bool) {
        let Some(exec) = &mut self.exec else { return };
        let result = if success {
            match serde_json::from_str::<Value>(&self.callback_output) {
                Ok(v) => exec.send_task_success(token, Val::from(v)),
                Err(e) => {
                    self.message = Some(format!("The callback output is not JSON: {e}"));
                    return;
                }
            }
        } else {
            exec.send_task_failure(token, &self.callback_error, &self.callback_cause)
        };
        match result {
            Ok(()) => {
                self.message = None;
                self.resume();
            }
            Err(e) => self.message = Some(format!("The callback was refused: {e:?}")),
        }
    }

    /// Selects the latest run of a state for the details pane (a click on the graph).
    pub fn focus_state(&mut self, name: &str) {
        let last = self.trace.runs().iter().rposition(|r| &*r.name == name);
        self.focus = last.map(Focus::Run);
    }

    // ---- panels ------------------------------------------------------------------------------

    /// The left panel: scenario, input, controls, status, waiting callbacks.
    pub fn controls_ui(&mut self, ui: &mut Ui, session: &Session) {
        // The test files are looked at again once a second at most, not every frame.
        let now = ui.input(|i| i.time);
        if self.scenarios_for.is_none() || now - self.scanned_at >= 1.0 {
            self.scanned_at = now;
            self.load_scenarios(session);
        }
        ui.heading("Run");
        ui.label(RichText::new("Task results").strong());
        let chosen_name = self
            .chosen
            .map_or(BY_HAND, |i| self.scenarios[i].name.as_str())
            .to_owned();
        let mut pick = None;
        egui::ComboBox::from_id_salt("run-scenario")
            .selected_text(chosen_name)
            .width(ui.available_width())
            .show_ui(ui, |ui| {
                if ui
                    .selectable_label(self.chosen.is_none(), BY_HAND)
                    .clicked()
                {
                    pick = Some(None);
                }
                for (i, s) in self.scenarios.iter().enumerate() {
                    if ui
                        .selectable_label(self.chosen == Some(i), &s.name)
                        .clicked()
                    {
                        pick = Some(Some(i));
                    }
                }
            })
            .response
            .accessible_name("Task results");
        if let Some(p) = pick {
            self.choose(p);
        }
        if self.scenarios.is_empty() {
            ui.label(
                RichText::new(
                    "A test file beside the definition (NAME.test.yaml) gives test cases to run \
                     with their inputs and mocked task results.",
                )
                .small()
                .weak(),
            );
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Input").strong());
        let response = egui::ScrollArea::vertical()
            .id_salt("run-input")
            .max_height(220.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.input)
                        .code_editor()
                        .desired_rows(6)
                        .desired_width(f32::INFINITY),
                )
            })
            .inner;
        let response = response.accessible_name("Execution input");
        if response.changed() {
            self.input_error = None;
        }
        if let Some(e) = &self.input_error {
            ui.colored_label(theme::severity_color(stepcraft::Severity::Error), e);
        }
        ui.add_space(6.0);
        self.buttons_ui(ui, session);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.label("Speed");
            let mut fast = self.speed <= 0.0;
            if ui.checkbox(&mut fast, "Instant").changed() {
                self.speed = if fast { 0.0 } else { 12.0 };
            }
        });
        if self.speed > 0.0 {
            ui.add(
                egui::Slider::new(&mut self.speed, 1.0..=200.0)
                    .logarithmic(true)
                    .text("events/s"),
            );
        }
        self.breakpoints_ui(ui);
        self.replay_ui(ui, session);
        ui.separator();
        self.status_ui(ui, session);
        self.callbacks_ui(ui);
        if let Some(m) = &self.message {
            ui.colored_label(theme::severity_color(stepcraft::Severity::Error), m);
        }
    }

    fn buttons_ui(&mut self, ui: &mut Ui, session: &Session) {
        let running = self.can_go_on();
        ui.horizontal_wrapped(|ui| {
            let start = if self.exec.is_some() {
                "⟲ Restart"
            } else {
                "▶ Start"
            };
            if ui
                .button(start)
                .on_hover_text("Run the workflow with this input")
                .clicked()
            {
                self.start(session);
            }
            if self.playing {
                if ui.button("⏸ Pause").clicked() {
                    self.pause();
                }
            } else if ui
                .add_enabled(running, egui::Button::new("▶ Continue"))
                .clicked()
            {
                self.resume();
            }
            if ui
                .add_enabled(running, egui::Button::new("⏭ Step"))
                .on_hover_text("Take the next event (F10)")
                .clicked()
            {
                self.step();
            }
            if ui
                .add_enabled(running, egui::Button::new("⏹ Stop"))
                .on_hover_text("Stop the execution: ExecutionAborted (Shift+F5)")
                .clicked()
            {
                self.stop();
            }
        });
    }

    fn status_ui(&mut self, ui: &mut Ui, session: &Session) {
        if let Some(r) = &self.replay {
            ui.label(
                RichText::new(format!(
                    "Replaying {}: event {} of {}",
                    r.name,
                    r.shown,
                    r.events.len()
                ))
                .strong(),
            );
            if let Some(last) = r.events[..r.shown].last() {
                ui.label(RichText::new(last.kind.type_name()).small().weak());
            }
            return;
        }
        let Some(exec) = &self.exec else {
            ui.label(RichText::new("Not run yet.").weak());
            return;
        };
        let (text, color) = match exec.status() {
            Status::Running if self.playing => {
                ("Running".to_owned(), theme::run_color(RunStatus::Running))
            }
            Status::Running => ("Paused".to_owned(), theme::run_color(RunStatus::Running)),
            Status::Paused { state } => (
                format!("Paused before {state} (breakpoint)"),
                theme::run_color(RunStatus::Caught),
            ),
            Status::WaitingForCallback => (
                "Waiting for a callback".to_owned(),
                theme::run_color(RunStatus::Caught),
            ),
            Status::Succeeded(_) => (
                "Succeeded".to_owned(),
                theme::run_color(RunStatus::Succeeded),
            ),
            Status::Failed { error, .. } => (
                format!("Failed: {error}"),
                theme::run_color(RunStatus::Failed),
            ),
            Status::TimedOut { error, .. } => (
                format!("Timed out: {error}"),
                theme::run_color(RunStatus::Failed),
            ),
            Status::Aborted => ("Stopped".to_owned(), theme::run_color(RunStatus::Cancelled)),
        };
        ui.label(RichText::new(text).strong().color(color));
        let start = exec.history().first().map_or(0, |e| e.timestamp);
        ui.label(
            RichText::new(format!(
                "{} · {} · virtual time {}",
                super::problems::count(exec.history().len(), "event"),
                super::problems::count(self.trace.runs().len(), "state run"),
                elapsed(exec.clock().saturating_sub(start))
            ))
            .small()
            .weak(),
        );
        if let Status::Failed { cause: Some(c), .. } | Status::TimedOut { cause: Some(c), .. } =
            exec.status()
        {
            ui.label(RichText::new(c.as_ref()).small());
        }
        if let Status::Succeeded(output) = exec.status() {
            ui.label(RichText::new("Output").small().strong());
            let text = self.pretty(PRETTY_EXEC_OUTPUT, 0, || output.to_value());
            json_view(ui, "run-output", &text);
        }
        if self.started_from != session.generation() {
            ui.label(
                RichText::new("The definition changed since this run started: Restart to run it.")
                    .small()
                    .color(theme::severity_color(stepcraft::Severity::Warning)),
            );
        }
    }

    /// The breakpoints set, each with a button to clear it (a state renamed since keeps its old
    /// name here, so it can still be removed).
    fn breakpoints_ui(&mut self, ui: &mut Ui) {
        if self.breakpoints.is_empty() {
            return;
        }
        ui.label(RichText::new("Breakpoints").strong());
        let mut remove = None;
        for name in &self.breakpoints {
            ui.horizontal(|ui| {
                let (dot, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
                ui.painter()
                    .circle_filled(dot.center(), 4.0, theme::run_color(RunStatus::Failed));
                ui.label(name);
                if ui
                    .small_button("✖")
                    .on_hover_text(format!("Clear the breakpoint on {name}"))
                    .clicked()
                {
                    remove = Some(name.clone());
                }
            });
        }
        if let Some(name) = remove {
            self.toggle_breakpoint(&name);
        }
    }

    /// Opening a history exported from AWS to replay it.
    fn replay_ui(&mut self, ui: &mut Ui, session: &Session) {
        egui::CollapsingHeader::new("Replay a history from AWS")
            .id_salt("run-replay")
            .show(ui, |ui| {
                ui.label(
                    RichText::new(
                        "The JSON of `aws stepfunctions get-execution-history` (or the console's \
                         export): its events play on this graph.",
                    )
                    .small()
                    .weak(),
                );
                let label = ui.label("History file");
                ui.add(
                    egui::TextEdit::singleline(&mut self.replay_path)
                        .hint_text("/path/to/history.json")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id);
                if ui
                    .add_enabled(
                        !self.replay_path.trim().is_empty(),
                        egui::Button::new("⟲ Replay"),
                    )
                    .clicked()
                {
                    let path = PathBuf::from(self.replay_path.trim());
                    self.replay_file(&path);
                    self.check_replay_against(session);
                }
            });
    }

    fn callbacks_ui(&mut self, ui: &mut Ui) {
        let Some(exec) = &self.exec else { return };
        let pending = exec.pending_callbacks();
        let waiting = matches!(exec.status(), Status::WaitingForCallback);
        let timers = exec.has_timers();
        if pending.is_empty() {
            return;
        }
        ui.separator();
        ui.label(RichText::new("Waiting for a callback").strong());
        let label = ui.label(RichText::new("Output (JSON) for success").small());
        ui.add(
            egui::TextEdit::multiline(&mut self.callback_output)
                .code_editor()
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("Error").small());
            ui.text_edit_singleline(&mut self.callback_error)
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new("Cause").small());
            ui.text_edit_singleline(&mut self.callback_cause)
                .labelled_by(label.id);
        });
        let mut answer = None;
        // Thousands may wait (a Map over callbacks): only the rows in view are drawn.
        let row_height = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
        egui::ScrollArea::vertical()
            .id_salt("run-callbacks")
            .max_height(8.0 * row_height)
            .show_rows(ui, row_height, pending.len(), |ui, rows| {
                for p in &pending[rows] {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(p.state.as_ref()).strong());
                        if ui.small_button("✔ Send success").clicked() {
                            answer = Some((p.token.to_string(), true));
                        }
                        if ui.small_button("✖ Send failure").clicked() {
                            answer = Some((p.token.to_string(), false));
                        }
                    });
                }
            });
        if waiting
            && timers
            && ui
                .button("⏩ Let time pass")
                .on_hover_text("Move the virtual clock to the next timeout or heartbeat")
                .clicked()
        {
            self.let_time_pass();
        }
        if let Some((token, success)) = answer {
            self.answer(&token, success);
        }
    }

    /// The right panel: the selected run or event.
    pub fn details_ui(&mut self, ui: &mut Ui, selected_state: Option<&str>) {
        ui.heading("Details");
        let focus = match (self.focus, selected_state) {
            (Some(f), _) => Some(f),
            (None, Some(name)) => self
                .trace
                .runs()
                .iter()
                .rposition(|r| &*r.name == name)
                .map(Focus::Run),
            (None, None) => None,
        };
        if let Some(name) = selected_state {
            let mut on = self.breakpoints.contains(name);
            if ui
                .checkbox(&mut on, format!("Pause before {name}"))
                .on_hover_text("A breakpoint: the run stops before entering this state")
                .changed()
            {
                self.toggle_breakpoint(name);
            }
        }
        egui::ScrollArea::vertical()
            .id_salt("run-details")
            .auto_shrink([false, false])
            .show(ui, |ui| match focus {
                Some(Focus::Run(i)) => {
                    if let Some(run) = self.trace.runs().get(i) {
                        self.run_details_ui(ui, i, run);
                    }
                }
                Some(Focus::Event(i)) => {
                    if let Some(event) = self.events().get(i) {
                        let text = self.pretty(PRETTY_EVENT, event.id, || {
                            to_aws_json(std::slice::from_ref(event))["events"][0].take()
                        });
                        json_view(ui, "run-event", &text);
                    }
                }
                None => {
                    ui.label(
                        RichText::new(
                            "Select a state on the graph, or a row below, to see its input and output.",
                        )
                        .weak(),
                    );
                }
            });
    }

    /// The bottom panel: state runs or events.
    pub fn lists_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, RunTab::States, "State runs");
            ui.selectable_value(&mut self.tab, RunTab::Events, "Events");
        });
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
        let start = self.events().first().map_or(0, |e| e.timestamp);
        match self.tab {
            RunTab::States => {
                let count = self.trace.runs().len();
                let mut clicked = None;
                egui::ScrollArea::vertical()
                    .id_salt("run-states")
                    .auto_shrink([false, false])
                    .stick_to_bottom(true)
                    .show_rows(ui, row_height, count, |ui, rows| {
                        for i in rows {
                            let run = &self.trace.runs()[i];
                            let selected = self.focus == Some(Focus::Run(i));
                            let text = format!(
                                "{:>4}  {:<28} {:<10} {:<10} +{:<10} {}",
                                i + 1,
                                shorten(&run.name, 28),
                                run.state_type,
                                run.status.label(),
                                elapsed(run.entered_at.saturating_sub(start)),
                                run.ended_at.map_or_else(
                                    || "…".to_owned(),
                                    |e| elapsed(e.saturating_sub(run.entered_at))
                                )
                            );
                            let label = RichText::new(text)
                                .monospace()
                                .color(theme::run_color(run.status));
                            if ui.selectable_label(selected, label).clicked() {
                                clicked = Some(i);
                            }
                        }
                    });
                if let Some(i) = clicked {
                    self.focus = Some(Focus::Run(i));
                }
            }
            RunTab::Events => {
                let count = self.events().len();
                let mut clicked = None;
                egui::ScrollArea::vertical()
                    .id_salt("run-events")
                    .auto_shrink([false, false])
                    .stick_to_bottom(true)
                    .show_rows(ui, row_height, count, |ui, rows| {
                        for i in rows {
                            let e = &self.events()[i];
                            let selected = self.focus == Some(Focus::Event(i));
                            let text = format!(
                                "{:>5}  {:<30} {:<28} +{}",
                                e.id,
                                e.kind.type_name(),
                                shorten(e.kind.state_name().unwrap_or(""), 28),
                                elapsed(e.timestamp.saturating_sub(start))
                            );
                            if ui
                                .selectable_label(selected, RichText::new(text).monospace())
                                .clicked()
                            {
                                clicked = Some(i);
                            }
                        }
                    });
                if let Some(i) = clicked {
                    self.focus = Some(Focus::Event(i));
                }
            }
        }
    }
}

impl RunMode {
    /// The pretty JSON of a value shown in the details, made once.
    fn pretty(&self, what: u8, which: u64, make: impl FnOnce() -> Value) -> Arc<str> {
        Arc::clone(
            self.pretty
                .borrow_mut()
                .entry((what, which))
                .or_insert_with(|| {
                    Arc::from(serde_json::to_string_pretty(&make()).unwrap_or_default())
                }),
        )
    }

    fn run_details_ui(&self, ui: &mut Ui, index: usize, run: &StateRun) {
        let trace = &self.trace;
        let which = index as u64;
        ui.label(
            RichText::new(format!("{} · {}", run.name, run.state_type))
                .strong()
                .size(15.0),
        );
        ui.label(RichText::new(run.status.label()).color(theme::run_color(run.status)));
        if let Some(iteration) = run.iteration {
            ui.label(RichText::new(format!("Map iteration {iteration}")).small());
        } else if let Some(parent) = run.parent.and_then(|p| trace.runs().get(p)) {
            ui.label(RichText::new(format!("In {}", parent.name)).small());
        }
        if run.attempts > 1 {
            ui.label(RichText::new(format!("{} attempts (retried)", run.attempts)).small());
        }
        if let Some(end) = run.ended_at {
            ui.label(
                RichText::new(format!(
                    "Took {}",
                    elapsed(end.saturating_sub(run.entered_at))
                ))
                .small(),
            );
        }
        if let Some((error, cause)) = &run.error {
            ui.add_space(4.0);
            ui.colored_label(
                theme::run_color(RunStatus::Failed),
                RichText::new(format!("Error: {error}")).strong(),
            );
            if let Some(c) = cause {
                ui.label(RichText::new(format!("Cause: {c}")).small());
            }
        }
        ui.add_space(4.0);
        ui.label(RichText::new("Input").strong());
        json_view(
            ui,
            "run-input",
            &self.pretty(PRETTY_INPUT, which, || run.input.to_value()),
        );
        if let Some(output) = &run.output {
            ui.label(RichText::new("Output").strong());
            let text = self.pretty(PRETTY_OUTPUT, which, || output.to_value());
            json_view(ui, "run-output-state", &text);
        }
        if let Some(assigned) = &run.assigned {
            ui.label(RichText::new("Variables assigned").strong());
            let text = self.pretty(PRETTY_ASSIGNED, which, || assigned.to_value());
            json_view(ui, "run-assigned", &text);
        }
    }
}

/// What a pretty text in the details cache is of.
const PRETTY_INPUT: u8 = 0;
const PRETTY_OUTPUT: u8 = 1;
const PRETTY_ASSIGNED: u8 = 2;
const PRETTY_EVENT: u8 = 3;
const PRETTY_EXEC_OUTPUT: u8 = 4;

/// A JSON text, selectable, not editable; long ones scroll.
fn json_view(ui: &mut Ui, id: &str, text: &str) {
    egui::Frame::new()
        .fill(ui.visuals().extreme_bg_color)
        .inner_margin(egui::Margin::same(6))
        .corner_radius(egui::CornerRadius::same(4))
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt(id)
                .max_height(260.0)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
                });
        });
}

fn shorten(text: &str, max: usize) -> String {
    stepcraft::graph::shorten(text, max)
}

/// A duration on the virtual clock: `850 ms`, `12.5 s`, `3 min 20 s`, `2 h 5 min`.
pub fn elapsed(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    } else {
        format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000)
    }
}

/// When the test files beside a definition were last changed.
fn test_files_stamp(definition: &Path) -> Vec<Option<std::time::SystemTime>> {
    test_file_paths(definition)
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

/// Where the test files of a definition are: `orders.asl.json` → `orders.test.yaml` (or
/// `.yml`, `.json`).
fn test_file_paths(definition: &Path) -> Vec<PathBuf> {
    let Some(name) = definition.file_name().and_then(|n| n.to_str()) else {
        return Vec::new();
    };
    let stem = [
        ".asl.json",
        ".asl.yaml",
        ".asl.yml",
        ".json",
        ".yaml",
        ".yml",
    ]
    .iter()
    .find_map(|ext| name.strip_suffix(ext))
    .unwrap_or(name);
    ["test.yaml", "test.yml", "test.json"]
        .iter()
        .map(|ext| definition.with_file_name(format!("{stem}.{ext}")))
        .collect()
}

/// The test files beside a definition: `orders.asl.json` → `orders.test.yaml` (or `.yml`,
/// `.json`), each case a scenario.
fn scenarios_beside(definition: &Path) -> Vec<Scenario> {
    let mut out = Vec::new();
    for path in test_file_paths(definition) {
        if let Ok(file) = testing::load(&path) {
            out.extend(file.cases.into_iter().map(|c| Scenario {
                name: c.name,
                input: c.input,
                mocks: c.mocks,
                objects: c.objects,
            }));
        }
    }
    out
}

/// The cases of a test file given as text (a bundled example's).
fn scenarios_from_text(path: &Path, text: &str) -> Vec<Scenario> {
    let Ok(doc) = Document::parse(text, Format::Yaml) else {
        return Vec::new();
    };
    testing::test_file(path, doc.value(), &testing::LoadOptions::default())
        .map(|file| {
            file.cases
                .into_iter()
                .map(|c| Scenario {
                    name: c.name,
                    input: c.input,
                    mocks: c.mocks,
                    objects: c.objects,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(elapsed(850), "850 ms");
        assert_eq!(elapsed(12_500), "12.5 s");
        assert_eq!(elapsed(200_000), "3 min 20 s");
        assert_eq!(elapsed(7_500_000), "2 h 5 min");
        assert_eq!(elapsed(-5), "0 ms");
    }
}
