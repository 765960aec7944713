//! Shared by the integration tests: a connector config, outbound messages, the outbox's
//! answers, and webhook calls as the engine's sandbox makes them.
#![allow(dead_code)]

use serde_json::{Value, json};
use switchboard_sdk::provider::*;
use switchboard_sdk::testing::{http_response, webhook_request};

pub const OUTBOX: &str = "http://127.0.0.1:8080/sandbox/acme/outbox";
pub const HOOK: &str = "https://cc.example.com/hooks/sandbox/k7Qx9";

/// A WhatsApp sandbox connector.
pub fn config() -> String {
    json!({ "outbox_url": OUTBOX }).to_string()
}

/// Host message 42 to +5491155550123, with a status callback URL.
pub fn outbound(content: Content) -> Outbound {
    Outbound {
        status_callback_url: Some(HOOK.into()),
        ..switchboard_sdk::testing::outbound(content)
    }
}

/// The JSON body of a request.
pub fn json_body(body: &[u8]) -> Value {
    serde_json::from_slice(body).expect("a JSON body")
}

/// The outbox's answer.
pub fn answer(status: u16, headers: Vec<Pair>, body: &str) -> HttpResponse {
    http_response(status, headers, body.as_bytes())
}

/// A `POST` of `body` to the connector's webhook.
pub fn post(body: &[u8]) -> WebhookRequest {
    let headers = vec![switchboard_sdk::http::pair(
        "Content-Type",
        "application/json",
    )];
    webhook_request("POST", HOOK, headers, body)
}

/// `{"events": events}` posted to the webhook.
pub fn deliver(events: Value) -> Result<WebhookResult, WebhookError> {
    let body = json!({ "events": events }).to_string();
    <provider_sandbox::Sandbox as Provider>::handle_webhook(&config(), post(body.as_bytes()))
}

/// A message event from +5491155550123 carrying `content`.
pub fn message_event(content: Value) -> Value {
    json!({"type": "message", "id": "in-1",
        "from": {"number": "+5491155550123", "user_id": null, "name": "Ana"},
        "to": "+15550100", "at_ms": 1_700_000_000_000u64, "content": content})
}

/// The one message of a webhook call carrying `events`.
pub fn one_message(events: Value) -> InboundMessage {
    let result = deliver(events).expect("accepted");
    match <[Event; 1]>::try_from(result.events) {
        Ok([Event::Message(message)]) => message,
        other => panic!("one message expected, got {other:?}"),
    }
}
