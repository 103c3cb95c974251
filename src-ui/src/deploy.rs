//! Deploying a definition, the one path `stepcraft deploy` and the studio's Deploy dialog share:
//! the text to send (placeholders filled, our validator first), then AWS: connect,
//! ValidateStateMachineDefinition, create or update (and publish). Each step is reported as it
//! starts and each finding as it comes ([`Event`]), so the CLI prints them and the studio shows
//! them while the deploy runs on its own thread.

use std::path::Path;
use stepcraft::embedded::{MachineSettings, Setting};
use stepcraft::sidecar::{Config, Logging};
use stepcraft::subst::Substitutions;
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::{Diagnostic, Document, Format};
use stepcraft_aws::{ClientConfig, DeploySpec, Deployed, Sfn, Validation};

/// The state machine name a definition file deploys as by default: its file name up to the
/// first dot (`orders.asl.json` is `orders`), as `stepcraft export` names it.
pub fn default_name(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_owned()
}

/// What to deploy as: the Config's values, with what the command line gives over them.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The state machine's name.
    pub name: String,
    /// STANDARD or EXPRESS; `None`: STANDARD when creating, the machine's own when updating.
    pub workflow: Option<WorkflowType>,
    /// The execution role.
    pub role: Option<String>,
    /// Publish a version.
    pub publish: bool,
    /// The version's description.
    pub version_description: Option<String>,
    /// Logging, when the Config sets it (else left as it is).
    pub logging: Option<Logging>,
    /// Tracing, when the Config sets it.
    pub tracing: Option<bool>,
    /// The tags it has after the deploy (keys not listed are removed when updating);
    /// `None`: left as they are.
    pub tags: Option<Vec<(String, String)>>,
}

impl Plan {
    /// The plan a Config makes for a definition whose default name is `default_name`. A
    /// sidecar without a Config leaves logging, tracing and tags as AWS has them.
    pub fn from_config(config: &Config, default_name: &str) -> Self {
        let set = !config.is_empty();
        Self {
            name: config.name_or(default_name).to_owned(),
            workflow: config.workflow_type,
            role: config.role_arn.clone().filter(|r| !r.is_empty()),
            publish: config.publish,
            version_description: config
                .version_description
                .clone()
                .filter(|_| config.publish),
            logging: set.then(|| config.logging.clone()),
            tracing: set.then_some(config.tracing),
            tags: set.then(|| config.tags.clone()),
        }
    }

    /// The template's role when it is written with a function (`!GetAtt Role.Arn`) that only
    /// CloudFormation resolves and nothing else gives one: its property, where it is written,
    /// and the function. Deploying cannot create the state machine then.
    pub fn unresolved_role<'a>(
        &self,
        settings: &'a MachineSettings,
    ) -> Option<(&'static str, Option<stepcraft::diag::Location>, &'a str)> {
        match &settings.role_arn {
            Setting::Function {
                property,
                location,
                function,
            } if self.role.is_none() => Some((property, *location, function)),
            _ => None,
        }
    }

    /// Lays the literal settings of a template's state machine resource over the plan made
    /// from `config`: its name, type, role and tags. Those written with functions are left as
    /// the plan has them. Returns which of the Config's values the template's replaced
    /// (`"name"`, `"type"`, `"role"`, `"tags"`), where the two differ.
    pub fn take_literals(
        &mut self,
        settings: &MachineSettings,
        config: &Config,
    ) -> Vec<&'static str> {
        let mut replaced = Vec::new();
        if let Some(name) = settings.name.literal() {
            if config
                .name
                .as_ref()
                .is_some_and(|n| !n.is_empty() && n != name)
            {
                replaced.push("name");
            }
            self.name.clone_from(name);
        }
        if let Some(&w) = settings.workflow_type.literal() {
            if config.workflow_type.is_some_and(|t| t != w) {
                replaced.push("type");
            }
            self.workflow = Some(w);
        }
        if let Some(role) = settings.role_arn.literal() {
            if config
                .role_arn
                .as_ref()
                .is_some_and(|r| !r.is_empty() && r != role)
            {
                replaced.push("role");
            }
            self.role = Some(role.clone());
        }
        if let Some(tags) = settings.tags.literal() {
            if !config.tags.is_empty() && config.tags != *tags {
                replaced.push("tags");
            }
            self.tags = Some(tags.clone());
        }
        replaced
    }

    /// The type our validator checks for.
    pub fn workflow_type(&self) -> WorkflowType {
        self.workflow.unwrap_or(WorkflowType::Standard)
    }
}

/// The steps of a deploy, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Connecting (credentials, region, endpoint).
    Connect,
    /// AWS's ValidateStateMachineDefinition.
    Validate,
    /// CreateStateMachine or UpdateStateMachine.
    Deploy,
}

impl Stage {
    /// What the step does, for progress lines.
    pub fn label(self) -> &'static str {
        match self {
            Self::Connect => "Connecting to AWS",
            Self::Validate => "Checking the definition with AWS (ValidateStateMachineDefinition)",
            Self::Deploy => "Creating or updating the state machine",
        }
    }
}

/// What happens during a deploy, as it happens.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// A step started.
    Started(Stage),
    /// A finding of AWS's ValidateStateMachineDefinition.
    Aws(stepcraft_aws::Diagnostic),
    /// The endpoint does not implement ValidateStateMachineDefinition.
    NotValidated,
    /// Deployed: created (else updated).
    Done(Deployed),
}

/// Why a deploy stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The definition was refused (ours or AWS's findings), else AWS could not be reached or
    /// refused the call.
    pub refused: bool,
    /// What happened and what to do.
    pub message: String,
}

impl Failure {
    fn refused(message: String) -> Self {
        Self {
            refused: true,
            message,
        }
    }

    fn aws(e: &stepcraft_aws::AwsError) -> Self {
        Self {
            refused: false,
            message: format!("error: {e}"),
        }
    }
}

/// The definition's text to send, and our validator's findings: `Err` when it has errors or
/// placeholders without values. A JSON definition without placeholders, not edited since read,
/// is sent as it reads (number texts kept).
pub fn definition_text(
    name: &Path,
    doc: &Document,
    substitutions: Substitutions,
    workflow: WorkflowType,
) -> (Vec<Diagnostic>, Result<String, Failure>) {
    let options = Options {
        workflow_type: Some(workflow),
        substitutions,
    };
    let diagnostics = validate(doc, &options);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        let failure = Failure::refused(format!(
            "{}: not deployed: {errors} error{} (nothing was sent to AWS)",
            name.display(),
            if errors == 1 { "" } else { "s" }
        ));
        return (diagnostics, Err(failure));
    }
    let applied = options.substitutions.apply_to(doc);
    let unfilled = stepcraft::placeholder::names(&applied.value);
    if !unfilled.is_empty() {
        let flags: Vec<String> = unfilled
            .iter()
            .map(|n| format!("--sub {n}=VALUE"))
            .collect();
        let failure = Failure::refused(format!(
            "{}: not deployed: {} without a value\n  hint: give {} (or a --subs file, the sidecar, a --template; in the studio, the Parameters list)",
            name.display(),
            unfilled
                .iter()
                .map(|n| format!("${{{n}}}"))
                .collect::<Vec<_>>()
                .join(", "),
            flags.join(" ")
        ));
        return (diagnostics, Err(failure));
    }
    let as_read = stepcraft::placeholder::names(doc.value()).is_empty()
        && doc.format() == Format::Json
        && !doc.is_edited();
    let out = if as_read {
        doc.source_text().to_owned()
    } else {
        stepcraft::write::to_string(&applied.value, Format::Json)
    };
    (diagnostics, Ok(out))
}

/// Sends `definition` to AWS as `plan` says, reporting each step and finding to `on`.
pub fn send(
    aws: &ClientConfig,
    plan: &Plan,
    definition: &str,
    on: &mut dyn FnMut(Event),
) -> Result<Deployed, Failure> {
    on(Event::Started(Stage::Connect));
    let sfn = Sfn::connect(aws).map_err(|e| Failure::aws(&e))?;
    on(Event::Started(Stage::Validate));
    match sfn
        .validate_definition(definition, plan.workflow_type())
        .map_err(|e| Failure::aws(&e))?
    {
        Validation::NotImplemented(_) => on(Event::NotValidated),
        Validation::Checked(diagnostics) => {
            let errors = diagnostics.iter().filter(|d| d.is_error).count();
            for d in diagnostics {
                on(Event::Aws(d));
            }
            if errors > 0 {
                return Err(Failure::refused(format!(
                    "not deployed: AWS's ValidateStateMachineDefinition found {errors} error{}: fix {} and deploy again",
                    if errors == 1 { "" } else { "s" },
                    if errors == 1 { "it" } else { "them" }
                )));
            }
        }
    }
    on(Event::Started(Stage::Deploy));
    let spec = DeploySpec {
        name: &plan.name,
        definition,
        workflow: plan.workflow,
        role: plan.role.as_deref(),
        publish: plan.publish,
        version_description: plan.version_description.as_deref(),
        logging: plan.logging.as_ref(),
        tracing: plan.tracing,
        tags: plan.tags.as_deref(),
    };
    let deployed = sfn.deploy(&spec).map_err(|e| Failure::aws(&e))?;
    on(Event::Done(deployed.clone()));
    Ok(deployed)
}
