//! `/api/v1/campaigns` (create, list, read, replace, delete) and `/api/v1/breaks`. Every change
//! reaches the router before the answer, so the next conversation follows the new settings.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::conversations::address::normalize_e164;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::plugins::PluginKind;
use crate::routing::campaign::{CampaignSettings, PluginBinding};
use crate::store::{BreakRow, CampaignRow, MemberRow, NewCampaign};

/// Admin routes.
pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list).post(create))
        .route(
            "/api/v1/campaigns/{id}",
            get(read).put(update).delete(delete),
        )
        .route("/api/v1/breaks", axum::routing::post(add_break))
        .route("/api/v1/breaks/{id}", axum::routing::delete(remove_break))
}

/// A campaign's agent.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The user.
    pub user_id: i64,
    /// 0 (asked first) to 100 (last resort).
    #[serde(default)]
    pub penalty: i64,
    /// Skills from the campaign's `settings.skills`.
    #[serde(default)]
    pub skills: Vec<String>,
}

/// A campaign as written.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignInput {
    /// Unique name (bots transfer by it).
    pub name: String,
    /// Takes conversations. Default true.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Refuse customers on the blacklist (global and this campaign's). Default true.
    #[serde(default = "yes")]
    pub incoming_blacklist: bool,
    /// Apply the manual blacklist to messages sent out (opt-outs always apply). Default true.
    #[serde(default = "yes")]
    pub outgoing_blacklist: bool,
    /// Business numbers answering into this campaign (E.164; each on a connector, and in at
    /// most one campaign).
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Agents.
    #[serde(default)]
    pub members: Vec<Member>,
    /// Every other setting.
    #[serde(default)]
    pub settings: CampaignSettings,
}

fn yes() -> bool {
    true
}

/// A campaign as read.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignView {
    pub id: i64,
    pub name: String,
    pub enabled: bool,
    pub incoming_blacklist: bool,
    pub outgoing_blacklist: bool,
    pub numbers: Vec<String>,
    pub members: Vec<Member>,
    pub settings: CampaignSettings,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl CampaignView {
    /// The view of a stored campaign.
    pub fn of(row: CampaignRow) -> Self {
        Self {
            id: row.id,
            settings: serde_json::from_str(&row.settings).unwrap_or_default(),
            name: row.name,
            enabled: row.enabled,
            incoming_blacklist: row.incoming_blacklist,
            outgoing_blacklist: row.outgoing_blacklist,
            numbers: row.numbers,
            members: row
                .members
                .into_iter()
                .map(|m| Member {
                    user_id: m.user_id,
                    penalty: m.penalty,
                    skills: m.skills,
                })
                .collect(),
            created_at: clock::rfc3339(row.created_ms),
            updated_at: clock::rfc3339(row.updated_ms),
        }
    }
}

/// A named break.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BreakView {
    pub id: i64,
    pub name: String,
}

impl From<BreakRow> for BreakView {
    fn from(row: BreakRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
        }
    }
}

/// A break to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakInput {
    pub name: String,
}

/// Checks an input against everything the store cannot: settings, plugins and their
/// configs, numbers, members' skills, the overflow campaign.
async fn check(
    state: &AppState,
    input: &CampaignInput,
    id: Option<i64>,
) -> Result<NewCampaign, ApiError> {
    let invalid = |why: String| ApiError::new("invalid", why);
    let name = input.name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(invalid("`name` must have 1 to 100 characters".into()));
    }
    input.settings.validate().map_err(invalid)?;
    let registry = state.registry()?;
    let s = &input.settings;
    let bindings: [(&str, Option<&PluginBinding>, PluginKind); 4] = [
        ("strategy", Some(&s.strategy), PluginKind::Strategy),
        ("bot_on_start", s.bot_on_start.as_ref(), PluginKind::Bot),
        ("bot_after_wait", s.bot_after_wait.as_ref(), PluginKind::Bot),
        ("bot_on_end", s.bot_on_end.as_ref(), PluginKind::Bot),
    ];
    for (field, binding, kind) in bindings {
        let Some(binding) = binding else { continue };
        let plugin = registry.active(&binding.plugin).ok_or_else(|| {
            invalid(format!(
                "{field}: no plugin named `{}` is installed",
                binding.plugin
            ))
        })?;
        if plugin.info.kind != kind {
            return Err(invalid(format!(
                "{field}: `{}` is a {} plugin, not a {}",
                binding.plugin,
                plugin.info.kind.as_str(),
                kind.as_str()
            )));
        }
        registry
            .validate_config(&binding.plugin, &binding.config_text())
            .map_err(|e| invalid(format!("{field}: {e}")))?;
    }
    let store = &state.messaging()?.store;
    if let Some(overflow) = &s.overflow_campaign {
        let campaigns = store.campaigns().await?;
        let target = campaigns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(overflow))
            .ok_or_else(|| invalid(format!("overflow_campaign: no campaign named `{overflow}`")))?;
        if Some(target.id) == id || target.name.eq_ignore_ascii_case(name) {
            return Err(invalid(
                "overflow_campaign: a campaign cannot overflow into itself".into(),
            ));
        }
    }
    let mut numbers = Vec::with_capacity(input.numbers.len());
    for number in &input.numbers {
        numbers.push(normalize_e164(number).map_err(|e| invalid(format!("numbers: {e}")))?);
    }
    numbers.sort();
    numbers.dedup();
    let mut members = Vec::with_capacity(input.members.len());
    for m in &input.members {
        if !(0..=100).contains(&m.penalty) {
            return Err(invalid(format!(
                "member {}: penalty must be 0 to 100",
                m.user_id
            )));
        }
        let (_, unknown) = s.skill_mask(&m.skills);
        if !unknown.is_empty() {
            return Err(invalid(format!(
                "member {}: skills {unknown:?} are not in settings.skills",
                m.user_id
            )));
        }
        members.push(MemberRow {
            user_id: m.user_id,
            penalty: m.penalty,
            skills: m.skills.clone(),
        });
    }
    members.sort_by_key(|m| m.user_id);
    if members.windows(2).any(|w| w[0].user_id == w[1].user_id) {
        return Err(invalid("a user is listed twice in members".into()));
    }
    Ok(NewCampaign {
        name: name.to_owned(),
        enabled: input.enabled,
        incoming_blacklist: input.incoming_blacklist,
        outgoing_blacklist: input.outgoing_blacklist,
        settings: serde_json::to_string(&input.settings).map_err(ApiError::internal)?,
        numbers,
        members,
        at_ms: clock::now_ms(),
    })
}

/// Every campaign.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "campaigns",
    responses((status = 200, body = [CampaignView])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<CampaignView>>, ApiError> {
    let rows = state.messaging()?.store.campaigns().await?;
    Ok(Json(rows.into_iter().map(CampaignView::of).collect()))
}

/// Creates a campaign.
#[utoipa::path(post, path = "/api/v1/campaigns", tag = "campaigns", request_body = CampaignInput,
    responses((status = 201, body = CampaignView), (status = 409, body = ApiError), (status = 422, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    Json(input): Json<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignView>), ApiError> {
    let new = check(&state, &input, None).await?;
    let row = state.messaging()?.store.create_campaign(new).await?;
    state.router()?.reload_campaigns().await;
    tracing::info!(campaign = row.id, name = %row.name, "campaign created");
    Ok((StatusCode::CREATED, Json(CampaignView::of(row))))
}

/// One campaign.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    responses((status = 200, body = CampaignView), (status = 404, body = ApiError)))]
pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<CampaignView>, ApiError> {
    let row = state
        .messaging()?
        .store
        .campaign(id)
        .await?
        .ok_or_else(|| ApiError::new("not_found", format!("no campaign {id}")))?;
    Ok(Json(CampaignView::of(row)))
}

/// Replaces a campaign's settings, numbers and members.
#[utoipa::path(put, path = "/api/v1/campaigns/{id}", tag = "campaigns", request_body = CampaignInput,
    responses((status = 200, body = CampaignView), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<CampaignInput>,
) -> Result<Json<CampaignView>, ApiError> {
    let new = check(&state, &input, Some(id)).await?;
    let row = state.messaging()?.store.update_campaign(id, new).await?;
    state.router()?.reload_campaigns().await;
    tracing::info!(campaign = id, "campaign updated");
    Ok(Json(CampaignView::of(row)))
}

/// Deletes a campaign that never had a conversation (disable it otherwise).
#[utoipa::path(delete, path = "/api/v1/campaigns/{id}", tag = "campaigns",
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.delete_campaign(id).await?;
    state.router()?.reload_campaigns().await;
    tracing::info!(campaign = id, "campaign deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The named breaks agents may take.
#[utoipa::path(get, path = "/api/v1/breaks", tag = "campaigns",
    responses((status = 200, body = [BreakView])))]
pub async fn breaks(State(state): State<AppState>) -> Result<Json<Vec<BreakView>>, ApiError> {
    let rows = state.messaging()?.store.breaks().await?;
    Ok(Json(rows.into_iter().map(BreakView::from).collect()))
}

/// Adds a named break.
#[utoipa::path(post, path = "/api/v1/breaks", tag = "campaigns", request_body = BreakInput,
    responses((status = 201, body = BreakView), (status = 409, body = ApiError)))]
pub async fn add_break(
    State(state): State<AppState>,
    Json(input): Json<BreakInput>,
) -> Result<(StatusCode, Json<BreakView>), ApiError> {
    let name = input.name.trim();
    if name.is_empty() || name.len() > 60 {
        return Err(ApiError::new(
            "invalid",
            "a break's name has 1 to 60 characters",
        ));
    }
    let row = state
        .messaging()?
        .store
        .add_break(name, clock::now_ms())
        .await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Removes a named break.
#[utoipa::path(delete, path = "/api/v1/breaks/{id}", tag = "campaigns",
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn remove_break(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.remove_break(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
