//! A distributed Map's ItemReader, ItemBatcher and ResultWriter over a directory of real files
//! standing in for S3: CSV (first-row and given headers, delimiters, quotes), JSON, JSON Lines,
//! bucket listings, MaxItems, the errors AWS names, and the result files with the Map output
//! that points at them.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stepcraft::interp::compile::Program;
use stepcraft::interp::{Config, Execution, Status};
use stepcraft::tasks::objects::{DirStore, ObjectStore};
use stepcraft::tasks::{TableResolver, TaskOutcome, TaskResolver};
use stepcraft::value::Val;
use stepcraft::{Document, Format};

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "stepcraft-item-reader-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// Writes `ROOT/bucket/key`.
    fn file(&self, bucket: &str, key: &str, text: &str) -> PathBuf {
        let path = self.0.join(bucket).join(key);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dirs");
        std::fs::write(&path, text).expect("write");
        path
    }

    fn read(&self, bucket: &str, key: &str) -> Value {
        let text = std::fs::read_to_string(self.0.join(bucket).join(key))
            .unwrap_or_else(|e| panic!("{bucket}/{key}: {e}"));
        serde_json::from_str(&text).expect("JSON")
    }

    fn store(&self) -> Arc<dyn ObjectStore> {
        Arc::new(DirStore::new(&self.0))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn program(definition: &Value) -> Arc<Program> {
    let doc = Document::from_value(definition.clone(), Format::Json);
    let (machine, _) = doc.model();
    Arc::new(Program::compile(&machine).expect("compiles"))
}

fn run_with(
    definition: &Value,
    input: Value,
    store: Option<Arc<dyn ObjectStore>>,
    resolver: Box<dyn TaskResolver>,
) -> Status {
    let config = Config {
        objects: store,
        ..Config::default()
    };
    Execution::new(program(definition), Val::from(input), config, resolver)
        .run()
        .clone()
}

fn run(definition: &Value, input: Value, store: Option<Arc<dyn ObjectStore>>) -> Status {
    run_with(definition, input, store, Box::new(TableResolver::new()))
}

fn output(status: &Status) -> Value {
    match status {
        Status::Succeeded(v) => v.to_value(),
        other => panic!("expected success, got {other:?}"),
    }
}

fn failure(status: &Status) -> (String, String) {
    match status {
        Status::Failed { error, cause } => (
            error.to_string(),
            cause.as_deref().unwrap_or_default().to_owned(),
        ),
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A distributed Map whose children return their input, with the given Map fields.
fn map(fields: Value) -> Value {
    let mut state = json!({
        "Type": "Map", "End": true,
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                          "StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "End": true}}}
    });
    if let (Some(m), Value::Object(extra)) = (state.as_object_mut(), fields) {
        m.extend(extra);
    }
    json!({"StartAt": "Read", "States": {"Read": state}})
}

fn csv_reader(config: &Value, key: &str) -> Value {
    json!({"ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": config.clone(),
        "Parameters": {"Bucket": "data", "Key": key}
    }})
}

#[test]
fn csv_with_headers_in_the_first_row_gives_objects_of_strings() {
    let dir = TempDir::new("first-row");
    dir.file(
        "data",
        "sales/2026-01.csv",
        "region,amount,note\neu,12.50,\"big, early\"\nus,7,\n",
    );
    let def = map(csv_reader(
        &json!({"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"}),
        "sales/2026-01.csv",
    ));
    assert_eq!(
        output(&run(&def, json!({}), Some(dir.store()))),
        json!([
            {"region": "eu", "amount": "12.50", "note": "big, early"},
            {"region": "us", "amount": "7", "note": ""}
        ])
    );
}

#[test]
fn csv_with_given_headers_other_delimiters_and_quoted_fields() {
    let dir = TempDir::new("given");
    dir.file(
        "data",
        "rows.csv",
        "1;\"semi; colon\";\"two\nlines\"\n2;\"say \"\"hi\"\"\";x;ignored\n3\n",
    );
    let def = map(csv_reader(
        &json!({"InputType": "CSV", "CSVHeaderLocation": "GIVEN", "CSVHeaders": ["id", "text", "more"],
               "CSVDelimiter": "SEMICOLON"}),
        "rows.csv",
    ));
    assert_eq!(
        output(&run(&def, json!({}), Some(dir.store()))),
        json!([
            {"id": "1", "text": "semi; colon", "more": "two\nlines"},
            {"id": "2", "text": "say \"hi\"", "more": "x"},
            {"id": "3", "text": "", "more": ""}
        ])
    );
}

#[test]
fn tab_and_pipe_delimiters() {
    let dir = TempDir::new("delims");
    dir.file("data", "t.tsv", "a\tb\n1,2\t3\n");
    dir.file("data", "p.csv", "a|b\n1|2,3\n");
    let tab = map(csv_reader(
        &json!({"InputType": "CSV", "CSVDelimiter": "TAB"}),
        "t.tsv",
    ));
    assert_eq!(
        output(&run(&tab, json!({}), Some(dir.store()))),
        json!([{"a": "1,2", "b": "3"}])
    );
    let pipe = map(csv_reader(
        &json!({"InputType": "CSV", "CSVDelimiter": "PIPE"}),
        "p.csv",
    ));
    assert_eq!(
        output(&run(&pipe, json!({}), Some(dir.store()))),
        json!([{"a": "1", "b": "2,3"}])
    );
}

#[test]
fn json_arrays_and_json_lines_keep_their_types() {
    let dir = TempDir::new("json");
    dir.file("data", "a.json", r#"[{"n": 1}, "two", [3], null]"#);
    dir.file("data", "b.jsonl", "{\"n\": 1}\n\n{\"n\": 2.5}\n\"x\"\n");
    // Without ReaderConfig, getObject reads a JSON array.
    let plain = json!({"ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                                      "Parameters": {"Bucket": "data", "Key": "a.json"}}});
    assert_eq!(
        output(&run(&map(plain), json!({}), Some(dir.store()))),
        json!([{"n": 1}, "two", [3], null])
    );
    let lines = map(csv_reader(&json!({"InputType": "JSONL"}), "b.jsonl"));
    assert_eq!(
        output(&run(&lines, json!({}), Some(dir.store()))),
        json!([{"n": 1}, {"n": 2.5}, "x"])
    );
}

#[test]
fn a_json_object_that_is_not_an_array_fails_with_awss_words() {
    let dir = TempDir::new("not-array");
    dir.file("data", "o.json", r#"{"items": [1]}"#);
    let def = map(csv_reader(&json!({"InputType": "JSON"}), "o.json"));
    let (error, cause) = failure(&run(&def, json!({}), Some(dir.store())));
    assert_eq!(error, "States.ItemReaderFailed");
    assert!(
        cause.ends_with("Attempting to map over non-iterable node."),
        "{cause}"
    );
}

#[test]
fn parameters_read_the_key_from_the_input_and_max_items_limits() {
    let dir = TempDir::new("params");
    dir.file("data", "in/k.csv", "n\n1\n2\n3\n4\n");
    let mut def = map(json!({"ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW", "MaxItems": 2},
        "Parameters": {"Bucket": "data", "Key.$": "States.Format('in/{}.csv', $.name)"}
    }}));
    assert_eq!(
        output(&run(&def, json!({"name": "k"}), Some(dir.store()))),
        json!([{"n": "1"}, {"n": "2"}])
    );
    // MaxItemsPath reads the limit from the state input.
    def["States"]["Read"]["ItemReader"]["ReaderConfig"] =
        json!({"InputType": "CSV", "MaxItemsPath": "$.limit"});
    assert_eq!(
        output(&run(
            &def,
            json!({"name": "k", "limit": 3}),
            Some(dir.store())
        )),
        json!([{"n": "1"}, {"n": "2"}, {"n": "3"}])
    );
}

#[test]
fn jsonata_arguments_name_the_object() {
    let dir = TempDir::new("jsonata");
    dir.file("data", "j/x.json", "[1, 2]");
    let def = json!({"QueryLanguage": "JSONata", "StartAt": "Read", "States": {"Read": {
        "Type": "Map", "End": true,
        "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                       "ReaderConfig": {"InputType": "JSON", "MaxItems": "{% $states.input.max %}"},
                       "Arguments": {"Bucket": "data", "Key": "{% 'j/' & $states.input.file %}"}},
        "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                          "StartAt": "Double", "States": {"Double": {"Type": "Pass", "Output": "{% $states.input * 2 %}", "End": true}}}
    }}});
    assert_eq!(
        output(&run(
            &def,
            json!({"file": "x.json", "max": 1}),
            Some(dir.store())
        )),
        json!([2])
    );
}

#[test]
fn list_objects_v2_gives_one_item_per_object_as_aws_shapes_it() {
    let dir = TempDir::new("list");
    let a = dir.file("data", "logs/a.txt", "hello");
    dir.file("data", "logs/deep/b.txt", "");
    dir.file("data", "other/c.txt", "x");
    let modified = |p: &Path| {
        std::fs::metadata(p)
            .expect("meta")
            .modified()
            .expect("mtime")
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    };
    let def = map(
        json!({"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                                        "Parameters": {"Bucket": "data", "Prefix": "logs/"}}}),
    );
    let out = output(&run(&def, json!({}), Some(dir.store())));
    assert_eq!(
        out[0],
        json!({"Etag": "\"5d41402abc4b2a76b9719d911017c592\"", "Key": "logs/a.txt",
               "LastModified": modified(&a), "Size": 5, "StorageClass": "STANDARD"})
    );
    assert_eq!(out[1]["Key"], "logs/deep/b.txt");
    assert_eq!(out[1]["Etag"], "\"d41d8cd98f00b204e9800998ecf8427e\"");
    assert_eq!(out.as_array().map(Vec::len), Some(2));
    // MaxItems applies to listings too.
    let one = map(
        json!({"ItemReader": {"Resource": "arn:aws:states:::s3:listObjectsV2",
                                        "ReaderConfig": {"MaxItems": 1},
                                        "Parameters": {"Bucket": "data"}}}),
    );
    let out = output(&run(&one, json!({}), Some(dir.store())));
    assert_eq!(out, json!([out[0].clone()]));
    assert_eq!(out[0]["Key"], "logs/a.txt");
}

#[test]
fn a_missing_object_or_bucket_fails_with_item_reader_failed_which_catch_handles() {
    let dir = TempDir::new("missing");
    dir.file("data", "here.csv", "a\n1\n");
    let def = map(csv_reader(&json!({"InputType": "CSV"}), "gone.csv"));
    let (error, cause) = failure(&run(&def, json!({}), Some(dir.store())));
    assert_eq!(error, "States.ItemReaderFailed");
    assert!(
        cause.contains("s3://data/gone.csv") && cause.contains("The specified key does not exist"),
        "{cause}"
    );
    let mut other = def.clone();
    other["States"]["Read"]["ItemReader"]["Parameters"]["Bucket"] = json!("nobucket");
    let (error, cause) = failure(&run(&other, json!({}), Some(dir.store())));
    assert_eq!(error, "States.ItemReaderFailed");
    assert!(
        cause.contains("The specified bucket does not exist"),
        "{cause}"
    );
    // The error is catchable like any other.
    let mut caught = def;
    let read = &mut caught["States"]["Read"];
    read.as_object_mut().map(|m| m.remove("End"));
    read["Catch"] = json!([{"ErrorEquals": ["States.ItemReaderFailed"], "ResultPath": "$.error", "Next": "Handled"}]);
    caught["States"]["Handled"] = json!({"Type": "Pass", "End": true});
    let out = output(&run(&caught, json!({"k": 1}), Some(dir.store())));
    assert_eq!(out["k"], 1);
    assert_eq!(out["error"]["Error"], "States.ItemReaderFailed");
}

#[test]
fn a_malformed_csv_fails_with_item_reader_failed() {
    let dir = TempDir::new("malformed");
    dir.file("data", "bad.csv", "a,b\n1,\"open\n");
    dir.file("data", "dup.csv", "a,a\n1,2\n");
    for (key, says) in [
        ("bad.csv", "ends inside a quoted field"),
        ("dup.csv", "CSV headers cannot contain duplicates"),
    ] {
        let def = map(csv_reader(&json!({"InputType": "CSV"}), key));
        let (error, cause) = failure(&run(&def, json!({}), Some(dir.store())));
        assert_eq!(error, "States.ItemReaderFailed", "{key}");
        assert!(cause.contains(says), "{key}: {cause}");
    }
}

#[test]
fn item_selector_then_item_batcher_shape_each_childs_input() {
    let dir = TempDir::new("batch");
    dir.file("data", "n.csv", "n,skip\n1,a\n2,b\n3,c\n");
    let mut fields = csv_reader(&json!({"InputType": "CSV"}), "n.csv");
    let m = fields.as_object_mut().expect("object");
    m.insert(
        "ItemSelector".into(),
        json!({"value.$": "$$.Map.Item.Value.n", "index.$": "$$.Map.Item.Index"}),
    );
    m.insert(
        "ItemBatcher".into(),
        json!({"MaxItemsPerBatch": 2, "BatchInput": {"source.$": "$.source"}}),
    );
    let out = output(&run(
        &map(fields),
        json!({"source": "s3"}),
        Some(dir.store()),
    ));
    assert_eq!(
        out,
        json!([
            {"BatchInput": {"source": "s3"}, "Items": [{"value": "1", "index": 0}, {"value": "2", "index": 1}]},
            {"BatchInput": {"source": "s3"}, "Items": [{"value": "3", "index": 2}]}
        ])
    );
}

/// Answers the Task `Load` from the batch it gets: fails when any row has `bad`.
#[derive(Debug)]
struct Loader;

impl TaskResolver for Loader {
    fn invoke(&mut self, request: &stepcraft::tasks::TaskRequest<'_>) -> TaskOutcome {
        let input = request.input.to_value();
        let rows = input["Items"].as_array().cloned().unwrap_or_default();
        if rows.iter().any(|r| r["status"] == "bad") {
            return TaskOutcome::Failure {
                error: "RowsRejected".into(),
                cause: "a bad row".into(),
            };
        }
        TaskOutcome::Success(Val::from(json!({"loaded": rows.len()})))
    }
}

fn writer_map(tolerated: Value) -> Value {
    let mut def = json!({"StartAt": "Import", "States": {
        "Import": {
            "Type": "Map",
            "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                           "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                           "Parameters": {"Bucket": "data", "Key": "rows.csv"}},
            "ItemBatcher": {"MaxItemsPerBatch": 2},
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                              "StartAt": "Load", "States": {"Load": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}},
            "Label": "Rows",
            "ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                             "Parameters": {"Bucket": "results", "Prefix": "runs/import"}},
            "ResultPath": "$.run",
            "Catch": [{"ErrorEquals": ["States.ExceedToleratedFailureThreshold"], "ResultPath": "$.error", "Next": "TooMany"}],
            "Next": "Done"
        },
        "Done": {"Type": "Succeed"},
        "TooMany": {"Type": "Pass", "End": true}
    }});
    if let (Some(m), Value::Object(extra)) = (def["States"]["Import"].as_object_mut(), tolerated) {
        m.extend(extra);
    }
    def
}

#[test]
fn the_result_writer_writes_aws_shaped_files_and_the_map_points_at_them() {
    let dir = TempDir::new("writer");
    // Three batches of two rows; the second holds a bad row. 2 of 6 items may fail.
    dir.file(
        "data",
        "rows.csv",
        "id,status\n1,ok\n2,ok\n3,bad\n4,ok\n5,ok\n6,ok\n",
    );
    let def = writer_map(json!({"ToleratedFailureCount": 2}));
    let out = output(&run_with(
        &def,
        json!({"job": 7}),
        Some(dir.store()),
        Box::new(Loader),
    ));
    assert_eq!(out["job"], 7);
    let run_arn = out["run"]["MapRunArn"]
        .as_str()
        .expect("MapRunArn")
        .to_owned();
    let id = run_arn.rsplit(':').next().expect("id").to_owned();
    assert_eq!(
        run_arn,
        format!("arn:aws:states:us-east-1:123456789012:mapRun:StateMachine/Rows:{id}")
    );
    let manifest_key = format!("runs/import/{id}/manifest.json");
    assert_eq!(
        out["run"],
        json!({"MapRunArn": run_arn, "ResultWriterDetails": {"Bucket": "results", "Key": manifest_key}})
    );
    let manifest = dir.read("results", &manifest_key);
    let succeeded_key = format!("runs/import/{id}/SUCCEEDED_0.json");
    let failed_key = format!("runs/import/{id}/FAILED_0.json");
    let size = |key: &str| {
        std::fs::metadata(dir.0.join("results").join(key))
            .expect("written")
            .len()
    };
    assert_eq!(
        manifest,
        json!({"DestinationBucket": "results", "MapRunArn": run_arn, "ResultFiles": {
            "FAILED": [{"Key": failed_key, "Size": size(&failed_key)}],
            "PENDING": [],
            "SUCCEEDED": [{"Key": succeeded_key, "Size": size(&succeeded_key)}]}})
    );
    let succeeded = dir.read("results", &succeeded_key);
    let records = succeeded.as_array().expect("array");
    assert_eq!(records.len(), 2);
    let first = &records[0];
    let name = first["Name"].as_str().expect("name");
    assert_eq!(
        first,
        &json!({
            "ExecutionArn": format!("arn:aws:states:us-east-1:123456789012:express:StateMachine/Rows:{name}"),
            "Input": r#"{"Items":[{"id":"1","status":"ok"},{"id":"2","status":"ok"}]}"#,
            "InputDetails": {"Included": true},
            "Name": name,
            "Output": r#"{"loaded":2}"#,
            "OutputDetails": {"Included": true},
            "RedriveCount": 0,
            "RedriveStatus": "NOT_REDRIVABLE",
            "RedriveStatusReason": "Execution is SUCCEEDED and cannot be redriven.",
            "StartDate": "2026-01-01T00:00:00.000Z",
            "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:StateMachine/Rows",
            "Status": "SUCCEEDED",
            "StopDate": "2026-01-01T00:00:00.000Z"
        })
    );
    let failed = dir.read("results", &failed_key);
    assert_eq!(failed[0]["Status"], "FAILED");
    assert_eq!(failed[0]["Error"], "RowsRejected");
    assert_eq!(failed[0]["Cause"], "a bad row");
    assert_eq!(
        failed[0]["Input"],
        r#"{"Items":[{"id":"3","status":"bad"},{"id":"4","status":"ok"}]}"#
    );
    assert!(failed[0].get("Output").is_none());
}

#[test]
fn failures_beyond_the_tolerance_count_the_items_of_failed_batches_and_still_write_results() {
    let dir = TempDir::new("beyond");
    dir.file(
        "data",
        "rows.csv",
        "id,status\n1,ok\n2,ok\n3,bad\n4,ok\n5,ok\n6,ok\n",
    );
    // One failed batch is two failed items: more than the one tolerated (20% of 6, rounded down).
    let def = writer_map(json!({"ToleratedFailurePercentage": 20, "MaxConcurrency": 1}));
    let out = output(&run_with(
        &def,
        json!({}),
        Some(dir.store()),
        Box::new(Loader),
    ));
    assert_eq!(
        out["error"]["Error"],
        "States.ExceedToleratedFailureThreshold"
    );
    let runs = dir.0.join("results/runs/import");
    let id = std::fs::read_dir(&runs)
        .expect("a run directory")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .expect("one run");
    let manifest = dir.read("results", &format!("runs/import/{id}/manifest.json"));
    assert_eq!(
        manifest["ResultFiles"]["SUCCEEDED"][0]["Key"],
        format!("runs/import/{id}/SUCCEEDED_0.json")
    );
    assert_eq!(
        manifest["ResultFiles"]["FAILED"][0]["Key"],
        format!("runs/import/{id}/FAILED_0.json")
    );
    // One at a time: the third batch never started, so it is in no file.
    let succeeded = dir.read("results", &format!("runs/import/{id}/SUCCEEDED_0.json"));
    assert_eq!(succeeded.as_array().map(Vec::len), Some(1));
    // 34% of 6 items is 2 (rounded down): the failed batch's two items are tolerated.
    let tolerated = writer_map(json!({"ToleratedFailurePercentage": 34}));
    let out = output(&run_with(
        &tolerated,
        json!({}),
        Some(dir.store()),
        Box::new(Loader),
    ));
    assert!(out.get("error").is_none(), "{out}");
}

#[test]
fn writer_config_alone_shapes_the_output_without_writing() {
    let dir = TempDir::new("config-only");
    dir.file("data", "a.json", "[[1, 2], [3], 4]");
    let mut fields = csv_reader(&json!({"InputType": "JSON"}), "a.json");
    fields.as_object_mut().map(|m| {
        m.insert(
            "ResultWriter".into(),
            json!({"WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"}}),
        )
    });
    assert_eq!(
        output(&run(&map(fields.clone()), json!({}), Some(dir.store()))),
        json!([1, 2, 3, 4])
    );
    fields["ResultWriter"] = json!({"WriterConfig": {"Transformation": "NONE"}});
    let out = output(&run(&map(fields), json!({}), Some(dir.store())));
    assert_eq!(out[2]["Output"], "4");
    assert_eq!(out[2]["Status"], "SUCCEEDED");
    // Nothing was written besides the dataset.
    let entries: Vec<_> = std::fs::read_dir(&dir.0)
        .expect("root")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, ["data"]);
}

#[test]
fn json_lines_output_and_compact_results_in_the_exported_files() {
    let dir = TempDir::new("jsonl-out");
    dir.file("data", "a.json", r#"[{"a": 1}, {"a": 2}]"#);
    let mut fields = csv_reader(&json!({"InputType": "JSON"}), "a.json");
    fields["ResultWriter"] = json!({"Resource": "arn:aws:states:::s3:putObject",
        "Parameters": {"Bucket": "out", "Prefix": ""},
        "WriterConfig": {"Transformation": "COMPACT", "OutputType": "JSONL"}});
    let out = output(&run(&map(fields), json!({}), Some(dir.store())));
    let key = out["ResultWriterDetails"]["Key"].as_str().expect("key");
    let id = key.trim_end_matches("/manifest.json");
    let text = std::fs::read_to_string(dir.0.join("out").join(id).join("SUCCEEDED_0.json"))
        .expect("written");
    assert_eq!(text, "{\"a\":1}\n{\"a\":2}\n");
}

#[test]
fn a_result_writer_without_an_object_store_fails_clearly() {
    let def = map(
        json!({"ResultWriter": {"Resource": "arn:aws:states:::s3:putObject",
                                          "Parameters": {"Bucket": "out", "Prefix": "p"}}}),
    );
    let (error, cause) = failure(&run(&def, json!([1]), None));
    assert_eq!(error, "States.ResultWriterFailed");
    assert!(
        cause.contains("s3://out/p/") && cause.contains("--s3-root DIR"),
        "{cause}"
    );
}
