//! `stepcraft replay`: reads a history exported from AWS and prints its state runs, the table
//! the studio's Run mode shows when it replays one. With `--execution ARN`, the history is
//! fetched from AWS first (every page of GetExecutionHistory).

use super::Outcome;
use crate::files::read_text;
use clap::{Args, ValueEnum};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use stepcraft::history::HistoryEvent;
use stepcraft::replay::read_history;
use stepcraft::trace::Trace;

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A history: the JSON of `aws stepfunctions get-execution-history` (or its `events`).
    #[arg(required_unless_present = "execution", conflicts_with = "execution")]
    file: Option<PathBuf>,
    /// Fetch the history of this execution from AWS instead of reading a file.
    #[arg(long, value_name = "EXECUTION_ARN")]
    execution: Option<String>,
    #[command(flatten)]
    aws: super::aws::AwsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReplayFormat::Text)]
    format: ReplayFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ReplayFormat {
    Text,
    Json,
}

/// Prints the state runs; exit 0 when the history was read, 2 when it cannot be.
pub fn run(args: &ReplayArgs) -> u8 {
    let mut err = std::io::stderr().lock();
    let (value, source) = match (&args.file, &args.execution) {
        (Some(file), _) => (read_json(file), file.display().to_string()),
        (None, Some(arn)) => (fetch(args, arn), arn.clone()),
        (None, None) => (
            Err("give a history file or --execution ARN".to_owned()),
            String::new(),
        ),
    };
    let value = match value {
        Ok(v) => v,
        Err(e) => {
            let _ = writeln!(err, "{e}");
            return Outcome::Unreadable as u8;
        }
    };
    let events = match read_history(&value) {
        Ok(e) => e,
        Err(e) => {
            let _ = writeln!(err, "{source}: {e}");
            return Outcome::Unreadable as u8;
        }
    };
    let trace = Trace::from_events(&events);
    let mut out = std::io::stdout().lock();
    let _ = match args.format {
        ReplayFormat::Text => write_text(&mut out, &events, &trace),
        ReplayFormat::Json => write_json(&mut out, &events, &trace),
    };
    Outcome::Ok as u8
}

fn read_json(file: &std::path::Path) -> Result<serde_json::Value, String> {
    read_text(file).and_then(|t| {
        serde_json::from_str::<serde_json::Value>(&t).map_err(|e| {
            format!(
                "{}:{}:{}: not JSON: {e}",
                file.display(),
                e.line(),
                e.column()
            )
        })
    })
}

/// The execution's whole history from AWS.
fn fetch(args: &ReplayArgs, arn: &str) -> Result<serde_json::Value, String> {
    let sfn = args.aws.connect()?;
    sfn.execution_history(arn)
        .map_err(|e| super::aws::message(&e))
}

fn ending(events: &[HistoryEvent]) -> String {
    events
        .iter()
        .rev()
        .find(|e| e.kind.type_name().starts_with("Execution") && e.id > 1)
        .map_or_else(|| "still running".to_owned(), |e| e.kind.type_name())
}

fn write_text(out: &mut impl Write, events: &[HistoryEvent], trace: &Trace) -> std::io::Result<()> {
    let start = events.first().map_or(0, |e| e.timestamp);
    for (i, run) in trace.runs().iter().enumerate() {
        let took = run
            .ended_at
            .map_or_else(|| "…".to_owned(), |e| format!("{} ms", e - run.entered_at));
        let mut line = format!(
            "{:>4}  {:<32} {:<9} {:<10} +{} ms, took {took}",
            i + 1,
            run.name,
            run.state_type,
            run.status.label(),
            run.entered_at - start
        );
        if run.attempts > 1 {
            line.push_str(&format!(", {} attempts", run.attempts));
        }
        if let Some(index) = run.iteration {
            line.push_str(&format!(", iteration {index}"));
        }
        if let Some((error, cause)) = &run.error {
            line.push_str(&format!(", error {error}"));
            if let Some(c) = cause {
                line.push_str(&format!(" ({c})"));
            }
        }
        writeln!(out, "{line}")?;
    }
    writeln!(
        out,
        "{} events, {} state runs; {}",
        events.len(),
        trace.runs().len(),
        ending(events)
    )
}

fn write_json(out: &mut impl Write, events: &[HistoryEvent], trace: &Trace) -> std::io::Result<()> {
    let runs: Vec<serde_json::Value> = trace
        .runs()
        .iter()
        .map(|r| {
            json!({
                "state": &*r.name,
                "type": r.state_type.as_str(),
                "status": r.status.label(),
                "enteredEventId": r.entered_event,
                "exitedEventId": r.exited_event,
                "enteredAt": stepcraft::history::format_timestamp(r.entered_at),
                "durationMillis": r.ended_at.map(|e| e - r.entered_at),
                "attempts": r.attempts,
                "iteration": r.iteration,
                "error": r.error.as_ref().map(|(e, _)| &**e),
                "cause": r.error.as_ref().and_then(|(_, c)| c.as_deref()),
                "input": r.input.to_value(),
                "output": r.output.as_ref().map(stepcraft::value::Val::to_value),
            })
        })
        .collect();
    let report = json!({"events": events.len(), "ending": ending(events), "stateRuns": runs});
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    )
}
