//! Saving through the studio on real files and a real recovery folder: autosave without further
//! input, its failures shown, files changed on disk, read-only files, links, "Don't save", and
//! undoing back to the saved state.

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use stepcraft_studio::app::{BUNDLED_EXAMPLE, StudioApp};
use support::{TempDir, harness};

use crate::support;

const RESTORE: &str = "Recover unsaved work?";
const CHANGED: &str = "The file changed on disk";

/// The studio on `file`, autosaving to `recovery`.
fn studio(file: &Path, recovery: &Path) -> Harness<'static, StudioApp> {
    harness(StudioApp::from_path(file).with_recovery_dir(recovery.to_path_buf()))
}

/// The studio's clock.
fn now(harness: &Harness<'_, StudioApp>) -> f64 {
    harness.ctx.input(|i| i.time)
}

/// One frame at `seconds` from now, as when the mouse moves.
fn frame_after(harness: &mut Harness<'_, StudioApp>, seconds: f64) {
    let at = now(harness) + seconds;
    harness.input_mut().time = Some(at);
    harness.step();
}

/// Lets `seconds` pass with no input, as the window's event loop does: a frame only when the
/// studio asked for one; `each` looks at every frame.
fn idle_watching(
    harness: &mut Harness<'_, StudioApp>,
    seconds: f64,
    mut each: impl FnMut(&Harness<'_, StudioApp>),
) {
    let mut at = now(harness);
    let end = at + seconds;
    for _ in 0..10_000 {
        let delay = harness.output().viewport_output[&egui::ViewportId::ROOT]
            .repaint_delay
            .as_secs_f64();
        if at + delay > end {
            return;
        }
        at += delay.max(0.01);
        harness.input_mut().time = Some(at);
        harness.step();
        each(harness);
    }
}

fn idle(harness: &mut Harness<'_, StudioApp>, seconds: f64) {
    idle_watching(harness, seconds, |_| {});
}

/// Selects a state on the canvas and deletes it with the Delete key.
fn delete_state(harness: &mut Harness<'_, StudioApp>, name: &str) {
    harness
        .get_by_role_and_label(Role::Button, name)
        .click_accesskit();
    harness.run();
    harness.key_press(egui::Key::Delete);
    harness.run();
    assert!(harness.state().document().value()["States"][name].is_null());
}

fn save(harness: &mut Harness<'_, StudioApp>) {
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    harness.run();
}

/// The recovery files in `dir`.
fn recovery_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// The text of the one recovery file in `dir`.
fn recovered_text(dir: &Path) -> Option<String> {
    let files = recovery_files(dir);
    assert!(files.len() <= 1, "one recovery file: {files:?}");
    files
        .first()
        .map(|f| std::fs::read_to_string(f).expect("readable"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("readable")
}

/// Another program's change to `file`, a few seconds after ours.
fn change_on_disk(file: &Path, text: &str) {
    std::fs::write(file, text).expect("written");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(10);
    std::fs::File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_modified(later))
        .expect("mtime set");
}

fn theirs() -> String {
    BUNDLED_EXAMPLE.1.replace("Validate Order", "Check Order")
}

#[test]
fn an_edit_reaches_the_recovery_file_without_further_input() {
    let dir = TempDir::new("autosave-idle");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let recovery = dir.path("recovery");
    let mut harness = studio(&file, &recovery);
    // An autosave tick with nothing to write, then an edit soon after it.
    frame_after(&mut harness, 6.0);
    frame_after(&mut harness, 1.0);
    delete_state(&mut harness, "Stamp Order");
    // Nothing more happens: no key, no mouse. Within a second the edit is on disk.
    idle(&mut harness, 1.0);
    let text = recovered_text(&recovery).expect("the edit is in the recovery folder");
    assert!(!text.contains("Stamp Order"), "{text}");
    assert_eq!(text, harness.state().document().to_text());
}

#[test]
fn a_failed_autosave_is_shown_once() {
    let dir = TempDir::new("autosave-fails");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    // A file where the recovery folder would be made: it cannot be.
    let recovery = dir.file("blocked", "").join("recovery");
    let mut harness = studio(&file, &recovery);
    delete_state(&mut harness, "Stamp Order");
    let errors = |h: &Harness<'_, StudioApp>| {
        h.state()
            .messages()
            .iter()
            .filter(|m| m.contains("Autosave"))
            .count()
    };
    let mut most = 0;
    idle_watching(&mut harness, 30.0, |h| most = most.max(errors(h)));
    assert_eq!(most, 1, "the failure is shown");
    let message = format!("{:?}", harness.state().messages());
    assert_eq!(
        errors(&harness),
        0,
        "shown once, not at every tick: {message}"
    );
}

#[test]
fn save_asks_before_overwriting_a_file_changed_on_disk() {
    let dir = TempDir::new("changed-on-disk");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let mut harness = harness(StudioApp::from_path(&file));
    delete_state(&mut harness, "Stamp Order");
    change_on_disk(&file, &theirs());

    save(&mut harness);
    assert!(read(&file) == theirs(), "their change is not overwritten");
    harness.get_by_label(CHANGED);
    harness.get_by_label("Cancel").click();
    harness.run();
    assert!(harness.query_by_label(CHANGED).is_none());
    assert_eq!(read(&file), theirs());
    assert!(harness.state().is_dirty(), "our work is kept");

    save(&mut harness);
    harness.get_by_label("Overwrite").click();
    harness.run();
    assert_eq!(read(&file), harness.state().document().to_text());
    assert!(!harness.state().is_dirty());

    // Our own saves are no change on disk; nor is a file touched with the same text.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .and_then(|f| {
            f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(20))
        })
        .expect("touched");
    delete_state(&mut harness, "Validate Order");
    save(&mut harness);
    assert!(harness.query_by_label(CHANGED).is_none());
    assert_eq!(read(&file), harness.state().document().to_text());
}

#[test]
fn recovery_is_offered_when_the_file_changed_after_the_autosave() {
    let dir = TempDir::new("recover-newer-file");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let recovery = dir.path("recovery");
    {
        let mut harness = studio(&file, &recovery);
        delete_state(&mut harness, "Stamp Order");
        frame_after(&mut harness, 6.0);
        assert!(recovered_text(&recovery).is_some(), "autosaved");
        // Killed here: dropped without closing.
    }
    change_on_disk(&file, &theirs());
    let mut harness = studio(&file, &recovery);
    harness.get_by_label(RESTORE);
    harness.get_by_label("Restore").click();
    harness.run();
    assert!(harness.state().document().value()["States"]["Stamp Order"].is_null());
    assert!(harness.state().is_dirty());
}

#[test]
fn dont_save_also_discards_the_autosave() {
    let dir = TempDir::new("dont-save");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let recovery = dir.path("recovery");
    {
        let mut harness = studio(&file, &recovery);
        delete_state(&mut harness, "Stamp Order");
        frame_after(&mut harness, 6.0);
        assert!(recovered_text(&recovery).is_some(), "autosaved");
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
        harness.run();
        harness.get_by_label("Don't save").click();
        harness.run();
        // The Open dialog is up; time passes.
        frame_after(&mut harness, 6.0);
        frame_after(&mut harness, 6.0);
        assert_eq!(recovery_files(&recovery), Vec::<PathBuf>::new());
    }
    let harness = studio(&file, &recovery);
    assert!(harness.query_by_label(RESTORE).is_none());
}

#[test]
fn undoing_back_to_the_saved_state_clears_the_unsaved_marker() {
    let dir = TempDir::new("undo-to-saved");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let mut harness = harness(StudioApp::from_path(&file));
    delete_state(&mut harness, "Stamp Order");
    save(&mut harness);
    assert!(!harness.state().title().starts_with('*'));
    delete_state(&mut harness, "Validate Order");
    assert!(harness.state().title().starts_with('*'));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert!(!harness.state().is_dirty());
    assert!(!harness.state().title().starts_with('*'));
    // Undoing past the save is unsaved work again; redoing back to it is not.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    harness.run();
    assert!(harness.state().title().starts_with('*'));
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    harness.run();
    assert!(!harness.state().title().starts_with('*'));
}

#[cfg(unix)]
#[test]
fn save_refuses_a_read_only_file_and_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("save-read-only");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let mut harness = harness(StudioApp::from_path(&file));
    delete_state(&mut harness, "Stamp Order");
    save(&mut harness);
    assert!(read(&file) == BUNDLED_EXAMPLE.1, "the file is not replaced");
    let mode = std::fs::metadata(&file)
        .expect("there")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
    let messages = harness.state().messages().join("\n");
    assert!(messages.contains("read-only"), "{messages}");
    assert!(harness.state().is_dirty(), "the work is kept");
}

#[cfg(unix)]
#[test]
fn save_writes_through_a_link_and_keeps_it() {
    let dir = TempDir::new("save-link");
    let real = dir.file("real/flow.asl.json", BUNDLED_EXAMPLE.1);
    let link = dir.path("flow.asl.json");
    std::os::unix::fs::symlink("real/flow.asl.json", &link).expect("link");
    let mut harness = harness(StudioApp::from_path(&link));
    delete_state(&mut harness, "Stamp Order");
    save(&mut harness);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("there")
            .file_type()
            .is_symlink(),
        "still a link"
    );
    assert_eq!(read(&real), harness.state().document().to_text());
    assert!(!harness.state().is_dirty());
}

#[test]
fn work_kept_under_the_old_recovery_name_is_offered_and_discarded() {
    let dir = TempDir::new("legacy-recovery");
    let file = dir.file("flow.asl.json", BUNDLED_EXAMPLE.1);
    let recovery = dir.path("recovery");
    // The name earlier versions gave it: the full path, every other character made `_`.
    let full = std::fs::canonicalize(&file).expect("there");
    let old_name: String = full
        .display()
        .to_string()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let old = dir.file(&format!("recovery/{old_name}.recovery.json"), &theirs());
    let mut harness = studio(&file, &recovery);
    harness.get_by_label(RESTORE);
    harness.get_by_label("Discard them").click();
    harness.run();
    assert!(!old.exists(), "discarded");
}
