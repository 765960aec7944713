//! Property tests: no input makes the adapter panic (a panic traps the guest). Signed bodies
//! get a valid signature so the parser itself is exercised, not only the signature check.

mod common;

use common::*;
use proptest::prelude::*;
use proptest::sample::select;
use provider_whatsapp_cloud::{WhatsAppCloud, signature};
use serde_json::{Value, json};
use switchboard_sdk::provider::*;

/// Message types and states the parser knows, and other words it looks for, so random JSON
/// often takes the interesting branches.
const TYPES: &[&str] = &[
    "text",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "location",
    "contacts",
    "interactive",
    "button_reply",
    "list_reply",
    "nfm_reply",
    "button",
    "reaction",
    "unsupported",
    "order",
];
const STATES: &[&str] = &["sent", "delivered", "read", "played", "failed", "deleted"];
const WORDS: &[&str] = &[
    "whatsapp_business_account",
    "messages",
    "message_template_status_update",
    PHONE_NUMBER_ID,
    "102290129340398",
    "16505551234",
    "US.13491208655302741918",
    "switchboard:42",
    "switchboard:",
    "1749416383",
    "131047",
    "",
    "wamid.x",
    "APPROVED",
    "NONE",
];

const KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "changes",
    "field",
    "value",
    "metadata",
    "phone_number_id",
    "display_phone_number",
    "contacts",
    "profile",
    "name",
    "wa_id",
    "user_id",
    "messages",
    "statuses",
    "errors",
    "from",
    "from_user_id",
    "timestamp",
    "type",
    "context",
    "text",
    "body",
    "image",
    "mime_type",
    "caption",
    "filename",
    "location",
    "latitude",
    "longitude",
    "interactive",
    "button_reply",
    "list_reply",
    "title",
    "description",
    "button",
    "payload",
    "reaction",
    "message_id",
    "emoji",
    "status",
    "recipient_id",
    "biz_opaque_callback_data",
    "code",
    "error_data",
    "details",
    "event",
    "message_template_name",
    "reason",
    "other_info",
    "formatted_name",
    "phones",
    "phone",
    "emails",
    "email",
    "messages",
    "url",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
        select(WORDS).prop_map(Value::from),
        select(TYPES).prop_map(Value::from),
        select(STATES).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let key = prop_oneof![select(KEYS).prop_map(str::to_owned), any::<String>()];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Mostly one of `words`, sometimes anything.
fn mostly(words: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![3 => select(words).prop_map(Value::from), 1 => json_value()]
}

/// A message item: a real type, random body and fields.
fn message_item() -> impl Strategy<Value = Value> {
    (
        select(TYPES),
        json_value(),
        mostly(&["wamid.a", "wamid.b"]),
        mostly(&["16505551234", "US.13491208655302741918", "+1", "x"]),
        json_value(),
        json_value(),
    )
        .prop_map(|(kind, body, id, from, timestamp, context)| {
            json!({"id": id, "from": from, "timestamp": timestamp, "type": kind,
                kind: body, "context": context})
        })
}

/// A status item: a real state, random fields.
fn status_item() -> impl Strategy<Value = Value> {
    let id = mostly(&["wamid.a", "wamid.b"]);
    (select(STATES), id, json_value(), json_value(), json_value()).prop_map(
        |(state, id, recipient, errors, tracker)| {
            json!({"id": id, "status": state, "timestamp": "1", "recipient_id": recipient,
                "errors": errors, "biz_opaque_callback_data": tracker})
        },
    )
}

/// An envelope of the right shape whose items are random.
fn envelope() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(message_item(), 0..4),
        prop::collection::vec(status_item(), 0..4),
        json_value(),
        json_value(),
    )
        .prop_map(|(messages, statuses, contacts, template)| {
            json!({"object": "whatsapp_business_account", "entry": [{"id": "102290129340398",
                "changes": [
                    {"field": "messages", "value": {"messaging_product": "whatsapp",
                        "metadata": {"display_phone_number": "15550783881",
                            "phone_number_id": PHONE_NUMBER_ID},
                        "contacts": contacts, "messages": messages, "statuses": statuses}},
                    {"field": "message_template_status_update", "value": template}]}]})
        })
}

fn header() -> impl Strategy<Value = Pair> {
    let name = prop_oneof![
        select(&["X-Hub-Signature-256", "x-hub-signature-256", "Content-Type"][..])
            .prop_map(str::to_owned),
        any::<String>(),
    ];
    let value = prop_oneof![
        any::<String>(),
        "[0-9a-f]{64}".prop_map(|hex| format!("sha256={hex}")),
    ];
    (name, value).prop_map(|(name, value)| Pair { name, value })
}

fn check_events(events: &[Event]) {
    for event in events {
        match event {
            Event::Message(m) => {
                assert!(!m.provider_message_id.is_empty());
                assert!(m.from.number.is_some() || m.from.user_id.is_some());
            }
            Event::Status(s) => assert!(!s.provider_message_id.is_empty()),
            Event::Template(_) => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_request_is_answered_without_panic(
        method in prop_oneof![select(&["GET", "POST", "get", "PUT"][..]).prop_map(str::to_owned), any::<String>()],
        url in prop_oneof![
            any::<String>(),
            any::<String>().prop_map(|q| format!("{WEBHOOK_URL}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge={q}")),
        ],
        headers in prop::collection::vec(header(), 0..4),
        body in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let request = WebhookRequest {
            method, url, headers, body, peer_addr: String::new(), received_at_ms: 0,
        };
        let _ = WhatsAppCloud::handle_webhook(&config(), request);
    }

    #[test]
    fn any_signed_json_is_acknowledged(value in json_value()) {
        let body = value.to_string().into_bytes();
        let result = WhatsAppCloud::handle_webhook(&config(), signed(&body));
        let result = result.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        prop_assert_eq!(result.response.status, 200);
        check_events(&result.events);
    }

    #[test]
    fn any_signed_envelope_is_acknowledged(value in envelope()) {
        let body = value.to_string().into_bytes();
        let result = WhatsAppCloud::handle_webhook(&config(), signed(&body));
        let result = result.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        check_events(&result.events);
    }

    #[test]
    fn any_signed_bytes_are_answered_without_panic(body in prop::collection::vec(any::<u8>(), 0..512)) {
        let header = signature::header_value(APP_SECRET, &body);
        let request = post(&body, vec![pair("X-Hub-Signature-256", &header)]);
        let _ = WhatsAppCloud::handle_webhook(&config(), request);
    }

    #[test]
    fn any_response_is_read_without_panic(
        status in any::<u16>(),
        content_type in prop_oneof![Just("application/json".to_owned()), any::<String>()],
        value in json_value(),
        raw in prop::collection::vec(any::<u8>(), 0..64),
        as_json in any::<bool>(),
        step in 0u8..3,
        location in any::<String>(),
    ) {
        let body = if as_json { value.to_string().into_bytes() } else { raw };
        let headers = vec![pair("content-type", &content_type), pair("location", &location)];
        let response = HttpResponse { status, headers, body };
        let _ = WhatsAppCloud::read_send_response(&config(), outbound(Content::Text("x".into())), response.clone());
        let request = WhatsAppCloud::prepare_media_fetch(&config(), None, "1").expect("request");
        let _ = WhatsAppCloud::read_media_fetch(&config(), None, step, request, response);
    }
}
