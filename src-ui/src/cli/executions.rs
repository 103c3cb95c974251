//! `stepcraft executions`: start (and wait for), list, describe, stop and redrive executions
//! on AWS, and fetch an execution's whole history as the JSON `stepcraft replay` reads.

use super::aws::{AwsArgs, message, state_machine_arn};
use super::{Outcome, eprint};
use crate::files::{read_text, write_atomic};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExecutionsArgs {
    #[command(subcommand)]
    command: ExecutionsCommand,
}

#[derive(Debug, Subcommand)]
enum ExecutionsCommand {
    /// Start an execution; prints its ARN. With --wait, waits for it to end and prints its
    /// status and output (exit 1 when it did not succeed, with its error and cause).
    Start {
        /// A state machine ARN, or a definition file (or TEMPLATE#LogicalId) deployed with
        /// `stepcraft deploy`.
        #[arg(value_name = "ARN_OR_FILE")]
        target: String,
        /// The input: JSON text, or @FILE (default {}).
        #[arg(long)]
        input: Option<String>,
        /// The execution's name (default: one AWS makes up).
        #[arg(long)]
        name: Option<String>,
        /// Wait for the execution to end (polling DescribeExecution).
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// List a state machine's executions, newest first: status, start, name, ARN.
    List {
        /// A state machine ARN, or a definition file (or TEMPLATE#LogicalId) deployed with
        /// `stepcraft deploy`.
        #[arg(value_name = "ARN_OR_FILE")]
        target: String,
        /// Only executions with this status (RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED,
        /// PENDING_REDRIVE).
        #[arg(long)]
        status: Option<String>,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Print DescribeExecution's answer as JSON.
    Describe {
        /// The execution's ARN.
        execution_arn: String,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Stop a running execution.
    Stop {
        /// The execution's ARN.
        execution_arn: String,
        /// The error recorded for the stop.
        #[arg(long)]
        error: Option<String>,
        /// Its cause.
        #[arg(long)]
        cause: Option<String>,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Redrive a failed execution from where it failed.
    Redrive {
        /// The execution's ARN.
        execution_arn: String,
        #[command(flatten)]
        aws: AwsArgs,
    },
    /// Fetch the execution's whole history (every page) as GetExecutionHistory's JSON,
    /// {"events": [...]}, which `stepcraft replay` reads.
    History {
        /// The execution's ARN.
        execution_arn: String,
        /// Write it here (atomically) instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        aws: AwsArgs,
    },
}

type Failure = (Outcome, String);

fn unreachable(e: String) -> Failure {
    (Outcome::Unreadable, e)
}

/// Exit status: 0 when done, 1 when a waited-for execution did not succeed, 2 when AWS cannot
/// be reached or refuses the call, or an input cannot be read.
pub fn run(args: &ExecutionsArgs) -> u8 {
    match execute(&args.command) {
        Ok(outcome) => outcome as u8,
        Err((outcome, message)) => {
            eprint(&message);
            outcome as u8
        }
    }
}

fn print(text: &str) -> Result<(), Failure> {
    writeln!(std::io::stdout().lock(), "{text}")
        .map_err(|e| (Outcome::Unreadable, format!("cannot write: {e}")))
}

/// `--input`: JSON text or @FILE, checked to be JSON.
fn read_input(input: Option<&str>) -> Result<String, Failure> {
    let text = match input {
        None => return Ok("{}".to_owned()),
        Some(t) => match t.strip_prefix('@') {
            Some(path) => read_text(std::path::Path::new(path)).map_err(unreachable)?,
            None => t.to_owned(),
        },
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .map_err(|e| (Outcome::Unreadable, format!("--input: not valid JSON: {e}")))?;
    Ok(text)
}

fn execute(command: &ExecutionsCommand) -> Result<Outcome, Failure> {
    match command {
        ExecutionsCommand::Start {
            target,
            input,
            name,
            wait,
            aws,
        } => {
            let input = read_input(input.as_deref())?;
            let sfn = aws.connect().map_err(unreachable)?;
            let machine = state_machine_arn(&sfn, target).map_err(unreachable)?;
            let arn = sfn
                .start_execution(&machine, &input, name.as_deref())
                .map_err(|e| unreachable(message(&e)))?;
            print(&arn)?;
            if !*wait {
                return Ok(Outcome::Ok);
            }
            let info = sfn.wait_for(&arn).map_err(|e| unreachable(message(&e)))?;
            print(&info.status)?;
            if let Some(output) = info.field("output") {
                let pretty = serde_json::from_str::<serde_json::Value>(output)
                    .ok()
                    .and_then(|v| serde_json::to_string_pretty(&v).ok())
                    .unwrap_or_else(|| output.to_owned());
                print(&pretty)?;
            }
            if info.status == "SUCCEEDED" {
                Ok(Outcome::Ok)
            } else {
                eprint(&format!(
                    "execution {}: error {}, cause {}",
                    info.status,
                    info.field("error").unwrap_or("(none)"),
                    info.field("cause").unwrap_or("(none)")
                ));
                Ok(Outcome::Invalid)
            }
        }
        ExecutionsCommand::List {
            target,
            status,
            aws,
        } => {
            let sfn = aws.connect().map_err(unreachable)?;
            let machine = state_machine_arn(&sfn, target).map_err(unreachable)?;
            let executions = sfn
                .list_executions(&machine, status.as_deref())
                .map_err(|e| unreachable(message(&e)))?;
            for e in &executions {
                print(&format!(
                    "{:<15} {}  {}  {}",
                    e.status, e.start, e.name, e.arn
                ))?;
            }
            Ok(Outcome::Ok)
        }
        ExecutionsCommand::Describe { execution_arn, aws } => {
            let sfn = aws.connect().map_err(unreachable)?;
            let info = sfn
                .describe_execution(execution_arn)
                .map_err(|e| unreachable(message(&e)))?;
            print(&serde_json::to_string_pretty(&info.json).unwrap_or_default())?;
            Ok(Outcome::Ok)
        }
        ExecutionsCommand::Stop {
            execution_arn,
            error,
            cause,
            aws,
        } => {
            let sfn = aws.connect().map_err(unreachable)?;
            let at = sfn
                .stop_execution(execution_arn, error.as_deref(), cause.as_deref())
                .map_err(|e| unreachable(message(&e)))?;
            print(&format!("stopped {execution_arn} at {at}"))?;
            Ok(Outcome::Ok)
        }
        ExecutionsCommand::Redrive { execution_arn, aws } => {
            let sfn = aws.connect().map_err(unreachable)?;
            let at = sfn
                .redrive_execution(execution_arn)
                .map_err(|e| unreachable(message(&e)))?;
            print(&format!("redriven {execution_arn} at {at}"))?;
            Ok(Outcome::Ok)
        }
        ExecutionsCommand::History {
            execution_arn,
            output,
            aws,
        } => {
            let sfn = aws.connect().map_err(unreachable)?;
            let history = sfn
                .execution_history(execution_arn)
                .map_err(|e| unreachable(message(&e)))?;
            let mut text = serde_json::to_string_pretty(&history).unwrap_or_default();
            text.push('\n');
            match output {
                Some(path) => write_atomic(path, &text)
                    .map_err(|e| unreachable(format!("{}: cannot write: {e}", path.display())))?,
                None => std::io::stdout()
                    .lock()
                    .write_all(text.as_bytes())
                    .map_err(|e| unreachable(format!("cannot write: {e}")))?,
            }
            Ok(Outcome::Ok)
        }
    }
}
