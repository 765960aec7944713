//! The client's address, as the socket reports it.
//!
//! The peer of the TCP connection (axum's `ConnectInfo`): behind a reverse proxy that is the
//! proxy, so login limits per address then count the proxy as one client; raise
//! `auth.login_attempts_per_ip` there. Forwarded headers are not trusted: anyone can send them.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::Extensions;
use axum::http::request::Parts;

/// The client's IP address, if the server knows it (tests driving the router without a
/// socket have none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    /// The address in a request's extensions.
    pub fn of(extensions: &Extensions) -> Self {
        Self(
            extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
        )
    }

    /// The address as stored (`None` when unknown).
    pub fn text(self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::of(&parts.extensions))
    }
}
