//! Files: loading a definition (or keeping unparsable text in Code), asking before unsaved work
//! is dropped, saving, exporting, autosave and recovery.

use super::dialogs::Dialog;
use super::{Mode, StudioApp};
use crate::files::Stamp;
use crate::studio::canvas::Canvas;
use crate::studio::code_view::CodeView;
use crate::studio::files_ui::{self, PathPurpose, add_recent, recovery_file};
use crate::studio::session::Session;
use crate::studio::state::Selection;
use egui::Ui;
use std::path::{Path, PathBuf};
use stepcraft::embedded::{Place, Template, is_template};
use stepcraft::{Document, Format};

/// The PNG export's scale: two pixels per unit of the SVG drawing.
const PNG_SCALE: f32 = 2.0;

/// Unsaved work is written to the recovery folder this long after the last change, in seconds…
const AUTOSAVE_QUIET_SECONDS: f64 = 0.5;
/// …or this long after the first change not yet written, while changes keep coming.
const AUTOSAVE_MAX_SECONDS: f64 = 5.0;
/// After a write failed, the next try.
const AUTOSAVE_RETRY_SECONDS: f64 = 5.0;

/// What waits for the user's answer about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Pending {
    New,
    Open(Option<PathBuf>),
    /// A child execution's definition, its run replayed.
    OpenRun {
        path: PathBuf,
        name: String,
        events: std::sync::Arc<Vec<stepcraft::history::HistoryEvent>>,
    },
    Close,
}

impl Pending {
    pub(super) fn doing(&self) -> &'static str {
        match self {
            Self::New => "starting a new state machine",
            Self::Open(_) | Self::OpenRun { .. } => "opening another file",
            Self::Close => "closing",
        }
    }
}

/// Autosave's state.
#[derive(Debug)]
pub(super) struct Autosave {
    pub(super) dir: PathBuf,
    /// The work as last seen (see [`StudioApp::work_key`]) and when it last changed.
    seen: Option<(u64, u64)>,
    changed_at: f64,
    /// When the first change not yet in the recovery folder was made.
    unwritten_since: Option<f64>,
    /// The recovery file this studio wrote, and what it holds.
    written: Option<(PathBuf, String)>,
    /// Whether the last write failed: shown once, until a write succeeds again.
    failing: bool,
    retry_at: f64,
    /// Work the user chose not to save: not written again until it changes.
    discarded: Option<(u64, u64)>,
}

impl Autosave {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            seen: None,
            changed_at: 0.0,
            unwritten_since: None,
            written: None,
            failing: false,
            retry_at: 0.0,
            discarded: None,
        }
    }
}

impl StudioApp {
    pub(super) fn load_text(
        &mut self,
        name: &str,
        text: &str,
        format: Format,
        path: Option<PathBuf>,
    ) {
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

    pub(super) fn load_path(&mut self, arg: &Path) {
        let (file, id) = crate::cli::definition::split(arg);
        let path = file.as_path();
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        match crate::files::read_text(path) {
            Ok(text) => {
                let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
                if self.load_template(path, &text, format, id.as_deref()) {
                    return;
                }
                self.load_text(&name, &text, format, Some(path.to_path_buf()));
                self.session.set_on_disk(Stamp::new(path, text.as_bytes()));
                add_recent(&mut self.settings.recent, path);
                self.offer_recovery();
            }
            Err(e) => self.toast(e, true),
        }
    }

    /// Opens state machine `id` of the template at `path` (or its only one; with several, the
    /// picker), when the text is a template or `id` names one; whether it was (nothing else to
    /// do then).
    fn load_template(&mut self, path: &Path, text: &str, format: Format, id: Option<&str>) -> bool {
        let Ok(template) = Template::parse(text, format) else {
            return id.is_some() && {
                self.toast(
                    format!("{}: not a template that can be read", path.display()),
                    true,
                );
                true
            };
        };
        if id.is_none() && !is_template(template.value()) {
            return false;
        }
        let machines = template.machines();
        if id.is_none() && machines.len() > 1 {
            self.dialog = Some(Dialog::PickMachine {
                template: path.to_path_buf(),
                machines,
            });
            return true;
        }
        let located = |e: stepcraft::embedded::EmbedError| {
            let at = e.location.map(|l| format!(":{l}")).unwrap_or_default();
            format!("{}{at}: {}", path.display(), e.message)
        };
        let machine = match template.machine(id) {
            Ok(m) => m,
            Err(e) => {
                self.toast(located(e), true);
                return true;
            }
        };
        if let Place::DefinitionUri(uri) = &machine.place {
            let file = path.parent().unwrap_or_else(|| Path::new(".")).join(uri);
            self.load_path(&file);
            return true;
        }
        match template.embedded(&machine.id) {
            Ok(embedded) => {
                self.selection = Selection::None;
                self.run.reset();
                self.canvas = Canvas::new();
                self.code = CodeView::new();
                self.clipboard = None;
                self.load_error = None;
                self.session = Session::in_template(path, text, embedded);
                self.session.set_on_disk(Stamp::new(path, text.as_bytes()));
                add_recent(&mut self.settings.recent, path);
                self.offer_recovery();
            }
            Err(e) => self.toast(located(e), true),
        }
        true
    }

    /// Offers the work kept in the recovery folder for the open file, if any: under its name, or
    /// under the name earlier versions gave it.
    pub(super) fn offer_recovery(&mut self) {
        let Some(auto) = &self.autosave else {
            return;
        };
        let format = self.session.document().format();
        let path = self.session.path();
        let legacy = path.map(|p| files_ui::legacy_recovery_file(&auto.dir, p, format));
        let found = std::iter::once(recovery_file(&auto.dir, path, format))
            .chain(legacy)
            .find_map(|file| files_ui::find_recovery(&file, path));
        if let Some(recovered) = found {
            self.dialog = Some(Dialog::Restore(recovered));
        }
    }

    /// Does `pending` now, or asks first when there is unsaved work.
    pub(super) fn request(&mut self, ctx: &egui::Context, pending: Pending) {
        if self.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(pending));
        } else {
            self.proceed_without_ui(ctx, pending);
        }
    }

    /// Does `pending` once the user saved or chose not to: the work's recovery file goes, and
    /// autosave keeps it no more unless it changes again.
    pub(super) fn proceed(&mut self, ui: &Ui, pending: Pending) {
        self.discard_recovery();
        if pending == Pending::Close {
            self.allow_close = true;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.proceed_without_ui(ui.ctx(), pending);
        }
    }

    /// A new, untitled state machine starting from `template`.
    pub(super) fn start_from(&mut self, template: &crate::studio::gallery::Template) {
        let doc = Document::from_value(template.definition.clone(), Format::Json);
        self.session = Session::new(doc, "untitled.asl.json", None);
        self.run.reset();
        self.selection = Selection::None;
        self.canvas = Canvas::new();
        self.code = CodeView::new();
        self.load_error = None;
    }

    pub(super) fn proceed_without_ui(&mut self, ctx: &egui::Context, pending: Pending) {
        match pending {
            Pending::New => {
                let templates = crate::studio::gallery::templates(self.browser.catalog());
                self.dialog = Some(Dialog::Gallery(templates));
            }
            Pending::Open(Some(path)) => self.load_path(&path),
            Pending::OpenRun { path, name, events } => {
                self.load_path(&path);
                self.set_mode(Mode::Run);
                self.run.replay_events(name, events.to_vec());
            }
            Pending::Open(None) => {
                // The open file's folder, else the latest recent file's.
                let folder = self
                    .session
                    .path()
                    .or_else(|| self.settings.recent.first().map(PathBuf::as_path))
                    .and_then(Path::parent)
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(|p| format!("{}/", p.display()))
                    .unwrap_or_default();
                self.ask_path(ctx, PathPurpose::Open, folder);
            }
            Pending::Close => self.allow_close = true,
        }
    }

    pub(super) fn after_saved(&mut self, ui: &Ui) {
        if let Some(pending) = self.after_save.take()
            && !self.is_dirty()
        {
            self.proceed(ui, pending);
        }
    }

    pub(super) fn suggested_path(&self, format: Option<Format>) -> String {
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
    pub(super) fn text_to_save(&self) -> Result<String, String> {
        match (self.code.unparsed_text(), self.session.template()) {
            (Some(_), Some(_)) => Err(format!(
                "{}: the definition in Code does not parse, and it cannot go into the template so: fix it first.",
                self.session.name()
            )),
            (Some(text), None) => Ok(text.to_owned()),
            (None, _) => self.session.text_to_save(),
        }
    }

    /// Saves to the file, asking first if another program changed it since it was read or saved.
    pub(super) fn save(&mut self, ui: &Ui) {
        match self.session.path().map(Path::to_path_buf) {
            Some(path) => {
                if self
                    .session
                    .on_disk()
                    .is_some_and(|stamp| stamp.changed_on_disk(&path))
                {
                    self.dialog = Some(Dialog::ChangedOnDisk(path));
                } else {
                    self.save_to(&path);
                    self.after_saved(ui);
                }
            }
            None => self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None)),
        }
    }

    pub(super) fn save_to(&mut self, path: &Path) {
        let text = match self.text_to_save() {
            Ok(text) => text,
            Err(e) => {
                self.toast(
                    format!("Could not save: {e} Your changes are still here, unsaved."),
                    true,
                );
                return;
            }
        };
        match crate::files::write_atomic(path, &text) {
            Ok(()) => {
                self.remove_recovery();
                if let Err(e) = self.session.mark_saved(path, &text) {
                    self.toast(e, true);
                }
                self.session.set_on_disk(Stamp::new(path, text.as_bytes()));
                self.code.mark_saved(&text);
                add_recent(&mut self.settings.recent, path);
                self.toast(format!("Saved {}", path.display()), false);
            }
            Err(e) => self.toast(
                format!(
                    "Could not save {}: {e}. Your changes are still here, unsaved.",
                    path.display()
                ),
                true,
            ),
        }
    }

    pub(super) fn export_to(&mut self, path: &Path, format: Format) {
        let text = self.session.document().formatted(format);
        match crate::files::write_atomic(path, &text) {
            Ok(()) => self.toast(format!("Exported {}", path.display()), false),
            Err(e) => self.toast(format!("Could not export to {}: {e}", path.display()), true),
        }
    }

    /// Writes the Run mode's events (of the run, or of the history replayed) as AWS's
    /// GetExecutionHistory JSON, atomically.
    pub(super) fn export_history_to(&mut self, path: &Path) {
        let history = stepcraft::history::to_aws_json(self.run.events());
        let text = match serde_json::to_string_pretty(&history) {
            Ok(t) => t + "\n",
            Err(e) => {
                self.toast(format!("Could not write the history: {e}"), true);
                return;
            }
        };
        match crate::files::write_atomic(path, &text) {
            Ok(()) => self.toast(
                format!("Exported the run's history to {}", path.display()),
                false,
            ),
            Err(e) => self.toast(format!("Could not export to {}: {e}", path.display()), true),
        }
    }

    /// Writes the graph as an SVG image (what `stepcraft render` draws), atomically.
    pub(super) fn export_image_to(&mut self, path: &Path) {
        let svg = stepcraft::render_svg::render_document(
            self.session.document(),
            &self.session.parameters().effective(),
        );
        match crate::files::write_atomic(path, &svg) {
            Ok(()) => self.toast(format!("Exported the graph to {}", path.display()), false),
            Err(e) => self.toast(format!("Could not export to {}: {e}", path.display()), true),
        }
    }

    /// Writes the graph as a PNG image: the SVG drawing rasterised at twice its size (sharp on
    /// high-density screens), atomically.
    pub(super) fn export_png_to(&mut self, path: &Path) {
        let svg = stepcraft::render_svg::render_document(
            self.session.document(),
            &self.session.parameters().effective(),
        );
        let written = crate::raster::svg_to_png(&svg, PNG_SCALE)
            .and_then(|png| crate::files::write_atomic(path, png).map_err(|e| e.to_string()));
        match written {
            Ok(()) => self.toast(format!("Exported the graph to {}", path.display()), false),
            Err(e) => self.toast(format!("Could not export to {}: {e}", path.display()), true),
        }
    }

    /// Where the graph's image is offered to go: beside the definition, `NAME.EXTENSION`.
    pub(super) fn suggested_image_path(&self, extension: &str) -> String {
        let base = self.suggested_path(None);
        let base = [".json", ".yaml", ".yml"]
            .iter()
            .find_map(|ext| base.strip_suffix(ext))
            .unwrap_or(&base);
        let base = base.strip_suffix(".asl").unwrap_or(base);
        format!("{base}.{extension}")
    }

    /// Where the run's history is offered to go: beside the definition, `NAME.history.json`.
    pub(super) fn suggested_history_path(&self) -> String {
        let base = self.suggested_path(None);
        let base = base
            .strip_suffix(".json")
            .or_else(|| base.strip_suffix(".yaml"))
            .or_else(|| base.strip_suffix(".yml"))
            .unwrap_or(&base);
        let base = base.strip_suffix(".asl").unwrap_or(base);
        format!("{base}.history.json")
    }

    /// Where the replay field's file dialog starts: the file typed in the field, else the
    /// definition's folder.
    pub(super) fn suggested_replay_path(&self) -> String {
        let typed = self.run.replay_path().trim();
        if !typed.is_empty() {
            return typed.to_owned();
        }
        self.session
            .path()
            .and_then(Path::parent)
            .filter(|p| !p.as_os_str().is_empty())
            .map(|p| format!("{}/", p.display()))
            .unwrap_or_default()
    }

    /// What identifies the work as it is now: the document's generation and a digest of text
    /// typed in Code that does not parse.
    fn work_key(&self) -> (u64, u64) {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::hash::DefaultHasher::new();
        self.code.unsaved_text().hash(&mut hasher);
        (self.session.generation(), hasher.finish())
    }

    /// Keeps unsaved work in the recovery folder: half a second after the last change, or five
    /// seconds after the first one not yet written while changes keep coming. Asks for a frame
    /// when the next write is due, so it happens with no further input. A failed write is
    /// shown once and tried again every few seconds.
    pub(super) fn autosave_tick(&mut self, ui: &Ui) {
        if self.allow_close {
            return;
        }
        let now = ui.input(|i| i.time);
        let dirty = self.is_dirty();
        let key = self.work_key();
        let Some(auto) = &mut self.autosave else {
            return;
        };
        if !dirty || auto.discarded == Some(key) {
            // Nothing to keep: the recovery file this studio wrote goes.
            if let Some((file, _)) = auto.written.take() {
                let _ = std::fs::remove_file(file);
            }
            auto.unwritten_since = None;
            return;
        }
        auto.discarded = None;
        if auto.seen != Some(key) {
            auto.seen = Some(key);
            auto.changed_at = now;
            auto.unwritten_since.get_or_insert(now);
        }
        let Some(since) = auto.unwritten_since else {
            return;
        };
        let due = (auto.changed_at + AUTOSAVE_QUIET_SECONDS)
            .min(since + AUTOSAVE_MAX_SECONDS)
            .max(auto.retry_at);
        if now < due {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(due - now));
            return;
        }
        let dir = auto.dir.clone();
        let file = recovery_file(&dir, self.session.path(), self.session.document().format());
        let Ok(text) = self.text_to_save() else {
            return;
        };
        let Some(auto) = &mut self.autosave else {
            return;
        };
        if auto
            .written
            .as_ref()
            .is_some_and(|(f, t)| *f == file && *t == text)
        {
            auto.unwritten_since = None;
            return;
        }
        let result =
            std::fs::create_dir_all(&dir).and_then(|()| crate::files::write_atomic(&file, &text));
        match result {
            Ok(()) => {
                if let Some((old, _)) = auto.written.replace((file.clone(), text))
                    && old != file
                {
                    let _ = std::fs::remove_file(old);
                }
                auto.unwritten_since = None;
                if std::mem::take(&mut auto.failing) {
                    self.toast(
                        format!(
                            "Autosave works again: unsaved work is kept in {}.",
                            dir.display()
                        ),
                        false,
                    );
                }
            }
            Err(e) => {
                auto.retry_at = now + AUTOSAVE_RETRY_SECONDS;
                ui.ctx()
                    .request_repaint_after(std::time::Duration::from_secs_f64(
                        AUTOSAVE_RETRY_SECONDS,
                    ));
                if !std::mem::replace(&mut auto.failing, true) {
                    self.toast(
                        format!(
                            "Autosave could not write {}: {e}. Unsaved work would be lost in a \
                             crash: save it (Ctrl+S), and make that folder writable.",
                            file.display()
                        ),
                        true,
                    );
                }
            }
        }
    }

    /// Removes the recovery file of the open work: the one this studio wrote, and the one its
    /// path names (left by an earlier run).
    pub(super) fn remove_recovery(&mut self) {
        let format = self.session.document().format();
        if let Some(auto) = &mut self.autosave {
            if let Some((file, _)) = auto.written.take() {
                let _ = std::fs::remove_file(file);
            }
            let file = recovery_file(&auto.dir, self.session.path(), format);
            let _ = std::fs::remove_file(file);
            if let Some(path) = self.session.path() {
                let _ =
                    std::fs::remove_file(files_ui::legacy_recovery_file(&auto.dir, path, format));
            }
            auto.unwritten_since = None;
        }
    }

    /// Removes the recovery file and keeps autosave from writing the work again until it
    /// changes: the user chose not to save it ("Don't save").
    pub(super) fn discard_recovery(&mut self) {
        self.remove_recovery();
        let key = self.work_key();
        if let Some(auto) = &mut self.autosave {
            auto.discarded = Some(key);
        }
    }
}
