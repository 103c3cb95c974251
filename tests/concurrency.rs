//! Local functions called by overlapping tasks (a Map's iterations) run at once, each on a warm
//! process of its own, up to the Map's MaxConcurrency: real Python processes report their
//! process id and the times they ran, and the tests check the overlap from those.

use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use stepcraft::tasks::backends::{Backends, BackendsConfig, Consent};
use stepcraft::testing::Reach;

use crate::support::local::{TempDir, output, run};

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
