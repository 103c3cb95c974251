//! The Run mode's controller driven without egui: scenarios, play and pace, breakpoints (of a
//! run and of a replay), stop, callbacks answered by hand, a definition with errors refused.

use super::controller::{CallbackAnswer, NextFrame, RunController};
use crate::app::BUNDLED_EXAMPLE;
use crate::studio::session::Session;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;
use stepcraft::interp::Status;
use stepcraft::trace::RunStatus;
use stepcraft::{Document, Format};

const WALLET: &str = "order-processing wallet order is fulfilled";

fn session(name: &str, text: &str) -> Session {
    let doc = Document::parse(text, Format::Json).expect("the definition parses");
    Session::new(doc, name, None)
}

fn bundled() -> Session {
    session(BUNDLED_EXAMPLE.0, BUNDLED_EXAMPLE.1)
}

/// A controller on the bundled example with the wallet test case chosen; its input.
fn wallet(session: &Session) -> (RunController, Value) {
    let mut run = RunController::new();
    run.load_scenarios(session);
    let index = run
        .scenarios()
        .iter()
        .position(|s| s.name == WALLET)
        .expect("the bundled example has the wallet test case");
    let input = run.choose(Some(index)).cloned().expect("its input");
    (run, input)
}

/// Steps until the run can go no further; how many steps it took.
fn step_to_the_end(run: &mut RunController) -> usize {
    let mut steps = 0;
    while run.can_go_on() && steps < 10_000 {
        run.step();
        steps += 1;
    }
    steps
}

#[test]
fn a_test_case_runs_to_success_event_by_event() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.start(&session, input);
    assert_eq!(run.message(), None);
    assert!(run.is_playing(), "a new run plays");
    run.step();
    assert!(!run.is_playing(), "a step pauses");
    let before = run.events().len();
    run.step();
    assert_eq!(run.events().len(), before + 1, "a step takes one event");
    let steps = step_to_the_end(&mut run);
    assert!(steps > 10, "{steps}");
    assert!(matches!(run.status(), Some(Status::Succeeded(_))));
    let statuses = run.statuses();
    assert_eq!(statuses.get("Charge Payment"), Some(&RunStatus::Succeeded));
    assert_eq!(statuses.get("Order Rejected"), None, "not on this path");
    assert_eq!(
        run.overlay().statuses.get("Charge Payment"),
        Some(&RunStatus::Succeeded)
    );
    assert_eq!(run.started_from(), session.generation());
}

#[test]
fn the_speed_paces_the_events_per_frame() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.set_speed(10.0);
    run.start(&session, input.clone());
    // The first frame shows the first event at once.
    assert!(matches!(run.tick(0.0), Some(NextFrame::After(_))));
    assert_eq!(run.events().len(), 1);
    // That first event was taken ahead of time: a tenth of a second at 10 events/s makes up
    // for it, the next tenth takes one more event.
    run.tick(0.1);
    assert_eq!(run.events().len(), 1);
    run.tick(0.2);
    assert_eq!(run.events().len(), 2);
    // A frame long after plays at most a quarter of a second's worth, not a burst.
    run.tick(100.0);
    assert_eq!(run.events().len(), 2 + 2);
    // Paused, ticking takes nothing and asks for no frame.
    run.pause();
    let before = run.events().len();
    assert_eq!(run.tick(101.0), None);
    assert_eq!(run.events().len(), before);
    // Instant speed plays to the end in one frame and wants the next at once.
    run.set_speed(0.0);
    run.start(&session, input);
    assert_eq!(run.tick(0.0), Some(NextFrame::Now));
    assert!(matches!(run.status(), Some(Status::Succeeded(_))));
    // At one event a second, the next frame is wanted within a second.
    run.set_speed(1.0);
    run.resume();
    if let Some(NextFrame::After(wait)) = run.tick(0.0) {
        assert!(wait <= Duration::from_secs(1));
    }
}

#[test]
fn a_breakpoint_pauses_before_its_state_and_resume_finishes() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.set_speed(0.0);
    run.toggle_breakpoint("Route Order");
    run.start(&session, input);
    run.tick(0.0);
    assert_eq!(run.paused_at(), Some("Route Order"));
    assert_eq!(run.overlay().paused_at.as_deref(), Some("Route Order"));
    assert_eq!(
        run.trace().status_of("Validate Order"),
        Some(RunStatus::Succeeded)
    );
    assert_eq!(run.trace().status_of("Route Order"), None, "not entered");
    assert!(!run.is_playing());
    run.resume();
    run.tick(1.0);
    assert!(matches!(run.status(), Some(Status::Succeeded(_))));
    // Toggling again clears it.
    run.toggle_breakpoint("Route Order");
    assert!(run.breakpoints().is_empty());
}

#[test]
fn at_a_slow_speed_a_breakpoint_holds_and_a_wait_for_an_answer_stops_playing() {
    // One event a frame: the frame that meets the breakpoint (or the wait) takes none.
    let example = bundled();
    let (mut run, input) = wallet(&example);
    run.set_speed(10.0);
    run.toggle_breakpoint("Route Order");
    run.start(&example, input);
    for frame in 0..300 {
        run.tick(f64::from(frame) * 0.1);
    }
    assert_eq!(run.paused_at(), Some("Route Order"));
    assert_eq!(run.trace().status_of("Route Order"), None, "not entered");
    assert!(!run.is_playing());
    assert_eq!(run.tick(31.0), None, "no frame wanted while paused");

    let text = include_str!("../../../../assets/examples/callback-approval.asl.json");
    let approval = session("callback-approval.asl.json", text);
    let mut run = RunController::new();
    run.set_speed(10.0);
    let input =
        json!({"requestId": "r-1", "requester": "ana", "amount": 250, "description": "laptop"});
    run.start(&approval, input);
    for frame in 0..300 {
        run.tick(f64::from(frame) * 0.1);
    }
    assert_eq!(run.status(), Some(&Status::WaitingForCallback));
    assert!(!run.is_playing(), "waiting for an answer is not playing");
    assert_eq!(run.tick(31.0), None);

    // A step begun while a run waited does not pause the next run after its first event.
    run.step();
    run.start(
        &approval,
        json!({"requestId": "r-2", "requester": "bo", "amount": 5, "description": "pen"}),
    );
    for frame in 0..5 {
        run.tick(40.0 + f64::from(frame) * 0.1);
    }
    assert!(run.is_playing(), "the new run plays on");
    assert!(run.events().len() > 1);
}

#[test]
fn stop_aborts_the_run_and_nothing_stays_running() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.start(&session, input);
    run.step();
    run.step();
    run.stop();
    assert_eq!(run.status(), Some(&Status::Aborted));
    assert!(!run.can_go_on());
    assert!(
        run.trace()
            .runs()
            .iter()
            .all(|r| r.status != RunStatus::Running)
    );
}

#[test]
fn a_callback_is_answered_by_hand() {
    let text = include_str!("../../../../assets/examples/callback-approval.asl.json");
    let session = session("callback-approval.asl.json", text);
    let mut run = RunController::new();
    run.set_speed(0.0);
    let input =
        json!({"requestId": "r-1", "requester": "ana", "amount": 250, "description": "laptop"});
    run.start(&session, input);
    run.tick(0.0);
    assert_eq!(run.status(), Some(&Status::WaitingForCallback));
    let token = {
        let pending = run.execution().expect("started").pending_callbacks();
        assert_eq!(pending.len(), 1, "{pending:?}");
        pending[0].token.to_string()
    };
    // A wrong token is refused, and says so.
    run.answer("no such token", CallbackAnswer::Success(json!({})));
    assert!(run.message().is_some_and(|m| m.contains("refused")));
    run.answer(&token, CallbackAnswer::Success(json!({"approved": true})));
    assert_eq!(run.message(), None);
    assert!(run.is_playing(), "an answer plays on");
    run.tick(1.0);
    assert!(
        matches!(run.status(), Some(Status::Succeeded(_))),
        "{:?}",
        run.status()
    );
    assert_eq!(
        run.trace().status_of("Request Approved"),
        Some(RunStatus::Succeeded)
    );
}

#[test]
fn a_definition_with_errors_is_refused() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}"#;
    let session = session("bad.asl.json", text);
    let mut run = RunController::new();
    run.start(&session, json!({}));
    assert!(run.status().is_none());
    assert!(
        run.message()
            .is_some_and(|m| m.contains("The definition has 1 error")),
        "{:?}",
        run.message()
    );
}

#[test]
fn a_replay_plays_the_recorded_events_and_stops_at_breakpoints() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.set_speed(0.0);
    run.start(&session, input);
    run.tick(0.0);
    let recorded = run.events().to_vec();
    let started = run.runs_started();

    let mut replay = RunController::new();
    replay.set_speed(0.0);
    replay.toggle_breakpoint("Route Order");
    replay.replay_events("wallet.json".into(), recorded.clone());
    assert!(replay.is_replay());
    assert!(replay.runs_started() > 0);
    replay.tick(0.0);
    assert_eq!(replay.paused_at(), Some("Route Order"));
    let shown = replay.events().len();
    assert!(shown < recorded.len());
    // A step takes the held event and moves on.
    replay.step();
    assert_eq!(replay.events().len(), shown + 1);
    assert_eq!(replay.paused_at(), None);
    replay.resume();
    replay.tick(1.0);
    assert_eq!(replay.events().len(), recorded.len());
    assert!(!replay.can_go_on());
    // Stop only pauses a replay: it has no execution to abort.
    replay.stop();
    assert!(replay.status().is_none());
    // The history matches this definition's states.
    replay.check_replay_against(session.machine());
    assert_eq!(replay.message(), None);

    // Another definition's history is flagged.
    let other = session_with_one_state();
    replay.check_replay_against(other.machine());
    assert!(
        replay
            .message()
            .is_some_and(|m| m.contains("that this definition does not have"))
    );
    // A new run on the first controller counts as another run.
    run.replay_events("again".into(), Vec::new());
    assert!(run.runs_started() > started);
}

#[test]
fn a_history_file_that_cannot_be_read_says_why() {
    let mut run = RunController::new();
    run.replay_file(Path::new("/no/such/history.json"));
    assert!(!run.is_replay());
    assert!(
        run.message()
            .is_some_and(|m| m.contains("/no/such/history.json: cannot read")),
        "{:?}",
        run.message()
    );
}

#[test]
fn reset_forgets_the_run_but_keeps_the_speed() {
    let session = bundled();
    let (mut run, input) = wallet(&session);
    run.set_speed(3.0);
    run.toggle_breakpoint("Route Order");
    run.start(&session, input);
    let started = run.runs_started();
    run.reset();
    assert!(run.status().is_none());
    assert!(run.breakpoints().is_empty());
    assert!(run.scenarios().is_empty());
    assert!((run.speed() - 3.0).abs() < f32::EPSILON);
    assert!(run.runs_started() > started, "what was shown is stale");
}

fn session_with_one_state() -> Session {
    session(
        "one.asl.json",
        r#"{"StartAt": "Only", "States": {"Only": {"Type": "Succeed"}}}"#,
    )
}

#[test]
fn a_test_case_with_local_backends_asks_first_naming_the_template_functions() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../assets/examples/sam-local/order.asl.json");
    let text = std::fs::read_to_string(&path).expect("the example");
    let doc = Document::parse(&text, Format::Json).expect("parses");
    // No file is written while the question waits.
    let session = Session::new(doc, "order.asl.json", Some(path));
    let mut run = RunController::new();
    run.load_scenarios(&session);
    assert!(!run.scenarios().is_empty(), "the example's test cases");
    let input = run.choose(Some(0)).cloned().expect("its input");
    run.start(&session, input);
    assert!(run.status().is_none(), "nothing ran");
    let ask = run.asking().expect("the question");
    let handlers: Vec<&str> = ask
        .runs
        .iter()
        .filter_map(|r| r.split(": handler ").nth(1))
        .filter_map(|r| r.split(' ').next())
        .collect();
    assert_eq!(
        handlers,
        ["validate.handler", "price.handler"],
        "{:?}",
        ask.runs
    );
}

/// A distributed Map whose child executions loop for a long while: they write no event to the
/// parent's history, so a run at instant speed could hold the window for the whole of them.
/// A frame runs a bounded share of the work, and Stop ends the run between frames.
#[test]
fn work_without_events_leaves_each_frame_and_stop_in_control() {
    let items: Vec<Value> = (0..2_000).map(|i| json!({"n": i})).collect();
    let definition = json!({
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 0,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Count",
                    "States": {
                        "Count": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "ResultPath": "$", "Next": "More"},
                        "More": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericLessThan": 400, "Next": "Count"}], "Default": "Done"},
                        "Done": {"Type": "Succeed"}
                    }
                },
                "ItemSelector": {"i": 0},
                "End": true
            }
        }
    });
    let session = session("busy.asl.json", &definition.to_string());
    let mut run = RunController::new();
    run.load_scenarios(&session);
    run.set_speed(0.0);
    run.start(&session, json!({ "items": items }));
    assert_eq!(run.message(), None);
    // 2,000 children of 800 states each: far more than one frame's share.
    run.tick(0.0);
    run.tick(1.0 / 60.0);
    assert!(
        matches!(run.status(), Some(Status::Running)),
        "{:?}",
        run.status()
    );
    assert!(run.is_playing(), "the run goes on in the next frames");
    run.stop();
    assert_eq!(run.status(), Some(&Status::Aborted));
    assert!(!run.can_go_on());
}

#[test]
fn a_task_the_test_case_does_not_mock_waits_for_its_answer() {
    let dir = std::env::temp_dir().join(format!("stepcraft-partial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a folder");
    let definition = r#"{"StartAt": "Mocked", "States": {
        "Mocked": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "a"}, "OutputPath": "$.Payload", "Next": "Asked"},
        "Asked": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "b", "Payload.$": "$"}, "ResultSelector": {"got.$": "$.Payload"},
            "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Unanswered"}], "End": true},
        "Unanswered": {"Type": "Pass", "End": true}}}"#;
    let path = dir.join("partial.asl.json");
    std::fs::write(&path, definition).expect("written");
    std::fs::write(
        dir.join("partial.test.yaml"),
        "definition: partial.asl.json\ncases:\n  - name: only the first is mocked\n    input: {}\n    mocks:\n      Mocked: {Return: {Payload: {n: 1}}}\n    expect: {status: SUCCEEDED}\n",
    )
    .expect("written");
    let doc = Document::parse(definition, Format::Json).expect("parses");
    let session = Session::new(doc, "partial.asl.json", Some(path));
    let mut run = RunController::new();
    run.set_speed(0.0);
    run.load_scenarios(&session);
    let input = run.choose(Some(0)).cloned().expect("the case's input");
    run.start(&session, input);
    run.tick(0.0);
    assert_eq!(run.message(), None);
    assert_eq!(run.status(), Some(&Status::WaitingForCallback));
    assert_eq!(run.trace().status_of("Mocked"), Some(RunStatus::Succeeded));
    let pending = run.execution().expect("started").pending_callbacks();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(&*pending[0].state, "Asked");
    let token = pending[0].token.to_string();
    run.answer(
        &token,
        CallbackAnswer::Success(json!({"Payload": {"m": 2}})),
    );
    run.tick(1.0);
    match run.status() {
        Some(Status::Succeeded(out)) => assert_eq!(out.to_value(), json!({"got": {"m": 2}})),
        other => panic!("{other:?}"),
    }
    // Coverage runs with nobody to answer: the task fails as `stepcraft test` fails it, and
    // its Catch is taken.
    run.run_coverage(&session);
    let coverage = &run.coverage().expect("the coverage").coverage;
    let unanswered = coverage
        .item(
            stepcraft::coverage::ItemKind::State,
            &stepcraft::Pointer::root().key("States").key("Unanswered"),
        )
        .expect("the state's item");
    assert!(unanswered.covered(), "{unanswered:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
