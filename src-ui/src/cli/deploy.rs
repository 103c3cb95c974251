//! `stepcraft deploy`: a definition, its placeholders filled in, checked by our validator and
//! then by AWS's ValidateStateMachineDefinition, created or updated by name (same ARN), and
//! optionally published as a version.

use super::aws::{AwsArgs, default_name, message};
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use super::{Outcome, eprint};
use crate::files::read_text;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::{Document, Format};
use stepcraft_aws::Validation;

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The definition (.json, .yaml, .yml).
    file: PathBuf,
    /// The state machine's name (default: the file's name up to its first dot).
    #[arg(long)]
    name: Option<String>,
    /// STANDARD (default when creating) or EXPRESS.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// The IAM role Step Functions assumes to run it; needed to create, kept when updating
    /// without one. Default: the STEPCRAFT_ROLE_ARN environment variable.
    #[arg(long, value_name = "ARN")]
    role_arn: Option<String>,
    /// Also publish the deployed definition as a new version.
    #[arg(long)]
    publish: bool,
    /// The published version's description.
    #[arg(long, value_name = "TEXT", requires = "publish")]
    version_description: Option<String>,
    #[command(flatten)]
    subst: SubstArgs,
    #[command(flatten)]
    aws: AwsArgs,
}

fn parse_type(text: &str) -> Result<WorkflowType, String> {
    WorkflowType::parse(text).ok_or_else(|| "use STANDARD or EXPRESS".to_owned())
}

fn type_name(t: WorkflowType) -> &'static str {
    match t {
        WorkflowType::Express => "EXPRESS",
        WorkflowType::Standard => "STANDARD",
    }
}

/// Exit status 0 when deployed, 1 when the definition is refused (ours or AWS's diagnostics),
/// 2 when it cannot be read or AWS cannot be reached or refuses the call.
pub fn run(args: &DeployArgs) -> u8 {
    match deploy(args) {
        Ok(()) => Outcome::Ok as u8,
        Err((outcome, message)) => {
            eprint(&message);
            outcome as u8
        }
    }
}

type Failure = (Outcome, String);

/// The definition text to send: placeholders filled, every one with a value.
fn definition_text(args: &DeployArgs, workflow: WorkflowType) -> Result<String, Failure> {
    let file = &args.file;
    let unreadable = |e: String| (Outcome::Unreadable, e);
    let text = read_text(file).map_err(unreadable)?;
    let format = Format::from_path(file).unwrap_or_else(|| Format::sniff(&text));
    let doc = Document::parse(&text, format)
        .map_err(|d| (Outcome::Invalid, format_diagnostic(file, &d)))?;
    let substitutions = args.subst.gather(Some(file)).map_err(unreadable)?;
    let options = Options {
        workflow_type: Some(workflow),
        substitutions,
    };
    let diagnostics = validate(&doc, &options);
    for d in &diagnostics {
        eprint(&format_diagnostic(file, d));
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        return Err((
            Outcome::Invalid,
            format!(
                "{}: not deployed: {errors} error{} (nothing was sent to AWS)",
                file.display(),
                if errors == 1 { "" } else { "s" }
            ),
        ));
    }
    let applied = options.substitutions.apply_to(&doc);
    let unfilled = stepcraft::placeholder::names(&applied.value);
    if !unfilled.is_empty() {
        let flags: Vec<String> = unfilled
            .iter()
            .map(|n| format!("--sub {n}=VALUE"))
            .collect();
        return Err((
            Outcome::Invalid,
            format!(
                "{}: not deployed: {} without a value\n  hint: give {} (or a --subs file, the sidecar, a --template)",
                file.display(),
                unfilled
                    .iter()
                    .map(|n| format!("${{{n}}}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                flags.join(" ")
            ),
        ));
    }
    // A definition without placeholders goes as it reads (number texts kept); one with them as
    // the filled-in value.
    Ok(
        if stepcraft::placeholder::names(doc.value()).is_empty() && format == Format::Json {
            text
        } else {
            stepcraft::write::to_string(&applied.value, Format::Json)
        },
    )
}

/// AWS's diagnostics, printed like ours; an error if any is an error.
fn aws_check(
    args: &DeployArgs,
    sfn: &stepcraft_aws::Sfn,
    definition: &str,
    workflow: &str,
) -> Result<(), Failure> {
    let file = args.file.display();
    match sfn.validate_definition(definition, workflow) {
        Ok(Validation::NotImplemented(_)) => {
            eprint(
                "note: the endpoint does not implement ValidateStateMachineDefinition; deploying with our checks only",
            );
            Ok(())
        }
        Ok(Validation::Checked(diagnostics)) => {
            for d in &diagnostics {
                eprint(&format!(
                    "{file}: {}[AWS {}]: {}{}",
                    if d.is_error { "error" } else { "warning" },
                    d.code,
                    d.message,
                    d.location
                        .as_deref()
                        .map(|l| format!(" (at {l})"))
                        .unwrap_or_default()
                ));
            }
            let errors = diagnostics.iter().filter(|d| d.is_error).count();
            if errors > 0 {
                Err((
                    Outcome::Invalid,
                    format!(
                        "{file}: not deployed: AWS's ValidateStateMachineDefinition found {errors} error{}",
                        if errors == 1 { "" } else { "s" }
                    ),
                ))
            } else {
                Ok(())
            }
        }
        Err(e) => Err((Outcome::Unreadable, message(&e))),
    }
}

fn deploy(args: &DeployArgs) -> Result<(), Failure> {
    let workflow = args.workflow_type.unwrap_or(WorkflowType::Standard);
    let definition = definition_text(args, workflow)?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| default_name(&args.file));
    let role = args.role_arn.clone().or_else(|| {
        std::env::var("STEPCRAFT_ROLE_ARN")
            .ok()
            .filter(|r| !r.is_empty())
    });
    let sfn = args.aws.connect().map_err(|e| (Outcome::Unreadable, e))?;
    aws_check(args, &sfn, &definition, type_name(workflow))?;
    let deployed = sfn
        .deploy(
            &name,
            &definition,
            args.workflow_type.map(type_name),
            role.as_deref(),
            args.publish,
            args.version_description.as_deref(),
        )
        .map_err(|e| (Outcome::Unreadable, message(&e)))?;
    eprint(&format!(
        "{} state machine {name}",
        if deployed.created {
            "created"
        } else {
            "updated"
        }
    ));
    let mut out = std::io::stdout().lock();
    let mut lines = deployed.arn.clone();
    if let Some(version) = &deployed.version_arn {
        lines.push('\n');
        lines.push_str(version);
    }
    writeln!(out, "{lines}").map_err(|e| (Outcome::Unreadable, format!("cannot write: {e}")))
}
