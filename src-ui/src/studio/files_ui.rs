//! Files in the studio: what a path is asked for (the dialog is [`super::file_browser`]), the question asked
//! before unsaved changes are dropped, recent files, and the recovery folder that autosave
//! writes to.

use egui::{Id, RichText, Ui};
use std::path::{Path, PathBuf};
use stepcraft::Format;

/// How many recent files are remembered.
pub const RECENT_LIMIT: usize = 10;

/// Puts `path` first in the recent files.
pub fn add_recent(recent: &mut Vec<PathBuf>, path: &Path) {
    push_recent(recent, path, RECENT_LIMIT);
}

/// Puts `path` (made absolute) first in a list of recent paths, once, keeping `limit` of them.
pub fn push_recent(recent: &mut Vec<PathBuf>, path: &Path, limit: usize) {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    recent.retain(|p| p != &path);
    recent.insert(0, path);
    recent.truncate(limit);
}

/// What a path is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Opening a definition.
    Open,
    /// Saving the definition under another name.
    SaveAs,
    /// Writing the definition in a format.
    Export(Format),
    /// Writing the Run mode's history as GetExecutionHistory JSON.
    ExportHistory,
    /// Writing the graph as an SVG image.
    ExportImage,
    /// Writing the graph as a PNG image.
    ExportPng,
    /// Choosing a history exported from AWS, for the Run mode's replay field.
    ReplayHistory,
}

impl PathPurpose {
    /// The dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            Self::Open => "Open a definition",
            Self::SaveAs => "Save as",
            Self::Export(Format::Json) => "Export as JSON",
            Self::Export(Format::Yaml) => "Export as YAML",
            Self::ExportHistory => "Export the run's history",
            Self::ExportImage => "Export the graph as an image",
            Self::ExportPng => "Export the graph as a PNG image",
            Self::ReplayHistory => "Choose a history to replay",
        }
    }

    /// Whether the path names a file to write (which may exist, or not yet).
    pub fn is_save(self) -> bool {
        !matches!(self, Self::Open | Self::ReplayHistory)
    }

    /// What the path field asks for.
    pub fn field_label(self) -> &'static str {
        match self {
            Self::ExportHistory | Self::ReplayHistory => {
                "Path of the file (GetExecutionHistory JSON):"
            }
            Self::ExportImage => "Path of the image (SVG):",
            Self::ExportPng => "Path of the image (PNG):",
            _ => "Path of the file (JSON or YAML):",
        }
    }

    pub fn button(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::ReplayHistory => "Choose",
            Self::SaveAs => "Save",
            Self::Export(_) | Self::ExportHistory | Self::ExportImage | Self::ExportPng => "Export",
        }
    }
}

/// What the user did with a dialog.
#[derive(Debug, PartialEq)]
pub enum DialogAnswer<T> {
    /// Still open.
    Open,
    /// Closed without an answer.
    Cancelled,
    /// Answered.
    Done(T),
}

/// What to do with unsaved changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnsavedChoice {
    /// Save them first.
    Save,
    /// Drop them.
    Discard,
}

/// Asks what to do with unsaved changes before `doing` ("opening another file").
pub fn unsaved_ui(ui: &Ui, name: &str, doing: &str) -> DialogAnswer<UnsavedChoice> {
    let mut answer = DialogAnswer::Open;
    let modal = egui::Modal::new(Id::unique("stepcraft unsaved dialog")).show(ui.ctx(), |ui| {
        ui.set_width(420.0);
        ui.heading("Unsaved changes");
        ui.label(format!(
            "{name} has changes that are not saved. Save them before {doing}?"
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Save").clicked() {
                answer = DialogAnswer::Done(UnsavedChoice::Save);
            }
            if ui.button("Don't save").clicked() {
                answer = DialogAnswer::Done(UnsavedChoice::Discard);
            }
            if ui.button("Cancel").clicked() {
                answer = DialogAnswer::Cancelled;
            }
        });
    });
    if modal.should_close() && answer == DialogAnswer::Open {
        answer = DialogAnswer::Cancelled;
    }
    answer
}

/// Asked when the user leaves the Code mode while its text does not parse: `Done` to discard
/// the text, `Cancelled` to keep editing.
pub fn leave_code_ui(ui: &Ui, error: &str) -> DialogAnswer<()> {
    let mut answer = DialogAnswer::Open;
    let modal = egui::Modal::new(Id::unique("stepcraft leave code dialog")).show(ui.ctx(), |ui| {
        ui.set_width(440.0);
        ui.heading("The code has an error");
        ui.label(error);
        ui.label(
            "Fix it to go on, or discard the text typed since the definition last parsed \
             (the graph shows that version).",
        );
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Keep editing").clicked() {
                answer = DialogAnswer::Cancelled;
            }
            if ui.button("Discard the text").clicked() {
                answer = DialogAnswer::Done(());
            }
        });
    });
    if modal.should_close() && answer == DialogAnswer::Open {
        answer = DialogAnswer::Cancelled;
    }
    answer
}

/// Shown while a native file dialog is open: `Done` to use the in-app dialog instead,
/// `Cancelled` to stop waiting.
pub fn waiting_ui(ui: &Ui, purpose: PathPurpose) -> DialogAnswer<()> {
    let mut answer = DialogAnswer::Open;
    let modal = egui::Modal::new(Id::unique("stepcraft waiting dialog")).show(ui.ctx(), |ui| {
        ui.set_width(380.0);
        ui.heading(purpose.title());
        ui.label("Choose the file in the file dialog window.");
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Type a path instead").clicked() {
                answer = DialogAnswer::Done(());
            }
            if ui.button("Cancel").clicked() {
                answer = DialogAnswer::Cancelled;
            }
        });
    });
    if modal.should_close() && answer == DialogAnswer::Open {
        answer = DialogAnswer::Cancelled;
    }
    answer
}

/// Offers a recovered version of a file back: kept `saved_at`, and whether the file changed
/// after it was kept.
pub fn restore_ui(ui: &Ui, name: &str, saved_at: &str, file_newer: bool) -> DialogAnswer<bool> {
    let mut answer = DialogAnswer::Open;
    egui::Modal::new(Id::unique("stepcraft restore dialog")).show(ui.ctx(), |ui| {
        ui.set_width(440.0);
        ui.heading("Recover unsaved work?");
        ui.label(format!(
            "Stepcraft kept unsaved changes to {name} from {saved_at}, which differ from the \
             file. Restore them?"
        ));
        if file_newer {
            ui.label(
                "The file was changed after they were kept (by another program, or saved \
                 elsewhere). Restored, they replace what the file shows; Undo goes back to the \
                 file's text.",
            );
        }
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Restore").clicked() {
                answer = DialogAnswer::Done(true);
            }
            if ui.button("Discard them").clicked() {
                answer = DialogAnswer::Done(false);
            }
        });
    });
    answer
}

/// What to do when the file to save was changed by another program since it was read or saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangedChoice {
    /// Write over their change.
    Overwrite,
    /// Save under another name, leaving the file as they left it.
    SaveElsewhere,
}

/// Asks before saving over a file that another program changed.
pub fn changed_on_disk_ui(ui: &Ui, name: &str) -> DialogAnswer<ChangedChoice> {
    let mut answer = DialogAnswer::Open;
    let modal = egui::Modal::new(Id::unique("stepcraft changed dialog")).show(ui.ctx(), |ui| {
        ui.set_width(440.0);
        ui.heading("The file changed on disk");
        ui.label(format!(
            "{name} was changed by another program since Stepcraft read or saved it. Saving \
             now replaces that change with yours."
        ));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button("Overwrite").clicked() {
                answer = DialogAnswer::Done(ChangedChoice::Overwrite);
            }
            if ui.button("Save as…").clicked() {
                answer = DialogAnswer::Done(ChangedChoice::SaveElsewhere);
            }
            if ui.button("Cancel").clicked() {
                answer = DialogAnswer::Cancelled;
            }
        });
    });
    if modal.should_close() && answer == DialogAnswer::Open {
        answer = DialogAnswer::Cancelled;
    }
    answer
}

/// A template with several state machines: lists them (logical ID, type, where the definition
/// is) and answers the one clicked.
pub fn pick_machine_ui(
    ui: &Ui,
    template: &Path,
    machines: &[stepcraft::embedded::Machine],
) -> DialogAnswer<String> {
    let mut answer = DialogAnswer::Open;
    let modal = egui::Modal::new(Id::unique("stepcraft pick machine")).show(ui.ctx(), |ui| {
        ui.set_width(480.0);
        ui.heading("Which state machine?");
        let file = template.file_name().map_or_else(
            || template.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        ui.label(format!(
            "{file} has {} state machines. Choose the one to open.",
            machines.len()
        ));
        ui.add_space(6.0);
        for machine in machines {
            let detail = format!("{} · {}", machine.resource_type, machine.place);
            if ui.button(&machine.id).on_hover_text(&detail).clicked() {
                answer = DialogAnswer::Done(machine.id.clone());
            }
            ui.label(RichText::new(detail).small().weak());
        }
        ui.add_space(8.0);
        if ui.button("Cancel").clicked() {
            answer = DialogAnswer::Cancelled;
        }
    });
    if modal.should_close() && answer == DialogAnswer::Open {
        answer = DialogAnswer::Cancelled;
    }
    answer
}

/// The folder autosave writes to: `$XDG_DATA_HOME/stepcraft/recovery`, else
/// `~/.local/share/stepcraft/recovery`.
pub fn recovery_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("stepcraft").join("recovery"))
}

/// The recovery file of a definition: its file name made safe, and a digest of its full path
/// so that no two files share one (`a b.json` and `a_b.json`, or the same name in two folders);
/// "untitled" for a definition never saved.
pub fn recovery_file(dir: &Path, path: Option<&Path>, format: Format) -> PathBuf {
    use sha2::{Digest, Sha256};
    let ext = match format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    };
    let Some(path) = path else {
        return dir.join(format!("untitled.recovery.{ext}"));
    };
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let readable: String = full
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .take(60)
        .map(|c| {
            if c.is_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let digest = Sha256::digest(full.as_os_str().as_encoded_bytes());
    let short: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("{readable}-{short}.recovery.{ext}"))
}

/// The recovery file earlier versions named a definition by: its full path with every character
/// but letters, digits, `.` and `-` made `_` (so `a b.json` and `a_b.json` shared one). Still read,
/// so work kept before an upgrade is offered back, and removed with the new one.
pub fn legacy_recovery_file(dir: &Path, path: &Path, format: Format) -> PathBuf {
    let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let safe: String = full
        .display()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let ext = match format {
        Format::Json => "json",
        Format::Yaml => "yaml",
    };
    dir.join(format!("{safe}.recovery.{ext}"))
}

/// Work kept in a recovery file.
#[derive(Debug)]
pub struct Recovered {
    /// The text kept.
    pub text: String,
    /// How long ago it was kept, in words.
    pub age: String,
    /// Whether the file was modified after the recovery file was written.
    pub file_newer: bool,
}

/// The work kept in `recovery` for `file`, whenever its text differs from the file's (or the
/// file cannot be read), however the two files' times compare: a recovery file is removed when
/// its work is saved or discarded, so one that is left is work never saved. A file changed on
/// disk after the work was kept does not hide it.
pub fn find_recovery(recovery: &Path, file: Option<&Path>) -> Option<Recovered> {
    let modified = std::fs::metadata(recovery).ok()?.modified().ok()?;
    let text = crate::files::read_text(recovery).ok()?;
    let mut file_newer = false;
    if let Some(file) = file {
        if crate::files::read_text(file).ok().as_deref() == Some(text.as_str()) {
            return None;
        }
        let file_modified = std::fs::metadata(file).and_then(|m| m.modified()).ok();
        file_newer = file_modified.is_some_and(|f| f > modified);
    }
    let age = modified
        .elapsed()
        .map_or_else(|_| "just now".to_owned(), |d| describe_age(d.as_secs()));
    Some(Recovered {
        text,
        age,
        file_newer,
    })
}

fn describe_age(secs: u64) -> String {
    match secs {
        0..60 => "less than a minute ago".to_owned(),
        60..3600 => format!("{} minutes ago", secs / 60),
        3600..86_400 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_files_are_unique_and_bounded() {
        let mut recent = Vec::new();
        for i in 0..15 {
            add_recent(&mut recent, Path::new(&format!("/nowhere/{i}.json")));
        }
        add_recent(&mut recent, Path::new("/nowhere/3.json"));
        assert_eq!(recent.len(), RECENT_LIMIT);
        assert_eq!(recent[0], PathBuf::from("/nowhere/3.json"));
        assert_eq!(recent.iter().filter(|p| p.ends_with("3.json")).count(), 1);
    }

    #[test]
    fn recovery_files_are_named_by_path_without_collisions() {
        let dir = Path::new("/tmp/r");
        let name = |p: &str| recovery_file(dir, Some(Path::new(p)), Format::Json);
        let a = name("/x/a b.json");
        assert_ne!(a, name("/x/a_b.json"));
        assert_ne!(a, name("/y/a b.json"));
        assert_eq!(a, name("/x/a b.json"), "the same file, the same name");
        let file_name = a.file_name().unwrap().to_string_lossy().into_owned();
        assert!(file_name.starts_with("a_b.json-"), "{file_name}");
        assert!(file_name.ends_with(".recovery.json"), "{file_name}");
        assert_eq!(
            recovery_file(dir, None, Format::Yaml),
            dir.join("untitled.recovery.yaml")
        );
    }
}
