//! Activities through `activities`: real worker processes get the task's input on stdin and
//! answer on stdout (as GetActivityTask and SendTaskSuccess/SendTaskFailure would), `heartbeat`
//! lines keep a task with HeartbeatSeconds alive, TimeoutSeconds and HeartbeatSeconds stop a
//! worker (`States.Timeout`, `States.HeartbeatTimeout`), and a worker's failure, non-zero exit
//! or output that is not JSON fails the task for Retry and Catch.

use serde_json::{Value, json};
use std::sync::Arc;
use stepcraft::tasks::backends::{Backends, BackendsConfig, BackendsError, Consent};
use stepcraft::testing::Reach;

use crate::support::local;

use local::{TempDir, output, run};

const ARN: &str = "arn:aws:states:us-east-1:123456789012:activity:review";

/// A worker that does what its input says: answer, fail, exit, sleep, send heartbeats.
const WORKER: &str = r#"
import json, sys, time
task = json.load(sys.stdin)
print("reviewing", task.get("id"), file=sys.stderr)
for _ in range(task.get("beats", 0)):
    print("heartbeat", flush=True)
    time.sleep(0.3)
time.sleep(task.get("sleep", 0))
if task.get("exit"):
    sys.exit(task["exit"])
if task.get("garble"):
    print("approved, I think")
elif task.get("reject"):
    print(json.dumps({"errorType": "Rejected", "errorMessage": "not this one"}))
else:
    print(json.dumps({"approved": True, "id": task.get("id")}))
"#;

fn backends(dir: &TempDir, consent: Consent) -> Result<Arc<Backends>, BackendsError> {
    std::fs::write(dir.0.join("worker.py"), WORKER).expect("worker");
    let value = json!({"activities": {ARN: ["python3", "worker.py"]}});
    let reach = Reach::of(&dir.0.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", &dir.0, &reach).expect("reads");
    Backends::new(config, consent).map(Arc::new)
}

fn definition(timeout: Option<u64>, heartbeat: Option<u64>) -> Value {
    let mut task = json!({
        "Type": "Task",
        "Resource": ARN,
        "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.caught", "Next": "Caught"}],
        "End": true
    });
    if let Some(t) = timeout {
        task["TimeoutSeconds"] = json!(t);
    }
    if let Some(h) = heartbeat {
        task["HeartbeatSeconds"] = json!(h);
    }
    json!({"StartAt": "Review", "States": {"Review": task, "Caught": {"Type": "Pass", "End": true}}})
}

#[test]
fn a_worker_answers_the_activity_and_its_stderr_is_the_log() {
    let dir = TempDir::new("activities", "answer");
    let b = backends(&dir, Consent::ALL).expect("set up");
    let exec = run(&definition(None, None), json!({"id": 4}), &b);
    assert_eq!(output(&exec), json!({"approved": true, "id": 4}));
    let types: Vec<String> = exec.history().iter().map(|e| e.kind.type_name()).collect();
    assert!(types.contains(&"ActivitySucceeded".to_owned()), "{types:?}");
    assert_eq!(b.log("Review", 0).as_deref(), Some("reviewing 4\n"));
}

#[test]
fn a_workers_failure_and_exit_status_fail_the_task() {
    let dir = TempDir::new("activities", "fail");
    let b = backends(&dir, Consent::ALL).expect("set up");
    let exec = run(&definition(None, None), json!({"reject": true}), &b);
    assert_eq!(
        output(&exec)["caught"],
        json!({"Error": "Rejected", "Cause": "not this one"})
    );
    let exec = run(&definition(None, None), json!({"exit": 3}), &b);
    let caught = &output(&exec)["caught"];
    assert_eq!(caught["Error"], "Command.Failed");
    assert!(
        caught["Cause"]
            .as_str()
            .is_some_and(|c| c.contains("exited with exit status: 3")),
        "{caught}"
    );
    let exec = run(&definition(None, None), json!({"garble": true}), &b);
    let caught = &output(&exec)["caught"];
    assert_eq!(caught["Error"], "Command.InvalidOutput");
    assert!(
        caught["Cause"]
            .as_str()
            .is_some_and(|c| c.contains("approved, I think")),
        "{caught}"
    );
}

#[test]
fn timeout_seconds_stops_a_slow_worker_with_states_timeout() {
    let dir = TempDir::new("activities", "timeout");
    let b = backends(&dir, Consent::ALL).expect("set up");
    let exec = run(&definition(Some(1), None), json!({"sleep": 5}), &b);
    assert_eq!(output(&exec)["caught"]["Error"], "States.Timeout");
}

#[test]
fn heartbeats_keep_a_worker_alive_and_silence_ends_it_with_states_heartbeat_timeout() {
    let dir = TempDir::new("activities", "heartbeat");
    let b = backends(&dir, Consent::ALL).expect("set up");
    // Five heartbeats 0.3 s apart: 1.5 s of work under a 1 s HeartbeatSeconds.
    let exec = run(
        &definition(Some(10), Some(1)),
        json!({"id": 5, "beats": 5}),
        &b,
    );
    assert_eq!(output(&exec), json!({"id": 5, "approved": true}));
    // Silent for 3 s.
    let exec = run(&definition(Some(10), Some(1)), json!({"sleep": 3}), &b);
    assert_eq!(output(&exec)["caught"]["Error"], "States.HeartbeatTimeout");
}

#[test]
fn workers_need_consent() {
    let dir = TempDir::new("activities", "consent");
    match backends(&dir, Consent::default()) {
        Err(BackendsError::NotAllowed(what)) => {
            assert!(
                what.iter()
                    .any(|w| w.contains("python3 worker.py") && w.contains(ARN)),
                "{what:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}
