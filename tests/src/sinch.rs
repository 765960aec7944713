//! The Sinch Conversation API (SMS channel) as tests need it: one mock serving both the OAuth2
//! token endpoint and `messages:send`, checking each request as Sinch does and answering in
//! Sinch's formats (providers.md §3.1), a connector bound to it, and callbacks signed with
//! `x-sinch-webhook-signature` (§3.2).

use std::sync::Arc;

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::api;
use crate::crypto::base64;
use crate::form::Fields;
use crate::mock::{MockProvider, Recorded, Reply};
use crate::server::TestServer;

/// The project (a UUID, part of the send path).
pub const PROJECT_ID: &str = "e2df3a34-a71b-4448-9db5-a8d2baad28e4";
/// The Conversation API app.
pub const APP_ID: &str = "01EB37HMH1M6SV18ASNS3G135H";
/// The access key: the OAuth2 client id …
pub const KEY_ID: &str = "5f1c2a7e-93b4-4d0a-8e6f-1a2b3c4d5e6f";
/// … and its secret.
pub const KEY_SECRET: &str = "test-key-secret";
/// The token the mock issues.
pub const ACCESS_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.test-conversation-token";
/// The secret set on the app's webhook: callbacks are signed with it.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret";
/// The connector's SMS sender.
pub const BUSINESS_NUMBER: &str = "+5491155550102";
/// The token endpoint's path.
pub const TOKEN_PATH: &str = "/oauth2/token";

/// The send path of the project.
pub fn send_path() -> String {
    format!("/v1/projects/{PROJECT_ID}/messages:send")
}

/// The `message_id` the mock gives the send of its `n`th request (a 26-character ULID).
pub fn message_id(n: usize) -> String {
    format!("01HSB{n:021}")
}

/// The Conversation API's error body: `{"error": {"code", "message", "status", "details"}}`.
pub fn error(code: u16, status: &str, message: &str) -> Reply {
    Reply::new(
        code,
        json!({"error": {"code": code, "message": message, "status": status, "details": []}})
            .to_string(),
    )
}

/// A mock of both Sinch endpoints answering [`api_answer`].
pub async fn api_mock() -> MockProvider {
    MockProvider::start(Arc::new(api_answer)).await
}

/// What Sinch answers: the token endpoint (`POST /oauth2/token`) and `messages:send`; anything
/// else 404.
pub fn api_answer(n: usize, request: &Recorded) -> Reply {
    match (request.method.as_str(), request.uri.as_str()) {
        ("POST", TOKEN_PATH) => token_answer(request),
        ("POST", path) if path == send_path() => send_answer(n, request),
        _ => error(404, "NOT_FOUND", "Requested entity was not found."),
    }
}

/// The OAuth2 client-credentials grant: HTTP Basic `key_id:key_secret` and
/// `grant_type=client_credentials`, else the OAuth2 errors (RFC 6749 §5.2).
fn token_answer(request: &Recorded) -> Reply {
    let expected = format!(
        "Basic {}",
        base64(format!("{KEY_ID}:{KEY_SECRET}").as_bytes())
    );
    if request.header("authorization") != Some(expected.as_str()) {
        return Reply::new(
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
        );
    }
    if Fields::body_of(request).get("grant_type") != Some("client_credentials") {
        return Reply::new(
            400,
            r#"{"error":"unsupported_grant_type","error_description":"grant_type must be client_credentials"}"#,
        );
    }
    Reply::new(
        200,
        json!({"access_token": ACCESS_TOKEN, "expires_in": 3599, "scope": "", "token_type": "bearer"})
            .to_string(),
    )
}

/// A send: the bearer token, then a JSON body naming this app, a channel identity and a
/// message; answered `{"message_id", "accepted_time"}`.
fn send_answer(n: usize, request: &Recorded) -> Reply {
    if request.header("authorization") != Some(format!("Bearer {ACCESS_TOKEN}").as_str()) {
        return error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials.",
        );
    }
    let body = request.json();
    let identity = &body["recipient"]["identified_by"]["channel_identities"][0];
    let problem = if body["app_id"] != APP_ID {
        Some("app_id: unknown app")
    } else if !identity["channel"].is_string() || !identity["identity"].is_string() {
        Some("recipient: a contact_id or channel identities are required")
    } else if body["message"].as_object().is_none_or(|m| m.is_empty()) {
        Some("message: a message is required")
    } else {
        None
    };
    match problem {
        Some(problem) => error(
            400,
            "INVALID_ARGUMENT",
            &format!("Invalid argument: {problem}"),
        ),
        None => Reply::new(
            200,
            json!({"message_id": message_id(n), "accepted_time": "2026-03-01T12:00:01.123Z"})
                .to_string(),
        ),
    }
}

/// The refusal of a recipient the SMS channel cannot take (an `INVALID_ARGUMENT` naming the
/// `RECIPIENT_INVALID_CHANNEL_IDENTITY` reason).
pub fn invalid_recipient() -> Reply {
    error(
        400,
        "INVALID_ARGUMENT",
        "RECIPIENT_INVALID_CHANNEL_IDENTITY: the SMS channel identity is not a valid phone number",
    )
}

/// Sinch's answer when the service is down for a moment.
pub fn unavailable() -> Reply {
    error(503, "UNAVAILABLE", "The service is currently unavailable.")
}

/// Creates the SMS connector against `api` (both its token and send endpoints); returns
/// `(id, webhook URL)`.
pub async fn connector(server: &TestServer, api: &MockProvider) -> (i64, String) {
    api::create_connector(
        server,
        &json!({"name": "sinch-sms", "plugin": "sinch", "numbers": [BUSINESS_NUMBER],
            "config": {"api": "conversation", "project_id": PROJECT_ID, "app_id": APP_ID,
                "key_id": KEY_ID, "key_secret": KEY_SECRET, "channel": "SMS",
                "webhook_secret": WEBHOOK_SECRET, "auth_base_url": api.url,
                "api_base_url": api.url}}),
    )
    .await
}

/// A `MESSAGE_INBOUND` callback: an SMS `text` from `from` (E.164) to the business number.
pub fn inbound_sms(id: &str, from: &str, text: &str) -> String {
    json!({"app_id": APP_ID, "project_id": PROJECT_ID, "accepted_time": "2026-03-01T12:00:01.123Z",
        "event_time": "2026-03-01T12:00:00Z", "message_metadata": "",
        "message": {"id": id, "direction": "TO_APP",
            "channel_identity": {"channel": "SMS", "identity": from, "app_id": ""},
            "contact_message": {"text_message": {"text": text}},
            "conversation_id": "01HSBCONVERSATION000000001", "contact_id": "01HSBCONTACT0000000000001",
            "metadata": "", "accept_time": "2026-03-01T12:00:01Z",
            "sender_id": BUSINESS_NUMBER, "processing_mode": "CONVERSATION", "injected": false}})
    .to_string()
}

/// `x-sinch-webhook-signature` of `body`: base64(HMAC-SHA256(secret, body.nonce.timestamp)).
pub fn signature(secret: &str, body: &str, nonce: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{body}.{nonce}.{timestamp}").as_bytes());
    base64(&mac.finalize().into_bytes())
}

/// POSTs callback `body` signed with `secret` (now, with a fixed nonce); returns the status.
pub async fn post(client: &reqwest::Client, url: &str, body: &str, secret: &str) -> u16 {
    let nonce = "01FJA8B4A7BM43YGWSG9GBV067";
    let timestamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        .to_string();
    client
        .post(url)
        .header("content-type", "application/json")
        .header(
            "x-sinch-webhook-signature",
            signature(secret, body, nonce, &timestamp),
        )
        .header("x-sinch-webhook-signature-nonce", nonce)
        .header("x-sinch-webhook-signature-timestamp", &timestamp)
        .header("x-sinch-webhook-signature-algorithm", "HmacSHA256")
        .body(body.to_owned())
        .send()
        .await
        .expect("post callback")
        .status()
        .as_u16()
}

/// The requests of `mock` to `path`.
pub fn requests_to(mock: &MockProvider, path: &str) -> Vec<Recorded> {
    mock.requests()
        .into_iter()
        .filter(|r| r.uri == path)
        .collect()
}

/// The JSON of the last send `mock` received.
pub fn last_send(mock: &MockProvider) -> Value {
    requests_to(mock, &send_path())
        .last()
        .map(Recorded::json)
        .unwrap_or(Value::Null)
}
