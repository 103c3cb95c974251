//! The round-trip law on every definition we have: bundled examples, benchmark workflows and the
//! real-world corpus. Reading then writing keeps the value; formatting is stable; an unedited
//! document saves byte for byte; JSON to YAML and back keeps the value.

use serde_json::Value;
use std::path::{Path, PathBuf};
use stepcraft::{Document, Format, Severity, validate};

fn files_in(dir: &Path, suffixes: &[&str]) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| suffixes.iter().any(|s| p.to_string_lossy().ends_with(s)))
        .collect();
    files.sort();
    files
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shared() -> PathBuf {
    root().join("../shared")
}

/// Reads the file the way the CLI does; `None` when it is not a readable definition.
fn open(path: &Path) -> Option<(String, Format, Document)> {
    let text = std::fs::read_to_string(path).ok()?;
    let format = Format::from_path(path)?;
    let doc = Document::parse(&text, format).ok()?;
    Some((text, format, doc))
}

fn assert_round_trips(path: &Path) -> bool {
    let Some((text, format, doc)) = open(path) else {
        return false;
    };
    let name = path.display();
    assert_eq!(
        doc.to_text(),
        text,
        "{name}: an unedited document must save byte for byte"
    );
    let formatted = doc.formatted(format);
    let again = Document::parse(&formatted, format)
        .unwrap_or_else(|d| panic!("{name}: formatted text does not read back: {d:?}"));
    assert_eq!(
        again.value(),
        doc.value(),
        "{name}: formatting changed the value"
    );
    assert_eq!(
        again.formatted(format),
        formatted,
        "{name}: fmt of fmt differs"
    );
    for other in [Format::Json, Format::Yaml] {
        let converted = doc.formatted(other);
        let back = Document::parse(&converted, other)
            .unwrap_or_else(|d| panic!("{name}: {other:?} output does not read back: {d:?}"));
        assert_eq!(
            back.value(),
            doc.value(),
            "{name}: converting to {other:?} changed the value"
        );
    }
    true
}

#[test]
fn bundled_examples_round_trip_and_validate_clean() {
    let files = files_in(&root().join("assets/examples"), &[".asl.json", ".asl.yaml"]);
    assert!(
        files.len() >= 4,
        "expected the bundled examples, found {files:?}"
    );
    for path in files {
        assert!(assert_round_trips(&path), "{} must open", path.display());
        let (_, _, doc) = open(&path).expect("opens");
        let problems: Vec<_> = validate::validate(&doc, &validate::Options::default())
            .into_iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
    }
}

#[test]
fn benchmark_workflows_round_trip_and_validate_clean() {
    let files = files_in(&shared().join("bench"), &[".asl.json"]);
    assert!(
        !files.is_empty(),
        "../shared/bench must be beside the checkout"
    );
    for path in files {
        assert!(assert_round_trips(&path), "{} must open", path.display());
        let (_, _, doc) = open(&path).expect("opens");
        let problems = validate::validate(&doc, &validate::Options::default());
        assert!(
            problems.iter().all(|d| d.severity == Severity::Info),
            "{}: {problems:#?}",
            path.display()
        );
    }
}

#[test]
fn every_corpus_file_opens_or_is_rejected_with_a_location() {
    let files = files_in(&shared().join("corpus"), &[".json", ".yaml", ".yml"]);
    assert!(
        files.len() >= 100,
        "../shared/corpus must be beside the checkout"
    );
    let (mut opened, mut rejected) = (0, 0);
    for path in &files {
        if assert_round_trips(path) {
            opened += 1;
            let (_, _, doc) = open(path).expect("opens");
            // Validation of real-world files never panics and locates every diagnostic.
            for d in validate::validate(&doc, &validate::Options::default()) {
                assert!(
                    d.location.is_some(),
                    "{}: {d:?} has no location",
                    path.display()
                );
            }
        } else {
            let text = std::fs::read_to_string(path).expect("readable");
            let format = Format::from_path(path).expect("known extension");
            let err =
                Document::parse(&text, format).expect_err("only malformed files fail to open");
            assert!(
                err.location.is_some(),
                "{}: the parse error must say where",
                path.display()
            );
            rejected += 1;
        }
    }
    assert!(
        opened > rejected * 10,
        "{opened} opened, {rejected} rejected"
    );
}

#[test]
fn unknown_fields_and_key_order_survive() {
    let text = r#"{"Comment":"c","X-Unknown":{"z":1,"a":[3,2,1]},"States":{"B":{"Type":"Succeed","Custom":true},"A":{"Next":"B","Type":"Pass"}},"StartAt":"A"}"#;
    let doc = Document::parse(text, Format::Json).expect("valid JSON");
    let formatted = doc.formatted(Format::Json);
    let keys_in_order = [
        "\"Comment\"",
        "\"X-Unknown\"",
        "\"z\"",
        "\"a\"",
        "\"States\"",
        "\"B\"",
        "\"Custom\"",
        "\"A\"",
        "\"Next\"",
        "\"StartAt\"",
    ];
    let mut at = 0;
    for key in keys_in_order {
        let found = formatted[at..]
            .find(key)
            .unwrap_or_else(|| panic!("{key} missing or out of order in {formatted}"));
        at += found + key.len();
    }
    let value: Value = serde_json::from_str(&formatted).expect("JSON");
    assert_eq!(value, serde_json::from_str::<Value>(text).expect("JSON"));
}

#[test]
fn yaml_reads_with_locations_and_cloudformation_tags() {
    let text = "StartAt: A\nStates:\n  A:\n    Type: Task\n    Resource: !GetAtt Fn.Arn\n    Next: Nowhere\n";
    let doc = Document::parse(text, Format::Yaml).expect("valid YAML");
    assert_eq!(
        doc.value()["States"]["A"]["Resource"],
        serde_json::json!({"Fn::GetAtt": ["Fn", "Arn"]})
    );
    let diags = validate::validate(&doc, &validate::Options::default());
    let next = diags
        .iter()
        .find(|d| d.pointer.as_str() == "/States/A/Next")
        .expect("bad Next reported");
    let loc = next.location.expect("located");
    assert_eq!((loc.line, loc.column), (6, 5));
}

#[test]
fn malformed_text_is_located() {
    let cases: &[(&str, Format, (u32, u32))] = &[
        (
            "{\n  \"StartAt\": \"A\",\n  \"States\": {,}\n}",
            Format::Json,
            (3, 14),
        ),
        ("{\"a\": 1", Format::Json, (1, 7)),
        ("StartAt: A\nStates:\n  A: [1, 2\n", Format::Yaml, (4, 1)),
        ("", Format::Json, (1, 1)),
    ];
    for (text, format, (line, column)) in cases {
        let err = Document::parse(text, *format).expect_err(text);
        let loc = err.location.expect("located");
        assert_eq!(
            (loc.line, loc.column),
            (*line, *column),
            "{text:?}: {}",
            err.message
        );
    }
}

#[test]
fn duplicate_keys_are_reported_where_they_are() {
    let text = "{\n  \"StartAt\": \"A\",\n  \"StartAt\": \"A\",\n  \"States\": {\"A\": {\"Type\": \"Succeed\"}}\n}";
    let doc = Document::parse(text, Format::Json).expect("duplicates still parse");
    let dup = &doc.read_warnings()[0];
    assert_eq!(dup.code.as_str(), "DUPLICATE_KEY");
    assert_eq!(dup.location.map(|l| (l.line, l.column)), Some((3, 3)));
}

/// YAML 1.2's core schema: hexadecimal and octal numbers (`0x1F`, `0o17`) take no sign, so
/// `-0x1F` is text, not 31 (or -31).
#[test]
fn yaml_numbers_follow_the_core_schema() {
    let doc = Document::parse(
        "a: -0x1F\nb: 0x1F\nc: 0o17\nd: +0x1F\ne: 0x1G\nf: 017\n",
        Format::Yaml,
    )
    .expect("YAML");
    assert_eq!(
        doc.value(),
        &serde_json::json!({"a": "-0x1F", "b": 31, "c": 15, "d": "+0x1F", "e": "0x1G", "f": 17})
    );
}

/// Numbers keep their text through `fmt` and conversion: a double holds neither `1E+2`, nor
/// `1.50`, nor 100 digits, nor 2^64 exactly, nor `1e-400` (issue: fmt changed them).
#[test]
fn numbers_keep_the_text_they_were_read_with() {
    let big = "1234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890";
    let texts = [
        big,
        "18446744073709551616",
        "1e-400",
        "-0",
        "1E+2",
        "1.50",
        "-12",
        "0.1",
    ];
    let members: Vec<String> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| format!("\"n{i}\": {t}"))
        .collect();
    let json = format!(
        r#"{{"StartAt": "A", "States": {{"A": {{"Type": "Pass", "Result": {{{}}}, "End": true}}}}}}"#,
        members.join(", ")
    );
    let doc = Document::parse(&json, Format::Json).expect("JSON");
    let pretty = doc.formatted(Format::Json);
    let yaml = doc.formatted(Format::Yaml);
    let from_yaml = Document::parse(&yaml, Format::Yaml)
        .expect("YAML")
        .formatted(Format::Json);
    for (i, t) in texts.iter().enumerate() {
        assert!(
            pretty.contains(&format!("\"n{i}\": {t}")),
            "JSON n{i} {t}:\n{pretty}"
        );
        assert!(
            yaml.contains(&format!("n{i}: {t}\n")),
            "YAML n{i} {t}:\n{yaml}"
        );
        assert!(
            from_yaml.contains(&format!("\"n{i}\": {t}")),
            "back n{i} {t}:\n{from_yaml}"
        );
    }

    // YAML's own forms stay in YAML; a plain scalar too large for a double stays plain.
    let yaml = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Result: {big: 1e400, h: 0x1F, nh: -0x1F, d: .5, p: +3}\n    End: true\n";
    let doc = Document::parse(yaml, Format::Yaml).expect("YAML");
    let again = doc.formatted(Format::Yaml);
    for line in [
        "big: 1e400\n",
        "h: 0x1F\n",
        "nh: \"-0x1F\"\n",
        "d: .5\n",
        "p: +3\n",
    ] {
        assert!(again.contains(line), "{line}in:\n{again}");
    }
    // In JSON, YAML's forms are written as JSON numbers (0x1F is 31), 1e400 as the string it is.
    let json = doc.formatted(Format::Json);
    for member in ["\"big\": \"1e400\"", "\"h\": 31", "\"d\": 0.5", "\"p\": 3"] {
        assert!(json.contains(member), "{member} in:\n{json}");
    }

    // An edited number is written anew; one moved by an edit (a renamed state) keeps its text.
    let doc = Document::parse(
        r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"x": 1E+2, "y": 2.50}, "End": true}}}"#,
        Format::Json,
    )
    .expect("JSON");
    let mut value = doc.value().clone();
    let state = value["States"]["A"].take();
    let states = value["States"].as_object_mut().expect("States");
    states.remove("A");
    states.insert("B".into(), state);
    value["StartAt"] = "B".into();
    value["States"]["B"]["Result"]["y"] = serde_json::json!(3.25);
    let mut edited = doc.clone();
    edited.set_value(value);
    let text = edited.to_text();
    assert!(text.contains("\"x\": 1E+2"), "{text}");
    assert!(text.contains("\"y\": 3.25"), "{text}");
}
