//! Local backends: a run configuration that binds Task states to something real that answers
//! them (local Lambda functions, any program, HTTP requests), and the resolver that asks the
//! bound backend first and the run's other answers (mocks, a table, callbacks) for the rest.
//!
//! The configuration, written as a test file's `backends` key or as a file of its own
//! (`stepcraft run --backends FILE`), in YAML or JSON:
//!
//! ```yaml
//! backends:
//!   lambdas: template          # the template's functions run locally ({template: FILE} names one)
//!   functions:                 # or one by one, by function name or ARN
//!     validate-order: {handler: src/validate.py:handler, runtime: python3.12, timeout: 3}
//!   commands:                  # any program: input JSON on stdin, result JSON on stdout
//!     Charge Payment: [python3, scripts/charge.py]
//!   http: allow                # HTTP Task states make real requests
//!   aws: {endpoint: "http://127.0.0.1:5000", region: us-east-1}
//!   stateMachines: {child: child.asl.json}
//!   activities: {"arn:aws:states:us-east-1:123456789012:activity:review": [python3, worker.py]}
//! ```
//!
//! `commands` bind by state name, resource ARN, or a pattern of either where `*` stands for any
//! text; they come first, then the functions, then HTTP. `functions` (and the template's) answer Lambda tasks by the function they name: a bare
//! Lambda ARN resource, or `arn:aws:states:::lambda:invoke` with its `FunctionName`. A Task no
//! backend takes is answered as before. `stateMachines` binds state machines (by name or ARN) to
//! local definitions that `states:startExecution` tasks run as child executions
//! ([`super::nested`]); `activities` binds activity ARNs to worker commands (input on stdin,
//! answer on stdout, `heartbeat` lines, the state's TimeoutSeconds and HeartbeatSeconds:
//! [`super::command::Kind::Activity`]). `aws` sends AWS service integrations (optimized and
//! `aws-sdk:`) to AWS or to its endpoint, through a client the caller connects
//! ([`Backends::connect_aws`], see [`super::service`]); they come after the local functions, so
//! a local function answers `lambda:invoke` first.
//!
//! Paths are relative to the file that holds the configuration. Nothing runs without consent
//! ([`Consent`]): the caller says whether processes may start and requests may go out.

use super::command::{self, Command};
use super::http::{self, HttpAuth};
use super::lambda::{self, FunctionSpec, Pool, Runtime};
use super::nested::{self, Child, Machine};
use super::service::{self, AwsClient, AwsConfig, AwsConnector};
use super::{Cancel, Finished, OwnedRequest, TaskOutcome, TaskRequest, TaskResolver};
use crate::model::ErrorName;
use crate::testing::Reach;
use serde_json::Value;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::Poll;
use std::time::Duration;

/// The default time a local Lambda function may run, in seconds (Lambda's own default).
pub const DEFAULT_FUNCTION_TIMEOUT: f64 = 3.0;
/// The longest a command may be let run, in seconds (a day).
pub const MAX_COMMAND_TIMEOUT: f64 = 86_400.0;
/// How many invocation logs a run keeps (a long run keeps its latest).
pub const MAX_LOGS: usize = 10_000;
/// The default time a command may run, in seconds.
pub const DEFAULT_COMMAND_TIMEOUT: f64 = 60.0;

/// Where the functions of `lambdas` come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lambdas {
    /// `lambdas: template`: the template the caller finds (the test file's `template`, the
    /// command line's `--template`, or the one found beside the definition); `None` until then.
    Template(Option<PathBuf>),
}

/// A command bound to Task states.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandSpec {
    /// The state name, resource ARN or pattern it answers.
    pub key: String,
    /// The program and its arguments.
    pub argv: Vec<String>,
    /// How long it may run.
    pub timeout: f64,
    /// Its working folder (the configuration's folder).
    pub dir: PathBuf,
}

/// Credentials for HTTP Task states, by connection ARN (or pattern), from the configuration:
/// never from the definition.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpConfig {
    /// Whether HTTP Task states make real requests.
    pub allow: bool,
    /// Headers and query parameters to add, by the `Authentication.ConnectionArn` they stand for
    /// (`*` patterns allowed). Values written `env:NAME` are read from the environment.
    pub connections: Vec<(String, HttpAuth)>,
}

/// A run configuration's `backends`, read and checked.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BackendsConfig {
    /// `lambdas`.
    pub lambdas: Option<Lambdas>,
    /// `functions`, by the name (or ARN) written.
    pub functions: Vec<(String, FunctionSpec)>,
    /// `commands`, in the order written.
    pub commands: Vec<CommandSpec>,
    /// `http`.
    pub http: HttpConfig,
    /// `aws`: service integrations go to AWS, or to the endpoint it names.
    pub aws: Option<AwsConfig>,
    /// `stateMachines`: state machine names or ARNs and their definition files.
    pub state_machines: Vec<(String, PathBuf)>,
    /// `activities`: activity ARNs (or patterns) and their workers.
    pub activities: Vec<CommandSpec>,
}

/// A problem with a configuration: where (a JSON pointer into the file) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The JSON pointer of the value at fault.
    pub pointer: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

pub(super) fn err(pointer: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        pointer: pointer.to_owned(),
        message: message.into(),
    }
}

pub(super) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

const KEYS: &[&str] = &[
    "lambdas",
    "functions",
    "commands",
    "http",
    "aws",
    "stateMachines",
    "activities",
];

impl BackendsConfig {
    /// Whether nothing is bound.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Reads the value of a `backends` key found at `at` (a JSON pointer, for messages); paths
    /// in it resolve against `base` within `reach`.
    pub fn parse(value: &Value, at: &str, base: &Path, reach: &Reach) -> Result<Self, ConfigError> {
        let map = value.as_object().ok_or_else(|| {
            err(
                at,
                format!("\"backends\" is an object with any of: {}", KEYS.join(", ")),
            )
        })?;
        let mut out = Self::default();
        for (key, v) in map {
            let here = format!("{at}/{}", escape(key));
            match key.as_str() {
                "lambdas" => out.lambdas = Some(parse_lambdas(v, &here, base, reach)?),
                "functions" => out.functions = parse_functions(v, &here, base, reach)?,
                "commands" => out.commands = parse_commands(v, &here, base, reach)?,
                "http" => out.http = parse_http(v, &here)?,
                "aws" => out.aws = Some(AwsConfig::parse(v, &here)?),
                "stateMachines" => {
                    let m = v.as_object().ok_or_else(|| {
                        err(
                            &here,
                            "\"stateMachines\" maps state machine names or ARNs to definition files",
                        )
                    })?;
                    for (k, x) in m {
                        let there = format!("{here}/{}", escape(k));
                        let rel = x.as_str().ok_or_else(|| {
                            err(&there, "a state machine is the path of its definition file")
                        })?;
                        let path = reach
                            .path(base, rel, "stateMachines")
                            .map_err(|m| err(&there, m))?;
                        out.state_machines.push((k.clone(), path));
                    }
                }
                "activities" => {
                    let m = v.as_object().ok_or_else(|| {
                        err(
                            &here,
                            "\"activities\" maps activity ARNs to worker commands ([program, args...])",
                        )
                    })?;
                    for (k, x) in m {
                        let there = format!("{here}/{}", escape(k));
                        let list = argv(x, &there)?;
                        if let Some(program) = list.first().filter(|p| p.contains('/')) {
                            reach
                                .path(base, program, "activities")
                                .map_err(|m| err(&there, m))?;
                        }
                        out.activities.push(CommandSpec {
                            key: k.clone(),
                            argv: list,
                            timeout: MAX_COMMAND_TIMEOUT,
                            dir: base.to_path_buf(),
                        });
                    }
                }
                other => {
                    return Err(err(
                        &here,
                        format!(
                            "unknown key \"{other}\" in \"backends\"; it takes: {}",
                            KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// This configuration over `lower`: entries named here win, the rest of `lower` stays.
    #[must_use]
    pub fn over(&self, lower: &Self) -> Self {
        let mut out = self.clone();
        if out.lambdas.is_none() {
            out.lambdas.clone_from(&lower.lambdas);
        }
        for (name, f) in &lower.functions {
            if !out.functions.iter().any(|(n, _)| n == name) {
                out.functions.push((name.clone(), f.clone()));
            }
        }
        for c in &lower.commands {
            if !out.commands.iter().any(|x| x.key == c.key) {
                out.commands.push(c.clone());
            }
        }
        out.http.allow |= lower.http.allow;
        for (arn, auth) in &lower.http.connections {
            if !out.http.connections.iter().any(|(a, _)| a == arn) {
                out.http.connections.push((arn.clone(), auth.clone()));
            }
        }
        if out.aws.is_none() {
            out.aws.clone_from(&lower.aws);
        }
        for (key, path) in &lower.state_machines {
            if !out.state_machines.iter().any(|(k, _)| k == key) {
                out.state_machines.push((key.clone(), path.clone()));
            }
        }
        for a in &lower.activities {
            if !out.activities.iter().any(|x| x.key == a.key) {
                out.activities.push(a.clone());
            }
        }
        out
    }

    /// What would run or be reached, one line each, for a message asking for consent.
    pub fn what_runs(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(Lambdas::Template(t)) = &self.lambdas {
            out.push(match t {
                Some(t) => format!("the functions of {} as local processes", t.display()),
                None => "the template's functions as local processes".to_owned(),
            });
        }
        for (name, f) in &self.functions {
            out.push(format!(
                "the function {name} ({} {}) as a local process",
                f.runtime.program(),
                f.code_dir.join(&f.module).display()
            ));
        }
        for c in &self.commands {
            out.push(format!("`{}` for '{}'", c.argv.join(" "), c.key));
        }
        for a in &self.activities {
            out.push(format!(
                "`{}` as the worker of '{}'",
                a.argv.join(" "),
                a.key
            ));
        }
        for (key, path) in &self.state_machines {
            out.push(format!(
                "{} as the state machine '{key}' (its Task states through these backends)",
                path.display()
            ));
        }
        if self.http.allow {
            out.push("real HTTP requests for HTTP Task states".to_owned());
        }
        if let Some(aws) = &self.aws {
            out.push(format!("AWS service calls to {}", aws.target()));
        }
        out
    }

    /// Whether it starts processes.
    pub fn runs_processes(&self) -> bool {
        self.lambdas.is_some()
            || !self.functions.is_empty()
            || !self.commands.is_empty()
            || !self.activities.is_empty()
    }
}

fn argv(v: &Value, at: &str) -> Result<Vec<String>, ConfigError> {
    let list = v
        .as_array()
        .and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .filter(|a| !a.is_empty())
        .ok_or_else(|| {
            err(
                at,
                "a command is a list of strings: [program, arguments...], such as [python3, worker.py]",
            )
        })?;
    Ok(list)
}

fn parse_lambdas(v: &Value, at: &str, base: &Path, reach: &Reach) -> Result<Lambdas, ConfigError> {
    match v {
        Value::String(s) if s == "template" => Ok(Lambdas::Template(None)),
        Value::Object(m) if m.len() == 1 && m.contains_key("template") => {
            let rel = m.get("template").and_then(Value::as_str).ok_or_else(|| {
                err(
                    &format!("{at}/template"),
                    "\"template\" is the path of a SAM or CloudFormation template",
                )
            })?;
            let path = reach
                .path(base, rel, "lambdas")
                .map_err(|m| err(&format!("{at}/template"), m))?;
            Ok(Lambdas::Template(Some(path)))
        }
        _ => Err(err(
            at,
            "\"lambdas\" is `template` (the template's functions run locally) or {template: FILE}",
        )),
    }
}

fn parse_functions(
    v: &Value,
    at: &str,
    base: &Path,
    reach: &Reach,
) -> Result<Vec<(String, FunctionSpec)>, ConfigError> {
    let map = v.as_object().ok_or_else(|| {
        err(
            at,
            "\"functions\" maps function names (or ARNs) to {handler: FILE:FUNCTION, runtime, timeout}",
        )
    })?;
    let mut out = Vec::new();
    for (name, spec) in map {
        let here = format!("{at}/{}", escape(name));
        let m = spec.as_object().ok_or_else(|| {
            err(
                &here,
                "a function is {handler: FILE:FUNCTION, runtime: python3.12 | nodejs20.x, timeout: SECONDS}",
            )
        })?;
        let mut handler = None;
        let mut runtime = None;
        let mut timeout = DEFAULT_FUNCTION_TIMEOUT;
        let mut environment = Vec::new();
        for (k, x) in m {
            let there = format!("{here}/{}", escape(k));
            match k.as_str() {
                "handler" => {
                    handler = Some(x.as_str().ok_or_else(|| {
                        err(
                            &there,
                            "\"handler\" is FILE:FUNCTION, such as src/app.py:handler",
                        )
                    })?);
                }
                "runtime" => {
                    let s = x
                        .as_str()
                        .ok_or_else(|| err(&there, "\"runtime\" is a string"))?;
                    runtime = Some(Runtime::parse(s).ok_or_else(|| {
                        err(
                            &there,
                            format!(
                                "the runtime '{s}' cannot run locally: use a python3.x or nodejsNN.x runtime"
                            ),
                        )
                    })?);
                }
                "timeout" => {
                    timeout = x
                        .as_f64()
                        .filter(|t| *t > 0.0 && *t <= 900.0)
                        .ok_or_else(|| {
                            err(
                                &there,
                                "\"timeout\" is a number of seconds, more than 0 and at most 900",
                            )
                        })?;
                }
                "environment" => {
                    let env = x.as_object().ok_or_else(|| {
                        err(&there, "\"environment\" maps variable names to strings")
                    })?;
                    for (name, value) in env {
                        let text = match value {
                            Value::String(s) => s.clone(),
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            _ => {
                                return Err(err(
                                    &format!("{there}/{}", escape(name)),
                                    "an environment variable's value is a string",
                                ));
                            }
                        };
                        environment.push((name.clone(), text));
                    }
                }
                other => {
                    return Err(err(
                        &there,
                        format!(
                            "unknown key \"{other}\" in a function; it takes handler, runtime, timeout and environment"
                        ),
                    ));
                }
            }
        }
        let handler =
            handler.ok_or_else(|| err(&here, "a function needs \"handler\": FILE:FUNCTION"))?;
        let (file, function) = handler
            .rsplit_once(':')
            .filter(|(f, func)| !f.is_empty() && !func.is_empty())
            .ok_or_else(|| {
                err(
                    &format!("{here}/handler"),
                    format!("'{handler}' is not FILE:FUNCTION, such as src/app.py:handler"),
                )
            })?;
        let path = reach
            .path(base, file, "handler")
            .map_err(|m| err(&format!("{here}/handler"), m))?;
        let runtime = match runtime {
            Some(r) => r,
            None => Runtime::from_file(file).ok_or_else(|| {
                err(
                    &here,
                    "a function needs \"runtime\" (python3.12, nodejs20.x...) when its file is not .py, .js or .mjs",
                )
            })?,
        };
        let module = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let code_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        out.push((
            lambda::function_name(name).to_owned(),
            FunctionSpec {
                name: lambda::function_name(name).to_owned(),
                code_dir,
                module,
                function: function.to_owned(),
                runtime,
                timeout,
                environment,
            },
        ));
    }
    Ok(out)
}

fn parse_commands(
    v: &Value,
    at: &str,
    base: &Path,
    reach: &Reach,
) -> Result<Vec<CommandSpec>, ConfigError> {
    let map = v.as_object().ok_or_else(|| {
        err(
            at,
            "\"commands\" maps state names, resource ARNs or patterns to [program, arguments...]",
        )
    })?;
    let mut out = Vec::new();
    for (key, spec) in map {
        let here = format!("{at}/{}", escape(key));
        let (list, timeout) = match spec {
            Value::Object(m) => {
                let mut list = None;
                let mut timeout = DEFAULT_COMMAND_TIMEOUT;
                for (k, x) in m {
                    let there = format!("{here}/{}", escape(k));
                    match k.as_str() {
                        "run" => list = Some(argv(x, &there)?),
                        "timeout" => {
                            timeout = x
                                .as_f64()
                                .filter(|t| *t > 0.0 && *t <= MAX_COMMAND_TIMEOUT)
                                .ok_or_else(|| {
                                    err(
                                        &there,
                                        "\"timeout\" is a number of seconds, more than 0 and at most 86400",
                                    )
                                })?;
                        }
                        other => {
                            return Err(err(
                                &there,
                                format!(
                                    "unknown key \"{other}\" in a command; it takes run and timeout"
                                ),
                            ));
                        }
                    }
                }
                let list = list.ok_or_else(|| {
                    err(
                        &here,
                        "a command written as an object needs \"run\": [program, ...]",
                    )
                })?;
                (list, timeout)
            }
            other => (argv(other, &here)?, DEFAULT_COMMAND_TIMEOUT),
        };
        // A program named by its path (./run.sh, scripts/x) must be in the project too.
        if let Some(program) = list.first().filter(|p| p.contains('/')) {
            reach
                .path(base, program, "commands")
                .map_err(|m| err(&here, m))?;
        }
        out.push(CommandSpec {
            key: key.clone(),
            argv: list,
            timeout,
            dir: base.to_path_buf(),
        });
    }
    Ok(out)
}

fn parse_http(v: &Value, at: &str) -> Result<HttpConfig, ConfigError> {
    let bad = || {
        err(
            at,
            "\"http\" is `allow`, `deny`, or {allow: true, connections: {CONNECTION_ARN: {headers: {...}, queryParameters: {...}}}}",
        )
    };
    match v {
        Value::String(s) if s == "allow" => Ok(HttpConfig {
            allow: true,
            connections: Vec::new(),
        }),
        Value::String(s) if s == "deny" => Ok(HttpConfig::default()),
        Value::Object(m) => {
            let mut out = HttpConfig::default();
            for (k, x) in m {
                let there = format!("{at}/{}", escape(k));
                match k.as_str() {
                    "allow" => {
                        out.allow = x
                            .as_bool()
                            .ok_or_else(|| err(&there, "\"allow\" is true or false"))?;
                    }
                    "connections" => {
                        let conns = x.as_object().ok_or_else(bad)?;
                        for (arn, auth) in conns {
                            let here = format!("{there}/{}", escape(arn));
                            out.connections
                                .push((arn.clone(), http::parse_auth(auth, &here)?));
                        }
                    }
                    other => {
                        return Err(err(
                            &there,
                            format!(
                                "unknown key \"{other}\" in \"http\"; it takes allow and connections"
                            ),
                        ));
                    }
                }
            }
            Ok(out)
        }
        _ => Err(bad()),
    }
}

/// What the caller lets a run do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Consent {
    /// Start processes (local functions, commands).
    pub processes: bool,
    /// Make network requests (HTTP Task states).
    pub network: bool,
}

impl Consent {
    /// Everything.
    pub const ALL: Self = Self {
        processes: true,
        network: true,
    };
}

/// Why backends cannot be set up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackendsError {
    /// The configuration would run processes or make requests the caller did not allow.
    #[error("these backends need consent to run: {}", .0.join("; "))]
    NotAllowed(Vec<String>),
    /// `lambdas: template` but no template was found, or it cannot be read.
    #[error("{0}")]
    Template(String),
    /// A definition `stateMachines` names cannot be read or compiled.
    #[error("stateMachines: {0}")]
    StateMachine(String),
    /// The AWS client for `aws` cannot be set up (no region, a bad profile).
    #[error("\"aws\": {0}")]
    Aws(String),
}

/// Backends ready to answer tasks, shared by the executions of a run: local functions stay
/// warm between invocations and executions; dropping the last handle ends their processes.
#[derive(Debug)]
pub struct Backends {
    config: BackendsConfig,
    functions: Vec<FunctionSpec>,
    pool: Mutex<Pool>,
    logs: Mutex<Vec<InvocationLog>>,
    agent: http::Agent,
    /// The template's functions that cannot run here, and why.
    not_runnable: Vec<(String, String)>,
    machines: Vec<Machine>,
    children: Mutex<Vec<Child>>,
    aws: Option<Arc<dyn AwsClient>>,
}

/// What one invocation of a local function or command printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvocationLog {
    /// The Task state.
    pub state: String,
    /// The attempt (0 first, then retries).
    pub attempt: u32,
    /// Its standard output and standard error, as printed.
    pub text: String,
}

/// The backend bound to a task ([`Backends::binding`]).
enum Binding<'a> {
    Command(&'a CommandSpec),
    Activity(&'a CommandSpec),
    Function(&'a FunctionSpec, lambda::Call),
    Http,
    /// An AWS service call (the request's resource names the service task).
    Aws(&'a dyn AwsClient),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Backends {
    /// Checks `config` against what the caller allows and reads its template's functions.
    pub fn new(config: BackendsConfig, consent: Consent) -> Result<Self, BackendsError> {
        let mut refused = Vec::new();
        if config.runs_processes() && !consent.processes {
            refused.extend(
                config
                    .what_runs()
                    .into_iter()
                    .filter(|w| !w.starts_with("real HTTP") && !w.starts_with("AWS service")),
            );
        }
        if config.http.allow && !consent.network {
            refused.push("real HTTP requests for HTTP Task states".to_owned());
        }
        if let Some(aws) = config.aws.as_ref().filter(|_| !consent.network) {
            refused.push(format!("AWS service calls to {}", aws.target()));
        }
        if !refused.is_empty() {
            return Err(BackendsError::NotAllowed(refused));
        }
        let mut functions: Vec<FunctionSpec> =
            config.functions.iter().map(|(_, f)| f.clone()).collect();
        let mut not_runnable = Vec::new();
        if let Some(Lambdas::Template(template)) = &config.lambdas {
            let path = template.as_ref().ok_or_else(|| {
                BackendsError::Template(
                    "\"lambdas: template\" needs a template: give one (--template FILE, or \"template\" in the test file) or put template.yaml beside the definition".to_owned(),
                )
            })?;
            let found = lambda::template_functions(path).map_err(BackendsError::Template)?;
            for f in found.runnable {
                if !functions.iter().any(|g| g.name == f.name) {
                    functions.push(f);
                }
            }
            not_runnable = found.not_runnable;
        }
        let machines = config
            .state_machines
            .iter()
            .map(|(key, path)| Machine::load(key, path))
            .collect::<Result<Vec<_>, _>>()
            .map_err(BackendsError::StateMachine)?;
        Ok(Self {
            config,
            functions,
            not_runnable,
            pool: Mutex::new(Pool::default()),
            logs: Mutex::new(Vec::new()),
            agent: http::agent(),
            machines,
            children: Mutex::new(Vec::new()),
            aws: None,
        })
    }

    /// Connects the client that service integrations go through, when the configuration has
    /// `aws`; without one, those Task states are answered as if `aws` were not there.
    pub fn connect_aws(&mut self, connector: &dyn AwsConnector) -> Result<(), BackendsError> {
        if let Some(config) = &self.config.aws {
            self.aws = Some(connector.connect(config).map_err(BackendsError::Aws)?);
        }
        Ok(())
    }

    /// The configuration.
    pub fn config(&self) -> &BackendsConfig {
        &self.config
    }

    /// The local functions known, by name.
    pub fn functions(&self) -> impl Iterator<Item = &FunctionSpec> {
        self.functions.iter()
    }

    /// What the local functions and commands printed, invocation by invocation (those that
    /// printed something).
    pub fn logs(&self) -> Vec<InvocationLog> {
        lock(&self.logs).clone()
    }

    /// The log of one invocation: a state's attempt.
    pub fn log(&self, state: &str, attempt: u32) -> Option<String> {
        lock(&self.logs)
            .iter()
            .rev()
            .find(|l| l.state == state && l.attempt == attempt)
            .map(|l| l.text.clone())
    }

    /// How many invocation logs are kept: it changes with every log recorded (one more, or
    /// fewer once the oldest go), so a caller sees whether an invocation printed something.
    pub fn log_count(&self) -> usize {
        lock(&self.logs).len()
    }

    /// The log recorded last.
    pub fn latest_log(&self) -> Option<InvocationLog> {
        lock(&self.logs).last().cloned()
    }

    /// The child executions nested tasks ran, in order.
    pub fn children(&self) -> Vec<Child> {
        lock(&self.children).clone()
    }

    /// How many child executions ran.
    pub fn child_count(&self) -> usize {
        lock(&self.children).len()
    }

    /// The child execution ran last.
    pub fn latest_child(&self) -> Option<Child> {
        lock(&self.children).last().cloned()
    }

    /// How many local function processes are running.
    pub fn warm_workers(&self) -> usize {
        lock(&self.pool).len()
    }

    /// Runs one invocation of a local function on an idle warm process of it (or a new one),
    /// outside the pool's lock: invocations from several threads overlap.
    fn invoke_function(
        &self,
        spec: &FunctionSpec,
        call: &lambda::Call,
        cancel: &Cancel,
    ) -> (TaskOutcome, String) {
        let invocation = lock(&self.pool).take(spec);
        let (outcome, log, warm) = invocation.run(spec, call, cancel);
        if let Some(w) = warm {
            lock(&self.pool).put(spec, w);
        }
        (outcome, log)
    }

    /// Keeps an invocation's log (nothing when it printed nothing); past [`MAX_LOGS`], the
    /// oldest go.
    fn record(&self, state: &str, attempt: u32, text: &str) {
        if text.is_empty() {
            return;
        }
        let mut logs = lock(&self.logs);
        if logs.len() >= MAX_LOGS {
            logs.drain(..MAX_LOGS / 2);
        }
        logs.push(InvocationLog {
            state: state.to_owned(),
            attempt,
            text: text.to_owned(),
        });
    }

    /// The backend bound to `request`, if any: a command first, then an activity's worker, a
    /// local function, an HTTP request, an AWS service call.
    fn binding(&self, request: &TaskRequest<'_>) -> Option<Binding<'_>> {
        let bound = |key: &str| matches(key, request.state_name) || matches(key, request.resource);
        if let Some(c) = self.config.commands.iter().find(|c| bound(&c.key)) {
            return Some(Binding::Command(c));
        }
        if request.resource.contains(":activity:")
            && let Some(a) = self
                .config
                .activities
                .iter()
                .find(|a| matches(&a.key, request.resource))
        {
            return Some(Binding::Activity(a));
        }
        if let Some(call) = lambda::call_of(request)
            && let Some(spec) = self
                .functions
                .iter()
                .find(|f| f.name == lambda::function_name(&call.function))
        {
            return Some(Binding::Function(spec, call));
        }
        if self.config.http.allow && http::is_http_task(request.resource) {
            return Some(Binding::Http);
        }
        if let Some(client) = &self.aws
            && service::service_task(request.resource).is_some_and(|t| service::is_sent(&t))
        {
            return Some(Binding::Aws(client.as_ref()));
        }
        None
    }

    /// Runs `binding` for `request`: its outcome and what it printed, kept in the log. Raising
    /// `cancel` stops a program or a local function that runs (a request or a service call
    /// ends by its own timeout).
    fn run(
        &self,
        binding: Binding<'_>,
        request: &TaskRequest<'_>,
        cancel: &Cancel,
    ) -> Option<(TaskOutcome, String)> {
        let (outcome, printed) = match binding {
            Binding::Command(c) => {
                let run = Command {
                    argv: &c.argv,
                    dir: &c.dir,
                    timeout: Duration::from_secs_f64(c.timeout),
                    kind: command::Kind::Command,
                    cancel,
                };
                command::run(&run, request.input)
            }
            Binding::Activity(a) => {
                // The state's TimeoutSeconds (AWS's default: 99999999 seconds) and
                // HeartbeatSeconds.
                let timeout = request
                    .timeout
                    .map_or(Duration::from_secs_f64(MAX_COMMAND_TIMEOUT), |ms| {
                        Duration::from_millis(u64::try_from(ms).unwrap_or(0))
                    });
                let run = Command {
                    argv: &a.argv,
                    dir: &a.dir,
                    timeout,
                    kind: command::Kind::Activity {
                        heartbeat: request.heartbeat.map(Duration::from_secs),
                    },
                    cancel,
                };
                command::run(&run, request.input)
            }
            Binding::Function(spec, call) => self.invoke_function(spec, &call, cancel),
            Binding::Http => (
                http::invoke(&self.agent, &self.config.http.connections, request.input),
                String::new(),
            ),
            Binding::Aws(client) => (
                service::call(
                    client,
                    &service::service_task(request.resource)?,
                    request.resource,
                    request.input,
                )?,
                String::new(),
            ),
        };
        self.record(request.state_name, request.attempt, &printed);
        Some((outcome, printed))
    }

    /// Answers `request` when a backend is bound to it; `None` otherwise.
    pub fn answer(&self, request: &TaskRequest<'_>) -> Option<TaskOutcome> {
        let binding = self.binding(request)?;
        self.run(binding, request, &Cancel::new())
            .map(|(outcome, _)| outcome)
    }

    /// Why a service task the run sends to AWS cannot be sent, when it is one.
    fn unsupported(&self, request: &TaskRequest<'_>) -> Option<String> {
        self.aws.as_ref()?;
        service::unsupported(&service::service_task(request.resource)?)
    }

    /// What the run could do with a Task no backend took, when the caller allowed it: a hint
    /// for the "no result" message.
    fn hint(&self, request: &TaskRequest<'_>) -> Option<std::borrow::Cow<'static, str>> {
        let call = lambda::call_of(request);
        let not_runnable = call.as_ref().and_then(|c| {
            let name = lambda::function_name(&c.function);
            self.not_runnable.iter().find(|(n, _)| n == name)
        });
        if let Some((name, why)) = not_runnable {
            return Some(format!(
                "The template's function {name} cannot run locally: {why}. Bind it under \"functions\" to a local handler, or to a command under \"commands\"."
            ).into());
        }
        let hint = if http::is_http_task(request.resource) && !self.config.http.allow {
            Some(
                "It is an HTTP Task: pass --allow-http (stepcraft run), or \"http: allow\" in its backends, to make the request.",
            )
        } else if call.is_some() && self.functions.is_empty() && self.aws.is_none() {
            Some(
                "It invokes a Lambda function: pass --local-lambdas (stepcraft run) to run the template's functions locally, --aws-endpoint URL to invoke it there, or bind it in \"backends\".",
            )
        } else if self.aws.is_none() && service::service_task(request.resource).is_some() {
            Some(
                "It calls an AWS service: pass --aws-endpoint URL (stepcraft run), or \"aws\" in its backends, to send the call.",
            )
        } else {
            None
        };
        hint.map(std::borrow::Cow::Borrowed)
    }
}

/// Whether `key` (a name, an ARN, or a pattern with `*`) matches `text`.
pub fn matches(key: &str, text: &str) -> bool {
    if !key.contains('*') {
        return key == text;
    }
    let parts: Vec<&str> = key.split('*').collect();
    let (first, rest) = parts.split_first().map_or(("", &[][..]), |(f, r)| (*f, r));
    let Some(mut left) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return left.is_empty();
    };
    for part in middle {
        match left.find(part) {
            Some(i) => left = &left[i + part.len()..],
            None => return false,
        }
    }
    left.ends_with(last)
}

/// How many backend calls one execution runs at once, at most, whatever a Map's MaxConcurrency
/// allows (0 is no limit there): a local function's is a process of its own. A task past this
/// number waits for one of them to end.
pub const MAX_IN_FLIGHT: usize = 32;

/// Answers with the bound backends first, then with `fallback`.
pub struct BackendResolver {
    backends: Arc<Backends>,
    fallback: Box<dyn TaskResolver>,
    /// Calls in the background: the next ticket, how many run (or wait for a thread), where
    /// they end.
    next_ticket: u64,
    in_flight: usize,
    ended_tx: Sender<Finished>,
    ended_rx: Receiver<Finished>,
    /// The threads invocations run on, kept for the next ones (a thread started per
    /// invocation cost as much as a warm invocation): where jobs go, and how many there are.
    jobs: Sender<Job>,
    queue: Arc<Mutex<Receiver<Job>>>,
    threads: usize,
    /// The flag of each call in the background, by ticket: raised when the execution
    /// abandons it, and for all of them when the resolver goes (a stopped run).
    cancels: HashMap<u64, Cancel>,
}

/// An invocation for a thread to run.
type Job = Box<dyn FnOnce() + Send>;

impl fmt::Debug for BackendResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackendResolver")
            .field("backends", &self.backends)
            .finish_non_exhaustive()
    }
}

impl BackendResolver {
    /// Backends over another resolver.
    pub fn new(backends: Arc<Backends>, fallback: Box<dyn TaskResolver>) -> Self {
        let (ended_tx, ended_rx) = std::sync::mpsc::channel();
        let (jobs, queue) = std::sync::mpsc::channel();
        Self {
            backends,
            fallback,
            next_ticket: 0,
            in_flight: 0,
            ended_tx,
            ended_rx,
            jobs,
            queue: Arc::new(Mutex::new(queue)),
            threads: 0,
            cancels: HashMap::new(),
        }
    }
}

impl BackendResolver {
    /// One more thread taking jobs; it ends when the resolver goes, after the job it runs
    /// (cut short when that is a program or a local function: its call was cancelled; a
    /// request or an AWS call ends by its own timeout).
    fn add_thread(&mut self) {
        let queue = Arc::clone(&self.queue);
        std::thread::spawn(move || {
            loop {
                let job = lock(&queue).recv();
                match job {
                    Ok(job) => job(),
                    Err(_) => break,
                }
            }
        });
        self.threads += 1;
    }
}

impl BackendResolver {
    /// The local definition a nested execution's task runs, and how it waits for it.
    fn local_machine(&self, request: &TaskRequest<'_>) -> Option<(&Machine, nested::Pattern)> {
        let pattern = nested::pattern(request.resource)?;
        let input = request.input.to_value();
        let arn = input
            .get("StateMachineArn")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let machine = self.backends.machines.iter().find(|m| m.is_named_by(arn))?;
        Some((machine, pattern))
    }
}

impl Drop for BackendResolver {
    fn drop(&mut self) {
        // A stopped run: the calls it started stop too.
        for cancel in self.cancels.values() {
            cancel.cancel();
        }
    }
}

impl TaskResolver for BackendResolver {
    fn start(&mut self, request: &TaskRequest<'_>) -> Option<u64> {
        // A nested execution of a local definition runs in place: its depth is counted on this
        // thread. (One sent to an AWS endpoint is a service call like any other.)
        if self.local_machine(request).is_some() {
            return None;
        }
        // A callback task (`.waitForTaskToken`) too: its function runs here, and the task
        // waits for its token once the call ended, as it does in place.
        self.backends.binding(request)?;
        self.next_ticket += 1;
        let ticket = self.next_ticket;
        let backends = Arc::clone(&self.backends);
        let ended = self.ended_tx.clone();
        let request = OwnedRequest::of(request);
        let cancel = Cancel::new();
        self.cancels.insert(ticket, cancel.clone());
        let job: Job = Box::new(move || {
            let request = request.request();
            if cancel.is_cancelled() {
                let _ = ended.send(Finished {
                    ticket,
                    outcome: super::cancelled(),
                    printed: String::new(),
                });
                return;
            }
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let binding = backends.binding(&request)?;
                backends.run(binding, &request, &cancel)
            }));
            let (outcome, printed) = match ran {
                Ok(Some(ran)) => ran,
                // Bound when started, so not reached: the binding cannot change.
                Ok(None) => (
                    TaskOutcome::Failure {
                        error: ErrorName::TaskFailed.as_str().to_owned(),
                        cause: super::no_result_cause(request.state_name),
                    },
                    String::new(),
                ),
                Err(_) => (
                    TaskOutcome::Failure {
                        error: ErrorName::TaskFailed.as_str().to_owned(),
                        cause: format!(
                            "The local backend of the Task state '{}' stopped unexpectedly (a bug in Stepcraft: please report it).",
                            request.state_name
                        ),
                    },
                    String::new(),
                ),
            };
            let _ = ended.send(Finished {
                ticket,
                outcome,
                printed,
            });
        });
        // Past MAX_IN_FLIGHT, a task waits in the queue for a thread.
        if self.in_flight >= self.threads && self.threads < MAX_IN_FLIGHT {
            self.add_thread();
        }
        if self.jobs.send(job).is_err() {
            self.cancels.remove(&ticket);
            return None;
        }
        self.in_flight += 1;
        Some(ticket)
    }

    fn wait(&mut self) -> Option<Finished> {
        if self.in_flight == 0 {
            return None;
        }
        let ended = self.ended_rx.recv().ok()?;
        self.in_flight -= 1;
        self.cancels.remove(&ended.ticket);
        Some(ended)
    }

    fn try_wait(&mut self) -> Poll<Option<Finished>> {
        if self.in_flight == 0 {
            return Poll::Ready(None);
        }
        match self.ended_rx.try_recv() {
            Ok(ended) => {
                self.in_flight -= 1;
                self.cancels.remove(&ended.ticket);
                Poll::Ready(Some(ended))
            }
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Ready(None),
        }
    }

    fn abandon(&mut self, ticket: u64) {
        if let Some(cancel) = self.cancels.remove(&ticket) {
            cancel.cancel();
        }
    }

    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        if let Some((machine, pattern)) = self.local_machine(request) {
            let (outcome, child) = nested::run(&self.backends, machine, pattern, request);
            if let Some(child) = child {
                let mut children = lock(&self.backends.children);
                if children.len() >= MAX_LOGS {
                    children.drain(..MAX_LOGS / 2);
                }
                children.push(child);
            }
            return outcome;
        }
        if let Some(outcome) = self.backends.answer(request) {
            return outcome;
        }
        let outcome = self.fallback.invoke(request);
        match outcome {
            TaskOutcome::Failure { error, cause }
                if error == ErrorName::TaskFailed.as_str() && super::is_no_result_cause(&cause) =>
            {
                // A service call `aws` cannot send, and nothing else answered: AWS's runtime
                // error, which ends the execution.
                if let Some(why) = self.backends.unsupported(request) {
                    return TaskOutcome::Failure {
                        error: ErrorName::Runtime.as_str().to_owned(),
                        cause: format!(
                            "The Task state '{}' cannot run locally: {why}. Answer it with a mock or a command.",
                            request.state_name
                        ),
                    };
                }
                let mut cause = cause;
                if let Some(hint) = self.backends.hint(request) {
                    cause.push(' ');
                    cause.push_str(&hint);
                }
                TaskOutcome::Failure { error, cause }
            }
            other => other,
        }
    }
}

/// Reads a configuration from its own file (`--backends FILE`): YAML or JSON, the
/// configuration under a top-level `backends` key (or at the top). Errors say where:
/// `FILE:LINE:COLUMN: message (at POINTER)`.
pub fn read_file(path: &Path, open: bool) -> Result<BackendsConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let format = crate::Format::from_path(path).unwrap_or_else(|| crate::Format::sniff(&text));
    let doc = crate::Document::parse(&text, format).map_err(|d| {
        let at = d.location.map(|l| format!(":{l}")).unwrap_or_default();
        format!("{}{at}: {}", path.display(), d.message)
    })?;
    let value = doc.value();
    let (inner, at) = match value.as_object() {
        Some(m) if m.contains_key("backends") => {
            if let Some(k) = m.keys().find(|k| *k != "backends") {
                let pointer = format!("/{}", escape(k));
                return Err(located(
                    path,
                    &doc,
                    &err(
                        &pointer,
                        format!("unknown key \"{k}\": a backends file holds \"backends\" only"),
                    ),
                ));
            }
            (m.get("backends").unwrap_or(&Value::Null), "/backends")
        }
        _ => (value, ""),
    };
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let reach = Reach::of(path, open);
    BackendsConfig::parse(inner, at, base, &reach).map_err(|e| located(path, &doc, &e))
}

fn located(path: &Path, doc: &crate::Document, e: &ConfigError) -> String {
    let at = crate::Pointer::from_escaped(&e.pointer)
        .and_then(|p| doc.locate(&p))
        .map(|l| format!(":{l}"))
        .unwrap_or_default();
    let pointer = if e.pointer.is_empty() {
        "/"
    } else {
        &e.pointer
    };
    format!(
        "{}{at}: error: {} (at {pointer})",
        path.display(),
        e.message
    )
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        assert!(matches("Charge", "Charge"));
        assert!(!matches("Charge", "Charge Payment"));
        assert!(matches("Charge*", "Charge Payment"));
        assert!(matches("*Payment", "Charge Payment"));
        assert!(matches(
            "arn:aws:lambda:*:function:pay-*",
            "arn:aws:lambda:us-east-1:1:function:pay-now"
        ));
        assert!(!matches(
            "arn:aws:lambda:*:function:pay-*",
            "arn:aws:lambda:us-east-1:1:function:ship"
        ));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "abc"));
        assert!(!matches("a*b*c", "acb"));
    }
}
