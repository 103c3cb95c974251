//! Short human renderings for the canvas: a state's subtitle, a Choice rule's edge label.

use crate::model::choice::Operand;
use crate::model::map::ProcessorMode;
use crate::model::read::MaybeExpr;
use crate::model::{ChoiceRule, Condition, Operator, State, StateKind};
use serde_json::Value;

/// The longest edge label, in characters, before it is cut with "…".
pub(crate) const LABEL_CHARS: usize = 40;
/// The longest subtitle, in characters.
const SUBTITLE_CHARS: usize = 40;

/// Cuts `text` to at most `max` characters, ending with "…" when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The second line of a state's node: what it does, in a few words.
pub fn state_subtitle(state: &State) -> Option<String> {
    let text = match &state.kind {
        StateKind::Task(task) => task.resource.as_deref().map(|resource| {
            let function = state
                .parameters
                .as_ref()
                .or(state.arguments.as_ref())
                .and_then(|p| p.get("FunctionName"))
                .and_then(Value::as_str);
            match function.and_then(|f| lambda_function(resource, f)) {
                // "Lambda: Invoke (wait for callback)" → "Lambda: charge (wait for callback)".
                Some(name) => shorten(
                    &describe_resource(resource).replacen("Invoke", &name, 1),
                    SUBTITLE_CHARS,
                ),
                None => task_subtitle(resource),
            }
        }),
        StateKind::Wait(wait) => {
            if let Some(seconds) = &wait.seconds {
                Some(match seconds {
                    MaybeExpr::Literal(s) => duration(*s),
                    MaybeExpr::Expr(e) => e.clone(),
                })
            } else if let Some(t) = &wait.timestamp {
                Some(format!("until {t}"))
            } else if let Some(p) = &wait.seconds_path {
                Some(format!("{p} seconds"))
            } else {
                wait.timestamp_path.as_ref().map(|p| format!("until {p}"))
            }
        }
        StateKind::Map(map) => Some(
            match map.mode {
                ProcessorMode::Inline => "inline",
                ProcessorMode::Distributed => "distributed",
            }
            .to_owned(),
        ),
        StateKind::Parallel(p) => Some(match p.branches.len() {
            1 => "1 branch".to_owned(),
            n => format!("{n} branches"),
        }),
        StateKind::Choice(c) => Some(match c.choices.len() {
            1 => "1 rule".to_owned(),
            n => format!("{n} rules"),
        }),
        StateKind::Fail(f) => f.error.clone().or_else(|| f.error_path.clone()),
        StateKind::Pass(_) | StateKind::Succeed => None,
        StateKind::Unknown => Some("unknown type".to_owned()),
    };
    text.map(|t| shorten(&t, SUBTITLE_CHARS))
}

/// `90` as "1 min 30 s", `7200` as "2 h".
fn duration(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
    );
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "min"), (s, "s")]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .take(2)
        .map(|(n, unit)| format!("{n} {unit}"))
        .collect();
    if parts.is_empty() {
        "0 s".to_owned()
    } else {
        parts.join(" ")
    }
}

/// For Lambda's optimised integration, the function a `FunctionName` names: a deploy-time
/// placeholder as it is (`${ProcessFunctionArn}`, drawn as a parameter chip), else the name in a
/// function ARN, else the name given. `None` for other resources or for an expression.
fn lambda_function(resource: &str, function: &str) -> Option<String> {
    let parts = split_arn(resource);
    let is_invoke = parts.len() >= 7
        && parts[0] == "arn"
        && parts[2] == "states"
        && parts[5] == "lambda"
        && parts[6].starts_with("invoke");
    if !is_invoke || function.starts_with("{%") || function.is_empty() {
        return None;
    }
    if is_placeholder(function) {
        return Some(function.to_owned());
    }
    let fparts = split_arn(function);
    match fparts.iter().position(|p| *p == "function") {
        Some(at) if fparts.first() == Some(&"arn") => fparts.get(at + 1).map(|n| (*n).to_owned()),
        _ => Some(function.to_owned()),
    }
}

/// Splits an ARN on `:` but not inside `${...}` placeholders (`arn:${AWS::Partition}:...`).
fn split_arn(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'{' if i > 0 && bytes[i - 1] == b'$' => depth += 1,
            b'}' if depth > 0 => depth -= 1,
            b':' if depth == 0 => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

fn is_placeholder(text: &str) -> bool {
    crate::placeholder::whole(text).is_some()
}

fn service_name(id: &str) -> String {
    let known = match id {
        "lambda" => "Lambda",
        "dynamodb" => "DynamoDB",
        "sqs" => "SQS",
        "sns" => "SNS",
        "states" => "Step Functions",
        "ecs" => "ECS",
        "eks" => "EKS",
        "batch" => "Batch",
        "glue" => "Glue",
        "databrew" => "DataBrew",
        "sagemaker" => "SageMaker",
        "events" => "EventBridge",
        "athena" => "Athena",
        "bedrock" => "Bedrock",
        "apigateway" => "API Gateway",
        "http" => "HTTP",
        "s3" => "S3",
        "codebuild" => "CodeBuild",
        "elasticmapreduce" => "EMR",
        "emr-serverless" => "EMR Serverless",
        "emr-containers" => "EMR on EKS",
        "mediaconvert" => "MediaConvert",
        "redshiftdata" | "redshift-data" => "Redshift Data",
        "secretsmanager" => "Secrets Manager",
        "ssm" => "Systems Manager",
        "ec2" => "EC2",
        "rds" => "RDS",
        "sfn" => "Step Functions",
        "cloudwatch" => "CloudWatch",
        "kms" => "KMS",
        "iam" => "IAM",
        "sts" => "STS",
        "comprehend" => "Comprehend",
        "textract" => "Textract",
        "rekognition" => "Rekognition",
        "translate" => "Translate",
        "transcribe" => "Transcribe",
        "polly" => "Polly",
        "kinesis" => "Kinesis",
        "firehose" => "Firehose",
        "cloudformation" => "CloudFormation",
        "codepipeline" => "CodePipeline",
        "ses" | "sesv2" => "SES",
        "eventbridge" => "EventBridge",
        "scheduler" => "EventBridge Scheduler",
        _ => return capitalise(id),
    };
    known.to_owned()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The subtitle of a Task with this resource: "Lambda: Invoke", "DynamoDB: PutItem",
/// "SQS: SendMessage (wait for callback)", "ECS: RunTask (run job)", the function name of a
/// Lambda ARN, "Activity: name", or the `${Placeholder}` a deploy tool fills in.
pub fn task_subtitle(resource: &str) -> String {
    let text = describe_resource(resource);
    shorten(&text, SUBTITLE_CHARS)
}

fn describe_resource(resource: &str) -> String {
    if is_placeholder(resource) {
        return resource.to_owned();
    }
    let parts = split_arn(resource);
    if parts.len() < 6 || parts[0] != "arn" {
        return resource.to_owned();
    }
    let service = parts[2];
    match service {
        "states" if parts[3].is_empty() && parts[4].is_empty() => {
            // arn:aws:states:::service:action[.pattern][:version]
            let (service, action) = match (parts[5], parts.get(6)) {
                ("aws-sdk", Some(svc)) => (*svc, parts.get(7).copied().unwrap_or_default()),
                (svc, action) => (svc, action.copied().unwrap_or_default()),
            };
            let (action, pattern) = if let Some(a) = action.strip_suffix(".waitForTaskToken") {
                (a, " (wait for callback)")
            } else if let Some(a) = action.strip_suffix(".sync") {
                (a, " (run job)")
            } else {
                (action, "")
            };
            if action.is_empty() {
                service_name(service)
            } else {
                format!("{}: {}{pattern}", service_name(service), capitalise(action))
            }
        }
        "states" if parts[5] == "activity" => {
            format!("Activity: {}", parts.get(6).copied().unwrap_or_default())
        }
        "lambda" if parts[5] == "function" => {
            format!("Lambda: {}", parts.get(6).copied().unwrap_or_default())
        }
        _ => format!("{}: {}", service_name(service), parts[5..].join(":")),
    }
}

/// The label of Choice rule `index` (0-based): `$.total > 100`, `not($.x == "a")`,
/// `$.a is present and $.b < 3`; a JSONata condition reads as its expression; a malformed rule
/// reads "Rule N".
pub fn rule_label(rule: &ChoiceRule, index: usize) -> String {
    match condition(&rule.condition) {
        Some(text) => shorten(&text, LABEL_CHARS),
        None => format!("Rule {}", index + 1),
    }
}

fn condition(c: &Condition) -> Option<String> {
    Some(match c {
        Condition::Compare {
            variable,
            operator,
            operand,
        } => comparison(variable, *operator, operand),
        Condition::Not(inner) => format!("not({})", condition(&inner.condition)?),
        Condition::And(rules) => {
            // A presence or type test on a variable the And also compares is a guard: leave it
            // out, the comparison says what the rule is about.
            let compared: Vec<&str> = rules
                .iter()
                .filter_map(|r| match &r.condition {
                    Condition::Compare {
                        variable, operator, ..
                    } if !is_guard_operator(*operator) => Some(variable.as_str()),
                    _ => None,
                })
                .collect();
            let kept: Vec<ChoiceRule> = rules
                .iter()
                .filter(|r| match &r.condition {
                    Condition::Compare {
                        variable,
                        operator,
                        operand,
                    } => {
                        !(is_guard_operator(*operator)
                            && *operand == Value::Bool(true)
                            && compared.contains(&variable.as_str()))
                    }
                    _ => true,
                })
                .cloned()
                .collect();
            joined(&kept, " and ")?
        }
        Condition::Or(rules) => joined(rules, " or ")?,
        // A JSONata condition reads as its expression, without the `{% %}` delimiters.
        Condition::Jsonata(Value::String(text)) => {
            let inner = text
                .trim()
                .strip_prefix("{%")
                .and_then(|t| t.strip_suffix("%}"))
                .unwrap_or(text)
                .trim();
            if inner.is_empty() {
                return None;
            }
            inner.split_whitespace().collect::<Vec<_>>().join(" ")
        }
        Condition::Jsonata(_) | Condition::Invalid => return None,
    })
}

fn is_guard_operator(op: Operator) -> bool {
    matches!(
        op,
        Operator::IsPresent
            | Operator::IsBoolean
            | Operator::IsNumeric
            | Operator::IsString
            | Operator::IsTimestamp
    )
}

fn joined(rules: &[ChoiceRule], sep: &str) -> Option<String> {
    let parts: Option<Vec<String>> = rules
        .iter()
        .map(|r| {
            let text = condition(&r.condition)?;
            Some(match r.condition {
                Condition::And(_) | Condition::Or(_) => format!("({text})"),
                _ => text,
            })
        })
        .collect();
    Some(parts?.join(sep))
}

fn comparison(variable: &str, op: Operator, operand: &Value) -> String {
    let name = op.name();
    let test = |what: &str| match operand {
        Value::Bool(false) => format!("{variable} is not {what}"),
        _ => format!("{variable} is {what}"),
    };
    match op {
        Operator::IsNull => return test("null"),
        Operator::IsPresent => return test("present"),
        Operator::IsNumeric => return test("numeric"),
        Operator::IsString => return test("a string"),
        Operator::IsBoolean => return test("a boolean"),
        Operator::IsTimestamp => return test("a timestamp"),
        _ => {}
    }
    let base = name.strip_suffix("Path").unwrap_or(name);
    let symbol = if base.ends_with("GreaterThanEquals") {
        ">="
    } else if base.ends_with("LessThanEquals") {
        "<="
    } else if base.ends_with("GreaterThan") {
        ">"
    } else if base.ends_with("LessThan") {
        "<"
    } else if base.ends_with("Matches") {
        "matches"
    } else {
        "=="
    };
    let right = match (op.operand(), operand) {
        (Operand::Path, Value::String(path)) => path.clone(),
        // A deploy-time placeholder is shown as itself (the canvas draws it as a chip).
        (_, Value::String(s)) if crate::placeholder::whole(s).is_some() => s.clone(),
        (_, value) => value.to_string(),
    };
    format!("{variable} {symbol} {right}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resources_read_as_service_and_action() {
        let cases = [
            ("arn:aws:states:::lambda:invoke", "Lambda: Invoke"),
            ("arn:aws:states:::dynamodb:putItem", "DynamoDB: PutItem"),
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "SQS: SendMessage (wait for callback)",
            ),
            (
                "arn:aws:states:::states:startExecution.sync:2",
                "Step Functions: StartExecution (run job)",
            ),
            ("arn:aws:states:::aws-sdk:s3:getObject", "S3: GetObject"),
            (
                "arn:${AWS::Partition}:states:::lambda:invoke",
                "Lambda: Invoke",
            ),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard:live",
                "Lambda: ChargeCard",
            ),
            (
                "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:${Fn}",
                "Lambda: ${Fn}",
            ),
            ("${ProcessFunctionArn}", "${ProcessFunctionArn}"),
            (
                "arn:aws:states:us-east-1:123456789012:activity:Review",
                "Activity: Review",
            ),
        ];
        for (resource, want) in cases {
            assert_eq!(task_subtitle(resource), want, "{resource}");
        }
    }

    #[test]
    fn lambda_nodes_name_their_function() {
        let cases = [
            (
                json!("${ProcessFunctionArn}"),
                "Lambda: ${ProcessFunctionArn}",
            ),
            (
                json!("arn:aws:lambda:us-east-1:123456789012:function:charge:live"),
                "Lambda: charge",
            ),
            (json!("charge-card"), "Lambda: charge-card"),
            (json!("{% $states.input.fn %}"), "Lambda: Invoke"),
        ];
        let def = json!({"StartAt": "T", "States": {"T": {
            "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "approve"}, "End": true}}});
        let mut diags = crate::diag::Diagnostics::default();
        let machine = crate::model::StateMachine::read(&def, &mut diags);
        let state = machine.scope.states.values().next().expect("one state");
        assert_eq!(
            state_subtitle(state).as_deref(),
            Some("Lambda: approve (wait for callback)")
        );
        for (function, want) in cases {
            let def = json!({"StartAt": "T", "States": {"T": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": function, "Payload.$": "$"}, "End": true}}});
            let mut diags = crate::diag::Diagnostics::default();
            let machine = crate::model::StateMachine::read(&def, &mut diags);
            let state = machine.scope.states.values().next().expect("one state");
            assert_eq!(state_subtitle(state).as_deref(), Some(want), "{function}");
        }
    }

    #[test]
    fn durations_read_in_two_units_at_most() {
        assert_eq!(duration(3), "3 s");
        assert_eq!(duration(900), "15 min");
        assert_eq!(duration(5400), "1 h 30 min");
        assert_eq!(duration(90_061), "1 d 1 h");
        assert_eq!(duration(0), "0 s");
    }

    #[test]
    fn shorten_cuts_on_characters() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("ééé", 3), "ééé");
    }
}
