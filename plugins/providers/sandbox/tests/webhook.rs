//! Webhook calls from the engine's sandbox: messages, statuses and template reviews, content of
//! unknown types kept, the liveness check, and every malformed call refused with its field
//! named.

mod common;

use common::*;
use provider_sandbox::{RAW_ATTRIBUTE, Sandbox};
use serde_json::{Value, json};
use switchboard_sdk::http::pair;
use switchboard_sdk::provider::*;
use switchboard_sdk::testing::webhook_request;

fn status(event: Value) -> DeliveryStatus {
    match deliver(json!([event])).expect("accepted").events.as_slice() {
        [Event::Status(status)] => status.clone(),
        other => panic!("one status expected, got {other:?}"),
    }
}

fn malformed(events: Value) -> String {
    match deliver(events) {
        Err(WebhookError::Malformed(why)) => why,
        other => panic!("malformed expected, got {other:?}"),
    }
}

#[test]
fn a_call_is_answered_ok_as_json() {
    let result = deliver(json!([])).expect("accepted");
    assert_eq!(result.response.status, 200);
    assert_eq!(
        result.response.headers,
        [pair("Content-Type", "application/json")]
    );
    assert_eq!(result.response.body, br#"{"ok":true}"#);
    assert!(result.events.is_empty());
}

#[test]
fn a_message_names_its_customer_business_number_and_time() {
    let message = one_message(json!([message_event(
        json!({"type": "text", "text": "Hola"})
    )]));
    assert_eq!(
        message,
        InboundMessage {
            provider_message_id: "in-1".into(),
            from: ContactAddress {
                number: Some("+5491155550123".into()),
                user_id: None,
                display_name: Some("Ana".into()),
            },
            to: "+15550100".into(),
            at_ms: 1_700_000_000_000,
            content: Content::Text("Hola".into()),
            reply_to: None,
            attachments: vec![],
            attributes: vec![],
        }
    );
}

#[test]
fn a_message_may_carry_a_reply_attachments_and_attributes_and_omit_its_time() {
    let message = one_message(json!([{"type": "message", "id": "in-2",
        "from": {"user_id": "AR.1349"}, "to": "+15550100", "reply_to": "sb-41",
        "content": {"type": "media", "url": "https://files.test/1.jpg"},
        "attachments": [{"url": "https://files.test/2.png", "mime_type": "image/png"}],
        "attributes": {"referral.ctwa-clid": "ARAkLk"}}]));
    assert_eq!(message.at_ms, 0, "unknown: the host uses the receive time");
    assert_eq!(
        (message.from.number, message.from.user_id.as_deref()),
        (None, Some("AR.1349"))
    );
    assert_eq!(message.reply_to.as_deref(), Some("sb-41"));
    assert_eq!(
        message.attachments,
        [MediaRef {
            locator: "https://files.test/2.png".into(),
            mime_type: Some("image/png".into()),
            filename: None,
            caption: None,
        }]
    );
    assert_eq!(message.attributes, [pair("referral.ctwa-clid", "ARAkLk")]);
}

#[test]
fn content_of_an_unknown_type_is_unsupported_with_the_raw_event() {
    let event = message_event(json!({"type": "sticker", "url": "https://files.test/s.webp"}));
    let message = one_message(json!([event.clone()]));
    assert_eq!(message.content, Content::Unsupported("sticker".into()));
    let [raw] = message.attributes.as_slice() else {
        panic!("the raw attribute: {:?}", message.attributes)
    };
    assert_eq!(raw.name, RAW_ATTRIBUTE);
    assert_eq!(
        serde_json::from_str::<Value>(&raw.value).expect("JSON"),
        event
    );
}

#[test]
fn each_status_state_is_read_with_the_hosts_message_id() {
    for (state, expected) in [
        ("sent", DeliveryState::Sent),
        ("delivered", DeliveryState::Delivered),
        ("read", DeliveryState::Read),
    ] {
        let status = status(json!({"type": "status", "id": "sb-42", "state": state,
            "at_ms": 1_700_000_001_000u64, "message_id": 42}));
        assert_eq!(
            status,
            DeliveryStatus {
                provider_message_id: "sb-42".into(),
                state: expected,
                at_ms: 1_700_000_001_000,
                error: None,
                message_id: Some(42),
                recipient: None,
                aliases: vec![],
            }
        );
    }
}

#[test]
fn a_failed_status_is_window_closed_or_permanent() {
    let failed = |code: &str| {
        status(
            json!({"type": "status", "id": "sb-42", "state": "failed", "at_ms": 5,
            "error": {"code": code, "message": "no"}}),
        )
        .error
    };
    let failure = |code: &str| Failure {
        code: code.into(),
        message: "no".into(),
    };
    assert_eq!(
        failed("window-closed"),
        Some(SendError::WindowClosed(failure("window-closed")))
    );
    assert_eq!(
        failed("bad-recipient"),
        Some(SendError::Permanent(failure("bad-recipient")))
    );
    let without_error =
        status(json!({"type": "status", "id": "sb-42", "state": "failed", "at_ms": 5}));
    assert_eq!(
        (without_error.state, without_error.error),
        (DeliveryState::Failed, None)
    );
    let delivered_with_error = status(
        json!({"type": "status", "id": "sb-42", "state": "delivered",
        "at_ms": 5, "error": {"code": "x"}}),
    );
    assert_eq!(
        delivered_with_error.error, None,
        "only a failure has an error"
    );
}

#[test]
fn a_template_review_is_reported() {
    let result = deliver(json!([{"type": "template", "name": "order_update",
        "language": "es_AR", "status": "REJECTED", "reason": "INVALID_FORMAT"},
        {"type": "template", "name": "welcome", "language": "en", "status": "APPROVED"}]))
    .expect("accepted");
    assert_eq!(
        result.events,
        [
            Event::Template(TemplateStatus {
                name: "order_update".into(),
                language: "es_AR".into(),
                status: "REJECTED".into(),
                reason: Some("INVALID_FORMAT".into()),
            }),
            Event::Template(TemplateStatus {
                name: "welcome".into(),
                language: "en".into(),
                status: "APPROVED".into(),
                reason: None,
            }),
        ]
    );
}

#[test]
fn events_keep_their_order() {
    let result = deliver(json!([
        message_event(json!({"type": "text", "text": "1"})),
        {"type": "status", "id": "sb-1", "state": "read", "at_ms": 1},
        message_event(json!({"type": "text", "text": "2"})),
    ]))
    .expect("accepted");
    let kinds: Vec<&str> = result
        .events
        .iter()
        .map(|e| match e {
            Event::Message(_) => "message",
            Event::Status(_) => "status",
            Event::Template(_) => "template",
        })
        .collect();
    assert_eq!(kinds, ["message", "status", "message"]);
}

#[test]
fn a_get_is_a_liveness_check() {
    let result = Sandbox::handle_webhook(&config(), webhook_request("GET", HOOK, vec![], b""))
        .expect("alive");
    assert_eq!(
        (result.response.status, result.response.body.as_slice()),
        (200, b"sandbox".as_slice())
    );
    assert!(result.events.is_empty());
}

#[test]
fn other_methods_and_unreadable_bodies_are_malformed() {
    let call = |method: &str, body: &[u8]| {
        Sandbox::handle_webhook(&config(), webhook_request(method, HOOK, vec![], body))
    };
    for (method, body, named) in [
        ("PUT", &b"{}"[..], "PUT"),
        ("POST", b"not json", "not JSON"),
        ("POST", b"{}", "`events`"),
        ("POST", br#"{"events": {}}"#, "`events`"),
    ] {
        let result = call(method, body);
        assert!(
            matches!(&result, Err(WebhookError::Malformed(why)) if why.contains(named)),
            "{method} {body:?}: {result:?}"
        );
    }
}

#[test]
fn a_missing_or_wrong_field_is_named_with_its_event() {
    let text = || json!({"type": "text", "text": "x"});
    for (events, named) in [
        (json!([{"id": "in-1"}]), "events[0]: missing field `type`"),
        (
            json!([{"type": "call"}]),
            "events[0]: unknown variant `call`",
        ),
        (
            json!([message_event(text()), {"type": "message", "from": {"number": "+1"},
                "to": "+2", "content": text()}]),
            "events[1]: missing field `id`",
        ),
        (
            json!([{"type": "message", "id": "1", "from": {}, "to": "+2", "content": text()}]),
            "events[0].from: needs a `number` or a `user_id`",
        ),
        (
            json!([{"type": "message", "id": "1", "from": {"number": "+1"}, "to": "+2"}]),
            "missing field `content`",
        ),
        (
            json!([message_event(json!({"text": "no type"}))]),
            "events[0].content: missing field `type`",
        ),
        (
            json!([message_event(json!({"type": "text"}))]),
            "events[0].content: missing field `text`",
        ),
        (
            json!([message_event(
                json!({"type": "location", "latitude": "north"})
            )]),
            "events[0].content: invalid type",
        ),
        (
            json!([{"type": "message", "id": "1", "from": {"number": "+1"}, "to": "+2",
                "content": text(), "attributes": {"n": 1}}]),
            "events[0].attributes.n: not a string",
        ),
        (
            json!([{"type": "status", "id": "sb-1", "state": "read"}]),
            "events[0]: missing field `at_ms`",
        ),
        (
            json!([{"type": "status", "id": "sb-1", "state": "lost", "at_ms": 1}]),
            "unknown variant `lost`",
        ),
        (
            json!([{"type": "template", "name": "t", "status": "APPROVED"}]),
            "events[0]: missing field `language`",
        ),
    ] {
        let why = malformed(events.clone());
        assert!(why.contains(named), "{events}: {why}");
    }
}

#[test]
fn an_unreadable_config_asks_the_sandbox_to_retry() {
    let body = json!({"events": []}).to_string();
    let result = Sandbox::handle_webhook("{}", post(body.as_bytes()));
    assert!(matches!(result, Err(WebhookError::Unavailable(why)) if why.contains("outbox_url")));
}
