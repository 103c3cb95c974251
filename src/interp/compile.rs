//! Compiling the typed model into the form the interpreter runs: states by index, transitions
//! resolved, every path, template, intrinsic and JSONata expression parsed once. The query
//! language is settled here: each state carries its [`Processing`] (JSONPath or JSONata) and
//! every field it evaluates at run time as a [`Dynamic`] of the form its language gives it.

use super::dataset::{Batcher, Payload, Reader};
use super::jsonata::JTemplate;
use super::results::Writer;
use super::template::{Template, TemplateError};
use crate::expr::path::Path;
use crate::history::{Resource, TaskFamily};
use crate::model::choice::Operand;
use crate::model::map::{ExecutionType, ProcessorMode};
use crate::model::task::IntegrationPattern;
use crate::model::{
    AnyErrorName, ChoiceRule, Condition, MaybeExpr, NullablePath, Operator, QueryLanguage, Scope,
    State, StateKind, StateMachine, StateType, Transition,
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

/// A field a state evaluates at run time, in the form its query language gives it.
#[derive(Debug, Clone)]
pub enum Dynamic<T> {
    /// Given in the definition.
    Literal(T),
    /// Read from the state input through a reference path (JSONPath `...Path` fields).
    Path(Path),
    /// Computed by an intrinsic function call (JSONPath `ErrorPath`/`CausePath`).
    Call(Template),
    /// A `{% %}` expression (JSONata).
    Jsonata(JTemplate),
}

/// How a state shapes its data: the query language's fields, compiled.
#[derive(Debug, Clone)]
pub enum Processing {
    /// InputPath, Parameters, ResultSelector, ResultPath, OutputPath and Assign.
    JsonPath(PathFields),
    /// Arguments, Output and Assign over `$states`.
    Jsonata(JsonataFields),
}

/// The data-flow fields of a JSONPath state.
#[derive(Debug, Clone, Default)]
pub struct PathFields {
    /// `InputPath`: absent keeps the input, `null` gives `{}`.
    pub input_path: Option<Option<Path>>,
    /// `Parameters` (a Map's legacy `Parameters` is its ItemSelector instead).
    pub parameters: Option<Template>,
    /// `ResultSelector`.
    pub result_selector: Option<Template>,
    /// `ResultPath`: absent replaces the input with the result, `null` discards the result.
    pub result_path: Option<Option<Path>>,
    /// `OutputPath`: absent keeps the value, `null` gives `{}`.
    pub output_path: Option<Option<Path>>,
    /// `Assign`.
    pub assign: Option<Template>,
    /// Per Choice rule, its `Assign`.
    pub rules: Vec<Option<Template>>,
    /// Per Catch rule, its `ResultPath` and `Assign`.
    pub catch: Vec<PathCatch>,
}

/// A JSONPath Catch rule's data flow.
#[derive(Debug, Clone, Default)]
pub struct PathCatch {
    /// `ResultPath` of the error output over the state input.
    pub result_path: Option<Option<Path>>,
    /// `Assign`, reading the error output.
    pub assign: Option<Template>,
}

/// The data-flow fields of a JSONata state.
#[derive(Debug, Clone, Default)]
pub struct JsonataFields {
    /// `Arguments` (Task, Parallel).
    pub arguments: Option<JTemplate>,
    /// `Output` and `Assign` of the state.
    pub shape: Shape,
    /// Per Choice rule, its `Output` and `Assign`.
    pub rules: Vec<Shape>,
    /// Per Catch rule, its `Output` and `Assign` (reading `$states.errorOutput`).
    pub catch: Vec<Shape>,
}

/// JSONata `Output` and `Assign`.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// `Output`.
    pub output: Option<JTemplate>,
    /// `Assign`.
    pub assign: Option<JTemplate>,
}

/// A compiled Retry rule.
#[derive(Debug, Clone)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub errors: Vec<AnyErrorName>,
    /// `IntervalSeconds` (1 by default).
    pub interval_seconds: f64,
    /// `MaxAttempts` (3 by default).
    pub max_attempts: u32,
    /// `BackoffRate` (2 by default).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds`.
    pub max_delay_seconds: Option<f64>,
    /// `JitterStrategy: FULL`.
    pub jitter_full: bool,
}

/// A compiled Catch rule (its data flow is in the state's [`Processing`]).
#[derive(Debug, Clone)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub errors: Vec<AnyErrorName>,
    /// `Next`.
    pub next: StateId,
}

/// A compiled JSONPath Choice condition.
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

/// What a Choice rule tests.
#[derive(Debug, Clone)]
pub enum Test {
    /// A JSONPath comparison (with And, Or, Not).
    Rule(Rule),
    /// A JSONata `Condition`, which must give a boolean.
    Condition(JTemplate),
}

/// A compiled top-level Choice rule (its Output/Assign are in the state's [`Processing`]).
#[derive(Debug, Clone)]
pub struct ChoiceBranch {
    /// What it tests.
    pub test: Test,
    /// `Next`.
    pub next: StateId,
}

/// The type-specific part of a compiled state.
#[derive(Debug, Clone)]
pub enum Kind {
    Pass {
        /// `Result` (JSONPath).
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
    },
    Parallel {
        branches: Vec<ScopeId>,
    },
    Map(Box<MapState>),
}

/// A compiled Map state.
#[derive(Debug, Clone)]
pub struct MapState {
    /// The ItemProcessor's scope.
    pub processor: ScopeId,
    /// Where the items are: `ItemsPath` over the effective input (JSONPath) or `Items`
    /// (JSONata); `None`: the effective input itself.
    pub items: Option<Dynamic<Val>>,
    /// `ItemSelector` (or the legacy `Parameters`), with `$$.Map.Item` in its context.
    pub item_selector: Option<Payload>,
    /// `MaxConcurrency` or its Path (0 or absent: no limit).
    pub max_concurrency: Option<Dynamic<u64>>,
    /// Whether the processor is DISTRIBUTED.
    pub distributed: bool,
    /// `ToleratedFailureCount` or its Path.
    pub tolerated_count: Option<Dynamic<u64>>,
    /// `ToleratedFailurePercentage` or its Path.
    pub tolerated_percentage: Option<Dynamic<f64>>,
    /// Where the items come from, instead of the input (distributed).
    pub item_reader: Option<Box<Reader>>,
    /// How items are grouped into child inputs (distributed).
    pub item_batcher: Option<Box<Batcher>>,
    /// Where the results go (distributed).
    pub result_writer: Option<Box<Writer>>,
    /// The Map Run's label: `Label`, or the state's name.
    pub label: Arc<str>,
    /// Whether the child executions are Express (distributed).
    pub express: bool,
}

/// How long a Wait state waits.
#[derive(Debug, Clone)]
pub enum WaitFor {
    /// `Seconds`, `SecondsPath` or a JSONata `Seconds`.
    Seconds(Dynamic<u64>),
    /// `Timestamp`, `TimestampPath` or a JSONata `Timestamp`.
    Timestamp(Dynamic<Arc<str>>),
}

/// A compiled state.
#[derive(Debug, Clone)]
pub struct CState {
    /// Its name.
    pub name: Arc<str>,
    /// Its type (named in its history events).
    pub ty: StateType,
    /// `Next` or `End` (`None` for Choice and Fail, which choose or end otherwise).
    pub next: Option<Next>,
    /// Its data flow, in its query language.
    pub io: Processing,
    /// `Retry`.
    pub retry: Vec<Retrier>,
    /// `Catch`.
    pub catch: Vec<Catcher>,
    /// What its type does.
    pub kind: Kind,
    /// Whether any JSONPath field reads the Context object (built only then).
    pub uses_context: bool,
}

impl CState {
    /// Whether it is a JSONata state.
    pub fn is_jsonata(&self) -> bool {
        matches!(self.io, Processing::Jsonata(_))
    }
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

/// Compiles the fields of one state, knowing its query language.
struct Fields<'a> {
    state: &'a State,
    jsonata: bool,
}

impl Fields<'_> {
    fn template(
        &self,
        v: Option<&serde_json::Value>,
        field: &str,
    ) -> Result<Option<Template>, CompileError> {
        v.map(Template::compile)
            .transpose()
            .map_err(|TemplateError(m)| err(self.state, field, m))
    }

    fn jsonata(
        &self,
        v: Option<&serde_json::Value>,
        field: &str,
    ) -> Result<Option<JTemplate>, CompileError> {
        v.map(|v| JTemplate::compile(v, field))
            .transpose()
            .map_err(|m| err(self.state, field, m))
    }

    fn path(
        &self,
        p: &Option<NullablePath>,
        field: &str,
    ) -> Result<Option<Option<Path>>, CompileError> {
        match p {
            None => Ok(None),
            Some(NullablePath::Null) => Ok(Some(None)),
            Some(NullablePath::Path(text)) => Path::parse(text)
                .map(|p| Some(Some(p)))
                .map_err(|e| err(self.state, field, e.to_string())),
        }
    }

    fn reference(&self, text: &str, field: &str) -> Result<Path, CompileError> {
        Path::parse(text).map_err(|e| err(self.state, field, e.to_string()))
    }

    /// A whole number: the literal or `{% %}` field, or its `...Path` twin.
    fn number(
        &self,
        literal: &Option<MaybeExpr<u64>>,
        path: &Option<String>,
        field: &str,
    ) -> Result<Option<Dynamic<u64>>, CompileError> {
        if let Some(p) = path {
            return Ok(Some(Dynamic::Path(
                self.reference(p, &format!("{field}Path"))?,
            )));
        }
        match literal {
            None => Ok(None),
            Some(MaybeExpr::Literal(v)) => Ok(Some(Dynamic::Literal(*v))),
            Some(MaybeExpr::Expr(e)) if self.jsonata => self.expression(e, field).map(Some),
            Some(MaybeExpr::Expr(e)) => {
                Err(err(self.state, field, format!("\"{e}\" is not a number")))
            }
        }
    }

    /// A `{% %}` text as a JSONata field.
    fn expression<T>(&self, text: &str, field: &str) -> Result<Dynamic<T>, CompileError> {
        JTemplate::compile(&serde_json::Value::String(text.to_owned()), field)
            .map(Dynamic::Jsonata)
            .map_err(|m| err(self.state, field, m))
    }

    /// A text field: literal (evaluated as JSONata in a JSONata state), a reference path or
    /// an intrinsic call (the `...Path` twin).
    fn text(
        &self,
        literal: &Option<String>,
        path: &Option<String>,
        field: &str,
    ) -> Result<Option<Dynamic<Arc<str>>>, CompileError> {
        let path_field = format!("{field}Path");
        match (literal, path) {
            (_, Some(p)) if crate::expr::intrinsic::looks_like_call(p) => Ok(Some(Dynamic::Call(
                Template::dynamic(p).map_err(|TemplateError(m)| err(self.state, &path_field, m))?,
            ))),
            (_, Some(p)) => Ok(Some(Dynamic::Path(self.reference(p, &path_field)?))),
            (Some(l), None) if self.jsonata => match self.expression(l, field)? {
                Dynamic::Jsonata(JTemplate::Literal(_)) => {
                    Ok(Some(Dynamic::Literal(Arc::from(l.as_str()))))
                }
                e => Ok(Some(e)),
            },
            (Some(l), None) => Ok(Some(Dynamic::Literal(Arc::from(l.as_str())))),
            (None, None) => Ok(None),
        }
    }

    /// The state's data flow in its language.
    fn processing(&self) -> Result<Processing, CompileError> {
        let state = self.state;
        let rules = match &state.kind {
            StateKind::Choice(c) => c.choices.as_slice(),
            _ => &[],
        };
        if self.jsonata {
            let shape = |output: Option<&serde_json::Value>,
                         assign: Option<&serde_json::Value>,
                         at: &str|
             -> Result<Shape, CompileError> {
                Ok(Shape {
                    output: self.jsonata(output, &format!("{at}Output"))?,
                    assign: self.jsonata(assign, &format!("{at}Assign"))?,
                })
            };
            return Ok(Processing::Jsonata(JsonataFields {
                arguments: self.jsonata(state.arguments.as_ref(), "Arguments")?,
                shape: shape(state.output.as_ref(), state.assign.as_ref(), "")?,
                rules: rules
                    .iter()
                    .map(|r| shape(r.output.as_ref(), r.assign.as_ref(), ""))
                    .collect::<Result<_, _>>()?,
                catch: state
                    .catch
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        shape(
                            c.output.as_ref(),
                            c.assign.as_ref(),
                            &format!("Catch[{i}]/"),
                        )
                    })
                    .collect::<Result<_, _>>()?,
            }));
        }
        // A Map's legacy `Parameters` shapes each item: it is the Map's ItemSelector.
        let parameters = match state.kind {
            StateKind::Map(_) => None,
            _ => self.template(state.parameters.as_ref(), "Parameters")?,
        };
        Ok(Processing::JsonPath(PathFields {
            input_path: self.path(&state.input_path, "InputPath")?,
            parameters,
            result_selector: self.template(state.result_selector.as_ref(), "ResultSelector")?,
            result_path: self.path(&state.result_path, "ResultPath")?,
            output_path: self.path(&state.output_path, "OutputPath")?,
            assign: self.template(state.assign.as_ref(), "Assign")?,
            rules: rules
                .iter()
                .map(|r| self.template(r.assign.as_ref(), "Choices"))
                .collect::<Result<_, _>>()?,
            catch: state
                .catch
                .iter()
                .map(|c| {
                    Ok(PathCatch {
                        result_path: self.path(&c.result_path, "Catch")?,
                        assign: self.template(c.assign.as_ref(), "Catch")?,
                    })
                })
                .collect::<Result<_, CompileError>>()?,
        }))
    }
}

impl Program {
    /// Compiles a state machine (JSONPath and JSONata states alike).
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
            let Some(ty) = state.state_type() else {
                return Err(err(state, "Type", "the state has no valid Type"));
            };
            let fields = Fields {
                state,
                jsonata: state.language == QueryLanguage::Jsonata,
            };
            let next = match &state.transition {
                Some(Transition::Next(n)) => Some(Next::To(lookup(n.as_str(), state, "Next")?)),
                Some(Transition::End) => Some(Next::End),
                None => None,
            };
            let names = |errors: &[String]| errors.iter().map(|e| AnyErrorName::parse(e)).collect();
            let retry = state
                .retry
                .iter()
                .map(|r| Retrier {
                    errors: names(&r.error_equals),
                    interval_seconds: r.interval_seconds.map_or(1.0, |v| v as f64),
                    max_attempts: r
                        .max_attempts
                        .map_or(3, |v| u32::try_from(v).unwrap_or(u32::MAX)),
                    backoff_rate: r.backoff_rate.unwrap_or(2.0),
                    max_delay_seconds: r.max_delay_seconds.map(|v| v as f64),
                    jitter_full: r.jitter_strategy == Some(crate::model::JitterStrategy::Full),
                })
                .collect();
            let mut catch = Vec::new();
            for c in &state.catch {
                let target = c
                    .next
                    .as_ref()
                    .map(crate::model::StateName::as_str)
                    .unwrap_or_default();
                catch.push(Catcher {
                    errors: names(&c.error_equals),
                    next: lookup(target, state, "Catch")?,
                });
            }
            let kind = self.kind(&fields, &lookup)?;
            let mut compiled = CState {
                name: Arc::from(state.name.as_str()),
                ty,
                next,
                io: fields.processing()?,
                retry,
                catch,
                kind,
                uses_context: false,
            };
            compiled.uses_context = uses_context(&compiled);
            states.push(compiled);
        }
        self.scopes[id] = CScope { start, states };
        Ok(id)
    }

    fn kind(
        &mut self,
        f: &Fields<'_>,
        lookup: &dyn Fn(&str, &State, &str) -> Result<StateId, CompileError>,
    ) -> Result<Kind, CompileError> {
        let state = f.state;
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
                    timeout: f.number(
                        &t.timeout_seconds,
                        &t.timeout_seconds_path,
                        "TimeoutSeconds",
                    )?,
                    heartbeat: f.number(
                        &t.heartbeat_seconds,
                        &t.heartbeat_seconds_path,
                        "HeartbeatSeconds",
                    )?,
                }
            }
            StateKind::Choice(c) => {
                let mut branches = Vec::new();
                for (i, rule) in c.choices.iter().enumerate() {
                    let next = rule
                        .next
                        .as_ref()
                        .map(crate::model::StateName::as_str)
                        .unwrap_or_default();
                    let test = match (&rule.condition, f.jsonata) {
                        (Condition::Jsonata(v), true) => Test::Condition(
                            JTemplate::compile(v, "Condition")
                                .map_err(|m| err(state, "Choices", m))?,
                        ),
                        (_, true) => {
                            return Err(err(
                                state,
                                "Choices",
                                format!("rule {i} of a JSONata Choice needs a Condition"),
                            ));
                        }
                        (_, false) => Test::Rule(compile_rule(rule, state)?),
                    };
                    branches.push(ChoiceBranch {
                        test,
                        next: lookup(next, state, "Choices")?,
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
                WaitFor::Seconds(Dynamic::Path(f.reference(p, "SecondsPath")?))
            } else if let Some(p) = &w.timestamp_path {
                WaitFor::Timestamp(Dynamic::Path(f.reference(p, "TimestampPath")?))
            } else if let Some(ts) = &w.timestamp {
                WaitFor::Timestamp(
                    f.text(&Some(ts.clone()), &None, "Timestamp")?
                        .unwrap_or_else(|| Dynamic::Literal(Arc::from(ts.as_str()))),
                )
            } else {
                match f.number(&w.seconds, &None, "Seconds")? {
                    Some(seconds) => WaitFor::Seconds(seconds),
                    None => {
                        return Err(err(
                            state,
                            "Seconds",
                            "a Wait state needs Seconds, Timestamp, SecondsPath or TimestampPath",
                        ));
                    }
                }
            }),
            StateKind::Succeed => Kind::Succeed,
            StateKind::Fail(fail) => Kind::Fail {
                error: f.text(&fail.error, &fail.error_path, "Error")?,
                cause: f.text(&fail.cause, &fail.cause_path, "Cause")?,
            },
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
                let selector = m.item_selector.as_ref().or(state.parameters.as_ref());
                let item_selector = if f.jsonata {
                    f.jsonata(m.item_selector.as_ref(), "ItemSelector")?
                        .map(Payload::Jsonata)
                } else {
                    f.template(selector, "ItemSelector")?.map(Payload::Path)
                };
                let items = if f.jsonata {
                    f.jsonata(m.items.as_ref(), "Items")?.map(Dynamic::Jsonata)
                } else {
                    m.items_path
                        .as_deref()
                        .map(|p| f.reference(p, "ItemsPath").map(Dynamic::Path))
                        .transpose()?
                };
                let tolerated_percentage = match (
                    &m.tolerated_failure_percentage_path,
                    &m.tolerated_failure_percentage,
                ) {
                    (Some(p), _) => Some(Dynamic::Path(
                        f.reference(p, "ToleratedFailurePercentagePath")?,
                    )),
                    (None, Some(MaybeExpr::Literal(p))) => Some(Dynamic::Literal(*p)),
                    (None, Some(MaybeExpr::Expr(e))) if f.jsonata => {
                        Some(f.expression(e, "ToleratedFailurePercentage")?)
                    }
                    (None, _) => None,
                };
                Kind::Map(Box::new(MapState {
                    processor,
                    items,
                    item_selector,
                    max_concurrency: f.number(
                        &m.max_concurrency,
                        &m.max_concurrency_path,
                        "MaxConcurrency",
                    )?,
                    distributed: m.mode == ProcessorMode::Distributed,
                    tolerated_count: f.number(
                        &m.tolerated_failure_count,
                        &m.tolerated_failure_count_path,
                        "ToleratedFailureCount",
                    )?,
                    tolerated_percentage,
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
                }))
            }
            StateKind::Unknown => return Err(err(state, "Type", "the state has no valid Type")),
        })
    }
}

fn uses_context(s: &CState) -> bool {
    use crate::expr::path::Root;
    let Processing::JsonPath(io) = &s.io else {
        // JSONata builds `$states.context` for the expressions that read it.
        return false;
    };
    let path_ctx = |p: &Option<Option<Path>>| matches!(p, Some(Some(p)) if p.root == Root::Context);
    let t = |t: &Option<Template>| t.as_ref().is_some_and(Template::uses_context);
    let dynamic = |d: &Option<Dynamic<Arc<str>>>| {
        matches!(d, Some(Dynamic::Call(t)) if t.uses_context())
            || matches!(d, Some(Dynamic::Path(p)) if p.root == Root::Context)
    };
    let payload_ctx = |p: &Option<Payload>| matches!(p, Some(Payload::Path(t)) if t.uses_context());
    let kind = match &s.kind {
        Kind::Map(m) => {
            payload_ctx(&m.item_selector)
                || matches!(&m.items, Some(Dynamic::Path(p)) if p.root == Root::Context)
                || m.item_reader
                    .as_ref()
                    .is_some_and(|r| payload_ctx(&r.payload))
                || m.item_batcher
                    .as_ref()
                    .is_some_and(|b| b.batch_input.as_ref().is_some_and(Template::uses_context))
                || m.result_writer
                    .as_ref()
                    .is_some_and(|w| payload_ctx(&w.payload))
        }
        Kind::Choice { branches, .. } => branches
            .iter()
            .any(|b| matches!(&b.test, Test::Rule(r) if rule_ctx(r))),
        Kind::Fail { error, cause } => dynamic(error) || dynamic(cause),
        _ => false,
    };
    kind || path_ctx(&io.input_path)
        || path_ctx(&io.output_path)
        || t(&io.parameters)
        || t(&io.result_selector)
        || t(&io.assign)
        || io.rules.iter().any(t)
        || io.catch.iter().any(|c| t(&c.assign))
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
                "a JSONPath Choice rule takes Variable and a comparison, not a JSONata Condition",
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
