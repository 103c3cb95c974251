//! A definition as infrastructure as code: an `AWS::StepFunctions::StateMachine` in a
//! CloudFormation template, an `AWS::Serverless::StateMachine` in a SAM template, or an
//! `aws_sfn_state_machine` in Terraform. The definition's `${...}` placeholders become the
//! template's `DefinitionSubstitutions` (with a template parameter each, or the pseudo parameter
//! for `AWS::...`), or `templatefile` variables with a Terraform variable each.

use crate::document::Document;
use crate::sidecar::{Config, LogLevel};
use crate::source::Format;
use crate::validate::WorkflowType;
use serde_json::{Map, Value, json};

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A CloudFormation template (YAML).
    CloudFormation,
    /// A SAM template (YAML).
    Sam,
    /// Terraform (HCL).
    Terraform,
}

/// How to write it.
#[derive(Clone, Debug)]
pub struct ExportOptions {
    /// The state machine's name (also the resource's logical id, made alphanumeric).
    pub name: String,
    /// STANDARD or EXPRESS.
    pub workflow_type: WorkflowType,
    /// The definition file, relative to where the template will be: SAM's `DefinitionUri` and
    /// Terraform's `templatefile`.
    pub definition_file: Option<String>,
    /// SAM: write the definition inline rather than refer to its file. A definition with bare
    /// placeholders (not JSON until substituted) is always referred to: SAM has no
    /// `DefinitionString`.
    pub inline: bool,
    /// The rest of the resource's properties: the role (the role parameter's default), logging,
    /// tracing, tags, a published version. Its name and type are `name` and `workflow_type`.
    pub config: Config,
}

/// Why a definition cannot be exported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// Terraform's `templatefile` takes only identifier names.
    #[error(
        "the placeholder ${{{0}}} cannot be a Terraform templatefile variable (letters, digits and _ only): rename it"
    )]
    TerraformName(String),
    /// The export refers to the definition's file, and there is none.
    #[error(
        "this export refers to the definition's file (Terraform's templatefile(), SAM's DefinitionUri for bare placeholders), and the definition has none"
    )]
    NoFile,
}

/// CloudFormation's pseudo parameters (`${AWS::Region}`), which need no parameter of their own.
fn is_pseudo(name: &str) -> bool {
    name.starts_with("AWS::")
}

/// A CloudFormation logical id from any text: its letters and digits, words capitalized.
fn logical_id(text: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "StateMachine");
    }
    out
}

/// Writes `doc` as `target`.
pub fn export(
    doc: &Document,
    target: Target,
    options: &ExportOptions,
) -> Result<String, ExportError> {
    match target {
        Target::CloudFormation | Target::Sam => {
            template(doc, target, options).map(|t| crate::write::to_yaml(&t))
        }
        Target::Terraform => terraform(doc, options),
    }
}

/// The CloudFormation or SAM template as a value.
fn template(doc: &Document, target: Target, options: &ExportOptions) -> Result<Value, ExportError> {
    let names = crate::placeholder::names(doc.value());
    let mut parameters = Map::new();
    let mut role = json!({"Type": "String", "Description": "The ARN of the IAM role the state machine runs as."});
    if let Some(arn) = &options.config.role_arn {
        role["Default"] = json!(arn);
    }
    parameters.insert("ExecutionRoleArn".into(), role);
    let mut substitutions = Map::new();
    for name in &names {
        if is_pseudo(name) {
            substitutions.insert(name.clone(), json!({"Ref": name}));
            continue;
        }
        let id = logical_id(name);
        parameters.insert(
            id.clone(),
            json!({"Type": "String", "Description": format!("The value of the placeholder {name} in the definition.")}),
        );
        substitutions.insert(name.clone(), json!({"Ref": id}));
    }
    let sam = target == Target::Sam;
    let mut properties = Map::new();
    properties.insert(
        if sam { "Name" } else { "StateMachineName" }.into(),
        json!(options.name),
    );
    properties.insert(
        if sam { "Type" } else { "StateMachineType" }.into(),
        json!(options.workflow_type.as_str()),
    );
    properties.insert(
        if sam { "Role" } else { "RoleArn" }.into(),
        json!({"Ref": "ExecutionRoleArn"}),
    );
    let bare = !doc.bare_placeholders().is_empty();
    if sam && (bare || !options.inline) {
        let file = options
            .definition_file
            .as_ref()
            .ok_or(ExportError::NoFile)?;
        properties.insert("DefinitionUri".into(), json!(file));
    } else if bare {
        // Bare placeholders (`"MaxConcurrency": ${N}`) are not JSON until substituted: the
        // definition goes as text, which DefinitionSubstitutions fills before it is read.
        properties.insert(
            "DefinitionString".into(),
            json!(doc.formatted(Format::Json)),
        );
    } else {
        properties.insert("Definition".into(), doc.value().clone());
    }
    if !substitutions.is_empty() {
        properties.insert(
            "DefinitionSubstitutions".into(),
            Value::Object(substitutions),
        );
    }
    cfn_config(&mut properties, &options.config, sam);
    let resource_type = if sam {
        "AWS::Serverless::StateMachine"
    } else {
        "AWS::StepFunctions::StateMachine"
    };
    let id = logical_id(&options.name);
    let mut out = Map::new();
    out.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    if sam {
        out.insert("Transform".into(), json!("AWS::Serverless-2016-10-31"));
    }
    out.insert(
        "Description".into(),
        json!(format!(
            "The {} state machine, exported by Stepcraft.",
            options.name
        )),
    );
    out.insert("Parameters".into(), Value::Object(parameters));
    let mut resources = Map::new();
    resources.insert(
        id.clone(),
        json!({"Type": resource_type, "Properties": Value::Object(properties)}),
    );
    if options.config.publish {
        // Publishing a version is a resource of its own in CloudFormation (SAM takes it too).
        let mut version = Map::new();
        version.insert("StateMachineArn".into(), json!({"Ref": id}));
        if let Some(d) = &options.config.version_description {
            version.insert("Description".into(), json!(d));
        }
        resources.insert(
            format!("{id}Version"),
            json!({"Type": "AWS::StepFunctions::StateMachineVersion", "Properties": Value::Object(version)}),
        );
    }
    out.insert("Resources".into(), Value::Object(resources));
    let arn = if sam {
        json!({"Ref": id})
    } else {
        json!({"Fn::GetAtt": [id, "Arn"]})
    };
    out.insert(
        "Outputs".into(),
        json!({"StateMachineArn": {"Description": "The state machine's ARN.", "Value": arn}}),
    );
    Ok(Value::Object(out))
}

/// The Config's logging, tracing and tags as CloudFormation's (or SAM's) properties.
fn cfn_config(properties: &mut Map<String, Value>, config: &Config, sam: bool) {
    let logging = &config.logging;
    if logging.level != LogLevel::Off || logging.log_group_arn.is_some() {
        let mut l = Map::new();
        l.insert("Level".into(), json!(logging.level.as_str()));
        l.insert(
            "IncludeExecutionData".into(),
            json!(logging.include_execution_data),
        );
        if let Some(arn) = &logging.log_group_arn {
            l.insert(
                "Destinations".into(),
                json!([{"CloudWatchLogsLogGroup": {"LogGroupArn": arn}}]),
            );
        }
        properties.insert(
            if sam {
                "Logging"
            } else {
                "LoggingConfiguration"
            }
            .into(),
            Value::Object(l),
        );
    }
    if config.tracing {
        properties.insert(
            if sam {
                "Tracing"
            } else {
                "TracingConfiguration"
            }
            .into(),
            json!({"Enabled": true}),
        );
    }
    if !config.tags.is_empty() {
        // SAM takes a map; CloudFormation a list of Key/Value pairs.
        let tags = if sam {
            Value::Object(
                config
                    .tags
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect(),
            )
        } else {
            Value::Array(
                config
                    .tags
                    .iter()
                    .map(|(k, v)| json!({"Key": k, "Value": v}))
                    .collect(),
            )
        };
        properties.insert("Tags".into(), tags);
    }
}

/// The Config as the `aws_sfn_state_machine`'s arguments and blocks (after `definition`).
fn terraform_config(config: &Config) -> String {
    let mut out = String::new();
    let logging = &config.logging;
    if logging.level != LogLevel::Off || logging.log_group_arn.is_some() {
        out.push_str("\n  logging_configuration {\n");
        if let Some(arn) = &logging.log_group_arn {
            out.push_str(&format!(
                "    log_destination        = {}\n",
                hcl_string(arn)
            ));
        }
        out.push_str(&format!(
            "    include_execution_data = {}\n    level                  = {}\n  }}\n",
            logging.include_execution_data,
            hcl_string(logging.level.as_str())
        ));
    }
    if config.tracing {
        out.push_str("\n  tracing_configuration {\n    enabled = true\n  }\n");
    }
    if config.publish {
        // The provider publishes a version per change; it takes no description.
        out.push_str("\n  publish = true\n");
    }
    if !config.tags.is_empty() {
        out.push_str("\n  tags = {\n");
        for (k, v) in &config.tags {
            out.push_str(&format!("    {} = {}\n", hcl_string(k), hcl_string(v)));
        }
        out.push_str("  }\n");
    }
    out
}

/// A Terraform identifier from any text: lowercase letters, digits and `_`.
fn tf_identifier(text: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        // camelCase words become snake_case ones.
        if c.is_ascii_uppercase()
            && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
        {
            out.push('_');
        }
        out.push(if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        });
        previous = Some(c);
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "state_machine_");
    }
    out
}

/// An HCL string literal.
fn hcl_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' => out.push_str("$$"),
            '%' => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn terraform(doc: &Document, options: &ExportOptions) -> Result<String, ExportError> {
    let file = options
        .definition_file
        .as_deref()
        .ok_or(ExportError::NoFile)?;
    let names = crate::placeholder::names(doc.value());
    let resource = tf_identifier(&options.name);
    let mut out = String::new();
    out.push_str("# The ");
    out.push_str(&options.name);
    out.push_str(" state machine, exported by Stepcraft.\n\n");
    out.push_str("variable \"execution_role_arn\" {\n  type        = string\n  description = \"The ARN of the IAM role the state machine runs as.\"\n");
    if let Some(arn) = &options.config.role_arn {
        out.push_str(&format!("  default     = {}\n", hcl_string(arn)));
    }
    out.push_str("}\n\n");
    let mut vars = Vec::new();
    for name in &names {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || name.starts_with(|c: char| c.is_ascii_digit())
        {
            return Err(ExportError::TerraformName(name.clone()));
        }
        let variable = tf_identifier(name);
        out.push_str(&format!(
            "variable \"{variable}\" {{\n  type        = string\n  description = {}\n}}\n\n",
            hcl_string(&format!(
                "The value of the placeholder {name} in the definition."
            ))
        ));
        vars.push(format!("    {name} = var.{variable}"));
    }
    let mut definition = if vars.is_empty() {
        format!("templatefile(\"${{path.module}}/{file}\", {{}})")
    } else {
        format!(
            "templatefile(\"${{path.module}}/{file}\", {{\n{}\n  }})",
            vars.join("\n")
        )
    };
    // AWS takes the definition as JSON: a YAML file is read and written again as JSON.
    if doc.format() == Format::Yaml {
        definition = format!("jsonencode(yamldecode({definition}))");
    }
    out.push_str(&format!(
        "resource \"aws_sfn_state_machine\" \"{resource}\" {{\n  name       = {}\n  role_arn   = var.execution_role_arn\n  type       = {}\n  definition = {definition}\n{}}}\n\n",
        hcl_string(&options.name),
        hcl_string(options.workflow_type.as_str()),
        terraform_config(&options.config),
    ));
    out.push_str(&format!(
        "output \"state_machine_arn\" {{\n  value = aws_sfn_state_machine.{resource}.arn\n}}\n"
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_alphanumeric() {
        assert_eq!(logical_id("order-processing"), "OrderProcessing");
        assert_eq!(logical_id("var.table_name"), "VarTableName");
        assert_eq!(logical_id("9lives"), "StateMachine9lives");
        assert_eq!(tf_identifier("Order Processing"), "order_processing");
        assert_eq!(
            tf_identifier("ValidateFunctionArn"),
            "validate_function_arn"
        );
        assert_eq!(hcl_string("a\"${b}"), "\"a\\\"$${b}\"");
    }
}
