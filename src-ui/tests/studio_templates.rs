//! The studio on definitions inside templates, through kittest: the picker a template with
//! several state machines offers, the title naming the resource and the template, and Save
//! writing the edited definition back into the template with every other byte kept.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use stepcraft::embedded::Template;
use stepcraft::{Format, Location};
use stepcraft_studio::app::StudioApp;
use support::{TempDir, cfn_lint, harness, repo};

use crate::support;

/// A copy of `tests/fixtures/templates/NAME` in `dir`.
fn copy(dir: &TempDir, name: &str) -> PathBuf {
    let text =
        std::fs::read_to_string(repo("tests/fixtures/templates").join(name)).expect("fixture");
    dir.file(name, &text)
}

fn studio(arg: &Path, recovery: &Path) -> Harness<'static, StudioApp> {
    harness(StudioApp::from_path(arg).with_recovery_dir(recovery.to_path_buf()))
}

fn save(harness: &mut Harness<'_, StudioApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run();
}

/// Selects a state on the canvas and deletes it.
fn delete_state(harness: &mut Harness<'_, StudioApp>, name: &str) {
    harness
        .get_by_role_and_label(Role::Button, name)
        .click_accesskit();
    harness.run();
    harness.key_press(egui::Key::Delete);
    harness.run();
    assert!(
        harness.state().document().value()["States"][name].is_null(),
        "{:?} {}",
        harness.state().selection(),
        harness.state().document().value()
    );
}

/// The bytes before `first` and after `last` are the same in both texts.
fn assert_kept_outside(before: &str, after: &str, first: &str, last: &str) {
    let start = before.find(first).expect("first line");
    let end = before.rfind(last).expect("last line") + last.len();
    assert_eq!(
        &after[..start],
        &before[..start],
        "bytes before the definition"
    );
    let tail = before.len() - end;
    assert_eq!(
        &after[after.len() - tail..],
        &before[end..],
        "bytes after the definition"
    );
}

#[test]
fn a_template_with_several_state_machines_offers_a_picker() {
    let dir = TempDir::new("studio-template-picker");
    let template = copy(&dir, "sam-inline.yaml");
    let mut harness = studio(&template, &dir.path("recovery"));
    harness.get_by_label("Which state machine?");
    harness.get_by_label("sam-inline.yaml has 2 state machines. Choose the one to open.");
    harness.get_by_label("AWS::StepFunctions::StateMachine · DefinitionString (Fn::Sub)");
    harness
        .get_by_role_and_label(Role::Button, "Refunds")
        .click_accesskit();
    harness.run();
    assert!(harness.query_by_label("Which state machine?").is_none());
    assert_eq!(
        harness.state().document().value()["StartAt"],
        "Refund",
        "the Refunds definition is open"
    );
    assert_eq!(
        harness.state().title(),
        "Refunds in sam-inline.yaml — Stepcraft"
    );
    harness.get_by_label("Refunds in sam-inline.yaml");
    // Its problems would be placed in the template: the definition starts on line 56.
    let located = harness
        .state()
        .session()
        .template()
        .expect("in a template")
        .embedded
        .location();
    assert_eq!(
        located,
        Location {
            line: 56,
            column: 9
        }
    );
}

#[test]
fn save_writes_the_edited_definition_back_into_the_yaml_template() {
    let dir = TempDir::new("studio-template-save-yaml");
    let template = copy(&dir, "sam-inline.yaml");
    let before = std::fs::read_to_string(&template).expect("read");
    let arg = PathBuf::from(format!("{}#Orders", template.display()));
    let mut harness = studio(&arg, &dir.path("recovery"));
    assert_eq!(
        harness.state().title(),
        "Orders in sam-inline.yaml — Stepcraft"
    );

    // Saved unedited: the template byte for byte.
    save(&mut harness);
    assert_eq!(std::fs::read_to_string(&template).expect("read"), before);

    delete_state(&mut harness, "Store");
    assert!(
        harness
            .state()
            .title()
            .starts_with("* Orders in sam-inline.yaml")
    );
    save(&mut harness);
    assert_eq!(
        harness.state().title(),
        "Orders in sam-inline.yaml — Stepcraft"
    );
    let after = std::fs::read_to_string(&template).expect("read");
    assert_kept_outside(
        &before,
        &after,
        "Comment: Order intake",
        "            End: true",
    );
    assert!(!after.contains("Store:"), "{after}");
    cfn_lint(&template);
    let read = Template::parse(&after, Format::Yaml).expect("the template reads");
    let orders = read.embedded("Orders").expect("Orders");
    assert_eq!(orders.document.value(), harness.state().document().value());
    // The other state machine, untouched.
    let refunds = |t: &str| t[t.find("  Refunds:").expect("Refunds")..].to_owned();
    assert_eq!(refunds(&after), refunds(&before));

    // A second edit (Validate duplicated), saved over the first: still in place.
    harness
        .get_by_role_and_label(Role::Button, "Validate")
        .click_accesskit();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    harness.run();
    save(&mut harness);
    let again = std::fs::read_to_string(&template).expect("read");
    assert_eq!(refunds(&again), refunds(&before));
    let read = Template::parse(&again, Format::Yaml).expect("the template reads");
    assert_eq!(
        read.embedded("Orders").expect("Orders").document.value(),
        harness.state().document().value()
    );
}

#[test]
fn save_writes_back_into_a_json_template_and_a_sub_string() {
    let dir = TempDir::new("studio-template-save-json");
    let template = copy(&dir, "cfn.json");
    let before = std::fs::read_to_string(&template).expect("read");
    let arg = PathBuf::from(format!("{}#Inline", template.display()));
    let mut harness = studio(&arg, &dir.path("recovery"));
    delete_state(&mut harness, "Wait");
    save(&mut harness);
    let after = std::fs::read_to_string(&template).expect("read");
    assert_kept_outside(
        &before,
        &after,
        "{\n                    \"StartAt\": \"Wait\"",
        "\"Succeed\" }\n                    }\n                }",
    );
    assert!(
        after.contains("\"Definition\": {\n                    \"StartAt\": \"Done\",\n"),
        "{after}"
    );

    let template = copy(&dir, "single.yaml");
    let before = std::fs::read_to_string(&template).expect("read");
    let mut harness = studio(&template, &dir.path("recovery"));
    assert_eq!(
        harness.state().title(),
        "Greeter in single.yaml — Stepcraft"
    );
    assert_eq!(
        harness.state().document().value()["States"]["Greet"]["Result"]["greeting"],
        "${Greeting}"
    );
    save(&mut harness);
    // Nothing was edited through the studio yet: the file is as it was.
    assert_eq!(std::fs::read_to_string(&template).expect("read"), before);
    // Greet duplicated: a second state.
    harness
        .get_by_role_and_label(Role::Button, "Greet")
        .click_accesskit();
    harness.run();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::D);
    harness.run();
    let states = harness.state().document().value()["States"].clone();
    assert_eq!(
        states.as_object().map(serde_json::Map::len),
        Some(2),
        "{states}"
    );
    save(&mut harness);
    let after = std::fs::read_to_string(&template).expect("read");
    let read = Template::parse(&after, Format::Yaml).expect("the template reads");
    assert_eq!(
        read.embedded("Greeter").expect("Greeter").document.value(),
        harness.state().document().value()
    );
    assert!(
        after.contains("        Fn::Sub:\n          - |-\n            {\n"),
        "{after}"
    );
    assert!(after.contains("          - Greeting: hello   # a variable of the Sub\n"));
    cfn_lint(&template);
}

#[test]
fn intrinsic_functions_inside_an_inline_definition_are_no_problem() {
    let dir = TempDir::new("studio-template-getatt");
    let template = dir.file(
        "template.yaml",
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: Call\n        States:\n          Call:\n            Type: Task\n            Resource: !GetAtt F.Arn\n            End: true\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: a.b, Runtime: python3.12, InlineCode: x}\n",
    );
    let harness = studio(&template, &dir.path("recovery"));
    let session = harness.state().session();
    assert_eq!(session.name(), "M in template.yaml");
    assert!(
        session.diagnostics().iter().all(|d| !d.is_error()),
        "{:?}",
        session.diagnostics()
    );
    assert_eq!(
        session.document().value()["States"]["Call"]["Resource"]["Fn::GetAtt"][0],
        "F"
    );
}
