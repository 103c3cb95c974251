//! `stepcraft deploy TEMPLATE#LogicalId` and tags on update, against moto's real server started
//! by each test on a free loopback port: a CloudFormation resource (inline Definition with
//! DefinitionSubstitutions, StateMachineName, RoleArn, Tags as Key/Value) and a SAM one
//! (DefinitionUri, Name, Type, Role, Tags as a mapping) created and updated; a role written
//! with `!GetAtt` refused offline at its line:column until `--role-arn` gives one; `executions`
//! finding the machine deployed from `TEMPLATE#LogicalId` by the name the template gives it.

use crate::support;

use serde_json::{Value, json};
use std::process::Output;
use support::moto::{Moto, free_port, stepcraft_aws};
use support::{TempDir, stderr, stdout};

const ROLE: &str = "arn:aws:iam::123456789012:role/stepcraft-test";
const OTHER_ROLE: &str = "arn:aws:iam::123456789012:role/stepcraft-other";

fn aws(endpoint: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--endpoint-url", endpoint]);
    stepcraft_aws(&all)
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
    stdout(out).trim().to_owned()
}

/// DescribeStateMachine, straight to moto.
fn described(moto: &Moto, arn: &str) -> (Value, Value) {
    let answer = moto.sfn("DescribeStateMachine", &json!({ "stateMachineArn": arn }));
    let definition = serde_json::from_str(answer["definition"].as_str().expect("a definition"))
        .expect("the definition is JSON");
    (answer, definition)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// The line:column (1-based) where `needle` starts in `text`.
fn position(text: &str, needle: &str) -> String {
    let at = text.find(needle).expect("the needle is in the text");
    let line = text[..at].matches('\n').count() + 1;
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    format!("{line}:{}", at - line_start + 1)
}

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Description: Two state machines for stepcraft deploy's tests.

Resources:
  OrdersStateMachine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: orders-from-template
      StateMachineType: STANDARD
      RoleArn: arn:aws:iam::123456789012:role/stepcraft-test
      Tags:
        - Key: team
          Value: orders
        - Key: stage
          Value: dev
      Definition:
        Comment: Order intake
        StartAt: Store
        States:
          Store:
            Type: Pass
            Parameters:
              TableName: ${OrdersTable}
              Limit: ${Limit}
            End: true
      DefinitionSubstitutions:
        OrdersTable: orders-dev
        Limit: 25

  Reports:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: reports-from-template
      Type: EXPRESS
      Role: arn:aws:iam::123456789012:role/stepcraft-test
      Tags:
        team: reports
      DefinitionUri: statemachine/reports.asl.json
      DefinitionSubstitutions:
        Bucket: reports-bucket
"#;

const REPORTS: &str = r#"{
  "StartAt": "Report",
  "States": {
    "Report": {"Type": "Pass", "Result": {"bucket": "${Bucket}"}, "End": true}
  }
}
"#;

#[test]
fn a_template_resource_deploys_with_its_properties_and_substitutions_then_updates() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let dir = TempDir::new("deploy-template");
    let template = dir.write("template.yaml", TEMPLATE);
    dir.write("statemachine/reports.asl.json", REPORTS);

    // CloudFormation's names: StateMachineName, StateMachineType, RoleArn, Tags as Key/Value.
    let target = format!("{template}#OrdersStateMachine");
    let out = aws(&endpoint, &["deploy", &target]);
    let arn = ok(&out);
    assert!(arn.ends_with(":stateMachine:orders-from-template"), "{arn}");
    assert!(
        stderr(&out).contains("created state machine orders-from-template"),
        "{}",
        stderr(&out)
    );
    let (answer, definition) = described(&moto, &arn);
    assert_eq!(answer["name"], "orders-from-template");
    assert_eq!(answer["type"], "STANDARD");
    assert_eq!(answer["roleArn"], ROLE);
    assert_eq!(
        definition["States"]["Store"]["Parameters"],
        json!({"TableName": "orders-dev", "Limit": 25}),
        "DefinitionSubstitutions filled in, the number bare"
    );
    assert_eq!(definition["Comment"], "Order intake");
    assert_eq!(
        moto.tags(&arn),
        pairs(&[("stage", "dev"), ("team", "orders")])
    );

    // An edit of the template, deployed again: the same ARN, the new definition and tags.
    let edited = TEMPLATE
        .replace("Comment: Order intake", "Comment: Order intake, edited")
        .replace("OrdersTable: orders-dev", "OrdersTable: orders-prod")
        .replace(
            "        - Key: stage\n          Value: dev\n",
            "        - Key: stage\n          Value: prod\n",
        );
    std::fs::write(&template, &edited).expect("edit the template");
    let out = aws(&endpoint, &["deploy", &target]);
    assert_eq!(ok(&out), arn);
    assert!(
        stderr(&out).contains("updated state machine orders-from-template"),
        "{}",
        stderr(&out)
    );
    let (_, definition) = described(&moto, &arn);
    assert_eq!(definition["Comment"], "Order intake, edited");
    assert_eq!(
        definition["States"]["Store"]["Parameters"]["TableName"],
        "orders-prod"
    );
    assert_eq!(
        moto.tags(&arn),
        pairs(&[("stage", "prod"), ("team", "orders")])
    );

    // `executions` finds the machine by the name the template gives it.
    let out = aws(&endpoint, &["executions", "start", &target, "--wait"]);
    let text = ok(&out);
    let mut lines = text.lines();
    let execution = lines.next().unwrap_or_default();
    assert!(
        execution.contains(":execution:orders-from-template:"),
        "{text}"
    );
    assert_eq!(lines.next(), Some("SUCCEEDED"), "{text}");
    let output: Value = serde_json::from_str(&lines.collect::<Vec<_>>().join("\n"))
        .unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(output, json!({"TableName": "orders-prod", "Limit": 25}));
    let listed = ok(&aws(&endpoint, &["executions", "list", &target]));
    assert!(listed.contains(execution), "{listed}");

    // SAM's names: Name, Type, Role, Tags as a mapping; the definition in DefinitionUri's file.
    let out = aws(&endpoint, &["deploy", &format!("{template}#Reports")]);
    let reports = ok(&out);
    let (answer, definition) = described(&moto, &reports);
    assert_eq!(answer["name"], "reports-from-template");
    assert_eq!(
        definition["States"]["Report"]["Result"],
        json!({"bucket": "reports-bucket"})
    );
    assert_eq!(moto.tags(&reports), pairs(&[("team", "reports")]));
    // moto keeps every state machine STANDARD (it ignores CreateStateMachine's type), so the
    // template's EXPRESS shows in the update's refusal: a type cannot change.
    let out = aws(&endpoint, &["deploy", &format!("{template}#Reports")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is STANDARD; its type cannot change to EXPRESS"),
        "{}",
        stderr(&out)
    );

    // The template's literals win over the sidecar's Config, said in a note.
    std::fs::write(
        dir.path("template.OrdersStateMachine.subs.json"),
        json!({"$config": {"name": "orders-by-config", "roleArn": OTHER_ROLE}}).to_string(),
    )
    .expect("write the sidecar");
    let out = aws(&endpoint, &["deploy", &target]);
    assert_eq!(ok(&out), arn);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{template}: note: the template's name is used; the one in the sidecar's Config is not"
        )),
        "{err}"
    );
    assert!(err.contains("the template's role is used"), "{err}");
    assert_eq!(described(&moto, &arn).0["roleArn"], ROLE);

    // Flags win over the template: another name makes another state machine.
    let out = aws(
        &endpoint,
        &[
            "deploy",
            &target,
            "--name",
            "orders-by-flag",
            "--role-arn",
            OTHER_ROLE,
        ],
    );
    let by_flag = ok(&out);
    assert!(
        by_flag.ends_with(":stateMachine:orders-by-flag"),
        "{by_flag}"
    );
    assert_eq!(described(&moto, &by_flag).0["roleArn"], OTHER_ROLE);
}

const COMPUTED: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stage:
    Type: String
    Default: dev
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Service: states.amazonaws.com
            Action: sts:AssumeRole
  Pipeline:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: !Sub "${AWS::StackName}-pipeline"
      RoleArn: !GetAtt Role.Arn
      Tags:
        - Key: stage
          Value: !Ref Stage
      DefinitionString: '{"StartAt": "Go", "States": {"Go": {"Type": "Pass", "Result": {"greeting": "${Greeting}", "topic": "${TopicArn}"}, "End": true}}}'
      DefinitionSubstitutions:
        Greeting: hello
        TopicArn: !Ref Topic
  Topic:
    Type: AWS::SNS::Topic
"#;

#[test]
fn a_role_written_with_getatt_is_refused_at_its_line_until_role_arn_gives_one() {
    let dir = TempDir::new("deploy-template-role");
    let template = dir.write("template.yaml", COMPUTED);
    let target = format!("{template}#Pipeline");
    // A closed port: the refusal comes before any call.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = aws(&closed, &["deploy", &target]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    let at = position(COMPUTED, "RoleArn: !GetAtt");
    assert!(
        err.contains(&format!(
            "{template}:{at}: error: RoleArn is written with Fn::GetAtt"
        )),
        "{err}"
    );
    assert!(err.contains("pass --role-arn"), "{err}");
    assert!(!err.contains("no answer"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // With --role-arn: the name falls back to the logical ID and the tags to the Config (none),
    // each said in a note at its line.
    let moto = Moto::start();
    let out = aws(&moto.endpoint(), &["deploy", &target, "--role-arn", ROLE]);
    let arn = ok(&out);
    let err = stderr(&out);
    assert!(arn.ends_with(":stateMachine:Pipeline"), "{arn}");
    let name_at = position(COMPUTED, "StateMachineName:");
    assert!(
        err.contains(&format!(
            "{template}:{name_at}: note: StateMachineName is written with Fn::Sub"
        )),
        "{err}"
    );
    assert!(err.contains("deploying as Pipeline"), "{err}");
    assert!(err.contains("Tags is written with Ref"), "{err}");
    let (answer, definition) = described(&moto, &arn);
    assert_eq!(answer["roleArn"], ROLE);
    assert_eq!(definition["States"]["Go"]["Result"]["greeting"], "hello");
    // The topic's ARN is only known once CloudFormation deploys: its stand-in, said so.
    let topic = definition["States"]["Go"]["Result"]["topic"]
        .as_str()
        .unwrap_or_default();
    assert!(topic.starts_with("arn:aws:sns:"), "{topic}");
    assert!(
        err.contains(&format!(
            "warning: ${{TopicArn}} is deployed as {topic}, a stand-in"
        )),
        "{err}"
    );
    assert!(err.contains("--sub TopicArn=VALUE"), "{err}");
    assert!(moto.tags(&arn).is_empty());

    // A role in the template's sidecar Config does as well as the flag.
    let sidecar = dir.path("template.Pipeline.subs.json");
    std::fs::write(
        &sidecar,
        json!({"$config": {"roleArn": OTHER_ROLE}}).to_string(),
    )
    .expect("write the sidecar");
    let out = aws(&moto.endpoint(), &["deploy", &target]);
    assert_eq!(ok(&out), arn);
    assert_eq!(described(&moto, &arn).0["roleArn"], OTHER_ROLE);
}
