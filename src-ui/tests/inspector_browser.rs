//! The states browser and the inspector, headless through egui_kittest's accessibility queries.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::Value;
use stepcraft::catalog::Catalog;
use stepcraft::edit::{Edit, RuleList, StateRef};
use stepcraft::model::StateMachine;
use stepcraft::{Diagnostic, Document, Format, validate};
use stepcraft_studio::studio::action::{Action, Actions};
use stepcraft_studio::studio::browser::StatesBrowser;
use stepcraft_studio::studio::inspector::Inspector;
use stepcraft_studio::studio::state::{DragPayload, PanelCtx, Selection};

/// Labels of the browser's entries are "title — description".
const SEP: &str = " — ";

struct BrowserState {
    browser: StatesBrowser,
    dragged: Option<DragPayload>,
    actions: Actions,
}

fn browser_harness() -> Harness<'static, BrowserState> {
    let state = BrowserState {
        browser: StatesBrowser::new(Catalog::bundled()),
        dragged: None,
        actions: Actions::new(),
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(360.0, 2400.0))
        .build_ui_state(
            |ui, s: &mut BrowserState| {
                if let Some(d) = s.browser.ui(ui, &mut s.actions) {
                    s.dragged = Some(d);
                }
            },
            state,
        );
    harness.run();
    harness
}

fn entry_labels(harness: &Harness<'_, BrowserState>) -> Vec<String> {
    harness
        .query_all_by_label_contains(SEP)
        .filter_map(|n| n.accesskit_node().label())
        .collect()
}

#[test]
fn browser_search_filters_every_tab() {
    let mut harness = browser_harness();
    assert!(
        harness
            .query_by_label_contains("AWS Lambda Invoke")
            .is_some()
    );

    let search = harness.get_by_role(Role::TextInput);
    search.focus();
    harness.run();
    harness.get_by_role(Role::TextInput).type_text("sqs");
    harness.run();

    let labels = entry_labels(&harness);
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Amazon SQS SendMessage")),
        "{labels:?}"
    );
    assert!(
        harness
            .query_by_label_contains("AWS Lambda Invoke")
            .is_none()
    );
    assert!(harness.query_by_label_contains("DynamoDB").is_none());
    // Matches come from every tab: the SQS callback pattern too.
    assert!(
        labels
            .iter()
            .any(|l| l.starts_with("Hand off to a queue worker")),
        "{labels:?}"
    );
    assert!(labels.len() <= 3, "{labels:?}");
}

#[test]
fn browser_flow_tab_lists_the_seven_flow_states() {
    let mut harness = browser_harness();
    harness.get_by_label("Flow").click();
    harness.run();
    let labels = entry_labels(&harness);
    for name in [
        "Choice", "Parallel", "Map", "Pass", "Wait", "Succeed", "Fail",
    ] {
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with(&format!("{name}{SEP}"))),
            "{name} in {labels:?}"
        );
    }
    assert_eq!(labels.len(), 7, "{labels:?}");
}

#[test]
fn browser_entries_are_dragged_with_their_state() {
    let mut harness = browser_harness();
    harness.get_by_label("Flow").click();
    harness.run();
    let rect = harness.get_by_label_contains(&format!("Wait{SEP}")).rect();
    harness.drag_at(rect.center());
    harness.run();
    harness.hover_at(rect.center() + egui::vec2(40.0, 60.0));
    harness.run();
    match &harness.state().dragged {
        Some(DragPayload::State { name, state }) => {
            assert_eq!(name, "Wait");
            assert_eq!(state["Type"], "Wait");
            assert_eq!(state["Seconds"], 5);
        }
        other => panic!("expected the Wait state to be dragged, got {other:?}"),
    }
}

struct InspectorState {
    inspector: Inspector,
    value: Value,
    machine: StateMachine,
    diagnostics: Vec<Diagnostic>,
    selection: Selection,
    /// What the inspector queued, every frame's in order.
    actions: Actions,
}

impl InspectorState {
    /// The edits queued so far, in order.
    fn edits(&self) -> Vec<Edit> {
        stepcraft_studio::studio::action::edits(&self.actions)
            .cloned()
            .collect()
    }
}

fn inspector_harness(selected: &str) -> Harness<'static, InspectorState> {
    inspector_harness_on(
        include_str!("../../assets/examples/order-processing.asl.json"),
        selected,
    )
}

fn inspector_harness_on(text: &str, selected: &str) -> Harness<'static, InspectorState> {
    let doc = Document::parse(text, Format::Json).expect("the example parses");
    let (machine, _) = doc.model();
    let diagnostics = validate::validate(&doc, &validate::Options::default());
    let state = InspectorState {
        inspector: Inspector::new(),
        value: doc.value().clone(),
        machine,
        diagnostics,
        selection: Selection::States(vec![StateRef::top(selected)]),
        actions: Actions::new(),
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(420.0, 1600.0))
        .build_ui_state(
            |ui, s: &mut InspectorState| {
                let InspectorState {
                    inspector,
                    value,
                    machine,
                    diagnostics,
                    selection,
                    actions,
                } = s;
                let ctx = PanelCtx {
                    value,
                    machine,
                    diagnostics,
                    selection,
                };
                let queued = actions.len();
                inspector.ui(ui, &ctx, &[], actions);
                // As the shell does at the end of the frame: a queued selection replaces it.
                for action in &actions[queued..] {
                    if let Action::Select(s) = action {
                        selection.clone_from(s);
                    }
                }
            },
            state,
        );
    harness.run();
    harness
}

#[test]
fn inspector_renames_on_enter() {
    let mut harness = inspector_harness("Stamp Order");
    harness.get_by_label("Name").focus();
    harness.run();
    harness.get_by_label("Name").type_text("ed");
    harness.run();
    assert!(
        harness.state().edits().is_empty(),
        "typing a name queues nothing until it is committed"
    );
    harness.key_press(egui::Key::Enter);
    harness.run();
    let edits = &harness.state().edits();
    assert_eq!(edits.len(), 1, "{edits:?}");
    match &edits[0] {
        Edit::RenameState { state, to } => {
            assert_eq!(state, &StateRef::top("Stamp Order"));
            assert!(to.contains("ed"), "{to}");
        }
        other => panic!("expected a rename, got {other:?}"),
    }
    // The selection follows the new name.
    assert!(matches!(
        harness.state().selection.primary(),
        Some(s) if s.name != "Stamp Order"
    ));
}

#[test]
fn inspector_refuses_a_duplicate_name() {
    let mut harness = inspector_harness("Stamp Order");
    harness.get_by_label("Name").focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.run();
    harness.get_by_label("Name").type_text("Validate Order");
    harness.run();
    harness.key_press(egui::Key::Enter);
    harness.run();
    assert!(
        harness.state().edits().is_empty(),
        "{:?}",
        harness.state().edits()
    );
    assert!(harness.query_by_label_contains("already exists").is_some());
}

#[test]
fn inspector_adds_a_choice_rule() {
    let mut harness = inspector_harness("Route Order");
    let before = harness.state().value["States"]["Route Order"]["Choices"]
        .as_array()
        .map_or(0, Vec::len);
    harness.get_by_label("➕ Add rule").scroll_to_me();
    harness.run();
    harness.get_by_label("➕ Add rule").click();
    harness.run();
    let edits = harness.state().edits();
    assert_eq!(edits.len(), 1, "{edits:?}");
    let Edit::InsertRule {
        list: RuleList::Choices,
        rule,
        ..
    } = &edits[0]
    else {
        panic!("expected a Choices InsertRule, got {edits:?}");
    };
    let mut value = harness.state().value.clone();
    edits[0].apply(&mut value).expect("the rule inserts");
    let choices = value["States"]["Route Order"]["Choices"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(choices.len(), before + 1);
    assert_eq!(choices.last(), Some(rule));
    assert!(
        rule.get("Next").is_some(),
        "a new rule leads somewhere: {rule}"
    );
}

#[test]
fn inspector_typing_queues_set_field_on_one_pointer() {
    let mut harness = inspector_harness("Validate Order");
    harness.get_by_label("Timeout (s)").focus();
    harness.run();
    harness.get_by_label("Timeout (s)").type_text("5");
    harness.run();
    harness.get_by_label("Timeout (s)").type_text("0");
    harness.run();
    let edits = &harness.state().edits();
    assert!(!edits.is_empty());
    let keys: Vec<_> = edits.iter().map(Edit::merge_key).collect();
    assert!(
        keys.iter().all(|k| k == &keys[0] && k.is_some()),
        "{edits:?}"
    );
    assert_eq!(
        keys[0].as_ref().map(|p| p.as_str().to_owned()).as_deref(),
        Some("/States/Validate Order/TimeoutSeconds")
    );
}

#[test]
fn inspector_shows_definition_settings_without_selection() {
    let mut harness = inspector_harness("Stamp Order");
    harness.state_mut().selection = Selection::None;
    harness.run();
    assert!(harness.query_by_label("Definition").is_some());
    assert!(
        harness
            .query_by_role_and_label(Role::ComboBox, "Start at")
            .is_some()
    );
}

#[test]
fn inspector_map_forms_follow_the_processing_mode() {
    let text = include_str!("../../assets/examples/distributed-map-csv.asl.json");
    let doc = Document::parse(text, Format::Json).expect("the example parses");
    let map = doc.value()["StartAt"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut harness = inspector_harness_on(text, &map);
    // A distributed Map: its mode, child executions and dataset fields, from the field table.
    for label in [
        "Processing mode",
        "Child executions",
        "Max concurrency (0: no limit)",
        "Tolerated failure (%)",
        "Item reader (JSON)",
        "Result writer (JSON)",
    ] {
        assert!(
            harness.query_all_by_label(label).next().is_some(),
            "{label}"
        );
    }
    // Switching to inline writes the mode's ASL value and drops the execution type.
    harness
        .get_by_role_and_label(Role::ComboBox, "Processing mode")
        .click();
    harness.run();
    harness.get_by_label("Inline").click();
    harness.run();
    let edits = harness.state().edits();
    let Some(Edit::SetField { key, value, .. }) = edits.last() else {
        panic!("expected the processor config to be set, got {edits:?}");
    };
    assert_eq!(key, "ProcessorConfig");
    let config = value.clone().unwrap_or_default();
    assert_eq!(config["Mode"], "INLINE");
    assert!(config.get("ExecutionType").is_none(), "{config}");

    // An inline Map (order-processing has none): the dataset fields are not offered.
    let inline = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true}}}"#;
    let harness = inspector_harness_on(inline, "M");
    assert!(
        harness
            .query_all_by_label("Processing mode")
            .next()
            .is_some()
    );
    assert!(
        harness
            .query_all_by_label("Item selector (JSON)")
            .next()
            .is_some()
    );
    for label in [
        "Child executions",
        "Item reader (JSON)",
        "Label",
        "Tolerated failure (%)",
    ] {
        assert!(
            harness.query_all_by_label(label).next().is_none(),
            "{label}"
        );
    }
}

#[test]
fn choice_operators_are_grouped_in_plain_words_with_a_path_toggle() {
    let text = r#"{"StartAt": "C", "States": {
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericGreaterThan": 5, "Next": "A"}], "Default": "A"},
        "A": {"Type": "Succeed"}}}"#;
    let mut harness = inspector_harness_on(text, "C");
    harness.get_by_label("Operator").click();
    harness.run();
    // Headings for each kind of value, plain words, no `...Path` entries.
    for heading in ["Text", "Number", "Boolean", "Timestamp", "Type checks"] {
        harness.get_by_label(heading);
    }
    assert!(harness.query_by_label("NumericGreaterThanPath").is_none());
    assert!(
        harness
            .query_by_label_contains("  is a timestamp")
            .is_some()
    );
    // Text, Number and Timestamp each have one; the Number group's is the second.
    let choices: Vec<_> = harness
        .query_all_by_label("  is greater than or equal to")
        .collect();
    assert_eq!(choices.len(), 3);
    choices[1].click();
    harness.run();
    let edits = harness.state().edits();
    let [edit] = edits.as_slice() else {
        panic!("one edit, got {edits:?}");
    };
    let mut value = harness.state().value.clone();
    edit.apply(&mut value).expect("applies");
    let rule = &value["States"]["C"]["Choices"][0];
    assert_eq!(rule["NumericGreaterThanEquals"], 5, "{rule}");
    assert!(rule.get("NumericGreaterThan").is_none(), "{rule}");

    // The path toggle turns it into the ...Path form.
    harness.state_mut().value = value;
    harness.run();
    harness.get_by_label("compare with a path").click();
    harness.run();
    let edits = harness.state().edits();
    let last = edits.last().expect("an edit");
    let mut value = harness.state().value.clone();
    last.apply(&mut value).expect("applies");
    let rule = &value["States"]["C"]["Choices"][0];
    assert!(rule.get("NumericGreaterThanEqualsPath").is_some(), "{rule}");
}

#[test]
fn variables_are_rows_of_names_and_values_with_json_one_click_away() {
    let text = r#"{"StartAt": "P", "States": {
        "P": {"Type": "Pass", "Assign": {"count": 1, "who.$": "$.user"}, "End": true}}}"#;
    let mut harness = inspector_harness_on(text, "P");
    harness.get_by_label("Variables").click();
    harness.run();
    // A row per variable: its name, editable, and its value.
    let input_with = |h: &Harness<'_, InspectorState>, text: &str| {
        h.query_all_by_value(text).any(|n| {
            matches!(
                n.accesskit_node().role(),
                Role::TextInput | Role::MultilineTextInput
            )
        })
    };
    assert!(input_with(&harness, "count"));
    assert!(input_with(&harness, "who.$"));
    assert!(input_with(&harness, "\"$.user\""));
    harness.get_by_label("➕ Add variable").click();
    harness.run();
    let edits = harness.state().edits();
    let [edit] = edits.as_slice() else {
        panic!("one edit: {edits:?}");
    };
    let mut value = harness.state().value.clone();
    edit.apply(&mut value).expect("applies");
    assert_eq!(
        value["States"]["P"]["Assign"],
        serde_json::json!({"count": 1, "who.$": "$.user", "variable1": ""})
    );
    // Remove the second.
    // The remove buttons are icons, named for screen readers by their variable.
    assert_eq!(
        harness
            .query_all_by_label_contains("Remove the variable")
            .count(),
        2
    );
    harness.get_by_label("Remove the variable who.$").click();
    harness.run();
    let edits = harness.state().edits();
    let mut value = harness.state().value.clone();
    edits
        .last()
        .expect("an edit")
        .apply(&mut value)
        .expect("applies");
    assert_eq!(
        value["States"]["P"]["Assign"],
        serde_json::json!({"count": 1})
    );
    // The whole object as JSON.
    harness.get_by_label("JSON").click();
    harness.run();
    harness.get_by_label("Assign (JSON)");
}
