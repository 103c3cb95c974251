//! A run written down as a test case ([`crate::testing`]'s format), so it can be run again by
//! `stepcraft test`: its input, the Task answers it got and how it ended.
//!
//! The Task answers are read from the history, not from what was given: each Task state's
//! invocations in the order they were scheduled, a `TaskSucceeded` as `{"Return": result}` and
//! a `TaskFailed` or `TaskTimedOut` as `{"Throw": {"Error", "Cause"}}`, in the case's inline
//! `mocks` (which answer a state's calls in that order). So a table, a mock configuration or
//! no answers at all (every Task failing) are written the same way, and only the answers used.
//! An invocation stopped before it was answered (its branch failed) is written as
//! `{"Return": {}}`, which the run never reads. A distributed Map's child executions are not in
//! the history, so their Task answers are not written.
//!
//! The case is appended to a YAML test file as text: the bytes before it are kept as they were
//! (comments, anchors, layout). A JSON test file, or a YAML one whose `cases` cannot be extended
//! by appending (a flow list, or a key after `cases`), is written again from its value, keys in
//! their order. Nothing here touches the disk.

use crate::history::{EventKind, HistoryEvent};
use crate::interp::Status;
use crate::source::Format;
use crate::trace::Trace;
use crate::validate::WorkflowType;
use crate::{Document, write};
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Why a case cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaveError {
    /// The run has not ended (it waits for a callback, or was stopped).
    #[error("the run did not end ({0}): only a finished run can be written as a test case")]
    NotEnded(&'static str),
    /// The existing test file cannot be read as one.
    #[error("{0}")]
    NotATestFile(String),
}

/// The inline `mocks` of a case: each Task state's answers, in the order it was invoked.
pub fn mocks_from_history<'a>(
    events: impl IntoIterator<Item = &'a HistoryEvent>,
) -> Map<String, Value> {
    let mut trace = Trace::new();
    let mut answers: Vec<(String, Vec<Option<Value>>)> = Vec::new();
    // The slot of a run's pending invocation: state index in `answers`, call index.
    let mut pending: HashMap<usize, (usize, usize)> = HashMap::new();
    for e in events {
        trace.push(e);
        let Some(run) = trace.run_of_event(e.id) else {
            continue;
        };
        let answer = match &e.kind {
            EventKind::TaskScheduled { .. } => {
                let name = trace.runs()[run].name.to_string();
                let at = match answers.iter().position(|(n, _)| *n == name) {
                    Some(at) => at,
                    None => {
                        answers.push((name, Vec::new()));
                        answers.len() - 1
                    }
                };
                answers[at].1.push(None);
                pending.insert(run, (at, answers[at].1.len() - 1));
                continue;
            }
            EventKind::TaskSucceeded { output, .. } => json!({"Return": output.to_value()}),
            EventKind::TaskFailed { error, cause, .. }
            | EventKind::TaskTimedOut { error, cause, .. } => {
                let mut thrown = Map::new();
                thrown.insert("Error".into(), Value::from(&**error));
                if let Some(cause) = cause {
                    thrown.insert("Cause".into(), Value::from(&**cause));
                }
                json!({ "Throw": thrown })
            }
            _ => continue,
        };
        if let Some((at, call)) = pending.remove(&run) {
            answers[at].1[call] = Some(answer);
        }
    }
    answers
        .into_iter()
        .map(|(name, calls)| {
            let mut calls: Vec<Value> = calls
                .into_iter()
                .map(|c| c.unwrap_or_else(|| json!({"Return": {}})))
                .collect();
            let value = if calls.len() == 1 {
                calls.remove(0)
            } else {
                Value::Array(calls)
            };
            (name, value)
        })
        .collect()
}

/// What the case expects: the status, and the output or the error and cause.
pub fn expect_from_status(status: &Status) -> Result<Value, SaveError> {
    let failed = |word: &str, error: &str, cause: Option<&str>| {
        let mut m = Map::new();
        m.insert("status".into(), Value::from(word));
        m.insert("error".into(), Value::from(error));
        m.insert("cause".into(), cause.map_or(Value::Null, Value::from));
        Value::Object(m)
    };
    match status {
        Status::Succeeded(output) => {
            Ok(json!({"status": "SUCCEEDED", "output": output.to_value()}))
        }
        Status::Failed { error, cause } => Ok(failed("FAILED", error, cause.as_deref())),
        Status::TimedOut { error, cause } => Ok(failed("TIMED_OUT", error, cause.as_deref())),
        Status::Aborted => Err(SaveError::NotEnded("stopped")),
        Status::WaitingForCallback => Err(SaveError::NotEnded("waiting for a callback")),
        Status::Running | Status::Paused { .. } => Err(SaveError::NotEnded("still running")),
    }
}

/// A whole case: its name, input, Task answers (when any Task ran) and expected outcome.
pub fn case_value<'a>(
    name: &str,
    input: &Value,
    events: impl IntoIterator<Item = &'a HistoryEvent>,
    status: &Status,
) -> Result<Value, SaveError> {
    let mut case = Map::new();
    case.insert("name".into(), Value::from(name));
    case.insert("input".into(), input.clone());
    let mocks = mocks_from_history(events);
    if !mocks.is_empty() {
        case.insert("mocks".into(), Value::Object(mocks));
    }
    case.insert("expect".into(), expect_from_status(status)?);
    Ok(Value::Object(case))
}

/// A new test file's text (YAML) holding one case, for the definition at `definition` (relative
/// to the test file).
pub fn new_file(definition: &str, workflow_type: WorkflowType, case: &Value) -> String {
    let mut file = Map::new();
    file.insert("definition".into(), Value::from(definition));
    if workflow_type == WorkflowType::Express {
        file.insert("type".into(), Value::from(WorkflowType::Express.as_str()));
    }
    file.insert("cases".into(), Value::Array(vec![case.clone()]));
    format!(
        "# Cases saved from runs (`stepcraft run --save-case`, or the studio's Save as test case).\n{}",
        write::to_yaml(&Value::Object(file))
    )
}

/// The names of the cases a test file's text holds.
pub fn case_names(text: &str, format: Format) -> Result<Vec<String>, SaveError> {
    let doc = Document::parse(text, format).map_err(|d| SaveError::NotATestFile(d.message))?;
    let cases = doc
        .value()
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| SaveError::NotATestFile("a test file needs a \"cases\" array".into()))?;
    Ok(cases
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect())
}

/// An existing test file's text with `case` added at the end of its `cases`.
pub fn append(text: &str, format: Format, case: &Value) -> Result<String, SaveError> {
    let doc = Document::parse(text, format).map_err(|d| SaveError::NotATestFile(d.message))?;
    let mut value = doc.value().clone();
    let cases = value
        .get_mut("cases")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| SaveError::NotATestFile("a test file needs a \"cases\" array".into()))?;
    cases.push(case.clone());
    if format == Format::Yaml
        && let Some(appended) = append_yaml_text(text, case)
    {
        // Only if it reads back as the file with the case added.
        let reread = Document::parse(&appended, Format::Yaml).ok();
        if reread.is_some_and(|d| *d.value() == value) {
            return Ok(appended);
        }
    }
    Ok(write::to_string(&value, format))
}

/// The case written as one more item of the block list under a top-level `cases:` that ends
/// the file; `None` when the text is not laid out so.
fn append_yaml_text(text: &str, case: &Value) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().rposition(|l| l.trim_end() == "cases:")?;
    // Every later line is indented, a comment or blank: the list runs to the end of the file.
    let after = &lines[at + 1..];
    if after
        .iter()
        .any(|l| !l.trim().is_empty() && !l.starts_with([' ', '-', '#']))
    {
        return None;
    }
    let first = after
        .iter()
        .find(|l| l.trim_start().starts_with("- ") || l.trim() == "-")?;
    let indent = &first[..first.len() - first.trim_start().len()];
    let body = write::to_yaml(case);
    let mut out = String::from(text);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (i, line) in body.lines().enumerate() {
        let lead = if i == 0 {
            format!("{indent}- ")
        } else {
            format!("{indent}  ")
        };
        if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&lead);
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(out)
}
