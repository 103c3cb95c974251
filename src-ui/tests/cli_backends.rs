//! Local backends from the command line: `stepcraft run --local-lambdas`, `--backends FILE`,
//! `--allow-http`, and `stepcraft test --allow-backends` / `--backends FILE`; what each refuses
//! without consent, and the configuration's located errors.

use crate::support;

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use support::{TempDir, repo, s, stderr, stdout, stepcraft};

fn json_out(text: &str) -> Value {
    serde_json::from_str(text.trim()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn run_local_lambdas_runs_the_template_functions_and_says_so_when_not_asked() {
    let def = repo("assets/examples/sam-local/order.asl.json");
    let input = format!("@{}", s(&repo("assets/examples/sam-local/order.json")));
    let out = stepcraft(&["run", s(&def), "--input", &input, "--local-lambdas"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = json_out(&stdout(&out));
    assert_eq!(got["price"], json!({"total": 5.4, "status": 200}));
    assert_eq!(got["valid"], true);
    // What the function printed goes to stderr, named by its state.
    let err = stderr(&out);
    assert_eq!(
        err, "Validate: order o-1 is valid (ValidateFunction)\n",
        "{err}"
    );

    // Without the flag nothing runs: the task fails and the message names the flag.
    let out = stepcraft(&["run", s(&def), "--input", &input]);
    assert_ne!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(
        err.contains("No result was given for the Task state 'Validate'"),
        "{err}"
    );
    assert!(err.contains("--local-lambdas"), "{err}");
}

#[test]
fn run_local_lambdas_without_a_template_says_how_to_give_one() {
    let dir = TempDir::new("backends-no-template");
    let def = dir.write(
        "flow.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#,
    );
    let out = stepcraft(&["run", &def, "--local-lambdas"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("need a template") && err.contains("--template FILE"),
        "{err}"
    );

    // The definition away from its template: --template names it.
    let text = std::fs::read_to_string(repo("assets/examples/sam-local/order.asl.json"))
        .expect("the example");
    let def = dir.write("order.asl.json", &text);
    let template = repo("assets/examples/sam-local/template.yaml");
    let input = r#"{"id": "o-9", "items": [{"sku": "apple", "qty": 1}]}"#;
    let out = stepcraft(&[
        "run",
        &def,
        "--input",
        input,
        "--local-lambdas",
        "--template",
        s(&template),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = json_out(&stdout(&out));
    assert_eq!(got["valid"], true, "{got}");
    assert_eq!(got["price"]["status"], 200, "{got}");
    assert!(stderr(&out).contains("order o-9 is valid (ValidateFunction)"));
}

const CHARGE: &str = r#"{"StartAt": "Charge Payment", "States": {
  "Charge Payment": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:payments:charge",
    "Next": "Ship"},
  "Ship": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ships:send", "End": true}}}"#;

#[test]
fn run_backends_file_binds_commands_and_the_rest_keep_their_results() {
    let dir = TempDir::new("backends-run-file");
    let def = dir.write("flow.asl.json", CHARGE);
    dir.write(
        "scripts/charge.py",
        "import json, sys\nv = json.load(sys.stdin)\nprint(json.dumps({'charged': v['amount']}))\n",
    );
    let file = dir.write(
        "backends.yaml",
        "backends:\n  commands:\n    Charge Payment: [python3, scripts/charge.py]\n",
    );
    let results = dir.write("results.json", r#"{"Ship": {"shipped": true}}"#);
    let out = stepcraft(&[
        "run",
        &def,
        "--input",
        r#"{"amount": 12}"#,
        "--backends",
        &file,
        "--task-results",
        &results,
        "--history",
        &dir.at("history.json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_out(&stdout(&out)), json!({"shipped": true}));
    let history = std::fs::read_to_string(dir.path("history.json")).expect("history");
    assert!(history.contains(r#"{\"charged\":12}"#), "{history}");
}

#[test]
fn run_backends_file_errors_are_located_and_unavailable_backends_named() {
    let dir = TempDir::new("backends-run-errors");
    let def = dir.write("flow.asl.json", CHARGE);
    let file = dir.write(
        "backends.yaml",
        "backends:\n  commands:\n    Charge Payment: [python3, x.py]\n  lamdas: template\n",
    );
    let out = stepcraft(&["run", &def, "--backends", &file]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("backends.yaml:4:3: error: unknown key \"lamdas\"")
            && err.contains("(at /backends/lamdas)"),
        "{err}"
    );

    let file = dir.write(
        "nested.json",
        r#"{"backends": {"stateMachines": {"child": "missing.asl.json"}}}"#,
    );
    let out = stepcraft(&["run", &def, "--backends", &file]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("stateMachines") && err.contains("missing.asl.json"),
        "{err}"
    );
}

/// A server on 127.0.0.1 answering one request with 200 and `{"pong": TARGET, "headers":
/// {name: value} (names in lower case), "body": TEXT}`.
fn serve_once() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let handle = std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).expect("request line");
        let target = line
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        let mut length = 0;
        let mut headers = serde_json::Map::new();
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).expect("header");
            if header.trim().is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap_or((&header, ""));
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            if name == "content-length" {
                length = value.parse().unwrap_or(0);
            }
            headers.insert(name, json!(value));
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let text = json!({"pong": target, "headers": headers,
            "body": String::from_utf8_lossy(&body)})
        .to_string();
        let mut stream = reader.into_inner();
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
            text.len()
        );
    });
    (format!("http://{addr}"), handle)
}

#[test]
fn run_allow_http_makes_the_request_and_without_it_none_goes_out() {
    let dir = TempDir::new("backends-http");
    // Port 9 (discard) on 127.0.0.1: were a request sent without consent, it would fail
    // differently (a socket error), not with the message asking for --allow-http.
    let refused = dir.write(
        "refused.asl.json",
        r#"{"StartAt": "Ping", "States": {"Ping": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
          "Parameters": {"ApiEndpoint": "http://127.0.0.1:9/ping", "Method": "GET",
            "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}}, "End": true}}}"#,
    );
    let out = stepcraft(&["run", &refused]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("States.TaskFailed") && err.contains("--allow-http"),
        "{err}"
    );

    let (base, server) = serve_once();
    let def = dir.write(
        "ping.asl.json",
        &json!({"StartAt": "Ping", "States": {"Ping": {"Type": "Task",
            "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {"ApiEndpoint": format!("{base}/ping"), "Method": "GET",
                "QueryParameters": {"n": "1"},
                "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}},
            "ResultSelector": {"code.$": "$.StatusCode", "body.$": "$.ResponseBody"},
            "End": true}}})
        .to_string(),
    );
    let out = stepcraft(&["run", &def, "--allow-http"]);
    server.join().expect("server");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = json_out(&stdout(&out));
    assert_eq!(got["code"], "200");
    assert_eq!(got["body"]["pong"], "/ping?n=1");
}

#[test]
fn http_credentials_come_from_the_environment_and_the_definition_sends_its_headers_and_json() {
    let dir = TempDir::new("backends-http-env");
    let backends = dir.write(
        "backends.yaml",
        "backends:\n  http:\n    allow: true\n    connections:\n      \"arn:aws:events:*:connection/shop/*\":\n        headers: {Authorization: \"env:SHOP_TOKEN\"}\n        queryParameters: {key: \"env:SHOP_KEY\"}\n",
    );
    let (base, server) = serve_once();
    let def = dir.write(
        "order.asl.json",
        &json!({"StartAt": "Send", "States": {"Send": {"Type": "Task",
            "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {"ApiEndpoint": format!("{base}/orders"), "Method": "POST",
                "Headers": {"X-Trace": "t-1"},
                "RequestBody": {"items": [1, 2], "who": "Ann"},
                "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}},
            "ResultSelector": {"body.$": "$.ResponseBody"},
            "End": true}}})
        .to_string(),
    );
    let run = |env: &[(&str, &str)]| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_stepcraft"));
        command
            .args(["run", &def, "--backends", &backends])
            .env_remove("SHOP_TOKEN")
            .env_remove("SHOP_KEY");
        for (k, v) in env {
            command.env(k, v);
        }
        command.output().expect("the binary runs")
    };
    // Not set: refused before any request, at the value's place.
    let out = run(&[("SHOP_KEY", "k-1")]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("/headers/Authorization") && err.contains("SHOP_TOKEN, which is not set"),
        "{err}"
    );

    let out = run(&[("SHOP_TOKEN", "Bearer s3cret"), ("SHOP_KEY", "k-1")]);
    server.join().expect("server");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let got = &json_out(&stdout(&out))["body"];
    assert_eq!(got["pong"], "/orders?key=k-1");
    let headers = &got["headers"];
    assert_eq!(headers["authorization"], "Bearer s3cret");
    assert_eq!(headers["x-trace"], "t-1");
    assert_eq!(headers["content-type"], "application/json");
    let body: Value = serde_json::from_str(got["body"].as_str().expect("text")).expect("JSON");
    assert_eq!(body, json!({"items": [1, 2], "who": "Ann"}));
}

fn test_file(dir: &TempDir) -> String {
    dir.write("flow.asl.json", CHARGE);
    dir.write(
        "charge.py",
        "import json, sys\nv = json.load(sys.stdin)\nprint(json.dumps({'charged': v['amount'], 'by': sys.argv[1]}))\n",
    );
    dir.write(
        "flow.test.yaml",
        r#"definition: flow.asl.json
backends:
  commands:
    Charge Payment: [python3, charge.py, file]
cases:
  - name: charged by the file's command
    input: {"amount": 5}
    mocks:
      Ship: {Return: {"shipped": true}}
    expect:
      status: SUCCEEDED
      output: {"shipped": true}
      path: [Charge Payment, Ship]
  - name: the case's command wins
    input: {"amount": 6}
    backends:
      commands:
        Charge Payment: [python3, charge.py, case]
        Ship: [python3, -c, "import sys, json; print(sys.stdin.read())"]
    expect:
      status: SUCCEEDED
      output: {"charged": 6, "by": "case"}
"#,
    )
}

#[test]
fn test_runs_backends_only_with_allow_backends() {
    let dir = TempDir::new("backends-test-consent");
    let file = test_file(&dir);
    let out = stepcraft(&["test", &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("FAIL charged by the file's command: /backends")
            && text.contains("`python3 charge.py file` for 'Charge Payment'")
            && text.contains("--allow-backends"),
        "{text}"
    );
    assert!(text.trim_end().ends_with("0 passed, 2 failed"), "{text}");

    let out = stepcraft(&["test", &file, "--allow-backends"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.trim_end().ends_with("2 passed, 0 failed"), "{text}");
}

#[test]
fn test_backends_file_binds_tasks_for_every_case_and_gives_consent() {
    let dir = TempDir::new("backends-test-file");
    dir.write("flow.asl.json", CHARGE);
    dir.write(
        "flow.test.json",
        r#"{"definition": "flow.asl.json", "cases": [{"name": "echoed", "input": {"a": 1},
            "mocks": {"Charge Payment": {"Return": {"b": 2}}},
            "expect": {"status": "SUCCEEDED", "output": {"b": 2, "seen": true}}}]}"#,
    );
    let backends = dir.write(
        "backends.json",
        r#"{"commands": {"Ship": ["python3", "-c", "import sys, json; v = json.load(sys.stdin); v['seen'] = True; print(json.dumps(v))"]}}"#,
    );
    let out = stepcraft(&["test", &dir.at("flow.test.json"), "--backends", &backends]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("ok echoed"), "{text}");

    let bad = dir.write("bad.json", r#"{"commands": {"Ship": "python3"}}"#);
    let out = stepcraft(&["test", &dir.at("flow.test.json"), "--backends", &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("bad.json:1:15: error: a command is a list of strings")
            && err.contains("(at /commands/Ship)"),
        "{err}"
    );
}

#[test]
fn a_test_file_with_a_mistake_in_its_backends_is_unreadable_at_the_pointer() {
    let dir = TempDir::new("backends-test-bad");
    dir.write("flow.asl.json", CHARGE);
    let file = dir.write(
        "flow.test.yaml",
        "definition: flow.asl.json\ncases:\n  - name: c\n    backends: {functions: {f: {handler: f.py:h, runtime: ruby3.3}}}\n    expect: {status: SUCCEEDED}\n",
    );
    let out = stepcraft(&["test", &file, "--allow-backends"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(
            "/cases/0/backends/functions/f/runtime: the runtime 'ruby3.3' cannot run locally"
        ),
        "{err}"
    );
}

#[test]
fn test_backends_file_lambdas_template_reads_each_test_files_template() {
    let dir = TempDir::new("backends-test-template");
    let example = repo("assets/examples/sam-local");
    for rel in [
        "template.yaml",
        "order.asl.json",
        "functions/orders/validate.py",
        "functions/orders/price.py",
    ] {
        let text = std::fs::read_to_string(example.join(rel)).expect("the example");
        dir.write(rel, &text);
    }
    let tests = dir.write(
        "order.test.yaml",
        "definition: order.asl.json\ncases:\n  - name: priced\n    input: {id: o-9, items: [{sku: pear, qty: 4}]}\n    expect:\n      status: SUCCEEDED\n      outputContains: {/price/total: 3.6}\n",
    );
    let backends = dir.write("local.yaml", "backends:\n  lambdas: template\n");
    let out = stepcraft(&["test", &tests, "--backends", &backends]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}{}", stderr(&out));
    assert!(text.contains("ok priced"), "{text}");
}
