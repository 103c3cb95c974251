//! Evaluating intrinsic functions, with AWS's argument checks.
//!
//! Behaviour follows executions recorded on AWS where the documentation is silent: `MathAdd`
//! rounds each argument half up (as Java's `Math.round`), `Format` prints objects and arrays the
//! way Java's `toString` does (`{a=1, b=[]}`), `StringToJson("")` is `null`, `StringSplit` splits
//! on every character of the delimiter and drops empty pieces, `ArrayRange` includes its end.

use super::env::Env;
use super::intrinsic::{Arg, Call, Function};
use crate::value::{ObjectMap, Val};
use base64::Engine as _;
use std::fmt::Write as _;

/// Why an intrinsic call failed (raised as `States.IntrinsicFailure`, or `States.Runtime` for a
/// path that finds nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// An argument does not fit the function.
    Intrinsic(String),
    /// A path argument found nothing.
    Path(String),
}

/// The most items `States.ArrayRange` may produce.
pub const MAX_RANGE_ITEMS: usize = 1000;
/// The longest input `Base64Encode`, `Base64Decode` and `Hash` accept, in characters.
pub const MAX_ENCODE_CHARS: usize = 10_000;

/// A source of randomness for `MathRandom` (unseeded) and `UUID`; seeded in tests and replays.
pub trait Random {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;
}

/// SplitMix64: small, fast and good enough for jitter, UUIDs and MathRandom.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl Random for SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A random version-4 UUID.
pub fn uuid(rng: &mut dyn Random) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    let hi = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let lo = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xFFFF,
        hi & 0xFFFF,
        lo >> 48,
        lo & 0xFFFF_FFFF_FFFF
    )
}

fn fail<T>(message: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Intrinsic(message.into()))
}

impl Call {
    /// Evaluates the call.
    pub fn eval(&self, env: &Env<'_>, rng: &mut dyn Random) -> Result<Val, CallError> {
        // Most calls take a few arguments: they are evaluated into a buffer on the stack.
        const ON_STACK: usize = 4;
        let n = self.args.len();
        if n <= ON_STACK {
            let mut args: [Val; ON_STACK] = Default::default();
            for (slot, arg) in args.iter_mut().zip(&self.args) {
                *slot = arg.eval(env, rng)?;
            }
            apply(self.function, &args[..n], rng)
        } else {
            let args = self
                .args
                .iter()
                .map(|a| a.eval(env, rng))
                .collect::<Result<Vec<_>, _>>()?;
            apply(self.function, &args, rng)
        }
    }
}

impl Arg {
    fn eval(&self, env: &Env<'_>, rng: &mut dyn Random) -> Result<Val, CallError> {
        Ok(match self {
            Self::String(s) => Val::String(s.clone()),
            Self::Number(n) => Val::Number(n.clone()),
            Self::Bool(b) => Val::Bool(*b),
            Self::Null => Val::Null,
            Self::Path(p) => env.resolve(p).map_err(|e| CallError::Path(e.message))?,
            Self::Call(c) => c.eval(env, rng)?,
        })
    }
}

fn integer(v: &Val, function: Function, what: &str) -> Result<i64, CallError> {
    match v.as_f64() {
        // Java's Math.round: half up.
        Some(f) if f.is_finite() => Ok((f + 0.5).floor() as i64),
        _ => fail(format!(
            "The {what} argument of {} must be a number, not {v}",
            function.name()
        )),
    }
}

fn string_arg<'v>(v: &'v Val, function: Function, what: &str) -> Result<&'v str, CallError> {
    v.as_str().ok_or_else(|| {
        CallError::Intrinsic(format!(
            "The {what} argument of {} must be a string, not {v}",
            function.name()
        ))
    })
}

fn array_arg<'v>(v: &'v Val, function: Function, what: &str) -> Result<&'v [Val], CallError> {
    v.as_array().ok_or_else(|| {
        CallError::Intrinsic(format!(
            "The {what} argument of {} must be an array, not {v}",
            function.name()
        ))
    })
}

fn apply(f: Function, args: &[Val], rng: &mut dyn Random) -> Result<Val, CallError> {
    Ok(match f {
        Function::Format => {
            let template = string_arg(&args[0], f, "first")?;
            format(template, &args[1..])?
        }
        Function::StringToJson => {
            let s = string_arg(&args[0], f, "first")?;
            if s.trim().is_empty() {
                Val::Null
            } else {
                let v: serde_json::Value = serde_json::from_str(s).map_err(|e| {
                    CallError::Intrinsic(format!(
                        "{} could not parse {s:?}: {e}",
                        Function::StringToJson.name()
                    ))
                })?;
                Val::from(&v)
            }
        }
        Function::JsonToString => Val::string(&args[0].to_json_string()),
        Function::Array => Val::array(args.to_vec()),
        Function::ArrayPartition => {
            let items = array_arg(&args[0], f, "first")?;
            let size = integer(&args[1], f, "second")?;
            if size <= 0 {
                return fail("The chunk size of States.ArrayPartition must be greater than 0");
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Val::array(items.chunks(size).map(|c| Val::array(c.to_vec())).collect())
        }
        Function::ArrayContains => {
            let items = array_arg(&args[0], f, "first")?;
            Val::Bool(items.iter().any(|v| v.json_eq(&args[1])))
        }
        Function::ArrayRange => {
            let start = integer(&args[0], f, "first")?;
            let end = integer(&args[1], f, "second")?;
            let step = integer(&args[2], f, "third")?;
            if step == 0 {
                return fail("The step of States.ArrayRange cannot be 0");
            }
            let count = if (step > 0 && end < start) || (step < 0 && end > start) {
                0
            } else {
                (end - start) / step + 1
            };
            if count > MAX_RANGE_ITEMS as i64 {
                return fail(format!(
                    "{} would produce {count} items; at most {MAX_RANGE_ITEMS} are allowed",
                    Function::ArrayRange.name()
                ));
            }
            Val::array((0..count).map(|i| Val::int(start + i * step)).collect())
        }
        Function::ArrayGetItem => {
            let items = array_arg(&args[0], f, "first")?;
            let index = integer(&args[1], f, "second")?;
            usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| {
                    CallError::Intrinsic(format!(
                        "The index {index} is out of bounds for an array of {} items",
                        items.len()
                    ))
                })?
        }
        Function::ArrayLength => {
            Val::int(i64::try_from(array_arg(&args[0], f, "first")?.len()).unwrap_or(i64::MAX))
        }
        Function::ArrayUnique => {
            let items = array_arg(&args[0], f, "first")?;
            let mut out: Vec<Val> = Vec::new();
            for v in items {
                if !out.iter().any(|o| o.json_eq(v)) {
                    out.push(v.clone());
                }
            }
            Val::array(out)
        }
        Function::Base64Encode => {
            let s = string_arg(&args[0], f, "first")?;
            limit(s, f)?;
            Val::string(&base64::engine::general_purpose::STANDARD.encode(s.as_bytes()))
        }
        Function::Base64Decode => {
            let s = string_arg(&args[0], f, "first")?;
            limit(s, f)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| {
                    CallError::Intrinsic(format!(
                        "{} could not decode the input: {e}",
                        Function::Base64Decode.name()
                    ))
                })?;
            Val::string(&String::from_utf8_lossy(&bytes))
        }
        Function::Hash => {
            let data = match &args[0] {
                Val::String(s) => s.to_string(),
                other => other.to_json_string(),
            };
            limit(&data, f)?;
            let algorithm = string_arg(&args[1], f, "second")?;
            Val::string(&hash_hex(data.as_bytes(), algorithm).map_err(CallError::Intrinsic)?)
        }
        Function::JsonMerge => {
            let (Some(a), Some(b)) = (args[0].as_object(), args[1].as_object()) else {
                return fail("The first two arguments of States.JsonMerge must be objects");
            };
            match &args[2] {
                Val::Bool(false) => {}
                Val::Bool(true) => {
                    return fail(format!(
                        "{} supports only a shallow merge: the third argument must be false",
                        Function::JsonMerge.name()
                    ));
                }
                _ => return fail("The third argument of States.JsonMerge must be a boolean"),
            }
            let mut merged: ObjectMap = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            Val::object(merged)
        }
        Function::MathRandom => {
            let start = integer(&args[0], f, "first")?;
            let end = integer(&args[1], f, "second")?;
            if end <= start {
                return fail("The end of States.MathRandom must be greater than its start");
            }
            let span = u64::try_from(end - start).unwrap_or(1);
            let bits = match args.get(2) {
                Some(seed) => {
                    let seed = integer(seed, f, "third")?;
                    SplitMix(seed as u64).next_u64()
                }
                None => rng.next_u64(),
            };
            Val::int(start + i64::try_from(bits % span).unwrap_or(0))
        }
        Function::MathAdd => {
            let a = integer(&args[0], f, "first")?;
            let b = integer(&args[1], f, "second")?;
            Val::int(a.checked_add(b).ok_or_else(|| {
                CallError::Intrinsic(format!("{} overflowed", Function::MathAdd.name()))
            })?)
        }
        Function::StringSplit => {
            let s = string_arg(&args[0], f, "first")?;
            let delimiters = string_arg(&args[1], f, "second")?;
            let pieces: Vec<Val> = if delimiters.is_empty() {
                vec![Val::string(s)]
            } else {
                s.split(|c| delimiters.contains(c))
                    .filter(|p| !p.is_empty())
                    .map(Val::string)
                    .collect()
            };
            Val::array(pieces)
        }
        Function::Uuid => Val::string(&uuid(rng)),
    })
}

fn limit(s: &str, f: Function) -> Result<(), CallError> {
    if s.chars().count() > MAX_ENCODE_CHARS {
        return fail(format!(
            "The input of {} is longer than {MAX_ENCODE_CHARS} characters",
            f.name()
        ));
    }
    Ok(())
}

/// The lowercase hex digest of `data` (MD5, SHA-1, SHA-256, SHA-384 or SHA-512), for
/// `States.Hash` and JSONata's `$hash`.
pub fn hash_hex(data: &[u8], algorithm: &str) -> Result<String, String> {
    use sha2::Digest;
    fn hex(bytes: &[u8]) -> String {
        bytes
            .iter()
            .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            })
    }
    Ok(match algorithm {
        "MD5" => hex(&md5::Md5::digest(data)),
        "SHA-1" => hex(&sha1::Sha1::digest(data)),
        "SHA-256" => hex(&sha2::Sha256::digest(data)),
        "SHA-384" => hex(&sha2::Sha384::digest(data)),
        "SHA-512" => hex(&sha2::Sha512::digest(data)),
        other => {
            return Err(format!(
                "The hash algorithm {other:?} is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
            ));
        }
    })
}

/// `States.Format`: `{}` takes the next argument; `\{` and `\}` are literal braces.
fn format(template: &str, args: &[Val]) -> Result<Val, CallError> {
    let mut out = String::with_capacity(template.len());
    let mut next = args.iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                let Some(arg) = next.next() else {
                    return fail(format!(
                        "{} has more {{}} placeholders than arguments",
                        Function::Format.name()
                    ));
                };
                java_string(arg, &mut out);
            }
            c => out.push(c),
        }
    }
    if next.next().is_some() {
        return fail(format!(
            "{} has more arguments than {{}} placeholders",
            Function::Format.name()
        ));
    }
    Ok(Val::string(&out))
}

/// How a value prints inside `States.Format` (Java's `toString` of the parsed JSON).
fn java_string(v: &Val, out: &mut String) {
    match v {
        Val::String(s) => out.push_str(s),
        Val::Array(a) => {
            out.push('[');
            for (i, item) in a.items().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                java_string(item, out);
            }
            out.push(']');
        }
        Val::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.map().iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                java_string(item, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_json_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::env::NoVariables;
    use serde_json::json;

    fn run(call: &str, input: serde_json::Value) -> Result<serde_json::Value, CallError> {
        let input = Val::from(input);
        let context = Val::Null;
        let env = Env {
            input: &input,
            context: &context,
            variables: &NoVariables,
        };
        Call::parse(call)
            .unwrap()
            .eval(&env, &mut SplitMix(7))
            .map(|v| v.to_value())
    }

    #[test]
    fn functions_as_recorded_on_aws() {
        let cases = [
            (
                "States.Format('a {} b {}', $.x, $.y)",
                json!({"x": {"A": 1, "B": []}, "y": null}),
                json!("a {A=1, B=[]} b null"),
            ),
            ("States.Format('\\{{}\\}', 1)", json!({}), json!("{1}")),
            ("States.StringToJson($.s)", json!({"s": ""}), json!(null)),
            (
                "States.StringToJson($.s)",
                json!({"s": "{\"a\": [1]}"}),
                json!({"a": [1]}),
            ),
            (
                "States.JsonToString($)",
                json!({"a": [1, "x"]}),
                json!("{\"a\":[1,\"x\"]}"),
            ),
            (
                "States.ArrayPartition($.a, 2)",
                json!({"a": [0, 1, 2]}),
                json!([[0, 1], [2]]),
            ),
            (
                "States.ArrayContains($.a, 2)",
                json!({"a": [1, 2]}),
                json!(true),
            ),
            ("States.ArrayRange(0, 9, 3)", json!({}), json!([0, 3, 6, 9])),
            ("States.ArrayRange(5, 1, -2)", json!({}), json!([5, 3, 1])),
            (
                "States.ArrayGetItem($.a, 1)",
                json!({"a": [1, 2]}),
                json!(2),
            ),
            ("States.ArrayLength($.a)", json!({"a": [1, 2, 3]}), json!(3)),
            (
                "States.ArrayUnique($.a)",
                json!({"a": [1, 2, 1, 1.0, "1"]}),
                json!([1, 2, "1"]),
            ),
            (
                "States.Base64Encode('Data to encode')",
                json!({}),
                json!("RGF0YSB0byBlbmNvZGU="),
            ),
            (
                "States.Base64Decode('RGF0YSB0byBlbmNvZGU=')",
                json!({}),
                json!("Data to encode"),
            ),
            (
                "States.Hash('input data', 'MD5')",
                json!({}),
                json!("812f45842bc6d66ee14572ce20db8e86"),
            ),
            (
                "States.JsonMerge($.a, $.b, false)",
                json!({"a": {"x": 1, "y": 1}, "b": {"y": 2}}),
                json!({"x": 1, "y": 2}),
            ),
            (
                "States.MathAdd($.a, $.b)",
                json!({"a": 1.49, "b": 1.5}),
                json!(3),
            ),
            (
                "States.MathAdd($.a, $.b)",
                json!({"a": -0.5, "b": 0.5}),
                json!(1),
            ),
            (
                "States.StringSplit($.s, ',')",
                json!({"s": "a,,b, c"}),
                json!(["a", "b", " c"]),
            ),
            (
                "States.Array($.a, 'x', States.MathAdd(1, 2))",
                json!({"a": null}),
                json!([null, "x", 3]),
            ),
        ];
        for (call, input, want) in cases {
            assert_eq!(
                run(call, input).unwrap_or_else(|e| panic!("{call}: {e:?}")),
                want,
                "{call}"
            );
        }
    }

    #[test]
    fn failures() {
        for (call, input) in [
            ("States.ArrayPartition($.a, 0)", json!({"a": [1]})),
            ("States.ArrayRange(0, 2000, 1)", json!({})),
            ("States.ArrayGetItem($.a, 5)", json!({"a": [1]})),
            ("States.Hash('x', 'SHA-3')", json!({})),
            ("States.JsonMerge($.a, $.a, true)", json!({"a": {}})),
            ("States.Format('{}')", json!({})),
            ("States.MathAdd('a', 1)", json!({})),
        ] {
            assert!(
                matches!(run(call, input.clone()), Err(CallError::Intrinsic(_))),
                "{call}"
            );
        }
        assert!(matches!(
            run("States.ArrayLength($.missing)", json!({})),
            Err(CallError::Path(_))
        ));
    }

    #[test]
    fn math_random_is_seedable_and_in_range() {
        let a = run("States.MathRandom(1, 10, 42)", json!({})).unwrap();
        let b = run("States.MathRandom(1, 10, 42)", json!({})).unwrap();
        assert_eq!(a, b);
        let n = a.as_i64().unwrap();
        assert!((1..10).contains(&n));
        let u = run("States.UUID()", json!({})).unwrap();
        let u = u.as_str().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
