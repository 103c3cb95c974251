//! A run written as a test case (`stepcraft::save_case`): the Task answers read from the history
//! in the order each state was invoked, the outcome, and the case appended to a test file's text
//! with the earlier bytes kept.

use std::path::PathBuf;
use stepcraft::Format;
use stepcraft::interp::Status;
use stepcraft::run::{RunSetup, run_to_end};
use stepcraft::save_case;
use stepcraft::testing::{self, RunOptions};
use stepcraft::value::Val;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/examples")
}

/// Runs a case of a bundled example's test file and writes it again as a case.
fn saved(test_file: &str, case: &str) -> serde_json::Value {
    let file = testing::load(&examples().join(test_file)).expect("loads");
    let case = file
        .cases
        .iter()
        .find(|c| c.name == case)
        .expect("the case");
    let definition = case.definition.as_ref().expect("definition");
    let setup = RunSetup::new(stepcraft::Document::from_value(
        (**definition).clone(),
        Format::Json,
    ));
    let prepared = setup.prepare().expect("prepares");
    let mocks = case.mocks.as_ref().expect("mocks").tasks();
    let mut run = prepared.start_with(Val::from(&case.input), mocks.resolver().expect("resolver"));
    let status: Status = run_to_end(&mut run).clone();
    save_case::case_value("again", &case.input, run.history(), &status).expect("ended")
}

#[test]
fn a_retried_task_is_written_as_its_answers_in_order() {
    let case = saved(
        "order-processing.test.yaml",
        "order-processing validation retried then succeeds",
    );
    let answers = &case["mocks"]["Validate Order"];
    assert_eq!(answers[0]["Throw"]["Error"], "Lambda.ServiceException");
    assert_eq!(answers[0]["Throw"]["Cause"], "busy");
    assert_eq!(answers[1]["Return"]["Payload"]["valid"], false);
    assert_eq!(answers.as_array().map(Vec::len), Some(2));
    assert_eq!(case["expect"]["status"], "FAILED");
    assert_eq!(case["expect"]["error"], "OrderInvalid");
}

#[test]
fn map_iterations_answers_are_kept_in_call_order() {
    let case = saved(
        "map-items.test.yaml",
        "map-items each line gets its own lookup result, in item order",
    );
    let answers = &case["mocks"]["Look Up Unit Price"];
    assert_eq!(answers[0]["Return"]["Payload"]["unitPrice"], 2.5);
    assert_eq!(answers[1]["Return"]["Payload"]["unitPrice"], 40);
    assert_eq!(case["expect"]["output"]["lineCount"], 2);
}

#[test]
fn a_case_appended_to_a_yaml_test_file_keeps_the_earlier_text_and_runs() {
    let path = examples().join("order-processing.test.yaml");
    let text = std::fs::read_to_string(&path).expect("test file");
    let case = saved(
        "order-processing.test.yaml",
        "order-processing declined charge is compensated",
    );
    let appended = save_case::append(&text, Format::Yaml, &case).expect("appends");
    assert!(
        appended.starts_with(&text),
        "anchors and comments kept byte for byte"
    );
    let doc = stepcraft::Document::parse(&appended, Format::Yaml).expect("YAML");
    let file = testing::test_file(&path, doc.value(), &testing::LoadOptions::default())
        .expect("still a test file");
    assert_eq!(file.cases.len(), 11);
    let last = file.cases.last().expect("the new case");
    assert_eq!(last.name, "again");
    let result = testing::run_case_with(last, &RunOptions::default());
    assert!(result.passed(), "{:?}", result.failure);
}

#[test]
fn a_list_that_cannot_be_appended_to_as_text_is_written_again() {
    let case = serde_json::json!({"name": "n", "expect": {"status": "SUCCEEDED"}});
    let text = "cases: []\ndefinition: x.asl.json\n";
    let out = save_case::append(text, Format::Yaml, &case).expect("appends");
    let doc = stepcraft::Document::parse(&out, Format::Yaml).expect("YAML");
    assert_eq!(doc.value()["cases"][0]["name"], "n");
    assert_eq!(doc.value()["definition"], "x.asl.json");
    assert!(save_case::append("definition: x\n", Format::Yaml, &case).is_err());
    assert!(save_case::expect_from_status(&Status::Aborted).is_err());
}
