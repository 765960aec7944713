//! `/api/v1/messages` and `/api/v1/conversations`: send through the compliance gate, read
//! history.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::page_limit;
use super::visibility::visible_conversation;
use crate::clock;
use crate::conversations::Content;
use crate::conversations::compliance::{Queued, SendRequest};
use crate::http::auth::Principal;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{ConversationFilter, ConversationRow, MediaRow, MessageRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/messages", post(send))
        .route("/api/v1/messages/{id}", get(message))
        .route("/api/v1/conversations", get(conversations))
}

/// Reads every signed-in user may make, of the conversations they may see.
pub fn visible_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations/{id}", get(conversation))
        .route("/api/v1/conversations/{id}/messages", get(history))
}

/// A message as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    /// Id.
    pub id: i64,
    /// Conversation.
    pub conversation_id: Option<i64>,
    /// `in` or `out`.
    pub direction: String,
    /// customer, agent, bot, api, dialer, system.
    pub origin: String,
    /// Content.
    pub content: Content,
    /// received, blocked, queued, sending, unknown, sent, delivered, read, failed.
    pub status: String,
    /// Failure code.
    pub error_code: Option<String>,
    /// Failure text.
    pub error_message: Option<String>,
    /// Provider id.
    pub provider_message_id: Option<String>,
    /// gsm7 or ucs2, for SMS.
    pub sms_encoding: Option<String>,
    /// SMS segments.
    pub sms_segments: Option<i64>,
    /// Send attempts.
    pub attempts: i64,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Last change, RFC 3339.
    pub updated_at: String,
    /// Attachments (inbound media fetched and stored here).
    pub media: Vec<MediaView>,
}

/// An attachment.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaView {
    /// Id: download at `/api/v1/media/{id}`.
    pub id: i64,
    /// pending, stored, failed.
    pub state: String,
    /// MIME type.
    pub mime_type: Option<String>,
    /// File name.
    pub filename: Option<String>,
    /// Size in bytes.
    pub size: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
}

impl From<MediaRow> for MediaView {
    fn from(m: MediaRow) -> Self {
        Self {
            id: m.id,
            state: m.state,
            mime_type: m.mime_type,
            filename: m.filename,
            size: m.size,
            error: m.error,
        }
    }
}

pub(crate) fn message_view(m: MessageRow, media: Vec<MediaRow>) -> MessageView {
    MessageView {
        id: m.id,
        conversation_id: m.conversation_id,
        direction: m.direction,
        origin: m.origin,
        content: Content::from_json(&m.content),
        status: m.status,
        error_code: m.error_code,
        error_message: m.error_message,
        provider_message_id: m.provider_message_id,
        sms_encoding: m.sms_encoding,
        sms_segments: m.sms_segments,
        attempts: m.attempts,
        created_at: clock::rfc3339(m.created_ms),
        updated_at: clock::rfc3339(m.updated_ms),
        media: media.into_iter().map(MediaView::from).collect(),
    }
}

/// A conversation as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationView {
    /// Id.
    pub id: i64,
    /// Business number.
    pub number: String,
    /// Contact id.
    pub contact_id: i64,
    /// Contact number.
    pub contact_number: Option<String>,
    /// Contact name.
    pub contact_name: Option<String>,
    /// State.
    pub state: String,
    /// Still open.
    pub open: bool,
    /// Last message, RFC 3339.
    pub last_message_at: String,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Ended, RFC 3339.
    pub closed_at: Option<String>,
    /// Campaign.
    pub campaign_id: Option<i64>,
    /// The agent holding it, or who held it last.
    pub agent_id: Option<i64>,
    /// Why it ended.
    pub end_reason: Option<String>,
    /// Disposition code.
    pub disposition: Option<String>,
    /// Survey score 1–5.
    pub csat: Option<i64>,
    /// Tags.
    pub tags: Vec<String>,
}

/// Sends a message through the compliance gate. `202`: queued; statuses follow.
#[utoipa::path(post, path = "/api/v1/messages", tag = "messages", request_body = SendRequest,
    responses((status = 202, body = Queued),
        (status = 409, description = "window_closed, recipient_blocked, connector_unavailable", body = ApiError),
        (status = 422, description = "invalid_recipient, template_invalid, content_invalid", body = ApiError)))]
pub async fn send(
    State(state): State<AppState>,
    Json(request): Json<SendRequest>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    if let Some(dialer) = request.dialer_id {
        return send_through_dialer(&state, dialer, request).await;
    }
    let queued = state.messaging()?.send(request, "api").await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// A send that targets a dialer: one of its records, sent now with its rules.
async fn send_through_dialer(
    state: &AppState,
    dialer: i64,
    request: SendRequest,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    if request.from.is_some()
        || request.conversation_id.is_some()
        || request.template.is_some()
        || request.content.is_some()
    {
        return Err(ApiError::bad_request(
            "through a dialer give `to` and `text` (or `hsm:code:p1`) only: the dialer picks the line",
        ));
    }
    let to = request
        .to
        .ok_or_else(|| ApiError::bad_request("give `to`, the recipient's number"))?;
    let record = state
        .dialers()?
        .single_send(dialer, &to, request.text, None)
        .await?;
    let record = super::dialers::sent_or_refused(record)?;
    let message_id = record.message_id.unwrap_or_default();
    let message = state
        .messaging()?
        .store
        .message(message_id)
        .await?
        .ok_or_else(|| {
            ApiError::internal(format!("message {message_id} of a dialer record is gone"))
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Queued {
            message_id,
            conversation_id: message.conversation_id.unwrap_or_default(),
            dialer_record_id: Some(record.id),
        }),
    ))
}

/// One message with its status and attachments.
#[utoipa::path(get, path = "/api/v1/messages/{id}", tag = "messages",
    responses((status = 200, body = MessageView), (status = 404, body = ApiError)))]
pub async fn message(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<MessageView>, ApiError> {
    let store = &state.messaging()?.store;
    let row = store
        .message(id)
        .await?
        .ok_or_else(|| ApiError::new("not_found", format!("no message {id}")))?;
    let media = store.media_of(&[id]).await?;
    Ok(Json(message_view(row, media)))
}

/// Cursor for conversation lists.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ConversationQuery {
    /// Only ids below this (the last id of the previous page).
    pub before: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
    /// Only this contact's.
    pub contact_id: Option<i64>,
}

/// Conversations, newest first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "messages", params(ConversationQuery),
    responses((status = 200, body = [ConversationView])))]
pub async fn conversations(
    State(state): State<AppState>,
    Query(query): Query<ConversationQuery>,
) -> Result<Json<Vec<ConversationView>>, ApiError> {
    let store = &state.messaging()?.store;
    let rows = store
        .conversations(ConversationFilter {
            before: query.before,
            limit: page_limit(query.limit),
            contact_id: query.contact_id,
            ..ConversationFilter::default()
        })
        .await?;
    Ok(Json(rows.into_iter().map(conversation_view).collect()))
}

pub(crate) fn conversation_view(row: ConversationRow) -> ConversationView {
    ConversationView {
        id: row.id,
        number: row.number,
        contact_id: row.contact_id,
        contact_number: row.contact_number,
        contact_name: row.contact_name,
        state: row.state,
        open: row.open,
        last_message_at: clock::rfc3339(row.last_message_ms),
        created_at: clock::rfc3339(row.created_ms),
        closed_at: row.closed_ms.map(clock::rfc3339),
        campaign_id: row.campaign_id,
        agent_id: row.agent_id,
        end_reason: row.end_reason,
        disposition: row.disposition,
        csat: row.csat,
        tags: row.tags,
    }
}

/// One conversation.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "messages",
    responses((status = 200, body = ConversationView), (status = 404, body = ApiError)))]
pub async fn conversation(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<ConversationView>, ApiError> {
    let row = visible_conversation(&state, &principal, id).await?;
    Ok(Json(conversation_view(row)))
}

/// Cursor for message history.
#[derive(Debug, Deserialize, IntoParams)]
pub struct HistoryQuery {
    /// Only ids above this (the last id of the previous page).
    pub after: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

/// A conversation's messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messages", params(HistoryQuery),
    responses((status = 200, body = [MessageView]), (status = 404, body = ApiError)))]
pub async fn history(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<Vec<MessageView>>, ApiError> {
    visible_conversation(&state, &principal, id).await?;
    let store = &state.messaging()?.store;
    let rows = store
        .messages_of(id, query.after.unwrap_or(0), page_limit(query.limit))
        .await?;
    // One query for the page's attachments, not one per message.
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let mut media: std::collections::HashMap<i64, Vec<MediaRow>> = std::collections::HashMap::new();
    for row in store.media_of(&ids).await? {
        media.entry(row.message_id).or_default().push(row);
    }
    let views = rows
        .into_iter()
        .map(|row| {
            let own = media.remove(&row.id).unwrap_or_default();
            message_view(row, own)
        })
        .collect();
    Ok(Json(views))
}
