//! AWS Step Functions Local's mock configuration format: per state machine, test cases mapping
//! Task state names to mocked responses; each response lists what successive invocations return
//! (`"0"`, `"1-2"`...) as `Return` (the service's result) or `Throw` (`Error`, `Cause`).

use super::{TaskOutcome, TaskRequest, TaskResolver};
use crate::model::ErrorName;
use crate::value::Val;
use serde_json::Value;
use std::collections::HashMap;

/// Why a mock configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MockError {
    /// The file is not shaped as a mock configuration.
    #[error("{0}")]
    Shape(String),
    /// The state machine is not in the file.
    #[error("the mock configuration has no state machine named '{0}' (it has: {1})")]
    NoStateMachine(String, String),
    /// The test case is not in the file.
    #[error("the state machine '{0}' has no test case named '{1}' (it has: {2})")]
    NoTestCase(String, String, String),
    /// A test case names a response that is not defined.
    #[error(
        "the test case maps state '{0}' to the mocked response '{1}', which MockedResponses does not define"
    )]
    NoResponse(String, String),
}

#[derive(Debug, Clone)]
struct Step {
    first: usize,
    last: usize,
    outcome: TaskOutcome,
}

/// A resolver answering from one test case of a mock configuration.
#[derive(Debug, Clone)]
pub struct MockResolver {
    test_case: String,
    by_state: HashMap<String, Vec<Step>>,
    calls: HashMap<String, usize>,
}

fn keys(map: &serde_json::Map<String, Value>) -> String {
    map.keys().cloned().collect::<Vec<_>>().join(", ")
}

impl MockResolver {
    /// Reads the test case `test_case` of `state_machine` (or of the only state machine when
    /// `state_machine` is `None`).
    pub fn new(
        config: &Value,
        state_machine: Option<&str>,
        test_case: &str,
    ) -> Result<Self, MockError> {
        let shape = |m: &str| MockError::Shape(m.to_owned());
        let machines = config
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("a mock configuration needs a \"StateMachines\" object"))?;
        let responses = config
            .get("MockedResponses")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("a mock configuration needs a \"MockedResponses\" object"))?;
        let (name, machine) = match state_machine {
            Some(n) => (
                n.to_owned(),
                machines
                    .get(n)
                    .ok_or_else(|| MockError::NoStateMachine(n.to_owned(), keys(machines)))?,
            ),
            None if machines.len() == 1 => machines
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v))
                .ok_or_else(|| shape("no state machine"))?,
            None => {
                return Err(shape(
                    "the mock configuration has several state machines: name one with --state-machine",
                ));
            }
        };
        let cases = machine
            .get("TestCases")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("each state machine needs a \"TestCases\" object"))?;
        let case = cases
            .get(test_case)
            .and_then(Value::as_object)
            .ok_or_else(|| {
                MockError::NoTestCase(name.clone(), test_case.to_owned(), keys(cases))
            })?;
        let mut by_state = HashMap::new();
        for (state, response) in case {
            let response_name = response
                .as_str()
                .ok_or_else(|| shape("a test case maps state names to response names (strings)"))?;
            let steps = responses
                .get(response_name)
                .and_then(Value::as_object)
                .ok_or_else(|| MockError::NoResponse(state.clone(), response_name.to_owned()))?;
            let mut parsed = Vec::new();
            for (range, body) in steps {
                let (first, last) = parse_range(range).ok_or_else(|| {
                    MockError::Shape(format!("'{range}' in mocked response '{response_name}' is not an invocation number or range such as \"0\" or \"1-3\""))
                })?;
                let outcome = if let Some(ret) = body.get("Return") {
                    TaskOutcome::Success(Val::from(ret))
                } else if let Some(throw) = body.get("Throw") {
                    TaskOutcome::Failure {
                        error: throw
                            .get("Error")
                            .and_then(Value::as_str)
                            .unwrap_or(ErrorName::TaskFailed.as_str())
                            .to_owned(),
                        cause: throw
                            .get("Cause")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                    }
                } else {
                    return Err(MockError::Shape(format!(
                        "mocked response '{response_name}' step '{range}' needs Return or Throw"
                    )));
                };
                parsed.push(Step {
                    first,
                    last,
                    outcome,
                });
            }
            by_state.insert(state.clone(), parsed);
        }
        Ok(Self {
            test_case: test_case.to_owned(),
            by_state,
            calls: HashMap::new(),
        })
    }
}

fn parse_range(text: &str) -> Option<(usize, usize)> {
    match text.split_once('-') {
        Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
        None => {
            let n = text.trim().parse().ok()?;
            Some((n, n))
        }
    }
}

impl TaskResolver for MockResolver {
    fn invoke(&mut self, request: &TaskRequest<'_>) -> TaskOutcome {
        let Some(steps) = self.by_state.get(request.state_name) else {
            return TaskOutcome::Failure {
                error: ErrorName::TaskFailed.as_str().into(),
                cause: format!(
                    "The Task state '{}' has no mocked response in test case '{}'.",
                    request.state_name, self.test_case
                ),
            };
        };
        let n = self.calls.entry(request.state_name.to_owned()).or_insert(0);
        let call = *n;
        *n += 1;
        // Past the last listed invocation, the last response repeats (as Step Functions Local does).
        steps
            .iter()
            .find(|s| (s.first..=s.last).contains(&call))
            .or_else(|| steps.iter().max_by_key(|s| s.last))
            .map_or(TaskOutcome::Pending, |s| s.outcome.clone())
    }
}
