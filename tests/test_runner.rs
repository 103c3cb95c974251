//! The test-file runner (`stepcraft::testing`): the bundled examples' test files pass, a wrong
//! expectation fails at the JSON pointer of the difference, and every AWS-recorded case passes.

use std::path::PathBuf;
use stepcraft::testing::{self, CaseResult};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run_all(paths: &[PathBuf]) -> Vec<CaseResult> {
    let files = testing::discover(paths).expect("discover");
    assert!(!files.is_empty(), "no test files under {paths:?}");
    files
        .iter()
        .flat_map(|f| {
            // The examples' local backends (python3 functions) run, as CI lets them.
            let options = testing::RunOptions {
                allow_backends: true,
                ..testing::RunOptions::default()
            };
            testing::run_file_with(&testing::load(f).expect("loads"), None, &options)
        })
        .collect()
}

fn failures(results: &[CaseResult]) -> Vec<String> {
    results
        .iter()
        .filter_map(|r| r.failure.as_ref().map(|f| format!("{}: {f}", r.name)))
        .collect()
}

#[test]
fn the_example_test_files_pass() {
    let examples = root().join("assets/examples");
    for name in [
        "order-processing",
        "callback-approval",
        "hello-world",
        "distributed-map-csv",
    ] {
        let path = examples.join(format!("{name}.test.yaml"));
        let file = testing::load(&path).expect("the example's test file loads");
        assert!(file.cases.len() >= 2, "{name} has too few cases");
    }
    let results = run_all(&[examples]);
    assert!(results.len() >= 15);
    let failed = failures(&results);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn a_wrong_expectation_fails_at_the_pointer_of_the_difference() {
    let definition = serde_json::json!({
        "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Result": {"a": {"b": [1, 2.0]}}, "End": true}}
    });
    let file = serde_json::json!({
        "definition": definition,
        "cases": [
            {"name": "right", "expect": {"status": "SUCCEEDED", "output": {"a": {"b": [1.0, 2]}}}},
            {"name": "wrong item", "expect": {"status": "SUCCEEDED", "output": {"a": {"b": [1, 3]}}}},
            {"name": "wrong contains", "expect": {"status": "SUCCEEDED", "outputContains": {"/a/b/0": "x"}}},
            {"name": "wrong status", "expect": {"status": "FAILED", "error": "E"}},
            {"name": "wrong path", "expect": {"status": "SUCCEEDED", "path": ["Q"]}}
        ]
    });
    let file = testing::test_file(&root().join("inline.test.json"), &file, &Default::default())
        .expect("loads");
    let results = testing::run_file(&file, None);
    let by_name = |n: &str| {
        results
            .iter()
            .find(|r| r.name == n)
            .and_then(|r| r.failure.clone())
    };
    assert!(by_name("right").is_none());
    let f = by_name("wrong item").expect("fails");
    assert_eq!(f.pointer, "/output/a/b/1");
    assert!(
        f.to_string().contains("/output/a/b/1 expected 3, got 2"),
        "{f}"
    );
    assert_eq!(
        by_name("wrong contains").map(|f| f.pointer),
        Some("/output/a/b/0".into())
    );
    assert_eq!(
        by_name("wrong status").map(|f| f.pointer),
        Some("/status".into())
    );
    assert_eq!(
        by_name("wrong path").map(|f| f.pointer),
        Some("/path/0".into())
    );
    let only = testing::run_file(&file, Some("wrong s"));
    assert_eq!(only.len(), 1);
}

#[test]
fn bad_test_files_are_load_errors_not_panics() {
    for value in [
        serde_json::json!(null),
        serde_json::json!({"cases": []}),
        serde_json::json!({"definition": {}, "cases": 3}),
        serde_json::json!({"definition": {}, "cases": [{"name": "x"}]}),
    ] {
        assert!(
            testing::test_file(&root().join("x.test.json"), &value, &Default::default()).is_err()
        );
    }
    // A definition that is not a state machine, or mocks naming a missing test case, fail the case.
    let file = serde_json::json!({
        "definition": {"StartAt": 1},
        "cases": [{"name": "c", "testCase": "T", "expect": {"status": "SUCCEEDED"}}]
    });
    let file =
        testing::test_file(&root().join("x.test.json"), &file, &Default::default()).expect("loads");
    assert!(testing::run_file(&file, None).iter().all(|r| !r.passed()));
}

/// A distributed Map over `s3://b/items.jsonl`, children returning their input.
fn reader_definition() -> serde_json::Value {
    serde_json::json!({"StartAt": "M", "States": {"M": {
        "Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "JSONL"},
                       "Parameters": {"Bucket": "b", "Key": "items.jsonl"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}})
}

#[test]
fn test_files_ship_their_data_and_check_objects() {
    let dir = std::env::temp_dir().join(format!("stepcraft-test-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("data/b")).expect("dirs");
    // A JSON Lines dataset: data for the test, not a recorded suite.
    std::fs::write(dir.join("data/b/items.jsonl"), "{\"n\": 1}\n{\"n\": 2}\n").expect("data");
    let file = serde_json::json!({
        "definition": reader_definition(),
        "s3Root": "data",
        "cases": [
            {"name": "reads the shipped file", "expect": {"status": "SUCCEEDED", "output": [{"n": 1}, {"n": 2}]}},
            // An object that parses as JSON is compared as JSON (one JSON Lines line does).
            {"name": "inline files win", "files": {"s3://b/items.jsonl": "{\"n\": 3}\n", "s3://b/extra.json": [1, 2]},
             "expect": {"status": "SUCCEEDED", "output": [{"n": 3}],
                        "objects": {"s3://b/extra.json": [1, 2], "s3://b/items.jsonl": {"n": 3}}}},
            {"name": "wrong object", "expect": {"status": "SUCCEEDED", "objects": {"s3://b/items.jsonl": "nope"}}},
            {"name": "missing object", "expect": {"status": "SUCCEEDED", "objects": {"s3://b/none": 1}}}
        ]
    });
    let path = dir.join("t.test.json");
    std::fs::write(&path, file.to_string()).expect("test file");
    assert_eq!(
        testing::discover(std::slice::from_ref(&dir)).expect("discover"),
        std::slice::from_ref(&path)
    );
    let results = testing::run_file(&testing::load(&path).expect("loads"), None);
    let by_name = |n: &str| {
        results
            .iter()
            .find(|r| r.name == n)
            .unwrap_or_else(|| panic!("{n}"))
            .failure
            .clone()
    };
    assert_eq!(by_name("reads the shipped file"), None);
    assert_eq!(by_name("inline files win"), None);
    assert_eq!(
        by_name("wrong object").map(|f| f.pointer),
        Some("/objects/s3:~1~1b~1items.jsonl".into())
    );
    assert!(
        by_name("missing object").is_some_and(|f| f.got.contains("no such object")),
        "{results:?}"
    );
    // A file without s3Root reads from the directory the options give, or fails clearly.
    let bare = serde_json::json!({"definition": reader_definition(), "cases": [
        {"name": "bare", "expect": {"status": "SUCCEEDED", "output": [{"n": 1}, {"n": 2}]}}]});
    let bare =
        testing::test_file(&dir.join("bare.test.json"), &bare, &Default::default()).expect("loads");
    let options = testing::RunOptions {
        s3_root: Some(dir.join("data")),
        ..testing::RunOptions::default()
    };
    assert!(testing::run_file_with(&bare, None, &options)[0].passed());
    let without = testing::run_file(&bare, None);
    assert!(
        without[0]
            .failure
            .as_ref()
            .is_some_and(|f| f.got.contains("States.ItemReaderFailed")),
        "{without:?}"
    );
    // Nothing was written to the directory.
    let entries: Vec<_> = std::fs::read_dir(dir.join("data/b"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, ["items.jsonl"]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_recorded_case_passes_through_the_runner() {
    let results = run_all(&[root().join("../shared/conformance")]);
    assert!(results.len() >= 400, "{} cases", results.len());
    let failed = failures(&results);
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
