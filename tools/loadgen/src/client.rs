//! One keep-alive HTTP/1.1 connection to the target. It reconnects lazily: a connection the
//! server closed while idle is replaced before the next request, which is not counted as an
//! error; a failure while a request is under way is.

use std::time::Duration;

use anyhow::{Context, bail};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::payload::SIGNATURE_HEADER;
use crate::stats::Failure;

/// Where requests go: an `http://` URL (no TLS).
#[derive(Debug, Clone)]
pub struct Target {
    url: String,
    authority: HeaderValue,
    address: String,
    path: Uri,
}

impl Target {
    /// Parses `url`; only `http://host[:port]/path[?query]` is accepted.
    pub fn parse(url: &str) -> anyhow::Result<Target> {
        let uri: Uri = url
            .parse()
            .with_context(|| format!("`{url}` is not a URL"))?;
        if uri.scheme_str() != Some("http") {
            bail!("`{url}`: only http:// URLs are supported (no TLS)");
        }
        let Some(authority) = uri.authority() else {
            bail!("`{url}` has no host");
        };
        let port = authority.port_u16().unwrap_or(80);
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        Ok(Target {
            url: url.to_owned(),
            authority: HeaderValue::from_str(authority.as_str())?,
            address: format!("{}:{port}", authority.host()),
            path: path.parse()?,
        })
    }

    /// The URL as given.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `host:port` to connect to.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The `Host` header.
    pub fn authority(&self) -> &HeaderValue {
        &self.authority
    }
}

/// A connection that may be closed; [`Connection::post`] opens it when needed.
pub struct Connection {
    target: Target,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    /// A connection to `target`, not opened yet.
    pub fn new(target: Target) -> Connection {
        Connection {
            target,
            sender: None,
        }
    }

    /// Opens the connection now if it is not open, so a run starts with its pool ready.
    pub async fn open(&mut self) -> anyhow::Result<()> {
        if self.sender.as_ref().is_none_or(SendRequest::is_closed) {
            self.sender = Some(connect(&self.target).await?);
        }
        Ok(())
    }

    /// Posts a signed JSON body and reads the whole answer; the status, or why there is none.
    pub async fn post(
        &mut self,
        body: Bytes,
        signature: &str,
        timeout: Duration,
    ) -> Result<u16, Failure> {
        self.open().await.map_err(|_| Failure::Connect)?;
        let Some(sender) = self.sender.as_mut() else {
            return Err(Failure::Connect);
        };
        let request = Request::builder()
            .method(Method::POST)
            .uri(self.target.path.clone())
            .header(HOST, self.target.authority.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(USER_AGENT, "facebookexternalua")
            .header(SIGNATURE_HEADER, signature)
            .body(Full::new(body))
            .map_err(|_| Failure::Io)?;
        let exchange = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            response.into_body().collect().await?;
            Ok::<u16, hyper::Error>(status)
        };
        match tokio::time::timeout(timeout, exchange).await {
            Ok(Ok(status)) => Ok(status),
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
}

/// Opens a keep-alive HTTP/1.1 connection to `target` (TCP_NODELAY), its driver spawned.
pub(crate) async fn connect(target: &Target) -> anyhow::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(&target.address)
        .await
        .with_context(|| format!("cannot connect to {}", target.address))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
    // The connection task ends when the sender is dropped or the peer closes.
    tokio::spawn(connection);
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_plain_http() {
        let target = Target::parse("http://127.0.0.1:8080/hooks/wa?x=1").expect("valid");
        assert_eq!(target.address, "127.0.0.1:8080");
        assert_eq!(target.authority, "127.0.0.1:8080");
        assert_eq!(target.path, "/hooks/wa?x=1");
        let bare = Target::parse("http://localhost").expect("valid");
        assert_eq!(bare.address, "localhost:80");
        assert_eq!(bare.path, "/");
        assert!(Target::parse("https://example.com/").is_err());
        assert!(Target::parse("not a url").is_err());
    }
}
