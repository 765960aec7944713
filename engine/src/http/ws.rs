//! `/api/v1/ws`: one WebSocket per browser for live events (DESIGN §8).
//!
//! The socket carries frames `{seq, type, data}` filtered by the hub to what the user may see.
//! An agent's open socket is its presence: the first one logs it in (available), the last one
//! closing starts the grace period. A client may send `{"type":"spy","conversation_id":N}`
//! (supervisors, audited) and `{"type":"unspy",…}`; `ping` is answered with `pong`.

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::http::HeaderMap;
use axum::http::header::{HOST, ORIGIN};
use axum::response::Response;
use serde::Deserialize;

use crate::http::auth::{Principal, Role, audit};
use crate::http::error::ApiError;
use crate::http::state::AppState;
use crate::routing::hub::Viewer;
use crate::routing::task::Router;

/// Largest frame a client may send: they send only small commands.
const MAX_CLIENT_FRAME: usize = 4 << 10;

/// Upgrades to the event socket.
pub async fn upgrade(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Result<Response, ApiError> {
    // Cross-site WebSocket hijacking: a browser sends cookies with a cross-site handshake
    // unless SameSite stops it; refuse any Origin that is not this host.
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split("://").nth(1).unwrap_or("");
        if origin_host != host {
            return Err(ApiError::new("forbidden", "cross-origin WebSocket refused"));
        }
    }
    let router = state.router()?.clone();
    Ok(ws
        .max_message_size(MAX_CLIENT_FRAME)
        .on_upgrade(move |socket| serve(socket, state, router, principal)))
}

#[derive(Deserialize)]
struct ClientFrame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    conversation_id: Option<i64>,
}

async fn serve(mut socket: WebSocket, state: AppState, router: Router, principal: Principal) {
    let user = principal.user_id;
    let memberships = router.memberships(user).await;
    let is_agent = !memberships.is_empty();
    let viewer = Viewer {
        user_id: user,
        supervises: principal.role >= Role::Supervisor,
        scope: principal.campaign_scope.clone(),
    };
    let mut subscription = router
        .hub()
        .subscribe(viewer, is_agent.then(|| Arc::from(memberships)));
    let hello = serde_json::json!({
        "seq": 0, "type": "hello",
        "data": { "user_id": user, "role": principal.role.to_string() },
    });
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    // Every user's sockets count, members or not: one added to a campaign while connected is
    // routable there at once.
    router.connect(user);
    loop {
        tokio::select! {
            frame = subscription.frames.recv() => {
                let Some(frame) = frame else { break };
                if socket.send(Message::Text(frame.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => {
                match incoming {
                    Some(Ok(Message::Text(text))) => {
                        let reply = command(&state, &router, &principal, subscription.id, &text).await;
                        if let Some(reply) = reply
                            && socket.send(Message::Text(reply.into())).await.is_err()
                        {
                            break;
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => {}
                }
            }
        }
    }
    drop(subscription);
    router.disconnect(user);
}

/// Handles a client command; returns a direct answer frame, if any.
async fn command(
    state: &AppState,
    router: &Router,
    principal: &Principal,
    connection: u64,
    text: &str,
) -> Option<String> {
    let error = |why: &str| {
        Some(serde_json::json!({"seq": 0, "type": "error", "data": {"message": why}}).to_string())
    };
    let Ok(frame) = serde_json::from_str::<ClientFrame>(text) else {
        return error("not a command");
    };
    match (frame.kind.as_str(), frame.conversation_id) {
        ("ping", _) => Some(r#"{"seq":0,"type":"pong","data":{}}"#.into()),
        ("spy", Some(id)) => {
            if principal.role < Role::Supervisor {
                return error("only supervisors spy");
            }
            if super::api::visibility::visible_conversation(state, principal, id)
                .await
                .is_err()
            {
                return error("no such conversation");
            }
            // Spying is audited first: no entry, no spying.
            let Ok(messaging) = state.messaging() else {
                return error("not ready");
            };
            let audited = audit(
                messaging.store.as_ref(),
                principal,
                "conversation.spy",
                &format!("conversation:{id}"),
                serde_json::json!({}),
            )
            .await;
            if audited.is_err() {
                return error("could not record the audit entry; not spying");
            }
            router.hub().spy(connection, id);
            Some(
                serde_json::json!({"seq": 0, "type": "spying", "data": {"conversation_id": id}})
                    .to_string(),
            )
        }
        ("unspy", Some(id)) => {
            router.hub().unspy(connection, id);
            None
        }
        _ => error("unknown command"),
    }
}
