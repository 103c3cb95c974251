//! The open definition and what is derived from it: the document, its undo history, the typed
//! model, the validator's findings, the workflow graph. Read-only during a frame; edits queued
//! by the panels are applied here at the end of the frame.

use super::parameters::{ParameterRow, Parameters};
use super::problems::ProblemIndex;
use super::state::{PanelCtx, Selection};
use crate::files::Stamp;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use stepcraft::edit::{Edit, EditError, History, Op, StateRef};
use stepcraft::embedded::Embedded;
use stepcraft::graph::WorkflowGraph;
use stepcraft::model::StateMachine;
use stepcraft::validate::{Options, validate};
use stepcraft::{Diagnostic, Document, Format, Pointer};

/// Generations are unique across sessions, so a panel keyed by one never mistakes a new file
/// for the one it showed.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// The definition a new document starts with.
pub fn new_definition() -> Value {
    json!({
        "Comment": "A new state machine",
        "StartAt": "Hello",
        "States": {
            "Hello": {"Type": "Pass", "End": true}
        }
    })
}

/// Where a definition inside a template is: the template file, the state machine, the
/// template's text as last read or saved, and the definition as read from it (to write back).
#[derive(Debug, Clone)]
pub struct InTemplate {
    /// The state machine's logical ID.
    pub id: String,
    /// The template's text as last read or saved.
    pub text: String,
    /// The definition as read from that text.
    pub embedded: Embedded,
}

/// The name a definition inside a template is shown by: "Orders in template.yaml".
pub fn template_name(id: &str, template: &Path) -> String {
    let file = template.file_name().map_or_else(
        || template.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    format!("{id} in {file}")
}

/// One open definition.
#[derive(Debug)]
pub struct Session {
    doc: Document,
    /// The document as last read or saved, kept to save its exact bytes while nothing differs.
    saved: Document,
    path: Option<PathBuf>,
    /// What the file held when it was last read or saved: to tell whether another program
    /// changed it since.
    on_disk: Option<Stamp>,
    name: String,
    history: History,
    machine: StateMachine,
    diagnostics: Vec<Diagnostic>,
    graph: WorkflowGraph,
    problems: ProblemIndex,
    generation: u64,
    dirty: bool,
    /// Whether the document is the empty stand-in for a file that could not be read: nothing
    /// to validate until the user edits it.
    stand_in: bool,
    /// Values for the definition's deploy-time placeholders (sidecar file and template).
    parameters: Parameters,
    /// The placeholders with their values, as the inspector lists them.
    parameter_rows: Arc<[ParameterRow]>,
    /// The template the definition is written in, when it is in one (`path` is the template).
    in_template: Option<InTemplate>,
}

impl Session {
    /// A session over a document read from `path` (or from nowhere: a new or bundled one).
    pub fn new(doc: Document, name: &str, path: Option<PathBuf>) -> Self {
        let mut session = Self {
            saved: doc.clone(),
            doc,
            path,
            on_disk: None,
            name: name.to_owned(),
            history: History::new(),
            machine: StateMachine::default(),
            diagnostics: Vec::new(),
            graph: WorkflowGraph::default(),
            problems: ProblemIndex::default(),
            generation: 0,
            dirty: false,
            stand_in: false,
            parameters: Parameters::default(),
            parameter_rows: Arc::from(Vec::new()),
            in_template: None,
        };
        session.parameters = Parameters::load(session.path.as_deref());
        session.derive();
        session
    }

    /// A session over state machine `id`'s definition inside the template at `path`, whose
    /// text is `text`. Saving writes the definition back into the template.
    pub fn in_template(path: &Path, text: &str, embedded: Embedded) -> Self {
        let id = embedded.id.clone();
        let mut session = Self::new(
            embedded.document.clone(),
            &template_name(&id, path),
            Some(path.to_path_buf()),
        );
        session.parameters = Parameters::for_template(path, &id);
        session.in_template = Some(InTemplate {
            id,
            text: text.to_owned(),
            embedded,
        });
        session.derive();
        session
    }

    /// The template the definition is written in, if it is in one.
    pub fn template(&self) -> Option<&InTemplate> {
        self.in_template.as_ref()
    }

    /// The text to save to the file: the definition's, or for one inside a template the
    /// template's with the definition written back in place (every other byte kept).
    pub fn text_to_save(&self) -> Result<String, String> {
        match &self.in_template {
            None => Ok(self.doc.to_text()),
            Some(t) => t.embedded.write_back(&t.text, &self.doc).map_err(|e| {
                let at = e.location.map(|l| format!(":{l}")).unwrap_or_default();
                format!("{}{at}: {}", self.name, e.message)
            }),
        }
    }

    /// An empty stand-in for a file at `path` that could not be read: no graph and no problems
    /// of its own (the parse error is the problem), not unsaved.
    pub fn unreadable(format: Format, name: &str, path: Option<PathBuf>) -> Self {
        let doc = Document::from_value(Value::Object(serde_json::Map::new()), format);
        let mut session = Self::new(doc, name, path);
        session.stand_in = true;
        session.derive();
        session
    }

    /// A new, unsaved definition.
    pub fn untitled() -> Self {
        let doc = Document::from_value(new_definition(), Format::Json);
        Self::new(doc, "untitled.asl.json", None)
    }

    /// What a panel reads this frame: the document, its model and diagnostics, the selection.
    pub fn panel_ctx<'a>(&'a self, selection: &'a Selection) -> PanelCtx<'a> {
        PanelCtx {
            value: self.doc.value(),
            machine: self.machine(),
            diagnostics: self.diagnostics(),
            selection,
        }
    }

    /// The document.
    pub fn document(&self) -> &Document {
        &self.doc
    }

    /// The file it was read from or saved to.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// What the file held when it was last read or saved.
    pub fn on_disk(&self) -> Option<&Stamp> {
        self.on_disk.as_ref()
    }

    /// Notes what the file holds, just read or written.
    pub fn set_on_disk(&mut self, stamp: Stamp) {
        self.on_disk = Some(stamp);
    }

    /// The name shown in the title.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The state machine's name when neither the Config nor the template gives one: the
    /// logical ID of a template's state machine, else the file's name up to its first dot.
    pub fn default_machine_name(&self) -> String {
        self.in_template.as_ref().map_or_else(
            || crate::deploy::default_name(Path::new(&self.name)),
            |t| t.id.clone(),
        )
    }

    /// The typed view.
    pub fn machine(&self) -> &StateMachine {
        &self.machine
    }

    /// The validator's findings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// The workflow graph.
    pub fn graph(&self) -> &WorkflowGraph {
        &self.graph
    }

    /// The problems by state.
    pub fn problems(&self) -> &ProblemIndex {
        &self.problems
    }

    /// A number that changes whenever the document does.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether the document differs from the file.
    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    /// The undo history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The placeholder values in use.
    pub fn parameters(&self) -> &Parameters {
        &self.parameters
    }

    /// The definition's placeholders with their values.
    pub fn parameter_rows(&self) -> Arc<[ParameterRow]> {
        Arc::clone(&self.parameter_rows)
    }

    /// Sets (or with `None`, forgets) the value of a placeholder and checks the definition again
    /// with it. Not an edit of the definition: not undone. [`Session::flush_parameters`] saves
    /// it in the sidecar file.
    pub fn set_parameter(&mut self, name: &str, value: Option<String>) {
        self.parameters.set(name, value);
        self.derive();
    }

    /// Marks the placeholder at `pointer` as bare (unquoted), so the text written has it where a
    /// number goes.
    pub fn mark_bare(&mut self, pointer: Pointer) {
        self.doc.mark_bare(pointer);
        self.rewrite();
    }

    /// Replaces the state machine's Config (kept in the sidecar with the values; the type is
    /// what the definition is validated for). Not an edit of the definition: not undone.
    pub fn set_config(&mut self, config: stepcraft::sidecar::Config) {
        let retype = config.workflow_type != self.parameters.config().workflow_type;
        self.parameters.set_config(config);
        if retype {
            self.derive();
        }
    }

    /// Writes the sidecar (values and Config) if they changed since last written.
    pub fn flush_parameters(&mut self) -> Result<(), String> {
        self.parameters.flush()
    }

    /// Ends merging of typing into the last undo step.
    pub fn seal(&mut self) {
        self.history.seal();
    }

    /// Applies an edit as one undo step; the states it created.
    pub fn apply(&mut self, edit: &Edit) -> Result<Vec<StateRef>, EditError> {
        let applied = self.history.apply_to_document(&mut self.doc, edit)?;
        if !applied.is_noop() {
            self.stand_in = false;
            self.rewrite();
        }
        Ok(applied.created)
    }

    /// Replaces the document by one parsed from the code editor (its text kept as typed), as an
    /// undoable edit; consecutive replacements merge while typing.
    pub fn replace_from_code(&mut self, doc: Document) {
        let before = self.doc.value().clone();
        if &before != doc.value() {
            self.history.push(
                Edit::Patch(vec![Op::Replace {
                    at: Pointer::root(),
                    value: before,
                }]),
                Some(Pointer::root()),
            );
        }
        self.doc = doc;
        self.stand_in = false;
        self.derive();
    }

    /// Undoes the last step; whether there was one.
    pub fn undo(&mut self) -> Result<bool, EditError> {
        let done = self.history.undo_document(&mut self.doc)?;
        if done {
            self.rewrite();
        }
        Ok(done)
    }

    /// Redoes the last undone step; whether there was one.
    pub fn redo(&mut self) -> Result<bool, EditError> {
        let done = self.history.redo_document(&mut self.doc)?;
        if done {
            self.rewrite();
        }
        Ok(done)
    }

    /// Notes that the document was saved to `path` as `text`. Saved under a new name, the
    /// placeholder values move to that file's sidecar; an error says if they could not.
    pub fn mark_saved(&mut self, path: &Path, text: &str) -> Result<(), String> {
        if let Some(t) = &mut self.in_template {
            // The template as written: the definition read from it again, to write back next.
            let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(text));
            let read = stepcraft::embedded::Template::parse(text, format)
                .map_err(|d| d.message)
                .and_then(|tpl| tpl.embedded(&t.id).map_err(|e| e.message));
            if let Ok(embedded) = read {
                self.saved = embedded.document.clone();
                t.text = text.to_owned();
                t.embedded = embedded;
            }
            let id = t.id.clone();
            self.path = Some(path.to_path_buf());
            self.name = template_name(&id, path);
            if self.doc.value() == self.saved.value() {
                self.doc = self.saved.clone();
            }
            self.derive();
            return Ok(());
        }
        if let Ok(doc) = Document::parse(text, self.doc.format()) {
            self.saved = doc;
        }
        let moved = if self.path.as_deref() == Some(path) {
            Ok(())
        } else {
            let r = self.parameters.rebind(path);
            self.derive();
            r
        };
        self.path = Some(path.to_path_buf());
        self.name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.dirty = self.doc.value() != self.saved.value();
        moved
    }

    /// After an edit: the text written anew from the value (so the Code mode and the problems'
    /// line numbers match what will be saved), or the saved text when the value is back to it.
    fn rewrite(&mut self) {
        self.doc = if self.doc.value() == self.saved.value() {
            self.saved.clone()
        } else {
            self.doc.rewritten()
        };
        self.derive();
    }

    /// Reads the model, validates, and builds the graph again.
    fn derive(&mut self) {
        self.machine = self.doc.model().0;
        // Inside a template, intrinsic functions in the definition are checked as the values
        // CloudFormation gives them.
        let resolved = self
            .in_template
            .as_ref()
            .and_then(|t| t.embedded.resolved(&self.doc));
        self.diagnostics = if self.stand_in {
            Vec::new()
        } else {
            validate(
                resolved.as_ref().unwrap_or(&self.doc),
                &Options {
                    substitutions: self.parameters.effective(),
                    // The Config's type: Express restrictions are checked once it says EXPRESS.
                    workflow_type: self.parameters.config().workflow_type,
                },
            )
        };
        self.parameter_rows = Arc::from(self.parameters.rows(self.doc.value()));
        self.graph = WorkflowGraph::from_machine(&self.machine);
        self.problems = ProblemIndex::new(&self.diagnostics);
        self.generation = NEXT_GENERATION.fetch_add(1, Ordering::Relaxed);
        self.dirty = self.doc.value() != self.saved.value()
            || (self.path.is_some() && self.doc.source_text() != self.saved.source_text());
    }
}
