//! Coverage (`stepcraft::coverage`) of the bundled examples by their test files: which states,
//! Choice branches, Catch and Retry rules and graph edges the cases reach, and what a missing
//! case leaves uncovered; Choice rules sharing a next state told apart by evaluating them again.

use std::path::{Path, PathBuf};
use stepcraft::Pointer;
use stepcraft::coverage::{Coverage, ItemKind, Tally};
use stepcraft::testing::{self, RunOptions, TestFile};

fn example(name: &str) -> TestFile {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(name);
    testing::load(&path).expect("the example's test file loads")
}

/// The coverage of a definition by the cases of `file` whose names pass `keep`; every case
/// must pass.
fn coverage_of(file: &TestFile, keep: impl Fn(&str) -> bool) -> Coverage {
    let first = file.cases.first().expect("cases");
    let definition = first.definition.as_ref().expect("a definition");
    let mut coverage = Coverage::of_definition(definition);
    for case in file.cases.iter().filter(|c| keep(&c.name)) {
        let (result, history) = testing::run_case_recorded(case, &RunOptions::default());
        assert!(result.passed(), "{}: {:?}", result.name, result.failure);
        coverage.add_history(&history);
    }
    coverage
}

fn ids(coverage: &Coverage, covered: bool) -> Vec<String> {
    coverage
        .items()
        .iter()
        .filter(|i| i.covered() == covered)
        .map(stepcraft::coverage::Item::id)
        .collect()
}

/// A test file given as YAML text, its definition inline.
fn inline(yaml: &str) -> TestFile {
    let doc = stepcraft::Document::parse(yaml, stepcraft::Format::Yaml).expect("YAML");
    let options = testing::LoadOptions {
        no_discovery: true,
        ..testing::LoadOptions::default()
    };
    testing::test_file(Path::new("inline.test.yaml"), doc.value(), &options).expect("loads")
}

#[test]
fn order_processing_cases_cover_every_state_and_choice_branch() {
    let coverage = coverage_of(&example("order-processing.test.yaml"), |_| true);
    let summary = coverage.summary();
    assert_eq!(summary.states.covered, summary.states.total);
    assert_eq!(
        summary.branches,
        Tally {
            covered: 4,
            total: 4
        }
    );
    assert_eq!(summary.branches.percent(), Some(100.0));
    assert_eq!(coverage.runs(), 10);
    let covered = ids(&coverage, true);
    for id in [
        // Every rule of Route Order and its Default, with their edges.
        "choice:/States/Route Order/Choices/0",
        "choice:/States/Route Order/Choices/1",
        "choice:/States/Route Order/Choices/2",
        "default:/States/Route Order/Default",
        "edge:/States/Route Order/Choices/1/Next",
        "edge:/States/Route Order/Default",
        // Inside the Parallel's branches.
        "state:/States/Fulfil Order/Branches/1/States/Charge Payment",
        "edge:/States/Fulfil Order/Branches/0/StartAt",
        "edge:/States/Fulfil Order/Branches/1/States/Charge Payment/End",
        // Lambda.ServiceException and Lambda.TooManyRequestsException retried by rule 0.
        "retry:/States/Validate Order/Retry/0",
        // PaymentGatewayUnavailable is the second rule's.
        "retry:/States/Fulfil Order/Branches/1/States/Charge Payment/Retry/1",
        "catch:/States/Validate Order/Catch/0",
        "edge:/States/Validate Order/Catch/0/Next",
        "catch:/States/Fulfil Order/Catch/0",
        "edge:/StartAt",
        "edge:/States/Order Complete",
    ] {
        assert!(covered.contains(&id.to_owned()), "{id} not in {covered:?}");
    }
    let uncovered = ids(&coverage, false);
    for id in [
        "retry:/States/Fulfil Order/Branches/1/States/Charge Payment/Retry/0",
        "retry:/States/Fulfil Order/Branches/0/States/Reserve Inventory/Retry/0",
        "catch:/States/Notify Failure/Catch/0",
        "edge:/States/Notify Failure/Catch/0/Next",
    ] {
        assert!(
            uncovered.contains(&id.to_owned()),
            "{id} not in {uncovered:?}"
        );
    }
    // Each Choice branch here has its own next state: nothing is inferred.
    assert!(coverage.items().iter().all(|i| i.inferred == 0));
    let route = coverage
        .item(ItemKind::State, &pointer("/States/Route Order"))
        .expect("Route Order");
    assert_eq!(
        route.hits, 8,
        "every case but the two whose validation failed"
    );
}

fn pointer(text: &str) -> Pointer {
    Pointer::from_escaped(text).expect("a pointer")
}

#[test]
fn without_the_large_card_order_its_branch_is_named_uncovered() {
    let coverage = coverage_of(&example("order-processing.test.yaml"), |name| {
        !name.contains("large card order")
    });
    let uncovered = ids(&coverage, false);
    for id in [
        "choice:/States/Route Order/Choices/1",
        "edge:/States/Route Order/Choices/1/Next",
        "state:/States/Hold For Fraud Screening",
        "edge:/States/Hold For Fraud Screening/Next",
    ] {
        assert!(
            uncovered.contains(&id.to_owned()),
            "{id} not in {uncovered:?}"
        );
    }
    let rule = coverage
        .item(
            ItemKind::ChoiceRule,
            &pointer("/States/Route Order/Choices/1"),
        )
        .expect("the rule");
    assert_eq!(rule.state, "Route Order");
    assert_eq!(rule.index, Some(1));
    assert_eq!(rule.target.as_deref(), Some("Hold For Fraud Screening"));
    let summary = coverage.summary();
    assert_eq!(
        summary.branches,
        Tally {
            covered: 3,
            total: 4
        }
    );
    assert_eq!(summary.branches.percent(), Some(75.0));
    assert_eq!(summary.states.covered + 1, summary.states.total);
}

#[test]
fn hello_world_never_takes_its_default() {
    let coverage = coverage_of(&example("hello-world.test.yaml"), |_| true);
    assert_eq!(
        ids(&coverage, false),
        [
            "default:/States/Check The Mood/Default",
            "state:/States/Carry On",
            "edge:/States/Check The Mood/Default",
            "edge:/States/Carry On/Next",
        ]
    );
}

#[test]
fn map_items_cover_the_item_processor() {
    let coverage = coverage_of(&example("map-items.test.yaml"), |_| true);
    assert!(
        ids(&coverage, false).is_empty(),
        "{:?}",
        ids(&coverage, false)
    );
    let inner: Vec<_> = coverage
        .items()
        .iter()
        .filter(|i| i.kind == ItemKind::State && i.pointer.as_str().contains("/ItemProcessor/"))
        .collect();
    assert!(!inner.is_empty());
    assert!(inner.iter().all(|i| i.covered()));
    assert_eq!(coverage.summary().overall().percent(), Some(100.0));
}

/// Two rules lead to the same state: the one taken is found by evaluating them again against
/// the state's input (after its InputPath), the Context object and the variables.
#[test]
fn rules_sharing_a_next_state_are_told_apart() {
    let file = inline(
        r#"
definition:
  StartAt: Remember
  States:
    Remember: {Type: Pass, Assign: {limit: 100}, Next: Route}
    Route:
      Type: Choice
      InputPath: $.order
      Choices:
        - {Variable: $.n, NumericGreaterThanPath: $limit, Next: Big}
        - {Variable: $.n, NumericLessThan: 0, Next: Big}
        - {Variable: $$.Execution.Input.kind, StringEquals: odd, Next: Big}
      Default: Small
    Big: {Type: Succeed}
    Small: {Type: Succeed}
cases:
  - name: negative
    input: {order: {n: -5}}
    expect: {status: SUCCEEDED}
  - name: odd
    input: {order: {n: 5}, kind: odd}
    expect: {status: SUCCEEDED}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    let rule = |i: usize| {
        coverage
            .item(
                ItemKind::ChoiceRule,
                &pointer(&format!("/States/Route/Choices/{i}")),
            )
            .expect("rule")
            .clone()
    };
    assert!(!rule(0).covered(), "n > $limit never held");
    assert_eq!((rule(1).hits, rule(1).inferred), (1, 0));
    assert_eq!((rule(2).hits, rule(2).inferred), (1, 0));
    assert_eq!(
        ids(&coverage, false),
        [
            "choice:/States/Route/Choices/0",
            "default:/States/Route/Default",
            "state:/States/Small",
            "edge:/States/Route/Choices/0/Next",
            "edge:/States/Route/Default",
            "edge:/States/Small",
        ]
    );
}

#[test]
fn jsonata_conditions_sharing_a_next_state_are_told_apart() {
    let file = inline(
        r#"
definition:
  QueryLanguage: JSONata
  StartAt: Remember
  States:
    Remember: {Type: Pass, Assign: {limit: 10}, Next: Route}
    Route:
      Type: Choice
      Choices:
        - {Condition: "{% $states.input.n > $limit %}", Next: Big}
        - {Condition: "{% $states.input.n < 0 %}", Next: Big}
      Default: Big
    Big: {Type: Succeed}
cases:
  - name: above the limit
    input: {n: 50}
    expect: {status: SUCCEEDED}
  - name: in between
    input: {n: 5}
    expect: {status: SUCCEEDED}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    assert_eq!(
        ids(&coverage, false),
        [
            "choice:/States/Route/Choices/1",
            "edge:/States/Route/Choices/1/Next"
        ]
    );
    assert!(coverage.items().iter().all(|i| i.inferred == 0));
}

/// The rule that retries or catches is the first whose ErrorEquals covers the error, as AWS
/// picks it: here `States.ALL`, the second of each list.
#[test]
fn retry_and_catch_rules_are_found_by_the_error() {
    let file = inline(
        r#"
definition:
  StartAt: Call
  States:
    Call:
      Type: Task
      Resource: arn:aws:states:::lambda:invoke
      Arguments: {FunctionName: f}
      QueryLanguage: JSONata
      Retry:
        - {ErrorEquals: [Busy], MaxAttempts: 2}
        - {ErrorEquals: [States.ALL], MaxAttempts: 1, IntervalSeconds: 1}
      Catch:
        - {ErrorEquals: [Busy], Next: Busy Handler}
        - {ErrorEquals: [States.ALL], Next: Other Handler}
      End: true
    Busy Handler: {Type: Fail, Error: Busy}
    Other Handler: {Type: Fail, Error: Other}
cases:
  - name: broken twice
    input: {}
    mocks:
      Call:
        - {Throw: {Error: Broken, Cause: x}}
        - {Throw: {Error: Broken, Cause: y}}
    expect: {status: FAILED, error: Other}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    let covered = ids(&coverage, true);
    let uncovered = ids(&coverage, false);
    for id in [
        "retry:/States/Call/Retry/1",
        "catch:/States/Call/Catch/1",
        "edge:/States/Call/Catch/1/Next",
        "state:/States/Other Handler",
    ] {
        assert!(covered.contains(&id.to_owned()), "{id} not in {covered:?}");
    }
    for id in [
        "retry:/States/Call/Retry/0",
        "catch:/States/Call/Catch/0",
        "edge:/States/Call/End",
        "state:/States/Busy Handler",
    ] {
        assert!(
            uncovered.contains(&id.to_owned()),
            "{id} not in {uncovered:?}"
        );
    }
    let retry = coverage
        .item(ItemKind::Retry, &pointer("/States/Call/Retry/1"))
        .expect("retry");
    assert_eq!(retry.hits, 1, "one retry: MaxAttempts 1");
}

/// Map iterations run the same Choice side by side: each exit is judged on its own run's input.
#[test]
fn a_choice_inside_map_iterations_is_judged_per_iteration() {
    let file = inline(
        r#"
definition:
  StartAt: Each
  States:
    Each:
      Type: Map
      End: true
      ItemProcessor:
        StartAt: Route
        States:
          Route:
            Type: Choice
            Choices:
              - {Variable: $.n, NumericGreaterThan: 10, Next: Big}
              - {Variable: $.n, NumericLessThan: 0, Next: Big}
            Default: Small
          Big: {Type: Pass, End: true}
          Small: {Type: Pass, End: true}
cases:
  - name: three items
    input: [{n: 50}, {n: 5}, {n: -5}]
    expect: {status: SUCCEEDED}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    let rule = |i: usize| {
        coverage
            .item(
                ItemKind::ChoiceRule,
                &pointer(&format!(
                    "/States/Each/ItemProcessor/States/Route/Choices/{i}"
                )),
            )
            .map(|r| (r.hits, r.inferred))
    };
    assert_eq!(rule(0), Some((1, 0)));
    assert_eq!(rule(1), Some((1, 0)));
    assert!(
        ids(&coverage, false).is_empty(),
        "{:?}",
        ids(&coverage, false)
    );
    let start = coverage
        .item(
            ItemKind::Edge,
            &pointer("/States/Each/ItemProcessor/StartAt"),
        )
        .expect("the processor's start edge");
    assert_eq!(start.hits, 3, "one per iteration");
}

/// Histories exported in AWS's GetExecutionHistory JSON and read back cover the same items: a
/// recorded execution counts like a local run.
#[test]
fn exported_histories_read_back_cover_the_same() {
    let file = example("order-processing.test.yaml");
    let definition = file.cases[0].definition.as_ref().expect("definition");
    let mut local = Coverage::of_definition(definition);
    let mut replayed = Coverage::of_definition(definition);
    for case in &file.cases {
        let (_, history) = testing::run_case_recorded(case, &RunOptions::default());
        local.add_history(&history);
        let exported = stepcraft::history::to_aws_json(&history);
        let read = stepcraft::replay::read_history(&exported).expect("reads back");
        replayed.add_history(&read);
    }
    assert_eq!(local.items(), replayed.items());
    assert!(local.summary().overall().covered > 0);
}

/// A Parallel retried as a whole when a branch fails: its Retry rule fired, read from the
/// `ParallelStateStarted` that follows the failure.
#[test]
fn a_retried_parallel_fires_its_retry_rule() {
    let file = inline(
        r#"
definition:
  StartAt: Both
  States:
    Both:
      Type: Parallel
      End: true
      Retry:
        - {ErrorEquals: [Other], MaxAttempts: 1}
        - {ErrorEquals: [Flaky], MaxAttempts: 1, IntervalSeconds: 1}
      Branches:
        - StartAt: Call
          States:
            Call:
              Type: Task
              Resource: arn:aws:states:::lambda:invoke
              Parameters: {FunctionName: f}
              End: true
cases:
  - name: flaky once
    input: {}
    mocks:
      Call:
        - {Throw: {Error: Flaky, Cause: x}}
        - {Return: {ok: true}}
    expect: {status: SUCCEEDED}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    let retry = |i: usize| {
        coverage
            .item(
                ItemKind::Retry,
                &pointer(&format!("/States/Both/Retry/{i}")),
            )
            .map(|r| r.hits)
    };
    assert_eq!(retry(0), Some(0));
    assert_eq!(retry(1), Some(1));
    let call = coverage
        .item(
            ItemKind::State,
            &pointer("/States/Both/Branches/0/States/Call"),
        )
        .expect("the branch's state");
    assert_eq!(call.hits, 2, "entered once per attempt");
}

/// A Map retried as a whole when an iteration fails.
#[test]
fn a_retried_map_fires_its_retry_rule() {
    let file = inline(
        r#"
definition:
  StartAt: Each
  States:
    Each:
      Type: Map
      End: true
      Retry:
        - {ErrorEquals: [Flaky], MaxAttempts: 1, IntervalSeconds: 1}
      ItemProcessor:
        StartAt: Call
        States:
          Call:
            Type: Task
            Resource: arn:aws:states:::lambda:invoke
            Parameters: {FunctionName: f}
            End: true
cases:
  - name: flaky once
    input: [1]
    mocks:
      Call:
        - {Throw: {Error: Flaky, Cause: x}}
        - {Return: {ok: true}}
    expect: {status: SUCCEEDED, output: [{ok: true}]}
"#,
    );
    let coverage = coverage_of(&file, |_| true);
    let retry = coverage
        .item(ItemKind::Retry, &pointer("/States/Each/Retry/0"))
        .expect("the rule");
    assert_eq!(retry.hits, 1);
}
