//! The interpreter's side of a distributed Map's dataset and results: evaluating the ItemReader,
//! ItemBatcher and ResultWriter fields against the state input, reading and writing through the
//! run's object store, and raising `States.ItemReaderFailed` / `States.ResultWriterFailed`.

use super::compile::{CState, Dynamic};
use super::dataset::{self, Batcher, InputType, Payload, ReadError, Reader, ReaderConfig};
use super::error::StateError;
use super::results::{self, ChildRun, MapRun, Target, Writer, WriterConfig};
use super::{Execution, FrameId};
use crate::model::ErrorName;
use crate::tasks::objects::ObjectStore;
use crate::value::Val;
use std::sync::Arc;

/// What a Map with a ResultWriter keeps while it runs.
#[derive(Debug, Clone)]
pub(super) struct Record {
    /// The Map Run's ARNs.
    pub run: MapRun,
    /// Where the results are exported (`None`: only shaped in the output).
    pub target: Option<Target>,
    /// How they are shaped.
    pub config: WriterConfig,
    /// One entry per started child, in item order.
    pub children: Vec<ChildRun>,
}

const GET_OBJECT: &str = "arn:aws:states:::s3:getObject";
const LIST_OBJECTS: &str = "arn:aws:states:::s3:listObjectsV2";
const PUT_OBJECT: &str = "arn:aws:states:::s3:putObject";

/// How a run without an object store can get one.
const HOW_TO_GIVE_A_STORE: &str = "give the run a local object store: `stepcraft run --s3-root DIR` or `stepcraft test --s3-root DIR` (or `s3Root` in a test file) serve s3://Bucket/Key from DIR/Bucket/Key";

impl Execution {
    fn reader_failed(&self, fid: FrameId, state: &CState, detail: &str) -> StateError {
        let cause = self.runtime_cause(&self.frames[fid], state, detail);
        StateError::new(ErrorName::ItemReaderFailed, Some(cause))
    }

    fn writer_failed(&self, fid: FrameId, state: &CState, detail: &str) -> StateError {
        let cause = self.runtime_cause(&self.frames[fid], state, detail);
        StateError::new(ErrorName::ResultWriterFailed, Some(cause))
    }

    /// Evaluates `Parameters` or `Arguments` against the Map's input.
    fn map_payload(
        &mut self,
        fid: FrameId,
        state: &CState,
        payload: Option<&Payload>,
    ) -> Result<Val, StateError> {
        match payload {
            None => Ok(Val::object(crate::value::ObjectMap::default())),
            Some(Payload::Path(t)) => {
                let ctx = self.ctx_for(fid, state);
                let effective = self.frames[fid].effective.clone();
                self.eval_template(fid, state, t, &effective, &ctx)
            }
            Some(Payload::Jsonata(t)) => self.jeval(fid, state, t, None, None),
        }
    }

    /// Evaluates a JSONata-or-literal config field.
    fn map_config(
        &mut self,
        fid: FrameId,
        state: &CState,
        config: Option<&super::jsonata::JTemplate>,
    ) -> Result<Option<Val>, StateError> {
        config
            .map(|t| self.jeval(fid, state, t, None, None))
            .transpose()
    }

    /// The items an ItemReader reads.
    pub(super) fn read_items(
        &mut self,
        fid: FrameId,
        state: &CState,
        reader: &Reader,
    ) -> Result<Vec<Val>, StateError> {
        let params = self.map_payload(fid, state, reader.payload.as_ref())?;
        let config_value = self.map_config(fid, state, reader.config.as_ref())?;
        let mut config = match &config_value {
            Some(v) => ReaderConfig::from_value(v)
                .map_err(|ReadError(m)| self.reader_failed(fid, state, &m))?,
            None => ReaderConfig::default(),
        };
        if let Some(p) = &reader.max_items_path {
            config.max_items =
                Some(self.number(fid, state, &Dynamic::Path(p.clone()), "MaxItems")?);
        }
        let text_field = |field: &str| match params.get(field) {
            Some(Val::String(s)) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        };
        let resource = &*reader.resource;
        let Some(bucket) = text_field("Bucket") else {
            return Err(self.reader_failed(
                fid,
                state,
                &format!("The ItemReader ({resource}) needs a Bucket in its parameters, but they were {params}."),
            ));
        };
        let store = self.config.objects.clone();
        match resource {
            GET_OBJECT => {
                let Some(key) = text_field("Key") else {
                    return Err(self.reader_failed(
                        fid,
                        state,
                        &format!("The ItemReader ({resource}) needs a Key in its parameters, but they were {params}."),
                    ));
                };
                let store = self.need_store(fid, state, store, &format!("s3://{bucket}/{key}"))?;
                let body = store.get(&bucket, &key).map_err(|e| {
                    self.reader_failed(
                        fid,
                        state,
                        &format!("Reading {} failed: {e}", store.location(&bucket, &key)),
                    )
                })?;
                let parsed = dataset::utf8(body).and_then(|text| {
                    match config.input_type.unwrap_or(InputType::Json) {
                        InputType::Json => dataset::json_items(&text, &config),
                        InputType::Jsonl => dataset::jsonl_items(&text, &config),
                        InputType::Csv => dataset::csv_items(&text, &config),
                        other => Err(ReadError(format!(
                            "InputType {} cannot be read in a local run yet: convert the dataset to CSV, JSON or JSON Lines.",
                            other.as_str()
                        ))),
                    }
                });
                parsed.map_err(|ReadError(m)| {
                    self.reader_failed(fid, state, &format!("s3://{bucket}/{key}: {m}"))
                })
            }
            LIST_OBJECTS => {
                let prefix = text_field("Prefix").unwrap_or_default();
                let store =
                    self.need_store(fid, state, store, &format!("s3://{bucket}/{prefix}"))?;
                let objects = store.list(&bucket, &prefix).map_err(|e| {
                    self.reader_failed(
                        fid,
                        state,
                        &format!("Listing s3://{bucket}/{prefix} failed: {e}"),
                    )
                })?;
                Ok(dataset::listing_items(&objects, &config))
            }
            other => Err(self.reader_failed(
                fid,
                state,
                &format!(
                    "A local run reads datasets with {GET_OBJECT} or {LIST_OBJECTS}, not {other}."
                ),
            )),
        }
    }

    fn need_store(
        &self,
        fid: FrameId,
        state: &CState,
        store: Option<Arc<dyn ObjectStore>>,
        what: &str,
    ) -> Result<Arc<dyn ObjectStore>, StateError> {
        store.ok_or_else(|| {
            self.reader_failed(
                fid,
                state,
                &format!("The ItemReader reads {what}, and this run has no object store to read it from: {HOW_TO_GIVE_A_STORE}."),
            )
        })
    }

    /// Groups the (selected) items into batch inputs, with the number of items in each.
    pub(super) fn batch_items(
        &mut self,
        fid: FrameId,
        state: &CState,
        batcher: &Batcher,
        items: Vec<Val>,
    ) -> Result<Vec<(Val, usize)>, StateError> {
        let (max_items, max_bytes, batch_input) = match &batcher.jsonata {
            Some(t) => {
                let v = self.jeval(fid, state, t, None, None)?;
                let number = |this: &mut Self, field: &str| {
                    match v.get(field) {
                    None | Some(Val::Null) => Ok(None),
                    Some(n) => dataset::whole_number(n).map(Some).ok_or_else(|| {
                        this.query_error(
                            fid,
                            state,
                            &format!("The value of the field 'ItemBatcher/{field}' must be a whole number, but was: {n}"),
                        )
                    }),
                }
                };
                let items = number(self, "MaxItemsPerBatch")?;
                let bytes = number(self, "MaxInputBytesPerBatch")?;
                (items, bytes, v.get("BatchInput").cloned())
            }
            None => {
                let items = batcher
                    .max_items
                    .as_ref()
                    .map(|f| self.number(fid, state, f, "MaxItemsPerBatch"))
                    .transpose()?;
                let bytes = batcher
                    .max_bytes
                    .as_ref()
                    .map(|f| self.number(fid, state, f, "MaxInputBytesPerBatch"))
                    .transpose()?;
                let input = match &batcher.batch_input {
                    Some(t) => {
                        let ctx = self.ctx_for(fid, state);
                        let effective = self.frames[fid].effective.clone();
                        Some(self.eval_template(fid, state, t, &effective, &ctx)?)
                    }
                    None => None,
                };
                (items, bytes, input)
            }
        };
        Ok(dataset::batches(
            items,
            max_items,
            max_bytes,
            batch_input.as_ref(),
        ))
    }

    /// Evaluates a ResultWriter before the children start: the bucket and prefix to export to
    /// (checked against the run's object store) and the WriterConfig.
    pub(super) fn writer_setup(
        &mut self,
        fid: FrameId,
        state: &CState,
        writer: &Writer,
    ) -> Result<(Option<Target>, WriterConfig), StateError> {
        let config_value = self.map_config(fid, state, writer.config.as_ref())?;
        let target = match writer.resource.as_deref() {
            None => None,
            Some(PUT_OBJECT) => {
                let params = self.map_payload(fid, state, writer.payload.as_ref())?;
                let target =
                    Target::from_value(&params).map_err(|m| self.writer_failed(fid, state, &m))?;
                if self.config.objects.is_none() {
                    return Err(self.writer_failed(
                        fid,
                        state,
                        &format!(
                            "The ResultWriter writes to s3://{}/{}, and this run has no object store to write to: {HOW_TO_GIVE_A_STORE}.",
                            target.bucket, target.prefix
                        ),
                    ));
                }
                Some(target)
            }
            Some(other) => {
                return Err(self.writer_failed(
                    fid,
                    state,
                    &format!("A local run writes results with {PUT_OBJECT}, not {other}."),
                ));
            }
        };
        let config = WriterConfig::from_value(config_value.as_ref(), target.is_some())
            .map_err(|m| self.writer_failed(fid, state, &m))?;
        Ok((target, config))
    }

    /// The ARNs of a new Map Run of this state.
    pub(super) fn new_map_run(&mut self, label: &str, express: bool) -> MapRun {
        let id = crate::expr::functions::uuid(&mut self.rng);
        let machine = self
            .context_machine
            .get("Id")
            .and_then(Val::as_str)
            .unwrap_or_default()
            .to_owned();
        MapRun::new(&machine, label, &id, express)
    }

    /// Writes (or shapes) the results of a finished Map Run; returns the Map's result.
    pub(super) fn finish_record(
        &mut self,
        fid: FrameId,
        state: &CState,
        record: &Record,
    ) -> Result<Val, StateError> {
        match (&record.target, &self.config.objects) {
            (Some(target), Some(store)) => results::export(
                &**store,
                target,
                record.config,
                &record.run,
                &record.children,
            )
            .map_err(|m| self.writer_failed(fid, state, &m)),
            _ => Ok(results::inline_results(
                &record.run,
                &record.children,
                record.config,
            )),
        }
    }
}
