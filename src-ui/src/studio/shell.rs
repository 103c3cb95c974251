//! The studio window: top bar, states browser, canvas or code editor, inspector, problems list,
//! dialogs and toasts, and the frame loop that applies the queued edits at the end of a frame.

use super::action::{Action, Actions};
use super::browser::StatesBrowser;
use super::canvas::{Canvas, GraphView, insert_edit};
use super::code_view::CodeView;
use super::commands::UiCommand;
use super::file_picker::{FileRequest, NativeDialog, Outcome, Picker, native_dialogs_available};
use super::files_ui::{
    self, DialogAnswer, PathDialog, PathPurpose, UnsavedChoice, add_recent, recovery_file,
};
use super::inspector::Inspector;
use super::problems::{self, ProblemClick, state_of};
use super::run_mode::RunMode;
use super::session::Session;
use super::state::{DragPayload, PanelCtx, Selection};
use super::theme;
use egui::{RichText, Ui};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use stepcraft::catalog::Catalog;
use stepcraft::edit::{Edit, InsertPoint, StateRef, Via, copy_states};
use stepcraft::{Document, Format, Pointer};

/// How often unsaved work is written to the recovery folder, in seconds.
const AUTOSAVE_SECONDS: f64 = 5.0;
/// How long a message stays, in seconds.
const TOAST_SECONDS: f64 = 6.0;

/// What the studio remembers between runs (window size and panel widths are kept by eframe
/// and egui themselves).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, the latest first.
    pub recent: Vec<PathBuf>,
    /// Whether the problems list is shown.
    pub hide_problems: bool,
}

/// The three modes of the studio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// The graph.
    #[default]
    Design,
    /// The text.
    Code,
    /// Running and replaying.
    Run,
}

/// What waits for the user's answer about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
enum Pending {
    New,
    Open(Option<PathBuf>),
    Close,
}

impl Pending {
    fn doing(&self) -> &'static str {
        match self {
            Self::New => "starting a new state machine",
            Self::Open(_) => "opening another file",
            Self::Close => "closing",
        }
    }
}

/// A dialog on top of the window.
#[derive(Debug)]
enum Dialog {
    Path(PathDialog),
    /// A native dialog open on its own thread.
    Native(NativeDialog),
    Unsaved(Pending),
    Restore {
        text: String,
        age: String,
    },
    /// Leaving the Code mode (for `to`) while its text does not parse.
    LeaveCode {
        to: Mode,
        error: String,
    },
}

/// A short message in the corner.
#[derive(Debug)]
struct Toast {
    text: String,
    error: bool,
    until: Option<f64>,
}

/// Autosave's state.
#[derive(Debug)]
struct Autosave {
    dir: PathBuf,
    last_time: f64,
    last_text: Option<String>,
}

/// The studio.
#[derive(Debug)]
pub struct StudioApp {
    settings: Settings,
    session: Session,
    selection: Selection,
    mode: Mode,
    canvas: Canvas,
    code: CodeView,
    browser: StatesBrowser,
    inspector: Inspector,
    run: RunMode,
    clipboard: Option<(Value, StateRef)>,
    toasts: Vec<Toast>,
    dialog: Option<Dialog>,
    /// After a "Save" chosen in the unsaved dialog, what to do once saved.
    after_save: Option<Pending>,
    autosave: Option<Autosave>,
    allow_close: bool,
    title: String,
    load_error: Option<String>,
    /// Native file dialogs, where the desktop has them (else the in-app path dialog).
    picker: Option<Picker>,
    /// Where this frame drew each resizable panel (by its id).
    panel_rects: Vec<(&'static str, egui::Rect)>,
}

impl StudioApp {
    /// The studio on a definition's text (no files, no autosave): what tests drive.
    pub fn from_text(name: &str, text: &str, format: Format) -> Self {
        let mut app = Self::empty();
        app.load_text(name, text, format, None);
        app
    }

    /// The studio on a file (no autosave, default settings): what tests that need a real file
    /// next to the definition (sidecar, template) drive.
    pub fn from_path(path: &Path) -> Self {
        let mut app = Self::empty();
        app.load_path(path);
        app
    }

    fn empty() -> Self {
        Self {
            settings: Settings::default(),
            session: Session::untitled(),
            selection: Selection::None,
            mode: Mode::Design,
            canvas: Canvas::new(),
            code: CodeView::new(),
            browser: StatesBrowser::new(Catalog::bundled()),
            inspector: Inspector::new(),
            run: RunMode::new(),
            clipboard: None,
            toasts: Vec::new(),
            dialog: None,
            after_save: None,
            autosave: None,
            allow_close: false,
            title: String::new(),
            load_error: None,
            picker: None,
            panel_rects: Vec::new(),
        }
    }

    /// The studio window's app: settings from eframe's storage, autosave on, and `file` (or the
    /// bundled example) open.
    pub fn new(storage: Option<&dyn eframe::Storage>, file: Option<PathBuf>) -> Self {
        let mut app = Self::empty();
        if let Some(settings) = storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)) {
            app.settings = settings;
        }
        app.picker = native_dialogs_available().then(Picker::rfd);
        app.autosave = files_ui::recovery_dir().map(|dir| Autosave {
            dir,
            last_time: 0.0,
            last_text: None,
        });
        match file {
            Some(path) => app.load_path(&path),
            None => {
                let (name, text) = crate::app::BUNDLED_EXAMPLE;
                app.load_text(name, text, Format::Json, None);
            }
        }
        app
    }

    /// Uses `picker` for Open, Save as and Export (`None`: the in-app path dialog only, which
    /// is what [`Self::from_text`] starts with).
    #[must_use]
    pub fn with_picker(mut self, picker: Option<Picker>) -> Self {
        self.picker = picker;
        self
    }

    /// The Run mode.
    pub fn run_mode(&self) -> &RunMode {
        &self.run
    }

    /// The Run mode, to drive it (tests).
    pub fn run_mode_mut(&mut self) -> &mut RunMode {
        &mut self.run
    }

    /// The open document.
    pub fn document(&self) -> &Document {
        self.session.document()
    }

    /// The session (document, history, diagnostics, graph).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The selection.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The current mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Switches mode. Typed text is parsed first; while it does not parse, leaving the Code
    /// mode is refused and the user is asked to keep editing or discard it (as Workflow Studio
    /// does): nothing typed is ever dropped without the user's say.
    pub fn set_mode(&mut self, mode: Mode) {
        if mode == self.mode {
            return;
        }
        if self.mode == Mode::Code {
            self.flush_code();
            if let Some(d) = self.code.parse_error() {
                let at = d.location.map(|l| format!(" at {l}")).unwrap_or_default();
                self.dialog = Some(Dialog::LeaveCode {
                    to: mode,
                    error: format!("The code does not parse{at}: {}.", d.message),
                });
                return;
            }
        }
        self.session.seal();
        self.mode = mode;
    }

    /// Parses text typed in the Code mode and not yet parsed; a text that parses replaces the
    /// document (one undo step with the typing before it).
    fn flush_code(&mut self) {
        if let Some(doc) = self
            .code
            .flush(self.session.document().format(), self.session.document())
        {
            self.session.replace_from_code(doc);
            self.code.mark_synced(self.session.generation());
            self.load_error = None;
            self.prune_selection();
        }
    }

    /// The canvas (its drop targets and node rectangles, for tests).
    pub fn canvas(&self) -> &Canvas {
        &self.canvas
    }

    /// Where the last frame drew a resizable panel, if it was shown.
    pub fn panel_rect(&self, size: &theme::PanelSize) -> Option<egui::Rect> {
        self.panel_rects
            .iter()
            .find(|(id, _)| *id == size.id)
            .map(|(_, r)| *r)
    }

    /// The window title: file name, unsaved marker.
    pub fn title(&self) -> String {
        let marker = if self.is_dirty() { "* " } else { "" };
        format!("{marker}{} — Stepcraft", self.session.name())
    }

    /// Whether there is unsaved work.
    pub fn is_dirty(&self) -> bool {
        self.session.is_dirty() || self.code.unsaved_text().is_some()
    }

    /// The messages shown in the corner.
    pub fn messages(&self) -> Vec<&str> {
        self.toasts.iter().map(|t| t.text.as_str()).collect()
    }

    fn load_text(&mut self, name: &str, text: &str, format: Format, path: Option<PathBuf>) {
        self.selection = Selection::None;
        self.run.reset();
        self.canvas = Canvas::new();
        self.code = CodeView::new();
        self.clipboard = None;
        match Document::parse(text, format) {
            Ok(doc) => {
                self.session = Session::new(doc, name, path);
                self.load_error = None;
            }
            Err(d) => {
                // Keep the text in the Code mode, where it can be fixed; the graph is empty.
                self.session = Session::unreadable(format, name, path);
                self.load_error = Some(format!(
                    "{name}{}: {}",
                    d.location.map(|l| format!(":{l}")).unwrap_or_default(),
                    d.message
                ));
                self.code
                    .show_broken_file(text, d, self.session.generation());
                self.mode = Mode::Code;
            }
        }
    }

    fn load_path(&mut self, path: &Path) {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match crate::files::read_text(path) {
            Ok(text) => {
                let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
                self.load_text(&name, &text, format, Some(path.to_path_buf()));
                add_recent(&mut self.settings.recent, path);
                self.offer_recovery();
            }
            Err(e) => self.toast(e, true),
        }
    }

    fn offer_recovery(&mut self) {
        let Some(auto) = &self.autosave else {
            return;
        };
        let file = recovery_file(
            &auto.dir,
            self.session.path(),
            self.session.document().format(),
        );
        if let Some((text, age)) = files_ui::find_recovery(&file, self.session.path()) {
            self.dialog = Some(Dialog::Restore { text, age });
        }
    }

    fn toast(&mut self, text: impl Into<String>, error: bool) {
        self.toasts.push(Toast {
            text: text.into(),
            error,
            until: None,
        });
    }

    /// Draws the whole window's contents into `ui` and applies what the user did.
    ///
    /// Every panel reads the session and queues [`Action`]s; they are applied in order at the
    /// end of the frame, so the document does not change while the frame is drawn.
    pub fn ui_contents(&mut self, ui: &mut Ui) {
        // Shortcuts are taken before any text field sees the keys, and run after the panels'
        // actions, as they always have.
        let shortcuts = if self.dialog.is_none() {
            UiCommand::from_input(ui.ctx())
        } else {
            Vec::new()
        };
        let mut actions = Actions::new();
        let window = ui.max_rect().size();
        self.panel_rects.clear();

        egui::Panel::top("stepcraft top bar").show(ui, |ui| {
            self.top_bar_ui(ui, &mut actions);
        });
        self.bottom_panel_ui(ui, window, &mut actions);
        match self.mode {
            Mode::Design => self.design_ui(ui, window, &mut actions),
            Mode::Code => {
                egui::CentralPanel::default().show(ui, |ui| {
                    if let Some(e) = &self.load_error {
                        ui.colored_label(ui.visuals().error_fg_color, e);
                    }
                    self.code.ui(
                        ui,
                        self.session.document(),
                        self.session.generation(),
                        self.session.diagnostics(),
                        &mut actions,
                    );
                });
            }
            Mode::Run => self.run_ui(ui, window, &mut actions),
        }
        self.dialogs_ui(ui);
        self.toasts_ui(ui);

        // End of the frame: the document changes only here.
        actions.extend(shortcuts.into_iter().map(Action::Command));
        for action in actions {
            self.apply(ui, action);
        }
        // An undo step ends when the user is neither typing nor dragging anything (rerun's
        // undo).
        if !ui.ctx().egui_wants_keyboard_input() && ui.ctx().dragged_id().is_none() {
            self.session.seal();
            // Parameter values reach the sidecar file once typing stops, not per keystroke.
            if let Err(e) = self.session.flush_parameters() {
                self.toast(e, true);
            }
        }
        self.autosave_tick(ui);
        let title = self.title();
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// The bottom panel: the run's lists in the Run mode, else the problems list (unless
    /// hidden).
    fn bottom_panel_ui(&mut self, ui: &mut Ui, window: egui::Vec2, actions: &mut Actions) {
        if self.mode == Mode::Run {
            let shown = bounded(egui::Panel::bottom, &theme::RUN_LISTS_PANEL, window.y)
                .show(ui, |ui| self.run.lists_ui(ui));
            self.panel_rects
                .push((theme::RUN_LISTS_PANEL.id, shown.response.rect));
        } else if !self.settings.hide_problems {
            let shown =
                bounded(egui::Panel::bottom, &theme::PROBLEMS_PANEL, window.y).show(ui, |ui| {
                    problems::problems_ui(
                        ui,
                        self.session.diagnostics(),
                        self.code.parse_error(),
                        actions,
                    );
                });
            self.panel_rects
                .push((theme::PROBLEMS_PANEL.id, shown.response.rect));
        }
    }

    /// The Design mode: browser, inspector and canvas.
    fn design_ui(&mut self, ui: &mut Ui, window: egui::Vec2, actions: &mut Actions) {
        let session = &self.session;
        let ctx = PanelCtx {
            value: session.document().value(),
            machine: session.machine(),
            diagnostics: session.diagnostics(),
            selection: &self.selection,
        };
        let shown = bounded(egui::Panel::left, &theme::BROWSER_PANEL, window.x).show(ui, |ui| {
            let _dragged = self.browser.ui(ui, actions);
        });
        self.panel_rects
            .push((theme::BROWSER_PANEL.id, shown.response.rect));
        let shown = bounded(egui::Panel::right, &theme::INSPECTOR_PANEL, window.x).show(ui, |ui| {
            self.inspector
                .ui(ui, &ctx, &session.parameter_rows(), actions);
        });
        self.panel_rects
            .push((theme::INSPECTOR_PANEL.id, shown.response.rect));
        egui::CentralPanel::no_frame().show(ui, |ui| {
            self.canvas.ui(ui, &ctx, graph_view(session), None, actions);
            if let Some(e) = &self.load_error {
                ui.put(
                    egui::Rect::from_min_size(
                        ui.max_rect().min + egui::vec2(12.0, 12.0),
                        egui::vec2(ui.max_rect().width() - 24.0, 40.0),
                    ),
                    egui::Label::new(
                        RichText::new(format!("{e} (fix it in the Code mode)"))
                            .color(ui.visuals().error_fg_color),
                    ),
                );
            }
        });
    }

    /// The Run mode: controls, details and the canvas with the run's statuses (read-only).
    fn run_ui(&mut self, ui: &mut Ui, window: egui::Vec2, actions: &mut Actions) {
        self.run.tick(ui);
        let shown =
            bounded(egui::Panel::left, &theme::RUN_CONTROLS_PANEL, window.x).show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("run-controls")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.run.controls_ui(ui, &self.session));
            });
        self.panel_rects
            .push((theme::RUN_CONTROLS_PANEL.id, shown.response.rect));
        let shown =
            bounded(egui::Panel::right, &theme::RUN_DETAILS_PANEL, window.x).show(ui, |ui| {
                let selected = self.selection.primary().map(|s| s.name.clone());
                self.run.details_ui(ui, selected.as_deref());
            });
        self.panel_rects
            .push((theme::RUN_DETAILS_PANEL.id, shown.response.rect));
        let overlay = self.run.overlay();
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let session = &self.session;
            let ctx = PanelCtx {
                value: session.document().value(),
                machine: session.machine(),
                diagnostics: session.diagnostics(),
                selection: &self.selection,
            };
            self.canvas
                .ui(ui, &ctx, graph_view(session), Some(&overlay), actions);
        });
    }

    /// Applies one action queued during the frame.
    fn apply(&mut self, ui: &Ui, action: Action) {
        match action {
            Action::Edit(edit) => self.apply_edit(&edit),
            Action::Select(selection) => self.select(selection),
            Action::SetParameter { name, value } => self.session.set_parameter(&name, value),
            Action::MarkBare(pointer) => self.session.mark_bare(pointer),
            Action::Command(command) => self.run_command(ui, command),
            Action::Activate(payload) => {
                let edit = self.activation_edit(&payload);
                self.apply_edit(&edit);
            }
            Action::ProblemClicked(click) => self.problem_clicked(&click),
            Action::CodeParsed(doc) => {
                self.session.replace_from_code(*doc);
                self.code.mark_synced(self.session.generation());
                self.load_error = None;
                self.prune_selection();
            }
        }
    }

    /// Replaces the selection; in the Run mode, a state newly selected shows its latest run.
    fn select(&mut self, selection: Selection) {
        let before = self.selection.primary().map(|s| s.name.clone());
        self.selection = selection;
        let after = self.selection.primary().map(|s| s.name.clone());
        if self.mode == Mode::Run
            && after != before
            && let Some(name) = after
        {
            self.run.focus_state(&name);
        }
    }

    fn top_bar_ui(&mut self, ui: &mut Ui, commands: &mut Actions) {
        ui.horizontal_wrapped(|ui| {
            ui.menu_button("File", |ui| {
                for command in [UiCommand::New, UiCommand::Open] {
                    command_button(ui, command, true, commands);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.settings.recent.is_empty() {
                        ui.label("No recent files");
                    }
                    for path in self.settings.recent.clone() {
                        if ui.button(path.display().to_string()).clicked() {
                            self.request(ui.ctx(), Pending::Open(Some(path)));
                            ui.close();
                        }
                    }
                });
                ui.separator();
                for command in [
                    UiCommand::Save,
                    UiCommand::SaveAs,
                    UiCommand::ExportJson,
                    UiCommand::ExportYaml,
                ] {
                    command_button(ui, command, true, commands);
                }
            });
            ui.menu_button("Edit", |ui| {
                let design = self.mode == Mode::Design;
                let selected = matches!(self.selection, Selection::States(_));
                command_button(ui, UiCommand::Undo, self.can_undo(), commands);
                command_button(ui, UiCommand::Redo, self.can_redo(), commands);
                ui.separator();
                command_button(ui, UiCommand::Delete, design && selected, commands);
                command_button(ui, UiCommand::Copy, design && selected, commands);
                command_button(
                    ui,
                    UiCommand::Paste,
                    design && self.clipboard.is_some(),
                    commands,
                );
                ui.separator();
                command_button(ui, UiCommand::Fit, design, commands);
            });
            ui.menu_button("View", |ui| {
                let shown = !self.settings.hide_problems;
                let mut button = egui::Button::selectable(shown, UiCommand::ToggleProblems.label());
                if let Some(s) = UiCommand::ToggleProblems.shortcut_text(ui.ctx()) {
                    button = button.shortcut_text(s);
                }
                if ui
                    .add_enabled(self.mode != Mode::Run, button)
                    .on_hover_text(UiCommand::ToggleProblems.tooltip())
                    .clicked()
                {
                    commands.push(Action::Command(UiCommand::ToggleProblems));
                    ui.close();
                }
                command_button(ui, UiCommand::ResetLayout, true, commands);
            });
            ui.separator();
            if ui
                .add_enabled(self.can_undo(), egui::Button::new("⟲ Undo"))
                .on_hover_text(hover(ui, UiCommand::Undo))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Undo));
            }
            if ui
                .add_enabled(self.can_redo(), egui::Button::new("⟳ Redo"))
                .on_hover_text(hover(ui, UiCommand::Redo))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Redo));
            }
            ui.separator();
            for (mode, command) in [
                (Mode::Design, UiCommand::DesignMode),
                (Mode::Code, UiCommand::CodeMode),
                (Mode::Run, UiCommand::RunMode),
            ] {
                if ui
                    .selectable_label(self.mode == mode, command.label())
                    .on_hover_text(command.tooltip())
                    .clicked()
                {
                    commands.push(Action::Command(command));
                }
            }
            ui.separator();
            let (errors, warnings) = problems::counts(self.session.diagnostics());
            let errors = errors + usize::from(self.code.parse_error().is_some());
            let (text, color) = match (errors, warnings) {
                (0, 0) => (
                    "✔ Valid".to_owned(),
                    theme::state_color(Some(stepcraft::model::StateType::Succeed)),
                ),
                (0, w) => (
                    format!("Validate: {}", problems::count(w, "warning")),
                    theme::severity_color(stepcraft::Severity::Warning),
                ),
                (e, w) => (
                    format!(
                        "Validate: {}, {}",
                        problems::count(e, "error"),
                        problems::count(w, "warning")
                    ),
                    theme::severity_color(stepcraft::Severity::Error),
                ),
            };
            if ui
                .button(RichText::new(text).color(color))
                .on_hover_text(hover(ui, UiCommand::Validate))
                .clicked()
            {
                commands.push(Action::Command(UiCommand::Validate));
            }
            ui.separator();
            ui.label(RichText::new(self.session.name()).strong());
            if self.is_dirty() {
                ui.label(RichText::new("✱ unsaved").color(ui.visuals().warn_fg_color));
            }
        });
    }

    fn dialogs_ui(&mut self, ui: &Ui) {
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        match dialog {
            Dialog::Path(mut d) => match d.ui(ui, &self.settings.recent) {
                DialogAnswer::Open => self.dialog = Some(Dialog::Path(d)),
                DialogAnswer::Cancelled => self.after_save = None,
                DialogAnswer::Done(path) => self.path_chosen(ui, d.purpose, &path),
            },
            Dialog::Native(d) => match d.poll() {
                Outcome::Waiting => {
                    match files_ui::waiting_ui(ui, d.purpose()) {
                        DialogAnswer::Open => self.dialog = Some(Dialog::Native(d)),
                        // Stop waiting; whatever the native dialog answers later is dropped.
                        DialogAnswer::Cancelled => self.after_save = None,
                        DialogAnswer::Done(()) => {
                            self.dialog = Some(Dialog::Path(PathDialog::new(
                                d.purpose(),
                                d.suggestion().to_owned(),
                            )));
                        }
                    }
                    ui.ctx()
                        .request_repaint_after(std::time::Duration::from_millis(250));
                }
                answer => {
                    match answer {
                        Outcome::Picked(path) => self.path_chosen(ui, d.purpose(), &path),
                        Outcome::Unavailable => {
                            // No dialog appeared: the in-app one now, and from now on.
                            self.picker = None;
                            self.dialog = Some(Dialog::Path(PathDialog::new(
                                d.purpose(),
                                d.suggestion().to_owned(),
                            )));
                        }
                        Outcome::Cancelled | Outcome::Waiting => self.after_save = None,
                    }
                    // The answer came between frames: show what it changed now, not at the
                    // next input event.
                    ui.ctx().request_repaint();
                }
            },
            Dialog::Unsaved(pending) => {
                match files_ui::unsaved_ui(ui, self.session.name(), pending.doing()) {
                    DialogAnswer::Open => self.dialog = Some(Dialog::Unsaved(pending)),
                    DialogAnswer::Cancelled => {}
                    DialogAnswer::Done(UnsavedChoice::Discard) => self.proceed(ui, pending),
                    DialogAnswer::Done(UnsavedChoice::Save) => {
                        self.after_save = Some(pending);
                        self.save(ui);
                    }
                }
            }
            Dialog::LeaveCode { to, error } => match files_ui::leave_code_ui(ui, &error) {
                DialogAnswer::Open => self.dialog = Some(Dialog::LeaveCode { to, error }),
                DialogAnswer::Cancelled => {}
                DialogAnswer::Done(()) => {
                    self.code.discard_unparsed();
                    self.load_error = None;
                    self.set_mode(to);
                }
            },
            Dialog::Restore { text, age } => {
                match files_ui::restore_ui(ui, self.session.name(), &age) {
                    DialogAnswer::Open => self.dialog = Some(Dialog::Restore { text, age }),
                    DialogAnswer::Cancelled | DialogAnswer::Done(false) => {
                        self.remove_recovery();
                    }
                    DialogAnswer::Done(true) => {
                        let format = self.session.document().format();
                        match Document::parse(&text, format) {
                            Ok(doc) => {
                                self.session.replace_from_code(doc);
                                self.session.seal();
                            }
                            Err(d) => {
                                self.code.show_broken(&text, d, self.session.generation());
                                self.mode = Mode::Code;
                            }
                        }
                        self.toast("Restored the unsaved changes.", false);
                    }
                }
            }
        }
    }

    /// Acts on a path chosen in a file dialog.
    fn path_chosen(&mut self, ui: &Ui, purpose: PathPurpose, path: &Path) {
        match purpose {
            PathPurpose::Open => self.load_path(path),
            PathPurpose::SaveAs => {
                self.save_to(path);
                self.after_saved(ui);
            }
            PathPurpose::Export(format) => self.export_to(path, format),
        }
    }

    /// Asks for a path: in a native dialog where there is one, else in the in-app dialog
    /// starting from `suggestion`.
    fn ask_path(&mut self, ctx: &egui::Context, purpose: PathPurpose, suggestion: String) {
        self.dialog = Some(match &self.picker {
            Some(picker) => Dialog::Native(NativeDialog::spawn(
                picker,
                FileRequest::new(purpose, &suggestion),
                suggestion,
                ctx,
            )),
            None => Dialog::Path(PathDialog::new(purpose, suggestion)),
        });
    }

    fn toasts_ui(&mut self, ui: &Ui) {
        let now = ui.input(|i| i.time);
        for t in &mut self.toasts {
            t.until.get_or_insert(now + TOAST_SECONDS);
        }
        self.toasts.retain(|t| t.until.is_none_or(|u| u > now));
        if self.toasts.is_empty() {
            return;
        }
        egui::Area::new(egui::Id::unique("stepcraft toasts"))
            .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -16.0))
            .order(egui::Order::Foreground)
            .interactable(false)
            .show(ui.ctx(), |ui| {
                for t in &self.toasts {
                    egui::Frame::new()
                        .fill(theme::toast_color(t.error))
                        .corner_radius(6)
                        .inner_margin(10)
                        .show(ui, |ui| {
                            ui.set_max_width(420.0);
                            ui.label(RichText::new(&t.text).color(theme::ON_FILL));
                        });
                    ui.add_space(6.0);
                }
            });
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs_f64(1.0));
    }

    /// Applies an edit as one undo step; the states it created become the selection.
    fn apply_edit(&mut self, edit: &Edit) {
        match self.session.apply(edit) {
            Ok(created) => {
                if !created.is_empty() {
                    self.selection = Selection::States(created);
                }
                self.load_error = None;
                self.prune_selection();
            }
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    /// The edit that adds a browser entry activated with a click or Enter: after the selected
    /// state (on its `Next` or end edge), or with nothing selected at the start of the workflow;
    /// the same insertion a drop on that edge makes.
    fn activation_edit(&self, payload: &DragPayload) -> Edit {
        let at = match self.selection.primary() {
            Some(state) => InsertPoint::edge(state.clone(), Via::Next),
            None => InsertPoint::start(Pointer::root()),
        };
        insert_edit(payload, &at)
    }

    /// Drops selected states that no longer exist.
    fn prune_selection(&mut self) {
        if let Selection::States(states) = &mut self.selection {
            let value = self.session.document().value();
            states.retain(|s| s.pointer().resolve(value).is_some());
            if states.is_empty() {
                self.selection = Selection::None;
            }
        }
    }

    fn problem_clicked(&mut self, click: &ProblemClick) {
        if self.mode == Mode::Code {
            if let Some(l) = click.location {
                self.code.jump_to(l);
            }
        } else if let Some(state) = state_of(&click.pointer) {
            self.selection = Selection::States(vec![state]);
        }
    }

    fn run_command(&mut self, ui: &Ui, command: UiCommand) {
        match command {
            // The run's keys act in the Run mode only.
            UiCommand::RunPlay | UiCommand::RunStep | UiCommand::RunStop
                if self.mode != Mode::Run => {}
            UiCommand::RunPlay => self.run.play_or_pause(&self.session),
            UiCommand::RunStep => self.run.step(),
            UiCommand::RunStop => self.run.stop(),
            UiCommand::New => self.request(ui.ctx(), Pending::New),
            UiCommand::Open => self.request(ui.ctx(), Pending::Open(None)),
            UiCommand::Save => self.save(ui),
            UiCommand::SaveAs => {
                self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None));
            }
            UiCommand::ExportJson | UiCommand::ExportYaml => {
                let format = if command == UiCommand::ExportJson {
                    Format::Json
                } else {
                    Format::Yaml
                };
                self.ask_path(
                    ui.ctx(),
                    PathPurpose::Export(format),
                    self.suggested_path(Some(format)),
                );
            }
            UiCommand::Undo => self.undo_redo(true),
            UiCommand::Redo => self.undo_redo(false),
            UiCommand::Delete => self.delete_selection(),
            UiCommand::Copy => self.copy_selection(ui),
            UiCommand::Paste => self.paste(),
            UiCommand::Fit => self.canvas.request_fit(),
            UiCommand::DesignMode => self.set_mode(Mode::Design),
            UiCommand::CodeMode => self.set_mode(Mode::Code),
            UiCommand::RunMode => self.set_mode(Mode::Run),
            UiCommand::ToggleProblems => {
                self.settings.hide_problems = !self.settings.hide_problems;
            }
            UiCommand::ResetLayout => reset_layout(ui),
            UiCommand::Validate => {
                self.settings.hide_problems = false;
                let (e, w) = problems::counts(self.session.diagnostics());
                self.toast(
                    if e + w == 0 {
                        "No problems found.".to_owned()
                    } else {
                        format!(
                            "{}, {}",
                            problems::count(e, "error"),
                            problems::count(w, "warning")
                        )
                    },
                    e > 0,
                );
            }
        }
    }

    /// Does `pending` now, or asks first when there is unsaved work.
    fn request(&mut self, ctx: &egui::Context, pending: Pending) {
        if self.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(pending));
        } else {
            self.proceed_without_ui(ctx, pending);
        }
    }

    fn proceed(&mut self, ui: &Ui, pending: Pending) {
        if pending == Pending::Close {
            self.remove_recovery();
            self.allow_close = true;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.remove_recovery();
            self.proceed_without_ui(ui.ctx(), pending);
        }
    }

    fn proceed_without_ui(&mut self, ctx: &egui::Context, pending: Pending) {
        match pending {
            Pending::New => {
                self.session = Session::untitled();
                self.run.reset();
                self.selection = Selection::None;
                self.canvas = Canvas::new();
                self.code = CodeView::new();
                self.load_error = None;
            }
            Pending::Open(Some(path)) => self.load_path(&path),
            Pending::Open(None) => {
                let folder = self
                    .settings
                    .recent
                    .first()
                    .and_then(|p| p.parent())
                    .map(|p| format!("{}/", p.display()))
                    .unwrap_or_default();
                self.ask_path(ctx, PathPurpose::Open, folder);
            }
            Pending::Close => self.allow_close = true,
        }
    }

    fn after_saved(&mut self, ui: &Ui) {
        if let Some(pending) = self.after_save.take()
            && !self.is_dirty()
        {
            self.proceed(ui, pending);
        }
    }

    fn suggested_path(&self, format: Option<Format>) -> String {
        let base = self.session.path().map_or_else(
            || {
                std::env::current_dir()
                    .unwrap_or_default()
                    .join(self.session.name())
            },
            Path::to_path_buf,
        );
        match format {
            Some(Format::Json) => base.with_extension("json"),
            Some(Format::Yaml) => base.with_extension("yaml"),
            None => base,
        }
        .display()
        .to_string()
    }

    /// The text to save: what the user typed if it does not parse (never lost), else the
    /// document's text (its exact bytes if nothing was edited).
    fn text_to_save(&self) -> String {
        self.code
            .unparsed_text()
            .map_or_else(|| self.session.document().to_text(), str::to_owned)
    }

    fn save(&mut self, ui: &Ui) {
        match self.session.path().map(Path::to_path_buf) {
            Some(path) => {
                self.save_to(&path);
                self.after_saved(ui);
            }
            None => self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None)),
        }
    }

    fn save_to(&mut self, path: &Path) {
        let text = self.text_to_save();
        match crate::files::write_atomic(path, &text) {
            Ok(()) => {
                self.remove_recovery();
                if let Err(e) = self.session.mark_saved(path, &text) {
                    self.toast(e, true);
                }
                self.code.mark_saved(&text);
                add_recent(&mut self.settings.recent, path);
                self.toast(format!("Saved {}", path.display()), false);
            }
            Err(e) => self.toast(format!("Could not save {}: {e}", path.display()), true),
        }
    }

    fn export_to(&mut self, path: &Path, format: Format) {
        let text = self.session.document().formatted(format);
        match crate::files::write_atomic(path, &text) {
            Ok(()) => self.toast(format!("Exported {}", path.display()), false),
            Err(e) => self.toast(format!("Could not write {}: {e}", path.display()), true),
        }
    }

    /// Whether Undo has something to take back: an edit, or text typed in Code that does not
    /// parse (set aside by undo).
    fn can_undo(&self) -> bool {
        self.session.history().can_undo()
            || (self.mode == Mode::Code && self.code.parse_error().is_some())
    }

    /// Whether Redo has something to bring back.
    fn can_redo(&self) -> bool {
        self.session.history().can_redo()
            || (self.mode == Mode::Code && self.code.has_set_aside(self.session.generation()))
    }

    fn undo_redo(&mut self, undo: bool) {
        if self.mode == Mode::Code {
            // Typing not yet parsed becomes a step first, so undo takes it back.
            self.flush_code();
            self.session.seal();
            let generation = self.session.generation();
            // Text that does not parse is the newest change: undo sets it aside (the editor
            // shows the last text that parsed), redo brings it back.
            if undo && self.code.set_aside_unparsed(generation) {
                return;
            }
            if !undo && self.code.bring_back(generation) {
                return;
            }
        }
        let result = if undo {
            self.session.undo()
        } else {
            self.session.redo()
        };
        match result {
            Ok(true) => {
                self.load_error = None;
                self.prune_selection();
            }
            Ok(false) => {}
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    fn delete_selection(&mut self) {
        if self.mode != Mode::Design {
            return;
        }
        if let Selection::States(states) = &self.selection {
            let edit = Edit::RemoveStates {
                states: states.clone(),
                remove_stranded: false,
            };
            match self.session.apply(&edit) {
                Ok(_) => self.selection = Selection::None,
                Err(e) => self.toast(
                    format!("Cannot delete: {}", e.to_string().trim_end_matches('.')),
                    true,
                ),
            }
        }
    }

    fn copy_selection(&mut self, ui: &Ui) {
        if self.mode != Mode::Design {
            return;
        }
        let Selection::States(states) = &self.selection else {
            return;
        };
        match copy_states(self.session.document().value(), states) {
            Ok(pattern) => {
                if let Ok(text) = serde_json::to_string_pretty(&pattern) {
                    ui.ctx().copy_text(text);
                }
                let anchor = states.last().cloned().unwrap_or_else(|| StateRef::top(""));
                self.clipboard = Some((pattern, anchor));
            }
            Err(e) => self.toast(capitalize(&e.to_string()), true),
        }
    }

    fn paste(&mut self) {
        if self.mode != Mode::Design {
            return;
        }
        let Some((pattern, anchor)) = self.clipboard.clone() else {
            return;
        };
        let after = self.selection.primary().cloned().unwrap_or(anchor);
        let edit = Edit::InsertPattern {
            at: InsertPoint::edge(after, Via::Next),
            pattern,
        };
        match self.session.apply(&edit) {
            Ok(created) if !created.is_empty() => {
                self.selection = Selection::States(created);
            }
            Ok(_) => {}
            Err(e) => self.toast(
                format!("Cannot paste here: {}", e.to_string().trim_end_matches('.')),
                true,
            ),
        }
    }

    fn autosave_tick(&mut self, ui: &Ui) {
        let now = ui.input(|i| i.time);
        let dirty = self.is_dirty();
        let text = dirty.then(|| self.text_to_save());
        let format = self.session.document().format();
        let path = self.session.path().map(Path::to_path_buf);
        let Some(auto) = &mut self.autosave else {
            return;
        };
        if now - auto.last_time < AUTOSAVE_SECONDS {
            return;
        }
        auto.last_time = now;
        let file = recovery_file(&auto.dir, path.as_deref(), format);
        match text {
            Some(text) if auto.last_text.as_deref() != Some(text.as_str()) => {
                let _ = std::fs::create_dir_all(&auto.dir);
                if crate::files::write_atomic(&file, &text).is_ok() {
                    auto.last_text = Some(text);
                }
            }
            Some(_) => {}
            None => {
                if auto.last_text.take().is_some() {
                    let _ = std::fs::remove_file(&file);
                }
            }
        }
        if dirty {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(AUTOSAVE_SECONDS));
        }
    }

    fn remove_recovery(&mut self) {
        let format = self.session.document().format();
        if let Some(auto) = &mut self.autosave {
            let file = recovery_file(&auto.dir, self.session.path(), format);
            let _ = std::fs::remove_file(file);
            auto.last_text = None;
        }
    }

    /// Handles the window's close button: asks first when there is unsaved work.
    fn close_requested_ui(&mut self, ui: &Ui) {
        if ui.input(|i| i.viewport().close_requested()) && !self.allow_close && self.is_dirty() {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.dialog.is_none() {
                self.dialog = Some(Dialog::Unsaved(Pending::Close));
            }
        }
    }
}

/// What the canvas draws of the session.
fn graph_view(session: &Session) -> GraphView<'_> {
    GraphView {
        graph: session.graph(),
        problems: session.problems(),
        generation: session.generation(),
    }
}

/// A resizable panel made by `side` (`egui::Panel::left` and so on), bounded by `size` in a
/// window `extent` wide (or high).
fn bounded(
    side: fn(&'static str) -> egui::Panel,
    size: &theme::PanelSize,
    extent: f32,
) -> egui::Panel {
    side(size.id)
        .resizable(true)
        .default_size(size.default)
        .min_size(size.min)
        .max_size(size.max(extent))
}

/// The id under which egui keeps the size of a panel drawn in `ui`.
pub fn panel_id(ui: &Ui, size: &theme::PanelSize) -> egui::Id {
    ui.scope_id().with_salt(egui::IdSalt::new(size.id))
}

/// Forgets the sizes the user dragged the panels to: each starts again at its default.
fn reset_layout(ui: &Ui) {
    ui.ctx().data_mut(|d| {
        for size in theme::PANELS {
            d.remove::<egui::containers::panel::PanelState>(panel_id(ui, &size));
        }
    });
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn hover(ui: &Ui, command: UiCommand) -> String {
    match command.shortcut_text(ui.ctx()) {
        Some(s) => format!("{} ({s})", command.tooltip()),
        None => command.tooltip().to_owned(),
    }
}

/// A menu item for a command, with its shortcut.
fn command_button(ui: &mut Ui, command: UiCommand, enabled: bool, out: &mut Actions) {
    let mut button = egui::Button::new(command.label());
    if let Some(s) = command.shortcut_text(ui.ctx()) {
        button = button.shortcut_text(s);
    }
    if ui
        .add_enabled(enabled, button)
        .on_hover_text(command.tooltip())
        .clicked()
    {
        out.push(Action::Command(command));
        ui.close();
    }
}

impl eframe::App for StudioApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.close_requested_ui(ui);
        self.ui_contents(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
        // Also on the way out: no typed parameter value is lost. An error has nowhere to be
        // shown at exit; the next flush (or the next run) tries again.
        let _ = self.session.flush_parameters();
    }
}
