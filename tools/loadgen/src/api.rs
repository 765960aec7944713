//! Switchboard's REST API as the `desk` and `hold` runs call it: one keep-alive HTTP/1.1
//! connection with a bearer token, any method and path, JSON bodies. Like
//! [`crate::client::Connection`] it reconnects lazily, and a failure is a [`Failure`].

use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request};
use serde_json::Value;

use crate::client::{Target, connect};
use crate::stats::Failure;

/// How long a setup call may take (creating a user reloads the router's users).
const SETUP_TIMEOUT: Duration = Duration::from_secs(60);

/// An engine's base URL and the token calls carry.
#[derive(Debug, Clone)]
pub struct Api {
    target: Target,
    bearer: HeaderValue,
}

impl Api {
    /// `url`: `http://host:port` of the engine; `token`: sent as `Authorization: Bearer`.
    pub fn new(url: &str, token: &str) -> anyhow::Result<Api> {
        let target = Target::parse(url.trim_end_matches('/'))?;
        let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
            .context("the token is not a valid header value")?;
        Ok(Api { target, bearer })
    }

    /// The base URL as given.
    pub fn url(&self) -> &str {
        self.target.url().trim_end_matches('/')
    }

    /// The `Authorization` header value.
    pub fn bearer(&self) -> &HeaderValue {
        &self.bearer
    }

    /// `host:port`.
    pub fn address(&self) -> &str {
        self.target.address()
    }

    /// A connection, not opened yet.
    pub fn connection(&self) -> ApiConnection {
        ApiConnection {
            api: self.clone(),
            sender: None,
        }
    }
}

/// One keep-alive connection to the API.
pub struct ApiConnection {
    api: Api,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl ApiConnection {
    /// Opens the connection now if it is not open.
    pub async fn open(&mut self) -> anyhow::Result<()> {
        if self.sender.as_ref().is_none_or(SendRequest::is_closed) {
            self.sender = Some(connect(&self.api.target).await?);
        }
        Ok(())
    }

    /// Sends one request and reads the whole answer: its status and body.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        timeout: Duration,
    ) -> Result<(u16, Bytes), Failure> {
        self.open().await.map_err(|_| Failure::Connect)?;
        let Some(sender) = self.sender.as_mut() else {
            return Err(Failure::Connect);
        };
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.api.target.authority().clone())
            .header(AUTHORIZATION, self.api.bearer.clone());
        if body.is_some() {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        let request = request
            .body(Full::new(body.unwrap_or_default()))
            .map_err(|_| Failure::Io)?;
        let exchange = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, hyper::Error>((status, body))
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(_)) => {
                self.sender = None;
                Err(Failure::Io)
            }
            Err(_) => {
                // The answer may still come on this connection: start afresh.
                self.sender = None;
                Err(Failure::Timeout)
            }
        }
    }

    /// A setup call: `body` as JSON, the answer parsed; a non-2xx answer is an error that
    /// quotes the engine's message.
    pub async fn json(
        &mut self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let bytes = body.map(|b| Bytes::from(b.to_string()));
        let (status, answer) = self
            .send(method.clone(), path, bytes, SETUP_TIMEOUT)
            .await
            .map_err(|failure| {
                anyhow::anyhow!("{method} {path}: no answer ({})", failure.name())
            })?;
        let text = String::from_utf8_lossy(&answer);
        if !(200..300).contains(&status) {
            bail!("{method} {path}: HTTP {status}: {text}");
        }
        if answer.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&answer).with_context(|| format!("{method} {path}: {text}"))
    }
}

/// The integer field `key` of an API answer.
pub fn id_field(answer: &Value, key: &str) -> anyhow::Result<i64> {
    answer[key]
        .as_i64()
        .with_context(|| format!("no integer `{key}` in {answer}"))
}
