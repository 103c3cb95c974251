//! Diagnostics: every problem found while reading or validating a definition, as data.
//!
//! The engine never formats a diagnostic for humans beyond its one plain sentence; the CLI and the
//! studio decide how to show code, location and message.

use crate::pointer::Pointer;
use std::fmt;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// AWS would reject the definition, or it cannot run.
    Error,
    /// The definition is accepted but probably not what the author meant.
    Warning,
    /// Worth knowing, nothing to fix.
    Info,
}

impl Severity {
    /// Lower-case name, as printed by the CLI and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Info => "info",
        }
    }
}

/// A 1-based line and column in the source text (columns count characters, not bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $sev:ident; )*) => {
        /// The closed set of diagnostic codes. Each has a stable name, used in JSON output and tests.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable SCREAMING_SNAKE_CASE name of the code.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity a diagnostic with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }
        }
    };
}

codes! {
    /// The text is not valid JSON.
    InvalidJson = "INVALID_JSON", Error;
    /// The text is not valid YAML, or uses YAML that has no JSON equivalent.
    InvalidYaml = "INVALID_YAML", Error;
    /// Arrays and objects nest deeper than `source::MAX_DEPTH` levels (in the text, or once YAML
    /// aliases are expanded).
    NestingTooDeep = "NESTING_TOO_DEEP", Error;
    /// YAML aliases expand to more values than `source::MAX_ALIAS_NODES` (an alias bomb).
    TooManyAliases = "TOO_MANY_ALIASES", Error;
    /// The same key appears twice in one object; the last one wins.
    DuplicateKey = "DUPLICATE_KEY", Warning;
    /// A required field is absent.
    MissingField = "MISSING_FIELD", Error;
    /// A field the States Language does not define.
    UnknownField = "UNKNOWN_FIELD", Error;
    /// A field is present but not allowed in this kind of state or this context.
    FieldNotAllowed = "FIELD_NOT_ALLOWED", Error;
    /// A field belongs to the other query language (JSONPath vs JSONata).
    FieldNotInQueryLanguage = "FIELD_NOT_IN_QUERY_LANGUAGE", Error;
    /// A field has the wrong JSON type.
    WrongType = "WRONG_TYPE", Error;
    /// A field has a value outside the allowed set or range.
    InvalidValue = "INVALID_VALUE", Error;
    /// Two fields that exclude each other are both present.
    ConflictingFields = "CONFLICTING_FIELDS", Error;
    /// A `States` object with no states.
    EmptyStates = "EMPTY_STATES", Error;
    /// `StartAt` names a state that does not exist in its scope.
    StartAtNotFound = "START_AT_NOT_FOUND", Error;
    /// `Next`, `Default` or a rule's `Next` names a state that does not exist in its scope.
    MissingTransitionTarget = "MISSING_TRANSITION_TARGET", Error;
    /// A transition leaves its Parallel branch or Map processor.
    TransitionOutOfScope = "TRANSITION_OUT_OF_SCOPE", Error;
    /// Two states share a name.
    DuplicateStateName = "DUPLICATE_STATE_NAME", Error;
    /// A state name is empty or longer than 80 characters.
    InvalidStateName = "INVALID_STATE_NAME", Error;
    /// No path from `StartAt` reaches this state.
    UnreachableState = "UNREACHABLE_STATE", Error;
    /// A state that must transition has neither `Next` nor `End: true`.
    MissingTransition = "MISSING_TRANSITION", Error;
    /// A state has both `Next` and `End`.
    ConflictingTransition = "CONFLICTING_TRANSITION", Error;
    /// A Choice, Succeed or Fail state carries `Next` or `End`.
    TransitionNotAllowed = "TRANSITION_NOT_ALLOWED", Error;
    /// A set of states has no state that ends it.
    NoTerminalState = "NO_TERMINAL_STATE", Error;
    /// A Choice rule is malformed (operators, Variable, Next, nesting).
    InvalidChoiceRule = "INVALID_CHOICE_RULE", Error;
    /// A Retry or Catch `ErrorEquals` list is empty or misuses `States.ALL`.
    InvalidErrorEquals = "INVALID_ERROR_EQUALS", Error;
    /// An error name starting with `States.` that AWS does not define.
    UnknownStatesError = "UNKNOWN_STATES_ERROR", Warning;
    /// A Retry or Catch rule can never be reached: earlier rules of the same list already name
    /// every error it names.
    UnreachableRule = "UNREACHABLE_RULE", Warning;
    /// `HeartbeatSeconds` is not smaller than `TimeoutSeconds`.
    HeartbeatNotBelowTimeout = "HEARTBEAT_NOT_BELOW_TIMEOUT", Error;
    /// A Path is not valid JSONPath.
    InvalidPath = "INVALID_PATH", Error;
    /// A Reference Path uses filters, wildcards, slices or unions.
    InvalidReferencePath = "INVALID_REFERENCE_PATH", Error;
    /// An intrinsic function call is malformed, unknown or has the wrong number of arguments.
    InvalidIntrinsic = "INVALID_INTRINSIC", Error;
    /// A JSONata expression does not parse.
    InvalidJsonata = "INVALID_JSONATA", Error;
    /// A string holds `{%` and `%}` but not as the whole string, so it is plain text, not an
    /// expression (AWS accepts it as text).
    JsonataNotWholeString = "JSONATA_NOT_WHOLE_STRING", Warning;
    /// An `Assign` variable name is invalid or reserved.
    InvalidVariableName = "INVALID_VARIABLE_NAME", Error;
    /// A variable is read but no state assigns it.
    UnassignedVariable = "UNASSIGNED_VARIABLE", Warning;
    /// A state in a Parallel branch or Map iteration assigns a variable of an outer scope.
    OuterVariableAssigned = "OUTER_VARIABLE_ASSIGNED", Error;
    /// A field needs a Map in DISTRIBUTED mode.
    RequiresDistributedMap = "REQUIRES_DISTRIBUTED_MAP", Error;
    /// A feature is not available in the workflow type (Standard or Express) given.
    NotAllowedInWorkflowType = "NOT_ALLOWED_IN_WORKFLOW_TYPE", Error;
    /// A Task resource is not a valid ARN.
    InvalidResource = "INVALID_RESOURCE", Error;
    /// A required parameter of an optimized service integration (Lambda's `FunctionName`,
    /// DynamoDB's `TableName`...) is missing or empty. AWS's ValidateStateMachineDefinition
    /// reports a missing one under this code name; an empty one (`""`) only fails at run time,
    /// and is reported here too so that a new state's blanks are not called valid.
    RequiredParameter = "SCHEMA_VALIDATION_FAILED", Error;
    /// The definition holds deploy-time `${...}` placeholders (listed once, with their pointers).
    Placeholders = "PLACEHOLDERS", Info;
    /// A substitution value cannot stand where its placeholder is (a bare placeholder whose value
    /// is not JSON).
    InvalidSubstitution = "INVALID_SUBSTITUTION", Error;
    /// A substitution was given for a name no placeholder uses (a typo, or a stale value).
    UnusedSubstitution = "UNUSED_SUBSTITUTION", Warning;
    /// A template gives a placeholder a value that cannot be worked out without deploying (an
    /// intrinsic function of a resource Stepcraft cannot stand in for).
    UnresolvedSubstitution = "UNRESOLVED_SUBSTITUTION", Warning;
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem: what (code, message), how bad (severity) and where (pointer, line:column).
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// What kind of problem.
    pub code: Code,
    /// How bad it is.
    pub severity: Severity,
    /// Where, as a JSON pointer into the definition.
    pub pointer: Pointer,
    /// Where, in the source text, when known.
    pub location: Option<Location>,
    /// One plain-language sentence saying what is wrong and, where it helps, what to do.
    pub message: String,
}

impl Diagnostic {
    /// A diagnostic with the code's usual severity and no location yet.
    pub fn new(code: Code, pointer: Pointer, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: code.severity(),
            pointer,
            location: None,
            message: message.into(),
        }
    }

    /// Whether the diagnostic is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics collected by a pass, in the order found.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, code: Code, pointer: Pointer, message: impl Into<String>) {
        self.0.push(Diagnostic::new(code, pointer, message));
    }
}
