//! The Choice state: rules, comparison operators and the default branch.

use super::StateName;
use super::read::{Reader, type_name};
use crate::diag::Code;
use crate::pointer::Pointer;
use serde_json::{Map, Value};

/// What a comparison operator's operand must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// A string.
    String,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A timestamp string (RFC 3339).
    Timestamp,
    /// A reference path to the value to compare with.
    Path,
}

macro_rules! operators {
    ($( $variant:ident = $name:literal, $operand:ident; )*) => {
        /// Every comparison operator of a Choice rule.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Operator {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }

        impl Operator {
            /// Every operator.
            pub const ALL: &'static [Operator] = &[$(Operator::$variant,)*];

            /// The field name of the operator.
            pub fn name(self) -> &'static str {
                match self { $(Operator::$variant => $name,)* }
            }

            /// What the operand must be.
            pub fn operand(self) -> Operand {
                match self { $(Operator::$variant => Operand::$operand,)* }
            }

            /// Looks an operator up by field name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Operator::$variant),)* _ => None }
            }
        }
    };
}

operators! {
    StringEquals = "StringEquals", String;
    StringEqualsPath = "StringEqualsPath", Path;
    StringLessThan = "StringLessThan", String;
    StringLessThanPath = "StringLessThanPath", Path;
    StringGreaterThan = "StringGreaterThan", String;
    StringGreaterThanPath = "StringGreaterThanPath", Path;
    StringLessThanEquals = "StringLessThanEquals", String;
    StringLessThanEqualsPath = "StringLessThanEqualsPath", Path;
    StringGreaterThanEquals = "StringGreaterThanEquals", String;
    StringGreaterThanEqualsPath = "StringGreaterThanEqualsPath", Path;
    StringMatches = "StringMatches", String;
    NumericEquals = "NumericEquals", Number;
    NumericEqualsPath = "NumericEqualsPath", Path;
    NumericLessThan = "NumericLessThan", Number;
    NumericLessThanPath = "NumericLessThanPath", Path;
    NumericGreaterThan = "NumericGreaterThan", Number;
    NumericGreaterThanPath = "NumericGreaterThanPath", Path;
    NumericLessThanEquals = "NumericLessThanEquals", Number;
    NumericLessThanEqualsPath = "NumericLessThanEqualsPath", Path;
    NumericGreaterThanEquals = "NumericGreaterThanEquals", Number;
    NumericGreaterThanEqualsPath = "NumericGreaterThanEqualsPath", Path;
    BooleanEquals = "BooleanEquals", Boolean;
    BooleanEqualsPath = "BooleanEqualsPath", Path;
    TimestampEquals = "TimestampEquals", Timestamp;
    TimestampEqualsPath = "TimestampEqualsPath", Path;
    TimestampLessThan = "TimestampLessThan", Timestamp;
    TimestampLessThanPath = "TimestampLessThanPath", Path;
    TimestampGreaterThan = "TimestampGreaterThan", Timestamp;
    TimestampGreaterThanPath = "TimestampGreaterThanPath", Path;
    TimestampLessThanEquals = "TimestampLessThanEquals", Timestamp;
    TimestampLessThanEqualsPath = "TimestampLessThanEqualsPath", Path;
    TimestampGreaterThanEquals = "TimestampGreaterThanEquals", Timestamp;
    TimestampGreaterThanEqualsPath = "TimestampGreaterThanEqualsPath", Path;
    IsNull = "IsNull", Boolean;
    IsPresent = "IsPresent", Boolean;
    IsNumeric = "IsNumeric", Boolean;
    IsString = "IsString", Boolean;
    IsBoolean = "IsBoolean", Boolean;
    IsTimestamp = "IsTimestamp", Boolean;
}

/// The kind of value an operator tests, as a form groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OperatorGroup {
    /// String comparisons and StringMatches.
    Text,
    /// Numeric comparisons.
    Number,
    /// BooleanEquals.
    Boolean,
    /// Timestamp comparisons.
    Timestamp,
    /// IsNull, IsPresent and the Is<Type> checks.
    TypeCheck,
}

impl OperatorGroup {
    /// Every group, in the order a form lists them.
    pub const ALL: [OperatorGroup; 5] = [
        Self::Text,
        Self::Number,
        Self::Boolean,
        Self::Timestamp,
        Self::TypeCheck,
    ];

    /// Its heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::Text => "Text",
            Self::Number => "Number",
            Self::Boolean => "Boolean",
            Self::Timestamp => "Timestamp",
            Self::TypeCheck => "Type checks",
        }
    }
}

impl Operator {
    /// The kind of value it tests.
    pub fn group(self) -> OperatorGroup {
        let name = self.name();
        if name.starts_with("String") {
            OperatorGroup::Text
        } else if name.starts_with("Numeric") {
            OperatorGroup::Number
        } else if name.starts_with("Boolean") {
            OperatorGroup::Boolean
        } else if name.starts_with("Timestamp") {
            OperatorGroup::Timestamp
        } else {
            OperatorGroup::TypeCheck
        }
    }

    /// Whether it compares with the value at a path (`...Path`).
    pub fn is_path(self) -> bool {
        self.operand() == Operand::Path
    }

    /// The operator with (or without) its `...Path` form: `NumericEquals` and
    /// `NumericEqualsPath` are one comparison, against a value or a path. `None` where there is
    /// no such form (StringMatches and the type checks take no path).
    pub fn with_path(self, path: bool) -> Option<Self> {
        let base = self.name().strip_suffix("Path").unwrap_or(self.name());
        if path {
            Self::from_name(&format!("{base}Path"))
        } else {
            Self::from_name(base)
        }
    }

    /// The comparison in plain words, for a form: "is greater than or equal to".
    pub fn label(self) -> &'static str {
        let name = self.name();
        let base = name.strip_suffix("Path").unwrap_or(name);
        match base {
            "StringMatches" => "matches the pattern",
            "IsNull" => "is null",
            "IsPresent" => "is present",
            "IsNumeric" => "is a number",
            "IsString" => "is a string",
            "IsBoolean" => "is a boolean",
            "IsTimestamp" => "is a timestamp",
            b if b.ends_with("GreaterThanEquals") => "is greater than or equal to",
            b if b.ends_with("LessThanEquals") => "is less than or equal to",
            b if b.ends_with("GreaterThan") => "is greater than",
            b if b.ends_with("LessThan") => "is less than",
            _ => "is equal to",
        }
    }
}

/// The test a Choice rule makes.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// `Variable` compared by one operator (JSONPath).
    Compare {
        /// The path of the value to test.
        variable: String,
        /// The operator.
        operator: Operator,
        /// The operand, as written.
        operand: Value,
    },
    /// All nested rules match.
    And(Vec<ChoiceRule>),
    /// Any nested rule matches.
    Or(Vec<ChoiceRule>),
    /// The nested rule does not match.
    Not(Box<ChoiceRule>),
    /// A JSONata `Condition` (a `{% %}` string, or a literal boolean).
    Jsonata(Value),
    /// The rule is malformed; its diagnostics say why.
    Invalid,
}

/// A Choice rule: a condition, and at the top level the state it leads to.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceRule {
    /// Where the rule is.
    pub pointer: Pointer,
    /// What it tests.
    pub condition: Condition,
    /// Where it leads (top-level rules only).
    pub next: Option<StateName>,
    /// Variables to set when it matches (top-level rules only).
    pub assign: Option<Value>,
    /// The output when it matches (JSONata, top-level rules only).
    pub output: Option<Value>,
    /// Free text.
    pub comment: Option<String>,
    /// Whether the rule sits inside And/Or/Not.
    pub nested: bool,
}

/// A Choice state.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Choice {
    /// The rules, tried in order.
    pub choices: Vec<ChoiceRule>,
    /// Where to go when no rule matches.
    pub default: Option<StateName>,
}

pub(crate) fn read(r: &mut Reader<'_>) -> Choice {
    let mut choices = Vec::new();
    if let Some(items) = r.array("Choices") {
        if items.is_empty() {
            r.diags.push(
                Code::InvalidValue,
                r.pointer.key("Choices"),
                "Choices is empty: add at least one rule.",
            );
        }
        for (i, item) in items.iter().enumerate() {
            let pointer = r.pointer.key("Choices").index(i);
            choices.push(read_rule(r, item, pointer, false));
        }
    }
    Choice {
        choices,
        default: r.string("Default").map(StateName),
    }
}

fn read_rule(r: &mut Reader<'_>, item: &Value, pointer: Pointer, nested: bool) -> ChoiceRule {
    let invalid = |pointer: Pointer| ChoiceRule {
        pointer,
        condition: Condition::Invalid,
        next: None,
        assign: None,
        output: None,
        comment: None,
        nested,
    };
    let Value::Object(obj) = item else {
        r.diags.push(
            Code::WrongType,
            pointer.clone(),
            format!("A Choice rule must be an object, not {}.", type_name(item)),
        );
        return invalid(pointer);
    };
    let mut rr = Reader::new(obj, pointer.clone(), r.diags);
    let condition = read_condition(&mut rr, obj, &pointer);
    let known: Vec<&str> = [
        "Variable",
        "Next",
        "Assign",
        "Output",
        "Comment",
        "Condition",
        "And",
        "Or",
        "Not",
    ]
    .into_iter()
    .chain(Operator::ALL.iter().map(|o| o.name()))
    .collect();
    rr.unknown_fields(&known, "a Choice rule");
    if !nested && !obj.contains_key("Next") {
        rr.diags.push(
            Code::InvalidChoiceRule,
            pointer.clone(),
            "This Choice rule has no Next: name the state to go to when it matches.",
        );
    }
    ChoiceRule {
        next: rr.string("Next").map(StateName),
        assign: rr.value("Assign"),
        output: rr.value("Output"),
        comment: rr.string("Comment"),
        pointer,
        condition,
        nested,
    }
}

fn read_condition(r: &mut Reader<'_>, obj: &Map<String, Value>, pointer: &Pointer) -> Condition {
    let operators: Vec<(Operator, &Value)> = obj
        .iter()
        .filter_map(|(k, v)| Operator::from_name(k).map(|o| (o, v)))
        .collect();
    let combinators: Vec<&str> = ["And", "Or", "Not", "Condition"]
        .into_iter()
        .filter(|k| obj.contains_key(*k))
        .collect();
    let kinds = operators.len() + combinators.len();
    if kinds == 0 {
        r.diags.push(
            Code::InvalidChoiceRule,
            pointer.clone(),
            "This Choice rule has no test: add a comparison such as \"StringEquals\" with a \"Variable\", an And/Or/Not, or a JSONata \"Condition\".",
        );
        return Condition::Invalid;
    }
    if kinds > 1 {
        let names: Vec<&str> = operators
            .iter()
            .map(|(o, _)| o.name())
            .chain(combinators.iter().copied())
            .collect();
        r.diags.push(
            Code::InvalidChoiceRule,
            pointer.clone(),
            format!(
                "A Choice rule makes exactly one test, but this one has {}: split it into separate rules or combine them with And/Or.",
                names.join(", ")
            ),
        );
        return Condition::Invalid;
    }
    if let Some(&(operator, operand)) = operators.first() {
        let variable = match obj.get("Variable") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                r.wrong_type("Variable", "a path string");
                return Condition::Invalid;
            }
            None => {
                r.diags.push(
                    Code::InvalidChoiceRule,
                    pointer.clone(),
                    format!(
                        "A rule with {} needs a \"Variable\": the path of the value to test.",
                        operator.name()
                    ),
                );
                return Condition::Invalid;
            }
        };
        return Condition::Compare {
            variable,
            operator,
            operand: operand.clone(),
        };
    }
    if obj.contains_key("Variable") {
        r.diags.push(
            Code::InvalidChoiceRule,
            pointer.key("Variable"),
            "\"Variable\" goes with a comparison operator, not with And/Or/Not or Condition.",
        );
    }
    match combinators[0] {
        "Condition" => Condition::Jsonata(obj.get("Condition").cloned().unwrap_or(Value::Null)),
        "Not" => {
            let p = pointer.key("Not");
            match obj.get("Not") {
                Some(inner @ Value::Object(_)) => {
                    Condition::Not(Box::new(read_rule(r, inner, p, true)))
                }
                _ => {
                    r.wrong_type("Not", "one Choice rule (an object)");
                    Condition::Invalid
                }
            }
        }
        key => {
            let p = pointer.key(key);
            match obj.get(key) {
                Some(Value::Array(items)) if !items.is_empty() => {
                    let rules = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| read_rule(r, item, p.index(i), true))
                        .collect();
                    if key == "And" {
                        Condition::And(rules)
                    } else {
                        Condition::Or(rules)
                    }
                }
                Some(Value::Array(_)) => {
                    r.diags.push(
                        Code::InvalidChoiceRule,
                        p,
                        format!("{key} needs at least one rule."),
                    );
                    Condition::Invalid
                }
                _ => {
                    r.wrong_type(key, "an array of Choice rules");
                    Condition::Invalid
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_group_name_and_pair_with_their_path_forms() {
        let mut labels = std::collections::HashSet::new();
        for op in Operator::ALL {
            // Every operator is reached from its group and label, with or without a path.
            let base = op.with_path(false).expect("a base form");
            assert_eq!(base.with_path(op.is_path()), Some(*op), "{op:?}");
            assert_eq!(op.group(), base.group());
            assert_eq!(op.label(), base.label());
            labels.insert((op.group(), op.label(), op.is_path()));
        }
        assert_eq!(
            labels.len(),
            Operator::ALL.len(),
            "no two share a group, label and path"
        );
        assert_eq!(
            Operator::NumericGreaterThanEquals.label(),
            "is greater than or equal to"
        );
        assert_eq!(
            Operator::NumericLessThan.with_path(true),
            Some(Operator::NumericLessThanPath)
        );
        assert_eq!(Operator::StringMatches.with_path(true), None);
        assert_eq!(Operator::IsPresent.group(), OperatorGroup::TypeCheck);
    }
}
