//! Performing the requests provider plugins prepare: the only place the engine talks to
//! providers. Timeouts and a response size cap are the host's; URLs are never logged (Kannel
//! carries its password in the query).

use std::time::Duration;

use crate::plugins::bindings::common::Pair;
use crate::plugins::provider::{HttpRequest, HttpResponse};

/// Why a request got no HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The request the plugin built is not one we can send.
    #[error("the plugin built an invalid request: {0}")]
    Invalid(String),
    /// No answer in time.
    #[error("the provider did not answer within {0:?}")]
    Timeout(Duration),
    /// No connection could be made (refused, DNS…): the request never left.
    #[error("could not connect to the provider: {0}")]
    Connect(String),
    /// The connection broke (reset, closed…), perhaps after the request was received.
    #[error("could not reach the provider: {0}")]
    Network(String),
    /// The body was larger than allowed.
    #[error("the provider's answer is larger than {0} bytes")]
    TooLarge(usize),
}

impl FetchError {
    /// Whether the provider may have received the request (so sending again may send twice).
    pub fn may_have_left(&self) -> bool {
        matches!(
            self,
            Self::Timeout(_) | Self::Network(_) | Self::TooLarge(_)
        )
    }
}

/// A shared client with the engine's timeouts.
#[derive(Debug, Clone)]
pub struct ProviderClient {
    client: reqwest::Client,
    timeout: Duration,
}

impl ProviderClient {
    /// A client whose requests time out after `timeout`; fails only if the system cannot give
    /// it what it needs (resolver, sockets).
    pub fn new(timeout: Duration) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            .pool_max_idle_per_host(64)
            .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self { client, timeout })
    }

    /// Sends `request`; reads at most `max_body` bytes of the answer.
    pub async fn perform(
        &self,
        request: HttpRequest,
        max_body: usize,
    ) -> Result<HttpResponse, FetchError> {
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| FetchError::Invalid(format!("method `{}`", request.method)))?;
        let url = reqwest::Url::parse(&request.url)
            .map_err(|e| FetchError::Invalid(format!("URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Invalid("only http and https URLs".into()));
        }
        let mut builder = self.client.request(method, url);
        for Pair { name, value } in request.headers {
            builder = builder.header(name, value);
        }
        let mut response = builder
            .body(request.body)
            .send()
            .await
            .map_err(|e| self.classify(&e))?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| Pair {
                name: name.as_str().to_owned(),
                value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
            })
            .collect();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(&e))? {
            if body.len() + chunk.len() > max_body {
                return Err(FetchError::TooLarge(max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn classify(&self, error: &reqwest::Error) -> FetchError {
        if error.is_timeout() {
            FetchError::Timeout(self.timeout)
        } else if error.is_connect() {
            FetchError::Connect(error.without_url_ref().to_string())
        } else if error.is_builder() {
            FetchError::Invalid(error.without_url_ref().to_string())
        } else {
            FetchError::Network(error.without_url_ref().to_string())
        }
    }
}

/// `reqwest::Error` without the URL, which may carry credentials.
trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut text = self.to_string();
        if let Some(url) = self.url() {
            text = text.replace(url.as_str(), "<provider URL>");
        }
        text
    }
}
