//! A small client of the plugin admin API, for the CLI.
//!
//! Answers are kept as JSON values, so `--json` prints exactly what the server said and the
//! readable output reads the fields it shows.

use anyhow::{Context, anyhow, bail};
use reqwest::{Method, RequestBuilder, Url};
use serde_json::{Value, json};

/// The variable the CLI reads the admin token from (never a flag: flags end up in shell
/// history and process lists).
pub const TOKEN_VAR: &str = "SWITCHBOARD_TOKEN";

/// A connection to one server's admin API.
pub struct AdminClient {
    http: reqwest::Client,
    base: Url,
    token: String,
}

impl AdminClient {
    /// A client of the server at `server` (`http://host:port`) using `token`.
    pub fn new(server: &str, token: Option<String>) -> anyhow::Result<Self> {
        let base = Url::parse(server).with_context(|| format!("--server {server} is not a URL"))?;
        if base.scheme() != "http" {
            bail!(
                "--server {server}: only http:// is supported (put TLS in a proxy in front of the server)"
            );
        }
        let token = token.filter(|t| !t.trim().is_empty()).ok_or_else(|| {
            anyhow!(
                "set {TOKEN_VAR} to the admin token (printed once when the server first started)"
            )
        })?;
        Ok(Self {
            http: reqwest::Client::new(),
            base,
            token: token.trim().to_string(),
        })
    }

    /// `GET /api/v1/plugins`.
    pub async fn list(&self) -> anyhow::Result<Value> {
        self.send(self.request(Method::GET, &[])?).await
    }

    /// `GET /api/v1/plugins/{name}`.
    pub async fn show(&self, name: &str) -> anyhow::Result<Value> {
        self.send(self.request(Method::GET, &[name])?).await
    }

    /// `POST /api/v1/plugins?activate=…` with the component as the body.
    pub async fn install(&self, wasm: Vec<u8>, activate: bool) -> anyhow::Result<Value> {
        let request = self
            .request(Method::POST, &[])?
            .query(&[("activate", activate)])
            .header(reqwest::header::CONTENT_TYPE, "application/wasm")
            .body(wasm);
        self.send(request).await
    }

    /// `POST /api/v1/plugins/{name}/activate`.
    pub async fn activate(&self, name: &str, version: &str) -> anyhow::Result<Value> {
        let request = self
            .request(Method::POST, &[name, "activate"])?
            .json(&json!({ "version": version }));
        self.send(request).await
    }

    /// `POST /api/v1/plugins/{name}/rollback`.
    pub async fn rollback(&self, name: &str) -> anyhow::Result<Value> {
        self.send(self.request(Method::POST, &[name, "rollback"])?)
            .await
    }

    /// `METHOD /api/v1/<segments…>` with an optional JSON body.
    pub async fn api(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self.api_request(method, segments)?;
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    /// `POST /api/v1/<segments…>?<query>` with a streamed body.
    pub async fn upload(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
        body: reqwest::Body,
        content_type: &str,
    ) -> anyhow::Result<Value> {
        let request = self
            .api_request(Method::POST, segments)?
            .query(query)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send(request).await
    }

    /// `METHOD /api/v1/<segments…>`, the answer as text (exports).
    pub async fn raw(&self, method: Method, segments: &[&str]) -> anyhow::Result<String> {
        let response = self
            .api_request(method, segments)?
            .send()
            .await
            .map_err(|error| {
                anyhow!(
                    "cannot reach the server at {}: {}",
                    self.base,
                    root_cause(&error)
                )
            })?;
        let status = response.status();
        let text = response
            .text()
            .await
            .context("the server's answer was cut off")?;
        if !status.is_success() {
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            match (value["message"].as_str(), value["code"].as_str()) {
                (Some(message), Some(code)) => bail!("{message} ({code})"),
                _ => bail!("the server answered {status}"),
            }
        }
        Ok(text)
    }

    /// A request to `/api/v1/plugins/<segments…>`, each segment escaped.
    fn request(&self, method: Method, segments: &[&str]) -> anyhow::Result<RequestBuilder> {
        let mut all = vec!["plugins"];
        all.extend_from_slice(segments);
        self.api_request(method, &all)
    }

    /// A request to `/api/v1/<segments…>`, each segment escaped.
    fn api_request(&self, method: Method, segments: &[&str]) -> anyhow::Result<RequestBuilder> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| anyhow!("--server {} cannot have a path", self.base))?
            .pop_if_empty()
            .extend(["api", "v1"])
            .extend(segments);
        Ok(self.http.request(method, url).bearer_auth(&self.token))
    }

    /// Sends, and turns an error answer into its message and code.
    async fn send(&self, request: RequestBuilder) -> anyhow::Result<Value> {
        let response = request.send().await.map_err(|error| {
            anyhow!(
                "cannot reach the server at {}: {} (is `switchboard serve` running?)",
                self.base,
                root_cause(&error)
            )
        })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .context("the server's answer was cut off")?;
        let value: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(value);
        }
        match (value["message"].as_str(), value["code"].as_str()) {
            (Some(message), Some(code)) => bail!("{message} ({code})"),
            _ => bail!("the server answered {status}"),
        }
    }
}

/// The innermost cause: reqwest's own message ("error sending request") says less than the
/// socket's ("Connection refused").
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
