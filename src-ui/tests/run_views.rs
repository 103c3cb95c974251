//! The Run mode's execution views through egui_kittest: the state runs table with its timeline
//! (failed attempts red, backoff waits grey), a Map's rows as a tree, the filters, the selection
//! kept in step with the canvas both ways, the Map iteration viewer, the events filter and
//! tree, the history export.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use stepcraft::interp::Status;
use stepcraft::trace::RunStatus;
use stepcraft_studio::app::{Mode, StudioApp};
use stepcraft_studio::studio::file_picker::Picker;
use stepcraft_studio::studio::run_mode::views::{RowKind, SegmentKind};
use support::{TempDir, harness};

use crate::support;

/// A Task that fails twice, waits 2 s then 4 s, and succeeds on its third attempt.
const FLAKY: &str = r#"{
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Next": "Call Flaky"},
    "Call Flaky": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "flaky", "Payload.$": "$"},
      "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 3}],
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
}"#;

const FLAKY_TESTS: &str = r"definition: flaky.asl.json
cases:
  - name: fails twice then succeeds
    input: {}
    mocks:
      Call Flaky:
        - {Throw: {Error: Lambda.ServiceException, Cause: busy}}
        - {Throw: {Error: Lambda.ServiceException, Cause: busy}}
        - {Return: {Payload: {ok: true}}}
    expect:
      status: SUCCEEDED
";

/// A Map over three items, one at a time: the second iteration's Task fails, so the Map fails.
const FAN_OUT: &str = r#"{
  "StartAt": "Fan Out",
  "States": {
    "Fan Out": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "MaxConcurrency": 1,
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "work", "Payload.$": "$"},
            "Next": "Tidy"
          },
          "Tidy": {"Type": "Pass", "End": true}
        }
      },
      "Next": "Finish"
    },
    "Finish": {"Type": "Succeed"}
  }
}"#;

const FAN_OUT_TESTS: &str = r"definition: fan-out.asl.json
cases:
  - name: the second item fails
    input: {items: [1, 2, 3]}
    mocks:
      Work:
        - {Return: {Payload: {done: 1}}}
        - {Throw: {Error: Boom, Cause: the second item}}
        - {Return: {Payload: {done: 3}}}
    expect:
      status: FAILED
";

/// The studio in Run mode on a definition and its test file written to `dir`, the first test
/// case run at instant speed to its end.
fn run_case(
    dir: &TempDir,
    name: &str,
    definition: &str,
    tests: &str,
) -> Harness<'static, StudioApp> {
    dir.write(&format!("{name}.asl.json"), definition);
    dir.write(&format!("{name}.test.yaml"), tests);
    let app = StudioApp::from_path(&dir.path(&format!("{name}.asl.json")));
    run_loaded(app)
}

fn run_loaded(app: StudioApp) -> Harness<'static, StudioApp> {
    let mut harness = support::run_mode_on_its_case(app);
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    harness
}

fn row_names(harness: &Harness<'static, StudioApp>) -> Vec<String> {
    harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .map(|r| r.name.clone())
        .collect()
}

fn canvas_status(harness: &Harness<'static, StudioApp>, state: &str) -> Option<RunStatus> {
    harness
        .state()
        .canvas()
        .status_marks()
        .iter()
        .find(|(n, _)| n == state)
        .map(|(_, s)| *s)
}

fn click_row(harness: &mut Harness<'static, StudioApp>, name: &str) {
    harness
        .get_by_role_and_label(Role::Row, name)
        .click_accesskit();
    harness.run();
}

#[test]
fn the_table_lists_each_run_with_its_attempts_on_the_timeline() {
    let dir = TempDir::new("views-flaky");
    let harness = run_case(&dir, "flaky", FLAKY, FLAKY_TESTS);
    assert!(
        matches!(
            harness.state().run_mode().status(),
            Some(Status::Succeeded(_))
        ),
        "{:?}",
        harness.state().run_mode().status()
    );
    assert_eq!(row_names(&harness), ["Prepare", "Call Flaky", "Done"]);
    let rows = harness.state().run_mode().table_rows();
    assert!(rows.iter().all(|r| r.status == RunStatus::Succeeded));
    assert!(rows.iter().all(|r| r.depth == 0));
    let bars = harness.state().run_mode().timeline_bars();
    let flaky = &bars[1];
    assert_eq!(flaky.name, "Call Flaky");
    let kinds: Vec<SegmentKind> = flaky.pieces.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            SegmentKind::Run(RunStatus::Succeeded),
            SegmentKind::FailedAttempt,
            SegmentKind::Backoff,
            SegmentKind::FailedAttempt,
            SegmentKind::Backoff,
        ]
    );
    let p = &flaky.pieces;
    // The run spans the whole execution but for the instants of Prepare and Done; the first
    // attempt fails at once, then 2 s of backoff, the second fails, then 4 s.
    assert!(p[0].x < 1.0, "{p:?}");
    assert!((p[0].width - flaky.span_width).abs() < 4.0, "{p:?}");
    assert!(p[1].x < p[3].x, "the failed attempts in order: {p:?}");
    assert!((p[2].x - p[1].x).abs() < 1.0 && (p[4].x - p[3].x).abs() < 1.0);
    let third = flaky.span_width / 3.0;
    assert!((p[2].width - third).abs() < 2.0, "2 s of 6: {p:?}");
    assert!((p[4].width - 2.0 * third).abs() < 2.0, "4 s of 6: {p:?}");
    assert!((p[3].x - third).abs() < 2.0, "{p:?}");
    // Prepare is an instant at the start, Done one at the end.
    assert!(bars[0].pieces[0].x < 1.0);
    assert!(bars[2].pieces[0].x >= flaky.span_width - 5.0);
    // The status line counts the run against AWS's limit.
    let events = harness.state().run_mode().events().len();
    assert!(
        harness
            .query_by_label_contains(&format!(
                "3 state transitions · {events} of 25,000 history events"
            ))
            .is_some()
    );
    assert!(harness.query_by_label_contains("Elapsed 6.0 s").is_some());
}

#[test]
fn a_map_opens_into_its_iterations_and_their_runs() {
    let dir = TempDir::new("views-map-tree");
    let mut harness = run_case(&dir, "fan-out", FAN_OUT, FAN_OUT_TESTS);
    assert!(matches!(
        harness.state().run_mode().status(),
        Some(Status::Failed { .. })
    ));
    assert_eq!(row_names(&harness), ["Fan Out"]);
    harness
        .get_by_role_and_label(Role::Button, "Expand Fan Out")
        .click_accesskit();
    harness.run();
    assert_eq!(
        row_names(&harness),
        ["Fan Out", "Iteration 0", "Iteration 1"]
    );
    let rows = harness.state().run_mode().table_rows();
    assert_eq!(rows[0].status, RunStatus::Failed);
    assert_eq!(rows[1].status, RunStatus::Succeeded);
    assert_eq!(rows[2].status, RunStatus::Failed);
    assert_eq!(rows[1].depth, 1);
    harness
        .get_by_role_and_label(Role::Button, "Expand Iteration 1")
        .click_accesskit();
    harness.run();
    assert_eq!(
        row_names(&harness),
        ["Fan Out", "Iteration 0", "Iteration 1", "Work"]
    );
    let work = &harness.state().run_mode().table_rows()[3];
    assert_eq!((work.depth, work.status), (2, RunStatus::Failed));
    // Closing the Map hides everything under it.
    harness
        .get_by_role_and_label(Role::Button, "Collapse Fan Out")
        .click_accesskit();
    harness.run();
    assert_eq!(row_names(&harness), ["Fan Out"]);
    // A new run starts with its rows closed and no iteration picked.
    harness
        .get_by_role_and_label(Role::Button, "Expand Fan Out")
        .click_accesskit();
    harness.run();
    click_row(&mut harness, "Fan Out");
    for _ in 0..2 {
        harness
            .get_by_role_and_label(Role::Button, "Next ▶")
            .click_accesskit();
        harness.run();
    }
    assert_eq!(harness.state().run_mode().picked_iteration(0), Some(1));
    harness
        .get_by_role_and_label(Role::Button, "⟲ Restart")
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    assert_eq!(row_names(&harness), ["Fan Out"]);
    assert_eq!(harness.state().run_mode().picked_iteration(0), None);
}

#[test]
fn a_parallel_opens_into_its_branches() {
    let mut harness = harness(StudioApp::from_path(&support::repo(
        "assets/examples/order-processing.asl.json",
    )));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    let wallet = harness
        .state()
        .run_mode()
        .scenarios()
        .iter()
        .position(|s| s.name == "order-processing wallet order is fulfilled");
    harness.state_mut().run_mode_mut().choose(wallet);
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    for _ in 0..6 {
        harness.step();
    }
    harness.run();
    let names = row_names(&harness);
    assert!(names.contains(&"Fulfil Order".to_owned()), "{names:?}");
    assert!(!names.contains(&"Charge Payment".to_owned()), "{names:?}");
    harness
        .get_by_role_and_label(Role::Button, "Expand Fulfil Order")
        .click_accesskit();
    harness.run();
    let names = row_names(&harness);
    let at = names
        .iter()
        .position(|n| n == "Fulfil Order")
        .expect("the row");
    assert_eq!(names[at + 1..at + 3], ["Branch 1", "Branch 2"]);
    harness
        .get_by_role_and_label(Role::Button, "Expand Branch 2")
        .click_accesskit();
    harness.run();
    let rows = harness.state().run_mode().table_rows();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names[at + 1..at + 4],
        ["Branch 1", "Branch 2", "Charge Payment"]
    );
    assert_eq!(rows[at + 3].depth, 2);
    assert_eq!(rows[at + 2].status, RunStatus::Succeeded);
}

#[test]
fn the_filters_keep_matching_runs() {
    let dir = TempDir::new("views-filter");
    let mut harness = run_case(&dir, "fan-out", FAN_OUT, FAN_OUT_TESTS);
    // By name: flat, every matching run in order, wherever it ran.
    harness
        .get_by_role_and_label(Role::TextInput, "Filter by name")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Filter by name")
        .type_text("WOR");
    harness.run();
    assert_eq!(harness.state().run_mode().row_filter().name, "WOR");
    assert_eq!(row_names(&harness), ["Work", "Work"]);
    let statuses: Vec<RunStatus> = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [RunStatus::Succeeded, RunStatus::Failed]);
    harness
        .get_by_role_and_label(Role::Button, "Clear filters")
        .click_accesskit();
    harness.run();
    assert_eq!(row_names(&harness), ["Fan Out"]);
    // By status.
    harness.get_by_label("Filter by status").click();
    harness.run();
    harness.get_by_label("succeeded").click();
    harness.run();
    assert_eq!(row_names(&harness), ["Work", "Tidy"]);
}

#[test]
fn rows_and_the_canvas_select_each_other() {
    let dir = TempDir::new("views-select");
    let mut harness = run_case(&dir, "flaky", FLAKY, FLAKY_TESTS);
    // A row selects its state on the canvas and shows its run.
    click_row(&mut harness, "Call Flaky");
    assert_eq!(
        harness
            .state()
            .selection()
            .primary()
            .map(|s| s.name.as_str()),
        Some("Call Flaky")
    );
    harness.get_by_label("Call Flaky · Task");
    harness.get_by_label("3 attempts (retried)");
    assert_eq!(harness.state().run_mode().focused_run(), Some(1));
    let selected: Vec<&str> = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .filter(|r| r.selected)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(selected, ["Call Flaky"]);
    // A state clicked on the canvas selects its row.
    harness
        .get_by_role_and_label(Role::Button, "Prepare")
        .click_accesskit();
    harness.run();
    assert_eq!(harness.state().run_mode().focused_run(), Some(0));
    let selected: Vec<&str> = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .filter(|r| r.selected)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(selected, ["Prepare"]);
}

#[test]
fn a_state_clicked_inside_a_map_opens_its_latest_row() {
    let dir = TempDir::new("views-select-map");
    let mut harness = run_case(&dir, "fan-out", FAN_OUT, FAN_OUT_TESTS);
    assert_eq!(row_names(&harness), ["Fan Out"]);
    harness
        .get_by_role_and_label(Role::Button, "Work")
        .click_accesskit();
    harness.run();
    harness.run();
    // The latest run of Work is the second iteration's: its Map and iteration are opened.
    assert_eq!(
        row_names(&harness),
        ["Fan Out", "Iteration 0", "Iteration 1", "Work"]
    );
    let rows = harness.state().run_mode().table_rows();
    assert!(rows[3].selected);
    assert_eq!(rows[3].status, RunStatus::Failed);
    // Inside that iteration, the canvas shows that iteration's statuses.
    assert_eq!(canvas_status(&harness, "Work"), Some(RunStatus::Failed));
    assert_eq!(canvas_status(&harness, "Tidy"), None);
}

#[test]
fn the_iteration_picker_shows_one_iteration_inside_the_map() {
    let dir = TempDir::new("views-iterations");
    let mut harness = run_case(&dir, "fan-out", FAN_OUT, FAN_OUT_TESTS);
    // All iterations together: Work failed in one, Tidy ran in another.
    assert_eq!(canvas_status(&harness, "Work"), Some(RunStatus::Failed));
    assert_eq!(canvas_status(&harness, "Tidy"), Some(RunStatus::Succeeded));
    // Counts on the Map node.
    let overlay = harness.state_mut().run_mode_mut().overlay();
    assert_eq!(overlay.map_counts.get("Fan Out"), Some(&(1, 1, 0)));
    click_row(&mut harness, "Fan Out");
    harness.get_by_label("Iterations of Fan Out");
    harness.get_by_label("The graph shows every iteration of Fan Out together");
    harness
        .get_by_role_and_label(Role::Button, "Next ▶")
        .click_accesskit();
    harness.run();
    assert_eq!(harness.state().run_mode().picked_iteration(0), Some(0));
    harness.get_by_label("The graph shows iteration 0 inside Fan Out: succeeded");
    assert_eq!(canvas_status(&harness, "Work"), Some(RunStatus::Succeeded));
    assert_eq!(canvas_status(&harness, "Tidy"), Some(RunStatus::Succeeded));
    assert_eq!(canvas_status(&harness, "Fan Out"), Some(RunStatus::Failed));
    // The failed iteration, from the list of failed ones.
    harness
        .get_by_role_and_label(Role::Button, "Iteration 1")
        .click_accesskit();
    harness.run();
    assert_eq!(harness.state().run_mode().picked_iteration(0), Some(1));
    assert_eq!(canvas_status(&harness, "Work"), Some(RunStatus::Failed));
    assert_eq!(
        canvas_status(&harness, "Tidy"),
        None,
        "not run in iteration 1"
    );
    // The iteration's row is shown in the table.
    assert!(
        harness
            .state()
            .run_mode()
            .expanded_rows()
            .contains(&RowKind::Run(0))
    );
    harness
        .get_by_role_and_label(Role::Button, "All iterations")
        .click_accesskit();
    harness.run();
    assert_eq!(canvas_status(&harness, "Tidy"), Some(RunStatus::Succeeded));
}

#[test]
fn the_events_are_filtered_by_type_and_state_and_shown_as_trees() {
    let dir = TempDir::new("views-events");
    let mut harness = run_case(&dir, "flaky", FLAKY, FLAKY_TESTS);
    harness.get_by_label("Events").click();
    harness.run();
    // Only the rows in view are drawn: consecutive events.
    let all = harness.state().run_mode().events().len();
    let ids: Vec<u64> = harness
        .state()
        .run_mode()
        .drawn_events()
        .iter()
        .map(|e| e.id)
        .collect();
    assert!(!ids.is_empty() && ids.len() <= all, "{ids:?}");
    assert!(ids.windows(2).all(|w| w[1] == w[0] + 1), "{ids:?}");
    harness.get_by_label("Filter by event type").click();
    harness.run();
    harness.get_by_label("TaskFailed").click();
    harness.run();
    let drawn = harness.state().run_mode().drawn_events();
    assert_eq!(drawn.len(), 2, "{drawn:?}");
    assert!(
        drawn
            .iter()
            .all(|e| e.type_name == "TaskFailed" && e.state == "Call Flaky")
    );
    harness
        .get_by_role_and_label(Role::Button, "Clear filters")
        .click_accesskit();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Filter by state")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::TextInput, "Filter by state")
        .type_text("prep");
    harness.run();
    let types: Vec<String> = harness
        .state()
        .run_mode()
        .drawn_events()
        .iter()
        .map(|e| e.type_name.clone())
        .collect();
    assert_eq!(types, ["PassStateEntered", "PassStateExited"]);
    // An event's details: a tree, its input's JSON text parsed.
    harness.get_by_label_contains("PassStateEntered").click();
    harness.run();
    harness.get_by_label_contains("Event 2 · PassStateEntered");
    assert!(
        harness
            .query_by_label_contains("input: {0 keys} (JSON text)")
            .is_some()
    );
}

#[test]
fn the_history_is_exported_as_aws_json() {
    let dir = TempDir::new("views-export");
    dir.write("flaky.asl.json", FLAKY);
    dir.write("flaky.test.yaml", FLAKY_TESTS);
    let target = dir.path("out/flaky.history.json");
    std::fs::create_dir_all(dir.path("out")).expect("a folder");
    let chosen = target.clone();
    let app = StudioApp::from_path(&dir.path("flaky.asl.json")).with_picker(Some(Picker::new(
        move |request| {
            assert_eq!(request.file_name.as_deref(), Some("flaky.history.json"));
            Some(chosen.clone())
        },
    )));
    let mut harness = run_loaded(app);
    harness
        .get_by_role_and_label(Role::Button, "Export run history…")
        .click_accesskit();
    for _ in 0..300 {
        harness.step();
        if target.is_file() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let text = std::fs::read_to_string(&target).expect("the history is written");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let events = stepcraft::replay::read_history(&value).expect("a history AWS's shape");
    assert_eq!(events, harness.state().run_mode().events().to_vec());
}

#[test]
fn a_long_run_draws_only_the_rows_in_view() {
    // 20,001 state runs, as an Express run of a loop records them.
    let dir = TempDir::new("views-long");
    let definition = dir.write(
        "loop.asl.json",
        r#"{
  "StartAt": "Count",
  "States": {
    "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "More?"},
    "More?": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericLessThan": 10000, "Next": "Count"}], "Default": "Done"},
    "Done": {"Type": "Succeed"}
  }
}"#,
    );
    let history = dir.at("loop.history.json");
    let out = support::stepcraft(&[
        "run",
        &definition,
        "--type",
        "express",
        "--input",
        r#"{"n": 0}"#,
        "--history",
        &history,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", support::stderr(&out));
    let mut harness = harness(StudioApp::from_path(&dir.path("loop.asl.json")));
    harness.state_mut().set_mode(Mode::Run);
    harness.state_mut().run_mode_mut().set_speed(0.0);
    harness
        .state_mut()
        .run_mode_mut()
        .replay_file(std::path::Path::new(&history));
    for _ in 0..6 {
        harness.step();
    }
    assert_eq!(harness.state().run_mode().trace().runs().len(), 20_001);
    let rows = harness.state().run_mode().table_rows();
    assert!(
        !rows.is_empty() && rows.len() < 40,
        "{} rows drawn",
        rows.len()
    );
    // The table sticks to the end of the run: its last row is drawn.
    assert_eq!(rows.last().map(|r| r.name.as_str()), Some("Done"));
    assert!(
        harness
            .query_by_label_contains("20,001 state transitions")
            .is_some()
    );
    // A state clicked on the canvas scrolls its latest run into view.
    harness
        .get_by_role_and_label(Role::Button, "Count")
        .click_accesskit();
    // The table scrolls there (the scroll animates over a few frames).
    harness.run_steps(12);
    let selected: Vec<RowKind> = harness
        .state()
        .run_mode()
        .table_rows()
        .iter()
        .filter(|r| r.selected)
        .map(|r| r.kind)
        .collect();
    assert_eq!(selected, [RowKind::Run(19_998)]);
}

/// Plays order-processing's wallet case at one event a frame, with Follow on or off; whether
/// Build Confirmation (below the first view) was on the canvas while it ran.
fn followed_into_view(follow: bool) -> bool {
    use stepcraft_studio::studio::theme;
    let mut harness = harness(StudioApp::from_path(&support::repo(
        "assets/examples/order-processing.asl.json",
    )));
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    let wallet = harness
        .state()
        .run_mode()
        .scenarios()
        .iter()
        .position(|s| s.name == "order-processing wallet order is fulfilled");
    harness.state_mut().run_mode_mut().choose(wallet);
    // The harness's frames are a quarter second apart: one event a frame.
    harness.state_mut().run_mode_mut().set_speed(4.0);
    harness.run();
    if !follow {
        harness
            .get_by_role_and_label(Role::CheckBox, "Follow")
            .click_accesskit();
        harness.run();
    }
    assert_eq!(harness.state().run_mode().follows(), follow);
    harness
        .get_by_role_and_label(Role::Button, "▶ Start")
        .click_accesskit();
    let mut seen = false;
    for _ in 0..120 {
        harness.step();
        let app = harness.state();
        let running = app
            .run_mode()
            .trace()
            .runs()
            .iter()
            .any(|r| &*r.name == "Build Confirmation" && r.status == RunStatus::Running);
        let (Some(left), Some(right), Some(bottom)) = (
            app.panel_rect(&theme::RUN_CONTROLS_PANEL),
            app.panel_rect(&theme::RUN_DETAILS_PANEL),
            app.panel_rect(&theme::RUN_LISTS_PANEL),
        ) else {
            continue;
        };
        let canvas = egui::Rect::from_min_max(
            egui::pos2(left.max.x, 0.0),
            egui::pos2(right.min.x, bottom.min.y),
        );
        if running
            && app
                .canvas()
                .node_rects()
                .iter()
                .any(|(n, r)| n == "Build Confirmation" && canvas.contains_rect(*r))
        {
            seen = true;
        }
        if !app.run_mode().is_playing() && app.run_mode().trace().is_ended() {
            break;
        }
    }
    assert!(harness.state().run_mode().trace().is_ended());
    seen
}

#[test]
fn follow_keeps_the_running_state_in_view() {
    assert!(!followed_into_view(false), "below the first view");
    assert!(followed_into_view(true));
}

/// A Map of Maps: boxes of items, one item's check caught inside the first box.
const BOXES: &str = r#"{
  "StartAt": "Per Box",
  "States": {
    "Per Box": {
      "Type": "Map",
      "ItemsPath": "$.boxes",
      "MaxConcurrency": 1,
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Per Item",
        "States": {
          "Per Item": {
            "Type": "Map",
            "ItemsPath": "$",
            "MaxConcurrency": 1,
            "ItemProcessor": {
              "ProcessorConfig": {"Mode": "INLINE"},
              "StartAt": "Check",
              "States": {
                "Check": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::lambda:invoke",
                  "Parameters": {"FunctionName": "check", "Payload.$": "$"},
                  "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Flag"}],
                  "End": true
                },
                "Flag": {"Type": "Pass", "End": true}
              }
            },
            "End": true
          }
        }
      },
      "End": true
    }
  }
}"#;

const BOXES_TESTS: &str = r"definition: boxes.asl.json
cases:
  - name: one item of the first box is flagged
    input: {boxes: [[a, b], [c]]}
    mocks:
      Check:
        - {Return: {Payload: {ok: a}}}
        - {Throw: {Error: Bad, Cause: b is bad}}
        - {Return: {Payload: {ok: c}}}
    expect:
      status: SUCCEEDED
";

/// Clicks the `n`th button with this label (the outer Map's picker comes before a nested one's).
fn click_nth(harness: &mut Harness<'static, StudioApp>, label: &str, n: usize) {
    harness
        .query_all_by_role_and_label(Role::Button, label)
        .nth(n)
        .unwrap_or_else(|| panic!("button {n} labelled {label}"))
        .click_accesskit();
    harness.run();
}

#[test]
fn a_nested_map_gets_an_iteration_picker_of_its_own() {
    let dir = TempDir::new("views-nested");
    let mut harness = run_case(&dir, "boxes", BOXES, BOXES_TESTS);
    assert!(matches!(
        harness.state().run_mode().status(),
        Some(Status::Succeeded(_))
    ));
    // Every iteration together: the flag from the first box shows.
    assert_eq!(canvas_status(&harness, "Flag"), Some(RunStatus::Succeeded));
    click_row(&mut harness, "Per Box");
    click_nth(&mut harness, "Next ▶", 0);
    harness.get_by_label("The graph shows iteration 0 inside Per Box: succeeded");
    // The first box's inner Map, one item at a time.
    harness.get_by_label("Iterations of Per Item");
    click_nth(&mut harness, "Next ▶", 1);
    harness.get_by_label("The graph shows iteration 0 inside Per Item: succeeded");
    assert_eq!(canvas_status(&harness, "Check"), Some(RunStatus::Succeeded));
    assert_eq!(canvas_status(&harness, "Flag"), None);
    click_nth(&mut harness, "Next ▶", 1);
    assert_eq!(canvas_status(&harness, "Check"), Some(RunStatus::Caught));
    assert_eq!(canvas_status(&harness, "Flag"), Some(RunStatus::Succeeded));
    // The second box: its one item was checked, nothing flagged.
    click_nth(&mut harness, "Next ▶", 0);
    harness.get_by_label("The graph shows iteration 1 inside Per Box: succeeded");
    assert_eq!(canvas_status(&harness, "Check"), Some(RunStatus::Succeeded));
    assert_eq!(canvas_status(&harness, "Flag"), None);
}

#[test]
fn the_history_is_exported_through_the_in_app_dialog() {
    let dir = TempDir::new("views-export-dialog");
    dir.write("flaky.asl.json", FLAKY);
    dir.write("flaky.test.yaml", FLAKY_TESTS);
    let app = StudioApp::from_path(&dir.path("flaky.asl.json")).with_picker(None);
    let mut harness = run_loaded(app);
    harness
        .get_by_role_and_label(Role::Button, "Export run history…")
        .click_accesskit();
    harness.run();
    harness.get_by_label("Export the run's history");
    let field = "Path of the file (GetExecutionHistory JSON):";
    // The suggestion: beside the definition.
    let suggested = dir.path("flaky.history.json");
    let value = harness
        .get_by_role_and_label(Role::TextInput, field)
        .value()
        .unwrap_or_default();
    assert_eq!(value, support::s(&suggested));
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click_accesskit();
    harness.run();
    let text = std::fs::read_to_string(&suggested).expect("the history is written");
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let events = stepcraft::replay::read_history(&value).expect("AWS's shape");
    assert_eq!(events, harness.state().run_mode().events().to_vec());
    assert!(
        harness
            .query_by_label_contains("Exported the run's history to")
            .is_some()
    );
}

/// A direct Lambda function ARN as a Task's resource, after a service integration.
const TWO_RESOURCES: &str = r#"{
  "StartAt": "Call Flaky",
  "States": {
    "Call Flaky": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "flaky", "Payload.$": "$"},
      "Next": "Pay"
    },
    "Pay": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrderPayments",
      "End": true
    }
  }
}"#;

const TWO_RESOURCES_TESTS: &str = r"definition: resources.asl.json
cases:
  - name: both answer
    input: {}
    mocks:
      Call Flaky:
        - {Return: {Payload: {ok: true}}}
      Pay:
        - {Return: {paid: true}}
    expect:
      status: SUCCEEDED
";

#[test]
fn the_resource_column_shows_the_arn_shortened_with_the_whole_on_hover() {
    let dir = TempDir::new("views-resources");
    let mut harness = run_case(&dir, "resources", TWO_RESOURCES, TWO_RESOURCES_TESTS);
    let rows = harness.state().run_mode().table_rows().to_vec();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.name == name)
            .cloned()
            .unwrap_or_else(|| panic!("no row {name}: {rows:?}"))
    };
    let invoke = row("Call Flaky");
    assert_eq!(invoke.resource, "arn:aws:states:::lambda:invoke");
    assert_eq!(invoke.resource_shown, "arn:aws:states:::lambda:invoke");
    let pay = row("Pay");
    assert_eq!(
        pay.resource,
        "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrderPayments"
    );
    assert_eq!(pay.resource_shown, "…:function:ProcessOrderPayments");
    // Hovering the cell shows the whole ARN.
    let whole = "arn:aws:lambda:us-east-1:123456789012:function:ProcessOrderPayments";
    assert!(harness.query_by_label(whole).is_none());
    harness
        .input_mut()
        .events
        .push(egui::Event::PointerMoved(pay.resource_at));
    for _ in 0..3 {
        harness.step();
    }
    harness.run();
    harness.get_by_label(whole);
}
