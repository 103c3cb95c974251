//! The Run mode: run the open definition in the embedded interpreter and watch it, event by
//! event. An input (or a test case's input and mocked task results), Start, then pause, step,
//! continue or stop; breakpoints on states; callbacks answered by hand. The canvas shows each
//! state's status (inside a Map, one iteration's when one is picked), a table lists the state
//! runs with a timeline, as a tree of Maps and Parallels, and another the events in the shape of
//! AWS's GetExecutionHistory; the details pane shows the selected run's input, output and error,
//! a Map's iterations, or an event as a JSON tree.
//!
//! [`RunController`] does the running and knows nothing of egui, nor does [`views`] (the runs
//! indexed for the table and the iteration viewer); [`RunMode`] is the panel: the controller,
//! the texts being typed (input, callback answer, history path, filters) and what is shown,
//! drawn by `controls`, `details`, `iterations`, `lists`, `table` and `events`.

pub mod compare;
mod compare_view;
pub mod consent;
pub mod controller;
mod controls;
mod details;
mod events;
pub mod format;
mod iterations;
mod json_tree;
mod lists;
pub mod scenarios;
mod setup;
mod table;
pub mod test_state;
pub mod views;

pub use controller::{CallbackAnswer, CoverageRun, RunController};
pub use events::DrawnEvent;
pub use format::elapsed;
pub use scenarios::Scenario;
pub use table::{DrawnBar, DrawnRow};

use super::canvas::RunOverlay;
use super::session::Session;
use controller::NextFrame;
use egui::Ui;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use stepcraft::event_log::EventLog;
use stepcraft::history::HistoryEvent;
use stepcraft::interp::Status;
use stepcraft::model::StateType;
use stepcraft::trace::{RunStatus, Trace};
use views::{RowFilter, RowKind, RunIndex};

/// Which list the bottom panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RunTab {
    /// The state runs.
    #[default]
    States,
    /// The history events.
    Events,
}

/// What the Run mode's panels ask of the run, applied by the shell at the end of the frame.
#[derive(Clone, Debug, PartialEq)]
pub enum RunAction {
    /// Start a new run on the input typed (Start, Restart).
    Start,
    /// Pause playing.
    Pause,
    /// Play on from a pause or a breakpoint.
    Resume,
    /// Take the next event.
    Step,
    /// Stop the run.
    Stop,
    /// Redrive the ended run from the states that did not succeed.
    Redrive,
    /// Move the virtual clock to the next timer.
    LetTimePass,
    /// Set the speed in events per second (0: as fast as it can).
    SetSpeed(f32),
    /// Toggle the breakpoint before a state.
    ToggleBreakpoint(String),
    /// Choose a scenario (`None`: Task states answered by hand).
    Choose(Option<usize>),
    /// Answer a waiting task with what is typed: success with the output, or failure.
    Answer {
        /// The task token.
        token: String,
        /// Success or failure.
        success: bool,
    },
    /// Replay a history exported from AWS.
    Replay(std::path::PathBuf),
    /// Replay events fetched from AWS (the Executions panel): the execution's name, its events.
    ReplayEvents(String, Vec<HistoryEvent>),
    /// Append the finished run to the test file beside the definition as a case.
    SaveCase,
    /// Test one state alone (TestState) with what the details' fields hold.
    TestState(String),
    /// Allow (or deny) the local backends the run asked about, remember it, and run.
    Consent(bool),
    /// Forget the answers about this workflow's backends: the next run asks again.
    RevokeConsent,
    /// Open a child execution's definition and replay its run (the shell does it, asking
    /// about unsaved work first).
    OpenChild {
        /// The child's definition.
        definition: std::path::PathBuf,
        /// Its execution ARN.
        name: String,
        /// Its history.
        events: Arc<Vec<HistoryEvent>>,
    },
    /// Run every test case and show what they cover on the graph.
    Coverage,
    /// Stop showing the coverage.
    HideCoverage,
    /// Keep the current run (or replay) as "A" to compare the next runs with.
    PinForCompare,
    /// Stop comparing.
    Unpin,
    /// Show a state run in the details and the table (a row clicked, an iteration jumped to).
    FocusRun(usize),
    /// Open or close a row of the state runs table (a Map, a Parallel, an iteration, a branch).
    ToggleRow(RowKind),
    /// Keep the running state in view on the canvas while the run plays, or not.
    SetFollow(bool),
    /// Show one iteration of a Map run on the canvas (`None`: all of them together).
    ViewIteration {
        /// The Map's run.
        map: usize,
        /// The iteration.
        iteration: Option<usize>,
    },
}

/// What the details pane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Focus {
    Run(usize),
    Event(usize),
}

/// Pretty JSON texts already made for the details pane, by (what, which run or event), for
/// one run: a run's input and output do not change once shown, and a 256 KiB payload is not
/// written out again every frame.
#[derive(Debug, Default)]
struct PrettyCache {
    run: u64,
    texts: HashMap<(u8, u64), Arc<str>>,
    /// The event shown as a tree: the run, its id, the tree.
    event_tree: Option<(u64, u64, Arc<json_tree::JsonTree>)>,
}

/// The Run mode's panel: the controller and what the user types and looks at.
#[derive(Debug)]
pub struct RunMode {
    controller: RunController,
    input: String,
    input_error: Option<String>,
    /// When the test files were last looked at (the UI's clock).
    scanned_at: f64,
    /// What the last "Save as test case" did.
    saved_note: Option<String>,
    /// The "Test this state" fields and outcome.
    tester: test_state::StateTester,
    /// What the details pane shows, and of which run.
    focus: Option<(u64, Focus)>,
    tab: RunTab,
    callback_output: String,
    callback_error: String,
    callback_cause: String,
    /// The path typed for a history to replay.
    replay_path: String,
    pretty: RefCell<PrettyCache>,
    /// The runs indexed for the table, the timeline and the iteration viewer.
    index: RunIndex,
    /// The table's own state: open rows, filters, what it drew.
    table: table::TableState,
    /// The events list's own state: filters, what it drew.
    events_view: events::EventsState,
    /// The iteration shown on the canvas for each Map run picked in the iteration viewer.
    picks: HashMap<usize, usize>,
    /// Whether the canvas keeps the running state in view while the run plays.
    follow: bool,
    /// The statuses and Map counts last drawn on the canvas, and what they were made from.
    overlay_cache: Option<(OverlayKey, Statuses, MapCounts)>,
    /// The run kept as "A" to compare the current one with.
    pinned: Option<compare::PinnedRun>,
    /// The last comparison, and the run and event count it was made for.
    comparison: RefCell<Option<(ComparedAt, Arc<compare::Comparison>)>>,
}

/// What a comparison was worked out for: the current run and how many events it had.
type ComparedAt = (u64, usize);

/// What the canvas's statuses were worked out from: the run, its events, the iterations viewed.
type OverlayKey = (u64, usize, Vec<(usize, usize)>);
/// Each state's status, as the canvas shows it.
type Statuses = Arc<HashMap<String, RunStatus>>;
/// Each Map state's iteration counts.
type MapCounts = Arc<HashMap<String, (usize, usize, usize)>>;

impl Default for RunMode {
    fn default() -> Self {
        Self {
            controller: RunController::new(),
            input: "{}".to_owned(),
            input_error: None,
            scanned_at: 0.0,
            saved_note: None,
            tester: test_state::StateTester::default(),
            focus: None,
            tab: RunTab::States,
            callback_output: "{}".to_owned(),
            callback_error: "Rejected".to_owned(),
            callback_cause: String::new(),
            replay_path: String::new(),
            pretty: RefCell::new(PrettyCache::default()),
            index: RunIndex::default(),
            table: table::TableState::default(),
            events_view: events::EventsState::default(),
            picks: HashMap::new(),
            follow: true,
            overlay_cache: None,
            pinned: None,
            comparison: RefCell::new(None),
        }
    }
}

impl RunMode {
    /// A Run mode with nothing run yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forgets the run, the replay, the scenarios, the breakpoints and what was typed (another
    /// definition was opened); the speed stays.
    pub fn reset(&mut self) {
        let mut controller = std::mem::take(&mut self.controller);
        controller.reset();
        *self = Self {
            controller,
            ..Self::default()
        };
    }

    /// The controller: the run itself.
    pub fn controller(&self) -> &RunController {
        &self.controller
    }

    /// The controller, to drive it.
    pub fn controller_mut(&mut self) -> &mut RunController {
        &mut self.controller
    }

    /// The state runs so far.
    pub fn trace(&self) -> &Trace {
        self.controller.trace()
    }

    /// The execution's status, once started.
    pub fn status(&self) -> Option<&Status> {
        self.controller.status()
    }

    /// The events so far (of the run, or of the history replayed).
    pub fn events(&self) -> &EventLog {
        self.controller.events()
    }

    /// Whether a recorded history is being replayed.
    pub fn is_replay(&self) -> bool {
        self.controller.is_replay()
    }

    /// Whether the run is playing on its own.
    pub fn is_playing(&self) -> bool {
        self.controller.is_playing()
    }

    /// The state the execution (or the replay) is paused before, if it is.
    pub fn paused_at(&self) -> Option<&str> {
        self.controller.paused_at()
    }

    /// The states with a breakpoint.
    pub fn breakpoints(&self) -> &BTreeSet<String> {
        self.controller.breakpoints()
    }

    /// Toggles a breakpoint before entering `state`.
    pub fn toggle_breakpoint(&mut self, state: &str) {
        self.controller.toggle_breakpoint(state);
    }

    /// The ways to run found for this definition.
    pub fn scenarios(&self) -> &[Scenario] {
        self.controller.scenarios()
    }

    /// Chooses a scenario: its input replaces the editor's, its mocks answer the Task states.
    pub fn choose(&mut self, index: Option<usize>) {
        if let Some(input) = self.controller.choose(index) {
            self.input = serde_json::to_string_pretty(input).unwrap_or_else(|_| "{}".into());
        }
    }

    /// Sets the speed in events per second (0: as fast as it can).
    pub fn set_speed(&mut self, speed: f32) {
        self.controller.set_speed(speed);
    }

    /// Sets the input text (as the editor would).
    pub fn set_input(&mut self, text: &str) {
        text.clone_into(&mut self.input);
    }

    /// The replay field's text: the path of a history to replay.
    pub fn replay_path(&self) -> &str {
        &self.replay_path
    }

    /// Sets the path of a history to replay (as the field would).
    pub fn set_replay_path(&mut self, path: &str) {
        path.clone_into(&mut self.replay_path);
    }

    /// The "Test this state" section's fields and outcome.
    pub fn tester(&self) -> &test_state::StateTester {
        &self.tester
    }

    /// The "Test this state" section, to fill its fields.
    pub fn tester_mut(&mut self) -> &mut test_state::StateTester {
        &mut self.tester
    }

    /// Sets the error a callback's failure sends (as the field would).
    pub fn set_callback_error(&mut self, text: &str) {
        text.clone_into(&mut self.callback_error);
    }

    /// Sets the output a callback's success sends (as the editor would).
    pub fn set_callback_output(&mut self, text: &str) {
        text.clone_into(&mut self.callback_output);
    }

    /// Replays recorded events (a child execution's run) on the graph, from the first.
    pub fn replay_events(&mut self, name: String, events: Vec<HistoryEvent>) {
        self.controller.replay_events(name, events);
    }

    /// Replays a history exported from AWS (GetExecutionHistory's JSON) on the graph, from its
    /// first event, with the same controls as a run.
    pub fn replay_file(&mut self, path: &Path) {
        self.controller.replay_file(path);
    }

    /// Keeps the current run (or the replay) as "A": the runs that follow are compared with it.
    pub fn pin_for_compare(&mut self) {
        let events = self.events();
        if events.is_empty() {
            return;
        }
        let name = match self.controller.replay() {
            Some(r) => r.name.clone(),
            None => {
                let input = self
                    .controller
                    .execution()
                    .and_then(|e| e.history().first())
                    .and_then(|e| match &e.kind {
                        stepcraft::history::EventKind::ExecutionStarted { input, .. } => {
                            Some(input.to_value().to_string())
                        }
                        _ => None,
                    })
                    .unwrap_or_default();
                format!(
                    "Run {} · input {}",
                    self.controller.runs_started(),
                    format::shorten(&input, 48)
                )
            }
        };
        self.pinned = Some(compare::PinnedRun::new(name, events));
        *self.comparison.borrow_mut() = None;
    }

    /// The run kept as "A", if one is.
    pub fn pinned(&self) -> Option<&compare::PinnedRun> {
        self.pinned.as_ref()
    }

    /// Run A compared with the current run, once A is pinned and another run has events;
    /// worked out again only when events came in.
    pub fn comparison(&self) -> Option<Arc<compare::Comparison>> {
        let pinned = self.pinned.as_ref()?;
        if self.events().is_empty() {
            return None;
        }
        let key = (self.controller.runs_started(), self.events().len());
        let mut cache = self.comparison.borrow_mut();
        if let Some((k, c)) = cache.as_ref()
            && *k == key
        {
            return Some(Arc::clone(c));
        }
        let c = Arc::new(compare::Comparison::new(&pinned.trace, self.trace()));
        *cache = Some((key, Arc::clone(&c)));
        Some(c)
    }

    /// What the canvas draws over the graph: the run's statuses (inside a Map looked at one
    /// iteration at a time, that iteration's), each Map's iteration counts, the state to follow.
    pub fn overlay(&mut self) -> RunOverlay {
        self.sync_index();
        let mut overlay = self.controller.overlay();
        let views = self.iteration_views();
        let key = (
            self.controller.runs_started(),
            self.events().len(),
            views.clone(),
        );
        let cached = self.overlay_cache.as_ref().filter(|(k, ..)| *k == key);
        let (statuses, counts) = match cached {
            Some((_, statuses, counts)) => (Arc::clone(statuses), Arc::clone(counts)),
            None => {
                let statuses = if views.is_empty() {
                    Arc::clone(&overlay.statuses)
                } else {
                    Arc::new(
                        self.index
                            .iteration_statuses(self.trace(), &overlay.statuses, &views),
                    )
                };
                let counts = Arc::new(self.index.map_counts(self.trace()));
                self.overlay_cache = Some((key, Arc::clone(&statuses), Arc::clone(&counts)));
                (statuses, counts)
            }
        };
        if overlay.coverage.is_none() {
            overlay.statuses = statuses;
            overlay.map_counts = counts;
            overlay.compare = self
                .comparison()
                .map(|c| Arc::new(compare::CompareMarks::of(&c)));
        }
        // While playing, the running state (with Follow on); else the run the details show,
        // so a row clicked brings its state into view.
        overlay.follow = if self.is_playing() {
            self.follow.then(|| self.running_state()).flatten()
        } else {
            self.focused_run()
                .and_then(|i| self.trace().runs().get(i))
                .map(|r| r.name.to_string())
        };
        overlay
    }

    /// The state entered last among those still running.
    fn running_state(&self) -> Option<String> {
        self.trace()
            .runs()
            .iter()
            .rev()
            .find(|r| r.status == RunStatus::Running)
            .map(|r| r.name.to_string())
    }

    /// Reads the runs and events that came in since the index last did. A new run forgets the
    /// rows opened and the iterations picked (they were of the last run's runs).
    fn sync_index(&mut self) {
        if self.index.run_key() != self.controller.runs_started() {
            self.picks.clear();
            self.table.close_all();
        }
        self.index.update(
            self.controller.runs_started(),
            self.controller.trace(),
            self.controller.events(),
        );
    }

    /// The Map iterations the canvas shows, outermost first: those the focused run is inside,
    /// the one picked for the focused Map, and those picked for Maps inside that iteration.
    pub fn iteration_views(&self) -> Vec<(usize, usize)> {
        let Some(Focus::Run(focused)) = self.focus() else {
            return Vec::new();
        };
        let runs = self.trace().runs();
        let mut chain = Vec::new();
        let mut at = focused;
        while let Some(run) = runs.get(at) {
            let Some(parent) = run.parent else { break };
            if let Some(i) = run.iteration {
                chain.push((parent, i));
            }
            at = parent;
        }
        chain.reverse();
        let mut inner = runs
            .get(focused)
            .filter(|r| r.state_type == StateType::Map)
            .and_then(|_| self.picks.get(&focused).map(|&i| (focused, i)));
        // Maps inside a viewed iteration, with an iteration picked, are viewed too.
        while let Some((map, it)) = inner {
            chain.push((map, it));
            inner = self
                .index
                .iteration_runs(map, it)
                .iter()
                .find_map(|&r| self.picks.get(&r).map(|&i| (r, i)));
        }
        chain
    }

    /// The iteration picked for a Map run, if one is.
    pub fn picked_iteration(&self, map: usize) -> Option<usize> {
        self.picks.get(&map).copied()
    }

    /// The rows of the state runs table drawn last frame, in order.
    pub fn table_rows(&self) -> &[DrawnRow] {
        &self.table.drawn_rows
    }

    /// The timeline bars drawn last frame, one per row drawn.
    pub fn timeline_bars(&self) -> &[DrawnBar] {
        &self.table.drawn_bars
    }

    /// The event rows drawn last frame, in order.
    pub fn drawn_events(&self) -> &[DrawnEvent] {
        &self.events_view.drawn
    }

    /// The table's filter: a status, a text the names hold.
    pub fn row_filter(&self) -> &RowFilter {
        &self.table.filter
    }

    /// Opens or closes a row of the table (as its arrow does).
    pub fn toggle_row(&mut self, row: RowKind) {
        self.table.toggle(row);
    }

    /// The open rows of the table.
    pub fn expanded_rows(&self) -> &HashSet<RowKind> {
        &self.table.expanded
    }

    /// The run the details pane shows, if it shows one.
    pub fn focused_run(&self) -> Option<usize> {
        match self.focus() {
            Some(Focus::Run(i)) => Some(i),
            _ => None,
        }
    }

    /// Whether the canvas follows the running state.
    pub fn follows(&self) -> bool {
        self.follow
    }

    /// Shows a run in the details and in the table, its Maps and iterations opened.
    fn reveal_run(&mut self, run: usize) {
        self.set_focus(Focus::Run(run));
        self.sync_index();
        for row in self.index.ancestors(self.controller.trace(), run) {
            self.table.open(row);
        }
        self.table.reveal = Some(RowKind::Run(run));
    }

    /// Starts a new execution of the session's definition on the input typed.
    pub fn start(&mut self, session: &Session) {
        match serde_json::from_str::<Value>(&self.input) {
            Ok(input) => {
                self.input_error = None;
                self.saved_note = None;
                self.controller.start(session, input);
            }
            Err(e) => {
                self.controller.set_message(None);
                self.input_error = Some(format!("The input is not JSON: {e}"));
            }
        }
    }

    /// F5: pauses a playing run, continues a paused one, or starts a new one.
    pub fn play_or_pause(&mut self, session: &Session) {
        if self.controller.is_playing() {
            self.controller.pause();
        } else if self.controller.can_go_on() {
            self.controller.resume();
        } else {
            self.start(session);
        }
    }

    /// F10: takes the next event (and pauses).
    pub fn step(&mut self) {
        self.controller.step();
    }

    /// Shift+F5: stops the execution; a replay only pauses.
    pub fn stop(&mut self) {
        self.controller.stop();
    }

    /// Answers a waiting task with what is typed: success with the output, or failure with the
    /// error and cause.
    fn answer(&mut self, token: &str, success: bool) {
        let answer = if success {
            match serde_json::from_str::<Value>(&self.callback_output) {
                Ok(v) => CallbackAnswer::Success(v),
                Err(e) => {
                    self.controller
                        .set_message(Some(format!("The callback output is not JSON: {e}")));
                    return;
                }
            }
        } else {
            CallbackAnswer::Failure {
                error: self.callback_error.clone(),
                cause: self.callback_cause.clone(),
            }
        };
        self.controller.answer(token, answer);
    }

    /// Appends the finished run to the definition's test file (the first one beside it, or a
    /// new `NAME.test.yaml`) as a case: its input, the task results it got and its outcome.
    fn save_case(&mut self, session: &Session) {
        let Some(definition) = session.path() else {
            self.controller.set_message(Some(
                "Save the definition to a file first: its test file goes beside it.".into(),
            ));
            return;
        };
        let Some(exec) = self.controller.execution() else {
            return;
        };
        let events = exec.history();
        let input = match events.first().map(|e| &e.kind) {
            Some(stepcraft::history::EventKind::ExecutionStarted { input, .. }) => input.to_value(),
            _ => return,
        };
        let beside = stepcraft::run::beside(definition);
        let Some(file) = beside
            .existing_test_files()
            .into_iter()
            .next()
            .or_else(|| beside.test_files.first().cloned())
        else {
            return;
        };
        let run = crate::save_case::Run {
            definition,
            input: &input,
            events,
            status: exec.status(),
            workflow_type: stepcraft::validate::WorkflowType::Standard,
        };
        match crate::save_case::save(&file, None, &run) {
            Ok(name) => {
                let shown = file.file_name().map(|n| n.to_string_lossy().into_owned());
                self.saved_note = Some(format!(
                    "Saved as the case \"{name}\" in {}.",
                    shown.unwrap_or_default()
                ));
                self.controller.set_message(None);
                self.controller.load_scenarios(session);
            }
            Err(e) => self.controller.set_message(Some(e)),
        }
    }

    /// Does what a panel asked.
    pub fn apply(&mut self, action: RunAction, session: &Session) {
        match action {
            RunAction::Start => self.start(session),
            RunAction::Pause => self.controller.pause(),
            RunAction::Resume => self.controller.resume(),
            RunAction::Step => self.controller.step(),
            RunAction::Stop => self.controller.stop(),
            RunAction::Redrive => self.controller.redrive(),
            RunAction::LetTimePass => self.controller.let_time_pass(),
            RunAction::SetSpeed(speed) => self.controller.set_speed(speed),
            RunAction::ToggleBreakpoint(state) => self.controller.toggle_breakpoint(&state),
            RunAction::Choose(index) => self.choose(index),
            RunAction::Answer { token, success } => self.answer(&token, success),
            RunAction::Consent(allow) => self.controller.answer_consent(session, allow),
            RunAction::RevokeConsent => self.controller.revoke_consent(session),
            // The shell opens the child's definition (another document) and replays its run.
            RunAction::OpenChild { .. } => {}
            RunAction::Coverage => self.controller.run_coverage(session),
            RunAction::SaveCase => self.save_case(session),
            RunAction::TestState(state) => self.tester.run(&state, session),
            RunAction::HideCoverage => self.controller.hide_coverage(),
            RunAction::PinForCompare => self.pin_for_compare(),
            RunAction::Unpin => {
                self.pinned = None;
                *self.comparison.borrow_mut() = None;
            }
            RunAction::Replay(path) => {
                self.controller.replay_file(&path);
                self.controller.check_replay_against(session.machine());
            }
            RunAction::ReplayEvents(name, events) => {
                self.controller.replay_events(name, events);
                self.controller.check_replay_against(session.machine());
            }
            RunAction::FocusRun(run) => self.reveal_run(run),
            RunAction::ToggleRow(row) => self.table.toggle(row),
            RunAction::SetFollow(on) => self.follow = on,
            RunAction::ViewIteration {
                map,
                iteration: Some(index),
            } => {
                self.picks.insert(map, index);
                self.table.open(RowKind::Run(map));
                self.table.reveal = Some(RowKind::Iteration { map, index });
            }
            RunAction::ViewIteration {
                map,
                iteration: None,
            } => {
                self.picks.remove(&map);
            }
        }
    }

    /// Reads the test files again (once a second at most, not every frame), then plays for one
    /// frame, and asks for the next when the next event is due.
    pub fn tick(&mut self, ui: &Ui, session: &Session) {
        let now = ui.input(|i| i.time);
        self.controller.forget_stale_coverage(session.generation());
        if !self.controller.has_loaded_scenarios() || now - self.scanned_at >= 1.0 {
            self.scanned_at = now;
            self.controller.load_scenarios(session);
        }
        match self.controller.tick(now) {
            Some(NextFrame::Now) => ui.ctx().request_repaint(),
            Some(NextFrame::After(wait)) => ui.ctx().request_repaint_after(wait),
            None => {}
        }
    }

    /// Selects the latest run of a state for the details pane and the table (a click on the
    /// graph); inside a Map iteration being looked at, the latest run in that iteration.
    pub fn focus_state(&mut self, name: &str) {
        self.sync_index();
        let runs = self.trace().runs();
        let in_view = self.iteration_views().iter().rev().find_map(|&(map, it)| {
            let mut inside = Vec::new();
            self.index
                .runs_in_iteration(self.trace(), map, it, &mut inside);
            inside
                .into_iter()
                .filter(|&r| runs.get(r).is_some_and(|run| &*run.name == name))
                .max()
        });
        let last = in_view.or_else(|| runs.iter().rposition(|r| &*r.name == name));
        match last {
            Some(i) => self.reveal_run(i),
            None => self.focus = None,
        }
    }

    /// What the details pane shows, if it was chosen during the current run.
    fn focus(&self) -> Option<Focus> {
        self.focus
            .filter(|(run, _)| *run == self.controller.runs_started())
            .map(|(_, f)| f)
    }

    /// Shows `focus` in the details pane.
    fn set_focus(&mut self, focus: Focus) {
        self.focus = Some((self.controller.runs_started(), focus));
    }

    /// The pretty JSON of a value shown in the details, made once per run.
    fn pretty(&self, what: u8, which: u64, make: impl FnOnce() -> Value) -> Arc<str> {
        let mut cache = self.pretty.borrow_mut();
        let run = self.controller.runs_started();
        if cache.run != run {
            cache.run = run;
            cache.texts.clear();
        }
        Arc::clone(cache.texts.entry((what, which)).or_insert_with(|| {
            Arc::from(serde_json::to_string_pretty(&make()).unwrap_or_default())
        }))
    }
}

#[cfg(test)]
mod tests;
