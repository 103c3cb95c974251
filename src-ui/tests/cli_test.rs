//! `stepcraft test`, run as a user runs it.

use crate::support;

use support::{TempDir, repo, s, stderr, stdout, stepcraft};

#[test]
fn the_example_test_files_pass() {
    let out = stepcraft(&["test", s(&repo("assets/examples")), "--allow-backends"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("ok order-processing"), "{text}");
    assert!(text.contains("ok callback-approval"), "{text}");
    assert!(text.contains("ok hello-world"), "{text}");
    assert!(text.contains("ok distributed-map-csv"), "{text}");
    assert!(text.contains("ok sam-local prices a valid order"), "{text}");
    assert!(text.trim_end().ends_with(" passed, 0 failed"), "{text}");
}

#[test]
fn a_definition_stands_for_the_test_files_beside_it() {
    let out = stepcraft(&["test", s(&repo("assets/examples/hello-world.asl.json"))]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("ok hello-world greets cheerfully"), "{text}");
    assert!(text.trim_end().ends_with("2 passed, 0 failed"), "{text}");
}

/// A distributed Map over s3://b/rows.csv whose children return their input.
const CSV_MAP: &str = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
  "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                 "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                 "Parameters": {"Bucket": "b", "Key": "rows.csv"}},
  "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}}}}"#;

#[test]
fn s3_root_gives_test_files_without_one_their_data() {
    let dir = TempDir::new("s3-root");
    std::fs::create_dir_all(dir.0.join("store/b")).expect("bucket");
    dir.write("store/b/rows.csv", "id\n1\n2\n");
    dir.write("map.asl.json", CSV_MAP);
    let test = dir.write(
        "map.test.json",
        r#"{"definition": "map.asl.json", "cases": [
            {"name": "reads rows", "expect": {"status": "SUCCEEDED", "output": [{"id": "1"}, {"id": "2"}]}}]}"#,
    );
    let store = dir.0.join("store").display().to_string();
    let out = stepcraft(&["test", &test, "--s3-root", &store]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok reads rows"), "{}", stdout(&out));
    // Without a store the case fails, saying how to give one.
    let out = stepcraft(&["test", &test]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("States.ItemReaderFailed") && stdout(&out).contains("--s3-root"),
        "{}",
        stdout(&out)
    );
    // A directory that is not there is an unreadable input.
    let missing = dir.0.join("nowhere").display().to_string();
    assert_eq!(
        stepcraft(&["test", &test, "--s3-root", &missing])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_recorded_conformance_cases_all_pass() {
    let out = stepcraft(&["test", s(&repo("../shared/conformance"))]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let last = text.lines().last().unwrap_or_default();
    let passed: usize = last
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(passed >= 400, "{last}");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

const WRONG: &str = r#"{
  "definition": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"greeting": "hi"}, "End": true}}},
  "cases": [
    {"name": "right", "expect": {"status": "SUCCEEDED", "output": {"greeting": "hi"}}},
    {"name": "wrong <one>", "expect": {"status": "SUCCEEDED", "output": {"greeting": "hello & bye"}}}
  ]
}"#;

#[test]
fn a_wrong_expectation_fails_with_the_pointer_and_junit_counts_it() {
    let dir = TempDir::new("wrong");
    let file = dir.write("wrong.test.json", WRONG);
    let junit = dir.0.join("report.xml").display().to_string();
    let out = stepcraft(&["test", &file, "--junit", &junit]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("ok right"), "{text}");
    assert!(
        text.contains("FAIL wrong <one>: /output/greeting expected \"hello & bye\", got \"hi\""),
        "{text}"
    );
    assert!(text.contains("1 passed, 1 failed"), "{text}");
    let xml = std::fs::read_to_string(&junit).expect("the report is written");
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.contains("<testsuite "), "{xml}");
    let suite = xml
        .lines()
        .find(|l| l.trim_start().starts_with("<testsuite "))
        .expect("a test suite");
    assert!(suite.contains("tests=\"2\""), "{suite}");
    assert!(suite.contains("failures=\"1\""), "{suite}");
    assert!(suite.contains("errors=\"0\""), "{suite}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 1, "{xml}");
    assert!(xml.contains("wrong &lt;one&gt;"), "{xml}");
    assert!(xml.contains("hello &amp; bye"), "{xml}");
    assert!(!xml.contains("hello & bye"), "{xml}");
    assert_eq!(
        xml.matches("<testsuite ").count(),
        xml.matches("</testsuite>").count()
    );

    let json = stepcraft(&["test", &file, "--format", "json", "--filter", "wrong"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON report");
    assert_eq!(report["failed"], 1);
    assert_eq!(report["passed"], 0);
    assert_eq!(report["cases"][0]["pointer"], "/output/greeting");
}

#[test]
fn junit_counts_a_test_file_that_cannot_be_read_as_an_error() {
    let dir = TempDir::new("junit-errors");
    let good = dir.write("wrong.test.json", WRONG);
    let bad = dir.write("bad.test.yaml", "definition: [\ncases: {");
    let junit = dir.0.join("report.xml").display().to_string();
    let out = stepcraft(&["test", &good, &bad, "--junit", &junit]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let xml = std::fs::read_to_string(&junit).expect("the report is written");
    let top = xml
        .lines()
        .find(|l| l.trim_start().starts_with("<testsuites "))
        .expect("the report's totals");
    assert!(top.contains("tests=\"3\""), "{top}");
    assert!(top.contains("failures=\"1\""), "{top}");
    assert!(top.contains("errors=\"1\""), "{top}");
    assert_eq!(xml.matches("<error ").count(), 1, "{xml}");
    assert!(xml.contains("bad.test.yaml"), "{xml}");
}

#[test]
fn an_unreadable_file_exits_2() {
    let dir = TempDir::new("unreadable");
    let missing = dir.0.join("missing.test.json").display().to_string();
    assert_eq!(stepcraft(&["test", &missing]).status.code(), Some(2));
    let bad = dir.write("bad.test.yaml", "definition: [\ncases: {");
    assert_eq!(stepcraft(&["test", &bad]).status.code(), Some(2));
}

#[test]
fn test_files_read_only_inside_their_project() {
    let dir = TempDir::new("reach");
    let outside = TempDir::new("reach-outside");
    let secret = outside.write("secret.json", r#"{"StartAt": "Secret", "States": {}}"#);
    std::fs::create_dir_all(outside.path("bucket")).expect("bucket");
    let pass = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
    dir.write("ok.asl.json", pass);
    let cases = "cases:\n  - name: runs\n    expect: {status: SUCCEEDED}\n";
    for (field, value) in [
        ("definition", secret.as_str()),
        ("mockConfig", secret.as_str()),
        ("substitutions", secret.as_str()),
        ("s3Root", s(&outside.0)),
    ] {
        let head = if field == "definition" {
            String::new()
        } else {
            "definition: ok.asl.json\n".to_owned()
        };
        // A mock configuration is read for the cases that use it.
        let cases = if field == "mockConfig" {
            cases.replace("expect:", "testCase: T\n    expect:")
        } else {
            cases.to_owned()
        };
        let file = dir.write(
            &format!("{field}.test.yaml"),
            &format!("{head}{field}: {value}\n{cases}"),
        );
        let out = stepcraft(&["test", &file]);
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert_ne!(out.status.code(), Some(0), "{field}: {text}");
        assert!(
            text.contains("outside this test file's project"),
            "{field}: {text}"
        );
        assert!(text.contains("--allow-outside"), "{field}: {text}");
        assert!(
            !text.contains("Secret"),
            "{field} printed what it must not read: {text}"
        );
    }
    // The user can let it.
    let file = dir.write(
        "open.test.yaml",
        &format!(
            "definition: ok.asl.json\ns3Root: {}\n{cases}",
            s(&outside.0)
        ),
    );
    let out = stepcraft(&["test", &file, "--allow-outside"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );

    // Within a repository, the repository is the project: ../ is fine there.
    let repo_dir = TempDir::new("reach-repo");
    std::fs::create_dir_all(repo_dir.path(".git")).expect("a repository");
    repo_dir.write("defs/flow.asl.json", pass);
    let file = repo_dir.write(
        "tests/flow.test.yaml",
        &format!("definition: ../defs/flow.asl.json\n{cases}"),
    );
    let out = stepcraft(&["test", &file]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}
