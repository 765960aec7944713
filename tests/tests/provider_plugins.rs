//! Provider adapters through the real host: install, capabilities, a signed webhook with a
//! real-format payload, a refused forgery, the verification challenge, and a send request.

use switchboard::plugins::bindings::common::{ContactAddress, Content, Pair};
use switchboard::plugins::provider::{self, Event, Outbound, WebhookError, WebhookRequest};
use switchboard_tests::host::{TestHost, guest_wasm};

/// providers.md's composed Meta vector: the app secret, and the signature of `text.json`.
const APP_SECRET: &str = "d41d8cd98f00b204e9800998ecf8427e";
const SIGNATURE: &str = "sha256=a5e53727b2f5d090495f438af4a651e260927ea1705f60769b3b0f5302a8b89a";
const PHONE_NUMBER_ID: &str = "106540352242922";

fn config() -> String {
    serde_json::json!({
        "phone_number_id": PHONE_NUMBER_ID,
        "access_token": "EAAG-token",
        "app_secret": APP_SECRET,
        "verify_token": "switchboard-verify",
    })
    .to_string()
}

fn text_fixture() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../plugins/providers/whatsapp-cloud/tests/fixtures/text.json"
    );
    std::fs::read(path).expect("fixture")
}

fn request(method: &str, url: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> WebhookRequest {
    WebhookRequest {
        method: method.into(),
        url: url.into(),
        headers: headers
            .iter()
            .map(|(name, value)| Pair {
                name: (*name).into(),
                value: (*value).into(),
            })
            .collect(),
        body,
        peer_addr: "173.252.88.1".into(),
        received_at_ms: 1_763_700_000_000,
    }
}

#[tokio::test]
async fn a_signed_meta_webhook_becomes_a_message_and_a_forgery_is_refused() {
    let host = TestHost::start().await;
    host.registry
        .install(guest_wasm("provider-whatsapp-cloud"), true)
        .await
        .expect("installs");
    let plugin = host.registry.active("whatsapp-cloud").expect("active");
    let limits = host.registry.limits().provider;
    let config = config();
    host.registry
        .validate_config("whatsapp-cloud", &config)
        .expect("config fits the schema");

    let capabilities = provider::capabilities(&host.runtime, &plugin, limits, &config)
        .await
        .expect("answers")
        .expect("the config is valid");
    assert!(capabilities.signed_webhooks);
    assert_eq!(capabilities.session_window_ms, Some(24 * 3600 * 1000));

    let url = "https://cc.example.com/hooks/meta";
    let signed = request(
        "POST",
        url,
        text_fixture(),
        &[("X-Hub-Signature-256", SIGNATURE)],
    );
    let result = provider::handle_webhook(&host.runtime, &plugin, limits, &config, &signed)
        .await
        .expect("no trap")
        .expect("accepted");
    assert_eq!(result.response.status, 200);
    let [Event::Message(message)] = result.events.as_slice() else {
        panic!("expected one message, got {:?}", result.events);
    };
    assert!(
        matches!(message.content, Content::Text(_)),
        "{:?}",
        message.content
    );
    assert!(
        message
            .from
            .number
            .as_deref()
            .is_some_and(|n| n.starts_with('+')),
        "E.164: {:?}",
        message.from
    );

    let mut forged = text_fixture();
    let last = forged.len() - 2;
    forged[last] ^= 1;
    let forged = request("POST", url, forged, &[("X-Hub-Signature-256", SIGNATURE)]);
    let refused = provider::handle_webhook(&host.runtime, &plugin, limits, &config, &forged)
        .await
        .expect("no trap");
    assert!(
        matches!(refused, Err(WebhookError::Unauthorized(_))),
        "{refused:?}"
    );

    let challenge = format!(
        "{url}?hub.mode=subscribe&hub.verify_token=switchboard-verify&hub.challenge=1158201444"
    );
    let verified = provider::handle_webhook(
        &host.runtime,
        &plugin,
        limits,
        &config,
        &request("GET", &challenge, Vec::new(), &[]),
    )
    .await
    .expect("no trap")
    .expect("verified");
    assert_eq!(
        (verified.response.status, verified.response.body.as_slice()),
        (200, b"1158201444".as_slice())
    );
}

#[tokio::test]
async fn a_send_request_is_built_for_the_cloud_api() {
    let host = TestHost::start().await;
    host.registry
        .install(guest_wasm("provider-whatsapp-cloud"), true)
        .await
        .expect("installs");
    let plugin = host.registry.active("whatsapp-cloud").expect("active");
    let message = Outbound {
        message_id: 42,
        from: "+15550001111".into(),
        to: ContactAddress {
            number: Some("+5511987654321".into()),
            user_id: None,
            display_name: None,
        },
        content: Content::Text("hello".into()),
        reply_to: None,
        channel_slot: 0,
        status_callback_url: None,
    };
    let limits = host.registry.limits().provider;
    let request = provider::prepare_send(&host.runtime, &plugin, limits, &config(), None, &message)
        .await
        .expect("no trap")
        .expect("builds");
    assert_eq!(request.method, "POST");
    assert!(
        request
            .url
            .ends_with(&format!("/{PHONE_NUMBER_ID}/messages")),
        "{}",
        request.url
    );
    assert!(request.headers.iter().any(|h| h.name.eq_ignore_ascii_case("authorization") && h.value == "Bearer EAAG-token"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("JSON body");
    assert_eq!(body["to"], "5511987654321");
    assert_eq!(body["text"]["body"], "hello");
}

#[tokio::test]
async fn every_provider_adapter_installs_with_a_valid_schema() {
    let host = TestHost::start().await;
    for (file, name) in [
        ("provider-twilio", "twilio"),
        ("provider-whatsapp-cloud", "whatsapp-cloud"),
        ("provider-sinch", "sinch"),
        ("provider-http-gateway", "http-gateway"),
    ] {
        let view = host
            .registry
            .install(guest_wasm(file), true)
            .await
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(view.name, name);
        assert_eq!(view.kind, switchboard::plugins::PluginKind::Provider);
    }
}
