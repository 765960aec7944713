//! `handle_webhook` never panics, whatever arrives: arbitrary bytes and headers for every config,
//! and arbitrary JSON built from the field names both APIs use, validly signed, so the callback
//! parsers themselves are fuzzed and not only the signature check.

mod common;

use common::{CONVERSATION, CONVERSATION_SMS, WAVY, pair, signed_webhook, webhook};
use proptest::prelude::*;
use provider_sinch::Sinch;
use serde_json::{Map, Value};
use switchboard_sdk::provider::{Provider, WebhookRequest};

const CONFIGS: [&str; 4] = [CONVERSATION, CONVERSATION_SMS, WAVY, r#"{"api":"wavy"}"#];

const KEYS: &[&str] = &[
    "app_id",
    "message",
    "message_delivery_report",
    "contact_message",
    "text_message",
    "text",
    "media_message",
    "url",
    "filename_override",
    "media_card_message",
    "caption",
    "location_message",
    "coordinates",
    "latitude",
    "longitude",
    "title",
    "label",
    "choice_response_message",
    "message_id",
    "postback_data",
    "contact_info_message",
    "name",
    "full_name",
    "phone_numbers",
    "phone_number",
    "email_addresses",
    "email_address",
    "reply_to",
    "id",
    "channel_identity",
    "identity",
    "contact_id",
    "sender_id",
    "event_time",
    "accepted_time",
    "accept_time",
    "correlation_id",
    "status",
    "reason",
    "code",
    "description",
    "sub_code",
    "data",
    "total",
    "source",
    "origin",
    "userProfile",
    "type",
    "messageText",
    "mediaUrl",
    "mimeType",
    "location",
    "geoPoint",
    "address",
    "contacts",
    "phones",
    "phone",
    "emails",
    "email",
    "formatted_name",
    "first_name",
    "last_name",
    "receivedAt",
    "receivedDate",
    "correlationId",
    "destination",
    "sent",
    "sentStatusCode",
    "sentStatus",
    "sentAt",
    "sentDate",
    "delivered",
    "deliveredStatusCode",
    "deliveredStatus",
    "deliveredAt",
    "deliveredDate",
    "read",
    "readAt",
    "readDate",
    "updatedAt",
    "updatedDate",
];

const WORDS: &[&str] = &[
    "",
    "01EB37HMH1M6SV18ASNS3G135H",
    "5491155550123",
    "+5491155550123",
    "US.1349120865530",
    "QUEUED_ON_CHANNEL",
    "DELIVERED",
    "READ",
    "FAILED",
    "SWITCHING_CHANNEL",
    "OUTSIDE_ALLOWED_SENDING_WINDOW",
    "RATE_LIMITED",
    "UNSPECIFIED_SUB_CODE",
    "TEXT",
    "IMAGE",
    "DOCUMENT",
    "BUTTON",
    "2026-03-01T12:00:01.123Z",
    "2026-03-01T12:00:00+03:00",
    "9999-12-31T23:59:59.999999999Z",
    "1513616971473",
    "18446744073709551615",
    "4242",
    "-22.894180,-47.047960",
    "NaN,inf",
    ",",
    "true",
    "false",
    "210",
    "104",
    "é",
    "…",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(WORDS).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((proptest::sample::select(KEYS), inner), 0..6).prop_map(
                |fields| {
                    let map: Map<String, Value> =
                        fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
                    Value::Object(map)
                }
            ),
        ]
    })
}

/// An object at the top, as every callback is, so the payload parsers are reached.
fn callback() -> impl Strategy<Value = Value> {
    prop::collection::vec((proptest::sample::select(KEYS), json()), 0..6).prop_map(|fields| {
        Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    })
}

const HEADER_NAMES: &[&str] = &[
    "x-sinch-webhook-signature",
    "x-sinch-webhook-signature-nonce",
    "x-sinch-webhook-signature-timestamp",
    "x-sinch-webhook-signature-algorithm",
    "content-type",
    "retry-after",
];

fn request() -> impl Strategy<Value = WebhookRequest> {
    (
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec(
            (proptest::sample::select(HEADER_NAMES), any::<String>()),
            0..6,
        ),
        prop_oneof![Just("POST".to_owned()), any::<String>()],
    )
        .prop_map(|(body, headers, method)| {
            let headers = headers.into_iter().map(|(n, v)| pair(n, &v)).collect();
            let mut request = webhook(&body, headers);
            request.method = method;
            request
        })
}

proptest! {
    #[test]
    fn arbitrary_requests_never_panic(request in request()) {
        for config in CONFIGS {
            let _ = Sinch::handle_webhook(config, request.clone());
        }
    }

    #[test]
    fn arbitrary_signed_json_never_panics(value in callback()) {
        let body = value.to_string().into_bytes();
        let signed = signed_webhook(&body);
        for config in CONFIGS {
            let _ = Sinch::handle_webhook(config, signed.clone());
        }
    }

    #[test]
    fn arbitrary_wavy_batches_never_panic(items in prop::collection::vec(callback(), 0..5)) {
        let body = serde_json::json!({ "total": items.len(), "data": items }).to_string();
        let _ = Sinch::handle_webhook(WAVY, webhook(body.as_bytes(), Vec::new()));
    }

    #[test]
    fn arbitrary_conversation_payloads_never_panic(
        payload in json(),
        key in proptest::sample::select(&["message", "message_delivery_report"][..]),
    ) {
        let body = serde_json::json!({
            "app_id": "01EB37HMH1M6SV18ASNS3G135H",
            "correlation_id": "4242",
            key: payload,
        })
        .to_string();
        let _ = Sinch::handle_webhook(CONVERSATION, signed_webhook(body.as_bytes()));
    }
}
