//! A distributed Map's ResultWriter: the results of its child executions written to the object
//! store as Step Functions writes them to S3, and the Map output that points at them.
//!
//! Under `Prefix/<map run id>/` go `SUCCEEDED_0.json`, `FAILED_0.json` (each only when some child
//! ended that way) and `manifest.json`:
//! `{"DestinationBucket", "MapRunArn", "ResultFiles": {"FAILED": [{"Key", "Size"}], "PENDING": [],
//! "SUCCEEDED": [...]}}`. The Map's result is then
//! `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key": "<the manifest>"}}`.
//!
//! Choices where AWS does not document the details (each covered by a test in
//! `tests/item_reader.rs`):
//! - one file a status: AWS starts a new one past 5 GB, which no local run reaches;
//! - `PENDING` stays empty: children that never started are not executions, and the ones still
//!   running when the Map fails are stopped and recorded in `FAILED` with the status `ABORTED`;
//! - `OutputType: JSONL` writes JSON Lines into the same file names;
//! - a succeeded child's record carries `RedriveCount`, `RedriveStatus` and
//!   `RedriveStatusReason` as AWS's examples show; failed ones carry `Error` and `Cause` instead
//!   of `Output`, and no redrive fields (their redrive status depends on the parent).

use super::dataset::Payload;
use super::jsonata::JTemplate;
use crate::history::{Millis, format_timestamp};
use crate::tasks::objects::ObjectStore;
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

/// A compiled ResultWriter.
#[derive(Debug, Clone)]
pub struct Writer {
    /// `arn:aws:states:::s3:putObject` when the results are exported.
    pub resource: Option<Arc<str>>,
    /// `Parameters` or `Arguments`: the `Bucket` and `Prefix`.
    pub payload: Option<Payload>,
    /// `WriterConfig` (evaluated in JSONata).
    pub config: Option<JTemplate>,
}

use crate::model::dataset::one_of;
pub use crate::model::dataset::{OutputType, Transformation};

/// An evaluated WriterConfig.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriterConfig {
    /// How results are shaped.
    pub transformation: Transformation,
    /// How exported files are written.
    pub output_type: OutputType,
}

impl WriterConfig {
    /// Reads an evaluated `WriterConfig` (`None`: not given); the default transformation
    /// depends on whether results are exported.
    pub fn from_value(config: Option<&Val>, exporting: bool) -> Result<Self, String> {
        let mut out = Self {
            transformation: if exporting {
                Transformation::None
            } else {
                Transformation::Compact
            },
            output_type: OutputType::Json,
        };
        let Some(config) = config else {
            return Ok(out);
        };
        let Some(map) = config.as_object() else {
            return Err(format!("WriterConfig must be an object, not {config}."));
        };
        let value = |field: &str| map.get(field).map(|v| v.as_str());
        match value("Transformation") {
            None => {}
            Some(name) => {
                out.transformation = name.and_then(Transformation::from_name).ok_or_else(|| {
                    format!(
                        "WriterConfig.Transformation must be {}.",
                        one_of(Transformation::NAMES)
                    )
                })?;
            }
        }
        match value("OutputType") {
            None => {}
            Some(name) => {
                out.output_type = name.and_then(OutputType::from_name).ok_or_else(|| {
                    format!(
                        "WriterConfig.OutputType must be {}.",
                        one_of(OutputType::NAMES)
                    )
                })?;
            }
        }
        Ok(out)
    }
}

/// How a child execution ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ChildEnd {
    /// Still running (not yet recorded).
    Running,
    /// It succeeded with this output.
    Succeeded(Val),
    /// It failed.
    Failed {
        /// The error.
        error: Arc<str>,
        /// The cause.
        cause: Option<Arc<str>>,
    },
    /// The Map stopped it.
    Aborted,
}

/// One child execution of a Map Run.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildRun {
    /// Its execution name.
    pub name: String,
    /// Its input.
    pub input: Val,
    /// When it started.
    pub started: Millis,
    /// When it stopped.
    pub stopped: Millis,
    /// How it ended.
    pub end: ChildEnd,
}

/// The ARNs of a Map Run and its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRun {
    /// `arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:ID`.
    pub arn: String,
    /// The run's id (the last part of the ARN).
    pub id: String,
    /// `arn:aws:states:REGION:ACCOUNT:stateMachine:MACHINE/LABEL`: what the children run.
    pub child_machine_arn: String,
    /// The children's execution ARNs without their names (`...:express:MACHINE/LABEL:`).
    pub child_execution_prefix: String,
}

impl MapRun {
    /// The ARNs for a Map Run `id` of the Map labelled `label` in the machine `machine_arn`.
    pub fn new(machine_arn: &str, label: &str, id: &str, express_children: bool) -> Self {
        let kind = if express_children {
            ":express:"
        } else {
            ":execution:"
        };
        Self {
            arn: format!(
                "{}/{label}:{id}",
                machine_arn.replacen(":stateMachine:", ":mapRun:", 1)
            ),
            id: id.to_owned(),
            child_machine_arn: format!("{machine_arn}/{label}"),
            child_execution_prefix: format!(
                "{}/{label}:",
                machine_arn.replacen(":stateMachine:", kind, 1)
            ),
        }
    }
}

/// Where exported results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The bucket.
    pub bucket: String,
    /// The key prefix (`""` or ending with `/`).
    pub prefix: String,
}

impl Target {
    /// Reads the evaluated `Parameters`/`Arguments` of a ResultWriter.
    pub fn from_value(payload: &Val) -> Result<Self, String> {
        let bucket = match payload.get("Bucket") {
            Some(Val::String(b)) if !b.is_empty() => b.to_string(),
            _ => return Err("The ResultWriter needs a Bucket (a non-empty string).".to_owned()),
        };
        let prefix = match payload.get("Prefix") {
            None | Some(Val::Null) => String::new(),
            Some(Val::String(p)) => p.to_string(),
            Some(other) => {
                return Err(format!(
                    "The ResultWriter's Prefix must be a string, not {other}."
                ));
            }
        };
        let prefix = if prefix.is_empty() || prefix.ends_with('/') {
            prefix
        } else {
            format!("{prefix}/")
        };
        Ok(Self { bucket, prefix })
    }
}

/// A child's execution record, as in the exported files and the `NONE` transformation.
pub fn record(run: &MapRun, child: &ChildRun) -> Val {
    let mut m = ObjectMap::default();
    let (status, error) = match &child.end {
        ChildEnd::Succeeded(_) => ("SUCCEEDED", None),
        ChildEnd::Running => ("RUNNING", None),
        ChildEnd::Failed { error, cause } => ("FAILED", Some((error, cause))),
        ChildEnd::Aborted => ("ABORTED", None),
    };
    if let Some((error, cause)) = error {
        if let Some(cause) = cause {
            m.insert("Cause".into(), Val::String(cause.clone()));
        }
        m.insert("Error".into(), Val::String(error.clone()));
    }
    m.insert(
        "ExecutionArn".into(),
        Val::string(&format!("{}{}", run.child_execution_prefix, child.name)),
    );
    let included = || {
        let mut d = ObjectMap::default();
        d.insert("Included".into(), Val::Bool(true));
        Val::object(d)
    };
    m.insert("Input".into(), Val::string(&child.input.to_json_string()));
    m.insert("InputDetails".into(), included());
    m.insert("Name".into(), Val::string(&child.name));
    if let ChildEnd::Succeeded(output) = &child.end {
        m.insert("Output".into(), Val::string(&output.to_json_string()));
        m.insert("OutputDetails".into(), included());
        m.insert("RedriveCount".into(), Val::int(0));
        m.insert("RedriveStatus".into(), Val::string("NOT_REDRIVABLE"));
        m.insert(
            "RedriveStatusReason".into(),
            Val::string("Execution is SUCCEEDED and cannot be redriven."),
        );
    }
    m.insert(
        "StartDate".into(),
        Val::string(&format_timestamp(child.started)),
    );
    m.insert(
        "StateMachineArn".into(),
        Val::string(&run.child_machine_arn),
    );
    m.insert("Status".into(), Val::string(status));
    m.insert(
        "StopDate".into(),
        Val::string(&format_timestamp(child.stopped)),
    );
    Val::object(m)
}

/// The results of the succeeded children shaped by a transformation (failed children are
/// always whole records).
fn shaped(run: &MapRun, children: &[&ChildRun], transformation: Transformation) -> Vec<Val> {
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        match (&child.end, transformation) {
            (ChildEnd::Succeeded(output), Transformation::Compact) => out.push(output.clone()),
            (ChildEnd::Succeeded(Val::Array(a)), Transformation::Flatten) => {
                out.extend(a.items().iter().cloned());
            }
            (ChildEnd::Succeeded(output), Transformation::Flatten) => out.push(output.clone()),
            _ => out.push(record(run, child)),
        }
    }
    out
}

/// The Map's result when a WriterConfig shapes it and nothing is exported.
pub fn inline_results(run: &MapRun, children: &[ChildRun], config: WriterConfig) -> Val {
    let all: Vec<&ChildRun> = children.iter().collect();
    Val::array(shaped(run, &all, config.transformation))
}

fn body(values: &[Val], output_type: OutputType) -> String {
    match output_type {
        OutputType::Json => Val::array(values.to_vec()).to_json_string(),
        OutputType::Jsonl => values.iter().fold(String::new(), |mut s, v| {
            s.push_str(&v.to_json_string());
            s.push('\n');
            s
        }),
    }
}

/// The result file a child's record goes to.
fn status_file(end: &ChildEnd) -> &'static str {
    match end {
        ChildEnd::Succeeded(_) => "SUCCEEDED",
        ChildEnd::Failed { .. } | ChildEnd::Aborted => "FAILED",
        ChildEnd::Running => "PENDING",
    }
}

/// Writes the result files and the manifest; returns the Map's result.
pub fn export(
    store: &dyn ObjectStore,
    target: &Target,
    config: WriterConfig,
    run: &MapRun,
    children: &[ChildRun],
) -> Result<Val, String> {
    let base = format!("{}{}/", target.prefix, run.id);
    let mut files = ObjectMap::default();
    for status in ["FAILED", "PENDING", "SUCCEEDED"] {
        let these: Vec<&ChildRun> = children
            .iter()
            .filter(|c| status_file(&c.end) == status)
            .collect();
        let mut entries = Vec::new();
        if !these.is_empty() {
            let key = format!("{base}{status}_0.json");
            let text = body(
                &shaped(run, &these, config.transformation),
                config.output_type,
            );
            store
                .put(&target.bucket, &key, text.as_bytes())
                .map_err(|e| format!("{}: {e}", store.location(&target.bucket, &key)))?;
            let mut entry = ObjectMap::default();
            entry.insert("Key".into(), Val::string(&key));
            entry.insert(
                "Size".into(),
                Val::int(i64::try_from(text.len()).unwrap_or(i64::MAX)),
            );
            entries.push(Val::object(entry));
        }
        files.insert(status.into(), Val::array(entries));
    }
    let mut manifest = ObjectMap::default();
    manifest.insert("DestinationBucket".into(), Val::string(&target.bucket));
    manifest.insert("MapRunArn".into(), Val::string(&run.arn));
    manifest.insert("ResultFiles".into(), Val::object(files));
    let key = format!("{base}manifest.json");
    store
        .put(
            &target.bucket,
            &key,
            Val::object(manifest).to_json_string().as_bytes(),
        )
        .map_err(|e| format!("{}: {e}", store.location(&target.bucket, &key)))?;
    let mut details = ObjectMap::default();
    details.insert("Bucket".into(), Val::string(&target.bucket));
    details.insert("Key".into(), Val::string(&key));
    let mut out = ObjectMap::default();
    out.insert("MapRunArn".into(), Val::string(&run.arn));
    out.insert("ResultWriterDetails".into(), Val::object(details));
    Ok(Val::object(out))
}
