//! moto's server, started by a test on a free loopback port and killed when dropped, and plain
//! requests to it (moto routes by the signing scope of the `Authorization` header and checks
//! no signature, so tests set up and read back resources without an SDK).

use serde_json::Value;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A port nothing listens on (bound, then let go).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("address").port()
}

/// One HTTP/1.0 request (no chunked answer) to 127.0.0.1:port; the status and body.
pub fn http(port: u16, path: &str, headers: &[(&str, &str)], body: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let mut request = format!(
        "POST {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split_whitespace().nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// moto's server on a free loopback port, with state machine execution on; killed on drop.
pub struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    pub fn start() -> Self {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs (moto[server] is installed by .ci/run)");
        let mut moto = Self { child, port };
        let config = r#"{"stepfunctions": {"execute_state_machine": true}}"#;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some((status, _)) = moto.post("/moto-api/config", &[], config) {
                assert!(status < 300, "moto's config answered {status}");
                return moto;
            }
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto's server exited ({status}): is moto[server] installed?");
            }
            assert!(Instant::now() < deadline, "moto did not answer within 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Option<(u16, String)> {
        http(self.port, path, headers, body)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A call to `service` (its signing name) at `/`: JSON-protocol when `target` is given,
    /// else the body as it is (a query-protocol form). The answer, which must be a success:
    /// JSON read, else the text as a JSON string.
    pub fn call(&self, service: &str, content_type: &str, target: &str, body: &str) -> Value {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"
        );
        let mut headers = vec![("Content-Type", content_type), ("Authorization", &auth)];
        if !target.is_empty() {
            headers.push(("X-Amz-Target", target));
        }
        let (status, text) = self.post("/", &headers, body).expect("moto answers");
        assert!(status < 300, "{target} answered {status}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

impl Moto {
    /// A Step Functions call straight to moto (`target` as `DescribeStateMachine`): its JSON
    /// answer.
    pub fn sfn(&self, target: &str, body: &Value) -> Value {
        self.call(
            "states",
            "application/x-amz-json-1.0",
            &format!("AWSStepFunctions.{target}"),
            &body.to_string(),
        )
    }
}

impl Moto {
    /// ListTagsForResource, straight to moto: the resource's tags sorted by key.
    pub fn tags(&self, arn: &str) -> Vec<(String, String)> {
        let answer = self.sfn(
            "ListTagsForResource",
            &serde_json::json!({ "resourceArn": arn }),
        );
        let mut tags: Vec<(String, String)> = answer["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .map(|t| {
                (
                    t["key"].as_str().unwrap_or_default().to_owned(),
                    t["value"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        tags.sort();
        tags
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The binary with test credentials and region in its environment (and no profile or endpoint
/// of the machine's).
pub fn stepcraft_aws(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stepcraft"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("STEPCRAFT_ROLE_ARN")
        .output()
        .expect("the binary runs")
}
