//! Types the studio's panels share: what is selected, what is being dragged, and the narrow
//! read-only context a panel receives for one frame. Panels read the document and queue
//! [`Action`](super::action::Action)s; the shell applies them at the end of the frame.

use serde_json::Value;
use stepcraft::Diagnostic;
use stepcraft::edit::StateRef;
use stepcraft::model::StateMachine;

/// What is selected: nothing (the definition itself), or states.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Selection {
    /// Nothing: the inspector shows the definition's settings.
    #[default]
    None,
    /// One or more states (the first is the primary one).
    States(Vec<StateRef>),
}

impl Selection {
    /// The primary selected state.
    pub fn primary(&self) -> Option<&StateRef> {
        match self {
            Self::None => None,
            Self::States(s) => s.first(),
        }
    }

    /// Whether `state` is selected.
    pub fn contains(&self, state: &StateRef) -> bool {
        matches!(self, Self::States(s) if s.contains(state))
    }
}

/// Something dragged from the states browser onto the canvas.
#[derive(Clone, Debug, PartialEq)]
pub enum DragPayload {
    /// One state: its suggested name and its JSON (with `"End": true` or no transition; the
    /// insertion wires it).
    State { name: String, state: Value },
    /// A pattern: `{"StartAt": ..., "States": {...}}` whose exits have `"End": true`.
    Pattern { name: String, pattern: Value },
}

/// What the canvas and the inspector read for one frame: the document and the selection, all
/// read-only (what they change goes into the frame's action queue).
#[derive(Clone, Copy, Debug)]
pub struct PanelCtx<'a> {
    /// The definition's JSON value (lossless, in the user's key order).
    pub value: &'a Value,
    /// The typed view of it.
    pub machine: &'a StateMachine,
    /// The validator's findings, located.
    pub diagnostics: &'a [Diagnostic],
    /// The current selection.
    pub selection: &'a Selection,
}
