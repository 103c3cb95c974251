//! Edit commands: every command executed, undone and redone, with the exact JSON (key order
//! included) checked at each step; refusals leave the value unchanged; inserting and removing
//! keeps the bundled examples valid.

use serde_json::{Value, json};
use stepcraft::edit::{
    Edit, EditError, History, InsertPoint, RuleList, StateRef, Via, can_insert_at, copy_states,
    edges,
};
use stepcraft::model::StateType;
use stepcraft::pointer::Pointer;
use stepcraft::{Document, Format, validate};

// ---- fixtures -----------------------------------------------------------------------------------

/// A definition with the top-level fields around `States`.
fn def(start: &str, states: Value) -> Value {
    let mut v = json!({"Comment": "flow", "StartAt": start});
    v["States"] = states;
    v
}

const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

/// Every kind of transition: Next, End, a Choice rule, Default, Catch.
fn flow() -> Value {
    def(
        "A",
        json!({
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "C"},
            "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}], "Default": "E"},
            "D": {"Type": "Pass", "End": true},
            "E": {"Type": "Succeed"},
            "F": {"Type": "Fail", "Error": "Oops"}
        }),
    )
}

fn chain() -> Value {
    def(
        "A",
        json!({
            "A": {"Type": "Pass", "Next": "B"},
            "B": {"Type": "Pass", "Next": "C"},
            "C": {"Type": "Pass", "End": true}
        }),
    )
}

fn branch_xy() -> Value {
    json!({"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Pass", "End": true}}})
}

fn branch_z() -> Value {
    json!({"StartAt": "Z", "States": {"Z": {"Type": "Pass", "End": true}}})
}

fn processor(states: Value) -> Value {
    let mut v = json!({"ProcessorConfig": {"Mode": "INLINE"}});
    v["States"] = states;
    v
}

/// A Parallel with two branches and an empty one, then a Map with an empty processor.
fn nested_with(branches: Value, p_tail: (&str, Value), map_processor: Value, map: bool) -> Value {
    let mut p = json!({"Type": "Parallel"});
    p["Branches"] = branches;
    p[p_tail.0] = p_tail.1;
    let mut states = json!({"P": p});
    if map {
        let mut m = json!({"Type": "Map"});
        m["ItemProcessor"] = map_processor;
        m["End"] = json!(true);
        states["M"] = m;
    }
    def("P", states)
}

fn nested() -> Value {
    nested_with(
        json!([branch_xy(), branch_z(), {"States": {}}]),
        ("Next", json!("M")),
        processor(json!({})),
        true,
    )
}

/// One state referred to by StartAt, a nested-rule Choice's rule Next, Default and Catch; a
/// Parallel branch with its own references; a stray top-level reference into the branch.
fn refs() -> Value {
    def(
        "Target",
        json!({
            "Target": {"Type": "Pass", "Next": "Pick"},
            "Pick": {"Type": "Choice", "Choices": [
                {"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "IsPresent": true}], "Next": "Target"},
                {"Variable": "$.c", "IsPresent": true, "Next": "Work"}
            ], "Default": "Target"},
            "Work": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Target"}], "Next": "Par"},
            "Par": {"Type": "Parallel", "Branches": [
                {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Next": "Inner 2"}, "Inner 2": {"Type": "Pass", "End": true}}}
            ], "End": true},
            "Stray": {"Type": "Pass", "Next": "Inner"}
        }),
    )
}

fn pass() -> Value {
    json!({"Type": "Pass"})
}

fn top(name: &str) -> StateRef {
    StateRef::top(name)
}

fn on(name: &str, via: Via) -> InsertPoint {
    InsertPoint::edge(top(name), via)
}

fn insert(at: InsertPoint, name: &str, state: Value) -> Edit {
    Edit::InsertState {
        at,
        name: name.into(),
        state,
    }
}

fn in_branch(branch: usize, name: &str) -> StateRef {
    StateRef::new(top("P").branch(branch), name)
}

// ---- the three-way check ------------------------------------------------------------------------

fn text(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("serialisable")
}

/// Executes, undoes and redoes an edit, comparing serialized text (so key order counts).
fn check(name: &str, before: &Value, edit: &Edit, expected: &Value) {
    let mut v = before.clone();
    let undo = edit
        .apply(&mut v)
        .unwrap_or_else(|e| panic!("{name}: refused: {e}"));
    assert_eq!(text(&v), text(expected), "{name}: executed");
    assert_eq!(edit.can_apply(before), Ok(()), "{name}: can_apply");
    let redo = undo
        .apply(&mut v)
        .unwrap_or_else(|e| panic!("{name}: undo refused: {e}"));
    assert_eq!(text(&v), text(before), "{name}: undone");
    let undo_again = redo
        .apply(&mut v)
        .unwrap_or_else(|e| panic!("{name}: redo refused: {e}"));
    assert_eq!(text(&v), text(expected), "{name}: redone");
    undo_again.apply(&mut v).expect("second undo");
    assert_eq!(text(&v), text(before), "{name}: undone again");
}

/// Checks an edit is refused with exactly `error`, and changes nothing.
fn refuse(name: &str, before: &Value, edit: &Edit, error: &EditError) {
    let mut v = before.clone();
    assert_eq!(edit.apply(&mut v).as_ref(), Err(error), "{name}");
    assert_eq!(text(&v), text(before), "{name}: value changed");
    assert_eq!(
        edit.can_apply(before).as_ref(),
        Err(error),
        "{name}: can_apply"
    );
}

struct Case {
    name: &'static str,
    before: Value,
    edit: Edit,
    after: Value,
}

fn run(cases: &[Case]) {
    for c in cases {
        check(c.name, &c.before, &c.edit, &c.after);
    }
}

struct Refusal {
    name: &'static str,
    before: Value,
    edit: Edit,
    error: EditError,
}

fn run_refusals(cases: &[Refusal]) {
    for c in cases {
        refuse(c.name, &c.before, &c.edit, &c.error);
    }
}

// ---- insert ---------------------------------------------------------------------------------------

#[test]
fn insert_state() {
    let b = json!({"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "C"});
    let c = json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}], "Default": "E"});
    let d = json!({"Type": "Pass", "End": true});
    let e = json!({"Type": "Succeed"});
    let f = json!({"Type": "Fail", "Error": "Oops"});
    run(&[
        Case {
            name: "on a Next edge",
            before: flow(),
            edit: insert(on("A", Via::Next), "N", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "N"}, "N": {"Type": "Pass", "Next": "B"}, "B": b, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "on an end edge",
            before: flow(),
            edit: insert(on("D", Via::Next), "N", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": b, "C": c, "D": {"Type": "Pass", "Next": "N"}, "N": {"Type": "Pass", "End": true}, "E": e, "F": f}),
            ),
        },
        Case {
            name: "on a Choice rule",
            before: flow(),
            edit: insert(on("C", Via::Choice(0)), "N", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": b,
                    "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "N"}], "Default": "E"},
                    "N": {"Type": "Pass", "Next": "D"}, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "on a Default",
            before: flow(),
            edit: insert(on("C", Via::Default), "N", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": b,
                    "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}], "Default": "N"},
                    "N": {"Type": "Pass", "Next": "E"}, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "on a Catch",
            before: flow(),
            edit: insert(on("B", Via::Catch(0)), "N", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"},
                    "B": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "N"}], "Next": "C"},
                    "N": {"Type": "Pass", "Next": "F"}, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "at the start",
            before: flow(),
            edit: insert(InsertPoint::start(Pointer::root()), "N", pass()),
            after: def(
                "N",
                json!({"N": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Pass", "Next": "B"}, "B": b, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "a taken name gets a suffix",
            before: flow(),
            edit: insert(on("A", Via::Next), "B", pass()),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B 2"}, "B 2": {"Type": "Pass", "Next": "B"}, "B": b, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "a Choice takes the old target as Default and rule Next",
            before: flow(),
            edit: insert(
                on("A", Via::Next),
                "N",
                json!({"Type": "Choice", "Choices": [{"Variable": "$.y", "IsPresent": true}], "Default": "Elsewhere"}),
            ),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "N"},
                    "N": {"Type": "Choice", "Choices": [{"Variable": "$.y", "IsPresent": true, "Next": "B"}], "Default": "B"},
                    "B": b, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
        Case {
            name: "a Fail on an end edge",
            before: flow(),
            edit: insert(
                on("D", Via::Next),
                "N",
                json!({"Type": "Fail", "Error": "X", "End": true}),
            ),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": b, "C": c, "D": {"Type": "Pass", "Next": "N"},
                    "N": {"Type": "Fail", "Error": "X"}, "E": e, "F": f}),
            ),
        },
        Case {
            name: "a template's transition is replaced in place",
            before: flow(),
            edit: insert(
                on("A", Via::Next),
                "N",
                json!({"Type": "Pass", "Next": "Nowhere", "Comment": "c"}),
            ),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "N"}, "N": {"Type": "Pass", "Next": "B", "Comment": "c"},
                    "B": b, "C": c, "D": d, "E": e, "F": f}),
            ),
        },
    ]);
}

#[test]
fn insert_state_in_nested_scopes() {
    let map_end = |proc: Value| json!({"Type": "Map", "ItemProcessor": proc, "End": true});
    let p = |branches: Value| json!({"Type": "Parallel", "Branches": branches, "Next": "M"});
    let empty_map = map_end(processor(json!({})));
    run(&[
        Case {
            name: "into an empty branch",
            before: nested(),
            edit: insert(InsertPoint::start(top("P").branch(2)), "N", pass()),
            after: def(
                "P",
                json!({"P": p(json!([branch_xy(), branch_z(),
                    {"StartAt": "N", "States": {"N": {"Type": "Pass", "End": true}}}])), "M": empty_map}),
            ),
        },
        Case {
            name: "into an empty item processor",
            before: nested(),
            edit: insert(InsertPoint::start(top("M").item_processor()), "N", pass()),
            after: def(
                "P",
                json!({"P": p(json!([branch_xy(), branch_z(), {"States": {}}])),
                    "M": map_end(json!({"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "N",
                        "States": {"N": {"Type": "Pass", "End": true}}}))}),
            ),
        },
        Case {
            name: "as a new branch, name made unique",
            before: nested(),
            edit: insert(
                InsertPoint::NewBranch {
                    parallel: top("P"),
                    index: Some(1),
                },
                "Z",
                pass(),
            ),
            after: def(
                "P",
                json!({"P": p(json!([branch_xy(),
                    {"StartAt": "Z 2", "States": {"Z 2": {"Type": "Pass", "End": true}}},
                    branch_z(), {"States": {}}])), "M": empty_map}),
            ),
        },
        Case {
            name: "on an edge inside a branch",
            before: nested(),
            edit: insert(InsertPoint::edge(in_branch(0, "X"), Via::Next), "N", pass()),
            after: def(
                "P",
                json!({"P": p(json!([
                    {"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "N"}, "N": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Pass", "End": true}}},
                    branch_z(), {"States": {}}])), "M": empty_map}),
            ),
        },
        Case {
            name: "a Parallel whose nested names are taken",
            before: nested(),
            edit: insert(
                on("P", Via::Next),
                "Q",
                json!({"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}, "Y": {"Type": "Pass", "End": true}}}]}),
            ),
            after: def(
                "P",
                json!({"P": {"Type": "Parallel", "Branches": [branch_xy(), branch_z(), {"States": {}}], "Next": "Q"},
                    "Q": {"Type": "Parallel", "Branches": [{"StartAt": "X 2", "States": {
                        "X 2": {"Type": "Pass", "Next": "Y 2"}, "Y 2": {"Type": "Pass", "End": true}}}], "Next": "M"},
                    "M": empty_map}),
            ),
        },
    ]);
}

#[test]
fn insert_state_refusals() {
    // Q, inserted on P's Next, must go to M: "Q" from the template is replaced by "Next": "M".
    let mut v = nested();
    let applied = insert(on("P", Via::Next), "Q", pass())
        .apply_detailed(&mut v)
        .expect("inserts");
    assert_eq!(applied.created, vec![top("Q")]);
    assert_eq!(v["States"]["Q"], json!({"Type": "Pass", "Next": "M"}));

    run_refusals(&[
        Refusal {
            name: "after a Succeed",
            before: flow(),
            edit: insert(on("E", Via::Next), "N", pass()),
            error: EditError::NoSuchEdge {
                state: "E".into(),
                via: Via::Next,
            },
        },
        Refusal {
            name: "a Choice's own Next",
            before: flow(),
            edit: insert(on("C", Via::Next), "N", pass()),
            error: EditError::NoSuchEdge {
                state: "C".into(),
                via: Via::Next,
            },
        },
        Refusal {
            name: "a Catch that is not there",
            before: flow(),
            edit: insert(on("B", Via::Catch(3)), "N", pass()),
            error: EditError::NoSuchEdge {
                state: "B".into(),
                via: Via::Catch(3),
            },
        },
        Refusal {
            name: "a Choice where the flow ends",
            before: flow(),
            edit: insert(on("D", Via::Next), "N", json!({"Type": "Choice"})),
            error: EditError::ChoiceNeedsSuccessor,
        },
        Refusal {
            name: "a Fail cutting off the Catch handler",
            before: flow(),
            edit: insert(on("B", Via::Catch(0)), "N", json!({"Type": "Fail"})),
            error: EditError::WouldStrand {
                states: vec!["F".into()],
            },
        },
        Refusal {
            name: "a Succeed before everything",
            before: chain(),
            edit: insert(
                InsertPoint::start(Pointer::root()),
                "N",
                json!({"Type": "Succeed"}),
            ),
            error: EditError::WouldStrand {
                states: vec!["A".into(), "B".into(), "C".into()],
            },
        },
        Refusal {
            name: "no Type",
            before: flow(),
            edit: insert(on("A", Via::Next), "N", json!({"Comment": "?"})),
            error: EditError::InvalidState {
                reason:
                    "it needs a Type: one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map"
                        .into(),
            },
        },
        Refusal {
            name: "a name used twice inside the state",
            before: flow(),
            edit: insert(
                on("A", Via::Next),
                "N",
                json!({"Type": "Parallel", "Branches": [
                    {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}},
                    {"StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}}
                ]}),
            ),
            error: EditError::InvalidState {
                reason: "two states are named \"X\"".into(),
            },
        },
        Refusal {
            name: "an empty name",
            before: flow(),
            edit: insert(on("A", Via::Next), "", pass()),
            error: EditError::InvalidName { name: "".into() },
        },
        Refusal {
            name: "not a scope",
            before: flow(),
            edit: insert(InsertPoint::start(top("A").branch(0)), "N", pass()),
            error: EditError::NoSuchScope {
                scope: top("A").branch(0),
            },
        },
        Refusal {
            name: "no such state",
            before: flow(),
            edit: insert(on("Q", Via::Next), "N", pass()),
            error: EditError::NoSuchState {
                scope: Pointer::root(),
                name: "Q".into(),
            },
        },
    ]);
}

#[test]
fn can_insert_at_offers_only_sound_drop_targets() {
    let v = flow();
    let table: Vec<(InsertPoint, StateType, bool)> = vec![
        (on("A", Via::Next), StateType::Pass, true),
        (on("A", Via::Next), StateType::Choice, true),
        (on("A", Via::Next), StateType::Fail, false),
        (on("D", Via::Next), StateType::Fail, true),
        (on("D", Via::Next), StateType::Choice, false),
        (on("E", Via::Next), StateType::Pass, false),
        (on("F", Via::Next), StateType::Pass, false),
        (on("C", Via::Next), StateType::Pass, false),
        // E and D are reached only through these transitions.
        (on("C", Via::Default), StateType::Succeed, false),
        (on("C", Via::Choice(0)), StateType::Succeed, false),
        (on("C", Via::Choice(0)), StateType::Wait, true),
        (on("B", Via::Catch(0)), StateType::Succeed, false),
        (on("B", Via::Catch(0)), StateType::Map, true),
        (InsertPoint::start(Pointer::root()), StateType::Wait, true),
        (InsertPoint::start(Pointer::root()), StateType::Fail, false),
    ];
    for (at, ty, ok) in table {
        let rule = can_insert_at(&v, &at, ty);
        assert_eq!(rule.is_ok(), ok, "{at:?} {ty:?}: {rule:?}");
        // The cheap rule agrees with applying the edit.
        let mut template = json!({"Type": ty.as_str()});
        if ty == StateType::Choice {
            template["Choices"] = json!([{"Variable": "$.v", "IsPresent": true}]);
        }
        let exact = insert(at.clone(), "New", template).can_apply(&v);
        assert_eq!(exact.is_ok(), ok, "{at:?} {ty:?}: {exact:?}");
    }
}

// ---- patterns, copy and paste --------------------------------------------------------------------

#[test]
fn insert_pattern() {
    let nested_branch = json!({"Comment": "branch", "StartAt": "X", "States": {"X": {"Type": "Pass", "End": true}}});
    run(&[
        Case {
            name: "names made unique and exits wired",
            before: chain(),
            edit: Edit::InsertPattern {
                at: on("A", Via::Next),
                pattern: json!({"StartAt": "Call", "States": {
                    "Call": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}], "End": true},
                    "B": {"Type": "Pass", "Comment": "fallback", "End": true}
                }}),
            },
            after: def(
                "A",
                json!({
                    "A": {"Type": "Pass", "Next": "Call"},
                    "Call": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B 2"}], "Next": "B"},
                    "B 2": {"Type": "Pass", "Comment": "fallback", "Next": "B"},
                    "B": {"Type": "Pass", "Next": "C"},
                    "C": {"Type": "Pass", "End": true}
                }),
            ),
        },
        Case {
            name: "a reference out of the pattern lands in the scope",
            before: chain(),
            edit: Edit::InsertPattern {
                at: on("C", Via::Next),
                pattern: json!({"StartAt": "T", "States": {
                    "T": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}], "End": true}
                }}),
            },
            after: def(
                "A",
                json!({
                    "A": {"Type": "Pass", "Next": "B"},
                    "B": {"Type": "Pass", "Next": "C"},
                    "C": {"Type": "Pass", "Next": "T"},
                    "T": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "A"}], "End": true}
                }),
            ),
        },
        Case {
            name: "as a new branch, fields kept",
            before: nested(),
            edit: Edit::InsertPattern {
                at: InsertPoint::NewBranch {
                    parallel: top("P"),
                    index: None,
                },
                pattern: nested_branch,
            },
            after: nested_with(
                json!([branch_xy(), branch_z(), {"States": {}},
                    {"Comment": "branch", "StartAt": "X 2", "States": {"X 2": {"Type": "Pass", "End": true}}}]),
                ("Next", json!("M")),
                processor(json!({})),
                true,
            ),
        },
    ]);
    run_refusals(&[
        Refusal {
            name: "not a pattern",
            before: chain(),
            edit: Edit::InsertPattern {
                at: on("A", Via::Next),
                pattern: json!([]),
            },
            error: EditError::InvalidPattern {
                reason: "a pattern is a JSON object with StartAt and States".into(),
            },
        },
        Refusal {
            name: "an unreachable pattern state",
            before: chain(),
            edit: Edit::InsertPattern {
                at: on("A", Via::Next),
                pattern: json!({"StartAt": "S", "States": {"S": {"Type": "Pass", "End": true}, "Lost": {"Type": "Pass", "End": true}}}),
            },
            error: EditError::InvalidPattern {
                reason: "\"Lost\" is not reachable from the pattern's StartAt".into(),
            },
        },
        Refusal {
            name: "a reference to nowhere",
            before: chain(),
            edit: Edit::InsertPattern {
                at: on("A", Via::Next),
                pattern: json!({"StartAt": "S", "States": {"S": {"Type": "Task", "Resource": LAMBDA,
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nowhere"}], "End": true}}}),
            },
            error: EditError::UnknownTarget {
                target: "Nowhere".into(),
                scope: Pointer::root(),
            },
        },
    ]);
}

#[test]
fn copy_and_paste() {
    let v = chain();
    let clip = copy_states(&v, &[top("B"), top("A")]).expect("copies");
    assert_eq!(
        text(&clip),
        text(
            &json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}})
        )
    );
    let paste = Edit::InsertPattern {
        at: on("B", Via::Next),
        pattern: clip,
    };
    check(
        "paste after B",
        &v,
        &paste,
        &def(
            "A",
            json!({
                "A": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Pass", "Next": "A 2"},
                "A 2": {"Type": "Pass", "Next": "B 2"},
                "B 2": {"Type": "Pass", "Next": "C"},
                "C": {"Type": "Pass", "End": true}
            }),
        ),
    );
    let mut pasted = v.clone();
    let applied = paste.apply_detailed(&mut pasted).expect("pastes");
    assert_eq!(applied.created, vec![top("A 2"), top("B 2")]);

    // Duplicating a state with a Catch keeps the catcher where the handler exists.
    let f = flow();
    let dup = copy_states(&f, &[top("B")]).expect("copies");
    let mut g = f.clone();
    Edit::InsertPattern {
        at: on("B", Via::Next),
        pattern: dup,
    }
    .apply(&mut g)
    .expect("pastes");
    assert_eq!(
        g["States"]["B 2"],
        json!({"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "C"})
    );

    let n = nested();
    assert_eq!(copy_states(&n, &[]), Err(EditError::BadSelection));
    assert_eq!(
        copy_states(&n, &[top("P"), in_branch(0, "X")]),
        Err(EditError::BadSelection)
    );
    assert!(matches!(
        copy_states(&n, &[top("Nope")]),
        Err(EditError::NoSuchState { .. })
    ));
}

// ---- remove -------------------------------------------------------------------------------------

#[test]
fn remove_states() {
    let b = json!({"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "F"}], "Next": "C"});
    let c = json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}], "Default": "E"});
    let d = json!({"Type": "Pass", "End": true});
    let e = json!({"Type": "Succeed"});
    let f = json!({"Type": "Fail", "Error": "Oops"});
    run(&[
        Case {
            name: "the first state",
            before: flow(),
            edit: Edit::remove_state(top("A")),
            after: def("B", json!({"B": b, "C": c, "D": d, "E": e, "F": f})),
        },
        Case {
            name: "a state with a Catch, its handler with it",
            before: flow(),
            edit: Edit::RemoveStates {
                states: vec![top("B")],
                remove_stranded: true,
            },
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "C"}, "C": c, "D": d, "E": e}),
            ),
        },
        Case {
            name: "a Default's target: the Default goes",
            before: flow(),
            edit: Edit::remove_state(top("E")),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": b,
                    "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}]},
                    "D": d, "F": f}),
            ),
        },
        Case {
            name: "a Catch's target: the last catcher takes Catch with it",
            before: flow(),
            edit: Edit::remove_state(top("F")),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Task", "Resource": LAMBDA, "Next": "C"},
                    "C": c, "D": d, "E": e}),
            ),
        },
        Case {
            name: "an end state: its predecessor ends, in place",
            before: chain(),
            edit: Edit::remove_state(top("C")),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}),
            ),
        },
        Case {
            name: "a middle state",
            before: chain(),
            edit: Edit::remove_state(top("B")),
            after: def(
                "A",
                json!({"A": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}),
            ),
        },
        Case {
            name: "several at once",
            before: chain(),
            edit: Edit::RemoveStates {
                states: vec![top("B"), top("A")],
                remove_stranded: false,
            },
            after: def("C", json!({"C": {"Type": "Pass", "End": true}})),
        },
        Case {
            name: "a Choice with one successor",
            before: def(
                "C",
                json!({"C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "D"}], "Default": "D"},
                    "D": {"Type": "Succeed"}}),
            ),
            edit: Edit::remove_state(top("C")),
            after: def("D", json!({"D": {"Type": "Succeed"}})),
        },
        Case {
            name: "the first state of a branch",
            before: nested(),
            edit: Edit::remove_state(in_branch(0, "X")),
            after: nested_with(
                json!([{"StartAt": "Y", "States": {"Y": {"Type": "Pass", "End": true}}}, branch_z(), {"States": {}}]),
                ("Next", json!("M")),
                processor(json!({})),
                true,
            ),
        },
        Case {
            name: "a Parallel with its branches",
            before: nested(),
            edit: Edit::remove_state(top("P")),
            after: def(
                "M",
                json!({"M": {"Type": "Map", "ItemProcessor": processor(json!({})), "End": true}}),
            ),
        },
    ]);
}

#[test]
fn remove_refusals() {
    run_refusals(&[
        Refusal {
            name: "a state whose handler would be stranded",
            before: flow(),
            edit: Edit::remove_state(top("B")),
            error: EditError::WouldStrand {
                states: vec!["F".into()],
            },
        },
        Refusal {
            name: "a Choice with two successors",
            before: flow(),
            edit: Edit::remove_state(top("C")),
            error: EditError::AmbiguousSuccessor {
                state: "C".into(),
                successors: vec!["D".into(), "E".into()],
            },
        },
        Refusal {
            name: "the target of a Choice's only rule",
            before: flow(),
            edit: Edit::remove_state(top("D")),
            error: EditError::LastChoiceRule { state: "C".into() },
        },
        Refusal {
            name: "the last state of a branch",
            before: nested(),
            edit: Edit::remove_state(in_branch(1, "Z")),
            error: EditError::LastState {
                scope: top("P").branch(1),
            },
        },
        Refusal {
            name: "a first state that ends",
            before: def(
                "A",
                json!({"A": {"Type": "Pass", "End": true}, "B": {"Type": "Pass", "End": true}}),
            ),
            edit: Edit::remove_state(top("A")),
            error: EditError::NoSuccessor { state: "A".into() },
        },
        Refusal {
            name: "a state that is not there",
            before: flow(),
            edit: Edit::remove_state(top("Q")),
            error: EditError::NoSuchState {
                scope: Pointer::root(),
                name: "Q".into(),
            },
        },
    ]);
}

// ---- move ---------------------------------------------------------------------------------------

#[test]
fn move_state() {
    run(&[
        Case {
            name: "the first state to a later edge",
            before: chain(),
            edit: Edit::MoveState {
                state: top("A"),
                to: on("B", Via::Next),
            },
            after: def(
                "B",
                json!({"B": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Pass", "Next": "C"}, "C": {"Type": "Pass", "End": true}}),
            ),
        },
        Case {
            name: "the last state to the start",
            before: chain(),
            edit: Edit::MoveState {
                state: top("C"),
                to: InsertPoint::start(Pointer::root()),
            },
            after: def(
                "C",
                json!({"C": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "End": true}}),
            ),
        },
        Case {
            name: "a Map into a branch, with its processor",
            before: nested_with(
                json!([branch_xy(), branch_z()]),
                ("Next", json!("M")),
                processor(json!({"I": {"Type": "Pass", "End": true}})),
                true,
            ),
            edit: Edit::MoveState {
                state: top("M"),
                to: InsertPoint::start(top("P").branch(1)),
            },
            after: nested_with(
                json!([branch_xy(), {"StartAt": "M", "States": {
                    "M": {"Type": "Map", "ItemProcessor": processor(json!({"I": {"Type": "Pass", "End": true}})), "Next": "Z"},
                    "Z": {"Type": "Pass", "End": true}}}]),
                ("End", json!(true)),
                Value::Null,
                false,
            ),
        },
    ]);
    let with_handler = def(
        "T",
        json!({
            "T": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}], "Next": "P"},
            "H": {"Type": "Fail"},
            "P": {"Type": "Parallel", "Branches": [branch_z()], "End": true}
        }),
    );
    run_refusals(&[
        Refusal {
            name: "onto its own edge",
            before: chain(),
            edit: Edit::MoveState {
                state: top("A"),
                to: on("A", Via::Next),
            },
            error: EditError::NoSuchState {
                scope: Pointer::root(),
                name: "A".into(),
            },
        },
        Refusal {
            name: "into a branch where its Catch target is not",
            before: with_handler,
            edit: Edit::MoveState {
                state: top("T"),
                to: InsertPoint::edge(in_branch(0, "Z"), Via::Next),
            },
            error: EditError::UnknownTarget {
                target: "H".into(),
                scope: top("P").branch(0),
            },
        },
        Refusal {
            name: "a Choice with two successors",
            before: flow(),
            edit: Edit::MoveState {
                state: top("C"),
                to: on("A", Via::Next),
            },
            error: EditError::AmbiguousSuccessor {
                state: "C".into(),
                successors: vec!["D".into(), "E".into()],
            },
        },
    ]);
}

// ---- rename -------------------------------------------------------------------------------------

#[test]
fn rename_state() {
    let par = |inner: Value| json!({"Type": "Parallel", "Branches": [inner], "End": true});
    let branch = json!({"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "Next": "Inner 2"}, "Inner 2": {"Type": "Pass", "End": true}}});
    let work = |catch: &str| json!({"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": catch}], "Next": "Par"});
    let pick = |target: &str| {
        json!({"Type": "Choice", "Choices": [
            {"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "IsPresent": true}], "Next": target},
            {"Variable": "$.c", "IsPresent": true, "Next": "Work"}
        ], "Default": target})
    };
    run(&[
        Case {
            name: "StartAt, rule Next, Default and Catch follow; the key keeps its place",
            before: refs(),
            edit: Edit::RenameState {
                state: top("Target"),
                to: "Begin".into(),
            },
            after: def(
                "Begin",
                json!({
                    "Begin": {"Type": "Pass", "Next": "Pick"},
                    "Pick": pick("Begin"),
                    "Work": work("Begin"),
                    "Par": par(branch.clone()),
                    "Stray": {"Type": "Pass", "Next": "Inner"}
                }),
            ),
        },
        Case {
            name: "in a branch, only the branch follows",
            before: refs(),
            edit: Edit::RenameState {
                state: StateRef::new(top("Par").branch(0), "Inner"),
                to: "First".into(),
            },
            after: def(
                "Target",
                json!({
                    "Target": {"Type": "Pass", "Next": "Pick"},
                    "Pick": pick("Target"),
                    "Work": work("Target"),
                    "Par": par(json!({"StartAt": "First", "States": {"First": {"Type": "Pass", "Next": "Inner 2"}, "Inner 2": {"Type": "Pass", "End": true}}})),
                    "Stray": {"Type": "Pass", "Next": "Inner"}
                }),
            ),
        },
        Case {
            name: "a Parallel: its branches go with it",
            before: refs(),
            edit: Edit::RenameState {
                state: top("Par"),
                to: "Fan Out".into(),
            },
            after: def(
                "Target",
                json!({
                    "Target": {"Type": "Pass", "Next": "Pick"},
                    "Pick": pick("Target"),
                    "Work": {"Type": "Task", "Resource": LAMBDA, "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Target"}], "Next": "Fan Out"},
                    "Fan Out": par(branch),
                    "Stray": {"Type": "Pass", "Next": "Inner"}
                }),
            ),
        },
    ]);
    // Renaming to the same name changes nothing.
    let mut v = refs();
    let undo = Edit::RenameState {
        state: top("Pick"),
        to: "Pick".into(),
    }
    .apply(&mut v)
    .expect("no-op");
    assert_eq!(undo, Edit::Patch(vec![]));
    run_refusals(&[
        Refusal {
            name: "a name used in a branch",
            before: refs(),
            edit: Edit::RenameState {
                state: top("Work"),
                to: "Inner 2".into(),
            },
            error: EditError::DuplicateName {
                name: "Inner 2".into(),
            },
        },
        Refusal {
            name: "an empty name",
            before: refs(),
            edit: Edit::RenameState {
                state: top("Work"),
                to: String::new(),
            },
            error: EditError::InvalidName {
                name: String::new(),
            },
        },
        Refusal {
            name: "81 characters",
            before: refs(),
            edit: Edit::RenameState {
                state: top("Work"),
                to: "w".repeat(81),
            },
            error: EditError::InvalidName {
                name: "w".repeat(81),
            },
        },
    ]);
}

// ---- fields and transitions ----------------------------------------------------------------------

#[test]
fn set_field() {
    let with_states = |states: Value| def("A", states);
    let chain_states = json!({
        "A": {"Type": "Pass", "Next": "B"},
        "B": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Pass", "End": true}
    });
    let mut renamed_b = chain_states.clone();
    renamed_b["B"] = json!({"Type": "Wait", "Next": "C"});
    let mut commented = chain_states.clone();
    commented["A"] = json!({"Type": "Pass", "Next": "B", "Comment": "first"});
    let mut timed = chain();
    timed["TimeoutSeconds"] = json!(60);
    run(&[
        Case {
            name: "replace in place",
            before: chain(),
            edit: Edit::set_state_field(&top("B"), "Type", Some(json!("Wait"))),
            after: with_states(renamed_b),
        },
        Case {
            name: "add a state field last",
            before: chain(),
            edit: Edit::set_state_field(&top("A"), "Comment", Some(json!("first"))),
            after: with_states(commented),
        },
        Case {
            name: "remove a top-level field",
            before: chain(),
            edit: Edit::set_top_field("Comment", None),
            after: json!({"StartAt": "A", "States": chain_states.clone()}),
        },
        Case {
            name: "add a top-level field last",
            before: chain(),
            edit: Edit::set_top_field("TimeoutSeconds", Some(json!(60))),
            after: timed,
        },
        Case {
            name: "a field of a Catch rule",
            before: flow(),
            edit: Edit::SetField {
                object: top("B").pointer().key("Catch").index(0),
                key: "ResultPath".into(),
                value: Some(json!("$.error")),
            },
            after: {
                let mut v = flow();
                v["States"]["B"]["Catch"][0]["ResultPath"] = json!("$.error");
                v
            },
        },
    ]);
    // Removing a field that is not there changes nothing.
    let mut v = chain();
    let undo = Edit::set_top_field("Version", None)
        .apply(&mut v)
        .expect("no-op");
    assert_eq!(undo, Edit::Patch(vec![]));
    run_refusals(&[
        Refusal {
            name: "a state through States",
            before: chain(),
            edit: Edit::SetField {
                object: Pointer::root().key("States"),
                key: "D".into(),
                value: Some(pass()),
            },
            error: EditError::StatesObject {
                pointer: Pointer::root().key("States"),
            },
        },
        Refusal {
            name: "the States object itself",
            before: chain(),
            edit: Edit::set_top_field("States", Some(json!({}))),
            error: EditError::StatesObject {
                pointer: Pointer::root().key("States"),
            },
        },
        Refusal {
            name: "no such object",
            before: chain(),
            edit: Edit::set_state_field(&top("Q"), "Comment", Some(json!("x"))),
            error: EditError::NotFound {
                pointer: top("Q").pointer(),
                expected: "object",
            },
        },
    ]);
}

#[test]
fn set_transition() {
    let edit = |from: &str, via: Via, to: Option<&str>| Edit::SetTransition {
        from: top(from),
        via,
        to: to.map(str::to_owned),
    };
    let with = |pointer: &str, value: Value| {
        let mut v = flow();
        *v.pointer_mut(pointer).expect("in the fixture") = value;
        v
    };
    run(&[
        Case {
            name: "retarget a Next",
            before: flow(),
            edit: edit("A", Via::Next, Some("C")),
            after: with("/States/A/Next", json!("C")),
        },
        Case {
            name: "End becomes Next in place",
            before: flow(),
            edit: edit("D", Via::Next, Some("A")),
            after: with("/States/D", json!({"Type": "Pass", "Next": "A"})),
        },
        Case {
            name: "Next becomes End in place",
            before: flow(),
            edit: edit("A", Via::Next, None),
            after: with("/States/A", json!({"Type": "Pass", "End": true})),
        },
        Case {
            name: "a Default",
            before: flow(),
            edit: edit("C", Via::Default, Some("D")),
            after: with("/States/C/Default", json!("D")),
        },
        Case {
            name: "no Default",
            before: flow(),
            edit: edit("C", Via::Default, None),
            after: with(
                "/States/C",
                json!({"Type": "Choice", "Choices": [{"Variable": "$.x", "BooleanEquals": true, "Next": "D"}]}),
            ),
        },
        Case {
            name: "a Choice rule",
            before: flow(),
            edit: edit("C", Via::Choice(0), Some("E")),
            after: with("/States/C/Choices/0/Next", json!("E")),
        },
        Case {
            name: "a Catch",
            before: flow(),
            edit: edit("B", Via::Catch(0), Some("E")),
            after: with("/States/B/Catch/0/Next", json!("E")),
        },
    ]);
    run_refusals(&[
        Refusal {
            name: "to nowhere",
            before: flow(),
            edit: edit("A", Via::Next, Some("Nope")),
            error: EditError::UnknownTarget {
                target: "Nope".into(),
                scope: Pointer::root(),
            },
        },
        Refusal {
            name: "a Choice's Next",
            before: flow(),
            edit: edit("C", Via::Next, Some("D")),
            error: EditError::WrongStateType {
                state: "C".into(),
                found: "Choice".into(),
                expected: "a state with a Next (not Choice, Succeed or Fail)",
            },
        },
        Refusal {
            name: "a Catch that ends",
            before: flow(),
            edit: edit("B", Via::Catch(0), None),
            error: EditError::NeedsTarget {
                state: "B".into(),
                via: Via::Catch(0),
            },
        },
        Refusal {
            name: "a Catch that is not there",
            before: flow(),
            edit: edit("B", Via::Catch(2), Some("E")),
            error: EditError::IndexOutOfRange {
                pointer: top("B").pointer().key("Catch"),
                index: 2,
                len: 1,
            },
        },
    ]);
}

// ---- rules and branches --------------------------------------------------------------------------

#[test]
fn rules() {
    let rule_c = json!({"Variable": "$.c", "IsPresent": true, "Next": "Work"});
    let rule_and = json!({"And": [{"Variable": "$.a", "IsPresent": true}, {"Variable": "$.b", "IsPresent": true}], "Next": "Target"});
    let with = |pointer: &str, value: Value, base: Value| {
        let mut v = base;
        *v.pointer_mut(pointer).expect("in the fixture") = value;
        v
    };
    let catch_all = json!({"ErrorEquals": ["States.ALL"], "Next": "F"});
    run(&[
        Case {
            name: "a Choice rule first",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("C"),
                list: RuleList::Choices,
                index: Some(0),
                rule: json!({"Variable": "$.z", "IsPresent": true, "Next": "E"}),
            },
            after: with(
                "/States/C/Choices",
                json!([{"Variable": "$.z", "IsPresent": true, "Next": "E"}, {"Variable": "$.x", "BooleanEquals": true, "Next": "D"}]),
                flow(),
            ),
        },
        Case {
            name: "the first Retry rule adds the field last",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("B"),
                list: RuleList::Retry,
                index: None,
                rule: json!({"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}),
            },
            after: with(
                "/States/B",
                json!({"Type": "Task", "Resource": LAMBDA, "Catch": [catch_all.clone()], "Next": "C",
                    "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 2}]}),
                flow(),
            ),
        },
        Case {
            name: "a Catch rule last",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("B"),
                list: RuleList::Catch,
                index: None,
                rule: json!({"ErrorEquals": ["Custom"], "Next": "E"}),
            },
            after: with(
                "/States/B/Catch",
                json!([catch_all, {"ErrorEquals": ["Custom"], "Next": "E"}]),
                flow(),
            ),
        },
        Case {
            name: "the last Catch rule takes the field",
            before: flow(),
            edit: Edit::RemoveRule {
                state: top("B"),
                list: RuleList::Catch,
                index: 0,
            },
            after: with(
                "/States/B",
                json!({"Type": "Task", "Resource": LAMBDA, "Next": "C"}),
                flow(),
            ),
        },
        Case {
            name: "a Choice rule",
            before: refs(),
            edit: Edit::RemoveRule {
                state: top("Pick"),
                list: RuleList::Choices,
                index: 0,
            },
            after: with("/States/Pick/Choices", json!([rule_c.clone()]), refs()),
        },
        Case {
            name: "reorder Choice rules",
            before: refs(),
            edit: Edit::MoveRule {
                state: top("Pick"),
                list: RuleList::Choices,
                from: 0,
                to: 1,
            },
            after: with("/States/Pick/Choices", json!([rule_c, rule_and]), refs()),
        },
    ]);
    run_refusals(&[
        Refusal {
            name: "Choices on a Pass",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("A"),
                list: RuleList::Choices,
                index: None,
                rule: json!({"Next": "B"}),
            },
            error: EditError::WrongStateType {
                state: "A".into(),
                found: "Pass".into(),
                expected: "a Choice state",
            },
        },
        Refusal {
            name: "Retry on a Choice",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("C"),
                list: RuleList::Retry,
                index: None,
                rule: json!({"ErrorEquals": ["States.ALL"]}),
            },
            error: EditError::WrongStateType {
                state: "C".into(),
                found: "Choice".into(),
                expected: "a Task, Parallel or Map state",
            },
        },
        Refusal {
            name: "a Catch to nowhere",
            before: flow(),
            edit: Edit::InsertRule {
                state: top("B"),
                list: RuleList::Catch,
                index: None,
                rule: json!({"ErrorEquals": ["States.ALL"], "Next": "Nope"}),
            },
            error: EditError::UnknownTarget {
                target: "Nope".into(),
                scope: Pointer::root(),
            },
        },
        Refusal {
            name: "the only Choice rule",
            before: flow(),
            edit: Edit::RemoveRule {
                state: top("C"),
                list: RuleList::Choices,
                index: 0,
            },
            error: EditError::LastChoiceRule { state: "C".into() },
        },
        Refusal {
            name: "a rule out of range",
            before: refs(),
            edit: Edit::MoveRule {
                state: top("Pick"),
                list: RuleList::Choices,
                from: 0,
                to: 2,
            },
            error: EditError::IndexOutOfRange {
                pointer: top("Pick").pointer().key("Choices"),
                index: 2,
                len: 2,
            },
        },
    ]);
}

#[test]
fn branches() {
    let nested_of =
        |branches: Value| nested_with(branches, ("Next", json!("M")), processor(json!({})), true);
    run(&[
        Case {
            name: "remove a branch",
            before: nested(),
            edit: Edit::RemoveBranch {
                parallel: top("P"),
                index: 0,
            },
            after: nested_of(json!([branch_z(), {"States": {}}])),
        },
        Case {
            name: "reorder branches",
            before: nested(),
            edit: Edit::MoveBranch {
                parallel: top("P"),
                from: 0,
                to: 2,
            },
            after: nested_of(json!([branch_z(), {"States": {}}, branch_xy()])),
        },
    ]);
    let single = nested_with(
        json!([branch_z()]),
        ("End", json!(true)),
        Value::Null,
        false,
    );
    run_refusals(&[
        Refusal {
            name: "the last branch",
            before: single,
            edit: Edit::RemoveBranch {
                parallel: top("P"),
                index: 0,
            },
            error: EditError::LastBranch { state: "P".into() },
        },
        Refusal {
            name: "branches of a Map",
            before: nested(),
            edit: Edit::MoveBranch {
                parallel: top("M"),
                from: 0,
                to: 0,
            },
            error: EditError::WrongStateType {
                state: "M".into(),
                found: "Map".into(),
                expected: "a Parallel state",
            },
        },
    ]);
}

// ---- batches and primitive patches ---------------------------------------------------------------

#[test]
fn batches_apply_whole_or_not_at_all() {
    let batch = Edit::Batch(vec![
        Edit::RenameState {
            state: top("A"),
            to: "Start".into(),
        },
        Edit::set_state_field(&top("Start"), "Comment", Some(json!("first"))),
        insert(on("Start", Via::Next), "Between", pass()),
    ]);
    check(
        "rename, comment, insert",
        &chain(),
        &batch,
        &def(
            "Start",
            json!({
                "Start": {"Type": "Pass", "Next": "Between", "Comment": "first"},
                "Between": {"Type": "Pass", "Next": "B"},
                "B": {"Type": "Pass", "Next": "C"},
                "C": {"Type": "Pass", "End": true}
            }),
        ),
    );
    refuse(
        "the second command fails",
        &chain(),
        &Edit::Batch(vec![
            Edit::RenameState {
                state: top("A"),
                to: "Start".into(),
            },
            Edit::RenameState {
                state: top("B"),
                to: "Start".into(),
            },
            Edit::remove_state(top("C")),
        ]),
        &EditError::Batch {
            index: 1,
            error: Box::new(EditError::DuplicateName {
                name: "Start".into(),
            }),
        },
    );
}

#[test]
fn documents_are_edited_only_by_edits_that_change_something() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
    let mut doc = Document::parse(text, Format::Json).expect("parses");
    let noop = Edit::set_state_field(&top("A"), "Type", Some(json!("Pass")));
    assert!(noop.apply_to_document(&mut doc).expect("applies").is_noop());
    assert!(!doc.is_edited());
    assert_eq!(doc.to_text(), text);
    let refused = Edit::remove_state(top("A")).apply_to_document(&mut doc);
    assert!(refused.is_err());
    assert!(!doc.is_edited());
    let applied = insert(on("A", Via::Next), "B", pass())
        .apply_to_document(&mut doc)
        .expect("inserts");
    assert!(doc.is_edited());
    assert_eq!(applied.created, vec![top("B")]);
    assert_eq!(doc.value()["States"]["A"]["Next"], "B");
}

// ---- history ------------------------------------------------------------------------------------

fn comment(text: &str) -> Edit {
    Edit::set_state_field(&top("A"), "Comment", Some(json!(text)))
}

#[test]
fn history_undoes_and_redoes() {
    let start = chain();
    let mut v = start.clone();
    let mut h = History::new();
    assert!(!h.can_undo() && !h.can_redo());
    h.apply(&mut v, &insert(on("A", Via::Next), "N", pass()))
        .expect("applies");
    let one = v.clone();
    h.apply(&mut v, &Edit::remove_state(top("C")))
        .expect("applies");
    let two = v.clone();
    assert_eq!(h.undo_len(), 2);
    assert_eq!(h.undo(&mut v), Ok(true));
    assert_eq!(text(&v), text(&one));
    assert_eq!(h.undo(&mut v), Ok(true));
    assert_eq!(text(&v), text(&start));
    assert_eq!(h.undo(&mut v), Ok(false));
    assert_eq!(h.redo(&mut v), Ok(true));
    assert_eq!(text(&v), text(&one));
    assert_eq!(h.redo(&mut v), Ok(true));
    assert_eq!(text(&v), text(&two));
    assert_eq!(h.redo(&mut v), Ok(false));
    // A new edit after an undo clears the redo stack.
    h.undo(&mut v).expect("undoes");
    assert!(h.can_redo());
    h.apply(&mut v, &comment("x")).expect("applies");
    assert!(!h.can_redo());
    // A refused edit records nothing.
    assert!(h.apply(&mut v, &Edit::remove_state(top("Q"))).is_err());
    assert_eq!(h.undo_len(), 2);
    // A no-op records nothing either.
    h.apply(&mut v, &comment("x")).expect("applies");
    h.seal();
    h.apply(&mut v, &comment("x")).expect("applies");
    assert_eq!(h.undo_len(), 2);
}

#[test]
fn history_merges_typing_until_sealed() {
    let start = chain();
    let mut v = start.clone();
    let mut h = History::new();
    for typed in ["H", "He", "Hel", "Hello"] {
        h.apply(&mut v, &comment(typed)).expect("applies");
    }
    assert_eq!(h.undo_len(), 1);
    h.seal();
    h.apply(&mut v, &comment("Hello!")).expect("applies");
    assert_eq!(h.undo_len(), 2);
    // Another field does not merge into the comment.
    h.apply(
        &mut v,
        &Edit::set_state_field(&top("B"), "Comment", Some(json!("b"))),
    )
    .expect("applies");
    assert_eq!(h.undo_len(), 3);
    h.undo(&mut v).expect("undoes");
    h.undo(&mut v).expect("undoes");
    assert_eq!(v["States"]["A"]["Comment"], "Hello");
    h.undo(&mut v).expect("undoes");
    assert_eq!(text(&v), text(&start));
    // Redo gives back each step.
    h.redo(&mut v).expect("redoes");
    assert_eq!(v["States"]["A"]["Comment"], "Hello");
}

#[test]
fn history_makes_a_drag_one_step() {
    let start = chain();
    let mut v = start.clone();
    let mut h = History::new();
    h.apply(&mut v, &comment("before")).expect("applies");
    let before_drag = v.clone();
    h.begin();
    for seconds in 1..=5 {
        h.apply(
            &mut v,
            &Edit::set_top_field("TimeoutSeconds", Some(json!(seconds))),
        )
        .expect("applies");
    }
    h.begin();
    h.apply(&mut v, &Edit::remove_state(top("B")))
        .expect("applies");
    h.end();
    assert!(h.in_transaction());
    h.end();
    assert!(!h.in_transaction());
    let after_drag = v.clone();
    assert_eq!(h.undo_len(), 2);
    h.undo(&mut v).expect("undoes");
    assert_eq!(text(&v), text(&before_drag));
    h.redo(&mut v).expect("redoes");
    assert_eq!(text(&v), text(&after_drag));
    // Undo mid-drag closes the drag first.
    h.begin();
    h.apply(&mut v, &comment("dragging")).expect("applies");
    assert_eq!(h.undo(&mut v), Ok(true));
    assert!(!h.in_transaction());
    assert_eq!(text(&v), text(&after_drag));
    // The limit drops the oldest steps.
    let mut small = History::with_limit(2);
    let mut w = chain();
    for i in 0..4 {
        small
            .apply(&mut w, &Edit::set_top_field("Version", Some(json!(i))))
            .expect("applies");
        small.seal();
    }
    assert_eq!(small.undo_len(), 2);
    small.clear();
    assert!(!small.can_undo());
}

#[test]
fn history_on_documents() {
    let mut doc = Document::parse_any(&text(&chain())).expect("parses");
    let original = doc.value().clone();
    let mut h = History::new();
    h.apply_to_document(&mut doc, &Edit::remove_state(top("B")))
        .expect("applies");
    assert!(doc.value()["States"].get("B").is_none());
    assert_eq!(h.undo_document(&mut doc), Ok(true));
    assert_eq!(text(doc.value()), text(&original));
    assert_eq!(h.redo_document(&mut doc), Ok(true));
    assert!(doc.value()["States"].get("B").is_none());
}

// ---- the bundled examples stay valid ---------------------------------------------------------------

fn examples() -> Vec<(String, Value)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("examples folder") {
        let path = entry.expect("entry").path();
        // Definitions only: the `.test.yaml` files beside them are workflow tests.
        if !path.to_string_lossy().ends_with(".asl.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("readable");
        let doc = Document::parse_any(&text).expect("parses");
        assert_eq!(
            errors(doc.value()),
            Vec::<String>::new(),
            "{path:?} as shipped"
        );
        out.push((path.display().to_string(), doc.value().clone()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 6);
    out
}

fn errors(value: &Value) -> Vec<String> {
    let doc = Document::from_value(value.clone(), Format::Json);
    validate::validate(&doc, &validate::Options::default())
        .into_iter()
        .filter(stepcraft::Diagnostic::is_error)
        .map(|d| format!("{} at {}: {}", d.code, d.pointer, d.message))
        .collect()
}

/// Every state of a definition, at every depth.
fn states(value: &Value) -> Vec<StateRef> {
    let doc = Document::from_value(value.clone(), Format::Json);
    let (machine, _) = doc.model();
    machine
        .states()
        .into_iter()
        .filter_map(|s| StateRef::from_pointer(&s.pointer))
        .collect()
}

/// Applies an edit, checks the result, undoes it and checks the value is back exactly.
fn applies_validly(file: &str, value: &Value, edit: &Edit) -> bool {
    let mut v = value.clone();
    let Ok(undo) = edit.apply(&mut v) else {
        return false;
    };
    assert_eq!(errors(&v), Vec::<String>::new(), "{file}: {edit:?}");
    undo.apply(&mut v).expect("undoes");
    assert_eq!(text(&v), text(value), "{file}: undo of {edit:?}");
    true
}

#[test]
fn inserting_on_every_edge_keeps_examples_valid() {
    for (file, value) in examples() {
        let all = edges(&value);
        assert!(!all.is_empty());
        for edge in &all {
            let at = InsertPoint::edge(edge.from.clone(), edge.via);
            let edit = insert(at.clone(), "Inserted", pass());
            assert!(applies_validly(&file, &value, &edit), "{file}: {edge:?}");
            // A Succeed or Fail where the cheap rule allows it is valid too.
            for ty in [StateType::Succeed, StateType::Fail] {
                let allowed = can_insert_at(&value, &at, ty).is_ok();
                let template = json!({"Type": ty.as_str()});
                let done = applies_validly(&file, &value, &insert(at.clone(), "Stop", template));
                assert_eq!(allowed, done, "{file}: {ty:?} on {edge:?}");
            }
        }
        // And at the start of every scope.
        let mut scopes: Vec<Pointer> = states(&value).into_iter().map(|s| s.scope).collect();
        scopes.dedup();
        for scope in scopes {
            let edit = insert(InsertPoint::start(scope.clone()), "Inserted", pass());
            assert!(
                applies_validly(&file, &value, &edit),
                "{file}: start of {scope}"
            );
        }
    }
}

#[test]
fn removing_every_removable_state_keeps_examples_valid() {
    let mut removed = 0;
    let mut with_stranded = 0;
    for (file, value) in examples() {
        for state in states(&value) {
            let plain = Edit::remove_state(state.clone());
            if applies_validly(&file, &value, &plain) {
                removed += 1;
            }
            let sweeping = Edit::RemoveStates {
                states: vec![state],
                remove_stranded: true,
            };
            if applies_validly(&file, &value, &sweeping) {
                with_stranded += 1;
            }
        }
    }
    assert!(removed >= 30, "only {removed} removals applied");
    assert!(with_stranded > removed, "{with_stranded} vs {removed}");
}

#[test]
fn moving_states_along_edges_keeps_examples_valid() {
    let mut moved = 0;
    for (file, value) in examples() {
        let all = edges(&value);
        for state in states(&value) {
            for edge in &all {
                let edit = Edit::MoveState {
                    state: state.clone(),
                    to: InsertPoint::edge(edge.from.clone(), edge.via),
                };
                if applies_validly(&file, &value, &edit) {
                    moved += 1;
                }
            }
        }
    }
    assert!(moved >= 250, "only {moved} moves applied");
}

#[test]
fn renaming_every_state_keeps_examples_valid() {
    for (file, value) in examples() {
        for state in states(&value) {
            let edit = Edit::RenameState {
                state: state.clone(),
                to: format!("{} (renamed)", state.name),
            };
            assert!(applies_validly(&file, &value, &edit), "{file}: {state:?}");
        }
    }
}

#[test]
fn duplicating_every_state_keeps_examples_valid() {
    let mut pasted = 0;
    for (file, value) in examples() {
        for edge in edges(&value) {
            let clip = copy_states(&value, std::slice::from_ref(&edge.from)).expect("copies");
            let edit = Edit::InsertPattern {
                at: InsertPoint::edge(edge.from.clone(), edge.via),
                pattern: clip,
            };
            if applies_validly(&file, &value, &edit) {
                pasted += 1;
            }
        }
    }
    assert!(pasted >= 45, "only {pasted} pastes applied");
}

#[test]
fn a_state_that_assigns_an_outer_variable_cannot_move_into_an_iteration() {
    use stepcraft::edit::{Edit, EditError, InsertPoint, StateRef, Via};
    let mut value = json!({"StartAt": "Set", "States": {
        "Set": {"Type": "Pass", "Assign": {"total": 0}, "Next": "M"},
        "M": {"Type": "Map", "Next": "Bump", "ItemProcessor": {"StartAt": "Inner", "States": {
            "Inner": {"Type": "Pass", "End": true}}}},
        "Bump": {"Type": "Pass", "Assign": {"total": 1}, "End": true}}});
    let before = serde_json::to_string(&value).unwrap();
    let edit = Edit::MoveState {
        state: StateRef::top("Bump"),
        to: InsertPoint::edge(
            StateRef::new(StateRef::top("M").item_processor(), "Inner"),
            Via::Next,
        ),
    };
    match edit.apply(&mut value) {
        Err(EditError::OuterVariable { state, variable }) => {
            assert_eq!(state, "Bump");
            assert_eq!(variable, "total");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        before,
        "a refused edit changes nothing"
    );
}
