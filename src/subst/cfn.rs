//! CloudFormation values without a deployment: intrinsic functions (`Ref`, `Fn::GetAtt`,
//! `Fn::Sub`, `Fn::Join`, ...) resolved to well-formed stand-ins built from the logical ID and the
//! resource type, so a definition whose `DefinitionSubstitutions` point at other resources can be
//! validated and run locally with mocks.
//!
//! Stand-ins use region `us-east-1`, account `123456789012` and partition `aws`. A resource's
//! physical name is its name property when the template writes it literally (`FunctionName`,
//! `TableName`, ...), otherwise its logical ID, as if CloudFormation had named it so. Conditions
//! are not evaluated: `Fn::If` takes its first branch (a choice, documented here and tested).

use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};

/// The stand-in region.
pub const REGION: &str = "us-east-1";
/// The stand-in account ID.
pub const ACCOUNT: &str = "123456789012";
/// The stand-in partition.
pub const PARTITION: &str = "aws";

/// A template's resources, parameters and mappings, for resolving intrinsic functions.
#[derive(Debug)]
pub struct Resolver<'t> {
    resources: Option<&'t Map<String, Value>>,
    parameters: Option<&'t Map<String, Value>>,
    mappings: Option<&'t Map<String, Value>>,
    /// Resources whose names are being worked out, so a name that refers to its own resource
    /// (directly or through others) falls back to the logical ID instead of looping.
    naming: RefCell<Vec<String>>,
    /// Set when a name refers back to a resource being named.
    cycled: Cell<bool>,
}

/// A resolved value, and whether any part of it was made up.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    /// The value.
    pub value: Value,
    /// True when a stand-in (a made-up name or ARN) went into it.
    pub stand_in: bool,
}

impl<'t> Resolver<'t> {
    /// A resolver over a template read into JSON (short-form tags already in long form).
    pub fn new(template: &'t Value) -> Self {
        Self {
            resources: template.get("Resources").and_then(Value::as_object),
            parameters: template.get("Parameters").and_then(Value::as_object),
            mappings: template.get("Mappings").and_then(Value::as_object),
            naming: RefCell::new(Vec::new()),
            cycled: Cell::new(false),
        }
    }

    /// Resolves a value that may hold intrinsic functions. An error names the function it could
    /// not resolve.
    pub fn resolve(&self, value: &Value) -> Result<Resolved, String> {
        let mut stand_in = false;
        let value = self.eval(value, &mut stand_in, 0)?;
        Ok(Resolved { value, stand_in })
    }

    fn eval(&self, value: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        if depth > 32 {
            return Err("the intrinsic functions nest too deeply".to_owned());
        }
        let depth = depth + 1;
        match value {
            Value::Object(map) if map.len() == 1 => {
                let (name, arg) = map
                    .iter()
                    .next()
                    .map_or(("", &Value::Null), |(k, v)| (k, v));
                match name {
                    "Ref" => self.reference(&self.string(arg, stand_in, depth)?, stand_in, depth),
                    "Fn::GetAtt" => self.get_att(arg, stand_in, depth),
                    "Fn::Sub" => self.sub(arg, stand_in, depth),
                    "Fn::Join" => self.join(arg, stand_in, depth),
                    "Fn::If" => {
                        match arg.as_array().map(Vec::as_slice) {
                            Some([_, first, _]) => self.eval(first, stand_in, depth),
                            _ => Err("Fn::If takes [condition, value if true, value if false]"
                                .to_owned()),
                        }
                    }
                    "Fn::Select" => self.select(arg, stand_in, depth),
                    "Fn::Split" => match arg.as_array().map(Vec::as_slice) {
                        Some([sep, text]) => {
                            let sep = self.string(sep, stand_in, depth)?;
                            let text = self.string(text, stand_in, depth)?;
                            Ok(Value::Array(
                                text.split(sep.as_str()).map(Value::from).collect(),
                            ))
                        }
                        _ => Err("Fn::Split takes [delimiter, text]".to_owned()),
                    },
                    "Fn::FindInMap" => self.find_in_map(arg, stand_in, depth),
                    "Fn::ImportValue" => {
                        *stand_in = true;
                        self.eval(arg, stand_in, depth)
                    }
                    "Fn::GetAZs" => Ok(Value::Array(
                        ["a", "b", "c"]
                            .iter()
                            .map(|z| Value::String(format!("{REGION}{z}")))
                            .collect(),
                    )),
                    "Fn::Base64" => Err(
                        "Fn::Base64 has no meaningful local value; give this one with --sub"
                            .to_owned(),
                    ),
                    other if other.starts_with("Fn::") || other == "Condition" => Err(format!(
                        "{other} cannot be worked out without deploying; give this value with --sub"
                    )),
                    _ => self.eval_members(map, stand_in, depth),
                }
            }
            Value::Object(map) => self.eval_members(map, stand_in, depth),
            Value::Array(items) => items
                .iter()
                .map(|v| self.eval(v, stand_in, depth))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::Array),
            other => Ok(other.clone()),
        }
    }

    fn eval_members(
        &self,
        map: &Map<String, Value>,
        stand_in: &mut bool,
        depth: usize,
    ) -> Result<Value, String> {
        map.iter()
            .map(|(k, v)| Ok((k.clone(), self.eval(v, stand_in, depth)?)))
            .collect::<Result<Map<_, _>, String>>()
            .map(Value::Object)
    }

    /// Resolves to a string (numbers and booleans as their text).
    fn string(&self, value: &Value, stand_in: &mut bool, depth: usize) -> Result<String, String> {
        match self.eval(value, stand_in, depth)? {
            Value::String(s) => Ok(s),
            v @ (Value::Number(_) | Value::Bool(_)) => Ok(v.to_string()),
            other => Err(format!("expected text, got {other}")),
        }
    }

    /// `Ref`: a pseudo parameter, a template parameter (its default), or a resource.
    fn reference(&self, name: &str, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        if let Some(v) = pseudo_parameter(name) {
            return Ok(Value::String(v));
        }
        if let Some(param) = self.parameters.and_then(|p| p.get(name)) {
            // List parameters (`CommaDelimitedList`, `List<...>`) are lists to Ref.
            let is_list = param
                .get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| t == "CommaDelimitedList" || t.starts_with("List<"));
            let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            return match (param.get("Default"), is_list) {
                (Some(Value::Array(items)), true) => Ok(Value::Array(
                    items.iter().map(|v| Value::String(text(v))).collect(),
                )),
                (Some(Value::String(s)), true) => Ok(Value::Array(
                    s.split(',')
                        .map(|p| Value::String(p.trim().to_owned()))
                        .collect(),
                )),
                (Some(Value::Array(items)), false) => Ok(Value::String(
                    items.iter().map(text).collect::<Vec<_>>().join(","),
                )),
                (Some(d @ (Value::String(_) | Value::Number(_) | Value::Bool(_))), _) => {
                    Ok(d.clone())
                }
                (_, true) => {
                    *stand_in = true;
                    Ok(Value::Array(vec![Value::String(name.to_owned())]))
                }
                _ => {
                    *stand_in = true;
                    Ok(Value::String(name.to_owned()))
                }
            };
        }
        let Some(resource) = self.resources.and_then(|r| r.get(name)) else {
            return Err(format!(
                "Ref {name}: the template has no parameter or resource named {name}"
            ));
        };
        *stand_in = true;
        Ok(Value::String(
            self.stand_in(name, resource, depth).reference(),
        ))
    }

    /// `Fn::GetAtt`: `[LogicalId, Attribute]` or `"LogicalId.Attribute"`.
    fn get_att(&self, arg: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        let (id, attr) = match arg {
            Value::String(s) => s
                .split_once('.')
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
                .ok_or_else(|| format!("Fn::GetAtt {s}: write it as LogicalId.Attribute"))?,
            Value::Array(items) if items.len() == 2 => (
                self.string(&items[0], stand_in, depth)?,
                self.string(&items[1], stand_in, depth)?,
            ),
            other => {
                return Err(format!(
                    "Fn::GetAtt takes [LogicalId, Attribute], not {other}"
                ));
            }
        };
        let Some(resource) = self.resources.and_then(|r| r.get(&id)) else {
            return Err(format!(
                "Fn::GetAtt {id}.{attr}: the template has no resource named {id}"
            ));
        };
        *stand_in = true;
        Ok(Value::String(
            self.stand_in(&id, resource, depth).attribute(&attr),
        ))
    }

    /// `Fn::Sub`: a string with `${Name}`, `${Id.Attr}` and `${AWS::Region}` references, or
    /// `[string, {Name: value}]`; `${!Literal}` stays as `${Literal}`.
    fn sub(&self, arg: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        let (text, vars) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(items) => match items.as_slice() {
                [Value::String(s), Value::Object(vars)] => (s.as_str(), Some(vars)),
                _ => return Err("Fn::Sub takes a string or [string, {variables}]".to_owned()),
            },
            other => return Err(format!("Fn::Sub takes a string, not {other}")),
        };
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find("${") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[at..]);
                rest = "";
                break;
            };
            let name = after[..end].trim();
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(v) = vars.and_then(|m| m.get(name)) {
                out.push_str(&self.string(v, stand_in, depth)?);
            } else if let Some((id, attr)) = name.split_once('.')
                && self.resources.is_some_and(|r| r.contains_key(id))
            {
                let v =
                    self.get_att(&Value::Array(vec![id.into(), attr.into()]), stand_in, depth)?;
                out.push_str(v.as_str().unwrap_or_default());
            } else {
                let v = self.reference(name, stand_in, depth)?;
                out.push_str(&v.as_str().map_or_else(|| v.to_string(), str::to_owned));
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }

    fn join(&self, arg: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        let Some([sep, list]) = arg.as_array().map(Vec::as_slice) else {
            return Err("Fn::Join takes [delimiter, [values]]".to_owned());
        };
        let sep = self.string(sep, stand_in, depth)?;
        let Value::Array(items) = self.eval(list, stand_in, depth)? else {
            return Err("Fn::Join's second argument must be a list".to_owned());
        };
        let parts = items
            .iter()
            .map(|v| self.string(v, stand_in, depth))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Value::String(parts.join(&sep)))
    }

    fn select(&self, arg: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        let Some([index, list]) = arg.as_array().map(Vec::as_slice) else {
            return Err("Fn::Select takes [index, [values]]".to_owned());
        };
        let index: usize = self
            .string(index, stand_in, depth)?
            .parse()
            .map_err(|_| "Fn::Select's index must be a whole number".to_owned())?;
        match self.eval(list, stand_in, depth)? {
            Value::Array(items) => items
                .get(index)
                .cloned()
                .ok_or_else(|| format!("Fn::Select: index {index} is past the end of the list")),
            _ => Err("Fn::Select's second argument must be a list".to_owned()),
        }
    }

    fn find_in_map(&self, arg: &Value, stand_in: &mut bool, depth: usize) -> Result<Value, String> {
        let Some([map, top, second]) = arg.as_array().map(Vec::as_slice) else {
            return Err("Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]".to_owned());
        };
        let map = self.string(map, stand_in, depth)?;
        let top = self.string(top, stand_in, depth)?;
        let second = self.string(second, stand_in, depth)?;
        self.mappings
            .and_then(|m| m.get(&map))
            .and_then(|m| m.get(&top))
            .and_then(|m| m.get(&second))
            .cloned()
            .ok_or_else(|| format!("Fn::FindInMap: Mappings has no {map}.{top}.{second}"))
    }
}

impl Resolver<'_> {
    /// The stand-in for a resource: its name property resolved when it can be (`!Sub
    /// "orders-${Stage}"`), else its logical ID.
    fn stand_in(&self, id: &str, resource: &Value, depth: usize) -> StandIn {
        let kind = resource
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let props = resource.get("Properties");
        let cycle = self.naming.borrow().iter().any(|n| n == id);
        if cycle {
            self.cycled.set(true);
        }
        let mut name = None;
        if !cycle && let Some(v) = NAME_PROPERTIES.iter().find_map(|p| props?.get(*p)) {
            self.naming.borrow_mut().push(id.to_owned());
            let outer_cycled = self.cycled.replace(false);
            let mut ignored = false;
            if let Ok(Value::String(s)) = self.eval(v, &mut ignored, depth + 1)
                && !s.is_empty()
                && !self.cycled.get()
            {
                name = Some(s);
            }
            self.cycled.set(outer_cycled);
            self.naming.borrow_mut().pop();
        }
        let name = name.unwrap_or_else(|| id.to_owned());
        let name = if kind == "AWS::S3::Bucket" {
            name.to_ascii_lowercase()
        } else {
            name
        };
        StandIn { kind, name }
    }
}

fn pseudo_parameter(name: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => REGION.to_owned(),
        "AWS::AccountId" => ACCOUNT.to_owned(),
        "AWS::Partition" => PARTITION.to_owned(),
        "AWS::URLSuffix" => "amazonaws.com".to_owned(),
        "AWS::StackName" => "stepcraft-local".to_owned(),
        "AWS::StackId" => format!(
            "arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/stepcraft-local/00000000-0000-0000-0000-000000000000"
        ),
        "AWS::NotificationARNs" => String::new(),
        _ => return None,
    })
}

/// What a stand-in for one resource looks like: its type and physical name.
struct StandIn {
    kind: String,
    name: String,
}

/// The properties that name a resource, by type; CloudFormation generates a name when absent.
const NAME_PROPERTIES: &[&str] = &[
    "FunctionName",
    "TableName",
    "QueueName",
    "TopicName",
    "BucketName",
    "StateMachineName",
    "RoleName",
    "ClusterName",
    "RepositoryName",
    "LogGroupName",
    "SecretName",
    "JobQueueName",
    "JobDefinitionName",
    "EventBusName",
    "Name",
];

impl StandIn {
    fn arn(&self, service: &str, resource: &str) -> String {
        format!("arn:{PARTITION}:{service}:{REGION}:{ACCOUNT}:{resource}")
    }

    /// What `Ref` returns for this type, as CloudFormation documents per resource.
    fn reference(&self) -> String {
        let n = &self.name;
        match self.kind.as_str() {
            "AWS::SQS::Queue" => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{n}"),
            "AWS::SNS::Topic" => self.arn("sns", n),
            "AWS::Serverless::StateMachine" | "AWS::StepFunctions::StateMachine" => {
                self.arn("states", &format!("stateMachine:{n}"))
            }
            "AWS::StepFunctions::Activity" => self.arn("states", &format!("activity:{n}")),
            "AWS::ECS::TaskDefinition" => self.arn("ecs", &format!("task-definition/{n}:1")),
            "AWS::Batch::JobQueue" => self.arn("batch", &format!("job-queue/{n}")),
            "AWS::Batch::JobDefinition" => self.arn("batch", &format!("job-definition/{n}:1")),
            "AWS::SecretsManager::Secret" => self.arn("secretsmanager", &format!("secret:{n}")),
            "AWS::Serverless::Api" | "AWS::ApiGateway::RestApi" | "AWS::ApiGatewayV2::Api" => {
                api_id(n)
            }
            _ => n.clone(),
        }
    }

    /// What `Fn::GetAtt` returns for an attribute.
    fn attribute(&self, attr: &str) -> String {
        let n = &self.name;
        match (self.kind.as_str(), attr) {
            (_, "Arn") => self.arn_of_kind(),
            ("AWS::SQS::Queue", "QueueName") | ("AWS::SNS::Topic", "TopicName") => n.clone(),
            ("AWS::SQS::Queue", "QueueUrl") => self.reference(),
            ("AWS::SNS::Topic", "TopicArn") => self.reference(),
            ("AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable", "StreamArn") => {
                format!("{}/stream/1970-01-01T00:00:00.000", self.arn_of_kind())
            }
            ("AWS::S3::Bucket", "DomainName") => format!("{n}.s3.amazonaws.com"),
            ("AWS::S3::Bucket", "RegionalDomainName") => format!("{n}.s3.{REGION}.amazonaws.com"),
            (_, "Name" | "StateMachineName") => n.clone(),
            (_, "RoleId" | "Id" | "ApiId" | "RestApiId") => api_id(n),
            (_, attr) => format!("{n}{attr}"),
        }
    }

    /// The resource's ARN, by the ARN format its service documents.
    fn arn_of_kind(&self) -> String {
        let n = &self.name;
        match self.kind.as_str() {
            "AWS::Serverless::Function" | "AWS::Lambda::Function" => {
                self.arn("lambda", &format!("function:{n}"))
            }
            "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => {
                self.arn("dynamodb", &format!("table/{n}"))
            }
            "AWS::SQS::Queue" => self.arn("sqs", n),
            "AWS::S3::Bucket" => format!("arn:{PARTITION}:s3:::{n}"),
            "AWS::IAM::Role" => format!("arn:{PARTITION}:iam::{ACCOUNT}:role/{n}"),
            "AWS::Events::EventBus" => self.arn("events", &format!("event-bus/{n}")),
            "AWS::Events::Connection" => self.arn(
                "events",
                &format!("connection/{n}/00000000-0000-0000-0000-000000000000"),
            ),
            "AWS::Events::Rule" => self.arn("events", &format!("rule/{n}")),
            "AWS::ECS::Cluster" => self.arn("ecs", &format!("cluster/{n}")),
            "AWS::Logs::LogGroup" => self.arn("logs", &format!("log-group:{n}:*")),
            "AWS::Kinesis::Stream" => self.arn("kinesis", &format!("stream/{n}")),
            "AWS::KMS::Key" => self.arn("kms", &format!("key/{n}")),
            "AWS::Glue::Job" => self.arn("glue", &format!("job/{n}")),
            "AWS::CodeBuild::Project" => self.arn("codebuild", &format!("project/{n}")),
            "AWS::ECR::Repository" => self.arn("ecr", &format!("repository/{n}")),
            _ => {
                let reference = self.reference();
                if reference.starts_with("arn:") {
                    return reference;
                }
                // AWS::Service::Kind → arn:aws:service:region:account:kind/name
                let mut parts = self.kind.split("::").skip(1);
                let service = parts.next().unwrap_or("unknown").to_ascii_lowercase();
                let kind = parts.next().unwrap_or("resource").to_ascii_lowercase();
                self.arn(&service, &format!("{kind}/{n}"))
            }
        }
    }
}

/// A stand-in for a generated ID (API Gateway IDs are ten lower-case characters).
fn api_id(name: &str) -> String {
    let mut id: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(10)
        .collect();
    while id.len() < 10 {
        id.push('0');
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template() -> Value {
        json!({
            "Parameters": {
                "Stage": {"Type": "String", "Default": "dev"},
                "NoDefault": {"Type": "String"},
                "Subnets": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "subnet-a, subnet-b"},
                "Names": {"Type": "CommaDelimitedList", "Default": ["x", "y"]}
            },
            "Mappings": {"Sizes": {"dev": {"Batch": 10}}},
            "Resources": {
                "ProcessFunction": {"Type": "AWS::Serverless::Function"},
                "Loop": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Loop"}}},
                "Named": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "alerts-${Stage}"}}},
                "Orders": {"Type": "AWS::DynamoDB::Table", "Properties": {"TableName": "orders-table"}},
                "Jobs": {"Type": "AWS::SQS::Queue"},
                "Alerts": {"Type": "AWS::SNS::Topic"},
                "Data": {"Type": "AWS::S3::Bucket"},
                "Child": {"Type": "AWS::StepFunctions::StateMachine"},
                "Repo": {"Type": "AWS::ECR::Repository"}
            }
        })
    }

    fn resolve(v: &Value) -> Result<Value, String> {
        let t = template();
        Resolver::new(&t).resolve(v).map(|r| r.value)
    }

    #[test]
    fn refs_and_attributes_become_well_formed_stand_ins() {
        let cases = [
            (
                json!({"Fn::GetAtt": ["ProcessFunction", "Arn"]}),
                "arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction",
            ),
            (json!({"Ref": "ProcessFunction"}), "ProcessFunction"),
            (json!({"Ref": "Orders"}), "orders-table"),
            (
                json!({"Fn::GetAtt": "Orders.Arn"}),
                "arn:aws:dynamodb:us-east-1:123456789012:table/orders-table",
            ),
            (
                json!({"Ref": "Jobs"}),
                "https://sqs.us-east-1.amazonaws.com/123456789012/Jobs",
            ),
            (
                json!({"Fn::GetAtt": ["Jobs", "Arn"]}),
                "arn:aws:sqs:us-east-1:123456789012:Jobs",
            ),
            (
                json!({"Ref": "Alerts"}),
                "arn:aws:sns:us-east-1:123456789012:Alerts",
            ),
            (json!({"Ref": "Data"}), "data"),
            (json!({"Fn::GetAtt": ["Data", "Arn"]}), "arn:aws:s3:::data"),
            (
                json!({"Ref": "Child"}),
                "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
            ),
            (
                json!({"Fn::GetAtt": ["Repo", "Arn"]}),
                "arn:aws:ecr:us-east-1:123456789012:repository/Repo",
            ),
            (json!({"Ref": "AWS::Region"}), "us-east-1"),
            (json!({"Ref": "Stage"}), "dev"),
            (json!({"Ref": "NoDefault"}), "NoDefault"),
            (
                json!({"Ref": "Named"}),
                "arn:aws:sns:us-east-1:123456789012:alerts-dev",
            ),
            (json!({"Fn::GetAtt": ["Loop", "QueueName"]}), "Loop"),
        ];
        for (input, want) in cases {
            assert_eq!(resolve(&input), Ok(json!(want)), "{input}");
        }
    }

    #[test]
    fn sub_join_select_split_if_and_find_in_map() {
        let cases = [
            (
                json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::${Data}/${Stage}/${!Literal}"}),
                json!("arn:aws:s3:::data/dev/${Literal}"),
            ),
            (
                json!({"Fn::Sub": "${ProcessFunction.Arn}:live"}),
                json!("arn:aws:lambda:us-east-1:123456789012:function:ProcessFunction:live"),
            ),
            (
                json!({"Fn::Sub": ["${Prefix}-x", {"Prefix": {"Ref": "Stage"}}]}),
                json!("dev-x"),
            ),
            (
                json!({"Fn::Join": ["-", ["a", {"Ref": "Stage"}, 3]]}),
                json!("a-dev-3"),
            ),
            (
                json!({"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}),
                json!("b"),
            ),
            (
                json!({"Fn::If": ["IsProd", "prod-value", "dev-value"]}),
                json!("prod-value"),
            ),
            (
                json!({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Batch"]}),
                json!(10),
            ),
            (json!(42), json!(42)),
        ];
        for (input, want) in cases {
            assert_eq!(resolve(&input), Ok(want), "{input}");
        }
    }

    #[test]
    fn what_cannot_be_resolved_says_so() {
        let err = resolve(&json!({"Ref": "Nope"})).expect_err("unknown");
        assert!(err.contains("no parameter or resource named Nope"), "{err}");
        let err = resolve(&json!({"Fn::Base64": "x"})).expect_err("base64");
        assert!(err.contains("--sub"), "{err}");
    }

    #[test]
    fn literal_values_are_not_stand_ins() {
        let t = template();
        let r = Resolver::new(&t);
        assert!(!r.resolve(&json!("literal")).expect("literal").stand_in);
        assert!(!r.resolve(&json!({"Ref": "Stage"})).expect("param").stand_in);
        assert!(r.resolve(&json!({"Ref": "Jobs"})).expect("queue").stand_in);
    }
}
