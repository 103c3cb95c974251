//! Crafted inputs that once crashed the process (stack overflows, alias bombs): generated here,
//! shared by `tests/crafted_inputs.rs` (the library) and `src-ui/tests/cli_crafted.rs` (the
//! binary). Each is small to write down and large (or deep) once read.
#![allow(dead_code)]

use serde_json::json;

/// Where reading or running a crafted input must stop, cleanly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Reading the text fails with this code (located).
    Unreadable(&'static str),
    /// The text reads; validation reports this code (located).
    Invalid(&'static str),
    /// The text reads, validates and runs to a successful end.
    Runs,
    /// The text reads and validates; the run fails with this error (no crash).
    RunFails(&'static str),
}

/// One crafted input.
#[derive(Clone, Debug)]
pub struct Crafted {
    pub name: &'static str,
    /// `json` or `yaml`.
    pub ext: &'static str,
    pub text: String,
    pub expect: Expect,
}

/// The execution input the runs use: an array for filters to select from.
pub const INPUT: &str = r#"{"a": [{"b": 1}]}"#;

/// A JSONPath definition with one Pass state whose Parameters are `{"x.$": expression}`.
fn pass_with(expression: &str) -> String {
    json!({"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x.$": expression}, "End": true}}})
        .to_string()
}

/// A JSONata definition with one Pass state whose Output is `output`.
fn jsonata_output(output: &str) -> String {
    json!({"QueryLanguage": "JSONata", "StartAt": "A",
           "States": {"A": {"Type": "Pass", "Output": output, "End": true}}})
    .to_string()
}

/// Parallel states nested `levels` deep, the innermost a Pass.
pub fn nested_parallel(levels: usize) -> serde_json::Value {
    let mut inner = json!({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}});
    for level in 0..levels {
        let name = format!("P{level}");
        inner = json!({"StartAt": name, "States": {name.clone(): {"Type": "Parallel", "Branches": [inner], "End": true}}});
    }
    inner
}

/// An alias bomb: each level a list of nine aliases of the level before ("billion laughs").
fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=levels {
        let items = vec![format!("*a{}", i - 1); 9].join(", ");
        text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
    }
    text
}

/// Every crafted input, each with what must happen.
pub fn all() -> Vec<Crafted> {
    let n = 20_000;
    let not_deep = "!".repeat(8_000);
    vec![
        Crafted {
            name: "json_deep_arrays",
            ext: "json",
            text: format!("{}{}", "[".repeat(n), "]".repeat(n)),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "json_deep_objects",
            ext: "json",
            text: format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n)),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "json_deep_unclosed",
            ext: "json",
            text: "[{\"k\":".repeat(n),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "yaml_deep_block_sequences",
            ext: "yaml",
            text: format!("{}1\n", "- ".repeat(n)),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "yaml_deep_flow_sequences",
            ext: "yaml",
            text: format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "yaml_deep_flow_mappings",
            ext: "yaml",
            text: format!("{}1{}\n", "{a: ".repeat(n), "}".repeat(n)),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "yaml_deep_block_mappings",
            ext: "yaml",
            text: (0..300).map(|i| format!("{}a:\n", " ".repeat(i))).collect(),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "yaml_alias_bomb",
            ext: "yaml",
            text: alias_bomb(9),
            expect: Expect::Unreadable("TOO_MANY_ALIASES"),
        },
        Crafted {
            name: "yaml_alias_of_deep_value_nests_too_deep",
            ext: "yaml",
            text: format!(
                "deep: &d {}1{}\nagain: {}*d{}\n",
                "[".repeat(60),
                "]".repeat(60),
                "[".repeat(60),
                "]".repeat(60)
            ),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
        Crafted {
            name: "intrinsic_deep_calls",
            ext: "json",
            text: pass_with(&format!(
                "{}{}",
                "States.Array(".repeat(15_000),
                ")".repeat(15_000)
            )),
            expect: Expect::Invalid("INVALID_INTRINSIC"),
        },
        Crafted {
            name: "filter_deep_parentheses",
            ext: "json",
            text: pass_with(&format!(
                "$.a[?({}@.b == 1{})]",
                "(".repeat(8_000),
                ")".repeat(8_000)
            )),
            expect: Expect::Invalid("INVALID_PATH"),
        },
        Crafted {
            name: "filter_long_not_chain",
            ext: "json",
            text: pass_with(&format!("$.a[?({not_deep}@.b)]")),
            expect: Expect::Invalid("INVALID_PATH"),
        },
        Crafted {
            name: "filter_long_and_chain",
            ext: "json",
            text: pass_with(&format!(
                "$.a[?({})]",
                vec!["@.b == 1"; 100_000].join(" && ")
            )),
            expect: Expect::Runs,
        },
        Crafted {
            name: "filter_long_or_chain",
            ext: "json",
            text: pass_with(&format!(
                "$.a[?({})]",
                vec!["@.b == 2"; 100_000].join(" || ")
            )),
            expect: Expect::Runs,
        },
        Crafted {
            name: "jsonata_deep_parentheses",
            ext: "json",
            text: jsonata_output(&format!(
                "{{% {}1{} %}}",
                "(".repeat(8_000),
                ")".repeat(8_000)
            )),
            expect: Expect::Invalid("INVALID_JSONATA"),
        },
        Crafted {
            name: "jsonata_deep_arrays",
            ext: "json",
            text: jsonata_output(&format!(
                "{{% {}1{} %}}",
                "[".repeat(8_000),
                "]".repeat(8_000)
            )),
            expect: Expect::Invalid("INVALID_JSONATA"),
        },
        Crafted {
            name: "jsonata_long_sum",
            ext: "json",
            text: jsonata_output(&format!("{{% {} %}}", vec!["1"; 50_000].join("+"))),
            expect: Expect::Invalid("INVALID_JSONATA"),
        },
        Crafted {
            name: "jsonata_long_negation",
            ext: "json",
            text: jsonata_output(&format!("{{% {}1 %}}", "-".repeat(50_000))),
            expect: Expect::Invalid("INVALID_JSONATA"),
        },
        Crafted {
            name: "jsonata_builds_a_deep_value",
            ext: "json",
            text: jsonata_output("{% $reduce([1..100000], function($a, $b) {{'a': $a}}, {}) %}"),
            expect: Expect::RunFails("States.QueryEvaluationError"),
        },
        Crafted {
            name: "pass_loop_nests_its_input",
            ext: "json",
            text: json!({"StartAt": "P", "States": {
                "P": {"Type": "Pass", "Parameters": {"a.$": "$"}, "Next": "C"},
                "C": {"Type": "Choice", "Default": "P",
                      "Choices": [{"Variable": "$.stop", "IsPresent": true, "Next": "S"}]},
                "S": {"Type": "Succeed"}}})
            .to_string(),
            // Stopped at 1,000 levels (MAX_PAYLOAD_DEPTH), long before the Standard event limit.
            expect: Expect::RunFails("States.DataLimitExceeded"),
        },
        Crafted {
            name: "parallel_nested_20_deep",
            ext: "json",
            text: nested_parallel(20).to_string(),
            expect: Expect::Runs,
        },
        Crafted {
            name: "parallel_nested_30_deep",
            ext: "json",
            text: nested_parallel(30).to_string(),
            expect: Expect::Unreadable("NESTING_TOO_DEEP"),
        },
    ]
}
