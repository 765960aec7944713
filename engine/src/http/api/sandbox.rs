//! The sandbox provider's endpoints: where sandbox connectors send (`/sandbox/{id}/outbox`),
//! and the API to read what they sent and to inject customer messages and statuses. The
//! customer simulator of the web client is built on these, so a supervisor (who may not read
//! `/api/v1/connectors`) can list the sandbox connectors here.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::providers::sandbox::{InjectMessage, InjectStatus, SandboxMessage};
use crate::store::{IntakeOutcome, MessageRow};

pub fn public_router() -> Router<AppState> {
    Router::new().route("/sandbox/outbox", post(outbox_post))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sandbox", get(connectors))
        .route("/api/v1/sandbox/{id}/outbox", get(outbox))
        .route("/api/v1/sandbox/{id}/inbound", post(inbound))
        .route("/api/v1/sandbox/{id}/status", post(status))
}

/// Where sandbox connectors' sends land (the sandbox plugin's `outbox_url`); the sending
/// number says which connector.
async fn outbox_post(
    State(state): State<AppState>,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let messaging = state.messaging()?;
    let from = body.get("from").and_then(Value::as_str).unwrap_or_default();
    let id = match messaging.connectors.by_number(from) {
        Some((connector, _)) if connector.plugin == "sandbox" => connector.id,
        _ => {
            return Err(ApiError::new(
                "not_found",
                format!("no sandbox connector carries `{from}`"),
            ));
        }
    };
    let kept = messaging.sandbox_send(id, &body);
    Ok((StatusCode::CREATED, Json(json!({ "id": kept.id }))))
}

/// A sandbox connector, as the customer simulator needs it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SandboxConnector {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Business numbers customers write to.
    pub numbers: Vec<String>,
    /// `whatsapp` or `sms` (the sandbox config's `channel`).
    pub channel: String,
    /// Whether it sends and receives.
    pub enabled: bool,
}

/// The connectors using the sandbox provider, by id.
#[utoipa::path(get, path = "/api/v1/sandbox", tag = "sandbox",
    responses((status = 200, body = [SandboxConnector])))]
pub async fn connectors(
    State(state): State<AppState>,
) -> Result<Json<Vec<SandboxConnector>>, ApiError> {
    let mut list: Vec<SandboxConnector> = state
        .messaging()?
        .connectors
        .all()
        .iter()
        .filter(|c| c.plugin == "sandbox")
        .map(|c| {
            let config: Value = serde_json::from_str(&c.config).unwrap_or(Value::Null);
            SandboxConnector {
                id: c.id,
                name: c.name.clone(),
                numbers: c.numbers.iter().map(|n| n.number.clone()).collect(),
                channel: config["channel"].as_str().unwrap_or("whatsapp").to_owned(),
                enabled: c.enabled,
            }
        })
        .collect();
    list.sort_by_key(|c| c.id);
    Ok(Json(list))
}

/// Cursor and filter over the outbox.
#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Only messages after this position.
    pub after: Option<u64>,
    /// Only messages to this number.
    pub to: Option<String>,
}

/// A sent message with what the engine knows of it since.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxItem {
    /// What the sandbox kept.
    #[serde(flatten)]
    pub message: SandboxMessage,
    /// The engine message's status now (`sent`, `delivered`, `read`, `failed`…); absent when
    /// the message is not the engine's.
    pub status: Option<String>,
    /// The failure's code, when failed.
    pub error_code: Option<String>,
}

/// What a sandbox connector sent (the last 1 000), each with its current status.
#[utoipa::path(get, path = "/api/v1/sandbox/{id}/outbox", tag = "sandbox", params(OutboxQuery),
    responses((status = 200, body = [OutboxItem])))]
pub async fn outbox(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Query(query): Query<OutboxQuery>,
) -> Result<Json<Vec<OutboxItem>>, ApiError> {
    let messaging = state.messaging()?;
    let to = query.to.as_deref().map(str::trim);
    let kept: Vec<SandboxMessage> = messaging
        .sandbox
        .outbox(id, query.after.unwrap_or(0))
        .into_iter()
        .filter(|m| to.is_none_or(|to| m.to["number"].as_str() == Some(to)))
        .collect();
    let engine_id = |m: &SandboxMessage| m.message_id.and_then(|id| i64::try_from(id).ok());
    let ids: Vec<i64> = kept.iter().filter_map(engine_id).collect();
    // One read for the page (up to 1 000 messages): the simulator polls this.
    let mut rows: std::collections::HashMap<i64, MessageRow> = messaging
        .store
        .messages(&ids)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect();
    let items = kept
        .into_iter()
        .map(|message| {
            let row = engine_id(&message).and_then(|id| rows.remove(&id));
            OutboxItem {
                status: row.as_ref().map(|r| r.status.clone()),
                error_code: row.and_then(|r| r.error_code),
                message,
            }
        })
        .collect();
    Ok(Json(items))
}

/// What an injection stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct Injected {
    /// The message or status it touched.
    pub message_id: Option<i64>,
    /// The conversation.
    pub conversation_id: Option<i64>,
    /// Seen before (same `id`).
    pub duplicate: bool,
}

fn injected(outcomes: &[IntakeOutcome]) -> Injected {
    match outcomes.first() {
        Some(IntakeOutcome::Message {
            message_id,
            conversation_id,
            duplicate,
            ..
        }) => Injected {
            message_id: Some(*message_id),
            conversation_id: *conversation_id,
            duplicate: *duplicate,
        },
        Some(IntakeOutcome::Status { message_id, .. }) => Injected {
            message_id: *message_id,
            conversation_id: None,
            duplicate: false,
        },
        _ => Injected {
            message_id: None,
            conversation_id: None,
            duplicate: false,
        },
    }
}

/// A customer writes to a sandbox number.
#[utoipa::path(post, path = "/api/v1/sandbox/{id}/inbound", tag = "sandbox", request_body = InjectMessage,
    responses((status = 200, body = Injected), (status = 401, body = ApiError)))]
pub async fn inbound(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(message): Json<InjectMessage>,
) -> Result<Json<Injected>, ApiError> {
    let accepted = state.messaging()?.sandbox_inbound(id, message).await?;
    Ok(Json(injected(&accepted.outcomes)))
}

/// A status for a message a sandbox connector sent (the customer read it…).
#[utoipa::path(post, path = "/api/v1/sandbox/{id}/status", tag = "sandbox", request_body = InjectStatus,
    responses((status = 200, body = Injected)))]
pub async fn status(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(status): Json<InjectStatus>,
) -> Result<Json<Injected>, ApiError> {
    let accepted = state.messaging()?.sandbox_status(id, status).await?;
    Ok(Json(injected(&accepted.outcomes)))
}
