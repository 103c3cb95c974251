//! `stepcraft deploy`: a definition, its placeholders filled in, checked by our validator and
//! then by AWS's ValidateStateMachineDefinition, created or updated by name (same ARN), and
//! optionally published as a version.

use super::aws::{AwsArgs, default_name};
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use super::{Outcome, eprint};
use crate::deploy::{Event, Plan, definition_text, send};
use crate::files::read_text;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use stepcraft::validate::WorkflowType;
use stepcraft::{Document, Format};

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The definition (.json, .yaml, .yml).
    file: PathBuf,
    /// The state machine's name (default: the sidecar's Config, else the file's name up to its
    /// first dot). The sidecar's Config gives every setting a flag leaves out, and logging,
    /// tracing and tags.
    #[arg(long)]
    name: Option<String>,
    /// STANDARD (default when creating) or EXPRESS.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// The IAM role Step Functions assumes to run it; needed to create, kept when updating
    /// without one. Default: the sidecar's Config, else the STEPCRAFT_ROLE_ARN environment
    /// variable.
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

fn failed(f: crate::deploy::Failure) -> Failure {
    let outcome = if f.refused {
        Outcome::Invalid
    } else {
        Outcome::Unreadable
    };
    (outcome, f.message)
}

/// The plan: the sidecar's Config, the flags over it (and STEPCRAFT_ROLE_ARN when neither
/// gives a role).
fn plan(args: &DeployArgs) -> Result<Plan, Failure> {
    let config = match args.subst.config_file(&args.file) {
        Some(file) => stepcraft::sidecar::read_config_file(&file)
            .map_err(|e| (Outcome::Invalid, format!("error: {e}")))?,
        None => stepcraft::sidecar::Config::default(),
    };
    let mut plan = Plan::from_config(&config, &default_name(&args.file));
    if let Some(name) = &args.name {
        plan.name.clone_from(name);
    }
    if args.workflow_type.is_some() {
        plan.workflow = args.workflow_type;
    }
    if args.role_arn.is_some() {
        plan.role.clone_from(&args.role_arn);
    }
    if plan.role.is_none() {
        plan.role = std::env::var("STEPCRAFT_ROLE_ARN")
            .ok()
            .filter(|r| !r.is_empty());
    }
    if args.publish {
        plan.publish = true;
    }
    if args.version_description.is_some() {
        plan.version_description
            .clone_from(&args.version_description);
    }
    Ok(plan)
}

fn deploy(args: &DeployArgs) -> Result<(), Failure> {
    let file = &args.file;
    let unreadable = |e: String| (Outcome::Unreadable, e);
    let plan = plan(args)?;
    let text = read_text(file).map_err(unreadable)?;
    let format = Format::from_path(file).unwrap_or_else(|| Format::sniff(&text));
    let doc = Document::parse(&text, format)
        .map_err(|d| (Outcome::Invalid, format_diagnostic(file, &d)))?;
    let substitutions = args.subst.gather(Some(file)).map_err(unreadable)?;
    let (diagnostics, definition) =
        definition_text(file, &doc, substitutions, plan.workflow_type());
    for d in &diagnostics {
        eprint(&format_diagnostic(file, d));
    }
    let definition = definition.map_err(failed)?;
    let shown = file.display();
    let deployed = send(&args.aws.config(), &plan, &definition, &mut |event| match event {
        Event::NotValidated => eprint(
            "note: the endpoint does not implement ValidateStateMachineDefinition; deploying with our checks only",
        ),
        Event::Aws(d) => eprint(&format!(
            "{shown}: {}[AWS {}]: {}{}",
            if d.is_error { "error" } else { "warning" },
            d.code,
            d.message,
            d.location
                .as_deref()
                .map(|l| format!(" (at {l})"))
                .unwrap_or_default()
        )),
        Event::Started(_) | Event::Done(_) => {}
    })
    .map_err(|f| {
        let (outcome, message) = failed(f);
        (outcome, if outcome == Outcome::Invalid { format!("{shown}: {message}") } else { message })
    })?;
    eprint(&format!(
        "{} state machine {}",
        if deployed.created {
            "created"
        } else {
            "updated"
        },
        plan.name
    ));
    let mut out = std::io::stdout().lock();
    let mut lines = deployed.arn.clone();
    if let Some(version) = &deployed.version_arn {
        lines.push('\n');
        lines.push_str(version);
    }
    writeln!(out, "{lines}").map_err(|e| (Outcome::Unreadable, format!("cannot write: {e}")))
}
