//! `/webhooks/{connector}/{secret}`: where providers post. GET too (Meta's verification
//! challenge). The body is read raw, up to the configured limit, and handed to intake with the
//! caller's address; the answer is the plugin's, sent only after everything is stored.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

use super::error::ApiError;
use super::state::AppState;
use crate::providers::intake::IncomingWebhook;

/// The webhook routes; bodies up to `body_limit` bytes.
pub fn router(body_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/webhooks/{connector}/{secret}", any(webhook))
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
}

async fn webhook(
    State(state): State<AppState>,
    Path((connector_id, secret)): Path<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let messaging = state.messaging()?.clone();
    let connector_id: i64 = connector_id.parse().map_err(|_| ApiError::unauthorized())?;
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, messaging.settings.webhook_body_limit)
        .await
        .map_err(|_| {
            ApiError::new(
                "payload_too_large",
                format!(
                    "webhook bodies are limited to {} bytes",
                    messaging.settings.webhook_body_limit
                ),
            )
        })?;
    let call = IncomingWebhook {
        connector_id,
        secret,
        method: parts.method.as_str().to_owned(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned()),
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        peer,
    };
    let accepted = messaging.intake(call).await.inspect_err(|error| {
        tracing::warn!(connector = connector_id, %error, "webhook refused");
    })?;
    let reply = accepted.response;
    let mut response = Response::new(Body::from(reply.body));
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    for pair in reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(pair.name),
            HeaderValue::try_from(pair.value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    Ok(response.into_response())
}
