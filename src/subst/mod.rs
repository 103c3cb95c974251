//! Values for deploy-time placeholders, and putting them into a definition.
//!
//! Values come from, highest precedence first: `--sub Name=Value` flags, a substitutions file
//! (`--subs FILE`, a JSON or YAML map; the studio's sidecar file has the same shape), and the
//! `DefinitionSubstitutions` of a SAM or CloudFormation template ([`template`]). Each layer only
//! fills names the layers above it left open ([`Substitutions::layer`]).
//!
//! Substitution is textual, as the deploy tools do it: `"arn:${Partition}:s3:::x"` becomes
//! `"arn:aws:s3:::x"`. A placeholder that stood bare in the file (`"Max": ${Limit}`) takes its
//! value as JSON text, so `5` becomes the number 5. The document is never changed: substitution
//! makes a new value, for validating or running, and saving keeps the placeholders.

pub mod cfn;
pub mod template;

use crate::diag::{Code, Diagnostic};
use crate::placeholder::{self, Bare};
use crate::pointer::Pointer;
use crate::source::{self, Format};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// Where a substitution value came from, for messages and the studio's Parameters list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A `--sub Name=Value` flag.
    Flag,
    /// A substitutions file (`--subs FILE`, or the studio's sidecar file).
    File(PathBuf),
    /// A template's `DefinitionSubstitutions`: the template file and the state machine's
    /// logical ID. `stand_in` is true when the value was made up from an intrinsic function
    /// (`!GetAtt Fn.Arn`) rather than written literally.
    Template {
        /// The template file.
        path: PathBuf,
        /// The state machine resource's logical ID.
        resource: String,
        /// Whether the value is a well-formed stand-in for something only a deployment knows.
        stand_in: bool,
    },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag => f.write_str("--sub"),
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Template {
                path,
                resource,
                stand_in,
            } => {
                write!(f, "{} ({resource})", path.display())?;
                if *stand_in {
                    f.write_str(", stand-in")?;
                }
                Ok(())
            }
        }
    }
}

/// One placeholder's value and where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Substitution {
    /// A string, number or boolean.
    pub value: Value,
    /// Where it came from.
    pub origin: Origin,
}

impl Substitution {
    /// The text that replaces `${Name}`: a string as it is, anything else as JSON.
    pub fn text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// Placeholder values by name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Substitutions {
    entries: BTreeMap<String, Substitution>,
    /// Names a source meant to give but could not (a template value that cannot be worked out
    /// without deploying), with why; reported only where the definition uses them.
    unresolved: BTreeMap<String, String>,
}

/// A definition with its placeholders filled in, and the problems found doing so.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The definition with every placeholder that has a value replaced.
    pub value: Value,
    /// Bare values that are not JSON, substitutions no placeholder uses.
    pub diagnostics: Vec<Diagnostic>,
}

impl Substitutions {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Sets a value, replacing any earlier one.
    pub fn set(&mut self, name: impl Into<String>, value: Value, origin: Origin) {
        self.entries
            .insert(name.into(), Substitution { value, origin });
    }

    /// The value for `name`.
    pub fn get(&self, name: &str) -> Option<&Substitution> {
        self.entries.get(name)
    }

    /// Every value, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Substitution)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Adds the values of a lower-precedence source for names not set yet.
    pub fn layer(&mut self, lower: Self) {
        for (name, sub) in lower.entries {
            self.unresolved.remove(&name);
            self.entries.entry(name).or_insert(sub);
        }
        for (name, why) in lower.unresolved {
            if !self.entries.contains_key(&name) {
                self.unresolved.entry(name).or_insert(why);
            }
        }
    }

    /// Notes that a source could not give a value for `name`, and why.
    pub fn set_unresolved(&mut self, name: impl Into<String>, why: impl Into<String>) {
        let name = name.into();
        if !self.entries.contains_key(&name) {
            self.unresolved.insert(name, why.into());
        }
    }

    /// Why a source could not give a value for `name`, if one tried.
    pub fn unresolved(&self, name: &str) -> Option<&str> {
        self.unresolved.get(name).map(String::as_str)
    }

    /// Reads `--sub` flags (`Name=Value`, split at the first `=`). Values stay text; a bare
    /// placeholder reads its text as JSON when substituted.
    pub fn from_flags<S: AsRef<str>>(flags: &[S]) -> Result<Self, String> {
        let mut out = Self::new();
        for flag in flags {
            let flag = flag.as_ref();
            let Some((name, value)) = flag.split_once('=') else {
                return Err(format!(
                    "--sub {flag}: write it as Name=Value, for example --sub OrdersTable=orders-dev."
                ));
            };
            let name = strip_braces(name.trim());
            if !placeholder::is_name(name) {
                return Err(format!(
                    "--sub {flag}: \"{name}\" is not a placeholder name (the part inside ${{...}})."
                ));
            }
            out.set(name, Value::String(value.to_owned()), Origin::Flag);
        }
        Ok(out)
    }

    /// Reads a substitutions file: a JSON or YAML object from placeholder names to strings,
    /// numbers or booleans.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            format!(
                "{}: cannot read the substitutions file: {e}",
                path.display()
            )
        })?;
        Self::from_text(
            &text,
            Format::from_path(path),
            &Origin::File(path.to_owned()),
        )
        .map_err(|e| format!("{}:{e}", path.display()))
    }

    /// Reads a substitutions map from text (the format is guessed when not given). Errors say
    /// where, as `line:column: message`.
    pub fn from_text(text: &str, format: Option<Format>, origin: &Origin) -> Result<Self, String> {
        let format = format.unwrap_or_else(|| Format::sniff(text));
        let parsed = source::parse(text, format).map_err(|d| {
            let at = d.location.map(|l| l.to_string()).unwrap_or_default();
            format!("{at}: {}", d.message)
        })?;
        let Value::Object(map) = parsed.value else {
            return Err("1:1: a substitutions file is an object from placeholder names to values, like {\"OrdersTable\": \"orders-dev\"}.".to_owned());
        };
        let mut out = Self::new();
        for (name, value) in map {
            // The sidecar's Config (`$config` is never a placeholder's name).
            if name == crate::sidecar::CONFIG_KEY {
                continue;
            }
            let at = parsed
                .map
                .locate(&Pointer::root().key(&name))
                .map(|l| l.to_string())
                .unwrap_or_default();
            match value {
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                    out.set(strip_braces(&name), value, origin.clone());
                }
                other => {
                    return Err(format!(
                        "{at}: the value of \"{name}\" is {}; a substitution is a string, number or boolean.",
                        crate::model::read::type_name(&other)
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The values as a JSON object (what the studio writes to its sidecar file).
    pub fn to_json_object(&self) -> Value {
        Value::Object(
            self.entries
                .iter()
                .map(|(k, v)| (k.clone(), v.value.clone()))
                .collect::<Map<String, Value>>(),
        )
    }

    /// Fills in the placeholders of `definition` that have values. `bare` tells which stood
    /// unquoted in the text (see [`crate::Document::bare_placeholders`]).
    pub fn apply(&self, definition: &Value, bare: &Bare) -> Applied {
        let mut diagnostics = Vec::new();
        let mut used = BTreeSet::new();
        let value = if self.is_empty() && self.unresolved.is_empty() {
            definition.clone()
        } else {
            let mut ctx = ApplyCtx {
                subs: self,
                bare,
                used: &mut used,
                warned: BTreeSet::new(),
                diagnostics: &mut diagnostics,
            };
            ctx.value(definition, &Pointer::root())
        };
        for (name, sub) in &self.entries {
            // A template's substitutions may serve other files; only values the user gave for
            // this definition are expected to be used.
            let given = !matches!(sub.origin, Origin::Template { .. });
            if given && !used.contains(name.as_str()) && !self.unresolved.contains_key(name) {
                diagnostics.push(Diagnostic::new(
                    Code::UnusedSubstitution,
                    Pointer::root(),
                    format!(
                        "A value is given for ${{{name}}} ({}), but the definition has no such placeholder: check the name.",
                        sub.origin
                    ),
                ));
            }
        }
        Applied { value, diagnostics }
    }

    /// [`Substitutions::apply`] on a document, with its bare placeholders.
    pub fn apply_to(&self, doc: &crate::Document) -> Applied {
        self.apply(doc.value(), doc.bare_placeholders())
    }
}

/// Where the values for one definition come from: what the command line (or the studio) gives.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    /// `--sub Name=Value` flags.
    pub flags: Vec<String>,
    /// `--subs FILE`; when absent, the definition's sidecar file is read if it exists.
    pub file: Option<PathBuf>,
    /// `--template FILE`; when absent, a template next to the definition (or above it) whose
    /// `DefinitionUri` names the definition is used.
    pub template: Option<PathBuf>,
    /// `--template-resource ID`: the state machine to read from a template with several.
    pub template_resource: Option<String>,
    /// Don't look for a sidecar or a template.
    pub no_discovery: bool,
    /// Don't read the sidecar (the values it would give are given another way).
    pub skip_sidecar: bool,
}

impl Sources {
    /// Gathers the values for the definition at `definition` (when it is a file), layer by
    /// layer: flags, then the substitutions file (or sidecar), then the template.
    pub fn gather(&self, definition: Option<&Path>) -> Result<Substitutions, String> {
        let mut out = Substitutions::from_flags(&self.flags)?;
        let file = self.file.clone().or_else(|| {
            let sidecar = sidecar_path(definition?);
            (!self.no_discovery && !self.skip_sidecar && sidecar.is_file()).then_some(sidecar)
        });
        if let Some(file) = file {
            out.layer(Substitutions::from_file(&file)?);
        }
        let template = self.template.clone().or_else(|| {
            if self.no_discovery {
                return None;
            }
            template::find_for(definition?)
        });
        if let Some(template) = template {
            out.layer(template::substitutions(
                &template,
                definition,
                self.template_resource.as_deref(),
            )?);
        }
        Ok(out)
    }
}

/// The sidecar file that remembers a definition's placeholder values (the studio's Parameters):
/// `orders.asl.json` → `orders.asl.subs.json`, as [`crate::run::beside`] says. It has the
/// `--subs` file shape.
pub fn sidecar_path(definition: &Path) -> PathBuf {
    crate::run::beside(definition).sidecar
}

/// `${Name}` and `Name` both name a placeholder in flags and files.
fn strip_braces(name: &str) -> &str {
    name.strip_prefix("${")
        .and_then(|n| n.strip_suffix('}'))
        .map_or(name, str::trim)
}

struct ApplyCtx<'a> {
    subs: &'a Substitutions,
    bare: &'a Bare,
    used: &'a mut BTreeSet<String>,
    /// Unresolved names already reported.
    warned: BTreeSet<String>,
    diagnostics: &'a mut Vec<Diagnostic>,
}

impl ApplyCtx<'_> {
    fn value(&mut self, value: &Value, pointer: &Pointer) -> Value {
        match value {
            Value::String(s) => self.string(s, pointer),
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.value(v, &pointer.index(i)))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let child = pointer.key(k);
                        (self.text(k), self.value(v, &child))
                    })
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn string(&mut self, s: &str, pointer: &Pointer) -> Value {
        if let Some(name) = placeholder::whole(s)
            && self.bare.is_bare(pointer, name)
            && let Some(sub) = self.subs.get(name)
        {
            self.used.insert(name.to_owned());
            let text = sub.text();
            if self.bare.is_yaml() {
                // A plain YAML scalar: the value's text is read as YAML reads it.
                return source::plain_scalar(&text);
            }
            return match serde_json::from_str::<Value>(&text) {
                Ok(v) => v,
                Err(_) => {
                    self.diagnostics.push(Diagnostic::new(
                        Code::InvalidSubstitution,
                        pointer.clone(),
                        format!(
                            "${{{name}}} stands unquoted here, so its value must be JSON (a number, true or false, or quoted text), but the value from {} is {text:?}.",
                            sub.origin
                        ),
                    ));
                    Value::String(s.to_owned())
                }
            };
        }
        Value::String(self.text(s))
    }

    fn text(&mut self, s: &str) -> String {
        if !s.contains("${") {
            return s.to_owned();
        }
        let mut out = String::with_capacity(s.len());
        let mut at = 0;
        for found in placeholder::find(s) {
            let Some(sub) = self.subs.get(found.name) else {
                if let Some(why) = self.subs.unresolved(found.name)
                    && self.warned.insert(found.name.to_owned())
                {
                    self.diagnostics.push(Diagnostic::new(
                        Code::UnresolvedSubstitution,
                        Pointer::root(),
                        format!(
                            "${{{}}} has no local value: {why}. It is checked as a placeholder; give it a value with --sub {}=VALUE to check it.",
                            found.name, found.name
                        ),
                    ));
                }
                continue;
            };
            self.used.insert(found.name.to_owned());
            out.push_str(&s[at..found.range.start]);
            out.push_str(&sub.text());
            at = found.range.end;
        }
        out.push_str(&s[at..]);
        out
    }
}

/// The info diagnostic that lists a definition's placeholders once, each with its pointers, and
/// which of them have values.
pub fn placeholders_info(definition: &Value, subs: &Substitutions) -> Option<Diagnostic> {
    // The cheap walk first: most definitions have none, and `uses` builds a pointer per member.
    if placeholder::names(definition).is_empty() {
        return None;
    }
    let uses = placeholder::uses(definition);
    if uses.is_empty() {
        return None;
    }
    let mut by_name: Vec<(&str, Vec<&str>)> = Vec::new();
    for u in &uses {
        match by_name.iter_mut().find(|(n, _)| *n == u.name) {
            Some((_, pointers)) => pointers.push(u.pointer.as_str()),
            None => by_name.push((&u.name, vec![u.pointer.as_str()])),
        }
    }
    let open = by_name
        .iter()
        .filter(|(n, _)| subs.get(n).is_none())
        .count();
    let list = by_name
        .iter()
        .map(|(name, pointers)| {
            let shown: Vec<&str> = pointers.iter().copied().take(3).collect();
            let more = if pointers.len() > 3 {
                format!(" and {} more", pointers.len() - 3)
            } else {
                String::new()
            };
            let value = subs
                .get(name)
                .map(|s| format!(" = {:?}", s.text()))
                .unwrap_or_default();
            format!("${{{name}}}{value} at {}{more}", shown.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let count = by_name.len();
    let plural = if count == 1 { "" } else { "s" };
    let hint = if open == 0 {
        "every one has a value for this check".to_owned()
    } else {
        let (verb, pronoun) = if open == 1 {
            ("is", "it stands")
        } else {
            ("are", "they stand")
        };
        format!(
            "{open} without a value {verb} accepted as what {pronoun} for; give values with --sub Name=Value, --subs FILE or --template to check them"
        )
    };
    Some(Diagnostic::new(
        Code::Placeholders,
        Pointer::root(),
        format!("{count} deploy-time placeholder{plural} ({hint}): {list}."),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn subs(pairs: &[(&str, Value)]) -> Substitutions {
        let mut s = Substitutions::new();
        for (k, v) in pairs {
            s.set(*k, v.clone(), Origin::Flag);
        }
        s
    }

    #[test]
    fn substitutes_whole_and_part_of_strings_and_keys() {
        let def = json!({"R": "${Fn}", "U": "s3://${B}/logs/${Missing}", "K": {"${B}": 1}});
        let s = subs(&[
            ("Fn", json!("arn:aws:lambda:us-east-1:1:function:f")),
            ("B", json!("bkt")),
        ]);
        let applied = s.apply(&def, &Bare::default());
        assert_eq!(
            applied.value,
            json!({"R": "arn:aws:lambda:us-east-1:1:function:f", "U": "s3://bkt/logs/${Missing}", "K": {"bkt": 1}})
        );
        assert!(applied.diagnostics.is_empty());
    }

    fn doc(text: &str, format: Format) -> crate::Document {
        crate::Document::parse(text, format).expect("parses")
    }

    #[test]
    fn bare_placeholders_take_json_values_where_they_stood_bare() {
        let d = doc(
            r#"{"Max": ${Limit}, "Quoted": "${Limit}", "Bad": ${Word}, "Obj": ${Obj}}"#,
            Format::Json,
        );
        let s = subs(&[
            ("Limit", json!("5")),
            ("Word", json!("five")),
            ("Obj", json!(r#"{"a": [1]}"#)),
        ]);
        let applied = s.apply_to(&d);
        assert_eq!(applied.value["Max"], json!(5));
        assert_eq!(applied.value["Quoted"], json!("5"), "quoted stays text");
        assert_eq!(applied.value["Obj"], json!({"a": [1]}));
        assert_eq!(applied.value["Bad"], json!("${Word}"));
        assert_eq!(applied.diagnostics.len(), 1);
        assert_eq!(applied.diagnostics[0].code, Code::InvalidSubstitution);
        assert_eq!(applied.diagnostics[0].pointer.as_str(), "/Bad");
    }

    #[test]
    fn plain_yaml_placeholders_read_their_value_as_yaml_does() {
        let d = doc(
            "Resource: ${FnArn}\nMax: ${Limit}\nQuoted: \"${Limit}\"\n",
            Format::Yaml,
        );
        let s = subs(&[
            (
                "FnArn",
                json!("arn:aws:lambda:us-east-1:123456789012:function:f"),
            ),
            ("Limit", json!("5")),
        ]);
        let applied = s.apply_to(&d);
        assert!(applied.diagnostics.is_empty(), "{:?}", applied.diagnostics);
        assert_eq!(
            applied.value,
            json!({"Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Max": 5, "Quoted": "5"})
        );
    }

    #[test]
    fn unresolved_template_values_are_reported_where_used() {
        let mut s = Substitutions::new();
        s.set_unresolved("Role", "no such resource");
        s.set_unresolved("Unused", "no such resource");
        let applied = s.apply(&json!({"A": "${Role}", "B": "x-${Role}"}), &Bare::default());
        let codes: Vec<(Code, &str)> = applied
            .diagnostics
            .iter()
            .map(|d| (d.code, d.message.as_str()))
            .collect();
        assert_eq!(codes.len(), 1, "{codes:?}");
        assert_eq!(codes[0].0, Code::UnresolvedSubstitution);
        assert!(
            codes[0]
                .1
                .starts_with("${Role} has no local value: no such resource.")
        );
        // A value from a higher layer settles it.
        let mut top = subs(&[("Role", json!("arn:aws:iam::123456789012:role/r"))]);
        top.layer(s);
        assert!(top.unresolved("Role").is_none());
    }

    #[test]
    fn unused_flag_values_are_warned_about() {
        let s = subs(&[("Tabel", json!("x"))]);
        let applied = s.apply(&json!({"T": "${Table}"}), &Bare::default());
        assert_eq!(applied.diagnostics[0].code, Code::UnusedSubstitution);
        assert!(applied.diagnostics[0].message.contains("${Tabel}"));
    }

    #[test]
    fn layers_keep_the_higher_precedence_value() {
        let mut top = subs(&[("A", json!("flag"))]);
        let mut lower = Substitutions::new();
        lower.set("A", json!("file"), Origin::File("s.json".into()));
        lower.set("B", json!("file"), Origin::File("s.json".into()));
        top.layer(lower);
        assert_eq!(
            top.get("A").map(Substitution::text),
            Some("flag".to_owned())
        );
        assert_eq!(
            top.get("B").map(Substitution::text),
            Some("file".to_owned())
        );
    }

    #[test]
    fn flags_and_files_parse_with_clear_errors() {
        let s = Substitutions::from_flags(&["A=x=y", "${B}=2"]).expect("flags");
        assert_eq!(s.get("A").map(Substitution::text), Some("x=y".to_owned()));
        assert_eq!(s.get("B").map(Substitution::text), Some("2".to_owned()));
        assert!(Substitutions::from_flags(&["NoEquals"]).is_err());
        let origin = Origin::File("s.yaml".into());
        let s = Substitutions::from_text("A: 1\nB: text\nC: true\n", None, &origin).expect("yaml");
        assert_eq!(s.get("A").map(|s| s.value.clone()), Some(json!(1)));
        let err = Substitutions::from_text("A: 1\nB: [1]\n", None, &origin).expect_err("list");
        assert!(err.starts_with("2:1:"), "{err}");
    }

    #[test]
    fn the_info_lists_each_name_once_with_its_pointers() {
        let def = json!({"A": "${X}", "B": ["${X}", "${Y}"]});
        let d = placeholders_info(&def, &subs(&[("Y", json!("v"))])).expect("info");
        assert_eq!(d.code, Code::Placeholders);
        assert!(
            d.message
                .starts_with("2 deploy-time placeholders (1 without a value is accepted"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("${X} at /A, /B/0; ${Y} = \"v\" at /B/1"),
            "{}",
            d.message
        );
        assert!(placeholders_info(&json!({"A": "x"}), &Substitutions::new()).is_none());
    }
}
