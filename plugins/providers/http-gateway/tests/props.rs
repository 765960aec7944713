//! Property tests: no input from the network makes the adapter panic (a panic is a trap, and
//! the host would answer a provider's retry with the same trap forever).

mod common;

use common::*;
use proptest::prelude::*;
use provider_http_gateway::HttpGateway;
use switchboard_sdk::provider::{HttpResponse, Pair, Provider, WebhookRequest};

/// Query strings made of the field names the adapter reads, with arbitrary values.
fn query() -> impl Strategy<Value = String> {
    let name = prop::sample::select(vec![
        "dlr", "dlr_id", "answer", "to", "ts", "smsc", "id", "from", "text", "coding", "charset",
        "x",
    ]);
    let value = prop::collection::vec(any::<u8>(), 0..24);
    prop::collection::vec((name, value), 0..8).prop_map(|pairs| {
        pairs
            .iter()
            .map(|(n, v)| format!("{n}={}", provider_http_gateway::query::encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    })
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("GET".to_owned()),
        Just("POST".to_owned()),
        any::<String>(),
    ]
}

fn headers() -> impl Strategy<Value = Vec<Pair>> {
    let name = prop_oneof![
        Just("Content-Type".to_owned()),
        Just("X-Kannel-From".to_owned()),
        Just("X-Kannel-Time".to_owned()),
        Just("X-Kannel-Coding".to_owned()),
        any::<String>(),
    ];
    let value = prop_oneof![
        Just("application/x-www-form-urlencoded".to_owned()),
        Just("text/plain; charset=\"UTF-16BE\"".to_owned()),
        any::<String>(),
    ];
    prop::collection::vec(
        (name, value).prop_map(|(name, value)| Pair { name, value }),
        0..4,
    )
}

/// JSON bodies shaped like Dinstar's, with values of any JSON type.
fn dinstar_json() -> impl Strategy<Value = Vec<u8>> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<String>().prop_map(serde_json::Value::from),
    ];
    let field = prop::sample::select(vec![
        "incoming_sms_id",
        "port",
        "number",
        "timestamp",
        "text",
        "user_id",
        "status",
        "time",
        "count",
        "succ_count",
    ]);
    let item = prop::collection::btree_map(field, leaf.clone(), 0..8).prop_map(|m| {
        serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
    });
    let key = prop::sample::select(vec![
        "sms",
        "sms_result",
        "sms_deliver_status",
        "sn",
        "error_code",
    ]);
    let list = prop_oneof![
        prop::collection::vec(item, 0..4).prop_map(serde_json::Value::from),
        leaf,
    ];
    prop::collection::btree_map(key, list, 0..4).prop_map(|m| {
        serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            .to_string()
            .into_bytes()
    })
}

proptest! {
    #[test]
    fn kannel_webhooks_never_panic(
        method in method(),
        query in query(),
        url in any::<String>(),
        headers in headers(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        form in query(),
    ) {
        for (url, body) in [
            (format!("{HOOK}?{query}"), body.clone()),
            (url.clone(), body.clone()),
            (HOOK.to_owned(), form.into_bytes()),
        ] {
            let request = WebhookRequest {
                method: method.clone(),
                url,
                headers: headers.clone(),
                body,
                peer_addr: String::new(),
                received_at_ms: 0,
            };
            let _ = HttpGateway::handle_webhook(KANNEL, request);
        }
    }

    #[test]
    fn dinstar_webhooks_and_polls_never_panic(
        status in any::<u16>(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        shaped in dinstar_json(),
        method in method(),
        cursor in proptest::option::of("[0-9]{0,20}|.{0,8}"),
    ) {
        for body in [body, shaped] {
            let _ = HttpGateway::read_poll(DINSTAR, cursor.as_deref(), HttpResponse { status, headers: Vec::new(), body: body.clone() });
            let _ = HttpGateway::read_send_response(DINSTAR, outbound("x"), HttpResponse { status, headers: Vec::new(), body: body.clone() });
            let request = WebhookRequest { method: method.clone(), url: HOOK.into(), headers: Vec::new(), body, peer_addr: String::new(), received_at_ms: 0 };
            let _ = HttpGateway::handle_webhook(DINSTAR, request);
        }
    }

    #[test]
    fn any_text_builds_a_send_or_a_typed_refusal(text in any::<String>(), slot in any::<u32>(), config in prop::sample::select(vec![KANNEL, DINSTAR])) {
        let message = switchboard_sdk::provider::Outbound { channel_slot: slot, ..outbound(&text) };
        let _ = HttpGateway::prepare_send(config, None, message);
    }

    #[test]
    fn any_config_text_is_handled(config in any::<String>(), cursor in proptest::option::of(any::<String>())) {
        let _ = HttpGateway::capabilities(&config);
        let _ = HttpGateway::prepare_poll(&config, None, cursor.as_deref());
        let _ = HttpGateway::read_poll(&config, cursor.as_deref(), response(200, "{}"));
        let _ = HttpGateway::prepare_send(&config, None, outbound("x"));
    }
}
