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
