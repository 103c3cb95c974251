//! Step Functions calls for deploying definitions and working with executions, each blocking
//! on the client's own current-thread runtime and returning plain data or an [`AwsError`].

use crate::{AwsError, ClientConfig, runtime};
use aws_sdk_sfn::Client;
use aws_sdk_sfn::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_sfn::config::retry::RetryConfig;
use aws_sdk_sfn::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sfn::error::BoxError;
use aws_sdk_sfn::primitives::DateTime;
use aws_sdk_sfn::types::{
    CloudWatchLogsLogGroup, ExecutionStatus, LogDestination, LogLevel, LoggingConfiguration,
    StateMachineType, Tag, TracingConfiguration, ValidateStateMachineDefinitionResultCode,
    ValidateStateMachineDefinitionSeverity,
};
use serde_json::{Map, Value, json};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use stepcraft::sidecar::Logging;
use stepcraft::validate::WorkflowType;
use tokio::runtime::Runtime;

/// A Step Functions client with its runtime.
#[derive(Debug)]
pub struct Sfn {
    runtime: Runtime,
    client: Client,
}

/// One problem AWS's ValidateStateMachineDefinition found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// `ERROR` or `WARNING`.
    pub is_error: bool,
    /// AWS's code (`SCHEMA_VALIDATION_FAILED`).
    pub code: String,
    /// AWS's message.
    pub message: String,
    /// Where, as AWS gives it (a JSON path such as `/States/Start/Type`).
    pub location: Option<String>,
}

/// ValidateStateMachineDefinition's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Validation {
    /// The service checked the definition.
    Checked(Vec<Diagnostic>),
    /// The endpoint does not implement the call (a local emulator); nothing was checked.
    NotImplemented(String),
}

/// A state machine in ListStateMachines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateMachineSummary {
    /// Its name.
    pub name: String,
    /// Its ARN.
    pub arn: String,
    /// Its type; `None` for one this version does not know.
    pub workflow_type: Option<WorkflowType>,
}

/// What a deploy did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deployed {
    /// The state machine's ARN.
    pub arn: String,
    /// The version's ARN, when one was published.
    pub version_arn: Option<String>,
    /// Whether it was created (else updated).
    pub created: bool,
}

/// What to deploy: the definition and the settings AWS keeps beside it.
#[derive(Debug, Clone, Default)]
pub struct DeploySpec<'a> {
    /// The state machine's name.
    pub name: &'a str,
    /// The definition's JSON text, placeholders filled.
    pub definition: &'a str,
    /// STANDARD or EXPRESS; `None`: STANDARD when creating, the machine's own when updating.
    pub workflow: Option<WorkflowType>,
    /// The execution role; needed to create, kept when updating without one.
    pub role: Option<&'a str>,
    /// Publish a version.
    pub publish: bool,
    /// The version's description.
    pub version_description: Option<&'a str>,
    /// Logging; `None`: AWS's default when creating, unchanged when updating.
    pub logging: Option<&'a Logging>,
    /// X-Ray tracing; `None`: off when creating, unchanged when updating.
    pub tracing: Option<bool>,
    /// The tags it has after the deploy: when updating, keys not listed are removed;
    /// `None`: none when creating, unchanged when updating.
    pub tags: Option<&'a [(String, String)]>,
}

fn logging_configuration(logging: &Logging) -> LoggingConfiguration {
    let destinations = logging.log_group_arn.as_ref().map(|arn| {
        vec![
            LogDestination::builder()
                .cloud_watch_logs_log_group(
                    CloudWatchLogsLogGroup::builder().log_group_arn(arn).build(),
                )
                .build(),
        ]
    });
    LoggingConfiguration::builder()
        .level(LogLevel::from(logging.level.as_str()))
        .include_execution_data(logging.include_execution_data)
        .set_destinations(destinations)
        .build()
}

fn tags(tags: &[(String, String)]) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

/// The keys of `current` that `wanted` no longer lists.
fn unwanted(current: &[(String, String)], wanted: &[(String, String)]) -> Vec<String> {
    current
        .iter()
        .filter(|(k, _)| !wanted.iter().any(|(w, _)| w == k))
        .map(|(k, _)| k.clone())
        .collect()
}

/// An execution in ListExecutions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionSummary {
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`, `PENDING_REDRIVE`.
    pub status: String,
    /// When it started (RFC 3339).
    pub start: String,
    /// When it stopped (RFC 3339).
    pub stop: Option<String>,
}

/// DescribeExecution's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionInfo {
    /// The execution's ARN.
    pub arn: String,
    /// Its status.
    pub status: String,
    /// DescribeExecution's answer as AWS's CLI prints it (camelCase keys, RFC 3339 times).
    pub json: Value,
}

impl ExecutionInfo {
    /// Whether it is still going.
    pub fn is_running(&self) -> bool {
        self.status == ExecutionStatus::Running.as_str()
    }

    /// A string field of the answer (`output`, `error`, `cause`).
    pub fn field(&self, key: &str) -> Option<&str> {
        self.json.get(key).and_then(Value::as_str)
    }
}

/// A time as RFC 3339 with milliseconds, as the histories the engine writes have it.
pub fn format_time(t: &DateTime) -> String {
    t.to_millis()
        .map_or_else(|_| t.to_string(), stepcraft::history::format_timestamp)
}

fn sdk_type(workflow: WorkflowType) -> StateMachineType {
    match workflow {
        WorkflowType::Standard => StateMachineType::Standard,
        WorkflowType::Express => StateMachineType::Express,
    }
}

fn our_type(sdk: &StateMachineType) -> Option<WorkflowType> {
    match sdk {
        StateMachineType::Standard => Some(WorkflowType::Standard),
        StateMachineType::Express => Some(WorkflowType::Express),
        _ => None,
    }
}

impl Sfn {
    /// A client for `config`, on a runtime of its own.
    pub fn connect(config: &ClientConfig) -> Result<Self, AwsError> {
        let runtime = runtime()?;
        let sdk = config.load_blocking(&runtime)?;
        Ok(Self {
            runtime,
            client: Client::new(&sdk),
        })
    }

    /// The SDK client, for calls this module does not wrap.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn block<T>(&self, f: impl Future<Output = T>) -> T {
        self.runtime.block_on(f)
    }

    /// ValidateStateMachineDefinition, tried once: a pre-check should not hold a deploy up
    /// retrying an endpoint that lacks it (moto answers HTTP 500, which the SDK retries).
    pub fn validate_definition(
        &self,
        definition: &str,
        workflow: WorkflowType,
    ) -> Result<Validation, AwsError> {
        const OP: &str = "ValidateStateMachineDefinition";
        let answer = self.block(
            self.client
                .validate_state_machine_definition()
                .definition(definition)
                .r#type(sdk_type(workflow))
                .customize()
                .config_override(
                    aws_sdk_sfn::config::Builder::default()
                        .retry_config(RetryConfig::standard().with_max_attempts(1)),
                )
                .send(),
        );
        let out = match answer {
            Ok(out) => out,
            Err(e) => {
                let e = AwsError::from_sdk(OP, &e);
                return if e.kind == crate::error::ErrorKind::NotImplemented {
                    Ok(Validation::NotImplemented(e.message))
                } else {
                    Err(e)
                };
            }
        };
        let diagnostics = out
            .diagnostics()
            .iter()
            .map(|d| Diagnostic {
                is_error: *d.severity() == ValidateStateMachineDefinitionSeverity::Error,
                code: d.code().to_owned(),
                message: d.message().to_owned(),
                location: d.location().map(str::to_owned),
            })
            .collect::<Vec<_>>();
        if *out.result() == ValidateStateMachineDefinitionResultCode::Fail
            && !diagnostics.iter().any(|d| d.is_error)
        {
            return Ok(Validation::Checked(vec![Diagnostic {
                is_error: true,
                code: "FAIL".to_owned(),
                message: "AWS refused the definition without saying why".to_owned(),
                location: None,
            }]));
        }
        Ok(Validation::Checked(diagnostics))
    }

    /// Every state machine (ListStateMachines, all pages).
    pub fn list_state_machines(&self) -> Result<Vec<StateMachineSummary>, AwsError> {
        every_page(|token| {
            let page = self
                .block(
                    self.client
                        .list_state_machines()
                        .max_results(1000)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| AwsError::from_sdk("ListStateMachines", &e))?;
            let items = page.state_machines().iter().map(|m| StateMachineSummary {
                name: m.name().to_owned(),
                arn: m.state_machine_arn().to_owned(),
                workflow_type: our_type(m.r#type()),
            });
            Ok((items.collect(), page.next_token().map(str::to_owned)))
        })
    }

    /// The state machine called `name`, if there is one.
    pub fn find_state_machine(&self, name: &str) -> Result<Option<StateMachineSummary>, AwsError> {
        Ok(self
            .list_state_machines()?
            .into_iter()
            .find(|m| m.name == name))
    }

    /// DescribeStateMachine.
    fn describe(
        &self,
        arn: &str,
    ) -> Result<aws_sdk_sfn::operation::describe_state_machine::DescribeStateMachineOutput, AwsError>
    {
        self.block(
            self.client
                .describe_state_machine()
                .state_machine_arn(arn)
                .send(),
        )
        .map_err(|e| AwsError::from_sdk("DescribeStateMachine", &e))
    }

    /// The definition a state machine has now.
    pub fn definition_of(&self, arn: &str) -> Result<String, AwsError> {
        Ok(self.describe(arn)?.definition().to_owned())
    }

    /// A state machine's type; `None` for one this version does not know.
    fn type_of(&self, arn: &str) -> Result<Option<WorkflowType>, AwsError> {
        Ok(our_type(self.describe(arn)?.r#type()))
    }

    /// Creates the state machine `name`, or updates the one of that name (same ARN). `role` is
    /// needed to create; an update without one keeps the role it has. A `workflow` type that
    /// differs from the existing machine's is refused: AWS cannot change it.
    pub fn deploy(&self, spec: &DeploySpec<'_>) -> Result<Deployed, AwsError> {
        let DeploySpec {
            name,
            definition,
            workflow,
            role,
            publish,
            version_description,
            ..
        } = *spec;
        let logging = spec.logging.map(logging_configuration);
        let tracing = spec
            .tracing
            .map(|on| TracingConfiguration::builder().enabled(on).build());
        if let Some(existing) = self.find_state_machine(name)? {
            // ListStateMachines may leave the type out (moto does): DescribeStateMachine then.
            let has = match (workflow, existing.workflow_type) {
                (None, _) => None,
                (Some(_), Some(t)) => Some(t),
                (Some(_), None) => self.type_of(&existing.arn)?,
            };
            if let (Some(w), Some(has)) = (workflow, has)
                && w != has
            {
                return Err(AwsError::setup(
                    format!(
                        "the state machine {name} is {}; its type cannot change to {}",
                        has.as_str(),
                        w.as_str()
                    ),
                    "deploy under another --name, or delete the state machine first",
                ));
            }
            let out = self
                .block(
                    self.client
                        .update_state_machine()
                        .state_machine_arn(&existing.arn)
                        .definition(definition)
                        .set_role_arn(role.map(str::to_owned))
                        .set_logging_configuration(logging)
                        .set_tracing_configuration(tracing)
                        .publish(publish)
                        .set_version_description(
                            version_description.filter(|_| publish).map(str::to_owned),
                        )
                        .send(),
                )
                .map_err(|e| AwsError::from_sdk("UpdateStateMachine", &e))?;
            if let Some(wanted) = spec.tags {
                self.retag(&existing.arn, wanted)?;
            }
            return Ok(Deployed {
                arn: existing.arn,
                version_arn: out.state_machine_version_arn().map(str::to_owned),
                created: false,
            });
        }
        let Some(role) = role else {
            return Err(AwsError::setup(
                format!("no state machine is named {name} yet, and creating one needs an IAM role"),
                "pass --role-arn arn:aws:iam::ACCOUNT:role/NAME (or set STEPCRAFT_ROLE_ARN): the role Step Functions assumes to run it",
            ));
        };
        let out = self
            .block(
                self.client
                    .create_state_machine()
                    .name(name)
                    .definition(definition)
                    .role_arn(role)
                    .r#type(sdk_type(workflow.unwrap_or(WorkflowType::Standard)))
                    .set_logging_configuration(logging)
                    .set_tracing_configuration(tracing)
                    .set_tags(spec.tags.and_then(tags))
                    .publish(publish)
                    .set_version_description(
                        version_description.filter(|_| publish).map(str::to_owned),
                    )
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("CreateStateMachine", &e))?;
        Ok(Deployed {
            arn: out.state_machine_arn().to_owned(),
            version_arn: out.state_machine_version_arn().map(str::to_owned),
            created: true,
        })
    }

    /// The tags a resource has (ListTagsForResource), in AWS's order.
    pub fn tags_of(&self, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
        let out = self
            .block(
                self.client
                    .list_tags_for_resource()
                    .resource_arn(arn)
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("ListTagsForResource", &e))?;
        Ok(out
            .tags()
            .iter()
            .map(|t| {
                (
                    t.key().unwrap_or_default().to_owned(),
                    t.value().unwrap_or_default().to_owned(),
                )
            })
            .collect())
    }

    /// Makes `wanted` the resource's tags: UntagResource for the keys it has and `wanted` does
    /// not list, TagResource for `wanted` (new keys and changed values).
    fn retag(&self, arn: &str, wanted: &[(String, String)]) -> Result<(), AwsError> {
        let gone = unwanted(&self.tags_of(arn)?, wanted);
        if !gone.is_empty() {
            self.block(
                self.client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(gone))
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("UntagResource", &e))?;
        }
        if let Some(tags) = tags(wanted) {
            self.block(
                self.client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(tags))
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("TagResource", &e))?;
        }
        Ok(())
    }

    /// StartExecution: the execution's ARN.
    pub fn start_execution(
        &self,
        state_machine_arn: &str,
        input: &str,
        name: Option<&str>,
    ) -> Result<String, AwsError> {
        let out = self
            .block(
                self.client
                    .start_execution()
                    .state_machine_arn(state_machine_arn)
                    .input(input)
                    .set_name(name.map(str::to_owned))
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("StartExecution", &e))?;
        Ok(out.execution_arn().to_owned())
    }

    /// DescribeExecution.
    pub fn describe_execution(&self, arn: &str) -> Result<ExecutionInfo, AwsError> {
        let out = self
            .block(self.client.describe_execution().execution_arn(arn).send())
            .map_err(|e| AwsError::from_sdk("DescribeExecution", &e))?;
        let mut json = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                json.insert(k.to_owned(), v);
            }
        };
        put("executionArn", Some(json!(out.execution_arn())));
        put("stateMachineArn", Some(json!(out.state_machine_arn())));
        put("name", out.name().map(|s| json!(s)));
        put("status", Some(json!(out.status().as_str())));
        put("startDate", Some(json!(format_time(out.start_date()))));
        put("stopDate", out.stop_date().map(|t| json!(format_time(t))));
        put("input", out.input().map(|s| json!(s)));
        put("output", out.output().map(|s| json!(s)));
        put("error", out.error().map(|s| json!(s)));
        put("cause", out.cause().map(|s| json!(s)));
        put("redriveCount", out.redrive_count().map(|n| json!(n)));
        put(
            "redriveStatus",
            out.redrive_status().map(|s| json!(s.as_str())),
        );
        put(
            "redriveStatusReason",
            out.redrive_status_reason().map(|s| json!(s)),
        );
        Ok(ExecutionInfo {
            arn: out.execution_arn().to_owned(),
            status: out.status().as_str().to_owned(),
            json: Value::Object(json),
        })
    }

    /// Polls DescribeExecution until the execution is no longer running: every 100 ms at
    /// first, backing off to 2 s.
    pub fn wait_for(&self, arn: &str) -> Result<ExecutionInfo, AwsError> {
        let mut pause = Duration::from_millis(100);
        loop {
            let info = self.describe_execution(arn)?;
            if !info.is_running() {
                return Ok(info);
            }
            std::thread::sleep(pause);
            pause = (pause * 3 / 2).min(Duration::from_secs(2));
        }
    }

    /// ListExecutions, all pages, optionally only those with `status`.
    pub fn list_executions(
        &self,
        state_machine_arn: &str,
        status: Option<&str>,
    ) -> Result<Vec<ExecutionSummary>, AwsError> {
        every_page(|token| {
            let page = self
                .block(
                    self.client
                        .list_executions()
                        .state_machine_arn(state_machine_arn)
                        .set_status_filter(
                            status.map(|s| ExecutionStatus::from(s.to_ascii_uppercase().as_str())),
                        )
                        .max_results(1000)
                        .set_next_token(token)
                        .send(),
                )
                .map_err(|e| AwsError::from_sdk("ListExecutions", &e))?;
            let items = page.executions().iter().map(|e| ExecutionSummary {
                arn: e.execution_arn().to_owned(),
                name: e.name().to_owned(),
                status: e.status().as_str().to_owned(),
                start: format_time(e.start_date()),
                stop: e.stop_date().map(format_time),
            });
            Ok((items.collect(), page.next_token().map(str::to_owned)))
        })
    }

    /// StopExecution: when it stopped.
    pub fn stop_execution(
        &self,
        arn: &str,
        error: Option<&str>,
        cause: Option<&str>,
    ) -> Result<String, AwsError> {
        let out = self
            .block(
                self.client
                    .stop_execution()
                    .execution_arn(arn)
                    .set_error(error.map(str::to_owned))
                    .set_cause(cause.map(str::to_owned))
                    .send(),
            )
            .map_err(|e| AwsError::from_sdk("StopExecution", &e))?;
        Ok(format_time(out.stop_date()))
    }

    /// RedriveExecution: when it was redriven.
    pub fn redrive_execution(&self, arn: &str) -> Result<String, AwsError> {
        let out = self
            .block(self.client.redrive_execution().execution_arn(arn).send())
            .map_err(|e| AwsError::from_sdk("RedriveExecution", &e))?;
        Ok(format_time(out.redrive_date()))
    }

    /// GetExecutionHistory, every page, as AWS's JSON: `{"events": [...]}` with each event as
    /// the service sent it (every event type and detail kept, unknown ones too), timestamps as
    /// RFC 3339 text as the AWS CLI prints them.
    pub fn execution_history(&self, arn: &str) -> Result<Value, AwsError> {
        const OP: &str = "GetExecutionHistory";
        let events = every_page(|token| {
            let body = RawBody::default();
            let page = self
                .block(
                    self.client
                        .get_execution_history()
                        .execution_arn(arn)
                        .max_results(1000)
                        .set_next_token(token)
                        .customize()
                        .interceptor(body.clone())
                        .send(),
                )
                .map_err(|e| AwsError::from_sdk(OP, &e))?;
            let raw = body.take().ok_or_else(|| AwsError {
                operation: OP,
                kind: crate::error::ErrorKind::Response,
                code: None,
                message: "the answer's body was not kept".to_owned(),
                hint: String::new(),
            })?;
            let value: Value = serde_json::from_slice(&raw).map_err(|e| AwsError {
                operation: OP,
                kind: crate::error::ErrorKind::Response,
                code: None,
                message: format!("the answer is not JSON: {e}"),
                hint: String::new(),
            })?;
            let page_events = match value.get("events") {
                Some(Value::Array(page_events)) => {
                    page_events.iter().cloned().map(with_text_time).collect()
                }
                _ => Vec::new(),
            };
            Ok((page_events, page.next_token().map(str::to_owned)))
        })?;
        Ok(json!({ "events": events }))
    }
}

/// An event with its epoch-seconds `timestamp` (the wire format) written as RFC 3339.
fn with_text_time(mut event: Value) -> Value {
    if let Some(t) = event.get_mut("timestamp")
        && let Some(secs) = t.as_f64()
    {
        *t = json!(stepcraft::history::format_timestamp(
            (secs * 1000.0).round() as i64
        ));
    }
    event
}

/// Keeps the body of a call's answer, as the service sent it.
#[derive(Debug, Clone, Default)]
struct RawBody(Arc<Mutex<Option<Vec<u8>>>>);

impl RawBody {
    fn take(&self) -> Option<Vec<u8>> {
        self.0.lock().ok().and_then(|mut b| b.take())
    }
}

impl Intercept for RawBody {
    fn name(&self) -> &'static str {
        "RawBody"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = context.response().body().bytes()
            && let Ok(mut kept) = self.0.lock()
        {
            *kept = Some(bytes.to_vec());
        }
        Ok(())
    }
}

/// Every page of a paginated call: `page` fetches one (given the token the previous page
/// ended with) and returns its items and the next token; no token, or an empty one, ends it.
fn every_page<T>(
    mut page: impl FnMut(Option<String>) -> Result<(Vec<T>, Option<String>), AwsError>,
) -> Result<Vec<T>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let (items, next) = page(token.take())?;
        out.extend(items);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => return Ok(out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn only_keys_no_longer_wanted_are_untagged() {
        let current = pairs(&[("a", "1"), ("b", "2")]);
        let wanted = pairs(&[("b", "3"), ("c", "4")]);
        assert_eq!(unwanted(&current, &wanted), ["a"]);
        assert!(unwanted(&current, &current).is_empty());
        assert_eq!(unwanted(&current, &[]), ["a", "b"]);
    }

    #[test]
    fn both_workflow_types_map_to_the_sdk_and_back() {
        for w in [WorkflowType::Standard, WorkflowType::Express] {
            assert_eq!(our_type(&sdk_type(w)), Some(w));
            assert_eq!(sdk_type(w).as_str(), w.as_str());
        }
    }
}
