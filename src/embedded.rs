//! Definitions that live inside SAM and CloudFormation templates: the state machine resources a
//! template holds ([`Template::machines`]), one's definition read as a [`Document`] whose
//! problems are placed at the template's line:column ([`Embedded::relocate`]), and an edited
//! definition written back in place ([`Embedded::write_back`]), every other byte of the template
//! kept.
//!
//! A definition is written inline as `Definition` (an object), as `DefinitionString` (a string,
//! `Fn::Sub` of a string or of `[string, variables]`, or `Fn::Join` of strings), or in a file
//! `DefinitionUri` names (read there, not here: [`Place::DefinitionUri`]).
//!
//! Every embedded definition is read from its own text (the mapping's lines without their
//! indentation, the string's decoded text), with a table from each byte of that text to the
//! template byte it came from. Written back, the definition takes the form it had: block YAML at
//! its indentation, JSON at the template's indentation, the string in the same scalar style
//! (`|` block, quoted) inside the same `!Sub` or `Fn::Join`.

use crate::diag::{Diagnostic, Location};
use crate::document::Document;
use crate::pointer::Pointer;
use crate::source::{self, Format, SourceMap};
use crate::validate::WorkflowType;
use serde_json::Value;
use std::fmt;
use std::ops::Range;

/// The state machine resource types whose definitions are read.
pub const STATE_MACHINE_TYPES: &[&str] = &[
    "AWS::Serverless::StateMachine",
    "AWS::StepFunctions::StateMachine",
];

/// Where a state machine's definition is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// `Definition`: an inline object.
    Definition,
    /// `DefinitionString`, written as the form says.
    DefinitionString(StringForm),
    /// `DefinitionUri` naming a file, relative to the template.
    DefinitionUri(String),
    /// Somewhere Stepcraft cannot read offline (`DefinitionUri` in S3, `DefinitionS3Location`),
    /// or written with functions it does not read; the text says which.
    Elsewhere(String),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Definition => f.write_str("inline Definition"),
            Self::DefinitionString(form) => write!(f, "DefinitionString ({form})"),
            Self::DefinitionUri(uri) => write!(f, "DefinitionUri {uri}"),
            Self::Elsewhere(what) => f.write_str(what),
        }
    }
}

/// How a `DefinitionString` is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringForm {
    /// A plain string.
    Plain,
    /// `Fn::Sub` (`!Sub`) of a string.
    Sub,
    /// `Fn::Sub` of `[string, variables]`.
    SubWithVariables,
    /// `Fn::Join` of strings.
    Join,
}

impl fmt::Display for StringForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Plain => "string",
            Self::Sub => "Fn::Sub",
            Self::SubWithVariables => "Fn::Sub with variables",
            Self::Join => "Fn::Join",
        })
    }
}

/// One state machine resource of a template.
#[derive(Clone, Debug, PartialEq)]
pub struct Machine {
    /// Its logical ID.
    pub id: String,
    /// Its resource type.
    pub resource_type: String,
    /// Where its definition is.
    pub place: Place,
    /// Where the resource is written in the template.
    pub location: Option<Location>,
    /// The names its `DefinitionSubstitutions` give values for.
    pub substitutions: Vec<String>,
}

/// A property of a state machine resource that a deploy takes as its default: written as a
/// literal, with an intrinsic function (which only CloudFormation resolves), or as a literal
/// the property cannot take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting<T> {
    /// Not written.
    Absent,
    /// Written as a literal.
    Literal(T),
    /// Written with an intrinsic function.
    Function {
        /// The property as written (`RoleArn`, `Tags`).
        property: &'static str,
        /// Where, in the template.
        location: Option<Location>,
        /// The function (`Fn::GetAtt`, `Ref`).
        function: String,
    },
    /// Written as a literal the property cannot take.
    Invalid {
        /// The property as written.
        property: &'static str,
        /// Where, in the template.
        location: Option<Location>,
        /// What it takes.
        expected: &'static str,
    },
}

impl<T> Setting<T> {
    /// The literal, if it is one.
    pub fn literal(&self) -> Option<&T> {
        match self {
            Self::Literal(v) => Some(v),
            _ => None,
        }
    }
}

/// The settings a state machine resource gives a deploy besides its definition, under
/// CloudFormation's names (`StateMachineName`, `StateMachineType`, `RoleArn`, `Tags` as a list
/// of `Key`/`Value`) or SAM's (`Name`, `Type`, `Role`, `Tags` as a mapping).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MachineSettings {
    /// The state machine's name.
    pub name: Setting<String>,
    /// STANDARD or EXPRESS.
    pub workflow_type: Setting<WorkflowType>,
    /// The execution role's ARN.
    pub role_arn: Setting<String>,
    /// The tags, in the order written (a function anywhere in them makes them all a function).
    pub tags: Setting<Vec<(String, String)>>,
}

/// A problem reading a template or a definition inside it, with where it is.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}{message}", location.map(|l| format!("{l}: ")).unwrap_or_default())]
pub struct EmbedError {
    /// Where in the template, when known.
    pub location: Option<Location>,
    /// What is wrong and what to do.
    pub message: String,
    /// Whether the definition's own text is what cannot be read (not JSON or YAML), rather
    /// than the template or the resource.
    pub in_definition: bool,
}

impl EmbedError {
    fn new(location: Option<Location>, message: impl Into<String>) -> Self {
        Self {
            location,
            message: message.into(),
            in_definition: false,
        }
    }

    fn in_definition(mut self) -> Self {
        self.in_definition = true;
        self
    }
}

/// A SAM or CloudFormation template, read with positions.
#[derive(Clone, Debug)]
pub struct Template {
    text: String,
    format: Format,
    value: Value,
    map: SourceMap,
}

/// Whether a value read from a file is a template rather than a definition: it has
/// `Resources` and no `States`.
pub fn is_template(value: &Value) -> bool {
    value.get("Resources").is_some_and(Value::is_object) && value.get("States").is_none()
}

impl Template {
    /// Reads a template's text; a text that cannot be read gives its located diagnostic.
    pub fn parse(text: &str, format: Format) -> Result<Self, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed = source::parse(text, format)?;
        Ok(Self {
            text: text.to_owned(),
            format,
            value: parsed.value,
            map: parsed.map,
        })
    }

    /// The template's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The format it is written in.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The template read into JSON (short-form tags in their long form).
    pub fn value(&self) -> &Value {
        &self.value
    }

    /// The state machine resources, in the template's order.
    pub fn machines(&self) -> Vec<Machine> {
        let Some(resources) = self.value.get("Resources").and_then(Value::as_object) else {
            return Vec::new();
        };
        resources
            .iter()
            .filter_map(|(id, r)| {
                let kind = r.get("Type").and_then(Value::as_str)?;
                STATE_MACHINE_TYPES.contains(&kind).then(|| {
                    let pointer = Pointer::root().key("Resources").key(id);
                    let props = r.get("Properties");
                    Machine {
                        id: id.clone(),
                        resource_type: kind.to_owned(),
                        place: place(props),
                        location: self.map.locate(&pointer),
                        substitutions: props
                            .and_then(|p| p.get("DefinitionSubstitutions"))
                            .and_then(Value::as_object)
                            .map(|m| m.keys().cloned().collect())
                            .unwrap_or_default(),
                    }
                })
            })
            .collect()
    }

    /// The state machine `id`, or with `None` the template's only one. An error lists the
    /// template's state machines when `id` is none of them or there are several.
    pub fn machine(&self, id: Option<&str>) -> Result<Machine, EmbedError> {
        let machines = self.machines();
        let list = || {
            machines
                .iter()
                .map(|m| format!("{} ({})", m.id, m.place))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if machines.is_empty() {
            return Err(EmbedError::new(
                None,
                "the template has no AWS::Serverless::StateMachine or AWS::StepFunctions::StateMachine resource",
            ));
        }
        match id {
            Some(id) => machines.iter().find(|m| m.id == id).cloned().ok_or_else(|| {
                EmbedError::new(
                    None,
                    format!(
                        "the template has no state machine named {id}; it has: {}. Name one as TEMPLATE#LogicalId.",
                        list()
                    ),
                )
            }),
            None if machines.len() == 1 => Ok(machines[0].clone()),
            None => Err(EmbedError::new(
                None,
                format!(
                    "the template has {} state machines: {}. Choose one as TEMPLATE#LogicalId.",
                    machines.len(),
                    list()
                ),
            )),
        }
    }

    /// The definition of state machine `id` written in the template (`Definition` or
    /// `DefinitionString`). One in a file (`DefinitionUri`) is the caller's to read.
    pub fn embedded(&self, id: &str) -> Result<Embedded, EmbedError> {
        let machine = self.machine(Some(id))?;
        let props = Pointer::root().key("Resources").key(id).key("Properties");
        let at = |p: &Pointer| self.map.locate(p);
        match &machine.place {
            Place::Definition => self.inline(id, &props.key("Definition")),
            Place::DefinitionString(form) => self.string(id, &props.key("DefinitionString"), *form),
            Place::DefinitionUri(uri) => Err(EmbedError::new(
                at(&props.key("DefinitionUri")),
                format!(
                    "{id}'s definition is in the file {uri}, beside the template: open that file"
                ),
            )),
            Place::Elsewhere(what) => Err(EmbedError::new(
                at(&props),
                format!(
                    "{id}'s definition cannot be read offline: {what}; give Stepcraft a copy of the definition file itself"
                ),
            )),
        }
    }

    fn location_of_offset(&self, offset: usize) -> Location {
        self.map.location_of_offset(offset)
    }

    /// The deploy settings of state machine `id`: its name, type, role and tags as written.
    pub fn settings(&self, id: &str) -> Result<MachineSettings, EmbedError> {
        let machine = self.machine(Some(id))?;
        let sam = machine.resource_type == STATE_MACHINE_TYPES[0];
        let props = Pointer::root().key("Resources").key(id).key("Properties");
        let [name, kind, role] = if sam {
            ["Name", "Type", "Role"]
        } else {
            ["StateMachineName", "StateMachineType", "RoleArn"]
        };
        let text = |value: &Value| value.as_str().map(str::to_owned);
        Ok(MachineSettings {
            name: self.setting(&props, name, "a name", text),
            workflow_type: self.setting(&props, kind, "STANDARD or EXPRESS", |v| {
                v.as_str().and_then(WorkflowType::parse)
            }),
            role_arn: self.setting(&props, role, "an IAM role ARN", text),
            tags: self.tags(&props),
        })
    }

    /// The property `key` of the resource at `props`, read by `read` when it is a literal.
    fn setting<T>(
        &self,
        props: &Pointer,
        key: &'static str,
        expected: &'static str,
        read: impl Fn(&Value) -> Option<T>,
    ) -> Setting<T> {
        let pointer = props.key(key);
        let Some(value) = pointer.resolve(&self.value) else {
            return Setting::Absent;
        };
        let location = self.map.locate(&pointer);
        if let Some(function) = function_name(value) {
            return Setting::Function {
                property: key,
                location,
                function,
            };
        }
        read(value).map_or(
            Setting::Invalid {
                property: key,
                location,
                expected,
            },
            Setting::Literal,
        )
    }

    /// `Tags`: a mapping (SAM) or a list of `Key`/`Value` objects (CloudFormation).
    fn tags(&self, props: &Pointer) -> Setting<Vec<(String, String)>> {
        const EXPECTED: &str = "a mapping of names to text, or a list of Key and Value";
        let pointer = props.key("Tags");
        let Some(value) = pointer.resolve(&self.value) else {
            return Setting::Absent;
        };
        let mut entries = Vec::new();
        match value {
            Value::Object(map) if function_name(value).is_none() => {
                for (k, v) in map {
                    entries.push((pointer.key(k), Value::String(k.clone()), v));
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let at = pointer.index(i);
                    match (item.get("Key"), item.get("Value")) {
                        (Some(k), Some(v)) => entries.push((at.key("Value"), k.clone(), v)),
                        _ if function_name(item).is_some() => {
                            entries.push((at, item.clone(), item));
                        }
                        _ => {
                            return Setting::Invalid {
                                property: "Tags",
                                location: self.map.locate(&at),
                                expected: EXPECTED,
                            };
                        }
                    }
                }
            }
            _ => entries.push((pointer.clone(), value.clone(), value)),
        }
        let mut tags = Vec::new();
        for (at, key, value) in entries {
            let location = self.map.locate(&at);
            if let Some(function) = function_name(&key).or_else(|| function_name(value)) {
                return Setting::Function {
                    property: "Tags",
                    location,
                    function,
                };
            }
            match (key.as_str(), tag_text(value)) {
                (Some(k), Some(v)) => tags.push((k.to_owned(), v)),
                _ => {
                    return Setting::Invalid {
                        property: "Tags",
                        location,
                        expected: EXPECTED,
                    };
                }
            }
        }
        Setting::Literal(tags)
    }

    /// The start of the value at `pointer`, trying the pointer as read with short-form tags
    /// (whose positions are recorded without the `Fn::` member).
    fn start_of(&self, pointers: &[Pointer]) -> Option<usize> {
        pointers.iter().find_map(|p| self.map.value_offset(p))
    }

    /// Where the collection at `pointer` starts in the text: its `{` or `[`, or for a block
    /// collection its first key or first `-` (the parser marks block collections after them).
    fn node_start(&self, pointer: &Pointer, value: &Value) -> Option<usize> {
        let text = self.text.as_str();
        if self.format == Format::Json {
            return self.map.value_offset(pointer);
        }
        let first = match value {
            Value::Object(m) => {
                let key = m.keys().next()?;
                self.map.key_offset(&pointer.key(key))?
            }
            Value::Array(items) if !items.is_empty() => self.map.value_offset(&pointer.index(0))?,
            _ => return self.map.value_offset(pointer),
        };
        let before = text[..first].trim_end_matches([' ', '\t', '\n', '\r']);
        match before.chars().last() {
            Some('{' | '[') => Some(before.len() - 1),
            Some('-') if value.is_array() => Some(before.len() - 1),
            _ => Some(first),
        }
    }

    fn inline(&self, id: &str, pointer: &Pointer) -> Result<Embedded, EmbedError> {
        let here = self.map.locate(pointer);
        let value = pointer.resolve(&self.value).cloned().unwrap_or(Value::Null);
        if !value.is_object() {
            return Err(EmbedError::new(
                here,
                format!(
                    "{id}'s Definition is not an object: write the definition as a mapping, or as DefinitionString"
                ),
            ));
        }
        let text = self.text.as_str();
        let start = self.node_start(pointer, &value).ok_or_else(|| {
            EmbedError::new(here, format!("{id}'s Definition was not found in the text"))
        })?;
        let flow = text[start..].starts_with('{');
        let end = if flow || self.format == Format::Json {
            bracket_end(text, start)
        } else {
            block_end(text, start)
        };
        let (inner, offsets) = dedent(text, start..end);
        let format = if flow && self.format == Format::Json {
            Format::Json
        } else {
            self.format
        };
        let document = Document::parse(&inner, format).map_err(|d| {
            EmbedError::new(
                d.location
                    .map(|l| self.location_of_offset(translate(&inner, &offsets, l))),
                format!("{id}'s Definition: {}", d.message),
            )
            .in_definition()
        })?;
        if document.value() != &value {
            return Err(EmbedError::new(
                here,
                format!(
                    "{id}'s Definition cannot be read on its own (it uses YAML anchors from elsewhere in the template): write it out in full"
                ),
            ));
        }
        let one_line = !text[start..end].contains('\n');
        let kind = if self.format == Format::Json {
            Kind::Json {
                base: line_indent(text, start),
                unit: json_unit(text, start..end),
                one_line,
            }
        } else if flow {
            Kind::YamlFlow {
                base: line_indent(text, start),
                one_line,
            }
        } else {
            Kind::YamlBlock {
                indent: column(text, start),
            }
        };
        Ok(Embedded {
            id: id.to_owned(),
            document,
            region: start..end,
            offsets,
            kind,
            template: SourceMap::new(text),
            format: self.format,
            resolved: resolve_intrinsics(&self.value, &value),
            template_value: std::sync::Arc::new(self.value.clone()),
            problem: None,
        })
    }

    fn string(
        &self,
        id: &str,
        pointer: &Pointer,
        form: StringForm,
    ) -> Result<Embedded, EmbedError> {
        let here = self.map.locate(pointer);
        let text = self.text.as_str();
        let value = pointer.resolve(&self.value).cloned().unwrap_or(Value::Null);
        let (inner, offsets, region, kind, problem) = match form {
            StringForm::Plain | StringForm::Sub | StringForm::SubWithVariables => {
                let (string, pointers) = match form {
                    StringForm::Plain => (value.as_str(), vec![pointer.clone()]),
                    StringForm::Sub => (
                        value.get("Fn::Sub").and_then(Value::as_str),
                        vec![pointer.key("Fn::Sub"), pointer.clone()],
                    ),
                    _ => (
                        value.pointer("/Fn::Sub/0").and_then(Value::as_str),
                        vec![pointer.key("Fn::Sub").index(0), pointer.index(0)],
                    ),
                };
                let string = string.unwrap_or_default();
                let start = self.start_of(&pointers).ok_or_else(|| {
                    EmbedError::new(
                        here,
                        format!("{id}'s DefinitionString was not found in the text"),
                    )
                })?;
                let scalar = read_scalar(text, start, self.format, string);
                (
                    string.to_owned(),
                    scalar.offsets,
                    scalar.region,
                    Kind::String {
                        style: scalar.style,
                        base: line_indent(text, start),
                    },
                    scalar.problem,
                )
            }
            StringForm::Join => {
                let (delimiter, parts) = match value
                    .get("Fn::Join")
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                {
                    Some([Value::String(d), Value::Array(parts)]) => (d.clone(), parts.clone()),
                    _ => {
                        return Err(EmbedError::new(
                            here,
                            format!(
                                "{id}'s DefinitionString: Fn::Join takes [delimiter, [strings]]"
                            ),
                        ));
                    }
                };
                let long = pointer.key("Fn::Join").index(1);
                let short = pointer.index(1);
                let parts_value = Value::Array(parts.clone());
                let start = [&long, &short]
                    .into_iter()
                    .find_map(|p| self.node_start(p, &parts_value))
                    .ok_or_else(|| {
                        EmbedError::new(
                            here,
                            format!("{id}'s DefinitionString was not found in the text"),
                        )
                    })?;
                let mut inner = String::new();
                let mut offsets = Vec::new();
                let mut problem = None;
                for (i, part) in parts.iter().enumerate() {
                    let Some(part) = part.as_str() else {
                        return Err(EmbedError::new(
                            self.map.locate(&long.index(i)).or(here),
                            format!(
                                "{id}'s DefinitionString: part {i} of the Fn::Join is not text; Stepcraft reads a Join of strings"
                            ),
                        ));
                    };
                    if i > 0 {
                        let at = offsets.last().copied().unwrap_or(to_u32(start));
                        inner.push_str(&delimiter);
                        offsets.extend(std::iter::repeat_n(at, delimiter.len()));
                    }
                    let part_start = self
                        .start_of(&[long.index(i), short.index(i)])
                        .unwrap_or(start);
                    let scalar = read_scalar(text, part_start, self.format, part);
                    problem = problem.or(scalar.problem);
                    inner.push_str(part);
                    offsets.extend_from_slice(&scalar.offsets[..part.len()]);
                }
                offsets.push(to_u32(start));
                let flow = text[start..].starts_with('[');
                let end = if flow || self.format == Format::Json {
                    bracket_end(text, start)
                } else {
                    block_end(text, start)
                };
                let kind = Kind::Join {
                    delimiter,
                    block: !flow && self.format == Format::Yaml,
                    indent: column(text, start),
                    base: line_indent(text, start),
                    unit: if self.format == Format::Json {
                        json_unit(text, start..end)
                    } else {
                        2
                    },
                };
                (inner, offsets, start..end, kind, problem)
            }
        };
        let document = Document::parse(&inner, Format::Json).map_err(|d| {
            EmbedError::new(
                d.location
                    .map(|l| self.location_of_offset(translate(&inner, &offsets, l))),
                format!(
                    "{id}'s DefinitionString is not a JSON definition: {}",
                    d.message
                ),
            )
            .in_definition()
        })?;
        Ok(Embedded {
            id: id.to_owned(),
            document,
            region,
            offsets,
            kind,
            template: SourceMap::new(text),
            format: self.format,
            resolved: None,
            template_value: std::sync::Arc::new(self.value.clone()),
            problem,
        })
    }
}

/// A test file's or a caller's name for a definition, `FILE#LogicalId` or a template `FILE`
/// (relative to `base`): the file and the logical ID when it names a template's state machine,
/// `None` when it names a definition file.
pub fn split_name(base: &std::path::Path, name: &str) -> Option<(String, Option<String>)> {
    let whole = base.join(name);
    if whole.is_file() {
        let text = std::fs::read_to_string(&whole).ok()?;
        let format = Format::from_path(&whole).unwrap_or_else(|| Format::sniff(&text));
        let value = source::parse(&text, format).ok()?.value;
        return is_template(&value).then(|| (name.to_owned(), None));
    }
    let (file, id) = name.rsplit_once('#')?;
    (!id.is_empty() && base.join(file).is_file()).then(|| (file.to_owned(), Some(id.to_owned())))
}

/// A state machine's definition read from a template file.
#[derive(Clone, Debug)]
pub struct Named {
    /// The state machine's logical ID.
    pub id: String,
    /// The definition, located in the file it is written in.
    pub document: Document,
    /// The definition file `DefinitionUri` names, when it is in one.
    pub file: Option<std::path::PathBuf>,
}

/// Reads state machine `id` (or the only one) of the template at `path`: its inline
/// definition located at the template's lines, or the file its `DefinitionUri` names. Errors
/// say where (`file:line:column`) and what to do.
pub fn read_named(path: &std::path::Path, id: Option<&str>) -> Result<Named, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the template: {e}", path.display()))?;
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    let at = |l: Option<Location>| l.map(|l| format!(":{l}")).unwrap_or_default();
    let template = Template::parse(&text, format)
        .map_err(|d| format!("{}{}: {}", path.display(), at(d.location), d.message))?;
    let located = |e: EmbedError| format!("{}{}: {}", path.display(), at(e.location), e.message);
    let machine = template.machine(id).map_err(located)?;
    if let Place::DefinitionUri(uri) = &machine.place {
        let file = path
            .parent()
            .unwrap_or_else(|| std::path::Path::new("."))
            .join(uri);
        let text = std::fs::read_to_string(&file).map_err(|e| {
            format!(
                "{}: cannot read {id}'s definition: {e}",
                file.display(),
                id = machine.id
            )
        })?;
        let format = Format::from_path(&file).unwrap_or_else(|| Format::sniff(&text));
        let document = Document::parse(&text, format)
            .map_err(|d| format!("{}{}: {}", file.display(), at(d.location), d.message))?;
        return Ok(Named {
            id: machine.id,
            document,
            file: Some(file),
        });
    }
    let embedded = template.embedded(&machine.id).map_err(located)?;
    Ok(Named {
        id: machine.id,
        document: embedded.located(),
        file: None,
    })
}

/// `value` with every intrinsic function in it (`{"Ref": ..}`, `{"Fn::GetAtt": ..}`, ...)
/// resolved to its stand-in, as CloudFormation resolves them inside an inline `Definition`;
/// `None` when it has none. One that cannot be resolved stays as written (and is reported
/// where it is, as a value of the wrong type).
fn resolve_intrinsics(template: &Value, value: &Value) -> Option<Value> {
    fn walk(value: &mut Value, resolver: &crate::subst::cfn::Resolver<'_>, changed: &mut bool) {
        match value {
            Value::Object(map)
                if map.len() == 1 && map.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) =>
            {
                if let Ok(r) = resolver.resolve(value) {
                    *value = r.value;
                    *changed = true;
                }
            }
            Value::Object(map) => map.values_mut().for_each(|v| walk(v, resolver, changed)),
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, resolver, changed)),
            _ => {}
        }
    }
    let resolver = crate::subst::cfn::Resolver::new(template);
    let mut resolved = value.clone();
    let mut changed = false;
    walk(&mut resolved, &resolver, &mut changed);
    changed.then_some(resolved)
}

/// Where the definition of a resource's properties is.
/// The intrinsic function `value` is written with (`{"Ref": ..}`, `{"Fn::GetAtt": ..}`), if it is one.
fn function_name(value: &Value) -> Option<String> {
    let map = value.as_object()?;
    let (key, _) = map.iter().next()?;
    (map.len() == 1 && (key == "Ref" || key.starts_with("Fn::"))).then(|| key.clone())
}

/// A tag's value as text: a string, or a number or boolean as YAML writes it.
fn tag_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn place(props: Option<&Value>) -> Place {
    let get = |k: &str| props.and_then(|p| p.get(k));
    if get("Definition").is_some() {
        return Place::Definition;
    }
    if let Some(s) = get("DefinitionString") {
        return match s {
            Value::String(_) => Place::DefinitionString(StringForm::Plain),
            Value::Object(m) if m.len() == 1 => match m.iter().next() {
                Some((k, Value::String(_))) if k == "Fn::Sub" => {
                    Place::DefinitionString(StringForm::Sub)
                }
                Some((k, Value::Array(a)))
                    if k == "Fn::Sub" && a.first().is_some_and(Value::is_string) =>
                {
                    Place::DefinitionString(StringForm::SubWithVariables)
                }
                Some((k, _)) if k == "Fn::Join" => Place::DefinitionString(StringForm::Join),
                Some((k, _)) => Place::Elsewhere(format!("DefinitionString written with {k}")),
                None => Place::Elsewhere("an empty DefinitionString".to_owned()),
            },
            _ => Place::Elsewhere("a DefinitionString that is not text".to_owned()),
        };
    }
    match get("DefinitionUri") {
        Some(Value::String(uri)) if !uri.starts_with("s3://") => Place::DefinitionUri(uri.clone()),
        Some(_) => Place::Elsewhere("DefinitionUri in S3".to_owned()),
        None if get("DefinitionS3Location").is_some() => {
            Place::Elsewhere("DefinitionS3Location in S3".to_owned())
        }
        None => Place::Elsewhere("no Definition, DefinitionString or DefinitionUri".to_owned()),
    }
}

/// How the definition is written in the template, for writing it back the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    /// A block mapping whose keys start at `indent`.
    YamlBlock { indent: usize },
    /// A flow mapping (`{ ... }`) in YAML, on a line indented `base` (or all on one line).
    YamlFlow { base: usize, one_line: bool },
    /// An object in a JSON template, on a line indented `base`, members `unit` further in (or
    /// all on one line).
    Json {
        base: usize,
        unit: usize,
        one_line: bool,
    },
    /// A string scalar.
    String { style: Style, base: usize },
    /// `Fn::Join`'s list of strings: a block sequence at `indent`, or a flow/JSON array on a
    /// line indented `base`.
    Join {
        delimiter: String,
        block: bool,
        indent: usize,
        base: usize,
        unit: usize,
    },
}

/// How a string scalar is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// A YAML `|` block: content lines indented `indent`.
    Literal { indent: usize },
    /// A double-quoted string (JSON, or YAML), or any other YAML scalar written back as one.
    Quoted,
}

/// A definition read from inside a template.
#[derive(Clone, Debug)]
pub struct Embedded {
    /// The state machine's logical ID.
    pub id: String,
    /// The definition, over its own text (the mapping without its indentation, or the
    /// string's decoded text).
    pub document: Document,
    /// The bytes of the template the definition is written in (what writing back replaces).
    region: Range<usize>,
    /// For each byte of the document's text (and one past its end), the template byte it came
    /// from.
    offsets: Vec<u32>,
    kind: Kind,
    template: SourceMap,
    format: Format,
    /// The definition with the template's intrinsic functions (`!GetAtt Fn.Arn` written inside
    /// an inline `Definition`) resolved to stand-ins, when it has any.
    resolved: Option<Value>,
    /// The template read into JSON, for resolving intrinsic functions in an edited definition.
    template_value: std::sync::Arc<Value>,
    /// Why an edited definition cannot be written back in place, if it cannot.
    problem: Option<String>,
}

impl Embedded {
    /// Where the definition starts in the template.
    pub fn location(&self) -> Location {
        let start = self
            .offsets
            .first()
            .map_or(self.region.start, |&o| o as usize);
        self.template.location_of_offset(start)
    }

    /// Why an edited definition cannot be written back in place, if it cannot.
    pub fn write_back_problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The template's line:column of a line:column in the document's text.
    pub fn to_template(&self, inner: Location) -> Location {
        let text = self.document.source_text();
        self.template
            .location_of_offset(translate(text, &self.offsets, inner))
    }

    /// The definition with every position in the template: what the command line validates,
    /// runs and reports on (its text is still the definition's own).
    ///
    /// Intrinsic functions written inside an inline `Definition` (`Resource: !GetAtt Fn.Arn`)
    /// are resolved to their stand-ins here, as CloudFormation resolves them when it deploys;
    /// [`Embedded::document`] keeps them as written, for editing and writing back.
    pub fn located(&self) -> Document {
        let map = self
            .document
            .source_map()
            .translated(&self.offsets, &self.template);
        let mut doc = self.document.placed(map, |l| self.to_template(l));
        if let Some(resolved) = &self.resolved {
            doc.set_value(resolved.clone());
        }
        doc
    }

    /// `doc` (this definition, maybe edited) with the template's intrinsic functions in it
    /// resolved to stand-ins, for checking and running; `None` when it has none.
    pub fn resolved(&self, doc: &Document) -> Option<Document> {
        if matches!(self.kind, Kind::String { .. } | Kind::Join { .. }) {
            // CloudFormation reads a DefinitionString as text, functions and all.
            return None;
        }
        let value = resolve_intrinsics(&self.template_value, doc.value())?;
        let mut resolved = doc.clone();
        resolved.set_value(value);
        Some(resolved)
    }

    /// Places diagnostics located in the document's text at their line:column in the template.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        for d in diagnostics {
            if let Some(l) = d.location {
                d.location = Some(self.to_template(l));
            }
        }
    }

    /// The template's text with `edited` written in place of this definition. Unedited, the
    /// text is returned as it is; otherwise only the definition's bytes change, written the way
    /// they were (block YAML, JSON, a `|` string, a Join's parts). The result is read again and
    /// must give `edited`'s value, or nothing is written.
    pub fn write_back(&self, template: &str, edited: &Document) -> Result<String, EmbedError> {
        if !edited.is_edited() && edited.value() == self.document.value() {
            return Ok(template.to_owned());
        }
        let here = Some(self.template.location_of_offset(self.region.start));
        if let Some(problem) = &self.problem {
            return Err(EmbedError::new(
                here,
                format!(
                    "{}'s definition cannot be written back in place: {problem}",
                    self.id
                ),
            ));
        }
        let (bom, template) = match template.strip_prefix('\u{feff}') {
            Some(rest) => ("\u{feff}", rest),
            None => ("", template),
        };
        if template != self.template.text() {
            return Err(EmbedError::new(
                None,
                "the template changed since the definition was read: read it again".to_owned(),
            ));
        }
        let json = || edited.formatted(Format::Json);
        let replacement = match &self.kind {
            Kind::YamlBlock { indent } => {
                indent_lines(edited.formatted(Format::Yaml).trim_end(), *indent, false)
            }
            Kind::YamlFlow { one_line: true, .. } | Kind::Json { one_line: true, .. } => {
                minify(&json())
            }
            Kind::YamlFlow { base, .. } => indent_lines(json().trim_end(), base + 2, false),
            Kind::Json { base, unit, .. } => {
                indent_lines(&reindent(json().trim_end(), *unit), *base, false)
            }
            Kind::String { style, base } => {
                let text = self.string_text(&json());
                match style {
                    Style::Literal { indent } => indent_lines(&text, *indent, true),
                    Style::Quoted => indent_lines(&quote(&text), *base, false),
                }
            }
            Kind::Join {
                delimiter,
                block,
                indent,
                base,
                unit,
            } => {
                let text = self.string_text(&json());
                let mut parts: Vec<&str> = if delimiter.is_empty() {
                    text.split_inclusive('\n').collect()
                } else {
                    text.split(delimiter.as_str()).collect()
                };
                if parts.is_empty() {
                    parts.push("");
                }
                if *block {
                    let items: Vec<String> =
                        parts.iter().map(|p| format!("- {}", quote(p))).collect();
                    indent_lines(&items.join("\n"), *indent, false)
                } else {
                    let pad = " ".repeat(base + unit);
                    let items: Vec<String> =
                        parts.iter().map(|p| format!("{pad}{}", quote(p))).collect();
                    format!("[\n{}\n{}]", items.join(",\n"), " ".repeat(*base))
                }
            }
        };
        let mut out = String::with_capacity(template.len() + replacement.len());
        out.push_str(bom);
        out.push_str(&template[..self.region.start]);
        out.push_str(&replacement);
        out.push_str(&template[self.region.end..]);
        let check = Template::parse(&out, self.format)
            .map_err(|d| {
                EmbedError::new(
                    d.location,
                    format!(
                        "writing the definition back would break the template: {}",
                        d.message
                    ),
                )
            })
            .and_then(|t| t.embedded(&self.id))?;
        if check.document.value() != edited.value() {
            return Err(EmbedError::new(
                here,
                format!(
                    "{}'s definition written back would not read as edited; nothing was written",
                    self.id
                ),
            ));
        }
        Ok(out)
    }

    /// The JSON text a string form holds: pretty when the original spanned lines, else on one
    /// line.
    fn string_text(&self, pretty: &str) -> String {
        let pretty = pretty.trim_end();
        if self.document.source_text().trim_end().contains('\n') {
            let ends = self.document.source_text().ends_with('\n');
            let mut text = pretty.to_owned();
            if ends
                && !matches!(
                    self.kind,
                    Kind::String {
                        style: Style::Literal { .. },
                        ..
                    }
                )
            {
                text.push('\n');
            }
            text
        } else {
            minify(pretty)
        }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The template byte offset of a line:column of `text`, through the offsets table.
fn translate(text: &str, offsets: &[u32], at: Location) -> usize {
    let mut offset = 0;
    let mut line = 1;
    for (i, b) in text.bytes().enumerate() {
        if line == at.line {
            offset = i;
            break;
        }
        if b == b'\n' {
            line += 1;
            offset = i + 1;
        }
    }
    if line < at.line {
        offset = text.len();
    }
    let line_text = &text[offset..];
    let byte = line_text
        .char_indices()
        .nth(at.column.saturating_sub(1) as usize)
        .map_or(line_text.find('\n').unwrap_or(line_text.len()), |(i, _)| i);
    let inner = (offset + byte).min(offsets.len().saturating_sub(1));
    offsets.get(inner).map_or(0, |&o| o as usize)
}

/// The byte offset where the line holding `at` starts.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// The column (0-based, in bytes of indentation) of `at`.
fn column(text: &str, at: usize) -> usize {
    at - line_start(text, at)
}

/// How many spaces indent the line holding `at`.
fn line_indent(text: &str, at: usize) -> usize {
    let start = line_start(text, at);
    text[start..].bytes().take_while(|&b| b == b' ').count()
}

/// The end of a YAML block node (mapping or sequence) that starts at `start`: the end of its
/// last line with content; comments and blank lines after it are not its own.
fn block_end(text: &str, start: usize) -> usize {
    let col = column(text, start);
    let sequence = text[start..].starts_with('-');
    let mut end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut at = end;
    while at < text.len() {
        let line_begin = at + 1;
        let line_end = text[line_begin..]
            .find('\n')
            .map_or(text.len(), |i| line_begin + i);
        let line = &text[line_begin..line_end];
        let content = line.trim_start_matches(' ');
        let indent = line.len() - content.len();
        at = line_end;
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let belongs = indent > col
            || (indent == col
                && !content.starts_with("---")
                && !content.starts_with("...")
                && (!sequence || content.starts_with('-')));
        if !belongs {
            break;
        }
        end = line_end;
    }
    end
}

/// The end (one past the closing bracket) of the flow collection or JSON value opening at
/// `start`, strings skipped.
fn bracket_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = start;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'"' => {
                at += 1;
                while let Some(&c) = bytes.get(at) {
                    match c {
                        b'\\' => at += 1,
                        b'"' => break,
                        _ => {}
                    }
                    at += 1;
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return at + 1;
                }
            }
            _ => {}
        }
        at += 1;
    }
    text.len()
}

/// The region's text without the indentation of its first line's column on every further line,
/// and the offsets table from it to the template.
fn dedent(text: &str, region: Range<usize>) -> (String, Vec<u32>) {
    let col = column(text, region.start);
    let mut inner = String::with_capacity(region.len());
    let mut offsets = Vec::with_capacity(region.len() + 1);
    let mut at = region.start;
    let mut first = true;
    while at < region.end {
        let line_end = text[at..region.end]
            .find('\n')
            .map_or(region.end, |i| at + i);
        let mut from = at;
        if !first {
            let spaces = text[at..line_end]
                .bytes()
                .take_while(|&b| b == b' ')
                .count();
            from += spaces.min(col);
        }
        first = false;
        inner.push_str(&text[from..line_end]);
        offsets.extend((from..line_end).map(to_u32));
        if line_end < region.end {
            inner.push('\n');
            offsets.push(to_u32(line_end));
        }
        at = line_end + 1;
    }
    inner.push('\n');
    offsets.push(to_u32(region.end));
    offsets.push(to_u32(region.end));
    (inner, offsets)
}

/// The indentation step of a JSON object's members (2 when it cannot be told).
fn json_unit(text: &str, region: Range<usize>) -> usize {
    let base = line_indent(text, region.start);
    text[region]
        .lines()
        .skip(1)
        .map(|l| l.bytes().take_while(|&b| b == b' ').count())
        .find(|&n| n > base)
        .map_or(2, |n| n - base)
}

/// Pretty JSON written with two-space steps, re-indented with `unit`-space steps.
fn reindent(json: &str, unit: usize) -> String {
    if unit == 2 {
        return json.to_owned();
    }
    json.lines()
        .map(|l| {
            let n = l.bytes().take_while(|&b| b == b' ').count();
            format!("{}{}", " ".repeat(n / 2 * unit), &l[n..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every line after the first (or every line, with `all`) indented by `n` spaces; empty lines
/// stay empty.
fn indent_lines(text: &str, n: usize, all: bool) -> String {
    let pad = " ".repeat(n);
    text.split('\n')
        .enumerate()
        .map(|(i, l)| {
            if (i > 0 || all) && !l.is_empty() {
                format!("{pad}{l}")
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A string as a double-quoted scalar (JSON's escapes, which YAML reads the same).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// JSON text without the whitespace between tokens.
fn minify(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in json.chars() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// A string scalar found in the template: its offsets table, the bytes it is written in, and
/// how.
struct Scalar {
    offsets: Vec<u32>,
    region: Range<usize>,
    style: Style,
    problem: Option<String>,
}

/// Reads the string scalar that starts at `start` and must decode to `expected`. When the text
/// cannot be followed byte for byte (folded or multi-line flow scalars), every byte maps to the
/// scalar's start and writing back is refused with the reason.
fn read_scalar(text: &str, start: usize, format: Format, expected: &str) -> Scalar {
    let rest = &text[start..];
    let fallback = |region: Range<usize>, style: Style, why: &str| Scalar {
        offsets: vec![to_u32(start); expected.len() + 1],
        region,
        style,
        problem: Some(why.to_owned()),
    };
    if let Some(indicator) = block_indicator(text, start, format) {
        let (decoded, offsets, region, indent) = literal(text, start);
        let folded = indicator == '>';
        let same = decoded.trim_end_matches('\n') == expected.trim_end_matches('\n');
        if folded || !same {
            return fallback(
                region,
                Style::Literal { indent },
                "the string is a folded (>) block or uses an explicit indentation; write it as a | block",
            );
        }
        let mut offsets = offsets;
        offsets.truncate(expected.len());
        while offsets.len() < expected.len() {
            offsets.push(to_u32(region.end));
        }
        offsets.push(to_u32(region.end));
        return Scalar {
            offsets,
            region,
            style: Style::Literal { indent },
            problem: None,
        };
    }
    let decoded = if rest.starts_with('"') {
        double_quoted(text, start)
    } else if rest.starts_with('\'') && format == Format::Yaml {
        single_quoted(text, start)
    } else if format == Format::Yaml {
        plain(text, start)
    } else {
        None
    };
    match decoded {
        Some((s, offsets, end)) if s == expected => Scalar {
            offsets,
            region: start..end,
            style: Style::Quoted,
            problem: None,
        },
        Some((_, _, end)) => fallback(
            start..end,
            Style::Quoted,
            "the string spans lines in a way Stepcraft does not follow; write it as a | block",
        ),
        None => fallback(
            start..start,
            Style::Quoted,
            "the string's text was not found where expected",
        ),
    }
}

/// The indicator (`|` or `>`) of the YAML block scalar whose content starts at `start` (the
/// parser marks a block scalar at its first content character), if it is one.
fn block_indicator(text: &str, start: usize, format: Format) -> Option<char> {
    if format != Format::Yaml {
        return None;
    }
    let line = line_start(text, start);
    if !text[line..start].bytes().all(|b| b == b' ') {
        return None;
    }
    let header = text[..line].trim_end_matches(['\n', '\r', ' ']);
    let header = &header[line_start(header, header.len())..];
    let header = header.split(" #").next().unwrap_or(header).trim_end();
    let token = header.rsplit(' ').next().unwrap_or(header);
    let token = token.trim_start_matches('-');
    let indicator = token.chars().next().filter(|c| matches!(c, '|' | '>'))?;
    token[1..]
        .chars()
        .all(|c| matches!(c, '-' | '+' | '1'..='9'))
        .then_some(indicator)
}

/// A `|` (or `>`) block scalar whose content starts at `start`: its lines joined, the offsets
/// table, its content lines' bytes and their indentation.
fn literal(text: &str, start: usize) -> (String, Vec<u32>, Range<usize>, usize) {
    let content_start = line_start(text, start);
    let parent = 0;
    let mut indent = Some(column(text, start));
    let mut decoded = String::new();
    let mut offsets = Vec::new();
    let mut end = content_start;
    let mut at = content_start;
    let mut pending_blank = 0usize;
    while at < text.len() {
        let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        let line = &text[at..line_end];
        let spaces = line.bytes().take_while(|&b| b == b' ').count();
        if line.trim().is_empty() {
            pending_blank += 1;
            at = line_end + 1;
            continue;
        }
        let n = *indent.get_or_insert(spaces);
        if spaces < n || spaces <= parent {
            break;
        }
        for _ in 0..pending_blank {
            offsets.push(to_u32(at));
            decoded.push('\n');
        }
        pending_blank = 0;
        decoded.push_str(&line[n..]);
        offsets.extend((at + n..line_end).map(to_u32));
        decoded.push('\n');
        offsets.push(to_u32(line_end));
        end = line_end;
        at = line_end + 1;
    }
    (
        decoded,
        offsets,
        content_start.min(end)..end,
        indent.unwrap_or(parent + 2),
    )
}

/// A double-quoted string at `start` (JSON's escapes): its text, offsets and end.
fn double_quoted(text: &str, start: usize) -> Option<(String, Vec<u32>, usize)> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut offsets = Vec::new();
    let mut at = start + 1;
    loop {
        let c = text[at..].chars().next()?;
        match c {
            '"' => {
                offsets.push(to_u32(at));
                return Some((out, offsets, at + 1));
            }
            '\\' => {
                let e = *bytes.get(at + 1)?;
                let (decoded, len) = match e {
                    b'n' => ('\n', 2),
                    b't' => ('\t', 2),
                    b'r' => ('\r', 2),
                    b'b' => ('\u{8}', 2),
                    b'f' => ('\u{c}', 2),
                    b'/' => ('/', 2),
                    b'\\' => ('\\', 2),
                    b'"' => ('"', 2),
                    b'u' => {
                        let hex = text.get(at + 2..at + 6)?;
                        let code = u32::from_str_radix(hex, 16).ok()?;
                        if (0xD800..0xDC00).contains(&code) {
                            let low = text.get(at + 8..at + 12)?;
                            let low = u32::from_str_radix(low, 16).ok()?;
                            let c =
                                char::from_u32(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))?;
                            (c, 12)
                        } else {
                            (char::from_u32(code)?, 6)
                        }
                    }
                    _ => return None,
                };
                out.push(decoded);
                offsets.extend(std::iter::repeat_n(to_u32(at), decoded.len_utf8()));
                at += len;
            }
            '\n' => return None,
            c => {
                out.push(c);
                offsets.extend((at..at + c.len_utf8()).map(to_u32));
                at += c.len_utf8();
            }
        }
    }
}

/// A single-quoted YAML string at `start` (`''` for a quote) on one line.
fn single_quoted(text: &str, start: usize) -> Option<(String, Vec<u32>, usize)> {
    let mut out = String::new();
    let mut offsets = Vec::new();
    let mut at = start + 1;
    loop {
        let c = text[at..].chars().next()?;
        match c {
            '\'' if text[at + 1..].starts_with('\'') => {
                out.push('\'');
                offsets.push(to_u32(at));
                at += 2;
            }
            '\'' => {
                offsets.push(to_u32(at));
                return Some((out, offsets, at + 1));
            }
            '\n' => return None,
            c => {
                out.push(c);
                offsets.extend((at..at + c.len_utf8()).map(to_u32));
                at += c.len_utf8();
            }
        }
    }
}

/// A plain YAML scalar at `start` on one line (up to a comment or the line's end).
fn plain(text: &str, start: usize) -> Option<(String, Vec<u32>, usize)> {
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line = &text[start..line_end];
    let cut = line.find(" #").unwrap_or(line.len());
    let s = line[..cut].trim_end();
    let mut offsets: Vec<u32> = (start..start + s.len()).map(to_u32).collect();
    offsets.push(to_u32(start + s.len()));
    Some((s.to_owned(), offsets, start + s.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_mapping_ends_before_the_next_key_of_its_parent() {
        let text = "A:\n  B:\n    C: 1\n    # inside\n    D: [1,\n      2]\n\n  # after\n  E: 2\n";
        let start = text.find("C:").unwrap_or(0);
        assert_eq!(
            &text[start..block_end(text, start)],
            "C: 1\n    # inside\n    D: [1,\n      2]"
        );
    }

    #[test]
    fn minify_keeps_spaces_inside_strings() {
        assert_eq!(
            minify("{\n  \"a b\": \"c d\",\n  \"n\": ${X}\n}"),
            "{\"a b\":\"c d\",\"n\":${X}}"
        );
    }

    #[test]
    fn double_quoted_strings_map_each_byte_to_its_escape() {
        let text = r#"x: "{\n\"a\": 1}""#;
        let start = text.find('"').unwrap_or(0);
        let (s, offsets, end) = double_quoted(text, start).unwrap_or_default();
        assert_eq!(s, "{\n\"a\": 1}");
        assert_eq!(end, text.len());
        assert_eq!(offsets[1] as usize, start + 2);
        assert_eq!(offsets[2] as usize, start + 4);
    }
}
