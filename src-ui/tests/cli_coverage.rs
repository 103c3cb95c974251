//! `stepcraft test --coverage` and `--coverage-json`, run as a user runs them.

use crate::support;

use serde_json::Value;
use support::{TempDir, repo, s, stdout, stepcraft};

#[test]
fn coverage_follows_the_summary_and_names_what_no_case_covered() {
    let out = stepcraft(&[
        "test",
        s(&repo("assets/examples/hello-world.test.yaml")),
        "--coverage",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let summary = text.find("2 passed, 0 failed").expect("the summary");
    let report = text
        .find("coverage of the definition tested by")
        .expect("coverage");
    assert!(summary < report, "{text}");
    assert!(text.contains("(2 runs)"), "{text}");
    assert!(text.contains("states 5/6 (83%)"), "{text}");
    assert!(text.contains("choice branches 1/2 (50%)"), "{text}");
    assert!(
        text.contains(
            "Default of \"Check The Mood\" (to \"Carry On\") (/States/Check The Mood/Default)"
        ),
        "{text}"
    );
    assert!(
        text.contains("state \"Carry On\" (/States/Carry On)"),
        "{text}"
    );
    // Covered things are not listed.
    assert!(!text.contains("state \"Celebrate\""), "{text}");
}

#[test]
fn coverage_json_is_written_per_definition() {
    let dir = TempDir::new("coverage-json");
    let file = dir.path("coverage.json");
    let out = stepcraft(&[
        "test",
        s(&repo("assets/examples/order-processing.test.yaml")),
        "--filter",
        "wallet order",
        "--coverage-json",
        s(&file),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // Without --coverage the text report is left as it was.
    assert!(!stdout(&out).contains("coverage of"), "{}", stdout(&out));
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("written")).expect("JSON");
    let definitions = report["definitions"].as_array().expect("definitions");
    assert_eq!(definitions.len(), 1);
    let d = &definitions[0];
    assert_eq!(d["runs"], 1);
    assert_eq!(d["cases"][0], "order-processing wallet order is fulfilled");
    assert_eq!(
        d["summary"]["branches"],
        serde_json::json!({"covered": 1, "total": 4, "percent": 25.0})
    );
    let item = |id: &str| {
        d["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no item {id}"))
            .clone()
    };
    let fulfil = item("choice:/States/Route Order/Choices/2");
    assert_eq!(fulfil["covered"], true);
    assert_eq!(fulfil["state"], "Route Order");
    assert_eq!(fulfil["index"], 2);
    assert_eq!(fulfil["target"], "Fulfil Order");
    let hold = item("edge:/States/Route Order/Choices/1/Next");
    assert_eq!(hold["covered"], false);
    assert_eq!(hold["edge"], "choice");
    assert_eq!(hold["statePointer"], "/States/Route Order");
    assert_eq!(
        item("state:/States/Fulfil Order/Branches/1/States/Charge Payment")["hits"],
        1
    );
}

#[test]
fn a_run_over_several_definitions_reports_each_in_the_json_report() {
    let out = stepcraft(&[
        "test",
        s(&repo("assets/examples")),
        // The SAM example's test file runs its Python functions locally.
        "--allow-backends",
        "--coverage",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let definitions = report["coverage"]["definitions"]
        .as_array()
        .expect("definitions");
    let files: Vec<&str> = definitions
        .iter()
        .map(|d| d["testFiles"][0].as_str().expect("a file"))
        .collect();
    // One report per definition: the examples' test files each name their own.
    fn test_files(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir)
            .expect("a folder")
            .flatten()
            .map(|e| e.path())
            .map(|p| match p.is_dir() {
                true => test_files(&p),
                false => usize::from(p.to_string_lossy().ends_with(".test.yaml")),
            })
            .sum()
    }
    assert_eq!(
        files.len(),
        test_files(&repo("assets/examples")),
        "{files:?}"
    );
    assert!(files.len() >= 7, "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("map-items.test.yaml")));
    assert!(
        files
            .iter()
            .any(|f| f.ends_with("sam-local/order.test.yaml"))
    );
    let jsonata = definitions
        .iter()
        .find(|d| {
            d["testFiles"][0]
                .as_str()
                .is_some_and(|f| f.ends_with("jsonata-orders.test.yaml"))
        })
        .expect("jsonata-orders");
    assert_eq!(jsonata["summary"]["overall"]["percent"], 100.0);
}

#[test]
fn rules_are_named_as_the_inspector_numbers_them_beside_their_pointers() {
    let out = stepcraft(&[
        "test",
        s(&repo("assets/examples/order-processing.test.yaml")),
        "--filter",
        "wallet order",
        "--coverage",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        "rule 2 of \"Route Order\" (to \"Hold For Fraud Screening\") (/States/Route Order/Choices/1)",
        "retrier 1 of \"Validate Order\" (/States/Validate Order/Retry/0)",
        "catcher 1 of \"Fulfil Order\" (to \"Release Reservation\") (/States/Fulfil Order/Catch/0)",
        "choice edge from \"Route Order\" to \"Order Rejected\" (/States/Route Order/Choices/0/Next)",
    ] {
        assert!(text.contains(line), "{line} in\n{text}");
    }
    // The wallet order goes through Fulfil Order: it is not listed.
    assert!(!text.contains("state \"Fulfil Order\""), "{text}");
    assert!(text.contains("choice branches 1/4 (25%)"), "{text}");
}
