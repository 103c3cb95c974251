//! Local backends through the one run set-up, with real processes and a real HTTP server: Python
//! and Node.js functions kept warm, their exceptions and timeouts through Retry and Catch,
//! commands and their failures, HTTP Tasks against a server on 127.0.0.1, the configuration's
//! located errors and the refusals.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use stepcraft::history::EventKind;
use stepcraft::interp::Status;
use stepcraft::run::{RunSetup, Tasks, run_to_end};
use stepcraft::tasks::backends::{Backends, BackendsConfig, BackendsError, Consent};
use stepcraft::testing::Reach;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

use crate::support::local;

use local::{TempDir, output, run};

fn config(dir: &Path, backends: &Value) -> BackendsConfig {
    let reach = Reach::of(&dir.join("backends.yaml"), false);
    BackendsConfig::parse(backends, "/backends", dir, &reach).expect("the configuration reads")
}

fn backends(dir: &Path, value: &Value) -> Arc<Backends> {
    Arc::new(Backends::new(config(dir, value), Consent::ALL).expect("backends set up"))
}

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";

fn two_calls(first: &str, second: &str) -> Value {
    json!({
        "StartAt": "First",
        "States": {
            "First": {"Type": "Task", "Resource": first, "ResultPath": "$.first", "Next": "Second"},
            "Second": {"Type": "Task", "Resource": second, "ResultPath": "$.second", "End": true}
        }
    })
}

const PY_COUNTER: &str = r#"
import os
calls = 0

def handler(event, context):
    global calls
    calls += 1
    print("call", calls, "of", context.function_name)
    return {
        "calls": calls,
        "pid": os.getpid(),
        "name": context.function_name,
        "arn": context.invoked_function_arn,
        "requestId": context.aws_request_id,
        "left": context.get_remaining_time_in_millis(),
        "event": event,
        "env": os.environ.get("GREETING"),
    }
"#;

#[test]
fn a_python_function_stays_warm_between_invocations() {
    let dir = TempDir::new("backends", "py-warm");
    dir.write("src/counter.py", PY_COUNTER);
    let b = backends(
        &dir.0,
        &json!({"functions": {"counter": {"handler": "src/counter.py:handler", "runtime": "python3.12",
            "environment": {"GREETING": "hi"}}}}),
    );
    let arn = format!("{ARN}counter");
    let exec = run(
        &two_calls(&arn, &format!("{arn}:$LATEST")),
        json!({"n": 1}),
        &b,
    );
    let out = output(&exec);
    // One process served both: its module-level counter went on.
    assert_eq!(out["first"]["calls"], 1);
    assert_eq!(out["second"]["calls"], 2);
    assert_eq!(out["first"]["pid"], out["second"]["pid"]);
    assert_eq!(b.warm_workers(), 1);
    // The event is the effective input; the context names the function.
    assert_eq!(out["first"]["event"], json!({"n": 1}));
    assert_eq!(out["first"]["name"], "counter");
    assert_eq!(out["first"]["arn"], arn.as_str());
    assert_eq!(out["first"]["env"], "hi");
    assert_ne!(out["first"]["requestId"], out["second"]["requestId"]);
    let left = out["first"]["left"].as_u64().expect("a number");
    assert!(left > 0 && left <= 3000, "{left}");
    // What the handler printed is the invocation's log, not the protocol's.
    assert_eq!(
        b.log("Second", 0).as_deref(),
        Some("call 2 of counter\n"),
        "{:?}",
        b.logs()
    );
    // The processes end with the backends.
    let pid = out["first"]["pid"].as_u64().expect("pid");
    assert!(Path::new(&format!("/proc/{pid}")).exists());
    drop(exec);
    drop(b);
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "the worker outlived its run"
    );
}

const NODE_COUNTER: &str = r#"
let calls = 0;
exports.handler = async (event, context) => {
  calls += 1;
  console.log("node call", calls);
  return { calls, pid: process.pid, name: context.functionName, arn: context.invokedFunctionArn,
           requestId: context.awsRequestId, left: context.getRemainingTimeInMillis(), event };
};
"#;

#[test]
fn a_node_function_stays_warm_and_lambda_invoke_wraps_its_result() {
    let dir = TempDir::new("backends", "node-warm");
    dir.write("app.js", NODE_COUNTER);
    let b = backends(
        &dir.0,
        &json!({"functions": {"tally": {"handler": "app.js:handler", "runtime": "nodejs20.x", "timeout": 5}}}),
    );
    let definition = json!({
        "StartAt": "First",
        "States": {
            "First": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "tally", "Payload": {"x.$": "$.x"}},
                "ResultPath": "$.first", "Next": "Second"},
            "Second": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": format!("{ARN}tally"), "Payload.$": "$.first.Payload"},
                "ResultPath": "$.second", "End": true}
        }
    });
    let out = output(&run(&definition, json!({"x": 7}), &b));
    let first = &out["first"];
    assert_eq!(first["StatusCode"], 200);
    assert_eq!(first["ExecutedVersion"], "$LATEST");
    assert_eq!(first["Payload"]["calls"], 1);
    assert_eq!(first["Payload"]["event"], json!({"x": 7}));
    assert_eq!(first["Payload"]["name"], "tally");
    assert_eq!(first["Payload"]["arn"], format!("{ARN}tally").as_str());
    assert_eq!(first["SdkHttpMetadata"]["HttpStatusCode"], 200);
    assert_eq!(
        first["SdkResponseMetadata"]["RequestId"],
        first["Payload"]["requestId"]
    );
    let left = first["Payload"]["left"].as_u64().expect("a number");
    assert!(left > 3000 && left <= 5000, "{left}");
    assert_eq!(out["second"]["Payload"]["calls"], 2);
    assert_eq!(out["second"]["Payload"]["pid"], first["Payload"]["pid"]);
    assert_eq!(out["second"]["Payload"]["event"]["calls"], 1);
    assert_eq!(b.log("First", 0).as_deref(), Some("node call 1\n"));
}

#[test]
fn an_exception_is_retried_then_caught_by_its_class_name() {
    let dir = TempDir::new("backends", "py-raise");
    dir.write(
        "pay.py",
        r#"
class PaymentDeclined(Exception):
    pass

attempts = 0

def handler(event, context):
    global attempts
    attempts += 1
    print("charging", event["card"])
    raise PaymentDeclined("card %s declined (attempt %d)" % (event["card"], attempts))
"#,
    );
    let b = backends(
        &dir.0,
        &json!({"functions": {"pay": {"handler": "pay.py:handler"}}}),
    );
    let definition = json!({
        "StartAt": "Pay",
        "States": {
            "Pay": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "pay", "Payload.$": "$"},
                "Retry": [{"ErrorEquals": ["PaymentDeclined"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["PaymentDeclined"], "ResultPath": "$.error", "Next": "Declined"}],
                "End": true},
            "Declined": {"Type": "Pass", "End": true}
        }
    });
    let exec = run(&definition, json!({"card": "4242"}), &b);
    let out = output(&exec);
    assert_eq!(out["error"]["Error"], "PaymentDeclined");
    let cause: Value =
        serde_json::from_str(out["error"]["Cause"].as_str().expect("text")).expect("JSON cause");
    assert_eq!(cause["errorType"], "PaymentDeclined");
    // The same warm process took the retry: its counter says 2.
    assert_eq!(cause["errorMessage"], "card 4242 declined (attempt 2)");
    assert!(cause["requestId"].is_string());
    assert!(
        cause["stackTrace"]
            .as_array()
            .is_some_and(|t| !t.is_empty())
    );
    let failures = exec
        .history()
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::TaskFailed { error, .. } if &**error == "PaymentDeclined"))
        .count();
    assert_eq!(failures, 2);
    // Each attempt's output is kept under its attempt.
    let attempts: Vec<u32> = b.logs().iter().map(|l| l.attempt).collect();
    assert_eq!(attempts, vec![0, 1]);
    assert_eq!(b.log("Pay", 1).as_deref(), Some("charging 4242\n"));
}

#[test]
fn a_function_past_its_timeout_is_killed_caught_and_started_again() {
    let dir = TempDir::new("backends", "py-timeout");
    dir.write(
        "slow.py",
        r#"
import os, time

def handler(event, context):
    if event.get("sleep"):
        time.sleep(30)
    return {"pid": os.getpid()}
"#,
    );
    let b = backends(
        &dir.0,
        &json!({"functions": {"slow": {"handler": "slow.py:handler", "timeout": 1}}}),
    );
    let definition = json!({
        "StartAt": "Warm",
        "States": {
            "Warm": {"Type": "Task", "Resource": format!("{ARN}slow"), "Parameters": {"sleep": false},
                "ResultPath": "$.warm", "Next": "Slow"},
            "Slow": {"Type": "Task", "Resource": format!("{ARN}slow"), "Parameters": {"sleep": true},
                "Catch": [{"ErrorEquals": ["Sandbox.Timedout"], "ResultPath": "$.error", "Next": "Again"}],
                "End": true},
            "Again": {"Type": "Task", "Resource": format!("{ARN}slow"), "Parameters": {"sleep": false},
                "ResultPath": "$.again", "End": true}
        }
    });
    let started = std::time::Instant::now();
    let out = output(&run(&definition, json!({}), &b));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(out["error"]["Error"], "Sandbox.Timedout");
    let cause: Value =
        serde_json::from_str(out["error"]["Cause"].as_str().expect("text")).expect("JSON");
    assert_eq!(cause["errorType"], "Sandbox.Timedout");
    let message = cause["errorMessage"].as_str().expect("text");
    assert!(
        message.ends_with("Task timed out after 1.00 seconds"),
        "{message}"
    );
    // The killed process was replaced by a new one.
    let (old, new) = (out["warm"]["pid"].as_u64(), out["again"]["pid"].as_u64());
    assert_ne!(old, new);
    let old = old.expect("pid");
    assert!(
        !Path::new(&format!("/proc/{old}")).exists(),
        "the timed-out worker lives on"
    );
}

#[test]
fn a_template_binds_its_functions_through_the_placeholders_that_name_them() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/sam-local");
    let template = root.join("template.yaml");
    let text = std::fs::read_to_string(root.join("order.asl.json")).expect("definition");
    let mut setup = RunSetup::new(Document::parse(&text, Format::Json).expect("parses"));
    setup.substitutions = stepcraft::subst::template::substitutions(&template, None, None)
        .expect("the template's substitutions");
    let mut config = config(&root, &json!({"lambdas": "template"}));
    config.lambdas = Some(stepcraft::tasks::backends::Lambdas::Template(Some(
        template,
    )));
    let b = Arc::new(Backends::new(config, Consent::ALL).expect("set up"));
    let names: Vec<&str> = b.functions().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["ValidateFunction", "PriceFunction"]);
    setup.tasks = Tasks::Backends {
        backends: Arc::clone(&b),
        fallback: Box::new(Tasks::None),
    };
    let input =
        json!({"id": "o-1", "items": [{"sku": "apple", "qty": 4}, {"sku": "plum", "qty": 2}]});
    let mut exec = setup.start(Val::from(input)).expect("starts");
    run_to_end(&mut exec);
    let out = output(&exec);
    // Globals.Function's runtime and code folder, the function's environment (TAX_RATE 0.2).
    assert_eq!(out["price"], json!({"total": 5.4, "status": 200}));
    assert_eq!(
        b.log("Validate", 0).as_deref(),
        Some("order o-1 is valid (ValidateFunction)\n")
    );
}

fn command_definition(resource: &str) -> Value {
    json!({
        "StartAt": "Step",
        "States": {
            "Step": {"Type": "Task", "Resource": resource,
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
            "Caught": {"Type": "Pass", "End": true}
        }
    })
}

#[test]
fn commands_read_the_input_and_print_the_result_or_fail_by_name() {
    let dir = TempDir::new("backends", "commands");
    dir.write(
        "double.py",
        "import json, sys\nv = json.load(sys.stdin)\nprint('doubling', file=sys.stderr)\nprint(json.dumps({'twice': v['n'] * 2}))\n",
    );
    let b = backends(
        &dir.0,
        &json!({"commands": {
            "Step": ["python3", "double.py"],
            "arn:aws:states:::exit:*": ["python3", "-c", "import sys; sys.stdin.read(); print('broken', file=sys.stderr); sys.exit(3)"],
            "arn:aws:states:::text": ["python3", "-c", "print('not json')"],
            "arn:aws:states:::declined": ["python3", "-c", "print('{\"errorType\": \"Declined\", \"errorMessage\": \"no funds\"}')"],
        }}),
    );
    let out = output(&run(
        &command_definition("arn:aws:states:::anything"),
        json!({"n": 21}),
        &b,
    ));
    assert_eq!(out, json!({"twice": 42}));
    assert_eq!(b.log("Step", 0).as_deref(), Some("doubling\n"));

    // The bindings by ARN pattern: state names must not match them, so the state is renamed.
    let caught = |resource: &str| {
        let mut def = command_definition(resource);
        let step = def["States"]["Step"].take();
        def["States"]
            .as_object_mut()
            .expect("object")
            .remove("Step");
        def["States"]["Other"] = step;
        def["StartAt"] = json!("Other");
        let exec = run(&def, json!({"n": 1}), &b);
        let out = output(&exec);
        (
            out["Error"].as_str().unwrap_or_default().to_owned(),
            out["Cause"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let (error, cause) = caught("arn:aws:states:::exit:now");
    assert_eq!(error, "Command.Failed");
    assert!(
        cause.contains("exit status: 3") && cause.ends_with("broken"),
        "{cause}"
    );
    let (error, cause) = caught("arn:aws:states:::text");
    assert_eq!(error, "Command.InvalidOutput");
    assert!(cause.contains("not json"), "{cause}");
    let (error, cause) = caught("arn:aws:states:::declined");
    assert_eq!((error.as_str(), cause.as_str()), ("Declined", "no funds"));
}

/// A server on 127.0.0.1 answering `count` requests: `/fail` with 500, anything else with 200
/// and what it received (method, target, content type, authorization, body).
fn serve(count: usize) -> (String, Arc<AtomicUsize>, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&seen);
    let handle = std::thread::spawn(move || {
        for _ in 0..count {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            reader.read_line(&mut line).expect("request line");
            let mut parts = line.split_whitespace();
            let (method, target) = (
                parts.next().unwrap_or_default().to_owned(),
                parts.next().unwrap_or_default().to_owned(),
            );
            let (mut length, mut content_type, mut auth) = (0, String::new(), String::new());
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).expect("header");
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap_or((header, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "content-type" => value.trim().clone_into(&mut content_type),
                    "authorization" => value.trim().clone_into(&mut auth),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).expect("body");
            let (status, text) = if target.starts_with("/fail") {
                (
                    "500 Internal Server Error",
                    json!({"message": "down"}).to_string(),
                )
            } else {
                let got = json!({"method": method, "target": target, "contentType": content_type,
                    "auth": auth, "body": String::from_utf8_lossy(&body)});
                ("200 OK", got.to_string())
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Served-By: test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
                text.len()
            );
        }
    });
    (format!("http://{addr}"), seen, handle)
}

#[test]
fn an_http_task_makes_the_request_and_returns_the_response() {
    let (base, seen, server) = serve(1);
    let b = backends(
        Path::new("."),
        &json!({"http": {"allow": true, "connections": {
            "arn:aws:events:*:connection/shop/*": {"headers": {"Authorization": "Bearer s3cret"}}}}}),
    );
    let definition = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {
                "ApiEndpoint": format!("{base}/orders"),
                "Method": "POST",
                "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"},
                "QueryParameters": {"page": "2", "tag": ["a", "b c"]},
                "RequestBody": {"items": ["x", "y"], "who": {"name": "Ann"}},
                "Transform": {"RequestBodyEncoding": "URL_ENCODED",
                    "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}}
            },
            "End": true}}
    });
    let out = output(&run(&definition, json!({}), &b));
    server.join().expect("server");
    assert_eq!(seen.load(Ordering::SeqCst), 1);
    assert_eq!(out["StatusCode"], "200");
    assert_eq!(out["StatusText"], "OK");
    assert_eq!(out["Headers"]["x-served-by"], json!(["test"]));
    let got = &out["ResponseBody"];
    assert_eq!(got["method"], "POST");
    assert_eq!(got["target"], "/orders?page=2&tag=a&tag=b%20c");
    assert_eq!(got["contentType"], "application/x-www-form-urlencoded");
    assert_eq!(got["auth"], "Bearer s3cret");
    assert_eq!(got["body"], "items%5B%5D=x&items%5B%5D=y&who%5Bname%5D=Ann");
}

#[test]
fn an_http_error_status_is_retried_then_caught() {
    let (base, seen, server) = serve(2);
    let b = backends(Path::new("."), &json!({"http": "allow"}));
    let definition = json!({
        "StartAt": "Call",
        "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {"ApiEndpoint": format!("{base}/fail"), "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}},
                "Retry": [{"ErrorEquals": ["States.Http.StatusCode.500"], "MaxAttempts": 1, "IntervalSeconds": 1}],
                "Catch": [{"ErrorEquals": ["States.Http.StatusCode.500"], "Next": "Down"}],
                "End": true},
            "Down": {"Type": "Pass", "End": true}
        }
    });
    let out = output(&run(&definition, json!({}), &b));
    server.join().expect("server");
    assert_eq!(seen.load(Ordering::SeqCst), 2, "one request and one retry");
    assert_eq!(out["Error"], "States.Http.StatusCode.500");
    let cause: Value = serde_json::from_str(out["Cause"].as_str().expect("text")).expect("JSON");
    assert_eq!(cause["StatusCode"], "500");
    assert_eq!(cause["ResponseBody"], json!({"message": "down"}));
}

#[test]
fn without_http_allowed_an_http_task_is_not_sent_and_says_how_to_allow_it() {
    let b = backends(Path::new("."), &json!({}));
    let definition = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {"ApiEndpoint": "http://127.0.0.1:9/never", "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}}, "End": true}}
    });
    let exec = run(&definition, json!({}), &b);
    let Status::Failed { error, cause } = exec.status() else {
        panic!("{:?}", exec.status());
    };
    assert_eq!(error.as_ref(), "States.TaskFailed");
    let cause = cause.as_deref().unwrap_or_default();
    assert!(cause.contains("--allow-http"), "{cause}");
}

#[test]
fn backends_run_only_with_consent_and_the_ones_not_available_yet_are_refused() {
    let dir = TempDir::new("backends", "consent");
    dir.write("w.py", "");
    let refused = |value: Value, consent: Consent| {
        Backends::new(config(&dir.0, &value), consent).expect_err("refused")
    };
    let e = refused(
        json!({"commands": {"Charge": ["python3", "w.py"]}, "http": "allow"}),
        Consent::default(),
    );
    let BackendsError::NotAllowed(what) = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        what,
        &[
            "`python3 w.py` for 'Charge'".to_owned(),
            "real HTTP requests for HTTP Task states".to_owned()
        ]
    );
    let e = refused(
        json!({"http": "allow"}),
        Consent {
            processes: true,
            network: false,
        },
    );
    assert!(matches!(e, BackendsError::NotAllowed(_)), "{e:?}");
    // AWS service calls are network use.
    let e = refused(
        json!({"aws": {"endpoint": "http://127.0.0.1:5000", "region": "us-east-1"}}),
        Consent {
            processes: true,
            network: false,
        },
    );
    assert_eq!(
        e,
        BackendsError::NotAllowed(vec![
            "AWS service calls to http://127.0.0.1:5000".to_owned()
        ])
    );
    // A state machine bound to a file that is no definition is refused, naming the file.
    let e = refused(json!({"stateMachines": {"child": "w.py"}}), Consent::ALL);
    assert!(
        matches!(&e, BackendsError::StateMachine(m) if m.contains("w.py")),
        "{e:?}"
    );
}

#[test]
fn a_configuration_with_mistakes_is_refused_at_the_pointer_of_each() {
    let dir = TempDir::new("backends", "errors");
    let outside = TempDir::new("backends", "outside");
    outside.write("h.py", "");
    let outside_name = outside
        .0
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let reach = Reach::of(&dir.0.join("t.yaml"), false);
    let cases = [
        (
            json!({"lambda": "template"}),
            "/backends/lambda",
            "unknown key \"lambda\"",
        ),
        (json!({"lambdas": "all"}), "/backends/lambdas", "`template`"),
        (
            json!({"functions": {"f": {"handler": "f.py:handler", "runtime": "java21"}}}),
            "/backends/functions/f/runtime",
            "'java21' cannot run locally",
        ),
        (
            json!({"functions": {"f": {"handler": "f.py"}}}),
            "/backends/functions/f/handler",
            "FILE:FUNCTION",
        ),
        (
            json!({"functions": {"f": {"handler": "f.py:h", "memory": 128}}}),
            "/backends/functions/f/memory",
            "unknown key",
        ),
        (
            json!({"functions": {"f": {"handler": format!("../{outside_name}/h.py:h")}}}),
            "/backends/functions/f/handler",
            "outside",
        ),
        (
            json!({"commands": {"S": "python3 x.py"}}),
            "/backends/commands/S",
            "list of strings",
        ),
        (
            json!({"commands": {"S": {"run": ["x"], "timeout": 1e300}}}),
            "/backends/commands/S/timeout",
            "at most 86400",
        ),
        (
            json!({"functions": {"f": {"handler": "f.py:h", "timeout": -1}}}),
            "/backends/functions/f/timeout",
            "more than 0",
        ),
        (json!({"http": "yes"}), "/backends/http", "`allow`"),
        (
            json!({"aws": {"endpoint": 5000}}),
            "/backends/aws/endpoint",
            "a string",
        ),
        (
            json!({"activities": {"arn:x": "worker.py"}}),
            "/backends/activities/arn:x",
            "list of strings",
        ),
    ];
    std::fs::write(dir.0.join("f.py"), "").expect("write");
    for (value, pointer, message) in cases {
        let e = BackendsConfig::parse(&value, "/backends", &dir.0, &reach)
            .expect_err(&value.to_string());
        assert_eq!(e.pointer, pointer, "{value}: {e}");
        assert!(e.message.contains(message), "{value}: {e}");
    }
}

#[test]
fn lambda_invoke_wait_for_task_token_runs_the_function_then_waits_for_its_callback() {
    let dir = TempDir::new("backends", "py-token");
    dir.write(
        "ask.py",
        r#"
def handler(event, context):
    # The token goes to whoever answers: here, a file the test reads.
    with open("token.txt", "w") as f:
        f.write(event["token"])
    return {"asked": True}
"#,
    );
    let b = backends(
        &dir.0,
        &json!({"functions": {"ask": {"handler": "ask.py:handler"}}}),
    );
    let definition = json!({
        "StartAt": "Ask",
        "States": {"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Parameters": {"FunctionName": "ask", "Payload": {"token.$": "$$.Task.Token"}},
            "End": true}}
    });
    let mut setup = RunSetup::new(Document::from_value(definition, Format::Json));
    setup.tasks = Tasks::Backends {
        backends: Arc::clone(&b),
        fallback: Box::new(Tasks::None),
    };
    let mut exec = setup.start(Val::from(json!({}))).expect("starts");
    while exec.step().is_some() {}
    assert_eq!(exec.status(), &Status::WaitingForCallback);
    let token = std::fs::read_to_string(dir.0.join("token.txt")).expect("the function ran");
    assert_eq!(exec.pending_callbacks()[0].token.as_ref(), token.as_str());
    exec.send_task_success(&token, Val::from(json!({"approved": true})))
        .expect("the token is waited for");
    run_to_end(&mut exec);
    assert_eq!(output(&exec), json!({"approved": true}));
}

#[test]
fn a_node_error_is_caught_by_its_name_and_callback_handlers_answer_too() {
    let dir = TempDir::new("backends", "node-errors");
    dir.write(
        "pay.mjs",
        r#"
class Declined extends Error {
  constructor(message) { super(message); this.name = "Declined"; }
}
export const handler = async (event) => { throw new Declined("no funds for " + event.who); };
"#,
    );
    dir.write(
        "old.js",
        "exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { late: event.n + 1 }), 10); };\n",
    );
    let b = backends(
        &dir.0,
        &json!({"functions": {"pay": {"handler": "pay.mjs:handler"}, "old": {"handler": "old.js:handler"}}}),
    );
    let definition = json!({
        "StartAt": "Old",
        "States": {
            "Old": {"Type": "Task", "Resource": format!("{ARN}old"), "ResultPath": "$.old", "Next": "Pay"},
            "Pay": {"Type": "Task", "Resource": format!("{ARN}pay"),
                "Catch": [{"ErrorEquals": ["Declined"], "ResultPath": "$.error", "Next": "Done"}],
                "End": true},
            "Done": {"Type": "Pass", "End": true}
        }
    });
    let out = output(&run(&definition, json!({"who": "Ann", "n": 1}), &b));
    assert_eq!(out["old"], json!({"late": 2}));
    assert_eq!(out["error"]["Error"], "Declined");
    let cause: Value =
        serde_json::from_str(out["error"]["Cause"].as_str().expect("text")).expect("JSON");
    assert_eq!(cause["errorType"], "Declined");
    assert_eq!(cause["errorMessage"], "no funds for Ann");
    assert!(cause["trace"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn an_http_request_nobody_answers_fails_with_a_socket_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("address")
        .port();
    // The listener is gone: the port refuses connections.
    let b = backends(Path::new("."), &json!({"http": "allow"}));
    let definition = json!({
        "StartAt": "Call",
        "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
            "Parameters": {"ApiEndpoint": format!("http://127.0.0.1:{port}/x"), "Method": "GET", "Authentication": {"ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/shop/0000"}},
            "Catch": [{"ErrorEquals": ["States.Http.Socket"], "Next": "Down"}], "End": true},
            "Down": {"Type": "Pass", "End": true}}
    });
    let out = output(&run(&definition, json!({}), &b));
    assert_eq!(out["Error"], "States.Http.Socket");
    assert!(
        out["Cause"]
            .as_str()
            .is_some_and(|c| c.starts_with("GET http://127.0.0.1:")),
        "{out}"
    );
}

#[test]
fn a_function_that_cannot_answer_fails_with_lambdas_runtime_errors() {
    let dir = TempDir::new("backends", "py-runtime-errors");
    dir.write(
        "nan.py",
        "def handler(event, context):\n    return {'x': float('nan')}\n",
    );
    dir.write(
        "broken.py",
        "import no_such_module_here\n\ndef handler(event, context):\n    return 1\n",
    );
    dir.write(
        "quits.py",
        "import sys\n\ndef handler(event, context):\n    sys.exit(2)\n",
    );
    let b = backends(
        &dir.0,
        &json!({"functions": {
            "nan": {"handler": "nan.py:handler"},
            "broken": {"handler": "broken.py:handler"},
            "quits": {"handler": "quits.py:handler"},
        }}),
    );
    for (function, error, says) in [
        ("nan", "Runtime.MarshalError", "Unable to marshal response"),
        ("broken", "Runtime.ImportModuleError", "no_such_module_here"),
        ("quits", "Runtime.ExitError", "exit status: 2"),
    ] {
        let definition = json!({"StartAt": "F", "States": {"F": {"Type": "Task",
            "Resource": format!("{ARN}{function}"), "End": true}}});
        let exec = run(&definition, json!({}), &b);
        let Status::Failed { error: got, cause } = exec.status() else {
            panic!("{function}: {:?}", exec.status());
        };
        assert_eq!(got.as_ref(), error, "{function}");
        let cause = cause.as_deref().unwrap_or_default();
        assert!(cause.contains(says), "{function}: {cause}");
        // A Catch takes each by its name, as on AWS.
        let mut definition = definition;
        definition["States"]["F"]["Catch"] = json!([{"ErrorEquals": [error], "Next": "Caught"}]);
        definition["States"]["Caught"] = json!({"Type": "Pass", "End": true});
        let out = output(&run(&definition, json!({}), &b));
        assert_eq!(out["Error"], json!(error), "{function}");
    }
}

/// A CloudFormation template whose functions have inline code (`Code.ZipFile` in Python,
/// SAM's `InlineCode` in Node.js), their code in a local folder (`Code` as a path, before
/// packaging), in S3, and one in Java.
const INLINE_TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Inline:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Timeout: 1
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        ZipFile: |
          import time
          def handler(event, context):
              if event.get("sleep"):
                  time.sleep(event["sleep"])
              return {"left": context.get_remaining_time_in_millis(), "got": event}
  InNode:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async (event) => ({ node: event });"
  InFolder:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: folder/
      Environment:
        Variables: {STAGE: test}
  FromS3:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: {S3Bucket: artifacts, S3Key: fn.zip}
  InJava:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: java21
      Handler: example.Handler::handleRequest
      CodeUri: java/
"#;

#[test]
fn a_templates_inline_functions_run_with_its_timeout_and_the_others_say_why_they_cannot() {
    let dir = TempDir::new("backends", "inline-template");
    let template = dir.write("template.yaml", INLINE_TEMPLATE);
    dir.write(
        "folder/app.py",
        "import os\n\ndef handler(event, context):\n    return {'stage': os.environ['STAGE'], 'name': context.function_name}\n",
    );
    let b = backends(
        &dir.0,
        &json!({"lambdas": {"template": template.to_string_lossy()}}),
    );
    let mut names: Vec<&str> = b.functions().map(|f| f.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["InFolder", "InNode", "Inline"]);
    let invoke = |function: &str, payload: Value, next: &str| {
        json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": function, "Payload": payload},
            "ResultSelector": {"p.$": "$.Payload"}, "ResultPath": format!("$.{function}"),
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": format!("$.{function}"), "Next": next}],
            "Next": next})
    };
    let mut slow = invoke("Inline", json!({"sleep": 2}), "S3");
    slow["ResultPath"] = json!("$.slow");
    slow["Catch"][0]["ResultPath"] = json!("$.slow");
    let definition = json!({"StartAt": "Inline", "States": {
        "Inline": invoke("Inline", json!({"n": 1}), "Node"),
        "Node": invoke("InNode", json!({"n": 2}), "Folder"),
        "Folder": invoke("InFolder", json!({}), "Slow"),
        "Slow": slow,
        "S3": invoke("FromS3", json!({}), "Java"),
        "Java": invoke("InJava", json!({}), "Done"),
        "Done": {"Type": "Pass", "End": true}}});
    let out = output(&run(&definition, json!({}), &b));
    assert_eq!(out["Inline"]["p"]["got"], json!({"n": 1}), "{out}");
    let left = out["Inline"]["p"]["left"].as_i64().expect("remaining time");
    assert!(
        (1..=1000).contains(&left),
        "the template's Timeout (1 s): {left}"
    );
    assert_eq!(out["InNode"]["p"], json!({"node": {"n": 2}}), "{out}");
    assert_eq!(
        out["InFolder"]["p"],
        json!({"stage": "test", "name": "InFolder"}),
        "{out}"
    );
    // 2 s is within the default 3 s: only the template's Timeout of 1 s stops it.
    assert_eq!(out["slow"]["Error"], "Sandbox.Timedout", "{out}");
    for (function, says) in [
        ("FromS3", "its code is given as S3Bucket/S3Key"),
        ("InJava", "its Runtime java21 is neither Python nor Node.js"),
    ] {
        assert_eq!(out[function]["Error"], "States.TaskFailed", "{out}");
        let cause = out[function]["Cause"].as_str().unwrap_or_default();
        assert!(
            cause.contains(&format!(
                "The template's function {function} cannot run locally: {says}"
            )),
            "{cause}"
        );
    }
}

#[test]
fn a_command_past_its_timeout_or_that_cannot_start_is_caught_by_name() {
    let dir = TempDir::new("backends", "command-failures");
    let b = backends(
        &dir.0,
        &json!({"commands": {
            "Slow": {"run": ["python3", "-c", "import time; time.sleep(5)"], "timeout": 0.5},
            "Missing": ["./no-such-program"],
        }}),
    );
    for (state, error, says) in [
        ("Slow", "Command.Timedout", "ran longer than 0.50 seconds"),
        ("Missing", "Command.StartFailed", "cannot start"),
    ] {
        let definition = json!({"StartAt": state, "States": {
            state: {"Type": "Task", "Resource": "arn:aws:states:::local:x",
                "Catch": [{"ErrorEquals": [error], "Next": "Caught"}], "End": true},
            "Caught": {"Type": "Pass", "End": true}}});
        let out = output(&run(&definition, json!({}), &b));
        assert_eq!(out["Error"], json!(error), "{state}: {out}");
        let cause = out["Cause"].as_str().unwrap_or_default();
        assert!(cause.contains(says), "{state}: {cause}");
    }
}

#[test]
fn a_command_that_leaves_a_program_running_ends_and_the_program_is_stopped() {
    // The shell answers at once but leaves `sleep` running with its output: the call ends all
    // the same, and the sleep is stopped.
    let dir = TempDir::new("backends", "lingering");
    let b = backends(
        &dir.0,
        &json!({"commands": {"Step": ["sh", "-c", "sleep 30 & echo $! > sleeper; echo '{\"done\": true}'"]}}),
    );
    let definition = json!({"StartAt": "Step", "States": {"Step": {"Type": "Task",
        "Resource": "arn:aws:states:::local:x", "End": true}}});
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let exec = run(&definition, json!({}), &b);
        let _ = tx.send(output(&exec));
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(15))
        .expect("the call ended although its child kept the output open");
    assert_eq!(out, json!({"done": true}));
    let pid = std::fs::read_to_string(dir.0.join("sleeper")).expect("the sleeper's pid");
    let pid = pid.trim().parse().expect("a pid");
    assert!(local::ends(pid), "the sleeper still runs");
}
