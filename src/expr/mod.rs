//! Expressions inside a definition: ASL JSONPath, intrinsic functions and JSONata.

pub mod env;
pub mod filter;
pub mod functions;
pub mod intrinsic;
pub mod jsonata;
pub mod jsonata_eval;
pub mod path;
pub mod select;

/// How deeply an expression may nest: intrinsic calls within calls, and parentheses and `!` within
/// a JSONPath filter. Real expressions nest a handful of levels; deeper text is rejected where it
/// is parsed, with its offset (a located diagnostic from the validator, a clean error at run
/// time), so neither parsing nor evaluating it can exhaust the stack.
pub const MAX_EXPR_DEPTH: usize = 64;
