//! Files: loading a definition (or keeping unparsable text in Code), asking before unsaved work
//! is dropped, saving, exporting, autosave and recovery.

use super::dialogs::Dialog;
use super::{Mode, StudioApp};
use crate::studio::canvas::Canvas;
use crate::studio::code_view::CodeView;
use crate::studio::files_ui::{self, PathPurpose, add_recent, recovery_file};
use crate::studio::session::Session;
use crate::studio::state::Selection;
use egui::Ui;
use std::path::{Path, PathBuf};
use stepcraft::{Document, Format};

/// How often unsaved work is written to the recovery folder, in seconds.
const AUTOSAVE_SECONDS: f64 = 5.0;

/// What waits for the user's answer about unsaved changes.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Pending {
    New,
    Open(Option<PathBuf>),
    Close,
}

impl Pending {
    pub(super) fn doing(&self) -> &'static str {
        match self {
            Self::New => "starting a new state machine",
            Self::Open(_) => "opening another file",
            Self::Close => "closing",
        }
    }
}

/// Autosave's state.
#[derive(Debug)]
pub(super) struct Autosave {
    pub(super) dir: PathBuf,
    pub(super) last_time: f64,
    pub(super) last_text: Option<String>,
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

    pub(super) fn load_path(&mut self, path: &Path) {
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

    pub(super) fn offer_recovery(&mut self) {
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

    /// Does `pending` now, or asks first when there is unsaved work.
    pub(super) fn request(&mut self, ctx: &egui::Context, pending: Pending) {
        if self.is_dirty() {
            self.dialog = Some(Dialog::Unsaved(pending));
        } else {
            self.proceed_without_ui(ctx, pending);
        }
    }

    pub(super) fn proceed(&mut self, ui: &Ui, pending: Pending) {
        if pending == Pending::Close {
            self.remove_recovery();
            self.allow_close = true;
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        } else {
            self.remove_recovery();
            self.proceed_without_ui(ui.ctx(), pending);
        }
    }

    pub(super) fn proceed_without_ui(&mut self, ctx: &egui::Context, pending: Pending) {
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
    pub(super) fn text_to_save(&self) -> String {
        self.code
            .unparsed_text()
            .map_or_else(|| self.session.document().to_text(), str::to_owned)
    }

    pub(super) fn save(&mut self, ui: &Ui) {
        match self.session.path().map(Path::to_path_buf) {
            Some(path) => {
                self.save_to(&path);
                self.after_saved(ui);
            }
            None => self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None)),
        }
    }

    pub(super) fn save_to(&mut self, path: &Path) {
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

    pub(super) fn export_to(&mut self, path: &Path, format: Format) {
        let text = self.session.document().formatted(format);
        match crate::files::write_atomic(path, &text) {
            Ok(()) => self.toast(format!("Exported {}", path.display()), false),
            Err(e) => self.toast(format!("Could not write {}: {e}", path.display()), true),
        }
    }

    pub(super) fn autosave_tick(&mut self, ui: &Ui) {
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

    pub(super) fn remove_recovery(&mut self) {
        let format = self.session.document().format();
        if let Some(auto) = &mut self.autosave {
            let file = recovery_file(&auto.dir, self.session.path(), format);
            let _ = std::fs::remove_file(file);
            auto.last_text = None;
        }
    }
}
