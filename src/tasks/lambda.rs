//! Local Lambda functions, in Python and Node.js: each function's handler runs in a process of
//! its own, started on its first invocation and kept warm for the next ones.
//!
//! The process runs a small bootstrap script per runtime (`bootstrap/python.py`,
//! `bootstrap/node.js`, embedded here), which loads the handler once, says it is ready (starting
//! may take up to 10 seconds and, as Lambda's init phase, does not count against the function's
//! timeout), and then reads one request a line on stdin: `{"requestId", "event", "timeoutMs"}`. It answers with one framed line on stdout
//! (the record separator and `STEPCRAFT `, then `{"ok": value}` or `{"error": {...}}` and the
//! invocation's captured `logs`); every other line on stdout is the function's own output, kept in
//! the log. The handler is called with the event and a context object (`function_name` /
//! `functionName`, `invoked_function_arn` / `invokedFunctionArn`, `aws_request_id` /
//! `awsRequestId`, `get_remaining_time_in_millis()` / `getRemainingTimeInMillis()`).
//!
//! What a Task state gets back:
//! - a bare Lambda ARN resource (`arn:aws:lambda:REGION:ACCOUNT:function:NAME`): the handler's
//!   value, as it is;
//! - `arn:aws:states:::lambda:invoke` (its `Payload` is the event, its `FunctionName` the
//!   function): `{"ExecutedVersion": "$LATEST", "Payload": value, "SdkHttpMetadata":
//!   {"AllHttpHeaders", "HttpHeaders", "HttpStatusCode": 200}, "SdkResponseMetadata":
//!   {"RequestId"}, "StatusCode": 200}`, the fields Step Functions returns for Lambda's Invoke
//!   (headers: `Content-Type`, `X-Amz-Executed-Version`, `x-amzn-RequestId`; no `Date`, so runs
//!   repeat exactly). With `.waitForTaskToken` the function runs and the task then waits for its
//!   callback.
//!
//! Failures, named as Lambda and Step Functions name them:
//! - an exception: the error is its class (Lambda's `errorType`: `ValueError`, `Error`, a custom
//!   class), the cause Lambda's error payload as JSON text: `{"errorMessage", "errorType",
//!   "requestId", "stackTrace"}` for Python, `{"errorType", "errorMessage", "trace"}` for Node.js;
//! - the function's timeout passed: `Sandbox.Timedout`, cause `{"errorType": "Sandbox.Timedout",
//!   "errorMessage": "RequestId: ID Error: Task timed out after 3.00 seconds"}`; the process is
//!   killed and a new one starts on the next invocation;
//! - the handler cannot be loaded: `Runtime.ImportModuleError`; a result that is not JSON:
//!   `Runtime.MarshalError`; the process ended (or could not start): `Runtime.ExitError`.

use super::{Cancel, TaskOutcome, TaskRequest};
use crate::subst::cfn::{ACCOUNT, PARTITION, REGION};
use crate::value::Val;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;

const PYTHON_BOOTSTRAP: &str = include_str!("bootstrap/python.py");
const NODE_BOOTSTRAP: &str = include_str!("bootstrap/node.js");
/// How long a process may take to start and load its handler (Lambda's init phase limit).
const INIT_TIMEOUT: Duration = Duration::from_secs(10);
/// What starts a framed line on the worker's stdout.
const FRAME: &str = "\u{1e}STEPCRAFT ";

/// A runtime that can run locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// `python3.x`, run with `python3`.
    Python,
    /// `nodejsNN.x`, run with `node`.
    Node,
}

impl Runtime {
    /// A Lambda runtime identifier (`python3.12`, `nodejs20.x`), or the program's name.
    pub fn parse(text: &str) -> Option<Self> {
        if text.starts_with("python3") {
            Some(Self::Python)
        } else if text.starts_with("nodejs") || text == "node" {
            Some(Self::Node)
        } else {
            None
        }
    }

    /// The runtime a handler file's extension says.
    pub fn from_file(file: &str) -> Option<Self> {
        let ext = Path::new(file).extension()?.to_str()?;
        match ext {
            "py" => Some(Self::Python),
            "js" | "mjs" | "cjs" => Some(Self::Node),
            _ => None,
        }
    }

    /// The program that runs it.
    pub fn program(self) -> &'static str {
        match self {
            Self::Python => "python3",
            Self::Node => "node",
        }
    }
}

/// A function that runs locally.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSpec {
    /// Its name (what `FunctionName` or the resource ARN names).
    pub name: String,
    /// The folder its code is in (the process's working folder).
    pub code_dir: PathBuf,
    /// Its module: a file in `code_dir` (`app.py`, `app.js`), or a module name (`app`,
    /// `handlers.orders`) as a template's `Handler` writes it.
    pub module: String,
    /// The handler function's name in the module.
    pub function: String,
    /// Its runtime.
    pub runtime: Runtime,
    /// How long it may run, in seconds.
    pub timeout: f64,
    /// Environment variables.
    pub environment: Vec<(String, String)>,
}

impl FunctionSpec {
    /// Its stand-in ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:{PARTITION}:lambda:{REGION}:{ACCOUNT}:function:{}",
            self.name
        )
    }
}

/// A template's functions: those that run locally, and why each of the others cannot.
#[derive(Debug, Default)]
pub struct TemplateFunctions {
    /// Python and Node.js functions with their code in a local folder or inline, and a
    /// handler.
    pub runnable: Vec<FunctionSpec>,
    /// The others: the function's name, and why it cannot run here.
    pub not_runnable: Vec<(String, String)>,
}

/// The functions of the SAM or CloudFormation template at `path`. Inline code (`ZipFile`,
/// `InlineCode`) is written to `index.py`/`index.js` in a folder of its own under the temporary
/// folder, as Lambda would unpack it.
pub fn template_functions(path: &Path) -> Result<TemplateFunctions, String> {
    use crate::subst::template::FunctionCode;
    let mut out = TemplateFunctions::default();
    for f in crate::subst::template::functions(path)? {
        let runtime = match f.runtime.as_deref() {
            None => {
                Err("it has no Runtime (a container image function cannot run here)".to_owned())
            }
            Some(r) => Runtime::parse(r)
                .ok_or_else(|| format!("its Runtime {r} is neither Python nor Node.js")),
        };
        let handler = f
            .handler
            .as_deref()
            .and_then(|h| h.rsplit_once('.'))
            .ok_or_else(|| "it has no Handler of the form module.function".to_owned());
        let code_dir = match (&f.code, &runtime) {
            (FunctionCode::Dir(dir), _) => Ok(dir.clone()),
            (FunctionCode::Inline(source), Ok(runtime)) => inline_code(&f.name, source, *runtime),
            (FunctionCode::Inline(_), Err(e)) => Err(e.clone()),
            (FunctionCode::Elsewhere(why), _) => Err(why.clone()),
            (FunctionCode::Missing, _) => Err("it has no CodeUri, Code or InlineCode".to_owned()),
        };
        match (runtime, handler, code_dir) {
            (Ok(runtime), Ok((module, function)), Ok(code_dir)) => {
                out.runnable.push(FunctionSpec {
                    module: module.to_owned(),
                    function: function.to_owned(),
                    name: f.name,
                    code_dir,
                    runtime,
                    // Lambda takes 1 to 900 seconds; anything else runs with the default.
                    timeout: f
                        .timeout
                        .filter(|t| *t > 0.0 && *t <= 900.0)
                        .unwrap_or(super::backends::DEFAULT_FUNCTION_TIMEOUT),
                    environment: f.environment,
                });
            }
            (Err(why), _, _) | (_, Err(why), _) | (_, _, Err(why)) => {
                out.not_runnable.push((f.name, why));
            }
        }
    }
    Ok(out)
}

/// Writes a function's inline source where its process can load it: its folder.
fn inline_code(name: &str, source: &str, runtime: Runtime) -> Result<PathBuf, String> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    source.hash(&mut hasher);
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = std::env::temp_dir()
        .join("stepcraft-inline-code")
        .join(format!("{safe}-{:016x}", hasher.finish()));
    let file = dir.join(match runtime {
        Runtime::Python => "index.py",
        Runtime::Node => "index.js",
    });
    if std::fs::read_to_string(&file).is_ok_and(|t| t == source) {
        return Ok(dir);
    }
    // Written beside, then renamed: a run that reads it meanwhile never sees half of it.
    let partial = dir.join(format!(".partial-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&partial, source))
        .and_then(|()| std::fs::rename(&partial, &file))
        .map_err(|e| {
            format!(
                "its inline code cannot be written to {}: {e}",
                file.display()
            )
        })?;
    Ok(dir)
}

/// The function name in a name, a partial ARN or a full ARN, without a version or alias:
/// `arn:aws:lambda:us-east-1:123456789012:function:orders:live` → `orders`.
pub fn function_name(id: &str) -> &str {
    let rest = id
        .find("function:")
        .map_or(id, |i| &id[i + "function:".len()..]);
    rest.split(':').next().unwrap_or(rest)
}

/// A Lambda invocation a Task state asks for.
#[derive(Debug, Clone)]
pub struct Call {
    /// The function, as the task names it.
    pub function: String,
    /// The event.
    pub event: Value,
    /// `lambda:invoke`: the result is wrapped as Lambda's Invoke response.
    pub wrapped: bool,
    /// `.waitForTaskToken`: after the function ran, the task waits for its callback.
    pub callback: bool,
}

/// The Lambda invocation `request` asks for, if it is one.
pub fn call_of(request: &TaskRequest<'_>) -> Option<Call> {
    let resource = request.resource;
    if resource.starts_with("arn:")
        && resource.contains(":lambda:")
        && resource.contains(":function:")
    {
        return Some(Call {
            function: resource.to_owned(),
            event: request.input.to_value(),
            wrapped: false,
            callback: false,
        });
    }
    let rest = resource.split_once(":states:::lambda:invoke")?.1;
    let callback = match rest {
        "" => false,
        ".waitForTaskToken" => true,
        _ => return None,
    };
    let input = request.input.to_value();
    let function = input.get("FunctionName")?.as_str()?.to_owned();
    Some(Call {
        function,
        event: input.get("Payload").cloned().unwrap_or_else(|| json!({})),
        wrapped: true,
        callback,
    })
}

/// One warm process.
#[derive(Debug)]
struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    stderr: Receiver<String>,
    /// What it printed while it started (loading the handler), for the first invocation's log.
    init_log: String,
}

impl Worker {
    fn start(spec: &FunctionSpec, cancel: &Cancel) -> Result<Self, String> {
        let (flag, script) = match spec.runtime {
            Runtime::Python => ("-c", PYTHON_BOOTSTRAP),
            Runtime::Node => ("-e", NODE_BOOTSTRAP),
        };
        let mut command = Command::new(spec.runtime.program());
        super::process::own_group(&mut command);
        if spec.runtime == Runtime::Python {
            command.arg("-u");
        }
        command
            .arg(flag)
            .arg(script)
            .current_dir(&spec.code_dir)
            .envs(spec.environment.iter().map(|(k, v)| (k, v)))
            .env("AWS_LAMBDA_FUNCTION_NAME", &spec.name)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_TIMEOUT", spec.timeout.to_string())
            .env("AWS_REGION", REGION)
            .env("AWS_DEFAULT_REGION", REGION)
            .env("STEPCRAFT_FUNCTION_ARN", spec.arn())
            .env("STEPCRAFT_CODE_DIR", &spec.code_dir)
            .env("STEPCRAFT_MODULE", &spec.module)
            .env("STEPCRAFT_FUNCTION", &spec.function)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().map_err(|e| {
            format!(
                "cannot start {} for the function {}: {e}",
                spec.runtime.program(),
                spec.name
            )
        })?;
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err("the process has no pipes".to_owned());
        };
        let mut worker = Self {
            child,
            stdin,
            lines: pump(stdout),
            stderr: pump(stderr),
            init_log: String::new(),
        };
        // Starting (the interpreter, the handler's imports) is not the invocation's time.
        let deadline = std::time::Instant::now() + INIT_TIMEOUT;
        loop {
            if cancel.is_cancelled() {
                // Dropped, so killed: nobody waits for it.
                return Err("the call was abandoned as its process started".to_owned());
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match worker.lines.recv_timeout(left.min(CANCEL_POLL)) {
                Ok(line) if line.starts_with(FRAME) => return Ok(worker),
                Ok(line) => worker.init_log.push_str(&line),
                Err(RecvTimeoutError::Timeout) if left > CANCEL_POLL => {}
                Err(RecvTimeoutError::Timeout) => {
                    return Err(format!(
                        "{} did not start the function {} within {} seconds",
                        spec.runtime.program(),
                        spec.name,
                        INIT_TIMEOUT.as_secs()
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = worker.child.wait();
                    std::thread::sleep(Duration::from_millis(20));
                    let err = worker.stderr_text();
                    return Err(format!(
                        "{} for the function {} ended as it started: {}",
                        spec.runtime.program(),
                        spec.name,
                        err.trim_end()
                    ));
                }
            }
        }
    }

    fn stderr_text(&self) -> String {
        self.stderr.try_iter().collect()
    }
}

/// A thread reading `from` line by line (newlines kept) into a channel; it ends with the stream.
fn pump(from: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(from);
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            }
        }
    });
    rx
}

impl Drop for Worker {
    fn drop(&mut self) {
        super::process::kill_group(&mut self.child);
    }
}

/// The warm processes of a run, by function; dropping it ends them. A process handles one
/// invocation at a time, as a Lambda execution environment does: invocations that overlap
/// (iterations of a Map, branches of a Parallel) each take an idle process of the function, or
/// start one.
#[derive(Debug, Default)]
pub struct Pool {
    idle: HashMap<String, Vec<Worker>>,
    invocations: u64,
}

/// An invocation taken out of the pool: its request ID and an idle warm process, if there is
/// one. Run it with [`Invocation::run`] (outside any lock), then give the process back with
/// [`Pool::put`].
#[derive(Debug)]
pub struct Invocation {
    request_id: String,
    worker: Option<Worker>,
}

/// A process that answered and can take the next invocation.
#[derive(Debug)]
pub struct Warm(Worker);

impl Pool {
    /// How many processes are idle and warm.
    pub fn len(&self) -> usize {
        self.idle.values().map(Vec::len).sum()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Starts an invocation of `spec`: the next request ID and an idle process of it.
    pub fn take(&mut self, spec: &FunctionSpec) -> Invocation {
        self.invocations += 1;
        Invocation {
            request_id: format!("00000000-0000-4000-8000-{:012x}", self.invocations),
            worker: self.idle.get_mut(&spec.name).and_then(Vec::pop),
        }
    }

    /// Gives a process back after its invocation.
    pub fn put(&mut self, spec: &FunctionSpec, warm: Warm) {
        self.idle.entry(spec.name.clone()).or_default().push(warm.0);
    }

    /// Invokes `spec` for `call` on one of its processes: the outcome and what the function
    /// printed.
    pub fn invoke(&mut self, spec: &FunctionSpec, call: &Call) -> (TaskOutcome, String) {
        let (outcome, log, warm) = self.take(spec).run(spec, call, &Cancel::new());
        if let Some(w) = warm {
            self.put(spec, w);
        }
        (outcome, log)
    }
}

impl Invocation {
    /// Runs the invocation (starting a process when none was idle): the outcome, what the
    /// function printed, and the process when it can take the next invocation (not after a
    /// timeout or an exit). Raising `cancel` stops the process (the next invocation starts
    /// another).
    pub fn run(
        self,
        spec: &FunctionSpec,
        call: &Call,
        cancel: &Cancel,
    ) -> (TaskOutcome, String, Option<Warm>) {
        let request_id = self.request_id;
        let (outcome, log, worker) = run_on(self.worker, spec, call, &request_id, cancel);
        let outcome = match outcome {
            Answer::Value(v) if call.callback => {
                let _ = v;
                TaskOutcome::Pending
            }
            Answer::Value(v) if call.wrapped => {
                TaskOutcome::Success(Val::from(wrap(&v, &request_id)))
            }
            Answer::Value(v) => TaskOutcome::Success(Val::from(v)),
            Answer::Error { error, cause } => TaskOutcome::Failure { error, cause },
            Answer::Cancelled => super::cancelled(),
        };
        (outcome, log, worker.map(Warm))
    }
}

fn run_on(
    worker: Option<Worker>,
    spec: &FunctionSpec,
    call: &Call,
    request_id: &str,
    cancel: &Cancel,
) -> (Answer, String, Option<Worker>) {
    let exit = |message: String| Answer::Error {
        error: "Runtime.ExitError".to_owned(),
        cause: json!({
            "errorType": "Runtime.ExitError",
            "errorMessage": format!("RequestId: {request_id} Error: {message}"),
        })
        .to_string(),
    };
    let mut worker = match worker {
        Some(w) => w,
        None => match Worker::start(spec, cancel) {
            Ok(w) => w,
            Err(_) if cancel.is_cancelled() => return (Answer::Cancelled, String::new(), None),
            Err(e) => return (exit(e), String::new(), None),
        },
    };
    if cancel.is_cancelled() {
        // Abandoned before it began: the process stays idle and warm for the next call.
        let log = std::mem::take(&mut worker.init_log);
        return (Answer::Cancelled, log, Some(worker));
    }
    let timeout = Duration::from_secs_f64(spec.timeout);
    let mut log = std::mem::take(&mut worker.init_log);
    let request = json!({
        "requestId": request_id,
        "event": call.event,
        "timeoutMs": (spec.timeout * 1000.0).round() as u64,
    });
    let sent = writeln!(worker.stdin, "{request}").and_then(|()| worker.stdin.flush());
    if let Err(e) = sent {
        log.push_str(&worker.stderr_text());
        return (exit(format!("Runtime exited: {e}")), log, None);
    }
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if cancel.is_cancelled() {
            // The process is killed as it is dropped.
            return (Answer::Cancelled, log, None);
        }
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match worker.lines.recv_timeout(left.min(CANCEL_POLL)) {
            Ok(line) => {
                let Some(framed) = line.strip_prefix(FRAME) else {
                    log.push_str(&line);
                    continue;
                };
                let answer: Value = serde_json::from_str(framed).unwrap_or(Value::Null);
                if let Some(text) = answer.get("logs").and_then(Value::as_str) {
                    log.push_str(text);
                }
                log.push_str(&worker.stderr_text());
                return (
                    answer_of(&answer, spec.runtime, request_id),
                    log,
                    Some(worker),
                );
            }
            Err(RecvTimeoutError::Timeout) if left > CANCEL_POLL => {}
            Err(RecvTimeoutError::Timeout) => {
                // The process is killed as it is dropped; the next invocation starts another.
                log.push_str(&worker.stderr_text());
                let message = format!(
                    "RequestId: {request_id} Error: Task timed out after {:.2} seconds",
                    spec.timeout
                );
                let answer = Answer::Error {
                    error: "Sandbox.Timedout".to_owned(),
                    cause: json!({"errorType": "Sandbox.Timedout", "errorMessage": message})
                        .to_string(),
                };
                return (answer, log, None);
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = worker.child.wait();
                // The last of stderr arrives once its pipe closes.
                std::thread::sleep(Duration::from_millis(20));
                log.push_str(&worker.stderr_text());
                let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
                return (
                    exit(format!("Runtime exited with error: {status}")),
                    log,
                    None,
                );
            }
        }
    }
}

enum Answer {
    Value(Value),
    Error {
        error: String,
        cause: String,
    },
    /// The execution no longer waits for it.
    Cancelled,
}

/// How often a running invocation looks whether it was abandoned.
const CANCEL_POLL: Duration = Duration::from_millis(50);

fn answer_of(answer: &Value, runtime: Runtime, request_id: &str) -> Answer {
    if let Some(ok) = answer.get("ok") {
        return Answer::Value(ok.clone());
    }
    let mut payload = answer.get("error").cloned().unwrap_or_else(|| {
        json!({"errorType": "Runtime.ExitError", "errorMessage": "the runtime sent an answer that is not one"})
    });
    let error = payload
        .get("errorType")
        .and_then(Value::as_str)
        .unwrap_or("Error")
        .to_owned();
    if runtime == Runtime::Python
        && let Some(m) = payload.as_object_mut()
    {
        // Python's runtime puts the request ID before the stack trace.
        let trace = m.remove("stackTrace");
        m.insert("requestId".into(), Value::from(request_id));
        if let Some(t) = trace {
            m.insert("stackTrace".into(), t);
        }
    }
    Answer::Error {
        error,
        cause: payload.to_string(),
    }
}

/// Lambda's Invoke response as Step Functions' `lambda:invoke` returns it.
fn wrap(payload: &Value, request_id: &str) -> Value {
    let length = payload.to_string().len().to_string();
    json!({
        "ExecutedVersion": "$LATEST",
        "Payload": payload,
        "SdkHttpMetadata": {
            "AllHttpHeaders": {
                "Content-Length": [length],
                "Content-Type": ["application/json"],
                "X-Amz-Executed-Version": ["$LATEST"],
                "x-amzn-RequestId": [request_id],
            },
            "HttpHeaders": {
                "Content-Length": length,
                "Content-Type": "application/json",
                "X-Amz-Executed-Version": "$LATEST",
                "x-amzn-RequestId": request_id,
            },
            "HttpStatusCode": 200,
        },
        "SdkResponseMetadata": {"RequestId": request_id},
        "StatusCode": 200,
    })
}

#[cfg(test)]
mod tests {
    use super::function_name;

    #[test]
    fn names() {
        assert_eq!(function_name("orders"), "orders");
        assert_eq!(function_name("orders:live"), "orders");
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:orders"),
            "orders"
        );
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST"),
            "orders"
        );
        assert_eq!(function_name("123456789012:function:orders"), "orders");
    }
}
