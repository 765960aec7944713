//! `/api/v1/connectors`: create, list, read, update, delete, rotate the webhook secret.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::providers::connectors::{ConnectorInput, ConnectorView};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/connectors", get(list).post(create))
        .route(
            "/api/v1/connectors/{id}",
            get(read).put(update).delete(delete),
        )
        .route("/api/v1/connectors/{id}/rotate-secret", post(rotate))
}

/// Every connector; secrets are never shown.
#[utoipa::path(get, path = "/api/v1/connectors", tag = "connectors",
    responses((status = 200, body = [ConnectorView])))]
pub async fn list(State(state): State<AppState>) -> Result<Json<Vec<ConnectorView>>, ApiError> {
    let messaging = state.messaging()?;
    let connectors = messaging.connectors.all();
    Ok(Json(
        connectors
            .iter()
            .map(|c| messaging.connectors.view(c))
            .collect(),
    ))
}

/// Creates a connector; the answer holds the webhook URL to give the provider.
#[utoipa::path(post, path = "/api/v1/connectors", tag = "connectors", request_body = ConnectorInput,
    responses((status = 201, body = ConnectorView), (status = 422, body = ApiError), (status = 409, body = ApiError)))]
pub async fn create(
    State(state): State<AppState>,
    Json(input): Json<ConnectorInput>,
) -> Result<(StatusCode, Json<ConnectorView>), ApiError> {
    let view = state.messaging()?.connectors.create(input).await?;
    tracing::info!(connector = view.id, name = %view.name, plugin = %view.plugin, "connector created");
    Ok((StatusCode::CREATED, Json(view)))
}

/// One connector.
#[utoipa::path(get, path = "/api/v1/connectors/{id}", tag = "connectors",
    responses((status = 200, body = ConnectorView), (status = 404, body = ApiError)))]
pub async fn read(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<ConnectorView>, ApiError> {
    let messaging = state.messaging()?;
    let connector = messaging
        .connectors
        .get(id)
        .ok_or_else(|| ApiError::new("not_found", format!("no connector {id}")))?;
    Ok(Json(messaging.connectors.view(&connector)))
}

/// Replaces a connector's settings; secret fields left out keep their stored values (send
/// `null` to clear one).
#[utoipa::path(put, path = "/api/v1/connectors/{id}", tag = "connectors", request_body = ConnectorInput,
    responses((status = 200, body = ConnectorView), (status = 404, body = ApiError), (status = 422, body = ApiError)))]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(input): Json<ConnectorInput>,
) -> Result<Json<ConnectorView>, ApiError> {
    let view = state.messaging()?.connectors.update(id, input).await?;
    tracing::info!(connector = id, "connector updated");
    Ok(Json(view))
}

/// Deletes a connector that never carried a message (disable it otherwise).
#[utoipa::path(delete, path = "/api/v1/connectors/{id}", tag = "connectors",
    responses((status = 204), (status = 404, body = ApiError), (status = 409, body = ApiError)))]
pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state.messaging()?.connectors.delete(id).await?;
    tracing::info!(connector = id, "connector deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// A new webhook secret: the old URL stops working at once.
#[utoipa::path(post, path = "/api/v1/connectors/{id}/rotate-secret", tag = "connectors",
    responses((status = 200, body = ConnectorView), (status = 404, body = ApiError)))]
pub async fn rotate(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<ConnectorView>, ApiError> {
    let view = state
        .messaging()?
        .connectors
        .rotate_webhook_secret(id)
        .await?;
    tracing::info!(connector = id, "webhook secret rotated");
    Ok(Json(view))
}
