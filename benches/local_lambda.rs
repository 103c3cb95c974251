//! A warm local Lambda invocation (target: under 5 ms): the request written to the function's
//! process, the handler called, its answer read back, in Python and Node.js; a whole one-Task
//! run through the run set-up, for scale; and a distributed Map over 10,000 items whose
//! ItemProcessor calls the Python handler, with MaxConcurrency 10 and 1 side by side.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use stepcraft::run::{RunSetup, Tasks, run_to_end};
use stepcraft::tasks::TaskRequest;
use stepcraft::tasks::backends::{Backends, BackendsConfig, Consent};
use stepcraft::testing::Reach;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:";

fn backends(dir: &PathBuf) -> Arc<Backends> {
    std::fs::create_dir_all(dir).expect("folder");
    std::fs::write(
        dir.join("echo.py"),
        "def handler(event, context):\n    return {'seen': event}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("ident.py"),
        "def handler(event, context):\n    return event['id']\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("echo.js"),
        "exports.handler = async (event) => ({ seen: event });\n",
    )
    .expect("write");
    let value = json!({"functions": {
        "py": {"handler": "echo.py:handler", "runtime": "python3.12"},
        "js": {"handler": "echo.js:handler", "runtime": "nodejs20.x"},
        "ident": {"handler": "ident.py:handler", "runtime": "python3.12"},
    }});
    let reach = Reach::of(&dir.join("backends.yaml"), false);
    let config = BackendsConfig::parse(&value, "", dir, &reach).expect("config");
    Arc::new(Backends::new(config, Consent::ALL).expect("backends"))
}

fn bench(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("stepcraft-bench-lambda-{}", std::process::id()));
    let b = backends(&dir);
    let input = Val::from(json!({"order": {"id": "o-1", "items": [1, 2, 3]}}));
    for (name, function) in [("python", "py"), ("node", "js")] {
        let resource = format!("{ARN}{function}");
        let request = TaskRequest {
            state_name: "Call",
            resource: &resource,
            input: &input,
            task_token: None,
            attempt: 0,
            clock: 0,
            timeout: None,
            heartbeat: None,
        };
        // The first invocation starts the process; the bench measures the warm ones.
        assert!(b.answer(&request).is_some());
        c.bench_function(&format!("warm local lambda invocation ({name})"), |bench| {
            bench.iter(|| b.answer(black_box(&request)));
        });
    }
    let definition = json!({"StartAt": "Call", "States": {"Call": {"Type": "Task",
        "Resource": format!("{ARN}py"), "End": true}}});
    let mut setup = RunSetup::new(Document::from_value(definition, Format::Json));
    setup.tasks = Tasks::Backends {
        backends: Arc::clone(&b),
        fallback: Box::new(Tasks::None),
    };
    let prepared = setup.prepare().expect("prepares");
    c.bench_function("one-Task run with a warm local lambda (python)", |bench| {
        bench.iter(|| {
            let mut exec = prepared.start(input.clone()).expect("starts");
            run_to_end(&mut exec).clone()
        });
    });
    drop(prepared);
    distributed_map(c, &b);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A distributed Map over 10,000 items, each child execution one Task calling the Python
/// function `ident` (it returns the item's id), with MaxConcurrency 10 and, side by side, 1.
/// One sample is a whole run.
fn distributed_map(c: &mut Criterion, b: &Arc<Backends>) {
    const ITEMS: usize = 10_000;
    let items: Vec<serde_json::Value> = (0..ITEMS).map(|i| json!({"id": i})).collect();
    let input = Val::from(json!({ "items": items }));
    let mut group = c.benchmark_group("distributed map");
    group.sample_size(10);
    for limit in [10, 1] {
        let definition = json!({"StartAt": "Fan", "States": {"Fan": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": limit,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                "StartAt": "Call",
                "States": {"Call": {"Type": "Task", "Resource": format!("{ARN}ident"), "End": true}}
            },
            "End": true
        }}});
        let mut setup = RunSetup::new(Document::from_value(definition, Format::Json));
        setup.tasks = Tasks::Backends {
            backends: Arc::clone(b),
            fallback: Box::new(Tasks::None),
        };
        let prepared = setup.prepare().expect("prepares");
        let run = || {
            let mut exec = prepared.start(input.clone()).expect("starts");
            run_to_end(&mut exec).clone()
        };
        match run() {
            stepcraft::interp::Status::Succeeded(out) => {
                assert_eq!(out.as_array().map(<[Val]>::len), Some(ITEMS));
            }
            other => panic!("the Map run did not succeed: {other:?}"),
        }
        group.bench_function(
            format!("10,000 items, MaxConcurrency {limit}, one local python lambda call each"),
            |bench| bench.iter(run),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
