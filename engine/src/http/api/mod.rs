//! REST v1 for integrators and the web client: connectors, messages and conversations,
//! templates, the blacklist, API tokens, media and the sandbox. Described by the OpenAPI
//! document at `/api/openapi.json` ([`openapi`]).

pub mod blacklist;
pub mod campaigns;
pub mod connectors;
pub mod desk;
pub mod media;
pub mod messages;
pub mod openapi;
pub mod recordings;
pub mod sandbox;
pub mod supervise;
pub mod templates;
pub mod tokens;
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
}

/// Routes an admin or an API token may call.
pub fn api_routes(media_limit: usize) -> Router<AppState> {
    Router::new()
        .merge(messages::router())
        .merge(templates::read_router())
        .merge(blacklist::router())
        .merge(media::router(media_limit))
        .merge(sandbox::router())
}

/// Routes anyone may call: what providers fetch and post.
pub fn public_routes() -> Router<AppState> {
    Router::new()
        .merge(media::public_router())
        .merge(sandbox::public_router())
        .merge(openapi::router())
}

/// `?limit=` bounds for lists.
pub(crate) fn page_limit(limit: Option<i64>) -> i64 {
    limit.unwrap_or(50).clamp(1, 500)
}
