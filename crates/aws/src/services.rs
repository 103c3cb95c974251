//! The AWS client behind a run's service integrations (the engine's
//! [`stepcraft::tasks::service`] builds each request and reads each answer): the one client
//! set-up ([`ClientConfig`]: credentials chain, profile, region, endpoint), SigV4 signing with
//! the SDK's `aws-sigv4`, and the request sent with ureq (blocking, as the engine's HTTP Tasks
//! are). Errors are read from JSON answers (`X-Amzn-ErrorType`, `__type`, `code`; `message`)
//! and from XML ones (`<Error><Code>`, `<Message>`).

use crate::{ClientConfig, runtime};
use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use serde_json::{Map, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use stepcraft::tasks::service::{
    AwsClient, AwsConfig, AwsConnector, WireError, WireReply, WireRequest,
};
use tokio::runtime::Runtime;

/// How long one service call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest answer read.
const MAX_ANSWER: u64 = 64 * 1024 * 1024;

/// Connects [`Services`] from an `aws` configuration.
#[derive(Debug, Clone, Copy, Default)]
pub struct ServiceConnector;

impl AwsConnector for ServiceConnector {
    fn connect(&self, config: &AwsConfig) -> Result<Arc<dyn AwsClient>, String> {
        let client = ClientConfig {
            profile: config.profile.clone(),
            region: config.region.clone(),
            endpoint_url: config.endpoint.clone(),
        };
        let services = Services::connect(&client).map_err(|e| {
            if config.region.is_none() && e.message.contains("region") {
                format!(
                    "{}: give \"aws\" a region (region: us-east-1), set AWS_REGION, or give the profile a region",
                    e.message
                )
            } else if e.hint.is_empty() {
                e.message
            } else {
                format!("{} ({})", e.message, e.hint)
            }
        })?;
        Ok(Arc::new(services))
    }
}

/// Signs and sends service requests.
#[derive(Debug)]
pub struct Services {
    runtime: Runtime,
    credentials: Option<SharedCredentialsProvider>,
    /// The credentials last read, kept until shortly before they expire.
    cached: Mutex<Option<Credentials>>,
    region: String,
    endpoint: Option<String>,
    agent: ureq::Agent,
}

impl Services {
    /// Resolves the configuration (credentials are read at the first call).
    pub fn connect(config: &ClientConfig) -> Result<Self, crate::AwsError> {
        let runtime = runtime()?;
        let sdk = config.load_blocking(&runtime)?;
        let region = sdk.region().map(ToString::to_string).unwrap_or_default();
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(CALL_TIMEOUT))
                .build(),
        );
        Ok(Self {
            credentials: sdk.credentials_provider(),
            endpoint: sdk
                .endpoint_url()
                .map(|u| u.trim_end_matches('/').to_owned()),
            cached: Mutex::new(None),
            region,
            agent,
            runtime,
        })
    }

    fn credentials(&self) -> Result<Credentials, String> {
        let mut cached = self
            .cached
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let fresh = cached.as_ref().filter(|c| {
            c.expiry()
                .is_none_or(|e| e > SystemTime::now() + Duration::from_secs(60))
        });
        if let Some(c) = fresh {
            return Ok(c.clone());
        }
        let provider = self
            .credentials
            .as_ref()
            .ok_or("no AWS credentials provider is configured")?;
        let c = self
            .runtime
            .block_on(provider.provide_credentials())
            .map_err(|e| format!("Unable to load AWS credentials: {e}"))?;
        *cached = Some(c.clone());
        Ok(c)
    }

    fn url(&self, request: &WireRequest) -> String {
        let base = self.endpoint.clone().unwrap_or_else(|| {
            let suffix = if self.region.starts_with("cn-") {
                "amazonaws.com.cn"
            } else {
                "amazonaws.com"
            };
            format!(
                "https://{}.{}.{suffix}",
                request.endpoint_prefix, self.region
            )
        });
        format!("{base}{}", request.path)
    }

    fn signed(&self, request: &WireRequest) -> Result<ureq::http::Request<Vec<u8>>, String> {
        let url = self.url(request);
        let identity = self.credentials()?.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(request.signing_name)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| format!("cannot sign the request: {e}"))?
            .into();
        let signable = SignableRequest::new(
            "POST",
            &url,
            request
                .headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Bytes(&request.body),
        )
        .map_err(|e| format!("cannot sign the request: {e}"))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| format!("cannot sign the request: {e}"))?
            .into_parts();
        let mut builder = ureq::http::Request::builder().method("POST").uri(&url);
        for (k, v) in &request.headers {
            builder = builder.header(k, v);
        }
        let mut http = builder
            .body(request.body.clone())
            .map_err(|e| format!("{url}: {e}"))?;
        instructions.apply_to_request_http1x(&mut http);
        Ok(http)
    }
}

impl AwsClient for Services {
    fn send(&self, request: &WireRequest) -> Result<WireReply, WireError> {
        let http = self.signed(request).map_err(WireError::Client)?;
        let mut response = self
            .agent
            .run(http)
            .map_err(|e| WireError::Client(e.to_string()))?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER)
            .read_to_vec()
            .map_err(|e| WireError::Client(e.to_string()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let xml = text.trim_start().starts_with('<');
        let body = if xml {
            xml_value(&text).unwrap_or(Value::Null)
        } else {
            serde_json::from_str(&text).unwrap_or(Value::Null)
        };
        let request_id = header("x-amzn-RequestId")
            .or_else(|| header("x-amz-request-id"))
            .or_else(|| find(&body, "RequestId").map(str::to_owned))
            .unwrap_or_default();
        if status < 300 {
            return Ok(WireReply {
                status,
                headers,
                text,
                body,
                request_id,
            });
        }
        let (code, message) = if xml {
            (
                find(&body, "Code").map(str::to_owned),
                find(&body, "Message").map(str::to_owned),
            )
        } else {
            let code = header("X-Amzn-ErrorType")
                .or_else(|| {
                    body.get("__type")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .or_else(|| body.get("code").and_then(Value::as_str).map(str::to_owned));
            let message = ["message", "Message", "errorMessage"]
                .iter()
                .find_map(|k| body.get(*k).and_then(Value::as_str))
                .map(str::to_owned);
            (code, message)
        };
        // `aws.protocoltests#Code:http://...`, `com.amazonaws.sqs#QueueDoesNotExist`: the name.
        let code = code.map(|c| {
            let c = c.split(':').next().unwrap_or(&c);
            c.rsplit('#').next().unwrap_or(c).to_owned()
        });
        Err(WireError::Service {
            status,
            code: code.unwrap_or_else(|| format!("Http{status}")),
            message: message.unwrap_or_else(|| text.chars().take(200).collect()),
            request_id,
        })
    }
}

/// The first text of an element named `name` anywhere in `v` (read from XML).
fn find<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    match v {
        Value::Object(m) => m
            .get(name)
            .and_then(Value::as_str)
            .or_else(|| m.values().find_map(|x| find(x, name))),
        Value::Array(a) => a.iter().find_map(|x| find(x, name)),
        _ => None,
    }
}

/// XML's five entities and character references replaced.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let Some(end) = after.find(';') else {
            out.push_str(&rest[i..]);
            return out;
        };
        let entity = &after[..end];
        let c = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// An XML answer as JSON: the root element's children; an element with children is an
/// object, one with text a string, a name repeated an array.
fn xml_value(text: &str) -> Option<Value> {
    use xmlparser::{ElementEnd, Token, Tokenizer};
    // Each open element: its name, its children, its text.
    let mut stack: Vec<(String, Map<String, Value>, String)> =
        vec![(String::new(), Map::new(), String::new())];
    for token in Tokenizer::from(text) {
        match token.ok()? {
            Token::ElementStart { local, .. } => {
                stack.push((local.as_str().to_owned(), Map::new(), String::new()));
            }
            Token::Text { text } => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&unescape(text.as_str()));
                }
            }
            Token::Cdata { text, .. } => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(text.as_str());
                }
            }
            Token::ElementEnd { end, .. } => match end {
                ElementEnd::Open => {}
                ElementEnd::Close(..) | ElementEnd::Empty => {
                    let (name, children, text) = stack.pop()?;
                    let value = if children.is_empty() {
                        Value::String(text.trim().to_owned())
                    } else {
                        Value::Object(children)
                    };
                    let parent = &mut stack.last_mut()?.1;
                    match parent.get_mut(&name) {
                        Some(Value::Array(list)) => list.push(value),
                        Some(one) => {
                            let first = one.take();
                            *one = Value::Array(vec![first, value]);
                        }
                        None => {
                            parent.insert(name, value);
                        }
                    }
                }
            },
            _ => {}
        }
    }
    let (_, root, _) = stack.pop()?;
    root.into_iter().next().map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn xml_answers_read_as_json() {
        let text = "<PublishResponse xmlns=\"x\"><PublishResult><MessageId>a&amp;b</MessageId></PublishResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></PublishResponse>";
        let v = xml_value(text).expect("reads");
        assert_eq!(
            v,
            json!({"PublishResult": {"MessageId": "a&b"}, "ResponseMetadata": {"RequestId": "r1"}})
        );
        let e = xml_value(
            "<E><Error><Code>NotFound</Code><M>x</M></Error><Error><Code>B</Code></Error></E>",
        )
        .expect("reads");
        assert_eq!(find(&e, "Code"), Some("NotFound"));
        assert_eq!(unescape("&#65;&#x42;&lt;&bogus;"), "AB<&bogus;");
    }
}
