//! `stepcraft bench`: times runs of a definition in-process, for comparing interpreters.
//!
//! Prints one JSON line: parse and compile time, the median run time over the repeats, states
//! entered per run and the resulting state transitions per second. The run phase matches what
//! `../shared/bench/peer/run.mjs` reports as `run_ms`.

use super::Outcome;
use crate::files::read_text;
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use stepcraft::interp::Status;
use stepcraft::run::{RunSetup, run_to_end};
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The definition to run.
    file: PathBuf,
    /// The execution input: JSON text, or @FILE.
    #[arg(long, short)]
    input: Option<String>,
    /// How many runs to time (the median is reported).
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    /// Record the history too (as the studio does); off by default, as for an Express run.
    #[arg(long)]
    history: bool,
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

pub fn run(args: &BenchArgs) -> u8 {
    match bench(args) {
        Ok(line) => {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            Outcome::Ok as u8
        }
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{e}");
            Outcome::Unreadable as u8
        }
    }
}

fn bench(args: &BenchArgs) -> Result<serde_json::Value, String> {
    let t0 = Instant::now();
    let text = read_text(&args.file)?;
    let format = Format::from_path(&args.file).unwrap_or_else(|| Format::sniff(&text));
    let doc = Document::parse(&text, format).map_err(|d| d.message)?;
    let input: serde_json::Value = match args.input.as_deref() {
        None => json!({}),
        Some(t) if t.starts_with('@') => {
            serde_json::from_str(&read_text(Path::new(&t[1..]))?).map_err(|e| e.to_string())?
        }
        Some(t) => serde_json::from_str(t).map_err(|e| e.to_string())?,
    };
    let parse_ms = ms(t0);
    let t1 = Instant::now();
    // Timed as before: the definition runs as written, unvalidated, on Express limits.
    let mut setup = RunSetup::new(doc);
    setup.validate = false;
    setup.config.workflow_type = WorkflowType::Express;
    setup.config.record_history = args.history;
    // Only the outcome is read: events are counted, not built.
    setup.config.hand_out_events = false;
    let prepared = setup.prepare().map_err(|e| e.to_string())?;
    let input = Val::from(&input);
    let compile_ms = ms(t1);
    let mut runs = Vec::with_capacity(args.repeat.max(1));
    let mut states = 0usize;
    let mut output = String::new();
    for _ in 0..args.repeat.max(1) {
        let t = Instant::now();
        let mut execution = prepared.start(input.clone()).map_err(|e| e.to_string())?;
        let status = run_to_end(&mut execution);
        runs.push(ms(t));
        output = match status {
            Status::Succeeded(v) => v.to_json_string(),
            other => format!("{other:?}"),
        };
        states = execution.states_entered() as usize;
    }
    runs.sort_by(f64::total_cmp);
    let median = runs[runs.len() / 2];
    Ok(json!({
        "file": args.file.display().to_string(),
        "parse_ms": (parse_ms * 100.0).round() / 100.0,
        "compile_ms": (compile_ms * 100.0).round() / 100.0,
        "run_ms": (median * 1000.0).round() / 1000.0,
        "runs_ms": runs.iter().map(|r| (r * 1000.0).round() / 1000.0).collect::<Vec<_>>(),
        "states_entered": states,
        "states_per_second": (states as f64 / (median / 1000.0)).round(),
        "out_bytes": output.len(),
        "out_head": output.chars().take(80).collect::<String>(),
    }))
}
