//! HTTP Task states (`arn:aws:states:::http:invoke`) making real requests, only when the run's
//! backends say `http: allow`.
//!
//! The task's parameters, as AWS documents them: `ApiEndpoint` (the URL), `Method`, `Headers`
//! (an object of strings), `QueryParameters` (an object; arrays repeat the key), `RequestBody`
//! (any JSON: sent as JSON text, a string as it is), and `Transform`: `RequestBodyEncoding`
//! `NONE` (the default) or `URL_ENCODED` (the body, an object, sent as a form, nested objects as
//! `a[b]=c`), with `RequestEncodingOptions.ArrayFormat` `INDICES` (the default: `a[0]=x`),
//! `REPEAT` (`a=x&a=y`), `COMMAS` (`a=x,y`) or `BRACKETS` (`a[]=x&a[]=y`).
//!
//! `Authentication.ConnectionArn` in the definition is never a credential: it selects the
//! headers and query parameters the configuration gives for that connection (`http:
//! {connections: {ARN: {headers: {...}}}}`), and is otherwise ignored.
//!
//! The result: `{"Headers": {name: [values]}, "ResponseBody": body, "StatusCode": "200",
//! "StatusText": "OK"}` (names lower case; the body parsed when it is JSON, else the text;
//! `StatusCode` a string, as AWS's documented responses show it). A status outside 200–299
//! fails the task with `States.Http.StatusCode.NNN`, the cause that result as JSON text; a
//! request that cannot be made (refused, unreachable, timed out, a bad certificate) fails with
//! `States.Http.Socket`.

use super::TaskOutcome;
use super::backends::{ConfigError, matches};
use crate::model::ErrorName;
use crate::model::error_name::http_status_error;
use crate::value::Val;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// The HTTP client a run's backends share.
pub type Agent = ureq::Agent;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// A fresh client: statuses are answers, not errors; a minute per request.
pub fn agent() -> Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .allow_non_standard_methods(true)
        .build();
    Agent::new_with_config(config)
}

/// What the configuration adds to the requests made through one connection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HttpAuth {
    /// Headers, such as `Authorization`.
    pub headers: Vec<(String, String)>,
    /// Query parameters, such as an API key.
    pub query: Vec<(String, String)>,
}

/// Reads `{headers: {...}, queryParameters: {...}}`; a value `env:NAME` is read from the
/// environment when the request is made (and must be set when the configuration is read).
pub fn parse_auth(value: &Value, at: &str) -> Result<HttpAuth, ConfigError> {
    let bad = |at: &str, m: &str| ConfigError {
        pointer: at.to_owned(),
        message: m.to_owned(),
    };
    let map = value.as_object().ok_or_else(|| {
        bad(
            at,
            "a connection is {headers: {Name: value}, queryParameters: {name: value}}; `env:NAME` reads a value from the environment",
        )
    })?;
    let mut out = HttpAuth::default();
    for (k, v) in map {
        let here = format!("{at}/{k}");
        let pairs = v
            .as_object()
            .and_then(|m| {
                m.iter()
                    .map(|(n, x)| x.as_str().map(|s| (n.clone(), s.to_owned())))
                    .collect::<Option<Vec<_>>>()
            })
            .ok_or_else(|| bad(&here, "an object of names to strings"))?;
        // A credential read from the environment must be there when the run starts, not
        // found missing by the server.
        for (name, text) in &pairs {
            if let Some(var) = text.strip_prefix("env:")
                && std::env::var_os(var).is_none()
            {
                return Err(bad(
                    &format!("{here}/{}", name.replace('~', "~0").replace('/', "~1")),
                    &format!(
                        "\"{text}\" reads the environment variable {var}, which is not set: set it before the run (or write the value here)"
                    ),
                ));
            }
        }
        match k.as_str() {
            "headers" => out.headers = pairs,
            "queryParameters" => out.query = pairs,
            other => {
                return Err(bad(
                    &here,
                    &format!(
                        "unknown key \"{other}\" in a connection; it takes headers and queryParameters"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Whether a resource is the HTTP Task's.
pub fn is_http_task(resource: &str) -> bool {
    resource.ends_with(":states:::http:invoke")
}

fn value_of(text: &str) -> String {
    match text.strip_prefix("env:") {
        Some(name) => std::env::var(name).unwrap_or_default(),
        None => text.to_owned(),
    }
}

/// Percent-encoding for a URL query or form (unreserved characters kept).
fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// How arrays go into a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayFormat {
    Indices,
    Repeat,
    Commas,
    Brackets,
}

/// `key=value` pairs of a form, nested objects as `a[b]`, arrays as `format` says.
fn form_pairs(key: &str, v: &Value, format: ArrayFormat, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let name = if key.is_empty() {
                    k.clone()
                } else {
                    format!("{key}[{k}]")
                };
                form_pairs(&name, x, format, out);
            }
        }
        Value::Array(items) => match format {
            ArrayFormat::Commas => {
                let joined: Vec<String> = items.iter().map(scalar).collect();
                out.push((key.to_owned(), joined.join(",")));
            }
            _ => {
                for (i, x) in items.iter().enumerate() {
                    let name = match format {
                        ArrayFormat::Indices => format!("{key}[{i}]"),
                        ArrayFormat::Brackets => format!("{key}[]"),
                        _ => key.to_owned(),
                    };
                    form_pairs(&name, x, format, out);
                }
            }
        },
        other => out.push((key.to_owned(), scalar(other))),
    }
}

fn joined(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn fail(error: &str, cause: String) -> TaskOutcome {
    TaskOutcome::Failure {
        error: error.to_owned(),
        cause,
    }
}

fn runtime(cause: String) -> TaskOutcome {
    fail(ErrorName::Runtime.as_str(), cause)
}

/// Makes the request an HTTP Task's parameters describe.
pub fn invoke(agent: &Agent, connections: &[(String, HttpAuth)], input: &Val) -> TaskOutcome {
    let input = input.to_value();
    let Some(params) = input.as_object() else {
        return runtime(
            "An HTTP Task's parameters are an object with ApiEndpoint and Method.".into(),
        );
    };
    let Some(endpoint) = params.get("ApiEndpoint").and_then(Value::as_str) else {
        return runtime("The HTTP Task has no ApiEndpoint (a string) in its parameters.".into());
    };
    let Some(method) = params.get("Method").and_then(Value::as_str) else {
        return runtime("The HTTP Task has no Method (a string) in its parameters.".into());
    };
    let transform = params.get("Transform");
    let url_encoded = transform
        .and_then(|t| t.get("RequestBodyEncoding"))
        .and_then(Value::as_str)
        == Some("URL_ENCODED");
    let format = match transform
        .and_then(|t| t.pointer("/RequestEncodingOptions/ArrayFormat"))
        .and_then(Value::as_str)
    {
        None | Some("INDICES") => ArrayFormat::Indices,
        Some("REPEAT") => ArrayFormat::Repeat,
        Some("COMMAS") => ArrayFormat::Commas,
        Some("BRACKETS") => ArrayFormat::Brackets,
        Some(other) => {
            return runtime(format!(
                "ArrayFormat '{other}' is not one of INDICES, REPEAT, COMMAS, BRACKETS."
            ));
        }
    };
    let auth = params
        .get("Authentication")
        .and_then(|a| a.get("ConnectionArn"))
        .and_then(Value::as_str)
        .and_then(|arn| connections.iter().find(|(k, _)| matches(k, arn)))
        .map(|(_, a)| a);
    let mut query = Vec::new();
    if let Some(q) = params.get("QueryParameters") {
        form_pairs("", q, ArrayFormat::Repeat, &mut query);
    }
    if let Some(a) = auth {
        query.extend(a.query.iter().map(|(k, v)| (k.clone(), value_of(v))));
    }
    let mut url = endpoint.to_owned();
    if !query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&joined(&query));
    }
    let mut headers: Vec<(String, String)> = match params.get("Headers") {
        Some(Value::Object(h)) => h.iter().map(|(k, v)| (k.clone(), scalar(v))).collect(),
        _ => Vec::new(),
    };
    if let Some(a) = auth {
        headers.extend(a.headers.iter().map(|(k, v)| (k.clone(), value_of(v))));
    }
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
    };
    let body: Option<String> = match params.get("RequestBody") {
        None => None,
        Some(b) if url_encoded => {
            let mut pairs = Vec::new();
            form_pairs("", b, format, &mut pairs);
            if !has(&headers, "content-type") {
                headers.push((
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ));
            }
            Some(joined(&pairs))
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(b) => {
            if !has(&headers, "content-type") {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            Some(b.to_string())
        }
    };
    let mut builder = ureq::http::Request::builder().method(method).uri(&url);
    for (k, v) in &headers {
        builder = builder.header(k, v);
    }
    let sent = match body {
        Some(b) => builder.body(b).map(|r| agent.run(r)),
        None => builder.body(()).map(|r| agent.run(r)),
    };
    let mut response = match sent {
        Err(e) => return runtime(format!("The HTTP Task's request cannot be made: {e}")),
        Ok(Err(e)) => {
            return fail(
                ErrorName::HttpSocket.as_str(),
                format!("{method} {url}: {e}"),
            );
        }
        Ok(Ok(r)) => r,
    };
    let status = response.status();
    let mut response_headers = Map::new();
    for (name, value) in response.headers() {
        let text = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if let Value::Array(list) = response_headers
            .entry(name.as_str().to_owned())
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            list.push(Value::String(text));
        }
    }
    let text = match response.body_mut().read_to_string() {
        Ok(t) => t,
        Err(e) => {
            return fail(
                ErrorName::HttpSocket.as_str(),
                format!("{method} {url}: the response cannot be read: {e}"),
            );
        }
    };
    let body = serde_json::from_str::<Value>(&text).unwrap_or(Value::String(text));
    let result = json!({
        "Headers": response_headers,
        "ResponseBody": body,
        "StatusCode": status.as_u16().to_string(),
        "StatusText": status.canonical_reason().unwrap_or_default(),
    });
    if status.is_success() {
        TaskOutcome::Success(Val::from(result))
    } else {
        fail(&http_status_error(status.as_u16()), result.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{ArrayFormat, form_pairs, joined};
    use serde_json::json;

    fn form(v: &serde_json::Value, f: ArrayFormat) -> String {
        let mut pairs = Vec::new();
        form_pairs("", v, f, &mut pairs);
        joined(&pairs)
    }

    #[test]
    fn forms() {
        let v = json!({"a": ["x", "y"], "b": {"c": "d e"}});
        assert_eq!(
            form(&v, ArrayFormat::Indices),
            "a%5B0%5D=x&a%5B1%5D=y&b%5Bc%5D=d%20e"
        );
        assert_eq!(form(&v, ArrayFormat::Repeat), "a=x&a=y&b%5Bc%5D=d%20e");
        assert_eq!(form(&v, ArrayFormat::Commas), "a=x%2Cy&b%5Bc%5D=d%20e");
        assert_eq!(
            form(&v, ArrayFormat::Brackets),
            "a%5B%5D=x&a%5B%5D=y&b%5Bc%5D=d%20e"
        );
    }
}
