//! The required parameters of optimized service integrations (`arn:aws:states:::lambda:invoke`,
//! `...:dynamodb:putItem`...), as the bundled catalog's forms list them: missing or empty ones are
//! reported where they belong (the payload object, or the empty value itself).
//!
//! AWS SDK integrations (`arn:aws:states:::aws-sdk:...`) are not checked, as AWS does not check
//! them before a run either. A value read at run time (`Name.$`, a JSONata `{% %}` string) or a
//! deploy-time placeholder counts as filled; a payload that is itself an expression is not
//! looked into.

use crate::catalog::{Action, FieldValue};
use crate::diag::{Code, Diagnostics};
use crate::model::{QueryLanguage, State, StateKind, StateMachine};
use serde_json::Value;

pub(super) fn check(machine: &StateMachine, diags: &mut Diagnostics) {
    let catalog = crate::catalog::bundled();
    for scope in machine.scope.scopes() {
        for state in scope.states.values() {
            let StateKind::Task(task) = &state.kind else {
                continue;
            };
            let Some(resource) = task.resource.as_deref() else {
                continue;
            };
            if !resource.starts_with("arn:aws:states:::") || resource.contains(":::aws-sdk:") {
                continue;
            }
            if let Some((action, _)) = catalog.action_for_resource(resource) {
                check_state(state, action, diags);
            }
        }
    }
}

fn check_state(state: &State, action: &Action, diags: &mut Diagnostics) {
    let (key, payload) = match state.language {
        QueryLanguage::JsonPath => ("Parameters", state.parameters.as_ref()),
        QueryLanguage::Jsonata => ("Arguments", state.arguments.as_ref()),
    };
    let empty = serde_json::Map::new();
    let (object, at) = match payload {
        None => (&empty, state.pointer.clone()),
        Some(Value::Object(obj)) => (obj, state.pointer.key(key)),
        // An expression or a placeholder standing for the whole payload.
        Some(_) => return,
    };
    for field in action.form.iter().filter(|f| f.required) {
        if field.is_filled(object) {
            continue;
        }
        let name = &field.name;
        let (pointer, how) = match FieldValue::of(object, name) {
            FieldValue::Missing if payload.is_none() => {
                (at.clone(), format!("missing (the state has no {key})"))
            }
            FieldValue::Missing => (at.clone(), "missing".to_owned()),
            FieldValue::Literal(_) => (at.key(name), "empty".to_owned()),
            FieldValue::Path(_) => (at.key(&format!("{name}.$")), "empty".to_owned()),
        };
        let instead = if field.either.is_empty() {
            String::new()
        } else {
            format!(" (or give {} instead)", field.either.join(" or "))
        };
        diags.push(
            Code::RequiredParameter,
            pointer,
            format!(
                "The field '{name}' is required by {} but is {how}: fill in {}{instead}. {}",
                action.title(),
                field.label,
                field.help
            ),
        );
    }
}
