//! Stepcraft's AWS side, kept out of the engine: one client set-up ([`ClientConfig`]: the
//! standard credentials chain, a profile, a region, an endpoint such as a local emulator) that
//! every AWS-facing feature shares, and the Step Functions calls behind `stepcraft deploy`,
//! `stepcraft executions` and `stepcraft replay --execution` ([`Sfn`]), and the signed client
//! that a run's AWS service integrations go through ([`ServiceConnector`], [`Services`]).
//!
//! The SDK is asynchronous; the CLI is not. [`Sfn`] owns a tokio current-thread runtime and
//! blocks on each call, so callers stay synchronous.
//!
//! ```no_run
//! use stepcraft_aws::{ClientConfig, Sfn};
//!
//! let config = ClientConfig {
//!     endpoint_url: Some("http://127.0.0.1:5000".to_owned()),
//!     ..ClientConfig::default()
//! };
//! let sfn = Sfn::connect(&config)?;
//! for machine in sfn.list_state_machines()? {
//!     println!("{} {}", machine.name, machine.arn);
//! }
//! # Ok::<(), stepcraft_aws::AwsError>(())
//! ```

mod client;
mod error;
mod services;
mod sfn;

pub use client::{ClientConfig, https_client, runtime};
pub use error::{AwsError, ErrorKind};
pub use services::{ServiceConnector, Services};
pub use sfn::{
    DeploySpec, Deployed, Diagnostic, ExecutionInfo, ExecutionSummary, Sfn, StateMachineSummary,
    Validation, format_time,
};
