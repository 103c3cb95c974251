//! Run-time semantics where AWS's recordings or documentation settled a question the code once
//! got wrong. Each case names its source; the outcome and the history's event types are checked.
//!
//! Sources: executions recorded on AWS (LocalStack's AWS-validated snapshots,
//! `tests/aws/services/stepfunctions/v2/...snapshot.json`), Jayway JsonPath (which AWS follows
//! for JSONPath), and the Step Functions developer guide.

use serde_json::{Value, json};
use stepcraft::interp::Status;
use stepcraft::tasks::TableResolver;

use crate::support::exec;

/// What a case must end with.
enum Expect {
    /// Succeeded with this output.
    Output(Value),
    /// Failed with this error, and a cause ending with this text.
    Error(&'static str, &'static str),
}

struct Case {
    name: &'static str,
    source: &'static str,
    definition: Value,
    input: Value,
    expect: Expect,
    /// The history's event types, when the case pins them.
    history: Option<&'static [&'static str]>,
}

fn map(fields: &Value) -> Value {
    let mut state = json!({
        "Type": "Map",
        "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
        "End": true
    });
    for (k, v) in fields.as_object().expect("fields") {
        state[k] = v.clone();
    }
    json!({"StartAt": "M", "States": {"M": state}})
}

fn wait(fields: &Value, language: &str) -> Value {
    let mut state = json!({"Type": "Wait", "End": true});
    for (k, v) in fields.as_object().expect("fields") {
        state[k] = v.clone();
    }
    json!({"QueryLanguage": language, "StartAt": "W", "States": {"W": state}})
}

fn pass_with(parameters: &Value) -> Value {
    json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": parameters, "End": true}}})
}

fn jsonata_output(expression: &str) -> Value {
    json!({"QueryLanguage": "JSONata", "StartAt": "P",
        "States": {"P": {"Type": "Pass", "Output": expression, "End": true}}})
}

const MAP_RUNTIME_BEFORE_START: &[&str] =
    &["ExecutionStarted", "MapStateEntered", "ExecutionFailed"];
const MAP_RUNTIME_AFTER_START: &[&str] = &[
    "ExecutionStarted",
    "MapStateEntered",
    "MapStateStarted",
    "ExecutionFailed",
];
const WAIT_RUNTIME: &[&str] = &["ExecutionStarted", "WaitStateEntered", "ExecutionFailed"];

fn cases() -> Vec<Case> {
    let max_concurrency =
        map(&json!({"MaxConcurrencyPath": "$.MaxConcurrencyValue", "ItemsPath": "$.Values"}));
    let percentage = map(
        &json!({"ToleratedFailurePercentagePath": "$.ToleratedFailurePercentage", "ItemsPath": "$.Items"}),
    );
    vec![
        Case {
            name: "a MaxConcurrencyPath that is no number fails before MapStateStarted",
            source: "test_base_scenarios.snapshot.json: test_max_concurrency_path[NoNumber]",
            definition: max_concurrency.clone(),
            input: json!({"MaxConcurrencyValue": "NoNumber", "Values": ["HelloWorld"]}),
            expect: Expect::Error(
                "States.Runtime",
                "(entered at the event id #2). The MaxConcurrencyPath field refers to value \"NoNumber\" which is not a valid integer: $.MaxConcurrencyValue",
            ),
            history: Some(MAP_RUNTIME_BEFORE_START),
        },
        Case {
            name: "a MaxConcurrencyPath object is quoted as JSON",
            source: "test_base_scenarios.snapshot.json: test_max_concurrency_path[max_concurrency_value0]",
            definition: max_concurrency.clone(),
            input: json!({"MaxConcurrencyValue": {}, "Values": ["HelloWorld"]}),
            expect: Expect::Error(
                "States.Runtime",
                "The MaxConcurrencyPath field refers to value \"{}\" which is not a valid integer: $.MaxConcurrencyValue",
            ),
            history: Some(MAP_RUNTIME_BEFORE_START),
        },
        Case {
            name: "MaxConcurrencyPath 0 means no limit",
            source: "test_base_scenarios.snapshot.json: test_max_concurrency_path[0]",
            definition: max_concurrency,
            input: json!({"MaxConcurrencyValue": 0, "Values": ["HelloWorld"]}),
            expect: Expect::Output(json!(["HelloWorld"])),
            history: None,
        },
        Case {
            name: "a ToleratedFailurePercentagePath below 0 fails after MapStateStarted",
            source: "LocalStack state_map/tolerated_failure.py, AWS-validated test params [-1.1, 100.1]",
            definition: percentage.clone(),
            input: json!({"Items": [0], "ToleratedFailurePercentage": -1.1}),
            expect: Expect::Error(
                "States.Runtime",
                "ToleratedFailurePercentage must be between 0 and 100.",
            ),
            history: Some(MAP_RUNTIME_AFTER_START),
        },
        Case {
            name: "a ToleratedFailurePercentagePath above 100 fails",
            source: "LocalStack state_map/tolerated_failure.py",
            definition: percentage.clone(),
            input: json!({"Items": [0], "ToleratedFailurePercentage": 100.1}),
            expect: Expect::Error(
                "States.Runtime",
                "ToleratedFailurePercentage must be between 0 and 100.",
            ),
            history: Some(MAP_RUNTIME_AFTER_START),
        },
        Case {
            name: "a ToleratedFailurePercentagePath that is no number is not a valid float",
            source: "LocalStack state_map/tolerated_failure.py",
            definition: percentage.clone(),
            input: json!({"Items": [0], "ToleratedFailurePercentage": "NoNumber"}),
            expect: Expect::Error(
                "States.Runtime",
                "The ToleratedFailurePercentagePath field refers to value \"NoNumber\" which is not a valid float: $.ToleratedFailurePercentage",
            ),
            history: Some(MAP_RUNTIME_AFTER_START),
        },
        Case {
            name: "a ToleratedFailurePercentagePath of 100 is read (it was ignored before)",
            source: "conformance scenarios.jsonl test_map_state_tolerated_failure_percentage_path",
            definition: percentage,
            input: json!({"Items": [0], "ToleratedFailurePercentage": 100}),
            expect: Expect::Output(json!([0])),
            history: None,
        },
        Case {
            name: "a fractional SecondsPath cannot be parsed as a long",
            source: "LocalStack state_wait/wait_function/seconds_path.py (v2/base/test_wait.py, AWS-validated)",
            definition: wait(&json!({"SecondsPath": "$.input.waitSeconds"}), "JSONPath"),
            input: json!({"input": {"waitSeconds": 1.5}}),
            expect: Expect::Error(
                "States.Runtime",
                "(entered at the event id #2). The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5",
            ),
            history: Some(WAIT_RUNTIME),
        },
        Case {
            name: "a negative SecondsPath references a negative value",
            source: "LocalStack state_wait/wait_function/seconds_path.py",
            definition: wait(&json!({"SecondsPath": "$.input.waitSeconds"}), "JSONPath"),
            input: json!({"input": {"waitSeconds": -1}}),
            expect: Expect::Error(
                "States.Runtime",
                "The SecondsPath parameter references a negative value: $.input.waitSeconds == -1",
            ),
            history: Some(WAIT_RUNTIME),
        },
        Case {
            name: "a TimestampPath without its zone names the path and the raw text",
            source: "v2/base/test_wait.snapshot.json: test_wait_timestamp_path[NO_Z]",
            definition: wait(&json!({"TimestampPath": "$.TimestampValue"}), "JSONPath"),
            input: json!({"TimestampValue": "2016-12-05T21:29:29"}),
            expect: Expect::Error(
                "States.Runtime",
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.TimestampValue == 2016-12-05T21:29:29",
            ),
            history: Some(WAIT_RUNTIME),
        },
        Case {
            name: "a JSONata Timestamp that does not parse is a query error at Timestamp",
            source: "test_base_scenarios.snapshot.json: test_wait_timestamp_jsonata[NO_T]",
            definition: wait(
                &json!({"Timestamp": "{% $states.input.TimestampValue %}"}),
                "JSONata",
            ),
            input: json!({"TimestampValue": "2016-12-05 21:29:29Z"}),
            expect: Expect::Error(
                "States.QueryEvaluationError",
                "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: 2016-12-05 21:29:29Z",
            ),
            history: Some(&[
                "ExecutionStarted",
                "WaitStateEntered",
                "EvaluationFailed",
                "ExecutionFailed",
            ]),
        },
        Case {
            name: "bracket keys unescape \\n to a newline",
            source: "Jayway JsonPath PathCompiler.readBracketPropertyToken and Utils.unescape",
            definition: pass_with(&json!({"v.$": "$['a\\nb']"})),
            input: json!({"a\nb": 1}),
            expect: Expect::Output(json!({"v": 1})),
            history: None,
        },
        Case {
            name: "bracket keys unescape \\t and \\u0041",
            source: "Jayway JsonPath Utils.unescape",
            definition: pass_with(&json!({"v.$": "$['\\tx\\u0041']"})),
            input: json!({"\txA": 2}),
            expect: Expect::Output(json!({"v": 2})),
            history: None,
        },
        Case {
            name: "an escaped quote and a backslash stay themselves",
            source: "Jayway JsonPath Utils.unescape",
            definition: pass_with(&json!({"a.$": "$['it\\'s']", "b.$": "$['a\\\\b']"})),
            input: json!({"it's": 3, "a\\b": 4}),
            expect: Expect::Output(json!({"a": 3, "b": 4})),
            history: None,
        },
        Case {
            name: "a dot inside quotes is part of the key",
            source: "Jayway JsonPath PathCompiler",
            definition: pass_with(&json!({"v.$": "$['a.b']"})),
            input: json!({"a.b": 5, "a": {"b": 6}}),
            expect: Expect::Output(json!({"v": 5})),
            history: None,
        },
        Case {
            name: "$range gives a sequence: one item is that item",
            source: "intrinsic_functions/test_array_jsonata.snapshot.json: $range(1, 9, 9) is 1",
            definition: jsonata_output("{% $range(1, 9, 9) %}"),
            input: json!({}),
            expect: Expect::Output(json!(1)),
            history: None,
        },
        Case {
            name: "$range's end is inclusive",
            source: "intrinsic_functions/test_array_jsonata.snapshot.json: $range(0, 9, 3)",
            definition: jsonata_output("{% $range(0, 9, 3) %}"),
            input: json!({}),
            expect: Expect::Output(json!([0, 3, 6, 9])),
            history: None,
        },
        Case {
            name: "$range counts down with a negative step",
            source: "Step Functions developer guide, JSONata functions: a negative step gives a reverse array",
            definition: jsonata_output("{% $range(10, 4, -3) %}"),
            input: json!({}),
            expect: Expect::Output(json!([10, 7, 4])),
            history: None,
        },
    ]
}

fn check(case: &Case) -> Result<(), String> {
    let exec = exec::execute(&case.definition, case.input.clone(), TableResolver::new());
    match (&case.expect, exec.status()) {
        (Expect::Output(want), Status::Succeeded(got)) if got.to_value() == *want => {}
        (Expect::Error(error, cause), Status::Failed { error: e, cause: c })
            if &**e == *error && c.as_deref().is_some_and(|c| c.ends_with(cause)) => {}
        (_, other) => return Err(format!("ended with {other:?}")),
    }
    if let Some(want) = case.history {
        let got: Vec<String> = exec.history().iter().map(|e| e.kind.type_name()).collect();
        if got != *want {
            return Err(format!("history {got:?}, expected {want:?}"));
        }
    }
    Ok(())
}

#[test]
fn runtime_semantics_follow_aws() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            check(c)
                .err()
                .map(|e| format!("{} ({}): {e}", c.name, c.source))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn types(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// A Parallel in a Parallel: each writes its own `ParallelStateExited` (and, as in every
/// execution recorded on AWS, no `ParallelStateSucceeded`). The AWS-recorded suites came
/// through LocalStack's snapshot transformer, which keeps one `ParallelStateExited` of the two:
/// `stepcraft test` compares them as it does.
#[test]
fn nested_parallels_exit_each_and_compare_as_the_recordings_keep_them() {
    let leaf = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    let inner = json!({"StartAt": "L2", "States": {"L2": {"Type": "Parallel", "Branches": [leaf], "End": true}}});
    let definition = json!({"StartAt": "L1", "States": {"L1": {"Type": "Parallel", "Branches": [inner], "End": true}}});
    let exec = exec::execute(
        &definition,
        json!([[1, 2, 3], [4, 5, 6]]),
        TableResolver::new(),
    );
    assert_eq!(
        exec.status(),
        &Status::Succeeded(stepcraft::value::Val::from(json!([[[
            [1, 2, 3],
            [4, 5, 6]
        ]]])))
    );
    let got: Vec<String> = exec.history().iter().map(|e| e.kind.type_name()).collect();
    assert_eq!(
        got,
        types(&[
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded",
        ])
    );
    assert_eq!(
        stepcraft::testing::as_snapshotted(got),
        types(&[
            "ExecutionStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "ParallelStateEntered",
            "ParallelStateStarted",
            "PassStateEntered",
            "PassStateExited",
            "ParallelStateExited",
            "ExecutionSucceeded",
        ])
    );
}

#[test]
fn the_snapshot_walk_keeps_a_flat_parallel_as_recorded_and_failures_whole() {
    // conformance scenarios.jsonl test_parallel_state[PARALLEL_STATE_PARAMETERS], as recorded.
    let flat = [
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "PassStateEntered",
        "PassStateEntered",
        "PassStateExited",
        "PassStateExited",
        "ParallelStateSucceeded",
        "ParallelStateExited",
        "ExecutionSucceeded",
    ];
    let mut recorded = types(&flat);
    recorded.retain(|t| t != "ParallelStateSucceeded");
    assert_eq!(stepcraft::testing::as_snapshotted(types(&flat)), recorded);
    // test_parallel_state_fail (no transformer there): nothing is lost.
    let fail = types(&[
        "ExecutionStarted",
        "ParallelStateEntered",
        "ParallelStateStarted",
        "FailStateEntered",
        "ParallelStateFailed",
        "ExecutionFailed",
    ]);
    assert_eq!(stepcraft::testing::as_snapshotted(fail.clone()), fail);
}
