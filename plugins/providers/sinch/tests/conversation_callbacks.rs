//! Conversation API callbacks: the signature check, then each inbound type and each delivery
//! status of the real-format fixtures in `tests/fixtures/` (providers.md §3.2).

mod common;

use common::{
    CONVERSATION, CONVERSATION_SMS, NONCE, RECEIVED_AT_MS, TIMESTAMP, WEBHOOK_SECRET, fixture,
    signature_headers, signed_webhook, sinch_signature, webhook,
};
use provider_sinch::Sinch;
use switchboard_sdk::provider::{
    Content, DeliveryState, DeliveryStatus, Event, InboundMessage, LimitKind, Provider, SendError,
    WebhookError, WebhookRequest, WebhookResult,
};

/// A body and its signature computed by hand (Python `hmac` and `openssl dgst -hmac`) from
/// Sinch's algorithm, with secret [`WEBHOOK_SECRET`], nonce [`NONCE`], timestamp [`TIMESTAMP`].
const VECTOR_BODY: &str = r#"{"app_id":"01EB37HMH1M6SV18ASNS3G135H","accepted_time":"2026-03-01T12:00:01Z","conversation_start_notification":{}}"#;
const VECTOR_SIGNATURE: &str = "X3633Tn/6a52XG4jeR4On8M/MvokJG8Nof8LoDKwp4o=";

fn handle(body: &[u8]) -> Result<WebhookResult, WebhookError> {
    Sinch::handle_webhook(CONVERSATION, signed_webhook(body))
}

fn inbound(name: &str) -> InboundMessage {
    let result = handle(&fixture(name)).expect("accepted");
    assert_eq!(result.response.status, 200);
    match result.events.as_slice() {
        [Event::Message(message)] => message.clone(),
        other => panic!("{name}: expected one message, got {other:?}"),
    }
}

fn status(name: &str) -> DeliveryStatus {
    let result = handle(&fixture(name)).expect("accepted");
    assert_eq!(result.response.status, 200);
    match result.events.as_slice() {
        [Event::Status(status)] => status.clone(),
        other => panic!("{name}: expected one status, got {other:?}"),
    }
}

#[test]
fn the_hand_computed_vector_matches_the_documented_algorithm_and_is_accepted() {
    let body = VECTOR_BODY.as_bytes();
    assert_eq!(
        sinch_signature(WEBHOOK_SECRET, body, NONCE, TIMESTAMP),
        VECTOR_SIGNATURE
    );
    let request = webhook(body, signature_headers(VECTOR_SIGNATURE, NONCE, TIMESTAMP));
    let result = Sinch::handle_webhook(CONVERSATION, request).expect("signature accepted");
    assert_eq!(result.response.status, 200);
    assert!(
        result.events.is_empty(),
        "a conversation start reports nothing"
    );
}

#[test]
fn the_raw_bytes_of_a_real_callback_are_signed() {
    let body = fixture("conversation_inbound_text.json");
    assert!(
        body.contains(&b'\n'),
        "the fixture keeps Sinch's formatting"
    );
    assert!(handle(&body).is_ok());
}

fn unauthorized(request: switchboard_sdk::provider::WebhookRequest) -> bool {
    matches!(
        Sinch::handle_webhook(CONVERSATION, request),
        Err(WebhookError::Unauthorized(_))
    )
}

#[test]
fn an_altered_body_nonce_or_timestamp_is_refused() {
    let body = fixture("conversation_inbound_text.json");
    let signature = sinch_signature(WEBHOOK_SECRET, &body, NONCE, TIMESTAMP);
    let mut altered = body.clone();
    let last = altered.len() - 3;
    altered[last] ^= 1;
    assert!(unauthorized(webhook(
        &altered,
        signature_headers(&signature, NONCE, TIMESTAMP)
    )));
    assert!(unauthorized(webhook(
        &body,
        signature_headers(&signature, "01FJA8B4A7BM43YGWSG9GBV068", TIMESTAMP)
    )));
    assert!(unauthorized(webhook(
        &body,
        signature_headers(&signature, NONCE, "1634579354")
    )));
    let other_secret = sinch_signature("another-secret", &body, NONCE, TIMESTAMP);
    assert!(unauthorized(webhook(
        &body,
        signature_headers(&other_secret, NONCE, TIMESTAMP)
    )));
    assert!(unauthorized(webhook(
        &body,
        signature_headers("not base64!", NONCE, TIMESTAMP)
    )));
}

#[test]
fn missing_signature_headers_are_refused() {
    let body = fixture("conversation_inbound_text.json");
    let signature = sinch_signature(WEBHOOK_SECRET, &body, NONCE, TIMESTAMP);
    for missing in [
        "x-sinch-webhook-signature",
        "x-sinch-webhook-signature-nonce",
        "x-sinch-webhook-signature-timestamp",
    ] {
        let headers = signature_headers(&signature, NONCE, TIMESTAMP)
            .into_iter()
            .filter(|h| h.name != missing)
            .collect();
        assert!(unauthorized(webhook(&body, headers)), "without {missing}");
    }
    assert!(unauthorized(webhook(&body, Vec::new())));
}

#[test]
fn a_callback_replayed_later_than_the_window_is_refused() {
    let on_time = signed_webhook(&fixture("conversation_inbound_text.json"));
    assert!(Sinch::handle_webhook(CONVERSATION, on_time.clone()).is_ok());
    for received_at_ms in [
        RECEIVED_AT_MS + 10 * 60 * 1000,
        RECEIVED_AT_MS - 10 * 60 * 1000,
    ] {
        let replayed = WebhookRequest {
            received_at_ms,
            ..on_time.clone()
        };
        assert!(unauthorized(replayed), "{received_at_ms}");
    }
}

#[test]
fn an_unreadable_config_asks_sinch_to_retry_instead_of_dropping_the_callback() {
    let request = signed_webhook(&fixture("conversation_inbound_text.json"));
    for config in ["{", r#"{"api": "conversation"}"#, r#"{"api": "wavy"}"#] {
        assert!(
            matches!(
                Sinch::handle_webhook(config, request.clone()),
                Err(WebhookError::Unavailable(_))
            ),
            "{config}"
        );
    }
}

#[test]
fn header_names_match_in_any_case() {
    let body = fixture("conversation_inbound_text.json");
    let signature = sinch_signature(WEBHOOK_SECRET, &body, NONCE, TIMESTAMP);
    let headers = signature_headers(&signature, NONCE, TIMESTAMP)
        .into_iter()
        .map(|mut h| {
            h.name = h.name.to_ascii_uppercase();
            h
        })
        .collect();
    assert!(Sinch::handle_webhook(CONVERSATION, webhook(&body, headers)).is_ok());
}

#[test]
fn without_a_webhook_secret_callbacks_are_not_checked() {
    let body = fixture("conversation_inbound_text.json");
    let result = Sinch::handle_webhook(CONVERSATION_SMS, webhook(&body, Vec::new()));
    assert_eq!(result.map(|r| r.events.len()), Ok(1));
}

#[test]
fn an_inbound_text_becomes_a_message_from_the_customers_number() {
    let message = inbound("conversation_inbound_text.json");
    assert_eq!(message.provider_message_id, "01FJ9WXZ2Z7T3K9D4YBQW0ZB6Q");
    assert_eq!(message.from.number.as_deref(), Some("+5491155550123"));
    assert_eq!(message.from.user_id, None);
    assert_eq!(message.to, "14155238886");
    assert_eq!(message.at_ms, 1_772_366_400_000);
    assert_eq!(
        message.content,
        Content::Text("Hola, necesito ayuda".into())
    );
    assert_eq!(message.reply_to, None);
}

#[test]
fn a_reply_to_an_earlier_message_names_it() {
    let message = inbound("conversation_inbound_reply.json");
    assert_eq!(message.content, Content::Text("Sí, ese pedido".into()));
    assert_eq!(
        message.reply_to.as_deref(),
        Some("01FJ9X1A2B3C4D5E6F7G8H9J0K")
    );
}

#[test]
fn inbound_media_is_a_reference_the_host_downloads() {
    let message = inbound("conversation_inbound_media.json");
    let Content::Media(media) = message.content else {
        panic!("media")
    };
    assert_eq!(
        media.locator,
        "https://media.conversation.api.sinch.com/01FJ9WZ5/factura.pdf"
    );
    assert_eq!(media.filename.as_deref(), Some("factura.pdf"));
    assert_eq!((media.mime_type, media.caption), (None, None));
}

#[test]
fn an_inbound_location_keeps_its_title_and_label() {
    let message = inbound("conversation_inbound_location.json");
    let Content::Location(location) = message.content else {
        panic!("location")
    };
    assert_eq!(
        (location.latitude, location.longitude),
        (-34.603722, -58.381592)
    );
    assert_eq!(location.name.as_deref(), Some("Obelisco"));
    assert_eq!(
        location.address.as_deref(),
        Some("Av. 9 de Julio s/n, CABA")
    );
}

#[test]
fn a_choice_response_is_a_choice_reply_to_the_message_that_offered_it() {
    let message = inbound("conversation_inbound_choice_response.json");
    let Content::ChoiceReply(choice) = message.content else {
        panic!("choice")
    };
    assert_eq!(choice.id, "billing");
    assert_eq!(
        message.reply_to.as_deref(),
        Some("01FJ9X1A2B3C4D5E6F7G8H9J0K")
    );
}

#[test]
fn a_contact_card_is_a_shared_contact() {
    let message = inbound("conversation_inbound_contact_info.json");
    let Content::Contacts(contacts) = message.content else {
        panic!("contacts")
    };
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].name, "Juan Pérez");
    assert_eq!(contacts[0].phones, ["+5491155550999"]);
    assert_eq!(contacts[0].emails, ["juan@example.com"]);
}

#[test]
fn an_unknown_inbound_type_is_kept_as_unsupported() {
    let message = inbound("conversation_inbound_unknown.json");
    assert_eq!(message.content, Content::Unsupported("fallback".into()));
    assert_eq!(message.provider_message_id, "01FJ9X4K5L6M7N8P9Q0R1S2T3V");
}

#[test]
fn delivery_reports_become_statuses_with_the_hosts_message_id() {
    for (name, state) in [
        ("conversation_delivery_queued.json", DeliveryState::Sent),
        (
            "conversation_delivery_delivered.json",
            DeliveryState::Delivered,
        ),
        ("conversation_delivery_read.json", DeliveryState::Read),
    ] {
        let status = status(name);
        assert_eq!(status.state, state, "{name}");
        assert_eq!(status.provider_message_id, "01FJA0B1C2D3E4F5G6H7J8K9M0");
        assert_eq!(status.message_id, Some(4242));
        assert_eq!(status.at_ms, 1_772_367_000_500);
        assert_eq!(status.error, None);
        let recipient = status.recipient.expect("recipient");
        assert_eq!(recipient.number.as_deref(), Some("+5491155550123"));
    }
}

#[test]
fn without_a_correlation_id_the_metadata_carries_the_hosts_message_id() {
    let body = String::from_utf8(fixture("conversation_delivery_delivered.json"))
        .expect("utf-8")
        .replace(r#""correlation_id":"4242","#, "")
        .replace(r#""metadata":"""#, r#""metadata":"4242""#)
        .replace(
            r#""processing_mode":"CONVERSATION""#,
            r#""processing_mode":"DISPATCH""#,
        );
    assert!(!body.contains("correlation_id"));
    match handle(body.as_bytes()).expect("accepted").events.as_slice() {
        [Event::Status(status)] => assert_eq!(status.message_id, Some(4242)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_delivery_outside_the_window_is_window_closed() {
    let status = status("conversation_delivery_failed.json");
    assert_eq!(status.state, DeliveryState::Failed);
    match status.error {
        Some(SendError::WindowClosed(f)) => {
            assert_eq!(f.code, "OUTSIDE_ALLOWED_SENDING_WINDOW");
            assert_eq!(f.message, "The 24 hour customer care window has expired");
        }
        other => panic!("{other:?}"),
    }
}

/// The failed fixture with another reason code.
fn failed_with(code: &str) -> Option<SendError> {
    let body = String::from_utf8(fixture("conversation_delivery_failed.json"))
        .expect("utf-8")
        .replace("OUTSIDE_ALLOWED_SENDING_WINDOW", code);
    match handle(body.as_bytes()).expect("accepted").events.as_slice() {
        [Event::Status(status)] => status.error.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_failure_reason_has_its_kind() {
    let kind = |code: &str| match failed_with(code) {
        Some(SendError::WindowClosed(_)) => "window-closed",
        Some(SendError::BadRecipient(_)) => "bad-recipient",
        Some(SendError::Unsubscribed(_)) => "unsubscribed",
        Some(SendError::ProviderLimit(l)) if l.kind == LimitKind::Throughput => "throughput",
        Some(SendError::Retryable(_)) => "retryable",
        Some(SendError::Permanent(_)) => "permanent",
        other => panic!("{code}: {other:?}"),
    };
    for (code, expected) in [
        ("RECIPIENT_NOT_REACHABLE", "bad-recipient"),
        ("RECIPIENT_INVALID_CHANNEL_IDENTITY", "bad-recipient"),
        ("RECIPIENT_NOT_OPTED_IN", "unsubscribed"),
        ("RATE_LIMITED", "throughput"),
        ("CHANNEL_FAILURE", "retryable"),
        ("TEMPLATE_NOT_FOUND", "permanent"),
        ("TEMPLATE_INSUFFICIENT_PARAMETERS", "permanent"),
        ("MEDIA_NOT_REACHABLE", "permanent"),
        ("DELIVERY_REJECTED_DUE_TO_POLICY", "permanent"),
        ("UNKNOWN", "permanent"),
    ] {
        assert_eq!(kind(code), expected, "{code}");
    }
}

#[test]
fn switching_channel_and_other_triggers_are_acknowledged_without_events() {
    for name in [
        "conversation_delivery_switching.json",
        "conversation_conversation_start.json",
    ] {
        let result = handle(&fixture(name)).expect("accepted");
        assert_eq!(result.response.status, 200);
        assert!(result.events.is_empty(), "{name}");
    }
}

#[test]
fn unreadable_or_foreign_callbacks_are_malformed() {
    let malformed = |body: &str| matches!(handle(body.as_bytes()), Err(WebhookError::Malformed(_)));
    assert!(malformed("not json"));
    assert!(malformed("[1, 2]"));
    assert!(malformed(r#"{"app_id":"01OTHERAPP","message":{"id":"x"}}"#));
    assert!(malformed(
        r#"{"message":{"channel_identity":{"identity":"5491155550123"}}}"#
    ));
    assert!(malformed(
        r#"{"message_delivery_report":{"status":"DELIVERED"}}"#
    ));
    let mut get = signed_webhook(b"{}");
    get.method = "GET".into();
    assert!(matches!(
        Sinch::handle_webhook(CONVERSATION, get),
        Err(WebhookError::Malformed(_))
    ));
}
