//! The GET verification challenge (providers.md §2.1).

mod common;

use common::*;
use provider_whatsapp_cloud::WhatsAppCloud;
use switchboard_sdk::provider::{Provider, WebhookError, WebhookRequest};

fn get(query: &str) -> WebhookRequest {
    let url = format!("{WEBHOOK_URL}?{query}");
    switchboard_sdk::testing::webhook_request("GET", &url, Vec::new(), b"")
}

#[test]
fn the_right_verify_token_gets_the_challenge_back_as_plain_text() {
    let request =
        get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=switchboard-verify");
    let result = WhatsAppCloud::handle_webhook(&config(), request).expect("verified");
    assert_eq!(result.response.status, 200);
    assert_eq!(result.response.body, b"1158201444");
    let content_type = result
        .response
        .headers
        .iter()
        .find(|h| h.name == "content-type");
    assert!(content_type.is_some_and(|h| h.value.starts_with("text/plain")));
    assert!(result.events.is_empty());
}

#[test]
fn a_wrong_verify_token_is_unauthorized() {
    for query in [
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess",
        "hub.mode=subscribe&hub.challenge=1158201444",
        "hub.mode=other&hub.challenge=1158201444&hub.verify_token=switchboard-verify",
        "",
    ] {
        assert!(
            matches!(
                WhatsAppCloud::handle_webhook(&config(), get(query)),
                Err(WebhookError::Unauthorized(_))
            ),
            "{query}"
        );
    }
}

#[test]
fn a_bad_connector_config_is_unavailable_instead_of_accepting() {
    let request = get("hub.mode=subscribe&hub.challenge=1&hub.verify_token=");
    assert!(matches!(
        WhatsAppCloud::handle_webhook(r#"{"phone_number_id": "1"}"#, request),
        Err(WebhookError::Unavailable(_))
    ));
}
