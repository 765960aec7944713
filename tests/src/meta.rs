//! The WhatsApp Cloud API as tests need it: a connector bound to a mock Graph API, and signed
//! webhook payloads in Meta's real format.

use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::mock::{MockProvider, Recorded, Reply};
use crate::server::TestServer;

/// The phone number id of the test connector.
pub const PHONE_NUMBER_ID: &str = "106540352242922";
/// Its business number.
pub const BUSINESS_NUMBER: &str = "+5491155550100";
/// The app secret webhooks are signed with.
pub const APP_SECRET: &str = "test-app-secret";
/// The access token the Graph mock expects.
pub const ACCESS_TOKEN: &str = "test-access-token";
/// The verification token.
pub const VERIFY_TOKEN: &str = "verify-me";

/// A Graph API mock answering every send with `wamid.<n>`, checking auth and format as Meta.
pub async fn graph_mock() -> MockProvider {
    MockProvider::start(std::sync::Arc::new(|n, request: &Recorded| {
        graph_answer(n, request)
    }))
    .await
}

/// What Graph answers a send: 401 without the token, 400 without `messaging_product`.
pub fn graph_answer(n: usize, request: &Recorded) -> Reply {
    if request.header("authorization") != Some(&format!("Bearer {ACCESS_TOKEN}")) {
        return Reply::new(
            401,
            r#"{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}"#,
        );
    }
    let body = request.json();
    if body["messaging_product"] != "whatsapp"
        || !request
            .uri
            .ends_with(&format!("/{PHONE_NUMBER_ID}/messages"))
    {
        return Reply::new(
            400,
            r#"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#,
        );
    }
    let to = body["to"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches('+')
        .to_owned();
    Reply::new(
        200,
        json!({"messaging_product":"whatsapp","contacts":[{"input":to,"wa_id":to}],"messages":[{"id":format!("wamid.test-{n}")}]}).to_string(),
    )
}

/// Creates the whatsapp-cloud connector against `graph`; returns `(id, webhook URL)`.
pub async fn connector(server: &TestServer, graph: &MockProvider) -> (i64, String) {
    let response = server
        .admin(reqwest::Method::POST, "/api/v1/connectors")
        .json(&json!({
            "name": "meta",
            "plugin": "whatsapp-cloud",
            "config": {
                "phone_number_id": PHONE_NUMBER_ID,
                "access_token": ACCESS_TOKEN,
                "app_secret": APP_SECRET,
                "verify_token": VERIFY_TOKEN,
                "graph_base_url": graph.url,
            },
            "numbers": [BUSINESS_NUMBER],
        }))
        .send()
        .await
        .expect("create connector");
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let view: Value = response.json().await.expect("json");
    let id = view["id"].as_i64().expect("id");
    (id, view["webhook_url"].as_str().expect("url").to_owned())
}

/// A text message from `from` (digits, no `+`) with id `wamid`.
pub fn text_message(wamid: &str, from: &str, text: &str) -> String {
    let message = json!({"from": from, "id": wamid, "timestamp": now_s(), "type": "text", "text": {"body": text}});
    envelope(
        json!({"contacts": [{"profile": {"name": "Ana"}, "wa_id": from}], "messages": [message]}),
    )
}

/// An image message whose media id is `media_id`.
pub fn image_message(wamid: &str, from: &str, media_id: &str) -> String {
    let message = json!({"from": from, "id": wamid, "timestamp": now_s(), "type": "image",
        "image": {"id": media_id, "mime_type": "image/jpeg", "sha256": "x", "caption": "mi comprobante"}});
    envelope(
        json!({"contacts": [{"profile": {"name": "Ana"}, "wa_id": from}], "messages": [message]}),
    )
}

/// The bytes the Graph mock serves for every media download: a JPEG's first bytes.
pub const MEDIA_BYTES: &[u8] = b"\xFF\xD8\xFF\xE0fake-jpeg-for-tests";

/// A Graph mock that also serves media: `GET /v25.0/<id>` gives the download URL (with the
/// token), `GET /dl/<id>` the file (with the token).
pub async fn graph_mock_with_media() -> MockProvider {
    MockProvider::start(std::sync::Arc::new(|n, request: &Recorded| {
        if request.method != "GET" {
            return graph_answer(n, request);
        }
        if request.header("authorization") != Some(&format!("Bearer {ACCESS_TOKEN}")) {
            return Reply::new(401, r#"{"error":{"message":"Invalid OAuth access token","code":190}}"#);
        }
        let host = request.header("host").unwrap_or_default().to_owned();
        match request.uri.rsplit_once('/') {
            Some((prefix, _)) if prefix.ends_with("/dl") => Reply::bytes(200, "image/jpeg", MEDIA_BYTES.to_vec()),
            Some((_, id)) => Reply::new(
                200,
                json!({"url": format!("http://{host}/dl/{id}"), "mime_type": "image/jpeg", "sha256": "x", "file_size": MEDIA_BYTES.len(), "id": id, "messaging_product": "whatsapp"}).to_string(),
            ),
            None => Reply::new(404, "{}"),
        }
    }))
    .await
}

/// A message of a type no adapter translates.
pub fn order_message(wamid: &str, from: &str) -> String {
    let message = json!({"from": from, "id": wamid, "timestamp": now_s(), "type": "order",
        "order": {"catalog_id": "1", "product_items": [{"product_retailer_id": "sku", "quantity": 1, "item_price": 10, "currency": "USD"}]}});
    envelope(
        json!({"contacts": [{"profile": {"name": "Ana"}, "wa_id": from}], "messages": [message]}),
    )
}

/// A template review result, as Meta posts it to the `message_template_status_update` field.
pub fn template_review(name: &str, language: &str, event: &str, reason: &str) -> String {
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "time": 1763700000,
        "changes": [{"field": "message_template_status_update", "value": {
            "event": event, "message_template_id": 594425479261596_u64, "message_template_name": name,
            "message_template_language": language, "reason": reason}}]}]})
    .to_string()
}

/// A status for a sent message.
pub fn status(wamid: &str, state: &str, recipient: &str) -> String {
    envelope(
        json!({"statuses": [{"id": wamid, "status": state, "timestamp": now_s(), "recipient_id": recipient}]}),
    )
}

/// Unix seconds now, as Meta writes timestamps: the window counts from them.
fn now_s() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.as_secs().to_string()
}

fn envelope(value: Value) -> String {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"display_phone_number": BUSINESS_NUMBER.trim_start_matches('+'), "phone_number_id": PHONE_NUMBER_ID});
    json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}).to_string()
}

/// `X-Hub-Signature-256` for `body`.
pub fn signature(body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(APP_SECRET.as_bytes()).expect("any key length");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// A customer message with id `wamid` delivered to `url`; fails the test unless it is taken.
pub async fn customer_says(client: &reqwest::Client, url: &str, wamid: &str, text: &str) {
    let body = text_message(wamid, CUSTOMER, text);
    assert_eq!(post(client, url, &body).await, 200, "{wamid}: {text}");
}

/// The customer of these tests (digits, as Meta writes `wa_id`).
pub const CUSTOMER: &str = "5491166660001";

/// Posts a signed webhook; returns the status.
pub async fn post(client: &reqwest::Client, url: &str, body: &str) -> u16 {
    client
        .post(url)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", signature(body))
        .body(body.to_owned())
        .send()
        .await
        .expect("post webhook")
        .status()
        .as_u16()
}
