//! The supervisor's desk: the live board, pausing and logging out agents, and the internal
//! chat between supervisors and agents. Actions on agents are audited.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock;
use crate::http::auth::{Principal, Role, audit};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::routing::board::Board;
use crate::routing::task::Action;

/// Routes; each handler checks the role it needs.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/board", get(board))
        .route("/api/v1/agents/{id}/pause", post(pause))
        .route("/api/v1/agents/{id}/resume", post(resume))
        .route("/api/v1/agents/{id}/logout", post(log_out))
        .route("/api/v1/chat/{user}", get(chat).post(say))
        .route("/api/v1/reports/service-level", get(service_level))
}

/// Which report.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ServiceLevelQuery {
    pub campaign_id: i64,
    /// Start (RFC 3339). Default: 24 h before `to`.
    pub from: Option<String>,
    /// End (RFC 3339). Default: now.
    pub to: Option<String>,
    /// Interval length in minutes (default 60; at most 2 000 intervals).
    pub interval_minutes: Option<i64>,
}

/// One interval of the report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceLevelRow {
    /// Interval start, RFC 3339.
    pub start: String,
    /// Percent, absent when nothing counts.
    pub service_level: Option<f64>,
    pub answered: u64,
    pub abandoned: u64,
}

/// The report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceLevelReport {
    pub campaign_id: i64,
    pub threshold_secs: u32,
    /// Over the whole span.
    pub service_level: Option<f64>,
    pub intervals: Vec<ServiceLevelRow>,
}

/// A campaign's service level per interval (DESIGN §5: answered in time ÷ answered +
/// abandoned after the threshold), by the time conversations were queued.
#[utoipa::path(get, path = "/api/v1/reports/service-level", tag = "supervisor", params(ServiceLevelQuery),
    responses((status = 200, body = ServiceLevelReport), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn service_level(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ServiceLevelQuery>,
) -> Result<Json<ServiceLevelReport>, ApiError> {
    use crate::routing::service_level::{by_interval, service_level as overall};
    let instant = |v: &str| {
        v.parse::<jiff::Timestamp>()
            .map(|t| t.as_millisecond())
            .map_err(|_| ApiError::new("invalid", format!("`{v}` is not RFC 3339")))
    };
    let to = query
        .to
        .as_deref()
        .map(instant)
        .transpose()?
        .unwrap_or_else(clock::now_ms);
    let from = query
        .from
        .as_deref()
        .map(instant)
        .transpose()?
        .unwrap_or(to - 86_400_000);
    let interval = query.interval_minutes.unwrap_or(60).max(1) * 60_000;
    if to <= from || (to - from) / interval > 2_000 {
        return Err(ApiError::new(
            "invalid",
            "give `from` before `to`, at most 2 000 intervals apart",
        ));
    }
    let (settings, samples) =
        super::reports::campaign_samples(&state, &principal, query.campaign_id, from, to).await?;
    let threshold = i64::from(settings.service_level_secs) * 1000;
    let intervals = by_interval(&samples, threshold, interval, from, to)
        .into_iter()
        .map(
            |(start, service_level, answered, abandoned)| ServiceLevelRow {
                start: clock::rfc3339(start),
                service_level,
                answered,
                abandoned,
            },
        )
        .collect();
    Ok(Json(ServiceLevelReport {
        campaign_id: query.campaign_id,
        threshold_secs: settings.service_level_secs,
        service_level: overall(&samples, threshold),
        intervals,
    }))
}

/// The live board of the campaigns the supervisor sees: queues, waits, service level, agents.
#[utoipa::path(get, path = "/api/v1/board", tag = "supervisor", responses((status = 200, body = Board), (status = 403, body = ApiError)))]
pub async fn board(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Board>, ApiError> {
    principal.require(Role::Supervisor)?;
    let viewer = principal.clone();
    let board = state
        .router()?
        .board(move |c| viewer.sees_campaign(c))
        .await?;
    Ok(Json(board))
}

/// Whether a supervisor may act on `agent`: an agent of a campaign in its scope.
async fn check_agent(state: &AppState, principal: &Principal, agent: i64) -> Result<(), ApiError> {
    principal.require(Role::Supervisor)?;
    let campaigns = state.router()?.memberships(agent).await;
    if state.messaging()?.store.user(agent).await?.is_none() {
        return Err(ApiError::new("not_found", format!("no user {agent}")));
    }
    if principal.role == Role::Admin
        || principal.campaign_scope.is_none()
        || campaigns.iter().any(|&c| principal.sees_campaign(c))
    {
        Ok(())
    } else {
        Err(ApiError::new(
            "forbidden",
            format!("agent {agent} works in none of your campaigns"),
        ))
    }
}

/// Pauses an agent: no new conversations until resumed; it keeps what it has.
#[utoipa::path(post, path = "/api/v1/agents/{id}/pause", tag = "supervisor",
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn pause(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    check_agent(&state, &principal, id).await?;
    state
        .router()?
        .act(Action::Pause {
            agent: id,
            paused: true,
        })
        .await?;
    audit(
        state.messaging()?.store.as_ref(),
        &principal,
        "agent.pause",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts a pause.
#[utoipa::path(post, path = "/api/v1/agents/{id}/resume", tag = "supervisor",
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn resume(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    check_agent(&state, &principal, id).await?;
    state
        .router()?
        .act(Action::Pause {
            agent: id,
            paused: false,
        })
        .await?;
    audit(
        state.messaging()?.store.as_ref(),
        &principal,
        "agent.resume",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logs an agent out: its sessions end, its sockets close, and each campaign's offline policy
/// applies to its conversations at once.
#[utoipa::path(post, path = "/api/v1/agents/{id}/logout", tag = "supervisor",
    responses((status = 204), (status = 403, body = ApiError), (status = 404, body = ApiError)))]
pub async fn log_out(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    check_agent(&state, &principal, id).await?;
    state.router()?.act(Action::LogOut { agent: id }).await?;
    audit(
        state.messaging()?.store.as_ref(),
        &principal,
        "agent.logout",
        &format!("user:{id}"),
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An internal chat message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ChatMessage {
    pub id: i64,
    pub from_user: i64,
    pub to_user: i64,
    pub text: String,
    pub created_at: String,
}

/// Cursor for the chat.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ChatQuery {
    /// Only ids below this.
    pub before: Option<i64>,
    /// Page size, 1–500.
    pub limit: Option<i64>,
}

/// A chat message to send.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChatInput {
    pub text: String,
}

/// Chat is between a supervisor and an agent (either way); agents do not chat with each other.
fn check_chat(principal: &Principal, other_role: Role) -> Result<(), ApiError> {
    if principal.role >= Role::Supervisor || other_role != Role::Agent {
        Ok(())
    } else {
        Err(ApiError::new(
            "forbidden",
            "agents chat with supervisors only",
        ))
    }
}

async fn role_of(state: &AppState, user: i64) -> Result<Role, ApiError> {
    state
        .messaging()?
        .store
        .user(user)
        .await?
        .filter(|u| u.disabled_ms.is_none())
        .map(|u| u.role)
        .ok_or_else(|| ApiError::new("not_found", format!("no user {user}")))
}

/// The chat with a user, oldest first.
#[utoipa::path(get, path = "/api/v1/chat/{user}", tag = "supervisor", params(ChatQuery),
    responses((status = 200, body = [ChatMessage]), (status = 403, body = ApiError)))]
pub async fn chat(
    State(state): State<AppState>,
    principal: Principal,
    Path(user): Path<i64>,
    Query(query): Query<ChatQuery>,
) -> Result<Json<Vec<ChatMessage>>, ApiError> {
    check_chat(&principal, role_of(&state, user).await?)?;
    let rows = state
        .messaging()?
        .store
        .internal_messages(
            principal.user_id,
            user,
            query.before.unwrap_or(i64::MAX),
            super::page_limit(query.limit),
        )
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|m| ChatMessage {
                id: m.id,
                from_user: m.from_user,
                to_user: m.to_user,
                text: m.text,
                created_at: clock::rfc3339(m.created_ms),
            })
            .collect(),
    ))
}

/// Sends an internal message; the other side gets it live (`chat.message`).
#[utoipa::path(post, path = "/api/v1/chat/{user}", tag = "supervisor", request_body = ChatInput,
    responses((status = 201, body = ChatMessage), (status = 403, body = ApiError)))]
pub async fn say(
    State(state): State<AppState>,
    principal: Principal,
    Path(user): Path<i64>,
    Json(input): Json<ChatInput>,
) -> Result<(StatusCode, Json<ChatMessage>), ApiError> {
    check_chat(&principal, role_of(&state, user).await?)?;
    let text = input.text.trim();
    if text.is_empty() || text.len() > 4096 {
        return Err(ApiError::new(
            "invalid",
            "a message has 1 to 4096 characters",
        ));
    }
    let now = clock::now_ms();
    let id = state
        .messaging()?
        .store
        .add_internal_message(principal.user_id, user, text, now)
        .await?;
    let message = ChatMessage {
        id,
        from_user: principal.user_id,
        to_user: user,
        text: text.to_owned(),
        created_at: clock::rfc3339(now),
    };
    let data = serde_json::json!({
        "id": id, "from_user": principal.user_id, "from_name": principal.username,
        "to_user": user, "text": text, "created_at": message.created_at,
    });
    let hub = state.router()?.hub();
    hub.to_user(user, "chat.message", &data);
    hub.to_user(principal.user_id, "chat.message", &data);
    Ok((StatusCode::CREATED, Json(message)))
}
