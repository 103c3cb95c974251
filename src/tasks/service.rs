//! AWS service integrations sent to AWS (or an emulator such as moto or LocalStack): the
//! `aws` key of a run's `backends`, what a Task's resource asks of which service, the request
//! on the wire, and the result and errors shaped as Step Functions shapes them.
//!
//! The engine does not sign or send anything: an [`AwsClient`] does (the `stepcraft-aws` crate
//! implements it with the AWS SDK's credential chain and SigV4 signing), given to the run's
//! [`super::backends::Backends`] through an [`AwsConnector`]. What the engine decides:
//!
//! - **Optimized integrations** (`arn:aws:states:::SERVICE:ACTION`): DynamoDB `getItem`,
//!   `putItem`, `updateItem`, `deleteItem` and `query`, SQS `sendMessage`, SNS `publish`,
//!   EventBridge `putEvents`, Lambda `invoke` (and a bare Lambda function ARN). A non-string
//!   `MessageBody` (SQS), `Message` (SNS) or entry `Detail` (EventBridge) is sent as JSON text,
//!   as Step Functions does. DynamoDB, SQS, SNS and Lambda results carry `SdkHttpMetadata`
//!   (`AllHttpHeaders`, `HttpHeaders`, `HttpStatusCode`) and `SdkResponseMetadata`
//!   (`RequestId`) beside the service's fields, as AWS's results do; EventBridge's carry the
//!   service's fields only. Errors are `PREFIX.CODE` with `Exception` added when the code lacks
//!   it (`DynamoDB.ConditionalCheckFailedException`, `SQS.QueueDoesNotExistException`,
//!   `SNS.NotFoundException`, `Lambda.ResourceNotFoundException`), the cause the service's
//!   message and `(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ...; Request ID:
//!   ...; Proxy: null)`. A PutEvents answer with a `FailedEntryCount` above 0 fails with
//!   `EventBridge.FailedEntry`, the answer as its cause. A Lambda function's own error fails
//!   with its `errorType` (else `Lambda.Unknown`), the cause its error payload.
//! - **`aws-sdk:SERVICE:ACTION`** for the services that speak AWS's JSON protocols
//!   (awsJson1.0 and 1.1: DynamoDB, SQS, EventBridge, Step Functions, Kinesis, Secrets Manager,
//!   SSM, KMS, CloudWatch Logs, ECS, Glue, Athena and more: [`JSON_SERVICES`]): the action in
//!   `X-Amz-Target`, the parameters as the body. Step Functions takes and gives PascalCase keys;
//!   for the services whose wire names are camelCase (Step Functions, CloudWatch Logs, ECS,
//!   CodeBuild, ECR, CodePipeline) every key's first letter is lowered going out and raised
//!   coming back. (Without the service models that also changes keys the user chose, such as a
//!   tag map's; the PascalCase services pass everything as written.) Errors are
//!   `SdkName.CODE` with the SDK's service name (`DynamoDb.ConditionalCheckFailedException`,
//!   `Sfn.ExecutionDoesNotExistException`), `Exception` added when missing, as AWS documents;
//!   the cause `MESSAGE (Service: DynamoDb, Status Code: 400, Request ID: ...)`. Timestamps
//!   stay as the wire gives them (epoch seconds).
//! - **Not sent**: `aws-sdk` calls to services of other protocols (REST-JSON, REST-XML, query,
//!   EC2: S3, SNS, Lambda, IAM...), optimized integrations other than those above, and the
//!   `.sync` patterns. A mock (or a command) may answer them; when nothing does, the task fails
//!   with `States.Runtime`, naming what is not supported, and the execution ends (as a runtime
//!   error does on AWS).
//!
//! With `.waitForTaskToken` the call is made and the task then waits for its callback.
//! A call that never reaches the service fails with `PREFIX.SdkClientException`, cause
//! `Unable to execute HTTP request: ...`, as AWS's SDK names it.
//!
//! Not as on AWS: PutEvents entries do not get the execution's and state machine's ARNs added
//! to their `Resources` (a Task's request does not carry them).

use super::TaskOutcome;
use super::backends::{ConfigError, err as config_error, escape};
use crate::value::Val;
use serde_json::{Map, Value, json};
use std::fmt;
use std::sync::Arc;

/// The `aws` key of a run's `backends`: where service integrations go. Anything left `None`
/// comes from the standard chain (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL`, the shared
/// files).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AwsConfig {
    /// Another endpoint for every service, such as `http://127.0.0.1:5000` (an emulator).
    pub endpoint: Option<String>,
    /// The region.
    pub region: Option<String>,
    /// A named profile of the shared config and credentials files.
    pub profile: Option<String>,
}

impl AwsConfig {
    /// Reads the value of an `aws` key found at `at` (a JSON pointer, for messages).
    pub fn parse(value: &Value, at: &str) -> Result<Self, ConfigError> {
        let map = value.as_object().ok_or_else(|| {
            config_error(
                at,
                "\"aws\" is an object: {endpoint: URL, region: NAME, profile: NAME} (each optional; {} means AWS itself, from the standard chain)",
            )
        })?;
        let mut out = Self::default();
        for (key, v) in map {
            let here = format!("{at}/{}", escape(key));
            let text = || {
                v.as_str()
                    .ok_or_else(|| config_error(&here, format!("\"{key}\" is a string")))
            };
            match key.as_str() {
                "endpoint" => {
                    out.endpoint =
                        Some(check_endpoint(text()?).map_err(|m| config_error(&here, m))?);
                }
                "region" => {
                    let r = text()?;
                    if !is_region(r) {
                        return Err(config_error(
                            &here,
                            format!(
                                "'{r}' is not a region name: write one such as us-east-1 or eu-west-2"
                            ),
                        ));
                    }
                    out.region = Some(r.to_owned());
                }
                "profile" => {
                    let p = text()?;
                    if p.trim().is_empty() {
                        return Err(config_error(
                            &here,
                            "\"profile\" names a profile of ~/.aws/config",
                        ));
                    }
                    out.profile = Some(p.to_owned());
                }
                other => {
                    return Err(config_error(
                        &here,
                        format!(
                            "unknown key \"{other}\" in \"aws\"; it takes endpoint, region and profile"
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }

    /// Where the calls go, for messages: the endpoint, or AWS.
    pub fn target(&self) -> String {
        match &self.endpoint {
            Some(e) => e.clone(),
            None => "AWS".to_owned(),
        }
    }
}

/// Checks an endpoint URL (`http://HOST[:PORT][/PATH]` or `https://...`); the URL as given, or
/// what is wrong with it.
pub fn check_endpoint(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .ok_or_else(|| {
            format!("'{url}' is not an endpoint URL: write http://HOST:PORT or https://HOST")
        })?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, Some(p)),
        _ => (authority, None),
    };
    let bad_port = port.is_some_and(|p| p.parse::<u16>().map_or(true, |n| n == 0));
    if host.is_empty() || host.contains(char::is_whitespace) || bad_port {
        return Err(format!(
            "'{url}' is not an endpoint URL: write http://HOST:PORT or https://HOST"
        ));
    }
    Ok(url.to_owned())
}

fn is_region(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 32
        && r.contains('-')
        && r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// One request on the wire, built here; the client adds the endpoint, signs and sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireRequest {
    /// The endpoint prefix (`dynamodb` in `dynamodb.us-east-1.amazonaws.com`).
    pub endpoint_prefix: &'static str,
    /// The name the request is signed for (`dynamodb`, `states`, `sns`).
    pub signing_name: &'static str,
    /// The path and query (`/`, `/2015-03-31/functions/NAME/invocations`).
    pub path: String,
    /// Headers to send (and sign): `Content-Type`, `X-Amz-Target`...
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A service's answer with a success status.
#[derive(Debug, Clone, PartialEq)]
pub struct WireReply {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body as text.
    pub text: String,
    /// The body read: JSON as it is; XML as the query protocol answers it (the root
    /// element's children, an element with children an object, repeated names an array,
    /// text a string); otherwise `null`.
    pub body: Value,
    /// The request's ID (`x-amzn-RequestId`, `x-amz-request-id`, or the XML's `RequestId`).
    pub request_id: String,
}

impl WireReply {
    /// A header's value, by name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The service answered with an error.
    Service {
        /// The HTTP status.
        status: u16,
        /// Its error code (`ConditionalCheckFailedException`, `NotFound`), without a namespace.
        code: String,
        /// Its message.
        message: String,
        /// The request's ID.
        request_id: String,
    },
    /// No answer came, or the request could not be made (no credentials, a closed port).
    Client(String),
}

/// Sends signed requests to AWS services.
pub trait AwsClient: Send + Sync + fmt::Debug {
    /// Sends `request` and reads the answer.
    fn send(&self, request: &WireRequest) -> Result<WireReply, WireError>;
}

/// Makes an [`AwsClient`] for an `aws` configuration (credentials, region and endpoint
/// resolved once).
pub trait AwsConnector: Send + Sync + fmt::Debug {
    /// The client, or what went wrong setting it up (no region, a bad profile).
    fn connect(&self, config: &AwsConfig) -> Result<Arc<dyn AwsClient>, String>;
}

/// An [`AwsConnector`] to hand around in options (compared by identity).
#[derive(Debug, Clone)]
pub struct Connector(pub Arc<dyn AwsConnector>);

impl PartialEq for Connector {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A service that speaks one of AWS's JSON protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonService {
    /// The name in `arn:aws:states:::aws-sdk:NAME:action`.
    pub name: &'static str,
    /// The SDK's service name, which prefixes its errors (`DynamoDb`).
    pub sdk_name: &'static str,
    /// The endpoint prefix.
    pub endpoint_prefix: &'static str,
    /// The signing name.
    pub signing_name: &'static str,
    /// `1.0` or `1.1`.
    pub json_version: &'static str,
    /// What goes before the action in `X-Amz-Target`.
    pub target_prefix: &'static str,
    /// Whether its wire names are camelCase.
    pub camel: bool,
}

const fn js(
    name: &'static str,
    sdk_name: &'static str,
    endpoint_prefix: &'static str,
    signing_name: &'static str,
    json_version: &'static str,
    target_prefix: &'static str,
    camel: bool,
) -> JsonService {
    JsonService {
        name,
        sdk_name,
        endpoint_prefix,
        signing_name,
        json_version,
        target_prefix,
        camel,
    }
}

/// The JSON-protocol services `aws-sdk:` calls are sent to (facts from the services' models).
#[rustfmt::skip]
pub const JSON_SERVICES: &[JsonService] = &[
    js("dynamodb", "DynamoDb", "dynamodb", "dynamodb", "1.0", "DynamoDB_20120810", false),
    js("sqs", "Sqs", "sqs", "sqs", "1.0", "AmazonSQS", false),
    js("eventbridge", "EventBridge", "events", "events", "1.1", "AWSEvents", false),
    js("sfn", "Sfn", "states", "states", "1.0", "AWSStepFunctions", true),
    js("kinesis", "Kinesis", "kinesis", "kinesis", "1.1", "Kinesis_20131202", false),
    js("secretsmanager", "SecretsManager", "secretsmanager", "secretsmanager", "1.1", "secretsmanager", false),
    js("ssm", "Ssm", "ssm", "ssm", "1.1", "AmazonSSM", false),
    js("kms", "Kms", "kms", "kms", "1.1", "TrentService", false),
    js("cloudwatchlogs", "CloudWatchLogs", "logs", "logs", "1.1", "Logs_20140328", true),
    js("ecs", "Ecs", "ecs", "ecs", "1.1", "AmazonEC2ContainerServiceV20141113", true),
    js("glue", "Glue", "glue", "glue", "1.1", "AWSGlue", false),
    js("athena", "Athena", "athena", "athena", "1.1", "AmazonAthena", false),
    js("codebuild", "CodeBuild", "codebuild", "codebuild", "1.1", "CodeBuild_20161006", true),
    js("firehose", "Firehose", "firehose", "firehose", "1.1", "Firehose_20150804", false),
    js("cognitoidentityprovider", "CognitoIdentityProvider", "cognito-idp", "cognito-idp", "1.1", "AWSCognitoIdentityProviderService", false),
    js("sagemaker", "SageMaker", "api.sagemaker", "sagemaker", "1.1", "SageMaker", false),
    js("textract", "Textract", "textract", "textract", "1.1", "Textract", false),
    js("comprehend", "Comprehend", "comprehend", "comprehend", "1.1", "Comprehend_20171127", false),
    js("translate", "Translate", "translate", "translate", "1.1", "AWSShineFrontendService_20170701", false),
    js("emr", "Emr", "elasticmapreduce", "elasticmapreduce", "1.1", "ElasticMapReduce", false),
    js("ecr", "Ecr", "api.ecr", "ecr", "1.1", "AmazonEC2ContainerRegistry_V20150921", true),
    js("codepipeline", "CodePipeline", "codepipeline", "codepipeline", "1.1", "CodePipeline_20150709", true),
    js("organizations", "Organizations", "organizations", "organizations", "1.1", "AWSOrganizationsV20161128", false),
    js("acmpca", "AcmPca", "acm-pca", "acm-pca", "1.1", "ACMPrivateCA", false),
    js("redshiftdata", "RedshiftData", "redshift-data", "redshift-data", "1.1", "RedshiftData", false),
    js("rekognition", "Rekognition", "rekognition", "rekognition", "1.1", "RekognitionService", false),
    js("transcribe", "Transcribe", "transcribe", "transcribe", "1.1", "Transcribe", false),
];

fn json_service(name: &str) -> Option<&'static JsonService> {
    JSON_SERVICES.iter().find(|s| s.name == name)
}

/// How the task waits for the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Request-response: the call's answer is the result.
    Request,
    /// `.waitForTaskToken`: the call is made, then the task waits for its callback.
    Callback,
    /// `.sync` or `.sync:2`: the task waits for the job to finish (not sent locally).
    Sync,
}

/// What a Task's resource asks of an AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceTask<'a> {
    /// `aws-sdk:` (else an optimized integration, or a bare Lambda function ARN).
    pub sdk: bool,
    /// The service as the resource names it (`dynamodb`, `lambda`).
    pub service: &'a str,
    /// The action as the resource names it (`putItem`, `invoke`).
    pub action: &'a str,
    /// The integration pattern.
    pub pattern: Pattern,
}

/// The service call a Task's resource names, if it names one: `arn:PARTITION:states:::SERVICE:ACTION`
/// (with `.waitForTaskToken`, `.sync` or `.sync:2`), `arn:PARTITION:states:::aws-sdk:SERVICE:ACTION`,
/// or a Lambda function's ARN. HTTP Tasks, activities and nested executions
/// (`states:startExecution`) are not service calls here.
pub fn service_task(resource: &str) -> Option<ServiceTask<'_>> {
    if resource.starts_with("arn:")
        && resource.contains(":lambda:")
        && resource.contains(":function:")
    {
        return Some(ServiceTask {
            sdk: false,
            service: "lambda",
            action: "invoke",
            pattern: Pattern::Request,
        });
    }
    let rest = resource.split_once(":states:::")?.1;
    let (sdk, rest) = match rest.strip_prefix("aws-sdk:") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (service, action) = rest.split_once(':')?;
    let (action, pattern) = match action.split_once('.') {
        None => (action, Pattern::Request),
        Some((a, "waitForTaskToken")) => (a, Pattern::Callback),
        Some((a, "sync" | "sync:2")) => (a, Pattern::Sync),
        Some(_) => return None,
    };
    if service.is_empty() || action.is_empty() {
        return None;
    }
    if !sdk && matches!(service, "http" | "states" | "activity") {
        return None;
    }
    Some(ServiceTask {
        sdk,
        service,
        action,
        pattern,
    })
}

/// An optimized integration sent locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Optimized {
    DynamoDb,
    Sqs,
    Sns,
    EventBridge,
    Lambda,
}

impl Optimized {
    fn of(task: &ServiceTask<'_>) -> Option<Self> {
        let a = task.action;
        Some(match task.service {
            "dynamodb"
                if matches!(
                    a,
                    "getItem" | "putItem" | "updateItem" | "deleteItem" | "query"
                ) =>
            {
                Self::DynamoDb
            }
            "sqs" if a == "sendMessage" => Self::Sqs,
            "sns" if a == "publish" => Self::Sns,
            "events" if a == "putEvents" => Self::EventBridge,
            "lambda" if a == "invoke" => Self::Lambda,
            _ => return None,
        })
    }

    /// The error prefix and the service's name in causes.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Self::DynamoDb => ("DynamoDB", "AmazonDynamoDBv2"),
            Self::Sqs => ("SQS", "AmazonSQS"),
            Self::Sns => ("SNS", "AmazonSNS"),
            Self::EventBridge => ("EventBridge", "AmazonEventBridge"),
            Self::Lambda => ("Lambda", "AWSLambda"),
        }
    }

    fn json(self) -> Option<&'static JsonService> {
        json_service(match self {
            Self::DynamoDb => "dynamodb",
            Self::Sqs => "sqs",
            Self::EventBridge => "eventbridge",
            Self::Sns | Self::Lambda => return None,
        })
    }
}

/// Why a service task is not sent: what is not supported, for a `States.Runtime` cause.
pub fn unsupported(task: &ServiceTask<'_>) -> Option<String> {
    if task.pattern == Pattern::Sync {
        return Some(format!(
            "the .sync pattern of {}:{} is not run locally",
            task.service, task.action
        ));
    }
    if task.sdk {
        return json_service(task.service).is_none().then(|| {
            format!(
                "aws-sdk:{} is not sent locally: only services of AWS's JSON protocols are ({})",
                task.service,
                JSON_SERVICES
                    .iter()
                    .map(|s| s.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        });
    }
    Optimized::of(task).is_none().then(|| {
        format!(
            "the optimized integration {}:{} is not sent locally: DynamoDB getItem, putItem, updateItem, deleteItem and query, SQS sendMessage, SNS publish, EventBridge putEvents and Lambda invoke are (or use its aws-sdk: form for a JSON-protocol service)",
            task.service, task.action
        )
    })
}

/// Whether [`call`] sends `task` (`.sync` is not; [`unsupported`] says why others are not).
pub fn is_sent(task: &ServiceTask<'_>) -> bool {
    if task.pattern == Pattern::Sync {
        return false;
    }
    if task.sdk {
        return json_service(task.service).is_some();
    }
    Optimized::of(task)
        .is_some_and(|o| matches!(o, Optimized::Lambda | Optimized::Sns) || o.json().is_some())
}

/// Runs a service task through `client`: its result, or its failure named as Step Functions
/// names it. `None` when it is not sent locally ([`is_sent`]).
pub fn call(
    client: &dyn AwsClient,
    task: &ServiceTask<'_>,
    resource: &str,
    input: &Val,
) -> Option<TaskOutcome> {
    if !is_sent(task) {
        return None;
    }
    let input = input.to_value();
    let outcome = if task.sdk {
        sdk_call(client, json_service(task.service)?, task.action, &input)
    } else {
        match Optimized::of(task)? {
            Optimized::Lambda => lambda_invoke(client, resource, &input),
            Optimized::Sns => sns_publish(client, &input),
            other => optimized_json(client, other, other.json()?, task.action, input),
        }
    };
    Some(match (outcome, task.pattern) {
        (TaskOutcome::Success(_), Pattern::Callback) => TaskOutcome::Pending,
        (o, _) => o,
    })
}

fn pascal(action: &str) -> String {
    let mut c = action.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn json_request(service: &JsonService, action: &str, body: &Value) -> WireRequest {
    WireRequest {
        endpoint_prefix: service.endpoint_prefix,
        signing_name: service.signing_name,
        path: "/".to_owned(),
        headers: vec![
            (
                "Content-Type".to_owned(),
                format!("application/x-amz-json-{}", service.json_version),
            ),
            (
                "X-Amz-Target".to_owned(),
                format!("{}.{}", service.target_prefix, pascal(action)),
            ),
        ],
        body: body.to_string().into_bytes(),
    }
}

/// Every key's first letter raised (`true`) or lowered.
fn recase(v: Value, upper: bool) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, x)| {
                    let mut c = k.chars();
                    let key = c.next().map_or_else(String::new, |f| {
                        let f = if upper {
                            f.to_ascii_uppercase()
                        } else {
                            f.to_ascii_lowercase()
                        };
                        f.to_string() + c.as_str()
                    });
                    (key, recase(x, upper))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(|x| recase(x, upper)).collect()),
        other => other,
    }
}

fn with_exception(code: &str) -> String {
    if code.ends_with("Exception") {
        code.to_owned()
    } else {
        format!("{code}Exception")
    }
}

fn client_failure(prefix: &str, message: &str) -> TaskOutcome {
    TaskOutcome::Failure {
        error: format!("{prefix}.SdkClientException"),
        cause: format!("Unable to execute HTTP request: {message}"),
    }
}

fn sdk_call(
    client: &dyn AwsClient,
    service: &JsonService,
    action: &str,
    input: &Value,
) -> TaskOutcome {
    let body = if service.camel {
        recase(input.clone(), false)
    } else {
        input.clone()
    };
    match client.send(&json_request(service, action, &body)) {
        Ok(reply) => {
            let body = match reply.body {
                Value::Null => json!({}),
                b if service.camel => recase(b, true),
                b => b,
            };
            TaskOutcome::Success(Val::from(&body))
        }
        Err(WireError::Service {
            status,
            code,
            message,
            request_id,
        }) => TaskOutcome::Failure {
            error: format!("{}.{}", service.sdk_name, with_exception(&code)),
            cause: format!(
                "{message} (Service: {}, Status Code: {status}, Request ID: {request_id})",
                service.sdk_name
            ),
        },
        Err(WireError::Client(m)) => client_failure(service.sdk_name, &m),
    }
}

/// An optimized integration's failure.
fn optimized_failure(kind: Optimized, error: WireError) -> TaskOutcome {
    let (prefix, service) = kind.names();
    match error {
        WireError::Service {
            status,
            code,
            message,
            request_id,
        } => TaskOutcome::Failure {
            error: format!("{prefix}.{}", with_exception(&code)),
            cause: format!(
                "{message} (Service: {service}; Status Code: {status}; Error Code: {code}; Request ID: {request_id}; Proxy: null)"
            ),
        },
        WireError::Client(m) => client_failure(prefix, &m),
    }
}

/// `SdkHttpMetadata` and `SdkResponseMetadata` of an answer, as AWS's optimized results carry them.
fn metadata(reply: &WireReply) -> [(String, Value); 2] {
    let mut all = Map::new();
    let mut last = Map::new();
    for (k, v) in &reply.headers {
        if let Some(Value::Array(list)) = all.get_mut(k) {
            list.push(json!(v));
        } else {
            all.insert(k.clone(), json!([v]));
        }
        last.insert(k.clone(), json!(v));
    }
    [
        (
            "SdkHttpMetadata".to_owned(),
            json!({"AllHttpHeaders": all, "HttpHeaders": last, "HttpStatusCode": reply.status}),
        ),
        (
            "SdkResponseMetadata".to_owned(),
            json!({"RequestId": reply.request_id}),
        ),
    ]
}

/// A value sent as text: strings as they are, anything else as JSON text.
fn as_text(v: &mut Value) {
    if !v.is_string() {
        *v = Value::String(v.to_string());
    }
}

fn optimized_json(
    client: &dyn AwsClient,
    kind: Optimized,
    service: &JsonService,
    action: &str,
    mut input: Value,
) -> TaskOutcome {
    match kind {
        Optimized::Sqs => {
            if let Some(b) = input.get_mut("MessageBody") {
                as_text(b);
            }
        }
        Optimized::EventBridge => {
            if let Some(Value::Array(entries)) = input.get_mut("Entries") {
                for d in entries.iter_mut().filter_map(|e| e.get_mut("Detail")) {
                    as_text(d);
                }
            }
        }
        _ => {}
    }
    let reply = match client.send(&json_request(service, action, &input)) {
        Ok(r) => r,
        Err(e) => return optimized_failure(kind, e),
    };
    let mut out = match &reply.body {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if kind == Optimized::EventBridge {
        if out
            .get("FailedEntryCount")
            .and_then(Value::as_u64)
            .is_some_and(|n| n > 0)
        {
            return TaskOutcome::Failure {
                error: "EventBridge.FailedEntry".to_owned(),
                cause: Value::Object(out).to_string(),
            };
        }
    } else {
        out.extend(metadata(&reply));
    }
    TaskOutcome::Success(Val::from(&Value::Object(out)))
}

/// Form-encodes `pairs` (`application/x-www-form-urlencoded`).
fn form(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// SNS Publish in the query protocol: the fields Step Functions passes, `MessageAttributes` as
/// `MessageAttributes.entry.N.{Name, Value.DataType, Value.StringValue, Value.BinaryValue}`.
fn sns_publish(client: &dyn AwsClient, input: &Value) -> TaskOutcome {
    let mut pairs = vec![
        ("Action".to_owned(), "Publish".to_owned()),
        ("Version".to_owned(), "2010-03-31".to_owned()),
    ];
    if let Value::Object(m) = input {
        for (k, v) in m {
            match k.as_str() {
                "Message" => {
                    let mut v = v.clone();
                    as_text(&mut v);
                    pairs.push((k.clone(), scalar_text(&v)));
                }
                "MessageAttributes" => {
                    for (i, (name, attr)) in v.as_object().into_iter().flatten().enumerate() {
                        let at = format!("MessageAttributes.entry.{}", i + 1);
                        pairs.push((format!("{at}.Name"), name.clone()));
                        for (field, x) in attr.as_object().into_iter().flatten() {
                            pairs.push((format!("{at}.Value.{field}"), scalar_text(x)));
                        }
                    }
                }
                _ => pairs.push((k.clone(), scalar_text(v))),
            }
        }
    }
    let request = WireRequest {
        endpoint_prefix: "sns",
        signing_name: "sns",
        path: "/".to_owned(),
        headers: vec![(
            "Content-Type".to_owned(),
            "application/x-www-form-urlencoded; charset=utf-8".to_owned(),
        )],
        body: form(&pairs).into_bytes(),
    };
    let reply = match client.send(&request) {
        Ok(r) => r,
        Err(e) => return optimized_failure(Optimized::Sns, e),
    };
    let mut out = match reply.body.get("PublishResult") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    out.extend(metadata(&reply));
    TaskOutcome::Success(Val::from(&Value::Object(out)))
}

/// Percent-encodes everything but RFC 3986's unreserved characters (a path segment, a form
/// field).
fn percent(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Lambda's Invoke (REST-JSON): `lambda:invoke` with `FunctionName`, `Payload`, `Qualifier`,
/// `InvocationType`, `LogType`, `ClientContext`; a bare function ARN with its input as the
/// event and the function's value as the result.
fn lambda_invoke(client: &dyn AwsClient, resource: &str, input: &Value) -> TaskOutcome {
    let bare = !resource.contains(":states:::");
    let (function, payload) = if bare {
        (resource.to_owned(), input.clone())
    } else {
        let Some(f) = input.get("FunctionName").and_then(Value::as_str) else {
            return TaskOutcome::Failure {
                error: "Lambda.InvalidParameterValueException".to_owned(),
                cause: "lambda:invoke needs a FunctionName (a function name or ARN)".to_owned(),
            };
        };
        (
            f.to_owned(),
            input.get("Payload").cloned().unwrap_or_else(|| json!({})),
        )
    };
    let mut path = format!("/2015-03-31/functions/{}/invocations", percent(&function));
    let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
    if !bare {
        if let Some(q) = input.get("Qualifier").and_then(Value::as_str) {
            path.push_str(&format!("?Qualifier={}", percent(q)));
        }
        for (field, header) in [
            ("InvocationType", "X-Amz-Invocation-Type"),
            ("LogType", "X-Amz-Log-Type"),
            ("ClientContext", "X-Amz-Client-Context"),
        ] {
            if let Some(v) = input.get(field).and_then(Value::as_str) {
                headers.push((header.to_owned(), v.to_owned()));
            }
        }
    }
    let request = WireRequest {
        endpoint_prefix: "lambda",
        signing_name: "lambda",
        path,
        headers,
        body: payload.to_string().into_bytes(),
    };
    let reply = match client.send(&request) {
        Ok(r) => r,
        Err(e) => return optimized_failure(Optimized::Lambda, e),
    };
    let value: Value = if reply.text.trim().is_empty() {
        Value::String(String::new())
    } else {
        serde_json::from_str(&reply.text).unwrap_or_else(|_| Value::String(reply.text.clone()))
    };
    if reply.header("X-Amz-Function-Error").is_some() {
        let error = value
            .get("errorType")
            .and_then(Value::as_str)
            .unwrap_or("Lambda.Unknown")
            .to_owned();
        return TaskOutcome::Failure {
            error,
            cause: reply.text.clone(),
        };
    }
    if bare {
        return TaskOutcome::Success(Val::from(&value));
    }
    let mut out = Map::new();
    if let Some(v) = reply.header("X-Amz-Executed-Version") {
        out.insert("ExecutedVersion".to_owned(), json!(v));
    }
    if let Some(v) = reply.header("X-Amz-Log-Result") {
        out.insert("LogResult".to_owned(), json!(v));
    }
    out.insert("Payload".to_owned(), value);
    out.extend(metadata(&reply));
    out.insert("StatusCode".to_owned(), json!(reply.status));
    TaskOutcome::Success(Val::from(&Value::Object(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources() {
        let t = service_task("arn:aws:states:::dynamodb:putItem").expect("a service task");
        assert_eq!((t.sdk, t.service, t.action), (false, "dynamodb", "putItem"));
        let t = service_task("arn:aws:states:::aws-sdk:dynamodb:getItem").expect("sdk");
        assert_eq!((t.sdk, t.service, t.action), (true, "dynamodb", "getItem"));
        let t = service_task("arn:aws:states:::sqs:sendMessage.waitForTaskToken").expect("cb");
        assert_eq!(t.pattern, Pattern::Callback);
        let t = service_task("arn:aws:states:::ecs:runTask.sync:2").expect("sync");
        assert_eq!(t.pattern, Pattern::Sync);
        assert!(unsupported(&t).is_some());
        assert!(service_task("arn:aws:states:::http:invoke").is_none());
        assert!(service_task("arn:aws:states:::states:startExecution.sync").is_none());
        assert!(service_task("arn:aws:states:us-east-1:1:activity:review").is_none());
        let t = service_task("arn:aws:lambda:us-east-1:1:function:f").expect("lambda");
        assert_eq!((t.service, t.action), ("lambda", "invoke"));
        let s3 = service_task("arn:aws:states:::aws-sdk:s3:getObject").expect("s3");
        assert!(unsupported(&s3).is_some_and(|m| m.contains("aws-sdk:s3")));
    }

    #[test]
    fn endpoints_and_regions() {
        assert!(check_endpoint("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint("https://example.com/").is_ok());
        assert!(check_endpoint("127.0.0.1:5000").is_err());
        assert!(check_endpoint("http://:5000").is_err());
        assert!(check_endpoint("http://h:99999").is_err());
        assert!(is_region("us-east-1"));
        assert!(!is_region("US East"));
    }

    #[test]
    fn keys_recased() {
        let v = recase(
            json!({"StateMachineArn": "a", "Tags": [{"Key": "k"}]}),
            false,
        );
        assert_eq!(v, json!({"stateMachineArn": "a", "tags": [{"key": "k"}]}));
        assert_eq!(form(&[("A b".into(), "x=y&z".into())]), "A%20b=x%3Dy%26z");
    }
}
