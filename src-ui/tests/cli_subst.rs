//! Placeholder values on the command line: `--sub`, `--subs`, `--template`, the sidecar file and
//! template discovery, for `validate`, `run`, `render`, `test` and `fmt`, on real files.

use crate::support;

use support::{fixture, sam_copy, stderr, stdout, stepcraft};

const MOCK_ARGS: [&str; 6] = [
    "--mock-config",
    "",
    "--test-case",
    "LargeOrder",
    "--state-machine",
    "OrdersStateMachine",
];

fn run_args<'a>(def: &'a str, mocks: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", def];
    args.extend(MOCK_ARGS);
    args[3] = mocks;
    args.extend(["--input", r#"{"orderId":"o-9"}"#]);
    args.extend(extra);
    args
}

#[test]
fn validate_lists_placeholders_and_checks_given_values() {
    let def = fixture("statemachine/orders.asl.json");
    // Discovery finds the template; every placeholder gets a value.
    let out = stepcraft(&["validate", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("info[PLACEHOLDERS]: 6 deploy-time placeholders (every one has a value"),
        "{text}"
    );
    assert!(text.contains("${OrdersTable} = \"orders-dev\""), "{text}");
    // Without discovery none has a value, and nothing is an error either.
    let out = stepcraft(&["validate", "--no-discovery", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("6 without a value are accepted"),
        "{}",
        stdout(&out)
    );
    // A value given on the command line is checked: a malformed ARN is an error again.
    let out = stepcraft(&[
        "validate",
        "--no-discovery",
        "--sub",
        "ItemConcurrency=-3",
        &def,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("error[INVALID_VALUE]"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("(at /States/Price Items/MaxConcurrency)"),
        "{}",
        stdout(&out)
    );
    // A bare placeholder whose value is not JSON, and a value for no placeholder.
    let out = stepcraft(&[
        "validate",
        "--sub",
        "ItemConcurrency=four",
        "--sub",
        "OrderTable=x",
        &def,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("error[INVALID_SUBSTITUTION]"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("warning[UNUSED_SUBSTITUTION]"),
        "{}",
        stdout(&out)
    );
    // --sub accepts ${Name}=value too, and a bad flag says how to write it.
    let out = stepcraft(&["validate", "--sub", "${ItemConcurrency}=2", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = stepcraft(&["validate", "--sub", "ItemConcurrency", &def]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("write it as Name=Value"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn run_takes_values_from_the_template_with_stand_in_arns() {
    let def = fixture("statemachine/orders.asl.json");
    let mocks = fixture("statemachine/orders.mocks.json");
    let out = stepcraft(&run_args(&def, &mocks, &[]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert_eq!(
        output["validation"]["validatedBy"],
        "arn:aws:lambda:us-east-1:123456789012:function:ValidateOrderFunction"
    );
    assert_eq!(
        output["announced"]["topic"],
        "arn:aws:sns:us-east-1:123456789012:OrderEventsTopic"
    );
    assert_eq!(output["review"], true, "250 is above the template's 100");
    // A flag wins over the template.
    let out = stepcraft(&run_args(&def, &mocks, &["--sub", "ReviewThreshold=1000"]));
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    assert!(output.get("review").is_none(), "{output}");
    // Without values a bare placeholder cannot run, and the message says how to give one.
    let out = stepcraft(&run_args(&def, &mocks, &["--no-discovery"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("${ItemConcurrency} stands unquoted at /States/Price Items/MaxConcurrency, so it needs a value to run: give one with --sub ItemConcurrency=VALUE"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn precedence_is_flags_then_file_then_template() {
    let copy = sam_copy("precedence");
    let def = copy.at("statemachine/orders.asl.json");
    let mocks = copy.at("statemachine/orders.mocks.json");
    let subs = copy.write(
        "values.yaml",
        "ReviewThreshold: 1000\nNotifyTopicArn: arn:aws:sns:eu-west-1:111122223333:from-file\n",
    );
    let out = stepcraft(&run_args(&def, &mocks, &["--subs", &subs]));
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output");
    assert!(
        output.get("review").is_none(),
        "the file's 1000 wins: {output}"
    );
    assert_eq!(
        output["announced"]["topic"],
        "arn:aws:sns:eu-west-1:111122223333:from-file"
    );
    assert_eq!(
        output["validation"]["validatedBy"],
        "arn:aws:lambda:us-east-1:123456789012:function:ValidateOrderFunction",
        "names the file leaves out come from the template"
    );
    let out = stepcraft(&run_args(
        &def,
        &mocks,
        &["--subs", &subs, "--sub", "ReviewThreshold=5"],
    ));
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output");
    assert_eq!(output["review"], true, "the flag's 5 wins over the file");
    // The sidecar the studio writes is read when no --subs is given.
    copy.write(
        "statemachine/orders.asl.subs.json",
        "{\"ReviewThreshold\": 1000}\n",
    );
    let out = stepcraft(&run_args(&def, &mocks, &[]));
    let output: serde_json::Value = serde_json::from_slice(&out.stdout).expect("output");
    assert!(output.get("review").is_none(), "{output}");
    // A broken substitutions file is reported with its line and column.
    let broken = copy.write("broken.yaml", "A: 1\nB: [1, 2]\n");
    let out = stepcraft(&["validate", "--subs", &broken, &def]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("broken.yaml:2:1:"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn an_explicit_template_with_several_state_machines_needs_a_resource() {
    let copy = sam_copy("several");
    let def = copy.at("statemachine/orders.asl.json");
    let template = std::fs::read_to_string(copy.at("template.yaml")).expect("read");
    let two = template.replace(
        "  ValidateOrderFunction:\n",
        "  OtherMachine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        ItemConcurrency: 9\n\n  ValidateOrderFunction:\n",
    );
    let other = copy.write("other.yaml", &two);
    // other.yaml is not named template.yaml, so it is only read when given; its DefinitionUri
    // still picks the right machine.
    let out = stepcraft(&["validate", "--no-discovery", "--template", &other, &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("${ItemConcurrency} = \"4\""),
        "{}",
        stdout(&out)
    );
    let out = stepcraft(&[
        "validate",
        "--template",
        &other,
        "--template-resource",
        "OtherMachine",
        &def,
    ]);
    assert!(
        stdout(&out).contains("${ItemConcurrency} = \"9\""),
        "{}",
        stdout(&out)
    );
    // For a definition no DefinitionUri names, the choice must be made.
    let elsewhere = copy.write(
        "elsewhere.asl.json",
        &std::fs::read_to_string(&def).expect("read"),
    );
    let out = stepcraft(&["validate", "--template", &other, &elsewhere]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains(
            "several (OrdersStateMachine, OtherMachine); choose one with --template-resource"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn test_render_and_fmt_take_the_same_options() {
    let tests = fixture("statemachine/orders.test.yaml");
    let out = stepcraft(&["test", &tests]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("3 passed, 0 failed"),
        "{}",
        stdout(&out)
    );
    // A flag wins over the test file's values: the large order is no longer flagged.
    let out = stepcraft(&["test", "--sub", "ReviewThreshold=5000", &tests]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("FAIL an order above the template's threshold is flagged"),
        "{}",
        stdout(&out)
    );
    // render draws substituted values; without them, the placeholder's name.
    let def = fixture("statemachine/orders.asl.json");
    let out = stepcraft(&["render", "--no-discovery", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("ValidateFunctionArn"),
        "the node names the parameter"
    );
    let out = stepcraft(&["render", &def]);
    assert!(
        stdout(&out).contains("ValidateOrderFunction"),
        "the stand-in function name is drawn"
    );
    // fmt keeps the bare placeholders as they are.
    let out = stepcraft(&["fmt", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("\"MaxConcurrency\": ${ItemConcurrency},"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("\"NumericGreaterThan\": ${ReviewThreshold},"),
        "{}",
        stdout(&out)
    );
    let out = stepcraft(&["fmt", "--yaml", &def]);
    assert!(
        stdout(&out).contains("MaxConcurrency: ${ItemConcurrency}\n"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_template_value_that_cannot_be_worked_out_is_only_reported_where_used() {
    let copy = sam_copy("unresolved");
    let def = copy.at("statemachine/orders.asl.json");
    let template = std::fs::read_to_string(copy.at("template.yaml")).expect("read");
    // SAM generates roles and APIs the template never declares; Stepcraft cannot stand in for them.
    let with_role = template.replace(
        "        ItemConcurrency: 4\n",
        "        ItemConcurrency: 4\n        RoleArn: !GetAtt ValidateOrderFunctionRole.Arn\n",
    );
    copy.write("template.yaml", &with_role);
    let out = stepcraft(&["validate", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        !stdout(&out).contains("UNRESOLVED_SUBSTITUTION"),
        "{}",
        stdout(&out)
    );
    // Used, it is a warning that says why and how to give a value; the rest still apply.
    let text = std::fs::read_to_string(&def).expect("read");
    copy.write(
        "statemachine/orders.asl.json",
        &text.replace(
            "\"Comment\": \"Validate",
            "\"Comment\": \"${RoleArn} Validate",
        ),
    );
    let out = stepcraft(&["validate", &def]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report = stdout(&out);
    assert!(
        report.contains("warning[UNRESOLVED_SUBSTITUTION]: ${RoleArn} has no local value"),
        "{report}"
    );
    assert!(
        report.contains("the template has no resource named ValidateOrderFunctionRole"),
        "{report}"
    );
    assert!(
        report.contains("${OrdersTable} = \"orders-dev\""),
        "{report}"
    );
}

#[test]
fn test_with_no_discovery_reads_no_template() {
    let tests = fixture("statemachine/orders.test.yaml");
    let out = stepcraft(&["test", "--no-discovery", &tests]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("0 passed, 3 failed"),
        "{}",
        stdout(&out)
    );
}
