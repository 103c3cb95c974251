//! The in-app file browser (where no native dialog can appear), on real folders: the listing and
//! its filters, the keyboard, typed paths and their completion, the overwrite question, errors
//! about folders, and the Run mode's replay field opening it.

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use stepcraft_studio::app::{Mode, StudioApp};
use support::{TempDir, harness};

use crate::support;

const FIELD: &str = "Path of the file (JSON or YAML):";

const FLOW: &str = r#"{"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": true}}}"#;

/// A folder tree: definitions, a template, other files, a hidden file, a folder with one inside.
fn tree(name: &str) -> TempDir {
    let dir = TempDir::new(&format!("browser-{name}"));
    dir.write("main.asl.json", FLOW);
    dir.write(
        "beta.yaml",
        "StartAt: A\nStates:\n  A:\n    Type: Succeed\n",
    );
    dir.write("template.yaml", "Resources: {}\n");
    dir.write("notes.txt", "not a definition");
    dir.write(".hidden.json", FLOW);
    dir.write("flows/inner.asl.json", FLOW);
    dir.write("flows/other.asl.json", FLOW);
    dir
}

/// The studio on `main.asl.json` with no native dialog, the file browser open (Ctrl+O).
fn open_dialog(dir: &TempDir) -> Harness<'static, StudioApp> {
    let app = StudioApp::from_path(&dir.path("main.asl.json")).with_picker(None);
    let mut harness = harness(app);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    harness.run();
    harness.get_by_label("Open a definition");
    harness
}

/// The folder the browser lists, as its "In …" line says.
fn listed_folder(harness: &Harness<'_, StudioApp>, dir: &Path) {
    harness.get_by_label(&format!("In {}", dir.display()));
}

fn field_text(harness: &Harness<'_, StudioApp>) -> String {
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .value()
        .unwrap_or_default()
}

fn press(harness: &mut Harness<'_, StudioApp>, key: Key) {
    harness.key_press(key);
    harness.run();
}

#[test]
fn the_listing_puts_folders_first_and_filters_by_kind() {
    let dir = tree("listing");
    let mut harness = open_dialog(&dir);
    listed_folder(&harness, &dir.0);
    // Definitions: JSON and YAML files, folders first, names sorted.
    let y = |h: &Harness<'_, StudioApp>, label: &str| {
        h.get_by_role_and_label(Role::Button, label)
            .rect()
            .center()
            .y
    };
    let (folder, beta, main) = (
        y(&harness, "flows/"),
        y(&harness, "beta.yaml"),
        y(&harness, "main.asl.json"),
    );
    assert!(folder < beta && beta < main, "{folder} {beta} {main}");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "notes.txt")
            .is_none()
    );
    assert!(
        harness
            .query_by_role_and_label(Role::Button, ".hidden.json")
            .is_none()
    );

    // Templates only.
    harness
        .get_by_role_and_label(Role::ComboBox, "Show")
        .click();
    harness.run();
    harness
        .get_by_label("Templates (SAM, CloudFormation)")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "template.yaml");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "main.asl.json")
            .is_none()
    );
    harness.get_by_role_and_label(Role::Button, "flows/");

    // Every file, hidden ones too when asked.
    harness
        .get_by_role_and_label(Role::ComboBox, "Show")
        .click();
    harness.run();
    harness.get_by_label("All files").click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, "notes.txt");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, ".hidden.json")
            .is_none()
    );
    harness
        .get_by_role_and_label(Role::CheckBox, "Hidden files")
        .click();
    harness.run();
    harness.get_by_role_and_label(Role::Button, ".hidden.json");
}

#[test]
fn the_keyboard_opens_a_folder_goes_up_and_chooses_a_file() {
    let dir = tree("keys");
    let mut harness = open_dialog(&dir);
    // ↓ highlights the first row (the folder), Enter opens it.
    press(&mut harness, Key::ArrowDown);
    press(&mut harness, Key::Enter);
    listed_folder(&harness, &dir.path("flows"));
    // Backspace on a path that ends at the folder goes up.
    press(&mut harness, Key::Backspace);
    listed_folder(&harness, &dir.0);
    press(&mut harness, Key::ArrowDown);
    press(&mut harness, Key::Enter);
    listed_folder(&harness, &dir.path("flows"));
    // ↓ ↓: the second file; the field shows it; Enter opens it.
    press(&mut harness, Key::ArrowDown);
    press(&mut harness, Key::ArrowDown);
    assert_eq!(
        field_text(&harness),
        dir.path("flows/other.asl.json").display().to_string()
    );
    press(&mut harness, Key::Enter);
    assert!(harness.query_by_label("Open a definition").is_none());
    assert_eq!(
        harness.state().session().path(),
        Some(dir.path("flows/other.asl.json").as_path())
    );
    // The folder is remembered among the recent folders.
    let recent = &harness.state().settings().recent_folders;
    let flows = std::fs::canonicalize(dir.path("flows")).expect("the folder");
    assert_eq!(recent.first(), Some(&flows), "{recent:?}");
}

#[test]
fn typing_filters_the_listing_and_tab_completes_the_path() {
    let dir = tree("complete");
    let mut harness = open_dialog(&dir);
    let field = harness.get_by_role_and_label(Role::TextInput, FIELD);
    assert!(field.is_focused(), "the path field takes the keys");
    field.type_text("b");
    harness.run();
    // Only names starting with what is typed.
    harness.get_by_role_and_label(Role::Button, "beta.yaml");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "main.asl.json")
            .is_none()
    );
    // Tab: `fl` completes to the one folder, which opens.
    press(&mut harness, Key::Backspace);
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("fl");
    harness.run();
    press(&mut harness, Key::Tab);
    listed_folder(&harness, &dir.path("flows"));
    assert_eq!(
        field_text(&harness),
        format!("{}/", dir.path("flows").display())
    );
    // `i` + Tab: the one file; Enter opens it.
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("i");
    harness.run();
    press(&mut harness, Key::Tab);
    assert_eq!(
        field_text(&harness),
        dir.path("flows/inner.asl.json").display().to_string()
    );
    press(&mut harness, Key::Enter);
    assert_eq!(
        harness.state().session().path(),
        Some(dir.path("flows/inner.asl.json").as_path())
    );
}

#[test]
fn tab_completes_as_far_as_the_names_agree() {
    let dir = tree("common");
    dir.write("flows/order-a.asl.json", FLOW);
    dir.write("flows/order-b.asl.json", FLOW);
    let mut harness = open_dialog(&dir);
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("flows/or");
    harness.run();
    press(&mut harness, Key::Tab);
    assert_eq!(
        field_text(&harness),
        format!("{}/order-", dir.path("flows").display())
    );
    harness.get_by_role_and_label(Role::Button, "order-a.asl.json");
    harness.get_by_role_and_label(Role::Button, "order-b.asl.json");
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "inner.asl.json")
            .is_none()
    );
}

#[test]
fn a_missing_folder_or_a_file_as_folder_is_said_plainly() {
    let dir = tree("errors");
    let mut harness = open_dialog(&dir);
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("missing/");
    harness.run();
    press(&mut harness, Key::Enter);
    harness.get_by_label(&format!(
        "There is no folder at {}.",
        dir.path("missing").display()
    ));
    // Still usable: up goes back to the tree.
    harness
        .get_by_role_and_label(Role::Button, "Parent folder")
        .click();
    harness.run();
    listed_folder(&harness, &dir.0);
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("notes.txt/");
    harness.run();
    press(&mut harness, Key::Enter);
    harness.get_by_label(&format!(
        "{} is a file, not a folder.",
        dir.path("notes.txt").display()
    ));
    // A file that is not there.
    press(&mut harness, Key::Backspace);
    harness
        .get_by_role_and_label(Role::TextInput, FIELD)
        .type_text("nothing.json");
    harness.run();
    press(&mut harness, Key::Enter);
    harness.get_by_label(&format!(
        "There is no file at {}.",
        dir.path("nothing.json").display()
    ));
}

#[test]
fn exporting_over_a_file_asks_first() {
    let dir = tree("overwrite");
    let target = dir.file("flows/old.json", "old text");
    let app = StudioApp::from_path(&dir.path("main.asl.json")).with_picker(None);
    let mut harness = harness(app);
    harness.get_by_label("File").click();
    harness.run();
    harness.get_by_label("Export YAML…").click();
    harness.run();
    harness.get_by_label("Export as YAML");
    // Into `flows` by a click, then the file by another.
    harness
        .get_by_role_and_label(Role::Button, "flows/")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "old.json")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click();
    harness.run();
    harness.get_by_label("old.json already exists. Replace it?");
    harness
        .get_by_role_and_label(Role::Button, "Don't replace")
        .click();
    harness.run();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "old text");
    harness
        .get_by_role_and_label(Role::Button, "Export")
        .click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Replace")
        .click();
    harness.run();
    let text = std::fs::read_to_string(&target).expect("written");
    assert!(text.starts_with("StartAt: Hello"), "{text}");
}

#[test]
fn the_replay_field_chooses_its_history_in_the_browser() {
    let dir = tree("replay");
    dir.write("runs/history.json", "{\"events\": []}");
    dir.write("runs/notes.yaml", "a: 1\n");
    let app = StudioApp::from_path(&dir.path("main.asl.json")).with_picker(None);
    let mut harness = harness(app);
    harness.state_mut().set_mode(Mode::Run);
    harness.run();
    harness.get_by_label("Replay a history from AWS").click();
    harness.run();
    harness
        .get_by_role_and_label(Role::Button, "Choose a history file…")
        .click();
    harness.run();
    harness.get_by_label("Choose a history to replay");
    // It starts beside the definition.
    listed_folder(&harness, &dir.0);
    harness.get_by_role_and_label(Role::Button, "runs/").click();
    harness.run();
    // Histories are JSON: the YAML file is not offered.
    assert!(
        harness
            .query_by_role_and_label(Role::Button, "notes.yaml")
            .is_none()
    );
    press(&mut harness, Key::ArrowDown);
    press(&mut harness, Key::Enter);
    assert!(
        harness
            .query_by_label("Choose a history to replay")
            .is_none()
    );
    assert_eq!(
        harness.state().run_mode().replay_path(),
        dir.path("runs/history.json").display().to_string()
    );
}
