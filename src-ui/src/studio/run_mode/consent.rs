//! Consent to run a workflow's local backends from the studio. Nothing in an opened definition
//! or its test file starts a process or makes a request until the user allows it: before the
//! first run with backends, the Run mode names what would run (each command line, each
//! function's handler, each HTTP host) and asks Allow or Deny. The answer is remembered beside
//! the definition (`NAME.consent.json`, [`stepcraft::run::beside`]), keyed by those lines: a
//! changed configuration (another command, another handler, another host) is asked about
//! again. Revoking forgets every answer for the workflow.
//!
//! The file, written by the studio and readable by anyone:
//!
//! ```json
//! {"answers": [{"allow": true, "runs": ["command `python3 charge.py` for 'Charge'"]}]}
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::path::Path;
use stepcraft::tasks::backends::Backends;

/// The ARN of HTTP Task states.
const HTTP_INVOKE: &str = "arn:aws:states:::http:invoke";

/// One remembered answer: what would run, and whether it may.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// Allowed (or denied).
    pub allow: bool,
    /// What it was asked about, one line each, as the prompt named it.
    pub runs: Vec<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ConsentFile {
    answers: Vec<Answer>,
}

/// A question waiting for the user: what would run, for which test case, on what input.
#[derive(Clone, Debug, PartialEq)]
pub struct Ask {
    /// The test case's name.
    pub case: String,
    /// What would run, one line each.
    pub runs: Vec<String>,
    /// The input the run was started with.
    pub input: Value,
}

/// What `backends` would run, one line each: each command line (and the states it answers),
/// each local function's handler, each activity worker, each child definition, and the hosts
/// HTTP Task states of `definition` would reach.
pub fn what_will_run(backends: &Backends, definition: &Value) -> Vec<String> {
    let config = backends.config();
    let mut out = Vec::new();
    let commands = config.commands.iter().map(|c| ("command", c));
    let workers = config.activities.iter().map(|a| ("activity worker", a));
    for (what, c) in commands.chain(workers) {
        out.push(format!(
            "{what} `{}` in {} for '{}'",
            c.argv.join(" "),
            folder(&c.dir),
            c.key
        ));
    }
    for f in backends.functions() {
        // A file (`app.py:handler`) or a module (`app.handler`), as it was written.
        let file = [".py", ".js", ".mjs", ".cjs"]
            .iter()
            .any(|ext| f.module.ends_with(ext));
        out.push(format!(
            "function {}: handler {}{}{} ({}) in {}",
            f.name,
            f.module,
            if file { ":" } else { "." },
            f.function,
            f.runtime.program(),
            folder(&f.code_dir)
        ));
    }
    for (key, path) in &config.state_machines {
        out.push(format!(
            "child executions of {} for the state machine '{key}'",
            path.display()
        ));
    }
    if config.http.allow {
        let mut hosts = Vec::new();
        http_hosts(definition, &mut hosts);
        if hosts.is_empty() {
            out.push("HTTP requests of HTTP Task states (none in this definition)".to_owned());
        }
        for h in hosts {
            out.push(format!("HTTP requests to {h}"));
        }
    }
    out
}

/// A folder named in full (a definition opened by a relative path has relative folders).
fn folder(dir: &Path) -> String {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::path::absolute(dir)
        .unwrap_or_else(|_| dir.to_path_buf())
        .display()
        .to_string()
}

/// The hosts the HTTP Task states of a definition (or of a scope inside it) name, with the
/// state; an endpoint worked out at run time says so.
fn http_hosts(scope: &Value, out: &mut Vec<String>) {
    let Some(states) = scope.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        let branches = state.get("Branches").and_then(Value::as_array);
        for branch in branches.into_iter().flatten() {
            http_hosts(branch, out);
        }
        for key in ["ItemProcessor", "Iterator"] {
            if let Some(inner) = state.get(key) {
                http_hosts(inner, out);
            }
        }
        if state.get("Resource").and_then(Value::as_str) != Some(HTTP_INVOKE) {
            continue;
        }
        let fields = state.get("Parameters").or_else(|| state.get("Arguments"));
        let endpoint = fields
            .and_then(|f| f.get("ApiEndpoint"))
            .and_then(Value::as_str)
            .filter(|e| !e.trim_start().starts_with("{%"));
        out.push(match endpoint {
            Some(e) => format!("{} (state '{name}')", host(e)),
            None => format!("the endpoint state '{name}' works out at run time"),
        });
    }
}

/// The scheme and host of a URL (`https://api.example.com/v1/x` → `https://api.example.com`).
fn host(url: &str) -> &str {
    let start = url.find("://").map_or(0, |i| i + 3);
    let end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    &url[..end]
}

/// The answers remembered in `file` (none when it is missing or unreadable).
pub fn answers(file: &Path) -> Vec<Answer> {
    std::fs::read_to_string(file)
        .ok()
        .and_then(|t| serde_json::from_str::<ConsentFile>(&t).ok())
        .map(|f| f.answers)
        .unwrap_or_default()
}

/// The answer given about exactly `runs`, if one was.
pub fn recall(answers: &[Answer], runs: &[String]) -> Option<bool> {
    answers.iter().find(|a| a.runs == runs).map(|a| a.allow)
}

/// Remembers an answer in `answers` (replacing one about the same lines) and writes them to
/// `file` when there is one.
pub fn remember(
    answers: &mut Vec<Answer>,
    file: Option<&Path>,
    runs: Vec<String>,
    allow: bool,
) -> Result<(), String> {
    answers.retain(|a| a.runs != runs);
    answers.push(Answer { allow, runs });
    let Some(file) = file else { return Ok(()) };
    let text = serde_json::to_string_pretty(&ConsentFile {
        answers: answers.clone(),
    })
    .unwrap_or_default();
    crate::files::write_atomic(file, &(text + "\n"))
        .map_err(|e| format!("{}: cannot remember the answer: {e}", file.display()))
}

/// Forgets every answer: the next run with backends asks again.
pub fn forget(answers: &mut Vec<Answer>, file: Option<&Path>) -> Result<(), String> {
    answers.clear();
    match file {
        Some(f) if f.exists() => std::fs::remove_file(f)
            .map_err(|e| format!("{}: cannot forget the answers: {e}", f.display())),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::{host, http_hosts};
    use serde_json::json;

    #[test]
    fn hosts_of_http_tasks_inside_any_scope() {
        assert_eq!(
            host("https://api.example.com/v1/x?y=1"),
            "https://api.example.com"
        );
        assert_eq!(host("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
        let definition = json!({"States": {
            "P": {"Type": "Parallel", "Branches": [{"States": {"Call": {
                "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint": "https://a.example/x", "Method": "GET"}}}}]},
            "M": {"Type": "Map", "ItemProcessor": {"States": {"Late": {
                "Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Arguments": {"ApiEndpoint": "{% $states.input.url %}"}}}}}
        }});
        let mut out = Vec::new();
        http_hosts(&definition, &mut out);
        assert_eq!(
            out,
            [
                "https://a.example (state 'Call')",
                "the endpoint state 'Late' works out at run time"
            ]
        );
    }
}
