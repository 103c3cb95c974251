//! Stepcraft's engine: the Amazon States Language document model, validator and expressions,
//! with no GUI dependency.
//!
//! The pipeline reads text into a lossless [`Document`], derives the typed [`model`], and checks
//! it with the [`validate`] rules. Every problem is a [`Diagnostic`] with a code, a JSON pointer
//! and a line:column; the engine never prints. [`run`] starts an execution of a valid definition
//! (the [`interp`] stepper) and runs it; its history is AWS-shaped.
//!
//! ```
//! use stepcraft::{Document, Format, run, validate};
//!
//! let text = r#"{
//!   "StartAt": "Hello",
//!   "States": {
//!     "Hello": { "Type": "Pass", "Result": "world", "Next": "Missing" }
//!   }
//! }"#;
//! let doc = Document::parse(text, Format::Json).expect("valid JSON");
//! let diagnostics = validate::validate(&doc, &validate::Options::default());
//! let first = &diagnostics[0];
//! assert_eq!(first.code.as_str(), "MISSING_TRANSITION_TARGET");
//! assert_eq!(first.pointer.as_str(), "/States/Hello/Next");
//! assert_eq!(first.location.map(|l| l.line), Some(4));
//!
//! // Nothing was edited, so saving gives back the exact text.
//! assert_eq!(doc.to_text(), text);
//!
//! // Fixed, it runs: one set-up starts the execution, `run_to_end` runs it, the history tells.
//! let fixed = text.replace(r#""Next": "Missing""#, r#""End": true"#);
//! let setup = run::RunSetup::new(Document::parse(&fixed, Format::Json).expect("valid JSON"));
//! let mut execution = setup.start(serde_json::json!({}).into()).expect("valid, compiles");
//! assert!(matches!(
//!     run::run_to_end(&mut execution),
//!     stepcraft::interp::Status::Succeeded(output) if output.to_json_string() == r#""world""#
//! ));
//! let types: Vec<String> = execution.history().iter().map(|e| e.kind.type_name()).collect();
//! assert_eq!(
//!     types,
//!     ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]
//! );
//! ```

pub mod catalog;
pub mod coverage;
pub mod diag;
pub mod document;
pub mod edit;
pub mod embedded;
pub mod event_log;
pub mod export;
pub mod expr;
pub mod graph;
pub mod history;
pub mod interp;
pub mod layout;
pub mod model;
pub mod numbers;
pub mod placeholder;
pub mod pointer;
pub mod render_svg;
pub mod replay;
pub mod run;
pub mod save_case;
pub mod sidecar;
pub mod source;
pub mod subst;
pub mod tasks;
pub mod test_state;
pub mod testing;
pub mod trace;
pub mod validate;
pub mod value;
pub mod write;

pub use diag::{Code, Diagnostic, Location, Severity};
pub use document::Document;
pub use pointer::Pointer;
pub use source::Format;
