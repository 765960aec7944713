//! The Kannel style, inbound: what Kannel's `get-url`/`post-url` calls and delivery reports
//! become.

mod common;

use common::*;
use provider_http_gateway::HttpGateway;
use switchboard_sdk::provider::{
    Content, DeliveryState, Event, Provider, SendError, WebhookError, WebhookResult,
};

fn mo_url(values: &[(char, &[u8])]) -> String {
    let pattern = format!("{HOOK}?id=%I&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&smsc=%i");
    kannel_expand(&pattern, values)
}

fn one_message(result: WebhookResult) -> switchboard_sdk::provider::InboundMessage {
    assert_eq!(result.response.status, 200);
    assert!(
        result.response.body.is_empty(),
        "Kannel would text a body back"
    );
    match result.events.as_slice() {
        [Event::Message(m)] => m.clone(),
        other => panic!("one message: {other:?}"),
    }
}

#[test]
fn a_get_url_call_becomes_an_inbound_message() {
    let url = mo_url(&[
        ('I', b"8f9a7c2e-0c1d-4d7e-9b1a-2f3e4d5c6b7a"),
        ('p', b"+5491155550123"),
        ('P', b"+15550000"),
        ('b', "Hola,\nquiero  ayuda & más".as_bytes()),
        ('c', b"0"),
        ('C', b"UTF-8"),
        ('T', b"1700000000"),
        ('i', b"sim1"),
    ]);
    let message = one_message(HttpGateway::handle_webhook(KANNEL, get(&url)).expect("parses"));
    assert_eq!(
        message.provider_message_id,
        "8f9a7c2e-0c1d-4d7e-9b1a-2f3e4d5c6b7a"
    );
    assert_eq!(message.from.number.as_deref(), Some("+5491155550123"));
    assert_eq!(message.to, "+15550000");
    assert_eq!(message.at_ms, 1_700_000_000_000);
    assert_eq!(
        message.content,
        Content::Text("Hola,\nquiero  ayuda & más".into())
    );
}

#[test]
fn a_ucs2_message_is_decoded_from_utf16be() {
    let text: Vec<u8> = "Привет 😀"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let url = mo_url(&[
        ('I', b"id-1"),
        ('p', b"01155550123"),
        ('P', b"6717"),
        ('b', &text),
        ('c', b"2"),
        ('C', b"UTF-16BE"),
    ]);
    let message = one_message(HttpGateway::handle_webhook(KANNEL, get(&url)).expect("parses"));
    assert_eq!(message.content, Content::Text("Привет 😀".into()));
    assert_eq!(
        message.from.number, None,
        "national format needs the host's country"
    );
    assert_eq!(message.from.user_id.as_deref(), Some("01155550123"));
    assert_eq!(message.at_ms, 0, "no %T: unknown");
}

#[test]
fn a_form_post_becomes_an_inbound_message() {
    let body = b"id=abc&from=%2B5491155550123&to=%2B15550000&text=hi+there&ts=1700000000";
    let request = post(
        HOOK,
        vec![header("Content-Type", "application/x-www-form-urlencoded")],
        body,
    );
    let message = one_message(HttpGateway::handle_webhook(KANNEL, request).expect("parses"));
    assert_eq!(message.provider_message_id, "abc");
    assert_eq!(message.content, Content::Text("hi there".into()));
}

#[test]
fn a_post_url_call_reads_the_body_and_kannel_headers() {
    let text: Vec<u8> = "¿Sí?".encode_utf16().flat_map(u16::to_be_bytes).collect();
    let request = post(
        &format!("{HOOK}?id=uuid-7"),
        vec![
            header("Content-Type", "text/plain; charset=\"UTF-16BE\""),
            header("X-Kannel-From", "+5491155550123"),
            header("X-Kannel-To", "+15550000"),
            header("X-Kannel-Time", "2023-11-14 22:13:20"),
            header("X-Kannel-Coding", "2"),
        ],
        &text,
    );
    let message = one_message(HttpGateway::handle_webhook(KANNEL, request).expect("parses"));
    assert_eq!(message.provider_message_id, "uuid-7");
    assert_eq!(message.from.number.as_deref(), Some("+5491155550123"));
    assert_eq!(message.to, "+15550000");
    assert_eq!(message.at_ms, 1_700_000_000_000);
    assert_eq!(message.content, Content::Text("¿Sí?".into()));
}

#[test]
fn without_kannels_id_a_redelivery_gets_the_same_id() {
    let url = format!("{HOOK}?from=%2B5491155550123&to=%2B15550000&text=hi&ts=1700000000");
    let first = one_message(HttpGateway::handle_webhook(KANNEL, get(&url)).expect("parses"));
    let again = one_message(HttpGateway::handle_webhook(KANNEL, get(&url)).expect("parses"));
    assert_eq!(first.provider_message_id, again.provider_message_id);
    assert!(first.provider_message_id.starts_with("sha256:"));
}

fn report(dlr: &str, answer: &str) -> WebhookResult {
    let url = format!(
        "{HOOK}?dlr_id=42&dlr={dlr}&answer={answer}&to=%2B5491155550123&ts=1700000000&smsc=sim1"
    );
    HttpGateway::handle_webhook(KANNEL, get(&url)).expect("a report")
}

#[test]
fn each_dlr_type_maps_to_its_state() {
    let state = |dlr: &str| match report(dlr, "").events.as_slice() {
        [Event::Status(s)] => Some(s.state),
        [] => None,
        other => panic!("{other:?}"),
    };
    assert_eq!(state("1"), Some(DeliveryState::Delivered));
    assert_eq!(state("2"), Some(DeliveryState::Failed));
    assert_eq!(state("4"), None, "queued on the SMSC changes nothing");
    assert_eq!(state("8"), Some(DeliveryState::Sent));
    assert_eq!(state("16"), Some(DeliveryState::Failed));
    assert_eq!(report("4", "").response.status, 200);
}

#[test]
fn an_smsc_rejection_says_why() {
    let result = report("16", "NACK%2F0x0000000b%2FInvalid+Destination+Address");
    let [Event::Status(status)] = result.events.as_slice() else {
        panic!("one status")
    };
    assert!(matches!(
        &status.error,
        Some(SendError::BadRecipient(f)) if f.message == "NACK/0x0000000b/Invalid Destination Address"
    ));
}

#[test]
fn unknown_or_malformed_calls_are_refused() {
    let malformed = |request| {
        matches!(
            HttpGateway::handle_webhook(KANNEL, request),
            Err(WebhookError::Malformed(_))
        )
    };
    assert!(malformed(get(HOOK)), "no fields at all");
    assert!(
        malformed(get(&format!("{HOOK}?dlr=1"))),
        "report without dlr_id"
    );
    assert!(malformed(get(&format!("{HOOK}?dlr=abc&dlr_id=1"))));
    assert!(
        malformed(get(&format!("{HOOK}?dlr=3&dlr_id=1"))),
        "no such report type"
    );
    assert!(malformed(get(&format!("{HOOK}?dlr=1&dlr_id=-4"))));
    assert!(
        malformed(get(&format!("{HOOK}?from=%2B1555&to=1"))),
        "no text"
    );
    assert!(
        malformed(get(&format!("{HOOK}?from=&text=hi"))),
        "empty from"
    );
    assert!(malformed(get(&format!(
        "{HOOK}?from=1&text=%00&coding=2&charset=UTF-16BE"
    ))));
    let mut put = get(&format!("{HOOK}?from=1&text=hi"));
    put.method = "PUT".into();
    assert!(malformed(put));
}

#[test]
fn kannel_connectors_do_not_poll() {
    let error = HttpGateway::prepare_poll(KANNEL, None, None).expect_err("no polling");
    assert_eq!(error.code, "unsupported");
    let capabilities = HttpGateway::capabilities(KANNEL).expect("capabilities");
    assert_eq!(capabilities.poll_interval_ms, None);
}

#[test]
fn without_a_usable_config_calls_are_deferred_not_refused() {
    let call = get(&format!("{HOOK}?id=1&from=%2B5491155550123&text=hi"));
    for config in ["{", r#"{"style":"kannel"}"#] {
        assert!(
            matches!(
                HttpGateway::handle_webhook(config, call.clone()),
                Err(WebhookError::Unavailable(_))
            ),
            "{config}"
        );
    }
}
