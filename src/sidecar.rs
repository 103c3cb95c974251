//! The one sidecar file beside a definition (`NAME.subs.json`, see [`crate::run::beside`]): the
//! placeholder values (the `--subs` file shape, a map from names to values) and, under the key
//! [`CONFIG_KEY`], the state machine's [`Config`]: the settings AWS keeps outside the ASL, as
//! Workflow Studio's Config mode has them (name, type, execution role, logging, tracing,
//! publishing a version, tags).
//!
//! `$config` can never be a placeholder's name (a name holds no `$`, see
//! [`crate::placeholder::is_name`]), so every sidecar written before the Config existed reads
//! the same, and a `--subs` file may hold a Config too. Keys this version does not know are
//! kept when the Config is written back.

use crate::diag::Location;
use crate::pointer::Pointer;
use crate::source::{self, Format, SourceMap};
use crate::validate::WorkflowType;
use serde_json::{Map, Value, json};
use std::fmt;

/// The sidecar's key that holds the [`Config`].
pub const CONFIG_KEY: &str = "$config";

/// CloudWatch Logs level of a state machine's execution history (AWS's `LogLevel`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum LogLevel {
    /// Nothing is logged.
    #[default]
    Off,
    /// Every event.
    All,
    /// Errors only.
    Error,
    /// Fatal errors only (the execution's end when it fails).
    Fatal,
}

impl LogLevel {
    /// Every level, in the order the studio lists them.
    pub const ALL: [Self; 4] = [Self::Off, Self::All, Self::Error, Self::Fatal];

    /// AWS's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::All => "ALL",
            Self::Error => "ERROR",
            Self::Fatal => "FATAL",
        }
    }

    /// From AWS's name (any case).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(text))
    }
}

/// Logging to CloudWatch Logs.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Logging {
    /// What is logged.
    pub level: LogLevel,
    /// Whether inputs, outputs and results are logged too.
    pub include_execution_data: bool,
    /// The log group (`arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*`); needed unless the level
    /// is OFF.
    pub log_group_arn: Option<String>,
}

/// The state machine's settings kept outside its definition.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    /// Its name (default: the definition file's name up to its first dot).
    pub name: Option<String>,
    /// STANDARD or EXPRESS (default: STANDARD).
    pub workflow_type: Option<WorkflowType>,
    /// The IAM role Step Functions assumes to run it.
    pub role_arn: Option<String>,
    /// Logging.
    pub logging: Logging,
    /// X-Ray tracing.
    pub tracing: bool,
    /// Publish a version on each deploy.
    pub publish: bool,
    /// The published version's description.
    pub version_description: Option<String>,
    /// Tags, in the order written.
    pub tags: Vec<(String, String)>,
    /// Keys of the Config this version does not know, kept as they were.
    unknown: Map<String, Value>,
    /// Keys of `logging` this version does not know.
    unknown_logging: Map<String, Value>,
}

/// A field of the [`Config`], for problems and the studio's forms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The name.
    Name,
    /// The type.
    Type,
    /// The execution role.
    RoleArn,
    /// The logging level.
    LogLevel,
    /// The log group.
    LogGroupArn,
    /// The version's description.
    VersionDescription,
    /// The tags as a whole (how many).
    Tags,
    /// One tag's key, by index.
    TagKey(usize),
    /// One tag's value, by index.
    TagValue(usize),
}

impl Field {
    /// Where the field is in the sidecar.
    pub fn pointer(self) -> Pointer {
        let config = Pointer::root().key(CONFIG_KEY);
        match self {
            Self::Name => config.key("name"),
            Self::Type => config.key("type"),
            Self::RoleArn => config.key("roleArn"),
            Self::LogLevel => config.key("logging").key("level"),
            Self::LogGroupArn => config.key("logging").key("logGroupArn"),
            Self::VersionDescription => config.key("versionDescription"),
            Self::Tags | Self::TagKey(_) | Self::TagValue(_) => config.key("tags"),
        }
    }
}

/// Something wrong with a Config's value: which field, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The field.
    pub field: Field,
    /// What is wrong and what to write instead.
    pub message: String,
}

/// A sidecar that cannot be read: where and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// Where in the file.
    pub pointer: Pointer,
    /// Its line and column, when known.
    pub location: Option<Location>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(l) => write!(f, "{l}: {}", self.message),
            None => write!(f, "{}: {}", self.pointer, self.message),
        }
    }
}

// AWS's documented limits (CreateStateMachine, TagResource, Tag, CloudWatchLogsLogGroup).
/// A state machine's name: 1 to 80 characters.
pub const MAX_NAME: usize = 80;
/// An ARN field (role, log group): at most 256 characters.
pub const MAX_ARN: usize = 256;
/// A version's description: at most 256 characters.
pub const MAX_VERSION_DESCRIPTION: usize = 256;
/// Tags per resource.
pub const MAX_TAGS: usize = 50;
/// A tag key: 1 to 128 characters.
pub const MAX_TAG_KEY: usize = 128;
/// A tag value: 0 to 256 characters.
pub const MAX_TAG_VALUE: usize = 256;

/// The characters a state machine's name may not hold, besides white space and control
/// characters (CreateStateMachine's `name`).
const NAME_FORBIDDEN: &str = "<>{}[]?*\"#%\\^|~`$&,;:/";

/// A tag's key or value character: letters, white space, digits and `_ . : / = + - @`
/// (`^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$`).
fn tag_char(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Whether `arn` is an IAM role's ARN: `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`, the
/// account twelve digits, the name of `[A-Za-z0-9+=,.@_-]`, 1 to 64 characters.
pub fn is_role_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [arn_, partition, service, region, account, resource] = parts[..] else {
        return false;
    };
    let Some(path) = resource.strip_prefix("role/") else {
        return false;
    };
    let name = path.rsplit('/').next().unwrap_or_default();
    arn_ == "arn"
        && partition.starts_with("aws")
        && service == "iam"
        && region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && (1..=64).contains(&name.len())
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

/// Whether `arn` is a CloudWatch Logs log group's ARN as Step Functions takes it:
/// `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME:*` (the name of `[A-Za-z0-9._/#-]`, 1 to
/// 512 characters, and the ARN ending `:*`).
pub fn is_log_group_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    let [arn_, partition, service, region, account, kind, rest] = parts[..] else {
        return false;
    };
    let Some(name) = rest.strip_suffix(":*") else {
        return false;
    };
    arn_ == "arn"
        && partition.starts_with("aws")
        && service == "logs"
        && !region.is_empty()
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && kind == "log-group"
        && (1..=512).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/#-".contains(c))
}

impl Config {
    /// Whether nothing is set (a sidecar without a Config writes none).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The name to deploy as: the Config's, else `default`.
    pub fn name_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or(default)
    }

    /// The type: the Config's, else STANDARD.
    pub fn workflow_type(&self) -> WorkflowType {
        self.workflow_type.unwrap_or(WorkflowType::Standard)
    }

    /// What is wrong with the values, by AWS's documented rules, each with what to do.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut problem = |field, message: String| out.push(Problem { field, message });
        if let Some(name) = &self.name {
            let count = name.chars().count();
            if !(1..=MAX_NAME).contains(&count) {
                problem(
                    Field::Name,
                    format!(
                        "A state machine's name has 1 to {MAX_NAME} characters (this has {count})."
                    ),
                );
            } else if let Some(c) = name
                .chars()
                .find(|c| c.is_whitespace() || c.is_control() || NAME_FORBIDDEN.contains(*c))
            {
                problem(
                    Field::Name,
                    format!(
                        "A state machine's name cannot hold {c:?}: use letters, digits, - and _."
                    ),
                );
            }
        }
        if let Some(role) = &self.role_arn
            && (role.len() > MAX_ARN || !is_role_arn(role))
        {
            problem(
                Field::RoleArn,
                "Not an IAM role's ARN: write arn:aws:iam::ACCOUNT:role/NAME (a 12-digit account)."
                    .to_owned(),
            );
        }
        match &self.logging.log_group_arn {
            Some(arn) if arn.len() > MAX_ARN || !is_log_group_arn(arn) => problem(
                Field::LogGroupArn,
                "Not a log group's ARN as Step Functions takes it: write arn:aws:logs:REGION:ACCOUNT:log-group:NAME:* (ending :*)."
                    .to_owned(),
            ),
            None if self.logging.level != LogLevel::Off => problem(
                Field::LogGroupArn,
                format!(
                    "Logging at level {} needs a log group: give its ARN, or set the level to OFF.",
                    self.logging.level.as_str()
                ),
            ),
            _ => {}
        }
        if let Some(d) = &self.version_description {
            let count = d.chars().count();
            if count > MAX_VERSION_DESCRIPTION {
                problem(
                    Field::VersionDescription,
                    format!(
                        "A version's description has at most {MAX_VERSION_DESCRIPTION} characters (this has {count})."
                    ),
                );
            }
        }
        if self.tags.len() > MAX_TAGS {
            problem(
                Field::Tags,
                format!(
                    "A state machine has at most {MAX_TAGS} tags (these are {}).",
                    self.tags.len()
                ),
            );
        }
        for (i, (key, value)) in self.tags.iter().enumerate() {
            let count = key.chars().count();
            if !(1..=MAX_TAG_KEY).contains(&count) {
                problem(
                    Field::TagKey(i),
                    format!("A tag key has 1 to {MAX_TAG_KEY} characters (this has {count})."),
                );
            } else if key.to_ascii_lowercase().starts_with("aws:") {
                problem(
                    Field::TagKey(i),
                    "Tag keys starting with aws: are AWS's own: choose another key.".to_owned(),
                );
            } else if let Some(c) = key.chars().find(|c| !tag_char(*c)) {
                problem(
                    Field::TagKey(i),
                    format!(
                        "A tag key cannot hold {c:?}: use letters, digits, spaces and _ . : / = + - @."
                    ),
                );
            } else if self.tags[..i].iter().any(|(k, _)| k == key) {
                problem(
                    Field::TagKey(i),
                    format!("The tag key {key} is given twice."),
                );
            }
            let count = value.chars().count();
            if count > MAX_TAG_VALUE {
                problem(
                    Field::TagValue(i),
                    format!(
                        "A tag value has at most {MAX_TAG_VALUE} characters (this has {count})."
                    ),
                );
            } else if let Some(c) = value.chars().find(|c| !tag_char(*c)) {
                problem(
                    Field::TagValue(i),
                    format!(
                        "A tag value cannot hold {c:?}: use letters, digits, spaces and _ . : / = + - @."
                    ),
                );
            }
        }
        out
    }

    /// Reads the Config at `/$config` of a parsed sidecar; wrong types are located.
    pub fn read(value: &Value, map: &SourceMap) -> Result<Self, ReadError> {
        let base = Pointer::root().key(CONFIG_KEY);
        let fail = |pointer: Pointer, message: String| ReadError {
            location: map.locate_value(&pointer).or_else(|| map.locate(&pointer)),
            pointer,
            message,
        };
        let Value::Object(fields) = value else {
            return Err(fail(
                base,
                "the Config is an object, like {\"name\": \"orders\", \"type\": \"STANDARD\"}"
                    .to_owned(),
            ));
        };
        let text = |key: &str, v: &Value, at: &Pointer| -> Result<String, ReadError> {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| fail(at.clone(), format!("{key} is a string")))
        };
        let flag = |key: &str, v: &Value, at: &Pointer| -> Result<bool, ReadError> {
            v.as_bool()
                .ok_or_else(|| fail(at.clone(), format!("{key} is true or false")))
        };
        let mut config = Self::default();
        for (key, v) in fields {
            let at = base.key(key);
            match key.as_str() {
                "name" => config.name = Some(text(key, v, &at)?),
                "type" => {
                    let t = text(key, v, &at)?;
                    config.workflow_type = Some(WorkflowType::parse(&t).ok_or_else(|| {
                        fail(
                            at.clone(),
                            format!("type is STANDARD or EXPRESS, not {t:?}"),
                        )
                    })?);
                }
                "roleArn" => config.role_arn = Some(text(key, v, &at)?),
                "tracing" => config.tracing = flag(key, v, &at)?,
                "publish" => config.publish = flag(key, v, &at)?,
                "versionDescription" => config.version_description = Some(text(key, v, &at)?),
                "logging" => {
                    let Value::Object(logging) = v else {
                        return Err(fail(
                            at,
                            "logging is an object, like {\"level\": \"ERROR\", \"logGroupArn\": \"arn:aws:logs:...:*\"}".to_owned(),
                        ));
                    };
                    for (key, v) in logging {
                        let at = at.key(key);
                        match key.as_str() {
                            "level" => {
                                let t = text(key, v, &at)?;
                                config.logging.level = LogLevel::parse(&t).ok_or_else(|| {
                                    fail(
                                        at.clone(),
                                        format!("level is ALL, ERROR, FATAL or OFF, not {t:?}"),
                                    )
                                })?;
                            }
                            "includeExecutionData" => {
                                config.logging.include_execution_data = flag(key, v, &at)?;
                            }
                            "logGroupArn" => {
                                config.logging.log_group_arn = Some(text(key, v, &at)?);
                            }
                            _ => {
                                config.unknown_logging.insert(key.clone(), v.clone());
                            }
                        }
                    }
                }
                "tags" => {
                    let Value::Object(tags) = v else {
                        return Err(fail(
                            at,
                            "tags is an object from keys to values, like {\"team\": \"orders\"}"
                                .to_owned(),
                        ));
                    };
                    for (k, v) in tags {
                        config
                            .tags
                            .push((k.clone(), text("a tag's value", v, &at.key(k))?));
                    }
                }
                _ => {
                    config.unknown.insert(key.clone(), v.clone());
                }
            }
        }
        Ok(config)
    }

    /// The Config as the sidecar holds it (unknown keys kept, empty fields left out).
    pub fn to_value(&self) -> Value {
        let mut out = Map::new();
        if let Some(n) = &self.name {
            out.insert("name".into(), json!(n));
        }
        if let Some(t) = self.workflow_type {
            out.insert("type".into(), json!(t.as_str()));
        }
        if let Some(r) = &self.role_arn {
            out.insert("roleArn".into(), json!(r));
        }
        let mut logging = Map::new();
        if self.logging.level != LogLevel::Off || !self.unknown_logging.is_empty() {
            logging.insert("level".into(), json!(self.logging.level.as_str()));
        }
        if self.logging.include_execution_data {
            logging.insert("includeExecutionData".into(), json!(true));
        }
        if let Some(arn) = &self.logging.log_group_arn {
            logging.insert("logGroupArn".into(), json!(arn));
        }
        logging.extend(self.unknown_logging.clone());
        if !logging.is_empty() {
            out.insert("logging".into(), Value::Object(logging));
        }
        if self.tracing {
            out.insert("tracing".into(), json!(true));
        }
        if self.publish {
            out.insert("publish".into(), json!(true));
        }
        if let Some(d) = &self.version_description {
            out.insert("versionDescription".into(), json!(d));
        }
        if !self.tags.is_empty() {
            out.insert(
                "tags".into(),
                Value::Object(
                    self.tags
                        .iter()
                        .map(|(k, v)| (k.clone(), json!(v)))
                        .collect(),
                ),
            );
        }
        out.extend(self.unknown.clone());
        Value::Object(out)
    }
}

/// The sidecar of the state machine `id` written inside the template at `template`:
/// `TEMPLATE-STEM.ID.subs.json` beside it (a definition in its own file has
/// [`crate::run::beside`]'s).
pub fn for_template(template: &std::path::Path, id: &str) -> std::path::PathBuf {
    let stem = template.file_stem().map_or_else(
        || "template".to_owned(),
        |s| s.to_string_lossy().into_owned(),
    );
    template.with_file_name(format!("{stem}.{id}.subs.json"))
}

/// Reads the Config of a sidecar's text (the default Config when it has none); the
/// placeholder values are read by [`crate::subst::Substitutions::from_text`].
pub fn read_config(text: &str, format: Option<Format>) -> Result<Config, ReadError> {
    let format = format.unwrap_or_else(|| Format::sniff(text));
    let parsed = source::parse(text, format).map_err(|d| ReadError {
        pointer: d.pointer.clone(),
        location: d.location,
        message: d.message,
    })?;
    match parsed.value.get(CONFIG_KEY) {
        Some(v) => Config::read(v, &parsed.map),
        None => Ok(Config::default()),
    }
}

/// Reads the Config of the sidecar at `path` (the default Config when there is no file).
pub fn read_config_file(path: &std::path::Path) -> Result<Config, String> {
    if !path.is_file() {
        return Ok(Config::default());
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the sidecar: {e}", path.display()))?;
    read_config(&text, Format::from_path(path)).map_err(|e| format!("{}:{e}", path.display()))
}

/// A sidecar's JSON text: the placeholder values (`values`, an object), then the Config when
/// it has anything. `None` when both are empty (no file is needed).
pub fn to_text(values: &Value, config: &Config) -> Option<String> {
    let mut out = match values {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    if !config.is_empty() {
        out.insert(CONFIG_KEY.into(), config.to_value());
    }
    if out.is_empty() {
        return None;
    }
    let mut text = serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_default();
    text.push('\n');
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_reads_back_as_written_keeping_unknown_keys() {
        let text = r#"{
  "Table": "orders",
  "$config": {
    "name": "orders",
    "type": "express",
    "logging": {"level": "ALL", "includeExecutionData": true, "logGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:g:*", "later": 1},
    "tags": {"team": "payments"},
    "encryption": {"type": "CUSTOMER_MANAGED_KMS_KEY"}
  }
}"#;
        let config = read_config(text, Some(Format::Json)).expect("reads");
        assert_eq!(config.workflow_type, Some(WorkflowType::Express));
        assert_eq!(config.logging.level, LogLevel::All);
        assert_eq!(config.tags, [("team".to_owned(), "payments".to_owned())]);
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        let written = to_text(&json!({"Table": "orders"}), &config).expect("text");
        let again = read_config(&written, Some(Format::Json)).expect("reads again");
        assert_eq!(again, config);
        let value: Value = serde_json::from_str(&written).expect("JSON");
        assert_eq!(
            value["$config"]["encryption"]["type"],
            "CUSTOMER_MANAGED_KMS_KEY"
        );
        assert_eq!(value["$config"]["logging"]["later"], 1);
        assert_eq!(value["$config"]["type"], "EXPRESS");
        // Nothing to keep: no file.
        assert_eq!(to_text(&json!({}), &Config::default()), None);
    }

    #[test]
    fn wrong_types_are_located() {
        let text = "{\n  \"$config\": {\n    \"tracing\": \"yes\"\n  }\n}\n";
        let e = read_config(text, Some(Format::Json)).expect_err("refused");
        assert_eq!(e.pointer.as_str(), "/$config/tracing");
        assert_eq!(e.to_string(), "3:16: tracing is true or false");
        let e = read_config("{\"$config\": {\"logging\": {\"level\": \"DEBUG\"}}}", None)
            .expect_err("refused");
        assert!(e.message.contains("ALL, ERROR, FATAL or OFF"), "{e}");
        let e = read_config("{\"$config\": []}", None).expect_err("refused");
        assert_eq!(e.pointer.as_str(), "/$config");
    }

    #[test]
    fn problems_follow_aws_limits() {
        let fields = |c: &Config| c.problems().iter().map(|p| p.field).collect::<Vec<_>>();
        let mut c = Config {
            name: Some("a".repeat(MAX_NAME)),
            ..Config::default()
        };
        assert!(fields(&c).is_empty());
        c.name = Some("a".repeat(MAX_NAME + 1));
        assert_eq!(fields(&c), [Field::Name]);
        c.name = Some("my flow".to_owned());
        assert_eq!(fields(&c), [Field::Name]);
        c.name = None;
        c.logging.level = LogLevel::Error;
        assert_eq!(fields(&c), [Field::LogGroupArn]);
        c.logging.level = LogLevel::Off;
        c.tags = vec![
            ("k".repeat(MAX_TAG_KEY), "v".repeat(MAX_TAG_VALUE)),
            ("k".repeat(MAX_TAG_KEY + 1), "v".repeat(MAX_TAG_VALUE + 1)),
            ("aws:x".to_owned(), String::new()),
            ("a#b".to_owned(), "ok".to_owned()),
        ];
        assert_eq!(
            fields(&c),
            [
                Field::TagKey(1),
                Field::TagValue(1),
                Field::TagKey(2),
                Field::TagKey(3)
            ]
        );
        c.tags = (0..=MAX_TAGS)
            .map(|i| (format!("k{i}"), String::new()))
            .collect();
        assert_eq!(fields(&c), [Field::Tags]);
        c.tags.clear();
        c.version_description = Some("d".repeat(MAX_VERSION_DESCRIPTION + 1));
        assert_eq!(fields(&c), [Field::VersionDescription]);
    }

    #[test]
    fn arn_shapes() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/stepcraft"));
        assert!(is_role_arn(
            "arn:aws-cn:iam::123456789012:role/service-role/x.y@z"
        ));
        assert!(!is_role_arn("arn:aws:iam::12345:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:user/x"));
        assert!(!is_role_arn("arn:aws:iam:us-east-1:123456789012:role/x"));
        assert!(!is_role_arn("arn:aws:iam::123456789012:role/"));
        assert!(is_log_group_arn(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/x:*"
        ));
        assert!(!is_log_group_arn(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x"
        ));
        assert!(!is_log_group_arn(
            "arn:aws:logs::123456789012:log-group:x:*"
        ));
    }
}
