//! `stepcraft run`: runs a definition locally and prints its output (or its error).

use super::definition::load;
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use super::{Outcome, eprint};
use crate::files::{read_text, write_atomic};
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::Document;
use stepcraft::interp::Status;
use stepcraft::run::{RunSetup, SetupError, Tasks, run_to_end};
use stepcraft::tasks::TableResolver;
use stepcraft::tasks::backends::{
    Backends, BackendsConfig, BackendsError, Consent, Lambdas, read_file,
};
use stepcraft::tasks::objects::DirStore;
use stepcraft::tasks::service::{AwsConfig, check_endpoint};
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The definition to run (a file, or TEMPLATE#LogicalId).
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
    /// The most states the run may enter before it fails (0: no limit). Pass and Choice states
    /// take no virtual time, so a loop of them would otherwise never end.
    #[arg(long, value_name = "N", default_value_t = stepcraft::interp::DEFAULT_MAX_TRANSITIONS)]
    max_transitions: u64,
    /// Append this run to a test file (created when missing) as a case: its input, the Task
    /// answers it got (as inline mocks) and its output or error and cause.
    #[arg(long, value_name = "TESTFILE")]
    save_case: Option<PathBuf>,
    /// The saved case's name (default: "DEFINITION run N").
    #[arg(long = "case", value_name = "NAME", requires = "save_case")]
    case_name: Option<String>,
    /// A backends file (YAML or JSON): Task states answered by local Lambda functions, commands
    /// or HTTP requests; the others by --task-results or --mock-config as before. Passing it
    /// lets what it names run.
    #[arg(long, value_name = "FILE")]
    backends: Option<PathBuf>,
    /// Run the template's Lambda functions (Python, Node.js) locally, as `lambdas: template`:
    /// the template of --template, or the one found beside the definition.
    #[arg(long)]
    local_lambdas: bool,
    /// Let HTTP Task states (arn:aws:states:::http:invoke) make real requests.
    #[arg(long)]
    allow_http: bool,
    /// Send AWS service integrations (DynamoDB, SQS, SNS, EventBridge, Lambda, aws-sdk: calls
    /// of JSON-protocol services) to this endpoint, such as a local emulator, signed with the
    /// standard credentials chain: `aws: {endpoint: URL}` in backends.
    #[arg(long, value_name = "URL")]
    aws_endpoint: Option<String>,
}

fn parse_type(text: &str) -> Result<WorkflowType, String> {
    WorkflowType::parse(text).ok_or_else(|| "use STANDARD or EXPRESS".to_owned())
}

/// A JSON argument: the text itself, or `@FILE` to read it from a file.
pub(super) fn json_arg(flag: &str, text: &str) -> Result<serde_json::Value, String> {
    match text.strip_prefix('@') {
        Some(path) => read_json(Path::new(path)),
        None => serde_json::from_str(text).map_err(|e| format!("{flag}: not valid JSON: {e}")),
    }
}

pub(super) fn read_json(path: &Path) -> Result<serde_json::Value, String> {
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

/// A placeholder left without a value runs as its literal text: a note says so.
fn note_unfilled(setup: &RunSetup, file: &Path) {
    let names = setup.unfilled();
    if !names.is_empty() {
        let list: Vec<String> = names.iter().map(|n| format!("${{{n}}}")).collect();
        eprint(&format!(
            "{}: note: {} placeholder(s) have no value and run as their literal text: {}.",
            file.display(),
            names.len(),
            list.join(", ")
        ));
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

/// Explains why the definition cannot start, as the command line says it: where (line:column
/// and pointer), and for a placeholder that has no value, how to give it one.
pub(super) fn setup_error(file: &Path, doc: &Document, error: &SetupError) -> String {
    match error {
        SetupError::Compile(e) => {
            let pointer = stepcraft::Pointer::from_escaped(&e.pointer);
            let at = pointer
                .as_ref()
                .and_then(|p| doc.locate(p))
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            let placeholder = pointer
                .as_ref()
                .and_then(|p| p.resolve(doc.value()))
                .and_then(serde_json::Value::as_str)
                .and_then(stepcraft::placeholder::whole);
            match placeholder {
                Some(name) => format!(
                    "{}{at}: error: ${{{name}}} has no value, and the definition cannot run without one here ({}): give it one with --sub {name}=VALUE, --subs FILE or --template FILE. (at {})",
                    file.display(),
                    e.message,
                    e.pointer
                ),
                None => format!("{}{at}: error: {e}", file.display()),
            }
        }
        SetupError::BarePlaceholder { name, pointer } => format!(
            "{}: error: ${{{name}}} stands unquoted at {pointer}, so it needs a value to run: give one with --sub {name}=VALUE, --subs FILE or --template FILE.",
            file.display(),
        ),
        SetupError::Invalid(errors) => {
            let lines: Vec<String> = errors.iter().map(|d| format_diagnostic(file, d)).collect();
            format!(
                "{}\nThe definition is not valid, so it cannot run (AWS would reject it too).",
                lines.join("\n")
            )
        }
        other => format!("{}: error: {other}", file.display()),
    }
}

/// The backends the flags ask for: `--backends FILE`, `--local-lambdas`, `--allow-http`,
/// `--aws-endpoint`. What the user names on the command line is what they let run.
fn backends(args: &RunArgs, template: Option<&Path>) -> Result<Backends, String> {
    let mut config = match &args.backends {
        Some(path) => read_file(path, false)?,
        None => BackendsConfig::default(),
    };
    let template = || {
        template
            .map(Path::to_path_buf)
            .or_else(|| args.subst.template_for(&args.file))
    };
    if args.local_lambdas {
        config.lambdas = Some(Lambdas::Template(None));
    }
    if let Some(Lambdas::Template(t @ None)) = &mut config.lambdas {
        *t = Some(template().ok_or_else(|| {
            format!(
                "{}: error: local Lambda functions need a template: give one with --template FILE, or put template.yaml (whose DefinitionUri names the definition) beside it.",
                args.file.display()
            )
        })?);
    }
    if args.allow_http {
        config.http.allow = true;
    }
    if let Some(url) = &args.aws_endpoint {
        let url = check_endpoint(url).map_err(|m| format!("error: --aws-endpoint: {m}"))?;
        config.aws.get_or_insert_with(AwsConfig::default).endpoint = Some(url);
    }
    let origin = args.backends.as_deref().unwrap_or(&args.file);
    let at = |e: BackendsError| format!("{}: error: {e}", origin.display());
    let mut backends = Backends::new(config, Consent::ALL).map_err(at)?;
    backends
        .connect_aws(&stepcraft_aws::ServiceConnector)
        .map_err(at)?;
    Ok(backends)
}

fn run_inner(args: &RunArgs) -> Result<u8, String> {
    let loaded = load(&args.file).map_err(|f| f.message)?;
    let file = loaded.file.clone();
    let mut setup = RunSetup::new(loaded.document.clone());
    setup.substitutions = args.subst.gather_for(&loaded)?;
    setup.config.workflow_type = args.workflow_type.unwrap_or(WorkflowType::Standard);
    setup.config.record_history = args.history.is_some() || args.save_case.is_some();
    setup.config.max_transitions = (args.max_transitions > 0).then_some(args.max_transitions);
    setup.config.seed = args.seed;
    if let Some(name) = &args.state_machine {
        setup.config.state_machine_name.clone_from(name);
    }
    let mut prepared = match setup.prepare() {
        Ok(prepared) => {
            note_unfilled(&setup, &file);
            prepared
        }
        Err(e @ SetupError::BarePlaceholder { .. }) => {
            return Err(setup_error(&file, &setup.document, &e));
        }
        Err(e) => {
            note_unfilled(&setup, &file);
            return Err(setup_error(&file, &setup.document, &e));
        }
    };
    let input = match args.input.as_deref() {
        None => serde_json::json!({}),
        Some(t) => json_arg("--input", t)?,
    };
    let answers = match (&args.mock_config, &args.task_results) {
        (Some(path), _) => Tasks::Mocks {
            config: Arc::new(read_json(path)?),
            state_machine: args.state_machine.clone(),
            test_case: args.test_case.clone().unwrap_or_default(),
        },
        (None, Some(path)) => {
            let table = read_json(path)?;
            Tasks::Table(TableResolver::from_json(&table).ok_or_else(|| {
                format!(
                    "{}: task results must be a JSON object of state names",
                    path.display()
                )
            })?)
        }
        (None, None) => Tasks::None,
    };
    let template = loaded.template.as_ref().map(|(t, _)| t.as_path());
    let backends = Arc::new(backends(args, template)?);
    let tasks = Tasks::Backends {
        backends: Arc::clone(&backends),
        fallback: Box::new(answers),
    };
    let resolver = tasks.resolver().map_err(|e| match &args.mock_config {
        Some(path) => format!("{}: {e}", path.display()),
        None => e.to_string(),
    })?;
    prepared.config.objects = match &args.s3_root {
        Some(dir) if !dir.is_dir() => {
            return Err(format!("--s3-root: {} is not a directory", dir.display()));
        }
        Some(dir) => Some(Arc::new(DirStore::new(dir))),
        None => None,
    };
    let mut execution = prepared.start_with(Val::from(&input), resolver);
    // Nobody can answer a callback from here: its timeout runs out (on the virtual clock).
    let status = run_to_end(&mut execution).clone();
    // What local functions and commands printed, on stderr: `State: line` (`State#2` for a
    // state's third attempt).
    for log in backends.logs() {
        let who = match log.attempt {
            0 => log.state.clone(),
            n => format!("{}#{n}", log.state),
        };
        for line in log.text.lines() {
            eprint(&format!("{who}: {line}"));
        }
    }
    if let Some(path) = &args.history {
        let history = stepcraft::history::to_aws_json(execution.history());
        let text = serde_json::to_string_pretty(&history).unwrap_or_default();
        write_atomic(path, &text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    if let Some(path) = &args.save_case {
        let run = crate::save_case::Run {
            definition: &args.file,
            input: &input,
            events: execution.history(),
            status: &status,
            workflow_type: setup.config.workflow_type,
        };
        let name = crate::save_case::save(path, args.case_name.as_deref(), &run)?;
        eprint(&format!("saved the case \"{name}\" to {}", path.display()));
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
