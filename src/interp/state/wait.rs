//! Wait: sleeps on the virtual clock for some seconds or until a timestamp, then passes its
//! input on.

use crate::history::{Millis, parse_timestamp};
use crate::interp::compile::{CState, Dynamic, WaitFor};
use crate::interp::error::StateError;
use crate::interp::frame::Step;
use crate::interp::processing::display_plain;
use crate::interp::template::path_text;
use crate::interp::{Execution, FrameId, secs};
use crate::value::Val;

impl Execution {
    pub(in crate::interp) fn wait(
        &mut self,
        fid: FrameId,
        state: &CState,
        wait: &WaitFor,
        effective: &Val,
    ) -> Result<(), StateError> {
        let at = self.wait_end(fid, state, wait, effective)?;
        // The timer wakes the frame to exit (a time already past wakes it at once).
        self.frames[fid].step = Step::WaitExit;
        self.set_timer(fid, at, false);
        Ok(())
    }

    fn wait_end(
        &mut self,
        fid: FrameId,
        state: &CState,
        wait: &WaitFor,
        effective: &Val,
    ) -> Result<Millis, StateError> {
        match wait {
            WaitFor::Seconds(Dynamic::Path(p)) => {
                let ctx = self.ctx_for(fid, state);
                let v = self.read_path(fid, state, p, effective, &ctx)?;
                // AWS's two texts (after LocalStack's, written against AWS): a negative whole
                // number, and anything that is not a whole number.
                let whole = v.as_f64().filter(|f| f.fract() == 0.0);
                match whole {
                    Some(f) if f >= 0.0 => Ok(self.clock + (f as Millis) * 1000),
                    Some(_) => Err(self.runtime_error(
                        fid,
                        state,
                        &format!(
                            "The SecondsPath parameter references a negative value: {} == {}",
                            path_text(p),
                            display_plain(&v)
                        ),
                    )),
                    None => Err(self.runtime_error(
                        fid,
                        state,
                        &format!(
                            "The SecondsPath parameter cannot be parsed as a long value: {} == {}",
                            path_text(p),
                            display_plain(&v)
                        ),
                    )),
                }
            }
            WaitFor::Seconds(Dynamic::Jsonata(t)) => {
                let seconds = self.jsonata_number(fid, state, t, "Seconds")?;
                Ok(self.clock + (seconds.max(0.0) * 1000.0) as Millis)
            }
            WaitFor::Seconds(seconds) => {
                let seconds = self.number(fid, state, seconds, "Seconds")?;
                Ok(self.clock + secs(seconds))
            }
            WaitFor::Timestamp(Dynamic::Path(p)) => {
                let ctx = self.ctx_for(fid, state);
                let v = self.read_path(fid, state, p, effective, &ctx)?;
                v.as_str().and_then(parse_timestamp).ok_or_else(|| {
                    self.runtime_error(
                        fid,
                        state,
                        &format!(
                            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {} == {}",
                            path_text(p),
                            display_plain(&v)
                        ),
                    )
                })
            }
            WaitFor::Timestamp(Dynamic::Jsonata(t)) => {
                let v = self.jeval(fid, state, t, None, None)?;
                match v.as_str().and_then(parse_timestamp) {
                    Some(at) => Ok(at),
                    None => Err(self.query_error_at(
                        fid,
                        state,
                        &format!(
                            "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: {}",
                            display_plain(&v)
                        ),
                        Some("Timestamp"),
                    )),
                }
            }
            WaitFor::Timestamp(text) => {
                let t = self.text(fid, state, text, effective)?;
                parse_timestamp(&t).ok_or_else(|| {
                    self.runtime_error(fid, state, &format!("'{t}' is not a valid timestamp"))
                })
            }
        }
    }
}
