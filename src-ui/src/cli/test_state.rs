//! `stepcraft test-state`: one state run offline with a given input, variables, retry count and
//! task answer, printed as AWS's TestState response (`output`, `error`, `cause`,
//! `inspectionData`, `nextState`, `status`).

use super::definition::load;
use super::run::{json_arg, setup_error};
use super::subst::SubstArgs;
use super::{Outcome, eprint};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use stepcraft::run::RunSetup;
use stepcraft::tasks::TaskOutcome;
use stepcraft::test_state::{Request, TestStateError, test_state};
use stepcraft::value::Val;

#[derive(Debug, Args)]
pub struct TestStateArgs {
    /// The definition holding the state (a file, or TEMPLATE#LogicalId).
    file: PathBuf,
    /// The state to run (any state of the definition, inside branches and Map processors too).
    #[arg(long)]
    state: String,
    /// The state's input: JSON text, or @FILE (default {}).
    #[arg(long, short)]
    input: Option<String>,
    /// The task's result (for a Parallel or Map: its whole result): JSON text, or @FILE.
    #[arg(long, conflicts_with = "error")]
    result: Option<String>,
    /// The task fails with this error name (or the Parallel or Map does).
    #[arg(long)]
    error: Option<String>,
    /// The cause of --error.
    #[arg(long, requires = "error", default_value = "")]
    cause: String,
    /// The variables in scope before the state: a JSON object, or @FILE.
    #[arg(long)]
    variables: Option<String>,
    /// How many times the state's Retry rule has already retried ($$.State.RetryCount).
    #[arg(long, default_value_t = 0)]
    retry_count: u32,
    /// $$.Map.Item.Index, for a state inside a Map's processor.
    #[arg(long, requires = "map_value")]
    map_index: Option<usize>,
    /// $$.Map.Item.Value (JSON text or @FILE), for a state inside a Map's processor.
    #[arg(long, requires = "map_index")]
    map_value: Option<String>,
    /// DEBUG (default) adds the data path (inspectionData); INFO prints only the outcome.
    #[arg(long, value_enum, default_value_t = Level::Debug)]
    inspection_level: Level,
    #[command(flatten)]
    subst: SubstArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
enum Level {
    Info,
    Debug,
}

/// Exit status: 0 when the state ran (whatever its status: it is in the output), 2 when the
/// definition or an argument cannot be read or the state cannot be tested.
pub fn run(args: &TestStateArgs) -> u8 {
    match run_inner(args) {
        Ok(()) => Outcome::Ok as u8,
        Err(message) => {
            eprint(&message);
            Outcome::Unreadable as u8
        }
    }
}

fn run_inner(args: &TestStateArgs) -> Result<(), String> {
    let loaded = load(&args.file).map_err(|f| f.message)?;
    let mut setup = RunSetup::new(loaded.document.clone());
    setup.substitutions = args.subst.gather_for(&loaded)?;
    let input = match &args.input {
        Some(t) => json_arg("--input", t)?,
        None => serde_json::json!({}),
    };
    let mut request = Request::new(&args.state, Val::from(&input));
    request.retry_count = args.retry_count;
    request.variables = match &args.variables {
        Some(t) => Some(Val::from(&json_arg("--variables", t)?)),
        None => None,
    };
    request.mock = match (&args.result, &args.error) {
        (Some(t), _) => Some(TaskOutcome::Success(Val::from(&json_arg("--result", t)?))),
        (None, Some(error)) => Some(TaskOutcome::Failure {
            error: error.clone(),
            cause: args.cause.clone(),
        }),
        (None, None) => None,
    };
    if let (Some(index), Some(value)) = (args.map_index, &args.map_value) {
        request.map_item = Some((index, Val::from(&json_arg("--map-value", value)?)));
    }
    let response = test_state(&setup, &request).map_err(|e| match e {
        TestStateError::Setup(e) => setup_error(&loaded.file, &setup.document, &e),
        other => format!(
            "{}: error: {other}{}",
            loaded.name(),
            match other {
                TestStateError::NeedsMock(..) => " (--result JSON or --error NAME)",
                _ => "",
            }
        ),
    })?;
    let aws = response.to_aws_json(args.inspection_level == Level::Debug);
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&aws).unwrap_or_default()
    );
    Ok(())
}
