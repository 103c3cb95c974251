//! `stepcraft run`: runs a definition locally and prints its output (or its error).

use super::Outcome;
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use crate::files::{read_text, write_atomic};
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::subst::Substitutions;
use stepcraft::tasks::mock::MockResolver;
use stepcraft::tasks::objects::{DirStore, ObjectStore};
use stepcraft::tasks::{TableResolver, TaskResolver};
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The definition to run.
    file: PathBuf,
    /// The execution input: JSON text, or @FILE to read it from a file (default {}).
    #[arg(long, short)]
    input: Option<String>,
    /// STANDARD (default) or EXPRESS: the limits to apply.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// Write the execution history (GetExecutionHistory JSON) to this file.
    #[arg(long)]
    history: Option<PathBuf>,
    /// Task results by state name: a JSON object file {"State": result, ...}.
    #[arg(long)]
    task_results: Option<PathBuf>,
    /// A mock configuration file in AWS Step Functions Local's format.
    #[arg(long, requires = "test_case")]
    mock_config: Option<PathBuf>,
    /// The test case of the mock configuration to use.
    #[arg(long)]
    test_case: Option<String>,
    /// The state machine of the mock configuration (needed when it has several).
    #[arg(long)]
    state_machine: Option<String>,
    /// Seed for retry jitter, UUIDs and unseeded MathRandom.
    #[arg(long, default_value_t = 0x5eed)]
    seed: u64,
    #[command(flatten)]
    subst: SubstArgs,
    /// A directory standing for S3: a distributed Map's ItemReader reads s3://Bucket/Key from
    /// DIR/Bucket/Key, and its ResultWriter writes its result files there.
    #[arg(long, value_name = "DIR")]
    s3_root: Option<PathBuf>,
}

/// The definition with its placeholders filled in. A placeholder left without a value runs as
/// its literal text (a note says so), except a bare one, which has no text to run as.
fn substituted(
    doc: &Document,
    substitutions: &Substitutions,
    file: &Path,
) -> Result<serde_json::Value, String> {
    let applied = substitutions.apply_to(doc);
    let open = stepcraft::placeholder::uses(&applied.value);
    // Unquoted JSON has no text to run as; a plain YAML scalar is a string, and runs as one.
    let bare = doc.bare_placeholders();
    if let Some(bare) = open
        .iter()
        .find(|u| u.whole && !u.in_key && !bare.is_yaml() && bare.is_bare(&u.pointer, &u.name))
    {
        return Err(format!(
            "{}: error: ${{{}}} stands unquoted at {}, so it needs a value to run: give one with --sub {}=VALUE, --subs FILE or --template FILE.",
            file.display(),
            bare.name,
            bare.pointer,
            bare.name
        ));
    }
    let names = stepcraft::placeholder::names(&applied.value);
    if !names.is_empty() {
        let list: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
        eprint(&format!(
            "{}: note: {} placeholder(s) have no value and run as their literal text: {}.",
            file.display(),
            names.len(),
            list.join(", ")
        ));
    }
    Ok(applied.value)
}

fn parse_type(text: &str) -> Result<WorkflowType, String> {
    WorkflowType::parse(text).ok_or_else(|| "use STANDARD or EXPRESS".to_owned())
}

fn read_json(path: &Path) -> Result<serde_json::Value, String> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: error: not valid JSON: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

fn eprint(message: &str) {
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{message}");
    }
}

pub fn run(args: &RunArgs) -> u8 {
    match run_inner(args) {
        Ok(code) => code,
        Err(message) => {
            eprint(&message);
            Outcome::Unreadable as u8
        }
    }
}

fn run_inner(args: &RunArgs) -> Result<u8, String> {
    let text = read_text(&args.file)?;
    let format = Format::from_path(&args.file).unwrap_or_else(|| Format::sniff(&text));
    let doc = Document::parse(&text, format).map_err(|d| format_diagnostic(&args.file, &d))?;
    let workflow_type = args.workflow_type.unwrap_or(WorkflowType::Standard);
    let substitutions = args.subst.gather(Some(&args.file))?;
    let definition = substituted(&doc, &substitutions, &args.file)?;
    let errors: Vec<_> = validate(
        &doc,
        &Options {
            workflow_type: Some(workflow_type),
            substitutions,
        },
    )
    .into_iter()
    .filter(stepcraft::Diagnostic::is_error)
    .collect();
    if !errors.is_empty() {
        let lines: Vec<String> = errors
            .iter()
            .map(|d| format_diagnostic(&args.file, d))
            .collect();
        return Err(format!(
            "{}\nThe definition is not valid, so it cannot run (AWS would reject it too).",
            lines.join("\n")
        ));
    }
    let (machine, _) = Document::from_value(definition, doc.format()).model();
    let program =
        Program::compile(&machine).map_err(|e| format!("{}: error: {e}", args.file.display()))?;
    let input = match args.input.as_deref() {
        None => serde_json::json!({}),
        Some(t) if t.starts_with('@') => read_json(Path::new(&t[1..]))?,
        Some(t) => serde_json::from_str(t).map_err(|e| format!("--input: not valid JSON: {e}"))?,
    };
    let resolver: Box<dyn TaskResolver> = match (&args.mock_config, &args.task_results) {
        (Some(path), _) => {
            let config = read_json(path)?;
            let case = args.test_case.as_deref().unwrap_or_default();
            Box::new(
                MockResolver::new(&config, args.state_machine.as_deref(), case)
                    .map_err(|e| format!("{}: {e}", path.display()))?,
            )
        }
        (None, Some(path)) => {
            let table = read_json(path)?;
            Box::new(TableResolver::from_json(&table).ok_or_else(|| {
                format!(
                    "{}: task results must be a JSON object of state names",
                    path.display()
                )
            })?)
        }
        (None, None) => Box::new(TableResolver::new()),
    };
    let objects: Option<Arc<dyn ObjectStore>> = match &args.s3_root {
        Some(dir) if !dir.is_dir() => {
            return Err(format!("--s3-root: {} is not a directory", dir.display()));
        }
        Some(dir) => Some(Arc::new(DirStore::new(dir))),
        None => None,
    };
    let config = Config {
        workflow_type,
        objects,
        record_history: args.history.is_some(),
        seed: args.seed,
        state_machine_name: args
            .state_machine
            .clone()
            .unwrap_or_else(|| "StateMachine".into()),
        ..Config::default()
    };
    let mut execution = Execution::new(Arc::new(program), Val::from(&input), config, resolver);
    // Nobody can answer a callback from here: let its timeout run out (on the virtual clock).
    let mut status = execution.run().clone();
    while status == Status::WaitingForCallback && execution.has_timers() {
        execution.let_time_pass();
        status = execution.run().clone();
    }
    if let Some(path) = &args.history {
        let history = stepcraft::history::to_aws_json(execution.history());
        let text = serde_json::to_string_pretty(&history).unwrap_or_default();
        write_atomic(path, &text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    Ok(match status {
        Status::Succeeded(output) => {
            use std::io::Write;
            let _ = writeln!(out, "{}", output.to_json_string());
            Outcome::Ok as u8
        }
        Status::Failed { error, cause } | Status::TimedOut { error, cause } => {
            eprint(&format!("error: {error}"));
            if let Some(c) = cause {
                eprint(&format!("cause: {c}"));
            }
            Outcome::Invalid as u8
        }
        Status::WaitingForCallback => {
            let pending: Vec<String> = execution
                .pending_callbacks()
                .iter()
                .map(|p| format!("{} (token {})", p.state, p.token))
                .collect();
            eprint(&format!(
                "The execution waits for a callback that nobody can send from the command line: {}",
                pending.join(", ")
            ));
            Outcome::Invalid as u8
        }
        Status::Aborted | Status::Running | Status::Paused { .. } => Outcome::Invalid as u8,
    })
}
