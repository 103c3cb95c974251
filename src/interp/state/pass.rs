//! Pass: its `Result`, else its payload (JSONPath `Parameters`, or the effective input), goes
//! on as its result; a JSONata Pass has no result (its Output reads `$states.input`).

use crate::interp::compile::CState;
use crate::interp::error::StateError;
use crate::interp::{Execution, FrameId};
use crate::value::Val;

impl Execution {
    pub(in crate::interp) fn pass(
        &mut self,
        fid: FrameId,
        state: &CState,
        result: Option<&Val>,
        effective: &Val,
    ) -> Result<(), StateError> {
        let result = match result {
            Some(r) => Some(r.clone()),
            None => self.arguments(fid, state, effective)?,
        };
        self.finish_with(fid, state, result);
        Ok(())
    }
}
