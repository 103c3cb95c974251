//! `stepcraft deploy`: a definition (a file, or `TEMPLATE#LogicalId`), its placeholders filled
//! in, checked by our validator and then by AWS's ValidateStateMachineDefinition, created or
//! updated by name (same ARN), and optionally published as a version.
//!
//! The settings come from the flags, then a template resource's literal properties (name,
//! type, role, tags), then the sidecar's Config, then defaults.

use super::aws::{AwsArgs, default_name};
use super::definition::{Loaded, load};
use super::subst::SubstArgs;
use super::validate::format_diagnostic;
use super::{Outcome, eprint};
use crate::deploy::{Event, Plan, definition_text, send};
use crate::files::read_text;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::Format;
use stepcraft::embedded::{MachineSettings, Setting, Template};
use stepcraft::subst::{Origin, Substitutions};
use stepcraft::validate::WorkflowType;

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The definition (.json, .yaml, .yml), or a state machine of a SAM or CloudFormation
    /// template as TEMPLATE#LogicalId.
    file: PathBuf,
    /// The state machine's name (default: the template resource's literal name, else the
    /// sidecar's Config, else the logical ID or the file's name up to its first dot). The
    /// sidecar's Config gives every setting a flag or the template leaves out, and logging,
    /// tracing and tags.
    #[arg(long)]
    name: Option<String>,
    /// STANDARD (default when creating) or EXPRESS.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// The IAM role Step Functions assumes to run it; needed to create, kept when updating
    /// without one. Default: the template resource's literal role, else the sidecar's Config,
    /// else the STEPCRAFT_ROLE_ARN environment variable.
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

/// Where in the template, as messages start: `template.yaml:12:7`.
fn place(template: &Path, location: Option<stepcraft::Location>) -> String {
    let at = location.map(|l| format!(":{l}")).unwrap_or_default();
    format!("{}{at}", template.display())
}

/// A setting the template writes with a function: a note that `instead` is used, unless a flag
/// chose. One it writes as a literal it cannot take refuses the deploy.
fn unread<T>(
    template: &Path,
    setting: &Setting<T>,
    flag: bool,
    instead: impl FnOnce() -> String,
) -> Result<(), Failure> {
    match setting {
        Setting::Function {
            property,
            location,
            function,
        } if !flag => {
            eprint(&format!(
                "{}: note: {property} is written with {function}, which only CloudFormation resolves; {}",
                place(template, *location),
                instead()
            ));
            Ok(())
        }
        Setting::Invalid {
            property,
            location,
            expected,
        } => Err((
            Outcome::Invalid,
            format!(
                "{}: error: {property} is not {expected}: fix the template",
                place(template, *location)
            ),
        )),
        _ => Ok(()),
    }
}

/// The template resource's settings, and which of the Config's values its literals replaced.
type FromTemplate = (MachineSettings, Vec<&'static str>);

/// The plan before the flags: the Config of `config_file`, a template resource's literal
/// properties over it (what the resource gave comes back too).
fn base_plan(
    loaded: &Loaded,
    config_file: Option<&Path>,
) -> Result<(Plan, Option<FromTemplate>), Failure> {
    let config = match config_file {
        Some(file) => stepcraft::sidecar::read_config_file(file)
            .map_err(|e| (Outcome::Invalid, format!("error: {e}")))?,
        None => stepcraft::sidecar::Config::default(),
    };
    let default = match &loaded.template {
        Some((_, id)) => id.clone(),
        None => default_name(&loaded.file),
    };
    let mut plan = Plan::from_config(&config, &default);
    let Some((template, id)) = &loaded.template else {
        return Ok((plan, None));
    };
    let settings = settings(template, id)?;
    let replaced = plan.take_literals(&settings, &config);
    Ok((plan, Some((settings, replaced))))
}

/// The name `stepcraft deploy` gives the state machine `loaded` is without flags: the template
/// resource's literal name, else the sidecar's Config's, else the logical ID or the file's name
/// up to its first dot.
pub fn deployed_name(loaded: &Loaded) -> Result<String, String> {
    base_plan(loaded, Some(&loaded.sidecar()))
        .map(|(plan, _)| plan.name)
        .map_err(|(_, message)| message)
}

/// The plan: the sidecar's Config, a template resource's literal properties over it, the flags
/// over both (and STEPCRAFT_ROLE_ARN when none gives a role).
fn plan(args: &DeployArgs, loaded: &Loaded) -> Result<Plan, Failure> {
    let (mut plan, settings) = base_plan(loaded, args.subst.config_file(loaded).as_deref())?;
    let mut role_needed = None;
    if let (Some((template, _)), Some((settings, replaced))) = (&loaded.template, settings) {
        for field in replaced {
            eprint(&format!(
                "{}: note: the template's {field} is used; the one in the sidecar's Config is not",
                template.display()
            ));
        }
        unread(template, &settings.name, args.name.is_some(), || {
            format!("deploying as {} (--name chooses another)", plan.name)
        })?;
        unread(
            template,
            &settings.workflow_type,
            args.workflow_type.is_some(),
            || {
                format!(
                    "deploying as {} (--type chooses)",
                    plan.workflow_type().as_str()
                )
            },
        )?;
        unread(template, &settings.tags, false, || {
            "the tags come from the sidecar's Config instead".to_owned()
        })?;
        unread(template, &settings.role_arn, true, String::new)?;
        if let Some((property, location, function)) = plan.unresolved_role(&settings) {
            role_needed = Some(format!(
                "{}: error: {property} is written with {function}, which only CloudFormation resolves, so the role to deploy with is not known here\n  hint: pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set the role in the Config of {})",
                place(template, location),
                loaded.sidecar().display()
            ));
        }
    }
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
    if let Some(message) = role_needed
        && plan.role.is_none()
    {
        return Err((Outcome::Unreadable, message));
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

/// The placeholders of `doc` whose values are a template's stand-ins (`!GetAtt Fn.Arn` made up
/// as a well-formed ARN), with those values.
fn stand_ins(doc: &stepcraft::Document, substitutions: &Substitutions) -> Vec<(String, String)> {
    stepcraft::placeholder::names(doc.value())
        .into_iter()
        .filter_map(|name| {
            let s = substitutions.get(&name)?;
            matches!(s.origin, Origin::Template { stand_in: true, .. }).then(|| (name, s.text()))
        })
        .collect()
}

/// The deploy settings of the template's state machine `id`.
fn settings(template: &Path, id: &str) -> Result<MachineSettings, Failure> {
    let text = read_text(template).map_err(|e| (Outcome::Unreadable, e))?;
    let format = Format::from_path(template).unwrap_or_else(|| Format::sniff(&text));
    let parsed = Template::parse(&text, format)
        .map_err(|d| (Outcome::Invalid, format_diagnostic(template, &d)))?;
    parsed.settings(id).map_err(|e| {
        let at = e.location.map(|l| format!(":{l}")).unwrap_or_default();
        (
            Outcome::Unreadable,
            format!("{}{at}: error: {}", template.display(), e.message),
        )
    })
}

fn deploy(args: &DeployArgs) -> Result<(), Failure> {
    let unreadable = |e: String| (Outcome::Unreadable, e);
    let loaded = load(&args.file).map_err(|f| (f.outcome, f.message))?;
    let plan = plan(args, &loaded)?;
    let file = &loaded.file;
    let substitutions = args.subst.gather_for(&loaded).map_err(unreadable)?;
    let (diagnostics, definition) = definition_text(
        Path::new(&loaded.name()),
        &loaded.document,
        substitutions.clone(),
        plan.workflow_type(),
    );
    for d in &diagnostics {
        eprint(&format_diagnostic(file, d));
    }
    let definition = definition.map_err(failed)?;
    let shown = loaded.name();
    for (name, value) in stand_ins(&loaded.document, &substitutions) {
        eprint(&format!(
            "{shown}: warning: ${{{name}}} is deployed as {value}, a stand-in for a value only CloudFormation knows\n  hint: give the real one with --sub {name}=VALUE"
        ));
    }
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
