//! The bundled states catalog: every entry builds states that validate, search finds what a user
//! types, and resource ARNs are well formed.

use serde_json::{Value, json};
use stepcraft::catalog::{Catalog, Entry, FlowState, Integration, ServiceFieldKind, Tab};
use stepcraft::edit::{Edit, InsertPoint, StateRef, Via};
use stepcraft::{Code, Document, Format, validate};

/// A definition `First -> Last -> end` to insert into.
fn minimal() -> Value {
    json!({
        "StartAt": "First",
        "States": {
            "First": {"Type": "Pass", "Next": "Last"},
            "Last": {"Type": "Pass", "End": true}
        }
    })
}

/// The error diagnostics of a definition, rendered for an assertion message; a required
/// parameter a catalog entry leaves visibly blank (`""`, for the user to fill in) is not one.
fn errors(value: &Value) -> Vec<String> {
    let doc = Document::from_value(value.clone(), Format::Json);
    validate::validate(&doc, &validate::Options::default())
        .into_iter()
        .filter(stepcraft::Diagnostic::is_error)
        .filter(|d| {
            !(d.code == Code::RequiredParameter && d.pointer.resolve(value) == Some(&json!("")))
        })
        .map(|d| format!("{} at {}: {}", d.code.as_str(), d.pointer, d.message))
        .collect()
}

/// Inserts a state between First and Last (a state ending the flow: after Last) and validates
/// the result.
fn insert_state(name: &str, state: &Value) -> Vec<String> {
    let mut value = minimal();
    let after = match state["Type"].as_str() {
        Some("Succeed" | "Fail") => "Last",
        _ => "First",
    };
    let edit = Edit::InsertState {
        at: InsertPoint::edge(StateRef::top(after), Via::Next),
        name: name.to_owned(),
        state: state.clone(),
    };
    if let Err(e) = edit.apply(&mut value) {
        return vec![format!("insertion refused: {e}")];
    }
    errors(&value)
}

#[test]
fn bundled_files_all_parse() {
    assert_eq!(Catalog::bundled_errors(), Vec::<String>::new());
    let catalog = Catalog::bundled();
    assert!(catalog.actions.len() >= 20, "{}", catalog.actions.len());
    assert_eq!(catalog.flow.len(), 7);
    assert!(catalog.patterns.len() >= 8);
}

#[test]
fn bundled_catalog_is_the_assets_directory() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let loaded = Catalog::load(&dir).expect("assets load");
    let bundled = Catalog::bundled();
    assert_eq!(loaded.actions, bundled.actions);
    assert_eq!(loaded.flow, bundled.flow);
    let mut a: Vec<_> = loaded.patterns.iter().map(|p| p.id.clone()).collect();
    let mut b: Vec<_> = bundled.patterns.iter().map(|p| p.id.clone()).collect();
    a.sort();
    b.sort();
    assert_eq!(a, b, "every file in assets/patterns is bundled");
}

#[test]
fn ids_are_unique() {
    let catalog = Catalog::bundled();
    let mut ids: Vec<&str> = catalog.entries().map(|e| e.id()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn every_action_and_pattern_validates_when_inserted() {
    let catalog = Catalog::bundled();
    let mut failures = Vec::new();
    for action in &catalog.actions {
        assert!(!action.integrations.is_empty(), "{}", action.id);
        for pattern in action.patterns() {
            let state = action.state_json(pattern).expect("supported pattern");
            let errs = insert_state(&action.suggested_name(), &state);
            if !errs.is_empty() {
                failures.push(format!("{} {pattern:?}: {errs:?}", action.id));
            }
        }
        let state = action.default_state_json();
        assert!(insert_state(&action.suggested_name(), &state).is_empty());
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_flow_state_validates_when_inserted() {
    let catalog = Catalog::bundled();
    let mut types: Vec<&str> = catalog.flow.iter().map(FlowState::state_type).collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "Choice", "Fail", "Map", "Parallel", "Pass", "Succeed", "Wait"
        ]
    );
    for flow in &catalog.flow {
        let errs = insert_state(&flow.name, &flow.state);
        assert!(errs.is_empty(), "{}: {errs:#?}", flow.id);
    }
}

#[test]
fn every_pattern_validates_alone_and_inserted() {
    let catalog = Catalog::bundled();
    for pattern in &catalog.patterns {
        let def = &pattern.definition;
        for key in ["Comment", "StartAt", "States"] {
            assert!(def.get(key).is_some(), "{} lacks {key}", pattern.id);
        }
        let alone = errors(def);
        assert!(alone.is_empty(), "{} alone: {alone:#?}", pattern.id);
        let ends = def["States"].as_object().map_or(0, |s| {
            s.values().filter(|s| s["End"] == json!(true)).count()
        });
        assert!(ends > 0, "{} has no exit with End: true", pattern.id);

        // Inserted between two states and at the start of a definition.
        for at in [
            InsertPoint::edge(StateRef::top("First"), Via::Next),
            InsertPoint::start(stepcraft::Pointer::root()),
        ] {
            let mut value = minimal();
            let edit = Edit::InsertPattern {
                at,
                pattern: def.clone(),
            };
            edit.apply(&mut value)
                .unwrap_or_else(|e| panic!("{}: insertion refused: {e}", pattern.id));
            let errs = errors(&value);
            assert!(errs.is_empty(), "{} inserted: {errs:#?}", pattern.id);
        }
    }
}

#[test]
fn callbacks_carry_the_task_token() {
    let catalog = Catalog::bundled();
    for action in &catalog.actions {
        if let Some(state) = action.state_json(Integration::WaitForTaskToken) {
            let text = state.to_string();
            assert!(text.contains("$$.Task.Token"), "{}", action.id);
            assert!(
                state["Resource"]
                    .as_str()
                    .is_some_and(|r| r.ends_with(".waitForTaskToken")),
                "{}",
                action.id
            );
        }
    }
    assert!(
        catalog
            .action("sns.publish")
            .and_then(|a| a.state_json(Integration::Sync))
            .is_none(),
        "SNS has no .sync pattern"
    );
}

#[test]
fn resource_arns_are_well_formed() {
    let catalog = Catalog::bundled();
    for action in &catalog.actions {
        for spec in &action.integrations {
            let arn = spec.resource.as_str();
            let parts: Vec<&str> = arn.splitn(6, ':').collect();
            assert_eq!(parts.len(), 6, "{arn}");
            assert_eq!(&parts[..3], ["arn", "aws", "states"], "{arn}");
            let rest = parts[5];
            match spec.pattern {
                Integration::Sync => assert!(rest.contains(".sync"), "{arn}"),
                Integration::WaitForTaskToken => {
                    assert!(rest.ends_with(".waitForTaskToken"), "{arn}");
                }
                Integration::RequestResponse => {
                    assert!(
                        !rest.contains(".sync") && !rest.contains(".waitFor"),
                        "{arn}"
                    );
                }
            }
            if parts[3].is_empty() {
                // Service integrations: arn:aws:states:::service:action[.suffix]
                assert!(parts[4].is_empty(), "{arn}");
                let segs: Vec<&str> = rest.split(':').collect();
                let well_formed = match segs.as_slice() {
                    ["aws-sdk", service, action] | ["aws-sdk", service, action, _] => {
                        !service.is_empty() && !action.is_empty()
                    }
                    [service, action] | [service, action, _] => {
                        !service.is_empty() && !action.is_empty()
                    }
                    _ => false,
                };
                assert!(well_formed, "{arn}");
                let action_part = if segs[0] == "aws-sdk" {
                    segs[2]
                } else {
                    segs[1]
                };
                assert!(
                    action_part.chars().next().is_some_and(char::is_lowercase),
                    "{arn}: actions are camelCase"
                );
            } else {
                // Activities: arn:aws:states:region:account:activity:name
                assert!(rest.starts_with("activity:"), "{arn}");
                assert!(parts[4].chars().all(|c| c.is_ascii_digit()), "{arn}");
            }
        }
        if let Some(url) = &action.doc_url {
            assert!(url.starts_with("https://docs.aws.amazon.com/"), "{url}");
        }
    }
}

fn ids<'c>(hits: &[Entry<'c>], tab: Tab) -> Vec<&'c str> {
    hits.iter()
        .filter(|e| e.tab() == tab)
        .map(|e| match e {
            Entry::Action(a) => a.id.as_str(),
            Entry::Flow(f) => f.id.as_str(),
            Entry::Pattern(p) => p.id.as_str(),
        })
        .collect()
}

#[test]
fn search_finds_by_words_in_every_tab() {
    let catalog = Catalog::bundled();

    let hits = catalog.search("dynamo");
    let actions = ids(&hits, Tab::Actions);
    for id in [
        "dynamodb.getItem",
        "dynamodb.putItem",
        "dynamodb.updateItem",
        "dynamodb.deleteItem",
        "dynamodb.query",
    ] {
        assert!(actions.contains(&id), "{id} in {actions:?}");
    }
    assert!(
        hits.iter()
            .all(|e| matches!(e, Entry::Action(a) if a.service.contains("DynamoDB"))),
        "{:?}",
        hits.iter().map(Entry::id).collect::<Vec<_>>()
    );

    let hits = catalog.search("approval");
    assert!(ids(&hits, Tab::Patterns).contains(&"human-approval"));

    // Case-insensitive, every word must match.
    assert_eq!(
        ids(&catalog.search("DynamoDB put"), Tab::Actions),
        ["dynamodb.putItem"]
    );
    assert!(catalog.search("dynamo zebra").is_empty());
    assert_eq!(
        ids(&catalog.search("SQS"), Tab::Actions)[0],
        "sqs.sendMessage"
    );
    assert!(ids(&catalog.search("loop"), Tab::Flow).contains(&"map"));
    assert_eq!(catalog.search("").len(), catalog.entries().count());
}

#[test]
fn load_reads_a_user_catalog_and_extends_the_bundled_one() {
    let dir = std::env::temp_dir().join(format!("stepcraft-catalog-{}", std::process::id()));
    let patterns = dir.join("patterns");
    std::fs::create_dir_all(&patterns).expect("temp dir");
    std::fs::write(
        patterns.join("my-pattern.json"),
        r#"{"name": "Mine", "description": "d", "definition": {"Comment": "c", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}}"#,
    )
    .expect("write");
    let user = Catalog::load(&dir).expect("loads");
    assert_eq!(user.patterns.len(), 1);
    assert_eq!(user.patterns[0].id, "my-pattern");
    let mut catalog = Catalog::bundled();
    let before = catalog.patterns.len();
    catalog.extend(user);
    assert_eq!(catalog.patterns.len(), before + 1);
    assert!(!catalog.search("mine").is_empty());

    std::fs::write(patterns.join("broken.json"), "{").expect("write");
    assert!(Catalog::load(&dir).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_action_has_a_well_formed_form() {
    let catalog = Catalog::bundled();
    for action in &catalog.actions {
        let custom = action
            .integrations
            .iter()
            .all(|i| !i.resource.starts_with("arn:aws:states:::"));
        // An activity's parameters are whatever its worker reads: no form.
        assert_eq!(action.form.is_empty(), custom, "{}", action.id);
        assert_eq!(
            action.form_problems(),
            Vec::<String>::new(),
            "{}",
            action.id
        );
    }
    // A form naming a field twice, a required field left out of the defaults and a choice of
    // nothing are all caught.
    let mut broken = catalog.action("lambda.invoke").expect("bundled").clone();
    broken.form.push(broken.form[0].clone());
    if let Some(Value::Object(p)) = &mut broken.parameters {
        p.remove("FunctionName");
    }
    broken.form[2].kind = ServiceFieldKind::Choice { choices: vec![] };
    let problems = broken.form_problems().join("\n");
    for expected in [
        "listed twice",
        "leave out the required FunctionName",
        "InvocationType: a choice of nothing",
    ] {
        assert!(problems.contains(expected), "{expected} in {problems}");
    }
}

#[test]
fn a_new_service_state_shows_its_blanks_as_problems() {
    let catalog = Catalog::bundled();
    let mut value = minimal();
    let lambda = catalog.action("lambda.invoke").expect("bundled");
    Edit::InsertState {
        at: InsertPoint::edge(StateRef::top("First"), Via::Next),
        name: "Invoke".into(),
        state: lambda.default_state_json(),
    }
    .apply(&mut value)
    .expect("inserts");
    let doc = Document::from_value(value.clone(), Format::Json);
    let diags = validate::validate(&doc, &validate::Options::default());
    let blanks: Vec<String> = diags
        .iter()
        .filter(|d| d.code == Code::RequiredParameter)
        .map(|d| d.pointer.to_string())
        .collect();
    assert_eq!(blanks, ["/States/Invoke/Parameters/FunctionName"]);
    // Filled in, it is valid.
    value["States"]["Invoke"]["Parameters"]["FunctionName"] = json!("work");
    assert_eq!(errors(&value), Vec::<String>::new());
    let doc = Document::from_value(value, Format::Json);
    assert!(
        validate::validate(&doc, &validate::Options::default())
            .iter()
            .all(|d| d.code != Code::RequiredParameter)
    );
}
