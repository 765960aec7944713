//! Shared by the integration tests: a connector config, signed webhook calls built from the
//! fixtures (real-format Meta bodies, byte-exact), and outbound messages.
#![allow(dead_code)]

use provider_whatsapp_cloud::WhatsAppCloud;
use provider_whatsapp_cloud::signature;
use switchboard_sdk::provider::*;

/// The app secret of providers.md's composed Meta test vector.
pub const APP_SECRET: &str = "d41d8cd98f00b204e9800998ecf8427e";
pub const PHONE_NUMBER_ID: &str = "106540352242922";
pub const VERIFY_TOKEN: &str = "switchboard-verify";
pub const ACCESS_TOKEN: &str = "EAAG-token";
pub const WEBHOOK_URL: &str = "https://cc.example.com/hooks/meta";

/// The connector config of every test.
pub fn config() -> String {
    serde_json::json!({
        "phone_number_id": PHONE_NUMBER_ID,
        "access_token": ACCESS_TOKEN,
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
    })
    .to_string()
}

/// A fixture's bytes, exactly as stored.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A POST with the given headers.
pub fn post(body: &[u8], headers: Vec<Pair>) -> WebhookRequest {
    switchboard_sdk::testing::webhook_request("POST", WEBHOOK_URL, headers, body)
}

pub fn pair(name: &str, value: &str) -> Pair {
    Pair {
        name: name.into(),
        value: value.into(),
    }
}

/// A POST signed the way Meta signs it.
pub fn signed(body: &[u8]) -> WebhookRequest {
    let header = signature::header_value(APP_SECRET, body);
    post(
        body,
        vec![
            pair("Content-Type", "application/json"),
            pair("X-Hub-Signature-256", &header),
        ],
    )
}

/// The events of a signed fixture, which must be answered with an empty 200.
pub fn events(name: &str) -> Vec<Event> {
    let result = WhatsAppCloud::handle_webhook(&config(), signed(&fixture(name)))
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    assert_eq!(result.response.status, 200, "{name}");
    assert!(result.response.body.is_empty(), "{name}");
    result.events
}

/// The one inbound message of a fixture.
pub fn message(name: &str) -> InboundMessage {
    match events(name).as_slice() {
        [Event::Message(message)] => message.clone(),
        other => panic!("{name}: expected one message, got {other:?}"),
    }
}

/// The one delivery status of a fixture.
pub fn status(name: &str) -> DeliveryStatus {
    match events(name).as_slice() {
        [Event::Status(status)] => status.clone(),
        other => panic!("{name}: expected one status, got {other:?}"),
    }
}

pub fn number(e164: &str) -> ContactAddress {
    ContactAddress {
        number: Some(e164.into()),
        user_id: None,
        display_name: None,
    }
}

/// Host message 42 to +5491155550123.
pub fn outbound(content: Content) -> Outbound {
    Outbound {
        from: PHONE_NUMBER_ID.into(),
        ..switchboard_sdk::testing::outbound(content)
    }
}

pub fn response(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![pair("content-type", "application/json; charset=UTF-8")],
        body: body.as_bytes().to_vec(),
    }
}
