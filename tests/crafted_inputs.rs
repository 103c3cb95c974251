//! Crafted inputs that once aborted the process (deep nesting, alias bombs) read, validated and
//! run through the library on a thread with a 1 MiB stack, so the limits are shown to hold with
//! little stack rather than with huge inputs. Each input stops where its table row says, with a
//! located diagnostic, or runs. The binary gets the same table in `src-ui/tests/cli_crafted.rs`.

use crate::support::crafted;

use crafted::{Expect, INPUT};
use proptest::prelude::*;
use stepcraft::interp::Status;
use stepcraft::run::{RunSetup, SetupError, run_to_end};
use stepcraft::source::{MAX_ALIAS_NODES, MAX_DEPTH};
use stepcraft::{Document, Format, validate};

/// Runs `f` on a thread with a 1 MiB stack (a quarter of what egui's or the test harness's threads
/// get), so a limit that holds here holds everywhere.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .expect("thread starts")
        .join()
        .expect("no panic, no overflow")
}

fn format_of(ext: &str) -> Format {
    if ext == "yaml" {
        Format::Yaml
    } else {
        Format::Json
    }
}

/// What reading, validating and running one text gives: `Err` with the reason it stopped.
fn outcome(text: &str, format: Format) -> Result<Expect, String> {
    let doc = match Document::parse(text, format) {
        Ok(doc) => doc,
        Err(d) => {
            if d.location.is_none() {
                return Err(format!("read error without a location: {d:?}"));
            }
            return Ok(Expect::Unreadable(d.code.as_str()));
        }
    };
    // Formatting and re-reading must cope with whatever was read.
    for f in [Format::Json, Format::Yaml] {
        let again = doc.formatted(f);
        Document::parse(&again, f).map_err(|d| format!("{f:?} text does not read back: {d:?}"))?;
    }
    let diagnostics = validate::validate(&doc, &validate::Options::default());
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        if d.location.is_none() {
            return Err(format!("diagnostic without a location: {d:?}"));
        }
        let setup = RunSetup::new(doc.clone());
        return match setup.start(
            serde_json::from_str::<serde_json::Value>(INPUT)
                .unwrap_or_default()
                .into(),
        ) {
            Err(SetupError::Invalid(_)) => Ok(Expect::Invalid(d.code.as_str())),
            Err(other) => Err(format!("the run refused it otherwise: {other:?}")),
            Ok(_) => Err("an invalid definition started".to_owned()),
        };
    }
    let setup = RunSetup::new(doc);
    let input = serde_json::from_str::<serde_json::Value>(INPUT).unwrap_or_default();
    let mut exec = setup.start(input.into()).map_err(|e| format!("{e:?}"))?;
    match run_to_end(&mut exec) {
        Status::Succeeded(_) => Ok(Expect::Runs),
        Status::Failed { error, .. } => Ok(Expect::RunFails(leak(error))),
        other => Err(format!("the run ended {other:?}")),
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

#[test]
fn crafted_inputs_stop_cleanly_with_a_located_message() {
    let failures: Vec<String> = small_stack(|| {
        crafted::all()
            .into_iter()
            .filter_map(|c| {
                let got = outcome(&c.text, format_of(c.ext));
                (got.as_ref() != Ok(&c.expect))
                    .then(|| format!("{}: expected {:?}, got {got:?}", c.name, c.expect))
            })
            .collect()
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn nesting_errors_say_where_and_what_to_do() {
    let text = format!("{{\"States\": {}1{}}}", "[".repeat(200), "]".repeat(200));
    let d = Document::parse(&text, Format::Json).expect_err("too deep");
    assert_eq!(d.code.as_str(), "NESTING_TOO_DEEP");
    // The root is level 1 and /States level 2: level MAX_DEPTH + 1 is the first too deep.
    let zeros = "/0".repeat(MAX_DEPTH - 1);
    assert_eq!(d.pointer.as_str(), format!("/States{zeros}"));
    assert_eq!(
        d.location.map(|l| (l.line, l.column)),
        Some((1, 12 + MAX_DEPTH as u32 - 1))
    );
    assert!(d.message.contains(&MAX_DEPTH.to_string()), "{}", d.message);

    let yaml = "States:\n  A:\n    - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 1\n";
    let d = Document::parse(yaml, Format::Yaml).expect_err("too deep");
    assert_eq!(d.code.as_str(), "NESTING_TOO_DEEP");
    assert!(
        d.pointer.as_str().starts_with("/States/A/0/0/0"),
        "{}",
        d.pointer.as_str()
    );
    assert_eq!(d.location.map(|l| l.line), Some(3));
}

#[test]
fn exactly_the_limit_reads_in_both_formats() {
    for depth in [MAX_DEPTH - 1, MAX_DEPTH] {
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let doc = Document::parse(&json, Format::Json).expect("at the limit");
        let yaml = doc.formatted(Format::Yaml);
        let back = Document::parse(&yaml, Format::Yaml).expect("YAML at the limit");
        assert_eq!(back.value(), doc.value());
    }
    let over = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
    for format in [Format::Json, Format::Yaml] {
        let d = Document::parse(&over, format).expect_err("one over");
        assert_eq!(d.code.as_str(), "NESTING_TOO_DEEP", "{format:?}");
    }
}

#[test]
fn aliases_within_the_budget_read() {
    // 9 × 9 × 9 = 729 scalars from three levels of aliases: a normal use.
    let text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let doc = Document::parse(text, Format::Yaml).expect("reads");
    assert_eq!(doc.value()["c"][8][8][8], 9);
    let d = Document::parse(
        &format!(
            "{text}d: &d [{}]\ne: [{}]\n",
            vec!["*b"; 200].join(", "),
            vec!["*d"; 200].join(", ")
        ),
        Format::Yaml,
    )
    .expect_err("over budget");
    assert_eq!(d.code.as_str(), "TOO_MANY_ALIASES");
    assert!(
        d.pointer.as_str().starts_with("/e/"),
        "{}",
        d.pointer.as_str()
    );
    assert!(
        d.message.contains(&MAX_ALIAS_NODES.to_string()),
        "{}",
        d.message
    );
    assert_eq!(d.location.map(|l| l.line), Some(5));
}

/// Nesting of one kind, `depth` levels, as a definition text in the given format.
fn deep_text(kind: u8, depth: usize) -> (String, Format) {
    match kind {
        0 => (format!("{}{}", "[".repeat(depth), "]".repeat(depth)), Format::Json),
        1 => (format!("{}1{}", "{\"k\":".repeat(depth), "}".repeat(depth)), Format::Json),
        2 => (format!("{}x\n", "- ".repeat(depth)), Format::Yaml),
        3 => (format!("{}{}", "[".repeat(depth), "]".repeat(depth)), Format::Yaml),
        4 => (
            (0..depth.min(400)).map(|i| format!("{}k:\n", " ".repeat(i))).collect(),
            Format::Yaml,
        ),
        5 => (
            crafted_pass(&format!("{}{}", "States.Array(".repeat(depth), ")".repeat(depth))),
            Format::Json,
        ),
        6 => (
            crafted_pass(&format!("$.a[?({}@.b{})]", "(!".repeat(depth), ")".repeat(depth))),
            Format::Json,
        ),
        _ => (
            serde_json::json!({"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {
                "Type": "Pass", "Output": format!("{{% {}1{} %}}", "{'a': [".repeat(depth), "]}".repeat(depth)),
                "End": true}}})
            .to_string(),
            Format::Json,
        ),
    }
}

fn crafted_pass(expression: &str) -> String {
    serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Pass",
        "Parameters": {"x.$": expression}, "End": true}}})
    .to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Any kind of nesting at any depth reads, validates, runs or stops with a located error,
    /// on a small stack.
    #[test]
    fn deep_nesting_never_overflows(kind in 0u8..8, depth in 1usize..3_000) {
        let (text, format) = deep_text(kind, depth);
        let got = small_stack(move || outcome(&text, format));
        prop_assert!(got.is_ok(), "kind {} depth {}: {:?}", kind, depth, got);
    }
}
