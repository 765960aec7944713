//! `X-Hub-Signature-256` on the raw body (providers.md §2.5 and the composed test vector).

mod common;

use common::*;
use provider_whatsapp_cloud::{WhatsAppCloud, signature};
use switchboard_sdk::provider::{Provider, WebhookError};

const VECTOR: &str = "sha256=a5e53727b2f5d090495f438af4a651e260927ea1705f60769b3b0f5302a8b89a";

fn verdict(
    body: &[u8],
    headers: Vec<switchboard_sdk::provider::Pair>,
) -> Result<usize, WebhookError> {
    WhatsAppCloud::handle_webhook(&config(), post(body, headers)).map(|r| r.events.len())
}

#[test]
fn the_composed_meta_vector_verifies() {
    let body = fixture("text.json");
    assert_eq!(signature::header_value(APP_SECRET, &body), VECTOR);
    assert_eq!(
        verdict(&body, vec![pair("X-Hub-Signature-256", VECTOR)]),
        Ok(1)
    );
    // Header names are case-insensitive.
    assert_eq!(
        verdict(&body, vec![pair("x-hub-signature-256", VECTOR)]),
        Ok(1)
    );
}

#[test]
fn a_one_byte_change_of_the_body_is_rejected() {
    let mut body = fixture("text.json");
    let at = body.len() / 2;
    body[at] ^= 0x01;
    assert!(matches!(
        verdict(&body, vec![pair("X-Hub-Signature-256", VECTOR)]),
        Err(WebhookError::Unauthorized(_))
    ));
}

#[test]
fn a_reserialised_body_is_rejected() {
    // Meta's bytes, not an equivalent JSON: a parser that re-encodes would fail this.
    let body = fixture("text.json");
    let value: serde_json::Value = serde_json::from_slice(&body).expect("json");
    let pretty = serde_json::to_vec_pretty(&value).expect("json");
    assert!(verdict(&pretty, vec![pair("X-Hub-Signature-256", VECTOR)]).is_err());
}

#[test]
fn a_wrong_secret_is_rejected() {
    let body = fixture("text.json");
    let forged = signature::header_value("d41d8cd98f00b204e9800998ecf8427f", &body);
    assert!(matches!(
        verdict(&body, vec![pair("X-Hub-Signature-256", &forged)]),
        Err(WebhookError::Unauthorized(_))
    ));
}

#[test]
fn a_missing_header_is_rejected() {
    let body = fixture("text.json");
    assert!(matches!(
        verdict(&body, vec![]),
        Err(WebhookError::Unauthorized(_))
    ));
    // The SHA-1 header of the old Graph webhooks is not enough.
    let sha1 = pair(
        "X-Hub-Signature",
        "sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
    );
    assert!(matches!(
        verdict(&body, vec![sha1]),
        Err(WebhookError::Unauthorized(_))
    ));
}

#[test]
fn malformed_headers_are_rejected() {
    let body = fixture("text.json");
    let hex = &VECTOR["sha256=".len()..];
    for value in [
        hex.to_owned(),
        format!("sha1={hex}"),
        format!("sha256={}", &hex[1..]),
        format!("sha256={hex}00"),
        format!("sha256={}z", &hex[1..]),
        "sha256=".to_owned(),
        String::new(),
    ] {
        assert!(
            matches!(
                verdict(&body, vec![pair("X-Hub-Signature-256", &value)]),
                Err(WebhookError::Unauthorized(_))
            ),
            "{value}"
        );
    }
}

#[test]
fn uppercase_hex_is_the_same_signature() {
    let body = fixture("text.json");
    let upper = format!("sha256={}", VECTOR["sha256=".len()..].to_uppercase());
    assert_eq!(
        verdict(&body, vec![pair("X-Hub-Signature-256", &upper)]),
        Ok(1)
    );
}

#[test]
fn a_signed_body_that_is_not_json_is_malformed() {
    assert!(matches!(
        WhatsAppCloud::handle_webhook(&config(), signed(b"not json")),
        Err(WebhookError::Malformed(_))
    ));
}
