//! Rules on Choice states: rule shapes by query language, operand types, Next on top-level rules
//! only.

use crate::diag::{Code, Diagnostics};
use crate::history::is_timestamp;
use crate::model::choice::Operand;
use crate::model::{ChoiceRule, Condition, QueryLanguage, StateKind, StateMachine};
use serde_json::Value;

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    for state in machine.states() {
        let StateKind::Choice(choice) = &state.kind else {
            continue;
        };
        for rule in &choice.choices {
            check_rule(rule, state.language, diags);
        }
    }
}

fn check_rule(rule: &ChoiceRule, language: QueryLanguage, diags: &mut Diagnostics) {
    if rule.nested {
        for field in ["Next", "Assign", "Output"] {
            let present = match field {
                "Next" => rule.next.is_some(),
                "Assign" => rule.assign.is_some(),
                _ => rule.output.is_some(),
            };
            if present {
                diags.push(
                    Code::InvalidChoiceRule,
                    rule.pointer.key(field),
                    format!("A rule inside And, Or or Not cannot have {field}: only the top-level rule decides where to go."),
                );
            }
        }
    }
    // A top-level rule without Next is reported by the reader, which knows whether the rule was an
    // object at all (a rule that is not one has its WRONG_TYPE and nothing more).
    if rule.output.is_some() && language == QueryLanguage::JsonPath && !rule.nested {
        diags.push(
            Code::FieldNotInQueryLanguage,
            rule.pointer.key("Output"),
            "Output on a Choice rule is a JSONata field, but this state uses JSONPath.",
        );
    }
    match &rule.condition {
        Condition::Jsonata(value) => {
            if language == QueryLanguage::JsonPath {
                diags.push(
                    Code::FieldNotInQueryLanguage,
                    rule.pointer.key("Condition"),
                    "Condition is a JSONata field, but this state uses JSONPath: write the test with Variable and an operator such as StringEquals, or set \"QueryLanguage\": \"JSONata\".",
                );
            } else if !matches!(value, Value::Bool(_) | Value::String(_)) {
                diags.push(
                    Code::WrongType,
                    rule.pointer.key("Condition"),
                    "Condition must be true, false or a JSONata expression such as \"{% $states.input.total > 100 %}\".",
                );
            } else if let Value::String(s) = value
                && crate::expr::jsonata::expression(s).is_none()
                && !crate::placeholder::contains(s)
            {
                diags.push(
                        Code::InvalidChoiceRule,
                        rule.pointer.key("Condition"),
                        "Condition must be a JSONata expression wrapped in {% %}, such as \"{% $states.input.total > 100 %}\".",
                    );
            }
        }
        Condition::Compare {
            operator, operand, ..
        } => {
            if language == QueryLanguage::Jsonata {
                diags.push(
                    Code::FieldNotInQueryLanguage,
                    rule.pointer.key(operator.name()),
                    format!("{} is a JSONPath rule, but this state uses JSONata: write the test as \"Condition\": \"{{% ... %}}\".", operator.name()),
                );
                return;
            }
            check_operand(rule, *operator, operand, diags);
        }
        Condition::And(rules) | Condition::Or(rules) => {
            if language == QueryLanguage::Jsonata && !rule.nested {
                let key = if matches!(rule.condition, Condition::And(_)) {
                    "And"
                } else {
                    "Or"
                };
                diags.push(
                    Code::FieldNotInQueryLanguage,
                    rule.pointer.key(key),
                    format!("{key} is a JSONPath rule, but this state uses JSONata: combine tests with `and`/`or` in one Condition."),
                );
                return;
            }
            for r in rules {
                check_rule(r, language, diags);
            }
        }
        Condition::Not(inner) => {
            if language == QueryLanguage::Jsonata && !rule.nested {
                diags.push(
                    Code::FieldNotInQueryLanguage,
                    rule.pointer.key("Not"),
                    "Not is a JSONPath rule, but this state uses JSONata: use $not() in a Condition.",
                );
                return;
            }
            check_rule(inner, language, diags);
        }
        Condition::Invalid => {}
    }
}

fn check_operand(
    rule: &ChoiceRule,
    operator: crate::model::Operator,
    operand: &Value,
    diags: &mut Diagnostics,
) {
    let name = operator.name();
    let pointer = rule.pointer.key(name);
    if let Value::String(s) = operand
        && crate::placeholder::contains(s)
    {
        return;
    }
    let problem = match (operator.operand(), operand) {
        (Operand::String, Value::String(_)) | (Operand::Number, Value::Number(_)) | (Operand::Boolean, Value::Bool(_)) => None,
        (Operand::Timestamp, Value::String(s)) => {
            (!is_timestamp(s)).then(|| format!("{name} compares timestamps, but \"{s}\" is not one (for example 2026-03-14T01:59:00Z)."))
        }
        (Operand::Path, Value::String(_)) => None,
        (Operand::String, _) => Some(format!("{name} takes a string.")),
        (Operand::Number, Value::String(s)) => Some(format!("{name} takes a number, not the string \"{s}\": write it without quotes.")),
        (Operand::Boolean, Value::String(s)) => Some(format!("{name} takes true or false, not the string \"{s}\": write it without quotes.")),
        (Operand::Number, _) => Some(format!("{name} takes a number.")),
        (Operand::Boolean, _) => Some(format!("{name} takes true or false.")),
        (Operand::Timestamp, _) => Some(format!("{name} takes a timestamp string.")),
        (Operand::Path, _) => Some(format!("{name} takes a path string, such as \"$.limit\".")),
    };
    if let Some(message) = problem {
        // A string is the right type for a Timestamp operator, just not a timestamp; for any other
        // operator a value of the wrong JSON type ("1" for NumericEquals) is a wrong type.
        let code = if matches!(
            (operator.operand(), operand),
            (Operand::Timestamp, Value::String(_))
        ) {
            Code::InvalidValue
        } else {
            Code::WrongType
        };
        diags.push(code, pointer, message);
    }
}
