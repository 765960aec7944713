//! Shared by the integration tests: connector configs, outbound messages, webhook requests, an
//! independent implementation of Sinch's callback signature, and the fixtures.

#![allow(dead_code)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use switchboard_sdk::provider::{Content, HttpResponse, Outbound, Pair, WebhookRequest};

pub const WEBHOOK_SECRET: &str = "sinch-webhook-secret";
pub const NONCE: &str = "01FJA8B4A7BM43YGWSG9GBV067";
pub const TIMESTAMP: &str = "1634579353";
/// When the host received the callbacks: two seconds after Sinch signed them.
pub const RECEIVED_AT_MS: u64 = 1_634_579_355_000;

/// A Conversation API WhatsApp connector with signed callbacks, in region `br`.
pub const CONVERSATION: &str = r#"{
    "api": "conversation",
    "project_id": "e2df3a34-a71b-4448-9db5-a8d2baad28e4",
    "app_id": "01EB37HMH1M6SV18ASNS3G135H",
    "key_id": "0f1e2d3c-key",
    "key_secret": "s3cr3t-key",
    "region": "br",
    "webhook_secret": "sinch-webhook-secret"
}"#;

/// The same project on SMS, unsigned, with local endpoints.
pub const CONVERSATION_SMS: &str = r#"{
    "api": "conversation",
    "project_id": "e2df3a34-a71b-4448-9db5-a8d2baad28e4",
    "app_id": "01EB37HMH1M6SV18ASNS3G135H",
    "key_id": "0f1e2d3c-key",
    "key_secret": "s3cr3t-key",
    "channel": "SMS",
    "auth_base_url": "http://127.0.0.1:8081",
    "api_base_url": "http://127.0.0.1:8082/",
    "max_per_second": 5
}"#;

/// A legacy Wavy connector.
pub const WAVY: &str = r#"{
    "api": "wavy",
    "username": "wa_acme_br",
    "token": "aaaaaa-bbbbbbbbbbbbbXXXXX12",
    "hsm_namespace": "whatsapp:hsm:ecommerce:movile"
}"#;

/// A message from the host, id 4242, to +5491155550123.
pub fn outbound(content: Content) -> Outbound {
    Outbound {
        message_id: 4242,
        from: "+14155238886".into(),
        ..switchboard_sdk::testing::outbound(content)
    }
}

pub fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![pair("Content-Type", "application/json")],
        body: body.as_bytes().to_vec(),
    }
}

pub fn pair(name: &str, value: &str) -> Pair {
    Pair {
        name: name.into(),
        value: value.into(),
    }
}

pub fn header<'a>(headers: &'a [Pair], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A POST to the connector's webhook with these headers, received at [`RECEIVED_AT_MS`].
pub fn webhook(body: &[u8], headers: Vec<Pair>) -> WebhookRequest {
    let url = "https://cc.example.com/hooks/sinch/conversation";
    WebhookRequest {
        received_at_ms: RECEIVED_AT_MS,
        ..switchboard_sdk::testing::webhook_request("POST", url, headers, body)
    }
}

/// Sinch's documented algorithm, written independently of the plugin:
/// `Base64(HMAC-SHA256(secret, body + "." + nonce + "." + timestamp))`.
pub fn sinch_signature(secret: &str, body: &[u8], nonce: &str, timestamp: &str) -> String {
    let mut signed = body.to_vec();
    signed.extend_from_slice(format!(".{nonce}.{timestamp}").as_bytes());
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(&signed);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The four headers Sinch sends with a signed callback.
pub fn signature_headers(signature: &str, nonce: &str, timestamp: &str) -> Vec<Pair> {
    vec![
        pair("Content-Type", "application/json"),
        pair("x-sinch-webhook-signature", signature),
        pair("x-sinch-webhook-signature-nonce", nonce),
        pair("x-sinch-webhook-signature-timestamp", timestamp),
        pair("x-sinch-webhook-signature-algorithm", "HmacSHA256"),
    ]
}

/// A callback as Sinch sends it: signed with [`WEBHOOK_SECRET`].
pub fn signed_webhook(body: &[u8]) -> WebhookRequest {
    let signature = sinch_signature(WEBHOOK_SECRET, body, NONCE, TIMESTAMP);
    webhook(body, signature_headers(&signature, NONCE, TIMESTAMP))
}

/// The raw bytes of `tests/fixtures/{name}`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The JSON body of a request.
pub fn json_body(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("JSON body")
}
