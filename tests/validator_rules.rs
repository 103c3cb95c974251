//! The validator's rules as a table: one row per case, with the definition and the exact set of
//! (code, JSON pointer) pairs of the errors and warnings it must give (none for a valid definition).
//!
//! Rows are grouped by the rule file in `src/validate` they exercise. Every rule has at least one
//! valid and one invalid row, and `every_code_has_a_case` makes sure a new code cannot be added
//! without a row. Rows marked `// KNOWN GAP:` state what AWS does but the validator does not (yet);
//! they are left out of the table so that it passes.

use serde_json::{Value, json};
use std::collections::BTreeSet;
use stepcraft::validate::{Options, WorkflowType, validate};
use stepcraft::{Code, Diagnostic, Document, Format, Location, Severity};

// ------------------------------------------------------------------------------------------------
// The harness
// ------------------------------------------------------------------------------------------------

/// One row of the table.
struct Case {
    name: &'static str,
    definition: Value,
    workflow_type: Option<WorkflowType>,
    expected: Vec<(String, String)>,
}

impl Case {
    /// Validates as an Express workflow.
    fn express(mut self) -> Self {
        self.workflow_type = Some(WorkflowType::Express);
        self
    }

    /// Validates as a Standard workflow.
    fn standard(mut self) -> Self {
        self.workflow_type = Some(WorkflowType::Standard);
        self
    }
}

/// A row whose definition must give exactly `expected` (code, pointer) errors and warnings.
fn case(name: &'static str, definition: Value, expected: &[(&str, &str)]) -> Case {
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, p)| ((*c).to_owned(), (*p).to_owned()))
        .collect();
    expected.sort();
    Case {
        name,
        definition,
        workflow_type: None,
        expected,
    }
}

/// A row whose definition must be valid: no errors and no warnings.
fn valid(name: &'static str, definition: Value) -> Case {
    case(name, definition, &[])
}

/// Parses `text` and validates it.
fn diagnostics(text: &str, format: Format, workflow_type: Option<WorkflowType>) -> Vec<Diagnostic> {
    let doc = Document::parse(text, format).expect("the text parses");
    validate(
        &doc,
        &Options {
            workflow_type,
            ..Default::default()
        },
    )
}

/// The errors and warnings, as sorted (code, pointer) pairs.
fn pairs(diags: &[Diagnostic]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = diags
        .iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .map(|d| (d.code.as_str().to_owned(), d.pointer.as_str().to_owned()))
        .collect();
    out.sort();
    out
}

fn describe(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "      {} {} at {:?} ({}): {}",
                d.severity.as_str(),
                d.code,
                d.pointer.as_str(),
                d.location.map_or_else(|| "-".to_owned(), |l| l.to_string()),
                d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

// ------------------------------------------------------------------------------------------------
// Definition builders
// ------------------------------------------------------------------------------------------------

/// A Lambda function called directly (not through the optimized integration, whose required
/// parameters have rows of their own below).
const LAMBDA: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

/// `base` with the fields of `extra` added (or replaced).
fn with(mut base: Value, extra: Value) -> Value {
    if let (Value::Object(b), Value::Object(e)) = (&mut base, extra) {
        for (k, v) in e {
            b.insert(k, v);
        }
    }
    base
}

/// A state machine (or branch, or item processor) starting at its first state.
fn sm(states: Value) -> Value {
    let first = states
        .as_object()
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_default();
    with(json!({ "StartAt": first }), field("States", states))
}

/// An object of one field (taking `value`, where `json!` would copy it).
fn field(key: &str, value: Value) -> Value {
    Value::Object(std::iter::once((key.to_owned(), value)).collect())
}

/// A JSONata state machine starting at its first state.
fn jsonata(states: Value) -> Value {
    with(json!({ "QueryLanguage": "JSONata" }), sm(states))
}

/// A state machine of one state, `A`.
fn one(state: Value) -> Value {
    sm(field("A", state))
}

/// A Task that calls Lambda and ends, with `extra` fields.
fn task(extra: Value) -> Value {
    with(
        json!({ "Type": "Task", "Resource": LAMBDA, "End": true }),
        extra,
    )
}

/// An optimized integration's `Resource` with its required `Parameters` filled in.
fn svc(resource: &str) -> Value {
    let action = resource
        .trim_start_matches("arn:aws:states:::")
        .split('.')
        .next()
        .unwrap_or_default();
    let parameters = match action {
        "http:invoke" => json!({ "ApiEndpoint": "https://example.com/", "Method": "GET",
            "Authentication": { "ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/c/1" } }),
        "ecs:runTask" => json!({ "TaskDefinition": "worker:1" }),
        "sqs:sendMessage" => {
            json!({ "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
            "MessageBody": { "TaskToken.$": "$$.Task.Token" } })
        }
        "states:startExecution" => {
            json!({ "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:child" })
        }
        "glue:startJobRun" => json!({ "JobName": "etl" }),
        _ => json!({}),
    };
    json!({ "Resource": resource, "Parameters": parameters })
}

/// A Pass state that ends, with `extra` fields.
fn pass(extra: Value) -> Value {
    with(json!({ "Type": "Pass", "End": true }), extra)
}

/// A Wait state that ends, with `extra` fields (no duration).
fn wait(extra: Value) -> Value {
    with(json!({ "Type": "Wait", "End": true }), extra)
}

/// An item processor or branch of one ending Pass state named `name`.
fn inner(name: &str) -> Value {
    sm(json!({ name: pass(json!({})) }))
}

/// An inline Map (processor state `Item`) that ends, with `extra` fields.
fn map(extra: Value) -> Value {
    with(
        json!({ "Type": "Map", "ItemProcessor": inner("Item"), "End": true }),
        extra,
    )
}

/// A distributed Map with Standard children (processor state `Item`) that ends, with `extra`.
fn dmap(extra: Value) -> Value {
    let processor = with(
        inner("Item"),
        json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" } }),
    );
    with(
        json!({ "Type": "Map", "ItemProcessor": processor, "End": true }),
        extra,
    )
}

/// `state` going on to `next` instead of ending.
fn then(mut state: Value, next: &str) -> Value {
    if let Value::Object(m) = &mut state {
        m.remove("End");
        m.insert("Next".to_owned(), Value::String(next.to_owned()));
    }
    state
}

/// A Parallel state with the given branches that ends.
fn parallel(branches: Value) -> Value {
    let state = with(json!({ "Type": "Parallel" }), field("Branches", branches));
    with(state, json!({ "End": true }))
}

/// A machine whose Choice state `C` has the one rule `rule` and Default `B`; `B` succeeds.
/// Rules lead to `B` too (`"Next": "B"`).
fn choice(rule: Value) -> Value {
    let c = with(
        json!({ "Type": "Choice" }),
        field("Choices", Value::Array(vec![rule])),
    );
    let c = with(c, json!({ "Default": "B" }));
    sm(with(field("C", c), json!({ "B": { "Type": "Succeed" } })))
}

/// As [`choice`], in a JSONata state machine.
fn jsonata_choice(rule: Value) -> Value {
    with(json!({ "QueryLanguage": "JSONata" }), choice(rule))
}

/// A machine where `A` is a Task that catches everything into `B` (which succeeds), with the
/// transition fields given in `a` (so `A` needs no End to leave `B` reachable and terminal).
fn caught(a: Value) -> Value {
    sm(json!({
        "A": with(
            json!({ "Type": "Task", "Resource": LAMBDA,
                    "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "B" }] }),
            a
        ),
        "B": { "Type": "Succeed" }
    }))
}

/// A Fail state machine of one state `F` with `extra` fields.
fn fail(extra: Value) -> Value {
    sm(json!({ "F": with(json!({ "Type": "Fail" }), extra) }))
}

// ------------------------------------------------------------------------------------------------
// The table
// ------------------------------------------------------------------------------------------------

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    let name80 = "N".repeat(80);
    let name81 = "N".repeat(81);
    let pointer81 = format!("/States/{name81}");
    let accented80 = "é".repeat(80);
    let var81 = "v".repeat(81);
    let var81_pointer = format!("/States/A/Assign/{var81}");
    let label40 = "L".repeat(40);
    let label41 = "L".repeat(41);
    let every_named_error: Vec<&str> = stepcraft::model::ErrorName::ALL_NAMES
        .iter()
        .map(|e| e.as_str())
        .filter(|n| *n != "States.ALL")
        .collect();

    vec![
        // ==== structure.rs ======================================================================

        // ---- state names: unique in the whole machine, branches and processors included ----
        valid(
            "names unique across branches",
            one(parallel(json!([inner("X"), inner("Y")]))),
        ),
        case(
            "same name in two Parallel branches",
            one(parallel(json!([inner("X"), inner("X")]))),
            &[("DUPLICATE_STATE_NAME", "/States/A/Branches/1/States/X")],
        ),
        case(
            "same name at the top level and in a branch",
            sm(json!({
                "P": { "Type": "Parallel", "Branches": [inner("B")], "Next": "B" },
                "B": { "Type": "Succeed" }
            })),
            &[("DUPLICATE_STATE_NAME", "/States/B")],
        ),
        case(
            "same name at the top level and in a Map processor",
            sm(json!({
                "M": { "Type": "Map", "ItemProcessor": inner("Done"), "Next": "Done" },
                "Done": { "Type": "Succeed" }
            })),
            &[("DUPLICATE_STATE_NAME", "/States/Done")],
        ),
        // ---- state names: 1 to 80 characters ----
        valid("name of 80 characters", sm(json!({ name80: pass(json!({})) }))),
        valid(
            "name of 80 non-ASCII characters (characters, not bytes)",
            sm(json!({ accented80: pass(json!({})) })),
        ),
        case(
            "name of 81 characters",
            sm(json!({ name81: pass(json!({})) })),
            &[("INVALID_STATE_NAME", &pointer81)],
        ),
        case(
            "empty name",
            sm(json!({ "": pass(json!({})) })),
            &[("INVALID_STATE_NAME", "/States/")],
        ),
        case(
            "pointer escapes '/' in a state name",
            sm(json!({ "Charge/refund": { "Type": "Pass", "Next": "Nowhere" }, "B": pass(json!({})) })),
            &[
                ("MISSING_TRANSITION_TARGET", "/States/Charge~1refund/Next"),
                ("UNREACHABLE_STATE", "/States/B"),
            ],
        ),
        // ---- StartAt ----
        case(
            "StartAt missing",
            json!({ "States": { "A": pass(json!({})) } }),
            &[("MISSING_FIELD", "")],
        ),
        case(
            "StartAt names no state",
            json!({ "StartAt": "Nowhere", "States": { "A": pass(json!({})) } }),
            &[("START_AT_NOT_FOUND", "/StartAt")],
        ),
        case(
            "StartAt is case-sensitive",
            json!({ "StartAt": "a", "States": { "A": pass(json!({})) } }),
            &[("START_AT_NOT_FOUND", "/StartAt")],
        ),
        case(
            "States missing",
            json!({ "StartAt": "A" }),
            &[("MISSING_FIELD", ""), ("START_AT_NOT_FOUND", "/StartAt")],
        ),
        case(
            "States empty",
            json!({ "StartAt": "A", "States": {} }),
            &[("EMPTY_STATES", "/States"), ("START_AT_NOT_FOUND", "/StartAt")],
        ),
        case(
            "branch StartAt missing",
            one(parallel(json!([{ "States": { "X": pass(json!({})) } }]))),
            &[("MISSING_FIELD", "/States/A/Branches/0")],
        ),
        case(
            "branch StartAt names no state",
            one(parallel(json!([{ "StartAt": "Nowhere", "States": { "X": pass(json!({})) } }]))),
            &[("START_AT_NOT_FOUND", "/States/A/Branches/0/StartAt")],
        ),
        case(
            "branch StartAt names a top-level state",
            one(parallel(json!([{ "StartAt": "A", "States": { "X": pass(json!({})) } }]))),
            &[("TRANSITION_OUT_OF_SCOPE", "/States/A/Branches/0/StartAt")],
        ),
        case(
            "top-level StartAt names a state inside a branch",
            json!({ "StartAt": "X", "States": { "P": parallel(json!([inner("X")])) } }),
            &[("TRANSITION_OUT_OF_SCOPE", "/StartAt")],
        ),
        // ---- transition targets: Next, Default, Choice rule Next, Catch Next ----
        valid(
            "Next, Default, rule Next and Catch Next all name states",
            sm(json!({
                "A": { "Type": "Task", "Resource": LAMBDA, "Next": "C",
                       "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "F" }] },
                "C": { "Type": "Choice", "Default": "S",
                       "Choices": [{ "Variable": "$.ok", "BooleanEquals": false, "Next": "F" }] },
                "S": { "Type": "Succeed" },
                "F": { "Type": "Fail" }
            })),
        ),
        case(
            "Next names no state",
            caught(json!({ "Next": "Nowhere" })),
            &[("MISSING_TRANSITION_TARGET", "/States/A/Next")],
        ),
        case(
            "Default names no state",
            sm(json!({
                "C": { "Type": "Choice", "Default": "Nowhere",
                       "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "B" }] },
                "B": { "Type": "Succeed" }
            })),
            &[("MISSING_TRANSITION_TARGET", "/States/C/Default")],
        ),
        case(
            "Choice rule Next names no state",
            choice(json!({ "Variable": "$.x", "IsPresent": true, "Next": "Nowhere" })),
            &[("MISSING_TRANSITION_TARGET", "/States/C/Choices/0/Next")],
        ),
        case(
            "Catch Next names no state",
            one(task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Nowhere" }] }))),
            &[("MISSING_TRANSITION_TARGET", "/States/A/Catch/0/Next")],
        ),
        // ---- Parallel branches and Map processors are closed worlds ----
        valid(
            "transitions inside a branch and inside a processor",
            sm(json!({
                "P": { "Type": "Parallel", "Next": "M", "Branches": [sm(json!({
                    "X": { "Type": "Pass", "Next": "Y" },
                    "Y": { "Type": "Succeed" }
                }))] },
                "M": map(json!({ "ItemProcessor": sm(json!({
                    "I": { "Type": "Pass", "Next": "J" },
                    "J": pass(json!({}))
                })) }))
            })),
        ),
        case(
            "Catch in a branch goes to a top-level state",
            sm(json!({
                "P": { "Type": "Parallel", "Next": "After", "Branches": [sm(json!({
                    "X": task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "After" }] }))
                }))] },
                "After": { "Type": "Succeed" }
            })),
            &[("TRANSITION_OUT_OF_SCOPE", "/States/P/Branches/0/States/X/Catch/0/Next")],
        ),
        case(
            "Next in a Map processor goes to a top-level state",
            sm(json!({
                "M": { "Type": "Map", "Next": "After", "ItemProcessor": sm(json!({
                    "Item": { "Type": "Pass", "Next": "After" }
                })) },
                "After": { "Type": "Succeed" }
            })),
            // A transition to nowhere leaves the graph unfinished: no NO_TERMINAL_STATE on top.
            &[("TRANSITION_OUT_OF_SCOPE", "/States/M/ItemProcessor/States/Item/Next")],
        ),
        case(
            "Default in a branch goes to a state of another branch",
            one(parallel(json!([
                sm(json!({
                    "X": { "Type": "Choice", "Default": "Y",
                           "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "XDone" }] },
                    "XDone": { "Type": "Succeed" }
                })),
                inner("Y")
            ]))),
            &[("TRANSITION_OUT_OF_SCOPE", "/States/A/Branches/0/States/X/Default")],
        ),
        case(
            "top-level Catch goes into a branch",
            sm(json!({
                "P": { "Type": "Parallel", "Branches": [inner("X")], "Next": "A" },
                "A": task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "X" }] }))
            })),
            &[("TRANSITION_OUT_OF_SCOPE", "/States/A/Catch/0/Next")],
        ),
        // ---- reachability ----
        valid(
            "state reached only through Catch",
            caught(json!({ "End": true })),
        ),
        valid(
            "state reached only through a Choice Default",
            choice(json!({ "Variable": "$.x", "IsPresent": true, "Next": "B" })),
        ),
        case(
            "state no path reaches",
            sm(json!({ "A": pass(json!({})), "B": pass(json!({})) })),
            &[("UNREACHABLE_STATE", "/States/B")],
        ),
        case(
            "unreachable cycle",
            sm(json!({
                "A": pass(json!({})),
                "B": { "Type": "Pass", "Next": "C" },
                "C": { "Type": "Pass", "Next": "B" }
            })),
            &[("UNREACHABLE_STATE", "/States/B"), ("UNREACHABLE_STATE", "/States/C")],
        ),
        case(
            "unreachable state in a branch",
            one(parallel(json!([sm(json!({ "X": pass(json!({})), "Y": pass(json!({})) }))]))),
            &[("UNREACHABLE_STATE", "/States/A/Branches/0/States/Y")],
        ),
        case(
            "the only terminal state is unreachable",
            sm(json!({ "A": { "Type": "Pass", "Next": "A" }, "B": { "Type": "Succeed" } })),
            &[("UNREACHABLE_STATE", "/States/B")],
        ),
        // ---- Next or End ----
        case(
            "Task with neither Next nor End",
            caught(json!({})),
            &[("MISSING_TRANSITION", "/States/A")],
        ),
        case(
            "End: false",
            caught(json!({ "End": false })),
            &[("MISSING_TRANSITION", "/States/A")],
        ),
        case(
            "Wait with neither Next nor End",
            sm(json!({ "W": { "Type": "Wait", "Seconds": 1 } })),
            &[("MISSING_TRANSITION", "/States/W"), ("NO_TERMINAL_STATE", "/States")],
        ),
        case(
            "Next and End both",
            sm(json!({
                "A": { "Type": "Pass", "Next": "B", "End": true },
                "B": { "Type": "Succeed" }
            })),
            &[("CONFLICTING_TRANSITION", "/States/A/End")],
        ),
        // ---- Choice, Succeed and Fail take no Next or End (once: TRANSITION_NOT_ALLOWED) ----
        case(
            "Choice with Next",
            sm(json!({
                "C": { "Type": "Choice", "Default": "B", "Next": "B",
                       "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "B" }] },
                "B": { "Type": "Succeed" }
            })),
            &[("TRANSITION_NOT_ALLOWED", "/States/C/Next")],
        ),
        case(
            "Choice with End",
            sm(json!({
                "C": { "Type": "Choice", "Default": "B", "End": true,
                       "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "B" }] },
                "B": { "Type": "Succeed" }
            })),
            &[("TRANSITION_NOT_ALLOWED", "/States/C/End")],
        ),
        case(
            "Succeed with End",
            one(json!({ "Type": "Succeed", "End": true })),
            &[("TRANSITION_NOT_ALLOWED", "/States/A/End")],
        ),
        case(
            "Fail with Next",
            sm(json!({ "F": { "Type": "Fail", "Next": "S" }, "S": { "Type": "Succeed" } })),
            &[("TRANSITION_NOT_ALLOWED", "/States/F/Next")],
        ),
        // ---- every set of states needs a terminal state ----
        valid("a Fail state is terminal", fail(json!({}))),
        case(
            "no terminal state",
            sm(json!({ "A": { "Type": "Pass", "Next": "B" }, "B": { "Type": "Pass", "Next": "A" } })),
            &[("NO_TERMINAL_STATE", "/States")],
        ),
        case(
            "no terminal state in a branch",
            one(parallel(json!([sm(json!({
                "X": { "Type": "Pass", "Next": "Y" },
                "Y": { "Type": "Pass", "Next": "X" }
            }))]))),
            &[("NO_TERMINAL_STATE", "/States/A/Branches/0/States")],
        ),
        // ==== fields.rs =========================================================================

        // ---- the definition's shape ----
        case("definition not an object", json!([]), &[("WRONG_TYPE", "")]),
        case(
            "unknown top-level field",
            with(one(pass(json!({}))), json!({ "Foo": 1 })),
            &[("UNKNOWN_FIELD", "/Foo")],
        ),
        case(
            "unknown state field",
            one(pass(json!({ "Commment": "typo" }))),
            &[("UNKNOWN_FIELD", "/States/A/Commment")],
        ),
        case(
            "state not an object",
            one(json!("Pass")),
            &[("WRONG_TYPE", "/States/A"), ("NO_TERMINAL_STATE", "/States")],
        ),
        case(
            "Type missing",
            one(json!({ "End": true })),
            &[("MISSING_FIELD", "/States/A")],
        ),
        case(
            "Type unknown",
            one(json!({ "Type": "Lambda", "End": true })),
            &[("INVALID_VALUE", "/States/A/Type")],
        ),
        case(
            "Comment not a string",
            one(pass(json!({ "Comment": 5 }))),
            &[("WRONG_TYPE", "/States/A/Comment")],
        ),
        case(
            "QueryLanguage in an item processor",
            one(map(json!({ "ItemProcessor": with(inner("Item"), json!({ "QueryLanguage": "JSONata" })) }))),
            &[("UNKNOWN_FIELD", "/States/A/ItemProcessor/QueryLanguage")],
        ),
        case(
            "ProcessorConfig in a Parallel branch",
            one(parallel(json!([with(inner("X"), json!({ "ProcessorConfig": {} }))]))),
            &[("UNKNOWN_FIELD", "/States/A/Branches/0/ProcessorConfig")],
        ),
        // ---- fields a state type does not take ----
        valid(
            "Task with every JSONPath field it takes",
            one(task(json!({
                "Comment": "c", "InputPath": "$", "OutputPath": "$", "Parameters": {},
                "ResultSelector": {}, "ResultPath": "$.r", "Assign": { "x": 1 },
                "Retry": [], "Catch": [], "TimeoutSeconds": 10, "HeartbeatSeconds": 5,
                "Credentials": { "RoleArn": "arn:aws:iam::123456789012:role/r" }
            }))),
        ),
        case(
            "Pass with Resource",
            one(pass(json!({ "Resource": LAMBDA }))),
            &[("FIELD_NOT_ALLOWED", "/States/A/Resource")],
        ),
        case(
            "Pass with ResultSelector",
            one(pass(json!({ "ResultSelector": {} }))),
            &[("FIELD_NOT_ALLOWED", "/States/A/ResultSelector")],
        ),
        case(
            "Wait with Retry",
            one(wait(json!({ "Seconds": 1, "Retry": [{ "ErrorEquals": ["States.ALL"] }] }))),
            &[("FIELD_NOT_ALLOWED", "/States/A/Retry")],
        ),
        case(
            "Fail with InputPath",
            fail(json!({ "InputPath": "$" })),
            &[("FIELD_NOT_ALLOWED", "/States/F/InputPath")],
        ),
        case(
            "Succeed with Assign",
            one(json!({ "Type": "Succeed", "Assign": { "x": 1 } })),
            &[("FIELD_NOT_ALLOWED", "/States/A/Assign")],
        ),
        case(
            "Map with TimeoutSeconds",
            one(map(json!({ "TimeoutSeconds": 10 }))),
            &[("FIELD_NOT_ALLOWED", "/States/A/TimeoutSeconds")],
        ),
        // ---- fields of the other query language ----
        valid(
            "JSONata state with Arguments and Output",
            jsonata(json!({ "A": task(json!({ "Arguments": {}, "Output": "{% $states.result %}" })) })),
        ),
        case(
            "JSONPath state with Arguments",
            one(task(json!({ "Arguments": {} }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Arguments")],
        ),
        case(
            "JSONPath state with Output",
            one(pass(json!({ "Output": {} }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Output")],
        ),
        case(
            "JSONPath Map with Items",
            one(map(json!({ "Items": [1, 2] }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Items")],
        ),
        case(
            "JSONata state with Parameters",
            jsonata(json!({ "A": task(json!({ "Parameters": {} })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Parameters")],
        ),
        case(
            "JSONata state with ResultPath and OutputPath",
            jsonata(json!({ "A": task(json!({ "ResultPath": "$.r", "OutputPath": "$" })) })),
            &[
                ("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ResultPath"),
                ("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/OutputPath"),
            ],
        ),
        case(
            "JSONata Pass with Result",
            jsonata(json!({ "A": pass(json!({ "Result": 1 })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Result")],
        ),
        case(
            "JSONata Task with TimeoutSecondsPath",
            jsonata(json!({ "A": task(json!({ "TimeoutSecondsPath": "$.t" })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/TimeoutSecondsPath")],
        ),
        case(
            "JSONata Wait with SecondsPath",
            jsonata(json!({ "A": wait(json!({ "SecondsPath": "$.s" })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/SecondsPath")],
        ),
        case(
            "JSONata Fail with CausePath",
            with(json!({ "QueryLanguage": "JSONata" }), fail(json!({ "CausePath": "$.c" }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/F/CausePath")],
        ),
        case(
            "JSONata Map with ItemsPath",
            jsonata(json!({ "A": map(json!({ "ItemsPath": "$.items" })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemsPath")],
        ),
        case(
            "states in a JSONata Parallel default to the machine's JSONPath",
            one(with(
                parallel(json!([sm(json!({ "X": pass(json!({ "Output": "{% 1 %}" })) }))])),
                json!({ "QueryLanguage": "JSONata" }),
            )),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Branches/0/States/X/Output")],
        ),
        case(
            "JSONPath Catcher with Output",
            one(task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A", "Output": {} }] }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Catch/0/Output")],
        ),
        case(
            "JSONata Catcher with ResultPath",
            jsonata(json!({ "A": task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A", "ResultPath": "$.e" }] })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Catch/0/ResultPath")],
        ),
        case(
            "JSONata Catcher with ResultPath null",
            jsonata(json!({ "A": task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A", "ResultPath": null }] })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/Catch/0/ResultPath")],
        ),
        // ---- QueryLanguage values ----
        valid(
            "JSONata state in a JSONPath machine",
            one(task(json!({ "QueryLanguage": "JSONata", "Arguments": { "x": "{% $states.input %}" } }))),
        ),
        case(
            "JSONPath state in a JSONata machine",
            jsonata(json!({ "A": pass(json!({ "QueryLanguage": "JSONPath" })) })),
            &[("INVALID_VALUE", "/States/A/QueryLanguage")],
        ),
        case(
            "unknown QueryLanguage",
            with(one(pass(json!({}))), json!({ "QueryLanguage": "XPath" })),
            &[("INVALID_VALUE", "/QueryLanguage")],
        ),
        // ---- Version ----
        valid("Version 1.0", with(one(pass(json!({}))), json!({ "Version": "1.0" }))),
        case(
            "Version 2.0",
            with(one(pass(json!({}))), json!({ "Version": "2.0" })),
            &[("INVALID_VALUE", "/Version")],
        ),
        case(
            "Version as a number",
            with(one(pass(json!({}))), json!({ "Version": 1.0 })),
            &[("WRONG_TYPE", "/Version")],
        ),
        // ---- top-level TimeoutSeconds: 1 to 99999999 ----
        valid(
            "top-level TimeoutSeconds 99999999",
            with(one(pass(json!({}))), json!({ "TimeoutSeconds": 99_999_999 })),
        ),
        case(
            "top-level TimeoutSeconds 100000000",
            with(one(pass(json!({}))), json!({ "TimeoutSeconds": 100_000_000 })),
            &[("INVALID_VALUE", "/TimeoutSeconds")],
        ),
        case(
            "top-level TimeoutSeconds 1.5",
            with(one(pass(json!({}))), json!({ "TimeoutSeconds": 1.5 })),
            &[("INVALID_VALUE", "/TimeoutSeconds")],
        ),
        case(
            "top-level TimeoutSeconds as a string",
            with(one(pass(json!({}))), json!({ "TimeoutSeconds": "60" })),
            &[("WRONG_TYPE", "/TimeoutSeconds")],
        ),
        // ---- Task Resource ----
        valid(
            "Resource as a Lambda function ARN",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f" }))),
        ),
        valid(
            "Resource as an HTTP task",
            one(task(svc("arn:aws:states:::http:invoke"))),
        ),
        case(
            "Resource missing",
            one(json!({ "Type": "Task", "End": true })),
            &[("MISSING_FIELD", "/States/A")],
        ),
        case(
            "Resource not an ARN",
            one(task(json!({ "Resource": "my-function" }))),
            &[("INVALID_RESOURCE", "/States/A/Resource")],
        ),
        case(
            "Resource with too few ARN parts",
            one(task(json!({ "Resource": "arn:aws:lambda" }))),
            &[("INVALID_RESOURCE", "/States/A/Resource")],
        ),
        case(
            "Resource not a string",
            one(task(json!({ "Resource": 5 }))),
            &[("WRONG_TYPE", "/States/A/Resource")],
        ),
        case(
            "Resource as a JSONata expression",
            jsonata(json!({ "A": task(json!({ "Resource": "{% $states.input.arn %}" })) })),
            &[("INVALID_RESOURCE", "/States/A/Resource")],
        ),
        // ---- Task timeouts ----
        valid(
            "HeartbeatSeconds below TimeoutSeconds",
            one(task(json!({ "TimeoutSeconds": 60, "HeartbeatSeconds": 59 }))),
        ),
        valid(
            "TimeoutSecondsPath and HeartbeatSecondsPath",
            one(task(json!({ "TimeoutSecondsPath": "$.t", "HeartbeatSecondsPath": "$.h" }))),
        ),
        // ---- Task: Credentials (AWS refuses {} and other fields at CreateStateMachine) ----
        valid(
            "Credentials with RoleArn",
            one(task(json!({ "Credentials": { "RoleArn": "arn:aws:iam::123456789012:role/R" } }))),
        ),
        valid(
            "Credentials with RoleArn.$",
            one(task(json!({ "Credentials": { "RoleArn.$": "$.role" } }))),
        ),
        valid(
            "JSONata Credentials with an expression",
            jsonata(json!({ "A": task(json!({ "Credentials": { "RoleArn": "{% $states.input.role %}" } })) })),
        ),
        case(
            "empty Credentials",
            one(task(json!({ "Credentials": {} }))),
            &[("MISSING_FIELD", "/States/A/Credentials")],
        ),
        case(
            "Credentials with another field",
            one(task(json!({ "Credentials": { "RoleArn": "arn:aws:iam::123456789012:role/R", "InvalidField": "x" } }))),
            &[("UNKNOWN_FIELD", "/States/A/Credentials/InvalidField")],
        ),
        case(
            "JSONata Credentials with RoleArn.$",
            jsonata(json!({ "A": task(json!({ "Credentials": { "RoleArn.$": "$.role" } })) })),
            &[
                ("UNKNOWN_FIELD", "/States/A/Credentials/RoleArn.$"),
                ("MISSING_FIELD", "/States/A/Credentials"),
            ],
        ),
        case(
            "Credentials as a list",
            one(task(json!({ "Credentials": ["arn:aws:iam::123456789012:role/R"] }))),
            &[("WRONG_TYPE", "/States/A/Credentials")],
        ),
        // ---- Task: Lambda function ARNs, with a version or alias ----
        valid(
            "a Lambda ARN with an alias",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:live" }))),
        ),
        valid(
            "a Lambda ARN with $LATEST",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST" }))),
        ),
        valid(
            "a Lambda ARN with a version",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f.v2:7" }))),
        ),
        case(
            "a Lambda ARN with two qualifiers",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f:a:b" }))),
            &[("INVALID_RESOURCE", "/States/A/Resource")],
        ),
        case(
            "a Lambda ARN without function:",
            one(task(json!({ "Resource": "arn:aws:lambda:us-east-1:123456789012:f" }))),
            &[("INVALID_RESOURCE", "/States/A/Resource")],
        ),
        case(
            "TimeoutSeconds and TimeoutSecondsPath",
            one(task(json!({ "TimeoutSeconds": 60, "TimeoutSecondsPath": "$.t" }))),
            &[("CONFLICTING_FIELDS", "/States/A/TimeoutSecondsPath")],
        ),
        case(
            "HeartbeatSeconds and HeartbeatSecondsPath",
            one(task(json!({ "HeartbeatSeconds": 6, "HeartbeatSecondsPath": "$.h" }))),
            &[("CONFLICTING_FIELDS", "/States/A/HeartbeatSecondsPath")],
        ),
        case(
            "TimeoutSeconds 0",
            one(task(json!({ "TimeoutSeconds": 0 }))),
            &[("INVALID_VALUE", "/States/A/TimeoutSeconds")],
        ),
        case(
            "TimeoutSeconds 100000000",
            one(task(json!({ "TimeoutSeconds": 100_000_000 }))),
            &[("INVALID_VALUE", "/States/A/TimeoutSeconds")],
        ),
        case(
            "HeartbeatSeconds equal to TimeoutSeconds",
            one(task(json!({ "TimeoutSeconds": 60, "HeartbeatSeconds": 60 }))),
            &[("HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/A/HeartbeatSeconds")],
        ),
        case(
            "HeartbeatSeconds above TimeoutSeconds",
            one(task(json!({ "TimeoutSeconds": 60, "HeartbeatSeconds": 120 }))),
            &[("HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/A/HeartbeatSeconds")],
        ),
        case(
            "HeartbeatSeconds equal to the default timeout",
            one(task(json!({ "HeartbeatSeconds": 99_999_999 }))),
            &[("HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/A/HeartbeatSeconds")],
        ),
        valid(
            "JSONata TimeoutSeconds and HeartbeatSeconds expressions",
            jsonata(json!({ "A": task(json!({
                "TimeoutSeconds": "{% $states.input.t %}",
                "HeartbeatSeconds": "{% $states.input.h %}"
            })) })),
        ),
        case(
            "JSONPath TimeoutSeconds as a string",
            one(task(json!({ "TimeoutSeconds": "60" }))),
            &[("WRONG_TYPE", "/States/A/TimeoutSeconds")],
        ),
        case(
            "JSONPath HeartbeatSeconds as a JSONata expression",
            one(task(json!({ "HeartbeatSeconds": "{% 5 %}" }))),
            &[("WRONG_TYPE", "/States/A/HeartbeatSeconds")],
        ),
        case(
            "JSONata TimeoutSeconds as a plain string",
            jsonata(json!({ "A": task(json!({ "TimeoutSeconds": "60" })) })),
            &[("WRONG_TYPE", "/States/A/TimeoutSeconds")],
        ),
        valid(
            "TimeoutSeconds as a deploy-time placeholder",
            one(task(json!({ "TimeoutSeconds": "${TaskTimeout}" }))),
        ),
        // ---- Wait: exactly one of Seconds, Timestamp, SecondsPath, TimestampPath ----
        valid("Wait Seconds 0", one(wait(json!({ "Seconds": 0 })))),
        valid("Wait Seconds 99999999", one(wait(json!({ "Seconds": 99_999_999 })))),
        valid("Wait SecondsPath", one(wait(json!({ "SecondsPath": "$.s" })))),
        valid("Wait TimestampPath", one(wait(json!({ "TimestampPath": "$.t" })))),
        case(
            "Wait with no duration",
            one(wait(json!({}))),
            &[("MISSING_FIELD", "/States/A")],
        ),
        case(
            "Wait with Seconds and Timestamp",
            one(wait(json!({ "Seconds": 1, "Timestamp": "2026-03-14T01:59:00Z" }))),
            &[("CONFLICTING_FIELDS", "/States/A/Timestamp")],
        ),
        case(
            "Wait with SecondsPath and TimestampPath",
            one(wait(json!({ "SecondsPath": "$.s", "TimestampPath": "$.t" }))),
            &[("CONFLICTING_FIELDS", "/States/A/TimestampPath")],
        ),
        case(
            "Wait Seconds 100000000",
            one(wait(json!({ "Seconds": 100_000_000 }))),
            &[("INVALID_VALUE", "/States/A/Seconds")],
        ),
        case(
            "Wait Seconds -1",
            one(wait(json!({ "Seconds": -1 }))),
            &[("INVALID_VALUE", "/States/A/Seconds")],
        ),
        case(
            "JSONPath Wait Seconds as a string",
            one(wait(json!({ "Seconds": "10" }))),
            &[("WRONG_TYPE", "/States/A/Seconds")],
        ),
        valid(
            "Wait Seconds as a deploy-time placeholder",
            one(wait(json!({ "Seconds": "${WaitSeconds}" }))),
        ),
        // ---- Wait Timestamp: RFC 3339, uppercase T and Z ----
        valid("Timestamp in Z", one(wait(json!({ "Timestamp": "2026-03-14T01:59:00Z" })))),
        valid(
            "Timestamp with an offset and fraction",
            one(wait(json!({ "Timestamp": "2026-03-14T01:59:00.123+05:30" }))),
        ),
        valid(
            "JSONata Timestamp expression",
            jsonata(json!({ "A": wait(json!({ "Timestamp": "{% $states.input.when %}" })) })),
        ),
        case(
            "Timestamp with a space",
            one(wait(json!({ "Timestamp": "2026-03-14 01:59:00Z" }))),
            &[("INVALID_VALUE", "/States/A/Timestamp")],
        ),
        case(
            "Timestamp in lower case",
            one(wait(json!({ "Timestamp": "2026-03-14t01:59:00z" }))),
            &[("INVALID_VALUE", "/States/A/Timestamp")],
        ),
        case(
            "Timestamp without a zone",
            one(wait(json!({ "Timestamp": "2026-03-14T01:59:00" }))),
            &[("INVALID_VALUE", "/States/A/Timestamp")],
        ),
        valid(
            "Timestamp on a leap day",
            one(wait(json!({ "Timestamp": "2028-02-29T12:00:00Z" }))),
        ),
        case(
            "Timestamp on a day February does not have",
            one(wait(json!({ "Timestamp": "2026-02-30T01:59:00Z" }))),
            &[("INVALID_VALUE", "/States/A/Timestamp")],
        ),
        case(
            "Timestamp on 29 February of a common year",
            one(wait(json!({ "Timestamp": "2100-02-29T01:59:00Z" }))),
            &[("INVALID_VALUE", "/States/A/Timestamp")],
        ),
        // ---- Fail ----
        valid(
            "Fail with Error and CausePath",
            fail(json!({ "Error": "E", "CausePath": "$.cause" })),
        ),
        case(
            "Fail with Error and ErrorPath",
            fail(json!({ "Error": "E", "ErrorPath": "$.e" })),
            &[("CONFLICTING_FIELDS", "/States/F/ErrorPath")],
        ),
        case(
            "Fail with Cause and CausePath",
            fail(json!({ "Cause": "C", "CausePath": "$.c" })),
            &[("CONFLICTING_FIELDS", "/States/F/CausePath")],
        ),
        // ---- Choice needs Choices ----
        case(
            "Choices missing",
            sm(json!({ "C": { "Type": "Choice", "Default": "B" }, "B": { "Type": "Succeed" } })),
            &[("MISSING_FIELD", "/States/C")],
        ),
        case(
            "Choices empty",
            sm(json!({ "C": { "Type": "Choice", "Choices": [], "Default": "B" }, "B": { "Type": "Succeed" } })),
            &[("INVALID_VALUE", "/States/C/Choices")],
        ),
        case(
            "Choices not an array",
            sm(json!({ "C": { "Type": "Choice", "Choices": {}, "Default": "B" }, "B": { "Type": "Succeed" } })),
            &[("WRONG_TYPE", "/States/C/Choices")],
        ),
        // ---- Parallel needs Branches ----
        case(
            "Branches missing",
            one(json!({ "Type": "Parallel", "End": true })),
            &[("MISSING_FIELD", "/States/A")],
        ),
        case(
            "Branches empty",
            one(parallel(json!([]))),
            &[("INVALID_VALUE", "/States/A/Branches")],
        ),
        case(
            "branch not an object",
            one(parallel(json!(["X"]))),
            &[("WRONG_TYPE", "/States/A/Branches/0")],
        ),
        // ---- Retry and Catch: ErrorEquals ----
        valid(
            "Retry with every field in range, States.ALL last and alone",
            one(task(json!({ "Retry": [
                { "ErrorEquals": ["States.Timeout", "Custom.Error"], "IntervalSeconds": 1,
                  "MaxAttempts": 0, "BackoffRate": 1.0, "MaxDelaySeconds": 31_622_400,
                  "JitterStrategy": "FULL" },
                { "ErrorEquals": ["States.ALL"], "IntervalSeconds": 99_999_999,
                  "MaxAttempts": 99_999_999, "MaxDelaySeconds": 1, "JitterStrategy": "NONE" }
            ] }))),
        ),
        valid(
            "every error name Step Functions defines",
            one(task(json!({ "Retry": [{ "ErrorEquals": every_named_error }] }))),
        ),
        valid(
            "custom error names (not starting with States.)",
            one(task(json!({ "Catch": [{ "ErrorEquals": ["MyError", "Lambda.ServiceException"], "Next": "A" }] }))),
        ),
        case(
            "Retry ErrorEquals empty",
            one(task(json!({ "Retry": [{ "ErrorEquals": [] }] }))),
            &[("INVALID_ERROR_EQUALS", "/States/A/Retry/0/ErrorEquals")],
        ),
        case(
            "Catch ErrorEquals empty",
            one(task(json!({ "Catch": [{ "ErrorEquals": [], "Next": "A" }] }))),
            &[("INVALID_ERROR_EQUALS", "/States/A/Catch/0/ErrorEquals")],
        ),
        case(
            "Retry ErrorEquals missing",
            one(task(json!({ "Retry": [{ "MaxAttempts": 1 }] }))),
            &[("MISSING_FIELD", "/States/A/Retry/0")],
        ),
        case(
            "Catch ErrorEquals missing",
            one(task(json!({ "Catch": [{ "Next": "A" }] }))),
            &[("MISSING_FIELD", "/States/A/Catch/0")],
        ),
        case(
            "Catch ErrorEquals not an array",
            one(task(json!({ "Catch": [{ "ErrorEquals": "States.ALL", "Next": "A" }] }))),
            &[("WRONG_TYPE", "/States/A/Catch/0/ErrorEquals")],
        ),
        case(
            "States.ALL with another name",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL", "States.Timeout"] }] }))),
            &[("INVALID_ERROR_EQUALS", "/States/A/Retry/0/ErrorEquals")],
        ),
        case(
            "States.ALL in a Retry rule that is not last",
            one(task(json!({ "Retry": [
                { "ErrorEquals": ["States.ALL"] },
                { "ErrorEquals": ["States.Timeout"] }
            ] }))),
            &[("INVALID_ERROR_EQUALS", "/States/A/Retry/0/ErrorEquals")],
        ),
        case(
            "States.ALL in a Catch rule that is not last",
            one(task(json!({ "Catch": [
                { "ErrorEquals": ["States.ALL"], "Next": "A" },
                { "ErrorEquals": ["States.Timeout"], "Next": "A" }
            ] }))),
            &[("INVALID_ERROR_EQUALS", "/States/A/Catch/0/ErrorEquals")],
        ),
        case(
            "unknown States.* error (warning)",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.Tiemout", "Custom"] }] }))),
            &[("UNKNOWN_STATES_ERROR", "/States/A/Retry/0/ErrorEquals/0")],
        ),
        case(
            "error name not a string",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.Timeout", 5] }] }))),
            &[("WRONG_TYPE", "/States/A/Retry/0/ErrorEquals/1")],
        ),
        // ---- Retry and Catch: a rule whose every error an earlier rule names never runs ----
        case(
            "Catch rule shadowed by an earlier one",
            one(task(json!({ "Catch": [
                { "ErrorEquals": ["States.Timeout"], "Next": "A" },
                { "ErrorEquals": ["States.Timeout"], "Next": "A" }
            ] }))),
            &[("UNREACHABLE_RULE", "/States/A/Catch/1")],
        ),
        case(
            "Retry rule covered by two earlier ones",
            one(task(json!({ "Retry": [
                { "ErrorEquals": ["Custom.A"] },
                { "ErrorEquals": ["States.Timeout"] },
                { "ErrorEquals": ["States.Timeout", "Custom.A"], "MaxAttempts": 5 },
                { "ErrorEquals": ["States.ALL"] }
            ] }))),
            &[("UNREACHABLE_RULE", "/States/A/Retry/2")],
        ),
        valid(
            "rule naming one error no earlier rule names",
            one(task(json!({ "Retry": [
                { "ErrorEquals": ["States.Timeout"] },
                { "ErrorEquals": ["States.Timeout", "States.TaskFailed"] }
            ] }))),
        ),
        // ---- Retry: ranges and JitterStrategy ----
        case(
            "IntervalSeconds 0",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 0 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/IntervalSeconds")],
        ),
        case(
            "IntervalSeconds 100000000",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "IntervalSeconds": 100_000_000 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/IntervalSeconds")],
        ),
        case(
            "MaxAttempts -1",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxAttempts": -1 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/MaxAttempts")],
        ),
        case(
            "MaxAttempts 100000000",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxAttempts": 100_000_000 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/MaxAttempts")],
        ),
        case(
            "MaxDelaySeconds 0",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxDelaySeconds": 0 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/MaxDelaySeconds")],
        ),
        case(
            "MaxDelaySeconds 31622401",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxDelaySeconds": 31_622_401 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/MaxDelaySeconds")],
        ),
        case(
            "BackoffRate 0.5",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "BackoffRate": 0.5 }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/BackoffRate")],
        ),
        case(
            "BackoffRate as a string",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "BackoffRate": "2" }] }))),
            &[("WRONG_TYPE", "/States/A/Retry/0/BackoffRate")],
        ),
        case(
            "JitterStrategy PARTIAL",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "JitterStrategy": "PARTIAL" }] }))),
            &[("INVALID_VALUE", "/States/A/Retry/0/JitterStrategy")],
        ),
        case(
            "unknown retrier field",
            one(task(json!({ "Retry": [{ "ErrorEquals": ["States.ALL"], "MaxAttempt": 2 }] }))),
            &[("UNKNOWN_FIELD", "/States/A/Retry/0/MaxAttempt")],
        ),
        // ---- Catch needs Next ----
        case(
            "Catch without Next",
            one(task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"] }] }))),
            &[("MISSING_FIELD", "/States/A/Catch/0")],
        ),
        // ---- Map: inline vs distributed ----
        valid("inline Map", one(map(json!({ "ItemsPath": "$.items", "MaxConcurrency": 40 })))),
        valid(
            "distributed Map with every distributed field",
            one(dmap(json!({
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW",
                                      "CSVDelimiter": "SEMICOLON", "MaxItems": 100 },
                    "Parameters": { "Bucket": "b", "Key.$": "$.key" }
                },
                "ItemBatcher": { "MaxItemsPerBatch": 10, "BatchInput": { "run.$": "$$.Execution.Id" } },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": { "Bucket": "b", "Prefix": "out" },
                    "WriterConfig": { "OutputType": "JSONL", "Transformation": "FLATTEN" }
                },
                "ToleratedFailurePercentage": 100,
                "ToleratedFailureCount": 5,
                "Label": "batch",
                "MaxConcurrency": 1000
            }))),
        ),
        valid(
            "distributed Map with Path forms",
            one(dmap(json!({
                "ItemReader": { "Resource": "arn:aws:states:::s3:listObjectsV2",
                                "ReaderConfig": { "MaxItemsPath": "$.max" } },
                "ItemBatcher": { "MaxInputBytesPerBatchPath": "$.bytes" },
                "ToleratedFailurePercentagePath": "$.p",
                "ToleratedFailureCountPath": "$.c",
                "MaxConcurrencyPath": "$.m"
            }))),
        ),
        case(
            "inline Map with ItemReader",
            one(map(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject" } }))),
            &[("REQUIRES_DISTRIBUTED_MAP", "/States/A/ItemReader")],
        ),
        case(
            "inline Map with ItemBatcher",
            one(map(json!({ "ItemBatcher": { "MaxItemsPerBatch": 10 } }))),
            &[("REQUIRES_DISTRIBUTED_MAP", "/States/A/ItemBatcher")],
        ),
        case(
            "inline Map with ResultWriter",
            one(map(json!({ "ResultWriter": { "Resource": "arn:aws:states:::s3:putObject" } }))),
            &[("REQUIRES_DISTRIBUTED_MAP", "/States/A/ResultWriter")],
        ),
        case(
            // AWS runs inline Maps with tolerated failures (recorded in ../shared/conformance).
            "inline Map with tolerated failures and Label",
            one(map(json!({ "ToleratedFailurePercentage": 5, "ToleratedFailureCount": 1, "Label": "l" }))),
            &[("REQUIRES_DISTRIBUTED_MAP", "/States/A/Label")],
        ),
        case(
            "inline Map with ExecutionType",
            one(map(json!({ "ItemProcessor": with(inner("Item"),
                json!({ "ProcessorConfig": { "Mode": "INLINE", "ExecutionType": "EXPRESS" } })) }))),
            &[("REQUIRES_DISTRIBUTED_MAP", "/States/A/ItemProcessor/ProcessorConfig/ExecutionType")],
        ),
        case(
            "distributed Map without ExecutionType",
            one(map(json!({ "ItemProcessor": with(inner("Item"),
                json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED" } })) }))),
            &[("MISSING_FIELD", "/States/A/ItemProcessor/ProcessorConfig")],
        ),
        case(
            "unknown processor Mode",
            one(map(json!({ "ItemProcessor": with(inner("Item"),
                json!({ "ProcessorConfig": { "Mode": "PARALLEL" } })) }))),
            &[("INVALID_VALUE", "/States/A/ItemProcessor/ProcessorConfig/Mode")],
        ),
        case(
            // AWS accepts (and runs) the legacy Iterator in distributed mode.
            "distributed Map with the legacy Iterator",
            one(json!({ "Type": "Map", "End": true, "Iterator": with(
                inner("Item"),
                json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" } })
            ) })),
            &[],
        ),
        case(
            "Map with ItemProcessor and Iterator",
            one(map(json!({ "Iterator": inner("Other") }))),
            &[("CONFLICTING_FIELDS", "/States/A/Iterator")],
        ),
        case(
            "Map without a processor",
            one(json!({ "Type": "Map", "End": true })),
            &[("MISSING_FIELD", "/States/A")],
        ),
        // ---- Map: fields that exclude each other, ranges ----
        case(
            "MaxConcurrency and MaxConcurrencyPath",
            one(map(json!({ "MaxConcurrency": 1, "MaxConcurrencyPath": "$.m" }))),
            &[("CONFLICTING_FIELDS", "/States/A/MaxConcurrencyPath")],
        ),
        case(
            "ToleratedFailurePercentage and its Path",
            one(dmap(json!({ "ToleratedFailurePercentage": 1, "ToleratedFailurePercentagePath": "$.p" }))),
            &[("CONFLICTING_FIELDS", "/States/A/ToleratedFailurePercentagePath")],
        ),
        case(
            "ToleratedFailureCount and its Path",
            one(dmap(json!({ "ToleratedFailureCount": 1, "ToleratedFailureCountPath": "$.c" }))),
            &[("CONFLICTING_FIELDS", "/States/A/ToleratedFailureCountPath")],
        ),
        case(
            "ItemSelector and Parameters",
            one(map(json!({ "ItemSelector": {}, "Parameters": {} }))),
            &[("CONFLICTING_FIELDS", "/States/A/Parameters")],
        ),
        valid(
            "ToleratedFailurePercentage 0",
            one(dmap(json!({ "ToleratedFailurePercentage": 0 }))),
        ),
        case(
            "ToleratedFailurePercentage 101",
            one(dmap(json!({ "ToleratedFailurePercentage": 101 }))),
            &[("INVALID_VALUE", "/States/A/ToleratedFailurePercentage")],
        ),
        case(
            "ToleratedFailurePercentage -1",
            one(dmap(json!({ "ToleratedFailurePercentage": -1 }))),
            &[("INVALID_VALUE", "/States/A/ToleratedFailurePercentage")],
        ),
        case(
            "MaxConcurrency -1",
            one(map(json!({ "MaxConcurrency": -1 }))),
            &[("INVALID_VALUE", "/States/A/MaxConcurrency")],
        ),
        case(
            "JSONPath MaxConcurrency as a string",
            one(map(json!({ "MaxConcurrency": "10" }))),
            &[("WRONG_TYPE", "/States/A/MaxConcurrency")],
        ),
        case(
            "JSONPath tolerated failures as strings",
            one(dmap(json!({ "ToleratedFailureCount": "5", "ToleratedFailurePercentage": "10" }))),
            &[
                ("WRONG_TYPE", "/States/A/ToleratedFailureCount"),
                ("WRONG_TYPE", "/States/A/ToleratedFailurePercentage"),
            ],
        ),
        case(
            "JSONata tolerated failures as plain strings",
            jsonata(json!({ "A": dmap(json!({ "ToleratedFailureCount": "5", "ToleratedFailurePercentage": "{% 10 %}" })) })),
            &[("WRONG_TYPE", "/States/A/ToleratedFailureCount")],
        ),
        // ---- Map: ItemReader ----
        case(
            "ItemReader without Resource",
            one(dmap(json!({ "ItemReader": { "ReaderConfig": { "InputType": "JSON" } } }))),
            &[("MISSING_FIELD", "/States/A/ItemReader")],
        ),
        case(
            "ItemReader with an unknown field",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject", "Bucket": "b" } }))),
            &[("UNKNOWN_FIELD", "/States/A/ItemReader/Bucket")],
        ),
        case(
            "ReaderConfig InputType XML",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                                             "ReaderConfig": { "InputType": "XML" } } }))),
            &[("INVALID_VALUE", "/States/A/ItemReader/ReaderConfig/InputType")],
        ),
        case(
            "ReaderConfig CSVHeaderLocation and CSVDelimiter unknown",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "LAST_ROW", "CSVDelimiter": "COLON" } } }))),
            &[
                ("INVALID_VALUE", "/States/A/ItemReader/ReaderConfig/CSVHeaderLocation"),
                ("INVALID_VALUE", "/States/A/ItemReader/ReaderConfig/CSVDelimiter"),
            ],
        ),
        case(
            "ReaderConfig GIVEN headers without CSVHeaders",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "GIVEN" } } }))),
            &[("MISSING_FIELD", "/States/A/ItemReader/ReaderConfig")],
        ),
        case(
            "ReaderConfig CSVHeaders not a list of names",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", 2] } } }))),
            &[("WRONG_TYPE", "/States/A/ItemReader/ReaderConfig/CSVHeaders")],
        ),
        valid(
            "ReaderConfig GIVEN headers",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "amount"] },
                "Parameters": { "Bucket": "b", "Key": "k.csv" } } }))),
        ),
        case(
            "ReaderConfig MaxItems and MaxItemsPath",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": { "MaxItems": 1, "MaxItemsPath": "$.m" } } }))),
            &[("CONFLICTING_FIELDS", "/States/A/ItemReader/ReaderConfig/MaxItemsPath")],
        ),
        case(
            "JSONata ItemReader with Parameters",
            jsonata(json!({ "A": dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject", "Parameters": {} } })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemReader/Parameters")],
        ),
        case(
            "JSONPath ItemReader with Arguments",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject", "Arguments": {} } }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemReader/Arguments")],
        ),
        case(
            "JSONata ReaderConfig with MaxItemsPath",
            jsonata(json!({ "A": dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                                                              "ReaderConfig": { "MaxItemsPath": "$.m" } } })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemReader/ReaderConfig/MaxItemsPath")],
        ),
        valid(
            "JSONata distributed Map with Arguments and expressions",
            jsonata(json!({ "A": dmap(json!({
                "ItemReader": {
                    "Resource": "arn:aws:states:::s3:getObject",
                    "ReaderConfig": { "InputType": "JSON", "MaxItems": "{% $states.input.max %}" },
                    "Arguments": { "Bucket": "b", "Key": "{% $states.input.key %}" }
                },
                "ItemBatcher": { "MaxItemsPerBatch": "{% 2 * 5 %}", "MaxInputBytesPerBatch": 262_144 },
                "ResultWriter": {
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Arguments": { "Bucket": "b", "Prefix": "{% $states.input.prefix %}" }
                },
                "ToleratedFailureCount": "{% $states.input.failures %}",
                "Label": "{% 'batch' %}"
            })) })),
        ),
        case(
            "JSONPath ReaderConfig MaxItems as a string",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                                             "ReaderConfig": { "MaxItems": "100" } } }))),
            &[("WRONG_TYPE", "/States/A/ItemReader/ReaderConfig/MaxItems")],
        ),
        // Recorded on AWS (LocalStack's test_map_item_reader_csv_max_items[0]): 0 reads every item.
        valid(
            "ReaderConfig MaxItems 0 means no limit",
            one(dmap(json!({ "ItemReader": { "Resource": "arn:aws:states:::s3:getObject",
                                             "ReaderConfig": { "MaxItems": 0 } } }))),
        ),
        case(
            "ItemBatcher MaxItemsPerBatch and its Path",
            one(dmap(json!({ "ItemBatcher": { "MaxItemsPerBatch": 2, "MaxItemsPerBatchPath": "$.n" } }))),
            &[("CONFLICTING_FIELDS", "/States/A/ItemBatcher/MaxItemsPerBatchPath")],
        ),
        case(
            "ItemBatcher MaxInputBytesPerBatch and its Path",
            one(dmap(json!({ "ItemBatcher": { "MaxInputBytesPerBatch": 1024, "MaxInputBytesPerBatchPath": "$.b" } }))),
            &[("CONFLICTING_FIELDS", "/States/A/ItemBatcher/MaxInputBytesPerBatchPath")],
        ),
        valid(
            "ItemBatcher with both limits, one by path",
            one(dmap(json!({ "ItemBatcher": { "MaxItemsPerBatch": 2, "MaxInputBytesPerBatchPath": "$.b" } }))),
        ),
        // ---- Map: ItemBatcher needs a Max field ----
        valid(
            "ItemBatcher with MaxInputBytesPerBatch",
            one(dmap(json!({ "ItemBatcher": { "MaxInputBytesPerBatch": 1024 } }))),
        ),
        case(
            "ItemBatcher empty",
            one(dmap(json!({ "ItemBatcher": {} }))),
            &[("MISSING_FIELD", "/States/A/ItemBatcher")],
        ),
        case(
            "ItemBatcher with BatchInput only",
            one(dmap(json!({ "ItemBatcher": { "BatchInput": { "a": 1 } } }))),
            &[("MISSING_FIELD", "/States/A/ItemBatcher")],
        ),
        valid(
            "ItemBatcher with MaxInputBytesPerBatch 262144",
            one(dmap(json!({ "ItemBatcher": { "MaxInputBytesPerBatch": 262_144 } }))),
        ),
        case(
            "ItemBatcher with MaxInputBytesPerBatch 262145",
            one(dmap(json!({ "ItemBatcher": { "MaxInputBytesPerBatch": 262_145 } }))),
            &[("INVALID_VALUE", "/States/A/ItemBatcher/MaxInputBytesPerBatch")],
        ),
        case(
            "JSONPath ItemBatcher MaxItemsPerBatch as a string",
            one(dmap(json!({ "ItemBatcher": { "MaxItemsPerBatch": "10" } }))),
            &[("WRONG_TYPE", "/States/A/ItemBatcher/MaxItemsPerBatch")],
        ),
        case(
            "JSONata ItemBatcher with Path fields",
            jsonata(json!({ "A": dmap(json!({ "ItemBatcher": { "MaxItemsPerBatchPath": "$.n",
                                                               "MaxInputBytesPerBatchPath": "$.b" } })) })),
            &[
                ("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemBatcher/MaxItemsPerBatchPath"),
                ("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ItemBatcher/MaxInputBytesPerBatchPath"),
            ],
        ),
        case(
            "ItemBatcher with an unknown field",
            one(dmap(json!({ "ItemBatcher": { "MaxItemsPerBatch": 1, "MaxItems": 2 } }))),
            &[("UNKNOWN_FIELD", "/States/A/ItemBatcher/MaxItems")],
        ),
        // ---- Map: ResultWriter ----
        case(
            "WriterConfig enums unknown",
            one(dmap(json!({ "ResultWriter": { "WriterConfig": { "OutputType": "CSV", "Transformation": "ZIP" } } }))),
            &[
                ("INVALID_VALUE", "/States/A/ResultWriter/WriterConfig/OutputType"),
                ("INVALID_VALUE", "/States/A/ResultWriter/WriterConfig/Transformation"),
            ],
        ),
        case(
            "empty ResultWriter",
            one(dmap(json!({ "ResultWriter": {} }))),
            &[("MISSING_FIELD", "/States/A/ResultWriter")],
        ),
        valid(
            "ResultWriter with WriterConfig alone",
            one(dmap(json!({ "ResultWriter": { "WriterConfig": { "OutputType": "JSON" } } }))),
        ),
        case(
            "ResultWriter with Parameters and no Resource",
            one(dmap(json!({ "ResultWriter": { "Parameters": { "Bucket": "b", "Prefix": "p" } } }))),
            &[("MISSING_FIELD", "/States/A/ResultWriter")],
        ),
        case(
            "JSONPath ResultWriter with Arguments",
            one(dmap(json!({ "ResultWriter": { "Resource": "arn:aws:states:::s3:putObject",
                                               "Arguments": { "Bucket": "b", "Prefix": "p" } } }))),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ResultWriter/Arguments")],
        ),
        case(
            "JSONata ResultWriter with Parameters",
            jsonata(json!({ "A": dmap(json!({ "ResultWriter": { "Resource": "arn:aws:states:::s3:putObject",
                                                                "Parameters": { "Bucket": "b", "Prefix": "p" } } })) })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/A/ResultWriter/Parameters")],
        ),
        // ---- Map: Label, at most 40 characters, no whitespace or reserved characters, unique ----
        valid(
            "Label of 40 characters",
            one(dmap(json!({ "Label": label40 }))),
        ),
        case(
            "Label with a space",
            one(dmap(json!({ "Label": "my label" }))),
            &[("INVALID_VALUE", "/States/A/Label")],
        ),
        case(
            "Label of 41 characters",
            one(dmap(json!({ "Label": label41 }))),
            &[("INVALID_VALUE", "/States/A/Label")],
        ),
        case(
            "Label with a reserved character",
            one(dmap(json!({ "Label": "batch:1" }))),
            &[("INVALID_VALUE", "/States/A/Label")],
        ),
        valid(
            "Label as a deploy-time placeholder",
            one(dmap(json!({ "Label": "${MapLabel}" }))),
        ),
        case(
            "same Label on two Maps",
            sm(json!({
                "A": then(dmap(json!({ "Label": "batch" })), "B"),
                "B": dmap(json!({ "Label": "batch", "ItemProcessor": with(
                    inner("Inner"),
                    json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" } })
                ) }))
            })),
            &[("INVALID_VALUE", "/States/B/Label")],
        ),
        // ==== choice.rs =========================================================================

        // ---- rule shape (JSONPath) ----
        valid(
            "a rule of each operand kind, nested And/Or/Not",
            sm(json!({
                "C": { "Type": "Choice", "Default": "B", "Assign": { "limit": 10 }, "Choices": [
                    { "Variable": "$.s", "StringEquals": "a", "Next": "B" },
                    { "Variable": "$.s", "StringMatches": "log-*.txt", "Next": "B" },
                    { "Variable": "$.n", "NumericGreaterThan": 1.5, "Next": "B" },
                    { "Variable": "$.b", "BooleanEquals": true, "Next": "B" },
                    { "Variable": "$.t", "TimestampLessThan": "2026-03-14T01:59:00Z", "Next": "B" },
                    { "Variable": "$.s", "StringEqualsPath": "$.other", "Next": "B" },
                    { "Variable": "$.n", "NumericLessThanEqualsPath": "$limit", "Next": "B" },
                    { "Variable": "$.x", "IsPresent": false, "Next": "B" },
                    { "And": [
                        { "Variable": "$.n", "NumericGreaterThanEquals": 0 },
                        { "Or": [
                            { "Variable": "$.s", "IsString": true },
                            { "Not": { "Variable": "$.s", "IsNull": true } }
                        ] }
                    ], "Next": "B", "Comment": "nested" }
                ] },
                "B": { "Type": "Succeed" }
            })),
        ),
        case(
            "rule without a test",
            choice(json!({ "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        case(
            "rule with two operators",
            choice(json!({ "Variable": "$.x", "StringEquals": "a", "StringMatches": "a*", "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        case(
            "rule with an operator and And",
            choice(json!({ "Variable": "$.x", "IsPresent": true,
                           "And": [{ "Variable": "$.y", "IsPresent": true }], "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        case(
            "operator without Variable",
            choice(json!({ "StringEquals": "a", "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        case(
            "Variable not a string",
            choice(json!({ "Variable": 1, "StringEquals": "a", "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/Variable")],
        ),
        case(
            "Variable beside And",
            choice(json!({ "Variable": "$.x", "And": [{ "Variable": "$.y", "IsPresent": true }], "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0/Variable")],
        ),
        case(
            "nested rule with Next",
            choice(json!({ "And": [{ "Variable": "$.y", "IsPresent": true, "Next": "B" }], "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0/And/0/Next")],
        ),
        case(
            "rule inside Not with Next",
            choice(json!({ "Not": { "Variable": "$.y", "IsPresent": true, "Next": "B" }, "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0/Not/Next")],
        ),
        case(
            "top-level rule without Next",
            choice(json!({ "Variable": "$.x", "IsPresent": true })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        case(
            "rule not an object",
            choice(json!("$.x == 1")),
            &[("WRONG_TYPE", "/States/C/Choices/0")],
        ),
        case(
            "rule Next not a string",
            choice(json!({ "Variable": "$.x", "IsPresent": true, "Next": 1 })),
            &[("WRONG_TYPE", "/States/C/Choices/0/Next")],
        ),
        case(
            "And empty",
            choice(json!({ "And": [], "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0/And")],
        ),
        case(
            "And not an array",
            choice(json!({ "And": { "Variable": "$.y", "IsPresent": true }, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/And")],
        ),
        case(
            "Not not an object",
            choice(json!({ "Not": [{ "Variable": "$.y", "IsPresent": true }], "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/Not")],
        ),
        // ---- operand types ----
        valid(
            "placeholder operand",
            choice(json!({ "Variable": "$.n", "NumericEquals": "${Threshold}", "Next": "B" })),
        ),
        case(
            "StringEquals with a number",
            choice(json!({ "Variable": "$.x", "StringEquals": 1, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/StringEquals")],
        ),
        case(
            "StringMatches with a boolean",
            choice(json!({ "Variable": "$.x", "StringMatches": true, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/StringMatches")],
        ),
        case(
            "NumericEquals with a boolean",
            choice(json!({ "Variable": "$.x", "NumericEquals": true, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/NumericEquals")],
        ),
        case(
            "BooleanEquals with a number",
            choice(json!({ "Variable": "$.x", "BooleanEquals": 1, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/BooleanEquals")],
        ),
        case(
            "IsPresent with null",
            choice(json!({ "Variable": "$.x", "IsPresent": null, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/IsPresent")],
        ),
        case(
            "NumericEquals with a string",
            choice(json!({ "Variable": "$.x", "NumericEquals": "1", "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/NumericEquals")],
        ),
        case(
            "BooleanEquals with a string",
            choice(json!({ "Variable": "$.x", "BooleanEquals": "true", "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/BooleanEquals")],
        ),
        case(
            "IsPresent with a string",
            choice(json!({ "Variable": "$.x", "IsPresent": "true", "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/IsPresent")],
        ),
        case(
            "TimestampEquals with an impossible date",
            choice(json!({ "Variable": "$.t", "TimestampEquals": "2026-02-30T00:00:00Z", "Next": "B" })),
            &[("INVALID_VALUE", "/States/C/Choices/0/TimestampEquals")],
        ),
        case(
            "TimestampEquals with a date only",
            choice(json!({ "Variable": "$.t", "TimestampEquals": "2026-03-14", "Next": "B" })),
            &[("INVALID_VALUE", "/States/C/Choices/0/TimestampEquals")],
        ),
        case(
            "TimestampGreaterThan with a number",
            choice(json!({ "Variable": "$.t", "TimestampGreaterThan": 0, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/TimestampGreaterThan")],
        ),
        case(
            "StringEqualsPath with a number",
            choice(json!({ "Variable": "$.x", "StringEqualsPath": 5, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/StringEqualsPath")],
        ),
        case(
            "NumericEqualsPath not a path",
            choice(json!({ "Variable": "$.x", "NumericEqualsPath": "limit", "Next": "B" })),
            &[("INVALID_PATH", "/States/C/Choices/0/NumericEqualsPath")],
        ),
        case(
            "TimestampEqualsPath with a wildcard",
            choice(json!({ "Variable": "$.x", "TimestampEqualsPath": "$.t[*]", "Next": "B" })),
            &[("INVALID_REFERENCE_PATH", "/States/C/Choices/0/TimestampEqualsPath")],
        ),
        case(
            "Variable not a path",
            choice(json!({ "Variable": "x", "IsPresent": true, "Next": "B" })),
            &[("INVALID_PATH", "/States/C/Choices/0/Variable")],
        ),
        case(
            "operand type in a nested rule",
            choice(json!({ "Or": [{ "Variable": "$.x", "BooleanEquals": 1 }], "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/Or/0/BooleanEquals")],
        ),
        // ---- JSONata-only rule fields in a JSONPath Choice ----
        case(
            "Condition in a JSONPath state",
            choice(json!({ "Condition": "{% true %}", "Next": "B" })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/C/Choices/0/Condition")],
        ),
        case(
            "Output on a JSONPath rule",
            choice(json!({ "Variable": "$.x", "IsPresent": true, "Output": {}, "Next": "B" })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/C/Choices/0/Output")],
        ),
        // ---- JSONata rules ----
        valid(
            "JSONata rules: expression, literal, Output and Assign",
            sm(json!({
                "C": { "Type": "Choice", "QueryLanguage": "JSONata", "Default": "B", "Choices": [
                    { "Condition": "{% $states.input.n > 1 %}", "Next": "B",
                      "Output": { "n": "{% $states.input.n %}" }, "Assign": { "seen": true } },
                    { "Condition": false, "Next": "B" }
                ] },
                "B": { "Type": "Succeed" }
            })),
        ),
        case(
            "operator in a JSONata state",
            jsonata_choice(json!({ "Variable": "$.x", "NumericEquals": 1, "Next": "B" })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/C/Choices/0/NumericEquals")],
        ),
        case(
            "And in a JSONata state",
            jsonata_choice(json!({ "And": [{ "Condition": true }], "Next": "B" })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/C/Choices/0/And")],
        ),
        case(
            "Not in a JSONata state",
            jsonata_choice(json!({ "Not": { "Condition": true }, "Next": "B" })),
            &[("FIELD_NOT_IN_QUERY_LANGUAGE", "/States/C/Choices/0/Not")],
        ),
        case(
            "Condition a number",
            jsonata_choice(json!({ "Condition": 1, "Next": "B" })),
            &[("WRONG_TYPE", "/States/C/Choices/0/Condition")],
        ),
        case(
            "Condition without {% %}",
            jsonata_choice(json!({ "Condition": "$states.input.n > 1", "Next": "B" })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0/Condition")],
        ),
        case(
            "Condition that does not parse",
            jsonata_choice(json!({ "Condition": "{% $states.input.n > %}", "Next": "B" })),
            &[("INVALID_JSONATA", "/States/C/Choices/0/Condition")],
        ),
        case(
            "JSONata rule without Next",
            jsonata_choice(json!({ "Condition": true })),
            &[("INVALID_CHOICE_RULE", "/States/C/Choices/0")],
        ),
        // ==== expr.rs ===========================================================================

        // ---- Paths ----
        valid(
            "Paths with wildcards, variables, the context and null",
            one(pass(json!({ "InputPath": "$.items[*].id", "OutputPath": null, "Assign": { "total": 1 },
                             "Parameters": { "a.$": "$..x", "b.$": "$$.Execution.Id", "c.$": "$total" } }))),
        ),
        valid(
            "Jayway $.[0] and bracket names",
            one(pass(json!({ "InputPath": "$.[0]", "OutputPath": "$['a b'].c",
                             "Parameters": { "first.$": "$.[0].body" } }))),
        ),
        case(
            "InputPath without $",
            one(pass(json!({ "InputPath": "input" }))),
            &[("INVALID_PATH", "/States/A/InputPath")],
        ),
        case(
            "OutputPath with an unclosed bracket",
            one(pass(json!({ "OutputPath": "$.a[" }))),
            &[("INVALID_PATH", "/States/A/OutputPath")],
        ),
        valid(
            "Jayway filter operators: regex, in, nin, subsetof, anyof, noneof, size, empty, $",
            one(pass(json!({ "Parameters": {
                "a.$": "$.items[?(@.name =~ /ab.*/i)]",
                "b.$": "$.items[?(@.size in ['S', 'M'] && @.size nin [\"XL\"])]",
                "c.$": "$.items[?(@.tags subsetof ['x', 'y'] || @.tags anyof ['z'] || @.tags noneof [])]",
                "d.$": "$.items[?(@.tags size 2 && @.notes empty false)]",
                "e.$": "$.items[?(@.price < $.limit)]" } }))),
        ),
        case(
            "a filter that does not parse is an error, not a filter that selects nothing",
            one(pass(json!({ "Parameters": { "a.$": "$.items[?(@.price <> 3)]" } }))),
            &[("INVALID_PATH", "/States/A/Parameters/a.$")],
        ),
        case(
            "a regex flag Java has and Rust's regex has not",
            one(pass(json!({ "InputPath": "$.items[?(@.name =~ /a/u)]" }))),
            &[("INVALID_PATH", "/States/A/InputPath")],
        ),
        case(
            "look-around in a filter's regex",
            one(pass(json!({ "InputPath": "$.items[?(@.name =~ /a(?=b)/)]" }))),
            &[("INVALID_PATH", "/States/A/InputPath")],
        ),
        case(
            "TimeoutSecondsPath not a path",
            one(task(json!({ "TimeoutSecondsPath": "timeout" }))),
            &[("INVALID_PATH", "/States/A/TimeoutSecondsPath")],
        ),
        // ---- Reference Paths: one node only ----
        valid(
            "ResultPath null, name and index",
            one(task(json!({ "ResultPath": "$.a[0].b", "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A", "ResultPath": null }] }))),
        ),
        case(
            "ResultPath with a wildcard",
            one(task(json!({ "ResultPath": "$.a[*]" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ResultPath")],
        ),
        case(
            "ResultPath with a filter",
            one(task(json!({ "ResultPath": "$.a[?(@.x > 1)]" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ResultPath")],
        ),
        case(
            "ResultPath with '..'",
            one(pass(json!({ "ResultPath": "$..a" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ResultPath")],
        ),
        case(
            "ItemsPath with a wildcard",
            one(map(json!({ "ItemsPath": "$.items[*]" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ItemsPath")],
        ),
        case(
            "ItemsPath with a slice",
            one(map(json!({ "ItemsPath": "$.items[0:2]" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ItemsPath")],
        ),
        case(
            "SecondsPath with a union",
            one(wait(json!({ "SecondsPath": "$.a[0,1]" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/SecondsPath")],
        ),
        case(
            "ResultPath into the Context object",
            one(task(json!({ "ResultPath": "$$.Execution.Input" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ResultPath")],
        ),
        case(
            "ResultPath into a variable",
            one(task(json!({ "ResultPath": "$total" }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/ResultPath")],
        ),
        case(
            "Catch ResultPath into the Context object",
            one(task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A", "ResultPath": "$$.x" }] }))),
            &[("INVALID_REFERENCE_PATH", "/States/A/Catch/0/ResultPath")],
        ),
        case(
            "ResultPath not a string",
            one(task(json!({ "ResultPath": 1 }))),
            &[("WRONG_TYPE", "/States/A/ResultPath")],
        ),
        // ---- payload templates: .$ keys ----
        case(
            ".$ value a number",
            one(pass(json!({ "Parameters": { "n.$": 5 } }))),
            &[("WRONG_TYPE", "/States/A/Parameters/n.$")],
        ),
        case(
            ".$ value nested in objects and arrays",
            one(task(json!({ "ResultSelector": { "a": { "b.$": true }, "list": [{ "c.$": null }] } }))),
            &[
                ("WRONG_TYPE", "/States/A/ResultSelector/a/b.$"),
                ("WRONG_TYPE", "/States/A/ResultSelector/list/0/c.$"),
            ],
        ),
        case(
            ".$ value not a path",
            one(pass(json!({ "Parameters": { "n.$": "count" } }))),
            &[("INVALID_PATH", "/States/A/Parameters/n.$")],
        ),
        valid(
            "plain keys hold any value",
            one(pass(json!({ "Parameters": { "n": "count", "m": 5, "s": "States.Nope(" } }))),
        ),
        // ---- intrinsic functions ----
        valid(
            "well-formed intrinsics",
            one(pass(json!({ "Parameters": {
                "a.$": "States.Format('{} has {}', $.name, States.MathAdd($.n, 1))",
                "b.$": "States.MathRandom(1, 10)",
                "c.$": "States.Array()",
                "d.$": "States.JsonToString($.a)",
                "e.$": "States.UUID()",
                "f.$": "States.Hash($.data, 'SHA-256')"
            } }))),
        ),
        case(
            "malformed intrinsic",
            one(pass(json!({ "Parameters": { "x.$": "States.Format('{}', $.a" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "unterminated string in an intrinsic",
            one(pass(json!({ "Parameters": { "x.$": "States.Format('{})" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "unknown intrinsic",
            one(pass(json!({ "Parameters": { "x.$": "States.Concat('a', 'b')" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "intrinsic with too few arguments",
            one(pass(json!({ "Parameters": { "x.$": "States.MathAdd(1)" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "intrinsic with too many arguments",
            one(pass(json!({ "Parameters": { "x.$": "States.UUID(1)" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "nested intrinsic with the wrong arity",
            one(pass(json!({ "Parameters": { "x.$": "States.Format('{}', States.ArrayLength())" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "intrinsic in ItemSelector and Credentials",
            sm(json!({
                "M": { "Type": "Map", "ItemProcessor": inner("Item"), "Next": "T",
                       "ItemSelector": { "x.$": "States.Nope()" } },
                "T": task(json!({ "Credentials": { "RoleArn.$": "States.Nope()" } }))
            })),
            &[
                ("INVALID_INTRINSIC", "/States/M/ItemSelector/x.$"),
                ("INVALID_INTRINSIC", "/States/T/Credentials/RoleArn.$"),
            ],
        ),
        case(
            "States.Format with too few arguments for its template",
            one(pass(json!({ "Parameters": { "x.$": "States.Format('{} and {}', $.a)" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "States.Format with too many arguments for its template",
            one(pass(json!({ "Parameters": { "x.$": "States.Format('{}', $.a, $.b)" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        case(
            "nested States.Format with the wrong number of arguments",
            one(pass(json!({ "Parameters": { "x.$": "States.JsonToString(States.Format('{}-{}', $.a))" } }))),
            &[("INVALID_INTRINSIC", "/States/A/Parameters/x.$")],
        ),
        valid(
            "States.Format with escaped braces, a literal backslash and a template from a path",
            one(pass(json!({ "Parameters": {
                "x.$": "States.Format('\\{\\} {}', $.a)",
                "w.$": "States.Format('C:\\\\{}', $.dir)",
                "y.$": "States.Format($.template, $.a, $.b)"
            } }))),
        ),
        // ---- Fail ErrorPath and CausePath: Reference Path or intrinsic ----
        valid(
            "Fail CausePath intrinsic",
            fail(json!({ "ErrorPath": "$.error", "CausePath": "States.Format('failed: {}', $.reason)" })),
        ),
        case(
            "Fail CausePath malformed intrinsic",
            fail(json!({ "CausePath": "States.Format('{}'" })),
            &[("INVALID_INTRINSIC", "/States/F/CausePath")],
        ),
        case(
            "Fail ErrorPath not a path",
            fail(json!({ "ErrorPath": "error" })),
            &[("INVALID_PATH", "/States/F/ErrorPath")],
        ),
        case(
            "Fail ErrorPath with a wildcard",
            fail(json!({ "ErrorPath": "$.errors[*]" })),
            &[("INVALID_REFERENCE_PATH", "/States/F/ErrorPath")],
        ),
        // ---- payload templates: no two keys equal once .$ is stripped ----
        case(
            "Parameters with a and a.$",
            one(pass(json!({ "Parameters": { "a": 1, "a.$": "$.a" } }))),
            &[("CONFLICTING_FIELDS", "/States/A/Parameters/a.$")],
        ),
        case(
            "nested template and JSONPath Assign with x.$ and x",
            one(pass(json!({ "Parameters": { "o": { "x.$": "$.x", "x": 1 } },
                             "Assign": { "v": 1, "v.$": "$.v" } }))),
            &[
                ("CONFLICTING_FIELDS", "/States/A/Parameters/o/x"),
                ("CONFLICTING_FIELDS", "/States/A/Assign/v.$"),
            ],
        ),
        // ---- Fail ErrorPath and CausePath: only some intrinsics ----
        case(
            "Fail CausePath with States.MathAdd",
            fail(json!({ "CausePath": "States.MathAdd(1, 2)" })),
            &[("INVALID_INTRINSIC", "/States/F/CausePath")],
        ),
        valid(
            "Fail ErrorPath and CausePath with allowed intrinsics",
            fail(json!({ "ErrorPath": "States.ArrayGetItem($.errors, 0)",
                         "CausePath": "States.JsonToString($.cause)" })),
        ),
        // ---- JSONata expressions ----
        valid(
            "strings with a lone % are not JSONata",
            jsonata(json!({ "A": pass(json!({ "Output": { "msg": "50% off {%", "p": "100%}" } })) })),
        ),
        valid(
            "{% %} in a JSONPath state is a plain string",
            one(pass(json!({ "Parameters": { "a": "{% 1 + %}", "b": "x {% 1 %}" } }))),
        ),
        case(
            "Output that does not parse",
            jsonata(json!({ "A": pass(json!({ "Output": "{% $states.input.a + %}" })) })),
            &[("INVALID_JSONATA", "/States/A/Output")],
        ),
        case(
            "Arguments nested expression that does not parse",
            jsonata(json!({ "A": task(json!({ "Arguments": { "x": ["ok", "{% ( %}"] } })) })),
            &[("INVALID_JSONATA", "/States/A/Arguments/x/1")],
        ),
        case(
            "empty expression",
            with(json!({ "QueryLanguage": "JSONata" }), fail(json!({ "Error": "{%  %}" }))),
            &[("INVALID_JSONATA", "/States/F/Error")],
        ),
        case(
            "Map Items that does not parse",
            jsonata(json!({ "A": map(json!({ "Items": "{% [1, %}" })) })),
            &[("INVALID_JSONATA", "/States/A/Items")],
        ),
        case(
            "Catch Output that does not parse",
            jsonata(json!({ "A": task(json!({ "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "A",
                                                         "Output": "{% $states.errorOutput. %}" }] })) })),
            &[("INVALID_JSONATA", "/States/A/Catch/0/Output")],
        ),
        case(
            "text around {% %}",
            jsonata(json!({ "A": pass(json!({ "Output": "Total: {% $total %}" })) })),
            &[("JSONATA_NOT_WHOLE_STRING", "/States/A/Output")],
        ),
        case(
            "space before {%",
            jsonata(json!({ "A": task(json!({ "Arguments": { "x": " {% $x %}" } })) })),
            &[("JSONATA_NOT_WHOLE_STRING", "/States/A/Arguments/x")],
        ),
        case(
            "space after %}",
            jsonata(json!({ "A": wait(json!({ "Seconds": "{% $s %} " })) })),
            // Plain text, so not a number either.
            &[
                ("JSONATA_NOT_WHOLE_STRING", "/States/A/Seconds"),
                ("WRONG_TYPE", "/States/A/Seconds"),
            ],
        ),
        // ---- Assign variable names ----
        valid(
            "Assign names, JSONPath and JSONata",
            sm(json!({
                "A": { "Type": "Pass", "Next": "B",
                       "Assign": { "total.$": "$.total", "_x": 1, "größe": 2, "count2": "literal" } },
                "B": { "Type": "Pass", "End": true, "QueryLanguage": "JSONata",
                       "Assign": { "sum": "{% $total + 1 %}" } }
            })),
        ),
        valid(
            "JSONata Assign as one expression",
            jsonata(json!({ "A": pass(json!({ "Assign": "{% {'x': 1} %}" })) })),
        ),
        case(
            "Assign name starting with a digit",
            jsonata(json!({ "A": pass(json!({ "Assign": { "1x": 1 } })) })),
            &[("INVALID_VARIABLE_NAME", "/States/A/Assign/1x")],
        ),
        case(
            "Assign name with a dot or a hyphen",
            jsonata(json!({ "A": pass(json!({ "Assign": { "x.y": 1, "a-b": 2 } })) })),
            &[
                ("INVALID_VARIABLE_NAME", "/States/A/Assign/x.y"),
                ("INVALID_VARIABLE_NAME", "/States/A/Assign/a-b"),
            ],
        ),
        case(
            "Assign name of 81 characters",
            jsonata(json!({ "A": pass(json!({ "Assign": { var81.clone(): 1 } })) })),
            &[("INVALID_VARIABLE_NAME", &var81_pointer)],
        ),
        // Variables: read but never assigned (a warning), and inner scopes assigning outer ones.
        case(
            "JSONPath reads a variable nobody assigns",
            one(pass(json!({ "Parameters": { "x.$": "$missing" } }))),
            &[("UNASSIGNED_VARIABLE", "/States/A/Parameters/x.$")],
        ),
        case(
            "JSONata reads a variable nobody assigns",
            jsonata(json!({ "A": pass(json!({ "Output": "{% $missing + $states.input.x %}" })) })),
            &[("UNASSIGNED_VARIABLE", "/States/A/Output")],
        ),
        valid(
            "JSONata locals, lambda parameters and functions are not variables",
            jsonata(json!({ "A": pass(json!({ "Output": "{% ($f := function($v) { $v * 2 }; $map([1, 2], $f)) %}" })) })),
        ),
        case(
            "a Map iteration assigns a variable of the outer scope",
            json!({ "StartAt": "Set", "States": {
                "Set": { "Type": "Pass", "Assign": { "total": 0 }, "Next": "M" },
                "M": { "Type": "Map", "End": true, "ItemProcessor": { "StartAt": "Inner", "States": {
                    "Inner": { "Type": "Pass", "Assign": { "total": 1, "mine": 2 }, "End": true } } } } } }),
            &[("OUTER_VARIABLE_ASSIGNED", "/States/M/ItemProcessor/States/Inner/Assign/total")],
        ),
        valid(
            "a Map iteration reads an outer variable and assigns its own",
            json!({ "StartAt": "Set", "States": {
                "Set": { "Type": "Pass", "Assign": { "total": 0 }, "Next": "M" },
                "M": { "Type": "Map", "End": true, "ItemProcessor": { "StartAt": "Inner", "States": {
                    "Inner": { "Type": "Pass", "Assign": { "mine.$": "$total" }, "End": true } } } } } }),
        ),
        case(
            "Assign reserved name states (JSONata)",
            jsonata(json!({ "A": pass(json!({ "Assign": { "states": 1 } })) })),
            &[("INVALID_VARIABLE_NAME", "/States/A/Assign/states")],
        ),
        case(
            "Assign reserved name states (JSONPath .$)",
            one(pass(json!({ "Assign": { "states.$": "$.x" } }))),
            &[("INVALID_VARIABLE_NAME", "/States/A/Assign/states.$")],
        ),
        case(
            "JSONata Assign key with .$",
            jsonata(json!({ "A": pass(json!({ "Assign": { "x.$": "$.x" } })) })),
            &[("INVALID_VARIABLE_NAME", "/States/A/Assign/x.$")],
        ),
        case(
            "Assign in a Catcher and a Choice rule",
            sm(json!({
                "A": { "Type": "Task", "Resource": LAMBDA, "Next": "C",
                       "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "C", "Assign": { "1e": 1 } }] },
                "C": { "Type": "Choice", "Default": "B",
                       "Choices": [{ "Variable": "$.x", "IsPresent": true, "Next": "B", "Assign": { "bad name": 1 } }] },
                "B": { "Type": "Succeed" }
            })),
            &[
                ("INVALID_VARIABLE_NAME", "/States/A/Catch/0/Assign/1e"),
                ("INVALID_VARIABLE_NAME", "/States/C/Choices/0/Assign/bad name"),
            ],
        ),
        case(
            "JSONPath Assign .$ value not a path",
            one(pass(json!({ "Assign": { "total.$": "count" } }))),
            &[("INVALID_PATH", "/States/A/Assign/total.$")],
        ),
        case(
            "JSONata Assign value that does not parse",
            jsonata(json!({ "A": pass(json!({ "Assign": { "x": "{% 1 + %}" } })) })),
            &[("INVALID_JSONATA", "/States/A/Assign/x")],
        ),
        case(
            "Assign not an object",
            one(pass(json!({ "Assign": "x" }))),
            &[("WRONG_TYPE", "/States/A/Assign")],
        ),
        // ==== service.rs ========================================================================

        // ---- required parameters of optimized integrations, from the catalog's forms ----
        valid(
            "Lambda Invoke with a FunctionName",
            one(task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": { "FunctionName": "work", "Payload.$": "$" } }))),
        ),
        valid(
            "Lambda Invoke with FunctionName from the input",
            one(task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": { "FunctionName.$": "$.fn" } }))),
        ),
        valid(
            "Lambda Invoke with FunctionName from a placeholder",
            one(task(json!({ "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Parameters": { "FunctionName": "${WorkFunction}", "Payload": { "T.$": "$$.Task.Token" } } }))),
        ),
        valid(
            "JSONata Lambda Invoke with FunctionName as an expression",
            jsonata(json!({ "A": task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": { "FunctionName": "{% $states.input.fn %}" } })) })),
        ),
        valid(
            "JSONata Arguments as one expression are not looked into",
            jsonata(json!({ "A": task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": "{% $states.input %}" })) })),
        ),
        valid(
            "SNS Publish to a TargetArn instead of a TopicArn",
            one(task(json!({ "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TargetArn": "arn:aws:sns:us-east-1:123456789012:endpoint/x", "Message.$": "$" } }))),
        ),
        valid(
            "AWS SDK integrations are not checked",
            one(task(json!({ "Resource": "arn:aws:states:::aws-sdk:dynamodb:query" }))),
        ),
        case(
            "Lambda Invoke without Parameters",
            one(task(json!({ "Resource": "arn:aws:states:::lambda:invoke" }))),
            &[("SCHEMA_VALIDATION_FAILED", "/States/A")],
        ),
        case(
            "Lambda Invoke with an empty FunctionName",
            one(task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": { "FunctionName": "", "Payload.$": "$" } }))),
            &[("SCHEMA_VALIDATION_FAILED", "/States/A/Parameters/FunctionName")],
        ),
        case(
            "DynamoDB PutItem without an Item, with an empty TableName",
            one(task(json!({ "Resource": "arn:aws:states:::dynamodb:putItem",
                "Parameters": { "TableName": "" } }))),
            &[
                ("SCHEMA_VALIDATION_FAILED", "/States/A/Parameters"),
                ("SCHEMA_VALIDATION_FAILED", "/States/A/Parameters/TableName"),
            ],
        ),
        case(
            "DynamoDB GetItem with an empty Key",
            one(task(json!({ "Resource": "arn:aws:states:::dynamodb:getItem",
                "Parameters": { "TableName": "t", "Key": {} } }))),
            &[("SCHEMA_VALIDATION_FAILED", "/States/A/Parameters/Key")],
        ),
        case(
            "JSONata Lambda Invoke without FunctionName in its Arguments",
            jsonata(json!({ "A": task(json!({ "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": { "Payload": "{% $states.input %}" } })) })),
            &[("SCHEMA_VALIDATION_FAILED", "/States/A/Arguments")],
        ),
        case(
            "SQS SendMessage in a Map's processor without its MessageBody",
            one(map(json!({ "ItemProcessor": sm(json!({ "Send": task(json!({
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q" } })) })) }))),
            &[("SCHEMA_VALIDATION_FAILED", "/States/A/ItemProcessor/States/Send/Parameters")],
        ),

        // ==== workflow_type.rs ==================================================================

        // ---- Express: request-response only, no activities, no distributed Map, 5 minutes ----
        valid(
            "Express: request-response Lambda, Wait 300, TimeoutSeconds 300",
            with(
                sm(json!({ "A": { "Type": "Wait", "Seconds": 300, "Next": "T" }, "T": task(json!({})) })),
                json!({ "TimeoutSeconds": 300 }),
            ),
        )
        .express(),
        valid(
            "no workflow type: .sync is not checked",
            one(task(svc("arn:aws:states:::ecs:runTask.sync"))),
        ),
        valid(
            "Standard: .sync, .waitForTaskToken and activities",
            sm(json!({
                "A": then(task(svc("arn:aws:states:::ecs:runTask.sync")), "B"),
                "B": then(task(svc("arn:aws:states:::sqs:sendMessage.waitForTaskToken")), "C"),
                "C": task(json!({ "Resource": "arn:aws:states:us-east-1:123456789012:activity:Approve" }))
            })),
        )
        .standard(),
        case(
            "Express: .sync",
            one(task(svc("arn:aws:states:::ecs:runTask.sync"))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/Resource")],
        )
        .express(),
        case(
            "Express: .sync:2",
            one(task(svc("arn:aws:states:::states:startExecution.sync:2"))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/Resource")],
        )
        .express(),
        case(
            "Express: .waitForTaskToken",
            one(task(svc("arn:aws:states:::sqs:sendMessage.waitForTaskToken"))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/Resource")],
        )
        .express(),
        case(
            "Express: activity",
            one(task(json!({ "Resource": "arn:aws:states:us-east-1:123456789012:activity:Approve" }))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/Resource")],
        )
        .express(),
        case(
            "Express: distributed Map",
            one(dmap(json!({}))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A")],
        )
        .express(),
        case(
            "Express: Wait longer than 5 minutes",
            one(wait(json!({ "Seconds": 301 }))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/Seconds")],
        )
        .express(),
        case(
            "Express: TimeoutSeconds longer than 5 minutes",
            with(one(pass(json!({}))), json!({ "TimeoutSeconds": 301 })),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/TimeoutSeconds")],
        )
        .express(),
        case(
            "Express: .waitForTaskToken inside an inline Map and a Parallel branch",
            sm(json!({
                "M": { "Type": "Map", "Next": "P", "ItemProcessor": sm(json!({ "Item": task(svc("arn:aws:states:::sqs:sendMessage.waitForTaskToken")) })) },
                "P": parallel(json!([sm(json!({ "X": task(json!({
                    "Resource": "arn:aws:states:us-east-1:123456789012:activity:Approve" })) }))]))
            })),
            &[
                ("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/M/ItemProcessor/States/Item/Resource"),
                ("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/P/Branches/0/States/X/Resource"),
            ],
        )
        .express(),
        // ---- distributed Map children run as their ExecutionType says ----
        valid(
            "Standard: STANDARD children may use .sync",
            one(dmap(json!({ "ItemProcessor": with(
                sm(json!({ "Item": task(svc("arn:aws:states:::glue:startJobRun.sync")) })),
                json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" } })
            ) }))),
        )
        .standard(),
        case(
            "Standard: EXPRESS children cannot use .sync",
            one(dmap(json!({ "ItemProcessor": with(
                sm(json!({ "Item": task(svc("arn:aws:states:::glue:startJobRun.sync")) })),
                json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" } })
            ) }))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/ItemProcessor/States/Item/Resource")],
        )
        .standard(),
        case(
            "Standard: EXPRESS children cannot wait 10 minutes",
            one(dmap(json!({ "ItemProcessor": with(
                sm(json!({ "Item": wait(json!({ "Seconds": 600 })) })),
                json!({ "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" } })
            ) }))),
            &[("NOT_ALLOWED_IN_WORKFLOW_TYPE", "/States/A/ItemProcessor/States/Item/Seconds")],
        )
        .standard(),
        // ==== definitions that must stay valid ==================================================
        valid(
            "deploy-time placeholders",
            sm(json!({
                "A": { "Type": "Task", "Resource": "${ProcessFunctionArn}", "Next": "B" },
                "B": { "Type": "Task", "Next": "W",
                       "Resource": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:f" },
                "W": wait(json!({ "Timestamp": "${Deadline}" }))
            })),
        ),
        valid(
            "legacy Iterator with Parameters",
            one(json!({
                "Type": "Map",
                "ItemsPath": "$.items",
                "MaxConcurrency": 0,
                "Parameters": { "item.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index" },
                "Iterator": sm(json!({ "Work": task(json!({})) })),
                "ResultPath": "$.results",
                "End": true
            })),
        ),
        valid(
            "JSONata-only workflow",
            jsonata(json!({
                "Start": { "Type": "Pass", "Next": "Call",
                           "Assign": { "orderId": "{% $states.input.id %}" },
                           "Output": { "items": "{% $states.input.items %}" } },
                "Call": { "Type": "Task", "Resource": LAMBDA, "Next": "Check",
                          "Arguments": { "FunctionName": "f", "Payload": { "id": "{% $orderId %}" } },
                          "Output": "{% $states.result.Payload %}",
                          "TimeoutSeconds": "{% $states.input.timeout %}",
                          "Retry": [{ "ErrorEquals": ["States.TaskFailed"], "MaxAttempts": 2 }],
                          "Catch": [{ "ErrorEquals": ["States.ALL"], "Next": "Failed",
                                      "Output": "{% $states.errorOutput %}" }] },
                "Check": { "Type": "Choice", "Default": "Each",
                           "Choices": [{ "Condition": "{% $count($states.input.items) = 0 %}", "Next": "Done" }] },
                "Each": { "Type": "Map", "Items": "{% $states.input.items %}", "Next": "Pause",
                          "MaxConcurrency": "{% 2 * 5 %}",
                          "ItemSelector": { "value": "{% $states.context.Map.Item.Value %}" },
                          "ItemProcessor": sm(json!({ "Item": pass(json!({ "Output": "{% $states.input.value %}" })) })) },
                "Pause": { "Type": "Wait", "Seconds": "{% 1 + 1 %}", "Next": "Both" },
                "Both": { "Type": "Parallel", "Next": "Done",
                          "Arguments": "{% $states.input %}",
                          "Branches": [sm(json!({ "Left": pass(json!({})) })), sm(json!({ "Right": pass(json!({})) }))] },
                "Done": { "Type": "Succeed", "Output": "{% $states.input %}" },
                "Failed": { "Type": "Fail", "Error": "{% 'Order' & $orderId %}", "Cause": "failed" }
            })),
        ),
        valid(
            "JSONPath machine with one JSONata state",
            sm(json!({
                "Prepare": { "Type": "Pass", "Parameters": { "id.$": "$.order.id" }, "ResultPath": "$.prepared", "Next": "Call" },
                "Call": { "Type": "Task", "QueryLanguage": "JSONata", "Resource": LAMBDA, "Next": "Finish",
                          "Arguments": { "Payload": "{% $states.input.prepared %}" },
                          "Output": { "result": "{% $states.result.Payload %}" } },
                "Finish": { "Type": "Pass", "InputPath": "$.result", "OutputPath": "$", "End": true }
            })),
        ),
    ]
}

// ------------------------------------------------------------------------------------------------
// The tests
// ------------------------------------------------------------------------------------------------

#[test]
fn table() {
    let cases = cases();
    let mut names = BTreeSet::new();
    let mut failures = Vec::new();
    for case in &cases {
        assert!(
            names.insert(case.name),
            "two cases are named {:?}",
            case.name
        );
        let text = serde_json::to_string_pretty(&case.definition).expect("a definition serialises");
        let diags = diagnostics(&text, Format::Json, case.workflow_type);
        let actual = pairs(&diags);
        if actual != case.expected {
            failures.push(format!(
                "  {}\n    expected: {:?}\n    actual:   {:?}\n{}",
                case.name,
                case.expected,
                actual,
                describe(&diags)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Codes that come from reading the text, not from the validator; they have their own tests
/// (the last two in `tests/crafted_inputs.rs`).
const PARSE_CODES: &[&str] = &[
    "INVALID_JSON",
    "INVALID_YAML",
    "DUPLICATE_KEY",
    "NESTING_TOO_DEEP",
    "TOO_MANY_ALIASES",
];

/// Codes about deploy-time placeholders and their values; `tests/placeholders.rs` has their table.
const SUBSTITUTION_CODES: &[&str] = &[
    "PLACEHOLDERS",
    "INVALID_SUBSTITUTION",
    "UNUSED_SUBSTITUTION",
    "UNRESOLVED_SUBSTITUTION",
];

/// Codes no rule emits yet (none now). A code listed here is exempt from the coverage test; the
/// test also fails when one of them starts being emitted, so the exemption and a real case are
/// removed and added together.
const NOT_EMITTED: &[&str] = &[];

#[test]
fn every_code_has_a_case() {
    let cases = cases();
    let covered: BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.expected.iter().map(|(code, _)| code.as_str()))
        .collect();
    let missing: Vec<&str> = Code::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| {
            !covered.contains(c)
                && !PARSE_CODES.contains(c)
                && !SUBSTITUTION_CODES.contains(c)
                && !NOT_EMITTED.contains(c)
        })
        .collect();
    assert!(
        missing.is_empty(),
        "codes with no case in the table: {missing:?}"
    );
    for code in NOT_EMITTED {
        assert!(
            !covered.contains(code),
            "{code} now has a case: remove it from NOT_EMITTED"
        );
        assert!(
            Code::ALL.iter().any(|c| c.as_str() == *code),
            "{code} is not a code any more"
        );
    }
}

// ---- reading: INVALID_JSON, INVALID_YAML, DUPLICATE_KEY ----

#[test]
fn malformed_json_is_invalid_json_with_its_location() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"States\": {\n    \"A\": { \"Type\": \"Pass\" \"End\": true }\n  }\n}";
    let err = Document::parse(text, Format::Json).expect_err("the text is not JSON");
    assert_eq!(err.code.as_str(), "INVALID_JSON");
    assert_eq!(err.severity, Severity::Error);
    assert_eq!(err.pointer.as_str(), "");
    assert_eq!(err.location.map(|l| l.line), Some(4), "{err:?}");
}

#[test]
fn truncated_json_is_invalid_json() {
    let err = Document::parse("{\"StartAt\": \"A\",", Format::Json).expect_err("truncated");
    assert_eq!(err.code.as_str(), "INVALID_JSON");
    assert!(err.location.is_some());
}

#[test]
fn malformed_yaml_is_invalid_yaml_with_its_location() {
    let text = "StartAt: A\nStates:\n  A: {Type: Pass, End: true\n";
    let err = Document::parse(text, Format::Yaml).expect_err("the text is not YAML");
    assert_eq!(err.code.as_str(), "INVALID_YAML");
    assert_eq!(err.severity, Severity::Error);
    assert!(err.location.is_some(), "{err:?}");
}

#[test]
fn duplicate_json_key_is_a_warning_and_the_last_one_counts() {
    let text = r#"{
  "StartAt": "A",
  "States": {
    "A": { "Type": "Pass", "Next": "Nowhere", "Next": "B" },
    "B": { "Type": "Succeed" }
  }
}"#;
    let doc = Document::parse(text, Format::Json).expect("duplicate keys still parse");
    assert_eq!(
        pairs(doc.read_warnings()),
        [("DUPLICATE_KEY".to_owned(), "/States/A/Next".to_owned())]
    );
    let diags = validate(&doc, &Options::default());
    assert_eq!(
        pairs(&diags),
        [("DUPLICATE_KEY".to_owned(), "/States/A/Next".to_owned())],
        "{}",
        describe(&diags)
    );
    let dup = &diags[0];
    assert_eq!(dup.severity, Severity::Warning);
    assert_eq!(dup.location.map(|l| l.line), Some(4));
}

#[test]
fn duplicate_yaml_key_is_a_warning() {
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n    End: true\n";
    let doc = Document::parse(text, Format::Yaml).expect("duplicate keys still parse");
    let diags = validate(&doc, &Options::default());
    assert_eq!(
        pairs(&diags),
        [("DUPLICATE_KEY".to_owned(), "/States/A/End".to_owned())],
        "{}",
        describe(&diags)
    );
    assert_eq!(diags[0].location, Some(Location { line: 6, column: 5 }));
}

// ---- line:column ----

#[test]
fn a_missing_required_parameter_says_which_field_to_fill_and_where() {
    let text = r#"{
  "StartAt": "Put",
  "States": {
    "Put": {
      "Type": "Task",
      "Resource": "arn:aws:states:::dynamodb:putItem",
      "Parameters": {
        "TableName": ""
      },
      "End": true
    }
  }
}"#;
    let diags = diagnostics(text, Format::Json, None);
    let found: Vec<(String, Option<Location>, &str)> = diags
        .iter()
        .filter(|d| d.code == Code::RequiredParameter)
        .map(|d| (d.pointer.to_string(), d.location, d.message.as_str()))
        .collect();
    assert_eq!(found.len(), 2, "{}", describe(&diags));
    // The missing Item at the Parameters object, the empty TableName at its value.
    assert_eq!(found[0].0, "/States/Put/Parameters");
    assert_eq!(found[0].1, Some(Location { line: 7, column: 7 }));
    assert!(
        found[0].2.starts_with(
            "The field 'Item' is required by Amazon DynamoDB PutItem but is missing: fill in Item."
        ),
        "{}",
        found[0].2
    );
    assert_eq!(found[1].0, "/States/Put/Parameters/TableName");
    assert_eq!(found[1].1, Some(Location { line: 8, column: 9 }));
    assert!(
        found[1].2.contains("'TableName' is required"),
        "{}",
        found[1].2
    );
    assert!(
        diags
            .iter()
            .all(|d| d.code != Code::RequiredParameter || d.is_error())
    );
}

#[test]
fn json_diagnostics_point_at_the_key_line_and_column() {
    let text = r#"{
  "StartAt": "A",
  "States": {
    "A": {
      "Type": "Pass",
      "Next": "Nowhere"
    },
    "B": {
      "Type": "Task",
      "Resource": "not-an-arn",
      "End": true
    }
  }
}"#;
    let diags = diagnostics(text, Format::Json, None);
    let find = |code: &str| {
        diags
            .iter()
            .find(|d| d.code.as_str() == code)
            .unwrap_or_else(|| panic!("no {code}:\n{}", describe(&diags)))
    };
    assert_eq!(
        find("MISSING_TRANSITION_TARGET").location,
        Some(Location { line: 6, column: 7 })
    );
    assert_eq!(
        find("INVALID_RESOURCE").location,
        Some(Location {
            line: 10,
            column: 7
        })
    );
    assert_eq!(
        find("UNREACHABLE_STATE").location,
        Some(Location { line: 8, column: 5 })
    );
    // Diagnostics come back in text order.
    let lines: Vec<u32> = diags
        .iter()
        .filter_map(|d| d.location.map(|l| l.line))
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(lines, sorted, "{}", describe(&diags));
}

#[test]
fn json_columns_count_characters_not_bytes() {
    let text = "{\"StartAt\": \"é\", \"States\": {\"é\": {\"Type\": \"Pass\", \"Next\": \"Nowhere\"}, \"X\": {\"Type\": \"Succeed\"}}}";
    let diags = diagnostics(text, Format::Json, None);
    let d = diags
        .iter()
        .find(|d| d.code.as_str() == "MISSING_TRANSITION_TARGET")
        .unwrap_or_else(|| panic!("{}", describe(&diags)));
    let column = text
        .find("\"Next\"")
        .map(|byte| text[..byte].chars().count() + 1)
        .and_then(|c| u32::try_from(c).ok());
    assert_eq!(d.location.map(|l| l.column), column);
    assert_eq!(d.location.map(|l| l.line), Some(1));
}

#[test]
fn yaml_diagnostics_have_line_and_column() {
    let text = "\
Comment: a YAML definition
StartAt: A
States:
  A:
    Type: Pass
    Next: Nowhere
  B:
    Type: Wait
    Seconds: 100000000
    End: true
";
    let diags = diagnostics(text, Format::Yaml, None);
    assert_eq!(
        pairs(&diags),
        [
            ("INVALID_VALUE".to_owned(), "/States/B/Seconds".to_owned()),
            (
                "MISSING_TRANSITION_TARGET".to_owned(),
                "/States/A/Next".to_owned()
            ),
            ("UNREACHABLE_STATE".to_owned(), "/States/B".to_owned()),
        ],
        "{}",
        describe(&diags)
    );
    let at = |code: &str| {
        diags
            .iter()
            .find(|d| d.code.as_str() == code)
            .and_then(|d| d.location)
    };
    assert_eq!(
        at("MISSING_TRANSITION_TARGET"),
        Some(Location { line: 6, column: 5 })
    );
    assert_eq!(
        at("UNREACHABLE_STATE"),
        Some(Location { line: 7, column: 3 })
    );
    assert_eq!(at("INVALID_VALUE"), Some(Location { line: 9, column: 5 }));
}

#[test]
fn the_table_gives_the_same_pairs_from_yaml() {
    let mut failures = Vec::new();
    for case in cases() {
        let yaml = Document::from_value(case.definition.clone(), Format::Yaml);
        let diags = validate(
            &yaml,
            &Options {
                workflow_type: case.workflow_type,
                ..Default::default()
            },
        );
        let actual = pairs(&diags);
        if actual != case.expected {
            failures.push(format!(
                "  {}\n    expected: {:?}\n    actual:   {:?}\n{}\n--- YAML ---\n{}",
                case.name,
                case.expected,
                actual,
                describe(&diags),
                yaml.source_text()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
