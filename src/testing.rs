//! Test files for state machines: cases that run a definition with an input (and mocked Task
//! results) and check the outcome. Two sources are read:
//!
//! - test files (JSON or YAML): `{"definition": "path" | {ASL}, "stateMachine", "mockConfig",
//!   "type", "s3Root", "files", "substitutions", "template", "templateResource", "cases":
//!   [{"name", "input", "testCase" | "mocks", "s3Root", "files", "substitutions",
//!   "expect": {...}}]}`;
//! - AWS-recorded executions in JSON Lines (one case a line, as in `shared/conformance`).
//!
//! `s3Root` (a directory relative to the test file) and `files` (`{"s3://bucket/key": content}`,
//! strings written as they are, other values as JSON) give a distributed Map's ItemReader its
//! data: `s3://B/K` is `S3ROOT/B/K`. A case's `s3Root` replaces the file's, its `files` add to the
//! file's. What the run writes (ResultWriter) stays in memory and never touches the directory;
//! `expect.objects` (`{"s3://bucket/key": value}`) checks it, parsed as JSON when it parses.
//! A directory search skips JSON Lines files under a test file's `s3Root`: they are data.
//!
//! Placeholder values ([`crate::subst`]), highest precedence first: the command line's (given to
//! [`load_with`]), a case's `substitutions` map, the file's `substitutions` (a map, or the path of
//! a substitutions file; otherwise the definition's sidecar file), then the file's `template`
//! (`templateResource` picks a state machine), or else a template found next to the definition.
//!
//! `backends` (at the file's level, and per case: a case's entries win over the file's) binds
//! Task states to local backends ([`crate::tasks::backends`]): local Lambda functions, commands,
//! HTTP requests, AWS service calls (`aws`, through the client [`RunOptions::aws`] connects).
//! They run only when the caller allows it ([`RunOptions::allow_backends`],
//! `stepcraft test --allow-backends`); otherwise such a case fails at `/backends`, naming what
//! would run and the flag to pass. `lambdas: template` reads the file's `template`, or the
//! template found next to the definition.
//!
//! Comparisons follow the recorded suite's rules: numbers by value, a `cause_json` compared as
//! parsed JSON, history types as multisets when the definition has Parallel or Map states. The
//! first difference is reported with its JSON pointer. Nothing here prints.

use crate::history::EventKind;
use crate::interp::Status;
use crate::run::{RunSetup, Tasks, beside, run_to_end};
use crate::subst::{Origin, Sources, Substitutions};
use crate::tasks::backends::{Backends, BackendsConfig, Consent, Lambdas};
use crate::tasks::objects::{DirStore, MemoryStore, ObjectStore, Overlay, parse_s3_uri};
pub use crate::tasks::service::Connector;
use crate::validate::WorkflowType;
use crate::value::{Val, numbers_equal};
use crate::{Document, Format};
use serde_json::{Map, Value, json};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a test source cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LoadError {}

/// How a case's Task states are answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Mocks {
    /// No Task results (any Task state fails).
    None,
    /// A test case of a mock configuration in Step Functions Local's format.
    Config {
        /// The mock configuration.
        config: Arc<Value>,
        /// Its state machine (optional when it has only one).
        state_machine: Option<String>,
        /// The test case.
        test_case: String,
    },
}

impl Mocks {
    /// What answers the case's Task states.
    pub fn tasks(&self) -> Tasks {
        match self {
            Self::None => Tasks::None,
            Self::Config {
                config,
                state_machine,
                test_case,
            } => Tasks::Mocks {
                config: Arc::clone(config),
                state_machine: state_machine.clone(),
                test_case: test_case.clone(),
            },
        }
    }
}

/// The expected error or cause.
#[derive(Debug, Clone, PartialEq)]
pub enum CauseCheck {
    /// Exactly this text (`None`: no cause).
    Text(Option<String>),
    /// JSON text equal (by value) to this.
    Json(Value),
}

/// What a case expects.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expect {
    /// `SUCCEEDED`, `FAILED` or `TIMED_OUT`.
    pub status: String,
    /// The exact output.
    pub output: Option<Value>,
    /// Values at JSON pointers of the output.
    pub output_contains: Vec<(String, Value)>,
    /// The error (`Some(None)`: none at all).
    pub error: Option<Option<String>>,
    /// The cause.
    pub cause: Option<CauseCheck>,
    /// The names of the states entered, in order.
    pub path: Option<Vec<String>>,
    /// The history event types.
    pub history_types: Option<Vec<String>>,
    /// The history was recorded through LocalStack's parity-test snapshots (the AWS-recorded
    /// suites), whose Parallel transformer drops some Parallel events: ours are compared as it
    /// leaves them ([`as_snapshotted`]).
    pub snapshotted: bool,
    /// Objects in the store after the run, by `s3://bucket/key`.
    pub objects: Vec<(String, Value)>,
}

/// The objects a case's run can read (its ItemReader's data).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Objects {
    /// A directory standing for S3: `s3://B/K` is `ROOT/B/K`.
    pub root: Option<PathBuf>,
    /// Objects given in the test file: bucket, key, content.
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// One case to run.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// Its name.
    pub name: String,
    /// The definition (or why it could not be read).
    pub definition: Result<Arc<Value>, String>,
    /// The execution input.
    pub input: Value,
    /// Task results.
    pub mocks: Result<Mocks, String>,
    /// Standard or Express.
    pub workflow_type: WorkflowType,
    /// `$$.StateMachine.Name`.
    pub state_machine_name: Option<String>,
    /// The objects the run can read (or why they could not be read).
    pub objects: Result<Objects, String>,
    /// Local backends for its Task states (the case's over the file's).
    pub backends: Option<Arc<BackendsConfig>>,
    /// The template `lambdas: template` reads: the file's `template`, or the one found beside
    /// the definition.
    pub template: Option<PathBuf>,
    /// What to check.
    pub expect: Expect,
}

/// How cases run, beyond what their files say.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunOptions {
    /// The object store directory for cases whose file gives no `s3Root`.
    pub s3_root: Option<PathBuf>,
    /// Backends for every case, under the files' own (`stepcraft test --backends FILE`).
    pub backends: Option<Arc<BackendsConfig>>,
    /// Let cases run the backends they name: start processes, make requests.
    pub allow_backends: bool,
    /// What connects the AWS client of cases whose backends have `aws` (the engine has none
    /// of its own: `stepcraft-aws` provides it). Without it such a case fails at `/backends`.
    pub aws: Option<Connector>,
}

/// The cases of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct TestFile {
    /// The file.
    pub path: PathBuf,
    /// Its cases.
    pub cases: Vec<TestCase>,
}

/// The first difference between what a case expected and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// JSON pointer of the difference, into the case's `expect` (`/output/items/0`...).
    pub pointer: String,
    /// What was expected (JSON text or a description).
    pub expected: String,
    /// What happened.
    pub got: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} expected {}, got {}",
            if self.pointer.is_empty() {
                "/"
            } else {
                &self.pointer
            },
            self.expected,
            self.got
        )
    }
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// `None` when it passed.
    pub failure: Option<Failure>,
    /// How long it ran.
    pub duration: std::time::Duration,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// The files to run under `paths`: directories searched (recursively, sorted) for
/// `*.test.json`, `*.test.yaml`, `*.test.yml` and `*.jsonl`; a definition (a file whose name is
/// none of those) with test files beside it ([`crate::run::beside`]) stands for them; any other
/// file as given.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found)?;
            out.extend(without_data(found));
            continue;
        }
        if let Some((template, id)) = template_machine(path) {
            // `template.yaml#Orders`: its test files are `template.Orders.test.yaml` beside it.
            let tests = beside_machine(&template, &id);
            if tests.is_empty() {
                return Err(LoadError {
                    path: path.clone(),
                    message: format!(
                        "no test files for this state machine: write {} (with \"definition: {}#{id}\")",
                        beside_machine_names(&template, &id)[0].display(),
                        template
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()
                    ),
                });
            }
            out.extend(tests);
            continue;
        }
        let named_as_test = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_test_file_name);
        let tests = if named_as_test {
            Vec::new()
        } else {
            beside(path).existing_test_files()
        };
        if tests.is_empty() {
            out.push(path.clone());
        } else {
            out.extend(tests);
        }
    }
    Ok(out)
}

/// The template and logical ID a `FILE#Id` path names, when `FILE#Id` is not itself a file.
fn template_machine(path: &Path) -> Option<(PathBuf, String)> {
    if path.exists() {
        return None;
    }
    let text = path.to_str()?;
    let (file, id) = text.rsplit_once('#')?;
    (!id.is_empty() && Path::new(file).is_file()).then(|| (PathBuf::from(file), id.to_owned()))
}

/// The test files of state machine `id` of `template`: `STEM.ID.test.yaml` (`.yml`, `.json`).
fn beside_machine_names(template: &Path, id: &str) -> Vec<PathBuf> {
    let stem = template
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    ["test.yaml", "test.yml", "test.json"]
        .iter()
        .map(|ext| template.with_file_name(format!("{stem}.{id}.{ext}")))
        .collect()
}

fn beside_machine(template: &Path, id: &str) -> Vec<PathBuf> {
    beside_machine_names(template, id)
        .into_iter()
        .filter(|p| p.is_file())
        .collect()
}

fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// Drops the JSON Lines files found under a test file's `s3Root`: datasets, not recorded suites.
fn without_data(found: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    for file in found.iter().filter(|p| !is_jsonl(p)) {
        let Ok(value) = read_value(file) else {
            continue;
        };
        let base = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let cases = value.get("cases").and_then(Value::as_array);
        let levels = std::iter::once(&value).chain(cases.into_iter().flatten());
        for level in levels {
            if let Some(Value::String(rel)) = level.get("s3Root")
                && let Ok(dir) = base.join(rel).canonicalize()
            {
                roots.push(dir);
            }
        }
    }
    if roots.is_empty() {
        return found;
    }
    found
        .into_iter()
        .filter(|p| {
            !is_jsonl(p)
                || p.canonicalize()
                    .is_ok_and(|c| !roots.iter().any(|r| c.starts_with(r)))
        })
        .collect()
}

/// Whether a file name is one a directory search picks up.
pub fn is_test_file_name(name: &str) -> bool {
    [".test.json", ".test.yaml", ".test.yml", ".jsonl"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError {
        path: dir.to_path_buf(),
        message: format!("cannot read the directory: {e}"),
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(is_test_file_name)
        {
            out.push(path);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|e| LoadError {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
    })
}

/// Reads a JSON or YAML file as a document.
fn read_document(path: &Path) -> Result<Document, LoadError> {
    let text = read(path)?;
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(&text));
    Document::parse(&text, format).map_err(|d| LoadError {
        path: path.to_path_buf(),
        message: match d.location {
            Some(l) => format!("{}:{}: {}", l.line, l.column, d.message),
            None => d.message.clone(),
        },
    })
}

/// Reads a JSON or YAML file into a value.
fn read_value(path: &Path) -> Result<Value, LoadError> {
    read_document(path).map(|doc| doc.value().clone())
}

/// Reads a test file or a JSON Lines file of recorded executions.
pub fn load(path: &Path) -> Result<TestFile, LoadError> {
    load_with(path, &LoadOptions::default())
}

/// What the command line adds to the test files it loads.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Placeholder values that take precedence over the test file's own (`--sub`, `--subs`,
    /// `--template`).
    pub substitutions: Substitutions,
    /// Read no sidecar file and look for no template next to the definitions.
    pub no_discovery: bool,
    /// Let test files read files outside their project (see [`Reach`]).
    pub allow_outside: bool,
}

/// Where a test file may read the files it names (its definition, mock configuration,
/// substitutions file, template and `s3Root`): its own folder and below, or, in a repository,
/// the repository (the nearest folder above holding `.git`) and below. A test file comes from
/// anywhere (a clone, a download), and what it reads is printed in failure reports, so
/// `/etc/passwd` or `s3Root: /` are refused unless the user lets it
/// ([`LoadOptions::allow_outside`], `stepcraft test --allow-outside`).
#[derive(Debug, Clone)]
pub struct Reach {
    root: PathBuf,
    open: bool,
}

impl Reach {
    /// The reach of the test file at `path`.
    pub fn of(path: &Path, open: bool) -> Self {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let folder = folder
            .canonicalize()
            .unwrap_or_else(|_| folder.to_path_buf());
        let root = folder
            .ancestors()
            .find(|a| a.join(".git").exists())
            .unwrap_or(&folder)
            .to_path_buf();
        Self { root, open }
    }

    /// `rel` (relative to `base`) when it lies within reach; a path that does not exist is
    /// let through (reading it says it is missing).
    pub fn path(&self, base: &Path, rel: &str, field: &str) -> Result<PathBuf, String> {
        let path = base.join(rel);
        if self.open {
            return Ok(path);
        }
        match path.canonicalize() {
            Ok(real) if !real.starts_with(&self.root) => Err(format!(
                "\"{field}\" names {}, outside this test file's project ({}): a test file reads only files in its project; run `stepcraft test --allow-outside` to let it",
                real.display(),
                self.root.display()
            )),
            _ => Ok(path),
        }
    }
}

/// Like [`load`], with the command line's options.
pub fn load_with(path: &Path, options: &LoadOptions) -> Result<TestFile, LoadError> {
    let is_jsonl = path.extension().is_some_and(|e| e == "jsonl");
    if is_jsonl {
        let text = read(path)?;
        let mut cases = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let value: Value = serde_json::from_str(line).map_err(|e| LoadError {
                path: path.to_path_buf(),
                message: format!("line {}: not valid JSON: {e}", i + 1),
            })?;
            cases.push(recorded_case(&value, i + 1));
        }
        return Ok(TestFile {
            path: path.to_path_buf(),
            cases,
        });
    }
    let value = read_value(path)?;
    test_file(path, &value, options)
}

/// One AWS-recorded execution (a line of `shared/conformance/*.jsonl`) as a case.
pub fn recorded_case(case: &Value, line: usize) -> TestCase {
    let name = case
        .get("id")
        .and_then(Value::as_str)
        .map_or_else(|| format!("line {line}"), str::to_owned);
    let definition = case
        .get("definition")
        .filter(|d| d.is_object())
        .map(|d| Arc::new(d.clone()))
        .ok_or_else(|| "the case has no \"definition\" object".to_owned());
    let mocks = match case.get("mock_config").filter(|m| !m.is_null()) {
        Some(config) => Ok(Mocks::Config {
            config: Arc::new(config.clone()),
            state_machine: case
                .get("state_machine_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            test_case: case
                .get("test_case")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }),
        None => Ok(Mocks::None),
    };
    let workflow_type = case
        .get("state_machine_type")
        .and_then(Value::as_str)
        .and_then(WorkflowType::parse)
        .unwrap_or(WorkflowType::Standard);
    let expected = case.get("expected").cloned().unwrap_or(Value::Null);
    let caveat = case.get("mock_caveat").is_some();
    let status = expected
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("(missing)")
        .to_owned();
    let mut expect = Expect {
        status: status.clone(),
        ..Expect::default()
    };
    if status == "SUCCEEDED" {
        expect.output = Some(expected.get("output").cloned().unwrap_or(Value::Null));
    } else {
        expect.error = Some(
            expected
                .get("error")
                .and_then(Value::as_str)
                .map(str::to_owned),
        );
        if !caveat {
            expect.cause = Some(match expected.get("cause_json") {
                Some(j) => CauseCheck::Json(j.clone()),
                None => CauseCheck::Text(
                    expected
                        .get("cause")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                ),
            });
        }
    }
    if !caveat && let Some(Value::Array(types)) = case.get("history_types") {
        expect.snapshotted = true;
        expect.history_types = Some(
            types
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    TestCase {
        name,
        definition,
        input: case.get("input").cloned().unwrap_or_else(|| json!({})),
        mocks,
        workflow_type,
        state_machine_name: None,
        objects: Ok(Objects::default()),
        backends: None,
        template: None,
        expect,
    }
}

fn shape(path: &Path, message: impl Into<String>) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

fn strings(value: &Value, what: &str) -> Result<Vec<String>, String> {
    value
        .as_array()
        .and_then(|a| {
            a.iter()
                .map(|x| x.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| format!("\"{what}\" must be an array of strings"))
}

/// Reads a test file's value (the file's path resolves the relative paths in it). The options'
/// placeholder values take precedence over the file's and the cases' own.
pub fn test_file(path: &Path, value: &Value, options: &LoadOptions) -> Result<TestFile, LoadError> {
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let reach = Reach::of(path, options.allow_outside);
    let root = value.as_object().ok_or_else(|| {
        shape(
            path,
            "a test file is an object with \"definition\" and \"cases\"",
        )
    })?;
    // `template.yaml#Orders`: a state machine of a template; its template gives the values.
    let mut in_template: Option<(PathBuf, String)> = None;
    let definition: Result<(Document, Option<PathBuf>), String> = match root.get("definition") {
        Some(Value::String(rel)) => match crate::embedded::split_name(base, rel) {
            Some((file, id)) => reach.path(base, &file, "definition").and_then(|template| {
                let read = crate::embedded::read_named(&template, id.as_deref())?;
                in_template = Some((template, read.id.clone()));
                Ok((read.document, read.file))
            }),
            None => reach.path(base, rel, "definition").and_then(|p| {
                read_document(&p)
                    .map(|doc| (doc, Some(p.clone())))
                    .map_err(|e| e.to_string())
            }),
        },
        Some(v @ Value::Object(_)) => Ok((Document::from_value(v.clone(), Format::Json), None)),
        _ => {
            return Err(shape(
                path,
                "\"definition\" must be a path (relative to the test file) or an inline definition",
            ));
        }
    };
    let state_machine = root
        .get("stateMachine")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mock_config: Option<Result<Arc<Value>, String>> = match root.get("mockConfig") {
        None | Some(Value::Null) => None,
        Some(Value::String(rel)) => Some(
            reach
                .path(base, rel, "mockConfig")
                .and_then(|p| read_value(&p).map(Arc::new).map_err(|e| e.to_string())),
        ),
        Some(v) => Some(Ok(Arc::new(v.clone()))),
    };
    let workflow_type = match root.get("type").and_then(Value::as_str) {
        Some(t) => WorkflowType::parse(t)
            .ok_or_else(|| shape(path, "\"type\" must be STANDARD or EXPRESS"))?,
        None => WorkflowType::Standard,
    };
    let file_objects = objects_of(root, base, &reach, Objects::default());
    let cases_value = root
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| shape(path, "a test file needs a \"cases\" array"))?;
    let definition_path = definition.as_ref().ok().and_then(|(_, p)| p.as_deref());
    let file_subs = file_substitutions(
        path,
        root,
        definition_path,
        in_template.as_ref(),
        options.no_discovery,
        &reach,
    )?;
    let template = match root.get("template").and_then(Value::as_str) {
        Some(t) => reach.path(base, t, "template").ok(),
        None if in_template.is_some() => in_template.as_ref().map(|(t, _)| t.clone()),
        None if options.no_discovery => None,
        None => definition_path.and_then(crate::subst::template::find_for),
    };
    let read_backends = |v: &Value, at: &str| {
        BackendsConfig::parse(v, at, base, &reach)
            .map(|mut config| {
                if let Some(Lambdas::Template(t @ None)) = &mut config.lambdas {
                    t.clone_from(&template);
                }
                config
            })
            .map_err(|e| shape(path, format!("{}: {}", e.pointer, e.message)))
    };
    let file_backends = root
        .get("backends")
        .map(|v| read_backends(v, "/backends"))
        .transpose()?;
    let mut cases = Vec::new();
    for (i, case) in cases_value.iter().enumerate() {
        let at = |m: String| shape(path, format!("/cases/{i}: {m}"));
        let obj = case
            .as_object()
            .ok_or_else(|| at("a case is an object".into()))?;
        let name = obj
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("case {}", i + 1), str::to_owned);
        let mocks = if let Some(inline) = obj.get("mocks") {
            inline_mocks(inline).map_err(&at)?
        } else if let Some(tc) = obj.get("testCase") {
            let tc = tc
                .as_str()
                .ok_or_else(|| at("\"testCase\" must be a string".into()))?;
            match &mock_config {
                Some(Ok(config)) => Ok(Mocks::Config {
                    config: Arc::clone(config),
                    state_machine: state_machine.clone(),
                    test_case: tc.to_owned(),
                }),
                Some(Err(e)) => Err(e.clone()),
                None => Err(format!(
                    "the case names the test case '{tc}' but the file has no \"mockConfig\""
                )),
            }
        } else {
            Ok(Mocks::None)
        };
        let expect = obj
            .get("expect")
            .ok_or_else(|| at("a case needs \"expect\"".into()))
            .and_then(|e| parse_expect(e).map_err(at))?;
        let mut subs = options.substitutions.clone();
        if let Some(map) = obj.get("substitutions") {
            subs.layer(inline_substitutions(path, map).map_err(&at)?);
        }
        subs.layer(file_subs.clone());
        let definition = definition
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|(doc, _)| {
                let applied = subs.apply_to(doc);
                match applied
                    .diagnostics
                    .iter()
                    .find(|d| d.code == crate::Code::InvalidSubstitution)
                {
                    Some(d) => Err(format!("{} ({})", d.message, d.pointer)),
                    None => Ok(Arc::new(applied.value)),
                }
            });
        let objects = file_objects
            .clone()
            .and_then(|above| objects_of(obj, base, &reach, above));
        let backends = match (obj.get("backends"), &file_backends) {
            (Some(v), above) => {
                let own = read_backends(v, &format!("/cases/{i}/backends"))?;
                Some(Arc::new(match above {
                    Some(above) => own.over(above),
                    None => own,
                }))
            }
            (None, Some(above)) => Some(Arc::new(above.clone())),
            (None, None) => None,
        };
        cases.push(TestCase {
            name,
            definition,
            input: obj.get("input").cloned().unwrap_or_else(|| json!({})),
            mocks,
            workflow_type,
            state_machine_name: state_machine.clone(),
            objects,
            backends,
            template: template.clone(),
            expect,
        });
    }
    Ok(TestFile {
        path: path.to_path_buf(),
        cases,
    })
}

/// An object of placeholder values written in a test file.
fn inline_substitutions(path: &Path, map: &Value) -> Result<Substitutions, String> {
    if !map.is_object() {
        return Err("\"substitutions\" must map placeholder names to values".to_owned());
    }
    Substitutions::from_text(
        &map.to_string(),
        Some(Format::Json),
        &Origin::File(path.to_owned()),
    )
    .map_err(|e| {
        // Positions in the re-serialised object mean nothing to the reader: drop them.
        let message = e.split_once(": ").map_or(e.as_str(), |(_, m)| m);
        format!("\"substitutions\": {message}")
    })
}

/// The file-level placeholder values: `"substitutions"` (an object, or the path of a
/// substitutions file), then `"template"` (a SAM or CloudFormation template, with
/// `"templateResource"` when it has several state machines); without either, the sidecar file
/// and a template found next to the definition, as on the command line.
fn file_substitutions(
    path: &Path,
    root: &Map<String, Value>,
    definition: Option<&Path>,
    in_template: Option<&(PathBuf, String)>,
    no_discovery: bool,
    reach: &Reach,
) -> Result<Substitutions, LoadError> {
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let template = match root.get("template").and_then(Value::as_str) {
        Some(t) => Some(
            reach
                .path(base, t, "template")
                .map_err(|m| shape(path, m))?,
        ),
        None => in_template.map(|(t, _)| t.clone()),
    };
    let mut sources = Sources {
        template,
        template_resource: root
            .get("templateResource")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| in_template.map(|(_, id)| id.clone())),
        no_discovery,
        ..Sources::default()
    };
    let mut out = Substitutions::new();
    match root.get("substitutions") {
        None | Some(Value::Null) => {}
        Some(Value::String(rel)) => {
            sources.file = Some(
                reach
                    .path(base, rel, "substitutions")
                    .map_err(|m| shape(path, m))?,
            );
        }
        Some(map) => out = inline_substitutions(path, map).map_err(|m| shape(path, m))?,
    }
    // Inline values replace the sidecar, as a --subs file would.
    sources.skip_sidecar = !out.is_empty();
    out.layer(sources.gather(definition).map_err(|m| shape(path, m))?);
    Ok(out)
}

/// `s3Root` and `files` of a test file or case, over what the level above gave.
fn objects_of(
    obj: &Map<String, Value>,
    base: &Path,
    reach: &Reach,
    above: Objects,
) -> Result<Objects, String> {
    let mut out = above;
    match obj.get("s3Root") {
        None | Some(Value::Null) => {}
        Some(Value::String(rel)) => {
            let dir = reach.path(base, rel, "s3Root")?;
            if !dir.is_dir() {
                return Err(format!(
                    "\"s3Root\" names {}, which is not a directory",
                    dir.display()
                ));
            }
            out.root = Some(dir);
        }
        Some(_) => {
            return Err("\"s3Root\" must be a directory, relative to the test file".to_owned());
        }
    }
    match obj.get("files") {
        None | Some(Value::Null) => {}
        Some(Value::Object(files)) => {
            for (uri, content) in files {
                let (bucket, key) = parse_s3_uri(uri).ok_or_else(|| {
                    format!("'{uri}' in \"files\" is not an s3://bucket/key address")
                })?;
                let body = match content {
                    Value::String(text) => text.clone().into_bytes(),
                    other => other.to_string().into_bytes(),
                };
                out.files.retain(|(b, k, _)| !(b == bucket && k == key));
                out.files.push((bucket.to_owned(), key.to_owned(), body));
            }
        }
        Some(_) => {
            return Err("\"files\" maps s3://bucket/key addresses to contents".to_owned());
        }
    }
    Ok(out)
}

/// `{"State": {"Return": ..} | {"Throw": ..} | [step, ...] | {"0": step, "1-2": step}}` as a
/// mock configuration.
fn inline_mocks(inline: &Value) -> Result<Result<Mocks, String>, String> {
    let states = inline
        .as_object()
        .ok_or_else(|| "\"mocks\" must map state names to responses".to_owned())?;
    let mut test_case = Map::new();
    let mut responses = Map::new();
    for (i, (state, response)) in states.iter().enumerate() {
        let steps: Value = match response {
            Value::Object(m) if m.contains_key("Return") || m.contains_key("Throw") => {
                json!({ "0": response })
            }
            Value::Array(list) => Value::Object(
                list.iter()
                    .enumerate()
                    .map(|(n, step)| (n.to_string(), step.clone()))
                    .collect(),
            ),
            Value::Object(_) => response.clone(),
            _ => {
                return Err(format!(
                    "the mock of '{state}' must be {{\"Return\": ...}}, {{\"Throw\": ...}} or a list of them"
                ));
            }
        };
        let key = format!("response{i}");
        test_case.insert(state.clone(), Value::String(key.clone()));
        responses.insert(key, steps);
    }
    let config = json!({
        "StateMachines": {"M": {"TestCases": {"T": test_case}}},
        "MockedResponses": responses,
    });
    Ok(Ok(Mocks::Config {
        config: Arc::new(config),
        state_machine: Some("M".into()),
        test_case: "T".into(),
    }))
}

fn parse_expect(e: &Value) -> Result<Expect, String> {
    let obj = e
        .as_object()
        .ok_or_else(|| "\"expect\" must be an object".to_owned())?;
    let status = obj
        .get("status")
        .and_then(Value::as_str)
        .ok_or_else(|| "\"expect\" needs a \"status\" (SUCCEEDED, FAILED or TIMED_OUT)".to_owned())?
        .to_ascii_uppercase();
    let mut expect = Expect {
        status,
        output: obj.get("output").cloned(),
        ..Expect::default()
    };
    if let Some(contains) = obj.get("outputContains") {
        let map = contains
            .as_object()
            .ok_or_else(|| "\"outputContains\" maps JSON pointers to values".to_owned())?;
        for (ptr, v) in map {
            if !ptr.is_empty() && !ptr.starts_with('/') {
                return Err(format!(
                    "'{ptr}' in \"outputContains\" is not a JSON pointer"
                ));
            }
            expect.output_contains.push((ptr.clone(), v.clone()));
        }
    }
    match obj.get("error") {
        None => {}
        Some(Value::Null) => expect.error = Some(None),
        Some(Value::String(s)) => expect.error = Some(Some(s.clone())),
        Some(_) => return Err("\"error\" must be a string".into()),
    }
    match obj.get("cause") {
        None => {}
        Some(Value::Null) => expect.cause = Some(CauseCheck::Text(None)),
        Some(Value::String(s)) => expect.cause = Some(CauseCheck::Text(Some(s.clone()))),
        Some(v) => expect.cause = Some(CauseCheck::Json(v.clone())),
    }
    if let Some(p) = obj.get("path") {
        expect.path = Some(strings(p, "path")?);
    }
    if let Some(h) = obj.get("historyTypes") {
        expect.history_types = Some(strings(h, "historyTypes")?);
    }
    if let Some(objects) = obj.get("objects") {
        let map = objects
            .as_object()
            .ok_or_else(|| "\"objects\" maps s3://bucket/key addresses to contents".to_owned())?;
        for (uri, v) in map {
            if parse_s3_uri(uri).is_none() {
                return Err(format!(
                    "'{uri}' in \"objects\" is not an s3://bucket/key address"
                ));
            }
            expect.objects.push((uri.clone(), v.clone()));
        }
    }
    Ok(expect)
}

/// Event types as LocalStack's parity-test snapshots record them, which is how the AWS-recorded
/// suites came to us. Its Parallel transformer sorts the events between `ParallelStateStarted`
/// and each closing Parallel event; written as a slice assignment on the list it walks, it also
/// drops events: the `ParallelStateSucceeded` before a `ParallelStateExited`, and in nested
/// Parallels the inner `ParallelStateExited` and the outer `ParallelStateSucceeded` too. This
/// is that walk, step for step (the order within is left as it is: types compare as multisets).
/// The interpreter writes a `ParallelStateExited` for every Parallel, as AWS does, and (like
/// every recording we have) no `ParallelStateSucceeded`.
pub fn as_snapshotted(mut events: Vec<String>) -> Vec<String> {
    const CLOSING: [&str; 4] = [
        "ParallelStateSucceeded",
        "ParallelStateAborted",
        "ParallelStateExited",
        "ParallelStateFailed",
    ];
    let (mut start, mut inside, mut open) = (0, Vec::new(), false);
    let mut i = 0;
    while i < events.len() {
        if CLOSING.contains(&events[i].as_str()) {
            // `events[start:i] = inside`: the events since the Parallel started, as collected
            // (a closing event among them is lost); the collection is not reset.
            let end = i.max(start);
            events.splice(start..end, inside.clone());
            open = false;
        } else if events[i] == "ParallelStateStarted" {
            open = true;
            inside.clear();
            start = i + 1;
        } else if open {
            inside.push(events[i].clone());
        }
        i += 1;
    }
    events
}

fn has_type(v: &Value, types: &[&str]) -> bool {
    match v {
        Value::Object(m) => {
            m.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| types.contains(&t))
                || m.values().any(|x| has_type(x, types))
        }
        Value::Array(a) => a.iter().any(|x| has_type(x, types)),
        _ => false,
    }
}

fn fail(
    pointer: impl Into<String>,
    expected: impl Into<String>,
    got: impl Into<String>,
) -> Failure {
    Failure {
        pointer: pointer.into(),
        expected: expected.into(),
        got: got.into(),
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn text(v: &Value) -> String {
    v.to_string()
}

/// The first difference between `want` and `got` (numbers by value), as a pointer under `at`.
pub fn first_difference(want: &Value, got: &Value, at: &str) -> Option<Failure> {
    differences(want, got, at, 1).into_iter().next()
}

/// The differences between `want` and `got` (numbers by value), each as a pointer under `at`,
/// at most `limit` of them, in document order: a key or item on one side only is one
/// difference, values that differ in type or scalar value another.
pub fn differences(want: &Value, got: &Value, at: &str, limit: usize) -> Vec<Failure> {
    let mut out = Vec::new();
    collect_differences(want, got, at, limit, &mut out);
    out
}

fn collect_differences(want: &Value, got: &Value, at: &str, limit: usize, out: &mut Vec<Failure>) {
    if out.len() >= limit {
        return;
    }
    match (want, got) {
        (Value::Number(a), Value::Number(b)) if numbers_equal(a, b) => {}
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                let here = format!("{at}/{}", escape(k));
                match b.get(k) {
                    Some(w) => collect_differences(v, w, &here, limit, out),
                    None => out.push(fail(here, text(v), "nothing (the key is missing)")),
                }
                if out.len() >= limit {
                    return;
                }
            }
            let extra = b.iter().filter(|(k, _)| !a.contains_key(*k));
            for (k, w) in extra.take(limit - out.len()) {
                let here = format!("{at}/{}", escape(k));
                out.push(fail(here, "nothing (no such key)", text(w)));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                collect_differences(v, w, &format!("{at}/{i}"), limit, out);
                if out.len() >= limit {
                    return;
                }
            }
            match a.len().cmp(&b.len()) {
                std::cmp::Ordering::Equal => {}
                std::cmp::Ordering::Greater => out.push(fail(
                    format!("{at}/{}", b.len()),
                    text(&a[b.len()]),
                    format!("nothing (the array has {} items)", b.len()),
                )),
                std::cmp::Ordering::Less => out.push(fail(
                    format!("{at}/{}", a.len()),
                    format!("nothing (the array has {} items)", a.len()),
                    text(&b[a.len()]),
                )),
            }
        }
        _ if want == got => {}
        _ => out.push(fail(at, text(want), text(got))),
    }
}

fn status_name(status: &Status) -> &'static str {
    match status {
        Status::Succeeded(_) => "SUCCEEDED",
        Status::Failed { .. } => "FAILED",
        Status::TimedOut { .. } => "TIMED_OUT",
        Status::Aborted => "ABORTED",
        Status::WaitingForCallback => "WAITING_FOR_CALLBACK",
        Status::Running | Status::Paused { .. } => "RUNNING",
    }
}

fn quote(s: Option<&str>) -> String {
    s.map_or_else(|| "none".to_owned(), |s| Value::from(s).to_string())
}

/// Runs one case.
pub fn run_case(case: &TestCase) -> CaseResult {
    run_case_with(case, &RunOptions::default())
}

/// Runs one case with options.
pub fn run_case_with(case: &TestCase, options: &RunOptions) -> CaseResult {
    let start = std::time::Instant::now();
    let failure = check(case, options, None).err();
    CaseResult {
        name: case.name.clone(),
        failure,
        duration: start.elapsed(),
    }
}

/// Runs one case with options, and gives its history too (empty when the case could not start:
/// its definition, mocks or objects unusable), for [`crate::coverage`].
pub fn run_case_recorded(
    case: &TestCase,
    options: &RunOptions,
) -> (CaseResult, Vec<crate::history::HistoryEvent>) {
    let start = std::time::Instant::now();
    let mut history = Vec::new();
    let failure = check(case, options, Some(&mut history)).err();
    let result = CaseResult {
        name: case.name.clone(),
        failure,
        duration: start.elapsed(),
    };
    (result, history)
}

/// Runs the cases of a file whose names contain `filter` (all when `None`).
pub fn run_file(file: &TestFile, filter: Option<&str>) -> Vec<CaseResult> {
    run_file_with(file, filter, &RunOptions::default())
}

/// Runs the cases of a file whose names contain `filter`, with options.
pub fn run_file_with(
    file: &TestFile,
    filter: Option<&str>,
    options: &RunOptions,
) -> Vec<CaseResult> {
    file.cases
        .iter()
        .filter(|c| filter.is_none_or(|f| c.name.contains(f)))
        .map(|c| run_case_with(c, options))
        .collect()
}

/// The store a case runs with: its directory (or the options') read through, its files and
/// every write kept in memory. `None` when there is neither directory nor file.
pub fn store_for(objects: &Objects, options: &RunOptions) -> Option<Arc<Overlay>> {
    let root = objects.root.as_ref().or(options.s3_root.as_ref());
    if root.is_none() && objects.files.is_empty() {
        return None;
    }
    let top = objects
        .files
        .iter()
        .fold(MemoryStore::new(), |m, (b, k, body)| {
            m.with_object(b, k, body)
        });
    let base: Arc<dyn ObjectStore> = match root {
        Some(dir) => Arc::new(DirStore::new(dir)),
        None => Arc::new(MemoryStore::new()),
    };
    Some(Arc::new(Overlay::new(base, top)))
}

/// The first difference between the expected objects and the store's.
fn check_objects(want: &[(String, Value)], store: Option<&Overlay>) -> Result<(), Failure> {
    for (uri, want) in want {
        let here = format!("/objects/{}", escape(uri));
        let got = store
            .zip(parse_s3_uri(uri))
            .and_then(|(s, (bucket, key))| s.get(bucket, key).ok());
        let Some(body) = got else {
            return Err(fail(here, text(want), "nothing (no such object)"));
        };
        let body = String::from_utf8_lossy(&body).into_owned();
        let got = serde_json::from_str::<Value>(&body).unwrap_or(Value::String(body));
        if let Some(d) = first_difference(want, &got, &here) {
            return Err(d);
        }
    }
    Ok(())
}

fn check(
    case: &TestCase,
    options: &RunOptions,
    history: Option<&mut Vec<crate::history::HistoryEvent>>,
) -> Result<(), Failure> {
    let definition = case
        .definition
        .as_ref()
        .map_err(|e| fail("/definition", "a readable definition", e.clone()))?;
    // A test reports what happens: its definition is already substituted, and runs unvalidated.
    let mut setup = RunSetup::new(Document::from_value((**definition).clone(), Format::Json));
    setup.validate = false;
    setup.config.workflow_type = case.workflow_type;
    if let Some(name) = &case.state_machine_name {
        setup.config.state_machine_name.clone_from(name);
    }
    let mut prepared = setup.prepare().map_err(|e| {
        fail(
            "/definition",
            "a definition that compiles",
            format!("\"{e}\""),
        )
    })?;
    let mut tasks = case
        .mocks
        .as_ref()
        .map_err(|e| fail("/mocks", "usable mocks", e.clone()))?
        .tasks();
    let backends = match (&case.backends, &options.backends) {
        (Some(own), Some(under)) => Some(own.over(under)),
        (Some(own), None) => Some((**own).clone()),
        (None, Some(under)) => Some((**under).clone()),
        (None, None) => None,
    };
    if let Some(mut config) = backends.filter(|c| !c.is_empty()) {
        // `--backends FILE` saying `lambdas: template` means each case's template.
        if let Some(Lambdas::Template(t @ None)) = &mut config.lambdas {
            t.clone_from(&case.template);
        }
        let consent = if options.allow_backends {
            Consent::ALL
        } else {
            Consent::default()
        };
        let mut backends = Backends::new(config, consent).map_err(|e| {
            let mut message = e.to_string();
            if matches!(e, crate::tasks::backends::BackendsError::NotAllowed(_)) {
                message.push_str(
                    "; run `stepcraft test --allow-backends` (or --backends FILE) to let it",
                );
            }
            fail("/backends", "backends that can run", message)
        })?;
        if backends.config().aws.is_some() {
            let connector = options.aws.as_ref().ok_or_else(|| {
                fail(
                    "/backends/aws",
                    "backends that can run",
                    "\"aws\" needs an AWS client, which this build of the test runner does not have: run the case with `stepcraft test`".to_owned(),
                )
            })?;
            backends
                .connect_aws(connector.0.as_ref())
                .map_err(|e| fail("/backends/aws", "backends that can run", e.to_string()))?;
        }
        tasks = Tasks::Backends {
            backends: Arc::new(backends),
            fallback: Box::new(tasks),
        };
    }
    let resolver = tasks
        .resolver()
        .map_err(|e| fail("/mocks", "usable mocks", e.to_string()))?;
    let objects = case
        .objects
        .as_ref()
        .map_err(|e| fail("/s3Root", "usable objects (s3Root, files)", e.clone()))?;
    let store = store_for(objects, options);
    prepared.config.objects = store.clone().map(|s| s as Arc<dyn ObjectStore>);
    let mut execution = prepared.start_with(Val::from(&case.input), resolver);
    let status = run_to_end(&mut execution).clone();
    if let Some(history) = history {
        history.extend(execution.history().iter().cloned());
    }
    let expect = &case.expect;
    let got_status = status_name(&status);
    let describe = || match &status {
        Status::Failed { error, cause } | Status::TimedOut { error, cause } => format!(
            "\"{got_status}\" (error {}, cause {})",
            quote(Some(error)),
            quote(cause.as_deref())
        ),
        _ => format!("\"{got_status}\""),
    };
    if expect.status != got_status {
        return Err(fail(
            "/status",
            format!("\"{}\"", expect.status),
            describe(),
        ));
    }
    match &status {
        Status::Succeeded(output) => {
            let output = output.to_value();
            if let Some(want) = &expect.output
                && let Some(d) = first_difference(want, &output, "/output")
            {
                return Err(d);
            }
            for (ptr, want) in &expect.output_contains {
                let here = format!("/output{ptr}");
                match output.pointer(ptr) {
                    Some(got) => {
                        if let Some(d) = first_difference(want, got, &here) {
                            return Err(d);
                        }
                    }
                    None => return Err(fail(here, text(want), "nothing (no such value)")),
                }
            }
        }
        Status::Failed { error, cause } | Status::TimedOut { error, cause } => {
            if let Some(want) = &expect.error {
                let got = Some(&**error).filter(|e| !e.is_empty());
                if want.as_deref() != got {
                    return Err(fail("/error", quote(want.as_deref()), quote(got)));
                }
            }
            match &expect.cause {
                None => {}
                Some(CauseCheck::Text(want)) if want.as_deref() != cause.as_deref() => {
                    return Err(fail(
                        "/cause",
                        quote(want.as_deref()),
                        quote(cause.as_deref()),
                    ));
                }
                Some(CauseCheck::Text(_)) => {}
                Some(CauseCheck::Json(want)) => {
                    let parsed: Option<Value> =
                        cause.as_deref().and_then(|c| serde_json::from_str(c).ok());
                    match parsed {
                        Some(got) => {
                            if let Some(d) = first_difference(want, &got, "/cause") {
                                return Err(d);
                            }
                        }
                        None => {
                            return Err(fail("/cause", text(want), quote(cause.as_deref())));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    if let Some(want) = &expect.path {
        let got: Vec<Value> = execution
            .history()
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::StateEntered { name, .. } => Some(Value::from(&**name)),
                _ => None,
            })
            .collect();
        let want: Vec<Value> = want.iter().map(|s| Value::from(s.as_str())).collect();
        if let Some(d) = first_difference(&Value::Array(want), &Value::Array(got), "/path") {
            return Err(d);
        }
    }
    if let Some(want) = &expect.history_types {
        let mut want: Vec<String> = want.clone();
        let mut got: Vec<String> = execution
            .history()
            .iter()
            .map(|e| e.kind.type_name())
            .collect();
        if expect.snapshotted {
            got = as_snapshotted(got);
        }
        let unordered = has_type(definition, &["Parallel", "Map"]);
        if unordered {
            want.sort_unstable();
            got.sort_unstable();
        }
        let to_value = |v: Vec<String>| Value::Array(v.into_iter().map(Value::from).collect());
        if let Some(mut d) = first_difference(&to_value(want), &to_value(got), "/historyTypes") {
            if unordered {
                d.expected
                    .push_str(" (types compared sorted: Parallel/Map)");
            }
            return Err(d);
        }
    }
    check_objects(&expect.objects, store.as_deref())
}
