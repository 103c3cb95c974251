//! Commands: any program answers a Task state. It starts in the configuration's folder for each
//! invocation, gets the task's input as JSON on stdin, and prints its result as JSON on stdout.
//!
//! Failures (the error names are ours; the cause says what happened):
//! - `Command.StartFailed`: the program could not start (not found, not executable);
//! - `Command.Failed`: it exited with a status other than 0 (the cause has the status and the
//!   end of its stderr);
//! - `Command.InvalidOutput`: its stdout is not JSON;
//! - `Command.Timedout`: it ran longer than its timeout (it is killed);
//! - a printed `{"errorType": NAME, "errorMessage": TEXT}` (with no other keys than those,
//!   `stackTrace` and `requestId`): the task fails with error NAME and cause TEXT, as a Lambda
//!   function's error would.
//!
//! What it printed on stderr is the invocation's log.
//!
//! An activity worker ([`Kind::Activity`]) is run the same way, as GetActivityTask and
//! SendTaskSuccess/SendTaskFailure would hand it the task and take its answer; a line
//! `heartbeat` on its stdout is SendTaskHeartbeat. Past the state's `TimeoutSeconds` it is
//! stopped and the task fails with `States.Timeout`; with `HeartbeatSeconds`, a gap longer than
//! that between heartbeats (from the start, then from the last one) fails it with
//! `States.HeartbeatTimeout`.

use super::{Cancel, TaskOutcome};
use crate::model::ErrorName;
use crate::value::Val;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// What the program is to the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A command bound to the Task (`commands`).
    Command,
    /// An activity's worker (`activities`), with the state's `HeartbeatSeconds`.
    Activity {
        /// The longest gap between heartbeats.
        heartbeat: Option<Duration>,
    },
}

/// The line a worker prints to send a heartbeat.
pub const HEARTBEAT_LINE: &str = "heartbeat";

/// One command to run.
#[derive(Debug, Clone, Copy)]
pub struct Command<'a> {
    /// The program and its arguments.
    pub argv: &'a [String],
    /// Its working folder.
    pub dir: &'a Path,
    /// How long it may run.
    pub timeout: Duration,
    /// A command, or an activity's worker.
    pub kind: Kind,
    /// Raised when the execution no longer waits for the outcome: the program is stopped.
    pub cancel: &'a Cancel,
}

fn failure(error: &str, cause: String) -> TaskOutcome {
    TaskOutcome::Failure {
        error: error.to_owned(),
        cause,
    }
}

/// The last `n` characters of `text`, whole lines when it can.
fn tail(text: &str, n: usize) -> &str {
    if text.len() <= n {
        return text.trim_end();
    }
    let mut start = text.len() - n;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let cut = &text[start..];
    cut.find('\n').map_or(cut, |i| &cut[i + 1..]).trim_end()
}

/// How long the output of a program that ended may stay open (held by a process it started)
/// before that process group is stopped.
const LINGER: Duration = Duration::from_millis(500);

/// Why a program was stopped.
#[derive(Clone, Copy)]
enum Stopped {
    Timeout,
    Heartbeat,
    Cancelled,
}

/// Runs `command` on `input`: the outcome and its log (stderr).
pub fn run(command: &Command<'_>, input: &Val) -> (TaskOutcome, String) {
    let shown = command.argv.join(" ");
    let Some((program, args)) = command.argv.split_first() else {
        return (
            failure("Command.StartFailed", "the command is empty".to_owned()),
            String::new(),
        );
    };
    // A program named with a path (./run.sh, scripts/x) is found from the configuration's folder.
    let program = if program.contains('/') {
        command.dir.join(program).into_os_string()
    } else {
        program.into()
    };
    let mut process = Process::new(&program);
    super::process::own_group(&mut process);
    let spawned = process
        .args(args)
        .current_dir(command.dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(c) => c,
        Err(e) => {
            return (
                failure(
                    "Command.StartFailed",
                    format!("`{shown}` cannot start in {}: {e}", command.dir.display()),
                ),
                String::new(),
            );
        }
    };
    let text = input.to_json_string();
    let stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(mut stdin) = stdin {
            // A program that exits without reading its input is not an error.
            let _ = stdin.write_all(text.as_bytes());
        }
    });
    let read_all = |from: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(mut r) = from {
                let _ = r.read_to_end(&mut buf);
            }
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let beat = Arc::new(Mutex::new(Instant::now()));
    let stdout = {
        let from = child.stdout.take();
        let beat = Arc::clone(&beat);
        let heartbeats = matches!(command.kind, Kind::Activity { .. });
        std::thread::spawn(move || {
            let mut out = String::new();
            let Some(from) = from else { return out };
            let mut reader = BufReader::new(from);
            let mut line = Vec::new();
            while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                let text = String::from_utf8_lossy(&line);
                if heartbeats && text.trim() == HEARTBEAT_LINE {
                    *beat.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
                } else {
                    out.push_str(&text);
                }
                line.clear();
            }
            out
        })
    };
    let stderr = read_all(
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let mut pause = Duration::from_micros(200);
    let mut stopped = Stopped::Timeout;
    let status = loop {
        let silent = beat
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed();
        let late = match command.kind {
            Kind::Activity { heartbeat: Some(h) } => silent >= h,
            _ => false,
        };
        let cancelled = command.cancel.is_cancelled();
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= command.timeout || late || cancelled => {
                if cancelled {
                    stopped = Stopped::Cancelled;
                } else if late && started.elapsed() < command.timeout {
                    stopped = Stopped::Heartbeat;
                }
                super::process::kill_group(&mut child);
                break None;
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(_) => {
                super::process::kill_group(&mut child);
                break None;
            }
        }
    };
    if status.is_some() {
        // It ended; what it started and left running (holding its output open) ends too.
        let until = Instant::now() + LINGER;
        while !(stdout.is_finished() && stderr.is_finished()) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        if !(stdout.is_finished() && stderr.is_finished()) {
            super::process::signal_group(child.id());
        }
    }
    let _ = writer.join();
    let out = stdout.join().unwrap_or_default();
    let log = stderr.join().unwrap_or_default();
    let Some(status) = status else {
        let outcome = match (command.kind, stopped) {
            (_, Stopped::Cancelled) => super::cancelled(),
            (Kind::Command, _) => failure(
                "Command.Timedout",
                format!(
                    "`{shown}` ran longer than {:.2} seconds and was stopped",
                    command.timeout.as_secs_f64()
                ),
            ),
            (Kind::Activity { .. }, Stopped::Timeout) => failure(
                ErrorName::Timeout.as_str(),
                format!(
                    "the activity worker `{shown}` ran longer than the state's TimeoutSeconds ({:.2} seconds) and was stopped",
                    command.timeout.as_secs_f64()
                ),
            ),
            (Kind::Activity { heartbeat }, Stopped::Heartbeat) => failure(
                ErrorName::HeartbeatTimeout.as_str(),
                format!(
                    "the activity worker `{shown}` sent no heartbeat for {:.2} seconds (HeartbeatSeconds) and was stopped",
                    heartbeat.unwrap_or_default().as_secs_f64()
                ),
            ),
        };
        return (outcome, log);
    };
    if !status.success() {
        let mut cause = format!("`{shown}` exited with {status}");
        let end = tail(&log, 1000);
        if !end.is_empty() {
            cause.push_str(": ");
            cause.push_str(end);
        }
        return (failure("Command.Failed", cause), log);
    }
    let value: Value = match serde_json::from_str(&out) {
        Ok(v) => v,
        Err(e) => {
            return (
                failure(
                    "Command.InvalidOutput",
                    format!(
                        "`{shown}` printed what is not JSON ({e}): {}",
                        tail(&out, 200)
                    ),
                ),
                log,
            );
        }
    };
    if let Value::Object(m) = &value
        && let Some(Value::String(error)) = m.get("errorType")
        && m.keys()
            .all(|k| ["errorType", "errorMessage", "stackTrace", "requestId"].contains(&k.as_str()))
    {
        let cause = match m.get("errorMessage") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        return (failure(error, cause), log);
    }
    (TaskOutcome::Success(Val::from(value)), log)
}
