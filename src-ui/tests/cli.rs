//! The `stepcraft` command line, run as a user runs it, on real files.

mod support;

use support::{TempDir, s, stderr, stdout, stepcraft};

const VALID: &str =
    "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Succeed\"}\n  }\n}\n";
const INVALID: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": {\"Type\": \"Pass\", \"Next\": \"Nope\"}\n  }\n}\n";

#[test]
fn validate_exit_codes_and_locations() {
    let dir = TempDir::new("validate");
    let valid = dir.file("ok.asl.json", VALID);
    let invalid = dir.file("bad.asl.json", INVALID);
    let malformed = dir.file(
        "broken.asl.json",
        "{\n  \"StartAt\": \"A\"\n  \"States\": {}\n}",
    );

    let out = stepcraft(&["validate", s(&valid)]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 of 1 file valid"));

    let out = stepcraft(&["validate", s(&invalid)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "{}:4:27: error[MISSING_TRANSITION_TARGET]",
            s(&invalid)
        )),
        "{text}"
    );
    assert!(text.contains("(at /States/A/Next)"), "{text}");

    let out = stepcraft(&["validate", s(&malformed)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!("{}:3:3: error[INVALID_JSON]", s(&malformed))),
        "{}",
        stdout(&out)
    );

    let out = stepcraft(&["validate", s(&valid), s(&dir.0.join("missing.json"))]);
    assert_eq!(out.status.code(), Some(2), "a missing file is unreadable");
}

#[test]
fn validate_json_output() {
    let dir = TempDir::new("json");
    let invalid = dir.file("bad.asl.json", INVALID);
    let out = stepcraft(&["validate", "--format", "json", s(&invalid)]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let d = &value["files"][0]["diagnostics"][0];
    assert_eq!(value["files"][0]["valid"], false);
    assert_eq!(d["code"], "MISSING_TRANSITION_TARGET");
    assert_eq!(d["pointer"], "/States/A/Next");
    assert_eq!(d["line"], 4);
    assert_eq!(d["severity"], "error");
}

#[test]
fn validate_workflow_type() {
    let dir = TempDir::new("type");
    let def = dir.file(
        "cb.asl.json",
        r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","End":true}}}"#,
    );
    assert_eq!(stepcraft(&["validate", s(&def)]).status.code(), Some(0));
    let out = stepcraft(&["validate", "--type", "express", s(&def)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("NOT_ALLOWED_IN_WORKFLOW_TYPE"));
}

#[test]
fn fmt_prints_checks_and_writes() {
    let dir = TempDir::new("fmt");
    let messy = dir.file(
        "m.asl.json",
        r#"{"StartAt":"A","X":{"b":1,"a":2},"States":{"A":{"Type":"Succeed"}}}"#,
    );
    let out = stepcraft(&["fmt", s(&messy)]);
    assert_eq!(out.status.code(), Some(0));
    let printed = stdout(&out);
    assert!(
        printed.starts_with("{\n  \"StartAt\": \"A\",\n  \"X\": {\n    \"b\": 1,"),
        "{printed}"
    );

    assert_eq!(
        stepcraft(&["fmt", "--check", s(&messy)]).status.code(),
        Some(1)
    );
    assert_eq!(
        stepcraft(&["fmt", "--write", s(&messy)]).status.code(),
        Some(0)
    );
    assert_eq!(std::fs::read_to_string(&messy).expect("written"), printed);
    assert_eq!(
        stepcraft(&["fmt", "--check", s(&messy)]).status.code(),
        Some(0)
    );

    let out = stepcraft(&["fmt", "--yaml", s(&messy)]);
    let yaml = stdout(&out);
    assert!(yaml.contains("StartAt: A\n"), "{yaml}");
    let out = stepcraft(&["fmt", "--yaml", "--write", s(&messy)]);
    assert_eq!(out.status.code(), Some(0));
    let written =
        std::fs::read_to_string(dir.0.join("m.asl.yaml")).expect("YAML file beside the JSON");
    assert_eq!(written, yaml);
    let back = stepcraft(&["fmt", "--json", s(&dir.0.join("m.asl.yaml"))]);
    assert_eq!(
        stdout(&back),
        printed,
        "JSON -> YAML -> JSON gives the same text"
    );
}

#[cfg(unix)]
#[test]
fn fmt_write_refuses_a_read_only_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("fmt-read-only");
    let messy = r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#;
    let file = dir.file("m.asl.json", messy);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let out = stepcraft(&["fmt", "--write", s(&file)]);
    assert_ne!(out.status.code(), Some(0));
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(said.contains("read-only"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).expect("there"), messy);
    let mode = std::fs::metadata(&file)
        .expect("there")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o444);
}

#[cfg(unix)]
#[test]
fn fmt_write_writes_through_a_link() {
    let dir = TempDir::new("fmt-link");
    let real = dir.file(
        "real/m.asl.json",
        r#"{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}"#,
    );
    let link = dir.path("m.asl.json");
    std::os::unix::fs::symlink(&real, &link).expect("link");
    let out = stepcraft(&["fmt", "--write", s(&link)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("there")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("there")
            .contains("\n  \"StartAt\"")
    );
}

#[test]
fn fmt_reports_malformed_input_with_a_location() {
    let dir = TempDir::new("fmtbad");
    let bad = dir.file("b.yaml", "StartAt: A\nStates: [\n");
    let out = stepcraft(&["fmt", s(&bad)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains(&format!("{}:3:1: error[INVALID_YAML]", s(&bad))),
        "{}",
        stdout(&out)
    );
}

#[test]
fn run_reads_and_writes_through_s3_root() {
    let dir = TempDir::new("s3-root");
    std::fs::create_dir_all(dir.0.join("s3/in")).expect("bucket");
    dir.file("s3/in/items.json", r#"[{"n": 1}, {"n": 2}]"#);
    let def = dir.file(
        "map.asl.json",
        r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
          "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                         "Parameters": {"Bucket": "in", "Key": "items.json"}},
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                            "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
          "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                           "Parameters": {"Bucket": "out", "Prefix": "runs"}}}}}"#,
    );
    let root = dir.0.join("s3");
    let out = stepcraft(&["run", s(&def), "--s3-root", s(&root)]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let result: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON output");
    let key = result["ResultWriterDetails"]["Key"]
        .as_str()
        .expect("the manifest key");
    assert_eq!(result["ResultWriterDetails"]["Bucket"], "out");
    // The manifest and the results are real files under the root.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("out").join(key)).expect("manifest written"),
    )
    .expect("JSON");
    let succeeded = manifest["ResultFiles"]["SUCCEEDED"][0]["Key"]
        .as_str()
        .expect("a SUCCEEDED file");
    let records: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("out").join(succeeded)).expect("results written"),
    )
    .expect("JSON");
    assert_eq!(records[1]["Output"], r#"{"n":2}"#);
    // Without --s3-root the Map cannot read, and says so.
    let out = stepcraft(&["run", s(&def)]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("States.ItemReaderFailed"), "{err}");
}

#[test]
fn an_endless_express_loop_ends_with_the_limit_it_reached() {
    let dir = TempDir::new("endless");
    let def = dir.write(
        "loop.asl.json",
        r#"{"StartAt": "Loop", "States": {
          "Loop": {"Type": "Pass", "Next": "Again"},
          "Again": {"Type": "Choice", "Default": "Loop",
                    "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "Done"}]},
          "Done": {"Type": "Succeed"}}}"#,
    );
    let out = stepcraft(&[
        "run",
        &def,
        "--type",
        "express",
        "--max-transitions",
        "20000",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("States.Runtime"), "{err}");
    assert!(err.contains("entered 20000 states"), "{err}");
    assert!(err.contains("--max-transitions"), "{err}");
    // The default limit ends it too.
    let out = stepcraft(&["run", &def, "--type", "express"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("entered 1000000 states"));
}

#[test]
fn bundled_examples_validate_clean() {
    let dir = support::repo("assets/examples");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("assets/examples")
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        // Definitions only: the `.test.yaml` files beside them are workflow tests.
        .filter(|p| p.ends_with(".asl.json") || p.ends_with(".asl.yaml"))
        .collect();
    files.sort();
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let out = stepcraft(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{n} of {n} files valid; 0 errors, 0 warnings",
            n = files.len()
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn replay_prints_the_state_runs_of_a_history() {
    let dir = TempDir::new("replay");
    let history = dir.path("history.json");
    let def = support::repo("assets/examples/hello-world.asl.json");
    let out = stepcraft(&["run", s(&def), "--history", s(&history)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = stepcraft(&["replay", s(&history)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("succeeded"), "{text}");
    assert!(text.trim_end().ends_with("ExecutionSucceeded"), "{text}");
    let out = stepcraft(&["replay", "--format", "json", s(&history)]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report["ending"], "ExecutionSucceeded");
    assert!(
        report["stateRuns"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let bad = dir.file("bad.json", r#"{"events": [{"type": "ExecutionStarted"}]}"#);
    let out = stepcraft(&["replay", s(&bad)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/events/0: the event has no numeric \"id\""),
        "{}",
        stderr(&out)
    );
}
