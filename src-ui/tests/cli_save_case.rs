//! `stepcraft run --save-case`: a run written as a test case that `stepcraft test` passes, the
//! test file created or appended to (the earlier bytes kept).

use crate::support;

use support::{TempDir, repo, stderr, stdout, stepcraft};

/// A copy of a bundled example's definition (and test file) in a fresh folder: a test file
/// reads only files in its own project.
fn copy_example(dir: &TempDir, name: &str, with_tests: bool) {
    let mut files = vec![format!("{name}.asl.json")];
    if with_tests {
        files.push(format!("{name}.test.yaml"));
    }
    for f in files {
        let text = std::fs::read_to_string(repo(&format!("assets/examples/{f}"))).expect("example");
        dir.write(&f, &text);
    }
}

fn passes(test_file: &str, cases: usize) {
    let out = stepcraft(&["test", test_file]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.trim_end()
            .ends_with(&format!("{cases} passed, 0 failed")),
        "{text}"
    );
}

#[test]
fn a_run_with_task_results_is_saved_to_a_new_test_file_that_passes() {
    let dir = TempDir::new("save-case-new");
    copy_example(&dir, "order-processing", false);
    let results = dir.write(
        "results.json",
        r#"{"Validate Order": {"Payload": {"valid": true, "orderTotal": 50, "currency": "EUR", "problems": []}},
            "Reserve Inventory": {"Attributes": {"reservationStatus": {"S": "RESERVED"}}},
            "Charge Payment": {"Payload": {"chargeId": "ch-1", "status": "CAPTURED"}}}"#,
    );
    // In a repository, a test file in a sub-folder reads the definition above it.
    std::fs::create_dir_all(dir.path(".git")).expect("a repository");
    let test_file = dir.at("saved/orders.test.yaml");
    std::fs::create_dir_all(dir.path("saved")).expect("folder");
    let out = stepcraft(&[
        "run",
        &dir.at("order-processing.asl.json"),
        "--input",
        r#"{"id": 42, "items": [{"sku": "A-1", "qty": 2}], "payment": {"method": "WALLET", "token": "t"}}"#,
        "--task-results",
        &results,
        "--save-case",
        &test_file,
        "--case",
        "wallet order",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("saved the case \"wallet order\""));
    let text = std::fs::read_to_string(&test_file).expect("written");
    assert!(
        text.contains("definition: ../order-processing.asl.json"),
        "{text}"
    );
    assert!(text.contains("name: wallet order"), "{text}");
    assert!(text.contains("status: SUCCEEDED"), "{text}");
    // The answers the run used, by state.
    assert!(text.contains("Charge Payment:"), "{text}");
    assert!(text.contains("chargeId: ch-1"), "{text}");
    passes(&test_file, 1);
}

#[test]
fn a_failed_run_appended_to_an_existing_test_file_keeps_its_bytes_and_passes() {
    let dir = TempDir::new("save-case-append");
    copy_example(&dir, "order-processing", true);
    let test_file = dir.at("order-processing.test.yaml");
    let before = std::fs::read_to_string(&test_file).expect("test file");
    // No task results: Validate Order fails (States.TaskFailed), is retried by nothing, and is
    // caught; Notify Failure fails too, and so does the execution.
    let out = stepcraft(&[
        "run",
        &dir.at("order-processing.asl.json"),
        "--input",
        r#"{"id": 1, "items": [], "payment": {"method": "CARD"}}"#,
        "--save-case",
        &test_file,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let after = std::fs::read_to_string(&test_file).expect("test file");
    assert!(
        after.starts_with(&before),
        "the earlier bytes changed:\n{after}"
    );
    let added = &after[before.len()..];
    assert!(
        added.starts_with("  - name: order-processing run 11\n"),
        "{added}"
    );
    assert!(added.contains("status: FAILED"), "{added}");
    assert!(added.contains("Throw:"), "{added}");
    passes(&test_file, 11);
    // A second save picks the next free name.
    let out = stepcraft(&[
        "run",
        &dir.at("order-processing.asl.json"),
        "--save-case",
        &test_file,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&test_file)
            .expect("test file")
            .contains("  - name: order-processing run 12\n")
    );
    passes(&test_file, 12);
}

#[test]
fn a_json_test_file_is_written_again_with_the_case() {
    let dir = TempDir::new("save-case-json");
    copy_example(&dir, "hello-world", false);
    let test_file = dir.write(
        "hello.test.json",
        r#"{"definition": "hello-world.asl.json", "cases": [{"name": "first", "expect": {"status": "SUCCEEDED"}}]}"#,
    );
    let out = stepcraft(&[
        "run",
        &dir.at("hello-world.asl.json"),
        "--save-case",
        &test_file,
        "--case",
        "second",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&test_file).expect("file")).expect("JSON");
    assert_eq!(value["cases"][0]["name"], "first");
    assert_eq!(value["cases"][1]["name"], "second");
    assert_eq!(
        value["cases"][1]["expect"]["output"]["message"],
        "Hello from your first workflow!"
    );
    passes(&test_file, 2);
}
