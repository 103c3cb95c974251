//! What a panel asks for: one queue of [`Action`]s per frame, applied by the shell at the end of
//! the frame in the order they were queued. Panels read the document during the frame and never
//! change it (rerun's discipline); every change to the document, the selection, the parameter
//! values or the window goes through this queue.

use super::commands::UiCommand;
use super::problems::ProblemClick;
use super::run_mode::RunAction;
use super::state::{DragPayload, Selection};
use stepcraft::edit::Edit;
use stepcraft::{Document, Pointer};

/// One thing a panel asks the shell to do at the end of the frame.
#[derive(Clone, Debug)]
pub enum Action {
    /// Apply an edit to the document, as one undo step (typing into one field merges).
    Edit(Edit),
    /// Replace the selection.
    Select(Selection),
    /// Set a placeholder's value (`None`: forget it); kept in the sidecar file.
    SetParameter {
        /// The placeholder's name.
        name: String,
        /// Its new value.
        value: Option<String>,
    },
    /// Replace the state machine's Config; kept in the sidecar file.
    SetConfig(Box<stepcraft::sidecar::Config>),
    /// Write the field at this pointer bare (`"Max": ${Limit}`): a placeholder where a number
    /// goes.
    MarkBare(Pointer),
    /// Run a command, as its menu item or shortcut would.
    Command(UiCommand),
    /// Add a browser entry after the selected state (a click or Enter on it).
    Activate(DragPayload),
    /// Go to a problem clicked in the list.
    ProblemClicked(ProblemClick),
    /// Text typed in the Code mode parsed to this document: it replaces the open one.
    CodeParsed(Box<Document>),
    /// Something the Run mode's panels ask of the run.
    Run(RunAction),
}

/// The actions queued during one frame, in order.
pub type Actions = Vec<Action>;

/// The edits among `actions`, in order (what tests of a panel look at).
pub fn edits(actions: &[Action]) -> impl Iterator<Item = &Edit> {
    actions.iter().filter_map(|a| match a {
        Action::Edit(e) => Some(e),
        _ => None,
    })
}
