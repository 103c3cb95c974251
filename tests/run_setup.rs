//! The one run set-up (`stepcraft::run`): the bundled examples start and run to their real
//! outputs with each way of answering tasks, the set-up's errors carry their pointers, and the
//! rule for the files beside a definition.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::history::EventKind;
use stepcraft::interp::Status;
use stepcraft::run::{Beside, RunSetup, SetupError, Tasks, beside, run_to_end, run_to_end_with};
use stepcraft::subst::Sources;
use stepcraft::tasks::objects::{DirStore, MemoryStore, ObjectStore, Overlay};
use stepcraft::tasks::{TableResolver, TaskOutcome};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn example(name: &str) -> PathBuf {
    root().join("assets/examples").join(name)
}

fn setup_for(path: &Path) -> RunSetup {
    let text = std::fs::read_to_string(path).expect("readable");
    RunSetup::new(Document::parse(&text, Format::from_path(path).expect("format")).expect("parses"))
}

fn output(status: &Status) -> Value {
    match status {
        Status::Succeeded(v) => v.to_value(),
        other => panic!("expected success, got {other:?}"),
    }
}

fn entered(exec: &stepcraft::interp::Execution) -> Vec<String> {
    exec.history()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::StateEntered { name, .. } => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn hello_world_runs_to_its_output() {
    let setup = setup_for(&example("hello-world.asl.json"));
    let mut exec = setup
        .start(Val::from(json!({"mood": "grumpy"})))
        .expect("starts");
    assert_eq!(
        output(run_to_end(&mut exec)),
        json!({"message": "Hello from your first workflow!", "reply": "Great to hear it. Let's celebrate!"})
    );
    assert_eq!(
        entered(&exec),
        [
            "Prepare Greeting",
            "Take A Short Break",
            "Check The Mood",
            "Celebrate",
            "All Done"
        ]
    );
    // The Wait ran on the virtual clock: three seconds after the configured start.
    let times: Vec<i64> = exec.history().iter().map(|e| e.timestamp).collect();
    assert_eq!(times.last().copied(), Some(setup.config.start_time + 3000));
}

#[test]
fn a_prepared_definition_starts_again_and_again() {
    let mut setup = setup_for(&example("order-processing.asl.json"));
    setup.tasks = Tasks::Table(
        TableResolver::new()
            .with(
                "Validate Order",
                TaskOutcome::Success(Val::from(json!({"Payload": {"valid": true, "orderTotal": 50, "currency": "EUR", "problems": []}}))),
            )
            .with(
                "Reserve Inventory",
                TaskOutcome::Success(Val::from(json!({"Attributes": {"reservationStatus": {"S": "RESERVED"}}}))),
            )
            .with(
                "Charge Payment",
                TaskOutcome::Success(Val::from(json!({"Payload": {"chargeId": "ch-1", "status": "CAPTURED"}}))),
            ),
    );
    let prepared = setup.prepare().expect("prepares");
    for id in [42, 43] {
        let input = json!({"id": id, "items": [{"sku": "A-1", "qty": 2}], "payment": {"method": "WALLET", "token": "t"}});
        let mut exec = prepared.start(Val::from(input)).expect("starts");
        let out = output(run_to_end(&mut exec));
        assert_eq!(out["orderId"], json!(format!("order-{id}")));
        assert_eq!(out["status"], json!("CONFIRMED"));
        assert_eq!(out["chargeId"], json!("ch-1"));
        assert_eq!(out["reservationStatus"], json!("RESERVED"));
    }
}

#[test]
fn the_sam_fixture_runs_with_its_template_values_and_mocks() {
    let dir = root().join("tests/fixtures/sam-orders/statemachine");
    let definition = dir.join("orders.asl.json");
    let mut setup = setup_for(&definition);
    setup.substitutions = Sources::default()
        .gather(Some(&definition))
        .expect("the template is found");
    let mocks: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("orders.mocks.json")).expect("mocks"),
    )
    .expect("JSON");
    setup.tasks = Tasks::Mocks {
        config: Arc::new(mocks),
        state_machine: Some("OrdersStateMachine".into()),
        test_case: "SmallOrder".into(),
    };
    let mut exec = setup
        .start(Val::from(json!({"orderId": "o-1"})))
        .expect("starts");
    let out = output(run_to_end(&mut exec));
    assert_eq!(
        out["validation"]["validatedBy"],
        json!("arn:aws:lambda:us-east-1:123456789012:function:ValidateOrderFunction")
    );
    assert_eq!(
        out["announced"]["topic"],
        json!("arn:aws:sns:us-east-1:123456789012:OrderEventsTopic")
    );
    assert_eq!(out["lines"][1]["line"], json!(25));
    // A test case the configuration lacks is the mocks' error, at start.
    setup.tasks = Tasks::Mocks {
        config: match &setup.tasks {
            Tasks::Mocks { config, .. } => Arc::clone(config),
            _ => unreachable!(),
        },
        state_machine: Some("OrdersStateMachine".into()),
        test_case: "NoSuchCase".into(),
    };
    let err = setup
        .start(Val::from(json!({})))
        .expect_err("no such test case");
    assert!(matches!(err, SetupError::Mocks(_)), "{err:?}");
    assert_eq!(err.pointer(), None);
}

#[test]
fn a_bare_placeholder_without_a_value_cannot_start() {
    let setup = setup_for(&root().join("tests/fixtures/sam-orders/statemachine/orders.asl.json"));
    let err = setup
        .start(Val::from(json!({})))
        .expect_err("bare placeholders need values");
    assert_eq!(
        err,
        SetupError::BarePlaceholder {
            name: "ItemConcurrency".into(),
            pointer: stepcraft::Pointer::root()
                .key("States")
                .key("Price Items")
                .key("MaxConcurrency"),
        }
    );
    assert_eq!(err.pointer(), Some("/States/Price Items/MaxConcurrency"));
    // Without validation, a value that is not JSON where it stands unquoted is refused there.
    let mut setup = setup;
    setup.validate = false;
    setup.substitutions.set(
        "ItemConcurrency",
        json!("not a number"),
        stepcraft::subst::Origin::Flag,
    );
    setup.substitutions.set(
        "ReviewThreshold",
        json!(100),
        stepcraft::subst::Origin::Flag,
    );
    let err = setup.start(Val::from(json!({}))).expect_err("not JSON");
    assert!(matches!(err, SetupError::Substitution(_)), "{err:?}");
    assert_eq!(err.pointer(), Some("/States/Price Items/MaxConcurrency"));
}

#[test]
fn an_invalid_definition_is_refused_with_its_diagnostics_unless_asked_not_to() {
    let text = r#"{"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Next": "Missing"}}}"#;
    let mut setup = RunSetup::new(Document::parse(text, Format::Json).expect("JSON"));
    let err = setup.start(Val::from(json!({}))).expect_err("invalid");
    let SetupError::Invalid(diagnostics) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(diagnostics[0].code.as_str(), "MISSING_TRANSITION_TARGET");
    assert_eq!(diagnostics[0].location.map(|l| l.line), Some(1));
    assert_eq!(err.pointer(), Some("/States/Hello/Next"));
    // Unvalidated, the interpreter's own check still refuses it, at the same place.
    setup.validate = false;
    let err = setup
        .start(Val::from(json!({})))
        .expect_err("does not compile");
    assert!(matches!(err, SetupError::Compile(_)), "{err:?}");
    assert_eq!(err.pointer(), Some("/States/Hello/Next"));
}

#[test]
fn the_workflow_type_is_validated_for() {
    let text = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {"QueueUrl": "q", "MessageBody.$": "$$.Task.Token"}, "End": true}}}"#;
    let mut setup = RunSetup::new(Document::parse(text, Format::Json).expect("JSON"));
    assert!(setup.prepare().is_ok());
    setup.config.workflow_type = stepcraft::validate::WorkflowType::Express;
    let err = setup.prepare().expect_err("Express has no callbacks");
    assert!(matches!(err, SetupError::Invalid(_)), "{err:?}");
    assert_eq!(err.pointer(), Some("/States/T/Resource"));
}

#[test]
fn callbacks_wait_for_an_answer_and_run_to_end_lets_their_timeouts_pass() {
    let mut setup = setup_for(&example("callback-approval.asl.json"));
    setup.tasks = Tasks::Callbacks {
        hint: "Answer it by hand.".into(),
    };
    let input =
        json!({"requestId": "r-1", "requester": "bob", "amount": 250, "description": "laptop"});
    // Answered: the approver's decision goes on through the Choice.
    let mut exec = setup.start(Val::from(input.clone())).expect("starts");
    assert_eq!(exec.run(), &Status::WaitingForCallback);
    let token = exec.pending_callbacks()[0].token.clone();
    exec.send_task_success(
        &token,
        Val::from(json!({"approved": true, "approver": "alice"})),
    )
    .expect("accepted");
    let out = output(run_to_end(&mut exec));
    assert_eq!(
        out["decision"],
        json!({"approved": true, "approver": "alice"})
    );
    // Unanswered: the hour's heartbeat runs out on the virtual clock (States.HeartbeatTimeout,
    // which only the States.ALL catcher takes).
    let mut exec = setup.start(Val::from(input)).expect("starts");
    let status = run_to_end(&mut exec).clone();
    assert!(matches!(status, Status::Failed { .. }), "{status:?}");
    assert_eq!(entered(&exec), ["Request Approval", "Approval Errored"]);
    let waited = exec
        .history()
        .last()
        .map(|e| e.timestamp)
        .unwrap_or_default()
        - setup.config.start_time;
    assert_eq!(waited, 3_600_000);
}

/// With no test case, the studio asks for each task's result: every Task waits, with AWS's
/// events (scheduled, started, then succeeded or failed when answered), as a callback does.
#[test]
fn tasks_answered_by_hand_wait_for_their_result() {
    let text = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"}, "ResultSelector": {"v.$": "$.Payload"}, "Retry": [{"ErrorEquals": ["Busy"], "MaxAttempts": 1}], "End": true}}}"#;
    let mut setup = RunSetup::new(Document::parse(text, Format::Json).expect("JSON"));
    setup.tasks = Tasks::ByHand;
    let mut exec = setup.start(Val::from(json!({"n": 1}))).expect("starts");
    assert_eq!(exec.run(), &Status::WaitingForCallback);
    let waiting = exec.pending_callbacks();
    assert_eq!(waiting.len(), 1);
    assert_eq!(&*waiting[0].state, "Call");
    assert_eq!(
        waiting[0].input.to_value(),
        json!({"FunctionName": "f", "Payload": {"n": 1}})
    );
    // A failure goes through Retry like any task's; the retry waits for its answer again.
    exec.send_task_failure(&waiting[0].token, "Busy", "try later")
        .expect("accepted");
    assert_eq!(exec.run(), &Status::WaitingForCallback);
    let again = exec.pending_callbacks();
    assert_eq!(again.len(), 1);
    exec.send_task_success(&again[0].token, Val::from(json!({"Payload": 7})))
        .expect("accepted");
    assert_eq!(output(run_to_end(&mut exec)), json!({"v": 7}));
    let kinds: Vec<String> = exec
        .history()
        .iter()
        .map(|e| e.kind.type_name().to_string())
        .collect();
    assert!(
        kinds.contains(&"TaskFailed".to_owned()) && kinds.contains(&"TaskSucceeded".to_owned()),
        "{kinds:?}"
    );
}

#[test]
fn tasks_without_results_fail_naming_the_state() {
    let text = r#"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"}, "End": true}}}"#;
    let doc = Document::parse(text, Format::Json).expect("JSON");
    let mut setup = RunSetup::new(doc);
    setup.tasks = Tasks::Callbacks {
        hint: "Choose a test case.".into(),
    };
    let mut exec = setup.start(Val::from(json!({}))).expect("starts");
    assert_eq!(
        run_to_end(&mut exec),
        &Status::Failed {
            error: "States.TaskFailed".into(),
            cause: Some(
                "No result was given for the Task state 'Call'. Choose a test case.".into()
            ),
        }
    );
    setup.tasks = Tasks::None;
    let mut exec = setup.start(Val::from(json!({}))).expect("starts");
    let status = run_to_end(&mut exec);
    assert!(
        matches!(status, Status::Failed { error, .. } if &**error == "States.TaskFailed"),
        "{status:?}"
    );
}

#[test]
fn a_distributed_map_reads_the_object_store_and_writes_beside_it() {
    let mut setup = setup_for(&example("distributed-map-csv.asl.json"));
    let data: Arc<dyn ObjectStore> = Arc::new(DirStore::new(example("data")));
    let store = Arc::new(Overlay::new(data, MemoryStore::new()));
    setup.config.objects = Some(store.clone());
    let mut table = TableResolver::new();
    for (loaded, _) in [(100, 0), (5, 0)] {
        table = table.with(
            "Transform And Load Batch",
            TaskOutcome::Success(Val::from(
                json!({"Payload": {"loaded": loaded, "skipped": 0}, "StatusCode": 200}),
            )),
        );
    }
    setup.tasks = Tasks::Table(table);
    let mut exec = setup
        .start(Val::from(
            json!({"exportKey": "exports/2026-01-15/sales.csv"}),
        ))
        .expect("starts");
    let out = output(run_to_end(&mut exec));
    let run = "09f1fd9d-03f0-49b4-9532-74161bbf8475";
    assert_eq!(
        out,
        json!({
            "exportKey": "exports/2026-01-15/sales.csv",
            "mapRunArn": format!("arn:aws:states:us-east-1:123456789012:mapRun:StateMachine/SalesCsvImport:{run}"),
            "resultsBucket": "acme-sales-import-results-123456789012",
            "manifestKey": format!("map-runs/sales-import/{run}/manifest.json"),
        })
    );
    let manifest = store
        .get(
            "acme-sales-import-results-123456789012",
            &format!("map-runs/sales-import/{run}/manifest.json"),
        )
        .expect("the manifest was written");
    let manifest: Value = serde_json::from_slice(&manifest).expect("JSON");
    assert_eq!(
        manifest["DestinationBucket"],
        json!("acme-sales-import-results-123456789012")
    );
}

#[test]
fn run_to_end_passes_breakpoints_and_hands_over_every_event() {
    let mut setup = setup_for(&example("hello-world.asl.json"));
    setup.config.record_history = false;
    let mut exec = setup.start(Val::from(json!({}))).expect("starts");
    exec.set_breakpoints(["Check The Mood".to_owned()]);
    let mut kinds = Vec::new();
    let status = run_to_end_with(&mut exec, |e| kinds.push(e.kind.type_name()));
    assert!(matches!(status, Status::Succeeded(_)), "{status:?}");
    assert_eq!(kinds.first().map(String::as_str), Some("ExecutionStarted"));
    assert_eq!(kinds.last().map(String::as_str), Some("ExecutionSucceeded"));
    assert_eq!(kinds.len(), 12);
}

#[test]
fn the_files_beside_a_definition_follow_one_rule() {
    let cases: [(&str, &str, &str); 5] = [
        ("d/orders.asl.json", "d/orders", "d/orders.asl.subs.json"),
        ("d/orders.asl.yaml", "d/orders", "d/orders.asl.subs.json"),
        ("d/flow.json", "d/flow", "d/flow.subs.json"),
        ("d/flow.yml", "d/flow", "d/flow.subs.json"),
        ("flow", "flow", "flow.subs.json"),
    ];
    for (definition, base, sidecar) in cases {
        let want = Beside {
            test_files: ["yaml", "yml", "json"]
                .iter()
                .map(|ext| PathBuf::from(format!("{base}.test.{ext}")))
                .collect(),
            sidecar: PathBuf::from(sidecar),
            consent: PathBuf::from(sidecar.replace(".subs.json", ".consent.json")),
        };
        assert_eq!(beside(Path::new(definition)), want, "{definition}");
        assert_eq!(
            stepcraft::subst::sidecar_path(Path::new(definition)),
            want.sidecar
        );
    }
    assert_eq!(
        beside(&example("hello-world.asl.json")).existing_test_files(),
        [example("hello-world.test.yaml")]
    );
    // `stepcraft test DEFINITION` runs the test files beside it; a test file stands for itself.
    let found = stepcraft::testing::discover(&[
        example("hello-world.asl.json"),
        example("map-items.test.yaml"),
    ])
    .expect("discover");
    assert_eq!(
        found,
        [
            example("hello-world.test.yaml"),
            example("map-items.test.yaml")
        ]
    );
}

/// What the studio's Run mode does on Start (see the port notes of `stepcraft::run`): a test
/// case beside the definition gives the mocks and data; without one, callbacks wait for answers.
#[test]
fn a_scenario_from_the_test_file_beside_starts_as_the_studio_starts_it() {
    let definition = example("order-processing.asl.json");
    let cases: Vec<stepcraft::testing::TestCase> = beside(&definition)
        .existing_test_files()
        .iter()
        .filter_map(|p| stepcraft::testing::load(p).ok())
        .flat_map(|f| f.cases)
        .collect();
    let case = cases
        .iter()
        .find(|c| c.name == "order-processing wallet order is fulfilled")
        .expect("the case");
    let mut setup = setup_for(&definition);
    setup.validate = false;
    let mut prepared = setup.prepare().expect("prepares");
    prepared.tasks = match &case.mocks {
        Ok(mocks @ stepcraft::testing::Mocks::Config { .. }) => mocks.tasks(),
        Ok(stepcraft::testing::Mocks::None) => Tasks::Callbacks {
            hint: "Choose a test case under Task results to mock it.".into(),
        },
        Err(e) => panic!("{e}"),
    };
    prepared.config.objects = stepcraft::testing::store_for(
        case.objects.as_ref().expect("objects"),
        &stepcraft::testing::RunOptions::default(),
    )
    .map(|s| s as Arc<dyn ObjectStore>);
    let mut exec = prepared.start(Val::from(&case.input)).expect("starts");
    exec.set_breakpoints(["Charge Payment".to_owned()]);
    while exec.step().is_some() {}
    assert_eq!(
        exec.status(),
        &Status::Paused {
            state: "Charge Payment".into()
        }
    );
    let out = output(run_to_end(&mut exec));
    assert_eq!(out["orderId"], json!("order-42"));
    assert_eq!(out["chargeId"], json!("ch-1"));
}
