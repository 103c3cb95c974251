//! AWS service integrations sent by `stepcraft run --aws-endpoint` (and `backends: {aws: ...}`
//! in a backends file or a test file) to moto's real server on a free loopback port, signed
//! with SigV4 from the credentials in the environment: DynamoDB items put, read (optimized and
//! `aws-sdk:`), updated, queried and deleted; an SQS message, an SNS publication and an
//! EventBridge event each read back from a queue with a plain request to moto; service errors
//! (`DynamoDB.ConditionalCheckFailedException` retried then caught; `Lambda.ResourceNotFoundException`,
//! `SNS.NotFoundException`, `EventBridge.FailedEntry` and `DynamoDb.ResourceNotFoundException`
//! caught). moto runs no Lambda function without Docker: Lambda Invoke is checked with moto's
//! Docker-less Lambda, which answers from a queue of results, and for a function-not-found
//! error. Refusals: a
//! service Task with no `aws` names `--aws-endpoint`, a test file's `aws` without consent names
//! `--allow-backends`; bad `aws` values are located; an `aws-sdk:` call of a protocol that is
//! not sent ends the run with `States.Runtime` that no Catch takes; a closed port fails as
//! `DynamoDB.SdkClientException`. `aws-sdk:sfn` (camelCase on the wire) reads in PascalCase; a
//! `.waitForTaskToken` message carries its token; a request's SigV4 signature (with a session
//! token from the environment) is checked by botocore's own signer.
#![allow(clippy::print_stderr)]

use crate::support;

use serde_json::{Value, json};
use std::path::Path;
use std::process::{Command, Output};
use support::moto::{Moto, free_port, stepcraft_aws as stepcraft};
use support::{TempDir, s, stderr, stdout};

const JSON10: &str = "application/x-amz-json-1.0";
const JSON11: &str = "application/x-amz-json-1.1";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn dynamodb(moto: &Moto, action: &str, body: &Value) -> Value {
    moto.call(
        "dynamodb",
        JSON10,
        &format!("DynamoDB_20120810.{action}"),
        &body.to_string(),
    )
}

fn sqs(moto: &Moto, action: &str, body: &Value) -> Value {
    moto.call(
        "sqs",
        JSON10,
        &format!("AmazonSQS.{action}"),
        &body.to_string(),
    )
}

/// A queue: its URL and ARN.
fn queue(moto: &Moto, name: &str) -> (String, String) {
    let url = sqs(moto, "CreateQueue", &json!({"QueueName": name}))["QueueUrl"]
        .as_str()
        .expect("a queue URL")
        .to_owned();
    let arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
    (url, arn)
}

/// The bodies of the messages waiting in a queue.
fn received(moto: &Moto, url: &str) -> Vec<String> {
    let answer = sqs(
        moto,
        "ReceiveMessage",
        &json!({"QueueUrl": url, "MaxNumberOfMessages": 10}),
    );
    answer["Messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| m["Body"].as_str().expect("a body").to_owned())
        .collect()
}

/// Moto with a table, a queue, a topic delivering to a queue, and a rule delivering to a queue.
struct World {
    moto: Moto,
    orders_queue: String,
    topic_queue: String,
    events_queue: String,
    topic: String,
}

impl World {
    fn new() -> Self {
        let moto = Moto::start();
        dynamodb(
            &moto,
            "CreateTable",
            &json!({
                "TableName": "orders",
                "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        );
        let (orders_queue, _) = queue(&moto, "orders");
        let (topic_queue, topic_queue_arn) = queue(&moto, "from-topic");
        let (events_queue, events_queue_arn) = queue(&moto, "from-events");
        let created = moto.call(
            "sns",
            FORM,
            "",
            "Action=CreateTopic&Version=2010-03-31&Name=orders",
        );
        let text = created.as_str().expect("XML text");
        let topic = text
            .split("<TopicArn>")
            .nth(1)
            .and_then(|t| t.split("</TopicArn>").next())
            .expect("a topic ARN")
            .to_owned();
        moto.call(
            "sns",
            FORM,
            "",
            &format!(
                "Action=Subscribe&Version=2010-03-31&TopicArn={topic}&Protocol=sqs&Endpoint={topic_queue_arn}&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true"
            ),
        );
        moto.call(
            "events",
            JSON11,
            "AWSEvents.PutRule",
            &json!({"Name": "orders", "EventPattern": "{\"source\": [\"shop.orders\"]}"})
                .to_string(),
        );
        moto.call(
            "events",
            JSON11,
            "AWSEvents.PutTargets",
            &json!({"Rule": "orders", "Targets": [{"Id": "q", "Arn": events_queue_arn}]})
                .to_string(),
        );
        Self {
            moto,
            orders_queue,
            topic_queue,
            events_queue,
            topic,
        }
    }
}

fn write(dir: &TempDir, name: &str, value: &Value) -> String {
    let path = dir.0.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).expect("JSON")).expect("write");
    s(&path).to_owned()
}

/// The order workflow: every integration, a conflicting put retried once then caught, a
/// missing function and a missing table caught.
fn orders(world: &World) -> Value {
    let ddb = |action: &str| format!("arn:aws:states:::dynamodb:{action}");
    let catch_to = |error: &str, path: &str, next: &str| json!([{"ErrorEquals": [error], "ResultPath": path, "Next": next}]);
    json!({
        "StartAt": "Put order",
        "States": {
            "Put order": {
                "Type": "Task", "Resource": ddb("putItem"),
                "Parameters": {
                    "TableName": "orders",
                    "Item": {"id": {"S.$": "$.id"}, "total": {"N": "12"}, "status": {"S": "new"}},
                    "ConditionExpression": "attribute_not_exists(id)"
                },
                "ResultPath": "$.put", "Next": "Get order"
            },
            "Get order": {
                "Type": "Task", "Resource": ddb("getItem"),
                "Parameters": {"TableName": "orders", "Key": {"id": {"S.$": "$.id"}}},
                "ResultPath": "$.got", "Next": "Update order"
            },
            "Update order": {
                "Type": "Task", "Resource": ddb("updateItem"),
                "Parameters": {
                    "TableName": "orders", "Key": {"id": {"S.$": "$.id"}},
                    "UpdateExpression": "SET #s = :s",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":s": {"S": "paid"}},
                    "ReturnValues": "ALL_NEW"
                },
                "ResultSelector": {"status.$": "$.Attributes.status.S"},
                "ResultPath": "$.updated", "Next": "Query orders"
            },
            "Query orders": {
                "Type": "Task", "Resource": ddb("query"),
                "Parameters": {
                    "TableName": "orders",
                    "KeyConditionExpression": "id = :id",
                    "ExpressionAttributeValues": {":id": {"S.$": "$.id"}}
                },
                "ResultSelector": {"count.$": "$.Count"},
                "ResultPath": "$.queried", "Next": "Get through the SDK"
            },
            "Get through the SDK": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": "orders", "Key": {"id": {"S.$": "$.id"}}},
                "ResultPath": "$.sdk", "Next": "List machines"
            },
            "List machines": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sfn:listStateMachines",
                "Parameters": {"MaxResults": 10},
                "ResultSelector": {"count.$": "States.ArrayLength($.StateMachines)"},
                "ResultPath": "$.machines", "Next": "Send"
            },
            "Send": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {"QueueUrl": world.orders_queue, "MessageBody": {"order.$": "$.id"}},
                "ResultPath": "$.sent", "Next": "Publish"
            },
            "Publish": {
                "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {
                    "TopicArn": world.topic, "Subject": "order",
                    "Message": {"paid.$": "$.id"},
                    "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "paid"}}
                },
                "ResultPath": "$.published", "Next": "Announce"
            },
            "Announce": {
                "Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [{
                    "Source": "shop.orders", "DetailType": "OrderPaid",
                    "Detail": {"id.$": "$.id"}
                }]},
                "ResultPath": "$.announced", "Next": "Announce badly"
            },
            "Announce badly": {
                "Type": "Task", "Resource": "arn:aws:states:::events:putEvents",
                "Parameters": {"Entries": [{"DetailType": "OrderPaid", "Detail": {"id.$": "$.id"}}]},
                "Catch": catch_to("EventBridge.FailedEntry", "$.refused", "Publish nowhere"),
                "ResultPath": "$.refused", "Next": "Publish nowhere"
            },
            "Publish nowhere": {
                "Type": "Task", "Resource": "arn:aws:states:::sns:publish",
                "Parameters": {"TopicArn": "arn:aws:sns:us-east-1:123456789012:no-such-topic", "Message": "x"},
                "Catch": catch_to("SNS.NotFoundException", "$.nowhere", "Put again"),
                "ResultPath": "$.nowhere", "Next": "Put again"
            },
            "Put again": {
                "Type": "Task", "Resource": ddb("putItem"),
                "Parameters": {
                    "TableName": "orders",
                    "Item": {"id": {"S.$": "$.id"}},
                    "ConditionExpression": "attribute_not_exists(id)"
                },
                "Retry": [{
                    "ErrorEquals": ["DynamoDB.ConditionalCheckFailedException"],
                    "MaxAttempts": 1, "IntervalSeconds": 1
                }],
                "Catch": catch_to("DynamoDB.ConditionalCheckFailedException", "$.conflict", "Invoke"),
                "ResultPath": "$.again", "Next": "Invoke"
            },
            "Invoke": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "no-such-function", "Payload": {"id.$": "$.id"}},
                "Catch": catch_to("Lambda.ResourceNotFoundException", "$.invoked", "Missing table"),
                "ResultPath": "$.invoked", "Next": "Missing table"
            },
            "Missing table": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:dynamodb:getItem",
                "Parameters": {"TableName": "no-such-table", "Key": {"id": {"S": "x"}}},
                "Catch": catch_to("DynamoDb.ResourceNotFoundException", "$.missing", "Delete order"),
                "ResultPath": "$.missing", "Next": "Delete order"
            },
            "Delete order": {
                "Type": "Task", "Resource": ddb("deleteItem"),
                "Parameters": {"TableName": "orders", "Key": {"id": {"S.$": "$.id"}}, "ReturnValues": "ALL_OLD"},
                "ResultSelector": {"status.$": "$.Attributes.status.S"},
                "ResultPath": "$.deleted", "End": true
            }
        }
    })
}

fn output_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        stdout(out),
        stderr(out)
    );
    serde_json::from_str(&stdout(out)).expect("the output is JSON")
}

fn history_events(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("the history is written");
    let history: Value = serde_json::from_str(&text).expect("JSON");
    history["events"].as_array().expect("events").clone()
}

#[test]
fn a_workflow_calls_dynamodb_sqs_sns_eventbridge_and_lambda_on_moto() {
    let world = World::new();
    let dir = TempDir::new("aws-services");
    let file = write(&dir, "orders.asl.json", &orders(&world));
    let history = dir.0.join("history.json");
    let out = stepcraft(&[
        "run",
        &file,
        "--input",
        r#"{"id": "o-1"}"#,
        "--aws-endpoint",
        &world.moto.endpoint(),
        "--history",
        s(&history),
    ]);
    let output = output_of(&out);

    // DynamoDB, optimized: the service's fields and AWS's metadata.
    assert_eq!(output["put"]["SdkHttpMetadata"]["HttpStatusCode"], 200);
    assert!(output["put"]["SdkResponseMetadata"]["RequestId"].is_string());
    assert_eq!(output["got"]["Item"]["total"], json!({"N": "12"}));
    assert_eq!(output["got"]["Item"]["status"], json!({"S": "new"}));
    assert_eq!(output["updated"], json!({"status": "paid"}));
    assert_eq!(output["queried"], json!({"count": 1}));
    // aws-sdk: the service's answer as it is, without the optimized metadata.
    assert_eq!(output["sdk"]["Item"]["status"], json!({"S": "paid"}));
    assert!(output["sdk"].get("SdkHttpMetadata").is_none(), "{output}");
    // Step Functions' own API is camelCase on the wire, PascalCase in the workflow.
    assert_eq!(output["machines"], json!({"count": 0}));
    assert_eq!(output["deleted"], json!({"status": "paid"}));
    let left = dynamodb(
        &world.moto,
        "GetItem",
        &json!({"TableName": "orders", "Key": {"id": {"S": "o-1"}}}),
    );
    assert!(left.get("Item").is_none(), "the item is deleted: {left}");

    // SQS: the body sent as JSON text, read back from the queue.
    assert!(output["sent"]["MessageId"].is_string(), "{output}");
    assert_eq!(
        output["sent"]["MD5OfMessageBody"],
        format!("{:x}", md5_of(r#"{"order":"o-1"}"#))
    );
    assert_eq!(
        received(&world.moto, &world.orders_queue),
        [r#"{"order":"o-1"}"#]
    );

    // SNS: published, delivered to the subscribed queue.
    assert!(output["published"]["MessageId"].is_string(), "{output}");
    assert_eq!(
        output["published"]["SdkHttpMetadata"]["HttpStatusCode"],
        200
    );
    assert_eq!(
        received(&world.moto, &world.topic_queue),
        [r#"{"paid":"o-1"}"#]
    );

    // EventBridge: the entry's id, and the event delivered by the rule.
    assert_eq!(output["announced"]["FailedEntryCount"], 0);
    let event_id = output["announced"]["Entries"][0]["EventId"]
        .as_str()
        .expect("an event id");
    let delivered = received(&world.moto, &world.events_queue);
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let event: Value = serde_json::from_str(&delivered[0]).expect("an event");
    assert_eq!(event["id"], event_id);
    assert_eq!(event["detail-type"], "OrderPaid");
    assert_eq!(event["detail"], json!({"id": "o-1"}));

    // An entry PutEvents refuses fails the task, the answer as the cause.
    assert_eq!(output["refused"]["Error"], "EventBridge.FailedEntry");
    let cause: Value = serde_json::from_str(output["refused"]["Cause"].as_str().expect("a cause"))
        .expect("the cause is the answer");
    assert_eq!(cause["FailedEntryCount"], 1);
    assert_eq!(cause["Entries"][0]["ErrorCode"], "InvalidArgument");
    // SNS's errors: the code with Exception added, AmazonSNS in the cause.
    assert_eq!(output["nowhere"]["Error"], "SNS.NotFoundException");
    let cause = output["nowhere"]["Cause"].as_str().expect("a cause");
    assert!(
        cause.contains("(Service: AmazonSNS; Status Code: 404; Error Code: NotFound; Request ID: "),
        "{cause}"
    );

    // The conflicting put: retried once, then caught, named as Step Functions names it.
    assert_eq!(
        output["conflict"]["Error"],
        "DynamoDB.ConditionalCheckFailedException"
    );
    let cause = output["conflict"]["Cause"].as_str().expect("a cause");
    assert!(
        cause.starts_with("The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: "),
        "{cause}"
    );
    let events = history_events(&history);
    let failed: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "TaskFailed")
        .collect();
    let conflicts = failed
        .iter()
        .filter(|e| {
            e["taskFailedEventDetails"]["error"] == "DynamoDB.ConditionalCheckFailedException"
        })
        .count();
    assert_eq!(conflicts, 2, "the first attempt and its retry: {failed:?}");

    // Lambda: moto runs no function without Docker; a missing one is Lambda's error, caught.
    assert_eq!(
        output["invoked"]["Error"],
        "Lambda.ResourceNotFoundException"
    );
    let cause = output["invoked"]["Cause"].as_str().expect("a cause");
    assert!(
        cause.contains("no-such-function")
            && cause.contains("Service: AWSLambda; Status Code: 404"),
        "{cause}"
    );
    // aws-sdk errors carry the SDK's service name.
    assert_eq!(
        output["missing"]["Error"],
        "DynamoDb.ResourceNotFoundException"
    );
    let cause = output["missing"]["Cause"].as_str().expect("a cause");
    assert!(
        cause.contains("(Service: DynamoDb, Status Code: 400, Request ID: "),
        "{cause}"
    );
}

/// MD5 of a text, as SQS reports its bodies'.
fn md5_of(text: &str) -> u128 {
    let out = Command::new("python3")
        .args([
            "-c",
            "import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())",
            text,
        ])
        .output()
        .expect("python3 runs");
    u128::from_str_radix(stdout(&out).trim(), 16).expect("hex")
}

#[test]
fn lambda_invoke_through_the_endpoint_returns_the_functions_answer() {
    // moto's Lambda without Docker answers invocations from a queue of results, in order.
    let moto = Moto::start();
    let (status, text) = moto
        .post(
            "/moto-api/config",
            &[],
            r#"{"lambda": {"use_docker": false}}"#,
        )
        .expect("moto answers");
    assert!(status < 300, "{text}");
    let results = json!({"region": "us-east-1",
        "results": [json!({"total": 5}).to_string(), json!({"ok": true}).to_string()]});
    let (status, text) = moto
        .post(
            "/moto-api/static/lambda-simple/response",
            &[],
            &results.to_string(),
        )
        .expect("moto answers");
    assert!(status < 300, "{text}");
    let dir = TempDir::new("aws-lambda-invoke");
    let file = write(
        &dir,
        "price.asl.json",
        &json!({"StartAt": "Price", "States": {
            "Price": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "price", "Payload": {"n": 1}},
                "ResultPath": "$.price", "Next": "Notify"},
            "Notify": {"Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:notify",
                "ResultPath": "$.notified", "End": true}}}),
    );
    let out = stepcraft(&[
        "run",
        &file,
        "--input",
        r#"{"id": "o-1"}"#,
        "--aws-endpoint",
        &moto.endpoint(),
    ]);
    let output = output_of(&out);
    // lambda:invoke: Lambda's Invoke response, the function's answer as JSON in Payload.
    assert_eq!(output["price"]["Payload"], json!({"total": 5}), "{output}");
    assert_eq!(output["price"]["StatusCode"], 200, "{output}");
    assert_eq!(output["price"]["SdkHttpMetadata"]["HttpStatusCode"], 200);
    // A function's ARN as the resource: the answer itself.
    assert_eq!(output["notified"], json!({"ok": true}), "{output}");
    assert_eq!(output["id"], "o-1");
}

#[test]
fn a_test_file_sends_to_its_aws_endpoint_only_with_consent() {
    let world = World::new();
    let dir = TempDir::new("aws-test-file");
    let definition = json!({
        "StartAt": "Put",
        "States": {
            "Put": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": {"TableName": "orders", "Item": {"id": {"S.$": "$.id"}},
                               "ConditionExpression": "attribute_not_exists(id)"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Conflict"}],
                "ResultSelector": {"ok": true},
                "ResultPath": "$.put", "End": true
            },
            "Conflict": {
                "Type": "Pass", "Parameters": {"id.$": "$.id", "error.$": "$.error.Error"}, "End": true
            }
        }
    });
    write(&dir, "put.asl.json", &definition);
    let test_file = json!({
        "definition": "put.asl.json",
        "backends": {"aws": {"endpoint": world.moto.endpoint(), "region": "us-east-1"}},
        "cases": [
            {"name": "first put", "input": {"id": "t-1"},
             "expect": {"status": "SUCCEEDED", "output": {"id": "t-1", "put": {"ok": true}}}},
            {"name": "second put conflicts", "input": {"id": "t-1"},
             "expect": {"status": "SUCCEEDED", "output": {"id": "t-1", "error": "DynamoDB.ConditionalCheckFailedException"}}}
        ]
    });
    let tests = write(&dir, "put.test.json", &test_file);

    let refused = stepcraft(&["test", &tests]);
    assert!(!refused.status.success());
    let text = stdout(&refused) + &stderr(&refused);
    assert!(
        text.contains("AWS service calls to http://127.0.0.1:")
            && text.contains("--allow-backends"),
        "{text}"
    );
    let item = dynamodb(
        &world.moto,
        "GetItem",
        &json!({"TableName": "orders", "Key": {"id": {"S": "t-1"}}}),
    );
    assert!(
        item.get("Item").is_none(),
        "nothing was sent without consent: {item}"
    );

    let out = stepcraft(&["test", &tests, "--allow-backends"]);
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("2 passed, 0 failed"),
        "{}",
        stdout(&out)
    );
    let item = dynamodb(
        &world.moto,
        "GetItem",
        &json!({"TableName": "orders", "Key": {"id": {"S": "t-1"}}}),
    );
    assert_eq!(item["Item"]["id"], json!({"S": "t-1"}));
}

#[test]
fn a_service_task_without_aws_names_the_flag() {
    let dir = TempDir::new("aws-no-flag");
    let file = write(
        &dir,
        "get.asl.json",
        &json!({"StartAt": "Get", "States": {"Get": {
            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "t", "Key": {"id": {"S": "a"}}}, "End": true}}}),
    );
    let out = stepcraft(&["run", &file]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("error: States.TaskFailed"), "{err}");
    assert!(err.contains("--aws-endpoint URL"), "{err}");
}

#[test]
fn bad_aws_values_are_located() {
    let dir = TempDir::new("aws-bad-config");
    let file = write(
        &dir,
        "get.asl.json",
        &json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}),
    );
    let backends = dir.0.join("backends.yaml");
    std::fs::write(
        &backends,
        "backends:\n  aws:\n    region: us-east-1\n    endpoint: localhost:5000\n",
    )
    .expect("write");
    let out = stepcraft(&["run", &file, "--backends", s(&backends)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("backends.yaml:4:5: error: 'localhost:5000' is not an endpoint URL: write http://HOST:PORT or https://HOST (at /backends/aws/endpoint)"),
        "{err}"
    );

    std::fs::write(
        &backends,
        "backends:\n  aws: {region: US East, endpoint: \"http://127.0.0.1:1\"}\n",
    )
    .expect("write");
    let err = stderr(&stepcraft(&["run", &file, "--backends", s(&backends)]));
    assert!(
        err.contains("backends.yaml:2:")
            && err.contains("error: 'US East' is not a region name")
            && err.contains("(at /backends/aws/region)"),
        "{err}"
    );

    std::fs::write(
        &backends,
        "backends:\n  aws: {endpont: \"http://127.0.0.1:1\"}\n",
    )
    .expect("write");
    let err = stderr(&stepcraft(&["run", &file, "--backends", s(&backends)]));
    assert!(
        err.contains("unknown key \"endpont\" in \"aws\"; it takes endpoint, region and profile (at /backends/aws/endpont)"),
        "{err}"
    );

    // No region anywhere: the set-up says where to give one.
    let out = Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args(["run", &file, "--aws-endpoint", "http://127.0.0.1:1"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", dir.0.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.0.join("no-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: \"aws\": no AWS region is set: give \"aws\" a region (region: us-east-1), set AWS_REGION"),
        "{}",
        stderr(&out)
    );

    let out = stepcraft(&["run", &file, "--aws-endpoint", "moto"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--aws-endpoint: 'moto' is not an endpoint URL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unreachable_endpoint_is_a_client_error_and_an_unsent_protocol_ends_the_run() {
    let dir = TempDir::new("aws-closed");
    let closed = format!("http://127.0.0.1:{}", free_port());
    let file = write(
        &dir,
        "closed.asl.json",
        &json!({"StartAt": "Get", "States": {
            "Get": {
                "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": {"TableName": "t", "Key": {"id": {"S": "a"}}},
                "Catch": [{"ErrorEquals": ["DynamoDB.SdkClientException"], "Next": "Read"}],
                "End": true
            },
            "Read": {
                "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject",
                "Parameters": {"Bucket": "b", "Key": "k"},
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "End": true
            },
            "Caught": {"Type": "Succeed"}
        }}),
    );
    let history = dir.0.join("history.json");
    let out = stepcraft(&[
        "run",
        &file,
        "--aws-endpoint",
        &closed,
        "--history",
        s(&history),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error: States.Runtime"), "{err}");
    assert!(
        err.contains("The Task state 'Read' cannot run locally: aws-sdk:s3 is not sent locally"),
        "{err}"
    );
    let events = history_events(&history);
    let first = events
        .iter()
        .find(|e| e["type"] == "TaskFailed")
        .expect("the first task failed");
    assert_eq!(
        first["taskFailedEventDetails"]["error"],
        "DynamoDB.SdkClientException"
    );
    let cause = first["taskFailedEventDetails"]["cause"]
        .as_str()
        .expect("a cause");
    assert!(
        cause.starts_with("Unable to execute HTTP request: "),
        "{cause}"
    );
    assert!(
        !events.iter().any(|e| e["type"] == "SucceedStateEntered"),
        "States.Runtime is not caught by States.ALL"
    );
}

#[test]
fn a_callback_task_sends_its_message_then_waits_for_the_token() {
    let world = World::new();
    let dir = TempDir::new("aws-callback");
    let file = write(
        &dir,
        "wait.asl.json",
        &json!({"StartAt": "Ask", "States": {
            "Ask": {
                "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": world.orders_queue,
                               "MessageBody": {"token.$": "$$.Task.Token", "id.$": "$.id"}},
                "TimeoutSeconds": 30,
                "Catch": [{"ErrorEquals": ["States.Timeout"], "ResultPath": "$.waited", "Next": "Gave up"}],
                "End": true
            },
            "Gave up": {"Type": "Pass", "End": true}
        }}),
    );
    let out = stepcraft(&[
        "run",
        &file,
        "--input",
        r#"{"id": "c-1"}"#,
        "--aws-endpoint",
        &world.moto.endpoint(),
    ]);
    // Nobody answers from the command line: the task's timeout runs out on the virtual clock.
    let output = output_of(&out);
    assert_eq!(output["waited"]["Error"], "States.Timeout");
    let bodies = received(&world.moto, &world.orders_queue);
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let message: Value = serde_json::from_str(&bodies[0]).expect("the body is JSON");
    assert_eq!(message["id"], "c-1");
    assert!(
        message["token"].as_str().is_some_and(|t| !t.is_empty()),
        "{message}"
    );
}

/// A server that takes one request and checks its SigV4 signature with botocore's own signer
/// (the secret key is its argument); it prints its port, then the verdict as JSON.
const SIGNATURE_CHECK: &str = r#"
import sys, json
from http.server import BaseHTTPRequestHandler, HTTPServer
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

class Check(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        auth = self.headers.get('Authorization', '')
        scope = auth.split('Credential=')[1].split(',')[0].split('/')
        signed = auth.split('SignedHeaders=')[1].split(',')[0].split(';')
        given = auth.split('Signature=')[1].strip()
        headers = {h: self.headers[h] for h in signed if h != 'host'}
        request = AWSRequest(method='POST', url='http://' + self.headers['Host'] + self.path,
                             data=body, headers=headers)
        request.context['timestamp'] = self.headers['X-Amz-Date']
        token = self.headers.get('X-Amz-Security-Token')
        signer = SigV4Auth(Credentials(scope[0], sys.argv[1], token), scope[3], scope[2])
        canonical = signer.canonical_request(request)
        ok = signer.signature(signer.string_to_sign(request, canonical), request) == given
        print(json.dumps({"ok": ok, "scope": scope, "signed": signed, "token": token}), flush=True)
        answer = json.dumps({"Item": {"signed": {"BOOL": True}}} if ok else
                            {"__type": "InvalidSignatureException", "message": "no match"}).encode()
        self.send_response(200 if ok else 400)
        self.send_header('Content-Type', 'application/x-amz-json-1.0')
        self.send_header('Content-Length', str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

server = HTTPServer(('127.0.0.1', 0), Check)
print(server.server_address[1], flush=True)
server.handle_request()
"#;

#[test]
fn requests_are_signed_with_sigv4_from_the_environments_credentials() {
    use std::io::{BufRead, BufReader};
    let dir = TempDir::new("aws-sigv4");
    let script = dir.0.join("check.py");
    std::fs::write(&script, SIGNATURE_CHECK).expect("write");
    let mut checker = Command::new("python3")
        .arg(&script)
        .arg("the-secret")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (botocore comes with moto)");
    let mut lines = BufReader::new(checker.stdout.take().expect("stdout")).lines();
    let port = lines.next().expect("a port").expect("text");
    let file = write(
        &dir,
        "get.asl.json",
        &json!({"StartAt": "Get", "States": {"Get": {
            "Type": "Task", "Resource": "arn:aws:states:::dynamodb:getItem",
            "Parameters": {"TableName": "t", "Key": {"id": {"S": "a"}}}, "End": true}}}),
    );
    let out = Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args([
            "run",
            &file,
            "--aws-endpoint",
            &format!("http://127.0.0.1:{port}"),
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIDSTEPCRAFT")
        .env("AWS_SECRET_ACCESS_KEY", "the-secret")
        .env("AWS_SESSION_TOKEN", "session-token")
        .env("AWS_REGION", "eu-west-2")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("the binary runs");
    let verdict: Value =
        serde_json::from_str(&lines.next().expect("a verdict").expect("text")).expect("JSON");
    let _ = checker.wait();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(
        verdict["scope"],
        json!([
            "AKIDSTEPCRAFT",
            verdict["scope"][1],
            "eu-west-2",
            "dynamodb",
            "aws4_request"
        ])
    );
    assert_eq!(verdict["token"], "session-token");
    let signed = verdict["signed"].to_string();
    assert!(
        signed.contains("x-amz-target") && signed.contains("x-amz-date"),
        "{signed}"
    );
    assert_eq!(output_of(&out)["Item"]["signed"], json!({"BOOL": true}));
}
