//! Fail: ends its scope with an error and a cause (literal, read through a path, computed by
//! an intrinsic function, or a JSONata expression). Retry and Catch of an enclosing Parallel
//! or Map still apply.

use crate::interp::compile::{CState, Dynamic};
use crate::interp::error::StateError;
use crate::interp::{Execution, FrameId};
use crate::value::Val;
use std::sync::Arc;

impl Execution {
    pub(in crate::interp) fn fail_state(
        &mut self,
        fid: FrameId,
        state: &CState,
        error: &Option<Dynamic<Arc<str>>>,
        cause: &Option<Dynamic<Arc<str>>>,
        effective: &Val,
    ) -> Result<(), StateError> {
        let error = error
            .as_ref()
            .map(|e| self.text(fid, state, e, effective))
            .transpose()?;
        let cause = cause
            .as_ref()
            .map(|c| self.text(fid, state, c, effective))
            .transpose()?;
        self.complete(fid, Err(StateError::fail_state(error, cause)));
        Ok(())
    }
}
