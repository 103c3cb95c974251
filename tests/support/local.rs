//! What the local-backend tests share: a temporary project folder, and a definition run with
//! backends answering its tasks (tasks they do not take fail as before).

#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use stepcraft::interp::{Execution, Status, TaskCalls};
use stepcraft::run::{RunSetup, Tasks, run_to_end};
use stepcraft::tasks::backends::Backends;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new folder named after the test file and `name`.
    pub fn new(file: &str, name: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "stepcraft-{file}-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// Writes `text` at `rel` (folders made).
    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, text).expect("write");
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Starts `definition` on `input` with `backends` (nothing runs until stepped).
pub fn start(definition: &Value, input: Value, backends: &Arc<Backends>) -> Execution {
    start_calling(definition, input, backends, TaskCalls::default())
}

/// [`start`], its backends called as `calls` says.
pub fn start_calling(
    definition: &Value,
    input: Value,
    backends: &Arc<Backends>,
    calls: TaskCalls,
) -> Execution {
    let mut setup = RunSetup::new(Document::from_value(definition.clone(), Format::Json));
    setup.tasks = Tasks::Backends {
        backends: Arc::clone(backends),
        fallback: Box::new(Tasks::None),
    };
    let mut prepared = setup.prepare().expect("prepares");
    prepared.config.task_calls = calls;
    prepared.start(Val::from(input)).expect("starts")
}

/// Runs `definition` on `input` with `backends` as far as it goes.
pub fn run(definition: &Value, input: Value, backends: &Arc<Backends>) -> Execution {
    let mut exec = start(definition, input, backends);
    run_to_end(&mut exec);
    exec
}

/// The output of an execution that succeeded.
pub fn output(exec: &Execution) -> Value {
    match exec.status() {
        Status::Succeeded(out) => out.to_value(),
        other => panic!("the run did not succeed: {other:?}"),
    }
}

/// Whether the process `pid` ends within 10 seconds (it was stopped, not left to run): gone,
/// or a zombie nobody waits for any more.
pub fn ends(pid: u32) -> bool {
    let stat = format!("/proc/{pid}/stat");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < until {
        let state = std::fs::read_to_string(&stat).unwrap_or_default();
        if state.is_empty() || state.split_whitespace().nth(2) == Some("Z") {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    false
}
