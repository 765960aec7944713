//! The HTTP surface: one axum [`Router`] built by [`app`].
//!
//! - [`health`]: `/healthz` and `/readyz`, open to all.
//! - [`metrics`]: `/metrics` in Prometheus text, open to all (it holds no secrets).
//! - [`plugins`]: the plugin admin API under `/api/v1/plugins`, behind the admin token
//!   ([`auth`]).
//! - [`error`]: every error as `{ "code", "message" }` with one table from code to status.
//! - [`state`]: what handlers share, filled in once start-up has loaded it.
//!
//! [`app`] takes no socket, so tests drive it with `tower::ServiceExt::oneshot`.

pub mod api;
pub mod auth;
pub mod error;
pub mod health;
pub mod metrics;
pub mod plugins;
pub mod state;
pub mod webhooks;
pub mod ws;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

pub use auth::AdminToken;
pub use error::ApiError;
pub use state::AppState;

/// Largest request body outside plugin uploads: the admin API takes small JSON documents.
const SMALL_BODY_LIMIT: usize = 64 << 10;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let admin = Router::new()
        .nest("/api/v1/plugins", plugins::router(state.max_upload_bytes()))
        .merge(api::admin_routes())
        // A route layer, so an unknown path is a 404 and not a 401.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_admin,
        ));
    let integrators = api::api_routes(state.max_media_bytes()).route_layer(
        axum::middleware::from_fn_with_state(state.clone(), auth::require_api),
    );
    Router::new()
        .merge(webhooks::router(state.max_webhook_bytes()))
        .merge(api::public_routes())
        .merge(integrators)
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .merge(admin)
        .fallback(|| async { ApiError::no_route() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                "method_not_allowed",
                "this endpoint does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT))
        // WARN, not tower-http's default ERROR: a 503 while starting or a client's 5xx-causing
        // request is not lost data; real internal errors are logged with their cause by
        // `ApiError` at ERROR.
        .layer(TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::WARN)))
        .with_state(state)
}

#[cfg(test)]
mod tests;
