//! The `stepcraft` command line, run as a user runs it, on real files.

use crate::support;

use support::{TempDir, repo, s, stderr, stdout, stepcraft};

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
        r#"{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:states:::sqs:sendMessage.waitForTaskToken","Parameters":{"QueueUrl":"https://sqs.us-east-1.amazonaws.com/123456789012/q","MessageBody":{"token.$":"$$.Task.Token"}},"End":true}}}"#,
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
fn run_names_a_placeholder_without_a_value_where_it_needs_one() {
    let dir = TempDir::new("placeholder-run");
    let def = dir.write(
        "reminder.asl.yaml",
        "StartAt: Sleep\nStates:\n  Sleep:\n    Type: Wait\n    Seconds: ${ReminderTimeout}\n    End: true\n",
    );
    // validate accepts it (a placeholder is a parameter, not an error) ...
    assert_eq!(stepcraft(&["validate", &def]).status.code(), Some(0));
    // ... and run says which one needs a value, where, and how to give it.
    let out = stepcraft(&["run", &def]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("reminder.asl.yaml:5:5: error: ${ReminderTimeout} has no value"),
        "{err}"
    );
    assert!(err.contains("--sub ReminderTimeout=VALUE"), "{err}");
    assert!(err.contains("(at /States/Sleep/Seconds)"), "{err}");
    let out = stepcraft(&["run", &def, "--sub", "ReminderTimeout=5"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn completions_and_the_manual_page_come_from_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = stepcraft(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        for command in ["validate", "fmt", "run", "test", "replay", "render"] {
            assert!(script.contains(command), "{shell} completes {command}");
        }
    }
    let out = stepcraft(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH stepcraft 1"), "{page}");
    assert!(page.contains("AWS Step Functions"), "{page}");
    assert!(page.contains("validate"), "{page}");
}

/// Every JSON definition of the corpus converted to YAML reads back, with PyYAML (a YAML 1.1
/// reader, as much CloudFormation tooling is), as the same values: no string turns into a
/// boolean, number or date.
#[test]
fn json_to_yaml_reads_back_the_same_in_a_yaml_1_1_reader() {
    let script = "import json, sys, yaml\n\
        for path in sys.argv[1:]:\n    \
        print(json.dumps(yaml.safe_load(open(path, encoding='utf-8')), sort_keys=True))\n";
    let dir = TempDir::new("yaml11");
    let mut pairs = Vec::new();
    let corpus = repo("../shared/corpus");
    let mut entries: Vec<_> = std::fs::read_dir(&corpus)
        .expect("the corpus beside the repository")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    entries.sort();
    // Strings a YAML 1.1 reader would take for something else, in one definition too.
    let tricky = dir.write(
        "tricky.asl.json",
        r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true, "Result":
            {"a": "yes", "b": "no", "c": "on", "d": "off", "e": "y", "f": "n", "g": "2026-03-14",
             "h": "1_000", "i": "0777", "j": "1:30", "k": "0b101", "l": "=", "m": "<<", "n": "-0x1F",
             "o": "2026-03-14T01:59:00Z", "p": ".5", "q": "Yes please"}}}}"#,
    );
    entries.push(std::path::PathBuf::from(&tricky));
    for path in &entries {
        let Ok(original) = serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(path).expect("readable"),
        ) else {
            continue; // bare placeholders: not JSON until substituted
        };
        let out = stepcraft(&["fmt", "--yaml", s(path)]);
        assert_eq!(out.status.code(), Some(0), "{}", path.display());
        let yaml = dir.write(&format!("{}.yaml", pairs.len()), &stdout(&out));
        pairs.push((path.clone(), original, yaml));
    }
    assert!(
        pairs.len() > 50,
        "the corpus has JSON definitions: {}",
        pairs.len()
    );
    let mut command = std::process::Command::new("python3");
    command.arg("-c").arg(script);
    for (_, _, yaml) in &pairs {
        command.arg(yaml);
    }
    let out = command.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "PyYAML reads every file (pip install pyyaml): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let read: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON from Python"))
        .collect();
    assert_eq!(read.len(), pairs.len());
    for ((path, original, _), back) in pairs.iter().zip(&read) {
        assert!(
            same_json(original, back),
            "{} reads back differently in PyYAML",
            path.display()
        );
    }
}

/// JSON values equal, numbers by value (`1` equals `1.0`).
fn same_json(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_json(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_json(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn a_loop_that_nests_its_input_stops_at_the_depth_limit_and_its_history_is_written() {
    let dir = TempDir::new("nesting-loop");
    let def = dir.write(
        "nest.asl.json",
        r#"{"StartAt": "P", "States": {
          "P": {"Type": "Pass", "Parameters": {"a.$": "$"}, "Next": "C"},
          "C": {"Type": "Choice", "Default": "P",
                "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "S"}]},
          "S": {"Type": "Succeed"}}}"#,
    );
    let history = dir.at("history.json");
    let out = stepcraft(&["run", &def, "--type", "express", "--history", &history]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("States.DataLimitExceeded"), "{err}");
    assert!(err.contains("more than 1000 levels deep"), "{err}");
    let text = std::fs::read_to_string(&history).expect("the history is written");
    let events: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(events["events"].as_array().is_some_and(|e| e.len() > 1000));
}

#[test]
fn bundled_examples_validate_clean() {
    let dir = repo("assets/examples");
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
    let def = repo("assets/examples/hello-world.asl.json");
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

#[test]
fn bench_reports_the_output_and_the_states_entered() {
    let bench = repo("../shared/bench");
    let out = stepcraft(&[
        "bench",
        s(&bench.join("loop1k.asl.json")),
        "--input",
        &format!("@{}", s(&bench.join("loop1k.input.json"))),
        "--repeat",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    // 1,000 iterations of Increment and Check, plus Init and Done.
    assert_eq!(report["states_entered"], 2002, "{report}");
    assert_eq!(report["out_head"], r#"{"i":1000,"n":1000}"#, "{report}");
    assert_eq!(
        report["runs_ms"].as_array().map(Vec::len),
        Some(2),
        "{report}"
    );
}
