//! SAM and CloudFormation templates: finding the state machine a definition file belongs to, and
//! reading its `DefinitionSubstitutions` as [`Substitutions`].
//!
//! A SAM `AWS::Serverless::StateMachine` names its definition file with `DefinitionUri` (relative
//! to the template); a CloudFormation `AWS::StepFunctions::StateMachine` carries its definition
//! inline or in S3. Both may have `DefinitionSubstitutions`. Templates are read with
//! [`crate::source`], so CloudFormation's short-form tags (`!GetAtt`, `!Sub`, ...) arrive in their
//! long form and [`super::cfn`] resolves them.

use super::cfn::Resolver;
use super::{Origin, Substitutions};
use crate::source::{self, Format};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The state machine resource types whose substitutions are read.
const STATE_MACHINE_TYPES: &[&str] = &[
    "AWS::Serverless::StateMachine",
    "AWS::StepFunctions::StateMachine",
];

/// Template file names looked for next to a definition and in the folders above it.
const TEMPLATE_NAMES: &[&str] = &["template.yaml", "template.yml", "template.json"];

/// How many folders above the definition's own are searched for a template.
const SEARCH_LEVELS: usize = 3;

/// One state machine resource of a template.
#[derive(Clone, Debug)]
struct StateMachineResource<'t> {
    id: &'t str,
    properties: Option<&'t Value>,
}

impl StateMachineResource<'_> {
    /// The definition file `DefinitionUri` names, resolved against the template's folder.
    fn definition_file(&self, template_dir: &Path) -> Option<PathBuf> {
        let uri = self.properties?.get("DefinitionUri")?.as_str()?;
        if uri.starts_with("s3://") {
            return None;
        }
        Some(template_dir.join(uri))
    }
}

/// Reads a template file into JSON. Errors say where (`file:line:column`).
fn read(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the template: {e}", path.display()))?;
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    source::parse(&text, format).map(|p| p.value).map_err(|d| {
        let at = d.location.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{}{at}: {}", path.display(), d.message)
    })
}

fn state_machines(template: &Value) -> Vec<StateMachineResource<'_>> {
    template
        .get("Resources")
        .and_then(Value::as_object)
        .map(|resources| {
            resources
                .iter()
                .filter(|(_, r)| {
                    r.get("Type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| STATE_MACHINE_TYPES.contains(&t))
                })
                .map(|(id, r)| StateMachineResource {
                    id,
                    properties: r.get("Properties"),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Reads the `DefinitionSubstitutions` of one state machine in the template at `path`.
///
/// The state machine is the one named `resource`; else the one whose `DefinitionUri` is
/// `definition`; else the template's only state machine. Values written literally are used as
/// they are; intrinsic functions become stand-ins ([`super::cfn`]).
pub fn substitutions(
    path: &Path,
    definition: Option<&Path>,
    resource: Option<&str>,
) -> Result<Substitutions, String> {
    let template = read(path)?;
    let machines = state_machines(&template);
    let ids = || machines.iter().map(|m| m.id).collect::<Vec<_>>().join(", ");
    if machines.is_empty() {
        return Err(format!(
            "{}: the template has no AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine resource.",
            path.display()
        ));
    }
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let chosen = if let Some(id) = resource {
        machines.iter().find(|m| m.id == id).ok_or_else(|| {
            format!(
                "{}: no state machine named {id}; the template has: {}.",
                path.display(),
                ids()
            )
        })?
    } else {
        let matching: Vec<&StateMachineResource<'_>> = definition
            .map(|def| {
                machines
                    .iter()
                    .filter(|m| m.definition_file(dir).is_some_and(|f| same_file(&f, def)))
                    .collect()
            })
            .unwrap_or_default();
        match (matching.as_slice(), machines.as_slice()) {
            ([one], _) => *one,
            ([], [one]) => one,
            ([], _) => {
                return Err(format!(
                    "{}: no state machine's DefinitionUri names this definition, and the template has several ({}); choose one with --template-resource.",
                    path.display(),
                    ids()
                ));
            }
            (several, _) => {
                let names: Vec<&str> = several.iter().map(|m| m.id).collect();
                return Err(format!(
                    "{}: several state machines use this definition ({}); choose one with --template-resource.",
                    path.display(),
                    names.join(", ")
                ));
            }
        }
    };
    let mut out = Substitutions::new();
    let resolver = Resolver::new(&template);
    sub_values(&resolver, path, chosen, &mut out);
    let Some(subs) = chosen
        .properties
        .and_then(|p| p.get("DefinitionSubstitutions"))
    else {
        return Ok(out);
    };
    let Value::Object(subs) = subs else {
        return Err(format!(
            "{}: {}'s DefinitionSubstitutions is not a mapping.",
            path.display(),
            chosen.id
        ));
    };
    for (name, value) in subs {
        // One value that cannot be worked out does not stop the others: it is reported where
        // the definition uses it (UNRESOLVED_SUBSTITUTION).
        let resolved = match resolver.resolve(value) {
            Ok(r) => r,
            Err(e) => {
                out.set_unresolved(
                    name.clone(),
                    format!(
                        "{}'s DefinitionSubstitutions in {}: {e}",
                        chosen.id,
                        path.display()
                    ),
                );
                continue;
            }
        };
        let value = match resolved.value {
            v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => v,
            other => {
                out.set_unresolved(
                    name.clone(),
                    format!(
                        "{}'s DefinitionSubstitutions in {} gives {other}, not a string, number or boolean",
                        chosen.id,
                        path.display()
                    ),
                );
                continue;
            }
        };
        out.set(
            name.clone(),
            value,
            Origin::Template {
                path: path.to_owned(),
                resource: chosen.id.to_owned(),
                stand_in: resolved.stand_in,
            },
        );
    }
    Ok(out)
}

/// The values `Fn::Sub` gives the placeholders of a `DefinitionString` written with it: its
/// variables, template parameters, pseudo parameters and `Resource.Attribute`s, resolved as
/// stand-ins. `DefinitionSubstitutions` (layered after) are read separately.
fn sub_values(
    resolver: &Resolver<'_>,
    path: &Path,
    machine: &StateMachineResource<'_>,
    out: &mut Substitutions,
) {
    let Some(sub) = machine
        .properties
        .and_then(|p| p.get("DefinitionString"))
        .and_then(|d| d.get("Fn::Sub"))
    else {
        return;
    };
    let (text, variables) = match sub {
        Value::String(text) => (text.as_str(), Value::Object(serde_json::Map::new())),
        Value::Array(items) => match items.as_slice() {
            [Value::String(text), vars @ Value::Object(_)] => (text.as_str(), vars.clone()),
            _ => return,
        },
        _ => return,
    };
    for found in crate::placeholder::find(text) {
        let name = found.name;
        if out.get(name).is_some() || out.unresolved(name).is_some() {
            continue;
        }
        let expr = serde_json::json!({ "Fn::Sub": [format!("${{{name}}}"), variables] });
        match resolver.resolve(&expr) {
            Ok(resolved) => out.set(
                name.to_owned(),
                resolved.value,
                Origin::Template {
                    path: path.to_owned(),
                    resource: machine.id.to_owned(),
                    stand_in: resolved.stand_in,
                },
            ),
            Err(e) => out.set_unresolved(
                name.to_owned(),
                format!("{}'s Fn::Sub in {}: {e}", machine.id, path.display()),
            ),
        }
    }
}

/// Looks for a SAM or CloudFormation template whose state machine's `DefinitionUri` names
/// `definition`: in its folder and up to three folders above, under the usual template names.
pub fn find_for(definition: &Path) -> Option<PathBuf> {
    let definition = definition.canonicalize().ok()?;
    definition
        .ancestors()
        .skip(1)
        .take(SEARCH_LEVELS + 1)
        .flat_map(|dir| TEMPLATE_NAMES.iter().map(move |n| dir.join(n)))
        .filter(|candidate| candidate.is_file())
        .find(|candidate| {
            let Ok(template) = read(candidate) else {
                return false;
            };
            let dir = candidate.parent().unwrap_or_else(|| Path::new("."));
            state_machines(&template).iter().any(|m| {
                m.definition_file(dir)
                    .is_some_and(|f| same_file(&f, &definition))
            })
        })
}

/// Where a template's function has its code.
#[derive(Clone, Debug, PartialEq)]
pub enum FunctionCode {
    /// A local folder (`CodeUri`, or `Code` written as a path, before `sam package` or
    /// `aws cloudformation package` uploads it), resolved against the template's folder.
    Dir(PathBuf),
    /// The source itself (`Code.ZipFile`, or SAM's `InlineCode`): CloudFormation makes it the
    /// file `index.py` or `index.js`.
    Inline(String),
    /// Somewhere a local run cannot read: what it is (`Code.S3Bucket`, `Code.ImageUri`...).
    Elsewhere(String),
    /// The template gives none.
    Missing,
}

/// The function resource types a template's functions are read from.
const FUNCTION_TYPES: &[&str] = &["AWS::Serverless::Function", "AWS::Lambda::Function"];

/// A Lambda function of a template, as far as running it locally needs.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateFunction {
    /// Its logical ID.
    pub id: String,
    /// Its name: `FunctionName` when the template writes it, else the logical ID (the name
    /// [`super::cfn`]'s stand-in ARNs use).
    pub name: String,
    /// Where its code is.
    pub code: FunctionCode,
    /// `Handler`, such as `app.handler`.
    pub handler: Option<String>,
    /// `Runtime`, such as `python3.12`.
    pub runtime: Option<String>,
    /// `Timeout`, in seconds.
    pub timeout: Option<f64>,
    /// `Environment.Variables`, intrinsic functions resolved to stand-ins.
    pub environment: Vec<(String, String)>,
}

/// Where a function's code is, from its `CodeUri`/`Code` and SAM's `InlineCode`.
fn code_of(code: Option<Value>, inline: Option<Value>, dir: &Path) -> FunctionCode {
    if let Some(Value::String(source)) = inline {
        return FunctionCode::Inline(source);
    }
    match code {
        Some(Value::String(path)) if !path.starts_with("s3://") => {
            FunctionCode::Dir(dir.join(path))
        }
        Some(Value::String(uri)) => FunctionCode::Elsewhere(format!("its code is at {uri}")),
        Some(Value::Object(map)) => {
            if let Some(Value::String(source)) = map.get("ZipFile") {
                return FunctionCode::Inline(source.clone());
            }
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            FunctionCode::Elsewhere(format!(
                "its code is given as {} (a local run needs a local folder or inline code)",
                keys.join("/")
            ))
        }
        Some(_) | None => FunctionCode::Missing,
    }
}

/// The Lambda functions of the template at `path` (`AWS::Serverless::Function`, with
/// `Globals.Function` as defaults, and `AWS::Lambda::Function`).
pub fn functions(path: &Path) -> Result<Vec<TemplateFunction>, String> {
    let template = read(path)?;
    let resolver = Resolver::new(&template);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let globals = template.pointer("/Globals/Function");
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (id, resource) in resources {
        let Some(kind) = resource
            .get("Type")
            .and_then(Value::as_str)
            .filter(|t| FUNCTION_TYPES.contains(t))
        else {
            continue;
        };
        let serverless = kind == "AWS::Serverless::Function";
        let props = resource.get("Properties");
        let get = |key: &str| {
            props
                .and_then(|p| p.get(key))
                .or_else(|| globals.filter(|_| serverless).and_then(|g| g.get(key)))
                .and_then(|v| resolver.resolve(v).ok())
                .map(|r| r.value)
        };
        let name = resolver
            .resolve(&serde_json::json!({ "Ref": id }))
            .ok()
            .and_then(|r| r.value.as_str().map(str::to_owned))
            .unwrap_or_else(|| id.clone());
        let code = code_of(
            get(if serverless { "CodeUri" } else { "Code" }),
            get("InlineCode").filter(|_| serverless),
            dir,
        );
        let environment = get("Environment")
            .and_then(|e| e.get("Variables").and_then(Value::as_object).cloned())
            .map(|vars| {
                vars.into_iter()
                    .filter_map(|(k, v)| match v {
                        Value::String(s) => Some((k, s)),
                        Value::Number(n) => Some((k, n.to_string())),
                        Value::Bool(b) => Some((k, b.to_string())),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(TemplateFunction {
            id: id.clone(),
            name,
            code,
            handler: get("Handler").and_then(|v| v.as_str().map(str::to_owned)),
            runtime: get("Runtime").and_then(|v| v.as_str().map(str::to_owned)),
            timeout: get("Timeout").and_then(|v| v.as_f64()),
            environment,
        });
    }
    Ok(out)
}
