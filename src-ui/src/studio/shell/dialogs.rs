//! The dialogs on top of the window: a path to open or save, a native file dialog being
//! waited for, unsaved changes, leaving Code with text that does not parse, restoring autosaved
//! work; and the window's close button.

use super::files::Pending;
use super::{Mode, StudioApp};
use crate::studio::file_browser::{FileBrowser, add_recent_folder};
use crate::studio::file_picker::{FileRequest, NativeDialog, Outcome};
use crate::studio::files_ui::{self, ChangedChoice, DialogAnswer, PathPurpose, UnsavedChoice};
use egui::Ui;
use std::path::{Path, PathBuf};
use stepcraft::{Document, Format};

/// A dialog on top of the window.
#[derive(Debug)]
pub(super) enum Dialog {
    Path(FileBrowser),
    /// A native dialog open on its own thread.
    Native(NativeDialog),
    Unsaved(Pending),
    Restore(files_ui::Recovered),
    /// Saving over a file another program changed: asks first.
    ChangedOnDisk(PathBuf),
    /// File > New: what to start from.
    Gallery(Vec<crate::studio::gallery::Template>),
    /// A template with several state machines: which one to open.
    PickMachine {
        template: PathBuf,
        machines: Vec<stepcraft::embedded::Machine>,
    },
    /// Leaving the Code mode (for `to`) while its text does not parse.
    LeaveCode {
        to: Mode,
        error: String,
    },
}

impl StudioApp {
    pub(super) fn dialogs_ui(&mut self, ui: &Ui) {
        let Some(dialog) = self.dialog.take() else {
            return;
        };
        match dialog {
            Dialog::Gallery(templates) => {
                match crate::studio::gallery::gallery_ui(ui, &templates) {
                    None => self.dialog = Some(Dialog::Gallery(templates)),
                    Some(None) => {}
                    Some(Some(template)) => self.start_from(&template),
                }
            }
            Dialog::PickMachine { template, machines } => {
                match files_ui::pick_machine_ui(ui, &template, &machines) {
                    DialogAnswer::Open => {
                        self.dialog = Some(Dialog::PickMachine { template, machines });
                    }
                    DialogAnswer::Cancelled => {}
                    DialogAnswer::Done(id) => {
                        let arg = PathBuf::from(format!("{}#{id}", template.display()));
                        self.load_path(&arg);
                    }
                }
            }
            Dialog::Path(mut d) => {
                match d.ui(ui, &self.settings.recent, &self.settings.recent_folders) {
                    DialogAnswer::Open => self.dialog = Some(Dialog::Path(d)),
                    DialogAnswer::Cancelled => self.after_save = None,
                    DialogAnswer::Done(path) => self.path_chosen(ui, d.purpose, &path),
                }
            }
            Dialog::Native(d) => match d.poll() {
                Outcome::Waiting => {
                    match files_ui::waiting_ui(ui, d.purpose()) {
                        DialogAnswer::Open => self.dialog = Some(Dialog::Native(d)),
                        // Stop waiting; whatever the native dialog answers later is dropped.
                        DialogAnswer::Cancelled => self.after_save = None,
                        DialogAnswer::Done(()) => {
                            self.dialog = Some(self.file_browser(d.purpose(), d.suggestion()));
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
                            self.dialog = Some(self.file_browser(d.purpose(), d.suggestion()));
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
            Dialog::ChangedOnDisk(path) => {
                match files_ui::changed_on_disk_ui(ui, self.session.name()) {
                    DialogAnswer::Open => self.dialog = Some(Dialog::ChangedOnDisk(path)),
                    DialogAnswer::Cancelled => self.after_save = None,
                    DialogAnswer::Done(ChangedChoice::Overwrite) => {
                        self.save_to(&path);
                        self.after_saved(ui);
                    }
                    DialogAnswer::Done(ChangedChoice::SaveElsewhere) => {
                        self.ask_path(ui.ctx(), PathPurpose::SaveAs, self.suggested_path(None));
                    }
                }
            }
            Dialog::Restore(recovered) => {
                let answer = files_ui::restore_ui(
                    ui,
                    self.session.name(),
                    &recovered.age,
                    recovered.file_newer,
                );
                match answer {
                    DialogAnswer::Open => self.dialog = Some(Dialog::Restore(recovered)),
                    DialogAnswer::Cancelled | DialogAnswer::Done(false) => {
                        self.remove_recovery();
                    }
                    DialogAnswer::Done(true) => {
                        let text = recovered.text;
                        let format = self.session.document().format();
                        // A definition inside a template was kept as the whole template.
                        let parsed = match self.session.template() {
                            Some(t) => {
                                let format = self
                                    .session
                                    .path()
                                    .and_then(Format::from_path)
                                    .unwrap_or_else(|| Format::sniff(&text));
                                stepcraft::embedded::Template::parse(&text, format).and_then(
                                    |tpl| {
                                        tpl.embedded(&t.id).map(|e| e.document).map_err(|e| {
                                            let mut d = stepcraft::Diagnostic::new(
                                                stepcraft::Code::InvalidYaml,
                                                stepcraft::Pointer::root(),
                                                e.message,
                                            );
                                            d.location = e.location;
                                            d
                                        })
                                    },
                                )
                            }
                            None => Document::parse(&text, format),
                        };
                        match parsed {
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
    pub(super) fn path_chosen(&mut self, ui: &Ui, purpose: PathPurpose, path: &Path) {
        if let Some(folder) = path.parent().filter(|f| f.is_dir()) {
            add_recent_folder(&mut self.settings.recent_folders, folder);
        }
        match purpose {
            PathPurpose::Open => self.load_path(path),
            PathPurpose::SaveAs => {
                self.save_to(path);
                self.after_saved(ui);
            }
            PathPurpose::Export(format) => self.export_to(path, format),
            PathPurpose::ExportHistory => self.export_history_to(path),
            PathPurpose::ExportImage => self.export_image_to(path),
            PathPurpose::ExportPng => self.export_png_to(path),
            PathPurpose::ReplayHistory => self.run.set_replay_path(&path.display().to_string()),
        }
    }

    /// Asks for a path: in a native dialog where there is one, else in the in-app dialog
    /// starting from `suggestion`.
    pub(super) fn ask_path(
        &mut self,
        ctx: &egui::Context,
        purpose: PathPurpose,
        suggestion: String,
    ) {
        self.dialog = Some(match &self.picker {
            Some(picker) => Dialog::Native(NativeDialog::spawn(
                picker,
                FileRequest::new(purpose, &suggestion),
                suggestion,
                ctx,
            )),
            None => self.file_browser(purpose, &suggestion),
        });
    }

    /// The in-app file browser for `purpose`, starting from `suggestion`.
    fn file_browser(&self, purpose: PathPurpose, suggestion: &str) -> Dialog {
        Dialog::Path(FileBrowser::new(
            purpose,
            suggestion,
            &self.settings.recent_folders,
        ))
    }

    /// Handles the window's close button: asks first when there is unsaved work.
    pub(super) fn close_requested_ui(&mut self, ui: &Ui) {
        if ui.input(|i| i.viewport().close_requested()) && !self.allow_close && self.is_dirty() {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            if self.dialog.is_none() {
                self.dialog = Some(Dialog::Unsaved(Pending::Close));
            }
        }
    }
}
