//! Executions recorded on real AWS (`../shared/conformance`): every one must run here with the
//! same outcome (output, or error and cause) and the same history event types. The comparison
//! rules are the suite's: numbers by value, `cause_json` compared as parsed JSON, Parallel and
//! Map histories compared as multisets (branches interleave).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::tasks::TableResolver;
use stepcraft::tasks::TaskResolver;
use stepcraft::tasks::mock::MockResolver;
use stepcraft::validate::WorkflowType;
use stepcraft::value::Val;
use stepcraft::{Document, Format};

fn has_type(v: &Value, types: &[&str]) -> bool {
    match v {
        Value::Object(m) => {
            m.get("Type")
                .and_then(Value::as_str)
                .is_some_and(|t| types.contains(&t))
                || m.values().any(|x| has_type(x, types))
        }
        Value::Array(a) => a.iter().any(|x| has_type(x, types)),
        _ => false,
    }
}

/// Runs one recorded case; `Err` says how it differs.
fn check(case: &Value) -> Result<(), String> {
    let definition = &case["definition"];
    let doc = Document::from_value(definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    let program = Program::compile(&machine).map_err(|e| format!("does not compile: {e}"))?;
    let resolver: Box<dyn TaskResolver> = match case.get("mock_config").filter(|m| !m.is_null()) {
        Some(config) => Box::new(
            MockResolver::new(
                config,
                case["state_machine_name"].as_str(),
                case["test_case"].as_str().unwrap_or_default(),
            )
            .map_err(|e| e.to_string())?,
        ),
        None => Box::new(TableResolver::new()),
    };
    let workflow_type = match case.get("state_machine_type").and_then(Value::as_str) {
        Some("EXPRESS") => WorkflowType::Express,
        _ => WorkflowType::Standard,
    };
    let config = Config {
        workflow_type,
        ..Config::default()
    };
    let mut execution = Execution::new(
        Arc::new(program),
        Val::from(&case["input"]),
        config,
        resolver,
    );
    let status = execution.run().clone();
    let expected = &case["expected"];
    match (expected["status"].as_str(), &status) {
        (Some("SUCCEEDED"), Status::Succeeded(output)) => {
            if !output.json_eq(&Val::from(&expected["output"])) {
                return Err(format!("output {output} != {}", expected["output"]));
            }
        }
        (Some("FAILED"), Status::Failed { error, cause }) => {
            let want_error = expected.get("error").and_then(Value::as_str);
            let got_error = Some(&**error).filter(|e| !e.is_empty());
            if want_error != got_error {
                return Err(format!("error {got_error:?} != {want_error:?}"));
            }
            if case.get("mock_caveat").is_none() {
                let got = cause.as_deref();
                if let Some(want) = expected.get("cause_json") {
                    let parsed: Option<Value> = got.and_then(|c| serde_json::from_str(c).ok());
                    if parsed.as_ref() != Some(want) {
                        return Err(format!("cause {got:?} != {want}"));
                    }
                } else if got != expected.get("cause").and_then(Value::as_str) {
                    return Err(format!("cause {got:?} != {:?}", expected.get("cause")));
                }
            }
        }
        (want, got) => return Err(format!("status {got:?}, expected {want:?}")),
    }
    if let (Some(Value::Array(want)), None) = (case.get("history_types"), case.get("mock_caveat")) {
        let mut want: Vec<&str> = want.iter().filter_map(Value::as_str).collect();
        let mut got: Vec<String> = execution
            .history()
            .iter()
            .map(|e| e.kind.type_name())
            .collect();
        if has_type(definition, &["Parallel", "Map"]) {
            want.sort_unstable();
            got.sort_unstable();
        }
        if got != want {
            return Err(format!("history {got:?}\n   expected {want:?}"));
        }
    }
    Ok(())
}

#[test]
fn every_aws_recorded_execution_runs_the_same_here() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("../shared/conformance beside the checkout")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in &files {
        let area = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        for line in std::fs::read_to_string(file)
            .expect("readable")
            .lines()
            .filter(|l| !l.trim().is_empty())
        {
            let case: Value = serde_json::from_str(line).expect("JSON Lines");
            let t = tally.entry(area.clone()).or_default();
            t.0 += 1;
            match check(&case) {
                Ok(()) => t.1 += 1,
                Err(why) => failures.push(format!("{}: {why}", case["id"].as_str().unwrap_or("?"))),
            }
        }
    }
    let total: usize = tally.values().map(|t| t.0).sum();
    assert!(total >= 400, "the recorded suite has {total} cases");
    for (area, (cases, ok)) in &tally {
        println!("{area}: {ok}/{cases}");
    }
    assert!(
        failures.is_empty(),
        "{} of {total} recorded executions differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
