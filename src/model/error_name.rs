//! The closed set of error names Step Functions itself raises (`States.*`).

macro_rules! error_names {
    ($( $variant:ident = $name:literal; )*) => {
        /// An error name defined by Step Functions.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorName {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl ErrorName {
            /// Every predefined name.
            pub const ALL_NAMES: &'static [ErrorName] = &[$(ErrorName::$variant,)*];

            /// The name as written in ASL.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorName::$variant => $name,)* }
            }

            /// Looks a predefined name up.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(ErrorName::$variant),)* _ => None }
            }
        }
    };
}

error_names! {
    All = "States.ALL";
    DataLimitExceeded = "States.DataLimitExceeded";
    Runtime = "States.Runtime";
    HeartbeatTimeout = "States.HeartbeatTimeout";
    Timeout = "States.Timeout";
    TaskFailed = "States.TaskFailed";
    Permissions = "States.Permissions";
    ResultPathMatchFailure = "States.ResultPathMatchFailure";
    ParameterPathFailure = "States.ParameterPathFailure";
    QueryEvaluationError = "States.QueryEvaluationError";
    BranchFailed = "States.BranchFailed";
    NoChoiceMatched = "States.NoChoiceMatched";
    IntrinsicFailure = "States.IntrinsicFailure";
    ExceedToleratedFailureThreshold = "States.ExceedToleratedFailureThreshold";
    ItemReaderFailed = "States.ItemReaderFailed";
    ResultWriterFailed = "States.ResultWriterFailed";
    HttpSocket = "States.Http.Socket";
}

impl std::fmt::Display for ErrorName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What every name Step Functions reserves for its own errors starts with.
pub const RESERVED_PREFIX: &str = "States.";

/// The error an HTTP Task raises for a response with a status outside 2xx
/// (`States.Http.StatusCode.404`).
pub fn http_status_error(code: u16) -> String {
    format!("{RESERVED_PREFIX}Http.StatusCode.{code}")
}

/// An error's name as raised at run time: one Step Functions defines, or any other (a task's
/// own error, a Fail state's `Error`, a callback's failure). Names are compared as written, so
/// a task that throws `"States.Timeout"` raises [`ErrorName::Timeout`] itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AnyErrorName {
    /// A `States.*` name.
    States(ErrorName),
    /// Any other name (a Fail state without `Error` raises the empty name).
    Custom(std::sync::Arc<str>),
}

impl AnyErrorName {
    /// The name read from text: a predefined one where it is one.
    pub fn parse(name: &str) -> Self {
        match ErrorName::from_name(name) {
            Some(n) => Self::States(n),
            None => Self::Custom(std::sync::Arc::from(name)),
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        match self {
            Self::States(n) => n.as_str(),
            Self::Custom(s) => s,
        }
    }

    /// Whether it is this predefined name.
    pub fn is(&self, name: ErrorName) -> bool {
        *self == Self::States(name)
    }
}

impl From<ErrorName> for AnyErrorName {
    fn from(name: ErrorName) -> Self {
        Self::States(name)
    }
}

impl std::fmt::Display for AnyErrorName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_predefined_or_custom() {
        for name in ErrorName::ALL_NAMES {
            assert_eq!(
                AnyErrorName::parse(name.as_str()),
                AnyErrorName::States(*name)
            );
        }
        let custom = AnyErrorName::parse("States.NotOne");
        assert_eq!(custom, AnyErrorName::Custom("States.NotOne".into()));
        assert_eq!(custom.as_str(), "States.NotOne");
        assert_eq!(AnyErrorName::parse("").as_str(), "");
    }
}
