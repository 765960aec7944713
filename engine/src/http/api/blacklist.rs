//! `/api/v1/blacklist`: numbers that may not write in or be written to.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::conversations::address::normalize_e164;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::BlacklistRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/blacklist", get(list).post(add))
        .route("/api/v1/blacklist/{id}", delete(remove))
}

/// An entry to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlacklistInput {
    /// E.164 number (or a provider user id).
    pub address: String,
    /// `in` (refuse their messages), `out` (never write to them) or `both`.
    pub direction: String,
    /// Only for this campaign (refused in, or not written to from it, whatever the campaign's
    /// switches); absent: everywhere (subject to each campaign's switches).
    #[serde(default)]
    pub campaign_id: Option<i64>,
}

/// A blacklist entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct BlacklistView {
    /// Id.
    pub id: i64,
    /// Number or user id.
    pub address: String,
    /// in, out, both.
    pub direction: String,
    /// manual or opt-out.
    pub reason: String,
    /// The campaign it applies to; absent: everywhere.
    pub campaign_id: Option<i64>,
    /// Added, RFC 3339.
    pub created_at: String,
}

impl From<BlacklistRow> for BlacklistView {
    fn from(b: BlacklistRow) -> Self {
        Self {
            id: b.id,
            address: b.address,
            direction: b.direction,
            reason: b.reason,
            campaign_id: b.campaign_id,
            created_at: clock::rfc3339(b.created_ms),
        }
    }
}

/// The blacklist.
#[utoipa::path(get, path = "/api/v1/blacklist", tag = "blacklist", responses((status = 200, body = [BlacklistView])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<BlacklistView>>, ApiError> {
    let rows = state.messaging()?.store.blacklist().await?;
    Ok(Json(rows.into_iter().map(BlacklistView::from).collect()))
}

/// Adds an entry; an existing one is returned as is.
#[utoipa::path(post, path = "/api/v1/blacklist", tag = "blacklist", request_body = BlacklistInput,
    responses((status = 200, body = BlacklistView), (status = 422, body = ApiError)))]
pub async fn add(
    State(state): State<AppState>,
    Json(input): Json<BlacklistInput>,
) -> Result<Json<BlacklistView>, ApiError> {
    if !["in", "out", "both"].contains(&input.direction.as_str()) {
        return Err(ApiError::new(
            "invalid",
            "`direction` must be in, out or both",
        ));
    }
    let address = if input.address.trim_start().starts_with('+') {
        normalize_e164(&input.address)
            .map_err(|e| ApiError::new("invalid_recipient", e.to_string()))?
    } else {
        input.address.trim().to_owned()
    };
    if address.is_empty() {
        return Err(ApiError::new("invalid", "`address` is required"));
    }
    if let Some(campaign) = input.campaign_id
        && state.messaging()?.store.campaign(campaign).await?.is_none()
    {
        return Err(ApiError::new("invalid", format!("no campaign {campaign}")));
    }
    let row = state
        .messaging()?
        .store
        .add_blacklist(
            &address,
            &input.direction,
            input.campaign_id,
            "manual",
            clock::now_ms(),
        )
        .await?;
    Ok(Json(row.into()))
}

/// Removes an entry.
#[utoipa::path(delete, path = "/api/v1/blacklist/{id}", tag = "blacklist",
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.remove_blacklist(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
