//! The studio's Config mode, Deploy dialog and Executions panel through kittest: the Config
//! edited with its forms (problems shown as typed), kept in the sidecar beside the definition
//! with the placeholder values already there, read by `stepcraft export` (cfn-lint clean) and
//! `stepcraft deploy`; a deploy from the dialog to moto's real server, an execution started
//! from the panel, listed, and replayed in the Run mode. The background calls are waited for by
//! stepping the harness.
//!
//! The AWS SDK reads credentials from the environment, which a test cannot set in its own
//! process (`unsafe`): the moto test runs itself again as a child with test credentials.
#![allow(clippy::print_stderr)]

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};
use stepcraft_studio::app::{Mode, StudioApp};
use support::moto::Moto;
use support::{TempDir, cfn_lint, harness, stderr, stdout};

use crate::support;

const ROLE: &str = "arn:aws:iam::123456789012:role/stepcraft-test";
const LOG_GROUP: &str =
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders:*";

const DEFINITION: &str = r#"{
  "Comment": "Greets a table",
  "StartAt": "Greet",
  "States": {
    "Greet": {
      "Type": "Pass",
      "Parameters": {"table": "${Table}", "who.$": "$.who"},
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}
"#;

fn type_into(harness: &mut Harness<'static, StudioApp>, label: &str, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .focus();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
}

fn sidecar_json(dir: &TempDir) -> Value {
    let text = std::fs::read_to_string(dir.path("flow.asl.subs.json")).expect("sidecar");
    serde_json::from_str(&text).expect("JSON")
}

/// A definition whose sidecar (written before the Config existed) holds a placeholder value.
fn project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("flow.asl.json", DEFINITION);
    dir.write("flow.asl.subs.json", "{\n  \"Table\": \"orders\"\n}\n");
    dir
}

/// The Config mode on `dir`'s definition, filled in as a user would.
fn configured(dir: &TempDir) -> Harness<'static, StudioApp> {
    let mut harness = harness(StudioApp::from_path(&dir.path("flow.asl.json")));
    harness.state_mut().set_mode(Mode::Config);
    harness.run();
    type_into(&mut harness, "Name", "orders-flow");
    // A role ARN of the wrong shape is said so under the field, and nothing is refused.
    type_into(
        &mut harness,
        "Execution role ARN",
        "arn:aws:iam::1234:role/x",
    );
    assert!(
        harness
            .query_by_label_contains("Not an IAM role's ARN")
            .is_some()
    );
    harness
        .get_by_role_and_label(Role::TextInput, "Execution role ARN")
        .focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness.key_press(egui::Key::Backspace);
    harness.run();
    harness.key_press(egui::Key::Escape);
    harness.run();
    type_into(&mut harness, "Execution role ARN", ROLE);
    assert!(
        harness
            .query_by_label_contains("Not an IAM role's ARN")
            .is_none()
    );
    // Logging at ERROR needs a log group: said until one is given.
    harness.get_by_label("ERROR").click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("needs a log group")
            .is_some()
    );
    type_into(&mut harness, "Log group ARN", LOG_GROUP);
    assert!(
        harness
            .query_by_label_contains("needs a log group")
            .is_none()
    );
    harness.get_by_label("Enable X-Ray tracing").click();
    harness.run();
    harness.get_by_label("Add tag").click();
    harness.run();
    type_into(&mut harness, "Tag key 1", "team");
    type_into(&mut harness, "Tag value 1", "payments");
    harness
}

#[test]
fn the_config_view_keeps_its_values_in_the_sidecar_and_export_reads_them() {
    let dir = project("config-view");
    let harness = configured(&dir);
    assert!(
        harness
            .state()
            .session()
            .parameters()
            .config()
            .problems()
            .is_empty()
    );
    // One sidecar: the placeholder value it held, and the Config under $config.
    assert_eq!(
        sidecar_json(&dir),
        json!({
            "Table": "orders",
            "$config": {
                "name": "orders-flow",
                "roleArn": ROLE,
                "logging": {"level": "ERROR", "logGroupArn": LOG_GROUP},
                "tracing": true,
                "tags": {"team": "payments"}
            }
        })
    );
    // The definition is untouched; the command line still reads the value from the sidecar.
    assert_eq!(
        std::fs::read_to_string(dir.path("flow.asl.json")).expect("definition"),
        DEFINITION
    );
    let out = support::stepcraft(&["validate", &dir.at("flow.asl.json")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // A key another version wrote is kept when the studio writes the Config again.
    let mut kept = sidecar_json(&dir);
    kept["$config"]["futureSetting"] = json!({"x": 1});
    dir.write("flow.asl.subs.json", &kept.to_string());
    let mut harness = harness_on(&dir);
    harness.state_mut().set_mode(Mode::Config);
    harness.run();
    harness
        .get_by_label("Publish a version on each deploy")
        .click();
    harness.run();
    let again = sidecar_json(&dir);
    assert_eq!(again["$config"]["futureSetting"], json!({"x": 1}));
    assert_eq!(again["$config"]["publish"], json!(true));

    // Export: the Config is the resource's properties, and cfn-lint accepts the template.
    let template = dir.at("template.yaml");
    let out = support::stepcraft(&[
        "export",
        &dir.at("flow.asl.json"),
        "--to",
        "cloudformation",
        "-o",
        &template,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&template).expect("template");
    for expected in [
        "StateMachineName: orders-flow",
        "LoggingConfiguration:",
        "Level: ERROR",
        "LogGroupArn: arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/orders:*",
        "TracingConfiguration:",
        "Key: team",
        "Value: payments",
        "AWS::StepFunctions::StateMachineVersion",
        &format!("Default: {ROLE}"),
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    cfn_lint(&template);
    let sam = dir.at("sam.yaml");
    let out = support::stepcraft(&[
        "export",
        &dir.at("flow.asl.json"),
        "--to",
        "sam",
        "-o",
        &sam,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(&sam).expect("sam");
    for expected in [
        "Name: orders-flow",
        "Logging:",
        "Tracing:",
        "team: payments",
    ] {
        assert!(text.contains(expected), "{expected} not in:\n{text}");
    }
    cfn_lint(&sam);
    let out = support::stepcraft(&["export", &dir.at("flow.asl.json"), "--to", "terraform"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tf = stdout(&out);
    for expected in [
        "name       = \"orders-flow\"",
        "logging_configuration {",
        "level                  = \"ERROR\"",
        "tracing_configuration {",
        "publish = true",
        "\"team\" = \"payments\"",
    ] {
        assert!(tf.contains(expected), "{expected} not in:\n{tf}");
    }
    let tf_file = dir.write("main.tf", &tf);
    let parsed = Command::new("python3")
        .args([
            "-c",
            "import hcl2,sys; hcl2.load(open(sys.argv[1]))",
            &tf_file,
        ])
        .output()
        .expect("python3 runs");
    assert!(
        parsed.status.success(),
        "{}",
        String::from_utf8_lossy(&parsed.stderr)
    );
}

#[test]
fn a_broken_config_in_the_sidecar_is_located() {
    let dir = TempDir::new("config-broken");
    dir.write("flow.asl.json", DEFINITION);
    dir.write(
        "flow.asl.subs.json",
        "{\n  \"Table\": \"orders\",\n  \"$config\": {\n    \"type\": \"QUICK\"\n  }\n}\n",
    );
    let out = support::stepcraft(&["export", &dir.at("flow.asl.json"), "--to", "sam"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("flow.asl.subs.json:4:") && err.contains("STANDARD or EXPRESS"),
        "{err}"
    );
    // The studio says so in the Config mode and keeps going.
    let mut harness = harness_on(&dir);
    harness.state_mut().set_mode(Mode::Config);
    harness.run();
    assert!(
        harness
            .query_by_label_contains("STANDARD or EXPRESS")
            .is_some()
    );
}

fn harness_on(dir: &TempDir) -> Harness<'static, StudioApp> {
    harness(StudioApp::from_path(&dir.path("flow.asl.json")))
}

/// Steps the harness until `done` holds (the background thread answered), at most 60 s.
fn wait_for(
    harness: &mut Harness<'static, StudioApp>,
    what: &str,
    done: impl Fn(&StudioApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "no {what} within 60 s");
        std::thread::sleep(Duration::from_millis(20));
        harness.step();
    }
    harness.run();
}

/// Runs `test` again as a child process with AWS test credentials in its environment.
fn with_credentials(test: &str) -> bool {
    if std::env::var_os("STEPCRAFT_TEST_CHILD").is_some() {
        return true;
    }
    // The test's name as the harness knows it: its module's path without the crate's name.
    let path = module_path!().split_once("::").map_or("", |(_, m)| m);
    let name = format!("{path}::{test}");
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", &name, "--nocapture", "--test-threads", "1"])
        .env("STEPCRAFT_TEST_CHILD", "1")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .expect("the test binary runs");
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{text}");
    assert!(text.contains("1 passed"), "{text}");
    eprintln!("{text}");
    false
}

#[test]
fn deploy_from_the_dialog_then_start_list_and_replay_an_execution_from_moto() {
    if !with_credentials("deploy_from_the_dialog_then_start_list_and_replay_an_execution_from_moto")
    {
        return;
    }
    let moto = Moto::start();
    let dir = project("deploy-dialog");
    let mut harness = configured(&dir);
    harness
        .get_by_label("Publish a version on each deploy")
        .click();
    harness.run();
    // The dialog, from the Config view's button; where to connect.
    harness.get_by_label("Deploy to AWS…").click();
    harness.run();
    {
        let aws = harness.state_mut().aws_mut();
        aws.connection.endpoint = moto.endpoint();
        aws.connection.region = "us-east-1".to_owned();
    }
    let started = Instant::now();
    harness.get_by_label("Deploy").click();
    harness.step();
    wait_for(&mut harness, "deploy", |app| {
        app.aws().deploy_outcome().is_some()
    });
    let deploy_time = started.elapsed();
    let outcome = harness
        .state()
        .aws()
        .deploy_outcome()
        .cloned()
        .expect("ended");
    let deployed = outcome.unwrap_or_else(|f| panic!("{}", f.message));
    assert!(deployed.created);
    assert!(
        deployed.arn.starts_with("arn:aws:states:us-east-1:"),
        "{}",
        deployed.arn
    );
    assert!(deployed.version_arn.is_some(), "published");
    // Each step was shown, moto's missing validation said, and the ARNs are on screen.
    harness.get_by_label_contains("Connecting to AWS");
    harness.get_by_label_contains("does not implement ValidateStateMachineDefinition");
    harness.get_by_label(&deployed.arn);
    // What AWS holds: the name, role, logging, tracing and tags from the Config, the
    // placeholder filled from the sidecar.
    let described = moto.sfn(
        "DescribeStateMachine",
        &json!({"stateMachineArn": deployed.arn}),
    );
    assert_eq!(described["name"], "orders-flow");
    assert_eq!(described["roleArn"], ROLE);
    assert_eq!(described["loggingConfiguration"]["level"], "ERROR");
    assert_eq!(described["tracingConfiguration"]["enabled"], true);
    let definition: Value =
        serde_json::from_str(described["definition"].as_str().expect("definition")).expect("JSON");
    assert_eq!(
        definition["States"]["Greet"]["Parameters"]["table"],
        "orders"
    );
    let tags = moto.sfn("ListTagsForResource", &json!({"resourceArn": deployed.arn}));
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "payments"}]));

    // The Executions panel: start one with an input, list it, replay it.
    let loop_start = Instant::now();
    harness.state_mut().aws_mut().open_executions();
    harness.step();
    // Opening it lists what is there (nothing yet).
    wait_for(&mut harness, "the first list", |app| !app.aws().is_busy());
    assert!(harness.state().aws().executions().is_empty());
    harness
        .state_mut()
        .aws_mut()
        .set_execution_input(r#"{"who": "Ada"}"#);
    harness.get_by_label("▶ Start execution").click();
    harness.step();
    wait_for(&mut harness, "execution list", |app| {
        !app.aws().executions().is_empty()
    });
    // moto runs the execution on its own thread: refresh until it has ended.
    let deadline = Instant::now() + Duration::from_secs(60);
    while harness.state().aws().executions()[0].status == "RUNNING" {
        assert!(Instant::now() < deadline, "the execution did not end");
        std::thread::sleep(Duration::from_millis(100));
        harness.get_by_label("⟳ Refresh").click();
        harness.step();
        wait_for(&mut harness, "refresh", |app| !app.aws().is_busy());
    }
    let execution = harness.state().aws().executions()[0].clone();
    assert_eq!(execution.status, "SUCCEEDED");
    assert!(
        execution.arn.contains(":execution:orders-flow:"),
        "{execution:?}"
    );
    harness.get_by_label("SUCCEEDED");
    harness.get_by_label("Replay").click();
    harness.step();
    wait_for(&mut harness, "replay", |app| app.aws().replayed().is_some());
    let loop_time = loop_start.elapsed();
    let app = harness.state();
    assert_eq!(app.mode(), Mode::Run);
    assert!(app.run_mode().controller().is_replay());
    let statuses = app.run_mode().controller().statuses();
    for state in ["Greet", "Done"] {
        assert_eq!(
            statuses.get(state).map(|s| format!("{s:?}")).as_deref(),
            Some("Succeeded"),
            "{state}: {statuses:?}"
        );
    }
    eprintln!(
        "studio against moto: deploy {:.2} s; start, wait, list, fetch and replay {:.2} s",
        deploy_time.as_secs_f64(),
        loop_time.as_secs_f64()
    );

    // `stepcraft deploy` reads the same Config: no --role-arn, the name from the sidecar.
    let out = Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args([
            "deploy",
            &dir.at("flow.asl.json"),
            "--endpoint-url",
            &moto.endpoint(),
        ])
        .env("AWS_REGION", "us-east-1")
        .env_remove("STEPCRAFT_ROLE_ARN")
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("updated state machine orders-flow"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out).lines().next(), Some(deployed.arn.as_str()));
}

const TEMPLATE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Greeter:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: greeter-from-template
      RoleArn: arn:aws:iam::123456789012:role/stepcraft-test
      Tags:
        - Key: team
          Value: greeters
      Definition:
        StartAt: Greet
        States:
          Greet:
            Type: Pass
            Parameters:
              table: ${Table}
            End: true
      DefinitionSubstitutions:
        Table: greetings
  Computed:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      Definition:
        StartAt: Done
        States:
          Done:
            Type: Succeed
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
"#;

/// Deploys from the dialog of a studio opened on `arg`; the outcome.
fn deploy_from_dialog(arg: &str, endpoint: &str) -> Result<stepcraft_aws::Deployed, String> {
    let mut harness = harness(StudioApp::from_path(std::path::Path::new(arg)));
    harness.state_mut().aws_mut().open_deploy();
    {
        let aws = harness.state_mut().aws_mut();
        aws.connection.endpoint = endpoint.to_owned();
        aws.connection.region = "us-east-1".to_owned();
    }
    harness.run();
    harness.get_by_label("Deploy").click();
    harness.step();
    wait_for(&mut harness, "deploy", |app| {
        app.aws().deploy_outcome().is_some()
    });
    let outcome = harness.state().aws().deploy_outcome().cloned();
    outcome.expect("ended").map_err(|f| f.message)
}

#[test]
fn a_template_state_machine_deploys_from_the_dialog_with_its_name_role_and_tags() {
    if !with_credentials(
        "a_template_state_machine_deploys_from_the_dialog_with_its_name_role_and_tags",
    ) {
        return;
    }
    let moto = Moto::start();
    let dir = TempDir::new("deploy-dialog-template");
    let template = dir.write("template.yaml", TEMPLATE);
    let deployed = deploy_from_dialog(&format!("{template}#Greeter"), &moto.endpoint())
        .unwrap_or_else(|m| panic!("{m}"));
    assert!(
        deployed
            .arn
            .ends_with(":stateMachine:greeter-from-template"),
        "{}",
        deployed.arn
    );
    let described = moto.sfn(
        "DescribeStateMachine",
        &json!({"stateMachineArn": deployed.arn}),
    );
    assert_eq!(described["roleArn"], ROLE);
    let definition: Value =
        serde_json::from_str(described["definition"].as_str().expect("definition")).expect("JSON");
    assert_eq!(
        definition["States"]["Greet"]["Parameters"]["table"],
        "greetings"
    );
    let tags = moto.sfn("ListTagsForResource", &json!({"resourceArn": deployed.arn}));
    assert_eq!(tags["tags"], json!([{"key": "team", "value": "greeters"}]));

    // A role written with !GetAtt and none in the Config: refused, naming where and what to do.
    let refused = deploy_from_dialog(&format!("{template}#Computed"), &moto.endpoint())
        .expect_err("no role to deploy with");
    assert!(
        refused.contains("RoleArn (at 24:7 in the template) is written with Fn::GetAtt"),
        "{refused}"
    );
    assert!(
        refused.contains("set the role in the Config mode"),
        "{refused}"
    );
}
