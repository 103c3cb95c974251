//! Native file dialogs: rfd's asynchronous dialogs (the desktop portal over D-Bus, or zenity),
//! waited for on a background thread so the UI thread never blocks, with the in-app path dialog
//! ([`super::file_browser::FileBrowser`]) as the fallback where there is no native dialog.
//!
//! Telling "no dialog could be shown" from "the user cancelled" matters: the first should open
//! the in-app dialog, the second nothing. rfd answers `None` for both, so the studio decides in
//! two steps:
//!
//! 1. Up front ([`native_dialogs_available`]): a native dialog is tried only where one can exist,
//!    a D-Bus session bus with the file-chooser portal installed, or `zenity` on the `PATH`.
//!    Elsewhere (a bare X server, CI, a container) the in-app dialog opens at once.
//! 2. After the fact ([`classify`]): where one was tried, a `None` that comes back within
//!    [`FAST_FAILURE`] is a dialog that failed to appear (the portal refused, libdbus is
//!    missing), not a person who read it and pressed Cancel; the in-app dialog opens then, and
//!    native dialogs are not tried again this run. A later `None` is a cancel, and nothing else
//!    opens.

use super::files_ui::PathPurpose;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::{Duration, Instant};

/// An answer faster than this is a dialog that never showed, not a cancel.
pub const FAST_FAILURE: Duration = Duration::from_millis(400);

/// What a file dialog is asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRequest {
    /// What the path is for.
    pub purpose: PathPurpose,
    /// The folder to start in, if known.
    pub directory: Option<PathBuf>,
    /// The suggested file name (saving and exporting).
    pub file_name: Option<String>,
}

impl FileRequest {
    /// A request for `purpose`, starting from `suggestion` (a path typed in the in-app dialog:
    /// a folder ending in `/`, or a file).
    pub fn new(purpose: PathPurpose, suggestion: &str) -> Self {
        let path = Path::new(suggestion);
        let (directory, file_name) = if suggestion.is_empty() {
            (None, None)
        } else if suggestion.ends_with('/') {
            (Some(path.to_path_buf()), None)
        } else {
            (
                path.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(Path::to_path_buf),
                path.file_name().map(|n| n.to_string_lossy().into_owned()),
            )
        };
        Self {
            purpose,
            directory,
            file_name: if !purpose.is_save() { None } else { file_name },
        }
    }
}

/// What shows a native dialog and waits for its answer (called on a background thread): rfd
/// in the studio, a stand-in in tests.
#[derive(Clone)]
pub struct Picker(Arc<dyn Fn(FileRequest) -> Option<PathBuf> + Send + Sync>);

impl Picker {
    /// A picker calling `f`.
    pub fn new(f: impl Fn(FileRequest) -> Option<PathBuf> + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// rfd's dialogs (its future driven to completion by pollster on the calling thread).
    pub fn rfd() -> Self {
        Self::new(|request| pollster::block_on(pick_with_rfd(request)))
    }
}

impl std::fmt::Debug for Picker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Picker")
    }
}

async fn pick_with_rfd(request: FileRequest) -> Option<PathBuf> {
    let mut dialog = rfd::AsyncFileDialog::new().set_title(request.purpose.title());
    if let Some(dir) = &request.directory {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = &request.file_name {
        dialog = dialog.set_file_name(name.clone());
    }
    let handle = match request.purpose {
        PathPurpose::Open => {
            dialog
                .add_filter("State machines (JSON, YAML)", &["json", "yaml", "yml"])
                .add_filter("All files", &["*"])
                .pick_file()
                .await
        }
        PathPurpose::ReplayHistory => {
            dialog
                .add_filter("Execution histories (JSON)", &["json"])
                .add_filter("All files", &["*"])
                .pick_file()
                .await
        }
        PathPurpose::SaveAs
        | PathPurpose::Export(_)
        | PathPurpose::ExportHistory
        | PathPurpose::ExportImage
        | PathPurpose::ExportPng => dialog.save_file().await,
    };
    handle.map(|h| h.path().to_path_buf())
}

/// Whether a native dialog can exist here: a session bus with the file-chooser portal
/// installed, or zenity. `STEPCRAFT_NATIVE_DIALOGS=0` turns them off, `=1` on.
pub fn native_dialogs_available() -> bool {
    match std::env::var("STEPCRAFT_NATIVE_DIALOGS").as_deref() {
        Ok("0" | "off" | "false") => return false,
        Ok("1" | "on" | "true") => return true,
        _ => {}
    }
    (session_bus_known() && portal_installed()) || on_path("zenity")
}

fn session_bus_known() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists())
}

/// Whether D-Bus can start the desktop portal: its service file in a data folder.
fn portal_installed() -> bool {
    let dirs = std::env::var("XDG_DATA_DIRS")
        .ok()
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| "/usr/local/share:/usr/share".to_owned());
    let home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")));
    home.into_iter()
        .chain(dirs.split(':').map(PathBuf::from))
        .any(|d| {
            d.join("dbus-1/services/org.freedesktop.portal.Desktop.service")
                .is_file()
        })
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| d.join(program).is_file()))
}

/// What became of a native dialog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Still open.
    Waiting,
    /// The user chose this path.
    Picked(PathBuf),
    /// The user closed it without choosing.
    Cancelled,
    /// No dialog could be shown: use the in-app one.
    Unavailable,
}

/// A `None` answer's meaning, by how long it took.
pub fn classify(picked: Option<PathBuf>, elapsed: Duration) -> Outcome {
    match picked {
        Some(path) => Outcome::Picked(path),
        None if elapsed < FAST_FAILURE => Outcome::Unavailable,
        None => Outcome::Cancelled,
    }
}

/// A native dialog open on its own thread.
#[derive(Debug)]
pub struct NativeDialog {
    request: FileRequest,
    /// What the in-app dialog would have shown, for the fallback.
    suggestion: String,
    answer: Receiver<(Option<PathBuf>, Duration)>,
}

impl NativeDialog {
    /// Opens `request` with `picker` on a background thread; `ctx` is woken when it answers.
    pub fn spawn(
        picker: &Picker,
        request: FileRequest,
        suggestion: String,
        ctx: &egui::Context,
    ) -> Self {
        let (tx, answer) = mpsc::channel();
        let picker = Arc::clone(&picker.0);
        let ctx = ctx.clone();
        let for_thread = request.clone();
        // Should no thread start, the sender is dropped with the closure and `poll` reads the
        // closed channel as "unavailable".
        let _ = std::thread::Builder::new()
            .name("stepcraft file dialog".into())
            .spawn(move || {
                let start = Instant::now();
                let picked = picker(for_thread);
                // The studio may have stopped waiting (the user chose the in-app dialog).
                let _ = tx.send((picked, start.elapsed()));
                ctx.request_repaint();
            });
        Self {
            request,
            suggestion,
            answer,
        }
    }

    /// What the dialog is for.
    pub fn purpose(&self) -> PathPurpose {
        self.request.purpose
    }

    /// The in-app dialog's starting text.
    pub fn suggestion(&self) -> &str {
        &self.suggestion
    }

    /// The dialog's answer, if it came.
    pub fn poll(&self) -> Outcome {
        match self.answer.try_recv() {
            Ok((picked, elapsed)) => classify(picked, elapsed),
            Err(TryRecvError::Empty) => Outcome::Waiting,
            Err(TryRecvError::Disconnected) => Outcome::Unavailable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stepcraft::Format;

    #[test]
    fn a_quick_nothing_is_a_failure_a_slow_one_a_cancel() {
        let quick = Duration::from_millis(20);
        let slow = Duration::from_secs(3);
        assert_eq!(classify(None, quick), Outcome::Unavailable);
        assert_eq!(classify(None, slow), Outcome::Cancelled);
        let path = PathBuf::from("/tmp/a.json");
        assert_eq!(
            classify(Some(path.clone()), quick),
            Outcome::Picked(path.clone())
        );
        assert_eq!(classify(Some(path.clone()), slow), Outcome::Picked(path));
    }

    #[test]
    fn requests_split_the_suggestion() {
        let save = FileRequest::new(PathPurpose::Export(Format::Yaml), "/work/flows/a.yaml");
        assert_eq!(save.directory.as_deref(), Some(Path::new("/work/flows")));
        assert_eq!(save.file_name.as_deref(), Some("a.yaml"));
        let open = FileRequest::new(PathPurpose::Open, "/work/flows/");
        assert_eq!(open.directory.as_deref(), Some(Path::new("/work/flows/")));
        assert_eq!(open.file_name, None);
        assert_eq!(
            FileRequest::new(PathPurpose::Open, ""),
            FileRequest {
                purpose: PathPurpose::Open,
                directory: None,
                file_name: None
            }
        );
    }
}
