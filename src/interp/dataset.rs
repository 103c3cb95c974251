//! A distributed Map's dataset: the ItemReader (an S3 object read as JSON, JSON Lines or CSV, or
//! a bucket listing) and the ItemBatcher that groups the items, as Step Functions documents them.
//!
//! The readers here are pure: text in, items out, with AWS's parsing rules. The interpreter
//! evaluates the reader's `Parameters`/`Arguments` and `ReaderConfig`, fetches the object from its
//! [`ObjectStore`](crate::tasks::objects::ObjectStore), and raises `States.ItemReaderFailed` with
//! the message of any [`ReadError`].

use super::compile::Dynamic;
use super::jsonata::JTemplate;
use super::template::Template;
use crate::expr::path::Path;
use crate::tasks::objects::ObjectInfo;
use crate::value::{ObjectMap, Val};
use std::sync::Arc;

/// AWS reads CSV headers of at most 10 KiB.
pub const MAX_CSV_HEADER_BYTES: usize = 10 * 1024;

/// A compiled ItemReader.
#[derive(Debug, Clone)]
pub struct Reader {
    /// `arn:aws:states:::s3:getObject`, `arn:aws:states:::s3:listObjectsV2`...
    pub resource: Arc<str>,
    /// `ReaderConfig` (evaluated first in JSONata).
    pub config: Option<JTemplate>,
    /// `ReaderConfig.MaxItemsPath` (JSONPath): read from the state input.
    pub max_items_path: Option<Path>,
    /// `Parameters` (JSONPath) or `Arguments` (JSONata): the bucket and key or prefix.
    pub payload: Option<Payload>,
}

/// A payload evaluated against the state input: JSONPath `Parameters` or JSONata `Arguments`.
#[derive(Debug, Clone)]
pub enum Payload {
    /// `Parameters`.
    Path(Template),
    /// `Arguments`.
    Jsonata(JTemplate),
}

/// A compiled ItemBatcher.
#[derive(Debug, Clone)]
pub struct Batcher {
    /// `MaxItemsPerBatch` or its Path (JSONPath).
    pub max_items: Option<Dynamic<u64>>,
    /// `MaxInputBytesPerBatch` or its Path (JSONPath).
    pub max_bytes: Option<Dynamic<u64>>,
    /// `BatchInput` (JSONPath).
    pub batch_input: Option<Template>,
    /// The whole ItemBatcher, evaluated at once (JSONata).
    pub jsonata: Option<JTemplate>,
}

pub use crate::model::dataset::InputType;
use crate::model::dataset::{CsvDelimiter, HeaderLocation, one_of};

/// Where a CSV file's column names come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Headers {
    /// The first row (`CSVHeaderLocation: FIRST_ROW`, the default).
    FirstRow,
    /// `CSVHeaderLocation: GIVEN` with `CSVHeaders`.
    Given(Vec<String>),
}

/// An evaluated `ReaderConfig`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReaderConfig {
    /// `InputType`, if given.
    pub input_type: Option<InputType>,
    /// Where the CSV headers are.
    pub headers: Headers,
    /// `CSVDelimiter` as a character (comma by default).
    pub delimiter: char,
    /// `MaxItems`: read at most this many items (`None` or 0: all of them).
    pub max_items: Option<u64>,
}

impl Default for ReaderConfig {
    fn default() -> Self {
        Self {
            input_type: None,
            headers: Headers::FirstRow,
            delimiter: ',',
            max_items: None,
        }
    }
}

/// Why a dataset could not be read: the cause of `States.ItemReaderFailed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ReadError> {
    Err(ReadError(message.into()))
}

impl ReaderConfig {
    /// Reads an evaluated `ReaderConfig` object (`MaxItemsPath` is resolved by the caller).
    pub fn from_value(config: &Val) -> Result<Self, ReadError> {
        let mut out = Self::default();
        let Some(map) = config.as_object() else {
            return fail(format!("ReaderConfig must be an object, not {config}."));
        };
        let text = |field: &str| -> Result<Option<&str>, ReadError> {
            match map.get(field) {
                None | Some(Val::Null) => Ok(None),
                Some(Val::String(s)) => Ok(Some(s)),
                Some(other) => fail(format!(
                    "ReaderConfig.{field} must be a string, not {other}."
                )),
            }
        };
        out.input_type = match text("InputType")? {
            None => None,
            Some(name) => match InputType::from_name(name) {
                Some(t) => Some(t),
                None => {
                    return fail(format!(
                        "ReaderConfig.InputType must be {}, not '{name}'.",
                        one_of(InputType::NAMES)
                    ));
                }
            },
        };
        out.headers = match text("CSVHeaderLocation")?.map(|n| (n, HeaderLocation::from_name(n))) {
            None | Some((_, Some(HeaderLocation::FirstRow))) => Headers::FirstRow,
            Some((_, Some(HeaderLocation::Given))) => {
                let names = match map.get("CSVHeaders").and_then(Val::as_array) {
                    Some(items) => items
                        .iter()
                        .map(|h| h.as_str().map(str::to_owned))
                        .collect::<Option<Vec<_>>>(),
                    None => None,
                };
                match names {
                    Some(names) if !names.is_empty() => Headers::Given(names),
                    _ => {
                        return fail(
                            "CSVHeaderLocation GIVEN needs CSVHeaders: a non-empty array of column names.",
                        );
                    }
                }
            }
            Some((other, None)) => {
                return fail(format!(
                    "ReaderConfig.CSVHeaderLocation must be {}, not '{other}'.",
                    one_of(HeaderLocation::NAMES)
                ));
            }
        };
        out.delimiter = match text("CSVDelimiter")? {
            None => ',',
            Some(name) => match CsvDelimiter::from_name(name) {
                Some(d) => d.char(),
                None => {
                    return fail(format!(
                        "ReaderConfig.CSVDelimiter must be {}, not '{name}'.",
                        one_of(CsvDelimiter::NAMES)
                    ));
                }
            },
        };
        out.max_items = match map.get("MaxItems") {
            None | Some(Val::Null) => None,
            Some(v) => Some(whole_number(v).ok_or_else(|| {
                ReadError(format!(
                    "ReaderConfig.MaxItems must be a whole number of at least 0, not {v}."
                ))
            })?),
        };
        Ok(out)
    }

    fn limit(&self, items: &mut Vec<Val>) {
        if let Some(max) = self.max_items.filter(|m| *m > 0) {
            items.truncate(usize::try_from(max).unwrap_or(usize::MAX));
        }
    }

    /// Whether at most `n` items are wanted and `n` are already read.
    fn full(&self, n: usize) -> bool {
        self.max_items
            .filter(|m| *m > 0)
            .is_some_and(|m| n as u64 >= m)
    }
}

/// A non-negative whole number (`3`, `3.0`).
pub fn whole_number(v: &Val) -> Option<u64> {
    let f = v.as_f64()?;
    (f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64)
}

/// The text of an object, or why it is not text.
pub fn utf8(body: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(body).map_err(|e| {
        ReadError(format!(
            "The object is not UTF-8 text (invalid byte at offset {}).",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The items of a JSON object holding an array.
pub fn json_items(text: &str, config: &ReaderConfig) -> Result<Vec<Val>, ReadError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        ReadError(format!(
            "The object is not valid JSON (line {}, column {}): {e}",
            e.line(),
            e.column()
        ))
    })?;
    match Val::from(value) {
        Val::Array(a) => {
            let mut items = a.items().to_vec();
            config.limit(&mut items);
            Ok(items)
        }
        // AWS's words when the JSON is not an array.
        _ => fail("Attempting to map over non-iterable node."),
    }
}

/// The items of a JSON Lines object: one JSON value each non-blank line.
pub fn jsonl_items(text: &str, config: &ReaderConfig) -> Result<Vec<Val>, ReadError> {
    let mut items = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if config.full(items.len()) {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            ReadError(format!(
                "Line {} of the JSON Lines object is not valid JSON: {e}",
                i + 1
            ))
        })?;
        items.push(Val::from(value));
    }
    Ok(items)
}

/// One CSV record: its fields and its length in the text.
struct Record {
    fields: Vec<String>,
    bytes: usize,
}

/// Splits delimited text into records with Step Functions' rules: newlines end records (CRLF
/// too), double quotes enclose fields that hold the delimiter, quotes or newlines (`""` is a
/// quote), and a backslash takes the next character literally (`\\` is a backslash). Blank
/// lines are skipped.
struct CsvRecords<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    text: &'a str,
    delimiter: char,
    line: usize,
}

impl<'a> CsvRecords<'a> {
    fn new(text: &'a str, delimiter: char) -> Self {
        // A byte order mark (spreadsheet exports write one) is not part of the first header.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Self {
            chars: text.char_indices().peekable(),
            text,
            delimiter,
            line: 1,
        }
    }

    fn next_record(&mut self) -> Result<Option<Record>, ReadError> {
        loop {
            let Some(&(start, _)) = self.chars.peek() else {
                return Ok(None);
            };
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            let mut quote_line = 0;
            let mut touched = false;
            let mut end = self.text.len();
            while let Some((at, c)) = self.chars.next() {
                match c {
                    '\\' => {
                        touched = true;
                        if let Some((_, next)) = self.chars.next() {
                            if next == '\n' {
                                self.line += 1;
                            }
                            field.push(next);
                        }
                    }
                    '"' if quoted => {
                        if matches!(self.chars.peek(), Some((_, '"'))) {
                            self.chars.next();
                            field.push('"');
                        } else {
                            quoted = false;
                        }
                    }
                    '"' if field.is_empty() && !touched => {
                        quoted = true;
                        touched = true;
                        quote_line = self.line;
                    }
                    '\n' if quoted => {
                        self.line += 1;
                        field.push('\n');
                    }
                    '\r' if !quoted && matches!(self.chars.peek(), Some((_, '\n'))) => {}
                    '\n' => {
                        self.line += 1;
                        end = at;
                        break;
                    }
                    c if c == self.delimiter && !quoted => {
                        fields.push(std::mem::take(&mut field));
                        touched = false;
                    }
                    c => {
                        touched = true;
                        field.push(c);
                    }
                }
            }
            if quoted {
                return fail(format!(
                    "The CSV object ends inside a quoted field that opens on line {quote_line}: close it with a double quote."
                ));
            }
            let blank = fields.is_empty() && field.is_empty() && !touched;
            fields.push(field);
            if blank {
                if self.chars.peek().is_none() {
                    return Ok(None);
                }
                continue;
            }
            return Ok(Some(Record {
                fields,
                bytes: end - start,
            }));
        }
    }
}

/// The items of a CSV object: one object a row, keyed by the column names, every value a string.
/// A row with fewer fields than headers gets empty strings; extra fields are dropped.
pub fn csv_items(text: &str, config: &ReaderConfig) -> Result<Vec<Val>, ReadError> {
    let mut records = CsvRecords::new(text, config.delimiter);
    let headers: Vec<Arc<str>> = match &config.headers {
        Headers::Given(names) => names.iter().map(|n| Arc::from(n.as_str())).collect(),
        Headers::FirstRow => match records.next_record()? {
            Some(first) => {
                if first.bytes > MAX_CSV_HEADER_BYTES {
                    return fail(format!(
                        "The CSV header row is {} bytes; Step Functions reads headers of at most 10 KiB.",
                        first.bytes
                    ));
                }
                first.fields.iter().map(|n| Arc::from(n.as_str())).collect()
            }
            None => return Ok(Vec::new()),
        },
    };
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = headers.iter().find(|h| !seen.insert(&***h)) {
        return fail(format!(
            "CSV headers cannot contain duplicates (the column '{dup}' appears twice)."
        ));
    }
    let mut items = Vec::new();
    while !config.full(items.len()) {
        let Some(record) = records.next_record()? else {
            break;
        };
        let mut fields = record.fields.into_iter();
        let mut row = ObjectMap::with_capacity_and_hasher(headers.len(), Default::default());
        for name in &headers {
            let value = fields.next().unwrap_or_default();
            row.insert(name.clone(), Val::String(Arc::from(value)));
        }
        items.push(Val::object(row));
    }
    Ok(items)
}

/// The items of a bucket listing, shaped as Step Functions passes them: `Etag`, `Key`,
/// `LastModified` (seconds since the epoch), `Size` and `StorageClass` (always `STANDARD` here).
pub fn listing_items(objects: &[ObjectInfo], config: &ReaderConfig) -> Vec<Val> {
    let mut items: Vec<Val> = objects
        .iter()
        .map(|o| {
            let mut m = ObjectMap::with_capacity_and_hasher(5, Default::default());
            m.insert("Etag".into(), Val::string(&o.etag));
            m.insert("Key".into(), Val::string(&o.key));
            m.insert(
                "LastModified".into(),
                Val::int(o.last_modified.div_euclid(1000)),
            );
            m.insert(
                "Size".into(),
                Val::int(i64::try_from(o.size).unwrap_or(i64::MAX)),
            );
            m.insert("StorageClass".into(), Val::string("STANDARD"));
            Val::object(m)
        })
        .collect();
    config.limit(&mut items);
    items
}

/// Groups items into batch inputs `{"BatchInput": ..., "Items": [...]}` (BatchInput only when
/// given): at most `max_items` items and `max_bytes` bytes of JSON a batch (either limit may be
/// absent). An item too large for `max_bytes` on its own makes a batch by itself.
pub fn batches(
    items: Vec<Val>,
    max_items: Option<u64>,
    max_bytes: Option<u64>,
    batch_input: Option<&Val>,
) -> Vec<(Val, usize)> {
    let max_items = max_items
        .filter(|m| *m > 0)
        .map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    let max_bytes = max_bytes
        .filter(|m| *m > 0)
        .map_or(usize::MAX, |m| usize::try_from(m).unwrap_or(usize::MAX));
    let make = |items: Vec<Val>| {
        let n = items.len();
        let mut m = ObjectMap::with_capacity_and_hasher(2, Default::default());
        if let Some(b) = batch_input {
            m.insert("BatchInput".into(), b.clone());
        }
        m.insert("Items".into(), Val::array(items));
        (Val::object(m), n)
    };
    // The size of a batch with no items, then one item adds its size and a comma.
    let empty = make(Vec::new()).0.json_size();
    let mut out = Vec::new();
    let mut current: Vec<Val> = Vec::new();
    let mut size = empty;
    for item in items {
        let adds = item.json_size() + usize::from(!current.is_empty());
        if !current.is_empty() && (current.len() >= max_items || size + adds > max_bytes) {
            out.push(make(std::mem::take(&mut current)));
            size = empty;
        }
        size += item.json_size() + usize::from(!current.is_empty());
        current.push(item);
    }
    if !current.is_empty() {
        out.push(make(current));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn csv(text: &str) -> Vec<serde_json::Value> {
        csv_items(text, &ReaderConfig::default())
            .expect("reads")
            .iter()
            .map(Val::to_value)
            .collect()
    }

    #[test]
    fn csv_rows_become_objects_of_strings() {
        assert_eq!(
            csv("id,name\n1,Ann\r\n2,\"Bo, Jr.\"\n\n3\n4,Cy,extra\n"),
            [
                json!({"id": "1", "name": "Ann"}),
                json!({"id": "2", "name": "Bo, Jr."}),
                json!({"id": "3", "name": ""}),
                json!({"id": "4", "name": "Cy"}),
            ]
        );
    }

    #[test]
    fn csv_quotes_and_backslashes_follow_the_documented_rules() {
        assert_eq!(
            csv("a,b\n\"say \"\"hi\"\"\nthere\",C:\\\\dir\\,x\n\\\"q\\\",\\z\n"),
            [
                json!({"a": "say \"hi\"\nthere", "b": "C:\\dir,x"}),
                json!({"a": "\"q\"", "b": "z"}),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_an_error_naming_its_line() {
        let e = csv_items("a\n\"open\n", &ReaderConfig::default()).expect_err("fails");
        assert!(e.0.contains("line 2"), "{e:?}");
    }

    #[test]
    fn duplicate_headers_are_refused() {
        let e = csv_items("a,a\n1,2\n", &ReaderConfig::default()).expect_err("fails");
        assert!(
            e.0.starts_with("CSV headers cannot contain duplicates"),
            "{e:?}"
        );
    }

    #[test]
    fn other_delimiters_and_given_headers() {
        let config = ReaderConfig::from_value(&Val::from(json!({
            "InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["x", "y"],
            "CSVDelimiter": "PIPE", "MaxItems": 1
        })))
        .expect("config");
        let items = csv_items("1|a,b\n2|c\n", &config).expect("reads");
        assert_eq!(
            items.iter().map(Val::to_value).collect::<Vec<_>>(),
            [json!({"x": "1", "y": "a,b"})]
        );
    }

    #[test]
    fn batches_respect_both_limits() {
        let items: Vec<Val> = (0..5).map(Val::int).collect();
        let sizes = |b: &[(Val, usize)]| b.iter().map(|(_, n)| *n).collect::<Vec<_>>();
        assert_eq!(
            sizes(&batches(items.clone(), Some(2), None, None)),
            [2, 2, 1]
        );
        // {"Items":[]} is 12 bytes; each digit adds one, each comma one.
        assert_eq!(
            sizes(&batches(items.clone(), None, Some(15), None)),
            [2, 2, 1]
        );
        let with_input = batches(items, Some(5), None, Some(&Val::from(json!({"k": 1}))));
        assert_eq!(
            with_input[0].0.to_value(),
            json!({"BatchInput": {"k": 1}, "Items": [0, 1, 2, 3, 4]})
        );
    }
}
