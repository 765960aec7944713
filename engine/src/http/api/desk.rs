//! The agent's desk: its state and breaks, its conversations and the queues of its campaigns,
//! and what it does to a conversation (reply, pre-set reply, accept, transfer, close, start an
//! outbound one, notes, tags, contact fields). Every action goes through the router, which
//! checks that the agent holds the conversation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::campaigns::BreakView;
use super::messages::{ConversationView, conversation_view};
use super::visibility::visible_conversation;
use crate::clock;
use crate::conversations::Content;
use crate::conversations::compliance::{Queued, SendRequest, TemplateRequest};
use crate::http::auth::{Principal, Role};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::routing::actions::TransferTarget;
use crate::routing::agents::RoutingError;
use crate::routing::board::{AgentFigures, CampaignFigures};
use crate::routing::campaign::PresetReply;
use crate::routing::live::Presence;
use crate::routing::task::Action;
use crate::store::ConversationFilter;

/// Routes every signed-in user may call (each handler checks what it needs).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/desk", get(desk))
        .route("/api/v1/desk/state", post(set_state))
        .route("/api/v1/breaks", get(super::campaigns::breaks))
        .route("/api/v1/conversations/start", post(start))
        .route("/api/v1/conversations/{id}/reply", post(reply))
        .route("/api/v1/conversations/{id}/accept", post(accept))
        .route("/api/v1/conversations/{id}/reject", post(reject))
        .route("/api/v1/conversations/{id}/transfer", post(transfer))
        .route(
            "/api/v1/conversations/{id}/accept-transfer",
            post(accept_transfer),
        )
        .route(
            "/api/v1/conversations/{id}/decline-transfer",
            post(decline_transfer),
        )
        .route("/api/v1/conversations/{id}/close", post(close))
        .route(
            "/api/v1/conversations/{id}/notes",
            get(notes).post(add_note),
        )
        .route("/api/v1/conversations/{id}/tags", put(set_tags))
        .route("/api/v1/contacts/{id}", patch(update_contact))
}

impl From<RoutingError> for ApiError {
    fn from(error: RoutingError) -> Self {
        match error {
            RoutingError::NotFound(why) => Self::new("not_found", why),
            RoutingError::Conflict(why) => Self::new("conflict", why),
        }
    }
}

/// A campaign as an agent sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DeskCampaign {
    pub id: i64,
    pub name: String,
    pub numbers: Vec<String>,
    pub preset_replies: Vec<PresetReply>,
    /// Live queue figures.
    pub queue: Option<CampaignFigures>,
}

/// A conversation offered to the agent: whose it is, and until when it may be accepted.
#[derive(Debug, Serialize, ToSchema)]
pub struct Offer {
    pub conversation: ConversationView,
    /// When the offer lapses and the conversation goes to the next agent.
    pub expires_at: String,
}

/// Everything the agent page shows, in one read: what a client fetches after (re)connecting.
#[derive(Debug, Serialize, ToSchema)]
pub struct Desk {
    pub user_id: i64,
    /// The agent's state (absent for a user who is no campaign's member).
    pub agent: Option<AgentFigures>,
    /// Conversations the agent holds or is offered or transferred.
    pub conversations: Vec<ConversationView>,
    /// Conversations offered to the agent now (offer mode), to accept or reject.
    pub offers: Vec<i64>,
    /// The same offers with their customer and deadline, for the agent to decide.
    pub offered: Vec<Offer>,
    /// Conversations being transferred to the agent, to accept or decline.
    pub transfers_in: Vec<i64>,
    /// Conversations the agent is transferring, until taken or returned.
    pub transfers_out: Vec<i64>,
    pub campaigns: Vec<DeskCampaign>,
    pub breaks: Vec<BreakView>,
}

/// The agent's desk.
#[utoipa::path(get, path = "/api/v1/desk", tag = "desk", responses((status = 200, body = Desk)))]
pub async fn desk(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Desk>, ApiError> {
    let router = state.router()?;
    let store = &state.messaging()?.store;
    let me = principal.user_id;
    let memberships = router.memberships(me).await;
    let board = router.board(move |c| memberships.contains(&c)).await?;
    let (offers, transfers_in, transfers_out) = router
        .inspect(move |core| {
            let ids = |keep: &dyn Fn(&crate::routing::live::Conversation) -> bool| {
                let mut ids: Vec<i64> = core
                    .conversations
                    .values()
                    .filter(|c| keep(c))
                    .map(|c| c.row.id)
                    .collect();
                ids.sort_unstable();
                ids
            };
            let transferring = |c: &crate::routing::live::Conversation| {
                c.row.state == crate::routing::live::state::TRANSFERRING
            };
            let mut offers: Vec<(i64, i64)> = core
                .conversations
                .values()
                .filter_map(|c| match c.offer {
                    Some((agent, due_ms)) if agent == me => Some((c.row.id, due_ms)),
                    _ => None,
                })
                .collect();
            offers.sort_unstable();
            (
                offers,
                ids(&|c| transferring(c) && c.row.transfer_to_agent_id == Some(me)),
                ids(&|c| transferring(c) && c.row.transfer_from_agent_id == Some(me)),
            )
        })
        .await?;
    let mut conversations = store
        .conversations(ConversationFilter {
            agent_id: Some(me),
            open: Some(true),
            limit: 500,
            ..ConversationFilter::default()
        })
        .await?;
    conversations.retain(|c| c.agent_id == Some(me));
    // A conversation being transferred is held by nobody: it shows on both agents' desks
    // (the target accepts or declines it; the sender sees it pending).
    for &id in transfers_in.iter().chain(&transfers_out) {
        if !conversations.iter().any(|c| c.id == id)
            && let Some(row) = store.conversation(id).await?
        {
            conversations.push(row);
        }
    }
    let mut offered = Vec::with_capacity(offers.len());
    for &(id, due_ms) in &offers {
        if let Some(row) = store.conversation(id).await? {
            offered.push(Offer {
                conversation: conversation_view(row),
                expires_at: clock::rfc3339(due_ms),
            });
        }
    }
    let campaigns = store.campaigns().await?;
    let desk_campaigns = campaigns
        .into_iter()
        .filter(|c| c.members.iter().any(|m| m.user_id == me))
        .map(|c| {
            let settings: crate::routing::campaign::CampaignSettings =
                serde_json::from_str(&c.settings).unwrap_or_default();
            DeskCampaign {
                queue: board
                    .campaigns
                    .iter()
                    .find(|f| f.campaign_id == c.id)
                    .cloned(),
                id: c.id,
                name: c.name,
                numbers: c.numbers,
                preset_replies: settings.preset_replies,
            }
        })
        .collect();
    let breaks = store
        .breaks()
        .await?
        .into_iter()
        .map(BreakView::from)
        .collect();
    Ok(Json(Desk {
        user_id: me,
        agent: board.agents.into_iter().find(|a| a.agent_id == me),
        conversations: conversations.into_iter().map(conversation_view).collect(),
        offers: offers.into_iter().map(|(id, _)| id).collect(),
        offered,
        transfers_in,
        transfers_out,
        campaigns: desk_campaigns,
        breaks,
    }))
}

/// The state an agent chooses.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StateInput {
    /// `available` or `break`.
    pub state: String,
    /// The break's name (one of `/api/v1/breaks`) when `state` is `break`.
    #[serde(default)]
    pub break_name: Option<String>,
}

/// Sets the agent's own state: available, or a named break.
#[utoipa::path(post, path = "/api/v1/desk/state", tag = "desk", request_body = StateInput,
    responses((status = 204), (status = 422, body = ApiError)))]
pub async fn set_state(
    State(state): State<AppState>,
    principal: Principal,
    Json(input): Json<StateInput>,
) -> Result<StatusCode, ApiError> {
    let presence = match (input.state.as_str(), input.break_name) {
        ("available", _) => Presence::Available,
        ("break", Some(name)) => {
            let breaks = state.messaging()?.store.breaks().await?;
            let known = breaks
                .into_iter()
                .find(|b| b.name.eq_ignore_ascii_case(name.trim()));
            let Some(known) = known else {
                return Err(ApiError::new("invalid", format!("no break named `{name}`")));
            };
            Presence::Break(known.name)
        }
        ("break", None) => return Err(ApiError::new("invalid", "give `break_name`")),
        (other, _) => {
            return Err(ApiError::new(
                "invalid",
                format!("`{other}` is not a state; use `available` or `break`"),
            ));
        }
    };
    state
        .router()?
        .act(Action::SetPresence {
            agent: principal.user_id,
            presence,
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A reply: text, a pre-set reply by code, a template, or other content.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    #[serde(default)]
    pub text: Option<String>,
    /// A pre-set reply's code from the campaign.
    #[serde(default)]
    pub preset: Option<String>,
    #[serde(default)]
    pub template: Option<TemplateRequest>,
    #[serde(default)]
    pub content: Option<Content>,
}

/// Replies to the customer of a conversation the agent holds, through the compliance gate.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/reply", tag = "desk", request_body = ReplyInput,
    responses((status = 202, body = Queued), (status = 409, body = ApiError), (status = 404, body = ApiError)))]
pub async fn reply(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<ReplyInput>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    let router = state.router()?;
    router
        .act(Action::CheckHolder {
            conversation: id,
            agent: principal.user_id,
        })
        .await?;
    let mut text = input.text;
    if let Some(code) = &input.preset {
        let row = state.messaging()?.store.conversation(id).await?;
        let campaign = match row.and_then(|r| r.campaign_id) {
            Some(campaign) => state.messaging()?.store.campaign(campaign).await?,
            None => None,
        };
        let settings: crate::routing::campaign::CampaignSettings = campaign
            .map(|c| serde_json::from_str(&c.settings).unwrap_or_default())
            .unwrap_or_default();
        let preset = settings
            .preset_replies
            .iter()
            .find(|p| p.code == *code)
            .ok_or_else(|| ApiError::new("invalid", format!("no pre-set reply `{code}`")))?;
        text = Some(preset.text.clone());
    }
    let request = SendRequest {
        conversation_id: Some(id),
        text,
        template: input.template,
        content: input.content,
        ..SendRequest::default()
    };
    let queued = state.messaging()?.send(request, "agent").await?;
    router.act(Action::Replied { conversation: id }).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// Accepts a conversation offered to the agent.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/accept", tag = "desk",
    responses((status = 204), (status = 409, body = ApiError)))]
pub async fn accept(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(
        &state,
        Action::Accept {
            conversation: id,
            agent: principal.user_id,
        },
    )
    .await
}

/// Declines a conversation offered to the agent: it goes to someone else.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/reject", tag = "desk",
    responses((status = 204), (status = 409, body = ApiError)))]
pub async fn reject(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(
        &state,
        Action::Reject {
            conversation: id,
            agent: principal.user_id,
        },
    )
    .await
}

/// Where to transfer.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    #[serde(default)]
    pub agent_id: Option<i64>,
    #[serde(default)]
    pub campaign_id: Option<i64>,
}

/// Transfers a held conversation to an agent or a campaign; it returns after the campaign's
/// max transfer time if nobody takes it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/transfer", tag = "desk", request_body = TransferInput,
    responses((status = 204), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn transfer(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<TransferInput>,
) -> Result<StatusCode, ApiError> {
    let target = match (input.agent_id, input.campaign_id) {
        (Some(agent), None) => TransferTarget::Agent(agent),
        (None, Some(campaign)) => TransferTarget::Campaign(campaign),
        _ => {
            return Err(ApiError::new(
                "invalid",
                "give exactly one of `agent_id` and `campaign_id`",
            ));
        }
    };
    act(
        &state,
        Action::Transfer {
            conversation: id,
            agent: principal.user_id,
            target,
        },
    )
    .await
}

/// Takes a conversation being transferred to the agent.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/accept-transfer", tag = "desk",
    responses((status = 204), (status = 409, body = ApiError)))]
pub async fn accept_transfer(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(
        &state,
        Action::AcceptTransfer {
            conversation: id,
            agent: principal.user_id,
        },
    )
    .await
}

/// Declines a transfer: the conversation returns to who made it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/decline-transfer", tag = "desk",
    responses((status = 204), (status = 409, body = ApiError)))]
pub async fn decline_transfer(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    act(
        &state,
        Action::DeclineTransfer {
            conversation: id,
            agent: principal.user_id,
        },
    )
    .await
}

/// How a conversation is closed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseInput {
    /// A disposition code (sale, resolved, callback…).
    #[serde(default)]
    pub disposition: Option<String>,
}

/// Closes a conversation: the holder, or a supervisor of its campaign. The campaign's bot on
/// end runs if it has one.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/close", tag = "desk", request_body = CloseInput,
    responses((status = 204), (status = 409, body = ApiError)))]
pub async fn close(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    body: Option<Json<CloseInput>>,
) -> Result<StatusCode, ApiError> {
    let disposition = body
        .and_then(|Json(b)| b.disposition)
        .filter(|d| !d.trim().is_empty());
    if principal.role >= Role::Supervisor {
        visible_conversation(&state, &principal, id).await?;
        let holds = state
            .router()?
            .act(Action::CheckHolder {
                conversation: id,
                agent: principal.user_id,
            })
            .await
            .is_ok();
        if !holds {
            return act(
                &state,
                Action::CloseAny {
                    conversation: id,
                    disposition,
                },
            )
            .await;
        }
    }
    act(
        &state,
        Action::Close {
            conversation: id,
            agent: principal.user_id,
            disposition,
        },
    )
    .await
}

/// An outbound conversation an agent starts.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartInput {
    /// The customer's number (E.164).
    pub to: String,
    /// The campaign whose number it goes from (the agent's first campaign if absent).
    #[serde(default)]
    pub campaign_id: Option<i64>,
    /// One of the campaign's numbers (its first if absent).
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    /// Needed when the customer's window is closed.
    #[serde(default)]
    pub template: Option<TemplateRequest>,
}

/// Starts an outbound conversation: the first message goes through the gate (a template when
/// the window is closed), and the conversation is the agent's.
#[utoipa::path(post, path = "/api/v1/conversations/start", tag = "desk", request_body = StartInput,
    responses((status = 201, body = Queued), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    Json(input): Json<StartInput>,
) -> Result<(StatusCode, Json<Queued>), ApiError> {
    let store = &state.messaging()?.store;
    let campaigns = store.campaigns().await?;
    let member = |c: &&crate::store::CampaignRow| {
        principal.role == Role::Admin || c.members.iter().any(|m| m.user_id == principal.user_id)
    };
    let campaign = match input.campaign_id {
        Some(id) => campaigns.iter().filter(member).find(|c| c.id == id),
        None => campaigns.iter().find(member),
    }
    .ok_or_else(|| ApiError::new("forbidden", "you are not a member of that campaign"))?;
    let from = match &input.from {
        Some(from) if campaign.numbers.contains(from) => from.clone(),
        Some(from) => {
            return Err(ApiError::new(
                "invalid",
                format!("{from} is not a number of campaign {}", campaign.name),
            ));
        }
        None => campaign.numbers.first().cloned().ok_or_else(|| {
            ApiError::new(
                "invalid",
                format!("campaign {} has no number", campaign.name),
            )
        })?,
    };
    let to = crate::conversations::address::normalize_e164(&input.to)
        .map_err(|e| ApiError::new("invalid_recipient", e.to_string()))?;
    // Someone else's open conversation with this customer is theirs: refuse before sending.
    let open = store
        .conversations(ConversationFilter {
            business_number: Some(from.clone()),
            contact_number: Some(to.clone()),
            open: Some(true),
            limit: 1,
            ..ConversationFilter::default()
        })
        .await?;
    if let Some(existing) = open.first()
        && existing.agent_id.is_some_and(|a| a != principal.user_id)
        && existing.state != "idle"
    {
        return Err(ApiError::new(
            "conflict",
            format!(
                "conversation {} with this customer is held by another agent",
                existing.id
            ),
        ));
    }
    let request = SendRequest {
        from: Some(from),
        to: Some(to),
        text: input.text,
        template: input.template,
        ..SendRequest::default()
    };
    let queued = state.messaging()?.send(request, "agent").await?;
    state
        .router()?
        .act(Action::Claim {
            conversation: queued.conversation_id,
            agent: principal.user_id,
            campaign: Some(campaign.id),
        })
        .await?;
    Ok((StatusCode::CREATED, Json(queued)))
}

/// An internal note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoteView {
    pub id: i64,
    pub user_id: i64,
    pub text: String,
    pub created_at: String,
}

/// A note to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    pub text: String,
}

/// A conversation's internal notes.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/notes", tag = "desk",
    responses((status = 200, body = [NoteView]), (status = 404, body = ApiError)))]
pub async fn notes(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<Vec<NoteView>>, ApiError> {
    visible_conversation(&state, &principal, id).await?;
    let rows = state.messaging()?.store.notes(id).await?;
    Ok(Json(
        rows.into_iter()
            .map(|n| NoteView {
                id: n.id,
                user_id: n.user_id,
                text: n.text,
                created_at: clock::rfc3339(n.created_ms),
            })
            .collect(),
    ))
}

/// Adds an internal note (never sent to the customer).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/notes", tag = "desk", request_body = NoteInput,
    responses((status = 201, body = NoteView), (status = 404, body = ApiError)))]
pub async fn add_note(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<NoteInput>,
) -> Result<(StatusCode, Json<NoteView>), ApiError> {
    visible_conversation(&state, &principal, id).await?;
    let text = input.text.trim();
    if text.is_empty() || text.len() > 4096 {
        return Err(ApiError::new("invalid", "a note has 1 to 4096 characters"));
    }
    let now = clock::now_ms();
    let note = state
        .messaging()?
        .store
        .add_note(id, principal.user_id, text, now)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NoteView {
            id: note,
            user_id: principal.user_id,
            text: text.to_owned(),
            created_at: clock::rfc3339(now),
        }),
    ))
}

/// A conversation's tags.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsInput {
    pub tags: Vec<String>,
}

/// Replaces a conversation's tags.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/tags", tag = "desk", request_body = TagsInput,
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn set_tags(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<TagsInput>,
) -> Result<StatusCode, ApiError> {
    visible_conversation(&state, &principal, id).await?;
    let mut tags: Vec<String> = input
        .tags
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    if tags.len() > 20 || tags.iter().any(|t| t.len() > 40) {
        return Err(ApiError::new(
            "invalid",
            "at most 20 tags of up to 40 characters",
        ));
    }
    state
        .messaging()?
        .store
        .set_tags(id, tags, clock::now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A contact's fields.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    #[serde(default)]
    pub name: Option<String>,
    /// Custom attributes (string values), replacing the stored ones.
    #[serde(default)]
    pub attributes: Option<std::collections::BTreeMap<String, String>>,
}

/// Sets a contact's name and custom attributes. An agent may edit the contacts of the
/// conversations it holds.
#[utoipa::path(patch, path = "/api/v1/contacts/{id}", tag = "desk", request_body = ContactInput,
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn update_contact(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Json(input): Json<ContactInput>,
) -> Result<StatusCode, ApiError> {
    let store = &state.messaging()?.store;
    if principal.role == Role::Agent {
        let mine = store
            .conversations(ConversationFilter {
                contact_id: Some(id),
                agent_id: Some(principal.user_id),
                limit: 1,
                ..ConversationFilter::default()
            })
            .await?;
        if mine.is_empty() {
            return Err(ApiError::new("not_found", format!("no contact {id}")));
        }
    }
    if input.name.as_ref().is_some_and(|n| n.len() > 200)
        || input
            .attributes
            .as_ref()
            .is_some_and(|a| a.len() > 50 || a.iter().any(|(k, v)| k.len() > 64 || v.len() > 1024))
    {
        return Err(ApiError::new(
            "invalid",
            "name up to 200 characters; at most 50 attributes of up to 1 KiB",
        ));
    }
    let attributes = input
        .attributes
        .map(|a| serde_json::to_string(&a).unwrap_or_else(|_| "{}".into()));
    store
        .update_contact(id, input.name, attributes, clock::now_ms())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn act(state: &AppState, action: Action) -> Result<StatusCode, ApiError> {
    state.router()?.act(action).await?;
    Ok(StatusCode::NO_CONTENT)
}
