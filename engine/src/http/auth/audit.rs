//! The audit log: who changed what, from where.
//!
//! [`record`] writes one entry for every successful (2xx) write request (any method but GET,
//! HEAD, OPTIONS, TRACE) by a supervisor or an admin: the action is the method and the route's
//! pattern (`PATCH /api/v1/users/{id}`), the target the path itself. Request bodies are never
//! stored: they may hold passwords and provider credentials. Actions that are not a write of
//! their own (listening to a conversation, pausing an agent, logging someone out) call
//! [`audit()`] with what matters about them.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::client::ClientIp;
use super::csrf::is_unsafe;
use super::principal::{Principal, Role};
use crate::clock;
use crate::http::state::AppState;
use crate::store::{NewAuditEntry, Store, StoreError};

/// Appends an entry by `principal`: `action` (`supervisor.spy`), on `target` (a conversation,
/// a user), with `data` (a JSON object; no secrets).
pub async fn audit(
    store: &dyn Store,
    principal: &Principal,
    action: &str,
    target: &str,
    data: serde_json::Value,
) -> Result<(), StoreError> {
    store
        .append_audit(NewAuditEntry {
            at_ms: clock::now_ms(),
            actor_user_id: Some(principal.user_id),
            actor_name: principal.username.clone(),
            action: action.to_owned(),
            target: target.to_owned(),
            data,
            ip: None,
        })
        .await
        .map(|_| ())
}

/// Middleware, inside `authenticate`: records the request if it was a successful write by a
/// supervisor or an admin. A failure to record is logged; the change itself has happened.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let principal = request
        .extensions()
        .get::<Principal>()
        .filter(|p| p.role >= Role::Supervisor && is_unsafe(&method))
        .cloned();
    let Some(principal) = principal else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| path.clone(), |matched| matched.as_str().to_owned());
    let ip = ClientIp::of(request.extensions()).text();
    let response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    let Ok(auth) = state.auth() else {
        return response;
    };
    let entry = NewAuditEntry {
        at_ms: clock::now_ms(),
        actor_user_id: Some(principal.user_id),
        actor_name: principal.username,
        action: format!("{method} {route}"),
        target: path,
        data: serde_json::json!({}),
        ip,
    };
    if let Err(error) = auth.store.append_audit(entry).await {
        tracing::error!(%error, "an audit entry was lost");
    }
    response
}
