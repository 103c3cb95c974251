//! `stepcraft deploy`, `executions` and `replay --execution` against moto's real server, started
//! by each test on a free loopback port: create, update (same ARN, new definition), start and
//! wait, fetch the whole history, replay it, and compare with a local `stepcraft run` of the
//! same definition and input; tags a Config no longer lists removed on update. Error paths: a
//! closed port, an invalid definition (refused before any call). moto runs one execution per
//! server (a second start fails inside moto), so each executing test has its own.
#![allow(clippy::print_stderr)]

use crate::support;

use serde_json::{Value, json};
use std::process::{Command, Output};
use std::time::Instant;
use support::moto::{Moto, free_port, stepcraft_aws};
use support::{TempDir, repo, s, stderr, stdout};

const ROLE: &str = "arn:aws:iam::123456789012:role/stepcraft-test";

/// DescribeStateMachine, straight to moto (the definition AWS holds now).
fn definition_of(moto: &Moto, arn: &str) -> Value {
    let answer = moto.sfn("DescribeStateMachine", &json!({ "stateMachineArn": arn }));
    serde_json::from_str(answer["definition"].as_str().expect("a definition"))
        .expect("the definition is JSON")
}

/// The binary with test credentials and region in its environment, talking to `endpoint`.
fn aws(endpoint: &str, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--endpoint-url", endpoint]);
    stepcraft_aws(&all)
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    assert!(!stderr(out).contains("panicked"), "{}", stderr(out));
    stdout(out)
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The state names a replay lists, in order, and the last state run's output.
fn replayed(report: &Value) -> (Vec<String>, Value) {
    let runs = report["stateRuns"].as_array().expect("state runs");
    let names = runs
        .iter()
        .map(|r| r["state"].as_str().unwrap_or_default().to_owned())
        .collect();
    let last = runs.last().map(|r| r["output"].clone()).unwrap_or_default();
    (names, last)
}

/// The local run of the same definition and input: its output and its replayed state runs.
fn local(file: &str, input: &str, dir: &TempDir) -> (Value, Vec<String>) {
    let history = dir.at("local-history.json");
    let out = support::stepcraft(&["run", file, "--input", input, "--history", &history]);
    let output = json_of(&ok(&out));
    let replay = json_of(&ok(&support::stepcraft(&[
        "replay", &history, "--format", "json",
    ])));
    (output, replayed(&replay).0)
}

/// Deploy, start and wait, fetch the history, replay it; checked against a local run. Returns
/// the state machine's ARN and the seconds the loop took.
fn deploy_run_compare(moto: &Moto, file: &str, input: &str, dir: &TempDir) -> (String, f64) {
    let endpoint = moto.endpoint();
    let started = Instant::now();
    let out = aws(&endpoint, &["deploy", file, "--role-arn", ROLE]);
    let arn = ok(&out).trim().to_owned();
    assert!(arn.starts_with("arn:aws:states:us-east-1:"), "{arn}");
    let err = stderr(&out);
    assert!(err.contains("created state machine"), "{err}");
    // moto lacks ValidateStateMachineDefinition: one line says so and the deploy goes on.
    assert!(
        err.contains("does not implement ValidateStateMachineDefinition"),
        "{err}"
    );

    let out = aws(
        &endpoint,
        &[
            "executions",
            "start",
            file,
            "--input",
            input,
            "--name",
            "first",
            "--wait",
        ],
    );
    let text = ok(&out);
    let mut lines = text.lines();
    let execution = lines.next().expect("the execution ARN").to_owned();
    assert!(execution.contains(":execution:"), "{text}");
    assert_eq!(lines.next(), Some("SUCCEEDED"), "{text}");
    let remote_output = json_of(&lines.collect::<Vec<_>>().join("\n"));

    let history = dir.at("history.json");
    ok(&aws(
        &endpoint,
        &["executions", "history", &execution, "-o", &history],
    ));
    let fetched = json_of(&std::fs::read_to_string(&history).expect("history written"));
    let events = fetched["events"].as_array().expect("events");
    assert_eq!(events[0]["type"], "ExecutionStarted", "{fetched}");
    assert_eq!(
        events.last().map(|e| e["type"].clone()),
        Some(json!("ExecutionSucceeded"))
    );
    let replay = json_of(&ok(&support::stepcraft(&[
        "replay", &history, "--format", "json",
    ])));
    let direct = json_of(&ok(&aws(
        &endpoint,
        &["replay", "--execution", &execution, "--format", "json"],
    )));
    let took = started.elapsed().as_secs_f64();
    assert_eq!(replay, direct, "the file and --execution replay alike");
    assert_eq!(replay["ending"], "ExecutionSucceeded");

    let (local_output, local_states) = local(file, input, dir);
    let (states, last_output) = replayed(&replay);
    assert_eq!(
        remote_output, local_output,
        "AWS (moto) and stepcraft run agree"
    );
    assert_eq!(
        last_output, local_output,
        "the replay ends on the same output"
    );
    assert_eq!(
        states, local_states,
        "the same states ran in the same order"
    );

    // The execution is listed and described.
    let listed = ok(&aws(&endpoint, &["executions", "list", file]));
    assert!(
        listed.contains(&execution) && listed.contains("SUCCEEDED"),
        "{listed}"
    );
    let described = json_of(&ok(&aws(
        &endpoint,
        &["executions", "describe", &execution],
    )));
    assert_eq!(described["status"], "SUCCEEDED");
    assert_eq!(described["stateMachineArn"], json!(arn));
    (arn, took)
}

#[test]
fn hello_world_deploys_runs_on_moto_and_matches_a_local_run_then_updates_in_place() {
    let moto = Moto::start();
    let dir = TempDir::new("deploy-hello");
    let original = repo("assets/examples/hello-world.asl.json");
    let file = dir.at("hello-world.asl.json");
    std::fs::copy(&original, &file).expect("copy the example");
    let (arn, took) = deploy_run_compare(&moto, &file, r#"{"from": "test"}"#, &dir);
    eprintln!("hello-world: deploy, start --wait (3 s Wait state), history, replay: {took:.2} s");

    // An edit, deployed again: the same ARN, the new definition, a published version.
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replace("Let's celebrate!", "Deployed again!")).expect("edit");
    let out = aws(
        &moto.endpoint(),
        &[
            "deploy",
            &file,
            "--publish",
            "--version-description",
            "second",
        ],
    );
    let printed = ok(&out);
    let mut lines = printed.lines();
    assert_eq!(lines.next(), Some(arn.as_str()), "{printed}");
    let version = lines.next().expect("the version ARN");
    assert!(version.starts_with(&format!("{arn}:")), "{version}");
    assert!(stderr(&out).contains("updated state machine hello-world"));
    let definition = definition_of(&moto, &arn);
    assert_eq!(
        definition["States"]["Celebrate"]["Parameters"]["reply"],
        "Great to hear it. Deployed again!"
    );
}

#[test]
fn a_pass_choice_loop_runs_on_moto_like_stepcraft_run_and_jsonata_deploys() {
    let moto = Moto::start();
    let dir = TempDir::new("deploy-loop");
    let file = dir.write(
        "counter.asl.json",
        r#"{
  "Comment": "Counts to three in a Pass/Choice loop.",
  "StartAt": "Init",
  "States": {
    "Init": {"Type": "Pass", "Parameters": {"count": 0, "items.$": "$.items"}, "Next": "Check"},
    "Check": {
      "Type": "Choice",
      "Choices": [{"Variable": "$.count", "NumericGreaterThanEquals": 3, "Next": "Done"}],
      "Default": "Step"
    },
    "Step": {
      "Type": "Pass",
      "Parameters": {"count.$": "States.MathAdd($.count, 1)", "items.$": "$.items"},
      "Next": "Check"
    },
    "Done": {
      "Type": "Pass",
      "Parameters": {"total.$": "$.count", "first.$": "$.items[0]"},
      "ResultPath": "$.summary",
      "End": true
    }
  }
}
"#,
    );
    let (_, took) = deploy_run_compare(&moto, &file, r#"{"items": ["a", "b"]}"#, &dir);
    eprintln!("Pass/Choice loop: deploy, start --wait, history, replay: {took:.2} s");

    // JSONata: deployed and updated (moto does not execute JSONata).
    let jsonata = dir.at("jsonata-orders.asl.json");
    std::fs::copy(repo("assets/examples/jsonata-orders.asl.json"), &jsonata).expect("copy");
    let endpoint = moto.endpoint();
    let arn = ok(&aws(&endpoint, &["deploy", &jsonata, "--role-arn", ROLE]))
        .trim()
        .to_owned();
    assert_eq!(definition_of(&moto, &arn)["QueryLanguage"], "JSONata");
    let text = std::fs::read_to_string(&jsonata).expect("read");
    let mut value: Value = serde_json::from_str(&text).expect("JSON");
    value["Comment"] = json!("Updated by the test.");
    std::fs::write(&jsonata, value.to_string()).expect("edit");
    let out = aws(&endpoint, &["deploy", &jsonata, "--name", "jsonata-orders"]);
    assert_eq!(ok(&out).trim(), arn);
    assert_eq!(
        definition_of(&moto, &arn)["Comment"],
        "Updated by the test."
    );

    // A type cannot change; a file never deployed names no state machine; redrive is not in moto.
    let out = aws(&endpoint, &["deploy", &jsonata, "--type", "EXPRESS"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("its type cannot change"),
        "{}",
        stderr(&out)
    );
    let never = dir.write("never.asl.json", &text);
    let out = aws(&endpoint, &["executions", "start", &never]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no state machine is named never"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("stepcraft deploy"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn creating_without_a_role_says_how_to_give_one() {
    let moto = Moto::start();
    let out = aws(
        &moto.endpoint(),
        &["deploy", s(&repo("assets/examples/hello-world.asl.json"))],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("creating one needs an IAM role"), "{err}");
    assert!(err.contains("--role-arn"), "{err}");
}

#[test]
fn an_unreachable_endpoint_is_a_clear_error_not_a_panic() {
    let closed = format!("http://127.0.0.1:{}", free_port());
    let file = repo("assets/examples/hello-world.asl.json");
    for args in [
        vec!["deploy", s(&file), "--role-arn", ROLE],
        vec![
            "executions",
            "describe",
            "arn:aws:states:us-east-1:123456789012:execution:a:b",
        ],
        vec![
            "replay",
            "--execution",
            "arn:aws:states:us-east-1:123456789012:execution:a:b",
        ],
    ] {
        let out = aws(&closed, &args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("no answer from the endpoint"), "{err}");
        assert!(err.contains("hint: check --endpoint-url"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn an_invalid_definition_is_refused_before_any_call() {
    let dir = TempDir::new("deploy-invalid");
    let file = dir.write(
        "broken.asl.json",
        r#"{"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    // A closed port: any call would fail with "no answer"; none is made.
    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = aws(&closed, &["deploy", &file, "--role-arn", ROLE]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("broken.asl.json:1:"), "{err}");
    assert!(err.contains("nothing was sent to AWS"), "{err}");
    assert!(!err.contains("no answer"), "{err}");
    // A placeholder without a value is refused too, naming the flag.
    let file = dir.write(
        "placeholder.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${Stage}", "End": true}}}"#,
    );
    let out = aws(
        &closed,
        &["deploy", &file, "--role-arn", ROLE, "--no-discovery"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("--sub Stage=VALUE"), "{err}");
    assert!(!err.contains("no answer"), "{err}");
}

#[test]
fn no_credentials_say_where_credentials_come_from() {
    let dir = TempDir::new("deploy-nocreds");
    let closed = format!("http://127.0.0.1:{}", free_port());
    // No keys, no profile files, no instance metadata: the chain finds nothing, and nothing
    // leaves the machine.
    let out = Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args([
            "executions",
            "describe",
            "arn:aws:states:us-east-1:123456789012:execution:a:b",
        ])
        .args(["--endpoint-url", &closed, "--region", "us-east-1"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.at("home"))
        .env("AWS_CONFIG_FILE", dir.at("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.at("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the binary runs");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no credentials"), "{err}");
    assert!(err.contains("hint: check the credentials"), "{err}");
    assert!(!err.contains("no answer from the endpoint"), "{err}");
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn tags_the_config_no_longer_lists_are_removed_on_update() {
    let moto = Moto::start();
    let endpoint = moto.endpoint();
    let dir = TempDir::new("deploy-tags");
    let file = dir.write(
        "tagged.asl.json",
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#,
    );
    let sidecar = dir.path("tagged.asl.subs.json");
    let config = |tags: Value| {
        std::fs::write(
            &sidecar,
            json!({"$config": {"roleArn": ROLE, "tags": tags}}).to_string(),
        )
        .expect("write the sidecar");
    };
    config(json!({"a": "1", "b": "2"}));
    let arn = ok(&aws(&endpoint, &["deploy", &file])).trim().to_owned();
    assert_eq!(moto.tags(&arn), pairs(&[("a", "1"), ("b", "2")]));

    config(json!({"b": "3", "c": "4"}));
    assert_eq!(ok(&aws(&endpoint, &["deploy", &file])).trim(), arn);
    assert_eq!(moto.tags(&arn), pairs(&[("b", "3"), ("c", "4")]));

    // A Config without tags removes them all; no Config at all leaves them as they are.
    config(json!({}));
    ok(&aws(&endpoint, &["deploy", &file]));
    assert!(moto.tags(&arn).is_empty());
    moto.sfn(
        "TagResource",
        &json!({"resourceArn": arn, "tags": [{"key": "outside", "value": "kept"}]}),
    );
    std::fs::remove_file(&sidecar).expect("remove the sidecar");
    ok(&aws(&endpoint, &["deploy", &file]));
    assert_eq!(moto.tags(&arn), pairs(&[("outside", "kept")]));
}
