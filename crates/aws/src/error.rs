//! An AWS call that failed, as data the CLI renders: the operation, AWS's error code and
//! message when the service answered, and what to do about it.

use aws_sdk_sfn::config::http::HttpResponse;
use aws_sdk_sfn::error::{ProvideErrorMetadata, SdkError};
use std::fmt;

/// Why an AWS call (or setting one up) failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    /// The operation (`CreateStateMachine`), or empty when setting up failed.
    pub operation: &'static str,
    /// What kind of failure it was.
    pub kind: ErrorKind,
    /// AWS's error code (`StateMachineDoesNotExist`), when the service answered with one.
    pub code: Option<String>,
    /// AWS's message, or what went wrong on the way.
    pub message: String,
    /// What to do about it (may be empty).
    pub hint: String,
}

/// The broad kinds of failure, for callers that act on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Nothing was sent: no region, no runtime, a bad option.
    Setup,
    /// The service answered with an error.
    Service,
    /// The endpoint cannot do the operation: it does not know it (a local emulator that lacks
    /// it), or failed with an answer that is not AWS's.
    NotImplemented,
    /// No answer: the endpoint cannot be reached, or timed out.
    Unreachable,
    /// The request could not be signed or built (often: no credentials).
    Request,
    /// An answer came that could not be read.
    Response,
}

impl AwsError {
    /// A failure before any call.
    pub fn setup(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            operation: "",
            kind: ErrorKind::Setup,
            code: None,
            message: message.into(),
            hint: hint.into(),
        }
    }

    /// A failed call, read from the SDK's error.
    pub fn from_sdk<E>(operation: &'static str, err: &SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (kind, code, message) = match err {
            SdkError::ServiceError(service) => {
                let e = service.err();
                match e.code() {
                    Some(code) => {
                        let message = e.message().unwrap_or_default().to_owned();
                        let kind = if matches!(
                            code,
                            "UnknownOperationException" | "InvalidAction" | "NotImplemented"
                        ) {
                            ErrorKind::NotImplemented
                        } else {
                            ErrorKind::Service
                        };
                        (kind, Some(code.to_owned()), message)
                    }
                    None => foreign_answer(service.raw()),
                }
            }
            // No credentials fail while dispatching too, before any connection.
            SdkError::DispatchFailure(d) if !(d.is_io() || d.is_timeout()) => {
                (ErrorKind::Request, None, chain(err))
            }
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                (ErrorKind::Unreachable, None, chain(err))
            }
            SdkError::ConstructionFailure(_) => (ErrorKind::Request, None, chain(err)),
            _ => match err.raw_response() {
                Some(raw) => foreign_answer(raw),
                None => (ErrorKind::Response, None, chain(err)),
            },
        };
        let hint = hint(kind, code.as_deref()).to_owned();
        Self {
            operation,
            kind,
            code,
            message,
            hint,
        }
    }
}

/// An error and its sources, each once, joined by `: `.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// An answer that is not AWS's JSON error shape. A local emulator that lacks an operation
/// answers so (moto: HTTP 500 with an HTML page; others 404 or 501).
fn foreign_answer(raw: &HttpResponse) -> (ErrorKind, Option<String>, String) {
    let status = raw.status().as_u16();
    let body = raw.body().bytes().unwrap_or_default();
    let is_json = serde_json::from_slice::<serde_json::Value>(body).is_ok();
    let kind = if !is_json && matches!(status, 404 | 500 | 501) {
        ErrorKind::NotImplemented
    } else {
        ErrorKind::Response
    };
    let text = String::from_utf8_lossy(body);
    let excerpt: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let excerpt: String = excerpt.chars().take(120).collect();
    (
        kind,
        None,
        format!("HTTP {status}, an answer that is not AWS's: {excerpt}"),
    )
}

/// What to do, by kind and AWS's error code.
fn hint(kind: ErrorKind, code: Option<&str>) -> &'static str {
    match (kind, code) {
        (ErrorKind::Unreachable, _) => {
            "check --endpoint-url (or AWS_ENDPOINT_URL), --region and the network, then try again"
        }
        (ErrorKind::Request, _) => {
            "check the credentials: --profile, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (`aws sso login` for an SSO profile)"
        }
        (ErrorKind::NotImplemented, _) => {
            "a local emulator answers so for an operation it lacks (or fails on); on AWS, try again"
        }
        (
            _,
            Some(
                "UnrecognizedClientException"
                | "InvalidSignatureException"
                | "ExpiredTokenException"
                | "InvalidClientTokenId"
                | "SignatureDoesNotMatch",
            ),
        ) => {
            "check the credentials: --profile, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        }
        (_, Some("AccessDeniedException" | "AccessDenied")) => {
            "the credentials lack a permission for this call: ask for it in the caller's IAM policy"
        }
        (_, Some("StateMachineDoesNotExist" | "ExecutionDoesNotExist")) => {
            "check the ARN and that --region (and --endpoint-url) name where it lives"
        }
        (_, Some("InvalidArn")) => "give a full ARN (arn:aws:states:REGION:ACCOUNT:...)",
        (_, Some("InvalidDefinition")) => {
            "fix the definition; `stepcraft validate FILE` shows our diagnostics"
        }
        (_, Some("StateMachineTypeNotSupported")) => {
            "this call needs the other workflow type (STANDARD or EXPRESS)"
        }
        (_, Some("ExecutionNotRedrivable")) => {
            "only a failed, timed-out or aborted Standard execution of the last 14 days can be redriven"
        }
        (_, Some("ExecutionLimitExceeded" | "ThrottlingException")) => {
            "too many calls or executions: wait and try again"
        }
        _ => "",
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.operation.is_empty() {
            write!(f, "{} failed: ", self.operation)?;
        }
        match self.kind {
            ErrorKind::Unreachable => write!(f, "no answer from the endpoint: ")?,
            ErrorKind::NotImplemented => write!(f, "the endpoint cannot do this: ")?,
            _ => {}
        }
        if let Some(code) = &self.code {
            write!(f, "{code}: ")?;
        }
        write!(f, "{}", self.message)?;
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", self.hint)?;
        }
        Ok(())
    }
}

impl std::error::Error for AwsError {}
