//! `stepcraft export`: the definition as JSON or YAML, or as infrastructure as code (a
//! CloudFormation or SAM template, or Terraform) with its placeholders as parameters.

use super::definition::load;
use super::{Outcome, eprint};
use crate::files::write_atomic;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use stepcraft::Format;
use stepcraft::export::{ExportOptions, Target, export};
use stepcraft::validate::WorkflowType;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The definition (.json, .yaml, .yml), or TEMPLATE#LogicalId.
    file: PathBuf,
    /// What to write.
    #[arg(long, value_enum)]
    to: To,
    /// Where to write it (atomically); without it, standard output.
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The state machine's name (default: the file's name without its extensions).
    #[arg(long)]
    name: Option<String>,
    /// STANDARD or EXPRESS (default: the sidecar's Config, else STANDARD). The sidecar's
    /// Config also gives the name, role, logging, tracing, tags and a published version.
    #[arg(long = "type", value_parser = parse_type)]
    workflow_type: Option<WorkflowType>,
    /// SAM: refer to the definition file (DefinitionUri) instead of writing it inline (always
    /// so for a definition with bare placeholders, which is not JSON until substituted).
    #[arg(long)]
    definition_uri: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum To {
    /// The definition as JSON.
    Json,
    /// The definition as YAML.
    Yaml,
    /// An AWS::StepFunctions::StateMachine in a CloudFormation template (YAML).
    Cloudformation,
    /// An AWS::Serverless::StateMachine in a SAM template (YAML).
    Sam,
    /// An aws_sfn_state_machine in Terraform, reading the definition with templatefile().
    Terraform,
}

fn parse_type(text: &str) -> Result<WorkflowType, String> {
    WorkflowType::parse(text).ok_or_else(|| "use STANDARD or EXPRESS".to_owned())
}

/// The definition's file name, relative to the output's folder when both are known.
fn definition_file(definition: &Path, output: Option<&Path>) -> String {
    let folder = output
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .and_then(|p| p.canonicalize().ok());
    let file = definition.canonicalize().ok();
    match (folder, file) {
        (Some(folder), Some(file)) => match file.strip_prefix(&folder) {
            Ok(rel) => rel.display().to_string(),
            Err(_) => file.display().to_string(),
        },
        _ => definition
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    }
}

/// Exit status 0 when written, 1 when the file is not a definition or cannot be exported as
/// asked, 2 when it cannot be read or the output cannot be written.
pub fn run(args: &ExportArgs) -> u8 {
    let loaded = match load(&args.file) {
        Ok(l) => l,
        Err(f) => {
            eprint(&f.message);
            return f.outcome as u8;
        }
    };
    let doc = &loaded.document;
    let config = match stepcraft::sidecar::read_config_file(&loaded.sidecar()) {
        Ok(c) => c,
        Err(e) => {
            eprint(&format!("error: {e}"));
            return Outcome::Invalid as u8;
        }
    };
    let name = args
        .name
        .clone()
        .or_else(|| config.name.clone().filter(|n| !n.is_empty()))
        .or_else(|| loaded.template.as_ref().map(|(_, id)| id.clone()))
        .unwrap_or_else(|| {
            let file = args
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            file.split('.').next().unwrap_or("StateMachine").to_owned()
        });
    let file = definition_file(&loaded.file, args.output.as_deref());
    let options = ExportOptions {
        name,
        workflow_type: args.workflow_type.unwrap_or_else(|| config.workflow_type()),
        // A definition inside a template has no file of its own to refer to.
        definition_file: loaded.embedded.is_none().then_some(file),
        inline: !args.definition_uri,
        config,
    };
    let written = match args.to {
        To::Json => Ok(doc.formatted(Format::Json)),
        To::Yaml => Ok(doc.formatted(Format::Yaml)),
        To::Cloudformation => export(doc, Target::CloudFormation, &options),
        To::Sam => export(doc, Target::Sam, &options),
        To::Terraform => export(doc, Target::Terraform, &options),
    };
    let out = match written {
        Ok(out) => out,
        Err(e) => {
            eprint(&format!("{}: error: {e}", loaded.name()));
            return Outcome::Invalid as u8;
        }
    };
    let result = match &args.output {
        Some(path) => {
            write_atomic(path, &out).map_err(|e| format!("{}: cannot write: {e}", path.display()))
        }
        None => std::io::stdout()
            .lock()
            .write_all(out.as_bytes())
            .map_err(|e| format!("cannot write: {e}")),
    };
    match result {
        Ok(()) => Outcome::Ok as u8,
        Err(e) => {
            eprint(&e);
            Outcome::Unreadable as u8
        }
    }
}
