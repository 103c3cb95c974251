//! A finished run appended to a test file as a case ([`stepcraft::save_case`]), the file created
//! when missing, written atomically: `stepcraft run --save-case` and the Run mode's Save as test
//! case.

use crate::files::{read_text, write_atomic};
use serde_json::Value;
use std::path::{Component, Path, PathBuf};
use stepcraft::Format;
use stepcraft::event_log::EventLog;
use stepcraft::interp::Status;
use stepcraft::save_case;
use stepcraft::validate::WorkflowType;

/// What the run gives the case.
#[derive(Debug)]
pub struct Run<'a> {
    /// The definition file.
    pub definition: &'a Path,
    /// The execution input.
    pub input: &'a Value,
    /// Its history.
    pub events: &'a EventLog,
    /// How it ended.
    pub status: &'a Status,
    /// Standard or Express (written in a new file).
    pub workflow_type: WorkflowType,
}

/// Appends the run to the test file at `path` as the case `name` (by default "NAME run N").
/// Returns the name written.
pub fn save(path: &Path, name: Option<&str>, run: &Run<'_>) -> Result<String, String> {
    let fail = |e: String| format!("{}: cannot save the case: {e}", path.display());
    let existing = if path.exists() {
        Some(read_text(path)?)
    } else {
        None
    };
    let format = Format::from_path(path).unwrap_or(Format::Yaml);
    let taken = match &existing {
        Some(text) => save_case::case_names(text, format).map_err(|e| fail(e.to_string()))?,
        None => Vec::new(),
    };
    let name = match name {
        Some(n) => n.to_owned(),
        None => {
            let stem = run
                .definition
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('.').next())
                .unwrap_or("workflow");
            (taken.len() + 1..)
                .map(|n| format!("{stem} run {n}"))
                .find(|n| !taken.contains(n))
                .unwrap_or_default()
        }
    };
    let case = save_case::case_value(&name, run.input, run.events, run.status)
        .map_err(|e| fail(e.to_string()))?;
    let text = match &existing {
        Some(text) => save_case::append(text, format, &case).map_err(|e| fail(e.to_string()))?,
        None => {
            let definition = relative(run.definition, path);
            let text = save_case::new_file(&definition, run.workflow_type, &case);
            if format == Format::Json {
                let doc =
                    stepcraft::Document::parse(&text, Format::Yaml).map_err(|d| fail(d.message))?;
                stepcraft::write::to_string(doc.value(), Format::Json)
            } else {
                text
            }
        }
    };
    write_atomic(path, &text).map_err(|e| fail(e.to_string()))?;
    Ok(name)
}

/// The definition's path as the test file names it: relative to the test file's folder.
fn relative(definition: &Path, test_file: &Path) -> String {
    let absolute = |p: &Path| {
        std::path::absolute(p)
            .unwrap_or_else(|_| p.to_path_buf())
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .collect::<PathBuf>()
    };
    let def = absolute(definition);
    let folder = absolute(test_file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let common = def
        .components()
        .zip(folder.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in folder.components().skip(common) {
        out.push("..");
    }
    for c in def.components().skip(common) {
        out.push(c);
    }
    out.to_string_lossy().replace('\\', "/")
}
