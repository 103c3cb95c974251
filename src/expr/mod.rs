//! Expressions inside a definition: ASL JSONPath, intrinsic functions and JSONata.

pub mod env;
pub mod filter;
pub mod functions;
pub mod intrinsic;
pub mod jsonata;
pub mod jsonata_eval;
pub mod path;
pub mod select;
