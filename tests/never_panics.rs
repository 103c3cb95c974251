//! Property tests: no input makes reading, validating or writing panic, and any JSON value
//! survives writing and reading back in both formats.
//!
//! Run longer with `PROPTEST_CASES=100000 cargo test --release --test engine never_panics`.

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use stepcraft::model::fields::STATE_FIELDS;
use stepcraft::{Document, Format, validate};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".*".prop_map(Value::String),
        prop_oneof![
            Just("$.a"),
            Just("$$.Map.Item.Value"),
            Just("{% $x %}"),
            Just("States.Format('{}', $.a)"),
            Just("${Name}"),
            Just("true"),
            Just("1.5"),
            Just("- x"),
            Just("a: b"),
            Just("")
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((".{0,12}", inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Values that look like ASL, so the validator's deeper rules run: random fields from the
/// States Language on states of random types, with random transitions.
fn asl_like() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec!["A", "B", "C", "D"]);
    let field = prop::sample::select(STATE_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>());
    let ty = prop::sample::select(vec![
        "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map", "Bogus",
    ]);
    let state = (
        ty,
        prop::collection::vec((field, any_json()), 0..6),
        names.clone(),
        any::<bool>(),
    )
        .prop_map(|(ty, fields, next, end)| {
            let mut m = Map::new();
            m.insert("Type".into(), json!(ty));
            for (k, v) in fields {
                m.insert(k.to_owned(), v);
            }
            if end {
                m.insert("End".into(), json!(true));
            } else {
                m.insert("Next".into(), json!(next));
            }
            Value::Object(m)
        });
    let lang = prop::sample::select(vec!["JSONPath", "JSONata"]);
    (
        prop::collection::vec((names.clone(), state), 1..5),
        names,
        lang,
    )
        .prop_map(|(states, start, lang)| {
            let mut branch = Map::new();
            for (n, s) in &states {
                branch.insert(format!("{n}2"), s.clone());
            }
            let mut top = Map::new();
            for (n, mut s) in states {
                if let Some(obj) = s.as_object_mut() {
                    obj.insert(
                        "Branches".into(),
                        json!([{"StartAt": "A2", "States": branch.clone()}]),
                    );
                    obj.insert(
                        "ItemProcessor".into(),
                        json!({"StartAt": "B2", "States": branch.clone()}),
                    );
                }
                top.insert(n.to_owned(), s);
            }
            json!({"QueryLanguage": lang, "StartAt": start, "States": top})
        })
}

fn validate_all(doc: &Document) {
    for workflow_type in [
        None,
        Some(validate::WorkflowType::Express),
        Some(validate::WorkflowType::Standard),
    ] {
        for d in validate::validate(
            doc,
            &validate::Options {
                workflow_type,
                ..Default::default()
            },
        ) {
            assert!(!d.message.is_empty());
        }
    }
}

/// Text nesting arrays, objects, YAML block sequences and mappings in a random mix, `depth` levels
/// deep, in JSON or YAML: what once overflowed the stack.
fn deeply_nested() -> impl Strategy<Value = (String, Format)> {
    (prop::collection::vec(0u8..4, 1..1_500), any::<bool>()).prop_map(|(kinds, yaml)| {
        let (mut open, mut close) = (String::new(), String::new());
        for (i, k) in kinds.iter().enumerate() {
            match (yaml, k) {
                (false, 0 | 2) | (true, 0) => {
                    open.push('[');
                    close.insert(0, ']');
                }
                (false, _) | (true, 1) => {
                    open.push_str(if yaml { "{k: " } else { "{\"k\": " });
                    close.insert(0, '}');
                }
                (true, 2) if close.is_empty() => open.push_str("- "),
                (true, _) if close.is_empty() => {
                    open.push_str(&format!("k{i}:\n"));
                    open.push_str(&" ".repeat(i + 1));
                }
                (true, _) => open.push('['),
            }
        }
        let text = format!("{open}1{close}");
        (text, if yaml { Format::Yaml } else { Format::Json })
    })
}

proptest! {
    /// Deep nesting of any mix reads or stops with a located error, on a 1 MiB stack.
    #[test]
    fn deep_nesting_reads_or_is_located((text, format) in deeply_nested()) {
        let result = std::thread::Builder::new()
            .stack_size(1 << 20)
            .spawn(move || match Document::parse(&text, format) {
                Ok(doc) => {
                    validate_all(&doc);
                    Ok(())
                }
                Err(d) if d.location.is_some() => Ok(()),
                Err(d) => Err(format!("{d:?}")),
            })
            .expect("thread")
            .join()
            .expect("no panic, no overflow");
        prop_assert!(result.is_ok(), "{:?}", result);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        for format in [Format::Json, Format::Yaml] {
            match Document::parse(&text, format) {
                Ok(doc) => validate_all(&doc),
                Err(d) => prop_assert!(d.location.is_some(), "parse errors say where: {:?}", d),
            }
        }
    }

    #[test]
    fn arbitrary_json_text_never_panics(value in any_json()) {
        let text = value.to_string();
        let doc = Document::parse(&text, Format::Json).expect("serde_json output is JSON");
        validate_all(&doc);
    }

    #[test]
    fn any_value_round_trips_in_both_formats(value in any_json()) {
        for format in [Format::Json, Format::Yaml] {
            let doc = Document::from_value(value.clone(), format);
            let text = doc.formatted(format);
            let back = Document::parse(&text, format).map_err(|d| TestCaseError::fail(format!("{format:?} {text:?}: {d:?}")))?;
            prop_assert_eq!(back.value(), &value, "{:?} text: {}", format, text);
            prop_assert_eq!(back.formatted(format), text);
        }
    }

    #[test]
    fn asl_like_values_validate_without_panic(value in asl_like()) {
        let doc = Document::from_value(value, Format::Json);
        validate_all(&doc);
        let yaml = Document::parse(&doc.formatted(Format::Yaml), Format::Yaml).expect("YAML reads back");
        prop_assert_eq!(yaml.value(), doc.value());
    }
}
