//! Definitions inside templates (`stepcraft::embedded`) on the real templates of
//! `tests/fixtures/templates/`: listing, reading with template positions, and writing an edited
//! definition back with every byte outside it kept.

use serde_json::{Value, json};
use std::path::PathBuf;
use stepcraft::embedded::{Place, Setting, StringForm, Template};
use stepcraft::validate::{Options, validate};
use stepcraft::{Document, Format, Location};

fn fixture(name: &str) -> (PathBuf, String) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/templates")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    (path, text)
}

fn template(name: &str) -> Template {
    let (path, text) = fixture(name);
    Template::parse(&text, Format::from_path(&path).expect("format")).expect("template reads")
}

/// The document with `change` made to its value, as an edit.
fn edited(doc: &Document, change: impl FnOnce(&mut Value)) -> Document {
    let mut doc = doc.clone();
    let mut value = doc.value().clone();
    change(&mut value);
    doc.set_value(value);
    doc
}

/// The bytes before and after the part that differs, which must lie inside `inside` (the
/// first and last line of the definition as written).
fn assert_only_between(before: &str, after: &str, first: &str, last: &str) {
    let start = before.find(first).expect("first line");
    let end = before.rfind(last).expect("last line") + last.len();
    let tail = before.len() - end;
    assert_eq!(
        &after[..start],
        &before[..start],
        "bytes before the definition"
    );
    assert_eq!(
        &after[after.len() - tail..],
        &before[end..],
        "bytes after the definition"
    );
}

#[test]
fn a_template_lists_its_state_machines_with_where_each_definition_is() {
    let t = template("sam-inline.yaml");
    let machines = t.machines();
    let summary: Vec<(&str, &Place, Option<Location>)> = machines
        .iter()
        .map(|m| (m.id.as_str(), &m.place, m.location))
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "Orders",
                &Place::Definition,
                Some(Location {
                    line: 15,
                    column: 3
                })
            ),
            (
                "Refunds",
                &Place::DefinitionString(StringForm::Sub),
                Some(Location {
                    line: 51,
                    column: 3
                })
            ),
        ]
    );
    assert_eq!(
        machines[0].substitutions,
        vec!["ValidateFunctionArn", "OrdersTable"]
    );
    let json = template("cfn.json");
    let places: Vec<Place> = json.machines().into_iter().map(|m| m.place).collect();
    assert_eq!(
        places,
        vec![
            Place::Definition,
            Place::DefinitionString(StringForm::Join),
            Place::DefinitionString(StringForm::Plain)
        ]
    );
    let single = template("single.yaml");
    assert_eq!(single.machine(None).expect("one").id, "Greeter");
    let err = t.machine(None).expect_err("two machines");
    assert!(
        err.message
            .contains("Orders (inline Definition), Refunds (DefinitionString (Fn::Sub))"),
        "{err}"
    );
    let err = t.machine(Some("Nope")).expect_err("no such");
    assert!(err.message.contains("no state machine named Nope"), "{err}");
}

#[test]
fn problems_inside_an_embedded_definition_are_placed_in_the_template() {
    let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: A\n        States:\n          A:\n            Type: Pass\n            Next: Missing\n";
    let t = Template::parse(text, Format::Yaml).expect("reads");
    let e = t.embedded("M").expect("embedded");
    let mut diags = validate(&e.document, &Options::default());
    e.relocate(&mut diags);
    let d = diags
        .iter()
        .find(|d| d.pointer.as_str() == "/States/A/Next")
        .expect("Next is wrong");
    assert_eq!(
        d.location,
        Some(Location {
            line: 10,
            column: 13
        })
    );

    // Inside a !Sub | string: the line and column of the JSON text inside the template.
    let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\"StartAt\": \"A\",\n         \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"Missing\"}}}\n";
    let t = Template::parse(text, Format::Yaml).expect("reads");
    let e = t.embedded("M").expect("embedded");
    let mut diags = validate(&e.document, &Options::default());
    e.relocate(&mut diags);
    let d = diags
        .iter()
        .find(|d| d.pointer.as_str() == "/States/A/Next")
        .expect("Next is wrong");
    assert_eq!(
        d.location,
        Some(Location {
            line: 7,
            column: 43
        })
    );

    // Invalid JSON inside a JSON string: the escape's place in the template's line.
    let text = "{\"Resources\": {\"M\": {\"Type\": \"AWS::StepFunctions::StateMachine\", \"Properties\": {\n  \"DefinitionString\": \"{\\\"StartAt\\\": \\\"A\\\",, }\"}}}}\n";
    let t = Template::parse(text, Format::Json).expect("reads");
    let err = t.embedded("M").expect_err("not JSON");
    assert!(
        err.message
            .contains("DefinitionString is not a JSON definition"),
        "{err}"
    );
    assert_eq!(
        err.location,
        Some(Location {
            line: 2,
            column: 44
        })
    );
}

#[test]
fn an_unedited_definition_writes_back_byte_for_byte() {
    for (name, id) in [
        ("sam-inline.yaml", "Orders"),
        ("sam-inline.yaml", "Refunds"),
        ("cfn.json", "Inline"),
        ("cfn.json", "Joined"),
        ("cfn.json", "Quoted"),
        ("single.yaml", "Greeter"),
    ] {
        let (_, text) = fixture(name);
        let e = template(name).embedded(id).expect("embedded");
        assert_eq!(
            e.write_back(&text, &e.document).expect("written"),
            text,
            "{name}#{id}"
        );
    }
}

#[test]
fn an_inline_yaml_definition_is_written_back_as_block_yaml_at_its_indentation() {
    let (_, text) = fixture("sam-inline.yaml");
    let e = template("sam-inline.yaml")
        .embedded("Orders")
        .expect("embedded");
    assert_eq!(e.document.value()["StartAt"], "Validate");
    let doc = edited(&e.document, |v| {
        v["States"]["Validate"]["TimeoutSeconds"] = json!(30);
    });
    let out = e.write_back(&text, &doc).expect("written");
    assert_only_between(&text, &out, "Comment: Order intake", "End: true");
    assert!(
        out.contains("        States:\n          Validate:\n            Type: Task\n"),
        "{out}"
    );
    assert!(out.contains("            TimeoutSeconds: 30\n"), "{out}");
    assert!(out.contains("      # Comment after the definition, before its substitutions.\n"));
    let again = Template::parse(&out, Format::Yaml)
        .expect("reads")
        .embedded("Orders")
        .expect("embedded");
    assert_eq!(again.document.value(), doc.value());
}

#[test]
fn a_sub_string_keeps_its_tag_its_block_and_its_placeholders() {
    let (_, text) = fixture("sam-inline.yaml");
    let e = template("sam-inline.yaml")
        .embedded("Refunds")
        .expect("embedded");
    let doc = edited(&e.document, |v| {
        v["States"]["Refund"]["Comment"] = json!("edited");
    });
    let out = e.write_back(&text, &doc).expect("written");
    assert_only_between(
        &text,
        &out,
        "        {\n          \"Comment\"",
        "          }\n        }",
    );
    assert!(
        out.contains("      DefinitionString: !Sub |\n        {\n"),
        "{out}"
    );
    assert!(
        out.contains("\"TimeoutSeconds\": ${RefundTimeout},"),
        "bare kept: {out}"
    );
    assert!(
        out.contains("\"Resource\": \"${ValidateOrder.Arn}\""),
        "{out}"
    );
    let again = Template::parse(&out, Format::Yaml)
        .expect("reads")
        .embedded("Refunds")
        .expect("embedded");
    assert_eq!(again.document.value(), doc.value());
}

#[test]
fn json_templates_keep_their_indentation_joins_and_quoted_strings() {
    let (_, text) = fixture("cfn.json");
    let t = template("cfn.json");

    let e = t.embedded("Inline").expect("embedded");
    let doc = edited(&e.document, |v| v["States"]["Wait"]["Seconds"] = json!(9));
    let out = e.write_back(&text, &doc).expect("written");
    assert_only_between(
        &text,
        &out,
        "{\n                    \"StartAt\": \"Wait\"",
        "\"Succeed\" }\n                    }\n                }",
    );
    assert!(out.contains("\"Definition\": {\n                    \"StartAt\": \"Wait\",\n                    \"States\": {\n                        \"Wait\": {\n"), "{out}");
    assert!(out.contains("\"Seconds\": 9,"));

    let e = t.embedded("Joined").expect("embedded");
    assert_eq!(e.document.value()["States"]["Hello"]["Result"], "hi");
    let doc = edited(&e.document, |v| {
        v["States"]["Hello"]["Result"] = json!("hello");
    });
    let out = e.write_back(&text, &doc).expect("written");
    assert_only_between(
        &text,
        &out,
        "[\n                        \"{\",",
        "\"}\"\n                    ]",
    );
    assert!(
        out.contains("\"Fn::Join\": [\"\\n\", [\n                        \"{\",\n"),
        "{out}"
    );
    let again = Template::parse(&out, Format::Json)
        .expect("reads")
        .embedded("Joined")
        .expect("embedded");
    assert_eq!(again.document.value(), doc.value());

    let e = t.embedded("Quoted").expect("embedded");
    let doc = edited(&e.document, |v| v["Comment"] = json!("one line"));
    let out = e.write_back(&text, &doc).expect("written");
    assert!(out.contains("\"DefinitionString\": \"{\\\"StartAt\\\":\\\"Only\\\",\\\"States\\\":{\\\"Only\\\":{\\\"Type\\\":\\\"Pass\\\",\\\"End\\\":true}},\\\"Comment\\\":\\\"one line\\\"}\"\n"), "{out}");
}

#[test]
fn a_sub_with_variables_keeps_its_list_and_its_variables() {
    let (_, text) = fixture("single.yaml");
    let e = template("single.yaml")
        .embedded("Greeter")
        .expect("embedded");
    let doc = edited(&e.document, |v| {
        v["States"]["Greet"]["Comment"] = json!("hi");
    });
    let out = e.write_back(&text, &doc).expect("written");
    assert!(
        out.contains("        Fn::Sub:\n          - |-\n            {\n"),
        "{out}"
    );
    assert!(
        out.contains("          - Greeting: hello   # a variable of the Sub\n"),
        "{out}"
    );
    assert!(out.contains("\"greeting\": \"${Greeting}\""), "{out}");
}

/// Every reading and writing step on `text`, which may be any damaged template: no panic.
fn read_and_write_back(text: &str, format: Format) {
    let Ok(t) = Template::parse(text, format) else {
        return;
    };
    for m in t.machines() {
        let Ok(e) = t.embedded(&m.id) else {
            continue;
        };
        let _ = e.location();
        let mut diags = validate(&e.located(), &Options::default());
        e.relocate(&mut diags);
        let doc = edited(&e.document, |v| {
            if let Some(o) = v.as_object_mut() {
                o.insert("Comment".into(), json!("edited"));
            }
        });
        let _ = e.write_back(text, &doc);
    }
}

proptest::proptest! {
    /// Templates cut, spliced and overwritten anywhere read, locate and write back (or refuse
    /// to) without panicking.
    #[test]
    fn damaged_templates_never_panic(
        name in proptest::sample::select(vec!["sam-inline.yaml", "cfn.json", "single.yaml"]),
        at in 0usize..4000,
        cut in 0usize..40,
        insert in "[ \n\"'|>{}\\[\\]#:\\-\\\\a-z0-9${}]{0,12}",
    ) {
        let (path, text) = fixture(name);
        let format = Format::from_path(&path).expect("format");
        let mut at = at.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let damaged = format!("{}{insert}{}", &text[..at], &text[end..]);
        read_and_write_back(&damaged, format);
    }
}

#[test]
fn flow_definitions_and_short_form_joins_keep_their_shape() {
    let text = "Resources:\n  Flow:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}  # flow\n  Joined:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Join\n        - \"\"\n        - - '{\"StartAt\": \"A\",'\n          - '\"States\": {\"A\": {\"Type\": \"Pass\", \"End\": true}}}'\n  # trailing comment\n";
    let t = Template::parse(text, Format::Yaml).expect("reads");
    let flow = t.embedded("Flow").expect("Flow");
    let doc = edited(&flow.document, |v| v["Comment"] = json!("c"));
    let out = flow.write_back(text, &doc).expect("written");
    assert!(out.contains("      Definition: {\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}},\"Comment\":\"c\"}  # flow\n  Joined:"), "{out}");
    let joined = t.embedded("Joined").expect("Joined");
    let doc = edited(&joined.document, |v| v["Comment"] = json!("c"));
    let out = joined.write_back(text, &doc).expect("written");
    assert!(out.contains("      DefinitionString: !Join\n        - \"\"\n        - - \"{\\\"StartAt\\\":\\\"A\\\",\\\"States\\\":{\\\"A\\\":{\\\"Type\\\":\\\"Pass\\\",\\\"End\\\":true}},\\\"Comment\\\":\\\"c\\\"}\"\n  # trailing comment\n"), "{out}");
}

#[test]
fn intrinsic_functions_inside_an_inline_definition_are_resolved_for_checks_and_runs() {
    let text = "Transform: AWS::Serverless-2016-10-31\nResources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: Call\n        States:\n          Call:\n            Type: Task\n            Resource: !GetAtt F.Arn\n            End: true\n  F:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: a.b, Runtime: python3.12, InlineCode: x}\n";
    let e = Template::parse(text, Format::Yaml)
        .expect("reads")
        .embedded("M")
        .expect("M");
    assert_eq!(
        e.document.value()["States"]["Call"]["Resource"],
        json!({"Fn::GetAtt": ["F", "Arn"]}),
        "kept as written, to write back"
    );
    let located = e.located();
    assert_eq!(
        located.value()["States"]["Call"]["Resource"],
        "arn:aws:lambda:us-east-1:123456789012:function:F"
    );
    assert!(
        validate(&located, &Options::default())
            .iter()
            .all(|d| !d.is_error())
    );
    // Unedited, the tag stays byte for byte.
    assert_eq!(e.write_back(text, &e.document).expect("written"), text);
}

#[test]
fn a_resource_gives_its_deploy_settings_as_literals_functions_or_invalid() {
    // The fixture's Refunds: a role written with !GetAtt; Orders (SAM): none of them written.
    let sam = template("sam-inline.yaml");
    let refunds = sam.settings("Refunds").expect("Refunds");
    assert_eq!(
        refunds.role_arn,
        Setting::Function {
            property: "RoleArn",
            location: Some(Location {
                line: 54,
                column: 7
            }),
            function: "Fn::GetAtt".to_owned(),
        }
    );
    assert_eq!(refunds.name, Setting::Absent);
    let orders = sam.settings("Orders").expect("Orders");
    assert_eq!(orders.role_arn, Setting::Absent);
    assert_eq!(orders.tags, Setting::Absent);
    assert!(sam.settings("Nope").is_err());

    // CloudFormation's names and SAM's, literal; a type AWS does not have is invalid.
    let text = r#"Resources:
  Cfn:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      StateMachineName: cfn-name
      StateMachineType: EXPRESS
      RoleArn: arn:aws:iam::123456789012:role/r
      Tags:
        - Key: a
          Value: "1"
        - Key: n
          Value: 2
      DefinitionString: '{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}'
  Sam:
    Type: AWS::Serverless::StateMachine
    Properties:
      Name: sam-name
      Type: SOMETIMES
      Role: arn:aws:iam::123456789012:role/s
      Tags:
        team: x
        stage: !Ref Stage
      DefinitionUri: sm.asl.json
"#;
    let t = Template::parse(text, Format::Yaml).expect("reads");
    let cfn = t.settings("Cfn").expect("Cfn");
    assert_eq!(cfn.name, Setting::Literal("cfn-name".to_owned()));
    assert_eq!(
        cfn.workflow_type,
        Setting::Literal(stepcraft::validate::WorkflowType::Express)
    );
    assert_eq!(
        cfn.role_arn.literal().map(String::as_str),
        Some("arn:aws:iam::123456789012:role/r")
    );
    assert_eq!(
        cfn.tags,
        Setting::Literal(vec![
            ("a".to_owned(), "1".to_owned()),
            ("n".to_owned(), "2".to_owned())
        ])
    );
    let sam = t.settings("Sam").expect("Sam");
    assert_eq!(sam.name, Setting::Literal("sam-name".to_owned()));
    assert!(
        matches!(
            sam.workflow_type,
            Setting::Invalid {
                property: "Type",
                location: Some(Location {
                    line: 18,
                    column: 7
                }),
                ..
            }
        ),
        "{:?}",
        sam.workflow_type
    );
    assert_eq!(
        sam.tags,
        Setting::Function {
            property: "Tags",
            location: Some(Location {
                line: 22,
                column: 9
            }),
            function: "Ref".to_owned(),
        }
    );
}
