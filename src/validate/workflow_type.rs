//! Rules that depend on the workflow type: what Express workflows cannot do, and what the child
//! executions of a distributed Map cannot do.

use super::WorkflowType;
use crate::diag::{Code, Diagnostics};
use crate::model::map::{ExecutionType, ProcessorMode};
use crate::model::task::IntegrationPattern;
use crate::model::{MaybeExpr, Scope, StateKind, StateMachine};
use crate::pointer::Pointer;

/// An Express execution runs five minutes at most.
pub const EXPRESS_MAX_SECONDS: u64 = 300;

pub(super) fn check(machine: &StateMachine, ty: WorkflowType, diags: &mut Diagnostics) {
    if ty == WorkflowType::Express
        && let Some(t) = machine.timeout_seconds.filter(|t| *t > EXPRESS_MAX_SECONDS)
    {
        diags.push(
                Code::NotAllowedInWorkflowType,
                Pointer::root().key("TimeoutSeconds"),
                format!("An Express workflow runs at most {EXPRESS_MAX_SECONDS} seconds, so TimeoutSeconds {t} can never be reached."),
            );
    }
    check_scope(&machine.scope, ty, diags);
}

fn check_scope(scope: &Scope, ty: WorkflowType, diags: &mut Diagnostics) {
    let express = ty == WorkflowType::Express;
    for state in scope.states.values() {
        match &state.kind {
            StateKind::Task(task) if express => {
                let what = if task.is_activity() {
                    Some("Activities")
                } else {
                    match task.integration_pattern() {
                        IntegrationPattern::Sync => {
                            Some("The .sync integration pattern (run a job and wait for it)")
                        }
                        IntegrationPattern::WaitForTaskToken => {
                            Some("The .waitForTaskToken integration pattern (wait for a callback)")
                        }
                        IntegrationPattern::RequestResponse => None,
                    }
                };
                if let Some(what) = what {
                    diags.push(
                        Code::NotAllowedInWorkflowType,
                        state.pointer.key("Resource"),
                        format!("{what} is not available in Express workflows: use a Standard workflow, or a request-response integration."),
                    );
                }
            }
            StateKind::Wait(wait) if express => {
                if let Some(MaybeExpr::Literal(s)) = wait.seconds
                    && s > EXPRESS_MAX_SECONDS
                {
                    diags.push(
                            Code::NotAllowedInWorkflowType,
                            state.pointer.key("Seconds"),
                            format!("An Express workflow runs at most {EXPRESS_MAX_SECONDS} seconds, so it cannot wait {s} seconds."),
                        );
                }
            }
            StateKind::Map(map) => {
                if map.mode == ProcessorMode::Distributed && express {
                    diags.push(
                        Code::NotAllowedInWorkflowType,
                        state.pointer.clone(),
                        "A distributed Map is not available in Express workflows: use an inline Map, or a Standard workflow.",
                    );
                }
                let child = match (map.mode, map.execution_type) {
                    (ProcessorMode::Distributed, Some(ExecutionType::Express)) => {
                        WorkflowType::Express
                    }
                    (ProcessorMode::Distributed, _) => WorkflowType::Standard,
                    (ProcessorMode::Inline, _) => ty,
                };
                if let Some(p) = &map.processor {
                    check_scope(p, child, diags);
                }
                continue;
            }
            _ => {}
        }
        for nested in state.scopes() {
            check_scope(nested, ty, diags);
        }
    }
}
