//! `/api/v1/tokens`: bearer tokens for integrators and load tools. A token acts as a user (the
//! caller, or the one an admin names) with that user's role. The token is shown once, at
//! creation; only its sha256 is stored.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clock;
use crate::http::auth::{Principal, generate_token, token_hash};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::ApiTokenRow;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tokens", get(list).post(create))
        .route("/api/v1/tokens/{id}", delete(revoke))
}

/// A token to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What it is for (`crm-integration`).
    pub name: String,
    /// The user it acts as; the caller if left out.
    pub user_id: Option<i64>,
}

/// A token, without its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// The user it acts as.
    pub user_id: Option<i64>,
    /// That user's username.
    pub username: Option<String>,
    /// Created, RFC 3339.
    pub created_at: String,
    /// Revoked, RFC 3339.
    pub revoked_at: Option<String>,
}

/// A new token: the only time its secret is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenView {
    /// The token's record.
    #[serde(flatten)]
    pub token: TokenView,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

impl From<ApiTokenRow> for TokenView {
    fn from(t: ApiTokenRow) -> Self {
        Self {
            id: t.id,
            name: t.name,
            user_id: t.user_id,
            username: t.username,
            created_at: clock::rfc3339(t.created_ms),
            revoked_at: t.revoked_ms.map(clock::rfc3339),
        }
    }
}

/// Every token.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses((status = 200, body = [TokenView])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<TokenView>>, ApiError> {
    let rows = state.auth()?.store.api_tokens().await?;
    Ok(Json(rows.into_iter().map(TokenView::from).collect()))
}

/// Creates a token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenInput,
    responses((status = 201, body = NewTokenView), (status = 422, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Json(input): Json<TokenInput>,
) -> Result<(StatusCode, Json<NewTokenView>), ApiError> {
    let name = input.name.trim();
    if name.is_empty() || name.len() > 64 {
        return Err(ApiError::new(
            "invalid",
            "`name` must be 1 to 64 characters",
        ));
    }
    let store = &state.auth()?.store;
    let user_id = input.user_id.unwrap_or(principal.user_id);
    if store.user(user_id).await?.is_none() {
        return Err(ApiError::new("invalid", format!("no user {user_id}")));
    }
    let secret = generate_token().map_err(ApiError::internal)?;
    let row = store
        .create_api_token(name, &token_hash(&secret), user_id, clock::now_ms())
        .await?;
    tracing::info!(token = row.id, user = user_id, name, "API token created");
    Ok((
        StatusCode::CREATED,
        Json(NewTokenView {
            token: row.into(),
            secret,
        }),
    ))
}

/// Revokes a token at once.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens",
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .auth()?
        .store
        .revoke_api_token(id, clock::now_ms())
        .await?;
    tracing::info!(token = id, "API token revoked");
    Ok(StatusCode::NO_CONTENT)
}
