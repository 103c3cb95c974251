//! A catalog Task's service fields as a form, in the whole studio through egui_kittest: the
//! Lambda form (function name typed or from the state input, payload modes), DynamoDB item rows,
//! the raw JSON toggle, the integration pattern picker, a required field's problem shown until
//! it is filled, values the form cannot show kept, and undo of a form edit.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use serde_json::{Value, json};
use stepcraft::Format;
use stepcraft_studio::app::StudioApp;

/// The studio on `definition`, tall enough for a whole form, with `state` selected.
fn studio_on(definition: &Value, state: &str) -> Harness<'static, StudioApp> {
    let text = serde_json::to_string_pretty(definition).expect("JSON");
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 1400.0))
        .build_ui_state(
            |ui, app: &mut StudioApp| app.ui_contents(ui),
            StudioApp::from_text("forms.asl.json", &text, Format::Json),
        );
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, state)
        .click_accesskit();
    harness.run();
    harness
}

/// The state's payload (`Parameters`, or `Arguments`) as the document now holds it.
fn payload(harness: &Harness<'_, StudioApp>, state: &str, key: &str) -> Value {
    harness.state().document().value()["States"][state][key].clone()
}

fn lambda() -> Value {
    json!({"StartAt": "Invoke", "States": {"Invoke": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "", "Payload.$": "$"}, "End": true}}})
}

/// The text field labelled `label` (its row's label is another node of that name).
fn text_field<'h>(harness: &'h Harness<'_, StudioApp>, label: &'h str) -> egui_kittest::Node<'h> {
    harness
        .query_all_by_label(label)
        .find(|n| {
            matches!(
                n.accesskit_node().role(),
                Role::TextInput | Role::MultilineTextInput
            )
        })
        .unwrap_or_else(|| {
            let roles: Vec<_> = harness
                .query_all_by_label_contains(label)
                .map(|n| (n.accesskit_node().role(), n.accesskit_node().label()))
                .collect();
            panic!("no text field labelled {label}: {roles:?}")
        })
}

/// Types `text` into the text field labelled `label`, replacing what it held.
fn retype(harness: &mut Harness<'_, StudioApp>, label: &str, text: &str) {
    text_field(harness, label).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.key_press(egui::Key::Backspace);
    harness.run();
    if !text.is_empty() {
        text_field(harness, label).type_text(text);
    }
    harness.run();
    harness.run();
}

fn problem_shown(harness: &Harness<'_, StudioApp>, field: &str) -> bool {
    harness
        .query_all_by_label_contains(&format!("The field '{field}' is required"))
        .next()
        .is_some()
}

#[test]
fn the_lambda_form_writes_function_name_and_payload_modes() {
    let mut harness = studio_on(&lambda(), "Invoke");
    // The empty required field is a problem, in the form and in the state's list.
    assert!(problem_shown(&harness, "FunctionName"));

    retype(&mut harness, "Function name *", "work");
    assert_eq!(
        payload(&harness, "Invoke", "Parameters"),
        json!({"FunctionName": "work", "Payload.$": "$"})
    );
    assert!(
        !problem_shown(&harness, "FunctionName"),
        "filled: no problem"
    );

    // From the state input: the name is read from a path.
    harness.get_by_label("from the state input").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters"),
        json!({"Payload.$": "$", "FunctionName.$": "$.functionName"})
    );
    text_field(&harness, "Function name * (path)");
    assert!(!problem_shown(&harness, "FunctionName"));

    // Payload: none, custom JSON, the state input.
    harness.get_by_label("None").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters"),
        json!({"FunctionName.$": "$.functionName"})
    );
    harness.get_by_label("Custom JSON").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters")["Payload"],
        json!({})
    );
    // The custom payload's JSON editor, found by what it holds; typing replaces it all.
    let by = egui_kittest::kittest::By::new()
        .role(Role::MultilineTextInput)
        .value("{}");
    harness.get(by.clone()).focus();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get(by).type_text(r#"{"order.$": "$.order"}"#);
    harness.run();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters")["Payload"],
        json!({"order.$": "$.order"})
    );
    harness.get_by_label("The state input").click();
    harness.run();
    let params = payload(&harness, "Invoke", "Parameters");
    assert_eq!(params["Payload.$"], "$");
    assert!(params.get("Payload").is_none(), "{params}");

    // One undo takes back the last form edit: the custom payload is back.
    harness.get_by_label("⟲ Undo").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters"),
        json!({"FunctionName.$": "$.functionName", "Payload": {"order.$": "$.order"}})
    );
}

#[test]
fn clearing_a_required_field_brings_its_problem_back_and_undo_fills_it_again() {
    let mut definition = lambda();
    definition["States"]["Invoke"]["Parameters"]["FunctionName"] = json!("work");
    let mut harness = studio_on(&definition, "Invoke");
    assert!(!problem_shown(&harness, "FunctionName"));
    retype(&mut harness, "Function name *", "");
    // Click elsewhere so the edit is sealed and the problem is drawn from the new diagnostics.
    harness.get_by_label("Custom JSON").hover();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters")["FunctionName"],
        ""
    );
    assert!(problem_shown(&harness, "FunctionName"));
    harness.get_by_label("⟲ Undo").click();
    harness.run();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Parameters")["FunctionName"],
        "work"
    );
    assert!(!problem_shown(&harness, "FunctionName"));
}

#[test]
fn the_pattern_picker_changes_the_resource_and_raw_json_is_one_click_away() {
    let mut harness = studio_on(&lambda(), "Invoke");
    let combos: Vec<_> = harness
        .query_all_by_role_and_label(Role::ComboBox, "Integration pattern")
        .collect();
    combos[combos.len() - 1].click();
    harness.run();
    harness
        .get_by_label("Wait for callback (.waitForTaskToken)")
        .click();
    harness.run();
    assert_eq!(
        harness.state().document().value()["States"]["Invoke"]["Resource"],
        "arn:aws:states:::lambda:invoke.waitForTaskToken"
    );
    // Still a catalog action: still its form.
    text_field(&harness, "Function name *");

    harness.get_by_label("Raw JSON").click();
    harness.run();
    harness.get_by_label("Arguments (Parameters, JSON)");
    assert!(harness.query_by_label("Function name *").is_none());
    harness.get_by_label("Form").click();
    harness.run();
    text_field(&harness, "Function name *");
}

#[test]
fn dynamodb_item_rows_add_and_type_attributes_and_keep_what_the_form_cannot_show() {
    let definition = json!({"StartAt": "Put", "States": {"Put": {"Type": "Task",
        "Resource": "arn:aws:states:::dynamodb:putItem",
        "Parameters": {"TableName.$": "$.table", "Item": {"id": {"S.$": "$.id"}}, "Extra": [1, 2]},
        "End": true}}});
    let mut harness = studio_on(&definition, "Put");
    // A path where a name is expected, and a key the form does not know, are shown.
    text_field(&harness, "Table name * (path)");
    harness.get_by_label("Other parameters");
    harness.get_by_label("Extra");
    // The item's row: its name, its type, its value read from a path.
    let inputs_with = |h: &Harness<'_, StudioApp>, text: &str| {
        h.query_all_by_value(text)
            .filter(|n| {
                matches!(
                    n.accesskit_node().role(),
                    Role::TextInput | Role::MultilineTextInput
                )
            })
            .count()
    };
    assert_eq!(inputs_with(&harness, "id"), 1);
    assert_eq!(inputs_with(&harness, "$.id"), 1);
    harness.get_by_role_and_label(Role::ComboBox, "id type");

    harness.get_by_label("➕ Add attribute to Item").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Put", "Parameters")["Item"],
        json!({"id": {"S.$": "$.id"}, "attribute1": {"S": ""}})
    );
    // A number: N, its value typed (DynamoDB JSON keeps numbers as strings).
    harness
        .get_by_role_and_label(Role::ComboBox, "attribute1 type")
        .click();
    harness.run();
    harness.get_by_label("N").click();
    harness.run();
    retype(&mut harness, "attribute1 value", "42");
    let params = payload(&harness, "Put", "Parameters");
    assert_eq!(
        params["Item"],
        json!({"id": {"S.$": "$.id"}, "attribute1": {"N": "42"}})
    );
    // What the form could not show is still there.
    assert_eq!(params["TableName.$"], "$.table");
    assert_eq!(params["Extra"], json!([1, 2]));

    // Removing the row.
    let removes: Vec<_> = harness.query_all_by_label("🗑").collect();
    assert_eq!(removes.len(), 2);
    removes[1].click();
    harness.run();
    assert_eq!(
        payload(&harness, "Put", "Parameters")["Item"],
        json!({"id": {"S.$": "$.id"}})
    );
}

#[test]
fn a_jsonata_task_edits_its_arguments() {
    let definition = json!({"QueryLanguage": "JSONata", "StartAt": "Invoke", "States": {"Invoke": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
        "Arguments": {"FunctionName": "", "Payload": "{% $states.input %}"}, "End": true}}});
    let mut harness = studio_on(&definition, "Invoke");
    assert!(problem_shown(&harness, "FunctionName"));
    retype(
        &mut harness,
        "Function name *",
        "arn:aws:lambda:us-east-1:123456789012:function:work",
    );
    assert_eq!(
        payload(&harness, "Invoke", "Arguments")["FunctionName"],
        "arn:aws:lambda:us-east-1:123456789012:function:work"
    );
    harness.get_by_label("from the state input").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Arguments"),
        json!({"FunctionName": "{% $states.input.functionName %}", "Payload": "{% $states.input %}"})
    );
    harness.get_by_label("Custom JSON").click();
    harness.run();
    assert_eq!(
        payload(&harness, "Invoke", "Arguments")["Payload"],
        json!({})
    );
}

#[test]
fn eventbridge_entries_are_forms_of_their_own() {
    let definition = json!({"StartAt": "Send", "States": {"Send": {"Type": "Task",
        "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {"Entries": [{"Detail.$": "$", "DetailType": "", "EventBusName": "default", "Source": ""}]},
        "End": true}}});
    let mut harness = studio_on(&definition, "Send");
    harness.get_by_label("Entry 1");
    retype(&mut harness, "Source", "com.example.orders");
    assert_eq!(
        payload(&harness, "Send", "Parameters")["Entries"][0]["Source"],
        "com.example.orders"
    );
    harness.get_by_label("➕ Add entry to Entries").click();
    harness.run();
    let entries = payload(&harness, "Send", "Parameters")["Entries"].clone();
    assert_eq!(
        entries[1],
        json!({"Source": "", "DetailType": "", "Detail.$": "$", "EventBusName": ""})
    );
    harness.get_by_label("Entry 2");
    harness.get_by_label("Remove entry 1").click();
    harness.run();
    let entries = payload(&harness, "Send", "Parameters")["Entries"].clone();
    assert_eq!(entries.as_array().map(Vec::len), Some(1));
    assert_eq!(entries[0]["Source"], "");
}

#[test]
fn waiting_for_a_callback_without_the_task_token_is_pointed_out() {
    let mut harness = studio_on(&lambda(), "Invoke");
    assert!(
        harness
            .query_by_label_contains("pass the task token")
            .is_none()
    );
    let combos: Vec<_> = harness
        .query_all_by_role_and_label(Role::ComboBox, "Integration pattern")
        .collect();
    combos[combos.len() - 1].click();
    harness.run();
    harness
        .get_by_label("Wait for callback (.waitForTaskToken)")
        .click();
    harness.run();
    assert!(
        harness
            .query_by_label_contains("pass the task token")
            .is_some()
    );
}
