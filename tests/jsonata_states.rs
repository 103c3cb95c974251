//! JSONata states and workflow variables, as AWS documents them in "Transforming data with
//! JSONata in Step Functions" and "Passing data between states with variables".
//!
//! Each case is a small definition, an input, optional Task results and the expected outcome:
//! the execution's output (compared by value) or its error name with a substring of its cause.
//! Task states without a scripted result echo the request they receive, so a case can check
//! what `Arguments` evaluated to. Where AWS's documentation is silent, a comment on the case
//! says which behaviour was chosen.

use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::tasks::{TableResolver, TaskOutcome, TaskRequest, TaskResolver};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// The resource of every Task here (the resolver, not the resource, answers).
const FN: &str = "arn:aws:lambda:us-east-1:123456789012:function:work";

#[derive(Debug)]
enum Expect {
    Output(Value),
    Error {
        error: &'static str,
        cause: &'static str,
    },
}

#[derive(Debug)]
struct Case {
    name: &'static str,
    definition: Value,
    input: Value,
    tasks: Vec<(&'static str, TaskOutcome)>,
    expect: Expect,
}

impl Case {
    fn task(mut self, state: &'static str, outcome: TaskOutcome) -> Self {
        self.tasks.push((state, outcome));
        self
    }
}

fn case(name: &'static str, definition: Value, input: Value, expect: Expect) -> Case {
    Case {
        name,
        definition,
        input,
        tasks: Vec::new(),
        expect,
    }
}

fn ok(output: Value) -> Expect {
    Expect::Output(output)
}

fn err(error: &'static str, cause: &'static str) -> Expect {
    Expect::Error { error, cause }
}

/// `States.QueryEvaluationError` with a substring of its cause.
fn query_err(cause: &'static str) -> Expect {
    err("States.QueryEvaluationError", cause)
}

fn success(value: Value) -> TaskOutcome {
    TaskOutcome::Success(Val::from(value))
}

fn failure(error: &str, cause: &str) -> TaskOutcome {
    TaskOutcome::Failure {
        error: error.to_owned(),
        cause: cause.to_owned(),
    }
}

/// A JSONata state machine.
fn machine(start: &str, states: Value) -> Value {
    let mut m = json!({"QueryLanguage": "JSONata", "StartAt": start});
    m["States"] = states;
    m
}

/// A state machine with the default query language (JSONPath).
fn jsonpath_machine(start: &str, states: Value) -> Value {
    let mut m = json!({"StartAt": start});
    m["States"] = states;
    m
}

/// Adds `"End": true` to a state that needs a transition and has none.
fn ended(mut state: Value) -> Value {
    let needs_end = matches!(
        state["Type"].as_str(),
        Some("Pass" | "Task" | "Wait" | "Map" | "Parallel")
    );
    if needs_end && state.get("Next").is_none() && state.get("End").is_none() {
        state["End"] = json!(true);
    }
    state
}

/// A JSONata machine of one state named `S`.
fn one(state: Value) -> Value {
    machine("S", json!({"S": ended(state)}))
}

/// A JSONata machine of one Pass state with this Output.
fn pass_output(output: Value) -> Value {
    let mut state = json!({"Type": "Pass"});
    state["Output"] = output;
    one(state)
}

/// A sub-workflow (Map ItemProcessor, Parallel branch) of one state named `I`.
fn inner(state: Value) -> Value {
    json!({"StartAt": "I", "States": {"I": ended(state)}})
}

/// A case evaluating one expression (as a Pass state's Output) against an input.
fn expr(name: &'static str, expression: &str, input: Value, expected: Value) -> Case {
    case(
        name,
        pass_output(json!(format!("{{% {expression} %}}"))),
        input,
        ok(expected),
    )
}

/// A case whose expression fails with `States.QueryEvaluationError`.
fn expr_err(name: &'static str, expression: &str, input: Value, cause: &'static str) -> Case {
    case(
        name,
        pass_output(json!(format!("{{% {expression} %}}"))),
        input,
        query_err(cause),
    )
}

/// Scripted results for the states named in the table; every other Task echoes its request.
#[derive(Debug)]
struct Resolver {
    table: TableResolver,
    scripted: HashSet<&'static str>,
}

impl TaskResolver for Resolver {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        if self.scripted.contains(request.state_name) {
            self.table.invoke(request)
        } else {
            TaskOutcome::Success(request.input.clone())
        }
    }
}

fn check(case: &Case) -> Result<(), String> {
    let doc = Document::from_value(case.definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    let program = Program::compile(&machine).map_err(|e| format!("does not compile: {e:?}"))?;
    let mut table = TableResolver::new();
    for (state, outcome) in &case.tasks {
        table = table.with(state, outcome.clone());
    }
    let resolver = Resolver {
        table,
        scripted: case.tasks.iter().map(|(s, _)| *s).collect(),
    };
    let mut exec = Execution::new(
        Arc::new(program),
        Val::from(&case.input),
        Config::default(),
        Box::new(resolver),
    );
    let mut status = exec.run().clone();
    // Nobody answers a pending task: let virtual time pass so its timeout fires.
    for _ in 0..4 {
        if status != Status::WaitingForCallback {
            break;
        }
        exec.let_time_pass();
        status = exec.run().clone();
    }
    match (&case.expect, &status) {
        (Expect::Output(want), Status::Succeeded(got)) => {
            if got.json_eq(&Val::from(want)) {
                Ok(())
            } else {
                Err(format!("output {} but expected {want}", got.to_value()))
            }
        }
        (Expect::Error { error, cause }, Status::Failed { error: e, cause: c }) => {
            let c = c.as_deref().unwrap_or_default();
            if &**e == *error && c.contains(cause) {
                Ok(())
            } else {
                Err(format!(
                    "failed with {e}: {c:?} but expected {error} with a cause containing {cause:?}"
                ))
            }
        }
        (want, got) => Err(format!("ended {got:?} but expected {want:?}")),
    }
}

fn run_cases(selected: impl Fn(&Case) -> bool) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases().iter().filter(|c| selected(c)) {
        count += 1;
        if let Err(m) = check(case) {
            failures.push(format!("{}: {m}", case.name));
        }
    }
    (count, failures)
}

#[test]
fn the_table_is_large_and_names_are_unique() {
    let cases = cases();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut names = HashSet::new();
    for c in &cases {
        assert!(names.insert(c.name), "duplicate case name {}", c.name);
    }
}

#[test]
fn jsonata_states_behave_as_aws_documents() {
    let (count, failures) = run_cases(|_| true);
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    vec![
        // ------------------------------------------------------------------------------------
        // Output on a Pass state: any JSON value; strings that are whole `{% %}` expressions
        // are evaluated, at any depth; everything else is a literal.
        // ------------------------------------------------------------------------------------
        case(
            "pass_output_literal_object",
            pass_output(json!({"a": 1, "b": "x", "c": [true, null]})),
            json!({"ignored": true}),
            ok(json!({"a": 1, "b": "x", "c": [true, null]})),
        ),
        case(
            "pass_output_literal_number",
            pass_output(json!(42)),
            json!({}),
            ok(json!(42)),
        ),
        case(
            "pass_output_literal_string",
            pass_output(json!("hello")),
            json!({}),
            ok(json!("hello")),
        ),
        case(
            "pass_output_literal_false",
            pass_output(json!(false)),
            json!({}),
            ok(json!(false)),
        ),
        case(
            "pass_output_literal_null",
            pass_output(json!(null)),
            json!({"a": 1}),
            ok(json!(null)),
        ),
        case(
            "pass_output_literal_array",
            pass_output(json!([1, "two", {"three": 3}])),
            json!({}),
            ok(json!([1, "two", {"three": 3}])),
        ),
        case(
            "pass_output_whole_expression",
            pass_output(json!("{% $states.input.a %}")),
            json!({"a": {"b": [1, 2]}}),
            ok(json!({"b": [1, 2]})),
        ),
        case(
            "pass_output_nested_literals_and_expressions",
            pass_output(json!({
                "static": "Hello",
                "sum": "{% $states.input.a + $states.input.b %}",
                "list": [1, "{% $states.input.a %}", {"deep": "{% $states.input.b * 2 %}"}],
                "flag": true
            })),
            json!({"a": 2, "b": 5}),
            ok(json!({"static": "Hello", "sum": 7, "list": [1, 2, {"deep": 10}], "flag": true})),
        ),
        case(
            "pass_output_expression_inside_array",
            pass_output(json!(["{% $states.input.x %}", "lit", "{% $states.input.x & '!' %}"])),
            json!({"x": "hi"}),
            ok(json!(["hi", "lit", "hi!"])),
        ),
        case(
            "pass_without_output_passes_its_input",
            one(json!({"Type": "Pass"})),
            json!({"keep": [1, 2]}),
            ok(json!({"keep": [1, 2]})),
        ),
        case(
            "pass_output_expression_builds_object",
            pass_output(json!("{% {'k': $states.input.a, 'n': 1} %}")),
            json!({"a": "v"}),
            ok(json!({"k": "v", "n": 1})),
        ),
        case(
            "pass_output_expression_builds_array",
            pass_output(json!("{% [$states.input.a, $states.input.b] %}")),
            json!({"a": 1, "b": 2}),
            ok(json!([1, 2])),
        ),
        case(
            "output_expression_without_inner_spaces",
            pass_output(json!("{%1+1%}")),
            json!({}),
            ok(json!(2)),
        ),
        // The whole-string rule: the delimiters must open and close the string. AWS's
        // validator warns about misplaced delimiters; at run time the string is a literal.
        case(
            "output_leading_space_is_literal",
            pass_output(json!(" {% 1 + 1 %}")),
            json!({}),
            ok(json!(" {% 1 + 1 %}")),
        ),
        case(
            "output_trailing_space_is_literal",
            pass_output(json!({"v": "{% 1 + 1 %} "})),
            json!({}),
            ok(json!({"v": "{% 1 + 1 %} "})),
        ),
        case(
            "output_text_around_expression_is_literal",
            pass_output(json!("total: {% 1 + 1 %}")),
            json!({}),
            ok(json!("total: {% 1 + 1 %}")),
        ),
        case(
            "output_jsonpath_looking_string_is_literal",
            pass_output(json!({"v": "$.a", "w": "$states.input.a"})),
            json!({"a": 1}),
            ok(json!({"v": "$.a", "w": "$states.input.a"})),
        ),
        case(
            "output_undefined_fields_inside_an_expression_object_are_dropped",
            pass_output(json!("{% {'a': $states.input.missing, 'b': 1} %}")),
            json!({}),
            ok(json!({"b": 1})),
        ),
        // ------------------------------------------------------------------------------------
        // Output on the other state types.
        // ------------------------------------------------------------------------------------
        case(
            "task_output_defaults_to_result",
            one(json!({"Type": "Task", "Resource": FN})),
            json!({"in": 1}),
            ok(json!({"out": 2})),
        )
        .task("S", success(json!({"out": 2}))),
        case(
            "task_output_reads_result_and_input",
            one(json!({"Type": "Task", "Resource": FN, "Output": {
                "price": "{% $states.result.price %}",
                "id": "{% $states.input.id %}",
                "source": "shop"
            }})),
            json!({"id": 7}),
            ok(json!({"price": 12.5, "id": 7, "source": "shop"})),
        )
        .task("S", success(json!({"price": 12.5, "other": true}))),
        case(
            "task_output_whole_result_expression",
            one(json!({"Type": "Task", "Resource": FN, "Output": "{% $states.result.items[1] %}"})),
            json!({}),
            ok(json!("b")),
        )
        .task("S", success(json!({"items": ["a", "b"]}))),
        case(
            "task_output_literal_discards_result",
            one(json!({"Type": "Task", "Resource": FN, "Output": {"done": true}})),
            json!({}),
            ok(json!({"done": true})),
        )
        .task("S", success(json!({"big": "payload"}))),
        case(
            "choice_state_output_applies_when_a_rule_matches",
            machine("C", json!({
                "C": {"Type": "Choice", "Output": {"seen": "{% $states.input.n %}"},
                      "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "Done"}]},
                "Done": {"Type": "Succeed"}
            })),
            json!({"n": 5}),
            ok(json!({"seen": 5})),
        ),
        case(
            "choice_rule_output_replaces_state_output",
            machine("C", json!({
                "C": {"Type": "Choice", "Output": "state level",
                      "Choices": [{"Condition": "{% true %}", "Next": "Done",
                                   "Output": {"rule": "{% $states.input.n + 1 %}"}}]},
                "Done": {"Type": "Succeed"}
            })),
            json!({"n": 1}),
            ok(json!({"rule": 2})),
        ),
        case(
            "choice_default_uses_state_output",
            machine("C", json!({
                "C": {"Type": "Choice", "Output": "{% 'default:' & $states.input.n %}",
                      "Choices": [{"Condition": "{% false %}", "Next": "Done",
                                   "Output": "rule"}],
                      "Default": "Done"},
                "Done": {"Type": "Succeed"}
            })),
            json!({"n": 3}),
            ok(json!("default:3")),
        ),
        case(
            "choice_without_output_passes_input",
            machine("C", json!({
                "C": {"Type": "Choice",
                      "Choices": [{"Condition": "{% true %}", "Next": "Done"}]},
                "Done": {"Type": "Succeed"}
            })),
            json!({"n": 3}),
            ok(json!({"n": 3})),
        ),
        case(
            "wait_output",
            one(json!({"Type": "Wait", "Seconds": 1,
                       "Output": {"waited": true, "a": "{% $states.input.a %}"}})),
            json!({"a": "x"}),
            ok(json!({"waited": true, "a": "x"})),
        ),
        case(
            "wait_without_output_passes_input",
            one(json!({"Type": "Wait", "Seconds": 1})),
            json!({"a": "x"}),
            ok(json!({"a": "x"})),
        ),
        case(
            "succeed_output_expression",
            one(json!({"Type": "Succeed", "Output": "{% $states.input.a * 10 %}"})),
            json!({"a": 4}),
            ok(json!(40)),
        ),
        case(
            "succeed_without_output_passes_input",
            one(json!({"Type": "Succeed"})),
            json!({"a": 4}),
            ok(json!({"a": 4})),
        ),
        case(
            "map_default_output_is_the_result_array",
            one(json!({"Type": "Map",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input * 2 %}"}))})),
            json!([1, 2, 3]),
            ok(json!([2, 4, 6])),
        ),
        case(
            "map_output_reads_result",
            one(json!({"Type": "Map",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input * 2 %}"})),
                       "Output": {"total": "{% $sum($states.result) %}", "n": "{% $count($states.input) %}"}})),
            json!([1, 2, 3]),
            ok(json!({"total": 12, "n": 3})),
        ),
        case(
            "parallel_default_output_is_the_branch_outputs",
            one(json!({"Type": "Parallel", "Branches": [
                inner(json!({"Type": "Pass", "Output": "left"})),
                inner(json!({"Type": "Pass", "Output": "{% $states.input.v %}"}))
            ]})),
            json!({"v": "right"}),
            ok(json!(["left", "right"])),
        ),
        case(
            "parallel_output_reads_result",
            one(json!({"Type": "Parallel", "Branches": [
                inner(json!({"Type": "Pass", "Output": "a"})),
                inner(json!({"Type": "Pass", "Output": "b"}))
            ], "Output": "{% $states.result[0] & $states.result[1] %}"})),
            json!({}),
            ok(json!("ab")),
        ),
        // ------------------------------------------------------------------------------------
        // $states: input, result, errorOutput, context.
        // ------------------------------------------------------------------------------------
        case(
            "states_input_is_the_whole_state_input",
            pass_output(json!("{% $states.input %}")),
            json!({"a": [1, {"b": null}]}),
            ok(json!({"a": [1, {"b": null}]})),
        ),
        case(
            "states_input_is_the_state_input_not_the_execution_input",
            machine("A", json!({
                "A": {"Type": "Pass", "Output": {"b": 2}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}
            })),
            json!({"a": 1}),
            ok(json!({"b": 2})),
        ),
        case(
            "context_execution_input_is_the_original_input",
            machine("A", json!({
                "A": {"Type": "Pass", "Output": {"b": 2}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $states.context.Execution.Input.a %}", "End": true}
            })),
            json!({"a": 1}),
            ok(json!(1)),
        ),
        case(
            "context_state_name",
            machine("First", json!({
                "First": {"Type": "Pass", "Next": "Second"},
                "Second": {"Type": "Pass", "Output": "{% $states.context.State.Name %}", "End": true}
            })),
            json!({}),
            ok(json!("Second")),
        ),
        case(
            "context_retry_count_starts_at_zero",
            pass_output(json!("{% $states.context.State.RetryCount %}")),
            json!({}),
            ok(json!(0)),
        ),
        // The names come from the studio's default Config (AWS uses the real names).
        case(
            "context_state_machine_and_execution_names",
            pass_output(json!({
                "machine": "{% $states.context.StateMachine.Name %}",
                "execution": "{% $states.context.Execution.Name %}"
            })),
            json!({}),
            ok(json!({"machine": "StateMachine", "execution": "local-execution"})),
        ),
        // The virtual clock starts at the Config's start time, 2026-01-01T00:00:00Z.
        case(
            "context_entered_time_is_a_timestamp",
            pass_output(json!("{% $substring($states.context.State.EnteredTime, 0, 19) %}")),
            json!({}),
            ok(json!("2026-01-01T00:00:00")),
        ),
        case(
            "context_whole_object_has_execution_and_state",
            pass_output(json!("{% $sort($keys($states.context)) %}")),
            json!({}),
            ok(json!(["Execution", "State", "StateMachine"])),
        ),
        case(
            "map_item_selector_reads_item_index_and_value",
            one(json!({"Type": "Map",
                       "ItemSelector": {"i": "{% $states.context.Map.Item.Index %}",
                                        "v": "{% $states.context.Map.Item.Value %}"},
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!(["a", "b"]),
            ok(json!([{"i": 0, "v": "a"}, {"i": 1, "v": "b"}])),
        ),
        case(
            "map_item_selector_reads_the_map_state_input",
            one(json!({"Type": "Map",
                       "Items": "{% $states.input.list %}",
                       "ItemSelector": {"v": "{% $states.context.Map.Item.Value %}",
                                        "tag": "{% $states.input.tag %}"},
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({"list": [1, 2], "tag": "t"}),
            ok(json!([{"v": 1, "tag": "t"}, {"v": 2, "tag": "t"}])),
        ),
        case(
            "map_item_selector_whole_expression",
            one(json!({"Type": "Map",
                       "ItemSelector": "{% $states.context.Map.Item.Value * 10 %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!([1, 2, 3]),
            ok(json!([10, 20, 30])),
        ),
        case(
            "map_item_selector_literal",
            one(json!({"Type": "Map",
                       "ItemSelector": {"k": 1},
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!([7, 8]),
            ok(json!([{"k": 1}, {"k": 1}])),
        ),
        case(
            "map_iteration_input_is_the_item",
            one(json!({"Type": "Map",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input.name %}"}))})),
            json!([{"name": "a"}, {"name": "b"}]),
            ok(json!(["a", "b"])),
        ),
        case(
            "states_result_is_undefined_in_a_pass_state",
            pass_output(json!({"r": "{% $states.result %}"})),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "states_error_output_is_undefined_outside_a_catch",
            pass_output(json!("{% $states.errorOutput %}")),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        // ------------------------------------------------------------------------------------
        // Arguments: what a Task sends (the echoing resolver returns it) and a Parallel's
        // branch input.
        // ------------------------------------------------------------------------------------
        case(
            "task_arguments_mix_literals_and_expressions",
            one(json!({"Type": "Task", "Resource": FN, "Arguments": {
                "static": "Hello",
                "title": "{% $states.input.title %}",
                "not-evaluated": "$customerName"
            }})),
            json!({"title": "Dr"}),
            ok(json!({"static": "Hello", "title": "Dr", "not-evaluated": "$customerName"})),
        ),
        case(
            "task_arguments_whole_expression",
            one(json!({"Type": "Task", "Resource": FN,
                       "Arguments": "{% $states.input.payload %}"})),
            json!({"payload": {"k": [1, 2]}}),
            ok(json!({"k": [1, 2]})),
        ),
        case(
            "task_without_arguments_sends_its_input",
            one(json!({"Type": "Task", "Resource": FN})),
            json!({"whole": "input"}),
            ok(json!({"whole": "input"})),
        ),
        case(
            "task_arguments_literal_string",
            one(json!({"Type": "Task", "Resource": FN, "Arguments": "just text"})),
            json!({}),
            ok(json!("just text")),
        ),
        case(
            "task_arguments_nested_arrays",
            one(json!({"Type": "Task", "Resource": FN, "Arguments": {
                "rows": [["{% $states.input.a %}", 2], {"x": "{% $states.input.a + 1 %}"}]
            }})),
            json!({"a": 1}),
            ok(json!({"rows": [[1, 2], {"x": 2}]})),
        ),
        case(
            "task_arguments_read_the_context",
            one(json!({"Type": "Task", "Resource": FN,
                       "Arguments": {"state": "{% $states.context.State.Name %}"}})),
            json!({}),
            ok(json!({"state": "S"})),
        ),
        case(
            "task_arguments_read_a_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"customerName": "Ada"}, "Next": "T"},
                "T": {"Type": "Task", "Resource": FN,
                      "Arguments": {"name": "{% $customerName %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"name": "Ada"})),
        ),
        case(
            "task_output_sees_arguments_only_through_result",
            one(json!({"Type": "Task", "Resource": FN, "Arguments": {"x": 1},
                       "Output": {"sent": "{% $states.result %}", "input": "{% $states.input %}"}})),
            json!({"y": 2}),
            ok(json!({"sent": {"x": 1}, "input": {"y": 2}})),
        ),
        case(
            "task_arguments_undefined_names_the_field",
            one(json!({"Type": "Task", "Resource": FN,
                       "Arguments": {"x": "{% $states.input.missing %}"}})),
            json!({}),
            query_err("'Arguments/x' returned nothing (undefined)"),
        ),
        case(
            "parallel_arguments_are_each_branch_input",
            one(json!({"Type": "Parallel", "Arguments": {"n": "{% $states.input.v * 10 %}"},
                       "Branches": [
                           inner(json!({"Type": "Pass", "Output": "{% $states.input.n + 1 %}"})),
                           inner(json!({"Type": "Pass", "Output": "{% $states.input.n * 2 %}"}))
                       ]})),
            json!({"v": 2}),
            ok(json!([21, 40])),
        ),
        case(
            "parallel_without_arguments_gives_branches_its_input",
            one(json!({"Type": "Parallel", "Branches": [
                inner(json!({"Type": "Pass"})),
                inner(json!({"Type": "Pass", "Output": "{% $states.input.v %}"}))
            ]})),
            json!({"v": 2}),
            ok(json!([{"v": 2}, 2])),
        ),
        case(
            "parallel_branch_task_receives_branch_input",
            one(json!({"Type": "Parallel", "Arguments": {"k": "{% $states.input.k %}"},
                       "Branches": [inner(json!({"Type": "Task", "Resource": FN}))]})),
            json!({"k": "v", "other": 1}),
            ok(json!([{"k": "v"}])),
        ),
        // ------------------------------------------------------------------------------------
        // Assign: variables set from the input and the result; every assignment of a state
        // and its Output see the values from before the state.
        // ------------------------------------------------------------------------------------
        case(
            "assign_literal_then_read",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"productName": "product1", "count": 42, "available": true}, "Next": "B"},
                "B": {"Type": "Pass", "Output": ["{% $productName %}", "{% $count %}", "{% $available %}"], "End": true}
            })),
            json!({}),
            ok(json!(["product1", 42, true])),
        ),
        case(
            "assign_from_input",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"product": "{% $states.input.order.product %}"}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $product %}", "End": true}
            })),
            json!({"order": {"product": "p-9"}}),
            ok(json!("p-9")),
        ),
        case(
            "assign_from_task_result",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN,
                      "Assign": {"currentPrice": "{% $states.result.Payload.current_price %}"},
                      "Output": {}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $currentPrice %}", "End": true}
            })),
            json!({}),
            ok(json!(19.99)),
        )
        .task("T", success(json!({"Payload": {"current_price": 19.99}}))),
        case(
            "assign_keeps_output_independent",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}
            })),
            json!({"in": true}),
            ok(json!({"in": true})),
        ),
        case(
            "assignments_of_one_state_see_the_old_values",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"a": 1, "b": 2}, "Next": "Swap"},
                "Swap": {"Type": "Pass", "Assign": {"a": "{% $b %}", "b": "{% $a %}"}, "Next": "Show"},
                "Show": {"Type": "Pass", "Output": {"a": "{% $a %}", "b": "{% $b %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"a": 2, "b": 1})),
        ),
        case(
            "assign_reads_a_variable_assigned_in_the_same_state_as_its_old_value",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
                "B": {"Type": "Pass", "Assign": {"x": 5, "y": "{% $x + 1 %}"}, "Next": "Show"},
                "Show": {"Type": "Pass", "Output": [ "{% $x %}", "{% $y %}"], "End": true}
            })),
            json!({}),
            ok(json!([5, 2])),
        ),
        case(
            "output_sees_variables_from_before_the_state",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
                "B": {"Type": "Pass", "Assign": {"x": 2}, "Output": "{% $x %}", "End": true}
            })),
            json!({}),
            ok(json!(1)),
        ),
        case(
            "assign_overwrites_for_later_states",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
                "B": {"Type": "Pass", "Assign": {"x": 2}, "Next": "C"},
                "C": {"Type": "Pass", "Output": "{% $x %}", "End": true}
            })),
            json!({}),
            ok(json!(2)),
        ),
        case(
            "assign_nested_object_with_expressions",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"cfg": {"lit": 1, "dyn": "{% $states.input.a %}", "list": ["{% $states.input.a %}"]}}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $cfg %}", "End": true}
            })),
            json!({"a": "z"}),
            ok(json!({"lit": 1, "dyn": "z", "list": ["z"]})),
        ),
        case(
            "assign_null_value",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"n": null}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $n = null %}", "End": true}
            })),
            json!({}),
            ok(json!(true)),
        ),
        case(
            "assign_whole_input",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"saved": "{% $states.input %}"}, "Output": {}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $saved %}", "End": true}
            })),
            json!({"k": [1, 2]}),
            ok(json!({"k": [1, 2]})),
        ),
        case(
            "variables_outlive_the_next_state",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": "kept"}, "Next": "B"},
                "B": {"Type": "Pass", "Output": 1, "Next": "C"},
                "C": {"Type": "Pass", "Output": 2, "Next": "D"},
                "D": {"Type": "Pass", "Output": "{% $x %}", "End": true}
            })),
            json!({}),
            ok(json!("kept")),
        ),
        case(
            "variables_combine_in_expressions",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"price": 3, "qty": 4}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $price * $qty %}", "End": true}
            })),
            json!({}),
            ok(json!(12)),
        ),
        case(
            "assign_in_wait_state",
            machine("W", json!({
                "W": {"Type": "Wait", "Seconds": 1, "Assign": {"w": "{% $states.input.a %}"}, "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $w %}", "End": true}
            })),
            json!({"a": "waited"}),
            ok(json!("waited")),
        ),
        case(
            "assign_undefined_names_the_field",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"v": "{% $states.input.missing %}"}, "End": true}
            })),
            json!({}),
            query_err("'Assign/v' returned nothing (undefined)"),
        ),
        case(
            "task_assign_with_result_and_output_together",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN,
                      "Assign": {"id": "{% $states.result.id %}"},
                      "Output": {"status": "{% $states.result.status %}"}, "Next": "B"},
                "B": {"Type": "Pass", "Output": {"id": "{% $id %}", "prev": "{% $states.input %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"id": "r1", "prev": {"status": "ok"}})),
        )
        .task("T", success(json!({"id": "r1", "status": "ok"}))),
        // ------------------------------------------------------------------------------------
        // Choice: Condition rules, Assign per rule and at the state level, Default,
        // NoChoiceMatched and non-boolean conditions.
        // ------------------------------------------------------------------------------------
        case(
            "condition_true_takes_the_rule",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n = 1 %}", "Next": "One"}
                ], "Default": "Other"},
                "One": {"Type": "Pass", "Output": "one", "End": true},
                "Other": {"Type": "Pass", "Output": "other", "End": true}
            })),
            json!({"n": 1}),
            ok(json!("one")),
        ),
        case(
            "condition_false_falls_to_the_next_rule",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n = 1 %}", "Next": "One"},
                    {"Condition": "{% $states.input.n = 2 %}", "Next": "Two"}
                ], "Default": "Other"},
                "One": {"Type": "Pass", "Output": "one", "End": true},
                "Two": {"Type": "Pass", "Output": "two", "End": true},
                "Other": {"Type": "Pass", "Output": "other", "End": true}
            })),
            json!({"n": 2}),
            ok(json!("two")),
        ),
        case(
            "no_rule_true_takes_default",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n = 1 %}", "Next": "One"}
                ], "Default": "Other"},
                "One": {"Type": "Pass", "Output": "one", "End": true},
                "Other": {"Type": "Pass", "Output": "other", "End": true}
            })),
            json!({"n": 9}),
            ok(json!("other")),
        ),
        case(
            "no_rule_true_without_default_fails",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n = 1 %}", "Next": "One"}
                ]},
                "One": {"Type": "Pass", "End": true}
            })),
            json!({"n": 9}),
            err("States.NoChoiceMatched", ""),
        ),
        case(
            "first_true_rule_wins",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% true %}", "Next": "A"},
                    {"Condition": "{% true %}", "Next": "B"}
                ]},
                "A": {"Type": "Pass", "Output": "a", "End": true},
                "B": {"Type": "Pass", "Output": "b", "End": true}
            })),
            json!({}),
            ok(json!("a")),
        ),
        // AWS evaluates rules in order and stops at the first true one.
        case(
            "rules_after_the_match_are_not_evaluated",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% true %}", "Next": "A"},
                    {"Condition": "{% 'not a boolean' %}", "Next": "A"}
                ]},
                "A": {"Type": "Pass", "Output": "a", "End": true}
            })),
            json!({}),
            ok(json!("a")),
        ),
        case(
            "condition_number_is_a_query_error",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [{"Condition": "{% 1 %}", "Next": "A"}]},
                "A": {"Type": "Pass", "End": true}
            })),
            json!({}),
            query_err("boolean"),
        ),
        case(
            "condition_string_is_a_query_error",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.s %}", "Next": "A"}]},
                "A": {"Type": "Pass", "End": true}
            })),
            json!({"s": "true"}),
            query_err("boolean"),
        ),
        case(
            "condition_null_is_a_query_error",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [{"Condition": "{% null %}", "Next": "A"}]},
                "A": {"Type": "Pass", "End": true}
            })),
            json!({}),
            query_err("boolean"),
        ),
        case(
            "condition_undefined_is_a_query_error",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [{"Condition": "{% $states.input.missing %}", "Next": "A"}]},
                "A": {"Type": "Pass", "End": true}
            })),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "condition_reads_a_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"type": "local"}, "Next": "C"},
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $type = 'local' %}", "Next": "L"}
                ], "Default": "R"},
                "L": {"Type": "Pass", "Output": "local", "End": true},
                "R": {"Type": "Pass", "Output": "remote", "End": true}
            })),
            json!({}),
            ok(json!("local")),
        ),
        case(
            "condition_and_or_not",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% ($states.input.a > 1 and $states.input.b < 1) or $not($states.input.c) %}", "Next": "Y"}
                ], "Default": "N"},
                "Y": {"Type": "Pass", "Output": "yes", "End": true},
                "N": {"Type": "Pass", "Output": "no", "End": true}
            })),
            json!({"a": 0, "b": 5, "c": false}),
            ok(json!("yes")),
        ),
        case(
            "condition_membership_with_in",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% 'vip' in $states.input.tags %}", "Next": "Y"}
                ], "Default": "N"},
                "Y": {"Type": "Pass", "Output": "yes", "End": true},
                "N": {"Type": "Pass", "Output": "no", "End": true}
            })),
            json!({"tags": ["new", "vip"]}),
            ok(json!("yes")),
        ),
        case(
            "condition_null_check_guards_comparison",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.v != null and $states.input.v = 42 %}", "Next": "Y"}
                ], "Default": "N"},
                "Y": {"Type": "Pass", "Output": "yes", "End": true},
                "N": {"Type": "Pass", "Output": "no", "End": true}
            })),
            json!({"v": null}),
            ok(json!("no")),
        ),
        case(
            "condition_string_comparison",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.s > 'MyStringABC' %}", "Next": "Y"}
                ], "Default": "N"},
                "Y": {"Type": "Pass", "Output": "yes", "End": true},
                "N": {"Type": "Pass", "Output": "no", "End": true}
            })),
            json!({"s": "MyStringABD"}),
            ok(json!("yes")),
        ),
        case(
            "choice_rule_assign_sets_variables_for_that_path",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $states.input.n > 0 %}", "Next": "Show", "Assign": {"sign": "positive"}},
                    {"Condition": "{% $states.input.n < 0 %}", "Next": "Show", "Assign": {"sign": "negative"}}
                ]},
                "Show": {"Type": "Pass", "Output": "{% $sign %}", "End": true}
            })),
            json!({"n": -3}),
            ok(json!("negative")),
        ),
        case(
            "choice_default_applies_state_level_assign",
            machine("C", json!({
                "C": {"Type": "Choice", "Assign": {"path": "default"}, "Choices": [
                    {"Condition": "{% false %}", "Next": "Show", "Assign": {"path": "rule"}}
                ], "Default": "Show"},
                "Show": {"Type": "Pass", "Output": "{% $path %}", "End": true}
            })),
            json!({}),
            ok(json!("default")),
        ),
        // The Choice page says a state-level Assign applies whichever rule matches; with a
        // rule that has no Assign of its own that is unambiguous.
        case(
            "choice_rule_without_assign_applies_state_level_assign",
            machine("C", json!({
                "C": {"Type": "Choice", "Assign": {"path": "state"}, "Choices": [
                    {"Condition": "{% true %}", "Next": "Show"}
                ]},
                "Show": {"Type": "Pass", "Output": "{% $path %}", "End": true}
            })),
            json!({}),
            ok(json!("state")),
        ),
        case(
            "choice_rule_assign_reads_input_and_old_values",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"count": 1}, "Next": "C"},
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% true %}", "Next": "Show",
                     "Assign": {"count": "{% $count + $states.input.step %}", "before": "{% $count %}"}}
                ]},
                "Show": {"Type": "Pass", "Output": ["{% $count %}", "{% $before %}"], "End": true}
            })),
            json!({"step": 10}),
            ok(json!([11, 1])),
        ),
        case(
            "choice_rule_output_and_assign_together",
            machine("C", json!({
                "C": {"Type": "Choice", "Choices": [
                    {"Condition": "{% true %}", "Next": "Show",
                     "Assign": {"v": "{% $states.input.a %}"},
                     "Output": {"out": "{% $states.input.a * 2 %}"}}
                ]},
                "Show": {"Type": "Pass", "Output": {"v": "{% $v %}", "in": "{% $states.input %}"}, "End": true}
            })),
            json!({"a": 4}),
            ok(json!({"v": 4, "in": {"out": 8}})),
        ),
        case(
            "choice_loop_counts_with_variables",
            machine("Init", json!({
                "Init": {"Type": "Pass", "Assign": {"i": 0}, "Next": "Loop"},
                "Loop": {"Type": "Choice", "Choices": [
                    {"Condition": "{% $i < 5 %}", "Next": "Inc"}
                ], "Default": "Done"},
                "Inc": {"Type": "Pass", "Assign": {"i": "{% $i + 1 %}"}, "Next": "Loop"},
                "Done": {"Type": "Pass", "Output": "{% $i %}", "End": true}
            })),
            json!({}),
            ok(json!(5)),
        ),
        // ------------------------------------------------------------------------------------
        // Map: Items, ItemSelector, MaxConcurrency.
        // ------------------------------------------------------------------------------------
        case(
            "map_items_array_literal",
            one(json!({"Type": "Map", "Items": [1, 2, 3],
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input + 100 %}"}))})),
            json!({"ignored": true}),
            ok(json!([101, 102, 103])),
        ),
        case(
            "map_items_array_with_expressions",
            one(json!({"Type": "Map", "Items": [1, "{% $states.input.x %}", {"k": "{% $states.input.x %}"}],
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({"x": "y"}),
            ok(json!([1, "y", {"k": "y"}])),
        ),
        case(
            "map_items_expression",
            one(json!({"Type": "Map", "Items": "{% $states.input.orders[qty > 1] %}",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input.id %}"}))})),
            json!({"orders": [{"id": "a", "qty": 2}, {"id": "b", "qty": 1}, {"id": "c", "qty": 5}]}),
            ok(json!(["a", "c"])),
        ),
        case(
            "map_items_object_is_a_query_error",
            one(json!({"Type": "Map", "Items": "{% $states.input.obj %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({"obj": {"a": 1}}),
            query_err("array"),
        ),
        case(
            "map_items_string_is_a_query_error",
            one(json!({"Type": "Map", "Items": "{% 'abc' %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({}),
            query_err("array"),
        ),
        case(
            "map_items_undefined_is_a_query_error",
            one(json!({"Type": "Map", "Items": "{% $states.input.missing %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "map_without_items_iterates_its_input",
            one(json!({"Type": "Map", "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $uppercase($states.input) %}"}))})),
            json!(["a", "b"]),
            ok(json!(["A", "B"])),
        ),
        case(
            "map_without_items_on_an_object_input_fails",
            one(json!({"Type": "Map", "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({"a": 1}),
            query_err("array"),
        ),
        case(
            "map_items_empty_array",
            one(json!({"Type": "Map", "Items": [],
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({}),
            ok(json!([])),
        ),
        case(
            "map_items_from_range",
            one(json!({"Type": "Map", "Items": "{% $range(1, 3, 1) %}",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input * $states.input %}"}))})),
            json!({}),
            ok(json!([1, 4, 9])),
        ),
        case(
            "map_max_concurrency_expression",
            one(json!({"Type": "Map", "MaxConcurrency": "{% $states.input.limit %}",
                       "Items": "{% $states.input.list %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!({"limit": 2, "list": [1, 2, 3]}),
            ok(json!([1, 2, 3])),
        ),
        case(
            "map_max_concurrency_not_a_number_is_a_query_error",
            one(json!({"Type": "Map", "MaxConcurrency": "{% 'two' %}",
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!([1]),
            query_err("MaxConcurrency"),
        ),
        case(
            "map_item_selector_undefined_is_a_query_error",
            one(json!({"Type": "Map",
                       "ItemSelector": {"v": "{% $states.context.Map.Item.Value.missing %}"},
                       "ItemProcessor": inner(json!({"Type": "Pass"}))})),
            json!([{"a": 1}]),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "map_inner_task_receives_selected_item",
            one(json!({"Type": "Map",
                       "ItemSelector": {"id": "{% $states.context.Map.Item.Value.id %}"},
                       "ItemProcessor": inner(json!({"Type": "Task", "Resource": FN,
                                                     "Arguments": {"req": "{% $states.input.id %}"}}))})),
            json!([{"id": 1, "x": 0}, {"id": 2, "x": 0}]),
            ok(json!([{"req": 1}, {"req": 2}])),
        ),
        case(
            "map_state_assign_reads_result",
            machine("M", json!({
                "M": {"Type": "Map", "Items": [1, 2, 3],
                      "ItemProcessor": inner(json!({"Type": "Pass"})),
                      "Assign": {"total": "{% $sum($states.result) %}"}, "Next": "Show"},
                "Show": {"Type": "Pass", "Output": {"total": "{% $total %}", "in": "{% $states.input %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"total": 6, "in": [1, 2, 3]})),
        ),
        case(
            "nested_map",
            one(json!({"Type": "Map",
                       "ItemProcessor": inner(json!({"Type": "Map",
                           "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input * 10 %}"}))}))})),
            json!([[1, 2], [3]]),
            ok(json!([[10, 20], [30]])),
        ),
        case(
            "map_iteration_failure_fails_the_map",
            one(json!({"Type": "Map",
                       "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input.missing %}"}))})),
            json!([{"a": 1}]),
            query_err("returned nothing (undefined)"),
        ),
        // ------------------------------------------------------------------------------------
        // Wait: Seconds and Timestamp as expressions (on the virtual clock).
        // ------------------------------------------------------------------------------------
        case(
            "wait_seconds_expression_advances_the_clock",
            machine("W", json!({
                "W": {"Type": "Wait", "Seconds": "{% $states.input.delay * 2 %}", "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $substring($states.context.State.EnteredTime, 0, 19) %}", "End": true}
            })),
            json!({"delay": 30}),
            ok(json!("2026-01-01T00:01:00")),
        ),
        case(
            "wait_seconds_expression_not_a_number_is_a_query_error",
            one(json!({"Type": "Wait", "Seconds": "{% 'soon' %}"})),
            json!({}),
            query_err("Seconds"),
        ),
        case(
            "wait_seconds_expression_undefined_is_a_query_error",
            one(json!({"Type": "Wait", "Seconds": "{% $states.input.missing %}"})),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "wait_timestamp_expression_advances_the_clock",
            machine("W", json!({
                "W": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $substring($states.context.State.EnteredTime, 0, 19) %}", "End": true}
            })),
            json!({"at": "2026-02-01T00:00:00Z"}),
            ok(json!("2026-02-01T00:00:00")),
        ),
        case(
            "wait_timestamp_built_by_concatenation",
            machine("W", json!({
                "W": {"Type": "Wait", "Timestamp": "{% $states.input.day & 'T12:00:00Z' %}", "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $substring($states.context.State.EnteredTime, 0, 19) %}", "End": true}
            })),
            json!({"day": "2026-03-04"}),
            ok(json!("2026-03-04T12:00:00")),
        ),
        case(
            "wait_timestamp_invalid_is_a_query_error",
            one(json!({"Type": "Wait", "Timestamp": "{% 'next tuesday' %}"})),
            json!({}),
            query_err("Timestamp"),
        ),
        case(
            "wait_seconds_from_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"pause": 120}, "Next": "W"},
                "W": {"Type": "Wait", "Seconds": "{% $pause %}", "Next": "B"},
                "B": {"Type": "Pass", "Output": "{% $substring($states.context.State.EnteredTime, 0, 19) %}", "End": true}
            })),
            json!({}),
            ok(json!("2026-01-01T00:02:00")),
        ),
        // ------------------------------------------------------------------------------------
        // Fail: Error and Cause as expressions.
        // ------------------------------------------------------------------------------------
        case(
            "fail_error_and_cause_expressions",
            one(json!({"Type": "Fail", "Error": "{% $states.input.code %}",
                       "Cause": "{% 'order ' & $states.input.id & ' rejected' %}"})),
            json!({"code": "Order.Rejected", "id": 17}),
            err("Order.Rejected", "order 17 rejected"),
        ),
        case(
            "fail_literal_error_expression_cause",
            one(json!({"Type": "Fail", "Error": "Custom.Error", "Cause": "{% $string($states.input) %}"})),
            json!({"why": "x"}),
            err("Custom.Error", "{\"why\":\"x\"}"),
        ),
        case(
            "fail_cause_from_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"reason": "stock empty"}, "Next": "F"},
                "F": {"Type": "Fail", "Error": "Stock", "Cause": "{% $reason %}"}
            })),
            json!({}),
            err("Stock", "stock empty"),
        ),
        case(
            "fail_error_undefined_is_a_query_error",
            one(json!({"Type": "Fail", "Error": "{% $states.input.missing %}", "Cause": "c"})),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "fail_after_task_error_reads_variables",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Assign": {"e": "{% $states.errorOutput.Error %}"}, "Next": "F"}
                ], "End": true},
                "F": {"Type": "Fail", "Error": "{% 'Wrapped.' & $e %}", "Cause": "{% $states.input.Cause %}"}
            })),
            json!({}),
            err("Wrapped.Boom", "it broke"),
        )
        .task("T", failure("Boom", "it broke")),
        // ------------------------------------------------------------------------------------
        // TimeoutSeconds and HeartbeatSeconds as expressions.
        // ------------------------------------------------------------------------------------
        case(
            "timeout_seconds_expression_times_the_task_out",
            one(json!({"Type": "Task", "Resource": FN, "TimeoutSeconds": "{% $states.input.t %}"})),
            json!({"t": 5}),
            err("States.Timeout", ""),
        )
        .task("S", TaskOutcome::Pending),
        case(
            "timeout_seconds_expression_sets_the_deadline",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "TimeoutSeconds": "{% $states.input.t * 2 %}",
                      "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "After"}], "End": true},
                "After": {"Type": "Pass", "Output": "{% $substring($states.context.State.EnteredTime, 0, 19) %}", "End": true}
            })),
            json!({"t": 5}),
            ok(json!("2026-01-01T00:00:10")),
        )
        .task("T", TaskOutcome::Pending),
        case(
            "timeout_seconds_expression_task_succeeds",
            one(json!({"Type": "Task", "Resource": FN, "TimeoutSeconds": "{% $states.input.t + 1 %}"})),
            json!({"t": 5}),
            ok(json!({"t": 5})),
        ),
        case(
            "timeout_seconds_expression_not_a_number_is_a_query_error",
            one(json!({"Type": "Task", "Resource": FN, "TimeoutSeconds": "{% 'long' %}"})),
            json!({}),
            query_err("TimeoutSeconds"),
        ),
        case(
            "heartbeat_seconds_expression_not_a_number_is_a_query_error",
            one(json!({"Type": "Task", "Resource": FN, "TimeoutSeconds": 100, "HeartbeatSeconds": "{% [1] %}"})),
            json!({}),
            query_err("HeartbeatSeconds"),
        ),
        // ------------------------------------------------------------------------------------
        // Catch: Output and Assign read $states.errorOutput; the failed state's own Assign
        // is not applied.
        // ------------------------------------------------------------------------------------
        case(
            "catch_default_output_is_the_error_output",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After"}
                ], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({"in": 1}),
            ok(json!({"Error": "Boom", "Cause": "bad"})),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "catch_output_reads_error_output_and_input",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["Boom"], "Next": "After",
                     "Output": {"err": "{% $states.errorOutput.Error %}", "in": "{% $states.input.id %}"}}
                ], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({"id": 3}),
            ok(json!({"err": "Boom", "in": 3})),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "catch_assign_reads_error_output",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After",
                     "Assign": {"err": "{% $states.errorOutput.Error %}", "cause": "{% $states.errorOutput.Cause %}"}}
                ], "End": true},
                "After": {"Type": "Pass", "Output": {"e": "{% $err %}", "c": "{% $cause %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"e": "Boom", "c": "bad"})),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "catch_assign_and_output_together",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After",
                     "Assign": {"failed": true}, "Output": "{% $states.errorOutput.Cause %}"}
                ], "End": true},
                "After": {"Type": "Pass", "Output": {"failed": "{% $failed %}", "in": "{% $states.input %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"failed": true, "in": "bad"})),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "failed_state_assign_is_not_applied",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"ok": false}, "Next": "T"},
                "T": {"Type": "Task", "Resource": FN, "Assign": {"ok": true}, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After"}
                ], "End": true},
                "After": {"Type": "Pass", "Output": "{% $ok %}", "End": true}
            })),
            json!({}),
            ok(json!(false)),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "catch_picks_the_matching_catcher",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["Other"], "Next": "After", "Output": "other"},
                    {"ErrorEquals": ["Boom"], "Next": "After", "Output": "boom"}
                ], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({}),
            ok(json!("boom")),
        )
        .task("T", failure("Boom", "bad")),
        case(
            "uncaught_task_failure_fails_the_execution",
            one(json!({"Type": "Task", "Resource": FN, "Output": "{% $states.result %}"})),
            json!({}),
            err("Boom", "bad"),
        )
        .task("S", failure("Boom", "bad")),
        case(
            "catch_on_parallel_reads_branch_fail",
            machine("P", json!({
                "P": {"Type": "Parallel", "Branches": [
                    inner(json!({"Type": "Fail", "Error": "Branch.Failed", "Cause": "{% 'input ' & $states.input.v %}"}))
                ], "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After",
                     "Output": {"e": "{% $states.errorOutput.Error %}", "c": "{% $states.errorOutput.Cause %}"}}
                ], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({"v": 1}),
            ok(json!({"e": "Branch.Failed", "c": "input 1"})),
        ),
        // AWS names States.QueryEvaluationError among the errors a Catch can name.
        case(
            "query_error_can_be_caught_by_name",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN,
                      "Arguments": {"x": "{% $states.input.missing %}"},
                      "Catch": [{"ErrorEquals": ["States.QueryEvaluationError"], "Next": "After",
                                 "Output": "{% $states.errorOutput.Error %}"}], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({}),
            ok(json!("States.QueryEvaluationError")),
        ),
        case(
            "catch_output_undefined_is_a_query_error",
            machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Catch": [
                    {"ErrorEquals": ["States.ALL"], "Next": "After", "Output": "{% $states.errorOutput.missing %}"}
                ], "End": true},
                "After": {"Type": "Pass", "End": true}
            })),
            json!({}),
            query_err("returned nothing (undefined)"),
        )
        .task("T", failure("Boom", "bad")),
        // ------------------------------------------------------------------------------------
        // Undefined results: States.QueryEvaluationError naming the field.
        // ------------------------------------------------------------------------------------
        case(
            "output_undefined_names_output",
            pass_output(json!("{% $states.input.missing %}")),
            json!({}),
            query_err("The JSONata expression '$states.input.missing' specified for the field 'Output' returned nothing (undefined)"),
        ),
        case(
            "output_field_undefined_names_its_path",
            pass_output(json!({"result": "{% $states.input.missing %}"})),
            json!({}),
            query_err("specified for the field 'Output/result' returned nothing (undefined)"),
        ),
        case(
            "output_deep_field_undefined_names_its_path",
            pass_output(json!({"a": {"b": "{% $states.input.missing %}"}})),
            json!({}),
            query_err("'Output/a/b' returned nothing (undefined)"),
        ),
        case(
            "output_array_item_undefined",
            pass_output(json!([1, "{% $states.input.missing %}"])),
            json!({}),
            query_err("returned nothing (undefined)"),
        ),
        case(
            "undefined_cause_names_the_state",
            machine("First", json!({
                "First": {"Type": "Pass", "Next": "Broken"},
                "Broken": {"Type": "Pass", "Output": "{% $states.input.nope %}", "End": true}
            })),
            json!({}),
            query_err("while executing the state 'Broken'"),
        ),
        case(
            "task_output_undefined_result_field",
            one(json!({"Type": "Task", "Resource": FN, "Output": {"result": "{% $states.result.missing %}"}})),
            json!({}),
            query_err("'Output/result' returned nothing (undefined)"),
        )
        .task("S", success(json!({"present": 1}))),
        case(
            "evaluation_error_is_a_query_error",
            pass_output(json!("{% 1 + 'a' %}")),
            json!({}),
            query_err("1 + 'a'"),
        ),
        case(
            "function_result_is_a_query_error",
            pass_output(json!("{% function($v) { $v } %}")),
            json!({}),
            query_err(""),
        ),
        // ------------------------------------------------------------------------------------
        // JSONata built-in functions and operators.
        // ------------------------------------------------------------------------------------
        expr("fn_sum", "$sum($states.input.prices)", json!({"prices": [1, 2.5, 3]}), json!(6.5)),
        expr("fn_count", "$count($states.input.items)", json!({"items": [1, 2, 3]}), json!(3)),
        expr("fn_count_empty", "$count([])", json!({}), json!(0)),
        expr("fn_average", "$average([1, 2, 3, 4])", json!({}), json!(2.5)),
        expr("fn_max_min", "[$max([3, 9, 1]), $min([3, 9, 1])]", json!({}), json!([9, 1])),
        expr("fn_map", "$map($states.input, function($v) { $v * $v })", json!([1, 2, 3]), json!([1, 4, 9])),
        expr("fn_map_with_index", "$map(['a', 'b'], function($v, $i) { $v & $i })", json!({}), json!(["a0", "b1"])),
        expr("fn_filter", "$filter($states.input, function($v) { $v % 2 = 0 })", json!([1, 2, 3, 4]), json!([2, 4])),
        expr("fn_merge", "$merge([{'a': 1}, {'b': 2}, {'a': 3}])", json!({}), json!({"a": 3, "b": 2})),
        expr("fn_string_of_number", "$string(5)", json!({}), json!("5")),
        expr("fn_string_of_object", "$string($states.input)", json!({"a": [1, true]}), json!("{\"a\":[1,true]}")),
        expr("fn_number_from_string", "$number('12.5') + 1", json!({}), json!(13.5)),
        expr("fn_uppercase_lowercase", "$uppercase('abc') & $lowercase('DEF')", json!({}), json!("ABCdef")),
        expr("fn_join", "$join($states.input, '-')", json!(["a", "b", "c"]), json!("a-b-c")),
        expr("fn_join_without_separator", "$join(['x', 'y'])", json!({}), json!("xy")),
        expr("fn_split", "$split('a,b,c', ',')", json!({}), json!(["a", "b", "c"])),
        expr("fn_contains_string", "$contains('hello world', 'wor')", json!({}), json!(true)),
        expr("fn_contains_regex", "$contains($states.input.email, /^[a-z]+@example\\.com$/)", json!({"email": "ada@example.com"}), json!(true)),
        expr("fn_contains_regex_no_match", "$contains('ABC', /[0-9]/)", json!({}), json!(false)),
        expr("fn_exists_true", "$exists($states.input.a)", json!({"a": null}), json!(true)),
        expr("fn_exists_false", "$exists($states.input.b)", json!({"a": 1}), json!(false)),
        expr("conditional_operator_true", "$states.input.n > 5 ? 'big' : 'small'", json!({"n": 7}), json!("big")),
        expr("conditional_operator_false", "$states.input.n > 5 ? 'big' : 'small'", json!({"n": 2}), json!("small")),
        expr("concatenation_converts_to_strings", "'a' & 1 & true", json!({}), json!("a1true")),
        expr("arithmetic_precedence", "2 * (3 + 4) - 10 / 4", json!({}), json!(11.5)),
        expr("arithmetic_modulo", "17 % 5", json!({}), json!(2)),
        expr("arithmetic_negative", "-$states.input.n", json!({"n": 3}), json!(-3)),
        expr("comparison_numbers", "[1 < 2, 2 <= 2, 3 > 4, 4 >= 5, 1 = 1, 1 != 1]", json!({}), json!([true, true, false, false, true, false])),
        expr("comparison_strings", "'abc' < 'abd'", json!({}), json!(true)),
        expr("comparison_deep_equality", "$states.input.a = $states.input.b", json!({"a": "x", "b": "x"}), json!(true)),
        expr("fn_lookup", "$lookup($states.input, 'k')", json!({"k": [1]}), json!([1])),
        expr("fn_keys", "$keys($states.input)", json!({"a": 1, "b": 2}), json!(["a", "b"])),
        expr("fn_each", "$each($states.input, function($v, $k) { $k & '=' & $v })", json!({"a": 1, "b": 2}), json!(["a=1", "b=2"])),
        expr("fn_sort_numbers", "$sort([3, 1, 2])", json!({}), json!([1, 2, 3])),
        expr("fn_sort_with_comparator", "$sort($states.input, function($l, $r) { $l.p < $r.p }).n", json!([{"n": "a", "p": 1}, {"n": "b", "p": 3}, {"n": "c", "p": 2}]), json!(["b", "c", "a"])),
        expr("fn_reduce", "$reduce([1, 2, 3, 4], function($acc, $v) { $acc * $v })", json!({}), json!(24)),
        expr("fn_reduce_with_init", "$reduce([1, 2], function($acc, $v) { $acc + $v }, 10)", json!({}), json!(13)),
        expr("fn_append_arrays", "$append([1, 2], [3])", json!({}), json!([1, 2, 3])),
        expr("fn_append_value", "$append($states.input, 'z')", json!(["x", "y"]), json!(["x", "y", "z"])),
        expr("fn_distinct", "$distinct([1, 2, 2, 3, 1])", json!({}), json!([1, 2, 3])),
        expr("fn_reverse", "$reverse([1, 2, 3])", json!({}), json!([3, 2, 1])),
        expr("fn_zip", "$zip([1, 2], ['a', 'b'])", json!({}), json!([[1, "a"], [2, "b"]])),
        expr("fn_spread", "$spread({'a': 1, 'b': 2})", json!({}), json!([{"a": 1}, {"b": 2}])),
        expr("fn_substring", "$substring('stepcraft', 0, 4)", json!({}), json!("step")),
        expr("fn_substring_before_after", "[$substringBefore('a-b', '-'), $substringAfter('a-b', '-')]", json!({}), json!(["a", "b"])),
        expr("fn_length_counts_characters", "$length('héllo')", json!({}), json!(5)),
        expr("fn_trim", "$trim('  a   b  ')", json!({}), json!("a b")),
        expr("fn_pad", "$pad('5', -3, '0')", json!({}), json!("005")),
        expr("fn_replace", "$replace('a-b-c', '-', '+')", json!({}), json!("a+b+c")),
        expr("fn_replace_regex", "$replace('order 123 and 45', /[0-9]+/, '#')", json!({}), json!("order # and #")),
        expr("fn_match_count", "$count($match('a1b22c333', /[0-9]+/))", json!({}), json!(3)),
        expr("fn_round_abs_floor_ceil", "[$round(2.567, 2), $abs(-5), $floor(2.7), $ceil(2.1)]", json!({}), json!([2.57, 5, 2, 3])),
        expr("fn_power_sqrt", "[$power(2, 10), $sqrt(16)]", json!({}), json!([1024, 4])),
        expr("fn_format_base", "$formatBase(255, 16)", json!({}), json!("ff")),
        expr("fn_boolean_not", "[$boolean(0), $boolean('x'), $not(true)]", json!({}), json!([false, true, false])),
        expr("fn_type", "[$type(null), $type([]), $type({}), $type('s'), $type(1), $type(true)]", json!({}), json!(["null", "array", "object", "string", "number", "boolean"])),
        expr("fn_base64", "$base64encode('hi')", json!({}), json!("aGk=")),
        expr("fn_base64_roundtrip", "$base64decode($base64encode('Step Functions'))", json!({}), json!("Step Functions")),
        expr("fn_encode_url_component", "$encodeUrlComponent('a b&c')", json!({}), json!("a%20b%26c")),
        expr("path_filter_predicate", "$states.input.items[price > 10].name", json!({"items": [{"name": "a", "price": 5}, {"name": "b", "price": 15}, {"name": "c", "price": 20}]}), json!(["b", "c"])),
        expr("path_maps_over_arrays", "$states.input.items.price", json!({"items": [{"price": 1}, {"price": 2}]}), json!([1, 2])),
        expr("path_index_negative", "$states.input.list[-1]", json!({"list": [1, 2, 3]}), json!(3)),
        expr("path_single_match_is_a_value", "$states.input.items[price > 10].name", json!({"items": [{"name": "a", "price": 5}, {"name": "b", "price": 15}]}), json!("b")),
        expr("object_constructor_groups", "$states.input.items{category: $sum(price)}", json!({"items": [{"category": "x", "price": 1}, {"category": "y", "price": 2}, {"category": "x", "price": 3}]}), json!({"x": 4, "y": 2})),
        expr("block_with_local_binding", "($t := $states.input.n * 2; $t + 1)", json!({"n": 4}), json!(9)),
        expr("local_function_definition", "($twice := function($x) { $x * 2 }; $twice(21))", json!({}), json!(42)),
        expr("array_constructor_drops_undefined", "[1, $states.input.missing, 2]", json!({}), json!([1, 2])),
        expr("range_operator", "[1..4]", json!({}), json!([1, 2, 3, 4])),
        expr("in_operator", "3 in [1, 2, 3]", json!({}), json!(true)),
        // JSONata string escapes are JSON's (so `\'` is not one).
        expr("string_escape_in_expression", "\"say \\\"hi\\\"\" = 'say \"hi\"'", json!({}), json!(true)),
        expr_err("lookup_of_missing_key_is_undefined", "$lookup($states.input, 'nope')", json!({"k": 1}), "returned nothing (undefined)"),
        expr_err("type_error_in_arithmetic", "$states.input.s * 2", json!({"s": "x"}), ""),
        // Step Functions leaves $eval out and offers $parse instead.
        expr_err("eval_is_not_available", "$eval('1 + 1')", json!({}), ""),
        // ------------------------------------------------------------------------------------
        // Functions Step Functions adds: $partition, $range, $hash, $random, $uuid, $parse.
        // ------------------------------------------------------------------------------------
        expr("sfn_partition_uneven", "$partition([1, 2, 3, 4, 5], 2)", json!({}), json!([[1, 2], [3, 4], [5]])),
        expr("sfn_partition_even", "$partition($states.input, 2)", json!(["a", "b", "c", "d"]), json!([["a", "b"], ["c", "d"]])),
        expr("sfn_partition_larger_than_array", "$partition([1, 2], 5)", json!({}), json!([[1, 2]])),
        expr("sfn_range_inclusive_end", "$range(0, 10, 2)", json!({}), json!([0, 2, 4, 6, 8, 10])),
        expr("sfn_range_step_not_reaching_end", "$range(0, 10, 3)", json!({}), json!([0, 3, 6, 9])),
        expr("sfn_range_descending", "$range(5, 1, -2)", json!({}), json!([5, 3, 1])),
        expr("sfn_range_fractional_step", "$range(0, 1, 0.5)", json!({}), json!([0, 0.5, 1])),
        expr("sfn_hash_md5", "$hash('stepcraft', 'MD5')", json!({}), json!("134e6d78a83c9db238ab626f832770d6")),
        expr("sfn_hash_sha1", "$hash('stepcraft', 'SHA-1')", json!({}), json!("f4aac9f85fa6901ebaca62879072eac99e973a47")),
        expr("sfn_hash_sha256", "$hash('stepcraft', 'SHA-256')", json!({}), json!("541e0951d3bb962c50b688eda8367104bbd8f631216999945231c0354501fa3e")),
        expr("sfn_hash_sha384", "$hash('stepcraft', 'SHA-384')", json!({}), json!("058e910b560d2fdf0f22cb4883cd9ba0e2cd6e7fc765cac9c4a562f17a33e4fe19f0fe5cf97afe325f7c89133adaa4bf")),
        expr("sfn_hash_sha512", "$hash('stepcraft', 'SHA-512')", json!({}), json!("0dc4f8c8e05ff3bf13bdf6c2194768585a082a2ddc52c634f8db4ad7d83df6c1774590060f81449e4119cc74fbf451ae2eb7edd77ee13b95aeedc0fd7dc21c13")),
        expr("sfn_hash_of_input_field", "$hash($states.input.content, $states.input.algorithm)", json!({"content": "stepcraft", "algorithm": "MD5"}), json!("134e6d78a83c9db238ab626f832770d6")),
        expr_err("sfn_hash_unknown_algorithm", "$hash('x', 'CRC32')", json!({}), ""),
        expr("sfn_random_with_seed_is_deterministic", "$random(42) = $random(42)", json!({}), json!(true)),
        expr("sfn_random_seeds_differ", "$random(1) != $random(2)", json!({}), json!(true)),
        expr("sfn_random_in_unit_interval", "($r := $random(); $r >= 0 and $r < 1)", json!({}), json!(true)),
        expr("sfn_random_seeded_in_unit_interval", "$random(7) >= 0 and $random(7) < 1", json!({}), json!(true)),
        expr("sfn_uuid_shape", "$contains($uuid(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)", json!({}), json!(true)),
        expr("sfn_uuid_is_fresh_each_call", "$uuid() != $uuid()", json!({}), json!(true)),
        expr("sfn_parse_object", "$parse('{\"a\": [1, 2]}')", json!({}), json!({"a": [1, 2]})),
        expr("sfn_parse_input_string", "$parse($states.input.json).k", json!({"json": "{\"k\": \"v\"}"}), json!("v")),
        expr("sfn_parse_scalar", "$parse('42') + 1", json!({}), json!(43)),
        expr_err("sfn_parse_invalid_json", "$parse('{not json')", json!({}), ""),
        // ------------------------------------------------------------------------------------
        // Mixed workflows: JSONPath machines with JSONata states, and variables crossing the
        // two languages. (AWS rejects a JSONPath state inside a JSONata machine at validation,
        // so "the reverse" is a JSONata state followed by JSONPath states in a JSONPath machine.)
        // ------------------------------------------------------------------------------------
        case(
            "jsonpath_machine_with_a_jsonata_state",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "Parameters": {"v.$": "$.a"}, "Next": "B"},
                "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.v + 1 %}", "End": true}
            })),
            json!({"a": 1}),
            ok(json!(2)),
        ),
        case(
            "jsonata_state_then_jsonpath_state",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"v": "{% $states.input.a * 3 %}"}, "Next": "B"},
                "B": {"Type": "Pass", "OutputPath": "$.v", "End": true}
            })),
            json!({"a": 2}),
            ok(json!(6)),
        ),
        case(
            "jsonpath_state_reads_variable_set_by_jsonata_state",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"x": "{% $states.input.a + 1 %}"}, "Next": "B"},
                "B": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": true}
            })),
            json!({"a": 4}),
            ok(json!({"x": 5})),
        ),
        case(
            "jsonata_state_reads_variable_set_by_jsonpath_state",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"y.$": "$.a", "lit": "L"}, "Next": "B"},
                "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $lit & ($y * 2) %}", "End": true}
            })),
            json!({"a": 4}),
            ok(json!("L8")),
        ),
        case(
            "jsonpath_task_result_assigned_then_read_by_jsonata",
            jsonpath_machine("T", json!({
                "T": {"Type": "Task", "Resource": FN, "Assign": {"r.$": "$.value"}, "Next": "B"},
                "B": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $r %}", "End": true}
            })),
            json!({}),
            ok(json!("from task")),
        )
        .task("T", success(json!({"value": "from task"}))),
        case(
            "jsonata_task_in_jsonpath_machine_echoes_arguments",
            jsonpath_machine("T", json!({
                "T": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": FN,
                      "Arguments": {"k": "{% $states.input.k %}"}, "Output": "{% $states.result.k %}", "End": true}
            })),
            json!({"k": "v"}),
            ok(json!("v")),
        ),
        case(
            "jsonpath_state_keeps_jsonata_delimiters_literal",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "Result": {"v": "{% 1 + 1 %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"v": "{% 1 + 1 %}"})),
        ),
        case(
            "jsonata_choice_in_jsonpath_machine",
            jsonpath_machine("C", json!({
                "C": {"Type": "Choice", "QueryLanguage": "JSONata", "Choices": [
                    {"Condition": "{% $states.input.n > 1 %}", "Next": "Big"}
                ], "Default": "Small"},
                "Big": {"Type": "Pass", "Result": "big", "End": true},
                "Small": {"Type": "Pass", "Result": "small", "End": true}
            })),
            json!({"n": 2}),
            ok(json!("big")),
        ),
        case(
            "jsonata_output_then_jsonpath_result_path",
            jsonpath_machine("A", json!({
                "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"a": 1}, "Next": "B"},
                "B": {"Type": "Pass", "Result": 2, "ResultPath": "$.b", "End": true}
            })),
            json!({}),
            ok(json!({"a": 1, "b": 2})),
        ),
        // ------------------------------------------------------------------------------------
        // Variable scope: Map iterations and Parallel branches read outer variables; what they
        // assign stays inside. AWS's validator rejects reading a variable that no state in scope
        // assigns; at run time such a name is undefined, which $exists reports as false.
        // ------------------------------------------------------------------------------------
        case(
            "map_iteration_reads_outer_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"factor": 3}, "Next": "M"},
                "M": {"Type": "Map", "Items": [1, 2],
                      "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $states.input * $factor %}"})),
                      "End": true}
            })),
            json!({}),
            ok(json!([3, 6])),
        ),
        case(
            "map_items_and_item_selector_read_variables",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"list": ["a", "b"], "tag": "T"}, "Next": "M"},
                "M": {"Type": "Map", "Items": "{% $list %}",
                      "ItemSelector": "{% $tag & $states.context.Map.Item.Value %}",
                      "ItemProcessor": inner(json!({"Type": "Pass"})),
                      "End": true}
            })),
            json!({}),
            ok(json!(["Ta", "Tb"])),
        ),
        case(
            "map_iteration_assign_does_not_leak",
            machine("M", json!({
                "M": {"Type": "Map", "Items": [1],
                      "ItemProcessor": inner(json!({"Type": "Pass", "Assign": {"innerVar": 1}})),
                      "Next": "Show"},
                "Show": {"Type": "Pass", "Output": "{% $exists($innerVar) %}", "End": true}
            })),
            json!({}),
            ok(json!(false)),
        ),
        case(
            "map_iteration_variables_are_per_iteration",
            one(json!({"Type": "Map", "Items": [1, 2, 3],
                       "ItemProcessor": {"StartAt": "Set", "States": {
                           "Set": {"Type": "Pass", "Assign": {"v": "{% $states.input * 2 %}"}, "Next": "Get"},
                           "Get": {"Type": "Pass", "Output": "{% $v %}", "End": true}
                       }}})),
            json!({}),
            ok(json!([2, 4, 6])),
        ),
        case(
            "nested_map_reads_outermost_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"base": 100}, "Next": "M"},
                "M": {"Type": "Map", "Items": [[1], [2, 3]],
                      "ItemProcessor": inner(json!({"Type": "Map",
                          "ItemProcessor": inner(json!({"Type": "Pass", "Output": "{% $base + $states.input %}"}))})),
                      "End": true}
            })),
            json!({}),
            ok(json!([[101], [102, 103]])),
        ),
        case(
            "map_outer_variable_unchanged_after_map",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"x": "outer"}, "Next": "M"},
                "M": {"Type": "Map", "Items": [1, 2],
                      "ItemProcessor": inner(json!({"Type": "Pass", "Assign": {"y": "{% $x & $states.input %}"}})),
                      "Next": "Show"},
                "Show": {"Type": "Pass", "Output": "{% $x %}", "End": true}
            })),
            json!({}),
            ok(json!("outer")),
        ),
        case(
            "parallel_branch_reads_outer_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"greeting": "hi"}, "Next": "P"},
                "P": {"Type": "Parallel", "Branches": [
                    inner(json!({"Type": "Pass", "Output": "{% $greeting & ' left' %}"})),
                    inner(json!({"Type": "Pass", "Output": "{% $greeting & ' right' %}"}))
                ], "End": true}
            })),
            json!({}),
            ok(json!(["hi left", "hi right"])),
        ),
        case(
            "parallel_branch_assign_does_not_leak",
            machine("P", json!({
                "P": {"Type": "Parallel", "Branches": [
                    inner(json!({"Type": "Pass", "Assign": {"branchVar": 1}}))
                ], "Next": "Show"},
                "Show": {"Type": "Pass", "Output": "{% $exists($branchVar) %}", "End": true}
            })),
            json!({}),
            ok(json!(false)),
        ),
        case(
            "parallel_state_assign_reads_result",
            machine("P", json!({
                "P": {"Type": "Parallel", "Branches": [
                    inner(json!({"Type": "Pass", "Output": 1})),
                    inner(json!({"Type": "Pass", "Output": 2}))
                ], "Assign": {"both": "{% $states.result %}"}, "Output": "ignored", "Next": "Show"},
                "Show": {"Type": "Pass", "Output": {"both": "{% $both %}", "in": "{% $states.input %}"}, "End": true}
            })),
            json!({}),
            ok(json!({"both": [1, 2], "in": "ignored"})),
        ),
        case(
            "parallel_branch_task_arguments_read_outer_variable",
            machine("A", json!({
                "A": {"Type": "Pass", "Assign": {"user": "u1"}, "Next": "P"},
                "P": {"Type": "Parallel", "Branches": [
                    inner(json!({"Type": "Task", "Resource": FN, "Arguments": {"user": "{% $user %}"}}))
                ], "End": true}
            })),
            json!({}),
            ok(json!([{"user": "u1"}])),
        ),
        case(
            "parallel_branches_run_with_own_variables",
            one(json!({"Type": "Parallel", "Branches": [
                {"StartAt": "Set", "States": {
                    "Set": {"Type": "Pass", "Assign": {"v": "left"}, "Next": "Get"},
                    "Get": {"Type": "Pass", "Output": "{% $v %}", "End": true}}},
                {"StartAt": "Set", "States": {
                    "Set": {"Type": "Pass", "Assign": {"v": "right"}, "Next": "Get"},
                    "Get": {"Type": "Pass", "Output": "{% $v %}", "End": true}}}
            ]})),
            json!({}),
            ok(json!(["left", "right"])),
        ),
    ]
}
