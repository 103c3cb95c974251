//! The states catalog: AWS service actions, flow states and multi-state patterns, read from data
//! (`assets/catalog/*.json`, `assets/patterns/*.json`) rather than written in code.
//!
//! [`Catalog::bundled`] holds the assets compiled into the binary; [`Catalog::load`] reads a
//! user's catalog from a directory laid out the same way. [`Catalog::search`] filters all three
//! kinds at once, and [`Action::state_json`] builds the Task state for an integration pattern.
//!
//! ```
//! use stepcraft::catalog::{Catalog, Integration};
//!
//! let catalog = Catalog::bundled();
//! let lambda = catalog.action("lambda.invoke").expect("bundled");
//! let state = lambda.state_json(Integration::WaitForTaskToken).expect("lambda takes callbacks");
//! assert_eq!(state["Resource"], "arn:aws:states:::lambda:invoke.waitForTaskToken");
//! assert_eq!(state["Parameters"]["Payload"]["TaskToken.$"], "$$.Task.Token");
//! ```

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use std::path::{Path, PathBuf};

/// How Step Functions waits for a service integration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Integration {
    /// Call the service and continue with its HTTP response.
    RequestResponse,
    /// `.sync`: wait for the job to complete.
    Sync,
    /// `.waitForTaskToken`: wait for a callback with the task token.
    WaitForTaskToken,
}

impl Integration {
    /// Every pattern, in the order the studio lists them.
    pub const ALL: [Integration; 3] = [Self::RequestResponse, Self::Sync, Self::WaitForTaskToken];

    /// A short label for pickers.
    pub fn label(self) -> &'static str {
        match self {
            Self::RequestResponse => "Request response",
            Self::Sync => "Run a job (.sync)",
            Self::WaitForTaskToken => "Wait for callback (.waitForTaskToken)",
        }
    }
}

impl fmt::Display for Integration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One integration pattern an action supports, and its resource ARN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IntegrationSpec {
    /// The pattern.
    pub pattern: Integration,
    /// The `Resource` ARN for it.
    pub resource: String,
    /// A `Parameters` template of its own (callbacks place the task token), else the action's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
}

/// How a service field's value is edited, as the inspector's form draws it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ServiceFieldKind {
    /// A string.
    Text,
    /// A resource's name or ARN, typed or taken from the state input (`Name.$` in JSONPath).
    NameOrArn,
    /// Any JSON value (numbers, booleans, objects, lists).
    Json,
    /// DynamoDB attribute values (`Key`, `Item`, `ExpressionAttributeValues`): name and typed
    /// value rows in DynamoDB JSON, `{"id": {"S": "..."}}`.
    AttributeValues,
    /// One of a few strings.
    Choice {
        /// The values, in the order the picker lists them.
        choices: Vec<String>,
    },
    /// A list of objects of the same shape (EventBridge's `Entries`), each drawn with `fields`.
    Entries {
        /// The fields of each entry.
        fields: Vec<ServiceField>,
    },
    /// What the service receives (`Payload`, `Message`...): the state input, custom JSON or
    /// nothing.
    Payload {
        /// The modes offered, the first being a new field's.
        modes: Vec<PayloadMode>,
    },
}

/// Where a payload-like field's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PayloadMode {
    /// The whole state input (`"Payload.$": "$"`, or `{% $states.input %}` in JSONata).
    StateInput,
    /// JSON written out (which may hold paths and placeholders of its own).
    Custom,
    /// No field at all.
    None,
}

impl PayloadMode {
    /// Its label on the picker.
    pub fn label(self) -> &'static str {
        match self {
            Self::StateInput => "The state input",
            Self::Custom => "Custom JSON",
            Self::None => "None",
        }
    }
}

/// One service parameter of an action: what the inspector's form shows for it and what the
/// validator requires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceField {
    /// The API's parameter name, such as `FunctionName`.
    pub name: String,
    /// Its label on the form.
    pub label: String,
    /// How it is edited.
    #[serde(flatten)]
    pub kind: ServiceFieldKind,
    /// Whether the API requires it (from the service's API reference).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Other parameters that fill the requirement instead (SNS's `TargetArn`, `PhoneNumber`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub either: Vec<String>,
    /// One or two sentences on what to enter.
    pub help: String,
}

/// What a payload template holds for one field.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldValue<'v> {
    /// `Name`: a value written out (a JSONata `{% %}` string counts as one).
    Literal(&'v Value),
    /// `Name.$`: a path or intrinsic function evaluated at run time.
    Path(&'v Value),
    /// Neither.
    Missing,
}

impl<'v> FieldValue<'v> {
    /// `name` or `name.$` in `payload`.
    pub fn of(payload: &'v Map<String, Value>, name: &str) -> Self {
        if let Some(v) = payload.get(&format!("{name}.$")) {
            Self::Path(v)
        } else if let Some(v) = payload.get(name) {
            Self::Literal(v)
        } else {
            Self::Missing
        }
    }

    /// Whether it gives the service a value: a path, a placeholder or anything but `""`,
    /// `null`, `{}` and `[]`.
    pub fn is_filled(self) -> bool {
        match self {
            Self::Missing => false,
            Self::Path(v) | Self::Literal(v) => !is_empty_value(v),
        }
    }
}

fn is_empty_value(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

impl ServiceField {
    /// Whether `payload` fills the field, itself or through one of its `either` alternatives.
    pub fn is_filled(&self, payload: &Map<String, Value>) -> bool {
        std::iter::once(&self.name)
            .chain(&self.either)
            .any(|n| FieldValue::of(payload, n).is_filled())
    }

    /// What is wrong with the field's description, if anything.
    fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let name = &self.name;
        if name.is_empty() || name.ends_with(".$") || name.contains(char::is_whitespace) {
            out.push(format!("field \"{name}\": a parameter name, without .$"));
        }
        if self.label.trim().is_empty() || self.help.trim().is_empty() {
            out.push(format!("field {name}: needs a label and help"));
        }
        match &self.kind {
            ServiceFieldKind::Choice { choices } if choices.is_empty() => {
                out.push(format!("field {name}: a choice of nothing"));
            }
            ServiceFieldKind::Entries { fields } => {
                if fields.is_empty() {
                    out.push(format!("field {name}: entries of no fields"));
                }
                out.extend(
                    fields
                        .iter()
                        .flat_map(ServiceField::problems)
                        .map(|p| format!("{name}: {p}")),
                );
            }
            ServiceFieldKind::Payload { modes } => {
                let mut seen = modes.clone();
                seen.dedup();
                if modes.is_empty() || seen.len() != modes.len() {
                    out.push(format!("field {name}: payload modes empty or repeated"));
                }
                if self.required && modes.contains(&PayloadMode::None) {
                    out.push(format!("field {name}: required, yet \"none\" is offered"));
                }
            }
            _ => {}
        }
        out
    }
}

/// An AWS service integration: what the Actions tab lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// Unique id, such as `lambda.invoke`.
    pub id: String,
    /// The service, such as `AWS Lambda`.
    pub service: String,
    /// The action's display name, such as `Invoke`.
    pub name: String,
    /// One line on what it does.
    pub description: String,
    /// Grouping, such as `Compute` or `Database`.
    pub category: String,
    /// A short glyph or abbreviation for the service's chip, such as `λ` or `SQS`.
    #[serde(default)]
    pub icon: String,
    /// More words search should find it by.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The supported integration patterns, the first being the default unless `default_pattern`
    /// says otherwise.
    pub integrations: Vec<IntegrationSpec>,
    /// The pattern a new state uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_pattern: Option<Integration>,
    /// The `Parameters` template (JSONPath).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Other fields of a new state (a default `Retry`, `TimeoutSeconds`...).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub fields: Map<String, Value>,
    /// The AWS documentation page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc_url: Option<String>,
    /// The service parameters the inspector's form shows, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub form: Vec<ServiceField>,
}

impl Action {
    /// The patterns the action supports, in catalog order.
    pub fn patterns(&self) -> impl Iterator<Item = Integration> + '_ {
        self.integrations.iter().map(|i| i.pattern)
    }

    /// The pattern a new state uses.
    pub fn default_integration(&self) -> Integration {
        self.default_pattern
            .filter(|p| self.integration(*p).is_some())
            .or_else(|| self.integrations.first().map(|i| i.pattern))
            .unwrap_or(Integration::RequestResponse)
    }

    /// The spec of one pattern, if supported.
    pub fn integration(&self, pattern: Integration) -> Option<&IntegrationSpec> {
        self.integrations.iter().find(|i| i.pattern == pattern)
    }

    /// The display title: `service name`, such as `AWS Lambda Invoke`.
    pub fn title(&self) -> String {
        format!("{} {}", self.service, self.name)
    }

    /// A state name to suggest, such as `Lambda Invoke`.
    pub fn suggested_name(&self) -> String {
        let service = self
            .service
            .trim_start_matches("Amazon ")
            .trim_start_matches("AWS ");
        let name = format!("{service} {}", self.name);
        name.chars().take(crate::edit::MAX_NAME_CHARS).collect()
    }

    /// The Task state for `pattern`: `Type`, `Resource`, `Parameters` (with a `TaskToken.$` for
    /// callbacks when the template does not place one), the action's other fields and
    /// `"End": true` (insertion rewires it). `None` when the action does not support `pattern`.
    pub fn state_json(&self, pattern: Integration) -> Option<Value> {
        let spec = self.integration(pattern)?;
        let mut state = Map::new();
        state.insert("Type".into(), Value::from("Task"));
        state.insert("Resource".into(), Value::from(spec.resource.clone()));
        let mut params = spec.parameters.clone().or_else(|| self.parameters.clone());
        if pattern == Integration::WaitForTaskToken && !mentions_task_token(params.as_ref()) {
            let obj = match params.take() {
                Some(Value::Object(obj)) => obj,
                _ => Map::new(),
            };
            let mut obj = obj;
            obj.insert("TaskToken.$".into(), Value::from("$$.Task.Token"));
            params = Some(Value::Object(obj));
        }
        if let Some(params) = params {
            state.insert("Parameters".into(), params);
        }
        for (k, v) in &self.fields {
            state.insert(k.clone(), v.clone());
        }
        state.insert("End".into(), Value::Bool(true));
        Some(Value::Object(state))
    }

    /// The parameters template of `pattern`: its own, else the action's.
    fn template(&self, pattern: Integration) -> Option<&Value> {
        self.integration(pattern)
            .and_then(|s| s.parameters.as_ref())
            .or(self.parameters.as_ref())
    }

    /// What is wrong with the action's form, if anything: fields well formed and named once,
    /// and every pattern's default parameters holding each required field (empty, `""`, is
    /// fine: the validator then asks for it; left out is not).
    pub fn form_problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self.form.iter().flat_map(ServiceField::problems).collect();
        let mut names: Vec<&str> = self.form.iter().map(|f| f.name.as_str()).collect();
        names.sort_unstable();
        if names.windows(2).any(|w| w[0] == w[1]) {
            out.push("a field is listed twice".to_owned());
        }
        for spec in &self.integrations {
            let template = self.template(spec.pattern).and_then(Value::as_object);
            for field in self.form.iter().filter(|f| f.required) {
                let present = template.is_some_and(|t| {
                    std::iter::once(&field.name)
                        .chain(&field.either)
                        .any(|n| FieldValue::of(t, n) != FieldValue::Missing)
                });
                if !present {
                    out.push(format!(
                        "{:?}: the default parameters leave out the required {}",
                        spec.pattern, field.name
                    ));
                }
            }
        }
        out
    }

    /// The Task state for the default pattern.
    pub fn default_state_json(&self) -> Value {
        self.state_json(self.default_integration())
            .unwrap_or_else(|| serde_json::json!({"Type": "Task", "End": true}))
    }
}

fn mentions_task_token(value: Option<&Value>) -> bool {
    match value {
        Some(Value::String(s)) => s.contains("$$.Task.Token"),
        Some(Value::Array(items)) => items.iter().any(|v| mentions_task_token(Some(v))),
        Some(Value::Object(obj)) => obj.values().any(|v| mentions_task_token(Some(v))),
        _ => false,
    }
}

/// A flow state (Choice, Parallel, Map, Pass, Wait, Succeed, Fail): what the Flow tab lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlowState {
    /// Unique id, such as `choice`.
    pub id: String,
    /// The display name, the state type.
    pub name: String,
    /// One line on what it does.
    pub description: String,
    /// More words search should find it by.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The state a new one starts as.
    pub state: Value,
}

impl FlowState {
    /// The state's `Type`.
    pub fn state_type(&self) -> &str {
        self.state.get("Type").and_then(Value::as_str).unwrap_or("")
    }
}

/// A ready-made set of states: what the Patterns tab lists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pattern {
    /// Unique id (the file name without `.json`).
    pub id: String,
    /// The display name.
    pub name: String,
    /// One line on what it does.
    pub description: String,
    /// Grouping, such as `Error handling`.
    #[serde(default)]
    pub category: String,
    /// More words search should find it by.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// The states: `{"Comment", "StartAt", "States"}`, exits with `"End": true`.
    pub definition: Value,
}

/// The three tabs of the states browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    /// AWS service integrations.
    #[default]
    Actions,
    /// Flow states.
    Flow,
    /// Multi-state patterns.
    Patterns,
}

/// One entry of the catalog, of any tab.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Entry<'c> {
    /// An action.
    Action(&'c Action),
    /// A flow state.
    Flow(&'c FlowState),
    /// A pattern.
    Pattern(&'c Pattern),
}

impl<'c> Entry<'c> {
    /// The tab it belongs to.
    pub fn tab(&self) -> Tab {
        match self {
            Self::Action(_) => Tab::Actions,
            Self::Flow(_) => Tab::Flow,
            Self::Pattern(_) => Tab::Patterns,
        }
    }

    /// Its id.
    pub fn id(&self) -> &'c str {
        match *self {
            Self::Action(a) => &a.id,
            Self::Flow(f) => &f.id,
            Self::Pattern(p) => &p.id,
        }
    }

    fn matches(&self, words: &[String]) -> bool {
        let haystack = match self {
            Self::Action(a) => {
                let patterns: Vec<&str> =
                    a.integrations.iter().map(|i| i.resource.as_str()).collect();
                format!(
                    "{} {} {} {} {} {} {}",
                    a.id,
                    a.service,
                    a.name,
                    a.description,
                    a.category,
                    a.keywords.join(" "),
                    patterns.join(" ")
                )
            }
            Self::Flow(f) => format!(
                "{} {} {} {}",
                f.id,
                f.name,
                f.description,
                f.keywords.join(" ")
            ),
            Self::Pattern(p) => format!(
                "{} {} {} {} {}",
                p.id,
                p.name,
                p.description,
                p.category,
                p.keywords.join(" ")
            ),
        }
        .to_lowercase();
        words.iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// A problem reading a catalog file.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a catalog of the expected shape.
    #[error("{path}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// What serde said.
        message: String,
    },
}

/// The bundled catalog, read once (the validator's required parameters).
pub fn bundled() -> &'static Catalog {
    static BUNDLED: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    BUNDLED.get_or_init(Catalog::bundled)
}

/// Everything the states browser offers.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Catalog {
    /// AWS service integrations.
    pub actions: Vec<Action>,
    /// Flow states.
    pub flow: Vec<FlowState>,
    /// Patterns.
    pub patterns: Vec<Pattern>,
}

#[derive(Deserialize)]
struct ActionsFile {
    actions: Vec<Action>,
}

#[derive(Deserialize)]
struct FlowFile {
    flow: Vec<FlowState>,
}

const BUNDLED_ACTIONS: &str = include_str!("../assets/catalog/actions.json");
const BUNDLED_FLOW: &str = include_str!("../assets/catalog/flow.json");
const BUNDLED_PATTERNS: &[(&str, &str)] = &[
    (
        "retry-with-fallback",
        include_str!("../assets/patterns/retry-with-fallback.json"),
    ),
    (
        "human-approval",
        include_str!("../assets/patterns/human-approval.json"),
    ),
    ("saga", include_str!("../assets/patterns/saga.json")),
    (
        "poll-until-done",
        include_str!("../assets/patterns/poll-until-done.json"),
    ),
    (
        "fan-out-fan-in",
        include_str!("../assets/patterns/fan-out-fan-in.json"),
    ),
    (
        "inline-map",
        include_str!("../assets/patterns/inline-map.json"),
    ),
    (
        "distributed-map-csv",
        include_str!("../assets/patterns/distributed-map-csv.json"),
    ),
    (
        "error-notification",
        include_str!("../assets/patterns/error-notification.json"),
    ),
    (
        "wait-for-queue-worker",
        include_str!("../assets/patterns/wait-for-queue-worker.json"),
    ),
];

impl Catalog {
    /// The catalog compiled into the binary. A bundled file that fails to parse (a build
    /// mistake, caught by the tests) is left out rather than panicking.
    pub fn bundled() -> Self {
        let actions = serde_json::from_str::<ActionsFile>(BUNDLED_ACTIONS)
            .map(|f| f.actions)
            .unwrap_or_default();
        let flow = serde_json::from_str::<FlowFile>(BUNDLED_FLOW)
            .map(|f| f.flow)
            .unwrap_or_default();
        let patterns = BUNDLED_PATTERNS
            .iter()
            .filter_map(|(_, text)| serde_json::from_str::<Pattern>(text).ok())
            .collect();
        Self {
            actions,
            flow,
            patterns,
        }
    }

    /// The bundled files that do not parse, with serde's message (for tests).
    pub fn bundled_errors() -> Vec<String> {
        let mut out = Vec::new();
        if let Err(e) = serde_json::from_str::<ActionsFile>(BUNDLED_ACTIONS) {
            out.push(format!("catalog/actions.json: {e}"));
        }
        if let Err(e) = serde_json::from_str::<FlowFile>(BUNDLED_FLOW) {
            out.push(format!("catalog/flow.json: {e}"));
        }
        for (id, text) in BUNDLED_PATTERNS {
            if let Err(e) = serde_json::from_str::<Pattern>(text) {
                out.push(format!("patterns/{id}.json: {e}"));
            }
        }
        out
    }

    /// Reads a catalog from a directory laid out as `assets/`: `catalog/actions.json`,
    /// `catalog/flow.json` and `patterns/*.json`, each optional. Patterns without an `id` take
    /// their file name.
    pub fn load(dir: &Path) -> Result<Self, CatalogError> {
        let mut catalog = Self::default();
        let actions = dir.join("catalog").join("actions.json");
        if actions.is_file() {
            catalog.actions = parse::<ActionsFile>(&actions)?.actions;
        }
        let flow = dir.join("catalog").join("flow.json");
        if flow.is_file() {
            catalog.flow = parse::<FlowFile>(&flow)?.flow;
        }
        let patterns = dir.join("patterns");
        if patterns.is_dir() {
            let entries = std::fs::read_dir(&patterns).map_err(|source| CatalogError::Io {
                path: patterns.clone(),
                source,
            })?;
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for path in files {
                let mut value: Value = parse(&path)?;
                if let (Value::Object(obj), Some(stem)) = (&mut value, path.file_stem()) {
                    obj.entry("id")
                        .or_insert_with(|| Value::from(stem.to_string_lossy().into_owned()));
                }
                let pattern = serde_json::from_value(value).map_err(|e| CatalogError::Format {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
                catalog.patterns.push(pattern);
            }
        }
        Ok(catalog)
    }

    /// Adds another catalog's entries (a user catalog over the bundled one); an entry whose id
    /// is taken replaces the older one.
    pub fn extend(&mut self, other: Catalog) {
        fn merge<T>(into: &mut Vec<T>, from: Vec<T>, id: impl Fn(&T) -> &str) {
            for item in from {
                match into.iter().position(|x| id(x) == id(&item)) {
                    Some(i) => into[i] = item,
                    None => into.push(item),
                }
            }
        }
        merge(&mut self.actions, other.actions, |a| &a.id);
        merge(&mut self.flow, other.flow, |f| &f.id);
        merge(&mut self.patterns, other.patterns, |p| &p.id);
    }

    /// An action by id.
    pub fn action(&self, id: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.id == id)
    }

    /// The action one of whose patterns has `resource` as its ARN, and that pattern.
    pub fn action_for_resource(&self, resource: &str) -> Option<(&Action, Integration)> {
        self.actions.iter().find_map(|a| {
            a.integrations
                .iter()
                .find(|i| i.resource == resource)
                .map(|i| (a, i.pattern))
        })
    }

    /// A flow state by id.
    pub fn flow_state(&self, id: &str) -> Option<&FlowState> {
        self.flow.iter().find(|f| f.id == id)
    }

    /// A pattern by id.
    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    /// Every entry, tab by tab.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.actions
            .iter()
            .map(Entry::Action)
            .chain(self.flow.iter().map(Entry::Flow))
            .chain(self.patterns.iter().map(Entry::Pattern))
    }

    /// The entries of every tab matching `query`: each whitespace-separated word must occur
    /// (case-insensitively) in the entry's name, service, category, description, keywords, id
    /// or resource ARNs. An empty query matches everything.
    pub fn search(&self, query: &str) -> Vec<Entry<'_>> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.entries().filter(|e| e.matches(&words)).collect()
    }
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, CatalogError> {
    let text = std::fs::read_to_string(path).map_err(|source| CatalogError::Io {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|e| CatalogError::Format {
        path: path.to_owned(),
        message: e.to_string(),
    })
}
