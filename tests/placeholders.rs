//! Deploy-time `${...}` placeholders as a table: each row is a definition (as text, since some
//! placeholders stand where JSON does not allow them), optional substitution values, the exact
//! errors and warnings, and the placeholder names the info diagnostic must list.

use std::collections::BTreeSet;
use stepcraft::subst::{Origin, Substitutions};
use stepcraft::validate::{Options, validate};
use stepcraft::{Code, Diagnostic, Document, Format, Severity};

struct Row {
    name: &'static str,
    text: String,
    subs: Vec<(&'static str, &'static str)>,
    expected: Vec<(&'static str, &'static str)>,
    /// Where YAML reads differently (a plain scalar's value is YAML, not JSON).
    yaml_expected: Option<Vec<(&'static str, &'static str)>>,
    placeholders: Vec<&'static str>,
}

/// A definition with one state `S` whose body is `state` (JSON members), plus `rest` states.
fn one_state(state: &str) -> String {
    format!("{{\n  \"StartAt\": \"S\",\n  \"States\": {{\n    \"S\": {{ {state} }}\n  }}\n}}\n")
}

fn row(name: &'static str, text: String, placeholders: &[&'static str]) -> Row {
    Row {
        name,
        text,
        subs: Vec::new(),
        expected: Vec::new(),
        yaml_expected: None,
        placeholders: placeholders.to_vec(),
    }
}

impl Row {
    fn with(mut self, subs: &[(&'static str, &'static str)]) -> Self {
        self.subs = subs.to_vec();
        self
    }

    fn expect(mut self, expected: &[(&'static str, &'static str)]) -> Self {
        self.expected = expected.to_vec();
        self
    }

    fn in_yaml(mut self, expected: &[(&'static str, &'static str)]) -> Self {
        self.yaml_expected = Some(expected.to_vec());
        self
    }
}

const LAMBDA: &str = r#""Type": "Task", "Resource": "arn:aws:states:::lambda:invoke""#;

fn rows() -> Vec<Row> {
    vec![
        // Whole and part of string values.
        row("whole Resource", one_state(r#""Type": "Task", "Resource": "${ProcessFunctionArn}", "End": true"#), &["ProcessFunctionArn"]),
        row("ARN with pseudo parameters", one_state(r#""Type": "Task", "Resource": "arn:${AWS::Partition}:states:::lambda:invoke", "Parameters": {"FunctionName": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:f"}, "End": true"#), &["AWS::Partition", "AWS::Region", "AWS::AccountId"]),
        row("Terraform names", one_state(&format!(r#"{LAMBDA}, "Parameters": {{"FunctionName": "${{aws_lambda_function.f.arn}}", "Payload": {{"table": "${{var.table_name}}"}}}}, "End": true"#)), &["aws_lambda_function.f.arn", "var.table_name"]),
        row("table name and queue URL", one_state(r#""Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "Parameters": {"QueueUrl": "${JobsQueueUrl}", "MessageBody": {"table": "${OrdersTable}"}}, "End": true"#), &["JobsQueueUrl", "OrdersTable"]),
        row("endpoint in an HTTP task", one_state(r#""Type": "Task", "Resource": "arn:aws:states:::http:invoke", "Parameters": {"ApiEndpoint": "https://${ApiHost}/orders", "Method": "GET", "Authentication": {"ConnectionArn": "${ConnectionArn}"}}, "End": true"#), &["ApiHost", "ConnectionArn"]),
        // Placeholders where numbers go: quoted, and bare (not JSON until substituted).
        row("quoted number", one_state(r#""Type": "Wait", "Seconds": "${WaitSeconds}", "End": true"#), &["WaitSeconds"]),
        row("bare number", one_state(r#""Type": "Wait", "Seconds": ${WaitSeconds}, "End": true"#), &["WaitSeconds"]),
        row("bare timeouts are not compared", one_state(&format!(r#"{LAMBDA}, "Parameters": {{"FunctionName": "f"}}, "TimeoutSeconds": ${{Timeout}}, "HeartbeatSeconds": ${{Heartbeat}}, "End": true"#)), &["Timeout", "Heartbeat"]),
        row("bare MaxConcurrency", one_state(r#""Type": "Map", "MaxConcurrency": ${Concurrency}, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#), &["Concurrency"]),
        row("bare object", one_state(r#""Type": "Pass", "Result": ${Defaults}, "End": true"#), &["Defaults"]),
        // Nested in arrays.
        row("in arrays", one_state(&format!(r#"{LAMBDA}, "Parameters": {{"FunctionName": "f", "Payload": {{"args": ["${{Arg1}}", "--x=${{Arg2}}", [${{Arg3}}]]}}}}, "Retry": [{{"ErrorEquals": ["${{RetryOn}}"], "MaxAttempts": ${{Attempts}}}}], "End": true"#)), &["Arg1", "Arg2", "Arg3", "RetryOn", "Attempts"]),
        // Choice rule values.
        row("choice values", r#"{"StartAt": "C", "States": {
            "C": {"Type": "Choice", "Choices": [
                {"Variable": "$.status", "StringEquals": "${ApprovedStatus}", "Next": "Done"},
                {"Variable": "$.amount", "NumericGreaterThan": ${Threshold}, "Next": "Done"},
                {"Variable": "$.amount", "NumericLessThan": "${Floor}", "Next": "Done"},
                {"Variable": "$.when", "TimestampEquals": "${Cutoff}", "Next": "Done"},
                {"Variable": "$.flag", "BooleanEquals": ${Flag}, "Next": "Done"}
            ], "Default": "Done"},
            "Done": {"Type": "Succeed"}}}"#.to_owned(), &["ApprovedStatus", "Threshold", "Floor", "Cutoff", "Flag"]),
        // Map ItemReader parameters.
        row("ItemReader parameters", one_state(r#""Type": "Map", "ItemReader": {"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": ${MaxItems}}, "Parameters": {"Bucket": "${DataBucket}", "Key": "${Prefix}/items.csv"}}, "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#), &["MaxItems", "DataBucket", "Prefix"]),
        // Paths and JSONata arguments.
        row("path placeholder", one_state(r#""Type": "Pass", "InputPath": "${InputPath}", "End": true"#), &["InputPath"]),
        row("JSONata arguments", one_state(r#""Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::lambda:invoke", "Arguments": {"FunctionName": "${Fn}", "Payload": "{% $states.input %}"}, "End": true"#), &["Fn"]),
        row("escapes are text", one_state(r#""Type": "Pass", "Result": {"cfn": "${!Literal}", "tf": "$${var.x}"}, "End": true"#), &[]),
        // With values: the substituted definition is checked in full.
        row("good values", one_state(r#""Type": "Task", "Resource": "${Fn}", "TimeoutSeconds": ${Timeout}, "End": true"#), &["Fn", "Timeout"])
            .with(&[("Fn", "arn:aws:lambda:us-east-1:123456789012:function:f"), ("Timeout", "30")]),
        row("malformed substituted ARN", one_state(r#""Type": "Task", "Resource": "${Fn}", "End": true"#), &["Fn"])
            .with(&[("Fn", "not-an-arn")])
            .expect(&[("INVALID_RESOURCE", "/States/S/Resource")]),
        row("substituted number out of range", one_state(r#""Type": "Map", "MaxConcurrency": ${Concurrency}, "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#), &["Concurrency"])
            .with(&[("Concurrency", "-1")])
            .expect(&[("INVALID_VALUE", "/States/S/MaxConcurrency")]),
        row("substituted heartbeat above timeout", one_state(&format!(r#"{LAMBDA}, "Parameters": {{"FunctionName": "f"}}, "TimeoutSeconds": ${{Timeout}}, "HeartbeatSeconds": ${{Heartbeat}}, "End": true"#)), &["Timeout", "Heartbeat"])
            .with(&[("Timeout", "10"), ("Heartbeat", "20")])
            .expect(&[("HEARTBEAT_NOT_BELOW_TIMEOUT", "/States/S/HeartbeatSeconds")]),
        row("substituted bad path", one_state(r#""Type": "Pass", "InputPath": "${InputPath}", "End": true"#), &["InputPath"])
            .with(&[("InputPath", "items")])
            .expect(&[("INVALID_PATH", "/States/S/InputPath")]),
        row("a quoted number stays text", one_state(r#""Type": "Wait", "Seconds": "${WaitSeconds}", "End": true"#), &["WaitSeconds"])
            .with(&[("WaitSeconds", "5")])
            .expect(&[("WRONG_TYPE", "/States/S/Seconds")]),
        row("bare value that is not JSON", one_state(r#""Type": "Wait", "Seconds": ${WaitSeconds}, "End": true"#), &["WaitSeconds"])
            .with(&[("WaitSeconds", "five")])
            .expect(&[("INVALID_SUBSTITUTION", "/States/S/Seconds")])
            // A plain YAML scalar `five` is the string "five": the wrong type for Seconds.
            .in_yaml(&[("WRONG_TYPE", "/States/S/Seconds")]),
        row("some values given", one_state(r#""Type": "Task", "Resource": "${Fn}", "TimeoutSeconds": ${Timeout}, "End": true"#), &["Fn", "Timeout"])
            .with(&[("Timeout", "30")]),
        row("a value for no placeholder", one_state(r#""Type": "Task", "Resource": "${Fn}", "End": true"#), &["Fn"])
            .with(&[("Fn", "arn:aws:lambda:us-east-1:123456789012:function:f"), ("Fnn", "typo")])
            .expect(&[("UNUSED_SUBSTITUTION", "")]),
    ]
}

fn run(row: &Row, text: &str, format: Format) -> Result<Vec<Diagnostic>, String> {
    let doc = Document::parse(text, format).map_err(|d| format!("does not parse: {d:?}"))?;
    let flags: Vec<String> = row.subs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let options = Options {
        substitutions: Substitutions::from_flags(&flags)?,
        ..Default::default()
    };
    if doc.to_text() != text {
        return Err("the unedited document does not save back byte for byte".to_owned());
    }
    Ok(validate(&doc, &options))
}

fn check(row: &Row, diags: &[Diagnostic]) -> Option<String> {
    let mut got: Vec<(&str, &str)> = diags
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| (d.code.as_str(), d.pointer.as_str()))
        .collect();
    got.sort_unstable();
    let mut want = row.expected.clone();
    want.sort_unstable();
    if got != want {
        return Some(format!("expected {want:?}, got {got:?}: {diags:#?}"));
    }
    let infos: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.code == Code::Placeholders)
        .collect();
    match (row.placeholders.is_empty(), infos.as_slice()) {
        (true, []) => None,
        (false, [info]) => row
            .placeholders
            .iter()
            .find(|n| !info.message.contains(&format!("${{{n}}}")))
            .map(|n| format!("the info does not list ${{{n}}}: {}", info.message)),
        _ => Some(format!(
            "expected one PLACEHOLDERS info listing {:?}, got {infos:?}",
            row.placeholders
        )),
    }
}

#[test]
fn placeholder_table() {
    let mut failures = Vec::new();
    let rows = rows();
    for row in &rows {
        match run(row, &row.text, Format::Json) {
            Ok(diags) => {
                if let Some(f) = check(row, &diags) {
                    failures.push(format!("{}: {f}", row.name));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", row.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

/// The same rows written as YAML (bare placeholders as plain scalars) give the same results.
#[test]
fn placeholder_table_in_yaml() {
    let mut failures = Vec::new();
    for mut row in rows() {
        if let Some(expected) = row.yaml_expected.take() {
            row.expected = expected;
        }
        let doc = Document::parse(&row.text, Format::Json).expect("parses");
        let yaml = doc.formatted(Format::Yaml);
        match run(&row, &yaml, Format::Yaml) {
            Ok(diags) => {
                if let Some(f) = check(&row, &diags) {
                    failures.push(format!("{}: {f}\n{yaml}", row.name));
                }
            }
            Err(e) => failures.push(format!("{}: {e}\n{yaml}", row.name)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bare_placeholders_survive_edits_and_conversions() {
    let text = one_state(
        r#""Type": "Map", "MaxConcurrency": ${Concurrency}, "Label": "${Concurrency}x", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#,
    );
    let mut doc = Document::parse(&text, Format::Json).expect("parses");
    assert!(
        doc.bare_placeholders().is_bare(
            &stepcraft::Pointer::root()
                .key("States")
                .key("S")
                .key("MaxConcurrency"),
            "Concurrency"
        )
    );
    // Its other use is inside a longer string, so the name is bare wherever it is whole.
    assert_eq!(
        doc.bare_placeholders().only_bare_names(),
        &BTreeSet::from(["Concurrency".to_owned()])
    );
    assert_eq!(
        doc.value()["States"]["S"]["MaxConcurrency"],
        "${Concurrency}"
    );
    // An edit rewrites the text: the placeholder stays bare, the string stays quoted.
    let mut value = doc.value().clone();
    value["Comment"] = "edited".into();
    doc.set_value(value);
    let saved = doc.to_text();
    assert!(
        saved.contains("\"MaxConcurrency\": ${Concurrency},"),
        "{saved}"
    );
    assert!(saved.contains("\"Label\": \"${Concurrency}x\""), "{saved}");
    let again = Document::parse(&saved, Format::Json).expect("reads back");
    assert_eq!(again.value(), doc.value());
    // As YAML it is a plain scalar. Back in JSON it is quoted: YAML made it a string (SAM
    // converts YAML to JSON before it substitutes).
    let yaml = doc.formatted(Format::Yaml);
    assert!(yaml.contains("MaxConcurrency: ${Concurrency}\n"), "{yaml}");
    let from_yaml = Document::parse(&yaml, Format::Yaml).expect("yaml reads");
    assert!(
        from_yaml
            .formatted(Format::Json)
            .contains("\"MaxConcurrency\": \"${Concurrency}\"")
    );
    // A quoted whole placeholder in YAML stays quoted after an edit.
    let quoted =
        "StartAt: S\nStates:\n  S:\n    Type: Task\n    Resource: \"${Fn}\"\n    End: true\n";
    let mut doc = Document::parse(quoted, Format::Yaml).expect("yaml");
    let mut value = doc.value().clone();
    value["Comment"] = "x".into();
    doc.set_value(value);
    assert!(
        doc.to_text().contains("Resource: \"${Fn}\""),
        "{}",
        doc.to_text()
    );
}

/// The same name bare in one place and quoted in another keeps each as it was through an edit.
#[test]
fn a_name_used_bare_and_quoted_keeps_both() {
    let text = one_state(
        r#""Type": "Map", "MaxConcurrency": ${N}, "Comment": "${N}", "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}, "End": true"#,
    );
    let mut doc = Document::parse(&text, Format::Json).expect("parses");
    let options = Options {
        substitutions: Substitutions::from_flags(&["N=5"]).expect("flags"),
        ..Default::default()
    };
    let applied = options.substitutions.apply_to(&doc);
    assert_eq!(applied.value["States"]["S"]["MaxConcurrency"], 5);
    assert_eq!(applied.value["States"]["S"]["Comment"], "5");
    let mut value = doc.value().clone();
    value["Comment"] = "edited".into();
    doc.set_value(value);
    let saved = doc.to_text();
    assert!(saved.contains("\"MaxConcurrency\": ${N},"), "{saved}");
    assert!(saved.contains("\"Comment\": \"${N}\""), "{saved}");
}

/// SAM's usual YAML style: unquoted placeholders that stand for text. Values keep them text, and
/// the JSON export quotes them.
#[test]
fn plain_yaml_placeholders_are_text_for_sam() {
    let yaml = "StartAt: S\nStates:\n  S:\n    Type: Task\n    Resource: ${FnArn}\n    TimeoutSeconds: ${Timeout}\n    End: true\n";
    let doc = Document::parse(yaml, Format::Yaml).expect("yaml");
    let options = Options {
        substitutions: Substitutions::from_flags(&[
            "FnArn=arn:aws:lambda:us-east-1:123456789012:function:f",
            "Timeout=30",
        ])
        .expect("flags"),
        ..Default::default()
    };
    let diags = validate(&doc, &options);
    assert!(
        !diags.iter().any(|d| d.severity != Severity::Info),
        "{diags:#?}"
    );
    let json = doc.formatted(Format::Json);
    assert!(json.contains("\"Resource\": \"${FnArn}\""), "{json}");
    assert!(Document::parse(&json, Format::Json).is_ok());
    // Back to YAML they are plain again.
    assert_eq!(doc.formatted(Format::Yaml), yaml);
}

#[test]
fn positions_after_a_bare_placeholder_are_those_of_the_file() {
    let text = "{\n  \"StartAt\": \"S\",\n  \"States\": {\n    \"S\": {\"Type\": \"Wait\", \"Seconds\": ${A}, \"Nxt\": ${B}, \"End\": true}\n  }\n}\n";
    let doc = Document::parse(text, Format::Json).expect("parses");
    let diags = validate(&doc, &Options::default());
    let unknown = diags
        .iter()
        .find(|d| d.code == Code::UnknownField)
        .expect("Nxt is unknown");
    let location = unknown.location.expect("located");
    let column = text
        .lines()
        .nth(3)
        .and_then(|l| l.find("\"Nxt\""))
        .expect("in text")
        + 1;
    assert_eq!((location.line, location.column as usize), (4, column));
    // On a line with non-ASCII text, the column still counts characters.
    let accented = "{\"Ä\": \"é\", \"B\": ${X}, \"C\": tru}";
    let err = Document::parse(accented, Format::Json).expect_err("not JSON");
    let at = err.location.expect("located").column as usize;
    let want = accented.chars().position(|c| c == 't').expect("t") + 1;
    assert!(
        (want..=want + 3).contains(&at),
        "column {at}, `tru` starts at {want}"
    );
    // A syntax error after bare placeholders is reported where it is in the file.
    let broken = "{\"A\": ${X}, \"B\": ${Y}, \"C\": tru}";
    let err = Document::parse(broken, Format::Json).expect_err("not JSON");
    let at = err.location.expect("located");
    assert_eq!(at.line, 1);
    assert!(
        (29..=33).contains(&at.column),
        "column {} should point into `tru`",
        at.column
    );
}

#[test]
fn origins_are_named_in_messages() {
    let mut subs = Substitutions::new();
    subs.set("X", "v".into(), Origin::File("values.yaml".into()));
    let doc = Document::parse(&one_state(r#""Type": "Pass", "End": true"#), Format::Json)
        .expect("parses");
    let diags = validate(
        &doc,
        &Options {
            substitutions: subs,
            ..Default::default()
        },
    );
    assert!(
        diags
            .iter()
            .any(|d| d.code == Code::UnusedSubstitution && d.message.contains("values.yaml")),
        "{diags:?}"
    );
}

fn sam_fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sam-orders")
        .join(rel)
}

/// The SAM fixture end to end in-process: the test file finds template.yaml through its
/// DefinitionUri, the template's values (stand-in ARNs, the parameter default, a literal number)
/// fill the placeholders, and the mocked cases pass.
#[test]
fn a_sam_template_drives_a_mocked_run() {
    let file = stepcraft::testing::load(&sam_fixture("statemachine/orders.test.yaml"))
        .expect("the test file loads");
    let results = stepcraft::testing::run_file(&file, None);
    assert_eq!(results.len(), 3);
    for r in &results {
        assert!(r.passed(), "{}: {:?}", r.name, r.failure);
    }
    let subs = stepcraft::subst::template::substitutions(
        &sam_fixture("template.yaml"),
        Some(&sam_fixture("statemachine/orders.asl.json")),
        None,
    )
    .expect("the template reads");
    let text = |name: &str| subs.get(name).map(stepcraft::subst::Substitution::text);
    assert_eq!(text("OrdersTable").as_deref(), Some("orders-dev"));
    assert_eq!(text("ItemConcurrency").as_deref(), Some("4"));
    assert_eq!(text("ReviewThreshold").as_deref(), Some("100"));
    assert_eq!(
        text("ArchivePrefix").as_deref(),
        Some("s3://archivebucket/dev/orders")
    );
    // The definition itself saves back unchanged, bare placeholders and all.
    let path = sam_fixture("statemachine/orders.asl.json");
    let original = std::fs::read_to_string(&path).expect("read");
    let doc = Document::parse(&original, Format::Json).expect("parses");
    assert_eq!(doc.to_text(), original);
    assert_eq!(doc.bare_placeholders().only_bare_names().len(), 2);
}
