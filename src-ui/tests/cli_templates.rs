//! Definitions inside templates through the binary: `TEMPLATE#LogicalId` in every command that
//! reads a definition, `stepcraft template`, and `fmt --write` writing back into the template
//! with every other byte kept and cfn-lint still passing.

use serde_json::Value;
use support::{TempDir, cfn_lint, repo, stderr, stdout, stepcraft};

use crate::support;

/// Copies of the templates in `tests/fixtures/templates/`, to write into.
fn templates(name: &str) -> TempDir {
    let dir = TempDir::new(&format!("templates-{name}"));
    for file in ["sam-inline.yaml", "cfn.json", "single.yaml"] {
        let text =
            std::fs::read_to_string(repo("tests/fixtures/templates").join(file)).expect("fixture");
        dir.file(file, &text);
    }
    dir
}

#[test]
fn template_lists_each_state_machine_with_where_its_definition_is() {
    let dir = templates("list");
    let out = stepcraft(&["template", &dir.at("sam-inline.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(
            "sam-inline.yaml#Orders  AWS::Serverless::StateMachine  inline Definition  ("
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "sam-inline.yaml:15)  2 states, placeholders ${ValidateFunctionArn} ${OrdersTable}"
        ),
        "{text}"
    );
    assert!(
        text.contains("#Refunds  AWS::StepFunctions::StateMachine  DefinitionString (Fn::Sub)"),
        "{text}"
    );

    let out = stepcraft(&["template", &dir.at("cfn.json"), "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let rows: Vec<(String, String, u64)> = report["stateMachines"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| {
            (
                m["logicalId"].as_str().unwrap_or_default().to_owned(),
                m["definition"].as_str().unwrap_or_default().to_owned(),
                m["states"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Inline".into(), "inline Definition".into(), 2),
            ("Joined".into(), "DefinitionString (Fn::Join)".into(), 1),
            ("Quoted".into(), "DefinitionString (string)".into(), 1),
        ]
    );

    let out = stepcraft(&[
        "template",
        &repo("tests/fixtures/sam-orders/template.yaml")
            .display()
            .to_string(),
    ]);
    assert!(stdout(&out).contains("#OrdersStateMachine  AWS::Serverless::StateMachine  DefinitionUri statemachine/orders.asl.json"), "{}", stdout(&out));
}

#[test]
fn problems_are_reported_at_the_templates_line_and_column() {
    let dir = TempDir::new("templates-errors");
    let yaml = dir.write(
        "t.yaml",
        "Resources:\n  Broken:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: Missing\n",
    );
    let out = stepcraft(&["validate", &format!("{yaml}#Broken")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(&format!("{yaml}:10:13: error[")), "{text}");
    assert!(text.contains("(at /States/A/Next)"), "{text}");
    // The template alone: its only state machine.
    let alone = stepcraft(&["validate", &yaml]);
    assert_eq!(stdout(&alone), text);

    let json = dir.write(
        "t.json",
        "{\"Resources\": {\"S\": {\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {\n  \"DefinitionString\": \"{\\\"StartAt\\\": \\\"A\\\",, }\"}}}}\n",
    );
    let out = stepcraft(&["validate", &json]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&format!(
            "{json}:2:44: error: S's DefinitionString is not a JSON definition"
        )),
        "{}",
        stdout(&out)
    );

    // Several state machines and none named: the list, and how to name one.
    let dir = templates("several");
    let out = stepcraft(&["run", &dir.at("sam-inline.yaml")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("the template has 2 state machines: Orders (inline Definition), Refunds (DefinitionString (Fn::Sub)). Choose one as TEMPLATE#LogicalId."), "{}", stderr(&out));
    let out = stepcraft(&["run", &format!("{}#Nope", dir.at("sam-inline.yaml"))]);
    assert!(
        stderr(&out).contains("no state machine named Nope; it has: Orders"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_command_reads_a_definition_inside_a_template() {
    let dir = templates("commands");
    let refunds = format!("{}#Refunds", dir.at("sam-inline.yaml"));
    let orders = format!("{}#Orders", dir.at("sam-inline.yaml"));

    let out = stepcraft(&[
        "validate",
        &orders,
        &refunds,
        &dir.at("single.yaml"),
        &format!("{}#Joined", dir.at("cfn.json")),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("4 of 4 files valid"),
        "{}",
        stdout(&out)
    );

    // The template's values: Fn::Sub's own (a parameter's default, a Sub variable) and
    // DefinitionSubstitutions.
    let answers = dir.write("answers.json", r#"{"Refund": {"refunded": true}}"#);
    let out = stepcraft(&["run", &refunds, "--task-results", &answers]);
    assert_eq!(
        stdout(&out).trim(),
        r#"{"refunded":true}"#,
        "{}",
        stderr(&out)
    );
    let out = stepcraft(&["run", &dir.at("single.yaml")]);
    assert_eq!(
        stdout(&out).trim(),
        r#"{"greeting":"hello"}"#,
        "{}",
        stderr(&out)
    );

    let out = stepcraft(&["render", &orders]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(">Validate<") && stdout(&out).contains(">Store<"));

    let out = stepcraft(&[
        "test-state",
        &orders,
        "--state",
        "Validate",
        "--result",
        r#"{"Payload": {"id": "7"}}"#,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let response: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(response["nextState"], "Store");
    assert_eq!(
        response["inspectionData"]["afterParameters"],
        r#"{"FunctionName":"arn:aws:lambda:us-east-1:123456789012:function:ValidateOrder","Payload":{}}"#
    );

    let output = dir.at("exported.yaml");
    let out = stepcraft(&["export", &orders, "--to", "cloudformation", "-o", &output]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let exported = std::fs::read_to_string(&output).expect("written");
    assert!(exported.contains("  Orders:\n"), "{exported}");
    cfn_lint(&output);

    // A test file whose definition is a template's state machine.
    let tests = dir.write(
        "orders.test.yaml",
        "definition: sam-inline.yaml#Orders\ncases:\n  - name: stores the order\n    input: {id: \"7\"}\n    mocks:\n      Validate: {Return: {Payload: {id: \"7\"}}}\n      Store: {Return: {}}\n    expect:\n      status: SUCCEEDED\n      path: [Validate, Store]\n",
    );
    let out = stepcraft(&["test", &tests]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("ok stores the order"),
        "{}",
        stdout(&out)
    );
    // Named by the state machine: its test files beside the template.
    let out = stepcraft(&["test", &orders]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no test files for this state machine: write"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out)
            .contains("sam-inline.Orders.test.yaml (with \"definition: sam-inline.yaml#Orders\")"),
        "{}",
        stderr(&out)
    );
    std::fs::rename(&tests, dir.path("sam-inline.Orders.test.yaml")).expect("renamed");
    let out = stepcraft(&["test", &orders]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("ok stores the order"),
        "{}",
        stdout(&out)
    );
}

/// The bytes before `first` and after `last` (the definition's first and last lines as
/// written) are the same in both texts.
fn assert_kept_outside(before: &str, after: &str, first: &str, last: &str) {
    let start = before.find(first).expect("first line");
    let end = before.rfind(last).expect("last line") + last.len();
    assert_eq!(
        &after[..start],
        &before[..start],
        "bytes before the definition"
    );
    let tail = before.len() - end;
    assert_eq!(
        &after[after.len() - tail..],
        &before[end..],
        "bytes after the definition"
    );
}

#[test]
fn fmt_write_writes_the_definition_back_into_the_template_and_nothing_else() {
    let dir = templates("fmt");
    let yaml = dir.at("sam-inline.yaml");
    let before = std::fs::read_to_string(&yaml).expect("read");
    let out = stepcraft(&["fmt", "--check", &format!("{yaml}#Orders")]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the flow list and comments inside are not formatted"
    );
    let out = stepcraft(&["fmt", "--write", &format!("{yaml}#Orders")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let after = std::fs::read_to_string(&yaml).expect("read");
    assert_ne!(after, before);
    assert_kept_outside(
        &before,
        &after,
        "Comment: Order intake",
        "            End: true",
    );
    assert!(after.contains("            Retry:\n              - ErrorEquals:\n                  - States.TaskFailed\n"), "{after}");
    assert!(after.contains("      # Comment after the definition, before its substitutions.\n      DefinitionSubstitutions:\n        ValidateFunctionArn: !GetAtt ValidateOrder.Arn\n"));
    cfn_lint(&yaml);
    let out = stepcraft(&["fmt", "--check", &format!("{yaml}#Orders")]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "formatted now: {}",
        stdout(&out)
    );
    // The other state machine's bytes were not touched, and it still reads the same.
    let out = stepcraft(&["fmt", "--check", &format!("{yaml}#Refunds")]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = stepcraft(&[
        "run",
        &format!("{yaml}#Refunds"),
        "--task-results",
        &dir.write("a.json", r#"{"Refund": 1}"#),
    ]);
    assert_eq!(stdout(&out).trim(), "1", "{}", stderr(&out));

    let json = dir.at("cfn.json");
    let before = std::fs::read_to_string(&json).expect("read");
    for id in ["Inline", "Joined", "Quoted"] {
        let out = stepcraft(&["fmt", "--write", &format!("{json}#{id}")]);
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stdout(&out));
    }
    let after = std::fs::read_to_string(&json).expect("read");
    assert_kept_outside(&before, &after, "\"Definition\": {", "\"Role\": {");
    assert!(after.contains("                \"Definition\": {\n                    \"StartAt\": \"Wait\",\n                    \"States\": {\n                        \"Wait\": {\n                            \"Type\": \"Wait\",\n"), "{after}");
    assert!(after.contains("\"Fn::Join\": [\"\\n\", [\n                        \"{\",\n                        \"  \\\"StartAt\\\": \\\"Hello\\\",\",\n"), "{after}");
    cfn_lint(&json);
    for id in ["Inline", "Joined", "Quoted"] {
        let out = stepcraft(&["validate", &format!("{json}#{id}")]);
        assert_eq!(out.status.code(), Some(0), "{id}: {}", stdout(&out));
    }
}
