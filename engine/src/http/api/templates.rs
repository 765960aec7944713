//! `/api/v1/templates`: approved message templates per connector.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{delete, get};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::clock;
use crate::conversations::template::placeholder_count;
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::store::{NewTemplate, TemplateRow};

/// Statuses an admin may set.
const STATUSES: [&str; 4] = ["approved", "pending", "rejected", "paused"];

pub fn admin_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/templates", axum::routing::post(upsert))
        .route("/api/v1/templates/{id}", delete(remove))
}

pub fn read_router() -> Router<AppState> {
    Router::new().route("/api/v1/templates", get(list))
}

/// A template to create or replace (by connector, code and language).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    /// Connector it belongs to.
    pub connector_id: i64,
    /// Code used in `hsm:code:p1` (letters, digits, `_`, `-`).
    pub code: String,
    /// Language code (`es_AR`).
    pub language: String,
    /// Body with `{{1}}…{{n}}` placeholders.
    pub body: String,
    /// The provider's name for it (Meta name, Twilio ContentSid, Wavy element); `code` when absent.
    #[serde(default)]
    pub provider_name: Option<String>,
    /// HSM namespace (legacy Wavy).
    #[serde(default)]
    pub namespace: Option<String>,
    /// approved, pending, rejected, paused (default approved).
    #[serde(default)]
    pub status: Option<String>,
}

/// A stored template.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateView {
    /// Id.
    pub id: i64,
    /// Connector.
    pub connector_id: i64,
    /// Code.
    pub code: String,
    /// Language.
    pub language: String,
    /// Body.
    pub body: String,
    /// Provider's name.
    pub provider_name: String,
    /// Namespace.
    pub namespace: Option<String>,
    /// Placeholders in the body.
    pub params: i64,
    /// Review status.
    pub status: String,
    /// Why rejected or paused.
    pub reason: Option<String>,
    /// Last change, RFC 3339.
    pub updated_at: String,
}

impl From<TemplateRow> for TemplateView {
    fn from(t: TemplateRow) -> Self {
        Self {
            id: t.id,
            connector_id: t.connector_id,
            code: t.code,
            language: t.language,
            body: t.body,
            provider_name: t.provider_name,
            namespace: t.namespace,
            params: t.params,
            status: t.status,
            reason: t.reason,
            updated_at: clock::rfc3339(t.updated_ms),
        }
    }
}

/// Which templates.
#[derive(Debug, Deserialize, IntoParams)]
pub struct TemplateQuery {
    /// Only this connector's.
    pub connector_id: Option<i64>,
}

/// Templates.
#[utoipa::path(get, path = "/api/v1/templates", tag = "templates", params(TemplateQuery),
    responses((status = 200, body = [TemplateView])))]
pub async fn list(
    State(state): State<AppState>,
    Query(query): Query<TemplateQuery>,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    let rows = state
        .messaging()?
        .store
        .templates(query.connector_id)
        .await?;
    Ok(Json(rows.into_iter().map(TemplateView::from).collect()))
}

/// Creates or replaces a template.
#[utoipa::path(post, path = "/api/v1/templates", tag = "templates", request_body = TemplateInput,
    responses((status = 200, body = TemplateView), (status = 422, body = ApiError)))]
pub async fn upsert(
    State(state): State<AppState>,
    Json(input): Json<TemplateInput>,
) -> Result<Json<TemplateView>, ApiError> {
    let messaging = state.messaging()?;
    if messaging.connectors.get(input.connector_id).is_none() {
        return Err(ApiError::new(
            "not_found",
            format!("no connector {}", input.connector_id),
        ));
    }
    let valid_code = !input.code.is_empty()
        && input.code.len() <= 128
        && input
            .code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !valid_code {
        return Err(ApiError::new(
            "invalid",
            "`code` must be 1–128 letters, digits, `_` or `-`",
        ));
    }
    if input.language.trim().is_empty() || input.body.trim().is_empty() {
        return Err(ApiError::new(
            "invalid",
            "`language` and `body` are required",
        ));
    }
    let status = input.status.unwrap_or_else(|| "approved".into());
    if !STATUSES.contains(&status.as_str()) {
        return Err(ApiError::new(
            "invalid",
            format!("`status` must be one of {}", STATUSES.join(", ")),
        ));
    }
    let row = messaging
        .store
        .upsert_template(NewTemplate {
            connector_id: input.connector_id,
            provider_name: input.provider_name.unwrap_or_else(|| input.code.clone()),
            params: i64::try_from(placeholder_count(&input.body)).unwrap_or(0),
            code: input.code,
            language: input.language,
            body: input.body,
            namespace: input.namespace,
            status,
            at_ms: clock::now_ms(),
        })
        .await?;
    Ok(Json(row.into()))
}

/// Deletes a template.
#[utoipa::path(delete, path = "/api/v1/templates/{id}", tag = "templates",
    responses((status = 204), (status = 404, body = ApiError)))]
pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.store.delete_template(id).await?;
    Ok(StatusCode::NO_CONTENT)
}
