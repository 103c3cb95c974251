//! The studio window: top bar, states browser, canvas or code editor, inspector, problems list,
//! dialogs and toasts. [`StudioApp`] owns the panels and the session; each file here does one
//! job: `frame` draws a frame and applies its queued actions, `apply` acts on one action or
//! command, `top_bar` draws the menus and buttons, `files` opens, saves and autosaves,
//! `dialogs` asks the user, `toasts` shows short messages.

mod apply;
mod dialogs;
mod files;
mod frame;
mod toasts;
mod top_bar;

pub use frame::panel_id;

use super::aws::AwsUi;
use super::browser::StatesBrowser;
use super::canvas::Canvas;
use super::code_view::CodeView;
use super::file_picker::{Picker, native_dialogs_available};
use super::files_ui;
use super::inspector::Inspector;
use super::run_mode::RunMode;
use super::session::Session;
use super::state::Selection;
use super::theme;
use dialogs::Dialog;
use egui::Ui;
use files::{Autosave, Pending};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::{Path, PathBuf};
use stepcraft::catalog::Catalog;
use stepcraft::edit::StateRef;
use stepcraft::{Document, Format};
use toasts::Toast;

/// What the studio remembers between runs (window size and panel widths are kept by eframe
/// and egui themselves).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Recently opened or saved files, the latest first.
    pub recent: Vec<PathBuf>,
    /// Folders files were recently chosen in (the file browser's), the latest first.
    pub recent_folders: Vec<PathBuf>,
    /// Whether the problems list is shown.
    pub hide_problems: bool,
}

/// The four modes of the studio.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// The graph.
    #[default]
    Design,
    /// The text.
    Code,
    /// Running and replaying.
    Run,
    /// The state machine's settings outside the definition.
    Config,
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
    aws: AwsUi,
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
            aws: AwsUi::default(),
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
        app.autosave = files_ui::recovery_dir().map(Autosave::new);
        match file {
            Some(path) => app.load_path(&path),
            None => {
                let (name, text) = crate::app::BUNDLED_EXAMPLE;
                app.load_text(name, text, Format::Json, None);
            }
        }
        app
    }

    /// Autosaves to `dir` (the recovery folder) and offers the open file's recovered work from
    /// it, as the window does with its own folder (tests give a temporary one).
    #[must_use]
    pub fn with_recovery_dir(mut self, dir: PathBuf) -> Self {
        self.autosave = Some(Autosave::new(dir));
        self.offer_recovery();
        self
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

    /// The Deploy dialog and the Executions panel.
    pub fn aws(&self) -> &AwsUi {
        &self.aws
    }

    /// The Deploy dialog and the Executions panel, to drive them (tests).
    pub fn aws_mut(&mut self) -> &mut AwsUi {
        &mut self.aws
    }

    /// Starts a deploy of the open definition, as the Deploy dialog's button does.
    pub fn start_deploy(&mut self) {
        self.aws.start_deploy(&self.session);
    }

    /// The open document.
    pub fn document(&self) -> &Document {
        self.session.document()
    }

    /// The session (document, history, diagnostics, graph).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The settings kept between sessions (recent files and folders).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The selection.
    pub fn selection(&self) -> &Selection {
        &self.selection
    }

    /// The Code mode's editor.
    pub fn code_view(&self) -> &CodeView {
        &self.code
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
                    error: format!(
                        "The code does not parse{at}: {}.",
                        d.message.trim_end_matches('.')
                    ),
                });
                return;
            }
        }
        self.session.seal();
        self.mode = mode;
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
