//! Compiling the typed model into the form the interpreter runs: states by index, transitions
//! resolved, every path, template and intrinsic parsed once.

use super::dataset::{Batcher, Payload, Reader};
use super::jsonata::{JState, JTemplate};
use super::results::Writer;
use super::template::{Template, TemplateError};
use crate::expr::path::Path;
use crate::history::{Resource, TaskFamily};
use crate::model::choice::Operand;
use crate::model::map::{ExecutionType, ProcessorMode};
use crate::model::task::IntegrationPattern;
use crate::model::{
    ChoiceRule, Condition, MaybeExpr, NullablePath, Operator, QueryLanguage, Scope, State,
    StateKind, StateMachine, Transition,
};
use crate::value::Val;
use std::collections::HashMap;
use std::sync::Arc;

/// Index of a scope in [`Program::scopes`].
pub type ScopeId = usize;
/// Index of a state in its scope.
pub type StateId = usize;

/// Where a state goes next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// To this state of the same scope.
    To(StateId),
    /// The scope ends.
    End,
}

/// A field that is given literally or read from the input through a reference path.
#[derive(Debug, Clone)]
pub enum Dynamic<T> {
    /// Given in the definition.
    Literal(T),
    /// Read at run time.
    Path(Path),
}

/// A Fail state's Error or Cause: a literal or path, or an intrinsic call.
type FailText = (Option<Dynamic<Arc<str>>>, Option<Template>);

/// A compiled Retry rule.
#[derive(Debug, Clone)]
pub struct Retrier {
    pub errors: Vec<Arc<str>>,
    pub interval_seconds: f64,
    pub max_attempts: u32,
    pub backoff_rate: f64,
    pub max_delay_seconds: Option<f64>,
    pub jitter_full: bool,
}

/// A compiled Catch rule.
#[derive(Debug, Clone)]
pub struct Catcher {
    pub errors: Vec<Arc<str>>,
    pub next: StateId,
    pub result_path: Option<Option<Path>>,
    pub assign: Option<Template>,
}

/// A compiled Choice condition.
#[derive(Debug, Clone)]
pub enum Rule {
    Compare {
        variable: Path,
        operator: Operator,
        operand: RuleOperand,
    },
    And(Vec<Rule>),
    Or(Vec<Rule>),
    Not(Box<Rule>),
}

/// A Choice operand: a literal or a path to compare with.
#[derive(Debug, Clone)]
pub enum RuleOperand {
    Value(Val),
    Path(Path),
}

/// A compiled top-level Choice rule.
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    pub rule: Rule,
    pub next: StateId,
    pub assign: Option<Template>,
}

/// The type-specific part of a compiled state.
#[derive(Debug, Clone)]
pub enum Kind {
    Pass {
        result: Option<Val>,
    },
    Task {
        resource: Arc<str>,
        family: TaskFamily,
        event_resource: Resource,
        pattern: IntegrationPattern,
        timeout: Option<Dynamic<u64>>,
        heartbeat: Option<Dynamic<u64>>,
    },
    Choice {
        branches: Vec<ChoiceBranch>,
        default: Option<StateId>,
    },
    Wait(WaitFor),
    Succeed,
    Fail {
        error: Option<Dynamic<Arc<str>>>,
        cause: Option<Dynamic<Arc<str>>>,
        error_call: Option<Template>,
        cause_call: Option<Template>,
    },
    Parallel {
        branches: Vec<ScopeId>,
    },
    Map {
        processor: ScopeId,
        items_path: Option<Path>,
        item_selector: Option<Template>,
        max_concurrency: Option<Dynamic<u64>>,
        distributed: bool,
        tolerated_count: Option<Dynamic<u64>>,
        tolerated_percentage: Option<f64>,
        /// Where the items come from, instead of the input (distributed).
        item_reader: Option<Box<Reader>>,
        /// How items are grouped into child inputs (distributed).
        item_batcher: Option<Box<Batcher>>,
        /// Where the results go (distributed).
        result_writer: Option<Box<Writer>>,
        /// The Map Run's label: `Label`, or the state's name.
        label: Arc<str>,
        /// Whether the child executions are Express (distributed).
        express: bool,
    },
}

/// How long a Wait state waits.
#[derive(Debug, Clone)]
pub enum WaitFor {
    Seconds(u64),
    Timestamp(Arc<str>),
    SecondsPath(Path),
    TimestampPath(Path),
}

/// A compiled state.
#[derive(Debug, Clone)]
pub struct CState {
    pub name: Arc<str>,
    pub type_name: &'static str,
    pub next: Option<Next>,
    pub input_path: Option<Option<Path>>,
    pub output_path: Option<Option<Path>>,
    pub result_path: Option<Option<Path>>,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub assign: Option<Template>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    pub kind: Kind,
    /// Whether anything in the state reads the Context object (built only then).
    pub uses_context: bool,
    /// The JSONata fields, for a state in JSONata.
    pub jsonata: Option<Box<JState>>,
}

/// A compiled scope.
#[derive(Debug, Clone)]
pub struct CScope {
    pub start: StateId,
    pub states: Vec<CState>,
}

/// A whole compiled state machine.
#[derive(Debug, Clone)]
pub struct Program {
    pub scopes: Vec<CScope>,
    pub timeout_seconds: Option<u64>,
}

/// Why a definition cannot run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at {pointer})")]
pub struct CompileError {
    /// Where.
    pub pointer: String,
    /// What.
    pub message: String,
}

fn err(state: &State, field: &str, message: impl Into<String>) -> CompileError {
    CompileError {
        pointer: state.pointer.key(field).to_string(),
        message: message.into(),
    }
}

impl Program {
    /// Compiles a state machine. JSONata states are not supported by this interpreter yet.
    pub fn compile(machine: &StateMachine) -> Result<Self, CompileError> {
        let mut program = Program {
            scopes: Vec::new(),
            timeout_seconds: machine.timeout_seconds,
        };
        program.scope(&machine.scope)?;
        Ok(program)
    }

    fn scope(&mut self, scope: &Scope) -> Result<ScopeId, CompileError> {
        let id = self.scopes.len();
        self.scopes.push(CScope {
            start: 0,
            states: Vec::new(),
        });
        let index: HashMap<&str, StateId> = scope
            .states
            .keys()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let lookup = |name: &str, state: &State, field: &str| {
            index.get(name).copied().ok_or_else(|| {
                err(
                    state,
                    field,
                    format!("no state named \"{name}\" in this scope"),
                )
            })
        };
        let start = scope
            .start_at
            .as_ref()
            .and_then(|s| index.get(s.as_str()).copied())
            .ok_or_else(|| CompileError {
                pointer: scope.pointer.key("StartAt").to_string(),
                message: "StartAt does not name a state in this scope".into(),
            })?;
        let mut states = Vec::with_capacity(scope.states.len());
        for state in scope.states.values() {
            let next = match &state.transition {
                Some(Transition::Next(n)) => Some(Next::To(lookup(n.as_str(), state, "Next")?)),
                Some(Transition::End) => Some(Next::End),
                None => None,
            };
            let template = |v: &Option<serde_json::Value>,
                            field: &str|
             -> Result<Option<Template>, CompileError> {
                v.as_ref()
                    .map(Template::compile)
                    .transpose()
                    .map_err(|TemplateError(m)| err(state, field, m))
            };
            let path = |p: &Option<NullablePath>,
                        field: &str|
             -> Result<Option<Option<Path>>, CompileError> {
                match p {
                    None => Ok(None),
                    Some(NullablePath::Null) => Ok(Some(None)),
                    Some(NullablePath::Path(text)) => Path::parse(text)
                        .map(|p| Some(Some(p)))
                        .map_err(|e| err(state, field, e.to_string())),
                }
            };
            let mut retry = Vec::new();
            for r in &state.retry {
                retry.push(Retrier {
                    errors: r
                        .error_equals
                        .iter()
                        .map(|e| Arc::from(e.as_str()))
                        .collect(),
                    interval_seconds: r.interval_seconds.map_or(1.0, |v| v as f64),
                    max_attempts: r
                        .max_attempts
                        .map_or(3, |v| u32::try_from(v).unwrap_or(u32::MAX)),
                    backoff_rate: r.backoff_rate.unwrap_or(2.0),
                    max_delay_seconds: r.max_delay_seconds.map(|v| v as f64),
                    jitter_full: r.jitter_strategy == Some(crate::model::JitterStrategy::Full),
                });
            }
            let mut catch = Vec::new();
            for c in &state.catch {
                let target = c
                    .next
                    .as_ref()
                    .map(super::super::model::StateName::as_str)
                    .unwrap_or_default();
                catch.push(Catcher {
                    errors: c
                        .error_equals
                        .iter()
                        .map(|e| Arc::from(e.as_str()))
                        .collect(),
                    next: lookup(target, state, "Catch")?,
                    result_path: path(&c.result_path, "Catch")?,
                    assign: c
                        .assign
                        .as_ref()
                        .map(Template::compile)
                        .transpose()
                        .map_err(|TemplateError(m)| err(state, "Catch", m))?,
                });
            }
            let kind = self.kind(state, &lookup)?;
            let mut compiled = CState {
                name: Arc::from(state.name.as_str()),
                type_name: state.state_type().map_or("Unknown", |t| t.as_str()),
                next,
                input_path: path(&state.input_path, "InputPath")?,
                output_path: path(&state.output_path, "OutputPath")?,
                result_path: path(&state.result_path, "ResultPath")?,
                parameters: template(&state.parameters, "Parameters")?,
                result_selector: template(&state.result_selector, "ResultSelector")?,
                assign: template(&state.assign, "Assign")?,
                retry,
                catch,
                kind,
                uses_context: false,
                jsonata: if state.language == QueryLanguage::Jsonata {
                    Some(Box::new(jsonata_fields(state)?))
                } else {
                    None
                },
            };
            compiled.uses_context = uses_context(&compiled);
            states.push(compiled);
        }
        self.scopes[id] = CScope { start, states };
        Ok(id)
    }

    fn kind(
        &mut self,
        state: &State,
        lookup: &dyn Fn(&str, &State, &str) -> Result<StateId, CompileError>,
    ) -> Result<Kind, CompileError> {
        let reference = |text: &str, field: &str| {
            Path::parse(text).map_err(|e| err(state, field, e.to_string()))
        };
        let dynamic_u64 = |lit: &Option<MaybeExpr<u64>>,
                           path: &Option<String>,
                           field: &str|
         -> Result<Option<Dynamic<u64>>, CompileError> {
            if let Some(p) = path {
                return Ok(Some(Dynamic::Path(reference(p, &format!("{field}Path"))?)));
            }
            match lit {
                Some(MaybeExpr::Literal(v)) => Ok(Some(Dynamic::Literal(*v))),
                Some(MaybeExpr::Expr(_)) if state.language == QueryLanguage::Jsonata => Ok(None),
                Some(MaybeExpr::Expr(e)) => {
                    Err(err(state, field, format!("\"{e}\" is not a number")))
                }
                None => Ok(None),
            }
        };
        Ok(match &state.kind {
            StateKind::Pass(p) => Kind::Pass {
                result: p.result.as_ref().map(Val::from),
            },
            StateKind::Task(t) => {
                let resource = t.resource.clone().unwrap_or_default();
                let (family, event_resource) = classify_resource(&resource);
                Kind::Task {
                    resource: Arc::from(resource.as_str()),
                    family,
                    event_resource,
                    pattern: t.integration_pattern(),
                    timeout: dynamic_u64(
                        &t.timeout_seconds,
                        &t.timeout_seconds_path,
                        "TimeoutSeconds",
                    )?,
                    heartbeat: dynamic_u64(
                        &t.heartbeat_seconds,
                        &t.heartbeat_seconds_path,
                        "HeartbeatSeconds",
                    )?,
                }
            }
            StateKind::Choice(c) => {
                let mut branches = Vec::new();
                for rule in &c.choices {
                    let next = rule
                        .next
                        .as_ref()
                        .map(super::super::model::StateName::as_str)
                        .unwrap_or_default();
                    branches.push(ChoiceBranch {
                        rule: if state.language == QueryLanguage::Jsonata {
                            Rule::And(Vec::new())
                        } else {
                            compile_rule(rule, state)?
                        },
                        next: lookup(next, state, "Choices")?,
                        assign: rule
                            .assign
                            .as_ref()
                            .map(Template::compile)
                            .transpose()
                            .map_err(|TemplateError(m)| err(state, "Choices", m))?,
                    });
                }
                let default = c
                    .default
                    .as_ref()
                    .map(|d| lookup(d.as_str(), state, "Default"))
                    .transpose()?;
                Kind::Choice { branches, default }
            }
            StateKind::Wait(w) => Kind::Wait(if let Some(p) = &w.seconds_path {
                WaitFor::SecondsPath(reference(p, "SecondsPath")?)
            } else if let Some(p) = &w.timestamp_path {
                WaitFor::TimestampPath(reference(p, "TimestampPath")?)
            } else if let Some(ts) = &w.timestamp {
                WaitFor::Timestamp(Arc::from(ts.as_str()))
            } else {
                match &w.seconds {
                    Some(MaybeExpr::Literal(s)) => WaitFor::Seconds(*s),
                    // Evaluated from the JSONata fields at run time.
                    Some(MaybeExpr::Expr(_)) if state.language == QueryLanguage::Jsonata => {
                        WaitFor::Seconds(0)
                    }
                    _ => {
                        return Err(err(
                            state,
                            "Seconds",
                            "a Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath",
                        ));
                    }
                }
            }),
            StateKind::Succeed => Kind::Succeed,
            StateKind::Fail(f) => {
                let dynamic_text = |lit: &Option<String>,
                                    path: &Option<String>,
                                    field: &str|
                 -> Result<FailText, CompileError> {
                    match (lit, path) {
                        (_, Some(p)) if crate::expr::intrinsic::looks_like_call(p) => Ok((
                            None,
                            Some(
                                Template::dynamic(p)
                                    .map_err(|TemplateError(m)| err(state, field, m))?,
                            ),
                        )),
                        (_, Some(p)) => Ok((Some(Dynamic::Path(reference(p, field)?)), None)),
                        (Some(l), None) => {
                            Ok((Some(Dynamic::Literal(Arc::from(l.as_str()))), None))
                        }
                        (None, None) => Ok((None, None)),
                    }
                };
                let (error, error_call) = dynamic_text(&f.error, &f.error_path, "ErrorPath")?;
                let (cause, cause_call) = dynamic_text(&f.cause, &f.cause_path, "CausePath")?;
                Kind::Fail {
                    error,
                    cause,
                    error_call,
                    cause_call,
                }
            }
            StateKind::Parallel(p) => {
                let mut branches = Vec::new();
                for b in &p.branches {
                    branches.push(self.scope(b)?);
                }
                Kind::Parallel { branches }
            }
            StateKind::Map(m) => {
                let Some(scope) = &m.processor else {
                    return Err(err(
                        state,
                        "ItemProcessor",
                        "a Map state needs an ItemProcessor",
                    ));
                };
                let processor = self.scope(scope)?;
                let item_selector = match (&m.item_selector, &state.parameters) {
                    (Some(s), _) | (None, Some(s)) => Some(
                        Template::compile(s)
                            .map_err(|TemplateError(msg)| err(state, "ItemSelector", msg))?,
                    ),
                    (None, None) => None,
                };
                Kind::Map {
                    processor,
                    items_path: m
                        .items_path
                        .as_deref()
                        .map(|p| reference(p, "ItemsPath"))
                        .transpose()?,
                    item_selector,
                    max_concurrency: dynamic_u64(
                        &m.max_concurrency,
                        &m.max_concurrency_path,
                        "MaxConcurrency",
                    )?,
                    distributed: m.mode == ProcessorMode::Distributed,
                    tolerated_count: dynamic_u64(
                        &m.tolerated_failure_count,
                        &m.tolerated_failure_count_path,
                        "ToleratedFailureCount",
                    )?,
                    tolerated_percentage: m
                        .tolerated_failure_percentage
                        .as_ref()
                        .and_then(MaybeExpr::literal),
                    item_reader: m
                        .item_reader
                        .as_ref()
                        .map(|r| compile_reader(r, state).map(Box::new))
                        .transpose()?,
                    item_batcher: m
                        .item_batcher
                        .as_ref()
                        .map(|b| compile_batcher(b, state).map(Box::new))
                        .transpose()?,
                    result_writer: m
                        .result_writer
                        .as_ref()
                        .map(|w| compile_writer(w, state).map(Box::new))
                        .transpose()?,
                    label: Arc::from(m.label.as_deref().unwrap_or(state.name.as_str())),
                    express: m.execution_type == Some(ExecutionType::Express),
                }
            }
            StateKind::Unknown => return Err(err(state, "Type", "the state has no valid Type")),
        })
    }
}

/// A field value that JSONata states evaluate (`{% %}` inside) and JSONPath states take as written.
fn config_template(
    value: &serde_json::Value,
    state: &State,
    field: &str,
) -> Result<JTemplate, CompileError> {
    if state.language == QueryLanguage::Jsonata {
        JTemplate::compile(value, field).map_err(|m| err(state, field, m))
    } else {
        Ok(JTemplate::Literal(Val::from(value)))
    }
}

/// `Parameters` (JSONPath) or `Arguments` (JSONata) of an ItemReader or ResultWriter.
fn payload(
    parameters: Option<&serde_json::Value>,
    arguments: Option<&serde_json::Value>,
    state: &State,
    field: &str,
) -> Result<Option<Payload>, CompileError> {
    if state.language == QueryLanguage::Jsonata {
        arguments
            .map(|a| {
                JTemplate::compile(a, &format!("{field}/Arguments"))
                    .map(Payload::Jsonata)
                    .map_err(|m| err(state, field, m))
            })
            .transpose()
    } else {
        parameters
            .map(|p| {
                Template::compile(p)
                    .map(Payload::Path)
                    .map_err(|TemplateError(m)| err(state, field, m))
            })
            .transpose()
    }
}

fn compile_reader(
    r: &crate::model::map::ItemReader,
    state: &State,
) -> Result<Reader, CompileError> {
    let config = r
        .reader_config
        .as_ref()
        .map(|c| config_template(c, state, "ItemReader/ReaderConfig"))
        .transpose()?;
    let max_items_path = match r.reader_config.as_ref().and_then(|c| c.get("MaxItemsPath")) {
        Some(serde_json::Value::String(p)) if state.language == QueryLanguage::JsonPath => {
            Some(Path::parse(p).map_err(|e| err(state, "ItemReader", e.to_string()))?)
        }
        _ => None,
    };
    Ok(Reader {
        resource: Arc::from(r.resource.as_deref().unwrap_or("(no Resource)")),
        config,
        max_items_path,
        payload: payload(
            r.parameters.as_ref(),
            r.arguments.as_ref(),
            state,
            "ItemReader",
        )?,
    })
}

fn compile_batcher(b: &serde_json::Value, state: &State) -> Result<Batcher, CompileError> {
    if state.language == QueryLanguage::Jsonata {
        return Ok(Batcher {
            max_items: None,
            max_bytes: None,
            batch_input: None,
            jsonata: Some(config_template(b, state, "ItemBatcher")?),
        });
    }
    let number = |field: &str| -> Result<Option<Dynamic<u64>>, CompileError> {
        if let Some(serde_json::Value::String(p)) = b.get(format!("{field}Path")) {
            return Path::parse(p)
                .map(|p| Some(Dynamic::Path(p)))
                .map_err(|e| err(state, "ItemBatcher", e.to_string()));
        }
        Ok(b.get(field)
            .and_then(serde_json::Value::as_u64)
            .map(Dynamic::Literal))
    };
    Ok(Batcher {
        max_items: number("MaxItemsPerBatch")?,
        max_bytes: number("MaxInputBytesPerBatch")?,
        batch_input: b
            .get("BatchInput")
            .map(Template::compile)
            .transpose()
            .map_err(|TemplateError(m)| err(state, "ItemBatcher", m))?,
        jsonata: None,
    })
}

fn compile_writer(
    w: &crate::model::map::ResultWriter,
    state: &State,
) -> Result<Writer, CompileError> {
    Ok(Writer {
        resource: w.resource.as_deref().map(Arc::from),
        payload: payload(
            w.parameters.as_ref(),
            w.arguments.as_ref(),
            state,
            "ResultWriter",
        )?,
        config: w
            .writer_config
            .as_ref()
            .map(|c| config_template(c, state, "ResultWriter/WriterConfig"))
            .transpose()?,
    })
}

/// Compiles the JSONata fields of a JSONata state.
fn jsonata_fields(state: &State) -> Result<JState, CompileError> {
    let t =
        |v: Option<&serde_json::Value>, field: &str| -> Result<Option<JTemplate>, CompileError> {
            v.map(|v| JTemplate::compile(v, field))
                .transpose()
                .map_err(|m| err(state, field, m))
        };
    let num = |v: &Option<MaybeExpr<u64>>,
               field: &str|
     -> Result<Option<JTemplate>, CompileError> {
        match v {
            None => Ok(None),
            Some(MaybeExpr::Literal(n)) => Ok(Some(JTemplate::Literal(Val::Number((*n).into())))),
            Some(MaybeExpr::Expr(s)) => t(Some(&serde_json::Value::String(s.clone())), field),
        }
    };
    let text = |v: &Option<String>, field: &str| {
        t(
            v.as_ref()
                .map(|s| serde_json::Value::String(s.clone()))
                .as_ref(),
            field,
        )
    };
    let mut j = JState {
        arguments: t(state.arguments.as_ref(), "Arguments")?,
        output: t(state.output.as_ref(), "Output")?,
        assign: t(state.assign.as_ref(), "Assign")?,
        ..JState::default()
    };
    for (i, c) in state.catch.iter().enumerate() {
        j.catch.push((
            t(c.output.as_ref(), &format!("Catch[{i}]/Output"))?,
            t(c.assign.as_ref(), &format!("Catch[{i}]/Assign"))?,
        ));
    }
    match &state.kind {
        StateKind::Task(task) => {
            j.timeout = num(&task.timeout_seconds, "TimeoutSeconds")?;
            j.heartbeat = num(&task.heartbeat_seconds, "HeartbeatSeconds")?;
        }
        StateKind::Wait(w) => {
            j.seconds = num(&w.seconds, "Seconds")?;
            j.timestamp = text(&w.timestamp, "Timestamp")?;
        }
        StateKind::Fail(f) => {
            j.error = text(&f.error, "Error")?;
            j.cause = text(&f.cause, "Cause")?;
        }
        StateKind::Map(m) => {
            j.items = t(m.items.as_ref(), "Items")?;
            j.item_selector = t(m.item_selector.as_ref(), "ItemSelector")?;
            j.max_concurrency = num(&m.max_concurrency, "MaxConcurrency")?;
            j.tolerated_count = num(&m.tolerated_failure_count, "ToleratedFailureCount")?;
            j.tolerated_percentage = match &m.tolerated_failure_percentage {
                None => None,
                Some(MaybeExpr::Literal(p)) => Some(JTemplate::Literal(Val::float(*p))),
                Some(MaybeExpr::Expr(s)) => t(
                    Some(&serde_json::Value::String(s.clone())),
                    "ToleratedFailurePercentage",
                )?,
            };
        }
        StateKind::Choice(c) => {
            for (i, rule) in c.choices.iter().enumerate() {
                let condition = match &rule.condition {
                    Condition::Jsonata(v) => {
                        JTemplate::compile(v, "Condition").map_err(|m| err(state, "Choices", m))?
                    }
                    _ => {
                        return Err(err(
                            state,
                            "Choices",
                            format!("rule {i} of a JSONata Choice needs a Condition"),
                        ));
                    }
                };
                j.rules.push((
                    condition,
                    t(rule.output.as_ref(), "Output")?,
                    t(rule.assign.as_ref(), "Assign")?,
                ));
            }
        }
        _ => {}
    }
    Ok(j)
}

fn uses_context(s: &CState) -> bool {
    use crate::expr::path::Root;
    let path_ctx = |p: &Option<Option<Path>>| matches!(p, Some(Some(p)) if p.root == Root::Context);
    let t = |t: &Option<Template>| t.as_ref().is_some_and(Template::uses_context);
    let kind = match &s.kind {
        Kind::Map {
            item_selector,
            items_path,
            item_reader,
            item_batcher,
            result_writer,
            ..
        } => {
            let payload_ctx =
                |p: &Option<Payload>| matches!(p, Some(Payload::Path(t)) if t.uses_context());
            t(item_selector)
                || items_path.as_ref().is_some_and(|p| p.root == Root::Context)
                || item_reader
                    .as_ref()
                    .is_some_and(|r| payload_ctx(&r.payload))
                || item_batcher
                    .as_ref()
                    .is_some_and(|b| b.batch_input.as_ref().is_some_and(Template::uses_context))
                || result_writer
                    .as_ref()
                    .is_some_and(|w| payload_ctx(&w.payload))
        }
        Kind::Choice { branches, .. } => branches.iter().any(|b| rule_ctx(&b.rule) || t(&b.assign)),
        Kind::Fail {
            error_call,
            cause_call,
            ..
        } => t(error_call) || t(cause_call),
        _ => false,
    };
    kind || path_ctx(&s.input_path)
        || path_ctx(&s.output_path)
        || t(&s.parameters)
        || t(&s.result_selector)
        || t(&s.assign)
        || s.catch.iter().any(|c| t(&c.assign))
}

fn rule_ctx(rule: &Rule) -> bool {
    use crate::expr::path::Root;
    match rule {
        Rule::Compare {
            variable, operand, ..
        } => {
            variable.root == Root::Context
                || matches!(operand, RuleOperand::Path(p) if p.root == Root::Context)
        }
        Rule::And(rs) | Rule::Or(rs) => rs.iter().any(rule_ctx),
        Rule::Not(r) => rule_ctx(r),
    }
}

fn compile_rule(rule: &ChoiceRule, state: &State) -> Result<Rule, CompileError> {
    Ok(match &rule.condition {
        Condition::Compare {
            variable,
            operator,
            operand,
        } => {
            let variable =
                Path::parse(variable).map_err(|e| err(state, "Choices", e.to_string()))?;
            let operand = match (operator.operand(), operand) {
                (Operand::Path, serde_json::Value::String(p)) => RuleOperand::Path(
                    Path::parse(p).map_err(|e| err(state, "Choices", e.to_string()))?,
                ),
                (_, v) => RuleOperand::Value(Val::from(v)),
            };
            Rule::Compare {
                variable,
                operator: *operator,
                operand,
            }
        }
        Condition::And(rules) => Rule::And(
            rules
                .iter()
                .map(|r| compile_rule(r, state))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Or(rules) => Rule::Or(
            rules
                .iter()
                .map(|r| compile_rule(r, state))
                .collect::<Result<_, _>>()?,
        ),
        Condition::Not(inner) => Rule::Not(Box::new(compile_rule(inner, state)?)),
        Condition::Jsonata(_) => {
            return Err(err(
                state,
                "Choices",
                "JSONata conditions cannot run yet in this version of the interpreter",
            ));
        }
        Condition::Invalid => return Err(err(state, "Choices", "the Choice rule is malformed")),
    })
}

/// Which events a resource produces and how they name it: `arn:aws:lambda:...:function:f` is a
/// direct Lambda (`LambdaFunction*` events); `arn:aws:states:::sqs:sendMessage.waitForTaskToken`
/// is the service `sqs` and the action `sendMessage.waitForTaskToken`.
pub fn classify_resource(resource: &str) -> (TaskFamily, Resource) {
    let parts: Vec<&str> = resource.splitn(7, ':').collect();
    let make = |ty: &str, res: &str| Resource {
        resource_type: Arc::from(ty),
        resource: Arc::from(res),
    };
    if parts.len() >= 6 && parts[2] == "lambda" && parts[5] == "function" {
        return (TaskFamily::Lambda, make("lambda", resource));
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[5] == "activity" {
        return (TaskFamily::Activity, make("activity", resource));
    }
    if parts.len() >= 6 && parts[2] == "states" && parts[3].is_empty() {
        // arn:aws:states:::service:action or arn:aws:states:::aws-sdk:service:action
        let rest = parts[5..].join(":");
        if let Some(sdk) = rest.strip_prefix("aws-sdk:")
            && let Some((service, action)) = sdk.split_once(':')
        {
            return (
                TaskFamily::Service,
                make(&format!("aws-sdk:{service}"), action),
            );
        }
        if let Some((service, action)) = rest.split_once(':') {
            return (TaskFamily::Service, make(service, action));
        }
        return (TaskFamily::Service, make(&rest, ""));
    }
    (TaskFamily::Service, make("unknown", resource))
}
