//! Every action of the studio as one enum: the menus, the toolbar buttons and the keyboard
//! shortcuts all go through [`UiCommand`].

use egui::{Key, KeyboardShortcut, Modifiers};

/// One user action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UiCommand {
    /// Start a new definition.
    New,
    /// Open a file.
    Open,
    /// Save to the file (asks for a path if there is none).
    Save,
    /// Save to another file.
    SaveAs,
    /// Write the definition as JSON to another file.
    ExportJson,
    /// Write the definition as YAML to another file.
    ExportYaml,
    /// Write the Run mode's history as GetExecutionHistory JSON.
    ExportHistory,
    /// Write the graph as an SVG image.
    ExportImage,
    /// Write the graph as a PNG image.
    ExportPng,
    /// Run mode: choose a history exported from AWS for the replay field.
    ChooseReplayHistory,
    /// Undo the last edit.
    Undo,
    /// Redo the last undone edit.
    Redo,
    /// Remove the selected states.
    Delete,
    /// Copy the selected states.
    Copy,
    /// Paste the copied states after the selected state.
    Paste,
    /// Insert a copy of the selected states after them (Workflow Studio's Ctrl+D).
    Duplicate,
    /// Fit the graph into the canvas.
    Fit,
    /// Switch to the Design mode.
    DesignMode,
    /// Switch to the Code mode.
    CodeMode,
    /// Switch to the Run mode.
    RunMode,
    /// Switch to the Config mode.
    ConfigMode,
    /// Open the Deploy dialog.
    Deploy,
    /// Open the Executions panel (the deployed machine's executions on AWS).
    Executions,
    /// Run the validator and show the problems list.
    Validate,
    /// Run mode: start a run, or pause or continue the one playing.
    RunPlay,
    /// Run mode: take the next event.
    RunStep,
    /// Run mode: stop the run.
    RunStop,
    /// Show or hide the problems list.
    ToggleProblems,
    /// Give every panel its first size again.
    ResetLayout,
}

impl UiCommand {
    /// Every command, in menu order.
    pub const ALL: [UiCommand; 29] = [
        Self::New,
        Self::Open,
        Self::Save,
        Self::SaveAs,
        Self::ExportJson,
        Self::ExportYaml,
        Self::ExportHistory,
        Self::ExportImage,
        Self::ExportPng,
        Self::ChooseReplayHistory,
        Self::Undo,
        Self::Redo,
        Self::Delete,
        Self::Copy,
        Self::Paste,
        Self::Duplicate,
        Self::Fit,
        Self::DesignMode,
        Self::CodeMode,
        Self::RunMode,
        Self::ConfigMode,
        Self::Deploy,
        Self::Executions,
        Self::Validate,
        Self::RunPlay,
        Self::RunStep,
        Self::RunStop,
        Self::ToggleProblems,
        Self::ResetLayout,
    ];

    /// The text of its menu item or button.
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Open => "Open…",
            Self::Save => "Save",
            Self::SaveAs => "Save as…",
            Self::ExportJson => "Export JSON…",
            Self::ExportYaml => "Export YAML…",
            Self::ExportHistory => "Export run history…",
            Self::ExportImage => "Export image (SVG)…",
            Self::ExportPng => "Export image (PNG)…",
            Self::ChooseReplayHistory => "Choose a history file…",
            Self::Undo => "Undo",
            Self::Redo => "Redo",
            Self::Delete => "Delete",
            Self::Copy => "Copy",
            Self::Paste => "Paste",
            Self::Duplicate => "Duplicate",
            Self::Fit => "Fit to screen",
            Self::DesignMode => "Design",
            Self::CodeMode => "Code",
            Self::RunMode => "Run",
            Self::ConfigMode => "Config",
            Self::Deploy => "Deploy to AWS…",
            Self::Executions => "Executions on AWS",
            Self::Validate => "Validate",
            Self::RunPlay => "Start / pause / continue",
            Self::RunStep => "Step",
            Self::RunStop => "Stop",
            Self::ToggleProblems => "Problems list",
            Self::ResetLayout => "Reset layout",
        }
    }

    /// A one-line description, for tooltips.
    pub fn tooltip(self) -> &'static str {
        match self {
            Self::New => "Start a new state machine",
            Self::Open => "Open a definition (JSON or YAML)",
            Self::Save => "Save the definition in its format",
            Self::SaveAs => "Save the definition to another file",
            Self::ExportJson => "Write the definition as JSON",
            Self::ExportYaml => "Write the definition as YAML",
            Self::ExportHistory => {
                "Write the run's events as AWS's GetExecutionHistory JSON (as `stepcraft replay` reads)"
            }
            Self::ExportImage => {
                "Write the graph as an SVG image (the drawing `stepcraft render` makes)"
            }
            Self::ExportPng => "Write the same drawing as a PNG image, at twice its size",
            Self::ChooseReplayHistory => {
                "Find the history file (GetExecutionHistory JSON) in a file dialog"
            }
            Self::Undo => "Undo the last change",
            Self::Redo => "Redo the last undone change",
            Self::Delete => "Remove the selected states",
            Self::Copy => "Copy the selected states",
            Self::Paste => "Paste the copied states after the selected state",
            Self::Duplicate => "Insert a copy of the selected states after them",
            Self::Fit => "Show the whole graph",
            Self::DesignMode => "Edit the workflow as a graph",
            Self::CodeMode => "Edit the definition as text",
            Self::RunMode => "Run the workflow",
            Self::ConfigMode => {
                "The state machine's settings outside the definition: name, type, role, logging, tracing, version, tags"
            }
            Self::Deploy => "Create or update the state machine on AWS Step Functions",
            Self::Executions => {
                "List, start, stop, redrive and replay the state machine's executions on AWS"
            }
            Self::Validate => "Check the definition and list its problems",
            Self::RunPlay => "Start the run, or pause or continue the one playing",
            Self::RunStep => "Take the next event of the run",
            Self::RunStop => "Stop the run",
            Self::ToggleProblems => "Show or hide the list of problems under the graph",
            Self::ResetLayout => "Give every panel its first size again",
        }
    }

    /// The main keyboard shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        let s = |m, k| Some(KeyboardShortcut::new(m, k));
        match self {
            Self::New => s(cmd, Key::N),
            Self::Open => s(cmd, Key::O),
            Self::Save => s(cmd, Key::S),
            Self::SaveAs => s(cmd_shift, Key::S),
            Self::Undo => s(cmd, Key::Z),
            Self::Redo => s(cmd_shift, Key::Z),
            Self::Delete => s(Modifiers::NONE, Key::Delete),
            Self::Copy => s(cmd, Key::C),
            Self::Paste => s(cmd, Key::V),
            Self::Duplicate => s(cmd, Key::D),
            Self::Fit => s(Modifiers::NONE, Key::F),
            Self::Validate => s(cmd_shift, Key::V),
            Self::DesignMode => s(cmd, Key::Num1),
            Self::CodeMode => s(cmd, Key::Num2),
            Self::RunMode => s(cmd, Key::Num3),
            Self::ConfigMode => s(cmd, Key::Num4),
            Self::RunPlay => s(Modifiers::NONE, Key::F5),
            Self::RunStep => s(Modifiers::NONE, Key::F10),
            Self::RunStop => s(Modifiers::SHIFT, Key::F5),
            Self::ToggleProblems => s(cmd_shift, Key::M),
            Self::ExportJson
            | Self::ExportYaml
            | Self::ExportHistory
            | Self::ExportImage
            | Self::ExportPng
            | Self::Deploy
            | Self::Executions
            | Self::ChooseReplayHistory
            | Self::ResetLayout => None,
        }
    }

    /// Other shortcuts doing the same (Ctrl+Y for redo, Backspace for delete).
    pub fn alternate_shortcuts(self) -> &'static [KeyboardShortcut] {
        const REDO: [KeyboardShortcut; 1] = [KeyboardShortcut::new(Modifiers::COMMAND, Key::Y)];
        const DELETE: [KeyboardShortcut; 1] =
            [KeyboardShortcut::new(Modifiers::NONE, Key::Backspace)];
        match self {
            Self::Redo => &REDO,
            Self::Delete => &DELETE,
            _ => &[],
        }
    }

    /// Whether the command acts on the canvas or the document, so a focused text field (which
    /// has its own undo, delete and clipboard) takes the key instead.
    pub fn yields_to_text_fields(self) -> bool {
        matches!(
            self,
            Self::Undo
                | Self::Redo
                | Self::Delete
                | Self::Copy
                | Self::Paste
                | Self::Duplicate
                | Self::Fit
        )
    }

    /// The commands whose shortcuts were pressed this frame (consuming the keys). While a text
    /// field has the keyboard, the commands that edit text are left to it.
    pub fn from_input(ctx: &egui::Context) -> Vec<UiCommand> {
        let text_focus = ctx.text_edit_focused();
        let mut out = Vec::new();
        ctx.input_mut(|input| {
            // Longer shortcuts first, so Ctrl+Shift+S is not taken for Ctrl+S.
            let mut all: Vec<(UiCommand, KeyboardShortcut)> = Self::ALL
                .into_iter()
                .filter(|c| !(text_focus && c.yields_to_text_fields()))
                .flat_map(|c| {
                    c.shortcut()
                        .into_iter()
                        .chain(c.alternate_shortcuts().iter().copied())
                        .map(move |s| (c, s))
                })
                .collect();
            all.sort_by_key(|(_, s)| std::cmp::Reverse(s.modifiers.shift));
            for (command, shortcut) in all {
                if input.consume_shortcut(&shortcut) && !out.contains(&command) {
                    out.push(command);
                }
            }
            // A desktop window turns Ctrl+C and Ctrl+V into clipboard events, not key presses.
            if !text_focus {
                input.events.retain(|e| match e {
                    egui::Event::Copy => {
                        out.push(UiCommand::Copy);
                        false
                    }
                    egui::Event::Paste(_) => {
                        out.push(UiCommand::Paste);
                        false
                    }
                    _ => true,
                });
            }
        });
        out
    }

    /// The shortcut as text for menus ("Ctrl+S").
    pub fn shortcut_text(self, ctx: &egui::Context) -> Option<String> {
        self.shortcut().map(|s| ctx.format_shortcut(&s))
    }
}
