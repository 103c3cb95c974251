//! moto's server for the tests of the AWS features: started on a free loopback port with state
//! machine execution on, killed on drop; raw calls to it for checking what AWS holds.

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
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
    pub port: u16,
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

    /// A Step Functions call straight to moto (`target` as `DescribeStateMachine`): its JSON
    /// answer.
    pub fn call(&self, target: &str, body: &Value) -> Value {
        let target = format!("AWSStepFunctions.{target}");
        let (status, answer) = self
            .post(
                "/",
                &[
                    ("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", &target),
                    // moto routes by the signing scope; it checks no signature.
                    (
                        "Authorization",
                        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0",
                    ),
                ],
                &body.to_string(),
            )
            .expect("moto answers");
        assert_eq!(status, 200, "{answer}");
        serde_json::from_str(&answer).expect("JSON")
    }

    /// DescribeStateMachine, straight to moto (the definition AWS holds now).
    pub fn definition_of(&self, arn: &str) -> Value {
        let answer = self.call("DescribeStateMachine", &json!({ "stateMachineArn": arn }));
        serde_json::from_str(answer["definition"].as_str().expect("a definition"))
            .expect("the definition is JSON")
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
