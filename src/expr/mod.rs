//! Expressions inside a definition: ASL JSONPath, intrinsic functions and JSONata.

pub mod intrinsic;
pub mod jsonata;
pub mod path;
