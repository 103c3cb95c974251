//! Evaluating Choice rules as AWS does: a comparison of the wrong type is simply false, and
//! `IsPresent: false` / `IsNull: false` match an absent / non-null value.

use super::compile::{Rule, RuleOperand};
use crate::expr::env::Env;
use crate::history::parse_timestamp;
use crate::model::Operator;
use crate::value::{Val, numbers_equal};
use std::cmp::Ordering;

/// Why a rule could not be evaluated (raised as `States.Runtime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    /// The path as written.
    pub path: String,
    /// What the path lookup said.
    pub message: String,
}

/// Whether the rule matches.
pub fn matches(rule: &Rule, env: &Env<'_>) -> Result<bool, RuleError> {
    match rule {
        Rule::And(rules) => {
            for r in rules {
                if !matches(r, env)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        Rule::Or(rules) => {
            for r in rules {
                if matches(r, env)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Rule::Not(inner) => Ok(!matches(inner, env)?),
        Rule::Compare {
            variable,
            operator,
            operand,
        } => {
            if *operator == Operator::IsPresent {
                let want = matches!(operand, RuleOperand::Value(Val::Bool(true)));
                return Ok(env.exists(variable) == want);
            }
            let value = env.resolve(variable).map_err(|e| RuleError {
                path: super::template::path_text(variable),
                message: e.message,
            })?;
            let operand = match operand {
                RuleOperand::Value(v) => v.clone(),
                RuleOperand::Path(p) => env.resolve(p).map_err(|e| RuleError {
                    path: super::template::path_text(p),
                    message: e.message,
                })?,
            };
            Ok(compare(&value, *operator, &operand))
        }
    }
}

fn utf16_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

fn number_cmp(a: &Val, b: &Val) -> Option<Ordering> {
    let (Val::Number(x), Val::Number(y)) = (a, b) else {
        return None;
    };
    if numbers_equal(x, y) {
        return Some(Ordering::Equal);
    }
    x.as_f64()?.partial_cmp(&y.as_f64()?)
}

fn timestamp_cmp(a: &Val, b: &Val) -> Option<Ordering> {
    let x = parse_timestamp(a.as_str()?)?;
    let y = parse_timestamp(b.as_str()?)?;
    Some(x.cmp(&y))
}

fn string_cmp(a: &Val, b: &Val) -> Option<Ordering> {
    Some(utf16_cmp(a.as_str()?, b.as_str()?))
}

/// Applies one comparison operator.
pub fn compare(value: &Val, operator: Operator, operand: &Val) -> bool {
    use Operator as O;
    let want = |o: Option<Ordering>, accept: &[Ordering]| o.is_some_and(|o| accept.contains(&o));
    let flag = matches!(operand, Val::Bool(true));
    match operator {
        O::StringEquals | O::StringEqualsPath => {
            want(string_cmp(value, operand), &[Ordering::Equal])
        }
        O::StringLessThan | O::StringLessThanPath => {
            want(string_cmp(value, operand), &[Ordering::Less])
        }
        O::StringGreaterThan | O::StringGreaterThanPath => {
            want(string_cmp(value, operand), &[Ordering::Greater])
        }
        O::StringLessThanEquals | O::StringLessThanEqualsPath => want(
            string_cmp(value, operand),
            &[Ordering::Less, Ordering::Equal],
        ),
        O::StringGreaterThanEquals | O::StringGreaterThanEqualsPath => want(
            string_cmp(value, operand),
            &[Ordering::Greater, Ordering::Equal],
        ),
        O::StringMatches => match (value.as_str(), operand.as_str()) {
            (Some(s), Some(pattern)) => string_matches(s, pattern),
            _ => false,
        },
        O::NumericEquals | O::NumericEqualsPath => {
            want(number_cmp(value, operand), &[Ordering::Equal])
        }
        O::NumericLessThan | O::NumericLessThanPath => {
            want(number_cmp(value, operand), &[Ordering::Less])
        }
        O::NumericGreaterThan | O::NumericGreaterThanPath => {
            want(number_cmp(value, operand), &[Ordering::Greater])
        }
        O::NumericLessThanEquals | O::NumericLessThanEqualsPath => want(
            number_cmp(value, operand),
            &[Ordering::Less, Ordering::Equal],
        ),
        O::NumericGreaterThanEquals | O::NumericGreaterThanEqualsPath => want(
            number_cmp(value, operand),
            &[Ordering::Greater, Ordering::Equal],
        ),
        O::BooleanEquals | O::BooleanEqualsPath => {
            matches!((value, operand), (Val::Bool(a), Val::Bool(b)) if a == b)
        }
        O::TimestampEquals | O::TimestampEqualsPath => {
            want(timestamp_cmp(value, operand), &[Ordering::Equal])
        }
        O::TimestampLessThan | O::TimestampLessThanPath => {
            want(timestamp_cmp(value, operand), &[Ordering::Less])
        }
        O::TimestampGreaterThan | O::TimestampGreaterThanPath => {
            want(timestamp_cmp(value, operand), &[Ordering::Greater])
        }
        O::TimestampLessThanEquals | O::TimestampLessThanEqualsPath => want(
            timestamp_cmp(value, operand),
            &[Ordering::Less, Ordering::Equal],
        ),
        O::TimestampGreaterThanEquals | O::TimestampGreaterThanEqualsPath => want(
            timestamp_cmp(value, operand),
            &[Ordering::Greater, Ordering::Equal],
        ),
        O::IsNull => matches!(value, Val::Null) == flag,
        O::IsNumeric => matches!(value, Val::Number(_)) == flag,
        O::IsString => matches!(value, Val::String(_)) == flag,
        O::IsBoolean => matches!(value, Val::Bool(_)) == flag,
        O::IsTimestamp => value.as_str().and_then(parse_timestamp).is_some() == flag,
        O::IsPresent => flag,
    }
}

/// `StringMatches`: `*` matches any run of characters; `\*` and `\\` are a literal star and
/// backslash.
pub fn string_matches(s: &str, pattern: &str) -> bool {
    #[derive(PartialEq)]
    enum Tok {
        Star,
        Char(char),
    }
    let mut toks = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => toks.push(Tok::Char(chars.next().unwrap_or('\\'))),
            '*' => toks.push(Tok::Star),
            c => toks.push(Tok::Char(c)),
        }
    }
    let text: Vec<char> = s.chars().collect();
    // Greedy matching with backtracking to the last star: linear in practice.
    let (mut t, mut p) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Tok::Char(c)) if *c == text[t] => {
                t += 1;
                p += 1;
            }
            Some(Tok::Star) => {
                star = Some((p, t));
                p += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[p..].iter().all(|tok| *tok == Tok::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        for (s, p, want) in [
            ("log-2024.txt", "log-*.txt", true),
            ("log.txt", "*.txt", true),
            ("a*b", "a\\*b", true),
            ("axb", "a\\*b", false),
            ("", "*", true),
            ("abc", "a*c*", true),
            ("abc", "b*", false),
            ("a\\b", "a\\\\b", true),
        ] {
            assert_eq!(string_matches(s, p), want, "{s} ~ {p}");
        }
    }

    #[test]
    fn comparisons_of_the_wrong_type_are_false() {
        assert!(!compare(
            &Val::string("1"),
            Operator::NumericEquals,
            &Val::int(1)
        ));
        assert!(compare(
            &Val::float(1.0),
            Operator::NumericEquals,
            &Val::int(1)
        ));
        assert!(compare(&Val::int(1), Operator::IsNull, &Val::Bool(false)));
        assert!(compare(
            &Val::string("2026-01-01T00:00:00Z"),
            Operator::TimestampLessThan,
            &Val::string("2026-01-02T00:00:00Z")
        ));
        assert!(compare(
            &Val::string("b"),
            Operator::StringGreaterThan,
            &Val::string("a")
        ));
    }
}
