//! Recordings: searching conversations by date range, number, campaign and agent, and
//! downloading a transcript as JSON, text or HTML. Scoped like everything else: an agent finds
//! only its own conversations, a supervisor those of its campaigns.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::messages::{ConversationView, MessageView, conversation_view, message_view};
use super::visibility::visible_conversation;
use crate::conversations::Content;
use crate::conversations::address::normalize_e164;
use crate::conversations::transcript::{self, Speaker, TranscriptHeader, TranscriptLine};
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{ConversationFilter, MediaRow};

/// Routes for every signed-in user.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/recordings", get(search))
        .route("/api/v1/recordings/{id}/transcript", get(transcript_of))
}

/// Search filters.
#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQuery {
    /// From this instant (RFC 3339) or day (`YYYY-MM-DD`, UTC).
    pub from: Option<String>,
    /// Up to this instant or through this day.
    pub to: Option<String>,
    /// The customer's number.
    pub number: Option<String>,
    /// The business number.
    pub business_number: Option<String>,
    pub campaign_id: Option<i64>,
    pub agent_id: Option<i64>,
    /// Closed with this disposition.
    pub disposition: Option<String>,
    /// A message's words (text, caption, template body, buttons) contain this, in any case and
    /// with or without accents.
    pub text: Option<String>,
    /// Only open (true) or ended (false) conversations.
    pub open: Option<bool>,
    /// Only ids below this (the last id of the previous page).
    pub before: Option<i64>,
    /// Page size, 1–500 (default 50).
    pub limit: Option<i64>,
}

/// Parses a bound: an instant, or a day (`end`: the day's end).
fn bound(value: &str, end: bool) -> Result<i64, ApiError> {
    if let Ok(ts) = value.parse::<jiff::Timestamp>() {
        return Ok(ts.as_millisecond());
    }
    let day: jiff::civil::Date = value.parse().map_err(|_| {
        ApiError::new(
            "invalid",
            format!("`{value}` is neither RFC 3339 nor YYYY-MM-DD"),
        )
    })?;
    let day = if end {
        day.tomorrow()
            .map_err(|e| ApiError::new("invalid", e.to_string()))?
    } else {
        day
    };
    let zoned = day
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map_err(|e| ApiError::new("invalid", e.to_string()))?;
    Ok(zoned.timestamp().as_millisecond())
}

/// Conversations matching the filters, newest first.
#[utoipa::path(get, path = "/api/v1/recordings", tag = "recordings", params(SearchQuery),
    responses((status = 200, body = [ConversationView]), (status = 422, body = ApiError)))]
pub async fn search(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Vec<ConversationView>>, ApiError> {
    let number = |n: &Option<String>| {
        n.as_deref()
            .map(|n| normalize_e164(n).map_err(|e| ApiError::new("invalid", e.to_string())))
            .transpose()
    };
    let mut filter = ConversationFilter {
        before: query.before,
        limit: super::page_limit(query.limit),
        from_ms: query.from.as_deref().map(|v| bound(v, false)).transpose()?,
        to_ms: query.to.as_deref().map(|v| bound(v, true)).transpose()?,
        contact_number: number(&query.number)?,
        business_number: number(&query.business_number)?,
        campaigns: query.campaign_id.map(|c| vec![c]),
        agent_id: query.agent_id,
        disposition: query.disposition.filter(|d| !d.trim().is_empty()),
        text: query.text.filter(|t| !t.trim().is_empty()),
        open: query.open,
        ..ConversationFilter::default()
    };
    match principal.role {
        Role::Admin => {}
        Role::Supervisor => {
            if let Some(scope) = &principal.campaign_scope {
                let allowed: Vec<i64> = match query.campaign_id {
                    Some(c) if scope.contains(&c) => vec![c],
                    Some(_) => Vec::new(),
                    None => scope.to_vec(),
                };
                filter.campaigns = Some(allowed);
            }
        }
        Role::Agent => {
            if query.agent_id.is_some_and(|a| a != principal.user_id) {
                return Err(ApiError::new(
                    "forbidden",
                    "agents find only their own conversations",
                ));
            }
            filter.agent_id = Some(principal.user_id);
        }
    }
    let rows = state.messaging()?.store.conversations(filter).await?;
    Ok(Json(rows.into_iter().map(conversation_view).collect()))
}

/// Transcript format.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TranscriptQuery {
    /// `json` (default), `text` or `html`.
    pub format: Option<String>,
}

/// A transcript as JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transcript {
    pub conversation: ConversationView,
    pub campaign: Option<String>,
    pub agent: Option<String>,
    pub messages: Vec<MessageView>,
}

/// Messages read per page while building a transcript.
const PAGE: i64 = 500;

/// Downloads a conversation's transcript.
#[utoipa::path(get, path = "/api/v1/recordings/{id}/transcript", tag = "recordings", params(TranscriptQuery),
    responses((status = 200, body = Transcript), (status = 404, body = ApiError)))]
pub async fn transcript_of(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(query): Query<TranscriptQuery>,
) -> Result<Response, ApiError> {
    let row = visible_conversation(&state, &principal, id).await?;
    let store = &state.messaging()?.store;
    let mut messages = Vec::new();
    let mut after = 0;
    loop {
        let page = store.messages_of(id, after, PAGE).await?;
        let done = (page.len() as i64) < PAGE;
        after = page.last().map_or(after, |m| m.id);
        messages.extend(page);
        if done {
            break;
        }
    }
    let campaign = match row.campaign_id {
        Some(c) => store.campaign(c).await?.map(|c| c.name),
        None => None,
    };
    let agent = match row.agent_id {
        Some(a) => store.user(a).await?.map(|u| u.display_name),
        None => None,
    };
    let format = query.format.as_deref().unwrap_or("json");
    let header = TranscriptHeader {
        conversation_id: row.id,
        campaign: campaign.clone(),
        business_number: row.number.clone(),
        contact: row
            .contact_number
            .clone()
            .unwrap_or_else(|| format!("contact {}", row.contact_id)),
        contact_name: row.contact_name.clone(),
        agent: agent.clone(),
        state: row.state.clone(),
        created_ms: row.created_ms,
        closed_ms: row.closed_ms,
        disposition: row.disposition.clone(),
        csat: row.csat,
        tags: row.tags.clone(),
    };
    let lines = |messages: &[crate::store::MessageRow]| -> Vec<TranscriptLine> {
        messages
            .iter()
            .map(|m| TranscriptLine {
                at_ms: m.created_ms,
                who: match (m.direction.as_str(), m.origin.as_str()) {
                    ("in", _) => Speaker::Customer,
                    (_, "agent") => Speaker::Agent(agent.clone().unwrap_or_default()),
                    (_, "bot") => Speaker::Bot,
                    _ => Speaker::System,
                },
                text: transcript::content_as_text(&Content::from_json(&m.content)),
                status: (m.direction == "out").then(|| m.status.clone()),
            })
            .collect()
    };
    let file = format!("conversation-{id}");
    let download = |ext: &str| format!("attachment; filename=\"{file}.{ext}\"");
    match format {
        "text" => Ok((
            [
                (CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
                (CONTENT_DISPOSITION, download("txt")),
            ],
            transcript::to_text(&header, &lines(&messages), None),
        )
            .into_response()),
        "html" => Ok((
            [
                (CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                (CONTENT_DISPOSITION, download("html")),
            ],
            transcript::to_html(&header, &lines(&messages), None),
        )
            .into_response()),
        "json" => {
            let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
            let mut media: HashMap<i64, Vec<MediaRow>> = HashMap::new();
            for m in store.media_of(&ids).await? {
                media.entry(m.message_id).or_default().push(m);
            }
            let views = messages
                .into_iter()
                .map(|m| {
                    let own = media.remove(&m.id).unwrap_or_default();
                    message_view(m, own)
                })
                .collect();
            let body = Transcript {
                conversation: conversation_view(row),
                campaign,
                agent,
                messages: views,
            };
            Ok(([(CONTENT_DISPOSITION, download("json"))], Json(body)).into_response())
        }
        other => Err(ApiError::new(
            "invalid",
            format!("format `{other}`: use json, text or html"),
        )),
    }
}
