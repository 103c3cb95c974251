//! The interpreter as a user drives it: the benchmark workflows and probes give the recorded
//! answers; the stepper pauses at breakpoints, answers callbacks, times out on a virtual clock,
//! retries with backoff, and writes an AWS-shaped history.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use stepcraft::history::{EventKind, to_aws_json};
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::tasks::{TableResolver, TaskOutcome, TaskResolver};
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

fn program(definition: &Value) -> Arc<Program> {
    let doc = Document::from_value(definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    Arc::new(Program::compile(&machine).expect("compiles"))
}

fn execution(definition: &Value, input: Value, resolver: Box<dyn TaskResolver>) -> Execution {
    Execution::new(
        program(definition),
        Val::from(input),
        Config::default(),
        resolver,
    )
}

fn run(definition: &Value, input: Value) -> Status {
    execution(definition, input, Box::new(TableResolver::new()))
        .run()
        .clone()
}

fn output(status: &Status) -> Value {
    match status {
        Status::Succeeded(v) => v.to_value(),
        other => panic!("expected success, got {other:?}"),
    }
}

fn types(exec: &Execution) -> Vec<String> {
    exec.history().iter().map(|e| e.kind.type_name()).collect()
}

fn bench_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench")
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("JSON")
}

#[test]
fn benchmark_workflows_give_the_recorded_outputs() {
    for name in [
        "loop1k",
        "loop10k",
        "loop100k",
        "map10k",
        "parallel",
        "choice1k",
        "choice-heavy",
        "payload",
    ] {
        let dir = bench_dir();
        let def = read(&dir.join(format!("{name}.asl.json")));
        let input = read(&dir.join(format!("{name}.input.json")));
        let config = Config {
            workflow_type: WorkflowType::Express,
            record_history: false,
            ..Config::default()
        };
        let mut exec = Execution::new(
            program(&def),
            Val::from(&input),
            config,
            Box::new(TableResolver::new()),
        );
        let got = output(exec.run());
        let expected_path = dir.join("expected").join(format!("{name}.output.json"));
        // Numbers compare by value: the peer recorded 0.0 as 0.
        assert!(
            Val::from(&got).json_eq(&Val::from(&read(&expected_path))),
            "{name} differs from the recorded output"
        );
    }
}

#[test]
fn jsonata_versions_of_the_benchmarks_give_the_same_outputs() {
    // The loop takes its count from the input: run it with loop10k's input, to stay quick.
    for (workflow, name) in [("loop100k", "loop10k"), ("map10k", "map10k")] {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let def = read(&root.join(format!("benches/workflows/{workflow}-jsonata.asl.json")));
        let input = read(&bench_dir().join(format!("{name}.input.json")));
        let config = Config {
            workflow_type: WorkflowType::Express,
            record_history: false,
            ..Config::default()
        };
        let mut exec = Execution::new(
            program(&def),
            Val::from(&input),
            config,
            Box::new(TableResolver::new()),
        );
        let got = output(exec.run());
        let expected = read(
            &bench_dir()
                .join("expected")
                .join(format!("{name}.output.json")),
        );
        assert!(
            Val::from(&got).json_eq(&Val::from(&expected)),
            "{name} in JSONata differs from the recorded output"
        );
    }
}

#[test]
fn probes_give_aws_answers() {
    let dir = bench_dir().join("probes");
    for name in ["index_path", "isnull_false", "ispresent_false", "size250k"] {
        let def = read(&dir.join(format!("{name}.asl.json")));
        let input = read(&dir.join(format!("{name}.input.json")));
        let expected = read(&dir.join(format!("{name}.expected.json")));
        assert_eq!(output(&run(&def, input)), expected, "{name}");
    }
}

#[test]
fn payloads_over_256_kib_fail_with_data_limit_exceeded() {
    let big = "x".repeat(262_144);
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"big": big}, "End": true}}});
    match run(&def, json!({})) {
        Status::Failed { error, cause } => {
            assert_eq!(&*error, "States.DataLimitExceeded");
            assert_eq!(
                cause.as_deref(),
                Some(
                    "The state/task 'P' returned a result with a size exceeding the maximum number of bytes service limit."
                )
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn variables_over_256_kib_fail_with_data_limit_exceeded() {
    let big = "y".repeat(200_000);
    // Each value fits, together they do not.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"a": big, "b": big}, "End": true}}});
    match run(&def, json!({})) {
        Status::Failed { error, cause } => {
            assert_eq!(&*error, "States.DataLimitExceeded");
            assert!(
                cause
                    .as_deref()
                    .is_some_and(|c| c.contains("larger than 256 KiB together")),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let one = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Assign": {"a": "z".repeat(262_144)}, "End": true}}});
    match run(&one, json!({})) {
        Status::Failed { error, cause } => {
            assert_eq!(&*error, "States.DataLimitExceeded");
            assert!(
                cause
                    .as_deref()
                    .is_some_and(|c| c.contains("The variable 'a'")),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_item_reader_without_an_object_store_fails_clearly() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                       "Parameters": {"Bucket": "b", "Key": "k.csv"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}});
    match run(&def, json!([1, 2])) {
        Status::Failed { error, cause } => {
            assert_eq!(&*error, "States.ItemReaderFailed");
            // It names the object and says how to give the run a store.
            assert!(
                cause
                    .as_deref()
                    .is_some_and(|c| c.contains("s3://b/k.csv") && c.contains("--s3-root DIR")),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_tolerated_failure_does_not_stop_the_remaining_iterations() {
    // One iteration at a time: after the tolerated failure of the first item, the Map still
    // starts the other two (it used to stop starting them and never finish).
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
        "MaxConcurrency": 1, "ToleratedFailureCount": 1,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "C", "States": {
                "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 1, "Next": "F"}], "Default": "P"},
                "F": {"Type": "Fail", "Error": "Bad"},
                "P": {"Type": "Pass", "End": true}}}}}});
    assert_eq!(
        output(&run(&def, json!([1, 2, 3]))),
        json!([{"Error": "Bad"}, 2, 3])
    );
    match run(&def, json!([1, 1, 3])) {
        Status::Failed { error, .. } => {
            assert_eq!(&*error, "States.ExceedToleratedFailureThreshold");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn variables_stay_in_their_scope() {
    // An iteration reads the outer variable as it was when the Map started; what it assigns does
    // not leak out, and later states still see the outer value.
    let def = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"factor": 10}, "Next": "M"},
        "M": {"Type": "Map", "ItemsPath": "$.items", "Next": "After",
              "ItemProcessor": {"StartAt": "Inner", "States": {
                  "Inner": {"Type": "Pass", "Assign": {"mine.$": "$"}, "Parameters": {"v.$": "$", "f.$": "$factor"}, "End": true}}}},
        "After": {"Type": "Pass", "Parameters": {"f.$": "$factor", "all.$": "$"}, "End": true}}});
    let out = output(&run(&def, json!({"items": [1, 2]})));
    assert_eq!(
        out,
        json!({"f": 10, "all": [{"v": 1, "f": 10}, {"v": 2, "f": 10}]})
    );
    let leaked = json!({"StartAt": "M", "States": {
        "M": {"Type": "Map", "Next": "After",
              "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Assign": {"mine": 1}, "End": true}}}},
        "After": {"Type": "Pass", "Parameters": {"m.$": "$mine"}, "End": true}}});
    match run(&leaked, json!([1])) {
        Status::Failed { error, .. } => assert_eq!(
            &*error, "States.Runtime",
            "an iteration's variable is not visible after the Map"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn runs_that_build_no_events_end_the_same_and_still_count_them() {
    // `hand_out_events: false` with no history: events are numbered and counted, never built.
    let quiet = |workflow_type| Config {
        workflow_type,
        record_history: false,
        hand_out_events: false,
        ..Config::default()
    };
    for name in ["loop1k", "map10k", "parallel", "choice1k"] {
        let def = read(&bench_dir().join(format!("{name}.asl.json")));
        let input = read(&bench_dir().join(format!("{name}.input.json")));
        let mut loud = Execution::new(
            program(&def),
            Val::from(&input),
            Config {
                workflow_type: WorkflowType::Express,
                ..Config::default()
            },
            Box::new(TableResolver::new()),
        );
        let mut entered = 0u64;
        while let Some(e) = loud.step() {
            entered += u64::from(matches!(e.kind, EventKind::StateEntered { .. }));
        }
        let mut silent = Execution::new(
            program(&def),
            Val::from(&input),
            quiet(WorkflowType::Express),
            Box::new(TableResolver::new()),
        );
        assert_eq!(silent.step(), None, "{name}: no event is handed out");
        assert_eq!(silent.status(), loud.status(), "{name}");
        assert_eq!(silent.states_entered(), entered, "{name}");
        assert_eq!(silent.history().len(), 0, "{name}");
    }
    // The Standard limit of 25,000 events still applies to events nobody builds.
    let def = read(&bench_dir().join("loop10k.asl.json"));
    let input = read(&bench_dir().join("loop10k.input.json"));
    let mut standard = Execution::new(
        program(&def),
        Val::from(&input),
        quiet(WorkflowType::Standard),
        Box::new(TableResolver::new()),
    );
    match standard.run() {
        Status::Failed { error, cause } => {
            assert_eq!(&**error, "States.Runtime");
            assert!(
                cause.as_deref().is_some_and(|c| c.contains("25000")),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Each loop iteration writes 4 events (2 states entered and exited): the limit came before
    // the 10,000th iteration, as with events built.
    assert!(standard.states_entered() < 12_500);
}

#[test]
fn standard_workflows_stop_at_25000_events_and_express_do_not() {
    let def = read(&bench_dir().join("loop10k.asl.json"));
    let input = read(&bench_dir().join("loop10k.input.json"));
    let mut standard = Execution::new(
        program(&def),
        Val::from(&input),
        Config::default(),
        Box::new(TableResolver::new()),
    );
    match standard.run() {
        Status::Failed { error, .. } => assert_eq!(&**error, "States.Runtime"),
        other => panic!("{other:?}"),
    }
    assert_eq!(standard.history().len(), 25_000);
    let express = Config {
        workflow_type: WorkflowType::Express,
        ..Config::default()
    };
    let mut exec = Execution::new(
        program(&def),
        Val::from(&input),
        express,
        Box::new(TableResolver::new()),
    );
    assert_eq!(output(exec.run()), json!({"i": 10000, "n": 10000}));
}

#[test]
fn breakpoints_pause_before_the_state_and_stepping_goes_one_event_at_a_time() {
    let def = json!({"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Result": 1, "Next": "C"},
        "C": {"Type": "Succeed"}}});
    let mut exec = execution(&def, json!({}), Box::new(TableResolver::new()));
    exec.set_breakpoints(["B".to_owned()]);
    assert_eq!(
        exec.run_until_pause(),
        &Status::Paused { state: "B".into() }
    );
    assert_eq!(
        types(&exec),
        ["ExecutionStarted", "PassStateEntered", "PassStateExited"]
    );
    let next = exec.step().expect("one more event");
    assert_eq!(next.kind.type_name(), "PassStateEntered");
    assert_eq!(next.kind.state_name(), Some("B"));
    let next = exec.step().expect("and another");
    assert_eq!(next.kind.type_name(), "PassStateExited");
    assert_eq!(output(exec.run_until_pause()), json!(1));
}

#[test]
fn cancel_aborts() {
    let def =
        json!({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": true}}});
    let mut exec = execution(&def, json!({}), Box::new(TableResolver::new()));
    exec.step();
    exec.step();
    exec.cancel(Some("User"), Some("stopped from the studio"));
    assert_eq!(exec.status(), &Status::Aborted);
    assert_eq!(
        types(&exec).last().map(String::as_str),
        Some("ExecutionAborted")
    );
    assert_eq!(
        exec.step().map(|e| e.kind.type_name()).as_deref(),
        Some("ExecutionAborted")
    );
    assert!(exec.step().is_none(), "nothing runs after an abort");
}

#[test]
fn waits_use_the_virtual_clock() {
    let def = json!({"StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 3600, "Next": "T"},
        "T": {"Type": "Wait", "Timestamp": "2026-06-01T00:00:00Z", "End": true}}});
    let mut exec = execution(&def, json!({}), Box::new(TableResolver::new()));
    let started = exec.clock();
    let real = std::time::Instant::now();
    exec.run();
    assert!(
        real.elapsed().as_secs() < 5,
        "a virtual wait takes no real time"
    );
    let exits: Vec<i64> = exec
        .history()
        .iter()
        .filter(|e| e.kind.type_name() == "WaitStateExited")
        .map(|e| e.timestamp)
        .collect();
    assert_eq!(exits[0] - started, 3_600_000);
    assert_eq!(
        exits[1],
        stepcraft::history::parse_timestamp("2026-06-01T00:00:00Z").expect("valid")
    );
}

#[test]
fn retries_back_off_then_catch() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 3.0, "MaxDelaySeconds": 10}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Handled"}],
              "End": true},
        "Handled": {"Type": "Pass", "End": true}}});
    let failing = TableResolver::new().with(
        "T",
        TaskOutcome::Failure {
            error: "Boom".into(),
            cause: "it broke".into(),
        },
    );
    let mut exec = execution(&def, json!({"id": 7}), Box::new(failing));
    let out = output(exec.run());
    assert_eq!(
        out,
        json!({"id": 7, "error": {"Error": "Boom", "Cause": "it broke"}})
    );
    let scheduled: Vec<i64> = exec
        .history()
        .iter()
        .filter(|e| e.kind.type_name() == "TaskScheduled")
        .map(|e| e.timestamp)
        .collect();
    let gaps: Vec<i64> = scheduled.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(gaps, [2_000, 6_000, 10_000], "2 s, then x3, capped at 10 s");
}

#[test]
fn task_failed_matches_task_errors_but_not_timeouts() {
    let def = json!({"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "TimeoutSeconds": 30,
              "Parameters": {"token.$": "$$.Task.Token"},
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Failed"}, {"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
              "End": true},
        "Failed": {"Type": "Pass", "Result": "failed", "End": true},
        "TimedOut": {"Type": "Pass", "Result": "timed out", "End": true}}});
    let mut exec = execution(
        &def,
        json!({}),
        Box::new(TableResolver::new().with("T", TaskOutcome::Pending)),
    );
    // Nobody answers: the execution waits, and time passes only when the caller lets it.
    assert_eq!(exec.run(), &Status::WaitingForCallback);
    exec.let_time_pass();
    assert_eq!(exec.run(), &Status::Succeeded(Val::string("timed out")));
    let timed_out = exec
        .history()
        .iter()
        .find(|e| e.kind.type_name() == "TaskTimedOut")
        .expect("timed out");
    let scheduled = exec
        .history()
        .iter()
        .find(|e| e.kind.type_name() == "TaskScheduled")
        .expect("scheduled");
    assert_eq!(timed_out.timestamp - scheduled.timestamp, 30_000);
}

#[test]
fn callbacks_are_answered_with_the_task_token() {
    let def = json!({"StartAt": "Approve", "States": {
        "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                    "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": {"token.$": "$$.Task.Token"}},
                    "ResultPath": "$.decision", "End": true}}});
    let mut exec = execution(
        &def,
        json!({"order": 1}),
        Box::new(TableResolver::new().with("Approve", TaskOutcome::Pending)),
    );
    assert_eq!(exec.run(), &Status::WaitingForCallback);
    let pending = exec.pending_callbacks();
    assert_eq!(pending.len(), 1);
    assert_eq!(&*pending[0].state, "Approve");
    assert_eq!(
        pending[0]
            .input
            .get("MessageBody")
            .and_then(|b| b.get("token"))
            .and_then(Val::as_str),
        Some(&*pending[0].token)
    );
    assert!(exec.send_task_success("not-a-token", Val::Null).is_err());
    exec.send_task_success(&pending[0].token, Val::from(&json!({"approved": true})))
        .expect("token is waiting");
    assert_eq!(
        output(exec.run()),
        json!({"order": 1, "decision": {"approved": true}})
    );
    assert!(types(&exec).contains(&"TaskSubmitted".to_owned()));
}

#[test]
fn an_endless_express_loop_ends_at_the_transition_limit() {
    // Pass and Choice take no virtual time: without a limit, this never ends.
    let def = json!({"StartAt": "Loop", "States": {
        "Loop": {"Type": "Pass", "Next": "Again"},
        "Again": {"Type": "Choice", "Choices": [{"Variable": "$.never", "IsPresent": true, "Next": "Done"}], "Default": "Loop"},
        "Done": {"Type": "Succeed"}}});
    let config = Config {
        workflow_type: WorkflowType::Express,
        record_history: false,
        max_transitions: Some(5_000),
        ..Config::default()
    };
    let mut exec = Execution::new(
        program(&def),
        Val::from(json!({})),
        config,
        Box::new(TableResolver::new()),
    );
    match exec.run() {
        Status::Failed { error, cause } => {
            assert_eq!(&**error, "States.Runtime");
            let cause = cause.as_deref().unwrap_or_default();
            assert!(cause.contains("entered 5000 states"), "{cause}");
            assert!(cause.contains("--max-transitions"), "{cause}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_heartbeat_moves_a_waiting_tasks_deadline() {
    // While the callback task waits (heartbeat 10 s), the other branch lets 8 s pass; a
    // heartbeat then gives the task 10 s more, so it times out at 18 s, not 10 s.
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "Work", "States": {"Work": {"Type": "Task", "End": true,
            "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "HeartbeatSeconds": 10,
            "Parameters": {"QueueUrl": "q", "MessageBody": {"token.$": "$$.Task.Token"}}}}},
        {"StartAt": "Later", "States": {"Later": {"Type": "Wait", "Seconds": 8, "End": true}}}]}}});
    let run = |heartbeat: bool| {
        let mut exec = execution(
            &def,
            json!({}),
            Box::new(TableResolver::new().with("Work", TaskOutcome::Pending)),
        );
        assert_eq!(exec.run(), &Status::WaitingForCallback);
        let token = exec.pending_callbacks()[0].token.clone();
        if heartbeat {
            exec.send_task_heartbeat(&token).expect("the task waits");
        }
        assert!(exec.send_task_heartbeat("not-a-token").is_err());
        exec.let_time_pass();
        exec.run();
        let at = |ty: &str| {
            exec.history()
                .iter()
                .find(|e| e.kind.type_name() == ty)
                .map(|e| e.timestamp)
                .expect(ty)
        };
        (
            at("TaskTimedOut") - at("TaskScheduled"),
            exec.status().clone(),
        )
    };
    let (without, status) = run(false);
    assert_eq!(without, 10_000);
    assert!(
        matches!(&status, Status::Failed { error, .. } if &**error == "States.HeartbeatTimeout"),
        "{status:?}"
    );
    assert_eq!(run(true).0, 18_000);
}

#[test]
fn parallel_failure_cancels_the_other_branches() {
    let def = json!({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
        "Catch": [{"ErrorEquals": ["Bad"], "Next": "Caught"}],
        "Branches": [
            {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 100, "End": true}}},
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Bad", "Cause": "branch 2"}}}]},
        "Caught": {"Type": "Pass", "End": true}}});
    let mut exec = execution(&def, json!({}), Box::new(TableResolver::new()));
    assert_eq!(
        output(exec.run()),
        json!({"Error": "Bad", "Cause": "branch 2"})
    );
    let t = types(&exec);
    assert!(t.contains(&"WaitStateAborted".to_owned()), "{t:?}");
    assert!(!t.contains(&"WaitStateExited".to_owned()), "{t:?}");
    assert!(t.contains(&"ParallelStateFailed".to_owned()));
}

#[test]
fn map_respects_max_concurrency_and_keeps_item_order() {
    let def = json!({"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "End": true,
        "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
        "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.v", "End": true}}}}}});
    let mut exec = execution(&def, json!([3, 1, 2, 1]), Box::new(TableResolver::new()));
    assert_eq!(
        output(exec.run()),
        json!([{"v": 3, "i": 0}, {"v": 1, "i": 1}, {"v": 2, "i": 2}, {"v": 1, "i": 3}])
    );
    let mut running = 0i32;
    let mut most = 0;
    for e in exec.history() {
        match e.kind {
            EventKind::MapIterationStarted { .. } => running += 1,
            EventKind::MapIterationSucceeded { .. } => running -= 1,
            _ => {}
        }
        most = most.max(running);
    }
    assert_eq!(most, 2);
}

#[test]
fn history_exports_in_get_execution_history_shape() {
    let def = json!({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "End": true}}});
    let mut exec = execution(
        &def,
        json!({"a": 1}),
        Box::new(TableResolver::new().with("T", TaskOutcome::Success(Val::int(5)))),
    );
    exec.run();
    let exported = to_aws_json(exec.history());
    let events = exported["events"].as_array().expect("events");
    let t: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert_eq!(
        t,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "LambdaFunctionScheduled",
            "LambdaFunctionStarted",
            "LambdaFunctionSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
    assert_eq!(
        events[0]["executionStartedEventDetails"]["input"],
        json!("{\"a\":1}")
    );
    assert_eq!(events[1]["stateEnteredEventDetails"]["name"], json!("T"));
    assert_eq!(
        events[4]["lambdaFunctionSucceededEventDetails"]["output"],
        json!("5")
    );
    assert_eq!(
        events[6]["executionSucceededEventDetails"]["output"],
        json!("5")
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["id"], json!(i + 1));
        assert_eq!(e["previousEventId"], json!(i));
        assert!(e["timestamp"].as_str().is_some_and(|s| s.ends_with('Z')));
    }
}

/// A distributed Map's child executions have histories of their own (AWS writes only the Map
/// Run's events in the parent's): 6,000 children of three states each would be about 30,000
/// events, more than a Standard history's 25,000, yet the parent runs to its end and its own
/// events are numbered one after another.
#[test]
fn a_distributed_maps_children_do_not_count_toward_the_parents_history_limit() {
    let def = json!({"StartAt": "Fan", "States": {"Fan": {
        "Type": "Map",
        "ItemsPath": "$.items",
        "MaxConcurrency": 10,
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "One",
            "States": {
                "One": {"Type": "Pass", "Next": "Two"},
                "Two": {"Type": "Pass", "Next": "Three"},
                "Three": {"Type": "Pass", "OutputPath": "$.id", "End": true}
            }
        },
        "End": true
    }}});
    let items: Vec<Value> = (0..6000).map(|i| json!({"id": i})).collect();
    let mut exec = execution(
        &def,
        json!({ "items": items }),
        Box::new(TableResolver::new()),
    );
    let status = exec.run().clone();
    let out = output(&status);
    assert_eq!(out.as_array().map(Vec::len), Some(6000));
    assert_eq!(out[5999], json!(5999));
    let ids: Vec<u64> = exec.history().iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=ids.len() as u64).collect::<Vec<_>>());
    assert!(ids.len() < 20, "{:?}", types(&exec));
}
