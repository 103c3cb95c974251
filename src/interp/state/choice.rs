//! Choice: the first rule whose test holds picks the next state (its Output and Assign apply),
//! else the Default; with neither, `States.NoChoiceMatched`.

use crate::interp::compile::{CState, ChoiceBranch, Next, StateId, Test};
use crate::interp::error::StateError;
use crate::interp::rules;
use crate::interp::{Execution, FrameId};
use crate::model::ErrorName;
use crate::value::Val;

impl Execution {
    pub(in crate::interp) fn choose(
        &mut self,
        fid: FrameId,
        state: &CState,
        branches: &[ChoiceBranch],
        default: Option<StateId>,
        effective: &Val,
    ) -> Result<(), StateError> {
        let ctx = self.ctx_for(fid, state);
        let mut chosen = None;
        for (i, branch) in branches.iter().enumerate() {
            if self.test(fid, state, &branch.test, effective, &ctx)? {
                chosen = Some(i);
                break;
            }
        }
        let (next, rule) = match (chosen, default) {
            (Some(i), _) => (branches[i].next, Some(i)),
            (None, Some(d)) => (d, None),
            (None, None) => {
                return Err(StateError::new(
                    ErrorName::NoChoiceMatched,
                    Some(format!("No Matches! (state '{}')", state.name)),
                ));
            }
        };
        self.finish_to(fid, state, None, rule, Some(Next::To(next)));
        Ok(())
    }

    /// Whether a rule holds: a JSONPath comparison (a path that finds nothing is
    /// `States.Runtime`), or a JSONata Condition, which must give a boolean.
    fn test(
        &mut self,
        fid: FrameId,
        state: &CState,
        test: &Test,
        effective: &Val,
        ctx: &Val,
    ) -> Result<bool, StateError> {
        match test {
            Test::Rule(rule) => rules::matches(rule, &self.env(fid, effective, ctx)).map_err(|e| {
                self.runtime_error(
                    fid,
                    state,
                    &format!("Invalid path '{}' : {}", e.path, e.message),
                )
            }),
            Test::Condition(condition) => match self.jeval(fid, state, condition, None, None)? {
                Val::Bool(b) => Ok(b),
                other => {
                    let (text, field) = condition.expression().unwrap_or(("", "Condition"));
                    Err(self.query_error(
                        fid,
                        state,
                        &format!(
                            "The JSONata expression '{text}' specified for the field '{field}' returned an unexpected result type. Expected 'boolean', but was '{}' for value: {other}",
                            other.type_name()
                        ),
                    ))
                }
            },
        }
    }
}
