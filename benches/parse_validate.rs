//! Parse and validate a generated 1,000-state definition (target: under 10 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};
use std::hint::black_box;
use stepcraft::{Document, Format, validate};

/// A 1,000-state workflow touching every kind of state and most rules: Tasks with Retry/Catch,
/// Choices, Waits, Pass states with payload templates and intrinsics, Parallel and Map states
/// with nested states.
pub fn generated(states: usize) -> Value {
    let mut map = Map::new();
    let name = |i: usize| format!("State {i:04}");
    let mut i = 0;
    while i < states {
        let next = name(i + 1);
        let state = match i % 10 {
            0 => json!({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:f", "Payload.$": "$"},
                "ResultSelector": {"body.$": "$.Payload"}, "ResultPath": "$.result",
                "Retry": [{"ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 3, "BackoffRate": 2.0}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": "$.error"}],
                "TimeoutSeconds": 60, "HeartbeatSeconds": 10, "Next": next}),
            1 => json!({"Type": "Choice", "Choices": [
                {"Variable": "$.n", "NumericGreaterThan": 10, "Next": next},
                {"And": [{"Variable": "$.s", "StringMatches": "a*"}, {"Not": {"Variable": "$.b", "BooleanEquals": true}}], "Next": next}],
                "Default": next}),
            2 => {
                json!({"Type": "Pass", "Parameters": {"id.$": "States.Format('item-{}', $.id)", "n.$": "States.MathAdd($.n, 1)", "ctx.$": "$$.Execution.Id"}, "ResultPath": "$.p", "Next": next})
            }
            3 => json!({"Type": "Wait", "Seconds": 5, "Next": next}),
            4 => json!({"Type": "Parallel", "Branches": [
                {"StartAt": format!("B{i}a"), "States": {format!("B{i}a"): {"Type": "Pass", "Next": format!("B{i}b")}, format!("B{i}b"): {"Type": "Succeed"}}},
                {"StartAt": format!("B{i}c"), "States": {format!("B{i}c"): {"Type": "Pass", "End": true}}}],
                "ResultPath": "$.branches", "Next": next}),
            5 => json!({"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 4,
                "ItemSelector": {"value.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": format!("M{i}"), "States": {format!("M{i}"): {"Type": "Pass", "End": true}}},
                "ResultPath": "$.mapped", "Next": next}),
            _ => json!({"Type": "Pass", "Result": {"i": i}, "ResultPath": "$.r", "Next": next}),
        };
        map.insert(name(i), state);
        i += 1;
    }
    map.insert(name(states), json!({"Type": "Succeed"}));
    map.insert(
        "Failed".into(),
        json!({"Type": "Fail", "Error": "Failed", "Cause": "A task failed"}),
    );
    json!({"Comment": "generated", "StartAt": name(0), "States": map})
}

fn bench(c: &mut Criterion) {
    let text = serde_json::to_string_pretty(&generated(1000)).expect("serialises");
    let options = validate::Options::default();
    {
        let doc = Document::parse(&text, Format::Json).expect("valid JSON");
        let problems = validate::validate(&doc, &options);
        assert!(
            problems.is_empty(),
            "the generated definition is valid: {problems:#?}"
        );
    }
    c.bench_function("parse+validate 1000 states", |b| {
        b.iter(|| {
            let doc = Document::parse(black_box(&text), Format::Json).expect("valid JSON");
            black_box(validate::validate(&doc, &options))
        });
    });
    c.bench_function("parse only 1000 states", |b| {
        b.iter(|| black_box(Document::parse(black_box(&text), Format::Json).expect("valid JSON")));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
