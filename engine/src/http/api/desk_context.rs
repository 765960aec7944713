//! What the agent's desk needs around a conversation that the rest of the API keeps for
//! supervisors or does not say: the customer-service window and its end, the templates and
//! pre-set replies the composer may send, the contact's fields, the customer's earlier
//! conversations, the templates an outbound conversation may start with, and who the agent may
//! transfer to or chat with. Every read checks that the caller may see what it asks about.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::messages::{ConversationView, MessageView, conversation_view, message_view};
use super::templates::TemplateView;
use super::visibility::{may_see, visible_conversation};
use crate::clock;
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::plugins::provider::TemplateRule;
use crate::routing::board::AgentFigures;
use crate::routing::campaign::{CampaignSettings, PresetReply};
use crate::store::{ContactKey, ConversationFilter, ConversationRow};

/// Earlier conversations shown with one, and messages shown of each.
const EARLIER_CONVERSATIONS: i64 = 5;
const EARLIER_MESSAGES: i64 = 100;

/// Routes every signed-in user may call (each handler checks what it needs).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/conversations/{id}/context", get(context))
        .route("/api/v1/conversations/{id}/earlier", get(earlier))
        .route("/api/v1/desk/templates", get(campaign_templates))
        .route("/api/v1/desk/people", get(people))
}

/// The customer-service window of a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct WindowView {
    /// Whether the channel has one (WhatsApp): outside it only a template passes.
    pub applies: bool,
    /// The customer's last message to this number, RFC 3339.
    pub last_inbound_at: Option<String>,
    /// When the window closes (or closed), RFC 3339; absent when the customer never wrote.
    pub closes_at: Option<String>,
    /// Whether free text may be sent now.
    pub open: bool,
}

/// A contact's fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub id: i64,
    pub number: Option<String>,
    pub name: Option<String>,
    /// Custom attributes.
    pub attributes: BTreeMap<String, String>,
}

/// What the desk shows beside a conversation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationContext {
    pub conversation: ConversationView,
    /// The agent it is being transferred to, while it is.
    pub transfer_to_agent_id: Option<i64>,
    pub window: WindowView,
    pub contact: ContactView,
    /// The campaign's pre-set replies.
    pub preset_replies: Vec<PresetReply>,
    /// Approved templates of the conversation's connector.
    pub templates: Vec<TemplateView>,
}

/// The window, contact, pre-set replies and templates of a conversation the caller may see.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/context", tag = "desk",
    responses((status = 200, body = ConversationContext), (status = 404, body = ApiError)))]
pub async fn context(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<ConversationContext>, ApiError> {
    let row = visible_conversation(&state, &principal, id).await?;
    let messaging = state.messaging()?;
    let store = &messaging.store;
    let contact = store
        .contact(row.contact_id)
        .await?
        .ok_or_else(|| ApiError::new("not_found", format!("no contact {}", row.contact_id)))?;
    let attributes = store
        .contact_attributes(row.contact_id)
        .await?
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let connector = messaging.connectors.by_number(&row.number);
    let window_ms = connector.as_ref().and_then(|(c, _)| {
        c.capabilities
            .as_ref()
            .filter(|caps| caps.templates == TemplateRule::RequiredOutsideWindow)
            .and_then(|caps| caps.session_window_ms)
            .and_then(|ms| i64::try_from(ms).ok())
    });
    let last_inbound = store
        .last_inbound(
            row.number_id,
            &ContactKey {
                number: contact.number.clone(),
                user_id: contact.user_id.clone(),
                name: None,
            },
        )
        .await?;
    let closes = window_ms.zip(last_inbound).map(|(ms, last)| last + ms);
    let window = WindowView {
        applies: window_ms.is_some(),
        last_inbound_at: last_inbound.map(clock::rfc3339),
        closes_at: closes.map(clock::rfc3339),
        open: window_ms.is_none() || closes.is_some_and(|end| end > clock::now_ms()),
    };
    let templates = match &connector {
        Some((c, _)) => approved_templates(&state, &[c.id]).await?,
        None => Vec::new(),
    };
    let preset_replies = match row.campaign_id {
        Some(campaign) => presets_of(&state, campaign).await?,
        None => Vec::new(),
    };
    Ok(Json(ConversationContext {
        transfer_to_agent_id: row.transfer_to_agent_id,
        conversation: conversation_view(row),
        window,
        contact: ContactView {
            id: contact.id,
            number: contact.number,
            name: contact.name,
            attributes,
        },
        preset_replies,
        templates,
    }))
}

/// An earlier conversation of the same customer, with its messages.
#[derive(Debug, Serialize, ToSchema)]
pub struct EarlierConversation {
    pub conversation: ConversationView,
    /// Its first messages, oldest first.
    pub messages: Vec<MessageView>,
}

/// The customer's earlier conversations (newest first), for whoever may see this one: an agent
/// holding a customer sees what the customer said before, whoever answered it then; a
/// supervisor only those in its scope.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/earlier", tag = "desk",
    responses((status = 200, body = [EarlierConversation]), (status = 404, body = ApiError)))]
pub async fn earlier(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Vec<EarlierConversation>>, ApiError> {
    let row = visible_conversation(&state, &principal, id).await?;
    let store = &state.messaging()?.store;
    let rows: Vec<ConversationRow> = store
        .conversations(ConversationFilter {
            contact_id: Some(row.contact_id),
            before: Some(row.id),
            limit: EARLIER_CONVERSATIONS,
            ..ConversationFilter::default()
        })
        .await?
        .into_iter()
        .filter(|c| principal.role == Role::Agent || may_see(&principal, c))
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for conversation in rows {
        let messages = store
            .messages_of(conversation.id, 0, EARLIER_MESSAGES)
            .await?;
        let ids: Vec<i64> = messages.iter().map(|m| m.id).collect();
        let mut media = store.media_of(&ids).await?;
        let messages = messages
            .into_iter()
            .map(|m| {
                let (own, rest): (Vec<_>, Vec<_>) =
                    media.drain(..).partition(|x| x.message_id == m.id);
                media = rest;
                message_view(m, own)
            })
            .collect();
        out.push(EarlierConversation {
            conversation: conversation_view(conversation),
            messages,
        });
    }
    Ok(Json(out))
}

/// Which campaign's templates.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CampaignTemplatesQuery {
    pub campaign_id: i64,
}

/// The approved templates an outbound conversation of a campaign may start with (those of the
/// connectors carrying its numbers): for its members, and supervisors who see it.
#[utoipa::path(get, path = "/api/v1/desk/templates", tag = "desk", params(CampaignTemplatesQuery),
    responses((status = 200, body = [TemplateView]), (status = 404, body = ApiError)))]
pub async fn campaign_templates(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<CampaignTemplatesQuery>,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    let messaging = state.messaging()?;
    let campaign = messaging
        .store
        .campaign(query.campaign_id)
        .await?
        .filter(|c| {
            let member = c.members.iter().any(|m| m.user_id == principal.user_id);
            member || (principal.role >= Role::Supervisor && principal.sees_campaign(c.id))
        })
        .ok_or_else(|| ApiError::new("not_found", format!("no campaign {}", query.campaign_id)))?;
    let mut connectors: Vec<i64> = campaign
        .numbers
        .iter()
        .filter_map(|n| messaging.connectors.by_number(n).map(|(c, _)| c.id))
        .collect();
    connectors.sort_unstable();
    connectors.dedup();
    Ok(Json(approved_templates(&state, &connectors).await?))
}

/// A supervisor an agent may chat with.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub role: String,
}

/// Who the caller works with.
#[derive(Debug, Serialize, ToSchema)]
pub struct People {
    /// Agents of the caller's campaigns (transfer targets), with their state.
    pub agents: Vec<AgentFigures>,
    /// Supervisors and admins who see one of the caller's campaigns (chat partners).
    pub supervisors: Vec<PersonView>,
}

/// The agents of the caller's campaigns and the supervisors over them.
#[utoipa::path(get, path = "/api/v1/desk/people", tag = "desk",
    responses((status = 200, body = People)))]
pub async fn people(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<People>, ApiError> {
    let router = state.router()?;
    let memberships = router.memberships(principal.user_id).await;
    let mine = memberships.clone();
    let board = router.board(move |c| mine.contains(&c)).await?;
    let me = principal.user_id;
    let supervisors = state
        .messaging()?
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.disabled_ms.is_none() && u.role >= Role::Supervisor && u.id != me)
        .filter(|u| match &u.campaign_scope {
            None => true,
            Some(scope) => scope.iter().any(|c| memberships.contains(c)),
        })
        .map(|u| PersonView {
            id: u.id,
            name: if u.display_name.is_empty() {
                u.username
            } else {
                u.display_name
            },
            role: u.role.to_string(),
        })
        .collect();
    Ok(Json(People {
        agents: board.agents,
        supervisors,
    }))
}

async fn approved_templates(
    state: &AppState,
    connectors: &[i64],
) -> Result<Vec<TemplateView>, ApiError> {
    let store = &state.messaging()?.store;
    let mut out = Vec::new();
    for &connector in connectors {
        out.extend(
            store
                .templates(Some(connector))
                .await?
                .into_iter()
                .filter(|t| t.status == "approved")
                .map(TemplateView::from),
        );
    }
    Ok(out)
}

async fn presets_of(state: &AppState, campaign: i64) -> Result<Vec<PresetReply>, ApiError> {
    let row = state.messaging()?.store.campaign(campaign).await?;
    Ok(row
        .map(|c| serde_json::from_str::<CampaignSettings>(&c.settings).unwrap_or_default())
        .map(|s| s.preset_replies)
        .unwrap_or_default())
}
