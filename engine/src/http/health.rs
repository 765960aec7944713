//! Liveness and readiness, for process supervisors and load balancers.
//!
//! `/healthz` says the process serves HTTP (restart it if this fails); `/readyz` says it can do
//! its work, i.e. the store and the plugin registry are loaded (send it traffic only then).

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::error::ApiError;
use super::state::AppState;

/// `GET /healthz`: always 200 while the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 once the store and the registry are up, `503 not_ready` before.
pub async fn readyz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    if state.is_ready() {
        Ok(Json(json!({ "status": "ready" })))
    } else {
        Err(ApiError::not_ready())
    }
}
