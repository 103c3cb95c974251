//! Local functions called by overlapping tasks (a Map's iterations) run at once, each on a warm
//! process of its own, up to the Map's MaxConcurrency: real Python processes report their
//! process id and the times they ran, and the tests check the overlap from those. Commands
//! overlap too (two that wait for each other end), and with `TaskCalls::Background` a step
//! never waits for a task.

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use stepcraft::interp::{Execution, Status, Stepped, TaskCalls};
use stepcraft::run::run_to_end;
use stepcraft::tasks::backends::{Backends, BackendsConfig, Consent};
use stepcraft::testing::Reach;

use crate::support::local::{TempDir, ends, output, run};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";

/// Sleeps 0.3 s; fails for `{"fail": true}`, sleeps past its 1-second timeout for
/// `{"hang": true}`.
const PY_SLOW: &str = r#"
import os, time

def handler(event, context):
    started = time.time()
    if event.get("fail"):
        raise ValueError("item %s is bad" % event["id"])
    time.sleep(3 if event.get("hang") else 0.3)
    return {"id": event["id"], "pid": os.getpid(), "start": started, "end": time.time()}
"#;

fn backends(dir: &Path) -> Arc<Backends> {
    let value = json!({"functions": {"slow": {"handler": "src/slow.py:handler",
        "runtime": "python3.12", "timeout": 1}}});
    let reach = Reach::of(&dir.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", dir, &reach).expect("reads");
    Arc::new(Backends::new(config, Consent::ALL).expect("backends set up"))
}

fn fan_out(limit: u64, catch: bool) -> Value {
    let mut states = json!({
        "Call": {"Type": "Task", "Resource": format!("{ARN}slow"), "End": true}
    });
    if catch {
        states["Call"]["Catch"] = json!([{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]);
        states["Caught"] = json!({"Type": "Pass", "End": true});
    }
    json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": limit,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Call", "States": states},
        "End": true
    }}})
}

fn items(n: usize) -> Value {
    json!({ "items": (0..n).map(|i| json!({"id": i})).collect::<Vec<_>>() })
}

/// The most invocations running at one moment, from their start and end times.
fn most_at_once(results: &[Value]) -> usize {
    let spans: Vec<(f64, f64)> = results
        .iter()
        .map(|r| {
            (
                r["start"].as_f64().expect("start"),
                r["end"].as_f64().expect("end"),
            )
        })
        .collect();
    spans
        .iter()
        .map(|&(t, _)| spans.iter().filter(|&&(s, e)| s <= t && t < e).count())
        .max()
        .unwrap_or(0)
}

fn pids(results: &[Value]) -> usize {
    let mut pids: Vec<u64> = results
        .iter()
        .map(|r| r["pid"].as_u64().expect("pid"))
        .collect();
    pids.sort_unstable();
    pids.dedup();
    pids.len()
}

#[test]
fn a_maps_iterations_call_a_local_function_at_once_up_to_its_max_concurrency() {
    let dir = TempDir::new("concurrency", "overlap");
    dir.write("src/slow.py", PY_SLOW);
    let b = backends(&dir.0);
    let out = output(&run(&fan_out(4, false), items(8), &b));
    let results = out.as_array().expect("an array");
    // In item order, whatever order they ended in.
    let ids: Vec<u64> = results
        .iter()
        .map(|r| r["id"].as_u64().expect("id"))
        .collect();
    assert_eq!(ids, (0..8).collect::<Vec<_>>());
    let at_once = most_at_once(results);
    assert!((2..=4).contains(&at_once), "{at_once} at once: {results:?}");
    let processes = pids(results);
    assert!((2..=4).contains(&processes), "{processes} processes");
    assert!(b.warm_workers() <= 4);
}

#[test]
fn max_concurrency_one_calls_it_one_item_after_another_on_one_process() {
    let dir = TempDir::new("concurrency", "one");
    dir.write("src/slow.py", PY_SLOW);
    let b = backends(&dir.0);
    let out = output(&run(&fan_out(1, false), items(3), &b));
    let results = out.as_array().expect("an array");
    assert_eq!(most_at_once(results), 1, "{results:?}");
    assert_eq!(pids(results), 1);
}

#[test]
fn an_exception_and_a_timeout_among_overlapping_calls_are_caught() {
    let dir = TempDir::new("concurrency", "failures");
    dir.write("src/slow.py", PY_SLOW);
    let b = backends(&dir.0);
    let input =
        json!({"items": [{"id": 0}, {"id": 1, "fail": true}, {"id": 2, "hang": true}, {"id": 3}]});
    let exec = run(&fan_out(4, true), input, &b);
    let out = output(&exec);
    assert_eq!(out[0]["id"], json!(0));
    assert_eq!(out[3]["id"], json!(3));
    assert_eq!(out[1]["Error"], json!("ValueError"), "{out}");
    assert_eq!(out[2]["Error"], json!("Sandbox.Timedout"), "{out}");
    let cause: Value =
        serde_json::from_str(out[2]["Cause"].as_str().expect("a cause")).expect("JSON");
    assert_eq!(cause["errorType"], json!("Sandbox.Timedout"));
}

/// Waits until the file named by argv[1] exists (its own name made first, when given as
/// argv[2]), then echoes its input; gives up after argv[3] seconds (10 unless given) with an
/// error, so a test whose calls do not overlap fails instead of hanging.
const PY_RENDEZVOUS: &str = r#"
import json, os, sys, time
event = json.load(sys.stdin)
here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) > 2 and sys.argv[2]:
    open(os.path.join(here, sys.argv[2]), "w").close()
print("waiting for " + sys.argv[1], file=sys.stderr)
deadline = time.time() + (float(sys.argv[3]) if len(sys.argv) > 3 else 10)
while not os.path.exists(os.path.join(here, sys.argv[1])):
    if time.time() > deadline:
        print(json.dumps({"errorType": "NeverReleased", "errorMessage": sys.argv[1]}))
        sys.exit(0)
    time.sleep(0.01)
print(json.dumps({"seen": sys.argv[1], "input": event}))
"#;

fn commands(dir: &Path, commands: &Value) -> Arc<Backends> {
    let value = json!({ "commands": commands });
    let reach = Reach::of(&dir.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", dir, &reach).expect("reads");
    Arc::new(Backends::new(config, Consent::ALL).expect("backends set up"))
}

fn start_calling(definition: &Value, b: &Arc<Backends>, calls: TaskCalls) -> Execution {
    crate::support::local::start_calling(definition, json!({"n": 1}), b, calls)
}

#[test]
fn commands_in_parallel_branches_run_at_once() {
    // Each branch's command waits for the file the other one makes: they end only if both run
    // at the same time.
    let dir = TempDir::new("concurrency", "rendezvous");
    dir.write("meet.py", PY_RENDEZVOUS);
    let meet = |deadline: &str| {
        commands(
            &dir.0,
            &json!({"Left": ["python3", "meet.py", "right.flag", "left.flag", deadline],
                   "Right": ["python3", "meet.py", "left.flag", "right.flag", deadline]}),
        )
    };
    let b = meet("10");
    let branch = |name: &str| {
        json!({"StartAt": name, "States": {name: {"Type": "Task",
        "Resource": "arn:aws:states:::local:meet", "End": true}}})
    };
    let definition = json!({"StartAt": "Both", "States": {"Both": {"Type": "Parallel",
        "Branches": [branch("Left"), branch("Right")], "End": true}}});
    let out = output(&run(&definition, json!({"n": 1}), &b));
    assert_eq!(out[0]["seen"], json!("right.flag"), "{out}");
    assert_eq!(out[1]["seen"], json!("left.flag"), "{out}");

    // One after another, the first would wait for a file nobody makes.
    let _ = std::fs::remove_file(dir.0.join("left.flag"));
    let _ = std::fs::remove_file(dir.0.join("right.flag"));
    let mut exec = start_calling(&definition, &meet("0.5"), TaskCalls::InPlace);
    run_to_end(&mut exec);
    let Status::Failed { error, .. } = exec.status() else {
        panic!("{:?}", exec.status());
    };
    assert_eq!(&**error, "NeverReleased");
}

#[test]
fn in_the_background_a_step_never_waits_for_a_task() {
    let dir = TempDir::new("concurrency", "background");
    dir.write("meet.py", PY_RENDEZVOUS);
    let b = commands(&dir.0, &json!({"Call": ["python3", "meet.py", "go.flag"]}));
    let definition = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
        "Resource": "arn:aws:states:::local:call", "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}});
    let mut exec = start_calling(&definition, &b, TaskCalls::Background);
    let mut types = Vec::new();
    // Until the task is released, each step comes back at once with Waiting.
    let mut waited = 0;
    while waited < 20 {
        match exec.step_within(1_000) {
            Stepped::Event(e) => types.push(e.kind.type_name()),
            Stepped::Waiting => {
                waited += 1;
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            other => panic!("{other:?} after {types:?}"),
        }
    }
    assert_eq!(
        types.last().map(String::as_str),
        Some("TaskStarted"),
        "{types:?}"
    );
    assert_eq!(exec.tasks_running(), 1);
    assert_eq!(exec.status(), &Status::Running);
    dir.write("go.flag", "");
    loop {
        match exec.step_within(1_000) {
            Stepped::Event(e) => types.push(e.kind.type_name()),
            Stepped::Waiting => std::thread::sleep(std::time::Duration::from_millis(5)),
            Stepped::Busy => {}
            Stepped::Still => break,
        }
    }
    assert_eq!(exec.tasks_running(), 0);
    let out = output(&exec);
    assert_eq!(out["seen"], json!("go.flag"), "{out}");
    assert!(types.contains(&"TaskSucceeded".to_owned()), "{types:?}");
}

#[test]
fn in_the_background_a_plain_step_still_waits() {
    let dir = TempDir::new("concurrency", "plain-step");
    let b = commands(
        &dir.0,
        &json!({"Call": ["python3", "-c", "import json, sys, time; time.sleep(0.2); print(json.dumps(json.load(sys.stdin)))"]}),
    );
    let definition = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
        "Resource": "arn:aws:states:::local:call", "End": true}}});
    let mut exec = start_calling(&definition, &b, TaskCalls::Background);
    run_to_end(&mut exec);
    assert_eq!(output(&exec), json!({"n": 1}));
}

/// Appends its process id to `pids` (argv[1]), then holds until the file argv[2] exists
/// (30 seconds at most) and prints which call it was (`{"call": n}`, n counted in `pids`).
const PY_HOLD: &str = r#"
import json, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, sys.argv[1]), "a") as f:
    f.write("%d\n" % os.getpid())
with open(os.path.join(here, sys.argv[1])) as f:
    n = len(f.read().split())
deadline = time.time() + 30
while not os.path.exists(os.path.join(here, sys.argv[2])) and time.time() < deadline:
    time.sleep(0.01)
print(json.dumps({"call": n}))
"#;

/// Waits until the file argv[1] exists, then fails with `Boom`.
const PY_BOOM: &str = r#"
import json, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
deadline = time.time() + 30
while not os.path.exists(os.path.join(here, sys.argv[1])) and time.time() < deadline:
    time.sleep(0.01)
print(json.dumps({"errorType": "Boom", "errorMessage": "the other branch fails"}))
"#;

/// The process ids written to `pids`, in order.
fn pids_in(dir: &Path, file: &str) -> Vec<u32> {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_default()
        .split_whitespace()
        .map(|p| p.parse().expect("a pid"))
        .collect()
}

/// Steps until the execution rests (ended, paused or waiting for a callback), polling the
/// tasks in the background.
fn step_until_still(exec: &mut Execution) {
    loop {
        match exec.step_within(1_000) {
            Stepped::Event(_) | Stepped::Busy => {}
            Stepped::Waiting => std::thread::sleep(std::time::Duration::from_millis(5)),
            Stepped::Still => return,
        }
    }
}

#[test]
fn a_call_in_a_cancelled_branch_is_stopped_and_not_waited_for() {
    // One branch holds for 30 s; the other fails once it started, so the Parallel cancels the
    // first and its Catch goes on to a Wait: the run must end at once (not after the hold),
    // and the held program must be stopped.
    let dir = TempDir::new("concurrency", "cancelled-branch");
    dir.write("hold.py", PY_HOLD);
    dir.write("boom.py", PY_BOOM);
    let b = commands(
        &dir.0,
        // Through a shell, so that the program to stop is the shell's child.
        &json!({"Hold": ["sh", "-c", "python3 hold.py pids never.flag; true"],
               "Boom": ["python3", "boom.py", "pids"]}),
    );
    let branch = |name: &str| {
        json!({"StartAt": name, "States": {name: {"Type": "Task",
        "Resource": "arn:aws:states:::local:x", "End": true}}})
    };
    let definition = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Branches": [branch("Hold"), branch("Boom")],
            "Catch": [{"ErrorEquals": ["Boom"], "Next": "Later"}], "Next": "Later"},
        "Later": {"Type": "Wait", "Seconds": 5, "Next": "Done"},
        "Done": {"Type": "Pass", "End": true}}});
    for calls in [TaskCalls::Overlapping, TaskCalls::Background] {
        let _ = std::fs::remove_file(dir.0.join("pids"));
        let (tx, rx) = std::sync::mpsc::channel();
        let (d, b2) = (definition.clone(), Arc::clone(&b));
        std::thread::spawn(move || {
            let mut exec = start_calling(&d, &b2, calls);
            run_to_end(&mut exec);
            let _ = tx.send(exec.status().clone());
        });
        let status = rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("{calls:?}: the run waited for the cancelled branch"));
        assert!(
            matches!(status, Status::Succeeded(_)),
            "{calls:?}: {status:?}"
        );
        let pids = pids_in(&dir.0, "pids");
        assert_eq!(pids.len(), 1, "{calls:?}: {pids:?}");
        assert!(ends(pids[0]), "{calls:?}: the held program still runs");
    }
}

#[test]
fn a_redriven_run_takes_its_new_calls_outcome_and_the_stopped_call_ends() {
    let dir = TempDir::new("concurrency", "redrive");
    dir.write("hold.py", PY_HOLD);
    let b = commands(
        &dir.0,
        &json!({"Hold": ["python3", "hold.py", "pids", "go.flag"]}),
    );
    let definition = json!({"StartAt": "Hold", "States": {"Hold": {"Type": "Task",
        "Resource": "arn:aws:states:::local:hold", "End": true}}});
    let mut exec = start_calling(&definition, &b, TaskCalls::Background);
    let until_called = |exec: &mut Execution, n: usize| {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while pids_in(&dir.0, "pids").len() < n {
            assert!(std::time::Instant::now() < until, "call {n} never started");
            assert!(!matches!(exec.step_within(1_000), Stepped::Still));
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    };
    until_called(&mut exec, 1);
    // Stopped while its call runs: the call is stopped too.
    exec.cancel(None, None);
    step_until_still(&mut exec);
    assert_eq!(exec.status(), &Status::Aborted);
    assert_eq!(exec.tasks_running(), 0);
    assert!(
        ends(pids_in(&dir.0, "pids")[0]),
        "the stopped call still runs"
    );

    exec.redrive().expect("an aborted run redrives");
    until_called(&mut exec, 2);
    dir.write("go.flag", "");
    step_until_still(&mut exec);
    assert_eq!(output(&exec), json!({"call": 2}));
}

#[test]
fn a_local_function_in_a_cancelled_branch_is_stopped() {
    let dir = TempDir::new("concurrency", "cancelled-function");
    dir.write(
        "src/hold.py",
        "import os, time\n\ndef handler(event, context):\n    with open(os.path.join(os.path.dirname(__file__), '..', 'pids'), 'a') as f:\n        f.write('%d\\n' % os.getpid())\n    time.sleep(30)\n    return {}\n",
    );
    dir.write("boom.py", PY_BOOM);
    let value = json!({
        "functions": {"hold": {"handler": "src/hold.py:handler", "runtime": "python3.12", "timeout": 60}},
        "commands": {"Boom": ["python3", "boom.py", "pids"]}});
    let reach = Reach::of(&dir.0.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "/backends", &dir.0, &reach).expect("reads");
    let b = Arc::new(Backends::new(config, Consent::ALL).expect("backends set up"));
    let definition = json!({"StartAt": "Both", "States": {
        "Both": {"Type": "Parallel", "Branches": [
            {"StartAt": "Hold", "States": {"Hold": {"Type": "Task", "Resource": format!("{ARN}hold"), "End": true}}},
            {"StartAt": "Boom", "States": {"Boom": {"Type": "Task", "Resource": "arn:aws:states:::local:x", "End": true}}}],
            "Catch": [{"ErrorEquals": ["Boom"], "Next": "Done"}], "End": true},
        "Done": {"Type": "Pass", "End": true}}});
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut exec = start_calling(&definition, &b, TaskCalls::Background);
        run_to_end(&mut exec);
        let _ = tx.send(exec.status().clone());
    });
    let status = rx
        .recv_timeout(std::time::Duration::from_secs(20))
        .expect("the run did not wait for the cancelled branch");
    assert!(matches!(status, Status::Succeeded(_)), "{status:?}");
    let pids = pids_in(&dir.0, "pids");
    assert_eq!(pids.len(), 1, "{pids:?}");
    assert!(ends(pids[0]), "the function's process still runs");
}
