//! The Map state: runs a closed set of states (the item processor) for each item of an array or
//! of a dataset read by an ItemReader.

use super::read::{MaybeExpr, Reader};
use super::{QueryLanguage, Scope, read_scope};
use crate::diag::Code;
use crate::pointer::Pointer;
use serde_json::Value;

/// How the Map runs its iterations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProcessorMode {
    /// Iterations run inside the parent execution (at most 40 at once on AWS).
    #[default]
    Inline,
    /// Iterations run as child workflow executions.
    Distributed,
}

impl ProcessorMode {
    /// Both modes, the default first.
    pub const ALL: [ProcessorMode; 2] = [Self::Inline, Self::Distributed];

    /// The `Mode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inline => "INLINE",
            Self::Distributed => "DISTRIBUTED",
        }
    }

    /// What a form calls it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Inline => "Inline",
            Self::Distributed => "Distributed",
        }
    }

    /// Looks a `Mode` value up.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// The workflow type of a distributed Map's child executions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionType {
    /// Standard child executions.
    Standard,
    /// Express child executions.
    Express,
}

impl ExecutionType {
    /// Both types, the default first.
    pub const ALL: [ExecutionType; 2] = [Self::Standard, Self::Express];

    /// The `ExecutionType` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::Express => "EXPRESS",
        }
    }
}

/// Which field held the item processor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorField {
    /// `ItemProcessor`, the current form.
    ItemProcessor,
    /// `Iterator`, the legacy form (inline only).
    Iterator,
}

/// A dataset reader (distributed Map).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ItemReader {
    /// The S3 action that reads (`arn:aws:states:::s3:getObject`, `...:s3:listObjectsV2`).
    pub resource: Option<String>,
    /// How to read (`InputType`, CSV headers, `MaxItems`...), as written.
    pub reader_config: Option<Value>,
    /// Bucket and key (JSONPath).
    pub parameters: Option<Value>,
    /// Bucket and key (JSONata).
    pub arguments: Option<Value>,
}

/// Where a distributed Map writes its results.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ResultWriter {
    /// `arn:aws:states:::s3:putObject`.
    pub resource: Option<String>,
    /// Bucket and prefix (JSONPath).
    pub parameters: Option<Value>,
    /// Bucket and prefix (JSONata).
    pub arguments: Option<Value>,
    /// Output type and transformation, as written.
    pub writer_config: Option<Value>,
}

/// A Map state's own fields.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Map {
    /// The states run for each item.
    pub processor: Option<Scope>,
    /// Which field held the processor, if any.
    pub processor_field: Option<ProcessorField>,
    /// Inline or distributed.
    pub mode: ProcessorMode,
    /// Child execution type (distributed).
    pub execution_type: Option<ExecutionType>,
    /// The array to iterate over (JSONPath).
    pub items_path: Option<String>,
    /// The array to iterate over (JSONata: an array or an expression).
    pub items: Option<Value>,
    /// Reshapes each item before it runs.
    pub item_selector: Option<Value>,
    /// Reads a dataset instead of an array from the input.
    pub item_reader: Option<ItemReader>,
    /// Groups items into batches, as written.
    pub item_batcher: Option<Value>,
    /// Writes results to S3 instead of returning them.
    pub result_writer: Option<ResultWriter>,
    /// Iterations at most at once (0: as many as possible).
    pub max_concurrency: Option<MaybeExpr<u64>>,
    /// Reference path to the concurrency in the input.
    pub max_concurrency_path: Option<String>,
    /// Percentage of failed items tolerated.
    pub tolerated_failure_percentage: Option<MaybeExpr<f64>>,
    /// Reference path to the percentage.
    pub tolerated_failure_percentage_path: Option<String>,
    /// Number of failed items tolerated.
    pub tolerated_failure_count: Option<MaybeExpr<u64>>,
    /// Reference path to the count.
    pub tolerated_failure_count_path: Option<String>,
    /// A label for child execution names (distributed).
    pub label: Option<String>,
}

const ITEM_READER_FIELDS: &[&str] = &["Resource", "ReaderConfig", "Parameters", "Arguments"];
const RESULT_WRITER_FIELDS: &[&str] = &["Resource", "Parameters", "Arguments", "WriterConfig"];
const PROCESSOR_CONFIG_FIELDS: &[&str] = &["Mode", "ExecutionType"];

pub(crate) fn read(r: &mut Reader<'_>, language: QueryLanguage) -> Map {
    let mut map = Map {
        items_path: r.string("ItemsPath"),
        items: r.value("Items"),
        item_selector: r.value("ItemSelector"),
        max_concurrency: r.uint_or_expr("MaxConcurrency"),
        max_concurrency_path: r.string("MaxConcurrencyPath"),
        tolerated_failure_percentage: r.number_or_expr("ToleratedFailurePercentage"),
        tolerated_failure_percentage_path: r.string("ToleratedFailurePercentagePath"),
        tolerated_failure_count: r.uint_or_expr("ToleratedFailureCount"),
        tolerated_failure_count_path: r.string("ToleratedFailureCountPath"),
        label: r.string("Label"),
        ..Map::default()
    };
    let field = match (r.has("ItemProcessor"), r.has("Iterator")) {
        (true, true) => {
            r.diags.push(
                Code::ConflictingFields,
                r.pointer.key("Iterator"),
                "A Map has either ItemProcessor or the older Iterator, not both: remove Iterator.",
            );
            Some(("ItemProcessor", ProcessorField::ItemProcessor))
        }
        (true, false) => Some(("ItemProcessor", ProcessorField::ItemProcessor)),
        (false, true) => Some(("Iterator", ProcessorField::Iterator)),
        (false, false) => {
            r.diags.push(
                Code::MissingField,
                r.pointer.clone(),
                "A Map state needs an ItemProcessor with the StartAt and States to run for each item.",
            );
            None
        }
    };
    if let Some((key, which)) = field
        && let Some(obj) = r.object(key)
    {
        let pointer = r.pointer.key(key);
        map.processor = Some(read_scope(
            obj,
            pointer.clone(),
            r.diags,
            "an item processor",
            language,
        ));
        map.processor_field = Some(which);
        if let Some(config) = obj.get("ProcessorConfig") {
            read_processor_config(&mut map, config, pointer.key("ProcessorConfig"), r);
        }
    }
    if let Some(obj) = r.object("ItemReader") {
        let mut rr = Reader::new(obj, r.pointer.key("ItemReader"), r.diags);
        rr.unknown_fields(ITEM_READER_FIELDS, "an ItemReader");
        map.item_reader = Some(ItemReader {
            resource: rr.string("Resource"),
            reader_config: rr.object("ReaderConfig").map(|o| Value::Object(o.clone())),
            parameters: rr.value("Parameters"),
            arguments: rr.value("Arguments"),
        });
    }
    map.item_batcher = r.object("ItemBatcher").map(|o| Value::Object(o.clone()));
    if let Some(obj) = r.object("ResultWriter") {
        let mut rr = Reader::new(obj, r.pointer.key("ResultWriter"), r.diags);
        rr.unknown_fields(RESULT_WRITER_FIELDS, "a ResultWriter");
        map.result_writer = Some(ResultWriter {
            resource: rr.string("Resource"),
            parameters: rr.value("Parameters"),
            arguments: rr.value("Arguments"),
            writer_config: rr.object("WriterConfig").map(|o| Value::Object(o.clone())),
        });
    }
    map
}

fn read_processor_config(map: &mut Map, config: &Value, pointer: Pointer, r: &mut Reader<'_>) {
    let Value::Object(obj) = config else {
        r.diags.push(
            Code::WrongType,
            pointer,
            "ProcessorConfig must be an object.",
        );
        return;
    };
    let mut rr = Reader::new(obj, pointer.clone(), r.diags);
    rr.unknown_fields(PROCESSOR_CONFIG_FIELDS, "ProcessorConfig");
    match rr.string("Mode").as_deref() {
        None | Some("INLINE") => map.mode = ProcessorMode::Inline,
        Some("DISTRIBUTED") => map.mode = ProcessorMode::Distributed,
        Some(other) => rr.diags.push(
            Code::InvalidValue,
            pointer.key("Mode"),
            format!("Mode must be \"INLINE\" or \"DISTRIBUTED\", not \"{other}\"."),
        ),
    }
    match rr.string("ExecutionType").as_deref() {
        None => {}
        Some("STANDARD") => map.execution_type = Some(ExecutionType::Standard),
        Some("EXPRESS") => map.execution_type = Some(ExecutionType::Express),
        Some(other) => rr.diags.push(
            Code::InvalidValue,
            pointer.key("ExecutionType"),
            format!("ExecutionType must be \"STANDARD\" or \"EXPRESS\", not \"{other}\"."),
        ),
    }
}
