//! REST v1 for integrators and the web client: sign-in, users, the audit log, connectors,
//! messages and conversations, templates, the blacklist, API tokens, media and the sandbox.
//! Described by the OpenAPI document at `/api/openapi.json` ([`openapi`]).

pub mod audit;
pub mod blacklist;
pub mod campaigns;
pub mod connectors;
pub mod desk;
pub mod desk_context;
pub mod dialers;
pub mod dnc;
pub mod login;
pub mod media;
pub mod messages;
pub mod openapi;
pub mod recordings;
pub mod reports;
pub mod sandbox;
pub mod supervise;
pub mod templates;
pub mod tokens;
pub mod users;
pub mod visibility;

use axum::Router;

use super::state::AppState;

/// Routes only an admin may call.
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .merge(connectors::router())
        .merge(tokens::router())
        .merge(templates::admin_router())
        .merge(campaigns::admin_router())
        .merge(dialers::admin_router())
        .merge(users::router())
}

/// Routes every signed-in user may call: who am I, sign out, change my password; the desk,
/// the conversations and media they may see, recordings, the supervisor's desk (whose handlers
/// check the role) and the live socket.
pub fn signed_in_routes() -> Router<AppState> {
    login::router()
        .merge(desk::router())
        .merge(desk_context::router())
        .merge(messages::visible_router())
        .merge(media::visible_router())
        .merge(recordings::router())
        .merge(supervise::router())
        .merge(reports::router())
        .route("/api/v1/ws", axum::routing::get(super::ws::upgrade))
}

/// Routes a supervisor (or an admin, or their API tokens) may call.
pub fn api_routes(media_limit: usize, list_limit: usize) -> Router<AppState> {
    Router::new()
        .merge(dialers::router(list_limit))
        .merge(dnc::router())
        .merge(audit::router())
        .merge(messages::router())
        .merge(templates::read_router())
        .merge(blacklist::router())
        .merge(media::router(media_limit))
        .merge(sandbox::router())
}

/// Routes anyone may call: sign-in, and what providers fetch and post.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .merge(login::public_router())
        .merge(media::public_router())
        .merge(sandbox::public_router())
        .merge(openapi::router())
}

/// `?limit=` bounds for lists.
pub(crate) fn page_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(50).clamp(1, 500)
}
