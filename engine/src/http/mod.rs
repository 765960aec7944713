//! The HTTP surface: one axum [`Router`] built by [`app`].
//!
//! - [`health`]: `/healthz` and `/readyz`, open to all.
//! - [`metrics`]: `/metrics` in Prometheus text, open to all (it holds no secrets).
//! - [`auth`]: users and roles: session cookies for people, API tokens for machines, the
//!   [`auth::Principal`] every authenticated handler gets, CSRF, login limits, the audit log.
//! - [`plugins`]: the plugin admin API under `/api/v1/plugins`.
//! - [`api`]: REST v1; [`webhooks`]: providers' calls.
//! - [`error`]: every error as `{ "code", "message" }` with one table from code to status.
//! - [`state`]: what handlers share, filled in once start-up has loaded it.
//! - [`web`]: the web client's files, at `/` and `/ui/…`.
//!
//! Routes come in groups by the least role that may call them: open (health, metrics,
//! webhooks, login, what providers fetch), any signed-in user, supervisors, admins. Each
//! guarded group authenticates, checks the role, and records writes in the audit log.
//!
//! [`app`] takes no socket, so tests drive it with `tower::ServiceExt::oneshot`.

pub mod api;
pub mod auth;
pub mod error;
pub mod health;
pub mod integra;
pub mod metrics;
pub mod plugins;
pub mod state;
pub mod web;
pub mod webhooks;
pub mod ws;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

pub use auth::{AdminToken, Principal, Role};
pub use error::ApiError;
pub use state::AppState;

/// Largest request body outside plugin uploads: the admin API takes small JSON documents.
const SMALL_BODY_LIMIT: usize = 64 << 10;

/// The whole HTTP application.
pub fn app(state: AppState) -> Router {
    let admin = Router::new()
        .nest("/api/v1/plugins", plugins::router(state.max_upload_bytes()))
        .merge(api::admin_routes());
    Router::new()
        .merge(webhooks::router(state.max_webhook_bytes()))
        .merge(api::public_routes())
        .merge(integra::router(&state))
        .merge(guarded(api::signed_in_routes(), &state, Role::Agent))
        .merge(guarded(
            api::api_routes(state.max_media_bytes(), state.max_list_bytes()),
            &state,
            Role::Supervisor,
        ))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .merge(guarded(admin, &state, Role::Admin))
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

/// `routes` for users of `role` and above: authenticated, role checked, writes audited.
/// Route layers, so an unknown path is a 404 and not a 401.
fn guarded(routes: Router<AppState>, state: &AppState, role: Role) -> Router<AppState> {
    // The last layer added runs first.
    routes
        .route_layer(from_fn_with_state(state.clone(), auth::audit::record))
        .route_layer(from_fn_with_state(role, auth::require_role))
        .route_layer(from_fn_with_state(state.clone(), auth::authenticate))
}

#[cfg(test)]
mod auth_tests;
#[cfg(test)]
mod tests;
